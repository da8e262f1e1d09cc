/*
 * SLH-DSA hash instantiations: SHAKE (FIPS 205 §11.1) and SHA2 (§11.2,
 * with §11.2.2 SHA-512 for H_msg, PRF_msg, H and T at categories 3 and 5),
 * plus the parameter table (Table 2) and base_2b (Alg. 4).
 */
#include <string.h>

#include "slhdsa_internal.h"

#define P(nm, sh, s5, n_, h_, d_, hp_, a_, k_, m_, sig_)            \
    {                                                               \
        nm, sh, s5, n_, h_, d_, hp_, a_, k_, m_, 2 * (n_) + 3, sig_ \
    }

static const slh_params slh_table[SG17_SLHDSA_PARAM_COUNT] = {
    P("SLH-DSA-SHA2-128s", 0, 0, 16, 63, 7, 9, 12, 14, 30, 7856),
    P("SLH-DSA-SHA2-128f", 0, 0, 16, 66, 22, 3, 6, 33, 34, 17088),
    P("SLH-DSA-SHA2-192s", 0, 1, 24, 63, 7, 9, 14, 17, 39, 16224),
    P("SLH-DSA-SHA2-192f", 0, 1, 24, 66, 22, 3, 8, 33, 42, 35664),
    P("SLH-DSA-SHA2-256s", 0, 1, 32, 64, 8, 8, 14, 22, 47, 29792),
    P("SLH-DSA-SHA2-256f", 0, 1, 32, 68, 17, 4, 9, 35, 49, 49856),
    P("SLH-DSA-SHAKE-128s", 1, 0, 16, 63, 7, 9, 12, 14, 30, 7856),
    P("SLH-DSA-SHAKE-128f", 1, 0, 16, 66, 22, 3, 6, 33, 34, 17088),
    P("SLH-DSA-SHAKE-192s", 1, 0, 24, 63, 7, 9, 14, 17, 39, 16224),
    P("SLH-DSA-SHAKE-192f", 1, 0, 24, 66, 22, 3, 8, 33, 42, 35664),
    P("SLH-DSA-SHAKE-256s", 1, 0, 32, 64, 8, 8, 14, 22, 47, 29792),
    P("SLH-DSA-SHAKE-256f", 1, 0, 32, 68, 17, 4, 9, 35, 49, 49856),
};

const slh_params *slh_params_get(sg17_slhdsa_param p)
{
    if ((unsigned)p >= (unsigned)SG17_SLHDSA_PARAM_COUNT)
        return NULL;
    return &slh_table[p];
}

void slh_base_2b(const uint8_t *x, uint32_t b, uint32_t out_len, uint32_t *out)
{
    size_t in = 0;
    uint32_t bits = 0;
    uint64_t total = 0;
    for (uint32_t o = 0; o < out_len; o++) {
        while (bits < b) {
            total = (total << 8) | x[in++];
            bits += 8;
        }
        bits -= b;
        out[o] = (uint32_t)(total >> bits) & ((1U << b) - 1U);
    }
}

void slh_ctx_init(slh_ctx *c, const slh_params *p, const uint8_t *pk_seed, const uint8_t *sk_seed)
{
    static const uint8_t zeros[128];
    memset(c, 0, sizeof(*c));
    c->p = p;
    memcpy(c->pk_seed, pk_seed, p->n);
    if (sk_seed)
        memcpy(c->sk_seed, sk_seed, p->n);
    if (p->shake) {
        sg17_shake256_init(&c->shake);
        sg17_keccak_absorb(&c->shake, pk_seed, p->n);
        return;
    }
    /* §11.2: PK.seed || toByte(0, 64 - n) fills exactly one SHA-256 block
     * (128 - n for SHA-512), so its compression is done once here. */
    sg17_sha256_init(&c->s256);
    sg17_sha256_update(&c->s256, pk_seed, p->n);
    sg17_sha256_update(&c->s256, zeros, 64 - p->n);
    if (p->sha512) {
        sg17_sha512_init(&c->s512);
        sg17_sha512_update(&c->s512, pk_seed, p->n);
        sg17_sha512_update(&c->s512, zeros, 128 - p->n);
    }
}

void slh_ctx_wipe(slh_ctx *c)
{
    sg17_memzero(c, sizeof(*c));
}

/* ADRSc = ADRS[3] || ADRS[8:16] || ADRS[19] || ADRS[20:32] (§11.2). */
static void adrs_compress(const uint8_t adrs[32], uint8_t out[22])
{
    out[0] = adrs[3];
    memcpy(out + 1, adrs + 8, 8);
    out[9] = adrs[19];
    memcpy(out + 10, adrs + 20, 12);
}

static void sha256_tweak(slh_ctx *c, const uint8_t adrs[32], const uint8_t *in, size_t in_len,
                         uint8_t *out)
{
    uint8_t ac[22 + 2 * SLH_MAX_N], d[32];
    sg17_sha256_ctx s = c->s256;
    adrs_compress(adrs, ac);
    if (in_len <= sizeof(ac) - 22) {
        /* F, H, PRF: one update call for ADRSc || input. */
        memcpy(ac + 22, in, in_len);
        sg17_sha256_update(&s, ac, 22 + in_len);
    } else {
        sg17_sha256_update(&s, ac, 22);
        sg17_sha256_update(&s, in, in_len);
    }
    sg17_sha256_final(&s, d);
    memcpy(out, d, c->p->n);
    if (in == c->sk_seed) { /* PRF: no copy of SK.seed may stay on the stack */
        sg17_memzero(ac, sizeof(ac));
        sg17_memzero(&s, sizeof(s));
    }
    c->hash_calls++;
}

static void sha512_tweak(slh_ctx *c, const uint8_t adrs[32], const uint8_t *in, size_t in_len,
                         uint8_t *out)
{
    uint8_t ac[22], d[64];
    sg17_sha512_ctx s = c->s512;
    adrs_compress(adrs, ac);
    sg17_sha512_update(&s, ac, sizeof(ac));
    sg17_sha512_update(&s, in, in_len);
    sg17_sha512_final(&s, d);
    memcpy(out, d, c->p->n);
    c->hash_calls++;
}

static void shake_tweak(slh_ctx *c, const uint8_t adrs[32], const uint8_t *in, size_t in_len,
                        uint8_t *out)
{
    sg17_keccak_ctx s = c->shake;
    sg17_keccak_absorb(&s, adrs, 32);
    sg17_keccak_absorb(&s, in, in_len);
    sg17_keccak_finalize(&s);
    sg17_keccak_squeeze(&s, out, c->p->n);
    /* A Keccak state is invertible: left on the stack it would reveal the
     * input (SK.seed for PRF, hidden chain values for F). */
    sg17_keccak_wipe(&s);
    c->hash_calls++;
}

void slh_F(slh_ctx *c, const uint8_t adrs[32], const uint8_t *in, uint8_t *out)
{
    if (c->p->shake)
        shake_tweak(c, adrs, in, c->p->n, out);
    else
        sha256_tweak(c, adrs, in, c->p->n, out);
}

void slh_H(slh_ctx *c, const uint8_t adrs[32], const uint8_t *in2n, uint8_t *out)
{
    slh_T(c, adrs, in2n, 2 * (size_t)c->p->n, out);
}

void slh_T(slh_ctx *c, const uint8_t adrs[32], const uint8_t *in, size_t in_len, uint8_t *out)
{
    if (c->p->shake)
        shake_tweak(c, adrs, in, in_len, out);
    else if (c->p->sha512)
        sha512_tweak(c, adrs, in, in_len, out);
    else
        sha256_tweak(c, adrs, in, in_len, out);
}

void slh_PRF(slh_ctx *c, const uint8_t adrs[32], uint8_t *out)
{
    /* PRF is SHA-256 based at every category (§11.2.2). */
    if (c->p->shake)
        shake_tweak(c, adrs, c->sk_seed, c->p->n, out);
    else
        sha256_tweak(c, adrs, c->sk_seed, c->p->n, out);
}

int slh_PRF_msg(const slh_params *p, const uint8_t *sk_prf, const uint8_t *opt_rand,
                const slh_msg *msg, uint8_t *out)
{
    if (p->shake) {
        sg17_keccak_ctx s;
        sg17_shake256_init(&s);
        sg17_keccak_absorb(&s, sk_prf, p->n);
        sg17_keccak_absorb(&s, opt_rand, p->n);
        sg17_keccak_absorb(&s, msg->pre, msg->pre_len);
        sg17_keccak_absorb(&s, msg->m, msg->m_len);
        sg17_keccak_finalize(&s);
        sg17_keccak_squeeze(&s, out, p->n);
        sg17_keccak_wipe(&s);
        return 0;
    }
    /* HMAC-SHA-x(SK.prf, opt_rand || M), fed piece by piece: M is not copied. */
    sg17_hmac_ctx h;
    uint8_t mac[64];
    int rc = sg17_hmac_init(&h, p->sha512 ? SG17_HASH_SHA512 : SG17_HASH_SHA256, sk_prf, p->n);
    if (rc == 0)
        rc = sg17_hmac_update(&h, opt_rand, p->n);
    if (rc == 0)
        rc = sg17_hmac_update(&h, msg->pre, msg->pre_len);
    if (rc == 0)
        rc = sg17_hmac_update(&h, msg->m, msg->m_len);
    if (rc == 0)
        rc = sg17_hmac_final(&h, mac);
    sg17_hmac_ctx_free(&h); /* no-op after final; frees the state on an error */
    if (rc == 0)
        memcpy(out, mac, p->n);
    sg17_memzero(mac, sizeof(mac));
    return rc;
}

void slh_H_msg(const slh_params *p, const uint8_t *r, const uint8_t *pk_seed,
               const uint8_t *pk_root, const slh_msg *msg, uint8_t *out)
{
    if (p->shake) {
        sg17_keccak_ctx s;
        sg17_shake256_init(&s);
        sg17_keccak_absorb(&s, r, p->n);
        sg17_keccak_absorb(&s, pk_seed, p->n);
        sg17_keccak_absorb(&s, pk_root, p->n);
        sg17_keccak_absorb(&s, msg->pre, msg->pre_len);
        sg17_keccak_absorb(&s, msg->m, msg->m_len);
        sg17_keccak_finalize(&s);
        sg17_keccak_squeeze(&s, out, p->m);
        return;
    }
    /* MGF1-SHA-x(R || PK.seed || SHA-x(R || PK.seed || PK.root || M), m). */
    uint8_t seed[2 * SLH_MAX_N + 64 + 4], blk[64];
    size_t dl = p->sha512 ? 64 : 32, sl = 2 * (size_t)p->n + dl;
    memcpy(seed, r, p->n);
    memcpy(seed + p->n, pk_seed, p->n);
    if (p->sha512) {
        sg17_sha512_ctx s;
        sg17_sha512_init(&s);
        sg17_sha512_update(&s, seed, 2 * (size_t)p->n);
        sg17_sha512_update(&s, pk_root, p->n);
        sg17_sha512_update(&s, msg->pre, msg->pre_len);
        sg17_sha512_update(&s, msg->m, msg->m_len);
        sg17_sha512_final(&s, seed + 2 * (size_t)p->n);
    } else {
        sg17_sha256_ctx s;
        sg17_sha256_init(&s);
        sg17_sha256_update(&s, seed, 2 * (size_t)p->n);
        sg17_sha256_update(&s, pk_root, p->n);
        sg17_sha256_update(&s, msg->pre, msg->pre_len);
        sg17_sha256_update(&s, msg->m, msg->m_len);
        sg17_sha256_final(&s, seed + 2 * (size_t)p->n);
    }
    for (uint32_t ctr = 0, off = 0; off < p->m; ctr++, off += (uint32_t)dl) {
        slh_put32(seed + sl, ctr);
        if (p->sha512)
            sg17_sha512(blk, seed, sl + 4);
        else
            sg17_sha256(blk, seed, sl + 4);
        size_t take = p->m - off < dl ? p->m - off : dl;
        memcpy(out + off, blk, take);
    }
}

static uint64_t le64(const uint8_t *p)
{
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--)
        v = v << 8 | p[i];
    return v;
}

static void put_le64(uint8_t *p, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

/* Four single-block SHAKE256(PK.seed || ADRS || in, 8n) calls in one 4-way
 * permutation: 2n + 32 <= 96 bytes always fits the 136-byte rate. */
static void shake_tweak_x4(slh_ctx *c, uint8_t adrs[4][32], const uint8_t *const in[4],
                           uint8_t *const out[4])
{
    const uint32_t n = c->p->n;
    uint64_t s[25][4];
    uint8_t blk[SG17_SHAKE256_RATE];
    for (int j = 0; j < 4; j++) {
        memset(blk, 0, sizeof(blk));
        memcpy(blk, c->pk_seed, n);
        memcpy(blk + n, adrs[j], 32);
        memcpy(blk + n + 32, in[j], n);
        blk[2 * n + 32] = 0x1F; /* SHAKE domain bits and first pad bit */
        blk[sizeof(blk) - 1] |= 0x80;
        for (int i = 0; i < 17; i++)
            s[i][j] = le64(blk + (size_t)8 * (size_t)i);
        for (int i = 17; i < 25; i++)
            s[i][j] = 0;
    }
    sg17_keccak_f1600x4(s);
    for (int j = 0; j < 4; j++)
        for (uint32_t i = 0; i < n / 8; i++)
            put_le64(out[j] + (size_t)8 * i, s[i][j]);
    c->hash_calls += 4;
    sg17_memzero(s, sizeof(s));
    sg17_memzero(blk, sizeof(blk));
}

void slh_F_x4(slh_ctx *c, uint8_t adrs[4][32], const uint8_t *const in[4], uint8_t *const out[4])
{
    if (c->p->shake && sg17_cpu_has_avx2()) {
        shake_tweak_x4(c, adrs, in, out);
        return;
    }
    for (int j = 0; j < 4; j++)
        slh_F(c, adrs[j], in[j], out[j]);
}

void slh_PRF_x4(slh_ctx *c, uint8_t adrs[4][32], uint8_t *const out[4])
{
    if (c->p->shake && sg17_cpu_has_avx2()) {
        const uint8_t *const in[4] = {c->sk_seed, c->sk_seed, c->sk_seed, c->sk_seed};
        shake_tweak_x4(c, adrs, in, out);
        return;
    }
    for (int j = 0; j < 4; j++)
        slh_PRF(c, adrs[j], out[j]);
}
