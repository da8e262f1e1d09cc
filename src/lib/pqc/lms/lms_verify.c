/*
 * LMS and HSS signature verification (RFC 8554 §5.4.2 Alg. 6a/6b, §6.3)
 * and the length arithmetic. Every length and type field is checked before
 * any byte it describes is touched; nothing here trusts its input.
 */
#include <string.h>

#include "ct_internal.h"
#include "pqc/lms/lms_internal.h"

size_t sg17_lms_signature_len(uint32_t lms_type, uint32_t ots_type)
{
    const lms_param *lp = sg17_lms_param(lms_type);
    const lmots_param *op = sg17_lmots_param(ots_type);
    if (!sg17_lms_pair_ok(lp, op))
        return 0;
    return 4 + sg17_lmots_sig_len(op) + 4 + (size_t)lp->m * lp->h;
}

static int params_ok(const sg17_hss_params *p)
{
    if (p == NULL || p->levels < 1 || p->levels > SG17_HSS_MAX_LEVELS)
        return 0;
    for (uint32_t i = 0; i < p->levels; i++)
        if (sg17_lms_signature_len(p->lms_type[i], p->ots_type[i]) == 0)
            return 0;
    return 1;
}

size_t sg17_hss_signature_len(const sg17_hss_params *p)
{
    if (!params_ok(p))
        return 0;
    size_t len = 4;
    for (uint32_t i = 0; i < p->levels; i++) {
        len += sg17_lms_signature_len(p->lms_type[i], p->ots_type[i]);
        if (i + 1 < p->levels)
            len += 24 + (size_t)sg17_lms_param(p->lms_type[i + 1])->m;
    }
    return len;
}

size_t sg17_hss_public_key_len(const sg17_hss_params *p)
{
    if (!params_ok(p))
        return 0;
    return 4 + 24 + (size_t)sg17_lms_param(p->lms_type[0])->m;
}

int sg17_lms_sig_len_at(const uint8_t *sig, size_t avail, size_t *len)
{
    if (avail < 8)
        return SG17_E_FORMAT;
    const lmots_param *op = sg17_lmots_param(lms_strtou32(sig + 4));
    if (op == NULL)
        return SG17_E_FORMAT;
    size_t off = 4 + sg17_lmots_sig_len(op);
    if (avail < off + 4)
        return SG17_E_FORMAT;
    const lms_param *lp = sg17_lms_param(lms_strtou32(sig + off));
    if (!sg17_lms_pair_ok(lp, op))
        return SG17_E_FORMAT;
    size_t total = off + 4 + (size_t)lp->m * lp->h;
    if (avail < total)
        return SG17_E_FORMAT;
    *len = total;
    return 0;
}

int sg17_lms_pub_len_at(const uint8_t *pk, size_t avail, size_t *len)
{
    if (avail < 8)
        return SG17_E_FORMAT;
    const lms_param *lp = sg17_lms_param(lms_strtou32(pk));
    const lmots_param *op = sg17_lmots_param(lms_strtou32(pk + 4));
    if (!sg17_lms_pair_ok(lp, op) || avail < 24 + (size_t)lp->m)
        return SG17_E_FORMAT;
    *len = 24 + (size_t)lp->m;
    return 0;
}

/* Algorithm 6a: Tc from the signature; SG17_E_FORMAT for every "INVALID"
 * that is about shape, so that the caller can tell malformed from wrong. */
static int lms_candidate(const uint8_t *pk, size_t pk_len, const uint8_t *msg, size_t msg_len,
                         const uint8_t *sig, size_t sig_len, uint8_t Tc[LMS_MAX_N], size_t *m_out)
{
    size_t need;
    if (sg17_lms_pub_len_at(pk, pk_len, &need) != 0 || need != pk_len)
        return SG17_E_FORMAT;
    const lms_param *lp = sg17_lms_param(lms_strtou32(pk));
    const lmots_param *op = sg17_lmots_param(lms_strtou32(pk + 4));
    const uint8_t *I = pk + 8;
    const unsigned m = lp->m, h = lp->h;
    if (sig_len < 8 || lms_strtou32(sig + 4) != op->type)
        return SG17_E_FORMAT; /* otssigtype != pubotstype */
    size_t ots_len = sg17_lmots_sig_len(op);
    if (sig_len < 4 + ots_len + 4 || lms_strtou32(sig + 4 + ots_len) != lp->type)
        return SG17_E_FORMAT; /* sigtype != pubtype */
    uint32_t q = lms_strtou32(sig);
    if ((q >> h) != 0 || sig_len != 4 + ots_len + 4 + (size_t)m * h)
        return SG17_E_FORMAT;
    uint8_t Kc[LMS_MAX_N], hdr[22], tmp[LMS_MAX_N];
    sg17_lmots_candidate(op, I, q, msg, msg_len, sig + 4, Kc);
    const uint8_t *path = sig + 4 + ots_len + 4;
    uint32_t node = ((uint32_t)1 << h) + q;
    lms_hctx c;
    memcpy(hdr, I, 16);
    lms_u32str(hdr + 16, node);
    hdr[20] = (uint8_t)(LMS_D_LEAF >> 8);
    hdr[21] = (uint8_t)LMS_D_LEAF;
    sg17_lms_h_init(&c, lp->shake);
    sg17_lms_h_update(&c, hdr, sizeof hdr);
    sg17_lms_h_update(&c, Kc, m);
    sg17_lms_h_final(&c, tmp, m);
    if (!lp->shake)
        sg17_lms_sha256_blocks += 1;
    hdr[20] = (uint8_t)(LMS_D_INTR >> 8);
    hdr[21] = (uint8_t)LMS_D_INTR;
    for (unsigned i = 0; node > 1; i++, node >>= 1) {
        lms_u32str(hdr + 16, node >> 1);
        sg17_lms_h_init(&c, lp->shake);
        sg17_lms_h_update(&c, hdr, sizeof hdr);
        if (node & 1u) {
            sg17_lms_h_update(&c, path + (size_t)i * m, m);
            sg17_lms_h_update(&c, tmp, m);
        } else {
            sg17_lms_h_update(&c, tmp, m);
            sg17_lms_h_update(&c, path + (size_t)i * m, m);
        }
        sg17_lms_h_final(&c, tmp, m);
        if (!lp->shake)
            sg17_lms_sha256_blocks += (22 + 2 * m + 9 + 63) / 64;
    }
    memcpy(Tc, tmp, m);
    *m_out = m;
    return 0;
}

int sg17_lms_verify(const uint8_t *pk, size_t pk_len, const uint8_t *msg, size_t msg_len,
                    const uint8_t *sig, size_t sig_len)
{
    if (pk == NULL || sig == NULL || (msg == NULL && msg_len > 0))
        return SG17_E_INVAL;
    uint8_t Tc[LMS_MAX_N];
    size_t m;
    int rc = lms_candidate(pk, pk_len, msg, msg_len, sig, sig_len, Tc, &m);
    if (rc != 0)
        return rc;
    /* Public data, but the comparison costs nothing extra done this way. */
    return sg17_ct_memeq(Tc, pk + 24, m) ? 0 : SG17_E_VERIFY;
}

int sg17_hss_verify(const uint8_t *pk, size_t pk_len, const uint8_t *msg, size_t msg_len,
                    const uint8_t *sig, size_t sig_len)
{
    if (pk == NULL || sig == NULL || (msg == NULL && msg_len > 0))
        return SG17_E_INVAL;
    if (pk_len < 4 || sig_len < 4)
        return SG17_E_FORMAT;
    uint32_t L = lms_strtou32(pk);
    if (L < 1 || L > SG17_HSS_MAX_LEVELS)
        return SG17_E_FORMAT;
    uint32_t nspk = lms_strtou32(sig);
    if (nspk != L - 1) /* also catches nspk = 0xFFFFFFFF (no wrap: L >= 1) */
        return SG17_E_FORMAT;
    const uint8_t *key = pk + 4;
    size_t key_len = pk_len - 4;
    size_t off = 4;
    int rc;
    for (uint32_t i = 0; i < nspk; i++) {
        size_t slen, plen;
        if ((rc = sg17_lms_sig_len_at(sig + off, sig_len - off, &slen)) != 0)
            return rc;
        const uint8_t *lsig = sig + off;
        off += slen;
        if ((rc = sg17_lms_pub_len_at(sig + off, sig_len - off, &plen)) != 0)
            return rc;
        const uint8_t *next = sig + off;
        off += plen;
        if ((rc = sg17_lms_verify(key, key_len, next, plen, lsig, slen)) != 0)
            return rc;
        key = next;
        key_len = plen;
    }
    return sg17_lms_verify(key, key_len, msg, msg_len, sig + off, sig_len - off);
}
