/*
 * Merkle trees of SLH-DSA: a shared iterative tree hash (equivalent to the
 * recursive xmss_node, FIPS 205 Alg. 9, and fors_node, Alg. 15, but
 * computing every leaf once and collecting the authentication path on the
 * way), XMSS signing and verification (Alg. 10/11) and the hypertree
 * (ht_sign Alg. 12, ht_verify Alg. 13).
 */
#include "ct_internal.h"
#include "slhdsa_internal.h"

void slh_treehash(slh_ctx *c, uint8_t adrs[32], slh_leaf_fn leaf, uint32_t height,
                  uint32_t idx_offset, uint32_t leaf_idx, uint8_t *auth, uint8_t *root)
{
    const size_t n = c->p->n;
    uint8_t stack[(SLH_MAX_A + 1) * SLH_MAX_N];
    uint32_t heights[SLH_MAX_A + 1];
    uint8_t leaf_adrs[32], node_adrs[32], leaves[4 * SLH_MAX_N];
    size_t sp = 0;

    /* For XMSS the inner nodes carry type TREE; FORS keeps FORS_TREE and the key pair. */
    memcpy(node_adrs, adrs, 32);
    if (slh_get32(adrs + 16) != SLH_FORS_TREE)
        slh_adrs_set_type_and_clear(node_adrs, SLH_TREE);

    for (uint32_t i = 0; i < (1U << height); i++) {
        if ((i & 3U) == 0) {
            memcpy(leaf_adrs, adrs, 32);
            leaf(c, leaf_adrs, idx_offset + i, leaves);
        }
        memcpy(stack + sp * n, leaves + (i & 3U) * n, n);
        heights[sp] = 0;
        if (auth && (i ^ 1U) == leaf_idx)
            memcpy(auth, stack + sp * n, n);
        sp++;
        while (sp >= 2 && heights[sp - 1] == heights[sp - 2]) {
            uint32_t z = heights[sp - 1] + 1, node_i = i >> z;
            slh_adrs_set_height(node_adrs, z);
            slh_adrs_set_index(node_adrs, (idx_offset >> z) + node_i);
            slh_H(c, node_adrs, stack + (sp - 2) * n, stack + (sp - 2) * n);
            sp--;
            heights[sp - 1] = z;
            if (auth && z < height && (node_i ^ 1U) == (leaf_idx >> z))
                memcpy(auth + (size_t)z * n, stack + (sp - 1) * n, n);
        }
    }
    memcpy(root, stack, n);
    sg17_memzero(stack, sizeof(stack));
    sg17_memzero(leaves, sizeof(leaves));
}

/* XMSS leaves idx .. idx + 3: WOTS+ public keys of those key pairs (Alg. 9, z = 0). */
static void xmss_leaf(slh_ctx *c, uint8_t adrs[32], uint32_t idx, uint8_t *out)
{
    slh_adrs_set_type_and_clear(adrs, SLH_WOTS_HASH);
    slh_wots_pkgen_x4(c, adrs, idx, out);
}

void slh_xmss_root(slh_ctx *c, uint8_t adrs[32], uint8_t *root)
{
    slh_treehash(c, adrs, xmss_leaf, c->p->hp, 0, 0, NULL, root);
}

/* Alg. 10 (xmss_sign) plus the tree root that Alg. 12 would recompute with
 * xmss_pkFromSig. sig gets WOTS signature || AUTH. */
static void xmss_sign(slh_ctx *c, const uint8_t *msg, uint32_t idx, uint8_t adrs[32], uint8_t *sig,
                      uint8_t *root)
{
    const slh_params *p = c->p;
    uint8_t wadrs[32];
    slh_treehash(c, adrs, xmss_leaf, p->hp, 0, idx, sig + (size_t)p->len * p->n, root);
    memcpy(wadrs, adrs, 32);
    slh_adrs_set_type_and_clear(wadrs, SLH_WOTS_HASH);
    slh_adrs_set_keypair(wadrs, idx);
    slh_wots_sign(c, msg, wadrs, sig);
}

/* Alg. 11. */
static void xmss_pk_from_sig(slh_ctx *c, uint32_t idx, const uint8_t *sig, const uint8_t *msg,
                             uint8_t adrs[32], uint8_t *out)
{
    const slh_params *p = c->p;
    const size_t n = p->n;
    const uint8_t *auth = sig + (size_t)p->len * n;
    uint8_t buf[2 * SLH_MAX_N];

    slh_adrs_set_type_and_clear(adrs, SLH_WOTS_HASH);
    slh_adrs_set_keypair(adrs, idx);
    slh_wots_pk_from_sig(c, sig, msg, adrs, buf);
    slh_adrs_set_type_and_clear(adrs, SLH_TREE);
    slh_adrs_set_index(adrs, idx);
    for (uint32_t k = 0; k < p->hp; k++) {
        slh_adrs_set_height(adrs, k + 1);
        if (((idx >> k) & 1U) == 0) {
            slh_adrs_set_index(adrs, slh_adrs_get_index(adrs) / 2);
            memcpy(buf + n, auth + k * n, n);
        } else {
            slh_adrs_set_index(adrs, (slh_adrs_get_index(adrs) - 1) / 2);
            memcpy(buf + n, buf, n);
            memcpy(buf, auth + k * n, n);
        }
        slh_H(c, adrs, buf, buf);
    }
    memcpy(out, buf, n);
}

void slh_ht_sign(slh_ctx *c, const uint8_t *msg, uint64_t idx_tree, uint32_t idx_leaf,
                 uint8_t *sig_ht)
{
    const slh_params *p = c->p;
    const size_t xmss_bytes = (size_t)(p->len + p->hp) * p->n;
    uint8_t adrs[32] = {0}, cur[SLH_MAX_N], root[SLH_MAX_N];

    memcpy(cur, msg, p->n);
    for (uint32_t j = 0; j < p->d; j++) {
        slh_adrs_set_layer(adrs, j);
        slh_adrs_set_tree(adrs, idx_tree);
        xmss_sign(c, cur, idx_leaf, adrs, sig_ht + j * xmss_bytes, root);
        memcpy(cur, root, p->n);
        /* The root of layer j is public: a verifier recomputes it from the
         * signature, and it is the WOTS+ message of layer j + 1. */
        SG17_CT_DECLASSIFY(cur, p->n);
        idx_leaf = (uint32_t)(idx_tree & ((1U << p->hp) - 1U));
        idx_tree >>= p->hp;
    }
}

int slh_ht_verify(slh_ctx *c, const uint8_t *msg, const uint8_t *sig_ht, uint64_t idx_tree,
                  uint32_t idx_leaf, const uint8_t *pk_root)
{
    const slh_params *p = c->p;
    const size_t xmss_bytes = (size_t)(p->len + p->hp) * p->n;
    uint8_t adrs[32] = {0}, node[SLH_MAX_N];

    memcpy(node, msg, p->n);
    for (uint32_t j = 0; j < p->d; j++) {
        slh_adrs_set_layer(adrs, j);
        slh_adrs_set_tree(adrs, idx_tree);
        xmss_pk_from_sig(c, idx_leaf, sig_ht + j * xmss_bytes, node, adrs, node);
        idx_leaf = (uint32_t)(idx_tree & ((1U << p->hp) - 1U));
        idx_tree >>= p->hp;
    }
    return sg17_ct_memeq(node, pk_root, p->n);
}
