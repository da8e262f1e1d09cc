/*
 * sg17/crypto.h - classical primitives over OpenSSL libcrypto 3.0:
 * SHA-2, HMAC, HKDF, ANSI X9.63 KDF, AES (CTR, GCM, key wrap), X25519,
 * P-256 ECDH/ECDSA, Ed25519 and the random number source.
 * Nothing here is hand-rolled; every function is a thin checked wrapper.
 */
#ifndef SG17_CRYPTO_H
#define SG17_CRYPTO_H

#include "sg17/common.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- hashes ---------------------------------------------------------- */
typedef enum sg17_hash_alg {
    SG17_HASH_SHA224 = 1,
    SG17_HASH_SHA256,
    SG17_HASH_SHA384,
    SG17_HASH_SHA512,
    SG17_HASH_SHA512_224,
    SG17_HASH_SHA512_256,
    SG17_HASH_SHA3_224,
    SG17_HASH_SHA3_256,
    SG17_HASH_SHA3_384,
    SG17_HASH_SHA3_512,
    SG17_HASH_SHAKE128, /**< 256-bit output where a fixed length is needed */
    SG17_HASH_SHAKE256, /**< 512-bit output where a fixed length is needed */
} sg17_hash_alg;

/** Largest sg17_hash_len() of any algorithm (SHA-512, SHA3-512, SHAKE256). */
#define SG17_HASH_MAX_BYTES 64

/** Digest length in bytes of alg (SHAKE: the FIPS 204/205 pre-hash length), 0 if unknown. */
SG17_API size_t sg17_hash_len(sg17_hash_alg alg);

/**
 * One-shot digest of any sg17_hash_alg (FIPS 180-4, FIPS 202); out must hold
 * sg17_hash_len(alg) bytes. in may be NULL when len is 0.
 * Returns 0, SG17_E_UNSUPPORTED (unknown alg), SG17_E_INVAL or SG17_E_CRYPTO.
 */
SG17_API SG17_MUST_CHECK int sg17_hash(sg17_hash_alg alg, const uint8_t *in, size_t len,
                                       uint8_t *out);

/** One-shot SHA-256 / SHA-384 / SHA-512 (FIPS 180-4 §6.2, §6.5, §6.4); cannot fail. */
SG17_API void sg17_sha256(uint8_t out[32], const uint8_t *in, size_t len);
SG17_API void sg17_sha384(uint8_t out[48], const uint8_t *in, size_t len);
SG17_API void sg17_sha512(uint8_t out[64], const uint8_t *in, size_t len);

/**
 * Incremental SHA-256 whose state can be copied by value (midstate reuse
 * for LMS and SLH-DSA). Opaque storage large enough for OpenSSL's SHA256_CTX
 * (checked by a _Static_assert). init/update/final cannot fail; after final
 * the context must be re-initialised (or overwritten by a saved copy).
 */
typedef struct sg17_sha256_ctx {
    uint64_t opaque[16];
} sg17_sha256_ctx;
SG17_API void sg17_sha256_init(sg17_sha256_ctx *c);
SG17_API void sg17_sha256_update(sg17_sha256_ctx *c, const uint8_t *in, size_t len);
SG17_API void sg17_sha256_final(sg17_sha256_ctx *c, uint8_t out[32]);

typedef struct sg17_sha512_ctx {
    uint64_t opaque[28];
} sg17_sha512_ctx;
SG17_API void sg17_sha512_init(sg17_sha512_ctx *c);
SG17_API void sg17_sha512_update(sg17_sha512_ctx *c, const uint8_t *in, size_t len);
SG17_API void sg17_sha512_final(sg17_sha512_ctx *c, uint8_t out[64]);

/* ---- MACs and KDFs ---------------------------------------------------- */
/**
 * HMAC (RFC 2104, FIPS 198-1) with a fixed-length SHA-2 or SHA-3 digest (in
 * practice SHA-256/384/512); out holds sg17_hash_len(alg) bytes.
 * SG17_E_UNSUPPORTED for SHAKE or an unknown alg.
 */
SG17_API SG17_MUST_CHECK int sg17_hmac(sg17_hash_alg alg, const uint8_t *key, size_t key_len,
                                       const uint8_t *msg, size_t msg_len, uint8_t *out);
/**
 * Incremental HMAC (RFC 2104, FIPS 198-1), e.g. for SLH-DSA's
 * PRF_msg(SK.prf, opt_rand, M) = HMAC(SK.prf, opt_rand || M) (FIPS 205
 * §11.2.2) without concatenating the message. The state lives in OpenSSL
 * (an EVP_MAC_CTX); the struct is a handle and must NOT be copied by value:
 * sg17_hmac_copy duplicates the state (e.g. keyed once, then one copy per
 * message). Usage: init, update*, final (which also frees the state); call
 * sg17_hmac_ctx_free to abandon a context without final (NULL-safe, and safe
 * on a context already finalised or whose init failed). Same digests as
 * sg17_hmac; out of final holds sg17_hash_len(alg) bytes (zeroed on failure).
 */
typedef struct sg17_hmac_ctx {
    void *impl;     /**< private: the OpenSSL state */
    size_t out_len; /**< private: tag length */
} sg17_hmac_ctx;
/** SG17_E_UNSUPPORTED for SHAKE or an unknown alg; key may be NULL when key_len is 0. */
SG17_API SG17_MUST_CHECK int sg17_hmac_init(sg17_hmac_ctx *c, sg17_hash_alg alg, const uint8_t *key,
                                            size_t key_len);
SG17_API SG17_MUST_CHECK int sg17_hmac_update(sg17_hmac_ctx *c, const uint8_t *in, size_t len);
SG17_API SG17_MUST_CHECK int sg17_hmac_final(sg17_hmac_ctx *c, uint8_t *out);
/** dst becomes an independent copy of src's current state (dst must not hold a live state). */
SG17_API SG17_MUST_CHECK int sg17_hmac_copy(sg17_hmac_ctx *dst, const sg17_hmac_ctx *src);
SG17_API void sg17_hmac_ctx_free(sg17_hmac_ctx *c);

/**
 * HKDF (RFC 5869 §2.2 extract + §2.3 expand). salt may be empty (then
 * HashLen zero bytes), ikm may be empty. SG17_E_LIMIT if out_len > 255*HashLen.
 */
SG17_API SG17_MUST_CHECK int sg17_hkdf(sg17_hash_alg alg, const uint8_t *salt, size_t salt_len,
                                       const uint8_t *ikm, size_t ikm_len, const uint8_t *info,
                                       size_t info_len, uint8_t *out, size_t out_len);
/**
 * ANSI X9.63 KDF (SEC 1 v2 §3.6.1): K_i = Hash(Z || Counter32_BE(i) || SharedInfo),
 * i from 1, output truncated to out_len. TS 33.501 Annex C.3.4 uses SHA-256.
 * z must be non-empty.
 */
SG17_API SG17_MUST_CHECK int sg17_x963_kdf(sg17_hash_alg alg, const uint8_t *z, size_t z_len,
                                           const uint8_t *shared_info, size_t info_len,
                                           uint8_t *out, size_t out_len);

/**
 * PBKDF2 (RFC 8018 §5.2) with HMAC over alg, for password verifiers.
 * iterations 1..2^31-1; pass and salt up to INT_MAX bytes; out_len >= 1.
 */
SG17_API SG17_MUST_CHECK int sg17_pbkdf2(sg17_hash_alg alg, const uint8_t *pass, size_t pass_len,
                                         const uint8_t *salt, size_t salt_len, unsigned iterations,
                                         uint8_t *out, size_t out_len);

/* ---- AES --------------------------------------------------------------- */
/**
 * AES-CTR (SP 800-38A §6.5; key 16 or 32 bytes, 16-byte initial counter
 * block incremented as a 128-bit big-endian integer, as OpenSSL does; this
 * equals the SP 800-38A B.1 m-bit increment unless the low m bits of the
 * counter wrap within the message); in-place allowed.
 * Encryption and decryption are the same operation.
 */
SG17_API SG17_MUST_CHECK int sg17_aes_ctr(const uint8_t *key, size_t key_len, const uint8_t iv[16],
                                          const uint8_t *in, size_t len, uint8_t *out);
/**
 * AES-GCM seal (SP 800-38D; key 16, 24 or 32 bytes; IV 1..1024 bytes, 12
 * recommended): out = ciphertext (len bytes), tag (16 bytes). In-place allowed.
 */
SG17_API SG17_MUST_CHECK int sg17_aes_gcm_seal(const uint8_t *key, size_t key_len,
                                               const uint8_t *iv, size_t iv_len, const uint8_t *aad,
                                               size_t aad_len, const uint8_t *in, size_t len,
                                               uint8_t *out, uint8_t tag[16]);
/** AES-GCM open (SP 800-38D); SG17_E_VERIFY on a bad tag (out is wiped). */
SG17_API SG17_MUST_CHECK int sg17_aes_gcm_open(const uint8_t *key, size_t key_len,
                                               const uint8_t *iv, size_t iv_len, const uint8_t *aad,
                                               size_t aad_len, const uint8_t *in, size_t len,
                                               const uint8_t tag[16], uint8_t *out);
/** AES key wrap (RFC 3394 §2.2.1, SP 800-38F KW; KEK 16/24/32 bytes; in_len a
 *  multiple of 8, at least 16). out_len = in_len + 8. */
SG17_API SG17_MUST_CHECK int sg17_aes_kw_wrap(const uint8_t *kek, size_t kek_len, const uint8_t *in,
                                              size_t in_len, uint8_t *out);
/** AES key unwrap (RFC 3394 §2.2.2). out_len = in_len - 8; SG17_E_FORMAT for a bad
 *  length, SG17_E_VERIFY on integrity failure (out is wiped). */
SG17_API SG17_MUST_CHECK int sg17_aes_kw_unwrap(const uint8_t *kek, size_t kek_len,
                                                const uint8_t *in, size_t in_len, uint8_t *out);

/* ---- randomness -------------------------------------------------------- */
/** Fill out with len bytes from the CSPRNG (OpenSSL RAND_bytes, or the test source). */
SG17_API SG17_MUST_CHECK int sg17_randombytes(uint8_t *out, size_t len);
/** A deterministic source for tests: fn(ctx, out, len) returns 0 on success. */
typedef int (*sg17_rng_fn)(void *ctx, uint8_t *out, size_t len);
/** Replace the RNG (NULL restores OpenSSL). Not thread-safe; tests only. */
SG17_API void sg17_rng_set_source(sg17_rng_fn fn, void *ctx);

/* ---- X25519 (RFC 7748) ------------------------------------------------- */
/** X25519 key pair (RFC 7748 §6.1): sk is 32 bytes from sg17_randombytes, pk = X25519(sk, 9). */
SG17_API SG17_MUST_CHECK int sg17_x25519_keygen(uint8_t sk[32], uint8_t pk[32]);
/** pk = X25519(sk, 9) (RFC 7748 §6.1). */
SG17_API SG17_MUST_CHECK int sg17_x25519_public(uint8_t pk[32], const uint8_t sk[32]);
/** shared = X25519(sk, peer) (RFC 7748 §5); SG17_E_VERIFY if the result is all-zero
 *  (small-order peer, the §6.1 check); shared is then zeroed. */
SG17_API SG17_MUST_CHECK int sg17_x25519(uint8_t shared[32], const uint8_t sk[32],
                                         const uint8_t peer[32]);

/**
 * A prepared X25519 private key for repeated key agreement with one fixed
 * secret (e.g. the SUCI SIDF's home-network key, TS 33.501 C.3.4.1): the
 * OpenSSL key object is built once instead of per call, and without
 * computing the public key. Immutable after sg17_x25519_key_new, so one
 * key may be used by many threads at once.
 */
typedef struct sg17_x25519_key sg17_x25519_key;
/** Prepare sk (RFC 7748 §5 scalar, 32 bytes; clamped by X25519 itself).
 *  *out is NULL on failure. SG17_E_INVAL, SG17_E_NOMEM or SG17_E_CRYPTO. */
SG17_API SG17_MUST_CHECK int sg17_x25519_key_new(sg17_x25519_key **out, const uint8_t sk[32]);
/** shared = X25519(sk, peer) (RFC 7748 §5), same results and errors as sg17_x25519:
 *  SG17_E_VERIFY (shared zeroed) for an all-zero result (§6.1, small-order peer). */
SG17_API SG17_MUST_CHECK int sg17_x25519_key_derive(const sg17_x25519_key *key, uint8_t shared[32],
                                                    const uint8_t peer[32]);
/** Free a prepared key; the private key is wiped. NULL is allowed. */
SG17_API void sg17_x25519_key_free(sg17_x25519_key *key);

/* ---- P-256 (SEC 1, FIPS 186-5) ----------------------------------------- */
/**
 * Key pair: 32-byte big-endian scalar d in [1, n-1] (FIPS 186-5 A.4.2
 * rejection sampling over sg17_randombytes) and the 65-byte uncompressed
 * point (04||X||Y, SEC 1 §2.3.3).
 */
SG17_API SG17_MUST_CHECK int sg17_p256_keygen(uint8_t sk[32], uint8_t pk[65]);
/** pk = d*G uncompressed; SG17_E_FORMAT if sk is 0 or >= n. */
SG17_API SG17_MUST_CHECK int sg17_p256_public(uint8_t pk[65], const uint8_t sk[32]);
/**
 * Compress 04||X||Y to 02/03||X, or decompress (SEC 1 §2.3.3/§2.3.4). Both
 * validate the point (coordinates < p, on the curve, not infinity):
 * SG17_E_FORMAT otherwise, also for the X9.62 hybrid forms 06/07.
 */
SG17_API SG17_MUST_CHECK int sg17_p256_compress(uint8_t out[33], const uint8_t pk[65]);
SG17_API SG17_MUST_CHECK int sg17_p256_decompress(uint8_t out[65], const uint8_t pk[33]);
/** ECDH (SEC 1 §3.3.1): shared X coordinate; peer is 33 (compressed) or 65 bytes;
 *  invalid points → SG17_E_FORMAT; sk 0 or >= n → SG17_E_FORMAT. */
SG17_API SG17_MUST_CHECK int sg17_p256_ecdh(uint8_t shared[32], const uint8_t sk[32],
                                            const uint8_t *peer, size_t peer_len);

/**
 * A prepared P-256 private key for repeated ECDH with one fixed scalar (e.g.
 * the SUCI SIDF's profile B key, TS 33.501 C.3.4.2): the OpenSSL key object
 * is built once. Immutable after sg17_p256_key_new; usable by many threads.
 */
typedef struct sg17_p256_key sg17_p256_key;
/** Prepare sk (32-byte big-endian scalar); SG17_E_FORMAT if it is 0 or >= n.
 *  *out is NULL on failure. */
SG17_API SG17_MUST_CHECK int sg17_p256_key_new(sg17_p256_key **out, const uint8_t sk[32]);
/** ECDH (SEC 1 §3.3.1) exactly as sg17_p256_ecdh: the shared X coordinate; peer 33 or
 *  65 bytes, validated the same way (invalid point → SG17_E_FORMAT, shared zeroed). */
SG17_API SG17_MUST_CHECK int sg17_p256_key_ecdh(const sg17_p256_key *key, uint8_t shared[32],
                                                const uint8_t *peer, size_t peer_len);
/** Free a prepared key; the private scalar is wiped. NULL is allowed. */
SG17_API void sg17_p256_key_free(sg17_p256_key *key);
/**
 * ECDSA-SHA256 (FIPS 186-5 §6.4) with raw r||s (64 bytes, big-endian)
 * signatures; high S is produced and accepted. The per-signature nonce
 * comes from OpenSSL's own DRBG, not from sg17_randombytes (OpenSSL 3.0 has
 * no deterministic RFC 6979 mode), so signatures are not reproducible under
 * a test RNG source. verify: pk 33 or 65 bytes (SG17_E_FORMAT if invalid),
 * SG17_E_VERIFY for a wrong signature, including r or s of 0 or >= n.
 */
SG17_API SG17_MUST_CHECK int sg17_p256_sign(uint8_t sig[64], const uint8_t sk[32],
                                            const uint8_t *msg, size_t len);
SG17_API SG17_MUST_CHECK int sg17_p256_verify(const uint8_t sig[64], const uint8_t *pk,
                                              size_t pk_len, const uint8_t *msg, size_t len);

/* ---- Ed25519 (RFC 8032) ------------------------------------------------ */
/** Ed25519 key pair (RFC 8032 §5.1.5): sk is the 32-byte seed from sg17_randombytes. */
SG17_API SG17_MUST_CHECK int sg17_ed25519_keygen(uint8_t sk[32], uint8_t pk[32]);
/** Public key of a 32-byte seed (RFC 8032 §5.1.5). */
SG17_API SG17_MUST_CHECK int sg17_ed25519_public(uint8_t pk[32], const uint8_t sk[32]);
/** Pure Ed25519 sign / verify (RFC 8032 §5.1.6, §5.1.7); verify returns SG17_E_VERIFY
 *  for a wrong signature. */
SG17_API SG17_MUST_CHECK int sg17_ed25519_sign(uint8_t sig[64], const uint8_t sk[32],
                                               const uint8_t *msg, size_t len);
SG17_API SG17_MUST_CHECK int sg17_ed25519_verify(const uint8_t sig[64], const uint8_t pk[32],
                                                 const uint8_t *msg, size_t len);

#ifdef __cplusplus
}
#endif
#endif
