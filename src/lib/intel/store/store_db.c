/*
 * X.1217 intel store: the SQLite file, its schema, TLP markings, the
 * confidence formula and the TAXII poll state (docs/INTEL-STORE.md).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "store_internal.h"

int is_err(sg17_intel_store *s, const char *what)
{
    snprintf(s->err, sizeof s->err, "%s: %s", what, s->db ? sqlite3_errmsg(s->db) : "no db");
    return SG17_E_IO;
}

int is_prepare(sg17_intel_store *s, sqlite3_stmt **st, const char *sql)
{
    if (sqlite3_prepare_v2(s->db, sql, -1, st, NULL) != SQLITE_OK) {
        *st = NULL;
        return is_err(s, "prepare");
    }
    return 0;
}

int is_exec(sg17_intel_store *s, const char *sql)
{
    if (sqlite3_exec(s->db, sql, NULL, NULL, NULL) != SQLITE_OK)
        return is_err(s, "exec");
    return 0;
}

void is_bind_text(sqlite3_stmt *st, int i, const char *v)
{
    if (v == NULL)
        sqlite3_bind_null(st, i);
    else
        sqlite3_bind_text(st, i, v, -1, SQLITE_TRANSIENT);
}

static const char schema_sql[] =
    "CREATE TABLE IF NOT EXISTS intel_schema(version INTEGER NOT NULL);"
    "CREATE TABLE IF NOT EXISTS intel_objects(id TEXT NOT NULL, modified_ns INTEGER NOT NULL,"
    " type TEXT NOT NULL, source TEXT NOT NULL, tlp INTEGER NOT NULL, added_at INTEGER NOT NULL,"
    " json TEXT NOT NULL, PRIMARY KEY(id, modified_ns));"
    "CREATE TABLE IF NOT EXISTS intel_values(vid INTEGER PRIMARY KEY, kind INTEGER NOT NULL,"
    " op INTEGER NOT NULL, canon TEXT NOT NULL, value TEXT NOT NULL, value_hi TEXT,"
    " filtered TEXT, first_seen INTEGER NOT NULL, UNIQUE(kind, canon));"
    "CREATE TABLE IF NOT EXISTS intel_prov(vid INTEGER NOT NULL, source TEXT NOT NULL,"
    " indicator TEXT NOT NULL, modified_ns INTEGER NOT NULL, created_by_ref TEXT,"
    " external_refs TEXT, tlp INTEGER NOT NULL, confidence INTEGER NOT NULL,"
    " valid_from INTEGER NOT NULL, valid_until INTEGER NOT NULL, fs11 INTEGER NOT NULL,"
    " first_seen INTEGER NOT NULL, last_seen INTEGER NOT NULL,"
    " PRIMARY KEY(vid, source, indicator));"
    "CREATE INDEX IF NOT EXISTS intel_prov_indicator ON intel_prov(indicator);"
    "CREATE TABLE IF NOT EXISTS intel_rejects(at INTEGER NOT NULL, source TEXT NOT NULL,"
    " object_id TEXT, reason TEXT NOT NULL);"
    "CREATE TABLE IF NOT EXISTS intel_sightings(id TEXT PRIMARY KEY, vid INTEGER NOT NULL,"
    " count INTEGER NOT NULL, first_seen INTEGER NOT NULL, last_seen INTEGER NOT NULL,"
    " observed_source TEXT, received_at INTEGER NOT NULL);"
    "CREATE INDEX IF NOT EXISTS intel_sightings_vid ON intel_sightings(vid);"
    "CREATE TABLE IF NOT EXISTS intel_taxii_state(api_root TEXT NOT NULL,"
    " collection TEXT NOT NULL, added_last TEXT NOT NULL, updated_at INTEGER NOT NULL,"
    " PRIMARY KEY(api_root, collection));";

/* 1 if the schema is there at this version already (no write lock needed). */
static int schema_current(sg17_intel_store *s)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db, "SELECT MAX(version) FROM intel_schema", -1, &st, NULL) !=
        SQLITE_OK)
        return 0;
    int ok = sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int(st, 0) == SG17_INTEL_STORE_SCHEMA;
    sqlite3_finalize(st);
    return ok;
}

static int schema_setup(sg17_intel_store *s)
{
    if (schema_current(s))
        return 0;
    int rc = is_exec(s, "BEGIN IMMEDIATE");
    if (rc != 0)
        return rc;
    rc = is_exec(s, schema_sql);
    sqlite3_stmt *st = NULL;
    if (rc == 0)
        rc = is_prepare(s, &st, "SELECT MAX(version) FROM intel_schema");
    int have = 0;
    if (rc == 0 && sqlite3_step(st) == SQLITE_ROW)
        have = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    if (rc == 0 && have > SG17_INTEL_STORE_SCHEMA) {
        snprintf(s->err, sizeof s->err, "intel schema %d is newer than this library's %d", have,
                 SG17_INTEL_STORE_SCHEMA);
        rc = SG17_E_STATE;
    }
    if (rc == 0 && have < SG17_INTEL_STORE_SCHEMA) {
        char sql[96];
        snprintf(sql, sizeof sql, "DELETE FROM intel_schema; INSERT INTO intel_schema VALUES(%d)",
                 SG17_INTEL_STORE_SCHEMA);
        rc = is_exec(s, sql);
    }
    if (rc == 0)
        return is_exec(s, "COMMIT");
    (void)sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
    return rc;
}

int sg17_intel_store_open(sg17_intel_store **out, const char *path)
{
    if (out == NULL || path == NULL)
        return SG17_E_INVAL;
    *out = NULL;
    sg17_intel_store *s = calloc(1, sizeof *s);
    if (s == NULL)
        return SG17_E_NOMEM;
    int rc = 0;
    if (sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) !=
        SQLITE_OK)
        rc = SG17_E_IO;
    if (rc == 0) {
        sqlite3_busy_timeout(s->db, 5000);
        rc = is_exec(s, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;");
    }
    if (rc == 0)
        rc = schema_setup(s);
    if (rc != 0) {
        sg17_intel_store_close(s);
        return rc;
    }
    *out = s;
    return 0;
}

void sg17_intel_store_close(sg17_intel_store *s)
{
    if (s == NULL)
        return;
    sqlite3_close_v2(s->db);
    free(s);
}

const char *sg17_intel_store_errmsg(const sg17_intel_store *s)
{
    return s ? s->err : "";
}

/* ---- TLP ---------------------------------------------------------------- */

static const char *const tlp_names[] = {"clear", "green", "amber", "amber+strict", "red"};

/* STIX 2.1 7.2.1.4 (TLP 1.0) and the OASIS TLP 2.0 extension's definitions. */
static const struct {
    const char *id;
    sg17_intel_tlp level;
} tlp_ids[] = {
    {"marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9", SG17_INTEL_TLP_CLEAR},
    {"marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da", SG17_INTEL_TLP_GREEN},
    {"marking-definition--f88d31f6-486f-44da-b317-01333bde0b82", SG17_INTEL_TLP_AMBER},
    {"marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed", SG17_INTEL_TLP_RED},
    {"marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487", SG17_INTEL_TLP_CLEAR},
    {"marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb", SG17_INTEL_TLP_GREEN},
    {"marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421", SG17_INTEL_TLP_AMBER},
    {"marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003", SG17_INTEL_TLP_AMBER_STRICT},
    {"marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1", SG17_INTEL_TLP_RED},
};

sg17_intel_tlp sg17_intel_tlp_parse(const char *name)
{
    if (name == NULL)
        return SG17_INTEL_TLP_NONE;
    if (strncasecmp(name, "tlp:", 4) == 0)
        name += 4;
    if (strcasecmp(name, "white") == 0)
        return SG17_INTEL_TLP_CLEAR;
    for (int i = 0; i < 5; i++)
        if (strcasecmp(name, tlp_names[i]) == 0)
            return (sg17_intel_tlp)i;
    return SG17_INTEL_TLP_NONE;
}

const char *sg17_intel_tlp_name(sg17_intel_tlp t)
{
    if (t < SG17_INTEL_TLP_CLEAR || t > SG17_INTEL_TLP_RED)
        return "none";
    return tlp_names[t];
}

sg17_intel_tlp sg17_intel_tlp_of(const json_t *obj)
{
    sg17_intel_tlp best = SG17_INTEL_TLP_NONE;
    const json_t *refs = json_object_get(obj, "object_marking_refs");
    size_t i;
    const json_t *r;
    json_array_foreach(refs, i, r)
    {
        const char *id = json_string_value(r);
        if (id == NULL)
            continue;
        for (size_t k = 0; k < sizeof tlp_ids / sizeof tlp_ids[0]; k++)
            if (strcmp(id, tlp_ids[k].id) == 0 && tlp_ids[k].level > best)
                best = tlp_ids[k].level;
    }
    return best;
}

const char *sg17_intel_tlp_marking_id(sg17_intel_tlp t)
{
    if (t < SG17_INTEL_TLP_CLEAR || t > SG17_INTEL_TLP_RED)
        return NULL;
    return tlp_ids[4 + (int)t].id;
}

/* ---- confidence ------------------------------------------------------------ */

/* 2^-x for x >= 0 without libm: 2^-k halvings times exp(-f ln 2) by its series. */
static double exp2_neg(double x)
{
    if (x > 80.0)
        return 0.0;
    long k = (long)x;
    double f = (x - (double)k) * 0.69314718055994530942;
    double term = 1.0, sum = 1.0;
    for (int i = 1; i < 30; i++) {
        term *= -f / (double)i;
        sum += term;
    }
    for (long i = 0; i < k; i++)
        sum *= 0.5;
    return sum;
}

int sg17_intel_confidence(int base, uint64_t sightings, int64_t last_evidence, int64_t now,
                          int64_t half_life_s)
{
    if (base < 0)
        base = 0;
    if (base > 100)
        base = 100;
    if (half_life_s <= 0)
        half_life_s = SG17_INTEL_HALF_LIFE_S;
    double gap = 100.0 - (double)base;
    for (uint64_t i = 0; i < sightings && i < 1000 && gap > 1e-9; i++)
        gap *= 0.8; /* each sighting closes 20 % of the gap to 100 */
    double raised = 100.0 - gap;
    double age = now > last_evidence ? (double)(now - last_evidence) : 0.0;
    double c = raised * exp2_neg(age / (double)half_life_s);
    long r = (long)(c + 0.5);
    return r < 0 ? 0 : (r > 100 ? 100 : (int)r);
}

/* ---- helpers ------------------------------------------------------------ */

void is_uuid_text(const uint8_t id[16], char *out)
{
    static const char hx[] = "0123456789abcdef";
    size_t o = 0;
    for (size_t i = 0; i < 16; i++) {
        if (i == 4 || i == 6 || i == 8 || i == 10)
            out[o++] = '-';
        out[o++] = hx[id[i] >> 4];
        out[o++] = hx[id[i] & 15];
    }
    out[o] = '\0';
}

void is_ts_text(int64_t secs, char *out, size_t cap)
{
    time_t t = (time_t)secs;
    struct tm tm;
    if (gmtime_r(&t, &tm) == NULL || strftime(out, cap, "%Y-%m-%dT%H:%M:%S.000Z", &tm) == 0)
        snprintf(out, cap, "1970-01-01T00:00:00.000Z");
}

sg17_intel_kind is_kind_by_name(const char *name)
{
    if (name == NULL)
        return SG17_INTEL_NONE;
    for (int k = 1; k < SG17_INTEL_KIND_COUNT; k++)
        if (strcmp(sg17_intel_kind_name((sg17_intel_kind)k), name) == 0)
            return (sg17_intel_kind)k;
    return SG17_INTEL_NONE;
}

/* ---- patterns -------------------------------------------------------------- */

static const char *path_of(sg17_intel_kind k)
{
    switch (k) {
    case SG17_INTEL_MD5: return "file:hashes.MD5";
    case SG17_INTEL_SHA1: return "file:hashes.'SHA-1'";
    case SG17_INTEL_SHA256: return "file:hashes.'SHA-256'";
    case SG17_INTEL_SHA512: return "file:hashes.'SHA-512'";
    default: return NULL;
    }
}

static int put(char *out, size_t cap, size_t *o, const char *s, int escape)
{
    for (; *s; s++) {
        if (escape && (*s == '\'' || *s == '\\')) {
            if (*o + 1 >= cap)
                return SG17_E_LIMIT;
            out[(*o)++] = '\\';
        }
        if (*o + 1 >= cap)
            return SG17_E_LIMIT;
        out[(*o)++] = *s;
    }
    out[*o] = '\0';
    return 0;
}

int sg17_intel_pattern_for(sg17_intel_kind kind, sg17_intel_op op, const char *value,
                           const char *value_hi, char *out, size_t out_len)
{
    if (kind <= SG17_INTEL_NONE || kind >= SG17_INTEL_KIND_COUNT || value == NULL || out == NULL ||
        out_len == 0 || (op == SG17_INTEL_RANGE && value_hi == NULL))
        return SG17_E_INVAL;
    char path[64];
    const char *hp = path_of(kind);
    if (hp != NULL)
        snprintf(path, sizeof path, "%s", hp);
    else
        snprintf(path, sizeof path, "%s:value", sg17_intel_kind_name(kind));
    size_t o = 0;
    int digits = kind == SG17_INTEL_MSISDN || kind == SG17_INTEL_IMSI || kind == SG17_INTEL_IMEI ||
                 kind == SG17_INTEL_SCCP_GT;
    int rc = put(out, out_len, &o, "[", 0);
    if (op == SG17_INTEL_RANGE) {
        rc = rc ? rc : put(out, out_len, &o, path, 0);
        rc = rc ? rc : put(out, out_len, &o, " >= '", 0);
        rc = rc ? rc : put(out, out_len, &o, value, 1);
        rc = rc ? rc : put(out, out_len, &o, "' AND ", 0);
        rc = rc ? rc : put(out, out_len, &o, path, 0);
        rc = rc ? rc : put(out, out_len, &o, " <= '", 0);
        rc = rc ? rc : put(out, out_len, &o, value_hi, 1);
        rc = rc ? rc : put(out, out_len, &o, "']", 0);
    } else {
        rc = rc ? rc : put(out, out_len, &o, path, 0);
        rc =
            rc ? rc
               : put(out, out_len, &o, (op == SG17_INTEL_PREFIX && digits) ? " LIKE '" : " = '", 0);
        rc = rc ? rc : put(out, out_len, &o, value, 1);
        if (op == SG17_INTEL_PREFIX && digits)
            rc = rc ? rc : put(out, out_len, &o, "%", 0);
        rc = rc ? rc : put(out, out_len, &o, "']", 0);
    }
    if (rc != 0)
        out[0] = '\0';
    return rc;
}

/* ---- TAXII poll state --------------------------------------------------------- */

int sg17_intel_store_taxii_state(sg17_intel_store *s, const char *api_root, const char *collection,
                                 char *out, size_t out_len)
{
    if (s == NULL || api_root == NULL || collection == NULL || out == NULL || out_len == 0)
        return SG17_E_INVAL;
    out[0] = '\0';
    sqlite3_stmt *st;
    int rc = is_prepare(s, &st,
                        "SELECT added_last FROM intel_taxii_state WHERE api_root=? AND "
                        "collection=?");
    if (rc != 0)
        return rc;
    is_bind_text(st, 1, api_root);
    is_bind_text(st, 2, collection);
    int r = sqlite3_step(st);
    if (r == SQLITE_ROW)
        snprintf(out, out_len, "%s", (const char *)sqlite3_column_text(st, 0));
    else if (r == SQLITE_DONE)
        rc = SG17_E_NOTFOUND;
    else
        rc = is_err(s, "taxii state");
    sqlite3_finalize(st);
    return rc;
}
