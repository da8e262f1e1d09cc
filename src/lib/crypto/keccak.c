/*
 * Keccak-f[1600] and the FIPS 202 sponge (SHA3-224/256/384/512, SHAKE128/256)
 * with incremental absorb and squeeze. Written from FIPS 202 §3 (step
 * mappings theta, rho, pi, chi, iota) and §4/§6 (sponge, padding, domain
 * bytes). Lanes are little-endian 64-bit words (FIPS 202 §B.1).
 */
#include "sg17/keccak.h"

#include <string.h>

#include "sg17/cpu.h"

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define KECCAK_X4_AVX2 1
#endif

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

/*
 * The round body is written once as a macro over lane operations (XOR,
 * XOR5, ANDN, ROL, RCV) so that the scalar permutation below and the 4-way
 * AVX2 one (sg17_keccak_f1600x4) share it.
 */
/*
 * One Keccak-f[1600] round (FIPS 202 §3.3: Rnd = iota o chi o pi o rho o
 * theta) from state variables A<x><y> into E<x><y>; lane (x, y) is
 * A[x + 5y]. pi moves lane (x, y) to (y, 2x + 3y), so output row y' of chi
 * reads lanes A[(x' + 3y') mod 5, x'] for x' = 0..4, each rotated by its rho
 * offset (FIPS 202 Table 2). XOR/ANDN/ROL/RCV are supplied by the includer.
 */
#define KECCAK_ROUND(A, E, rc)                                                           \
    do {                                                                                 \
        c0 = XOR5(A##00, A##01, A##02, A##03, A##04);                                    \
        c1 = XOR5(A##10, A##11, A##12, A##13, A##14);                                    \
        c2 = XOR5(A##20, A##21, A##22, A##23, A##24);                                    \
        c3 = XOR5(A##30, A##31, A##32, A##33, A##34);                                    \
        c4 = XOR5(A##40, A##41, A##42, A##43, A##44);                                    \
        d0 = XOR(c4, ROL(c1, 1));                                                        \
        d1 = XOR(c0, ROL(c2, 1));                                                        \
        d2 = XOR(c1, ROL(c3, 1));                                                        \
        d3 = XOR(c2, ROL(c4, 1));                                                        \
        d4 = XOR(c3, ROL(c0, 1));                                                        \
        b0 = XOR(A##00, d0);                                                             \
        b1 = ROL(XOR(A##11, d1), 44);                                                    \
        b2 = ROL(XOR(A##22, d2), 43);                                                    \
        b3 = ROL(XOR(A##33, d3), 21);                                                    \
        b4 = ROL(XOR(A##44, d4), 14);                                                    \
        E##00 = XOR(XOR(b0, ANDN(b1, b2)), RCV(rc));                                     \
        E##10 = XOR(b1, ANDN(b2, b3));                                                   \
        E##20 = XOR(b2, ANDN(b3, b4));                                                   \
        E##30 = XOR(b3, ANDN(b4, b0));                                                   \
        E##40 = XOR(b4, ANDN(b0, b1));                                                   \
        b0 = ROL(XOR(A##30, d3), 28);                                                    \
        b1 = ROL(XOR(A##41, d4), 20);                                                    \
        b2 = ROL(XOR(A##02, d0), 3);                                                     \
        b3 = ROL(XOR(A##13, d1), 45);                                                    \
        b4 = ROL(XOR(A##24, d2), 61);                                                    \
        E##01 = XOR(b0, ANDN(b1, b2));                                                   \
        E##11 = XOR(b1, ANDN(b2, b3));                                                   \
        E##21 = XOR(b2, ANDN(b3, b4));                                                   \
        E##31 = XOR(b3, ANDN(b4, b0));                                                   \
        E##41 = XOR(b4, ANDN(b0, b1));                                                   \
        b0 = ROL(XOR(A##10, d1), 1);                                                     \
        b1 = ROL(XOR(A##21, d2), 6);                                                     \
        b2 = ROL(XOR(A##32, d3), 25);                                                    \
        b3 = ROL(XOR(A##43, d4), 8);                                                     \
        b4 = ROL(XOR(A##04, d0), 18);                                                    \
        E##02 = XOR(b0, ANDN(b1, b2));                                                   \
        E##12 = XOR(b1, ANDN(b2, b3));                                                   \
        E##22 = XOR(b2, ANDN(b3, b4));                                                   \
        E##32 = XOR(b3, ANDN(b4, b0));                                                   \
        E##42 = XOR(b4, ANDN(b0, b1));                                                   \
        b0 = ROL(XOR(A##40, d4), 27);                                                    \
        b1 = ROL(XOR(A##01, d0), 36);                                                    \
        b2 = ROL(XOR(A##12, d1), 10);                                                    \
        b3 = ROL(XOR(A##23, d2), 15);                                                    \
        b4 = ROL(XOR(A##34, d3), 56);                                                    \
        E##03 = XOR(b0, ANDN(b1, b2));                                                   \
        E##13 = XOR(b1, ANDN(b2, b3));                                                   \
        E##23 = XOR(b2, ANDN(b3, b4));                                                   \
        E##33 = XOR(b3, ANDN(b4, b0));                                                   \
        E##43 = XOR(b4, ANDN(b0, b1));                                                   \
        b0 = ROL(XOR(A##20, d2), 62);                                                    \
        b1 = ROL(XOR(A##31, d3), 55);                                                    \
        b2 = ROL(XOR(A##42, d4), 39);                                                    \
        b3 = ROL(XOR(A##03, d0), 41);                                                    \
        b4 = ROL(XOR(A##14, d1), 2);                                                     \
        E##04 = XOR(b0, ANDN(b1, b2));                                                   \
        E##14 = XOR(b1, ANDN(b2, b3));                                                   \
        E##24 = XOR(b2, ANDN(b3, b4));                                                   \
        E##34 = XOR(b3, ANDN(b4, b0));                                                   \
        E##44 = XOR(b4, ANDN(b0, b1));                                                   \
    } while (0)

#define LANES(X)                                                                         \
    X(00) X(10) X(20) X(30) X(40) X(01) X(11) X(21) X(31) X(41) X(02) X(12) X(22) X(32) \
        X(42) X(03) X(13) X(23) X(33) X(43) X(04) X(14) X(24) X(34) X(44)
/* Lane (x, y) of a state array is element x + 5y. */
#define LANE_INDEX(xy) ((unsigned)(#xy[0] - '0') + 5U * (unsigned)(#xy[1] - '0'))

#define XOR(a, b) ((a) ^ (b))
#define XOR5(a, b, c, d, e) ((a) ^ (b) ^ (c) ^ (d) ^ (e))
#define ANDN(a, b) (~(a) & (b))
#define ROL(a, n) (((a) << (n)) | ((a) >> (64 - (n))))
#define RCV(rc) (rc)

/*
 * The state lives in 25 local variables (a, then e, then a again: two
 * rounds per iteration, no copies between rounds).
 */
static inline __attribute__((always_inline)) void keccak_f1600_body(uint64_t s[25])
{
    uint64_t c0, c1, c2, c3, c4, d0, d1, d2, d3, d4, b0, b1, b2, b3, b4;
#define DECL(xy) uint64_t a##xy = s[LANE_INDEX(xy)], e##xy;
    LANES(DECL)
#undef DECL
    for (unsigned r = 0; r < 24; r += 2) {
        KECCAK_ROUND(a, e, keccak_rc[r]);
        KECCAK_ROUND(e, a, keccak_rc[r + 1]);
    }
#define STORE(xy) s[LANE_INDEX(xy)] = a##xy;
    LANES(STORE)
#undef STORE
}

#ifdef KECCAK_X4_AVX2
/* The same code compiled for the AVX2 level of x86-64 (BMI1's ANDN for chi,
 * BMI2's RORX for the rotations); chosen with the other AVX2 paths
 * (sg17_cpu_has_avx2(), which also requires BMI1/BMI2). Same outputs. */
__attribute__((target("avx2,bmi,bmi2"))) static void keccak_f1600_bmi(uint64_t s[25])
{
    keccak_f1600_body(s);
}
#endif

void sg17_keccak_f1600(uint64_t s[25])
{
#ifdef KECCAK_X4_AVX2
    if (sg17_cpu_has_avx2()) {
        keccak_f1600_bmi(s);
        return;
    }
#endif
    keccak_f1600_body(s);
}
#undef XOR
#undef XOR5
#undef ANDN
#undef ROL
#undef RCV

#ifdef KECCAK_X4_AVX2
/*
 * 4-way Keccak-f[1600] with AVX2: lane (x, y) of the four states is one
 * 256-bit vector; the same round macro as the scalar permutation. Compiled
 * for AVX2 by function attribute (the build has no per-file flags) and only
 * called when sg17_cpu_has_avx2().
 */
#define XOR(a, b) _mm256_xor_si256((a), (b))
#define XOR5(a, b, c, d, e) XOR(XOR(XOR((a), (b)), XOR((c), (d))), (e))
#define ANDN(a, b) _mm256_andnot_si256((a), (b))
#define ROL(a, n) _mm256_or_si256(_mm256_slli_epi64((a), (n)), _mm256_srli_epi64((a), 64 - (n)))
#define RCV(rc) _mm256_set1_epi64x((long long)(rc))

__attribute__((target("avx2"))) static void keccak_f1600x4_avx2(uint64_t s[25][4])
{
    __m256i c0, c1, c2, c3, c4, d0, d1, d2, d3, d4, b0, b1, b2, b3, b4;
#define DECL(xy)                                                                         \
    __m256i a##xy = _mm256_loadu_si256((const __m256i *)(const void *)s[LANE_INDEX(xy)]), \
            e##xy;
    LANES(DECL)
#undef DECL
    for (unsigned r = 0; r < 24; r += 2) {
        KECCAK_ROUND(a, e, keccak_rc[r]);
        KECCAK_ROUND(e, a, keccak_rc[r + 1]);
    }
#define STORE(xy) _mm256_storeu_si256((__m256i *)(void *)s[LANE_INDEX(xy)], a##xy);
    LANES(STORE)
#undef STORE
}
#undef XOR
#undef XOR5
#undef ANDN
#undef ROL
#undef RCV
#endif

void sg17_keccak_f1600x4(uint64_t s[25][4])
{
#ifdef KECCAK_X4_AVX2
    if (sg17_cpu_has_avx2()) {
        keccak_f1600x4_avx2(s);
        return;
    }
#endif
    for (unsigned j = 0; j < 4; j++) {
        uint64_t t[25];
        for (unsigned i = 0; i < 25; i++)
            t[i] = s[i][j];
        sg17_keccak_f1600(t);
        for (unsigned i = 0; i < 25; i++)
            s[i][j] = t[i];
        sg17_memzero(t, sizeof t);
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

/* len / rate without a division instruction (the lengths are public; the
 * division scan of scripts/check-no-div covers this file). */
static size_t whole_blocks(size_t len, uint32_t rate)
{
    size_t n = 0;
    for (; len >= rate; len -= rate)
        n++;
    return n;
}

int sg17_keccakx4_absorb_once_ex(sg17_keccakx4_ctx *c, uint32_t rate, const uint8_t dsbyte[4],
                                 const uint8_t *const in[4], const size_t len[4])
{
    uint8_t last[SG17_SHAKE128_RATE];
    size_t nblocks;

    if (rate == 0 || rate > SG17_SHAKE128_RATE || (rate & 7U) != 0)
        return SG17_E_INVAL;
    nblocks = whole_blocks(len[0], rate);
    for (unsigned j = 1; j < 4; j++)
        if (whole_blocks(len[j], rate) != nblocks)
            return SG17_E_INVAL;
    memset(c->s, 0, sizeof c->s);
    for (size_t b = 0; b < nblocks; b++) {
        for (uint32_t i = 0; i < rate / 8; i++)
            for (unsigned j = 0; j < 4; j++)
                c->s[i][j] ^= load64_le(in[j] + b * rate + 8 * i);
        sg17_keccak_f1600x4(c->s);
    }
    /* Final partial block with pad10*1 and the domain bits (FIPS 202 §5.1). */
    for (unsigned j = 0; j < 4; j++) {
        const size_t off = nblocks * rate;
        memset(last, 0, rate);
        memcpy(last, in[j] + off, len[j] - off);
        last[len[j] - off] = dsbyte[j];
        last[rate - 1] ^= 0x80;
        for (uint32_t i = 0; i < rate / 8; i++)
            c->s[i][j] ^= load64_le(last + 8 * i);
    }
    sg17_memzero(last, sizeof last);
    return 0;
}

void sg17_keccakx4_absorb_once(sg17_keccakx4_ctx *c, uint32_t rate, uint8_t dsbyte,
                               const uint8_t *in0, const uint8_t *in1, const uint8_t *in2,
                               const uint8_t *in3, size_t len)
{
    const uint8_t *const in[4] = {in0, in1, in2, in3};
    const uint8_t ds[4] = {dsbyte, dsbyte, dsbyte, dsbyte};
    const size_t lens[4] = {len, len, len, len};
    if (sg17_keccakx4_absorb_once_ex(c, rate, ds, in, lens) != 0)
        memset(c->s, 0, sizeof c->s); /* invalid rate: documented as a caller error */
}

void sg17_keccakx4_squeezeblocks(sg17_keccakx4_ctx *c, uint32_t rate, uint8_t *out0,
                                 uint8_t *out1, uint8_t *out2, uint8_t *out3, size_t nblocks)
{
    uint8_t *out[4] = {out0, out1, out2, out3};
    for (size_t b = 0; b < nblocks; b++) {
        sg17_keccak_f1600x4(c->s);
        for (uint32_t i = 0; i < rate / 8; i++)
            for (unsigned j = 0; j < 4; j++)
                store64_le(out[j] + b * rate + 8 * i, c->s[i][j]);
    }
}

void sg17_keccakx4_wipe(sg17_keccakx4_ctx *c)
{
    sg17_memzero(c, sizeof *c);
}
