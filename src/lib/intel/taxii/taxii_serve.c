/*
 * The TAXII 2.1 endpoints (OASIS TAXII 2.1 sec. 4 and 5) over the taxii_*
 * tables: discovery, API root, status, collections, objects (GET/POST),
 * one object (GET/DELETE), manifest and versions, with keyset paging and the
 * stateless `next` cursor (taxii_cursor.c); adding and deleting are in
 * taxii_write.c. Rights: a role sees a collection
 * only when taxii_acl has a row for it; reading needs can_read, adding and
 * deleting can_write (docs/TAXII.md).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "taxii_internal.h"

/* ---- responses --------------------------------------------------------------- */

static int set_json(sg17_taxii_response *resp, unsigned status, json_t *j)
{
    char *t;
    if (j == NULL)
        return SG17_E_NOMEM;
    t = json_dumps(j, JSON_COMPACT);
    json_decref(j);
    if (t == NULL)
        return SG17_E_NOMEM;
    free(resp->body);
    resp->body = t;
    resp->body_len = strlen(t);
    resp->status = status;
    resp->content_type = SG17_TAXII_MEDIA_TYPE;
    return 0;
}

int taxii_set_text(sg17_taxii_response *resp, unsigned status, const char *text)
{
    char *t = strdup(text);
    if (t == NULL)
        return SG17_E_NOMEM;
    free(resp->body);
    resp->body = t;
    resp->body_len = strlen(t);
    resp->status = status;
    resp->content_type = SG17_TAXII_MEDIA_TYPE;
    return 0;
}

int taxii_fail(sg17_taxii_response *resp, unsigned status, const char *title, const char *desc)
{
    return set_json(resp, status, sg17_taxii_error(status, title, desc));
}

/* ---- lookups ------------------------------------------------------------------ */

/* 1 found (and visible to role), 0 not, <0 error. */
static int find_collection(sqlite3 *db, const char *root, const char *id, const char *role,
                           coll_info *ci)
{
    sqlite3_stmt *st = NULL;
    int rc = SG17_E_IO;
    memset(ci, 0, sizeof *ci);
    if (sqlite3_prepare_v2(db,
                           "SELECT c.cid, a.can_read, a.can_write, c.media_types"
                           " FROM taxii_collections c JOIN taxii_acl a ON a.cid = c.cid"
                           " AND a.role = ?3 WHERE c.root = ?1 AND c.id = ?2",
                           -1, &st, NULL) != SQLITE_OK)
        return SG17_E_IO;
    sqlite3_bind_text(st, 1, root, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, role, -1, SQLITE_STATIC);
    switch (sqlite3_step(st)) {
    case SQLITE_ROW: {
        const char *mt = (const char *)sqlite3_column_text(st, 3);
        ci->cid = sqlite3_column_int64(st, 0);
        ci->can_read = sqlite3_column_int(st, 1);
        ci->can_write = sqlite3_column_int(st, 2);
        ci->media_types = mt ? json_loads(mt, 0, NULL) : NULL;
        rc = 1;
        break;
    }
    case SQLITE_DONE: rc = 0; break;
    default: break;
    }
    sqlite3_finalize(st);
    return rc;
}

/* One text column of a one-row query with text parameters; NULL if none. */
static char *query_text(sqlite3 *db, const char *sql, const char *a, const char *b, int *err)
{
    sqlite3_stmt *st = NULL;
    char *out = NULL;
    *err = 0;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
        *err = SG17_E_IO;
        return NULL;
    }
    if (a)
        sqlite3_bind_text(st, 1, a, -1, SQLITE_STATIC);
    if (b)
        sqlite3_bind_text(st, 2, b, -1, SQLITE_STATIC);
    int r = sqlite3_step(st);
    if (r == SQLITE_ROW) {
        const char *t = (const char *)sqlite3_column_text(st, 0);
        out = strdup(t ? t : "");
        if (out == NULL)
            *err = SG17_E_NOMEM;
    } else if (r != SQLITE_DONE) {
        *err = SG17_E_IO;
    }
    sqlite3_finalize(st);
    return out;
}

/* ---- discovery, API root, status, collections ------------------------------------ */

/* "http://localhost:5000/api1/" -> scheme://host + path, so clients reach this server. */
static json_t *rebase_url(const char *url, const sg17_taxii_request *req)
{
    const char *p = strstr(url, "://"), *path;
    char buf[1024];
    if (p == NULL || req->host == NULL || req->host[0] == '\0' || strlen(req->host) > 255)
        return json_string(url);
    path = strchr(p + 3, '/');
    snprintf(buf, sizeof buf, "%s://%s%s", req->https ? "https" : "http", req->host,
             path ? path : "/");
    return json_string(buf);
}

static int h_discovery(sqlite3 *db, const sg17_taxii_request *req, sg17_taxii_response *resp)
{
    int err;
    char *t = query_text(db, "SELECT body FROM taxii_discovery WHERE one = 1", NULL, NULL, &err);
    json_t *d, *roots, *x, *nr;
    const char *def;
    size_t i;
    if (err)
        return err;
    if (t == NULL) {
        /* No data loaded yet: the server still exists (TAXII 2.1 4.1), with no API roots. */
        d = json_pack("{s:s, s:s, s:[]}", "title", "sg17 TAXII 2.1 server", "description",
                      "no API roots are configured (docs/TAXII.md)", "api_roots");
    } else {
        d = json_loads(t, 0, NULL);
        free(t);
    }
    if (d == NULL)
        return SG17_E_NOMEM;
    roots = json_object_get(d, "api_roots");
    if (json_is_array(roots)) {
        nr = json_array();
        json_array_foreach(roots, i, x)
        {
            if (json_is_string(x))
                json_array_append_new(nr, rebase_url(json_string_value(x), req));
        }
        json_object_set_new(d, "api_roots", nr);
    }
    if ((def = json_string_value(json_object_get(d, "default"))) != NULL)
        json_object_set_new(d, "default", rebase_url(def, req));
    return set_json(resp, 200, d);
}

/*
 * A status resource is shown to the principal whose POST made it and to the
 * role admin (rows without an owner, e.g. from a data file: admin only), and
 * only until it is status_max_age_s old; otherwise it does not exist (404).
 */
static int h_status(sg17_taxii_server *s, sqlite3 *db, const char *root, const char *id,
                    const sg17_taxii_request *req, sg17_taxii_response *resp)
{
    sqlite3_stmt *st = NULL;
    int64_t now = req->now_us ? req->now_us : taxii_now_us();
    int rc = SG17_E_IO, step;
    if (sqlite3_prepare_v2(db,
                           "SELECT body FROM taxii_status WHERE root = ?1 AND id = ?2"
                           " AND created_us >= ?3 AND (?4 OR owner = ?5)",
                           -1, &st, NULL) != SQLITE_OK)
        return SG17_E_IO;
    sqlite3_bind_text(st, 1, root, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, id, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, now - s->status_max_age_s * 1000000);
    sqlite3_bind_int(st, 4, req->role != NULL && strcmp(req->role, "admin") == 0);
    if (req->principal != NULL)
        sqlite3_bind_text(st, 5, req->principal, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(st, 5);
    step = sqlite3_step(st);
    if (step == SQLITE_ROW) {
        const char *body = (const char *)sqlite3_column_text(st, 0);
        rc = body != NULL ? taxii_set_text(resp, 200, body) : SG17_E_NOMEM;
    } else if (step == SQLITE_DONE)
        rc = taxii_fail(resp, 404, "Not found", "no status resource with this id");
    sqlite3_finalize(st);
    return rc;
}

static int h_collections(sqlite3 *db, const char *root, const char *one, const char *role,
                         sg17_taxii_response *resp)
{
    sqlite3_stmt *st = NULL;
    json_t *list = json_array(), *c = NULL;
    int r;
    if (list == NULL)
        return SG17_E_NOMEM;
    if (sqlite3_prepare_v2(db,
                           "SELECT c.body, a.can_read, a.can_write FROM taxii_collections c"
                           " JOIN taxii_acl a ON a.cid = c.cid AND a.role = ?2"
                           " WHERE c.root = ?1 AND (?3 IS NULL OR c.id = ?3) ORDER BY c.cid",
                           -1, &st, NULL) != SQLITE_OK) {
        json_decref(list);
        return SG17_E_IO;
    }
    sqlite3_bind_text(st, 1, root, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, role, -1, SQLITE_STATIC);
    if (one)
        sqlite3_bind_text(st, 3, one, -1, SQLITE_STATIC);
    while ((r = sqlite3_step(st)) == SQLITE_ROW) {
        const char *b = (const char *)sqlite3_column_text(st, 0);
        c = b ? json_loads(b, 0, NULL) : NULL;
        if (c == NULL)
            break;
        json_object_set_new(c, "can_read", json_boolean(sqlite3_column_int(st, 1)));
        json_object_set_new(c, "can_write", json_boolean(sqlite3_column_int(st, 2)));
        json_array_append_new(list, c);
    }
    sqlite3_finalize(st);
    if (r != SQLITE_DONE) {
        json_decref(list);
        return SG17_E_IO;
    }
    if (one != NULL) {
        json_t *x = json_incref(json_array_get(list, 0));
        json_decref(list);
        if (x == NULL)
            return taxii_fail(resp, 404, "Not found", "no such collection in this API root");
        return set_json(resp, 200, x);
    }
    if (json_array_size(list) == 0) {
        json_decref(list);
        return taxii_set_text(resp, 200, "{}");
    }
    return set_json(resp, 200, json_pack("{s:o}", "collections", list));
}

/* ---- listings: objects, manifest, one object, versions ----------------------------- */

typedef struct listing {
    sg17_taxii_server *s;
    sqlite3 *db;
    const char *root, *coll;
    int64_t cid;
    const char *object_id; /* OBJECT / VERSIONS */
    sg17_taxii_page_kind kind;
    int64_t now_us;
} listing;

static void add_in(taxii_buf *q, const char *col, int base, size_t n)
{
    char p[24];
    if (n == 0)
        return;
    tb_str(q, " AND ");
    tb_str(q, col);
    tb_str(q, " IN (");
    for (size_t i = 0; i < n; i++) {
        snprintf(p, sizeof p, "%s?%d", i ? "," : "", base + (int)i);
        tb_str(q, p);
    }
    tb_str(q, ")");
}

static void build_sql(taxii_buf *q, const listing *L, const sg17_taxii_filter *f, int need_fl)
{
    tb_str(q, "SELECT o.rid, o.id, o.type, o.version, o.version_us, o.spec_version,"
              " o.media_type, o.date_added_us, ");
    tb_str(q, L->kind == SG17_TAXII_PAGE_OBJECTS ? "o.body" : "NULL");
    if (need_fl) {
        for (int k = 0; k < 2; k++) {
            tb_str(q, k == 0 ? ", (SELECT min(p.version_us)" : ", (SELECT max(p.version_us)");
            tb_str(q, " FROM taxii_objects p WHERE p.cid = o.cid AND p.id = o.id");
            add_in(q, "p.spec_version", 300, f->n_spec);
            tb_str(q, ")");
        }
    }
    tb_str(q, " FROM taxii_objects o WHERE o.cid = ?1 AND o.date_added_us >= ?2"
              " AND NOT (o.date_added_us = ?2 AND o.rid <= ?3)");
    if (L->object_id)
        tb_str(q, " AND o.id = ?5");
    add_in(q, "o.id", 100, f->n_ids);
    add_in(q, "o.type", 200, f->n_types);
    add_in(q, "o.spec_version", 300, f->n_spec);
    if (f->version_mask == SG17_TAXII_VER_TIMES)
        add_in(q, "o.version_us", 400, f->n_versions);
    tb_str(q, " ORDER BY o.date_added_us, o.rid");
}

static void bind_list(sqlite3_stmt *st, int base, const char *const *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        sqlite3_bind_text(st, base + (int)i, v[i], -1, SQLITE_STATIC);
}

static void item_out(taxii_buf *out, const listing *L, sqlite3_stmt *st, int first)
{
    char da[SG17_TAXII_TIME_LEN];
    if (!first)
        tb_str(out, ",");
    if (L->kind == SG17_TAXII_PAGE_OBJECTS) {
        tb_str(out, (const char *)sqlite3_column_text(st, 8));
    } else if (L->kind == SG17_TAXII_PAGE_VERSIONS) {
        tb_json_str(out, (const char *)sqlite3_column_text(st, 3));
    } else {
        sg17_taxii_time_format(sqlite3_column_int64(st, 7), da);
        tb_str(out, "{\"id\":");
        tb_json_str(out, (const char *)sqlite3_column_text(st, 1));
        tb_str(out, ",\"date_added\":\"");
        tb_str(out, da);
        tb_str(out, "\",\"version\":");
        tb_json_str(out, (const char *)sqlite3_column_text(st, 3));
        tb_str(out, ",\"media_type\":");
        tb_json_str(out, (const char *)sqlite3_column_text(st, 6));
        tb_str(out, "}");
    }
}

/* The page: rows in (date_added, rid) order after the cursor, filtered. */
static int list_page(const listing *L, const sg17_taxii_filter *f, sg17_taxii_response *resp)
{
    sg17_taxii_cursor cur;
    uint8_t scope[16];
    taxii_buf q = {0}, items = {0}, out = {0};
    sqlite3_stmt *st = NULL;
    int64_t lo_date = INT64_MIN, lo_row = 0, last_date = 0, last_row = 0;
    int64_t first_added = 0, last_added = 0;
    size_t n = 0, scanned = 0, scan_cap = (size_t)f->limit * 20u + 10000u;
    int need_fl, more = 0, r, rc = 0;

    sg17_taxii_scope(scope, L->root, L->coll, L->object_id);
    memset(&cur, 0, sizeof cur);
    if (f->next != NULL) {
        r = sg17_taxii_cursor_decode(L->s->cursor_key, f->next, (uint8_t)L->kind, scope,
                                     L->now_us / 1000000, L->s->cursor_max_age_s, &cur);
        if (r != 0)
            return taxii_fail(resp, 400, "Bad next",
                              r == SG17_E_STATE ? "the next cursor has expired; start again"
                              : r == SG17_E_VERIFY
                                  ? "the next cursor is forged or belongs to another listing"
                                  : "the next cursor is malformed");
        lo_date = cur.date_added_us;
        lo_row = cur.row;
    }
    if (f->has_added_after && lo_date <= f->added_after_us) {
        lo_date = f->added_after_us + 1;
        lo_row = 0;
    }
    need_fl = !(f->version_mask & SG17_TAXII_VER_ALL) &&
              (f->version_mask & (SG17_TAXII_VER_FIRST | SG17_TAXII_VER_LAST));
    build_sql(&q, L, f, need_fl);
    if (q.failed || sqlite3_prepare_v2(L->db, q.p, -1, &st, NULL) != SQLITE_OK) {
        free(q.p);
        return q.failed ? SG17_E_NOMEM : SG17_E_IO;
    }
    free(q.p);
    sqlite3_bind_int64(st, 1, L->cid);
    sqlite3_bind_int64(st, 2, lo_date);
    sqlite3_bind_int64(st, 3, lo_row);
    if (L->object_id)
        sqlite3_bind_text(st, 5, L->object_id, -1, SQLITE_STATIC);
    bind_list(st, 100, f->ids, f->n_ids);
    bind_list(st, 200, f->types, f->n_types);
    bind_list(st, 300, f->spec, f->n_spec);
    if (f->version_mask == SG17_TAXII_VER_TIMES)
        for (size_t i = 0; i < f->n_versions; i++)
            sqlite3_bind_int64(st, 400 + (int)i, f->versions[i]);
    while ((r = sqlite3_step(st)) == SQLITE_ROW) {
        sg17_taxii_meta m;
        m.id = (const char *)sqlite3_column_text(st, 1);
        m.type = (const char *)sqlite3_column_text(st, 2);
        m.version_us = sqlite3_column_int64(st, 4);
        m.spec_version = (const char *)sqlite3_column_text(st, 5);
        m.date_added_us = sqlite3_column_int64(st, 7);
        m.first_us = need_fl ? sqlite3_column_int64(st, 9) : m.version_us;
        m.last_us = need_fl ? sqlite3_column_int64(st, 10) : m.version_us;
        if (m.id == NULL || m.type == NULL || m.spec_version == NULL)
            continue;
        if (sg17_taxii_filter_match(f, &m)) {
            if (n == f->limit) {
                more = 1; /* one more exists: the page ends at the last item returned */
                break;
            }
            item_out(&items, L, st, n == 0);
            if (n == 0)
                first_added = m.date_added_us;
            last_added = m.date_added_us;
            n++;
            last_date = m.date_added_us;
            last_row = sqlite3_column_int64(st, 0);
        } else if (++scanned >= scan_cap) {
            /* Bound the work of a sparse filter: end the page at this row. */
            more = 1;
            last_date = m.date_added_us;
            last_row = sqlite3_column_int64(st, 0);
            break;
        }
    }
    sqlite3_finalize(st);
    if (r != SQLITE_ROW && r != SQLITE_DONE) {
        free(items.p);
        return SG17_E_IO;
    }
    tb_str(&out, more ? "{\"more\":true" : "{\"more\":false");
    if (more) {
        char next[SG17_TAXII_CURSOR_LEN];
        cur.kind = (uint8_t)L->kind;
        memcpy(cur.scope, scope, sizeof scope);
        cur.issued_s = L->now_us / 1000000;
        cur.date_added_us = last_date;
        cur.row = last_row;
        if ((rc = sg17_taxii_cursor_encode(L->s->cursor_key, &cur, next)) != 0) {
            free(items.p);
            free(out.p);
            return rc;
        }
        tb_str(&out, ",\"next\":\"");
        tb_str(&out, next);
        tb_str(&out, "\"");
    }
    if (n > 0) {
        tb_str(&out, L->kind == SG17_TAXII_PAGE_VERSIONS ? ",\"versions\":[" : ",\"objects\":[");
        tb_add(&out, items.p, items.len);
        tb_str(&out, "]");
        sg17_taxii_time_format(first_added, resp->date_added_first);
        sg17_taxii_time_format(last_added, resp->date_added_last);
    }
    tb_str(&out, "}");
    free(items.p);
    if (out.failed || items.failed) {
        free(out.p);
        return SG17_E_NOMEM;
    }
    free(resp->body);
    resp->body = out.p;
    resp->body_len = out.len;
    resp->status = 200;
    resp->content_type = SG17_TAXII_MEDIA_TYPE;
    return 0;
}

/* 1 if the collection holds any version of id, 0 if not, <0 on error. */
static int object_exists(sqlite3 *db, int64_t cid, const char *id)
{
    sqlite3_stmt *st = NULL;
    int rc = SG17_E_IO;
    if (sqlite3_prepare_v2(db, "SELECT 1 FROM taxii_objects WHERE cid = ?1 AND id = ?2 LIMIT 1", -1,
                           &st, NULL) != SQLITE_OK)
        return SG17_E_IO;
    sqlite3_bind_int64(st, 1, cid);
    sqlite3_bind_text(st, 2, id, -1, SQLITE_STATIC);
    switch (sqlite3_step(st)) {
    case SQLITE_ROW: rc = 1; break;
    case SQLITE_DONE: rc = 0; break;
    default: break;
    }
    sqlite3_finalize(st);
    return rc;
}

/* ---- dispatch ------------------------------------------------------------------ */

static int is_get(const char *m)
{
    return strcmp(m, "GET") == 0 || strcmp(m, "HEAD") == 0;
}

static const char *no_query(void *ctx, const char *key)
{
    (void)ctx;
    (void)key;
    return NULL;
}

static int h_collection_ep(listing *L, const sg17_taxii_path *p, const coll_info *ci,
                           const sg17_taxii_request *req, sg17_taxii_response *resp)
{
    sg17_taxii_filter f;
    char err[200];
    int rc, getm = is_get(req->method), post = strcmp(req->method, "POST") == 0;
    int del = strcmp(req->method, "DELETE") == 0;

    if (p->ep == SG17_TAXII_EP_OBJECTS && post) {
        sg17_taxii_envelope env;
        if (!ci->can_write)
            return taxii_fail(resp, 403, "Forbidden", "no write access to this collection");
        if (!sg17_taxii_content_type_ok(req->content_type))
            return taxii_fail(resp, 415, "Unsupported media type",
                              "POST bodies must be " SG17_TAXII_MEDIA_TYPE);
        rc = sg17_taxii_envelope_parse((const char *)req->body, req->body_len, L->s->max_objects,
                                       &env, err, sizeof err);
        if (rc == SG17_E_LIMIT)
            return taxii_fail(resp, 413, "Too many objects", err);
        if (rc == SG17_E_FORMAT)
            return taxii_fail(resp, 400, "Bad envelope", err);
        if (rc != 0)
            return rc;
        rc = taxii_add_objects(L->db, L->root, ci, &env, L->now_us, req->principal,
                               L->s->status_max_age_s, resp);
        sg17_taxii_envelope_free(&env);
        return rc;
    }
    if (!(getm || (del && p->ep == SG17_TAXII_EP_OBJECT)))
        return taxii_fail(resp, 405, "Method not allowed",
                          "this endpoint does not take that method");
    if (del ? !ci->can_write : !ci->can_read)
        return taxii_fail(resp, 403, "Forbidden",
                          del ? "no write access to this collection"
                              : "no read access to this collection");
    rc = sg17_taxii_filter_parse(&f, req->query ? req->query : no_query, req->query_ctx,
                                 L->s->default_page, L->s->max_page, err, sizeof err);
    if (rc == SG17_E_FORMAT || rc == SG17_E_LIMIT) {
        sg17_taxii_filter_free(&f);
        return taxii_fail(resp, 400, "Bad filter", err);
    }
    if (rc != 0) {
        sg17_taxii_filter_free(&f);
        return rc;
    }
    if (p->ep == SG17_TAXII_EP_OBJECT || p->ep == SG17_TAXII_EP_VERSIONS) {
        L->object_id = p->object_id;
        if (del && req->query && req->query(req->query_ctx, "match[version]") == NULL)
            f.version_mask = SG17_TAXII_VER_ALL; /* DELETE without a filter: every version */
        if (p->ep == SG17_TAXII_EP_VERSIONS)
            f.version_mask = SG17_TAXII_VER_ALL;
        rc = object_exists(L->db, L->cid, p->object_id);
        if (rc == 0)
            rc = taxii_fail(resp, 404, "Not found", "no such object in this collection");
        else if (rc == 1 && del)
            rc = taxii_delete_object(L->db, L->cid, p->object_id, &f, resp);
        else if (rc == 1) {
            L->kind = p->ep == SG17_TAXII_EP_VERSIONS ? SG17_TAXII_PAGE_VERSIONS
                                                      : SG17_TAXII_PAGE_OBJECTS;
            rc = list_page(L, &f, resp);
        }
    } else {
        L->kind =
            p->ep == SG17_TAXII_EP_MANIFEST ? SG17_TAXII_PAGE_MANIFEST : SG17_TAXII_PAGE_OBJECTS;
        rc = list_page(L, &f, resp);
    }
    sg17_taxii_filter_free(&f);
    return rc;
}

static int handle_root(sg17_taxii_server *s, sqlite3 *db, const char *root, const char *rest,
                       const sg17_taxii_request *req, sg17_taxii_response *resp)
{
    sg17_taxii_path p;
    coll_info ci;
    listing L;
    int rc, err;
    char *info = query_text(db, "SELECT body FROM taxii_roots WHERE name = ?1", root, NULL, &err);
    sqlite3_stmt *st = NULL;
    int64_t mcl = 0;

    if (err)
        return err;
    if (info == NULL)
        return taxii_fail(resp, 404, "Not found", "no such API root");
    if ((rc = sg17_taxii_path_parse(rest, &p)) != 0 || p.ep == SG17_TAXII_EP_NONE) {
        free(info);
        return rc ? rc : taxii_fail(resp, 404, "Not found", "no such TAXII endpoint");
    }
    if (p.ep == SG17_TAXII_EP_ROOT || p.ep == SG17_TAXII_EP_STATUS ||
        p.ep == SG17_TAXII_EP_COLLECTIONS || p.ep == SG17_TAXII_EP_COLLECTION) {
        if (!is_get(req->method))
            rc = taxii_fail(resp, 405, "Method not allowed", "this endpoint only answers GET");
        else if (p.ep == SG17_TAXII_EP_ROOT)
            rc = taxii_set_text(resp, 200, info);
        else if (p.ep == SG17_TAXII_EP_STATUS)
            rc = h_status(s, db, root, p.id, req, resp);
        else
            rc = h_collections(db, root, p.ep == SG17_TAXII_EP_COLLECTION ? p.id : NULL, req->role,
                               resp);
        free(info);
        return rc;
    }
    free(info);
    if (sqlite3_prepare_v2(db, "SELECT max_content_length FROM taxii_roots WHERE name = ?1", -1,
                           &st, NULL) == SQLITE_OK) {
        sqlite3_bind_text(st, 1, root, -1, SQLITE_STATIC);
        if (sqlite3_step(st) == SQLITE_ROW)
            mcl = sqlite3_column_int64(st, 0);
    }
    sqlite3_finalize(st);
    if (req->body_len > 0 && (int64_t)req->body_len > mcl)
        return taxii_fail(resp, 413, "Content too large",
                          "the request body exceeds this API root's max_content_length");
    rc = find_collection(db, root, p.id, req->role, &ci);
    if (rc <= 0)
        return rc < 0 ? rc
                      : taxii_fail(resp, 404, "Not found", "no such collection in this API root");
    memset(&L, 0, sizeof L);
    L.s = s;
    L.db = db;
    L.root = root;
    L.coll = p.id;
    L.cid = ci.cid;
    L.now_us = req->now_us ? req->now_us : taxii_now_us();
    rc = h_collection_ep(&L, &p, &ci, req, resp);
    json_decref(ci.media_types);
    return rc;
}

int sg17_taxii_handle(sg17_taxii_server *s, const sg17_taxii_request *req,
                      sg17_taxii_response *resp)
{
    char root[SG17_TAXII_VALUE_MAX];
    const char *path, *slash;
    sqlite3 *db = NULL;
    int rc;

    if (s == NULL || req == NULL || resp == NULL || req->method == NULL || req->path == NULL)
        return SG17_E_INVAL;
    memset(resp, 0, sizeof *resp);
    if (!sg17_taxii_accept_ok(req->accept))
        return taxii_fail(resp, 406, "Not acceptable",
                          "this server answers with " SG17_TAXII_MEDIA_TYPE);
    path = req->path[0] == '/' ? req->path + 1 : req->path;
    slash = strchr(path, '/');
    if (slash == NULL)
        slash = path + strlen(path);
    if ((size_t)(slash - path) == 0 || (size_t)(slash - path) >= sizeof root)
        return taxii_fail(resp, 404, "Not found", "no such API root");
    memcpy(root, path, (size_t)(slash - path));
    root[slash - path] = '\0';
    if ((rc = taxii_db_get(s, &db)) != 0)
        return rc;
    if (strcmp(root, "taxii2") == 0) {
        if (*slash != '\0' && slash[1] != '\0')
            rc = taxii_fail(resp, 404, "Not found", "no such TAXII endpoint");
        else if (!is_get(req->method))
            rc = taxii_fail(resp, 405, "Method not allowed", "discovery only answers GET");
        else
            rc = h_discovery(db, req, resp);
    } else {
        rc = handle_root(s, db, root, *slash ? slash + 1 : slash, req, resp);
    }
    taxii_db_put(s, db, rc == SG17_E_IO);
    if (rc != 0) {
        free(resp->body);
        memset(resp, 0, sizeof *resp);
    }
    return rc;
}
