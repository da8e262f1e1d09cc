/*
 * STIX documents on the fast JSON DOM (jdom): load, parse in place, validate.
 * This is the whole-document path of `sg17 intel validate`; the jansson path
 * (sg17_stix_validate on a json_t) remains for callers holding jansson values.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "jdom_internal.h"
#include "sg17/stix.h"
#include "stix_internal.h"

#define STIX_DOC_CHUNK ((size_t)64 * 1024)

struct sg17_stix_doc {
    sg17_jdoc *dom;
    char *buf;
    size_t len;
};

int sg17_stix_doc_parse(char *buf, size_t len, const sg17_json_limits *lim, sg17_stix_doc **out,
                        sg17_json_error *err)
{
    if (!out || (!buf && len)) {
        free(buf);
        return SG17_E_INVAL;
    }
    *out = NULL;
    sg17_stix_doc *d = calloc(1, sizeof *d);
    if (!d) {
        free(buf);
        return SG17_E_NOMEM;
    }
    d->buf = buf;
    d->len = len;
    /* the buffer is ours: consumed text goes back to the system while the DOM grows */
    int rc = sg17_jdoc_parse_ex(buf, len, lim, SG17_JDOC_RELEASE, 0, &d->dom, err);
    if (rc) {
        sg17_stix_doc_free(d);
        return rc;
    }
    /* only the packed strings at the front are still needed: give the rest back */
    size_t used = sg17_jdoc_text_used(d->dom);
    if (used < len - len / 8) {
        uintptr_t old_base = (uintptr_t)buf;
        char *nb = realloc(buf, used ? used : 1);
        if (nb) {
            if ((uintptr_t)nb != old_base)
                sg17_jdoc_rebase(d->dom, old_base, nb);
            d->buf = nb;
            d->len = used;
        }
    }
    *out = d;
    return 0;
}

static void set_err(sg17_json_error *err, const char *path, const char *what)
{
    if (!err)
        return;
    err->line = err->column = 0;
    err->position = 0;
    (void)snprintf(err->text, sizeof err->text, "%s: %s", path, what);
}

static int read_file(void *ctx, char *dst, size_t cap, size_t *got)
{
    FILE *f = ctx;
    *got = fread(dst, 1, cap, f);
    return *got == 0 && ferror(f) ? SG17_E_IO : 0;
}

int sg17_stix_doc_load(const char *path, const sg17_json_limits *lim, sg17_stix_doc **out,
                       sg17_json_error *err)
{
    if (!path || !out)
        return SG17_E_INVAL;
    *out = NULL;
    size_t max = lim && lim->max_bytes ? lim->max_bytes : SG17_JSON_DEFAULT_MAX_BYTES;
    int is_stdin = strcmp(path, "-") == 0;
    FILE *f = is_stdin ? stdin : fopen(path, "rb");
    if (!f) {
        set_err(err, path, errno == ENOENT ? "no such file or directory" : "cannot open");
        return SG17_E_IO;
    }
    struct stat st;
    if (fstat(fileno(f), &st) == 0 && S_ISREG(st.st_mode) &&
        (unsigned long long)st.st_size > (unsigned long long)max) {
        if (!is_stdin)
            fclose(f);
        set_err(err, path, "file exceeds the size limit");
        return SG17_E_LIMIT;
    }
    sg17_stix_doc *d = calloc(1, sizeof *d);
    if (!d) {
        if (!is_stdin)
            fclose(f);
        return SG17_E_NOMEM;
    }
    /* parsed as it is read, 64 KiB at a time: the text is never held whole,
     * only the unescaped strings (in the document's blocks) and the nodes */
    int rc = sg17_jdoc_parse_reader(read_file, f, STIX_DOC_CHUNK, lim, &d->dom, err);
    if (!is_stdin)
        fclose(f);
    if (rc) {
        if (rc == SG17_E_IO)
            set_err(err, path, "read error");
        sg17_stix_doc_free(d);
        return rc;
    }
    *out = d;
    return 0;
}

int sg17_stix_validate_doc(const sg17_stix_doc *doc, const sg17_stix_vopts *opts,
                           sg17_stix_report *rep)
{
    if (!rep)
        return SG17_E_INVAL;
    memset(rep, 0, sizeof *rep);
    if (!doc)
        return SG17_E_INVAL;
    return stix_validate_jd(sg17_jdoc_root(doc->dom), opts, rep);
}

size_t sg17_stix_doc_bytes(const sg17_stix_doc *doc)
{
    return doc ? doc->len + sg17_jdoc_arena_bytes(doc->dom) : 0;
}

void sg17_stix_doc_free(sg17_stix_doc *doc)
{
    if (!doc)
        return;
    sg17_jdoc_free(doc->dom);
    free(doc->buf);
    free(doc);
}

typedef struct vstream {
    const sg17_stix_vopts *opts;
    int (*cb)(int vrc, const sg17_stix_report *rep, void *ctx);
    void *ctx;
} vstream;

static int validate_slice(char *buf, size_t len, void *ctx)
{
    vstream *vs = ctx;
    sg17_jdoc *d = NULL;
    int rc = sg17_jdoc_parse(buf, len, NULL, &d, NULL);
    if (rc)
        return rc;
    sg17_stix_report rep;
    int vrc = stix_validate_jd(sg17_jdoc_root(d), vs->opts, &rep);
    if (vrc == 0 || vrc == SG17_E_FORMAT)
        rc = vs->cb(vrc, &rep, vs->ctx);
    else
        rc = vrc;
    sg17_stix_report_free(&rep);
    sg17_jdoc_free(d);
    return rc;
}

int sg17_stix_stream_validate(const char *path, size_t max_object, const sg17_stix_vopts *opts,
                              int (*cb)(int vrc, const sg17_stix_report *rep, void *ctx),
                              void *ctx)
{
    if (!path || !cb)
        return SG17_E_INVAL;
    vstream vs = {opts, cb, ctx};
    return stix_stream_slices(path, max_object, validate_slice, &vs);
}
