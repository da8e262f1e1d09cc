/*
 * sg17/mldsa.h - ML-DSA-44/65/87, the module-lattice digital signature
 * standard (FIPS 204, August 2024), written from the standard's text.
 *
 * Interfaces:
 *  - external "pure" ML-DSA (Alg. 1-3) with a context string of <= 255 bytes;
 *  - HashML-DSA (Alg. 4/5) with the pre-hash functions of FIPS 204 §5.4.1;
 *  - the internal interface (Alg. 6-8) on a formatted message M', and
 *    external-mu signing/verification (mu = H(H(pk, 64) || M', 64), Alg. 7
 *    line 6) for split signers.
 * Private keys come in two formats: the 32-byte seed xi (expanded on use by
 * ML-DSA.KeyGen_internal) and the expanded skEncode form (Alg. 24).
 *
 * All functions return 0 or a negative SG17_E_* code. Verification returns
 * SG17_E_VERIFY for a well-formed but invalid signature and SG17_E_FORMAT for
 * a malformed one (wrong length, bad hint encoding). Secret-dependent work is
 * constant time; secrets are wiped. No heap. Stack use (gcc -fstack-usage,
 * sized for ML-DSA-87): signing ~152 KiB (a 142 KiB frame holding the 8x7
 * matrix A in NTT form), key generation ~106 KiB, verification ~94 KiB.
 */
#ifndef SG17_MLDSA_H
#define SG17_MLDSA_H

#include "sg17/common.h"
#include "sg17/crypto.h"

#ifdef __cplusplus
extern "C" {
#endif

/** ML-DSA parameter sets (FIPS 204 Table 1). */
typedef enum sg17_mldsa_param {
    SG17_MLDSA_44 = 44, /**< NIST security category 2 */
    SG17_MLDSA_65 = 65, /**< category 3 */
    SG17_MLDSA_87 = 87, /**< category 5 */
} sg17_mldsa_param;

/* Sizes in bytes (FIPS 204 Table 2). */
#define SG17_MLDSA44_PUBLICKEY_BYTES 1312
#define SG17_MLDSA44_SECRETKEY_BYTES 2560
#define SG17_MLDSA44_SIGNATURE_BYTES 2420
#define SG17_MLDSA65_PUBLICKEY_BYTES 1952
#define SG17_MLDSA65_SECRETKEY_BYTES 4032
#define SG17_MLDSA65_SIGNATURE_BYTES 3309
#define SG17_MLDSA87_PUBLICKEY_BYTES 2592
#define SG17_MLDSA87_SECRETKEY_BYTES 4896
#define SG17_MLDSA87_SIGNATURE_BYTES 4627
#define SG17_MLDSA_MAX_PUBLICKEY_BYTES SG17_MLDSA87_PUBLICKEY_BYTES
#define SG17_MLDSA_MAX_SECRETKEY_BYTES SG17_MLDSA87_SECRETKEY_BYTES
#define SG17_MLDSA_MAX_SIGNATURE_BYTES SG17_MLDSA87_SIGNATURE_BYTES
/** Seed-format private key xi (FIPS 204 Alg. 1 line 1). */
#define SG17_MLDSA_SEED_BYTES 32
/** Per-signature randomness rnd (Alg. 2 line 5). */
#define SG17_MLDSA_RND_BYTES 32
/** The message representative mu (Alg. 7 line 6). */
#define SG17_MLDSA_MU_BYTES 64
/** Longest context string (Alg. 2 line 1). */
#define SG17_MLDSA_MAX_CONTEXT_BYTES 255

/** Sign flag: deterministic variant, rnd = {0}^32 (FIPS 204 §3.4). Default is hedged. */
#define SG17_MLDSA_DETERMINISTIC 1u

/** Public key / expanded private key / signature length of a set; 0 if unknown. */
SG17_API size_t sg17_mldsa_publickey_bytes(sg17_mldsa_param param);
SG17_API size_t sg17_mldsa_secretkey_bytes(sg17_mldsa_param param);
SG17_API size_t sg17_mldsa_signature_bytes(sg17_mldsa_param param);

/**
 * ML-DSA.KeyGen_internal (FIPS 204 Alg. 6): derive the key pair from the
 * 32-byte seed xi. Also the way a seed-format private key is expanded.
 * @param pk  out, sg17_mldsa_publickey_bytes(param) bytes (pkEncode, Alg. 22)
 * @param sk  out, sg17_mldsa_secretkey_bytes(param) bytes (skEncode, Alg. 24)
 * @return 0, SG17_E_INVAL (unknown param / NULL)
 */
SG17_API SG17_MUST_CHECK int sg17_mldsa_keygen_from_seed(sg17_mldsa_param param,
                                                         const uint8_t seed[32], uint8_t *pk,
                                                         uint8_t *sk);

/**
 * ML-DSA.KeyGen (FIPS 204 Alg. 1): fresh xi from sg17_randombytes, then Alg. 6.
 * @param seed_out if not NULL, receives xi (the seed-format private key)
 * @return 0, SG17_E_INVAL, SG17_E_RNG
 */
SG17_API SG17_MUST_CHECK int sg17_mldsa_keygen(sg17_mldsa_param param, uint8_t *pk, uint8_t *sk,
                                               uint8_t seed_out[32]);

/**
 * ML-DSA.Sign (FIPS 204 Alg. 2): M' = 0 || |ctx| || ctx || M.
 * Hedged (rnd from sg17_randombytes) unless flags has SG17_MLDSA_DETERMINISTIC.
 * @param sig  out, sg17_mldsa_signature_bytes(param) bytes (sigEncode, Alg. 26)
 * @param sk   expanded private key (skEncode)
 * @param ctx  context string, ctx_len <= 255 (ctx may be NULL if ctx_len is 0)
 * @return 0, SG17_E_INVAL (bad param, ctx_len > 255), SG17_E_FORMAT (sk with
 *         out-of-range s1/s2), SG17_E_RNG, SG17_E_LIMIT (rejection loop bound,
 *         FIPS 204 App. C: 814 iterations; practically never)
 */
SG17_API SG17_MUST_CHECK int sg17_mldsa_sign(sg17_mldsa_param param, uint8_t *sig,
                                             const uint8_t *sk, const uint8_t *msg, size_t msg_len,
                                             const uint8_t *ctx, size_t ctx_len, unsigned flags);

/** As sg17_mldsa_sign with a seed-format private key xi (expanded via Alg. 6, then wiped). */
SG17_API SG17_MUST_CHECK int sg17_mldsa_sign_seed(sg17_mldsa_param param, uint8_t *sig,
                                                  const uint8_t seed[32], const uint8_t *msg,
                                                  size_t msg_len, const uint8_t *ctx,
                                                  size_t ctx_len, unsigned flags);

/**
 * ML-DSA.Verify (FIPS 204 Alg. 3).
 * @return 0 valid; SG17_E_VERIFY invalid; SG17_E_FORMAT wrong sig/pk length
 *         or malformed hint; SG17_E_INVAL bad param or ctx_len > 255
 */
SG17_API SG17_MUST_CHECK int sg17_mldsa_verify(sg17_mldsa_param param, const uint8_t *sig,
                                               size_t sig_len, const uint8_t *pk, size_t pk_len,
                                               const uint8_t *msg, size_t msg_len,
                                               const uint8_t *ctx, size_t ctx_len);

/**
 * HashML-DSA.Sign (FIPS 204 Alg. 4): M' = 1 || |ctx| || ctx || OID(ph) || PH(M)
 * for ph any of SHA2-224/256/384/512, SHA2-512/224, SHA2-512/256,
 * SHA3-224/256/384/512, SHAKE128 (256-bit output), SHAKE256 (512-bit output).
 * Weaker-than-category hashes are accepted (FIPS 204 §5.4 only recommends).
 * @return as sg17_mldsa_sign; SG17_E_UNSUPPORTED for another ph
 */
SG17_API SG17_MUST_CHECK int sg17_mldsa_hash_sign(sg17_mldsa_param param, uint8_t *sig,
                                                  const uint8_t *sk, sg17_hash_alg ph,
                                                  const uint8_t *msg, size_t msg_len,
                                                  const uint8_t *ctx, size_t ctx_len,
                                                  unsigned flags);

/** HashML-DSA.Verify (FIPS 204 Alg. 5). Returns as sg17_mldsa_verify. */
SG17_API SG17_MUST_CHECK int sg17_mldsa_hash_verify(sg17_mldsa_param param, const uint8_t *sig,
                                                    size_t sig_len, const uint8_t *pk,
                                                    size_t pk_len, sg17_hash_alg ph,
                                                    const uint8_t *msg, size_t msg_len,
                                                    const uint8_t *ctx, size_t ctx_len);

/**
 * HashML-DSA.Sign (FIPS 204 Alg. 4) given PH(M) computed by the caller (e.g.
 * streamed over a large file): digest_len must equal the length of ph's
 * output (sg17_mldsa_prehash_oid), else SG17_E_INVAL.
 */
SG17_API SG17_MUST_CHECK int sg17_mldsa_hash_sign_digest(sg17_mldsa_param param, uint8_t *sig,
                                                         const uint8_t *sk, sg17_hash_alg ph,
                                                         const uint8_t *digest,
                                                         size_t digest_len, const uint8_t *ctx,
                                                         size_t ctx_len, unsigned flags);

/** HashML-DSA.Verify (FIPS 204 Alg. 5) given PH(M); returns as sg17_mldsa_hash_verify. */
SG17_API SG17_MUST_CHECK int sg17_mldsa_hash_verify_digest(sg17_mldsa_param param,
                                                           const uint8_t *sig, size_t sig_len,
                                                           const uint8_t *pk, size_t pk_len,
                                                           sg17_hash_alg ph,
                                                           const uint8_t *digest,
                                                           size_t digest_len,
                                                           const uint8_t *ctx, size_t ctx_len);

/**
 * ML-DSA.Sign_internal (FIPS 204 Alg. 7) on an already formatted M'.
 * @param rnd 32 bytes; NULL draws fresh randomness (hedged). Pass 32 zero
 *            bytes for the deterministic variant.
 */
SG17_API SG17_MUST_CHECK int sg17_mldsa_sign_internal(sg17_mldsa_param param, uint8_t *sig,
                                                      const uint8_t *sk, const uint8_t *mprime,
                                                      size_t mprime_len, const uint8_t rnd[32]);

/** ML-DSA.Verify_internal (FIPS 204 Alg. 8) on M'. Returns as sg17_mldsa_verify. */
SG17_API SG17_MUST_CHECK int sg17_mldsa_verify_internal(sg17_mldsa_param param,
                                                        const uint8_t *sig, size_t sig_len,
                                                        const uint8_t *pk, size_t pk_len,
                                                        const uint8_t *mprime,
                                                        size_t mprime_len);

/**
 * External mu: mu = H(H(pk, 64) || M', 64) (FIPS 204 Alg. 7 line 6, Alg. 8
 * line 7) with M' = 0 || |ctx| || ctx || M, so a signer holding only sk can
 * sign with sg17_mldsa_sign_mu without seeing M.
 * @return 0, SG17_E_INVAL (param, ctx_len > 255), SG17_E_FORMAT (pk length)
 */
SG17_API SG17_MUST_CHECK int sg17_mldsa_compute_mu(sg17_mldsa_param param, const uint8_t *pk,
                                                   size_t pk_len, const uint8_t *msg,
                                                   size_t msg_len, const uint8_t *ctx,
                                                   size_t ctx_len, uint8_t mu[64]);

/** Alg. 7 from line 7 on, given mu (external-mu signing). rnd as in sg17_mldsa_sign_internal. */
SG17_API SG17_MUST_CHECK int sg17_mldsa_sign_mu(sg17_mldsa_param param, uint8_t *sig,
                                                const uint8_t *sk, const uint8_t mu[64],
                                                const uint8_t rnd[32]);

/** Alg. 8 given mu (external-mu verification). Returns as sg17_mldsa_verify. */
SG17_API SG17_MUST_CHECK int sg17_mldsa_verify_mu(sg17_mldsa_param param, const uint8_t *sig,
                                                  size_t sig_len, const uint8_t *pk,
                                                  size_t pk_len, const uint8_t mu[64]);

/**
 * DER encoding of the pre-hash OID of FIPS 204 §5.4.1 (06 09 60 86 48 01 65
 * 03 04 02 xx, 11 bytes) and the digest length used for ph.
 * @return 0, SG17_E_UNSUPPORTED
 */
SG17_API SG17_MUST_CHECK int sg17_mldsa_prehash_oid(sg17_hash_alg ph, uint8_t oid[11],
                                                    size_t *digest_len);

#ifdef __cplusplus
}
#endif
#endif
