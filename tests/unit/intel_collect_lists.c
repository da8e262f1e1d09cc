/* Unit tests of the collectors (plain/CSV lists, MISP events and the CIRCL
 * OSINT feed sample) and of MISP warninglists (all five types, read in place
 * from the vectors directory) used as a builder filter. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sg17/intel_collect.h"
#include "tap.h"

static size_t hits(const sg17_intel_snapshot *s, sg17_intel_kind k, const char *v)
{
    sg17_intel_hit h[4];
    return sg17_intel_lookup(s, k, v, strlen(v), 0, h, 4);
}

static void test_lists(void)
{
    sg17_intel_builder *b;
    sg17_intel_snapshot *s;
    sg17_intel_collect_stats st;
    memset(&st, 0, sizeof st);
    tap_ok(sg17_intel_builder_new(&b) == 0, "builder");
    const char plain[] = "# comment\n\n198.51.100.1\n203.0.113.0/24\n2001:db8::/32\nbad.example\n"
                         "http://x.example/a\nuser@mail.example\n"
                         "d41d8cd98f00b204e9800998ecf8427e\nnot a value\n";
    tap_ok(sg17_intel_collect_plain(b, plain, strlen(plain), SG17_INTEL_NONE, "test", &st) == 0,
           "plain list");
    tap_int_eq(st.records, 8, "8 records");
    tap_int_eq(st.values, 7, "7 values (kinds guessed)");
    tap_int_eq(st.invalid, 1, "one value of no kind");
    const char csv[] = "value,type,comment\n001019999999999,x-sg17-imsi,x\n"
                       "447700900123,x-sg17-msisdn,y\nfoo,artifact,z\n";
    char err[128];
    tap_ok(sg17_intel_collect_csv(b, csv, strlen(csv), "value", SG17_INTEL_NONE, "csv", &st, err,
                                  sizeof err) == 0,
           "csv list");
    tap_int_eq(st.skipped, 1, "unknown type skipped");
    tap_ok(sg17_intel_collect_csv(b, csv, strlen(csv), "ioc", SG17_INTEL_NONE, "csv", &st, err,
                                  sizeof err) == SG17_E_FORMAT &&
               strstr(err, "line 1"),
           "missing column: %s", err);
    tap_ok(sg17_intel_builder_build(b, 0, &s) == 0, "build");
    tap_int_eq(hits(s, SG17_INTEL_IPV4, "203.0.113.200"), 1, "CIDR from list");
    tap_int_eq(hits(s, SG17_INTEL_IPV6, "2001:db8:1::1"), 1, "IPv6 CIDR from list");
    tap_int_eq(hits(s, SG17_INTEL_DOMAIN, "a.bad.example"), 1, "domain guessed");
    tap_int_eq(hits(s, SG17_INTEL_MD5, "D41D8CD98F00B204E9800998ECF8427E"), 1, "md5 guessed");
    tap_int_eq(hits(s, SG17_INTEL_IMSI, "001019999999999"), 1, "csv typed imsi");
    sg17_intel_hit h;
    sg17_intel_hit_info hi1, hi2;
    uint8_t id[16];
    sg17_intel_list_id("test", SG17_INTEL_IPV4, "198.51.100.1", 12, id);
    tap_ok(sg17_intel_lookup(s, SG17_INTEL_IPV4, "198.51.100.1", 12, 0, &h, 1) == 1 &&
               sg17_intel_hit_describe(s, h, &hi1) == 0 && memcmp(hi1.id, id, 16) == 0 &&
               (id[6] >> 4) == 4,
           "deterministic list id");
    sg17_intel_list_id("other", SG17_INTEL_IPV4, "198.51.100.1", 12, hi2.id);
    tap_ok(memcmp(hi2.id, id, 16) != 0, "id depends on the source");
    sg17_intel_snapshot_free(s);
    sg17_intel_builder_free(b);
}

static void test_misp_feed(void)
{
    const char *man = tap_vector_path("stix/misp/feed-circl-osint-sample/manifest.json");
    char dir[1024];
    snprintf(dir, sizeof dir, "%s", man);
    *strrchr(dir, '/') = '\0';
    sg17_intel_builder *b;
    sg17_intel_snapshot *s;
    sg17_intel_collect_stats st;
    memset(&st, 0, sizeof st);
    char err[256] = "";
    tap_ok(sg17_intel_builder_new(&b) == 0, "builder");
    int rc = sg17_intel_collect_misp_feed(b, dir, &st, err, sizeof err);
    tap_ok(rc == 0, "CIRCL OSINT feed sample collected (%s)", err);
    tap_diag("MISP feed: %zu attributes, %zu values, %zu skipped, %zu invalid", st.records,
             st.values, st.skipped, st.invalid);
    tap_ok(st.records > 500 && st.values > 250, "hundreds of to_ids values");
    tap_ok(sg17_intel_builder_build(b, 0, &s) == 0, "build");
    /* an md5 from hashes.csv is md5(value): check values of the first event */
    char path[1200];
    snprintf(path, sizeof path, "%s/5a3c2fcd-8328-42bb-a95e-4f4402de0b81.json", dir);
    json_t *ev = json_load_file(path, 0, NULL);
    size_t checked = 0, found = 0;
    size_t i;
    json_t *a;
    json_array_foreach(json_object_get(json_object_get(ev, "Event"), "Attribute"), i, a) {
        const char *t = json_string_value(json_object_get(a, "type"));
        const char *v = json_string_value(json_object_get(a, "value"));
        if (!json_is_true(json_object_get(a, "to_ids")) || !t || !v)
            continue;
        sg17_intel_kind k = strcmp(t, "sha256") == 0 ? SG17_INTEL_SHA256
                            : strcmp(t, "sha1") == 0 ? SG17_INTEL_SHA1
                            : strcmp(t, "md5") == 0  ? SG17_INTEL_MD5
                            : strcmp(t, "domain") == 0 || strcmp(t, "hostname") == 0
                                ? SG17_INTEL_DOMAIN
                            : strcmp(t, "url") == 0 ? SG17_INTEL_URL
                                                     : SG17_INTEL_NONE;
        if (k == SG17_INTEL_NONE)
            continue;
        checked++;
        found += hits(s, k, v) > 0;
    }
    tap_ok(checked > 0 && found == checked, "every to_ids value of event 5a3c2fcd is matched (%zu/%zu)",
           found, checked);
    json_decref(ev);
    char bad[64];
    snprintf(bad, sizeof bad, "/nonexistent-intel2-dir");
    tap_ok(sg17_intel_collect_misp_feed(b, bad, &st, err, sizeof err) == SG17_E_IO &&
               strstr(err, "manifest.json"),
           "missing feed: %s", err);
    sg17_intel_snapshot_free(s);
    sg17_intel_builder_free(b);
}

static json_t *wl_file(const char *name)
{
    char rel[128];
    snprintf(rel, sizeof rel, "stix/misp/warninglists/%s", name);
    return json_load_file(tap_vector_path(rel), 0, NULL);
}

static void test_warninglists(void)
{
    static const char *const files[] = {"rfc1918.json",     "public-dns-v4.json",
                                        "public-dns-v6.json", "dynamic-dns.json",
                                        "google.json",      "automated-malware-analysis.json",
                                        "common-contact-emails.json", "empty-hashes.json",
                                        "phone_numbers.json", "tlds.json",
                                        "url-shortener.json", "multicast.json"};
    sg17_intel_wl *w;
    tap_ok(sg17_intel_wl_new(&w) == 0, "wl set");
    size_t bad = 0;
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        json_t *j = wl_file(files[i]);
        char err[128];
        tap_ok(j && sg17_intel_wl_add(w, j, &bad, err, sizeof err) == 0, "load %s", files[i]);
        json_decref(j);
    }
    tap_diag("warninglist entries not usable: %zu", bad);
    const char *name = NULL;
    tap_ok(sg17_intel_wl_check(w, SG17_INTEL_IPV4, "10.1.2.3", 8, &name) == 1, "cidr: rfc1918 (%s)",
           name ? name : "-");
    tap_ok(sg17_intel_wl_check(w, SG17_INTEL_IPV4, "8.8.8.8", 7, &name) == 1, "cidr: public DNS (%s)",
           name ? name : "-");
    tap_ok(sg17_intel_wl_check(w, SG17_INTEL_IPV4, "198.51.100.1", 12, NULL) == 0, "cidr: not listed");
    tap_ok(sg17_intel_wl_check(w, SG17_INTEL_DOMAIN, "x.y.duckdns.org", 15, &name) == 1,
           "hostname: dynamic DNS subdomain (%s)", name ? name : "-");
    tap_ok(sg17_intel_wl_check(w, SG17_INTEL_URL, "https://bit.ly/abc", 18, &name) == 1,
           "hostname list applied to a URL's host (%s)", name ? name : "-");
    tap_ok(sg17_intel_wl_check(w, SG17_INTEL_DOMAIN, "evil-c2.example", 15, NULL) == 0,
           "hostname: not listed");
    tap_ok(sg17_intel_wl_check(w, SG17_INTEL_DOMAIN, "COM", 3, &name) == 1, "string: TLD, case-insensitive (%s)",
           name ? name : "-");
    tap_ok(sg17_intel_wl_check(w, SG17_INTEL_SHA256,
                               "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", 64,
                               &name) == 1,
           "string: empty-file hash (%s)", name ? name : "-");
    tap_ok(sg17_intel_wl_check(w, SG17_INTEL_DOMAIN, "sub.analyze.intezer.com", 23, &name) == 1,
           "substring (%s)", name ? name : "-");
    tap_ok(sg17_intel_wl_check(w, SG17_INTEL_EMAIL, "Abuse@provider.example", 22, &name) == 1,
           "regex with /i flag (%s)", name ? name : "-");
    tap_ok(sg17_intel_wl_check(w, SG17_INTEL_EMAIL, "ceo@provider.example", 20, NULL) == 0,
           "regex: not listed");
    tap_ok(sg17_intel_wl_check(w, SG17_INTEL_DOMAIN, "d41d8cd98f00b204e9800998ecf8427e", 32, NULL) ==
               0,
           "matching_attributes respected (hash list does not apply to domains)");
    tap_ok(sg17_intel_wl_check(w, SG17_INTEL_MD5, "d41d8cd98f00b204e9800998ecf8427e", 32, NULL) == 1,
           "... but to MD5 values");

    /* as a builder filter */
    sg17_intel_builder *b;
    sg17_intel_snapshot *s;
    sg17_intel_collect_stats st;
    memset(&st, 0, sizeof st);
    tap_ok(sg17_intel_builder_new(&b) == 0, "builder");
    sg17_intel_builder_set_filter(b, sg17_intel_wl_filter, w);
    const char plain[] = "8.8.8.8\n198.51.100.1\n192.168.1.1\nx.duckdns.org\nevil-c2.example\n";
    tap_ok(sg17_intel_collect_plain(b, plain, strlen(plain), SG17_INTEL_NONE, "t", &st) == 0, "collect");
    tap_int_eq(sg17_intel_builder_filtered(b), 3, "3 false positives dropped");
    tap_ok(sg17_intel_builder_build(b, 0, &s) == 0, "build");
    sg17_intel_snapshot_stats ss;
    sg17_intel_snapshot_stats_get(s, &ss);
    tap_int_eq(ss.values, 2, "2 values compiled");
    sg17_intel_snapshot_free(s);
    sg17_intel_builder_free(b);
    json_t *notwl = json_pack("{s:s, s:[]}", "type", "bogus", "list");
    tap_ok(sg17_intel_wl_add(w, notwl, NULL, NULL, 0) == SG17_E_FORMAT, "unknown list type refused");
    json_decref(notwl);
    sg17_intel_wl_free(w);
}

int main(void)
{
    test_lists();
    test_warninglists();
    test_misp_feed();
    return tap_done();
}
