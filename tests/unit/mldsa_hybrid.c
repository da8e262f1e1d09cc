/*
 * Composite ML-DSA-65 + Ed25519 (draft-ietf-lamps-pq-composite-sigs-19):
 * round trip, both components bound (flipping either half fails, a
 * signature cut down to one component fails), context binding and limits,
 * lengths, and the construction itself: the ML-DSA half must verify as
 * pure ML-DSA-65 over M' = Prefix || Label || len(ctx) || ctx || SHA512(M)
 * with ctx = Label, and the Ed25519 half as Ed25519 over the same M'
 * (M' rebuilt here from the draft text, independently of the library).
 */
#include <string.h>

#include "sg17/crypto.h"
#include "sg17/hybrid.h"
#include "sg17/mldsa.h"
#include "tap.h"

#define PK SG17_HYBRID_MLDSA65_ED25519_PUBLICKEY_BYTES
#define SK SG17_HYBRID_MLDSA65_ED25519_SECRETKEY_BYTES
#define SIG SG17_HYBRID_MLDSA65_ED25519_SIGNATURE_BYTES

static uint8_t pk[PK], pk2[PK], sk[SK], sig[SIG], sig2[SIG + 1];

int main(void)
{
    static const char prefix[] = "CompositeAlgorithmSignatures2025";
    static const char label[] = "COMPSIG-MLDSA65-Ed25519-SHA512";
    const uint8_t msg[] = "The quick brown fox jumps over the lazy dog.";
    const size_t mlen = sizeof msg - 1;
    uint8_t ctx[256];
    memset(ctx, 0x3C, sizeof ctx);

    tap_int_eq(sg17_hybrid_mldsa65_ed25519_keygen(pk, sk), 0, "keygen");
    tap_int_eq(sg17_hybrid_mldsa65_ed25519_public(pk2, sk), 0, "public key from private key");
    tap_ok(memcmp(pk, pk2, PK) == 0, "public key is reproducible from the private key");

    tap_int_eq(sg17_hybrid_mldsa65_ed25519_sign(sig, sk, msg, mlen, ctx, 5), 0, "sign");
    tap_int_eq(sg17_hybrid_mldsa65_ed25519_verify(sig, SIG, pk, PK, msg, mlen, ctx, 5), 0,
               "verify");

    /* the construction, rebuilt from the draft */
    uint8_t mprime[32 + 30 + 1 + 5 + 64];
    memcpy(mprime, prefix, 32);
    memcpy(mprime + 32, label, 30);
    mprime[62] = 5;
    memcpy(mprime + 63, ctx, 5);
    sg17_sha512(mprime + 68, msg, mlen);
    tap_int_eq(sg17_mldsa_verify(SG17_MLDSA_65, sig, 3309, pk, 1952, mprime, sizeof mprime,
                                 (const uint8_t *)label, 30),
               0, "ML-DSA half = ML-DSA-65.Sign(M', ctx = Label)");
    tap_int_eq(sg17_ed25519_verify(sig + 3309, pk + 1952, mprime, sizeof mprime), 0,
               "Ed25519 half = Ed25519.Sign(M')");
    tap_int_eq(sg17_mldsa_verify(SG17_MLDSA_65, sig, 3309, pk, 1952, msg, mlen, ctx, 5),
               SG17_E_VERIFY, "ML-DSA half is not a signature on M itself");

    /* both components are needed */
    memcpy(sig2, sig, SIG);
    sig2[100] ^= 1;
    tap_int_eq(sg17_hybrid_mldsa65_ed25519_verify(sig2, SIG, pk, PK, msg, mlen, ctx, 5),
               SG17_E_VERIFY, "flipped bit in the ML-DSA half fails");
    memcpy(sig2, sig, SIG);
    sig2[3309 + 10] ^= 1;
    tap_int_eq(sg17_hybrid_mldsa65_ed25519_verify(sig2, SIG, pk, PK, msg, mlen, ctx, 5),
               SG17_E_VERIFY, "flipped bit in the Ed25519 half fails");
    memcpy(pk2, pk, PK);
    pk2[1952 + 3] ^= 1;
    int rc = sg17_hybrid_mldsa65_ed25519_verify(sig, SIG, pk2, PK, msg, mlen, ctx, 5);
    tap_ok(rc == SG17_E_VERIFY || rc == SG17_E_FORMAT, "changed Ed25519 public key fails (%d)",
           rc);
    tap_int_eq(sg17_hybrid_mldsa65_ed25519_verify(sig, 3309, pk, PK, msg, mlen, ctx, 5),
               SG17_E_FORMAT, "ML-DSA half alone: SG17_E_FORMAT");
    memcpy(sig2, sig, SIG);
    sig2[SIG] = 0;
    tap_int_eq(sg17_hybrid_mldsa65_ed25519_verify(sig2, SIG + 1, pk, PK, msg, mlen, ctx, 5),
               SG17_E_FORMAT, "trailing byte: SG17_E_FORMAT");
    tap_int_eq(sg17_hybrid_mldsa65_ed25519_verify(sig, SIG, pk, PK - 1, msg, mlen, ctx, 5),
               SG17_E_FORMAT, "short public key: SG17_E_FORMAT");

    /* context and message binding */
    tap_int_eq(sg17_hybrid_mldsa65_ed25519_verify(sig, SIG, pk, PK, msg, mlen, ctx, 4),
               SG17_E_VERIFY, "other ctx fails");
    tap_int_eq(sg17_hybrid_mldsa65_ed25519_verify(sig, SIG, pk, PK, msg, mlen - 1, ctx, 5),
               SG17_E_VERIFY, "other message fails");
    tap_int_eq(sg17_hybrid_mldsa65_ed25519_sign(sig2, sk, msg, mlen, ctx, 255), 0,
               "255-byte ctx signs");
    tap_int_eq(sg17_hybrid_mldsa65_ed25519_verify(sig2, SIG, pk, PK, msg, mlen, ctx, 255), 0,
               "255-byte ctx verifies");
    tap_int_eq(sg17_hybrid_mldsa65_ed25519_sign(sig2, sk, msg, mlen, ctx, 256), SG17_E_INVAL,
               "256-byte ctx rejected by sign");
    tap_int_eq(sg17_hybrid_mldsa65_ed25519_verify(sig, SIG, pk, PK, msg, mlen, ctx, 256),
               SG17_E_INVAL, "256-byte ctx rejected by verify");

    /* hedged ML-DSA half: two signatures differ, both verify; Ed25519 half is deterministic */
    tap_int_eq(sg17_hybrid_mldsa65_ed25519_sign(sig2, sk, msg, mlen, NULL, 0), 0, "sign, no ctx");
    tap_int_eq(sg17_hybrid_mldsa65_ed25519_sign(sig, sk, msg, mlen, NULL, 0), 0, "sign again");
    tap_ok(memcmp(sig, sig2, 3309) != 0 && memcmp(sig + 3309, sig2 + 3309, 64) == 0,
           "ML-DSA halves differ (hedged), Ed25519 halves equal");
    tap_int_eq(sg17_hybrid_mldsa65_ed25519_verify(sig2, SIG, pk, PK, msg, mlen, NULL, 0), 0,
               "verify without ctx");
    return tap_done();
}
