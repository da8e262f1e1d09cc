/* Internal to the jdom parser (jdom*.c): the arena, document and parser
 * state, and the functions the files share. The DOM itself and its readers
 * are in jdom_internal.h. */
#ifndef SG17_JDOM_PARSE_INTERNAL_H
#define SG17_JDOM_PARSE_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "jdom_internal.h"

#define JD_BLOCK_MIN ((size_t)64 * 1024)
#define JD_DUP_LINEAR 12U /* objects up to this many members: pairwise key check */

typedef struct jd_block {
    struct jd_block *next;
    size_t used, cap;
    /* nodes follow */
} jd_block;

typedef struct jd_sblock {
    struct jd_sblock *next;
    /* text follows */
} jd_sblock;

#define JD_SBLOCK ((size_t)64 * 1024) /* string arena blocks (parsing from a reader) */
#define JD_MORE 1                     /* internal: the window ends inside a token */
#define JD_ROOM 2                     /* internal: the string block is full */

struct sg17_jdoc {
    sg17_jd root;
    jd_block *blocks;
    jd_sblock *sblocks; /* strings, when parsed from a reader */
    size_t arena_bytes;
    size_t text_used; /* packed strings at the start of the parsed buffer */
};

typedef struct jd_frame {
    size_t start;  /* index of the first child on the value stack */
    size_t offset; /* byte offset of the opening bracket (messages) */
    int is_obj;
} jd_frame;

typedef struct jd_parser {
    const char *base;
    char *end;
    sg17_jdoc *doc;
    sg17_jd *vals; /* value stack */
    size_t nvals, capvals;
    uint32_t *dup; /* hash table for duplicate keys in large objects */
    size_t dupcap;
    sg17_json_error *err;
    int rc;
    char *w;           /* string cursor: in place, always <= the read position */
    char *wlim;        /* end of the room for strings (in place: the end of the text) */
    size_t nl;         /* newlines seen (only whitespace holds raw newlines) */
    size_t line_start; /* offset of the current line (from the start of the input) */
    /* parsing from a reader: base..end is a window on the input, base_off its offset */
    sg17_jdoc_read_fn rd;
    void *rd_ctx;
    char *win;
    size_t wincap, base_off, total, max_bytes;
    int eof;
    size_t cont, cont_ls; /* UTF-8 continuation bytes seen, and at line_start */
    size_t rel_step;      /* SG17_JDOC_RELEASE: give back dead text every rel_step bytes */
    uintptr_t rel_hi;     /* text below this address was given back (or is strings) */
    uintptr_t page;
} jd_parser;

/* ---- functions shared between the jdom files ----------------------------- */

/* jdom.c: n nodes from a new block (the current one has no room); NULL when
 * out of memory or n is absurd. */
sg17_jd *jd_arena_nodes_grow(sg17_jdoc *d, size_t n);

/* n contiguous nodes from the document's arena (NULL when out of memory). The
 * current block's room is checked inline (once per container on the parse
 * path); a block never holds more than the limit jd_arena_nodes_grow checks. */
static inline sg17_jd *jd_arena_nodes(sg17_jdoc *d, size_t n)
{
    jd_block *b = d->blocks;
    if (b && b->cap - b->used >= n) {
        sg17_jd *r = (sg17_jd *)(void *)(b + 1) + b->used;
        b->used += n;
        return r;
    }
    return jd_arena_nodes_grow(d, n);
}

/* jdom_parse.c: the effective limits (defaults, hard depth cap). */
void jd_limits_of(const sg17_json_limits *lim, size_t *max_bytes, unsigned *max_depth,
                  unsigned *flags);

/* jdom_parse.c: record the first error (line, column, offset, text) in ps->err; returns rc. */
__attribute__((cold, format(printf, 4, 5))) int jd_fail(jd_parser *ps, int rc, const char *at,
                                                  const char *fmt, ...);

/* jdom_parse.c (next to skip_ws and token, which call them: apart, the
 * parser measured 5% slower):
 * parsing from a reader: keep the window from *p on (moved to the front),
 * growing it when it is full, and read more after it. Sets eof when the
 * reader has nothing more. 0 or an error (ps->rc and err set).
 */
int jd_refill(jd_parser *ps, char **p);

/* jdom_parse.c: a new block for strings of at least want bytes (parsing from a reader). */
int jd_string_room(jd_parser *ps, size_t want);

/* jdom_parse.c: start of a parse: clear *err, check out and set *out = NULL.
 * 0 or SG17_E_INVAL (out is NULL). */
int jd_begin(sg17_jdoc **out, sg17_json_error *err);

/* jdom_parse.c: the value/container state machine; returns 0 with the root on the value stack. */
int jd_parse_doc(jd_parser *ps, char *p, unsigned max_depth, unsigned flags, jd_frame *frames);

#endif
