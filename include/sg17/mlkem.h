/*
 * sg17/mlkem.h - ML-KEM (FIPS 203, August 2024): the module-lattice key
 * encapsulation mechanism, parameter sets ML-KEM-512, -768 and -1024.
 *
 * Keys and ciphertexts are byte strings in the FIPS 203 encodings:
 *   ek (encapsulation key)  = ByteEncode_12(t-hat) || rho           (384k + 32 bytes)
 *   dk (decapsulation key)  = dk_PKE || ek || H(ek) || z            (768k + 96 bytes)
 *   seed (private key seed) = d || z                                (64 bytes, FIPS 203 §3.3)
 *   c  (ciphertext)         = 32 (du k + dv) bytes
 *   K  (shared secret)      = 32 bytes
 *
 * Every function takes the parameter set and the lengths of its byte
 * strings. Inputs of the wrong length are rejected with SG17_E_FORMAT
 * (the FIPS 203 §7.2/§7.3 "type checks"); output buffers that are too small
 * are a caller error (SG17_E_INVAL). On any error, outputs are zeroed.
 */
#ifndef SG17_MLKEM_H
#define SG17_MLKEM_H

#include "sg17/common.h"

#ifdef __cplusplus
extern "C" {
#endif

/** ML-KEM parameter sets (FIPS 203 Table 2). */
typedef enum sg17_mlkem_param {
    SG17_MLKEM_512 = 512,   /**< k = 2, eta1 = 3, eta2 = 2, du = 10, dv = 4 */
    SG17_MLKEM_768 = 768,   /**< k = 3, eta1 = 2, eta2 = 2, du = 10, dv = 4 */
    SG17_MLKEM_1024 = 1024, /**< k = 4, eta1 = 2, eta2 = 2, du = 11, dv = 5 */
} sg17_mlkem_param;

/* FIPS 203 Table 3 sizes in bytes. */
#define SG17_MLKEM512_PUBLICKEY_BYTES 800
#define SG17_MLKEM512_SECRETKEY_BYTES 1632
#define SG17_MLKEM512_CIPHERTEXT_BYTES 768
#define SG17_MLKEM768_PUBLICKEY_BYTES 1184
#define SG17_MLKEM768_SECRETKEY_BYTES 2400
#define SG17_MLKEM768_CIPHERTEXT_BYTES 1088
#define SG17_MLKEM1024_PUBLICKEY_BYTES 1568
#define SG17_MLKEM1024_SECRETKEY_BYTES 3168
#define SG17_MLKEM1024_CIPHERTEXT_BYTES 1568
/** Largest sizes over all parameter sets (for fixed buffers). */
#define SG17_MLKEM_MAX_PUBLICKEY_BYTES SG17_MLKEM1024_PUBLICKEY_BYTES
#define SG17_MLKEM_MAX_SECRETKEY_BYTES SG17_MLKEM1024_SECRETKEY_BYTES
#define SG17_MLKEM_MAX_CIPHERTEXT_BYTES SG17_MLKEM1024_CIPHERTEXT_BYTES
/** Shared secret K, randomness d, z and m: 32 bytes each. */
#define SG17_MLKEM_SHAREDSECRET_BYTES 32
#define SG17_MLKEM_SYMBYTES 32
/** Seed-format private key d || z (FIPS 203 §3.3). */
#define SG17_MLKEM_SEED_BYTES 64

/** Sizes for a parameter set; 0 if p is not a valid sg17_mlkem_param. */
SG17_API size_t sg17_mlkem_publickey_bytes(sg17_mlkem_param p);
SG17_API size_t sg17_mlkem_secretkey_bytes(sg17_mlkem_param p);
SG17_API size_t sg17_mlkem_ciphertext_bytes(sg17_mlkem_param p);
/** "ML-KEM-768" etc.; NULL for an invalid p. */
SG17_API const char *sg17_mlkem_name(sg17_mlkem_param p);
/** Parse "ML-KEM-512"/"ML-KEM-768"/"ML-KEM-1024"; 0 or SG17_E_UNSUPPORTED. */
SG17_API SG17_MUST_CHECK int sg17_mlkem_param_from_name(const char *name, sg17_mlkem_param *p);

/**
 * ML-KEM.KeyGen_internal (FIPS 203 Alg. 16) from the 32-byte seeds d and z.
 * Writes ek (ek_cap >= publickey_bytes) and the expanded dk
 * (dk_cap >= secretkey_bytes).
 * @return 0, SG17_E_INVAL (bad p, NULL or short buffer).
 */
SG17_API SG17_MUST_CHECK int sg17_mlkem_keygen_derand(sg17_mlkem_param p, const uint8_t d[32],
                                                      const uint8_t z[32], uint8_t *ek,
                                                      size_t ek_cap, uint8_t *dk, size_t dk_cap);

/**
 * ML-KEM.KeyGen (FIPS 203 Alg. 19): d, z from sg17_randombytes, then Alg. 16.
 * @return 0, SG17_E_INVAL, SG17_E_RNG.
 */
SG17_API SG17_MUST_CHECK int sg17_mlkem_keygen(sg17_mlkem_param p, uint8_t *ek, size_t ek_cap,
                                               uint8_t *dk, size_t dk_cap);

/**
 * Seed-format key generation (FIPS 203 §3.3): draws seed = d || z from
 * sg17_randombytes and writes it together with the matching ek. Keep only the
 * 64-byte seed as the private key and expand it when needed.
 * @return 0, SG17_E_INVAL, SG17_E_RNG.
 */
SG17_API SG17_MUST_CHECK int sg17_mlkem_keygen_seed(sg17_mlkem_param p,
                                                    uint8_t seed[SG17_MLKEM_SEED_BYTES],
                                                    uint8_t *ek, size_t ek_cap);

/**
 * Expand a seed-format private key d || z into (ek, dk) by FIPS 203 Alg. 16.
 * ek may be NULL (ek_cap 0) when only dk is wanted.
 * @return 0, SG17_E_FORMAT (seed_len != 64), SG17_E_INVAL.
 */
SG17_API SG17_MUST_CHECK int sg17_mlkem_seed_expand(sg17_mlkem_param p, const uint8_t *seed,
                                                    size_t seed_len, uint8_t *ek, size_t ek_cap,
                                                    uint8_t *dk, size_t dk_cap);

/**
 * Encapsulation key check (FIPS 203 §7.2): type check (length 384k + 32) and
 * modulus check ByteEncode_12(ByteDecode_12(ek[0:384k])) == ek[0:384k].
 * @return 0 if ek is valid, SG17_E_FORMAT if not, SG17_E_INVAL for a bad p.
 */
SG17_API SG17_MUST_CHECK int sg17_mlkem_check_ek(sg17_mlkem_param p, const uint8_t *ek,
                                                 size_t ek_len);

/**
 * Decapsulation key check (FIPS 203 §7.3): type check (length 768k + 96)
 * and hash check H(dk[384k : 768k+32]) == dk[768k+32 : 768k+64].
 * @return 0 if dk passes, SG17_E_FORMAT if not, SG17_E_INVAL for a bad p.
 */
SG17_API SG17_MUST_CHECK int sg17_mlkem_check_dk(sg17_mlkem_param p, const uint8_t *dk,
                                                 size_t dk_len);

/**
 * ML-KEM.Encaps_internal (FIPS 203 Alg. 17) with caller-supplied m, after the
 * §7.2 input checks on ek. Writes c (ct_cap >= ciphertext_bytes) and K.
 * @return 0, SG17_E_FORMAT (ek fails §7.2), SG17_E_INVAL.
 */
SG17_API SG17_MUST_CHECK int sg17_mlkem_encaps_derand(sg17_mlkem_param p, uint8_t *c,
                                                      size_t ct_cap, uint8_t ss[32],
                                                      const uint8_t *ek, size_t ek_len,
                                                      const uint8_t m[32]);

/**
 * ML-KEM.Encaps (FIPS 203 Alg. 20): m from sg17_randombytes, §7.2 checks, Alg. 17.
 * @return 0, SG17_E_FORMAT, SG17_E_INVAL, SG17_E_RNG.
 */
SG17_API SG17_MUST_CHECK int sg17_mlkem_encaps(sg17_mlkem_param p, uint8_t *c, size_t ct_cap,
                                               uint8_t ss[32], const uint8_t *ek, size_t ek_len);

/**
 * ML-KEM.Decaps (FIPS 203 Alg. 21 / Alg. 18) with the §7.3 input checks
 * (ciphertext length, dk length, hash check). A ciphertext that fails the
 * re-encryption check yields the implicit-rejection key K-bar = J(z || c)
 * and still returns 0 (chosen in constant time; FIPS 203 Alg. 18 l. 9-11).
 * @return 0, SG17_E_FORMAT (a §7.3 check failed), SG17_E_INVAL.
 */
SG17_API SG17_MUST_CHECK int sg17_mlkem_decaps(sg17_mlkem_param p, uint8_t ss[32],
                                               const uint8_t *c, size_t ct_len,
                                               const uint8_t *dk, size_t dk_len);

/**
 * Decapsulate with a seed-format private key d || z: expands it by Alg. 16
 * (which makes the §7.3 hash check hold by construction) and runs Alg. 18.
 * @return 0, SG17_E_FORMAT (c or seed of the wrong length), SG17_E_INVAL.
 */
SG17_API SG17_MUST_CHECK int sg17_mlkem_decaps_seed(sg17_mlkem_param p, uint8_t ss[32],
                                                    const uint8_t *c, size_t ct_len,
                                                    const uint8_t *seed, size_t seed_len);

#ifdef __cplusplus
}
#endif
#endif /* SG17_MLKEM_H */
