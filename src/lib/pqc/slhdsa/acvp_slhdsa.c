/*
 * ACVP handler for SLH-DSA (draft-celi-acvp-slh-dsa): keyGen, sigGen
 * (external/internal interface, pure/preHash, deterministic or with
 * additionalRandomness) and sigVer. Every produced sigGen signature is also
 * checked with our verifier, and every expected one must verify.
 */
#include <stdlib.h>
#include <string.h>

#include "pqc/acvp_internal.h"
#include "slhdsa_internal.h"

static const struct {
    const char *name;
    sg17_hash_alg alg;
} acvp_hashes[] = {
    {"SHA2-224", SG17_HASH_SHA224},         {"SHA2-256", SG17_HASH_SHA256},
    {"SHA2-384", SG17_HASH_SHA384},         {"SHA2-512", SG17_HASH_SHA512},
    {"SHA2-512/224", SG17_HASH_SHA512_224}, {"SHA2-512/256", SG17_HASH_SHA512_256},
    {"SHA3-224", SG17_HASH_SHA3_224},       {"SHA3-256", SG17_HASH_SHA3_256},
    {"SHA3-384", SG17_HASH_SHA3_384},       {"SHA3-512", SG17_HASH_SHA3_512},
    {"SHAKE-128", SG17_HASH_SHAKE128},      {"SHAKE-256", SG17_HASH_SHAKE256},
};

static int hash_by_name(const char *s)
{
    for (size_t i = 0; s && i < sizeof(acvp_hashes) / sizeof(acvp_hashes[0]); i++)
        if (strcmp(s, acvp_hashes[i].name) == 0)
            return (int)acvp_hashes[i].alg;
    return -1;
}

static void keygen_case(const slh_params *pp, sg17_slhdsa_param p, const json_t *g, const json_t *t,
                        sg17_acvp_result *r)
{
    uint8_t *ss = NULL, *sp = NULL, *ps = NULL, *esk = NULL, *epk = NULL;
    size_t lss, lsp, lps, lsk, lpk;
    uint8_t pk[SG17_SLHDSA_MAX_PK_BYTES], sk[SG17_SLHDSA_MAX_SK_BYTES];
    if (sg17_acvp_hex(t, "skSeed", &ss, &lss) || sg17_acvp_hex(t, "skPrf", &sp, &lsp) ||
        sg17_acvp_hex(t, "pkSeed", &ps, &lps) || sg17_acvp_hex(t, "sk", &esk, &lsk) ||
        sg17_acvp_hex(t, "pk", &epk, &lpk) || lss != pp->n || lsp != pp->n || lps != pp->n) {
        sg17_acvp_skip(r, g, t, "missing or malformed keyGen fields");
    } else if (sg17_slhdsa_keygen_internal(p, ss, sp, ps, pk, sk) != 0) {
        sg17_acvp_fail(r, g, t, "keygen_internal returned an error");
    } else if (lsk != (size_t)4 * pp->n || lpk != (size_t)2 * pp->n || memcmp(sk, esk, lsk) != 0 ||
               memcmp(pk, epk, lpk) != 0) {
        sg17_acvp_fail(r, g, t, "key pair differs");
    } else {
        sg17_acvp_pass(r);
    }
    sg17_memzero(sk, sizeof(sk));
    free(ss), free(sp), free(ps), free(esk), free(epk);
}

/* Message framing of a group: internal interface signs the message as given. */
typedef struct {
    int internal, ph, deterministic;
} sig_mode;

static int get_mode(const json_t *g, const json_t *t, sig_mode *m, const char **why)
{
    const char *iface = sg17_acvp_str(g, "signatureInterface");
    const char *pre = sg17_acvp_str(g, "preHash");
    m->internal = iface && strcmp(iface, "internal") == 0;
    m->deterministic = sg17_acvp_bool(g, "deterministic");
    m->ph = 0;
    if (!m->internal && pre && strcmp(pre, "preHash") == 0) {
        m->ph = hash_by_name(sg17_acvp_str(t, "hashAlg"));
        if (m->ph < 0) {
            *why = "unsupported hashAlg";
            return -1;
        }
    }
    return 0;
}

static void siggen_case(const slh_params *pp, const json_t *g, const json_t *t, sg17_acvp_result *r)
{
    uint8_t *sk = NULL, *msg = NULL, *ctx = NULL, *rnd = NULL, *esig = NULL, *sig = NULL;
    size_t lsk, lmsg, lctx = 0, lrnd = 0, lsig;
    uint8_t pre[SLH_MAX_PREFIX];
    size_t pre_len = 0;
    const char *why = NULL;
    sig_mode md;

    if (get_mode(g, t, &md, &why) != 0) {
        sg17_acvp_skip(r, g, t, why);
        goto done;
    }
    if (!json_object_get(t, "signature")) {
        sg17_acvp_skip(r, g, t, "no expected signature in the file");
        goto done;
    }
    if (sg17_acvp_hex(t, "sk", &sk, &lsk) || sg17_acvp_hex(t, "message", &msg, &lmsg) ||
        sg17_acvp_hex(t, "signature", &esig, &lsig) || lsk != (size_t)4 * pp->n ||
        (!md.internal && sg17_acvp_hex(t, "context", &ctx, &lctx)) ||
        (md.deterministic == 0 &&
         (sg17_acvp_hex(t, "additionalRandomness", &rnd, &lrnd) || lrnd != pp->n))) {
        sg17_acvp_skip(r, g, t, "missing or malformed sigGen fields");
        goto done;
    }
    if (!md.internal && slh_build_prefix(md.ph, msg, lmsg, ctx, lctx, pre, &pre_len) != 0) {
        sg17_acvp_fail(r, g, t, "message encoding failed (context too long?)");
        goto done;
    }
    sig = malloc(pp->sig_bytes);
    if (!sig) {
        sg17_acvp_skip(r, g, t, "out of memory");
        goto done;
    }
    slh_msg m = {pre, pre_len, md.ph ? NULL : msg, md.ph ? 0 : lmsg};
    const uint8_t *pk = sk + (size_t)2 * pp->n;
    if (slh_sign_msg(pp, sig, &m, md.deterministic == 0 ? rnd : NULL, sk, NULL) != 0)
        sg17_acvp_fail(r, g, t, "sign returned an error");
    else if (lsig != pp->sig_bytes || memcmp(sig, esig, lsig) != 0)
        sg17_acvp_fail(r, g, t, "signature differs");
    else if (slh_verify_msg(pp, esig, lsig, &m, pk) != 0)
        sg17_acvp_fail(r, g, t, "expected signature does not verify");
    else
        sg17_acvp_pass(r);
done:
    if (sk)
        sg17_memzero(sk, lsk);
    free(sk), free(msg), free(ctx), free(rnd), free(esig), free(sig);
}

static void sigver_case(const slh_params *pp, const json_t *g, const json_t *t, sg17_acvp_result *r)
{
    uint8_t *pk = NULL, *msg = NULL, *ctx = NULL, *sig = NULL;
    size_t lpk, lmsg, lctx = 0, lsig;
    uint8_t pre[SLH_MAX_PREFIX];
    size_t pre_len = 0;
    const char *why = NULL;
    sig_mode md;
    int want = sg17_acvp_bool(t, "testPassed");

    if (get_mode(g, t, &md, &why) != 0) {
        sg17_acvp_skip(r, g, t, why);
        goto done;
    }
    if (want < 0 || sg17_acvp_hex(t, "pk", &pk, &lpk) || lpk != (size_t)2 * pp->n ||
        sg17_acvp_hex(t, "message", &msg, &lmsg) || sg17_acvp_hex(t, "signature", &sig, &lsig) ||
        (!md.internal && sg17_acvp_hex(t, "context", &ctx, &lctx))) {
        sg17_acvp_skip(r, g, t, "missing or malformed sigVer fields");
        goto done;
    }
    int got = 0;
    if (md.internal || slh_build_prefix(md.ph, msg, lmsg, ctx, lctx, pre, &pre_len) == 0) {
        slh_msg m = {pre, pre_len, md.ph ? NULL : msg, md.ph ? 0 : lmsg};
        got = slh_verify_msg(pp, sig, lsig, &m, pk) == 0;
    }
    if (got == want)
        sg17_acvp_pass(r);
    else
        sg17_acvp_fail(r, g, t, want ? "valid signature rejected" : "invalid signature accepted");
done:
    free(pk), free(msg), free(ctx), free(sig);
}

int sg17_acvp_slhdsa(const json_t *root, const char *algorithm, const char *mode,
                     sg17_acvp_result *r)
{
    const json_t *groups = json_object_get(root, "testGroups");
    size_t gi, ti;
    const json_t *g, *t;
    (void)algorithm;
    int kind = strcmp(mode, "keyGen") == 0   ? 0
               : strcmp(mode, "sigGen") == 0 ? 1
               : strcmp(mode, "sigVer") == 0 ? 2
                                             : -1;

    json_array_foreach(groups, gi, g)
    {
        sg17_slhdsa_param p;
        const char *ps = sg17_acvp_str(g, "parameterSet");
        int have = ps && sg17_slhdsa_from_name(ps, &p) == 0;
        const slh_params *pp = have ? slh_params_get(p) : NULL;
        json_array_foreach(json_object_get(g, "tests"), ti, t)
        {
            if (kind < 0)
                sg17_acvp_skip(r, g, t, "unknown SLH-DSA mode");
            else if (!pp)
                sg17_acvp_skip(r, g, t, "unknown parameterSet");
            else if (kind == 0)
                keygen_case(pp, p, g, t, r);
            else if (kind == 1)
                siggen_case(pp, g, t, r);
            else
                sigver_case(pp, g, t, r);
        }
    }
    return 0;
}
