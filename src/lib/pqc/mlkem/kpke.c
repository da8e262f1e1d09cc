/*
 * K-PKE, the CPA-secure public-key encryption scheme inside ML-KEM
 * (FIPS 203 §5: KeyGen Alg. 13, Encrypt Alg. 14, Decrypt Alg. 15).
 * The matrix A-hat is generated whole (at most 16 polynomials, 8 KiB) so
 * that SampleNTT can run four at a time with AVX2.
 */
#include <string.h>

#include "ct_internal.h"
#include "pqc/mlkem/mlkem_internal.h"
#include "sg17/keccak.h"

/* FIPS 203 Alg. 13. ek gets 384k + 32 bytes, dk_pke 384k bytes. */
void mlkem_kpke_keygen(const mlkem_params *p, uint8_t *ek, uint8_t *dk_pke,
                       const uint8_t d[32])
{
    const unsigned k = p->k;
    uint8_t in[33], rs[64]; /* rs = rho || sigma */
    mlkem_poly se[2 * MLKEM_KMAX]; /* s = se[0..k-1], e = se[k..2k-1] */
    mlkem_poly a[MLKEM_KMAX * MLKEM_KMAX], t;
    mlkem_poly_cache sc[MLKEM_KMAX];
    const mlkem_poly *s = se, *e = se + k;

    memcpy(in, d, 32);
    in[32] = (uint8_t)k; /* domain separation by k (final FIPS 203, Alg. 13 l. 1) */
    sg17_sha3_512(rs, in, sizeof in);
    const uint8_t *rho = rs, *sigma = rs + 32;
    /* rho is published as the tail of ek; SampleNTT may branch on it. */
    SG17_CT_DECLASSIFY(rs, 32);

    mlkem_gen_matrix(a, rho, k, 0);                  /* a[k i + j] = A-hat[i, j] */
    mlkem_sample_cbd_many(se, sigma, 0, 2 * k, p->eta1); /* nonces 0 .. 2k-1 */
    for (unsigned i = 0; i < 2 * k; i++)
        mlkem_poly_ntt(&se[i]);
    for (unsigned i = 0; i < k; i++)
        mlkem_poly_mulcache(&sc[i], &s[i]);
    for (unsigned i = 0; i < k; i++) {
        mlkem_polyvec_basemul_acc(&t, a + k * i, s, sc, k);
        mlkem_poly_tomont(&t); /* undo the R^-1 of the Montgomery products */
        mlkem_poly_add(&t, &t, &e[i]);
        mlkem_poly_tobytes(ek + MLKEM_POLYBYTES * i, &t);
    }
    memcpy(ek + MLKEM_POLYBYTES * k, rho, 32);
    for (unsigned i = 0; i < k; i++)
        mlkem_poly_tobytes(dk_pke + MLKEM_POLYBYTES * i, &s[i]);

    sg17_memzero(in, sizeof in);
    sg17_memzero(rs, sizeof rs);
    sg17_memzero(se, sizeof se);
    sg17_memzero(&t, sizeof t);
    sg17_memzero(sc, sizeof sc);
}

/* FIPS 203 Alg. 14. c gets 32 (du k + dv) bytes. */
void mlkem_kpke_encrypt(const mlkem_params *p, uint8_t *c, const uint8_t *ek,
                        const uint8_t m[32], const uint8_t r[32], const mlkem_poly *a)
{
    const unsigned k = p->k;
    mlkem_polyvec that;
    mlkem_poly ye[2 * MLKEM_KMAX + 1]; /* y = ye[0..k-1], e1 = ye[k..2k-1], e2 = ye[2k] */
    mlkem_poly u, v, mu;
    mlkem_poly_cache yc[MLKEM_KMAX];
    mlkem_poly *y = ye, *e1 = ye + k, *e2 = ye + 2 * k;

    for (unsigned i = 0; i < k; i++)
        mlkem_poly_frombytes(&that.v[i], ek + MLKEM_POLYBYTES * i);
    /* a: row i of A-hat^T is A-hat[j, i] = SampleNTT(rho || i || j), from the caller. */
    if (p->eta1 == p->eta2) {
        mlkem_sample_cbd_many(ye, r, 0, 2 * k + 1, p->eta1); /* nonces 0 .. 2k */
    } else {
        mlkem_sample_cbd_many(y, r, 0, k, p->eta1);
        mlkem_sample_cbd_many(e1, r, (uint8_t)k, k + 1, p->eta2);
    }
    for (unsigned i = 0; i < k; i++) {
        mlkem_poly_ntt(&y[i]);
        mlkem_poly_mulcache(&yc[i], &y[i]);
    }

    /* u = NTT^-1(A-hat^T o y-hat) + e1 */
    for (unsigned i = 0; i < k; i++) {
        mlkem_polyvec_basemul_acc(&u, a + k * i, y, yc, k);
        mlkem_poly_invntt(&u);
        mlkem_poly_add(&u, &u, &e1[i]);
        mlkem_poly_compress(c + 32 * p->du * i, &u, p->du);
    }

    /* mu = Decompress_1(ByteDecode_1(m)): bit b becomes b * 1665, by mask. */
    for (unsigned i = 0; i < MLKEM_N; i++) {
        uint16_t bit = (uint16_t)(((unsigned)m[i >> 3] >> (i & 7)) & 1U);
        mu.c[i] = (int16_t)((0U - (uint32_t)bit) & ((MLKEM_Q + 1) / 2));
    }
    mlkem_polyvec_basemul_acc(&v, that.v, y, yc, k);
    mlkem_poly_invntt(&v);
    mlkem_poly_add(&v, &v, e2);
    mlkem_poly_add(&v, &v, &mu);
    mlkem_poly_compress(c + 32 * p->du * k, &v, p->dv);

    sg17_memzero(ye, sizeof ye);
    sg17_memzero(yc, sizeof yc);
    sg17_memzero(&mu, sizeof mu);
    sg17_memzero(&u, sizeof u);
    sg17_memzero(&v, sizeof v);
}

/* FIPS 203 Alg. 15. */
void mlkem_kpke_decrypt(const mlkem_params *p, uint8_t m[32], const uint8_t *dk_pke,
                        const uint8_t *c)
{
    const unsigned k = p->k;
    mlkem_polyvec u, s;
    mlkem_poly v, w;
    mlkem_poly_cache uc[MLKEM_KMAX];

    for (unsigned i = 0; i < k; i++) {
        mlkem_poly_decompress(&u.v[i], c + 32 * p->du * i, p->du);
        mlkem_poly_ntt(&u.v[i]);
        mlkem_poly_mulcache(&uc[i], &u.v[i]);
        mlkem_poly_frombytes(&s.v[i], dk_pke + MLKEM_POLYBYTES * i);
    }
    mlkem_poly_decompress(&v, c + 32 * p->du * k, p->dv);
    mlkem_polyvec_basemul_acc(&w, s.v, u.v, uc, k);
    mlkem_poly_invntt(&w);
    mlkem_poly_sub(&w, &v, &w);
    mlkem_poly_compress(m, &w, 1);

    sg17_memzero(&u, sizeof u);
    sg17_memzero(&s, sizeof s);
    sg17_memzero(&v, sizeof v);
    sg17_memzero(&w, sizeof w);
    sg17_memzero(uc, sizeof uc);
}
