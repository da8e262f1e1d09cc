/*
 * X.1217 8.2.1 "collect": a TAXII 2.1 client (OASIS TAXII 2.1 CS01 5.4 Get
 * Objects) over libcurl - Accept application/taxii+json;version=2.1, Bearer
 * token or HTTP Basic (RFC 7617), `next` followed while `more` is true, added_after remembered per
 * (API root, collection) from X-TAXII-Date-Added-Last (docs/INTEL-STORE.md).
 */
#include <curl/curl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "sg17/json.h"
#include "sg17/taxii.h"
#include "../store/store_internal.h"

#define TAXII_MEDIA "application/taxii+json;version=2.1"

typedef struct resp {
    char *p;
    size_t n, cap, max;
    int over;
    char added_last[48];
    char ctype[128];
} resp;

static size_t on_body(char *data, size_t size, size_t nmemb, void *ctx)
{
    resp *r = ctx;
    size_t len = size * nmemb;
    if (r->n + len + 1 > r->max) {
        r->over = 1;
        return 0; /* aborts the transfer: bounded response size */
    }
    if (r->n + len + 1 > r->cap) {
        size_t nc = r->cap ? r->cap : 65536;
        while (nc < r->n + len + 1)
            nc *= 2;
        char *np = realloc(r->p, nc);
        if (np == NULL)
            return 0;
        r->p = np;
        r->cap = nc;
    }
    memcpy(r->p + r->n, data, len);
    r->n += len;
    r->p[r->n] = '\0';
    return len;
}

/* Copy a header's value (trimmed) if its name matches. */
static void header_value(const char *line, size_t len, const char *name, char *out, size_t cap)
{
    size_t nl = strlen(name);
    if (len <= nl + 1 || strncasecmp(line, name, nl) != 0 || line[nl] != ':')
        return;
    const char *v = line + nl + 1;
    size_t vl = len - nl - 1;
    while (vl > 0 && (*v == ' ' || *v == '\t')) {
        v++;
        vl--;
    }
    while (vl > 0 && (v[vl - 1] == '\r' || v[vl - 1] == '\n' || v[vl - 1] == ' '))
        vl--;
    if (vl < cap) {
        memcpy(out, v, vl);
        out[vl] = '\0';
    }
}

static size_t on_header(char *data, size_t size, size_t nmemb, void *ctx)
{
    resp *r = ctx;
    size_t len = size * nmemb;
    header_value(data, len, "X-TAXII-Date-Added-Last", r->added_last, sizeof r->added_last);
    header_value(data, len, "Content-Type", r->ctype, sizeof r->ctype);
    return len;
}

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static void curl_init_once(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
}

/* Append "key=escaped(value)" to the query. */
static int add_param(CURL *c, char *url, size_t cap, const char *key, const char *value)
{
    char *e = curl_easy_escape(c, value, 0);
    if (e == NULL)
        return SG17_E_NOMEM;
    size_t l = strlen(url);
    int n = snprintf(url + l, cap - l, "%s%s=%s", strchr(url, '?') ? "&" : "?", key, e);
    curl_free(e);
    return (n < 0 || (size_t)n >= cap - l) ? SG17_E_LIMIT : 0;
}

static int page_url(CURL *c, const sg17_intel_pull_opts *o, const char *after, const char *next,
                    char *url, size_t cap)
{
    size_t rl = strlen(o->api_root);
    char *coll = curl_easy_escape(c, o->collection, 0);
    if (coll == NULL)
        return SG17_E_NOMEM;
    int n = snprintf(url, cap, "%s%scollections/%s/objects/", o->api_root,
                     (rl > 0 && o->api_root[rl - 1] == '/') ? "" : "/", coll);
    curl_free(coll);
    if (n < 0 || (size_t)n >= cap)
        return SG17_E_LIMIT;
    int rc = 0;
    char lim[24];
    if (o->limit > 0) {
        snprintf(lim, sizeof lim, "%zu", o->limit);
        rc = add_param(c, url, cap, "limit", lim);
    }
    if (rc == 0 && o->all_versions)
        rc = add_param(c, url, cap, "match[version]", "all");
    if (rc == 0 && after != NULL && after[0])
        rc = add_param(c, url, cap, "added_after", after);
    if (rc == 0 && next != NULL)
        rc = add_param(c, url, cap, "next", next);
    return rc;
}

/* The TAXII error message (TAXII 2.1 3.6.1: title, description) of a body. */
static void error_text(const resp *r, long status, char *out, size_t cap)
{
    json_t *j = NULL;
    const char *title = NULL, *desc = NULL;
    if (r->p != NULL && sg17_json_parse(r->p, r->n, NULL, &j, NULL) == 0) {
        title = json_string_value(json_object_get(j, "title"));
        desc = json_string_value(json_object_get(j, "description"));
    }
    snprintf(out, cap, "HTTP %ld%s%.120s%s%.100s", status, title ? ": " : "", title ? title : "",
             desc ? " - " : "", desc ? desc : "");
    json_decref(j);
}

static int get_page(CURL *c, const sg17_intel_pull_opts *o, const char *url,
                    struct curl_slist *hdrs, resp *r, sg17_intel_pull_stats *st)
{
    free(r->p);
    memset(r, 0, sizeof *r);
    r->max = o->max_bytes ? o->max_bytes : ((size_t)64 << 20);
    curl_easy_reset(c);
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdrs);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, r);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, r);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, o->timeout_s > 0 ? o->timeout_s : 60L);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 15L);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_USERAGENT, "sg17/" SG17_VERSION_STRING);
    if (o->insecure) {
        curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 0L);
        curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 0L);
    }
    CURLcode cc = curl_easy_perform(c);
    if (r->over) {
        snprintf(st->error, sizeof st->error, "response larger than %zu bytes", r->max);
        return SG17_E_LIMIT;
    }
    if (cc != CURLE_OK) {
        snprintf(st->error, sizeof st->error, "%s", curl_easy_strerror(cc));
        return SG17_E_IO;
    }
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &st->http_status);
    if (st->http_status != 200) {
        error_text(r, st->http_status, st->error, sizeof st->error);
        return (st->http_status == 401 || st->http_status == 403) ? SG17_E_AUTH : SG17_E_IO;
    }
    if (strncasecmp(r->ctype, "application/taxii+json", 22) != 0) {
        snprintf(st->error, sizeof st->error, "unexpected Content-Type '%s' (want %s)", r->ctype,
                 TAXII_MEDIA);
        return SG17_E_FORMAT;
    }
    return 0;
}

static int save_state(sg17_intel_store *s, const sg17_intel_pull_opts *o, const char *added,
                      int64_t now)
{
    sqlite3_stmt *st;
    int rc = is_prepare(s, &st,
                        "INSERT INTO intel_taxii_state(api_root, collection, added_last,"
                        " updated_at) VALUES(?,?,?,?) ON CONFLICT(api_root, collection) DO"
                        " UPDATE SET added_last=excluded.added_last,"
                        " updated_at=excluded.updated_at");
    if (rc != 0)
        return rc;
    is_bind_text(st, 1, o->api_root);
    is_bind_text(st, 2, o->collection);
    is_bind_text(st, 3, added);
    sqlite3_bind_int64(st, 4, now);
    if (sqlite3_step(st) != SQLITE_DONE)
        rc = is_err(s, "taxii state");
    sqlite3_finalize(st);
    return rc;
}

int is_taxii_envelope(const char *body, size_t len, size_t max, json_t **env, json_t **list,
                      int *more, char **next, char *why, size_t why_len)
{
    *env = NULL;
    *list = NULL;
    *more = 0;
    *next = NULL;
    sg17_json_limits lim = {max, 0, 0};
    sg17_json_error je;
    json_t *e = NULL;
    if (sg17_json_parse(body, len, &lim, &e, &je) != 0 || !json_is_object(e)) {
        snprintf(why, why_len, "not a TAXII envelope: %s", e ? "not an object" : je.text);
        json_decref(e);
        return SG17_E_FORMAT;
    }
    json_t *objs = json_object_get(e, "objects");
    const json_t *mo = json_object_get(e, "more");
    const json_t *nx = json_object_get(e, "next");
    if ((objs && !json_is_array(objs)) || (mo && !json_is_boolean(mo)) ||
        (nx && (!json_is_string(nx) || json_string_length(nx) == 0))) {
        snprintf(why, why_len, "envelope with wrong member types (TAXII 2.1 3.7)");
        json_decref(e);
        return SG17_E_FORMAT;
    }
    *list = objs ? json_incref(objs) : json_array();
    *next = nx ? strdup(json_string_value(nx)) : NULL;
    if (*list == NULL || (nx && *next == NULL)) {
        json_decref(*list);
        *list = NULL;
        free(*next);
        *next = NULL;
        json_decref(e);
        snprintf(why, why_len, "out of memory");
        return SG17_E_NOMEM;
    }
    *more = json_is_true(mo);
    *env = e;
    return 0;
}

/* One page's envelope: objects to the callback and the store. */
static int take_page(sg17_intel_store *s, const sg17_intel_pull_opts *o,
                     const sg17_intel_ingest_opts *io, const char *source, const resp *r,
                     int (*page_cb)(const json_t *, void *), void *ctx, int *more, char **next,
                     sg17_intel_pull_stats *st)
{
    json_t *env = NULL, *list = NULL;
    char why[200];
    int erc =
        is_taxii_envelope(r->p ? r->p : "", r->n, r->max, &env, &list, more, next, why, sizeof why);
    if (erc != 0) {
        snprintf(st->error, sizeof st->error, "page %zu: %s", st->pages, why);
        return erc;
    }
    st->objects += json_array_size(list);
    int rc = 0;
    if (page_cb != NULL)
        rc = page_cb(list, ctx);
    if (rc == 0 && s != NULL && json_array_size(list) > 0) {
        sg17_intel_ingest_opts o2 = *io;
        if (o2.source == NULL)
            o2.source = source;
        sg17_intel_ingest_stats is;
        rc = sg17_intel_store_ingest(s, list, &o2, &is);
        st->stored += is.stored;
        st->rejected += is.rejected;
        if (rc != 0)
            snprintf(st->error, sizeof st->error, "store: %s", sg17_intel_store_errmsg(s));
    }
    if (rc == 0 && s != NULL && r->added_last[0])
        rc = save_state(s, o, r->added_last, io && io->now ? io->now : (int64_t)time(NULL));
    json_decref(list);
    json_decref(env);
    if (rc != 0) {
        free(*next);
        *next = NULL;
    }
    return rc;
}

/* The Authorization header line for o's credentials ("" without any). */
static int auth_header(const sg17_intel_pull_opts *o, char *out, size_t cap,
                       sg17_intel_pull_stats *st)
{
    static const char name[] = "Authorization: ";
    out[0] = '\0';
    if (o->token != NULL && o->user != NULL) {
        snprintf(st->error, sizeof st->error, "give either a Bearer token or a Basic user");
        return SG17_E_INVAL;
    }
    if (o->token != NULL) {
        snprintf(out, cap, "Authorization: Bearer %.1000s", o->token);
        return 0;
    }
    if (o->user == NULL)
        return 0;
    memcpy(out, name, sizeof name);
    int rc = sg17_taxii_basic_encode(o->user, o->password ? o->password : "", out + sizeof name - 1,
                                     cap - (sizeof name - 1));
    if (rc != 0) {
        sg17_memzero(out, cap);
        snprintf(st->error, sizeof st->error, "%s",
                 rc == SG17_E_LIMIT
                     ? "user name (at most 127 bytes) or password (255) too long"
                     : "the user name must be 1 or more bytes without ':', and neither it"
                       " nor the password may hold control characters");
        return SG17_E_INVAL;
    }
    return 0;
}

int sg17_intel_taxii_pull(sg17_intel_store *s, const sg17_intel_pull_opts *o,
                          const sg17_intel_ingest_opts *io,
                          int (*page_cb)(const json_t *objects, void *ctx), void *ctx,
                          sg17_intel_pull_stats *st)
{
    sg17_intel_pull_stats dummy;
    if (st == NULL)
        st = &dummy;
    memset(st, 0, sizeof *st);
    sg17_intel_ingest_opts dio;
    memset(&dio, 0, sizeof dio);
    dio.default_tlp = SG17_INTEL_TLP_NONE;
    if (io == NULL)
        io = &dio;
    if (o == NULL || o->api_root == NULL || o->collection == NULL ||
        (strncmp(o->api_root, "http://", 7) != 0 && strncmp(o->api_root, "https://", 8) != 0)) {
        snprintf(st->error, sizeof st->error, "an http:// or https:// API root URL is needed");
        return SG17_E_INVAL;
    }
    char after[64] = "";
    if (o->added_after != NULL)
        snprintf(after, sizeof after, "%s", o->added_after);
    else if (s != NULL) {
        int src = sg17_intel_store_taxii_state(s, o->api_root, o->collection, after, sizeof after);
        if (src != 0 && src != SG17_E_NOTFOUND) {
            snprintf(st->error, sizeof st->error, "%s", sg17_intel_store_errmsg(s));
            return src;
        }
    }
    char source[1200];
    snprintf(source, sizeof source, "taxii:%.900s%scollections/%.200s/", o->api_root,
             o->api_root[strlen(o->api_root) - 1] == '/' ? "" : "/", o->collection);
    char auth[1100];
    int arc = auth_header(o, auth, sizeof auth, st);
    if (arc != 0)
        return arc;
    pthread_once(&curl_once, curl_init_once);
    CURL *c = curl_easy_init();
    if (c == NULL) {
        sg17_memzero(auth, sizeof auth);
        return SG17_E_NOMEM;
    }
    struct curl_slist *hdrs = curl_slist_append(NULL, "Accept: " TAXII_MEDIA);
    if (hdrs != NULL && auth[0] != '\0') {
        struct curl_slist *h2 = curl_slist_append(hdrs, auth);
        if (h2 == NULL) {
            curl_slist_free_all(hdrs);
            hdrs = NULL;
        } else {
            hdrs = h2;
        }
    }
    resp r;
    memset(&r, 0, sizeof r);
    char *next = NULL;
    char url[4096];
    size_t max_pages = o->max_pages ? o->max_pages : 10000;
    int rc = hdrs ? 0 : SG17_E_NOMEM;
    for (int more = 1; rc == 0 && more;) {
        if (st->pages == max_pages) {
            snprintf(st->error, sizeof st->error, "more than %zu pages", max_pages);
            rc = SG17_E_LIMIT;
            break;
        }
        rc = page_url(c, o, after, next, url, sizeof url);
        if (rc == 0)
            rc = get_page(c, o, url, hdrs, &r, st);
        free(next);
        next = NULL;
        if (rc == 0) {
            st->pages++;
            rc = take_page(s, o, io, source, &r, page_cb, ctx, &more, &next, st);
        }
        if (rc == 0 && r.added_last[0])
            snprintf(st->added_last, sizeof st->added_last, "%s", r.added_last);
        if (rc == 0 && more && next == NULL) {
            /* more without next: page on by added_after (TAXII 2.1 3.4.1) */
            if (r.added_last[0] == '\0' || strcmp(after, r.added_last) == 0)
                more = 0;
            else
                snprintf(after, sizeof after, "%s", r.added_last);
        }
    }
    free(next);
    free(r.p);
    /* the Authorization header holds the token: wipe our copies */
    for (struct curl_slist *h = hdrs; h != NULL; h = h->next)
        sg17_memzero(h->data, strlen(h->data));
    sg17_memzero(auth, sizeof auth);
    curl_slist_free_all(hdrs);
    curl_easy_cleanup(c);
    return rc;
}
