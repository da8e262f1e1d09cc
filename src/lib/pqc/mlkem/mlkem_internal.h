/*
 * ML-KEM internals (FIPS 203): parameter sets, polynomial arithmetic in
 * R_q = Z_q[X]/(X^256 + 1), the NTT, sampling, encoding and K-PKE.
 *
 * Representation: coefficients are int16_t. Unless noted, a polynomial
 * holds values congruent mod q = 3329 with |coefficient| < 2^15; encoders
 * normalise to [0, q) themselves. NTT-domain products use Montgomery
 * multiplication with R = 2^16.
 */
#ifndef SG17_MLKEM_INTERNAL_H
#define SG17_MLKEM_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "sg17/mlkem.h"

#define MLKEM_N 256
#define MLKEM_Q 3329
#define MLKEM_KMAX 4
#define MLKEM_POLYBYTES 384 /* ByteEncode_12 of one polynomial */
#define MLKEM_SYMBYTES 32

/* FIPS 203 Table 2. */
typedef struct mlkem_params {
    unsigned k;
    unsigned eta1;
    unsigned eta2;
    unsigned du;
    unsigned dv;
    size_t ek_bytes; /* 384k + 32 */
    size_t dk_bytes; /* 768k + 96 */
    size_t ct_bytes; /* 32(du k + dv) */
} mlkem_params;

typedef struct mlkem_poly {
    int16_t c[MLKEM_N];
} mlkem_poly;

/* b1 gamma R^-1 per coefficient pair of an NTT-domain polynomial (Alg. 12). */
typedef struct mlkem_poly_cache {
    int16_t c[MLKEM_N / 2];
} mlkem_poly_cache;

typedef struct mlkem_polyvec {
    mlkem_poly v[MLKEM_KMAX];
} mlkem_polyvec;

/* Parameter set lookup; NULL for an unknown value. */
const mlkem_params *mlkem_params_get(sg17_mlkem_param p);

/* ---- arithmetic (poly.c) ---- */
int16_t mlkem_montgomery_reduce(int32_t a);
int16_t mlkem_barrett_reduce(int16_t a);
void mlkem_poly_reduce(mlkem_poly *p);     /* to [0, q) */
void mlkem_poly_ntt(mlkem_poly *p);        /* FIPS 203 Alg. 9; output |c| < q */
void mlkem_poly_invntt(mlkem_poly *p);     /* Alg. 10, also removes one Montgomery factor */
void mlkem_poly_tomont(mlkem_poly *p);     /* multiply by R mod q */
void mlkem_poly_add(mlkem_poly *r, const mlkem_poly *a, const mlkem_poly *b);
void mlkem_poly_sub(mlkem_poly *r, const mlkem_poly *a, const mlkem_poly *b);
/* r = a x b in T_q (Alg. 11/12), times R^-1. */
void mlkem_poly_basemul(mlkem_poly *r, const mlkem_poly *a, const mlkem_poly *b);
/* Precompute the Alg. 12 cross terms of b for mlkem_polyvec_basemul_acc. */
void mlkem_poly_mulcache(mlkem_poly_cache *c, const mlkem_poly *b);
/* r = sum_i a[i] x b[i] (times R^-1), reduced to |c| < q; bc[i] from mlkem_poly_mulcache(b[i]).
 * Inputs |c| <= q. */
void mlkem_polyvec_basemul_acc(mlkem_poly *r, const mlkem_poly *a, const mlkem_poly *b,
                               const mlkem_poly_cache *bc, unsigned k);

/* ---- encoding (poly.c), FIPS 203 Alg. 5/6 and §4.2.1 ---- */
void mlkem_poly_tobytes(uint8_t r[MLKEM_POLYBYTES], const mlkem_poly *a); /* ByteEncode_12 */
void mlkem_poly_frombytes(mlkem_poly *r, const uint8_t a[MLKEM_POLYBYTES]); /* ByteDecode_12 mod q */
/* ByteEncode_d(Compress_d(a)), d in {1,4,5,10,11}; writes 32 d bytes. */
void mlkem_poly_compress(uint8_t *r, const mlkem_poly *a, unsigned d);
/* Decompress_d(ByteDecode_d(a)); reads 32 d bytes. */
void mlkem_poly_decompress(mlkem_poly *r, const uint8_t *a, unsigned d);
/* Compress_d of one value x in [0, q) (multiply-shift, no division). */
uint16_t mlkem_compress(uint16_t x, unsigned d);
/* Decompress_d of one value y in [0, 2^d). */
uint16_t mlkem_decompress(uint16_t y, unsigned d);

/* zetas[i] = 17^BitRev7(i) R mod q, centred (FIPS 203 Appendix A, Montgomery domain). */
extern const int16_t mlkem_zetas[128];

/* AVX2 versions (poly_avx2.c), same outputs; used when sg17_cpu_has_avx2(). */
#if defined(__x86_64__) && defined(__GNUC__)
#define MLKEM_AVX2 1
void mlkem_poly_ntt_avx2(mlkem_poly *p);
void mlkem_poly_invntt_avx2(mlkem_poly *p);
void mlkem_polyvec_basemul_acc_avx2(mlkem_poly *r, const mlkem_poly *a, const mlkem_poly *b,
                                    const mlkem_poly_cache *bc, unsigned k);
/* SampleNTT rejection on buf (sample_avx2.c): appends accepted values at
 * a->c[*n..] while 16 more fit, updates *n, returns the bytes consumed (a
 * multiple of 24); the caller finishes with the scalar loop. */
/* ByteEncode_10(Compress_10(a)), 320 bytes (poly_avx2.c). */
void mlkem_poly_compress10_avx2(uint8_t *r, const mlkem_poly *a);
size_t mlkem_rej_uniform_avx2(mlkem_poly *a, unsigned *n, const uint8_t *buf, size_t buflen);
#endif

/* ---- sampling (sample.c) ---- */
/* SampleNTT(rho || j || i), FIPS 203 Alg. 7. rho is public. */
void mlkem_sample_ntt(mlkem_poly *a, const uint8_t rho[32], uint8_t j, uint8_t i);
/* SamplePolyCBD_eta(PRF_eta(sigma, n)), Alg. 8 with PRF from §4.1. */
void mlkem_sample_cbd_prf(mlkem_poly *a, const uint8_t sigma[32], uint8_t n, unsigned eta);
/* a[k i + j] = A-hat[i, j] = SampleNTT(rho || j || i) for i, j < k, or A-hat^T
 * (a[k i + j] = A-hat[j, i]) if transposed. Uses the 4-way Keccak with AVX2. */
void mlkem_gen_matrix(mlkem_poly *a, const uint8_t rho[32], unsigned k, int transposed);
/* hek = H(ek) = SHA3-256(ek) and mlkem_gen_matrix(a, rho, k, transposed) at once (with AVX2
 * interleaved on the 4-way Keccak). */
void mlkem_hash_ek_and_matrix(mlkem_poly *a, const uint8_t rho[32], unsigned k, int transposed,
                              const uint8_t *ek, size_t ek_len, uint8_t hek[32]);
/* For decapsulation: hek = SHA3-256(ek), kbar = SHAKE256(zc, 32) (zc = z || c) and
 * a = A-hat^T, at once. */
void mlkem_decaps_hashes_and_matrix(mlkem_poly *a, const uint8_t rho[32], unsigned k,
                                    const uint8_t *ek, size_t ek_len, uint8_t hek[32],
                                    const uint8_t *zc, size_t zc_len, uint8_t kbar[32]);
/* a[t] = SamplePolyCBD_eta(PRF_eta(sigma, nonce0 + t)) for t < count. */
void mlkem_sample_cbd_many(mlkem_poly *a, const uint8_t sigma[32], uint8_t nonce0,
                           unsigned count, unsigned eta);

/* ---- K-PKE (kpke.c), FIPS 203 Alg. 13-15 ---- */
void mlkem_kpke_keygen(const mlkem_params *p, uint8_t *ek, uint8_t *dk_pke,
                       const uint8_t d[32]);
/* ek must have passed the modulus check (all coefficients < q). */
/* at = A-hat^T: mlkem_gen_matrix(at, rho, k, 1) with rho the tail of ek. */
void mlkem_kpke_encrypt(const mlkem_params *p, uint8_t *c, const uint8_t *ek,
                        const uint8_t m[32], const uint8_t r[32], const mlkem_poly *at);
void mlkem_kpke_decrypt(const mlkem_params *p, uint8_t m[32], const uint8_t *dk_pke,
                        const uint8_t *c);

#endif
