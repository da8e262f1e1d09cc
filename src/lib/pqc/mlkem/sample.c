/*
 * ML-KEM sampling (FIPS 203 §4.2.2): SampleNTT (Alg. 7) from SHAKE128 and
 * SamplePolyCBD_eta (Alg. 8) over PRF_eta = SHAKE256 (§4.1, eq. 4.3).
 */
#include <string.h>

#include "pqc/mlkem/mlkem_internal.h"
#include "sg17/cpu.h"
#include "sg17/keccak.h"

/*
 * Rejection step of Alg. 7 on buflen bytes (a multiple of 3): appends the
 * accepted 12-bit values to a->c[n..] and returns the new count. The XOF
 * output depends only on the public seed rho (it is published in ek), so
 * this need not be constant time.
 */
static unsigned rej_uniform(mlkem_poly *a, unsigned n, const uint8_t *buf, size_t buflen)
{
    size_t pos = 0;
#ifdef MLKEM_AVX2
    if (sg17_cpu_has_avx2())
        pos = mlkem_rej_uniform_avx2(a, &n, buf, buflen);
#endif
    /* Bulk: while two more values fit, store both candidates and advance n
     * by the acceptance bits (no unpredictable branch; for speed only). */
    for (; pos + 3 <= buflen && n + 2 <= MLKEM_N; pos += 3) {
        uint16_t d1 = (uint16_t)(buf[pos] | ((buf[pos + 1] & 0x0F) << 8));
        uint16_t d2 = (uint16_t)((buf[pos + 1] >> 4) | (buf[pos + 2] << 4));
        a->c[n] = (int16_t)d1;
        n += (unsigned)(d1 < MLKEM_Q);
        a->c[n] = (int16_t)d2;
        n += (unsigned)(d2 < MLKEM_Q);
    }
    for (; pos + 3 <= buflen && n < MLKEM_N; pos += 3) {
        uint16_t d1 = (uint16_t)(buf[pos] | ((buf[pos + 1] & 0x0F) << 8));
        uint16_t d2 = (uint16_t)((buf[pos + 1] >> 4) | (buf[pos + 2] << 4));
        if (d1 < MLKEM_Q)
            a->c[n++] = (int16_t)d1;
        if (d2 < MLKEM_Q && n < MLKEM_N)
            a->c[n++] = (int16_t)d2;
    }
    return n;
}

/*
 * Alg. 7. Three SHAKE128 blocks (504 bytes) suffice almost always; more are
 * squeezed one block at a time. The rate (168) is a multiple of 3, so no
 * bytes carry over between blocks.
 */
void mlkem_sample_ntt(mlkem_poly *a, const uint8_t rho[32], uint8_t j, uint8_t i)
{
    sg17_keccak_ctx ctx;
    uint8_t seed[34];
    uint8_t buf[3 * SG17_SHAKE128_RATE];
    unsigned n;

    for (unsigned b = 0; b < 32; b++)
        seed[b] = rho[b];
    seed[32] = j;
    seed[33] = i;
    sg17_shake128_init(&ctx);
    sg17_keccak_absorb(&ctx, seed, sizeof seed);
    sg17_keccak_finalize(&ctx);
    sg17_keccak_squeezeblocks(&ctx, buf, 3);
    n = rej_uniform(a, 0, buf, sizeof buf);
    while (n < MLKEM_N) {
        sg17_keccak_squeezeblocks(&ctx, buf, 1);
        n = rej_uniform(a, n, buf, SG17_SHAKE128_RATE);
    }
    sg17_keccak_wipe(&ctx);
}

/* Four SampleNTT calls with the 4-way Keccak; a[t] = SampleNTT(rho || j[t] || i[t]). */
static void sample_ntt_x4(mlkem_poly *a[4], const uint8_t rho[32], const uint8_t j[4],
                          const uint8_t i[4])
{
    sg17_keccakx4_ctx ctx;
    uint8_t seed[4][34];
    uint8_t buf[4][3 * SG17_SHAKE128_RATE];
    unsigned n[4];

    for (unsigned t = 0; t < 4; t++) {
        memcpy(seed[t], rho, 32);
        seed[t][32] = j[t];
        seed[t][33] = i[t];
    }
    sg17_keccakx4_absorb_once(&ctx, SG17_SHAKE128_RATE, 0x1F, seed[0], seed[1], seed[2],
                              seed[3], 34);
    sg17_keccakx4_squeezeblocks(&ctx, SG17_SHAKE128_RATE, buf[0], buf[1], buf[2], buf[3], 3);
    for (unsigned t = 0; t < 4; t++)
        n[t] = rej_uniform(a[t], 0, buf[t], sizeof buf[t]);
    while (n[0] < MLKEM_N || n[1] < MLKEM_N || n[2] < MLKEM_N || n[3] < MLKEM_N) {
        sg17_keccakx4_squeezeblocks(&ctx, SG17_SHAKE128_RATE, buf[0], buf[1], buf[2], buf[3],
                                    1);
        for (unsigned t = 0; t < 4; t++)
            n[t] = rej_uniform(a[t], n[t], buf[t], SG17_SHAKE128_RATE);
    }
    sg17_keccakx4_wipe(&ctx);
}

/*
 * A-hat (Alg. 13 l. 4-7, Alg. 14 l. 4-7): a[k i + j] = A-hat[i, j] =
 * SampleNTT(rho || j || i), or its transpose (A-hat[j, i]) if transposed.
 * With AVX2 the k^2 polynomials are sampled four at a time.
 */
void mlkem_gen_matrix(mlkem_poly *a, const uint8_t rho[32], unsigned k, int transposed)
{
    uint8_t jj[MLKEM_KMAX * MLKEM_KMAX], ii[MLKEM_KMAX * MLKEM_KMAX];
    unsigned total = 0, t = 0;
    for (unsigned r = 0; r < k; r++) {
        for (unsigned col = 0; col < k; col++) {
            jj[total] = (uint8_t)(transposed ? r : col);
            ii[total] = (uint8_t)(transposed ? col : r);
            total++;
        }
    }
    if (sg17_cpu_has_avx2()) {
        for (; t + 4 <= total; t += 4) {
            mlkem_poly *out[4] = {&a[t], &a[t + 1], &a[t + 2], &a[t + 3]};
            sample_ntt_x4(out, rho, jj + t, ii + t);
        }
    }
    for (; t < total; t++)
        mlkem_sample_ntt(&a[t], rho, jj[t], ii[t]);
}

#ifdef MLKEM_AVX2
/* Lane j of a 4-way state: XOR in / read out whole 64-bit lanes (little-endian). */
static void lane_xor(sg17_keccakx4_ctx *c, unsigned j, const uint8_t *blk, size_t rate)
{
    for (size_t i = 0; i < rate / 8; i++) {
        uint64_t v = 0;
        for (unsigned b = 0; b < 8; b++)
            v |= (uint64_t)blk[8 * i + b] << (8 * b);
        c->s[i][j] ^= v;
    }
}

static void lane_read(const sg17_keccakx4_ctx *c, unsigned j, uint8_t *out, size_t rate)
{
    for (size_t i = 0; i < rate / 8; i++)
        for (unsigned b = 0; b < 8; b++)
            out[8 * i + b] = (uint8_t)(c->s[i][j] >> (8 * b));
}

/*
 * Up to two rate-136 hashes (SHA3-256 / SHAKE256, 32-byte outputs) and
 * A-hat (as mlkem_gen_matrix) together on the 4-way Keccak: hash t absorbs
 * its input block by block in lane t while the other lanes run SampleNTT
 * jobs one after the other, a lane taking the next (j, i) as soon as its
 * polynomial has 256 coefficients; a hash lane joins them once its output
 * is out. For ML-KEM-768 encapsulation (H(ek)) this is 9 four-way
 * permutations instead of 9 scalar ones plus 6 four-way and 3 scalar ones.
 * The hashed inputs and rho are public (the scheduling branches on their
 * lengths and on the XOF output). Each lane is an ordinary sponge, so the
 * outputs equal separate calls.
 */
typedef struct hash_job {
    const uint8_t *in;
    size_t len;
    uint8_t dsbyte;
    uint8_t *out; /* 32 bytes */
} hash_job;

static void hashes_and_matrix_x4(mlkem_poly *a, const uint8_t rho[32], unsigned k, int transposed,
                                 const hash_job *h, unsigned nh)
{
    sg17_keccakx4_ctx c;
    uint8_t jj[MLKEM_KMAX * MLKEM_KMAX], ii[MLKEM_KMAX * MLKEM_KMAX];
    uint8_t blk[SG17_SHAKE128_RATE];
    int job[4] = {-1, -1, -1, -1};
    unsigned n[4] = {0, 0, 0, 0};
    unsigned total = 0, next = 0;
    size_t hoff[2] = {0, 0}; /* bytes absorbed by hash lane t */
    int hstage[4] = {2, 2, 2, 2}; /* per lane: 0 absorbing, 1 final block in, 2 no hash */

    for (unsigned t = 0; t < nh; t++)
        hstage[t] = 0;
    for (unsigned r = 0; r < k; r++) {
        for (unsigned col = 0; col < k; col++) {
            jj[total] = (uint8_t)(transposed ? r : col);
            ii[total] = (uint8_t)(transposed ? col : r);
            total++;
        }
    }
    memset(c.s, 0, sizeof c.s);
    for (;;) {
        int active = 0;
        /* Feed the lanes. */
        for (unsigned t = 0; t < 4; t++) {
            if (hstage[t] == 0) {
                const size_t left = h[t].len - hoff[t];
                if (left >= SG17_SHA3_256_RATE) {
                    lane_xor(&c, t, h[t].in + hoff[t], SG17_SHA3_256_RATE);
                    hoff[t] += SG17_SHA3_256_RATE;
                } else {
                    memset(blk, 0, SG17_SHA3_256_RATE);
                    memcpy(blk, h[t].in + hoff[t], left);
                    blk[left] = h[t].dsbyte; /* domain bits + first pad bit */
                    blk[SG17_SHA3_256_RATE - 1] ^= 0x80;
                    lane_xor(&c, t, blk, SG17_SHA3_256_RATE);
                    hstage[t] = 1;
                }
                active = 1;
            } else if (hstage[t] == 2) {
                if (job[t] < 0 && next < total) {
                    job[t] = (int)next;
                    n[t] = 0;
                    for (unsigned i = 0; i < 25; i++)
                        c.s[i][t] = 0;
                    memset(blk, 0, SG17_SHAKE128_RATE);
                    memcpy(blk, rho, 32);
                    blk[32] = jj[next];
                    blk[33] = ii[next];
                    blk[34] = 0x1F; /* SHAKE domain bits + first pad bit */
                    blk[SG17_SHAKE128_RATE - 1] ^= 0x80;
                    lane_xor(&c, t, blk, SG17_SHAKE128_RATE);
                    next++;
                }
                active |= job[t] >= 0;
            } else {
                active = 1;
            }
        }
        if (!active)
            break;
        sg17_keccak_f1600x4(c.s);
        /* Collect. */
        for (unsigned t = 0; t < 4; t++) {
            if (hstage[t] == 1) {
                lane_read(&c, t, blk, SG17_SHA3_256_RATE);
                memcpy(h[t].out, blk, 32);
                hstage[t] = 2;
            } else if (hstage[t] == 2 && job[t] >= 0) {
                lane_read(&c, t, blk, SG17_SHAKE128_RATE);
                n[t] = rej_uniform(&a[job[t]], n[t], blk, SG17_SHAKE128_RATE);
                if (n[t] >= MLKEM_N)
                    job[t] = -1;
            }
        }
    }
    sg17_keccakx4_wipe(&c);
    sg17_memzero(blk, sizeof blk);
}
#endif

void mlkem_hash_ek_and_matrix(mlkem_poly *a, const uint8_t rho[32], unsigned k, int transposed,
                              const uint8_t *ek, size_t ek_len, uint8_t hek[32])
{
#ifdef MLKEM_AVX2
    if (sg17_cpu_has_avx2()) {
        const hash_job h = {ek, ek_len, 0x06, hek};
        hashes_and_matrix_x4(a, rho, k, transposed, &h, 1);
        return;
    }
#endif
    sg17_sha3_256(hek, ek, ek_len);
    mlkem_gen_matrix(a, rho, k, transposed);
}

void mlkem_decaps_hashes_and_matrix(mlkem_poly *a, const uint8_t rho[32], unsigned k,
                                    const uint8_t *ek, size_t ek_len, uint8_t hek[32],
                                    const uint8_t *zc, size_t zc_len, uint8_t kbar[32])
{
#ifdef MLKEM_AVX2
    if (sg17_cpu_has_avx2()) {
        const hash_job h[2] = {{ek, ek_len, 0x06, hek}, {zc, zc_len, 0x1F, kbar}};
        hashes_and_matrix_x4(a, rho, k, 1, h, 2);
        return;
    }
#endif
    sg17_sha3_256(hek, ek, ek_len);
    sg17_shake256(kbar, 32, zc, zc_len);
    mlkem_gen_matrix(a, rho, k, 1);
}

static uint32_t load24(const uint8_t *x)
{
    return (uint32_t)x[0] | ((uint32_t)x[1] << 8) | ((uint32_t)x[2] << 16);
}

static uint32_t load32(const uint8_t *x)
{
    return load24(x) | ((uint32_t)x[3] << 24);
}

/*
 * Alg. 8: coefficient i is (sum of bits 2 i eta .. 2 i eta + eta - 1) minus
 * (sum of the next eta bits). The bit sums are formed in parallel by adding
 * shifted masked words, without branches or table look-ups.
 */
static inline __attribute__((always_inline)) void cbd2_body(mlkem_poly *a, const uint8_t buf[128])
{
    for (unsigned i = 0; i < MLKEM_N / 8; i++) {
        uint32_t t = load32(buf + 4 * i);
        uint32_t s = (t & 0x55555555U) + ((t >> 1) & 0x55555555U);
        for (unsigned j = 0; j < 8; j++) {
            int16_t x = (int16_t)((s >> (4 * j)) & 3U);
            int16_t y = (int16_t)((s >> (4 * j + 2)) & 3U);
            a->c[8 * i + j] = (int16_t)(x - y);
        }
    }
}

static inline __attribute__((always_inline)) void cbd3_body(mlkem_poly *a, const uint8_t buf[192])
{
    for (unsigned i = 0; i < MLKEM_N / 4; i++) {
        uint32_t t = load24(buf + 3 * i);
        uint32_t s = (t & 0x249249U) + ((t >> 1) & 0x249249U) + ((t >> 2) & 0x249249U);
        for (unsigned j = 0; j < 4; j++) {
            int16_t x = (int16_t)((s >> (6 * j)) & 7U);
            int16_t y = (int16_t)((s >> (6 * j + 3)) & 7U);
            a->c[4 * i + j] = (int16_t)(x - y);
        }
    }
}

/* Each CBD is also compiled for AVX2 (same C, vectorised by the compiler),
 * chosen by sg17_cpu_has_avx2(); same outputs. */
#ifdef MLKEM_AVX2
__attribute__((target("avx2"))) static void cbd2_avx2(mlkem_poly *a, const uint8_t buf[128])
{
    cbd2_body(a, buf);
}

__attribute__((target("avx2"))) static void cbd3_avx2(mlkem_poly *a, const uint8_t buf[192])
{
    cbd3_body(a, buf);
}
#endif

static void cbd2(mlkem_poly *a, const uint8_t buf[128])
{
#ifdef MLKEM_AVX2
    if (sg17_cpu_has_avx2()) {
        cbd2_avx2(a, buf);
        return;
    }
#endif
    cbd2_body(a, buf);
}

static void cbd3(mlkem_poly *a, const uint8_t buf[192])
{
#ifdef MLKEM_AVX2
    if (sg17_cpu_has_avx2()) {
        cbd3_avx2(a, buf);
        return;
    }
#endif
    cbd3_body(a, buf);
}

void mlkem_sample_cbd_prf(mlkem_poly *a, const uint8_t sigma[32], uint8_t n, unsigned eta)
{
    uint8_t in[33];
    uint8_t buf[64 * 3];
    for (unsigned b = 0; b < 32; b++)
        in[b] = sigma[b];
    in[32] = n;
    sg17_shake256(buf, 64 * (size_t)eta, in, sizeof in);
    if (eta == 3)
        cbd3(a, buf);
    else
        cbd2(a, buf);
    sg17_memzero(in, sizeof in);
    sg17_memzero(buf, sizeof buf);
}

/*
 * count polynomials a[t] = SamplePolyCBD_eta(PRF_eta(sigma, nonce0 + t));
 * with AVX2 the PRF calls run four at a time (the last batch padded with
 * repeats that are discarded).
 */
void mlkem_sample_cbd_many(mlkem_poly *a, const uint8_t sigma[32], uint8_t nonce0,
                           unsigned count, unsigned eta)
{
    unsigned t = 0;
    if (sg17_cpu_has_avx2() && count >= 2) {
        sg17_keccakx4_ctx ctx;
        uint8_t in[4][33];
        uint8_t buf[4][2 * SG17_SHAKE256_RATE];
        const size_t nb = eta == 3 ? 2 : 1; /* 64 eta bytes */
        for (; t < count; t += 4) {
            for (unsigned u = 0; u < 4; u++) {
                const unsigned v = t + u < count ? t + u : t; /* pad with a repeat */
                memcpy(in[u], sigma, 32);
                in[u][32] = (uint8_t)(nonce0 + v);
            }
            sg17_keccakx4_absorb_once(&ctx, SG17_SHAKE256_RATE, 0x1F, in[0], in[1], in[2],
                                      in[3], 33);
            sg17_keccakx4_squeezeblocks(&ctx, SG17_SHAKE256_RATE, buf[0], buf[1], buf[2],
                                        buf[3], nb);
            for (unsigned u = 0; u < 4 && t + u < count; u++) {
                if (eta == 3)
                    cbd3(&a[t + u], buf[u]);
                else
                    cbd2(&a[t + u], buf[u]);
            }
        }
        sg17_keccakx4_wipe(&ctx);
        sg17_memzero(in, sizeof in);
        sg17_memzero(buf, sizeof buf);
        return;
    }
    for (; t < count; t++)
        mlkem_sample_cbd_prf(&a[t], sigma, (uint8_t)(nonce0 + t), eta);
}
