/* sg17_cbor_check/decode caps: depth, item count, size, trailing bytes,
 * lying length fields; plus a random consistency check against libcbor. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sg17/cbor.h"
#include "tap.h"

static int decode(const uint8_t *p, size_t n, const sg17_cbor_limits *lim, sg17_cbor_error *e)
{
    cbor_item_t *it = (cbor_item_t *)1;
    int rc = sg17_cbor_decode(p, n, lim, &it, e);
    if (rc != 0 && it != NULL)
        return 99; /* out must be NULL on error */
    sg17_cbor_free(it);
    return rc;
}

static void test_bombs(void)
{
    const size_t n = 100000;
    uint8_t *p = malloc(n + 1);
    sg17_cbor_error e;
    if (p == NULL) {
        tap_ok(0, "malloc");
        return;
    }
    memset(p, 0x81, n); /* [[[[...  100000 deep */
    p[n] = 0x00;
    tap_int_eq(decode(p, n + 1, NULL, &e), SG17_E_LIMIT, "100000 nested arrays -> LIMIT");
    tap_int_eq(e.offset, SG17_CBOR_DEFAULT_MAX_DEPTH, "stops at the first array too deep");
    memset(p, 0x9f, n); /* indefinite arrays, never closed */
    tap_int_eq(decode(p, n, NULL, &e), SG17_E_LIMIT, "100000 nested indefinite arrays -> LIMIT");
    memset(p, 0xc6, n); /* tag 6(tag 6(...)) */
    tap_int_eq(decode(p, n + 1, NULL, &e), SG17_E_LIMIT, "100000 nested tags -> LIMIT");
    memset(p, 0xa1, n); /* {{{...: 0}: 0}...} */
    tap_int_eq(decode(p, n + 1, NULL, &e), SG17_E_LIMIT, "100000 nested map keys -> LIMIT");

    sg17_cbor_limits big = {0, 100000, 0};
    memset(p, 0x81, n);
    tap_int_eq(decode(p, n + 1, &big, &e), SG17_E_LIMIT, "depth cap clamped to the hard maximum");

    /* Exactly at the cap passes; one more level fails. */
    sg17_cbor_limits l4 = {0, 4, 0};
    static const uint8_t d4[] = {0x81, 0x81, 0xc1, 0x9f, 0x00, 0xff};
    static const uint8_t d5[] = {0x81, 0x81, 0xc1, 0x9f, 0x81, 0x00, 0xff};
    tap_int_eq(decode(d4, sizeof d4, &l4, &e), 0, "depth 4 with cap 4");
    tap_int_eq(decode(d5, sizeof d5, &l4, &e), SG17_E_LIMIT, "depth 5 with cap 4");
    tap_int_eq(e.offset, 4, "offset of the level too deep");

    /* Flat arrays: item cap. 0x99 0x27 0x10 = array of 10000 items. */
    size_t m = 3 + 10000;
    memset(p, 0x00, m);
    p[0] = 0x99, p[1] = 0x27, p[2] = 0x10;
    tap_int_eq(decode(p, m, NULL, &e), 0, "10001 items within the default cap");
    sg17_cbor_limits items = {0, 0, 10000};
    tap_int_eq(decode(p, m, &items, &e), SG17_E_LIMIT, "10001 items over a 10000 cap");
    items.max_items = 10001;
    tap_int_eq(decode(p, m, &items, &e), 0, "10001 items at a 10001 cap");
    sg17_cbor_limits sz = {m - 1, 0, 0};
    tap_int_eq(decode(p, m, &sz, &e), SG17_E_LIMIT, "size over the cap");
    free(p);
}

static void test_lies(void)
{
    sg17_cbor_error e;
    /* Counts that promise far more than the input holds never reach libcbor's
     * allocator. */
    static const uint8_t arr[] = {0x9b, 0x0f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00};
    static const uint8_t map[] = {0xbb, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0, 0};
    static const uint8_t map2[] = {0xa2, 0x00, 0x00, 0x00}; /* 2 pairs, 3 bytes */
    static const uint8_t str[] = {0x5b, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x41};
    tap_int_eq(decode(arr, sizeof arr, NULL, &e), SG17_E_FORMAT, "2^60-item array in 10 bytes");
    tap_int_eq(decode(map, sizeof map, NULL, &e), SG17_E_FORMAT, "2^63-pair map in 11 bytes");
    tap_int_eq(decode(map2, sizeof map2, NULL, &e), SG17_E_FORMAT, "2-pair map with 3 bytes");
    tap_int_eq(decode(str, sizeof str, NULL, &e), SG17_E_FORMAT, "4 GiB bstr in 10 bytes");

    static const uint8_t two[] = {0x01, 0x02};
    tap_int_eq(decode(two, sizeof two, NULL, &e), SG17_E_FORMAT, "trailing bytes rejected");
    tap_int_eq(e.offset, 1, "offset of the trailing byte");
    tap_int_eq(decode(two, 0, NULL, &e), SG17_E_FORMAT, "empty input rejected");
    tap_int_eq(decode(NULL, 0, NULL, &e), SG17_E_FORMAT, "NULL empty input rejected");
    tap_int_eq(decode(NULL, 1, NULL, &e), SG17_E_INVAL, "NULL with length -> INVAL");
    tap_int_eq(sg17_cbor_decode(two, 1, NULL, NULL, &e), SG17_E_INVAL, "NULL out -> INVAL");
    /* Non-preferred but well-formed heads are accepted by the decoder. */
    static const uint8_t longhead[] = {0x1b, 0, 0, 0, 0, 0, 0, 0, 0x01};
    tap_int_eq(decode(longhead, sizeof longhead, NULL, &e), 0, "8-byte head for 1 accepted");
}

/* Random short inputs biased to CBOR heads: whenever the scanner accepts,
 * libcbor must also decode the whole input (barring its unassigned simple
 * values). Raw cbor_load() is only called on accepted inputs: on the others
 * it may try to allocate gigabytes for a lying count (which is why the
 * scanner exists). */
static void test_consistency(void)
{
    static const uint8_t alphabet[] = {0x00, 0x17, 0x18, 0x19, 0x20, 0x38, 0x40, 0x41, 0x42,
                                       0x58, 0x5f, 0x60, 0x61, 0x7f, 0x80, 0x81, 0x82, 0x83,
                                       0x98, 0x9f, 0xa0, 0xa1, 0xa2, 0xbf, 0xc0, 0xc2, 0xd8,
                                       0xf4, 0xf6, 0xf7, 0xf9, 0xfa, 0xfb, 0xff, 0x01, 0x02};
    size_t accepted = 0, mismatch = 0, trials = 200000;
    tap_rand_seed(8949);
    for (size_t t = 0; t < trials; t++) {
        uint8_t in[12];
        size_t n = 1 + (size_t)(tap_rand_u64() % sizeof in);
        for (size_t i = 0; i < n; i++) {
            uint64_t r = tap_rand_u64();
            in[i] = (r & 3) ? alphabet[(r >> 8) % sizeof alphabet] : (uint8_t)(r >> 16);
        }
        if (sg17_cbor_check(in, n, NULL, NULL) == 0) {
            cbor_item_t *it = NULL;
            sg17_cbor_error e;
            int rc = sg17_cbor_decode(in, n, NULL, &it, &e);
            sg17_cbor_free(it);
            accepted++;
            int has_unassigned_simple = 0;
            for (size_t i = 0; i < n; i++)
                has_unassigned_simple |= (in[i] >= 0xe0 && in[i] <= 0xf3) || in[i] == 0xf8;
            if (rc != 0 && !(rc == SG17_E_UNSUPPORTED && has_unassigned_simple)) {
                if (mismatch++ < 5) {
                    char hex[2 * sizeof in + 1];
                    for (size_t i = 0; i < n; i++)
                        snprintf(hex + 2 * i, 3, "%02x", in[i]);
                    tap_diag("scanner accepts, decode fails: %s (%d: %s)", hex, rc, e.text);
                }
            }
        }
    }
    tap_ok(accepted > 1000, "random inputs accepted by the scanner: %zu of %zu", accepted, trials);
    tap_int_eq(mismatch, 0, "scanner-accepted inputs that fail to decode");
}

static void test_validity(void)
{
    sg17_cbor_error e;
    cbor_item_t *it = NULL;
    const cbor_item_t *c = NULL;
    uint64_t tag = 0;
    /* COSE_Sign1 is tag 18, a one-byte head libcbor 0.8 refuses on its own:
     * 18([h'', {}, h'01', h'']) */
    static const uint8_t cose[] = {0xd2, 0x84, 0x40, 0xa0, 0x41, 0x01, 0x40};
    int rc = sg17_cbor_decode(cose, sizeof cose, NULL, &it, &e);
    tap_int_eq(rc, 0, "tag 18 (COSE_Sign1) decodes");
    size_t n = 0;
    tap_ok(rc == 0 && sg17_cbor_get_tag(it, &tag, &c) == 0 && tag == 18 &&
               sg17_cbor_get_array(c, &n) == 0 && n == 4,
           "tag 18 over an array of 4");
    sg17_cbor_free(it);
    it = NULL;
    /* Every one-byte tag head 6..20 inside a nested structure, with strings. */
    static const uint8_t many[] = {0x83, 0xc6, 0x61, 'a',  0xd4, 0xc7, 0x42, 1,
                                   2,    0x9f, 0xd0, 0x00, 0xd8, 0x09, 0x01, 0xff};
    rc = sg17_cbor_decode(many, sizeof many, NULL, &it, &e);
    const cbor_item_t *el = sg17_cbor_array_at(it, 1);
    tap_ok(rc == 0 && sg17_cbor_get_tag(el, &tag, &c) == 0 && tag == 20 &&
               sg17_cbor_get_tag(c, &tag, &c) == 0 && tag == 7,
           "nested one-byte tags 20(7(...)) decode (rc %d)", rc);
    sg17_cbor_free(it);

    static const uint8_t bad_utf8[] = {0x62, 0xc3, 0x28};
    tap_int_eq(decode(bad_utf8, sizeof bad_utf8, NULL, &e), SG17_E_FORMAT,
               "text with invalid UTF-8 rejected");
    static const uint8_t split[] = {0x7f, 0x61, 0xc3, 0x61, 0xbc, 0xff}; /* U+00FC split */
    tap_int_eq(decode(split, sizeof split, NULL, &e), SG17_E_FORMAT,
               "UTF-8 character split across chunks rejected");
    static const uint8_t surrogate[] = {0x63, 0xed, 0xa0, 0x80};
    tap_int_eq(decode(surrogate, sizeof surrogate, NULL, &e), SG17_E_FORMAT,
               "encoded surrogate rejected");
    /* Found by fuzz_cbor: libcbor 0.8's cbor_is_bool() aborts on a float. */
    static const uint8_t half[] = {0xf9, 0x74, 0x81};
    int bv = -1;
    rc = sg17_cbor_decode(half, sizeof half, NULL, &it, &e);
    tap_ok(rc == 0 && sg17_cbor_get_bool(it, &bv) == SG17_E_FORMAT && bv == -1,
           "get_bool on a half float is FORMAT, not an abort");
    sg17_cbor_free(it);
    static const uint8_t nul[] = {0xf6};
    rc = sg17_cbor_decode(nul, sizeof nul, NULL, &it, &e);
    tap_ok(rc == 0 && sg17_cbor_get_bool(it, &bv) == SG17_E_FORMAT, "get_bool on null");
    sg17_cbor_free(it);
    static const uint8_t bytes_ok[] = {0x42, 0xc3, 0x28};
    tap_int_eq(decode(bytes_ok, sizeof bytes_ok, NULL, &e), 0, "same bytes fine in a bstr");
}

int main(void)
{
    test_validity();
    test_bombs();
    test_lies();
    test_consistency();
    return tap_done();
}
