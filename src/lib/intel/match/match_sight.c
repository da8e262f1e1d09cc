/*
 * Sightings (STIX 2.1 4.14, X.1217 8.2.4 feedback): one record per sighted
 * compiled value with count, first/last seen and the first observation that
 * matched; written as STIX 2.1 sighting objects, one JSON object per line.
 */
#include <stdlib.h>
#include <string.h>

#include "match_internal.h"
#include "sg17/crypto.h"

#define MAX_SIGHTINGS 10000000U

typedef struct rec {
    uint32_t hit;
    uint64_t count;
    int64_t first, last;
    uint64_t line;
    sg17_intel_kind kind;
    char field[40];
    char what[128];
    char src[160];
    char value[256];
} rec;

#define MAX_SOURCES 4096U
#define MAX_HOURS 100000U

typedef struct hour_count {
    int64_t hour;
    uint64_t n;
} hour_count;

struct sg17_intel_sightings {
    const sg17_intel_snapshot *s;
    uint32_t *slot; /* per compiled value: record index + 1 */
    rec *recs;
    size_t n, cap;
    /* situation-awareness counters */
    uint64_t hits, other_source, other_hour;
    uint64_t by_kind[SG17_INTEL_KIND_COUNT];
    uint64_t by_fs11[4];
    char **src_name;
    uint64_t *src_n;
    size_t n_src;
    hour_count *hours;
    size_t n_hours, cap_hours;
};

/* Count one hit; bounded tables, overflow counted as "other". */
static int count_hit(sg17_intel_sightings *g, uint32_t h, const char *src, int64_t ts)
{
    const im_meta *m = &g->s->meta[h];
    g->hits++;
    g->by_kind[m->kop & 0x1FU]++;
    g->by_fs11[m->fs11 & 3U]++;
    if (src == NULL)
        src = "";
    size_t i = 0;
    while (i < g->n_src && strcmp(g->src_name[i], src) != 0)
        i++;
    if (i == g->n_src) {
        if (g->n_src >= MAX_SOURCES) {
            g->other_source++;
            i = SIZE_MAX;
        } else {
            if (g->src_name == NULL) {
                g->src_name = calloc(MAX_SOURCES, sizeof *g->src_name);
                g->src_n = calloc(MAX_SOURCES, sizeof *g->src_n);
                if (g->src_name == NULL || g->src_n == NULL)
                    return SG17_E_NOMEM;
            }
            size_t l = strlen(src);
            g->src_name[i] = malloc(l + 1);
            if (g->src_name[i] == NULL)
                return SG17_E_NOMEM;
            memcpy(g->src_name[i], src, l + 1);
            g->n_src++;
        }
    }
    if (i != SIZE_MAX)
        g->src_n[i]++;
    int64_t hour = ts - ts % 3600;
    size_t lo = 0, hi = g->n_hours; /* sorted by hour */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (g->hours[mid].hour < hour)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo < g->n_hours && g->hours[lo].hour == hour) {
        g->hours[lo].n++;
        return 0;
    }
    if (g->n_hours >= MAX_HOURS) {
        g->other_hour++;
        return 0;
    }
    if (g->n_hours == g->cap_hours) {
        size_t nc = g->cap_hours ? g->cap_hours * 2 : 64;
        hour_count *nh = realloc(g->hours, nc * sizeof *nh);
        if (nh == NULL)
            return SG17_E_NOMEM;
        g->hours = nh;
        g->cap_hours = nc;
    }
    memmove(&g->hours[lo + 1], &g->hours[lo], (g->n_hours - lo) * sizeof *g->hours);
    g->hours[lo].hour = hour;
    g->hours[lo].n = 1;
    g->n_hours++;
    return 0;
}

int sg17_intel_sightings_new(sg17_intel_sightings **out, const sg17_intel_snapshot *s)
{
    if (out == NULL || s == NULL)
        return SG17_E_INVAL;
    sg17_intel_sightings *g = calloc(1, sizeof *g);
    if (g == NULL)
        return SG17_E_NOMEM;
    g->s = s;
    g->slot = calloc(s->n ? s->n : 1, sizeof *g->slot);
    if (g->slot == NULL) {
        free(g);
        return SG17_E_NOMEM;
    }
    *out = g;
    return 0;
}

void sg17_intel_sightings_free(sg17_intel_sightings *g)
{
    if (g == NULL)
        return;
    free(g->slot);
    free(g->recs);
    for (size_t i = 0; i < g->n_src; i++)
        free(g->src_name[i]);
    free(g->src_name);
    free(g->src_n);
    free(g->hours);
    free(g);
}

size_t sg17_intel_sightings_count(const sg17_intel_sightings *g)
{
    return g ? g->n : 0;
}

static void copy_str(char *dst, size_t cap, const char *src, size_t len)
{
    if (src == NULL)
        src = "";
    if (len >= cap)
        len = cap - 1;
    memcpy(dst, src, len);
    dst[len] = '\0';
}

static int record(sg17_intel_sightings *g, uint32_t h, const sg17_intel_obs *obs,
                  const sg17_intel_obs_field *f, const char *src, uint64_t line)
{
    uint32_t k = g->slot[h];
    if (k != 0) {
        rec *r = &g->recs[k - 1];
        r->count++;
        if (obs->ts != 0 && (r->first == 0 || obs->ts < r->first))
            r->first = obs->ts;
        if (obs->ts > r->last)
            r->last = obs->ts;
        return 0;
    }
    if (g->n >= MAX_SIGHTINGS)
        return SG17_E_LIMIT;
    if (g->n == g->cap) {
        size_t nc = g->cap ? g->cap * 2 : 64;
        rec *nr = realloc(g->recs, nc * sizeof *nr);
        if (nr == NULL)
            return SG17_E_NOMEM;
        g->recs = nr;
        g->cap = nc;
    }
    rec *r = &g->recs[g->n];
    memset(r, 0, sizeof *r);
    r->hit = h;
    r->count = 1;
    r->first = r->last = obs->ts;
    r->line = line;
    r->kind = f->kind;
    copy_str(r->field, sizeof r->field, f->name, f->name ? strlen(f->name) : 0);
    copy_str(r->what, sizeof r->what, obs->what, obs->what ? strlen(obs->what) : 0);
    copy_str(r->src, sizeof r->src, src, src ? strlen(src) : 0);
    copy_str(r->value, sizeof r->value, f->value, f->len);
    g->n++;
    g->slot[h] = (uint32_t)g->n;
    return 0;
}

int sg17_intel_sightings_observe(sg17_intel_sightings *g, const sg17_intel_obs *obs,
                                 const char *src, uint64_t line)
{
    if (g == NULL || obs == NULL)
        return SG17_E_INVAL;
    int total = 0;
    sg17_intel_hit hits[16];
    for (size_t i = 0; i < obs->n && i < SG17_INTEL_OBS_MAX_FIELDS; i++) {
        const sg17_intel_obs_field *f = &obs->f[i];
        size_t nh = sg17_intel_lookup(g->s, f->kind, f->value, f->len, obs->ts, hits, 16);
        for (size_t j = 0; j < nh; j++) {
            int rc = record(g, hits[j], obs, f, src, line);
            if (rc == 0)
                rc = count_hit(g, hits[j], src, obs->ts);
            if (rc != 0)
                return rc;
            total++;
        }
    }
    return total;
}

/* Address of an IPv4-typed field, or -1. */
static int field_v4(const sg17_intel_obs_field *f, uint32_t *a)
{
    if (f->kind != SG17_INTEL_IPV4 && f->kind != SG17_INTEL_GTP_PEER)
        return -1;
    return im_parse_ipv4(f->value, f->len, a);
}

/*
 * Bring what the lookups of a chunk of observations will touch into cache,
 * in three rounds that each issue all their loads before any is needed:
 * (1) the IPv4 bucket and the prefix-index entry of every address; (2) the
 * prefix segment, and the sightings slot of an exact hit; (3) the meta run
 * and sightings slot of the longest prefix.
 */
static void prefetch_chunk(const sg17_intel_sightings *g, const uint32_t *a, size_t na)
{
    const sg17_intel_snapshot *s = g->s;
    const im_lpm *l = &s->lpm4;
    for (size_t i = 0; i < na; i++) {
        if (s->v4.nb > 0)
            __builtin_prefetch(im_tab_line(&s->v4, im_hash_v4(a[i])));
        if (l->prefixes > 0)
            __builtin_prefetch(&l->bucket[(size_t)(a[i] >> (32U - l->bbits))]);
    }
    for (size_t i = 0; i < na; i++) {
        if (s->v4.nb > 0) {
            uint32_t r = im_tab_find_v4(&s->v4, a[i], im_hash_v4(a[i]));
            if (r != 0)
                __builtin_prefetch(&g->slot[(r & IM_REF_IDX) - 1U]);
        }
        if (l->prefixes > 0) {
            uint32_t lo = l->bucket[(size_t)(a[i] >> (32U - l->bbits))];
            __builtin_prefetch(&l->seg4[lo]);
        }
    }
    for (size_t i = 0; i < na && l->prefixes > 0; i++) {
        size_t h = im_lpm_find(l, a[i]);
        if (h != IM_NONE) {
            size_t m = h & ~(size_t)IM_SEG_SIMPLE;
            if (!(h & IM_SEG_SIMPLE))
                __builtin_prefetch(&s->meta[m]);
            __builtin_prefetch(&g->slot[m]);
        }
    }
}

int sg17_intel_sightings_observe_batch(sg17_intel_sightings *g, const sg17_intel_obs *obs,
                                       size_t n, const char *src, const uint64_t *lines,
                                       int *hits_out)
{
    enum { CHUNK = 16, MAXA = 64 };
    if (g == NULL || (obs == NULL && n > 0) || lines == NULL)
        return SG17_E_INVAL;
    int total = 0;
    for (size_t c = 0; c < n; c += CHUNK) {
        size_t m = n - c < CHUNK ? n - c : CHUNK;
        uint32_t a[MAXA];
        size_t na = 0;
        for (size_t i = 0; i < m; i++)
            for (size_t j = 0; j < obs[c + i].n && j < SG17_INTEL_OBS_MAX_FIELDS && na < MAXA; j++)
                if (field_v4(&obs[c + i].f[j], &a[na]) == 0)
                    na++;
        prefetch_chunk(g, a, na);
        for (size_t i = 0; i < m; i++) {
            int h = sg17_intel_sightings_observe(g, &obs[c + i], src, lines[c + i]);
            if (h < 0)
                return h;
            if (hits_out != NULL)
                hits_out[c + i] = h;
            total = total > INT32_MAX - h ? INT32_MAX : total + h;
        }
    }
    return total;
}

static void uuid_str(const uint8_t u[16], char out[37])
{
    static const char hx[] = "0123456789abcdef";
    size_t o = 0;
    for (size_t i = 0; i < 16; i++) {
        if (i == 4 || i == 6 || i == 8 || i == 10)
            out[o++] = '-';
        out[o++] = hx[u[i] >> 4];
        out[o++] = hx[u[i] & 15U];
    }
    out[o] = '\0';
}

static json_t *sighting_json(const sg17_intel_sightings *g, const rec *r, const char *now_s)
{
    sg17_intel_hit_info hi;
    if (sg17_intel_hit_describe(g->s, r->hit, &hi) != 0)
        return NULL;
    uint8_t u[16];
    if (sg17_randombytes(u, sizeof u) != 0)
        return NULL;
    u[6] = (uint8_t)((u[6] & 0x0FU) | 0x40U); /* UUIDv4 (STIX 2.1 2.9) */
    u[8] = (uint8_t)((u[8] & 0x3FU) | 0x80U);
    char us[37], ind[37], id[64], ref[64], first[40], last[40];
    uuid_str(u, us);
    uuid_str(hi.id, ind);
    snprintf(id, sizeof id, "sighting--%s", us);
    snprintf(ref, sizeof ref, "indicator--%s", ind);
    json_t *o = json_object();
    json_t *ob = json_object();
    if (o == NULL || ob == NULL) {
        json_decref(o);
        json_decref(ob);
        return NULL;
    }
    json_object_set_new(o, "type", json_string("sighting"));
    json_object_set_new(o, "spec_version", json_string("2.1"));
    json_object_set_new(o, "id", json_string(id));
    json_object_set_new(o, "created", json_string(now_s));
    json_object_set_new(o, "modified", json_string(now_s));
    json_object_set_new(o, "sighting_of_ref", json_string(ref));
    json_object_set_new(o, "count", json_integer((json_int_t)(r->count > 999999999 ? 999999999 : r->count)));
    if (r->first != 0) {
        im_format_ts(r->first, first, sizeof first);
        im_format_ts(r->last, last, sizeof last);
        json_object_set_new(o, "first_seen", json_string(first));
        json_object_set_new(o, "last_seen", json_string(last));
    }
    json_object_set_new(ob, "format", json_string(r->what));
    json_object_set_new(ob, "source", json_string(r->src));
    json_object_set_new(ob, "line", json_integer((json_int_t)r->line));
    json_object_set_new(ob, "field", json_string(r->field));
    json_object_set_new(ob, "value", json_stringn(r->value, strlen(r->value)));
    json_object_set_new(ob, "indicator_type", json_string(sg17_intel_kind_name(hi.kind)));
    json_object_set_new(ob, "indicator_value", json_string(hi.value));
    json_object_set_new(o, "x_sg17_observation", ob);
    if (hi.fs11)
        json_object_set_new(o, "x_sg17_fs11_category", json_integer(hi.fs11));
    if (hi.confidence)
        json_object_set_new(o, "confidence", json_integer(hi.confidence));
    return o;
}

int sg17_intel_sightings_write(const sg17_intel_sightings *g, int64_t now, FILE *out)
{
    if (g == NULL || out == NULL)
        return SG17_E_INVAL;
    char now_s[40];
    im_format_ts(now, now_s, sizeof now_s);
    for (size_t i = 0; i < g->n; i++) {
        json_t *o = sighting_json(g, &g->recs[i], now_s);
        if (o == NULL)
            return SG17_E_NOMEM;
        int rc = json_dumpf(o, out, JSON_COMPACT | JSON_ENSURE_ASCII);
        json_decref(o);
        if (rc != 0 || fputc('\n', out) == EOF)
            return SG17_E_IO;
    }
    return 0;
}

int sg17_intel_sightings_counters_write(const sg17_intel_sightings *g, FILE *out)
{
    if (g == NULL || out == NULL)
        return SG17_E_INVAL;
    json_t *o = json_object(), *bt = json_object(), *bf = json_object(), *bs = json_object(),
           *bh = json_object();
    if (!o || !bt || !bf || !bs || !bh) {
        json_decref(o);
        json_decref(bt);
        json_decref(bf);
        json_decref(bs);
        json_decref(bh);
        return SG17_E_NOMEM;
    }
    json_object_set_new(o, "hits", json_integer((json_int_t)g->hits));
    for (int k = 1; k < SG17_INTEL_KIND_COUNT; k++)
        if (g->by_kind[k])
            json_object_set_new(bt, sg17_intel_kind_name((sg17_intel_kind)k),
                                json_integer((json_int_t)g->by_kind[k]));
    for (int c = 0; c < 4; c++) {
        char key[2] = {(char)('0' + c), '\0'};
        if (g->by_fs11[c])
            json_object_set_new(bf, c ? key : "none", json_integer((json_int_t)g->by_fs11[c]));
    }
    for (size_t i = 0; i < g->n_src; i++)
        json_object_set_new(bs, g->src_name[i], json_integer((json_int_t)g->src_n[i]));
    if (g->other_source)
        json_object_set_new(bs, "other", json_integer((json_int_t)g->other_source));
    for (size_t i = 0; i < g->n_hours; i++) {
        char ts[40];
        if (g->hours[i].hour == 0)
            memcpy(ts, "unknown", 8);
        else
            im_format_ts(g->hours[i].hour, ts, sizeof ts);
        json_object_set_new(bh, ts, json_integer((json_int_t)g->hours[i].n));
    }
    if (g->other_hour)
        json_object_set_new(bh, "other", json_integer((json_int_t)g->other_hour));
    json_object_set_new(o, "by_type", bt);
    json_object_set_new(o, "by_fs11_category", bf);
    json_object_set_new(o, "by_source", bs);
    json_object_set_new(o, "by_hour", bh);
    int rc = json_dumpf(o, out, JSON_COMPACT | JSON_ENSURE_ASCII);
    json_decref(o);
    if (rc != 0 || fputc('\n', out) == EOF)
        return SG17_E_IO;
    return 0;
}
