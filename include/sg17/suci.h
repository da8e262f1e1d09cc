/*
 * sg17/suci.h - the 5G Subscription Concealed Identifier (SUCI) and the
 * Subscription Identifier De-concealing Function (SIDF), X.1811 cl. 7.2.1.1.
 *
 *   - TS 33.501 Annex C: null scheme (0x0), ECIES profile A (0x1, X25519) and
 *     profile B (0x2, P-256 with a compressed ephemeral key), ANSI X9.63 KDF,
 *     AES-128-CTR, HMAC-SHA-256/64.
 *   - Quantum-safe profiles in the HPLMN-proprietary range (TS 33.501 C.1):
 *     0xC = ML-KEM-768 (FIPS 203), 0xD = X-Wing; KEM ciphertext as the
 *     ephemeral part, X9.63-KDF over the KEM shared secret with SharedInfo =
 *     ciphertext, AES-256-CTR and HMAC-SHA-256/128. Specified byte for byte in
 *     docs/SUCI.md.
 *   - Encodings: SUPI "imsi-<digits>" / "nai-<user>@<realm>" (TS 29.571);
 *     SUCI string "suci-0-<mcc>-<mnc>-<ri>-<scheme>-<keyid>-<output>"
 *     (TS 23.003 cl. 2.2B, TS 29.503 SuciString); SUCI NAI form
 *     "type<t>.rid<ri>.schid<s>.…@realm" (TS 23.003 cl. 28.7.3); and the
 *     5GS mobile identity IE for a SUCI (TS 24.501 cl. 9.11.3.4).
 *
 * The SIDF (sg17_suci_deconceal) never tells a key-id miss from a MAC failure:
 * both are SG17_E_VERIFY with the same reason text, and a miss runs the same
 * computation on a per-store dummy key. The key store is read-only during
 * de-concealment (safe from many threads); add/remove need external locking.
 */
#ifndef SG17_SUCI_H
#define SG17_SUCI_H

#include "sg17/common.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Protection scheme identifiers (TS 33.501 C.1; 0xC-0xF HPLMN-proprietary). */
#define SG17_SUCI_SCHEME_NULL      0x0
#define SG17_SUCI_SCHEME_PROFILE_A 0x1
#define SG17_SUCI_SCHEME_PROFILE_B 0x2
#define SG17_SUCI_SCHEME_MLKEM768  0xC
#define SG17_SUCI_SCHEME_XWING     0xD

/** SUPI types (TS 23.003 cl. 2.2B): 0 IMSI, 1 network specific identifier (NAI). */
#define SG17_SUCI_SUPI_IMSI 0
#define SG17_SUCI_SUPI_NAI  1

/** Caps. A NAI username/realm is at most 253 octets (RFC 7542 §2.2). */
#define SG17_SUCI_MAX_NAI_PART 253
/** Largest scheme output: X-Wing ciphertext + 253-byte input + 16-byte tag. */
#define SG17_SUCI_MAX_OUTPUT (1120 + SG17_SUCI_MAX_NAI_PART + 16)
/** Largest textual SUCI (hex output, realm, fixed fields) incl. the NUL. */
#define SG17_SUCI_MAX_TEXT (2 * SG17_SUCI_MAX_OUTPUT + SG17_SUCI_MAX_NAI_PART + 96)
/** Largest SUPI text incl. the NUL ("nai-" user "@" realm). */
#define SG17_SUCI_MAX_SUPI_TEXT (4 + 2 * SG17_SUCI_MAX_NAI_PART + 2)

/** SUCI textual forms. */
typedef enum sg17_suci_form {
    SG17_SUCI_FORM_STRING = 0, /**< suci-0-… (IMSI SUPI only) */
    SG17_SUCI_FORM_NAI = 1,    /**< type….rid….schid…@realm (any SUPI type) */
} sg17_suci_form;

/** A subscription permanent identifier. */
typedef struct sg17_supi {
    unsigned type; /**< SG17_SUCI_SUPI_IMSI or SG17_SUCI_SUPI_NAI */
    char mcc[4];   /**< IMSI: 3 digits */
    char mnc[4];   /**< IMSI: 2 or 3 digits */
    char msin[11]; /**< IMSI: 1..10 digits, IMSI at most 15 digits */
    char username[SG17_SUCI_MAX_NAI_PART +
                  1]; /**< NAI: user part (may be empty for null scheme? no: 1..253) */
    char realm[SG17_SUCI_MAX_NAI_PART + 1]; /**< NAI: realm (home network identifier) */
} sg17_supi;

/** A parsed SUCI (TS 23.003 cl. 2.2B): every field, scheme output as octets. */
typedef struct sg17_suci {
    unsigned supi_type;                     /**< 0 IMSI, 1 NAI */
    char mcc[4], mnc[4];                    /**< home network identifier, IMSI type */
    char realm[SG17_SUCI_MAX_NAI_PART + 1]; /**< home network identifier, NAI type */
    char routing[5];                        /**< routing indicator, 1..4 decimal digits */
    unsigned scheme;                        /**< protection scheme identifier 0..15 */
    unsigned key_id; /**< home network public key identifier 0..255 (0 for null) */
    /** Scheme output octets. Null scheme: MSIN as packed BCD (TS 24.501
     *  cl. 9.11.3.4) for IMSI, the username for NAI. Profiles: ephemeral
     *  key or KEM ciphertext || ciphertext || MAC tag. */
    uint8_t output[SG17_SUCI_MAX_OUTPUT];
    size_t output_len;
} sg17_suci;

/**
 * Parse a SUPI: "imsi-<5..15 digits>" with an MNC of mnc_digits (2 or 3)
 * digits, or "nai-<username>@<realm>" (TS 29.571 Supi).
 * @return 0, SG17_E_FORMAT, SG17_E_INVAL (bad mnc_digits / NULL).
 */
SG17_API SG17_MUST_CHECK int sg17_supi_parse(const char *text, unsigned mnc_digits, sg17_supi *out);

/** Write the SUPI text ("imsi-…" / "nai-…") with its NUL; cap >= SG17_SUCI_MAX_SUPI_TEXT
 *  always suffices. @return 0, SG17_E_INVAL (too small; out is then ""). */
SG17_API SG17_MUST_CHECK int sg17_supi_format(const sg17_supi *supi, char *out, size_t cap);

/**
 * Parse a textual SUCI of either form (detected by its "suci-" / "type"
 * prefix). Strict: exact field syntax, lower- or upper-case hex, output length
 * caps, no trailing data. The scheme output is not checked cryptographically.
 * @return 0 or SG17_E_FORMAT.
 */
SG17_API SG17_MUST_CHECK int sg17_suci_parse(const char *text, size_t len, sg17_suci *out);

/**
 * Format a SUCI. The string form (TS 29.503 SuciString) exists for IMSI type
 * only: hex scheme output, or the MSIN digits for the null scheme. The NAI form
 * follows TS 23.003 cl. 28.7.3: userid<…> (null), ecckey<>.cip<>.mac<> (A/B),
 * out<hex> (HPLMN-proprietary schemes); an IMSI type's realm is
 * 5gc.mnc<3-digit MNC>.mcc<MCC>.3gppnetwork.org.
 * @return 0, SG17_E_INVAL (buffer too small, NULL), SG17_E_FORMAT (fields invalid).
 */
SG17_API SG17_MUST_CHECK int sg17_suci_format(const sg17_suci *suci, sg17_suci_form form, char *out,
                                              size_t cap, size_t *out_len);

/**
 * Encode the SUCI as the value part of the 5GS mobile identity IE
 * (TS 24.501 cl. 9.11.3.4, octets 4..n, identity type SUCI): without the IEI
 * and the two length octets. NAI type carries the NAI form in octets 5..n.
 * @return 0, SG17_E_INVAL (cap), SG17_E_FORMAT.
 */
SG17_API SG17_MUST_CHECK int sg17_suci_encode_ie(const sg17_suci *suci, uint8_t *out, size_t cap,
                                                 size_t *out_len);

/** Decode the 5GS mobile identity value (octets 4..n) of a SUCI; strict
 *  (spare bits zero, BCD digits, filler only where allowed). @return 0, SG17_E_FORMAT. */
SG17_API SG17_MUST_CHECK int sg17_suci_decode_ie(const uint8_t *in, size_t len, sg17_suci *out);

/* ---- home network keys ------------------------------------------------- */

/** A home network key pair (or public key) bound to one scheme and key id. */
typedef struct sg17_suci_key sg17_suci_key;

/** Public/private key sizes in bytes for a scheme; 0 for an unsupported one.
 *  Profile B public keys are 33-byte compressed points; ML-KEM-768 private keys
 *  are the 64-byte seed d||z; X-Wing private keys the 32-byte seed. */
SG17_API size_t sg17_suci_public_key_bytes(unsigned scheme);
SG17_API size_t sg17_suci_private_key_bytes(unsigned scheme);
/** Scheme output size for a scheme-input (plaintext) length; 0 if unsupported. */
SG17_API size_t sg17_suci_output_bytes(unsigned scheme, size_t input_len);
/** "null", "A", "B", "mlkem768", "xwing"; NULL if unsupported. */
SG17_API const char *sg17_suci_scheme_name(unsigned scheme);
/** Inverse of sg17_suci_scheme_name (also accepts "a", "b", "ml-kem-768", "x-wing"). */
SG17_API SG17_MUST_CHECK int sg17_suci_scheme_from_name(const char *name, unsigned *scheme);

/** Generate a key pair (sg17_randombytes). key_id 1..255.
 *  @return 0, SG17_E_UNSUPPORTED (scheme), SG17_E_INVAL, SG17_E_RNG, SG17_E_NOMEM. */
SG17_API SG17_MUST_CHECK int sg17_suci_key_generate(unsigned scheme, unsigned key_id,
                                                    sg17_suci_key **out);
/** Import a private key (public part derived). @return 0, SG17_E_FORMAT, ... */
SG17_API SG17_MUST_CHECK int sg17_suci_key_import(unsigned scheme, unsigned key_id,
                                                  const uint8_t *priv, size_t priv_len,
                                                  sg17_suci_key **out);
/** Import a public key (validated: on-curve point, FIPS 203 §7.2 check). */
SG17_API SG17_MUST_CHECK int sg17_suci_key_import_public(unsigned scheme, unsigned key_id,
                                                         const uint8_t *pub, size_t pub_len,
                                                         sg17_suci_key **out);
/**
 * Write the private key to path (0600, atomically) and the public key to
 * path + ".pub"; refuses to overwrite (SG17_E_EXISTS). Format in docs/SUCI.md.
 * A public-only key writes only path (as a public key file).
 */
SG17_API SG17_MUST_CHECK int sg17_suci_key_save(const sg17_suci_key *key, const char *path);
/** Load a private or public key file. @return 0, SG17_E_NOTFOUND, SG17_E_IO, SG17_E_FORMAT. */
SG17_API SG17_MUST_CHECK int sg17_suci_key_load(const char *path, sg17_suci_key **out);
SG17_API void sg17_suci_key_free(sg17_suci_key *key);
SG17_API unsigned sg17_suci_key_scheme(const sg17_suci_key *key);
SG17_API unsigned sg17_suci_key_id(const sg17_suci_key *key);
SG17_API int sg17_suci_key_is_private(const sg17_suci_key *key);
/** Public key bytes (pointer valid while key lives). */
SG17_API const uint8_t *sg17_suci_key_public(const sg17_suci_key *key, size_t *len);

/* ---- concealment (UE / USIM side) ---------------------------------------- */

/**
 * Conceal supi under the home network public key hn (TS 33.501 C.3.2 for
 * profiles A/B, docs/SUCI.md for 0xC/0xD) with fresh randomness. routing is
 * 1..4 decimal digits. hn NULL selects the null scheme (C.2).
 * @return 0, SG17_E_FORMAT (supi/routing), SG17_E_INVAL, SG17_E_RNG, SG17_E_CRYPTO.
 */
SG17_API SG17_MUST_CHECK int sg17_suci_conceal(const sg17_suci_key *hn, const sg17_supi *supi,
                                               const char *routing, sg17_suci *out);

/**
 * As sg17_suci_conceal with caller-supplied ephemeral randomness (test
 * vectors): A/B the 32-byte ephemeral private key, ML-KEM-768 the 32-byte m of
 * FIPS 203 Alg. 17, X-Wing the 64-byte eseed of draft §5.4.1.
 */
SG17_API SG17_MUST_CHECK int sg17_suci_conceal_derand(const sg17_suci_key *hn,
                                                      const sg17_supi *supi, const char *routing,
                                                      const uint8_t *eph, size_t eph_len,
                                                      sg17_suci *out);

/* ---- SIDF ---------------------------------------------------------------- */

typedef struct sg17_suci_keystore sg17_suci_keystore;

/** New empty key store; the null scheme is accepted unless disabled.
 *  @return 0, SG17_E_NOMEM, SG17_E_RNG (dummy keys). */
SG17_API SG17_MUST_CHECK int sg17_suci_keystore_new(sg17_suci_keystore **out);
SG17_API void sg17_suci_keystore_free(sg17_suci_keystore *ks);
/** Accept (1) or refuse (0) null-scheme SUCIs (TS 33.501 6.12.2: operator choice). */
SG17_API void sg17_suci_keystore_allow_null(sg17_suci_keystore *ks, int allow);
/**
 * Add a private key under its key id; the store takes ownership on success.
 * One scheme per key id. @return 0, SG17_E_EXISTS (id in use),
 * SG17_E_INVAL (public-only key, NULL), SG17_E_LIMIT (255 keys).
 */
SG17_API SG17_MUST_CHECK int sg17_suci_keystore_add(sg17_suci_keystore *ks, sg17_suci_key *key);
/** Load a private key file and add it. */
SG17_API SG17_MUST_CHECK int sg17_suci_keystore_add_file(sg17_suci_keystore *ks, const char *path);
/** Remove (retire) a key id; rotation = add the new id, then remove the old.
 *  @return 0 or SG17_E_NOTFOUND. */
SG17_API SG17_MUST_CHECK int sg17_suci_keystore_remove(sg17_suci_keystore *ks, unsigned key_id);
SG17_API size_t sg17_suci_keystore_count(const sg17_suci_keystore *ks);

/**
 * De-conceal (TS 33.501 C.3.3 / docs/SUCI.md): the SIDF. Validates the
 * scheme output layout and, for profile B, the ephemeral point (compressed,
 * on the curve) before any secret is used; looks up the key id; runs the
 * ECDH or KEM decapsulation, the KDF, checks the MAC in constant time and
 * decrypts; checks the recovered scheme input (BCD MSIN, NAI username).
 * @param reason  optional; a static text fit for a 400 response
 * @return 0 and *supi; SG17_E_FORMAT (malformed, unsupported scheme, refused
 *         null scheme, invalid point); SG17_E_VERIFY (does not de-conceal: unknown
 *         key id, key of another scheme, MAC failure - indistinguishable).
 */
SG17_API SG17_MUST_CHECK int sg17_suci_deconceal(const sg17_suci_keystore *ks,
                                                 const sg17_suci *suci, sg17_supi *supi,
                                                 const char **reason);

/** Parse a textual SUCI (either form) and de-conceal it into SUPI text.
 *  @return as sg17_suci_deconceal; SG17_E_INVAL if supi_cap is too small. */
SG17_API SG17_MUST_CHECK int sg17_suci_deconceal_text(const sg17_suci_keystore *ks,
                                                      const char *suci, size_t len, char *supi,
                                                      size_t supi_cap, const char **reason);

#ifdef __cplusplus
}
#endif
#endif /* SG17_SUCI_H */
