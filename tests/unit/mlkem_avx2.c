/*
 * ML-KEM: the AVX2 code paths (NTT, inverse NTT, T_q product-sum, 4-way
 * Keccak sampling, SampleNTT rejection, encoders) give the same bytes as the portable C paths. Each case
 * runs once with AVX2 forced off (sg17_cpu_set_avx2(0)) and once with it on,
 * on random seeds/inputs (tap_rand, seed printed), and compares: keygen
 * (ek, dk), encaps (c, K), decaps of the valid and of a corrupted
 * ciphertext (implicit rejection), for all three parameter sets; plus the
 * arithmetic directly on random and extreme inputs and the encoders on every
 * coefficient value. Skips on a CPU without AVX2.
 */
#include <stdio.h>
#include <string.h>

#include "pqc/mlkem/mlkem_internal.h"
#include "sg17/cpu.h"
#include "sg17/mlkem.h"
#include "tap.h"

static void rand_bytes(uint8_t *b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        b[i] = (uint8_t)tap_rand_u64();
}

typedef struct run {
    uint8_t ek[SG17_MLKEM_MAX_PUBLICKEY_BYTES], dk[SG17_MLKEM_MAX_SECRETKEY_BYTES];
    uint8_t c[SG17_MLKEM_MAX_CIPHERTEXT_BYTES], k[32], k2[32], k3[32];
} run;

static int one_run(sg17_mlkem_param p, const uint8_t d[32], const uint8_t z[32],
                   const uint8_t m[32], size_t flip, run *r)
{
    const size_t ekl = sg17_mlkem_publickey_bytes(p), dkl = sg17_mlkem_secretkey_bytes(p);
    const size_t ctl = sg17_mlkem_ciphertext_bytes(p);
    uint8_t bad[SG17_MLKEM_MAX_CIPHERTEXT_BYTES];
    memset(r, 0, sizeof *r);
    if (sg17_mlkem_keygen_derand(p, d, z, r->ek, sizeof r->ek, r->dk, sizeof r->dk) != 0)
        return -1;
    if (sg17_mlkem_encaps_derand(p, r->c, sizeof r->c, r->k, r->ek, ekl, m) != 0)
        return -1;
    if (sg17_mlkem_decaps(p, r->k2, r->c, ctl, r->dk, dkl) != 0)
        return -1;
    memcpy(bad, r->c, ctl);
    bad[flip % ctl] ^= (uint8_t)(1U << (flip % 8));
    if (sg17_mlkem_decaps(p, r->k3, bad, ctl, r->dk, dkl) != 0)
        return -1;
    return 0;
}

static void kem_cases(sg17_mlkem_param p, unsigned n)
{
    unsigned same = 0, roundtrip = 0, rejected = 0, errors = 0;
    static run a, b;
    for (unsigned t = 0; t < n; t++) {
        uint8_t d[32], z[32], m[32];
        rand_bytes(d, 32);
        rand_bytes(z, 32);
        rand_bytes(m, 32);
        const size_t flip = (size_t)tap_rand_u64();
        sg17_cpu_set_avx2(0);
        int ra = one_run(p, d, z, m, flip, &a);
        sg17_cpu_set_avx2(1);
        int rb = one_run(p, d, z, m, flip, &b);
        if (ra != 0 || rb != 0) {
            errors++;
            continue;
        }
        same += memcmp(&a, &b, sizeof a) == 0;
        roundtrip += memcmp(b.k, b.k2, 32) == 0;
        rejected += memcmp(b.k, b.k3, 32) != 0;
    }
    tap_int_eq(errors, 0, "no call failed");
    tap_ok(same == n, "%s: ek, dk, c, K, K', K-bar identical portable vs AVX2 (%u/%u)",
           sg17_mlkem_name(p), same, n);
    tap_ok(roundtrip == n, "%s: decaps recovers K (%u/%u)", sg17_mlkem_name(p), roundtrip, n);
    tap_ok(rejected == n, "%s: corrupted c gives a different key (%u/%u)", sg17_mlkem_name(p),
           rejected, n);
}

static void rand_poly(mlkem_poly *a, int16_t bound)
{
    for (unsigned i = 0; i < MLKEM_N; i++)
        a->c[i] = (int16_t)((int)(tap_rand_u64() % (uint64_t)(2 * bound - 1)) - (bound - 1));
}

static void arith_cases(unsigned n)
{
    unsigned ntt_ok = 0, inv_ok = 0, mul_ok = 0;
    for (unsigned t = 0; t < n; t++) {
        mlkem_poly a, a2, b[MLKEM_KMAX], c[MLKEM_KMAX], r1, r2;
        mlkem_poly_cache bc[MLKEM_KMAX];
        /* Every 8th case uses the extreme values of the documented input range. */
        const int extreme = (t % 8) == 0;
        rand_poly(&a, MLKEM_Q);
        if (extreme)
            for (unsigned i = 0; i < MLKEM_N; i++)
                a.c[i] = (int16_t)((tap_rand_u64() & 1) ? MLKEM_Q - 1 : -(MLKEM_Q - 1));
        a2 = a;
        sg17_cpu_set_avx2(0);
        mlkem_poly_ntt(&a);
        sg17_cpu_set_avx2(1);
        mlkem_poly_ntt(&a2);
        ntt_ok += memcmp(&a, &a2, sizeof a) == 0;

        a2 = a;
        sg17_cpu_set_avx2(0);
        mlkem_poly_invntt(&a);
        sg17_cpu_set_avx2(1);
        mlkem_poly_invntt(&a2);
        inv_ok += memcmp(&a, &a2, sizeof a) == 0;

        const unsigned k = 1 + (unsigned)(tap_rand_u64() % MLKEM_KMAX);
        for (unsigned v = 0; v < k; v++) {
            rand_poly(&b[v], MLKEM_Q);
            rand_poly(&c[v], MLKEM_Q);
            if (extreme)
                for (unsigned i = 0; i < MLKEM_N; i++) {
                    b[v].c[i] = (int16_t)(MLKEM_Q - 1);
                    c[v].c[i] = (int16_t)(-(MLKEM_Q - 1));
                }
            mlkem_poly_mulcache(&bc[v], &c[v]);
        }
        sg17_cpu_set_avx2(0);
        mlkem_polyvec_basemul_acc(&r1, b, c, bc, k);
        sg17_cpu_set_avx2(1);
        mlkem_polyvec_basemul_acc(&r2, b, c, bc, k);
        mul_ok += memcmp(&r1, &r2, sizeof r1) == 0;
    }
    tap_ok(ntt_ok == n, "NTT identical (%u/%u)", ntt_ok, n);
    tap_ok(inv_ok == n, "inverse NTT identical (%u/%u)", inv_ok, n);
    tap_ok(mul_ok == n, "basemul_acc identical (%u/%u)", mul_ok, n);
}

/* Encoders: every coefficient value in (-q, q) through Compress_d for all d, ByteEncode_12,
 * and random bytes through ByteDecode_12 / Decompress_d. */
static void encode_cases(void)
{
    static const unsigned ds[] = {1, 4, 5, 10, 11};
    unsigned bad = 0, total = 0;
    for (int start = -(MLKEM_Q - 1); start < MLKEM_Q; start += MLKEM_N) {
        mlkem_poly a;
        uint8_t r1[MLKEM_POLYBYTES], r2[MLKEM_POLYBYTES];
        for (unsigned i = 0; i < MLKEM_N; i++) {
            int v = start + (int)i;
            a.c[i] = (int16_t)(v < MLKEM_Q ? v : v - 2 * MLKEM_Q + 1);
        }
        for (unsigned t = 0; t < sizeof ds / sizeof ds[0]; t++) {
            sg17_cpu_set_avx2(0);
            mlkem_poly_compress(r1, &a, ds[t]);
            sg17_cpu_set_avx2(1);
            mlkem_poly_compress(r2, &a, ds[t]);
            bad += memcmp(r1, r2, 32 * ds[t]) != 0;
            total++;
        }
        sg17_cpu_set_avx2(0);
        mlkem_poly_tobytes(r1, &a);
        sg17_cpu_set_avx2(1);
        mlkem_poly_tobytes(r2, &a);
        bad += memcmp(r1, r2, sizeof r1) != 0;
        total++;
    }
    for (unsigned t = 0; t < 200; t++) {
        uint8_t in[MLKEM_POLYBYTES];
        mlkem_poly p1, p2;
        rand_bytes(in, sizeof in);
        sg17_cpu_set_avx2(0);
        mlkem_poly_frombytes(&p1, in);
        sg17_cpu_set_avx2(1);
        mlkem_poly_frombytes(&p2, in);
        bad += memcmp(&p1, &p2, sizeof p1) != 0;
        total++;
        for (unsigned u = 0; u < sizeof ds / sizeof ds[0]; u++) {
            sg17_cpu_set_avx2(0);
            mlkem_poly_decompress(&p1, in, ds[u]);
            sg17_cpu_set_avx2(1);
            mlkem_poly_decompress(&p2, in, ds[u]);
            bad += memcmp(&p1, &p2, sizeof p1) != 0;
            total++;
        }
    }
    tap_ok(bad == 0, "encoders identical (%u/%u cases differ)", bad, total);
}

int main(void)
{
    const uint64_t seed = 0x5eed0001;
    if (!sg17_cpu_set_avx2(1))
        tap_skip_all("CPU without AVX2 (or SG17_NO_AVX2 build): nothing to compare");
    tap_diag("tap_rand seed %#llx", (unsigned long long)seed);
    tap_rand_seed(seed);
    arith_cases(2000);
    encode_cases();
    kem_cases(SG17_MLKEM_512, 100);
    kem_cases(SG17_MLKEM_768, 300);
    kem_cases(SG17_MLKEM_1024, 100);
    sg17_cpu_set_avx2(1);
    return tap_done();
}
