/*
 * FORS few-time signatures (FIPS 205 §8): fors_skGen (Alg. 14), fors_node
 * (Alg. 15, via the shared tree hash), fors_sign (Alg. 16) and
 * fors_pkFromSig (Alg. 17).
 */
#include "slhdsa_internal.h"

/* Alg. 14: secret value idx of this FORS key pair. */
static void fors_sk(slh_ctx *c, const uint8_t adrs[32], uint32_t idx, uint8_t *out)
{
    uint8_t sk_adrs[32];
    memcpy(sk_adrs, adrs, 32);
    slh_adrs_set_type_and_clear(sk_adrs, SLH_FORS_PRF);
    slh_adrs_set_keypair(sk_adrs, slh_adrs_get_keypair(adrs));
    slh_adrs_set_index(sk_adrs, idx);
    slh_PRF(c, sk_adrs, out);
}

/* Alg. 15, z = 0, for leaves idx .. idx + 3: F(sk_i) at height 0, index i. */
static void fors_leaf(slh_ctx *c, uint8_t adrs[32], uint32_t idx, uint8_t *out)
{
    const size_t n = c->p->n;
    uint8_t a[4][32];
    uint8_t *const o[4] = {out, out + n, out + 2 * n, out + 3 * n};
    for (uint32_t j = 0; j < 4; j++) {
        memcpy(a[j], adrs, 32);
        slh_adrs_set_type_and_clear(a[j], SLH_FORS_PRF);
        slh_adrs_set_keypair(a[j], slh_adrs_get_keypair(adrs));
        slh_adrs_set_index(a[j], idx + j);
    }
    slh_PRF_x4(c, a, o); /* the secret values, replaced in place by their leaves */
    for (uint32_t j = 0; j < 4; j++) {
        memcpy(a[j], adrs, 32);
        slh_adrs_set_height(a[j], 0);
        slh_adrs_set_index(a[j], idx + j);
    }
    slh_F_x4(c, a, (const uint8_t *const *)o, o);
}

static void fors_roots_to_pk(slh_ctx *c, const uint8_t adrs[32], const uint8_t *roots, uint8_t *pk)
{
    uint8_t pk_adrs[32];
    memcpy(pk_adrs, adrs, 32);
    slh_adrs_set_type_and_clear(pk_adrs, SLH_FORS_ROOTS);
    slh_adrs_set_keypair(pk_adrs, slh_adrs_get_keypair(adrs));
    slh_T(c, pk_adrs, roots, (size_t)c->p->k * c->p->n, pk);
}

/* Alg. 16, and the FORS public key Alg. 17 would recompute (the tree hash
 * yields each root while collecting its authentication path). md is public:
 * it comes from H_msg over the public R. */
void slh_fors_sign(slh_ctx *c, const uint8_t *md, uint8_t adrs[32], uint8_t *sig_fors,
                   uint8_t *pk_fors)
{
    const slh_params *p = c->p;
    const size_t n = p->n;
    uint32_t indices[SLH_MAX_K];
    uint8_t roots[SLH_MAX_K * SLH_MAX_N];

    slh_base_2b(md, p->a, p->k, indices);
    for (uint32_t i = 0; i < p->k; i++) {
        uint8_t *s = sig_fors + (size_t)i * (p->a + 1) * n;
        uint32_t off = i << p->a;
        fors_sk(c, adrs, off + indices[i], s);
        slh_treehash(c, adrs, fors_leaf, p->a, off, indices[i], s + n, roots + i * n);
    }
    fors_roots_to_pk(c, adrs, roots, pk_fors);
}

void slh_fors_pk_from_sig(slh_ctx *c, const uint8_t *sig_fors, const uint8_t *md, uint8_t adrs[32],
                          uint8_t *pk_fors)
{
    const slh_params *p = c->p;
    const size_t n = p->n;
    uint32_t indices[SLH_MAX_K];
    uint8_t roots[SLH_MAX_K * SLH_MAX_N], buf[2 * SLH_MAX_N];

    slh_base_2b(md, p->a, p->k, indices);
    for (uint32_t i = 0; i < p->k; i++) {
        const uint8_t *s = sig_fors + (size_t)i * (p->a + 1) * n, *auth = s + n;
        slh_adrs_set_height(adrs, 0);
        slh_adrs_set_index(adrs, (i << p->a) + indices[i]);
        slh_F(c, adrs, s, buf);
        for (uint32_t j = 0; j < p->a; j++) {
            slh_adrs_set_height(adrs, j + 1);
            if (((indices[i] >> j) & 1U) == 0) {
                slh_adrs_set_index(adrs, slh_adrs_get_index(adrs) / 2);
                memcpy(buf + n, auth + j * n, n);
            } else {
                slh_adrs_set_index(adrs, (slh_adrs_get_index(adrs) - 1) / 2);
                memcpy(buf + n, buf, n);
                memcpy(buf, auth + j * n, n);
            }
            slh_H(c, adrs, buf, buf);
        }
        memcpy(roots + i * n, buf, n);
    }
    fors_roots_to_pk(c, adrs, roots, pk_fors);
}
