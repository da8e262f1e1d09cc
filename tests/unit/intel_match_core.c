/* Unit tests of the X.1217 indicator matcher: canonical forms, exact/CIDR/
 * suffix/prefix/range lookups (with brute-force differential checks of the
 * longest-prefix tables), validity, STIX pattern loading and snapshot swaps
 * under concurrent readers. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sg17/intel_match.h"
#include "tap.h"

static uint8_t g_id[16];

static int add(sg17_intel_builder *b, sg17_intel_kind k, sg17_intel_op op, const char *v,
               const char *hi, uint8_t tag)
{
    sg17_intel_ind ind;
    memset(&ind, 0, sizeof ind);
    ind.kind = k;
    ind.op = op;
    ind.value = v;
    ind.value_hi = hi;
    memcpy(ind.id, g_id, 16);
    ind.id[15] = tag;
    ind.confidence = 50;
    return sg17_intel_builder_add(b, &ind);
}

/* tag of the first hit, -1 if none */
static int first_tag(const sg17_intel_snapshot *s, sg17_intel_kind k, const char *v)
{
    sg17_intel_hit h[8];
    size_t n = sg17_intel_lookup(s, k, v, strlen(v), 0, h, 8);
    if (n == 0)
        return -1;
    sg17_intel_hit_info hi;
    if (sg17_intel_hit_describe(s, h[0], &hi) != 0)
        return -2;
    return hi.id[15];
}

static size_t nhits(const sg17_intel_snapshot *s, sg17_intel_kind k, const char *v)
{
    sg17_intel_hit h[8];
    return sg17_intel_lookup(s, k, v, strlen(v), 0, h, 8);
}

static void test_exact_and_canon(void)
{
    sg17_intel_builder *b;
    sg17_intel_snapshot *s;
    tap_ok(sg17_intel_builder_new(&b) == 0, "builder");
    tap_ok(add(b, SG17_INTEL_IPV4, SG17_INTEL_EXACT, "192.0.2.1", NULL, 1) == 0, "ipv4 add");
    tap_ok(add(b, SG17_INTEL_IPV4, SG17_INTEL_EXACT, "192.0.2.1", NULL, 2) == 0, "ipv4 dup add");
    tap_ok(add(b, SG17_INTEL_IPV4, SG17_INTEL_EXACT, "192.0.2.01", NULL, 3) == SG17_E_FORMAT,
           "leading zero refused");
    tap_ok(add(b, SG17_INTEL_IPV4, SG17_INTEL_EXACT, "256.0.0.1", NULL, 3) == SG17_E_FORMAT,
           "octet > 255 refused");
    tap_ok(add(b, SG17_INTEL_IPV4, SG17_INTEL_PREFIX, "10.0.0.1/8", NULL, 3) == SG17_E_FORMAT,
           "CIDR host bits refused");
    tap_ok(add(b, SG17_INTEL_IPV6, SG17_INTEL_EXACT, "2001:DB8::1", NULL, 4) == 0, "ipv6 add");
    tap_ok(add(b, SG17_INTEL_DOMAIN, SG17_INTEL_EXACT, "Evil.Example.", NULL, 5) == 0, "domain");
    tap_ok(add(b, SG17_INTEL_DOMAIN, SG17_INTEL_EXACT, "bad..name", NULL, 5) == SG17_E_FORMAT,
           "empty label refused");
    tap_ok(add(b, SG17_INTEL_URL, SG17_INTEL_EXACT, "HTTP://Example.COM:80", NULL, 6) == 0, "url");
    tap_ok(add(b, SG17_INTEL_URL, SG17_INTEL_EXACT, "example.com/x", NULL, 6) == SG17_E_FORMAT,
           "url without scheme refused");
    tap_ok(add(b, SG17_INTEL_SHA256, SG17_INTEL_EXACT,
               "E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855", NULL, 7) == 0,
           "sha256");
    tap_ok(add(b, SG17_INTEL_MD5, SG17_INTEL_EXACT, "abc", NULL, 7) == SG17_E_FORMAT,
           "short md5 refused");
    tap_ok(add(b, SG17_INTEL_EMAIL, SG17_INTEL_EXACT, "Phish@Example.org", NULL, 8) == 0, "email");
    tap_ok(add(b, SG17_INTEL_IMSI, SG17_INTEL_EXACT, "001010000000001", NULL, 9) == 0, "imsi");
    tap_ok(add(b, SG17_INTEL_IMSI, SG17_INTEL_PREFIX, "99901", NULL, 10) == 0, "imsi prefix");
    tap_ok(add(b, SG17_INTEL_IMSI, SG17_INTEL_PREFIX, "9990123", NULL, 11) == 0, "longer prefix");
    tap_ok(add(b, SG17_INTEL_IMSI, SG17_INTEL_RANGE, "888000000000000", "888000000000999", 12) == 0,
           "imsi range");
    tap_ok(add(b, SG17_INTEL_IMSI, SG17_INTEL_RANGE, "888000000000999", "888000000000000", 12) ==
               SG17_E_FORMAT,
           "inverted range refused");
    tap_ok(add(b, SG17_INTEL_IMEI, SG17_INTEL_EXACT, "490154203237518", NULL, 13) == 0,
           "imei with check digit");
    tap_ok(add(b, SG17_INTEL_IMEI, SG17_INTEL_PREFIX, "35693803", NULL, 14) == 0, "TAC");
    tap_ok(add(b, SG17_INTEL_MSISDN, SG17_INTEL_EXACT, "+447700900123", NULL, 15) == 0, "msisdn");
    tap_ok(add(b, SG17_INTEL_SCCP_GT, SG17_INTEL_PREFIX, "3361", NULL, 16) == 0, "GT prefix");
    tap_ok(add(b, SG17_INTEL_GTP_TEID, SG17_INTEL_EXACT, "0x0000ABCD", NULL, 17) == 0, "teid");
    tap_ok(add(b, SG17_INTEL_APN, SG17_INTEL_EXACT, "Internet.MNC001.MCC001.gprs", NULL, 18) == 0,
           "apn");
    tap_ok(add(b, SG17_INTEL_SIP_URI, SG17_INTEL_EXACT, "sip:bob@Biloxi.Example.com", NULL, 19) ==
               0,
           "sip");
    tap_ok(add(b, SG17_INTEL_DIAMETER_REALM, SG17_INTEL_EXACT, "epc.mnc099.mcc999.3gppnetwork.org",
               NULL, 20) == 0,
           "realm");
    tap_ok(add(b, SG17_INTEL_GTP_PEER, SG17_INTEL_EXACT, "198.51.100.7", NULL, 21) == 0, "gtp peer");
    tap_ok(sg17_intel_builder_build(b, 0, &s) == 0, "build");

    tap_int_eq(nhits(s, SG17_INTEL_IPV4, "192.0.2.1"), 2, "two indicators on one address");
    tap_int_eq(nhits(s, SG17_INTEL_IPV4, "192.0.2.2"), 0, "ipv4 miss");
    tap_int_eq(first_tag(s, SG17_INTEL_IPV6, "2001:db8:0:0:0:0:0:1"), 4, "ipv6 canonical");
    tap_int_eq(first_tag(s, SG17_INTEL_DOMAIN, "evil.example"), 5, "domain exact");
    tap_int_eq(first_tag(s, SG17_INTEL_DOMAIN, "A.B.EVIL.example"), 5, "subdomain");
    tap_int_eq(first_tag(s, SG17_INTEL_DOMAIN, "notevil.example"), -1, "no partial label");
    tap_int_eq(first_tag(s, SG17_INTEL_DOMAIN, "example"), -1, "parent not matched");
    tap_int_eq(first_tag(s, SG17_INTEL_URL, "http://example.com/"), 6, "url canonical");
    tap_int_eq(first_tag(s, SG17_INTEL_URL, "http://EXAMPLE.com#frag"), 6, "url fragment dropped");
    tap_int_eq(first_tag(s, SG17_INTEL_URL, "http://example.com/a"), -1, "url path differs");
    tap_int_eq(first_tag(s, SG17_INTEL_SHA256,
                         "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
               7, "hash case");
    tap_int_eq(first_tag(s, SG17_INTEL_EMAIL, "phish@example.ORG"), 8, "email");
    tap_int_eq(first_tag(s, SG17_INTEL_IMSI, "001010000000001"), 9, "imsi exact");
    tap_int_eq(first_tag(s, SG17_INTEL_IMSI, "001010000000002"), -1, "imsi miss");
    tap_int_eq(first_tag(s, SG17_INTEL_IMSI, "999012300000001"), 11, "longest imsi prefix");
    tap_int_eq(first_tag(s, SG17_INTEL_IMSI, "999019900000001"), 10, "shorter imsi prefix");
    tap_int_eq(first_tag(s, SG17_INTEL_IMSI, "888000000000500"), 12, "imsi in range");
    tap_int_eq(first_tag(s, SG17_INTEL_IMSI, "888000000001000"), -1, "imsi above range");
    tap_int_eq(first_tag(s, SG17_INTEL_IMSI, "88800000000050"), -1, "14 digits not in 15-digit range");
    tap_int_eq(first_tag(s, SG17_INTEL_IMEI, "49015420323751"), 13, "imei without check digit");
    tap_int_eq(first_tag(s, SG17_INTEL_IMEI, "3569380356438091"), 14, "IMEISV by TAC");
    tap_int_eq(first_tag(s, SG17_INTEL_MSISDN, "447700900123"), 15, "msisdn without +");
    tap_int_eq(first_tag(s, SG17_INTEL_SCCP_GT, "33612345678"), 16, "GT prefix");
    tap_int_eq(first_tag(s, SG17_INTEL_SCCP_GT, "3371234"), -1, "GT miss");
    tap_int_eq(first_tag(s, SG17_INTEL_GTP_TEID, "43981"), 17, "teid decimal = hex");
    tap_int_eq(first_tag(s, SG17_INTEL_APN, "internet.mnc001.mcc001.gprs"), 18, "apn");
    tap_int_eq(first_tag(s, SG17_INTEL_SIP_URI, "<sip:bob@biloxi.example.com;transport=tcp>"), 19,
               "sip params dropped");
    tap_int_eq(first_tag(s, SG17_INTEL_DIAMETER_REALM, "hss.epc.mnc099.mcc999.3gppnetwork.org"), 20,
               "realm suffix");
    tap_int_eq(first_tag(s, SG17_INTEL_DIAMETER_HOST, "epc.mnc099.mcc999.3gppnetwork.org"), -1,
               "host kind does not see realm indicator");
    tap_int_eq(first_tag(s, SG17_INTEL_GTP_PEER, "198.51.100.7"), 21, "gtp peer");
    tap_int_eq(first_tag(s, SG17_INTEL_IPV4, "198.51.100.7"), 21, "gtp peer also as ip");
    tap_int_eq(nhits(s, SG17_INTEL_IPV4, "not-an-ip"), 0, "garbage matches nothing");

    sg17_intel_hit h[4];
    tap_int_eq(sg17_intel_lookup(s, SG17_INTEL_IMSI, "888000000000500", 15, 0, h, 4), 1, "one");
    sg17_intel_hit_info hi;
    tap_ok(sg17_intel_hit_describe(s, h[0], &hi) == 0 &&
               strcmp(hi.value, "888000000000000-888000000000999") == 0,
           "range described: %s", hi.value);
    tap_ok(sg17_intel_hit_describe(s, 100000, &hi) == SG17_E_INVAL, "bad hit index");
    sg17_intel_snapshot_stats st;
    sg17_intel_snapshot_stats_get(s, &st);
    tap_int_eq(st.values, 20, "20 values compiled");
    tap_int_eq(st.per_kind[SG17_INTEL_IMSI], 4, "4 imsi values");
    sg17_intel_snapshot_free(s);
    sg17_intel_builder_free(b);
}

/* Brute-force longest prefix over a list of prefixes. */
typedef struct pfx {
    uint8_t a[16];
    unsigned len;
    int tag;
} pfx;

static int pfx_contains(const pfx *p, const uint8_t *x)
{
    for (unsigned bit = 0; bit < p->len; bit++) {
        uint8_t m = (uint8_t)(0x80U >> (bit % 8));
        if ((p->a[bit / 8] & m) != (x[bit / 8] & m))
            return 0;
    }
    return 1;
}

static void lpm_differential(int v6)
{
    enum { NP = 3000, NQ = 20000 };
    unsigned bits = v6 ? 128 : 32;
    pfx *ps = calloc(NP, sizeof *ps);
    sg17_intel_builder *b;
    if (ps == NULL || sg17_intel_builder_new(&b) != 0) {
        tap_ok(0, "alloc");
        free(ps);
        return;
    }
    tap_rand_seed(v6 ? 66 : 44);
    size_t np = 0;
    for (int i = 0; i < NP; i++) {
        pfx p;
        memset(&p, 0, sizeof p);
        /* a small address space so that prefixes nest and overlap */
        p.len = 1 + (unsigned)(tap_rand_u64() % (bits - 1));
        uint64_t r = tap_rand_u64();
        p.a[0] = (uint8_t)(0x20 | (r & 3));
        p.a[1] = (uint8_t)(r >> 8);
        p.a[2] = (uint8_t)(r >> 16 & 0x0F);
        for (unsigned bit = p.len; bit < 128; bit++)
            p.a[bit / 8] &= (uint8_t) ~(0x80U >> (bit % 8));
        if (!v6)
            memset(p.a + 4, 0, 12);
        char txt[80], a6[48];
        if (v6) {
            snprintf(a6, sizeof a6, "%x:%x:%x::", p.a[0] << 8 | p.a[1], p.a[2] << 8 | p.a[3],
                     p.a[4] << 8 | p.a[5]);
            if (p.len > 48)
                p.len = 48;
            for (unsigned bit = p.len; bit < 128; bit++)
                p.a[bit / 8] &= (uint8_t) ~(0x80U >> (bit % 8));
            snprintf(a6, sizeof a6, "%x:%x:%x::", p.a[0] << 8 | p.a[1], p.a[2] << 8 | p.a[3],
                     p.a[4] << 8 | p.a[5]);
            snprintf(txt, sizeof txt, "%s/%u", a6, p.len);
        } else {
            snprintf(txt, sizeof txt, "%u.%u.%u.%u/%u", p.a[0], p.a[1], p.a[2], p.a[3], p.len);
        }
        p.tag = (int)(np % 251);
        if (add(b, v6 ? SG17_INTEL_IPV6 : SG17_INTEL_IPV4, SG17_INTEL_PREFIX, txt, NULL,
                (uint8_t)p.tag) != 0) {
            tap_ok(0, "add %s", txt);
            continue;
        }
        ps[np++] = p;
    }
    sg17_intel_snapshot *s;
    tap_ok(sg17_intel_builder_build(b, 0, &s) == 0, "build lpm");
    size_t bad = 0;
    for (int q = 0; q < NQ; q++) {
        uint8_t x[16];
        memset(x, 0, sizeof x);
        uint64_t r = tap_rand_u64();
        x[0] = (uint8_t)(0x20 | (r & 3));
        x[1] = (uint8_t)(r >> 8);
        x[2] = (uint8_t)(r >> 16);
        x[3] = (uint8_t)(r >> 24);
        x[4] = (uint8_t)(r >> 32);
        x[5] = (uint8_t)(r >> 40);
        if (q % 3 == 0) /* often an address inside a known prefix */
            memcpy(x, ps[(r >> 48) % np].a, 3);
        if (!v6)
            memset(x + 4, 0, 12);
        unsigned best = 0;
        int want = -1;
        for (size_t i = 0; i < np; i++) {
            if (pfx_contains(&ps[i], x) && (want < 0 || ps[i].len > best)) {
                best = ps[i].len;
                want = (int)i;
            }
        }
        sg17_intel_hit h[8];
        size_t n = v6 ? sg17_intel_lookup_ipv6(s, x, 0, h, 8)
                      : sg17_intel_lookup_ipv4(s, (uint32_t)x[0] << 24 | (uint32_t)x[1] << 16 |
                                                      (uint32_t)x[2] << 8 | x[3],
                                               0, h, 8);
        sg17_intel_hit_info hi;
        unsigned got_len = 0;
        if (n > 0 && sg17_intel_hit_describe(s, h[0], &hi) == 0) {
            const char *sl = strrchr(hi.value, '/');
            got_len = sl ? (unsigned)strtoul(sl + 1, NULL, 10) : 0;
        }
        if ((want < 0) != (n == 0) || (want >= 0 && got_len != best)) {
            if (bad++ < 3)
                tap_diag("query %02x%02x:%02x%02x:%02x%02x:: want /%u (%d) got %zu hits %s op %d kind %d", x[0],
                         x[1], x[2], x[3], x[4], x[5], best, want, n, n ? hi.value : "", (int)hi.op, (int)hi.kind);
        }
    }
    tap_ok(bad == 0, "%s longest prefix = brute force on %d lookups (%zu wrong)", v6 ? "IPv6" : "IPv4",
           NQ, bad);
    sg17_intel_snapshot_free(s);
    sg17_intel_builder_free(b);
    free(ps);
}

static void test_validity_and_default_route(void)
{
    sg17_intel_builder *b;
    sg17_intel_snapshot *s;
    tap_ok(sg17_intel_builder_new(&b) == 0, "builder");
    sg17_intel_ind ind;
    memset(&ind, 0, sizeof ind);
    ind.kind = SG17_INTEL_IPV4;
    ind.op = SG17_INTEL_EXACT;
    ind.value = "203.0.113.5";
    ind.valid_until = 1000;
    tap_ok(sg17_intel_builder_add(b, &ind) == 0, "expiring");
    ind.value = "203.0.113.6";
    ind.valid_from = 5000;
    ind.valid_until = 0;
    tap_ok(sg17_intel_builder_add(b, &ind) == 0, "future");
    ind.value = "0.0.0.0/0";
    ind.op = SG17_INTEL_PREFIX;
    ind.valid_from = 0;
    tap_ok(sg17_intel_builder_add(b, &ind) == 0, "default route");
    tap_ok(sg17_intel_builder_build(b, 2000, &s) == 0, "build at t=2000");
    sg17_intel_snapshot_stats st;
    sg17_intel_snapshot_stats_get(s, &st);
    tap_int_eq(st.values, 2, "expired value dropped");
    sg17_intel_hit h[4];
    tap_int_eq(sg17_intel_lookup_ipv4(s, 0xCB007106U, 3000, h, 4), 1, "not yet valid: only /0");
    tap_int_eq(sg17_intel_lookup_ipv4(s, 0xCB007106U, 6000, h, 4), 2, "valid later: exact + /0");
    tap_int_eq(sg17_intel_lookup_ipv4(s, 0xFFFFFFFFU, 0, h, 4), 1, "/0 covers 255.255.255.255");
    sg17_intel_snapshot_free(s);
    sg17_intel_builder_free(b);
}

static void test_stix(void)
{
    const char *doc =
        "{\"type\":\"bundle\",\"id\":\"bundle--5d0092c5-5f74-4287-9642-33f4c354e56d\",\"objects\":["
        "{\"type\":\"indicator\",\"spec_version\":\"2.1\",\"id\":\"indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f\","
        "\"created\":\"2024-01-01T00:00:00Z\",\"modified\":\"2024-01-01T00:00:00Z\",\"pattern_type\":\"stix\","
        "\"pattern\":\"[ipv4-addr:value = '198.51.100.1' OR ipv4-addr:value = '198.51.100.2'] OR [domain-name:value = 'c2.example']\","
        "\"valid_from\":\"2024-01-01T00:00:00Z\",\"confidence\":80},"
        "{\"type\":\"indicator\",\"spec_version\":\"2.1\",\"id\":\"indicator--1e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f\","
        "\"created\":\"2024-01-01T00:00:00Z\",\"modified\":\"2024-01-01T00:00:00Z\",\"pattern_type\":\"stix\","
        "\"pattern\":\"[ipv4-addr:value ISSUBSET '203.0.113.0/24']\",\"valid_from\":\"2024-01-01T00:00:00Z\"},"
        "{\"type\":\"indicator\",\"spec_version\":\"2.1\",\"id\":\"indicator--2e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f\","
        "\"created\":\"2024-01-01T00:00:00Z\",\"modified\":\"2024-01-01T00:00:00Z\",\"pattern_type\":\"stix\","
        "\"pattern\":\"[x-sg17-imsi:value >= '999990000000000' AND x-sg17-imsi:value <= '999990000009999']\","
        "\"valid_from\":\"2024-01-01T00:00:00Z\",\"x_sg17_fs11_category\":\"cat2\"},"
        "{\"type\":\"indicator\",\"spec_version\":\"2.1\",\"id\":\"indicator--3e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f\","
        "\"created\":\"2024-01-01T00:00:00Z\",\"modified\":\"2024-01-01T00:00:00Z\",\"pattern_type\":\"stix\","
        "\"pattern\":\"[x-sg17-sccp-gt:value LIKE '4479%'] OR [file:hashes.'SHA-256' = 'aec070645fe53ee3b3763059376134f058cc337247c978add178b6ccdfb0019f']\","
        "\"valid_from\":\"2024-01-01T00:00:00Z\",\"x_sg17_fs11_category\":1},"
        "{\"type\":\"indicator\",\"spec_version\":\"2.1\",\"id\":\"indicator--4e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f\","
        "\"created\":\"2024-01-01T00:00:00Z\",\"modified\":\"2024-01-01T00:00:00Z\",\"pattern_type\":\"stix\","
        "\"pattern\":\"[file:name = 'x.exe' AND file:size = 5]\",\"valid_from\":\"2024-01-01T00:00:00Z\"},"
        "{\"type\":\"indicator\",\"spec_version\":\"2.1\",\"id\":\"indicator--5e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f\","
        "\"created\":\"2024-01-01T00:00:00Z\",\"modified\":\"2024-01-01T00:00:00Z\",\"pattern_type\":\"stix\","
        "\"pattern\":\"[ipv4-addr:value = '1.2.3.4'\",\"valid_from\":\"2024-01-01T00:00:00Z\"},"
        "{\"type\":\"indicator\",\"spec_version\":\"2.1\",\"id\":\"indicator--6e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f\","
        "\"created\":\"2024-01-01T00:00:00Z\",\"modified\":\"2024-01-01T00:00:00Z\",\"pattern_type\":\"stix\","
        "\"revoked\":true,\"pattern\":\"[ipv4-addr:value = '5.6.7.8']\",\"valid_from\":\"2024-01-01T00:00:00Z\"},"
        "{\"type\":\"malware\",\"id\":\"malware--6e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f\"}]}";
    json_error_t je;
    json_t *j = json_loads(doc, 0, &je);
    tap_ok(j != NULL, "bundle parses (%s)", j ? "" : je.text);
    sg17_intel_builder *b;
    sg17_intel_snapshot *s = NULL;
    sg17_intel_load_stats st;
    memset(&st, 0, sizeof st);
    tap_ok(sg17_intel_builder_new(&b) == 0, "builder");
    tap_ok(sg17_intel_builder_add_stix(b, j, &st) == 0, "load bundle");
    tap_int_eq(st.indicators, 7, "indicators seen");
    tap_int_eq(st.values, 7, "values compiled");
    tap_int_eq(st.unsupported, 1, "AND of two properties unsupported");
    tap_int_eq(st.invalid, 1, "invalid pattern counted");
    tap_int_eq(st.revoked, 1, "revoked skipped");
    tap_ok(sg17_intel_builder_build(b, 0, &s) == 0, "build");
    tap_int_eq(nhits(s, SG17_INTEL_IPV4, "198.51.100.2"), 1, "OR inside an observation");
    tap_int_eq(nhits(s, SG17_INTEL_DOMAIN, "www.c2.example"), 1, "OR of observations");
    tap_int_eq(nhits(s, SG17_INTEL_IPV4, "203.0.113.77"), 1, "ISSUBSET");
    tap_int_eq(nhits(s, SG17_INTEL_IPV4, "5.6.7.8"), 0, "revoked not matched");
    sg17_intel_hit h[2];
    size_t n = sg17_intel_lookup(s, SG17_INTEL_IMSI, "999990000001234", 15, 0, h, 2);
    sg17_intel_hit_info hi;
    tap_ok(n == 1 && sg17_intel_hit_describe(s, h[0], &hi) == 0 && hi.fs11 == 2 &&
               hi.id[0] == 0x2e && hi.op == SG17_INTEL_RANGE,
           "range from >= AND <=, FS.11 cat2, id kept");
    n = sg17_intel_lookup(s, SG17_INTEL_SCCP_GT, "447912345678", 12, 0, h, 2);
    tap_ok(n == 1 && sg17_intel_hit_describe(s, h[0], &hi) == 0 && hi.fs11 == 1 &&
               strcmp(hi.value, "4479%") == 0,
           "LIKE prefix on GT (%s)", n ? hi.value : "-");
    tap_int_eq(nhits(s, SG17_INTEL_SHA256,
                     "AEC070645FE53EE3B3763059376134F058CC337247C978ADD178B6CCDFB0019F"),
               1, "quoted hash path");
    json_decref(j);
    sg17_intel_snapshot_free(s);
    sg17_intel_builder_free(b);
}

/* ---- concurrent swap -------------------------------------------------- */

typedef struct rd {
    sg17_intel_matcher *m;
    atomic_int *stop;
    size_t lookups, bad;
} rd;

static void *reader(void *arg)
{
    rd *r = arg;
    while (!atomic_load(r->stop)) {
        sg17_intel_read rr = sg17_intel_matcher_acquire(r->m);
        sg17_intel_hit h[4];
        /* every snapshot holds 10.9.9.9 and 10.0.0.0/8 */
        size_t n = sg17_intel_lookup_ipv4(rr.snap, 0x0A090909U, 0, h, 4);
        size_t n2 = sg17_intel_lookup_ipv4(rr.snap, 0x0A010101U, 0, h, 4);
        if (n != 2 || n2 != 1)
            r->bad++;
        r->lookups++;
        sg17_intel_matcher_release(r->m, rr);
    }
    return NULL;
}

static sg17_intel_snapshot *gen_snapshot(unsigned i)
{
    sg17_intel_builder *b;
    sg17_intel_snapshot *s = NULL;
    if (sg17_intel_builder_new(&b) != 0)
        return NULL;
    char v[32];
    int ok = add(b, SG17_INTEL_IPV4, SG17_INTEL_EXACT, "10.9.9.9", NULL, 1) == 0 &&
             add(b, SG17_INTEL_IPV4, SG17_INTEL_PREFIX, "10.0.0.0/8", NULL, 2) == 0;
    for (unsigned k = 0; k < 200 && ok; k++) {
        snprintf(v, sizeof v, "172.16.%u.%u", i % 256, k);
        ok = add(b, SG17_INTEL_IPV4, SG17_INTEL_EXACT, v, NULL, 3) == 0;
    }
    if (!ok || sg17_intel_builder_build(b, 0, &s) != 0)
        s = NULL;
    sg17_intel_builder_free(b);
    return s;
}

static void test_swap(void)
{
    sg17_intel_matcher *m;
    tap_ok(sg17_intel_matcher_new(&m, gen_snapshot(0)) == 0, "matcher");
    atomic_int stop;
    atomic_init(&stop, 0);
    rd r[2] = {{m, &stop, 0, 0}, {m, &stop, 0, 0}};
    pthread_t t[2];
    for (int i = 0; i < 2; i++)
        pthread_create(&t[i], NULL, reader, &r[i]);
    int swaps = 0;
    for (unsigned i = 1; i <= 60; i++) {
        sg17_intel_snapshot *s = gen_snapshot(i);
        if (s) {
            sg17_intel_matcher_swap(m, s);
            swaps++;
        }
    }
    atomic_store(&stop, 1);
    for (int i = 0; i < 2; i++)
        pthread_join(t[i], NULL);
    tap_int_eq(swaps, 60, "60 swaps under 2 reading threads");
    tap_ok(r[0].bad == 0 && r[1].bad == 0, "every read saw a complete snapshot (%zu + %zu lookups)",
           r[0].lookups, r[1].lookups);
    sg17_intel_read rr = sg17_intel_matcher_acquire(m);
    sg17_intel_hit h[4];
    tap_int_eq(sg17_intel_lookup(rr.snap, SG17_INTEL_IPV4, "172.16.60.7", 11, 0, h, 4), 1,
               "latest snapshot visible");
    sg17_intel_matcher_release(m, rr);
    sg17_intel_matcher_free(m);
}

int main(void)
{
    memset(g_id, 0xA5, sizeof g_id);
    test_exact_and_canon();
    lpm_differential(0);
    lpm_differential(1);
    test_validity_and_default_route();
    test_stix();
    test_swap();
    return tap_done();
}
