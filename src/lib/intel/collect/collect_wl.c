/*
 * MISP warninglists (X.1217 8.2.2 "clean": dropping known false positives):
 * the five list types of the MISP warninglist format. cidr and hostname
 * lists are compiled into matcher snapshots (longest prefix, subdomain
 * match); string lists are sorted for binary search; substring lists are
 * scanned; regex lists use PCRE2 with a match limit.
 */
#include <stdlib.h>
#include <string.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "sg17/intel_collect.h"

#define WL_MAX_LISTS 64U
#define WL_MAX_ENTRIES 10000000U

enum { WL_CIDR = 1, WL_STRING, WL_HOSTNAME, WL_SUBSTRING, WL_REGEX };

typedef struct wl_list {
    char name[128];
    int type;
    uint32_t kinds; /* bit k set: applies to sg17_intel_kind k */
    sg17_intel_snapshot *snap;
    char **strs;
    size_t nstrs;
    pcre2_code **re;
    size_t nre;
} wl_list;

struct sg17_intel_wl {
    wl_list lists[WL_MAX_LISTS];
    size_t n;
    pcre2_match_context *mctx;
};

int sg17_intel_wl_new(sg17_intel_wl **out)
{
    if (out == NULL)
        return SG17_E_INVAL;
    sg17_intel_wl *w = calloc(1, sizeof *w);
    if (w == NULL)
        return SG17_E_NOMEM;
    w->mctx = pcre2_match_context_create(NULL);
    if (w->mctx == NULL) {
        free(w);
        return SG17_E_NOMEM;
    }
    pcre2_set_match_limit(w->mctx, 100000);
    pcre2_set_depth_limit(w->mctx, 1000);
    *out = w;
    return 0;
}

static void list_free(wl_list *l)
{
    sg17_intel_snapshot_free(l->snap);
    for (size_t i = 0; i < l->nstrs; i++)
        free(l->strs[i]);
    free(l->strs);
    for (size_t i = 0; i < l->nre; i++)
        pcre2_code_free(l->re[i]);
    free(l->re);
    memset(l, 0, sizeof *l);
}

void sg17_intel_wl_free(sg17_intel_wl *w)
{
    if (w == NULL)
        return;
    for (size_t i = 0; i < w->n; i++)
        list_free(&w->lists[i]);
    pcre2_match_context_free(w->mctx);
    free(w);
}

static uint32_t bit(sg17_intel_kind k)
{
    return 1U << (unsigned)k;
}

static uint32_t kinds_of_attr(const char *t)
{
    const uint32_t ip = bit(SG17_INTEL_IPV4) | bit(SG17_INTEL_IPV6) | bit(SG17_INTEL_GTP_PEER);
    const uint32_t host = bit(SG17_INTEL_DOMAIN) | bit(SG17_INTEL_DIAMETER_HOST) |
                          bit(SG17_INTEL_DIAMETER_REALM);
    if (strncmp(t, "ip-", 3) == 0)
        return ip;
    if (strcmp(t, "domain|ip") == 0)
        return ip | host;
    if (strcmp(t, "domain") == 0 || strcmp(t, "hostname") == 0)
        return host;
    if (strcmp(t, "url") == 0 || strcmp(t, "uri") == 0)
        return bit(SG17_INTEL_URL);
    if (strstr(t, "md5"))
        return bit(SG17_INTEL_MD5);
    if (strstr(t, "sha1"))
        return bit(SG17_INTEL_SHA1);
    if (strstr(t, "sha256"))
        return bit(SG17_INTEL_SHA256);
    if (strstr(t, "sha512"))
        return bit(SG17_INTEL_SHA512);
    if (strstr(t, "email"))
        return bit(SG17_INTEL_EMAIL);
    if (strstr(t, "phone"))
        return bit(SG17_INTEL_MSISDN) | bit(SG17_INTEL_SCCP_GT);
    return 0;
}

static char *lower_dup(const char *s, size_t len)
{
    char *d = malloc(len + 1);
    if (d == NULL)
        return NULL;
    for (size_t i = 0; i < len; i++)
        d[i] = (s[i] >= 'A' && s[i] <= 'Z') ? (char)(s[i] - 'A' + 'a') : s[i];
    d[len] = '\0';
    return d;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* MISP regex entries are written /pattern/flags. */
static pcre2_code *compile_re(const char *e)
{
    size_t len = strlen(e);
    uint32_t opts = 0;
    const char *pat = e;
    size_t plen = len;
    if (len >= 2 && e[0] == '/') {
        const char *last = strrchr(e, '/');
        if (last > e) {
            pat = e + 1;
            plen = (size_t)(last - pat);
            for (const char *f = last + 1; *f; f++)
                if (*f == 'i')
                    opts |= PCRE2_CASELESS;
        }
    }
    int ec;
    PCRE2_SIZE eo;
    return pcre2_compile((PCRE2_SPTR)pat, plen, opts, &ec, &eo, NULL);
}

static int build_entries(wl_list *l, const json_t *arr, size_t *bad)
{
    size_t n = json_array_size(arr), i;
    const json_t *v;
    if (n > WL_MAX_ENTRIES)
        return SG17_E_LIMIT;
    sg17_intel_builder *b = NULL;
    if (l->type == WL_CIDR || l->type == WL_HOSTNAME) {
        if (sg17_intel_builder_new(&b) != 0)
            return SG17_E_NOMEM;
    } else if (l->type == WL_REGEX) {
        l->re = calloc(n ? n : 1, sizeof *l->re);
    } else {
        l->strs = calloc(n ? n : 1, sizeof *l->strs);
    }
    if (b == NULL && l->re == NULL && l->strs == NULL)
        return SG17_E_NOMEM;
    int rc = 0;
    json_array_foreach(arr, i, v) {
        const char *e = json_string_value(v);
        if (e == NULL || *e == '\0') {
            (*bad)++;
            continue;
        }
        if (b != NULL) {
            sg17_intel_ind ind;
            memset(&ind, 0, sizeof ind);
            if (l->type == WL_CIDR) {
                ind.kind = strchr(e, ':') ? SG17_INTEL_IPV6 : SG17_INTEL_IPV4;
                ind.op = strchr(e, '/') ? SG17_INTEL_PREFIX : SG17_INTEL_EXACT;
            } else {
                ind.kind = SG17_INTEL_DOMAIN;
                while (*e == '.')
                    e++;
            }
            ind.value = e;
            int r = sg17_intel_builder_add(b, &ind);
            if (r == SG17_E_FORMAT)
                (*bad)++;
            else if (r != 0) {
                rc = r;
                break;
            }
        } else if (l->type == WL_REGEX) {
            l->re[l->nre] = compile_re(e);
            if (l->re[l->nre] == NULL)
                (*bad)++;
            else
                l->nre++;
        } else {
            l->strs[l->nstrs] = lower_dup(e, strlen(e));
            if (l->strs[l->nstrs] == NULL) {
                rc = SG17_E_NOMEM;
                break;
            }
            l->nstrs++;
        }
    }
    if (rc == 0 && b != NULL)
        rc = sg17_intel_builder_build(b, 0, &l->snap);
    if (rc == 0 && l->type == WL_STRING)
        qsort(l->strs, l->nstrs, sizeof *l->strs, cmp_str);
    sg17_intel_builder_free(b);
    return rc;
}

int sg17_intel_wl_add(sg17_intel_wl *w, const json_t *list, size_t *bad, char *err,
                      size_t err_len)
{
    size_t dummy = 0;
    if (bad == NULL)
        bad = &dummy;
    if (w == NULL || list == NULL)
        return SG17_E_INVAL;
    if (w->n >= WL_MAX_LISTS)
        return SG17_E_LIMIT;
    const char *type = json_string_value(json_object_get(list, "type"));
    const char *name = json_string_value(json_object_get(list, "name"));
    const json_t *arr = json_object_get(list, "list");
    static const char *const types[] = {"", "cidr", "string", "hostname", "substring", "regex"};
    int t = 0;
    for (int i = 1; i <= WL_REGEX && type; i++)
        if (strcmp(type, types[i]) == 0)
            t = i;
    if (t == 0 || !json_is_array(arr)) {
        if (err && err_len)
            snprintf(err, err_len, "not a MISP warninglist (type '%s')", type ? type : "-");
        return SG17_E_FORMAT;
    }
    wl_list *l = &w->lists[w->n];
    memset(l, 0, sizeof *l);
    l->type = t;
    snprintf(l->name, sizeof l->name, "%s", name ? name : "(unnamed)");
    const json_t *ma = json_object_get(list, "matching_attributes");
    size_t i;
    const json_t *v;
    json_array_foreach(ma, i, v) {
        if (json_is_string(v))
            l->kinds |= kinds_of_attr(json_string_value(v));
    }
    if (l->kinds == 0)
        l->kinds = 0xFFFFFFFFU;
    int rc = build_entries(l, arr, bad);
    if (rc != 0) {
        list_free(l);
        return rc;
    }
    w->n++;
    return 0;
}

static int check_list(const sg17_intel_wl *w, const wl_list *l, sg17_intel_kind kind,
                      const char *value, size_t len, char *low)
{
    sg17_intel_hit h;
    switch (l->type) {
    case WL_CIDR: {
        size_t al = len;
        const char *sl = memchr(value, '/', len);
        if (sl)
            al = (size_t)(sl - value);
        return sg17_intel_lookup(l->snap, SG17_INTEL_IPV4, value, al, 0, &h, 1) > 0;
    }
    case WL_HOSTNAME: {
        const char *hst = value;
        size_t hl = len;
        if (kind == SG17_INTEL_URL) { /* the URL's host */
            const char *p = strstr(value, "://");
            if (p == NULL)
                return 0;
            hst = p + 3;
            hl = strcspn(hst, "/:?#");
        }
        return sg17_intel_lookup(l->snap, SG17_INTEL_DOMAIN, hst, hl, 0, &h, 1) > 0;
    }
    case WL_STRING: {
        const char *key = low;
        return bsearch(&key, l->strs, l->nstrs, sizeof *l->strs, cmp_str) != NULL;
    }
    case WL_SUBSTRING:
        for (size_t i = 0; i < l->nstrs; i++)
            if (strstr(low, l->strs[i]) != NULL)
                return 1;
        return 0;
    case WL_REGEX: {
        int hit = 0;
        pcre2_match_data *md = NULL;
        for (size_t i = 0; i < l->nre && !hit; i++) {
            md = pcre2_match_data_create_from_pattern(l->re[i], NULL);
            if (md == NULL)
                return 0;
            hit = pcre2_match(l->re[i], (PCRE2_SPTR)value, len, 0, 0, md, w->mctx) >= 0;
            pcre2_match_data_free(md);
        }
        return hit;
    }
    default:
        return 0;
    }
}

int sg17_intel_wl_check(const sg17_intel_wl *w, sg17_intel_kind kind, const char *value,
                        size_t len, const char **name)
{
    if (w == NULL || value == NULL || len > SG17_INTEL_MAX_VALUE || kind <= SG17_INTEL_NONE ||
        kind >= SG17_INTEL_KIND_COUNT)
        return 0;
    char low[SG17_INTEL_MAX_VALUE + 1];
    for (size_t i = 0; i < len; i++)
        low[i] = (value[i] >= 'A' && value[i] <= 'Z') ? (char)(value[i] - 'A' + 'a') : value[i];
    low[len] = '\0';
    for (size_t i = 0; i < w->n; i++) {
        const wl_list *l = &w->lists[i];
        if (!(l->kinds & bit(kind)))
            continue;
        if (check_list(w, l, kind, value, len, low)) {
            if (name)
                *name = l->name;
            return 1;
        }
    }
    return 0;
}

int sg17_intel_wl_filter(void *w, sg17_intel_kind kind, sg17_intel_op op, const char *value)
{
    (void)op;
    return sg17_intel_wl_check(w, kind, value, strlen(value), NULL);
}
