/*
 * sg17/keyfmt.h - key containers: DER SubjectPublicKeyInfo (RFC 5280 §4.1),
 * PKCS#8 OneAsymmetricKey v1 (RFC 5958) and PEM armour (RFC 7468), for the
 * algorithm identifiers that take no parameters (ML-KEM, ML-DSA, SLH-DSA,
 * HSS/LMS, Ed25519, X25519, X-Wing, composites). The key bytes inside are
 * the algorithm's own encoding; see sg17/pqc.h for which.
 */
#ifndef SG17_KEYFMT_H
#define SG17_KEYFMT_H

#include "sg17/common.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Largest DER object handled (SLH-DSA/HSS keys are far below). */
#define SG17_KEYFMT_MAX_DER 65536

/**
 * Encode SubjectPublicKeyInfo { AlgorithmIdentifier { oid }, BIT STRING pk }.
 * oid is the DER content octets of the OBJECT IDENTIFIER (no tag/length).
 * *out is malloc'd.
 */
SG17_API SG17_MUST_CHECK int sg17_keyfmt_spki_encode(const uint8_t *oid, size_t oid_len,
                                                     const uint8_t *pk, size_t pk_len,
                                                     uint8_t **out, size_t *out_len);
/** Parse SPKI; *oid and *pk point into der. SG17_E_FORMAT on any deviation
 *  (parameters present, unused bits, trailing data, non-minimal lengths). */
SG17_API SG17_MUST_CHECK int sg17_keyfmt_spki_decode(const uint8_t *der, size_t len,
                                                     const uint8_t **oid, size_t *oid_len,
                                                     const uint8_t **pk, size_t *pk_len);
/** Encode PKCS#8 { version 0, AlgorithmIdentifier { oid }, OCTET STRING priv }.
 *  priv is the privateKey content (already the algorithm's inner encoding). */
SG17_API SG17_MUST_CHECK int sg17_keyfmt_pkcs8_encode(const uint8_t *oid, size_t oid_len,
                                                      const uint8_t *priv, size_t priv_len,
                                                      uint8_t **out, size_t *out_len);
/** Parse PKCS#8 v1 (v2 with a trailing [1] publicKey is accepted and ignored). */
SG17_API SG17_MUST_CHECK int sg17_keyfmt_pkcs8_decode(const uint8_t *der, size_t len,
                                                      const uint8_t **oid, size_t *oid_len,
                                                      const uint8_t **priv, size_t *priv_len);
/** PEM armour with the given label ("PUBLIC KEY", "PRIVATE KEY"); *out is a
 *  malloc'd NUL-terminated string. */
SG17_API SG17_MUST_CHECK int sg17_keyfmt_pem_encode(const char *label, const uint8_t *der,
                                                    size_t len, char **out, size_t *out_len);
/** Find the first PEM block with the given label in text and decode it. */
SG17_API SG17_MUST_CHECK int sg17_keyfmt_pem_decode(const char *text, size_t text_len,
                                                    const char *label, uint8_t **der,
                                                    size_t *der_len);

/** Minimal DER helpers used by algorithm-specific private-key encodings. */
/** Read one TLV at *p (tag must equal `tag`); advances *p. */
SG17_API SG17_MUST_CHECK int sg17_der_read(const uint8_t **p, const uint8_t *end, uint8_t tag,
                                           const uint8_t **val, size_t *val_len);
/** Write tag+length header into out (cap >= 6); returns header length. */
SG17_API size_t sg17_der_header(uint8_t *out, uint8_t tag, size_t len);

#ifdef __cplusplus
}
#endif
#endif
