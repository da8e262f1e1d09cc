/*
 * sg17/json.h - hardened JSON parsing and typed access over jansson.
 *
 * sg17_json_parse() is the one entry for untrusted JSON (RFC 8259): it caps
 * the input size and the nesting depth (checked by a non-recursive pre-scan
 * before jansson sees the input), rejects NUL bytes, duplicate object keys,
 * invalid UTF-8 and trailing data, and reports errors with line, column and
 * byte position. The typed getters return SG17_E_FORMAT with a message that
 * names the offending key.
 */
#ifndef SG17_JSON_H
#define SG17_JSON_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "sg17/common.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Default caps used when limits are NULL. */
#define SG17_JSON_DEFAULT_MAX_BYTES ((size_t)16 * 1024 * 1024)
#define SG17_JSON_DEFAULT_MAX_DEPTH 64U
/** Depth cap ceiling: jansson's own compile-time parser limit is 2048. */
#define SG17_JSON_HARD_MAX_DEPTH 1024U

/** Accept any JSON value at the top level, not only an object or array. */
#define SG17_JSON_DECODE_ANY 0x1U

/** Parse limits; a zero field means "use the default". */
typedef struct sg17_json_limits {
    size_t max_bytes;   /**< largest accepted input, in bytes */
    unsigned max_depth; /**< deepest accepted nesting ([ and { count 1 each) */
    unsigned flags;     /**< SG17_JSON_DECODE_ANY */
} sg17_json_limits;

/** Where and why parsing or a typed lookup failed. line/column are 1-based
 *  (0 when not applicable); position is the byte offset into the input. */
typedef struct sg17_json_error {
    int line;
    int column;
    size_t position;
    char text[160];
} sg17_json_error;

/**
 * Parse untrusted JSON text (RFC 8259) with caps.
 * @param buf  input bytes (need not be NUL-terminated)
 * @param len  input length
 * @param lim  caps, or NULL for the defaults
 * @param out  receives a new reference on success (release with json_decref),
 *             NULL on failure
 * @param err  optional; filled on failure
 * @return 0; SG17_E_LIMIT if len or the depth exceeds the caps; SG17_E_FORMAT
 *         for malformed input (syntax, duplicate key, invalid UTF-8, NUL byte,
 *         trailing data); SG17_E_NOMEM; SG17_E_INVAL for bad arguments.
 */
SG17_API SG17_MUST_CHECK int sg17_json_parse(const char *buf, size_t len,
                                             const sg17_json_limits *lim, json_t **out,
                                             sg17_json_error *err);

/**
 * Read the file at path (at most lim->max_bytes) and parse it like
 * sg17_json_parse(). Error text names the file.
 * @return as sg17_json_parse(), plus SG17_E_IO if the file cannot be read.
 */
SG17_API SG17_MUST_CHECK int sg17_json_load_file(const char *path, const sg17_json_limits *lim,
                                                 json_t **out, sg17_json_error *err);

/**
 * Get obj[key] as a string of at most max_len bytes (no embedded NUL).
 * @param out  borrowed pointer, valid while obj lives
 * @param len  optional; receives the length
 * @return 0, SG17_E_FORMAT (missing, wrong type, too long; err names the key).
 */
SG17_API SG17_MUST_CHECK int sg17_json_get_str(const json_t *obj, const char *key, size_t max_len,
                                               const char **out, size_t *len, sg17_json_error *err);

/** Get obj[key] as an integer in [min, max].
 *  @return 0 or SG17_E_FORMAT (missing, not an integer, out of range). */
SG17_API SG17_MUST_CHECK int sg17_json_get_int(const json_t *obj, const char *key, long long min,
                                               long long max, long long *out, sg17_json_error *err);

/** Get obj[key] as a boolean (0 or 1). @return 0 or SG17_E_FORMAT. */
SG17_API SG17_MUST_CHECK int sg17_json_get_bool(const json_t *obj, const char *key, int *out,
                                                sg17_json_error *err);

/**
 * Get obj[key], a hex string (either case, even length), decoded into a new
 * malloc'd buffer of at most max_bytes bytes (free with free()). An empty
 * string gives *out == NULL, *out_len == 0.
 * @return 0, SG17_E_FORMAT (missing, not hex, odd length, too long), SG17_E_NOMEM.
 */
SG17_API SG17_MUST_CHECK int sg17_json_get_hex(const json_t *obj, const char *key, size_t max_bytes,
                                               uint8_t **out, size_t *out_len,
                                               sg17_json_error *err);

/** Get obj[key], a hex string, decoded into exactly len bytes at out.
 *  @return 0 or SG17_E_FORMAT (out untouched on error). */
SG17_API SG17_MUST_CHECK int sg17_json_get_hex_fixed(const json_t *obj, const char *key,
                                                     uint8_t *out, size_t len,
                                                     sg17_json_error *err);

/** Get obj[key] as an array with min_len..max_len elements (borrowed).
 *  @return 0 or SG17_E_FORMAT. */
SG17_API SG17_MUST_CHECK int sg17_json_get_array(const json_t *obj, const char *key, size_t min_len,
                                                 size_t max_len, const json_t **out,
                                                 sg17_json_error *err);

/** Get obj[key] as an object (borrowed). @return 0 or SG17_E_FORMAT. */
SG17_API SG17_MUST_CHECK int sg17_json_get_object(const json_t *obj, const char *key,
                                                  const json_t **out, sg17_json_error *err);

/**
 * Canonical text of v: compact (no whitespace), object keys sorted, UTF-8,
 * any top-level value. Same value, same bytes.
 * @param out  new NUL-terminated string (free with free())
 * @param len  optional; receives strlen(*out)
 * @return 0, SG17_E_INVAL (v NULL), SG17_E_NOMEM.
 */
SG17_API SG17_MUST_CHECK int sg17_json_dump_canonical(const json_t *v, char **out, size_t *len);

#ifdef __cplusplus
}
#endif
#endif /* SG17_JSON_H */
