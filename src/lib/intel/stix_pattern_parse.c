/*
 * STIX 2.1 Patterning (CS02 section 9): recursive-descent parser for
 * STIXPattern.g4 (explicit depth cap, balanced chains).
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stix_internal.h"
#include "stix_pattern_internal.h"

static node *parse_cmp_or(parser *P);
static node *parse_obs_fb(parser *P);

static int enter(parser *P)
{
    if (++P->depth > SG17_STIX_PATTERN_MAX_DEPTH) {
        stix_pat_perr(P, "nesting deeper than %u", SG17_STIX_PATTERN_MAX_DEPTH);
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

/* A key step (identifier or quoted string) at the current token, consumed. */
static int parse_key_step(parser *P, node *n)
{
    tok *t = stix_pat_cur(P);
    if (t->t == T_IDENT) {
        if (add_step(P, n, ST_KEY, stix_pat_tokdup(P, t), 0))
            return -1;
    } else if (t->t == T_STR) {
        if (add_step(P, n, ST_KEY, stix_pat_unquote(P, t, NULL), 0))
            return -1;
    } else {
        stix_pat_perr(P, "mismatched input '%.*s' expecting {IdentifierWithoutHyphen, StringLiteral}",
                      (int)t->len, P->L.s + t->pos);
        return -1;
    }
    P->p++;
    return 0;
}

static int parse_path(parser *P, node *n)
{
    tok *t = stix_pat_cur(P);
    if (t->t != T_IDENT && t->t != T_IDENT_H) {
        stix_pat_perr(P, "no viable alternative at input '%.*s'", (int)t->len, P->L.s + t->pos);
        return -1;
    }
    n->otype = stix_pat_tokdup(P, t);
    if (!n->otype)
        return -1;
    P->p++;
    if (stix_pat_cur(P)->t != T_COLON) {
        stix_pat_perr(P, "no viable alternative at input '%.*s%.*s'", (int)t->len, P->L.s + t->pos,
             (int)stix_pat_cur(P)->len, P->L.s + stix_pat_cur(P)->pos);
        return -1;
    }
    P->p++;
    if (parse_key_step(P, n))
        return -1;
    for (;;) {
        t = stix_pat_cur(P);
        if (t->t == T_DOT) {
            P->p++;
            if (parse_key_step(P, n))
                return -1;
        } else if (t->t == T_LBRACK) {
            P->p++;
            t = stix_pat_cur(P);
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
                stix_pat_perr(P, "mismatched input '%.*s' expecting {IntPosLiteral, IntNegLiteral, '*'}",
                     (int)t->len, P->L.s + t->pos);
                return -1;
            }
            P->p++;
            if (stix_pat_cur(P)->t != T_RBRACK) {
                stix_pat_perr(P, "missing ']'");
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
    tok *t = stix_pat_cur(P);
    if (t->t == T_LPAREN) {
        P->p++;
        n = parse_cmp_or(P);
        if (!n)
            goto fail;
        if (stix_pat_cur(P)->t != T_RPAREN) {
            stix_pat_perr(P, "mismatched input '%.*s' expecting ')'", (int)stix_pat_cur(P)->len, P->L.s + stix_pat_cur(P)->pos);
            goto fail;
        }
        P->p++;
        P->depth--;
        return n;
    }
    n = stix_pat_nnew(P, N_TEST);
    if (!n)
        goto fail;
    n->height = 1;
    if (t->t == T_NOT && P->L.toks[P->p + 1].t == T_EXISTS) {
        n->neg = 1;
        P->p++;
        t = stix_pat_cur(P);
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
    t = stix_pat_cur(P);
    if (t->t == T_NOT) {
        n->neg = 1;
        P->p++;
        t = stix_pat_cur(P);
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
        stix_pat_perr(P, "no viable alternative at input '%.*s'", (int)t->len, P->L.s + t->pos);
        goto fail;
    }
    t = stix_pat_cur(P);
    size_t lit_from = t->pos;
    if (n->op == OP_IN) {
        if (t->t != T_LPAREN) {
            stix_pat_perr(P, "mismatched input '%.*s' expecting '('", (int)t->len, P->L.s + t->pos);
            goto fail;
        }
        P->p++;
        n->lv.k = L_SET;
        while (stix_pat_cur(P)->t != T_RPAREN) {
            if (n->lv.nset) {
                if (stix_pat_cur(P)->t != T_COMMA) {
                    stix_pat_perr(P, "mismatched input '%.*s' expecting {',', ')'}", (int)stix_pat_cur(P)->len, P->L.s + stix_pat_cur(P)->pos);
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
            if (stix_pat_parse_literal(P, &n->lv.set[n->lv.nset], 1))
                goto fail;
            n->lv.nset++;
        }
        P->p++;
    } else if (n->op == OP_LIKE || n->op == OP_MATCHES || n->op == OP_ISSUBSET || n->op == OP_ISSUPERSET) {
        if (t->t != T_STR) {
            stix_pat_perr(P, "missing StringLiteral at '%.*s'", (int)t->len, P->L.s + t->pos);
            goto fail;
        }
        if (stix_pat_parse_literal(P, &n->lv, 0))
            goto fail;
    } else {
        if (stix_pat_parse_literal(P, &n->lv, n->op == OP_EQ || n->op == OP_NEQ))
            goto fail;
    }
    n->littext = stix_pat_spandup(P, lit_from, P->L.toks[P->p - 1].pos + P->L.toks[P->p - 1].len);
    if (!n->littext)
        goto fail;
    P->depth--;
    return n;
fail:
    stix_pat_node_free(n);
    return NULL;
}

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
        stix_pat_node_free(l);
        stix_pat_node_free(r);
        return NULL;
    }
    node *n = stix_pat_nnew(P, k);
    if (!n) {
        stix_pat_node_free(l);
        stix_pat_node_free(r);
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
    while (stix_pat_cur(P)->t == op) {
        P->p++;
        node *r = operand(P);
        if (!r)
            goto fail;
        if (n == cap) {
            node **ni = realloc(items, 2 * cap * sizeof *ni);
            if (!ni) {
                stix_pat_node_free(r);
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
        stix_pat_perr(P, "pattern too complex (expression height above %u)", AST_MAX_HEIGHT);
        stix_pat_node_free(t);
        return NULL;
    }
    return t;
fail:
    for (size_t i = 0; i < n; i++)
        stix_pat_node_free(items[i]);
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
    tok *t = stix_pat_cur(P);
    int simple = 0;
    if (t->t == T_LBRACK) {
        P->p++;
        node *c = parse_cmp_or(P);
        if (!c)
            return NULL;
        if (stix_pat_cur(P)->t != T_RBRACK) {
            stix_pat_perr(P, "mismatched input '%.*s' expecting ']'", (int)stix_pat_cur(P)->len, P->L.s + stix_pat_cur(P)->pos);
            stix_pat_node_free(c);
            return NULL;
        }
        P->p++;
        n = stix_pat_nnew(P, N_OBS);
        if (!n) {
            stix_pat_node_free(c);
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
        if (stix_pat_cur(P)->t != T_RPAREN) {
            stix_pat_perr(P, "mismatched input '%.*s' expecting ')'", (int)stix_pat_cur(P)->len, P->L.s + stix_pat_cur(P)->pos);
            stix_pat_node_free(n);
            return NULL;
        }
        P->p++;
    } else {
        if (P->p == 0)
            stix_pat_perr(P, "input is missing square brackets");
        else
            stix_pat_perr(P, "mismatched input '%.*s' expecting {'[', '('}", (int)t->len, P->L.s + t->pos);
        return NULL;
    }
    unsigned seen = 0;
    for (;;) {
        t = stix_pat_cur(P);
        size_t qstart = P->p;
        node *q = NULL;
        unsigned bit = 0;
        if (t->t == T_WITHIN) {
            P->p++;
            tok *v = stix_pat_cur(P);
            if (v->t != T_INT_POS && v->t != T_FLOAT_POS) {
                stix_pat_perr(P, "mismatched input '%.*s' expecting {IntPosLiteral, FloatPosLiteral}", (int)v->len, P->L.s + v->pos);
                stix_pat_node_free(n);
                return NULL;
            }
            q = stix_pat_nnew(P, N_WITHIN);
            if (!q) {
                stix_pat_node_free(n);
                return NULL;
            }
            char buf[64];
            size_t len = v->len < 63 ? v->len : 63;
            memcpy(buf, P->L.s + v->pos, len);
            buf[len] = '\0';
            q->within = strtod(buf, NULL);
            if (!(q->within > 0)) {
                stix_pat_perr(P, "WITHIN requires a positive number of seconds");
                stix_pat_node_free(q);
                stix_pat_node_free(n);
                return NULL;
            }
            P->p++;
            if (stix_pat_cur(P)->t != T_SECONDS) {
                stix_pat_perr(P, "mismatched input '%.*s' expecting 'SECONDS'", (int)stix_pat_cur(P)->len, P->L.s + stix_pat_cur(P)->pos);
                stix_pat_node_free(q);
                stix_pat_node_free(n);
                return NULL;
            }
            P->p++;
            bit = 1;
        } else if (t->t == T_REPEATS) {
            P->p++;
            tok *v = stix_pat_cur(P);
            if (v->t != T_INT_POS) {
                stix_pat_perr(P, "mismatched input '%.*s' expecting IntPosLiteral", (int)v->len, P->L.s + v->pos);
                stix_pat_node_free(n);
                return NULL;
            }
            q = stix_pat_nnew(P, N_REPEATS);
            if (!q) {
                stix_pat_node_free(n);
                return NULL;
            }
            char buf[32];
            size_t len = v->len < 31 ? v->len : 31;
            memcpy(buf, P->L.s + v->pos, len);
            buf[len] = '\0';
            q->repeats = strtol(buf, NULL, 10);
            P->p++;
            if (stix_pat_cur(P)->t != T_TIMES) {
                stix_pat_perr(P, "mismatched input '%.*s' expecting 'TIMES'", (int)stix_pat_cur(P)->len, P->L.s + stix_pat_cur(P)->pos);
                stix_pat_node_free(q);
                stix_pat_node_free(n);
                return NULL;
            }
            P->p++;
            bit = 2;
        } else if (t->t == T_START) {
            P->p++;
            lit a, b;
            if (stix_pat_cur(P)->t != T_TS) {
                stix_pat_perr(P, "mismatched input '%.*s' expecting TimestampLiteral", (int)stix_pat_cur(P)->len, P->L.s + stix_pat_cur(P)->pos);
                stix_pat_node_free(n);
                return NULL;
            }
            if (stix_pat_parse_literal(P, &a, 0)) {
                stix_pat_node_free(n);
                return NULL;
            }
            if (stix_pat_cur(P)->t != T_STOP) {
                stix_pat_perr(P, "mismatched input '%.*s' expecting 'STOP'", (int)stix_pat_cur(P)->len, P->L.s + stix_pat_cur(P)->pos);
                stix_pat_lit_free(&a);
                stix_pat_node_free(n);
                return NULL;
            }
            P->p++;
            if (stix_pat_cur(P)->t != T_TS) {
                stix_pat_perr(P, "mismatched input '%.*s' expecting TimestampLiteral", (int)stix_pat_cur(P)->len, P->L.s + stix_pat_cur(P)->pos);
                stix_pat_lit_free(&a);
                stix_pat_node_free(n);
                return NULL;
            }
            if (stix_pat_parse_literal(P, &b, 0)) {
                stix_pat_lit_free(&a);
                stix_pat_node_free(n);
                return NULL;
            }
            q = stix_pat_nnew(P, N_STARTSTOP);
            if (q) {
                q->start_s = a.ts_s;
                q->start_ns = a.ts_ns;
                q->stop_s = b.ts_s;
                q->stop_ns = b.ts_ns;
            }
            stix_pat_lit_free(&a);
            stix_pat_lit_free(&b);
            if (!q) {
                stix_pat_node_free(n);
                return NULL;
            }
            bit = 4;
        } else {
            break;
        }
        if (P->dupcheck && simple && (seen & bit)) {
            static const char *names[] = {"", "WITHIN", "REPEATS", "", "STARTSTOP"};
            P->failed = 0;
            stix_pat_perr(P, "Duplicate qualifier type encountered: %s", names[bit]);
            if (P->err)
                snprintf(P->err, P->errlen, "FAIL: Duplicate qualifier type encountered: %s", names[bit]);
            stix_pat_node_free(q);
            stix_pat_node_free(n);
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
                stix_pat_node_free(q);
                stix_pat_node_free(n);
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
            stix_pat_perr(P, "pattern too complex (expression height above %u)", AST_MAX_HEIGHT);
            stix_pat_node_free(n);
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

int stix_pat_do_parse(const char *pattern, node **out, char *err, size_t errlen, int dupcheck)
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
    if (stix_pat_lex(&P.L)) {
        free(P.L.toks);
        return SG17_E_NOMEM;
    }
    node *root = parse_obs_fb(&P);
    if (root && stix_pat_cur(&P)->t != T_EOF) {
        tok *t = stix_pat_cur(&P);
        stix_pat_perr(&P, "extraneous input '%.*s' expecting <EOF>", (int)t->len, pattern + t->pos);
        stix_pat_node_free(root);
        root = NULL;
    }
    if (!root && !P.failed)
        stix_pat_perr(&P, "syntax error");
    free(P.L.toks);
    if (!root)
        return P.nomem ? SG17_E_NOMEM : SG17_E_FORMAT;
    *out = root;
    return 0;
}
