/*
 * Known answers for AES-CTR (NIST SP 800-38A Appendix F.5.1, F.5.5),
 * AES-GCM (McGrew & Viega, "The Galois/Counter Mode of Operation", test
 * cases 2-4 and 13-16, as also used in SP 800-38D validation) and AES key
 * wrap (RFC 3394 §4.1-4.3, 4.6), plus negative tests.
 */
#include <stdlib.h>
#include <string.h>

#include "sg17/crypto.h"
#include "tap.h"

static uint8_t *hex(const char *h, size_t *n)
{
    size_t dummy = 0;
    uint8_t *p = tap_hex_decode(h, n != NULL ? n : &dummy);
    if (p == NULL)
        abort();
    return p;
}

/* SP 800-38A F.5: the four-block example plaintext and initial counter. */
static const char ctr_pt[] = "6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e51"
                             "30c81c46a35ce411e5fbc1191a0a52eff69f2445df4f9b17ad2b417be66c3710";
static const char ctr_icb[] = "f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff";

static void test_ctr(void)
{
    static const struct {
        const char *name, *key, *ct;
    } v[] = {
        {"SP 800-38A F.5.1 CTR-AES128.Encrypt", "2b7e151628aed2a6abf7158809cf4f3c",
         "874d6191b620e3261bef6864990db6ce9806f66b7970fdff8617187bb9fffdff"
         "5ae4df3edbd5d35e5b4f09020db03eab1e031dda2fbe03d1792170a0f3009cee"},
        {"SP 800-38A F.5.5 CTR-AES256.Encrypt",
         "603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4",
         "601ec313775789a5b7a7f504bbf3d228f443e3ca4d62b59aca84e990cacaf5c5"
         "2b0930daa23de94ce87017ba2d84988ddfc9c58db67aada613c2dd08457941a6"},
    };
    size_t pl = 0;
    uint8_t *pt = hex(ctr_pt, &pl), *icb = hex(ctr_icb, NULL);
    for (size_t i = 0; i < 2; i++) {
        size_t kl, cl;
        uint8_t *key = hex(v[i].key, &kl), *ct = hex(v[i].ct, &cl);
        uint8_t out[64], back[64];
        tap_int_eq(sg17_aes_ctr(key, kl, icb, pt, pl, out), 0, v[i].name);
        tap_mem_eq(out, ct, cl, v[i].name);
        /* CTR decryption is the same operation (F.5.2 / F.5.6). */
        tap_int_eq(sg17_aes_ctr(key, kl, icb, ct, cl, back), 0, "CTR decrypt");
        tap_mem_eq(back, pt, pl, "CTR decrypt recovers the plaintext");
        /* In place, and an odd length (partial last block). */
        memcpy(out, pt, 37);
        tap_int_eq(sg17_aes_ctr(key, kl, icb, out, 37, out), 0, "CTR in place, 37 bytes");
        tap_mem_eq(out, ct, 37, "CTR in-place prefix");
        free(key);
        free(ct);
    }
    uint8_t out[16];
    tap_int_eq(sg17_aes_ctr(icb, 24, icb, pt, 16, out), SG17_E_INVAL, "CTR refuses 24-byte key");
    free(pt);
    free(icb);
}

struct gcm_case {
    const char *name, *key, *iv, *aad, *pt, *ct, *tag;
};

#define GCM_K3 "feffe9928665731c6d6a8f9467308308"
#define GCM_IV3 "cafebabefacedbaddecaf888"
#define GCM_P3                                                                                     \
    "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"                             \
    "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b391aafd255"
#define GCM_P4                                                                                     \
    "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"                             \
    "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39"
#define GCM_A4 "feedfacedeadbeeffeedfacedeadbeefabaddad2"

static const struct gcm_case gcm_cases[] = {
    {"GCM TC2", "00000000000000000000000000000000", "000000000000000000000000", "",
     "00000000000000000000000000000000", "0388dace60b6a392f328c2b971b2fe78",
     "ab6e47d42cec13bdf53a67b21257bddf"},
    {"GCM TC3", GCM_K3, GCM_IV3, "", GCM_P3,
     "42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e"
     "21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091473f5985",
     "4d5c2af327cd64a62cf35abd2ba6fab4"},
    {"GCM TC4", GCM_K3, GCM_IV3, GCM_A4, GCM_P4,
     "42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e"
     "21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091",
     "5bc94fbc3221a5db94fae95ae7121a47"},
    {"GCM TC13", "0000000000000000000000000000000000000000000000000000000000000000",
     "000000000000000000000000", "", "", "", "530f8afbc74536b9a963b4f1c4cb738b"},
    {"GCM TC14", "0000000000000000000000000000000000000000000000000000000000000000",
     "000000000000000000000000", "", "00000000000000000000000000000000",
     "cea7403d4d606b6e074ec5d3baf39d18", "d0d1c8a799996bf0265b98b5d48ab919"},
    {"GCM TC15", GCM_K3 GCM_K3, GCM_IV3, "", GCM_P3,
     "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa"
     "8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662898015ad",
     "b094dac5d93471bdec1a502270e3cc6c"},
    {"GCM TC16", GCM_K3 GCM_K3, GCM_IV3, GCM_A4, GCM_P4,
     "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa"
     "8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662",
     "76fc6ece0f4e1768cddf8853bb2d551b"},
};

static void test_gcm(void)
{
    for (size_t i = 0; i < sizeof gcm_cases / sizeof gcm_cases[0]; i++) {
        const struct gcm_case *c = &gcm_cases[i];
        size_t kl, ivl, al, pl, cl, tl;
        uint8_t *key = hex(c->key, &kl), *iv = hex(c->iv, &ivl), *aad = hex(c->aad, &al);
        uint8_t *pt = hex(c->pt, &pl), *ct = hex(c->ct, &cl), *tag = hex(c->tag, &tl);
        uint8_t out[64], got_tag[16], back[64];
        tap_diag("%s", c->name);
        tap_int_eq(sg17_aes_gcm_seal(key, kl, iv, ivl, al ? aad : NULL, al, pl ? pt : NULL, pl,
                                     out, got_tag),
                   0, "seal");
        tap_mem_eq(out, ct, cl, "ciphertext");
        tap_mem_eq(got_tag, tag, 16, "tag");
        tap_int_eq(sg17_aes_gcm_open(key, kl, iv, ivl, al ? aad : NULL, al, cl ? ct : NULL, cl,
                                     tag, back),
                   0, "open");
        tap_mem_eq(back, pt, pl, "open recovers plaintext");

        /* Negative: flipped tag bit, flipped ciphertext bit, flipped AAD bit. */
        uint8_t bad[16];
        memcpy(bad, tag, 16);
        bad[15] ^= 0x01;
        memset(back, 0x77, sizeof back);
        tap_int_eq(sg17_aes_gcm_open(key, kl, iv, ivl, al ? aad : NULL, al, cl ? ct : NULL, cl,
                                     bad, back),
                   SG17_E_VERIFY, "bad tag -> SG17_E_VERIFY");
        int wiped = 1;
        for (size_t j = 0; j < cl; j++)
            wiped &= back[j] == 0;
        tap_ok(wiped, "output wiped after a bad tag");
        if (cl > 0) {
            ct[cl - 1] ^= 0x80;
            tap_int_eq(sg17_aes_gcm_open(key, kl, iv, ivl, al ? aad : NULL, al, ct, cl, tag, back),
                       SG17_E_VERIFY, "tampered ciphertext -> SG17_E_VERIFY");
            ct[cl - 1] ^= 0x80;
        }
        if (al > 0) {
            aad[0] ^= 1;
            tap_int_eq(sg17_aes_gcm_open(key, kl, iv, ivl, aad, al, cl ? ct : NULL, cl, tag, back),
                       SG17_E_VERIFY, "tampered AAD -> SG17_E_VERIFY");
        }
        free(key), free(iv), free(aad), free(pt), free(ct), free(tag);
    }
    uint8_t k[16] = {0}, iv[12] = {0}, tag[16], out[4];
    tap_int_eq(sg17_aes_gcm_seal(k, 15, iv, 12, NULL, 0, k, 4, out, tag), SG17_E_INVAL,
               "GCM refuses a 15-byte key");
    tap_int_eq(sg17_aes_gcm_seal(k, 16, iv, 0, NULL, 0, k, 4, out, tag), SG17_E_INVAL,
               "GCM refuses an empty IV");
}

static void test_kw(void)
{
    static const struct {
        const char *name, *kek, *key, *wrapped;
    } v[] = {
        {"RFC 3394 4.1 (128-bit data, 128-bit KEK)", "000102030405060708090a0b0c0d0e0f",
         "00112233445566778899aabbccddeeff", "1fa68b0a8112b447aef34bd8fb5a7b829d3e862371d2cfe5"},
        {"RFC 3394 4.2 (128-bit data, 192-bit KEK)",
         "000102030405060708090a0b0c0d0e0f1011121314151617", "00112233445566778899aabbccddeeff",
         "96778b25ae6ca435f92b5b97c050aed2468ab8a17ad84e5d"},
        {"RFC 3394 4.3 (128-bit data, 256-bit KEK)",
         "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",
         "00112233445566778899aabbccddeeff", "64e8c3f9ce0f5ba263e9777905818a2a93c8191e7d6e8ae7"},
        {"RFC 3394 4.6 (256-bit data, 256-bit KEK)",
         "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",
         "00112233445566778899aabbccddeeff000102030405060708090a0b0c0d0e0f",
         "28c9f404c4b810f4cbccb35cfb87f8263f5786e2d80ed326cbc7f0e71a99f43bfb988b9b7a02dd21"},
    };
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
        size_t kekl, kl, wl;
        uint8_t *kek = hex(v[i].kek, &kekl), *key = hex(v[i].key, &kl);
        uint8_t *w = hex(v[i].wrapped, &wl);
        uint8_t out[48], back[40];
        tap_int_eq(wl, kl + 8, "wrapped length");
        tap_int_eq(sg17_aes_kw_wrap(kek, kekl, key, kl, out), 0, v[i].name);
        tap_mem_eq(out, w, wl, v[i].name);
        tap_int_eq(sg17_aes_kw_unwrap(kek, kekl, w, wl, back), 0, "unwrap");
        tap_mem_eq(back, key, kl, "unwrap recovers the key data");
        /* Tampered wrapped key: integrity check (A = A6A6...) must fail. */
        for (size_t pos = 0; pos < wl; pos += 7) {
            w[pos] ^= 0x10;
            memset(back, 0x5a, sizeof back);
            int rc = sg17_aes_kw_unwrap(kek, kekl, w, wl, back);
            w[pos] ^= 0x10;
            int wiped = 1;
            for (size_t j = 0; j < kl; j++)
                wiped &= back[j] == 0;
            if (rc != SG17_E_VERIFY || !wiped) {
                tap_ok(0, "tampered byte %zu: rc %d, wiped %d", pos, rc, wiped);
                break;
            }
        }
        tap_ok(1, "%s: every tampered position -> SG17_E_VERIFY, output wiped", v[i].name);
        kek[0] ^= 1;
        tap_int_eq(sg17_aes_kw_unwrap(kek, kekl, w, wl, back), SG17_E_VERIFY,
                   "wrong KEK -> SG17_E_VERIFY");
        free(kek), free(key), free(w);
    }
    uint8_t kek[16] = {0}, in[24] = {0}, out[32];
    tap_int_eq(sg17_aes_kw_wrap(kek, 16, in, 8, out), SG17_E_INVAL, "wrap refuses 8-byte data");
    tap_int_eq(sg17_aes_kw_wrap(kek, 16, in, 20, out), SG17_E_INVAL,
               "wrap refuses non-multiple of 8");
    tap_int_eq(sg17_aes_kw_unwrap(kek, 16, in, 16, out), SG17_E_FORMAT,
               "unwrap refuses 16-byte input");
    tap_int_eq(sg17_aes_kw_unwrap(kek, 16, in, 23, out), SG17_E_FORMAT,
               "unwrap refuses non-multiple of 8");
}

int main(void)
{
    test_ctr();
    test_gcm();
    test_kw();
    return tap_done();
}
