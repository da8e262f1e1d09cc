/*
 * ML-DSA public API behaviour (FIPS 204 §5): sign/verify round trips for
 * all three sets, hedged signatures differ yet verify, deterministic ones
 * repeat, context binding (mismatch fails, 255 bytes ok, 256 rejected),
 * flipped signature/message/key bits fail, malformed lengths and hints give
 * SG17_E_FORMAT, HashML-DSA with every pre-hash, seed-format keys, the
 * internal interface and external mu agree with the external interface.
 */
#include <string.h>

#include "sg17/crypto.h"
#include "sg17/mldsa.h"
#include "tap.h"

static const sg17_mldsa_param sets[3] = {SG17_MLDSA_44, SG17_MLDSA_65, SG17_MLDSA_87};
static const sg17_hash_alg hashes[12] = {
    SG17_HASH_SHA224,     SG17_HASH_SHA256,   SG17_HASH_SHA384,   SG17_HASH_SHA512,
    SG17_HASH_SHA512_224, SG17_HASH_SHA512_256, SG17_HASH_SHA3_224, SG17_HASH_SHA3_256,
    SG17_HASH_SHA3_384,   SG17_HASH_SHA3_512, SG17_HASH_SHAKE128, SG17_HASH_SHAKE256,
};

static uint8_t pk[SG17_MLDSA_MAX_PUBLICKEY_BYTES], sk[SG17_MLDSA_MAX_SECRETKEY_BYTES];
static uint8_t pk2[SG17_MLDSA_MAX_PUBLICKEY_BYTES], sk2[SG17_MLDSA_MAX_SECRETKEY_BYTES];
static uint8_t sig[SG17_MLDSA_MAX_SIGNATURE_BYTES], sig2[SG17_MLDSA_MAX_SIGNATURE_BYTES];
static uint8_t bad[SG17_MLDSA_MAX_SIGNATURE_BYTES + 1];

static void test_set(sg17_mldsa_param p)
{
    const size_t pkn = sg17_mldsa_publickey_bytes(p), skn = sg17_mldsa_secretkey_bytes(p),
                 sgn = sg17_mldsa_signature_bytes(p);
    const uint8_t msg[] = "ITU-T X.1811 ML-DSA round trip";
    const size_t mlen = sizeof msg - 1;
    uint8_t ctx[256], seed[32], mu[64], zero[32] = {0};
    int rc;
    memset(ctx, 0xA5, sizeof ctx);
    tap_diag("ML-DSA-%d", (int)p);

    tap_int_eq(sg17_mldsa_keygen(p, pk, sk, seed), 0, "keygen");
    tap_int_eq(sg17_mldsa_keygen_from_seed(p, seed, pk2, sk2), 0, "keygen from the returned seed");
    tap_ok(memcmp(pk, pk2, pkn) == 0 && memcmp(sk, sk2, skn) == 0, "seed reproduces the key pair");

    /* hedged: two signatures differ, both verify */
    tap_int_eq(sg17_mldsa_sign(p, sig, sk, msg, mlen, ctx, 8, 0), 0, "hedged sign");
    tap_int_eq(sg17_mldsa_sign(p, sig2, sk, msg, mlen, ctx, 8, 0), 0, "hedged sign again");
    tap_ok(memcmp(sig, sig2, sgn) != 0, "hedged signatures differ");
    tap_int_eq(sg17_mldsa_verify(p, sig, sgn, pk, pkn, msg, mlen, ctx, 8), 0, "verify 1");
    tap_int_eq(sg17_mldsa_verify(p, sig2, sgn, pk, pkn, msg, mlen, ctx, 8), 0, "verify 2");

    /* context binding */
    tap_int_eq(sg17_mldsa_verify(p, sig, sgn, pk, pkn, msg, mlen, ctx, 7), SG17_E_VERIFY,
               "shorter ctx fails");
    tap_int_eq(sg17_mldsa_verify(p, sig, sgn, pk, pkn, msg, mlen, NULL, 0), SG17_E_VERIFY,
               "empty ctx fails");
    ctx[0] ^= 1;
    tap_int_eq(sg17_mldsa_verify(p, sig, sgn, pk, pkn, msg, mlen, ctx, 8), SG17_E_VERIFY,
               "changed ctx fails");
    ctx[0] ^= 1;
    tap_int_eq(sg17_mldsa_sign(p, sig2, sk, msg, mlen, ctx, 255, 0), 0, "255-byte ctx signs");
    tap_int_eq(sg17_mldsa_verify(p, sig2, sgn, pk, pkn, msg, mlen, ctx, 255), 0,
               "255-byte ctx verifies");
    tap_int_eq(sg17_mldsa_sign(p, sig2, sk, msg, mlen, ctx, 256, 0), SG17_E_INVAL,
               "256-byte ctx rejected by sign");
    tap_int_eq(sg17_mldsa_verify(p, sig2, sgn, pk, pkn, msg, mlen, ctx, 256), SG17_E_INVAL,
               "256-byte ctx rejected by verify");

    /* flipped bits */
    int all_fail = 1;
    tap_rand_seed((uint64_t)p);
    for (int i = 0; i < 64; i++) {
        memcpy(bad, sig, sgn);
        size_t bit = (size_t)(tap_rand_u64() % (sgn * 8));
        bad[bit / 8] ^= (uint8_t)(1u << (bit % 8));
        rc = sg17_mldsa_verify(p, bad, sgn, pk, pkn, msg, mlen, ctx, 8);
        if (rc != SG17_E_VERIFY && rc != SG17_E_FORMAT) {
            all_fail = 0;
            tap_diag("flipped signature bit %zu accepted (%d)", bit, rc);
        }
    }
    tap_ok(all_fail, "64 random single-bit signature flips all rejected");
    uint8_t msg2[sizeof msg];
    memcpy(msg2, msg, sizeof msg);
    msg2[3] ^= 0x10;
    tap_int_eq(sg17_mldsa_verify(p, sig, sgn, pk, pkn, msg2, mlen, ctx, 8), SG17_E_VERIFY,
               "flipped message bit fails");
    memcpy(pk2, pk, pkn);
    pk2[100] ^= 4;
    tap_int_eq(sg17_mldsa_verify(p, sig, sgn, pk2, pkn, msg, mlen, ctx, 8), SG17_E_VERIFY,
               "flipped public key bit fails");
    memcpy(pk2, pk, pkn);
    pk2[5] ^= 4; /* in rho */
    tap_int_eq(sg17_mldsa_verify(p, sig, sgn, pk2, pkn, msg, mlen, ctx, 8), SG17_E_VERIFY,
               "flipped rho bit fails");

    /* random garbage of the right length never verifies and never crashes */
    int garbage_ok = 1;
    for (int i = 0; i < 100; i++) {
        tap_rand_bytes(bad, sgn);
        rc = sg17_mldsa_verify(p, bad, sgn, pk, pkn, msg, mlen, ctx, 8);
        garbage_ok &= rc == SG17_E_VERIFY || rc == SG17_E_FORMAT;
    }
    tap_ok(garbage_ok, "100 random signatures rejected with VERIFY/FORMAT");

    /* lengths and hint encoding */
    memcpy(bad, sig, sgn);
    bad[sgn] = 0;
    tap_int_eq(sg17_mldsa_verify(p, bad, sgn + 1, pk, pkn, msg, mlen, ctx, 8), SG17_E_FORMAT,
               "trailing byte: SG17_E_FORMAT");
    tap_int_eq(sg17_mldsa_verify(p, sig, sgn - 1, pk, pkn, msg, mlen, ctx, 8), SG17_E_FORMAT,
               "truncated signature: SG17_E_FORMAT");
    tap_int_eq(sg17_mldsa_verify(p, sig, sgn, pk, pkn - 1, msg, mlen, ctx, 8), SG17_E_FORMAT,
               "truncated public key: SG17_E_FORMAT");
    memcpy(bad, sig, sgn);
    bad[sgn - 1] = 0xFF; /* last cumulative hint count > omega */
    tap_int_eq(sg17_mldsa_verify(p, bad, sgn, pk, pkn, msg, mlen, ctx, 8), SG17_E_FORMAT,
               "hint count beyond omega: SG17_E_FORMAT");

    /* deterministic: repeatable; equals the internal interface with rnd = 0 */
    tap_int_eq(sg17_mldsa_sign(p, sig, sk, msg, mlen, ctx, 8, SG17_MLDSA_DETERMINISTIC), 0,
               "deterministic sign");
    tap_int_eq(sg17_mldsa_sign(p, sig2, sk, msg, mlen, ctx, 8, SG17_MLDSA_DETERMINISTIC), 0,
               "deterministic sign again");
    tap_ok(memcmp(sig, sig2, sgn) == 0, "deterministic signatures repeat");
    tap_int_eq(sg17_mldsa_sign_seed(p, sig2, seed, msg, mlen, ctx, 8, SG17_MLDSA_DETERMINISTIC),
               0, "sign with the seed-format key");
    tap_ok(memcmp(sig, sig2, sgn) == 0, "seed-format key signs identically");
    uint8_t mprime[2 + 8 + sizeof msg];
    mprime[0] = 0;
    mprime[1] = 8;
    memcpy(mprime + 2, ctx, 8);
    memcpy(mprime + 10, msg, mlen);
    tap_int_eq(sg17_mldsa_sign_internal(p, sig2, sk, mprime, 10 + mlen, zero), 0,
               "Sign_internal on M'");
    tap_ok(memcmp(sig, sig2, sgn) == 0, "Sign_internal(0 || 8 || ctx || M) equals Sign");
    tap_int_eq(sg17_mldsa_verify_internal(p, sig, sgn, pk, pkn, mprime, 10 + mlen), 0,
               "Verify_internal on M'");
    tap_int_eq(sg17_mldsa_compute_mu(p, pk, pkn, msg, mlen, ctx, 8, mu), 0, "compute mu");
    tap_int_eq(sg17_mldsa_sign_mu(p, sig2, sk, mu, zero), 0, "external-mu sign");
    tap_ok(memcmp(sig, sig2, sgn) == 0, "external-mu signature equals Sign");
    tap_int_eq(sg17_mldsa_verify_mu(p, sig, sgn, pk, pkn, mu), 0, "external-mu verify");
    mu[0] ^= 1;
    tap_int_eq(sg17_mldsa_verify_mu(p, sig, sgn, pk, pkn, mu), SG17_E_VERIFY,
               "external-mu verify with another mu fails");

    /* HashML-DSA */
    int hash_ok = 1;
    for (size_t i = 0; i < 12; i++) {
        rc = sg17_mldsa_hash_sign(p, sig, sk, hashes[i], msg, mlen, ctx, 3, 0);
        hash_ok &= rc == 0;
        hash_ok &= sg17_mldsa_hash_verify(p, sig, sgn, pk, pkn, hashes[i], msg, mlen, ctx, 3) == 0;
        hash_ok &= sg17_mldsa_hash_verify(p, sig, sgn, pk, pkn, hashes[(i + 1) % 12], msg, mlen,
                                          ctx, 3) == SG17_E_VERIFY;
        hash_ok &= sg17_mldsa_verify(p, sig, sgn, pk, pkn, msg, mlen, ctx, 3) == SG17_E_VERIFY;
    }
    tap_ok(hash_ok, "HashML-DSA with all 12 pre-hashes: verifies, other hash / pure fail");
    uint8_t digest[64];
    tap_int_eq(sg17_hash(SG17_HASH_SHA512, msg, mlen, digest), 0, "SHA-512 of the message");
    tap_int_eq(sg17_mldsa_hash_sign_digest(p, sig, sk, SG17_HASH_SHA512, digest, 64, ctx, 3,
                                           SG17_MLDSA_DETERMINISTIC),
               0, "HashML-DSA sign given PH(M)");
    tap_int_eq(sg17_mldsa_hash_sign(p, sig2, sk, SG17_HASH_SHA512, msg, mlen, ctx, 3,
                                    SG17_MLDSA_DETERMINISTIC),
               0, "HashML-DSA sign given M");
    tap_ok(memcmp(sig, sig2, sgn) == 0, "digest and message interfaces agree");
    tap_int_eq(sg17_mldsa_hash_verify_digest(p, sig, sgn, pk, pkn, SG17_HASH_SHA512, digest, 64,
                                             ctx, 3),
               0, "HashML-DSA verify given PH(M)");
    tap_int_eq(sg17_mldsa_hash_verify_digest(p, sig, sgn, pk, pkn, SG17_HASH_SHA512, digest, 32,
                                             ctx, 3),
               SG17_E_INVAL, "digest of the wrong length: SG17_E_INVAL");

    /* a malformed expanded key (s1 coefficient code 7 with eta = 2, or 15
     * with eta = 4) is refused */
    memcpy(sk2, sk, skn);
    sk2[128] = 0xFF;
    sk2[129] = 0xFF;
    tap_int_eq(sg17_mldsa_sign(p, sig2, sk2, msg, mlen, NULL, 0, 0), SG17_E_FORMAT,
               "out-of-range s1 in sk: SG17_E_FORMAT");
}

int main(void)
{
    uint8_t seed[32] = {0};
    for (int i = 0; i < 3; i++)
        test_set(sets[i]);
    tap_int_eq(sg17_mldsa_publickey_bytes((sg17_mldsa_param)42), 0, "unknown set has no size");
    tap_int_eq(sg17_mldsa_keygen_from_seed((sg17_mldsa_param)42, seed, pk, sk), SG17_E_INVAL,
               "unknown set: SG17_E_INVAL");
    tap_int_eq(sg17_mldsa_sign(SG17_MLDSA_44, sig, NULL, NULL, 0, NULL, 0, 0), SG17_E_INVAL,
               "NULL key: SG17_E_INVAL");
    tap_int_eq(sg17_mldsa_hash_sign(SG17_MLDSA_44, sig, sk, (sg17_hash_alg)99, NULL, 0, NULL, 0,
                                    0),
               SG17_E_UNSUPPORTED, "unknown pre-hash: SG17_E_UNSUPPORTED");
    tap_int_eq(sg17_mldsa_publickey_bytes(SG17_MLDSA_65), SG17_MLDSA65_PUBLICKEY_BYTES, "pk size");
    tap_int_eq(sg17_mldsa_signature_bytes(SG17_MLDSA_87), SG17_MLDSA87_SIGNATURE_BYTES, "sig size");
    return tap_done();
}
