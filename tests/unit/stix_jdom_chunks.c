/*
 * jdom parsing from a reader (sg17_jdoc_parse_reader: the text arrives in
 * pieces and is never held whole; what sg17_stix_doc_load uses). Every
 * document, valid or malformed, is parsed with every chunk size from 1 to 64
 * bytes (the reader gives at most that many bytes per call and the window
 * starts that small), plus larger ones, and must give exactly what the
 * in-place parse of the whole text gives: the same return code, the same
 * error (line, column, position, text) and the same DOM (values, member
 * order). Tokens straddle every boundary: escapes, surrogate pairs, 2-4 byte
 * UTF-8, numbers and literals at the end of the input. Also: the size cap as
 * the input arrives, and a reader's error returned as is.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jdom_internal.h"
#include "tap.h"

typedef struct src {
    const char *t;
    size_t n, off, max_call;
    int fail_at; /* >= 0: fail once this many bytes were given */
} src;

static int rd(void *ctx, char *dst, size_t cap, size_t *got)
{
    src *s = ctx;
    if (s->fail_at >= 0 && s->off >= (size_t)s->fail_at)
        return SG17_E_IO;
    size_t k = s->n - s->off;
    if (k > cap)
        k = cap;
    if (k > s->max_call)
        k = s->max_call;
    memcpy(dst, s->t + s->off, k);
    s->off += k;
    *got = k;
    return 0;
}

/* Same values and member order (iterative). */
static int same_dom(const sg17_jd *a, const sg17_jd *b)
{
    if (!sg17_jd_equal(a, b))
        return 0;
    size_t cap = 1024, sp = 0;
    const sg17_jd **st = malloc(cap * sizeof *st);
    int ok = st != NULL;
    if (ok) {
        st[sp++] = a;
        st[sp++] = b;
    }
    while (ok && sp) {
        const sg17_jd *y = st[--sp], *x = st[--sp];
        if (x->type != y->type || x->n != y->n) {
            ok = 0;
            break;
        }
        if (x->type == SG17_JD_STRING && memcmp(x->u.s, y->u.s, (size_t)x->n + 1) != 0)
            ok = 0;
        if (x->type != SG17_JD_OBJECT && x->type != SG17_JD_ARRAY)
            continue;
        size_t kids = (size_t)x->n * (x->type == SG17_JD_OBJECT ? 2U : 1U);
        if (sp + 2 * kids > cap) {
            while (sp + 2 * kids > cap)
                cap *= 2;
            const sg17_jd **ns = realloc(st, cap * sizeof *st);
            if (!ns) {
                ok = 0;
                break;
            }
            st = ns;
        }
        for (size_t i = 0; i < kids; i++) {
            st[sp++] = &x->u.kids[i];
            st[sp++] = &y->u.kids[i];
        }
    }
    free(st);
    return ok;
}

static size_t n_checked, n_bad;

/* In-place parse of text vs reader parses with chunk sizes 1..64 and some larger. */
static void check(const char *what, const char *text, size_t n, unsigned flags)
{
    sg17_json_limits lim = {(size_t)64 << 20, 0, flags};
    char *buf = malloc(n ? n : 1);
    if (!buf)
        exit(1);
    memcpy(buf, text, n);
    sg17_jdoc *d0 = NULL;
    sg17_json_error e0;
    int rc0 = sg17_jdoc_parse(buf, n, &lim, &d0, &e0);
    static const size_t big[] = {65, 100, 127, 4096, 65536};
    size_t bad = 0;
    for (size_t i = 0; i < 64 + sizeof big / sizeof big[0]; i++) {
        size_t chunk = i < 64 ? i + 1 : big[i - 64];
        src s = {text, n, 0, chunk, -1};
        sg17_jdoc *d = NULL;
        sg17_json_error e;
        int rc = sg17_jdoc_parse_reader(rd, &s, chunk, &lim, &d, &e);
        int same = rc == rc0;
        if (same && rc == 0)
            same = same_dom(sg17_jdoc_root(d), sg17_jdoc_root(d0));
        else if (same)
            same = e.line == e0.line && e.column == e0.column && e.position == e0.position &&
                   strcmp(e.text, e0.text) == 0 && d == NULL;
        if (!same && bad++ == 0)
            tap_diag("%s, chunk %zu: rc %d/%d, error '%s' (line %d col %d pos %zu) vs '%s' (line "
                     "%d col %d pos %zu)",
                     what, chunk, rc, rc0, rc ? e.text : "", e.line, e.column, e.position,
                     rc0 ? e0.text : "", e0.line, e0.column, e0.position);
        sg17_jdoc_free(d);
    }
    n_checked++;
    n_bad += bad != 0;
    sg17_jdoc_free(d0);
    free(buf);
}

static void checks(const char *what, const char *text, unsigned flags)
{
    check(what, text, strlen(text), flags);
}

static unsigned rnd(unsigned n)
{
    return (unsigned)(tap_rand_u64() % n);
}

int main(void)
{
    static const char *valid[] = {
        "{}",
        "[]",
        " \n\t[ ]\r\n",
        "[1,-0,0.5,-1.25e-7,1E+2,9223372036854775807,-9223372036854775808]",
        "{\"a\":\"\\u00e9\\u20ac\\uD83D\\uDE00\\n\\t\\\\\\\"\\/\",\"b\":[true,false,null]}",
        "[\"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\",\"\\udbff\\udfff\",\"\\u0041\\u0042\"]",
        "{\"type\":\"bundle\",\"id\":\"bundle--44af6c39-c09b-49c5-9de2-394224b04982\",\"objects\":["
        "{\"type\":\"identity\",\"spec_version\":\"2.1\",\"name\":\"n\\u00e9\"}]}",
        "[[[[[[[[[[[[[[[[[[[[\"deep\"]]]]]]]]]]]]]]]]]]]]",
        "{\"k1\":1,\"k2\":2,\"k3\":3,\"k4\":4,\"k5\":5,\"k6\":6,\"k7\":7,\"k8\":8,\"k9\":9,\"k10\":"
        "10,\"k11\":11,\"k12\":12,\"k13\":13,\"k14\":14}",
        "[1e308,123456789012345678,0.000001,-0.0,12345678901234567890.5]",
        "[\"a long string that certainly spans several of the small chunks used here, with a "
        "\\\"quote\\\" and an escape \\\\ at the end\\\\\"]",
    };
    for (size_t i = 0; i < sizeof valid / sizeof valid[0]; i++) {
        char what[32];
        snprintf(what, sizeof what, "valid %zu", i);
        checks(what, valid[i], 0);
    }
    static const char *any[] = {"true",  "false",
                                "null",  "1",
                                "-12",   "1.5e3",
                                "\"s\"", "\"\\uD83D\\uDE00\"",
                                " 0 ",   "\"\xf0\x9f\x98\x80\""};
    for (size_t i = 0; i < sizeof any / sizeof any[0]; i++) {
        char what[32];
        snprintf(what, sizeof what, "scalar %zu", i);
        checks(what, any[i], SG17_JSON_DECODE_ANY);
    }
    static const char *bad[] = {
        "",
        " ",
        "[",
        "{",
        "{\"a\"",
        "{\"a\":",
        "{\"a\":1",
        "[1,",
        "[1,]",
        "{\"a\":1,}",
        "[\"abc",
        "[\"a\\",
        "[\"a\\u12",
        "[\"\\uD83D\"]",
        "[\"\\uD83D\\u0041\"]",
        "[\"\\uDE00\"]",
        "[\"\\u0000\"]",
        "[\"\\x\"]",
        "[\"\xc0\xaf\"]",
        "[\"\xed\xa0\x80\"]",
        "[\"\xf0\x9f\x98\"]",
        "[\"\xf4\x90\x80\x80\"]",
        "[\"\x01\"]",
        "[01]",
        "[-]",
        "[1.]",
        "[1e]",
        "[1e+]",
        "[tru]",
        "[nul]",
        "[falsey]",
        "[1e999]",
        "[99999999999999999999]",
        "{\"a\":1,\"a\":2}",
        "[1] x",
        "[1]]",
        "{\"a\" 1}",
        "{1:2}",
        "[1 2]",
        "\n\n  [\n  \"x\",\n  \xff]",
        "true",
        "1",
        "[\"\xc3\xa9\",\n\"\xe2\x82\xac\", \"\x02\"]",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char what[32];
        snprintf(what, sizeof what, "malformed %zu", i);
        checks(what, bad[i], 0);
    }
    /* nesting at and beyond the cap */
    {
        char deep[600];
        memset(deep, '[', 300);
        memset(deep + 300, ']', 300);
        check("nesting 300 (cap 512)", deep, 600, 0);
        sg17_json_limits lim = {0, 40, 0};
        src s = {deep, 600, 0, 7, -1};
        sg17_jdoc *d = NULL;
        sg17_json_error e;
        tap_int_eq(sg17_jdoc_parse_reader(rd, &s, 7, &lim, &d, &e), SG17_E_LIMIT,
                   "reader: depth cap 40");
    }
    /* generated documents with random pieces */
    tap_rand_seed(7);
    static const char *pieces[] = {"{",
                                   "}",
                                   "[",
                                   "]",
                                   ",",
                                   ":",
                                   "\"k\"",
                                   "\"\\u00e9\"",
                                   "\"\\uD83D\\uDE00\"",
                                   "\"\xf0\x9f\x98\x80\"",
                                   "1",
                                   "-2.5e3",
                                   "true",
                                   "null",
                                   " ",
                                   "\n",
                                   "\"a\\\"b\"",
                                   "{\"x\":[1,2,{\"y\":\"z\"}]}",
                                   "\"\\",
                                   "\xc3",
                                   "0"};
    for (int t = 0; t < 300; t++) {
        char doc[512];
        size_t n = 0;
        unsigned np = 1 + rnd(40);
        for (unsigned i = 0; i < np; i++) {
            const char *p = pieces[rnd(sizeof pieces / sizeof pieces[0])];
            size_t l = strlen(p);
            if (n + l < sizeof doc) {
                memcpy(doc + n, p, l);
                n += l;
            }
        }
        char what[32];
        snprintf(what, sizeof what, "random %d", t);
        check(what, doc, n, (t & 1) ? SG17_JSON_DECODE_ANY : 0);
    }
    tap_ok(
        n_bad == 0,
        "%zu documents x 69 chunk sizes: reader parse identical to the in-place parse (%zu differ)",
        n_checked, n_bad);

    /* a reader's error is returned; the size cap applies as the text arrives */
    {
        const char *t = "{\"a\":[1,2,3,4,5,6,7,8,9,10]}";
        src s = {t, strlen(t), 0, 4, 12};
        sg17_jdoc *d = NULL;
        sg17_json_error e;
        tap_int_eq(sg17_jdoc_parse_reader(rd, &s, 4, NULL, &d, &e), SG17_E_IO,
                   "reader error returned");
        tap_ok(d == NULL, "no document on a reader error");
        sg17_json_limits lim = {10, 0, 0};
        src s2 = {t, strlen(t), 0, 4, -1};
        tap_int_eq(sg17_jdoc_parse_reader(rd, &s2, 4, &lim, &d, &e), SG17_E_LIMIT,
                   "size cap as the text arrives");
        tap_ok(strstr(e.text, "10-byte limit") != NULL, "size cap message: %s", e.text);
        lim.max_bytes = strlen(t);
        src s3 = {t, strlen(t), 0, 4, -1};
        int rc = sg17_jdoc_parse_reader(rd, &s3, 4, &lim, &d, &e);
        tap_ok(rc == 0 && d && jd_len(jd_get(sg17_jdoc_root(d), "a")) == 10,
               "exactly at the cap: parsed");
        sg17_jdoc_free(d);
    }
    return tap_done();
}
