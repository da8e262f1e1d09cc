/*
 * X.1217 8.2.3 "apply" and 8.2.4 "situation awareness" over the intel store:
 * the active set (compiled into a matcher builder), sightings fed back, and
 * the summary counters (docs/INTEL-STORE.md).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sg17/crypto.h"
#include "sg17/json.h"
#include "sg17/stix.h"
#include "store_internal.h"

#define IS_NEVER "9223372036854775807"

static const char active_sql[] =
    "SELECT v.vid, v.kind, v.op, v.value, v.value_hi, v.canon,"
    " MIN(CASE WHEN (CASE WHEN p.tlp<0 THEN ?2 ELSE p.tlp END)<=?3 THEN p.indicator END),"
    " MAX(p.confidence), MIN(p.valid_from),"
    " MAX(CASE WHEN p.valid_until=0 THEN " IS_NEVER " ELSE p.valid_until END) AS vu,"
    " MAX(p.last_seen), MAX(p.fs11),"
    " MIN(CASE WHEN p.tlp<0 THEN ?2 ELSE p.tlp END) AS t,"
    " group_concat(DISTINCT CASE WHEN (CASE WHEN p.tlp<0 THEN ?2 ELSE p.tlp END)<=?3"
    "  THEN p.source END),"
    " COALESCE(g.n, 0), COALESCE(g.sl, 0)"
    " FROM intel_values v JOIN intel_prov p ON p.vid=v.vid"
    " LEFT JOIN (SELECT vid, SUM(count) AS n, MAX(last_seen) AS sl FROM intel_sightings"
    "  GROUP BY vid) g ON g.vid=v.vid"
    " WHERE v.filtered IS NULL GROUP BY v.vid HAVING vu > ?1 AND t <= ?3 ORDER BY v.vid";

/* A compiled value's id: stable per (kind, canonical value), whichever indicators
 * provide it, so sightings of the same observation get the same id (their id is
 * derived from the indicator id) however the active set was compiled. */
static void value_id(sg17_intel_kind kind, const char *canon, uint8_t id[16])
{
    sg17_sha256_ctx c;
    uint8_t h[32];
    const char *name = sg17_intel_kind_name(kind);
    sg17_sha256_init(&c);
    sg17_sha256_update(&c, (const uint8_t *)name, strlen(name));
    sg17_sha256_update(&c, (const uint8_t *)"|", 1);
    sg17_sha256_update(&c, (const uint8_t *)canon, strlen(canon));
    sg17_sha256_final(&c, h);
    h[6] = (uint8_t)((h[6] & 0x0F) | 0x40);
    h[8] = (uint8_t)((h[8] & 0x3F) | 0x80);
    memcpy(id, h, 16);
}

int sg17_intel_store_foreach_active(sg17_intel_store *s, int64_t now, sg17_intel_tlp tlp_max,
                                    sg17_intel_tlp untagged_tlp,
                                    int (*cb)(const sg17_intel_active *a, void *ctx), void *ctx)
{
    if (s == NULL || cb == NULL)
        return SG17_E_INVAL;
    sqlite3_stmt *st;
    int rc = is_prepare(s, &st, active_sql);
    if (rc != 0)
        return rc;
    sqlite3_bind_int64(st, 1, now);
    sqlite3_bind_int(st, 2, (int)untagged_tlp);
    sqlite3_bind_int(st, 3, (int)tlp_max);
    int r;
    while (rc == 0 && (r = sqlite3_step(st)) == SQLITE_ROW) {
        sg17_intel_active a;
        memset(&a, 0, sizeof a);
        a.kind = (sg17_intel_kind)sqlite3_column_int(st, 1);
        a.op = (sg17_intel_op)sqlite3_column_int(st, 2);
        a.value = (const char *)sqlite3_column_text(st, 3);
        a.value_hi = (const char *)sqlite3_column_text(st, 4);
        a.canon = (const char *)sqlite3_column_text(st, 5);
        a.indicator = (const char *)sqlite3_column_text(st, 6);
        int conf = sqlite3_column_int(st, 7);
        a.base_confidence = conf < 0 ? SG17_INTEL_DEFAULT_CONFIDENCE : conf;
        a.valid_from = sqlite3_column_int64(st, 8);
        a.valid_until = sqlite3_column_int64(st, 9);
        if (a.valid_until == INT64_MAX)
            a.valid_until = 0;
        int64_t feed_seen = sqlite3_column_int64(st, 10);
        a.fs11 = sqlite3_column_int(st, 11);
        a.tlp = (sg17_intel_tlp)sqlite3_column_int(st, 12);
        a.sources = (const char *)sqlite3_column_text(st, 13);
        int64_t n = sqlite3_column_int64(st, 14);
        a.sightings = n > 0 ? (uint64_t)n : 0;
        int64_t sl = sqlite3_column_int64(st, 15);
        a.last_seen = sl > feed_seen ? sl : feed_seen;
        a.confidence = sg17_intel_confidence(a.base_confidence, a.sightings, a.last_seen, now,
                                             SG17_INTEL_HALF_LIFE_S);
        if (a.value == NULL || a.canon == NULL || a.indicator == NULL)
            continue;
        value_id(a.kind, a.canon, a.id);
        rc = cb(&a, ctx);
    }
    if (rc == 0 && r != SQLITE_DONE)
        rc = is_err(s, "active set");
    sqlite3_finalize(st);
    return rc;
}

typedef struct compile_ctx {
    sg17_intel_builder *b;
    size_t n;
} compile_ctx;

static int compile_cb(const sg17_intel_active *a, void *ctx)
{
    compile_ctx *c = ctx;
    sg17_intel_ind ind;
    memset(&ind, 0, sizeof ind);
    ind.kind = a->kind;
    ind.op = a->op;
    ind.value = a->value;
    ind.value_hi = a->value_hi;
    memcpy(ind.id, a->id, sizeof ind.id);
    ind.valid_from = a->valid_from;
    ind.valid_until = a->valid_until;
    ind.confidence = (uint8_t)a->confidence;
    ind.fs11 = (uint8_t)a->fs11;
    int rc = sg17_intel_builder_add(c->b, &ind);
    if (rc == SG17_E_FORMAT)
        return 0; /* stored from a raw value the matcher no longer accepts */
    if (rc == 0)
        c->n++;
    return rc;
}

int sg17_intel_store_compile(sg17_intel_store *s, int64_t now, sg17_intel_builder *b, size_t *n)
{
    if (b == NULL)
        return SG17_E_INVAL;
    compile_ctx c = {b, 0};
    int rc = sg17_intel_store_foreach_active(s, now ? now : (int64_t)time(NULL), SG17_INTEL_TLP_RED,
                                             SG17_INTEL_TLP_CLEAR, compile_cb, &c);
    if (n != NULL)
        *n = c.n;
    return rc;
}

/* ---- sightings ------------------------------------------------------------ */

static int64_t ts_or(const json_t *o, const char *key, int64_t dflt)
{
    int64_t secs;
    const char *t = json_string_value(json_object_get(o, key));
    if (t == NULL || sg17_stix_timestamp_parse(t, &secs, NULL) != 0)
        return dflt;
    return secs;
}

/* vid of a sighting, -1 unmatched, or an error. */
static int64_t sighting_vid(sg17_intel_store *s, sqlite3_stmt *by_val, sqlite3_stmt *by_ind,
                            const json_t *o)
{
    const json_t *ob = json_object_get(o, "x_sg17_observation");
    sg17_intel_kind k = is_kind_by_name(json_string_value(json_object_get(ob, "indicator_type")));
    const char *val = json_string_value(json_object_get(ob, "indicator_value"));
    int64_t vid = -1;
    if (k != SG17_INTEL_NONE && val != NULL) {
        sqlite3_bind_int(by_val, 1, (int)k);
        is_bind_text(by_val, 2, val);
        if (sqlite3_step(by_val) == SQLITE_ROW)
            vid = sqlite3_column_int64(by_val, 0);
        sqlite3_reset(by_val);
    }
    if (vid >= 0)
        return vid;
    is_bind_text(by_ind, 1, json_string_value(json_object_get(o, "sighting_of_ref")));
    int rows = 0;
    int r;
    while ((r = sqlite3_step(by_ind)) == SQLITE_ROW) {
        vid = sqlite3_column_int64(by_ind, 0);
        rows++;
    }
    sqlite3_reset(by_ind);
    if (r != SQLITE_DONE)
        return is_err(s, "sighting lookup");
    return rows == 1 ? vid : -1;
}

static int sighting_line(sg17_intel_store *s, sqlite3_stmt **q, const char *line, size_t len,
                         int64_t now, size_t lineno, sg17_intel_sight_stats *st)
{
    sg17_json_limits lim = {1U << 20, 16, 0};
    sg17_json_error je;
    json_t *o = NULL;
    const char *why = NULL;
    if (sg17_json_parse(line, len, &lim, &o, &je) != 0)
        why = je.text;
    const char *type = json_string_value(json_object_get(o, "type"));
    const char *id = json_string_value(json_object_get(o, "id"));
    const json_t *cnt = json_object_get(o, "count");
    if (why == NULL && (type == NULL || strcmp(type, "sighting") != 0))
        why = "not a STIX sighting";
    else if (why == NULL && (id == NULL || strncmp(id, "sighting--", 10) != 0))
        why = "no sighting id";
    else if (why == NULL && cnt != NULL &&
             (!json_is_integer(cnt) || json_integer_value(cnt) < 0 ||
              json_integer_value(cnt) > 999999999))
        why = "count is not an integer in 0..999999999 (STIX 2.1 4.14)";
    if (why != NULL) {
        st->invalid++;
        snprintf(st->last_error, sizeof st->last_error, "line %zu: %.120s", lineno, why);
        json_decref(o);
        return 0;
    }
    int64_t vid = sighting_vid(s, q[0], q[1], o);
    int rc = 0;
    if (vid < -1) {
        rc = (int)vid;
    } else if (vid == -1) {
        st->unmatched++;
    } else {
        int64_t last = ts_or(o, "last_seen", ts_or(o, "modified", now));
        int64_t first = ts_or(o, "first_seen", last);
        sqlite3_stmt *ins = q[2];
        is_bind_text(ins, 1, id);
        sqlite3_bind_int64(ins, 2, vid);
        sqlite3_bind_int64(ins, 3, cnt ? (int64_t)json_integer_value(cnt) : 1);
        sqlite3_bind_int64(ins, 4, first);
        sqlite3_bind_int64(ins, 5, last);
        is_bind_text(
            ins, 6,
            json_string_value(json_object_get(json_object_get(o, "x_sg17_observation"), "source")));
        sqlite3_bind_int64(ins, 7, now);
        if (sqlite3_step(ins) != SQLITE_DONE)
            rc = is_err(s, "sighting insert");
        sqlite3_reset(ins);
        if (rc == 0)
            st->recorded++;
    }
    json_decref(o);
    return rc;
}

int sg17_intel_store_sightings(sg17_intel_store *s, const char *text, size_t len, int64_t now,
                               sg17_intel_sight_stats *st)
{
    sg17_intel_sight_stats dummy;
    if (st == NULL)
        st = &dummy;
    memset(st, 0, sizeof *st);
    if (s == NULL || (text == NULL && len > 0))
        return SG17_E_INVAL;
    if (now == 0)
        now = (int64_t)time(NULL);
    static const char *const sql[] = {
        "SELECT vid FROM intel_values WHERE kind=? AND canon=?",
        "SELECT DISTINCT vid FROM intel_prov WHERE indicator=?",
        "INSERT INTO intel_sightings(id, vid, count, first_seen, last_seen, observed_source,"
        " received_at) VALUES(?,?,?,?,?,?,?) ON CONFLICT(id) DO UPDATE SET vid=excluded.vid,"
        " count=excluded.count, first_seen=excluded.first_seen, last_seen=excluded.last_seen,"
        " observed_source=excluded.observed_source, received_at=excluded.received_at"};
    sqlite3_stmt *q[3] = {NULL, NULL, NULL};
    int rc = is_exec(s, "BEGIN IMMEDIATE");
    for (int i = 0; i < 3 && rc == 0; i++)
        rc = is_prepare(s, &q[i], sql[i]);
    size_t lineno = 0;
    for (size_t pos = 0; pos < len && rc == 0;) {
        const char *nl = memchr(text + pos, '\n', len - pos);
        size_t end = nl ? (size_t)(nl - text) : len;
        size_t l = end - pos;
        lineno++;
        if (l > 0 && text[pos + l - 1] == '\r')
            l--;
        size_t k = 0;
        while (k < l && (text[pos + k] == ' ' || text[pos + k] == '\t'))
            k++;
        if (k < l) {
            st->lines++;
            rc = sighting_line(s, q, text + pos, l, now, lineno, st);
        }
        pos = end + 1;
    }
    for (int i = 0; i < 3; i++)
        sqlite3_finalize(q[i]);
    if (rc == 0)
        return is_exec(s, "COMMIT");
    (void)sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
    return rc;
}

/* ---- summary ---------------------------------------------------------------- */

typedef struct sum_ctx {
    json_t *by_type, *by_source, *by_fs11;
    size_t active;
} sum_ctx;

static void bump(json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);
    json_object_set_new(o, key, json_integer(v ? json_integer_value(v) + 1 : 1));
}

static int sum_cb(const sg17_intel_active *a, void *ctx)
{
    sum_ctx *c = ctx;
    c->active++;
    bump(c->by_type, sg17_intel_kind_name(a->kind));
    char key[8];
    snprintf(key, sizeof key, "%d", a->fs11);
    bump(c->by_fs11, a->fs11 ? key : "none");
    /* sources: comma-separated labels; a label may itself hold commas only
     * if a caller chose one, which then counts as several */
    const char *p = a->sources ? a->sources : "";
    while (*p) {
        const char *cm = strchr(p, ',');
        size_t l = cm ? (size_t)(cm - p) : strlen(p);
        char src[512];
        snprintf(src, sizeof src, "%.*s", (int)(l < sizeof src ? l : sizeof src - 1), p);
        bump(c->by_source, src);
        p += l;
        if (*p == ',')
            p++;
    }
    return 0;
}

static int64_t scalar(sg17_intel_store *s, const char *sql, int *rc)
{
    sqlite3_stmt *st;
    int64_t v = 0;
    if (*rc != 0 || (*rc = is_prepare(s, &st, sql)) != 0)
        return 0;
    if (sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int64(st, 0);
    else
        *rc = is_err(s, "count");
    sqlite3_finalize(st);
    return v;
}

static int sum_sightings(sg17_intel_store *s, int64_t now, unsigned hours, unsigned top_n,
                         json_t *out)
{
    json_t *by_hour = json_array(), *top = json_array(), *by_type = json_object();
    json_object_set_new(out, "sightings_by_hour", by_hour);
    json_object_set_new(out, "top_sighted", top);
    json_object_set_new(out, "sightings_by_type", by_type);
    if (!by_hour || !top || !by_type)
        return SG17_E_NOMEM;
    sqlite3_stmt *st;
    int64_t h_end = now - now % 3600 + 3600, h_start = hours ? h_end - (int64_t)hours * 3600 : 0;
    int rc = is_prepare(s, &st,
                        "SELECT (last_seen/3600)*3600 AS h, SUM(count) FROM "
                        "intel_sightings WHERE last_seen>=? AND last_seen<? GROUP BY h "
                        "ORDER BY h");
    if (rc != 0)
        return rc;
    sqlite3_bind_int64(st, 1, h_start);
    sqlite3_bind_int64(st, 2, h_end);
    int64_t next = h_start;
    char ts[40];
    while (sqlite3_step(st) == SQLITE_ROW) {
        int64_t h = sqlite3_column_int64(st, 0);
        for (; hours && next < h; next += 3600) { /* the empty hours too, for a chart */
            is_ts_text(next, ts, sizeof ts);
            json_array_append_new(by_hour, json_pack("{s:s, s:I}", "hour", ts, "count", 0LL));
        }
        is_ts_text(h, ts, sizeof ts);
        json_array_append_new(by_hour, json_pack("{s:s, s:I}", "hour", ts, "count",
                                                 (json_int_t)sqlite3_column_int64(st, 1)));
        next = h + 3600;
    }
    sqlite3_finalize(st);
    for (; hours && next < h_end; next += 3600) {
        is_ts_text(next, ts, sizeof ts);
        json_array_append_new(by_hour, json_pack("{s:s, s:I}", "hour", ts, "count", 0LL));
    }
    if ((rc = is_prepare(s, &st,
                         "SELECT v.kind, SUM(g.count) FROM intel_sightings g JOIN "
                         "intel_values v ON v.vid=g.vid GROUP BY v.kind")) != 0)
        return rc;
    while (sqlite3_step(st) == SQLITE_ROW)
        json_object_set_new(by_type,
                            sg17_intel_kind_name((sg17_intel_kind)sqlite3_column_int(st, 0)),
                            json_integer((json_int_t)sqlite3_column_int64(st, 1)));
    sqlite3_finalize(st);
    if ((rc = is_prepare(s, &st,
                         "SELECT v.kind, v.canon, SUM(g.count) AS n, MAX(g.last_seen),"
                         " (SELECT MAX(confidence) FROM intel_prov p WHERE p.vid=v.vid),"
                         " (SELECT MAX(last_seen) FROM intel_prov p WHERE p.vid=v.vid),"
                         " (SELECT MIN(indicator) FROM intel_prov p WHERE p.vid=v.vid)"
                         " FROM intel_sightings g JOIN intel_values v ON v.vid=g.vid"
                         " GROUP BY v.vid ORDER BY n DESC, v.vid LIMIT ?")) != 0)
        return rc;
    sqlite3_bind_int(st, 1, (int)top_n);
    while (sqlite3_step(st) == SQLITE_ROW) {
        int64_t n = sqlite3_column_int64(st, 2), sl = sqlite3_column_int64(st, 3);
        int64_t fl = sqlite3_column_int64(st, 5);
        int base = sqlite3_column_type(st, 4) == SQLITE_NULL || sqlite3_column_int(st, 4) < 0
                       ? SG17_INTEL_DEFAULT_CONFIDENCE
                       : sqlite3_column_int(st, 4);
        int conf = sg17_intel_confidence(base, n > 0 ? (uint64_t)n : 0, sl > fl ? sl : fl, now,
                                         SG17_INTEL_HALF_LIFE_S);
        const char *ind = (const char *)sqlite3_column_text(st, 6);
        is_ts_text(sl, ts, sizeof ts);
        json_t *e = json_pack("{s:s, s:s, s:I, s:s, s:i}", "type",
                              sg17_intel_kind_name((sg17_intel_kind)sqlite3_column_int(st, 0)),
                              "value", (const char *)sqlite3_column_text(st, 1), "count",
                              (json_int_t)n, "last_seen", ts, "confidence", conf);
        if (e != NULL && ind != NULL)
            json_object_set_new(e, "indicator", json_string(ind));
        json_array_append_new(top, e);
    }
    sqlite3_finalize(st);
    return 0;
}

int sg17_intel_store_summary(sg17_intel_store *s, int64_t now, unsigned hours, unsigned top_n,
                             json_t **out)
{
    if (s == NULL || out == NULL)
        return SG17_E_INVAL;
    *out = NULL;
    if (now == 0)
        now = (int64_t)time(NULL);
    if (hours > 24 * 366)
        hours = 24 * 366;
    if (top_n > 1000)
        top_n = 1000;
    sum_ctx c = {json_object(), json_object(), json_object(), 0};
    json_t *o = json_object();
    if (!o || !c.by_type || !c.by_source || !c.by_fs11) {
        json_decref(o);
        json_decref(c.by_type);
        json_decref(c.by_source);
        json_decref(c.by_fs11);
        return SG17_E_NOMEM;
    }
    json_object_set_new(o, "by_type", c.by_type);
    json_object_set_new(o, "by_source", c.by_source);
    json_object_set_new(o, "by_fs11_category", c.by_fs11);
    int rc = sg17_intel_store_foreach_active(s, now, SG17_INTEL_TLP_RED, SG17_INTEL_TLP_CLEAR,
                                             sum_cb, &c);
    int64_t total = scalar(s, "SELECT COUNT(*) FROM intel_values", &rc);
    int64_t filtered =
        scalar(s, "SELECT COUNT(*) FROM intel_values WHERE filtered IS NOT NULL", &rc);
    int64_t noprov = scalar(s,
                            "SELECT COUNT(*) FROM intel_values v WHERE filtered IS NULL AND "
                            "NOT EXISTS (SELECT 1 FROM intel_prov p WHERE p.vid=v.vid)",
                            &rc);
    int64_t objects = scalar(s, "SELECT COUNT(DISTINCT id) FROM intel_objects", &rc);
    int64_t versions = scalar(s, "SELECT COUNT(*) FROM intel_objects", &rc);
    int64_t rejected = scalar(s, "SELECT COUNT(*) FROM intel_rejects", &rc);
    int64_t sighted = scalar(s, "SELECT COUNT(DISTINCT vid) FROM intel_sightings", &rc);
    int64_t sightings = scalar(s, "SELECT COALESCE(SUM(count), 0) FROM intel_sightings", &rc);
    if (rc == 0)
        rc = sum_sightings(s, now, hours, top_n, o);
    if (rc != 0) {
        json_decref(o);
        return rc;
    }
    char ts[40];
    is_ts_text(now, ts, sizeof ts);
    int64_t active = (int64_t)c.active;
    json_object_set_new(o, "generated", json_string(ts));
    json_object_set_new(o, "values",
                        json_pack("{s:I, s:I, s:I, s:I, s:I}", "total", (json_int_t)total, "active",
                                  (json_int_t)active, "expired",
                                  (json_int_t)(total - filtered - noprov - active), "filtered",
                                  (json_int_t)filtered, "withdrawn", (json_int_t)noprov));
    json_object_set_new(o, "objects",
                        json_pack("{s:I, s:I, s:I}", "objects", (json_int_t)objects, "versions",
                                  (json_int_t)versions, "rejected", (json_int_t)rejected));
    json_object_set_new(o, "sightings",
                        json_pack("{s:I, s:I}", "total", (json_int_t)sightings, "values_sighted",
                                  (json_int_t)sighted));
    *out = o;
    return 0;
}
