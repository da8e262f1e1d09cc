/*
 * ML-KEM public API (FIPS 203 §6 and §7): key generation (Alg. 16/19),
 * encapsulation (Alg. 17/20), decapsulation (Alg. 18/21), the §7.2/§7.3
 * input checks and the seed-format private key d || z (§3.3).
 */
#include <string.h>

#include "ct_internal.h"
#include "pqc/mlkem/mlkem_internal.h"
#include "sg17/cpu.h"
#include "sg17/crypto.h"
#include "sg17/keccak.h"

#define PSET(k_, e1_, du_, dv_)                                                          \
    {                                                                                    \
        (k_), (e1_), 2, (du_), (dv_), 384 * (k_) + 32, 768 * (k_) + 96,                  \
            32 * ((du_) * (k_) + (dv_))                                                  \
    }
static const mlkem_params params_512 = PSET(2, 3, 10, 4);
static const mlkem_params params_768 = PSET(3, 2, 10, 4);
static const mlkem_params params_1024 = PSET(4, 2, 11, 5);

const mlkem_params *mlkem_params_get(sg17_mlkem_param p)
{
    switch (p) {
    case SG17_MLKEM_512:
        return &params_512;
    case SG17_MLKEM_768:
        return &params_768;
    case SG17_MLKEM_1024:
        return &params_1024;
    }
    return NULL;
}

size_t sg17_mlkem_publickey_bytes(sg17_mlkem_param p)
{
    const mlkem_params *pp = mlkem_params_get(p);
    return pp ? pp->ek_bytes : 0;
}

size_t sg17_mlkem_secretkey_bytes(sg17_mlkem_param p)
{
    const mlkem_params *pp = mlkem_params_get(p);
    return pp ? pp->dk_bytes : 0;
}

size_t sg17_mlkem_ciphertext_bytes(sg17_mlkem_param p)
{
    const mlkem_params *pp = mlkem_params_get(p);
    return pp ? pp->ct_bytes : 0;
}

const char *sg17_mlkem_name(sg17_mlkem_param p)
{
    switch (p) {
    case SG17_MLKEM_512:
        return "ML-KEM-512";
    case SG17_MLKEM_768:
        return "ML-KEM-768";
    case SG17_MLKEM_1024:
        return "ML-KEM-1024";
    }
    return NULL;
}

int sg17_mlkem_param_from_name(const char *name, sg17_mlkem_param *p)
{
    static const sg17_mlkem_param all[] = {SG17_MLKEM_512, SG17_MLKEM_768, SG17_MLKEM_1024};
    if (name == NULL || p == NULL)
        return SG17_E_INVAL;
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) {
        if (strcmp(name, sg17_mlkem_name(all[i])) == 0) {
            *p = all[i];
            return 0;
        }
    }
    return SG17_E_UNSUPPORTED;
}

/* Alg. 16: dk = dk_PKE || ek || H(ek) || z. */
static void keygen_internal(const mlkem_params *p, const uint8_t d[32], const uint8_t z[32],
                            uint8_t *ek, uint8_t *dk)
{
    const size_t off = MLKEM_POLYBYTES * (size_t)p->k;
    mlkem_kpke_keygen(p, ek, dk, d);
    memcpy(dk + off, ek, p->ek_bytes);
    sg17_sha3_256(dk + off + p->ek_bytes, ek, p->ek_bytes);
    memcpy(dk + off + p->ek_bytes + 32, z, 32);
}

int sg17_mlkem_keygen_derand(sg17_mlkem_param p, const uint8_t d[32], const uint8_t z[32],
                             uint8_t *ek, size_t ek_cap, uint8_t *dk, size_t dk_cap)
{
    const mlkem_params *pp = mlkem_params_get(p);
    if (pp == NULL || d == NULL || z == NULL || ek == NULL || dk == NULL ||
        ek_cap < pp->ek_bytes || dk_cap < pp->dk_bytes) {
        if (ek != NULL)
            sg17_memzero(ek, ek_cap);
        if (dk != NULL)
            sg17_memzero(dk, dk_cap);
        return SG17_E_INVAL;
    }
    keygen_internal(pp, d, z, ek, dk);
    return 0;
}

int sg17_mlkem_keygen(sg17_mlkem_param p, uint8_t *ek, size_t ek_cap, uint8_t *dk,
                      size_t dk_cap)
{
    uint8_t dz[64];
    int rc = sg17_randombytes(dz, sizeof dz);
    if (rc == 0)
        rc = sg17_mlkem_keygen_derand(p, dz, dz + 32, ek, ek_cap, dk, dk_cap);
    else {
        if (ek != NULL)
            sg17_memzero(ek, ek_cap);
        if (dk != NULL)
            sg17_memzero(dk, dk_cap);
    }
    sg17_memzero(dz, sizeof dz);
    return rc;
}

int sg17_mlkem_seed_expand(sg17_mlkem_param p, const uint8_t *seed, size_t seed_len,
                           uint8_t *ek, size_t ek_cap, uint8_t *dk, size_t dk_cap)
{
    const mlkem_params *pp = mlkem_params_get(p);
    uint8_t ek_tmp[SG17_MLKEM_MAX_PUBLICKEY_BYTES];
    int rc = 0;

    if (pp == NULL || seed == NULL || dk == NULL || dk_cap < pp->dk_bytes ||
        (ek != NULL && ek_cap < pp->ek_bytes))
        rc = SG17_E_INVAL;
    else if (seed_len != SG17_MLKEM_SEED_BYTES)
        rc = SG17_E_FORMAT;
    if (rc != 0) {
        if (ek != NULL)
            sg17_memzero(ek, ek_cap);
        if (dk != NULL)
            sg17_memzero(dk, dk_cap);
        return rc;
    }
    keygen_internal(pp, seed, seed + 32, ek_tmp, dk);
    if (ek != NULL)
        memcpy(ek, ek_tmp, pp->ek_bytes);
    return 0;
}

int sg17_mlkem_keygen_seed(sg17_mlkem_param p, uint8_t seed[SG17_MLKEM_SEED_BYTES], uint8_t *ek,
                           size_t ek_cap)
{
    const mlkem_params *pp = mlkem_params_get(p);
    uint8_t dk_pke[MLKEM_POLYBYTES * MLKEM_KMAX];
    int rc;

    if (pp == NULL || seed == NULL || ek == NULL || ek_cap < pp->ek_bytes) {
        if (ek != NULL)
            sg17_memzero(ek, ek_cap);
        return SG17_E_INVAL;
    }
    rc = sg17_randombytes(seed, SG17_MLKEM_SEED_BYTES);
    if (rc != 0) {
        sg17_memzero(seed, SG17_MLKEM_SEED_BYTES);
        sg17_memzero(ek, ek_cap);
        return rc;
    }
    /* ek depends only on d (Alg. 13); z is needed only inside dk. */
    mlkem_kpke_keygen(pp, ek, dk_pke, seed);
    sg17_memzero(dk_pke, sizeof dk_pke);
    return 0;
}

/* §7.2 modulus check on a length-checked ek: every 12-bit value is < q. ek is public. */
static inline __attribute__((always_inline)) int ek_modulus_ok_body(const uint8_t *ek, size_t n)
{
    unsigned bad = 0; /* no early exit: a straight loop the compiler vectorises */
    for (size_t i = 0; i < n; i += 3) {
        const uint16_t a = (uint16_t)(ek[i] | ((ek[i + 1] & 0x0F) << 8));
        const uint16_t b = (uint16_t)((ek[i + 1] >> 4) | (ek[i + 2] << 4));
        bad |= (unsigned)(a >= MLKEM_Q) | (unsigned)(b >= MLKEM_Q);
    }
    return bad == 0;
}

#if defined(__x86_64__) && defined(__GNUC__)
__attribute__((target("avx2"))) static int ek_modulus_ok_avx2(const uint8_t *ek, size_t n)
{
    return ek_modulus_ok_body(ek, n);
}
#endif

static int ek_modulus_ok(const mlkem_params *p, const uint8_t *ek)
{
    const size_t n = MLKEM_POLYBYTES * (size_t)p->k;
#if defined(__x86_64__) && defined(__GNUC__)
    if (sg17_cpu_has_avx2())
        return ek_modulus_ok_avx2(ek, n);
#endif
    return ek_modulus_ok_body(ek, n);
}

int sg17_mlkem_check_ek(sg17_mlkem_param p, const uint8_t *ek, size_t ek_len)
{
    const mlkem_params *pp = mlkem_params_get(p);
    if (pp == NULL || (ek == NULL && ek_len != 0))
        return SG17_E_INVAL;
    if (ek_len != pp->ek_bytes || !ek_modulus_ok(pp, ek))
        return SG17_E_FORMAT;
    return 0;
}

/* §7.3 hash check on a length-checked dk. The compared values are public (ek and H(ek)). */
static int dk_hash_ok(const mlkem_params *p, const uint8_t *dk)
{
    const size_t off = MLKEM_POLYBYTES * (size_t)p->k;
    uint8_t h[32];
    sg17_sha3_256(h, dk + off, p->ek_bytes);
    return sg17_ct_memeq(h, dk + off + p->ek_bytes, 32);
}

int sg17_mlkem_check_dk(sg17_mlkem_param p, const uint8_t *dk, size_t dk_len)
{
    const mlkem_params *pp = mlkem_params_get(p);
    if (pp == NULL || (dk == NULL && dk_len != 0))
        return SG17_E_INVAL;
    if (dk_len != pp->dk_bytes || !dk_hash_ok(pp, dk))
        return SG17_E_FORMAT;
    return 0;
}

/* Alg. 17: (K, r) = G(m || H(ek)), c = K-PKE.Encrypt(ek, m, r). */
static void encaps_internal(const mlkem_params *p, uint8_t *c, uint8_t ss[32], const uint8_t *ek,
                            const uint8_t m[32])
{
    uint8_t mh[64], kr[64];
    mlkem_poly at[MLKEM_KMAX * MLKEM_KMAX]; /* A-hat^T, public */
    memcpy(mh, m, 32);
    /* H(ek) and A-hat^T (both from public ek) together. */
    mlkem_hash_ek_and_matrix(at, ek + MLKEM_POLYBYTES * (size_t)p->k, p->k, 1, ek, p->ek_bytes,
                             mh + 32);
    sg17_sha3_512(kr, mh, sizeof mh);
    mlkem_kpke_encrypt(p, c, ek, m, kr + 32, at);
    memcpy(ss, kr, 32);
    sg17_memzero(mh, sizeof mh);
    sg17_memzero(kr, sizeof kr);
}

int sg17_mlkem_encaps_derand(sg17_mlkem_param p, uint8_t *c, size_t ct_cap, uint8_t ss[32],
                             const uint8_t *ek, size_t ek_len, const uint8_t m[32])
{
    const mlkem_params *pp = mlkem_params_get(p);
    int rc = 0;
    if (pp == NULL || c == NULL || ss == NULL || m == NULL || ct_cap < pp->ct_bytes ||
        (ek == NULL && ek_len != 0))
        rc = SG17_E_INVAL;
    else if (ek_len != pp->ek_bytes || !ek_modulus_ok(pp, ek))
        rc = SG17_E_FORMAT;
    if (rc != 0) {
        if (c != NULL)
            sg17_memzero(c, ct_cap);
        if (ss != NULL)
            sg17_memzero(ss, 32);
        return rc;
    }
    encaps_internal(pp, c, ss, ek, m);
    return 0;
}

int sg17_mlkem_encaps(sg17_mlkem_param p, uint8_t *c, size_t ct_cap, uint8_t ss[32],
                      const uint8_t *ek, size_t ek_len)
{
    uint8_t m[32];
    int rc = sg17_randombytes(m, sizeof m);
    if (rc == 0) {
        rc = sg17_mlkem_encaps_derand(p, c, ct_cap, ss, ek, ek_len, m);
    } else {
        if (c != NULL)
            sg17_memzero(c, ct_cap);
        if (ss != NULL)
            sg17_memzero(ss, 32);
    }
    sg17_memzero(m, sizeof m);
    return rc;
}

/*
 * Alg. 18. The re-encryption comparison and the choice between K' and
 * K-bar = J(z || c) are constant time (no early exit, no branch). kbar is
 * J(z || c) and at is A-hat^T, both computed by the caller.
 */
static void decaps_internal(const mlkem_params *p, uint8_t ss[32], const uint8_t *c,
                            const uint8_t *dk, const uint8_t kbar[32], const mlkem_poly *at)
{
    const size_t off = MLKEM_POLYBYTES * (size_t)p->k;
    const uint8_t *ek = dk + off;
    const uint8_t *h = ek + p->ek_bytes;
    uint8_t mh[64], kr[64];
    uint8_t cp[SG17_MLKEM_MAX_CIPHERTEXT_BYTES];

    mlkem_kpke_decrypt(p, mh, dk, c);
    memcpy(mh + 32, h, 32);
    sg17_sha3_512(kr, mh, sizeof mh);

    mlkem_kpke_encrypt(p, cp, ek, mh, kr + 32, at);
    uint8_t differ = (uint8_t)(1U ^ (unsigned)sg17_ct_memeq(c, cp, p->ct_bytes));
    memcpy(ss, kr, 32);
    sg17_ct_cmov(ss, kbar, 32, differ);

    sg17_memzero(mh, sizeof mh);
    sg17_memzero(kr, sizeof kr);
    sg17_memzero(cp, sizeof cp);
}

/* K-bar = J(z || c) = SHAKE256(z || c, 32) (FIPS 203 §4.1, Alg. 18 l. 7). */
static void j_hash(const mlkem_params *p, uint8_t kbar[32], const uint8_t z[32], const uint8_t *c)
{
    sg17_keccak_ctx j;
    sg17_shake256_init(&j);
    sg17_keccak_absorb(&j, z, 32);
    sg17_keccak_absorb(&j, c, p->ct_bytes);
    sg17_keccak_finalize(&j);
    sg17_keccak_squeeze(&j, kbar, 32);
    sg17_keccak_wipe(&j);
}

int sg17_mlkem_decaps(sg17_mlkem_param p, uint8_t ss[32], const uint8_t *c, size_t ct_len,
                      const uint8_t *dk, size_t dk_len)
{
    const mlkem_params *pp = mlkem_params_get(p);
    uint8_t hek[32], kbar[32];
    uint8_t zc[32 + SG17_MLKEM_MAX_CIPHERTEXT_BYTES]; /* z || c, input of J */
    mlkem_poly at[MLKEM_KMAX * MLKEM_KMAX];          /* A-hat^T, public */
    int rc = 0;
    if (pp == NULL || ss == NULL || (c == NULL && ct_len != 0) || (dk == NULL && dk_len != 0))
        rc = SG17_E_INVAL;
    else if (ct_len != pp->ct_bytes || dk_len != pp->dk_bytes)
        rc = SG17_E_FORMAT;
    if (rc == 0) {
        const size_t off = MLKEM_POLYBYTES * (size_t)pp->k;
        const uint8_t *ek = dk + off;
        memcpy(zc, ek + pp->ek_bytes + 32, 32);
        memcpy(zc + 32, c, pp->ct_bytes);
        /* H(ek) for the §7.3 hash check, K-bar = J(z || c) and A-hat^T, together (AVX2:
         * on the 4-way Keccak). */
        mlkem_decaps_hashes_and_matrix(at, ek + MLKEM_POLYBYTES * (size_t)pp->k, pp->k, ek,
                                       pp->ek_bytes, hek, zc, 32 + pp->ct_bytes, kbar);
        sg17_memzero(zc, sizeof zc);
        /* The stored H(ek) and the recomputed one are public. */
        if (!sg17_ct_memeq(hek, ek + pp->ek_bytes, 32))
            rc = SG17_E_FORMAT;
    }
    if (rc != 0) {
        if (ss != NULL)
            sg17_memzero(ss, 32);
        sg17_memzero(kbar, sizeof kbar);
        return rc;
    }
    decaps_internal(pp, ss, c, dk, kbar, at);
    sg17_memzero(kbar, sizeof kbar);
    return 0;
}

int sg17_mlkem_decaps_seed(sg17_mlkem_param p, uint8_t ss[32], const uint8_t *c, size_t ct_len,
                           const uint8_t *seed, size_t seed_len)
{
    const mlkem_params *pp = mlkem_params_get(p);
    uint8_t dk[SG17_MLKEM_MAX_SECRETKEY_BYTES];
    uint8_t ek[SG17_MLKEM_MAX_PUBLICKEY_BYTES];
    uint8_t kbar[32];
    mlkem_poly at[MLKEM_KMAX * MLKEM_KMAX]; /* A-hat^T, public */
    int rc = 0;
    if (pp == NULL || ss == NULL || (c == NULL && ct_len != 0) || (seed == NULL && seed_len != 0))
        rc = SG17_E_INVAL;
    else if (ct_len != pp->ct_bytes || seed_len != SG17_MLKEM_SEED_BYTES)
        rc = SG17_E_FORMAT;
    if (rc != 0) {
        if (ss != NULL)
            sg17_memzero(ss, 32);
        return rc;
    }
    keygen_internal(pp, seed, seed + 32, ek, dk);
    j_hash(pp, kbar, seed + 32, c);
    mlkem_gen_matrix(at, ek + MLKEM_POLYBYTES * (size_t)pp->k, pp->k, 1);
    decaps_internal(pp, ss, c, dk, kbar, at);
    sg17_memzero(dk, sizeof dk);
    sg17_memzero(kbar, sizeof kbar);
    return 0;
}
