/*
 * sg17/lms.h - Leighton-Micali hash-based signatures (RFC 8554) with the
 * NIST SP 800-208 parameter sets: LM-OTS one-time signatures, LMS Merkle
 * trees and the HSS multi-level scheme (L = 1..8).
 *
 * Hash families: SHA-256 (n = 32), SHA-256/192 (SHA-256 truncated to 24
 * bytes), SHAKE256 with 32- or 24-byte output (SP 800-208 §4).
 *
 * LMS/HSS are STATEFUL: a one-time key index must never be used twice. The
 * private key therefore lives in a file (mode 0600) that is rewritten
 * atomically (sg17/file.h) with the advanced index before any signature is
 * returned. Reserve ranges with sg17_hss_reserve to amortise the fsyncs: a
 * crash then loses at most the reserved, unused indices, and never reuses
 * one. Do not copy or restore key files (a restored backup reuses indices).
 */
#ifndef SG17_LMS_H
#define SG17_LMS_H

#include "sg17/common.h"

#ifdef __cplusplus
extern "C" {
#endif

/** LM-OTS types (RFC 8554 §4.1 Table 1; SP 800-208 §4 Table 1/2/3). */
typedef enum sg17_lmots_type {
    SG17_LMOTS_SHA256_N32_W1 = 1,
    SG17_LMOTS_SHA256_N32_W2 = 2,
    SG17_LMOTS_SHA256_N32_W4 = 3,
    SG17_LMOTS_SHA256_N32_W8 = 4,
    SG17_LMOTS_SHA256_N24_W1 = 5,
    SG17_LMOTS_SHA256_N24_W2 = 6,
    SG17_LMOTS_SHA256_N24_W4 = 7,
    SG17_LMOTS_SHA256_N24_W8 = 8,
    SG17_LMOTS_SHAKE_N32_W1 = 9,
    SG17_LMOTS_SHAKE_N32_W2 = 10,
    SG17_LMOTS_SHAKE_N32_W4 = 11,
    SG17_LMOTS_SHAKE_N32_W8 = 12,
    SG17_LMOTS_SHAKE_N24_W1 = 13,
    SG17_LMOTS_SHAKE_N24_W2 = 14,
    SG17_LMOTS_SHAKE_N24_W4 = 15,
    SG17_LMOTS_SHAKE_N24_W8 = 16,
} sg17_lmots_type;

/** LMS types (RFC 8554 §5.1 Table 2; SP 800-208 §4). */
typedef enum sg17_lms_type {
    SG17_LMS_SHA256_M32_H5 = 5,
    SG17_LMS_SHA256_M32_H10 = 6,
    SG17_LMS_SHA256_M32_H15 = 7,
    SG17_LMS_SHA256_M32_H20 = 8,
    SG17_LMS_SHA256_M32_H25 = 9,
    SG17_LMS_SHA256_M24_H5 = 10,
    SG17_LMS_SHA256_M24_H10 = 11,
    SG17_LMS_SHA256_M24_H15 = 12,
    SG17_LMS_SHA256_M24_H20 = 13,
    SG17_LMS_SHA256_M24_H25 = 14,
    SG17_LMS_SHAKE_M32_H5 = 15,
    SG17_LMS_SHAKE_M32_H10 = 16,
    SG17_LMS_SHAKE_M32_H15 = 17,
    SG17_LMS_SHAKE_M32_H20 = 18,
    SG17_LMS_SHAKE_M32_H25 = 19,
    SG17_LMS_SHAKE_M24_H5 = 20,
    SG17_LMS_SHAKE_M24_H10 = 21,
    SG17_LMS_SHAKE_M24_H15 = 22,
    SG17_LMS_SHAKE_M24_H20 = 23,
    SG17_LMS_SHAKE_M24_H25 = 24,
} sg17_lms_type;

#define SG17_HSS_MAX_LEVELS 8
#define SG17_LMS_I_BYTES    16
/** LMS public key: u32 type || u32 otstype || I || T[1] (RFC 8554 §5.3). */
#define SG17_LMS_PUBLIC_KEY_MAX_BYTES (4 + 4 + 16 + 32)
/** HSS public key: u32 L || LMS public key (RFC 8554 §6.1). */
#define SG17_HSS_PUBLIC_KEY_MAX_BYTES (4 + SG17_LMS_PUBLIC_KEY_MAX_BYTES)

/** HSS parameter choice: levels (1..8) and per-level LMS and LM-OTS types. */
typedef struct sg17_hss_params {
    uint32_t levels;
    uint32_t lms_type[SG17_HSS_MAX_LEVELS];
    uint32_t ots_type[SG17_HSS_MAX_LEVELS];
} sg17_hss_params;

/**
 * Byte length of an LMS signature for (lms_type, ots_type) (RFC 8554 §5.4:
 * 4 + (4 + n(p+1)) + 4 + m·h), 0 if a type is unknown or the pair mixes hash
 * functions or lengths (SP 800-208 §4 requires the same hash for both).
 */
SG17_API size_t sg17_lms_signature_len(uint32_t lms_type, uint32_t ots_type);

/** Byte length of an HSS signature for p (RFC 8554 §6.2), 0 if p is invalid. */
SG17_API size_t sg17_hss_signature_len(const sg17_hss_params *p);

/** Byte length of the HSS public key for p (4 + 24 + m), 0 if p is invalid. */
SG17_API size_t sg17_hss_public_key_len(const sg17_hss_params *p);

/**
 * Verify an LMS signature (RFC 8554 §5.4.2, Algorithms 6a/6b with LM-OTS
 * Algorithms 4a/4b). Every length and type is checked before use.
 * @return 0 valid, SG17_E_VERIFY wrong signature, SG17_E_FORMAT malformed
 *         public key or signature (bad length, unknown or mismatched type,
 *         q out of range), SG17_E_INVAL NULL pointers.
 */
SG17_API SG17_MUST_CHECK int sg17_lms_verify(const uint8_t *pk, size_t pk_len, const uint8_t *msg,
                                             size_t msg_len, const uint8_t *sig, size_t sig_len);

/**
 * Verify an HSS signature (RFC 8554 §6.3): Nspk+1 must equal L (1..8), each
 * signed lower-level public key is verified with the key above it and the
 * message with the lowest one.
 * @return 0 valid, SG17_E_VERIFY, SG17_E_FORMAT (malformed, L mismatch,
 *         trailing bytes), SG17_E_INVAL.
 */
SG17_API SG17_MUST_CHECK int sg17_hss_verify(const uint8_t *pk, size_t pk_len, const uint8_t *msg,
                                             size_t msg_len, const uint8_t *sig, size_t sig_len);

/**
 * Deterministic LMS public key from (I, SEED) with the RFC 8554 Appendix A
 * pseudo-random key derivation x_q[i] = H(I||u32str(q)||u16str(i)||u8str(0xff)||SEED).
 * seed_len must be n of ots_type. pk receives 24 + m bytes (RFC 8554 §5.3).
 * Cost: 2^h LM-OTS key generations.
 * @return 0, SG17_E_INVAL (bad types/lengths), SG17_E_NOMEM.
 */
SG17_API SG17_MUST_CHECK int sg17_lms_public_from_seed(uint32_t lms_type, uint32_t ots_type,
                                                       const uint8_t I[16], const uint8_t *seed,
                                                       size_t seed_len, uint8_t *pk, size_t pk_cap,
                                                       size_t *pk_len);

/** A loaded stateful HSS private key (opaque). */
typedef struct sg17_hss_key sg17_hss_key;

/**
 * Generate an HSS key pair (RFC 8554 §6.1) and write the private key to a
 * NEW file at key_path (mode 0600, atomic; SG17_E_EXISTS if it exists).
 * seed (n bytes of the top level; NULL = from sg17_randombytes) and I
 * (16 bytes; NULL = random) exist for reproducible tests. Lower-level trees
 * are derived deterministically from the level above (see lms_hss.c).
 * pk receives sg17_hss_public_key_len(p) bytes.
 * @return 0, SG17_E_INVAL, SG17_E_EXISTS, SG17_E_IO, SG17_E_RNG, SG17_E_NOMEM.
 */
SG17_API SG17_MUST_CHECK int sg17_hss_keygen(const char *key_path, const sg17_hss_params *p,
                                             const uint8_t *seed, size_t seed_len, const uint8_t *I,
                                             uint8_t *pk, size_t pk_cap, size_t *pk_len);

/**
 * Load a private key file and rebuild its trees (cost: one tree per level,
 * i.e. 2^h LM-OTS key generations each). Signing continues at the first
 * index not yet persisted as reserved. The handle holds an exclusive lock
 * (flock on "<key_path>.lock", created 0600 and left in place) until
 * sg17_hss_key_free, so that no second process or handle signs from the
 * same file; the kernel drops the lock if the process dies.
 * @return 0, SG17_E_NOTFOUND, SG17_E_STATE (key in use by another handle),
 *         SG17_E_IO, SG17_E_FORMAT (corrupt file), SG17_E_NOMEM, SG17_E_LIMIT.
 */
SG17_API SG17_MUST_CHECK int sg17_hss_key_load(sg17_hss_key **key, const char *key_path);

/** Wipe and free a key (NULL is a no-op). Unused reserved indices are lost. */
SG17_API void sg17_hss_key_free(sg17_hss_key *key);

/** The key's parameters. */
SG17_API void sg17_hss_key_params(const sg17_hss_key *key, sg17_hss_params *p);

/** The HSS public key; pk_cap >= SG17_HSS_PUBLIC_KEY_MAX_BYTES suffices. */
SG17_API SG17_MUST_CHECK int sg17_hss_key_public(const sg17_hss_key *key, uint8_t *pk,
                                                 size_t pk_cap, size_t *pk_len);

/** Signatures left (not yet used, including reserved ones), saturated at UINT64_MAX. */
SG17_API uint64_t sg17_hss_key_remaining(const sg17_hss_key *key);

/**
 * Reserve the next n signatures: the index after them is persisted now, so
 * that the next n sg17_hss_sign calls need no disk write. A crash loses the
 * unused part of the range. n = 0 is a no-op.
 * @return 0, SG17_E_STATE (fewer than n left), SG17_E_IO.
 */
SG17_API SG17_MUST_CHECK int sg17_hss_reserve(sg17_hss_key *key, uint64_t n);

/**
 * Sign msg (RFC 8554 §6.2). If no reserved index is left, the next one is
 * first persisted atomically; the signature is computed only after the
 * advanced state is durable. When a lower-level tree is exhausted the next
 * one is derived and signed by the level above. The LM-OTS randomizer C is
 * derived from SEED and q (RFC 8554 §7 allows a deterministic C; it keeps
 * re-signing a lower-level public key after a crash byte-identical).
 * sig_cap must be >= sg17_hss_signature_len(params).
 * @return 0, SG17_E_STATE (key exhausted or unusable after a failed
 *         persist), SG17_E_IO, SG17_E_INVAL, SG17_E_NOMEM. On error nothing
 *         is written to sig.
 */
SG17_API SG17_MUST_CHECK int sg17_hss_sign(sg17_hss_key *key, const uint8_t *msg, size_t msg_len,
                                           uint8_t *sig, size_t sig_cap, size_t *sig_len);

#ifdef __cplusplus
}
#endif
#endif /* SG17_LMS_H */
