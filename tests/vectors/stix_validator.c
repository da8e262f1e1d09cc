/*
 * STIX 2.1 validator against the reference validator's cases
 * (stix/validator/object_cases.jsonl, file_cases.jsonl): each case must give
 * the expected verdict (valid / invalid / rejected) and exactly the expected
 * set of SHOULD check codes. Prints the counts.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sg17/json.h"
#include "sg17/stix.h"
#include "tap.h"

static int verbose;

/* Split off the next non-empty line (modifies the buffer). */
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

static int codes_equal(const sg17_stix_report *r, const json_t *want, char *got, size_t glen)
{
    int seen[512] = {0};
    size_t off = 0;
    got[0] = '\0';
    for (size_t i = 0; i < r->n; i++) {
        int c = r->items[i].code;
        if (c > 0 && c < 512 && !seen[c]) {
            seen[c] = 1;
            int k = snprintf(got + off, glen - off, "%d ", c);
            if (k > 0 && (size_t)k < glen - off)
                off += (size_t)k;
        }
    }
    size_t nwant = 0, i;
    const json_t *w;
    int ok = 1;
    json_array_foreach(want, i, w) {
        long long c = json_integer_value(w);
        if (c <= 0 || c >= 512 || !seen[c])
            ok = 0;
        nwant++;
    }
    size_t ngot = 0;
    for (int c = 0; c < 512; c++)
        ngot += (size_t)seen[c];
    return ok && ngot == nwant;
}

static const char **strlist(const json_t *arr, size_t *n, char bufs[][16], const char **out)
{
    size_t k = json_array_size(arr);
    if (k > 32)
        k = 32;
    if (!out)
        return NULL;
    for (size_t i = 0; i < k; i++) {
        const json_t *e = json_array_get(arr, i);
        if (json_is_string(e)) {
            out[i] = json_string_value(e);
        } else {
            snprintf(bufs[i < 32 ? i : 31], 16, "%lld", (long long)json_integer_value(e));
            out[i] = bufs[i < 32 ? i : 31];
        }
    }
    *n = k;
    return out;
}

/* The fast path (text -> sg17_stix_doc -> validate_doc) must give exactly the
 * findings of the jansson path: same return, verdict, codes and messages. */
static int doc_path_same(const json_t *inst, const sg17_stix_vopts *vo, int rc1,
                         const sg17_stix_report *r1)
{
    char *text = json_dumps(inst, JSON_COMPACT | JSON_ENCODE_ANY);
    if (!text)
        return 0;
    sg17_json_limits any = {0, 0, SG17_JSON_DECODE_ANY};
    sg17_stix_doc *doc = NULL;
    int prc = sg17_stix_doc_parse(text, strlen(text), &any, &doc, NULL);
    if (prc != 0)
        return 0;
    sg17_stix_report r2;
    int rc2 = sg17_stix_validate_doc(doc, vo, &r2);
    int same = rc2 == rc1;
    if (same && rc1 == 0) {
        same = r1->valid == r2.valid && r1->n == r2.n && r1->n_objects == r2.n_objects;
        for (size_t i = 0; same && i < r1->n; i++)
            same = r1->items[i].code == r2.items[i].code &&
                   r1->items[i].is_error == r2.items[i].is_error &&
                   strcmp(r1->items[i].object_id, r2.items[i].object_id) == 0 &&
                   strcmp(r1->items[i].text, r2.items[i].text) == 0;
    }
    sg17_stix_report_free(&r2);
    sg17_stix_doc_free(doc);
    return same;
}

int main(void)
{
    verbose = getenv("STIX_VERBOSE") != NULL;
    const char *path = tap_vector_path("stix/validator/object_cases.jsonl");
    const char *regdir_file = tap_vector_path("stix/validator/registries/charsets.csv");
    char regdir[1024];
    snprintf(regdir, sizeof regdir, "%s", regdir_file);
    char *slash = strrchr(regdir, '/');
    if (slash)
        *slash = '\0';
    size_t len = 0;
    char *text = tap_read_file(path, &len);
    tap_ok(text != NULL, "read %s", path);
    if (!text)
        return tap_done();
    unsigned total = 0, pass = 0, verdict_ok = 0, codes_ok = 0, doc_same = 0;
    unsigned by_exp_total[3] = {0}, by_exp_pass[3] = {0};
    char *next = text;
    for (char *line = next_line(&next); line; line = next_line(&next)) {
        json_t *c = NULL;
        if (sg17_json_parse(line, strlen(line), NULL, &c, NULL) != 0)
            continue;
        total++;
        const char *id = json_string_value(json_object_get(c, "id"));
        const char *exp = json_string_value(json_object_get(c, "expected"));
        const json_t *o = json_object_get(c, "options");
        char b1[32][16], b2[32][16];
        sg17_stix_vopts vo;
        memset(&vo, 0, sizeof vo);
        vo.strict = json_is_true(json_object_get(o, "strict"));
        vo.strict_types = json_is_true(json_object_get(o, "strict_types"));
        vo.strict_properties = json_is_true(json_object_get(o, "strict_properties"));
        vo.enforce_refs = json_is_true(json_object_get(o, "enforce_refs"));
        vo.interop = json_is_true(json_object_get(o, "interop"));
        vo.version = json_string_value(json_object_get(o, "version"));
        const char *l1[32], *l2[32];
        vo.disabled = strlist(json_object_get(o, "disabled"), &vo.n_disabled, b1, l1);
        vo.enabled = strlist(json_object_get(o, "enabled"), &vo.n_enabled, b2, l2);
        vo.registry_dir = regdir;
        sg17_stix_report rep;
        int rc = sg17_stix_validate(json_object_get(c, "instance"), &vo, &rep);
        if (doc_path_same(json_object_get(c, "instance"), &vo, rc, &rep))
            doc_same++;
        else
            tap_diag("FAIL %s: the sg17_stix_doc path differs from the jansson path", id);
        const char *got = rc == SG17_E_FORMAT || rc == SG17_E_INVAL ? "error" : rep.valid ? "valid" : "invalid";
        int vok;
        int ei = strcmp(exp, "valid") == 0 ? 0 : strcmp(exp, "invalid") == 0 ? 1 : 2;
        if (ei == 2)
            vok = rc != 0; /* reference raised: we must reject */
        else
            vok = rc == 0 && strcmp(got, exp) == 0;
        char gotc[256];
        int cok = rc != 0 ? json_array_size(json_object_get(c, "expected_codes")) == 0
                          : codes_equal(&rep, json_object_get(c, "expected_codes"), gotc, sizeof gotc);
        if (rc != 0)
            gotc[0] = '\0';
        by_exp_total[ei]++;
        verdict_ok += (unsigned)vok;
        codes_ok += (unsigned)cok;
        if (vok && cok) {
            pass++;
            by_exp_pass[ei]++;
        } else {
            char *ec = json_dumps(json_object_get(c, "expected_codes"), JSON_COMPACT);
            tap_diag("FAIL %s: expected %s %s, got %s (rc %d) codes [%s]", id, exp, ec ? ec : "", got, rc, gotc);
            free(ec);
            if (verbose && rc == 0)
                for (size_t i = 0; i < rep.n; i++)
                    tap_diag("    %s %s: %s", rep.items[i].is_error ? "E" : "W", rep.items[i].object_id,
                             rep.items[i].text);
        }
        if (rc == 0 || rc == SG17_E_FORMAT)
            sg17_stix_report_free(&rep);
        json_decref(c);
    }
    free(text);
    tap_diag("object cases: %u/%u pass (verdict %u, codes %u); valid %u/%u, invalid %u/%u, error %u/%u",
             pass, total, verdict_ok, codes_ok, by_exp_pass[0], by_exp_total[0], by_exp_pass[1],
             by_exp_total[1], by_exp_pass[2], by_exp_total[2]);
    tap_ok(total == 357, "357 object cases read (%u)", total);
    tap_ok(pass == total, "every object case gives the expected verdict and codes (%u/%u)", pass, total);
    tap_ok(doc_same == total, "sg17_stix_doc path: identical findings on every case (%u/%u)", doc_same, total);

    /* whole files */
    const char *fpath = tap_vector_path("stix/validator/file_cases.jsonl");
    text = tap_read_file(fpath, &len);
    unsigned ftotal = 0, fpass = 0, fdoc = 0;
    char dir[1024];
    snprintf(dir, sizeof dir, "%s", fpath);
    slash = strrchr(dir, '/');
    if (slash)
        *slash = '\0';
    next = text;
    for (char *line = next_line(&next); line; line = next_line(&next)) {
        json_t *c = NULL;
        if (sg17_json_parse(line, strlen(line), NULL, &c, NULL) != 0)
            continue;
        ftotal++;
        char fp[1200];
        snprintf(fp, sizeof fp, "%s/files/%s", dir, json_string_value(json_object_get(c, "file")));
        const char *exp = json_string_value(json_object_get(c, "expected"));
        json_t *inst = NULL;
        int prc = sg17_json_load_file(fp, NULL, &inst, NULL);
        const char *got;
        if (prc != 0) {
            got = "malformed-json";
        } else {
            sg17_stix_vopts vo;
            memset(&vo, 0, sizeof vo);
            vo.registry_dir = regdir;
            const json_t *opt = json_object_get(c, "options");
            vo.strict = json_is_true(json_object_get(opt, "strict"));
            sg17_stix_report rep;
            int rc = sg17_stix_validate(inst, &vo, &rep);
            got = rc ? "error" : rep.valid ? "valid" : "invalid";
            sg17_stix_report_free(&rep);
            json_decref(inst);
        }
        /* the fast path from the file must agree (including malformed JSON) */
        sg17_stix_doc *doc = NULL;
        const char *got2;
        if (sg17_stix_doc_load(fp, NULL, &doc, NULL) != 0) {
            got2 = "malformed-json";
        } else {
            sg17_stix_vopts vo;
            memset(&vo, 0, sizeof vo);
            vo.registry_dir = regdir;
            vo.strict = json_is_true(json_object_get(json_object_get(c, "options"), "strict"));
            sg17_stix_report rep;
            int rc = sg17_stix_validate_doc(doc, &vo, &rep);
            got2 = rc ? "error" : rep.valid ? "valid" : "invalid";
            sg17_stix_report_free(&rep);
            sg17_stix_doc_free(doc);
        }
        if (strcmp(got2, got) != 0)
            tap_diag("FAIL file %s: sg17_stix_doc_load path gives %s", json_string_value(json_object_get(c, "file")), got2);
        else
            fdoc++;
        if (strcmp(got, exp) == 0)
            fpass++;
        else
            tap_diag("FAIL file %s: expected %s, got %s", json_string_value(json_object_get(c, "file")), exp, got);
        json_decref(c);
    }
    free(text);
    tap_diag("file cases: %u/%u pass", fpass, ftotal);
    tap_ok(ftotal == 6 && fpass == ftotal, "every file case gives the expected verdict (%u/%u)", fpass, ftotal);
    tap_ok(fdoc == ftotal, "sg17_stix_doc_load path: same verdict on every file (%u/%u)", fdoc, ftotal);
    return tap_done();
}
