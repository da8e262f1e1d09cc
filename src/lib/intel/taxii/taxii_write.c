/*
 * Changing a collection: "Add Objects" (TAXII 2.1 5.5: each object checked,
 * stored with a strictly increasing date_added, answered with a status
 * resource that is also stored) and "Delete An Object" (5.7: the versions
 * that match match[version] / match[spec_version]).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "taxii_internal.h"

#define STIX_MEDIA_PREFIX "application/stix+json;version="

/* ---- add objects (5.5) and delete an object (5.7) ------------------------------------ */

static int media_accepted(json_t *media_types, const char *spec)
{
    char want[64];
    size_t i;
    json_t *x;
    snprintf(want, sizeof want, STIX_MEDIA_PREFIX "%s", spec);
    json_array_foreach(media_types, i, x)
    {
        const char *v = json_string_value(x);
        if (v != NULL && strcmp(v, want) == 0)
            return 1;
    }
    return 0;
}

/* Last date_added of the collection, so new versions always sort after it. */
static int64_t next_date_added(sqlite3 *db, int64_t cid, int64_t now)
{
    sqlite3_stmt *st = NULL;
    int64_t v = now;
    if (sqlite3_prepare_v2(db, "SELECT max(date_added_us) FROM taxii_objects WHERE cid = ?1", -1,
                           &st, NULL) == SQLITE_OK) {
        sqlite3_bind_int64(st, 1, cid);
        if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL &&
            sqlite3_column_int64(st, 0) >= now)
            v = sqlite3_column_int64(st, 0) + 1;
    }
    sqlite3_finalize(st);
    return v;
}

static json_t *detail(const sg17_taxii_item *it, const char *version, const char *msg)
{
    json_t *d = json_object();
    json_object_set_new(d, "id", json_string(it->id[0] ? it->id : "unknown"));
    if (version && version[0])
        json_object_set_new(d, "version", json_string(version));
    json_object_set_new(d, "message", json_string(msg));
    return d;
}

int taxii_add_objects(sqlite3 *db, const char *root, const coll_info *ci,
                      const sg17_taxii_envelope *env, int64_t now, const char *owner,
                      int64_t status_max_age_s, sg17_taxii_response *resp)
{
    json_t *ok = json_array(), *bad = json_array(), *status;
    char sid[37], ts[SG17_TAXII_TIME_LEN], *text = NULL;
    int64_t date = 0;
    int rc = taxii_uuid4(sid);
    if (rc != 0 || ok == NULL || bad == NULL) {
        json_decref(ok);
        json_decref(bad);
        return rc ? rc : SG17_E_NOMEM;
    }
    if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK) {
        json_decref(ok);
        json_decref(bad);
        return SG17_E_IO;
    }
    date = next_date_added(db, ci->cid, now);
    for (size_t i = 0; i < env->n && rc == 0; i++) {
        const sg17_taxii_item *it = &env->items[i];
        char media[64], vbuf[SG17_TAXII_TIME_LEN];
        int ins = 0;
        if (!it->ok) {
            json_array_append_new(bad, detail(it, it->version, it->message));
            continue;
        }
        if (!media_accepted(ci->media_types, it->spec_version)) {
            json_array_append_new(
                bad, detail(it, it->version, "the collection does not accept this spec_version"));
            continue;
        }
        snprintf(media, sizeof media, STIX_MEDIA_PREFIX "%s", it->spec_version);
        rc = taxii_insert_version(db, ci->cid, it, media, date, &ins);
        if (it->version[0] == '\0')
            sg17_taxii_time_format(date, vbuf);
        if (rc == 0)
            json_array_append_new(ok, detail(it, it->version[0] ? it->version : vbuf,
                                             ins ? "added" : "this version was already present"));
        if (ins)
            date++;
    }
    sg17_taxii_time_format(now, ts);
    status = json_pack("{s:s, s:s, s:s, s:I, s:I, s:o, s:I, s:o, s:I, s:[]}", "id", sid, "status",
                       "complete", "request_timestamp", ts, "total_count", (json_int_t)env->n,
                       "success_count", (json_int_t)json_array_size(ok), "successes", ok,
                       "failure_count", (json_int_t)json_array_size(bad), "failures", bad,
                       "pending_count", (json_int_t)0, "pendings");
    text = status ? json_dumps(status, JSON_COMPACT) : NULL;
    json_decref(status);
    if (rc == 0 && text == NULL)
        rc = SG17_E_NOMEM;
    if (rc == 0) {
        sqlite3_stmt *st = NULL;
        rc = SG17_E_IO;
        if (sqlite3_prepare_v2(db,
                               "INSERT INTO taxii_status(root, id, body, created_us, owner)"
                               " VALUES (?1, ?2, ?3, ?4, ?5)",
                               -1, &st, NULL) == SQLITE_OK) {
            sqlite3_bind_text(st, 1, root, -1, SQLITE_STATIC);
            sqlite3_bind_text(st, 2, sid, -1, SQLITE_STATIC);
            sqlite3_bind_text(st, 3, text, -1, SQLITE_STATIC);
            sqlite3_bind_int64(st, 4, now);
            if (owner != NULL)
                sqlite3_bind_text(st, 5, owner, -1, SQLITE_STATIC);
            else
                sqlite3_bind_null(st, 5);
            if (sqlite3_step(st) == SQLITE_DONE)
                rc = 0;
        }
        sqlite3_finalize(st);
    }
    if (rc == 0) {
        /* expired status resources go with the next POST (GET never shows them) */
        sqlite3_stmt *st = NULL;
        rc = SG17_E_IO;
        if (sqlite3_prepare_v2(db, "DELETE FROM taxii_status WHERE created_us < ?1", -1, &st,
                               NULL) == SQLITE_OK) {
            sqlite3_bind_int64(st, 1, now - status_max_age_s * 1000000);
            if (sqlite3_step(st) == SQLITE_DONE)
                rc = 0;
        }
        sqlite3_finalize(st);
    }
    if (rc == 0 && sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
        rc = SG17_E_IO;
    if (rc != 0) {
        (void)sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
        free(text);
        return rc;
    }
    rc = taxii_set_text(resp, 202, text);
    free(text);
    return rc;
}

int taxii_delete_object(sqlite3 *db, int64_t cid, const char *id, const sg17_taxii_filter *f,
                        sg17_taxii_response *resp)
{
    sqlite3_stmt *st = NULL, *del = NULL;
    int64_t first = INT64_MAX, last = INT64_MIN;
    int r, rc = SG17_E_IO, found = 0;
    size_t deleted = 0;

    if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
        return SG17_E_IO;
    if (sqlite3_prepare_v2(db,
                           "SELECT rid, type, version_us, spec_version, date_added_us"
                           " FROM taxii_objects WHERE cid = ?1 AND id = ?2",
                           -1, &st, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db, "DELETE FROM taxii_objects WHERE rid = ?1", -1, &del, NULL) !=
            SQLITE_OK)
        goto out;
    sqlite3_bind_int64(st, 1, cid);
    sqlite3_bind_text(st, 2, id, -1, SQLITE_STATIC);
    /* first/last among the versions that pass match[spec_version] */
    for (int pass = 0; pass < 2; pass++) {
        while ((r = sqlite3_step(st)) == SQLITE_ROW) {
            sg17_taxii_meta m;
            m.id = id;
            m.type = (const char *)sqlite3_column_text(st, 1);
            m.version_us = sqlite3_column_int64(st, 2);
            m.spec_version = (const char *)sqlite3_column_text(st, 3);
            m.date_added_us = sqlite3_column_int64(st, 4);
            m.first_us = first;
            m.last_us = last;
            if (m.type == NULL || m.spec_version == NULL)
                continue;
            found = 1;
            if (pass == 0) {
                sg17_taxii_filter g = *f;
                g.version_mask = SG17_TAXII_VER_ALL;
                if (sg17_taxii_filter_match(&g, &m)) {
                    first = m.version_us < first ? m.version_us : first;
                    last = m.version_us > last ? m.version_us : last;
                }
            } else if (sg17_taxii_filter_match(f, &m)) {
                sqlite3_bind_int64(del, 1, sqlite3_column_int64(st, 0));
                if (sqlite3_step(del) != SQLITE_DONE)
                    goto out;
                sqlite3_reset(del);
                deleted++;
            }
        }
        if (r != SQLITE_DONE)
            goto out;
        sqlite3_reset(st);
    }
    rc = 0;
out:
    sqlite3_finalize(st);
    sqlite3_finalize(del);
    if (rc == 0 && sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
        rc = SG17_E_IO;
    if (rc != 0) {
        (void)sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
        return rc;
    }
    if (!found || deleted == 0)
        return taxii_fail(resp, 404, "Not found", "no version of this object matches");
    free(resp->body);
    resp->body = NULL;
    resp->body_len = 0;
    resp->content_type = NULL;
    resp->status = 200;
    return 0;
}
