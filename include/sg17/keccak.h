/*
 * sg17/keccak.h - Keccak-f[1600], SHA3-224/256/384/512 and SHAKE128/256 with
 * incremental absorb and squeeze (FIPS 202). Written for the post-quantum
 * hot path; OpenSSL 3.0 cannot squeeze an XOF incrementally.
 */
#ifndef SG17_KECCAK_H
#define SG17_KECCAK_H

#include "sg17/common.h"

#ifdef __cplusplus
extern "C" {
#endif

#define SG17_SHAKE128_RATE 168
#define SG17_SHAKE256_RATE 136
#define SG17_SHA3_256_RATE 136
#define SG17_SHA3_512_RATE 72

/** Keccak sponge state. Treat as opaque; copyable by value. */
typedef struct sg17_keccak_ctx {
    uint64_t s[25];
    uint32_t pos;      /**< byte offset in the current block */
    uint32_t rate;     /**< rate in bytes */
    uint8_t dsbyte;    /**< domain separation + first pad bit (0x06 SHA3, 0x1F SHAKE) */
    uint8_t squeezing; /**< 0 while absorbing, 1 after finalize */
} sg17_keccak_ctx;

/** The Keccak-f[1600] permutation, 24 rounds (FIPS 202 §3.3/3.4). */
SG17_API void sg17_keccak_f1600(uint64_t s[25]);

/** Initialise for SHAKE128 / SHAKE256 / SHA3-224/256/384/512 (FIPS 202 §6). */
SG17_API void sg17_shake128_init(sg17_keccak_ctx *c);
SG17_API void sg17_shake256_init(sg17_keccak_ctx *c);
SG17_API void sg17_sha3_224_init(sg17_keccak_ctx *c);
SG17_API void sg17_sha3_256_init(sg17_keccak_ctx *c);
SG17_API void sg17_sha3_384_init(sg17_keccak_ctx *c);
SG17_API void sg17_sha3_512_init(sg17_keccak_ctx *c);

/** Absorb len bytes. Must not be called after sg17_keccak_finalize. */
SG17_API void sg17_keccak_absorb(sg17_keccak_ctx *c, const uint8_t *in, size_t len);

/** Apply padding (pad10*1 with the domain byte) and switch to squeezing. */
SG17_API void sg17_keccak_finalize(sg17_keccak_ctx *c);

/** Squeeze len bytes; may be called any number of times after finalize. */
SG17_API void sg17_keccak_squeeze(sg17_keccak_ctx *c, uint8_t *out, size_t len);

/**
 * Squeeze nblocks whole rate-sized blocks (fast path; requires that the
 * context is block-aligned, i.e. only whole blocks were squeezed so far).
 */
SG17_API void sg17_keccak_squeezeblocks(sg17_keccak_ctx *c, uint8_t *out, size_t nblocks);

/** Finish a SHA3 hash: finalize and squeeze the digest (outlen = 28/32/48/64). */
SG17_API void sg17_sha3_final(sg17_keccak_ctx *c, uint8_t *out, size_t outlen);

/** One-shot helpers. */
SG17_API void sg17_sha3_256(uint8_t out[32], const uint8_t *in, size_t len);
SG17_API void sg17_sha3_512(uint8_t out[64], const uint8_t *in, size_t len);
SG17_API void sg17_shake128(uint8_t *out, size_t outlen, const uint8_t *in, size_t inlen);
SG17_API void sg17_shake256(uint8_t *out, size_t outlen, const uint8_t *in, size_t inlen);

/** Wipe a context (it may hold secret-derived state). */
SG17_API void sg17_keccak_wipe(sg17_keccak_ctx *c);

/**
 * Four independent Keccak sponges advanced together (4-way), for the
 * many short XOF calls of ML-KEM sampling. Lanes are interleaved:
 * s[i][j] is lane i of instance j. With AVX2 (sg17/cpu.h) the four
 * permutations run in parallel in vector registers; otherwise one after the
 * other. Outputs are those of four separate FIPS 202 sponges.
 */
typedef struct sg17_keccakx4_ctx {
    uint64_t s[25][4];
} sg17_keccakx4_ctx;

/** Keccak-f[1600] on each of the four interleaved states (FIPS 202 §3.3/3.4). */
SG17_API void sg17_keccak_f1600x4(uint64_t s[25][4]);

/**
 * Reset, absorb four messages of the same length len and apply the padding
 * (pad10*1 with domain byte dsbyte: 0x1F SHAKE, 0x06 SHA3) for a sponge of
 * rate bytes (a multiple of 8, at most 168; otherwise the state is zeroed). The first call of
 * sg17_keccakx4_squeezeblocks then permutes and outputs the first block.
 */
SG17_API void sg17_keccakx4_absorb_once(sg17_keccakx4_ctx *c, uint32_t rate, uint8_t dsbyte,
                                        const uint8_t *in0, const uint8_t *in1,
                                        const uint8_t *in2, const uint8_t *in3, size_t len);

/**
 * As sg17_keccakx4_absorb_once, but instance j absorbs len[j] bytes of in[j]
 * with domain byte dsbyte[j] (e.g. a SHA3-256 and a SHAKE256 side by side:
 * both have rate 136). All len[j] / rate must be equal (same number of
 * permutations). Returns 0, or SG17_E_INVAL (bad rate or block counts).
 */
SG17_API SG17_MUST_CHECK int sg17_keccakx4_absorb_once_ex(sg17_keccakx4_ctx *c, uint32_t rate,
                                                          const uint8_t dsbyte[4],
                                                          const uint8_t *const in[4],
                                                          const size_t len[4]);

/** Squeeze nblocks blocks of rate bytes from each instance into out0..out3. */
SG17_API void sg17_keccakx4_squeezeblocks(sg17_keccakx4_ctx *c, uint32_t rate, uint8_t *out0,
                                          uint8_t *out1, uint8_t *out2, uint8_t *out3,
                                          size_t nblocks);

/** Wipe a 4-way context. */
SG17_API void sg17_keccakx4_wipe(sg17_keccakx4_ctx *c);

#ifdef __cplusplus
}
#endif
#endif
