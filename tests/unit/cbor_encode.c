/* sg17_cbor encoder: shortest heads, floats, deterministic map order
 * (RFC 8949 §4.2.1), caps and all-or-nothing appends. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sg17/cbor.h"
#include "tap.h"

static int hex_is(const sg17_buf *b, const char *hex, const char *what)
{
    size_t n = 0;
    uint8_t *want = tap_hex_decode(hex, &n);
    int ok = tap_int_eq(b->len, n, what) && tap_mem_eq(b->data, want, n, what);
    free(want);
    return ok;
}

static void test_heads(void)
{
    static const struct {
        unsigned mt;
        uint64_t v;
        const char *hex;
    } h[] = {
        {0, 0, "00"}, {0, 23, "17"}, {0, 24, "1818"}, {0, 255, "18ff"}, {0, 256, "190100"},
        {0, 65535, "19ffff"}, {0, 65536, "1a00010000"}, {0, 0xffffffffULL, "1affffffff"},
        {0, 0x100000000ULL, "1b0000000100000000"}, {2, 5, "45"}, {4, 24, "9818"},
        {5, 1000, "b903e8"}, {6, 1, "c1"}, {6, 55799, "d9d9f7"}, {7, 22, "f6"},
    };
    for (size_t i = 0; i < sizeof h / sizeof h[0]; i++) {
        sg17_buf b;
        sg17_buf_init(&b, 16);
        tap_int_eq(sg17_cbor_enc_head(&b, h[i].mt, h[i].v), 0, h[i].hex);
        hex_is(&b, h[i].hex, h[i].hex);
        sg17_buf_free(&b, 0);
    }
    sg17_buf b;
    sg17_buf_init(&b, 64);
    tap_int_eq(sg17_cbor_enc_head(&b, 8, 0), SG17_E_INVAL, "major type 8 refused");
    int rc = sg17_cbor_enc_int(&b, -1) | sg17_cbor_enc_int(&b, -24) | sg17_cbor_enc_int(&b, -25) |
             sg17_cbor_enc_int(&b, INT64_MIN) | sg17_cbor_enc_int(&b, INT64_MAX);
    tap_int_eq(rc, 0, "enc_int");
    hex_is(&b, "20373818" "3b7fffffffffffffff" "1b7fffffffffffffff", "signed integers");
    sg17_buf_reset(&b);
    rc = sg17_cbor_enc_bool(&b, 1) | sg17_cbor_enc_bool(&b, 0) | sg17_cbor_enc_null(&b) |
         sg17_cbor_enc_simple(&b, 16) | sg17_cbor_enc_simple(&b, 32);
    tap_int_eq(rc, 0, "simple values");
    hex_is(&b, "f5f4f6f0f820", "true false null simple(16) simple(32)");
    tap_int_eq(sg17_cbor_enc_simple(&b, 24), SG17_E_INVAL, "simple(24) refused");
    tap_int_eq(sg17_cbor_enc_simple(&b, 31), SG17_E_INVAL, "simple(31) refused");
    sg17_buf_free(&b, 0);
}

static void test_floats(void)
{
    static const struct {
        double v;
        const char *hex;
    } f[] = {
        {0.0, "f90000"}, {-0.0, "f98000"}, {1.0, "f93c00"}, {65504.0, "f97bff"},
        {65505.0, "fa477fe100"}, {65536.0, "fa47800000"}, {5.960464477539063e-8, "f90001"},
        {2.9802322387695312e-8, "fa33000000"}, {6.097555160522461e-05, "f903ff"},
        {6.103515625e-05, "f90400"}, {1.00000011920928955078125, "fa3f800001"},
        {1.1, "fb3ff199999999999a"}, {1e300, "fb7e37e43c8800759c"},
        {1.401298464324817e-45, "fa00000001"}, {INFINITY, "f97c00"}, {-INFINITY, "f9fc00"},
        {NAN, "f97e00"},
    };
    for (size_t i = 0; i < sizeof f / sizeof f[0]; i++) {
        sg17_buf b;
        sg17_buf_init(&b, 16);
        tap_int_eq(sg17_cbor_enc_float(&b, f[i].v), 0, f[i].hex);
        hex_is(&b, f[i].hex, f[i].hex);
        /* The shortest form must decode back to the same value. */
        cbor_item_t *it = NULL;
        if (sg17_cbor_decode(b.data, b.len, NULL, &it, NULL) == 0) {
            double d = cbor_float_get_float(it);
            tap_ok(isnan(f[i].v) ? isnan(d) : d == f[i].v && signbit(d) == signbit(f[i].v),
                   "%s decodes to %.17g", f[i].hex, f[i].v);
        } else {
            tap_ok(0, "%s decodes", f[i].hex);
        }
        sg17_cbor_free(it);
        sg17_buf_free(&b, 0);
    }
}

static void test_strings_and_caps(void)
{
    sg17_buf b;
    sg17_buf_init(&b, 8);
    tap_int_eq(sg17_cbor_enc_tstr(&b, "IETF", 4), 0, "tstr");
    hex_is(&b, "6449455446", "\"IETF\"");
    /* 1 + 3 bytes would pass the cap of 8 (5 used): nothing is written. */
    tap_int_eq(sg17_cbor_enc_bstr(&b, (const uint8_t *)"abc", 3), SG17_E_LIMIT, "bstr over cap");
    tap_int_eq(b.len, 5, "buffer unchanged after LIMIT");
    tap_int_eq(sg17_cbor_enc_uint(&b, 0x10000), SG17_E_LIMIT, "head over cap");
    tap_int_eq(b.len, 5, "buffer unchanged after LIMIT");
    tap_int_eq(sg17_cbor_enc_bstr(&b, NULL, 0), 0, "empty bstr");
    tap_int_eq(sg17_cbor_enc_bstr(&b, NULL, 1), SG17_E_INVAL, "NULL with length");
    tap_int_eq(sg17_cbor_enc_tstr(&b, "\xc3\x28", 2), SG17_E_INVAL, "invalid UTF-8 refused");
    tap_int_eq(sg17_cbor_enc_tstr(&b, "\xed\xa0\x80", 3), SG17_E_INVAL, "surrogate refused");
    tap_int_eq(sg17_cbor_enc_tstr(&b, "\xc0\x80", 2), SG17_E_INVAL, "overlong NUL refused");
    tap_int_eq(b.len, 6, "only the empty bstr was added");
    sg17_buf_free(&b, 0);

    /* A 24-byte string needs a two-byte head. */
    sg17_buf_init(&b, 64);
    uint8_t z[24] = {0};
    tap_int_eq(sg17_cbor_enc_bstr(&b, z, sizeof z), 0, "24-byte bstr");
    tap_ok(b.len == 26 && b.data[0] == 0x58 && b.data[1] == 24, "head 58 18");
    sg17_buf_free(&b, 0);
}

/* RFC 8949 §4.2.1 gives this order for deterministic keys:
 * 10, 100, -1, "z", "aa", [100], [-1], false. */
static void test_map_sorted(void)
{
    static const struct {
        const char *key, *val;
    } in[] = {
        {"f4", "08"}, {"8120", "07"}, {"626161", "05"}, {"0a", "01"},
        {"20", "03"}, {"811864", "06"}, {"1864", "02"}, {"617a", "04"},
    };
    /* (keys above: false, [-1], "aa", 10, -1, [100], 100, "z") */
    sg17_cbor_pair pairs[8];
    uint8_t *mem[16];
    for (size_t i = 0; i < 8; i++) {
        mem[2 * i] = tap_hex_decode(in[i].key, &pairs[i].key_len);
        mem[2 * i + 1] = tap_hex_decode(in[i].val, &pairs[i].val_len);
        pairs[i].key = mem[2 * i];
        pairs[i].val = mem[2 * i + 1];
    }
    sg17_buf b;
    sg17_buf_init(&b, 64);
    tap_int_eq(sg17_cbor_enc_map_sorted(&b, pairs, 8), 0, "map_sorted");
    hex_is(&b, "a8" "0a01" "186402" "2003" "617a04" "62616105" "81186406" "812007" "f408",
           "§4.2.1 key order: 10, 100, -1, \"z\", \"aa\", [100], [-1], false");
    cbor_item_t *it = NULL;
    const cbor_item_t *v = NULL;
    uint64_t u = 0;
    tap_ok(sg17_cbor_decode(b.data, b.len, NULL, &it, NULL) == 0 &&
               sg17_cbor_map_get_text(it, "aa", &v) == 0 && sg17_cbor_get_uint(v, &u) == 0 &&
               u == 5,
           "sorted map decodes, \"aa\" -> 5");
    sg17_cbor_free(it);

    size_t before = b.len;
    pairs[1] = pairs[3]; /* duplicate key 10 */
    tap_int_eq(sg17_cbor_enc_map_sorted(&b, pairs, 8), SG17_E_INVAL, "duplicate key refused");
    tap_int_eq(b.len, before, "buffer unchanged");
    sg17_buf_reset(&b);
    tap_int_eq(sg17_cbor_enc_map_sorted(&b, NULL, 0), 0, "empty map");
    hex_is(&b, "a0", "{}");
    sg17_buf_free(&b, 0);

    sg17_buf_init(&b, 10);
    tap_int_eq(sg17_cbor_enc_map_sorted(&b, pairs, 8), SG17_E_INVAL, "dup checked before cap");
    pairs[1].key = mem[2]; /* [-1] again: no duplicate, but 26 bytes > 10 */
    pairs[1].key_len = 2;
    tap_int_eq(sg17_cbor_enc_map_sorted(&b, pairs, 8), SG17_E_LIMIT, "map over the cap");
    tap_int_eq(b.len, 0, "nothing written");
    sg17_buf_free(&b, 0);
    for (size_t i = 0; i < 16; i++)
        free(mem[i]);
}

int main(void)
{
    test_heads();
    test_floats();
    test_strings_and_caps();
    test_map_sorted();
    return tap_done();
}
