/*
 * Quantum-readiness report (X.1811 cl. 7-8, sg17/assess.h) over HTTP:
 *
 *   GET  /v1/assess/report[?format=html]  the configured inventory's report
 *   POST /v1/assess                        assess the inventory in the body
 *
 * The inventory is [assess] inventory = PATH, else the example of a 2020 5G
 * SA core that ships with the project (examples/assess/5g-sa-2020.json next
 * to the web root), read and assessed once at start; the report is rendered
 * as JSON and HTML then and served from memory. Roles: admin and analyst.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "sg17/assess.h"
#include "sg17d.h"

#define INVENTORY_MAX ((size_t)1 << 20)

typedef struct assess_state {
    char source[SG17D_FILE_PATH_MAX + 64];
    char *json;
    size_t json_len;
    char *html;
    size_t html_len;
} assess_state;

static int read_file(const char *path, char **out, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf;
    size_t n;
    if (f == NULL)
        return SG17_E_NOTFOUND;
    buf = malloc(INVENTORY_MAX + 1);
    if (buf == NULL) {
        fclose(f);
        return SG17_E_NOMEM;
    }
    n = fread(buf, 1, INVENTORY_MAX + 1, f);
    if (ferror(f) || n > INVENTORY_MAX) {
        fclose(f);
        free(buf);
        return n > INVENTORY_MAX ? SG17_E_LIMIT : SG17_E_IO;
    }
    fclose(f);
    buf[n] = '\0';
    *out = buf;
    *len = n;
    return 0;
}

int sg17d_assess_init(sg17d_server *srv)
{
    assess_state *st = calloc(1, sizeof *st);
    sg17_assess_report *r = NULL;
    char *inv = NULL, err[256] = "";
    size_t inv_len = 0;
    int configured = srv->cfg.assess_inventory[0] != '\0';
    int rc;

    if (st == NULL)
        return SG17_E_NOMEM;
    srv->assess = st;
    if (configured)
        snprintf(st->source, sizeof st->source, "%s", srv->cfg.assess_inventory);
    else
        snprintf(st->source, sizeof st->source, "%s/../examples/assess/5g-sa-2020.json",
                 srv->cfg.web_root);
    rc = read_file(st->source, &inv, &inv_len);
    if (rc != 0) {
        if (!configured) { /* no example around: the endpoint answers 404 */
            sg17_log(SG17_LOG_INFO, "assess", "no inventory configured and no example found");
            st->source[0] = '\0';
            return 0;
        }
        sg17_log(SG17_LOG_ERROR, "assess", "cannot read inventory %s: %s", st->source,
                 sg17_strerror(rc));
        return rc;
    }
    rc = sg17_assess_inventory(inv, inv_len, &r, err, sizeof err);
    free(inv);
    if (rc == 0)
        rc = sg17_assess_render(r, SG17_ASSESS_JSON, &st->json, &st->json_len);
    if (rc == 0)
        rc = sg17_assess_render(r, SG17_ASSESS_HTML, &st->html, &st->html_len);
    if (rc == 0)
        sg17_log(SG17_LOG_INFO, "assess", "report of %s: %zu items", st->source,
                 sg17_assess_report_count(r));
    else
        sg17_log(SG17_LOG_ERROR, "assess", "inventory %s: %s", st->source,
                 err[0] ? err : sg17_strerror(rc));
    sg17_assess_report_free(r);
    return rc;
}

void sg17d_assess_free(sg17d_server *srv)
{
    assess_state *st = srv->assess;
    if (st == NULL)
        return;
    free(st->json);
    free(st->html);
    free(st);
    srv->assess = NULL;
}

static int set_body(sg17d_response *resp, const char *text, size_t len, const char *type)
{
    char *copy = malloc(len + 1);
    if (copy == NULL)
        return SG17_E_NOMEM;
    memcpy(copy, text, len);
    copy[len] = '\0';
    free(resp->body);
    resp->body = copy;
    resp->body_len = len;
    resp->status = 200;
    resp->content_type = type;
    return 0;
}

/* GET /v1/assess/report[?format=html|json] */
static int h_report(sg17d_server *srv, const sg17d_request *req, sg17d_response *resp)
{
    assess_state *st = srv->assess;
    const char *fmt = sg17d_req_query(req, "format");
    if (fmt != NULL && strcmp(fmt, "html") != 0 && strcmp(fmt, "json") != 0)
        return sg17d_resp_error(resp, 400, "bad_request", "format must be json or html");
    if (st->json == NULL)
        return sg17d_resp_error(resp, 404, "not_found",
                                "no inventory: set [assess] inventory = PATH");
    if (fmt != NULL && strcmp(fmt, "html") == 0) {
        int rc = set_body(resp, st->html, st->html_len, "text/html; charset=utf-8");
        /* The report is self-contained (inline style, no script). */
        resp->csp = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'self'";
        return rc;
    }
    return set_body(resp, st->json, st->json_len, "application/json");
}

/* POST /v1/assess: the body is an inventory; the reply its JSON report. */
static int h_assess(sg17d_server *srv, const sg17d_request *req, sg17d_response *resp)
{
    sg17_assess_report *r = NULL;
    char err[256] = "", *text = NULL;
    size_t len = 0;
    int rc;
    (void)srv;
    rc = sg17_assess_inventory((const char *)req->body, req->body_len, &r, err, sizeof err);
    if (rc == SG17_E_FORMAT || rc == SG17_E_LIMIT)
        return sg17d_resp_error(resp, rc == SG17_E_LIMIT ? 413 : 400,
                                rc == SG17_E_LIMIT ? "payload_too_large" : "bad_inventory",
                                err[0] ? err : "not an sg17-assess-1 inventory");
    if (rc == 0)
        rc = sg17_assess_render(r, SG17_ASSESS_JSON, &text, &len);
    sg17_assess_report_free(r);
    if (rc != 0)
        return rc;
    free(resp->body);
    resp->body = text;
    resp->body_len = len;
    resp->status = 200;
    resp->content_type = "application/json";
    return 0;
}

const sg17d_route sg17d_routes_assess[] = {
    {"GET", "/v1/assess/report", 0, SG17D_ROLE_ADMIN | SG17D_ROLE_ANALYST, h_report},
    {"POST", "/v1/assess", 0, SG17D_ROLE_ADMIN | SG17D_ROLE_ANALYST, h_assess},
    {NULL, NULL, 0, 0, NULL},
};
