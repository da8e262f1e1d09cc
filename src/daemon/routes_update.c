/*
 * X.1368 firmware server and status tracker (docs/UPDATE-SERVER.md):
 * authors upload SUIT envelopes and images, register devices and start
 * campaigns (explicit device list, or a device class with a staged-rollout
 * percentage); devices poll (the tracker issues a fresh nonce per offer),
 * download the envelope and the image (HTTP Range), and send status reports:
 * CBOR signed by the device's ML-DSA-65 key (COSE_Sign1), bound to the
 * manifest digest and the nonce of the current offer. The tracker verifies
 * before it stores anything. Tables: schema steps "x1368 update" in
 * store_sqlite_schema.c, reached through a connection of our own on the
 * daemon's database file (WAL, busy_timeout) per request.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>
#include <sqlite3.h>

#include "sg17/common.h"
#include "sg17/cose.h"
#include "sg17/crypto.h"
#include "sg17/device.h"
#include "sg17/json.h"
#include "sg17/suit.h"
#include "sg17d.h"
#include "sql_util.h"

#define db_open(srv, db) sg17d_sql_open((srv), "update", (db))
#define db_err(db, what) sg17d_sql_err((db), "update", (what))
#define q_prepare(db, st, sql) sg17d_sql_prepare((db), "update", (st), (sql))

#define UP "/v1/update/"
#define MAX_NAME 63
#define NONCE_BYTES 16

/* Serialise tracker writes of this process (SQLite has one writer anyway). */
static pthread_mutex_t update_lock = PTHREAD_MUTEX_INITIALIZER;

static void hexs(const uint8_t *p, size_t n, char *out)
{
    static const char h[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = h[p[i] >> 4];
        out[2 * i + 1] = h[p[i] & 15];
    }
    out[2 * n] = '\0';
}

static int unhex(const char *s, uint8_t *out, size_t cap, size_t *n)
{
    size_t l = strlen(s);
    if (l % 2 != 0 || l / 2 > cap)
        return -1;
    for (size_t i = 0; i < l; i++) {
        char c = s[i];
        int v = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
        if (v < 0)
            return -1;
        if (i % 2 == 0)
            out[i / 2] = (uint8_t)(v << 4);
        else
            out[i / 2] = (uint8_t)(out[i / 2] | v);
    }
    *n = l / 2;
    return 0;
}

/* [A-Za-z0-9._-]{1,63} */
static int name_ok(const char *s)
{
    return sg17d_name_ok(s, MAX_NAME);
}

static int is_digest_hex(const char *s)
{
    size_t n = 0;
    for (; s[n]; n++)
        if (!((s[n] >= '0' && s[n] <= '9') || (s[n] >= 'a' && s[n] <= 'f')))
            return 0;
    return n == 64;
}

/* Bind a text argument (SQLite keeps its own copy). */
static void bind_t(sqlite3_stmt *st, int i, const char *s)
{
    (void)sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
}

static void bind_b(sqlite3_stmt *st, int i, const void *p, size_t n)
{
    (void)sqlite3_bind_blob64(st, i, p, (sqlite3_uint64)n, SQLITE_TRANSIENT);
}

static const char *col_t(sqlite3_stmt *st, int i)
{
    const unsigned char *t = sqlite3_column_text(st, i);
    return t ? (const char *)t : "";
}

/* The device a device-role token speaks for: its name up to the first '.'. */
static void token_device(const sg17d_principal *who, char *out, size_t cap)
{
    size_t i = 0;
    while (who->name[i] && who->name[i] != '.' && i + 1 < cap) {
        out[i] = who->name[i];
        i++;
    }
    out[i] = '\0';
}

static int is_device(const sg17d_request *req)
{
    return req->who != NULL && req->who->role == SG17D_ROLE_DEVICE;
}

/* ---- uploads ---------------------------------------------------------------- */

/* POST /v1/update/envelopes (author, admin): body = the SUIT envelope. */
static int h_envelope_put(sg17d_server *srv, const sg17d_request *req, sg17d_response *resp)
{
    sg17_suit_envelope *env = NULL;
    sg17_suit_summary sum;
    char why[SG17_SUIT_WHY_BYTES] = "", dg[65];
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    if (sg17_suit_decode(req->body, req->body_len, &env, why, sizeof why) != 0)
        return sg17d_resp_error(resp, 422, "bad_envelope", why);
    sg17_suit_summary_get(env, &sum);
    sg17_suit_free(env);
    if (!sum.digest_ok)
        return sg17d_resp_error(resp, 422, "bad_envelope",
                                "manifest digest differs from the authentication wrapper");
    if (sum.auth_blocks == 0)
        return sg17d_resp_error(resp, 422, "bad_envelope", "envelope is not signed");
    hexs(sum.manifest_digest, 32, dg);
    int rc = db_open(srv, &db);
    pthread_mutex_lock(&update_lock);
    if (rc == 0)
        rc = q_prepare(db, &st,
                       "INSERT OR REPLACE INTO update_envelopes(digest, sequence, body, "
                       "uploaded_by, created_at) VALUES (?1, ?2, ?3, ?4, ?5)");
    if (rc == 0) {
        bind_t(st, 1, dg);
        (void)sqlite3_bind_int64(st, 2, (sqlite3_int64)sum.sequence_number);
        bind_b(st, 3, req->body, req->body_len);
        bind_t(st, 4, req->who->name);
        (void)sqlite3_bind_int64(st, 5, (sqlite3_int64)time(NULL));
        if (sqlite3_step(st) != SQLITE_DONE)
            rc = db_err(db, "insert envelope");
    }
    pthread_mutex_unlock(&update_lock);
    sqlite3_finalize(st);
    sqlite3_close(db);
    if (rc)
        return rc;
    return sg17d_resp_json(resp, 201,
                           json_pack("{s:s,s:I,s:I,s:I}", "manifest", dg, "sequence",
                                     (json_int_t)sum.sequence_number, "size",
                                     (json_int_t)req->body_len, "auth_blocks",
                                     (json_int_t)sum.auth_blocks));
}

/* POST /v1/update/images/NAME (author, admin) */
static int h_image_put(sg17d_server *srv, const sg17d_request *req, sg17d_response *resp,
                       const char *name)
{
    uint8_t h[32];
    char hx[65];
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    if (!name_ok(name))
        return sg17d_resp_error(resp, 400, "bad_request", "image names are [A-Za-z0-9._-]{1,63}");
    sg17_sha256(h, req->body, req->body_len);
    hexs(h, 32, hx);
    int rc = db_open(srv, &db);
    pthread_mutex_lock(&update_lock);
    if (rc == 0)
        rc = q_prepare(db, &st,
                       "INSERT OR REPLACE INTO update_images(name, sha256, body, uploaded_by, "
                       "created_at) VALUES (?1, ?2, ?3, ?4, ?5)");
    if (rc == 0) {
        bind_t(st, 1, name);
        bind_t(st, 2, hx);
        bind_b(st, 3, req->body, req->body_len);
        bind_t(st, 4, req->who->name);
        (void)sqlite3_bind_int64(st, 5, (sqlite3_int64)time(NULL));
        if (sqlite3_step(st) != SQLITE_DONE)
            rc = db_err(db, "insert image");
    }
    pthread_mutex_unlock(&update_lock);
    sqlite3_finalize(st);
    sqlite3_close(db);
    if (rc)
        return rc;
    return sg17d_resp_json(resp, 201, json_pack("{s:s,s:s,s:I}", "name", name, "sha256", hx,
                                                "size", (json_int_t)req->body_len));
}

/* Mark the device's current offer for this manifest as being fetched. */
static void note_fetch(sqlite3 *db, const sg17d_request *req, const char *digest)
{
    char dev[MAX_NAME + 1];
    sqlite3_stmt *st = NULL;
    if (!is_device(req))
        return;
    token_device(req->who, dev, sizeof dev);
    if (q_prepare(db, &st,
                  "UPDATE update_status SET status = 'downloading', updated_at = ?3 "
                  "WHERE device = ?1 AND status IN ('offered', 'downloading') AND campaign IN "
                  "(SELECT name FROM update_campaigns WHERE digest = ?2 OR ?2 = '')") != 0)
        return;
    bind_t(st, 1, dev);
    bind_t(st, 2, digest);
    (void)sqlite3_bind_int64(st, 3, (sqlite3_int64)time(NULL));
    (void)sqlite3_step(st);
    sqlite3_finalize(st);
}

/* "bytes=N-" or "bytes=N-M": 0 and from/to (to = -1 open), -1 malformed. */
static int parse_range(const char *h, uint64_t *from, int64_t *to)
{
    uint64_t a = 0, b = 0;
    int da = 0, db = 0;
    if (strncmp(h, "bytes=", 6) != 0)
        return -1;
    h += 6;
    while (*h >= '0' && *h <= '9' && da < 18) {
        a = a * 10 + (uint64_t)(*h++ - '0');
        da++;
    }
    if (da == 0 || *h++ != '-')
        return -1;
    while (*h >= '0' && *h <= '9' && db < 18) {
        b = b * 10 + (uint64_t)(*h++ - '0');
        db++;
    }
    if (*h != '\0' || (db > 0 && b < a))
        return -1;
    *from = a;
    *to = db > 0 ? (int64_t)b : -1;
    return 0;
}

/* GET /v1/update/images/NAME and /v1/update/envelopes/DIGEST */
static int h_blob_get(sg17d_server *srv, const sg17d_request *req, sg17d_response *resp,
                      int image, const char *key)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    if (image ? !name_ok(key) : !is_digest_hex(key))
        return sg17d_resp_error(resp, 404, "not_found", "no such object");
    int rc = db_open(srv, &db);
    if (rc == 0)
        rc = q_prepare(db, &st,
                       image ? "SELECT body FROM update_images WHERE name = ?1"
                             : "SELECT body FROM update_envelopes WHERE digest = ?1");
    if (rc != 0) {
        sqlite3_close(db);
        return rc;
    }
    bind_t(st, 1, key);
    int s = sqlite3_step(st);
    if (s != SQLITE_ROW) {
        sqlite3_finalize(st);
        sqlite3_close(db);
        return s == SQLITE_DONE ? sg17d_resp_error(resp, 404, "not_found", "no such object")
                                : db_err(db, "select blob");
    }
    const uint8_t *p = sqlite3_column_blob(st, 0);
    size_t n = (size_t)sqlite3_column_bytes(st, 0);
    uint64_t from = 0;
    int64_t to = -1;
    unsigned status = 200;
    const char *range = image ? sg17d_req_header(req, "Range") : NULL;
    if (range != NULL) {
        if (parse_range(range, &from, &to) != 0 || from >= n) {
            sqlite3_finalize(st);
            sqlite3_close(db);
            /* RFC 9110 §15.5.17: 416 names the current length. */
            snprintf(resp->content_range, sizeof resp->content_range, "bytes */%zu", n);
            return sg17d_resp_error(resp, 416, "range_not_satisfiable",
                                    "Range must be bytes=N- or bytes=N-M within the image");
        }
        status = 206;
    }
    size_t end = (to >= 0 && (uint64_t)to < n) ? (size_t)to + 1 : n;
    if (status == 206) /* RFC 9110 §14.4: the part sent and the full length */
        snprintf(resp->content_range, sizeof resp->content_range, "bytes %llu-%zu/%zu",
                 (unsigned long long)from, end - 1, n);
    resp->accept_ranges = image;
    size_t len = end - (size_t)from;
    char *body = malloc(len ? len : 1);
    if (body == NULL) {
        sqlite3_finalize(st);
        sqlite3_close(db);
        return SG17_E_NOMEM;
    }
    if (len)
        memcpy(body, p + from, len);
    sqlite3_finalize(st);
    pthread_mutex_lock(&update_lock);
    note_fetch(db, req, image ? "" : key);
    pthread_mutex_unlock(&update_lock);
    sqlite3_close(db);
    free(resp->body);
    resp->body = body;
    resp->body_len = len;
    resp->status = status;
    resp->content_type = image ? "application/octet-stream" : "application/cbor";
    return 0;
}

/* ---- devices and campaigns ------------------------------------------------------ */

/* POST /v1/update/devices (admin, author):
 * {"id", "class", "key": hex ML-DSA-65 public key, "anchors": [strings]} */
static int h_device_put(sg17d_server *srv, const sg17d_request *req, sg17d_response *resp)
{
    uint8_t pk[4096];
    size_t pkl = 0;
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    json_t *o = sg17d_req_json_object(req);
    const char *id = json_string_value(json_object_get(o, "id"));
    const char *cls = json_string_value(json_object_get(o, "class"));
    const char *key = json_string_value(json_object_get(o, "key"));
    json_t *anc = json_object_get(o, "anchors");
    if (id == NULL || !name_ok(id) || cls == NULL || !name_ok(cls) || key == NULL ||
        unhex(key, pk, sizeof pk, &pkl) != 0 || pkl != 1952 || (anc && !json_is_array(anc))) {
        json_decref(o);
        return sg17d_resp_error(resp, 400, "bad_request",
                                "need id and class ([A-Za-z0-9._-]{1,63}), key (hex ML-DSA-65 "
                                "public key, 1952 bytes) and optional anchors (array)");
    }
    char *anchors = anc ? json_dumps(anc, JSON_COMPACT) : NULL;
    int rc = db_open(srv, &db);
    pthread_mutex_lock(&update_lock);
    if (rc == 0)
        rc = q_prepare(db, &st,
                       "INSERT INTO update_devices(id, class, pubkey, anchors, created_at) "
                       "VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT(id) DO UPDATE SET "
                       "class = excluded.class, pubkey = excluded.pubkey, "
                       "anchors = excluded.anchors");
    if (rc == 0) {
        bind_t(st, 1, id);
        bind_t(st, 2, cls);
        bind_b(st, 3, pk, pkl);
        bind_t(st, 4, anchors ? anchors : "[]");
        (void)sqlite3_bind_int64(st, 5, (sqlite3_int64)time(NULL));
        if (sqlite3_step(st) != SQLITE_DONE)
            rc = db_err(db, "insert device");
    }
    pthread_mutex_unlock(&update_lock);
    sqlite3_finalize(st);
    sqlite3_close(db);
    free(anchors);
    json_t *reply = rc == 0 ? json_pack("{s:s,s:s}", "id", id, "class", cls) : NULL;
    json_decref(o);
    return rc ? rc : sg17d_resp_json(resp, 201, reply);
}

/* POST /v1/update/campaigns (author, admin):
 * {"name", "manifest": digest, "devices": [ids]} or {"name", "manifest", "class", "percent"} */
static int h_campaign_put(sg17d_server *srv, const sg17d_request *req, sg17d_response *resp)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    json_t *o = sg17d_req_json_object(req);
    const char *name = json_string_value(json_object_get(o, "name"));
    const char *dg = json_string_value(json_object_get(o, "manifest"));
    const char *cls = json_string_value(json_object_get(o, "class"));
    json_t *devs = json_object_get(o, "devices");
    json_t *pc = json_object_get(o, "percent");
    json_int_t percent = pc ? json_integer_value(pc) : 100;
    if (name == NULL || !name_ok(name) || dg == NULL || !is_digest_hex(dg) ||
        (devs && (!json_is_array(devs) || json_array_size(devs) == 0)) ||
        (devs == NULL && (cls == NULL || !name_ok(cls))) || (pc && !json_is_integer(pc)) ||
        percent < 0 || percent > 100) {
        json_decref(o);
        return sg17d_resp_error(resp, 400, "bad_request",
                                "need name, manifest (digest) and devices (array of ids) or "
                                "class with optional percent (0-100)");
    }
    int rc = db_open(srv, &db);
    pthread_mutex_lock(&update_lock);
    if (rc == 0 && sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
        rc = db_err(db, "begin");
    if (rc == 0)
        rc = q_prepare(db, &st,
                       "INSERT INTO update_campaigns(name, digest, class, percent, created_by, "
                       "created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
    unsigned status = 201;
    const char *err = NULL;
    if (rc == 0) {
        bind_t(st, 1, name);
        bind_t(st, 2, dg);
        if (cls)
            bind_t(st, 3, cls);
        (void)sqlite3_bind_int64(st, 4, percent);
        bind_t(st, 5, req->who->name);
        (void)sqlite3_bind_int64(st, 6, (sqlite3_int64)time(NULL));
        int s = sqlite3_step(st);
        if (s == SQLITE_CONSTRAINT) {
            status = 409;
            err = "campaign name taken, or no envelope with that manifest digest";
        } else if (s != SQLITE_DONE) {
            rc = db_err(db, "insert campaign");
        }
    }
    sqlite3_finalize(st);
    st = NULL;
    for (size_t i = 0; rc == 0 && err == NULL && devs && i < json_array_size(devs); i++) {
        const char *dv = json_string_value(json_array_get(devs, i));
        rc = q_prepare(db, &st,
                       "INSERT OR IGNORE INTO update_campaign_devices(campaign, device) "
                       "VALUES (?1, ?2)");
        if (rc == 0) {
            bind_t(st, 1, name);
            bind_t(st, 2, dv ? dv : "");
            if (sqlite3_step(st) != SQLITE_DONE) {
                status = 409;
                err = "unknown device in devices";
            }
        }
        sqlite3_finalize(st);
        st = NULL;
    }
    if (db)
        (void)sqlite3_exec(db, rc == 0 && err == NULL ? "COMMIT" : "ROLLBACK", NULL, NULL, NULL);
    pthread_mutex_unlock(&update_lock);
    sqlite3_close(db);
    json_t *reply = NULL;
    if (rc == 0 && err == NULL)
        reply = json_pack("{s:s,s:s,s:I}", "name", name, "manifest", dg, "percent",
                          (json_int_t)percent);
    json_decref(o);
    if (rc)
        return rc;
    return err ? sg17d_resp_error(resp, status, "conflict", err)
               : sg17d_resp_json(resp, 201, reply);
}

/* Staged rollout: the device is in the first percent of the campaign's order. */
static int in_rollout(const char *campaign, const char *device, int64_t percent)
{
    uint8_t h[32];
    char buf[2 * MAX_NAME + 4];
    int n = snprintf(buf, sizeof buf, "%s/%s", campaign, device);
    if (n < 0)
        return 0;
    sg17_sha256(h, (const uint8_t *)buf, (size_t)n);
    return (int64_t)(((unsigned)h[0] << 8 | h[1]) % 100u) < percent;
}

/* GET /v1/update/poll?device=ID (device) */
static int h_poll(sg17d_server *srv, const sg17d_request *req, sg17d_response *resp)
{
    char dev[MAX_NAME + 1], camp[MAX_NAME + 1] = "", dg[65] = "", nhex[2 * NONCE_BYTES + 1];
    uint8_t nonce[NONCE_BYTES];
    const char *q = sg17d_req_query(req, "device");
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    token_device(req->who, dev, sizeof dev);
    if (q == NULL || strcmp(q, dev) != 0)
        return sg17d_resp_error(resp, 403, "forbidden",
                                "device tokens are named after the device id they poll for");
    int rc = db_open(srv, &db);
    pthread_mutex_lock(&update_lock);
    if (rc == 0)
        rc = q_prepare(db, &st,
                       "SELECT c.name, c.digest, c.percent, "
                       "  EXISTS(SELECT 1 FROM update_campaign_devices x WHERE x.campaign = c.name),"
                       "  EXISTS(SELECT 1 FROM update_campaign_devices x WHERE x.campaign = c.name"
                       "         AND x.device = d.id), c.class = d.class "
                       "FROM update_campaigns c, update_devices d WHERE d.id = ?1 "
                       "AND NOT EXISTS (SELECT 1 FROM update_status s WHERE s.device = d.id "
                       "  AND s.campaign = c.name AND s.status IN ('installed','failed','refused'))"
                       " ORDER BY c.created_at, c.name");
    if (rc == 0) {
        bind_t(st, 1, dev);
        int s;
        while ((s = sqlite3_step(st)) == SQLITE_ROW) {
            int listed = sqlite3_column_int(st, 3), member = sqlite3_column_int(st, 4);
            int cls = sqlite3_column_int(st, 5);
            const char *cn = col_t(st, 0);
            if ((listed && member) ||
                (!listed && cls && in_rollout(cn, dev, sqlite3_column_int64(st, 2)))) {
                (void)snprintf(camp, sizeof camp, "%s", cn);
                (void)snprintf(dg, sizeof dg, "%s", col_t(st, 1));
                break;
            }
        }
        if (s != SQLITE_ROW && s != SQLITE_DONE)
            rc = db_err(db, "poll");
    }
    sqlite3_finalize(st);
    st = NULL;
    if (rc == 0 && camp[0] != '\0') {
        rc = sg17_randombytes(nonce, sizeof nonce);
        if (rc == 0)
            rc = q_prepare(db, &st,
                           "INSERT INTO update_status(device, campaign, nonce, status, detail, "
                           "updated_at) VALUES (?1, ?2, ?3, 'offered', '', ?4) "
                           "ON CONFLICT(device, campaign) DO UPDATE SET nonce = excluded.nonce, "
                           "updated_at = excluded.updated_at");
        if (rc == 0) {
            bind_t(st, 1, dev);
            bind_t(st, 2, camp);
            bind_b(st, 3, nonce, sizeof nonce);
            (void)sqlite3_bind_int64(st, 4, (sqlite3_int64)time(NULL));
            if (sqlite3_step(st) != SQLITE_DONE)
                rc = db_err(db, "offer");
        }
        sqlite3_finalize(st);
    }
    pthread_mutex_unlock(&update_lock);
    sqlite3_close(db);
    if (rc)
        return rc;
    if (camp[0] == '\0')
        return sg17d_resp_json(resp, 200, json_pack("{s:n}", "manifest"));
    char ep[128];
    hexs(nonce, sizeof nonce, nhex);
    (void)snprintf(ep, sizeof ep, UP "envelopes/%s", dg);
    return sg17d_resp_json(resp, 200,
                           json_pack("{s:s,s:s,s:s,s:s}", "campaign", camp, "manifest", dg,
                                     "envelope", ep, "nonce", nhex));
}

/* POST /v1/update/reports (device): signed CBOR report. */
static int h_report(sg17d_server *srv, const sg17d_request *req, sg17d_response *resp)
{
    sg17_device_report r;
    void *tree = NULL;
    char dev[MAX_NAME + 1], rdev[MAX_NAME + 1], dg[65], status[24], why[256] = "";
    char camp[MAX_NAME + 1] = "";
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    unsigned http = 201;
    const char *err = NULL, *reason = NULL;
    token_device(req->who, dev, sizeof dev);
    if (sg17_device_report_decode(req->body, req->body_len, &r, &tree) != 0)
        return sg17d_resp_error(resp, 400, "bad_report",
                                "not a CBOR report [payload, COSE_Sign1] (docs/DEVICE.md)");
    if (r.device_len > MAX_NAME || r.status_len >= sizeof status) {
        sg17_device_report_free(tree);
        return sg17d_resp_error(resp, 400, "bad_report", "device id or status too long");
    }
    memcpy(rdev, r.device, r.device_len);
    rdev[r.device_len] = '\0';
    memcpy(status, r.status, r.status_len);
    status[r.status_len] = '\0';
    hexs(r.digest, 32, dg);
    if (strcmp(rdev, dev) != 0) {
        sg17_device_report_free(tree);
        return sg17d_resp_error(resp, 403, "forbidden", "report for another device than the token's");
    }
    if (strcmp(status, "installed") != 0 && strcmp(status, "failed") != 0 &&
        strcmp(status, "refused") != 0) {
        sg17_device_report_free(tree);
        return sg17d_resp_error(resp, 400, "bad_report",
                                "status must be installed, failed or refused");
    }
    int rc = db_open(srv, &db);
    pthread_mutex_lock(&update_lock);
    /* the device's key */
    if (rc == 0)
        rc = q_prepare(db, &st, "SELECT pubkey FROM update_devices WHERE id = ?1");
    if (rc == 0) {
        bind_t(st, 1, dev);
        if (sqlite3_step(st) != SQLITE_ROW) {
            http = 404, err = "not_found", reason = "device not registered";
        } else {
            sg17_cose_key k = {SG17_COSE_KEY_MLDSA65, sqlite3_column_blob(st, 0),
                               (size_t)sqlite3_column_bytes(st, 0)};
            if (sg17_cose_verify_detached(r.cose, r.cose_len, r.payload, r.payload_len, &k, why,
                                          sizeof why) != 0)
                http = 422, err = "bad_signature", reason = why;
        }
    }
    sqlite3_finalize(st);
    st = NULL;
    /* the open offer for this manifest and its nonce */
    if (rc == 0 && err == NULL)
        rc = q_prepare(db, &st,
                       "SELECT s.campaign, s.nonce FROM update_status s JOIN update_campaigns c "
                       "ON c.name = s.campaign WHERE s.device = ?1 AND c.digest = ?2 "
                       "AND s.status IN ('offered','downloading')");
    if (rc == 0 && err == NULL) {
        bind_t(st, 1, dev);
        bind_t(st, 2, dg);
        int found = 0;
        while (sqlite3_step(st) == SQLITE_ROW) {
            const void *nn = sqlite3_column_blob(st, 1);
            size_t nl = (size_t)sqlite3_column_bytes(st, 1);
            if (nl == r.nonce_len && nl > 0 && sg17_ct_memeq(nn, r.nonce, nl)) {
                (void)snprintf(camp, sizeof camp, "%s", col_t(st, 0));
                found = 1;
                break;
            }
        }
        if (!found)
            http = 409, err = "stale_nonce",
            reason = "no open offer of this manifest with that nonce (replayed or old report)";
    }
    sqlite3_finalize(st);
    st = NULL;
    if (rc == 0 && err == NULL) {
        char detail[512];
        (void)snprintf(detail, sizeof detail, "%.*s", (int)(r.detail_len < 500 ? r.detail_len : 500),
                       r.detail);
        int64_t now = (int64_t)time(NULL);
        rc = q_prepare(db, &st,
                       "UPDATE update_status SET status = ?3, detail = ?4, nonce = NULL, "
                       "updated_at = ?5 WHERE device = ?1 AND campaign = ?2");
        if (rc == 0) {
            bind_t(st, 1, dev);
            bind_t(st, 2, camp);
            bind_t(st, 3, status);
            bind_t(st, 4, detail);
            (void)sqlite3_bind_int64(st, 5, now);
            if (sqlite3_step(st) != SQLITE_DONE)
                rc = db_err(db, "status");
        }
        sqlite3_finalize(st);
        st = NULL;
        if (rc == 0)
            rc = q_prepare(db, &st,
                           "INSERT INTO update_reports(device, campaign, digest, sequence, status,"
                           " detail, report, received_at) VALUES (?1,?2,?3,?4,?5,?6,?7,?8)");
        if (rc == 0) {
            bind_t(st, 1, dev);
            bind_t(st, 2, camp);
            bind_t(st, 3, dg);
            (void)sqlite3_bind_int64(st, 4, (sqlite3_int64)r.seq);
            bind_t(st, 5, status);
            bind_t(st, 6, detail);
            bind_b(st, 7, req->body, req->body_len);
            (void)sqlite3_bind_int64(st, 8, now);
            if (sqlite3_step(st) != SQLITE_DONE)
                rc = db_err(db, "report");
        }
        sqlite3_finalize(st);
    }
    pthread_mutex_unlock(&update_lock);
    sqlite3_close(db);
    sg17_device_report_free(tree);
    if (rc)
        return rc;
    if (err)
        return sg17d_resp_error(resp, http, err, reason);
    return sg17d_resp_json(resp, 201, json_pack("{s:s,s:s,s:s}", "status", status, "device", dev,
                                                "campaign", camp));
}

/* GET /v1/update/devices/ID (admin, author): current status per campaign + history. */
static int h_device_get(sg17d_server *srv, const sg17d_request *req, sg17d_response *resp,
                        const char *id)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    (void)req;
    if (!name_ok(id))
        return sg17d_resp_error(resp, 404, "not_found", "no such device");
    int rc = db_open(srv, &db);
    json_t *o = NULL, *camps = json_array(), *hist = json_array();
    if (rc == 0)
        rc = q_prepare(db, &st, "SELECT class FROM update_devices WHERE id = ?1");
    if (rc == 0) {
        bind_t(st, 1, id);
        if (sqlite3_step(st) == SQLITE_ROW)
            o = json_pack("{s:s,s:s}", "id", id, "class", col_t(st, 0));
    }
    sqlite3_finalize(st);
    st = NULL;
    if (rc == 0 && o != NULL)
        rc = q_prepare(db, &st,
                       "SELECT campaign, status, detail, updated_at FROM update_status "
                       "WHERE device = ?1 ORDER BY updated_at, campaign");
    if (rc == 0 && o != NULL) {
        bind_t(st, 1, id);
        while (sqlite3_step(st) == SQLITE_ROW)
            json_array_append_new(camps, json_pack("{s:s,s:s,s:s,s:I}", "campaign", col_t(st, 0),
                                                   "status", col_t(st, 1), "detail",
                                                   col_t(st, 2), "updated_at",
                                                   (json_int_t)sqlite3_column_int64(st, 3)));
        sqlite3_finalize(st);
        st = NULL;
        rc = q_prepare(db, &st,
                       "SELECT campaign, digest, sequence, status, detail, received_at FROM "
                       "update_reports WHERE device = ?1 ORDER BY id");
        if (rc == 0) {
            bind_t(st, 1, id);
            while (sqlite3_step(st) == SQLITE_ROW)
                json_array_append_new(
                    hist, json_pack("{s:s,s:s,s:I,s:s,s:s,s:I}", "campaign", col_t(st, 0),
                                    "manifest", col_t(st, 1), "sequence",
                                    (json_int_t)sqlite3_column_int64(st, 2), "status",
                                    col_t(st, 3), "detail", col_t(st, 4), "received_at",
                                    (json_int_t)sqlite3_column_int64(st, 5)));
        }
    }
    sqlite3_finalize(st);
    sqlite3_close(db);
    if (rc != 0 || o == NULL) {
        json_decref(o);
        json_decref(camps);
        json_decref(hist);
        return rc ? rc : sg17d_resp_error(resp, 404, "not_found", "no such device");
    }
    json_object_set_new(o, "campaigns", camps);
    json_object_set_new(o, "reports", hist);
    return sg17d_resp_json(resp, 200, o);
}

/* GET /v1/update/campaigns/NAME (admin, author): each targeted device's status. */
static int h_campaign_get(sg17d_server *srv, const sg17d_request *req, sg17d_response *resp,
                          const char *name)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    (void)req;
    if (!name_ok(name))
        return sg17d_resp_error(resp, 404, "not_found", "no such campaign");
    int rc = db_open(srv, &db);
    json_t *o = NULL, *devs = json_object();
    if (rc == 0)
        rc = q_prepare(db, &st, "SELECT digest, class, percent FROM update_campaigns WHERE name = ?1");
    if (rc == 0) {
        bind_t(st, 1, name);
        if (sqlite3_step(st) == SQLITE_ROW)
            o = json_pack("{s:s,s:s,s:I}", "name", name, "manifest", col_t(st, 0), "percent",
                          (json_int_t)sqlite3_column_int64(st, 2));
    }
    sqlite3_finalize(st);
    st = NULL;
    if (rc == 0 && o != NULL)
        rc = q_prepare(db, &st,
                       "SELECT device, status, detail FROM update_status WHERE campaign = ?1 "
                       "ORDER BY device");
    if (rc == 0 && o != NULL) {
        bind_t(st, 1, name);
        while (sqlite3_step(st) == SQLITE_ROW)
            json_object_set_new(devs, col_t(st, 0),
                                json_pack("{s:s,s:s}", "status", col_t(st, 1), "detail",
                                          col_t(st, 2)));
    }
    sqlite3_finalize(st);
    sqlite3_close(db);
    if (rc != 0 || o == NULL) {
        json_decref(o);
        json_decref(devs);
        return rc ? rc : sg17d_resp_error(resp, 404, "not_found", "no such campaign");
    }
    json_object_set_new(o, "devices", devs);
    return sg17d_resp_json(resp, 200, o);
}

/* ---- dispatch ---------------------------------------------------------------------- */

static int h_update(sg17d_server *srv, const sg17d_request *req, sg17d_response *resp)
{
    const char *p = req->path + strlen(UP);
    int get = strcmp(req->method, "GET") == 0 || strcmp(req->method, "HEAD") == 0;
    int dev = is_device(req);
    if (get && strcmp(p, "poll") == 0)
        return dev ? h_poll(srv, req, resp)
                   : sg17d_resp_error(resp, 403, "forbidden", "only devices poll");
    if (!get && strcmp(p, "reports") == 0)
        return dev ? h_report(srv, req, resp)
                   : sg17d_resp_error(resp, 403, "forbidden", "only devices report");
    if (get && strncmp(p, "envelopes/", 10) == 0)
        return h_blob_get(srv, req, resp, 0, p + 10);
    if (get && strncmp(p, "images/", 7) == 0)
        return h_blob_get(srv, req, resp, 1, p + 7);
    if (dev)
        return sg17d_resp_error(resp, 403, "forbidden", "devices may poll, download and report");
    if (!get && strcmp(p, "envelopes") == 0)
        return h_envelope_put(srv, req, resp);
    if (!get && strncmp(p, "images/", 7) == 0)
        return h_image_put(srv, req, resp, p + 7);
    if (!get && strcmp(p, "devices") == 0)
        return h_device_put(srv, req, resp);
    if (!get && strcmp(p, "campaigns") == 0)
        return h_campaign_put(srv, req, resp);
    if (get && strncmp(p, "devices/", 8) == 0)
        return h_device_get(srv, req, resp, p + 8);
    if (get && strncmp(p, "campaigns/", 10) == 0)
        return h_campaign_get(srv, req, resp, p + 10);
    return sg17d_resp_error(resp, 404, "not_found", "no such update resource");
}

#define UPDATE_ROLES (SG17D_ROLE_ADMIN | SG17D_ROLE_AUTHOR | SG17D_ROLE_DEVICE)

const sg17d_route sg17d_routes_update[] = {
    {"GET", UP, 1, UPDATE_ROLES, h_update},
    {"POST", UP, 1, UPDATE_ROLES, h_update},
    {NULL, NULL, 0, 0, NULL},
};
