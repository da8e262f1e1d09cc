/*
 * The SQLite backend of the consultation store: tables prefixed consult_ in
 * any database file - sg17d's own (where its schema step "consult" creates
 * them) or one given to `sg17 consult --db`. The library creates them with
 * CREATE TABLE IF NOT EXISTS from the same text (consult_schema.h), so
 * either may come first. One connection per open store; every public store
 * call is one transaction, writers take the write lock first (BEGIN
 * IMMEDIATE) so a reply's number is the next one even with several processes.
 */
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "consult_internal.h"
#include "consult_schema.h"

#define DB_BUSY_TIMEOUT_MS 5000

typedef struct db_store {
    sg17_consult_store base;
    sqlite3 *db;
} db_store;

static sqlite3 *db_of(sg17_consult_store *s)
{
    return ((db_store *)s)->db;
}

static int prep(sqlite3 *db, sqlite3_stmt **st, const char *sql)
{
    return sqlite3_prepare_v2(db, sql, -1, st, NULL) == SQLITE_OK ? 0 : SG17_E_IO;
}

/* Step a statement expected to finish (no rows); finalize it. */
static int run(sqlite3_stmt *st)
{
    int r = sqlite3_step(st);
    sqlite3_finalize(st);
    if (r == SQLITE_DONE)
        return 0;
    return r == SQLITE_CONSTRAINT ? SG17_E_EXISTS : SG17_E_IO;
}

static int bind_text(sqlite3_stmt *st, int i, const char *s, size_t len)
{
    if (len > (size_t)SG17_CONSULT_MAX_ENVELOPE_BYTES * 8)
        return SG17_E_LIMIT;
    return sqlite3_bind_text(st, i, s, (int)len, SQLITE_TRANSIENT) == SQLITE_OK ? 0 : SG17_E_IO;
}

static int copy_text(sqlite3_stmt *st, int col, uint8_t **buf, size_t *len)
{
    const unsigned char *t = sqlite3_column_text(st, col);
    int n = sqlite3_column_bytes(st, col);
    if (t == NULL || n < 0)
        return SG17_E_FORMAT;
    if ((*buf = malloc((size_t)n + 1)) == NULL)
        return SG17_E_NOMEM;
    memcpy(*buf, t, (size_t)n);
    (*buf)[n] = 0;
    *len = (size_t)n;
    return 0;
}

static int b_get(sg17_consult_store *s, consult_doc kind, long n, const char *admin,
                 uint8_t **buf, size_t *len)
{
    static const char *const q[] = {
        "SELECT body FROM consult_member_states WHERE id = 1",
        "SELECT body FROM consult_circulars WHERE number = ?1",
        "SELECT pem FROM consult_keys WHERE administration = ?2",
    };
    sqlite3_stmt *st = NULL;
    *buf = NULL;
    *len = 0;
    if (kind == CONSULT_DOC_KEY && (admin == NULL || !consult_admin_id_ok(admin)))
        return SG17_E_NOTFOUND;
    int rc = prep(db_of(s), &st, q[kind]);
    if (rc)
        return rc;
    if (kind == CONSULT_DOC_CIRCULAR)
        sqlite3_bind_int64(st, 1, n);
    if (kind == CONSULT_DOC_KEY)
        rc = bind_text(st, 2, admin, strlen(admin));
    if (rc == 0) {
        int r = sqlite3_step(st);
        rc = r == SQLITE_ROW ? copy_text(st, 0, buf, len)
                             : r == SQLITE_DONE ? SG17_E_NOTFOUND : SG17_E_IO;
    }
    sqlite3_finalize(st);
    return rc;
}

static int b_put(sg17_consult_store *s, consult_doc kind, long n, const char *admin,
                 const char *data, size_t len)
{
    static const char *const q[] = {
        "INSERT OR REPLACE INTO consult_member_states(id, body, imported_at) "
        "VALUES (1, ?3, unixepoch())",
        "INSERT OR REPLACE INTO consult_circulars(number, body, imported_at) "
        "VALUES (?1, ?3, unixepoch())",
        "INSERT OR REPLACE INTO consult_keys(administration, pem, registered_at) "
        "VALUES (?2, ?3, unixepoch())",
    };
    sqlite3_stmt *st = NULL;
    if (kind == CONSULT_DOC_KEY && (admin == NULL || !consult_admin_id_ok(admin)))
        return SG17_E_INVAL;
    int rc = prep(db_of(s), &st, q[kind]);
    if (rc)
        return rc;
    if (kind == CONSULT_DOC_CIRCULAR)
        sqlite3_bind_int64(st, 1, n);
    if (kind == CONSULT_DOC_KEY)
        rc = bind_text(st, 2, admin, strlen(admin));
    if (rc == 0)
        rc = bind_text(st, 3, data, len);
    if (rc) {
        sqlite3_finalize(st);
        return rc;
    }
    return run(st);
}

static int b_each_doc(sg17_consult_store *s, consult_doc kind, consult_doc_cb cb, void *arg)
{
    sqlite3_stmt *st = NULL;
    if (kind == CONSULT_DOC_STATES)
        return SG17_E_INVAL;
    int rc = prep(db_of(s), &st,
                  kind == CONSULT_DOC_CIRCULAR
                      ? "SELECT number, '', body FROM consult_circulars ORDER BY number"
                      : "SELECT 0, administration, pem FROM consult_keys ORDER BY administration");
    int r = SQLITE_ROW;
    while (rc == 0 && (r = sqlite3_step(st)) == SQLITE_ROW) {
        const char *id = (const char *)sqlite3_column_text(st, 1);
        const void *body = sqlite3_column_text(st, 2);
        int len = sqlite3_column_bytes(st, 2);
        if (id == NULL || body == NULL || len < 0)
            rc = SG17_E_FORMAT;
        else
            rc = cb(arg, (long)sqlite3_column_int64(st, 0), id, body, (size_t)len);
    }
    if (rc == 0 && r != SQLITE_DONE)
        rc = SG17_E_IO;
    sqlite3_finalize(st);
    return rc;
}

static int b_append(sg17_consult_store *s, long n, const char *admin, int64_t at,
                    const char *envelope, size_t len)
{
    sqlite3_stmt *st = NULL;
    if (!consult_admin_id_ok(admin))
        return SG17_E_INVAL;
    /* Inside the writer's transaction: the next number cannot be taken by anyone else. */
    int rc = prep(db_of(s), &st,
                  "INSERT INTO consult_replies(circular, administration, seq, received_at, "
                  "envelope) VALUES (?1, ?2, 1 + (SELECT coalesce(max(seq), 0) FROM "
                  "consult_replies WHERE circular = ?1 AND administration = ?2), ?3, ?4)");
    if (rc)
        return rc;
    sqlite3_bind_int64(st, 1, n);
    sqlite3_bind_int64(st, 3, at);
    if ((rc = bind_text(st, 2, admin, strlen(admin))) != 0 ||
        (rc = bind_text(st, 4, envelope, len)) != 0) {
        sqlite3_finalize(st);
        return rc;
    }
    return run(st);
}

static int count_query(sg17_consult_store *s, const char *sql, long n, const char *admin,
                       size_t *count)
{
    sqlite3_stmt *st = NULL;
    int rc = prep(db_of(s), &st, sql);
    if (rc)
        return rc;
    sqlite3_bind_int64(st, 1, n);
    if (admin)
        rc = bind_text(st, 2, admin, strlen(admin));
    if (rc == 0) {
        if (sqlite3_step(st) == SQLITE_ROW)
            *count = (size_t)sqlite3_column_int64(st, 0);
        else
            rc = SG17_E_IO;
    }
    sqlite3_finalize(st);
    return rc;
}

static int b_history(sg17_consult_store *s, long n, const char *admin, size_t *count)
{
    return count_query(s,
                       "SELECT count(*) FROM consult_replies WHERE circular = ?1 AND "
                       "administration = ?2",
                       n, admin, count);
}

static int b_refusals(sg17_consult_store *s, long n, size_t *count)
{
    return count_query(s, "SELECT count(*) FROM consult_refusals WHERE circular = ?1", n, NULL,
                       count);
}

static int b_refused(sg17_consult_store *s, long n, const sg17_consult_verdict *v, int64_t at)
{
    sqlite3_stmt *st = NULL;
    const char *code = sg17_consult_refusal_name(v->refusal);
    int rc = prep(db_of(s), &st,
                  "INSERT INTO consult_refusals(circular, administration, code, reason, "
                  "received_at) VALUES (?1, ?2, ?3, ?4, ?5)");
    if (rc)
        return rc;
    sqlite3_bind_int64(st, 1, n);
    sqlite3_bind_int64(st, 5, at);
    if ((rc = bind_text(st, 2, v->administration, strnlen(v->administration,
                                                          sizeof v->administration))) != 0 ||
        (rc = bind_text(st, 3, code, strlen(code))) != 0 ||
        (rc = bind_text(st, 4, v->reason, strnlen(v->reason, sizeof v->reason))) != 0) {
        sqlite3_finalize(st);
        return rc;
    }
    return run(st);
}

static int b_each_reply(sg17_consult_store *s, long n, consult_reply_cb cb, void *arg)
{
    sqlite3_stmt *st = NULL;
    int rc = prep(db_of(s), &st,
                  "SELECT administration, received_at, envelope FROM consult_replies "
                  "WHERE circular = ?1 ORDER BY administration, seq");
    if (rc)
        return rc;
    sqlite3_bind_int64(st, 1, n);
    int r = SQLITE_ROW;
    while (rc == 0 && (r = sqlite3_step(st)) == SQLITE_ROW) {
        const char *admin = (const char *)sqlite3_column_text(st, 0);
        const char *text = (const char *)sqlite3_column_text(st, 2);
        int len = sqlite3_column_bytes(st, 2);
        json_t *env = NULL;
        if (admin == NULL || text == NULL || len < 0 ||
            sg17_json_parse(text, (size_t)len, NULL, &env, NULL) != 0) {
            rc = SG17_E_FORMAT;
            break;
        }
        rc = cb(arg, admin, sqlite3_column_int64(st, 1), env);
        json_decref(env);
    }
    if (rc == 0 && r != SQLITE_DONE)
        rc = SG17_E_IO;
    sqlite3_finalize(st);
    return rc;
}

static int b_begin(sg17_consult_store *s)
{
    return sqlite3_exec(db_of(s), "BEGIN IMMEDIATE", NULL, NULL, NULL) == SQLITE_OK ? 0
                                                                                 : SG17_E_IO;
}

static int b_finish(sg17_consult_store *s, int commit)
{
    if (commit && sqlite3_exec(db_of(s), "COMMIT", NULL, NULL, NULL) == SQLITE_OK)
        return 0;
    (void)sqlite3_exec(db_of(s), "ROLLBACK", NULL, NULL, NULL);
    return commit ? SG17_E_IO : 0;
}

static void b_close(sg17_consult_store *s)
{
    sqlite3_close(db_of(s));
    free(s);
}

static const consult_store_ops db_ops = {
    .name = "sqlite",
    .get = b_get,
    .put = b_put,
    .each_doc = b_each_doc,
    .append = b_append,
    .history = b_history,
    .each_reply = b_each_reply,
    .refused = b_refused,
    .refusals = b_refusals,
    .begin = b_begin,
    .finish = b_finish,
    .close = b_close,
};

/* WAL as sg17d runs its database; the answer is the mode actually in force. */
static int set_wal(sqlite3 *db)
{
    sqlite3_stmt *st = NULL;
    int rc = prep(db, &st, "PRAGMA journal_mode=WAL");
    if (rc)
        return rc;
    if (sqlite3_step(st) != SQLITE_ROW)
        rc = SG17_E_IO;
    sqlite3_finalize(st);
    return rc;
}

int consult_store_db_open(const char *path, sg17_consult_store **out)
{
    if (path == NULL || out == NULL || *path == '\0')
        return SG17_E_INVAL;
    *out = NULL;
    db_store *d = calloc(1, sizeof *d);
    if (d == NULL)
        return SG17_E_NOMEM;
    d->base.ops = &db_ops;
    int rc = SG17_E_IO;
    if (sqlite3_open_v2(path, &d->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) !=
            SQLITE_OK ||
        sqlite3_busy_timeout(d->db, DB_BUSY_TIMEOUT_MS) != SQLITE_OK || set_wal(d->db) != 0 ||
        sqlite3_exec(d->db, "PRAGMA foreign_keys=ON", NULL, NULL, NULL) != SQLITE_OK ||
        sqlite3_exec(d->db, SG17_CONSULT_SQLITE_SCHEMA_V1, NULL, NULL, NULL) != SQLITE_OK)
        goto fail;
    *out = &d->base;
    return 0;
fail:
    sqlite3_close(d->db);
    free(d);
    return rc;
}
