/*
 * LMS/HSS internals (RFC 8554, SP 800-208): parameter tables, the hash
 * wrapper over SHA-256(/192) and SHAKE256, LM-OTS primitives and the
 * in-memory Merkle tree used for signing.
 */
#ifndef SG17_LMS_INTERNAL_H
#define SG17_LMS_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "sg17/crypto.h"
#include "sg17/keccak.h"
#include "sg17/lms.h"

#define LMS_MAX_N   32
#define LMOTS_MAX_P 265
#define LMS_MAX_H   25
/* Height of the subtrees kept in memory while signing (see lms_tree.c);
 * a variable so that tests can exercise the top/subtree split on small
 * trees. Read when a tree is built. */
#define LMS_SUBTREE_H 10
extern unsigned sg17_lms_subtree_height;

/* Domain-separation constants (RFC 8554 §4.3, §5.3). */
#define LMS_D_PBLC 0x8080u
#define LMS_D_MESG 0x8181u
#define LMS_D_LEAF 0x8282u
#define LMS_D_INTR 0x8383u
/* Our own derivations (same input shape as the Appendix A x_q[i], with i
 * values no LM-OTS type reaches, p <= 265): the randomizer C and the seed
 * and I of a child tree in HSS. */
#define LMS_DERIVE_C          0xFFFDu
#define LMS_DERIVE_CHILD_SEED 0xFFFEu
#define LMS_DERIVE_CHILD_I    0xFFFFu

typedef struct lmots_param {
    uint32_t type;
    uint8_t shake; /* 0: SHA-256 (truncated to n), 1: SHAKE256 */
    uint8_t n;
    uint8_t w;
    uint8_t ls;
    uint16_t p;
} lmots_param;

typedef struct lms_param {
    uint32_t type;
    uint8_t shake;
    uint8_t m;
    uint8_t h;
} lms_param;

const lmots_param *sg17_lmots_param(uint32_t type);
const lms_param *sg17_lms_param(uint32_t type);
/* Same hash function and output length (SP 800-208 §4). */
int sg17_lms_pair_ok(const lms_param *lp, const lmots_param *op);
size_t sg17_lmots_sig_len(const lmots_param *op);

/* ---- hashing ------------------------------------------------------------ */
typedef struct lms_hctx {
    int shake;
    union {
        sg17_sha256_ctx sha;
        sg17_keccak_ctx kc;
    } u;
} lms_hctx;

/* Hash-compression counters for the benchmark's "floor" ratio: SHA-256
 * compression-function calls and Keccak-f permutations (thread-local). */
extern _Thread_local uint64_t sg17_lms_sha256_blocks;

void sg17_lms_h_init(lms_hctx *c, int shake);
void sg17_lms_h_update(lms_hctx *c, const uint8_t *in, size_t len);
/* Write out_len (<= 32) bytes of digest. */
void sg17_lms_h_final(lms_hctx *c, uint8_t *out, size_t out_len);
void sg17_lms_h_wipe(lms_hctx *c);

static inline void lms_u32str(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}
static inline uint32_t lms_strtou32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

/* H(I || u32str(q) || u16str(d) || u8str(0xff) || seed) with out_len bytes
 * of output (RFC 8554 Appendix A shape). */
void sg17_lms_derive(int shake, const uint8_t I[16], uint32_t q, uint16_t d, const uint8_t *seed,
                     size_t seed_len, uint8_t *out, size_t out_len);

/* ---- LM-OTS (RFC 8554 §4) ----------------------------------------------- */
/* Public key K for leaf q from SEED (Alg. 1 with Appendix A x_q[i]). */
void sg17_lmots_public(const lmots_param *op, const uint8_t I[16], uint32_t q, const uint8_t *seed,
                       uint8_t K[LMS_MAX_N]);
/* Signature (Alg. 3) into sig (sg17_lmots_sig_len bytes, incl. type);
 * C is derived from SEED and q. */
void sg17_lmots_sign(const lmots_param *op, const uint8_t I[16], uint32_t q, const uint8_t *seed,
                     const uint8_t *msg, size_t msg_len, uint8_t *sig);
/* Public key candidate Kc (Alg. 4b) from an OTS signature whose length
 * (sg17_lmots_sig_len) and type were already checked by the caller. */
void sg17_lmots_candidate(const lmots_param *op, const uint8_t I[16], uint32_t q,
                          const uint8_t *msg, size_t msg_len, const uint8_t *sig,
                          uint8_t Kc[LMS_MAX_N]);

/* ---- LMS tree for signing (lms_tree.c) ------------------------------------ */
typedef struct lms_tree {
    const lms_param *lp;
    const lmots_param *op;
    uint8_t I[16];
    uint8_t seed[LMS_MAX_N];
    unsigned k;   /* subtree height: min(h, LMS_SUBTREE_H) */
    uint8_t *top; /* nodes r < 2^(h-k+1) (depth <= h-k), m bytes each */
    uint8_t *sub; /* local nodes 1..2^(k+1)-1 of subtree cur_sub */
    uint32_t cur_sub;
    uint8_t pub[SG17_LMS_PUBLIC_KEY_MAX_BYTES];
    size_t pub_len;
} lms_tree;

/* Build the whole tree (2^h leaves), keeping the subtree that holds q. */
int sg17_lms_tree_build(lms_tree *t, const lms_param *lp, const lmots_param *op,
                        const uint8_t I[16], const uint8_t *seed, uint32_t q);
/* LMS signature (RFC 8554 §5.4.1) of msg at leaf q into sig
 * (sg17_lms_signature_len bytes). q < 2^h. */
int sg17_lms_tree_sign(lms_tree *t, uint32_t q, const uint8_t *msg, size_t msg_len, uint8_t *sig);
void sg17_lms_tree_free(lms_tree *t);

/* ---- parsing helpers (lms_verify.c) --------------------------------------- */
/* Length of the LMS signature starting at sig (avail bytes available). */
int sg17_lms_sig_len_at(const uint8_t *sig, size_t avail, size_t *len);
/* Length of the LMS public key starting at pk. */
int sg17_lms_pub_len_at(const uint8_t *pk, size_t avail, size_t *len);

/* ---- stateful key internals (lms_hss.c) ----------------------------------- */
/* Crash-injection hook for tests: consulted at each step of sg17_hss_sign
 * and sg17_hss_reserve (LMS_STEP_*) and, through sg17_file_test_hook, inside
 * the atomic write (LMS_STEP_FILE_BASE + sg17_file_step). A non-zero return
 * stops the operation right there, as if the process had died, with
 * SG17_E_IO. The caller must then discard the key object (free) and reload
 * from disk, like a restarted process. */
enum {
    LMS_STEP_BEFORE_PERSIST = 1,
    LMS_STEP_FILE_BASE = 10, /* + SG17_FILE_STEP_TEMP_WRITTEN .. _RENAMED */
    LMS_STEP_PERSISTED = 20,
    LMS_STEP_TREES_READY = 21,
    LMS_STEP_SIGNED = 22,
};
extern int (*sg17_lms_test_hook)(void *ctx, int step);
extern void *sg17_lms_test_hook_ctx;

/* A key that is never persisted: for the ct test and benchmarks of the
 * signing arithmetic only. Signing from it needs no file. */
int sg17_hss_key_new_volatile(sg17_hss_key **key, const sg17_hss_params *p, const uint8_t *seed,
                              size_t seed_len, const uint8_t I[16]);
/* Current next-index digits (one q per level) for tests. */
void sg17_hss_key_next(const sg17_hss_key *key, uint32_t q[SG17_HSS_MAX_LEVELS]);

#endif
