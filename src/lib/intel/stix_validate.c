/*
 * STIX 2.1 validator: the MUST rules of STIX 2.1 (CS02) sections 2-7 that the
 * OASIS JSON schemas and the reference validator enforce, plus the coded
 * SHOULD checks (codes of the reference's check list). Findings carry the
 * code (0 = MUST) and count as errors when MUST or when strict.
 *
 * This file: the check list, findings, bundle-level checks and the entry
 * points. The checks live in stix_validate_{object,types,props,vocab}.c.
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

static const struct {
    int code;
    const char *name;
} checks[] = {
    {1, "format-checks"}, {101, "custom-prefix"}, {102, "custom-prefix-lax"}, {103, "uuid-check"},
    {111, "open-vocab-format"}, {121, "kill-chain-names"}, {141, "observable-object-keys"},
    {142, "observable-dictionary-keys"}, {143, "malware-analysis-product"},
    {149, "windows-process-priority-format"}, {150, "hash-length"}, {2, "approved-values"},
    {201, "marking-definition-type"}, {202, "relationship-types"}, {203, "duplicate-ids"},
    {210, "all-vocabs"}, {211, "attack-motivation"}, {212, "attack-resource-level"},
    {213, "identity-class"}, {214, "indicator-types"}, {215, "industry-sector"},
    {216, "malware-types"}, {218, "report-types"}, {219, "threat-actor-types"},
    {220, "threat-actor-role"}, {221, "threat-actor-sophistication"}, {222, "tool-types"},
    {223, "region"}, {225, "grouping-context"}, {226, "implementation-languages"},
    {227, "infrastructure-types"}, {228, "malware-capabilities"}, {230, "processor-architecture"},
    {231, "malware-result"}, {241, "hash-algo"}, {243, "windows-pebinary-type"},
    {244, "account-type"}, {245, "indicator-pattern-types"}, {270, "all-external-sources"},
    {271, "mime-type"}, {272, "protocols"}, {273, "ipfix"}, {274, "http-request-headers"},
    {275, "socket-options"}, {276, "pdf-doc-info"}, {277, "countries"},
    {301, "network-traffic-ports"}, {302, "extref-hashes"}, {303, "indicator-properties"},
    {304, "deprecated-properties"}, {305, "extension-description"},
    {306, "extension-properties"}, {401, "extensions-use"},
};
#define NCHECKS (sizeof checks / sizeof checks[0])

const char *sg17_stix_check_name(int code)
{
    for (size_t i = 0; i < NCHECKS; i++)
        if (checks[i].code == code)
            return checks[i].name;
    return NULL;
}

static int check_code(const char *s)
{
    char *end = NULL;
    long v = strtol(s, &end, 10);
    if (end && end != s && *end == '\0') {
        for (size_t i = 0; i < NCHECKS; i++)
            if (checks[i].code == v)
                return (int)v;
        return -1;
    }
    for (size_t i = 0; i < NCHECKS; i++)
        if (strcmp(checks[i].name, s) == 0)
            return checks[i].code;
    if (strcmp(s, "all") == 0)
        return 0;
    return -1;
}

/* member of group: 1 = 1xx, 2 = 2xx, 210 = 211..231 vocabularies, 270 = 271..277 */
static int in_group(int group, int code)
{
    if (group == code)
        return 1;
    if (group == 0)
        return 1;
    if (group == 1)
        return code >= 100 && code < 200;
    if (group == 2)
        return code >= 200 && code < 300;
    if (group == 210)
        return code > 210 && code < 240;
    if (group == 270)
        return code > 270 && code < 280;
    return 0;
}

void stix_val_add(vctx *v, int code, const char *fmt, ...)
{
    if (code > 0 && (code >= 512 || !v->on[code]))
        return;
    /* "<id>: {NNN} <text>", truncated to SG17_STIX_MSG_MAX - 1 as a whole */
    char msg[SG17_STIX_MSG_MAX];
    size_t off = 0;
    const char *oid = v->oid ? v->oid : "";
    size_t ol = strlen(oid);
    if (ol > sizeof msg - 16)
        ol = sizeof msg - 16;
    memcpy(msg, oid, ol);
    off = ol;
    msg[off++] = ':';
    msg[off++] = ' ';
    if (code > 0) {
        msg[off++] = '{';
        msg[off++] = (char)('0' + code / 100 % 10);
        msg[off++] = (char)('0' + code / 10 % 10);
        msg[off++] = (char)('0' + code % 10);
        msg[off++] = '}';
        msg[off++] = ' ';
    }
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg + off, sizeof msg - off, fmt, ap);
    va_end(ap);
    if (stix_report_add(v->r, code, code == 0 || v->o->strict, oid, ol, msg + ol + 2) != 0)
        v->nomem = 1;
}

/* id -> node map for the bundle-level checks (open addressing; keys borrowed). */
typedef struct idmap {
    const char **keys;
    const sg17_jd **vals;
    size_t cap;
} idmap;

static int idmap_init(idmap *m, size_t n)
{
    m->cap = 16;
    while (m->cap < 2 * n)
        m->cap *= 2;
    m->keys = calloc(m->cap, sizeof *m->keys);
    m->vals = calloc(m->cap, sizeof *m->vals);
    if (!m->keys || !m->vals) {
        free(m->keys);
        free(m->vals);
        return SG17_E_NOMEM;
    }
    return 0;
}

static void idmap_free(idmap *m)
{
    free(m->keys);
    free(m->vals);
}

/* Slot of k; an absent k is inserted when insert is set (the map holds at
 * most n keys in 2n slots, so a probe always ends). */
static const sg17_jd **idmap_slot(idmap *m, const char *k, int *found, int insert)
{
    uint32_t h = 2166136261U;
    for (const char *p = k; *p; p++)
        h = (h ^ (unsigned char)*p) * 16777619U;
    size_t i = h & (m->cap - 1);
    while (m->keys[i] && strcmp(m->keys[i], k) != 0)
        i = (i + 1) & (m->cap - 1);
    if (found)
        *found = m->keys[i] != NULL;
    if (!m->keys[i] && insert)
        m->keys[i] = k;
    return &m->vals[i];
}

static int build_on(vctx *v)
{
    const sg17_stix_vopts *o = v->o;
    memset(v->on, 0, sizeof v->on);
    if (o->n_enabled == 0) {
        for (size_t i = 0; i < NCHECKS; i++)
            if (checks[i].code >= 100)
                v->on[checks[i].code] = 1;
        v->on[102] = 0;
        v->on[150] = 0; /* hash-length runs only when enabled (as the reference's defaults) */
    }
    for (size_t i = 0; i < o->n_enabled; i++) {
        int c = check_code(o->enabled[i]);
        if (c < 0)
            return SG17_E_INVAL;
        for (size_t k = 0; k < NCHECKS; k++)
            if (checks[k].code >= 100 && in_group(c, checks[k].code))
                v->on[checks[k].code] = 1;
    }
    int prefix_dis = 0;
    for (size_t i = 0; i < o->n_disabled; i++) {
        int c = check_code(o->disabled[i]);
        if (c < 0)
            return SG17_E_INVAL;
        if (c == 101)
            prefix_dis = 1;
        for (size_t k = 0; k < NCHECKS; k++)
            if (checks[k].code >= 100 && in_group(c, checks[k].code))
                v->on[checks[k].code] = 0;
    }
    if (prefix_dis && o->n_enabled == 0) {
        int lax_dis = 0;
        for (size_t i = 0; i < o->n_disabled; i++) {
            int c = check_code(o->disabled[i]);
            if (c == 102 || c == 1 || c == 0)
                lax_dis = 1;
        }
        if (!lax_dis)
            v->on[102] = 1;
    }
    return 0;
}

int stix_validate_jd(const sg17_jd *inst, const sg17_stix_vopts *opts, sg17_stix_report *rep)
{
    static const sg17_stix_vopts defaults;
    if (!rep)
        return SG17_E_INVAL;
    memset(rep, 0, sizeof *rep);
    vctx v;
    memset(&v, 0, sizeof v);
    v.o = opts ? opts : &defaults;
    v.r = rep;
    int rc = build_on(&v);
    if (rc)
        return rc;
    if (!jd_is_object(inst) || !jd_is_string(jd_get(inst, "type")) ||
        !jd_is_string(jd_get(inst, "id")))
        return SG17_E_FORMAT;
    const char *type = sget(inst, "type");
    const char *ver = v.o->version;
    if (strcmp(type, "bundle") == 0) {
        const char *id = sget(inst, "id");
        v.oid = id;
        v.r->n_objects++;
        const char *sv = sget(inst, "spec_version");
        if (!ver && sv && strcmp(sv, "2.0") == 0)
            v.bundle_s20 = 1; /* 2.0 bundles carry the version for their objects */
        if (ver && strcmp(ver, "2.0") == 0) {
            v.v20 = 1;
            if (!sv)
                stix_val_add(&v, 0, "'spec_version' is a required property");
            else if (strcmp(sv, "2.0") != 0)
                stix_val_add(&v, 0, "spec_version: '%s' is not one of ['2.0']", sv);
        } else {
        }
        if (strncmp(id, "bundle--", 8) != 0 || !stix_is_identifier(id))
            stix_val_add(&v, 0, "id: '%s' does not match the bundle id format", id);
        else if (stix_uuid_version(id) != 4)
            stix_val_add(&v, 103, "Given ID value %s is not a valid UUIDv4 ID.", id);
        const char *k;
        const sg17_jd *val;
        jd_object_foreach(inst, k, val) {
            if (strcmp(k, "type") == 0 || strcmp(k, "id") == 0 || strcmp(k, "objects") == 0)
                continue;
            if (v.v20 && strcmp(k, "spec_version") == 0)
                continue;
            stix_val_custom_property(&v, "", k, 0);
        }
        const sg17_jd *objs = jd_get(inst, "objects");
        if (objs && !jd_is_array(objs))
            stix_val_add(&v, 0, "objects: must be an array");
        size_t i;
        const sg17_jd *o;
        v.in_bundle = 1;
        int bv20 = v.v20;
        jd_array_foreach(objs, i, o) {
            v.v20 = bv20;
            stix_val_check_object(&v, o);
        }
        if (v.o->enforce_refs) {
            /* relationships must reference objects in the same bundle */
            idmap ids;
            if (idmap_init(&ids, jd_len(objs)) != 0)
                v.nomem = 1;
            else {
                jd_array_foreach(objs, i, o) {
                    const char *oid = sget(o, "id");
                    if (oid)
                        (void)idmap_slot(&ids, oid, NULL, 1);
                }
                jd_array_foreach(objs, i, o) {
                    const char *t = sget(o, "type");
                    if (!t || strcmp(t, "relationship") != 0)
                        continue;
                    static const char *const ends[] = {"source_ref", "target_ref"};
                    for (size_t e = 0; e < 2; e++) {
                        const char *r = sget(o, ends[e]);
                        int found = 0;
                        if (r)
                            (void)idmap_slot(&ids, r, &found, 0);
                        if (r && !found) {
                            v.oid = sget(o, "id");
                            stix_val_add(&v, 0, "%s: '%s' is not an object in this bundle (enforce_refs)", ends[e], r);
                        }
                    }
                }
                idmap_free(&ids);
            }
            v.oid = sget(inst, "id");
        }
        if (on(&v, 203) && jd_len(objs) > 1) {
            idmap seen;
            if (idmap_init(&seen, jd_len(objs)) != 0)
                v.nomem = 1;
            else {
                jd_array_foreach(objs, i, o) {
                    const char *oid = sget(o, "id");
                    const sg17_jd *mod = jd_get(o, "modified");
                    if (!oid || !mod)
                        continue;
                    int found = 0;
                    const sg17_jd **prev = idmap_slot(&seen, oid, &found, 1);
                    if (!found)
                        *prev = mod;
                    else if (sg17_jd_equal(*prev, mod))
                        stix_val_add(&v, 203, "Duplicate ID '%s' has identical `modified` timestamp. If they are "
                                     "different versions of the same object, they should have different "
                                     "`modified` properties.", oid);
                }
                idmap_free(&seen);
            }
        }
    } else {
        if (ver && strcmp(ver, "2.0") == 0)
            v.v20 = 1;
        if (ver && strcmp(ver, "2.1") == 0)
            v.in_bundle = 1;
        stix_val_check_object(&v, inst);
    }
    if (v.nomem)
        return SG17_E_NOMEM;
    rep->valid = 1;
    for (size_t i = 0; i < rep->n; i++)
        if (rep->items[i].is_error)
            rep->valid = 0;
    return 0;
}

int sg17_stix_validate(const json_t *inst, const sg17_stix_vopts *opts, sg17_stix_report *rep)
{
    if (!rep)
        return SG17_E_INVAL;
    memset(rep, 0, sizeof *rep);
    if (!inst)
        return SG17_E_FORMAT;
    sg17_jdoc *d = NULL;
    int rc = sg17_jdoc_from_jansson(inst, &d);
    if (rc == 0)
        rc = stix_validate_jd(sg17_jdoc_root(d), opts, rep);
    sg17_jdoc_free(d);
    return rc;
}
