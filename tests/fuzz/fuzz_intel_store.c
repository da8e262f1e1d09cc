/*
 * libFuzzer harness for the intel store's untrusted inputs (docs/INTEL-STORE.md):
 * STIX bundles/objects ingested (validation, versions, value extraction,
 * provenance) and sightings JSON Lines fed back, on an in-memory SQLite store;
 * a first byte 'S' selects sightings, 'T' a TAXII 2.1 envelope as the client
 * receives it (parsed, then its objects ingested). After any, the summary and
 * the active set are computed over what was stored. Oracles: return codes
 * from the documented set only; the ingest counters add up (every object is
 * stored, a duplicate, or rejected); sightings lines = recorded + unmatched +
 * invalid; the summary's active count equals the active set's size.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "intel/store/store_internal.h"
#include "sg17/intel_store.h"
#include "sg17/json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int count_cb(const sg17_intel_active *a, void *ctx)
{
    if (a->confidence < 0 || a->confidence > 100 || a->canon == NULL || a->value == NULL)
        abort();
    (*(size_t *)ctx)++;
    return 0;
}

static const char seed[] =
    "{\"type\":\"indicator\",\"spec_version\":\"2.1\",\"id\":\"indicator--00000001-17d4-4cbf-"
    "938f-98ee46b3cd3f\",\"created\":\"2024-01-01T00:00:00Z\",\"modified\":\"2024-01-01T00:00:"
    "00Z\",\"pattern_type\":\"stix\",\"pattern\":\"[ipv4-addr:value = '198.51.100.10']\","
    "\"valid_from\":\"2020-01-01T00:00:00Z\"}";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 65536)
        return 0;
    sg17_intel_store *s = NULL;
    if (sg17_intel_store_open(&s, ":memory:") != 0)
        abort();
    sg17_intel_ingest_opts o = {"fuzz", 1717200000, NULL, SG17_INTEL_TLP_NONE};
    json_t *base = NULL;
    if (sg17_json_parse(seed, strlen(seed), NULL, &base, NULL) != 0 ||
        sg17_intel_store_ingest(s, base, &o, NULL) != 0)
        abort();
    json_decref(base);
    if (size > 0 && data[0] == 'S') {
        sg17_intel_sight_stats st;
        int rc = sg17_intel_store_sightings(s, (const char *)data + 1, size - 1, 1717300000, &st);
        if (rc != 0 || st.lines != st.recorded + st.unmatched + st.invalid)
            abort();
    } else if (size > 0 && data[0] == 'T') {
        json_t *env = NULL, *list = NULL;
        int more = 0;
        char *next = NULL, why[200];
        int rc = is_taxii_envelope((const char *)data + 1, size - 1, 65536, &env, &list, &more,
                                   &next, why, sizeof why);
        if (rc != 0 && rc != SG17_E_FORMAT)
            abort();
        if (rc == 0) {
            if (!json_is_array(list) || (next != NULL && next[0] == '\0'))
                abort();
            sg17_intel_ingest_stats st;
            rc = sg17_intel_store_ingest(s, list, &o, &st);
            if (rc != 0 || st.objects != json_array_size(list))
                abort();
        } else if (env != NULL || list != NULL || next != NULL || strlen(why) == 0) {
            abort();
        }
        free(next);
        json_decref(list);
        json_decref(env);
    } else {
        sg17_json_limits lim = {65536, 32, 0};
        json_t *j = NULL;
        if (sg17_json_parse((const char *)data, size, &lim, &j, NULL) == 0) {
            sg17_intel_ingest_stats st;
            int rc = sg17_intel_store_ingest(s, j, &o, &st);
            if (rc != 0 && rc != SG17_E_FORMAT)
                abort();
            if (rc == 0 && st.objects != st.stored + st.duplicates + st.rejected)
                abort();
            json_decref(j);
        }
    }
    json_t *sum = NULL;
    size_t n = 0;
    if (sg17_intel_store_summary(s, 1717300000, 4, 3, &sum) != 0 ||
        sg17_intel_store_foreach_active(s, 1717300000, SG17_INTEL_TLP_RED, SG17_INTEL_TLP_CLEAR,
                                        count_cb, &n) != 0 ||
        (size_t)json_integer_value(json_object_get(json_object_get(sum, "values"), "active")) != n)
        abort();
    json_decref(sum);
    sg17_intel_store_close(s);
    return 0;
}
