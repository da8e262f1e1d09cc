/*
 * SQLite schema of sg17d as an ordered list of migration steps.
 * Append new steps at the end with the next version number; never edit,
 * renumber or remove a step that has shipped (databases record what ran).
 */
#include "store.h"

const sg17d_migration sg17d_sqlite_migrations[] = {
    {1, "auth tokens",
     "CREATE TABLE auth_tokens ("
     "  id INTEGER PRIMARY KEY,"
     "  name TEXT NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 63),"
     "  role TEXT NOT NULL CHECK (role IN"
     "       ('admin','author','device','analyst','administration')),"
     "  lookup INTEGER NOT NULL,"
     "  hash BLOB NOT NULL CHECK (length(hash) = 32),"
     "  created_at INTEGER NOT NULL,"
     "  revoked_at INTEGER"
     ");"
     "CREATE INDEX auth_tokens_lookup ON auth_tokens(lookup);"},
    /* SQLite cannot alter a CHECK constraint: rebuild the table with the new role. */
    {2, "sidf role",
     "CREATE TABLE auth_tokens_v2 ("
     "  id INTEGER PRIMARY KEY,"
     "  name TEXT NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 63),"
     "  role TEXT NOT NULL CHECK (role IN"
     "       ('admin','author','device','analyst','administration','sidf')),"
     "  lookup INTEGER NOT NULL,"
     "  hash BLOB NOT NULL CHECK (length(hash) = 32),"
     "  created_at INTEGER NOT NULL,"
     "  revoked_at INTEGER"
     ");"
     "INSERT INTO auth_tokens_v2 SELECT id, name, role, lookup, hash, created_at, revoked_at"
     "  FROM auth_tokens;"
     "DROP TABLE auth_tokens;"
     "ALTER TABLE auth_tokens_v2 RENAME TO auth_tokens;"
     "CREATE INDEX auth_tokens_lookup ON auth_tokens(lookup);"},
};

const size_t sg17d_sqlite_migrations_count =
    sizeof sg17d_sqlite_migrations / sizeof sg17d_sqlite_migrations[0];
