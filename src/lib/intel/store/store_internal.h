/* Internals of the X.1217 intel store (src/lib/intel/store, export, client). */
#ifndef SG17_INTEL_STORE_INTERNAL_H
#define SG17_INTEL_STORE_INTERNAL_H

#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>

#include "sg17/intel_store.h"

struct sg17_intel_store {
    sqlite3 *db;
    char err[256];
};

/* Record the SQLite message with a prefix; returns SG17_E_IO. */
int is_err(sg17_intel_store *s, const char *what);
/* Prepare; on failure records the message and returns SG17_E_IO. */
int is_prepare(sg17_intel_store *s, sqlite3_stmt **st, const char *sql);
/* Run SQL without results. */
int is_exec(sg17_intel_store *s, const char *sql);
/* Bind a text or NULL. */
void is_bind_text(sqlite3_stmt *st, int i, const char *v);

/* One indicator value extracted from a STIX indicator. */
typedef struct is_val {
    sg17_intel_kind kind;
    sg17_intel_op op;
    uint8_t fs11, confidence;
    int64_t valid_from, valid_until;
    uint8_t id[16];
    char canon[SG17_INTEL_MAX_VALUE + 8]; /* key text (as sightings name it) */
    char value[SG17_INTEL_MAX_VALUE + 8]; /* builder input */
    char value_hi[32];                    /* RANGE upper bound, else "" */
    size_t tag;                           /* index into the ids given, SIZE_MAX if none */
} is_val;

/* Values of every indicator added to b so far (b made by is_builder_new,
 * whose filter records the raw values; is_rec_tag sets the tag of the values
 * added next). Each value's tag is the index j of ids[j] == its indicator
 * uuid (SIZE_MAX if none). *out is malloc'd. */
typedef struct is_rec is_rec;
int is_builder_new(sg17_intel_builder **b, is_rec **rec);
void is_rec_free(is_rec *r);
void is_rec_tag(is_rec *r, size_t tag);
int is_values_of(sg17_intel_builder *b, is_rec *rec, const uint8_t (*ids)[16], size_t n_ids,
                 is_val **out, size_t *n);

/* "xxxxxxxx-xxxx-..." of 16 bytes (out >= 37). */
void is_uuid_text(const uint8_t id[16], char *out);
/* Seconds -> "YYYY-MM-DDTHH:MM:SS.000Z" (out >= 32). */
void is_ts_text(int64_t secs, char *out, size_t cap);
/* Kind by its sg17_intel_kind_name, SG17_INTEL_NONE if unknown. */
sg17_intel_kind is_kind_by_name(const char *name);

/* Parse a TAXII 2.1 envelope (TAXII 2.1 3.7): *env and *list (objects, or an
 * empty array) are new references, *next malloc'd or NULL. 0, SG17_E_FORMAT
 * (why says what), SG17_E_NOMEM. */
int is_taxii_envelope(const char *body, size_t len, size_t max, json_t **env, json_t **list,
                      int *more, char **next, char *why, size_t why_len);

#endif
