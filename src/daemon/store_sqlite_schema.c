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
    /* X.1368 firmware server and status tracker (routes_update.c, docs/UPDATE-SERVER.md). */
    {3, "x1368 update",
     "CREATE TABLE update_envelopes ("
     "  digest TEXT PRIMARY KEY CHECK (length(digest) = 64),"
     "  sequence INTEGER NOT NULL,"
     "  body BLOB NOT NULL,"
     "  uploaded_by TEXT NOT NULL,"
     "  created_at INTEGER NOT NULL"
     ");"
     "CREATE TABLE update_images ("
     "  name TEXT PRIMARY KEY,"
     "  sha256 TEXT NOT NULL,"
     "  body BLOB NOT NULL,"
     "  uploaded_by TEXT NOT NULL,"
     "  created_at INTEGER NOT NULL"
     ");"
     "CREATE TABLE update_devices ("
     "  id TEXT PRIMARY KEY,"
     "  class TEXT NOT NULL,"
     "  pubkey BLOB NOT NULL,"
     "  anchors TEXT NOT NULL DEFAULT '[]',"
     "  created_at INTEGER NOT NULL"
     ");"
     "CREATE TABLE update_campaigns ("
     "  name TEXT PRIMARY KEY,"
     "  digest TEXT NOT NULL REFERENCES update_envelopes(digest),"
     "  class TEXT,"
     "  percent INTEGER NOT NULL DEFAULT 100 CHECK (percent BETWEEN 0 AND 100),"
     "  created_by TEXT NOT NULL,"
     "  created_at INTEGER NOT NULL"
     ");"
     "CREATE TABLE update_campaign_devices ("
     "  campaign TEXT NOT NULL REFERENCES update_campaigns(name),"
     "  device TEXT NOT NULL REFERENCES update_devices(id),"
     "  PRIMARY KEY (campaign, device)"
     ");"
     "CREATE TABLE update_status ("
     "  device TEXT NOT NULL REFERENCES update_devices(id),"
     "  campaign TEXT NOT NULL REFERENCES update_campaigns(name),"
     "  nonce BLOB,"
     "  status TEXT NOT NULL CHECK (status IN"
     "         ('offered','downloading','installed','failed','refused')),"
     "  detail TEXT NOT NULL DEFAULT '',"
     "  updated_at INTEGER NOT NULL,"
     "  PRIMARY KEY (device, campaign)"
     ");"
     "CREATE TABLE update_reports ("
     "  id INTEGER PRIMARY KEY,"
     "  device TEXT NOT NULL REFERENCES update_devices(id),"
     "  campaign TEXT NOT NULL,"
     "  digest TEXT NOT NULL,"
     "  sequence INTEGER NOT NULL,"
     "  status TEXT NOT NULL,"
     "  detail TEXT NOT NULL,"
     "  report BLOB NOT NULL,"
     "  received_at INTEGER NOT NULL"
     ");"
     "CREATE INDEX update_reports_device ON update_reports(device);"},
};

const size_t sg17d_sqlite_migrations_count =
    sizeof sg17d_sqlite_migrations / sizeof sg17d_sqlite_migrations[0];
