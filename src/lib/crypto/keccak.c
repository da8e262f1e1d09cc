/*
 * Keccak-f[1600] and the FIPS 202 sponge (SHA3-224/256/384/512, SHAKE128/256)
 * with incremental absorb and squeeze. Written from FIPS 202 §3 (step
 * mappings theta, rho, pi, chi, iota) and §4/§6 (sponge, padding, domain
 * bytes). Lanes are little-endian 64-bit words (FIPS 202 §B.1).
 */
#include "sg17/keccak.h"

#include <string.h>

/* Round constants RC[ir] (FIPS 202 §3.2.5, Alg. 5/6). */
static const uint64_t keccak_rc[24] = {
    0x0000000000000001ULL, 0x0000000000008082ULL, 0x800000000000808aULL,
    0x8000000080008000ULL, 0x000000000000808bULL, 0x0000000080000001ULL,
    0x8000000080008081ULL, 0x8000000000008009ULL, 0x000000000000008aULL,
    0x0000000000000088ULL, 0x0000000080008009ULL, 0x000000008000000aULL,
    0x000000008000808bULL, 0x800000000000008bULL, 0x8000000000008089ULL,
    0x8000000000008003ULL, 0x8000000000008002ULL, 0x8000000000000080ULL,
    0x000000000000800aULL, 0x800000008000000aULL, 0x8000000080008081ULL,
    0x8000000000008080ULL, 0x0000000080000001ULL, 0x8000000080008008ULL,
};

#define ROL64(a, n) (((a) << (n)) | ((a) >> ((64 - (n)) & 63)))

/*
 * One round = theta, rho and pi fused (lane A[x,y] moves to B[y, 2x+3y]
 * rotated by the rho offset), then chi and iota. Index of lane (x,y) is
 * x + 5y. The rho offsets are FIPS 202 Table 2.
 */
/* Built twice on x86-64 (baseline and x86-64-v3 with BMI1's ANDN for chi);
 * the loader picks one by CPU (GCC function multiversioning). Same outputs. */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && !defined(__SANITIZE_ADDRESS__)
__attribute__((target_clones("default", "arch=x86-64-v3")))
#endif
void sg17_keccak_f1600(uint64_t s[25])
{
    uint64_t c0, c1, c2, c3, c4, d0, d1, d2, d3, d4;
    uint64_t b[25];

    for (int round = 0; round < 24; round++) {
        /* theta */
        c0 = s[0] ^ s[5] ^ s[10] ^ s[15] ^ s[20];
        c1 = s[1] ^ s[6] ^ s[11] ^ s[16] ^ s[21];
        c2 = s[2] ^ s[7] ^ s[12] ^ s[17] ^ s[22];
        c3 = s[3] ^ s[8] ^ s[13] ^ s[18] ^ s[23];
        c4 = s[4] ^ s[9] ^ s[14] ^ s[19] ^ s[24];
        d0 = c4 ^ ROL64(c1, 1);
        d1 = c0 ^ ROL64(c2, 1);
        d2 = c1 ^ ROL64(c3, 1);
        d3 = c2 ^ ROL64(c4, 1);
        d4 = c3 ^ ROL64(c0, 1);

        /* rho + pi: B[y + 5*((2x+3y) mod 5)] = ROL(A[x+5y] ^ D[x], r[x,y]) */
        b[0] = s[0] ^ d0;
        b[16] = ROL64(s[5] ^ d0, 36);
        b[7] = ROL64(s[10] ^ d0, 3);
        b[23] = ROL64(s[15] ^ d0, 41);
        b[14] = ROL64(s[20] ^ d0, 18);

        b[10] = ROL64(s[1] ^ d1, 1);
        b[1] = ROL64(s[6] ^ d1, 44);
        b[17] = ROL64(s[11] ^ d1, 10);
        b[8] = ROL64(s[16] ^ d1, 45);
        b[24] = ROL64(s[21] ^ d1, 2);

        b[20] = ROL64(s[2] ^ d2, 62);
        b[11] = ROL64(s[7] ^ d2, 6);
        b[2] = ROL64(s[12] ^ d2, 43);
        b[18] = ROL64(s[17] ^ d2, 15);
        b[9] = ROL64(s[22] ^ d2, 61);

        b[5] = ROL64(s[3] ^ d3, 28);
        b[21] = ROL64(s[8] ^ d3, 55);
        b[12] = ROL64(s[13] ^ d3, 25);
        b[3] = ROL64(s[18] ^ d3, 21);
        b[19] = ROL64(s[23] ^ d3, 56);

        b[15] = ROL64(s[4] ^ d4, 27);
        b[6] = ROL64(s[9] ^ d4, 20);
        b[22] = ROL64(s[14] ^ d4, 39);
        b[13] = ROL64(s[19] ^ d4, 8);
        b[4] = ROL64(s[24] ^ d4, 14);

        /* chi, row by row */
        for (int y = 0; y < 25; y += 5) {
            uint64_t b0 = b[y], b1 = b[y + 1], b2 = b[y + 2], b3 = b[y + 3], b4 = b[y + 4];
            s[y] = b0 ^ (~b1 & b2);
            s[y + 1] = b1 ^ (~b2 & b3);
            s[y + 2] = b2 ^ (~b3 & b4);
            s[y + 3] = b3 ^ (~b4 & b0);
            s[y + 4] = b4 ^ (~b0 & b1);
        }
        /* iota */
        s[0] ^= keccak_rc[round];
    }
}

static void keccak_init(sg17_keccak_ctx *c, uint32_t rate, uint8_t dsbyte)
{
    memset(c->s, 0, sizeof c->s);
    c->pos = 0;
    c->rate = rate;
    c->dsbyte = dsbyte;
    c->squeezing = 0;
}

void sg17_shake128_init(sg17_keccak_ctx *c)
{
    keccak_init(c, SG17_SHAKE128_RATE, 0x1F);
}
void sg17_shake256_init(sg17_keccak_ctx *c)
{
    keccak_init(c, SG17_SHAKE256_RATE, 0x1F);
}
void sg17_sha3_224_init(sg17_keccak_ctx *c)
{
    keccak_init(c, 144, 0x06);
}
void sg17_sha3_256_init(sg17_keccak_ctx *c)
{
    keccak_init(c, SG17_SHA3_256_RATE, 0x06);
}
void sg17_sha3_384_init(sg17_keccak_ctx *c)
{
    keccak_init(c, 104, 0x06);
}
void sg17_sha3_512_init(sg17_keccak_ctx *c)
{
    keccak_init(c, SG17_SHA3_512_RATE, 0x06);
}

static inline uint64_t load64_le(const uint8_t *p)
{
    uint64_t v;
    memcpy(&v, p, 8);
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    v = __builtin_bswap64(v);
#endif
    return v;
}

static inline void store64_le(uint8_t *p, uint64_t v)
{
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    v = __builtin_bswap64(v);
#endif
    memcpy(p, &v, 8);
}

/* XOR one byte into the state at byte offset i (lane i/8, little-endian). */
static inline void xor_byte(uint64_t s[25], uint32_t i, uint8_t v)
{
    s[i >> 3] ^= (uint64_t)v << (8 * (i & 7));
}

void sg17_keccak_absorb(sg17_keccak_ctx *c, const uint8_t *in, size_t len)
{
    uint32_t pos = c->pos;
    const uint32_t rate = c->rate;

    /* Head: finish a partial block byte by byte. */
    while (len > 0 && pos != 0) {
        xor_byte(c->s, pos, *in++);
        len--;
        if (++pos == rate) {
            sg17_keccak_f1600(c->s);
            pos = 0;
        }
    }
    /* Whole blocks a lane at a time. */
    while (len >= rate) {
        for (uint32_t i = 0; i < rate / 8; i++)
            c->s[i] ^= load64_le(in + 8 * i);
        sg17_keccak_f1600(c->s);
        in += rate;
        len -= rate;
    }
    /* Tail. */
    while (len > 0) {
        xor_byte(c->s, pos++, *in++);
        len--;
    }
    c->pos = pos;
}

void sg17_keccak_finalize(sg17_keccak_ctx *c)
{
    /* pad10*1 with the domain bits (FIPS 202 §5.1, §6.1/§6.2). */
    xor_byte(c->s, c->pos, c->dsbyte);
    xor_byte(c->s, c->rate - 1, 0x80);
    sg17_keccak_f1600(c->s);
    c->pos = 0;
    c->squeezing = 1;
}

static void extract_block(const uint64_t s[25], uint8_t *out, uint32_t rate)
{
    for (uint32_t i = 0; i < rate / 8; i++)
        store64_le(out + 8 * i, s[i]);
}

void sg17_keccak_squeeze(sg17_keccak_ctx *c, uint8_t *out, size_t len)
{
    uint32_t pos = c->pos;
    const uint32_t rate = c->rate;

    /* pos counts bytes already output from the current block; pos == rate
     * means the block is used up and a permutation is due. */
    while (len > 0 && pos != 0 && pos < rate) {
        *out++ = (uint8_t)(c->s[pos >> 3] >> (8 * (pos & 7)));
        pos++;
        len--;
    }
    while (len >= rate) {
        if (pos == rate)
            sg17_keccak_f1600(c->s);
        extract_block(c->s, out, rate);
        pos = rate;
        out += rate;
        len -= rate;
    }
    if (len > 0) {
        if (pos == rate)
            sg17_keccak_f1600(c->s);
        pos = 0;
        while (len > 0) {
            *out++ = (uint8_t)(c->s[pos >> 3] >> (8 * (pos & 7)));
            pos++;
            len--;
        }
    }
    c->pos = pos;
}

void sg17_keccak_squeezeblocks(sg17_keccak_ctx *c, uint8_t *out, size_t nblocks)
{
    const uint32_t rate = c->rate;
    while (nblocks-- > 0) {
        if (c->pos == rate)
            sg17_keccak_f1600(c->s);
        extract_block(c->s, out, rate);
        c->pos = rate;
        out += rate;
    }
}

void sg17_sha3_final(sg17_keccak_ctx *c, uint8_t *out, size_t outlen)
{
    sg17_keccak_finalize(c);
    sg17_keccak_squeeze(c, out, outlen);
    sg17_keccak_wipe(c);
}

void sg17_sha3_256(uint8_t out[32], const uint8_t *in, size_t len)
{
    sg17_keccak_ctx c;
    sg17_sha3_256_init(&c);
    sg17_keccak_absorb(&c, in, len);
    sg17_sha3_final(&c, out, 32);
}

void sg17_sha3_512(uint8_t out[64], const uint8_t *in, size_t len)
{
    sg17_keccak_ctx c;
    sg17_sha3_512_init(&c);
    sg17_keccak_absorb(&c, in, len);
    sg17_sha3_final(&c, out, 64);
}

void sg17_shake128(uint8_t *out, size_t outlen, const uint8_t *in, size_t inlen)
{
    sg17_keccak_ctx c;
    sg17_shake128_init(&c);
    sg17_keccak_absorb(&c, in, inlen);
    sg17_keccak_finalize(&c);
    sg17_keccak_squeeze(&c, out, outlen);
    sg17_keccak_wipe(&c);
}

void sg17_shake256(uint8_t *out, size_t outlen, const uint8_t *in, size_t inlen)
{
    sg17_keccak_ctx c;
    sg17_shake256_init(&c);
    sg17_keccak_absorb(&c, in, inlen);
    sg17_keccak_finalize(&c);
    sg17_keccak_squeeze(&c, out, outlen);
    sg17_keccak_wipe(&c);
}

void sg17_keccak_wipe(sg17_keccak_ctx *c)
{
    sg17_memzero(c, sizeof *c);
}
