/*
 * libFuzzer harness for sg17_cbor_check/sg17_cbor_decode (small caps).
 * Oracles: check and decode agree; an accepted item re-encodes (indefinite
 * lengths made definite, preferred serialisation) to bytes that decode and
 * re-encode to the very same bytes.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sg17/cbor.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_DEPTH 16U

static int enc_chunks(sg17_buf *b, const cbor_item_t *it, unsigned major)
{
    /* Indefinite string: concatenate the chunks into one definite string. */
    size_t n = major == 2 ? cbor_bytestring_chunk_count(it) : cbor_string_chunk_count(it);
    cbor_item_t **ch =
        major == 2 ? cbor_bytestring_chunks_handle(it) : cbor_string_chunks_handle(it);
    size_t total = 0;
    for (size_t i = 0; i < n; i++)
        total += major == 2 ? cbor_bytestring_length(ch[i]) : cbor_string_length(ch[i]);
    int rc = sg17_cbor_enc_head(b, major, total);
    for (size_t i = 0; rc == 0 && i < n; i++) {
        if (major == 2)
            rc = sg17_buf_append(b, cbor_bytestring_handle(ch[i]), cbor_bytestring_length(ch[i]));
        else
            rc = sg17_buf_append(b, cbor_string_handle(ch[i]), cbor_string_length(ch[i]));
    }
    return rc;
}

/* Recursion depth is bounded by FUZZ_DEPTH via the decode limits. */
/* NOLINTNEXTLINE(misc-no-recursion): harness-only, depth capped by FUZZ_DEPTH */
static int reencode(sg17_buf *b, const cbor_item_t *it, unsigned depth)
{
    int rc = 0;
    if (depth > FUZZ_DEPTH + 1)
        __builtin_trap();
    switch (cbor_typeof(it)) {
    case CBOR_TYPE_UINT: return sg17_cbor_enc_uint(b, cbor_get_int(it));
    case CBOR_TYPE_NEGINT: return sg17_cbor_enc_head(b, 1, cbor_get_int(it));
    case CBOR_TYPE_BYTESTRING:
        if (!cbor_bytestring_is_definite(it))
            return enc_chunks(b, it, 2);
        return sg17_cbor_enc_bstr(b, cbor_bytestring_handle(it), cbor_bytestring_length(it));
    case CBOR_TYPE_STRING:
        if (!cbor_string_is_definite(it))
            return enc_chunks(b, it, 3);
        return sg17_cbor_enc_tstr(b, (const char *)cbor_string_handle(it), cbor_string_length(it));
    case CBOR_TYPE_ARRAY:
        rc = sg17_cbor_enc_array(b, cbor_array_size(it));
        for (size_t i = 0; rc == 0 && i < cbor_array_size(it); i++)
            rc = reencode(b, cbor_array_handle(it)[i], depth + 1);
        return rc;
    case CBOR_TYPE_MAP:
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
    default: __builtin_trap();
    }
}

static void poke_accessors(const cbor_item_t *it)
{
    const cbor_item_t *v;
    uint64_t u;
    int64_t i;
    const uint8_t *p;
    const char *s;
    size_t n;
    int bl, r = 0;
    r |= sg17_cbor_map_get_int(it, 1, &v);
    r |= sg17_cbor_map_get_int(it, -1, &v);
    r |= sg17_cbor_map_get_text(it, "a", &v);
    r |= sg17_cbor_get_uint(it, &u);
    r |= sg17_cbor_get_int(it, &i);
    r |= sg17_cbor_get_bstr(it, &p, &n);
    r |= sg17_cbor_get_tstr(it, &s, &n);
    r |= sg17_cbor_get_bool(it, &bl);
    r |= sg17_cbor_get_tag(it, &u, &v);
    if (sg17_cbor_get_array(it, &n) == 0 && n > 0 && sg17_cbor_array_at(it, n - 1) == NULL)
        __builtin_trap();
    if (r > 0) /* 0 or a negative SG17_E_* only */
        __builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    sg17_cbor_limits lim = {4096, FUZZ_DEPTH, 512};
    sg17_cbor_error e;
    cbor_item_t *it = NULL;
    int chk = sg17_cbor_check(data, size, &lim, &e);
    int rc = sg17_cbor_decode(data, size, &lim, &it, &e);
    if (chk != 0) {
        if (rc != chk || it != NULL)
            __builtin_trap();
        return 0;
    }
    if (rc != 0) {
        if (rc != SG17_E_UNSUPPORTED && rc != SG17_E_NOMEM)
            __builtin_trap();
        return 0;
    }
    poke_accessors(it);
    sg17_buf b1, b2;
    sg17_buf_init(&b1, 1 << 16);
    sg17_buf_init(&b2, 1 << 16);
    if (reencode(&b1, it, 0) == 0) {
        /* Our own output must pass our own checks (items grow at most 2x when
         * indefinite strings are joined, so caps are relaxed). */
        sg17_cbor_limits l2 = {1 << 16, FUZZ_DEPTH, 1024};
        cbor_item_t *again = NULL;
        if (sg17_cbor_decode(b1.data, b1.len, &l2, &again, &e) != 0)
            __builtin_trap();
        if (reencode(&b2, again, 0) != 0 || b1.len != b2.len ||
            memcmp(b1.data, b2.data, b1.len) != 0)
            __builtin_trap();
        sg17_cbor_free(again);
    }
    sg17_buf_free(&b1, 0);
    sg17_buf_free(&b2, 0);
    sg17_cbor_free(it);
    return 0;
}
