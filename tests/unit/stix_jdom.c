/*
 * jdom (the STIX fast-path JSON parser): RFC 8259 edge cases in the manner of
 * JSONTestSuite (y_ must parse, n_ must not), each checked against the
 * expectation written from the RFC and against sg17_json_parse (jansson) for
 * the same verdict; values of escapes, surrogate pairs and numbers; caps;
 * error positions; sg17_jd_equal; the jansson view.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jdom_internal.h"
#include "tap.h"

static int jd_parse_copy(const char *s, size_t n, const sg17_json_limits *lim, sg17_jdoc **d,
                         char **keep, sg17_json_error *e)
{
    char *b = malloc(n ? n : 1);
    if (!b)
        return SG17_E_NOMEM;
    memcpy(b, s, n);
    int rc = sg17_jdoc_parse(b, n, lim, d, e);
    *keep = b;
    return rc;
}

/* y: 1 must parse, 0 must be rejected (RFC 8259 + jansson's NUL/duplicate rules) */
static const struct {
    int y;
    const char *name;
    const char *text;
    size_t len; /* 0: strlen */
} cases[] = {
    {1, "y_empty_array", "[]", 0},
    {1, "y_empty_object", "{}", 0},
    {1, "y_ws_around", " \t\r\n[ \t\r\n1 \t\r\n] \t\r\n", 0},
    {1, "y_nested", "[[[[{\"a\":[{}]}]]]]", 0},
    {1, "y_string_escapes", "[\"\\\"\\\\\\/\\b\\f\\n\\r\\t\"]", 0},
    {1, "y_string_u_escape", "[\"\\u0041\\u00e9\\u20AC\"]", 0},
    {1, "y_surrogate_pair", "[\"\\uD834\\uDD1E\"]", 0},
    {1, "y_utf8_2_3_4", "[\"\xc3\xa9\xe2\x82\xac\xf0\x9d\x84\x9e\"]", 0},
    {1, "y_utf8_max", "[\"\xf4\x8f\xbf\xbf\"]", 0},
    {1, "y_del_char", "[\"\x7f\"]", 0},
    {1, "y_number_zero", "[0]", 0},
    {1, "y_number_minus_zero", "[-0]", 0},
    {1, "y_number_frac_exp", "[-1.5e+3, 2E-2, 0.0, 1e1, 0e0]", 0},
    {1, "y_int64_min", "[-9223372036854775808]", 0},
    {1, "y_int64_max", "[9223372036854775807]", 0},
    {1, "y_real_underflow", "[1e-400]", 0},
    {1, "y_long_string", "[\"0123456789abcdef0123456789abcdef0123456789abcdef\\n0123456789abcdef0123456789\"]", 0},
    {1, "y_keys_differ_by_len", "{\"a\":1,\"aa\":2,\"\":3}", 0},
    {1, "y_true_false_null", "[true,false,null]", 0},
    {0, "n_empty", "", 0},
    {0, "n_ws_only", "  ", 0},
    {0, "n_scalar_top", "1", 0},
    {0, "n_string_top", "\"a\"", 0},
    {0, "n_trailing_comma_array", "[1,]", 0},
    {0, "n_trailing_comma_object", "{\"a\":1,}", 0},
    {0, "n_leading_comma", "[,1]", 0},
    {0, "n_unclosed_array", "[1", 0},
    {0, "n_unclosed_object", "{\"a\":1", 0},
    {0, "n_unclosed_string", "[\"abc", 0},
    {0, "n_missing_colon", "{\"a\" 1}", 0},
    {0, "n_key_not_string", "{1:1}", 0},
    {0, "n_single_quote", "['a']", 0},
    {0, "n_trailing_garbage", "[1] x", 0},
    {0, "n_two_values", "[1][2]", 0},
    {0, "n_duplicate_key", "{\"a\":1,\"a\":2}", 0},
    {0, "n_duplicate_key_escaped", "{\"a\":1,\"\\u0061\":2}", 0},
    {0, "n_duplicate_key_nested", "[{\"x\":{\"b\":1,\"c\":2,\"b\":3}}]", 0},
    {0, "n_leading_zero", "[01]", 0},
    {0, "n_minus_leading_zero", "[-01]", 0},
    {0, "n_plus", "[+1]", 0},
    {0, "n_dot_start", "[.5]", 0},
    {0, "n_dot_end", "[1.]", 0},
    {0, "n_exp_empty", "[1e]", 0},
    {0, "n_exp_sign_only", "[1e+]", 0},
    {0, "n_minus_only", "[-]", 0},
    {0, "n_hex", "[0x1]", 0},
    {0, "n_infinity", "[Infinity]", 0},
    {0, "n_nan", "[NaN]", 0},
    {0, "n_int_overflow", "[9223372036854775808]", 0},
    {0, "n_int_underflow", "[-9223372036854775809]", 0},
    {0, "n_real_overflow", "[1e400]", 0},
    {0, "n_literal_case", "[True]", 0},
    {0, "n_literal_truncated", "[tru]", 0},
    {0, "n_literal_glued", "[truex]", 0},
    {0, "n_control_in_string", "[\"a\x01\"]", 0},
    {0, "n_newline_in_string", "[\"a\nb\"]", 0},
    {0, "n_tab_in_string", "[\"a\tb\"]", 0},
    {0, "n_nul_in_string", "[\"a\0b\"]", 6},
    {0, "n_nul_outside", "[1]\0", 4},
    {0, "n_escape_nul", "[\"\\u0000\"]", 0},
    {0, "n_bad_escape", "[\"\\x41\"]", 0},
    {0, "n_escape_short_u", "[\"\\u12\"]", 0},
    {0, "n_escape_bad_hex", "[\"\\u12G4\"]", 0},
    {0, "n_lone_high_surrogate", "[\"\\uD800\"]", 0},
    {0, "n_lone_high_then_char", "[\"\\uD800a\"]", 0},
    {0, "n_high_high", "[\"\\uD800\\uD800\"]", 0},
    {0, "n_lone_low_surrogate", "[\"\\uDC00\"]", 0},
    {0, "n_utf8_overlong_2", "[\"\xc0\xaf\"]", 0},
    {0, "n_utf8_overlong_3", "[\"\xe0\x80\xaf\"]", 0},
    {0, "n_utf8_overlong_4", "[\"\xf0\x80\x80\xaf\"]", 0},
    {0, "n_utf8_surrogate", "[\"\xed\xa0\x80\"]", 0},
    {0, "n_utf8_above_max", "[\"\xf4\x90\x80\x80\"]", 0},
    {0, "n_utf8_f5", "[\"\xf5\x80\x80\x80\"]", 0},
    {0, "n_utf8_lone_continuation", "[\"\x80\"]", 0},
    {0, "n_utf8_truncated", "[\"\xe2\x82\"]", 0},
    {0, "n_utf8_truncated_at_end", "[\"\xe2\x82", 0},
    {0, "n_utf8_outside_string", "[\xc3\xa9]", 0},
    {0, "n_bom", "\xef\xbb\xbf[]", 0},
    {0, "n_comment", "[1 /* c */]", 0},
    {0, "n_vertical_tab_ws", "[\x0b" "1]", 0},
    {0, "n_nbsp_ws", "[\xc2\xa0" "1]", 0},
    {0, "n_object_as_key", "{{}:1}", 0},
    {0, "n_colon_in_array", "[1:2]", 0},
    {0, "n_close_mismatch", "[}", 0},
    {0, "n_backslash_at_end", "[\"\\", 0},
};

static void test_cases(void)
{
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        size_t n = cases[i].len ? cases[i].len : strlen(cases[i].text);
        sg17_jdoc *d = NULL;
        char *keep = NULL;
        sg17_json_error e;
        int rc = jd_parse_copy(cases[i].text, n, NULL, &d, &keep, &e);
        json_t *j = NULL;
        int jrc = sg17_json_parse(cases[i].text, n, NULL, &j, NULL);
        tap_ok((rc == 0) == cases[i].y, "%s: jdom %s (%s)", cases[i].name,
               rc == 0 ? "accepts" : "rejects", rc ? e.text : "");
        tap_ok((jrc == 0) == (rc == 0), "%s: same verdict as jansson", cases[i].name);
        if (rc)
            tap_ok(d == NULL && e.text[0] != '\0', "%s: no document, message set", cases[i].name);
        sg17_jdoc_free(d);
        json_decref(j);
        free(keep);
    }
}

static const sg17_jd *first(const sg17_jdoc *d)
{
    const sg17_jd *r = sg17_jdoc_root(d);
    return r->type == SG17_JD_ARRAY && r->n ? &r->u.kids[0] : NULL;
}

static void test_values(void)
{
    static const struct {
        const char *text;
        const char *want;
        size_t wlen;
    } strs[] = {
        {"[\"\\\"\\\\\\/\\b\\f\\n\\r\\t\"]", "\"\\/\b\f\n\r\t", 8},
        {"[\"\\u0041\\u00e9\\u20AC\"]", "A\xc3\xa9\xe2\x82\xac", 6},
        {"[\"\\uD834\\uDD1E\"]", "\xf0\x9d\x84\x9e", 4},
        {"[\"\\udbff\\udfff\"]", "\xf4\x8f\xbf\xbf", 4},
        {"[\"x\\ny\xc3\xa9z\\t0123456789abcdef0123456789\"]", "x\ny\xc3\xa9z\t0123456789abcdef0123456789", 33},
        {"[\"\"]", "", 0},
    };
    for (size_t i = 0; i < sizeof strs / sizeof strs[0]; i++) {
        sg17_jdoc *d = NULL;
        char *keep = NULL;
        int rc = jd_parse_copy(strs[i].text, strlen(strs[i].text), NULL, &d, &keep, NULL);
        const sg17_jd *v = rc == 0 ? first(d) : NULL;
        tap_ok(v && v->type == SG17_JD_STRING && v->n == strs[i].wlen &&
                   memcmp(v->u.s, strs[i].want, strs[i].wlen) == 0 && v->u.s[v->n] == '\0',
               "string value %zu unescaped in place and NUL-terminated", i);
        sg17_jdoc_free(d);
        free(keep);
    }
    sg17_jdoc *d = NULL;
    char *keep = NULL;
    const char *nums = "[0, -0, 12, -9223372036854775808, 9223372036854775807, 1.5, -0.0, 1e2, 2.5E-3, 1e-400]";
    int rc = jd_parse_copy(nums, strlen(nums), NULL, &d, &keep, NULL);
    const sg17_jd *a = rc == 0 ? sg17_jdoc_root(d) : NULL;
    tap_ok(a && a->n == 10, "numbers parse");
    if (a && a->n == 10) {
        const sg17_jd *k = a->u.kids;
        tap_ok(k[0].type == SG17_JD_INT && k[0].u.i == 0, "0 is an integer");
        tap_ok(k[1].type == SG17_JD_INT && k[1].u.i == 0, "-0 is the integer 0 (as jansson)");
        tap_ok(k[2].type == SG17_JD_INT && k[2].u.i == 12, "12");
        tap_ok(k[3].type == SG17_JD_INT && k[3].u.i == INT64_MIN, "INT64_MIN");
        tap_ok(k[4].type == SG17_JD_INT && k[4].u.i == INT64_MAX, "INT64_MAX");
        tap_ok(k[5].type == SG17_JD_REAL && k[5].u.d == 1.5, "1.5 is a real");
        tap_ok(k[6].type == SG17_JD_REAL && k[6].u.d == 0.0 && signbit(k[6].u.d), "-0.0 keeps its sign");
        tap_ok(k[7].type == SG17_JD_REAL && k[7].u.d == 100.0, "1e2 is the real 100");
        tap_ok(k[8].type == SG17_JD_REAL && k[8].u.d == 2.5E-3, "2.5E-3");
        tap_ok(k[9].type == SG17_JD_REAL && k[9].u.d == 0.0, "1e-400 underflows to 0");
    }
    sg17_jdoc_free(d);
    free(keep);

    /* object members keep document order; lookup by key */
    const char *obj = "{\"z\":1,\"a\":{\"k\":\"v\"},\"m\":[true,null]}";
    rc = jd_parse_copy(obj, strlen(obj), NULL, &d, &keep, NULL);
    const sg17_jd *o = rc == 0 ? sg17_jdoc_root(d) : NULL;
    tap_ok(jd_is_object(o) && o->n == 3, "object of three members");
    const char *order[3] = {NULL, NULL, NULL};
    const char *k;
    const sg17_jd *val;
    size_t ix = 0;
    jd_object_foreach(o, k, val) if (ix < 3) order[ix++] = k;
    tap_ok(ix == 3 && strcmp(order[0], "z") == 0 && strcmp(order[1], "a") == 0 &&
               strcmp(order[2], "m") == 0, "document order z, a, m");
    tap_ok(jd_int(jd_get(o, "z")) == 1, "z = 1");
    tap_ok(jd_str(jd_get(jd_get(o, "a"), "k")) && strcmp(jd_str(jd_get(jd_get(o, "a"), "k")), "v") == 0, "a.k = v");
    tap_ok(jd_len(jd_get(o, "m")) == 2 && jd_is_true(&jd_get(o, "m")->u.kids[0]), "m = [true, null]");
    tap_ok(jd_get(o, "q") == NULL && jd_get(NULL, "z") == NULL && jd_str(jd_get(o, "z")) == NULL,
           "missing key, NULL object, wrong type give NULL");
    sg17_jdoc_free(d);
    free(keep);
}

static void test_limits_and_errors(void)
{
    sg17_jdoc *d = NULL;
    char *keep = NULL;
    sg17_json_error e;
    sg17_json_limits d2 = {0, 2, 0};
    int rc = jd_parse_copy("[[1]]", 5, &d2, &d, &keep, &e);
    tap_int_eq(rc, 0, "depth 2 within a cap of 2");
    sg17_jdoc_free(d);
    free(keep);
    rc = jd_parse_copy("[[[1]]]", 7, &d2, &d, &keep, &e);
    tap_int_eq(rc, SG17_E_LIMIT, "depth 3 over a cap of 2 is SG17_E_LIMIT");
    free(keep);
    sg17_json_limits small = {4, 0, 0};
    rc = jd_parse_copy("[1,2]", 5, &small, &d, &keep, &e);
    tap_int_eq(rc, SG17_E_LIMIT, "input over max_bytes is SG17_E_LIMIT");
    free(keep);
    /* the default depth cap (64) holds for 64 and not 65 */
    char deep[200];
    for (int lvl = 64; lvl <= 65; lvl++) {
        size_t n = 0;
        for (int i = 0; i < lvl; i++)
            deep[n++] = '[';
        for (int i = 0; i < lvl; i++)
            deep[n++] = ']';
        rc = jd_parse_copy(deep, n, NULL, &d, &keep, &e);
        tap_int_eq(rc, lvl == 64 ? 0 : SG17_E_LIMIT, lvl == 64 ? "64 levels parse" : "65 levels rejected");
        sg17_jdoc_free(d);
        d = NULL;
        free(keep);
    }
    rc = jd_parse_copy("{\"a\": 1,\n  \"b\": x}", 18, NULL, &d, &keep, &e);
    tap_int_eq(rc, SG17_E_FORMAT, "syntax error");
    tap_ok(e.line == 2 && e.column == 8 && e.position == 16, "error at line 2, column 8, byte 16 (got %d:%d @%zu)",
           e.line, e.column, e.position);
    free(keep);
    sg17_json_limits any = {0, 0, SG17_JSON_DECODE_ANY};
    rc = jd_parse_copy(" -12.5e1 ", 9, &any, &d, &keep, &e);
    tap_ok(rc == 0 && sg17_jdoc_root(d)->type == SG17_JD_REAL && sg17_jdoc_root(d)->u.d == -125.0,
           "top-level number at the end of the buffer with DECODE_ANY");
    sg17_jdoc_free(d);
    free(keep);
    rc = jd_parse_copy("-12.5", 5, &any, &d, &keep, &e);
    tap_ok(rc == 0 && sg17_jdoc_root(d)->u.d == -12.5, "real ending exactly at the buffer end");
    sg17_jdoc_free(d);
    free(keep);

    /* duplicate keys in a large object (hash path) and a large object without */
    char big[4096];
    size_t n = 0;
    big[n++] = '{';
    for (int i = 0; i < 100; i++)
        n += (size_t)snprintf(big + n, sizeof big - n, "%s\"key%d\":%d", i ? "," : "", i, i);
    big[n++] = '}';
    rc = jd_parse_copy(big, n, NULL, &d, &keep, &e);
    tap_int_eq(rc, 0, "100 distinct keys accepted");
    tap_ok(rc == 0 && jd_int(jd_get(sg17_jdoc_root(d), "key77")) == 77, "key77 = 77");
    sg17_jdoc_free(d);
    free(keep);
    n--;
    n += (size_t)snprintf(big + n, sizeof big - n, ",\"key42\":0}");
    rc = jd_parse_copy(big, n, NULL, &d, &keep, &e);
    tap_int_eq(rc, SG17_E_FORMAT, "101st key duplicating key42 rejected");
    tap_ok(strstr(e.text, "duplicate") != NULL, "message names the duplicate: %s", e.text);
    free(keep);
}

static void test_equal_and_view(void)
{
    const char *a = "{\"x\":[1,2.0,\"s\",{\"k\":null}],\"y\":true}";
    const char *b = "{\"y\":true,\"x\":[1,2.0,\"s\",{\"k\":null}]}";
    const char *c = "{\"y\":true,\"x\":[1,2,\"s\",{\"k\":null}]}";
    sg17_jdoc *da = NULL, *db = NULL, *dc = NULL, *dv = NULL;
    char *ka = NULL, *kb = NULL, *kc = NULL;
    int rc = jd_parse_copy(a, strlen(a), NULL, &da, &ka, NULL) | jd_parse_copy(b, strlen(b), NULL, &db, &kb, NULL) |
             jd_parse_copy(c, strlen(c), NULL, &dc, &kc, NULL);
    tap_int_eq(rc, 0, "three documents parse");
    if (rc == 0) {
        tap_ok(sg17_jd_equal(sg17_jdoc_root(da), sg17_jdoc_root(db)), "equal regardless of member order");
        tap_ok(!sg17_jd_equal(sg17_jdoc_root(da), sg17_jdoc_root(dc)), "2.0 (real) differs from 2 (integer)");
        json_t *j = json_loads(a, 0, NULL);
        rc = j ? sg17_jdoc_from_jansson(j, &dv) : SG17_E_NOMEM;
        tap_ok(rc == 0 && sg17_jd_equal(sg17_jdoc_root(dv), sg17_jdoc_root(da)), "jansson view equals the parsed DOM");
        sg17_jdoc_free(dv);
        json_decref(j);
    }
    sg17_jdoc_free(da);
    sg17_jdoc_free(db);
    sg17_jdoc_free(dc);
    free(ka);
    free(kb);
    free(kc);
}

/* strings are packed at the front; the rest of the buffer can go, and a moved
 * buffer is re-pointed with sg17_jdoc_rebase (ASan catches stale pointers) */
static void test_compaction(void)
{
    const char *t = "{\n  \"name\": \"caf\\u00e9 \\\"q\\\"\",\n  \"list\": [ \"a\" , 1, \"\\ud83d\\ude00\" ],\n  \"k\": {\"x\": \"y\"}\n}\n";
    size_t n = strlen(t);
    sg17_jdoc *d = NULL;
    char *keep = NULL;
    int rc = jd_parse_copy(t, n, NULL, &d, &keep, NULL);
    tap_int_eq(rc, 0, "pretty-printed document parses");
    if (rc)
        return;
    size_t used = sg17_jdoc_text_used(d);
    /* name\0café "q"\0list\0a\0😀\0k\0x\0y\0 */
    tap_int_eq(used, 5 + 10 + 5 + 2 + 5 + 2 + 2 + 2, "packed strings take exactly their bytes + NULs");
    char *moved = malloc(used);
    if (!moved)
        return;
    memcpy(moved, keep, used);
    uintptr_t old = (uintptr_t)keep;
    memset(keep, 'Z', n);
    free(keep);
    sg17_jdoc_rebase(d, old, moved);
    const sg17_jd *r = sg17_jdoc_root(d);
    tap_ok(jd_str(jd_get(r, "name")) && strcmp(jd_str(jd_get(r, "name")), "caf\xc3\xa9 \"q\"") == 0, "name after the move");
    const sg17_jd *l = jd_get(r, "list");
    tap_ok(jd_len(l) == 3 && strcmp(jd_str(&l->u.kids[0]), "a") == 0 &&
               strcmp(jd_str(&l->u.kids[2]), "\xf0\x9f\x98\x80") == 0, "list strings after the move");
    tap_ok(jd_str(jd_get(jd_get(r, "k"), "x")) && strcmp(jd_str(jd_get(jd_get(r, "k"), "x")), "y") == 0, "nested key and value after the move");
    sg17_jdoc_free(d);
    free(moved);
}

int main(void)
{
    test_compaction();
    test_cases();
    test_values();
    test_limits_and_errors();
    test_equal_and_view();
    return tap_done();
}
