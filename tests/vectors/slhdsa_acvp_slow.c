/*
 * The whole ACVP SLH-DSA sigGen file (all twelve sets, pure and pre-hash,
 * deterministic and hedged) through the ACVP handler: every signature must
 * match byte for byte and verify. Slow: the "s" sets take seconds each.
 */
#include <jansson.h>

#include "pqc/acvp_internal.h"
#include "pqc/slhdsa/slhdsa_internal.h"
#include "sg17/pqc_acvp.h"
#include "tap.h"

int main(void)
{
    const char *sg = tap_vector_path("pqc/acvp/SLH-DSA-sigGen-FIPS205.json");
    json_error_t e;
    json_t *root = json_load_file(sg, 0, &e);
    unsigned long total = 0;
    size_t gi;
    json_t *g;
    if (!tap_ok(root != NULL, "sigGen file parses"))
        return tap_done();
    json_array_foreach(json_object_get(root, "testGroups"), gi, g) total +=
        json_array_size(json_object_get(g, "tests"));
    json_decref(root);

    sg17_acvp_result r = {0, 0, 0, stderr, 0};
    tap_int_eq(sg17_pqc_acvp_file(sg, &r), 0, "sigGen file processed");
    tap_diag("ACVP SLH-DSA sigGen: %lu passed, %lu failed, %lu skipped", r.passed, r.failed,
             r.skipped);
    tap_ok(r.passed == total && r.failed == 0 && r.skipped == 0, "sigGen: all %lu cases pass",
           total);
    return tap_done();
}
