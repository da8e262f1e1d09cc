/*
 * STIX 2.1 validator: extensions, the SCO-specific checks (section 6), UUID
 * versions, indicator patterns, marking definitions, STIX 2.0 observables and
 * dictionary keys.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sg17/stix.h"
#include "sg17/stix_pattern.h"
#include "jdom_internal.h"
#include "stix_internal.h"
#include "stix_validate_internal.h"

void stix_val_check_extensions(vctx *v, const char *type, const sg17_jd *o, int sco)
{
    const sg17_jd *ex = jd_get(o, "extensions");
    if (!ex)
        return;
    if (!jd_is_object(ex)) {
        stix_val_add(v, 0, "extensions: must be an object");
        return;
    }
    const char *k;
    const sg17_jd *e;
    jd_object_foreach(ex, k, e) {
        if (!jd_is_object(e)) {
            stix_val_add(v, 0, "extensions: '%s' is not of type 'object'", k);
            continue;
        }
        if (sco && starts_with(k, "extension-definition--")) {
            const char *et = sget(e, "extension_type");
            if (on(v, 401) && !v->v20) {
                if (!et || strcmp(et, "property-extension") != 0)
                    stix_val_add(v, 401, "Custom Cyber Observable Object extension type '%s' should be "
                                "implemented using an 'extension_type' of 'property-extension'.", k);
            } else if (on(v, 101)) {
                stix_val_add(v, 101, "Custom Cyber Observable Object extension type '%s' should start with "
                            "'x-' followed by a source unique identifier, a hyphen and then the name.", k);
            } else if (on(v, 102)) {
                stix_val_add(v, 102, "Custom Cyber Observable Object extension type '%s' should start with 'x-'.", k);
            }
            continue;
        }
        if (starts_with(k, "extension-definition--")) {
            if (!stix_is_identifier(k))
                stix_val_add(v, 0, "extensions: '%s' is not a valid extension-definition id", k);
            const sg17_jd *et = jd_get(e, "extension_type");
            if (et && !jd_is_string(et))
                stix_val_add(v, 0, "extensions.%s.extension_type: is not of type 'string'", k);
            else if (et && !stix_word_in("new-sdo new-sco new-sro property-extension toplevel-property-extension",
                                         jd_str(et), strlen(jd_str(et))))
                stix_val_add(v, 0, "extensions.%s.extension_type: '%s' is not a valid extension type", k, jd_str(et));
            continue;
        }
        if (sco && stix_val_subdef(k)) {
            stix_val_sub_props(v, type, k, e, NULL);
            if (strcmp(k, "ntfs-ext") == 0) {
                const sg17_jd *ads = jd_get(e, "alternate_data_streams");
                size_t i;
                const sg17_jd *a;
                jd_array_foreach(ads, i, a) {
                    stix_val_sub_props(v, type, "alternate_data_streams", a, "ntfs-ext");
                    const sg17_jd *h = jd_get(a, "hashes");
                    if (h)
                        stix_val_check_hashes(v, h, "alternate data stream hashes");
                }
            }
            if (strcmp(k, "windows-pebinary-ext") == 0) {
                const char *pt = sget(e, "pe_type");
                if (pt && !stix_word_in("exe dll sys", pt, strlen(pt)))
                    stix_val_add(v, 243, "Object has a Windows PE Binary File extension with a 'pe_type' of "
                                "'%s', which is not a value in the windows-pebinary-type-ov vocabulary.", pt);
                stix_val_check_hashes(v, jd_get(e, "file_header_hashes"), "file header hashes");
                const sg17_jd *oh = jd_get(e, "optional_header");
                if (oh)
                    stix_val_check_hashes(v, jd_get(oh, "hashes"), "optional header hashes");
                size_t i;
                const sg17_jd *sct;
                jd_array_foreach(jd_get(e, "sections"), i, sct)
                    stix_val_check_hashes(v, jd_get(sct, "hashes"), "section hashes");
            }
            if (strcmp(k, "windows-process-ext") == 0) {
                const char *pr = sget(e, "priority");
                if (pr && !ends_with(pr, "_CLASS"))
                    stix_val_add(v, 149, "The 'priority' property should end in '_CLASS'.");
            }
            continue;
        }
        /* custom extension name */
        if (on(v, 401) && !v->v20) {
            stix_val_add(v, 401, "Custom Cyber Observable Object extension type '%s' should be implemented "
                        "using an 'extension_type' of 'property-extension'.", k);
        } else if (on(v, 101) && !stix_val_ext_prefix_strict(k)) {
            stix_val_add(v, 101, "Custom Cyber Observable Object extension type '%s' should start with 'x-' "
                        "followed by a source unique identifier, a hyphen and then the name.", k);
        } else if (!on(v, 101) && on(v, 102) && !stix_val_prefix_lax(k, '-')) {
            stix_val_add(v, 102, "Custom Cyber Observable Object extension type '%s' should start with 'x-'.", k);
        }
        if (v->o->strict_properties)
            stix_val_add(v, 0, "extensions: custom extension '%s' is not allowed", k);
    }
}

void stix_val_check_sco_specific(vctx *v, const char *type, const sg17_jd *o)
{
    if (strcmp(type, "artifact") == 0) {
        const sg17_jd *pb = jd_get(o, "payload_bin"), *url = jd_get(o, "url");
        if ((pb && url) || (!pb && !url))
            stix_val_add(v, 0, "'artifact' object must contain either 'payload_bin' or 'url'");
        if (pb && (!jd_is_string(pb) || !stix_val_b64_ok(jd_str(pb))))
            stix_val_add(v, 0, "payload_bin: must be a base64-encoded string");
        if (url && (!jd_is_string(url) || !stix_val_uri_ok(jd_str(url))))
            stix_val_add(v, 0, "url: is not a 'uri'");
        if (url && !jd_get(o, "hashes"))
            stix_val_add(v, 0, "'hashes' MUST be present when 'url' is present");
        const char *ea = sget(o, "encryption_algorithm");
        if (!ea && jd_get(o, "decryption_key"))
            stix_val_add(v, 0, "'decryption_key' MUST NOT be present when 'encryption_algorithm' is absent");
        if (ea && !stix_word_in("AES-256-GCM ChaCha20-Poly1305 mime-type-indicated", ea, strlen(ea)))
            stix_val_add(v, 0, "encryption_algorithm: '%s' is not one of the allowed values", ea);
        const char *mt = sget(o, "mime_type");
        if (mt) {
            static const char *tops[] = {"application/", "audio/", "font/", "image/", "message/",
                                         "model/", "multipart/", "text/", "video/"};
            int ok = 0;
            for (size_t i = 0; i < 9; i++)
                if (starts_with(mt, tops[i]) && mt[strlen(tops[i])])
                    ok = 1;
            if (!ok)
                stix_val_add(v, 0, "mime_type: '%s' does not match the MIME type format", mt);
        }
    } else if (strcmp(type, "ipv4-addr") == 0) {
        const char *val = sget(o, "value");
        if (val && !stix_val_ipv4_ok(val))
            stix_val_add(v, 0, "value: '%s' is not a valid IPv4 address or CIDR", val);
    } else if (strcmp(type, "ipv6-addr") == 0) {
        const char *val = sget(o, "value");
        if (val && !stix_val_ipv6_ok(val))
            stix_val_add(v, 0, "value: '%s' is not a valid IPv6 address or CIDR", val);
    } else if (strcmp(type, "url") == 0) {
        const char *val = sget(o, "value");
        if (val && !stix_val_uri_ok(val))
            stix_val_add(v, 0, "value: '%s' is not a 'uri'", val);
    } else if (strcmp(type, "email-message") == 0) {
        const sg17_jd *mp = jd_get(o, "is_multipart");
        if (jd_is_false(mp) && jd_get(o, "body_multipart"))
            stix_val_add(v, 0, "Since 'is_multipart' is false, 'body' must be a string and the "
                      "'body_multipart' property must not be present.");
        if (jd_is_true(mp) && jd_get(o, "body"))
            stix_val_add(v, 0, "Since 'is_multipart' is true, 'body' must not be present.");
    } else if (strcmp(type, "file") == 0) {
        if (!jd_get(o, "hashes") && !jd_get(o, "name"))
            stix_val_add(v, 0, "'file' object must contain at least 'hashes' or 'name'");
        const char *enc = sget(o, "name_enc");
        if (enc && stix_val_registry_has(v, "charsets.csv", 1, enc, 1) == 0 &&
            stix_val_registry_has(v, "charsets.csv", 2, enc, 1) == 0)
            stix_val_add(v, 0, "The 'name_enc' property ('%s') must be an IANA registered character set.", enc);
        const char *mt = sget(o, "mime_type");
        if (mt) {
            int found = -1;
            const char *slash = strchr(mt, '/');
            if (slash) {
                char f[64];
                int n = snprintf(f, sizeof f, "mediatype_%.*s.csv", (int)(slash - mt), mt);
                if (n > 0 && (size_t)n < sizeof f)
                    found = stix_val_registry_has(v, f, 1, mt, 1);
            } else {
                found = 0;
            }
            if (found == 0)
                stix_val_add(v, 271, "The 'mime_type' property ('%s') should be an IANA registered MIME "
                            "Type of the form 'type/subtype'.", mt);
        }
    } else if (strcmp(type, "network-traffic") == 0) {
        if (!jd_get(o, "src_ref") && !jd_get(o, "dst_ref"))
            stix_val_add(v, 0, "'network-traffic' object must contain 'src_ref' or 'dst_ref'");
        if (!jd_get(o, "src_port") || !jd_get(o, "dst_port"))
            stix_val_add(v, 301, "The Network Traffic object should contain both the 'src_port' and "
                        "'dst_port' properties.");
        size_t i;
        const sg17_jd *p;
        jd_array_foreach(jd_get(o, "protocols"), i, p) {
            const char *ps = jd_str(p);
            if (ps && !stix_word_in("ipv4 ipv6 ssl tls dtls", ps, strlen(ps)) &&
                stix_val_registry_has(v, "protocols.csv", 0, ps, 1) == 0)
                stix_val_add(v, 272, "The 'protocols' property contains a value ('%s') not in IANA Service "
                            "Name and Transport Protocol Port Number Registry.", ps);
        }
        const sg17_jd *ipfix = jd_get(o, "ipfix");
        const char *k;
        const sg17_jd *val;
        jd_object_foreach(ipfix, k, val) {
            if (stix_val_registry_has(v, "ipfix-information-elements.csv", 1, k, 0) == 0)
                stix_val_add(v, 273, "The 'ipfix' property contains a key ('%s') not in IANA IP Flow "
                            "Information Export (IPFIX) Entities Registry.", k);
        }
    } else if (strcmp(type, "user-account") == 0) {
        const char *at = sget(o, "account_type");
        if (at && !stix_word_in("unix windows-local windows-domain ldap tacacs radius nis openid facebook skype twitter kavi", at, strlen(at)))
            stix_val_add(v, 244, "Object is a User Account Object with an 'account_type' of '%s', which is "
                        "not a value in the account-type-ov vocabulary.", at);
    } else if (strcmp(type, "windows-registry-key") == 0) {
        size_t i;
        const sg17_jd *val;
        jd_array_foreach(jd_get(o, "values"), i, val) stix_val_sub_props(v, type, "values", val, NULL);
    } else if (strcmp(type, "x509-certificate") == 0) {
        const sg17_jd *x = jd_get(o, "x509_v3_extensions");
        if (x) {
            stix_val_sub_props(v, type, "x509_v3_extensions", x, NULL);
            const char *k;
            const sg17_jd *val;
            jd_object_foreach(x, k, val) if (strstr(k, "private_key_usage_period"))
                stix_val_check_timestamp(v, k, val);
        }
    }
    if (jd_get(o, "hashes"))
        stix_val_check_hashes(v, jd_get(o, "hashes"), "hashes");
}

void stix_val_check_uuid(vctx *v, const char *type, const char *id, sg17_stix_kind kind)
{
    int ver = stix_uuid_version(id);
    if (kind == SG17_STIX_SCO) {
        if (strcmp(type, "process") == 0) {
            if (ver != 4)
                stix_val_add(v, 103, "A process object must use UUIDv4 for its id.");
        } else if (ver != 5 && ver != 4) {
            stix_val_add(v, 103, "Cyber Observable ID value %s is not a valid UUIDv4 or UUIDv5 ID.", id);
        } else if (ver != 5) {
            stix_val_add(v, 103, "Cyber Observable ID value %s is not a valid UUIDv5 ID.", id);
        }
    } else if (ver != 4) {
        stix_val_add(v, 103, "Given ID value %s is not a valid UUIDv4 ID.", id);
    }
}

void stix_val_check_pattern(vctx *v, const sg17_jd *o)
{
    const char *pt = sget(o, "pattern_type"), *pat = sget(o, "pattern");
    if (v->s20 && !jd_get(o, "pattern_type"))
        pt = "stix"; /* STIX 2.0 indicators are always STIX patterns */
    if (!pt || !pat || strcmp(pt, "stix") != 0)
        return;
    char err[256];
    unsigned flags = SG17_STIX_PATTERN_PROPNAMES;
    if (v->o->strict_types)
        flags |= SG17_STIX_PATTERN_CHECK_TYPES;
    if (v->o->strict_properties)
        flags |= SG17_STIX_PATTERN_STRICT_PROPS;
    if (!on(v, 401)) {
        if (on(v, 101))
            flags |= SG17_STIX_PATTERN_PREFIX_STRICT;
        else if (on(v, 102))
            flags |= SG17_STIX_PATTERN_PREFIX_LAX;
    }
    if (sg17_stix_pattern_check(pat, flags, err, sizeof err) != 0)
        stix_val_add(v, 0, "Pattern failed to validate: %s", err);
}

void stix_val_check_marking(vctx *v, const sg17_jd *o)
{
    const char *dt = sget(o, "definition_type");
    const sg17_jd *def = jd_get(o, "definition");
    const sg17_jd *ex = jd_get(o, "extensions");
    if (!dt && !def && !ex) {
        stix_val_add(v, 0, "marking definitions must use the 'definition_type' and 'definition' properties "
                  "with a valid marking definition, or use an extension and the properties it requires");
        stix_val_add(v, 401, "Custom marking definitions should be specified using the 'extensions' property.");
        return;
    }
    if (dt) {
        if (strcmp(dt, "statement") == 0) {
            if (!jd_is_object(def) || !jd_is_string(jd_get(def, "statement")))
                stix_val_add(v, 0, "definition: a statement marking requires a 'statement' string");
        } else if (strcmp(dt, "tlp") == 0) {
            const char *tlp = sget(def, "tlp");
            if (!tlp || !stix_word_in("white green amber red", tlp, strlen(tlp)))
                stix_val_add(v, 0, "definition: a TLP marking requires 'tlp' of white, green, amber or red");
        } else {
            stix_val_add(v, 201, "Marking definition `definition_type` should be one of: statement, tlp.");
            stix_val_add(v, 401, "Custom marking definitions should be specified using the 'extensions' property.");
        }
        if (!def)
            stix_val_add(v, 0, "'definition' is a required property");
    }
}

/* STIX 2.0 Part 3/4: each cyber observable in observed-data "objects" is an
 * object with a "type"; its object references (*_ref, *_refs) name keys of
 * the same "objects" dictionary (local scope). */
static void check_observables20(vctx *v, const sg17_jd *objs)
{
    const char *k, *pk;
    const sg17_jd *ob, *pv;
    jd_object_foreach(objs, k, ob) {
        if (!jd_is_object(ob)) {
            stix_val_add(v, 0, "objects['%s']: a cyber observable must be an object", k);
            continue;
        }
        if (!jd_is_string(jd_get(ob, "type")))
            stix_val_add(v, 0, "objects['%s']: 'type' is a required property", k);
        jd_object_foreach(ob, pk, pv) {
            size_t i;
            const sg17_jd *e;
            if (ends_with(pk, "_ref")) {
                if (!jd_is_string(pv) || !jd_get(objs, jd_str(pv)))
                    stix_val_add(v, 0, "objects['%s'].%s: must refer to a key of the 'objects' dictionary", k, pk);
            } else if (ends_with(pk, "_refs")) {
                jd_array_foreach(pv, i, e) if (!jd_is_string(e) || !jd_get(objs, jd_str(e)))
                    stix_val_add(v, 0, "objects['%s'].%s[%zu]: must refer to a key of the 'objects' dictionary", k, pk, i);
            }
        }
    }
}

void stix_val_check_observed_objects(vctx *v, const sg17_jd *o)
{
    const sg17_jd *objs = jd_get(o, "objects");
    if (!objs)
        return;
    if (!v->s20) /* deprecated in 2.1; the only form in 2.0 */
        stix_val_add(v, 304, "Included property 'objects' is deprecated within the indicated spec version.");
    if (!jd_is_object(objs)) {
        stix_val_add(v, 0, "objects: Observed Data objects must be in dict format.");
        return;
    }
    if (v->s20)
        check_observables20(v, objs);
    const char *k;
    const sg17_jd *val;
    jd_object_foreach(objs, k, val) {
        int digits = *k != '\0';
        for (const char *p = k; *p; p++)
            if (*p < '0' || *p > '9')
                digits = 0;
        if (!digits)
            stix_val_add(v, 141, "'%s' is not a good key value. Observable Objects should use non-negative "
                        "integers for their keys.", k);
    }
}

/* {142}: dictionary keys inside an SCO should be lowercase (explicit stack, bounded) */
void stix_val_check_dict_keys(vctx *v, const sg17_jd *o)
{
    static const char *exc = "hashes file_header_hashes request_header additional_header_fields "
                             "document_info_dict exif_tags ipfix options environment_variables key startup_info";
    const sg17_jd *stack[64];
    size_t sp = 0;
    stack[sp++] = o;
    while (sp) {
        const sg17_jd *d = stack[--sp];
        const char *k;
        const sg17_jd *val;
        jd_object_foreach(d, k, val) {
            for (const char *p = k; *p; p++)
                if (*p >= 'A' && *p <= 'Z') {
                    stix_val_add(v, 142, "As a dictionary key, '%s' should be lowercase.", k);
                    break;
                }
            if (jd_is_object(val) && !stix_word_in(exc, k, strlen(k)) && sp < 64)
                stack[sp++] = val;
        }
    }
}

static int in_list(const char *list, const char *w)
{
    return stix_word_in(list, w, strlen(w));
}

void stix_val_check_ext_dicts(vctx *v, const char *type, const sg17_jd *o)
{
    const sg17_jd *ex = jd_get(o, "extensions");
    const char *k;
    const sg17_jd *val;
    if (strcmp(type, "network-traffic") == 0) {
        static const char *hdrs =
            "Accept Accept-Charset Accept-Encoding Accept-Language Accept-Datetime Access-Control-Request-Method "
            "Access-Control-Request-Headers Authorization Cache-Control Connection Content-Encoding Content-Length "
            "Content-MD5 Content-Type Cookie Date Expect Forwarded From Host HTTP2-Settings If-Match If-Modified-Since "
            "If-None-Match If-Range If-Unmodified-Since Max-Forwards Origin Pragma Prefer Proxy-Authorization Range "
            "Referer TE Trailer Transfer-Encoding User-Agent Upgrade Via Warning Upgrade-Insecure-Requests "
            "X-Requested-With DNT X-Forwarded-For X-Forwarded-Host X-Forwarded-Proto Front-End-Https "
            "X-Http-Method-Override X-ATT-DeviceId X-Wap-Profile Proxy-Connection X-UIDH X-Csrf-Token X-Request-ID "
            "X-Correlation-ID Save-Data";
        const sg17_jd *rh = jd_get(jd_get(ex, "http-request-ext"), "request_header");
        jd_object_foreach(rh, k, val) if (!in_list(hdrs, k))
            stix_val_add(v, 274, "The 'request_header' property contains an invalid HTTP request header ('%s').", k);
        const sg17_jd *opts = jd_get(jd_get(ex, "socket-ext"), "options");
        jd_object_foreach(opts, k, val) {
            static const char *pfx[] = {"SO_", "ICMP_", "ICMP6_", "IP_", "IPV6_", "MCAST_", "TCP_", "IRLMP_"};
            int okp = 0;
            for (size_t i = 0; i < sizeof pfx / sizeof pfx[0]; i++)
                if (starts_with(k, pfx[i]) && k[strlen(pfx[i])])
                    okp = 1;
            for (const char *p = k; okp && *p; p++)
                if (!((*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '_'))
                    okp = 0;
            if (!okp)
                stix_val_add(v, 275, "The 'options' property contains a key ('%s') that is not a valid socket "
                            "option (SO|ICMP|ICMP6|IP|IPV6|MCAST|TCP|IRLMP)_*.", k);
        }
    } else if (strcmp(type, "file") == 0) {
        const sg17_jd *did = jd_get(jd_get(ex, "pdf-ext"), "document_info_dict");
        jd_object_foreach(did, k, val) if (!in_list("Title Author Subject Keywords Creator Producer CreationDate ModDate Trapped", k))
            stix_val_add(v, 276, "The 'document_info_dict' property contains a key ('%s') that is not a valid "
                        "PDF Document Information Dictionary key.", k);
    }
}
