/*
 * SLH-DSA key generation, signing and verification (FIPS 205 §9 internal
 * functions Alg. 18-20, §10 external functions Alg. 21-25).
 */
#include <string.h>

#include "ct_internal.h"
#include "slhdsa_internal.h"

static const uint8_t slh_empty[1];

size_t sg17_slhdsa_n_bytes(sg17_slhdsa_param p)
{
    const slh_params *pp = slh_params_get(p);
    return pp ? pp->n : 0;
}

size_t sg17_slhdsa_pk_bytes(sg17_slhdsa_param p)
{
    return 2 * sg17_slhdsa_n_bytes(p);
}

size_t sg17_slhdsa_sk_bytes(sg17_slhdsa_param p)
{
    return 4 * sg17_slhdsa_n_bytes(p);
}

size_t sg17_slhdsa_sig_bytes(sg17_slhdsa_param p)
{
    const slh_params *pp = slh_params_get(p);
    return pp ? pp->sig_bytes : 0;
}

const char *sg17_slhdsa_name(sg17_slhdsa_param p)
{
    const slh_params *pp = slh_params_get(p);
    return pp ? pp->name : NULL;
}

int sg17_slhdsa_from_name(const char *name, sg17_slhdsa_param *out)
{
    if (!name || !out)
        return SG17_E_INVAL;
    for (int i = 0; i < (int)SG17_SLHDSA_PARAM_COUNT; i++) {
        if (strcmp(name, slh_params_get((sg17_slhdsa_param)i)->name) == 0) {
            *out = (sg17_slhdsa_param)i;
            return 0;
        }
    }
    return SG17_E_NOTFOUND;
}

/* ---- internal functions (§9) --------------------------------------------- */

int sg17_slhdsa_keygen_internal(sg17_slhdsa_param p, const uint8_t *sk_seed, const uint8_t *sk_prf,
                                const uint8_t *pk_seed, uint8_t *pk, uint8_t *sk)
{
    const slh_params *pp = slh_params_get(p);
    if (!pp || !sk_seed || !sk_prf || !pk_seed || !pk || !sk)
        return SG17_E_INVAL;
    const size_t n = pp->n;
    slh_ctx c;
    uint8_t adrs[32] = {0}, root[SLH_MAX_N];

    /* Alg. 18: PK.root is the root of the single XMSS tree of layer d - 1. */
    slh_ctx_init(&c, pp, pk_seed, sk_seed);
    slh_adrs_set_layer(adrs, pp->d - 1);
    slh_xmss_root(&c, adrs, root);
    slh_ctx_wipe(&c);
    /* PK.root is the public key. */
    SG17_CT_DECLASSIFY(root, n);

    memmove(sk + 2 * n, pk_seed, n); /* pk_seed may alias sk (regeneration) */
    memmove(sk + n, sk_prf, n);
    memmove(sk, sk_seed, n);
    memcpy(sk + 3 * n, root, n);
    memcpy(pk, sk + 2 * n, n);
    memcpy(pk + n, root, n);
    return 0;
}

int sg17_slhdsa_keygen(sg17_slhdsa_param p, uint8_t *pk, uint8_t *sk)
{
    const slh_params *pp = slh_params_get(p);
    if (!pp || !pk || !sk)
        return SG17_E_INVAL;
    uint8_t seeds[3 * SLH_MAX_N];
    const size_t n = pp->n;
    int rc = sg17_randombytes(seeds, 3 * (size_t)n);
    if (rc == 0)
        rc = sg17_slhdsa_keygen_internal(p, seeds, seeds + n, seeds + 2 * n, pk, sk);
    else
        rc = SG17_E_RNG;
    if (rc != 0) {
        sg17_memzero(pk, 2 * (size_t)n);
        sg17_memzero(sk, 4 * (size_t)n);
    }
    sg17_memzero(seeds, sizeof(seeds));
    return rc;
}

static uint64_t to_int(const uint8_t *x, uint32_t len)
{
    uint64_t v = 0;
    for (uint32_t i = 0; i < len; i++)
        v = v << 8 | x[i];
    return v;
}

/* Split the H_msg digest into md, idx_tree and idx_leaf (Alg. 19 lines 7-12). */
static void split_digest(const slh_params *p, const uint8_t *digest, uint64_t *idx_tree,
                         uint32_t *idx_leaf)
{
    uint32_t ka = (p->k * p->a + 7) / 8, tb = (p->h - p->hp + 7) / 8, lb = (p->hp + 7) / 8;
    uint32_t tree_bits = p->h - p->hp;
    uint64_t t = to_int(digest + ka, tb);
    if (tree_bits < 64)
        t &= ((uint64_t)1 << tree_bits) - 1U;
    *idx_tree = t;
    *idx_leaf = (uint32_t)(to_int(digest + ka + tb, lb) & ((1U << p->hp) - 1U));
}

static slh_msg msg_fix(const slh_msg *in)
{
    slh_msg m = *in;
    if (!m.pre || m.pre_len == 0) {
        m.pre = slh_empty;
        m.pre_len = 0;
    }
    if (!m.m || m.m_len == 0) {
        m.m = slh_empty;
        m.m_len = 0;
    }
    return m;
}

int slh_sign_msg(const slh_params *p, uint8_t *sig, const slh_msg *msg_in, const uint8_t *addrnd,
                 const uint8_t *sk, uint64_t *hash_calls)
{
    const size_t n = p->n;
    const uint8_t *sk_seed = sk, *sk_prf = sk + n, *pk_seed = sk + 2 * n, *pk_root = sk + 3 * n;
    slh_msg msg = msg_fix(msg_in);
    uint8_t digest[SLH_MAX_M], adrs[32] = {0}, pk_fors[SLH_MAX_N];
    uint64_t idx_tree;
    uint32_t idx_leaf;
    slh_ctx c;

    /* Alg. 19: R = PRF_msg(SK.prf, opt_rand, M); opt_rand = PK.seed when deterministic. */
    int rc = slh_PRF_msg(p, sk_prf, addrnd ? addrnd : pk_seed, &msg, sig);
    if (rc != 0) {
        sg17_memzero(sig, p->sig_bytes);
        return rc;
    }
    /* R is the first part of the signature, hence public. */
    SG17_CT_DECLASSIFY(sig, n);
    slh_H_msg(p, sig, pk_seed, pk_root, &msg, digest);
    split_digest(p, digest, &idx_tree, &idx_leaf);

    slh_ctx_init(&c, p, pk_seed, sk_seed);
    slh_adrs_set_tree(adrs, idx_tree);
    slh_adrs_set_type_and_clear(adrs, SLH_FORS_TREE);
    slh_adrs_set_keypair(adrs, idx_leaf);
    slh_fors_sign(&c, digest, adrs, sig + n, pk_fors);
    /* The FORS public key is recomputed by every verifier from the signature. */
    SG17_CT_DECLASSIFY(pk_fors, n);
    slh_ht_sign(&c, pk_fors, idx_tree, idx_leaf, sig + n + (size_t)p->k * (p->a + 1) * n);
    if (hash_calls)
        *hash_calls = c.hash_calls + 2; /* + PRF_msg and H_msg */
    slh_ctx_wipe(&c);
    return 0;
}

int slh_verify_msg(const slh_params *p, const uint8_t *sig, size_t sig_len, const slh_msg *msg_in,
                   const uint8_t *pk)
{
    const size_t n = p->n;
    const uint8_t *pk_seed = pk, *pk_root = pk + n;
    slh_msg msg = msg_fix(msg_in);
    uint8_t digest[SLH_MAX_M], adrs[32] = {0}, pk_fors[SLH_MAX_N];
    uint64_t idx_tree;
    uint32_t idx_leaf;
    slh_ctx c;

    /* Alg. 20 line 1. */
    if (sig_len != p->sig_bytes)
        return SG17_E_FORMAT;
    slh_H_msg(p, sig, pk_seed, pk_root, &msg, digest);
    split_digest(p, digest, &idx_tree, &idx_leaf);

    slh_ctx_init(&c, p, pk_seed, NULL);
    slh_adrs_set_tree(adrs, idx_tree);
    slh_adrs_set_type_and_clear(adrs, SLH_FORS_TREE);
    slh_adrs_set_keypair(adrs, idx_leaf);
    slh_fors_pk_from_sig(&c, sig + n, digest, adrs, pk_fors);
    int ok = slh_ht_verify(&c, pk_fors, sig + n + (size_t)p->k * (p->a + 1) * n, idx_tree, idx_leaf,
                           pk_root);
    slh_ctx_wipe(&c);
    return ok ? 0 : SG17_E_VERIFY;
}

int sg17_slhdsa_sign_internal(sg17_slhdsa_param p, uint8_t *sig, size_t sig_len, const uint8_t *m,
                              size_t m_len, const uint8_t *addrnd, const uint8_t *sk)
{
    const slh_params *pp = slh_params_get(p);
    if (!pp || !sig || !sk || (!m && m_len))
        return SG17_E_INVAL;
    if (sig_len != pp->sig_bytes) {
        sg17_memzero(sig, sig_len);
        return SG17_E_INVAL;
    }
    slh_msg msg = {NULL, 0, m, m_len};
    return slh_sign_msg(pp, sig, &msg, addrnd, sk, NULL);
}

int sg17_slhdsa_verify_internal(sg17_slhdsa_param p, const uint8_t *sig, size_t sig_len,
                                const uint8_t *m, size_t m_len, const uint8_t *pk)
{
    const slh_params *pp = slh_params_get(p);
    if (!pp || !sig || !pk || (!m && m_len))
        return SG17_E_INVAL;
    slh_msg msg = {NULL, 0, m, m_len};
    return slh_verify_msg(pp, sig, sig_len, &msg, pk);
}
