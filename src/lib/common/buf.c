/* Bounded growable buffers and the bounds-checked read cursor (sg17/buf.h). */
#include "sg17/buf.h"

#include <stdlib.h>
#include <string.h>

#define BUF_MIN_ALLOC 64U

void sg17_buf_init(sg17_buf *b, size_t cap)
{
    b->data = NULL;
    b->len = 0;
    b->alloc = 0;
    b->cap = cap;
}

int sg17_buf_reserve(sg17_buf *b, size_t extra)
{
    if (b->len > b->cap || extra > b->cap - b->len)
        return SG17_E_LIMIT;
    size_t need = b->len + extra;
    if (need <= b->alloc)
        return 0;
    /* Grow geometrically but never past the cap (need <= cap here). */
    size_t n = b->alloc < BUF_MIN_ALLOC ? BUF_MIN_ALLOC : b->alloc;
    while (n < need) {
        if (n > b->cap / 2) {
            n = b->cap;
            break;
        }
        n *= 2;
    }
    if (n > b->cap)
        n = b->cap;
    /* malloc+copy+wipe instead of realloc so an old copy of secrets is never
     * left behind in freed memory. */
    uint8_t *p = malloc(n);
    if (p == NULL)
        return SG17_E_NOMEM;
    if (b->data != NULL) {
        memcpy(p, b->data, b->len);
        sg17_memzero(b->data, b->alloc);
        free(b->data);
    }
    b->data = p;
    b->alloc = n;
    return 0;
}

int sg17_buf_append(sg17_buf *b, const void *p, size_t n)
{
    if (n == 0)
        return 0;
    if (p == NULL)
        return SG17_E_INVAL;
    /* p may point into b itself (appending a copy of its own bytes): keep
     * the offset, since growing frees the old storage. */
    uintptr_t up = (uintptr_t)p, base = (uintptr_t)b->data;
    int inside = b->data != NULL && up >= base && up - base < b->alloc;
    size_t off = inside ? (size_t)(up - base) : 0;
    int rc = sg17_buf_reserve(b, n);
    if (rc != 0)
        return rc;
    memmove(b->data + b->len, inside ? b->data + off : (const uint8_t *)p, n);
    b->len += n;
    return 0;
}

int sg17_buf_append_u8(sg17_buf *b, uint8_t v)
{
    return sg17_buf_append(b, &v, 1);
}

int sg17_buf_append_u16(sg17_buf *b, uint16_t v)
{
    uint8_t t[2] = {(uint8_t)(v >> 8), (uint8_t)v};
    return sg17_buf_append(b, t, sizeof t);
}

int sg17_buf_append_u32(sg17_buf *b, uint32_t v)
{
    uint8_t t[4] = {(uint8_t)(v >> 24), (uint8_t)(v >> 16), (uint8_t)(v >> 8), (uint8_t)v};
    return sg17_buf_append(b, t, sizeof t);
}

int sg17_buf_append_u64(sg17_buf *b, uint64_t v)
{
    uint8_t t[8];
    for (unsigned i = 0; i < 8; i++)
        t[i] = (uint8_t)(v >> (56 - 8 * i));
    return sg17_buf_append(b, t, sizeof t);
}

void sg17_buf_reset(sg17_buf *b)
{
    if (b->data != NULL)
        sg17_memzero(b->data, b->len);
    b->len = 0;
}

void sg17_buf_free(sg17_buf *b, int wipe)
{
    if (b == NULL)
        return;
    if (b->data != NULL) {
        if (wipe)
            sg17_memzero(b->data, b->alloc);
        free(b->data);
    }
    b->data = NULL;
    b->len = 0;
    b->alloc = 0;
}

void sg17_rd_init(sg17_rd *r, const uint8_t *p, size_t len)
{
    r->p = p;
    r->len = p == NULL ? 0 : len;
    r->off = 0;
}

size_t sg17_rd_remaining(const sg17_rd *r)
{
    return r->off <= r->len ? r->len - r->off : 0;
}

/* Borrow n bytes and advance, or fail leaving the cursor as it was. */
static const uint8_t *rd_take(sg17_rd *r, size_t n)
{
    static const uint8_t empty[1];
    if (n > sg17_rd_remaining(r))
        return NULL;
    if (r->p == NULL)
        return empty; /* n == 0: avoid arithmetic on a null pointer */
    const uint8_t *q = r->p + r->off;
    r->off += n;
    return q;
}

int sg17_rd_get_u8(sg17_rd *r, uint8_t *v)
{
    const uint8_t *q = rd_take(r, 1);
    if (q == NULL)
        return SG17_E_FORMAT;
    *v = q[0];
    return 0;
}

int sg17_rd_get_u16(sg17_rd *r, uint16_t *v)
{
    const uint8_t *q = rd_take(r, 2);
    if (q == NULL)
        return SG17_E_FORMAT;
    *v = (uint16_t)(((unsigned)q[0] << 8) | q[1]);
    return 0;
}

int sg17_rd_get_u32(sg17_rd *r, uint32_t *v)
{
    const uint8_t *q = rd_take(r, 4);
    if (q == NULL)
        return SG17_E_FORMAT;
    *v = ((uint32_t)q[0] << 24) | ((uint32_t)q[1] << 16) | ((uint32_t)q[2] << 8) | q[3];
    return 0;
}

int sg17_rd_get_u64(sg17_rd *r, uint64_t *v)
{
    const uint8_t *q = rd_take(r, 8);
    if (q == NULL)
        return SG17_E_FORMAT;
    uint64_t x = 0;
    for (unsigned i = 0; i < 8; i++)
        x = (x << 8) | q[i];
    *v = x;
    return 0;
}

int sg17_rd_get_bytes(sg17_rd *r, uint8_t *out, size_t n)
{
    const uint8_t *q = rd_take(r, n);
    if (q == NULL)
        return SG17_E_FORMAT;
    if (n > 0)
        memcpy(out, q, n);
    return 0;
}

int sg17_rd_get_ref(sg17_rd *r, const uint8_t **out, size_t n)
{
    const uint8_t *q = rd_take(r, n);
    *out = q;
    return q == NULL ? SG17_E_FORMAT : 0;
}

int sg17_rd_skip(sg17_rd *r, size_t n)
{
    return rd_take(r, n) == NULL ? SG17_E_FORMAT : 0;
}

int sg17_rd_expect_end(const sg17_rd *r)
{
    return sg17_rd_remaining(r) == 0 ? 0 : SG17_E_FORMAT;
}
