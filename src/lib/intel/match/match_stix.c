/*
 * STIX 2.1 indicators -> matcher values. The pattern is first checked with
 * the full STIX Patterning parser (sg17_stix_pattern_check, STIX 2.1 9); then
 * a small extractor accepts the compiled subset (docs/INTEL.md):
 *   pattern := '[' cmps ']' ( 'OR' '[' cmps ']' )*
 *   cmps    := cmp ( 'OR' cmp )*  |  path '>=' lit 'AND' path '<=' lit
 *   cmp     := path ( '=' | 'ISSUBSET' | 'LIKE' ) lit
 * Anything else (AND of different values, FOLLOWEDBY, qualifiers, other
 * operators) is counted as unsupported and left to the general evaluator.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "match_internal.h"
#include "sg17/stix.h"
#include "sg17/stix_pattern.h"

#define MAX_CMPS 256

typedef struct cmp {
    sg17_intel_kind kind;
    char op[10];
    char path[128];
    char lit[SG17_INTEL_MAX_VALUE + 1];
} cmp;

typedef struct lexer {
    const char *p, *end;
} lexer;

static void skip_ws(lexer *lx)
{
    while (lx->p < lx->end && (*lx->p == ' ' || *lx->p == '\t' || *lx->p == '\n' || *lx->p == '\r'))
        lx->p++;
}

static int accept_word(lexer *lx, const char *w)
{
    skip_ws(lx);
    size_t n = strlen(w);
    if ((size_t)(lx->end - lx->p) >= n && memcmp(lx->p, w, n) == 0) {
        lx->p += n;
        return 1;
    }
    return 0;
}

/* Quoted literal with \' and \\ escapes. */
static int read_lit(lexer *lx, char *out, size_t cap)
{
    skip_ws(lx);
    if (lx->p >= lx->end || *lx->p != '\'')
        return -1;
    lx->p++;
    size_t o = 0;
    while (lx->p < lx->end && *lx->p != '\'') {
        char c = *lx->p++;
        if (c == '\\') {
            if (lx->p >= lx->end)
                return -1;
            c = *lx->p++;
        }
        if (o + 1 >= cap)
            return -1;
        out[o++] = c;
    }
    if (lx->p >= lx->end)
        return -1;
    lx->p++;
    out[o] = '\0';
    return 0;
}

/* type:prop(.prop)* with quoted property names kept with their quotes. */
static int read_path(lexer *lx, char *out, size_t cap)
{
    skip_ws(lx);
    size_t o = 0;
    while (lx->p < lx->end) {
        char c = *lx->p;
        if (c == '\'') {
            const char *q = memchr(lx->p + 1, '\'', (size_t)(lx->end - lx->p - 1));
            if (q == NULL || o + (size_t)(q - lx->p) + 2 >= cap)
                return -1;
            memcpy(out + o, lx->p, (size_t)(q - lx->p) + 1);
            o += (size_t)(q - lx->p) + 1;
            lx->p = q + 1;
            continue;
        }
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_' || c == ':' || c == '.'))
            break;
        if (o + 1 >= cap)
            return -1;
        out[o++] = c;
        lx->p++;
    }
    out[o] = '\0';
    return o > 0 ? 0 : -1;
}

static const struct {
    const char *path;
    sg17_intel_kind kind;
} paths[] = {
    {"ipv4-addr:value", SG17_INTEL_IPV4},
    {"ipv6-addr:value", SG17_INTEL_IPV6},
    {"network-traffic:dst_ref.value", SG17_INTEL_GTP_PEER}, /* either family */
    {"network-traffic:src_ref.value", SG17_INTEL_GTP_PEER},
    {"domain-name:value", SG17_INTEL_DOMAIN},
    {"url:value", SG17_INTEL_URL},
    {"email-addr:value", SG17_INTEL_EMAIL},
    {"email-message:from_ref.value", SG17_INTEL_EMAIL},
    {"file:hashes.MD5", SG17_INTEL_MD5},
    {"file:hashes.'MD5'", SG17_INTEL_MD5},
    {"file:hashes.'SHA-1'", SG17_INTEL_SHA1},
    {"file:hashes.SHA1", SG17_INTEL_SHA1},
    {"file:hashes.'SHA-256'", SG17_INTEL_SHA256},
    {"file:hashes.SHA256", SG17_INTEL_SHA256},
    {"file:hashes.'SHA-512'", SG17_INTEL_SHA512},
    {"file:hashes.SHA512", SG17_INTEL_SHA512},
    {"x-sg17-msisdn:value", SG17_INTEL_MSISDN},
    {"x-sg17-imsi:value", SG17_INTEL_IMSI},
    {"x-sg17-imei:value", SG17_INTEL_IMEI},
    {"x-sg17-sccp-gt:value", SG17_INTEL_SCCP_GT},
    {"x-sg17-diameter-host:value", SG17_INTEL_DIAMETER_HOST},
    {"x-sg17-diameter-realm:value", SG17_INTEL_DIAMETER_REALM},
    {"x-sg17-gtp-peer:value", SG17_INTEL_GTP_PEER},
    {"x-sg17-gtp-teid:value", SG17_INTEL_GTP_TEID},
    {"x-sg17-apn:value", SG17_INTEL_APN},
    {"x-sg17-sip-uri:value", SG17_INTEL_SIP_URI},
};

static const char *const kind_names[SG17_INTEL_KIND_COUNT] = {
    "none", "ipv4-addr", "ipv6-addr", "domain-name", "url", "email-addr", "file:MD5",
    "file:SHA-1", "file:SHA-256", "file:SHA-512", "x-sg17-msisdn", "x-sg17-imsi",
    "x-sg17-imei", "x-sg17-sccp-gt", "x-sg17-diameter-host", "x-sg17-diameter-realm",
    "x-sg17-gtp-peer", "x-sg17-gtp-teid", "x-sg17-apn", "x-sg17-sip-uri"};

const char *sg17_intel_kind_name(sg17_intel_kind k)
{
    if (k <= SG17_INTEL_NONE || k >= SG17_INTEL_KIND_COUNT)
        return "none";
    return kind_names[k];
}

static sg17_intel_kind path_kind(const char *p)
{
    for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++)
        if (strcasecmp(paths[i].path, p) == 0) /* hash names appear as md5, MD5, 'MD5' */
            return paths[i].kind;
    return SG17_INTEL_NONE;
}

static int read_cmp(lexer *lx, cmp *c)
{
    if (read_path(lx, c->path, sizeof c->path) != 0)
        return -1;
    c->kind = path_kind(c->path);
    skip_ws(lx);
    static const char *const ops[] = {">=", "<=", "=", "ISSUBSET", "LIKE"};
    c->op[0] = '\0';
    for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++) {
        if (accept_word(lx, ops[i])) {
            memcpy(c->op, ops[i], strlen(ops[i]) + 1);
            break;
        }
    }
    if (c->op[0] == '\0' || c->kind == SG17_INTEL_NONE)
        return -1;
    return read_lit(lx, c->lit, sizeof c->lit);
}

/* One observation expression's values -> builder (*added counts them). Returns 0, -1
 * unsupported, or an error. */
static int add_obs(sg17_intel_builder *b, cmp *cs, size_t n, int is_and,
                   const sg17_intel_ind *tmpl, int *bad, size_t *added)
{
    sg17_intel_ind ind = *tmpl;
    if (is_and) {
        if (n != 2 || strcmp(cs[0].path, cs[1].path) != 0 || strcmp(cs[0].op, ">=") != 0 ||
            strcmp(cs[1].op, "<=") != 0 || !im_kind_digits(cs[0].kind))
            return -1;
        ind.kind = cs[0].kind;
        ind.op = SG17_INTEL_RANGE;
        ind.value = cs[0].lit;
        ind.value_hi = cs[1].lit;
        int rc = sg17_intel_builder_add(b, &ind);
        if (rc == SG17_E_FORMAT)
            (*bad)++;
        else if (rc != 0)
            return rc;
        else
            (*added)++;
        return 0;
    }
    for (size_t i = 0; i < n; i++) {
        cmp *c = &cs[i];
        ind.kind = c->kind;
        ind.value = c->lit;
        ind.value_hi = NULL;
        size_t l = strlen(c->lit);
        int ip = c->kind == SG17_INTEL_IPV4 || c->kind == SG17_INTEL_IPV6 ||
                 c->kind == SG17_INTEL_GTP_PEER;
        if (strcmp(c->op, "=") == 0) {
            /* ipv4-addr/ipv6-addr values may be CIDR blocks (STIX 2.1 6.4.1, 6.5.1) */
            ind.op = (ip && strchr(c->lit, '/') != NULL) ? SG17_INTEL_PREFIX : SG17_INTEL_EXACT;
        } else if (strcmp(c->op, "ISSUBSET") == 0) {
            ind.op = SG17_INTEL_PREFIX;
        } else if (strcmp(c->op, "LIKE") == 0 && im_kind_digits(c->kind) && l > 1 &&
                   c->lit[l - 1] == '%' && strpbrk(c->lit, "_") == NULL &&
                   memchr(c->lit, '%', l - 1) == NULL) {
            c->lit[l - 1] = '\0';
            ind.op = SG17_INTEL_PREFIX;
        } else if (strcmp(c->op, "LIKE") == 0 && im_kind_suffix(c->kind) && l > 2 &&
                   c->lit[0] == '%' && c->lit[1] == '.' && strpbrk(c->lit + 1, "%_") == NULL) {
            ind.value = c->lit + 2; /* '%.example.com': the domain and its subdomains */
            ind.op = SG17_INTEL_EXACT;
        } else {
            return -1;
        }
        if (c->kind == SG17_INTEL_GTP_PEER && strcmp(c->path, "x-sg17-gtp-peer:value") != 0) {
            uint32_t a;
            const char *sl = strchr(ind.value, '/');
            size_t al = sl ? (size_t)(sl - ind.value) : strlen(ind.value);
            ind.kind = im_parse_ipv4(ind.value, al, &a) == 0 ? SG17_INTEL_IPV4 : SG17_INTEL_IPV6;
        }
        int rc = sg17_intel_builder_add(b, &ind);
        if (rc == SG17_E_FORMAT)
            (*bad)++;
        else if (rc != 0)
            return rc;
        else
            (*added)++;
    }
    return 0;
}

/* Parse the pattern into the builder: 0, -1 unsupported, or an error. *added counts the
 * values added, also when a later observation expression turns out unsupported (an OR'd
 * value alone implies a match, so keeping it adds no false positive). */
static int add_pattern(sg17_intel_builder *b, const char *pattern, const sg17_intel_ind *tmpl,
                       int *bad, size_t *added)
{
    cmp *cs = malloc(MAX_CMPS * sizeof *cs);
    if (cs == NULL)
        return SG17_E_NOMEM;
    lexer lx = {pattern, pattern + strlen(pattern)};
    int rc = 0;
    for (;;) {
        if (!accept_word(&lx, "[")) {
            rc = -1;
            break;
        }
        size_t n = 0;
        int is_and = 0, is_or = 0;
        for (;;) {
            if (n >= MAX_CMPS || read_cmp(&lx, &cs[n]) != 0) {
                rc = -1;
                break;
            }
            n++;
            if (accept_word(&lx, "]"))
                break;
            if (accept_word(&lx, "OR "))
                is_or = 1;
            else if (accept_word(&lx, "AND "))
                is_and = 1;
            else {
                rc = -1;
                break;
            }
        }
        if (rc == 0 && is_and && is_or)
            rc = -1;
        if (rc != 0)
            break;
        rc = add_obs(b, cs, n, is_and, tmpl, bad, added);
        if (rc != 0)
            break;
        skip_ws(&lx);
        if (lx.p == lx.end)
            break;
        if (!accept_word(&lx, "OR ")) {
            rc = -1;
            break;
        }
    }
    if (rc == 0 && (lx.p != lx.end))
        rc = -1;
    free(cs);
    return rc;
}

static int parse_uuid(const char *id, uint8_t out[16])
{
    static const char pre[] = "indicator--";
    if (strncmp(id, pre, sizeof pre - 1) != 0)
        return -1;
    const char *u = id + sizeof pre - 1;
    if (strlen(u) != 36)
        return -1;
    size_t o = 0;
    for (size_t i = 0; i < 36; i++) {
        if (i == 8 || i == 13 || i == 18 || i == 23) {
            if (u[i] != '-')
                return -1;
            continue;
        }
        char c = u[i];
        unsigned d;
        if (c >= '0' && c <= '9')
            d = (unsigned)(c - '0');
        else if (c >= 'a' && c <= 'f')
            d = (unsigned)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F')
            d = (unsigned)(c - 'A' + 10);
        else
            return -1;
        if (o % 2 == 0)
            out[o / 2] = (uint8_t)(d << 4);
        else
            out[o / 2] |= (uint8_t)d;
        o++;
    }
    return 0;
}

static int ts_prop(const json_t *obj, const char *name, int64_t *out)
{
    const json_t *v = json_object_get(obj, name);
    *out = 0;
    if (v == NULL)
        return 0;
    if (!json_is_string(v) || sg17_stix_timestamp_parse(json_string_value(v), out, NULL) != 0)
        return -1;
    return 0;
}

static int fs11_of(const json_t *v)
{
    if (v == NULL)
        return 0;
    if (json_is_integer(v)) {
        json_int_t i = json_integer_value(v);
        return (i >= 1 && i <= 3) ? (int)i : -1;
    }
    const char *s = json_string_value(v);
    if (s == NULL)
        return -1;
    if (strncmp(s, "cat", 3) == 0 || strncmp(s, "CAT", 3) == 0 || strncmp(s, "Cat", 3) == 0)
        s += 3;
    if ((s[0] >= '1' && s[0] <= '3') && s[1] == '\0')
        return s[0] - '0';
    return -1;
}

static int add_indicator(sg17_intel_builder *b, const json_t *o, sg17_intel_load_stats *st)
{
    st->indicators++;
    const json_t *rev = json_object_get(o, "revoked");
    if (json_is_true(rev)) {
        st->revoked++;
        return 0;
    }
    const char *id = json_string_value(json_object_get(o, "id"));
    const char *pattern = json_string_value(json_object_get(o, "pattern"));
    const char *ptype = json_string_value(json_object_get(o, "pattern_type"));
    sg17_intel_ind t;
    memset(&t, 0, sizeof t);
    const json_t *conf = json_object_get(o, "confidence");
    int fs = fs11_of(json_object_get(o, "x_sg17_fs11_category"));
    if (id == NULL || pattern == NULL || parse_uuid(id, t.id) != 0 ||
        (ptype != NULL && strcmp(ptype, "stix") != 0) ||
        ts_prop(o, "valid_from", &t.valid_from) != 0 ||
        ts_prop(o, "valid_until", &t.valid_until) != 0 || fs < 0 ||
        (conf != NULL && (!json_is_integer(conf) || json_integer_value(conf) < 0 ||
                          json_integer_value(conf) > 100))) {
        st->invalid++;
        return 0;
    }
    t.fs11 = (uint8_t)fs;
    t.confidence = conf ? (uint8_t)json_integer_value(conf) : 0;
    char err[160];
    int rc = sg17_stix_pattern_check(pattern, 0, err, sizeof err);
    if (rc == SG17_E_NOMEM)
        return rc;
    if (rc != 0) {
        st->invalid++;
        return 0;
    }
    int bad = 0;
    size_t added = 0;
    rc = add_pattern(b, pattern, &t, &bad, &added);
    st->values += added;
    if (rc == -1) {
        st->unsupported++;
        return 0;
    }
    if (rc < 0)
        return rc;
    if (bad)
        st->invalid++;
    return 0;
}

int sg17_intel_builder_add_stix(sg17_intel_builder *b, const json_t *obj,
                                sg17_intel_load_stats *stats)
{
    sg17_intel_load_stats dummy;
    memset(&dummy, 0, sizeof dummy);
    sg17_intel_load_stats *st = stats ? stats : &dummy;
    if (b == NULL || obj == NULL)
        return SG17_E_INVAL;
    const json_t *list = NULL;
    if (json_is_array(obj)) {
        list = obj;
    } else if (json_is_object(obj)) {
        const char *type = json_string_value(json_object_get(obj, "type"));
        if (type == NULL)
            return SG17_E_FORMAT;
        if (strcmp(type, "bundle") == 0) {
            list = json_object_get(obj, "objects");
            if (list == NULL)
                return 0;
            if (!json_is_array(list))
                return SG17_E_FORMAT;
        } else if (strcmp(type, "indicator") == 0) {
            return add_indicator(b, obj, st);
        } else {
            return 0; /* other objects carry no indicator */
        }
    } else {
        return SG17_E_FORMAT;
    }
    size_t i;
    const json_t *v;
    json_array_foreach(list, i, v) {
        const char *type = json_string_value(json_object_get(v, "type"));
        if (type != NULL && strcmp(type, "indicator") == 0) {
            int rc = add_indicator(b, v, st);
            if (rc != 0)
                return rc;
        }
    }
    return 0;
}
