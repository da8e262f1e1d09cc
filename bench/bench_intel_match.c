/*
 * Benchmark of the X.1217 indicator matcher (docs/INTEL.md), one core:
 *   bench_intel_match [N_MIXED] [N_IPV4] [N_CIDR] [LOG_LINES]
 * defaults 10000000 10000000 1000000 2000000:
 *   1. load N_MIXED mixed indicators (60 % IPv4, 5 % IPv4 CIDR, 5 % IPv6,
 *      (/16../30), 15 % domains, 10 % SHA-256, 5 % IMSI) through sg17_intel_builder_add
 *      and compile them (time, snapshot bytes per value);
 *   2. an IPv4-only snapshot of N_IPV4 addresses: bytes per IPv4 indicator,
 *      exact lookups/s (random addresses, half of them present);
 *   3. N_CIDR random prefixes /8../30: longest-prefix lookups/s;
 *   4. LOG_LINES synthetic Zeek conn lines parsed and matched end to end
 *      against the mixed snapshot (sightings recorded), lines/s, one line
 *      per observe call and 64 per observe_batch call.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench_util.h"
#include "sg17/intel_match.h"

static uint64_t rng = 0x9E3779B97F4A7C15ULL;
static uint64_t rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static void die(const char *what, int rc)
{
    fprintf(stderr, "bench_intel_match: %s: %s\n", what, sg17_strerror(rc));
    exit(3);
}

static void add_or_die(sg17_intel_builder *b, sg17_intel_ind *ind)
{
    int rc = sg17_intel_builder_add(b, ind);
    if (rc != 0 && rc != SG17_E_FORMAT)
        die("add", rc);
}

static uint32_t addr_of(uint64_t i)
{
    /* spread addresses, avoid 0.x: a multiplicative permutation of 32-bit space */
    return (uint32_t)(i * 2654435761U) | 0x01000000U;
}

static size_t load_mixed(size_t n, sg17_intel_snapshot **out, double *secs)
{
    sg17_intel_builder *b;
    if (sg17_intel_builder_new(&b) != 0)
        die("builder", SG17_E_NOMEM);
    char v[160];
    sg17_intel_ind ind;
    memset(&ind, 0, sizeof ind);
    ind.value = v;
    double t0 = bench_cpu_now_s();
    for (size_t i = 0; i < n; i++) {
        unsigned r = (unsigned)(i % 100);
        ind.id[0] = (uint8_t)i;
        ind.id[1] = (uint8_t)(i >> 8);
        ind.id[2] = (uint8_t)(i >> 16);
        ind.op = SG17_INTEL_EXACT;
        if (r < 60) {
            uint32_t a = addr_of(i);
            ind.kind = SG17_INTEL_IPV4;
            snprintf(v, sizeof v, "%u.%u.%u.%u", a >> 24, (a >> 16) & 255U, (a >> 8) & 255U,
                     a & 255U);
        } else if (r < 65) {
            uint32_t a = addr_of(i);
            unsigned len = 16 + (unsigned)(i % 15);
            a &= ~(0xFFFFFFFFU >> len);
            ind.kind = SG17_INTEL_IPV4;
            ind.op = SG17_INTEL_PREFIX;
            snprintf(v, sizeof v, "%u.%u.%u.%u/%u", a >> 24, (a >> 16) & 255U, (a >> 8) & 255U,
                     a & 255U, len);
        } else if (r < 70) {
            ind.kind = SG17_INTEL_IPV6;
            snprintf(v, sizeof v, "2001:db8:%x:%x::%x", (unsigned)(i >> 16) & 0xFFFFU,
                     (unsigned)i & 0xFFFFU, (unsigned)(i % 977));
        } else if (r < 85) {
            ind.kind = SG17_INTEL_DOMAIN;
            snprintf(v, sizeof v, "h%zx.bad%zu.example", i, i % 1000);
        } else if (r < 95) {
            ind.kind = SG17_INTEL_SHA256;
            snprintf(v, sizeof v, "%016llx%016llx%016llx%016llx", (unsigned long long)rnd(),
                     (unsigned long long)rnd(), (unsigned long long)rnd(),
                     (unsigned long long)i);
        } else {
            ind.kind = SG17_INTEL_IMSI;
            snprintf(v, sizeof v, "00101%010zu", i);
        }
        add_or_die(b, &ind);
    }
    double t1 = bench_cpu_now_s();
    int rc = sg17_intel_builder_build(b, 0, out);
    if (rc != 0)
        die("build", rc);
    double t2 = bench_cpu_now_s();
    sg17_intel_builder_free(b);
    *secs = t2 - t0;
    printf("load %zu mixed indicators: add+canonicalise %.2f s, compile %.2f s, total %.2f s\n",
           n, t1 - t0, t2 - t1, t2 - t0);
    return n;
}

/* Lookups of Q random query addresses, QREPS passes over them */
enum { Q = 1 << 22, QREPS = 4 };

/* Millions of lookups/s, one sg17_intel_lookup_ipv4 call per address; *hits:
 * the hits summed over all passes. */
static double rate_one(const sg17_intel_snapshot *s, const uint32_t *q, size_t *hits)
{
    sg17_intel_hit h[4];
    size_t n = 0;
    double t0 = bench_cpu_now_s();
    for (int rep = 0; rep < QREPS; rep++)
        for (size_t i = 0; i < Q; i++)
            n += sg17_intel_lookup_ipv4(s, q[i], 0, h, 4);
    double t1 = bench_cpu_now_s();
    *hits = n;
    return (double)QREPS * Q / (t1 - t0) / 1e6;
}

/* The same through sg17_intel_lookup_ipv4_batch (prefetching); *found summed likewise. */
static double rate_batch(const sg17_intel_snapshot *s, const uint32_t *q, size_t *found)
{
    sg17_intel_hit *out = malloc(Q * sizeof *out);
    if (out == NULL)
        die("alloc", SG17_E_NOMEM);
    size_t n = 0;
    double t0 = bench_cpu_now_s();
    for (int rep = 0; rep < QREPS; rep++)
        n += sg17_intel_lookup_ipv4_batch(s, q, Q, 0, out);
    double t1 = bench_cpu_now_s();
    free(out);
    *found = n;
    return (double)QREPS * Q / (t1 - t0) / 1e6;
}

static void ipv4_exact(size_t n)
{
    sg17_intel_builder *b;
    sg17_intel_snapshot *s;
    if (sg17_intel_builder_new(&b) != 0)
        die("builder", SG17_E_NOMEM);
    char v[32];
    sg17_intel_ind ind;
    memset(&ind, 0, sizeof ind);
    ind.kind = SG17_INTEL_IPV4;
    ind.value = v;
    for (size_t i = 0; i < n; i++) {
        uint32_t a = addr_of(i);
        snprintf(v, sizeof v, "%u.%u.%u.%u", a >> 24, (a >> 16) & 255U, (a >> 8) & 255U, a & 255U);
        ind.id[0] = (uint8_t)i;
        add_or_die(b, &ind);
    }
    int rc = sg17_intel_builder_build(b, 0, &s);
    if (rc != 0)
        die("build", rc);
    sg17_intel_builder_free(b);
    sg17_intel_snapshot_stats st;
    sg17_intel_snapshot_stats_get(s, &st);
    printf("IPv4-only snapshot: %zu values, %zu bytes, %.1f bytes per IPv4 indicator\n", st.values,
           st.bytes, (double)st.bytes / (double)st.values);
    uint32_t *q = malloc(Q * sizeof *q);
    if (q == NULL)
        die("alloc", SG17_E_NOMEM);
    for (size_t i = 0; i < Q; i++)
        q[i] = (i & 1) ? addr_of(rnd() % n) : (uint32_t)rnd();
    size_t hits = 0;
    double mps = rate_one(s, q, &hits);
    printf("IPv4 exact lookups, one at a time: %.2f M/s (%d lookups, %zu hits, random addresses, "
           "50 %% present)\n",
           mps, QREPS * Q, hits);
    mps = rate_batch(s, q, &hits);
    printf("IPv4 exact lookups, batch API (prefetching): %.2f M/s (%d lookups, %zu found)\n", mps,
           QREPS * Q, hits);
    free(q);
    sg17_intel_snapshot_free(s);
}

static void ipv4_cidr(size_t n)
{
    sg17_intel_builder *b;
    sg17_intel_snapshot *s;
    if (sg17_intel_builder_new(&b) != 0)
        die("builder", SG17_E_NOMEM);
    char v[40];
    sg17_intel_ind ind;
    memset(&ind, 0, sizeof ind);
    ind.kind = SG17_INTEL_IPV4;
    ind.op = SG17_INTEL_PREFIX;
    ind.value = v;
    for (size_t i = 0; i < n; i++) {
        uint32_t a = (uint32_t)rnd();
        unsigned len = 8 + (unsigned)(rnd() % 23);
        a &= ~(0xFFFFFFFFU >> len);
        snprintf(v, sizeof v, "%u.%u.%u.%u/%u", a >> 24, (a >> 16) & 255U, (a >> 8) & 255U,
                 a & 255U, len);
        add_or_die(b, &ind);
    }
    int rc = sg17_intel_builder_build(b, 0, &s);
    if (rc != 0)
        die("build", rc);
    sg17_intel_builder_free(b);
    sg17_intel_snapshot_stats st;
    sg17_intel_snapshot_stats_get(s, &st);
    uint32_t *q = malloc(Q * sizeof *q);
    if (q == NULL)
        die("alloc", SG17_E_NOMEM);
    for (size_t i = 0; i < Q; i++)
        q[i] = (uint32_t)rnd();
    size_t hits = 0;
    double mps = rate_one(s, q, &hits);
    printf("IPv4 CIDR (longest prefix) lookups, one at a time: %.2f M/s over %zu prefixes /8-/30 "
           "(%zu bytes, %d lookups, %zu hits)\n",
           mps, st.values, st.bytes, QREPS * Q, hits);
    mps = rate_batch(s, q, &hits);
    printf("IPv4 CIDR lookups, batch API (prefetching): %.2f M/s (%d lookups, %zu found)\n", mps,
           QREPS * Q, hits);
    free(q);
    sg17_intel_snapshot_free(s);
}

static size_t observe_pending(sg17_intel_sightings *g, const sg17_intel_obs *obs,
                              const uint64_t *lno, size_t *pending)
{
    int h = sg17_intel_sightings_observe_batch(g, obs, *pending, "bench", lno, NULL);
    if (h < 0)
        die("observe", h);
    *pending = 0;
    return (size_t)h;
}

/* Parse one buffer of Zeek conn lines and match them, one line at a time
 * (sg17_intel_sightings_observe, as `sg17 intel match` does) or 64 lines per
 * sg17_intel_sightings_observe_batch call (prefetching). */
static void log_lines(const sg17_intel_snapshot *s, size_t n_mixed, size_t lines, int batch)
{
    /* one buffer of Zeek conn lines; every 50th line hits an indicator */
    size_t cap = lines * 96 + 256, o = 0;
    char *text = malloc(cap);
    if (text == NULL)
        die("alloc", SG17_E_NOMEM);
    uint64_t saved = rng;
    rng = 0x2545F4914F6CDD1DULL; /* the same lines for both runs */
    o += (size_t)snprintf(text + o, cap - o,
                          "#separator \\x09\n#path\tconn\n#fields\tts\tuid\tid.orig_h\tid.orig_p\t"
                          "id.resp_h\tid.resp_p\tproto\n");
    for (size_t i = 0; i < lines; i++) {
        uint32_t a = (i % 50 == 0) ? addr_of((rnd() % (n_mixed / 100)) * 100 + (rnd() % 60))
                                   : (uint32_t)rnd();
        o += (size_t)snprintf(text + o, cap - o,
                              "%zu.%06zu\tC%zx\t10.%zu.%zu.%zu\t%zu\t%u.%u.%u.%u\t443\ttcp\n",
                              1700000000 + i / 1000, i % 1000000, i, (i >> 16) & 255U,
                              (i >> 8) & 255U, i & 255U, 1024 + i % 60000, a >> 24,
                              (a >> 16) & 255U, (a >> 8) & 255U, a & 255U);
    }
    rng = saved;
    sg17_intel_log *r;
    sg17_intel_sightings *g;
    if (sg17_intel_log_new(&r, SG17_INTEL_LOG_ZEEK) != 0 || sg17_intel_sightings_new(&g, s) != 0)
        die("reader", SG17_E_NOMEM);
    enum { B = 64 };
    sg17_intel_obs *obs = malloc(B * sizeof *obs);
    uint64_t lno[B];
    if (obs == NULL)
        die("alloc", SG17_E_NOMEM);
    size_t n = 0, hits = 0, errs = 0, pending = 0;
    double t0 = bench_cpu_now_s();
    for (char *p = text; p < text + o;) {
        char *nl = memchr(p, '\n', (size_t)(text + o - p));
        size_t len = nl ? (size_t)(nl - p) : (size_t)(text + o - p);
        if (pending > 0 && p[0] == '#') /* a header changes the reader's field names */
            hits += observe_pending(g, obs, lno, &pending);
        if (sg17_intel_log_line(r, p, len, &obs[pending], NULL, 0) != 0) {
            errs++;
        } else if (!batch) {
            int h = sg17_intel_sightings_observe(g, &obs[0], "bench", n);
            if (h > 0)
                hits += (size_t)h;
        } else if (obs[pending].n > 0) {
            lno[pending++] = n;
        }
        n++;
        p += len + 1;
        if (pending == B || (pending > 0 && p >= text + o))
            hits += observe_pending(g, obs, lno, &pending);
    }
    double t1 = bench_cpu_now_s();
    printf("Zeek conn log matched end to end (parse + 2 IP lookups + sightings), %s: %.2f M "
           "lines/s (%zu lines, %zu hits, %zu sighted values, %zu malformed)\n",
           batch ? "64 lines per observe_batch call" : "one line per observe call",
           (double)n / (t1 - t0) / 1e6, n, hits, sg17_intel_sightings_count(g), errs);
    free(obs);
    sg17_intel_sightings_free(g);
    sg17_intel_log_free(r);
    free(text);
}

int main(int argc, char **argv)
{
    size_t n_mixed = argc > 1 ? strtoul(argv[1], NULL, 10) : 10000000;
    size_t n_v4 = argc > 2 ? strtoul(argv[2], NULL, 10) : 10000000;
    size_t n_cidr = argc > 3 ? strtoul(argv[3], NULL, 10) : 1000000;
    size_t n_lines = argc > 4 ? strtoul(argv[4], NULL, 10) : 2000000;
    if (n_mixed < 100 || n_v4 < 1 || n_cidr < 1)
        return 2;
    sg17_intel_snapshot *s;
    double secs;
    load_mixed(n_mixed, &s, &secs);
    sg17_intel_snapshot_stats st;
    sg17_intel_snapshot_stats_get(s, &st);
    printf("mixed snapshot: %zu values, %zu bytes, %.1f bytes per value (ipv4 %zu, ipv6 %zu, "
           "domain %zu, sha256 %zu, imsi %zu)\n",
           st.values, st.bytes, (double)st.bytes / (double)st.values,
           st.per_kind[SG17_INTEL_IPV4], st.per_kind[SG17_INTEL_IPV6],
           st.per_kind[SG17_INTEL_DOMAIN], st.per_kind[SG17_INTEL_SHA256],
           st.per_kind[SG17_INTEL_IMSI]);
    log_lines(s, n_mixed, n_lines, 0);
    log_lines(s, n_mixed, n_lines, 1);
    sg17_intel_snapshot_free(s);
    ipv4_exact(n_v4);
    ipv4_cidr(n_cidr);
    return 0;
}
