/*
 * sg17/buf.h - bounded byte buffers and a bounds-checked read cursor.
 *
 * sg17_buf is a growable byte buffer with a hard cap fixed at init: no append
 * can make it exceed the cap (SG17_E_LIMIT instead). Old storage is wiped
 * when the buffer grows, so it may hold secrets.
 *
 * sg17_rd is a read cursor over untrusted bytes: every get checks the bounds
 * and returns SG17_E_FORMAT on underrun, leaving the cursor unchanged.
 * Multi-byte integers are big-endian (network order) in both directions.
 */
#ifndef SG17_BUF_H
#define SG17_BUF_H

#include <stddef.h>
#include <stdint.h>

#include "sg17/common.h"

#ifdef __cplusplus
extern "C" {
#endif

/** A growable byte buffer with a hard cap. Fields are readable; change them
 *  only through the functions below. */
typedef struct sg17_buf {
    uint8_t *data; /**< contents (NULL while nothing was appended) */
    size_t len;    /**< bytes in use */
    size_t alloc;  /**< bytes allocated */
    size_t cap;    /**< hard upper bound on len */
} sg17_buf;

/** Initialise an empty buffer that may grow up to cap bytes. Allocates
 *  nothing; cannot fail. */
SG17_API void sg17_buf_init(sg17_buf *b, size_t cap);

/**
 * Make room for extra more bytes without exceeding the cap.
 * @return 0, SG17_E_LIMIT if len + extra > cap, SG17_E_NOMEM.
 */
SG17_API SG17_MUST_CHECK int sg17_buf_reserve(sg17_buf *b, size_t extra);

/**
 * Append n bytes from p (p may be NULL when n == 0, and may point into b's
 * own contents).
 * @return 0, SG17_E_LIMIT (buffer unchanged) if the cap would be exceeded,
 *         SG17_E_NOMEM (buffer unchanged).
 */
SG17_API SG17_MUST_CHECK int sg17_buf_append(sg17_buf *b, const void *p, size_t n);

/** Append one byte. Same returns as sg17_buf_append(). */
SG17_API SG17_MUST_CHECK int sg17_buf_append_u8(sg17_buf *b, uint8_t v);
/** Append a 16-bit big-endian integer. Same returns as sg17_buf_append(). */
SG17_API SG17_MUST_CHECK int sg17_buf_append_u16(sg17_buf *b, uint16_t v);
/** Append a 32-bit big-endian integer. Same returns as sg17_buf_append(). */
SG17_API SG17_MUST_CHECK int sg17_buf_append_u32(sg17_buf *b, uint32_t v);
/** Append a 64-bit big-endian integer. Same returns as sg17_buf_append(). */
SG17_API SG17_MUST_CHECK int sg17_buf_append_u64(sg17_buf *b, uint64_t v);

/** Empty the buffer (len = 0), wiping the bytes that were in use; keeps the
 *  allocation and the cap. */
SG17_API void sg17_buf_reset(sg17_buf *b);

/** Release the storage; if wipe is non-zero the whole allocation is wiped
 *  first. The buffer is left empty with the same cap. NULL is a no-op. */
SG17_API void sg17_buf_free(sg17_buf *b, int wipe);

/** A read cursor over len bytes at p (not owned). */
typedef struct sg17_rd {
    const uint8_t *p; /**< start of the input */
    size_t len;       /**< total input length */
    size_t off;       /**< bytes consumed so far */
} sg17_rd;

/** Initialise a cursor at the start of p[0..len). */
SG17_API void sg17_rd_init(sg17_rd *r, const uint8_t *p, size_t len);

/** Bytes left to read. */
SG17_API size_t sg17_rd_remaining(const sg17_rd *r);

/** Read one byte. @return 0 or SG17_E_FORMAT on underrun (cursor unchanged). */
SG17_API SG17_MUST_CHECK int sg17_rd_get_u8(sg17_rd *r, uint8_t *v);
/** Read a 16-bit big-endian integer. @return 0 or SG17_E_FORMAT. */
SG17_API SG17_MUST_CHECK int sg17_rd_get_u16(sg17_rd *r, uint16_t *v);
/** Read a 32-bit big-endian integer. @return 0 or SG17_E_FORMAT. */
SG17_API SG17_MUST_CHECK int sg17_rd_get_u32(sg17_rd *r, uint32_t *v);
/** Read a 64-bit big-endian integer. @return 0 or SG17_E_FORMAT. */
SG17_API SG17_MUST_CHECK int sg17_rd_get_u64(sg17_rd *r, uint64_t *v);

/** Copy n bytes into out. @return 0 or SG17_E_FORMAT (out untouched). */
SG17_API SG17_MUST_CHECK int sg17_rd_get_bytes(sg17_rd *r, uint8_t *out, size_t n);

/** Borrow a pointer to the next n bytes (valid as long as the input) and
 *  advance. @return 0 or SG17_E_FORMAT (*out set to NULL). */
SG17_API SG17_MUST_CHECK int sg17_rd_get_ref(sg17_rd *r, const uint8_t **out, size_t n);

/** Skip n bytes. @return 0 or SG17_E_FORMAT (cursor unchanged). */
SG17_API SG17_MUST_CHECK int sg17_rd_skip(sg17_rd *r, size_t n);

/** @return 0 if every byte was consumed, SG17_E_FORMAT if bytes trail. */
SG17_API SG17_MUST_CHECK int sg17_rd_expect_end(const sg17_rd *r);

#ifdef __cplusplus
}
#endif
#endif /* SG17_BUF_H */
