/*
 * Constant-time check of ML-DSA (run under valgrind memcheck with
 * --error-exitcode=9): secrets are marked undefined, so any branch, table
 * index or variable-latency division on them is reported.
 *  - keygen: the seed xi is secret;
 *  - sign: the secret parts of sk (K, s1, s2, t0) and rnd are secret; rho
 *    and tr are public (rho is in pk, tr = H(pk)).
 * Inside the library only public values are declassified (rho, t1, the
 * rejection decisions, c~ and the accepted signature; see mldsa.c/sample.c).
 * The test itself declassifies pk and the signature before using them: both
 * are published outputs.
 */
#include <string.h>

#include "ct_internal.h"
#include "sg17/mldsa.h"
#include "tap.h"

static void ct_set(sg17_mldsa_param p)
{
    static uint8_t pk[SG17_MLDSA_MAX_PUBLICKEY_BYTES], sk[SG17_MLDSA_MAX_SECRETKEY_BYTES];
    static uint8_t sig[SG17_MLDSA_MAX_SIGNATURE_BYTES];
    const size_t pkn = sg17_mldsa_publickey_bytes(p), skn = sg17_mldsa_secretkey_bytes(p),
                 sgn = sg17_mldsa_signature_bytes(p);
    uint8_t seed[32], rnd[32], mu[64];
    const uint8_t msg[] = "constant time";

    tap_rand_bytes(seed, sizeof seed);
    tap_rand_bytes(rnd, sizeof rnd);
    SG17_CT_SECRET(seed, sizeof seed);
    int rc = sg17_mldsa_keygen_from_seed(p, seed, pk, sk);
    tap_int_eq(rc, 0, "keygen with a secret seed");
    SG17_CT_DECLASSIFY(pk, pkn); /* the public key is public */

    /* sk = rho (public) || K || tr (public) || s1 || s2 || t0 */
    SG17_CT_SECRET(sk + 32, 32);
    SG17_CT_SECRET(sk + 128, skn - 128);
    rc = sg17_mldsa_sign(p, sig, sk, msg, sizeof msg - 1, NULL, 0, SG17_MLDSA_DETERMINISTIC);
    tap_int_eq(rc, 0, "deterministic sign with secret K, s1, s2, t0");
    SG17_CT_DECLASSIFY(sig, sgn); /* the signature is published */
    tap_int_eq(sg17_mldsa_verify(p, sig, sgn, pk, pkn, msg, sizeof msg - 1, NULL, 0), 0,
               "signature verifies");

    tap_int_eq(sg17_mldsa_compute_mu(p, pk, pkn, msg, sizeof msg - 1, NULL, 0, mu), 0, "mu");
    SG17_CT_SECRET(rnd, sizeof rnd);
    rc = sg17_mldsa_sign_mu(p, sig, sk, mu, rnd);
    tap_int_eq(rc, 0, "hedged external-mu sign with secret rnd and key");
    SG17_CT_DECLASSIFY(sig, sgn);
    tap_int_eq(sg17_mldsa_verify_mu(p, sig, sgn, pk, pkn, mu), 0, "signature verifies");

    rc = sg17_mldsa_hash_sign(p, sig, sk, SG17_HASH_SHA3_256, msg, sizeof msg - 1, NULL, 0, 0);
    tap_int_eq(rc, 0, "hedged HashML-DSA sign");
    SG17_CT_DECLASSIFY(sig, sgn);
    SG17_CT_DECLASSIFY(sk, skn);
    SG17_CT_DECLASSIFY(seed, sizeof seed);
}

int main(void)
{
    tap_rand_seed(0xC7);
    ct_set(SG17_MLDSA_44);
    ct_set(SG17_MLDSA_65);
    ct_set(SG17_MLDSA_87);
    return tap_done();
}
