/*
 * Hash functions over OpenSSL libcrypto: the generic sg17_hash (SHA-2,
 * SHA-3, SHAKE with fixed-length output) through EVP with fetched digests
 * cached once, and the copyable incremental SHA-256/SHA-512 contexts
 * (FIPS 180-4) used on the LMS and SLH-DSA hot path.
 */

/*
 * SHA256_Init/Update/Final and SHA512_* are deprecated in OpenSSL 3.0 but
 * remain supported. We use them deliberately, in this file only: their
 * contexts are plain structs that can be copied by value, so LMS (RFC 8554)
 * and SLH-DSA (FIPS 205) can reuse a precomputed midstate for the common
 * key prefix without EVP_MD_CTX_copy_ex, and a short hash is cheaper than
 * through EVP. Measured on the 2-core dev box (gcc -O2, OpenSSL 3.0.19, one
 * 55-byte message, noisy shared machine): ~100 ns per init/update/final
 * here against ~160-185 ns for EVP_DigestInit_ex2/Update/Final_ex with a
 * fetched, reused EVP_MD and EVP_MD_CTX; midstate copy + 33-byte tail
 * ~110-135 ns against ~130-200 ns with EVP_MD_CTX_copy_ex.
 */
#define OPENSSL_SUPPRESS_DEPRECATED 1

#include <pthread.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/sha.h>

#include "crypto_internal.h"
#include "sg17/crypto.h"

_Static_assert(sizeof(sg17_sha256_ctx) >= sizeof(SHA256_CTX),
               "sg17_sha256_ctx too small for OpenSSL SHA256_CTX");
_Static_assert(sizeof(sg17_sha512_ctx) >= sizeof(SHA512_CTX),
               "sg17_sha512_ctx too small for OpenSSL SHA512_CTX");
_Static_assert(_Alignof(sg17_sha256_ctx) >= _Alignof(SHA256_CTX), "alignment");
_Static_assert(_Alignof(sg17_sha512_ctx) >= _Alignof(SHA512_CTX), "alignment");

/* ---- fetched EVP_MD cache ------------------------------------------------ */

#define SG17_HASH_MAX_ALG ((int)SG17_HASH_SHAKE256)

static const char *const md_names[SG17_HASH_MAX_ALG + 1] = {
    [SG17_HASH_SHA224] = "SHA2-224",         [SG17_HASH_SHA256] = "SHA2-256",
    [SG17_HASH_SHA384] = "SHA2-384",         [SG17_HASH_SHA512] = "SHA2-512",
    [SG17_HASH_SHA512_224] = "SHA2-512/224", [SG17_HASH_SHA512_256] = "SHA2-512/256",
    [SG17_HASH_SHA3_224] = "SHA3-224",       [SG17_HASH_SHA3_256] = "SHA3-256",
    [SG17_HASH_SHA3_384] = "SHA3-384",       [SG17_HASH_SHA3_512] = "SHA3-512",
    [SG17_HASH_SHAKE128] = "SHAKE-128",      [SG17_HASH_SHAKE256] = "SHAKE-256",
};

static const size_t md_lens[SG17_HASH_MAX_ALG + 1] = {
    [SG17_HASH_SHA224] = 28,     [SG17_HASH_SHA256] = 32,     [SG17_HASH_SHA384] = 48,
    [SG17_HASH_SHA512] = 64,     [SG17_HASH_SHA512_224] = 28, [SG17_HASH_SHA512_256] = 32,
    [SG17_HASH_SHA3_224] = 28,   [SG17_HASH_SHA3_256] = 32,   [SG17_HASH_SHA3_384] = 48,
    [SG17_HASH_SHA3_512] = 64,   [SG17_HASH_SHAKE128] = 32,   [SG17_HASH_SHAKE256] = 64,
};

static EVP_MD *md_cache[SG17_HASH_MAX_ALG + 1];
static pthread_once_t md_once = PTHREAD_ONCE_INIT;

static void md_fetch_all(void)
{
    for (int i = 1; i <= SG17_HASH_MAX_ALG; i++)
        md_cache[i] = EVP_MD_fetch(NULL, md_names[i], NULL); /* NULL if unavailable */
}

const EVP_MD *sg17_crypto_md(sg17_hash_alg alg)
{
    if ((int)alg < 1 || (int)alg > SG17_HASH_MAX_ALG)
        return NULL;
    if (pthread_once(&md_once, md_fetch_all) != 0)
        return NULL;
    return md_cache[alg];
}

size_t sg17_hash_len(sg17_hash_alg alg)
{
    if ((int)alg < 1 || (int)alg > SG17_HASH_MAX_ALG)
        return 0;
    return md_lens[alg];
}

int sg17_hash(sg17_hash_alg alg, const uint8_t *in, size_t len, uint8_t *out)
{
    size_t out_len = sg17_hash_len(alg);
    if (out_len == 0)
        return SG17_E_UNSUPPORTED;
    if (out == NULL || (in == NULL && len != 0))
        return SG17_E_INVAL;
    /* The hot SHA-2 cases skip EVP entirely. */
    switch (alg) {
    case SG17_HASH_SHA256: sg17_sha256(out, in, len); return 0;
    case SG17_HASH_SHA384: sg17_sha384(out, in, len); return 0;
    case SG17_HASH_SHA512: sg17_sha512(out, in, len); return 0;
    default: break;
    }
    const EVP_MD *md = sg17_crypto_md(alg);
    if (md == NULL)
        return SG17_E_UNSUPPORTED;
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    if (ctx == NULL)
        return SG17_E_NOMEM;
    int ok = EVP_DigestInit_ex2(ctx, md, NULL) == 1 &&
             (len == 0 || EVP_DigestUpdate(ctx, in, len) == 1);
    if (ok) {
        if (alg == SG17_HASH_SHAKE128 || alg == SG17_HASH_SHAKE256) {
            ok = EVP_DigestFinalXOF(ctx, out, out_len) == 1;
        } else {
            unsigned int n = 0;
            ok = EVP_DigestFinal_ex(ctx, out, &n) == 1 && n == out_len;
        }
    }
    EVP_MD_CTX_free(ctx);
    if (!ok) {
        sg17_memzero(out, out_len);
        return SG17_E_CRYPTO;
    }
    return 0;
}

/* ---- incremental SHA-256 / SHA-512 (FIPS 180-4 §6.2, §6.4) -------------- */
/* The low-level functions cannot fail for valid pointers (they return 1). */

void sg17_sha256_init(sg17_sha256_ctx *c)
{
    (void)SHA256_Init((SHA256_CTX *)(void *)c);
}

void sg17_sha256_update(sg17_sha256_ctx *c, const uint8_t *in, size_t len)
{
    (void)SHA256_Update((SHA256_CTX *)(void *)c, in, len);
}

void sg17_sha256_final(sg17_sha256_ctx *c, uint8_t out[32])
{
    (void)SHA256_Final(out, (SHA256_CTX *)(void *)c);
}

void sg17_sha512_init(sg17_sha512_ctx *c)
{
    (void)SHA512_Init((SHA512_CTX *)(void *)c);
}

void sg17_sha512_update(sg17_sha512_ctx *c, const uint8_t *in, size_t len)
{
    (void)SHA512_Update((SHA512_CTX *)(void *)c, in, len);
}

void sg17_sha512_final(sg17_sha512_ctx *c, uint8_t out[64])
{
    (void)SHA512_Final(out, (SHA512_CTX *)(void *)c);
}

/* ---- one-shot ------------------------------------------------------------ */
/* Contexts may hold message bytes (possibly secret seeds): wipe them. */

void sg17_sha256(uint8_t out[32], const uint8_t *in, size_t len)
{
    SHA256_CTX c;
    (void)SHA256_Init(&c);
    (void)SHA256_Update(&c, in, len);
    (void)SHA256_Final(out, &c);
    sg17_memzero(&c, sizeof c);
}

void sg17_sha384(uint8_t out[48], const uint8_t *in, size_t len)
{
    SHA512_CTX c;
    (void)SHA384_Init(&c);
    (void)SHA384_Update(&c, in, len);
    (void)SHA384_Final(out, &c);
    sg17_memzero(&c, sizeof c);
}

void sg17_sha512(uint8_t out[64], const uint8_t *in, size_t len)
{
    SHA512_CTX c;
    (void)SHA512_Init(&c);
    (void)SHA512_Update(&c, in, len);
    (void)SHA512_Final(out, &c);
    sg17_memzero(&c, sizeof c);
}
