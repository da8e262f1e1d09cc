/* Internals shared by the consult module's files (TSB circular consultations). */
#ifndef SG17_CONSULT_INTERNAL_H
#define SG17_CONSULT_INTERNAL_H

#include "sg17/buf.h"
#include "sg17/consult.h"

struct sg17_consult_circular {
    json_t *root; /* owns every string below */
    long number;
    int64_t deadline;
    unsigned threshold;
    size_t ndrafts;
    sg17_consult_draft drafts[SG17_CONSULT_MAX_DRAFTS];
};

/* Index of draft `number` in c, or c->ndrafts if absent. */
size_t consult_draft_index(const sg17_consult_circular *c, const char *number);

/* Append NUL-terminated s (or s escaped for HTML text/attributes). */
int consult_put(sg17_buf *b, const char *s);
int consult_put_html(sg17_buf *b, const char *s);
/* Append formatted text (snprintf into a bounded scratch). */
int consult_printf(sg17_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Hand a buffer's contents out as a malloc'd NUL-terminated string. */
int consult_buf_finish(sg17_buf *b, char **out, size_t *len);

/* jansson's iterators take json_t *; they do not modify the object. */
static inline json_t *consult_unconst(const json_t *p)
{
    union {
        const json_t *c;
        json_t *m;
    } u = {p};
    return u.m;
}

/* Strict "YYYY-MM-DD" check. */
int consult_date_valid(const char *s);

/* ---- the store: generic logic (store.c) over a backend ------------------- */

/* The documents a store keeps besides the replies. */
typedef enum consult_doc {
    CONSULT_DOC_STATES = 0, /* the Member States list (one) */
    CONSULT_DOC_CIRCULAR,   /* by number, canonical JSON */
    CONSULT_DOC_KEY,        /* by administration, PEM */
} consult_doc;

/* One kept document (each_doc); buf is only valid during the call. */
typedef int (*consult_doc_cb)(void *arg, long number, const char *admin, const uint8_t *buf,
                              size_t len);
/* One kept reply (each_reply): administrations in bytewise order, each one's
 * replies oldest first; envelope is only valid during the call. */
typedef int (*consult_reply_cb)(void *arg, const char *admin, int64_t received_at,
                                const json_t *envelope);

/* What a backend does; every function returns 0 or a negative SG17_E_*. */
typedef struct consult_store_ops {
    const char *name; /* "dir" or "sqlite" */
    /* SG17_E_NOTFOUND when absent; *buf malloc'd (NUL-terminated). */
    int (*get)(sg17_consult_store *s, consult_doc kind, long number, const char *admin,
               uint8_t **buf, size_t *len);
    int (*put)(sg17_consult_store *s, consult_doc kind, long number, const char *admin,
               const char *data, size_t len);
    int (*each_doc)(sg17_consult_store *s, consult_doc kind, consult_doc_cb cb, void *arg);
    /* Keep an accepted reply (canonical envelope text) as the administration's latest. */
    int (*append)(sg17_consult_store *s, long number, const char *admin, int64_t received_at,
                  const char *envelope, size_t len);
    int (*history)(sg17_consult_store *s, long number, const char *admin, size_t *count);
    int (*each_reply)(sg17_consult_store *s, long number, consult_reply_cb cb, void *arg);
    /* Record a refusal (may be NULL: not recorded). */
    int (*refused)(sg17_consult_store *s, long number, const sg17_consult_verdict *v,
                   int64_t at);
    /* Refusals recorded for a circular (NULL: SG17_E_UNSUPPORTED). */
    int (*refusals)(sg17_consult_store *s, long number, size_t *count);
    /* One writer's transaction around a public call (NULL: none). */
    int (*begin)(sg17_consult_store *s);
    int (*finish)(sg17_consult_store *s, int commit);
    void (*close)(sg17_consult_store *s);
} consult_store_ops;

/* Backends embed this as their first member. */
struct sg17_consult_store {
    const consult_store_ops *ops;
    sg17_pqc_key *cached; /* key handed out by the lookup callback */
};

/* Administration ids as stored: 2..8 letters A-Z (also keeps them path-safe). */
int consult_admin_id_ok(const char *id);

/* Backends (store_dir.c, store_db.c). */
int consult_store_dir_open(const char *dir, sg17_consult_store **out);
int consult_store_db_open(const char *path, sg17_consult_store **out);

#endif
