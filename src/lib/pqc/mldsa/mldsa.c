/*
 * ML-DSA internal algorithms (FIPS 204 §6): KeyGen_internal (Alg. 6),
 * Sign_internal (Alg. 7) and Verify_internal (Alg. 8), the parameter sets
 * of Table 1 and the matrix expansion ExpandA (Alg. 32) / ExpandS (Alg. 33).
 */
#include <string.h>

#include "ct_internal.h"
#include "mldsa_internal.h"
#include "sg17/common.h"

/* FIPS 204 Table 1 (q = 8380417, d = 13) and the Table 2 sizes. */
static const mldsa_params mldsa_sets[3] = {
    {SG17_MLDSA_44, 4, 4, 2, 39, 78, 1 << 17, (MLDSA_Q - 1) / 88, 80, 32, 96, 576, 192,
     SG17_MLDSA44_PUBLICKEY_BYTES, SG17_MLDSA44_SECRETKEY_BYTES, SG17_MLDSA44_SIGNATURE_BYTES},
    {SG17_MLDSA_65, 6, 5, 4, 49, 196, 1 << 19, (MLDSA_Q - 1) / 32, 55, 48, 128, 640, 128,
     SG17_MLDSA65_PUBLICKEY_BYTES, SG17_MLDSA65_SECRETKEY_BYTES, SG17_MLDSA65_SIGNATURE_BYTES},
    {SG17_MLDSA_87, 8, 7, 2, 60, 120, 1 << 19, (MLDSA_Q - 1) / 32, 75, 64, 96, 640, 128,
     SG17_MLDSA87_PUBLICKEY_BYTES, SG17_MLDSA87_SECRETKEY_BYTES, SG17_MLDSA87_SIGNATURE_BYTES},
};

/* FIPS 204 Appendix C: a bounded signing loop must allow >= 814 iterations. */
#define MLDSA_MAX_SIGN_ATTEMPTS 814

const mldsa_params *mldsa_params_get(sg17_mldsa_param id)
{
    for (size_t i = 0; i < sizeof mldsa_sets / sizeof mldsa_sets[0]; i++) {
        if (mldsa_sets[i].id == id)
            return &mldsa_sets[i];
    }
    return NULL;
}

/* Alg. 32 ExpandA: A[r][s] = RejNTTPoly(rho || s || r), already in NTT form. */
static void expand_a(mldsa_polyvec_l a[MLDSA_KMAX], const uint8_t rho[MLDSA_SEEDBYTES],
                     const mldsa_params *p)
{
    for (unsigned r = 0; r < p->k; r++)
        for (unsigned s = 0; s < p->l; s++)
            mldsa_rej_ntt_poly(&a[r].v[s], rho, (uint8_t)s, (uint8_t)r);
}

/* w = NTT^-1(A o v_hat), coefficients reduced to [0, q). */
static void matrix_mul(mldsa_polyvec_k *w, const mldsa_polyvec_l a[MLDSA_KMAX],
                       const mldsa_polyvec_l *v_hat, const mldsa_params *p)
{
    for (unsigned r = 0; r < p->k; r++) {
        for (unsigned s = 0; s < p->l; s++)
            mldsa_poly_pointwise_acc(&w->v[r], &a[r].v[s], &v_hat->v[s], s == 0);
        mldsa_poly_reduce(&w->v[r]);
        mldsa_poly_invntt_tomont(&w->v[r]);
        mldsa_poly_caddq(&w->v[r]);
    }
}

void mldsa_compute_tr(uint8_t tr[MLDSA_TRBYTES], const uint8_t *pk, size_t pk_len)
{
    sg17_shake256(tr, MLDSA_TRBYTES, pk, pk_len);
}

void mldsa_mu_init(sg17_keccak_ctx *st, const uint8_t tr[MLDSA_TRBYTES])
{
    sg17_shake256_init(st);
    sg17_keccak_absorb(st, tr, MLDSA_TRBYTES);
}

/* Everything KeyGen_internal holds, so one wipe covers it. */
typedef struct keygen_ws {
    uint8_t seedbuf[MLDSA_SEEDBYTES + 2];
    uint8_t expanded[2 * MLDSA_SEEDBYTES + MLDSA_CRHBYTES]; /* rho || rho' || K */
    mldsa_polyvec_l a[MLDSA_KMAX];
    mldsa_polyvec_l s1, s1_hat;
    mldsa_polyvec_k s2, t, t1, t0;
} keygen_ws;

void mldsa_keygen_internal(const mldsa_params *p, const uint8_t seed[MLDSA_SEEDBYTES],
                           uint8_t *pk, uint8_t *sk)
{
    keygen_ws ws;
    const uint8_t *rho = ws.expanded;
    const uint8_t *rho_prime = ws.expanded + MLDSA_SEEDBYTES;
    const uint8_t *key = ws.expanded + MLDSA_SEEDBYTES + MLDSA_CRHBYTES;

    /* (rho, rho', K) = H(xi || k || l, 128) (Alg. 6 line 1) */
    memcpy(ws.seedbuf, seed, MLDSA_SEEDBYTES);
    ws.seedbuf[MLDSA_SEEDBYTES] = (uint8_t)p->k;
    ws.seedbuf[MLDSA_SEEDBYTES + 1] = (uint8_t)p->l;
    sg17_shake256(ws.expanded, sizeof ws.expanded, ws.seedbuf, sizeof ws.seedbuf);
    /* rho is the public seed of A: it is published in pk. */
    SG17_CT_DECLASSIFY(ws.expanded, MLDSA_SEEDBYTES);

    expand_a(ws.a, rho, p);
    /* Alg. 33 ExpandS */
    for (unsigned r = 0; r < p->l; r++)
        mldsa_rej_bounded_poly(&ws.s1.v[r], rho_prime, (uint16_t)r, p->eta);
    for (unsigned r = 0; r < p->k; r++)
        mldsa_rej_bounded_poly(&ws.s2.v[r], rho_prime, (uint16_t)(r + p->l), p->eta);

    /* t = NTT^-1(A o NTT(s1)) + s2 */
    ws.s1_hat = ws.s1;
    for (unsigned s = 0; s < p->l; s++)
        mldsa_poly_ntt(&ws.s1_hat.v[s]);
    matrix_mul(&ws.t, ws.a, &ws.s1_hat, p);
    for (unsigned r = 0; r < p->k; r++) {
        mldsa_poly_add(&ws.t.v[r], &ws.t.v[r], &ws.s2.v[r]);
        mldsa_poly_reduce(&ws.t.v[r]);
        mldsa_poly_caddq(&ws.t.v[r]);
        for (unsigned j = 0; j < MLDSA_N; j++)
            mldsa_power2round(&ws.t1.v[r].c[j], &ws.t0.v[r].c[j], ws.t.v[r].c[j]);
        /* t1 is the public key */
        SG17_CT_DECLASSIFY(ws.t1.v[r].c, sizeof ws.t1.v[r].c);
    }

    /* pkEncode (Alg. 22) */
    memcpy(pk, rho, MLDSA_SEEDBYTES);
    for (unsigned r = 0; r < p->k; r++)
        mldsa_pack_t1(pk + MLDSA_SEEDBYTES + r * MLDSA_POLYT1_BYTES, &ws.t1.v[r]);

    /* skEncode (Alg. 24): rho || K || tr || s1 || s2 || t0 */
    uint8_t *o = sk;
    memcpy(o, rho, MLDSA_SEEDBYTES);
    o += MLDSA_SEEDBYTES;
    memcpy(o, key, MLDSA_SEEDBYTES);
    o += MLDSA_SEEDBYTES;
    mldsa_compute_tr(o, pk, p->pk_bytes);
    o += MLDSA_TRBYTES;
    for (unsigned s = 0; s < p->l; s++, o += p->polyeta_bytes)
        mldsa_pack_eta(o, &ws.s1.v[s], p->eta);
    for (unsigned r = 0; r < p->k; r++, o += p->polyeta_bytes)
        mldsa_pack_eta(o, &ws.s2.v[r], p->eta);
    for (unsigned r = 0; r < p->k; r++, o += MLDSA_POLYT0_BYTES)
        mldsa_pack_t0(o, &ws.t0.v[r]);

    sg17_memzero(&ws, sizeof ws);
}

/* Everything Sign_internal holds. */
typedef struct sign_ws {
    uint8_t rho[MLDSA_SEEDBYTES];
    uint8_t kbuf[MLDSA_SEEDBYTES + MLDSA_RNDBYTES + MLDSA_CRHBYTES]; /* K || rnd || mu */
    uint8_t rho2[MLDSA_CRHBYTES];                                   /* rho'' */
    uint8_t ctilde[MLDSA_CTILDE_MAX];
    uint8_t w1_enc[MLDSA_KMAX * 192];
    mldsa_polyvec_l a[MLDSA_KMAX];
    mldsa_polyvec_l s1_hat, y, z;
    mldsa_polyvec_k s2_hat, t0_hat, w, w1, w0, h, tmp;
    mldsa_poly c_hat;
} sign_ws;

/* skDecode (Alg. 25) into NTT-domain s1, s2, t0. Returns 0 or SG17_E_FORMAT
 * (an s1/s2 code outside [-eta, eta]; only that verdict is declassified). */
static int decode_sk(sign_ws *ws, const uint8_t *sk, const mldsa_params *p)
{
    const uint8_t *in = sk;
    uint32_t bad = 0;
    memcpy(ws->rho, in, MLDSA_SEEDBYTES);
    in += MLDSA_SEEDBYTES;
    memcpy(ws->kbuf, in, MLDSA_SEEDBYTES);
    in += MLDSA_SEEDBYTES + MLDSA_TRBYTES; /* tr is used by the caller for mu */
    for (unsigned s = 0; s < p->l; s++, in += p->polyeta_bytes)
        bad |= mldsa_unpack_eta(&ws->s1_hat.v[s], in, p->eta);
    for (unsigned r = 0; r < p->k; r++, in += p->polyeta_bytes)
        bad |= mldsa_unpack_eta(&ws->s2_hat.v[r], in, p->eta);
    for (unsigned r = 0; r < p->k; r++, in += MLDSA_POLYT0_BYTES)
        mldsa_unpack_t0(&ws->t0_hat.v[r], in);
    /* Only "is this key well-formed" leaves; it says nothing about a valid key. */
    SG17_CT_DECLASSIFY(&bad, sizeof bad);
    if (bad)
        return SG17_E_FORMAT;
    for (unsigned s = 0; s < p->l; s++)
        mldsa_poly_ntt(&ws->s1_hat.v[s]);
    for (unsigned r = 0; r < p->k; r++) {
        mldsa_poly_ntt(&ws->s2_hat.v[r]);
        mldsa_poly_ntt(&ws->t0_hat.v[r]);
    }
    return 0;
}

/* out = NTT^-1(c_hat o v_hat), centred (|coefficient| small, < q/2). */
static void c_times(mldsa_poly *out, const mldsa_poly *c_hat, const mldsa_poly *v_hat)
{
    mldsa_poly_pointwise_acc(out, c_hat, v_hat, 1);
    mldsa_poly_invntt_tomont(out);
    mldsa_poly_reduce(out);
}

/*
 * One candidate of the Alg. 7 loop (lines 11-30) for counter kappa.
 * Returns 1 if accepted (z, h, ctilde set), 0 if rejected.
 *
 * The rejection decisions are the only secret-derived values the loop
 * branches on. They are declassified: FIPS 204 §3.6/Alg. 7 discards a
 * rejected candidate entirely, and rejection sampling makes the accepted
 * (z, h) independent of the key; which check failed for a discarded
 * candidate is likewise considered public (Dilithium round-3 spec §5.5).
 * c~ is declassified for the same reason: it is a hash output, published
 * for the accepted candidate and independent of the key for rejected ones.
 */
static int sign_attempt(sign_ws *ws, const mldsa_params *p, uint16_t kappa)
{
    const int32_t g2 = p->gamma2;
    const uint8_t *mu = ws->kbuf + MLDSA_SEEDBYTES + MLDSA_RNDBYTES;
    uint32_t reject;

    /* y = ExpandMask(rho'', kappa); w = NTT^-1(A o NTT(y)) */
    for (unsigned s = 0; s < p->l; s++) {
        mldsa_expand_mask_poly(&ws->y.v[s], ws->rho2, (uint16_t)(kappa + s), p);
        ws->z.v[s] = ws->y.v[s];
        mldsa_poly_ntt(&ws->z.v[s]);
    }
    matrix_mul(&ws->w, ws->a, &ws->z, p);
    /* w1 = HighBits(w); c~ = H(mu || w1Encode(w1), lambda/4) */
    for (unsigned r = 0; r < p->k; r++) {
        for (unsigned j = 0; j < MLDSA_N; j++)
            ws->w1.v[r].c[j] = mldsa_decompose(&ws->w0.v[r].c[j], ws->w.v[r].c[j], g2);
        mldsa_pack_w1(ws->w1_enc + r * p->polyw1_bytes, &ws->w1.v[r], g2);
    }
    sg17_keccak_ctx st;
    sg17_shake256_init(&st);
    sg17_keccak_absorb(&st, mu, MLDSA_CRHBYTES);
    sg17_keccak_absorb(&st, ws->w1_enc, p->k * p->polyw1_bytes);
    sg17_keccak_finalize(&st);
    sg17_keccak_squeeze(&st, ws->ctilde, p->ctilde_bytes);
    sg17_keccak_wipe(&st);
    SG17_CT_DECLASSIFY(ws->ctilde, p->ctilde_bytes); /* see above */

    mldsa_poly c;
    mldsa_sample_in_ball(&c, ws->ctilde, p->ctilde_bytes, p->tau);
    ws->c_hat = c;
    mldsa_poly_ntt(&ws->c_hat);

    /* z = y + <<c s1>>; reject if ||z|| >= gamma1 - beta */
    reject = 0;
    for (unsigned s = 0; s < p->l; s++) {
        c_times(&ws->z.v[s], &ws->c_hat, &ws->s1_hat.v[s]);
        mldsa_poly_add(&ws->z.v[s], &ws->z.v[s], &ws->y.v[s]);
        mldsa_poly_reduce(&ws->z.v[s]);
        reject |= mldsa_poly_chknorm(&ws->z.v[s], p->gamma1 - (int32_t)p->beta);
    }
    SG17_CT_DECLASSIFY(&reject, sizeof reject); /* rejection decision: public */
    if (reject)
        return 0;

    /* r0 = LowBits(w - <<c s2>>); reject if ||r0|| >= gamma2 - beta.
     * tmp keeps w - c s2 in [0, q) for the hint below. */
    for (unsigned r = 0; r < p->k; r++) {
        c_times(&ws->tmp.v[r], &ws->c_hat, &ws->s2_hat.v[r]);
        mldsa_poly_sub(&ws->tmp.v[r], &ws->w.v[r], &ws->tmp.v[r]);
        mldsa_poly_reduce(&ws->tmp.v[r]);
        mldsa_poly_caddq(&ws->tmp.v[r]);
        for (unsigned j = 0; j < MLDSA_N; j++) {
            int32_t r0;
            ws->w1.v[r].c[j] = mldsa_decompose(&r0, ws->tmp.v[r].c[j], g2);
            ws->w0.v[r].c[j] = r0;
        }
        reject |= mldsa_poly_chknorm(&ws->w0.v[r], g2 - (int32_t)p->beta);
    }
    SG17_CT_DECLASSIFY(&reject, sizeof reject); /* rejection decision: public */
    if (reject)
        return 0;

    /* <<c t0>>; h = MakeHint(-ct0, w - cs2 + ct0) (Alg. 39):
     * h = [HighBits(w - cs2) != HighBits(w - cs2 + ct0)]. */
    uint32_t ones = 0;
    for (unsigned r = 0; r < p->k; r++) {
        mldsa_poly ct0;
        c_times(&ct0, &ws->c_hat, &ws->t0_hat.v[r]);
        reject |= mldsa_poly_chknorm(&ct0, g2);
        for (unsigned j = 0; j < MLDSA_N; j++) {
            int32_t v = mldsa_caddq(mldsa_reduce32(ws->tmp.v[r].c[j] + ct0.c[j]));
            int32_t r0;
            int32_t hi = mldsa_decompose(&r0, v, g2);
            uint32_t diff = 1U ^ (sg17_ct_eq_mask32((uint32_t)hi, (uint32_t)ws->w1.v[r].c[j]) & 1U);
            ws->h.v[r].c[j] = (int32_t)diff;
            ones += diff;
        }
    }
    reject |= (uint32_t)(p->omega - ones) >> 31; /* ones > omega */
    SG17_CT_DECLASSIFY(&reject, sizeof reject); /* rejection decision: public */
    if (reject)
        return 0;
    /* Accepted: (c~, z, h) is the signature, published next. */
    for (unsigned s = 0; s < p->l; s++)
        SG17_CT_DECLASSIFY(ws->z.v[s].c, sizeof ws->z.v[s].c);
    for (unsigned r = 0; r < p->k; r++)
        SG17_CT_DECLASSIFY(ws->h.v[r].c, sizeof ws->h.v[r].c);
    return 1;
}

int mldsa_sign_mu_internal(const mldsa_params *p, uint8_t *sig, const uint8_t *sk,
                           const uint8_t mu[MLDSA_CRHBYTES], const uint8_t rnd[MLDSA_RNDBYTES])
{
    sign_ws ws_storage;
    sign_ws *ws = &ws_storage;
    int rc = decode_sk(ws, sk, p);
    if (rc != 0)
        goto cleanup;
    rc = SG17_E_LIMIT;
    expand_a(ws->a, ws->rho, p);
    /* rho'' = H(K || rnd || mu, 64) (Alg. 7 line 7) */
    memcpy(ws->kbuf + MLDSA_SEEDBYTES, rnd, MLDSA_RNDBYTES);
    memcpy(ws->kbuf + MLDSA_SEEDBYTES + MLDSA_RNDBYTES, mu, MLDSA_CRHBYTES);
    sg17_shake256(ws->rho2, sizeof ws->rho2, ws->kbuf, sizeof ws->kbuf);

    for (unsigned attempt = 0; attempt < MLDSA_MAX_SIGN_ATTEMPTS; attempt++) {
        if (sign_attempt(ws, p, (uint16_t)(attempt * p->l))) {
            /* sigEncode (Alg. 26) */
            uint8_t *o = sig;
            memcpy(o, ws->ctilde, p->ctilde_bytes);
            o += p->ctilde_bytes;
            for (unsigned s = 0; s < p->l; s++, o += p->polyz_bytes)
                mldsa_pack_z(o, &ws->z.v[s], p->gamma1);
            mldsa_pack_hint(o, &ws->h, p);
            rc = 0;
            break;
        }
    }
cleanup:
    sg17_memzero(ws, sizeof *ws);
    return rc;
}

/* Verification state (all public). */
typedef struct verify_ws {
    uint8_t w1_enc[MLDSA_KMAX * 192];
    uint8_t ctilde2[MLDSA_CTILDE_MAX];
    mldsa_polyvec_l a[MLDSA_KMAX];
    mldsa_polyvec_l z;
    mldsa_polyvec_k t1, h, w;
    mldsa_poly c;
} verify_ws;

int mldsa_verify_mu_internal(const mldsa_params *p, const uint8_t *sig, const uint8_t *pk,
                             const uint8_t mu[MLDSA_CRHBYTES])
{
    verify_ws ws_storage;
    verify_ws *ws = &ws_storage;
    const uint8_t *ctilde = sig;
    const uint8_t *zbytes = sig + p->ctilde_bytes;
    int rc;

    /* sigDecode (Alg. 27): the hint must decode (Alg. 21), else reject */
    if (mldsa_unpack_hint(&ws->h, zbytes + p->l * p->polyz_bytes, p) != 0) {
        rc = SG17_E_FORMAT;
        goto done;
    }
    uint32_t big = 0;
    for (unsigned s = 0; s < p->l; s++) {
        mldsa_unpack_z(&ws->z.v[s], zbytes + s * p->polyz_bytes, p->gamma1);
        big |= mldsa_poly_chknorm(&ws->z.v[s], p->gamma1 - (int32_t)p->beta);
    }
    if (big) {
        rc = SG17_E_VERIFY;
        goto done;
    }
    /* pkDecode (Alg. 23) */
    for (unsigned r = 0; r < p->k; r++)
        mldsa_unpack_t1(&ws->t1.v[r], pk + MLDSA_SEEDBYTES + r * MLDSA_POLYT1_BYTES);
    expand_a(ws->a, pk, p);
    mldsa_sample_in_ball(&ws->c, ctilde, p->ctilde_bytes, p->tau);
    mldsa_poly_ntt(&ws->c);

    /* w'_approx = NTT^-1(A o NTT(z) - NTT(c) o NTT(t1 * 2^d)) */
    for (unsigned s = 0; s < p->l; s++)
        mldsa_poly_ntt(&ws->z.v[s]);
    for (unsigned r = 0; r < p->k; r++) {
        mldsa_poly *w = &ws->w.v[r];
        mldsa_poly ct1;
        for (unsigned s = 0; s < p->l; s++)
            mldsa_poly_pointwise_acc(w, &ws->a[r].v[s], &ws->z.v[s], s == 0);
        mldsa_poly_shiftl(&ws->t1.v[r]);
        mldsa_poly_ntt(&ws->t1.v[r]);
        mldsa_poly_pointwise_acc(&ct1, &ws->c, &ws->t1.v[r], 1);
        mldsa_poly_sub(w, w, &ct1);
        mldsa_poly_reduce(w);
        mldsa_poly_invntt_tomont(w);
        mldsa_poly_caddq(w);
        /* w1' = UseHint(h, w'_approx) (Alg. 40) */
        for (unsigned j = 0; j < MLDSA_N; j++)
            w->c[j] = mldsa_use_hint(w->c[j], ws->h.v[r].c[j], p->gamma2);
        mldsa_pack_w1(ws->w1_enc + r * p->polyw1_bytes, w, p->gamma2);
    }
    sg17_keccak_ctx st;
    sg17_shake256_init(&st);
    sg17_keccak_absorb(&st, mu, MLDSA_CRHBYTES);
    sg17_keccak_absorb(&st, ws->w1_enc, p->k * p->polyw1_bytes);
    sg17_keccak_finalize(&st);
    sg17_keccak_squeeze(&st, ws->ctilde2, p->ctilde_bytes);
    rc = sg17_ct_memeq(ws->ctilde2, ctilde, p->ctilde_bytes) ? 0 : SG17_E_VERIFY;
done:
    return rc;
}
