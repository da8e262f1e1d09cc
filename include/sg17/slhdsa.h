/*
 * sg17/slhdsa.h - SLH-DSA, the stateless hash-based signature standard
 * (FIPS 205, August 2024), all twelve approved parameter sets (FIPS 205
 * Table 2): SHA2 and SHAKE, 128s/128f/192s/192f/256s/256f.
 *
 * Key and signature sizes are fixed per parameter set; query them with
 * sg17_slhdsa_pk_bytes() / _sk_bytes() / _sig_bytes() or use the MAX
 * constants for static buffers. Keys use the FIPS 205 encodings:
 * sk = SK.seed || SK.prf || PK.seed || PK.root, pk = PK.seed || PK.root.
 */
#ifndef SG17_SLHDSA_H
#define SG17_SLHDSA_H

#include "sg17/common.h"
#include "sg17/crypto.h"

#ifdef __cplusplus
extern "C" {
#endif

/** The FIPS 205 Table 2 parameter sets. */
typedef enum sg17_slhdsa_param {
    SG17_SLHDSA_SHA2_128S = 0,
    SG17_SLHDSA_SHA2_128F,
    SG17_SLHDSA_SHA2_192S,
    SG17_SLHDSA_SHA2_192F,
    SG17_SLHDSA_SHA2_256S,
    SG17_SLHDSA_SHA2_256F,
    SG17_SLHDSA_SHAKE_128S,
    SG17_SLHDSA_SHAKE_128F,
    SG17_SLHDSA_SHAKE_192S,
    SG17_SLHDSA_SHAKE_192F,
    SG17_SLHDSA_SHAKE_256S,
    SG17_SLHDSA_SHAKE_256F,
    SG17_SLHDSA_PARAM_COUNT
} sg17_slhdsa_param;

/* Sizes in bytes (FIPS 205 Table 2). n = 16 / 24 / 32 for 128 / 192 / 256. */
#define SG17_SLHDSA_128_PK_BYTES   32
#define SG17_SLHDSA_128_SK_BYTES   64
#define SG17_SLHDSA_192_PK_BYTES   48
#define SG17_SLHDSA_192_SK_BYTES   96
#define SG17_SLHDSA_256_PK_BYTES   64
#define SG17_SLHDSA_256_SK_BYTES   128
#define SG17_SLHDSA_128S_SIG_BYTES 7856
#define SG17_SLHDSA_128F_SIG_BYTES 17088
#define SG17_SLHDSA_192S_SIG_BYTES 16224
#define SG17_SLHDSA_192F_SIG_BYTES 35664
#define SG17_SLHDSA_256S_SIG_BYTES 29792
#define SG17_SLHDSA_256F_SIG_BYTES 49856
#define SG17_SLHDSA_MAX_N          32
#define SG17_SLHDSA_MAX_PK_BYTES   64
#define SG17_SLHDSA_MAX_SK_BYTES   128
#define SG17_SLHDSA_MAX_SIG_BYTES  49856
/** Longest context string (FIPS 205 §10.2). */
#define SG17_SLHDSA_MAX_CTX_BYTES 255

/** Security parameter n of a set (16, 24 or 32); 0 for an invalid set. */
SG17_API size_t sg17_slhdsa_n_bytes(sg17_slhdsa_param p);
/** Public key length 2n; 0 for an invalid set. */
SG17_API size_t sg17_slhdsa_pk_bytes(sg17_slhdsa_param p);
/** Secret key length 4n; 0 for an invalid set. */
SG17_API size_t sg17_slhdsa_sk_bytes(sg17_slhdsa_param p);
/** Signature length (FIPS 205 Table 2); 0 for an invalid set. */
SG17_API size_t sg17_slhdsa_sig_bytes(sg17_slhdsa_param p);
/** The set's name as in FIPS 205, e.g. "SLH-DSA-SHA2-128s"; NULL if invalid. */
SG17_API const char *sg17_slhdsa_name(sg17_slhdsa_param p);
/** Look up a set by name ("SLH-DSA-SHAKE-256f"); SG17_E_NOTFOUND if unknown. */
SG17_API SG17_MUST_CHECK int sg17_slhdsa_from_name(const char *name, sg17_slhdsa_param *out);

/**
 * Key generation from a fresh random SK.seed, SK.prf and PK.seed drawn with
 * sg17_randombytes (FIPS 205 Alg. 21, slh_keygen).
 * @param pk  out, sg17_slhdsa_pk_bytes(p) bytes
 * @param sk  out, sg17_slhdsa_sk_bytes(p) bytes
 * @return 0; SG17_E_INVAL (bad set / NULL); SG17_E_RNG. On error pk/sk are zeroed.
 */
SG17_API SG17_MUST_CHECK int sg17_slhdsa_keygen(sg17_slhdsa_param p, uint8_t *pk, uint8_t *sk);

/**
 * Deterministic key generation from given seeds (FIPS 205 Alg. 18,
 * slh_keygen_internal). Each seed is n bytes.
 * @return 0 or SG17_E_INVAL.
 */
SG17_API SG17_MUST_CHECK int
sg17_slhdsa_keygen_internal(sg17_slhdsa_param p, const uint8_t *sk_seed, const uint8_t *sk_prf,
                            const uint8_t *pk_seed, uint8_t *pk, uint8_t *sk);

/**
 * Pure SLH-DSA signature, hedged: opt_rand is n fresh bytes from
 * sg17_randombytes (FIPS 205 Alg. 22, slh_sign, with M' = 0 || |ctx| || ctx || M).
 * @param sig      out buffer of exactly sig_len == sg17_slhdsa_sig_bytes(p) bytes
 * @param ctx      context string, ctx_len <= 255 (may be NULL when ctx_len is 0)
 * The SHA2 sets compute PRF_msg with the one-shot sg17_hmac, so they copy
 * opt_rand || M' once into a heap buffer (the SHAKE sets hash in place).
 * Stack use is about 14 KB; keys and intermediate secrets are wiped.
 * @return 0; SG17_E_INVAL (bad set, length or ctx too long); SG17_E_RNG;
 *         SG17_E_NOMEM; SG17_E_LIMIT (message length overflows size_t);
 *         SG17_E_CRYPTO. On error sig is zeroed.
 */
SG17_API SG17_MUST_CHECK int sg17_slhdsa_sign(sg17_slhdsa_param p, uint8_t *sig, size_t sig_len,
                                              const uint8_t *msg, size_t msg_len,
                                              const uint8_t *ctx, size_t ctx_len,
                                              const uint8_t *sk);

/** As sg17_slhdsa_sign, deterministic variant: opt_rand = PK.seed (FIPS 205 Alg. 22/19). */
SG17_API SG17_MUST_CHECK int sg17_slhdsa_sign_deterministic(sg17_slhdsa_param p, uint8_t *sig,
                                                            size_t sig_len, const uint8_t *msg,
                                                            size_t msg_len, const uint8_t *ctx,
                                                            size_t ctx_len, const uint8_t *sk);

/**
 * Pure SLH-DSA verification (FIPS 205 Alg. 24, slh_verify).
 * @return 0 if valid; SG17_E_VERIFY if the signature does not verify;
 *         SG17_E_FORMAT if sig_len is not the set's signature length;
 *         SG17_E_INVAL for a bad set, ctx_len > 255 or NULL pointers.
 */
SG17_API SG17_MUST_CHECK int sg17_slhdsa_verify(sg17_slhdsa_param p, const uint8_t *sig,
                                                size_t sig_len, const uint8_t *msg, size_t msg_len,
                                                const uint8_t *ctx, size_t ctx_len,
                                                const uint8_t *pk);

/**
 * HashSLH-DSA pre-hash signature, hedged (FIPS 205 Alg. 23, hash_slh_sign):
 * M' = 1 || |ctx| || ctx || OID(ph) || PH(msg). ph is one of the FIPS 205
 * §10.2.2 functions: SHA2-224/256/384/512, SHA2-512/224, SHA2-512/256,
 * SHA3-224/256/384/512, SHAKE128 (256-bit output), SHAKE256 (512-bit output).
 * A hash weaker than the set is accepted (FIPS 205 only recommends matching
 * strength). Returns as sg17_slhdsa_sign; SG17_E_UNSUPPORTED for another ph.
 */
SG17_API SG17_MUST_CHECK int sg17_slhdsa_hash_sign(sg17_slhdsa_param p, sg17_hash_alg ph,
                                                   uint8_t *sig, size_t sig_len, const uint8_t *msg,
                                                   size_t msg_len, const uint8_t *ctx,
                                                   size_t ctx_len, const uint8_t *sk);

/** Deterministic HashSLH-DSA signature (FIPS 205 Alg. 23 with opt_rand = PK.seed). */
SG17_API SG17_MUST_CHECK int sg17_slhdsa_hash_sign_deterministic(sg17_slhdsa_param p,
                                                                 sg17_hash_alg ph, uint8_t *sig,
                                                                 size_t sig_len, const uint8_t *msg,
                                                                 size_t msg_len, const uint8_t *ctx,
                                                                 size_t ctx_len, const uint8_t *sk);

/** HashSLH-DSA verification (FIPS 205 Alg. 25); returns as sg17_slhdsa_verify. */
SG17_API SG17_MUST_CHECK int sg17_slhdsa_hash_verify(sg17_slhdsa_param p, sg17_hash_alg ph,
                                                     const uint8_t *sig, size_t sig_len,
                                                     const uint8_t *msg, size_t msg_len,
                                                     const uint8_t *ctx, size_t ctx_len,
                                                     const uint8_t *pk);

/**
 * Internal signing on an already-encoded message M (FIPS 205 Alg. 19,
 * slh_sign_internal). addrnd: n bytes of additional randomness, or NULL for
 * the deterministic variant (opt_rand = PK.seed). For testing and for
 * protocols that define their own message encoding.
 */
SG17_API SG17_MUST_CHECK int sg17_slhdsa_sign_internal(sg17_slhdsa_param p, uint8_t *sig,
                                                       size_t sig_len, const uint8_t *m,
                                                       size_t m_len, const uint8_t *addrnd,
                                                       const uint8_t *sk);

/** Internal verification (FIPS 205 Alg. 20, slh_verify_internal); returns as sg17_slhdsa_verify. */
SG17_API SG17_MUST_CHECK int sg17_slhdsa_verify_internal(sg17_slhdsa_param p, const uint8_t *sig,
                                                         size_t sig_len, const uint8_t *m,
                                                         size_t m_len, const uint8_t *pk);

#ifdef __cplusplus
}
#endif
#endif /* SG17_SLHDSA_H */
