/*
 * sg17/cbor.h - hardened CBOR (RFC 8949) decoding, typed access and a
 * deterministic encoder.
 *
 * sg17_cbor_decode() is the one entry for untrusted CBOR: before libcbor sees
 * the bytes, a non-recursive scanner with a fixed-size stack checks that they
 * are exactly one well-formed data item (RFC 8949 §3, Appendix C and the
 * failure classes of Appendix F), within caps on total size, nesting depth
 * and number of data items, with no trailing bytes. libcbor then builds the
 * item tree.
 *
 * The encoder writes into a capped sg17_buf using the preferred (shortest)
 * serialisation; with sg17_cbor_enc_map_sorted() the output follows the core
 * deterministic encoding requirements of RFC 8949 §4.2.1.
 */
#ifndef SG17_CBOR_H
#define SG17_CBOR_H

#include <stddef.h>
#include <stdint.h>

#include <cbor.h>

#include "sg17/buf.h"
#include "sg17/common.h"

#ifdef __cplusplus
extern "C" {
#endif

#define SG17_CBOR_DEFAULT_MAX_BYTES ((size_t)1024 * 1024)
#define SG17_CBOR_DEFAULT_MAX_DEPTH 16U
#define SG17_CBOR_DEFAULT_MAX_ITEMS ((size_t)65536)
/** Ceiling for max_depth: the scanner's stack size (libcbor frees item trees
 *  recursively, so depth must stay small). */
#define SG17_CBOR_HARD_MAX_DEPTH 64U

/** Decode limits; a zero field means "use the default". */
typedef struct sg17_cbor_limits {
    size_t max_bytes;   /**< largest accepted encoding */
    unsigned max_depth; /**< nesting of arrays, maps, tags, indefinite strings */
    size_t max_items;   /**< data items (heads) in the whole encoding */
} sg17_cbor_limits;

/** Where and why decoding or a typed access failed. */
typedef struct sg17_cbor_error {
    size_t offset; /**< byte offset of the offending head in the input */
    char text[112];
} sg17_cbor_error;

/**
 * Check that buf[0..len) is exactly one well-formed CBOR data item within
 * the caps (RFC 8949 Appendix C well-formedness, without recursion).
 * Allocates nothing.
 * @return 0; SG17_E_FORMAT if not well-formed (truncated, reserved
 *         additional information, misplaced break, bad indefinite-length
 *         chunk, two-byte simple value < 32, trailing bytes) or a text string
 *         is not valid UTF-8 (§5.3.1); SG17_E_LIMIT if
 *         a cap is exceeded; SG17_E_INVAL for bad arguments.
 */
SG17_API SG17_MUST_CHECK int sg17_cbor_check(const uint8_t *buf, size_t len,
                                             const sg17_cbor_limits *lim, sg17_cbor_error *err);

/**
 * Decode untrusted CBOR: sg17_cbor_check(), then libcbor's cbor_load().
 * One-byte tag heads 6..20 (e.g. COSE_Sign1 = 18), which libcbor 0.8
 * refuses, are widened to their two-byte form first: same item.
 * @param item  receives the new item (release with sg17_cbor_free()), NULL on error
 * @param err   optional
 * @return 0, as sg17_cbor_check(), SG17_E_UNSUPPORTED if libcbor 0.8 cannot
 *         represent the well-formed item (it refuses unassigned simple values
 *         0..19 and 32..255), SG17_E_NOMEM.
 */
SG17_API SG17_MUST_CHECK int sg17_cbor_decode(const uint8_t *buf, size_t len,
                                              const sg17_cbor_limits *lim, cbor_item_t **item,
                                              sg17_cbor_error *err);

/** Release an item from sg17_cbor_decode(); NULL is a no-op. */
SG17_API void sg17_cbor_free(cbor_item_t *item);

/**
 * Look up the value for an integer key in a map (uint or negative int key).
 * Only definite-length keys are compared.
 * @param out  borrowed; valid while the map lives
 * @return 0, SG17_E_NOTFOUND, SG17_E_FORMAT (not a map, or the key occurs
 *         more than once - RFC 8949 §5.6).
 */
SG17_API SG17_MUST_CHECK int sg17_cbor_map_get_int(const cbor_item_t *map, int64_t key,
                                                   const cbor_item_t **out);

/** As sg17_cbor_map_get_int() for a text-string key (compared bytewise). */
SG17_API SG17_MUST_CHECK int sg17_cbor_map_get_text(const cbor_item_t *map, const char *key,
                                                    const cbor_item_t **out);

/** Unsigned integer (major type 0). @return 0 or SG17_E_FORMAT. */
SG17_API SG17_MUST_CHECK int sg17_cbor_get_uint(const cbor_item_t *it, uint64_t *out);

/** Integer of major type 0 or 1 that fits int64_t. @return 0 or SG17_E_FORMAT. */
SG17_API SG17_MUST_CHECK int sg17_cbor_get_int(const cbor_item_t *it, int64_t *out);

/** Definite-length byte string (borrowed bytes). @return 0 or SG17_E_FORMAT. */
SG17_API SG17_MUST_CHECK int sg17_cbor_get_bstr(const cbor_item_t *it, const uint8_t **p,
                                                size_t *len);

/** Definite-length text string (borrowed, NOT NUL-terminated).
 *  @return 0 or SG17_E_FORMAT. */
SG17_API SG17_MUST_CHECK int sg17_cbor_get_tstr(const cbor_item_t *it, const char **p, size_t *len);

/** Boolean (simple values 20/21). @return 0 or SG17_E_FORMAT. */
SG17_API SG17_MUST_CHECK int sg17_cbor_get_bool(const cbor_item_t *it, int *out);

/** Tag (major type 6): number and borrowed content. @return 0 or SG17_E_FORMAT. */
SG17_API SG17_MUST_CHECK int sg17_cbor_get_tag(const cbor_item_t *it, uint64_t *tag,
                                               const cbor_item_t **content);

/** Array (major type 4): element count. @return 0 or SG17_E_FORMAT. */
SG17_API SG17_MUST_CHECK int sg17_cbor_get_array(const cbor_item_t *it, size_t *n);

/** Element i of an array (borrowed), or NULL if not an array or i out of range. */
SG17_API const cbor_item_t *sg17_cbor_array_at(const cbor_item_t *arr, size_t i);

/*
 * Encoder. Every function appends to b and returns 0, SG17_E_LIMIT (cap of b
 * reached), SG17_E_NOMEM or SG17_E_INVAL; on error b is left as it was.
 */

/** Head of major type major (0..7) with argument val, shortest form
 *  (RFC 8949 §3, preferred serialisation §4.1). */
SG17_API SG17_MUST_CHECK int sg17_cbor_enc_head(sg17_buf *b, unsigned major, uint64_t val);
/** Unsigned integer (major type 0). */
SG17_API SG17_MUST_CHECK int sg17_cbor_enc_uint(sg17_buf *b, uint64_t v);
/** Signed integer (major type 0 or 1). */
SG17_API SG17_MUST_CHECK int sg17_cbor_enc_int(sg17_buf *b, int64_t v);
/** Byte string (major type 2); p may be NULL when n == 0. */
SG17_API SG17_MUST_CHECK int sg17_cbor_enc_bstr(sg17_buf *b, const uint8_t *p, size_t n);
/** Text string (major type 3); must be valid UTF-8 (checked, SG17_E_INVAL if not). */
SG17_API SG17_MUST_CHECK int sg17_cbor_enc_tstr(sg17_buf *b, const char *s, size_t n);
/** Head of an array of n items (major type 4); the items follow. */
SG17_API SG17_MUST_CHECK int sg17_cbor_enc_array(sg17_buf *b, uint64_t n);
/** Head of a map of n pairs (major type 5); keys and values follow. */
SG17_API SG17_MUST_CHECK int sg17_cbor_enc_map(sg17_buf *b, uint64_t n);
/** Tag head (major type 6); the content follows. */
SG17_API SG17_MUST_CHECK int sg17_cbor_enc_tag(sg17_buf *b, uint64_t tag);
/** true/false (simple values 21/20). */
SG17_API SG17_MUST_CHECK int sg17_cbor_enc_bool(sg17_buf *b, int v);
/** null (simple value 22). */
SG17_API SG17_MUST_CHECK int sg17_cbor_enc_null(sg17_buf *b);
/** Simple value v (0..23 or 32..255; 24..31 give SG17_E_INVAL). */
SG17_API SG17_MUST_CHECK int sg17_cbor_enc_simple(sg17_buf *b, uint8_t v);
/** Floating-point value in the shortest of half/single/double that keeps it
 *  exactly (RFC 8949 §4.2.1, §4.2.2: NaN as 0xf97e00). */
SG17_API SG17_MUST_CHECK int sg17_cbor_enc_float(sg17_buf *b, double v);

/** One pre-encoded map entry for sg17_cbor_enc_map_sorted(). */
typedef struct sg17_cbor_pair {
    const uint8_t *key; /**< deterministic encoding of the key */
    size_t key_len;
    const uint8_t *val; /**< encoding of the value */
    size_t val_len;
} sg17_cbor_pair;

/**
 * A whole map from pre-encoded pairs, keys in the bytewise lexicographic
 * order of their encodings (RFC 8949 §4.2.1). The pairs array is not
 * modified. @return as the encoder, SG17_E_INVAL on a duplicate key.
 */
SG17_API SG17_MUST_CHECK int sg17_cbor_enc_map_sorted(sg17_buf *b, const sg17_cbor_pair *pairs,
                                                      size_t n);

#ifdef __cplusplus
}
#endif
#endif /* SG17_CBOR_H */
