/*
 * STIX 2.1 Patterning (CS02 section 9): the lexer (tokens of STIXPattern.g4).
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "stix_internal.h"
#include "stix_pattern_internal.h"

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

int stix_pat_lex(lexer *L)
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
