/*
 * ML-DSA encodings (FIPS 204 §7.1 Alg. 16-21 bit packing, §7.2 Alg. 22-28
 * key/signature encodings). The generic packers work on a 64-bit
 * accumulator whose control flow depends only on the bit width, never on
 * the (possibly secret) coefficient values.
 */
#include <string.h>

#include "mldsa_internal.h"

/* SimpleBitPack core: 256 values of `bits` bits, little-endian bit order. */
static void pack_bits(uint8_t *r, const uint32_t *v, unsigned bits)
{
    uint64_t acc = 0;
    unsigned nacc = 0;
    size_t o = 0;
    for (unsigned i = 0; i < MLDSA_N; i++) {
        acc |= (uint64_t)v[i] << nacc;
        nacc += bits;
        while (nacc >= 8) {
            r[o++] = (uint8_t)acc;
            acc >>= 8;
            nacc -= 8;
        }
    }
}

static void unpack_bits(uint32_t *v, const uint8_t *r, unsigned bits)
{
    uint64_t acc = 0;
    unsigned nacc = 0;
    size_t o = 0;
    const uint64_t mask = ((uint64_t)1 << bits) - 1;
    for (unsigned i = 0; i < MLDSA_N; i++) {
        while (nacc < bits) {
            acc |= (uint64_t)r[o++] << nacc;
            nacc += 8;
        }
        v[i] = (uint32_t)(acc & mask);
        acc >>= bits;
        nacc -= bits;
    }
}

/* BitPack(w, a, b) = SimpleBitPack(b - w) (Alg. 17): store off - c. */
static void pack_offset(uint8_t *r, const mldsa_poly *a, int32_t off, unsigned bits)
{
    uint32_t v[MLDSA_N];
    for (unsigned i = 0; i < MLDSA_N; i++)
        v[i] = (uint32_t)(off - a->c[i]);
    pack_bits(r, v, bits);
    memset(v, 0, sizeof v);
}

static void unpack_offset(mldsa_poly *a, const uint8_t *r, int32_t off, unsigned bits)
{
    uint32_t v[MLDSA_N];
    unpack_bits(v, r, bits);
    for (unsigned i = 0; i < MLDSA_N; i++)
        a->c[i] = off - (int32_t)v[i];
    memset(v, 0, sizeof v);
}

/* t1: SimpleBitPack(t1, 2^10 - 1) (pkEncode, Alg. 22). */
void mldsa_pack_t1(uint8_t *r, const mldsa_poly *a)
{
    pack_bits(r, (const uint32_t *)(const void *)a->c, 10);
}

void mldsa_unpack_t1(mldsa_poly *a, const uint8_t *r)
{
    uint32_t v[MLDSA_N];
    unpack_bits(v, r, 10);
    for (unsigned i = 0; i < MLDSA_N; i++)
        a->c[i] = (int32_t)v[i];
}

/* t0: BitPack(t0, 2^12 - 1, 2^12) (skEncode, Alg. 24). */
void mldsa_pack_t0(uint8_t *r, const mldsa_poly *a)
{
    pack_offset(r, a, 1 << (MLDSA_D - 1), MLDSA_D);
}

void mldsa_unpack_t0(mldsa_poly *a, const uint8_t *r)
{
    unpack_offset(a, r, 1 << (MLDSA_D - 1), MLDSA_D);
}

/* s1, s2: BitPack(s, eta, eta) with bitlen(2 eta) = 3 or 4 bits. */
void mldsa_pack_eta(uint8_t *r, const mldsa_poly *a, unsigned eta)
{
    pack_offset(r, a, (int32_t)eta, eta == 2 ? 3 : 4);
}

/* skDecode (Alg. 25) for s1/s2. A malformed key may hold codes above 2 eta;
 * report that through a mask (no branch on the secret value). */
uint32_t mldsa_unpack_eta(mldsa_poly *a, const uint8_t *r, unsigned eta)
{
    uint32_t v[MLDSA_N];
    uint32_t bad = 0;
    unpack_bits(v, r, eta == 2 ? 3 : 4);
    for (unsigned i = 0; i < MLDSA_N; i++) {
        bad |= (uint32_t)((int32_t)(2 * eta) - (int32_t)v[i]) >> 31;
        a->c[i] = (int32_t)eta - (int32_t)v[i];
    }
    memset(v, 0, sizeof v);
    return 0U - bad;
}

/* z: BitPack(z, gamma1 - 1, gamma1), 18 or 20 bits (sigEncode, Alg. 26). */
void mldsa_pack_z(uint8_t *r, const mldsa_poly *a, int32_t gamma1)
{
    pack_offset(r, a, gamma1, gamma1 == (1 << 17) ? 18 : 20);
}

void mldsa_unpack_z(mldsa_poly *a, const uint8_t *r, int32_t gamma1)
{
    unpack_offset(a, r, gamma1, gamma1 == (1 << 17) ? 18 : 20);
}

/* w1Encode (Alg. 28): SimpleBitPack(w1, (q-1)/(2 gamma2) - 1), 6 or 4 bits. */
void mldsa_pack_w1(uint8_t *r, const mldsa_poly *a, int32_t gamma2)
{
    pack_bits(r, (const uint32_t *)(const void *)a->c, gamma2 == (MLDSA_Q - 1) / 88 ? 6 : 4);
}

/* Alg. 20 HintBitPack. h holds 0/1 coefficients and is public here (it is
 * part of the signature being output). */
void mldsa_pack_hint(uint8_t *y, const mldsa_polyvec_k *h, const mldsa_params *p)
{
    unsigned index = 0;
    memset(y, 0, p->omega + p->k);
    for (unsigned i = 0; i < p->k; i++) {
        for (unsigned j = 0; j < MLDSA_N; j++) {
            if (h->v[i].c[j] != 0 && index < p->omega)
                y[index++] = (uint8_t)j;
        }
        y[p->omega + i] = (uint8_t)index;
    }
}

/* Alg. 21 HintBitUnpack, including the strict-ordering and zero-padding
 * checks that make the encoding unique (strong unforgeability). */
int mldsa_unpack_hint(mldsa_polyvec_k *h, const uint8_t *y, const mldsa_params *p)
{
    unsigned index = 0;
    for (unsigned i = 0; i < p->k; i++) {
        memset(h->v[i].c, 0, sizeof h->v[i].c);
        unsigned end = y[p->omega + i];
        if (end < index || end > p->omega)
            return -1;
        unsigned first = index;
        while (index < end) {
            if (index > first && y[index - 1] >= y[index])
                return -1;
            h->v[i].c[y[index]] = 1;
            index++;
        }
    }
    for (unsigned i = index; i < p->omega; i++) {
        if (y[i] != 0)
            return -1;
    }
    return 0;
}
