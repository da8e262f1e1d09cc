/*
 * ML-DSA sampling (FIPS 204 §7.3): SampleInBall (Alg. 29), RejNTTPoly
 * (Alg. 30), RejBoundedPoly (Alg. 31) and the per-polynomial parts of
 * ExpandA/ExpandS/ExpandMask (Alg. 32-34). G = SHAKE128, H = SHAKE256.
 */
#include <string.h>

#include "ct_internal.h"
#include "mldsa_internal.h"
#include "sg17/common.h"

/* Alg. 29 SampleInBall. c~ is public (a hash output; for rejected
 * candidates it is independent of the key in the random-oracle model), so
 * the data-dependent rejection of j > i is not secret. */
void mldsa_sample_in_ball(mldsa_poly *c, const uint8_t *ctilde, size_t len, unsigned tau)
{
    sg17_keccak_ctx st;
    uint8_t buf[SG17_SHAKE256_RATE];
    unsigned pos = 8;

    sg17_shake256_init(&st);
    sg17_keccak_absorb(&st, ctilde, len);
    sg17_keccak_finalize(&st);
    sg17_keccak_squeezeblocks(&st, buf, 1);

    uint64_t signs = 0;
    for (unsigned i = 0; i < 8; i++)
        signs |= (uint64_t)buf[i] << (8 * i);

    memset(c->c, 0, sizeof c->c);
    for (unsigned i = MLDSA_N - tau; i < MLDSA_N; i++) {
        unsigned j;
        do {
            if (pos >= SG17_SHAKE256_RATE) {
                sg17_keccak_squeezeblocks(&st, buf, 1);
                pos = 0;
            }
            j = buf[pos++];
        } while (j > i);
        c->c[i] = c->c[j];
        c->c[j] = 1 - 2 * (int32_t)(signs & 1);
        signs >>= 1;
    }
    sg17_keccak_wipe(&st);
}

/* Alg. 30 RejNTTPoly on seed rho || s || r (the ExpandA entry A[r][s]).
 * rho is public; so is the rejection pattern. */
void mldsa_rej_ntt_poly(mldsa_poly *a, const uint8_t rho[MLDSA_SEEDBYTES], uint8_t s, uint8_t r)
{
    /* 5 blocks = 840 bytes = 280 candidates, each accepted with probability
     * q / 2^23 > 0.999: enough with overwhelming probability; further
     * blocks are squeezed when not. */
    uint8_t buf[5 * SG17_SHAKE128_RATE];
    uint8_t seed[MLDSA_SEEDBYTES + 2];
    sg17_keccak_ctx st;
    unsigned ctr = 0;
    size_t buflen = sizeof buf;

    memcpy(seed, rho, MLDSA_SEEDBYTES);
    seed[MLDSA_SEEDBYTES] = s;
    seed[MLDSA_SEEDBYTES + 1] = r;
    sg17_shake128_init(&st);
    sg17_keccak_absorb(&st, seed, sizeof seed);
    sg17_keccak_finalize(&st);
    sg17_keccak_squeezeblocks(&st, buf, 5);

    for (;;) {
        for (size_t pos = 0; pos + 3 <= buflen && ctr < MLDSA_N; pos += 3) {
            /* CoeffFromThreeBytes (Alg. 14) */
            uint32_t t = (uint32_t)buf[pos] | (uint32_t)buf[pos + 1] << 8 |
                         (uint32_t)(buf[pos + 2] & 0x7F) << 16;
            if (t < MLDSA_Q)
                a->c[ctr++] = (int32_t)t;
        }
        if (ctr >= MLDSA_N)
            break;
        sg17_keccak_squeezeblocks(&st, buf, 1);
        buflen = SG17_SHAKE128_RATE; /* 168 = 56 whole triples */
    }
}

/*
 * Alg. 31 RejBoundedPoly on seed rho' || IntegerToBytes(nonce, 2).
 * rho' is secret. The coefficient values are computed without branches
 * (CoeffFromHalfByte, Alg. 15, with b mod 5 as a multiply-shift); only the
 * accept/reject bit of each half-byte is declassified: a rejected half-byte
 * is discarded, and in the random-oracle model its position is independent
 * of every accepted half-byte, so the rejection pattern reveals nothing
 * about s1/s2 (the same argument FIPS 204 uses for the signing loop).
 */
void mldsa_rej_bounded_poly(mldsa_poly *a, const uint8_t rho[MLDSA_CRHBYTES], uint16_t nonce,
                            unsigned eta)
{
    uint8_t buf[SG17_SHAKE256_RATE];
    uint8_t seed[MLDSA_CRHBYTES + 2];
    sg17_keccak_ctx st;
    unsigned ctr = 0;

    memcpy(seed, rho, MLDSA_CRHBYTES);
    seed[MLDSA_CRHBYTES] = (uint8_t)(nonce & 0xFF);
    seed[MLDSA_CRHBYTES + 1] = (uint8_t)(nonce >> 8);
    sg17_shake256_init(&st);
    sg17_keccak_absorb(&st, seed, sizeof seed);
    sg17_keccak_finalize(&st);

    while (ctr < MLDSA_N) {
        sg17_keccak_squeezeblocks(&st, buf, 1);
        for (unsigned pos = 0; pos < SG17_SHAKE256_RATE && ctr < MLDSA_N; pos++) {
            for (unsigned half = 0; half < 2 && ctr < MLDSA_N; half++) {
                uint32_t b = (half == 0) ? (uint32_t)(buf[pos] & 0x0F) : (uint32_t)(buf[pos] >> 4);
                uint32_t ok;
                int32_t v;
                if (eta == 2) { /* eta is a public parameter */
                    ok = sg17_ct_lt_mask32(b, 15);
                    uint32_t q5 = (b * 205) >> 10; /* b / 5 for b < 20 */
                    v = 2 - (int32_t)(b - 5 * q5);
                } else {
                    ok = sg17_ct_lt_mask32(b, 9);
                    v = 4 - (int32_t)b;
                }
                ok &= 1;
                SG17_CT_DECLASSIFY(&ok, sizeof ok);
                if (ok)
                    a->c[ctr++] = v;
            }
        }
    }
    sg17_keccak_wipe(&st);
    sg17_memzero(buf, sizeof buf);
    sg17_memzero(seed, sizeof seed);
}

/* Alg. 34 ExpandMask, one polynomial: y = gamma1 - BitUnpack of
 * H(rho'' || IntegerToBytes(nonce, 2)) with 18 or 20 bits per coefficient. */
void mldsa_expand_mask_poly(mldsa_poly *a, const uint8_t rho[MLDSA_CRHBYTES], uint16_t nonce,
                            const mldsa_params *p)
{
    uint8_t buf[5 * SG17_SHAKE256_RATE]; /* 680 >= 640 */
    uint8_t seed[MLDSA_CRHBYTES + 2];
    sg17_keccak_ctx st;

    memcpy(seed, rho, MLDSA_CRHBYTES);
    seed[MLDSA_CRHBYTES] = (uint8_t)(nonce & 0xFF);
    seed[MLDSA_CRHBYTES + 1] = (uint8_t)(nonce >> 8);
    sg17_shake256_init(&st);
    sg17_keccak_absorb(&st, seed, sizeof seed);
    sg17_keccak_finalize(&st);
    sg17_keccak_squeezeblocks(&st, buf, 5);
    mldsa_unpack_z(a, buf, p->gamma1);
    sg17_keccak_wipe(&st);
    sg17_memzero(buf, sizeof buf);
    sg17_memzero(seed, sizeof seed);
}
