/*
 * The HTTP layer of sg17d over libmicrohttpd: a thread pool with internal
 * polling, body accumulation under a hard cap (413 beyond it), the route
 * lookup, the bearer-token check, and one log line per request.
 */
#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>

#include "sg17d.h"

/* How much of an over-cap chunked body is read and dropped before closing. */
#define DISCARD_MAX ((size_t)8 << 20)

/*
 * Rate limit: one token bucket per client address (rate_per_s tokens a
 * second, rate_burst deep), in a direct-mapped table; a colliding address
 * takes the slot over with a full bucket. 429 with Retry-After when empty.
 */
#define LIMITER_SLOTS 4096

typedef struct bucket {
    uint8_t addr[17]; /* family byte + up to 16 address bytes; all zero = free */
    double tokens;
    double last;      /* monotonic seconds */
} bucket;

typedef struct limiter {
    pthread_mutex_t lock;
    bucket slots[LIMITER_SLOTS];
} limiter;

static double mono_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* 0 if allowed, else the seconds to wait (at least 1). */
static unsigned limiter_take(sg17d_server *srv, struct MHD_Connection *conn)
{
    limiter *lim = srv->limiter;
    const union MHD_ConnectionInfo *ci;
    const struct sockaddr *sa;
    uint8_t key[17];
    uint32_t h = 2166136261u;
    double rate, burst, now;
    unsigned wait = 0;
    bucket *b;

    if (lim == NULL || srv->cfg.rate_per_s == 0)
        return 0;
    ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    if (ci == NULL || (sa = ci->client_addr) == NULL)
        return 0;
    memset(key, 0, sizeof key);
    if (sa->sa_family == AF_INET) {
        key[0] = 4;
        memcpy(key + 1, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, 4);
    } else if (sa->sa_family == AF_INET6) {
        key[0] = 6;
        memcpy(key + 1, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, 16);
    } else {
        return 0;
    }
    for (size_t i = 0; i < sizeof key; i++)
        h = (h ^ key[i]) * 16777619u;
    rate = (double)srv->cfg.rate_per_s;
    burst = srv->cfg.rate_burst ? (double)srv->cfg.rate_burst : 2.0 * rate;
    now = mono_now();
    pthread_mutex_lock(&lim->lock);
    b = &lim->slots[h % LIMITER_SLOTS];
    if (memcmp(b->addr, key, sizeof key) != 0) {
        memcpy(b->addr, key, sizeof key);
        b->tokens = burst;
        b->last = now;
    }
    b->tokens += (now - b->last) * rate;
    if (b->tokens > burst)
        b->tokens = burst;
    b->last = now;
    if (b->tokens >= 1.0)
        b->tokens -= 1.0;
    else
        wait = (unsigned)((1.0 - b->tokens) / rate) + 1u;
    pthread_mutex_unlock(&lim->lock);
    return wait;
}

/* Per-request state, created on the first access-handler call. */
typedef struct req_ctx {
    struct timespec start;
    char method[16];
    char path[256];   /* for the log line only (truncated) */
    uint8_t *body;    /* always NUL-terminated when non-NULL */
    size_t body_len;
    size_t body_cap;
    int too_large;
    size_t discarded; /* bytes dropped after the cap was hit */
    int responded;
    unsigned status;
    size_t bytes;
    char principal[SG17D_PRINCIPAL_MAX];
} req_ctx;

const char *sg17d_req_header(const sg17d_request *req, const char *name)
{
    return MHD_lookup_connection_value((struct MHD_Connection *)req->conn, MHD_HEADER_KIND, name);
}

const char *sg17d_req_query(const sg17d_request *req, const char *key)
{
    return MHD_lookup_connection_value((struct MHD_Connection *)req->conn,
                                       MHD_GET_ARGUMENT_KIND, key);
}

static enum MHD_Result send_response(struct MHD_Connection *conn, req_ctx *rc,
                                     sg17d_response *resp)
{
    static char empty[] = "";
    struct MHD_Response *r;
    enum MHD_Result ret;

    if (resp->body != NULL) {
        r = MHD_create_response_from_buffer_with_free_callback(resp->body_len, resp->body, free);
        if (r != NULL)
            resp->body = NULL; /* owned by MHD now */
    } else {
        r = MHD_create_response_from_buffer(0, empty, MHD_RESPMEM_PERSISTENT);
    }
    if (r == NULL) {
        free(resp->body);
        resp->body = NULL;
        return MHD_NO;
    }
    if (resp->content_type != NULL)
        MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, resp->content_type);
    MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
    MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
    if (resp->allow[0] != '\0')
        MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, resp->allow);
    if (resp->csp != NULL)
        MHD_add_response_header(r, "Content-Security-Policy", resp->csp);
    if (resp->retry_after != 0) {
        char ra[16];
        snprintf(ra, sizeof ra, "%u", resp->retry_after);
        MHD_add_response_header(r, MHD_HTTP_HEADER_RETRY_AFTER, ra);
    }
    if (resp->content_range[0] != '\0')
        MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_RANGE, resp->content_range);
    if (resp->accept_ranges)
        MHD_add_response_header(r, MHD_HTTP_HEADER_ACCEPT_RANGES, "bytes");
    for (int i = 0; i < 2; i++)
        if (resp->xhdr_name[i] != NULL)
            MHD_add_response_header(r, resp->xhdr_name[i], resp->xhdr_value[i]);
    if (resp->status == MHD_HTTP_UNAUTHORIZED)
        MHD_add_response_header(r, MHD_HTTP_HEADER_WWW_AUTHENTICATE, "Bearer realm=\"sg17d\"");
    ret = MHD_queue_response(conn, resp->status, r);
    MHD_destroy_response(r);
    if (ret == MHD_YES) {
        rc->responded = 1;
        rc->status = resp->status;
        rc->bytes = resp->body_len;
    }
    return ret;
}

static enum MHD_Result send_error(struct MHD_Connection *conn, req_ctx *rc, unsigned status,
                                  const char *error, const char *reason)
{
    sg17d_response resp;
    memset(&resp, 0, sizeof resp);
    if (sg17d_resp_error(&resp, status, error, reason) != 0)
        return MHD_NO;
    return send_response(conn, rc, &resp);
}

/* send_error, or a TAXII error message when the request is meant for the TAXII server. */
static enum MHD_Result send_error_at(sg17d_server *srv, struct MHD_Connection *conn, req_ctx *rc,
                                     const char *url, const char *method, unsigned status,
                                     const char *error, const char *reason)
{
    sg17d_request req;
    sg17d_response resp;
    memset(&req, 0, sizeof req);
    memset(&resp, 0, sizeof resp);
    req.method = method;
    req.path = url;
    req.body = (const uint8_t *)"";
    req.conn = conn;
    if (sg17d_taxii_error_reply(srv, &req, status, reason, &resp) == 1)
        return send_response(conn, rc, &resp);
    free(resp.body);
    return send_error(conn, rc, status, error, reason);
}

/* Content-Length above the cap (or unparseable) means 413 before any byte is read. */
static int length_exceeds(const char *cl, size_t cap)
{
    unsigned long long v = 0;
    if (*cl < '0' || *cl > '9')
        return 1;
    for (const char *p = cl; *p; p++) {
        if (*p < '0' || *p > '9')
            return 1;
        if (v > (unsigned long long)cap)
            return 1;
        v = v * 10 + (unsigned long long)(*p - '0');
    }
    return v > (unsigned long long)cap;
}

static int body_append(req_ctx *rc, const char *data, size_t len, size_t cap)
{
    size_t need;
    if (len > cap || rc->body_len > cap - len)
        return SG17_E_LIMIT;
    need = rc->body_len + len;
    if (need + 1 > rc->body_cap) {
        size_t ncap = rc->body_cap ? rc->body_cap : 1024;
        uint8_t *nb;
        while (ncap < need + 1)
            ncap *= 2;
        if (ncap > cap + 1)
            ncap = cap + 1;
        nb = realloc(rc->body, ncap);
        if (nb == NULL)
            return SG17_E_NOMEM;
        rc->body = nb;
        rc->body_cap = ncap;
    }
    memcpy(rc->body + rc->body_len, data, len);
    rc->body_len = need;
    rc->body[need] = '\0';
    return 0;
}

/* 401/403 or fills *who; returns 0 when the request may proceed. */
static int check_auth(sg17d_server *srv, struct MHD_Connection *conn, req_ctx *rc,
                      const sg17d_route *route, sg17d_principal *who, enum MHD_Result *ret)
{
    const char *h = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
                                                MHD_HTTP_HEADER_AUTHORIZATION);
    char reason[160];
    int err;

    if (h == NULL || strncasecmp(h, "Bearer ", 7) != 0) {
        *ret = send_error(conn, rc, MHD_HTTP_UNAUTHORIZED, "unauthorized",
                          "an Authorization: Bearer token is required");
        return -1;
    }
    h += 7;
    while (*h == ' ')
        h++;
    err = sg17d_token_verify(srv->store, h, strlen(h), who);
    if (err == SG17_E_AUTH) {
        *ret = send_error(conn, rc, MHD_HTTP_UNAUTHORIZED, "unauthorized",
                          "unknown or revoked token");
        return -1;
    }
    if (err != 0) {
        *ret = send_error(conn, rc, MHD_HTTP_SERVICE_UNAVAILABLE, "store_unavailable",
                          "the token store did not answer");
        return -1;
    }
    snprintf(rc->principal, sizeof rc->principal, "%s", who->name);
    if ((who->role & route->roles) == 0) {
        snprintf(reason, sizeof reason, "role '%s' may not use %s %s", sg17d_role_name(who->role),
                 route->method, route->path);
        *ret = send_error(conn, rc, MHD_HTTP_FORBIDDEN, "forbidden", reason);
        return -1;
    }
    return 0;
}

/* A TAXII error body for a path under a TAXII API root (1: resp holds it);
 * else resp is left empty (0) for the plain JSON error. */
static int taxii_error(sg17d_server *srv, struct MHD_Connection *conn, const char *method,
                       const char *url, unsigned status, const char *title,
                       sg17d_response *resp)
{
    sg17d_request treq;
    memset(&treq, 0, sizeof treq);
    treq.method = method;
    treq.path = url;
    treq.body = (const uint8_t *)"";
    treq.conn = conn;
    if (sg17d_taxii_error_reply(srv, &treq, status, title, resp) == 1)
        return 1;
    free(resp->body);
    resp->body = NULL;
    return 0;
}

static enum MHD_Result dispatch(sg17d_server *srv, struct MHD_Connection *conn, req_ctx *rc,
                                const char *url, const char *method)
{
    sg17d_response resp;
    sg17d_principal who;
    sg17d_request req;
    const sg17d_route *route = NULL;
    enum MHD_Result ret = MHD_NO;
    sg17d_match m;

    memset(&resp, 0, sizeof resp);
    memset(&who, 0, sizeof who);
    m = sg17d_route_find(method, url, &route, resp.allow, sizeof resp.allow);
    if (m == SG17D_MATCH_NOT_FOUND &&
        taxii_error(srv, conn, method, url, MHD_HTTP_NOT_FOUND, "no such API root or endpoint",
                    &resp) == 1)
        return send_response(conn, rc, &resp);
    if (m == SG17D_MATCH_NOT_FOUND &&
        (strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0)) {
        /* Not an API route: a dashboard file, or a 404. */
        if (sg17d_web_static(srv, url, &resp) != 0) {
            free(resp.body);
            return send_error(conn, rc, MHD_HTTP_INTERNAL_SERVER_ERROR, "internal",
                              "cannot read the file");
        }
        return send_response(conn, rc, &resp);
    }
    if (m == SG17D_MATCH_NOT_FOUND) {
        return send_error(conn, rc, MHD_HTTP_NOT_FOUND, "not_found", "no such endpoint");
    }
    if (m == SG17D_MATCH_BAD_METHOD) {
        if (taxii_error(srv, conn, method, url, MHD_HTTP_METHOD_NOT_ALLOWED,
                        "this endpoint does not accept that method", &resp) == 1)
            return send_response(conn, rc, &resp);
        if (sg17d_resp_error(&resp, MHD_HTTP_METHOD_NOT_ALLOWED, "method_not_allowed",
                             "this endpoint does not accept that method") != 0)
            return MHD_NO;
        return send_response(conn, rc, &resp);
    }
    if (route->roles != 0 && check_auth(srv, conn, rc, route, &who, &ret) != 0)
        return ret;
    req.method = method;
    req.path = url;
    req.body = rc->body ? rc->body : (const uint8_t *)"";
    req.body_len = rc->body_len;
    req.who = route->roles != 0 ? &who : NULL;
    req.conn = conn;
    if (route->fn(srv, &req, &resp) != 0 || resp.status < 100 || resp.status > 599) {
        free(resp.body);
        memset(&resp, 0, sizeof resp);
        sg17_log(SG17_LOG_ERROR, "http", "handler for %s %s failed", method, route->path);
        return send_error(conn, rc, MHD_HTTP_INTERNAL_SERVER_ERROR, "internal",
                          "the handler failed; see the server log");
    }
    if (resp.principal[0] != '\0')
        snprintf(rc->principal, sizeof rc->principal, "%s", resp.principal);
    return send_response(conn, rc, &resp);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version,
                                  const char *upload_data, size_t *upload_data_size,
                                  void **req_cls)
{
    sg17d_server *srv = cls;
    req_ctx *rc = *req_cls;
    (void)version;

    if (rc == NULL) {
        const char *cl;
        rc = calloc(1, sizeof *rc);
        if (rc == NULL)
            return MHD_NO;
        clock_gettime(CLOCK_MONOTONIC, &rc->start);
        snprintf(rc->method, sizeof rc->method, "%s", method);
        snprintf(rc->path, sizeof rc->path, "%s", url);
        snprintf(rc->principal, sizeof rc->principal, "-");
        *req_cls = rc;
        {
            unsigned wait = limiter_take(srv, conn);
            if (wait != 0) {
                sg17d_response resp;
                memset(&resp, 0, sizeof resp);
                if (sg17d_resp_error(&resp, MHD_HTTP_TOO_MANY_REQUESTS, "too_many_requests",
                                     "rate limit for this client address; retry later") != 0)
                    return MHD_NO;
                resp.retry_after = wait;
                return send_response(conn, rc, &resp);
            }
        }
        cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
        if (cl != NULL && length_exceeds(cl, srv->cfg.max_body_bytes)) {
            rc->too_large = 1;
            return send_error_at(srv, conn, rc, url, method, MHD_HTTP_CONTENT_TOO_LARGE,
                                 "payload_too_large", "the request body exceeds max_body_bytes");
        }
        return MHD_YES;
    }
    if (rc->responded) {
        *upload_data_size = 0; /* discard anything after an early reply */
        return MHD_YES;
    }
    if (*upload_data_size > 0) {
        size_t n = *upload_data_size;
        int err = 0;
        *upload_data_size = 0;
        if (!rc->too_large) {
            err = body_append(rc, upload_data, n, srv->cfg.max_body_bytes);
            if (err == SG17_E_LIMIT) {
                /* MHD cannot reply mid-upload: drop the body, answer 413 at its end. */
                rc->too_large = 1;
                free(rc->body);
                rc->body = NULL;
                rc->body_len = rc->body_cap = 0;
                err = 0;
            }
        }
        if (rc->too_large) {
            rc->discarded += n;
            /* A sender that keeps streaming past the cap loses the connection. */
            if (rc->discarded > DISCARD_MAX) {
                sg17_log(SG17_LOG_WARN, "http", "closing: body far above max_body_bytes");
                return MHD_NO;
            }
        }
        return err == 0 ? MHD_YES : MHD_NO;
    }
    if (rc->too_large)
        return send_error_at(srv, conn, rc, url, method, MHD_HTTP_CONTENT_TOO_LARGE,
                             "payload_too_large", "the request body exceeds max_body_bytes");
    return dispatch(srv, conn, rc, url, method);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **req_cls,
                         enum MHD_RequestTerminationCode toe)
{
    req_ctx *rc = *req_cls;
    struct timespec now;
    long long us;
    (void)cls;
    (void)conn;

    if (rc == NULL)
        return;
    clock_gettime(CLOCK_MONOTONIC, &now);
    us = (long long)(now.tv_sec - rc->start.tv_sec) * 1000000LL +
         (long long)(now.tv_nsec - rc->start.tv_nsec) / 1000LL;
    sg17_log(SG17_LOG_INFO, "http", "%s \"%s\" %u %zuB %lldus principal=%s%s", rc->method,
             rc->path, rc->status, rc->bytes, us, rc->principal,
             toe == MHD_REQUEST_TERMINATED_COMPLETED_OK ? "" : " (connection ended early)");
    free(rc->body);
    free(rc);
    *req_cls = NULL;
}

__attribute__((format(printf, 2, 0))) static void mhd_log(void *cls, const char *fmt, va_list ap)
{
    char msg[512];
    size_t n;
    (void)cls;
    vsnprintf(msg, sizeof msg, fmt, ap);
    n = strlen(msg);
    while (n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == '\r'))
        msg[--n] = '\0';
    sg17_log(SG17_LOG_WARN, "mhd", "%s", msg);
}

/* A PEM file into a NUL-terminated malloc'd buffer (at most 1 MiB). */
static int read_pem(const char *path, char **out, size_t *out_len)
{
    FILE *f = fopen(path, "rb");
    size_t cap = (size_t)1 << 20, n;
    char *buf;
    if (f == NULL)
        return SG17_E_NOTFOUND;
    buf = malloc(cap + 1);
    if (buf == NULL) {
        fclose(f);
        return SG17_E_NOMEM;
    }
    n = fread(buf, 1, cap + 1, f);
    fclose(f);
    if (n == 0 || n > cap) {
        sg17_memzero(buf, cap + 1);
        free(buf);
        return SG17_E_FORMAT;
    }
    buf[n] = '\0';
    *out = buf;
    *out_len = n;
    return 0;
}

static void tls_free(sg17d_server *srv)
{
    if (srv->tls_key_pem != NULL)
        sg17_memzero(srv->tls_key_pem, srv->tls_key_len);
    free(srv->tls_key_pem);
    free(srv->tls_cert_pem);
    srv->tls_key_pem = srv->tls_cert_pem = NULL;
    srv->tls_key_len = 0;
}

static int tls_load(sg17d_server *srv)
{
    const sg17d_config *c = &srv->cfg;
    size_t cert_len = 0;
    int rc;
    if (c->tls_cert[0] == '\0' && c->tls_key[0] == '\0')
        return 0;
    if (c->tls_cert[0] == '\0' || c->tls_key[0] == '\0') {
        sg17_log(SG17_LOG_ERROR, "tls", "[tls] needs both cert and key");
        return SG17_E_INVAL;
    }
    if (MHD_is_feature_supported(MHD_FEATURE_TLS) != MHD_YES) {
        sg17_log(SG17_LOG_ERROR, "tls", "this libmicrohttpd has no TLS support");
        return SG17_E_UNSUPPORTED;
    }
    if ((rc = read_pem(c->tls_cert, &srv->tls_cert_pem, &cert_len)) != 0) {
        sg17_log(SG17_LOG_ERROR, "tls", "cannot read certificate %s", c->tls_cert);
        return rc;
    }
    if ((rc = read_pem(c->tls_key, &srv->tls_key_pem, &srv->tls_key_len)) != 0) {
        sg17_log(SG17_LOG_ERROR, "tls", "cannot read private key %s", c->tls_key);
        tls_free(srv);
        return rc;
    }
    return 0;
}

int sg17d_http_start(sg17d_server *srv)
{
    struct sockaddr_in sa4;
    struct sockaddr_in6 sa6;
    const struct sockaddr *sa;
    unsigned int flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG | MHD_USE_AUTO;
    struct MHD_Daemon *d;
    const union MHD_DaemonInfo *info;
    const sg17d_config *c = &srv->cfg;

    memset(&sa4, 0, sizeof sa4);
    memset(&sa6, 0, sizeof sa6);
    if (inet_pton(AF_INET, c->listen, &sa4.sin_addr) == 1) {
        sa4.sin_family = AF_INET;
        sa4.sin_port = htons((uint16_t)c->port);
        sa = (const struct sockaddr *)&sa4;
    } else if (inet_pton(AF_INET6, c->listen, &sa6.sin6_addr) == 1) {
        sa6.sin6_family = AF_INET6;
        sa6.sin6_port = htons((uint16_t)c->port);
        sa = (const struct sockaddr *)&sa6;
        flags |= MHD_USE_IPv6;
    } else {
        sg17_log(SG17_LOG_ERROR, "http", "bad listen address '%s'", c->listen);
        return SG17_E_INVAL;
    }
    if (tls_load(srv) != 0)
        return SG17_E_INVAL;
    /* TLS options only when TLS is on (MHD warns about HTTPS options otherwise). */
    struct MHD_OptionItem tls_opts[4];
    memset(tls_opts, 0, sizeof tls_opts);
    tls_opts[0].option = MHD_OPTION_END;
    if (srv->tls_cert_pem != NULL) {
        flags |= MHD_USE_TLS;
        tls_opts[0].option = MHD_OPTION_HTTPS_MEM_CERT;
        tls_opts[0].ptr_value = srv->tls_cert_pem;
        tls_opts[1].option = MHD_OPTION_HTTPS_MEM_KEY;
        tls_opts[1].ptr_value = srv->tls_key_pem;
        tls_opts[2].option = MHD_OPTION_HTTPS_PRIORITIES;
        tls_opts[2].ptr_value = (void *)(uintptr_t) "NORMAL:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2";
        tls_opts[3].option = MHD_OPTION_END;
    }
    d = MHD_start_daemon(flags, (uint16_t)c->port, NULL, NULL, on_request, srv,
                         MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL,
                         MHD_OPTION_ARRAY, tls_opts,
                         MHD_OPTION_SOCK_ADDR, sa,
                         MHD_OPTION_THREAD_POOL_SIZE, (unsigned int)c->threads,
                         MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)c->timeout_s,
                         MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)c->max_header_bytes,
                         MHD_OPTION_CONNECTION_LIMIT, (unsigned int)c->max_connections,
                         MHD_OPTION_NOTIFY_COMPLETED, on_completed, srv,
                         MHD_OPTION_END);
    if (d == NULL) {
        sg17_log(SG17_LOG_ERROR, "http", "cannot listen on %s port %u%s", c->listen, c->port,
                 srv->tls_cert_pem ? " (or the TLS certificate/key is unusable)" : "");
        tls_free(srv);
        return SG17_E_IO;
    }
    if (c->rate_per_s != 0) {
        limiter *lim = calloc(1, sizeof *lim);
        if (lim == NULL || pthread_mutex_init(&lim->lock, NULL) != 0) {
            free(lim);
            MHD_stop_daemon(d);
            return SG17_E_NOMEM;
        }
        srv->limiter = lim;
    }
    info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
    srv->port = info != NULL && info->port != 0 ? info->port : c->port;
    srv->mhd = d;
    return 0;
}

void sg17d_http_stop(sg17d_server *srv)
{
    if (srv->mhd != NULL) {
        MHD_stop_daemon((struct MHD_Daemon *)srv->mhd);
        srv->mhd = NULL;
    }
    tls_free(srv);
    if (srv->limiter != NULL) {
        limiter *lim = srv->limiter;
        pthread_mutex_destroy(&lim->lock);
        free(lim);
        srv->limiter = NULL;
    }
}
