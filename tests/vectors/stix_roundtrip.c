/*
 * The OASIS example bundles and the MITRE ATT&CK for ICS bundle: validator
 * verdict, error and warning counts as the reference validator (non-strict,
 * 2.1), object census as expected.jsonl, and round trip parse -> canonical
 * serialise -> parse with an identical value and census; the streaming reader
 * sees the same objects.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sg17/json.h"
#include "sg17/stix.h"
#include "tap.h"

static char *next_line(char **cur)
{
    char *p = *cur;
    if (!p)
        return NULL;
    while (*p == '\n')
        p++;
    if (!*p)
        return NULL;
    char *e = strchr(p, '\n');
    if (e) {
        *e = '\0';
        *cur = e + 1;
    } else {
        *cur = p + strlen(p);
    }
    return p;
}

/* summary as in expected.jsonl: object_count, types, relationship_types, revoked, unique_ids */
static json_t *summary(const json_t *bundle)
{
    sg17_stix_census c;
    if (sg17_stix_census_of(bundle, &c))
        return NULL;
    json_t *types = json_object(), *rels = json_object();
    size_t i;
    const json_t *o;
    json_t *single = NULL;
    const json_t *objs = json_object_get(bundle, "objects");
    if (!objs) {
        single = json_array();
        json_array_append_new(single, json_deep_copy(bundle));
        objs = single;
    }
    json_array_foreach(objs, i, o) {
        const char *t = json_string_value(json_object_get(o, "type"));
        json_t *n = json_object_get(types, t);
        json_object_set_new(types, t, json_integer(n ? json_integer_value(n) + 1 : 1));
        if (strcmp(t, "relationship") == 0) {
            const char *rt = json_string_value(json_object_get(o, "relationship_type"));
            json_t *m = json_object_get(rels, rt);
            json_object_set_new(rels, rt, json_integer(m ? json_integer_value(m) + 1 : 1));
        }
    }
    json_decref(single);
    return json_pack("{s I s o s o s I s I}", "object_count", (json_int_t)c.objects, "types", types,
                     "relationship_types", rels, "revoked", (json_int_t)c.revoked, "unique_ids",
                     (json_int_t)c.unique_ids);
}

static int count_cb(json_t *obj, void *ctx)
{
    size_t *n = ctx;
    if (json_is_object(obj) && json_object_get(obj, "id"))
        (*n)++;
    return 0;
}

static void run(const char *dir_rel)
{
    char rel[256];
    snprintf(rel, sizeof rel, "%s/expected.jsonl", dir_rel);
    const char *epath = tap_vector_path(rel);
    char dir[1024];
    snprintf(dir, sizeof dir, "%s", epath);
    char *slash = strrchr(dir, '/');
    if (slash)
        *slash = '\0';
    size_t len;
    char *text = tap_read_file(epath, &len);
    char *cur = text;
    for (char *line = next_line(&cur); line; line = next_line(&cur)) {
        json_t *c = NULL;
        if (sg17_json_parse(line, strlen(line), NULL, &c, NULL) != 0)
            continue;
        const char *file = json_string_value(json_object_get(c, "file"));
        char path[1300];
        snprintf(path, sizeof path, "%s/%s", dir, file);
        json_t *b = NULL;
        int rc = sg17_json_load_file(path, NULL, &b, NULL);
        tap_ok(rc == 0, "%s parses", file);
        if (rc) {
            json_decref(c);
            continue;
        }
        /* validator verdict and counts */
        sg17_stix_vopts vo;
        memset(&vo, 0, sizeof vo);
        vo.version = "2.1";
        sg17_stix_report rep;
        rc = sg17_stix_validate(b, &vo, &rep);
        size_t ne = 0, nw = 0;
        for (size_t i = 0; rc == 0 && i < rep.n; i++) {
            if (rep.items[i].is_error) {
                ne++;
                tap_diag("  %s", rep.items[i].msg);
            } else {
                nw++;
            }
        }
        const char *exp = json_string_value(json_object_get(c, "expected"));
        tap_ok(rc == 0 && strcmp(rep.valid ? "valid" : "invalid", exp) == 0, "%s: verdict %s", file, exp);
        long long xe = json_integer_value(json_object_get(c, "error_count"));
        long long xw = json_integer_value(json_object_get(c, "warning_count"));
        tap_diag("%s: errors %zu (reference %lld), warnings %zu (reference %lld)", file, ne, xe, nw, xw);
        tap_ok((long long)ne == xe, "%s: error count as the reference", file);
        tap_ok((long long)nw == xw, "%s: warning count as the reference", file);
        sg17_stix_report_free(&rep);
        /* census */
        const json_t *want = json_object_get(c, "summary");
        json_t *got = summary(b);
        int same = got && json_equal(json_object_get(got, "object_count"), json_object_get(want, "object_count")) &&
                   json_equal(json_object_get(got, "types"), json_object_get(want, "types")) &&
                   json_equal(json_object_get(got, "relationship_types"), json_object_get(want, "relationship_types")) &&
                   json_equal(json_object_get(got, "revoked"), json_object_get(want, "revoked")) &&
                   json_equal(json_object_get(got, "unique_ids"), json_object_get(want, "unique_ids"));
        tap_ok(same, "%s: census as expected.jsonl", file);
        /* round trip */
        char *ser = NULL;
        size_t slen = 0;
        json_t *b2 = NULL;
        rc = sg17_stix_serialise(b, &ser, &slen);
        if (rc == 0)
            rc = sg17_json_parse(ser, slen, NULL, &b2, NULL);
        tap_ok(rc == 0 && json_equal(b, b2), "%s: parse -> serialise -> parse is identical", file);
        json_t *got2 = b2 ? summary(b2) : NULL;
        tap_ok(got && got2 && json_equal(got, got2), "%s: census identical after the round trip", file);
        char *ser2 = NULL;
        size_t slen2 = 0;
        tap_ok(b2 && sg17_stix_serialise(b2, &ser2, &slen2) == 0 && slen2 == slen &&
                   memcmp(ser, ser2, slen) == 0,
               "%s: canonical serialisation is stable", file);
        /* streaming */
        if (json_object_get(b, "objects")) {
            size_t nstream = 0;
            rc = sg17_stix_stream_file(path, 0, count_cb, &nstream);
            tap_ok(rc == 0 && (json_int_t)nstream == json_integer_value(json_object_get(want, "object_count")),
                   "%s: streaming reader sees %zu objects", file, nstream);
        }
        free(ser);
        free(ser2);
        json_decref(got);
        json_decref(got2);
        json_decref(b2);
        json_decref(b);
        json_decref(c);
    }
    free(text);
}

int main(void)
{
    run("stix/examples");
    run("stix/bundles");
    return tap_done();
}
