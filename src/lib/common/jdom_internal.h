/*
 * jdom: a compact, read-only JSON DOM for hot paths (STIX validation).
 *
 * One pass over a mutable buffer (RFC 8259): strings are unescaped in place
 * and NUL-terminated where their closing quote was, so the DOM points into
 * the caller's buffer; nodes (16 bytes) live in an arena owned by the
 * document. Accepts and rejects exactly what sg17_json_parse() (jansson with
 * duplicate keys rejected, no NUL in strings, caps) accepts and rejects, and
 * gives the same values: integers that fit int64 as integers ("-0" is 0),
 * everything with a fraction or exponent as a double (strtod, overflow
 * rejected), UTF-8 validated, surrogate pairs joined, lone surrogates and
 * \u0000 rejected. Object members keep document order.
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

/* A DOM viewing a jansson value (strings borrowed from it; v must outlive the
 * document). SG17_E_LIMIT beyond 2048 levels of nesting. */
SG17_MUST_CHECK int sg17_jdoc_from_jansson(const json_t *v, sg17_jdoc **out);

/* Root value of a document. */
const sg17_jd *sg17_jdoc_root(const sg17_jdoc *d);

/* Bytes held by the document's arena (nodes), for accounting. */
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

/* for (i, e) over an array's elements; no-op on anything else. */
#define jd_array_foreach(a, i, e)                                                               \
    for ((i) = 0; jd_is_array(a) && (i) < (a)->n && (((e) = &(a)->u.kids[(i)]), 1); (i)++)

/* for (key, value) over an object's members; ki is a uint32_t counter. */
#define jd_object_foreach(o, ki, k, val)                                                        \
    for ((ki) = 0; jd_is_object(o) && (ki) < (o)->n &&                                          \
                   (((k) = (o)->u.kids[2 * (ki)].u.s), ((val) = &(o)->u.kids[2 * (ki) + 1]), 1); \
         (ki)++)

#endif
