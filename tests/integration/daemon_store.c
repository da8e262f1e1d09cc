/*
 * sg17d internals without HTTP: the SQLite store (WAL, migrations, rollback
 * of a failing step, refusal of a newer schema), the token layer (format,
 * hash-only storage, verification, revocation, roles) and concurrent
 * verification through the store mutex. The daemon's sources are not part
 * of the library, so this test compiles the ones it needs in.
 */
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sg17/crypto.h"
#include "tap.h"

#include "../../src/daemon/auth.c"
#include "../../src/daemon/store.c"
#include "../../src/daemon/store_sqlite.c"
#include "../../src/daemon/store_sqlite_schema.c"

static char dir[256];

static void path_in_dir(char *out, size_t cap, const char *name)
{
    snprintf(out, cap, "%s/%s", dir, name);
}

static long long sql_int(const char *path, const char *sql)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    long long v = -1;
    if (sqlite3_open(path, &db) == SQLITE_OK && sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
    return v;
}

static void test_hex(void)
{
    int good = 1;
    for (uint32_t n = 0; n < 16; n++) {
        char want[4];
        snprintf(want, sizeof want, "%x", n);
        good &= hex_nibble(n) == want[0];
    }
    tap_ok(good, "branch-free hex digit matches printf for all 16 nibbles");
}

static void test_open_and_migrate(void)
{
    char p[512];
    sg17d_store *st = NULL;
    int v = 0;

    path_in_dir(p, sizeof p, "a.db");
    tap_int_eq(sg17d_store_open(&st, p), 0, "open creates the database");
    tap_int_eq(sg17d_store_schema_version(st, &v), 0, "schema version readable");
    tap_int_eq(v, (long long)sg17d_sqlite_migrations_count, "schema at the last migration step");
    tap_int_eq(sg17d_store_ping(st), 0, "ping");
    sg17d_store_close(st);
    tap_int_eq(sql_int(p, "SELECT count(*) FROM schema_migrations"),
               (long long)sg17d_sqlite_migrations_count, "every step recorded once");

    tap_int_eq(sg17d_store_open(&st, p), 0, "re-open is fine");
    sg17d_store_close(st);
    tap_int_eq(sql_int(p, "SELECT count(*) FROM schema_migrations"),
               (long long)sg17d_sqlite_migrations_count, "re-open applies nothing twice");
    {
        sqlite3 *db = NULL;
        sqlite3_stmt *s = NULL;
        int wal = 0;
        if (sqlite3_open(p, &db) == SQLITE_OK &&
            sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &s, NULL) == SQLITE_OK &&
            sqlite3_step(s) == SQLITE_ROW)
            wal = strcmp((const char *)sqlite3_column_text(s, 0), "wal") == 0;
        sqlite3_finalize(s);
        sqlite3_close(db);
        tap_ok(wal, "journal_mode is wal");
    }
}

/* A failing step must roll the whole batch back, recording nothing. */
static void test_migration_rollback(void)
{
    static const sg17d_migration steps[] = {
        {1, "one", "CREATE TABLE t1 (x INTEGER);"},
        {2, "two", "CREATE TABLE t2 (x INTEGER); INSERT INTO nosuch VALUES (1);"},
    };
    static const sg17d_migration gap[] = {
        {1, "one", "CREATE TABLE g1 (x INTEGER);"},
        {3, "three", "CREATE TABLE g3 (x INTEGER);"},
    };
    char p[512];
    sqlite3 *db = NULL;

    path_in_dir(p, sizeof p, "rollback.db");
    tap_ok(sqlite3_open(p, &db) == SQLITE_OK, "open raw database");
    sg17_log_set_level((sg17_log_level)(SG17_LOG_ERROR + 1)); /* the failures below are expected */
    tap_ok(migrate(db, steps, 2) != 0, "a failing step fails the migration");
    tap_ok(migrate(db, gap, 2) == SG17_E_STATE, "a gap in the step numbers is refused");
    sg17_log_set_level(SG17_LOG_INFO);
    sqlite3_close(db);
    tap_int_eq(sql_int(p, "PRAGMA user_version"), 0, "user_version unchanged");
    tap_int_eq(sql_int(p, "SELECT count(*) FROM sqlite_master WHERE name = 't1'"), 0,
               "step 1 rolled back with step 2");
    tap_int_eq(sql_int(p, "SELECT count(*) FROM sqlite_master WHERE name = 'schema_migrations'"),
               0, "nothing recorded");

    tap_ok(sqlite3_open(p, &db) == SQLITE_OK, "re-open raw database");
    tap_int_eq(migrate(db, steps, 1), 0, "the good step alone applies");
    tap_int_eq(migrate(db, steps, 1), 0, "and is a no-op the second time");
    sqlite3_close(db);
    tap_int_eq(sql_int(p, "PRAGMA user_version"), 1, "user_version 1");
    tap_int_eq(sql_int(p, "SELECT count(*) FROM schema_migrations"), 1, "one step recorded");
}

static void test_newer_schema(void)
{
    char p[512];
    sg17d_store *st = NULL;
    sqlite3 *db = NULL;

    path_in_dir(p, sizeof p, "future.db");
    tap_int_eq(sg17d_store_open(&st, p), 0, "create");
    sg17d_store_close(st);
    if (sqlite3_open(p, &db) == SQLITE_OK)
        sqlite3_exec(db, "PRAGMA user_version = 1000", NULL, NULL, NULL);
    sqlite3_close(db);
    sg17_log_set_level((sg17_log_level)(SG17_LOG_ERROR + 1));
    tap_int_eq(sg17d_store_open(&st, p), SG17_E_STATE, "a newer schema is refused");
    sg17_log_set_level(SG17_LOG_INFO);
    tap_ok(st == NULL, "no handle on failure");
    tap_int_eq(sql_int(p, "PRAGMA user_version"), 1000, "and left alone");

    if (sqlite3_open(p, &db) == SQLITE_OK)
        sqlite3_exec(db, "PRAGMA user_version = -5", NULL, NULL, NULL);
    sqlite3_close(db);
    sg17_log_set_level((sg17_log_level)(SG17_LOG_ERROR + 1));
    tap_int_eq(sg17d_store_open(&st, p), SG17_E_STATE, "a negative schema version is refused");
    sg17_log_set_level(SG17_LOG_INFO);
}

typedef struct list_state {
    int n;
    int revoked;
    char last_role[16];
} list_state;

static int count_rows(void *arg, const sg17d_token_rec *rec)
{
    list_state *ls = arg;
    ls->n++;
    ls->revoked += rec->revoked_at != 0;
    snprintf(ls->last_role, sizeof ls->last_role, "%s", rec->role);
    return 0;
}

typedef struct verify_job {
    sg17d_store *st;
    const char *token;
    int ok;
} verify_job;

static void *verify_many(void *arg)
{
    verify_job *j = arg;
    sg17d_principal who;
    j->ok = 1;
    for (int i = 0; i < 200; i++) {
        if (sg17d_token_verify(j->st, j->token, strlen(j->token), &who) != 0 ||
            who.role != SG17D_ROLE_AUTHOR)
            j->ok = 0;
    }
    return NULL;
}

static void test_tokens(void)
{
    char p[512], tok[SG17D_TOKEN_LEN + 1], tok2[SG17D_TOKEN_LEN + 1], name[64];
    char bad[SG17D_TOKEN_LEN + 1];
    uint8_t h[32];
    sg17d_store *st = NULL;
    sg17d_principal who;
    list_state ls;
    sqlite3 *db = NULL;
    sqlite3_stmt *s = NULL;
    int hash_ok = 0;

    path_in_dir(p, sizeof p, "tok.db");
    tap_int_eq(sg17d_store_open(&st, p), 0, "open");
    tap_int_eq(sg17d_token_create(st, SG17D_ROLE_AUTHOR, "alice", tok, name, sizeof name), 0,
               "create author token");
    tap_ok(strncmp(tok, "sg17_", 5) == 0 && strlen(tok) == SG17D_TOKEN_LEN &&
               strspn(tok + 5, "0123456789abcdef") == 64,
           "token is sg17_ + 64 lowercase hex");
    tap_int_eq(sg17d_token_create(st, SG17D_ROLE_DEVICE, NULL, tok2, name, sizeof name), 0,
               "create device token with a default name");
    tap_ok(strncmp(name, "device-", 7) == 0 && strlen(name) == 15, "default name device-<8 hex>");
    tap_int_eq(sg17d_token_create(st, SG17D_ROLE_ADMIN, "alice", bad, NULL, 0), SG17_E_EXISTS,
               "duplicate name refused");
    tap_int_eq(sg17d_token_create(st, 3u, "two-roles", bad, NULL, 0), SG17_E_INVAL,
               "a token has exactly one role");
    tap_int_eq(sg17d_token_create(st, SG17D_ROLE_ADMIN, "bad name", bad, NULL, 0), SG17_E_INVAL,
               "bad name refused");

    tap_int_eq(sg17d_token_verify(st, tok, strlen(tok), &who), 0, "author token verifies");
    tap_ok(strcmp(who.name, "alice") == 0 && who.role == SG17D_ROLE_AUTHOR, "principal alice/author");
    tap_int_eq(sg17d_token_verify(st, tok2, strlen(tok2), &who), 0, "device token verifies");
    tap_ok(who.role == SG17D_ROLE_DEVICE, "principal role device");

    /* Every single-character change of the secret part must fail. */
    {
        int all_fail = 1;
        for (size_t i = 5; i < SG17D_TOKEN_LEN; i++) {
            memcpy(bad, tok, sizeof bad);
            bad[i] = bad[i] == '0' ? '1' : '0';
            all_fail &= sg17d_token_verify(st, bad, strlen(bad), &who) == SG17_E_AUTH;
        }
        tap_ok(all_fail, "each of the 64 one-digit changes is refused");
        tap_ok(who.name[0] == '\0' && who.role == 0, "principal cleared on refusal");
    }
    tap_int_eq(sg17d_token_verify(st, tok, strlen(tok) - 1, &who), SG17_E_AUTH, "truncated refused");
    tap_int_eq(sg17d_token_verify(st, "", 0, &who), SG17_E_AUTH, "empty refused");
    memcpy(bad, tok, sizeof bad);
    bad[0] = 'S';
    tap_int_eq(sg17d_token_verify(st, bad, strlen(bad), &who), SG17_E_AUTH, "wrong prefix refused");

    /* Only SHA-256(token) is stored. */
    sg17_sha256(h, (const uint8_t *)tok, strlen(tok));
    if (sqlite3_open(p, &db) == SQLITE_OK &&
        sqlite3_prepare_v2(db, "SELECT hash FROM auth_tokens WHERE name = 'alice'", -1, &s, NULL) ==
            SQLITE_OK &&
        sqlite3_step(s) == SQLITE_ROW && sqlite3_column_bytes(s, 0) == 32)
        hash_ok = memcmp(sqlite3_column_blob(s, 0), h, 32) == 0;
    sqlite3_finalize(s);
    sqlite3_close(db);
    tap_ok(hash_ok, "stored hash is SHA-256 of the token string");

    /* Concurrent verification through the one mutex-protected connection. */
    {
        pthread_t th[4];
        verify_job jobs[4];
        int all = 1;
        for (int i = 0; i < 4; i++) {
            jobs[i].st = st;
            jobs[i].token = tok;
            jobs[i].ok = 0;
            pthread_create(&th[i], NULL, verify_many, &jobs[i]);
        }
        for (int i = 0; i < 4; i++) {
            pthread_join(th[i], NULL);
            all &= jobs[i].ok;
        }
        tap_ok(all, "4 threads x 200 verifications all succeed");
    }

    tap_int_eq(sg17d_store_token_revoke(st, "alice", 1700000000), 0, "revoke alice");
    tap_int_eq(sg17d_token_verify(st, tok, strlen(tok), &who), SG17_E_AUTH, "revoked token refused");
    tap_int_eq(sg17d_store_token_revoke(st, "alice", 1700000001), SG17_E_NOTFOUND,
               "second revoke: not found");
    tap_int_eq(sg17d_store_token_revoke(st, "nobody", 1700000001), SG17_E_NOTFOUND,
               "unknown name: not found");
    tap_int_eq(sg17d_token_verify(st, tok2, strlen(tok2), &who), 0, "the other token still works");

    memset(&ls, 0, sizeof ls);
    tap_int_eq(sg17d_store_token_list(st, count_rows, &ls), 0, "list");
    tap_int_eq(ls.n, 2, "two tokens listed");
    tap_int_eq(ls.revoked, 1, "one of them revoked");
    tap_ok(strcmp(ls.last_role, "device") == 0, "listed in creation order");
    sg17d_store_close(st);
}

static void test_roles(void)
{
    static const char *names[] = {"admin",   "author",         "device",
                                  "analyst", "administration", "sidf"};
    int good = 1;
    unsigned all = 0;
    for (size_t i = 0; i < 6; i++) {
        unsigned r = sg17d_role_from_name(names[i]);
        good &= r != 0 && strcmp(sg17d_role_name(r), names[i]) == 0;
        all |= r;
    }
    tap_ok(good, "role names round-trip");
    tap_int_eq(all, SG17D_ROLE_ANY, "the six roles make SG17D_ROLE_ANY");
    tap_int_eq(sg17d_role_from_name("root"), 0, "unknown role is 0");
    tap_ok(!sg17d_token_name_ok("") && !sg17d_token_name_ok("a/b") && sg17d_token_name_ok("a.B_c-1"),
           "token name rule");
}

int main(void)
{
    char cmd[300];
    const char *tmp = getenv("TMPDIR");
    snprintf(dir, sizeof dir, "%s/sg17d-store-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (mkdtemp(dir) == NULL)
        tap_skip_all("cannot create a temporary directory");
    test_hex();
    test_roles();
    test_open_and_migrate();
    test_migration_rollback();
    test_newer_schema();
    test_tokens();
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        tap_diag("could not remove %s", dir);
    return tap_done();
}
