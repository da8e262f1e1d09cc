/*
 * STIX 2.1 Patterning (CS02 section 9): lexer and parser for STIXPattern.g4
 * (recursive descent, explicit depth cap) with the reference validator's
 * semantic checks, and the evaluator.
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pcre2.h>
#include <unicode/unorm2.h>
#include <unicode/ustring.h>

#include "sg17/stix.h"
#include "sg17/stix_pattern.h"
#include "stix_internal.h"

/* ---- tokens ---------------------------------------------------------------- */

typedef enum {
    T_EOF, T_IDENT, T_IDENT_H, T_STR, T_INT_POS, T_INT_NEG, T_FLOAT_POS, T_FLOAT_NEG, T_HEX,
    T_BIN, T_BOOL, T_TS, T_AND, T_OR, T_NOT, T_FOLLOWEDBY, T_LIKE, T_MATCHES, T_ISSUPERSET,
    T_ISSUBSET, T_EXISTS, T_LAST, T_IN, T_START, T_STOP, T_SECONDS, T_WITHIN, T_REPEATS,
    T_TIMES, T_EQ, T_NEQ, T_LT, T_LE, T_GT, T_GE, T_COLON, T_DOT, T_COMMA, T_RPAREN, T_LPAREN,
    T_RBRACK, T_LBRACK, T_ASTERISK, T_OTHER
} tok_type;

typedef struct tok {
    tok_type t;
    size_t pos, len;
} tok;

static const struct {
    const char *w;
    size_t n;
    tok_type t;
} keywords[] = {
    {"AND", 3, T_AND}, {"OR", 2, T_OR}, {"NOT", 3, T_NOT}, {"FOLLOWEDBY", 10, T_FOLLOWEDBY},
    {"LIKE", 4, T_LIKE}, {"MATCHES", 7, T_MATCHES}, {"ISSUPERSET", 10, T_ISSUPERSET},
    {"ISSUBSET", 8, T_ISSUBSET}, {"EXISTS", 6, T_EXISTS}, {"LAST", 4, T_LAST}, {"IN", 2, T_IN},
    {"START", 5, T_START}, {"STOP", 4, T_STOP}, {"SECONDS", 7, T_SECONDS}, {"WITHIN", 6, T_WITHIN},
    {"REPEATS", 7, T_REPEATS}, {"TIMES", 5, T_TIMES}, {"true", 4, T_BOOL}, {"false", 5, T_BOOL},
};

static int b64c(int c)
{
    return isalnum(c) || c == '+' || c == '/';
}

/* Length of a timestamp literal t'...' at s (0 if not one). */
static size_t lex_ts(const char *s)
{
    if (s[0] != 't' || s[1] != '\'')
        return 0;
    const char *p = s + 2;
    for (int i = 0; i < 4; i++)
        if (!isdigit((unsigned char)p[i]))
            return 0;
    p += 4;
    if (*p++ != '-')
        return 0;
    if (!((p[0] == '0' && p[1] >= '1' && p[1] <= '9') || (p[0] == '1' && p[1] >= '0' && p[1] <= '2')))
        return 0;
    p += 2;
    if (*p++ != '-')
        return 0;
    if (!((p[0] == '0' && p[1] >= '1' && p[1] <= '9') || ((p[0] == '1' || p[0] == '2') && isdigit((unsigned char)p[1])) ||
          (p[0] == '3' && (p[1] == '0' || p[1] == '1'))))
        return 0;
    p += 2;
    if (*p++ != 'T')
        return 0;
    if (!(((p[0] == '0' || p[0] == '1') && isdigit((unsigned char)p[1])) || (p[0] == '2' && p[1] >= '0' && p[1] <= '3')))
        return 0;
    p += 2;
    if (*p++ != ':')
        return 0;
    if (!(p[0] >= '0' && p[0] <= '5' && isdigit((unsigned char)p[1])))
        return 0;
    p += 2;
    if (*p++ != ':')
        return 0;
    if (!((p[0] >= '0' && p[0] <= '5' && isdigit((unsigned char)p[1])) || (p[0] == '6' && p[1] == '0')))
        return 0;
    p += 2;
    if (*p == '.') {
        p++;
        if (!isdigit((unsigned char)*p))
            return 0;
        while (isdigit((unsigned char)*p))
            p++;
    }
    if (*p++ != 'Z')
        return 0;
    if (*p++ != '\'')
        return 0;
    return (size_t)(p - s);
}

static size_t lex_hex(const char *s)
{
    if (s[0] != 'h' || s[1] != '\'')
        return 0;
    const char *p = s + 2;
    while (isxdigit((unsigned char)p[0]) && isxdigit((unsigned char)p[1]))
        p += 2;
    if (*p != '\'')
        return 0;
    return (size_t)(p + 1 - s);
}

static size_t lex_bin(const char *s)
{
    if (s[0] != 'b' || s[1] != '\'')
        return 0;
    const char *p = s + 2;
    size_t n = 0;
    while (b64c((unsigned char)p[n]))
        n++;
    size_t pad = 0;
    while (p[n + pad] == '=')
        pad++;
    if (p[n + pad] != '\'' || pad > 2 || (n + pad) % 4 || n + pad == 0)
        return 0;
    if (pad && n % 4 != 4 - pad)
        return 0;
    return 2 + n + pad + 1;
}

typedef struct lexer {
    const char *s;
    size_t n;
    tok *toks;
    size_t nt, cap;
} lexer;

static int push(lexer *L, tok_type t, size_t pos, size_t len)
{
    if (L->nt == L->cap) {
        size_t nc = L->cap ? L->cap * 2 : 64;
        tok *nt = realloc(L->toks, nc * sizeof *nt);
        if (!nt)
            return SG17_E_NOMEM;
        L->toks = nt;
        L->cap = nc;
    }
    L->toks[L->nt].t = t;
    L->toks[L->nt].pos = pos;
    L->toks[L->nt].len = len;
    L->nt++;
    return 0;
}

static int lex(lexer *L)
{
    const char *s = L->s;
    size_t i = 0;
    while (i < L->n) {
        unsigned char c = (unsigned char)s[i];
        if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == 0x0b || c == 0x0c) {
            i++;
            continue;
        }
        if (c == 0xc2 && ((unsigned char)s[i + 1] == 0x85 || (unsigned char)s[i + 1] == 0xa0)) {
            i += 2;
            continue;
        }
        if (c == '/' && s[i + 1] == '*') {
            const char *e = strstr(s + i + 2, "*/");
            if (!e) {
                if (push(L, T_OTHER, i, 1))
                    return SG17_E_NOMEM;
                i++;
                continue;
            }
            i = (size_t)(e - s) + 2;
            continue;
        }
        if (c == '/' && s[i + 1] == '/') {
            while (i < L->n && s[i] != '\n' && s[i] != '\r')
                i++;
            continue;
        }
        size_t len = 0;
        tok_type t = T_OTHER;
        if ((len = lex_ts(s + i)) != 0) {
            t = T_TS;
        } else if ((len = lex_hex(s + i)) != 0) {
            t = T_HEX;
        } else if ((len = lex_bin(s + i)) != 0) {
            t = T_BIN;
        } else if (isalpha(c) || c == '_') {
            size_t a = 1, b;
            while (isalnum((unsigned char)s[i + a]) || s[i + a] == '_')
                a++;
            b = a;
            while (isalnum((unsigned char)s[i + b]) || s[i + b] == '_' || s[i + b] == '-')
                b++;
            if (b > a) {
                t = T_IDENT_H;
                len = b;
            } else {
                t = T_IDENT;
                len = a;
                if (a <= 10 && ((s[i] >= 'A' && s[i] <= 'Z') || s[i] == 't' || s[i] == 'f'))
                    for (size_t k = 0; k < sizeof keywords / sizeof keywords[0]; k++)
                        if (keywords[k].n == a && memcmp(keywords[k].w, s + i, a) == 0) {
                            t = keywords[k].t;
                            break;
                        }
            }
        } else if (c == '\'') {
            size_t k = i + 1;
            int ok = 0;
            while (k < L->n) {
                if (s[k] == '\\') {
                    if (s[k + 1] == '\'' || s[k + 1] == '\\') {
                        k += 2;
                        continue;
                    }
                    break;
                }
                if (s[k] == '\'') {
                    ok = 1;
                    break;
                }
                k++;
            }
            if (ok) {
                t = T_STR;
                len = k + 1 - i;
            } else {
                t = T_OTHER;
                len = 1;
            }
        } else if (isdigit(c) || (c == '.' && isdigit((unsigned char)s[i + 1])) ||
                   ((c == '+' || c == '-') && (isdigit((unsigned char)s[i + 1]) ||
                                               (s[i + 1] == '.' && isdigit((unsigned char)s[i + 2]))))) {
            size_t k = i;
            int neg = c == '-';
            if (c == '+' || c == '-')
                k++;
            size_t ds = k;
            while (isdigit((unsigned char)s[k]))
                k++;
            if (s[k] == '.' && isdigit((unsigned char)s[k + 1])) {
                k++;
                while (isdigit((unsigned char)s[k]))
                    k++;
                t = neg ? T_FLOAT_NEG : T_FLOAT_POS;
                len = k - i;
            } else if (k > ds) {
                /* '0' | [1-9][0-9]* */
                if (s[ds] == '0')
                    k = ds + 1;
                t = neg ? T_INT_NEG : T_INT_POS;
                len = k - i;
            } else {
                t = T_OTHER;
                len = 1;
            }
        } else {
            len = 1;
            switch (c) {
            case '=': t = T_EQ; if (s[i + 1] == '=') len = 2; break;
            case '!': if (s[i + 1] == '=') { t = T_NEQ; len = 2; } break;
            case '<':
                if (s[i + 1] == '>') { t = T_NEQ; len = 2; }
                else if (s[i + 1] == '=') { t = T_LE; len = 2; }
                else t = T_LT;
                break;
            case '>': if (s[i + 1] == '=') { t = T_GE; len = 2; } else t = T_GT; break;
            case ':': t = T_COLON; break;
            case '.': t = T_DOT; break;
            case ',': t = T_COMMA; break;
            case ')': t = T_RPAREN; break;
            case '(': t = T_LPAREN; break;
            case ']': t = T_RBRACK; break;
            case '[': t = T_LBRACK; break;
            case '*': t = T_ASTERISK; break;
            default: t = T_OTHER; break;
            }
        }
        if (push(L, t, i, len))
            return SG17_E_NOMEM;
        i += len;
    }
    return push(L, T_EOF, L->n, 0);
}

/* ---- AST ------------------------------------------------------------------ */

typedef enum { L_INT, L_FLOAT, L_STR, L_BOOL, L_BIN, L_TS, L_SET } lit_kind;

typedef struct lit {
    lit_kind k;
    int64_t i;
    double f;
    char *s; /* string / bytes (binary, hex) */
    size_t slen;
    int64_t ts_s;
    uint32_t ts_ns;
    struct lit *set;
    size_t nset;
} lit;

typedef enum { ST_KEY, ST_INDEX, ST_STAR } step_kind;

typedef struct step {
    step_kind k;
    char *key;
    long idx;
} step;

typedef enum {
    OP_EQ, OP_NEQ, OP_LT, OP_LE, OP_GT, OP_GE, OP_IN, OP_LIKE, OP_MATCHES, OP_ISSUBSET,
    OP_ISSUPERSET, OP_EXISTS
} op_kind;

typedef enum {
    N_CMP_AND, N_CMP_OR, N_TEST, N_OBS, N_OBS_AND, N_OBS_OR, N_OBS_FB, N_WITHIN, N_REPEATS,
    N_STARTSTOP
} node_kind;

typedef struct node {
    node_kind k;
    struct node *a, *b;
    /* test */
    char *otype;
    step *steps;
    size_t nsteps;
    op_kind op;
    int neg;
    lit lv;
    pcre2_code *re;
    int re_bytes; /* regex compiled without UTF for binary values */
    pcre2_code *re_b;
    /* qualifiers */
    double within;
    long repeats;
    int64_t start_s, stop_s;
    uint32_t start_ns, stop_ns;
    int simple_qual; /* qualifier applied directly to a [..] chain */
    int nfc_done;    /* LIKE/MATCHES literal normalised to NFC */
    unsigned height; /* 1 for a leaf */
    char *optext;    /* operator as written, "NOT " prefixed when negated */
    char *littext;   /* literal (or set) as written */
    char *qtext;     /* qualifier as written, tokens joined by one space */
} node;

struct sg17_stix_pattern {
    node *root;
    char *text;
};

typedef struct parser {
    lexer L;
    size_t p;
    unsigned depth;
    char *err;
    size_t errlen;
    int failed;
    int nomem;
    int dupcheck; /* the validator's one-qualifier-per-type rule */
} parser;

static void perr(parser *P, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void perr(parser *P, const char *fmt, ...)
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

static tok *cur(parser *P)
{
    return &P->L.toks[P->p];
}

static node *nnew(parser *P, node_kind k)
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
static void lit_free(lit *l)
{
    free(l->s);
    for (size_t i = 0; i < l->nset; i++)
        lit_free(&l->set[i]);
    free(l->set);
}

/* NOLINTNEXTLINE(misc-no-recursion): AST height capped at AST_MAX_HEIGHT by the parser */
static void node_free(node *n)
{
    /* bounded by the parser's depth cap */
    if (!n)
        return;
    node_free(n->a);
    node_free(n->b);
    free(n->otype);
    free(n->optext);
    free(n->littext);
    free(n->qtext);
    for (size_t i = 0; i < n->nsteps; i++)
        free(n->steps[i].key);
    free(n->steps);
    lit_free(&n->lv);
    if (n->re)
        pcre2_code_free(n->re);
    if (n->re_b)
        pcre2_code_free(n->re_b);
    free(n);
}

static char *spandup(parser *P, size_t from, size_t to)
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

static char *tokdup(parser *P, const tok *t)
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
static char *unquote(parser *P, const tok *t, size_t *len)
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

static const char *tokname(tok_type t)
{
    switch (t) {
    case T_EOF: return "<EOF>";
    case T_RBRACK: return "']'";
    case T_RPAREN: return "')'";
    default: return "input";
    }
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

static int b64_decode(const char *s, size_t n, char **out, size_t *olen)
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

static int hexv(int c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

static int parse_literal(parser *P, lit *l, int allow_bool)
{
    tok *t = cur(P);
    memset(l, 0, sizeof *l);
    const char *s = P->L.s + t->pos;
    switch (t->t) {
    case T_INT_POS:
    case T_INT_NEG: {
        l->k = L_INT;
        char buf[32];
        if (t->len >= sizeof buf) {
            perr(P, "integer literal out of range");
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
            perr(P, "float literal too long");
            return -1;
        }
        memcpy(buf, s, t->len);
        buf[t->len] = '\0';
        l->f = strtod(buf, NULL);
        break;
    }
    case T_STR:
        l->k = L_STR;
        l->s = unquote(P, t, &l->slen);
        if (!l->s)
            return -1;
        break;
    case T_BOOL:
        if (!allow_bool) {
            perr(P, "mismatched input '%.*s' expecting an orderable literal", (int)t->len, s);
            return -1;
        }
        l->k = L_BOOL;
        l->i = s[0] == 't';
        break;
    case T_BIN:
        l->k = L_BIN;
        if (b64_decode(s + 2, t->len - 3, &l->s, &l->slen)) {
            perr(P, "bad binary literal");
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
            l->s[i] = (char)(hexv((unsigned char)s[2 + 2 * i]) * 16 + hexv((unsigned char)s[3 + 2 * i]));
        l->slen = n;
        break;
    }
    case T_TS: {
        l->k = L_TS;
        char buf[64];
        size_t n = t->len - 3;
        if (n >= sizeof buf) {
            perr(P, "timestamp literal too long");
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
        perr(P, "mismatched input '%.*s' expecting a literal", (int)t->len, s);
        return -1;
    }
    P->p++;
    return 0;
}

static node *parse_cmp_or(parser *P);
static node *parse_obs_fb(parser *P);

static int enter(parser *P)
{
    if (++P->depth > SG17_STIX_PATTERN_MAX_DEPTH) {
        perr(P, "nesting deeper than %u", SG17_STIX_PATTERN_MAX_DEPTH);
        return -1;
    }
    return 0;
}

static int add_step(parser *P, node *n, step_kind k, char *key, long idx)
{
    step *ns = realloc(n->steps, (n->nsteps + 1) * sizeof *ns);
    if (!ns) {
        free(key);
        P->nomem = P->failed = 1;
        return -1;
    }
    n->steps = ns;
    n->steps[n->nsteps].k = k;
    n->steps[n->nsteps].key = key;
    n->steps[n->nsteps].idx = idx;
    n->nsteps++;
    return 0;
}

static int parse_path(parser *P, node *n)
{
    tok *t = cur(P);
    if (t->t != T_IDENT && t->t != T_IDENT_H) {
        perr(P, "no viable alternative at input '%.*s'", (int)t->len, P->L.s + t->pos);
        return -1;
    }
    n->otype = tokdup(P, t);
    if (!n->otype)
        return -1;
    P->p++;
    if (cur(P)->t != T_COLON) {
        perr(P, "no viable alternative at input '%.*s%.*s'", (int)t->len, P->L.s + t->pos,
             (int)cur(P)->len, P->L.s + cur(P)->pos);
        return -1;
    }
    P->p++;
    t = cur(P);
    if (t->t == T_IDENT) {
        if (add_step(P, n, ST_KEY, tokdup(P, t), 0))
            return -1;
    } else if (t->t == T_STR) {
        if (add_step(P, n, ST_KEY, unquote(P, t, NULL), 0))
            return -1;
    } else {
        perr(P, "mismatched input '%.*s' expecting {IdentifierWithoutHyphen, StringLiteral}",
             (int)t->len, P->L.s + t->pos);
        return -1;
    }
    P->p++;
    for (;;) {
        t = cur(P);
        if (t->t == T_DOT) {
            P->p++;
            t = cur(P);
            if (t->t == T_IDENT) {
                if (add_step(P, n, ST_KEY, tokdup(P, t), 0))
                    return -1;
            } else if (t->t == T_STR) {
                if (add_step(P, n, ST_KEY, unquote(P, t, NULL), 0))
                    return -1;
            } else {
                perr(P, "mismatched input '%.*s' expecting {IdentifierWithoutHyphen, StringLiteral}",
                     (int)t->len, P->L.s + t->pos);
                return -1;
            }
            P->p++;
        } else if (t->t == T_LBRACK) {
            P->p++;
            t = cur(P);
            if (t->t == T_ASTERISK) {
                if (add_step(P, n, ST_STAR, NULL, 0))
                    return -1;
            } else if (t->t == T_INT_POS || t->t == T_INT_NEG) {
                char buf[32];
                size_t len = t->len < 31 ? t->len : 31;
                memcpy(buf, P->L.s + t->pos, len);
                buf[len] = '\0';
                if (add_step(P, n, ST_INDEX, NULL, strtol(buf, NULL, 10)))
                    return -1;
            } else {
                perr(P, "mismatched input '%.*s' expecting {IntPosLiteral, IntNegLiteral, '*'}",
                     (int)t->len, P->L.s + t->pos);
                return -1;
            }
            P->p++;
            if (cur(P)->t != T_RBRACK) {
                perr(P, "missing ']'");
                return -1;
            }
            P->p++;
        } else {
            break;
        }
    }
    return 0;
}

static node *parse_test(parser *P)
{
    if (enter(P))
        return NULL;
    node *n = NULL;
    tok *t = cur(P);
    if (t->t == T_LPAREN) {
        P->p++;
        n = parse_cmp_or(P);
        if (!n)
            goto fail;
        if (cur(P)->t != T_RPAREN) {
            perr(P, "mismatched input '%.*s' expecting ')'", (int)cur(P)->len, P->L.s + cur(P)->pos);
            goto fail;
        }
        P->p++;
        P->depth--;
        return n;
    }
    n = nnew(P, N_TEST);
    if (!n)
        goto fail;
    n->height = 1;
    if (t->t == T_NOT && P->L.toks[P->p + 1].t == T_EXISTS) {
        n->neg = 1;
        P->p++;
        t = cur(P);
    }
    if (t->t == T_EXISTS) {
        P->p++;
        n->op = OP_EXISTS;
        n->optext = malloc(11);
        if (!n->optext)
            goto fail;
        snprintf(n->optext, 11, "%s", n->neg ? "NOT EXISTS" : "EXISTS");
        if (parse_path(P, n))
            goto fail;
        P->depth--;
        return n;
    }
    if (parse_path(P, n))
        goto fail;
    t = cur(P);
    if (t->t == T_NOT) {
        n->neg = 1;
        P->p++;
        t = cur(P);
    }
    P->p++;
    {
        size_t ol = t->len;
        n->optext = malloc(ol + 5);
        if (!n->optext) {
            P->nomem = P->failed = 1;
            goto fail;
        }
        snprintf(n->optext, ol + 5, "%s%.*s", n->neg ? "NOT " : "", (int)ol, P->L.s + t->pos);
    }
    switch (t->t) {
    case T_EQ: n->op = OP_EQ; break;
    case T_NEQ: n->op = OP_NEQ; break;
    case T_LT: n->op = OP_LT; break;
    case T_LE: n->op = OP_LE; break;
    case T_GT: n->op = OP_GT; break;
    case T_GE: n->op = OP_GE; break;
    case T_IN: n->op = OP_IN; break;
    case T_LIKE: n->op = OP_LIKE; break;
    case T_MATCHES: n->op = OP_MATCHES; break;
    case T_ISSUBSET: n->op = OP_ISSUBSET; break;
    case T_ISSUPERSET: n->op = OP_ISSUPERSET; break;
    default:
        P->p--;
        perr(P, "no viable alternative at input '%.*s'", (int)t->len, P->L.s + t->pos);
        goto fail;
    }
    t = cur(P);
    size_t lit_from = t->pos;
    if (n->op == OP_IN) {
        if (t->t != T_LPAREN) {
            perr(P, "mismatched input '%.*s' expecting '('", (int)t->len, P->L.s + t->pos);
            goto fail;
        }
        P->p++;
        n->lv.k = L_SET;
        while (cur(P)->t != T_RPAREN) {
            if (n->lv.nset) {
                if (cur(P)->t != T_COMMA) {
                    perr(P, "mismatched input '%.*s' expecting {',', ')'}", (int)cur(P)->len, P->L.s + cur(P)->pos);
                    goto fail;
                }
                P->p++;
            }
            lit *ns = realloc(n->lv.set, (n->lv.nset + 1) * sizeof *ns);
            if (!ns) {
                P->nomem = P->failed = 1;
                goto fail;
            }
            n->lv.set = ns;
            if (parse_literal(P, &n->lv.set[n->lv.nset], 1))
                goto fail;
            n->lv.nset++;
        }
        P->p++;
    } else if (n->op == OP_LIKE || n->op == OP_MATCHES || n->op == OP_ISSUBSET || n->op == OP_ISSUPERSET) {
        if (t->t != T_STR) {
            perr(P, "missing StringLiteral at '%.*s'", (int)t->len, P->L.s + t->pos);
            goto fail;
        }
        if (parse_literal(P, &n->lv, 0))
            goto fail;
    } else {
        if (parse_literal(P, &n->lv, n->op == OP_EQ || n->op == OP_NEQ))
            goto fail;
    }
    n->littext = spandup(P, lit_from, P->L.toks[P->p - 1].pos + P->L.toks[P->p - 1].len);
    if (!n->littext)
        goto fail;
    P->depth--;
    return n;
fail:
    node_free(n);
    return NULL;
}

/* Chains of one associative operator (a AND b AND c ...) are built as balanced
 * trees: the tree height, and so every recursive walk over it, grows with the
 * logarithm of the chain length; the total height is capped (AST_MAX_HEIGHT). */
#define AST_MAX_HEIGHT 1024U

static unsigned height_of(const node *n)
{
    return n ? n->height : 0;
}

/* NOLINTNEXTLINE(misc-no-recursion): depth log2(chain length) */
static node *chain_build(parser *P, node **items, size_t lo, size_t hi, node_kind k)
{
    if (hi - lo == 1)
        return items[lo];
    size_t mid = lo + (hi - lo) / 2;
    node *l = chain_build(P, items, lo, mid, k); /* depth log2(n) */
    node *r = chain_build(P, items, mid, hi, k);
    if (!l || !r) {
        node_free(l);
        node_free(r);
        return NULL;
    }
    node *n = nnew(P, k);
    if (!n) {
        node_free(l);
        node_free(r);
        return NULL;
    }
    n->a = l;
    n->b = r;
    unsigned hl = height_of(l), hr = height_of(r);
    n->height = 1 + (hl > hr ? hl : hr);
    return n;
}

typedef node *(*operand_fn)(parser *P);

static node *parse_chain(parser *P, operand_fn operand, tok_type op, node_kind k)
{
    size_t n = 0, cap = 8;
    node **items = malloc(cap * sizeof *items);
    if (!items) {
        P->nomem = P->failed = 1;
        return NULL;
    }
    node *first = operand(P);
    if (!first) {
        free(items);
        return NULL;
    }
    items[n++] = first;
    while (cur(P)->t == op) {
        P->p++;
        node *r = operand(P);
        if (!r)
            goto fail;
        if (n == cap) {
            node **ni = realloc(items, 2 * cap * sizeof *ni);
            if (!ni) {
                node_free(r);
                P->nomem = P->failed = 1;
                goto fail;
            }
            items = ni;
            cap *= 2;
        }
        items[n++] = r;
    }
    node *t = chain_build(P, items, 0, n, k);
    free(items);
    if (t && t->height > AST_MAX_HEIGHT) {
        perr(P, "pattern too complex (expression height above %u)", AST_MAX_HEIGHT);
        node_free(t);
        return NULL;
    }
    return t;
fail:
    for (size_t i = 0; i < n; i++)
        node_free(items[i]);
    free(items);
    return NULL;
}

static node *parse_cmp_and(parser *P)
{
    return parse_chain(P, parse_test, T_AND, N_CMP_AND);
}

static node *parse_cmp_or(parser *P)
{
    if (enter(P))
        return NULL;
    node *l = parse_chain(P, parse_cmp_and, T_OR, N_CMP_OR);
    P->depth--;
    return l;
}

static node *parse_obs_expr(parser *P)
{
    if (enter(P))
        return NULL;
    node *n = NULL;
    tok *t = cur(P);
    int simple = 0;
    if (t->t == T_LBRACK) {
        P->p++;
        node *c = parse_cmp_or(P);
        if (!c)
            return NULL;
        if (cur(P)->t != T_RBRACK) {
            perr(P, "mismatched input '%.*s' expecting ']'", (int)cur(P)->len, P->L.s + cur(P)->pos);
            node_free(c);
            return NULL;
        }
        P->p++;
        n = nnew(P, N_OBS);
        if (!n) {
            node_free(c);
            return NULL;
        }
        n->a = c;
        n->height = 1 + height_of(c);
        simple = 1;
    } else if (t->t == T_LPAREN) {
        P->p++;
        n = parse_obs_fb(P);
        if (!n)
            return NULL;
        if (cur(P)->t != T_RPAREN) {
            perr(P, "mismatched input '%.*s' expecting ')'", (int)cur(P)->len, P->L.s + cur(P)->pos);
            node_free(n);
            return NULL;
        }
        P->p++;
    } else {
        if (P->p == 0)
            perr(P, "input is missing square brackets");
        else
            perr(P, "mismatched input '%.*s' expecting {'[', '('}", (int)t->len, P->L.s + t->pos);
        return NULL;
    }
    unsigned seen = 0;
    for (;;) {
        t = cur(P);
        size_t qstart = P->p;
        node *q = NULL;
        unsigned bit = 0;
        if (t->t == T_WITHIN) {
            P->p++;
            tok *v = cur(P);
            if (v->t != T_INT_POS && v->t != T_FLOAT_POS) {
                perr(P, "mismatched input '%.*s' expecting {IntPosLiteral, FloatPosLiteral}", (int)v->len, P->L.s + v->pos);
                node_free(n);
                return NULL;
            }
            q = nnew(P, N_WITHIN);
            if (!q) {
                node_free(n);
                return NULL;
            }
            char buf[64];
            size_t len = v->len < 63 ? v->len : 63;
            memcpy(buf, P->L.s + v->pos, len);
            buf[len] = '\0';
            q->within = strtod(buf, NULL);
            if (!(q->within > 0)) {
                perr(P, "WITHIN requires a positive number of seconds");
                node_free(q);
                node_free(n);
                return NULL;
            }
            P->p++;
            if (cur(P)->t != T_SECONDS) {
                perr(P, "mismatched input '%.*s' expecting 'SECONDS'", (int)cur(P)->len, P->L.s + cur(P)->pos);
                node_free(q);
                node_free(n);
                return NULL;
            }
            P->p++;
            bit = 1;
        } else if (t->t == T_REPEATS) {
            P->p++;
            tok *v = cur(P);
            if (v->t != T_INT_POS) {
                perr(P, "mismatched input '%.*s' expecting IntPosLiteral", (int)v->len, P->L.s + v->pos);
                node_free(n);
                return NULL;
            }
            q = nnew(P, N_REPEATS);
            if (!q) {
                node_free(n);
                return NULL;
            }
            char buf[32];
            size_t len = v->len < 31 ? v->len : 31;
            memcpy(buf, P->L.s + v->pos, len);
            buf[len] = '\0';
            q->repeats = strtol(buf, NULL, 10);
            P->p++;
            if (cur(P)->t != T_TIMES) {
                perr(P, "mismatched input '%.*s' expecting 'TIMES'", (int)cur(P)->len, P->L.s + cur(P)->pos);
                node_free(q);
                node_free(n);
                return NULL;
            }
            P->p++;
            bit = 2;
        } else if (t->t == T_START) {
            P->p++;
            lit a, b;
            if (cur(P)->t != T_TS) {
                perr(P, "mismatched input '%.*s' expecting TimestampLiteral", (int)cur(P)->len, P->L.s + cur(P)->pos);
                node_free(n);
                return NULL;
            }
            if (parse_literal(P, &a, 0)) {
                node_free(n);
                return NULL;
            }
            if (cur(P)->t != T_STOP) {
                perr(P, "mismatched input '%.*s' expecting 'STOP'", (int)cur(P)->len, P->L.s + cur(P)->pos);
                lit_free(&a);
                node_free(n);
                return NULL;
            }
            P->p++;
            if (cur(P)->t != T_TS) {
                perr(P, "mismatched input '%.*s' expecting TimestampLiteral", (int)cur(P)->len, P->L.s + cur(P)->pos);
                lit_free(&a);
                node_free(n);
                return NULL;
            }
            if (parse_literal(P, &b, 0)) {
                lit_free(&a);
                node_free(n);
                return NULL;
            }
            q = nnew(P, N_STARTSTOP);
            if (q) {
                q->start_s = a.ts_s;
                q->start_ns = a.ts_ns;
                q->stop_s = b.ts_s;
                q->stop_ns = b.ts_ns;
            }
            lit_free(&a);
            lit_free(&b);
            if (!q) {
                node_free(n);
                return NULL;
            }
            bit = 4;
        } else {
            break;
        }
        if (P->dupcheck && simple && (seen & bit)) {
            static const char *names[] = {"", "WITHIN", "REPEATS", "", "STARTSTOP"};
            P->failed = 0;
            perr(P, "Duplicate qualifier type encountered: %s", names[bit]);
            if (P->err)
                snprintf(P->err, P->errlen, "FAIL: Duplicate qualifier type encountered: %s", names[bit]);
            node_free(q);
            node_free(n);
            return NULL;
        }
        seen |= bit;
        {
            size_t tl = 0;
            for (size_t k = qstart; k < P->p; k++)
                tl += P->L.toks[k].len + 1;
            q->qtext = malloc(tl + 1);
            if (!q->qtext) {
                P->nomem = P->failed = 1;
                node_free(q);
                node_free(n);
                return NULL;
            }
            size_t off = 0;
            for (size_t k = qstart; k < P->p; k++) {
                memcpy(q->qtext + off, P->L.s + P->L.toks[k].pos, P->L.toks[k].len);
                off += P->L.toks[k].len;
                q->qtext[off++] = ' ';
            }
            q->qtext[off ? off - 1 : 0] = '\0';
        }
        q->a = n;
        q->height = 1 + height_of(n);
        q->simple_qual = simple;
        n = q;
        if (n->height > AST_MAX_HEIGHT) {
            perr(P, "pattern too complex (expression height above %u)", AST_MAX_HEIGHT);
            node_free(n);
            return NULL;
        }
    }
    P->depth--;
    return n;
}

static node *parse_obs_and(parser *P)
{
    return parse_chain(P, parse_obs_expr, T_AND, N_OBS_AND);
}

static node *parse_obs_or(parser *P)
{
    return parse_chain(P, parse_obs_and, T_OR, N_OBS_OR);
}

static node *parse_obs_fb(parser *P)
{
    if (enter(P))
        return NULL;
    node *l = parse_chain(P, parse_obs_or, T_FOLLOWEDBY, N_OBS_FB);
    P->depth--;
    return l;
}

/* ---- semantic checks ---------------------------------------------------- */

typedef struct sem {
    unsigned flags;
    char *err;
    size_t errlen;
    int failed;
} sem;

static const char *sco_types =
    "artifact autonomous-system directory domain-name email-addr email-message file ipv4-addr "
    "ipv6-addr mac-addr mutex network-traffic process software url user-account "
    "windows-registry-key x509-certificate";

static void semfail(sem *S, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void semfail(sem *S, const char *fmt, ...)
{
    if (S->failed)
        return;
    S->failed = 1;
    if (!S->err || !S->errlen)
        return;
    va_list ap;
    va_start(ap, fmt);
    /* NOLINTNEXTLINE(clang-analyzer-valist.Uninitialized): started above (tidy 14 FP) */
    vsnprintf(S->err, S->errlen, fmt, ap);
    va_end(ap);
}

static void check_hash_lit(sem *S, const char *algo, const lit *l)
{
    if (l->k != L_STR)
        return;
    char up[32];
    size_t n = strlen(algo);
    if (n >= sizeof up)
        return;
    for (size_t i = 0; i <= n; i++)
        up[i] = (char)toupper((unsigned char)algo[i]);
    const char *canon = NULL;
    static const char *names[][2] = {{"MD5", "MD5"}, {"MD6", NULL}, {"SHA-1", "SHA-1"}, {"SHA1", "SHA-1"},
                                     {"SHA-256", "SHA-256"}, {"SHA256", "SHA-256"}, {"SHA-512", "SHA-512"},
                                     {"SHA512", "SHA-512"}, {"SHA3-256", "SHA3-256"}, {"SHA3256", "SHA3-256"},
                                     {"SHA3-512", "SHA3-512"}, {"SHA3512", "SHA3-512"}, {"SSDEEP", "SSDEEP"},
                                     {"TLSH", "TLSH"}};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcmp(up, names[i][0]) == 0)
            canon = names[i][1];
    if (!canon)
        return;
    if (stix_hash_value_ok(canon, l->s) == 0)
        semfail(S, "FAIL: '%s' is not a valid %s hash", l->s, algo);
}

/* NOLINTNEXTLINE(misc-no-recursion): AST height capped, depth checked */
static void sem_node(sem *S, const node *n, unsigned depth)
{
    if (!n || S->failed || depth > AST_MAX_HEIGHT + 4)
        return;
    if (n->k == N_TEST) {
        if (n->nsteps >= 2 && n->steps[0].k == ST_KEY && strcmp(n->steps[0].key, "hashes") == 0 &&
            n->steps[1].k == ST_KEY) {
            if (n->lv.k == L_SET) {
                for (size_t i = 0; i < n->lv.nset; i++)
                    check_hash_lit(S, n->steps[1].key, &n->lv.set[i]);
            } else if (n->op == OP_EQ || n->op == OP_NEQ) {
                check_hash_lit(S, n->steps[1].key, &n->lv);
            }
        }
        const char *t = n->otype;
        int known = stix_word_in(sco_types, t, strlen(t));
        if (!known) {
            if (S->flags & SG17_STIX_PATTERN_CHECK_TYPES)
                semfail(S, "'%s' is not a valid stix observable type.", t);
            else if (S->flags & SG17_STIX_PATTERN_PREFIX_STRICT) {
                const char *p = (t[0] == 'x' && t[1] == '-') ? strchr(t + 2, '-') : NULL;
                if (!p || !p[1] || p == t + 2)
                    semfail(S, "Custom Observable Object type '%s' should start with 'x-' "
                               "followed by a source unique identifier (like a domain name with "
                               "dots replaced by hyphens), a hyphen and then the name", t);
            } else if (S->flags & SG17_STIX_PATTERN_PREFIX_LAX) {
                if (!(t[0] == 'x' && t[1] == '-'))
                    semfail(S, "Custom Observable Object type '%s' should start with 'x-'.", t);
            }
        }
        if (n->nsteps >= 1 && n->steps[0].k == ST_KEY &&
            (S->flags & (SG17_STIX_PATTERN_CHECK_TYPES | SG17_STIX_PATTERN_STRICT_PROPS | SG17_STIX_PATTERN_PROPNAMES |
                         SG17_STIX_PATTERN_PREFIX_STRICT | SG17_STIX_PATTERN_PREFIX_LAX))) {
            const stix_tdef *td = known ? stix_tdef_find(t) : NULL;
            const char *k = n->steps[0].key;
            size_t kl = strlen(k);
            if (kl < 3 && strcmp(k, "id") != 0)
                semfail(S, "'%s' is not a valid observable property name.", k);
            else if ((S->flags & SG17_STIX_PATTERN_STRICT_PROPS) && td && !stix_word_in(td->props, k, kl))
                semfail(S, "'%s' is not a valid property for '%s' objects.", k, t);
        }
        return;
    }
    sem_node(S, n->a, depth + 1);
    sem_node(S, n->b, depth + 1);
}

static int compile_regexes(node *n, unsigned depth, char *err, size_t errlen);

/* Well-formed UTF-8 (RFC 3629: no overlongs, surrogates or > U+10FFFF). */
static int utf8_ok(const unsigned char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        unsigned c = s[i];
        size_t k;
        unsigned cp, min;
        if (c < 0x80) {
            i++;
            continue;
        } else if ((c & 0xe0) == 0xc0) {
            k = 1;
            cp = c & 0x1f;
            min = 0x80;
        } else if ((c & 0xf0) == 0xe0) {
            k = 2;
            cp = c & 0x0f;
            min = 0x800;
        } else if ((c & 0xf8) == 0xf0) {
            k = 3;
            cp = c & 0x07;
            min = 0x10000;
        } else {
            return 0;
        }
        for (size_t j = 1; j <= k; j++) {
            if (i + j >= n || (s[i + j] & 0xc0) != 0x80)
                return 0;
            cp = (cp << 6) | (s[i + j] & 0x3f);
        }
        if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
            return 0;
        i += k + 1;
    }
    return 1;
}

static int do_parse(const char *pattern, node **out, char *err, size_t errlen, int dupcheck)
{
    if (err && errlen)
        err[0] = '\0';
    if (!pattern)
        return SG17_E_INVAL;
    size_t n = strlen(pattern);
    if (n > SG17_STIX_PATTERN_MAX_LEN) {
        if (err)
            snprintf(err, errlen, "pattern longer than %zu bytes", SG17_STIX_PATTERN_MAX_LEN);
        return SG17_E_FORMAT;
    }
    if (!utf8_ok((const unsigned char *)pattern, n)) {
        if (err && errlen)
            snprintf(err, errlen, "FAIL: the pattern is not valid UTF-8");
        return SG17_E_FORMAT;
    }
    parser P;
    memset(&P, 0, sizeof P);
    P.L.s = pattern;
    P.L.n = n;
    P.err = err;
    P.errlen = errlen;
    P.dupcheck = dupcheck;
    if (lex(&P.L)) {
        free(P.L.toks);
        return SG17_E_NOMEM;
    }
    node *root = parse_obs_fb(&P);
    if (root && cur(&P)->t != T_EOF) {
        tok *t = cur(&P);
        perr(&P, "extraneous input '%.*s' expecting <EOF>", (int)t->len, pattern + t->pos);
        node_free(root);
        root = NULL;
    }
    if (!root && !P.failed)
        perr(&P, "syntax error");
    (void)tokname;
    free(P.L.toks);
    if (!root)
        return P.nomem ? SG17_E_NOMEM : SG17_E_FORMAT;
    *out = root;
    return 0;
}

int sg17_stix_pattern_check(const char *pattern, unsigned flags, char *err, size_t err_len)
{
    node *root = NULL;
    int rc = do_parse(pattern, &root, err, err_len, 1);
    if (rc)
        return rc;
    sem S = {flags, err, err_len, 0};
    sem_node(&S, root, 0);
    /* As the reference validator: MATCHES takes any string literal here; an
     * invalid regular expression is an error when the pattern is compiled
     * for matching. */
    node_free(root);
    return S.failed ? SG17_E_FORMAT : rc;
}

/* ---- NFC (Unicode normalisation form C, via ICU) ------------------------------ */

/* NFC of UTF-8 text into a new buffer; ASCII is returned as a copy. NULL on
 * invalid UTF-8 or allocation failure. */
static char *nfc_dup(const char *s, size_t n, size_t *olen)
{
    int ascii = 1;
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] >= 0x80)
            ascii = 0;
    if (ascii || n > ((size_t)1 << 24)) {
        char *o = malloc(n + 1);
        if (!o)
            return NULL;
        memcpy(o, s, n);
        o[n] = '\0';
        *olen = n;
        return o;
    }
    UErrorCode st = U_ZERO_ERROR;
    const UNormalizer2 *nfc = unorm2_getNFCInstance(&st);
    if (U_FAILURE(st))
        return NULL;
    int32_t cap = (int32_t)n + 1, ulen = 0;
    UChar *u = malloc((size_t)cap * sizeof *u);
    UChar *v = malloc((size_t)cap * 3 * sizeof *v);
    char *o = NULL;
    if (!u || !v)
        goto out;
    u_strFromUTF8(u, cap, &ulen, s, (int32_t)n, &st);
    if (U_FAILURE(st))
        goto out;
    int32_t vlen = unorm2_normalize(nfc, u, ulen, v, cap * 3, &st);
    if (U_FAILURE(st))
        goto out;
    int32_t blen = 0;
    size_t ocap = (size_t)vlen * 3 + 1;
    o = malloc(ocap);
    if (!o)
        goto out;
    u_strToUTF8(o, (int32_t)ocap, &blen, v, vlen, &st);
    if (U_FAILURE(st)) {
        free(o);
        o = NULL;
        goto out;
    }
    o[blen] = '\0';
    *olen = (size_t)blen;
out:
    free(u);
    free(v);
    return o;
}

/* ---- regex compilation (PCRE2) -------------------------------------------- */

/* NOLINTNEXTLINE(misc-no-recursion): AST height capped, depth checked */
static int compile_regexes(node *n, unsigned depth, char *err, size_t errlen)
{
    if (!n || depth > AST_MAX_HEIGHT + 4)
        return 0;
    if (n->k == N_TEST && (n->op == OP_MATCHES || n->op == OP_LIKE) && n->lv.k == L_STR && !n->nfc_done) {
        size_t nl = 0;
        char *ns = nfc_dup(n->lv.s, n->lv.slen, &nl);
        if (ns) {
            free(n->lv.s);
            n->lv.s = ns;
            n->lv.slen = nl;
        }
        n->nfc_done = 1;
    }
    if (n->k == N_TEST && n->op == OP_MATCHES && !n->re) {
        int ec = 0;
        PCRE2_SIZE eo = 0;
        n->re = pcre2_compile((PCRE2_SPTR)n->lv.s, n->lv.slen, PCRE2_UTF | PCRE2_MATCH_INVALID_UTF,
                              &ec, &eo, NULL);
        if (!n->re) {
            if (err && errlen) {
                PCRE2_UCHAR msg[120];
                pcre2_get_error_message(ec, msg, sizeof msg);
                snprintf(err, errlen, "FAIL: invalid regular expression '%s': %s", n->lv.s, (const char *)msg);
            }
            return SG17_E_FORMAT;
        }
        n->re_b = pcre2_compile((PCRE2_SPTR)n->lv.s, n->lv.slen, 0, &ec, &eo, NULL);
        if (n->re_b)
            pcre2_jit_compile(n->re_b, PCRE2_JIT_COMPLETE);
        pcre2_jit_compile(n->re, PCRE2_JIT_COMPLETE);
    }
    int rc = compile_regexes(n->a, depth + 1, err, errlen);
    if (rc)
        return rc;
    return compile_regexes(n->b, depth + 1, err, errlen);
}

int sg17_stix_pattern_compile(const char *pattern, sg17_stix_pattern **out, char *err, size_t err_len)
{
    if (!out)
        return SG17_E_INVAL;
    *out = NULL;
    node *root = NULL;
    int rc = do_parse(pattern, &root, err, err_len, 0);
    if (rc)
        return rc;
    rc = compile_regexes(root, 0, err, err_len);
    if (rc) {
        node_free(root);
        return rc;
    }
    sg17_stix_pattern *p = calloc(1, sizeof *p);
    if (!p) {
        node_free(root);
        return SG17_E_NOMEM;
    }
    p->root = root;
    *out = p;
    return 0;
}

void sg17_stix_pattern_free(sg17_stix_pattern *p)
{
    if (!p)
        return;
    node_free(p->root);
    free(p->text);
    free(p);
}

/* ---- observations ------------------------------------------------------- */

typedef struct obs {
    const json_t *od;
    const char *id;
    int64_t fs, ls; /* first/last observed, seconds */
    uint32_t fns, lns;
    long number;
    const json_t **roots;
    size_t nroots;
    const json_t *scope; /* deprecated "objects" dict, or NULL */
} obs;

struct sg17_stix_observations {
    obs *o;
    size_t n, cap;
    json_t *ids; /* id -> object */
};

/* Index the objects of the list and of bundles directly in it (bundles do
 * not nest in STIX 2.1; a bundle inside a bundle is not descended into). */
/* NOLINTNEXTLINE(misc-no-recursion): one level (top-level bundles only) */
static int index_objects(sg17_stix_observations *O, const json_t *arr, int top)
{
    size_t i;
    const json_t *e;
    json_array_foreach(arr, i, e) {
        const char *id = json_string_value(json_object_get(e, "id"));
        const char *t = json_string_value(json_object_get(e, "type"));
        if (t && strcmp(t, "bundle") == 0) {
            if (top) {
                int rc = index_objects(O, json_object_get(e, "objects"), 0);
                if (rc)
                    return rc;
            }
            continue;
        }
        if (id && json_object_set(O->ids, id, stix_unconst(e)))
            return SG17_E_NOMEM;
    }
    return 0;
}

static int add_od(sg17_stix_observations *O, const json_t *od, char *err, size_t errlen)
{
    if (O->n == O->cap) {
        size_t nc = O->cap ? O->cap * 2 : 16;
        obs *no = realloc(O->o, nc * sizeof *no);
        if (!no)
            return SG17_E_NOMEM;
        O->o = no;
        O->cap = nc;
    }
    obs *b = &O->o[O->n];
    memset(b, 0, sizeof *b);
    b->od = od;
    b->id = json_string_value(json_object_get(od, "id"));
    const char *f = json_string_value(json_object_get(od, "first_observed"));
    const char *l = json_string_value(json_object_get(od, "last_observed"));
    if (!f || !l || sg17_stix_timestamp_parse(f, &b->fs, &b->fns) ||
        sg17_stix_timestamp_parse(l, &b->ls, &b->lns)) {
        if (err)
            snprintf(err, errlen, "observed-data %s: bad first_observed/last_observed", b->id ? b->id : "?");
        return SG17_E_FORMAT;
    }
    const json_t *no = json_object_get(od, "number_observed");
    b->number = json_is_integer(no) ? (long)json_integer_value(no) : 1;
    if (b->number < 1)
        b->number = 1;
    const json_t *objs = json_object_get(od, "objects");
    const json_t *refs = json_object_get(od, "object_refs");
    size_t cap = json_object_size(objs) + json_array_size(refs);
    b->roots = calloc(cap ? cap : 1, sizeof *b->roots);
    if (!b->roots)
        return SG17_E_NOMEM;
    if (json_is_object(objs) && json_object_size(objs) > 0) {
        b->scope = objs;
        const char *k;
        const json_t *v;
        json_object_foreach(stix_unconst(objs), k, v) b->roots[b->nroots++] = v;
    }
    {
        size_t i;
        const json_t *r;
        json_array_foreach(refs, i, r) {
            const json_t *o = json_object_get(O->ids, json_string_value(r) ? json_string_value(r) : "");
            if (o)
                b->roots[b->nroots++] = o;
        }
    }
    O->n++;
    return 0;
}

/* NOLINTNEXTLINE(misc-no-recursion): one level (top-level bundles only) */
static int collect_od(sg17_stix_observations *O, const json_t *arr, int top, char *err, size_t errlen)
{
    size_t i;
    const json_t *e;
    json_array_foreach(arr, i, e) {
        const char *t = json_string_value(json_object_get(e, "type"));
        if (!t)
            continue;
        int rc = 0;
        if (strcmp(t, "bundle") == 0) {
            if (top)
                rc = collect_od(O, json_object_get(e, "objects"), 0, err, errlen);
        } else if (strcmp(t, "observed-data") == 0) {
            rc = add_od(O, e, err, errlen);
        }
        if (rc)
            return rc;
    }
    return 0;
}

void sg17_stix_observations_free(sg17_stix_observations *o)
{
    if (!o)
        return;
    for (size_t i = 0; i < o->n; i++)
        free(o->o[i].roots);
    free(o->o);
    json_decref(o->ids);
    free(o);
}

int sg17_stix_observations_load(const json_t *list, sg17_stix_observations **out, char *err, size_t errlen)
{
    if (!out)
        return SG17_E_INVAL;
    *out = NULL;
    if (!json_is_array(list)) {
        if (err)
            snprintf(err, errlen, "observations must be a JSON array");
        return SG17_E_FORMAT;
    }
    sg17_stix_observations *O = calloc(1, sizeof *O);
    if (!O)
        return SG17_E_NOMEM;
    O->ids = json_object();
    int rc = O->ids ? index_objects(O, list, 1) : SG17_E_NOMEM;
    if (!rc)
        rc = collect_od(O, list, 1, err, errlen);
    if (rc) {
        sg17_stix_observations_free(O);
        return rc;
    }
    *out = O;
    return 0;
}

/* ---- evaluation: values ----------------------------------------------------- */

#define MAXVALS 4096

typedef struct vals {
    const json_t *v[MAXVALS];
    const char *key[MAXVALS]; /* last key on the way (binary hints) */
    size_t n;
} vals;

typedef struct ectx {
    const sg17_stix_observations *O;
    const obs *cur;
    int error;
    char *err;
    size_t errlen;
    vals *vb;
} ectx;

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
            int h = hexv((unsigned char)s[2 * i]), l = hexv((unsigned char)s[2 * i + 1]);
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
        if (b64_decode(s, n, buf, len))
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
        char *ns = nfc_dup(json_string_value(v), json_string_length(v), &nl);
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
            b = nfc_dup(json_string_value(v), json_string_length(v), &bl);
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

/* Comparison result over one observation: a bit per root, the single type tested
 * (or NULL when several types are involved). */
typedef struct cres {
    uint8_t *m;
    const char *type;
    int any;
} cres;

/* NOLINTNEXTLINE(misc-no-recursion): AST height capped, depth checked */
static int eval_cmp(ectx *E, const node *n, cres *r, unsigned depth)
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
    int rc = eval_cmp(E, n->a, r, depth + 1);
    if (!rc)
        rc = eval_cmp(E, n->b, &rb, depth + 1);
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

/* ---- evaluation: bindings --------------------------------------------------- */

#define MAX_BINDINGS 200000U
/* An observed-data with number_observed = n stands for n observations (REPEATS
 * counts them); at most this many copies are considered. */
#define MAX_COPIES 64

typedef struct blist {
    uint32_t *data; /* concatenated sorted index lists */
    size_t *off;    /* binding i = data[off[i] .. off[i+1]) */
    size_t n, dcap, ocap;
} blist;

static void bl_free(blist *l)
{
    free(l->data);
    free(l->off);
    memset(l, 0, sizeof *l);
}

static int bl_add(blist *l, const uint32_t *ix, size_t len)
{
    if (l->n >= MAX_BINDINGS)
        return SG17_E_LIMIT;
    if (l->ocap < l->n + 2) {
        size_t nc = l->ocap ? l->ocap * 2 : 16;
        size_t *no = realloc(l->off, nc * sizeof *no);
        if (!no)
            return SG17_E_NOMEM;
        if (l->ocap == 0)
            no[0] = 0;
        l->off = no;
        l->ocap = nc;
    }
    size_t used = l->off[l->n];
    if (l->dcap < used + len) {
        size_t nc = l->dcap ? l->dcap * 2 : 64;
        while (nc < used + len)
            nc *= 2;
        uint32_t *nd = realloc(l->data, nc * sizeof *nd);
        if (!nd)
            return SG17_E_NOMEM;
        l->data = nd;
        l->dcap = nc;
    }
    if (len)
        memcpy(l->data + used, ix, len * sizeof *ix);
    l->off[l->n + 1] = used + len;
    l->n++;
    return 0;
}

static size_t bl_len(const blist *l, size_t i)
{
    return l->off[i + 1] - l->off[i];
}

static const uint32_t *bl_at(const blist *l, size_t i)
{
    return l->data + l->off[i];
}

/* merge two sorted multisets; 0 if some observation is used more often than observed */
static int merge(const sg17_stix_observations *O, const uint32_t *a, size_t an, const uint32_t *b,
                 size_t bn, uint32_t *out)
{
    size_t i = 0, j = 0, k = 0;
    while (i < an || j < bn) {
        if (j >= bn || (i < an && a[i] <= b[j]))
            out[k++] = a[i++];
        else
            out[k++] = b[j++];
    }
    size_t run = 1;
    for (size_t x = 1; x < k; x++) {
        run = out[x] == out[x - 1] ? run + 1 : 1;
        if ((long)run > O->o[out[x]].number)
            return 0;
    }
    return 1;
}

static int64_t t_ns(int64_t s, uint32_t ns)
{
    return s * 1000000000LL + ns;
}

static int eval_obs(ectx *E, const node *n, blist *out, unsigned depth);

static int eval_pairs(ectx *E, const node *n, const blist *l, const blist *r, blist *out)
{
    const sg17_stix_observations *O = E->O;
    uint32_t *buf = NULL;
    size_t bcap = 0;
    int rc = 0;
    for (size_t i = 0; i < l->n && !rc; i++) {
        for (size_t j = 0; j < r->n && !rc; j++) {
            size_t an = bl_len(l, i), bn = bl_len(r, j);
            const uint32_t *a = bl_at(l, i), *b = bl_at(r, j);
            if (n->k == N_OBS_FB) {
                /* every observation on the left no later than every one on the right */
                int64_t lmax = INT64_MIN, rmin = INT64_MAX;
                for (size_t x = 0; x < an; x++) {
                    int64_t t = t_ns(O->o[a[x]].fs, O->o[a[x]].fns);
                    if (t > lmax)
                        lmax = t;
                }
                for (size_t x = 0; x < bn; x++) {
                    int64_t t = t_ns(O->o[b[x]].fs, O->o[b[x]].fns);
                    if (t < rmin)
                        rmin = t;
                }
                if (lmax > rmin)
                    continue;
            }
            if (bcap < an + bn) {
                bcap = (an + bn) * 2;
                uint32_t *nb = realloc(buf, bcap * sizeof *nb);
                if (!nb) {
                    rc = SG17_E_NOMEM;
                    break;
                }
                buf = nb;
            }
            if (!merge(O, a, an, b, bn, buf))
                continue;
            rc = bl_add(out, buf, an + bn);
        }
    }
    free(buf);
    return rc;
}

static int repeats(ectx *E, const blist *in, long times, blist *out)
{
    /* choose `times` bindings i1 < i2 < ... (combinations), iteratively */
    const sg17_stix_observations *O = E->O;
    if (times <= 0)
        return 0;
    if ((size_t)times > in->n)
        return 0;
    size_t t = (size_t)times;
    size_t *ch = calloc(t, sizeof *ch);
    size_t total = 0;
    for (size_t i = 0; i < in->n; i++)
        total += bl_len(in, i);
    uint32_t *acc = malloc((total + 1) * sizeof *acc);
    uint32_t *tmp = malloc((total + 1) * sizeof *tmp);
    size_t *alen = calloc(t + 1, sizeof *alen);
    if (!ch || !acc || !tmp || !alen) {
        free(ch);
        free(acc);
        free(tmp);
        free(alen);
        return SG17_E_NOMEM;
    }
    int rc = 0;
    size_t level = 0;
    ch[0] = 0;
    size_t steps = 0;
    /* acc holds the merged multiset for levels < level; recompute per level */
    while (!rc) {
        if (++steps > 4u * MAX_BINDINGS) {
            rc = SG17_E_LIMIT;
            break;
        }
        if (ch[level] >= in->n) {
            if (level == 0)
                break;
            level--;
            ch[level]++;
            continue;
        }
        /* merge acc (levels 0..level-1) with binding ch[level] */
        size_t prev = level ? alen[level] : 0;
        size_t bn = bl_len(in, ch[level]);
        /* recompute acc prefix for this level */
        size_t cur = 0;
        int ok = 1;
        for (size_t x = 0; x <= level && ok; x++) {
            size_t l2 = bl_len(in, ch[x]);
            if (!merge(O, acc, cur, bl_at(in, ch[x]), l2, tmp))
                ok = 0;
            else {
                memcpy(acc, tmp, (cur + l2) * sizeof *acc);
                cur += l2;
            }
        }
        (void)prev;
        (void)bn;
        if (!ok) {
            ch[level]++;
            continue;
        }
        if (level + 1 == t) {
            rc = bl_add(out, acc, cur);
            ch[level]++;
            if (out->n >= 1 && steps > MAX_BINDINGS)
                break;
            continue;
        }
        alen[level + 1] = cur;
        level++;
        ch[level] = ch[level - 1] + 1;
    }
    free(ch);
    free(acc);
    free(tmp);
    free(alen);
    return rc;
}

/* NOLINTNEXTLINE(misc-no-recursion): AST height capped, depth checked */
static int eval_obs(ectx *E, const node *n, blist *out, unsigned depth)
{
    const sg17_stix_observations *O = E->O;
    if (depth > AST_MAX_HEIGHT + 4)
        return SG17_E_LIMIT;
    int rc = 0;
    switch (n->k) {
    case N_OBS: {
        size_t maxr = 1;
        for (size_t i = 0; i < O->n; i++)
            if (O->o[i].nroots > maxr)
                maxr = O->o[i].nroots;
        cres r;
        r.m = malloc(maxr);
        if (!r.m)
            return SG17_E_NOMEM;
        for (size_t i = 0; i < O->n && !rc; i++) {
            E->cur = &O->o[i];
            rc = eval_cmp(E, n->a, &r, depth + 1);
            if (!rc && r.any) {
                uint32_t ix = (uint32_t)i;
                long copies = O->o[i].number < MAX_COPIES ? O->o[i].number : MAX_COPIES;
                for (long c = 0; c < copies && !rc; c++)
                    rc = bl_add(out, &ix, 1);
            }
        }
        free(r.m);
        return rc;
    }
    case N_OBS_OR: {
        blist b = {0};
        rc = eval_obs(E, n->a, out, depth + 1);
        if (!rc)
            rc = eval_obs(E, n->b, &b, depth + 1);
        for (size_t i = 0; i < b.n && !rc; i++)
            rc = bl_add(out, bl_at(&b, i), bl_len(&b, i));
        bl_free(&b);
        return rc;
    }
    case N_OBS_AND:
    case N_OBS_FB: {
        blist a = {0}, b = {0};
        rc = eval_obs(E, n->a, &a, depth + 1);
        if (!rc)
            rc = eval_obs(E, n->b, &b, depth + 1);
        if (!rc)
            rc = eval_pairs(E, n, &a, &b, out);
        bl_free(&a);
        bl_free(&b);
        return rc;
    }
    case N_WITHIN:
    case N_STARTSTOP: {
        blist a = {0};
        rc = eval_obs(E, n->a, &a, depth + 1);
        for (size_t i = 0; i < a.n && !rc; i++) {
            const uint32_t *ix = bl_at(&a, i);
            size_t len = bl_len(&a, i);
            int64_t mn = INT64_MAX, mx = INT64_MIN;
            int ok = 1;
            for (size_t k = 0; k < len; k++) {
                const obs *b = &O->o[ix[k]];
                int64_t f = t_ns(b->fs, b->fns), l = t_ns(b->ls, b->lns);
                if (f < mn)
                    mn = f;
                if (l > mx)
                    mx = l;
                if (n->k == N_STARTSTOP) {
                    int64_t st = t_ns(n->start_s, n->start_ns), sp = t_ns(n->stop_s, n->stop_ns);
                    if (!(f >= st && l < sp))
                        ok = 0;
                }
            }
            if (n->k == N_WITHIN) {
                int64_t latest_first = INT64_MIN, earliest_last = INT64_MAX;
                for (size_t k = 0; k < len; k++) {
                    const obs *b = &O->o[ix[k]];
                    int64_t f = t_ns(b->fs, b->fns), l = t_ns(b->ls, b->lns);
                    if (f > latest_first)
                        latest_first = f;
                    if (l < earliest_last)
                        earliest_last = l;
                }
                if ((double)(latest_first - earliest_last) > n->within * 1e9)
                    ok = 0;
            }
            (void)mn;
            (void)mx;
            if (ok)
                rc = bl_add(out, ix, len);
        }
        bl_free(&a);
        return rc;
    }
    case N_REPEATS: {
        blist a = {0};
        rc = eval_obs(E, n->a, &a, depth + 1);
        if (!rc)
            rc = repeats(E, &a, n->repeats, out);
        bl_free(&a);
        return rc;
    }
    default:
        return SG17_E_INVAL;
    }
}

int sg17_stix_pattern_match(const sg17_stix_pattern *p, const sg17_stix_observations *obs_in,
                            json_t **matched, char *err, size_t err_len)
{
    if (matched)
        *matched = NULL;
    if (!p || !obs_in)
        return SG17_E_INVAL;
    if (err && err_len)
        err[0] = '\0';
    ectx E;
    memset(&E, 0, sizeof E);
    E.O = obs_in;
    E.err = err;
    E.errlen = err_len;
    E.vb = malloc(sizeof *E.vb);
    if (!E.vb)
        return SG17_E_NOMEM;
    blist out = {0};
    int rc = eval_obs(&E, p->root, &out, 0);
    free(E.vb);
    if (rc == 0 && E.error)
        rc = SG17_E_FORMAT;
    if (rc) {
        if (rc == SG17_E_LIMIT && err && err_len && !err[0])
            snprintf(err, err_len, "binding search exceeded %u bindings", MAX_BINDINGS);
        bl_free(&out);
        return rc;
    }
    int hit = out.n > 0;
    if (matched) {
        json_t *arr = json_array();
        if (!arr) {
            bl_free(&out);
            return SG17_E_NOMEM;
        }
        if (hit) {
            const uint32_t *ix = bl_at(&out, 0);
            size_t len = bl_len(&out, 0);
            for (size_t k = 0; k < len; k++) {
                if (k && ix[k] == ix[k - 1])
                    continue;
                const char *id = obs_in->o[ix[k]].id;
                json_array_append_new(arr, json_string(id ? id : ""));
            }
        }
        *matched = arr;
    }
    bl_free(&out);
    return hit;
}

/* ---- inspection ------------------------------------------------------------ */

static int add_unique_sorted(json_t *arr, const char *s)
{
    size_t i;
    const json_t *e;
    json_array_foreach(arr, i, e) if (strcmp(json_string_value(e), s) == 0) return 0;
    size_t pos = 0;
    json_array_foreach(arr, i, e) if (strcmp(json_string_value(e), s) < 0) pos = i + 1;
    return json_array_insert_new(arr, pos, json_string(s));
}

/* NOLINTNEXTLINE(misc-no-recursion): AST height capped, depth checked */
static int inspect_node(const node *n, json_t *quals, json_t *ops, json_t *cmps, unsigned depth)
{
    if (!n || depth > AST_MAX_HEIGHT + 4)
        return 0;
    int rc = 0;
    switch (n->k) {
    case N_WITHIN:
    case N_REPEATS:
    case N_STARTSTOP:
        if (n->qtext)
            rc = add_unique_sorted(quals, n->qtext);
        break;
    case N_OBS_AND:
        rc = add_unique_sorted(ops, "AND");
        break;
    case N_OBS_OR:
        rc = add_unique_sorted(ops, "OR");
        break;
    case N_OBS_FB:
        rc = add_unique_sorted(ops, "FOLLOWEDBY");
        break;
    case N_TEST: {
        json_t *path = json_array();
        for (size_t i = 0; path && i < n->nsteps; i++) {
            if (n->steps[i].k == ST_KEY)
                json_array_append_new(path, json_string(n->steps[i].key));
            else if (n->steps[i].k == ST_STAR)
                json_array_append_new(path, json_string("*"));
            else
                json_array_append_new(path, json_integer(n->steps[i].idx));
        }
        json_t *list = json_object_get(cmps, n->otype);
        if (!list) {
            list = json_array();
            if (!list || json_object_set_new(cmps, n->otype, list)) {
                json_decref(path);
                return -1;
            }
        }
        json_t *tuple = json_pack("[o s s]", path, n->optext ? n->optext : "",
                                  n->littext ? n->littext : "");
        if (!tuple || json_array_append_new(list, tuple))
            return -1;
        return 0;
    }
    default:
        break;
    }
    if (rc)
        return -1;
    if (inspect_node(n->a, quals, ops, cmps, depth + 1))
        return -1;
    return inspect_node(n->b, quals, ops, cmps, depth + 1);
}

int sg17_stix_pattern_inspect(const sg17_stix_pattern *p, json_t **out)
{
    if (!p || !out)
        return SG17_E_INVAL;
    json_t *q = json_array(), *o = json_array(), *c = json_object();
    json_t *r = (q && o && c) ? json_pack("{s o s o s o}", "qualifiers", q, "observation_ops", o,
                                          "comparisons", c)
                              : NULL;
    if (!r) {
        json_decref(q);
        json_decref(o);
        json_decref(c);
        return SG17_E_NOMEM;
    }
    if (inspect_node(p->root, q, o, c, 0)) {
        json_decref(r);
        return SG17_E_NOMEM;
    }
    *out = r;
    return 0;
}
