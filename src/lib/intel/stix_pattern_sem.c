/*
 * STIX 2.1 Patterning (CS02 section 9): the reference validator's semantic
 * checks, NFC and regex compilation, compile/free and inspection.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unicode/unorm2.h>
#include <unicode/ustring.h>

#include "stix_internal.h"
#include "stix_pattern_internal.h"

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

int sg17_stix_pattern_check(const char *pattern, unsigned flags, char *err, size_t err_len)
{
    node *root = NULL;
    int rc = stix_pat_do_parse(pattern, &root, err, err_len, 1);
    if (rc)
        return rc;
    sem S = {flags, err, err_len, 0};
    sem_node(&S, root, 0);
    /* As the reference validator: MATCHES takes any string literal here; an
     * invalid regular expression is an error when the pattern is compiled
     * for matching. */
    stix_pat_node_free(root);
    return S.failed ? SG17_E_FORMAT : rc;
}

/* ---- NFC (Unicode normalisation form C, via ICU) ------------------------------ */

/* NFC of UTF-8 text into a new buffer; ASCII is returned as a copy. NULL on
 * invalid UTF-8 or allocation failure. */
char *stix_pat_nfc_dup(const char *s, size_t n, size_t *olen)
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
int stix_pat_compile_regexes(node *n, unsigned depth, char *err, size_t errlen)
{
    if (!n || depth > AST_MAX_HEIGHT + 4)
        return 0;
    if (n->k == N_TEST && (n->op == OP_MATCHES || n->op == OP_LIKE) && n->lv.k == L_STR && !n->nfc_done) {
        size_t nl = 0;
        char *ns = stix_pat_nfc_dup(n->lv.s, n->lv.slen, &nl);
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
    int rc = stix_pat_compile_regexes(n->a, depth + 1, err, errlen);
    if (rc)
        return rc;
    return stix_pat_compile_regexes(n->b, depth + 1, err, errlen);
}

int sg17_stix_pattern_compile(const char *pattern, sg17_stix_pattern **out, char *err, size_t err_len)
{
    if (!out)
        return SG17_E_INVAL;
    *out = NULL;
    node *root = NULL;
    int rc = stix_pat_do_parse(pattern, &root, err, err_len, 0);
    if (rc)
        return rc;
    rc = stix_pat_compile_regexes(root, 0, err, err_len);
    if (rc) {
        stix_pat_node_free(root);
        return rc;
    }
    sg17_stix_pattern *p = calloc(1, sizeof *p);
    if (!p) {
        stix_pat_node_free(root);
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
    stix_pat_node_free(p->root);
    free(p->text);
    free(p);
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
