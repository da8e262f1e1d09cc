/*
 * jdom: single-pass, in-situ JSON parser (RFC 8259) building a compact DOM
 * (see jdom_internal.h). Non-recursive: containers are tracked on an explicit
 * frame stack capped by the depth limit; a container's children are gathered
 * on a value stack and copied once, contiguously, into the arena when it
 * closes.
 *
 * This file: the arena and the document (free, rebase), conversion from
 * jansson and equality. The parser is jdom_parse.c, the reader mode
 * jdom_reader.c.
 */
#include "jdom_internal.h"
#include "jdom_parse_internal.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* ---- arena --------------------------------------------------------------- */

static jd_block *block_new(sg17_jdoc *d, size_t cap)
{
    jd_block *nb = malloc(sizeof(jd_block) + cap * sizeof(sg17_jd));
    if (!nb)
        return NULL;
    nb->used = 0;
    nb->cap = cap;
    d->arena_bytes += sizeof(jd_block) + cap * sizeof(sg17_jd);
    return nb;
}

sg17_jd *jd_arena_nodes_grow(sg17_jdoc *d, size_t n)
{
    const size_t std = JD_BLOCK_MIN / sizeof(sg17_jd);
    jd_block *b = d->blocks;
    if (n > ((size_t)1 << 40) / sizeof(sg17_jd))
        return NULL;
    if (n >= std / 4 && b) {
        /* a large run gets its own block behind the current one, which keeps filling */
        jd_block *nb = block_new(d, n);
        if (!nb)
            return NULL;
        nb->used = n;
        nb->next = b->next;
        b->next = nb;
        return (sg17_jd *)(void *)(nb + 1);
    }
    jd_block *nb = block_new(d, n > std ? n : std);
    if (!nb)
        return NULL;
    nb->next = b;
    d->blocks = nb;
    nb->used = n;
    return (sg17_jd *)(void *)(nb + 1);
}

void sg17_jdoc_free(sg17_jdoc *d)
{
    if (!d)
        return;
    jd_block *b = d->blocks;
    while (b) {
        jd_block *nx = b->next;
        free(b);
        b = nx;
    }
    jd_sblock *s = d->sblocks;
    while (s) {
        jd_sblock *nx = s->next;
        free(s);
        s = nx;
    }
    free(d);
}

const sg17_jd *sg17_jdoc_root(const sg17_jdoc *d)
{
    return d ? &d->root : NULL;
}

size_t sg17_jdoc_arena_bytes(const sg17_jdoc *d)
{
    return d ? d->arena_bytes : 0;
}

size_t sg17_jdoc_text_used(const sg17_jdoc *d)
{
    return d ? d->text_used : 0;
}

static void rebase_node(sg17_jd *n, uintptr_t old_base, char *new_base, size_t used)
{
    if (n->type == SG17_JD_STRING) {
        uintptr_t off = (uintptr_t)n->u.s - old_base;
        if (off < used)
            n->u.s = new_base + off;
    }
}

void sg17_jdoc_rebase(sg17_jdoc *d, uintptr_t old_base, char *new_base)
{
    if (!d)
        return;
    rebase_node(&d->root, old_base, new_base, d->text_used);
    for (jd_block *b = d->blocks; b; b = b->next) {
        sg17_jd *nodes = (sg17_jd *)(void *)(b + 1);
        for (size_t i = 0; i < b->used; i++)
            rebase_node(&nodes[i], old_base, new_base, d->text_used);
    }
}

/* ---- from jansson -------------------------------------------------------- */

#define JD_CONV_MAX_DEPTH 2048U

typedef struct conv_frame {
    const json_t *src;
    sg17_jd *kids;
    size_t idx;
    void *iter;
} conv_frame;

/* Convert one value; containers get their child array and a frame. */
static int conv_one(sg17_jdoc *d, const json_t *v, sg17_jd *dst, conv_frame *frames, size_t *depth)
{
    memset(dst, 0, sizeof *dst);
    switch (json_typeof(v)) {
    case JSON_OBJECT:
    case JSON_ARRAY: {
        int obj = json_is_object(v);
        size_t n = obj ? json_object_size(v) : json_array_size(v);
        if (n > UINT32_MAX / 2)
            return SG17_E_LIMIT;
        dst->type = obj ? SG17_JD_OBJECT : SG17_JD_ARRAY;
        dst->n = (uint32_t)n;
        if (n == 0)
            return 0;
        dst->u.kids = jd_arena_nodes(d, obj ? 2 * n : n);
        if (!dst->u.kids)
            return SG17_E_NOMEM;
        if (*depth >= JD_CONV_MAX_DEPTH)
            return SG17_E_LIMIT;
        conv_frame *f = &frames[(*depth)++];
        f->src = v;
        f->kids = dst->u.kids;
        f->idx = 0;
        /* iteration does not modify the object; jansson's API is not const */
        f->iter = obj ? json_object_iter((json_t *)(uintptr_t)v) : NULL;
        return 0;
    }
    case JSON_STRING:
        dst->type = SG17_JD_STRING;
        dst->u.s = json_string_value(v);
        dst->n = (uint32_t)strlen(dst->u.s);
        return 0;
    case JSON_INTEGER:
        dst->type = SG17_JD_INT;
        dst->u.i = (int64_t)json_integer_value(v);
        return 0;
    case JSON_REAL:
        dst->type = SG17_JD_REAL;
        dst->u.d = json_real_value(v);
        return 0;
    case JSON_TRUE: dst->type = SG17_JD_TRUE; return 0;
    case JSON_FALSE: dst->type = SG17_JD_FALSE; return 0;
    default: dst->type = SG17_JD_NULL; return 0;
    }
}

int sg17_jdoc_from_jansson(const json_t *v, sg17_jdoc **out)
{
    if (!out || !v)
        return SG17_E_INVAL;
    *out = NULL;
    sg17_jdoc *d = calloc(1, sizeof *d);
    conv_frame *frames = malloc(JD_CONV_MAX_DEPTH * sizeof *frames);
    size_t depth = 0;
    int rc = d && frames ? conv_one(d, v, &d->root, frames, &depth) : SG17_E_NOMEM;
    while (rc == 0 && depth > 0) {
        conv_frame *f = &frames[depth - 1];
        if (json_is_array(f->src)) {
            if (f->idx >= json_array_size(f->src)) {
                depth--;
                continue;
            }
            size_t i = f->idx++;
            rc = conv_one(d, json_array_get(f->src, i), &f->kids[i], frames, &depth);
        } else {
            if (!f->iter) {
                depth--;
                continue;
            }
            size_t i = f->idx++;
            const char *k = json_object_iter_key(f->iter);
            const json_t *val = json_object_iter_value(f->iter);
            f->iter = json_object_iter_next((json_t *)(uintptr_t)f->src, f->iter);
            f->kids[2 * i].type = SG17_JD_STRING;
            f->kids[2 * i].u.s = k;
            f->kids[2 * i].n = (uint32_t)strlen(k);
            rc = conv_one(d, val, &f->kids[2 * i + 1], frames, &depth);
        }
    }
    free(frames);
    if (rc) {
        sg17_jdoc_free(d);
        return rc;
    }
    *out = d;
    return 0;
}

/* ---- equality ------------------------------------------------------------ */

int sg17_jd_equal(const sg17_jd *a, const sg17_jd *b)
{
    /* work list of pairs still to compare; order is irrelevant */
    const sg17_jd *small[64];
    const sg17_jd **st = small;
    size_t sp = 0, cap = 64;
    int eq = 1;
    st[sp++] = a;
    st[sp++] = b;
    while (eq && sp) {
        const sg17_jd *y = st[--sp], *x = st[--sp];
        if (!x || !y || x->type != y->type) {
            eq = x == y;
            continue;
        }
        switch (x->type) {
        case SG17_JD_INT: eq = x->u.i == y->u.i; break;
        case SG17_JD_REAL: eq = x->u.d == y->u.d; break;
        case SG17_JD_STRING: eq = x->n == y->n && memcmp(x->u.s, y->u.s, x->n) == 0; break;
        case SG17_JD_ARRAY:
        case SG17_JD_OBJECT: {
            if (x->n != y->n) {
                eq = 0;
                break;
            }
            size_t need = sp + 2 * (size_t)x->n;
            if (need > cap) {
                size_t nc = cap;
                while (nc < need)
                    nc *= 2;
                const sg17_jd **ns = malloc(nc * sizeof *ns);
                if (!ns) {
                    eq = 0;
                    break;
                }
                memcpy(ns, st, sp * sizeof *st);
                if (st != small)
                    free(st);
                st = ns;
                cap = nc;
            }
            for (uint32_t i = 0; i < x->n; i++) {
                if (x->type == SG17_JD_ARRAY) {
                    st[sp++] = &x->u.kids[i];
                    st[sp++] = &y->u.kids[i];
                } else {
                    const sg17_jd *k = &x->u.kids[2 * i];
                    st[sp++] = &x->u.kids[2 * i + 1];
                    st[sp++] = jd_getn(y, k->u.s, k->n);
                }
            }
            break;
        }
        default: break;
        }
    }
    if (st != small)
        free(st);
    return eq;
}
