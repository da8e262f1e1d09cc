/*
 * X.1217 situation awareness for the dashboard (docs/INTEL-STORE.md "HTTP API"):
 *
 *   GET  /intel/v1/summary    (analyst, admin)  ?hours=48&top=10
 *        indicator counts by type, source and FS.11 category, sightings per
 *        hour for the last `hours` hours, the `top` most sighted values
 *   POST /intel/v1/sightings  (analyst)   body = STIX sightings as JSON Lines
 *        (the output of `sg17 intel match`) fed back into the store
 *
 * The intel store lives in the daemon's database file (intel_* tables, see
 * sg17/intel_store.h); each request opens its own store handle on it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "sg17/intel_store.h"
#include "sg17/log.h"
#include "sg17d.h"

#define INTEL_HOURS_DEFAULT 48U
#define INTEL_HOURS_MAX     (24U * 366U)
#define INTEL_TOP_DEFAULT   10U
#define INTEL_TOP_MAX       1000U

/* Optional decimal query argument in [0, max]; -1 if malformed. */
static long query_num(const sg17d_request *req, const char *key, unsigned dflt, unsigned max)
{
    const char *v = sg17d_req_query(req, key);
    if (v == NULL)
        return (long)dflt;
    unsigned long n = 0;
    if (*v == '\0')
        return -1;
    for (const char *p = v; *p; p++) {
        if (*p < '0' || *p > '9' || n > max)
            return -1;
        n = n * 10 + (unsigned long)(*p - '0');
    }
    return n > max ? -1 : (long)n;
}

static int open_store(sg17d_server *srv, sg17_intel_store **s)
{
    int rc = sg17_intel_store_open(s, srv->cfg.db_path);
    if (rc != 0)
        sg17_log(SG17_LOG_ERROR, "intel", "cannot open the intel store in %s: %s", srv->cfg.db_path,
                 sg17_strerror(rc));
    return rc;
}

static int h_summary(sg17d_server *srv, const sg17d_request *req, sg17d_response *resp)
{
    long hours = query_num(req, "hours", INTEL_HOURS_DEFAULT, INTEL_HOURS_MAX);
    long top = query_num(req, "top", INTEL_TOP_DEFAULT, INTEL_TOP_MAX);
    if (hours < 0 || top < 0)
        return sg17d_resp_error(resp, 400, "bad_request",
                                "hours (0..8784) and top (0..1000) are decimal numbers");
    sg17_intel_store *s;
    int rc = open_store(srv, &s);
    if (rc != 0)
        return rc;
    json_t *j = NULL;
    rc = sg17_intel_store_summary(s, (int64_t)time(NULL), (unsigned)hours, (unsigned)top, &j);
    if (rc != 0)
        sg17_log(SG17_LOG_ERROR, "intel", "summary: %s", sg17_intel_store_errmsg(s));
    sg17_intel_store_close(s);
    if (rc != 0)
        return rc;
    return sg17d_resp_json(resp, 200, j);
}

static int h_sightings(sg17d_server *srv, const sg17d_request *req, sg17d_response *resp)
{
    sg17_intel_store *s;
    int rc = open_store(srv, &s);
    if (rc != 0)
        return rc;
    sg17_intel_sight_stats st;
    rc = sg17_intel_store_sightings(s, (const char *)req->body, req->body_len, (int64_t)time(NULL),
                                    &st);
    if (rc != 0)
        sg17_log(SG17_LOG_ERROR, "intel", "sightings: %s", sg17_intel_store_errmsg(s));
    sg17_intel_store_close(s);
    if (rc != 0)
        return rc;
    if (st.lines == 0 || (st.recorded == 0 && st.unmatched == 0))
        return sg17d_resp_error(resp, 400, "bad_request",
                                st.lines == 0 ? "no sightings in the body (JSON Lines expected)"
                                              : st.last_error);
    sg17_log(SG17_LOG_INFO, "intel", "%s: %zu sightings recorded, %zu unmatched, %zu invalid",
             req->who ? req->who->name : "-", st.recorded, st.unmatched, st.invalid);
    json_t *j = json_pack("{s:I, s:I, s:I, s:I}", "lines", (json_int_t)st.lines, "recorded",
                          (json_int_t)st.recorded, "unmatched", (json_int_t)st.unmatched, "invalid",
                          (json_int_t)st.invalid);
    if (j != NULL && st.invalid)
        json_object_set_new(j, "last_error", json_string(st.last_error));
    return sg17d_resp_json(resp, 200, j);
}

const sg17d_route sg17d_routes_intel[] = {
    {"GET", "/intel/v1/summary", 0, SG17D_ROLE_ANALYST | SG17D_ROLE_ADMIN, h_summary},
    {"POST", "/intel/v1/sightings", 0, SG17D_ROLE_ANALYST, h_sightings},
    {NULL, NULL, 0, 0, NULL},
};
