/*
 * ML-KEM polynomial arithmetic with AVX2 (x86-64): the NTT (FIPS 203
 * Alg. 9), its inverse (Alg. 10) and the T_q product-sum (Alg. 11/12),
 * sixteen int16 coefficients per 256-bit vector.
 *
 * Same outputs as the portable code in poly.c, bit for bit: the Montgomery
 * product is computed from the same 16-bit halves (vpmullw / vpmulhw), the
 * Barrett reduction is the same round(2^26 / q) multiply-shift (vpmulhw then
 * vpmulhrsw by 2^5, which equals (v a + 2^25) >> 26), and the reductions sit
 * in the same layers. Layers with butterfly distance len >= 16 pair whole
 * vectors; for len = 8, 4, 2 two vectors A, B are regrouped (128-bit halves,
 * 64-bit and 32-bit words) so that each butterfly's inputs are in the same
 * lane of X and Y, and regrouped back afterwards (Seiler, "Faster AVX2
 * optimized NTT multiplication for Ring-LWE lattice cryptography", 2018,
 * uses the same idea). The zeta vectors for those layers are the zetas
 * table of poly.c laid out in that lane order.
 *
 * Constant time: only fixed shuffles, no data-dependent branch or index.
 * Compiled for AVX2 by function attribute; called only when
 * sg17_cpu_has_avx2() (see the dispatch in poly.c).
 */
#include "pqc/mlkem/mlkem_internal.h"

#ifdef MLKEM_AVX2
#include <immintrin.h>

#define QINV 62209     /* q^-1 mod 2^16 */
#define BARRETT_V 20159 /* round(2^26 / q) */
#define INVNTT_F 1441  /* 2^32 / 128 mod q */

#define AVX2 __attribute__((target("avx2")))

/* Zeta vectors for len = 8, 4, 2, one row per vector pair (A, B) = (2p, 2p + 1):
 * zetas[128/len + block] (forward) and zetas[256/len - 1 - block] (inverse)
 * for the block of the coefficient in each lane of X. */
static const int16_t zv_fwd8[8][16] __attribute__((aligned(32))) = {
    {573, 573, 573, 573, 573, 573, 573, 573, -1325, -1325, -1325, -1325, -1325, -1325, -1325, -1325},
    {264, 264, 264, 264, 264, 264, 264, 264, 383, 383, 383, 383, 383, 383, 383, 383},
    {-829, -829, -829, -829, -829, -829, -829, -829, 1458, 1458, 1458, 1458, 1458, 1458, 1458, 1458},
    {-1602, -1602, -1602, -1602, -1602, -1602, -1602, -1602, -130, -130, -130, -130, -130, -130, -130, -130},
    {-681, -681, -681, -681, -681, -681, -681, -681, 1017, 1017, 1017, 1017, 1017, 1017, 1017, 1017},
    {732, 732, 732, 732, 732, 732, 732, 732, 608, 608, 608, 608, 608, 608, 608, 608},
    {-1542, -1542, -1542, -1542, -1542, -1542, -1542, -1542, 411, 411, 411, 411, 411, 411, 411, 411},
    {-205, -205, -205, -205, -205, -205, -205, -205, -1571, -1571, -1571, -1571, -1571, -1571, -1571, -1571}};

static const int16_t zv_fwd4[8][16] __attribute__((aligned(32))) = {
    {1223, 1223, 1223, 1223, -552, -552, -552, -552, 652, 652, 652, 652, 1015, 1015, 1015, 1015},
    {-1293, -1293, -1293, -1293, -282, -282, -282, -282, 1491, 1491, 1491, 1491, -1544, -1544, -1544, -1544},
    {516, 516, 516, 516, -320, -320, -320, -320, -8, -8, -8, -8, -666, -666, -666, -666},
    {-1618, -1618, -1618, -1618, 126, 126, 126, 126, -1162, -1162, -1162, -1162, 1469, 1469, 1469, 1469},
    {-853, -853, -853, -853, -271, -271, -271, -271, -90, -90, -90, -90, 830, 830, 830, 830},
    {107, 107, 107, 107, -247, -247, -247, -247, -1421, -1421, -1421, -1421, -951, -951, -951, -951},
    {-398, -398, -398, -398, -1508, -1508, -1508, -1508, 961, 961, 961, 961, -725, -725, -725, -725},
    {448, 448, 448, 448, 677, 677, 677, 677, -1065, -1065, -1065, -1065, -1275, -1275, -1275, -1275}};

static const int16_t zv_fwd2[8][16] __attribute__((aligned(32))) = {
    {-1103, -1103, -1251, -1251, 430, 430, 871, 871, 555, 555, 1550, 1550, 843, 843, 105, 105},
    {422, 422, -291, -291, 587, 587, -460, -460, 177, 177, 1574, 1574, -235, -235, 1653, 1653},
    {-246, -246, -777, -777, 778, 778, 1483, 1483, 1159, 1159, -602, -602, -147, -147, 1119, 1119},
    {-1590, -1590, 418, 418, 644, 644, 329, 329, -872, -872, -156, -156, 349, 349, -75, -75},
    {817, 817, 1322, 1322, 1097, 1097, -1285, -1285, 603, 603, -1465, -1465, 610, 610, 384, 384},
    {-1215, -1215, -874, -874, -136, -136, 220, 220, 1218, 1218, -1187, -1187, -1335, -1335, -1659, -1659},
    {-1185, -1185, -1510, -1510, -1530, -1530, -854, -854, -1278, -1278, -870, -870, 794, 794, 478, 478},
    {-108, -108, 958, 958, -308, -308, -1460, -1460, 996, 996, 1522, 1522, 991, 991, 1628, 1628}};

static const int16_t zv_inv8[8][16] __attribute__((aligned(32))) = {
    {-1571, -1571, -1571, -1571, -1571, -1571, -1571, -1571, -205, -205, -205, -205, -205, -205, -205, -205},
    {411, 411, 411, 411, 411, 411, 411, 411, -1542, -1542, -1542, -1542, -1542, -1542, -1542, -1542},
    {608, 608, 608, 608, 608, 608, 608, 608, 732, 732, 732, 732, 732, 732, 732, 732},
    {1017, 1017, 1017, 1017, 1017, 1017, 1017, 1017, -681, -681, -681, -681, -681, -681, -681, -681},
    {-130, -130, -130, -130, -130, -130, -130, -130, -1602, -1602, -1602, -1602, -1602, -1602, -1602, -1602},
    {1458, 1458, 1458, 1458, 1458, 1458, 1458, 1458, -829, -829, -829, -829, -829, -829, -829, -829},
    {383, 383, 383, 383, 383, 383, 383, 383, 264, 264, 264, 264, 264, 264, 264, 264},
    {-1325, -1325, -1325, -1325, -1325, -1325, -1325, -1325, 573, 573, 573, 573, 573, 573, 573, 573}};

static const int16_t zv_inv4[8][16] __attribute__((aligned(32))) = {
    {-1275, -1275, -1275, -1275, -1065, -1065, -1065, -1065, 677, 677, 677, 677, 448, 448, 448, 448},
    {-725, -725, -725, -725, 961, 961, 961, 961, -1508, -1508, -1508, -1508, -398, -398, -398, -398},
    {-951, -951, -951, -951, -1421, -1421, -1421, -1421, -247, -247, -247, -247, 107, 107, 107, 107},
    {830, 830, 830, 830, -90, -90, -90, -90, -271, -271, -271, -271, -853, -853, -853, -853},
    {1469, 1469, 1469, 1469, -1162, -1162, -1162, -1162, 126, 126, 126, 126, -1618, -1618, -1618, -1618},
    {-666, -666, -666, -666, -8, -8, -8, -8, -320, -320, -320, -320, 516, 516, 516, 516},
    {-1544, -1544, -1544, -1544, 1491, 1491, 1491, 1491, -282, -282, -282, -282, -1293, -1293, -1293, -1293},
    {1015, 1015, 1015, 1015, 652, 652, 652, 652, -552, -552, -552, -552, 1223, 1223, 1223, 1223}};

static const int16_t zv_inv2[8][16] __attribute__((aligned(32))) = {
    {1628, 1628, 991, 991, 1522, 1522, 996, 996, -1460, -1460, -308, -308, 958, 958, -108, -108},
    {478, 478, 794, 794, -870, -870, -1278, -1278, -854, -854, -1530, -1530, -1510, -1510, -1185, -1185},
    {-1659, -1659, -1335, -1335, -1187, -1187, 1218, 1218, 220, 220, -136, -136, -874, -874, -1215, -1215},
    {384, 384, 610, 610, -1465, -1465, 603, 603, -1285, -1285, 1097, 1097, 1322, 1322, 817, 817},
    {-75, -75, 349, 349, -156, -156, -872, -872, 329, 329, 644, 644, 418, 418, -1590, -1590},
    {1119, 1119, -147, -147, -602, -602, 1159, 1159, 1483, 1483, 778, 778, -777, -777, -246, -246},
    {1653, 1653, -235, -235, 1574, 1574, 177, 177, -460, -460, 587, 587, -291, -291, 422, 422},
    {105, 105, 843, 843, 1550, 1550, 555, 555, 871, 871, 430, 430, -1251, -1251, -1103, -1103}};

/* a z R^-1 per lane with zq = z q^-1 mod 2^16 (see fqmul in poly.c). */
AVX2 static inline __m256i fqmul_v(__m256i a, __m256i z, __m256i zq)
{
    const __m256i q = _mm256_set1_epi16(MLKEM_Q);
    const __m256i t = _mm256_mullo_epi16(a, zq);
    return _mm256_sub_epi16(_mm256_mulhi_epi16(a, z), _mm256_mulhi_epi16(t, q));
}

AVX2 static inline __m256i zq_of(__m256i z)
{
    return _mm256_mullo_epi16(z, _mm256_set1_epi16((int16_t)QINV));
}

/* Centred representative (mlkem_barrett_reduce), per lane. */
AVX2 static inline __m256i barrett_v(__m256i a)
{
    const __m256i t = _mm256_mulhrs_epi16(_mm256_mulhi_epi16(a, _mm256_set1_epi16(BARRETT_V)),
                                          _mm256_set1_epi16(32));
    return _mm256_sub_epi16(a, _mm256_mullo_epi16(t, _mm256_set1_epi16(MLKEM_Q)));
}

/* Forward butterfly: (x, y) -> (x + z y, x - z y). */
AVX2 static inline void bf_fwd(__m256i *x, __m256i *y, __m256i z, __m256i zq)
{
    const __m256i t = fqmul_v(*y, z, zq);
    *y = _mm256_sub_epi16(*x, t);
    *x = _mm256_add_epi16(*x, t);
}

/* Inverse butterfly: (x, y) -> (x + y, z (y - x)), the sum Barrett-reduced if red. */
AVX2 static inline void bf_inv(__m256i *x, __m256i *y, __m256i z, __m256i zq, int red)
{
    const __m256i t = *x;
    *x = _mm256_add_epi16(t, *y);
    if (red)
        *x = barrett_v(*x);
    *y = fqmul_v(_mm256_sub_epi16(*y, t), z, zq);
}

/* Regroup (A, B) into (X, Y) for butterflies at distance len = 8, 4, 2, and back. */
AVX2 static inline void split(__m256i a, __m256i b, __m256i *x, __m256i *y, unsigned len)
{
    if (len == 8) {
        *x = _mm256_permute2x128_si256(a, b, 0x20);
        *y = _mm256_permute2x128_si256(a, b, 0x31);
    } else if (len == 4) {
        *x = _mm256_unpacklo_epi64(a, b);
        *y = _mm256_unpackhi_epi64(a, b);
    } else {
        *x = _mm256_blend_epi32(a, _mm256_slli_epi64(b, 32), 0xAA);
        *y = _mm256_blend_epi32(_mm256_srli_epi64(a, 32), b, 0xAA);
    }
}

AVX2 static inline void merge(__m256i x, __m256i y, __m256i *a, __m256i *b, unsigned len)
{
    if (len == 8) {
        *a = _mm256_permute2x128_si256(x, y, 0x20);
        *b = _mm256_permute2x128_si256(x, y, 0x31);
    } else if (len == 4) {
        *a = _mm256_unpacklo_epi64(x, y);
        *b = _mm256_unpackhi_epi64(x, y);
    } else {
        *a = _mm256_blend_epi32(x, _mm256_slli_epi64(y, 32), 0xAA);
        *b = _mm256_blend_epi32(_mm256_srli_epi64(x, 32), y, 0xAA);
    }
}

AVX2 static inline __m256i load_zv(const int16_t *z)
{
    return _mm256_load_si256((const __m256i *)(const void *)z);
}

AVX2 void mlkem_poly_ntt_avx2(mlkem_poly *p)
{
    __m256i r[16];
    for (unsigned i = 0; i < 16; i++)
        r[i] = _mm256_loadu_si256((const __m256i *)(const void *)&p->c[16 * i]);
    for (unsigned l = 0; l < 4; l++) { /* len = 128 >> l: h vectors apart, 2^l blocks */
        const unsigned h = 8U >> l, blocks = 1U << l;
        for (unsigned b = 0; b < blocks; b++) {
            const __m256i z = _mm256_set1_epi16(mlkem_zetas[blocks + b]);
            const __m256i zq = zq_of(z);
            for (unsigned j = 0; j < h; j++)
                bf_fwd(&r[2 * h * b + j], &r[2 * h * b + j + h], z, zq);
        }
    }
    for (unsigned pr = 0; pr < 8; pr++) {
        __m256i x, y, z;
        split(r[2 * pr], r[2 * pr + 1], &x, &y, 8);
        z = load_zv(zv_fwd8[pr]);
        bf_fwd(&x, &y, z, zq_of(z));
        merge(x, y, &r[2 * pr], &r[2 * pr + 1], 8);
        split(r[2 * pr], r[2 * pr + 1], &x, &y, 4);
        z = load_zv(zv_fwd4[pr]);
        bf_fwd(&x, &y, z, zq_of(z));
        merge(x, y, &r[2 * pr], &r[2 * pr + 1], 4);
        split(r[2 * pr], r[2 * pr + 1], &x, &y, 2);
        z = load_zv(zv_fwd2[pr]);
        bf_fwd(&x, &y, z, zq_of(z));
        merge(x, y, &r[2 * pr], &r[2 * pr + 1], 2);
    }
    for (unsigned i = 0; i < 16; i++)
        _mm256_storeu_si256((__m256i *)(void *)&p->c[16 * i], barrett_v(r[i]));
}

/* Barrett-reduced sums in layers 3 and 6 (len 8 and 64), as in poly.c. */
AVX2 void mlkem_poly_invntt_avx2(mlkem_poly *p)
{
    __m256i r[16];
    for (unsigned i = 0; i < 16; i++)
        r[i] = _mm256_loadu_si256((const __m256i *)(const void *)&p->c[16 * i]);
    for (unsigned pr = 0; pr < 8; pr++) {
        __m256i x, y, z;
        split(r[2 * pr], r[2 * pr + 1], &x, &y, 2);
        z = load_zv(zv_inv2[pr]);
        bf_inv(&x, &y, z, zq_of(z), 0);
        merge(x, y, &r[2 * pr], &r[2 * pr + 1], 2);
        split(r[2 * pr], r[2 * pr + 1], &x, &y, 4);
        z = load_zv(zv_inv4[pr]);
        bf_inv(&x, &y, z, zq_of(z), 0);
        merge(x, y, &r[2 * pr], &r[2 * pr + 1], 4);
        split(r[2 * pr], r[2 * pr + 1], &x, &y, 8);
        z = load_zv(zv_inv8[pr]);
        bf_inv(&x, &y, z, zq_of(z), 1);
        merge(x, y, &r[2 * pr], &r[2 * pr + 1], 8);
    }
    for (unsigned l = 4; l-- > 0;) { /* len = 128 >> l = 16 .. 128 */
        const unsigned h = 8U >> l, blocks = 1U << l;
        for (unsigned b = 0; b < blocks; b++) {
            const __m256i z = _mm256_set1_epi16(mlkem_zetas[2 * blocks - 1 - b]);
            const __m256i zq = zq_of(z);
            for (unsigned j = 0; j < h; j++)
                bf_inv(&r[2 * h * b + j], &r[2 * h * b + j + h], z, zq, l == 1); /* len 64 */
        }
    }
    {
        const __m256i f = _mm256_set1_epi16(INVNTT_F);
        const __m256i fq = zq_of(f);
        for (unsigned i = 0; i < 16; i++)
            _mm256_storeu_si256((__m256i *)(void *)&p->c[16 * i], fqmul_v(r[i], f, fq));
    }
}

/*
 * sum_v a[v] x b[v] in T_q (times R^-1): vpmaddwd forms a0 b0 + a1 (b1 gamma
 * R^-1) and a0 b1 + a1 b0 in 32 bits, summed over v and Montgomery-reduced
 * once, exactly as mlkem_polyvec_basemul_acc.
 */
AVX2 void mlkem_polyvec_basemul_acc_avx2(mlkem_poly *r, const mlkem_poly *a, const mlkem_poly *b,
                                         const mlkem_poly_cache *bc, unsigned k)
{
    const __m256i lo16 = _mm256_set1_epi32(0xFFFF);
    const __m256i qinv = _mm256_set1_epi32(QINV);
    const __m256i q = _mm256_set1_epi32(MLKEM_Q);
    for (unsigned i = 0; i < 16; i++) {
        __m256i c0 = _mm256_setzero_si256(), c1 = _mm256_setzero_si256();
        for (unsigned v = 0; v < k; v++) {
            const __m256i av = _mm256_loadu_si256((const __m256i *)(const void *)&a[v].c[16 * i]);
            const __m256i bv = _mm256_loadu_si256((const __m256i *)(const void *)&b[v].c[16 * i]);
            const __m128i cv = _mm_loadu_si128((const __m128i *)(const void *)&bc[v].c[8 * i]);
            const __m256i b0c = _mm256_or_si256(
                _mm256_and_si256(bv, lo16), _mm256_slli_epi32(_mm256_cvtepi16_epi32(cv), 16));
            const __m256i b10 = _mm256_or_si256(_mm256_slli_epi32(bv, 16), _mm256_srli_epi32(bv, 16));
            c0 = _mm256_add_epi32(c0, _mm256_madd_epi16(av, b0c));
            c1 = _mm256_add_epi32(c1, _mm256_madd_epi16(av, b10));
        }
        /* Montgomery reduction of 32-bit lanes: t = (int16)(c q^-1), (c - t q) >> 16. */
        __m256i t0 = _mm256_mullo_epi32(c0, qinv), t1 = _mm256_mullo_epi32(c1, qinv);
        t0 = _mm256_srai_epi32(_mm256_slli_epi32(t0, 16), 16);
        t1 = _mm256_srai_epi32(_mm256_slli_epi32(t1, 16), 16);
        c0 = _mm256_srai_epi32(_mm256_sub_epi32(c0, _mm256_mullo_epi32(t0, q)), 16);
        c1 = _mm256_srai_epi32(_mm256_sub_epi32(c1, _mm256_mullo_epi32(t1, q)), 16);
        _mm256_storeu_si256((__m256i *)(void *)&r->c[16 * i],
                            _mm256_or_si256(_mm256_and_si256(c0, lo16), _mm256_slli_epi32(c1, 16)));
    }
}

/*
 * ByteEncode_10(Compress_10(a)) (FIPS 203 §4.2.1): freeze to [0, q), then
 * floor((2^11 x + q) 2580335 / 2^34) mod 2^10 in 64-bit lanes (vpmuludq), the
 * same multiply-shift as compress_d in poly.c; then four 10-bit values per
 * 40-bit group, stored as 5 bytes.
 */
AVX2 static inline __m256i compress10_half(__m128i x16)
{
    const __m256i m = _mm256_set1_epi64x(2580335);
    const __m256i n = _mm256_add_epi32(_mm256_slli_epi32(_mm256_cvtepu16_epi32(x16), 11),
                                       _mm256_set1_epi32(MLKEM_Q));
    const __m256i e = _mm256_srli_epi64(_mm256_mul_epu32(n, m), 34);
    const __m256i o = _mm256_srli_epi64(_mm256_mul_epu32(_mm256_srli_epi64(n, 32), m), 34);
    const __m256i mask = _mm256_set1_epi64x(0x3FF);
    /* 64-bit lane j = value 2j | value 2j+1 << 10 */
    const __m256i p = _mm256_or_si256(_mm256_and_si256(e, mask),
                                      _mm256_slli_epi64(_mm256_and_si256(o, mask), 10));
    /* 64-bit lanes 0 and 2 = four values each, 40 bits */
    return _mm256_or_si256(p, _mm256_slli_epi64(_mm256_srli_si256(p, 8), 20));
}

AVX2 static inline void store40(uint8_t *r, uint64_t v)
{
    for (unsigned b = 0; b < 5; b++)
        r[b] = (uint8_t)(v >> (8 * b));
}

AVX2 void mlkem_poly_compress10_avx2(uint8_t *r, const mlkem_poly *a)
{
    const __m256i q = _mm256_set1_epi16(MLKEM_Q);
    for (unsigned i = 0; i < 16; i++) {
        __m256i v = barrett_v(_mm256_loadu_si256((const __m256i *)(const void *)&a->c[16 * i]));
        v = _mm256_add_epi16(v, _mm256_and_si256(_mm256_srai_epi16(v, 15), q)); /* [0, q) */
        const __m256i lo = compress10_half(_mm256_castsi256_si128(v));
        const __m256i hi = compress10_half(_mm256_extracti128_si256(v, 1));
        store40(r + 20 * i, (uint64_t)_mm256_extract_epi64(lo, 0));
        store40(r + 20 * i + 5, (uint64_t)_mm256_extract_epi64(lo, 2));
        store40(r + 20 * i + 10, (uint64_t)_mm256_extract_epi64(hi, 0));
        store40(r + 20 * i + 15, (uint64_t)_mm256_extract_epi64(hi, 2));
    }
}

#endif /* MLKEM_AVX2 */
