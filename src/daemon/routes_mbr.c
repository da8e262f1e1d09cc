/*
 * Misbehaviour reports (docs/sg17d.md "Misbehaviour reports"; the report
 * format is docs/VEHICLE.md section 5, sg17_vehicle_report_sign/verify):
 *
 *   POST /mbr/v1/reporters  (admin)    {"id": ID, "public_key": PEM}  register a reporter key
 *   POST /mbr/v1/reports    (device)   body = a signed report        verify, then store
 *   GET  /mbr/v1/reports    (analyst, admin)
 *        ?vehicle=V&reporter=R&detector=D&since=T&until=T&limit=N    newest first
 *   GET  /mbr/v1/summary    (analyst, admin)  ?since=T&until=T&bucket=S
 *        counts per vehicle, detector, vehicle+detector and time bucket (the dashboard)
 *
 * A report is verified against the ML-DSA-65 public key registered for its
 * reporter (the `reporter` query argument, else the report's own "vehicle"
 * member) before anything is stored; unsigned, forged, malformed and
 * unknown-reporter reports are refused with 400 and a reason, a report
 * already stored (same signature) with 409. Tables: schema step
 * "mbr reports" in store_sqlite_schema.c, reached through a connection of
 * our own on the daemon's database file per request (as routes_update.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>
#include <sqlite3.h>

#include "sg17/common.h"
#include "sg17/consult.h"
#include "sg17/crypto.h"
#include "sg17/json.h"
#include "sg17/pqc.h"
#include "sg17/vehicle.h"
#include "sg17d.h"
#include "sql_util.h"

#define db_open(srv, db) sg17d_sql_open((srv), "mbr", (db))
#define db_err(db, what) sg17d_sql_err((db), "mbr", (what))
#define q_prepare(db, st, sql) sg17d_sql_prepare((db), "mbr", (st), (sql))

#define MBR_NAME_MAX 63
#define MBR_PEM_MAX 16384
#define MBR_DETECTOR_MAX 64
#define MBR_PAGE_DEFAULT 100
#define MBR_PAGE_MAX 500
#define MBR_REPORTER_ALG "ml-dsa-65"

/* [A-Za-z0-9._-]{1,63} */
static int name_ok(const char *s)
{
    return sg17d_name_ok(s, MBR_NAME_MAX);
}

/* Decimal 0..10^18-1, nothing else. */
static int parse_u(const char *s, int64_t *out)
{
    int64_t v = 0;
    size_t n = 0;
    for (; s[n]; n++) {
        if (s[n] < '0' || s[n] > '9' || n >= 18)
            return -1;
        v = v * 10 + (s[n] - '0');
    }
    if (n == 0)
        return -1;
    *out = v;
    return 0;
}

static void bind_t(sqlite3_stmt *st, int i, const char *s)
{
    if (s == NULL)
        (void)sqlite3_bind_null(st, i);
    else
        (void)sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
}

/* POST /mbr/v1/reporters  {"id": ID, "public_key": PEM} */
static int h_reporter_post(sg17d_server *srv, const sg17d_request *req, sg17d_response *resp)
{
    json_t *in = sg17d_req_json_object(req);
    const char *id = in ? json_string_value(json_object_get(in, "id")) : NULL;
    json_t *pemj = in ? json_object_get(in, "public_key") : NULL;
    const char *pem = json_string_value(pemj);
    sg17_pqc_key *k = NULL;
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    int rc, s;

    if (id == NULL || pem == NULL || json_object_size(in) != 2) {
        json_decref(in);
        return sg17d_resp_error(resp, 400, "bad_request",
                                "the body must be {\"id\": ID, \"public_key\": PEM}");
    }
    if (!name_ok(id)) {
        json_decref(in);
        return sg17d_resp_error(resp, 400, "bad_request",
                                "the reporter id must match [A-Za-z0-9._-]{1,63}");
    }
    if (json_string_length(pemj) > MBR_PEM_MAX ||
        sg17_consult_pubkey_parse(pem, json_string_length(pemj), &k) != 0) {
        json_decref(in);
        return sg17d_resp_error(resp, 400, "bad_key",
                                "public_key is not a PEM PUBLIC KEY of sg17/pqc.h");
    }
    if (sg17_pqc_key_kind(k) != SG17_PQC_SIG || sg17_pqc_key_is_private(k) ||
        strcmp(sg17_pqc_key_alg(k), MBR_REPORTER_ALG) != 0) {
        sg17_pqc_key_free(k);
        json_decref(in);
        return sg17d_resp_error(resp, 400, "bad_key",
                                "reporter keys must be ML-DSA-65 public keys");
    }
    sg17_pqc_key_free(k);

    rc = db_open(srv, &db);
    if (rc == 0)
        rc = q_prepare(db, &st,
                       "INSERT INTO mbr_reporters (id, alg, pubkey_pem, created_by, created_at)"
                       " VALUES (?1, ?2, ?3, ?4, ?5)");
    if (rc == 0) {
        bind_t(st, 1, id);
        bind_t(st, 2, MBR_REPORTER_ALG);
        bind_t(st, 3, pem);
        bind_t(st, 4, req->who ? req->who->name : "");
        (void)sqlite3_bind_int64(st, 5, (sqlite3_int64)time(NULL));
        s = sqlite3_step(st);
        if (s == SQLITE_CONSTRAINT) {
            sqlite3_finalize(st);
            sqlite3_close(db);
            json_decref(in);
            return sg17d_resp_error(resp, 409, "exists", "this reporter id is already registered");
        }
        if (s != SQLITE_DONE)
            rc = db_err(db, "insert reporter");
    }
    sqlite3_finalize(st);
    sqlite3_close(db);
    if (rc == 0) {
        json_t *out = json_pack("{s:s, s:s}", "id", id, "alg", MBR_REPORTER_ALG);
        json_decref(in);
        return sg17d_resp_json(resp, 201, out);
    }
    json_decref(in);
    return rc;
}

/* The registered PEM of reporter id: 0 and *pem (malloc'd), SG17_E_NOTFOUND, SG17_E_IO. */
static int reporter_pem(sqlite3 *db, const char *id, char **pem)
{
    sqlite3_stmt *st = NULL;
    int rc = q_prepare(db, &st, "SELECT pubkey_pem FROM mbr_reporters WHERE id = ?1");
    *pem = NULL;
    if (rc != 0)
        return rc;
    bind_t(st, 1, id);
    int s = sqlite3_step(st);
    if (s == SQLITE_ROW) {
        const unsigned char *t = sqlite3_column_text(st, 0);
        *pem = t ? strdup((const char *)t) : NULL;
        rc = *pem ? 0 : SG17_E_NOMEM;
    } else {
        rc = s == SQLITE_DONE ? SG17_E_NOTFOUND : db_err(db, "select reporter");
    }
    sqlite3_finalize(st);
    return rc;
}

static void hexs(const uint8_t *p, size_t n, char *out)
{
    static const char h[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = h[p[i] >> 4];
        out[2 * i + 1] = h[p[i] & 15];
    }
    out[2 * n] = '\0';
}

/* Store one verified report and its detector names in one transaction.
 * 0 and *id_out; SG17_E_EXISTS for a report already stored; SG17_E_IO. */
static int store_report(sqlite3 *db, const char *reporter, const char *vehicle, int64_t generated,
                        size_t n_alerts, const char *sig_hash, const sg17d_request *req,
                        json_t *alerts, int64_t now, int64_t *id_out)
{
    sqlite3_stmt *st = NULL;
    int rc, s;
    if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
        return db_err(db, "begin");
    rc = q_prepare(db, &st,
                   "INSERT INTO mbr_reports (reporter, vehicle, generated, n_alerts, sig_sha256,"
                   " body, posted_by, received_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
    if (rc == 0) {
        bind_t(st, 1, reporter);
        bind_t(st, 2, vehicle);
        (void)sqlite3_bind_int64(st, 3, (sqlite3_int64)generated);
        (void)sqlite3_bind_int64(st, 4, (sqlite3_int64)n_alerts);
        bind_t(st, 5, sig_hash);
        (void)sqlite3_bind_text64(st, 6, (const char *)req->body, (sqlite3_uint64)req->body_len,
                                  SQLITE_TRANSIENT, SQLITE_UTF8);
        bind_t(st, 7, req->who ? req->who->name : "");
        (void)sqlite3_bind_int64(st, 8, (sqlite3_int64)now);
        s = sqlite3_step(st);
        if (s == SQLITE_CONSTRAINT)
            rc = SG17_E_EXISTS;
        else if (s != SQLITE_DONE)
            rc = db_err(db, "insert report");
        else
            *id_out = (int64_t)sqlite3_last_insert_rowid(db);
    }
    sqlite3_finalize(st);
    st = NULL;
    if (rc == 0)
        rc = q_prepare(db, &st,
                       "INSERT OR IGNORE INTO mbr_report_detectors (report, detector)"
                       " VALUES (?1, ?2)");
    for (size_t i = 0; rc == 0 && i < json_array_size(alerts); i++) {
        json_t *d = json_object_get(json_array_get(alerts, i), "detector");
        if (!json_is_string(d) || json_string_length(d) == 0 ||
            json_string_length(d) > MBR_DETECTOR_MAX)
            continue;
        (void)sqlite3_reset(st);
        (void)sqlite3_bind_int64(st, 1, (sqlite3_int64)*id_out);
        bind_t(st, 2, json_string_value(d));
        if (sqlite3_step(st) != SQLITE_DONE)
            rc = db_err(db, "insert detector");
    }
    sqlite3_finalize(st);
    if (rc == 0 && sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
        rc = db_err(db, "commit");
    if (rc != 0)
        (void)sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
    return rc;
}

/* POST /mbr/v1/reports[?reporter=ID]  body = a report of `sg17 vehicle report sign` */
static int h_report_post(sg17d_server *srv, const sg17d_request *req, sg17d_response *resp)
{
    json_t *env = sg17d_req_json_object(req);
    json_t *body = env ? json_object_get(env, "report") : NULL;
    json_t *alerts = json_object_get(body, "alerts");
    json_t *sig = env ? json_object_get(env, "sig") : NULL;
    const char *vehicle = json_string_value(json_object_get(body, "vehicle"));
    json_t *gen = json_object_get(body, "generated");
    const char *reporter = sg17d_req_query(req, "reporter");
    char *pem = NULL;
    sg17_pqc_key *k = NULL;
    sqlite3 *db = NULL;
    size_t n_alerts = 0;
    uint8_t h[32];
    char hhex[65];
    int64_t id = 0, now = (int64_t)time(NULL);
    int rc;

    if (env == NULL) {
        return sg17d_resp_error(resp, 400, "bad_report", "the body is not a JSON object");
    }
    if (!json_is_string(sig)) {
        json_decref(env);
        return sg17d_resp_error(resp, 400, "unsigned", "the report has no \"sig\" member");
    }
    if (!json_is_object(body) || !json_is_array(alerts) || vehicle == NULL ||
        !json_is_integer(gen)) {
        json_decref(env);
        return sg17d_resp_error(resp, 400, "bad_report",
                                "not an sg17-mbr-1 report: need report.vehicle, "
                                "report.generated, report.alerts");
    }
    if (reporter == NULL)
        reporter = vehicle;
    if (!name_ok(reporter)) {
        json_decref(env);
        return sg17d_resp_error(resp, 400, "unknown_reporter",
                                "the reporter id (?reporter=, else report.vehicle) must match "
                                "[A-Za-z0-9._-]{1,63}");
    }

    rc = db_open(srv, &db);
    if (rc == 0)
        rc = reporter_pem(db, reporter, &pem);
    if (rc == SG17_E_NOTFOUND) {
        sqlite3_close(db);
        json_decref(env);
        return sg17d_resp_error(resp, 400, "unknown_reporter",
                                "no key is registered for this reporter id");
    }
    if (rc == 0 && sg17_consult_pubkey_parse(pem, strlen(pem), &k) != 0) {
        sg17_log(SG17_LOG_ERROR, "mbr", "stored key of reporter %s does not parse", reporter);
        rc = SG17_E_STATE;
    }
    free(pem);
    if (rc == 0) {
        rc = sg17_vehicle_report_verify(k, (const char *)req->body, req->body_len, &n_alerts);
        sg17_pqc_key_free(k);
        if (rc == SG17_E_VERIFY || rc == SG17_E_FORMAT) {
            sqlite3_close(db);
            json_decref(env);
            return rc == SG17_E_VERIFY
                       ? sg17d_resp_error(resp, 400, "bad_signature",
                                          "the signature does not verify with the reporter's key")
                       : sg17d_resp_error(resp, 400, "bad_report",
                                          "not an sg17-mbr-1 report (format, alg or sig encoding)");
        }
    }
    if (rc == 0) {
        sg17_sha256(h, (const uint8_t *)json_string_value(sig), json_string_length(sig));
        hexs(h, sizeof h, hhex);
        rc = store_report(db, reporter, vehicle, (int64_t)json_integer_value(gen), n_alerts, hhex,
                          req, alerts, now, &id);
    }
    sqlite3_close(db);
    if (rc == SG17_E_EXISTS) {
        json_decref(env);
        return sg17d_resp_error(resp, 409, "duplicate", "this report is already stored");
    }
    if (rc == 0) {
        json_t *out = json_pack("{s:I, s:s, s:s, s:I, s:I}", "id", (json_int_t)id, "reporter",
                                reporter, "vehicle", vehicle, "alerts", (json_int_t)n_alerts,
                                "received_at", (json_int_t)now);
        json_decref(env);
        return sg17d_resp_json(resp, 201, out);
    }
    json_decref(env);
    return rc;
}

/* GET /mbr/v1/reports?vehicle=V&reporter=R&detector=D&since=T&until=T&limit=N */
static int h_reports_get(sg17d_server *srv, const sg17d_request *req, sg17d_response *resp)
{
    const char *vehicle = sg17d_req_query(req, "vehicle");
    const char *reporter = sg17d_req_query(req, "reporter");
    const char *detector = sg17d_req_query(req, "detector");
    const char *since_s = sg17d_req_query(req, "since");
    const char *until_s = sg17d_req_query(req, "until");
    const char *limit_s = sg17d_req_query(req, "limit");
    int64_t since = 0, until = INT64_MAX, limit = MBR_PAGE_DEFAULT;
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    json_t *list, *out;
    int rc, s = SQLITE_DONE, truncated = 0;

    if ((since_s && parse_u(since_s, &since) != 0) || (until_s && parse_u(until_s, &until) != 0))
        return sg17d_resp_error(resp, 400, "bad_request",
                                "since and until are Unix seconds (decimal digits)");
    if (limit_s && (parse_u(limit_s, &limit) != 0 || limit < 1 || limit > MBR_PAGE_MAX))
        return sg17d_resp_error(resp, 400, "bad_request", "limit must be 1..500");
    if ((vehicle && strlen(vehicle) > 256) || (reporter && strlen(reporter) > 256) ||
        (detector && strlen(detector) > 256))
        return sg17d_resp_error(resp, 400, "bad_request", "query argument too long");

    rc = db_open(srv, &db);
    if (rc == 0)
        rc = q_prepare(db, &st,
                       "SELECT r.id, r.reporter, r.vehicle, r.generated, r.n_alerts,"
                       " r.received_at, r.posted_by, r.body FROM mbr_reports r"
                       " WHERE (?1 IS NULL OR r.vehicle = ?1)"
                       " AND (?2 IS NULL OR r.reporter = ?2)"
                       " AND (?3 IS NULL OR EXISTS (SELECT 1 FROM mbr_report_detectors d"
                       "      WHERE d.report = r.id AND d.detector = ?3))"
                       " AND r.received_at >= ?4 AND r.received_at <= ?5"
                       " ORDER BY r.received_at DESC, r.id DESC LIMIT ?6");
    if (rc != 0) {
        sqlite3_close(db);
        return rc;
    }
    bind_t(st, 1, vehicle);
    bind_t(st, 2, reporter);
    bind_t(st, 3, detector);
    (void)sqlite3_bind_int64(st, 4, (sqlite3_int64)since);
    (void)sqlite3_bind_int64(st, 5, (sqlite3_int64)until);
    (void)sqlite3_bind_int64(st, 6, (sqlite3_int64)(limit + 1));
    list = json_array();
    while (list && (s = sqlite3_step(st)) == SQLITE_ROW) {
        json_t *rep;
        if ((int64_t)json_array_size(list) == limit) {
            truncated = 1;
            break;
        }
        rep = json_loadb((const char *)sqlite3_column_text(st, 7),
                         (size_t)sqlite3_column_bytes(st, 7), 0, NULL);
        if (rep == NULL) {
            rc = SG17_E_STATE;
            break;
        }
        json_array_append_new(
            list, json_pack("{s:I, s:s, s:s, s:I, s:I, s:I, s:s, s:o}", "id",
                            (json_int_t)sqlite3_column_int64(st, 0), "reporter",
                            (const char *)sqlite3_column_text(st, 1), "vehicle",
                            (const char *)sqlite3_column_text(st, 2), "generated",
                            (json_int_t)sqlite3_column_int64(st, 3), "alerts",
                            (json_int_t)sqlite3_column_int64(st, 4), "received_at",
                            (json_int_t)sqlite3_column_int64(st, 5), "posted_by",
                            (const char *)sqlite3_column_text(st, 6), "report", rep));
    }
    if (rc == 0 && list && !truncated && s != SQLITE_DONE)
        rc = db_err(db, "select reports");
    sqlite3_finalize(st);
    sqlite3_close(db);
    if (list == NULL)
        return SG17_E_NOMEM;
    if (rc != 0) {
        json_decref(list);
        return rc;
    }
    out = json_pack("{s:o, s:I, s:b}", "reports", list, "limit", (json_int_t)limit, "truncated",
                    truncated);
    return sg17d_resp_json(resp, 200, out);
}

/* Rows of one aggregate query appended to arr as objects with these keys (columns in order:
 * text or integer as stored). At most cap rows; *truncated set when there were more. */
static int agg_rows(sqlite3 *db, const char *sql, int64_t since, int64_t until, int64_t bucket,
                    const char *const *keys, size_t nkeys, int64_t cap, json_t *arr,
                    int *truncated)
{
    sqlite3_stmt *st = NULL;
    int rc = q_prepare(db, &st, sql), s = SQLITE_DONE;
    if (rc != 0)
        return rc;
    (void)sqlite3_bind_int64(st, 1, (sqlite3_int64)since);
    (void)sqlite3_bind_int64(st, 2, (sqlite3_int64)until);
    (void)sqlite3_bind_int64(st, 3, (sqlite3_int64)bucket);
    (void)sqlite3_bind_int64(st, 4, (sqlite3_int64)(cap + 1));
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        if ((int64_t)json_array_size(arr) == cap) {
            *truncated = 1;
            break;
        }
        json_t *o = json_object();
        for (size_t i = 0; o && i < nkeys; i++) {
            int c = (int)i;
            json_t *v = sqlite3_column_type(st, c) == SQLITE_INTEGER
                            ? json_integer((json_int_t)sqlite3_column_int64(st, c))
                            : json_string((const char *)sqlite3_column_text(st, c));
            if (v == NULL || json_object_set_new(o, keys[i], v) != 0) {
                json_decref(o);
                o = NULL;
            }
        }
        if (o == NULL || json_array_append_new(arr, o) != 0) {
            rc = SG17_E_NOMEM;
            break;
        }
    }
    if (rc == 0 && s != SQLITE_ROW && s != SQLITE_DONE)
        rc = db_err(db, "summary");
    sqlite3_finalize(st);
    return rc;
}

/* Alerts of the reports received in [?1, ?2], one row per alert with its detector. */
#define MBR_ALERTS_SQL                                                                            \
    "WITH a AS (SELECT r.id AS report, r.vehicle AS vehicle, r.received_at AS t,"                \
    " coalesce(json_extract(e.value, '$.detector'), '?') AS detector"                            \
    " FROM mbr_reports r, json_each(r.body, '$.report.alerts') e"                                \
    " WHERE r.received_at >= ?1 AND r.received_at <= ?2) "

/* GET /mbr/v1/summary?since=T&until=T&bucket=S : counts per vehicle, per detector, per
 * vehicle and detector, and per time bucket (received_at), for the dashboard's timeline. */
static int h_summary_get(sg17d_server *srv, const sg17d_request *req, sg17d_response *resp)
{
    static const char *const k_tot[] = {"reports", "alerts", "vehicles", "detectors"};
    static const char *const k_veh[] = {"vehicle", "reports", "alerts", "first_received",
                                        "last_received"};
    static const char *const k_det[] = {"detector", "alerts", "vehicles", "reports"};
    static const char *const k_vd[] = {"vehicle", "detector", "alerts"};
    static const char *const k_tl[] = {"t", "vehicle", "detector", "alerts"};
    const char *since_s = sg17d_req_query(req, "since");
    const char *until_s = sg17d_req_query(req, "until");
    const char *bucket_s = sg17d_req_query(req, "bucket");
    int64_t since = 0, until = INT64_MAX, bucket = 60;
    int truncated = 0, rc;
    sqlite3 *db = NULL;

    if ((since_s && parse_u(since_s, &since) != 0) || (until_s && parse_u(until_s, &until) != 0))
        return sg17d_resp_error(resp, 400, "bad_request",
                                "since and until are Unix seconds (decimal digits)");
    if (bucket_s && (parse_u(bucket_s, &bucket) != 0 || bucket < 1 || bucket > 86400))
        return sg17d_resp_error(resp, 400, "bad_request", "bucket must be 1..86400 seconds");
    json_t *tot = json_array(), *veh = json_array(), *det = json_array(), *vd = json_array(),
           *tl = json_array();
    rc = (tot && veh && det && vd && tl) ? db_open(srv, &db) : SG17_E_NOMEM;
    if (rc == 0)
        rc = agg_rows(db,
                      "SELECT (SELECT count(*) FROM mbr_reports WHERE received_at >= ?1 AND"
                      " received_at <= ?2), (SELECT coalesce(sum(n_alerts), 0) FROM mbr_reports"
                      " WHERE received_at >= ?1 AND received_at <= ?2), (SELECT"
                      " count(DISTINCT vehicle) FROM mbr_reports WHERE received_at >= ?1 AND"
                      " received_at <= ?2), (SELECT count(DISTINCT d.detector) FROM"
                      " mbr_report_detectors d JOIN mbr_reports r ON r.id = d.report WHERE"
                      " r.received_at >= ?1 AND r.received_at <= ?2) WHERE ?3 > 0 OR ?4 > 0",
                      since, until, bucket, k_tot, sizeof k_tot / sizeof *k_tot,
                      1, tot, &truncated);
    if (rc == 0)
        rc = agg_rows(db,
                      "SELECT vehicle, count(*), coalesce(sum(n_alerts), 0), min(received_at),"
                      " max(received_at) FROM mbr_reports WHERE received_at >= ?1 AND"
                      " received_at <= ?2 AND ?3 > 0 GROUP BY vehicle"
                      " ORDER BY 3 DESC, vehicle LIMIT ?4",
                      since, until, bucket, k_veh, sizeof k_veh / sizeof *k_veh,
                      200, veh, &truncated);
    if (rc == 0)
        rc = agg_rows(db,
                      MBR_ALERTS_SQL "SELECT detector, count(*), count(DISTINCT vehicle),"
                                     " count(DISTINCT report) FROM a WHERE ?3 > 0"
                                     " GROUP BY detector ORDER BY 2 DESC, detector LIMIT ?4",
                      since, until, bucket, k_det, sizeof k_det / sizeof *k_det,
                      100, det, &truncated);
    if (rc == 0)
        rc = agg_rows(db,
                      MBR_ALERTS_SQL "SELECT vehicle, detector, count(*) FROM a WHERE ?3 > 0"
                                     " GROUP BY vehicle, detector ORDER BY vehicle, detector"
                                     " LIMIT ?4",
                      since, until, bucket, k_vd, sizeof k_vd / sizeof *k_vd,
                      1000, vd, &truncated);
    if (rc == 0)
        rc = agg_rows(db,
                      MBR_ALERTS_SQL "SELECT (t / ?3) * ?3 AS b, vehicle, detector, count(*)"
                                     " FROM a GROUP BY b, vehicle, detector"
                                     " ORDER BY b, vehicle, detector LIMIT ?4",
                      since, until, bucket, k_tl, sizeof k_tl / sizeof *k_tl,
                      2000, tl, &truncated);
    sqlite3_close(db);
    if (rc != 0 || json_array_size(tot) != 1) {
        json_decref(tot);
        json_decref(veh);
        json_decref(det);
        json_decref(vd);
        json_decref(tl);
        return rc ? rc : SG17_E_STATE;
    }
    json_t *totals = json_incref(json_array_get(tot, 0));
    json_decref(tot);
    return sg17d_resp_json(resp, 200,
                           json_pack("{s:I, s:I, s:I, s:o, s:o, s:o, s:o, s:o, s:b}", "since",
                                     (json_int_t)since, "until", (json_int_t)until,
                                     "bucket_seconds", (json_int_t)bucket, "totals", totals,
                                     "vehicles", veh, "detectors", det, "by_vehicle_detector",
                                     vd, "timeline", tl, "truncated", truncated));
}

const sg17d_route sg17d_routes_mbr[] = {
    {"POST", "/mbr/v1/reporters", 0, SG17D_ROLE_ADMIN, h_reporter_post},
    {"POST", "/mbr/v1/reports", 0, SG17D_ROLE_DEVICE, h_report_post},
    {"GET", "/mbr/v1/reports", 0, SG17D_ROLE_ANALYST | SG17D_ROLE_ADMIN, h_reports_get},
    {"GET", "/mbr/v1/summary", 0, SG17D_ROLE_ANALYST | SG17D_ROLE_ADMIN, h_summary_get},
    {NULL, NULL, 0, 0, NULL},
};
