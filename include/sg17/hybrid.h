/*
 * sg17/hybrid.h - composite (PQ/T hybrid) signature ML-DSA-65 + Ed25519,
 * id-MLDSA65-Ed25519-SHA512 (OID 1.3.6.1.5.5.7.6.48) of the IETF LAMPS
 * draft "Composite ML-DSA for use in X.509 Public Key Infrastructure",
 * draft-ietf-lamps-pq-composite-sigs-19 (April 2026).
 *
 * Construction (draft §2.2, §3.2, §3.3, §4):
 *   M'  = Prefix || Label || len(ctx) || ctx || SHA512(M)
 *         Prefix = "CompositeAlgorithmSignatures2025" (32 ASCII bytes),
 *         Label  = "COMPSIG-MLDSA65-Ed25519-SHA512" (ASCII),
 *   sig = ML-DSA-65.Sign(mldsaSK, M', ctx = Label) || Ed25519.Sign(edSK, M')
 *   pk  = mldsaPK (1952) || Ed25519 pk (32)
 *   sk  = mldsaSeed xi (32) || Ed25519 private key (32)
 * A signature is valid only if BOTH components verify.
 */
#ifndef SG17_HYBRID_H
#define SG17_HYBRID_H

#include "sg17/common.h"

#ifdef __cplusplus
extern "C" {
#endif

#define SG17_HYBRID_MLDSA65_ED25519_PUBLICKEY_BYTES (1952 + 32)
#define SG17_HYBRID_MLDSA65_ED25519_SECRETKEY_BYTES (32 + 32)
#define SG17_HYBRID_MLDSA65_ED25519_SIGNATURE_BYTES (3309 + 64)
/** DER of the algorithm OID 1.3.6.1.5.5.7.6.48 (tag, length, value). */
#define SG17_HYBRID_MLDSA65_ED25519_OID_DER "\x06\x08\x2b\x06\x01\x05\x05\x07\x06\x30"

/**
 * Composite-ML-DSA.KeyGen (draft -19 §3.1): fresh ML-DSA seed and Ed25519 key.
 * @return 0, SG17_E_INVAL (NULL), SG17_E_RNG, SG17_E_CRYPTO
 */
SG17_API SG17_MUST_CHECK int sg17_hybrid_mldsa65_ed25519_keygen(uint8_t pk[1984],
                                                                uint8_t sk[64]);

/**
 * The composite public key of a composite private key (ML-DSA.KeyGen_internal
 * on the seed, FIPS 204 Alg. 6, and the Ed25519 public key, RFC 8032 §5.1.5).
 */
SG17_API SG17_MUST_CHECK int sg17_hybrid_mldsa65_ed25519_public(uint8_t pk[1984],
                                                                const uint8_t sk[64]);

/**
 * Composite-ML-DSA.Sign (draft -19 §3.2). The ML-DSA component is hedged
 * (FIPS 204 Alg. 2 with fresh rnd); Ed25519 is deterministic (RFC 8032).
 * @param ctx application context, ctx_len <= 255 (NULL if ctx_len is 0)
 * @return 0, SG17_E_INVAL (NULL, ctx_len > 255), SG17_E_RNG, SG17_E_CRYPTO;
 *         on error sig is zeroed
 */
SG17_API SG17_MUST_CHECK int sg17_hybrid_mldsa65_ed25519_sign(uint8_t sig[3373],
                                                              const uint8_t sk[64],
                                                              const uint8_t *msg, size_t msg_len,
                                                              const uint8_t *ctx, size_t ctx_len);

/**
 * Composite-ML-DSA.Verify (draft -19 §3.3): both components must verify.
 * @return 0 valid; SG17_E_VERIFY invalid; SG17_E_FORMAT wrong pk/sig length
 *         or malformed ML-DSA component; SG17_E_INVAL ctx_len > 255 or NULL
 */
SG17_API SG17_MUST_CHECK int sg17_hybrid_mldsa65_ed25519_verify(const uint8_t *sig,
                                                                size_t sig_len,
                                                                const uint8_t *pk, size_t pk_len,
                                                                const uint8_t *msg,
                                                                size_t msg_len,
                                                                const uint8_t *ctx,
                                                                size_t ctx_len);

#ifdef __cplusplus
}
#endif
#endif
