/*
 * TAXII 2.1 request pieces: the query filters (3.5) parsed and evaluated
 * over object versions (match[id|type|spec_version|version], added_after,
 * limit capping), endpoint paths (4-5), Accept / Content-Type negotiation
 * (1.6.8) and the POST envelope checked object by object.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sg17/taxii.h"
#include "tap.h"

/* A query as key=value pairs, NULL-terminated. */
static const char *q_get(void *ctx, const char *key)
{
    const char *const *kv = ctx;
    for (; kv[0] != NULL; kv += 2)
        if (strcmp(kv[0], key) == 0)
            return kv[1];
    return NULL;
}

static int parse(sg17_taxii_filter *f, const char *const *kv, char *err)
{
    return sg17_taxii_filter_parse(f, q_get, (void *)(uintptr_t)kv, 100, 1000, err, 200);
}

/* Three versions of one indicator (v1 < v2 < v3) and one malware in 2.0. */
static sg17_taxii_meta M(const char *id, const char *type, const char *spec, int64_t v,
                         int64_t first, int64_t last, int64_t added)
{
    sg17_taxii_meta m;
    m.id = id;
    m.type = type;
    m.spec_version = spec;
    m.version_us = v;
    m.first_us = first;
    m.last_us = last;
    m.date_added_us = added;
    return m;
}

#define IND "indicator--6770298f-0fd8-471a-ab8c-1c658a46574e"
#define MAL "malware--c0931cc6-c75e-47e5-9036-78fabc95d4ec"

/* Which of the 4 versions pass: a bit per version. */
static unsigned passing(const sg17_taxii_filter *f)
{
    sg17_taxii_meta v[4] = {
        M(IND, "indicator", "2.1", 10, 10, 30, 100),
        M(IND, "indicator", "2.1", 20, 10, 30, 200),
        M(IND, "indicator", "2.1", 30, 10, 30, 300),
        M(MAL, "malware", "2.0", 50, 50, 50, 400),
    };
    unsigned bits = 0;
    for (unsigned i = 0; i < 4; i++)
        if (sg17_taxii_filter_match(f, &v[i]))
            bits |= 1u << i;
    return bits;
}

static void filters(void)
{
    sg17_taxii_filter f;
    char err[200];
    struct {
        const char *kv[9];
        unsigned want;
        const char *what;
    } cases[] = {
        {{NULL}, 0xc, "default: the last version of each object"},
        {{"match[version]", "all", NULL}, 0xf, "all"},
        {{"match[version]", "first", NULL}, 0x9, "first"},
        {{"match[version]", "first,last", NULL}, 0xd, "first,last"},
        {{"match[version]", "1970-01-01T00:00:00.00002Z", NULL}, 0x2, "a timestamp (20 us)"},
        {{"match[version]", "1970-01-01T00:00:00.00002Z,last", NULL}, 0xe, "timestamp + last"},
        {{"match[type]", "malware", NULL}, 0x8, "type"},
        {{"match[type]", "indicator,malware", "match[version]", "all", NULL}, 0xf, "two types"},
        {{"match[id]", IND, "match[version]", "all", NULL}, 0x7, "id"},
        {{"match[id]", MAL "," IND, NULL}, 0xc, "two ids"},
        {{"match[spec_version]", "2.0", NULL}, 0x8, "spec_version 2.0"},
        {{"match[spec_version]", "2.1", "match[version]", "all", NULL}, 0x7, "spec 2.1 all"},
        {{"added_after", "1970-01-01T00:00:00.0002Z", "match[version]", "all", NULL},
         0xc,
         "added_after is strict (200 us excluded)"},
        {{"match[type]", "indicator", "match[id]", MAL, NULL}, 0x0, "filters combine (AND)"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int rc = parse(&f, cases[i].kv, err);
        tap_ok(rc == 0, "parse: %s%s%s", cases[i].what, rc ? ": " : "", rc ? err : "");
        tap_int_eq(passing(&f), cases[i].want, cases[i].what);
        sg17_taxii_filter_free(&f);
    }
    {
        const char *kv[] = {"limit", "5000", NULL};
        tap_ok(parse(&f, kv, err) == 0 && f.limit == 1000, "limit above the cap is lowered");
        sg17_taxii_filter_free(&f);
        const char *kv2[] = {NULL};
        tap_ok(parse(&f, kv2, err) == 0 && f.limit == 100 && f.next == NULL,
               "no limit: the default page");
        sg17_taxii_filter_free(&f);
        const char *kv3[] = {"limit", "7", "next", "abc", NULL};
        tap_ok(parse(&f, kv3, err) == 0 && f.limit == 7 && strcmp(f.next, "abc") == 0,
               "limit and next kept");
        sg17_taxii_filter_free(&f);
    }
    struct {
        const char *kv[3];
        const char *what;
    } bad[] = {
        {{"limit", "0"}, "limit 0"},
        {{"limit", "-1"}, "negative limit"},
        {{"limit", "12a"}, "limit with junk"},
        {{"limit", "99999999999"}, "huge limit"},
        {{"added_after", "2016-13-01T00:00:00Z"}, "month 13"},
        {{"match[version]", "latest"}, "unknown version keyword"},
        {{"match[version]", "first,"}, "empty list element"},
        {{"match[id]", "indicator--nope"}, "id without uuid"},
        {{"match[id]", "Indicator--6770298f-0fd8-471a-ab8c-1c658a46574e"}, "upper-case type in id"},
        {{"match[type]", "Indicator"}, "upper-case type"},
        {{"match[type]", "a b"}, "space in type"},
        {{"match[spec_version]", "2"}, "spec_version without dot"},
        {{"match[spec_version]", "two.one"}, "spec_version not numeric"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        const char *kv[] = {bad[i].kv[0], bad[i].kv[1], NULL};
        int rc = parse(&f, kv, err);
        tap_ok(rc == SG17_E_FORMAT && err[0] != '\0', "refused: %s (%s)", bad[i].what, err);
        sg17_taxii_filter_free(&f);
    }
    {
        /* 65 types: over the per-list cap */
        char big[65 * 3 + 1];
        size_t o = 0;
        for (int i = 0; i < 65; i++) {
            big[o++] = 'a';
            big[o++] = (char)('a' + i % 26);
            big[o++] = ',';
        }
        big[o - 1] = '\0';
        const char *kv[] = {"match[type]", big, NULL};
        tap_int_eq(parse(&f, kv, err), SG17_E_LIMIT, "65 values: SG17_E_LIMIT");
        sg17_taxii_filter_free(&f);
    }
}

static void paths(void)
{
    sg17_taxii_path p;
    struct {
        const char *rest;
        sg17_taxii_endpoint ep;
        const char *id, *oid;
    } cases[] = {
        {"", SG17_TAXII_EP_ROOT, "", ""},
        {"status/abc-1/", SG17_TAXII_EP_STATUS, "abc-1", ""},
        {"collections/", SG17_TAXII_EP_COLLECTIONS, "", ""},
        {"collections", SG17_TAXII_EP_COLLECTIONS, "", ""},
        {"collections/c1/", SG17_TAXII_EP_COLLECTION, "c1", ""},
        {"collections/c1/objects/", SG17_TAXII_EP_OBJECTS, "c1", ""},
        {"collections/c1/manifest/", SG17_TAXII_EP_MANIFEST, "c1", ""},
        {"collections/c1/objects/" IND "/", SG17_TAXII_EP_OBJECT, "c1", IND},
        {"collections/c1/objects/" IND "/versions/", SG17_TAXII_EP_VERSIONS, "c1", IND},
        {"collections/c1/objects/" IND "/versions/x/", SG17_TAXII_EP_NONE, "", ""},
        {"collections/c1/things/", SG17_TAXII_EP_NONE, "", ""},
        {"collections//objects/", SG17_TAXII_EP_NONE, "", ""},
        {"status/", SG17_TAXII_EP_NONE, "", ""},
        {"collections/c%201/", SG17_TAXII_EP_NONE, "", ""},
        {"nothing/", SG17_TAXII_EP_NONE, "", ""},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int rc = sg17_taxii_path_parse(cases[i].rest, &p);
        tap_ok(rc == 0 && p.ep == cases[i].ep && strcmp(p.id, cases[i].id) == 0 &&
                   strcmp(p.object_id, cases[i].oid) == 0,
               "path '%s' -> endpoint %d", cases[i].rest, (int)cases[i].ep);
    }
}

static void media(void)
{
    tap_ok(sg17_taxii_accept_ok(NULL), "no Accept: acceptable");
    tap_ok(sg17_taxii_accept_ok("application/taxii+json;version=2.1"), "the TAXII 2.1 type");
    tap_ok(sg17_taxii_accept_ok("application/taxii+json"), "without version");
    tap_ok(sg17_taxii_accept_ok("Application/TAXII+JSON; version=2.1"), "case and spaces");
    tap_ok(sg17_taxii_accept_ok("text/html, */*;q=0.1"), "*/* with q > 0");
    tap_ok(sg17_taxii_accept_ok("application/*"), "application/*");
    tap_ok(!sg17_taxii_accept_ok("application/json"), "application/json: 406");
    tap_ok(!sg17_taxii_accept_ok("application/taxii+json;version=2.0"), "TAXII 2.0: 406");
    tap_ok(!sg17_taxii_accept_ok("application/taxii+json;q=0"), "q=0: 406");
    tap_ok(!sg17_taxii_accept_ok("application/taxii+json;version=2.10"), "version=2.10: 406");
    tap_ok(sg17_taxii_content_type_ok("application/taxii+json;version=2.1"), "Content-Type ok");
    tap_ok(sg17_taxii_content_type_ok("application/taxii+json"), "Content-Type without version");
    tap_ok(!sg17_taxii_content_type_ok("application/json"), "application/json: 415");
    tap_ok(!sg17_taxii_content_type_ok("*/*"), "a wildcard is no Content-Type");
    tap_ok(!sg17_taxii_content_type_ok(NULL), "no Content-Type: 415");
}

static void envelope(void)
{
    sg17_taxii_envelope env;
    char err[200];
    const char *body =
        "{\"objects\":["
        "{\"type\":\"indicator\",\"spec_version\":\"2.1\",\"id\":\"" IND "\","
        "\"created\":\"2016-11-03T12:30:59.000Z\",\"modified\":\"2017-01-27T13:49:53.935Z\"},"
        "{\"type\":\"malware\",\"id\":\"" MAL "\",\"created\":\"2017-01-27T13:49:53.997Z\"},"
        "{\"type\":\"ipv4-addr\",\"id\":\"ipv4-addr--ff26c055-6336-5bc5-b98d-13d6226742dd\","
        "\"value\":\"198.51.100.3\"},"
        "{\"type\":\"indicator\",\"id\":\"malware--c0931cc6-c75e-47e5-9036-78fabc95d4ec\"},"
        "{\"type\":\"indicator\",\"id\":\"" IND "\",\"modified\":\"yesterday\"},"
        "{\"type\":\"indicator\",\"id\":\"" IND "\",\"created\":\"2018-01-01T00:00:00Z\","
        "\"modified\":\"2017-01-01T00:00:00Z\"},"
        "{\"type\":\"indicator\",\"id\":\"" IND "\",\"spec_version\":\"3.0\"},"
        "42]}";
    int rc = sg17_taxii_envelope_parse(body, strlen(body), 100, &env, err, sizeof err);
    tap_ok(rc == 0 && env.n == 8, "envelope of 8 elements parsed");
    if (rc == 0 && env.n == 8) {
        tap_ok(env.items[0].ok && strcmp(env.items[0].version, "2017-01-27T13:49:53.935Z") == 0 &&
                   strcmp(env.items[0].spec_version, "2.1") == 0,
               "indicator: version = modified, spec 2.1");
        tap_ok(env.items[1].ok && strcmp(env.items[1].version, "2017-01-27T13:49:53.997Z") == 0 &&
                   strcmp(env.items[1].spec_version, "2.0") == 0,
               "SDO without spec_version: 2.0, version = created");
        tap_ok(env.items[2].ok && env.items[2].version[0] == '\0' &&
                   strcmp(env.items[2].spec_version, "2.1") == 0,
               "SCO: unversioned, 2.1");
        tap_ok(!env.items[3].ok, "id of another type refused: %s", env.items[3].message);
        tap_ok(!env.items[4].ok, "bad modified refused: %s", env.items[4].message);
        tap_ok(!env.items[5].ok, "created after modified refused: %s", env.items[5].message);
        tap_ok(!env.items[6].ok, "spec_version 3.0 refused: %s", env.items[6].message);
        tap_ok(!env.items[7].ok, "a number refused: %s", env.items[7].message);
        tap_ok(env.items[0].json != NULL && strstr(env.items[0].json, IND) != NULL,
               "the accepted object's JSON is kept");
    }
    sg17_taxii_envelope_free(&env);
    tap_int_eq(sg17_taxii_envelope_parse("{\"objects\":[", 12, 100, &env, err, sizeof err),
               SG17_E_FORMAT, "broken JSON: SG17_E_FORMAT");
    tap_ok(err[0] != '\0', "with a reason: %s", err);
    tap_int_eq(sg17_taxii_envelope_parse("[]", 2, 100, &env, err, sizeof err), SG17_E_FORMAT,
               "not an object");
    tap_int_eq(sg17_taxii_envelope_parse("{\"objects\":{}}", 14, 100, &env, err, sizeof err),
               SG17_E_FORMAT, "objects not an array");
    tap_int_eq(sg17_taxii_envelope_parse("{\"objects\":[1,2,3]}", 19, 2, &env, err, sizeof err),
               SG17_E_LIMIT, "more objects than allowed: SG17_E_LIMIT");
    tap_ok(sg17_taxii_envelope_parse("{}", 2, 2, &env, err, sizeof err) == 0 && env.n == 0,
           "{} is an empty envelope");
    sg17_taxii_envelope_free(&env);
}

int main(void)
{
    filters();
    paths();
    media();
    envelope();
    return tap_done();
}
