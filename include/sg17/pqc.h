/*
 * sg17/pqc.h - algorithm-agile keys, signatures and KEMs over every X.1811
 * family sg17 implements: ML-KEM (FIPS 203), ML-DSA (FIPS 204), SLH-DSA
 * (FIPS 205), LMS/HSS (RFC 8554, SP 800-208), X-Wing, the ML-DSA-65+Ed25519
 * composite, and the classical Ed25519 and ECDSA P-256 (OpenSSL).
 *
 * Key files (docs/KEYS.md): a private key is PEM "PRIVATE KEY" (PKCS#8,
 * RFC 5958) written 0600, except LMS/HSS whose private key is the stateful
 * key file of sg17/lms.h; a public key is PEM "PUBLIC KEY"
 * (SubjectPublicKeyInfo) with the NIST/IETF OID of the algorithm.
 */
#ifndef SG17_PQC_H
#define SG17_PQC_H

#include "sg17/common.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum sg17_pqc_kind {
    SG17_PQC_KEM = 1,
    SG17_PQC_SIG = 2,
} sg17_pqc_kind;

/** Flags for sg17_pqc_sign. */
#define SG17_PQC_DETERMINISTIC 1u /**< ML-DSA/SLH-DSA deterministic variant */

typedef struct sg17_pqc_key sg17_pqc_key;

/** Number of algorithm names; name(i) for i < count (for --help and tests). */
SG17_API size_t sg17_pqc_alg_count(void);
SG17_API const char *sg17_pqc_alg_name(size_t i);

/**
 * Generate a key pair of algorithm `alg` (e.g. "ml-dsa-65", "ml-kem-768",
 * "slh-dsa-sha2-128f", "lms-sha256-h10-w4", "hss-sha256-h10-w4-h5-w8",
 * "x-wing", "ml-dsa-65+ed25519", "ed25519", "p256") and write the private key
 * to key_path (0600, atomically; refuses to overwrite) and the public key to
 * key_path + ".pub".
 * @return 0, SG17_E_UNSUPPORTED (unknown alg), SG17_E_EXISTS, SG17_E_IO, ...
 */
SG17_API SG17_MUST_CHECK int sg17_pqc_keygen_file(const char *alg, const char *key_path);

/**
 * Generate an in-memory key pair (not for the stateful LMS/HSS, which need a
 * key file: use sg17_pqc_keygen_file). Free with sg17_pqc_key_free.
 */
SG17_API SG17_MUST_CHECK int sg17_pqc_keygen(const char *alg, sg17_pqc_key **out);

/** Load a private or public key file (format detected). */
SG17_API SG17_MUST_CHECK int sg17_pqc_key_load(const char *path, sg17_pqc_key **out);
SG17_API void sg17_pqc_key_free(sg17_pqc_key *k);
SG17_API const char *sg17_pqc_key_alg(const sg17_pqc_key *k);
SG17_API sg17_pqc_kind sg17_pqc_key_kind(const sg17_pqc_key *k);
SG17_API int sg17_pqc_key_is_private(const sg17_pqc_key *k);
/** The raw public key (algorithm encoding); pointer valid while k lives. */
SG17_API const uint8_t *sg17_pqc_key_public(const sg17_pqc_key *k, size_t *len);

/**
 * Sign msg with a private signature key; ctx (≤ 255 bytes) is the FIPS 204/205
 * context string (must be empty for algorithms without one). For LMS/HSS the
 * key file's index is persisted before the signature is returned.
 * *sig is malloc'd.
 */
SG17_API SG17_MUST_CHECK int sg17_pqc_sign(sg17_pqc_key *k, const uint8_t *msg, size_t len,
                                           const uint8_t *ctx, size_t ctx_len, unsigned flags,
                                           uint8_t **sig, size_t *sig_len);
/** Verify: 0 valid, SG17_E_VERIFY invalid, SG17_E_FORMAT malformed. */
SG17_API SG17_MUST_CHECK int sg17_pqc_verify(const sg17_pqc_key *k, const uint8_t *msg,
                                             size_t len, const uint8_t *ctx, size_t ctx_len,
                                             const uint8_t *sig, size_t sig_len);
/** KEM encapsulation to a public (or private) KEM key; *ct is malloc'd. */
SG17_API SG17_MUST_CHECK int sg17_pqc_encaps(const sg17_pqc_key *k, uint8_t **ct, size_t *ct_len,
                                             uint8_t ss[32]);
/** KEM decapsulation with a private KEM key. */
SG17_API SG17_MUST_CHECK int sg17_pqc_decaps(const sg17_pqc_key *k, const uint8_t *ct,
                                             size_t ct_len, uint8_t ss[32]);

#ifdef __cplusplus
}
#endif
#endif
