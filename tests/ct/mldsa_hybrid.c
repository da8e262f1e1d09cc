/*
 * Constant-time check of the composite ML-DSA-65 + Ed25519 signature
 * (valgrind memcheck, --error-exitcode=9): the composite private key
 * (ML-DSA seed xi and the Ed25519 private key) is marked secret for
 * signing; the public key and the signature are declassified as outputs.
 * Covers the ML-DSA re-expansion from the seed, ML-DSA signing over M' and
 * OpenSSL's Ed25519 signing.
 */
#include <string.h>

#include "ct_internal.h"
#include "sg17/hybrid.h"
#include "tap.h"

int main(void)
{
    static uint8_t pk[SG17_HYBRID_MLDSA65_ED25519_PUBLICKEY_BYTES];
    static uint8_t sk[SG17_HYBRID_MLDSA65_ED25519_SECRETKEY_BYTES];
    static uint8_t sig[SG17_HYBRID_MLDSA65_ED25519_SIGNATURE_BYTES];
    const uint8_t msg[] = "composite constant time";
    const uint8_t ctx[] = "ctx";

    tap_int_eq(sg17_hybrid_mldsa65_ed25519_keygen(pk, sk), 0, "keygen");
    SG17_CT_SECRET(sk, sizeof sk);
    int rc = sg17_hybrid_mldsa65_ed25519_sign(sig, sk, msg, sizeof msg - 1, ctx, 3);
    tap_int_eq(rc, 0, "sign with a secret composite private key");
    SG17_CT_DECLASSIFY(sig, sizeof sig); /* the signature is published */
    tap_int_eq(sg17_hybrid_mldsa65_ed25519_verify(sig, sizeof sig, pk, sizeof pk, msg,
                                                  sizeof msg - 1, ctx, 3),
               0, "signature verifies");
    SG17_CT_SECRET(sk, sizeof sk);
    tap_int_eq(sg17_hybrid_mldsa65_ed25519_public(pk, sk), 0, "public key from a secret sk");
    SG17_CT_DECLASSIFY(pk, sizeof pk);
    SG17_CT_DECLASSIFY(sk, sizeof sk);
    return tap_done();
}
