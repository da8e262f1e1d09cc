/*
 * LM-OTS one-time signatures (RFC 8554 §4) with the SP 800-208 types, the
 * parameter tables for LM-OTS and LMS, and the hash wrapper.
 */
#include <string.h>

#include "ct_internal.h"
#include "pqc/lms/lms_internal.h"

/* n, w, ls, p from RFC 8554 §4.1 Table 1 and SP 800-208 §4.1-4.3; p and ls
 * follow from Appendix B (u = 8n/w, v = ceil((floor(lg((2^w-1)u))+1)/w)). */
static const lmots_param lmots_table[] = {
    {1, 0, 32, 1, 7, 265},  {2, 0, 32, 2, 6, 133},  {3, 0, 32, 4, 4, 67},  {4, 0, 32, 8, 0, 34},
    {5, 0, 24, 1, 8, 200},  {6, 0, 24, 2, 6, 101},  {7, 0, 24, 4, 4, 51},  {8, 0, 24, 8, 0, 26},
    {9, 1, 32, 1, 7, 265},  {10, 1, 32, 2, 6, 133}, {11, 1, 32, 4, 4, 67}, {12, 1, 32, 8, 0, 34},
    {13, 1, 24, 1, 8, 200}, {14, 1, 24, 2, 6, 101}, {15, 1, 24, 4, 4, 51}, {16, 1, 24, 8, 0, 26},
};

const lmots_param *sg17_lmots_param(uint32_t type)
{
    if (type < 1 || type > 16)
        return NULL;
    return &lmots_table[type - 1];
}

/* RFC 8554 §5.1 Table 2 (types 5-9) and SP 800-208 §4 (types 10-24):
 * {type, shake, m, h}. */
static const lms_param lms_table[] = {
    {5, 0, 32, 5},  {6, 0, 32, 10},  {7, 0, 32, 15},  {8, 0, 32, 20},  {9, 0, 32, 25},
    {10, 0, 24, 5}, {11, 0, 24, 10}, {12, 0, 24, 15}, {13, 0, 24, 20}, {14, 0, 24, 25},
    {15, 1, 32, 5}, {16, 1, 32, 10}, {17, 1, 32, 15}, {18, 1, 32, 20}, {19, 1, 32, 25},
    {20, 1, 24, 5}, {21, 1, 24, 10}, {22, 1, 24, 15}, {23, 1, 24, 20}, {24, 1, 24, 25},
};

const lms_param *sg17_lms_param(uint32_t type)
{
    if (type < 5 || type > 24)
        return NULL;
    return &lms_table[type - 5];
}

int sg17_lms_pair_ok(const lms_param *lp, const lmots_param *op)
{
    return lp != NULL && op != NULL && lp->shake == op->shake && lp->m == op->n;
}

size_t sg17_lmots_sig_len(const lmots_param *op)
{
    return 4 + (size_t)op->n * ((size_t)op->p + 1);
}

/* ---- hash wrapper -------------------------------------------------------- */
_Thread_local uint64_t sg17_lms_sha256_blocks;

void sg17_lms_h_init(lms_hctx *c, int shake)
{
    c->shake = shake;
    if (shake)
        sg17_shake256_init(&c->u.kc);
    else
        sg17_sha256_init(&c->u.sha);
}

void sg17_lms_h_update(lms_hctx *c, const uint8_t *in, size_t len)
{
    if (c->shake)
        sg17_keccak_absorb(&c->u.kc, in, len);
    else
        sg17_sha256_update(&c->u.sha, in, len);
}

void sg17_lms_h_final(lms_hctx *c, uint8_t *out, size_t out_len)
{
    if (c->shake) {
        sg17_keccak_finalize(&c->u.kc);
        sg17_keccak_squeeze(&c->u.kc, out, out_len);
    } else {
        uint8_t full[32];
        sg17_sha256_final(&c->u.sha, full);
        memcpy(out, full, out_len); /* SHA-256/192: the leftmost 24 bytes */
        sg17_memzero(full, sizeof full);
    }
}

void sg17_lms_h_wipe(lms_hctx *c)
{
    sg17_memzero(c, sizeof *c);
}

/* Count compression-function calls for a one-shot message of len bytes. */
static inline void count_blocks(int shake, size_t len)
{
    if (shake)
        return;
    sg17_lms_sha256_blocks += (len + 9 + 63) / 64;
}

void sg17_lms_derive(int shake, const uint8_t I[16], uint32_t q, uint16_t d, const uint8_t *seed,
                     size_t seed_len, uint8_t *out, size_t out_len)
{
    uint8_t pre[23];
    lms_hctx c;
    memcpy(pre, I, 16);
    lms_u32str(pre + 16, q);
    pre[20] = (uint8_t)(d >> 8);
    pre[21] = (uint8_t)d;
    pre[22] = 0xff;
    sg17_lms_h_init(&c, shake);
    sg17_lms_h_update(&c, pre, sizeof pre);
    sg17_lms_h_update(&c, seed, seed_len);
    sg17_lms_h_final(&c, out, out_len);
    sg17_lms_h_wipe(&c);
    count_blocks(shake, sizeof pre + seed_len);
}

/*
 * The Winternitz chain: buf = I || u32str(q) || u16str(i) || u8str(j) || tmp
 * (23 + n <= 55 bytes, one SHA-256 block). The prefix stays in place; only j
 * and tmp change, and the digest is written straight back into tmp.
 */
static void chain(const lmots_param *op, uint8_t buf[64], unsigned from, unsigned to)
{
    const size_t len = 23 + (size_t)op->n;
    if (op->shake) {
        sg17_keccak_ctx kc;
        for (unsigned j = from; j < to; j++) {
            buf[22] = (uint8_t)j;
            sg17_shake256_init(&kc);
            sg17_keccak_absorb(&kc, buf, len);
            sg17_keccak_finalize(&kc);
            sg17_keccak_squeeze(&kc, buf + 23, op->n);
        }
        sg17_keccak_wipe(&kc);
    } else {
        sg17_sha256_ctx sc;
        for (unsigned j = from; j < to; j++) {
            buf[22] = (uint8_t)j;
            sg17_sha256_init(&sc);
            sg17_sha256_update(&sc, buf, len);
            /* Writes 32 bytes at buf+23 (fits in 64); for n = 24 the last 8
             * are never hashed, which is the SHA-256/192 truncation. */
            sg17_sha256_final(&sc, buf + 23);
        }
        sg17_lms_sha256_blocks += to > from ? to - from : 0;
        sg17_memzero(&sc, sizeof sc);
    }
}

/* lg(w) for w in {1, 2, 4, 8}: shifts instead of divisions. */
static inline unsigned lg_w(unsigned w)
{
    return (unsigned)(w >= 2) + (unsigned)(w >= 4) + (unsigned)(w >= 8);
}

/* coef(S, i, w) (RFC 8554 §3.1.3) */
static inline unsigned coef(const uint8_t *S, unsigned i, unsigned w)
{
    unsigned lw = lg_w(w);
    unsigned mask = (1u << w) - 1u;
    unsigned per_byte_mask = (8u >> lw) - 1u;
    unsigned shift = 8u - (((i & per_byte_mask) << lw) + w);
    return mask & (unsigned)(S[(i << lw) >> 3] >> shift);
}

/* Q || Cksm(Q) (RFC 8554 §4.4): S gets n + 2 bytes. */
static void q_with_checksum(const lmots_param *op, const uint8_t *Q, uint8_t *S)
{
    unsigned sum = 0, max = (1u << op->w) - 1u;
    unsigned u = (8u * op->n) >> lg_w(op->w);
    for (unsigned i = 0; i < u; i++)
        sum += max - coef(Q, i, op->w);
    sum <<= op->ls;
    memcpy(S, Q, op->n);
    S[op->n] = (uint8_t)(sum >> 8);
    S[op->n + 1] = (uint8_t)sum;
}

static void chain_prefix(uint8_t buf[64], const uint8_t I[16], uint32_t q)
{
    memcpy(buf, I, 16);
    lms_u32str(buf + 16, q);
}

void sg17_lmots_public(const lmots_param *op, const uint8_t I[16], uint32_t q, const uint8_t *seed,
                       uint8_t K[LMS_MAX_N])
{
    uint8_t buf[64], hdr[22];
    lms_hctx kc;
    const unsigned top = (1u << op->w) - 1u;
    chain_prefix(buf, I, q);
    memcpy(hdr, buf, 20);
    hdr[20] = (uint8_t)(LMS_D_PBLC >> 8);
    hdr[21] = (uint8_t)LMS_D_PBLC;
    sg17_lms_h_init(&kc, op->shake);
    sg17_lms_h_update(&kc, hdr, sizeof hdr);
    for (unsigned i = 0; i < op->p; i++) {
        /* x_q[i] (Appendix A), then the full chain to y[i] (Alg. 1). */
        sg17_lms_derive(op->shake, I, q, (uint16_t)i, seed, op->n, buf + 23, op->n);
        buf[20] = (uint8_t)(i >> 8);
        buf[21] = (uint8_t)i;
        chain(op, buf, 0, top);
        sg17_lms_h_update(&kc, buf + 23, op->n);
    }
    sg17_lms_h_final(&kc, K, op->n);
    sg17_lms_h_wipe(&kc);
    sg17_memzero(buf, sizeof buf);
    count_blocks(op->shake, 22 + (size_t)op->n * op->p);
}

static void message_digest(const lmots_param *op, const uint8_t I[16], uint32_t q, const uint8_t *C,
                           const uint8_t *msg, size_t msg_len, uint8_t *Q)
{
    uint8_t hdr[22];
    lms_hctx c;
    memcpy(hdr, I, 16);
    lms_u32str(hdr + 16, q);
    hdr[20] = (uint8_t)(LMS_D_MESG >> 8);
    hdr[21] = (uint8_t)LMS_D_MESG;
    sg17_lms_h_init(&c, op->shake);
    sg17_lms_h_update(&c, hdr, sizeof hdr);
    sg17_lms_h_update(&c, C, op->n);
    if (msg_len > 0)
        sg17_lms_h_update(&c, msg, msg_len);
    sg17_lms_h_final(&c, Q, op->n);
    count_blocks(op->shake, sizeof hdr + op->n + msg_len);
}

void sg17_lmots_sign(const lmots_param *op, const uint8_t I[16], uint32_t q, const uint8_t *seed,
                     const uint8_t *msg, size_t msg_len, uint8_t *sig)
{
    uint8_t buf[64], Q[LMS_MAX_N], S[LMS_MAX_N + 2];
    uint8_t *C = sig + 4;
    lms_u32str(sig, op->type);
    sg17_lms_derive(op->shake, I, q, LMS_DERIVE_C, seed, op->n, C, op->n);
    /* C is published in the signature: its value is public, and with it Q
     * and the chain lengths a_i (which equal what any verifier recomputes). */
    SG17_CT_DECLASSIFY(C, op->n);
    message_digest(op, I, q, C, msg, msg_len, Q);
    q_with_checksum(op, Q, S);
    chain_prefix(buf, I, q);
    for (unsigned i = 0; i < op->p; i++) {
        unsigned a = coef(S, i, op->w);
        sg17_lms_derive(op->shake, I, q, (uint16_t)i, seed, op->n, buf + 23, op->n);
        buf[20] = (uint8_t)(i >> 8);
        buf[21] = (uint8_t)i;
        chain(op, buf, 0, a);
        memcpy(sig + 4 + (size_t)op->n * (1u + i), buf + 23, op->n);
    }
    sg17_memzero(buf, sizeof buf);
}

void sg17_lmots_candidate(const lmots_param *op, const uint8_t I[16], uint32_t q,
                          const uint8_t *msg, size_t msg_len, const uint8_t *sig,
                          uint8_t Kc[LMS_MAX_N])
{
    uint8_t buf[64], Q[LMS_MAX_N], S[LMS_MAX_N + 2], hdr[22];
    lms_hctx kc;
    const unsigned top = (1u << op->w) - 1u;
    const uint8_t *C = sig + 4;
    message_digest(op, I, q, C, msg, msg_len, Q);
    q_with_checksum(op, Q, S);
    chain_prefix(buf, I, q);
    memcpy(hdr, buf, 20);
    hdr[20] = (uint8_t)(LMS_D_PBLC >> 8);
    hdr[21] = (uint8_t)LMS_D_PBLC;
    sg17_lms_h_init(&kc, op->shake);
    sg17_lms_h_update(&kc, hdr, sizeof hdr);
    for (unsigned i = 0; i < op->p; i++) {
        unsigned a = coef(S, i, op->w);
        memcpy(buf + 23, sig + 4 + (size_t)op->n * (1u + i), op->n);
        buf[20] = (uint8_t)(i >> 8);
        buf[21] = (uint8_t)i;
        chain(op, buf, a, top);
        sg17_lms_h_update(&kc, buf + 23, op->n);
    }
    sg17_lms_h_final(&kc, Kc, op->n);
    count_blocks(op->shake, 22 + (size_t)op->n * op->p);
}
