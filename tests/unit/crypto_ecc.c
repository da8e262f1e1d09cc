/*
 * Known answers and negative tests for X25519 (RFC 7748 §5.2, §6.1),
 * Ed25519 (RFC 8032 §7.1 TEST 1-3), P-256 ECDSA (RFC 6979 A.2.5, key pair
 * and the SHA-256 "sample"/"test" signatures) and P-256 ECDH (RFC 5903 §8.1).
 */
#include <stdlib.h>
#include <string.h>

#include "sg17/crypto.h"
#include "tap.h"

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

static void test_x25519(void)
{
    /* RFC 7748 §5.2, the two single-call test vectors. */
    static const char *const v[2][3] = {
        {"a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4",
         "e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c",
         "c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552"},
        {"4b66e9d4d1b4673c5ad22691957d6af5c11b6421e0ea01d42ca4169e7918ba0d",
         "e5210f12786811d3f4b7959d0538ae2c31dbe7106fc03c3efc4cd549c715a493",
         "95cbde9476e8907d7aade45cb4b873f88b595a68799fa152e6f8f7647aac7957"},
    };
    uint8_t k[32], u[32], want[32], out[32];
    for (int i = 0; i < 2; i++) {
        unhex(k, 32, v[i][0]);
        unhex(u, 32, v[i][1]);
        unhex(want, 32, v[i][2]);
        tap_int_eq(sg17_x25519(out, k, u), 0, "RFC 7748 5.2 vector");
        tap_mem_eq(out, want, 32, "RFC 7748 5.2 output");
    }

    /* RFC 7748 §5.2 iteration: k = u = 9; k, u = X25519(k, u), k. */
    uint8_t kk[32] = {9}, uu[32] = {9}, r[32];
    int ok = 1;
    for (int i = 1; i <= 1000 && ok; i++) {
        ok = sg17_x25519(r, kk, uu) == 0;
        memcpy(uu, kk, 32);
        memcpy(kk, r, 32);
        if (i == 1) {
            unhex(want, 32, "422c8e7a6227d7bca1350b3e2bb7279f7897b87bb6854b783c60e80311ae3079");
            tap_mem_eq(kk, want, 32, "RFC 7748 5.2 after 1 iteration");
        }
    }
    tap_ok(ok, "1000 iterations ran");
    unhex(want, 32, "684cf59ba83309552800ef566f2f4d3c1c3887c49360e3875f2eb94d99532c51");
    tap_mem_eq(kk, want, 32, "RFC 7748 5.2 after 1,000 iterations");

    /* RFC 7748 §6.1 Diffie-Hellman. */
    uint8_t a[32], apub[32], b[32], bpub[32], k1[32], k2[32], pk[32];
    unhex(a, 32, "77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a");
    unhex(apub, 32, "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a");
    unhex(b, 32, "5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb");
    unhex(bpub, 32, "de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f");
    unhex(want, 32, "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742");
    tap_int_eq(sg17_x25519_public(pk, a), 0, "Alice public");
    tap_mem_eq(pk, apub, 32, "RFC 7748 6.1 Alice public key");
    tap_int_eq(sg17_x25519_public(pk, b), 0, "Bob public");
    tap_mem_eq(pk, bpub, 32, "RFC 7748 6.1 Bob public key");
    tap_int_eq(sg17_x25519(k1, a, bpub), 0, "Alice shared");
    tap_int_eq(sg17_x25519(k2, b, apub), 0, "Bob shared");
    tap_mem_eq(k1, want, 32, "RFC 7748 6.1 shared secret (Alice)");
    tap_mem_eq(k2, want, 32, "RFC 7748 6.1 shared secret (Bob)");

    /* Small-order peers give the all-zero output (RFC 7748 §6.1 check):
     * u = 0, u = 1 and a point of order 8. */
    static const char *const small[3] = {
        "0000000000000000000000000000000000000000000000000000000000000000",
        "0100000000000000000000000000000000000000000000000000000000000000",
        "e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800",
    };
    for (int i = 0; i < 3; i++) {
        unhex(u, 32, small[i]);
        memset(out, 0xEE, 32);
        tap_int_eq(sg17_x25519(out, a, u), SG17_E_VERIFY, "small-order peer -> SG17_E_VERIFY");
        static const uint8_t zero[32];
        tap_mem_eq(out, zero, 32, "shared output zeroed");
    }

    /* Keygen round trip. */
    uint8_t s1[32], p1[32], s2[32], p2[32];
    tap_int_eq(sg17_x25519_keygen(s1, p1), 0, "keygen 1");
    tap_int_eq(sg17_x25519_keygen(s2, p2), 0, "keygen 2");
    tap_int_eq(sg17_x25519(k1, s1, p2), 0, "dh 1");
    tap_int_eq(sg17_x25519(k2, s2, p1), 0, "dh 2");
    tap_mem_eq(k1, k2, 32, "keygen pairs agree");
    tap_ok(memcmp(p1, p2, 32) != 0, "two keygens differ");
}

/* ---- Ed25519 --------------------------------------------------------- */

static void test_ed25519(void)
{
    /* RFC 8032 §7.1 TEST 1, 2, 3: SECRET KEY, PUBLIC KEY, MESSAGE, SIGNATURE. */
    static const char *const v[3][4] = {
        {"9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
         "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", "",
         "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e3970"
         "1cf9b46bd25bf5f0595bbe24655141438e7a100b"},
        {"4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
         "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c", "72",
         "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613"
         "d0f11d8c387b2eaeb4302aeeb00d291612bb0c00"},
        {"c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7",
         "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025", "af82",
         "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760"
         "984dc6594a7c15e9716ed28dc027beceea1ec40a"},
    };
    for (int i = 0; i < 3; i++) {
        uint8_t sk[32], pk[32], want_pk[32], sig[64], want_sig[64], msg[2];
        size_t mlen = strlen(v[i][2]) / 2;
        unhex(sk, 32, v[i][0]);
        unhex(want_pk, 32, v[i][1]);
        if (mlen > 0)
            unhex(msg, mlen, v[i][2]);
        unhex(want_sig, 64, v[i][3]);
        tap_diag("RFC 8032 7.1 TEST %d", i + 1);
        tap_int_eq(sg17_ed25519_public(pk, sk), 0, "public");
        tap_mem_eq(pk, want_pk, 32, "public key");
        tap_int_eq(sg17_ed25519_sign(sig, sk, mlen ? msg : NULL, mlen), 0, "sign");
        tap_mem_eq(sig, want_sig, 64, "signature");
        tap_int_eq(sg17_ed25519_verify(want_sig, want_pk, mlen ? msg : NULL, mlen), 0, "verify");
        want_sig[i * 20] ^= 0x01;
        tap_int_eq(sg17_ed25519_verify(want_sig, want_pk, mlen ? msg : NULL, mlen), SG17_E_VERIFY,
                   "tampered signature -> SG17_E_VERIFY");
        want_sig[i * 20] ^= 0x01;
        uint8_t other = 0x73;
        tap_int_eq(sg17_ed25519_verify(want_sig, want_pk, &other, 1), SG17_E_VERIFY,
                   "other message -> SG17_E_VERIFY");
    }
    uint8_t sk[32], pk[32], sig[64];
    const uint8_t m[5] = "hello";
    tap_int_eq(sg17_ed25519_keygen(sk, pk), 0, "ed25519 keygen");
    tap_int_eq(sg17_ed25519_sign(sig, sk, m, 5), 0, "sign");
    tap_int_eq(sg17_ed25519_verify(sig, pk, m, 5), 0, "verify own signature");
}

/* ---- P-256 ----------------------------------------------------------- */

/* RFC 6979 A.2.5 key pair. */
static const char p256_x[] = "c9afa9d845ba75166b5c215767b1d6934e50c3db36e89b127b8a622b120f6721";
static const char p256_q[] = "04"
                             "60fed4ba255a9d31c961eb74c6356d68c049b8923b61fa6ce669622e60f29fb6"
                             "7903fe1008b8bc99a41ae9e95628bc64f2f1b20c2d7e9f5177a3c294d4462299";

static void test_p256_ecdsa(void)
{
    uint8_t sk[32], q[65], pk[65], cq[33], dq[65], sig[64];
    unhex(sk, 32, p256_x);
    unhex(q, 65, p256_q);
    tap_int_eq(sg17_p256_public(pk, sk), 0, "p256 public from private");
    tap_mem_eq(pk, q, 65, "RFC 6979 A.2.5 public key U = xG");

    /* RFC 6979 A.2.5, "With SHA-256, message = ..." r and s. */
    static const char *const v[2][2] = {
        {"sample", "efd48b2aacb6a8fd1140dd9cd45e81d69d2c877b56aaf991c34d0ea84eaf3716"
                   "f7cb1c942d657c41d436c7a1b6e29f65f3e900dbb9aff4064dc4ab2f843acda8"},
        {"test", "f1abb023518351cd71d881567b1ea663ed3efcf6c5132b354f28d3b0b7d38367"
                 "019f4113742a2b14bd25926b49c649155f267e60d3814b4c0cc84250e46f0083"},
    };
    tap_int_eq(sg17_p256_compress(cq, q), 0, "compress U");
    tap_int_eq(cq[0], 0x02 | (q[64] & 1), "compressed prefix from y parity");
    tap_int_eq(sg17_p256_decompress(dq, cq), 0, "decompress U");
    tap_mem_eq(dq, q, 65, "decompress(compress(U)) = U");
    for (int i = 0; i < 2; i++) {
        const uint8_t *m = (const uint8_t *)v[i][0];
        size_t ml = strlen(v[i][0]);
        unhex(sig, 64, v[i][1]);
        tap_diag("RFC 6979 A.2.5 SHA-256 \"%s\"", v[i][0]);
        tap_int_eq(sg17_p256_verify(sig, q, 65, m, ml), 0, "verify (uncompressed key)");
        tap_int_eq(sg17_p256_verify(sig, cq, 33, m, ml), 0, "verify (compressed key)");
        tap_int_eq(sg17_p256_verify(sig, q, 65, m, ml - 1), SG17_E_VERIFY,
                   "truncated message -> SG17_E_VERIFY");
        sig[40] ^= 0x04;
        tap_int_eq(sg17_p256_verify(sig, q, 65, m, ml), SG17_E_VERIFY,
                   "tampered s -> SG17_E_VERIFY");
        sig[40] ^= 0x04;
        uint8_t zs[64];
        memcpy(zs, sig, 32);
        memset(zs + 32, 0, 32);
        tap_int_eq(sg17_p256_verify(zs, q, 65, m, ml), SG17_E_VERIFY, "s = 0 -> SG17_E_VERIFY");
        memset(zs, 0xFF, 32);
        memcpy(zs + 32, sig + 32, 32);
        tap_int_eq(sg17_p256_verify(zs, q, 65, m, ml), SG17_E_VERIFY, "r >= n -> SG17_E_VERIFY");
    }
    /* Our own signatures (random k) verify, and differ each time. */
    uint8_t s1[64], s2[64];
    tap_int_eq(sg17_p256_sign(s1, sk, (const uint8_t *)"sample", 6), 0, "sign");
    tap_int_eq(sg17_p256_sign(s2, sk, (const uint8_t *)"sample", 6), 0, "sign again");
    tap_int_eq(sg17_p256_verify(s1, q, 65, (const uint8_t *)"sample", 6), 0, "verify own sig 1");
    tap_int_eq(sg17_p256_verify(s2, q, 65, (const uint8_t *)"sample", 6), 0, "verify own sig 2");
    tap_ok(memcmp(s1, s2, 64) != 0, "fresh nonce per signature");

    /* Invalid scalars. */
    uint8_t bad[32];
    memset(bad, 0, 32);
    tap_int_eq(sg17_p256_public(pk, bad), SG17_E_FORMAT, "private key 0 rejected");
    unhex(bad, 32, "ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551");
    tap_int_eq(sg17_p256_public(pk, bad), SG17_E_FORMAT, "private key n rejected");
    bad[31] = 0x50; /* n - 1 */
    tap_int_eq(sg17_p256_public(pk, bad), 0, "private key n-1 accepted");
    tap_int_eq(sg17_p256_sign(sig, bad, (const uint8_t *)"x", 1), 0, "sign with n-1");
    tap_int_eq(sg17_p256_verify(sig, pk, 65, (const uint8_t *)"x", 1), 0, "verify with -G");
}

/* A test RNG that first yields n (invalid, must be rejected), then a fixed key. */
struct seq_rng {
    int calls;
};
static int seq_source(void *ctx, uint8_t *out, size_t len)
{
    struct seq_rng *s = ctx;
    if (len != 32)
        return -1;
    if (s->calls++ == 0)
        unhex(out, 32, "ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551");
    else
        unhex(out, 32, p256_x);
    return 0;
}

static void test_p256_keygen(void)
{
    uint8_t sk[32], pk[65], want_sk[32], want_pk[65];
    struct seq_rng s = {0};
    sg17_rng_set_source(seq_source, &s);
    int rc = sg17_p256_keygen(sk, pk);
    sg17_rng_set_source(NULL, NULL);
    tap_int_eq(rc, 0, "keygen with test RNG");
    tap_int_eq(s.calls, 2, "candidate n rejected, second candidate used");
    unhex(want_sk, 32, p256_x);
    unhex(want_pk, 65, p256_q);
    tap_mem_eq(sk, want_sk, 32, "keygen scalar from RNG");
    tap_mem_eq(pk, want_pk, 65, "keygen public key");

    uint8_t a[32], apk[65], b[32], bpk[65], bc[33], k1[32], k2[32], k3[32];
    tap_int_eq(sg17_p256_keygen(a, apk), 0, "keygen a");
    tap_int_eq(sg17_p256_keygen(b, bpk), 0, "keygen b");
    tap_int_eq(sg17_p256_compress(bc, bpk), 0, "compress b");
    tap_int_eq(sg17_p256_ecdh(k1, a, bpk, 65), 0, "ecdh a,B (65)");
    tap_int_eq(sg17_p256_ecdh(k2, a, bc, 33), 0, "ecdh a,B (33)");
    tap_int_eq(sg17_p256_ecdh(k3, b, apk, 65), 0, "ecdh b,A");
    tap_mem_eq(k1, k3, 32, "ECDH agreement");
    tap_mem_eq(k1, k2, 32, "compressed and uncompressed peer agree");
}

static void test_p256_ecdh(void)
{
    /* RFC 5903 §8.1 (ECDH-256): i, g^r, and g^ir's x coordinate. */
    uint8_t i_[32], r_[32], gi[65], gr[65], pk[65], want[32], got[32], grc[33];
    unhex(i_, 32, "c88f01f510d9ac3f70a292daa2316de544e9aab8afe84049c62a9c57862d1433");
    unhex(gi, 65,
          "04dad0b65394221cf9b051e1feca5787d098dfe637fc90b9ef945d0c3772581180"
          "5271a0461cdb8252d61f1c456fa3e59ab1f45b33accf5f58389e0577b8990bb3");
    unhex(r_, 32, "c6ef9c5d78ae012a011164acb397ce2088685d8f06bf9be0b283ab46476bee53");
    unhex(gr, 65,
          "04d12dfb5289c8d4f81208b70270398c342296970a0bccb74c736fc7554494bf63"
          "56fbf3ca366cc23e8157854c13c58d6aac23f046ada30f8353e74f33039872ab");
    unhex(want, 32, "d6840f6b42f6edafd13116e0e12565202fef8e9ece7dce03812464d04b9442de");
    tap_int_eq(sg17_p256_public(pk, i_), 0, "g^i");
    tap_mem_eq(pk, gi, 65, "RFC 5903 8.1 g^i");
    tap_int_eq(sg17_p256_public(pk, r_), 0, "g^r");
    tap_mem_eq(pk, gr, 65, "RFC 5903 8.1 g^r");
    tap_int_eq(sg17_p256_ecdh(got, i_, gr, 65), 0, "ecdh(i, g^r)");
    tap_mem_eq(got, want, 32, "RFC 5903 8.1 g^ir (initiator)");
    tap_int_eq(sg17_p256_ecdh(got, r_, gi, 65), 0, "ecdh(r, g^i)");
    tap_mem_eq(got, want, 32, "RFC 5903 8.1 g^ir (responder)");
    tap_int_eq(sg17_p256_compress(grc, gr), 0, "compress g^r");
    tap_int_eq(sg17_p256_ecdh(got, i_, grc, 33), 0, "ecdh with compressed g^r");
    tap_mem_eq(got, want, 32, "RFC 5903 8.1 g^ir from compressed peer");

    /* Invalid peers: every one must be SG17_E_FORMAT and leave no secret. */
    uint8_t p[65];
    memcpy(p, gr, 65);
    p[64] ^= 0x01; /* y changed: not on the curve */
    tap_int_eq(sg17_p256_ecdh(got, i_, p, 65), SG17_E_FORMAT, "off-curve uncompressed point");
    uint8_t any_sig[64] = {1};
    tap_int_eq(sg17_p256_verify(any_sig, p, 65, want, 1), SG17_E_FORMAT,
               "verify with off-curve key -> SG17_E_FORMAT");
    uint8_t cp[33];
    tap_int_eq(sg17_p256_compress(cp, p), SG17_E_FORMAT, "compress refuses off-curve point");
    memcpy(p, gr, 65);
    p[0] = 0x06 | (gr[64] & 1); /* hybrid encoding (X9.62) is not accepted */
    tap_int_eq(sg17_p256_ecdh(got, i_, p, 65), SG17_E_FORMAT, "hybrid 06/07 encoding refused");
    p[0] = 0x05;
    tap_int_eq(sg17_p256_ecdh(got, i_, p, 65), SG17_E_FORMAT, "bad prefix refused");
    const uint8_t inf = 0x00;
    tap_int_eq(sg17_p256_ecdh(got, i_, &inf, 1), SG17_E_FORMAT, "point at infinity refused");
    uint8_t zero65[65] = {0x04};
    tap_int_eq(sg17_p256_ecdh(got, i_, zero65, 65), SG17_E_FORMAT, "(0,0) refused");
    tap_int_eq(sg17_p256_ecdh(got, i_, gr, 64), SG17_E_FORMAT, "64-byte peer refused");
    /* x = p (field prime) is out of range even though it is 32 bytes. */
    uint8_t xp[33];
    unhex(xp, 33, "02ffffffff00000001000000000000000000000000ffffffffffffffffffffffff");
    tap_int_eq(sg17_p256_ecdh(got, i_, xp, 33), SG17_E_FORMAT, "compressed x = p refused");
    uint8_t d[65];
    tap_int_eq(sg17_p256_decompress(d, xp), SG17_E_FORMAT, "decompress x = p refused");

    /* About half of all x have no point: count failures over x = 1..64 and
     * check that every accepted one round-trips. */
    int fails = 0, roundtrip_bad = 0;
    for (int x = 1; x <= 64; x++) {
        uint8_t c[33] = {0x02}, back[33];
        c[32] = (uint8_t)x;
        int rc = sg17_p256_decompress(d, c);
        if (rc == SG17_E_FORMAT) {
            fails++;
            continue;
        }
        if (rc != 0 || sg17_p256_compress(back, d) != 0 || memcmp(back, c, 33) != 0)
            roundtrip_bad++;
    }
    tap_ok(fails > 10 && fails < 54, "x with no curve point rejected (%d of 64)", fails);
    tap_int_eq(roundtrip_bad, 0, "every accepted x round-trips");
}

int main(void)
{
    test_x25519();
    test_ed25519();
    test_p256_ecdsa();
    test_p256_keygen();
    test_p256_ecdh();
    return tap_done();
}
