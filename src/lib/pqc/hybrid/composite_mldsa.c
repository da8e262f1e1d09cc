/*
 * Composite ML-DSA-65 + Ed25519 (id-MLDSA65-Ed25519-SHA512),
 * draft-ietf-lamps-pq-composite-sigs-19: KeyGen (§3.1), Sign (§3.2),
 * Verify (§3.3) and the concatenation serialisations of §4.
 */
#include <string.h>

#include "sg17/crypto.h"
#include "sg17/hybrid.h"
#include "sg17/mldsa.h"

#define MLDSA_PK SG17_MLDSA65_PUBLICKEY_BYTES
#define MLDSA_SIG SG17_MLDSA65_SIGNATURE_BYTES

/* §2.2: Prefix = ASCII "CompositeAlgorithmSignatures2025"; §6 Label. */
static const char composite_prefix[] = "CompositeAlgorithmSignatures2025";
static const char composite_label[] = "COMPSIG-MLDSA65-Ed25519-SHA512";
#define PREFIX_LEN (sizeof composite_prefix - 1)
#define LABEL_LEN (sizeof composite_label - 1)
#define MPRIME_MAX (PREFIX_LEN + LABEL_LEN + 1 + 255 + 64)

/* M' = Prefix || Label || len(ctx) || ctx || SHA512(M); returns its length. */
static size_t message_representative(uint8_t out[MPRIME_MAX], const uint8_t *msg, size_t msg_len,
                                     const uint8_t *ctx, size_t ctx_len)
{
    size_t o = 0;
    memcpy(out, composite_prefix, PREFIX_LEN);
    o += PREFIX_LEN;
    memcpy(out + o, composite_label, LABEL_LEN);
    o += LABEL_LEN;
    out[o++] = (uint8_t)ctx_len;
    if (ctx_len) {
        memcpy(out + o, ctx, ctx_len);
        o += ctx_len;
    }
    sg17_sha512(out + o, msg, msg_len);
    return o + 64;
}

int sg17_hybrid_mldsa65_ed25519_public(uint8_t pk[1984], const uint8_t sk[64])
{
    uint8_t mldsa_sk[SG17_MLDSA65_SECRETKEY_BYTES];
    if (!pk || !sk)
        return SG17_E_INVAL;
    int rc = sg17_mldsa_keygen_from_seed(SG17_MLDSA_65, sk, pk, mldsa_sk);
    sg17_memzero(mldsa_sk, sizeof mldsa_sk);
    if (rc == 0)
        rc = sg17_ed25519_public(pk + MLDSA_PK, sk + 32);
    if (rc != 0)
        sg17_memzero(pk, SG17_HYBRID_MLDSA65_ED25519_PUBLICKEY_BYTES);
    return rc;
}

int sg17_hybrid_mldsa65_ed25519_keygen(uint8_t pk[1984], uint8_t sk[64])
{
    uint8_t mldsa_sk[SG17_MLDSA65_SECRETKEY_BYTES];
    if (!pk || !sk)
        return SG17_E_INVAL;
    /* both components freshly generated (§3.1: no key reuse) */
    int rc = sg17_mldsa_keygen(SG17_MLDSA_65, pk, mldsa_sk, sk);
    if (rc == 0)
        rc = sg17_ed25519_keygen(sk + 32, pk + MLDSA_PK);
    sg17_memzero(mldsa_sk, sizeof mldsa_sk);
    if (rc != 0) {
        sg17_memzero(sk, SG17_HYBRID_MLDSA65_ED25519_SECRETKEY_BYTES);
        sg17_memzero(pk, SG17_HYBRID_MLDSA65_ED25519_PUBLICKEY_BYTES);
    }
    return rc;
}

int sg17_hybrid_mldsa65_ed25519_sign(uint8_t sig[3373], const uint8_t sk[64], const uint8_t *msg,
                                     size_t msg_len, const uint8_t *ctx, size_t ctx_len)
{
    uint8_t mprime[MPRIME_MAX];
    if (!sig || !sk || (msg_len && !msg) || (ctx_len && !ctx) || ctx_len > 255)
        return SG17_E_INVAL;
    size_t mp_len = message_representative(mprime, msg, msg_len, ctx, ctx_len);
    /* ML-DSA.Sign(mldsaSK, M', ctx = Label), key regenerated from the seed */
    int rc = sg17_mldsa_sign_seed(SG17_MLDSA_65, sig, sk, mprime, mp_len,
                                  (const uint8_t *)composite_label, LABEL_LEN, 0);
    if (rc == 0)
        rc = sg17_ed25519_sign(sig + MLDSA_SIG, sk + 32, mprime, mp_len);
    if (rc != 0)
        sg17_memzero(sig, SG17_HYBRID_MLDSA65_ED25519_SIGNATURE_BYTES);
    return rc;
}

int sg17_hybrid_mldsa65_ed25519_verify(const uint8_t *sig, size_t sig_len, const uint8_t *pk,
                                       size_t pk_len, const uint8_t *msg, size_t msg_len,
                                       const uint8_t *ctx, size_t ctx_len)
{
    uint8_t mprime[MPRIME_MAX];
    if (!sig || !pk || (msg_len && !msg) || (ctx_len && !ctx) || ctx_len > 255)
        return SG17_E_INVAL;
    /* §4: fixed component sizes (Ed25519 keys and signatures are fixed too) */
    if (sig_len != SG17_HYBRID_MLDSA65_ED25519_SIGNATURE_BYTES ||
        pk_len != SG17_HYBRID_MLDSA65_ED25519_PUBLICKEY_BYTES)
        return SG17_E_FORMAT;
    size_t mp_len = message_representative(mprime, msg, msg_len, ctx, ctx_len);
    int rc = sg17_mldsa_verify(SG17_MLDSA_65, sig, MLDSA_SIG, pk, MLDSA_PK, mprime, mp_len,
                               (const uint8_t *)composite_label, LABEL_LEN);
    if (rc != 0)
        return rc;
    /* SG17_E_VERIFY (bad signature), SG17_E_FORMAT (unusable Ed25519 key), ... */
    return sg17_ed25519_verify(sig + MLDSA_SIG, pk + MLDSA_PK, mprime, mp_len);
}
