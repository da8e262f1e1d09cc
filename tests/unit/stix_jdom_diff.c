/*
 * Differential test of jdom (the STIX fast-path parser) against
 * sg17_json_parse (jansson, duplicate keys rejected): random JSON documents
 * (nesting, escapes, surrogates valid and broken, raw UTF-8 valid and broken,
 * numbers at the edges of the grammar and of int64/double range, duplicate
 * keys) and byte-level mutations of them (flip, insert, delete, duplicate,
 * truncate). Both parsers must give the same verdict and, when they accept,
 * the same values in the same member order. Each input is also parsed from a
 * reader in pieces of 1..64 bytes (sg17_jdoc_parse_reader): same verdict,
 * values and error position as the in-place parse. Deterministic seed.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jdom_internal.h"
#include "tap.h"

#define MAXDOC 4096

typedef struct gen {
    char b[MAXDOC];
    size_t n;
} gen;

static unsigned rnd(unsigned n)
{
    return (unsigned)(tap_rand_u64() % n);
}

static void put(gen *g, const char *s)
{
    size_t l = strlen(s);
    if (g->n + l < MAXDOC) {
        memcpy(g->b + g->n, s, l);
        g->n += l;
    }
}

static void ws(gen *g)
{
    static const char *w[] = {"", "", "", " ", "\n", "\t ", "\r\n  "};
    put(g, w[rnd(7)]);
}

static void gen_string(gen *g)
{
    static const char *pieces[] = {
        "a", "key", "id", "type", " ", "\\n", "\\\"", "\\\\", "\\/", "\\t", "\\b", "\\f", "\\r",
        "\\u0041", "\\u00e9", "\\u20ac", "\\uD83D\\uDE00", "\\udbff\\udfff", "\xc3\xa9",
        "\xe2\x82\xac", "\xf0\x9f\x98\x80", "\x7f", "0123456789abcdef", "ABCDEFGHIJKLMNOPQRSTUVWXYZ",
        /* rare invalid pieces */
        "\\uD800", "\\uDC00", "\\u0000", "\\x", "\xc0\xaf", "\xed\xa0\x80", "\x01", "\xff",
    };
    put(g, "\"");
    unsigned n = rnd(6);
    for (unsigned i = 0; i < n; i++) {
        unsigned k = rnd(1000) < 995 ? rnd(24) : 24 + rnd(8);
        put(g, pieces[k]);
    }
    put(g, "\"");
}

static void gen_number(gen *g)
{
    static const char *nums[] = {
        "0", "-0", "1", "-1", "42", "123456789", "9223372036854775807", "-9223372036854775808",
        "1.5", "-0.0", "0.1", "1e10", "1E-5", "2.5e+3", "1e308", "4.9e-324", "1e-400",
        "123456789012345678901234567890.5", "0.30000000000000004",
        /* rare invalid ones */
        "9223372036854775808", "-9223372036854775809", "1e400", "01", "1.", ".5", "+1", "-", "1e",
    };
    put(g, nums[rnd(1000) < 990 ? rnd(19) : 19 + rnd(9)]);
}

static void gen_value(gen *g, int depth)
{
    unsigned k = rnd(depth > 5 ? 6 : 10);
    switch (k) {
    case 0: put(g, "true"); break;
    case 1: put(g, "false"); break;
    case 2: put(g, "null"); break;
    case 3:
    case 4: gen_number(g); break;
    case 5: gen_string(g); break;
    case 6:
    case 7: {
        put(g, "[");
        ws(g);
        unsigned n = rnd(6);
        for (unsigned i = 0; i < n; i++) {
            if (i)
                put(g, ",");
            ws(g);
            gen_value(g, depth + 1);
            ws(g);
        }
        put(g, "]");
        break;
    }
    default: {
        put(g, "{");
        unsigned n = rnd(depth < 2 ? 20 : 6);
        for (unsigned i = 0; i < n; i++) {
            if (i)
                put(g, ",");
            ws(g);
            if (rnd(40) == 0) {
                put(g, "\"dup\""); /* sometimes a duplicate key */
            } else {
                char key[32];
                snprintf(key, sizeof key, "\"k%u%s\"", rnd(1000), rnd(8) == 0 ? "\\u00e9" : "");
                put(g, key);
            }
            ws(g);
            put(g, ":");
            ws(g);
            gen_value(g, depth + 1);
        }
        put(g, "}");
        break;
    }
    }
}

static void mutate(gen *g)
{
    static const char interesting[] = "{}[]\",:\\0-.eE+ \n\x01\x80\xc3\xff" "tfnu";
    unsigned m = rnd(6);
    size_t pos = g->n ? rnd((unsigned)g->n) : 0;
    switch (m) {
    case 0:
        if (g->n)
            g->b[pos] = (char)(g->b[pos] ^ (1 << rnd(8)));
        break;
    case 1:
        if (g->n + 1 < MAXDOC) {
            memmove(g->b + pos + 1, g->b + pos, g->n - pos);
            g->b[pos] = interesting[rnd(sizeof interesting - 1)];
            g->n++;
        }
        break;
    case 2:
        if (g->n) {
            memmove(g->b + pos, g->b + pos + 1, g->n - pos - 1);
            g->n--;
        }
        break;
    case 3: {
        size_t len = rnd(8) + 1;
        if (pos + len <= g->n && g->n + len < MAXDOC) {
            memmove(g->b + pos + len, g->b + pos, g->n - pos);
            g->n += len;
        }
        break;
    }
    case 4: g->n = pos; break;
    default:
        if (g->n)
            g->b[pos] = interesting[rnd(sizeof interesting - 1)];
        break;
    }
}

/* Same values, same member order (iterative; depth is capped by the parse). */
static int same(const json_t *j, const sg17_jd *d, char *why, size_t whylen)
{
    const json_t *js[4096];
    const sg17_jd *ds[4096];
    size_t sp = 0;
    js[sp] = j;
    ds[sp++] = d;
    while (sp) {
        sp--;
        const json_t *a = js[sp];
        const sg17_jd *b = ds[sp];
        switch (json_typeof(a)) {
        case JSON_OBJECT: {
            if (b->type != SG17_JD_OBJECT || b->n != json_object_size(a)) {
                snprintf(why, whylen, "object size/type");
                return 0;
            }
            size_t i = 0;
            const char *k;
            json_t *v;
            json_object_foreach((json_t *)(uintptr_t)a, k, v) {
                const sg17_jd *kk = &b->u.kids[2 * i];
                if (kk->n != strlen(k) || memcmp(kk->u.s, k, kk->n) != 0) {
                    snprintf(why, whylen, "key %zu differs", i);
                    return 0;
                }
                if (sp >= 4096)
                    return 0;
                js[sp] = v;
                ds[sp++] = &b->u.kids[2 * i + 1];
                i++;
            }
            break;
        }
        case JSON_ARRAY:
            if (b->type != SG17_JD_ARRAY || b->n != json_array_size(a)) {
                snprintf(why, whylen, "array size/type");
                return 0;
            }
            for (size_t i = 0; i < b->n; i++) {
                if (sp >= 4096)
                    return 0;
                js[sp] = json_array_get(a, i);
                ds[sp++] = &b->u.kids[i];
            }
            break;
        case JSON_STRING:
            if (b->type != SG17_JD_STRING || b->n != json_string_length(a) ||
                memcmp(b->u.s, json_string_value(a), b->n) != 0 || b->u.s[b->n] != '\0') {
                snprintf(why, whylen, "string differs");
                return 0;
            }
            break;
        case JSON_INTEGER:
            if (b->type != SG17_JD_INT || b->u.i != (int64_t)json_integer_value(a)) {
                snprintf(why, whylen, "integer differs");
                return 0;
            }
            break;
        case JSON_REAL: {
            double x = json_real_value(a);
            if (b->type != SG17_JD_REAL || memcmp(&x, &b->u.d, sizeof x) != 0) {
                snprintf(why, whylen, "real differs");
                return 0;
            }
            break;
        }
        case JSON_TRUE: if (b->type != SG17_JD_TRUE) return 0; break;
        case JSON_FALSE: if (b->type != SG17_JD_FALSE) return 0; break;
        default: if (b->type != SG17_JD_NULL) return 0; break;
        }
    }
    return 1;
}

static size_t n_total, n_accept, n_disagree, n_value, n_reader;

typedef struct rsrc {
    const char *t;
    size_t n, off, max_call;
} rsrc;

static int rd(void *ctx, char *dst, size_t cap, size_t *got)
{
    rsrc *s = ctx;
    size_t k = s->n - s->off;
    k = k < cap ? k : cap;
    k = k < s->max_call ? k : s->max_call;
    memcpy(dst, s->t + s->off, k);
    s->off += k;
    *got = k;
    return 0;
}

static void check(const gen *g, const sg17_json_limits *lim)
{
    char copy[MAXDOC];
    memcpy(copy, g->b, g->n);
    sg17_jdoc *d = NULL;
    json_t *j = NULL;
    int rc = sg17_jdoc_parse(copy, g->n, lim, &d, NULL);
    int jrc = sg17_json_parse(g->b, g->n, lim, &j, NULL);
    n_total++;
    if ((rc == 0) != (jrc == 0)) {
        if (n_disagree++ < 5)
            tap_diag("verdicts differ (jdom %d, jansson %d) on: %.*s", rc, jrc, (int)g->n, g->b);
    } else if (rc == 0) {
        char why[64] = "";
        n_accept++;
        if (!same(j, sg17_jdoc_root(d), why, sizeof why) && n_value++ < 5)
            tap_diag("values differ (%s) on: %.*s", why, (int)g->n, g->b);
    }
    /* the same text arriving in pieces of 1..64 bytes: the same verdict, the
     * same values as jansson, the same error position as the in-place parse */
    size_t chunk = 1 + rnd(64);
    rsrc s = {g->b, g->n, 0, chunk};
    sg17_jdoc *r = NULL;
    sg17_json_error e, e0;
    char copy2[MAXDOC];
    memcpy(copy2, g->b, g->n);
    sg17_jdoc *d2 = NULL;
    int rc2 = sg17_jdoc_parse(copy2, g->n, lim, &d2, &e0);
    int rrc = sg17_jdoc_parse_reader(rd, &s, chunk, lim, &r, &e);
    char why[64] = "";
    if (rrc != rc2 || (rrc == 0 && j && !same(j, sg17_jdoc_root(r), why, sizeof why)) ||
        (rrc != 0 && (e.position != e0.position || e.line != e0.line || e.column != e0.column))) {
        if (n_reader++ < 5)
            tap_diag("reader (chunk %zu) differs (rc %d vs %d, %s, pos %zu vs %zu) on: %.*s", chunk, rrc,
                     rc2, why, e.position, e0.position, (int)g->n, g->b);
    }
    sg17_jdoc_free(r);
    sg17_jdoc_free(d2);
    sg17_jdoc_free(d);
    json_decref(j);
}

int main(void)
{
    tap_rand_seed(0x5717d0c);
    sg17_json_limits lim = {0, 0, 0};
    sg17_json_limits any = {0, 0, SG17_JSON_DECODE_ANY};
    for (int it = 0; it < 20000; it++) {
        gen g;
        g.n = 0;
        ws(&g);
        gen_value(&g, it % 3 == 0 ? 0 : 1);
        ws(&g);
        const sg17_json_limits *l = it % 4 == 0 ? &any : &lim;
        check(&g, l);
        for (int m = 0; m < 8; m++) {
            gen h = g;
            unsigned nm = 1 + rnd(3);
            for (unsigned k = 0; k < nm; k++)
                mutate(&h);
            check(&h, l);
        }
    }
    tap_diag("%zu inputs, %zu accepted by both", n_total, n_accept);
    tap_ok(n_disagree == 0, "same accept/reject on %zu inputs (%zu disagree)", n_total, n_disagree);
    tap_ok(n_value == 0, "same values on the %zu accepted (%zu differ)", n_accept, n_value);
    tap_ok(n_reader == 0, "parsing from a reader in pieces of 1..64 bytes: same verdict, values and "
                          "error positions on %zu inputs (%zu differ)", n_total, n_reader);
    /* the generator exercises both outcomes substantially */
    tap_ok(n_accept > n_total / 20 && n_accept < n_total / 2,
           "both verdicts well represented (%zu of %zu accepted)", n_accept, n_total);
    return tap_done();
}
