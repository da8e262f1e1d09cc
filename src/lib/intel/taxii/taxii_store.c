/*
 * Storage of the TAXII server: the taxii_* tables in one SQLite database,
 * a small connection pool, the cursor secret, per-role rights and the loader
 * of medallion-format data files.
 *
 * Paging is keyset paging on (date_added_us, rid): the index
 * taxii_objects_page (cid, date_added_us) carries rid implicitly, so a page
 * continues with one index seek however deep it is; taxii_objects_type does
 * the same under match[type]. date_added is strictly increasing within a
 * collection (each added version gets max(now, last + 1us)), so a page
 * boundary or an added_after poll never skips or repeats a version, even
 * while objects are being added.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sg17/crypto.h"
#include "sg17/json.h"
#include "taxii_internal.h"

static const char schema_sql[] =
    "CREATE TABLE IF NOT EXISTS taxii_meta(k TEXT PRIMARY KEY, v BLOB NOT NULL);"
    "CREATE TABLE IF NOT EXISTS taxii_discovery(one INTEGER PRIMARY KEY CHECK (one = 1),"
    "  body TEXT NOT NULL);"
    "CREATE TABLE IF NOT EXISTS taxii_roots(name TEXT PRIMARY KEY, body TEXT NOT NULL,"
    "  max_content_length INTEGER NOT NULL);"
    "CREATE TABLE IF NOT EXISTS taxii_collections(cid INTEGER PRIMARY KEY,"
    "  root TEXT NOT NULL REFERENCES taxii_roots(name), id TEXT NOT NULL,"
    "  body TEXT NOT NULL, media_types TEXT NOT NULL, UNIQUE (root, id));"
    "CREATE TABLE IF NOT EXISTS taxii_acl(cid INTEGER NOT NULL REFERENCES"
    "  taxii_collections(cid), role TEXT NOT NULL, can_read INTEGER NOT NULL,"
    "  can_write INTEGER NOT NULL, PRIMARY KEY (cid, role));"
    "CREATE TABLE IF NOT EXISTS taxii_objects(rid INTEGER PRIMARY KEY,"
    "  cid INTEGER NOT NULL REFERENCES taxii_collections(cid), id TEXT NOT NULL,"
    "  type TEXT NOT NULL, version TEXT NOT NULL, version_us INTEGER NOT NULL,"
    "  spec_version TEXT NOT NULL, media_type TEXT NOT NULL,"
    "  date_added_us INTEGER NOT NULL, body TEXT NOT NULL, UNIQUE (cid, id, version_us));"
    "CREATE INDEX IF NOT EXISTS taxii_objects_page ON taxii_objects(cid, date_added_us);"
    "CREATE INDEX IF NOT EXISTS taxii_objects_type ON taxii_objects(cid, type, date_added_us);"
    "CREATE TABLE IF NOT EXISTS taxii_status(root TEXT NOT NULL, id TEXT NOT NULL,"
    "  body TEXT NOT NULL, created_us INTEGER NOT NULL, owner TEXT,"
    "  PRIMARY KEY (root, id));";

/* A status table made before status resources had an owner gets the column
 * (NULL: no creating principal, so only admin sees those rows). */
/* 1 if taxii_status has the owner column, 0 if not, SG17_E_IO on error. */
static int has_owner_column(sqlite3 *db)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db,
                           "SELECT 1 FROM pragma_table_info('taxii_status')"
                           " WHERE name = 'owner'",
                           -1, &st, NULL) != SQLITE_OK)
        return SG17_E_IO;
    int found = sqlite3_step(st) == SQLITE_ROW;
    sqlite3_finalize(st);
    return found;
}

static int add_owner_column(sqlite3 *db)
{
    int found = has_owner_column(db);
    if (found != 0)
        return found < 0 ? found : 0;
    if (sqlite3_exec(db, "ALTER TABLE taxii_status ADD COLUMN owner TEXT", NULL, NULL, NULL) ==
        SQLITE_OK)
        return 0;
    /* a concurrent start may have added it first */
    found = has_owner_column(db);
    return found == 1 ? 0 : SG17_E_IO;
}

/* ---- small utilities -------------------------------------------------------- */

void tb_add(taxii_buf *b, const char *s, size_t n)
{
    const size_t hard = (size_t)256 << 20;
    if (b->failed)
        return;
    if (b->len + n + 1 > b->cap) {
        size_t nc = b->cap ? b->cap : 4096;
        char *np;
        while (nc < b->len + n + 1 && nc <= hard)
            nc *= 2;
        if (nc > hard || (np = realloc(b->p, nc)) == NULL) {
            b->failed = 1;
            return;
        }
        b->p = np;
        b->cap = nc;
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
}

void tb_str(taxii_buf *b, const char *s)
{
    tb_add(b, s, strlen(s));
}

void tb_json_str(taxii_buf *b, const char *s)
{
    json_t *j = json_string(s);
    char *t = j ? json_dumps(j, JSON_ENCODE_ANY) : NULL;
    json_decref(j);
    if (t == NULL) {
        b->failed = 1;
        return;
    }
    tb_str(b, t);
    free(t);
}

int64_t taxii_now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

int taxii_uuid4(char out[37])
{
    static const char hx[] = "0123456789abcdef";
    uint8_t r[16];
    size_t o = 0;
    if (sg17_randombytes(r, sizeof r) != 0)
        return SG17_E_RNG;
    r[6] = (uint8_t)((r[6] & 0x0fu) | 0x40u);
    r[8] = (uint8_t)((r[8] & 0x3fu) | 0x80u);
    for (int i = 0; i < 16; i++) {
        if (i == 4 || i == 6 || i == 8 || i == 10)
            out[o++] = '-';
        out[o++] = hx[r[i] >> 4];
        out[o++] = hx[r[i] & 15u];
    }
    out[o] = '\0';
    return 0;
}

/* ---- connections ---------------------------------------------------------- */

static int db_open(const char *path, sqlite3 **db)
{
    *db = NULL;
    if (sqlite3_open_v2(path, db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                        NULL) != SQLITE_OK) {
        sqlite3_close(*db);
        *db = NULL;
        return SG17_E_IO;
    }
    sqlite3_busy_timeout(*db, 5000);
    (void)sqlite3_exec(*db, "PRAGMA foreign_keys=ON", NULL, NULL, NULL);
    /* Reads through the OS page cache without a copy into each connection's own cache. */
    (void)sqlite3_exec(*db, "PRAGMA mmap_size=1073741824", NULL, NULL, NULL);
    return 0;
}

int taxii_db_get(sg17_taxii_server *s, sqlite3 **db)
{
    pthread_mutex_lock(&s->lock);
    if (s->n_idle > 0) {
        *db = s->idle[--s->n_idle];
        pthread_mutex_unlock(&s->lock);
        return 0;
    }
    pthread_mutex_unlock(&s->lock);
    return db_open(s->db_path, db);
}

void taxii_db_put(sg17_taxii_server *s, sqlite3 *db, int broken)
{
    if (db == NULL)
        return;
    if (!broken && sqlite3_get_autocommit(db)) {
        pthread_mutex_lock(&s->lock);
        if (s->n_idle < TAXII_POOL_MAX) {
            s->idle[s->n_idle++] = db;
            db = NULL;
        }
        pthread_mutex_unlock(&s->lock);
    }
    sqlite3_close(db);
}

/* The cursor secret: 32 random bytes kept in taxii_meta, made once. */
static int load_secret(sg17_taxii_server *s, sqlite3 *db)
{
    sqlite3_stmt *st = NULL;
    uint8_t secret[32];
    int rc = SG17_E_IO;
    static const char info[] = "sg17 taxii next cursor v1";

    if (sg17_randombytes(secret, sizeof secret) != 0)
        return SG17_E_RNG;
    /* INSERT OR IGNORE: a concurrent first start keeps whichever came first. */
    if (sqlite3_prepare_v2(db, "INSERT OR IGNORE INTO taxii_meta(k, v) VALUES ('cursor_secret', ?)",
                           -1, &st, NULL) != SQLITE_OK)
        goto out;
    sqlite3_bind_blob(st, 1, secret, sizeof secret, SQLITE_TRANSIENT);
    if (sqlite3_step(st) != SQLITE_DONE)
        goto out;
    sqlite3_finalize(st);
    st = NULL;
    if (sqlite3_prepare_v2(db, "SELECT v FROM taxii_meta WHERE k = 'cursor_secret'", -1, &st,
                           NULL) != SQLITE_OK ||
        sqlite3_step(st) != SQLITE_ROW || sqlite3_column_bytes(st, 0) != 32)
        goto out;
    memcpy(secret, sqlite3_column_blob(st, 0), 32);
    rc = sg17_hkdf(SG17_HASH_SHA256, NULL, 0, secret, 32, (const uint8_t *)info, sizeof info - 1,
                   s->cursor_key, 32) == 0
             ? 0
             : SG17_E_CRYPTO;
out:
    sqlite3_finalize(st);
    sg17_memzero(secret, sizeof secret);
    return rc;
}

int sg17_taxii_server_open(sg17_taxii_server **out, const sg17_taxii_config *cfg)
{
    sg17_taxii_server *s;
    sqlite3 *db = NULL;
    int rc;

    if (out == NULL || cfg == NULL || cfg->db_path == NULL)
        return SG17_E_INVAL;
    *out = NULL;
    s = calloc(1, sizeof *s);
    if (s == NULL || (s->db_path = strdup(cfg->db_path)) == NULL) {
        free(s);
        return SG17_E_NOMEM;
    }
    pthread_mutex_init(&s->lock, NULL);
    s->default_page = cfg->default_page ? cfg->default_page : 100;
    s->max_page = cfg->max_page ? cfg->max_page : 1000;
    if (s->default_page > s->max_page)
        s->default_page = s->max_page;
    s->cursor_max_age_s = cfg->cursor_max_age_s > 0 ? cfg->cursor_max_age_s : 86400;
    s->max_objects = cfg->max_objects ? cfg->max_objects : 100000;
    s->status_max_age_s = cfg->status_max_age_s > 0 ? cfg->status_max_age_s : 604800;
    rc = db_open(s->db_path, &db);
    /* WAL (as sg17d's store sets it): readers page while a POST writes */
    if (rc == 0)
        (void)sqlite3_exec(db, "PRAGMA journal_mode=WAL", NULL, NULL, NULL);
    if (rc == 0 && sqlite3_exec(db, schema_sql, NULL, NULL, NULL) != SQLITE_OK)
        rc = SG17_E_IO;
    if (rc == 0)
        rc = add_owner_column(db);
    if (rc == 0)
        rc = load_secret(s, db);
    if (rc != 0) {
        sqlite3_close(db);
        sg17_taxii_server_close(s);
        return rc;
    }
    taxii_db_put(s, db, 0);
    *out = s;
    return 0;
}

void sg17_taxii_server_close(sg17_taxii_server *s)
{
    if (s == NULL)
        return;
    for (size_t i = 0; i < s->n_idle; i++)
        sqlite3_close(s->idle[i]);
    pthread_mutex_destroy(&s->lock);
    sg17_memzero(s->cursor_key, sizeof s->cursor_key);
    free(s->db_path);
    free(s);
}

int sg17_taxii_root_names(sg17_taxii_server *s, char (*names)[SG17_TAXII_VALUE_MAX], size_t max)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    int n = 0, rc;
    if (s == NULL || names == NULL)
        return SG17_E_INVAL;
    if ((rc = taxii_db_get(s, &db)) != 0)
        return rc;
    if (sqlite3_prepare_v2(db, "SELECT name FROM taxii_roots ORDER BY name", -1, &st, NULL) !=
        SQLITE_OK) {
        taxii_db_put(s, db, 1);
        return SG17_E_IO;
    }
    while ((size_t)n < max && sqlite3_step(st) == SQLITE_ROW) {
        const char *v = (const char *)sqlite3_column_text(st, 0);
        if (v != NULL && strlen(v) < SG17_TAXII_VALUE_MAX)
            memcpy(names[n++], v, strlen(v) + 1);
    }
    sqlite3_finalize(st);
    taxii_db_put(s, db, 0);
    return n;
}

int sg17_taxii_acl_set(sg17_taxii_server *s, const char *root, const char *collection,
                       const char *role, int can_read, int can_write)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    int rc;
    if (s == NULL || root == NULL || collection == NULL || role == NULL)
        return SG17_E_INVAL;
    if (!taxii_role_ok(role))
        return SG17_E_FORMAT;
    if ((rc = taxii_db_get(s, &db)) != 0)
        return rc;
    rc = SG17_E_IO;
    if (sqlite3_prepare_v2(
            db,
            "INSERT OR REPLACE INTO taxii_acl(cid, role, can_read, can_write) "
            "SELECT cid, ?3, ?4, ?5 FROM taxii_collections WHERE root = ?1 AND id = ?2",
            -1, &st, NULL) == SQLITE_OK) {
        sqlite3_bind_text(st, 1, root, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, collection, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, role, -1, SQLITE_STATIC);
        sqlite3_bind_int(st, 4, can_read != 0);
        sqlite3_bind_int(st, 5, can_write != 0);
        if (sqlite3_step(st) == SQLITE_DONE)
            rc = sqlite3_changes(db) > 0 ? 0 : SG17_E_NOTFOUND;
    }
    sqlite3_finalize(st);
    taxii_db_put(s, db, rc == SG17_E_IO);
    return rc;
}
