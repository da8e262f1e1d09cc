/*
 * TAXII 2.1 page latency at scale (issue 8 item 6: a 1 000-object page in
 * < 50 ms from a 1 M-object collection), measured in process on
 * sg17_taxii_handle, the same call sg17d makes per request (SQLite query,
 * filter, envelope text; no HTTP).
 *
 *   bench_taxii [--objects N] [--db PATH] [--keep] [--rounds R]
 *
 * Fills one collection with N synthetic objects (9 in 10 indicators with an
 * IPv4 pattern, 1 in 10 malware) through POST envelopes of 10 000 objects
 * (the "Add Objects" path of sg17d), then times, R rounds each (median, p95,
 * max), pages of 1 000 objects:
 *   first        GET objects/?limit=1000
 *   deep         GET objects/?limit=1000&next=<cursor 90% into the collection>
 *   type         GET objects/?limit=1000&match[type]=malware (10% of objects)
 *   type deep    the same continuing at 90%
 *   manifest     GET manifest/?limit=1000, deep
 *   all versions GET objects/?limit=1000&match[version]=all, deep
 * The deep cursors come from a page started with added_after at the 90%
 * mark; every measured page is checked to hold 1 000 objects and more=true.
 * --db PATH keeps the database (--keep) for the HTTP measurement with sg17d
 * and curl described in docs/PERFORMANCE.md.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include "bench_util.h"
#include "sg17/taxii.h"

#define COLL  "b0000000-0000-4000-8000-000000000001"
#define CPATH "/bench/collections/" COLL
#define BATCH 10000

typedef struct q {
    const char *k[6], *v[6];
    int n;
} q;

static const char *q_get(void *ctx, const char *key)
{
    q *x = ctx;
    for (int i = 0; i < x->n; i++)
        if (strcmp(x->k[i], key) == 0)
            return x->v[i];
    return NULL;
}

static int call(sg17_taxii_server *s, const char *method, const char *path, q *query,
                const char *body, size_t body_len, sg17_taxii_response *resp)
{
    sg17_taxii_request r;
    memset(&r, 0, sizeof r);
    r.method = method;
    r.path = path;
    r.accept = SG17_TAXII_MEDIA_TYPE;
    r.content_type = SG17_TAXII_MEDIA_TYPE;
    r.body = (const uint8_t *)body;
    r.body_len = body_len;
    r.role = "analyst";
    r.query = q_get;
    r.query_ctx = query;
    return sg17_taxii_handle(s, &r, resp);
}

static int write_fixture(const char *path)
{
    FILE *f = fopen(path, "w");
    if (f == NULL)
        return -1;
    fprintf(f,
            "{\"/discovery\":{\"title\":\"bench\",\"api_roots\":[\"http://localhost/bench/\"]},"
            "\"bench\":{\"information\":{\"title\":\"bench\",\"versions\":[\"%s\"],"
            "\"max_content_length\":104857600},\"status\":[],\"collections\":[{\"id\":\"%s\","
            "\"title\":\"1M synthetic indicators\",\"can_read\":true,\"can_write\":true,"
            "\"media_types\":[\"application/stix+json;version=2.1\"],\"objects\":[],"
            "\"manifest\":[]}]}}",
            SG17_TAXII_MEDIA_TYPE, COLL);
    return fclose(f);
}

/* Envelope of objects [from, to). */
static size_t make_envelope(char *buf, size_t cap, size_t from, size_t to)
{
    size_t o = 0;
    o += (size_t)snprintf(buf + o, cap - o, "{\"objects\":[");
    for (size_t i = from; i < to && o + 600 < cap; i++) {
        unsigned a = (unsigned)(i >> 16) & 255u, b = (unsigned)(i >> 8) & 255u,
                 c = (unsigned)i & 255u;
        if (i % 10 == 0)
            o += (size_t)snprintf(buf + o, cap - o,
                                  "%s{\"type\":\"malware\",\"spec_version\":\"2.1\","
                                  "\"id\":\"malware--%08zx-0000-4000-8000-%012zx\","
                                  "\"created\":\"2024-01-01T00:00:00.000Z\","
                                  "\"modified\":\"2024-01-01T00:00:00.000Z\","
                                  "\"name\":\"family %zu\",\"is_family\":true}",
                                  i == from ? "" : ",", i, i, i);
        else
            o += (size_t)snprintf(buf + o, cap - o,
                                  "%s{\"type\":\"indicator\",\"spec_version\":\"2.1\","
                                  "\"id\":\"indicator--%08zx-0000-4000-8000-%012zx\","
                                  "\"created\":\"2024-01-01T00:00:00.000Z\","
                                  "\"modified\":\"2024-01-01T00:00:00.000Z\","
                                  "\"name\":\"bench %zu\",\"pattern\":\"[ipv4-addr:value = "
                                  "'10.%u.%u.%u']\",\"pattern_type\":\"stix\","
                                  "\"valid_from\":\"2024-01-01T00:00:00Z\"}",
                                  i == from ? "" : ",", i, i, i, a, b, c);
    }
    o += (size_t)snprintf(buf + o, cap - o, "]}");
    return o;
}

static int fill(sg17_taxii_server *s, size_t n)
{
    size_t cap = (size_t)BATCH * 700 + 64;
    char *buf = malloc(cap);
    double t0 = bench_now_s();
    if (buf == NULL)
        return -1;
    for (size_t from = 0; from < n; from += BATCH) {
        size_t to = from + BATCH < n ? from + BATCH : n;
        size_t len = make_envelope(buf, cap, from, to);
        sg17_taxii_response resp;
        q none = {{0}, {0}, 0};
        if (call(s, "POST", CPATH "/objects/", &none, buf, len, &resp) != 0 || resp.status != 202 ||
            strstr(resp.body, "\"failure_count\":0") == NULL) {
            fprintf(stderr, "bench_taxii: POST failed at %zu: %u %s\n", from, resp.status,
                    resp.body ? resp.body : "");
            free(resp.body);
            free(buf);
            return -1;
        }
        free(resp.body);
        if (isatty(2))
            fprintf(stderr, "\rfilled %zu", to);
    }
    if (isatty(2))
        fprintf(stderr, "\n");
    printf("fill: %zu objects in %.1f s (%.0f objects/s) through POST envelopes of %d\n", n,
           bench_now_s() - t0, (double)n / (bench_now_s() - t0), BATCH);
    free(buf);
    return 0;
}

/* Parse "next" out of an envelope. */
static int next_of(const char *body, char out[SG17_TAXII_CURSOR_LEN])
{
    const char *p = strstr(body, "\"next\":\"");
    size_t n;
    if (p == NULL)
        return -1;
    p += 8;
    n = strcspn(p, "\"");
    if (n >= SG17_TAXII_CURSOR_LEN)
        return -1;
    memcpy(out, p, n);
    out[n] = '\0';
    return 0;
}

static size_t count_items(const char *body, const char *key)
{
    /* the synthetic objects and manifest entries are flat: one "{\"" each */
    size_t n = 0;
    (void)key;
    for (const char *p = body; (p = strstr(p, "{\"")) != NULL; p++)
        n++;
    return n - 1; /* the envelope itself */
}

static int measure(sg17_taxii_server *s, const char *label, const char *path, q *query, int rounds,
                   int check_count)
{
    uint64_t us[256];
    double bytes = 0;
    if (rounds > 256)
        rounds = 256;
    for (int r = 0; r < rounds; r++) {
        sg17_taxii_response resp;
        double t0 = bench_now_s(), t1;
        if (call(s, "GET", path, query, NULL, 0, &resp) != 0 || resp.status != 200) {
            fprintf(stderr, "bench_taxii: %s failed: %u %s\n", label, resp.status,
                    resp.body ? resp.body : "");
            free(resp.body);
            return -1;
        }
        t1 = bench_now_s();
        us[r] = (uint64_t)((t1 - t0) * 1e6);
        bytes = (double)resp.body_len;
        if (r == 0 && check_count &&
            (count_items(resp.body, NULL) != 1000 || strstr(resp.body, "\"more\":true") == NULL)) {
            fprintf(stderr, "bench_taxii: %s: expected 1000 items and more=true\n", label);
            free(resp.body);
            return -1;
        }
        free(resp.body);
    }
    uint64_t med = bench_median(us, (size_t)rounds);
    printf("%-28s median %7.2f ms  p95 %7.2f ms  max %7.2f ms  (%d rounds, %.0f KiB page)\n", label,
           (double)med / 1000.0, (double)bench_percentile(us, (size_t)rounds, 95) / 1000.0,
           (double)us[rounds - 1] / 1000.0, rounds, bytes / 1024.0);
    return 0;
}

/* A cursor 90% into the listing: added_after at that object's date_added. */
static int deep_cursor(sg17_taxii_server *s, const char *path, q *base, const char *after,
                       char out[SG17_TAXII_CURSOR_LEN])
{
    q x = *base;
    sg17_taxii_response resp;
    int rc;
    x.k[x.n] = "added_after";
    x.v[x.n] = after;
    x.n++;
    if (call(s, "GET", path, &x, NULL, 0, &resp) != 0 || resp.status != 200) {
        fprintf(stderr, "bench_taxii: %s?added_after=%s: %u %.200s\n", path, after, resp.status,
                resp.body ? resp.body : "");
        free(resp.body);
        return -1;
    }
    rc = next_of(resp.body, out);
    if (rc != 0)
        fprintf(stderr,
                "bench_taxii: %s?added_after=%s: no next in %.120s (%zu items, %zu bytes)\n", path,
                after, resp.body, count_items(resp.body, NULL), resp.body_len);
    free(resp.body);
    return rc;
}

int main(int argc, char **argv)
{
    size_t n = 1000000;
    const char *db = NULL;
    char dbbuf[256], fix[300], after[SG17_TAXII_TIME_LEN], err[256];
    char c_obj[SG17_TAXII_CURSOR_LEN], c_type[SG17_TAXII_CURSOR_LEN], c_man[SG17_TAXII_CURSOR_LEN],
        c_all[SG17_TAXII_CURSOR_LEN];
    int keep = 0, rounds = 21, rc = 1;
    sg17_taxii_server *s = NULL;
    sg17_taxii_config cfg;
    struct stat sb;

    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--objects") == 0 && i + 1 < argc)
            n = strtoul(argv[++i], NULL, 10);
        else if (strcmp(argv[i], "--db") == 0 && i + 1 < argc)
            db = argv[++i];
        else if (strcmp(argv[i], "--rounds") == 0 && i + 1 < argc)
            rounds = (int)strtol(argv[++i], NULL, 10);
        else if (strcmp(argv[i], "--keep") == 0)
            keep = 1;
        else {
            fprintf(stderr, "usage: bench_taxii [--objects N] [--db PATH] [--keep] [--rounds R]\n");
            return 2;
        }
    }
    if (n < 300000 || rounds < 1) {
        /* the match[type] page at 90% needs 1 000 malware (1 in 10) after the mark */
        fprintf(stderr, "bench_taxii: --objects must be at least 300000\n");
        return 2;
    }
    if (db == NULL) {
        snprintf(dbbuf, sizeof dbbuf, "%s/bench_taxii.%d.db",
                 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp", (int)getpid());
        db = dbbuf;
    }
    snprintf(fix, sizeof fix, "%s.fixture.json", db);
    if (write_fixture(fix) != 0) {
        fprintf(stderr, "bench_taxii: cannot write %s\n", fix);
        return 3;
    }
    memset(&cfg, 0, sizeof cfg);
    cfg.db_path = db;
    if (sg17_taxii_server_open(&s, &cfg) != 0 ||
        sg17_taxii_load_fixture(s, fix, err, sizeof err) != 0) {
        fprintf(stderr, "bench_taxii: cannot set up %s (an existing database?) %s\n", db, err);
        goto out;
    }
    if (fill(s, n) != 0)
        goto out;
    if (stat(db, &sb) == 0)
        printf("database: %.0f MB (%s)\n", (double)sb.st_size / 1048576.0, db);
    {
        /* the 90% mark: date_added of the object 90% into the collection (setup only) */
        sqlite3 *h = NULL;
        sqlite3_stmt *st = NULL;
        int64_t t90 = -1;
        if (sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
            sqlite3_prepare_v2(h,
                               "SELECT date_added_us FROM taxii_objects ORDER BY date_added_us"
                               " LIMIT 1 OFFSET ?1",
                               -1, &st, NULL) == SQLITE_OK) {
            sqlite3_bind_int64(st, 1, (sqlite3_int64)(n * 9 / 10));
            if (sqlite3_step(st) == SQLITE_ROW)
                t90 = sqlite3_column_int64(st, 0);
        }
        sqlite3_finalize(st);
        sqlite3_close(h);
        if (t90 < 0)
            goto out;
        sg17_taxii_time_format(t90, after);
    }
    q lim = {{"limit"}, {"1000"}, 1};
    q typ = {{"limit", "match[type]"}, {"1000", "malware"}, 2};
    q all = {{"limit", "match[version]"}, {"1000", "all"}, 2};
    if (deep_cursor(s, CPATH "/objects/", &lim, after, c_obj) != 0 ||
        deep_cursor(s, CPATH "/objects/", &typ, after, c_type) != 0 ||
        deep_cursor(s, CPATH "/manifest/", &lim, after, c_man) != 0 ||
        deep_cursor(s, CPATH "/objects/", &all, after, c_all) != 0) {
        fprintf(stderr, "bench_taxii: no deep cursor\n");
        goto out;
    }
    printf("pages of 1000 from a %zu-object collection (in process, sg17_taxii_handle):\n", n);
    q lim_n = {{"limit", "next"}, {"1000", c_obj}, 2};
    q typ_n = {{"limit", "match[type]", "next"}, {"1000", "malware", c_type}, 3};
    q man_n = {{"limit", "next"}, {"1000", c_man}, 2};
    q all_n = {{"limit", "match[version]", "next"}, {"1000", "all", c_all}, 3};
    if (measure(s, "objects first page", CPATH "/objects/", &lim, rounds, 1) ||
        measure(s, "objects deep (next @90%)", CPATH "/objects/", &lim_n, rounds, 1) ||
        measure(s, "match[type] first page", CPATH "/objects/", &typ, rounds, 1) ||
        measure(s, "match[type] deep (next)", CPATH "/objects/", &typ_n, rounds, 1) ||
        measure(s, "version=all deep (next)", CPATH "/objects/", &all_n, rounds, 1) ||
        measure(s, "manifest first page", CPATH "/manifest/", &lim, rounds, 1) ||
        measure(s, "manifest deep (next)", CPATH "/manifest/", &man_n, rounds, 1))
        goto out;
    printf("deep cursor for HTTP runs: objects %s\n", c_obj);
    rc = 0;
out:
    sg17_taxii_server_close(s);
    unlink(fix);
    if (!keep) {
        char side[300];
        unlink(db);
        snprintf(side, sizeof side, "%s-wal", db);
        unlink(side);
        snprintf(side, sizeof side, "%s-shm", db);
        unlink(side);
    }
    return rc;
}
