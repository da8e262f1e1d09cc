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

#endif
