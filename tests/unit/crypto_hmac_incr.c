/*
 * Incremental HMAC (sg17_hmac_init/update/final/copy/ctx_free): RFC 4231
 * §4.2/§4.3/§4.7/§4.8 known answers for SHA-256 and SHA-512, fed in one
 * piece and split at every position; copies of a keyed state used for two
 * messages (the SLH-DSA PRF_msg pattern: key once, then opt_rand || M per
 * message); agreement with the one-shot sg17_hmac on random inputs split
 * in three; argument errors.
 */
#include <stdlib.h>
#include <string.h>

#include "sg17/crypto.h"
#include "tap.h"

static uint8_t *hex(const char *h, size_t *n)
{
    uint8_t *p = tap_hex_decode(h, n);
    if (p == NULL) {
        tap_diag("bad hex in test: %s", h);
        abort();
    }
    return p;
}

#define AA131                                                                                      \
    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"   \
    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"   \
    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"

static const struct {
    const char *name, *key_hex, *data, *sha256, *sha512;
} cases[] = {
    {"RFC 4231 TC1", "0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b", "Hi There",
     "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7",
     "87aa7cdea5ef619d4ff0b4241a1d6cb02379f4e2ce4ec2787ad0b30545e17cde"
     "daa833b7d6b8a702038b274eaea3f4e4be9d914eeb61f1702e696c203a126854"},
    {"RFC 4231 TC2", "4a656665", "what do ya want for nothing?",
     "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
     "164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea250554"
     "9758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737"},
    {"RFC 4231 TC6", AA131, "Test Using Larger Than Block-Size Key - Hash Key First",
     "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54",
     "80b24263c7c1a3ebb71493c1dd7be8b49b46d1f41b4aeec1121b013783f8f352"
     "6b56d037e05f2598bd0fd2215d6a1e5295e64f73f63f0aec8b915a985d786598"},
    {"RFC 4231 TC7", AA131,
     "This is a test using a larger than block-size key and a larger than block-size data. "
     "The key needs to be hashed before being used by the HMAC algorithm.",
     "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2",
     "e37b6a775dc87dbaa4dfa9f96e5e3ffddebd71f8867289865df5a32d20cdc944"
     "b6022cac3c4982b10d5eeb55c3e4de15134676fb6de0446065c97440fa8c6a58"},
};

static void test_kat(void)
{
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        size_t klen = 0, wl = 0;
        uint8_t *key = hex(cases[i].key_hex, &klen);
        const uint8_t *d = (const uint8_t *)cases[i].data;
        size_t dlen = strlen(cases[i].data);
        for (int a = 0; a < 2; a++) {
            sg17_hash_alg alg = a == 0 ? SG17_HASH_SHA256 : SG17_HASH_SHA512;
            uint8_t *want = hex(a == 0 ? cases[i].sha256 : cases[i].sha512, &wl);
            uint8_t out[64];
            sg17_hmac_ctx c;
            int ok = sg17_hmac_init(&c, alg, key, klen) == 0 && sg17_hmac_update(&c, d, dlen) == 0 &&
                     sg17_hmac_final(&c, out) == 0;
            tap_ok(ok, "%s %s: init/update/final", cases[i].name, a ? "SHA-512" : "SHA-256");
            tap_mem_eq(out, want, wl, "one update");
            /* Split at every position, with an empty update in the middle. */
            int all = 1;
            for (size_t cut = 0; cut <= dlen; cut++) {
                ok = sg17_hmac_init(&c, alg, key, klen) == 0 && sg17_hmac_update(&c, d, cut) == 0 &&
                     sg17_hmac_update(&c, NULL, 0) == 0 &&
                     sg17_hmac_update(&c, d + cut, dlen - cut) == 0 && sg17_hmac_final(&c, out) == 0;
                all &= ok && memcmp(out, want, wl) == 0;
            }
            tap_ok(all, "%s %s: every split point gives the RFC 4231 tag", cases[i].name,
                   a ? "SHA-512" : "SHA-256");
            free(want);
        }
        free(key);
    }
}

static void test_copy(void)
{
    /* Key once, then two messages from copies of the keyed state; the
     * original keeps working after the copies are finalised. */
    size_t klen = 0, wl1 = 0, wl2 = 0;
    uint8_t *key = hex("4a656665", &klen);
    uint8_t *w1 = hex(cases[1].sha256, &wl1);
    uint8_t *w2 = hex("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843", &wl2);
    const char *m = cases[1].data;
    sg17_hmac_ctx keyed, c1, c2;
    uint8_t t1[32], t2[32], t3[32];
    tap_int_eq(sg17_hmac_init(&keyed, SG17_HASH_SHA256, key, klen), 0, "keyed state");
    tap_int_eq(sg17_hmac_copy(&c1, &keyed), 0, "copy 1");
    tap_int_eq(sg17_hmac_copy(&c2, &keyed), 0, "copy 2");
    /* c1: "what do ya " then the rest; c2: a different message. */
    tap_int_eq(sg17_hmac_update(&c1, (const uint8_t *)m, 11), 0, "c1 part 1");
    tap_int_eq(sg17_hmac_update(&c2, (const uint8_t *)"other", 5), 0, "c2 message");
    sg17_hmac_ctx mid;
    tap_int_eq(sg17_hmac_copy(&mid, &c1), 0, "copy of a state in mid-message");
    tap_int_eq(sg17_hmac_update(&c1, (const uint8_t *)m + 11, strlen(m) - 11), 0, "c1 part 2");
    tap_int_eq(sg17_hmac_final(&c1, t1), 0, "c1 final");
    tap_mem_eq(t1, w1, 32, "copy of the keyed state gives the RFC 4231 TC2 tag");
    tap_int_eq(sg17_hmac_update(&mid, (const uint8_t *)m + 11, strlen(m) - 11), 0, "mid part 2");
    tap_int_eq(sg17_hmac_final(&mid, t3), 0, "mid final");
    tap_mem_eq(t3, w2, 32, "copy taken mid-message finishes to the same tag");
    tap_int_eq(sg17_hmac_final(&c2, t2), 0, "c2 final");
    uint8_t want2[32];
    tap_int_eq(sg17_hmac(SG17_HASH_SHA256, key, klen, (const uint8_t *)"other", 5, want2), 0,
               "one-shot of the other message");
    tap_mem_eq(t2, want2, 32, "second copy is independent of the first");
    tap_int_eq(sg17_hmac_update(&keyed, (const uint8_t *)m, strlen(m)), 0, "original still live");
    tap_int_eq(sg17_hmac_final(&keyed, t1), 0, "original final");
    tap_mem_eq(t1, w1, 32, "original unaffected by its copies");
    free(key);
    free(w1);
    free(w2);
}

static void test_random(void)
{
    static const sg17_hash_alg algs[] = {SG17_HASH_SHA256, SG17_HASH_SHA384, SG17_HASH_SHA512,
                                         SG17_HASH_SHA3_256};
    int ok = 1, same = 1;
    for (int i = 0; i < 200; i++) {
        uint8_t key[200], msg[700], a[64], b[64];
        size_t kl = (size_t)(tap_rand_u64() % sizeof key), ml = (size_t)(tap_rand_u64() % sizeof msg);
        size_t c1 = ml ? (size_t)(tap_rand_u64() % (ml + 1)) : 0;
        size_t c2 = c1 + (ml - c1 ? (size_t)(tap_rand_u64() % (ml - c1 + 1)) : 0);
        sg17_hash_alg alg = algs[i % 4];
        tap_rand_bytes(key, kl);
        tap_rand_bytes(msg, ml);
        sg17_hmac_ctx c;
        ok &= sg17_hmac(alg, key, kl, msg, ml, a) == 0;
        ok &= sg17_hmac_init(&c, alg, key, kl) == 0 && sg17_hmac_update(&c, msg, c1) == 0 &&
              sg17_hmac_update(&c, msg + c1, c2 - c1) == 0 &&
              sg17_hmac_update(&c, msg + c2, ml - c2) == 0 && sg17_hmac_final(&c, b) == 0;
        same &= memcmp(a, b, sg17_hash_len(alg)) == 0;
    }
    tap_ok(ok, "200 random (key, message, 3-way split), SHA-256/384/512, SHA3-256: no errors");
    tap_ok(same, "incremental == one-shot sg17_hmac on all 200");
}

static void test_errors(void)
{
    sg17_hmac_ctx c;
    uint8_t out[64], k[4] = {1, 2, 3, 4};
    tap_int_eq(sg17_hmac_init(&c, SG17_HASH_SHAKE128, k, 4), SG17_E_UNSUPPORTED, "SHAKE refused");
    tap_ok(c.impl == NULL, "no state after a failed init");
    sg17_hmac_ctx_free(&c); /* safe after a failed init */
    tap_int_eq(sg17_hmac_init(&c, (sg17_hash_alg)999, k, 4), SG17_E_UNSUPPORTED, "unknown alg");
    tap_int_eq(sg17_hmac_init(NULL, SG17_HASH_SHA256, k, 4), SG17_E_INVAL, "NULL ctx");
    tap_int_eq(sg17_hmac_init(&c, SG17_HASH_SHA256, NULL, 4), SG17_E_INVAL, "NULL key, len 4");
    /* Empty key is allowed (RFC 2104 pads it with zeros). */
    uint8_t a[32], b[32];
    tap_int_eq(sg17_hmac_init(&c, SG17_HASH_SHA256, NULL, 0), 0, "empty key");
    tap_int_eq(sg17_hmac_final(&c, a), 0, "empty key, empty message");
    tap_int_eq(sg17_hmac(SG17_HASH_SHA256, NULL, 0, NULL, 0, b), 0, "one-shot, both empty");
    tap_mem_eq(a, b, 32, "empty key and message match the one-shot");
    /* After final the context is spent: update/final refuse it. */
    tap_int_eq(sg17_hmac_update(&c, k, 4), SG17_E_INVAL, "update after final refused");
    tap_int_eq(sg17_hmac_final(&c, out), SG17_E_INVAL, "final after final refused");
    tap_int_eq(sg17_hmac_init(&c, SG17_HASH_SHA256, k, 4), 0, "re-init");
    tap_int_eq(sg17_hmac_update(&c, NULL, 3), SG17_E_INVAL, "NULL input with length");
    tap_int_eq(sg17_hmac_final(&c, NULL), SG17_E_INVAL, "NULL out");
    sg17_hmac_ctx d;
    tap_int_eq(sg17_hmac_copy(&d, NULL), SG17_E_INVAL, "copy from NULL");
    tap_int_eq(sg17_hmac_copy(&c, &c), SG17_E_INVAL, "copy onto itself");
    sg17_hmac_ctx_free(&c); /* abandon without final */
    tap_ok(c.impl == NULL, "freed");
    sg17_hmac_ctx_free(&c);
    sg17_hmac_ctx_free(NULL);
}

int main(void)
{
    tap_rand_seed(4231);
    test_kat();
    test_copy();
    test_random();
    test_errors();
    return tap_done();
}
