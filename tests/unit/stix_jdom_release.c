/*
 * jdom with SG17_JDOC_RELEASE (sg17_stix_doc's parse: pages of consumed text
 * go back to the system while parsing). Large generated documents (escapes,
 * surrogate pairs, raw UTF-8, numbers, long strings crossing many pages, deep
 * and wide containers, runs of whitespace) are parsed with release steps from
 * one byte to the default and must give exactly the DOM of the plain parse
 * and of jansson, with the same packed-string length; malformed documents
 * give the same error (code, line, column, position, text); and the dead
 * pages really leave memory (mincore), while the plain parse keeps them.
 * Deterministic seed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "jdom_internal.h"
#include "tap.h"

typedef struct sbuf {
    char *b;
    size_t n, cap;
} sbuf;

static void put(sbuf *s, const char *t)
{
    size_t l = strlen(t);
    if (s->n + l + 1 > s->cap) {
        size_t nc = s->cap ? s->cap * 2 : 4096;
        while (nc < s->n + l + 1)
            nc *= 2;
        char *nb = realloc(s->b, nc);
        if (!nb) {
            tap_diag("out of memory");
            exit(1);
        }
        s->b = nb;
        s->cap = nc;
    }
    memcpy(s->b + s->n, t, l);
    s->n += l;
    s->b[s->n] = '\0';
}

static unsigned rnd(unsigned n)
{
    return (unsigned)(tap_rand_u64() % n);
}

static void gen_string(sbuf *s, unsigned pieces)
{
    static const char *p[] = {"a",
                              "id",
                              "attack-pattern--",
                              " ",
                              "\\n",
                              "\\\"",
                              "\\\\",
                              "\\/",
                              "\\t",
                              "\\u0041",
                              "\\u00e9",
                              "\\u20ac",
                              "\\uD83D\\uDE00",
                              "\xc3\xa9",
                              "\xe2\x82\xac",
                              "\xf0\x9f\x98\x80",
                              "0123456789abcdef"};
    put(s, "\"");
    for (unsigned i = 0; i < pieces; i++)
        put(s, p[rnd(sizeof p / sizeof p[0])]);
    put(s, "\"");
}

static void ws(sbuf *s)
{
    static const char *w[] = {"", " ", "\n", "\n        ", "\r\n\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t"};
    put(s, w[rnd(5)]);
}

/* A bundle-like document of about `target` bytes. */
static void gen_doc(sbuf *s, size_t target, int long_strings)
{
    char num[64];
    put(s, "{\"type\":\"bundle\",\"objects\":[");
    for (unsigned k = 0; s->n < target; k++) {
        if (k)
            put(s, ",");
        ws(s);
        put(s, "{\"n\":");
        snprintf(num, sizeof num, "%u", k);
        put(s, num);
        unsigned members = 1 + rnd(12);
        for (unsigned m = 0; m < members; m++) {
            put(s, ",");
            ws(s);
            snprintf(num, sizeof num, "\"k%u\":", m);
            put(s, num);
            ws(s);
            switch (rnd(7)) {
            case 0: gen_string(s, long_strings && rnd(8) == 0 ? 3000 + rnd(3000) : rnd(20)); break;
            case 1:
                snprintf(num, sizeof num, "%lld",
                         (long long)(tap_rand_u64() >> rnd(64)) * (rnd(2) ? -1 : 1));
                put(s, num);
                break;
            case 2:
                snprintf(num, sizeof num, "%.17g", (double)rnd(1000000) / 7.0);
                put(s, num);
                break;
            case 3: put(s, rnd(2) ? "true" : "null"); break;
            case 4: put(s, "[[[[[[[[\"deep\"]]]]]]]]"); break;
            case 5: put(s, "[]"); break;
            default:
                put(s, "[");
                for (unsigned e = 0, ne = rnd(30); e < ne; e++) {
                    if (e)
                        put(s, ",");
                    gen_string(s, rnd(4));
                }
                put(s, "]");
            }
        }
        put(s, "}");
    }
    ws(s);
    put(s, "]}");
}

static char *dup_text(const char *t, size_t n)
{
    char *b = malloc(n ? n : 1);
    if (!b) {
        tap_diag("out of memory");
        exit(1);
    }
    memcpy(b, t, n);
    return b;
}

/* Resident pages among the whole pages of [p, p + n). */
static size_t resident_pages(const char *p, size_t n, size_t *total)
{
    size_t pg = (size_t)sysconf(_SC_PAGESIZE);
    uintptr_t lo = ((uintptr_t)p + pg - 1) & ~(uintptr_t)(pg - 1);
    uintptr_t hi = ((uintptr_t)p + n) & ~(uintptr_t)(pg - 1);
    *total = 0;
    if (hi <= lo)
        return 0;
    size_t np = (hi - lo) / pg, res = 0;
    unsigned char *vec = malloc(np);
    if (!vec || mincore((void *)lo, hi - lo, vec) != 0) {
        free(vec);
        return (size_t)-1;
    }
    for (size_t i = 0; i < np; i++)
        res += vec[i] & 1U;
    free(vec);
    *total = np;
    return res;
}

static void check_doc(const char *what, const sbuf *s)
{
    static const size_t steps[] = {1, 7, 4096, 5000, 65536, 0};
    sg17_json_limits lim = {(size_t)64 << 20, 0, 0};
    char *plain = dup_text(s->b, s->n);
    sg17_jdoc *d0 = NULL;
    json_t *j = NULL;
    sg17_jdoc *dj = NULL;
    int rc0 = sg17_jdoc_parse(plain, s->n, &lim, &d0, NULL);
    int ok = rc0 == 0 && sg17_json_parse(s->b, s->n, &lim, &j, NULL) == 0 &&
             sg17_jdoc_from_jansson(j, &dj) == 0 &&
             sg17_jd_equal(sg17_jdoc_root(d0), sg17_jdoc_root(dj));
    tap_ok(ok, "%s (%zu bytes): plain parse equals jansson", what, s->n);
    for (size_t i = 0; rc0 == 0 && i < sizeof steps / sizeof steps[0]; i++) {
        char *buf = dup_text(s->b, s->n);
        sg17_jdoc *d = NULL;
        int rc = sg17_jdoc_parse_ex(buf, s->n, &lim, SG17_JDOC_RELEASE, steps[i], &d, NULL);
        tap_ok(rc == 0 && sg17_jd_equal(sg17_jdoc_root(d), sg17_jdoc_root(d0)) &&
                   sg17_jd_equal(sg17_jdoc_root(d), sg17_jdoc_root(dj)) &&
                   sg17_jdoc_text_used(d) == sg17_jdoc_text_used(d0) &&
                   memcmp(buf, plain, sg17_jdoc_text_used(d0)) == 0,
               "%s: release step %zu gives the same DOM and packed strings", what, steps[i]);
        sg17_jdoc_free(d);
        free(buf);
    }
    sg17_jdoc_free(dj);
    json_decref(j);
    sg17_jdoc_free(d0);
    free(plain);
}

static void check_error(const char *what, const sbuf *s)
{
    sg17_json_limits lim = {(size_t)64 << 20, 0, 0};
    char *a = dup_text(s->b, s->n), *b = dup_text(s->b, s->n);
    sg17_jdoc *da = NULL, *db = NULL;
    sg17_json_error ea, eb;
    int ra = sg17_jdoc_parse(a, s->n, &lim, &da, &ea);
    int rb = sg17_jdoc_parse_ex(b, s->n, &lim, SG17_JDOC_RELEASE, 1, &db, &eb);
    tap_ok(ra != 0 && ra == rb && ea.line == eb.line && ea.column == eb.column &&
               ea.position == eb.position && strcmp(ea.text, eb.text) == 0 && !da && !db,
           "%s: same error with release (rc %d, line %d, column %d, position %zu: %s)", what, rb,
           eb.line, eb.column, eb.position, eb.text);
    sg17_jdoc_free(da);
    sg17_jdoc_free(db);
    free(a);
    free(b);
}

int main(void)
{
    tap_rand_seed(20261127);
    for (int t = 0; t < 4; t++) {
        sbuf s = {0};
        gen_doc(&s, (size_t)(256 << 10) << t, t & 1);
        char what[32];
        snprintf(what, sizeof what, "document %d", t);
        check_doc(what, &s);
        free(s.b);
    }

    /* malformed after a large valid prefix: errors at several depths and kinds */
    static const char *tails[] = {"\"bad\\x\"",   "\"\\uD800x\"",      "01",    "tru",
                                  "\"\xc0\xaf\"", "{\"a\":1,\"a\":2}", "\"open"};
    for (size_t i = 0; i < sizeof tails / sizeof tails[0]; i++) {
        sbuf s = {0};
        gen_doc(&s, 300000, 1);
        s.n -= 2; /* drop "]}" */
        put(&s, ",\n");
        put(&s, tails[i]);
        put(&s, "]}");
        char what[48];
        snprintf(what, sizeof what, "malformed tail %zu", i);
        check_error(what, &s);
        free(s.b);
    }

    /* the dead text leaves memory with release, stays without */
    {
        sbuf s = {0};
        gen_doc(&s, (size_t)4 << 20, 0);
        sg17_json_limits lim = {(size_t)64 << 20, 0, 0};
        char *a = dup_text(s.b, s.n), *b = dup_text(s.b, s.n);
        sg17_jdoc *da = NULL, *db = NULL;
        int ok = sg17_jdoc_parse(a, s.n, &lim, &da, NULL) == 0 &&
                 sg17_jdoc_parse_ex(b, s.n, &lim, SG17_JDOC_RELEASE, 0, &db, NULL) == 0;
        size_t used = ok ? sg17_jdoc_text_used(db) : 0, ta = 0, tb = 0;
        size_t ra = ok ? resident_pages(a + used, s.n - used, &ta) : 0;
        size_t rb = ok ? resident_pages(b + used, s.n - used, &tb) : 0;
        tap_ok(ok && tb > 100 && ra * 2 > ta && rb != (size_t)-1 && rb * 4 < tb,
               "release: %zu of %zu dead pages still resident (plain parse: %zu of %zu)", rb, tb,
               ra, ta);
        sg17_jdoc_free(da);
        sg17_jdoc_free(db);
        free(a);
        free(b);
        free(s.b);
    }
    return tap_done();
}
