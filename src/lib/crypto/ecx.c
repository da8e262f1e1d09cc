/*
 * X25519 (RFC 7748) and Ed25519 (RFC 8032 §5.1, pure) over OpenSSL raw
 * EVP_PKEY keys. Key generation draws the 32-byte secret from
 * sg17_randombytes so that a test RNG source makes it deterministic.
 */
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include "ct_internal.h"
#include "sg17/crypto.h"

static EVP_PKEY *raw_priv(int type, const uint8_t sk[32])
{
    return EVP_PKEY_new_raw_private_key(type, NULL, sk, 32);
}

/* The raw 32-byte public key of a private EVP_PKEY. */
static int raw_pub_of(int type, uint8_t pk[32], const uint8_t sk[32])
{
    if (pk == NULL || sk == NULL)
        return SG17_E_INVAL;
    EVP_PKEY *key = raw_priv(type, sk);
    size_t n = 32;
    int ok = key != NULL && EVP_PKEY_get_raw_public_key(key, pk, &n) == 1 && n == 32;
    EVP_PKEY_free(key); /* OpenSSL cleanses the private key on free */
    if (!ok) {
        sg17_memzero(pk, 32);
        return SG17_E_CRYPTO;
    }
    return 0;
}

static int keygen(int type, uint8_t sk[32], uint8_t pk[32])
{
    if (sk == NULL || pk == NULL)
        return SG17_E_INVAL;
    int rc = sg17_randombytes(sk, 32);
    if (rc == 0)
        rc = raw_pub_of(type, pk, sk);
    if (rc != 0)
        sg17_memzero(sk, 32);
    return rc;
}

/* ---- X25519 ---------------------------------------------------------- */

int sg17_x25519_keygen(uint8_t sk[32], uint8_t pk[32])
{
    return keygen(EVP_PKEY_X25519, sk, pk);
}

int sg17_x25519_public(uint8_t pk[32], const uint8_t sk[32])
{
    return raw_pub_of(EVP_PKEY_X25519, pk, sk);
}

/* ---- X25519 prepared private key -------------------------------------- */

struct sg17_x25519_key {
    EVP_PKEY *pkey; /* private key; OpenSSL cleanses it on free */
};

/*
 * The EVP_PKEY is imported with EVP_PKEY_fromdata from the private key AND a
 * placeholder public key (all zero). Given only the private key, OpenSSL
 * computes the public key, a fixed-base scalar multiplication (~96k TSC
 * cycles measured, as much as the derive itself). OpenSSL's X25519 derive
 * reads only the private key and the peer's public key, and this EVP_PKEY
 * never leaves the object, so the placeholder is never used.
 */
int sg17_x25519_key_new(sg17_x25519_key **out, const uint8_t sk[32])
{
    static uint8_t placeholder_pub[32]; /* read only; OSSL_PARAM wants a non-const pointer */
    uint8_t priv[32];
    if (out == NULL)
        return SG17_E_INVAL;
    *out = NULL;
    if (sk == NULL)
        return SG17_E_INVAL;
    sg17_x25519_key *k = OPENSSL_zalloc(sizeof *k);
    if (k == NULL)
        return SG17_E_NOMEM;
    memcpy(priv, sk, 32);
    EVP_PKEY_CTX *fc = EVP_PKEY_CTX_new_from_name(NULL, "X25519", NULL);
    OSSL_PARAM params[3] = {
        OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PRIV_KEY, priv, 32),
        OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY, placeholder_pub, 32),
        OSSL_PARAM_construct_end(),
    };
    if (fc == NULL || EVP_PKEY_fromdata_init(fc) != 1 ||
        EVP_PKEY_fromdata(fc, &k->pkey, EVP_PKEY_KEYPAIR, params) != 1) {
        EVP_PKEY_free(k->pkey); /* NULL-safe */
        OPENSSL_free(k);
        k = NULL;
    }
    EVP_PKEY_CTX_free(fc);
    sg17_memzero(priv, sizeof priv);
    if (k == NULL)
        return SG17_E_CRYPTO;
    *out = k;
    return 0;
}

void sg17_x25519_key_free(sg17_x25519_key *key)
{
    if (key == NULL)
        return;
    EVP_PKEY_free(key->pkey); /* OpenSSL cleanses the private key on free */
    sg17_memzero(key, sizeof *key);
    OPENSSL_free(key);
}

/*
 * A fresh EVP_PKEY_CTX per call, on the shared EVP_PKEY: a context cannot be
 * used by two threads at once and the SIDF derives from one key in many
 * threads; the context costs ~4k TSC cycles against ~87k for the derive
 * (measured with a reused context, OpenSSL 3.0.19).
 */
int sg17_x25519_key_derive(const sg17_x25519_key *key, uint8_t shared[32],
                           const uint8_t peer[32])
{
    if (shared == NULL)
        return SG17_E_INVAL;
    if (key == NULL || key->pkey == NULL || peer == NULL) {
        sg17_memzero(shared, 32);
        return SG17_E_INVAL;
    }
    int rc = SG17_E_CRYPTO;
    EVP_PKEY *pub = EVP_PKEY_new_raw_public_key(EVP_PKEY_X25519, NULL, peer, 32);
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_pkey(NULL, key->pkey, NULL);
    if (ctx == NULL || pub == NULL || EVP_PKEY_derive_init(ctx) != 1 ||
        EVP_PKEY_derive_set_peer_ex(ctx, pub, 0) != 1)
        goto cleanup;
    size_t n = 32;
    /* OpenSSL's X25519 derive fails only when the result is all-zero
     * (RFC 7748 §6.1 check, a small-order peer); report that as VERIFY. */
    if (EVP_PKEY_derive(ctx, shared, &n) != 1 || n != 32) {
        rc = SG17_E_VERIFY;
        goto cleanup;
    }
    /* Whether the result is zero depends only on the peer point (small
     * order gives zero for every clamped scalar), so it may be public. */
    static const uint8_t zero[32];
    int is_zero = sg17_ct_memeq(shared, zero, 32);
    SG17_CT_DECLASSIFY(&is_zero, sizeof is_zero);
    rc = is_zero ? SG17_E_VERIFY : 0;
cleanup:
    if (rc != 0)
        sg17_memzero(shared, 32);
    EVP_PKEY_CTX_free(ctx);
    EVP_PKEY_free(pub);
    return rc;
}

int sg17_x25519(uint8_t shared[32], const uint8_t sk[32], const uint8_t peer[32])
{
    if (shared == NULL || sk == NULL || peer == NULL)
        return SG17_E_INVAL;
    sg17_x25519_key *k = NULL;
    int rc = sg17_x25519_key_new(&k, sk);
    if (rc == 0)
        rc = sg17_x25519_key_derive(k, shared, peer);
    else
        sg17_memzero(shared, 32);
    sg17_x25519_key_free(k);
    return rc;
}

/* ---- Ed25519 --------------------------------------------------------- */

int sg17_ed25519_keygen(uint8_t sk[32], uint8_t pk[32])
{
    return keygen(EVP_PKEY_ED25519, sk, pk);
}

int sg17_ed25519_public(uint8_t pk[32], const uint8_t sk[32])
{
    return raw_pub_of(EVP_PKEY_ED25519, pk, sk);
}

int sg17_ed25519_sign(uint8_t sig[64], const uint8_t sk[32], const uint8_t *msg, size_t len)
{
    static const uint8_t empty[1];
    if (sig == NULL || sk == NULL || (msg == NULL && len != 0))
        return SG17_E_INVAL;
    int rc = SG17_E_CRYPTO;
    EVP_PKEY *key = raw_priv(EVP_PKEY_ED25519, sk);
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    size_t n = 64;
    /* Pure Ed25519: no digest, one-shot (RFC 8032 §5.1.6). */
    if (key != NULL && md != NULL && EVP_DigestSignInit_ex(md, NULL, NULL, NULL, NULL, key, NULL) == 1 &&
        EVP_DigestSign(md, sig, &n, msg != NULL ? msg : empty, len) == 1 && n == 64)
        rc = 0;
    if (rc != 0)
        sg17_memzero(sig, 64);
    EVP_MD_CTX_free(md);
    EVP_PKEY_free(key);
    return rc;
}

int sg17_ed25519_verify(const uint8_t sig[64], const uint8_t pk[32], const uint8_t *msg,
                        size_t len)
{
    static const uint8_t empty[1];
    if (sig == NULL || pk == NULL || (msg == NULL && len != 0))
        return SG17_E_INVAL;
    EVP_PKEY *key = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL, pk, 32);
    if (key == NULL)
        return SG17_E_FORMAT;
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    int rc = SG17_E_NOMEM;
    if (md != NULL) {
        rc = SG17_E_CRYPTO;
        if (EVP_DigestVerifyInit_ex(md, NULL, NULL, NULL, NULL, key, NULL) == 1)
            rc = EVP_DigestVerify(md, sig, 64, msg != NULL ? msg : empty, len) == 1
                     ? 0
                     : SG17_E_VERIFY;
    }
    EVP_MD_CTX_free(md);
    EVP_PKEY_free(key);
    return rc;
}
