/*
 * Loading a medallion-format data file (the fixture of the OASIS TAXII
 * reference server, ../shared/vectors/stix/taxii/medallion_default_data.json)
 * into the taxii_* tables, and the one INSERT of an object version that the
 * loader and "Add Objects" share.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sg17/json.h"
#include "taxii_internal.h"

/* "application/stix+json;version=2.1" -> "2.1" (else "2.1"). */
static void spec_of_media(const char *mt, char out[8])
{
    const char *v = mt ? strstr(mt, "version=") : NULL;
    if (v != NULL && strlen(v + 8) < 8)
        memcpy(out, v + 8, strlen(v + 8) + 1);
    else
        memcpy(out, "2.1", 4);
}

int taxii_insert_version(sqlite3 *db, int64_t cid, const sg17_taxii_item *it,
                         const char *media_type, int64_t date_added_us, int *inserted)
{
    static const char sql[] =
        "INSERT OR IGNORE INTO taxii_objects(cid, id, type, version, version_us, spec_version,"
        " media_type, date_added_us, body) VALUES (?,?,?,?,?,?,?,?,?)";
    sqlite3_stmt *st = NULL;
    char vbuf[SG17_TAXII_TIME_LEN];
    int64_t vus = it->version_us;
    const char *ver = it->version;
    int rc = SG17_E_IO;

    if (ver[0] == '\0') { /* unversioned objects (SCOs): the version is date_added */
        sg17_taxii_time_format(date_added_us, vbuf);
        ver = vbuf;
        vus = date_added_us;
    }
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
        return SG17_E_IO;
    sqlite3_bind_int64(st, 1, cid);
    sqlite3_bind_text(st, 2, it->id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, it->type, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, ver, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 5, vus);
    sqlite3_bind_text(st, 6, it->spec_version, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 7, media_type, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 8, date_added_us);
    sqlite3_bind_text(st, 9, it->json, -1, SQLITE_STATIC);
    if (sqlite3_step(st) == SQLITE_DONE) {
        *inserted = sqlite3_changes(db) > 0;
        rc = 0;
    }
    sqlite3_finalize(st);
    return rc;
}

static int exec_bind_text(sqlite3 *db, const char *sql, const char *const *vals, size_t n,
                          int64_t i64, int64_t *rowid)
{
    sqlite3_stmt *st = NULL;
    int rc = SG17_E_IO;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
        return SG17_E_IO;
    for (size_t i = 0; i < n; i++)
        sqlite3_bind_text(st, (int)i + 1, vals[i], -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, (int)n + 1, i64);
    if (sqlite3_step(st) == SQLITE_DONE) {
        rc = 0;
        if (rowid)
            *rowid = sqlite3_last_insert_rowid(db);
    }
    sqlite3_finalize(st);
    return rc;
}

/* One object of a collection: its date_added/media_type from the manifest. */
static int load_object(sqlite3 *db, int64_t cid, json_t *obj, json_t *manifest, int64_t now,
                       char *err, size_t err_len)
{
    sg17_taxii_envelope env;
    json_t *wrap = json_pack("{s:[O]}", "objects", obj);
    char *text = wrap ? json_dumps(wrap, JSON_COMPACT) : NULL;
    char e2[160], spec[8];
    const char *media = NULL;
    int64_t added = now;
    int rc, ins = 0;
    size_t i;
    json_t *m;

    json_decref(wrap);
    if (text == NULL)
        return SG17_E_NOMEM;
    rc = sg17_taxii_envelope_parse(text, strlen(text), 1, &env, e2, sizeof e2);
    free(text);
    if (rc != 0)
        return rc;
    if (env.n != 1 || !env.items[0].ok) {
        snprintf(err, err_len, "object %s: %s", env.n ? env.items[0].id : "?",
                 env.n ? env.items[0].message : "missing");
        sg17_taxii_envelope_free(&env);
        return SG17_E_FORMAT;
    }
    json_array_foreach(manifest, i, m)
    {
        const char *mid = json_string_value(json_object_get(m, "id"));
        const char *mv = json_string_value(json_object_get(m, "version"));
        const char *da = json_string_value(json_object_get(m, "date_added"));
        int64_t mvus;
        if (mid == NULL || mv == NULL || strcmp(mid, env.items[0].id) != 0 ||
            sg17_taxii_time_parse(mv, strlen(mv), &mvus) != 0 || mvus != env.items[0].version_us)
            continue;
        if (da == NULL || sg17_taxii_time_parse(da, strlen(da), &added) != 0) {
            snprintf(err, err_len, "manifest of %s: bad date_added", mid);
            sg17_taxii_envelope_free(&env);
            return SG17_E_FORMAT;
        }
        media = json_string_value(json_object_get(m, "media_type"));
        break;
    }
    if (media != NULL) {
        spec_of_media(media, spec);
        memcpy(env.items[0].spec_version, spec, sizeof spec);
    } else {
        media = strcmp(env.items[0].spec_version, "2.0") == 0 ? "application/stix+json;version=2.0"
                                                              : "application/stix+json;version=2.1";
    }
    rc = taxii_insert_version(db, cid, &env.items[0], media, added, &ins);
    sg17_taxii_envelope_free(&env);
    return rc;
}

static int load_collection(sqlite3 *db, const char *root, json_t *c, int64_t now, char *err,
                           size_t err_len)
{
    static const char *const roles[] = {"admin", "analyst"};
    json_t *body = json_deep_copy(c), *objs = json_object_get(c, "objects");
    json_t *man = json_object_get(c, "manifest"), *o;
    const char *id = json_string_value(json_object_get(c, "id"));
    int can_read = json_is_true(json_object_get(c, "can_read"));
    int can_write = json_is_true(json_object_get(c, "can_write"));
    char *btext = NULL, *mtext = NULL;
    int64_t cid = 0;
    size_t i;
    int rc = SG17_E_FORMAT;

    if (body == NULL)
        return SG17_E_NOMEM;
    if (id == NULL || strlen(id) >= SG17_TAXII_VALUE_MAX ||
        !json_is_string(json_object_get(c, "title")) ||
        !json_is_array(json_object_get(c, "media_types"))) {
        snprintf(err, err_len, "%s: a collection needs id, title and media_types", root);
        goto out;
    }
    json_object_del(body, "objects");
    json_object_del(body, "manifest");
    json_object_del(body, "can_read");
    json_object_del(body, "can_write");
    btext = json_dumps(body, JSON_COMPACT);
    mtext = json_dumps(json_object_get(c, "media_types"), JSON_COMPACT);
    rc = SG17_E_NOMEM;
    if (btext == NULL || mtext == NULL)
        goto out;
    {
        const char *v[4] = {root, id, btext, mtext};
        rc = exec_bind_text(db,
                            "INSERT INTO taxii_collections(root, id, body, media_types)"
                            " VALUES (?,?,?,?)",
                            v, 4, 0, &cid);
    }
    if (rc != 0)
        goto out;
    for (size_t r = 0; r < 2 && rc == 0; r++) {
        const char *v[1] = {roles[r]};
        char sql[160];
        snprintf(sql, sizeof sql,
                 "INSERT INTO taxii_acl(role, cid, can_read, can_write) VALUES (?, ?, %d, %d)",
                 can_read, can_write);
        rc = exec_bind_text(db, sql, v, 1, cid, NULL);
    }
    if (objs != NULL && !json_is_array(objs)) {
        snprintf(err, err_len, "%s/%s: objects must be an array", root, id);
        rc = SG17_E_FORMAT;
    }
    json_array_foreach(objs, i, o)
    {
        if (rc != 0)
            break;
        rc = load_object(db, cid, o, man, now, err, err_len);
    }
out:
    free(btext);
    free(mtext);
    json_decref(body);
    return rc;
}

static int load_root(sqlite3 *db, const char *name, json_t *r, int64_t now, char *err,
                     size_t err_len)
{
    json_t *info = json_object_get(r, "information"), *sts = json_object_get(r, "status");
    json_t *cols = json_object_get(r, "collections"), *x;
    json_int_t mcl;
    char *text = NULL;
    size_t i;
    int rc;

    if (!json_is_object(info) || !json_is_string(json_object_get(info, "title")) ||
        !json_is_integer(json_object_get(info, "max_content_length")) ||
        (mcl = json_integer_value(json_object_get(info, "max_content_length"))) < 1 ||
        (cols != NULL && !json_is_array(cols)) || (sts != NULL && !json_is_array(sts))) {
        snprintf(err, err_len, "API root %s: information needs title and max_content_length", name);
        return SG17_E_FORMAT;
    }
    if ((text = json_dumps(info, JSON_COMPACT)) == NULL)
        return SG17_E_NOMEM;
    {
        const char *v[2] = {name, text};
        rc = exec_bind_text(db,
                            "INSERT INTO taxii_roots(name, body, max_content_length)"
                            " VALUES (?,?,?)",
                            v, 2, (int64_t)mcl, NULL);
    }
    free(text);
    json_array_foreach(sts, i, x)
    {
        const char *sid = json_string_value(json_object_get(x, "id"));
        if (rc != 0)
            break;
        if (sid == NULL || (text = json_dumps(x, JSON_COMPACT)) == NULL) {
            snprintf(err, err_len, "API root %s: a status resource without id", name);
            return SG17_E_FORMAT;
        }
        const char *v[3] = {name, sid, text};
        rc = exec_bind_text(db,
                            "INSERT INTO taxii_status(root, id, body, created_us)"
                            " VALUES (?,?,?,?)",
                            v, 3, now, NULL);
        free(text);
    }
    json_array_foreach(cols, i, x)
    {
        if (rc != 0)
            break;
        rc = load_collection(db, name, x, now, err, err_len);
    }
    return rc;
}

int taxii_root_name_ok(const char *k)
{
    size_t n = strlen(k);
    if (n == 0 || n >= 64 || strcmp(k, "taxii2") == 0)
        return 0;
    for (size_t i = 0; i < n; i++) {
        char c = k[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '-' || c == '.'))
            return 0;
    }
    return 1;
}

int sg17_taxii_load_fixture(sg17_taxii_server *s, const char *path, char *err, size_t err_len)
{
    sg17_json_error je;
    json_t *root = NULL, *v;
    const char *k;
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    int64_t now = taxii_now_us();
    int rc, have = 0;

    if (s == NULL || path == NULL || err == NULL || err_len == 0)
        return SG17_E_INVAL;
    err[0] = '\0';
    memset(&je, 0, sizeof je);
    rc = sg17_json_load_file(path, NULL, &root, &je);
    if (rc != 0) {
        snprintf(err, err_len, "%s", je.text[0] ? je.text : "cannot read the file");
        return rc == SG17_E_IO ? SG17_E_IO : SG17_E_FORMAT;
    }
    if (!json_is_object(root) || !json_is_object(json_object_get(root, "/discovery"))) {
        snprintf(err, err_len, "%s: no \"/discovery\" object", path);
        json_decref(root);
        return SG17_E_FORMAT;
    }
    if ((rc = taxii_db_get(s, &db)) != 0) {
        json_decref(root);
        return rc;
    }
    if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK) {
        rc = SG17_E_IO;
        goto done;
    }
    if (sqlite3_prepare_v2(db,
                           "SELECT (SELECT count(*) FROM taxii_roots) +"
                           " (SELECT count(*) FROM taxii_discovery)",
                           -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
        have = sqlite3_column_int(st, 0) > 0;
    sqlite3_finalize(st);
    if (have) {
        rc = SG17_E_EXISTS;
        snprintf(err, err_len, "the database already holds TAXII data");
        goto rollback;
    }
    {
        char *d = json_dumps(json_object_get(root, "/discovery"), JSON_COMPACT);
        const char *vals[1] = {d};
        rc = d ? exec_bind_text(db, "INSERT INTO taxii_discovery(one, body) VALUES (1, ?)", vals, 1,
                                0, NULL)
               : SG17_E_NOMEM;
        free(d);
    }
    json_object_foreach(root, k, v)
    {
        if (rc != 0)
            break;
        if (strcmp(k, "/discovery") == 0)
            continue;
        if (!taxii_root_name_ok(k) || !json_is_object(v)) {
            snprintf(err, err_len, "\"%.64s\" is not a usable API root name", k);
            rc = SG17_E_FORMAT;
            break;
        }
        rc = load_root(db, k, v, now, err, err_len);
    }
    if (rc == 0 && sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) == SQLITE_OK)
        goto done;
    if (rc == 0)
        rc = SG17_E_IO;
rollback:
    (void)sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
    if (rc == SG17_E_IO && err[0] == '\0')
        snprintf(err, err_len, "database: %s", sqlite3_errmsg(db));
done:
    taxii_db_put(s, db, rc == SG17_E_IO);
    json_decref(root);
    return rc;
}
