/*
 * STIX 2.1 validator: generic property checks (timestamps, references,
 * custom property names, hashes, URIs, IP addresses, external references,
 * kill chain phases, granular-marking selectors).
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

/* ---- generic property checks ------------------------------------------- */

void stix_val_check_timestamp(vctx *v, const char *prop, const sg17_jd *val)
{
    const char *s = jd_str(val);
    if (!s) {
        stix_val_add(v, 0, "%s: must be a timestamp string", prop);
        return;
    }
    if (sg17_stix_timestamp_parse(s, NULL, NULL) != 0)
        stix_val_add(v, 0, "'%s': '%s' is not a valid timestamp", prop, s);
}

void stix_val_check_order(vctx *v, const sg17_jd *o, const char *a, const char *b, int strictly)
{
    const char *sa = sget(o, a), *sb = sget(o, b);
    if (!sa || !sb || sg17_stix_timestamp_parse(sa, NULL, NULL) ||
        sg17_stix_timestamp_parse(sb, NULL, NULL))
        return;
    int c = stix_ts_cmp(sb, sa);
    if (c < 0 || (strictly && c == 0))
        stix_val_add(v, 0, "'%s' (%s) must be later than %s'%s' (%s)", b, sb, strictly ? "" : "or equal to ", a, sa);
}

void stix_val_check_ref(vctx *v, const char *prop, const char *s, const char *allowed)
{
    if (!stix_is_identifier(s)) {
        stix_val_add(v, 0, "%s: '%s' does not match the id format ([object-type]--[UUID])", prop, s);
        return;
    }
    if (!allowed && strcmp(prop, "object_refs") == 0 && v->cur_type && strcmp(v->cur_type, "observed-data") == 0) {
        char t[64];
        stix_val_id_type(s, t, sizeof t);
        sg17_stix_kind k = sg17_stix_type_kind(t);
        if (k == SG17_STIX_SDO || k == SG17_STIX_META || k == SG17_STIX_BUNDLE)
            stix_val_add(v, 0, "object_refs: '%s' must refer to SCOs or SROs", s);
    }
    if (allowed) {
        char t[64];
        stix_val_id_type(s, t, sizeof t);
        if (!stix_word_in(allowed, t, strlen(t)))
            stix_val_add(v, 0, "%s: '%s' must refer to one of: %s", prop, s, allowed);
    }
}

const char *stix_val_ref_allowed(const char *type, const char *prop)
{
    if (strcmp(prop, "object_marking_refs") == 0)
        return "marking-definition";
    if (strcmp(type, "sighting") == 0) {
        if (strcmp(prop, "observed_data_refs") == 0)
            return "observed-data";
        if (strcmp(prop, "where_sighted_refs") == 0)
            return "identity location";
    }
    if (strcmp(type, "malware-analysis") == 0) {
        if (strcmp(prop, "host_vm_ref") == 0 || strcmp(prop, "operating_system_ref") == 0 ||
            strcmp(prop, "installed_software_refs") == 0)
            return "software";
        if (strcmp(prop, "sample_ref") == 0)
            return "file network-traffic artifact";
    }
    return NULL;
}

int stix_val_propname_ok(const char *k)
{
    size_t n = strlen(k);
    if (n >= 3 && k[0] >= 'a' && k[0] <= 'z') {
        int ok = 1;
        for (int i = 1; i < 3; i++)
            if (!((k[i] >= 'a' && k[i] <= 'z') || (k[i] >= '0' && k[i] <= '9') || k[i] == '_'))
                ok = 0;
        if (ok)
            return 1;
    }
    return ends_with(k, "id");
}

int stix_val_prefix_strict(const char *s, char sep)
{
    /* ^x<sep>.+<sep>.+$ */
    if (s[0] != 'x' || s[1] != sep || !s[2])
        return 0;
    const char *p = strchr(s + 3, sep);
    return p && p[1];
}

/* custom extension names: x-<source>-<name>[-ext], the -ext suffix not counting */
int stix_val_ext_prefix_strict(const char *s)
{
    char buf[256];
    size_t n = strlen(s);
    if (n >= sizeof buf)
        return 0;
    memcpy(buf, s, n + 1);
    if (n > 4 && strcmp(buf + n - 4, "-ext") == 0)
        buf[n - 4] = '\0';
    return stix_val_prefix_strict(buf, '-');
}

int stix_val_prefix_lax(const char *s, char sep)
{
    return s[0] == 'x' && s[1] == sep && s[2];
}

/* Does the object carry a property-extension / toplevel-property-extension? */
int stix_val_has_ext_type(const sg17_jd *o, const char *et)
{
    const sg17_jd *ex = jd_get(o, "extensions");
    const char *k;
    const sg17_jd *e;
    if (!jd_is_object(ex))
        return 0;
    jd_object_foreach(ex, k, e) {
        const char *t = sget(e, "extension_type");
        if (t && strcmp(t, et) == 0)
            return 1;
    }
    return 0;
}

void stix_val_custom_property(vctx *v, const char *what, const char *k, int sco)
{
    if (v->o->strict_properties)
        stix_val_add(v, 0, "Property '%s' is not one of those defined in the specification%s.", k, what);
    if (on(v, 401) && !v->v20) {
        stix_val_add(v, 401, "Custom property '%s'%s should be implemented using an extension with an "
                    "'extension_type' of 'property-extension' or 'toplevel-property-extension'.", k, what);
        return;
    }
    if (on(v, 101) && !stix_val_prefix_strict(k, '_'))
        stix_val_add(v, 101, "%sCustom property '%s'%s should start with 'x_' followed by a source unique "
                    "identifier, an underscore and then the name.", sco ? "Cyber Observable Object " : "", k, what);
    else if (!on(v, 101) && on(v, 102) && !stix_val_prefix_lax(k, '_'))
        stix_val_add(v, 102, "%sCustom property '%s'%s should start with 'x_'.", sco ? "Cyber Observable Object " : "", k, what);
}

/* Known properties of nested STIX structures (SCO extensions, sub-types). */
static const struct {
    const char *name;
    const char *props;
} subdefs[] = {
    {"archive-ext", "contains_refs comment"},
    {"ntfs-ext", "sid alternate_data_streams"},
    {"alternate_data_streams", "name hashes size"},
    {"pdf-ext", "version is_optimized document_info_dict pdfid0 pdfid1"},
    {"raster-image-ext", "image_height image_width bits_per_pixel exif_tags"},
    {"windows-pebinary-ext", "pe_type imphash machine_hex number_of_sections time_date_stamp pointer_to_symbol_table_hex number_of_symbols size_of_optional_header characteristics_hex file_header_hashes optional_header sections"},
    {"http-request-ext", "request_method request_value request_version request_header message_body_length message_body_data_ref"},
    {"icmp-ext", "icmp_type_hex icmp_code_hex"},
    {"socket-ext", "address_family is_blocking is_listening options socket_type socket_descriptor socket_handle"},
    {"tcp-ext", "src_flags_hex dst_flags_hex"},
    {"windows-process-ext", "aslr_enabled dep_enabled priority owner_sid window_title startup_info integrity_level"},
    {"windows-service-ext", "service_name descriptions display_name group_name start_type service_dll_refs service_type service_status"},
    {"unix-account-ext", "gid groups home_dir shell"},
    {"values", "name data data_type"},
    {"x509_v3_extensions", "basic_constraints name_constraints policy_constraints key_usage extended_key_usage subject_key_identifier authority_key_identifier subject_alternative_name issuer_alternative_name subject_directory_attributes crl_distribution_points inhibit_any_policy private_key_usage_period_not_before private_key_usage_period_not_after certificate_policies policy_mappings"},
};

const char *stix_val_subdef(const char *name)
{
    for (size_t i = 0; i < sizeof subdefs / sizeof subdefs[0]; i++)
        if (strcmp(subdefs[i].name, name) == 0)
            return subdefs[i].props;
    return NULL;
}

void stix_val_sub_props(vctx *v, const char *type, const char *name, const sg17_jd *o, const char *ctx_ext)
{
    const char *known = stix_val_subdef(name);
    if (!known || !jd_is_object(o))
        return;
    const char *k;
    const sg17_jd *val;
    jd_object_foreach(o, k, val) {
        if (stix_word_in(known, k, strlen(k)))
            continue;
        char what[160];
        if (ctx_ext)
            snprintf(what, sizeof what, " in the %s property of the %s extension", name, ctx_ext);
        else if (strstr(name, "-ext"))
            snprintf(what, sizeof what, " in the %s extension", name);
        else
            snprintf(what, sizeof what, " in the %s property of %s object", name, type);
        stix_val_custom_property(v, what, k, 1);
    }
}

void stix_val_check_hashes(vctx *v, const sg17_jd *h, const char *where)
{
    if (!jd_is_object(h))
        return;
    const char *k;
    const sg17_jd *val;
    jd_object_foreach(h, k, val) {
        if (strlen(k) > 30 && !v->hash_len_warned) {
            stix_val_add(v, 150, "Object has a '%s' dictionary with a hash of type '%s', which is longer "
                        "than 30 characters.", where, k);
            v->hash_len_warned = 1;
        }
        if (!jd_is_string(val)) {
            stix_val_add(v, 0, "%s: hash '%s' must be a string", where, k);
            continue;
        }
        int ok = stix_hash_value_ok(k, jd_str(val));
        if (ok == 0)
            stix_val_add(v, 0, "%s: '%s' is not a valid %s hash", where, jd_str(val), k);
        else if (ok < 0 && !stix_val_prefix_lax(k, '_') && !(k[0] == 'x' && k[1] == '-'))
            stix_val_add(v, 241, "Object has a '%s' dictionary with a hash of type '%s', which is not a "
                        "value in the hash-algorithm-ov vocabulary nor a custom value prepended "
                        "with 'x_'.", where, k);
    }
}

int stix_val_b64_ok(const char *s)
{
    size_t n = strlen(s), pad = 0;
    if (n % 4)
        return 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c == '=') {
            pad++;
            continue;
        }
        if (pad || !(isalnum((unsigned char)c) || c == '+' || c == '/'))
            return 0;
    }
    return pad <= 2;
}

int stix_val_uri_ok(const char *s)
{
    /* RFC 3986 absolute URI: scheme ":" ... */
    if (!isalpha((unsigned char)s[0]))
        return 0;
    const char *p = s + 1;
    while (isalnum((unsigned char)*p) || *p == '+' || *p == '-' || *p == '.')
        p++;
    if (*p != ':')
        return 0;
    for (const char *q = s; *q; q++)
        if ((unsigned char)*q <= ' ' || *q == '"' || *q == '<' || *q == '>' || *q == '\\' ||
            *q == '^' || *q == '`' || *q == '{' || *q == '|' || *q == '}')
            return 0;
    return 1;
}

/* A run of at most max_digits decimal digits at *pp, without a leading zero:
 * its value in *val and *pp moved past it. 0 when there is none, or it is
 * longer or has a leading zero. */
static int dec_field(const char **pp, int max_digits, int *val)
{
    const char *p = *pp;
    int v = 0, nd = 0;
    if (!isdigit((unsigned char)*p))
        return 0;
    while (isdigit((unsigned char)*p)) {
        if (++nd > max_digits)
            return 0;
        v = v * 10 + (*p - '0');
        p++;
    }
    if (nd > 1 && **pp == '0')
        return 0;
    *pp = p;
    *val = v;
    return 1;
}

int stix_val_ipv4_ok(const char *s)
{
    int parts = 0, val;
    const char *p = s;
    while (parts < 4) {
        if (!dec_field(&p, 3, &val) || val > 255)
            return 0;
        parts++;
        if (parts < 4) {
            if (*p != '.')
                return 0;
            p++;
        }
    }
    if (*p == '/') {
        p++;
        if (!dec_field(&p, 2, &val) || val > 32)
            return 0;
    }
    return *p == '\0';
}

static int ishex_c(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

int stix_val_ipv6_ok(const char *s)
{
    const char *slash = strchr(s, '/');
    size_t n = slash ? (size_t)(slash - s) : strlen(s);
    if (n == 0 || n > 45)
        return 0;
    int groups = 0, dbl = 0, i = 0;
    size_t pos = 0;
    if (s[0] == ':') {
        if (n < 2 || s[1] != ':')
            return 0;
        dbl = 1;
        pos = 2;
    }
    while (pos < n) {
        int hexd = 0;
        while (pos < n && ishex_c(s[pos]) && hexd < 5) {
            pos++;
            hexd++;
        }
        (void)i;
        if (hexd == 0 || hexd > 4)
            return 0;
        groups++;
        if (pos == n)
            break;
        if (s[pos] == '.') {
            /* embedded IPv4 tail */
            return 1;
        }
        if (s[pos] != ':')
            return 0;
        pos++;
        if (pos < n && s[pos] == ':') {
            if (dbl)
                return 0;
            dbl = 1;
            pos++;
        } else if (pos == n) {
            return 0;
        }
    }
    if (dbl ? groups > 7 : groups != 8)
        return 0;
    if (slash) {
        const char *p = slash + 1;
        int val = 0, nd = 0;
        const char *st = p;
        while (isdigit((unsigned char)*p)) {
            val = val * 10 + (*p - '0');
            nd++;
            p++;
        }
        if (*p || nd == 0 || nd > 3 || val > 128 || (nd > 1 && *st == '0'))
            return 0;
    }
    return 1;
}

void stix_val_check_extref(vctx *v, const sg17_jd *er, int *hash_warned)
{
    if (!jd_is_object(er)) {
        stix_val_add(v, 0, "external_references: items must be objects");
        return;
    }
    const char *sn = sget(er, "source_name"), *eid = sget(er, "external_id");
    if (!sn) {
        stix_val_add(v, 0, "external_references: 'source_name' is a required property");
        return;
    }
    int bad = 0;
    if (strcmp(sn, "cve") == 0) {
        bad = !eid || strncmp(eid, "CVE-", 4) != 0 || strlen(eid) < 13;
        if (!bad) {
            for (int i = 4; i < 8; i++)
                bad |= !isdigit((unsigned char)eid[i]);
            bad |= eid[8] != '-';
            size_t nd = strlen(eid + 9);
            for (size_t i = 0; i < nd; i++)
                bad |= !isdigit((unsigned char)eid[9 + i]);
            bad |= nd < 4 || (nd > 4 && eid[9] == '0');
        }
    } else if (strcmp(sn, "capec") == 0) {
        bad = !eid || strncmp(eid, "CAPEC-", 6) != 0 || !eid[6];
        for (size_t i = 6; !bad && eid[i]; i++)
            bad |= !isdigit((unsigned char)eid[i]);
    } else if (eid && (starts_with(eid, "CVE-") || starts_with(eid, "CAPEC-"))) {
        bad = 1;
    }
    if (bad)
        stix_val_add(v, 0, "external_references: If the external reference is a CVE, 'source_name' must "
                  "be 'cve' and 'external_id' must be in the CVE format (CVE-YYYY-NNNN+). If the "
                  "external reference is a CAPEC, 'source_name' must be 'capec' and 'external_id' "
                  "must be in the CAPEC format (CAPEC-N+).");
    if (jd_get(er, "url") && !jd_get(er, "hashes") && !*hash_warned) {
        /* the reference reports the first such reference of an object */
        stix_val_add(v, 302, "External reference '%s' has a URL but no hash.", sn);
        *hash_warned = 1;
    }
    stix_val_check_hashes(v, jd_get(er, "hashes"), "external_references hashes");
}

void stix_val_check_kcp(vctx *v, const sg17_jd *arr)
{
    size_t i;
    const sg17_jd *k;
    jd_array_foreach(arr, i, k) {
        const char *kc = sget(k, "kill_chain_name"), *ph = sget(k, "phase_name");
        if (!kc || !ph) {
            stix_val_add(v, 0, "kill_chain_phases: kill_chain_name and phase_name are required");
            continue;
        }
        for (const char *p = kc; *p; p++)
            if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-')) {
                stix_val_add(v, 121, "kill_chain_name '%s' should be all lowercase and use hyphens instead "
                            "of spaces or underscores as word separators.", kc);
                break;
            }
        for (const char *p = ph; *p; p++)
            if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-')) {
                stix_val_add(v, 121, "phase_name '%s' should be all lowercase and use hyphens instead of "
                            "spaces or underscores as word separators.", ph);
                break;
            }
    }
}

int stix_val_selector_ok(const char *s)
{
    if (strcmp(s, "id") == 0)
        return 1;
    const char *p = s;
    size_t n = 0;
    while ((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_' || *p == '-') {
        p++;
        n++;
    }
    if (n < 3)
        return 0;
    while (*p == '.') {
        p++;
        if (*p == '[') {
            p++;
            if (!isdigit((unsigned char)*p))
                return 0;
            while (isdigit((unsigned char)*p))
                p++;
            if (*p != ']')
                return 0;
            p++;
        } else {
            n = 0;
            while ((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_' || *p == '-') {
                p++;
                n++;
            }
            if (n == 0)
                return 0;
        }
    }
    return *p == '\0';
}
