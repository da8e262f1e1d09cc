/*
 * STIX 2.1 Patterning (CS02 section 9): parser support (errors, AST nodes and
 * their release, token text) and literals (int, float, string, binary, hex,
 * boolean, timestamp).
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stix_internal.h"
#include "stix_pattern_internal.h"

void stix_pat_perr(parser *P, const char *fmt, ...)
{
    if (P->failed)
        return;
    P->failed = 1;
    if (!P->err || P->errlen == 0)
        return;
    size_t pos = P->L.toks[P->p].pos;
    int off = snprintf(P->err, P->errlen, "FAIL: Error found at line 1:%zu. ", pos);
    if (off < 0 || (size_t)off >= P->errlen)
        return;
    va_list ap;
    va_start(ap, fmt);
    /* NOLINTNEXTLINE(clang-analyzer-valist.Uninitialized): started above (tidy 14 FP) */
    vsnprintf(P->err + off, P->errlen - (size_t)off, fmt, ap);
    va_end(ap);
}

node *stix_pat_nnew(parser *P, node_kind k)
{
    node *n = calloc(1, sizeof *n);
    if (!n) {
        P->nomem = 1;
        P->failed = 1;
        return NULL;
    }
    n->k = k;
    return n;
}

/* NOLINTNEXTLINE(misc-no-recursion): set literals hold scalars only (one level) */
void stix_pat_lit_free(lit *l)
{
    free(l->s);
    for (size_t i = 0; i < l->nset; i++)
        stix_pat_lit_free(&l->set[i]);
    free(l->set);
}

/* NOLINTNEXTLINE(misc-no-recursion): AST height capped at AST_MAX_HEIGHT by the parser */
void stix_pat_node_free(node *n)
{
    /* bounded by the parser's depth cap */
    if (!n)
        return;
    stix_pat_node_free(n->a);
    stix_pat_node_free(n->b);
    free(n->otype);
    free(n->optext);
    free(n->littext);
    free(n->qtext);
    for (size_t i = 0; i < n->nsteps; i++)
        free(n->steps[i].key);
    free(n->steps);
    stix_pat_lit_free(&n->lv);
    if (n->re)
        pcre2_code_free(n->re);
    if (n->re_b)
        pcre2_code_free(n->re_b);
    free(n);
}

char *stix_pat_spandup(parser *P, size_t from, size_t to)
{
    size_t n = to > from ? to - from : 0;
    char *s = malloc(n + 1);
    if (!s) {
        P->nomem = P->failed = 1;
        return NULL;
    }
    memcpy(s, P->L.s + from, n);
    s[n] = '\0';
    return s;
}

char *stix_pat_tokdup(parser *P, const tok *t)
{
    char *s = malloc(t->len + 1);
    if (!s) {
        P->nomem = P->failed = 1;
        return NULL;
    }
    memcpy(s, P->L.s + t->pos, t->len);
    s[t->len] = '\0';
    return s;
}

/* Unescape a quoted string literal '...' (\\' and \\\\). */
char *stix_pat_unquote(parser *P, const tok *t, size_t *len)
{
    const char *s = P->L.s + t->pos + 1;
    size_t n = t->len - 2;
    char *o = malloc(n + 1);
    if (!o) {
        P->nomem = P->failed = 1;
        return NULL;
    }
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\\' && i + 1 < n) {
            o[k++] = s[++i];
            continue;
        }
        o[k++] = s[i];
    }
    o[k] = '\0';
    if (len)
        *len = k;
    return o;
}

static int b64val(int c)
{
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
}

int stix_pat_b64_decode(const char *s, size_t n, char **out, size_t *olen)
{
    char *o = malloc(n / 4 * 3 + 3);
    if (!o)
        return SG17_E_NOMEM;
    size_t k = 0;
    uint32_t acc = 0;
    int bits = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '=')
            break;
        int v = b64val((unsigned char)s[i]);
        if (v < 0) {
            free(o);
            return SG17_E_FORMAT;
        }
        acc = (acc << 6) | (uint32_t)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            o[k++] = (char)((acc >> bits) & 0xff);
        }
    }
    *out = o;
    *olen = k;
    return 0;
}

int stix_pat_hexv(int c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

int stix_pat_parse_literal(parser *P, lit *l, int allow_bool)
{
    tok *t = stix_pat_cur(P);
    memset(l, 0, sizeof *l);
    const char *s = P->L.s + t->pos;
    switch (t->t) {
    case T_INT_POS:
    case T_INT_NEG: {
        l->k = L_INT;
        char buf[32];
        if (t->len >= sizeof buf) {
            stix_pat_perr(P, "integer literal out of range");
            return -1;
        }
        memcpy(buf, s, t->len);
        buf[t->len] = '\0';
        l->i = strtoll(buf, NULL, 10);
        break;
    }
    case T_FLOAT_POS:
    case T_FLOAT_NEG: {
        l->k = L_FLOAT;
        char buf[64];
        if (t->len >= sizeof buf) {
            stix_pat_perr(P, "float literal too long");
            return -1;
        }
        memcpy(buf, s, t->len);
        buf[t->len] = '\0';
        l->f = strtod(buf, NULL);
        break;
    }
    case T_STR:
        l->k = L_STR;
        l->s = stix_pat_unquote(P, t, &l->slen);
        if (!l->s)
            return -1;
        break;
    case T_BOOL:
        if (!allow_bool) {
            stix_pat_perr(P, "mismatched input '%.*s' expecting an orderable literal", (int)t->len, s);
            return -1;
        }
        l->k = L_BOOL;
        l->i = s[0] == 't';
        break;
    case T_BIN:
        l->k = L_BIN;
        if (stix_pat_b64_decode(s + 2, t->len - 3, &l->s, &l->slen)) {
            stix_pat_perr(P, "bad binary literal");
            return -1;
        }
        break;
    case T_HEX: {
        l->k = L_BIN;
        size_t n = (t->len - 3) / 2;
        l->s = malloc(n + 1);
        if (!l->s) {
            P->nomem = P->failed = 1;
            return -1;
        }
        for (size_t i = 0; i < n; i++)
            l->s[i] = (char)(stix_pat_hexv((unsigned char)s[2 + 2 * i]) * 16 + stix_pat_hexv((unsigned char)s[3 + 2 * i]));
        l->slen = n;
        break;
    }
    case T_TS: {
        l->k = L_TS;
        char buf[64];
        size_t n = t->len - 3;
        if (n >= sizeof buf) {
            stix_pat_perr(P, "timestamp literal too long");
            return -1;
        }
        memcpy(buf, s + 2, n);
        buf[n] = '\0';
        l->s = malloc(n + 1);
        if (!l->s) {
            P->nomem = P->failed = 1;
            return -1;
        }
        memcpy(l->s, buf, n + 1);
        l->slen = n;
        /* The grammar does not check the calendar (Feb 30 is lexically valid);
         * compute the instant leniently. */
        int d = (buf[8] - '0') * 10 + (buf[9] - '0');
        if (sg17_stix_timestamp_parse(buf, &l->ts_s, &l->ts_ns) != 0) {
            /* calendar-invalid but grammatical: normalise by days overflow */
            char fix[64];
            memcpy(fix, buf, n + 1);
            fix[8] = '0';
            fix[9] = '1';
            int64_t base = 0;
            uint32_t ns = 0;
            if (sg17_stix_timestamp_parse(fix, &base, &ns) == 0) {
                l->ts_s = base + (int64_t)(d - 1) * 86400;
                l->ts_ns = ns;
            }
        }
        break;
    }
    default:
        stix_pat_perr(P, "mismatched input '%.*s' expecting a literal", (int)t->len, s);
        return -1;
    }
    P->p++;
    return 0;
}
