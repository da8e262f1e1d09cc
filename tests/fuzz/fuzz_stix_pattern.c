/*
 * libFuzzer harness for STIX patterning: the bytes are a pattern, checked,
 * compiled, inspected and matched against a small fixed observation set.
 * Oracles: only documented return codes; a pattern the validator accepts
 * compiles unless its regex or WITHIN value is rejected (SG17_E_FORMAT);
 * matching returns 1/0 or SG17_E_FORMAT/SG17_E_LIMIT.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sg17/json.h"
#include "sg17/stix_pattern.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char obs_doc[] =
    "[{\"type\":\"observed-data\",\"id\":\"observed-data--00000000-0000-4000-8000-000000000001\","
    "\"first_observed\":\"2020-01-01T00:00:00Z\",\"last_observed\":\"2020-01-01T00:00:00Z\",\"number_observed\":2,"
    "\"object_refs\":[\"file--00000000-0000-4000-8000-00000000000a\",\"ipv4-addr--00000000-0000-4000-8000-00000000000b\"]},"
    "{\"type\":\"file\",\"id\":\"file--00000000-0000-4000-8000-00000000000a\",\"name\":\"a.exe\",\"size\":10,"
    "\"hashes\":{\"MD5\":\"cead3f77f6cda6ec00f57d76c9a6879f\"},\"l\":[1,\"x\",{\"k\":true}],\"x_bin\":\"AAEC\","
    "\"parent_directory_ref\":\"ipv4-addr--00000000-0000-4000-8000-00000000000b\"},"
    "{\"type\":\"ipv4-addr\",\"id\":\"ipv4-addr--00000000-0000-4000-8000-00000000000b\",\"value\":\"10.0.0.1\"},"
    "{\"type\":\"observed-data\",\"id\":\"observed-data--00000000-0000-4000-8000-000000000002\","
    "\"first_observed\":\"2020-01-01T00:00:05Z\",\"last_observed\":\"2020-01-01T00:00:09Z\",\"number_observed\":1,"
    "\"object_refs\":[\"ipv4-addr--00000000-0000-4000-8000-00000000000b\"]}]";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 4096)
        return 0;
    char *pat = malloc(size + 1);
    if (!pat)
        return 0;
    memcpy(pat, data, size);
    pat[size] = '\0';
    char err[256];
    int chk = sg17_stix_pattern_check(pat, 0, err, sizeof err);
    if (chk != 0 && chk != SG17_E_FORMAT)
        __builtin_trap();
    sg17_stix_pattern *p = NULL;
    int rc = sg17_stix_pattern_compile(pat, &p, err, sizeof err);
    if ((rc != 0 && rc != SG17_E_FORMAT) || (rc == 0) != (p != NULL))
        __builtin_trap();
    if (p) {
        json_t *ins = NULL;
        if (sg17_stix_pattern_inspect(p, &ins) != 0)
            __builtin_trap();
        json_decref(ins);
        json_t *list = NULL;
        sg17_stix_observations *o = NULL;
        if (sg17_json_parse(obs_doc, sizeof obs_doc - 1, NULL, &list, NULL) == 0 &&
            sg17_stix_observations_load(list, &o, err, sizeof err) == 0) {
            json_t *ids = NULL;
            int m = sg17_stix_pattern_match(p, o, &ids, err, sizeof err);
            if (m != 0 && m != 1 && m != SG17_E_FORMAT && m != SG17_E_LIMIT)
                __builtin_trap();
            if (m == 1 && json_array_size(ids) == 0)
                __builtin_trap();
            json_decref(ids);
        }
        sg17_stix_observations_free(o);
        json_decref(list);
        sg17_stix_pattern_free(p);
    }
    free(pat);
    return 0;
}
