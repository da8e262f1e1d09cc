/*
 * Known answers for sg17_hmac (RFC 4231 §4), sg17_hkdf (RFC 5869 App. A,
 * SHA-256 cases A.1-A.3) and sg17_x963_kdf (NIST CAVP ansx963_2001.rsp,
 * SHA-256 section, from the SP 800-135 component test vectors).
 */
#include <stdlib.h>
#include <string.h>

#include "sg17/crypto.h"
#include "tap.h"

static uint8_t *hex(const char *h, size_t *n)
{
    size_t dummy = 0;
    uint8_t *p = tap_hex_decode(h, n != NULL ? n : &dummy);
    if (p == NULL) {
        tap_diag("bad hex in test: %s", h);
        abort();
    }
    return p;
}

/* RFC 4231 §4.2-4.8: keys and data as given there (test case 5, the
 * truncated-output case, is not applicable: sg17_hmac never truncates). */
struct hmac_case {
    const char *name;
    const char *key_hex;
    const char *data_hex;
    const char *data_str; /* used when data_hex is NULL */
    const char *sha256, *sha384, *sha512;
};

/* 131 bytes of 0xaa */
#define AA131                                                                                    \
    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" \
    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" \
    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"

static const struct hmac_case hmac_cases[] = {
    {"RFC 4231 TC1", "0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b", NULL, "Hi There",
     "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7",
     "afd03944d84895626b0825f4ab46907f15f9dadbe4101ec682aa034c7cebc59c"
     "faea9ea9076ede7f4af152e8b2fa9cb6",
     "87aa7cdea5ef619d4ff0b4241a1d6cb02379f4e2ce4ec2787ad0b30545e17cde"
     "daa833b7d6b8a702038b274eaea3f4e4be9d914eeb61f1702e696c203a126854"},
    {"RFC 4231 TC2", "4a656665", NULL, "what do ya want for nothing?",
     "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
     "af45d2e376484031617f78d2b58a6b1b9c7ef464f5a01b47e42ec3736322445e"
     "8e2240ca5e69e2c78b3239ecfab21649",
     "164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea250554"
     "9758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737"},
    {"RFC 4231 TC3", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
     "dddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd"
     "dddddddddd",
     NULL, "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe",
     "88062608d3e6ad8a0aa2ace014c8a86f0aa635d947ac9febe83ef4e55966144b"
     "2a5ab39dc13814b94e3ab6e101a34f27",
     "fa73b0089d56a284efb0f0756c890be9b1b5dbdd8ee81a3655f83e33b2279d39"
     "bf3e848279a722c806b485a47e67c807b946a337bee8942674278859e13292fb"},
    {"RFC 4231 TC4", "0102030405060708090a0b0c0d0e0f10111213141516171819",
     "cdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcd"
     "cdcdcdcdcd",
     NULL, "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b",
     "3e8a69b7783c25851933ab6290af6ca77a9981480850009cc5577c6e1f573b4e"
     "6801dd23c4a7d679ccf8a386c674cffb",
     "b0ba465637458c6990e5a8c5f61d4af7e576d97ff94b872de76f8050361ee3db"
     "a91ca5c11aa25eb4d679275cc5788063a5f19741120c4f2de2adebeb10a298dd"},
    {"RFC 4231 TC6", AA131, NULL, "Test Using Larger Than Block-Size Key - Hash Key First",
     "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54",
     "4ece084485813e9088d2c63a041bc5b44f9ef1012a2b588f3cd11f05033ac4c6"
     "0c2ef6ab4030fe8296248df163f44952",
     "80b24263c7c1a3ebb71493c1dd7be8b49b46d1f41b4aeec1121b013783f8f352"
     "6b56d037e05f2598bd0fd2215d6a1e5295e64f73f63f0aec8b915a985d786598"},
    {"RFC 4231 TC7", AA131, NULL,
     "This is a test using a larger than block-size key and a larger than block-size data. "
     "The key needs to be hashed before being used by the HMAC algorithm.",
     "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2",
     "6617178e941f020d351e2f254e8fd32c602420feb0b8fb9adccebb82461e99c5"
     "a678cc31e799176d3860e6110c46523e",
     "e37b6a775dc87dbaa4dfa9f96e5e3ffddebd71f8867289865df5a32d20cdc944"
     "b6022cac3c4982b10d5eeb55c3e4de15134676fb6de0446065c97440fa8c6a58"},
};

static void test_hmac(void)
{
    for (size_t i = 0; i < sizeof hmac_cases / sizeof hmac_cases[0]; i++) {
        const struct hmac_case *c = &hmac_cases[i];
        size_t klen = 0, dlen = 0;
        uint8_t *key = hex(c->key_hex, &klen);
        uint8_t *data = c->data_hex != NULL ? hex(c->data_hex, &dlen) : NULL;
        const uint8_t *d = data != NULL ? data : (const uint8_t *)c->data_str;
        if (data == NULL)
            dlen = strlen(c->data_str);
        const struct {
            sg17_hash_alg alg;
            const char *want;
            const char *tag;
        } algs[3] = {{SG17_HASH_SHA256, c->sha256, "HMAC-SHA-256"},
                     {SG17_HASH_SHA384, c->sha384, "HMAC-SHA-384"},
                     {SG17_HASH_SHA512, c->sha512, "HMAC-SHA-512"}};
        for (int a = 0; a < 3; a++) {
            size_t wlen = 0;
            uint8_t *want = hex(algs[a].want, &wlen);
            uint8_t out[64];
            tap_diag("%s %s", c->name, algs[a].tag);
            tap_int_eq(sg17_hmac(algs[a].alg, key, klen, d, dlen, out), 0, "hmac returns 0");
            tap_mem_eq(out, want, wlen, c->name);
            free(want);
        }
        free(key);
        free(data);
    }
    uint8_t out[64];
    tap_int_eq(sg17_hmac(SG17_HASH_SHAKE128, (const uint8_t *)"k", 1, NULL, 0, out),
               SG17_E_UNSUPPORTED, "HMAC with an XOF is refused");
    /* A wrong key must give a different tag (the assertion can fail). */
    tap_int_eq(sg17_hmac(SG17_HASH_SHA256, (const uint8_t *)"Jefg", 4,
                         (const uint8_t *)"what do ya want for nothing?", 28, out),
               0, "hmac with other key");
    uint8_t *tc2 = hex(hmac_cases[1].sha256, NULL);
    tap_ok(memcmp(out, tc2, 32) != 0, "different key, different tag");
    free(tc2);
}

struct hkdf_case {
    const char *name, *ikm, *salt, *info, *prk, *okm;
};

/* RFC 5869 Appendix A.1-A.3 (SHA-256). */
static const struct hkdf_case hkdf_cases[] = {
    {"RFC 5869 A.1", "0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b", "000102030405060708090a0b0c",
     "f0f1f2f3f4f5f6f7f8f9", "077709362c2e32df0ddc3f0dc47bba6390b6c73bb50f9c3122ec844ad7c2b3e5",
     "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865"},
    {"RFC 5869 A.2",
     "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
     "202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f"
     "404142434445464748494a4b4c4d4e4f",
     "606162636465666768696a6b6c6d6e6f707172737475767778797a7b7c7d7e7f"
     "808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f"
     "a0a1a2a3a4a5a6a7a8a9aaabacadaeaf",
     "b0b1b2b3b4b5b6b7b8b9babbbcbdbebfc0c1c2c3c4c5c6c7c8c9cacbcccdcecf"
     "d0d1d2d3d4d5d6d7d8d9dadbdcdddedfe0e1e2e3e4e5e6e7e8e9eaebecedeeef"
     "f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff",
     "06a6b88c5853361a06104c9ceb35b45cef760014904671014a193f40c15fc244",
     "b11e398dc80327a1c8e7f78c596a49344f012eda2d4efad8a050cc4c19afa97c"
     "59045a99cac7827271cb41c65e590e09da3275600c2f09b8367793a9aca3db71"
     "cc30c58179ec3e87c14c01d5c1f3434f1d87"},
    {"RFC 5869 A.3", "0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b", "", "",
     "19ef24a32c717b167f33a91d6f648bdf96596776afdb6377ac434c1c293ccb04",
     "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8"},
};

static void test_hkdf(void)
{
    for (size_t i = 0; i < sizeof hkdf_cases / sizeof hkdf_cases[0]; i++) {
        const struct hkdf_case *c = &hkdf_cases[i];
        size_t ikm_len, salt_len, info_len, prk_len, okm_len;
        uint8_t *ikm = hex(c->ikm, &ikm_len), *salt = hex(c->salt, &salt_len);
        uint8_t *info = hex(c->info, &info_len), *prk = hex(c->prk, &prk_len);
        uint8_t *okm = hex(c->okm, &okm_len);
        uint8_t out[128];
        tap_int_eq(sg17_hkdf(SG17_HASH_SHA256, salt_len ? salt : NULL, salt_len, ikm, ikm_len,
                             info_len ? info : NULL, info_len, out, okm_len),
                   0, c->name);
        tap_mem_eq(out, okm, okm_len, c->name);
        /* PRK = HMAC-Hash(salt, IKM) (§2.2), salt absent = HashLen zeros. */
        static const uint8_t zeros[32];
        tap_int_eq(sg17_hmac(SG17_HASH_SHA256, salt_len ? salt : zeros, salt_len ? salt_len : 32,
                             ikm, ikm_len, out),
                   0, "PRK via sg17_hmac");
        tap_mem_eq(out, prk, 32, "PRK of the RFC 5869 case");
        free(ikm);
        free(salt);
        free(info);
        free(prk);
        free(okm);
    }

    /* Zero-length IKM (allowed by RFC 5869; OpenSSL's one-step HKDF refuses
     * it, so sg17 extracts via HMAC): check against the §2.2/§2.3 formulas. */
    const uint8_t salt[4] = {1, 2, 3, 4}, info[3] = {9, 8, 7};
    uint8_t prk[32], t1[32], okm[32], buf[4];
    tap_int_eq(sg17_hmac(SG17_HASH_SHA256, salt, 4, NULL, 0, prk), 0, "PRK of empty IKM");
    memcpy(buf, info, 3);
    buf[3] = 0x01;
    tap_int_eq(sg17_hmac(SG17_HASH_SHA256, prk, 32, buf, 4, t1), 0, "T(1)");
    tap_int_eq(sg17_hkdf(SG17_HASH_SHA256, salt, 4, NULL, 0, info, 3, okm, 32), 0,
               "HKDF with empty IKM");
    tap_mem_eq(okm, t1, 32, "HKDF empty IKM = T(1) from the RFC 5869 formulas");

    uint8_t big[256 * 32];
    tap_int_eq(sg17_hkdf(SG17_HASH_SHA256, NULL, 0, salt, 4, NULL, 0, big, 255 * 32), 0,
               "HKDF L = 255*HashLen allowed");
    tap_int_eq(sg17_hkdf(SG17_HASH_SHA256, NULL, 0, salt, 4, NULL, 0, big, 255 * 32 + 1),
               SG17_E_LIMIT, "HKDF L > 255*HashLen refused");
}

/* NIST CAVP ansx963_2001.rsp, [SHA-256] sections. */
struct x963_case {
    const char *name, *z, *info, *key;
};
static const struct x963_case x963_cases[] = {
    {"ansx963 SHA-256 SharedInfo=0 COUNT=0", "96c05619d56c328ab95fe84b18264b08725b85e33fd34f08", "",
     "443024c3dae66b95e6f5670601558f71"},
    {"ansx963 SHA-256 SharedInfo=0 COUNT=1", "96f600b73ad6ac5629577eced51743dd2c24c21b1ac83ee4", "",
     "b6295162a7804f5667ba9070f82fa522"},
    {"ansx963 SHA-256 SharedInfo=128 COUNT=0", "22518b10e70f2a3f243810ae3254139efbee04aa57c7af7d",
     "75eef81aa3041e33b80971203d2c0c52",
     "c498af77161cc59f2962b9a713e2b215152d139766ce34a776df11866a69bf2e"
     "52a13d9c7c6fc878c50c5ea0bc7b00e0da2447cfd874f6cf92f30d0097111485"
     "500c90c3af8b487872d04685d14c8d1dc8d7fa08beb0ce0ababc11f0bd496269"
     "142d43525a78e5bc79a17f59676a5706dc54d54d4d1f0bd7e386128ec26afc21"},
    {"ansx963 SHA-256 SharedInfo=128 COUNT=1", "7e335afa4b31d772c0635c7b0e06f26fcd781df947d2990a",
     "d65a4812733f8cdbcdfb4b2f4c191d87",
     "c0bd9e38a8f9de14c2acd35b2f3410c6988cf02400543631e0d6a4c1d030365a"
     "cbf398115e51aaddebdc9590664210f9aa9fed770d4c57edeafa0b8c14f93300"
     "865251218c262d63dadc47dfa0e0284826793985137e0a544ec80abf2fdf5ab9"
     "0bdaea66204012efe34971dc431d625cd9a329b8217cc8fd0d9f02b13f2f6b0b"},
};

static void test_x963(void)
{
    for (size_t i = 0; i < sizeof x963_cases / sizeof x963_cases[0]; i++) {
        const struct x963_case *c = &x963_cases[i];
        size_t zl, il, kl;
        uint8_t *z = hex(c->z, &zl), *info = hex(c->info, &il), *key = hex(c->key, &kl);
        uint8_t out[128];
        tap_int_eq(sg17_x963_kdf(SG17_HASH_SHA256, z, zl, il ? info : NULL, il, out, kl), 0,
                   c->name);
        tap_mem_eq(out, key, kl, c->name);
        free(z);
        free(info);
        free(key);
    }
    /* SEC 1 §3.6.1: K_1 = SHA-256(Z || 00000001 || SharedInfo); check the
     * definition directly with sg17_sha256. */
    uint8_t z[5] = {1, 2, 3, 4, 5}, si[2] = {0xAB, 0xCD}, in[11], want[32], got[40];
    memcpy(in, z, 5);
    in[5] = 0, in[6] = 0, in[7] = 0, in[8] = 1;
    memcpy(in + 9, si, 2);
    sg17_sha256(want, in, sizeof in);
    tap_int_eq(sg17_x963_kdf(SG17_HASH_SHA256, z, 5, si, 2, got, 32), 0, "x963 definition");
    tap_mem_eq(got, want, 32, "K_1 = Hash(Z || Counter=1 || SharedInfo)");
    tap_int_eq(sg17_x963_kdf(SG17_HASH_SHA256, NULL, 0, si, 2, got, 32), SG17_E_INVAL,
               "x963 refuses empty Z");
}

/* RFC 7914 §11: the two PBKDF2-HMAC-SHA256 test vectors (P, S, c, dkLen = 64). */
static void test_pbkdf2(void)
{
    static const struct {
        const char *p, *s;
        unsigned c;
        const char *dk;
    } v[] = {
        {"passwd", "salt", 1,
         "55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc"
         "49ca9cccf179b645991664b39d77ef317c71b845b1e30bd509112041d3a19783"},
        {"Password", "NaCl", 80000,
         "4ddcd8f60b98be21830cee5ef22701f9641a4418d04c0414aeff08876b34ab56"
         "a1d425a1225833549adb841b51c9b3176a272bdebba1d078478f62b397f33c8d"},
    };
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
        size_t n;
        uint8_t *dk = hex(v[i].dk, &n), out[64];
        tap_int_eq(sg17_pbkdf2(SG17_HASH_SHA256, (const uint8_t *)v[i].p, strlen(v[i].p),
                               (const uint8_t *)v[i].s, strlen(v[i].s), v[i].c, out, n),
                   0, "PBKDF2-HMAC-SHA256 RFC 7914 §11");
        tap_mem_eq(out, dk, n, "PBKDF2-HMAC-SHA256 RFC 7914 §11 output");
        free(dk);
    }
    uint8_t out[32];
    tap_int_eq(sg17_pbkdf2(SG17_HASH_SHA256, (const uint8_t *)"p", 1, (const uint8_t *)"s", 1, 0,
                           out, sizeof out),
               SG17_E_INVAL, "PBKDF2: zero iterations refused");
    tap_int_eq(
        sg17_pbkdf2(SG17_HASH_SHA256, (const uint8_t *)"p", 1, (const uint8_t *)"s", 1, 1, out, 0),
        SG17_E_INVAL, "PBKDF2: empty output refused");
}

int main(void)
{
    test_pbkdf2();
    test_hmac();
    test_hkdf();
    test_x963();
    return tap_done();
}
