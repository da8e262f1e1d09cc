/*
 * libFuzzer harness for the X.1217 matcher's untrusted inputs: the log
 * readers (Zeek TSV, NetFlow CSV, signalling CSV; first byte picks the
 * format), the observation path (canonicalisers + every lookup kind) and the
 * STIX indicator/pattern extractor, the collectors (plain and CSV lists, MISP
 * events) and MISP warninglists (when the input is JSON). Oracles: no
 * crash or sanitizer report; every observation field points inside the line;
 * every hit describes; a lookup never reports more hits than asked.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "sg17/intel_collect.h"
#include "sg17/intel_match.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static sg17_intel_snapshot *fixed_snapshot(void)
{
    static const struct {
        sg17_intel_kind k;
        sg17_intel_op op;
        const char *v, *hi;
    } inds[] = {
        {SG17_INTEL_IPV4, SG17_INTEL_EXACT, "198.51.100.10", NULL},
        {SG17_INTEL_IPV4, SG17_INTEL_PREFIX, "203.0.113.0/24", NULL},
        {SG17_INTEL_IPV6, SG17_INTEL_PREFIX, "2001:db8::/32", NULL},
        {SG17_INTEL_DOMAIN, SG17_INTEL_EXACT, "example", NULL},
        {SG17_INTEL_URL, SG17_INTEL_EXACT, "http://a.example/", NULL},
        {SG17_INTEL_SCCP_GT, SG17_INTEL_PREFIX, "1", NULL},
        {SG17_INTEL_IMSI, SG17_INTEL_RANGE, "000000000000000", "999999999999999"},
        {SG17_INTEL_DIAMETER_REALM, SG17_INTEL_EXACT, "org", NULL},
        {SG17_INTEL_SIP_URI, SG17_INTEL_EXACT, "sip:a@b", NULL},
        {SG17_INTEL_GTP_TEID, SG17_INTEL_EXACT, "1", NULL},
    };
    sg17_intel_builder *b;
    sg17_intel_snapshot *s = NULL;
    if (sg17_intel_builder_new(&b) != 0)
        return NULL;
    for (size_t i = 0; i < sizeof inds / sizeof inds[0]; i++) {
        sg17_intel_ind ind;
        memset(&ind, 0, sizeof ind);
        ind.kind = inds[i].k;
        ind.op = inds[i].op;
        ind.value = inds[i].v;
        ind.value_hi = inds[i].hi;
        if (sg17_intel_builder_add(b, &ind) != 0)
            abort();
    }
    if (sg17_intel_builder_build(b, 0, &s) != 0)
        abort();
    sg17_intel_builder_free(b);
    return s;
}

static void run_logs(const sg17_intel_snapshot *s, uint8_t sel, char *text, size_t len)
{
    sg17_intel_log *r;
    sg17_intel_sightings *g;
    if (sg17_intel_log_new(&r, (sg17_intel_log_format)(1 + sel % 3)) != 0)
        abort();
    if (sg17_intel_sightings_new(&g, s) != 0)
        abort();
    uint64_t lineno = 0;
    for (size_t pos = 0; pos < len;) {
        char *nl = memchr(text + pos, '\n', len - pos);
        size_t l = nl ? (size_t)(nl - (text + pos)) : len - pos;
        char *line = text + pos;
        sg17_intel_obs obs;
        char err[128];
        lineno++;
        if (sg17_intel_log_line(r, line, l, &obs, err, sizeof err) == 0) {
            for (size_t i = 0; i < obs.n; i++) {
                const sg17_intel_obs_field *f = &obs.f[i];
                int inside = f->value >= line && f->value + f->len <= line + l;
                int url = f->kind == SG17_INTEL_URL; /* URLs may be rebuilt in the reader */
                if (!inside && !url)
                    abort();
            }
            if (sg17_intel_sightings_observe(g, &obs, "fuzz", lineno) < 0)
                abort();
        }
        pos += l + 1;
    }
    FILE *devnull = fopen("/dev/null", "w");
    if (devnull) {
        if (sg17_intel_sightings_write(g, 0, devnull) != 0)
            abort();
        fclose(devnull);
    }
    sg17_intel_sightings_free(g);
    sg17_intel_log_free(r);
}

static void run_lookups(const sg17_intel_snapshot *s, const char *v, size_t len)
{
    for (int k = SG17_INTEL_IPV4; k < SG17_INTEL_KIND_COUNT; k++) {
        sg17_intel_hit h[2];
        size_t n = sg17_intel_lookup(s, (sg17_intel_kind)k, v, len, 0, h, 2);
        if (n > 2)
            abort();
        for (size_t i = 0; i < n; i++) {
            sg17_intel_hit_info hi;
            if (sg17_intel_hit_describe(s, h[i], &hi) != 0)
                abort();
        }
    }
}

static void run_stix(const char *text, size_t len)
{
    json_t *j = json_loadb(text, len, 0, NULL);
    if (j == NULL)
        return;
    sg17_intel_builder *b;
    sg17_intel_snapshot *s = NULL;
    sg17_intel_load_stats st;
    memset(&st, 0, sizeof st);
    if (sg17_intel_builder_new(&b) != 0)
        abort();
    int rc = sg17_intel_builder_add_stix(b, j, &st);
    if (rc == 0 && sg17_intel_builder_build(b, 0, &s) == 0) {
        sg17_intel_snapshot_stats ss;
        sg17_intel_snapshot_stats_get(s, &ss);
        if (ss.values != st.values)
            abort(); /* every counted value is compiled */
        sg17_intel_snapshot_free(s);
    }
    sg17_intel_builder_free(b);
    json_decref(j);
}

static void run_collect(const char *text, size_t len)
{
    sg17_intel_builder *b;
    sg17_intel_snapshot *s = NULL;
    sg17_intel_collect_stats st;
    memset(&st, 0, sizeof st);
    if (sg17_intel_builder_new(&b) != 0)
        abort();
    char err[128];
    if (sg17_intel_collect_plain(b, text, len, SG17_INTEL_NONE, "fuzz", &st) != 0)
        abort();
    int rc = sg17_intel_collect_csv(b, text, len, "value", SG17_INTEL_NONE, "fuzz", &st, err,
                                    sizeof err);
    if (rc != 0 && rc != SG17_E_FORMAT)
        abort();
    json_t *j = json_loadb(text, len, 0, NULL);
    sg17_intel_wl *w = NULL;
    if (j != NULL) {
        rc = sg17_intel_collect_misp_event(b, j, &st);
        if (rc != 0 && rc != SG17_E_FORMAT)
            abort();
        if (sg17_intel_wl_new(&w) != 0)
            abort();
        size_t bad = 0;
        if (sg17_intel_wl_add(w, j, &bad, err, sizeof err) == 0) {
            static const char *const probes[] = {"10.1.2.3", "a.example", "x@y.example",
                                                 "http://a.example/", "+447700900123"};
            for (size_t i = 0; i < sizeof probes / sizeof probes[0]; i++)
                for (int k = SG17_INTEL_IPV4; k < SG17_INTEL_KIND_COUNT; k++)
                    (void)sg17_intel_wl_check(w, (sg17_intel_kind)k, probes[i],
                                              strlen(probes[i]), NULL);
        }
        json_decref(j);
    }
    if (sg17_intel_builder_build(b, 0, &s) == 0) {
        sg17_intel_snapshot_stats ss;
        sg17_intel_snapshot_stats_get(s, &ss);
        if (ss.values != st.values)
            abort(); /* every collected value is compiled (no filter installed) */
        sg17_intel_snapshot_free(s);
    }
    sg17_intel_wl_free(w);
    sg17_intel_builder_free(b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static sg17_intel_snapshot *snap;
    if (snap == NULL)
        snap = fixed_snapshot();
    if (size < 1 || size > 1 << 16)
        return 0;
    char *text = malloc(size);
    if (text == NULL)
        return 0;
    memcpy(text, data + 1, size - 1);
    run_stix(text, size - 1);
    run_collect(text, size - 1);
    run_logs(snap, data[0], text, size - 1);
    memcpy(text, data + 1, size - 1);
    run_lookups(snap, text, size - 1 > 300 ? 300 : size - 1);
    free(text);
    return 0;
}
