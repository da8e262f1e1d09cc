/*
 * AES modes over OpenSSL EVP: CTR (SP 800-38A §6.5), GCM (SP 800-38D) and
 * key wrap (RFC 3394 / SP 800-38F KW).
 */
#include <limits.h>
#include <string.h>

#include <openssl/evp.h>

#include "sg17/crypto.h"

/* EVP lengths are int: feed long buffers in chunks below INT_MAX. */
#define AES_CHUNK ((size_t)1 << 30)

static int update_chunked(EVP_CIPHER_CTX *ctx, uint8_t *out, const uint8_t *in, size_t len)
{
    while (len > 0) {
        size_t n = len < AES_CHUNK ? len : AES_CHUNK;
        int outl = 0;
        if (EVP_CipherUpdate(ctx, out, &outl, in, (int)n) != 1)
            return 0;
        if (out != NULL && (size_t)outl != n)
            return 0;
        if (out != NULL)
            out += n;
        in += n;
        len -= n;
    }
    return 1;
}

int sg17_aes_ctr(const uint8_t *key, size_t key_len, const uint8_t iv[16], const uint8_t *in,
                 size_t len, uint8_t *out)
{
    const EVP_CIPHER *c = key_len == 16   ? EVP_aes_128_ctr()
                          : key_len == 32 ? EVP_aes_256_ctr()
                                          : NULL;
    if (c == NULL)
        return SG17_E_INVAL;
    if (key == NULL || iv == NULL || ((in == NULL || out == NULL) && len != 0))
        return SG17_E_INVAL;
    if (len == 0)
        return 0;
    EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
    if (ctx == NULL)
        return SG17_E_NOMEM;
    int ok = EVP_EncryptInit_ex2(ctx, c, key, iv, NULL) == 1 && update_chunked(ctx, out, in, len);
    EVP_CIPHER_CTX_free(ctx); /* cleanses the key schedule */
    if (!ok) {
        sg17_memzero(out, len);
        return SG17_E_CRYPTO;
    }
    return 0;
}

static const EVP_CIPHER *gcm_cipher(size_t key_len)
{
    switch (key_len) {
    case 16: return EVP_aes_128_gcm();
    case 24: return EVP_aes_192_gcm();
    case 32: return EVP_aes_256_gcm();
    default: return NULL;
    }
}

/* Common GCM set-up: cipher, IV length, key+IV, AAD. enc is 1 or 0. */
static int gcm_start(EVP_CIPHER_CTX *ctx, const EVP_CIPHER *c, int enc, const uint8_t *key,
                     const uint8_t *iv, size_t iv_len, const uint8_t *aad, size_t aad_len)
{
    return EVP_CipherInit_ex2(ctx, c, NULL, NULL, enc, NULL) == 1 &&
           EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_IVLEN, (int)iv_len, NULL) == 1 &&
           EVP_CipherInit_ex2(ctx, NULL, key, iv, enc, NULL) == 1 &&
           (aad_len == 0 || update_chunked(ctx, NULL, aad, aad_len));
}

static int gcm_check_args(const uint8_t *key, size_t key_len, const uint8_t *iv, size_t iv_len,
                          const uint8_t *aad, size_t aad_len, const uint8_t *in, size_t len,
                          const uint8_t *out, const uint8_t *tag)
{
    if (gcm_cipher(key_len) == NULL || key == NULL || tag == NULL)
        return SG17_E_INVAL;
    /* SP 800-38D §5.2.1.1: IV of 1..2^64 bits; OpenSSL takes an int. */
    if (iv == NULL || iv_len == 0 || iv_len > 1024)
        return SG17_E_INVAL;
    if ((aad == NULL && aad_len != 0) || ((in == NULL || out == NULL) && len != 0))
        return SG17_E_INVAL;
    /* SP 800-38D §5.2.1.1: plaintext at most 2^39 - 256 bits. */
    if ((uint64_t)len > (((uint64_t)1 << 36) - 32))
        return SG17_E_LIMIT;
    return 0;
}

int sg17_aes_gcm_seal(const uint8_t *key, size_t key_len, const uint8_t *iv, size_t iv_len,
                      const uint8_t *aad, size_t aad_len, const uint8_t *in, size_t len,
                      uint8_t *out, uint8_t tag[16])
{
    int rc = gcm_check_args(key, key_len, iv, iv_len, aad, aad_len, in, len, out, tag);
    if (rc != 0)
        return rc;
    EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
    if (ctx == NULL)
        return SG17_E_NOMEM;
    uint8_t fin[16];
    int outl = 0;
    int ok = gcm_start(ctx, gcm_cipher(key_len), 1, key, iv, iv_len, aad, aad_len) &&
             (len == 0 || update_chunked(ctx, out, in, len)) &&
             EVP_EncryptFinal_ex(ctx, fin, &outl) == 1 && outl == 0 &&
             EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, 16, tag) == 1;
    EVP_CIPHER_CTX_free(ctx);
    if (!ok) {
        sg17_memzero(out, len);
        sg17_memzero(tag, 16);
        return SG17_E_CRYPTO;
    }
    return 0;
}

int sg17_aes_gcm_open(const uint8_t *key, size_t key_len, const uint8_t *iv, size_t iv_len,
                      const uint8_t *aad, size_t aad_len, const uint8_t *in, size_t len,
                      const uint8_t tag[16], uint8_t *out)
{
    int rc = gcm_check_args(key, key_len, iv, iv_len, aad, aad_len, in, len, out, tag);
    if (rc != 0)
        return rc;
    EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
    if (ctx == NULL)
        return SG17_E_NOMEM;
    uint8_t tag_copy[16], fin[16];
    memcpy(tag_copy, tag, 16); /* the ctrl takes a non-const pointer */
    int outl = 0;
    rc = SG17_E_CRYPTO;
    if (gcm_start(ctx, gcm_cipher(key_len), 0, key, iv, iv_len, aad, aad_len) &&
        (len == 0 || update_chunked(ctx, out, in, len)) &&
        EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, 16, tag_copy) == 1) {
        /* OpenSSL compares the tag in constant time (CRYPTO_memcmp). */
        rc = EVP_DecryptFinal_ex(ctx, fin, &outl) == 1 && outl == 0 ? 0 : SG17_E_VERIFY;
    }
    EVP_CIPHER_CTX_free(ctx);
    if (rc != 0)
        sg17_memzero(out, len); /* never release unauthenticated plaintext */
    return rc;
}

static const EVP_CIPHER *kw_cipher(size_t kek_len)
{
    switch (kek_len) {
    case 16: return EVP_aes_128_wrap();
    case 24: return EVP_aes_192_wrap();
    case 32: return EVP_aes_256_wrap();
    default: return NULL;
    }
}

/* RFC 3394 §2.2.1/§2.2.2: n >= 2 64-bit blocks of key data. */
static int kw_run(int enc, const uint8_t *kek, size_t kek_len, const uint8_t *in, size_t in_len,
                  uint8_t *out, size_t out_len)
{
    EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
    if (ctx == NULL)
        return SG17_E_NOMEM;
    /* Needed by pre-3.0 EVP; harmless and explicit with providers. */
    EVP_CIPHER_CTX_set_flags(ctx, EVP_CIPHER_CTX_FLAG_WRAP_ALLOW);
    int outl = 0, finl = 0;
    int ok = EVP_CipherInit_ex2(ctx, kw_cipher(kek_len), kek, NULL, enc, NULL) == 1 &&
             EVP_CipherUpdate(ctx, out, &outl, in, (int)in_len) == 1 &&
             (size_t)outl == out_len && EVP_CipherFinal_ex(ctx, out + outl, &finl) == 1 &&
             finl == 0;
    EVP_CIPHER_CTX_free(ctx);
    if (!ok) {
        sg17_memzero(out, out_len);
        return enc ? SG17_E_CRYPTO : SG17_E_VERIFY;
    }
    return 0;
}

int sg17_aes_kw_wrap(const uint8_t *kek, size_t kek_len, const uint8_t *in, size_t in_len,
                     uint8_t *out)
{
    if (kw_cipher(kek_len) == NULL || kek == NULL || in == NULL || out == NULL)
        return SG17_E_INVAL;
    if (in_len < 16 || in_len % 8 != 0)
        return SG17_E_INVAL;
    if (in_len > (size_t)INT_MAX - 8)
        return SG17_E_LIMIT;
    return kw_run(1, kek, kek_len, in, in_len, out, in_len + 8);
}

int sg17_aes_kw_unwrap(const uint8_t *kek, size_t kek_len, const uint8_t *in, size_t in_len,
                       uint8_t *out)
{
    if (kw_cipher(kek_len) == NULL || kek == NULL || in == NULL || out == NULL)
        return SG17_E_INVAL;
    if (in_len < 24 || in_len % 8 != 0)
        return SG17_E_FORMAT;
    if (in_len > (size_t)INT_MAX)
        return SG17_E_LIMIT;
    return kw_run(0, kek, kek_len, in, in_len, out, in_len - 8);
}
