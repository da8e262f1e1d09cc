/*
 * ML-DSA public interface (FIPS 204 §5): KeyGen (Alg. 1), Sign (Alg. 2),
 * Verify (Alg. 3), HashML-DSA.Sign/Verify (Alg. 4/5), the internal interface
 * (Alg. 6-8) and external mu. Message formatting M' and argument checks live
 * here; the lattice work is in mldsa.c.
 */
#include <string.h>

#include "ct_internal.h"
#include "mldsa_internal.h"
#include "sg17/common.h"
#include "sg17/crypto.h"

size_t sg17_mldsa_publickey_bytes(sg17_mldsa_param param)
{
    const mldsa_params *p = mldsa_params_get(param);
    return p ? p->pk_bytes : 0;
}

size_t sg17_mldsa_secretkey_bytes(sg17_mldsa_param param)
{
    const mldsa_params *p = mldsa_params_get(param);
    return p ? p->sk_bytes : 0;
}

size_t sg17_mldsa_signature_bytes(sg17_mldsa_param param)
{
    const mldsa_params *p = mldsa_params_get(param);
    return p ? p->sig_bytes : 0;
}

int sg17_mldsa_keygen_from_seed(sg17_mldsa_param param, const uint8_t seed[32], uint8_t *pk,
                                uint8_t *sk)
{
    const mldsa_params *p = mldsa_params_get(param);
    if (!p || !seed || !pk || !sk)
        return SG17_E_INVAL;
    mldsa_keygen_internal(p, seed, pk, sk);
    return 0;
}

int sg17_mldsa_keygen(sg17_mldsa_param param, uint8_t *pk, uint8_t *sk, uint8_t seed_out[32])
{
    uint8_t xi[SG17_MLDSA_SEED_BYTES];
    const mldsa_params *p = mldsa_params_get(param);
    if (!p || !pk || !sk)
        return SG17_E_INVAL;
    if (sg17_randombytes(xi, sizeof xi) != 0) {
        sg17_memzero(xi, sizeof xi);
        return SG17_E_RNG;
    }
    mldsa_keygen_internal(p, xi, pk, sk);
    if (seed_out)
        memcpy(seed_out, xi, sizeof xi);
    sg17_memzero(xi, sizeof xi);
    return 0;
}

/* The message-independent head of M' (Alg. 2 line 10 / Alg. 4 line 23):
 * domain byte (0 pure, 1 pre-hash) || |ctx| || ctx. */
static void absorb_prefix(sg17_keccak_ctx *st, uint8_t domain, const uint8_t *ctx,
                          size_t ctx_len)
{
    uint8_t head[2] = {domain, (uint8_t)ctx_len};
    sg17_keccak_absorb(st, head, sizeof head);
    if (ctx_len)
        sg17_keccak_absorb(st, ctx, ctx_len);
}

int sg17_mldsa_prehash_oid(sg17_hash_alg ph, uint8_t oid[11], size_t *digest_len)
{
    /* NIST OIDs 2.16.840.1.101.3.4.2.x (FIPS 204 §5.4.1 / CSOR) */
    static const uint8_t oid_prefix[10] = {0x06, 0x09, 0x60, 0x86, 0x48,
                                           0x01, 0x65, 0x03, 0x04, 0x02};
    uint8_t last;
    size_t len;
    switch (ph) {
    case SG17_HASH_SHA256: last = 1; len = 32; break;
    case SG17_HASH_SHA384: last = 2; len = 48; break;
    case SG17_HASH_SHA512: last = 3; len = 64; break;
    case SG17_HASH_SHA224: last = 4; len = 28; break;
    case SG17_HASH_SHA512_224: last = 5; len = 28; break;
    case SG17_HASH_SHA512_256: last = 6; len = 32; break;
    case SG17_HASH_SHA3_224: last = 7; len = 28; break;
    case SG17_HASH_SHA3_256: last = 8; len = 32; break;
    case SG17_HASH_SHA3_384: last = 9; len = 48; break;
    case SG17_HASH_SHA3_512: last = 10; len = 64; break;
    case SG17_HASH_SHAKE128: last = 11; len = 32; break;
    case SG17_HASH_SHAKE256: last = 12; len = 64; break;
    default: return SG17_E_UNSUPPORTED;
    }
    if (oid) {
        memcpy(oid, oid_prefix, sizeof oid_prefix);
        oid[10] = last;
    }
    if (digest_len)
        *digest_len = len;
    return 0;
}

/* PH(M) of Alg. 4 lines 10-22: SHA-3/SHAKE with our Keccak, SHA-2 through
 * OpenSSL (sg17_hash). out holds 64 bytes. */
static int prehash(sg17_hash_alg ph, const uint8_t *msg, size_t msg_len, uint8_t out[64],
                   size_t *out_len)
{
    sg17_keccak_ctx st;
    int rc = sg17_mldsa_prehash_oid(ph, NULL, out_len);
    if (rc != 0)
        return rc;
    switch (ph) {
    case SG17_HASH_SHA3_224: sg17_sha3_224_init(&st); break;
    case SG17_HASH_SHA3_256: sg17_sha3_256_init(&st); break;
    case SG17_HASH_SHA3_384: sg17_sha3_384_init(&st); break;
    case SG17_HASH_SHA3_512: sg17_sha3_512_init(&st); break;
    case SG17_HASH_SHAKE128: sg17_shake128_init(&st); break;
    case SG17_HASH_SHAKE256: sg17_shake256_init(&st); break;
    default: return sg17_hash(ph, msg, msg_len, out);
    }
    sg17_keccak_absorb(&st, msg, msg_len);
    sg17_keccak_finalize(&st);
    sg17_keccak_squeeze(&st, out, *out_len);
    return 0;
}

/* Common argument checks; returns the parameter set or NULL. */
static const mldsa_params *check_args(sg17_mldsa_param param, const void *a, const void *b,
                                      const uint8_t *msg, size_t msg_len, const uint8_t *ctx,
                                      size_t ctx_len)
{
    const mldsa_params *p = mldsa_params_get(param);
    if (!p || !a || !b || (msg_len && !msg) || (ctx_len && !ctx) ||
        ctx_len > SG17_MLDSA_MAX_CONTEXT_BYTES)
        return NULL;
    return p;
}

/* rnd per flags (Alg. 2 lines 5-8). */
static int get_rnd(uint8_t rnd[MLDSA_RNDBYTES], unsigned flags)
{
    if (flags & SG17_MLDSA_DETERMINISTIC) {
        memset(rnd, 0, MLDSA_RNDBYTES);
        return 0;
    }
    return sg17_randombytes(rnd, MLDSA_RNDBYTES) == 0 ? 0 : SG17_E_RNG;
}

/* Sign M' = domain || |ctx| || ctx || [oid] || body with the expanded sk. */
static int sign_formatted(const mldsa_params *p, uint8_t *sig, const uint8_t *sk, uint8_t domain,
                          const uint8_t *ctx, size_t ctx_len, const uint8_t *oid, size_t oid_len,
                          const uint8_t *body, size_t body_len, unsigned flags)
{
    uint8_t mu[MLDSA_CRHBYTES], rnd[MLDSA_RNDBYTES];
    sg17_keccak_ctx st;
    int rc = get_rnd(rnd, flags);
    if (rc == 0) {
        mldsa_mu_init(&st, sk + 2 * MLDSA_SEEDBYTES);
        absorb_prefix(&st, domain, ctx, ctx_len);
        if (oid_len)
            sg17_keccak_absorb(&st, oid, oid_len);
        if (body_len)
            sg17_keccak_absorb(&st, body, body_len);
        sg17_keccak_finalize(&st);
        sg17_keccak_squeeze(&st, mu, sizeof mu);
        rc = mldsa_sign_mu_internal(p, sig, sk, mu, rnd);
    }
    sg17_memzero(rnd, sizeof rnd);
    sg17_memzero(&st, sizeof st);
    if (rc != 0)
        sg17_memzero(sig, p->sig_bytes);
    return rc;
}

int sg17_mldsa_sign(sg17_mldsa_param param, uint8_t *sig, const uint8_t *sk, const uint8_t *msg,
                    size_t msg_len, const uint8_t *ctx, size_t ctx_len, unsigned flags)
{
    const mldsa_params *p = check_args(param, sig, sk, msg, msg_len, ctx, ctx_len);
    if (!p)
        return SG17_E_INVAL;
    return sign_formatted(p, sig, sk, 0, ctx, ctx_len, NULL, 0, msg, msg_len, flags);
}

int sg17_mldsa_sign_seed(sg17_mldsa_param param, uint8_t *sig, const uint8_t seed[32],
                         const uint8_t *msg, size_t msg_len, const uint8_t *ctx, size_t ctx_len,
                         unsigned flags)
{
    uint8_t pk[SG17_MLDSA_MAX_PUBLICKEY_BYTES], sk[SG17_MLDSA_MAX_SECRETKEY_BYTES];
    const mldsa_params *p = check_args(param, sig, seed, msg, msg_len, ctx, ctx_len);
    if (!p)
        return SG17_E_INVAL;
    mldsa_keygen_internal(p, seed, pk, sk);
    int rc = sign_formatted(p, sig, sk, 0, ctx, ctx_len, NULL, 0, msg, msg_len, flags);
    sg17_memzero(sk, sizeof sk);
    return rc;
}

int sg17_mldsa_hash_sign(sg17_mldsa_param param, uint8_t *sig, const uint8_t *sk,
                         sg17_hash_alg ph, const uint8_t *msg, size_t msg_len, const uint8_t *ctx,
                         size_t ctx_len, unsigned flags)
{
    uint8_t oid[11], digest[64];
    size_t dlen = 0;
    const mldsa_params *p = check_args(param, sig, sk, msg, msg_len, ctx, ctx_len);
    if (!p)
        return SG17_E_INVAL;
    int rc = sg17_mldsa_prehash_oid(ph, oid, NULL);
    if (rc == 0)
        rc = prehash(ph, msg, msg_len, digest, &dlen);
    if (rc == 0)
        rc = sign_formatted(p, sig, sk, 1, ctx, ctx_len, oid, sizeof oid, digest, dlen, flags);
    return rc;
}

int sg17_mldsa_hash_sign_digest(sg17_mldsa_param param, uint8_t *sig, const uint8_t *sk,
                                sg17_hash_alg ph, const uint8_t *digest, size_t digest_len,
                                const uint8_t *ctx, size_t ctx_len, unsigned flags)
{
    uint8_t oid[11];
    size_t dlen = 0;
    const mldsa_params *p = check_args(param, sig, sk, digest, digest_len, ctx, ctx_len);
    if (!p)
        return SG17_E_INVAL;
    int rc = sg17_mldsa_prehash_oid(ph, oid, &dlen);
    if (rc != 0)
        return rc;
    if (digest_len != dlen)
        return SG17_E_INVAL;
    return sign_formatted(p, sig, sk, 1, ctx, ctx_len, oid, sizeof oid, digest, dlen, flags);
}

int sg17_mldsa_sign_internal(sg17_mldsa_param param, uint8_t *sig, const uint8_t *sk,
                             const uint8_t *mprime, size_t mprime_len, const uint8_t rnd[32])
{
    uint8_t mu[MLDSA_CRHBYTES];
    const mldsa_params *p = check_args(param, sig, sk, mprime, mprime_len, NULL, 0);
    if (!p)
        return SG17_E_INVAL;
    sg17_keccak_ctx st;
    mldsa_mu_init(&st, sk + 2 * MLDSA_SEEDBYTES);
    if (mprime_len)
        sg17_keccak_absorb(&st, mprime, mprime_len);
    sg17_keccak_finalize(&st);
    sg17_keccak_squeeze(&st, mu, sizeof mu);
    sg17_memzero(&st, sizeof st);
    return sg17_mldsa_sign_mu(param, sig, sk, mu, rnd);
}

int sg17_mldsa_sign_mu(sg17_mldsa_param param, uint8_t *sig, const uint8_t *sk,
                       const uint8_t mu[64], const uint8_t rnd[32])
{
    uint8_t fresh[MLDSA_RNDBYTES];
    const mldsa_params *p = check_args(param, sig, sk, mu, MLDSA_CRHBYTES, NULL, 0);
    if (!p)
        return SG17_E_INVAL;
    int rc = 0;
    if (!rnd) {
        rc = get_rnd(fresh, 0);
        rnd = fresh;
    }
    if (rc == 0)
        rc = mldsa_sign_mu_internal(p, sig, sk, mu, rnd);
    if (rc != 0)
        sg17_memzero(sig, p->sig_bytes);
    sg17_memzero(fresh, sizeof fresh);
    return rc;
}

/* Verify M' = domain || |ctx| || ctx || [oid] || body. */
static int verify_formatted(const mldsa_params *p, const uint8_t *sig, size_t sig_len,
                            const uint8_t *pk, size_t pk_len, int domain, const uint8_t *ctx,
                            size_t ctx_len, const uint8_t *oid, size_t oid_len,
                            const uint8_t *body, size_t body_len)
{
    uint8_t tr[MLDSA_TRBYTES], mu[MLDSA_CRHBYTES];
    sg17_keccak_ctx st;
    if (sig_len != p->sig_bytes || pk_len != p->pk_bytes)
        return SG17_E_FORMAT;
    mldsa_compute_tr(tr, pk, pk_len);
    mldsa_mu_init(&st, tr);
    if (domain >= 0)
        absorb_prefix(&st, (uint8_t)domain, ctx, ctx_len);
    if (oid_len)
        sg17_keccak_absorb(&st, oid, oid_len);
    if (body_len)
        sg17_keccak_absorb(&st, body, body_len);
    sg17_keccak_finalize(&st);
    sg17_keccak_squeeze(&st, mu, sizeof mu);
    return mldsa_verify_mu_internal(p, sig, pk, mu);
}

int sg17_mldsa_verify(sg17_mldsa_param param, const uint8_t *sig, size_t sig_len,
                      const uint8_t *pk, size_t pk_len, const uint8_t *msg, size_t msg_len,
                      const uint8_t *ctx, size_t ctx_len)
{
    const mldsa_params *p = check_args(param, sig, pk, msg, msg_len, ctx, ctx_len);
    if (!p)
        return SG17_E_INVAL;
    return verify_formatted(p, sig, sig_len, pk, pk_len, 0, ctx, ctx_len, NULL, 0, msg, msg_len);
}

int sg17_mldsa_hash_verify(sg17_mldsa_param param, const uint8_t *sig, size_t sig_len,
                           const uint8_t *pk, size_t pk_len, sg17_hash_alg ph, const uint8_t *msg,
                           size_t msg_len, const uint8_t *ctx, size_t ctx_len)
{
    uint8_t oid[11], digest[64];
    size_t dlen = 0;
    const mldsa_params *p = check_args(param, sig, pk, msg, msg_len, ctx, ctx_len);
    if (!p)
        return SG17_E_INVAL;
    int rc = sg17_mldsa_prehash_oid(ph, oid, NULL);
    if (rc == 0)
        rc = prehash(ph, msg, msg_len, digest, &dlen);
    if (rc != 0)
        return rc;
    return verify_formatted(p, sig, sig_len, pk, pk_len, 1, ctx, ctx_len, oid, sizeof oid, digest,
                            dlen);
}

int sg17_mldsa_verify_internal(sg17_mldsa_param param, const uint8_t *sig, size_t sig_len,
                               const uint8_t *pk, size_t pk_len, const uint8_t *mprime,
                               size_t mprime_len)
{
    const mldsa_params *p = check_args(param, sig, pk, mprime, mprime_len, NULL, 0);
    if (!p)
        return SG17_E_INVAL;
    return verify_formatted(p, sig, sig_len, pk, pk_len, -1, NULL, 0, NULL, 0, mprime,
                            mprime_len);
}

int sg17_mldsa_compute_mu(sg17_mldsa_param param, const uint8_t *pk, size_t pk_len,
                          const uint8_t *msg, size_t msg_len, const uint8_t *ctx, size_t ctx_len,
                          uint8_t mu[64])
{
    uint8_t tr[MLDSA_TRBYTES];
    sg17_keccak_ctx st;
    const mldsa_params *p = check_args(param, pk, mu, msg, msg_len, ctx, ctx_len);
    if (!p)
        return SG17_E_INVAL;
    if (pk_len != p->pk_bytes)
        return SG17_E_FORMAT;
    mldsa_compute_tr(tr, pk, pk_len);
    mldsa_mu_init(&st, tr);
    absorb_prefix(&st, 0, ctx, ctx_len);
    if (msg_len)
        sg17_keccak_absorb(&st, msg, msg_len);
    sg17_keccak_finalize(&st);
    sg17_keccak_squeeze(&st, mu, MLDSA_CRHBYTES);
    return 0;
}

int sg17_mldsa_verify_mu(sg17_mldsa_param param, const uint8_t *sig, size_t sig_len,
                         const uint8_t *pk, size_t pk_len, const uint8_t mu[64])
{
    const mldsa_params *p = check_args(param, sig, pk, mu, MLDSA_CRHBYTES, NULL, 0);
    if (!p)
        return SG17_E_INVAL;
    if (sig_len != p->sig_bytes || pk_len != p->pk_bytes)
        return SG17_E_FORMAT;
    return mldsa_verify_mu_internal(p, sig, pk, mu);
}

int sg17_mldsa_hash_verify_digest(sg17_mldsa_param param, const uint8_t *sig, size_t sig_len,
                                  const uint8_t *pk, size_t pk_len, sg17_hash_alg ph,
                                  const uint8_t *digest, size_t digest_len, const uint8_t *ctx,
                                  size_t ctx_len)
{
    uint8_t oid[11];
    size_t dlen = 0;
    const mldsa_params *p = check_args(param, sig, pk, digest, digest_len, ctx, ctx_len);
    if (!p)
        return SG17_E_INVAL;
    int rc = sg17_mldsa_prehash_oid(ph, oid, &dlen);
    if (rc != 0)
        return rc;
    if (digest_len != dlen)
        return SG17_E_INVAL;
    return verify_formatted(p, sig, sig_len, pk, pk_len, 1, ctx, ctx_len, oid, sizeof oid, digest,
                            dlen);
}
