/*
 * src/daemon/store.h - the storage seam of sg17d.
 *
 * Everything sg17d persists goes through this interface. A backend is a
 * table of function pointers (sg17d_store_ops) behind an opaque handle; the
 * wrappers below dispatch to it, so that a PostgreSQL backend can replace
 * SQLite later without touching the HTTP, auth or service code. Only the
 * SQLite backend (store_sqlite.c) exists today.
 *
 * Schema: each backend owns an ordered array of migration steps
 * (store_sqlite_schema.c for SQLite). sg17d_store_open() applies the pending
 * steps in one transaction at start-up and records them; later services add
 * steps at the end of the array, never edit or reorder existing ones.
 *
 * Concurrency (SQLite): one connection per process, serialised by a mutex
 * inside the backend; every call is safe from any thread. Callbacks run with
 * that mutex held and must not call back into the store.
 */
#ifndef SG17D_STORE_H
#define SG17D_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "sg17/common.h"

typedef struct sg17d_store sg17d_store;

/** One schema step: applied once, in order, inside a transaction. */
typedef struct sg17d_migration {
    int version;      /**< 1, 2, 3 ... without gaps */
    const char *name; /**< short description, recorded in schema_migrations */
    const char *sql;  /**< one or more statements */
} sg17d_migration;

#define SG17D_TOKEN_NAME_MAX 63
#define SG17D_ROLE_NAME_MAX 15

/** An API token as stored: only the SHA-256 of the token, never the token. */
typedef struct sg17d_token_rec {
    int64_t id;
    char name[SG17D_TOKEN_NAME_MAX + 1];
    char role[SG17D_ROLE_NAME_MAX + 1];
    int64_t lookup;       /**< first 8 bytes of hash, big-endian: index key only */
    uint8_t hash[32];     /**< SHA-256 of the whole token string */
    int64_t created_at;   /**< Unix seconds */
    int64_t revoked_at;   /**< Unix seconds, 0 while active */
} sg17d_token_rec;

/** Row callback: return 0 to continue, non-zero to stop (that value is returned). */
typedef int (*sg17d_token_cb)(void *arg, const sg17d_token_rec *rec);

/** The backend interface. Every function returns 0 or a negative SG17_E_*. */
typedef struct sg17d_store_ops {
    const char *backend;
    void (*close)(sg17d_store *s);
    int (*ping)(sg17d_store *s);
    int (*schema_version)(sg17d_store *s, int *version);
    int (*token_insert)(sg17d_store *s, const sg17d_token_rec *rec);
    int (*token_candidates)(sg17d_store *s, int64_t lookup, sg17d_token_cb cb, void *arg);
    int (*token_list)(sg17d_store *s, sg17d_token_cb cb, void *arg);
    int (*token_revoke)(sg17d_store *s, const char *name, int64_t now);
} sg17d_store_ops;

/** Backends embed this as their first member. */
struct sg17d_store {
    const sg17d_store_ops *ops;
};

/**
 * Open the store at path (today: an SQLite file, created if absent), set
 * WAL mode, busy_timeout and foreign keys, and apply pending migrations.
 * On failure *out is NULL and a reason is logged.
 * @return 0, SG17_E_IO (cannot open / WAL refused), SG17_E_STATE (schema newer
 *         than this program), SG17_E_NOMEM.
 */
SG17_MUST_CHECK int sg17d_store_open(sg17d_store **out, const char *path);
/** Close the store; NULL is a no-op. */
void sg17d_store_close(sg17d_store *s);
/** Cheap round trip to the database (for /healthz). */
SG17_MUST_CHECK int sg17d_store_ping(sg17d_store *s);
/** The schema version recorded in the database. */
SG17_MUST_CHECK int sg17d_store_schema_version(sg17d_store *s, int *version);
/** Insert a token; SG17_E_EXISTS if the name is taken (revoked names stay taken). */
SG17_MUST_CHECK int sg17d_store_token_insert(sg17d_store *s, const sg17d_token_rec *rec);
/** Call cb for every ACTIVE token whose lookup key equals lookup. */
SG17_MUST_CHECK int sg17d_store_token_candidates(sg17d_store *s, int64_t lookup, sg17d_token_cb cb,
                                                 void *arg);
/** Call cb for every token, active or revoked, ordered by id. */
SG17_MUST_CHECK int sg17d_store_token_list(sg17d_store *s, sg17d_token_cb cb, void *arg);
/** Revoke the active token called name; SG17_E_NOTFOUND if there is none. */
SG17_MUST_CHECK int sg17d_store_token_revoke(sg17d_store *s, const char *name, int64_t now);

/* Backend entry points and their schema. */
SG17_MUST_CHECK int sg17d_sqlite_open(sg17d_store **out, const char *path);
extern const sg17d_migration sg17d_sqlite_migrations[];
extern const size_t sg17d_sqlite_migrations_count;

#endif
