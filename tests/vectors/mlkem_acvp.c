/*
 * ML-KEM against the NIST ACVP vector files (FIPS 203): keyGen, and
 * encapDecap (encapsulation, decapsulation incl. implicit rejection, both
 * key checks), with and without the tr1 keyFormat field. Every test case of
 * every file must pass: no failures and no skips.
 */
#include <jansson.h>
#include <stdio.h>

#include "sg17/pqc_acvp.h"
#include "tap.h"

/*
 * acvp_internal.h declares the family handlers weak, so a static link does
 * not pull acvp_mlkem.o into this program unless something references it
 * strongly; this plain declaration (same prototype) does that. Without it
 * the dispatcher sees a NULL handler and skips every ML-KEM case.
 */
int sg17_acvp_mlkem(const json_t *root, const char *algorithm, const char *mode,
                    sg17_acvp_result *r);

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
    tap_ok(sg17_acvp_mlkem != NULL, "ML-KEM ACVP handler is linked");
    run("pqc/acvp/ML-KEM-keyGen-FIPS203.json");
    run("pqc/acvp/ML-KEM-encapDecap-FIPS203.json");
    run("pqc/acvp/ML-KEM-encapDecap-FIPS203-tr1.json");
    return tap_done();
}
