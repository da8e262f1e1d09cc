/* sg17_json_parse / sg17_json_load_file: caps, rejections, error positions. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sg17/json.h"
#include "tap.h"

static int parse_str(const char *s, const sg17_json_limits *lim, json_t **out, sg17_json_error *err)
{
    return sg17_json_parse(s, strlen(s), lim, out, err);
}

static void test_ok(void)
{
    json_t *v = NULL;
    sg17_json_error e;
    int rc = parse_str("{\"a\": [1, 2, {\"b\": \"x\"}], \"c\": true}", NULL, &v, &e);
    tap_int_eq(rc, 0, "valid object parses");
    tap_ok(json_is_object(v) && json_object_size(v) == 2, "object with two keys");
    json_decref(v);

    /* Not NUL-terminated: the parser must stop at len. */
    const char raw[] = "[1,2]XXXX";
    rc = sg17_json_parse(raw, 5, NULL, &v, &e);
    tap_int_eq(rc, 0, "length-delimited input parses");
    tap_ok(json_array_size(v) == 2, "array of two");
    json_decref(v);

    rc = parse_str("42", NULL, &v, &e);
    tap_int_eq(rc, SG17_E_FORMAT, "scalar at top level rejected by default");
    sg17_json_limits any = {0, 0, SG17_JSON_DECODE_ANY};
    rc = parse_str("42", &any, &v, &e);
    tap_int_eq(rc, 0, "scalar accepted with SG17_JSON_DECODE_ANY");
    tap_ok(json_is_integer(v) && json_integer_value(v) == 42, "value 42");
    json_decref(v);

    /* Brackets inside strings (with escaped quotes) do not count as depth. */
    sg17_json_limits d2 = {0, 2, 0};
    rc = parse_str("[[\"[[[[\\\"[[[\", \"{{{{\"]]", &d2, &v, &e);
    tap_int_eq(rc, 0, "brackets inside strings ignored by the depth scan");
    json_decref(v);
    rc = parse_str("[\"\\\\\", [[1]]]", &d2, &v, &e);
    tap_int_eq(rc, SG17_E_LIMIT, "escaped backslash ends the string; depth 3 > 2");
}

static void test_rejections(void)
{
    json_t *v = (json_t *)1;
    sg17_json_error e;

    int rc = parse_str("{\"k\": 1,\n \"k\": 2}", NULL, &v, &e);
    tap_int_eq(rc, SG17_E_FORMAT, "duplicate key rejected");
    tap_ok(v == NULL, "out is NULL on error");
    tap_ok(strstr(e.text, "duplicate") != NULL, "text mentions duplicate: %s", e.text);
    tap_int_eq(e.line, 2, "duplicate key reported on line 2");

    rc = parse_str("{\"a\": 1, \"b\": }", NULL, &v, &e);
    tap_int_eq(rc, SG17_E_FORMAT, "syntax error");
    tap_int_eq(e.line, 1, "syntax error line");
    tap_ok(e.column >= 15 && e.position >= 14, "syntax error column %d position %zu", e.column,
           e.position);

    rc = parse_str("{\"a\": 1} x", NULL, &v, &e);
    tap_int_eq(rc, SG17_E_FORMAT, "trailing garbage rejected");

    /* NUL byte inside a string and between tokens. */
    const char nul1[] = "[\"ab\0cd\"]";
    rc = sg17_json_parse(nul1, sizeof nul1 - 1, NULL, &v, &e);
    tap_int_eq(rc, SG17_E_FORMAT, "raw NUL inside a string rejected");
    tap_int_eq(e.position, 4, "NUL position");
    tap_ok(strstr(e.text, "NUL") != NULL, "text mentions NUL: %s", e.text);
    const char nul2[] = "[1]\0";
    rc = sg17_json_parse(nul2, sizeof nul2 - 1, NULL, &v, &e);
    tap_int_eq(rc, SG17_E_FORMAT, "NUL after the value rejected");
    rc = parse_str("[\"a\\u0000b\"]", NULL, &v, &e);
    tap_int_eq(rc, SG17_E_FORMAT, "escaped \\u0000 rejected");

    /* Invalid UTF-8: a lone continuation byte, an overlong form, a surrogate. */
    rc = parse_str("[\"\x80\"]", NULL, &v, &e);
    tap_int_eq(rc, SG17_E_FORMAT, "lone continuation byte rejected");
    rc = parse_str("[\"\xC0\xAF\"]", NULL, &v, &e);
    tap_int_eq(rc, SG17_E_FORMAT, "overlong UTF-8 rejected");
    rc = parse_str("[\"\xED\xA0\x80\"]", NULL, &v, &e);
    tap_int_eq(rc, SG17_E_FORMAT, "UTF-8 encoded surrogate rejected");
    rc = parse_str("[\"\xF4\x90\x80\x80\"]", NULL, &v, &e);
    tap_int_eq(rc, SG17_E_FORMAT, "code point above U+10FFFF rejected");
    rc = parse_str("[\"\xC3\xA9\xE2\x82\xAC\"]", NULL, &v, &e);
    tap_int_eq(rc, 0, "valid multibyte UTF-8 accepted");
    json_decref(v);

    rc = sg17_json_parse("", 0, NULL, &v, &e);
    tap_int_eq(rc, SG17_E_FORMAT, "empty input rejected");
    rc = sg17_json_parse(NULL, 0, NULL, &v, &e);
    tap_int_eq(rc, SG17_E_FORMAT, "NULL empty input rejected as malformed");
    rc = sg17_json_parse("[]", 2, NULL, NULL, &e);
    tap_int_eq(rc, SG17_E_INVAL, "NULL out -> INVAL");
}

static void test_depth_bomb(void)
{
    const size_t n = 100000;
    char *s = malloc(2 * n);
    if (s == NULL) {
        tap_ok(0, "malloc");
        return;
    }
    memset(s, '[', n);
    memset(s + n, ']', n);
    json_t *v = (json_t *)1;
    sg17_json_error e;
    int rc = sg17_json_parse(s, 2 * n, NULL, &v, &e);
    tap_int_eq(rc, SG17_E_LIMIT, "100000 nested [ -> LIMIT");
    tap_ok(v == NULL, "no value");
    tap_int_eq(e.position, SG17_JSON_DEFAULT_MAX_DEPTH, "stops at the first bracket too deep");
    tap_ok(strstr(e.text, "deep") != NULL, "text: %s", e.text);

    /* Unbalanced: 100000 '{' with nothing else. */
    memset(s, '{', n);
    rc = sg17_json_parse(s, n, NULL, &v, &e);
    tap_int_eq(rc, SG17_E_LIMIT, "100000 nested { -> LIMIT");

    /* Exactly at the cap passes, one more fails. */
    sg17_json_limits lim = {0, 5, 0};
    rc = parse_str("[[[[[1]]]]]", &lim, &v, &e);
    tap_int_eq(rc, 0, "depth 5 with cap 5 accepted");
    json_decref(v);
    rc = parse_str("[[[[{\"a\":[1]}]]]]", &lim, &v, &e);
    tap_int_eq(rc, SG17_E_LIMIT, "depth 6 with cap 5 rejected");
    tap_int_eq(e.column, 10, "column of the offending bracket");
    tap_int_eq(e.position, 9, "position of the offending bracket");

    /* A cap above jansson's own limit is clamped, still rejecting the bomb. */
    sg17_json_limits big = {0, 100000, 0};
    memset(s, '[', n);
    rc = sg17_json_parse(s, 2 * n, &big, &v, &e);
    tap_int_eq(rc, SG17_E_LIMIT, "huge depth cap clamped to the hard maximum");
    free(s);
}

static void test_size_cap(void)
{
    sg17_json_limits lim = {16, 0, 0};
    json_t *v = (json_t *)1;
    sg17_json_error e;
    int rc = parse_str("[1,2,3,4,5,6,7,8]", &lim, &v, &e);
    tap_int_eq(rc, SG17_E_LIMIT, "17 bytes over a 16-byte cap -> LIMIT");
    tap_ok(strstr(e.text, "limit") != NULL, "text: %s", e.text);
    rc = parse_str("[1,2,3,4,5,6,78]", &lim, &v, &e);
    tap_int_eq(rc, 0, "16 bytes with a 16-byte cap accepted");
    json_decref(v);

    /* Huge input over the default cap: never handed to jansson. */
    size_t n = SG17_JSON_DEFAULT_MAX_BYTES + 1;
    char *s = malloc(n);
    if (s == NULL) {
        tap_ok(0, "malloc");
        return;
    }
    memset(s, ' ', n);
    s[0] = '[';
    s[n - 1] = ']';
    rc = sg17_json_parse(s, n, NULL, &v, &e);
    tap_int_eq(rc, SG17_E_LIMIT, "default cap + 1 -> LIMIT");
    free(s);
}

static void test_load_file(void)
{
    char path[] = "/tmp/sg17_json_test_XXXXXX";
    int fd = mkstemp(path);
    if (fd < 0) {
        tap_ok(0, "mkstemp");
        return;
    }
    const char body[] = "{\n  \"x\": [1,\n  2,,]\n}\n";
    ssize_t w = write(fd, body, sizeof body - 1);
    close(fd);
    tap_ok(w == (ssize_t)(sizeof body - 1), "wrote temp file");
    json_t *v = (json_t *)1;
    sg17_json_error e;
    int rc = sg17_json_load_file(path, NULL, &v, &e);
    tap_int_eq(rc, SG17_E_FORMAT, "malformed file rejected");
    tap_int_eq(e.line, 3, "error on line 3");
    tap_ok(strstr(e.text, path) != NULL, "text names the file: %s", e.text);

    sg17_json_limits lim = {8, 0, 0};
    rc = sg17_json_load_file(path, &lim, &v, &e);
    tap_int_eq(rc, SG17_E_LIMIT, "file over the cap -> LIMIT");

    FILE *f = fopen(path, "wb");
    if (f != NULL) {
        fputs("{\"ok\": [true]}", f);
        fclose(f);
    }
    rc = sg17_json_load_file(path, NULL, &v, &e);
    tap_int_eq(rc, 0, "valid file loads");
    tap_ok(json_is_array(json_object_get(v, "ok")), "content");
    json_decref(v);
    unlink(path);

    rc = sg17_json_load_file("/nonexistent/sg17.json", NULL, &v, &e);
    tap_int_eq(rc, SG17_E_IO, "missing file -> IO");
    tap_ok(strstr(e.text, "/nonexistent/sg17.json") != NULL, "text names the file");
}

int main(void)
{
    test_ok();
    test_rejections();
    test_depth_bomb();
    test_size_cap();
    test_load_file();
    return tap_done();
}
