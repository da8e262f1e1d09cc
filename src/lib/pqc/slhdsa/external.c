/*
 * SLH-DSA external functions (FIPS 205 §10): pure slh_sign/slh_verify
 * (Alg. 22/24) and HashSLH-DSA hash_slh_sign/hash_slh_verify (Alg. 23/25)
 * with the §10.2.2 pre-hash functions and their DER-encoded OIDs.
 */
#include <string.h>

#include "slhdsa_internal.h"

/* OIDs 2.16.840.1.101.3.4.2.x, DER-encoded: 06 09 60 86 48 01 65 03 04 02 x. */
static int ph_oid_last(sg17_hash_alg ph)
{
    switch (ph) {
    case SG17_HASH_SHA256: return 0x01;
    case SG17_HASH_SHA384: return 0x02;
    case SG17_HASH_SHA512: return 0x03;
    case SG17_HASH_SHA224: return 0x04;
    case SG17_HASH_SHA512_224: return 0x05;
    case SG17_HASH_SHA512_256: return 0x06;
    case SG17_HASH_SHA3_224: return 0x07;
    case SG17_HASH_SHA3_256: return 0x08;
    case SG17_HASH_SHA3_384: return 0x09;
    case SG17_HASH_SHA3_512: return 0x0A;
    case SG17_HASH_SHAKE128: return 0x0B;
    case SG17_HASH_SHAKE256: return 0x0C;
    default: return -1;
    }
}

/* PH(M) per §10.2.2; SHA-3 and SHAKE via our Keccak, SHA-2 via OpenSSL. */
static int ph_digest(sg17_hash_alg ph, const uint8_t *msg, size_t len, uint8_t *out,
                     size_t *out_len)
{
    sg17_keccak_ctx k;
    size_t dl;
    switch (ph) {
    case SG17_HASH_SHA3_224:
        sg17_sha3_224_init(&k);
        dl = 28;
        break;
    case SG17_HASH_SHA3_256:
        sg17_sha3_256_init(&k);
        dl = 32;
        break;
    case SG17_HASH_SHA3_384:
        sg17_sha3_384_init(&k);
        dl = 48;
        break;
    case SG17_HASH_SHA3_512:
        sg17_sha3_512_init(&k);
        dl = 64;
        break;
    case SG17_HASH_SHAKE128:
        sg17_shake128_init(&k);
        dl = 32;
        break;
    case SG17_HASH_SHAKE256:
        sg17_shake256_init(&k);
        dl = 64;
        break;
    default: {
        dl = sg17_hash_len(ph);
        if (dl == 0 || dl > 64)
            return SG17_E_UNSUPPORTED;
        int rc = sg17_hash(ph, msg, len, out);
        if (rc != 0)
            return rc;
        *out_len = dl;
        return 0;
    }
    }
    if (len)
        sg17_keccak_absorb(&k, msg, len);
    sg17_keccak_finalize(&k);
    sg17_keccak_squeeze(&k, out, dl);
    *out_len = dl;
    return 0;
}

int slh_build_prefix(int ph, const uint8_t *msg, size_t msg_len, const uint8_t *ctx, size_t ctx_len,
                     uint8_t pre[SLH_MAX_PREFIX], size_t *len)
{
    if (ctx_len > SG17_SLHDSA_MAX_CTX_BYTES)
        return SG17_E_INVAL;
    pre[0] = ph ? 1 : 0;
    pre[1] = (uint8_t)ctx_len;
    if (ctx_len)
        memcpy(pre + 2, ctx, ctx_len);
    size_t off = 2 + ctx_len;
    if (ph) {
        static const uint8_t oid[10] = {0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02};
        int last = ph_oid_last((sg17_hash_alg)ph);
        size_t dl = 0;
        if (last < 0)
            return SG17_E_UNSUPPORTED;
        memcpy(pre + off, oid, sizeof(oid));
        pre[off + 10] = (uint8_t)last;
        off += 11;
        int rc = ph_digest((sg17_hash_alg)ph, msg, msg_len, pre + off, &dl);
        if (rc != 0)
            return rc;
        off += dl;
    }
    *len = off;
    return 0;
}

enum { MODE_HEDGED, MODE_DETERMINISTIC };

static int sign_ext(sg17_slhdsa_param p, int ph, uint8_t *sig, size_t sig_len, const uint8_t *msg,
                    size_t msg_len, const uint8_t *ctx, size_t ctx_len, const uint8_t *sk, int mode)
{
    const slh_params *pp = slh_params_get(p);
    uint8_t pre[SLH_MAX_PREFIX], addrnd[SLH_MAX_N];
    size_t pre_len = 0;
    int rc;

    if (!pp || !sig || !sk || (!msg && msg_len) || (!ctx && ctx_len))
        return SG17_E_INVAL;
    if (sig_len != pp->sig_bytes || ctx_len > SG17_SLHDSA_MAX_CTX_BYTES) {
        sg17_memzero(sig, sig_len);
        return SG17_E_INVAL;
    }
    rc = slh_build_prefix(ph, msg, msg_len, ctx, ctx_len, pre, &pre_len);
    if (rc == 0 && mode == MODE_HEDGED && sg17_randombytes(addrnd, pp->n) != 0)
        rc = SG17_E_RNG;
    if (rc == 0) {
        /* Pre-hash: M' already holds PH(M); the message itself is not signed again. */
        slh_msg m = {pre, pre_len, ph ? NULL : msg, ph ? 0 : msg_len};
        rc = slh_sign_msg(pp, sig, &m, mode == MODE_HEDGED ? addrnd : NULL, sk, NULL);
    }
    if (rc != 0)
        sg17_memzero(sig, sig_len);
    sg17_memzero(addrnd, sizeof(addrnd));
    return rc;
}

static int verify_ext(sg17_slhdsa_param p, int ph, const uint8_t *sig, size_t sig_len,
                      const uint8_t *msg, size_t msg_len, const uint8_t *ctx, size_t ctx_len,
                      const uint8_t *pk)
{
    const slh_params *pp = slh_params_get(p);
    uint8_t pre[SLH_MAX_PREFIX];
    size_t pre_len = 0;

    if (!pp || !sig || !pk || (!msg && msg_len) || (!ctx && ctx_len) ||
        ctx_len > SG17_SLHDSA_MAX_CTX_BYTES)
        return SG17_E_INVAL;
    int rc = slh_build_prefix(ph, msg, msg_len, ctx, ctx_len, pre, &pre_len);
    if (rc != 0)
        return rc;
    slh_msg m = {pre, pre_len, ph ? NULL : msg, ph ? 0 : msg_len};
    return slh_verify_msg(pp, sig, sig_len, &m, pk);
}

int sg17_slhdsa_sign(sg17_slhdsa_param p, uint8_t *sig, size_t sig_len, const uint8_t *msg,
                     size_t msg_len, const uint8_t *ctx, size_t ctx_len, const uint8_t *sk)
{
    return sign_ext(p, 0, sig, sig_len, msg, msg_len, ctx, ctx_len, sk, MODE_HEDGED);
}

int sg17_slhdsa_sign_deterministic(sg17_slhdsa_param p, uint8_t *sig, size_t sig_len,
                                   const uint8_t *msg, size_t msg_len, const uint8_t *ctx,
                                   size_t ctx_len, const uint8_t *sk)
{
    return sign_ext(p, 0, sig, sig_len, msg, msg_len, ctx, ctx_len, sk, MODE_DETERMINISTIC);
}

int sg17_slhdsa_verify(sg17_slhdsa_param p, const uint8_t *sig, size_t sig_len, const uint8_t *msg,
                       size_t msg_len, const uint8_t *ctx, size_t ctx_len, const uint8_t *pk)
{
    return verify_ext(p, 0, sig, sig_len, msg, msg_len, ctx, ctx_len, pk);
}

static int ph_ok(sg17_hash_alg ph)
{
    return ph_oid_last(ph) >= 0;
}

int sg17_slhdsa_hash_sign(sg17_slhdsa_param p, sg17_hash_alg ph, uint8_t *sig, size_t sig_len,
                          const uint8_t *msg, size_t msg_len, const uint8_t *ctx, size_t ctx_len,
                          const uint8_t *sk)
{
    if (!ph_ok(ph))
        return SG17_E_UNSUPPORTED;
    return sign_ext(p, (int)ph, sig, sig_len, msg, msg_len, ctx, ctx_len, sk, MODE_HEDGED);
}

int sg17_slhdsa_hash_sign_deterministic(sg17_slhdsa_param p, sg17_hash_alg ph, uint8_t *sig,
                                        size_t sig_len, const uint8_t *msg, size_t msg_len,
                                        const uint8_t *ctx, size_t ctx_len, const uint8_t *sk)
{
    if (!ph_ok(ph))
        return SG17_E_UNSUPPORTED;
    return sign_ext(p, (int)ph, sig, sig_len, msg, msg_len, ctx, ctx_len, sk, MODE_DETERMINISTIC);
}

int sg17_slhdsa_hash_verify(sg17_slhdsa_param p, sg17_hash_alg ph, const uint8_t *sig,
                            size_t sig_len, const uint8_t *msg, size_t msg_len, const uint8_t *ctx,
                            size_t ctx_len, const uint8_t *pk)
{
    if (!ph_ok(ph))
        return SG17_E_UNSUPPORTED;
    return verify_ext(p, (int)ph, sig, sig_len, msg, msg_len, ctx, ctx_len, pk);
}
