/*
 * libFuzzer harness for the SUIT envelope parser and processor
 * (src/lib/update): sg17_suit_decode, the summary and auth-block accessors,
 * sg17_suit_verify against fixed P-256/HMAC anchors, the command-sequence
 * interpreter run WITHOUT authentication on an in-memory device (so the
 * fuzzer reaches it), the re-encoders (sever, strip, add_auth; their output
 * must decode again), and sg17_suit_decrypt / sg17_cose_parse on the raw
 * input. Seed corpus: tests/fuzz/corpus/suit (envelopes made by sg17); for
 * longer runs add ../shared/vectors/suit/{manifest-37,libcsuit,negative} as
 * extra corpus directories (read in place, never copied).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sg17/crypto.h"
#include "sg17/suit.h"
#include "update/update_internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef struct fdev {
    uint8_t img[SG17_SUIT_MAX_COMPONENTS][64];
    size_t len[SG17_SUIT_MAX_COMPONENTS];
} fdev;

static int f_write(void *ctx, size_t c, const uint8_t *d, size_t n)
{
    fdev *f = ctx;
    if (c >= SG17_SUIT_MAX_COMPONENTS)
        __builtin_trap();
    f->len[c] = n < 64 ? n : 64;
    if (f->len[c])
        memcpy(f->img[c], d, f->len[c]);
    return 0;
}

static int f_read(void *ctx, size_t c, sg17_buf *out)
{
    fdev *f = ctx;
    if (c >= SG17_SUIT_MAX_COMPONENTS)
        __builtin_trap();
    return sg17_buf_append(out, f->img[c], f->len[c]);
}

static int f_fetch(void *ctx, size_t c, const char *uri, size_t n, sg17_buf *out)
{
    (void)ctx, (void)uri;
    if (c >= SG17_SUIT_MAX_COMPONENTS || (n > 0 && uri == NULL))
        __builtin_trap();
    return sg17_buf_append(out, "payload", 7);
}

static int f_invoke(void *ctx, size_t c, const uint8_t *a, size_t n)
{
    (void)ctx, (void)a, (void)n;
    return c < SG17_SUIT_MAX_COMPONENTS ? 0 : SG17_E_INVAL;
}

static int f_swap(void *ctx, size_t a, size_t b)
{
    (void)ctx;
    return a < SG17_SUIT_MAX_COMPONENTS && b < SG17_SUIT_MAX_COMPONENTS ? 0 : SG17_E_INVAL;
}

static void reencoded_decodes(const sg17_buf *b)
{
    sg17_suit_envelope *e = NULL;
    if (b->len == 0)
        return;
    if (sg17_suit_decode(b->data, b->len, &e, NULL, 0) != 0)
        __builtin_trap(); /* our own encoders must produce decodable envelopes */
    sg17_suit_free(e);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const uint8_t k1[65] = {
        0x04, 0x84, 0x96, 0x81, 0x1a, 0xae, 0x0b, 0xaa, 0xab, 0xd2, 0x61, 0x57, 0x18,
        0x9e, 0xec, 0xda, 0x26, 0xbe, 0xaa, 0x8b, 0xf1, 0x1b, 0x6f, 0x3f, 0xe6, 0xe2,
        0xb5, 0x65, 0x9c, 0x85, 0xdb, 0xc0, 0xad, 0x3b, 0x1f, 0x2a, 0x4b, 0x6c, 0x09,
        0x81, 0x31, 0xc0, 0xa3, 0x6d, 0xac, 0xd1, 0xd7, 0x8b, 0xd3, 0x81, 0xdc, 0xdf,
        0xb0, 0x9c, 0x05, 0x2d, 0xb3, 0x39, 0x91, 0xdb, 0x73, 0x38, 0xb4, 0xa8, 0x96};
    static const uint8_t hk[32] = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    static const uint8_t kek[16] = "aaaaaaaaaaaaaaaa";
    char why[SG17_SUIT_WHY_BYTES];
    sg17_cose_key anchors[2] = {{SG17_COSE_KEY_P256, k1, 65}, {SG17_COSE_KEY_HMAC, hk, 32}};
    sg17_suit_dec_key dk = {SG17_SUIT_DEC_A128KW, kek, 16};
    sg17_suit_policy pol = {.anchors = anchors, .n_anchors = 2, .dec_keys = &dk, .n_dec_keys = 1};
    sg17_suit_envelope *env = NULL;
    sg17_buf out;

    sg17_buf_init(&out, 1 << 16);
    if (sg17_suit_decrypt(data, size, &dk, 1, data, size, &out, why, sizeof why) == 0 &&
        out.len > size)
        __builtin_trap();
    sg17_buf_free(&out, 1);
    sg17_cose_info ci;
    (void)!sg17_cose_parse(data, size, &ci, why, sizeof why);

    if (sg17_suit_decode(data, size, &env, why, sizeof why) != 0)
        return 0;
    sg17_suit_summary s;
    sg17_suit_summary_get(env, &s);
    for (size_t i = 0; i < s.auth_blocks; i++) {
        const uint8_t *c;
        size_t cl;
        if (sg17_suit_auth_block(env, i, &c, &cl) == 0)
            (void)!sg17_cose_parse(c, cl, &ci, why, sizeof why);
    }
    for (size_t i = 0; i < s.components; i++) {
        sg17_buf id;
        sg17_buf_init(&id, 4096);
        (void)!sg17_suit_component_id(env, i, &id);
        sg17_buf_free(&id, 0);
    }
    (void)!sg17_suit_verify(env, &pol, why, sizeof why);

    fdev dev;
    memset(&dev, 0, sizeof dev);
    sg17_suit_ops ops = {.ctx = &dev, .fetch = f_fetch, .write = f_write, .read = f_read,
                         .invoke = f_invoke, .swap = f_swap};
    (void)!suit_run_sequences(env, &pol, &ops, SG17_SUIT_STEP_UPDATE | SG17_SUIT_STEP_BOOT, why,
                              sizeof why);

    sg17_buf_init(&out, SG17_SUIT_MAX_ENVELOPE_BYTES);
    if (sg17_suit_sever(env, 0, &out) == 0)
        reencoded_decodes(&out);
    sg17_buf_reset(&out);
    if (sg17_suit_sever(env, 1, &out) == 0)
        reencoded_decodes(&out);
    sg17_buf_reset(&out);
    static const uint8_t cose[] = {0xd2, 0x84, 0x43, 0xa1, 0x01, 0x26, 0xa0, 0xf6, 0x40};
    if (sg17_suit_add_auth(env, cose, sizeof cose, &out) == 0)
        reencoded_decodes(&out);
    sg17_buf_free(&out, 0);
    sg17_suit_free(env);
    return 0;
}
