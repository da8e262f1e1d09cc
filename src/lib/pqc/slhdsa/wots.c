/*
 * WOTS+ one-time signatures (FIPS 205 §5): chain (Alg. 5), wots_pkGen
 * (Alg. 6, four key pairs at a time), wots_sign (Alg. 7), wots_pkFromSig (Alg. 8). lg_w = 4 for
 * every approved set, so len1 = 2n, len2 = 3.
 */
#include "slhdsa_internal.h"

/* Alg. 5: s iterations of F starting at position i; x is updated in place. */
static void chain(slh_ctx *c, uint8_t *x, uint32_t i, uint32_t s, uint8_t adrs[32])
{
    for (uint32_t j = i; j < i + s; j++) {
        slh_adrs_set_hash(adrs, j);
        slh_F(c, adrs, x, x);
    }
}

/*
 * Run the len chains of one key pair: chain i advances steps[i] times from
 * position start[i] (Alg. 5 for each). With the 4-way SHAKE path, chains
 * are grouped four at a time in order of decreasing length, so lanes idle
 * little; start/steps come from public digits, so this order is public.
 */
static void chains(slh_ctx *c, uint8_t *vals, const uint32_t *start, const uint32_t *steps,
                   uint8_t adrs[32])
{
    const size_t n = c->p->n;
    const uint32_t len = c->p->len;
    if (!c->p->shake || !sg17_cpu_has_avx2()) {
        for (uint32_t i = 0; i < len; i++) {
            slh_adrs_set_chain(adrs, i);
            chain(c, vals + i * n, start[i], steps[i], adrs);
        }
        return;
    }
    uint32_t order[SLH_MAX_LEN + 3];
    uint8_t a[4][32], dummy[SLH_MAX_N] = {0};
    for (uint32_t i = 0; i < len; i++) {
        uint32_t j = i;
        for (; j > 0 && steps[order[j - 1]] < steps[i]; j--)
            order[j] = order[j - 1];
        order[j] = i;
    }
    for (uint32_t g = 0; g < len; g += 4) {
        uint32_t lanes = len - g < 4 ? len - g : 4, max = steps[order[g]];
        for (uint32_t j = 0; j < 4; j++) {
            memcpy(a[j], adrs, 32);
            slh_adrs_set_chain(a[j], j < lanes ? order[g + j] : 0);
        }
        for (uint32_t t = 0; t < max; t++) {
            uint8_t *io[4];
            for (uint32_t j = 0; j < 4; j++) {
                uint32_t ci = j < lanes ? order[g + j] : 0;
                int live = j < lanes && t < steps[ci];
                io[j] = live ? vals + ci * n : dummy;
                slh_adrs_set_hash(a[j], live ? start[ci] + t : 0);
            }
            slh_F_x4(c, a, (const uint8_t *const *)io, io);
        }
    }
    sg17_memzero(dummy, sizeof(dummy));
}

/* The len base-w digits of msg followed by its checksum (Alg. 7 lines 1-9).
 * msg is public here (a FORS public key or an XMSS root), so the digits may
 * drive loop bounds. */
static void wots_digits(const slh_params *p, const uint8_t *msg, uint32_t *digits)
{
    uint32_t len1 = 2 * p->n, csum = 0;
    uint8_t cb[2];
    slh_base_2b(msg, SLH_LG_W, len1, digits);
    for (uint32_t i = 0; i < len1; i++)
        csum += SLH_W - 1 - digits[i];
    /* len2 * lg_w = 12 bits, left-aligned in two bytes. */
    csum <<= 4;
    cb[0] = (uint8_t)(csum >> 8);
    cb[1] = (uint8_t)csum;
    slh_base_2b(cb, SLH_LG_W, 3, digits + len1);
}

/* Secret value of chain i: PRF with a WOTS_PRF address of the same key pair. */
static void wots_sk(slh_ctx *c, const uint8_t adrs[32], uint32_t i, uint8_t *out)
{
    uint8_t sk_adrs[32];
    memcpy(sk_adrs, adrs, 32);
    slh_adrs_set_type_and_clear(sk_adrs, SLH_WOTS_PRF);
    slh_adrs_set_keypair(sk_adrs, slh_adrs_get_keypair(adrs));
    slh_adrs_set_chain(sk_adrs, i);
    slh_PRF(c, sk_adrs, out);
}

static void wots_compress(slh_ctx *c, const uint8_t adrs[32], const uint8_t *tmp, uint8_t *pk)
{
    uint8_t pk_adrs[32];
    memcpy(pk_adrs, adrs, 32);
    slh_adrs_set_type_and_clear(pk_adrs, SLH_WOTS_PK);
    slh_adrs_set_keypair(pk_adrs, slh_adrs_get_keypair(adrs));
    slh_T(c, pk_adrs, tmp, (size_t)c->p->len * c->p->n, pk);
}

void slh_wots_sign(slh_ctx *c, const uint8_t *msg, uint8_t adrs[32], uint8_t *sig)
{
    uint32_t digits[SLH_MAX_LEN], zero[SLH_MAX_LEN] = {0};
    wots_digits(c->p, msg, digits);
    for (uint32_t i = 0; i < c->p->len; i++)
        wots_sk(c, adrs, i, sig + (size_t)i * c->p->n);
    chains(c, sig, zero, digits, adrs);
}

void slh_wots_pk_from_sig(slh_ctx *c, const uint8_t *sig, const uint8_t *msg, uint8_t adrs[32],
                          uint8_t *pk)
{
    uint32_t digits[SLH_MAX_LEN], rest[SLH_MAX_LEN];
    uint8_t tmp[SLH_MAX_LEN * SLH_MAX_N];
    wots_digits(c->p, msg, digits);
    for (uint32_t i = 0; i < c->p->len; i++)
        rest[i] = SLH_W - 1 - digits[i];
    memcpy(tmp, sig, (size_t)c->p->len * c->p->n);
    chains(c, tmp, digits, rest, adrs);
    wots_compress(c, adrs, tmp, pk);
}

/* Four WOTS+ public keys at once: key pairs kp .. kp + 3 of the XMSS tree in
 * adrs (Alg. 6 for each), with the PRF and chain steps of the four key
 * pairs hashed side by side. out gets 4 * n bytes. */
void slh_wots_pkgen_x4(slh_ctx *c, const uint8_t adrs[32], uint32_t kp, uint8_t *out)
{
    const size_t n = c->p->n;
    uint8_t tmp[4][SLH_MAX_LEN * SLH_MAX_N];
    uint8_t a[4][32];
    for (uint32_t i = 0; i < c->p->len; i++) {
        /* cppcheck-suppress legacyUninitvar ; pointers into tmp, which is written before read */
        uint8_t *const v[4] = {tmp[0] + i * n, tmp[1] + i * n, tmp[2] + i * n, tmp[3] + i * n};
        for (uint32_t j = 0; j < 4; j++) {
            memcpy(a[j], adrs, 32);
            slh_adrs_set_type_and_clear(a[j], SLH_WOTS_PRF);
            slh_adrs_set_keypair(a[j], kp + j);
            slh_adrs_set_chain(a[j], i);
        }
        slh_PRF_x4(c, a, v);
        for (uint32_t j = 0; j < 4; j++) {
            slh_adrs_set_type_and_clear(a[j], SLH_WOTS_HASH);
            slh_adrs_set_keypair(a[j], kp + j);
            slh_adrs_set_chain(a[j], i);
        }
        for (uint32_t s = 0; s < SLH_W - 1; s++) {
            for (uint32_t j = 0; j < 4; j++)
                slh_adrs_set_hash(a[j], s);
            slh_F_x4(c, a, (const uint8_t *const *)v, v);
        }
    }
    for (uint32_t j = 0; j < 4; j++) {
        memcpy(a[j], adrs, 32);
        slh_adrs_set_keypair(a[j], kp + j);
        wots_compress(c, a[j], tmp[j], out + j * n);
    }
}
