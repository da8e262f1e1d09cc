/* Internals shared by the SUCI files: key layout, scheme parameters, BCD. */
#ifndef SG17_SUCI_INTERNAL_H
#define SG17_SUCI_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "sg17/crypto.h"
#include "sg17/mlkem.h"
#include "sg17/suci.h"
#include "sg17/xwing.h"

#define SUCI_MAX_PUB  SG17_XWING_PUBLICKEY_BYTES
#define SUCI_MAX_PRIV 64
/* An IMSI has at most 15 digits, so an MSIN at most 10 (5 BCD octets). */
#define SUCI_MAX_MSIN 10

struct sg17_suci_key {
    unsigned scheme;
    unsigned key_id;
    int has_priv;
    uint8_t pub[SUCI_MAX_PUB];
    size_t pub_len;
    uint8_t priv[SUCI_MAX_PRIV];
    size_t priv_len;
    /* Expanded decapsulation material kept for SIDF speed: ML-KEM-768 dk
     * (for 0xC and inside X-Wing) and X-Wing's X25519 scalar. */
    uint8_t dk[SG17_MLKEM768_SECRETKEY_BYTES];
    uint8_t x_sk[32];
    /* Prepared OpenSSL keys for the SIDF (built once at import, freed and
     * wiped with the key): profile A's scalar, or X-Wing's x_sk; profile B. */
    sg17_x25519_key *x25519;
    sg17_p256_key *p256;
};

/* Per-scheme layout (TS 33.501 C.3.4 for A/B; docs/SUCI.md for 0xC/0xD). */
typedef struct suci_params {
    unsigned scheme;
    size_t eph_len; /* ephemeral public key or KEM ciphertext */
    size_t enc_len; /* AES key bytes */
    size_t tag_len; /* truncated HMAC-SHA-256 tag */
} suci_params;

const suci_params *suci_params_get(unsigned scheme);

/* MSIN digits <-> packed BCD (TS 24.501 cl. 9.11.3.4: low nibble first,
 * 0xF filler in the last high nibble for an odd count). */
size_t suci_bcd_encode(const char *digits, uint8_t *out);
int suci_bcd_decode(const uint8_t *in, size_t len, char *digits, size_t cap);

/* Field checks on a parsed SUCI (not cryptographic). 0 or SG17_E_FORMAT. */
int suci_check(const sg17_suci *s);

int suci_is_digits(const char *s, size_t min, size_t max);
int suci_realm_valid(const char *s, size_t len);
int suci_username_valid(const char *s, size_t len);

/* SIDF core (suci_scheme.c): open a scheme output with k; miss forces a
 * failure after the full computation. b_point: profile B's ephemeral key
 * already validated and decompressed by the caller (65 bytes), NULL for the
 * other schemes. 0, SG17_E_VERIFY or an error. */
int suci_open(const struct sg17_suci_key *k, const suci_params *p, const uint8_t *out,
              size_t out_len, const uint8_t *b_point, uint32_t miss, uint8_t *pt,
              size_t *pt_len);

/* Raw X-Wing decapsulation with the expanded key held in k. */
int suci_xwing_decaps(uint8_t ss[32], const uint8_t *ct, const struct sg17_suci_key *k);

#endif
