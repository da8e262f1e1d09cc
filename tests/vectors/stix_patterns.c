/*
 * STIX 2.1 patterning against the reference cases: patterns/validate_cases.jsonl
 * (valid / invalid per the reference pattern validator) and
 * patterns/match_cases.jsonl over match_observations.json (match / nomatch /
 * error, with the ids of the matched observed-data). Prints the counts.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sg17/json.h"
#include "sg17/stix_pattern.h"
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

static int same_ids(const json_t *a, const json_t *b)
{
    if (json_array_size(a) != json_array_size(b))
        return 0;
    size_t i, j;
    const json_t *x, *y;
    json_array_foreach(a, i, x) {
        int found = 0;
        json_array_foreach(b, j, y) if (json_equal(x, y)) found = 1;
        if (!found)
            return 0;
    }
    return 1;
}

int main(void)
{
    const char *vpath = tap_vector_path("stix/patterns/validate_cases.jsonl");
    const char *mpath = tap_vector_path("stix/patterns/match_cases.jsonl");
    const char *opath = tap_vector_path("stix/patterns/match_observations.json");
    size_t len;
    char *text = tap_read_file(vpath, &len);
    unsigned vt = 0, vp = 0;
    char *cur = text;
    for (char *line = next_line(&cur); line; line = next_line(&cur)) {
        json_t *c = NULL;
        if (sg17_json_parse(line, strlen(line), NULL, &c, NULL) != 0)
            continue;
        vt++;
        const char *pat = json_string_value(json_object_get(c, "pattern"));
        const char *exp = json_string_value(json_object_get(c, "expected"));
        char err[256];
        int rc = sg17_stix_pattern_check(pat, 0, err, sizeof err);
        const char *got = rc == 0 ? "valid" : "invalid";
        if (strcmp(got, exp) == 0)
            vp++;
        else
            tap_diag("FAIL %s: %s expected %s, got %s (%s)", json_string_value(json_object_get(c, "id")),
                     pat, exp, got, rc ? err : "");
        json_decref(c);
    }
    free(text);
    tap_diag("pattern validation: %u/%u pass", vp, vt);
    tap_ok(vt == 54 && vp == vt, "every validate case passes (%u/%u)", vp, vt);

    json_t *obsets = NULL;
    tap_ok(sg17_json_load_file(opath, NULL, &obsets, NULL) == 0, "load observations");
    text = tap_read_file(mpath, &len);
    unsigned mt = 0, mp = 0, by[3] = {0}, byp[3] = {0};
    cur = text;
    for (char *line = next_line(&cur); line; line = next_line(&cur)) {
        json_t *c = NULL;
        if (sg17_json_parse(line, strlen(line), NULL, &c, NULL) != 0)
            continue;
        mt++;
        const char *id = json_string_value(json_object_get(c, "id"));
        const char *pat = json_string_value(json_object_get(c, "pattern"));
        const char *exp = json_string_value(json_object_get(c, "expected"));
        int ei = strcmp(exp, "match") == 0 ? 0 : strcmp(exp, "nomatch") == 0 ? 1 : 2;
        by[ei]++;
        const json_t *list = json_object_get(obsets, json_string_value(json_object_get(c, "observations")));
        char err[256] = "";
        sg17_stix_pattern *p = NULL;
        sg17_stix_observations *o = NULL;
        json_t *ids = NULL;
        int rc = sg17_stix_pattern_compile(pat, &p, err, sizeof err);
        if (rc == 0)
            rc = sg17_stix_observations_load(list, &o, err, sizeof err);
        if (rc == 0)
            rc = sg17_stix_pattern_match(p, o, &ids, err, sizeof err);
        const char *got = rc == 1 ? "match" : rc == 0 ? "nomatch" : "error";
        int ok = strcmp(got, exp) == 0;
        if (ok && ei == 0)
            ok = same_ids(ids, json_object_get(c, "matched_observed_data"));
        if (ok) {
            mp++;
            byp[ei]++;
        } else {
            char *g = ids ? json_dumps(ids, JSON_COMPACT) : NULL;
            tap_diag("FAIL %s: %s [%s] expected %s, got %s %s %s", id, pat,
                     json_string_value(json_object_get(c, "observations")), exp, got, g ? g : "", err);
            free(g);
        }
        json_decref(ids);
        sg17_stix_pattern_free(p);
        sg17_stix_observations_free(o);
        json_decref(c);
    }
    free(text);
    json_decref(obsets);
    tap_diag("pattern matching: %u/%u pass (match %u/%u, nomatch %u/%u, error %u/%u)", mp, mt,
             byp[0], by[0], byp[1], by[1], byp[2], by[2]);
    tap_ok(mt == 265 && mp == mt, "every match case passes (%u/%u)", mp, mt);

    const char *ipath = tap_vector_path("stix/patterns/inspect_cases.jsonl");
    text = tap_read_file(ipath, &len);
    unsigned it = 0, ip = 0;
    cur = text;
    for (char *line = next_line(&cur); line; line = next_line(&cur)) {
        json_t *c = NULL;
        if (sg17_json_parse(line, strlen(line), NULL, &c, NULL) != 0)
            continue;
        it++;
        const char *pat = json_string_value(json_object_get(c, "pattern"));
        const char *kind = json_string_value(json_object_get(c, "kind"));
        sg17_stix_pattern *p = NULL;
        json_t *got = NULL;
        char err[256];
        int ok = sg17_stix_pattern_compile(pat, &p, err, sizeof err) == 0 &&
                 sg17_stix_pattern_inspect(p, &got) == 0 &&
                 json_equal(json_object_get(got, kind), json_object_get(c, "expected"));
        if (ok) {
            ip++;
        } else {
            char *g = got ? json_dumps(json_object_get(got, kind), JSON_COMPACT) : NULL;
            tap_diag("FAIL inspect %s (%s): got %s", pat, kind, g ? g : "(none)");
            free(g);
        }
        json_decref(got);
        sg17_stix_pattern_free(p);
        json_decref(c);
    }
    free(text);
    tap_diag("pattern inspection: %u/%u pass", ip, it);
    tap_ok(it == 14 && ip == it, "every inspect case passes (%u/%u)", ip, it);
    return tap_done();
}
