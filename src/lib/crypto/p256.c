/*
 * P-256 (secp256r1; FIPS 186-5, SP 800-186 §3.2.1.3) over OpenSSL 3.0:
 * key generation, public-key derivation, SEC 1 v2 §2.3.3/§2.3.4 point
 * compression with validation, ECDH (SEC 1 §3.3.1, the X coordinate) and
 * ECDSA-SHA256 with raw r||s signatures.
 * Points are parsed with EC_POINT_oct2point, which rejects coordinates >= p
 * and points not on the curve; we also reject the point at infinity and
 * any encoding other than 02/03||X (33 bytes) or 04||X||Y (65 bytes).
 */
#include <pthread.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/obj_mac.h>
#include <openssl/param_build.h>

#include "ct_internal.h"
#include "sg17/crypto.h"

/* The group order n (SP 800-186 §3.2.1.3), big-endian. */
static const uint8_t p256_n[32] = {
    0xFF, 0xFF, 0xFF, 0xFF, 0x00, 0x00, 0x00, 0x00, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
    0xBC, 0xE6, 0xFA, 0xAD, 0xA7, 0x17, 0x9E, 0x84, 0xF3, 0xB9, 0xCA, 0xC2, 0xFC, 0x63, 0x25, 0x51,
};

/* The group is immutable once built, so one shared copy serves all threads. */
static EC_GROUP *p256_group;
static pthread_once_t p256_once = PTHREAD_ONCE_INIT;

static void p256_group_init(void)
{
    p256_group = EC_GROUP_new_by_curve_name(NID_X9_62_prime256v1);
}

static const EC_GROUP *group(void)
{
    if (pthread_once(&p256_once, p256_group_init) != 0)
        return NULL;
    return p256_group;
}

/* 1 if 1 <= sk < n, in constant time (big-endian compare without branches). */
static uint32_t scalar_ok(const uint8_t sk[32])
{
    uint32_t lt = 0, eq = 0xFFFFFFFFu, nz = 0;
    for (size_t i = 0; i < 32; i++) {
        uint32_t a = sk[i], b = p256_n[i];
        lt |= eq & sg17_ct_lt_mask32(a, b);
        eq &= sg17_ct_eq_mask32(a, b);
        nz |= a;
    }
    uint32_t ok = lt & ~sg17_ct_is_zero_mask32(nz) & 1u;
    SG17_CT_DECLASSIFY(&ok, sizeof ok); /* validity of the key is public */
    return ok;
}

static BIGNUM *secret_bn(const uint8_t sk[32])
{
    BIGNUM *d = BN_secure_new();
    if (d != NULL)
        BN_set_flags(d, BN_FLG_CONSTTIME);
    if (d != NULL && BN_bin2bn(sk, 32, d) == NULL) {
        BN_clear_free(d);
        d = NULL;
    }
    return d;
}

/* Parse a 33- or 65-byte SEC 1 encoding into a validated finite point. */
static EC_POINT *parse_point(const EC_GROUP *g, const uint8_t *buf, size_t len)
{
    if (g == NULL || buf == NULL)
        return NULL;
    if (!((len == 33 && (buf[0] == 0x02 || buf[0] == 0x03)) || (len == 65 && buf[0] == 0x04)))
        return NULL;
    EC_POINT *p = EC_POINT_new(g);
    if (p == NULL)
        return NULL;
    if (EC_POINT_oct2point(g, p, buf, len, NULL) != 1 || EC_POINT_is_at_infinity(g, p) ||
        EC_POINT_is_on_curve(g, p, NULL) != 1) {
        EC_POINT_free(p);
        return NULL;
    }
    return p;
}

static int encode_point(const EC_GROUP *g, const EC_POINT *p, point_conversion_form_t form,
                        uint8_t *out, size_t out_len)
{
    return EC_POINT_point2oct(g, p, form, out, out_len, NULL) == out_len ? 0 : SG17_E_CRYPTO;
}

int sg17_p256_public(uint8_t pk[65], const uint8_t sk[32])
{
    if (pk == NULL || sk == NULL)
        return SG17_E_INVAL;
    if (!scalar_ok(sk))
        return SG17_E_FORMAT;
    const EC_GROUP *g = group();
    if (g == NULL)
        return SG17_E_CRYPTO;
    int rc = SG17_E_CRYPTO;
    BIGNUM *d = secret_bn(sk);
    EC_POINT *q = EC_POINT_new(g);
    BN_CTX *bn = BN_CTX_secure_new();
    if (d != NULL && q != NULL && bn != NULL && EC_POINT_mul(g, q, d, NULL, NULL, bn) == 1)
        rc = encode_point(g, q, POINT_CONVERSION_UNCOMPRESSED, pk, 65);
    if (rc != 0)
        sg17_memzero(pk, 65);
    BN_CTX_free(bn);
    EC_POINT_free(q);
    BN_clear_free(d);
    return rc;
}

int sg17_p256_keygen(uint8_t sk[32], uint8_t pk[65])
{
    if (sk == NULL || pk == NULL)
        return SG17_E_INVAL;
    /* FIPS 186-5 A.4.2 rejection sampling: a uniform candidate is outside
     * [1, n-1] with probability ~2^-32, so the loop bound is never reached
     * with a working RNG. */
    int rc = SG17_E_RNG;
    for (int tries = 0; tries < 64; tries++) {
        rc = sg17_randombytes(sk, 32);
        if (rc != 0)
            break;
        if (scalar_ok(sk)) {
            rc = sg17_p256_public(pk, sk);
            break;
        }
        rc = SG17_E_RNG;
    }
    if (rc != 0) {
        sg17_memzero(sk, 32);
        sg17_memzero(pk, 65);
    }
    return rc;
}

static int reencode(uint8_t *out, size_t out_len, const uint8_t *in, size_t in_len,
                    point_conversion_form_t form)
{
    if (out == NULL || in == NULL)
        return SG17_E_INVAL;
    const EC_GROUP *g = group();
    if (g == NULL)
        return SG17_E_CRYPTO;
    EC_POINT *p = parse_point(g, in, in_len);
    if (p == NULL)
        return SG17_E_FORMAT;
    int rc = encode_point(g, p, form, out, out_len);
    EC_POINT_free(p);
    return rc;
}

int sg17_p256_compress(uint8_t out[33], const uint8_t pk[65])
{
    return reencode(out, 33, pk, 65, POINT_CONVERSION_COMPRESSED);
}

int sg17_p256_decompress(uint8_t out[65], const uint8_t pk[33])
{
    return reencode(out, 65, pk, 33, POINT_CONVERSION_UNCOMPRESSED);
}

/* An EC EVP_PKEY on P-256 from a private scalar and/or an uncompressed point. */
static EVP_PKEY *make_pkey(const uint8_t *sk, const uint8_t *pub65)
{
    EVP_PKEY *pkey = NULL;
    BIGNUM *d = NULL;
    OSSL_PARAM *params = NULL;
    OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL);
    if (bld == NULL || ctx == NULL ||
        OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME, "P-256", 0) != 1)
        goto cleanup;
    /* Fixed 32-byte size: the plain push_BN would size the buffer by the
     * scalar's byte length (a secret-dependent allocation). */
    if (sk != NULL && ((d = secret_bn(sk)) == NULL ||
                       OSSL_PARAM_BLD_push_BN_pad(bld, OSSL_PKEY_PARAM_PRIV_KEY, d, 32) != 1))
        goto cleanup;
    if (pub65 != NULL &&
        OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, pub65, 65) != 1)
        goto cleanup;
    if ((params = OSSL_PARAM_BLD_to_param(bld)) == NULL || EVP_PKEY_fromdata_init(ctx) != 1)
        goto cleanup;
    if (EVP_PKEY_fromdata(ctx, &pkey, sk != NULL ? EVP_PKEY_KEYPAIR : EVP_PKEY_PUBLIC_KEY,
                          params) != 1)
        pkey = NULL;
cleanup:
    OSSL_PARAM_free(params); /* clear-frees the block holding the BN copy */
    OSSL_PARAM_BLD_free(bld);
    EVP_PKEY_CTX_free(ctx);
    BN_clear_free(d);
    return pkey;
}

/* Validate a 33/65-byte peer point and return it uncompressed. */
static int peer_uncompressed(uint8_t out[65], const uint8_t *peer, size_t peer_len)
{
    if (peer != NULL && peer_len == 65 && peer[0] == 0x04) {
        uint8_t tmp[65];
        int rc = reencode(tmp, 65, peer, 65, POINT_CONVERSION_UNCOMPRESSED);
        if (rc == 0)
            memcpy(out, tmp, 65);
        return rc;
    }
    if (peer != NULL && peer_len == 33)
        return sg17_p256_decompress(out, peer);
    return SG17_E_FORMAT;
}

/* ---- prepared private key --------------------------------------------- */

struct sg17_p256_key {
    EVP_PKEY *pkey; /* private scalar only; OpenSSL clear-frees it */
};

/*
 * A parameters-only P-256 EVP_PKEY (shared, never modified) from which each
 * peer key is duplicated: importing a peer with EVP_PKEY_fromdata rebuilds
 * the curve group from its name (~41k TSC cycles measured), EVP_PKEY_dup of
 * this template plus EVP_PKEY_set1_encoded_public_key costs ~10k.
 */
static EVP_PKEY *p256_params;
static pthread_once_t p256_params_once = PTHREAD_ONCE_INIT;

static void p256_params_init(void)
{
    OSSL_PARAM params[2] = {
        OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, (char *)"P-256", 0),
        OSSL_PARAM_construct_end(),
    };
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL);
    EVP_PKEY *pkey = NULL;
    if (ctx != NULL && EVP_PKEY_fromdata_init(ctx) == 1 &&
        EVP_PKEY_fromdata(ctx, &pkey, EVP_PKEY_KEY_PARAMETERS, params) == 1)
        p256_params = pkey;
    EVP_PKEY_CTX_free(ctx);
}

/* The EVP_PKEY of an already validated uncompressed point. */
static EVP_PKEY *peer_pkey(const uint8_t q[65])
{
    if (pthread_once(&p256_params_once, p256_params_init) != 0 || p256_params == NULL)
        return NULL;
    EVP_PKEY *pub = EVP_PKEY_dup(p256_params);
    if (pub != NULL && EVP_PKEY_set1_encoded_public_key(pub, q, 65) != 1) {
        EVP_PKEY_free(pub);
        pub = NULL;
    }
    return pub;
}

int sg17_p256_key_new(sg17_p256_key **out, const uint8_t sk[32])
{
    if (out == NULL)
        return SG17_E_INVAL;
    *out = NULL;
    if (sk == NULL)
        return SG17_E_INVAL;
    if (!scalar_ok(sk))
        return SG17_E_FORMAT;
    sg17_p256_key *k = OPENSSL_zalloc(sizeof *k);
    if (k == NULL)
        return SG17_E_NOMEM;
    /* Scalar only: OpenSSL 3.0 does not derive the public point on import,
     * and ECDH does not need it. */
    k->pkey = make_pkey(sk, NULL);
    if (k->pkey == NULL) {
        OPENSSL_free(k);
        return SG17_E_CRYPTO;
    }
    *out = k;
    return 0;
}

void sg17_p256_key_free(sg17_p256_key *key)
{
    if (key == NULL)
        return;
    EVP_PKEY_free(key->pkey);
    sg17_memzero(key, sizeof *key);
    OPENSSL_free(key);
}

int sg17_p256_key_ecdh(const sg17_p256_key *key, uint8_t shared[32], const uint8_t *peer,
                       size_t peer_len)
{
    if (shared == NULL)
        return SG17_E_INVAL;
    if (key == NULL || key->pkey == NULL) {
        sg17_memzero(shared, 32);
        return SG17_E_INVAL;
    }
    uint8_t q[65];
    int rc = peer_uncompressed(q, peer, peer_len);
    if (rc != 0) {
        sg17_memzero(shared, 32);
        return rc;
    }
    /* The peer is already validated (on the curve, not infinity; with
     * cofactor 1 that puts it in the prime-order group), so OpenSSL's own
     * peer check, which adds a full n*Q multiplication, is skipped. A fresh
     * EVP_PKEY_CTX per call keeps the shared key usable by many threads. */
    rc = SG17_E_CRYPTO;
    EVP_PKEY *pub = peer_pkey(q);
    EVP_PKEY_CTX *ctx = pub != NULL ? EVP_PKEY_CTX_new_from_pkey(NULL, key->pkey, NULL) : NULL;
    size_t n = 32;
    if (ctx != NULL && EVP_PKEY_derive_init(ctx) == 1 &&
        EVP_PKEY_derive_set_peer_ex(ctx, pub, 0) == 1 && EVP_PKEY_derive(ctx, shared, &n) == 1 &&
        n == 32)
        rc = 0;
    if (rc != 0)
        sg17_memzero(shared, 32);
    EVP_PKEY_CTX_free(ctx);
    EVP_PKEY_free(pub);
    return rc;
}

int sg17_p256_ecdh(uint8_t shared[32], const uint8_t sk[32], const uint8_t *peer,
                   size_t peer_len)
{
    if (shared == NULL || sk == NULL)
        return SG17_E_INVAL;
    if (!scalar_ok(sk))
        return SG17_E_FORMAT;
    uint8_t q[65];
    /* Validate the peer before the private key is imported. */
    int rc = peer_uncompressed(q, peer, peer_len);
    if (rc != 0)
        return rc;
    sg17_p256_key *k = NULL;
    rc = sg17_p256_key_new(&k, sk);
    if (rc == 0)
        rc = sg17_p256_key_ecdh(k, shared, q, 65);
    else
        sg17_memzero(shared, 32);
    sg17_p256_key_free(k);
    return rc;
}

int sg17_p256_sign(uint8_t sig[64], const uint8_t sk[32], const uint8_t *msg, size_t len)
{
    static const uint8_t empty[1];
    if (sig == NULL || sk == NULL || (msg == NULL && len != 0))
        return SG17_E_INVAL;
    if (!scalar_ok(sk))
        return SG17_E_FORMAT;
    int rc = SG17_E_CRYPTO;
    uint8_t der[80];
    size_t der_len = sizeof der;
    ECDSA_SIG *es = NULL;
    EVP_PKEY *key = make_pkey(sk, NULL);
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    if (key == NULL || md == NULL ||
        EVP_DigestSignInit_ex(md, NULL, "SHA2-256", NULL, NULL, key, NULL) != 1 ||
        EVP_DigestSign(md, der, &der_len, msg != NULL ? msg : empty, len) != 1)
        goto cleanup;
    const uint8_t *p = der;
    es = d2i_ECDSA_SIG(NULL, &p, (long)der_len);
    if (es == NULL)
        goto cleanup;
    if (BN_bn2binpad(ECDSA_SIG_get0_r(es), sig, 32) == 32 &&
        BN_bn2binpad(ECDSA_SIG_get0_s(es), sig + 32, 32) == 32)
        rc = 0;
cleanup:
    if (rc != 0)
        sg17_memzero(sig, 64);
    ECDSA_SIG_free(es);
    EVP_MD_CTX_free(md);
    EVP_PKEY_free(key);
    return rc;
}

/* DER-encode raw r||s for OpenSSL's verifier; 0 on failure. */
static size_t sig_to_der(uint8_t der[80], const uint8_t sig[64])
{
    ECDSA_SIG *es = ECDSA_SIG_new();
    BIGNUM *r = BN_bin2bn(sig, 32, NULL);
    BIGNUM *s = BN_bin2bn(sig + 32, 32, NULL);
    size_t n = 0;
    if (es != NULL && r != NULL && s != NULL && ECDSA_SIG_set0(es, r, s) == 1) {
        r = s = NULL; /* owned by es now */
        int need = i2d_ECDSA_SIG(es, NULL);
        uint8_t *p = der;
        if (need > 0 && need <= 80 && i2d_ECDSA_SIG(es, &p) == need)
            n = (size_t)need;
    }
    BN_free(r);
    BN_free(s);
    ECDSA_SIG_free(es);
    return n;
}

int sg17_p256_verify(const uint8_t sig[64], const uint8_t *pk, size_t pk_len, const uint8_t *msg,
                     size_t len)
{
    static const uint8_t empty[1];
    if (sig == NULL || (msg == NULL && len != 0))
        return SG17_E_INVAL;
    uint8_t q[65], der[80];
    int rc = peer_uncompressed(q, pk, pk_len);
    if (rc != 0)
        return rc;
    size_t der_len = sig_to_der(der, sig);
    if (der_len == 0)
        return SG17_E_CRYPTO;
    EVP_PKEY *key = make_pkey(NULL, q);
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    rc = SG17_E_CRYPTO;
    if (key != NULL && md != NULL &&
        EVP_DigestVerifyInit_ex(md, NULL, "SHA2-256", NULL, NULL, key, NULL) == 1) {
        /* r or s of zero or >= n, or a wrong signature: all are "bad signature". */
        rc = EVP_DigestVerify(md, der, der_len, msg != NULL ? msg : empty, len) == 1
                 ? 0
                 : SG17_E_VERIFY;
    }
    EVP_MD_CTX_free(md);
    EVP_PKEY_free(key);
    return rc;
}
