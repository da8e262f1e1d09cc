/*
 * Four Keccak-f[1600] permutations at once in AVX2 registers (FIPS 202
 * §3.3: theta, rho, pi, chi, iota; 24 rounds), for the SHAKE instantiation
 * of SLH-DSA, whose WOTS+ chains and FORS leaves are independent
 * single-block SHAKE256 calls. Lane i of state j is s[i][j]. Selected at run
 * time when the CPU has AVX2; otherwise callers use the scalar permutation.
 */
#include "slhdsa_internal.h"

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>

static const uint64_t keccak_rc[24] = {
    0x0000000000000001ULL, 0x0000000000008082ULL, 0x800000000000808AULL, 0x8000000080008000ULL,
    0x000000000000808BULL, 0x0000000080000001ULL, 0x8000000080008081ULL, 0x8000000000008009ULL,
    0x000000000000008AULL, 0x0000000000000088ULL, 0x0000000080008009ULL, 0x000000008000000AULL,
    0x000000008000808BULL, 0x800000000000008BULL, 0x8000000000008089ULL, 0x8000000000008003ULL,
    0x8000000000008002ULL, 0x8000000000000080ULL, 0x000000000000800AULL, 0x800000008000000AULL,
    0x8000000080008081ULL, 0x8000000000008080ULL, 0x0000000080000001ULL, 0x8000000080008008ULL};

#define ROL(x, n)  _mm256_or_si256(_mm256_slli_epi64((x), (n)), _mm256_srli_epi64((x), 64 - (n)))
#define XOR(a, b)  _mm256_xor_si256((a), (b))
#define ANDN(a, b) _mm256_andnot_si256((a), (b))

__attribute__((target("avx2"))) static void permute(__m256i a[25])
{
    __m256i b[25], c0, c1, c2, c3, c4, d0, d1, d2, d3, d4;
    for (int r = 0; r < 24; r++) {
        c0 = XOR(XOR(XOR(a[0], a[5]), XOR(a[10], a[15])), a[20]);
        c1 = XOR(XOR(XOR(a[1], a[6]), XOR(a[11], a[16])), a[21]);
        c2 = XOR(XOR(XOR(a[2], a[7]), XOR(a[12], a[17])), a[22]);
        c3 = XOR(XOR(XOR(a[3], a[8]), XOR(a[13], a[18])), a[23]);
        c4 = XOR(XOR(XOR(a[4], a[9]), XOR(a[14], a[19])), a[24]);
        d0 = XOR(c4, ROL(c1, 1));
        d1 = XOR(c0, ROL(c2, 1));
        d2 = XOR(c1, ROL(c3, 1));
        d3 = XOR(c2, ROL(c4, 1));
        d4 = XOR(c3, ROL(c0, 1));
        /* rho + pi: B[y + 5((2x + 3y) mod 5)] = ROT(A[x + 5y] ^ D[x], r[x, y]). */
        b[0] = XOR(a[0], d0);
        b[16] = ROL(XOR(a[5], d0), 36);
        b[7] = ROL(XOR(a[10], d0), 3);
        b[23] = ROL(XOR(a[15], d0), 41);
        b[14] = ROL(XOR(a[20], d0), 18);
        b[10] = ROL(XOR(a[1], d1), 1);
        b[1] = ROL(XOR(a[6], d1), 44);
        b[17] = ROL(XOR(a[11], d1), 10);
        b[8] = ROL(XOR(a[16], d1), 45);
        b[24] = ROL(XOR(a[21], d1), 2);
        b[20] = ROL(XOR(a[2], d2), 62);
        b[11] = ROL(XOR(a[7], d2), 6);
        b[2] = ROL(XOR(a[12], d2), 43);
        b[18] = ROL(XOR(a[17], d2), 15);
        b[9] = ROL(XOR(a[22], d2), 61);
        b[5] = ROL(XOR(a[3], d3), 28);
        b[21] = ROL(XOR(a[8], d3), 55);
        b[12] = ROL(XOR(a[13], d3), 25);
        b[3] = ROL(XOR(a[18], d3), 21);
        b[19] = ROL(XOR(a[23], d3), 56);
        b[15] = ROL(XOR(a[4], d4), 27);
        b[6] = ROL(XOR(a[9], d4), 20);
        b[22] = ROL(XOR(a[14], d4), 39);
        b[13] = ROL(XOR(a[19], d4), 8);
        b[4] = ROL(XOR(a[24], d4), 14);
        /* chi */
        for (int y = 0; y < 25; y += 5) {
            a[y + 0] = XOR(b[y + 0], ANDN(b[y + 1], b[y + 2]));
            a[y + 1] = XOR(b[y + 1], ANDN(b[y + 2], b[y + 3]));
            a[y + 2] = XOR(b[y + 2], ANDN(b[y + 3], b[y + 4]));
            a[y + 3] = XOR(b[y + 3], ANDN(b[y + 4], b[y + 0]));
            a[y + 4] = XOR(b[y + 4], ANDN(b[y + 0], b[y + 1]));
        }
        /* iota */
        a[0] = XOR(a[0], _mm256_set1_epi64x((long long)keccak_rc[r]));
    }
}

__attribute__((target("avx2"))) static void f1600x4_avx2(uint64_t s[25][4])
{
    __m256i a[25];
    for (int i = 0; i < 25; i++)
        a[i] = _mm256_loadu_si256((const __m256i *)(const void *)s[i]);
    permute(a);
    for (int i = 0; i < 25; i++)
        _mm256_storeu_si256((__m256i *)(void *)s[i], a[i]);
    sg17_memzero(a, sizeof(a));
}

int slh_keccakx4_available(void)
{
    /* No cached flag: __builtin_cpu_supports reads libgcc's CPU model, set
     * once by its constructor, so concurrent callers do not race. */
    return __builtin_cpu_supports("avx2") ? 1 : 0;
}

void slh_keccakx4_f1600(uint64_t s[25][4])
{
    if (slh_keccakx4_available()) {
        f1600x4_avx2(s);
        return;
    }
    uint64_t t[25];
    for (int j = 0; j < 4; j++) {
        for (int i = 0; i < 25; i++)
            t[i] = s[i][j];
        sg17_keccak_f1600(t);
        for (int i = 0; i < 25; i++)
            s[i][j] = t[i];
    }
    sg17_memzero(t, sizeof(t));
}

#else

int slh_keccakx4_available(void)
{
    return 0;
}

void slh_keccakx4_f1600(uint64_t s[25][4])
{
    uint64_t t[25];
    for (int j = 0; j < 4; j++) {
        for (int i = 0; i < 25; i++)
            t[i] = s[i][j];
        sg17_keccak_f1600(t);
        for (int i = 0; i < 25; i++)
            s[i][j] = t[i];
    }
    sg17_memzero(t, sizeof(t));
}

#endif
