/*
 * sg17/cose.h - the COSE (RFC 9052) subset SUIT needs: COSE_Sign1 and
 * COSE_Mac0 with a detached payload (RFC 9052 §4.2, §4.4, §6.2, §6.3), the
 * algorithms of the X.1368 profile, and the key types that verify them.
 *
 * Algorithms (IANA "COSE Algorithms"): ES256 (-7) and ESP256 (-9) =
 * ECDSA P-256 with SHA-256, raw r||s (RFC 9053 §2.1); EdDSA (-8) and Ed25519
 * (-19) = pure Ed25519 (RFC 9053 §2.2); HMAC 256/256 (5, RFC 9053 §3.1);
 * HSS-LMS (-46, RFC 9708); ML-DSA-44/65/87 (-48/-49/-50,
 * draft-ietf-cose-dilithium: FIPS 204 ML-DSA.Sign with an empty context
 * string over the ToBeSigned bytes).
 */
#ifndef SG17_COSE_H
#define SG17_COSE_H

#include <stddef.h>
#include <stdint.h>

#include "sg17/buf.h"
#include "sg17/common.h"

#ifdef __cplusplus
extern "C" {
#endif

/* COSE algorithm identifiers used by SUIT (RFC 9053, RFC 9708, drafts). */
#define SG17_COSE_ALG_ES256 (-7)
#define SG17_COSE_ALG_EDDSA (-8)
#define SG17_COSE_ALG_ESP256 (-9)
#define SG17_COSE_ALG_ED25519 (-19)
#define SG17_COSE_ALG_HMAC256 5
#define SG17_COSE_ALG_HSS_LMS (-46)
#define SG17_COSE_ALG_MLDSA44 (-48)
#define SG17_COSE_ALG_MLDSA65 (-49)
#define SG17_COSE_ALG_MLDSA87 (-50)

/* CBOR tags (RFC 9052 §2). */
#define SG17_COSE_TAG_SIGN1 18
#define SG17_COSE_TAG_MAC0 17
#define SG17_COSE_TAG_ENCRYPT 96

/** Largest COSE object this module accepts (an ML-DSA-87 signature is 4627 B,
 *  an HSS signature with 8 levels can be larger). */
#define SG17_COSE_MAX_BYTES ((size_t)64 * 1024)

/** What kind of key a trust anchor is. */
typedef enum sg17_cose_key_type {
    SG17_COSE_KEY_NONE = 0,
    SG17_COSE_KEY_P256 = 1,    /**< public point, 65 (04||X||Y) or 33 bytes */
    SG17_COSE_KEY_ED25519 = 2, /**< 32-byte public key */
    SG17_COSE_KEY_HMAC = 3,    /**< symmetric secret (>= 16 bytes) */
    SG17_COSE_KEY_HSS = 4,     /**< HSS public key (RFC 8554 §6.1, u32str(L) || LMS key) */
    SG17_COSE_KEY_MLDSA44 = 5, /**< FIPS 204 pkEncode */
    SG17_COSE_KEY_MLDSA65 = 6,
    SG17_COSE_KEY_MLDSA87 = 7,
} sg17_cose_key_type;

/** A verification key (borrowed bytes). */
typedef struct sg17_cose_key {
    sg17_cose_key_type type;
    const uint8_t *key;
    size_t key_len;
} sg17_cose_key;

/** 1 if type is a post-quantum signature key (HSS-LMS, ML-DSA), else 0. */
SG17_API int sg17_cose_key_is_pq(sg17_cose_key_type type);

/** Short name of a key type ("p256", "ed25519", "hmac", "hss-lms", "ml-dsa-65", ...). */
SG17_API const char *sg17_cose_key_type_name(sg17_cose_key_type type);

/** Key type named by a key file's algorithm: "p256", "ed25519", "ml-dsa-44",
 * "ml-dsa-65", "ml-dsa-87", any "hss-..." / "lms-..." parameter set, "hmac";
 * SG17_COSE_KEY_NONE for anything else (and NULL). */
SG17_API sg17_cose_key_type sg17_cose_key_type_from_name(const char *alg);

/** Name of a COSE algorithm id ("ES256", "ML-DSA-65", ...) or "unknown". */
SG17_API const char *sg17_cose_alg_name(int64_t alg);

/** 1 if a key of this type may verify alg (e.g. ES256/ESP256 with P-256). */
SG17_API int sg17_cose_alg_matches_key(int64_t alg, sg17_cose_key_type type);

/** Parsed view of a COSE_Sign1 / COSE_Mac0 (detached payload). */
typedef struct sg17_cose_info {
    int is_mac;         /**< 1 for COSE_Mac0, 0 for COSE_Sign1 */
    int tagged;         /**< 1 if the CBOR tag 18/17 was present */
    int64_t alg;        /**< alg from the PROTECTED header (RFC 9052 §3.1) */
    int payload_detached; /**< 1 if the payload is nil */
    size_t sig_len;     /**< signature / tag length */
} sg17_cose_info;

/**
 * Parse a COSE_Sign1 or COSE_Mac0 (tagged or not) without verifying it.
 * The algorithm must be in the protected header.
 * @return 0, SG17_E_FORMAT (with a reason in why), SG17_E_LIMIT, SG17_E_NOMEM.
 */
SG17_API SG17_MUST_CHECK int sg17_cose_parse(const uint8_t *cose, size_t len,
                                             sg17_cose_info *info, char *why, size_t why_len);

/**
 * Verify a COSE_Sign1 (RFC 9052 §4.4) or COSE_Mac0 (§6.3) whose payload is
 * detached: ToBeSigned = ["Signature1"|"MAC0", protected, h'', payload].
 * The key type must fit the protected alg; HMAC tags are compared in
 * constant time.
 * @return 0 valid; SG17_E_VERIFY wrong signature/tag or key not usable for
 *         the alg; SG17_E_FORMAT malformed (payload not detached, bad
 *         lengths); SG17_E_UNSUPPORTED unknown alg. why gets a reason.
 */
SG17_API SG17_MUST_CHECK int sg17_cose_verify_detached(const uint8_t *cose, size_t len,
                                                       const uint8_t *payload, size_t payload_len,
                                                       const sg17_cose_key *key, char *why,
                                                       size_t why_len);

/**
 * The bytes to sign or MAC (RFC 9052 §4.4 Sig_structure / §6.3 MAC_structure)
 * for protected = bstr({1: alg}), empty external_aad, and payload; appended to out.
 * @return 0, SG17_E_LIMIT, SG17_E_NOMEM.
 */
SG17_API SG17_MUST_CHECK int sg17_cose_tbs(sg17_buf *out, int is_mac, int64_t alg,
                                           const uint8_t *payload, size_t payload_len);

/**
 * Encode a tagged COSE_Sign1 / COSE_Mac0 with protected {1: alg}, unprotected
 * {4: kid} (or {} when kid_len is 0), a nil (detached) payload and sig.
 * @return 0, SG17_E_LIMIT, SG17_E_NOMEM.
 */
SG17_API SG17_MUST_CHECK int sg17_cose_encode(sg17_buf *out, int is_mac, int64_t alg,
                                              const uint8_t *kid, size_t kid_len,
                                              const uint8_t *sig, size_t sig_len);

#ifdef __cplusplus
}
#endif
#endif /* SG17_COSE_H */
