/*
 * Constant-time check of LMS/HSS key generation and signing (run under
 * valgrind memcheck with --error-exitcode=9): the SEED is marked secret, so
 * any branch, table index or division on a value derived from it (the
 * Winternitz chain values x_q[i], child seeds) is reported.
 * Inside the library only public values are declassified: the tree nodes
 * (each appears in some authentication path or is the public root), the
 * randomizer C (published in the signature; it fixes the chain lengths that
 * any verifier recomputes) and child I values (in the child public key).
 * The test declassifies the public key and the signature before verifying
 * them: both are published outputs.
 */
#include <string.h>

#include "ct_internal.h"
#include "pqc/lms/lms_internal.h"
#include "sg17/lms.h"
#include "tap.h"

static void ct_set(const sg17_hss_params *p, size_t n)
{
    uint8_t seed[32], I[16], pk[SG17_HSS_PUBLIC_KEY_MAX_BYTES];
    size_t pk_len, cap = sg17_hss_signature_len(p), sl;
    static uint8_t sig[16384];
    const uint8_t msg[] = "constant time";
    for (size_t i = 0; i < sizeof seed; i++)
        seed[i] = (uint8_t)(i * 13 + 5);
    memset(I, 0x42, sizeof I);
    SG17_CT_SECRET(seed, sizeof seed);
    sg17_hss_key *k;
    int rc = sg17_hss_key_new_volatile(&k, p, seed, n, I);
    if (!tap_int_eq(rc, 0, "keygen"))
        return;
    tap_int_eq(sg17_hss_key_public(k, pk, sizeof pk, &pk_len), 0, "public key");
    SG17_CT_DECLASSIFY(pk, pk_len); /* published */
    unsigned ok = 0;
    for (int j = 0; j < 3 && cap <= sizeof sig; j++) {
        rc = sg17_hss_sign(k, msg, sizeof msg, sig, cap, &sl);
        if (rc == 0) {
            SG17_CT_DECLASSIFY(sig, sl); /* published */
            ok += sg17_hss_verify(pk, pk_len, msg, sizeof msg, sig, sl) == 0;
        }
    }
    tap_int_eq(ok, 3, "3 signatures verify");
    sg17_hss_key_free(k);
}

int main(void)
{
    sg17_hss_params a = {1, {SG17_LMS_SHA256_M32_H5}, {SG17_LMOTS_SHA256_N32_W4}};
    sg17_hss_params b = {2,
                         {SG17_LMS_SHA256_M24_H5, SG17_LMS_SHA256_M24_H5},
                         {SG17_LMOTS_SHA256_N24_W2, SG17_LMOTS_SHA256_N24_W8}};
    sg17_hss_params c = {2,
                         {SG17_LMS_SHAKE_M24_H5, SG17_LMS_SHAKE_M32_H5},
                         {SG17_LMOTS_SHAKE_N24_W4, SG17_LMOTS_SHAKE_N32_W1}};
    ct_set(&a, 32);
    ct_set(&b, 24);
    ct_set(&c, 24);
    return tap_done();
}
