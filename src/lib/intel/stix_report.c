/*
 * Validation reports: findings (24 bytes each) whose strings live in one pool
 * per report. Object ids and message texts are interned, so a bundle with
 * thousands of identical warnings ("Custom property 'x_mitre_version' should
 * be implemented using an extension ...") stores each text once; a finding
 * holds two pointers into the pool.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sg17/stix.h"
#include "stix_internal.h"

/* Blocks grow from POOL_FIRST to POOL_BLOCK (a report of one object stays
 * small; streaming validation makes one per object). POOL_FIRST >=
 * SG17_STIX_MSG_MAX: a string always fits a fresh block. */
#define POOL_FIRST       ((size_t)512)
#define POOL_BLOCK       ((size_t)16 * 1024)
#define POOL_MAX_STRINGS ((size_t)1 << 28)

typedef struct pool_block {
    struct pool_block *next;
    size_t used, cap;
    char text[]; /* cap bytes */
} pool_block;

struct sg17_stix_msgpool {
    pool_block *blocks;
    const char **set; /* open addressing; NULL = empty */
    size_t set_cap, set_n;
    size_t bytes;     /* allocated, for accounting */
    const char *last; /* the last string interned (findings of one object share its id) */
};

/* 8 bytes per step (messages are ~200 bytes; this runs once per finding). */
static size_t str_hash(const char *s, size_t n)
{
    uint64_t h = 0x9E3779B97F4A7C15ULL ^ n;
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t w;
        memcpy(&w, s + i, 8);
        h = (h ^ w) * 0xFF51AFD7ED558CCDULL;
        h ^= h >> 32;
    }
    uint64_t t = 0;
    memcpy(&t, s + i, n - i);
    h = (h ^ t) * 0xC4CEB9FE1A85EC53ULL;
    h ^= h >> 29;
    return (size_t)h;
}

static int set_grow(struct sg17_stix_msgpool *p)
{
    size_t nc = p->set_cap ? p->set_cap * 2 : 32;
    if (nc > POOL_MAX_STRINGS)
        return SG17_E_LIMIT;
    const char **ns = calloc(nc, sizeof *ns);
    if (!ns)
        return SG17_E_NOMEM;
    for (size_t i = 0; i < p->set_cap; i++) {
        const char *s = p->set[i];
        if (!s)
            continue;
        size_t h = str_hash(s, strlen(s)) & (nc - 1);
        while (ns[h])
            h = (h + 1) & (nc - 1);
        ns[h] = s;
    }
    free(p->set);
    p->bytes += (nc - p->set_cap) * sizeof *ns;
    p->set = ns;
    p->set_cap = nc;
    return 0;
}

static const char *pool_copy(struct sg17_stix_msgpool *p, const char *s, size_t n)
{
    pool_block *b = p->blocks;
    if (!b || b->cap - b->used < n + 1) {
        size_t cap = b ? (b->cap < POOL_BLOCK / 2 ? b->cap * 2 : POOL_BLOCK) : POOL_FIRST;
        b = malloc(sizeof *b + cap);
        if (!b)
            return NULL;
        b->used = 0;
        b->cap = cap;
        b->next = p->blocks;
        p->blocks = b;
        p->bytes += sizeof *b + cap;
    }
    char *d = b->text + b->used;
    memcpy(d, s, n);
    d[n] = '\0';
    b->used += n + 1;
    return d;
}

/* The pooled copy of s[0..n) (n < SG17_STIX_MSG_MAX), shared with every equal string. */
static const char *intern(struct sg17_stix_msgpool *p, const char *s, size_t n)
{
    if (p->last && strncmp(p->last, s, n) == 0 && p->last[n] == '\0')
        return p->last;
    if (2 * (p->set_n + 1) > p->set_cap && set_grow(p) != 0)
        return NULL;
    size_t h = str_hash(s, n) & (p->set_cap - 1);
    for (const char *e; (e = p->set[h]) != NULL; h = (h + 1) & (p->set_cap - 1))
        if (strncmp(e, s, n) == 0 && e[n] == '\0')
            return p->last = e;
    const char *c = pool_copy(p, s, n);
    if (!c)
        return NULL;
    p->set[h] = c;
    p->set_n++;
    return p->last = c;
}

int stix_report_add(sg17_stix_report *r, int code, int is_error, const char *oid, size_t oid_len,
                    const char *text)
{
    size_t tl = strlen(text);
    if (oid_len >= SG17_STIX_MSG_MAX || tl >= SG17_STIX_MSG_MAX)
        return SG17_E_INVAL;
    if (!r->pool) {
        r->pool = calloc(1, sizeof *r->pool);
        if (!r->pool)
            return SG17_E_NOMEM;
    }
    if (r->n == r->cap) {
        size_t nc = r->cap ? r->cap * 2 : 16;
        sg17_stix_finding *ni = realloc(r->items, nc * sizeof *ni);
        if (!ni)
            return SG17_E_NOMEM;
        r->items = ni;
        r->cap = nc;
    }
    const char *o = intern(r->pool, oid, oid_len);
    const char *t = o ? intern(r->pool, text, tl) : NULL;
    if (!t)
        return SG17_E_NOMEM;
    sg17_stix_finding *f = &r->items[r->n++];
    f->code = code;
    f->is_error = is_error;
    f->object_id = o;
    f->text = t;
    return 0;
}

const char *sg17_stix_finding_format(const sg17_stix_finding *f, char *buf, size_t len)
{
    if (!buf || !len)
        return buf;
    buf[0] = '\0';
    if (f && f->object_id && f->text)
        (void)snprintf(buf, len, "%s: %s", f->object_id, f->text);
    return buf;
}

size_t sg17_stix_report_bytes(const sg17_stix_report *rep)
{
    if (!rep)
        return 0;
    return rep->cap * sizeof(sg17_stix_finding) +
           (rep->pool ? rep->pool->bytes + sizeof *rep->pool : 0);
}

void sg17_stix_report_free(sg17_stix_report *rep)
{
    if (!rep)
        return;
    if (rep->pool) {
        pool_block *b = rep->pool->blocks;
        while (b) {
            pool_block *nx = b->next;
            free(b);
            b = nx;
        }
        free(rep->pool->set);
        free(rep->pool);
    }
    free(rep->items);
    rep->items = NULL;
    rep->pool = NULL;
    rep->n = rep->cap = 0;
}
