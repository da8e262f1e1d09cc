/*
 * libFuzzer harness for the STIX validator, census, canonical form and SCO
 * ids over arbitrary JSON (small caps). Oracles: the validator returns 0 or
 * SG17_E_FORMAT (never anything else on parsed JSON), a report's verdict
 * agrees with its findings, every finding is NUL-terminated, strict mode is
 * never more lenient than non-strict, and the canonical form round-trips.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sg17/json.h"
#include "sg17/stix.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    sg17_json_limits lim = {1 << 16, 32, 0};
    json_t *v = NULL;
    if (sg17_json_parse((const char *)data, size, &lim, &v, NULL) != 0)
        return 0;
    sg17_stix_vopts vo;
    memset(&vo, 0, sizeof vo);
    vo.version = (size & 2) ? "2.1" : NULL;
    vo.strict_properties = (size & 4) != 0;
    sg17_stix_report r1, r2;
    int rc1 = sg17_stix_validate(v, &vo, &r1);
    vo.strict = 1;
    int rc2 = sg17_stix_validate(v, &vo, &r2);
    if ((rc1 != 0 && rc1 != SG17_E_FORMAT) || rc1 != rc2)
        __builtin_trap();
    if (rc1 == 0) {
        int any_err = 0;
        for (size_t i = 0; i < r1.n; i++) {
            char msg[SG17_STIX_MSG_MAX];
            if (strlen(r1.items[i].object_id) + 2 + strlen(r1.items[i].text) >= sizeof msg ||
                strlen(sg17_stix_finding_format(&r1.items[i], msg, sizeof msg)) + 1 > sizeof msg)
                __builtin_trap();
            any_err |= r1.items[i].is_error;
        }
        if (r1.valid == any_err || (r1.valid == 0 && r2.valid == 1) || r1.n != r2.n)
            __builtin_trap();
    }
    sg17_stix_report_free(&r1);
    sg17_stix_report_free(&r2);
    sg17_stix_census c;
    if (sg17_stix_census_of(v, &c) == 0 && (c.unique_ids > c.objects || c.revoked > c.objects))
        __builtin_trap();
    char id[300];
    if (sg17_stix_sco_id(v, id, sizeof id) == 0 && strlen(id) < 38)
        __builtin_trap();
    char *s = NULL;
    size_t n = 0;
    if (sg17_stix_serialise(v, &s, &n) == 0) {
        sg17_json_limits again = {0, 64, 0};
        json_t *w = NULL;
        if (sg17_json_parse(s, n, &again, &w, NULL) != 0 || !json_equal(v, w))
            __builtin_trap();
        json_decref(w);
    }
    free(s);
    json_decref(v);
    return 0;
}
