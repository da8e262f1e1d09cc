/*
 * LMS Merkle tree for signing (RFC 8554 §5.3, §5.4.1).
 *
 * Memory: the whole tree of a large h does not fit (H25, m = 32: 2 GiB), so
 * it is kept in two parts. `top` holds every node of depth <= h - k (the
 * roots of the 2^(h-k) subtrees of height k and everything above them);
 * `sub` holds all nodes of the one subtree that contains the current leaf.
 * An authentication path takes its k lower nodes from `sub` and the rest
 * from `top`. Moving to the next subtree recomputes 2^k leaves once.
 */
#include <stdlib.h>
#include <string.h>

#include "ct_internal.h"
#include "pqc/lms/lms_internal.h"

unsigned sg17_lms_subtree_height = LMS_SUBTREE_H;

static void leaf_node(const lms_tree *t, uint32_t r, const uint8_t *K, uint8_t *out)
{
    uint8_t hdr[22];
    lms_hctx c;
    memcpy(hdr, t->I, 16);
    lms_u32str(hdr + 16, r);
    hdr[20] = (uint8_t)(LMS_D_LEAF >> 8);
    hdr[21] = (uint8_t)LMS_D_LEAF;
    sg17_lms_h_init(&c, t->lp->shake);
    sg17_lms_h_update(&c, hdr, sizeof hdr);
    sg17_lms_h_update(&c, K, t->lp->m);
    sg17_lms_h_final(&c, out, t->lp->m);
}

static void inner_node(const lms_tree *t, uint32_t r, const uint8_t *left, const uint8_t *right,
                       uint8_t *out)
{
    uint8_t hdr[22];
    lms_hctx c;
    memcpy(hdr, t->I, 16);
    lms_u32str(hdr + 16, r);
    hdr[20] = (uint8_t)(LMS_D_INTR >> 8);
    hdr[21] = (uint8_t)LMS_D_INTR;
    sg17_lms_h_init(&c, t->lp->shake);
    sg17_lms_h_update(&c, hdr, sizeof hdr);
    sg17_lms_h_update(&c, left, t->lp->m);
    sg17_lms_h_update(&c, right, t->lp->m);
    sg17_lms_h_final(&c, out, t->lp->m);
}

/* All local nodes 1..2^(k+1)-1 of subtree s into out. Local node l at local
 * depth e is global node ((2^(h-k) + s) << e) | (l - 2^e). */
static void subtree_compute(lms_tree *t, uint32_t s, uint8_t *out)
{
    const unsigned h = t->lp->h, k = t->k, m = t->lp->m;
    const uint32_t root = ((uint32_t)1 << (h - k)) + s;
    uint8_t K[LMS_MAX_N];
    for (uint32_t j = 0; j < ((uint32_t)1 << k); j++) {
        uint32_t q = (s << k) + j;
        sg17_lmots_public(t->op, t->I, q, t->seed, K);
        leaf_node(t, ((uint32_t)1 << h) + q, K, out + (size_t)(((uint32_t)1 << k) + j) * m);
    }
    for (unsigned e = k; e-- > 0;) {
        for (uint32_t l = (uint32_t)1 << e; l < ((uint32_t)2 << e); l++) {
            uint32_t r = (root << e) | (l - ((uint32_t)1 << e));
            inner_node(t, r, out + (size_t)(2 * l) * m, out + (size_t)(2 * l + 1) * m,
                       out + (size_t)l * m);
        }
    }
    /* Tree nodes are public (each appears in some authentication path). */
    SG17_CT_DECLASSIFY(out + m, (((size_t)2 << k) - 1) * m);
}

int sg17_lms_tree_build(lms_tree *t, const lms_param *lp, const lmots_param *op,
                        const uint8_t I[16], const uint8_t *seed, uint32_t q)
{
    memset(t, 0, sizeof *t);
    if (!sg17_lms_pair_ok(lp, op) || lp->h > LMS_MAX_H || (q >> lp->h) != 0)
        return SG17_E_INVAL;
    t->lp = lp;
    t->op = op;
    unsigned k = sg17_lms_subtree_height;
    t->k = (k == 0 || k > lp->h) ? lp->h : k;
    memcpy(t->I, I, 16);
    memcpy(t->seed, seed, op->n);
    const unsigned d0 = lp->h - t->k, m = lp->m;
    const uint32_t nsub = (uint32_t)1 << d0, want = q >> t->k;
    t->top = malloc(((size_t)2 << d0) * m);
    t->sub = malloc(((size_t)2 << t->k) * m);
    if (t->top == NULL || t->sub == NULL) {
        sg17_lms_tree_free(t);
        return SG17_E_NOMEM;
    }
    /* Every subtree once, the wanted one last so that `sub` keeps it. */
    for (uint32_t i = 0; i < nsub; i++) {
        uint32_t s = i == nsub - 1 ? want : (i >= want ? i + 1 : i);
        subtree_compute(t, s, t->sub);
        memcpy(t->top + (size_t)(nsub + s) * m, t->sub + m, m);
    }
    t->cur_sub = want;
    for (uint32_t r = nsub; r-- > 1;)
        inner_node(t, r, t->top + (size_t)(2 * r) * m, t->top + (size_t)(2 * r + 1) * m,
                   t->top + (size_t)r * m);
    lms_u32str(t->pub, lp->type);
    lms_u32str(t->pub + 4, op->type);
    memcpy(t->pub + 8, I, 16);
    memcpy(t->pub + 24, t->top + m, m);
    t->pub_len = 24 + (size_t)m;
    return 0;
}

int sg17_lms_tree_sign(lms_tree *t, uint32_t q, const uint8_t *msg, size_t msg_len, uint8_t *sig)
{
    const unsigned h = t->lp->h, k = t->k, m = t->lp->m, d0 = h - k;
    if (t->top == NULL || (q >> h) != 0)
        return SG17_E_INVAL;
    if ((q >> k) != t->cur_sub) {
        subtree_compute(t, q >> k, t->sub);
        t->cur_sub = q >> k;
    }
    size_t off = 0;
    lms_u32str(sig, q);
    off += 4;
    sg17_lmots_sign(t->op, t->I, q, t->seed, msg, msg_len, sig + off);
    off += sg17_lmots_sig_len(t->op);
    lms_u32str(sig + off, t->lp->type);
    off += 4;
    const uint32_t node = ((uint32_t)1 << h) + q;
    for (unsigned l = 0; l < h; l++) {
        uint32_t sib = (node >> l) ^ 1u;
        unsigned d = h - l; /* depth of sib */
        const uint8_t *src;
        if (d > d0) {
            unsigned e = d - d0;
            uint32_t local = ((uint32_t)1 << e) | (sib & (((uint32_t)1 << e) - 1u));
            src = t->sub + (size_t)local * m;
        } else {
            src = t->top + (size_t)sib * m;
        }
        memcpy(sig + off, src, m);
        off += m;
    }
    return 0;
}

void sg17_lms_tree_free(lms_tree *t)
{
    if (t == NULL)
        return;
    if (t->top != NULL)
        free(t->top);
    if (t->sub != NULL)
        free(t->sub);
    sg17_memzero(t, sizeof *t);
}

int sg17_lms_public_from_seed(uint32_t lms_type, uint32_t ots_type, const uint8_t I[16],
                              const uint8_t *seed, size_t seed_len, uint8_t *pk, size_t pk_cap,
                              size_t *pk_len)
{
    const lms_param *lp = sg17_lms_param(lms_type);
    const lmots_param *op = sg17_lmots_param(ots_type);
    if (I == NULL || seed == NULL || pk == NULL || pk_len == NULL || !sg17_lms_pair_ok(lp, op) ||
        seed_len != op->n || pk_cap < 24 + (size_t)lp->m)
        return SG17_E_INVAL;
    lms_tree t;
    int rc = sg17_lms_tree_build(&t, lp, op, I, seed, 0);
    if (rc == 0) {
        memcpy(pk, t.pub, t.pub_len);
        *pk_len = t.pub_len;
    }
    sg17_lms_tree_free(&t);
    return rc;
}
