/*
 * STIX fast path benchmark (X.1217, issue 7 (a)/(b)), one thread: validating
 * the ATT&CK for ICS bundle from bytes with sg17_stix_doc (jdom: one pass,
 * in place) against the jansson path measured in the same run.
 *
 *   parse rows: text already in memory; jdom parses a fresh copy (the copy is
 *     not timed: parsing is in place), jansson parses the text
 *   end-to-end: sg17_stix_doc_load(path) + sg17_stix_validate_doc, file read
 *     included (what `sg17 intel validate FILE` does)
 *   memory: peak RSS growth (getrusage ru_maxrss) of a fresh child process for
 *     each whole-document path after a warm-up, as a multiple of the file size
 *     (counts allocator overhead and fragmentation); plus the document's and
 *     report's own accounting and glibc's live-heap figures after each phase
 *
 * Times are thread CPU time, best of REPS runs (the machine is shared).
 * Usage: bench_stix_doc [VECTORS_DIR] [REPS]
 */
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_util.h"
#include "sg17/json.h"
#include "sg17/stix.h"

/* Live heap by the allocator's accounting (glibc: in-use chunks + mmapped blocks). */
static size_t live_heap(void)
{
    struct mallinfo2 m = mallinfo2();
    return m.uordblks + m.hblkhd;
}

/* One small validation first, so lazily built tables (vocabulary and
 * property hash sets) are not counted against the document. */
static void warm_up(void)
{
    static const char small[] = "{\"type\":\"bundle\",\"id\":\"bundle--44af6c39-c09b-49c5-9de2-394224b04982\","
                                "\"objects\":[{\"type\":\"identity\",\"spec_version\":\"2.1\","
                                "\"id\":\"identity--8ae20dde-83d4-4218-88fd-41ef0dabf9d1\",\"created\":\"2016-08-22T14:09:00.123Z\","
                                "\"modified\":\"2016-08-22T14:09:00.123Z\",\"name\":\"n\",\"identity_class\":\"organization\"}]}";
    json_t *j = NULL;
    sg17_stix_report rep;
    if (sg17_json_parse(small, sizeof small - 1, NULL, &j, NULL) == 0 && sg17_stix_validate(j, NULL, &rep) == 0)
        sg17_stix_report_free(&rep);
    json_decref(j);
}

static size_t nstream;

static int fast_cb(int vrc, const sg17_stix_report *rep, void *ctx)
{
    (void)rep;
    (void)ctx;
    nstream += vrc == 0;
    return 0;
}

static int jansson_cb(json_t *obj, void *ctx)
{
    sg17_stix_report rep;
    if (sg17_stix_validate(obj, ctx, &rep) == 0)
        nstream++;
    sg17_stix_report_free(&rep);
    return 0;
}

static const sg17_json_limits lim = {(size_t)1 << 30, 0, 0};

/* Peak RSS growth of one whole-document path in a fresh child process.
 * mode 0: sg17_stix_doc_load + validate_doc; 1: sg17_json_load_file + sg17_stix_validate;
 * 2: sg17_stix_stream_validate */
typedef struct {
    const char *path;
    size_t flen;
    int mode;
} peak_job;

static void peak_run(void *ctx)
{
    const peak_job *j = ctx;
    const char *path = j->path;
    size_t flen = j->flen;
    int mode = j->mode;
    sg17_stix_vopts vo;
    memset(&vo, 0, sizeof vo);
    vo.version = "2.1";
    warm_up();
    long before = bench_peak_kb(), rss0 = bench_rss_kb();
    size_t heap0 = live_heap();
    sg17_stix_report rep;
    size_t doc_bytes = 0;
    if (mode == 0) {
        sg17_stix_doc *d = NULL;
        if (sg17_stix_doc_load(path, &lim, &d, NULL) != 0)
            _exit(2);
        long peak_load = bench_peak_kb(), rss_doc = bench_rss_kb();
        size_t heap_doc = live_heap() - heap0;
        if (sg17_stix_validate_doc(d, &vo, &rep) != 0)
            _exit(2);
        size_t heap_all = live_heap() - heap0;
        doc_bytes = sg17_stix_doc_bytes(d);
        long after = bench_peak_kb();
        printf("peak memory, sg17_stix_doc load + validate: %6ld KiB = %.2f x the file size "
               "(load alone: peak %.2f x, then holding the document %.2f x)\n"
               "    accounting: document %zu KiB = %.2f x (packed strings + DOM nodes), "
               "report %zu KiB = %.2f x (%zu findings)\n",
               after - before, (double)(after - before) * 1024.0 / (double)flen,
               (double)(peak_load - before) * 1024.0 / (double)flen,
               (double)(rss_doc - rss0) * 1024.0 / (double)flen, doc_bytes / 1024,
               (double)doc_bytes / (double)flen, sg17_stix_report_bytes(&rep) / 1024,
               (double)sg17_stix_report_bytes(&rep) / (double)flen, rep.n);
        printf("    live heap (mallinfo2): document %.2f x, document + report %.2f x\n",
               (double)heap_doc / (double)flen, (double)heap_all / (double)flen);
        sg17_stix_report_free(&rep);
        sg17_stix_doc_free(d);
    } else if (mode == 2) {
        if (sg17_stix_stream_validate(path, 0, &vo, fast_cb, NULL) != 0)
            _exit(2);
        long after = bench_peak_kb();
        printf("peak memory, sg17_stix_stream_validate:     %6ld KiB = %.2f x the file size\n",
               after - before, (double)(after - before) * 1024.0 / (double)flen);
    } else {
        json_t *b = NULL;
        warm_up();
        before = bench_peak_kb();
        if (sg17_json_load_file(path, &lim, &b, NULL) != 0 || sg17_stix_validate(b, &vo, &rep) != 0)
            _exit(2);
        long after = bench_peak_kb();
        printf("peak memory, jansson load + validate:       %6ld KiB = %.2f x the file size\n",
               after - before, (double)(after - before) * 1024.0 / (double)flen);
        sg17_stix_report_free(&rep);
        json_decref(b);
    }
}

static void child_peak(const char *path, size_t flen, int mode)
{
    peak_job j = {path, flen, mode};
    (void)bench_in_child(peak_run, &j);
}

int main(int argc, char **argv)
{
    const char *vdir = argc > 1 ? argv[1] : getenv("SG17_VECTORS");
    if (!vdir)
        vdir = "../shared/vectors";
    int reps = argc > 2 ? (int)strtol(argv[2], NULL, 10) : 15;
    if (reps < 1)
        reps = 1;
    char path[1024];
    snprintf(path, sizeof path, "%s/stix/bundles/ics-attack-18.1.json", vdir);
    size_t flen = 0;
    {
        /* the size without reading: the children must start from a clean heap */
        FILE *f = fopen(path, "rb");
        if (!f) {
            fprintf(stderr, "bench_stix_doc: cannot read %s\n", path);
            return 2;
        }
        fseek(f, 0, SEEK_END);
        long n = ftell(f);
        fclose(f);
        flen = n > 0 ? (size_t)n : 0;
    }
    child_peak(path, flen, 0);
    child_peak(path, flen, 1);
    child_peak(path, flen, 2);

    char *text = bench_read_file(path, &flen);
    char *work = malloc(flen);
    if (!text || !work)
        return 2;
    sg17_stix_vopts vo;
    memset(&vo, 0, sizeof vo);
    vo.version = "2.1";

    /* jdom parse of a fresh copy */
    double tj = 1e9, tjd = 1e9, tv = 1e9, tvj = 1e9, te = 1e9, tend = 1e9;
    size_t nobj = 0, nfind = 0, nfind_j = 0;
    for (int r = 0; r < reps; r++) {
        memcpy(work, text, flen);
        char *own = malloc(flen);
        if (!own)
            return 2;
        memcpy(own, text, flen);
        sg17_stix_doc *d = NULL;
        double t0 = bench_cpu_now_s();
        if (sg17_stix_doc_parse(own, flen, &lim, &d, NULL) != 0)
            return 2;
        double t = bench_cpu_now_s() - t0;
        tjd = t < tjd ? t : tjd;
        sg17_stix_report rep;
        t0 = bench_cpu_now_s();
        if (sg17_stix_validate_doc(d, &vo, &rep) != 0)
            return 2;
        t = bench_cpu_now_s() - t0;
        tv = t < tv ? t : tv;
        nobj = rep.n_objects - 1; /* the bundle itself counts one */
        nfind = rep.n;
        sg17_stix_report_free(&rep);
        sg17_stix_doc_free(d);
    }
    /* jansson parse (sg17_json_parse: NUL/depth pre-scan + json_loadb with duplicate rejection) */
    for (int r = 0; r < reps; r++) {
        json_t *b = NULL;
        double t0 = bench_cpu_now_s();
        if (sg17_json_parse(text, flen, &lim, &b, NULL) != 0)
            return 2;
        double t = bench_cpu_now_s() - t0;
        tj = t < tj ? t : tj;
        sg17_stix_report rep;
        t0 = bench_cpu_now_s();
        if (sg17_stix_validate(b, &vo, &rep) != 0)
            return 2;
        t = bench_cpu_now_s() - t0;
        tvj = t < tvj ? t : tvj;
        nfind_j = rep.n;
        sg17_stix_report_free(&rep);
        json_decref(b);
    }
    /* end to end, text in memory: copy + parse + validate, one timed block */
    for (int r = 0; r < reps; r++) {
        double t0 = bench_cpu_now_s();
        char *own = malloc(flen);
        if (!own)
            return 2;
        memcpy(own, text, flen);
        sg17_stix_doc *d = NULL;
        sg17_stix_report rep;
        if (sg17_stix_doc_parse(own, flen, &lim, &d, NULL) != 0 || sg17_stix_validate_doc(d, &vo, &rep) != 0)
            return 2;
        sg17_stix_report_free(&rep);
        sg17_stix_doc_free(d);
        double t = bench_cpu_now_s() - t0;
        te = t < te ? t : te;
    }
    /* end to end from the file */
    double wall_sum = 0;
    for (int r = 0; r < reps; r++) {
        double w0 = bench_now_s(), t0 = bench_cpu_now_s();
        sg17_stix_doc *d = NULL;
        sg17_stix_report rep;
        if (sg17_stix_doc_load(path, &lim, &d, NULL) != 0 || sg17_stix_validate_doc(d, &vo, &rep) != 0)
            return 2;
        sg17_stix_report_free(&rep);
        sg17_stix_doc_free(d);
        double t = bench_cpu_now_s() - t0;
        wall_sum += bench_now_s() - w0;
        tend = t < tend ? t : tend;
    }
    /* streaming, fast and jansson */
    double tsf = 1e9, tsj = 1e9;
    for (int r = 0; r < reps; r++) {
        nstream = 0;
        double t0 = bench_cpu_now_s();
        if (sg17_stix_stream_validate(path, 0, &vo, fast_cb, NULL) != 0)
            return 2;
        double t = bench_cpu_now_s() - t0;
        tsf = t < tsf ? t : tsf;
        if (r < 3) {
            nstream = 0;
            t0 = bench_cpu_now_s();
            if (sg17_stix_stream_file(path, 0, jansson_cb, &vo) != 0)
                return 2;
            t = bench_cpu_now_s() - t0;
            tsj = t < tsj ? t : tsj;
        }
    }
    double load[3] = {0, 0, 0};
    if (getloadavg(load, 3) < 1)
        load[0] = -1;
    printf("\nSTIX fast path, one thread; ATT&CK for ICS 18.1: %zu bytes, %zu objects; %zu findings "
           "(jansson path: %zu)\nthread CPU time, best of %d; load average %.2f\n\n",
           flen, nobj, nfind, nfind_j, reps, load[0]);
    printf("parse, jdom (in place):              %7.2f ms  %8.0f MB/s  %9.0f objects/s\n", tjd * 1e3,
           (double)flen / tjd / 1e6, (double)nobj / tjd);
    printf("parse, jansson (sg17_json_parse):    %7.2f ms  %8.0f MB/s  %9.0f objects/s  (jdom %.1f x faster)\n",
           tj * 1e3, (double)flen / tj / 1e6, (double)nobj / tj, tj / tjd);
    printf("validate, on jdom:                   %7.2f ms            %9.0f objects/s\n", tv * 1e3, (double)nobj / tv);
    printf("validate, on jansson (viewed):       %7.2f ms            %9.0f objects/s\n", tvj * 1e3, (double)nobj / tvj);
    printf("parse + validate, jdom (sum):        %7.2f ms            %9.0f objects/s\n", (tjd + tv) * 1e3,
           (double)nobj / (tjd + tv));
    printf("parse + validate, jansson (sum):     %7.2f ms            %9.0f objects/s  (jdom %.1f x faster)\n",
           (tj + tvj) * 1e3, (double)nobj / (tj + tvj), (tj + tvj) / (tjd + tv));
    printf("copy + parse + validate (one block): %7.2f ms            %9.0f objects/s\n", te * 1e3, (double)nobj / te);
    printf("doc_load(file) + validate:           %7.2f ms            %9.0f objects/s  (wall clock mean %.0f objects/s)\n",
           tend * 1e3, (double)nobj / tend, (double)nobj * reps / wall_sum);
    printf("stream + validate, jdom per object:  %7.2f ms            %9.0f objects/s\n", tsf * 1e3, (double)nobj / tsf);
    printf("stream + validate, jansson (best of 3): %4.2f ms          %9.0f objects/s  (jdom %.1f x faster)\n",
           tsj * 1e3, (double)nobj / tsj, tsj / tsf);
    free(work);
    free(text);
    return 0;
}
