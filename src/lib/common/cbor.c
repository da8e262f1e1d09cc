/*
 * Hardened CBOR decoding (non-recursive well-formedness scan, then libcbor),
 * typed accessors and a deterministic encoder (sg17/cbor.h, RFC 8949).
 */
#include "sg17/cbor.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int fail(sg17_cbor_error *err, size_t off, int rc, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int fail(sg17_cbor_error *err, size_t off, int rc, const char *fmt, ...)
{
    if (err != NULL) {
        va_list ap;
        err->offset = off;
        va_start(ap, fmt);
        /* NOLINTNEXTLINE(clang-analyzer-valist.Uninitialized): started above (tidy 14 FP) */
        (void)vsnprintf(err->text, sizeof err->text, fmt, ap);
        va_end(ap);
    }
    return rc;
}

static void limits_resolve(const sg17_cbor_limits *lim, sg17_cbor_limits *out)
{
    out->max_bytes = SG17_CBOR_DEFAULT_MAX_BYTES;
    out->max_depth = SG17_CBOR_DEFAULT_MAX_DEPTH;
    out->max_items = SG17_CBOR_DEFAULT_MAX_ITEMS;
    if (lim == NULL)
        return;
    if (lim->max_bytes != 0)
        out->max_bytes = lim->max_bytes;
    if (lim->max_depth != 0)
        out->max_depth = lim->max_depth;
    if (out->max_depth > SG17_CBOR_HARD_MAX_DEPTH)
        out->max_depth = SG17_CBOR_HARD_MAX_DEPTH;
    if (lim->max_items != 0)
        out->max_items = lim->max_items;
}

/* Well-formed UTF-8 (RFC 3629): no overlongs, surrogates or > U+10FFFF. */
static int utf8_valid(const uint8_t *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        uint8_t c = s[i];
        size_t k;
        uint32_t cp, min;
        if (c < 0x80) {
            i++;
            continue;
        } else if ((c & 0xE0) == 0xC0) {
            k = 1, cp = c & 0x1FU, min = 0x80;
        } else if ((c & 0xF0) == 0xE0) {
            k = 2, cp = c & 0x0FU, min = 0x800;
        } else if ((c & 0xF8) == 0xF0) {
            k = 3, cp = c & 0x07U, min = 0x10000;
        } else {
            return 0;
        }
        if (k > n - i - 1)
            return 0;
        for (size_t j = 1; j <= k; j++) {
            if ((s[i + j] & 0xC0) != 0x80)
                return 0;
            cp = (cp << 6) | (s[i + j] & 0x3FU);
        }
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            return 0;
        i += k + 1;
    }
    return 1;
}

/* Scanner frames: what the enclosing item still expects. */
enum frame_kind { FR_DEF, FR_INDEF_ARRAY, FR_INDEF_MAP, FR_INDEF_STR };
struct frame {
    uint64_t left; /* FR_DEF: items still due; FR_INDEF_MAP: items seen so far */
    uint8_t kind;
    uint8_t major; /* FR_INDEF_STR: 2 or 3, the type every chunk must have */
};

struct scan {
    const uint8_t *p;
    size_t len, pos, items;
    sg17_cbor_limits lim;
    struct frame st[SG17_CBOR_HARD_MAX_DEPTH];
    unsigned sp;
    sg17_cbor_error *err;
    size_t direct_tags; /* heads 0xc6..0xd4, which libcbor 0.8 refuses */
    uint8_t *out;       /* optional: copy with those heads widened */
    size_t out_len;
};

static int push(struct scan *s, size_t start, enum frame_kind kind, uint8_t major, uint64_t left)
{
    if (s->sp >= s->lim.max_depth)
        return fail(s->err, start, SG17_E_LIMIT, "nesting deeper than %u", s->lim.max_depth);
    s->st[s->sp].kind = (uint8_t)kind;
    s->st[s->sp].major = major;
    s->st[s->sp].left = left;
    s->sp++;
    return 0;
}

/* A data item just ended: close every definite container it completes.
 * Returns 1 when the top-level item is complete. */
static int item_done(struct scan *s)
{
    while (s->sp > 0) {
        struct frame *f = &s->st[s->sp - 1];
        if (f->kind == FR_DEF) {
            if (--f->left > 0)
                return 0;
            s->sp--;
            continue;
        }
        if (f->kind == FR_INDEF_MAP)
            f->left++;
        return 0;
    }
    return 1;
}

/*
 * One head at s->pos. Returns 0 and sets *done when it completed the
 * top-level item; negative on error. Follows RFC 8949 Appendix C, with the
 * recursion replaced by the frame stack.
 */
static int scan_head(struct scan *s, int *done)
{
    size_t start = s->pos;
    *done = 0;
    if (s->pos >= s->len)
        return fail(s->err, start, SG17_E_FORMAT, "unexpected end of input");
    uint8_t ib = s->p[s->pos++];
    unsigned mt = ib >> 5, ai = ib & 0x1fU;
    struct frame *top = s->sp > 0 ? &s->st[s->sp - 1] : NULL;

    if (ib == 0xff) {
        if (top == NULL || top->kind == FR_DEF)
            return fail(s->err, start, SG17_E_FORMAT, "break outside an indefinite-length item");
        if (top->kind == FR_INDEF_MAP && (top->left & 1U))
            return fail(s->err, start, SG17_E_FORMAT, "break where a map value is due");
        s->sp--;
        *done = item_done(s);
        return 0;
    }
    if (top != NULL && top->kind == FR_INDEF_STR && (mt != top->major || ai == 31))
        return fail(s->err, start, SG17_E_FORMAT,
                    "indefinite-length string chunk is not a definite string of its type");
    if (ai >= 28 && ai <= 30)
        return fail(s->err, start, SG17_E_FORMAT, "reserved additional information %u", ai);
    uint64_t val = ai;
    if (ai >= 24 && ai <= 27) {
        size_t n = (size_t)1 << (ai - 24);
        if (n > s->len - s->pos)
            return fail(s->err, start, SG17_E_FORMAT, "head truncated");
        val = 0;
        for (size_t i = 0; i < n; i++)
            val = (val << 8) | s->p[s->pos + i];
        s->pos += n;
    }
    if (++s->items > s->lim.max_items)
        return fail(s->err, start, SG17_E_LIMIT, "more than %zu data items", s->lim.max_items);

    size_t rest = s->len - s->pos;
    if (ai == 31) {
        if (mt == 0 || mt == 1 || mt == 6)
            return fail(s->err, start, SG17_E_FORMAT,
                        "indefinite length is not allowed for major type %u", mt);
        if (mt == 2 || mt == 3)
            return push(s, start, FR_INDEF_STR, (uint8_t)mt, 0);
        return push(s, start, mt == 4 ? FR_INDEF_ARRAY : FR_INDEF_MAP, 0, 0);
    }
    switch (mt) {
    case 2:
    case 3:
        if (val > rest)
            return fail(s->err, start, SG17_E_FORMAT, "string of %llu bytes, %zu left",
                        (unsigned long long)val, rest);
        /* Text (and each chunk of an indefinite one) must be UTF-8: §3.1, §5.3.1. */
        if (mt == 3 && !utf8_valid(s->p + s->pos, (size_t)val))
            return fail(s->err, start, SG17_E_FORMAT, "text string is not valid UTF-8");
        s->pos += (size_t)val;
        break;
    case 4:
        /* Every element takes at least one byte, so a count above the
         * remaining length is truncated input; this also bounds libcbor's
         * allocation for the element table. */
        if (val > rest)
            return fail(s->err, start, SG17_E_FORMAT, "array of %llu items, %zu bytes left",
                        (unsigned long long)val, rest);
        if (val > 0)
            return push(s, start, FR_DEF, 0, val);
        break;
    case 5:
        if (val > rest / 2)
            return fail(s->err, start, SG17_E_FORMAT, "map of %llu pairs, %zu bytes left",
                        (unsigned long long)val, rest);
        if (val > 0)
            return push(s, start, FR_DEF, 0, 2 * val);
        break;
    case 6:
        if (ai >= 6 && ai <= 20)
            s->direct_tags++;
        return push(s, start, FR_DEF, 0, 1);
    case 7:
        if (ai == 24 && val < 32)
            return fail(s->err, start, SG17_E_FORMAT,
                        "two-byte encoding of simple value %llu (< 32)", (unsigned long long)val);
        break;
    default: /* major types 0 and 1: the head is the whole item */ break;
    }
    *done = item_done(s);
    return 0;
}

/* Copy the head (and string payload) just scanned at p[start..pos) to out,
 * widening a one-byte tag head 6..20 to the two-byte form 0xd8 nn: the
 * same data item, which libcbor 0.8 does accept. */
static void emit(struct scan *s, size_t start)
{
    size_t n = s->pos - start;
    uint8_t ib = s->p[start];
    if (n == 1 && ib >= 0xc6 && ib <= 0xd4) {
        s->out[s->out_len++] = 0xd8;
        s->out[s->out_len++] = (uint8_t)(ib & 0x1fU);
        return;
    }
    memcpy(s->out + s->out_len, s->p + start, n);
    s->out_len += n;
}

static int run_scan(struct scan *s, const uint8_t *buf, size_t len, const sg17_cbor_limits *lim,
                    sg17_cbor_error *err, uint8_t *out)
{
    memset(s, 0, sizeof *s);
    if (err != NULL) {
        err->offset = 0;
        err->text[0] = '\0';
    }
    if (buf == NULL && len != 0)
        return SG17_E_INVAL;
    limits_resolve(lim, &s->lim);
    if (len > s->lim.max_bytes)
        return fail(err, 0, SG17_E_LIMIT, "input of %zu bytes exceeds the %zu-byte limit", len,
                    s->lim.max_bytes);
    s->p = buf;
    s->len = len;
    s->err = err;
    s->out = out;
    for (;;) {
        int done = 0;
        size_t start = s->pos;
        int rc = scan_head(s, &done);
        if (rc != 0)
            return rc;
        if (out != NULL)
            emit(s, start);
        if (done)
            break;
    }
    if (s->pos != len)
        return fail(err, s->pos, SG17_E_FORMAT, "%zu trailing bytes after the data item",
                    len - s->pos);
    return 0;
}

int sg17_cbor_check(const uint8_t *buf, size_t len, const sg17_cbor_limits *lim,
                    sg17_cbor_error *err)
{
    struct scan s;
    return run_scan(&s, buf, len, lim, err, NULL);
}

int sg17_cbor_decode(const uint8_t *buf, size_t len, const sg17_cbor_limits *lim,
                     cbor_item_t **item, sg17_cbor_error *err)
{
    if (item == NULL)
        return SG17_E_INVAL;
    *item = NULL;
    struct scan s;
    int rc = run_scan(&s, buf, len, lim, err, NULL);
    if (rc != 0)
        return rc;
    uint8_t *wide = NULL;
    if (s.direct_tags > 0) {
        /* Rescan (cannot fail now) into a copy libcbor 0.8 can load. */
        wide = malloc(len + s.direct_tags);
        if (wide == NULL)
            return fail(err, 0, SG17_E_NOMEM, "out of memory");
        rc = run_scan(&s, buf, len, lim, NULL, wide);
        if (rc != 0) {
            free(wide);
            return rc;
        }
        buf = wide;
        len = s.out_len;
    }
    struct cbor_load_result res;
    cbor_item_t *it = cbor_load(buf, len, &res);
    free(wide);
    if (it == NULL || res.error.code != CBOR_ERR_NONE || res.read != len) {
        if (it != NULL)
            cbor_decref(&it);
        if (res.error.code == CBOR_ERR_MEMERROR)
            return fail(err, 0, SG17_E_NOMEM, "out of memory decoding CBOR");
        /* The scan proved the bytes well-formed, so this is a limitation of
         * libcbor 0.8 (it refuses unassigned simple values), not bad input. */
        return fail(err, 0, SG17_E_UNSUPPORTED, "libcbor cannot represent this item (error %d)",
                    (int)res.error.code);
    }
    *item = it;
    return 0;
}

void sg17_cbor_free(cbor_item_t *item)
{
    if (item != NULL)
        cbor_decref(&item);
}

/* Does key k (definite, major 0/1) equal the integer want? */
static int key_is_int(const cbor_item_t *k, int64_t want)
{
    if (want >= 0)
        return cbor_isa_uint(k) && cbor_get_int(k) == (uint64_t)want;
    return cbor_isa_negint(k) && cbor_get_int(k) == (uint64_t)(-(want + 1));
}

static int key_is_text(const cbor_item_t *k, const char *want, size_t n)
{
    return cbor_isa_string(k) && cbor_string_is_definite(k) && cbor_string_length(k) == n &&
           (n == 0 || memcmp(cbor_string_handle(k), want, n) == 0);
}

/* Linear lookup that also refuses a key present twice. */
static int map_find(const cbor_item_t *map, int64_t ikey, const char *tkey, const cbor_item_t **out)
{
    *out = NULL;
    if (map == NULL || !cbor_isa_map(map))
        return SG17_E_FORMAT;
    size_t n = cbor_map_size(map), tlen = tkey != NULL ? strlen(tkey) : 0;
    const struct cbor_pair *pairs = cbor_map_handle(map);
    const cbor_item_t *found = NULL;
    for (size_t i = 0; i < n; i++) {
        const cbor_item_t *k = pairs[i].key;
        if (k == NULL || pairs[i].value == NULL)
            continue;
        int hit = tkey != NULL ? key_is_text(k, tkey, tlen) : key_is_int(k, ikey);
        if (!hit)
            continue;
        if (found != NULL)
            return SG17_E_FORMAT; /* duplicate key: RFC 8949 §5.6 */
        found = pairs[i].value;
    }
    if (found == NULL)
        return SG17_E_NOTFOUND;
    *out = found;
    return 0;
}

int sg17_cbor_map_get_int(const cbor_item_t *map, int64_t key, const cbor_item_t **out)
{
    return map_find(map, key, NULL, out);
}

int sg17_cbor_map_get_text(const cbor_item_t *map, const char *key, const cbor_item_t **out)
{
    if (key == NULL) {
        *out = NULL;
        return SG17_E_INVAL;
    }
    return map_find(map, 0, key, out);
}

int sg17_cbor_get_uint(const cbor_item_t *it, uint64_t *out)
{
    if (it == NULL || !cbor_isa_uint(it))
        return SG17_E_FORMAT;
    *out = cbor_get_int(it);
    return 0;
}

int sg17_cbor_get_int(const cbor_item_t *it, int64_t *out)
{
    if (it == NULL || !(cbor_isa_uint(it) || cbor_isa_negint(it)))
        return SG17_E_FORMAT;
    uint64_t v = cbor_get_int(it);
    if (v > (uint64_t)INT64_MAX)
        return SG17_E_FORMAT;
    /* Major type 1 encodes -1 - v. */
    *out = cbor_isa_uint(it) ? (int64_t)v : -1 - (int64_t)v;
    return 0;
}

int sg17_cbor_get_bstr(const cbor_item_t *it, const uint8_t **p, size_t *len)
{
    if (it == NULL || !cbor_isa_bytestring(it) || !cbor_bytestring_is_definite(it))
        return SG17_E_FORMAT;
    *p = cbor_bytestring_handle(it);
    *len = cbor_bytestring_length(it);
    return 0;
}

int sg17_cbor_get_tstr(const cbor_item_t *it, const char **p, size_t *len)
{
    if (it == NULL || !cbor_isa_string(it) || !cbor_string_is_definite(it))
        return SG17_E_FORMAT;
    *p = (const char *)cbor_string_handle(it);
    *len = cbor_string_length(it);
    return 0;
}

int sg17_cbor_get_bool(const cbor_item_t *it, int *out)
{
    /* Not cbor_is_bool(): libcbor 0.8 asserts (aborts) when given a float. */
    if (it == NULL || !cbor_isa_float_ctrl(it) || cbor_float_get_width(it) != CBOR_FLOAT_0)
        return SG17_E_FORMAT;
    uint8_t v = cbor_ctrl_value(it);
    if (v != CBOR_CTRL_TRUE && v != CBOR_CTRL_FALSE)
        return SG17_E_FORMAT;
    *out = v == CBOR_CTRL_TRUE ? 1 : 0;
    return 0;
}

int sg17_cbor_get_tag(const cbor_item_t *it, uint64_t *tag, const cbor_item_t **content)
{
    if (it == NULL || !cbor_isa_tag(it))
        return SG17_E_FORMAT;
    /* cbor_tag_item() returns a new reference; the tag keeps its own, so
     * the borrowed pointer stays valid after we drop ours. */
    cbor_item_t *c = cbor_tag_item(it);
    if (c == NULL)
        return SG17_E_FORMAT;
    *tag = cbor_tag_value(it);
    *content = c;
    cbor_decref(&c);
    return 0;
}

int sg17_cbor_get_array(const cbor_item_t *it, size_t *n)
{
    if (it == NULL || !cbor_isa_array(it))
        return SG17_E_FORMAT;
    *n = cbor_array_size(it);
    return 0;
}

const cbor_item_t *sg17_cbor_array_at(const cbor_item_t *arr, size_t i)
{
    if (arr == NULL || !cbor_isa_array(arr) || i >= cbor_array_size(arr))
        return NULL;
    return cbor_array_handle(arr)[i];
}

/* ---- encoder ------------------------------------------------------------ */

int sg17_cbor_enc_head(sg17_buf *b, unsigned major, uint64_t val)
{
    uint8_t h[9];
    size_t n;
    if (b == NULL || major > 7)
        return SG17_E_INVAL;
    uint8_t mt = (uint8_t)(major << 5);
    if (val < 24) {
        h[0] = (uint8_t)(mt | val);
        n = 1;
    } else {
        unsigned w = val <= 0xff ? 1 : val <= 0xffff ? 2 : val <= 0xffffffffU ? 4 : 8;
        h[0] = (uint8_t)(mt | (w == 1 ? 24 : w == 2 ? 25 : w == 4 ? 26 : 27));
        for (unsigned i = 0; i < w; i++)
            h[1 + i] = (uint8_t)(val >> (8 * (w - 1 - i)));
        n = 1 + w;
    }
    return sg17_buf_append(b, h, n);
}

int sg17_cbor_enc_uint(sg17_buf *b, uint64_t v)
{
    return sg17_cbor_enc_head(b, 0, v);
}

int sg17_cbor_enc_int(sg17_buf *b, int64_t v)
{
    if (v >= 0)
        return sg17_cbor_enc_head(b, 0, (uint64_t)v);
    return sg17_cbor_enc_head(b, 1, (uint64_t)(-(v + 1)));
}

/* Head plus payload, all or nothing. */
static int enc_string(sg17_buf *b, unsigned major, const void *p, size_t n)
{
    if (b == NULL || (p == NULL && n != 0))
        return SG17_E_INVAL;
    size_t saved = b->len;
    int rc = sg17_cbor_enc_head(b, major, (uint64_t)n);
    if (rc == 0)
        rc = sg17_buf_append(b, p, n);
    if (rc != 0)
        b->len = saved;
    return rc;
}

int sg17_cbor_enc_bstr(sg17_buf *b, const uint8_t *p, size_t n)
{
    return enc_string(b, 2, p, n);
}

int sg17_cbor_enc_tstr(sg17_buf *b, const char *s, size_t n)
{
    if (s != NULL && !utf8_valid((const uint8_t *)s, n))
        return SG17_E_INVAL;
    return enc_string(b, 3, s, n);
}

int sg17_cbor_enc_array(sg17_buf *b, uint64_t n)
{
    return sg17_cbor_enc_head(b, 4, n);
}

int sg17_cbor_enc_map(sg17_buf *b, uint64_t n)
{
    return sg17_cbor_enc_head(b, 5, n);
}

int sg17_cbor_enc_tag(sg17_buf *b, uint64_t tag)
{
    return sg17_cbor_enc_head(b, 6, tag);
}

int sg17_cbor_enc_bool(sg17_buf *b, int v)
{
    return sg17_cbor_enc_head(b, 7, v ? 21 : 20);
}

int sg17_cbor_enc_null(sg17_buf *b)
{
    return sg17_cbor_enc_head(b, 7, 22);
}

int sg17_cbor_enc_simple(sg17_buf *b, uint8_t v)
{
    if (v >= 24 && v < 32)
        return SG17_E_INVAL;
    return sg17_cbor_enc_head(b, 7, v);
}

/* Exact half-precision bits for the float f, or -1 if f needs more. */
static int32_t half_of(float f)
{
    uint32_t x;
    memcpy(&x, &f, sizeof x);
    uint32_t sign = (x >> 16) & 0x8000U, exp = (x >> 23) & 0xffU, mant = x & 0x7fffffU;
    if (exp == 0xff) /* infinities; NaN is handled by the caller */
        return mant == 0 ? (int32_t)(sign | 0x7c00U) : -1;
    if (exp == 0)
        return mant == 0 ? (int32_t)sign : -1; /* float subnormals are below half range */
    int e = (int)exp - 127;
    if (e >= -14 && e <= 15) {
        if (mant & 0x1fffU)
            return -1;
        return (int32_t)(sign | ((uint32_t)(e + 15) << 10) | (mant >> 13));
    }
    if (e >= -24 && e < -14) {
        /* Half subnormal: value = h * 2^-24 with h = significand >> shift. */
        uint32_t sig = 0x800000U | mant;
        unsigned shift = (unsigned)(-e - 1);
        if (sig & ((1U << shift) - 1U))
            return -1;
        return (int32_t)(sign | (sig >> shift));
    }
    return -1;
}

int sg17_cbor_enc_float(sg17_buf *b, double v)
{
    uint8_t h[9];
    size_t n;
    if (b == NULL)
        return SG17_E_INVAL;
    float f = (float)v;
    if (isnan(v)) {
        h[0] = 0xf9, h[1] = 0x7e, h[2] = 0x00, n = 3;
    } else if ((double)f == v && half_of(f) >= 0) {
        uint32_t hv = (uint32_t)half_of(f);
        h[0] = 0xf9, h[1] = (uint8_t)(hv >> 8), h[2] = (uint8_t)hv, n = 3;
    } else if ((double)f == v) {
        uint32_t x;
        memcpy(&x, &f, sizeof x);
        h[0] = 0xfa;
        for (unsigned i = 0; i < 4; i++)
            h[1 + i] = (uint8_t)(x >> (24 - 8 * i));
        n = 5;
    } else {
        uint64_t x;
        memcpy(&x, &v, sizeof x);
        h[0] = 0xfb;
        for (unsigned i = 0; i < 8; i++)
            h[1 + i] = (uint8_t)(x >> (56 - 8 * i));
        n = 9;
    }
    return sg17_buf_append(b, h, n);
}

/* Bytewise lexicographic order of encoded keys (RFC 8949 §4.2.1). */
static int pair_cmp(const void *a, const void *b)
{
    const sg17_cbor_pair *x = *(const sg17_cbor_pair *const *)a;
    const sg17_cbor_pair *y = *(const sg17_cbor_pair *const *)b;
    size_t n = x->key_len < y->key_len ? x->key_len : y->key_len;
    int c = n > 0 ? memcmp(x->key, y->key, n) : 0;
    if (c != 0)
        return c;
    return x->key_len < y->key_len ? -1 : x->key_len > y->key_len ? 1 : 0;
}

int sg17_cbor_enc_map_sorted(sg17_buf *b, const sg17_cbor_pair *pairs, size_t n)
{
    if (b == NULL || (pairs == NULL && n != 0))
        return SG17_E_INVAL;
    for (size_t i = 0; i < n; i++)
        if (pairs[i].key == NULL || pairs[i].key_len == 0 || pairs[i].val == NULL ||
            pairs[i].val_len == 0)
            return SG17_E_INVAL;
    const sg17_cbor_pair **order = NULL;
    if (n > 0) {
        const size_t psize = sizeof(const sg17_cbor_pair *);
        if (n > SIZE_MAX / psize)
            return SG17_E_LIMIT;
        order = malloc(n * psize);
        if (order == NULL)
            return SG17_E_NOMEM;
        for (size_t i = 0; i < n; i++)
            order[i] = &pairs[i];
        qsort((void *)order, n, psize, pair_cmp);
    }
    int rc = 0;
    for (size_t i = 1; i < n && rc == 0; i++)
        if (pair_cmp(&order[i - 1], &order[i]) == 0)
            rc = SG17_E_INVAL;
    size_t saved = b->len;
    if (rc == 0)
        rc = sg17_cbor_enc_map(b, (uint64_t)n);
    for (size_t i = 0; i < n && rc == 0; i++) {
        rc = sg17_buf_append(b, order[i]->key, order[i]->key_len);
        if (rc == 0)
            rc = sg17_buf_append(b, order[i]->val, order[i]->val_len);
    }
    if (rc != 0)
        b->len = saved;
    free(order);
    return rc;
}
