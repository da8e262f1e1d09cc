/*
 * ACVP handler for ML-DSA (draft-celi-acvp-ml-dsa, FIPS 204): keyGen
 * (seed -> pk, sk), sigGen and sigVer over every group shape: signature
 * interface external (pure / preHash with hashAlg) or internal (message M'
 * or externalMu), deterministic or with the given rnd, and the tr1
 * keyFormat (seed / expanded). Signing goes through the public API; a given
 * rnd is fed through the test RNG hook (sg17_rng_set_source).
 */
#include <stdlib.h>
#include <string.h>

#include "pqc/acvp_internal.h"
#include "sg17/crypto.h"
#include "sg17/mldsa.h"

static int parse_param(const char *s, sg17_mldsa_param *p)
{
    if (!s)
        return -1;
    if (strcmp(s, "ML-DSA-44") == 0)
        *p = SG17_MLDSA_44;
    else if (strcmp(s, "ML-DSA-65") == 0)
        *p = SG17_MLDSA_65;
    else if (strcmp(s, "ML-DSA-87") == 0)
        *p = SG17_MLDSA_87;
    else
        return -1;
    return 0;
}

/* ACVP hashAlg names (FIPS 204 §5.4.1 list). */
static int parse_hash(const char *s, sg17_hash_alg *h)
{
    static const struct {
        const char *name;
        sg17_hash_alg alg;
    } map[] = {
        {"SHA2-224", SG17_HASH_SHA224},         {"SHA2-256", SG17_HASH_SHA256},
        {"SHA2-384", SG17_HASH_SHA384},         {"SHA2-512", SG17_HASH_SHA512},
        {"SHA2-512/224", SG17_HASH_SHA512_224}, {"SHA2-512/256", SG17_HASH_SHA512_256},
        {"SHA3-224", SG17_HASH_SHA3_224},       {"SHA3-256", SG17_HASH_SHA3_256},
        {"SHA3-384", SG17_HASH_SHA3_384},       {"SHA3-512", SG17_HASH_SHA3_512},
        {"SHAKE-128", SG17_HASH_SHAKE128},      {"SHAKE-256", SG17_HASH_SHAKE256},
    };
    if (!s)
        return -1;
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++) {
        if (strcmp(s, map[i].name) == 0) {
            *h = map[i].alg;
            return 0;
        }
    }
    return -1;
}

/* A test's decoded hex fields (NULL/0 when absent). */
typedef struct fields {
    uint8_t *seed, *sk, *pk, *msg, *mu, *ctx, *rnd, *sig;
    size_t seed_n, sk_n, pk_n, msg_n, mu_n, ctx_n, rnd_n, sig_n;
} fields;

static void opt_hex(const json_t *t, const char *key, uint8_t **b, size_t *n, int *bad)
{
    *b = NULL;
    *n = 0;
    if (json_object_get(t, key) == NULL)
        return;
    if (sg17_acvp_hex(t, key, b, n) != 0)
        *bad = 1;
}

static int fields_get(fields *f, const json_t *t)
{
    int bad = 0;
    opt_hex(t, "seed", &f->seed, &f->seed_n, &bad);
    opt_hex(t, "sk", &f->sk, &f->sk_n, &bad);
    opt_hex(t, "pk", &f->pk, &f->pk_n, &bad);
    opt_hex(t, "message", &f->msg, &f->msg_n, &bad);
    opt_hex(t, "mu", &f->mu, &f->mu_n, &bad);
    opt_hex(t, "context", &f->ctx, &f->ctx_n, &bad);
    opt_hex(t, "rnd", &f->rnd, &f->rnd_n, &bad);
    opt_hex(t, "signature", &f->sig, &f->sig_n, &bad);
    return bad ? -1 : 0;
}

static void fields_free(fields *f)
{
    if (f->seed)
        sg17_memzero(f->seed, f->seed_n);
    if (f->sk)
        sg17_memzero(f->sk, f->sk_n);
    free(f->seed);
    free(f->sk);
    free(f->pk);
    free(f->msg);
    free(f->mu);
    free(f->ctx);
    free(f->rnd);
    free(f->sig);
}

/* Test RNG: hands out the vector's rnd exactly once. */
typedef struct fixed_rng {
    const uint8_t *b;
    size_t n;
} fixed_rng;

static int fixed_rng_fn(void *ctx, uint8_t *out, size_t len)
{
    fixed_rng *f = ctx;
    if (f->b == NULL || len != f->n)
        return -1;
    memcpy(out, f->b, len);
    f->b = NULL;
    return 0;
}

static void do_keygen(sg17_mldsa_param p, const json_t *g, const json_t *t, sg17_acvp_result *r)
{
    uint8_t pk[SG17_MLDSA_MAX_PUBLICKEY_BYTES], sk[SG17_MLDSA_MAX_SECRETKEY_BYTES];
    fields f;
    memset(&f, 0, sizeof f);
    if (fields_get(&f, t) != 0 || f.seed_n != 32 || !f.pk || !f.sk)
        sg17_acvp_fail(r, g, t, "malformed seed/pk/sk");
    else if (sg17_mldsa_keygen_from_seed(p, f.seed, pk, sk) != 0)
        sg17_acvp_fail(r, g, t, "keygen failed");
    else if (f.pk_n != sg17_mldsa_publickey_bytes(p) || memcmp(pk, f.pk, f.pk_n) != 0)
        sg17_acvp_fail(r, g, t, "pk differs");
    else if (f.sk_n != sg17_mldsa_secretkey_bytes(p) || memcmp(sk, f.sk, f.sk_n) != 0)
        sg17_acvp_fail(r, g, t, "sk differs");
    else
        sg17_acvp_pass(r);
    sg17_memzero(sk, sizeof sk);
    fields_free(&f);
}

/* Group shape shared by sigGen and sigVer. */
typedef struct shape {
    int external;   /* signatureInterface external (else internal) */
    int prehash;    /* preHash == "preHash" */
    int ext_mu;     /* externalMu */
    int det;        /* deterministic (sigGen) */
    int seed_key;   /* keyFormat == "seed" (tr1) */
} shape;

static const char *read_shape(const json_t *g, shape *s)
{
    const char *iface = sg17_acvp_str(g, "signatureInterface");
    const char *ph = sg17_acvp_str(g, "preHash");
    const char *kf = sg17_acvp_str(g, "keyFormat");
    memset(s, 0, sizeof *s);
    if (!iface || (strcmp(iface, "external") != 0 && strcmp(iface, "internal") != 0))
        return "unknown signatureInterface";
    s->external = strcmp(iface, "external") == 0;
    s->prehash = ph && strcmp(ph, "preHash") == 0;
    s->ext_mu = sg17_acvp_bool(g, "externalMu") == 1;
    s->det = sg17_acvp_bool(g, "deterministic") == 1;
    if (kf && strcmp(kf, "seed") != 0 && strcmp(kf, "expanded") != 0)
        return "unknown keyFormat";
    s->seed_key = kf && strcmp(kf, "seed") == 0;
    if (s->external && s->ext_mu)
        return "externalMu with the external interface";
    if (!s->external && s->prehash)
        return "preHash with the internal interface";
    return NULL;
}

/* Sign one test case per its shape; 0 or an error code. */
static int sign_case(sg17_mldsa_param p, const shape *s, const fields *f, sg17_hash_alg ph,
                     const uint8_t *sk, uint8_t *sig)
{
    static const uint8_t zero_rnd[32] = {0};
    const uint8_t *rnd = s->det ? zero_rnd : f->rnd;
    unsigned flags = s->det ? SG17_MLDSA_DETERMINISTIC : 0;
    fixed_rng src = {f->rnd, f->rnd_n};
    int rc;
    if (!s->det && f->rnd_n != 32)
        return SG17_E_FORMAT;
    if (!s->external) {
        if (s->ext_mu)
            return f->mu_n == 64 ? sg17_mldsa_sign_mu(p, sig, sk, f->mu, rnd) : SG17_E_FORMAT;
        return sg17_mldsa_sign_internal(p, sig, sk, f->msg, f->msg_n, rnd);
    }
    if (!s->det)
        sg17_rng_set_source(fixed_rng_fn, &src);
    if (s->prehash)
        rc = sg17_mldsa_hash_sign(p, sig, sk, ph, f->msg, f->msg_n, f->ctx, f->ctx_n, flags);
    else
        rc = sg17_mldsa_sign(p, sig, sk, f->msg, f->msg_n, f->ctx, f->ctx_n, flags);
    if (!s->det)
        sg17_rng_set_source(NULL, NULL);
    return rc;
}

static void do_siggen(sg17_mldsa_param p, const json_t *g, const json_t *t, sg17_acvp_result *r)
{
    uint8_t pk[SG17_MLDSA_MAX_PUBLICKEY_BYTES], skbuf[SG17_MLDSA_MAX_SECRETKEY_BYTES];
    uint8_t sig[SG17_MLDSA_MAX_SIGNATURE_BYTES];
    sg17_hash_alg ph = SG17_HASH_SHA256;
    const uint8_t *sk = NULL;
    shape s;
    fields f;
    memset(&f, 0, sizeof f);
    const char *why = read_shape(g, &s);
    if (why) {
        sg17_acvp_skip(r, g, t, why);
        return;
    }
    if (fields_get(&f, t) != 0) {
        sg17_acvp_fail(r, g, t, "malformed hex field");
    } else if (s.prehash && parse_hash(sg17_acvp_str(t, "hashAlg"), &ph) != 0) {
        sg17_acvp_skip(r, g, t, "unsupported hashAlg");
    } else {
        if (s.seed_key && f.seed_n == 32 &&
            sg17_mldsa_keygen_from_seed(p, f.seed, pk, skbuf) == 0)
            sk = skbuf;
        else if (!s.seed_key && f.sk_n == sg17_mldsa_secretkey_bytes(p))
            sk = f.sk;
        int rc = sk ? sign_case(p, &s, &f, ph, sk, sig) : SG17_E_FORMAT;
        if (rc != 0)
            sg17_acvp_fail(r, g, t, sg17_strerror(rc));
        else if (f.sig_n != sg17_mldsa_signature_bytes(p) || memcmp(sig, f.sig, f.sig_n) != 0)
            sg17_acvp_fail(r, g, t, "signature differs");
        else
            sg17_acvp_pass(r);
    }
    sg17_memzero(skbuf, sizeof skbuf);
    fields_free(&f);
}

static void do_sigver(sg17_mldsa_param p, const json_t *g, const json_t *t, sg17_acvp_result *r)
{
    sg17_hash_alg ph = SG17_HASH_SHA256;
    shape s;
    fields f;
    memset(&f, 0, sizeof f);
    const char *why = read_shape(g, &s);
    int expect = sg17_acvp_bool(t, "testPassed");
    if (why) {
        sg17_acvp_skip(r, g, t, why);
        return;
    }
    if (fields_get(&f, t) != 0 || expect < 0 || !f.pk || !f.sig) {
        sg17_acvp_fail(r, g, t, "malformed test case");
    } else if (s.prehash && parse_hash(sg17_acvp_str(t, "hashAlg"), &ph) != 0) {
        sg17_acvp_skip(r, g, t, "unsupported hashAlg");
    } else {
        int rc;
        if (!s.external && s.ext_mu)
            rc = f.mu_n == 64 ? sg17_mldsa_verify_mu(p, f.sig, f.sig_n, f.pk, f.pk_n, f.mu)
                              : SG17_E_FORMAT;
        else if (!s.external)
            rc = sg17_mldsa_verify_internal(p, f.sig, f.sig_n, f.pk, f.pk_n, f.msg, f.msg_n);
        else if (s.prehash)
            rc = sg17_mldsa_hash_verify(p, f.sig, f.sig_n, f.pk, f.pk_n, ph, f.msg, f.msg_n,
                                        f.ctx, f.ctx_n);
        else
            rc = sg17_mldsa_verify(p, f.sig, f.sig_n, f.pk, f.pk_n, f.msg, f.msg_n, f.ctx,
                                   f.ctx_n);
        if ((rc == 0) != (expect == 1))
            sg17_acvp_fail(r, g, t, expect ? "valid signature rejected" : "invalid accepted");
        else
            sg17_acvp_pass(r);
    }
    fields_free(&f);
}

int sg17_acvp_mldsa(const json_t *root, const char *algorithm, const char *mode,
                    sg17_acvp_result *r)
{
    void (*fn)(sg17_mldsa_param, const json_t *, const json_t *, sg17_acvp_result *) = NULL;
    size_t gi, ti;
    const json_t *g, *t;
    if (strcmp(algorithm, "ML-DSA") != 0)
        return SG17_E_UNSUPPORTED;
    if (strcmp(mode, "keyGen") == 0)
        fn = do_keygen;
    else if (strcmp(mode, "sigGen") == 0)
        fn = do_siggen;
    else if (strcmp(mode, "sigVer") == 0)
        fn = do_sigver;
    json_array_foreach(json_object_get(root, "testGroups"), gi, g)
    {
        sg17_mldsa_param p = SG17_MLDSA_44;
        int ok = fn != NULL && parse_param(sg17_acvp_str(g, "parameterSet"), &p) == 0;
        json_array_foreach(json_object_get(g, "tests"), ti, t)
        {
            if (ok)
                fn(p, g, t, r);
            else
                sg17_acvp_skip(r, g, t, fn ? "unknown parameterSet" : "unknown mode");
        }
    }
    return 0;
}
