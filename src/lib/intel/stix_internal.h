/* Internal helpers shared by the STIX model, validator and pattern engine. */
#ifndef SG17_STIX_INTERNAL_H
#define SG17_STIX_INTERNAL_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "sg17/stix.h"

/* Type table entry (STIX 2.1 sections 4-7). props/req: space-separated. */
typedef struct stix_tdef {
    const char *type;
    sg17_stix_kind kind;
    const char *props;
    const char *req;
} stix_tdef;

const stix_tdef *stix_tdef_find(const char *type);
/* STIX 2.0 type table (explicit 2.0 content). */
const stix_tdef *stix_tdef20_find(const char *type);
/* 1 if word w (length n) occurs in the space-separated list. */
int stix_word_in(const char *list, const char *w, size_t n);
/* Hash-set membership over a constant list, built on first use (thread-safe:
 * the set is published with a compare-and-swap; a loser frees its copy). */
struct stix_wset;
typedef _Atomic(struct stix_wset *) stix_wset_slot;
int stix_wset_has(stix_wset_slot *cache, const char *list, const char *w, size_t n);
/* Is k a property STIX 2.1 defines for the type (hash lookup)? */
int stix_tdef_has_prop(const stix_tdef *td, const char *k, size_t n);
/* "type--uuid" per the schema pattern (version 1-5, RFC 4122 variant). */
int stix_is_identifier(const char *s);
/* UUID version digit of an identifier (0 if malformed). */
int stix_uuid_version(const char *id);
/* Compare two valid timestamps: <0, 0, >0. */
int stix_ts_cmp(const char *a, const char *b);
/* Length check of a known hash algorithm value; -1 unknown algorithm, 0 bad, 1 ok. */
int stix_hash_value_ok(const char *algo, const char *value);
/* 1 if the name is a hash-algorithm-ov value. */
int stix_hash_algo_known(const char *algo);

/* The validator over a jdom value (sg17_stix_validate and
 * sg17_stix_validate_doc both end here). Same contract as sg17_stix_validate. */
struct sg17_jd;
int stix_validate_jd(const struct sg17_jd *inst, const sg17_stix_vopts *opts, sg17_stix_report *rep);

/* Append a finding: object id oid[0..oid_len) and text (both interned in the
 * report's pool; each shorter than SG17_STIX_MSG_MAX). 0 or SG17_E_NOMEM. */
int stix_report_add(sg17_stix_report *r, int code, int is_error, const char *oid, size_t oid_len,
                    const char *text);

/* The streaming reader: each element of a bundle's top-level "objects" array
 * as raw bytes (buf reused between calls; callback's non-zero stops). */
int stix_stream_slices(const char *path, size_t max_object,
                       int (*slice_cb)(char *buf, size_t len, void *ctx), void *ctx);

/* jansson's iteration API takes non-const values; iteration does not modify. */
static inline json_t *stix_unconst(const json_t *p)
{
    union {
        const json_t *c;
        json_t *m;
    } u = {p};
    return u.m;
}

#endif
