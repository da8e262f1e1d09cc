/* Helpers of the service routes that keep their own tables (update, mbr):
 * per-request SQLite connections opened with the daemon's settings, errors
 * logged once, and the JSON-object request body. */
#ifndef SG17D_SQL_UTIL_H
#define SG17D_SQL_UTIL_H

#include <stddef.h>

#include <jansson.h>
#include <sqlite3.h>

#include "sg17d.h"

/** Open srv's database read-write (busy timeout 5 s, foreign keys on). */
int sg17d_sql_open(sg17d_server *srv, const char *component, sqlite3 **db);
/** Log "component: what: sqlite message" and return SG17_E_IO. */
int sg17d_sql_err(sqlite3 *db, const char *component, const char *what);
/** Prepare sql; on failure log it and return SG17_E_IO. */
int sg17d_sql_prepare(sqlite3 *db, const char *component, sqlite3_stmt **st, const char *sql);

/** 1 if s is a name of 1..max_len characters from [A-Za-z0-9._-], else 0. */
int sg17d_name_ok(const char *s, size_t max_len);

/** The request body as a JSON object (hardened parser), or NULL. */
json_t *sg17d_req_json_object(const sg17d_request *req);

#endif
