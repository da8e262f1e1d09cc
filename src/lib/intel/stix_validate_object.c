/*
 * STIX 2.1 validator: one object (CS02 sections 3-7): common properties,
 * required and known properties per type, and the type-specific rules.
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

/* required properties of a custom SCO */
#define SCO_REQ_C "type id"

static const char *ts_props =
    "created modified first_seen last_seen valid_from valid_until first_observed last_observed "
    "published start_time stop_time submitted analysis_started analysis_ended object_modified "
    "ctime mtime atime date start end created_time modified_time account_created account_expires "
    "credential_last_changed account_first_login account_last_login validity_not_before "
    "validity_not_after private_key_usage_period_not_before private_key_usage_period_not_after "
    "creation_date modification_date";

static const char *iso3166 =
    "AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR "
    "BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ "
    "EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW "
    "GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY "
    "KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV "
    "MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY "
    "QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG "
    "TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW";

static const char *tlp_ids =
    "marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9 "
    "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da "
    "marking-definition--f88d31f6-486f-44da-b317-01333bde0b82 "
    "marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed";

void stix_val_check_object(vctx *v, const sg17_jd *o)
{
    v->r->n_objects++;
    v->hash_len_warned = 0;
    if (!jd_is_object(o)) {
        stix_val_add(v, 0, "bundle objects must be JSON objects");
        return;
    }
    const char *type = sget(o, "type"), *id = sget(o, "id");
    const char *saved = v->oid;
    v->oid = id ? id : "(no id)";
    if (!type) {
        stix_val_add(v, 0, "'type' is a required property");
        v->oid = saved;
        return;
    }
    const char *sv = sget(o, "spec_version");
    int v20 = v->v20, s20 = v->s20;
    if (v->o->version)
        v->s20 = strcmp(v->o->version, "2.0") == 0;
    else
        v->s20 = sv ? strcmp(sv, "2.0") == 0 : v->bundle_s20;
    const stix_tdef *td = v->s20 ? stix_tdef20_find(type) : stix_tdef_find(type);
    sg17_stix_kind kind = td ? td->kind : SG17_STIX_CUSTOM;
    const char *saved_type = v->cur_type;
    v->cur_type = type;
    if (v->o->version)
        v->v20 = strcmp(v->o->version, "2.0") == 0;
    else if (sv)
        v->v20 = strcmp(sv, "2.0") == 0;
    else if (kind != SG17_STIX_SCO && kind != SG17_STIX_BUNDLE && !stix_val_has_ext_type(o, "new-sco"))
        v->v20 = 1;
    else
        v->v20 = 0;
    if (v->s20)
        v->v20 = 1;
    /* type format */
    size_t tl = strlen(type);
    int tok = tl >= 3 && tl <= 250 && !strstr(type, "--");
    for (const char *p = type; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-'))
            tok = 0;
    if (!tok)
        stix_val_add(v, 0, "type: '%s' does not match the 'type' field format (lowercase ASCII a-z, 0-9, "
                  "and hypens only - and no two hyphens in a row)", type);
    int custom_sco = 0;
    if (!td) {
        if (v->o->strict_types)
            stix_val_add(v, 0, "Object type '%s' is not one of those defined in the specification.", type);
        int has_new = stix_val_has_ext_type(o, "new-sdo") || stix_val_has_ext_type(o, "new-sco") || stix_val_has_ext_type(o, "new-sro");
        custom_sco = stix_val_has_ext_type(o, "new-sco");
        if (on(v, 401) && !v->v20) {
            if (!has_new)
                stix_val_add(v, 401, "Custom object type '%s' should be implemented using an extension with "
                            "an 'extension_type' of 'new-sdo', 'new-sco', or 'new-sro'.", type);
        } else if (on(v, 101) && !stix_val_prefix_strict(type, '-')) {
            stix_val_add(v, 101, "Custom object type '%s' should start with 'x-' followed by a source unique "
                        "identifier, a hyphen and then the name.", type);
        } else if (!on(v, 101) && on(v, 102) && !stix_val_prefix_lax(type, '-')) {
            stix_val_add(v, 102, "Custom object type '%s' should start with 'x-'.", type);
        }
    }
    /* id */
    if (!id) {
        stix_val_add(v, 0, "'id' is a required property");
    } else {
        size_t n = strlen(type);
        if (strncmp(id, type, n) != 0 || strncmp(id + n, "--", 2) != 0)
            stix_val_add(v, 0, "id: '%s' does not start with '%s--'", id, type);
        else if (!stix_is_identifier(id) ||
                 (!v->v20 && kind != SG17_STIX_SCO && stix_uuid_version(id) != 4 && 0))
            stix_val_add(v, 0, "id: '%s' does not match the id format ([object-type]--[UUID])", id);
        else if (v->v20 && stix_uuid_version(id) != 4)
            stix_val_add(v, 0, "id: '%s' does not match the id format ([object-type]--[UUID])", id);
        if (stix_is_identifier(id) && !custom_sco && (td || !v->v20) &&
            (kind != SG17_STIX_SCO || on(v, 401)))
            stix_val_check_uuid(v, type, id, kind);
    }
    /* required */
    const char *req = td ? td->req : (custom_sco ? SCO_REQ_C : "type id created modified");
    const char *p = req;
    while (*p) {
        while (*p == ' ')
            p++;
        const char *e = p;
        while (*e && *e != ' ')
            e++;
        if (e > p) {
            char name[64];
            size_t n = (size_t)(e - p);
            memcpy(name, p, n);
            name[n] = '\0';
            if (!jd_get(o, name) && !(strcmp(name, "spec_version") == 0 && (v->in_bundle || v->v20)))
                stix_val_add(v, 0, "'%s' is a required property", name);
        }
        p = e;
    }
    if (sv && !v->o->version && strcmp(sv, "2.1") != 0 && strcmp(sv, "2.0") != 0 && kind != SG17_STIX_BUNDLE)
        stix_val_add(v, 0, "spec_version: '%s' is not one of ['2.1']", sv);
    if (v->v20 && v->o->version && sv && on(v, 101))
        stix_val_add(v, 101, "Custom property 'spec_version' should have a type that starts with 'x_' "
                    "followed by a source unique identifier, a hyphen and then the name.");
    if (v->o->interop && (kind == SG17_STIX_SDO || kind == SG17_STIX_SRO) && !jd_get(o, "created_by_ref"))
        stix_val_add(v, 0, "'created_by_ref' is a required property");
    /* properties */
    const char *k;
    const sg17_jd *val;
    int tpe = stix_val_has_ext_type(o, "toplevel-property-extension");
    static const char *reserved = "severity action username phone_numbers";
    jd_object_foreach(o, k, val) {
        size_t kl = strlen(k);
        if (td && !stix_tdef_has_prop(td, k, kl)) {
            if (stix_word_in(reserved, k, kl) && !(strcmp(type, "course-of-action") == 0)) {
                stix_val_add(v, 0, "Contains a reserved property ('severity', 'action', 'username', 'phone_numbers')");
            } else if (tpe) {
                if (v->o->strict_properties)
                    stix_val_add(v, 0, "Property '%s' is not one of those defined in the specification.", k);
            } else {
                int sco = kind == SG17_STIX_SCO;
                if (!stix_val_propname_ok(k))
                    stix_val_add(v, 0, "'%s' does not match the property name format", k);
                if (v->v20 && strcmp(k, "spec_version") == 0) {
                    if (v->o->version && on(v, 101))
                        stix_val_add(v, 101, "Custom property 'spec_version' should have a type that starts with 'x_'.");
                } else {
                    stix_val_custom_property(v, sco ? " for this object" : "", k, sco);
                }
            }
        } else if (!td) {
            if (!stix_val_propname_ok(k))
                stix_val_add(v, 0, "'%s' does not match any of the regexes for property names", k);
        }
        if (jd_is_array(val) && jd_len(val) == 0)
            stix_val_add(v, 0, "%s: empty arrays are not allowed", k);
        static stix_wset_slot ts_cache;
        if (stix_wset_has(&ts_cache, ts_props, k, kl))
            stix_val_check_timestamp(v, k, val);
        if ((kind == SG17_STIX_SCO || !td || !stix_tdef_has_prop(td, k, kl)) &&
            (ends_with(k, "_ref") || ends_with(k, "_refs"))) {
            /* SCO references and custom properties are not format-checked by the reference */
        } else if (ends_with(k, "_ref") && kl > 4) {
            if (!jd_is_string(val))
                stix_val_add(v, 0, "%s: must be an identifier string", k);
            else
                stix_val_check_ref(v, k, jd_str(val), stix_val_ref_allowed(type, k));
        } else if (ends_with(k, "_refs") && kl > 5) {
            size_t i;
            const sg17_jd *e;
            if (!jd_is_array(val))
                stix_val_add(v, 0, "%s: must be a list of identifiers", k);
            jd_array_foreach(val, i, e) {
                if (!jd_is_string(e))
                    stix_val_add(v, 0, "%s[%zu]: must be an identifier string", k, i);
                else
                    stix_val_check_ref(v, k, jd_str(e), stix_val_ref_allowed(type, k));
            }
        }
    }
    /* common structures */
    const sg17_jd *ers = jd_get(o, "external_references");
    size_t i;
    const sg17_jd *e;
    int hash_warned = 0;
    jd_array_foreach(ers, i, e) stix_val_check_extref(v, e, &hash_warned);
    const sg17_jd *kcp = jd_get(o, "kill_chain_phases");
    if (jd_is_array(kcp))
        stix_val_check_kcp(v, kcp);
    jd_array_foreach(jd_get(o, "granular_markings"), i, e) {
        const char *mr = sget(e, "marking_ref");
        if (mr && !starts_with(mr, "marking-definition--"))
            stix_val_add(v, 0, "granular_markings[%zu].marking_ref: '%s' does not match '^marking-definition--'", i, mr);
        if (!mr && (v->s20 || !sget(e, "lang")))
            stix_val_add(v, 0, v->s20 ? "granular_markings[%zu]: 'marking_ref' is a required property"
                             : "granular_markings[%zu]: marking_ref or lang is required", i);
        size_t j;
        const sg17_jd *s;
        const sg17_jd *sels = jd_get(e, "selectors");
        if (!jd_is_array(sels) || jd_len(sels) == 0)
            stix_val_add(v, 0, "granular_markings[%zu].selectors is required", i);
        jd_array_foreach(sels, j, s) if (!jd_is_string(s) || !stix_val_selector_ok(jd_str(s)))
            stix_val_add(v, 0, "granular_markings[%zu].selectors[%zu]: invalid selector", i, j);
    }
    const sg17_jd *omr = jd_get(o, "object_marking_refs");
    if (v->o->interop && jd_is_array(omr)) {
        size_t ntlp = 0;
        jd_array_foreach(omr, i, e) {
            const char *s = jd_str(e);
            if (s && stix_word_in(tlp_ids, s, strlen(s)))
                ntlp++;
        }
        if (ntlp > 1)
            stix_val_add(v, 0, "object_marking_refs: More than one tlp marking found in marking-definitions. "
                      "Only one tlp marking is allowed.");
    }
    stix_val_check_order(v, o, "created", "modified", 0);
    if (kind == SG17_STIX_SDO || kind == SG17_STIX_SRO) {
        if (strcmp(type, "observed-data") == 0)
            stix_val_check_order(v, o, "first_observed", "last_observed", 0);
        else if (strcmp(type, "relationship") == 0)
            stix_val_check_order(v, o, "start_time", "stop_time", 1);
        else
            stix_val_check_order(v, o, "first_seen", "last_seen", 0);
    } else if (!td) {
        stix_val_check_order(v, o, "first_seen", "last_seen", 0);
        stix_val_check_order(v, o, "first_observed", "last_observed", 0);
        stix_val_check_order(v, o, "start_time", "stop_time", 1);
    }
    if (!v->s20 && jd_get(o, "confidence")) {
        const sg17_jd *c = jd_get(o, "confidence");
        if (!jd_is_integer(c) || jd_int(c) < 0 || jd_int(c) > 100)
            stix_val_add(v, 0, "confidence: must be an integer in 0..100");
    }
    if (!v->s20) /* 2.0 objects have no extensions (a custom property there) */
        stix_val_check_extensions(v, type, o, kind == SG17_STIX_SCO);
    stix_val_check_vocabs(v, type, o);
    /* type-specific */
    if (kind == SG17_STIX_SCO) {
        stix_val_check_sco_specific(v, type, o);
        stix_val_check_dict_keys(v, o);
        stix_val_check_ext_dicts(v, type, o);
    }
    if (strcmp(type, "relationship") == 0)
        stix_val_check_relationship(v, o);
    else if (strcmp(type, "indicator") == 0) {
        if (!v->s20 && (!jd_get(o, "name") || !jd_get(o, "description")))
            stix_val_add(v, 303, "Both the name and description properties SHOULD be present.");
        stix_val_check_pattern(v, o);
        stix_val_check_order(v, o, "valid_from", "valid_until", 1);
    } else if (strcmp(type, "marking-definition") == 0) {
        stix_val_check_marking(v, o);
    } else if (strcmp(type, "observed-data") == 0) {
        if (!v->s20 && !jd_get(o, "objects") && !jd_get(o, "object_refs"))
            stix_val_add(v, 0, "observed-data requires 'object_refs' (or the deprecated 'objects')");
        stix_val_check_observed_objects(v, o);
        const sg17_jd *no = jd_get(o, "number_observed");
        if (no && (!jd_is_integer(no) || jd_int(no) < 1 || jd_int(no) > 999999999))
            stix_val_add(v, 0, "number_observed: must be an integer in 1..999999999");
    } else if (strcmp(type, "malware-analysis") == 0) {
        const char *pr = sget(o, "product");
        if (pr)
            for (const char *q = pr; *q; q++)
                if (!((*q >= 'a' && *q <= 'z') || (*q >= '0' && *q <= '9') || *q == '-')) {
                    stix_val_add(v, 143, "The 'product' property should be all lowercase with words separated by dashes.");
                    break;
                }
        if (!jd_get(o, "result") && !jd_get(o, "analysis_sco_refs"))
            stix_val_add(v, 0, "malware-analysis requires 'result' or 'analysis_sco_refs'");
    } else if (strcmp(type, "location") == 0) {
        const char *c = sget(o, "country");
        char cu[3] = {0, 0, 0};
        if (c && strlen(c) == 2) {
            cu[0] = (char)toupper((unsigned char)c[0]);
            cu[1] = (char)toupper((unsigned char)c[1]);
        }
        if (c && on(v, 277) && (strlen(c) != 2 || !stix_word_in(iso3166, cu, 2)))
            stix_val_add(v, 201, "Location `country` should be a valid ISO 3166-1 ALPHA-2 Code.");
        if (!jd_get(o, "region") && !jd_get(o, "country") &&
            !(jd_get(o, "latitude") && jd_get(o, "longitude")))
            stix_val_add(v, 0, "location requires region, country, or latitude and longitude");
    } else if (strcmp(type, "language-content") == 0) {
        const sg17_jd *ct = jd_get(o, "contents");
        const char *lang;
        const sg17_jd *d;
        jd_object_foreach(ct, lang, d) {
            const char *pk;
            const sg17_jd *pv;
            jd_object_foreach(d, pk, pv) if (!stix_val_propname_ok(pk) || strlen(pk) < 3)
                stix_val_add(v, 0, "'%s' in '%s' of the 'contents' property is invalid and must match a "
                          "valid property name", pk, lang);
        }
    } else if (strcmp(type, "extension-definition") == 0) {
        const sg17_jd *ets = jd_get(o, "extension_types");
        int tle = 0;
        jd_array_foreach(ets, i, e) {
            const char *s = jd_str(e);
            if (!s || !stix_word_in("new-sdo new-sco new-sro property-extension toplevel-property-extension", s, strlen(s)))
                stix_val_add(v, 0, "extension_types[%zu]: '%s' is not a valid extension type", i, s ? s : "?");
            else if (strcmp(s, "toplevel-property-extension") == 0)
                tle = 1;
        }
        if (!tle && jd_get(o, "extension_properties"))
            stix_val_add(v, 0, "extension_properties is only allowed with a toplevel-property-extension");
        if (tle && !jd_get(o, "extension_properties"))
            stix_val_add(v, 306, "For extensions of the 'toplevel-property-extension' type, the "
                        "'extension_properties' property SHOULD include one or more property names.");
        if (!jd_get(o, "description"))
            stix_val_add(v, 305, "The 'description' property SHOULD be populated.");
    }
    v->v20 = v20;
    v->s20 = s20;
    v->oid = saved;
    v->cur_type = saved_type;
}
