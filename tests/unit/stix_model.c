/*
 * STIX 2.1 model: timestamps (3.2, calendar checks), identifiers (2.9),
 * deterministic SCO ids (UUIDv5, known answers computed independently with
 * Python's uuid.uuid5 over the RFC 8785 serialisation of the ID-contributing
 * properties), census, canonical serialisation, streaming reader (limits,
 * malformed input, early stop), validator options and edge cases.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sg17/json.h"
#include "sg17/stix.h"
#include "tap.h"

static json_t *J(const char *s)
{
    json_t *v = NULL;
    if (sg17_json_parse(s, strlen(s), NULL, &v, NULL) != 0)
        return NULL;
    return v;
}

static void timestamps(void)
{
    int64_t s;
    uint32_t ns;
    tap_ok(sg17_stix_timestamp_parse("1970-01-01T00:00:00Z", &s, &ns) == 0 && s == 0 && ns == 0, "epoch");
    tap_ok(sg17_stix_timestamp_parse("2000-03-01T00:00:00.5Z", &s, &ns) == 0 && s == 951868800 &&
               ns == 500000000,
           "2000-03-01 with a fraction");
    tap_ok(sg17_stix_timestamp_parse("2016-02-29T23:59:60.123456789123Z", &s, &ns) == 0 && ns == 123456789,
           "leap day, leap second, fraction beyond ns");
    static const char *bad[] = {
        "2017-02-29T00:00:00Z", "1900-02-29T00:00:00Z", "2016-04-31T00:00:00Z", "2016-13-01T00:00:00Z",
        "2016-00-01T00:00:00Z", "2016-01-00T00:00:00Z", "2016-01-01T24:00:00Z", "2016-01-01T00:60:00Z",
        "2016-01-01T00:00:61Z", "2016-01-01T00:00:00", "2016-01-01T00:00:00.Z", "2016-01-01 00:00:00Z",
        "2016-01-01T00:00:00+00:00", "16-01-01T00:00:00Z", "2016-01-01T00:00:00Zx", "",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        tap_ok(sg17_stix_timestamp_parse(bad[i], NULL, NULL) == SG17_E_FORMAT, "rejects '%s'", bad[i]);
    tap_ok(sg17_stix_timestamp_parse("2000-02-29T00:00:00Z", NULL, NULL) == 0, "2000 is a leap year");
}

static void sco_ids(void)
{
    static const struct {
        const char *obj, *id;
    } kat[] = {
        {"{\"type\":\"ipv4-addr\",\"value\":\"198.51.100.3\"}", "ipv4-addr--28bb3599-77cd-5a82-a950-b5bc3caf07c4"},
        {"{\"type\":\"ipv6-addr\",\"value\":\"2001:0db8::/96\",\"resolves_to_refs\":[]}",
         "ipv6-addr--084d3b4c-7785-568a-a569-0c61c95754ab"},
        {"{\"type\":\"domain-name\",\"value\":\"example.com\",\"id\":\"x\"}",
         "domain-name--bedb4899-d24b-5401-bc86-8f6b4cc18ec7"},
        {"{\"type\":\"file\",\"name\":\"foo.exe\",\"size\":12,\"hashes\":{\"SHA-256\":"
         "\"aec070645fe53ee3b3763059376134f058cc337247c978add178b6ccdfb0019f\"}}",
         "file--e9779ddb-6076-5829-bd92-61c8a3689c0f"},
        {"{\"type\":\"file\",\"name\":\"a.dll\",\"hashes\":{\"SHA-256\":"
         "\"aec070645fe53ee3b3763059376134f058cc337247c978add178b6ccdfb0019f\",\"MD5\":"
         "\"cead3f77f6cda6ec00f57d76c9a6879f\"}}",
         "file--c069338b-6ea9-57b3-b49d-0ffe15136381"},
        {"{\"type\":\"autonomous-system\",\"number\":15139,\"name\":\"x\"}",
         "autonomous-system--3aa27478-50b5-5ab8-9da9-cdc12b657fff"},
        {"{\"type\":\"email-addr\",\"value\":\"j\\u00f6hn@example.com\"}",
         "email-addr--1910b314-af26-5215-971c-b7047face420"},
        {"{\"type\":\"windows-registry-key\",\"key\":\"hkey_local_machine\\\\system\\\\foo\"}",
         "windows-registry-key--0c79971a-2e9d-525b-8217-a44658c27c01"},
    };
    for (size_t i = 0; i < sizeof kat / sizeof kat[0]; i++) {
        json_t *o = J(kat[i].obj);
        char id[128] = "";
        int rc = o ? sg17_stix_sco_id(o, id, sizeof id) : -100;
        tap_ok(rc == 0 && strcmp(id, kat[i].id) == 0, "SCO id %s (got %s)", kat[i].id, id);
        json_decref(o);
    }
    json_t *o = J("{\"type\":\"process\",\"pid\":1}");
    char id[128];
    tap_int_eq(sg17_stix_sco_id(o, id, sizeof id), SG17_E_FORMAT, "process has no ID contributing properties");
    json_decref(o);
    o = J("{\"type\":\"url\",\"value\":\"http://example.com/\"}");
    tap_int_eq(sg17_stix_sco_id(o, id, 20), SG17_E_LIMIT, "short output buffer");
    json_decref(o);
    tap_int_eq(sg17_stix_type_kind("x509-certificate"), SG17_STIX_SCO, "kind SCO");
    tap_int_eq(sg17_stix_type_kind("sighting"), SG17_STIX_SRO, "kind SRO");
    tap_int_eq(sg17_stix_type_kind("grouping"), SG17_STIX_SDO, "kind SDO");
    tap_int_eq(sg17_stix_type_kind("language-content"), SG17_STIX_META, "kind meta");
    tap_int_eq(sg17_stix_type_kind("x-foo"), SG17_STIX_CUSTOM, "kind custom");
}

static int validate(const char *doc, const sg17_stix_vopts *vo, int *valid, int code_seen)
{
    json_t *o = J(doc);
    if (!o)
        return -100;
    sg17_stix_report rep;
    int rc = sg17_stix_validate(o, vo, &rep);
    *valid = rep.valid;
    int seen = 0;
    for (size_t i = 0; i < rep.n; i++)
        if (rep.items[i].code == code_seen)
            seen = 1;
    sg17_stix_report_free(&rep);
    json_decref(o);
    return rc ? rc : seen;
}

static void validator(void)
{
    int valid;
    sg17_stix_vopts vo;
    memset(&vo, 0, sizeof vo);
    const char *camp = "{\"type\":\"campaign\",\"spec_version\":\"2.1\",\"id\":\"campaign--0c7b5b88-8ff7-4a4d-aa9d-feb398cd0061\","
                       "\"created\":\"2016-05-12T08:17:27.000Z\",\"modified\":\"2016-05-12T08:17:27.000Z\",\"name\":\"c\"}";
    tap_ok(validate(camp, &vo, &valid, 0) == 0 && valid, "minimal campaign is valid");
    const char *noname = "{\"type\":\"campaign\",\"spec_version\":\"2.1\",\"id\":\"campaign--0c7b5b88-8ff7-4a4d-aa9d-feb398cd0061\","
                         "\"created\":\"2016-05-12T08:17:27.000Z\",\"modified\":\"2016-05-12T08:17:27.000Z\"}";
    tap_ok(validate(noname, &vo, &valid, 0) >= 0 && !valid, "campaign without name is invalid");
    const char *order = "{\"type\":\"campaign\",\"spec_version\":\"2.1\",\"id\":\"campaign--0c7b5b88-8ff7-4a4d-aa9d-feb398cd0061\","
                        "\"created\":\"2016-05-12T08:17:27.001Z\",\"modified\":\"2016-05-12T08:17:27.000Z\",\"name\":\"c\"}";
    tap_ok(validate(order, &vo, &valid, 0) >= 0 && !valid, "modified before created is invalid");
    const char *idmis = "{\"type\":\"campaign\",\"spec_version\":\"2.1\",\"id\":\"tool--0c7b5b88-8ff7-4a4d-aa9d-feb398cd0061\","
                        "\"created\":\"2016-05-12T08:17:27.000Z\",\"modified\":\"2016-05-12T08:17:27.000Z\",\"name\":\"c\"}";
    tap_ok(validate(idmis, &vo, &valid, 0) >= 0 && !valid, "id of another type is invalid");
    json_t *arr = J("[1]");
    sg17_stix_report rep;
    tap_int_eq(sg17_stix_validate(arr, &vo, &rep), SG17_E_FORMAT, "array rejected");
    sg17_stix_report_free(&rep);
    json_decref(arr);
    static const char *bogus[] = {"nope"};
    vo.disabled = bogus;
    vo.n_disabled = 1;
    json_t *c = J(camp);
    tap_int_eq(sg17_stix_validate(c, &vo, &rep), SG17_E_INVAL, "unknown check name");
    sg17_stix_report_free(&rep);
    json_decref(c);
    memset(&vo, 0, sizeof vo);
    vo.strict = 1;
    const char *rel = "{\"type\":\"relationship\",\"spec_version\":\"2.1\",\"id\":\"relationship--44298a74-ba52-4f0c-87a3-1824e67d7fad\","
                      "\"created\":\"2016-05-12T08:17:27.000Z\",\"modified\":\"2016-05-12T08:17:27.000Z\",\"relationship_type\":\"uses\","
                      "\"source_ref\":\"malware--0c7b5b88-8ff7-4a4d-aa9d-feb398cd0061\",\"target_ref\":\"identity--0c7b5b88-8ff7-4a4d-aa9d-feb398cd0061\"}";
    tap_ok(validate(rel, &vo, &valid, 202) == 1 && !valid, "malware uses identity: {202} in strict mode");
    static const char *d202[] = {"202"};
    vo.disabled = d202;
    vo.n_disabled = 1;
    tap_ok(validate(rel, &vo, &valid, 202) == 0 && valid, "--disable 202");
    static const char *dgroup[] = {"approved-values"};
    vo.disabled = dgroup;
    tap_ok(validate(rel, &vo, &valid, 202) == 0 && valid, "--disable approved-values (2xx group)");
    /* findings text names the object */
    json_t *r = J(rel);
    memset(&vo, 0, sizeof vo);
    tap_ok(sg17_stix_validate(r, &vo, &rep) == 0 && rep.n == 1 &&
               strstr(rep.items[0].object_id, "relationship--44298a74") && strstr(rep.items[0].text, "{202}") &&
               !rep.items[0].is_error && rep.valid,
           "non-strict: the finding is a warning naming the object and code");
    sg17_stix_report_free(&rep);
    json_decref(r);
    tap_ok(strcmp(sg17_stix_check_name(401), "extensions-use") == 0 && sg17_stix_check_name(999) == NULL,
           "check names");
    /* the less common coded checks */
    memset(&vo, 0, sizeof vo);
    const char *nt = "{\"type\":\"network-traffic\",\"spec_version\":\"2.1\",\"id\":\"network-traffic--2568d22a-8998-58eb-99ec-3c8ca74f527d\","
                     "\"dst_ref\":\"ipv4-addr--ff26c055-6336-5bc5-b98d-13d6226742dd\",\"src_port\":1,\"dst_port\":2,\"protocols\":[\"tcp\"],"
                     "\"extensions\":{\"http-request-ext\":{\"request_method\":\"get\",\"request_value\":\"/\","
                     "\"request_header\":{\"Host\":\"a\",\"X-Bogus\":\"b\"}},\"socket-ext\":{\"address_family\":\"AF_INET\","
                     "\"options\":{\"SO_KEEPALIVE\":1,\"so_bad\":2}}}}";
    tap_ok(validate(nt, &vo, &valid, 274) == 1, "{274} unknown HTTP request header");
    tap_ok(validate(nt, &vo, &valid, 275) == 1, "{275} invalid socket option");
    tap_ok(validate(nt, &vo, &valid, 142) == 0, "no {142} inside request_header (exception)");
    const char *pdf = "{\"type\":\"file\",\"spec_version\":\"2.1\",\"id\":\"file--e9779ddb-6076-5829-bd92-61c8a3689c0f\",\"name\":\"a.pdf\","
                      "\"extensions\":{\"pdf-ext\":{\"document_info_dict\":{\"Title\":\"t\",\"Colour\":\"c\"}}},"
                      "\"x_info\":{\"Upper\":1},\"hashes\":{\"abcdefghijklmnopqrstuvwxyz0123456789\":\"00\"}}";
    tap_ok(validate(pdf, &vo, &valid, 276) == 1, "{276} unknown PDF document info key");
    tap_ok(validate(pdf, &vo, &valid, 142) == 1, "{142} uppercase dictionary key in an SCO");
    tap_ok(validate(pdf, &vo, &valid, 150) == 0, "{150} is off by default");
    static const char *e150[] = {"hash-length"};
    vo.enabled = e150;
    vo.n_enabled = 1;
    tap_ok(validate(pdf, &vo, &valid, 150) == 1, "{150} when enabled: hash name longer than 30");
    memset(&vo, 0, sizeof vo);
    char buf[2048];
    snprintf(buf, sizeof buf, "{\"type\":\"bundle\",\"id\":\"bundle--44af6c39-c09b-49c5-9de2-394224b04982\",\"objects\":[%s,%s]}",
             camp, camp);
    tap_ok(validate(buf, &vo, &valid, 203) == 1, "{203} duplicate id with identical modified");
    snprintf(buf, sizeof buf, "{\"type\":\"bundle\",\"id\":\"bundle--44af6c39-c09b-49c5-9de2-394224b04982\",\"objects\":[%s,%s]}",
             camp, rel);
    tap_ok(validate(buf, &vo, &valid, 0) >= 0 && valid, "dangling relationship refs are fine by default");
    vo.enforce_refs = 1;
    tap_ok(validate(buf, &vo, &valid, 0) >= 0 && !valid, "enforce_refs: relationship endpoints must be in the bundle");
    vo.enforce_refs = 0;
    const char *od = "{\"type\":\"observed-data\",\"spec_version\":\"2.1\",\"id\":\"observed-data--b67d30ff-02ac-498a-92f9-32f845f448cf\","
                     "\"created\":\"2016-04-06T19:58:16.000Z\",\"modified\":\"2016-04-06T19:58:16.000Z\",\"first_observed\":\"2015-12-21T19:00:00Z\","
                     "\"last_observed\":\"2015-12-21T19:00:00Z\",\"number_observed\":1,\"objects\":{\"a\":{\"type\":\"mutex\",\"name\":\"m\"}}}";
    tap_ok(validate(od, &vo, &valid, 141) == 1, "{141} non-numeric observable object key");
}

static int stop_after_two(json_t *o, void *ctx)
{
    (void)o;
    int *n = ctx;
    return ++*n == 2 ? 42 : 0;
}

static int count_cb(json_t *o, void *ctx)
{
    (void)o;
    (*(int *)ctx)++;
    return 0;
}

static void write_file(const char *path, const char *s)
{
    FILE *f = fopen(path, "w");
    if (f) {
        fputs(s, f);
        fclose(f);
    }
}

static void streaming(void)
{
    char path[] = "/tmp/sg17_stix_stream_XXXXXX";
    int fd = mkstemp(path);
    tap_ok(fd >= 0, "temp file");
    if (fd < 0)
        return;
    close(fd);
    write_file(path, "{\"type\":\"bundle\",\"id\":\"bundle--1\",\"extra\":{\"objects\":[1,2,{\"a\":\"]}\"}]},"
                     "\"objects\":[{\"type\":\"a\",\"s\":\"x\\\"]}\"},{\"type\":\"b\",\"n\":[1,{\"c\":[]}]},{\"type\":\"c\"}],\"z\":true}");
    int n = 0;
    tap_int_eq(sg17_stix_stream_file(path, 0, count_cb, &n), 0, "stream: nested decoy 'objects', strings with brackets");
    tap_int_eq(n, 3, "stream: three objects");
    n = 0;
    tap_int_eq(sg17_stix_stream_file(path, 0, stop_after_two, &n), 42, "stream: callback stops the walk");
    n = 0;
    tap_int_eq(sg17_stix_stream_file(path, 16, count_cb, &n), SG17_E_LIMIT, "stream: per-object cap");
    write_file(path, "{\"objects\":[{\"a\":1,\"a\":2}]}");
    tap_int_eq(sg17_stix_stream_file(path, 0, count_cb, &n), SG17_E_FORMAT, "stream: duplicate key rejected");
    write_file(path, "{\"objects\":[{\"a\":1}");
    tap_int_eq(sg17_stix_stream_file(path, 0, count_cb, &n), SG17_E_FORMAT, "stream: truncated");
    write_file(path, "[{\"a\":1}]");
    tap_int_eq(sg17_stix_stream_file(path, 0, count_cb, &n), SG17_E_FORMAT, "stream: top level must be an object");
    tap_int_eq(sg17_stix_stream_file("/nonexistent/x.json", 0, count_cb, &n), SG17_E_IO, "stream: missing file");
    unlink(path);
}

static void census_canon(void)
{
    json_t *b = J("{\"type\":\"bundle\",\"id\":\"bundle--x\",\"objects\":[{\"id\":\"a--1\",\"type\":\"relationship\",\"revoked\":true},"
                  "{\"id\":\"a--1\",\"type\":\"x\"},{\"id\":\"b--2\",\"type\":\"y\"}]}");
    sg17_stix_census c;
    tap_ok(b && sg17_stix_census_of(b, &c) == 0 && c.objects == 3 && c.unique_ids == 2 && c.revoked == 1 &&
               c.relationships == 1,
           "census");
    char *s = NULL;
    size_t n = 0;
    json_t *o = J("{\"b\":1,\"a\":[true,null,\"\\u00e9\"],\"c\":{\"z\":1.5,\"y\":\"\"}}");
    tap_ok(o && sg17_stix_serialise(o, &s, &n) == 0 &&
               strcmp(s, "{\"a\":[true,null,\"\xc3\xa9\"],\"b\":1,\"c\":{\"y\":\"\",\"z\":1.5}}") == 0,
           "canonical: sorted keys, compact, UTF-8 (%s)", s ? s : "");
    free(s);
    json_decref(o);
    json_decref(b);
}

int main(void)
{
    timestamps();
    sco_ids();
    validator();
    streaming();
    census_canon();
    return tap_done();
}
