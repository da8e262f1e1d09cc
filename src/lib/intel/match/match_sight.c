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

struct sg17_intel_sightings {
    const sg17_intel_snapshot *s;
    uint32_t *slot; /* per compiled value: record index + 1 */
    rec *recs;
    size_t n, cap;
};

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
            if (rc != 0)
                return rc;
            total++;
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
