/*
 * STIX 2.1 benchmark (X.1217, issue 7 part 1), one thread:
 *   - parse: sg17_json_parse of the ATT&CK for ICS bundle (objects/s)
 *   - validate: sg17_stix_validate of the parsed bundle, non-strict 2.1 (objects/s),
 *     and parse + validate together
 *   - stream: sg17_stix_stream_file + per-object validation (objects/s)
 *   - patterns: sg17_stix_pattern_check of the reference validator's pattern cases (patterns/s)
 *   - match: a compiled one-comparison pattern against one observation (matches/s),
 *     and compile + match (the reference matcher's timing includes the parse)
 *   - memory: peak RSS growth while holding the parsed bundle, as a multiple of the
 *     file size; and of the streaming validation
 * Usage: bench_stix [VECTORS_DIR]   (default $SG17_VECTORS or ../shared/vectors)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_util.h"
#include "sg17/json.h"
#include "sg17/stix.h"
#include "sg17/stix_pattern.h"

static size_t streamed;
static int stream_cb(json_t *obj, void *ctx)
{
    const sg17_stix_vopts *vo = ctx;
    sg17_stix_report rep;
    if (sg17_stix_validate(obj, vo, &rep) == 0)
        streamed++;
    sg17_stix_report_free(&rep);
    return 0;
}

/* Peak RSS of validating the file in a fresh child process: whole-document
 * (parse then validate) or streaming (one object at a time). */
typedef struct {
    const char *path;
    size_t flen;
    int stream;
} peak_job;

static void peak_run(void *ctx)
{
    const peak_job *j = ctx;
    long before = bench_peak_kb();
    sg17_stix_vopts vo;
    memset(&vo, 0, sizeof vo);
    vo.version = "2.1";
    if (j->stream) {
        if (sg17_stix_stream_file(j->path, 0, stream_cb, &vo) != 0)
            _exit(2);
    } else {
        sg17_json_limits lim = {(size_t)1 << 30, 0, 0};
        json_t *b = NULL;
        sg17_stix_report rep;
        if (sg17_json_load_file(j->path, &lim, &b, NULL) != 0 ||
            sg17_stix_validate(b, &vo, &rep) != 0)
            _exit(2);
        sg17_stix_report_free(&rep);
        json_decref(b);
    }
    long after = bench_peak_kb();
    printf("peak memory, %-34s %6ld KiB over the process baseline = %.2f x the file size (process "
           "peak %ld KiB)\n",
           j->stream ? "streaming validation:" : "parse whole bundle + validate:", after - before,
           (double)(after - before) * 1024.0 / (double)j->flen, after);
}

static void child_peak(const char *path, size_t flen, int stream)
{
    peak_job j = {path, flen, stream};
    (void)bench_in_child(peak_run, &j);
}

int main(int argc, char **argv)
{
    const char *vdir = argc > 1 ? argv[1] : getenv("SG17_VECTORS");
    if (!vdir)
        vdir = "../shared/vectors";
    char path[1024];
    snprintf(path, sizeof path, "%s/stix/bundles/ics-attack-18.1.json", vdir);
    {
        FILE *f = fopen(path, "rb");
        if (f) {
            fseek(f, 0, SEEK_END);
            long n = ftell(f);
            fclose(f);
            child_peak(path, (size_t)n, 0);
            child_peak(path, (size_t)n, 1);
        }
    }
    size_t flen = 0;
    long rss0 = bench_rss_kb(), peak0 = bench_peak_kb();
    char *text = bench_read_file(path, &flen);
    if (!text) {
        fprintf(stderr, "bench_stix: cannot read %s\n", path);
        return 2;
    }
    sg17_json_limits lim = {(size_t)1 << 30, 0, 0};
    json_t *b = NULL;
    long rss_text = bench_rss_kb();
    if (sg17_json_parse(text, flen, &lim, &b, NULL) != 0)
        return 2;
    long rss_parsed = bench_rss_kb();
    size_t nobj = json_array_size(json_object_get(b, "objects"));
    printf("STIX 2.1 bench, one thread; ATT&CK for ICS 18.1: %zu bytes, %zu objects\n"
           "(times: thread CPU time, best of several runs for the bundle rows)\n\n", flen, nobj);
    printf("memory: the parsed bundle (jansson) holds %.2f x the file size (RSS growth %ld KiB for a %zu KiB file)\n\n",
           (double)(rss_parsed - rss_text) * 1024.0 / (double)flen, rss_parsed - rss_text, flen / 1024);
    (void)rss0;
    (void)peak0;

    /* parse (best of reps: the machine is shared) */
    int reps = 15;
    double t0, tp = 1e9;
    for (int r = 0; r < reps; r++) {
        json_t *x = NULL;
        t0 = bench_cpu_now_s();
        if (sg17_json_parse(text, flen, &lim, &x, NULL) != 0)
            return 2;
        double t = bench_cpu_now_s() - t0;
        tp = t < tp ? t : tp;
        json_decref(x);
    }
    printf("parse (sg17_json_parse, dup-key check): %8.1f ms  %10.0f objects/s\n", tp * 1e3, (double)nobj / tp);

    /* validate */
    sg17_stix_vopts vo;
    memset(&vo, 0, sizeof vo);
    vo.version = "2.1";
    size_t nwarn = 0;
    double tv = 1e9, wall0 = bench_now_s();
    for (int r = 0; r < 5 * reps; r++) {
        sg17_stix_report rep;
        t0 = bench_cpu_now_s();
        if (sg17_stix_validate(b, &vo, &rep) != 0)
            return 2;
        double t = bench_cpu_now_s() - t0;
        tv = t < tv ? t : tv;
        nwarn = rep.n;
        sg17_stix_report_free(&rep);
    }
    double twall = (bench_now_s() - wall0) / (5 * reps);
    printf("validate (non-strict, %zu findings):    %8.1f ms  %10.0f objects/s (wall clock, mean: %.0f objects/s)\n",
           nwarn, tv * 1e3, (double)nobj / tv, (double)nobj / twall);
    printf("parse + validate:                       %8.1f ms  %10.0f objects/s\n", (tp + tv) * 1e3, (double)nobj / (tp + tv));

    /* streaming */
    long pk_before = bench_peak_kb();
    t0 = bench_cpu_now_s();
    streamed = 0;
    if (sg17_stix_stream_file(path, 0, stream_cb, &vo) != 0)
        return 2;
    double ts = bench_cpu_now_s() - t0;
    printf("stream + validate (one object at a time):%7.1f ms  %10.0f objects/s (%zu objects)\n", ts * 1e3,
           (double)streamed / ts, streamed);
    (void)pk_before;

    /* canonical serialisation */
    double tc = 1e9;
    for (int r = 0; r < reps; r++) {
        char *s = NULL;
        size_t sl = 0;
        t0 = bench_cpu_now_s();
        if (sg17_stix_serialise(b, &s, &sl) != 0)
            return 2;
        double t = bench_cpu_now_s() - t0;
        tc = t < tc ? t : tc;
        free(s);
    }
    printf("canonical serialise:                    %8.1f ms  %10.0f objects/s\n\n", tc * 1e3, (double)nobj / tc);

    /* patterns */
    snprintf(path, sizeof path, "%s/stix/patterns/validate_cases.jsonl", vdir);
    size_t plen = 0;
    char *ptext = bench_read_file(path, &plen);
    char *pats[128];
    size_t np = 0;
    for (char *line = ptext, *e; line && *line && np < 128; line = e ? e + 1 : NULL) {
        e = strchr(line, '\n');
        if (e)
            *e = '\0';
        json_t *c = NULL;
        if (sg17_json_parse(line, strlen(line), NULL, &c, NULL) == 0) {
            const char *p = json_string_value(json_object_get(c, "pattern"));
            if (p)
                pats[np++] = strdup(p);
            json_decref(c);
        }
    }
    size_t iters = 20000, nvalid = 0;
    char err[256];
    t0 = bench_cpu_now_s();
    for (size_t i = 0; i < iters; i++)
        nvalid += sg17_stix_pattern_check(pats[i % np], 0, err, sizeof err) == 0;
    double tpat = bench_cpu_now_s() - t0;
    printf("pattern validate (%zu reference patterns): %10.0f patterns/s (%zu checks, %zu valid)\n", np,
           (double)iters / tpat, iters, nvalid);

    /* match */
    const char *obs_text =
        "[{\"type\":\"observed-data\",\"id\":\"observed-data--b67d30ff-02ac-498a-92f9-32f845f448cf\","
        "\"first_observed\":\"2015-12-21T19:00:00Z\",\"last_observed\":\"2015-12-21T19:00:00Z\","
        "\"number_observed\":1,\"object_refs\":[\"ipv4-addr--ff26c055-6336-5bc5-b98d-13d6226742dd\"]},"
        "{\"type\":\"ipv4-addr\",\"id\":\"ipv4-addr--ff26c055-6336-5bc5-b98d-13d6226742dd\",\"value\":\"198.51.100.3\"}]";
    json_t *ol = NULL;
    sg17_stix_observations *obs = NULL;
    sg17_stix_pattern *pat = NULL;
    const char *ptxt = "[ipv4-addr:value = '198.51.100.3']";
    if (sg17_json_parse(obs_text, strlen(obs_text), NULL, &ol, NULL) ||
        sg17_stix_observations_load(ol, &obs, err, sizeof err) ||
        sg17_stix_pattern_compile(ptxt, &pat, err, sizeof err))
        return 2;
    size_t mit = 2000000, hits = 0;
    t0 = bench_cpu_now_s();
    double w0 = bench_now_s();
    for (size_t i = 0; i < mit; i++)
        hits += sg17_stix_pattern_match(pat, obs, NULL, err, sizeof err) == 1;
    double tm = bench_cpu_now_s() - t0, wm = bench_now_s() - w0;
    printf("match, compiled %s, one observation: %10.0f matches/s (%zu hits; wall clock %.0f/s)\n", ptxt,
           (double)mit / tm, hits, (double)mit / wm);
    const char *ptxt2 = "[ipv4-addr:value ISSUBSET '198.51.100.0/24'] FOLLOWEDBY [ipv4-addr:value = '198.51.100.3']";
    sg17_stix_pattern *pat2 = NULL;
    if (sg17_stix_pattern_compile(ptxt2, &pat2, err, sizeof err))
        return 2;
    mit = 500000;
    t0 = bench_cpu_now_s();
    for (size_t i = 0; i < mit; i++)
        hits += sg17_stix_pattern_match(pat2, obs, NULL, err, sizeof err) >= 0;
    tm = bench_cpu_now_s() - t0;
    printf("match, compiled two observations + FOLLOWEDBY:     %10.0f matches/s\n", (double)mit / tm);
    mit = 200000;
    t0 = bench_cpu_now_s();
    for (size_t i = 0; i < mit; i++) {
        sg17_stix_pattern *p = NULL;
        if (sg17_stix_pattern_compile(ptxt, &p, err, sizeof err) == 0)
            hits += sg17_stix_pattern_match(p, obs, NULL, err, sizeof err) == 1;
        sg17_stix_pattern_free(p);
    }
    tm = bench_cpu_now_s() - t0;
    printf("compile + match (as the reference times it):       %10.0f matches/s\n", (double)mit / tm);
    printf("\nreference tools on this kind of machine (README): validator 234 objects/s, parser 4.6 k objects/s,\n"
           "pattern validation 1.8 k/s, matching 4.2 k/s (parse included)\n");
    sg17_stix_pattern_free(pat);
    sg17_stix_pattern_free(pat2);
    sg17_stix_observations_free(obs);
    json_decref(ol);
    for (size_t i = 0; i < np; i++)
        free(pats[i]);
    free(ptext);
    json_decref(b);
    free(text);
    return 0;
}
