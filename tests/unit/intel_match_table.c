/* Differential test of the matcher's bucketed hash tables (IPv4 table and
 * general table, src/lib/intel/match/match_table.c): random indicator sets
 * with many values shared by several indicators, validity windows and CIDR
 * prefixes are compiled, and every lookup (one at a time and batched) must
 * return exactly the hits, in the same order, as a linear scan over the
 * added indicators. Also checks that the overflow and wrap-around paths of
 * the tables were exercised, and that the IPv4 table keeps to its memory
 * budget. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "intel/match/match_internal.h"
#include "sg17/intel_match.h"
#include "tap.h"

#define MAXI 40000
#define MAXH 64

typedef struct ref_ind {
    sg17_intel_kind kind;
    sg17_intel_op op;
    char value[80];
    uint32_t addr; /* IPv4 exact / prefix */
    unsigned plen; /* IPv4 prefix length; digit prefix length */
    int64_t vfrom, vuntil;
} ref_ind;

static ref_ind *g_ref;
static size_t g_n;

static int ref_valid(const ref_ind *r, int64_t now)
{
    if (now <= 0)
        return 1;
    if (r->vfrom != 0 && now < r->vfrom)
        return 0;
    if (r->vuntil != 0 && now >= r->vuntil)
        return 0;
    return 1;
}

static int add_ind(sg17_intel_builder *b, sg17_intel_kind kind, sg17_intel_op op, const char *v,
                   uint32_t addr, unsigned plen)
{
    if (g_n >= MAXI)
        return 0;
    ref_ind *r = &g_ref[g_n];
    memset(r, 0, sizeof *r);
    r->kind = kind;
    r->op = op;
    snprintf(r->value, sizeof r->value, "%s", v);
    r->addr = addr;
    r->plen = plen;
    uint64_t t = tap_rand_u64();
    if (t % 4 == 0) { /* a quarter of the indicators have a validity window */
        r->vfrom = (int64_t)(1000 + (t >> 8) % 1000);
        r->vuntil = (t >> 20) % 3 ? r->vfrom + (int64_t)((t >> 24) % 2000) + 1 : 0;
    }
    sg17_intel_ind ind;
    memset(&ind, 0, sizeof ind);
    ind.kind = kind;
    ind.op = op;
    ind.value = r->value;
    ind.id[0] = (uint8_t)g_n;
    ind.id[1] = (uint8_t)(g_n >> 8);
    ind.id[2] = (uint8_t)(g_n >> 16);
    ind.id[15] = 0x5A;
    ind.valid_from = r->vfrom;
    ind.valid_until = r->vuntil;
    int rc = sg17_intel_builder_add(b, &ind);
    if (rc == 0)
        g_n++;
    return rc;
}

/* Reference: hits of an IPv4 address (exact in add order, then every
 * indicator of the longest containing prefix, valid ones, in add order). */
static size_t ref_v4(uint32_t a, int64_t now, size_t *out)
{
    size_t k = 0;
    for (size_t i = 0; i < g_n; i++)
        if (g_ref[i].op == SG17_INTEL_EXACT &&
            (g_ref[i].kind == SG17_INTEL_IPV4 || g_ref[i].kind == SG17_INTEL_GTP_PEER) &&
            g_ref[i].addr == a && ref_valid(&g_ref[i], now) && k < MAXH)
            out[k++] = i;
    int best = -1;
    for (size_t i = 0; i < g_n; i++) {
        const ref_ind *r = &g_ref[i];
        if (r->op != SG17_INTEL_PREFIX || r->kind != SG17_INTEL_IPV4)
            continue;
        uint32_t mask = r->plen ? 0xFFFFFFFFU << (32 - r->plen) : 0;
        if ((a & mask) == r->addr && (int)r->plen > best)
            best = (int)r->plen;
    }
    for (size_t i = 0; best >= 0 && i < g_n; i++) {
        const ref_ind *r = &g_ref[i];
        uint32_t mask = best ? 0xFFFFFFFFU << (32 - best) : 0;
        if (r->op == SG17_INTEL_PREFIX && r->kind == SG17_INTEL_IPV4 && (int)r->plen == best &&
            (a & mask) == r->addr && ref_valid(r, now) && k < MAXH)
            out[k++] = i;
    }
    return k;
}

/* Reference for the general table: a domain (itself, then each parent), an
 * IMSI (exact, then the longest prefix with a valid hit), or exact kinds. */
static size_t ref_str(sg17_intel_kind kind, const char *q, int64_t now, size_t *out)
{
    size_t k = 0, ql = strlen(q);
    if (kind == SG17_INTEL_DOMAIN) {
        for (const char *p = q; p != NULL; p = strchr(p, '.') ? strchr(p, '.') + 1 : NULL)
            for (size_t i = 0; i < g_n; i++)
                if (g_ref[i].kind == kind && strcmp(g_ref[i].value, p) == 0 &&
                    ref_valid(&g_ref[i], now) && k < MAXH)
                    out[k++] = i;
        return k;
    }
    for (size_t i = 0; i < g_n; i++)
        if (g_ref[i].kind == kind && g_ref[i].op == SG17_INTEL_EXACT &&
            strcmp(g_ref[i].value, q) == 0 && ref_valid(&g_ref[i], now) && k < MAXH)
            out[k++] = i;
    if (kind != SG17_INTEL_IMSI)
        return k;
    for (size_t l = ql < 10 ? ql : 10; l >= 5; l--) { /* the test's prefixes: 5..10 digits */
        size_t k0 = k;
        for (size_t i = 0; i < g_n; i++)
            if (g_ref[i].kind == kind && g_ref[i].op == SG17_INTEL_PREFIX && g_ref[i].plen == l &&
                strncmp(g_ref[i].value, q, l) == 0 && ref_valid(&g_ref[i], now) && k < MAXH)
                out[k++] = i;
        if (k > k0)
            break;
    }
    return k;
}

/* Compare the snapshot's hits (by the index carried in the id) with the reference. */
static int same_hits(const sg17_intel_snapshot *s, const sg17_intel_hit *h, size_t n,
                     const size_t *want, size_t nw)
{
    if (n != nw)
        return 0;
    for (size_t i = 0; i < n; i++) {
        sg17_intel_hit_info hi;
        if (sg17_intel_hit_describe(s, h[i], &hi) != 0)
            return 0;
        size_t idx = (size_t)hi.id[0] | (size_t)hi.id[1] << 8 | (size_t)hi.id[2] << 16;
        if (idx != want[i])
            return 0;
    }
    return 1;
}

static uint32_t pool_addr(size_t pool)
{
    /* a small pool: many addresses carry several indicators */
    return 0x0A000000U | (uint32_t)((tap_rand_u64() % pool) * 2654435761U % 0xFFFFFFU);
}

static void round_v4(size_t n, size_t pool, unsigned n_prefix, int64_t build_now)
{
    sg17_intel_builder *b;
    sg17_intel_snapshot *s;
    if (sg17_intel_builder_new(&b) != 0) {
        tap_ok(0, "builder");
        return;
    }
    g_n = 0;
    char v[40];
    int bad_add = 0;
    for (size_t i = 0; i < n; i++) {
        uint32_t a = pool_addr(pool);
        snprintf(v, sizeof v, "%u.%u.%u.%u", a >> 24, (a >> 16) & 255U, (a >> 8) & 255U, a & 255U);
        bad_add |= add_ind(b, i % 7 == 3 ? SG17_INTEL_GTP_PEER : SG17_INTEL_IPV4,
                           SG17_INTEL_EXACT, v, a, 32) != 0;
    }
    for (unsigned i = 0; i < n_prefix; i++) {
        unsigned len = 8 + (unsigned)(tap_rand_u64() % 23);
        uint32_t a = pool_addr(pool) & (0xFFFFFFFFU << (32 - len));
        snprintf(v, sizeof v, "%u.%u.%u.%u/%u", a >> 24, (a >> 16) & 255U, (a >> 8) & 255U,
                 a & 255U, len);
        bad_add |= add_ind(b, SG17_INTEL_IPV4, SG17_INTEL_PREFIX, v, a, len) != 0;
    }
    if (build_now > 0) { /* the reference forgets what the build expires */
        size_t dropped = 0;
        for (size_t i = 0; i < g_n; i++) {
            if (g_ref[i].vuntil != 0 && g_ref[i].vuntil <= build_now) {
                g_ref[i].kind = SG17_INTEL_NONE;
                dropped++;
            }
        }
        tap_diag("build at t=%lld drops %zu of %zu", (long long)build_now, dropped, g_n);
    }
    int rc = sg17_intel_builder_build(b, build_now, &s);
    tap_ok(rc == 0 && !bad_add, "IPv4 build: %zu exact over %zu addresses, %u prefixes", n, pool,
           n_prefix);
    if (rc != 0) {
        sg17_intel_builder_free(b);
        return;
    }
    enum { Q = 2000 };
    static uint32_t qa[Q];
    static sg17_intel_hit qout[Q];
    size_t wrong = 0, with_hits = 0, multi = 0;
    static const int64_t nows[] = {0, 999, 1500, 2200, 5000};
    for (size_t ni = 0; ni < sizeof nows / sizeof nows[0]; ni++) {
        int64_t now = nows[ni];
        if (build_now > 0 && now != 0 && now < build_now)
            continue; /* expired values are gone from the snapshot for good */
        for (size_t q = 0; q < Q; q++) {
            uint32_t a = q % 3 ? pool_addr(pool) : (uint32_t)tap_rand_u64();
            qa[q] = a;
            sg17_intel_hit h[MAXH];
            size_t want[MAXH];
            size_t nh = sg17_intel_lookup_ipv4(s, a, now, h, MAXH);
            size_t nw = ref_v4(a, now, want);
            with_hits += nw > 0;
            multi += nw > 1;
            if (!same_hits(s, h, nh, want, nw) && wrong++ < 3)
                tap_diag("addr %08x now %lld: %zu hits, want %zu", a, (long long)now, nh, nw);
        }
        /* batch: first hit of each, as one at a time with max 1 */
        size_t found = sg17_intel_lookup_ipv4_batch(s, qa, Q, now, qout), f2 = 0;
        for (size_t q = 0; q < Q; q++) {
            sg17_intel_hit h1;
            size_t n1 = sg17_intel_lookup_ipv4(s, qa[q], now, &h1, 1);
            f2 += n1;
            if ((n1 ? h1 : SG17_INTEL_NO_HIT) != qout[q] && wrong++ < 3)
                tap_diag("batch differs at %zu", q);
        }
        if (found != f2)
            wrong++;
    }
    tap_ok(wrong == 0 && with_hits > 1000 && multi > 100,
           "IPv4 lookups = linear scan (%zu wrong; %zu with hits, %zu with several)", wrong,
           with_hits, multi);
    /* the IPv4 table's overflow paths were exercised */
    size_t ovf = 0;
    for (size_t bk = 0; bk < s->v4.nb; bk++)
        ovf += (s->v4.slots[bk * IM_BUCKET_SLOTS + IM_BUCKET_SLOTS - 1].ref & IM_REF_OVF) != 0;
    if (pool > n) /* a dense table: some buckets must have spilled */
        tap_ok(ovf > 0, "%zu of %zu buckets overflowed", ovf, s->v4.nb);
    sg17_intel_snapshot_free(s);
    sg17_intel_builder_free(b);
}

/* 15 pseudo-random digits: prefixes of different r rarely agree */
static void imsi_of(uint64_t r, char *v)
{
    snprintf(v, 16, "%015llu", (unsigned long long)((r * 2654435761ULL + 12345) % 1000000000000000ULL));
}

static void round_general(size_t n, size_t pool)
{
    sg17_intel_builder *b;
    sg17_intel_snapshot *s;
    if (sg17_intel_builder_new(&b) != 0) {
        tap_ok(0, "builder");
        return;
    }
    g_n = 0;
    char v[80];
    int bad_add = 0;
    for (size_t i = 0; i < n; i++) {
        uint64_t r = tap_rand_u64() % pool;
        switch (i % 4) {
        case 0:
            snprintf(v, sizeof v, "h%llu.d%llu.example", (unsigned long long)(r % 97),
                     (unsigned long long)(r / 97));
            if (i % 8 == 0) /* parent domains too */
                snprintf(v, sizeof v, "d%llu.example", (unsigned long long)(r / 97));
            bad_add |= add_ind(b, SG17_INTEL_DOMAIN, SG17_INTEL_EXACT, v, 0, 0) != 0;
            break;
        case 1:
            snprintf(v, sizeof v, "%064llx", (unsigned long long)(r * 0x9E3779B97F4A7C15ULL));
            bad_add |= add_ind(b, SG17_INTEL_SHA256, SG17_INTEL_EXACT, v, 0, 0) != 0;
            break;
        case 2:
            imsi_of(r, v);
            bad_add |= add_ind(b, SG17_INTEL_IMSI, SG17_INTEL_EXACT, v, 0, 0) != 0;
            break;
        default: {
            unsigned l = 5 + (unsigned)(r % 6); /* prefixes of 5..10 digits */
            imsi_of(r, v);
            v[l] = '\0';
            bad_add |= add_ind(b, SG17_INTEL_IMSI, SG17_INTEL_PREFIX, v, 0, l) != 0;
            break;
        }
        }
    }
    int rc = sg17_intel_builder_build(b, 0, &s);
    tap_ok(rc == 0 && !bad_add, "general build: %zu values over a pool of %zu", n, pool);
    if (rc != 0) {
        sg17_intel_builder_free(b);
        return;
    }
    size_t wrong = 0, with_hits = 0, multi = 0;
    static const int64_t nows[] = {0, 1500, 2500};
    for (size_t ni = 0; ni < 3; ni++) {
        for (size_t q = 0; q < 2000; q++) {
            uint64_t r = tap_rand_u64() % pool;
            sg17_intel_kind kind;
            switch (q % 3) {
            case 0:
                kind = SG17_INTEL_DOMAIN;
                snprintf(v, sizeof v, "%sh%llu.d%llu.example", q % 2 ? "www." : "",
                         (unsigned long long)(r % 97), (unsigned long long)(r / 97));
                break;
            case 1:
                kind = SG17_INTEL_SHA256;
                snprintf(v, sizeof v, "%064llx", (unsigned long long)(r * 0x9E3779B97F4A7C15ULL));
                break;
            default:
                kind = SG17_INTEL_IMSI;
                imsi_of(r, v);
                break;
            }
            sg17_intel_hit h[MAXH];
            size_t want[MAXH];
            size_t nh = sg17_intel_lookup(s, kind, v, strlen(v), nows[ni], h, MAXH);
            size_t nw = ref_str(kind, v, nows[ni], want);
            with_hits += nw > 0;
            multi += nw > 1;
            if (!same_hits(s, h, nh, want, nw) && wrong++ < 3)
                tap_diag("%s now %lld: %zu hits, want %zu", v, (long long)nows[ni], nh, nw);
        }
    }
    tap_ok(wrong == 0 && with_hits > 1000 && multi > 100,
           "general lookups = linear scan (%zu wrong; %zu with hits, %zu with several)", wrong,
           with_hits, multi);
    sg17_intel_snapshot_free(s);
    sg17_intel_builder_free(b);
}

/* Every table size from 1 to 300 keys: found keys, absent keys, and at least
 * one table whose last bucket spilled into bucket 0 (wrap-around). */
static void sizes_and_wrap(void)
{
    size_t wraps = 0, wrong = 0;
    for (size_t n = 1; n <= 300; n++) {
        sg17_intel_builder *b;
        sg17_intel_snapshot *s;
        if (sg17_intel_builder_new(&b) != 0)
            return;
        char v[32];
        uint32_t base = (uint32_t)tap_rand_u64();
        for (size_t i = 0; i < n; i++) {
            uint32_t a = base + (uint32_t)i * 977U;
            snprintf(v, sizeof v, "%u.%u.%u.%u", a >> 24, (a >> 16) & 255U, (a >> 8) & 255U,
                     a & 255U);
            sg17_intel_ind ind;
            memset(&ind, 0, sizeof ind);
            ind.kind = SG17_INTEL_IPV4;
            ind.value = v;
            if (sg17_intel_builder_add(b, &ind) != 0)
                wrong++;
        }
        if (sg17_intel_builder_build(b, 0, &s) != 0) {
            wrong++;
            sg17_intel_builder_free(b);
            continue;
        }
        sg17_intel_hit h[2];
        for (size_t i = 0; i < n; i++) {
            uint32_t a = base + (uint32_t)i * 977U;
            if (sg17_intel_lookup_ipv4(s, a, 0, h, 2) != 1 ||
                sg17_intel_lookup_ipv4(s, a + 1U, 0, h, 2) != 0)
                wrong++;
        }
        if (s->v4.nb > 0 &&
            (s->v4.slots[(s->v4.nb - 1) * IM_BUCKET_SLOTS + IM_BUCKET_SLOTS - 1].ref & IM_REF_OVF))
            wraps++;
        sg17_intel_snapshot_free(s);
        sg17_intel_builder_free(b);
    }
    tap_ok(wrong == 0, "tables of 1..300 keys: every key found, neighbours absent (%zu wrong)",
           wrong);
    tap_ok(wraps > 0, "%zu tables wrapped from the last bucket to the first", wraps);
}

/* Memory: an IPv4 indicator costs one 32-byte meta + its share of the table. */
static void ipv4_budget(void)
{
    sg17_intel_builder *b;
    sg17_intel_snapshot *s;
    if (sg17_intel_builder_new(&b) != 0)
        return;
    char v[32];
    for (uint32_t i = 0; i < 50000; i++) {
        uint32_t a = 0x0B000000U + i * 7U;
        snprintf(v, sizeof v, "%u.%u.%u.%u", a >> 24, (a >> 16) & 255U, (a >> 8) & 255U, a & 255U);
        sg17_intel_ind ind;
        memset(&ind, 0, sizeof ind);
        ind.kind = SG17_INTEL_IPV4;
        ind.value = v;
        if (sg17_intel_builder_add(b, &ind) != 0)
            break;
    }
    if (sg17_intel_builder_build(b, 0, &s) == 0) {
        sg17_intel_snapshot_stats st;
        sg17_intel_snapshot_stats_get(s, &st);
        double per = (double)st.bytes / (double)st.values;
        tap_ok(st.values == 50000 && per <= 48.0, "%.1f bytes per IPv4 indicator (<= 48)", per);
        sg17_intel_snapshot_free(s);
    } else {
        tap_ok(0, "build");
    }
    sg17_intel_builder_free(b);
}

/* Sightings JSON Lines without the (random) sighting ids. */
static char *sightings_text(const sg17_intel_sightings *g)
{
    char *buf = NULL, *out = NULL;
    size_t len = 0, olen = 0;
    FILE *f = open_memstream(&buf, &len);
    if (f == NULL)
        return NULL;
    int rc = sg17_intel_sightings_write(g, 1700000000, f);
    fclose(f);
    FILE *o = open_memstream(&out, &olen);
    if (o == NULL || rc != 0) {
        free(buf);
        if (o)
            fclose(o);
        free(out);
        return NULL;
    }
    for (char *line = buf; line && *line;) {
        char *nl = strchr(line, '\n');
        json_t *j = json_loadb(line, nl ? (size_t)(nl - line) : strlen(line), 0, NULL);
        if (j) {
            json_object_del(j, "id");
            char *d = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);
            if (d)
                fprintf(o, "%s\n", d);
            free(d);
            json_decref(j);
        }
        line = nl ? nl + 1 : NULL;
    }
    if (sg17_intel_sightings_counters_write(g, o) != 0)
        fputs("counters failed\n", o);
    fclose(o);
    free(buf);
    return out;
}

/* observe_batch gives what one observe call per line gives. */
static void batch_observe(void)
{
    sg17_intel_builder *b;
    sg17_intel_snapshot *s = NULL;
    if (sg17_intel_builder_new(&b) != 0)
        return;
    g_n = 0;
    char v[40];
    for (size_t i = 0; i < 3000; i++) {
        uint32_t a = pool_addr(5000);
        snprintf(v, sizeof v, "%u.%u.%u.%u", a >> 24, (a >> 16) & 255U, (a >> 8) & 255U, a & 255U);
        if (add_ind(b, SG17_INTEL_IPV4, SG17_INTEL_EXACT, v, a, 32) != 0)
            tap_ok(0, "add");
    }
    for (size_t i = 0; i < 100; i++) {
        unsigned len = 12 + (unsigned)(tap_rand_u64() % 15);
        uint32_t a = pool_addr(5000) & (0xFFFFFFFFU << (32 - len));
        snprintf(v, sizeof v, "%u.%u.%u.%u/%u", a >> 24, (a >> 16) & 255U, (a >> 8) & 255U,
                 a & 255U, len);
        if (add_ind(b, SG17_INTEL_IPV4, SG17_INTEL_PREFIX, v, a, len) != 0)
            tap_ok(0, "add prefix");
    }
    if (add_ind(b, SG17_INTEL_DOMAIN, SG17_INTEL_EXACT, "bad.example", 0, 0) != 0 ||
        sg17_intel_builder_build(b, 0, &s) != 0) {
        tap_ok(0, "build");
        sg17_intel_builder_free(b);
        return;
    }
    enum { L = 700 };
    static char bufs[L][160];
    static sg17_intel_obs obs[L];
    static uint64_t lines[L];
    static int per_batch[L];
    sg17_intel_log *r[2];
    sg17_intel_sightings *g[2];
    int ok = sg17_intel_log_new(&r[0], SG17_INTEL_LOG_NETFLOW) == 0 &&
             sg17_intel_log_new(&r[1], SG17_INTEL_LOG_NETFLOW) == 0 &&
             sg17_intel_sightings_new(&g[0], s) == 0 && sg17_intel_sightings_new(&g[1], s) == 0;
    if (!ok) {
        tap_ok(0, "readers");
        return;
    }
    size_t n = 0, wrong = 0;
    int single_total = 0;
    for (size_t i = 0; i < L; i++) {
        uint32_t a = pool_addr(5000), c = i % 4 ? (uint32_t)tap_rand_u64() : pool_addr(5000);
        if (i == 0)
            snprintf(bufs[i], sizeof bufs[i], "ts,src_addr,dst_addr,dst_port,proto,query");
        else
            snprintf(bufs[i], sizeof bufs[i], "%zu,%u.%u.%u.%u,%u.%u.%u.%u,443,tcp,%s",
                     1700000000 + i * 37, a >> 24, (a >> 16) & 255U, (a >> 8) & 255U, a & 255U,
                     c >> 24, (c >> 16) & 255U, (c >> 8) & 255U, c & 255U,
                     i % 9 ? "x.example" : "www.bad.example");
        char copy[160];
        memcpy(copy, bufs[i], sizeof copy);
        sg17_intel_obs o1;
        if (sg17_intel_log_line(r[0], copy, strlen(copy), &o1, NULL, 0) != 0 ||
            sg17_intel_log_line(r[1], bufs[i], strlen(bufs[i]), &obs[n], NULL, 0) != 0) {
            wrong++;
            continue;
        }
        int h = sg17_intel_sightings_observe(g[0], &o1, "flows.csv", i + 1);
        if (h < 0)
            wrong++;
        else
            single_total += h;
        lines[n++] = i + 1;
        per_batch[n - 1] = -1;
    }
    int total = sg17_intel_sightings_observe_batch(g[1], obs, n, "flows.csv", lines, per_batch);
    int sum = 0;
    for (size_t i = 0; i < n; i++)
        sum += per_batch[i] > 0 ? per_batch[i] : 0;
    char *t0 = sightings_text(g[0]), *t1 = sightings_text(g[1]);
    tap_ok(wrong == 0 && total == single_total && sum == total && single_total > 100,
           "observe_batch: %d hits, one call per line: %d (%zu lines)", total, single_total, n);
    tap_ok(t0 != NULL && t1 != NULL && strcmp(t0, t1) == 0 &&
               sg17_intel_sightings_count(g[0]) == sg17_intel_sightings_count(g[1]),
           "same sightings and counters (%zu sighted values)", sg17_intel_sightings_count(g[1]));
    free(t0);
    free(t1);
    for (int i = 0; i < 2; i++) {
        sg17_intel_sightings_free(g[i]);
        sg17_intel_log_free(r[i]);
    }
    sg17_intel_snapshot_free(s);
    sg17_intel_builder_free(b);
}

int main(void)
{
    tap_rand_seed(0x1217);
    g_ref = calloc(MAXI, sizeof *g_ref);
    if (g_ref == NULL)
        return 1;
    round_v4(3000, 800, 0, 0);       /* heavy sharing: several indicators per address */
    round_v4(20000, 30000, 300, 0);  /* a fuller table, with prefixes */
    round_v4(8000, 2000, 200, 1800); /* expiry at build time */
    round_general(8000, 3000);
    sizes_and_wrap();
    ipv4_budget();
    batch_observe();
    free(g_ref);
    return tap_done();
}
