/*
 * X.1217 8.2.2 "clean and transform": STIX 2.1 objects validated and stored
 * with every version; indicator values de-duplicated by (kind, canonical
 * value) with provenance per source; warninglist filtering recorded; the
 * collectors' values turned into STIX indicators (docs/INTEL-STORE.md).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sg17/json.h"
#include "sg17/stix.h"
#include "store_internal.h"

#define IS_MAX_VALUES_PER_INDICATOR 4096U

/* ---- value extraction through the matcher's builder (public API only) ---- */

typedef struct raw_val {
    sg17_intel_kind kind;
    sg17_intel_op op;
    size_t tag;
    int used;
    char *value;
} raw_val;

struct is_rec {
    raw_val *v;
    size_t n, cap;
    size_t tag; /* tag of the values being added (the caller's indicator index) */
    int oom;
};

/* Records every raw value the builder sees (never drops): the raw text is
 * needed for values whose canonical text hit_describe truncates. */
static int rec_filter(void *ctx, sg17_intel_kind kind, sg17_intel_op op, const char *value)
{
    is_rec *r = ctx;
    if (r->n == r->cap) {
        size_t nc = r->cap ? r->cap * 2 : 16;
        if (nc > (size_t)IS_MAX_VALUES_PER_INDICATOR * 1024) {
            r->oom = 1;
            return 0;
        }
        raw_val *nv = realloc(r->v, nc * sizeof *nv);
        if (nv == NULL) {
            r->oom = 1;
            return 0;
        }
        r->v = nv;
        r->cap = nc;
    }
    char *d = strdup(value);
    if (d == NULL) {
        r->oom = 1;
        return 0;
    }
    raw_val *rv = &r->v[r->n++];
    rv->kind = kind;
    rv->op = op;
    rv->tag = r->tag;
    rv->used = 0;
    rv->value = d;
    return 0;
}

void is_rec_free(is_rec *r)
{
    if (r == NULL)
        return;
    for (size_t i = 0; i < r->n; i++)
        free(r->v[i].value);
    free(r->v);
    free(r);
}

void is_rec_tag(is_rec *r, size_t tag)
{
    r->tag = tag;
}

int is_builder_new(sg17_intel_builder **b, is_rec **rec)
{
    *rec = calloc(1, sizeof **rec);
    if (*rec == NULL)
        return SG17_E_NOMEM;
    int rc = sg17_intel_builder_new(b);
    if (rc != 0) {
        free(*rec);
        *rec = NULL;
        return rc;
    }
    sg17_intel_builder_set_filter(*b, rec_filter, *rec);
    return 0;
}

/* The canonical text of one raw value (a one-value snapshot). */
static int canon_one(sg17_intel_kind kind, sg17_intel_op op, const char *v, char *out, size_t cap)
{
    sg17_intel_builder *b;
    int rc = sg17_intel_builder_new(&b);
    if (rc != 0)
        return rc;
    sg17_intel_ind ind;
    memset(&ind, 0, sizeof ind);
    ind.kind = kind;
    ind.op = op;
    ind.value = v;
    sg17_intel_snapshot *snap = NULL;
    rc = sg17_intel_builder_add(b, &ind);
    if (rc == 0)
        rc = sg17_intel_builder_build(b, 0, &snap);
    sg17_intel_hit_info hi;
    if (rc == 0)
        rc = sg17_intel_hit_describe(snap, 0, &hi);
    if (rc == 0)
        snprintf(out, cap, "%s", hi.value);
    sg17_intel_snapshot_free(snap);
    sg17_intel_builder_free(b);
    return rc;
}

static int truncated(const char *v)
{
    size_t l = strlen(v);
    return l + 1 >= sizeof((sg17_intel_hit_info *)0)->value && l >= 3 &&
           strcmp(v + l - 3, "...") == 0;
}

static int is_digit_kind(sg17_intel_kind k)
{
    return k == SG17_INTEL_MSISDN || k == SG17_INTEL_IMSI || k == SG17_INTEL_IMEI ||
           k == SG17_INTEL_SCCP_GT;
}

/* Fill v from a described hit (tag: the indicator it belongs to, SIZE_MAX if
 * unknown); 0, or 1 to skip the value. */
static int val_from_hit(const sg17_intel_hit_info *hi, is_rec *rec, size_t tag, is_val *v)
{
    memset(v, 0, sizeof *v);
    v->kind = hi->kind;
    v->op = hi->op;
    v->tag = tag;
    v->fs11 = hi->fs11;
    v->confidence = hi->confidence;
    v->valid_from = hi->valid_from;
    v->valid_until = hi->valid_until;
    memcpy(v->id, hi->id, 16);
    snprintf(v->canon, sizeof v->canon, "%s", hi->value);
    if (hi->op == SG17_INTEL_RANGE) {
        const char *dash = strchr(hi->value, '-');
        if (dash == NULL)
            return 1;
        snprintf(v->value, sizeof v->value, "%.*s", (int)(dash - hi->value), hi->value);
        snprintf(v->value_hi, sizeof v->value_hi, "%s", dash + 1);
        return 0;
    }
    if (truncated(hi->value)) {
        /* the first unused raw value of this indicator whose canonical text is this one */
        for (size_t i = 0; i < rec->n; i++) {
            raw_val *r = &rec->v[i];
            char c[sizeof hi->value];
            if (r->used || (tag != SIZE_MAX && r->tag != tag) || r->kind != hi->kind ||
                r->op != hi->op || canon_one(r->kind, r->op, r->value, c, sizeof c) != 0 ||
                strcmp(c, hi->value) != 0)
                continue;
            r->used = 1;
            snprintf(v->canon, sizeof v->canon, "%s", r->value);
            snprintf(v->value, sizeof v->value, "%s", r->value);
            return 0;
        }
        return 1;
    }
    snprintf(v->value, sizeof v->value, "%s", hi->value);
    size_t l = strlen(v->value);
    if (hi->op == SG17_INTEL_PREFIX && is_digit_kind(hi->kind) && l > 0 && v->value[l - 1] == '%')
        v->value[l - 1] = '\0';
    return 0;
}

int is_values_of(sg17_intel_builder *b, is_rec *rec, const uint8_t (*ids)[16], size_t n_ids,
                 is_val **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    if (rec->oom)
        return SG17_E_NOMEM;
    sg17_intel_snapshot *snap = NULL;
    int rc = sg17_intel_builder_build(b, 0, &snap);
    if (rc != 0)
        return rc;
    sg17_intel_snapshot_stats ss;
    sg17_intel_snapshot_stats_get(snap, &ss);
    is_val *v = NULL;
    if (ss.values > 0) {
        v = malloc(ss.values * sizeof *v);
        if (v == NULL)
            rc = SG17_E_NOMEM;
    }
    size_t k = 0;
    for (size_t i = 0; i < ss.values && rc == 0; i++) {
        sg17_intel_hit_info hi;
        rc = sg17_intel_hit_describe(snap, (sg17_intel_hit)i, &hi);
        size_t tag = SIZE_MAX;
        for (size_t j = 0; rc == 0 && j < n_ids; j++)
            if (memcmp(ids[j], hi.id, 16) == 0) {
                tag = j;
                break;
            }
        if (rc == 0 && val_from_hit(&hi, rec, tag, &v[k]) == 0)
            k++;
    }
    sg17_intel_snapshot_free(snap);
    if (rc != 0) {
        free(v);
        return rc;
    }
    *out = v;
    *n = k;
    return 0;
}

/* ---- ingest of STIX objects ------------------------------------------------ */

/* Indicators are applied in chunks: one builder compiles the patterns of up
 * to IS_CHUNK indicators at once (a build per indicator costs more than the
 * rest of the ingest together). Ids are unique within a chunk. */
#define IS_CHUNK 512U

typedef struct pending {
    const json_t *obj;
    const char *id;
    int64_t mod_ns;
    sg17_intel_tlp tlp;
} pending;

typedef struct ingest_ctx {
    sg17_intel_store *s;
    const sg17_intel_ingest_opts *o;
    sg17_intel_ingest_stats *st;
    int64_t now;
    sqlite3_stmt *ins_obj, *latest, *del_prov, *get_val, *ins_val, *upd_filter, *up_prov, *reject;
    pending pend[IS_CHUNK];
    uint8_t uuid[IS_CHUNK][16];
    size_t n_pend;
} ingest_ctx;

static int64_t ts_ns(const json_t *obj, const char *key)
{
    int64_t secs = 0;
    uint32_t nanos = 0;
    const char *t = json_string_value(json_object_get(obj, key));
    if (t == NULL || sg17_stix_timestamp_parse(t, &secs, &nanos) != 0)
        return 0;
    /* nanoseconds fit in 64 bits for 1677..2262; beyond that the order saturates */
    if (secs >= INT64_MAX / 1000000000LL)
        return INT64_MAX;
    if (secs <= INT64_MIN / 1000000000LL)
        return INT64_MIN + 1;
    return secs * 1000000000LL + (int64_t)nanos;
}

static int64_t ts_s(const json_t *obj, const char *key)
{
    int64_t secs = 0;
    const char *t = json_string_value(json_object_get(obj, key));
    if (t == NULL || sg17_stix_timestamp_parse(t, &secs, NULL) != 0)
        return 0;
    return secs;
}

static int step_done(ingest_ctx *c, sqlite3_stmt *st, const char *what)
{
    int r = sqlite3_step(st);
    sqlite3_reset(st);
    if (r != SQLITE_DONE && r != SQLITE_ROW)
        return is_err(c->s, what);
    return 0;
}

static int reject(ingest_ctx *c, const char *id, const char *reason)
{
    c->st->rejected++;
    snprintf(c->st->last_reject, sizeof c->st->last_reject, "%s: %s", id ? id : "(no id)", reason);
    sqlite3_bind_int64(c->reject, 1, c->now);
    is_bind_text(c->reject, 2, c->o->source);
    is_bind_text(c->reject, 3, id);
    is_bind_text(c->reject, 4, reason);
    return step_done(c, c->reject, "reject");
}

/* Validate one object; 0 valid, 1 rejected (recorded), < 0 error. */
static int check_object(ingest_ctx *c, const json_t *obj, const char *id)
{
    sg17_stix_vopts vo;
    memset(&vo, 0, sizeof vo);
    vo.version = "2.1";
    sg17_stix_report rep;
    memset(&rep, 0, sizeof rep);
    int rc = sg17_stix_validate(obj, &vo, &rep);
    if (rc == SG17_E_FORMAT) {
        sg17_stix_report_free(&rep);
        rc = reject(c, id, "not a STIX object (no string type and id)");
        return rc ? rc : 1;
    }
    if (rc != 0) {
        sg17_stix_report_free(&rep);
        return rc;
    }
    if (rep.valid) {
        sg17_stix_report_free(&rep);
        return 0;
    }
    const char *why = "invalid";
    char whybuf[SG17_STIX_MSG_MAX];
    for (size_t i = 0; i < rep.n; i++)
        if (rep.items[i].is_error) {
            why = sg17_stix_finding_format(&rep.items[i], whybuf, sizeof whybuf);
            break;
        }
    rc = reject(c, id, why);
    sg17_stix_report_free(&rep);
    return rc ? rc : 1;
}

/* Upsert one value of indicator `id`; provenance for c->o->source. */
static int apply_value(ingest_ctx *c, const json_t *obj, const char *id, int64_t mod_ns,
                       sg17_intel_tlp tlp, const is_val *v)
{
    const char *listed = NULL;
    if (c->o->wl != NULL &&
        sg17_intel_wl_check(c->o->wl, v->kind, v->value, strlen(v->value), &listed) == 1) {
        if (listed == NULL)
            listed = "warninglist";
        c->st->filtered++;
    }
    sqlite3_bind_int(c->get_val, 1, (int)v->kind);
    is_bind_text(c->get_val, 2, v->canon);
    int64_t vid = -1;
    int r = sqlite3_step(c->get_val);
    if (r == SQLITE_ROW)
        vid = sqlite3_column_int64(c->get_val, 0);
    sqlite3_reset(c->get_val);
    if (r != SQLITE_ROW && r != SQLITE_DONE)
        return is_err(c->s, "value lookup");
    int rc;
    if (vid < 0) {
        sqlite3_bind_int(c->ins_val, 1, (int)v->kind);
        sqlite3_bind_int(c->ins_val, 2, (int)v->op);
        is_bind_text(c->ins_val, 3, v->canon);
        is_bind_text(c->ins_val, 4, v->value);
        is_bind_text(c->ins_val, 5, v->value_hi[0] ? v->value_hi : NULL);
        is_bind_text(c->ins_val, 6, listed);
        sqlite3_bind_int64(c->ins_val, 7, c->now);
        if ((rc = step_done(c, c->ins_val, "value insert")) != 0)
            return rc;
        vid = sqlite3_last_insert_rowid(c->s->db);
        c->st->new_values++;
    } else if (c->o->wl != NULL) {
        /* warninglists given: this ingest's verdict replaces the earlier one */
        is_bind_text(c->upd_filter, 1, listed);
        sqlite3_bind_int64(c->upd_filter, 2, vid);
        if ((rc = step_done(c, c->upd_filter, "filter update")) != 0)
            return rc;
    }
    char *ext = NULL;
    const json_t *er = json_object_get(obj, "external_references");
    if (er != NULL && sg17_json_dump_canonical(er, &ext, NULL) != 0)
        return SG17_E_NOMEM;
    const json_t *conf = json_object_get(obj, "confidence");
    sqlite3_stmt *p = c->up_prov;
    sqlite3_bind_int64(p, 1, vid);
    is_bind_text(p, 2, c->o->source);
    is_bind_text(p, 3, id);
    sqlite3_bind_int64(p, 4, mod_ns);
    is_bind_text(p, 5, json_string_value(json_object_get(obj, "created_by_ref")));
    is_bind_text(p, 6, ext);
    sqlite3_bind_int(p, 7, (int)tlp);
    sqlite3_bind_int(p, 8, json_is_integer(conf) ? (int)json_integer_value(conf) : -1);
    sqlite3_bind_int64(p, 9, ts_s(obj, "valid_from"));
    sqlite3_bind_int64(p, 10, ts_s(obj, "valid_until"));
    sqlite3_bind_int(p, 11, v->fs11);
    sqlite3_bind_int64(p, 12, c->now);
    free(ext);
    if ((rc = step_done(c, p, "provenance")) != 0)
        return rc;
    c->st->values++;
    return 0;
}

static int parse_uuid(const char *id, uint8_t out[16])
{
    const char *u = id ? strstr(id, "--") : NULL;
    if (u == NULL || strlen(u + 2) != 36)
        return -1;
    u += 2;
    size_t o = 0;
    for (size_t i = 0; i < 36; i++) {
        char ch = u[i];
        if (i == 8 || i == 13 || i == 18 || i == 23) {
            if (ch != '-')
                return -1;
            continue;
        }
        unsigned d = (ch >= '0' && ch <= '9')   ? (unsigned)(ch - '0')
                     : (ch >= 'a' && ch <= 'f') ? (unsigned)(ch - 'a' + 10)
                     : (ch >= 'A' && ch <= 'F') ? (unsigned)(ch - 'A' + 10)
                                                : 99U;
        if (d > 15)
            return -1;
        out[o / 2] = (uint8_t)(o % 2 == 0 ? d << 4 : (out[o / 2] | d));
        o++;
    }
    return 0;
}

/* Compile the pending indicators' patterns at once and apply each one's values. */
static int flush(ingest_ctx *c)
{
    if (c->n_pend == 0)
        return 0;
    sg17_intel_builder *b;
    is_rec *rec;
    int rc = is_builder_new(&b, &rec);
    if (rc != 0)
        return rc;
    uint8_t unsupported[IS_CHUNK];
    memset(unsupported, 0, sizeof unsupported);
    for (size_t i = 0; i < c->n_pend && rc == 0; i++) {
        sg17_intel_load_stats ls;
        memset(&ls, 0, sizeof ls);
        is_rec_tag(rec, i);
        if (parse_uuid(c->pend[i].id, c->uuid[i]) != 0)
            memset(c->uuid[i], 0xff, 16);
        rc = sg17_intel_builder_add_stix(b, c->pend[i].obj, &ls);
        unsupported[i] = ls.unsupported > 0 || (ls.invalid > 0 && ls.values == 0);
    }
    is_val *v = NULL;
    size_t n = 0;
    if (rc == 0)
        rc = is_values_of(b, rec, (const uint8_t(*)[16])c->uuid, c->n_pend, &v, &n);
    sg17_intel_builder_free(b);
    is_rec_free(rec);
    for (size_t i = 0; i < c->n_pend && rc == 0; i++) {
        pending *p = &c->pend[i];
        c->st->indicators++;
        c->st->unsupported += unsupported[i];
        /* this version replaces the values of every other version of the indicator */
        is_bind_text(c->del_prov, 1, p->id);
        sqlite3_bind_int64(c->del_prov, 2, p->mod_ns);
        rc = step_done(c, c->del_prov, "provenance replace");
        size_t k = 0;
        for (size_t j = 0; j < n && rc == 0; j++)
            if (v[j].tag == i && k++ < IS_MAX_VALUES_PER_INDICATOR)
                rc = apply_value(c, p->obj, p->id, p->mod_ns, p->tlp, &v[j]);
    }
    free(v);
    c->n_pend = 0;
    return rc;
}

static int queue_indicator(ingest_ctx *c, const json_t *obj, const char *id, int64_t mod_ns,
                           sg17_intel_tlp tlp)
{
    int rc = 0;
    for (size_t i = 0; i < c->n_pend && rc == 0; i++)
        if (strcmp(c->pend[i].id, id) == 0)
            rc = flush(c); /* another version of a pending indicator: keep the order */
    if (rc != 0)
        return rc;
    c->pend[c->n_pend++] = (pending){obj, id, mod_ns, tlp};
    return c->n_pend == IS_CHUNK ? flush(c) : 0;
}

static int ingest_one(ingest_ctx *c, const json_t *obj)
{
    c->st->objects++;
    const char *id = json_string_value(json_object_get(obj, "id"));
    const char *type = json_string_value(json_object_get(obj, "type"));
    int rc = check_object(c, obj, id);
    if (rc != 0)
        return rc < 0 ? rc : 0;
    int64_t mod_ns = ts_ns(obj, "modified");
    if (mod_ns == 0)
        mod_ns = ts_ns(obj, "created");
    sg17_intel_tlp tlp = sg17_intel_tlp_of(obj);
    if (tlp == SG17_INTEL_TLP_NONE)
        tlp = c->o->default_tlp;
    char *text = NULL;
    if (sg17_json_dump_canonical(obj, &text, NULL) != 0)
        return SG17_E_NOMEM;
    sqlite3_stmt *st = c->ins_obj;
    is_bind_text(st, 1, id);
    sqlite3_bind_int64(st, 2, mod_ns);
    is_bind_text(st, 3, type);
    is_bind_text(st, 4, c->o->source);
    sqlite3_bind_int(st, 5, (int)tlp);
    sqlite3_bind_int64(st, 6, c->now);
    is_bind_text(st, 7, text);
    free(text);
    if ((rc = step_done(c, st, "object insert")) != 0)
        return rc;
    if (sqlite3_changes(c->s->db) == 1)
        c->st->stored++;
    else
        c->st->duplicates++;
    if (strcmp(type, "indicator") != 0)
        return 0;
    is_bind_text(c->latest, 1, id);
    int64_t latest = 0;
    if (sqlite3_step(c->latest) == SQLITE_ROW)
        latest = sqlite3_column_int64(c->latest, 0);
    sqlite3_reset(c->latest);
    if (mod_ns < latest) {
        c->st->older++;
        return 0;
    }
    return queue_indicator(c, obj, id, mod_ns, tlp);
}

static const char *const ingest_sql[] = {
    "INSERT OR IGNORE INTO intel_objects(id, modified_ns, type, source, tlp, added_at, json)"
    " VALUES(?,?,?,?,?,?,?)",
    "SELECT MAX(modified_ns) FROM intel_objects WHERE id=?",
    "DELETE FROM intel_prov WHERE indicator=? AND modified_ns<>?",
    "SELECT vid FROM intel_values WHERE kind=? AND canon=?",
    "INSERT INTO intel_values(kind, op, canon, value, value_hi, filtered, first_seen)"
    " VALUES(?,?,?,?,?,?,?)",
    "UPDATE intel_values SET filtered=? WHERE vid=?",
    "INSERT INTO intel_prov(vid, source, indicator, modified_ns, created_by_ref, external_refs,"
    " tlp, confidence, valid_from, valid_until, fs11, first_seen, last_seen)"
    " VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?12)"
    " ON CONFLICT(vid, source, indicator) DO UPDATE SET modified_ns=excluded.modified_ns,"
    " created_by_ref=excluded.created_by_ref, external_refs=excluded.external_refs,"
    " tlp=excluded.tlp, confidence=excluded.confidence, valid_from=excluded.valid_from,"
    " valid_until=excluded.valid_until, fs11=excluded.fs11, last_seen=excluded.last_seen",
    "INSERT INTO intel_rejects(at, source, object_id, reason) VALUES(?,?,?,?)",
};

int sg17_intel_store_ingest(sg17_intel_store *s, const json_t *stix,
                            const sg17_intel_ingest_opts *o, sg17_intel_ingest_stats *st)
{
    sg17_intel_ingest_stats dummy;
    if (st == NULL)
        st = &dummy;
    memset(st, 0, sizeof *st);
    if (s == NULL || stix == NULL || o == NULL || o->source == NULL)
        return SG17_E_INVAL;
    const json_t *list = NULL;
    if (json_is_array(stix)) {
        list = stix;
    } else if (json_is_object(stix) && json_is_string(json_object_get(stix, "type")) &&
               strcmp(json_string_value(json_object_get(stix, "type")), "bundle") == 0) {
        list = json_object_get(stix, "objects");
        if (list != NULL && !json_is_array(list))
            return SG17_E_FORMAT;
    } else if (!json_is_object(stix)) {
        return SG17_E_FORMAT;
    }
    ingest_ctx *cp = calloc(1, sizeof *cp); /* the pending chunk makes it large */
    if (cp == NULL)
        return SG17_E_NOMEM;
    cp->s = s;
    cp->o = o;
    cp->st = st;
    cp->now = o->now ? o->now : (int64_t)time(NULL);
    sqlite3_stmt **stmts[] = {&cp->ins_obj, &cp->latest,     &cp->del_prov, &cp->get_val,
                              &cp->ins_val, &cp->upd_filter, &cp->up_prov,  &cp->reject};
    int rc = is_exec(s, "BEGIN IMMEDIATE");
    for (size_t i = 0; i < 8 && rc == 0; i++)
        rc = is_prepare(s, stmts[i], ingest_sql[i]);
    if (rc == 0 && list == NULL) {
        rc = ingest_one(cp, stix);
    } else if (rc == 0) {
        size_t i;
        const json_t *obj;
        json_array_foreach(list, i, obj)
        {
            if (!json_is_object(obj)) {
                st->objects++;
                rc = reject(cp, NULL, "not a JSON object");
            } else {
                rc = ingest_one(cp, obj);
            }
            if (rc != 0)
                break;
        }
    }
    if (rc == 0)
        rc = flush(cp);
    for (size_t i = 0; i < 8; i++)
        sqlite3_finalize(*stmts[i]);
    free(cp);
    if (rc == 0)
        return is_exec(s, "COMMIT");
    (void)sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
    return rc;
}

/* ---- the collectors' values as STIX indicators ------------------------------ */

#define IS_MAX_LIST_BYTES ((size_t)256 << 20)

static int read_file(const char *path, char **out, size_t *len, char *err, size_t err_len)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        snprintf(err, err_len, "%s: cannot open", path);
        return SG17_E_IO;
    }
    char *buf = NULL;
    size_t n = 0, cap = 0;
    int rc = 0;
    for (;;) {
        if (n + 65536 > cap) {
            size_t nc = cap ? cap * 2 : 1 << 20;
            char *nb = nc <= IS_MAX_LIST_BYTES + 65536 ? realloc(buf, nc) : NULL;
            if (nb == NULL) {
                snprintf(err, err_len, "%s: larger than %zu bytes or out of memory", path,
                         IS_MAX_LIST_BYTES);
                rc = SG17_E_LIMIT;
                break;
            }
            buf = nb;
            cap = nc;
        }
        size_t r = fread(buf + n, 1, 65536, f);
        n += r;
        if (r < 65536)
            break;
    }
    if (rc == 0 && ferror(f)) {
        snprintf(err, err_len, "%s: read error", path);
        rc = SG17_E_IO;
    }
    fclose(f);
    if (rc != 0) {
        free(buf);
        return rc;
    }
    *out = buf;
    *len = n;
    return 0;
}

/* The stored created/modified of id (so an unchanged list entry is a duplicate). */
static void stored_times(sg17_intel_store *s, const char *id, char *created, char *modified,
                         size_t cap)
{
    sqlite3_stmt *st;
    if (is_prepare(s, &st,
                   "SELECT json FROM intel_objects WHERE id=? ORDER BY modified_ns DESC"
                   " LIMIT 1") != 0)
        return;
    is_bind_text(st, 1, id);
    if (sqlite3_step(st) == SQLITE_ROW) {
        const char *t = (const char *)sqlite3_column_text(st, 0);
        json_t *j = t ? json_loads(t, 0, NULL) : NULL;
        const char *c = json_string_value(json_object_get(j, "created"));
        const char *m = json_string_value(json_object_get(j, "modified"));
        if (c && m) {
            snprintf(created, cap, "%s", c);
            snprintf(modified, cap, "%s", m);
        }
        json_decref(j);
    }
    sqlite3_finalize(st);
}

static json_t *indicator_of(sg17_intel_store *s, const is_val *v, const sg17_intel_ingest_opts *o,
                            int64_t now)
{
    char pattern[SG17_INTEL_MAX_VALUE * 2 + 160], uuid[40], id[64], created[40], modified[40],
        vf[40];
    if (sg17_intel_pattern_for(v->kind, v->op, v->value, v->value_hi[0] ? v->value_hi : NULL,
                               pattern, sizeof pattern) != 0)
        return NULL;
    is_uuid_text(v->id, uuid);
    snprintf(id, sizeof id, "indicator--%s", uuid);
    is_ts_text(now, created, sizeof created);
    snprintf(modified, sizeof modified, "%s", created);
    stored_times(s, id, created, modified, sizeof created);
    is_ts_text(v->valid_from ? v->valid_from : 0, vf, sizeof vf);
    json_t *ind = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "type", "indicator",
                            "spec_version", "2.1", "id", id, "created", created, "modified",
                            modified, "name", v->value, "pattern", pattern, "pattern_type", "stix",
                            "valid_from", v->valid_from ? vf : created);
    if (ind == NULL)
        return NULL;
    if (v->valid_until > 0) {
        is_ts_text(v->valid_until, vf, sizeof vf);
        json_object_set_new(ind, "valid_until", json_string(vf));
    }
    if (v->confidence > 0)
        json_object_set_new(ind, "confidence", json_integer(v->confidence));
    if (v->fs11 > 0)
        json_object_set_new(ind, "x_sg17_fs11_category", json_integer(v->fs11));
    const char *mid = sg17_intel_tlp_marking_id(o->default_tlp);
    if (mid != NULL)
        json_object_set_new(ind, "object_marking_refs", json_pack("[s]", mid));
    return ind;
}

int sg17_intel_store_ingest_collector(sg17_intel_store *s, int src_kind, const char *path,
                                      sg17_intel_kind list_kind, const char *csv_column,
                                      const sg17_intel_ingest_opts *o, sg17_intel_ingest_stats *st,
                                      char *err, size_t err_len)
{
    if (s == NULL || path == NULL || o == NULL || o->source == NULL ||
        (src_kind == SG17_INTEL_SRC_CSV && csv_column == NULL))
        return SG17_E_INVAL;
    if (err_len)
        err[0] = '\0';
    sg17_intel_builder *b;
    is_rec *rec;
    int rc = is_builder_new(&b, &rec);
    if (rc != 0)
        return rc;
    sg17_intel_collect_stats cs;
    memset(&cs, 0, sizeof cs);
    if (src_kind == SG17_INTEL_SRC_MISP_FEED) {
        rc = sg17_intel_collect_misp_feed(b, path, &cs, err, err_len);
    } else {
        char *text = NULL;
        size_t len = 0;
        rc = read_file(path, &text, &len, err, err_len);
        if (rc == 0 && src_kind == SG17_INTEL_SRC_PLAIN)
            rc = sg17_intel_collect_plain(b, text, len, list_kind, o->source, &cs);
        else if (rc == 0)
            rc = sg17_intel_collect_csv(b, text, len, csv_column, list_kind, o->source, &cs, err,
                                        err_len);
        free(text);
    }
    is_val *v = NULL;
    size_t n = 0;
    if (rc == 0)
        rc = is_values_of(b, rec, NULL, 0, &v, &n);
    sg17_intel_builder_free(b);
    is_rec_free(rec);
    json_t *arr = rc == 0 ? json_array() : NULL;
    if (rc == 0 && arr == NULL)
        rc = SG17_E_NOMEM;
    int64_t now = o->now ? o->now : (int64_t)time(NULL);
    for (size_t i = 0; i < n && rc == 0; i++) {
        json_t *ind = indicator_of(s, &v[i], o, now);
        if (ind != NULL && json_array_append_new(arr, ind) != 0)
            rc = SG17_E_NOMEM;
    }
    free(v);
    if (rc == 0)
        rc = sg17_intel_store_ingest(s, arr, o, st);
    if (rc == 0 && st != NULL)
        st->rejected += cs.invalid;
    json_decref(arr);
    return rc;
}
