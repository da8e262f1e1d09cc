/*
 * Keccak / SHA-3 / SHAKE: FIPS 202 known answers (NIST example values) and a
 * differential test against OpenSSL's EVP on random inputs, random lengths
 * and random incremental absorb/squeeze splits.
 */
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>

#include "sg17/keccak.h"
#include "tap.h"

static void hex(const char *h, uint8_t *out, size_t n)
{
    size_t len = 0;
    uint8_t *b = tap_hex_decode(h, &len);
    if (!b || len != n) {
        tap_ok(0, "bad hex in test");
        free(b);
        return;
    }
    memcpy(out, b, n);
    free(b);
}

static void kat(void)
{
    uint8_t got[64], want[64];
    /* NIST FIPS 202 example values (csrc.nist.gov, SHA3-256 / SHA3-512 / SHAKE). */
    sg17_sha3_256(got, (const uint8_t *)"", 0);
    hex("a7ffc6f8bf1ed76651c14756a061d662f580ff4de43b49fa82d80a4b80f8434a", want, 32);
    tap_mem_eq(got, want, 32, "SHA3-256(\"\")");
    sg17_sha3_256(got, (const uint8_t *)"abc", 3);
    hex("3a985da74fe225b2045c172d6bd390bd855f086e3e9d525b46bfe24511431532", want, 32);
    tap_mem_eq(got, want, 32, "SHA3-256(\"abc\")");
    sg17_sha3_512(got, (const uint8_t *)"abc", 3);
    hex("b751850b1a57168a5693cd924b6b096e08f621827444f70d884f5d0240d2712e"
        "10e116e9192af3c91a7ec57647e3934057340b4cf408d5a56592f8274eec53f0",
        want, 64);
    tap_mem_eq(got, want, 64, "SHA3-512(\"abc\")");
    sg17_shake128(got, 32, (const uint8_t *)"", 0);
    hex("7f9c2ba4e88f827d616045507605853ed73b8093f6efbc88eb1a6eacfa66ef26", want, 32);
    tap_mem_eq(got, want, 32, "SHAKE128(\"\", 256)");
    sg17_shake256(got, 64, (const uint8_t *)"", 0);
    hex("46b9dd2b0ba88d13233b3feb743eeb243fcd52ea62b81b82b50c27646ed5762f"
        "d75dc4ddd8c0f200cb05019d67b592f6fc821c49479ab48640292eacb3b7c4be",
        want, 64);
    tap_mem_eq(got, want, 64, "SHAKE256(\"\", 512)");
    /* 1,000,000 x 'a' (the classic long-message example). */
    {
        sg17_keccak_ctx c;
        uint8_t a[1000];
        memset(a, 'a', sizeof a);
        sg17_sha3_256_init(&c);
        for (int i = 0; i < 1000; i++)
            sg17_keccak_absorb(&c, a, sizeof a);
        sg17_sha3_final(&c, got, 32);
        hex("5c8875ae474a3634ba4fd55ec85bffd661f32aca75c6d699d0cdcb6c115891c1", want, 32);
        tap_mem_eq(got, want, 32, "SHA3-256(10^6 x 'a')");
    }
}

static void ossl_digest(const char *name, const uint8_t *in, size_t len, uint8_t *out,
                        size_t outlen)
{
    EVP_MD *md = EVP_MD_fetch(NULL, name, NULL);
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    int ok = md && ctx && EVP_DigestInit_ex(ctx, md, NULL) && EVP_DigestUpdate(ctx, in, len);
    if (ok) {
        if (EVP_MD_get_flags(md) & EVP_MD_FLAG_XOF)
            ok = EVP_DigestFinalXOF(ctx, out, outlen);
        else
            ok = EVP_DigestFinal_ex(ctx, out, NULL);
    }
    if (!ok)
        memset(out, 0xEE, outlen);
    EVP_MD_CTX_free(ctx);
    EVP_MD_free(md);
}

typedef void (*init_fn)(sg17_keccak_ctx *);

static void differential(void)
{
    static const struct {
        const char *ossl;
        init_fn init;
        size_t outlen; /* 0 = XOF */
    } algs[] = {
        {"SHA3-224", sg17_sha3_224_init, 28}, {"SHA3-256", sg17_sha3_256_init, 32},
        {"SHA3-384", sg17_sha3_384_init, 48}, {"SHA3-512", sg17_sha3_512_init, 64},
        {"SHAKE128", sg17_shake128_init, 0},  {"SHAKE256", sg17_shake256_init, 0},
    };
    enum { MAXIN = 2000, MAXOUT = 1500, ROUNDS = 300 };
    uint8_t *in = malloc(MAXIN), *a = malloc(MAXOUT), *b = malloc(MAXOUT);
    tap_rand_seed(202);
    for (size_t k = 0; k < sizeof algs / sizeof algs[0]; k++) {
        unsigned bad = 0;
        for (int r = 0; r < ROUNDS; r++) {
            size_t inlen = (size_t)(tap_rand_u64() % MAXIN);
            size_t outlen = algs[k].outlen ? algs[k].outlen : 1 + (size_t)(tap_rand_u64() % (MAXOUT - 1));
            sg17_keccak_ctx c;
            tap_rand_bytes(in, inlen);
            algs[k].init(&c);
            /* absorb in random pieces */
            size_t off = 0;
            while (off < inlen) {
                size_t piece = 1 + (size_t)(tap_rand_u64() % (inlen - off));
                if (tap_rand_u64() & 1)
                    piece = piece > 200 ? 200 : piece;
                sg17_keccak_absorb(&c, in + off, piece);
                off += piece;
            }
            sg17_keccak_finalize(&c);
            /* squeeze in random pieces, sometimes whole blocks */
            off = 0;
            while (off < outlen) {
                size_t piece = 1 + (size_t)(tap_rand_u64() % (outlen - off));
                if ((tap_rand_u64() & 3) == 0 && off % c.rate == 0 && c.pos % c.rate == 0 &&
                    outlen - off >= c.rate) {
                    size_t nb = (outlen - off) / c.rate;
                    sg17_keccak_squeezeblocks(&c, a + off, nb);
                    off += nb * c.rate;
                    continue;
                }
                sg17_keccak_squeeze(&c, a + off, piece);
                off += piece;
            }
            ossl_digest(algs[k].ossl, in, inlen, b, outlen);
            if (memcmp(a, b, outlen) != 0) {
                if (bad++ < 3)
                    tap_diag("%s mismatch: inlen %zu outlen %zu", algs[k].ossl, inlen, outlen);
            }
        }
        tap_ok(bad == 0, "%s: %d random inputs/splits agree with OpenSSL", algs[k].ossl, ROUNDS);
    }
    free(in);
    free(a);
    free(b);
}

int main(void)
{
    kat();
    differential();
    return tap_done();
}
