/*
 * Prepared private keys (sg17_x25519_key, sg17_p256_key): known answers
 * (RFC 7748 §5.2 and §6.1, RFC 5903 §8.1), agreement with the one-shot
 * functions and with the independently computed public keys
 * (sg17_x25519_public / sg17_p256_public do not go through the prepared
 * key) on random keys, refusal of invalid peers and scalars, repeated and
 * concurrent use of one key, and NULL handling.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "sg17/crypto.h"
#include "tap.h"

static const uint8_t zero32[32];

static void unhex(uint8_t *out, size_t len, const char *h)
{
    size_t n = 0;
    uint8_t *p = tap_hex_decode(h, &n);
    if (p == NULL || n != len) {
        tap_diag("bad test hex (%zu != %zu): %s", n, len, h);
        abort();
    }
    memcpy(out, p, len);
    free(p);
}

/* ---- X25519 ---------------------------------------------------------- */

static void test_x25519_kat(void)
{
    static const char *const v[2][3] = {
        /* RFC 7748 §5.2 */
        {"a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4",
         "e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c",
         "c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552"},
        {"4b66e9d4d1b4673c5ad22691957d6af5c11b6421e0ea01d42ca4169e7918ba0d",
         "e5210f12786811d3f4b7959d0538ae2c31dbe7106fc03c3efc4cd549c715a493",
         "95cbde9476e8907d7aade45cb4b873f88b595a68799fa152e6f8f7647aac7957"},
    };
    uint8_t sk[32], u[32], want[32], out[32];
    for (int i = 0; i < 2; i++) {
        sg17_x25519_key *k = NULL;
        unhex(sk, 32, v[i][0]);
        unhex(u, 32, v[i][1]);
        unhex(want, 32, v[i][2]);
        tap_int_eq(sg17_x25519_key_new(&k, sk), 0, "x25519 key_new (RFC 7748 5.2)");
        tap_int_eq(sg17_x25519_key_derive(k, out, u), 0, "derive");
        tap_mem_eq(out, want, 32, "RFC 7748 5.2 output via prepared key");
        /* Same key again: nothing is consumed by a derive. */
        memset(out, 0, 32);
        tap_int_eq(sg17_x25519_key_derive(k, out, u), 0, "derive again");
        tap_mem_eq(out, want, 32, "second derive gives the same output");
        sg17_x25519_key_free(k);
    }

    /* RFC 7748 §6.1: Alice and Bob, and X25519(a, 9) = Alice's public key
     * (the prepared key holds no real public key; this checks the derive
     * does not depend on it). */
    uint8_t a[32], apub[32], b[32], bpub[32], nine[32] = {9};
    unhex(a, 32, "77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a");
    unhex(apub, 32, "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a");
    unhex(b, 32, "5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb");
    unhex(bpub, 32, "de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f");
    unhex(want, 32, "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742");
    sg17_x25519_key *ka = NULL, *kb = NULL;
    tap_int_eq(sg17_x25519_key_new(&ka, a), 0, "Alice key_new");
    tap_int_eq(sg17_x25519_key_new(&kb, b), 0, "Bob key_new");
    tap_int_eq(sg17_x25519_key_derive(ka, out, bpub), 0, "Alice derive");
    tap_mem_eq(out, want, 32, "RFC 7748 6.1 shared secret (Alice, prepared)");
    tap_int_eq(sg17_x25519_key_derive(kb, out, apub), 0, "Bob derive");
    tap_mem_eq(out, want, 32, "RFC 7748 6.1 shared secret (Bob, prepared)");
    tap_int_eq(sg17_x25519_key_derive(ka, out, nine), 0, "Alice derive with u = 9");
    tap_mem_eq(out, apub, 32, "X25519(a, 9) is Alice's RFC 7748 6.1 public key");

    /* Small-order peers (RFC 7748 §6.1 check): SG17_E_VERIFY, output zeroed. */
    static const char *const small[3] = {
        "0000000000000000000000000000000000000000000000000000000000000000",
        "0100000000000000000000000000000000000000000000000000000000000000",
        "e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800",
    };
    for (int i = 0; i < 3; i++) {
        unhex(u, 32, small[i]);
        memset(out, 0xEE, 32);
        tap_int_eq(sg17_x25519_key_derive(ka, out, u), SG17_E_VERIFY,
                   "small-order peer -> SG17_E_VERIFY");
        tap_mem_eq(out, zero32, 32, "shared output zeroed");
    }
    /* The key still works after a refused peer. */
    tap_int_eq(sg17_x25519_key_derive(ka, out, bpub), 0, "derive after a refusal");
    tap_mem_eq(out, want, 32, "same shared secret after a refusal");

    /* NULL handling. */
    sg17_x25519_key *kn = (sg17_x25519_key *)&kn;
    tap_int_eq(sg17_x25519_key_new(&kn, NULL), SG17_E_INVAL, "key_new(NULL sk)");
    tap_ok(kn == NULL, "*out is NULL on failure");
    tap_int_eq(sg17_x25519_key_new(NULL, a), SG17_E_INVAL, "key_new(NULL out)");
    memset(out, 0xEE, 32);
    tap_int_eq(sg17_x25519_key_derive(NULL, out, bpub), SG17_E_INVAL, "derive(NULL key)");
    tap_mem_eq(out, zero32, 32, "output zeroed on INVAL");
    tap_int_eq(sg17_x25519_key_derive(ka, out, NULL), SG17_E_INVAL, "derive(NULL peer)");
    tap_int_eq(sg17_x25519_key_derive(ka, NULL, bpub), SG17_E_INVAL, "derive(NULL out)");
    sg17_x25519_key_free(NULL);
    sg17_x25519_key_free(ka);
    sg17_x25519_key_free(kb);
}

static void test_x25519_random(void)
{
    int same_oneshot = 1, agree = 1, ok = 1, pub_ok = 1;
    uint8_t nine[32] = {9};
    for (int i = 0; i < 50; i++) {
        uint8_t a[32], b[32], apub[32], bpub[32], s1[32], s2[32], s3[32], p[32];
        tap_rand_bytes(a, 32);
        tap_rand_bytes(b, 32);
        sg17_x25519_key *ka = NULL, *kb = NULL;
        ok &= sg17_x25519_public(apub, a) == 0 && sg17_x25519_public(bpub, b) == 0;
        ok &= sg17_x25519_key_new(&ka, a) == 0 && sg17_x25519_key_new(&kb, b) == 0;
        ok &= sg17_x25519_key_derive(ka, s1, bpub) == 0 && sg17_x25519_key_derive(kb, s2, apub) == 0;
        ok &= sg17_x25519(s3, a, bpub) == 0;
        ok &= sg17_x25519_key_derive(ka, p, nine) == 0;
        agree &= memcmp(s1, s2, 32) == 0;
        same_oneshot &= memcmp(s1, s3, 32) == 0;
        pub_ok &= memcmp(p, apub, 32) == 0;
        sg17_x25519_key_free(ka);
        sg17_x25519_key_free(kb);
    }
    tap_ok(ok, "50 random X25519 key pairs: every call succeeded");
    tap_ok(agree, "prepared keys agree (a*B == b*A) on 50 random pairs");
    tap_ok(same_oneshot, "prepared derive == sg17_x25519 on 50 random pairs");
    tap_ok(pub_ok, "prepared derive with u = 9 == sg17_x25519_public on 50 random keys");
}

/* ---- P-256 ----------------------------------------------------------- */

static void test_p256_kat(void)
{
    /* RFC 5903 §8.1 (ECDH-256). */
    uint8_t i_[32], r_[32], gi[65], gr[65], grc[33], gic[33], want[32], got[32];
    unhex(i_, 32, "c88f01f510d9ac3f70a292daa2316de544e9aab8afe84049c62a9c57862d1433");
    unhex(gi, 65,
          "04dad0b65394221cf9b051e1feca5787d098dfe637fc90b9ef945d0c3772581180"
          "5271a0461cdb8252d61f1c456fa3e59ab1f45b33accf5f58389e0577b8990bb3");
    unhex(r_, 32, "c6ef9c5d78ae012a011164acb397ce2088685d8f06bf9be0b283ab46476bee53");
    unhex(gr, 65,
          "04d12dfb5289c8d4f81208b70270398c342296970a0bccb74c736fc7554494bf63"
          "56fbf3ca366cc23e8157854c13c58d6aac23f046ada30f8353e74f33039872ab");
    unhex(want, 32, "d6840f6b42f6edafd13116e0e12565202fef8e9ece7dce03812464d04b9442de");
    tap_int_eq(sg17_p256_compress(grc, gr), 0, "compress g^r");
    tap_int_eq(sg17_p256_compress(gic, gi), 0, "compress g^i");
    sg17_p256_key *ki = NULL, *kr = NULL;
    tap_int_eq(sg17_p256_key_new(&ki, i_), 0, "key_new(i)");
    tap_int_eq(sg17_p256_key_new(&kr, r_), 0, "key_new(r)");
    tap_int_eq(sg17_p256_key_ecdh(ki, got, gr, 65), 0, "ecdh(i, g^r)");
    tap_mem_eq(got, want, 32, "RFC 5903 8.1 g^ir (initiator, prepared)");
    memset(got, 0, 32);
    tap_int_eq(sg17_p256_key_ecdh(ki, got, grc, 33), 0, "ecdh(i, compressed g^r)");
    tap_mem_eq(got, want, 32, "RFC 5903 8.1 g^ir from a compressed peer (prepared)");
    tap_int_eq(sg17_p256_key_ecdh(kr, got, gi, 65), 0, "ecdh(r, g^i)");
    tap_mem_eq(got, want, 32, "RFC 5903 8.1 g^ir (responder, prepared)");
    tap_int_eq(sg17_p256_key_ecdh(kr, got, gic, 33), 0, "ecdh(r, compressed g^i)");
    tap_mem_eq(got, want, 32, "RFC 5903 8.1 g^ir (responder, compressed)");

    /* Invalid peers: the same refusals as sg17_p256_ecdh, output zeroed. */
    uint8_t p[65], xp[33], zero65[65] = {0x04};
    const uint8_t inf = 0x00;
    struct {
        const uint8_t *buf;
        size_t len;
        const char *what;
    } bad[8];
    size_t nb = 0;
    static uint8_t offc[65], hyb[65], pre[65];
    memcpy(offc, gr, 65);
    offc[64] ^= 0x01;
    memcpy(hyb, gr, 65);
    hyb[0] = (uint8_t)(0x06 | (gr[64] & 1));
    memcpy(pre, gr, 65);
    pre[0] = 0x05;
    unhex(xp, 33, "02ffffffff00000001000000000000000000000000ffffffffffffffffffffffff");
    bad[nb].buf = offc, bad[nb].len = 65, bad[nb++].what = "off-curve uncompressed point";
    bad[nb].buf = hyb, bad[nb].len = 65, bad[nb++].what = "hybrid 06/07 encoding";
    bad[nb].buf = pre, bad[nb].len = 65, bad[nb++].what = "prefix 05";
    bad[nb].buf = &inf, bad[nb].len = 1, bad[nb++].what = "point at infinity";
    bad[nb].buf = zero65, bad[nb].len = 65, bad[nb++].what = "(0,0)";
    bad[nb].buf = gr, bad[nb].len = 64, bad[nb++].what = "64-byte peer";
    bad[nb].buf = xp, bad[nb].len = 33, bad[nb++].what = "compressed x = p";
    bad[nb].buf = NULL, bad[nb].len = 33, bad[nb++].what = "NULL peer";
    for (size_t j = 0; j < nb; j++) {
        memset(got, 0xEE, 32);
        int rc = sg17_p256_key_ecdh(ki, got, bad[j].buf, bad[j].len);
        tap_int_eq(rc, SG17_E_FORMAT, bad[j].what);
        tap_mem_eq(got, zero32, 32, "refused peer: output zeroed");
        tap_int_eq(sg17_p256_ecdh(got, i_, bad[j].buf, bad[j].len), rc,
                   "one-shot gives the same answer");
    }
    /* About half of all x have no point on the curve; find some and check
     * both APIs refuse each. */
    int refused = 0, same = 1;
    memset(p, 0, sizeof p);
    for (unsigned x = 1; x <= 32; x++) {
        uint8_t c[33] = {0x02};
        c[32] = (uint8_t)x;
        int r1 = sg17_p256_key_ecdh(ki, got, c, 33), r2 = sg17_p256_ecdh(got, i_, c, 33);
        same &= r1 == r2;
        refused += r1 == SG17_E_FORMAT;
    }
    tap_ok(refused >= 5 && refused <= 27, "x = 1..32: some compressed points refused");
    tap_diag("%d of 32 small x refused", refused);
    tap_ok(same, "prepared and one-shot agree on every small x");

    tap_int_eq(sg17_p256_key_ecdh(ki, got, gr, 65), 0, "key still works after refusals");
    tap_mem_eq(got, want, 32, "same g^ir after refusals");

    /* Scalars 0 and >= n are refused by key_new. */
    static const uint8_t n_[32] = {
        0xFF, 0xFF, 0xFF, 0xFF, 0x00, 0x00, 0x00, 0x00, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
        0xBC, 0xE6, 0xFA, 0xAD, 0xA7, 0x17, 0x9E, 0x84, 0xF3, 0xB9, 0xCA, 0xC2, 0xFC, 0x63, 0x25, 0x51,
    };
    uint8_t nm1[32];
    memcpy(nm1, n_, 32);
    nm1[31] = 0x50;
    sg17_p256_key *kx = (sg17_p256_key *)&kx;
    tap_int_eq(sg17_p256_key_new(&kx, zero32), SG17_E_FORMAT, "scalar 0 refused");
    tap_ok(kx == NULL, "*out is NULL on failure");
    tap_int_eq(sg17_p256_key_new(&kx, n_), SG17_E_FORMAT, "scalar n refused");
    uint8_t ff[32];
    memset(ff, 0xFF, 32);
    tap_int_eq(sg17_p256_key_new(&kx, ff), SG17_E_FORMAT, "scalar 2^256-1 refused");
    tap_int_eq(sg17_p256_key_new(&kx, nm1), 0, "scalar n-1 accepted");
    uint8_t pk[65], s1[32], s2[32];
    tap_int_eq(sg17_p256_public(pk, nm1), 0, "public of n-1");
    tap_int_eq(sg17_p256_key_ecdh(kx, s1, gr, 65), 0, "ecdh with n-1");
    tap_int_eq(sg17_p256_ecdh(s2, r_, pk, 65), 0, "ecdh(r, (n-1)G)");
    tap_mem_eq(s1, s2, 32, "(n-1) key agrees");
    tap_mem_eq(s1, gr + 1, 32, "(n-1)*(g^r) = -(g^r): shares the x of g^r");
    sg17_p256_key_free(kx);

    /* NULL handling. */
    tap_int_eq(sg17_p256_key_new(NULL, i_), SG17_E_INVAL, "key_new(NULL out)");
    tap_int_eq(sg17_p256_key_new(&kx, NULL), SG17_E_INVAL, "key_new(NULL sk)");
    memset(got, 0xEE, 32);
    tap_int_eq(sg17_p256_key_ecdh(NULL, got, gr, 65), SG17_E_INVAL, "ecdh(NULL key)");
    tap_mem_eq(got, zero32, 32, "output zeroed on INVAL");
    tap_int_eq(sg17_p256_key_ecdh(ki, NULL, gr, 65), SG17_E_INVAL, "ecdh(NULL out)");
    sg17_p256_key_free(NULL);
    sg17_p256_key_free(ki);
    sg17_p256_key_free(kr);
}

static void test_p256_random(void)
{
    int ok = 1, agree = 1, same_oneshot = 1, comp = 1;
    for (int i = 0; i < 30; i++) {
        uint8_t a[32], b[32], apub[65], bpub[65], bc[33], s1[32], s2[32], s3[32], s4[32];
        sg17_p256_key *ka = NULL, *kb = NULL;
        ok &= sg17_p256_keygen(a, apub) == 0 && sg17_p256_keygen(b, bpub) == 0;
        ok &= sg17_p256_compress(bc, bpub) == 0;
        ok &= sg17_p256_key_new(&ka, a) == 0 && sg17_p256_key_new(&kb, b) == 0;
        ok &= sg17_p256_key_ecdh(ka, s1, bpub, 65) == 0 && sg17_p256_key_ecdh(kb, s2, apub, 65) == 0;
        ok &= sg17_p256_ecdh(s3, a, bpub, 65) == 0;
        ok &= sg17_p256_key_ecdh(ka, s4, bc, 33) == 0;
        agree &= memcmp(s1, s2, 32) == 0;
        same_oneshot &= memcmp(s1, s3, 32) == 0;
        comp &= memcmp(s1, s4, 32) == 0;
        sg17_p256_key_free(ka);
        sg17_p256_key_free(kb);
    }
    tap_ok(ok, "30 random P-256 key pairs: every call succeeded");
    tap_ok(agree, "prepared keys agree (a*B == b*A) on 30 random pairs");
    tap_ok(same_oneshot, "prepared ecdh == sg17_p256_ecdh on 30 random pairs");
    tap_ok(comp, "compressed and uncompressed peers give the same secret");
}

/* ---- one key, several threads ---------------------------------------- */

struct job {
    const sg17_x25519_key *xk;
    const sg17_p256_key *pk;
    const uint8_t *xpeer, *xwant, *ppeer, *pwant;
    int bad;
};

static void *worker(void *arg)
{
    struct job *j = arg;
    uint8_t out[32];
    for (int i = 0; i < 40; i++) {
        if (sg17_x25519_key_derive(j->xk, out, j->xpeer) != 0 || memcmp(out, j->xwant, 32) != 0)
            j->bad++;
        if (sg17_p256_key_ecdh(j->pk, out, j->ppeer, 33) != 0 || memcmp(out, j->pwant, 32) != 0)
            j->bad++;
    }
    return NULL;
}

static void test_threads(void)
{
    uint8_t xa[32], xb[32], xbpub[32], xwant[32], pa[32], pb[32], papub[65], pbpub[65], pbc[33],
        pwant[32];
    sg17_x25519_key *xk = NULL;
    sg17_p256_key *pk = NULL;
    int ok = sg17_x25519_keygen(xa, xbpub) == 0 && sg17_x25519_keygen(xb, xbpub) == 0 &&
             sg17_x25519(xwant, xa, xbpub) == 0 && sg17_p256_keygen(pa, papub) == 0 &&
             sg17_p256_keygen(pb, pbpub) == 0 && sg17_p256_compress(pbc, pbpub) == 0 &&
             sg17_p256_ecdh(pwant, pa, pbpub, 65) == 0 && sg17_x25519_key_new(&xk, xa) == 0 &&
             sg17_p256_key_new(&pk, pa) == 0;
    tap_ok(ok, "thread test setup");
    struct job jobs[4];
    pthread_t th[4];
    int started = 0;
    for (int i = 0; i < 4 && ok; i++) {
        jobs[i] = (struct job){xk, pk, xbpub, xwant, pbc, pwant, 0};
        if (pthread_create(&th[i], NULL, worker, &jobs[i]) == 0)
            started++;
    }
    int bad = 0;
    for (int i = 0; i < started; i++) {
        pthread_join(th[i], NULL);
        bad += jobs[i].bad;
    }
    tap_int_eq(started, 4, "4 threads started");
    tap_int_eq(bad, 0, "4 threads x 40 derives on one X25519 and one P-256 key: all correct");
    sg17_x25519_key_free(xk);
    sg17_p256_key_free(pk);
}

int main(void)
{
    tap_rand_seed(7748);
    test_x25519_kat();
    test_x25519_random();
    test_p256_kat();
    test_p256_random();
    test_threads();
    return tap_done();
}
