/*
 * SLH-DSA (FIPS 205) sign/verify properties and negative tests. ACVP has
 * no SLH-DSA sigVer vectors here, so invalid signatures are made by
 * mutating valid ones in every region: R, FORS secret values and
 * authentication paths, the WOTS+ signature and authentication path of
 * every hypertree layer, the length, the context, the message, the key and
 * the pure/pre-hash domain.
 */
#include <stdlib.h>
#include <string.h>

#include "sg17/cpu.h"
#include "sg17/crypto.h"
#include "sg17/slhdsa.h"
#include "tap.h"

/* Layout (FIPS 205 Fig. 17): R | FORS: k x (sk | a auth) | HT: d x (WOTS len | auth h'). */
typedef struct {
    size_t n, k, a, d, hp, len;
} layout;

static layout layout_of(sg17_slhdsa_param p)
{
    static const size_t t[6][4] = {{14, 12, 7, 9}, {33, 6, 22, 3}, {17, 14, 7, 9},
                                   {33, 8, 22, 3}, {22, 14, 8, 8}, {35, 9, 17, 4}};
    layout l;
    l.n = sg17_slhdsa_n_bytes(p);
    l.k = t[p % 6][0];
    l.a = t[p % 6][1];
    l.d = t[p % 6][2];
    l.hp = t[p % 6][3];
    l.len = 2 * l.n + 3;
    return l;
}

static const uint8_t *g_sig;
static size_t g_sig_len;

static int flip_rejects(sg17_slhdsa_param p, uint8_t *sig, size_t off, const uint8_t *msg,
                        size_t mlen, const uint8_t *ctx, size_t clen, const uint8_t *pk)
{
    sig[off] ^= 0x01;
    int rc = sg17_slhdsa_verify(p, sig, g_sig_len, msg, mlen, ctx, clen, pk);
    sig[off] ^= 0x01;
    return rc == SG17_E_VERIFY;
}

/* A randomness source that fails (after scribbling zeros). */
static int fail_rng(void *ctx, uint8_t *out, size_t len)
{
    (void)ctx;
    memset(out, 0, len);
    return -1;
}

static void mutations(sg17_slhdsa_param p)
{
    const char *name = sg17_slhdsa_name(p);
    size_t pkl = sg17_slhdsa_pk_bytes(p), skl = sg17_slhdsa_sk_bytes(p),
           sl = sg17_slhdsa_sig_bytes(p);
    layout L = layout_of(p);
    uint8_t pk[SG17_SLHDSA_MAX_PK_BYTES], sk[SG17_SLHDSA_MAX_SK_BYTES];
    uint8_t *sig = malloc(sl + 1), *sig2 = malloc(sl);
    uint8_t msg[100], ctx[256];
    tap_rand_bytes(msg, sizeof(msg));
    tap_rand_bytes(ctx, sizeof(ctx));
    const size_t clen = 17;

    tap_int_eq(sl, L.n + L.k * (L.a + 1) * L.n + (L.d * (L.len + L.hp)) * L.n, "sig size layout");
    tap_int_eq(sg17_slhdsa_keygen(p, pk, sk), 0, "keygen");
    tap_mem_eq(pk, sk + 2 * L.n, pkl, "pk = PK.seed || PK.root inside sk");
    {
        uint8_t pk2[SG17_SLHDSA_MAX_PK_BYTES], sk2[SG17_SLHDSA_MAX_SK_BYTES];
        tap_int_eq(sg17_slhdsa_keygen_internal(p, sk, sk + L.n, sk + 2 * L.n, pk2, sk2), 0,
                   "keygen_internal");
        tap_mem_eq(sk2, sk, skl, "keygen_internal reproduces sk from its seeds");
    }

    tap_int_eq(sg17_slhdsa_sign(p, sig, sl, msg, sizeof(msg), ctx, clen, sk), 0, "hedged sign");
    g_sig = sig;
    g_sig_len = sl;
    tap_int_eq(sg17_slhdsa_verify(p, sig, sl, msg, sizeof(msg), ctx, clen, pk), 0,
               "hedged signature verifies");

    /* Every region of the signature. */
    int all = 1;
    size_t fors = L.n, ht = L.n + L.k * (L.a + 1) * L.n;
    all &= tap_ok(flip_rejects(p, sig, 0, msg, sizeof(msg), ctx, clen, pk), "%s: R[0]", name);
    all &=
        tap_ok(flip_rejects(p, sig, L.n - 1, msg, sizeof(msg), ctx, clen, pk), "%s: R[n-1]", name);
    for (size_t i = 0; i < L.k; i += (L.k - 1)) {
        size_t t = fors + i * (L.a + 1) * L.n;
        all &= tap_ok(flip_rejects(p, sig, t, msg, sizeof(msg), ctx, clen, pk),
                      "%s: FORS tree %zu secret value", name, i);
        all &= tap_ok(flip_rejects(p, sig, t + L.n, msg, sizeof(msg), ctx, clen, pk),
                      "%s: FORS tree %zu auth[0]", name, i);
        all &=
            tap_ok(flip_rejects(p, sig, t + L.a * L.n + L.n - 1, msg, sizeof(msg), ctx, clen, pk),
                   "%s: FORS tree %zu auth[a-1]", name, i);
    }
    for (size_t j = 0; j < L.d; j++) {
        size_t x = ht + j * (L.len + L.hp) * L.n;
        int ok =
            flip_rejects(p, sig, x, msg, sizeof(msg), ctx, clen, pk) &&
            flip_rejects(p, sig, x + (L.len - 1) * L.n, msg, sizeof(msg), ctx, clen, pk) &&
            flip_rejects(p, sig, x + L.len * L.n, msg, sizeof(msg), ctx, clen, pk) &&
            flip_rejects(p, sig, x + (L.len + L.hp) * L.n - 1, msg, sizeof(msg), ctx, clen, pk);
        all &= tap_ok(ok, "%s: HT layer %zu: WOTS chain 0, checksum chain, auth[0], auth[h'-1]",
                      name, j);
    }
    /* Every n-byte node of the first FORS tree and of the top XMSS
     * signature (one byte each, at a position that walks through the node). */
    int every = 1;
    for (size_t e = 0; e < L.a + 1; e++)
        every &=
            flip_rejects(p, sig, fors + e * L.n + (e * 5) % L.n, msg, sizeof(msg), ctx, clen, pk);
    for (size_t e = 0; e < L.len + L.hp; e++)
        every &= flip_rejects(p, sig, sl - (L.len + L.hp - e) * L.n + (e * 7) % L.n, msg,
                              sizeof(msg), ctx, clen, pk);
    tap_ok(every, "%s: every node of FORS tree 0 and of the top XMSS signature", name);

    /* Length. */
    sig[sl] = 0;
    tap_int_eq(sg17_slhdsa_verify(p, sig, sl - 1, msg, sizeof(msg), ctx, clen, pk), SG17_E_FORMAT,
               "truncated signature rejected");
    tap_int_eq(sg17_slhdsa_verify(p, sig, sl + 1, msg, sizeof(msg), ctx, clen, pk), SG17_E_FORMAT,
               "extended signature rejected");
    tap_int_eq(sg17_slhdsa_verify(p, sig, 0, msg, sizeof(msg), ctx, clen, pk), SG17_E_FORMAT,
               "empty signature rejected");

    /* Context, message, key. */
    tap_int_eq(sg17_slhdsa_verify(p, sig, sl, msg, sizeof(msg), ctx, clen - 1, pk), SG17_E_VERIFY,
               "shorter context rejected");
    tap_int_eq(sg17_slhdsa_verify(p, sig, sl, msg, sizeof(msg), ctx, 0, pk), SG17_E_VERIFY,
               "empty context rejected");
    ctx[3] ^= 0x80;
    tap_int_eq(sg17_slhdsa_verify(p, sig, sl, msg, sizeof(msg), ctx, clen, pk), SG17_E_VERIFY,
               "changed context rejected");
    ctx[3] ^= 0x80;
    tap_int_eq(sg17_slhdsa_verify(p, sig, sl, msg, sizeof(msg), ctx, 256, pk), SG17_E_INVAL,
               "context of 256 bytes refused by verify");
    msg[50] ^= 0x04;
    tap_int_eq(sg17_slhdsa_verify(p, sig, sl, msg, sizeof(msg), ctx, clen, pk), SG17_E_VERIFY,
               "changed message rejected");
    msg[50] ^= 0x04;
    tap_int_eq(sg17_slhdsa_verify(p, sig, sl, msg, sizeof(msg) - 1, ctx, clen, pk), SG17_E_VERIFY,
               "truncated message rejected");
    tap_int_eq(sg17_slhdsa_verify(p, sig, sl, msg, 0, ctx, clen, pk), SG17_E_VERIFY,
               "empty message rejected");
    pk[0] ^= 1;
    tap_int_eq(sg17_slhdsa_verify(p, sig, sl, msg, sizeof(msg), ctx, clen, pk), SG17_E_VERIFY,
               "changed PK.seed rejected");
    pk[0] ^= 1;
    pk[pkl - 1] ^= 1;
    tap_int_eq(sg17_slhdsa_verify(p, sig, sl, msg, sizeof(msg), ctx, clen, pk), SG17_E_VERIFY,
               "changed PK.root rejected");
    pk[pkl - 1] ^= 1;
    tap_int_eq(
        sg17_slhdsa_hash_verify(p, SG17_HASH_SHA256, sig, sl, msg, sizeof(msg), ctx, clen, pk),
        SG17_E_VERIFY, "pure signature rejected as HashSLH-DSA");
    tap_int_eq(sg17_slhdsa_verify_internal(p, sig, sl, msg, sizeof(msg), pk), SG17_E_VERIFY,
               "pure signature rejected by the internal interface on M");
    tap_int_eq(sg17_slhdsa_verify(p, sig, sl, msg, sizeof(msg), ctx, clen, pk), 0,
               "original still verifies after all mutations");

    /* Deterministic vs hedged, and the internal interface on M'. */
    tap_int_eq(sg17_slhdsa_sign_deterministic(p, sig2, sl, msg, sizeof(msg), ctx, clen, sk), 0,
               "deterministic sign");
    tap_ok(memcmp(sig, sig2, sl) != 0, "hedged and deterministic signatures differ");
    {
        uint8_t *mp = malloc(2 + clen + sizeof(msg)), *sig3 = malloc(sl);
        mp[0] = 0;
        mp[1] = (uint8_t)clen;
        memcpy(mp + 2, ctx, clen);
        memcpy(mp + 2 + clen, msg, sizeof(msg));
        tap_int_eq(sg17_slhdsa_sign_internal(p, sig3, sl, mp, 2 + clen + sizeof(msg), NULL, sk), 0,
                   "sign_internal");
        tap_mem_eq(sig3, sig2, sl, "deterministic sign = sign_internal(0 || |ctx| || ctx || M)");
        tap_int_eq(sg17_slhdsa_verify_internal(p, sig, sl, mp, 2 + clen + sizeof(msg), pk), 0,
                   "verify_internal accepts the hedged signature on M'");
        tap_int_eq(sg17_slhdsa_sign_internal(p, sig3, sl, mp, 2 + clen + sizeof(msg), pk, sk), 0,
                   "sign_internal with addrnd = PK.seed");
        tap_mem_eq(sig3, sig2, sl, "addrnd = PK.seed is the deterministic variant");
        free(mp);
        free(sig3);
    }
    tap_int_eq(sg17_slhdsa_sign(p, sig2, sl, msg, sizeof(msg), ctx, clen, sk), 0, "hedged again");
    tap_ok(memcmp(sig, sig2, sl) != 0, "two hedged signatures differ");
    tap_int_eq(sg17_slhdsa_verify(p, sig2, sl, msg, sizeof(msg), ctx, clen, pk), 0,
               "second hedged signature verifies");

    /* API misuse. */
    tap_int_eq(sg17_slhdsa_sign(p, sig2, sl, msg, sizeof(msg), ctx, 256, sk), SG17_E_INVAL,
               "context of 256 bytes refused by sign");
    tap_int_eq(sg17_slhdsa_sign(p, sig2, sl - 1, msg, sizeof(msg), ctx, clen, sk), SG17_E_INVAL,
               "short signature buffer refused");
    tap_int_eq(
        sg17_slhdsa_hash_sign(p, (sg17_hash_alg)99, sig2, sl, msg, sizeof(msg), ctx, clen, sk),
        SG17_E_UNSUPPORTED, "unknown pre-hash refused");
    sg17_rng_set_source(fail_rng, NULL);
    memset(sig2, 0xAA, sl);
    int rc = sg17_slhdsa_sign(p, sig2, sl, msg, sizeof(msg), ctx, clen, sk);
    sg17_rng_set_source(NULL, NULL);
    uint8_t acc = 0;
    for (size_t i = 0; i < sl; i++)
        acc |= sig2[i];
    tap_ok(rc == SG17_E_RNG && acc == 0, "RNG failure: SG17_E_RNG and a zeroed signature");
    (void)all;
    free(sig);
    free(sig2);
}

/* HashSLH-DSA with every FIPS 205 pre-hash function. */
static void prehash(sg17_slhdsa_param p)
{
    static const sg17_hash_alg phs[] = {
        SG17_HASH_SHA224,     SG17_HASH_SHA256,     SG17_HASH_SHA384,   SG17_HASH_SHA512,
        SG17_HASH_SHA512_224, SG17_HASH_SHA512_256, SG17_HASH_SHA3_224, SG17_HASH_SHA3_256,
        SG17_HASH_SHA3_384,   SG17_HASH_SHA3_512,   SG17_HASH_SHAKE128, SG17_HASH_SHAKE256};
    size_t sl = sg17_slhdsa_sig_bytes(p);
    uint8_t pk[SG17_SLHDSA_MAX_PK_BYTES], sk[SG17_SLHDSA_MAX_SK_BYTES], msg[33], ctx[5] = "abcde";
    uint8_t *sig = malloc(sl);
    tap_rand_bytes(msg, sizeof(msg));
    tap_int_eq(sg17_slhdsa_keygen(p, pk, sk), 0, "keygen for pre-hash");
    int ok = 1;
    for (size_t i = 0; i < sizeof(phs) / sizeof(phs[0]); i++) {
        sg17_hash_alg other = phs[(i + 1) % 12];
        int s = sg17_slhdsa_hash_sign_deterministic(p, phs[i], sig, sl, msg, sizeof(msg), ctx,
                                                    sizeof(ctx), sk);
        int v = sg17_slhdsa_hash_verify(p, phs[i], sig, sl, msg, sizeof(msg), ctx, sizeof(ctx), pk);
        int w = sg17_slhdsa_hash_verify(p, other, sig, sl, msg, sizeof(msg), ctx, sizeof(ctx), pk);
        int x = sg17_slhdsa_verify(p, sig, sl, msg, sizeof(msg), ctx, sizeof(ctx), pk);
        if (!tap_ok(s == 0 && v == 0 && w == SG17_E_VERIFY && x == SG17_E_VERIFY,
                    "%s HashSLH-DSA ph #%zu: sign %d, verify %d, other ph %d, as pure %d",
                    sg17_slhdsa_name(p), i, s, v, w, x))
            ok = 0;
    }
    (void)ok;
    free(sig);
}

/* The 4-way Keccak path (AVX2) and the scalar path give the same bytes. */
static void avx2_vs_portable(sg17_slhdsa_param p)
{
    size_t sl = sg17_slhdsa_sig_bytes(p);
    uint8_t pk[SG17_SLHDSA_MAX_PK_BYTES], sk[SG17_SLHDSA_MAX_SK_BYTES],
        pk2[SG17_SLHDSA_MAX_PK_BYTES], sk2[SG17_SLHDSA_MAX_SK_BYTES], seeds[3 * SG17_SLHDSA_MAX_N],
        msg[20] = "avx2 vs portable";
    uint8_t *s1 = malloc(sl), *s2 = malloc(sl);
    size_t n = sg17_slhdsa_n_bytes(p);
    int had = sg17_cpu_has_avx2();
    tap_rand_bytes(seeds, sizeof(seeds));
    int rc = sg17_slhdsa_keygen_internal(p, seeds, seeds + n, seeds + 2 * n, pk, sk);
    rc |= sg17_slhdsa_sign_deterministic(p, s1, sl, msg, sizeof(msg), NULL, 0, sk);
    sg17_cpu_set_avx2(0);
    rc |= sg17_slhdsa_keygen_internal(p, seeds, seeds + n, seeds + 2 * n, pk2, sk2);
    rc |= sg17_slhdsa_sign_deterministic(p, s2, sl, msg, sizeof(msg), NULL, 0, sk2);
    int v = sg17_slhdsa_verify(p, s1, sl, msg, sizeof(msg), NULL, 0, pk2);
    sg17_cpu_set_avx2(had);
    int v2 = sg17_slhdsa_verify(p, s2, sl, msg, sizeof(msg), NULL, 0, pk);
    tap_ok(rc == 0 && memcmp(pk, pk2, 2 * n) == 0 && memcmp(s1, s2, sl) == 0 && v == 0 && v2 == 0,
           "%s: keys and signature identical with the AVX2 path %s and off; cross-verify",
           sg17_slhdsa_name(p), had ? "on" : "(unavailable)");
    free(s1);
    free(s2);
}

int main(void)
{
    tap_rand_seed(0x51D5A205);
    tap_int_eq(sg17_slhdsa_sig_bytes(SG17_SLHDSA_SHA2_128S), SG17_SLHDSA_128S_SIG_BYTES,
               "128s size");
    tap_int_eq(sg17_slhdsa_sig_bytes(SG17_SLHDSA_SHAKE_256F), SG17_SLHDSA_256F_SIG_BYTES,
               "256f size");
    tap_int_eq(sg17_slhdsa_sig_bytes(SG17_SLHDSA_PARAM_COUNT), 0, "invalid set has size 0");
    sg17_slhdsa_param q;
    tap_ok(sg17_slhdsa_from_name("SLH-DSA-SHAKE-192s", &q) == 0 && q == SG17_SLHDSA_SHAKE_192S,
           "name lookup");
    tap_int_eq(sg17_slhdsa_from_name("SLH-DSA-SHA2-128x", &q), SG17_E_NOTFOUND, "unknown name");

    mutations(SG17_SLHDSA_SHA2_128F);
    mutations(SG17_SLHDSA_SHAKE_128F);
    mutations(SG17_SLHDSA_SHA2_192F); /* SHA-512 for H/T/H_msg/PRF_msg */
    mutations(SG17_SLHDSA_SHAKE_256F);
    prehash(SG17_SLHDSA_SHA2_128F);
    prehash(SG17_SLHDSA_SHAKE_128F);
    avx2_vs_portable(SG17_SLHDSA_SHAKE_128F);
    avx2_vs_portable(SG17_SLHDSA_SHAKE_256F);
    return tap_done();
}
