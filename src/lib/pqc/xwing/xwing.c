/*
 * X-Wing hybrid KEM (draft-connolly-cfrg-xwing-kem-06 §5): ML-KEM-768
 * (ours, FIPS 203) + X25519 (OpenSSL via sg17_x25519*), SHA3-256 combiner.
 */
#include <string.h>

#include "sg17/crypto.h"
#include "sg17/keccak.h"
#include "sg17/mlkem.h"
#include "sg17/xwing.h"

#include "ct_internal.h"

#define PKM_BYTES SG17_MLKEM768_PUBLICKEY_BYTES
#define SKM_BYTES SG17_MLKEM768_SECRETKEY_BYTES
#define CTM_BYTES SG17_MLKEM768_CIPHERTEXT_BYTES

/* "\./" "/^\" (draft §5.3) */
static const uint8_t xwing_label[6] = {0x5c, 0x2e, 0x2f, 0x2f, 0x5e, 0x5c};

static const uint8_t x25519_base[32] = {9};

/*
 * X25519 as RFC 7748 defines it: sg17_x25519 reports an all-zero result as
 * SG17_E_VERIFY (and zeroes it); X-Wing uses the value as is. That outcome
 * depends only on the public peer point (a small-order point gives zero
 * for every clamped scalar), so branching on it leaks nothing secret.
 */
static int x25519_raw(uint8_t out[32], const uint8_t sk[32], const uint8_t peer[32])
{
    int rc = sg17_x25519(out, sk, peer);
    if (rc == SG17_E_VERIFY) {
        sg17_memzero(out, 32);
        rc = 0;
    }
    return rc;
}

/* expandDecapsulationKey (draft §5.2). */
static int expand(const uint8_t sk[32], uint8_t pk_m[PKM_BYTES], uint8_t sk_m[SKM_BYTES],
                  uint8_t sk_x[32], uint8_t pk_x[32])
{
    uint8_t ex[96];
    sg17_shake256(ex, sizeof ex, sk, 32);
    int rc = sg17_mlkem_keygen_derand(SG17_MLKEM_768, ex, ex + 32, pk_m, PKM_BYTES, sk_m, SKM_BYTES);
    memcpy(sk_x, ex + 64, 32);
    if (rc == 0)
        rc = x25519_raw(pk_x, sk_x, x25519_base);
    /* pk_M, the copy of ek and H(ek) inside dk_M, and pk_X form the public
     * key (draft §5.2): public, although computed from the secret seed. */
    SG17_CT_DECLASSIFY(pk_m, PKM_BYTES);
    SG17_CT_DECLASSIFY(sk_m + SKM_BYTES - PKM_BYTES - 64, PKM_BYTES + 32);
    SG17_CT_DECLASSIFY(pk_x, 32);
    sg17_memzero(ex, sizeof ex);
    return rc;
}

/* Combiner (draft §5.3). */
static void combiner(uint8_t ss[32], const uint8_t ss_m[32], const uint8_t ss_x[32],
                     const uint8_t ct_x[32], const uint8_t pk_x[32])
{
    sg17_keccak_ctx h;
    sg17_sha3_256_init(&h);
    sg17_keccak_absorb(&h, ss_m, 32);
    sg17_keccak_absorb(&h, ss_x, 32);
    sg17_keccak_absorb(&h, ct_x, 32);
    sg17_keccak_absorb(&h, pk_x, 32);
    sg17_keccak_absorb(&h, xwing_label, sizeof xwing_label);
    sg17_sha3_final(&h, ss, 32);
    sg17_keccak_wipe(&h);
}

int sg17_xwing_keygen_derand(uint8_t pk[SG17_XWING_PUBLICKEY_BYTES],
                             const uint8_t sk[SG17_XWING_SECRETKEY_BYTES])
{
    uint8_t sk_m[SKM_BYTES], sk_x[32];
    if (pk == NULL || sk == NULL) {
        if (pk != NULL)
            sg17_memzero(pk, SG17_XWING_PUBLICKEY_BYTES);
        return SG17_E_INVAL;
    }
    int rc = expand(sk, pk, sk_m, sk_x, pk + PKM_BYTES);
    if (rc != 0)
        sg17_memzero(pk, SG17_XWING_PUBLICKEY_BYTES);
    sg17_memzero(sk_m, sizeof sk_m);
    sg17_memzero(sk_x, sizeof sk_x);
    return rc;
}

int sg17_xwing_keygen(uint8_t pk[SG17_XWING_PUBLICKEY_BYTES],
                      uint8_t sk[SG17_XWING_SECRETKEY_BYTES])
{
    if (pk == NULL || sk == NULL)
        return SG17_E_INVAL;
    int rc = sg17_randombytes(sk, SG17_XWING_SECRETKEY_BYTES);
    if (rc == 0)
        rc = sg17_xwing_keygen_derand(pk, sk);
    if (rc != 0) {
        sg17_memzero(sk, SG17_XWING_SECRETKEY_BYTES);
        sg17_memzero(pk, SG17_XWING_PUBLICKEY_BYTES);
    }
    return rc;
}

int sg17_xwing_encaps_derand(uint8_t ct[SG17_XWING_CIPHERTEXT_BYTES],
                             uint8_t ss[SG17_XWING_SHAREDSECRET_BYTES], const uint8_t *pk,
                             size_t pk_len, const uint8_t eseed[SG17_XWING_ESEED_BYTES])
{
    uint8_t ss_m[32], ss_x[32];
    int rc = 0;
    if (ct == NULL || ss == NULL || eseed == NULL || (pk == NULL && pk_len != 0))
        rc = SG17_E_INVAL;
    else if (pk_len != SG17_XWING_PUBLICKEY_BYTES)
        rc = SG17_E_FORMAT;
    if (rc == 0) {
        const uint8_t *pk_x = pk + PKM_BYTES;
        uint8_t *ct_x = ct + CTM_BYTES;
        rc = sg17_mlkem_encaps_derand(SG17_MLKEM_768, ct, CTM_BYTES, ss_m, pk, PKM_BYTES, eseed);
        if (rc == 0)
            rc = x25519_raw(ct_x, eseed + 32, x25519_base);
        if (rc == 0)
            rc = x25519_raw(ss_x, eseed + 32, pk_x);
        if (rc == 0)
            combiner(ss, ss_m, ss_x, ct_x, pk_x);
    }
    if (rc != 0) {
        if (ct != NULL)
            sg17_memzero(ct, SG17_XWING_CIPHERTEXT_BYTES);
        if (ss != NULL)
            sg17_memzero(ss, SG17_XWING_SHAREDSECRET_BYTES);
    }
    sg17_memzero(ss_m, sizeof ss_m);
    sg17_memzero(ss_x, sizeof ss_x);
    return rc;
}

int sg17_xwing_encaps(uint8_t ct[SG17_XWING_CIPHERTEXT_BYTES],
                      uint8_t ss[SG17_XWING_SHAREDSECRET_BYTES], const uint8_t *pk, size_t pk_len)
{
    uint8_t eseed[SG17_XWING_ESEED_BYTES];
    int rc = sg17_randombytes(eseed, sizeof eseed);
    if (rc == 0) {
        rc = sg17_xwing_encaps_derand(ct, ss, pk, pk_len, eseed);
    } else {
        if (ct != NULL)
            sg17_memzero(ct, SG17_XWING_CIPHERTEXT_BYTES);
        if (ss != NULL)
            sg17_memzero(ss, SG17_XWING_SHAREDSECRET_BYTES);
    }
    sg17_memzero(eseed, sizeof eseed);
    return rc;
}

int sg17_xwing_decaps(uint8_t ss[SG17_XWING_SHAREDSECRET_BYTES], const uint8_t *ct,
                      size_t ct_len, const uint8_t *sk, size_t sk_len)
{
    uint8_t pk_m[PKM_BYTES], sk_m[SKM_BYTES], sk_x[32], pk_x[32], ss_m[32], ss_x[32];
    int rc = 0;
    if (ss == NULL || (ct == NULL && ct_len != 0) || (sk == NULL && sk_len != 0))
        rc = SG17_E_INVAL;
    else if (ct_len != SG17_XWING_CIPHERTEXT_BYTES || sk_len != SG17_XWING_SECRETKEY_BYTES)
        rc = SG17_E_FORMAT;
    if (rc == 0)
        rc = expand(sk, pk_m, sk_m, sk_x, pk_x);
    if (rc == 0)
        rc = sg17_mlkem_decaps(SG17_MLKEM_768, ss_m, ct, CTM_BYTES, sk_m, SKM_BYTES);
    if (rc == 0)
        rc = x25519_raw(ss_x, sk_x, ct + CTM_BYTES);
    if (rc == 0)
        combiner(ss, ss_m, ss_x, ct + CTM_BYTES, pk_x);
    else if (ss != NULL)
        sg17_memzero(ss, SG17_XWING_SHAREDSECRET_BYTES);
    sg17_memzero(sk_m, sizeof sk_m);
    sg17_memzero(sk_x, sizeof sk_x);
    sg17_memzero(ss_m, sizeof ss_m);
    sg17_memzero(ss_x, sizeof ss_x);
    return rc;
}
