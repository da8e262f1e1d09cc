/*
 * SQLite backend of the sg17d store (see store.h).
 * One connection, serialised by a mutex; WAL journal, busy_timeout 5 s,
 * foreign keys on, synchronous=NORMAL (durable across process crashes; WAL
 * may lose the last commits on power loss, which SQLite documents).
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "sg17/log.h"
#include "store.h"

#define BUSY_TIMEOUT_MS 5000

typedef struct sqlite_store {
    sg17d_store base;
    sqlite3 *db;
    pthread_mutex_t lock;
} sqlite_store;

static sqlite_store *as_sqlite(sg17d_store *s)
{
    return (sqlite_store *)s;
}

static int db_fail(sqlite3 *db, const char *what)
{
    sg17_log(SG17_LOG_ERROR, "store", "%s: %s", what, sqlite3_errmsg(db));
    return SG17_E_IO;
}

static int exec_sql(sqlite3 *db, const char *sql, const char *what)
{
    char *err = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK) {
        sg17_log(SG17_LOG_ERROR, "store", "%s: %s", what, err ? err : "?");
        sqlite3_free(err);
        return SG17_E_IO;
    }
    return 0;
}

/* Single-integer query (PRAGMA user_version and friends). */
static int query_int(sqlite3 *db, const char *sql, int64_t *out)
{
    sqlite3_stmt *st = NULL;
    int rc = SG17_E_IO;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
        return db_fail(db, sql);
    if (sqlite3_step(st) == SQLITE_ROW) {
        *out = sqlite3_column_int64(st, 0);
        rc = 0;
    } else {
        rc = db_fail(db, sql);
    }
    sqlite3_finalize(st);
    return rc;
}

static int set_wal(sqlite3 *db)
{
    sqlite3_stmt *st = NULL;
    int rc = SG17_E_IO;
    if (sqlite3_prepare_v2(db, "PRAGMA journal_mode=WAL", -1, &st, NULL) != SQLITE_OK)
        return db_fail(db, "journal_mode");
    if (sqlite3_step(st) == SQLITE_ROW) {
        const unsigned char *mode = sqlite3_column_text(st, 0);
        if (mode != NULL && strcmp((const char *)mode, "wal") == 0)
            rc = 0;
        else
            sg17_log(SG17_LOG_ERROR, "store", "WAL journal refused (mode %s)",
                     mode ? (const char *)mode : "?");
    } else {
        rc = db_fail(db, "journal_mode");
    }
    sqlite3_finalize(st);
    return rc;
}

static int record_step(sqlite3 *db, const sg17d_migration *m)
{
    sqlite3_stmt *st = NULL;
    int rc = 0;
    if (sqlite3_prepare_v2(db,
                           "INSERT INTO schema_migrations(version, name, applied_at) "
                           "VALUES (?, ?, ?)",
                           -1, &st, NULL) != SQLITE_OK)
        return db_fail(db, "record migration");
    sqlite3_bind_int(st, 1, m->version);
    sqlite3_bind_text(st, 2, m->name, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, (sqlite3_int64)time(NULL));
    if (sqlite3_step(st) != SQLITE_DONE)
        rc = db_fail(db, "record migration");
    sqlite3_finalize(st);
    return rc;
}

/*
 * Apply pending steps in one IMMEDIATE transaction, so that two processes
 * starting at once (daemon and `sg17d token`) cannot both migrate.
 */
static int migrate(sqlite3 *db, const sg17d_migration *steps, size_t n)
{
    int64_t cur = 0;
    char pragma[64];
    int rc;

    for (size_t i = 0; i < n; i++) {
        if (steps[i].version != (int)i + 1) {
            sg17_log(SG17_LOG_ERROR, "store", "migration list out of order at %zu", i);
            return SG17_E_STATE;
        }
    }
    if ((rc = exec_sql(db, "BEGIN IMMEDIATE", "begin migration")) != 0)
        return rc;
    rc = exec_sql(db,
                  "CREATE TABLE IF NOT EXISTS schema_migrations ("
                  " version INTEGER PRIMARY KEY, name TEXT NOT NULL,"
                  " applied_at INTEGER NOT NULL)",
                  "schema_migrations");
    if (rc == 0)
        rc = query_int(db, "PRAGMA user_version", &cur);
    if (rc == 0 && cur < 0) {
        sg17_log(SG17_LOG_ERROR, "store", "database schema version %lld is invalid", (long long)cur);
        rc = SG17_E_STATE;
    }
    if (rc == 0 && cur > (int64_t)n) {
        sg17_log(SG17_LOG_ERROR, "store",
                 "database schema version %lld is newer than this sg17d (%zu)", (long long)cur, n);
        rc = SG17_E_STATE;
    }
    for (size_t i = (size_t)cur; rc == 0 && i < n; i++) {
        rc = exec_sql(db, steps[i].sql, steps[i].name);
        if (rc == 0)
            rc = record_step(db, &steps[i]);
    }
    if (rc == 0 && (size_t)cur < n) {
        snprintf(pragma, sizeof pragma, "PRAGMA user_version=%zu", n);
        rc = exec_sql(db, pragma, "user_version");
    }
    if (rc == 0)
        rc = exec_sql(db, "COMMIT", "commit migration");
    if (rc != 0) {
        (void)exec_sql(db, "ROLLBACK", "rollback migration");
        return rc;
    }
    for (size_t i = (size_t)cur; i < n; i++)
        sg17_log(SG17_LOG_INFO, "store", "schema migrated to version %d (%s)", steps[i].version,
                 steps[i].name);
    return 0;
}

static void s_close(sg17d_store *s)
{
    sqlite_store *q = as_sqlite(s);
    /* sqlite3_close fails only with unfinalised statements; we never leave any. */
    if (sqlite3_close(q->db) != SQLITE_OK)
        sg17_log(SG17_LOG_WARN, "store", "close: %s", sqlite3_errmsg(q->db));
    pthread_mutex_destroy(&q->lock);
    free(q);
}

static int s_ping(sg17d_store *s)
{
    sqlite_store *q = as_sqlite(s);
    int64_t v = 0;
    int rc;
    pthread_mutex_lock(&q->lock);
    /* Reads the schema from disk, so a deleted or corrupted file shows up. */
    rc = query_int(q->db, "SELECT count(*) FROM schema_migrations", &v);
    pthread_mutex_unlock(&q->lock);
    return rc;
}

static int s_schema_version(sg17d_store *s, int *version)
{
    sqlite_store *q = as_sqlite(s);
    int64_t v = 0;
    int rc;
    pthread_mutex_lock(&q->lock);
    rc = query_int(q->db, "PRAGMA user_version", &v);
    pthread_mutex_unlock(&q->lock);
    if (rc == 0)
        *version = (int)v;
    return rc;
}

static int s_token_insert(sg17d_store *s, const sg17d_token_rec *rec)
{
    sqlite_store *q = as_sqlite(s);
    sqlite3_stmt *st = NULL;
    int rc = 0, step;
    pthread_mutex_lock(&q->lock);
    if (sqlite3_prepare_v2(q->db,
                           "INSERT INTO auth_tokens(name, role, lookup, hash, created_at) "
                           "VALUES (?, ?, ?, ?, ?)",
                           -1, &st, NULL) != SQLITE_OK) {
        rc = db_fail(q->db, "token insert");
        goto out;
    }
    sqlite3_bind_text(st, 1, rec->name, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, rec->role, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, rec->lookup);
    sqlite3_bind_blob(st, 4, rec->hash, (int)sizeof rec->hash, SQLITE_STATIC);
    sqlite3_bind_int64(st, 5, rec->created_at);
    step = sqlite3_step(st);
    if (step == SQLITE_CONSTRAINT_UNIQUE)
        rc = SG17_E_EXISTS;
    else if ((step & 0xff) == SQLITE_CONSTRAINT)
        rc = SG17_E_INVAL;
    else if (step != SQLITE_DONE)
        rc = db_fail(q->db, "token insert");
out:
    sqlite3_finalize(st);
    pthread_mutex_unlock(&q->lock);
    return rc;
}

static void copy_text(char *dst, size_t cap, const unsigned char *src)
{
    size_t n = src ? strlen((const char *)src) : 0;
    if (n >= cap)
        n = cap - 1;
    if (n)
        memcpy(dst, src, n);
    dst[n] = '\0';
}

/* Run a prepared token SELECT (id,name,role,lookup,hash,created,revoked) through cb. */
static int run_token_rows(sqlite3 *db, sqlite3_stmt *st, sg17d_token_cb cb, void *arg)
{
    sg17d_token_rec rec;
    int step, rc = 0;
    while (rc == 0 && (step = sqlite3_step(st)) == SQLITE_ROW) {
        memset(&rec, 0, sizeof rec);
        rec.id = sqlite3_column_int64(st, 0);
        copy_text(rec.name, sizeof rec.name, sqlite3_column_text(st, 1));
        copy_text(rec.role, sizeof rec.role, sqlite3_column_text(st, 2));
        rec.lookup = sqlite3_column_int64(st, 3);
        if (sqlite3_column_bytes(st, 4) == (int)sizeof rec.hash)
            memcpy(rec.hash, sqlite3_column_blob(st, 4), sizeof rec.hash);
        else
            continue; /* the CHECK constraint makes this unreachable */
        rec.created_at = sqlite3_column_int64(st, 5);
        rec.revoked_at = sqlite3_column_int64(st, 6);
        rc = cb(arg, &rec);
        sg17_memzero(&rec, sizeof rec);
    }
    if (rc == 0 && step != SQLITE_DONE)
        rc = db_fail(db, "token query");
    return rc;
}

#define TOKEN_COLS "SELECT id, name, role, lookup, hash, created_at, coalesce(revoked_at, 0) FROM auth_tokens "

static int s_token_candidates(sg17d_store *s, int64_t lookup, sg17d_token_cb cb, void *arg)
{
    sqlite_store *q = as_sqlite(s);
    sqlite3_stmt *st = NULL;
    int rc;
    pthread_mutex_lock(&q->lock);
    if (sqlite3_prepare_v2(q->db, TOKEN_COLS "WHERE lookup = ? AND revoked_at IS NULL", -1, &st,
                           NULL) != SQLITE_OK) {
        rc = db_fail(q->db, "token lookup");
    } else {
        sqlite3_bind_int64(st, 1, lookup);
        rc = run_token_rows(q->db, st, cb, arg);
    }
    sqlite3_finalize(st);
    pthread_mutex_unlock(&q->lock);
    return rc;
}

static int s_token_list(sg17d_store *s, sg17d_token_cb cb, void *arg)
{
    sqlite_store *q = as_sqlite(s);
    sqlite3_stmt *st = NULL;
    int rc;
    pthread_mutex_lock(&q->lock);
    if (sqlite3_prepare_v2(q->db, TOKEN_COLS "ORDER BY id", -1, &st, NULL) != SQLITE_OK)
        rc = db_fail(q->db, "token list");
    else
        rc = run_token_rows(q->db, st, cb, arg);
    sqlite3_finalize(st);
    pthread_mutex_unlock(&q->lock);
    return rc;
}

static int s_token_revoke(sg17d_store *s, const char *name, int64_t now)
{
    sqlite_store *q = as_sqlite(s);
    sqlite3_stmt *st = NULL;
    int rc = 0;
    pthread_mutex_lock(&q->lock);
    if (sqlite3_prepare_v2(q->db,
                           "UPDATE auth_tokens SET revoked_at = ? "
                           "WHERE name = ? AND revoked_at IS NULL",
                           -1, &st, NULL) != SQLITE_OK) {
        rc = db_fail(q->db, "token revoke");
    } else {
        sqlite3_bind_int64(st, 1, now);
        sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
        if (sqlite3_step(st) != SQLITE_DONE)
            rc = db_fail(q->db, "token revoke");
        else if (sqlite3_changes(q->db) == 0)
            rc = SG17_E_NOTFOUND;
    }
    sqlite3_finalize(st);
    pthread_mutex_unlock(&q->lock);
    return rc;
}

static const sg17d_store_ops sqlite_ops = {
    .backend = "sqlite",
    .close = s_close,
    .ping = s_ping,
    .schema_version = s_schema_version,
    .token_insert = s_token_insert,
    .token_candidates = s_token_candidates,
    .token_list = s_token_list,
    .token_revoke = s_token_revoke,
};

/*
 * The database holds credential hashes: create it 0600 ourselves (SQLite
 * would use 0644 & ~umask); its -wal and -shm files inherit the mode.
 */
static int create_private(const char *path)
{
    int fd;
    if (path[0] == ':' || strncmp(path, "file:", 5) == 0)
        return 0; /* special names and URIs are SQLite's business */
    fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) {
        sg17_log(SG17_LOG_ERROR, "store", "cannot open %s: %s", path, strerror(errno));
        return SG17_E_IO;
    }
    close(fd);
    return 0;
}

int sg17d_sqlite_open(sg17d_store **out, const char *path)
{
    sqlite_store *q;
    int rc;

    *out = NULL;
    if ((rc = create_private(path)) != 0)
        return rc;
    q = calloc(1, sizeof *q);
    if (q == NULL)
        return SG17_E_NOMEM;
    q->base.ops = &sqlite_ops;
    if (sqlite3_open_v2(path, &q->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) !=
        SQLITE_OK) {
        sg17_log(SG17_LOG_ERROR, "store", "cannot open %s: %s", path,
                 q->db ? sqlite3_errmsg(q->db) : "out of memory");
        sqlite3_close(q->db);
        free(q);
        return SG17_E_IO;
    }
    sqlite3_extended_result_codes(q->db, 1);
    sqlite3_busy_timeout(q->db, BUSY_TIMEOUT_MS);
    rc = exec_sql(q->db, "PRAGMA foreign_keys=ON", "foreign_keys");
    if (rc == 0)
        rc = set_wal(q->db);
    if (rc == 0)
        rc = exec_sql(q->db, "PRAGMA synchronous=NORMAL", "synchronous");
    if (rc == 0)
        rc = migrate(q->db, sg17d_sqlite_migrations, sg17d_sqlite_migrations_count);
    if (rc != 0) {
        sqlite3_close(q->db);
        free(q);
        return rc;
    }
    pthread_mutex_init(&q->lock, NULL);
    *out = &q->base;
    return 0;
}
