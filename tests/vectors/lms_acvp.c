/*
 * LMS against the NIST ACVP vector files (SP 800-208 SHA-256/192 sets):
 * keyGen (seed, I -> public key), sigVer, and sigGen (the files carry no
 * private key: the expected signature must verify, and ours at the same q
 * must match it in length and type fields and verify; see acvp_lms.c).
 * Every test case of every file must pass: no failures and no skips.
 */
#include <jansson.h>
#include <stdio.h>

#include "sg17/pqc_acvp.h"
#include "tap.h"

/* acvp.c refers to the handlers weakly, and a weak reference does not pull
 * an object out of a static archive: a strong reference here (declared
 * without acvp_internal.h's weak attribute) makes the linker keep acvp_lms.o. */
int sg17_acvp_lms(const json_t *root, const char *algorithm, const char *mode, sg17_acvp_result *r);
typedef int (*lms_handler)(const json_t *, const char *, const char *, sg17_acvp_result *);
static volatile lms_handler keep_lms_handler = sg17_acvp_lms;

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
    tap_diag("%s: %lu passed, %lu failed, %lu skipped (of %lu)", rel, r.passed, r.failed, r.skipped,
             total);
    tap_ok(total > 0, "%s has test cases", rel);
    tap_ok(r.failed == 0, "%s: no failures", rel);
    tap_ok(r.skipped == 0, "%s: no skips", rel);
    tap_ok(r.passed == total, "%s: all %lu passed", rel, total);
}

int main(void)
{
    if (!tap_ok(keep_lms_handler != NULL, "LMS ACVP handler linked"))
        return tap_done();
    run("pqc/acvp/LMS-keyGen-1.0.json");
    run("pqc/acvp/LMS-sigVer-1.0.json");
    run("pqc/acvp/LMS-sigVer-SP800-208.json");
    run("pqc/acvp/LMS-sigGen-1.0.json");
    run("pqc/acvp/LMS-sigGen-SP800-208.json");
    return tap_done();
}
