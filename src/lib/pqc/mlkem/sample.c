/*
 * ML-KEM sampling (FIPS 203 §4.2.2): SampleNTT (Alg. 7) from SHAKE128 and
 * SamplePolyCBD_eta (Alg. 8) over PRF_eta = SHAKE256 (§4.1, eq. 4.3).
 */
#include "pqc/mlkem/mlkem_internal.h"
#include "sg17/keccak.h"

/*
 * Alg. 7. Rejection sampling branches on the XOF output, which depends only
 * on the public seed rho (it is published in ek), so it need not be
 * constant time. Three SHAKE128 blocks (504 bytes) suffice almost always;
 * more are squeezed one block at a time.
 */
void mlkem_sample_ntt(mlkem_poly *a, const uint8_t rho[32], uint8_t j, uint8_t i)
{
    sg17_keccak_ctx ctx;
    uint8_t seed[34];
    uint8_t buf[3 * SG17_SHAKE128_RATE];
    size_t buflen = sizeof buf;
    unsigned n = 0;

    for (unsigned b = 0; b < 32; b++)
        seed[b] = rho[b];
    seed[32] = j;
    seed[33] = i;
    sg17_shake128_init(&ctx);
    sg17_keccak_absorb(&ctx, seed, sizeof seed);
    sg17_keccak_finalize(&ctx);
    sg17_keccak_squeezeblocks(&ctx, buf, 3);

    for (;;) {
        size_t pos = 0;
        /* Bulk: while two more values fit, store both candidates and advance
         * n by the acceptance bits (no unpredictable branch; the data is
         * public, this is for speed). */
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
        if (n >= MLKEM_N)
            break;
        /* The rate (168) is a multiple of 3, so no bytes carry over. */
        sg17_keccak_squeezeblocks(&ctx, buf, 1);
        buflen = SG17_SHAKE128_RATE;
    }
    sg17_keccak_wipe(&ctx);
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
static void cbd2(mlkem_poly *a, const uint8_t buf[128])
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

static void cbd3(mlkem_poly *a, const uint8_t buf[192])
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
