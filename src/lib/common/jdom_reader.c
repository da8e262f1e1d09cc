/*
 * jdom: parsing from a reader (sg17_jdoc_parse_reader): the input window is
 * refilled in chunks and strings go to blocks the document owns.
 */
#include "jdom_internal.h"
#include "jdom_parse_internal.h"

#include <stdlib.h>
#include <string.h>

/*
 * Parsing from a reader: keep the window from *p on (moved to the front),
 * growing it when it is full, and read more after it. Sets eof when the
 * reader has nothing more. 0 or an error (ps->rc and err set).
 */
int jd_refill(jd_parser *ps, char **p)
{
    size_t keep = (size_t)(ps->end - *p);
    if (*p != ps->win)
        memmove(ps->win, *p, keep);
    ps->base_off += (size_t)(*p - ps->win);
    if (keep == ps->wincap) {
        size_t nc = ps->wincap * 2;
        char *nw = nc > ps->wincap ? realloc(ps->win, nc) : NULL;
        if (!nw)
            return jd_fail(ps, SG17_E_NOMEM, NULL, "out of memory");
        ps->win = nw;
        ps->wincap = nc;
    }
    ps->base = ps->win;
    *p = ps->win;
    ps->end = ps->win + keep;
    size_t got = 0;
    int rc = ps->rd(ps->rd_ctx, ps->end, ps->wincap - keep, &got);
    if (rc)
        return jd_fail(ps, rc < 0 ? rc : SG17_E_IO, NULL, "read error");
    if (got > ps->wincap - keep)
        return jd_fail(ps, SG17_E_INVAL, NULL, "reader overran its buffer");
    ps->total += got;
    if (ps->total > ps->max_bytes)
        return jd_fail(ps, SG17_E_LIMIT, NULL, "input exceeds the %zu-byte limit", ps->max_bytes);
    ps->end += got;
    ps->eof = got == 0;
    return 0;
}

/* A new block for strings of at least want bytes (parsing from a reader). */
int jd_string_room(jd_parser *ps, size_t want)
{
    size_t cap = want > JD_SBLOCK ? want : JD_SBLOCK;
    jd_sblock *b = malloc(sizeof *b + cap);
    if (!b)
        return jd_fail(ps, SG17_E_NOMEM, NULL, "out of memory");
    b->next = ps->doc->sblocks;
    ps->doc->sblocks = b;
    ps->doc->arena_bytes += sizeof *b + cap;
    ps->w = (char *)(b + 1);
    ps->wlim = ps->w + cap;
    return 0;
}

int sg17_jdoc_parse_reader(sg17_jdoc_read_fn rd, void *ctx, size_t chunk,
                           const sg17_json_limits *lim, sg17_jdoc **out, sg17_json_error *err)
{
    size_t max_bytes;
    unsigned max_depth, flags;
    if (jd_begin(out, err))
        return SG17_E_INVAL;
    if (!rd)
        return SG17_E_INVAL;
    jd_limits_of(lim, &max_bytes, &max_depth, &flags);
    jd_parser ps;
    memset(&ps, 0, sizeof ps);
    ps.err = err;
    ps.rd = rd;
    ps.rd_ctx = ctx;
    ps.max_bytes = max_bytes;
    ps.wincap = chunk ? chunk : JD_SBLOCK;
    ps.win = malloc(ps.wincap);
    ps.base = ps.end = ps.win;
    ps.doc = calloc(1, sizeof *ps.doc);
    jd_frame *frames = malloc(((size_t)max_depth + 1) * sizeof *frames);
    int rc = SG17_E_NOMEM;
    char *p = ps.win;
    /* strings go to blocks the document owns */
    if (ps.doc && frames && ps.win) {
        rc = jd_string_room(&ps, 0);
        if (rc == 0)
            rc = jd_refill(&ps, &p);
        if (rc == 0)
            rc = jd_parse_doc(&ps, p, max_depth, flags, frames);
    }
    if (rc == 0) {
        ps.doc->root = ps.vals[0];
        *out = ps.doc;
        ps.doc = NULL;
    }
    free(frames);
    free(ps.vals);
    free(ps.dup);
    free(ps.win);
    sg17_jdoc_free(ps.doc);
    return rc;
}
