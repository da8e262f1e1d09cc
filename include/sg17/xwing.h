/*
 * sg17/xwing.h - X-Wing, the hybrid KEM of ML-KEM-768 and X25519
 * (draft-connolly-cfrg-xwing-kem-06; IANA HPKE KEM 0x647A).
 *
 *   sk (decapsulation key) = 32-byte seed, expanded with SHAKE256 (§5.2)
 *   pk (encapsulation key) = pk_M || pk_X            (1184 + 32 bytes)
 *   ct (ciphertext)        = ct_M || ct_X            (1088 + 32 bytes)
 *   ss (shared secret)     = SHA3-256(ss_M || ss_X || ct_X || pk_X || XWingLabel)
 *
 * As in the draft, an all-zero X25519 output (small-order peer point) is not
 * rejected: it enters the combiner like any other value. Inputs of the wrong
 * length give SG17_E_FORMAT; on any error, outputs are zeroed.
 */
#ifndef SG17_XWING_H
#define SG17_XWING_H

#include "sg17/common.h"

#ifdef __cplusplus
extern "C" {
#endif

#define SG17_XWING_PUBLICKEY_BYTES 1216
#define SG17_XWING_SECRETKEY_BYTES 32
#define SG17_XWING_CIPHERTEXT_BYTES 1120
#define SG17_XWING_SHAREDSECRET_BYTES 32
#define SG17_XWING_ESEED_BYTES 64

/**
 * GenerateKeyPairDerand (draft §5.2): pk from the 32-byte secret key sk
 * via expandDecapsulationKey (SHAKE256(sk, 96) -> ML-KEM-768 d, z and X25519 sk_X).
 * @return 0, SG17_E_INVAL (NULL), SG17_E_CRYPTO (X25519 failed).
 */
SG17_API SG17_MUST_CHECK int sg17_xwing_keygen_derand(uint8_t pk[SG17_XWING_PUBLICKEY_BYTES],
                                                      const uint8_t sk[SG17_XWING_SECRETKEY_BYTES]);

/**
 * GenerateKeyPair (draft §5.2): sk from sg17_randombytes, then keygen_derand.
 * @return 0, SG17_E_INVAL, SG17_E_RNG, SG17_E_CRYPTO.
 */
SG17_API SG17_MUST_CHECK int sg17_xwing_keygen(uint8_t pk[SG17_XWING_PUBLICKEY_BYTES],
                                               uint8_t sk[SG17_XWING_SECRETKEY_BYTES]);

/**
 * EncapsulateDerand (draft §5.4.1) with eseed = m (32) || ek_X (32).
 * pk_M must pass the FIPS 203 §7.2 checks.
 * @return 0, SG17_E_FORMAT (pk length or pk_M check), SG17_E_INVAL, SG17_E_CRYPTO.
 */
SG17_API SG17_MUST_CHECK int sg17_xwing_encaps_derand(uint8_t ct[SG17_XWING_CIPHERTEXT_BYTES],
                                                      uint8_t ss[SG17_XWING_SHAREDSECRET_BYTES],
                                                      const uint8_t *pk, size_t pk_len,
                                                      const uint8_t eseed[SG17_XWING_ESEED_BYTES]);

/**
 * Encapsulate (draft §5.4): eseed from sg17_randombytes, then encaps_derand.
 * @return 0, SG17_E_FORMAT, SG17_E_INVAL, SG17_E_RNG, SG17_E_CRYPTO.
 */
SG17_API SG17_MUST_CHECK int sg17_xwing_encaps(uint8_t ct[SG17_XWING_CIPHERTEXT_BYTES],
                                               uint8_t ss[SG17_XWING_SHAREDSECRET_BYTES],
                                               const uint8_t *pk, size_t pk_len);

/**
 * Decapsulate (draft §5.5). A modified ct_M gives ML-KEM's implicit
 * rejection key inside the combiner (no error).
 * @return 0, SG17_E_FORMAT (ct or sk of the wrong length), SG17_E_INVAL, SG17_E_CRYPTO.
 */
SG17_API SG17_MUST_CHECK int sg17_xwing_decaps(uint8_t ss[SG17_XWING_SHAREDSECRET_BYTES],
                                               const uint8_t *ct, size_t ct_len,
                                               const uint8_t *sk, size_t sk_len);

#ifdef __cplusplus
}
#endif
#endif /* SG17_XWING_H */
