/*
 * ML-DSA against the NIST ACVP vector files (FIPS 204): keyGen, sigGen
 * (pure, pre-hash with all twelve hashes, internal, external mu; deterministic
 * and hedged; tr1 seed/expanded keys) and sigVer. Every test case of
 * every file must pass: no failures and no skips.
 */
#include <jansson.h>
#include <stdio.h>

#include "sg17/pqc_acvp.h"
#include "tap.h"

/* The dispatcher refers to the family handlers weakly, which does not pull
 * their objects out of the static library: a strong reference here does. */
int sg17_acvp_mldsa(const json_t *root, const char *algorithm, const char *mode,
                    sg17_acvp_result *r);
int (*volatile sg17_test_keep_mldsa)(const json_t *, const char *, const char *,
                                     sg17_acvp_result *) = sg17_acvp_mldsa;

static unsigned long count_tests(const char *path)
{
    json_error_t err;
    json_t *root = json_load_file(path, 0, &err);
    unsigned long n = 0;
    size_t i;
    json_t *g;
    if (root == NULL)
        return 0;
    json_t *obj = json_is_array(root) ? json_array_get(root, json_array_size(root) - 1) : root;
    json_array_foreach(json_object_get(obj, "testGroups"), i, g)
    {
        n += json_array_size(json_object_get(g, "tests"));
    }
    json_decref(root);
    return n;
}

static void run(const char *rel)
{
    const char *path = tap_vector_path(rel);
    sg17_acvp_result r = {0, 0, 0, stderr, 0};
    unsigned long total = count_tests(path);
    int rc = sg17_pqc_acvp_file(path, &r);
    tap_int_eq(rc, 0, rel);
    tap_diag("%s: %lu passed, %lu failed, %lu skipped (of %lu)", rel, r.passed, r.failed,
             r.skipped, total);
    tap_ok(total > 0, "%s has test cases", rel);
    tap_ok(r.failed == 0, "%s: no failures", rel);
    tap_ok(r.skipped == 0, "%s: no skips", rel);
    tap_ok(r.passed == total, "%s: all %lu passed", rel, total);
}

int main(void)
{
    run("pqc/acvp/ML-DSA-keyGen-FIPS204.json");
    run("pqc/acvp/ML-DSA-sigGen-FIPS204.json");
    run("pqc/acvp/ML-DSA-sigGen-FIPS204-tr1.json");
    run("pqc/acvp/ML-DSA-sigVer-FIPS204.json");
    return tap_done();
}
