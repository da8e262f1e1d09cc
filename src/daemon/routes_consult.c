/*
 * consult endpoints (TSB Circular 268, WTSA Resolution 1 §9.4): Member State
 * administrations POST their signed Annex 2 replies (token role
 * "administration", token name = the administration id, optionally followed
 * by "." and a suffix), anyone with a token reads the tally, the form is
 * public. Data live in the daemon's own SQLite database, in the consult_
 * tables of sg17/consult.h's SQLite store (schema step "consult"); each
 * request is one transaction on its own connection. A directory store left
 * by an earlier sg17d (<db path>.consult, or $SG17_CONSULT_STORE) is copied
 * in at start-up (sg17d_consult_init). Docs: docs/CONSULT.md "sg17d endpoints".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <jansson.h>

#include "sg17/consult.h"
#include "sg17/log.h"
#include "sg17d.h"

#define CONSULT_PREFIX "/v1/consult/circulars/"

/* The directory store an earlier sg17d used: $SG17_CONSULT_STORE, else "<db>.consult". */
static int legacy_dir(const sg17d_server *srv, char *out, size_t cap)
{
    const char *env = getenv("SG17_CONSULT_STORE");
    int n = (env && *env) ? snprintf(out, cap, "%s", env)
                          : snprintf(out, cap, "%s.consult", srv->cfg.db_path);
    return (n < 0 || (size_t)n >= cap) ? -1 : 0;
}

int sg17d_consult_init(sg17d_server *srv)
{
    char dir[SG17D_PATH_MAX + 16];
    struct stat sb;
    sg17_consult_store *src = NULL, *dst = NULL;
    sg17_consult_import_stats st;
    if (legacy_dir(srv, dir, sizeof dir) != 0 || stat(dir, &sb) != 0 || !S_ISDIR(sb.st_mode))
        return 0;
    int rc = sg17_consult_store_open(dir, &src);
    if (rc == 0)
        rc = sg17_consult_store_open_db(srv->cfg.db_path, &dst);
    if (rc == 0)
        rc = sg17_consult_store_import_store(dst, src, &st);
    sg17_consult_store_free(src);
    sg17_consult_store_free(dst);
    if (rc) {
        /* Nothing was copied (one transaction); the directory stays as it is. */
        sg17_log(SG17_LOG_ERROR, "consult", "import of the directory store %s: %s", dir,
                 rc == SG17_E_EXISTS ? "it conflicts with the database (different list, "
                                       "circular, key or a longer history); nothing copied"
                                     : sg17_strerror(rc));
        return 0;
    }
    sg17_log(SG17_LOG_INFO, "consult",
             "directory store %s: copied %zu list, %zu circulars, %zu keys, %zu replies; "
             "%zu already in the database",
             dir, st.states, st.circulars, st.keys, st.replies, st.skipped);
    return 0;
}

/* "<prefix><N>/<what>" -> N and what; 0 or -1. */
static int parse_path(const char *path, const char *prefix, long *n, const char **what)
{
    const char *p = path + strlen(prefix);
    long v = 0;
    size_t digits = 0;
    while (*p >= '0' && *p <= '9' && digits < 7) {
        v = v * 10 + (*p - '0');
        p++;
        digits++;
    }
    if (digits == 0 || v < 1 || (*p != '/' && *p != '\0'))
        return -1;
    *n = v;
    *what = *p ? p + 1 : p;
    return 0;
}

/* The administration a token speaks for: its name up to the first '.'. */
static int token_admin(const sg17d_principal *who, char *out, size_t cap)
{
    size_t i = 0;
    while (who->name[i] && who->name[i] != '.' && i + 1 < cap) {
        out[i] = who->name[i];
        i++;
    }
    out[i] = '\0';
    return (who->name[i] == '\0' || who->name[i] == '.') && i >= 2 ? 0 : -1;
}

static int open_store(sg17d_server *srv, sg17_consult_store **s)
{
    int rc = sg17_consult_store_open_db(srv->cfg.db_path, s);
    if (rc)
        sg17_log(SG17_LOG_ERROR, "consult", "cannot open the consult tables of %s: %s",
                 srv->cfg.db_path, sg17_strerror(rc));
    return rc;
}

static int not_found(sg17d_response *resp, long n)
{
    char why[96];
    (void)snprintf(why, sizeof why, "circular %ld has not been imported", n);
    return sg17d_resp_error(resp, 404, "not_found", why);
}

/* POST /v1/consult/circulars/N/replies (administration) */
static int h_submit(sg17d_server *srv, const sg17d_request *req, sg17d_response *resp, long n)
{
    char admin[16];
    sg17_consult_store *s = NULL;
    sg17_consult_verdict v;
    json_t *env = NULL;
    const char *claimed = NULL;

    if (req->who == NULL || token_admin(req->who, admin, sizeof admin) != 0)
        return sg17d_resp_error(resp, 403, "forbidden",
                                "administration tokens are named after the administration id");
    /* The token must speak for the administration the reply claims to be from. */
    if (sg17_json_parse((const char *)req->body, req->body_len, NULL, &env, NULL) == 0)
        claimed = json_string_value(json_object_get(json_object_get(env, "reply"),
                                                    "administration"));
    if (claimed != NULL && strcmp(claimed, admin) != 0) {
        json_decref(env);
        return sg17d_resp_error(resp, 403, "forbidden",
                                "the reply is from another administration than the token's");
    }
    json_decref(env);
    int64_t now = (int64_t)time(NULL);
    int rc = open_store(srv, &s);
    if (rc == 0)
        rc = sg17_consult_store_submit(s, n, (const char *)req->body, req->body_len, now, &v);
    sg17_consult_store_free(s);
    if (rc == SG17_E_NOTFOUND)
        return not_found(resp, n);
    if (rc)
        return rc;
    char at[21];
    sg17_consult_time_format(now, at);
    if (v.refusal)
        return sg17d_resp_json(resp, 422,
                               json_pack("{s:s,s:s,s:s,s:s}", "error", "refused", "code",
                                         sg17_consult_refusal_name(v.refusal), "reason",
                                         v.reason, "received_at", at));
    return sg17d_resp_json(resp, 201,
                           json_pack("{s:s,s:s,s:I,s:s}", "verdict", "accepted",
                                     "administration", v.administration, "circular",
                                     (json_int_t)n, "received_at", at));
}

/* GET /v1/consult/circulars/N/tally[?format=html] */
static int h_tally(sg17d_server *srv, const sg17d_request *req, sg17d_response *resp, long n)
{
    sg17_consult_store *s = NULL;
    sg17_consult_circular *c = NULL;
    sg17_consult_tally *t = NULL;
    char *text = NULL;
    size_t len = 0;
    const char *fmt = sg17d_req_query(req, "format");
    int html = fmt && strcmp(fmt, "html") == 0;
    size_t refusals = 0;
    int rc = open_store(srv, &s);
    if (rc == 0)
        rc = sg17_consult_store_tally(s, n, &c, &t);
    if (rc == 0)
        rc = sg17_consult_store_refusals(s, n, &refusals);
    if (rc == 0)
        rc = sg17_consult_tally_render(t, html ? SG17_CONSULT_HTML : SG17_CONSULT_JSON, &text,
                                       &len);
    sg17_consult_tally_free(t);
    sg17_consult_circular_free(c);
    sg17_consult_store_free(s);
    if (rc == SG17_E_NOTFOUND)
        return not_found(resp, n);
    if (rc)
        return rc;
    if (!html) {
        /* The tally as `sg17 consult tally --json`, plus the refusals the database recorded. */
        json_t *obj = NULL;
        rc = sg17_json_parse(text, len, NULL, &obj, NULL);
        free(text);
        if (rc)
            return rc;
        json_object_set_new(obj, "refusals", json_integer((json_int_t)refusals));
        return sg17d_resp_json(resp, 200, obj);
    }
    free(resp->body);
    resp->body = text;
    resp->body_len = len;
    resp->status = 200;
    resp->content_type = html ? "text/html; charset=utf-8" : "application/json";
    return 0;
}

/* GET /v1/consult/form/N?lang=en|zh[&format=html] (public) */
static int h_form(sg17d_server *srv, const sg17d_request *req, sg17d_response *resp, long n)
{
    sg17_consult_store *s = NULL;
    sg17_consult_circular *c = NULL;
    char *text = NULL;
    size_t len = 0;
    const char *lang = sg17d_req_query(req, "lang");
    const char *fmt = sg17d_req_query(req, "format");
    int html = fmt && strcmp(fmt, "html") == 0;
    if (lang == NULL)
        lang = "en";
    if (strcmp(lang, "en") != 0 && strcmp(lang, "zh") != 0)
        return sg17d_resp_error(resp, 400, "bad_request", "lang must be en or zh");
    int rc = open_store(srv, &s);
    if (rc == 0)
        rc = sg17_consult_store_circular(s, n, &c);
    sg17_consult_store_free(s);
    if (rc == SG17_E_NOTFOUND)
        return not_found(resp, n);
    if (rc == 0)
        rc = sg17_consult_form_render(c, lang, html, &text, &len);
    sg17_consult_circular_free(c);
    if (rc)
        return rc;
    free(resp->body);
    resp->body = text;
    resp->body_len = len;
    resp->status = 200;
    resp->content_type = html ? "text/html; charset=utf-8" : "text/plain; charset=utf-8";
    return 0;
}

static int h_consult(sg17d_server *srv, const sg17d_request *req, sg17d_response *resp)
{
    long n = 0;
    const char *what = NULL;
    int get = strcmp(req->method, "GET") == 0 || strcmp(req->method, "HEAD") == 0;
    if (parse_path(req->path, CONSULT_PREFIX, &n, &what) != 0)
        return sg17d_resp_error(resp, 404, "not_found", "expected /v1/consult/circulars/N/...");
    if (strcmp(what, "replies") == 0 && !get)
        return h_submit(srv, req, resp, n);
    if (strcmp(what, "tally") == 0 && get)
        return h_tally(srv, req, resp, n);
    return sg17d_resp_error(resp, 404, "not_found", "no such consult resource");
}

static int h_consult_public(sg17d_server *srv, const sg17d_request *req, sg17d_response *resp)
{
    long n = 0;
    const char *what = NULL;
    if (parse_path(req->path, "/v1/consult/form/", &n, &what) != 0 || *what != '\0')
        return sg17d_resp_error(resp, 404, "not_found", "expected /v1/consult/form/N");
    return h_form(srv, req, resp, n);
}

const sg17d_route sg17d_routes_consult[] = {
    {"POST", "/v1/consult/circulars/", 1, SG17D_ROLE_ADMINISTRATION, h_consult},
    {"GET", "/v1/consult/form/", 1, 0, h_consult_public},
    {"GET", "/v1/consult/circulars/", 1, SG17D_ROLE_ADMINISTRATION | SG17D_ROLE_ADMIN, h_consult},
    {NULL, NULL, 0, 0, NULL},
};
