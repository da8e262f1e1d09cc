/*
 * SLH-DSA against the NIST ACVP vectors (FIPS 205): the whole keyGen file,
 * the sigGen cases of the fast ("f") parameter sets through the ACVP
 * handler, and verification of every sigGen signature in the file (all
 * twelve sets) with the public verify API. The complete sigGen run,
 * including the slow "s" sets, is tests/vectors/slhdsa_acvp_slow.c.
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "pqc/acvp_internal.h"
#include "pqc/slhdsa/slhdsa_internal.h"
#include "sg17/pqc_acvp.h"
#include "sg17/slhdsa.h"
#include "tap.h"

static unsigned long count_tests(const json_t *root)
{
    unsigned long n = 0;
    size_t i;
    const json_t *g;
    json_array_foreach(json_object_get(root, "testGroups"), i, g) n +=
        json_array_size(json_object_get(g, "tests"));
    return n;
}

static int is_fast_set(const char *ps)
{
    size_t l = ps ? strlen(ps) : 0;
    return l > 0 && ps[l - 1] == 'f';
}

static sg17_hash_alg hash_of(const char *s)
{
    static const char *names[] = {"SHA2-224",     "SHA2-256",     "SHA2-384",  "SHA2-512",
                                  "SHA2-512/224", "SHA2-512/256", "SHA3-224",  "SHA3-256",
                                  "SHA3-384",     "SHA3-512",     "SHAKE-128", "SHAKE-256"};
    static const sg17_hash_alg algs[] = {
        SG17_HASH_SHA224,     SG17_HASH_SHA256,     SG17_HASH_SHA384,   SG17_HASH_SHA512,
        SG17_HASH_SHA512_224, SG17_HASH_SHA512_256, SG17_HASH_SHA3_224, SG17_HASH_SHA3_256,
        SG17_HASH_SHA3_384,   SG17_HASH_SHA3_512,   SG17_HASH_SHAKE128, SG17_HASH_SHAKE256};
    for (size_t i = 0; s && i < sizeof(names) / sizeof(names[0]); i++)
        if (strcmp(s, names[i]) == 0)
            return algs[i];
    return (sg17_hash_alg)0;
}

static uint8_t *hexf(const json_t *t, const char *k, size_t *len)
{
    const char *s = json_string_value(json_object_get(t, k));
    *len = 0;
    if (!s)
        return NULL;
    if (!*s)
        return calloc(1, 1);
    return tap_hex_decode(s, len);
}

/* Verify every expected signature of the file with the public API. */
static void verify_all(const json_t *root)
{
    size_t gi, ti;
    const json_t *g, *t;
    unsigned long ok = 0, total = 0;
    json_array_foreach(json_object_get(root, "testGroups"), gi, g)
    {
        sg17_slhdsa_param p;
        const char *ps = json_string_value(json_object_get(g, "parameterSet"));
        const char *pre = json_string_value(json_object_get(g, "preHash"));
        int ph = pre && strcmp(pre, "preHash") == 0;
        if (!tap_ok(ps && sg17_slhdsa_from_name(ps, &p) == 0, "known set %s", ps ? ps : "?"))
            continue;
        json_array_foreach(json_object_get(g, "tests"), ti, t)
        {
            size_t lsk, lm, lc, ls;
            uint8_t *sk = hexf(t, "sk", &lsk), *m = hexf(t, "message", &lm),
                    *c = hexf(t, "context", &lc), *s = hexf(t, "signature", &ls);
            size_t n = sg17_slhdsa_n_bytes(p);
            int rc = -100;
            total++;
            if (sk && m && c && s && lsk == 4 * n) {
                const uint8_t *pk = sk + 2 * n;
                if (ph)
                    rc = sg17_slhdsa_hash_verify(
                        p, hash_of(json_string_value(json_object_get(t, "hashAlg"))), s, ls, m, lm,
                        c, lc, pk);
                else
                    rc = sg17_slhdsa_verify(p, s, ls, m, lm, c, lc, pk);
                /* The same signature must not verify for another message. */
                if (rc == 0 && lm > 0) {
                    m[0] ^= 1;
                    int rc2 = ph ? sg17_slhdsa_hash_verify(
                                       p, hash_of(json_string_value(json_object_get(t, "hashAlg"))),
                                       s, ls, m, lm, c, lc, pk)
                                 : sg17_slhdsa_verify(p, s, ls, m, lm, c, lc, pk);
                    if (rc2 != SG17_E_VERIFY)
                        rc = -200;
                }
            }
            if (rc == 0)
                ok++;
            else
                tap_diag("tcId %lld (%s): verify rc=%d",
                         (long long)json_integer_value(json_object_get(t, "tcId")), ps, rc);
            free(sk), free(m), free(c), free(s);
        }
    }
    tap_ok(total > 0 && ok == total,
           "ACVP sigGen signatures verify (and fail on a changed message): %lu/%lu", ok, total);
}

/*
 * Exercise the handler's sigVer path (no SLH-DSA sigVer file is available):
 * every sigGen case becomes a sigVer case with pk = PK.seed || PK.root from
 * its sk and testPassed = true, plus a copy whose signature has one byte
 * changed, expected false.
 */
static void sigver_from_siggen(const json_t *root)
{
    json_t *vroot = json_object(), *vgroups = json_array();
    size_t gi, ti;
    const json_t *g, *t;
    unsigned long n_cases = 0;
    json_array_foreach(json_object_get(root, "testGroups"), gi, g)
    {
        sg17_slhdsa_param p;
        if (sg17_slhdsa_from_name(json_string_value(json_object_get(g, "parameterSet")), &p) != 0)
            continue;
        json_t *vg = json_deep_copy(g), *vtests = json_array();
        size_t n = sg17_slhdsa_n_bytes(p);
        json_array_foreach(json_object_get(g, "tests"), ti, t)
        {
            const char *sk = json_string_value(json_object_get(t, "sk"));
            const char *sig = json_string_value(json_object_get(t, "signature"));
            if (!sk || !sig || strlen(sk) != 8 * n)
                continue;
            json_t *ok = json_deep_copy(t), *bad;
            json_object_set_new(ok, "pk", json_string(sk + 4 * n));
            json_object_del(ok, "sk");
            json_object_set_new(ok, "testPassed", json_true());
            bad = json_deep_copy(ok);
            char *mut = strdup(sig);
            size_t pos = strlen(mut) / 2 + 1; /* a hex digit inside the signature */
            mut[pos] = mut[pos] == '0' ? '1' : '0';
            json_object_set_new(bad, "signature", json_string(mut));
            json_object_set_new(bad, "testPassed", json_false());
            free(mut);
            json_array_append_new(vtests, ok);
            json_array_append_new(vtests, bad);
            n_cases += 2;
        }
        json_object_set_new(vg, "tests", vtests);
        json_array_append_new(vgroups, vg);
    }
    json_object_set_new(vroot, "testGroups", vgroups);
    sg17_acvp_result r = {0, 0, 0, stderr, 0};
    tap_int_eq(sg17_acvp_slhdsa(vroot, "SLH-DSA", "sigVer", &r), 0, "sigVer processed");
    tap_diag("ACVP-shaped SLH-DSA sigVer from sigGen data: %lu passed, %lu failed, %lu skipped",
             r.passed, r.failed, r.skipped);
    tap_ok(n_cases > 0 && r.passed == n_cases && r.failed == 0 && r.skipped == 0,
           "sigVer handler: %lu valid and mutated cases judged correctly", n_cases);
    json_decref(vroot);
}

int main(void)
{
    const char *kg = tap_vector_path("pqc/acvp/SLH-DSA-keyGen-FIPS205.json");
    const char *sg = tap_vector_path("pqc/acvp/SLH-DSA-sigGen-FIPS205.json");
    /* keyGen: the whole file. */
    json_error_t e;
    json_t *kroot = json_load_file(kg, 0, &e);
    tap_ok(kroot != NULL, "keyGen file parses");
    sg17_acvp_result r = {0, 0, 0, stderr, 0};
    tap_int_eq(sg17_pqc_acvp_file(kg, &r), 0, "keyGen file processed");
    tap_diag("ACVP SLH-DSA keyGen: %lu passed, %lu failed, %lu skipped", r.passed, r.failed,
             r.skipped);
    tap_ok(kroot && r.passed == count_tests(kroot) && r.failed == 0 && r.skipped == 0,
           "keyGen: all %lu cases pass", kroot ? count_tests(kroot) : 0);
    json_decref(kroot);

    /* sigGen: the "f" sets through the handler. */
    json_t *root = json_load_file(sg, 0, &e);
    if (!tap_ok(root != NULL, "sigGen file parses"))
        return tap_done();
    json_t *fast = json_object(), *groups = json_array();
    size_t gi;
    json_t *g;
    json_array_foreach(json_object_get(root, "testGroups"), gi, g)
    {
        if (is_fast_set(json_string_value(json_object_get(g, "parameterSet"))))
            json_array_append(groups, g);
    }
    json_object_set_new(fast, "testGroups", groups);
    sg17_acvp_result rf = {0, 0, 0, stderr, 0};
    tap_int_eq(sg17_acvp_slhdsa(fast, "SLH-DSA", "sigGen", &rf), 0, "sigGen (f sets) processed");
    tap_diag("ACVP SLH-DSA sigGen, f sets: %lu passed, %lu failed, %lu skipped", rf.passed,
             rf.failed, rf.skipped);
    tap_ok(rf.passed == count_tests(fast) && rf.passed > 0 && rf.failed == 0 && rf.skipped == 0,
           "sigGen f sets: all %lu cases pass", count_tests(fast));
    json_decref(fast);

    verify_all(root);
    sigver_from_siggen(root);
    json_decref(root);
    return tap_done();
}
