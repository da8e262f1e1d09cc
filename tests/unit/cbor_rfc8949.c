/*
 * sg17_cbor against RFC 8949: the examples of Appendix A decode (and, for
 * the definite-length ones, re-encode with our deterministic encoder to the
 * very same bytes), and the not-well-formed examples of Appendix F.1 are
 * all rejected.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sg17/cbor.h"
#include "tap.h"

/* RT: re-encodes to the same bytes. DEC: decode only (indefinite lengths or
 * non-preferred forms). UNS: well-formed but libcbor 0.8 cannot represent it. */
enum ex_kind { RT, DEC, UNS };

struct example {
    const char *diag; /* diagnostic notation, as printed in Appendix A */
    const char *hex;
    enum ex_kind kind;
};

/* RFC 8949 Appendix A, Table 6 (all rows). */
static const struct example appendix_a[] = {
    {"0", "00", RT},
    {"1", "01", RT},
    {"10", "0a", RT},
    {"23", "17", RT},
    {"24", "1818", RT},
    {"25", "1819", RT},
    {"100", "1864", RT},
    {"1000", "1903e8", RT},
    {"1000000", "1a000f4240", RT},
    {"1000000000000", "1b000000e8d4a51000", RT},
    {"18446744073709551615", "1bffffffffffffffff", RT},
    {"18446744073709551616", "c249010000000000000000", RT},
    {"-18446744073709551616", "3bffffffffffffffff", RT},
    {"-18446744073709551617", "c349010000000000000000", RT},
    {"-1", "20", RT},
    {"-10", "29", RT},
    {"-100", "3863", RT},
    {"-1000", "3903e7", RT},
    {"0.0", "f90000", RT},
    {"-0.0", "f98000", RT},
    {"1.0", "f93c00", RT},
    {"1.1", "fb3ff199999999999a", RT},
    {"1.5", "f93e00", RT},
    {"65504.0", "f97bff", RT},
    {"100000.0", "fa47c35000", RT},
    {"3.4028234663852886e+38", "fa7f7fffff", RT},
    {"1.0e+300", "fb7e37e43c8800759c", RT},
    {"5.960464477539063e-8", "f90001", RT},
    {"0.00006103515625", "f90400", RT},
    {"-4.0", "f9c400", RT},
    {"-4.1", "fbc010666666666666", RT},
    {"Infinity", "f97c00", RT},
    {"NaN", "f97e00", RT},
    {"-Infinity", "f9fc00", RT},
    {"Infinity (single)", "fa7f800000", DEC},
    {"NaN (single)", "fa7fc00000", DEC},
    {"-Infinity (single)", "faff800000", DEC},
    {"Infinity (double)", "fb7ff0000000000000", DEC},
    {"NaN (double)", "fb7ff8000000000000", DEC},
    {"-Infinity (double)", "fbfff0000000000000", DEC},
    {"false", "f4", RT},
    {"true", "f5", RT},
    {"null", "f6", RT},
    {"undefined", "f7", RT},
    {"simple(16)", "f0", UNS},
    {"simple(255)", "f8ff", UNS},
    {"0(\"2013-03-21T20:04:00Z\")", "c074323031332d30332d32315432303a30343a30305a", RT},
    {"1(1363896240)", "c11a514b67b0", RT},
    {"1(1363896240.5)", "c1fb41d452d9ec200000", RT},
    {"23(h'01020304')", "d74401020304", RT},
    {"24(h'6449455446')", "d818456449455446", RT},
    {"32(\"http://www.example.com\")", "d82076687474703a2f2f7777772e6578616d706c652e636f6d", RT},
    {"h''", "40", RT},
    {"h'01020304'", "4401020304", RT},
    {"\"\"", "60", RT},
    {"\"a\"", "6161", RT},
    {"\"IETF\"", "6449455446", RT},
    {"\"\\\"\\\\\"", "62225c", RT},
    {"\"\\u00fc\"", "62c3bc", RT},
    {"\"\\u6c34\"", "63e6b0b4", RT},
    {"\"\\ud800\\udd51\"", "64f0908591", RT},
    {"[]", "80", RT},
    {"[1, 2, 3]", "83010203", RT},
    {"[1, [2, 3], [4, 5]]", "8301820203820405", RT},
    {"[1, 2, ..., 25]", "98190102030405060708090a0b0c0d0e0f101112131415161718181819", RT},
    {"{}", "a0", RT},
    {"{1: 2, 3: 4}", "a201020304", RT},
    {"{\"a\": 1, \"b\": [2, 3]}", "a26161016162820203", RT},
    {"[\"a\", {\"b\": \"c\"}]", "826161a161626163", RT},
    {"{\"a\": \"A\", ..., \"e\": \"E\"}", "a56161614161626142616361436164614461656145", RT},
    {"(_ h'0102', h'030405')", "5f42010243030405ff", DEC},
    {"(_ \"strea\", \"ming\")", "7f657374726561646d696e67ff", DEC},
    {"[_ ]", "9fff", DEC},
    {"[_ 1, [2, 3], [_ 4, 5]]", "9f018202039f0405ffff", DEC},
    {"[_ 1, [2, 3], [4, 5]]", "9f01820203820405ff", DEC},
    {"[1, [2, 3], [_ 4, 5]]", "83018202039f0405ff", DEC},
    {"[1, [_ 2, 3], [4, 5]]", "83019f0203ff820405", DEC},
    {"[_ 1, 2, ..., 25]", "9f0102030405060708090a0b0c0d0e0f101112131415161718181819ff", DEC},
    {"{_ \"a\": 1, \"b\": [_ 2, 3]}", "bf61610161629f0203ffff", DEC},
    {"[\"a\", {_ \"b\": \"c\"}]", "826161bf61626163ff", DEC},
    {"{_ \"Fun\": true, \"Amt\": -2}", "bf6346756ef563416d7421ff", DEC},
};

/* RFC 8949 Appendix F.1: examples of CBOR data items that are not well-formed. */
static const char *const appendix_f[] = {
    /* End of input in a head */
    "18", "19", "1a", "1b", "1901", "1a0102", "1b01020304050607", "38", "58", "78", "98",
    "9a01ff00", "b8", "d8", "f8", "f900", "fa0000", "fb000000",
    /* Definite-length strings with short data */
    "41", "61", "5affffffff00", "5bffffffffffffffff010203", "7affffffff00",
    "7b7fffffffffffffff010203",
    /* Definite-length maps and arrays not closed with enough items */
    "81", "818181818181818181", "8200", "a1", "a20102", "a100", "a2000000",
    /* Tag number not followed by tag content */
    "c0",
    /* Indefinite-length strings not closed by a "break" stop code */
    "5f4100", "7f6100",
    /* Indefinite-length maps and arrays not closed by a "break" stop code */
    "9f", "9f0102", "bf", "bf01020102", "819f", "9f8000", "9f9f9f9f9fffffffff",
    "9f819f819f9fffffff",
    /* Reserved additional information values */
    "1c", "1d", "1e", "3c", "3d", "3e", "5c", "5d", "5e", "7c", "7d", "7e", "9c", "9d", "9e",
    "bc", "bd", "be", "dc", "dd", "de", "fc", "fd", "fe",
    /* Reserved two-byte encodings of simple values */
    "f800", "f801", "f818", "f81f",
    /* Indefinite-length string chunks not of the correct type */
    "5f00ff", "5f21ff", "5f6100ff", "5f80ff", "5fa0ff", "5fc000ff", "5fe0ff", "7f4100ff",
    /* Indefinite-length string chunks not definite length */
    "5f5f4100ffff", "7f7f6100ffff",
    /* Break occurring on its own outside of an indefinite-length item */
    "ff",
    /* Break occurring in a definite-length array or map or a tag */
    "81ff", "8200ff", "a1ff", "a1ff00", "a100ff", "a20000ff", "9f81ff", "9f829f819f9fffffffff",
    /* Break in an indefinite-length map that would lead to an odd number of items */
    "bf00ff", "bf000000ff",
    /* Major type 0, 1, 6 with additional information 31 */
    "1f", "3f", "df",
};

/* Re-encode a decoded item with the sg17 encoder (test-only; depth is bounded
 * by the decode limits). Maps keep their order: the Appendix A maps are
 * already in deterministic order. Returns 0 or an error. */
/* NOLINTNEXTLINE(misc-no-recursion): test-only, depth capped at 32 below */
static int reencode(sg17_buf *b, const cbor_item_t *it, int depth)
{
    int rc = 0;
    if (depth > 32)
        return SG17_E_LIMIT;
    switch (cbor_typeof(it)) {
    case CBOR_TYPE_UINT: return sg17_cbor_enc_uint(b, cbor_get_int(it));
    case CBOR_TYPE_NEGINT: return sg17_cbor_enc_head(b, 1, cbor_get_int(it));
    case CBOR_TYPE_BYTESTRING:
        if (!cbor_bytestring_is_definite(it))
            return SG17_E_UNSUPPORTED;
        return sg17_cbor_enc_bstr(b, cbor_bytestring_handle(it), cbor_bytestring_length(it));
    case CBOR_TYPE_STRING:
        if (!cbor_string_is_definite(it))
            return SG17_E_UNSUPPORTED;
        return sg17_cbor_enc_tstr(b, (const char *)cbor_string_handle(it),
                                  cbor_string_length(it));
    case CBOR_TYPE_ARRAY:
        if (!cbor_array_is_definite(it))
            return SG17_E_UNSUPPORTED;
        rc = sg17_cbor_enc_array(b, cbor_array_size(it));
        for (size_t i = 0; rc == 0 && i < cbor_array_size(it); i++)
            rc = reencode(b, cbor_array_handle(it)[i], depth + 1);
        return rc;
    case CBOR_TYPE_MAP:
        if (!cbor_map_is_definite(it))
            return SG17_E_UNSUPPORTED;
        rc = sg17_cbor_enc_map(b, cbor_map_size(it));
        for (size_t i = 0; rc == 0 && i < cbor_map_size(it); i++) {
            rc = reencode(b, cbor_map_handle(it)[i].key, depth + 1);
            if (rc == 0)
                rc = reencode(b, cbor_map_handle(it)[i].value, depth + 1);
        }
        return rc;
    case CBOR_TYPE_TAG: {
        uint64_t tag = 0;
        const cbor_item_t *c = NULL;
        rc = sg17_cbor_get_tag(it, &tag, &c);
        if (rc == 0)
            rc = sg17_cbor_enc_tag(b, tag);
        return rc == 0 ? reencode(b, c, depth + 1) : rc;
    }
    case CBOR_TYPE_FLOAT_CTRL:
        if (cbor_float_get_width(it) == CBOR_FLOAT_0)
            return sg17_cbor_enc_simple(b, cbor_ctrl_value(it));
        return sg17_cbor_enc_float(b, cbor_float_get_float(it));
    default: return SG17_E_UNSUPPORTED;
    }
}

static void test_appendix_a(void)
{
    size_t n = sizeof appendix_a / sizeof appendix_a[0], rt = 0, dec = 0;
    for (size_t i = 0; i < n; i++) {
        const struct example *ex = &appendix_a[i];
        size_t len = 0;
        uint8_t *in = tap_hex_decode(ex->hex, &len);
        cbor_item_t *it = NULL;
        sg17_cbor_error e;
        tap_int_eq(sg17_cbor_check(in, len, NULL, &e), 0, ex->diag);
        int rc = sg17_cbor_decode(in, len, NULL, &it, &e);
        if (ex->kind == UNS) {
            tap_int_eq(rc, SG17_E_UNSUPPORTED, ex->diag);
        } else if (tap_int_eq(rc, 0, ex->diag)) {
            dec++;
            if (ex->kind == RT) {
                sg17_buf b;
                sg17_buf_init(&b, 256);
                int erc = reencode(&b, it, 0);
                if (tap_int_eq(erc, 0, ex->diag) && tap_int_eq(b.len, len, ex->diag))
                    rt += tap_mem_eq(b.data, in, len, ex->diag) ? 1 : 0;
                sg17_buf_free(&b, 0);
            }
        } else {
            tap_diag("%s: %s at %zu", ex->diag, e.text, e.offset);
        }
        sg17_cbor_free(it);
        free(in);
    }
    tap_diag("Appendix A: %zu examples, %zu decoded, %zu re-encoded byte-exact", n, dec, rt);
}

static void test_appendix_f(void)
{
    size_t n = sizeof appendix_f / sizeof appendix_f[0], rejected = 0;
    for (size_t i = 0; i < n; i++) {
        size_t len = 0;
        uint8_t *in = tap_hex_decode(appendix_f[i], &len);
        cbor_item_t *it = (cbor_item_t *)1;
        sg17_cbor_error e;
        int rc = sg17_cbor_decode(in, len, NULL, &it, &e);
        if (tap_ok(rc == SG17_E_FORMAT && it == NULL, "Appendix F.1 %s rejected (%s @%zu)",
                   appendix_f[i], e.text, e.offset))
            rejected++;
        free(in);
    }
    tap_diag("Appendix F.1: %zu not-well-formed examples, %zu rejected", n, rejected);
}

/* Values of a few decoded examples through the typed accessors. */
static void test_values(void)
{
    static const uint8_t m[] = {0xbf, 0x63, 'F', 'u', 'n', 0xf5, 0x63, 'A', 'm', 't', 0x21, 0xff};
    cbor_item_t *it = NULL;
    const cbor_item_t *v = NULL;
    int rc = sg17_cbor_decode(m, sizeof m, NULL, &it, NULL);
    tap_int_eq(rc, 0, "indefinite map decodes");
    int bv = 0;
    int64_t iv = 0;
    tap_ok(sg17_cbor_map_get_text(it, "Fun", &v) == 0 && sg17_cbor_get_bool(v, &bv) == 0 && bv,
           "\"Fun\": true");
    tap_ok(sg17_cbor_map_get_text(it, "Amt", &v) == 0 && sg17_cbor_get_int(v, &iv) == 0 &&
               iv == -2,
           "\"Amt\": -2");
    tap_int_eq(sg17_cbor_map_get_text(it, "Fu", &v), SG17_E_NOTFOUND, "prefix is not a key");
    tap_int_eq(sg17_cbor_map_get_int(it, 1, &v), SG17_E_NOTFOUND, "int key absent");
    sg17_cbor_free(it);

    uint64_t u = 0;
    static const uint8_t big[] = {0x1b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
    rc = sg17_cbor_decode(big, sizeof big, NULL, &it, NULL);
    tap_ok(rc == 0 && sg17_cbor_get_uint(it, &u) == 0 && u == UINT64_MAX, "uint64 max");
    tap_int_eq(sg17_cbor_get_int(it, &iv), SG17_E_FORMAT, "uint64 max does not fit int64");
    sg17_cbor_free(it);
    static const uint8_t nbig[] = {0x3b, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
    rc = sg17_cbor_decode(nbig, sizeof nbig, NULL, &it, NULL);
    tap_ok(rc == 0 && sg17_cbor_get_int(it, &iv) == 0 && iv == INT64_MIN, "int64 min");
    tap_int_eq(sg17_cbor_get_uint(it, &u), SG17_E_FORMAT, "negint is not uint");
    sg17_cbor_free(it);

    /* 23(h'01020304') */
    static const uint8_t tg[] = {0xd7, 0x44, 1, 2, 3, 4};
    uint64_t tag = 0;
    const uint8_t *p = NULL;
    size_t pl = 0;
    rc = sg17_cbor_decode(tg, sizeof tg, NULL, &it, NULL);
    tap_ok(rc == 0 && sg17_cbor_get_tag(it, &tag, &v) == 0 && tag == 23 &&
               sg17_cbor_get_bstr(v, &p, &pl) == 0 && pl == 4 && p[3] == 4,
           "tag 23 over a byte string");
    tap_int_eq(sg17_cbor_get_bstr(it, &p, &pl), SG17_E_FORMAT, "a tag is not a bstr");
    sg17_cbor_free(it);

    /* (_ h'0102', h'030405'): indefinite byte strings are not handed out. */
    static const uint8_t ib[] = {0x5f, 0x42, 1, 2, 0x43, 3, 4, 5, 0xff};
    rc = sg17_cbor_decode(ib, sizeof ib, NULL, &it, NULL);
    tap_ok(rc == 0 && sg17_cbor_get_bstr(it, &p, &pl) == SG17_E_FORMAT,
           "indefinite bstr refused by get_bstr");
    sg17_cbor_free(it);

    /* [1, [2, 3], [4, 5]] */
    static const uint8_t ar[] = {0x83, 0x01, 0x82, 0x02, 0x03, 0x82, 0x04, 0x05};
    size_t an = 0;
    rc = sg17_cbor_decode(ar, sizeof ar, NULL, &it, NULL);
    tap_ok(rc == 0 && sg17_cbor_get_array(it, &an) == 0 && an == 3, "array of 3");
    tap_ok(sg17_cbor_get_uint(sg17_cbor_array_at(sg17_cbor_array_at(it, 2), 1), &u) == 0 &&
               u == 5,
           "[2][1] == 5");
    tap_ok(sg17_cbor_array_at(it, 3) == NULL, "index out of range gives NULL");
    tap_int_eq(sg17_cbor_map_get_int(it, 1, &v), SG17_E_FORMAT, "an array is not a map");
    sg17_cbor_free(it);

    /* {1: 2, -1: "x", 1: 3}: duplicate key refused on lookup (RFC 8949 §5.6). */
    static const uint8_t dm[] = {0xa3, 0x01, 0x02, 0x20, 0x61, 'x', 0x01, 0x03};
    rc = sg17_cbor_decode(dm, sizeof dm, NULL, &it, NULL);
    tap_int_eq(rc, 0, "map with a duplicate key is well-formed");
    tap_int_eq(sg17_cbor_map_get_int(it, 1, &v), SG17_E_FORMAT, "duplicate key 1 refused");
    const char *s = NULL;
    size_t sl = 0;
    tap_ok(sg17_cbor_map_get_int(it, -1, &v) == 0 && sg17_cbor_get_tstr(v, &s, &sl) == 0 &&
               sl == 1 && s[0] == 'x',
           "key -1 -> \"x\"");
    sg17_cbor_free(it);
}

int main(void)
{
    test_appendix_a();
    test_appendix_f();
    test_values();
    return tap_done();
}
