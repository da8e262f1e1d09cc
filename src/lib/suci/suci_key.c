/*
 * Home network keys for SUCI (TS 33.501 C.3.4, docs/SUCI.md) and their
 * text key files: generation, import with validation, save/load.
 */
#include <stdlib.h>
#include <string.h>

#include "ct_internal.h"
#include "sg17/crypto.h"
#include "sg17/keccak.h"
#include "suci_internal.h"

static const struct {
    unsigned scheme;
    const char *name, *alias;
    size_t pub, priv;
} scheme_tab[] = {
    {SG17_SUCI_SCHEME_NULL, "null", "0", 0, 0},
    {SG17_SUCI_SCHEME_PROFILE_A, "A", "a", 32, 32},
    {SG17_SUCI_SCHEME_PROFILE_B, "B", "b", 33, 32},
    {SG17_SUCI_SCHEME_MLKEM768, "mlkem768", "ml-kem-768", SG17_MLKEM768_PUBLICKEY_BYTES,
     SG17_MLKEM_SEED_BYTES},
    {SG17_SUCI_SCHEME_XWING, "xwing", "x-wing", SG17_XWING_PUBLICKEY_BYTES,
     SG17_XWING_SECRETKEY_BYTES},
};
#define NSCHEMES (sizeof scheme_tab / sizeof scheme_tab[0])

const char *sg17_suci_scheme_name(unsigned scheme)
{
    for (size_t i = 0; i < NSCHEMES; i++)
        if (scheme_tab[i].scheme == scheme)
            return scheme_tab[i].name;
    return NULL;
}

int sg17_suci_scheme_from_name(const char *name, unsigned *scheme)
{
    if (!name || !scheme)
        return SG17_E_INVAL;
    for (size_t i = 0; i < NSCHEMES; i++) {
        if (strcmp(name, scheme_tab[i].name) == 0 || strcmp(name, scheme_tab[i].alias) == 0) {
            *scheme = scheme_tab[i].scheme;
            return 0;
        }
    }
    return SG17_E_UNSUPPORTED;
}

size_t sg17_suci_public_key_bytes(unsigned scheme)
{
    for (size_t i = 1; i < NSCHEMES; i++)
        if (scheme_tab[i].scheme == scheme)
            return scheme_tab[i].pub;
    return 0;
}

size_t sg17_suci_private_key_bytes(unsigned scheme)
{
    for (size_t i = 1; i < NSCHEMES; i++)
        if (scheme_tab[i].scheme == scheme)
            return scheme_tab[i].priv;
    return 0;
}

void sg17_suci_key_free(sg17_suci_key *key)
{
    if (!key)
        return;
    sg17_x25519_key_free(key->x25519);
    sg17_p256_key_free(key->p256);
    sg17_memzero(key, sizeof *key);
    free(key);
}

unsigned sg17_suci_key_scheme(const sg17_suci_key *key)
{
    return key ? key->scheme : 0;
}
unsigned sg17_suci_key_id(const sg17_suci_key *key)
{
    return key ? key->key_id : 0;
}
int sg17_suci_key_is_private(const sg17_suci_key *key)
{
    return key ? key->has_priv : 0;
}
const uint8_t *sg17_suci_key_public(const sg17_suci_key *key, size_t *len)
{
    if (len)
        *len = key ? key->pub_len : 0;
    return key ? key->pub : NULL;
}

static int new_key(unsigned scheme, unsigned key_id, sg17_suci_key **out)
{
    if (!out)
        return SG17_E_INVAL;
    *out = NULL;
    if (sg17_suci_public_key_bytes(scheme) == 0)
        return SG17_E_UNSUPPORTED;
    if (key_id < 1 || key_id > 255)
        return SG17_E_INVAL;
    sg17_suci_key *k = calloc(1, sizeof *k);
    if (!k)
        return SG17_E_NOMEM;
    k->scheme = scheme;
    k->key_id = key_id;
    *out = k;
    return 0;
}

/* Derive the public key and the expanded SIDF material from k->priv. */
static int expand_private(sg17_suci_key *k)
{
    uint8_t pk65[65], ex[96];
    int rc;
    switch (k->scheme) {
    case SG17_SUCI_SCHEME_PROFILE_A:
        k->pub_len = 32;
        rc = sg17_x25519_public(k->pub, k->priv);
        return rc ? rc : sg17_x25519_key_new(&k->x25519, k->priv);
    case SG17_SUCI_SCHEME_PROFILE_B:
        k->pub_len = 33;
        rc = sg17_p256_public(pk65, k->priv);
        SG17_CT_DECLASSIFY(pk65, sizeof pk65); /* the public key */
        if (rc == 0)
            rc = sg17_p256_compress(k->pub, pk65);
        if (rc)
            return SG17_E_FORMAT;
        return sg17_p256_key_new(&k->p256, k->priv);
    case SG17_SUCI_SCHEME_MLKEM768:
        k->pub_len = SG17_MLKEM768_PUBLICKEY_BYTES;
        return sg17_mlkem_seed_expand(SG17_MLKEM_768, k->priv, k->priv_len, k->pub, sizeof k->pub,
                                      k->dk, sizeof k->dk);
    case SG17_SUCI_SCHEME_XWING: {
        uint8_t pk_m[SG17_MLKEM768_PUBLICKEY_BYTES];
        k->pub_len = SG17_XWING_PUBLICKEY_BYTES;
        rc = sg17_xwing_keygen_derand(k->pub, k->priv);
        /* expandDecapsulationKey (draft §5.2), kept expanded for the SIDF. */
        sg17_shake256(ex, sizeof ex, k->priv, 32);
        if (rc == 0)
            rc = sg17_mlkem_keygen_derand(SG17_MLKEM_768, ex, ex + 32, pk_m, sizeof pk_m, k->dk,
                                          sizeof k->dk);
        memcpy(k->x_sk, ex + 64, 32);
        sg17_memzero(ex, sizeof ex);
        return rc ? rc : sg17_x25519_key_new(&k->x25519, k->x_sk);
    }
    default: return SG17_E_UNSUPPORTED;
    }
}

/* The public key, and the copy of ek and H(ek) inside the expanded ML-KEM
 * dk (FIPS 203 Alg. 16: dk = dk_PKE || ek || H(ek) || z), are public although
 * computed from the private key (for the valgrind constant-time test). */
static void declassify_public(sg17_suci_key *k)
{
    SG17_CT_DECLASSIFY(k->pub, sizeof k->pub);
    if (k->scheme == SG17_SUCI_SCHEME_MLKEM768 || k->scheme == SG17_SUCI_SCHEME_XWING)
        SG17_CT_DECLASSIFY(k->dk + sizeof k->dk - SG17_MLKEM768_PUBLICKEY_BYTES - 64,
                           SG17_MLKEM768_PUBLICKEY_BYTES + 32);
}

int sg17_suci_key_import(unsigned scheme, unsigned key_id, const uint8_t *priv, size_t priv_len,
                         sg17_suci_key **out)
{
    sg17_suci_key *k = NULL;
    int rc = new_key(scheme, key_id, &k);
    if (rc)
        return rc;
    if (!priv || priv_len != sg17_suci_private_key_bytes(scheme)) {
        rc = SG17_E_FORMAT;
        goto done;
    }
    memcpy(k->priv, priv, priv_len);
    k->priv_len = priv_len;
    k->has_priv = 1;
    rc = expand_private(k);
    declassify_public(k);
done:
    if (rc) {
        sg17_suci_key_free(k);
        k = NULL;
    }
    *out = k;
    return rc;
}

int sg17_suci_key_import_public(unsigned scheme, unsigned key_id, const uint8_t *pub,
                                size_t pub_len, sg17_suci_key **out)
{
    uint8_t pk65[65];
    sg17_suci_key *k = NULL;
    int rc = new_key(scheme, key_id, &k);
    if (rc)
        return rc;
    rc = SG17_E_FORMAT;
    if (!pub)
        goto done;
    if (scheme == SG17_SUCI_SCHEME_PROFILE_B && pub_len == 65 && pub[0] == 0x04) {
        if (sg17_p256_compress(k->pub, pub) == 0 && sg17_p256_decompress(pk65, k->pub) == 0 &&
            memcmp(pk65, pub, 65) == 0)
            rc = 0;
        k->pub_len = 33;
        goto done;
    }
    if (pub_len != sg17_suci_public_key_bytes(scheme))
        goto done;
    memcpy(k->pub, pub, pub_len);
    k->pub_len = pub_len;
    if (scheme == SG17_SUCI_SCHEME_PROFILE_A)
        rc = 0;
    else if (scheme == SG17_SUCI_SCHEME_PROFILE_B)
        rc = sg17_p256_decompress(pk65, pub) ? SG17_E_FORMAT : 0;
    else
        rc = sg17_mlkem_check_ek(SG17_MLKEM_768, pub, SG17_MLKEM768_PUBLICKEY_BYTES) ? SG17_E_FORMAT
                                                                                     : 0;
done:
    if (rc) {
        sg17_suci_key_free(k);
        k = NULL;
    }
    *out = k;
    return rc;
}

int sg17_suci_key_generate(unsigned scheme, unsigned key_id, sg17_suci_key **out)
{
    uint8_t priv[SUCI_MAX_PRIV];
    size_t n = sg17_suci_private_key_bytes(scheme);
    int rc;
    if (!out)
        return SG17_E_INVAL;
    *out = NULL;
    if (n == 0)
        return SG17_E_UNSUPPORTED;
    for (int tries = 0; tries < 4; tries++) {
        rc = sg17_randombytes(priv, n);
        if (rc == 0)
            rc = sg17_suci_key_import(scheme, key_id, priv, n, out);
        /* Only a P-256 scalar >= n can fail here (probability 2^-32). */
        if (rc != SG17_E_FORMAT)
            break;
    }
    sg17_memzero(priv, sizeof priv);
    return rc;
}
