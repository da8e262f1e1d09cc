/*
 * jdom: parsing from a reader (sg17_jdoc_parse_reader): the input window is
 * refilled in chunks (jd_refill) and strings go to blocks the document owns
 * (jd_string_room); both live in jdom_parse.c beside their hot callers.
 */
#include "jdom_internal.h"
#include "jdom_parse_internal.h"

#include <stdlib.h>
#include <string.h>

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
