/*
 * sg17 intel match: X.1217 8.2.3 "apply" - compile indicators into a matcher
 * snapshot and match a log against it, emitting STIX 2.1 sightings as JSON
 * Lines (docs/INTEL.md).
 *   sg17 intel match --format zeek|netflow|signal [--indicators FILE]... [--list KIND:FILE]...
 *                    [--misp-feed DIR]... [--warninglist FILE]... [--now SECONDS|TIMESTAMP]
 *                    [--strict] [--stats] [--output FILE] [LOG|-]
 * Exit: 0 nothing sighted, 1 sightings written, 2 usage, 3 unreadable input
 * (or, with --strict, a malformed log line).
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "sg17/intel_collect.h"
#include "sg17/intel_match.h"
#include "sg17/stix.h"

#define MATCH_MAX_INDICATOR_FILE ((size_t)1 << 31)
#define MATCH_MAX_FILES 32

static void match_usage(FILE *f)
{
    fprintf(f,
            "usage: sg17 intel match --format FORMAT --indicators FILE [options] [LOG|-]\n"
            "  --format zeek|netflow|signal   Zeek TSV logs (conn, dns, http, files, smtp, ssl),\n"
            "                                 NetFlow-style CSV, signalling-event CSV (docs/INTEL.md)\n"
            "  --indicators FILE              STIX 2.1 bundle, JSON array, object or JSON Lines\n"
            "  --list KIND:FILE               plain list, one value per line; KIND a STIX type\n"
            "                                 (ipv4-addr, domain-name, x-sg17-imsi, ...) or auto\n"
            "  --misp-feed DIR                MISP feed directory (manifest.json, <uuid>.json)\n"
            "  --warninglist FILE             MISP warninglist: listed values are dropped\n"
            "                                 (all four repeatable; at least one source)\n"
            "  --now SECONDS|TIMESTAMP        drop indicators expired at this time (default: now)\n"
            "  --strict                       stop at the first malformed line (exit 3)\n"
            "  --stats                        counters on stderr\n"
            "  --output FILE                  sightings to FILE instead of stdout\n"
            "  --counters FILE                situation-awareness counters (JSON) to FILE\n"
            "Sightings are STIX 2.1 JSON Lines. Exit 0 nothing sighted, 1 sightings,\n"
            "2 usage, 3 unreadable input.\n");
}

static int load_json_text(sg17_intel_builder *b, const char *path, char *text, size_t len,
                          sg17_intel_load_stats *st)
{
    json_error_t je;
    json_t *j = json_loadb(text, len, 0, &je);
    if (j != NULL) {
        int rc = sg17_intel_builder_add_stix(b, j, st);
        json_decref(j);
        if (rc != 0)
            fprintf(stderr, "sg17 intel match: %s: %s\n", path, sg17_strerror(rc));
        return rc;
    }
    /* JSON Lines */
    size_t lineno = 0;
    for (size_t pos = 0; pos < len;) {
        char *nl = memchr(text + pos, '\n', len - pos);
        size_t l = nl ? (size_t)(nl - (text + pos)) : len - pos;
        lineno++;
        size_t k = 0;
        while (k < l && (text[pos + k] == ' ' || text[pos + k] == '\r' || text[pos + k] == '\t'))
            k++;
        if (k < l) {
            json_t *o = json_loadb(text + pos, l, 0, &je);
            if (o == NULL) {
                fprintf(stderr, "sg17 intel match: %s:%zu: not JSON (%s)\n", path, lineno,
                        je.text);
                return SG17_E_FORMAT;
            }
            int rc = sg17_intel_builder_add_stix(b, o, st);
            json_decref(o);
            if (rc != 0 && rc != SG17_E_FORMAT) {
                fprintf(stderr, "sg17 intel match: %s:%zu: %s\n", path, lineno, sg17_strerror(rc));
                return rc;
            }
        }
        pos += l + 1;
    }
    return 0;
}

static int parse_now(const char *s, int64_t *out)
{
    char *end = NULL;
    long long v = strtoll(s, &end, 10);
    if (end != s && *end == '\0' && v >= 0) {
        *out = v;
        return 0;
    }
    return sg17_stix_timestamp_parse(s, out, NULL) == 0 ? 0 : -1;
}

typedef struct run_stats {
    uint64_t lines, errors, matched_lines, hits;
} run_stats;

/* Lines matched per sg17_intel_sightings_observe_batch call (their lookups prefetched). */
#define MATCH_BATCH 64

typedef struct pending {
    char *buf;            /* MATCH_BATCH line buffers of SG17_INTEL_LOG_MAX_LINE + 2 */
    sg17_intel_obs *obs;  /* MATCH_BATCH observations pointing into them */
    uint64_t lno[MATCH_BATCH];
    int hits[MATCH_BATCH];
    size_t n;
} pending;

/* Match the pending observations; returns CLI_OK or CLI_FAIL (reported with its line). */
static int flush_pending(sg17_intel_sightings *g, pending *p, const char *name, run_stats *rs)
{
    if (p->n == 0)
        return CLI_OK;
    for (size_t i = 0; i < p->n; i++)
        p->hits[i] = -1;
    int h = sg17_intel_sightings_observe_batch(g, p->obs, p->n, name, p->lno, p->hits);
    for (size_t i = 0; i < p->n; i++) {
        if (p->hits[i] < 0) {
            fprintf(stderr, "sg17 intel match: %s:%llu: %s\n", name,
                    (unsigned long long)p->lno[i], sg17_strerror(h < 0 ? h : SG17_E_INVAL));
            p->n = 0;
            return CLI_FAIL;
        }
        if (p->hits[i] > 0) {
            rs->matched_lines++;
            rs->hits += (uint64_t)p->hits[i];
        }
    }
    p->n = 0;
    return h < 0 ? CLI_FAIL : CLI_OK;
}

/*
 * Read LOG line by line into one of MATCH_BATCH buffers; over-long lines are
 * reported and skipped. Parsed lines are matched MATCH_BATCH at a time, and
 * before a '#' line (a Zeek header changes the reader's field names).
 */
static int run_log(sg17_intel_log *r, sg17_intel_sightings *g, FILE *in, const char *name,
                   int strict, run_stats *rs)
{
    size_t cap = SG17_INTEL_LOG_MAX_LINE + 2;
    pending p;
    memset(&p, 0, sizeof p);
    p.buf = malloc(MATCH_BATCH * cap);
    p.obs = malloc(MATCH_BATCH * sizeof *p.obs);
    if (p.buf == NULL || p.obs == NULL) {
        free(p.buf);
        free(p.obs);
        return CLI_FAIL;
    }
    int ret = CLI_OK;
    for (;;) {
        char *buf = p.buf + p.n * cap;
        if (fgets(buf, (int)cap, in) == NULL)
            break;
        size_t len = strlen(buf);
        rs->lines++;
        int too_long = len == cap - 1 && buf[len - 1] != '\n';
        if (too_long) {
            int c;
            while ((c = fgetc(in)) != EOF && c != '\n')
                ;
            rs->errors++;
            fprintf(stderr, "sg17 intel match: %s:%llu: line longer than %u bytes\n", name,
                    (unsigned long long)rs->lines, SG17_INTEL_LOG_MAX_LINE);
            if (strict) {
                ret = CLI_FAIL;
                break;
            }
            continue;
        }
        if (len > 0 && buf[len - 1] == '\n')
            len--;
        /* buf is a free slot, so it stays where it is; a '#' line is not kept */
        if (buf[0] == '#' && (ret = flush_pending(g, &p, name, rs)) != CLI_OK)
            break;
        sg17_intel_obs *obs = &p.obs[p.n];
        char err[200] = "";
        int rc = sg17_intel_log_line(r, buf, len, obs, err, sizeof err);
        if (rc != 0) {
            rs->errors++;
            fprintf(stderr, "sg17 intel match: %s:%llu: %s\n", name, (unsigned long long)rs->lines,
                    err[0] ? err : sg17_strerror(rc));
            if (strict) {
                ret = CLI_FAIL;
                break;
            }
            continue;
        }
        if (obs->n == 0)
            continue; /* header, comment or empty line: the slot is reused */
        p.lno[p.n++] = rs->lines;
        if (p.n == MATCH_BATCH && (ret = flush_pending(g, &p, name, rs)) != CLI_OK)
            break;
    }
    /* lines before a failure were matched, as one at a time would have */
    int fr = flush_pending(g, &p, name, rs);
    if (ret == CLI_OK)
        ret = fr;
    if (ret == CLI_OK && ferror(in)) {
        fprintf(stderr, "sg17 intel match: %s: read error\n", name);
        ret = CLI_FAIL;
    }
    free(p.buf);
    free(p.obs);
    return ret;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

int cmd_intel_match(int argc, char **argv)
{
    enum { O_FORMAT = 1, O_IND, O_NOW, O_STRICT, O_STATS, O_OUT, O_HELP, O_LIST, O_MISP, O_WL, O_COUNTERS };
    static const struct option opts[] = {
        {"format", required_argument, NULL, O_FORMAT}, {"indicators", required_argument, NULL, O_IND},
        {"now", required_argument, NULL, O_NOW},       {"strict", no_argument, NULL, O_STRICT},
        {"stats", no_argument, NULL, O_STATS},         {"output", required_argument, NULL, O_OUT},
        {"help", no_argument, NULL, O_HELP},           {"list", required_argument, NULL, O_LIST},
        {"misp-feed", required_argument, NULL, O_MISP}, {"warninglist", required_argument, NULL, O_WL},
        {"counters", required_argument, NULL, O_COUNTERS}, {NULL, 0, NULL, 0},
    };
    const char *files[MATCH_MAX_FILES], *lists[MATCH_MAX_FILES], *feeds[MATCH_MAX_FILES],
        *wls[MATCH_MAX_FILES];
    size_t nfiles = 0, nlists = 0, nfeeds = 0, nwls = 0;
    sg17_intel_log_format fmt = 0;
    int64_t now = (int64_t)time(NULL);
    int strict = 0, stats = 0, c;
    const char *outpath = NULL, *counters = NULL;
    optind = 1;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case O_FORMAT:
            fmt = sg17_intel_log_format_parse(optarg);
            if (fmt == 0) {
                fprintf(stderr, "sg17 intel match: unknown format '%s'\n", optarg);
                return CLI_USAGE;
            }
            break;
        case O_IND:
            if (nfiles == MATCH_MAX_FILES) {
                fprintf(stderr, "sg17 intel match: at most %d --indicators\n", MATCH_MAX_FILES);
                return CLI_USAGE;
            }
            files[nfiles++] = optarg;
            break;
        case O_LIST:
        case O_MISP:
        case O_WL: {
            size_t *cnt = c == O_LIST ? &nlists : c == O_MISP ? &nfeeds : &nwls;
            const char **arr = c == O_LIST ? lists : c == O_MISP ? feeds : wls;
            if (*cnt == MATCH_MAX_FILES) {
                fprintf(stderr, "sg17 intel match: too many sources\n");
                return CLI_USAGE;
            }
            if (c == O_LIST && strchr(optarg, ':') == NULL) {
                fprintf(stderr, "sg17 intel match: --list wants KIND:FILE\n");
                return CLI_USAGE;
            }
            arr[(*cnt)++] = optarg;
            break;
        }
        case O_NOW:
            if (parse_now(optarg, &now) != 0) {
                fprintf(stderr, "sg17 intel match: bad --now '%s'\n", optarg);
                return CLI_USAGE;
            }
            break;
        case O_STRICT:
            strict = 1;
            break;
        case O_STATS:
            stats = 1;
            break;
        case O_OUT:
            outpath = optarg;
            break;
        case O_COUNTERS:
            counters = optarg;
            break;
        case O_HELP:
            match_usage(stdout);
            return CLI_OK;
        default:
            match_usage(stderr);
            return CLI_USAGE;
        }
    }
    if (fmt == 0 || nfiles + nlists + nfeeds == 0 || argc - optind > 1) {
        match_usage(stderr);
        return CLI_USAGE;
    }
    const char *logpath = optind < argc ? argv[optind] : "-";
    int ret = CLI_FAIL;
    sg17_intel_builder *b = NULL;
    sg17_intel_snapshot *s = NULL;
    sg17_intel_sightings *g = NULL;
    sg17_intel_log *r = NULL;
    sg17_intel_wl *wl = NULL;
    FILE *in = NULL, *out = NULL;
    sg17_intel_load_stats ls;
    memset(&ls, 0, sizeof ls);
    double t0 = now_s();
    if (sg17_intel_builder_new(&b) != 0 || sg17_intel_wl_new(&wl) != 0)
        goto cleanup;
    for (size_t i = 0; i < nwls; i++) {
        uint8_t *text = NULL;
        size_t len = 0, bad = 0;
        char err[200] = "";
        if (cli_read_input(wls[i], MATCH_MAX_INDICATOR_FILE, &text, &len) != 0)
            goto cleanup;
        json_t *j = json_loadb((const char *)text, len, 0, NULL);
        free(text);
        int rc = j ? sg17_intel_wl_add(wl, j, &bad, err, sizeof err) : SG17_E_FORMAT;
        json_decref(j);
        if (rc != 0) {
            fprintf(stderr, "sg17 intel match: %s: %s\n", wls[i], err[0] ? err : sg17_strerror(rc));
            goto cleanup;
        }
    }
    if (nwls > 0)
        sg17_intel_builder_set_filter(b, sg17_intel_wl_filter, wl);
    sg17_intel_collect_stats cs;
    memset(&cs, 0, sizeof cs);
    for (size_t i = 0; i < nlists; i++) {
        const char *colon = strchr(lists[i], ':');
        size_t kl = (size_t)(colon - lists[i]);
        sg17_intel_kind kind = SG17_INTEL_NONE;
        for (int k = SG17_INTEL_IPV4; k < SG17_INTEL_KIND_COUNT; k++) {
            const char *n = sg17_intel_kind_name((sg17_intel_kind)k);
            if (strlen(n) == kl && strncmp(n, lists[i], kl) == 0)
                kind = (sg17_intel_kind)k;
        }
        if (kind == SG17_INTEL_NONE && !(kl == 4 && strncmp(lists[i], "auto", 4) == 0)) {
            fprintf(stderr, "sg17 intel match: --list %s: unknown kind\n", lists[i]);
            ret = CLI_USAGE;
            goto cleanup;
        }
        uint8_t *text = NULL;
        size_t len = 0;
        if (cli_read_input(colon + 1, MATCH_MAX_INDICATOR_FILE, &text, &len) != 0)
            goto cleanup;
        int rc = sg17_intel_collect_plain(b, (const char *)text, len, kind, colon + 1, &cs);
        free(text);
        if (rc != 0) {
            fprintf(stderr, "sg17 intel match: %s: %s\n", colon + 1, sg17_strerror(rc));
            goto cleanup;
        }
    }
    for (size_t i = 0; i < nfeeds; i++) {
        char err[300] = "";
        int rc = sg17_intel_collect_misp_feed(b, feeds[i], &cs, err, sizeof err);
        if (rc != 0) {
            fprintf(stderr, "sg17 intel match: %s\n", err[0] ? err : sg17_strerror(rc));
            goto cleanup;
        }
    }
    for (size_t i = 0; i < nfiles; i++) {
        uint8_t *text = NULL;
        size_t len = 0;
        if (cli_read_input(files[i], MATCH_MAX_INDICATOR_FILE, &text, &len) != 0)
            goto cleanup;
        int rc = load_json_text(b, files[i], (char *)text, len, &ls);
        free(text);
        if (rc != 0)
            goto cleanup;
    }
    if (sg17_intel_builder_build(b, now, &s) != 0) {
        fprintf(stderr, "sg17 intel match: cannot compile the indicators\n");
        goto cleanup;
    }
    size_t filtered = sg17_intel_builder_filtered(b);
    sg17_intel_builder_free(b);
    b = NULL;
    double t1 = now_s();
    if (sg17_intel_sightings_new(&g, s) != 0 || sg17_intel_log_new(&r, fmt) != 0)
        goto cleanup;
    int use_stdin = strcmp(logpath, "-") == 0;
    in = use_stdin ? stdin : fopen(logpath, "r");
    if (in == NULL) {
        fprintf(stderr, "sg17 intel match: %s: cannot open\n", logpath);
        goto cleanup;
    }
    run_stats rs;
    memset(&rs, 0, sizeof rs);
    int rr = run_log(r, g, in, use_stdin ? "<stdin>" : logpath, strict, &rs);
    double t2 = now_s();
    if (rr != CLI_OK)
        goto cleanup;
    out = outpath ? fopen(outpath, "w") : stdout;
    if (out == NULL) {
        fprintf(stderr, "sg17 intel match: %s: cannot create\n", outpath);
        goto cleanup;
    }
    if (sg17_intel_sightings_write(g, (int64_t)time(NULL), out) != 0 || fflush(out) != 0) {
        fprintf(stderr, "sg17 intel match: cannot write the sightings\n");
        goto cleanup;
    }
    if (counters != NULL) {
        FILE *cf = fopen(counters, "w");
        int crc = cf ? sg17_intel_sightings_counters_write(g, cf) : SG17_E_IO;
        if (cf && fclose(cf) != 0)
            crc = SG17_E_IO;
        if (crc != 0) {
            fprintf(stderr, "sg17 intel match: %s: cannot write the counters\n", counters);
            goto cleanup;
        }
    }
    if (stats) {
        sg17_intel_snapshot_stats st;
        sg17_intel_snapshot_stats_get(s, &st);
        fprintf(stderr,
                "indicators %zu, list/MISP records %zu (invalid %zu, not matched types %zu), "
                "warninglisted %zu, values compiled %zu (unsupported patterns %zu, invalid %zu, "
                "revoked %zu), snapshot %zu bytes, load %.3f s\n"
                "lines %llu, malformed %llu, lines with hits %llu, hits %llu, sighted values %zu, "
                "match %.3f s (%.0f lines/s)\n",
                ls.indicators, cs.records, cs.invalid, cs.skipped, filtered, st.values,
                ls.unsupported, ls.invalid, ls.revoked, st.bytes,
                t1 - t0, (unsigned long long)rs.lines, (unsigned long long)rs.errors,
                (unsigned long long)rs.matched_lines, (unsigned long long)rs.hits,
                sg17_intel_sightings_count(g), t2 - t1,
                t2 > t1 ? (double)rs.lines / (t2 - t1) : 0.0);
    }
    ret = sg17_intel_sightings_count(g) > 0 ? CLI_NEGATIVE : CLI_OK;
cleanup:
    if (out && out != stdout)
        fclose(out);
    if (in && in != stdin)
        fclose(in);
    sg17_intel_log_free(r);
    sg17_intel_sightings_free(g);
    sg17_intel_snapshot_free(s);
    sg17_intel_builder_free(b);
    sg17_intel_wl_free(wl);
    return ret;
}
