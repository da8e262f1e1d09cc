/*
 * STIX 2.0 validation mode (--version 2.0, or spec_version "2.0" on a bundle
 * or object): the STIX 2.0 CS01 type tables (required labels, observed-data
 * "objects", no spec_version/confidence/extensions on objects, 2.1-only types
 * custom), the 2.0 label vocabularies (codes 213-222), the 2.0 relationship
 * table (202), local references of cyber observables, marking_ref required in
 * granular markings; and 2.1 content unaffected.
 */
#include <stdlib.h>
#include <string.h>

#include "sg17/stix.h"
#include "tap.h"

#define CREATED "\"created\":\"2017-01-01T00:00:00.000Z\",\"modified\":\"2017-01-01T00:00:00.000Z\""

static int run(const char *json, const char *version, int strict_types, sg17_stix_report *rep)
{
    size_t n = strlen(json);
    char *buf = malloc(n);
    if (!buf)
        return SG17_E_NOMEM;
    memcpy(buf, json, n);
    sg17_stix_doc *doc = NULL;
    int rc = sg17_stix_doc_parse(buf, n, NULL, &doc, NULL);
    if (rc) {
        memset(rep, 0, sizeof *rep);
        return rc;
    }
    sg17_stix_vopts vo;
    memset(&vo, 0, sizeof vo);
    vo.version = version;
    vo.strict_types = strict_types;
    rc = sg17_stix_validate_doc(doc, &vo, rep);
    sg17_stix_doc_free(doc);
    return rc;
}

static int has_code(const sg17_stix_report *r, int code)
{
    for (size_t i = 0; i < r->n; i++)
        if (r->items[i].code == code)
            return 1;
    return 0;
}

static int has_error(const sg17_stix_report *r, const char *needle)
{
    char msg[SG17_STIX_MSG_MAX];
    for (size_t i = 0; i < r->n; i++)
        if (r->items[i].is_error &&
            strstr(sg17_stix_finding_format(&r->items[i], msg, sizeof msg), needle))
            return 1;
    return 0;
}

/* expect: 1 valid / 0 invalid; code: a code that must (code > 0) or must not (code < 0) appear */
static void expect(const char *what, const char *json, const char *version, int strict_types,
                   int valid, int code, const char *err_needle)
{
    sg17_stix_report rep;
    int rc = run(json, version, strict_types, &rep);
    tap_ok(rc == 0 && rep.valid == valid, "%s: %s", what, valid ? "valid" : "invalid");
    if (rc == 0 && rep.valid != valid)
        for (size_t i = 0; i < rep.n; i++)
            tap_diag("  %s %s: %s", rep.items[i].is_error ? "E" : "W", rep.items[i].object_id,
                     rep.items[i].text);
    if (code > 0)
        tap_ok(rc == 0 && has_code(&rep, code), "%s: {%d} reported", what, code);
    else if (code < 0)
        tap_ok(rc == 0 && !has_code(&rep, -code), "%s: no {%d}", what, -code);
    if (err_needle)
        tap_ok(rc == 0 && has_error(&rep, err_needle), "%s: error mentions \"%s\"", what, err_needle);
    sg17_stix_report_free(&rep);
}

int main(void)
{
    const char *ind_nolabels = "{\"type\":\"indicator\",\"id\":\"indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f\"," CREATED
                               ",\"pattern\":\"[file:name = 'x']\",\"valid_from\":\"2017-01-01T00:00:00Z\"}";
    const char *ind_labels = "{\"type\":\"indicator\",\"id\":\"indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f\"," CREATED
                             ",\"labels\":[\"malicious-activity\"],\"pattern\":\"[file:name = 'x']\",\"valid_from\":\"2017-01-01T00:00:00Z\"}";
    const char *ind_badpat = "{\"type\":\"indicator\",\"id\":\"indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f\"," CREATED
                             ",\"labels\":[\"malicious-activity\"],\"pattern\":\"file:name = 'x'\",\"valid_from\":\"2017-01-01T00:00:00Z\"}";
    expect("2.0 indicator without labels", ind_nolabels, "2.0", 0, 0, 0, "'labels' is a required property");
    expect("2.0 indicator with labels, no pattern_type", ind_labels, "2.0", 0, 1, -214, NULL);
    expect("2.0 indicator pattern still checked", ind_badpat, "2.0", 0, 0, 0, "Pattern failed to validate");
    expect("2.0 indicator: no 303 (a 2.1 check)", ind_labels, "2.0", 0, 1, -303, NULL);

    const char *mal_bad = "{\"type\":\"malware\",\"id\":\"malware--31b940d4-6f7f-459a-80ea-9c1f17b5891b\"," CREATED
                          ",\"name\":\"m\",\"labels\":[\"Bad Label\"]}";
    const char *mal_ok = "{\"type\":\"malware\",\"id\":\"malware--31b940d4-6f7f-459a-80ea-9c1f17b5891b\"," CREATED
                         ",\"name\":\"m\",\"labels\":[\"trojan\"]}";
    const char *mal_21 = "{\"type\":\"malware\",\"id\":\"malware--31b940d4-6f7f-459a-80ea-9c1f17b5891b\",\"spec_version\":\"2.1\"," CREATED
                         ",\"name\":\"m\",\"is_family\":false}";
    expect("2.0 malware label outside malware-label-ov", mal_bad, "2.0", 0, 1, 216, NULL);
    expect("2.0 malware label trojan", mal_ok, "2.0", 0, 1, -216, NULL);
    expect("2.0 malware without labels", "{\"type\":\"malware\",\"id\":\"malware--31b940d4-6f7f-459a-80ea-9c1f17b5891b\"," CREATED
           ",\"name\":\"m\"}", "2.0", 0, 0, 0, "'labels' is a required property");
    expect("2.1 malware needs no labels", mal_21, NULL, 0, 1, 0, NULL);

    const char *idn = "{\"type\":\"identity\",\"id\":\"identity--8ae20dde-83d4-4218-88fd-41ef0dabf9d1\"," CREATED ",\"name\":\"n\"";
    char buf[1024];
    snprintf(buf, sizeof buf, "%s}", idn);
    expect("2.0 identity without identity_class", buf, "2.0", 0, 0, 0, "'identity_class' is a required property");
    snprintf(buf, sizeof buf, "%s,\"identity_class\":\"organization\",\"sectors\":[\"defence\"]}", idn);
    expect("2.0 sector defence is in the 2.0 vocabulary", buf, "2.0", 0, 1, -215, NULL);
    snprintf(buf, sizeof buf, "%s,\"identity_class\":\"system\",\"sectors\":[\"defense\"]}", idn);
    expect("2.0 identity_class system and sector defense are 2.1 values", buf, "2.0", 0, 1, 215, NULL);
    expect("... and identity_class system: {213}", buf, "2.0", 0, 1, 213, NULL);
    snprintf(buf, sizeof buf, "%s,\"identity_class\":\"organization\",\"confidence\":500}", idn);
    expect("2.0 confidence is a custom property, not range-checked", buf, "2.0", 0, 1, 101, NULL);

    const char *od = "{\"type\":\"observed-data\",\"id\":\"observed-data--b67d30ff-02ac-498a-92f9-32f845f448cf\"," CREATED
                     ",\"first_observed\":\"2017-01-01T00:00:00Z\",\"last_observed\":\"2017-01-01T00:00:00Z\",\"number_observed\":1";
    snprintf(buf, sizeof buf, "%s,\"object_refs\":[\"ipv4-addr--ff26c055-6336-5bc5-b98d-13d6226742dd\"]}", od);
    expect("2.0 observed-data without objects", buf, "2.0", 0, 0, 0, "'objects' is a required property");
    snprintf(buf, sizeof buf, "%s,\"objects\":{\"0\":{\"type\":\"ipv4-addr\",\"value\":\"198.51.100.3\"},"
                              "\"1\":{\"type\":\"network-traffic\",\"src_ref\":\"0\",\"protocols\":[\"tcp\"]}}}", od);
    expect("2.0 observed-data with objects and a local reference", buf, "2.0", 0, 1, -304, NULL);
    snprintf(buf, sizeof buf, "%s,\"objects\":{\"0\":{\"type\":\"network-traffic\",\"src_ref\":\"7\",\"protocols\":[\"tcp\"]}}}", od);
    expect("2.0 observable reference to a missing key", buf, "2.0", 0, 0, 0, "must refer to a key");
    snprintf(buf, sizeof buf, "%s,\"objects\":{\"0\":{\"value\":\"198.51.100.3\"}}}", od);
    expect("2.0 observable without type", buf, "2.0", 0, 0, 0, "'type' is a required property");

    const char *grp = "{\"type\":\"grouping\",\"id\":\"grouping--84e4d88f-44ea-4bcd-bbf3-b2c1c320bcb3\"," CREATED
                      ",\"context\":\"suspicious-activity\",\"object_refs\":[\"indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f\"]}";
    expect("2.0: grouping is a custom type (101)", grp, "2.0", 0, 1, 101, NULL);
    expect("2.0: grouping rejected with --strict-types", grp, "2.0", 1, 0, 0, "not one of those defined");

    const char *rel = "{\"type\":\"relationship\",\"id\":\"relationship--44298a74-ba52-4f0c-87a3-1824e67d7fad\"," CREATED
                      ",\"relationship_type\":\"targets\",\"source_ref\":\"malware--31b940d4-6f7f-459a-80ea-9c1f17b5891b\","
                      "\"target_ref\":\"vulnerability--c7cab3fb-0822-43a5-b1ba-c9bab34361a2\"";
    snprintf(buf, sizeof buf, "%s}", rel);
    expect("2.0: malware targets vulnerability is suggested", buf, "2.0", 0, 1, -202, NULL);
    snprintf(buf, sizeof buf, "%s,\"spec_version\":\"2.1\"}", rel);
    expect("2.1: malware targets vulnerability is not", buf, NULL, 0, 1, 202, NULL);

    const char *gm = "{\"type\":\"indicator\",\"id\":\"indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f\"," CREATED
                     ",\"labels\":[\"benign\"],\"pattern\":\"[file:name = 'x']\",\"valid_from\":\"2017-01-01T00:00:00Z\","
                     "\"granular_markings\":[{\"lang\":\"en\",\"selectors\":[\"labels\"]}]}";
    expect("2.0 granular marking needs marking_ref", gm, "2.0", 0, 0, 0, "'marking_ref' is a required property");
    expect("2.0 marking-definition without definition",
           "{\"type\":\"marking-definition\",\"id\":\"marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da\","
           "\"created\":\"2017-01-01T00:00:00.000Z\",\"definition_type\":\"statement\"}",
           "2.0", 0, 0, 0, "'definition' is a required property");

    /* unforced: a bundle that says 2.0 validates its objects as 2.0 */
    snprintf(buf, sizeof buf, "{\"type\":\"bundle\",\"id\":\"bundle--44af6c39-c09b-49c5-9de2-394224b04982\","
                              "\"spec_version\":\"2.0\",\"objects\":[%s]}", ind_nolabels);
    expect("bundle spec_version 2.0: indicator needs labels", buf, NULL, 0, 0, 0, "'labels' is a required property");
    snprintf(buf, sizeof buf, "{\"type\":\"bundle\",\"id\":\"bundle--44af6c39-c09b-49c5-9de2-394224b04982\","
                              "\"spec_version\":\"2.0\",\"objects\":[%s]}", ind_labels);
    expect("bundle spec_version 2.0: indicator with labels", buf, NULL, 0, 1, 0, NULL);
    return tap_done();
}
