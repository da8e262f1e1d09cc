/* Exports of the intel store (docs/INTEL-STORE.md "Exports with TLP"): TLP
 * filtering with objects of every level (TLP 1.0 and 2.0 markings, unmarked)
 * on every format, the STIX round trip (export -> re-ingest -> same active
 * set), the Zeek Intel and Suricata dataset files line by line, and the MISP
 * feed read back by the existing collector (sg17_intel_collect_misp_feed). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sg17/intel_store.h"
#include "sg17/json.h"
#include "tap.h"

#define NOW 1717200000LL
#define W1  "marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9" /* TLP 1.0 white */
#define G2  "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb" /* TLP 2.0 green */
#define A1  "marking-definition--f88d31f6-486f-44da-b317-01333bde0b82" /* TLP 1.0 amber */
#define AS2 "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003" /* TLP 2.0 amber+strict */
#define R2  "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1" /* TLP 2.0 red */

static char dir[64];

static void add(json_t *objs, int n, const char *pattern, const char *marking)
{
    char id[80];
    snprintf(id, sizeof id, "indicator--%08d-17d4-4cbf-938f-98ee46b3cd3f", n);
    json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:i}", "type", "indicator",
                          "spec_version", "2.1", "id", id, "created", "2024-01-01T00:00:00Z",
                          "modified", "2024-01-01T00:00:00Z", "pattern_type", "stix", "pattern",
                          pattern, "valid_from", "2020-01-01T00:00:00Z", "confidence", 70);
    if (marking != NULL)
        json_object_set_new(o, "object_marking_refs", json_pack("[s]", marking));
    json_array_append_new(objs, o);
}

static sg17_intel_store *fill(const char *path)
{
    sg17_intel_store *s = NULL;
    if (sg17_intel_store_open(&s, path) != 0)
        return NULL;
    json_t *objs = json_array();
    add(objs, 1, "[ipv4-addr:value = '192.0.2.1']", W1);
    add(objs, 2, "[ipv4-addr:value = '192.0.2.2']", G2);
    add(objs, 3, "[ipv4-addr:value = '192.0.2.3']", A1);
    add(objs, 4, "[ipv4-addr:value = '192.0.2.4']", AS2);
    add(objs, 5, "[ipv4-addr:value = '192.0.2.5']", R2);
    add(objs, 6, "[ipv4-addr:value = '192.0.2.6']", NULL);
    add(objs, 10, "[ipv4-addr:value = '198.51.100.0/24']", G2);
    add(objs, 11, "[ipv6-addr:value = '2001:DB8::1']", G2);
    add(objs, 12, "[domain-name:value = 'evil.example']", G2);
    add(objs, 13, "[url:value = 'http://evil.example/path']", G2);
    add(objs, 14, "[email-addr:value = 'mallory@evil.example']", G2);
    add(objs, 15,
        "[file:hashes.'SHA-256' = "
        "'E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855']",
        G2);
    add(objs, 16, "[file:hashes.MD5 = 'd41d8cd98f00b204e9800998ecf8427e']", W1);
    add(objs, 17, "[file:hashes.'SHA-1' = 'da39a3ee5e6b4b0d3255bfef95601890afd80709']", G2);
    add(objs, 18, "[x-sg17-imsi:value = '001019123456789']", G2);
    add(objs, 19, "[x-sg17-msisdn:value = '447700900123']", G2);
    add(objs, 20, "[x-sg17-gtp-peer:value = '203.0.113.7']", G2);
    add(objs, 21, "[x-sg17-imsi:value LIKE '00101%']", G2);
    /* a non-indicator object at red, one with no marking */
    json_array_append_new(
        objs, json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:[s]}", "type", "identity", "spec_version",
                        "2.1", "id", "identity--0000000a-17d4-4cbf-938f-98ee46b3cd3f", "created",
                        "2024-01-01T00:00:00Z", "modified", "2024-01-01T00:00:00Z", "name",
                        "red source", "object_marking_refs", R2));
    sg17_intel_ingest_opts o = {"feed", NOW, NULL, SG17_INTEL_TLP_NONE};
    sg17_intel_ingest_stats st;
    int rc = sg17_intel_store_ingest(s, objs, &o, &st);
    json_decref(objs);
    if (rc != 0 || st.rejected != 0) {
        tap_diag("fill: rc %d, rejected %zu: %s", rc, st.rejected, st.last_reject);
        sg17_intel_store_close(s);
        return NULL;
    }
    return s;
}

static char *read_out(const char *name)
{
    char p[200];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    return tap_read_file(p, NULL);
}

static int has_line(const char *text, const char *line)
{
    size_t l = strlen(line);
    for (const char *p = text; p && *p;) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        if (n == l && memcmp(p, line, l) == 0)
            return 1;
        p = nl ? nl + 1 : NULL;
    }
    return 0;
}

static size_t lines(const char *text)
{
    size_t n = 0;
    for (const char *p = text; p && *p; p++)
        n += *p == '\n';
    return n;
}

static void test_tlp_levels(sg17_intel_store *s)
{
    /* the six 192.0.2.x addresses: clear, green, amber, amber+strict, red, unmarked */
    static const char *const names[] = {"clear", "green", "amber", "amber+strict", "red"};
    char out[128];
    snprintf(out, sizeof out, "%s/z.intel", dir);
    for (int untagged = 0; untagged < 2; untagged++) {
        for (int m = 0; m <= 4; m++) {
            sg17_intel_export_opts eo = {SG17_INTEL_EXPORT_ZEEK, out, (sg17_intel_tlp)m,
                                         untagged ? SG17_INTEL_TLP_CLEAR : SG17_INTEL_TLP_NONE,
                                         NOW};
            sg17_intel_export_stats st;
            tap_int_eq(sg17_intel_store_export(s, &eo, &st), 0, "zeek export");
            char *t = read_out("z.intel");
            int got = 0, want = 0, leak = 0;
            for (int i = 1; i <= 6; i++) {
                char line[32];
                snprintf(line, sizeof line, "192.0.2.%d\tIntel::ADDR", i);
                int in = t && strstr(t, line) != NULL;
                int lvl = i == 6 ? (untagged ? 0 : 2) : i - 1; /* unmarked: default amber */
                got += in;
                want += lvl <= m;
                if (in && lvl > m)
                    leak = 1;
            }
            tap_ok(got == want && !leak, "tlp-max %s, unmarked as %s: %d of 6 addresses", names[m],
                   untagged ? "clear" : "amber (default)", got);
            free(t);
        }
    }
    /* the default --tlp-max is green */
    sg17_intel_export_opts eo = {SG17_INTEL_EXPORT_ZEEK, out, SG17_INTEL_TLP_NONE,
                                 SG17_INTEL_TLP_NONE, NOW};
    sg17_intel_export_stats st;
    tap_int_eq(sg17_intel_store_export(s, &eo, &st), 0, "default export");
    char *t = read_out("z.intel");
    tap_ok(t && strstr(t, "192.0.2.2\t") && !strstr(t, "192.0.2.3\t") && !strstr(t, "192.0.2.6\t"),
           "default: green and below only");
    tap_int_eq(st.withheld, 4, "4 values withheld (amber, amber+strict, red, unmarked)");
    free(t);
}

static void test_zeek(sg17_intel_store *s)
{
    char out[128];
    snprintf(out, sizeof out, "%s/z.intel", dir);
    sg17_intel_export_opts eo = {SG17_INTEL_EXPORT_ZEEK, out, SG17_INTEL_TLP_GREEN,
                                 SG17_INTEL_TLP_NONE, NOW};
    sg17_intel_export_stats st;
    tap_int_eq(sg17_intel_store_export(s, &eo, &st), 0, "zeek export");
    char *t = read_out("z.intel");
    tap_ok(t != NULL && strncmp(t,
                                "#fields\tindicator\tindicator_type\tmeta.source\tmeta.desc\t"
                                "meta.url\n",
                                62) == 0,
           "Zeek #fields header");
    int c = sg17_intel_confidence(70, 0, NOW, NOW, 0);
    char want[256];
    snprintf(want, sizeof want,
             "192.0.2.2\tIntel::ADDR\tfeed\tsg17 ipv4-addr confidence=%d tlp:green "
             "indicator--00000002-17d4-4cbf-938f-98ee46b3cd3f\t-",
             c);
    tap_ok(has_line(t, want), "address line exact");
    snprintf(want, sizeof want,
             "198.51.100.0/24\tIntel::SUBNET\tfeed\tsg17 ipv4-addr confidence=%d tlp:green "
             "indicator--00000010-17d4-4cbf-938f-98ee46b3cd3f\t-",
             c);
    tap_ok(has_line(t, want), "CIDR as Intel::SUBNET");
    tap_ok(strstr(t, "\n2001:db8::1\tIntel::ADDR\t") != NULL, "IPv6 canonical");
    tap_ok(strstr(t, "\nevil.example\tIntel::DOMAIN\t") != NULL, "domain");
    tap_ok(strstr(t, "\nevil.example/path\tIntel::URL\t") != NULL, "URL without its scheme");
    tap_ok(strstr(t, "\nmallory@evil.example\tIntel::EMAIL\t") != NULL, "e-mail");
    tap_ok(strstr(t, "\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\t"
                     "Intel::FILE_HASH\t") != NULL,
           "SHA-256 lowercase as FILE_HASH");
    tap_ok(strstr(t, "\nd41d8cd98f00b204e9800998ecf8427e\tIntel::FILE_HASH\t") != NULL, "MD5");
    tap_ok(strstr(t, "\n203.0.113.7\tIntel::ADDR\t") != NULL, "GTP-C peer as an address");
    tap_ok(strstr(t, "001019123456789") == NULL && strstr(t, "447700900123") == NULL &&
               strstr(t, "00101\t") == NULL,
           "telecom identifiers skipped");
    /* every data line: 5 tab-separated fields */
    int five = 1;
    for (const char *p = strchr(t, '\n') + 1; *p;) {
        const char *nl = strchr(p, '\n');
        int tabs = 0;
        for (const char *q = p; q < nl; q++)
            tabs += *q == '\t';
        five &= tabs == 4;
        p = nl + 1;
    }
    tap_ok(five, "every line has 5 fields");
    tap_int_eq(lines(t), 1 + st.written, "header + one line per written value");
    tap_int_eq(st.written, 11, "11 values written at green");
    tap_int_eq(st.skipped, 3, "3 telecom values skipped");
    free(t);
}

static void test_suricata(sg17_intel_store *s)
{
    char out[128];
    snprintf(out, sizeof out, "%s/suri", dir);
    sg17_intel_export_opts eo = {SG17_INTEL_EXPORT_SURICATA, out, SG17_INTEL_TLP_GREEN,
                                 SG17_INTEL_TLP_NONE, NOW};
    sg17_intel_export_stats st;
    tap_int_eq(sg17_intel_store_export(s, &eo, &st), 0, "suricata export");
    char *v4 = read_out("suri/ipv4.lst"), *v6 = read_out("suri/ipv6.lst"),
         *dom = read_out("suri/domain.lst"), *url = read_out("suri/url.lst"),
         *em = read_out("suri/email.lst"), *md5 = read_out("suri/md5.lst"),
         *sha = read_out("suri/sha256.lst"), *rules = read_out("suri/sg17-datasets.rules");
    tap_ok(v4 && lines(v4) == 3 && has_line(v4, "192.0.2.1") && has_line(v4, "192.0.2.2") &&
               has_line(v4, "203.0.113.7"),
           "ipv4.lst: the exact IPv4 addresses at green (GTP peer included), no CIDR");
    tap_ok(v6 && lines(v6) == 1 && has_line(v6, "2001:db8::1"), "ipv6.lst");
    tap_ok(dom && lines(dom) == 1 && has_line(dom, "ZXZpbC5leGFtcGxl"), "domain.lst base64");
    tap_ok(url && lines(url) == 1 && has_line(url, "aHR0cDovL2V2aWwuZXhhbXBsZS9wYXRo"),
           "url.lst base64");
    tap_ok(em && lines(em) == 1 && has_line(em, "bWFsbG9yeUBldmlsLmV4YW1wbGU="),
           "email.lst base64");
    tap_ok(md5 && lines(md5) == 1 && has_line(md5, "d41d8cd98f00b204e9800998ecf8427e"),
           "md5.lst hex");
    tap_ok(sha && lines(sha) == 1 &&
               has_line(sha, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
           "sha256.lst hex");
    tap_ok(rules && strstr(rules, "dataset:isset,sg17-sha256,type sha256,load sha256.lst") &&
               lines(rules) == 8,
           "rules file: one dataset rule per list");
    tap_int_eq(st.written, 9, "9 values written");
    tap_int_eq(st.skipped, 5, "CIDR, SHA-1 and 3 telecom values skipped");
    free(v4), free(v6), free(dom), free(url), free(em), free(md5), free(sha), free(rules);
}

typedef struct vset {
    char v[64][160];
    size_t n;
} vset;

static int collect(const sg17_intel_active *a, void *ctx)
{
    vset *s = ctx;
    if (s->n < 64)
        snprintf(s->v[s->n++], 160, "%s|%s|%d", sg17_intel_kind_name(a->kind), a->canon, a->tlp);
    return 0;
}

static int cmpstr(const void *a, const void *b)
{
    return strcmp((const char *)a, (const char *)b);
}

static void test_stix(sg17_intel_store *s)
{
    char out[128], db2[128];
    snprintf(out, sizeof out, "%s/x.json", dir);
    sg17_intel_export_opts eo = {SG17_INTEL_EXPORT_STIX, out, SG17_INTEL_TLP_GREEN,
                                 SG17_INTEL_TLP_NONE, NOW};
    sg17_intel_export_stats st;
    tap_int_eq(sg17_intel_store_export(s, &eo, &st), 0, "stix export at green");
    json_t *b = NULL;
    tap_ok(sg17_json_load_file(out, NULL, &b, NULL) == 0, "bundle parses");
    int leak = 0, green_def = 0;
    size_t i;
    json_t *o;
    json_array_foreach(json_object_get(b, "objects"), i, o)
    {
        const char *id = json_string_value(json_object_get(o, "id"));
        if (strcmp(id, G2) == 0)
            green_def = 1;
        else if (sg17_intel_tlp_of(o) > SG17_INTEL_TLP_GREEN ||
                 sg17_intel_tlp_of(o) == SG17_INTEL_TLP_NONE)
            leak = 1;
    }
    tap_ok(!leak, "nothing above green, nothing unmarked in the bundle");
    tap_ok(green_def, "the TLP 2.0 green marking definition is shipped");
    tap_int_eq(st.written, 15, "14 indicators at or below green + 1 marking definition");
    tap_int_eq(st.withheld, 5, "amber, amber+strict, red, unmarked and the red identity withheld");
    json_decref(b);

    /* round trip: everything out, into a fresh store, same active set */
    eo.tlp_max = SG17_INTEL_TLP_RED;
    eo.untagged_tlp = SG17_INTEL_TLP_RED;
    tap_int_eq(sg17_intel_store_export(s, &eo, &st), 0, "stix export, everything");
    b = NULL;
    tap_ok(sg17_json_load_file(out, NULL, &b, NULL) == 0, "bundle parses");
    snprintf(db2, sizeof db2, "%s/two.db", dir);
    sg17_intel_store *s2 = NULL;
    tap_int_eq(sg17_intel_store_open(&s2, db2), 0, "second store");
    sg17_intel_ingest_opts io = {"roundtrip", NOW, NULL, SG17_INTEL_TLP_NONE};
    sg17_intel_ingest_stats is;
    tap_int_eq(sg17_intel_store_ingest(s2, b, &io, &is), 0, "re-ingest");
    tap_int_eq(is.rejected, 0, "nothing rejected");
    json_decref(b);
    static vset a1, a2;
    memset(&a1, 0, sizeof a1);
    memset(&a2, 0, sizeof a2);
    tap_ok(sg17_intel_store_foreach_active(s, NOW, SG17_INTEL_TLP_RED, SG17_INTEL_TLP_NONE, collect,
                                           &a1) == 0 &&
               sg17_intel_store_foreach_active(s2, NOW, SG17_INTEL_TLP_RED, SG17_INTEL_TLP_NONE,
                                               collect, &a2) == 0,
           "both active sets");
    qsort(a1.v, a1.n, sizeof a1.v[0], cmpstr);
    qsort(a2.v, a2.n, sizeof a2.v[0], cmpstr);
    int same = a1.n == a2.n && a1.n == 18;
    for (size_t k = 0; same && k < a1.n; k++)
        same = strcmp(a1.v[k], a2.v[k]) == 0;
    tap_ok(same, "same active set, TLP included (%zu vs %zu values)", a1.n, a2.n);
    sg17_intel_store_close(s2);
}

static void test_misp(sg17_intel_store *s)
{
    char out[128];
    snprintf(out, sizeof out, "%s/misp", dir);
    sg17_intel_export_opts eo = {SG17_INTEL_EXPORT_MISP, out, SG17_INTEL_TLP_AMBER,
                                 SG17_INTEL_TLP_NONE, NOW};
    sg17_intel_export_stats st;
    tap_int_eq(sg17_intel_store_export(s, &eo, &st), 0, "misp export at amber");
    json_t *m = NULL;
    char p[200];
    snprintf(p, sizeof p, "%s/manifest.json", out);
    tap_ok(sg17_json_load_file(p, NULL, &m, NULL) == 0, "manifest.json parses");
    int tags[5] = {0, 0, 0, 0, 0};
    const char *k;
    json_t *ev;
    static const char *const tn[] = {"tlp:clear", "tlp:green", "tlp:amber", "tlp:amber+strict",
                                     "tlp:red"};
    json_object_foreach(m, k, ev)
    {
        const char *tag = json_string_value(
            json_object_get(json_array_get(json_object_get(ev, "Tag"), 0), "name"));
        for (int t = 0; t < 5; t++)
            if (tag && strcmp(tag, tn[t]) == 0)
                tags[t]++;
    }
    tap_ok(tags[0] == 1 && tags[1] == 1 && tags[2] == 1 && tags[3] == 0 && tags[4] == 0,
           "one event per TLP level up to amber, tagged tlp:*");
    json_decref(m);
    char *hashes = read_out("misp/hashes.csv");
    tap_ok(hashes && has_line(hashes, "7f83fddecaba901abfd469d899958433,") == 0 &&
               strstr(hashes, "7f83fddecaba901abfd469d899958433,") != NULL,
           "hashes.csv: md5 of the value, event uuid");
    tap_int_eq(lines(hashes), st.written, "one hashes.csv line per attribute");
    free(hashes);

    sg17_intel_builder *b;
    sg17_intel_snapshot *snap = NULL;
    sg17_intel_collect_stats cs;
    memset(&cs, 0, sizeof cs);
    char err[200] = "";
    tap_ok(sg17_intel_builder_new(&b) == 0, "builder");
    tap_int_eq(sg17_intel_collect_misp_feed(b, out, &cs, err, sizeof err), 0,
               "the existing MISP feed collector reads the export");
    tap_int_eq(cs.values, st.written, "every attribute read back as a value");
    tap_int_eq(cs.invalid, 0, "none invalid");
    tap_ok(sg17_intel_builder_build(b, NOW, &snap) == 0, "built");
    static const struct {
        sg17_intel_kind k;
        const char *v;
        int want;
    } probes[] = {
        {SG17_INTEL_IPV4, "192.0.2.1", 1},
        {SG17_INTEL_IPV4, "192.0.2.2", 1},
        {SG17_INTEL_IPV4, "192.0.2.3", 1},
        {SG17_INTEL_IPV4, "192.0.2.6", 1},
        {SG17_INTEL_IPV4, "192.0.2.4", 0},
        {SG17_INTEL_IPV4, "192.0.2.5", 0},
        {SG17_INTEL_IPV4, "198.51.100.77", 1},
        {SG17_INTEL_IPV6, "2001:db8::1", 1},
        {SG17_INTEL_DOMAIN, "evil.example", 1},
        {SG17_INTEL_URL, "http://evil.example/path", 1},
        {SG17_INTEL_EMAIL, "mallory@evil.example", 1},
        {SG17_INTEL_SHA1, "da39a3ee5e6b4b0d3255bfef95601890afd80709", 1},
        {SG17_INTEL_MSISDN, "447700900123", 1},
        {SG17_INTEL_IMSI, "001019123456789", 0},
    };
    int all = 1;
    for (size_t i = 0; i < sizeof probes / sizeof probes[0]; i++) {
        sg17_intel_hit h[2];
        size_t n =
            sg17_intel_lookup(snap, probes[i].k, probes[i].v, strlen(probes[i].v), NOW, h, 2);
        if ((n > 0) != probes[i].want) {
            tap_diag("misp probe %s: %zu hits", probes[i].v, n);
            all = 0;
        }
    }
    tap_ok(all, "read back: everything up to amber (unmarked = amber), nothing above");
    sg17_intel_snapshot_free(snap);
    sg17_intel_builder_free(b);
}

int main(void)
{
    snprintf(dir, sizeof dir, "/tmp/sg17-iexport-XXXXXX");
    if (mkdtemp(dir) == NULL)
        tap_skip_all("mkdtemp failed");
    char db[128];
    snprintf(db, sizeof db, "%s/s.db", dir);
    sg17_intel_store *s = fill(db);
    tap_ok(s != NULL, "store filled with objects of every TLP level");
    if (s != NULL) {
        test_tlp_levels(s);
        test_zeek(s);
        test_suricata(s);
        test_stix(s);
        test_misp(s);
        sg17_intel_store_close(s);
    }
    tap_ok(sg17_intel_export_format_parse("zeek") == SG17_INTEL_EXPORT_ZEEK &&
               sg17_intel_export_format_parse("csv") == 0,
           "format names");
    tap_ok(sg17_intel_tlp_parse("TLP:WHITE") == SG17_INTEL_TLP_CLEAR &&
               sg17_intel_tlp_parse("amber+strict") == SG17_INTEL_TLP_AMBER_STRICT &&
               sg17_intel_tlp_parse("purple") == SG17_INTEL_TLP_NONE,
           "TLP names");
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        tap_diag("could not remove %s", dir);
    return tap_done();
}
