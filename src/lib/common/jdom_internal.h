/*
 * jdom: a compact, read-only JSON DOM for hot paths (STIX validation).
 *
 * One pass over a mutable buffer (RFC 8259): strings are unescaped and
 * packed, NUL-terminated, at the start of the caller's buffer (a cursor that
 * never overtakes the read position), so the DOM points into that buffer and
 * its first sg17_jdoc_text_used() bytes are all it needs: the rest may be
 * released (shrink the buffer, then sg17_jdoc_rebase() if it moved). Nodes
 * (16 bytes) live in an arena owned by the document. Accepts and rejects exactly what sg17_json_parse() (jansson with
 * duplicate keys rejected, no NUL in strings, caps) accepts and rejects, and
 * gives the same values: integers that fit int64 as integers ("-0" is 0),
 * everything with a fraction or exponent as a double (strtod, overflow
 * rejected), UTF-8 validated, surrogate pairs joined, lone surrogates and
 * \u0000 rejected. Object members keep document order. (On malformed text
 * the error class may differ: sg17_json_parse's pre-scan reports nesting
 * beyond the cap anywhere as SG17_E_LIMIT, jdom reports its first error.)
 *
 * Internal to libsg17 (tests link the static library and use it directly).
 */
#ifndef SG17_JDOM_INTERNAL_H
#define SG17_JDOM_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <jansson.h>

#include "sg17/common.h"
#include "sg17/json.h"

typedef enum sg17_jd_type {
    SG17_JD_NULL = 0,
    SG17_JD_FALSE,
    SG17_JD_TRUE,
    SG17_JD_INT,
    SG17_JD_REAL,
    SG17_JD_STRING,
    SG17_JD_ARRAY,
    SG17_JD_OBJECT,
} sg17_jd_type;

/* One value. Objects: kids[2k] is the k-th key (a string), kids[2k+1] its
 * value; n counts members. Arrays: n elements in kids. Strings: n bytes at s
 * followed by a NUL (no NUL inside: \u0000 is rejected as by jansson). */
typedef struct sg17_jd {
    uint32_t type;
    uint32_t n;
    union {
        const char *s;
        struct sg17_jd *kids;
        int64_t i;
        double d;
    } u;
} sg17_jd;

typedef struct sg17_jdoc sg17_jdoc;

/* Parse buf[0..len) in place (the buffer is modified and must outlive the
 * document). Caps and flags as sg17_json_parse(); errors as there (line,
 * column, position, text). Returns 0, SG17_E_FORMAT, SG17_E_LIMIT,
 * SG17_E_NOMEM, SG17_E_INVAL. */
SG17_MUST_CHECK int sg17_jdoc_parse(char *buf, size_t len, const sg17_json_limits *lim,
                                    sg17_jdoc **out, sg17_json_error *err);

/* sg17_jdoc_parse_ex flags. SG17_JDOC_RELEASE: while parsing, give the pages
 * of text already consumed (between the packed strings and the read position)
 * back to the system with madvise(MADV_DONTNEED), every release_step bytes
 * (0: SG17_JDOC_RELEASE_STEP), so the buffer's resident size shrinks as the
 * DOM grows. buf must be private anonymous memory the caller owns (malloc'd);
 * the bytes after the packed strings are undefined afterwards. Same results
 * as sg17_jdoc_parse otherwise. */
#define SG17_JDOC_RELEASE 1U
#define SG17_JDOC_RELEASE_STEP ((size_t)64 * 1024)
SG17_MUST_CHECK int sg17_jdoc_parse_ex(char *buf, size_t len, const sg17_json_limits *lim,
                                       unsigned jflags, size_t release_step, sg17_jdoc **out,
                                       sg17_json_error *err);

/* Reader for sg17_jdoc_parse_reader: up to cap bytes into dst, the count in
 * *got (0 = end of input); returns 0 or a negative SG17_E_* code. */
typedef int (*sg17_jdoc_read_fn)(void *ctx, char *dst, size_t cap, size_t *got);

/* Parse JSON read piece by piece (rd), never holding the whole text: the
 * parser works on a window of the input (chunk bytes to start with, 0: 64 KiB;
 * grown only for a token longer than it) and copies the unescaped strings
 * into blocks the document owns. Same acceptance, values, caps and errors
 * (line, column, position, text) as sg17_jdoc_parse on the whole text, except
 * that the size cap is checked as the input arrives (SG17_E_LIMIT, possibly
 * after a syntax error sg17_jdoc_parse would not reach) and a reader's error
 * is returned as is. sg17_jdoc_text_used() is 0 (no caller buffer). */
SG17_MUST_CHECK int sg17_jdoc_parse_reader(sg17_jdoc_read_fn rd, void *ctx, size_t chunk,
                                           const sg17_json_limits *lim, sg17_jdoc **out,
                                           sg17_json_error *err);

/* A DOM viewing a jansson value (strings borrowed from it; v must outlive the
 * document). SG17_E_LIMIT beyond 2048 levels of nesting. */
SG17_MUST_CHECK int sg17_jdoc_from_jansson(const json_t *v, sg17_jdoc **out);

/* Root value of a document. */
const sg17_jd *sg17_jdoc_root(const sg17_jdoc *d);

/* Bytes at the start of the parsed buffer holding the packed strings. */
size_t sg17_jdoc_text_used(const sg17_jdoc *d);

/* The buffer moved (e.g. shrunk by realloc) from old_base to new_base: point
 * every string there. */
void sg17_jdoc_rebase(sg17_jdoc *d, uintptr_t old_base, char *new_base);

/* Bytes held by the document's arenas (nodes, and strings when parsed from a
 * reader), for accounting. */
size_t sg17_jdoc_arena_bytes(const sg17_jdoc *d);

void sg17_jdoc_free(sg17_jdoc *d);

/* Deep equality (jansson's json_equal semantics: integers and reals never
 * equal each other; object member order does not matter). Iterative. */
int sg17_jd_equal(const sg17_jd *a, const sg17_jd *b);

/* ---- accessors (all NULL-safe) ---------------------------------------- */

static inline int jd_is_object(const sg17_jd *v) { return v && v->type == SG17_JD_OBJECT; }
static inline int jd_is_array(const sg17_jd *v) { return v && v->type == SG17_JD_ARRAY; }
static inline int jd_is_string(const sg17_jd *v) { return v && v->type == SG17_JD_STRING; }
static inline int jd_is_integer(const sg17_jd *v) { return v && v->type == SG17_JD_INT; }
static inline int jd_is_true(const sg17_jd *v) { return v && v->type == SG17_JD_TRUE; }
static inline int jd_is_false(const sg17_jd *v) { return v && v->type == SG17_JD_FALSE; }

static inline const char *jd_str(const sg17_jd *v)
{
    return v && v->type == SG17_JD_STRING ? v->u.s : NULL;
}

static inline int64_t jd_int(const sg17_jd *v)
{
    return v && v->type == SG17_JD_INT ? v->u.i : 0;
}

/* Elements of an array (0 for anything else). */
static inline size_t jd_len(const sg17_jd *v)
{
    return v && v->type == SG17_JD_ARRAY ? v->n : 0;
}

/* Member of an object by key of length kl (linear: STIX objects are small). */
static inline const sg17_jd *jd_getn(const sg17_jd *o, const char *k, size_t kl)
{
    if (!o || o->type != SG17_JD_OBJECT)
        return NULL;
    const sg17_jd *kv = o->u.kids;
    for (uint32_t i = 0; i < o->n; i++, kv += 2)
        if (kv->n == kl && memcmp(kv->u.s, k, kl) == 0)
            return kv + 1;
    return NULL;
}

static inline const sg17_jd *jd_get(const sg17_jd *o, const char *k)
{
    return jd_getn(o, k, strlen(k));
}

/* Children of a container as [begin, end) (an empty range otherwise). */
static inline const sg17_jd *jd_kids_begin(const sg17_jd *v, uint32_t want)
{
    static const sg17_jd none;
    return v && v->type == want && v->n ? v->u.kids : &none;
}

static inline const sg17_jd *jd_kids_end(const sg17_jd *v, uint32_t want)
{
    const sg17_jd *b = jd_kids_begin(v, want);
    return v && v->type == want && v->n ? b + (size_t)v->n * (want == SG17_JD_OBJECT ? 2U : 1U)
                                        : b;
}

#define JD_CAT2(a, b) a##b
#define JD_CAT(a, b) JD_CAT2(a, b)

/* for (i, e) over an array's elements (a evaluated once); no-op on anything else. */
#define jd_array_foreach(a, i, e)                                                              \
    for (const sg17_jd *JD_CAT(jd_p_, __LINE__) = ((i) = 0, jd_kids_begin((a), SG17_JD_ARRAY)), \
                       *JD_CAT(jd_e_, __LINE__) = jd_kids_end((a), SG17_JD_ARRAY);               \
         JD_CAT(jd_p_, __LINE__) < JD_CAT(jd_e_, __LINE__) && (((e) = JD_CAT(jd_p_, __LINE__)), 1); \
         JD_CAT(jd_p_, __LINE__)++, (i)++)

/* for (key, value) over an object's members, in document order. */
#define jd_object_foreach(o, k, val)                                                            \
    for (const sg17_jd *JD_CAT(jd_q_, __LINE__) = jd_kids_begin((o), SG17_JD_OBJECT),          \
                       *JD_CAT(jd_f_, __LINE__) = jd_kids_end((o), SG17_JD_OBJECT);              \
         JD_CAT(jd_q_, __LINE__) < JD_CAT(jd_f_, __LINE__) &&                                    \
         (((k) = JD_CAT(jd_q_, __LINE__)->u.s), ((val) = JD_CAT(jd_q_, __LINE__) + 1),          \
          (void)(k), (void)(val), 1);                                                          \
         JD_CAT(jd_q_, __LINE__) += 2)

#endif
