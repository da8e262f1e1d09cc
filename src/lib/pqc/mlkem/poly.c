/*
 * ML-KEM polynomial arithmetic (FIPS 203 §4.3): modular reduction, the NTT
 * and its inverse (Alg. 9/10), multiplication in T_q (Alg. 11/12), and the
 * byte encodings with compression (§4.2.1, Alg. 5/6).
 *
 * Constant time: no branch, table index or division depends on coefficient
 * values. Reductions are Montgomery (R = 2^16) and Barrett; Compress_d uses
 * a multiply-shift (a division by q on secret data leaks through timing on
 * many CPUs).
 */
#include "pqc/mlkem/mlkem_internal.h"
#include "sg17/cpu.h"

#define QINV 62209U   /* q^-1 mod 2^16 */
#define BARRETT_V 20159 /* round(2^26 / q) */
#define MONT_R2 1353  /* 2^32 mod q */
#define INVNTT_F 1441 /* 2^32 / 128 mod q: scales by 128^-1 and absorbs one R^-1 */

/*
 * zetas[i] = 17^BitRev7(i) * 2^16 mod q, centred (FIPS 203 §4.3, Appendix A
 * table scaled into the Montgomery domain).
 */
const int16_t mlkem_zetas[128] = {
    -1044, -758,  -359,  -1517, 1493,  1422,  287,   202,   -171,  622,   1577,  182,   962,
    -1202, -1474, 1468,  573,   -1325, 264,   383,   -829,  1458,  -1602, -130,  -681,  1017,
    732,   608,   -1542, 411,   -205,  -1571, 1223,  652,   -552,  1015,  -1293, 1491,  -282,
    -1544, 516,   -8,    -320,  -666,  -1618, -1162, 126,   1469,  -853,  -90,   -271,  830,
    107,   -1421, -247,  -951,  -398,  961,   -1508, -725,  448,   -1065, 677,   -1275, -1103,
    430,   555,   843,   -1251, 871,   1550,  105,   422,   587,   177,   -235,  -291,  -460,
    1574,  1653,  -246,  778,   1159,  -147,  -777,  1483,  -602,  1119,  -1590, 644,   -872,
    349,   418,   329,   -156,  -75,   817,   1097,  603,   610,   1322,  -1285, -1465, 384,
    -1215, -136,  1218,  -1335, -874,  220,   -1187, -1659, -1185, -1530, -1278, 794,   -1510,
    -854,  -870,  478,   -108,  -308,  996,   991,   958,   -1460, 1522,  1628,
};

/* gammas[i] = 17^(2 BitRev7(i) + 1) * 2^16 mod q, centred (Alg. 11). */
static const int16_t gammas[128] = {
    -1103, 1103,  430,   -430,  555,   -555,  843,   -843,  -1251, 1251,  871,   -871,  1550,
    -1550, 105,   -105,  422,   -422,  587,   -587,  177,   -177,  -235,  235,   -291,  291,
    -460,  460,   1574,  -1574, 1653,  -1653, -246,  246,   778,   -778,  1159,  -1159, -147,
    147,   -777,  777,   1483,  -1483, -602,  602,   1119,  -1119, -1590, 1590,  644,   -644,
    -872,  872,   349,   -349,  418,   -418,  329,   -329,  -156,  156,   -75,   75,    817,
    -817,  1097,  -1097, 603,   -603,  610,   -610,  1322,  -1322, -1285, 1285,  -1465, 1465,
    384,   -384,  -1215, 1215,  -136,  136,   1218,  -1218, -1335, 1335,  -874,  874,   220,
    -220,  -1187, 1187,  -1659, 1659,  -1185, 1185,  -1530, 1530,  -1278, 1278,  794,   -794,
    -1510, 1510,  -854,  854,   -870,  870,   478,   -478,  -108,  108,   -308,  308,   996,
    -996,  991,   -991,  958,   -958,  -1460, 1460,  1522,  -1522, 1628,  -1628,
};

/* a R^-1 mod q, result in (-q, q), for |a| < q 2^15. */
int16_t mlkem_montgomery_reduce(int32_t a)
{
    int16_t t = (int16_t)(uint16_t)((uint32_t)a * QINV);
    return (int16_t)((a - (int32_t)t * MLKEM_Q) >> 16);
}

/*
 * Centred representative of a mod q, in [-(q-1)/2, (q-1)/2]:
 * a - round(a v / 2^26) q with v = round(2^26 / q). The rounding
 * (a v + 2^25) >> 26 is computed as ((a v >> 16) + 2^9) >> 10 (equal, as
 * floor(floor(x / 2^16) / 2^10) = floor(x / 2^26)), a 16-bit high multiply
 * that compilers vectorise.
 */
int16_t mlkem_barrett_reduce(int16_t a)
{
    const int16_t hi = (int16_t)(((int32_t)a * BARRETT_V) >> 16);
    const int16_t t = (int16_t)((hi + (1 << 9)) >> 10);
    return (int16_t)(a - t * MLKEM_Q);
}

/*
 * Montgomery product a b R^-1, in (-q, q), written with 16-bit halves so
 * compilers map it to vector high/low multiplies: with t = (a b) q^-1 mod
 * 2^16, the low halves of a b and t q agree, so (a b - t q) / 2^16 is the
 * difference of the high halves (same value as mlkem_montgomery_reduce).
 */
static inline int16_t fqmul(int16_t a, int16_t b)
{
    const int16_t lo = (int16_t)(uint16_t)((uint32_t)(int32_t)a * (uint32_t)(int32_t)b);
    const int16_t t = (int16_t)(uint16_t)((uint32_t)(uint16_t)lo * QINV);
    const int16_t hi = (int16_t)(((int32_t)a * b) >> 16);
    return (int16_t)(hi - (int16_t)(((int32_t)t * MLKEM_Q) >> 16));
}

/* Representative in [0, q). */
static inline int16_t freeze(int16_t a)
{
    int16_t r = mlkem_barrett_reduce(a);
    return (int16_t)(r + ((r >> 15) & MLKEM_Q));
}

void mlkem_poly_reduce(mlkem_poly *p)
{
    for (unsigned i = 0; i < MLKEM_N; i++)
        p->c[i] = freeze(p->c[i]);
}

/* One NTT layer (butterflies at distance len = 2^lg, zetas[128/len + block]);
 * inlined with a constant len so that the compiler can vectorise it. */
static inline __attribute__((always_inline)) void ntt_layer(int16_t c[MLKEM_N], unsigned lg)
{
    const unsigned len = 1U << lg, zi = 128U >> lg;
    for (unsigned b = 0; b < zi; b++) {
        const int16_t z = mlkem_zetas[zi + b];
        int16_t *x = c + 2 * len * b, *y = x + len;
        for (unsigned j = 0; j < len; j++) {
            const int16_t t = fqmul(z, y[j]);
            y[j] = (int16_t)(x[j] - t);
            x[j] = (int16_t)(x[j] + t);
        }
    }
}

/* One inverse layer (len = 2^lg, zetas[256/len - 1 - block]); the sums Barrett-reduced if reduce. */
static inline __attribute__((always_inline)) void invntt_layer(int16_t c[MLKEM_N], unsigned lg,
                                                               int reduce)
{
    const unsigned len = 1U << lg, zi = (256U >> lg) - 1U;
    for (unsigned b = 0; b < (128U >> lg); b++) {
        const int16_t z = mlkem_zetas[zi - b];
        int16_t *x = c + 2 * len * b, *y = x + len;
        for (unsigned j = 0; j < len; j++) {
            const int16_t t = x[j], w = y[j];
            const int16_t u = (int16_t)(t + w);
            x[j] = reduce ? mlkem_barrett_reduce(u) : u;
            y[j] = fqmul(z, (int16_t)(w - t));
        }
    }
}

/*
 * Out-of-line copies with a run-time len. With GCC 12 -O3 (SSE2), the layers
 * with len = 16 and 8 vectorise much better this way than inlined with a
 * constant len (measured per layer: inverse len 16 946 -> 101 cycles, len 8
 * 881 -> 200; forward len 16 301 -> 122), while len >= 32 and len <= 4 are
 * faster inlined. noipa keeps GCC from cloning them back to constants.
 */
#if defined(__GNUC__) && !defined(__clang__)
#define RT_LAYER __attribute__((noipa))
#else
#define RT_LAYER __attribute__((noinline))
#endif
RT_LAYER static void ntt_layer_rt(int16_t c[MLKEM_N], unsigned lg)
{
    ntt_layer(c, lg);
}

RT_LAYER static void invntt_layer_rt(int16_t c[MLKEM_N], unsigned lg, int reduce)
{
    invntt_layer(c, lg, reduce);
}

/*
 * FIPS 203 Alg. 9. Input |c| < q; every layer grows the bound by at most q,
 * so int16 never overflows (8q < 2^15); the output is Barrett-reduced.
 */
void mlkem_poly_ntt(mlkem_poly *p)
{
#ifdef MLKEM_AVX2
    if (sg17_cpu_has_avx2()) {
        mlkem_poly_ntt_avx2(p);
        return;
    }
#endif
    ntt_layer(p->c, 7); /* len 128 */
    ntt_layer(p->c, 6); /* len 64 */
    ntt_layer(p->c, 5); /* len 32 */
    ntt_layer_rt(p->c, 4); /* len 16 */
    ntt_layer_rt(p->c, 3); /* len 8 */
    ntt_layer(p->c, 2); /* len 4 */
    ntt_layer(p->c, 1); /* len 2 */
    for (unsigned j = 0; j < MLKEM_N; j++)
        p->c[j] = mlkem_barrett_reduce(p->c[j]);
}

/*
 * FIPS 203 Alg. 10 for input |c| < q. The final scaling by 2^32/128 also
 * cancels the R^-1 left by Montgomery products in T_q.
 * Lazy reduction: a sum coefficient at most doubles per layer while the
 * difference side is Montgomery-reduced (|.| < q), so after three layers
 * |c| < 8q < 2^15; the sums are Barrett-reduced only in layers 3 and 6
 * (len 8 and 64). Layer 7 leaves |c| < 2q, and the final product is < q.
 */
void mlkem_poly_invntt(mlkem_poly *p)
{
#ifdef MLKEM_AVX2
    if (sg17_cpu_has_avx2()) {
        mlkem_poly_invntt_avx2(p);
        return;
    }
#endif
    invntt_layer(p->c, 1, 0); /* len 2 */
    invntt_layer(p->c, 2, 0); /* len 4 */
    invntt_layer_rt(p->c, 3, 1); /* len 8 */
    invntt_layer_rt(p->c, 4, 0); /* len 16 */
    invntt_layer(p->c, 5, 0); /* len 32 */
    invntt_layer(p->c, 6, 1); /* len 64 */
    invntt_layer(p->c, 7, 0); /* len 128 */
    for (unsigned j = 0; j < MLKEM_N; j++)
        p->c[j] = fqmul(p->c[j], INVNTT_F);
}

void mlkem_poly_tomont(mlkem_poly *p)
{
    for (unsigned j = 0; j < MLKEM_N; j++)
        p->c[j] = fqmul(p->c[j], MONT_R2);
}

void mlkem_poly_add(mlkem_poly *r, const mlkem_poly *a, const mlkem_poly *b)
{
    for (unsigned j = 0; j < MLKEM_N; j++)
        r->c[j] = (int16_t)(a->c[j] + b->c[j]);
}

void mlkem_poly_sub(mlkem_poly *r, const mlkem_poly *a, const mlkem_poly *b)
{
    for (unsigned j = 0; j < MLKEM_N; j++)
        r->c[j] = (int16_t)(a->c[j] - b->c[j]);
}

/*
 * Alg. 12 needs a1 b1 gamma_i for each pair; b1 gamma_i R^-1 depends only
 * on b, which is reused for every row of A-hat, so it is computed once.
 */
void mlkem_poly_mulcache(mlkem_poly_cache *c, const mlkem_poly *b)
{
    for (unsigned i = 0; i < MLKEM_N / 2; i++)
        c->c[i] = fqmul(b->c[2 * i + 1], gammas[i]);
}

/* FIPS 203 Alg. 11 with Alg. 12 inlined; inputs |c| <= q. Output times R^-1. */
void mlkem_poly_basemul(mlkem_poly *r, const mlkem_poly *a, const mlkem_poly *b)
{
    mlkem_poly_cache bc;
    mlkem_poly_mulcache(&bc, b);
    mlkem_polyvec_basemul_acc(r, a, b, &bc, 1);
    sg17_memzero(&bc, sizeof bc);
}

/*
 * sum_i a[i] x b[i] in T_q, with lazy reduction: the k products of each
 * coefficient are summed in 32 bits (each pair of products < 2 q^2, k <= 4,
 * total < 8 q^2 < q 2^15) and reduced once.
 */
void mlkem_polyvec_basemul_acc(mlkem_poly *r, const mlkem_poly *a, const mlkem_poly *b,
                               const mlkem_poly_cache *bc, unsigned k)
{
#ifdef MLKEM_AVX2
    if (sg17_cpu_has_avx2()) {
        mlkem_polyvec_basemul_acc_avx2(r, a, b, bc, k);
        return;
    }
#endif
    /* Blocks of 16 pairs: the accumulators stay in registers (vectorised). */
    int32_t c0[16], c1[16];
    for (unsigned i0 = 0; i0 < MLKEM_N / 2; i0 += 16) {
        for (unsigned i = 0; i < 16; i++) {
            c0[i] = 0;
            c1[i] = 0;
        }
        for (unsigned v = 0; v < k; v++) {
            for (unsigned i = 0; i < 16; i++) {
                const int16_t a0 = a[v].c[2 * (i0 + i)], a1 = a[v].c[2 * (i0 + i) + 1];
                const int16_t b0 = b[v].c[2 * (i0 + i)], b1 = b[v].c[2 * (i0 + i) + 1];
                c0[i] += (int32_t)a0 * b0 + (int32_t)a1 * bc[v].c[i0 + i];
                c1[i] += (int32_t)a0 * b1 + (int32_t)a1 * b0;
            }
        }
        for (unsigned i = 0; i < 16; i++) {
            r->c[2 * (i0 + i)] = mlkem_montgomery_reduce(c0[i]);
            r->c[2 * (i0 + i) + 1] = mlkem_montgomery_reduce(c1[i]);
        }
    }
    sg17_memzero(c0, sizeof c0);
    sg17_memzero(c1, sizeof c1);
}

/* Pack 256 values of d bits each (little-endian bit order, Alg. 5). */
static void pack_bits(uint8_t *r, const uint16_t v[MLKEM_N], unsigned d)
{
    uint32_t acc = 0;
    unsigned bits = 0;
    size_t o = 0;
    for (unsigned i = 0; i < MLKEM_N; i++) {
        acc |= (uint32_t)v[i] << bits;
        bits += d;
        while (bits >= 8) {
            r[o++] = (uint8_t)acc;
            acc >>= 8;
            bits -= 8;
        }
    }
}

/* Unpack 256 values of d bits each (Alg. 6 without the reduction mod m). */
static void unpack_bits(uint16_t v[MLKEM_N], const uint8_t *a, unsigned d)
{
    uint32_t acc = 0;
    unsigned bits = 0;
    size_t in = 0;
    const uint32_t mask = (1U << d) - 1U;
    for (unsigned i = 0; i < MLKEM_N; i++) {
        while (bits < d) {
            acc |= (uint32_t)a[in++] << bits;
            bits += 8;
        }
        v[i] = (uint16_t)(acc & mask);
        acc >>= d;
        bits -= d;
    }
}

static inline __attribute__((always_inline)) void tobytes_body(uint8_t r[MLKEM_POLYBYTES], const mlkem_poly *a)
{
    /* ByteEncode_12: two coefficients per three bytes. */
    for (unsigned i = 0; i < MLKEM_N / 2; i++) {
        const uint16_t t0 = (uint16_t)freeze(a->c[2 * i]);
        const uint16_t t1 = (uint16_t)freeze(a->c[2 * i + 1]);
        r[3 * i] = (uint8_t)t0;
        r[3 * i + 1] = (uint8_t)((t0 >> 8) | (t1 << 4));
        r[3 * i + 2] = (uint8_t)(t1 >> 4);
    }
}

static inline __attribute__((always_inline)) void frombytes_body(mlkem_poly *r, const uint8_t a[MLKEM_POLYBYTES])
{
    for (unsigned i = 0; i < MLKEM_N / 2; i++) {
        const uint16_t v0 = (uint16_t)(a[3 * i] | ((a[3 * i + 1] & 0x0F) << 8));
        const uint16_t v1 = (uint16_t)((a[3 * i + 1] >> 4) | (a[3 * i + 2] << 4));
        /* ByteDecode_12 is defined mod q: subtract q from values >= q (masked). */
        const int16_t t0 = (int16_t)(v0 - MLKEM_Q), t1 = (int16_t)(v1 - MLKEM_Q);
        r->c[2 * i] = (int16_t)(t0 + ((t0 >> 15) & MLKEM_Q));
        r->c[2 * i + 1] = (int16_t)(t1 + ((t1 >> 15) & MLKEM_Q));
    }
}

/*
 * Compress_d(x) = round(2^d x / q) mod 2^d = floor((2^(d+1) x + q) / (2q))
 * mod 2^d (q is odd, so there are no ties). The division by 2q = 6658 is a
 * multiplication by ceil(2^34 / 6658) = 2580335 and a shift, exact for
 * x < q, d <= 11 (checked exhaustively in tests/unit/mlkem_poly.c).
 */
static inline uint16_t compress_d(uint16_t x, unsigned d)
{
    uint64_t n = ((uint64_t)x << (d + 1)) + MLKEM_Q;
    return (uint16_t)(((n * 2580335U) >> 34) & ((1U << d) - 1U));
}

uint16_t mlkem_compress(uint16_t x, unsigned d)
{
    return compress_d(x, d);
}

/* Decompress_d(y) = round(q y / 2^d) (FIPS 203 eq. 4.8). */
static inline uint16_t decompress_d(uint16_t y, unsigned d)
{
    return (uint16_t)(((uint32_t)y * MLKEM_Q + (1U << (d - 1))) >> d);
}

uint16_t mlkem_decompress(uint16_t y, unsigned d)
{
    return decompress_d(y, d);
}

/* ByteEncode_d o Compress_d, specialised for the ML-KEM-768 sizes d = 10, 4, 1. */
static inline __attribute__((always_inline)) void compress10_body(uint8_t *r, const mlkem_poly *a)
{
    for (unsigned i = 0; i < MLKEM_N / 4; i++) {
        uint16_t t[4];
        for (unsigned j = 0; j < 4; j++)
            t[j] = compress_d((uint16_t)freeze(a->c[4 * i + j]), 10);
        r[5 * i] = (uint8_t)t[0];
        r[5 * i + 1] = (uint8_t)((t[0] >> 8) | (t[1] << 2));
        r[5 * i + 2] = (uint8_t)((t[1] >> 6) | (t[2] << 4));
        r[5 * i + 3] = (uint8_t)((t[2] >> 4) | (t[3] << 6));
        r[5 * i + 4] = (uint8_t)(t[3] >> 2);
    }
}

static inline __attribute__((always_inline)) void compress4_body(uint8_t *r, const mlkem_poly *a)
{
    for (unsigned i = 0; i < MLKEM_N / 2; i++) {
        const uint16_t t0 = compress_d((uint16_t)freeze(a->c[2 * i]), 4);
        const uint16_t t1 = compress_d((uint16_t)freeze(a->c[2 * i + 1]), 4);
        r[i] = (uint8_t)(t0 | (t1 << 4));
    }
}

static inline __attribute__((always_inline)) void compress1_body(uint8_t *r, const mlkem_poly *a)
{
    for (unsigned i = 0; i < MLKEM_N / 8; i++) {
        unsigned byte = 0;
        for (unsigned j = 0; j < 8; j++)
            byte |= (unsigned)compress_d((uint16_t)freeze(a->c[8 * i + j]), 1) << j;
        r[i] = (uint8_t)byte;
    }
}


static inline __attribute__((always_inline)) void decompress10_body(mlkem_poly *r, const uint8_t *a)
{
    for (unsigned i = 0; i < MLKEM_N / 4; i++) {
        const uint8_t *b = a + 5 * i;
        r->c[4 * i] = (int16_t)decompress_d((uint16_t)((b[0] | (b[1] << 8)) & 0x3FF), 10);
        r->c[4 * i + 1] = (int16_t)decompress_d((uint16_t)(((b[1] >> 2) | (b[2] << 6)) & 0x3FF), 10);
        r->c[4 * i + 2] = (int16_t)decompress_d((uint16_t)(((b[2] >> 4) | (b[3] << 4)) & 0x3FF), 10);
        r->c[4 * i + 3] = (int16_t)decompress_d((uint16_t)((b[3] >> 6) | (b[4] << 2)), 10);
    }
}

static inline __attribute__((always_inline)) void decompress4_body(mlkem_poly *r, const uint8_t *a)
{
    for (unsigned i = 0; i < MLKEM_N / 2; i++) {
        r->c[2 * i] = (int16_t)decompress_d((uint16_t)(a[i] & 0x0F), 4);
        r->c[2 * i + 1] = (int16_t)decompress_d((uint16_t)(a[i] >> 4), 4);
    }
}

/*
 * Each encoder above is instantiated twice: plain, and compiled for AVX2
 * (same C, so the same outputs; the compiler vectorises it with 256-bit
 * registers), chosen by sg17_cpu_has_avx2().
 */
#ifdef MLKEM_AVX2
#define MLKEM_TWICE(name, params, args)                                                  \
    __attribute__((target("avx2"))) static void name##_avx2 params                       \
    {                                                                                    \
        name##_body args;                                                                \
    }                                                                                    \
    static void name params                                                              \
    {                                                                                    \
        if (sg17_cpu_has_avx2())                                                         \
            name##_avx2 args;                                                            \
        else                                                                             \
            name##_body args;                                                            \
    }
#else
#define MLKEM_TWICE(name, params, args)                                                  \
    static void name params                                                              \
    {                                                                                    \
        name##_body args;                                                                \
    }
#endif
MLKEM_TWICE(tobytes, (uint8_t * r, const mlkem_poly *a), (r, a))
MLKEM_TWICE(frombytes, (mlkem_poly * r, const uint8_t *a), (r, a))
static void compress10(uint8_t *r, const mlkem_poly *a)
{
#ifdef MLKEM_AVX2
    if (sg17_cpu_has_avx2()) {
        mlkem_poly_compress10_avx2(r, a); /* intrinsics: the compiler does not vectorise this */
        return;
    }
#endif
    compress10_body(r, a);
}
MLKEM_TWICE(compress4, (uint8_t * r, const mlkem_poly *a), (r, a))
MLKEM_TWICE(compress1, (uint8_t * r, const mlkem_poly *a), (r, a))
MLKEM_TWICE(decompress10, (mlkem_poly * r, const uint8_t *a), (r, a))
MLKEM_TWICE(decompress4, (mlkem_poly * r, const uint8_t *a), (r, a))

void mlkem_poly_tobytes(uint8_t r[MLKEM_POLYBYTES], const mlkem_poly *a)
{
    tobytes(r, a);
}

void mlkem_poly_frombytes(mlkem_poly *r, const uint8_t a[MLKEM_POLYBYTES])
{
    frombytes(r, a);
}

void mlkem_poly_decompress(mlkem_poly *r, const uint8_t *a, unsigned d)
{
    uint16_t v[MLKEM_N];
    if (d == 10) {
        decompress10(r, a);
        return;
    }
    if (d == 4) {
        decompress4(r, a);
        return;
    }
    unpack_bits(v, a, d);
    for (unsigned i = 0; i < MLKEM_N; i++)
        r->c[i] = (int16_t)decompress_d(v[i], d);
    sg17_memzero(v, sizeof v);
}

void mlkem_poly_compress(uint8_t *r, const mlkem_poly *a, unsigned d)
{
    uint16_t v[MLKEM_N];
    switch (d) {
    case 10:
        compress10(r, a);
        return;
    case 4:
        compress4(r, a);
        return;
    case 1:
        compress1(r, a);
        return;
    default:
        break;
    }
    for (unsigned i = 0; i < MLKEM_N; i++)
        v[i] = compress_d((uint16_t)freeze(a->c[i]), d);
    pack_bits(r, v, d);
    sg17_memzero(v, sizeof v);
}
