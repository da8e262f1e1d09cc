/* The intel store (docs/INTEL-STORE.md): validation and rejects, versions and
 * duplicates, de-duplication by canonical value across sources with
 * provenance, warninglist filtering, expiry, revocation, the compiled active
 * set, sightings fed back (idempotent, unmatched, invalid), the summary and a
 * collector source. Real SQLite on a temporary file. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "sg17/intel_store.h"
#include "sg17/json.h"
#include "tap.h"

#define NOW        1717200000LL /* 2024-06-01T00:00:00Z */
#define TLP1_GREEN "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da"

static char dir[64];
static char dbpath[128];

static json_t *ind(const char *id8, const char *modified, const char *pattern, const char *extra)
{
    char buf[2048];
    snprintf(buf, sizeof buf,
             "{\"type\":\"indicator\",\"spec_version\":\"2.1\",\"id\":\"indicator--%s-17d4-4cbf-"
             "938f-98ee46b3cd3f\",\"created\":\"2024-01-01T00:00:00Z\",\"modified\":\"%s\","
             "\"pattern_type\":\"stix\",\"pattern\":\"%s\",\"valid_from\":\"2020-01-01T00:00:00Z\""
             "%s}",
             id8, modified, pattern, extra ? extra : "");
    json_t *j = NULL;
    if (sg17_json_parse(buf, strlen(buf), NULL, &j, NULL) != 0)
        tap_diag("bad test JSON: %s", buf);
    return j;
}

static long long q1(const char *sql)
{
    sqlite3 *db;
    long long v = -1;
    sqlite3_stmt *st;
    if (sqlite3_open(dbpath, &db) != SQLITE_OK)
        return -1;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK) {
        if (sqlite3_step(st) == SQLITE_ROW)
            v = sqlite3_column_int64(st, 0);
        sqlite3_finalize(st);
    } else {
        tap_diag("sql: %s", sqlite3_errmsg(db));
    }
    sqlite3_close(db);
    return v;
}

static long long sum_get(sg17_intel_store *s, int64_t now, const char *a, const char *b)
{
    json_t *j = NULL;
    if (sg17_intel_store_summary(s, now, 0, 5, &j) != 0)
        return -1;
    json_t *v = json_object_get(json_object_get(j, a), b);
    long long r = v ? (long long)json_integer_value(v) : 0;
    json_decref(j);
    return r;
}

static size_t lookup(sg17_intel_store *s, int64_t now, sg17_intel_kind k, const char *v,
                     sg17_intel_hit_info *info)
{
    sg17_intel_builder *b;
    sg17_intel_snapshot *snap = NULL;
    size_t n = 0, added = 0;
    if (sg17_intel_builder_new(&b) != 0)
        return 0;
    if (sg17_intel_store_compile(s, now, b, &added) == 0 &&
        sg17_intel_builder_build(b, now, &snap) == 0) {
        sg17_intel_hit h[4];
        n = sg17_intel_lookup(snap, k, v, strlen(v), now, h, 4);
        if (n > 0 && info != NULL && sg17_intel_hit_describe(snap, h[0], info) != 0)
            n = 0;
    }
    sg17_intel_snapshot_free(snap);
    sg17_intel_builder_free(b);
    return n;
}

static void test_ingest(sg17_intel_store *s)
{
    json_t *bundle = json_pack("{s:s, s:s, s:[]}", "type", "bundle", "id",
                               "bundle--11111111-1111-4111-8111-111111111111", "objects");
    json_t *objs = json_object_get(bundle, "objects");
    json_array_append_new(objs, ind("00000001", "2024-01-01T00:00:00Z",
                                    "[ipv4-addr:value = '198.51.100.10']",
                                    ",\"confidence\":80,\"created_by_ref\":\"identity--"
                                    "0000000a-17d4-4cbf-938f-98ee46b3cd3f\",\"external_"
                                    "references\":[{\"source_name\":\"x\",\"url\":\"https://x."
                                    "example/r\"}],\"object_marking_refs\":[\"" TLP1_GREEN "\"]"));
    json_array_append_new(objs, ind("00000002", "2024-01-01T00:00:00Z",
                                    "[ipv4-addr:value ISSUBSET '203.0.113.0/24']", NULL));
    json_array_append_new(objs, ind("00000003", "2024-01-01T00:00:00Z",
                                    "[domain-name:value = 'C2.Example.']",
                                    ",\"x_sg17_fs11_category\":2"));
    json_array_append_new(
        objs, json_pack("{s:s, s:s}", "type", "indicator", "id", "indicator--not-a-uuid"));
    json_array_append_new(objs, json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "type", "identity",
                                          "spec_version", "2.1", "id",
                                          "identity--0000000a-17d4-4cbf-938f-98ee46b3cd3f",
                                          "created", "2024-01-01T00:00:00Z", "modified",
                                          "2024-01-01T00:00:00Z", "name", "CERT X"));
    sg17_intel_ingest_opts o = {"feedA", NOW, NULL, SG17_INTEL_TLP_NONE};
    sg17_intel_ingest_stats st;
    tap_int_eq(sg17_intel_store_ingest(s, bundle, &o, &st), 0, "ingest feedA");
    tap_int_eq(st.objects, 5, "5 objects offered");
    tap_int_eq(st.stored, 4, "4 stored");
    tap_int_eq(st.rejected, 1, "1 rejected");
    tap_ok(strstr(st.last_reject, "indicator--not-a-uuid") != NULL, "reject names the id: %s",
           st.last_reject);
    tap_int_eq(st.indicators, 3, "3 indicators applied");
    tap_int_eq(st.new_values, 3, "3 new values");
    tap_int_eq(q1("SELECT COUNT(*) FROM intel_rejects WHERE object_id='indicator--not-a-uuid' "
                  "AND source='feedA' AND length(reason) > 10"),
               1, "reject recorded with a reason");
    tap_int_eq(q1("SELECT COUNT(*) FROM intel_values WHERE kind=3 AND canon='c2.example'"), 1,
               "domain stored in canonical form");
    tap_int_eq(q1("SELECT COUNT(*) FROM intel_prov WHERE created_by_ref='identity--0000000a-17d4-"
                  "4cbf-938f-98ee46b3cd3f' AND external_refs LIKE '%x.example/r%' AND tlp=1 AND "
                  "confidence=80"),
               1, "provenance: created_by_ref, external refs, TLP, confidence");

    /* the same bundle from another feed: duplicates, one value each, two providers */
    sg17_intel_ingest_opts o2 = {"feedB", NOW + 3600, NULL, SG17_INTEL_TLP_NONE};
    tap_int_eq(sg17_intel_store_ingest(s, bundle, &o2, &st), 0, "ingest feedB");
    tap_int_eq(st.duplicates, 4, "4 duplicates");
    tap_int_eq(st.new_values, 0, "no new values");
    tap_int_eq(st.values, 3, "3 values with provenance");
    tap_int_eq(q1("SELECT COUNT(*) FROM intel_values"), 3, "still 3 values");
    tap_int_eq(q1("SELECT COUNT(*) FROM intel_prov"), 6, "6 provenance rows (2 sources)");
    tap_int_eq(sum_get(s, NOW + 3600, "by_source", "feedA"), 3, "summary: feedA 3");
    tap_int_eq(sum_get(s, NOW + 3600, "by_source", "feedB"), 3, "summary: feedB 3");
    json_decref(bundle);

    /* another indicator, another spelling of the same domain: de-duplicated */
    json_t *d = ind("00000004", "2024-02-01T00:00:00Z", "[domain-name:value = 'c2.EXAMPLE']", NULL);
    sg17_intel_ingest_opts o3 = {"feedC", NOW, NULL, SG17_INTEL_TLP_NONE};
    tap_int_eq(sg17_intel_store_ingest(s, d, &o3, &st), 0, "ingest feedC");
    tap_int_eq(st.new_values, 0, "same canonical domain: no new value");
    tap_int_eq(q1("SELECT COUNT(DISTINCT indicator) FROM intel_prov p JOIN intel_values v ON "
                  "v.vid=p.vid WHERE v.canon='c2.example'"),
               2, "two indicators provide it");
    json_decref(d);
    tap_int_eq(sum_get(s, NOW, "by_fs11_category", "2"), 1, "FS.11 category counted");
}

static void test_versions(sg17_intel_store *s)
{
    sg17_intel_ingest_opts o = {"feedA", NOW, NULL, SG17_INTEL_TLP_NONE};
    sg17_intel_ingest_stats st;
    json_t *v2 = ind("00000002", "2024-03-01T00:00:00Z", "[ipv4-addr:value = '192.0.2.77']", NULL);
    tap_int_eq(sg17_intel_store_ingest(s, v2, &o, &st), 0, "newer version");
    tap_int_eq(st.stored, 1, "stored as a new version");
    tap_int_eq(q1("SELECT COUNT(*) FROM intel_objects WHERE id LIKE 'indicator--00000002%'"), 2,
               "both versions kept");
    tap_ok(lookup(s, NOW, SG17_INTEL_IPV4, "192.0.2.77", NULL) == 1, "new value active");
    tap_ok(lookup(s, NOW, SG17_INTEL_IPV4, "203.0.113.5", NULL) == 0,
           "old version's CIDR no longer active");
    tap_int_eq(sum_get(s, NOW, "values", "withdrawn"), 1, "old value counted withdrawn");
    json_t *old = ind("00000002", "2024-02-01T00:00:00Z", "[ipv4-addr:value = '192.0.2.78']", NULL);
    tap_int_eq(sg17_intel_store_ingest(s, old, &o, &st), 0, "older version late");
    tap_int_eq(st.older, 1, "counted older");
    tap_ok(lookup(s, NOW, SG17_INTEL_IPV4, "192.0.2.78", NULL) == 0, "older version not applied");
    json_decref(v2);
    json_decref(old);

    /* revocation */
    json_t *rv = ind("00000004", "2024-04-01T00:00:00Z", "[domain-name:value = 'c2.example']",
                     ",\"revoked\":true");
    tap_int_eq(sg17_intel_store_ingest(s, rv, &o, &st), 0, "revoked version");
    json_decref(rv);
    tap_ok(lookup(s, NOW, SG17_INTEL_DOMAIN, "www.c2.example", NULL) == 1,
           "still provided by the unrevoked indicator");
    tap_int_eq(q1("SELECT COUNT(*) FROM intel_prov WHERE indicator LIKE 'indicator--00000004%'"), 0,
               "revoked indicator provides nothing");
}

static void test_expiry_and_filter(sg17_intel_store *s)
{
    sg17_intel_ingest_opts o = {"feedE", NOW, NULL, SG17_INTEL_TLP_NONE};
    sg17_intel_ingest_stats st;
    json_t *e = ind("00000005", "2024-01-01T00:00:00Z", "[ipv4-addr:value = '192.0.2.99']",
                    ",\"valid_until\":\"2024-05-01T00:00:00Z\"");
    tap_int_eq(sg17_intel_store_ingest(s, e, &o, &st), 0, "ingest expiring");
    json_decref(e);
    tap_ok(lookup(s, NOW, SG17_INTEL_IPV4, "192.0.2.99", NULL) == 0, "expired: not compiled");
    tap_ok(lookup(s, NOW - 60 * 86400, SG17_INTEL_IPV4, "192.0.2.99", NULL) == 1,
           "active before valid_until");
    tap_int_eq(sum_get(s, NOW, "values", "expired"), 1, "counted expired, still stored");

    sg17_intel_wl *wl;
    tap_ok(sg17_intel_wl_new(&wl) == 0, "warninglist set");
    json_t *list =
        json_pack("{s:s, s:s, s:[s], s:[s, s]}", "name", "Known benign", "type", "hostname", "list",
                  "benign.example", "matching_attributes", "domain", "hostname");
    char err[128];
    size_t bad = 0;
    tap_ok(sg17_intel_wl_add(wl, list, &bad, err, sizeof err) == 0, "warninglist added");
    json_decref(list);
    json_t *f = ind("00000006", "2024-01-01T00:00:00Z",
                    "[domain-name:value = 'cdn.benign.example'] OR [domain-name:value = "
                    "'bad.example']",
                    NULL);
    sg17_intel_ingest_opts of = {"feedF", NOW, wl, SG17_INTEL_TLP_NONE};
    tap_int_eq(sg17_intel_store_ingest(s, f, &of, &st), 0, "ingest with warninglist");
    tap_int_eq(st.filtered, 1, "one value filtered");
    tap_int_eq(st.values, 2, "both values kept in the store");
    tap_int_eq(q1("SELECT COUNT(*) FROM intel_values WHERE canon='cdn.benign.example' AND "
                  "filtered='Known benign'"),
               1, "filtered with the list's name as reason");
    tap_ok(lookup(s, NOW, SG17_INTEL_DOMAIN, "cdn.benign.example", NULL) == 0,
           "filtered value not compiled");
    tap_ok(lookup(s, NOW, SG17_INTEL_DOMAIN, "bad.example", NULL) == 1, "the other value is");
    tap_int_eq(sum_get(s, NOW, "values", "filtered"), 1, "summary counts it");
    json_decref(f);
    sg17_intel_wl_free(wl);
}

static void test_sightings(sg17_intel_store *s)
{
    sg17_intel_hit_info hi;
    tap_ok(lookup(s, NOW, SG17_INTEL_IPV4, "198.51.100.10", &hi) == 1, "compiled and found");
    int want0 = sg17_intel_confidence(80, 0, NOW + 3600, NOW, SG17_INTEL_HALF_LIFE_S);
    tap_int_eq(hi.confidence, want0, "compiled with the formula's confidence");
    char text[2048];
    snprintf(text, sizeof text,
             "{\"type\":\"sighting\",\"spec_version\":\"2.1\",\"id\":\"sighting--00000000-0000-"
             "4000-8000-000000000001\",\"sighting_of_ref\":\"indicator--00000001-17d4-4cbf-938f-"
             "98ee46b3cd3f\",\"count\":3,\"first_seen\":\"2024-06-01T01:10:00Z\",\"last_seen\":"
             "\"2024-06-01T02:20:00Z\",\"x_sg17_observation\":{\"source\":\"conn.log\","
             "\"indicator_type\":\"ipv4-addr\",\"indicator_value\":\"198.51.100.10\"}}\n"
             "\n"
             "{\"type\":\"sighting\",\"id\":\"sighting--00000000-0000-4000-8000-000000000002\","
             "\"sighting_of_ref\":\"indicator--00000006-17d4-4cbf-938f-98ee46b3cd3f\","
             "\"count\":1,\"last_seen\":\"2024-06-01T02:30:00Z\"}\n"
             "{\"type\":\"sighting\",\"id\":\"sighting--00000000-0000-4000-8000-000000000003\","
             "\"sighting_of_ref\":\"indicator--000000ff-17d4-4cbf-938f-98ee46b3cd3f\","
             "\"count\":1}\n"
             "not json\n"
             "{\"type\":\"sighting\",\"id\":\"sighting--00000000-0000-4000-8000-000000000004\","
             "\"count\":-4}\n");
    sg17_intel_sight_stats st;
    tap_int_eq(sg17_intel_store_sightings(s, text, strlen(text), NOW + 3 * 3600, &st), 0,
               "sightings");
    tap_int_eq(st.lines, 5, "5 non-blank lines");
    /* the second names an indicator with two values (one filtered): ambiguous */
    tap_int_eq(st.recorded, 1, "1 recorded");
    tap_int_eq(st.unmatched, 2, "2 unmatched");
    tap_int_eq(st.invalid, 2, "2 invalid");
    tap_ok(strstr(st.last_error, "line 6") != NULL, "last error names its line: %s", st.last_error);
    tap_int_eq(sg17_intel_store_sightings(s, text, strlen(text), NOW + 3 * 3600, &st), 0,
               "same file again");
    tap_int_eq(sum_get(s, NOW + 3 * 3600, "sightings", "total"), 3, "fed twice, counted once (3)");
    tap_ok(lookup(s, NOW + 3 * 3600, SG17_INTEL_IPV4, "198.51.100.10", &hi) == 1, "still found");
    int want =
        sg17_intel_confidence(80, 3, NOW + 3600 + 0 * 0, NOW + 3 * 3600, SG17_INTEL_HALF_LIFE_S);
    /* last evidence: feedB listed it at NOW+3600, the sighting's last_seen is NOW+8400 */
    want = sg17_intel_confidence(80, 3, NOW + 8400, NOW + 3 * 3600, SG17_INTEL_HALF_LIFE_S);
    tap_int_eq(hi.confidence, want, "confidence rose with 3 sightings");
    tap_ok(hi.confidence > want0, "higher than before (%d > %d)", hi.confidence, want0);

    json_t *j = NULL;
    tap_int_eq(sg17_intel_store_summary(s, NOW + 3 * 3600, 6, 3, &j), 0, "summary, 6 hours");
    json_t *h = json_object_get(j, "sightings_by_hour");
    tap_int_eq(json_array_size(h), 6, "6 hourly entries");
    tap_ok(strcmp(json_string_value(json_object_get(json_array_get(h, 5), "hour")),
                  "2024-06-01T03:00:00.000Z") == 0,
           "last entry is the current hour");
    tap_int_eq(json_integer_value(json_object_get(json_array_get(h, 4), "count")), 3,
               "3 sightings in the 02:00 hour");
    json_t *top = json_array_get(json_object_get(j, "top_sighted"), 0);
    tap_ok(top && strcmp(json_string_value(json_object_get(top, "value")), "198.51.100.10") == 0,
           "top sighted value");
    tap_int_eq(json_integer_value(json_object_get(top, "confidence")), want, "its confidence");
    tap_int_eq(
        json_integer_value(json_object_get(json_object_get(j, "sightings_by_type"), "ipv4-addr")),
        3, "sightings by type");
    json_decref(j);
}

static void test_collector(sg17_intel_store *s)
{
    char path[160];
    snprintf(path, sizeof path, "%s/list.txt", dir);
    FILE *f = fopen(path, "w");
    if (f == NULL)
        tap_skip_all("cannot write %s", path);
    fputs("# list\n198.51.100.200\nevil.example\nnot a value at all\n", f);
    fclose(f);
    sg17_intel_ingest_opts o = {"list1", NOW, NULL, SG17_INTEL_TLP_GREEN};
    sg17_intel_ingest_stats st;
    char err[200];
    tap_int_eq(sg17_intel_store_ingest_collector(s, SG17_INTEL_SRC_PLAIN, path, SG17_INTEL_NONE,
                                                 NULL, &o, &st, err, sizeof err),
               0, "plain list");
    tap_int_eq(st.stored, 2, "two indicators made and stored");
    tap_int_eq(st.rejected, 1, "the bad line counted");
    tap_ok(lookup(s, NOW, SG17_INTEL_DOMAIN, "evil.example", NULL) == 1, "list value active");
    tap_int_eq(q1("SELECT COUNT(*) FROM intel_objects WHERE source='list1' AND tlp=1 AND json "
                  "LIKE '%bab4a63c-aed9-4cf5-a766-dfca5abac2bb%'"),
               2, "--tlp green marks them (TLP 2.0 green)");
    o.now = NOW + 86400;
    tap_int_eq(sg17_intel_store_ingest_collector(s, SG17_INTEL_SRC_PLAIN, path, SG17_INTEL_NONE,
                                                 NULL, &o, &st, err, sizeof err),
               0, "same list a day later");
    tap_int_eq(st.duplicates, 2, "duplicates, not new versions");
    tap_int_eq(q1("SELECT MAX(last_seen) - MIN(first_seen) FROM intel_prov WHERE source='list1'"),
               86400, "last seen in the feed moved on");
    tap_ok(sg17_intel_store_ingest_collector(s, SG17_INTEL_SRC_PLAIN, "/nonexistent/x",
                                             SG17_INTEL_NONE, NULL, &o, &st, err,
                                             sizeof err) == SG17_E_IO &&
               strstr(err, "/nonexistent/x") != NULL,
           "missing file: SG17_E_IO naming it");
}

int main(void)
{
    snprintf(dir, sizeof dir, "/tmp/sg17-istore-XXXXXX");
    if (mkdtemp(dir) == NULL)
        tap_skip_all("mkdtemp failed");
    snprintf(dbpath, sizeof dbpath, "%s/s.db", dir);
    sg17_intel_store *s = NULL;
    tap_int_eq(sg17_intel_store_open(&s, dbpath), 0, "open (create)");
    sg17_intel_store_close(s);
    tap_int_eq(sg17_intel_store_open(&s, dbpath), 0, "open again");
    tap_int_eq(q1("SELECT version FROM intel_schema"), SG17_INTEL_STORE_SCHEMA, "schema version");
    tap_ok(sg17_intel_store_ingest(s, NULL, NULL, NULL) == SG17_E_INVAL, "NULL args");
    json_t *num = json_integer(3);
    sg17_intel_ingest_opts o = {"x", NOW, NULL, SG17_INTEL_TLP_NONE};
    tap_ok(sg17_intel_store_ingest(s, num, &o, NULL) == SG17_E_FORMAT, "not STIX: FORMAT");
    json_decref(num);
    test_ingest(s);
    test_versions(s);
    test_expiry_and_filter(s);
    test_sightings(s);
    test_collector(s);
    sg17_intel_store_close(s);
    {
        /* a newer schema is refused */
        char sql[64];
        snprintf(sql, sizeof sql, "UPDATE intel_schema SET version=%d",
                 SG17_INTEL_STORE_SCHEMA + 1);
        sqlite3 *db;
        if (sqlite3_open(dbpath, &db) == SQLITE_OK) {
            sqlite3_exec(db, sql, NULL, NULL, NULL);
            sqlite3_close(db);
        }
        tap_ok(sg17_intel_store_open(&s, dbpath) == SG17_E_STATE, "newer schema: STATE");
    }
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        tap_diag("could not remove %s", dir);
    return tap_done();
}
