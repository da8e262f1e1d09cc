/*
 * SLH-DSA internals (FIPS 205): parameter table, addresses (§4.2), the
 * tweakable hash instantiations (§11), WOTS+ (§5), XMSS (§6), the
 * hypertree (§7) and FORS (§8). Shared by the files of src/lib/pqc/slhdsa/.
 */
#ifndef SG17_SLHDSA_INTERNAL_H
#define SG17_SLHDSA_INTERNAL_H

#include <stdint.h>
#include <string.h>

#include "sg17/cpu.h"
#include "sg17/crypto.h"
#include "sg17/keccak.h"
#include "sg17/slhdsa.h"

#define SLH_MAX_N   32
#define SLH_MAX_LEN 67 /* 2n + 3 for n = 32, lg_w = 4 */
#define SLH_MAX_M   49
#define SLH_MAX_K   35
#define SLH_MAX_A   14
#define SLH_MAX_HP  9
#define SLH_W       16
#define SLH_LG_W    4
/* Longest M' prefix: 1 || |ctx| || ctx(255) || OID(11) || PH(M) (64). */
#define SLH_MAX_PREFIX (2 + 255 + 11 + 64)

typedef struct slh_params {
    const char *name;
    uint8_t shake;  /* 1: SHAKE instantiation (§11.1), 0: SHA2 (§11.2) */
    uint8_t sha512; /* SHA2 at categories 3/5: H_msg, PRF_msg, H, T use SHA-512 */
    uint32_t n, h, d, hp, a, k, m, len;
    size_t sig_bytes;
} slh_params;

/** Parameter table entry, or NULL for an invalid set. */
const slh_params *slh_params_get(sg17_slhdsa_param p);

/* ADRS types (FIPS 205 §4.2). */
enum {
    SLH_WOTS_HASH = 0,
    SLH_WOTS_PK = 1,
    SLH_TREE = 2,
    SLH_FORS_TREE = 3,
    SLH_FORS_ROOTS = 4,
    SLH_WOTS_PRF = 5,
    SLH_FORS_PRF = 6
};

/* ADRS: layer(4) || tree(12) || type(4) || keypair(4) || chain/height(4) || hash/index(4). */
static inline void slh_put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}
static inline uint32_t slh_get32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | (uint32_t)p[3];
}
static inline void slh_adrs_set_layer(uint8_t a[32], uint32_t l)
{
    slh_put32(a, l);
}
static inline void slh_adrs_set_tree(uint8_t a[32], uint64_t t)
{
    slh_put32(a + 4, 0);
    slh_put32(a + 8, (uint32_t)(t >> 32));
    slh_put32(a + 12, (uint32_t)t);
}
static inline void slh_adrs_set_type_and_clear(uint8_t a[32], uint32_t type)
{
    slh_put32(a + 16, type);
    memset(a + 20, 0, 12);
}
static inline void slh_adrs_set_keypair(uint8_t a[32], uint32_t i)
{
    slh_put32(a + 20, i);
}
static inline uint32_t slh_adrs_get_keypair(const uint8_t a[32])
{
    return slh_get32(a + 20);
}
static inline void slh_adrs_set_chain(uint8_t a[32], uint32_t i)
{
    slh_put32(a + 24, i);
}
static inline void slh_adrs_set_height(uint8_t a[32], uint32_t z)
{
    slh_put32(a + 24, z);
}
static inline void slh_adrs_set_hash(uint8_t a[32], uint32_t i)
{
    slh_put32(a + 28, i);
}
static inline void slh_adrs_set_index(uint8_t a[32], uint32_t i)
{
    slh_put32(a + 28, i);
}
static inline uint32_t slh_adrs_get_index(const uint8_t a[32])
{
    return slh_get32(a + 28);
}

/*
 * Per-operation hashing context: the seeds plus the PK.seed-prefixed hash
 * states computed once (SHA-256 / SHA-512 midstates over the padded PK.seed
 * block, §11.2; SHAKE256 after absorbing PK.seed, §11.1) and copied for every
 * F/H/T/PRF call. hash_calls counts tweakable-hash invocations (benchmarks).
 */
typedef struct slh_ctx {
    const slh_params *p;
    uint8_t pk_seed[SLH_MAX_N];
    uint8_t sk_seed[SLH_MAX_N]; /* secret; all zero for verification */
    sg17_sha256_ctx s256;
    sg17_sha512_ctx s512;
    sg17_keccak_ctx shake;
    uint64_t hash_calls;
} slh_ctx;

void slh_ctx_init(slh_ctx *c, const slh_params *p, const uint8_t *pk_seed, const uint8_t *sk_seed);
void slh_ctx_wipe(slh_ctx *c);

/* Tweakable hashes (§11.1 / §11.2). out gets n bytes. */
void slh_F(slh_ctx *c, const uint8_t adrs[32], const uint8_t *in, uint8_t *out);
void slh_H(slh_ctx *c, const uint8_t adrs[32], const uint8_t *in2n, uint8_t *out);
void slh_T(slh_ctx *c, const uint8_t adrs[32], const uint8_t *in, size_t in_len, uint8_t *out);
void slh_PRF(slh_ctx *c, const uint8_t adrs[32], uint8_t *out);

/* A message given in two pieces (M' prefix and the caller's message), so
 * that the external interface never copies the message for hashing. */
typedef struct slh_msg {
    const uint8_t *pre;
    size_t pre_len;
    const uint8_t *m;
    size_t m_len;
} slh_msg;

/* PRF_msg(SK.prf, opt_rand, M) -> n bytes. */
SG17_MUST_CHECK int slh_PRF_msg(const slh_params *p, const uint8_t *sk_prf, const uint8_t *opt_rand,
                                const slh_msg *msg, uint8_t *out);
/* H_msg(R, PK.seed, PK.root, M) -> m bytes. */
void slh_H_msg(const slh_params *p, const uint8_t *r, const uint8_t *pk_seed,
               const uint8_t *pk_root, const slh_msg *msg, uint8_t *out);

/* base_2b (Alg. 4): out_len digits of b bits from x. */
void slh_base_2b(const uint8_t *x, uint32_t b, uint32_t out_len, uint32_t *out);

/* WOTS+ (§5). adrs carries layer/tree/keypair. */
void slh_wots_sign(slh_ctx *c, const uint8_t *msg, uint8_t adrs[32], uint8_t *sig);
void slh_wots_pk_from_sig(slh_ctx *c, const uint8_t *sig, const uint8_t *msg, uint8_t adrs[32],
                          uint8_t *pk);

void slh_wots_pkgen_x4(slh_ctx *c, const uint8_t adrs[32], uint32_t kp, uint8_t *out);

/*
 * Tree hash over 2^height leaves produced by leaf(c, adrs, idx_offset + i, out)
 * with inner nodes H at (height z, index idx_offset/2^z + i) in adrs.
 * Writes the authentication path of leaf_idx (height * n bytes, may be NULL)
 * and the root. Memory O(height * n); no recursion.
 */
typedef void (*slh_leaf_fn)(slh_ctx *c, uint8_t adrs[32], uint32_t idx, uint8_t *out);
/* leaf(...) computes the four leaves idx .. idx + 3 into out (4n bytes);
 * height >= 2 for every approved set (h' >= 3, a >= 6). */
void slh_treehash(slh_ctx *c, uint8_t adrs[32], slh_leaf_fn leaf, uint32_t height,
                  uint32_t idx_offset, uint32_t leaf_idx, uint8_t *auth, uint8_t *root);

/* XMSS (§6) and the hypertree (§7). */
void slh_xmss_root(slh_ctx *c, uint8_t adrs[32], uint8_t *root);
void slh_ht_sign(slh_ctx *c, const uint8_t *msg, uint64_t idx_tree, uint32_t idx_leaf,
                 uint8_t *sig_ht);
int slh_ht_verify(slh_ctx *c, const uint8_t *msg, const uint8_t *sig_ht, uint64_t idx_tree,
                  uint32_t idx_leaf, const uint8_t *pk_root);

/* FORS (§8). adrs has tree address, type FORS_TREE and key pair set. */
void slh_fors_sign(slh_ctx *c, const uint8_t *md, uint8_t adrs[32], uint8_t *sig_fors,
                   uint8_t *pk_fors);
void slh_fors_pk_from_sig(slh_ctx *c, const uint8_t *sig_fors, const uint8_t *md, uint8_t adrs[32],
                          uint8_t *pk_fors);

/* Sign/verify on a (prefix, message) pair: Alg. 19/20 with M = pre || m.
 * hash_calls (may be NULL) receives the number of tweakable-hash calls. */
SG17_MUST_CHECK int slh_sign_msg(const slh_params *p, uint8_t *sig, const slh_msg *msg,
                                 const uint8_t *addrnd, const uint8_t *sk, uint64_t *hash_calls);
SG17_MUST_CHECK int slh_verify_msg(const slh_params *p, const uint8_t *sig, size_t sig_len,
                                   const slh_msg *msg, const uint8_t *pk);

/* M' prefix for the external interface (Alg. 22-25): pure when ph == 0,
 * else pre-hash with PH(msg) computed. Returns the prefix length in *len. */
SG17_MUST_CHECK int slh_build_prefix(int ph, const uint8_t *msg, size_t msg_len, const uint8_t *ctx,
                                     size_t ctx_len, uint8_t pre[SLH_MAX_PREFIX], size_t *len);

/* Four independent F (or PRF) calls: out[j] = F(PK.seed, adrs[j], in[j]).
 * in[j] may equal out[j]. SHAKE sets use the 4-way Keccak of sg17/keccak.h
 * when sg17_cpu_has_avx2(); otherwise four scalar calls. */
void slh_F_x4(slh_ctx *c, uint8_t adrs[4][32], const uint8_t *const in[4], uint8_t *const out[4]);
void slh_PRF_x4(slh_ctx *c, uint8_t adrs[4][32], uint8_t *const out[4]);

#endif
