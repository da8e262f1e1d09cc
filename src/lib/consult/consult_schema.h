/*
 * The consultation's SQLite tables (docs/CONSULT.md "Storage"). One text for
 * both users: store_db.c runs it on every open, and sg17d's schema step
 * "consult" (src/daemon/store_sqlite_schema.c) records it. Never edit this
 * version once shipped: a change is a new SG17_CONSULT_SQLITE_SCHEMA_V2 with
 * its own sg17d step.
 */
#ifndef SG17_CONSULT_SCHEMA_H
#define SG17_CONSULT_SCHEMA_H

#define SG17_CONSULT_SQLITE_SCHEMA_V1                                                           \
    "CREATE TABLE IF NOT EXISTS consult_member_states ("                                        \
    "  id INTEGER PRIMARY KEY CHECK (id = 1),"                                                  \
    "  body TEXT NOT NULL,"                                                                     \
    "  imported_at INTEGER NOT NULL"                                                            \
    ");"                                                                                        \
    "CREATE TABLE IF NOT EXISTS consult_circulars ("                                            \
    "  number INTEGER PRIMARY KEY CHECK (number >= 1),"                                         \
    "  body TEXT NOT NULL,"                                                                     \
    "  imported_at INTEGER NOT NULL"                                                            \
    ");"                                                                                        \
    "CREATE TABLE IF NOT EXISTS consult_keys ("                                                 \
    "  administration TEXT PRIMARY KEY CHECK (length(administration) BETWEEN 2 AND 8),"         \
    "  pem TEXT NOT NULL,"                                                                      \
    "  registered_at INTEGER NOT NULL"                                                          \
    ");"                                                                                        \
    "CREATE TABLE IF NOT EXISTS consult_replies ("                                              \
    "  circular INTEGER NOT NULL REFERENCES consult_circulars(number),"                         \
    "  administration TEXT NOT NULL,"                                                           \
    "  seq INTEGER NOT NULL CHECK (seq >= 1),"                                                  \
    "  received_at INTEGER NOT NULL,"                                                           \
    "  envelope TEXT NOT NULL,"                                                                 \
    "  PRIMARY KEY (circular, administration, seq)"                                             \
    ");"                                                                                        \
    "CREATE TABLE IF NOT EXISTS consult_refusals ("                                             \
    "  id INTEGER PRIMARY KEY,"                                                                 \
    "  circular INTEGER NOT NULL,"                                                              \
    "  administration TEXT NOT NULL,"                                                           \
    "  code TEXT NOT NULL,"                                                                     \
    "  reason TEXT NOT NULL,"                                                                   \
    "  received_at INTEGER NOT NULL"                                                            \
    ");"                                                                                        \
    "CREATE INDEX IF NOT EXISTS consult_refusals_circular ON consult_refusals(circular);"

#endif
