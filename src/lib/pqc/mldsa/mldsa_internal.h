/*
 * ML-DSA (FIPS 204) internals shared by the files of src/lib/pqc/mldsa: parameter
 * sets (Table 1), polynomial arithmetic mod q (§7.5, Appendix B), sampling
 * (§7.3), rounding (§7.4) and the encodings (§7.1, §7.2).
 */
#ifndef SG17_MLDSA_INTERNAL_H
#define SG17_MLDSA_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "sg17/keccak.h"
#include "sg17/mldsa.h"

#define MLDSA_N 256
#define MLDSA_Q 8380417
#define MLDSA_D 13
#define MLDSA_QINV 58728449 /* q^-1 mod 2^32 */
#define MLDSA_KMAX 8
#define MLDSA_LMAX 7
#define MLDSA_SEEDBYTES 32
#define MLDSA_CRHBYTES 64
#define MLDSA_TRBYTES 64
#define MLDSA_RNDBYTES 32
#define MLDSA_CTILDE_MAX 64
#define MLDSA_POLYT1_BYTES 320 /* 10 bits per coefficient */
#define MLDSA_POLYT0_BYTES 416 /* 13 bits per coefficient */

/* One FIPS 204 Table 1 parameter set, plus derived encoding sizes. */
typedef struct mldsa_params {
    sg17_mldsa_param id;
    unsigned k, l;         /* matrix A is k x l */
    unsigned eta;          /* private key range */
    unsigned tau;          /* # of ±1 in c */
    unsigned beta;         /* tau * eta */
    int32_t gamma1;        /* y coefficient range */
    int32_t gamma2;        /* low-order rounding range */
    unsigned omega;        /* max # of 1s in h */
    unsigned ctilde_bytes; /* lambda / 4 */
    unsigned polyeta_bytes;  /* 32 * bitlen(2 eta) */
    unsigned polyz_bytes;    /* 32 * (1 + bitlen(gamma1 - 1)) */
    unsigned polyw1_bytes;   /* 32 * bitlen((q-1)/(2 gamma2) - 1) */
    size_t pk_bytes, sk_bytes, sig_bytes;
} mldsa_params;

/* The parameter set for id, or NULL. */
const mldsa_params *mldsa_params_get(sg17_mldsa_param id);

typedef struct mldsa_poly {
    int32_t c[MLDSA_N];
} mldsa_poly;

typedef struct mldsa_polyvec_k {
    mldsa_poly v[MLDSA_KMAX];
} mldsa_polyvec_k;
typedef struct mldsa_polyvec_l {
    mldsa_poly v[MLDSA_LMAX];
} mldsa_polyvec_l;

/* ---- arithmetic (poly.c) ---- */
int32_t mldsa_montgomery_reduce(int64_t a);
int32_t mldsa_reduce32(int32_t a);
int32_t mldsa_caddq(int32_t a);
void mldsa_poly_ntt(mldsa_poly *a);           /* Alg. 41, output |c| < 9q */
void mldsa_poly_invntt_tomont(mldsa_poly *a); /* Alg. 42, times 2^32 (Montgomery) */
void mldsa_poly_pointwise_acc(mldsa_poly *r, const mldsa_poly *a, const mldsa_poly *b, int first);
void mldsa_poly_reduce(mldsa_poly *a);
void mldsa_poly_caddq(mldsa_poly *a);
void mldsa_poly_add(mldsa_poly *r, const mldsa_poly *a, const mldsa_poly *b);
void mldsa_poly_sub(mldsa_poly *r, const mldsa_poly *a, const mldsa_poly *b);
void mldsa_poly_shiftl(mldsa_poly *a); /* times 2^d */
/* 1 if some |coefficient| >= bound (coefficients reduced to (-q, q)), else 0.
 * Constant time; the caller decides what is public. */
uint32_t mldsa_poly_chknorm(const mldsa_poly *a, int32_t bound);

/* ---- rounding (poly.c, §7.4) ---- */
void mldsa_power2round(int32_t *a1, int32_t *a0, int32_t a);     /* Alg. 35 */
int32_t mldsa_decompose(int32_t *a0, int32_t a, int32_t gamma2); /* Alg. 36 */
int32_t mldsa_use_hint(int32_t a, int32_t hint, int32_t gamma2); /* Alg. 40 */

/* ---- sampling (sample.c, §7.3) ---- */
void mldsa_sample_in_ball(mldsa_poly *c, const uint8_t *ctilde, size_t len, unsigned tau);
void mldsa_rej_ntt_poly(mldsa_poly *a, const uint8_t rho[MLDSA_SEEDBYTES], uint8_t s,
                        uint8_t r);
void mldsa_rej_bounded_poly(mldsa_poly *a, const uint8_t rho[MLDSA_CRHBYTES], uint16_t nonce,
                            unsigned eta);
void mldsa_expand_mask_poly(mldsa_poly *a, const uint8_t rho[MLDSA_CRHBYTES], uint16_t nonce,
                            const mldsa_params *p);

/* ---- encodings (pack.c, §7.1/§7.2) ---- */
void mldsa_pack_t1(uint8_t *r, const mldsa_poly *a);
void mldsa_unpack_t1(mldsa_poly *a, const uint8_t *r);
void mldsa_pack_t0(uint8_t *r, const mldsa_poly *a);
void mldsa_unpack_t0(mldsa_poly *a, const uint8_t *r);
void mldsa_pack_eta(uint8_t *r, const mldsa_poly *a, unsigned eta);
/* Returns an all-ones mask if some coefficient was out of [-eta, eta]. */
uint32_t mldsa_unpack_eta(mldsa_poly *a, const uint8_t *r, unsigned eta);
void mldsa_pack_z(uint8_t *r, const mldsa_poly *a, int32_t gamma1);
void mldsa_unpack_z(mldsa_poly *a, const uint8_t *r, int32_t gamma1);
void mldsa_pack_w1(uint8_t *r, const mldsa_poly *a, int32_t gamma2);
/* HintBitPack (Alg. 20) / HintBitUnpack (Alg. 21): 0 or -1 if malformed. */
void mldsa_pack_hint(uint8_t *y, const mldsa_polyvec_k *h, const mldsa_params *p);
int mldsa_unpack_hint(mldsa_polyvec_k *h, const uint8_t *y, const mldsa_params *p);

/* ---- the internal algorithms (mldsa.c) ---- */
/* Alg. 6 KeyGen_internal. */
void mldsa_keygen_internal(const mldsa_params *p, const uint8_t seed[MLDSA_SEEDBYTES],
                           uint8_t *pk, uint8_t *sk);
/* Alg. 7 from line 7 (mu given). 0, SG17_E_FORMAT (bad sk), SG17_E_LIMIT. */
int mldsa_sign_mu_internal(const mldsa_params *p, uint8_t *sig, const uint8_t *sk,
                           const uint8_t mu[MLDSA_CRHBYTES], const uint8_t rnd[MLDSA_RNDBYTES]);
/* Alg. 8 from line 8 (mu given; sig/pk lengths already checked).
 * 0, SG17_E_VERIFY, SG17_E_FORMAT (bad hint encoding). */
int mldsa_verify_mu_internal(const mldsa_params *p, const uint8_t *sig, const uint8_t *pk,
                             const uint8_t mu[MLDSA_CRHBYTES]);
/* Start mu = H(tr || M', 64) with tr from sk (absorbing continues with M'). */
void mldsa_mu_init(sg17_keccak_ctx *st, const uint8_t tr[MLDSA_TRBYTES]);
/* tr = H(pk, 64) (Alg. 6 line 9). */
void mldsa_compute_tr(uint8_t tr[MLDSA_TRBYTES], const uint8_t *pk, size_t pk_len);

#endif
