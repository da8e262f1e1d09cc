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

/* findings as one text ("code error msg" lines), to compare two paths exactly */
typedef struct ftext {
    char *s;
    size_t n, cap;
    int bad;
} ftext;

static void ftext_add(ftext *t, int vrc, const sg17_stix_report *r)
{
    char line[300];
    size_t k = (size_t)snprintf(line, sizeof line, "rc %d\n", vrc);
    for (size_t i = 0; vrc == 0 && i <= r->n; i++) {
        if (i > 0)
            k = (size_t)snprintf(line, sizeof line, "%d %d %s: %s\n", r->items[i - 1].code,
                                 r->items[i - 1].is_error, r->items[i - 1].object_id,
                                 r->items[i - 1].text);
        if (k >= sizeof line)
            k = sizeof line - 1;
        if (t->n + k + 1 > t->cap) {
            size_t nc = t->cap ? t->cap * 2 : 65536;
            while (nc < t->n + k + 1)
                nc *= 2;
            char *ns = realloc(t->s, nc);
            if (!ns) {
                t->bad = 1;
                return;
            }
            t->s = ns;
            t->cap = nc;
        }
        memcpy(t->s + t->n, line, k);
        t->n += k;
        t->s[t->n] = '\0';
    }
}

static const sg17_stix_vopts *stream_opts(void)
{
    static sg17_stix_vopts vo;
    vo.version = "2.1";
    return &vo;
}

static int jansson_stream_cb(json_t *obj, void *ctx)
{
    sg17_stix_report rep;
    int rc = sg17_stix_validate(obj, stream_opts(), &rep);
    ftext_add(ctx, rc, &rep);
    sg17_stix_report_free(&rep);
    return rc == 0 || rc == SG17_E_FORMAT ? 0 : rc;
}

static int fast_stream_cb(int vrc, const sg17_stix_report *rep, void *ctx)
{
    ftext_add(ctx, vrc, rep);
    return 0;
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
                tap_diag("  %s: %s", rep.items[i].object_id, rep.items[i].text);
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
            /* streaming validation: jdom per object gives jansson's findings exactly */
            ftext a = {NULL, 0, 0, 0}, f = {NULL, 0, 0, 0};
            int rca = sg17_stix_stream_file(path, 0, jansson_stream_cb, &a);
            int rcf = sg17_stix_stream_validate(path, 0, stream_opts(), fast_stream_cb, &f);
            tap_ok(rca == 0 && rcf == 0 && !a.bad && !f.bad && a.n > 0 && a.n == f.n &&
                       memcmp(a.s, f.s, a.n) == 0,
                   "%s: sg17_stix_stream_validate gives the jansson stream's findings (%zu bytes of findings)", file, a.n);
            free(a.s);
            free(f.s);
        }
        /* whole document: sg17_stix_doc path against the jansson value */
        {
            ftext a = {NULL, 0, 0, 0}, f = {NULL, 0, 0, 0};
            sg17_stix_report ra, rf;
            sg17_stix_doc *doc = NULL;
            sg17_json_limits big = {(size_t)1 << 30, 0, 0};
            int rca = sg17_stix_validate(b, stream_opts(), &ra);
            ftext_add(&a, rca, &ra);
            int rcf = sg17_stix_doc_load(path, &big, &doc, NULL);
            if (rcf == 0)
                rcf = sg17_stix_validate_doc(doc, stream_opts(), &rf);
            if (rcf == 0) {
                ftext_add(&f, rcf, &rf);
                sg17_stix_report_free(&rf);
            }
            tap_ok(rca == 0 && rcf == 0 && !a.bad && !f.bad && a.n == f.n && memcmp(a.s, f.s, a.n) == 0,
                   "%s: sg17_stix_doc_load + validate_doc gives the jansson path's findings", file);
            sg17_stix_report_free(&ra);
            sg17_stix_doc_free(doc);
            free(a.s);
            free(f.s);
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
