/*
 * Administration of the TAXII server's data without editing the database by
 * hand (docs/TAXII.md "Administration"): listing and revoking the per-role
 * rights of taxii_acl, and adding a collection (and its API root when new).
 * sg17d's `taxii acl ...` and `taxii collection add` subcommands call these.
 * The server reads rights and collections on every request, so changes apply
 * to the next request of a running sg17d (a new API root needs a restart:
 * sg17d routes the roots it found at start).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sg17/json.h"
#include "taxii_internal.h"

/* A root's information resource when `collection add` creates the root. */
#define NEW_ROOT_MAX_CONTENT_LENGTH 10485760

int taxii_role_ok(const char *s)
{
    size_t n = s ? strnlen(s, SG17_TAXII_ROLE_MAX) : 0;
    if (n == 0 || n >= SG17_TAXII_ROLE_MAX)
        return 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-'))
            return 0;
    }
    return 1;
}

/* A collection id must be one path segment sg17_taxii_path_parse accepts. */
static int collection_id_ok(const char *s)
{
    size_t n = s ? strnlen(s, SG17_TAXII_VALUE_MAX) : 0;
    if (n == 0 || n >= SG17_TAXII_VALUE_MAX)
        return 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '_' || c == '~' || c == ':' || c == '-'))
            return 0;
    }
    return 1;
}

int sg17_taxii_acl_list(sg17_taxii_server *s, const char *root, const char *collection,
                        int (*cb)(const sg17_taxii_acl_entry *e, void *ctx), void *ctx)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    int rc, step;
    if (s == NULL || cb == NULL)
        return SG17_E_INVAL;
    if ((rc = taxii_db_get(s, &db)) != 0)
        return rc;
    if (sqlite3_prepare_v2(db,
                           "SELECT c.root, c.id, json_extract(c.body, '$.title'), a.role,"
                           " a.can_read, a.can_write FROM taxii_collections c"
                           " LEFT JOIN taxii_acl a ON a.cid = c.cid"
                           " WHERE (?1 IS NULL OR c.root = ?1) AND (?2 IS NULL OR c.id = ?2)"
                           " ORDER BY c.root, c.cid, a.role",
                           -1, &st, NULL) != SQLITE_OK) {
        taxii_db_put(s, db, 1);
        return SG17_E_IO;
    }
    if (root != NULL)
        sqlite3_bind_text(st, 1, root, -1, SQLITE_STATIC);
    if (collection != NULL)
        sqlite3_bind_text(st, 2, collection, -1, SQLITE_STATIC);
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        sg17_taxii_acl_entry e;
        e.root = (const char *)sqlite3_column_text(st, 0);
        e.collection = (const char *)sqlite3_column_text(st, 1);
        e.title = (const char *)sqlite3_column_text(st, 2);
        e.role = (const char *)sqlite3_column_text(st, 3);
        e.can_read = e.role != NULL && sqlite3_column_int(st, 4) != 0;
        e.can_write = e.role != NULL && sqlite3_column_int(st, 5) != 0;
        if (e.root == NULL || e.collection == NULL) {
            step = SQLITE_ERROR;
            break;
        }
        if ((rc = cb(&e, ctx)) != 0)
            break;
    }
    if (rc == 0 && step != SQLITE_DONE)
        rc = SG17_E_IO;
    sqlite3_finalize(st);
    taxii_db_put(s, db, rc == SG17_E_IO);
    return rc;
}

int sg17_taxii_acl_revoke(sg17_taxii_server *s, const char *root, const char *collection,
                          const char *role)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    int rc;
    if (s == NULL || root == NULL || collection == NULL || role == NULL)
        return SG17_E_INVAL;
    if ((rc = taxii_db_get(s, &db)) != 0)
        return rc;
    rc = SG17_E_IO;
    if (sqlite3_prepare_v2(db,
                           "DELETE FROM taxii_acl WHERE role = ?3 AND cid ="
                           " (SELECT cid FROM taxii_collections WHERE root = ?1 AND id = ?2)",
                           -1, &st, NULL) == SQLITE_OK) {
        sqlite3_bind_text(st, 1, root, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, collection, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, role, -1, SQLITE_STATIC);
        if (sqlite3_step(st) == SQLITE_DONE)
            rc = sqlite3_changes(db) > 0 ? 0 : SG17_E_NOTFOUND;
    }
    sqlite3_finalize(st);
    taxii_db_put(s, db, rc == SG17_E_IO);
    return rc;
}

/* One statement with text parameters (NULL binds NULL) and an integer last. */
static int exec_text(sqlite3 *db, const char *sql, const char *const *v, int n, int64_t i64,
                     int *changes)
{
    sqlite3_stmt *st = NULL;
    int rc = SG17_E_IO;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
        return SG17_E_IO;
    for (int i = 0; i < n; i++)
        sqlite3_bind_text(st, i + 1, v[i], -1, SQLITE_STATIC);
    if (i64 >= 0)
        sqlite3_bind_int64(st, n + 1, i64);
    if (sqlite3_step(st) == SQLITE_DONE) {
        rc = 0;
        if (changes != NULL)
            *changes = sqlite3_changes(db);
    }
    sqlite3_finalize(st);
    return rc;
}

/* The new root's information resource (TAXII 2.1 4.2.1), and its URL in the
 * discovery resource's api_roots (created when the database has none yet). */
static int add_root(sqlite3 *db, const char *root, int *created)
{
    json_t *info = json_pack("{s:s, s:[s], s:i}", "title", root, "versions", SG17_TAXII_MEDIA_TYPE,
                             "max_content_length", (json_int_t)NEW_ROOT_MAX_CONTENT_LENGTH);
    char *text = info ? json_dumps(info, JSON_COMPACT) : NULL;
    char url[SG17_TAXII_VALUE_MAX + 32];
    int rc, ch = 0;
    json_decref(info);
    if (text == NULL)
        return SG17_E_NOMEM;
    {
        const char *v[2] = {root, text};
        rc = exec_text(db,
                       "INSERT OR IGNORE INTO taxii_roots(name, body, max_content_length)"
                       " VALUES (?, ?, ?)",
                       v, 2, NEW_ROOT_MAX_CONTENT_LENGTH, &ch);
    }
    free(text);
    if (rc != 0 || ch == 0)
        return rc;
    *created = 1;
    /* the host part is rewritten per request (docs/TAXII.md "Endpoints") */
    snprintf(url, sizeof url, "http://localhost/%s/", root);
    {
        const char *v[1] = {url};
        rc = exec_text(db,
                       "INSERT OR IGNORE INTO taxii_discovery(one, body) VALUES (1,"
                       " json_object('title', 'sg17d TAXII 2.1', 'api_roots', json_array()))",
                       NULL, 0, -1, NULL);
        if (rc == 0)
            rc = exec_text(db,
                           "UPDATE taxii_discovery SET body = json_set(body, '$.api_roots',"
                           " json_insert(CASE WHEN json_type(body, '$.api_roots') = 'array'"
                           " THEN json_extract(body, '$.api_roots') ELSE json_array() END,"
                           " '$[#]', ?1)) WHERE one = 1",
                           v, 1, -1, NULL);
    }
    return rc;
}

int sg17_taxii_collection_add(sg17_taxii_server *s, const char *root, const char *id,
                              const char *title, const char *description, int *root_created)
{
    sqlite3 *db = NULL;
    json_t *body;
    char *btext = NULL;
    int rc, created = 0, ch = 0;

    if (root_created != NULL)
        *root_created = 0;
    if (s == NULL || root == NULL || id == NULL || title == NULL)
        return SG17_E_INVAL;
    if (!taxii_root_name_ok(root) || !collection_id_ok(id) || title[0] == '\0')
        return SG17_E_FORMAT;
    body = json_pack("{s:s, s:s, s:[s]}", "id", id, "title", title, "media_types",
                     "application/stix+json;version=2.1");
    if (body != NULL && description != NULL && description[0] != '\0')
        json_object_set_new(body, "description", json_string(description));
    btext = body ? json_dumps(body, JSON_COMPACT) : NULL;
    json_decref(body);
    if (btext == NULL)
        return SG17_E_FORMAT; /* jansson refuses strings that are not UTF-8 */
    if ((rc = taxii_db_get(s, &db)) != 0) {
        free(btext);
        return rc;
    }
    if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK) {
        rc = SG17_E_IO;
        goto done;
    }
    rc = add_root(db, root, &created);
    if (rc == 0) {
        const char *v[3] = {root, id, btext};
        rc = exec_text(db,
                       "INSERT OR IGNORE INTO taxii_collections(root, id, body, media_types)"
                       " VALUES (?1, ?2, ?3, json_extract(?3, '$.media_types'))",
                       v, 3, -1, &ch);
        if (rc == 0 && ch == 0)
            rc = SG17_E_EXISTS;
    }
    if (rc == 0 && sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
        rc = SG17_E_IO;
    if (rc != 0)
        (void)sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
    else if (root_created != NULL)
        *root_created = created;
done:
    taxii_db_put(s, db, rc == SG17_E_IO);
    free(btext);
    return rc;
}
