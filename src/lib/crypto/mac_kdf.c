/*
 * HMAC (RFC 2104 / FIPS 198-1), HKDF (RFC 5869) and the ANSI X9.63 KDF
 * (SEC 1 v2 §3.6.1) over OpenSSL 3.0 EVP_MAC / EVP_KDF.
 */
#include <limits.h>
#include <pthread.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/params.h>

#include "crypto_internal.h"
#include "sg17/crypto.h"

/* Fixed-output digests usable inside HMAC/HKDF/X9.63 (no XOFs). */
static const char *kdf_digest_name(sg17_hash_alg alg)
{
    switch (alg) {
    case SG17_HASH_SHA224: return "SHA2-224";
    case SG17_HASH_SHA256: return "SHA2-256";
    case SG17_HASH_SHA384: return "SHA2-384";
    case SG17_HASH_SHA512: return "SHA2-512";
    case SG17_HASH_SHA512_224: return "SHA2-512/224";
    case SG17_HASH_SHA512_256: return "SHA2-512/256";
    case SG17_HASH_SHA3_224: return "SHA3-224";
    case SG17_HASH_SHA3_256: return "SHA3-256";
    case SG17_HASH_SHA3_384: return "SHA3-384";
    case SG17_HASH_SHA3_512: return "SHA3-512";
    default: return NULL;
    }
}

/* HMAC and the KDFs are fetched once per process; fetching on every call
 * costs about as much as a short HMAC itself. */
static EVP_MAC *hmac_alg;
static EVP_KDF *hkdf_alg, *x963_alg;
static pthread_once_t fetch_once = PTHREAD_ONCE_INIT;

static void fetch_all(void)
{
    hmac_alg = EVP_MAC_fetch(NULL, "HMAC", NULL);
    hkdf_alg = EVP_KDF_fetch(NULL, "HKDF", NULL);
    x963_alg = EVP_KDF_fetch(NULL, "X963KDF", NULL);
}

static int fetched(void)
{
    return pthread_once(&fetch_once, fetch_all) == 0;
}

/* OSSL_PARAM takes non-const pointers; OpenSSL only reads these buffers. */
static void *unconst(const void *p)
{
    return (void *)(uintptr_t)p;
}

/* An empty buffer may arrive as NULL; OpenSSL wants a valid pointer. */
static const uint8_t empty_buf[1];
static const uint8_t *or_empty(const uint8_t *p)
{
    return p != NULL ? p : empty_buf;
}

int sg17_hmac(sg17_hash_alg alg, const uint8_t *key, size_t key_len, const uint8_t *msg,
              size_t msg_len, uint8_t *out)
{
    const char *dname = kdf_digest_name(alg);
    if (dname == NULL)
        return SG17_E_UNSUPPORTED;
    if (out == NULL || (key == NULL && key_len != 0) || (msg == NULL && msg_len != 0))
        return SG17_E_INVAL;
    size_t md_len = sg17_hash_len(alg);
    int rc = SG17_E_CRYPTO;
    EVP_MAC_CTX *ctx = fetched() && hmac_alg != NULL ? EVP_MAC_CTX_new(hmac_alg) : NULL;
    if (ctx == NULL)
        goto cleanup;
    OSSL_PARAM params[2] = {
        OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, unconst(dname), 0),
        OSSL_PARAM_construct_end(),
    };
    size_t got = 0;
    if (EVP_MAC_init(ctx, or_empty(key), key_len, params) != 1 ||
        EVP_MAC_update(ctx, or_empty(msg), msg_len) != 1 ||
        EVP_MAC_final(ctx, out, &got, md_len) != 1 || got != md_len)
        goto cleanup;
    rc = 0;
cleanup:
    if (rc != 0)
        sg17_memzero(out, md_len);
    EVP_MAC_CTX_free(ctx); /* frees (and OpenSSL cleanses) the keyed state */
    return rc;
}

/* ---- incremental HMAC ------------------------------------------------- */

int sg17_hmac_init(sg17_hmac_ctx *c, sg17_hash_alg alg, const uint8_t *key, size_t key_len)
{
    if (c == NULL)
        return SG17_E_INVAL;
    c->impl = NULL;
    c->out_len = 0;
    const char *dname = kdf_digest_name(alg);
    if (dname == NULL)
        return SG17_E_UNSUPPORTED;
    if (key == NULL && key_len != 0)
        return SG17_E_INVAL;
    EVP_MAC_CTX *ctx = fetched() && hmac_alg != NULL ? EVP_MAC_CTX_new(hmac_alg) : NULL;
    if (ctx == NULL)
        return SG17_E_NOMEM;
    OSSL_PARAM params[2] = {
        OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, unconst(dname), 0),
        OSSL_PARAM_construct_end(),
    };
    if (EVP_MAC_init(ctx, or_empty(key), key_len, params) != 1) {
        EVP_MAC_CTX_free(ctx);
        return SG17_E_CRYPTO;
    }
    c->impl = ctx;
    c->out_len = sg17_hash_len(alg);
    return 0;
}

int sg17_hmac_update(sg17_hmac_ctx *c, const uint8_t *in, size_t len)
{
    if (c == NULL || c->impl == NULL || (in == NULL && len != 0))
        return SG17_E_INVAL;
    if (len == 0)
        return 0;
    return EVP_MAC_update((EVP_MAC_CTX *)c->impl, in, len) == 1 ? 0 : SG17_E_CRYPTO;
}

int sg17_hmac_final(sg17_hmac_ctx *c, uint8_t *out)
{
    if (c == NULL || out == NULL || c->impl == NULL)
        return SG17_E_INVAL;
    size_t got = 0, n = c->out_len;
    int rc =
        EVP_MAC_final((EVP_MAC_CTX *)c->impl, out, &got, n) == 1 && got == n ? 0 : SG17_E_CRYPTO;
    if (rc != 0)
        sg17_memzero(out, n);
    sg17_hmac_ctx_free(c);
    return rc;
}

int sg17_hmac_copy(sg17_hmac_ctx *dst, const sg17_hmac_ctx *src)
{
    if (dst == NULL || src == NULL || src->impl == NULL || dst == src)
        return SG17_E_INVAL;
    EVP_MAC_CTX *ctx = EVP_MAC_CTX_dup((const EVP_MAC_CTX *)src->impl);
    if (ctx == NULL)
        return SG17_E_NOMEM;
    dst->impl = ctx;
    dst->out_len = src->out_len;
    return 0;
}

void sg17_hmac_ctx_free(sg17_hmac_ctx *c)
{
    if (c == NULL)
        return;
    EVP_MAC_CTX_free((EVP_MAC_CTX *)c->impl); /* OpenSSL cleanses the keyed state */
    c->impl = NULL;
    c->out_len = 0;
}

/* Run the named EVP_KDF with the given parameters into out. */
static int run_kdf(int x963, OSSL_PARAM *params, uint8_t *out, size_t out_len)
{
    int rc = SG17_E_CRYPTO;
    EVP_KDF *kdf = fetched() ? (x963 ? x963_alg : hkdf_alg) : NULL;
    EVP_KDF_CTX *ctx = kdf != NULL ? EVP_KDF_CTX_new(kdf) : NULL;
    if (ctx != NULL && EVP_KDF_derive(ctx, out, out_len, params) == 1)
        rc = 0;
    if (rc != 0)
        sg17_memzero(out, out_len);
    EVP_KDF_CTX_free(ctx);
    return rc;
}

/* RFC 5869 §2.2-2.3 with IKM = "": PRK = HMAC(salt, ""), then Expand only.
 * An absent salt is HashLen zero bytes (§2.2). */
static int hkdf_empty_ikm(sg17_hash_alg alg, const char *dname, const uint8_t *salt,
                          size_t salt_len, const uint8_t *info, size_t info_len, uint8_t *out,
                          size_t out_len)
{
    static const uint8_t zeros[64];
    uint8_t prk[64];
    size_t md_len = sg17_hash_len(alg);
    int rc = salt_len != 0 ? sg17_hmac(alg, salt, salt_len, NULL, 0, prk)
                           : sg17_hmac(alg, zeros, md_len, NULL, 0, prk);
    if (rc == 0) {
        OSSL_PARAM params[5];
        size_t n = 0;
        params[n++] = OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, unconst(dname), 0);
        params[n++] =
            OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_MODE, unconst("EXPAND_ONLY"), 0);
        params[n++] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, prk, md_len);
        if (info_len != 0)
            params[n++] =
                OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO, unconst(info), info_len);
        params[n] = OSSL_PARAM_construct_end();
        rc = run_kdf(0, params, out, out_len);
    }
    sg17_memzero(prk, sizeof prk);
    return rc;
}

int sg17_hkdf(sg17_hash_alg alg, const uint8_t *salt, size_t salt_len, const uint8_t *ikm,
              size_t ikm_len, const uint8_t *info, size_t info_len, uint8_t *out, size_t out_len)
{
    const char *dname = kdf_digest_name(alg);
    if (dname == NULL)
        return SG17_E_UNSUPPORTED;
    if ((out == NULL && out_len != 0) || (salt == NULL && salt_len != 0) ||
        (ikm == NULL && ikm_len != 0) || (info == NULL && info_len != 0))
        return SG17_E_INVAL;
    if (out_len == 0)
        return 0;
    if (out_len > 255 * sg17_hash_len(alg)) /* RFC 5869 §2.3: L <= 255*HashLen */
        return SG17_E_LIMIT;
    /* OpenSSL's one-step HKDF refuses a zero-length IKM, which RFC 5869
     * allows: then do Extract with HMAC ourselves and Expand in OpenSSL. */
    if (ikm_len == 0)
        return hkdf_empty_ikm(alg, dname, salt, salt_len, info, info_len, out, out_len);
    OSSL_PARAM params[5];
    size_t n = 0;
    params[n++] = OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, unconst(dname), 0);
    params[n++] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, unconst(ikm), ikm_len);
    if (salt_len != 0)
        params[n++] =
            OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT, unconst(salt), salt_len);
    if (info_len != 0)
        params[n++] =
            OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO, unconst(info), info_len);
    params[n] = OSSL_PARAM_construct_end();
    return run_kdf(0, params, out, out_len);
}

int sg17_x963_kdf(sg17_hash_alg alg, const uint8_t *z, size_t z_len, const uint8_t *shared_info,
                  size_t info_len, uint8_t *out, size_t out_len)
{
    const char *dname = kdf_digest_name(alg);
    if (dname == NULL)
        return SG17_E_UNSUPPORTED;
    if ((out == NULL && out_len != 0) || z == NULL || z_len == 0 ||
        (shared_info == NULL && info_len != 0))
        return SG17_E_INVAL;
    if (out_len == 0)
        return 0;
    /* SEC 1 §3.6.1 step 2: keydatalen < hashlen * (2^32 - 1). */
    if (out_len / sg17_hash_len(alg) >= 0xFFFFFFFFu)
        return SG17_E_LIMIT;
    OSSL_PARAM params[4];
    size_t n = 0;
    params[n++] = OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, unconst(dname), 0);
    params[n++] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, unconst(z), z_len);
    if (info_len != 0)
        params[n++] =
            OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO, unconst(shared_info), info_len);
    params[n] = OSSL_PARAM_construct_end();
    return run_kdf(1, params, out, out_len);
}

int sg17_pbkdf2(sg17_hash_alg alg, const uint8_t *pass, size_t pass_len, const uint8_t *salt,
                size_t salt_len, unsigned iterations, uint8_t *out, size_t out_len)
{
    const EVP_MD *md = sg17_crypto_md(alg);
    if (md == NULL)
        return SG17_E_UNSUPPORTED;
    if (out == NULL || out_len == 0 || (pass == NULL && pass_len != 0) ||
        (salt == NULL && salt_len != 0) || iterations == 0 || iterations > INT_MAX ||
        pass_len > INT_MAX || salt_len > INT_MAX || out_len > INT_MAX)
        return SG17_E_INVAL;
    static const uint8_t empty[1];
    if (PKCS5_PBKDF2_HMAC((const char *)(pass ? pass : empty), (int)pass_len, salt ? salt : empty,
                          (int)salt_len, (int)iterations, md, (int)out_len, out) != 1) {
        sg17_memzero(out, out_len);
        return SG17_E_CRYPTO;
    }
    return 0;
}
