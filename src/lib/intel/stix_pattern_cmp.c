/*
 * STIX 2.1 Patterning (CS02 section 9.4): evaluation of comparison
 * expressions (object paths, comparison operators) over one observation.
 */
#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stix_internal.h"
#include "stix_pattern_internal.h"

static void eerr(ectx *E, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void eerr(ectx *E, const char *fmt, ...)
{
    if (E->error)
        return;
    E->error = 1;
    if (!E->err || !E->errlen)
        return;
    va_list ap;
    va_start(ap, fmt);
    /* NOLINTNEXTLINE(clang-analyzer-valist.Uninitialized): started above (tidy 14 FP) */
    vsnprintf(E->err, E->errlen, fmt, ap);
    va_end(ap);
}

static const json_t *resolve(ectx *E, const char *id)
{
    if (E->cur->scope) {
        const json_t *o = json_object_get(E->cur->scope, id);
        if (o)
            return o;
    }
    return json_object_get(E->O->ids, id);
}

/* Walk steps from value v at step si; append results. Iterative over a small
 * explicit stack of (value, step index, key). */
static void walk(ectx *E, const node *n, const json_t *root, vals *out)
{
    struct fr {
        const json_t *v;
        size_t si;
        const char *key;
    } st[256];
    size_t sp = 0;
    st[sp++] = (struct fr){root, 0, NULL};
    while (sp) {
        struct fr f = st[--sp];
        if (f.si == n->nsteps) {
            if (out->n < MAXVALS) {
                out->v[out->n] = f.v;
                out->key[out->n] = f.key;
                out->n++;
            }
            continue;
        }
        const step *s = &n->steps[f.si];
        const json_t *v = f.v;
        if (s->k == ST_KEY) {
            if (json_is_string(v) && f.key && (strstr(f.key, "_ref"))) {
                v = resolve(E, json_string_value(v));
                if (!v)
                    continue;
            }
            if (!json_is_object(v))
                continue;
            const json_t *c = json_object_get(v, s->key);
            if (c && sp < 256)
                st[sp++] = (struct fr){c, f.si + 1, s->key};
        } else if (s->k == ST_INDEX) {
            if (!json_is_array(v))
                continue;
            long idx = s->idx;
            long sz = (long)json_array_size(v);
            if (idx < 0)
                idx += sz;
            if (idx < 0 || idx >= sz)
                continue;
            if (sp < 256)
                st[sp++] = (struct fr){json_array_get(v, (size_t)idx), f.si + 1, f.key};
        } else {
            if (json_is_array(v)) {
                size_t sz = json_array_size(v);
                for (size_t i = sz; i-- > 0;)
                    if (sp < 256)
                        st[sp++] = (struct fr){json_array_get(v, i), f.si + 1, f.key};
            } else if (json_is_object(v)) {
                const char *k;
                const json_t *c;
                json_object_foreach(stix_unconst(v), k, c) if (sp < 256)
                    st[sp++] = (struct fr){c, f.si + 1, f.key};
            }
        }
    }
}

static int numcmp(double a, double b)
{
    return a < b ? -1 : a > b;
}

/* bytes of a string property: _hex / _bin decoded, else UTF-8 */
static int prop_bytes(const char *key, const json_t *v, char **buf, size_t *len, int *alloc)
{
    const char *s = json_string_value(v);
    size_t n = json_string_length(v);
    *alloc = 0;
    size_t kl = key ? strlen(key) : 0;
    if (kl > 4 && strcmp(key + kl - 4, "_hex") == 0) {
        if (n % 2)
            return -1;
        char *o = malloc(n / 2 + 1);
        if (!o)
            return -1;
        for (size_t i = 0; i < n / 2; i++) {
            int h = stix_pat_hexv((unsigned char)s[2 * i]), l = stix_pat_hexv((unsigned char)s[2 * i + 1]);
            if (h < 0 || l < 0) {
                free(o);
                return -1;
            }
            o[i] = (char)(h * 16 + l);
        }
        *buf = o;
        *len = n / 2;
        *alloc = 1;
        return 0;
    }
    if (kl > 4 && strcmp(key + kl - 4, "_bin") == 0) {
        if (stix_pat_b64_decode(s, n, buf, len))
            return -1;
        *alloc = 1;
        return 0;
    }
    *buf = (char *)(uintptr_t)s;
    *len = n;
    return 0;
}

/* UTF-8 text to bytes when every code point is below 256 (binary view of a
 * string); -1 otherwise. */
static int utf8_to_latin1(const char *s, size_t n, char **out, size_t *olen)
{
    char *o = malloc(n + 1);
    if (!o)
        return -1;
    size_t k = 0;
    for (size_t i = 0; i < n;) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x80) {
            o[k++] = (char)c;
            i++;
        } else if ((c & 0xe0) == 0xc0 && i + 1 < n && c <= 0xc3) {
            o[k++] = (char)(((c & 0x1f) << 6) | ((unsigned char)s[i + 1] & 0x3f));
            i += 2;
        } else {
            free(o);
            return -1;
        }
    }
    *out = o;
    *olen = k;
    return 0;
}

/* bytes to UTF-8 text, one code point per byte */
static char *latin1_to_utf8(const char *b, size_t n, size_t *olen)
{
    char *o = malloc(2 * n + 1);
    if (!o)
        return NULL;
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)b[i];
        if (c < 0x80) {
            o[k++] = (char)c;
        } else {
            o[k++] = (char)(0xc0 | (c >> 6));
            o[k++] = (char)(0x80 | (c & 0x3f));
        }
    }
    o[k] = '\0';
    *olen = k;
    return o;
}

static int is_binprop(const char *key)
{
    size_t kl = key ? strlen(key) : 0;
    return kl > 4 && (strcmp(key + kl - 4, "_hex") == 0 || strcmp(key + kl - 4, "_bin") == 0);
}

static int bytescmp(const char *a, size_t an, const char *b, size_t bn)
{
    size_t m = an < bn ? an : bn;
    int c = memcmp(a, b, m);
    if (c)
        return c < 0 ? -1 : 1;
    return an < bn ? -1 : an > bn;
}

/* Compare value with literal: sets *cmp; returns 1 comparable, 0 not comparable, -1 error. */
static int compare(ectx *E, const json_t *v, const char *key, const lit *l, int *cmp)
{
    switch (l->k) {
    case L_INT:
        if (json_is_integer(v)) {
            json_int_t x = json_integer_value(v);
            *cmp = x < l->i ? -1 : x > l->i;
            return 1;
        }
        if (json_is_real(v)) {
            *cmp = numcmp(json_real_value(v), (double)l->i);
            return 1;
        }
        return 0;
    case L_FLOAT:
        if (json_is_number(v)) {
            *cmp = numcmp(json_number_value(v), l->f);
            return 1;
        }
        return 0;
    case L_STR:
        if (json_is_string(v)) {
            if (is_binprop(key)) {
                char *b, *lb;
                size_t bl, lbl;
                int al;
                if (utf8_to_latin1(l->s, l->slen, &lb, &lbl))
                    return 0;
                if (prop_bytes(key, v, &b, &bl, &al)) {
                    free(lb);
                    return 0;
                }
                *cmp = bytescmp(b, bl, lb, lbl);
                if (al)
                    free(b);
                free(lb);
                return 1;
            }
            *cmp = bytescmp(json_string_value(v), json_string_length(v), l->s, l->slen);
            return 1;
        }
        return 0;
    case L_BOOL:
        if (json_is_boolean(v)) {
            int x = json_is_true(v);
            *cmp = x < l->i ? -1 : x > l->i;
            return 1;
        }
        return 0;
    case L_BIN:
        if (json_is_string(v)) {
            char *b;
            size_t bl;
            int al = 1;
            if (is_binprop(key)) {
                if (prop_bytes(key, v, &b, &bl, &al))
                    return 0;
            } else if (utf8_to_latin1(json_string_value(v), json_string_length(v), &b, &bl)) {
                return 0;
            }
            *cmp = bytescmp(b, bl, l->s, l->slen);
            if (al)
                free(b);
            return 1;
        }
        return 0;
    case L_TS:
        if (json_is_string(v)) {
            int64_t s;
            uint32_t ns;
            if (sg17_stix_timestamp_parse(json_string_value(v), &s, &ns)) {
                eerr(E, "'%s' is not a valid timestamp", json_string_value(v));
                return -1;
            }
            *cmp = s < l->ts_s ? -1 : s > l->ts_s ? 1 : ns < l->ts_ns ? -1 : ns > l->ts_ns;
            return 1;
        }
        return 0;
    case L_SET:
        return 0;
    }
    return 0;
}

static int like_match(const char *s, size_t sn, const char *p, size_t pn)
{
    /* iterative SQL LIKE with backtracking on the last '%' (UTF-8 aware '_') */
    size_t si = 0, pi = 0, star_p = (size_t)-1, star_s = 0;
    while (si < sn) {
        if (pi < pn && p[pi] == '_') {
            si++;
            while (si < sn && ((unsigned char)s[si] & 0xc0) == 0x80)
                si++;
            pi++;
        } else if (pi < pn && p[pi] == '%') {
            star_p = pi++;
            star_s = si;
        } else if (pi < pn && p[pi] == s[si]) {
            si++;
            pi++;
        } else if (star_p != (size_t)-1) {
            pi = star_p + 1;
            si = ++star_s;
        } else {
            return 0;
        }
    }
    while (pi < pn && p[pi] == '%')
        pi++;
    return pi == pn;
}

/* Parse an IPv4/IPv6 address or CIDR into 16 bytes + prefix length. */
static int parse_cidr(const char *s, uint8_t a[16], int *plen, int *v6)
{
    char buf[80];
    size_t n = strlen(s);
    if (n >= sizeof buf)
        return -1;
    memcpy(buf, s, n + 1);
    char *slash = strchr(buf, '/');
    int pl = -1;
    if (slash) {
        *slash = '\0';
        char *end;
        long v = strtol(slash + 1, &end, 10);
        if (*end || end == slash + 1 || v < 0)
            return -1;
        pl = (int)v;
    }
    memset(a, 0, 16);
    if (!strchr(buf, ':')) {
        /* dotted quad, digits only */
        const char *q = buf;
        for (int part = 0; part < 4; part++) {
            unsigned val = 0;
            int nd = 0;
            while (*q >= '0' && *q <= '9' && nd < 4) {
                val = val * 10U + (unsigned)(*q - '0');
                q++;
                nd++;
            }
            if (nd == 0 || nd > 3 || val > 255)
                return -1;
            a[part] = (uint8_t)val;
            if (part < 3) {
                if (*q != '.')
                    return -1;
                q++;
            }
        }
        if (*q != '\0')
            return -1;
        *v6 = 0;
        if (pl > 32)
            return -1;
        *plen = pl < 0 ? 32 : pl;
        return 0;
    }
    /* IPv6 */
    uint16_t g[8] = {0};
    int ng = 0, dbl = -1;
    const char *p = buf;
    if (p[0] == ':' && p[1] == ':') {
        dbl = 0;
        p += 2;
    }
    while (*p && ng < 8) {
        char *end;
        unsigned long v = strtoul(p, &end, 16);
        if (end == p || end - p > 4 || v > 0xffff)
            return -1;
        g[ng++] = (uint16_t)v;
        p = end;
        if (*p == ':') {
            if (p[1] == ':') {
                if (dbl >= 0)
                    return -1;
                dbl = ng;
                p += 2;
            } else {
                p++;
            }
        } else if (*p) {
            return -1;
        }
    }
    if (*p)
        return -1;
    uint16_t full[8] = {0};
    if (dbl >= 0) {
        for (int i = 0; i < dbl; i++)
            full[i] = g[i];
        for (int i = dbl; i < ng; i++)
            full[8 - (ng - i)] = g[i];
    } else {
        if (ng != 8)
            return -1;
        memcpy(full, g, sizeof full);
    }
    for (int i = 0; i < 8; i++) {
        a[2 * i] = (uint8_t)(full[i] >> 8);
        a[2 * i + 1] = (uint8_t)full[i];
    }
    *v6 = 1;
    if (pl > 128)
        return -1;
    *plen = pl < 0 ? 128 : pl;
    return 0;
}

/* inner (addr/plen) inside outer? */
static int cidr_in(const uint8_t *ia, int ipl, const uint8_t *oa, int opl)
{
    if (ipl < opl)
        return 0;
    for (int i = 0; i < opl; i++) {
        int byte = i / 8, bit = 7 - i % 8;
        if (((ia[byte] >> bit) & 1) != ((oa[byte] >> bit) & 1))
            return 0;
    }
    return 1;
}

static int lit_kind_class(const lit *l)
{
    return l->k == L_FLOAT ? L_INT : (int)l->k;
}

/* One value against a test: 1 true, 0 false, -1 error (before NOT). */
static int test_value(ectx *E, const node *n, const json_t *v, const char *key)
{
    int c = 0, r;
    switch (n->op) {
    case OP_EQ:
        r = compare(E, v, key, &n->lv, &c);
        return r < 0 ? -1 : (r == 1 && c == 0);
    case OP_NEQ:
        r = compare(E, v, key, &n->lv, &c);
        return r < 0 ? -1 : (r == 0 || c != 0);
    case OP_LT:
        r = compare(E, v, key, &n->lv, &c);
        return r < 0 ? -1 : (r == 1 && c < 0);
    case OP_LE:
        r = compare(E, v, key, &n->lv, &c);
        return r < 0 ? -1 : (r == 1 && c <= 0);
    case OP_GT:
        r = compare(E, v, key, &n->lv, &c);
        return r < 0 ? -1 : (r == 1 && c > 0);
    case OP_GE:
        r = compare(E, v, key, &n->lv, &c);
        return r < 0 ? -1 : (r == 1 && c >= 0);
    case OP_IN:
        for (size_t i = 1; i < n->lv.nset; i++)
            if (lit_kind_class(&n->lv.set[i]) != lit_kind_class(&n->lv.set[0])) {
                eerr(E, "IN set literals must all be of the same type");
                return -1;
            }
        for (size_t i = 0; i < n->lv.nset; i++) {
            r = compare(E, v, key, &n->lv.set[i], &c);
            if (r < 0)
                return -1;
            if (r == 1 && c == 0)
                return 1;
        }
        return 0;
    case OP_LIKE: {
        if (!json_is_string(v))
            return 0;
        if (is_binprop(key)) {
            char *b;
            size_t bl, tl;
            int al;
            if (prop_bytes(key, v, &b, &bl, &al))
                return 0;
            char *t = latin1_to_utf8(b, bl, &tl);
            if (al)
                free(b);
            if (!t)
                return -1;
            int m = like_match(t, tl, n->lv.s, n->lv.slen);
            free(t);
            return m;
        }
        size_t nl = 0;
        char *ns = stix_pat_nfc_dup(json_string_value(v), json_string_length(v), &nl);
        if (!ns)
            return 0;
        int m = like_match(ns, nl, n->lv.s, n->lv.slen);
        free(ns);
        return m;
    }
    case OP_MATCHES: {
        if (!json_is_string(v))
            return 0;
        char *b;
        size_t bl;
        int al = 0;
        const pcre2_code *re = n->re;
        if (is_binprop(key)) {
            if (prop_bytes(key, v, &b, &bl, &al))
                return 0;
            re = n->re_b ? n->re_b : n->re;
        } else {
            b = stix_pat_nfc_dup(json_string_value(v), json_string_length(v), &bl);
            if (!b)
                return 0;
            al = 1;
        }
        pcre2_match_data *md = pcre2_match_data_create_from_pattern(re, NULL);
        int m = md ? pcre2_match(re, (PCRE2_SPTR)b, bl, 0, 0, md, NULL) : -1;
        pcre2_match_data_free(md);
        if (al)
            free(b);
        return m >= 0;
    }
    case OP_ISSUBSET:
    case OP_ISSUPERSET: {
        if (!json_is_string(v))
            return 0;
        uint8_t a1[16], a2[16];
        int p1, p2, v61, v62;
        if (parse_cidr(json_string_value(v), a1, &p1, &v61) || parse_cidr(n->lv.s, a2, &p2, &v62) ||
            v61 != v62)
            return 0;
        return n->op == OP_ISSUBSET ? cidr_in(a1, p1, a2, p2) : cidr_in(a2, p2, a1, p1);
    }
    case OP_EXISTS:
        return 1;
    }
    return 0;
}

/* NOLINTNEXTLINE(misc-no-recursion): AST height capped, depth checked */
int stix_pat_eval_cmp(ectx *E, const node *n, cres *r, unsigned depth)
{
    const obs *b = E->cur;
    memset(r->m, 0, b->nroots);
    r->any = 0;
    r->type = NULL;
    if (depth > AST_MAX_HEIGHT + 4)
        return SG17_E_LIMIT;
    if (n->k == N_TEST) {
        r->type = n->otype;
        for (size_t i = 0; i < b->nroots; i++) {
            const char *t = json_string_value(json_object_get(b->roots[i], "type"));
            if (!t || strcmp(t, n->otype) != 0)
                continue;
            vals *vs = E->vb;
            vs->n = 0;
            walk(E, n, b->roots[i], vs);
            int hit = 0;
            if (n->op == OP_EXISTS) {
                hit = n->neg ? vs->n == 0 : vs->n > 0;
            } else {
                for (size_t k = 0; k < vs->n && !hit; k++) {
                    int t2 = test_value(E, n, vs->v[k], vs->key[k]);
                    if (t2 < 0)
                        return SG17_E_FORMAT;
                    hit = n->neg ? !t2 : t2;
                }
            }
            if (hit) {
                r->m[i] = 1;
                r->any = 1;
            }
        }
        return 0;
    }
    cres rb;
    rb.m = malloc(b->nroots ? b->nroots : 1);
    if (!rb.m)
        return SG17_E_NOMEM;
    int rc = stix_pat_eval_cmp(E, n->a, r, depth + 1);
    if (!rc)
        rc = stix_pat_eval_cmp(E, n->b, &rb, depth + 1);
    if (!rc) {
        if (n->k == N_CMP_OR) {
            for (size_t i = 0; i < b->nroots; i++)
                r->m[i] |= rb.m[i];
            r->any |= rb.any;
            if (!(r->type && rb.type && strcmp(r->type, rb.type) == 0))
                r->type = NULL;
        } else if (r->type && rb.type && strcmp(r->type, rb.type) == 0) {
            r->any = 0;
            for (size_t i = 0; i < b->nroots; i++) {
                r->m[i] &= rb.m[i];
                r->any |= r->m[i];
            }
        } else {
            int both = r->any && rb.any;
            for (size_t i = 0; i < b->nroots; i++)
                r->m[i] = both ? (uint8_t)(r->m[i] | rb.m[i]) : 0;
            r->any = both;
            r->type = NULL;
        }
    }
    free(rb.m);
    return rc;
}
