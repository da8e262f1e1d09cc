/*
 * ML-KEM arithmetic internals: the division-free Compress_d against the
 * FIPS 203 definition computed with exact rational arithmetic (all x < q,
 * all d used), Decompress_d, ByteDecode_12 reduction mod q, Barrett and
 * Montgomery ranges, and NTT-based multiplication against schoolbook
 * negacyclic multiplication in R_q.
 */
#include <string.h>

#include "pqc/mlkem/mlkem_internal.h"
#include "tap.h"

static int mod_q(long long x)
{
    long long r = x % MLKEM_Q;
    return (int)(r < 0 ? r + MLKEM_Q : r);
}

static void test_compress(void)
{
    static const unsigned ds[] = {1, 4, 5, 10, 11};
    unsigned bad = 0, badd = 0, badround = 0;
    for (size_t k = 0; k < sizeof ds / sizeof ds[0]; k++) {
        unsigned d = ds[k];
        for (uint32_t x = 0; x < MLKEM_Q; x++) {
            /* round(2^d x / q) = floor((2^(d+1) x + q) / 2q), mod 2^d (§4.2.1 eq. 4.7). */
            uint32_t want = (((x << (d + 1)) + MLKEM_Q) / (2 * MLKEM_Q)) & ((1U << d) - 1);
            if (mlkem_compress((uint16_t)x, d) != want)
                bad++;
        }
        for (uint32_t y = 0; y < (1U << d); y++) {
            /* round(q y / 2^d) (eq. 4.8). */
            uint32_t want = (MLKEM_Q * y * 2 + (1U << d)) / (2U << d);
            if (mlkem_decompress((uint16_t)y, d) != want)
                badd++;
            /* Compress(Decompress(y)) = y (FIPS 203 §4.2.1). */
            if (mlkem_compress(mlkem_decompress((uint16_t)y, d), d) != y)
                badround++;
        }
    }
    tap_int_eq(bad, 0, "Compress_d matches the definition for all x < q, d in {1,4,5,10,11}");
    tap_int_eq(badd, 0, "Decompress_d matches the definition");
    tap_int_eq(badround, 0, "Compress_d(Decompress_d(y)) == y");
    /* Compress_1(x) = 1 exactly for x in [833, 2496] (2x/q in [0.5, 1.5)). */
    tap_int_eq(mlkem_compress(832, 1), 0, "Compress_1(832) = 0");
    tap_int_eq(mlkem_compress(833, 1), 1, "Compress_1(833) = 1");
    tap_int_eq(mlkem_compress(2496, 1), 1, "Compress_1(2496) = 1");
    tap_int_eq(mlkem_compress(2497, 1), 0, "Compress_1(2497) = 0 (2 mod 2)");
}

static void test_reduce(void)
{
    unsigned bad_b = 0, bad_m = 0;
    for (int32_t a = -32768; a <= 32767; a++) {
        int16_t r = mlkem_barrett_reduce((int16_t)a);
        if (mod_q(r) != mod_q(a) || r < -(MLKEM_Q / 2) || r > MLKEM_Q / 2)
            bad_b++;
    }
    /* Montgomery: r == a 2^-16 mod q and |r| < q for |a| < q 2^15. 169 = 2^-16 mod q. */
    tap_rand_seed(1);
    for (int i = 0; i < 200000; i++) {
        int32_t a = (int32_t)(tap_rand_u64() % (2ULL * MLKEM_Q * 32768ULL)) - MLKEM_Q * 32768;
        int16_t r = mlkem_montgomery_reduce(a);
        if (mod_q((long long)r * 65536) != mod_q(a) || r <= -MLKEM_Q || r >= MLKEM_Q)
            bad_m++;
    }
    tap_int_eq(bad_b, 0, "Barrett reduction: congruent and centred for every int16");
    tap_int_eq(bad_m, 0, "Montgomery reduction: a R^-1 mod q, |r| < q");
}

static void test_decode12(void)
{
    uint8_t b[MLKEM_POLYBYTES];
    mlkem_poly p, p2;
    uint8_t b2[MLKEM_POLYBYTES];
    memset(b, 0xFF, sizeof b); /* every value 4095 -> 4095 - q = 766 */
    mlkem_poly_frombytes(&p, b);
    int ok = 1;
    for (int i = 0; i < MLKEM_N; i++)
        ok &= p.c[i] == 4095 - MLKEM_Q;
    tap_ok(ok, "ByteDecode_12 reduces mod q");
    tap_rand_seed(2);
    for (int i = 0; i < MLKEM_N; i++)
        p.c[i] = (int16_t)(tap_rand_u64() % MLKEM_Q);
    mlkem_poly_tobytes(b, &p);
    mlkem_poly_frombytes(&p2, b);
    mlkem_poly_tobytes(b2, &p2);
    tap_ok(memcmp(&p, &p2, sizeof p) == 0 && memcmp(b, b2, sizeof b) == 0,
           "ByteEncode_12 / ByteDecode_12 round trip");
}

static void schoolbook(int *c, const int16_t *a, const int16_t *b)
{
    long long acc[MLKEM_N] = {0};
    for (int i = 0; i < MLKEM_N; i++)
        for (int j = 0; j < MLKEM_N; j++) {
            long long t = (long long)a[i] * b[j];
            if (i + j < MLKEM_N)
                acc[i + j] += t;
            else
                acc[i + j - MLKEM_N] -= t; /* X^256 = -1 */
        }
    for (int i = 0; i < MLKEM_N; i++)
        c[i] = mod_q(acc[i]);
}

static void test_ntt_mul(void)
{
    mlkem_poly a, b, r;
    int want[MLKEM_N];
    int bad = 0;
    tap_rand_seed(3);
    for (int iter = 0; iter < 20; iter++) {
        for (int i = 0; i < MLKEM_N; i++) {
            a.c[i] = (int16_t)(tap_rand_u64() % MLKEM_Q);
            /* second operand: small (like CBD) half the time, full range otherwise */
            b.c[i] = (int16_t)(iter & 1 ? (int)(tap_rand_u64() % 7) - 3
                                        : (int)(tap_rand_u64() % MLKEM_Q));
        }
        schoolbook(want, a.c, b.c);
        mlkem_poly_ntt(&a);
        mlkem_poly_ntt(&b);
        mlkem_poly_basemul(&r, &a, &b);
        mlkem_poly_invntt(&r);
        for (int i = 0; i < MLKEM_N; i++)
            bad += mod_q(r.c[i]) != want[i];
    }
    tap_int_eq(bad, 0, "NTT^-1(NTT(a) x NTT(b)) == a b in R_q (20 random pairs)");

    /* NTT then NTT^-1 (with the R factor supplied by tomont) is the identity. */
    for (int i = 0; i < MLKEM_N; i++)
        a.c[i] = (int16_t)(tap_rand_u64() % MLKEM_Q);
    b = a;
    mlkem_poly_ntt(&b);
    mlkem_poly_invntt(&b); /* gives a R */
    bad = 0;
    for (int i = 0; i < MLKEM_N; i++)
        bad += mod_q(b.c[i]) != mod_q((long long)a.c[i] * 65536);
    tap_int_eq(bad, 0, "NTT^-1(NTT(a)) == a R (Montgomery-scaled inverse)");
}

int main(void)
{
    test_compress();
    test_reduce();
    test_decode12();
    test_ntt_mul();
    return tap_done();
}
