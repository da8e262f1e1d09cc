/* Shared SQLite helpers of the service routes (see sql_util.h). */
#include "sql_util.h"

#include "sg17/json.h"
#include "sg17/log.h"

int sg17d_sql_open(sg17d_server *srv, const char *component, sqlite3 **db)
{
    *db = NULL;
    if (sqlite3_open_v2(srv->cfg.db_path, db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX,
                        NULL) != SQLITE_OK) {
        sg17_log(SG17_LOG_ERROR, component, "cannot open %s", srv->cfg.db_path);
        sqlite3_close(*db);
        *db = NULL;
        return SG17_E_IO;
    }
    sqlite3_busy_timeout(*db, 5000);
    (void)sqlite3_exec(*db, "PRAGMA foreign_keys=ON", NULL, NULL, NULL);
    return 0;
}

int sg17d_sql_err(sqlite3 *db, const char *component, const char *what)
{
    sg17_log(SG17_LOG_ERROR, component, "%s: %s", what, sqlite3_errmsg(db));
    return SG17_E_IO;
}

int sg17d_sql_prepare(sqlite3 *db, const char *component, sqlite3_stmt **st, const char *sql)
{
    return sqlite3_prepare_v2(db, sql, -1, st, NULL) == SQLITE_OK
               ? 0
               : sg17d_sql_err(db, component, sql);
}

json_t *sg17d_req_json_object(const sg17d_request *req)
{
    json_t *o = NULL;
    if (sg17_json_parse((const char *)req->body, req->body_len, NULL, &o, NULL) != 0)
        return NULL;
    if (!json_is_object(o)) {
        json_decref(o);
        return NULL;
    }
    return o;
}

int sg17d_name_ok(const char *s, size_t max_len)
{
    size_t n = 0;
    for (; s[n]; n++) {
        char c = s[n];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '_' || c == '-') ||
            n >= max_len)
            return 0;
    }
    return n > 0;
}
