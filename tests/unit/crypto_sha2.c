/*
 * Known answers for sg17_hash / sg17_sha256/384/512 and the incremental
 * contexts. Digests are the NIST examples (FIPS 180-4 "Example Algorithms"
 * SHA_All.pdf, SHA3-256_Msg0.pdf etc. from the CSRC examples page).
 */
#include <stdlib.h>
#include <string.h>

#include "sg17/crypto.h"
#include "tap.h"

static const char msg_abc[] = "abc";
/* the 448-bit two-block message of the FIPS 180-4 SHA-1/224/256 examples */
static const char msg_448[] = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
/* the 896-bit message of the SHA-384/512 examples */
static const char msg_896[] = "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmn"
                              "hijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu";

struct kat {
    sg17_hash_alg alg;
    const char *msg;
    const char *digest_hex;
    const char *what;
};

static const struct kat kats[] = {
    /* FIPS 180-4 examples (SHA224.pdf, SHA256.pdf, SHA384.pdf, SHA512.pdf, SHA512_256.pdf) */
    {SG17_HASH_SHA224, msg_abc, "23097d223405d8228642a477bda255b32aadbce4bda0b3f7e36c9da7",
     "SHA-224 abc"},
    {SG17_HASH_SHA256, msg_abc, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
     "SHA-256 abc"},
    {SG17_HASH_SHA256, msg_448, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1",
     "SHA-256 448-bit"},
    {SG17_HASH_SHA384, msg_abc,
     "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed"
     "8086072ba1e7cc2358baeca134c825a7",
     "SHA-384 abc"},
    {SG17_HASH_SHA384, msg_896,
     "09330c33f71147e83d192fc782cd1b4753111b173b3b05d22fa08086e3b0f712"
     "fcc7c71a557e2db966c3e9fa91746039",
     "SHA-384 896-bit"},
    {SG17_HASH_SHA512, msg_abc,
     "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
     "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f",
     "SHA-512 abc"},
    {SG17_HASH_SHA512, msg_896,
     "8e959b75dae313da8cf4f72814fc143f8f7779c6eb9f7fa17299aeadb6889018"
     "501d289e4900f7e4331b99dec4b5433ac7d329eeb6dd26545e96e55b874be909",
     "SHA-512 896-bit"},
    {SG17_HASH_SHA512_224, msg_abc, "4634270f707b6a54daae7530460842e20e37ed265ceee9a43e8924aa",
     "SHA-512/224 abc"},
    {SG17_HASH_SHA512_256, msg_abc,
     "53048e2681941ef99b2e29b76b4c7dabe4c2d0c634fc6d46e0e2f13107e7af23", "SHA-512/256 abc"},
    /* FIPS 202 examples (SHA3-256_Msg0.pdf; "abc" from the CSRC SHA-3 example set) */
    {SG17_HASH_SHA3_256, "", "a7ffc6f8bf1ed76651c14756a061d662f580ff4de43b49fa82d80a4b80f8434a",
     "SHA3-256 empty"},
    {SG17_HASH_SHA3_256, msg_abc,
     "3a985da74fe225b2045c172d6bd390bd855f086e3e9d525b46bfe24511431532", "SHA3-256 abc"},
    {SG17_HASH_SHA3_224, msg_abc, "e642824c3f8cf24ad09234ee7d3c766fc9a3a5168d0c94ad73b46fdf",
     "SHA3-224 abc"},
    {SG17_HASH_SHA3_384, msg_abc,
     "ec01498288516fc926459f58e2c6ad8df9b473cb0fc08c2596da7cf0e49be4b2"
     "98d88cea927ac7f539f1edf228376d25",
     "SHA3-384 abc"},
    {SG17_HASH_SHA3_512, msg_abc,
     "b751850b1a57168a5693cd924b6b096e08f621827444f70d884f5d0240d2712e"
     "10e116e9192af3c91a7ec57647e3934057340b4cf408d5a56592f8274eec53f0",
     "SHA3-512 abc"},
    /* SHAKE of the empty message, first 256 / 512 output bits (FIPS 202 examples) */
    {SG17_HASH_SHAKE128, "", "7f9c2ba4e88f827d616045507605853ed73b8093f6efbc88eb1a6eacfa66ef26",
     "SHAKE128 empty (256 bits)"},
    {SG17_HASH_SHAKE256, "",
     "46b9dd2b0ba88d13233b3feb743eeb243fcd52ea62b81b82b50c27646ed5762f"
     "d75dc4ddd8c0f200cb05019d67b592f6fc821c49479ab48640292eacb3b7c4be",
     "SHAKE256 empty (512 bits)"},
};

static void test_kats(void)
{
    for (size_t i = 0; i < sizeof kats / sizeof kats[0]; i++) {
        const struct kat *k = &kats[i];
        size_t want_len = 0;
        uint8_t *want = tap_hex_decode(k->digest_hex, &want_len);
        uint8_t got[64];
        memset(got, 0xAA, sizeof got);
        tap_int_eq(sg17_hash_len(k->alg), want_len, k->what);
        int rc = sg17_hash(k->alg, (const uint8_t *)k->msg, strlen(k->msg), got);
        tap_int_eq(rc, 0, k->what);
        tap_mem_eq(got, want, want_len, k->what);
        free(want);
    }
}

static void test_oneshot_and_incremental(void)
{
    /* The dedicated one-shots and the incremental contexts agree with the
     * same FIPS 180-4 answers, for every split point of the message. */
    size_t n = 0;
    uint8_t *w256 = tap_hex_decode(kats[2].digest_hex, &n);
    uint8_t *w384 = tap_hex_decode(kats[4].digest_hex, &n);
    uint8_t *w512 = tap_hex_decode(kats[6].digest_hex, &n);
    uint8_t out[64];

    sg17_sha256(out, (const uint8_t *)msg_448, strlen(msg_448));
    tap_mem_eq(out, w256, 32, "sg17_sha256 448-bit");
    sg17_sha384(out, (const uint8_t *)msg_896, strlen(msg_896));
    tap_mem_eq(out, w384, 48, "sg17_sha384 896-bit");
    sg17_sha512(out, (const uint8_t *)msg_896, strlen(msg_896));
    tap_mem_eq(out, w512, 64, "sg17_sha512 896-bit");

    int bad256 = 0, bad512 = 0;
    for (size_t cut = 0; cut <= strlen(msg_448); cut++) {
        sg17_sha256_ctx c;
        sg17_sha256_init(&c);
        sg17_sha256_update(&c, (const uint8_t *)msg_448, cut);
        sg17_sha256_update(&c, (const uint8_t *)msg_448 + cut, strlen(msg_448) - cut);
        sg17_sha256_final(&c, out);
        bad256 += memcmp(out, w256, 32) != 0;
    }
    for (size_t cut = 0; cut <= strlen(msg_896); cut++) {
        sg17_sha512_ctx c;
        sg17_sha512_init(&c);
        sg17_sha512_update(&c, (const uint8_t *)msg_896, cut);
        sg17_sha512_update(&c, (const uint8_t *)msg_896 + cut, strlen(msg_896) - cut);
        sg17_sha512_final(&c, out);
        bad512 += memcmp(out, w512, 64) != 0;
    }
    tap_int_eq(bad256, 0, "SHA-256 incremental, every split of the 448-bit message");
    tap_int_eq(bad512, 0, "SHA-512 incremental, every split of the 896-bit message");

    /* Midstate copied by value, then finished twice with different tails. */
    sg17_sha256_ctx mid, a, b;
    sg17_sha256_init(&mid);
    sg17_sha256_update(&mid, (const uint8_t *)msg_448, 20);
    a = mid;
    b = mid;
    sg17_sha256_update(&a, (const uint8_t *)msg_448 + 20, strlen(msg_448) - 20);
    sg17_sha256_final(&a, out);
    tap_mem_eq(out, w256, 32, "SHA-256 copied midstate, tail = rest of message");
    sg17_sha256_update(&b, (const uint8_t *)"x", 1);
    sg17_sha256_final(&b, out);
    tap_ok(memcmp(out, w256, 32) != 0, "SHA-256 copied midstate is independent");

    sg17_sha512_ctx m5, a5;
    sg17_sha512_init(&m5);
    sg17_sha512_update(&m5, (const uint8_t *)msg_896, 100);
    a5 = m5;
    sg17_sha512_update(&a5, (const uint8_t *)msg_896 + 100, strlen(msg_896) - 100);
    sg17_sha512_final(&a5, out);
    tap_mem_eq(out, w512, 64, "SHA-512 copied midstate");

    free(w256);
    free(w384);
    free(w512);
}

static void test_million_a(void)
{
    /* FIPS 180-4 / NIST example: one million 'a' (fed in 1000-byte pieces). */
    uint8_t buf[1000];
    memset(buf, 'a', sizeof buf);
    sg17_sha256_ctx c;
    sg17_sha256_init(&c);
    for (int i = 0; i < 1000; i++)
        sg17_sha256_update(&c, buf, sizeof buf);
    uint8_t out[32];
    sg17_sha256_final(&c, out);
    size_t n = 0;
    uint8_t *want =
        tap_hex_decode("cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0", &n);
    tap_mem_eq(out, want, 32, "SHA-256 one million 'a'");
    free(want);
}

static void test_errors(void)
{
    uint8_t out[64];
    tap_int_eq(sg17_hash_len((sg17_hash_alg)0), 0, "hash_len of unknown alg");
    tap_int_eq(sg17_hash_len((sg17_hash_alg)99), 0, "hash_len of unknown alg 99");
    tap_int_eq(sg17_hash((sg17_hash_alg)99, (const uint8_t *)"a", 1, out), SG17_E_UNSUPPORTED,
               "sg17_hash rejects unknown alg");
    tap_int_eq(sg17_hash(SG17_HASH_SHA256, NULL, 5, out), SG17_E_INVAL,
               "sg17_hash rejects NULL input with nonzero length");
    tap_int_eq(sg17_hash(SG17_HASH_SHA3_256, NULL, 0, out), 0, "sg17_hash NULL,0 is the empty msg");
    size_t n = 0;
    uint8_t *want = tap_hex_decode(kats[9].digest_hex, &n);
    tap_mem_eq(out, want, 32, "SHA3-256 of NULL,0 = empty-message digest");
    free(want);
}

int main(void)
{
    test_kats();
    test_oneshot_and_incremental();
    test_million_a();
    test_errors();
    return tap_done();
}
