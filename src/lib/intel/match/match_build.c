/*
 * Indicator builder and snapshot compiler (X.1217 8.2.3 "apply"): values are
 * canonicalised, expired ones dropped, and the rest laid out as
 *   - two bucketed hash tables (match_table.c): IPv4 exact values keyed by
 *     the address itself, every other exact value and digit prefix by a
 *     fingerprint of its 64-bit hash; a slot names the 32-byte meta record of
 *     the first indicator on the value, further indicators on the same value
 *     are an IM_CONT run found through the dup list;
 *   - two longest-prefix tables (IPv4, IPv6): CIDR prefixes flattened into
 *     disjoint segments, found by a bucket index + binary search;
 *   - a sorted range list for digit ranges (IMSI/MSISDN/IMEI/GT blocks).
 * Tables are filled in one pass in the order values were added (the bucket
 * of a later value prefetched), without sorting or per-value allocation.
 */
#include <stdlib.h>
#include <string.h>

#include "match_internal.h"

enum { CLS_HASH = 0, CLS_LPM4 = 1, CLS_LPM6 = 2, CLS_RANGE = 3 };

typedef struct b_ent {
    uint8_t id[16];
    uint32_t vfrom, vuntil;
    uint32_t off; /* canonical bytes in the builder arena (range: lo then hi) */
    uint16_t len;
    uint8_t kind, op, conf, fs11, plen, cls;
} b_ent;

struct sg17_intel_builder {
    b_ent *ents;
    size_t n, cap;
    uint8_t *arena;
    size_t alen, acap;
    sg17_intel_filter_fn filter;
    void *filter_ctx;
    size_t filtered;
};

void sg17_intel_builder_set_filter(sg17_intel_builder *b, sg17_intel_filter_fn fn, void *ctx)
{
    if (b == NULL)
        return;
    b->filter = fn;
    b->filter_ctx = ctx;
}

size_t sg17_intel_builder_filtered(const sg17_intel_builder *b)
{
    return b ? b->filtered : 0;
}

int sg17_intel_builder_new(sg17_intel_builder **out)
{
    if (out == NULL)
        return SG17_E_INVAL;
    *out = calloc(1, sizeof **out);
    return *out ? 0 : SG17_E_NOMEM;
}

void sg17_intel_builder_free(sg17_intel_builder *b)
{
    if (b == NULL)
        return;
    free(b->ents);
    free(b->arena);
    free(b);
}

static uint32_t clamp_time(int64_t t)
{
    if (t <= 0)
        return 0;
    if (t > (int64_t)UINT32_MAX)
        return UINT32_MAX;
    return (uint32_t)t;
}

static int arena_put(sg17_intel_builder *b, const uint8_t *p, size_t len, uint32_t *off)
{
    if (b->alen + len > UINT32_MAX)
        return SG17_E_LIMIT;
    if (b->alen + len > b->acap) {
        size_t nc = b->acap ? b->acap * 2 : 65536;
        while (nc < b->alen + len)
            nc *= 2;
        uint8_t *na = realloc(b->arena, nc);
        if (na == NULL)
            return SG17_E_NOMEM;
        b->arena = na;
        b->acap = nc;
    }
    memcpy(b->arena + b->alen, p, len);
    *off = (uint32_t)b->alen;
    b->alen += len;
    return 0;
}

int sg17_intel_builder_add(sg17_intel_builder *b, const sg17_intel_ind *ind)
{
    if (b == NULL || ind == NULL || ind->value == NULL || ind->kind <= SG17_INTEL_NONE ||
        ind->kind >= SG17_INTEL_KIND_COUNT || ind->op > SG17_INTEL_RANGE)
        return SG17_E_INVAL;
    if (b->n >= SG17_INTEL_MAX_INDICATORS)
        return SG17_E_LIMIT;
    uint8_t lo[IM_CANON_MAX], hi[IM_CANON_MAX];
    size_t lo_len = 0, hi_len = 0;
    unsigned plen = 0;
    int rc = im_canon(ind->kind, ind->op, ind->value, strlen(ind->value), lo, &lo_len, &plen);
    if (rc != 0)
        return rc;
    if (b->filter != NULL && b->filter(b->filter_ctx, ind->kind, ind->op, ind->value) != 0) {
        b->filtered++;
        return 0;
    }
    b_ent e;
    memset(&e, 0, sizeof e);
    e.cls = CLS_HASH;
    if (ind->op == SG17_INTEL_RANGE) {
        if (ind->value_hi == NULL ||
            im_canon(ind->kind, ind->op, ind->value_hi, strlen(ind->value_hi), hi, &hi_len,
                     NULL) != 0 ||
            hi_len != lo_len || memcmp(lo, hi, lo_len) > 0)
            return SG17_E_FORMAT;
        memcpy(lo + lo_len, hi, hi_len);
        e.cls = CLS_RANGE;
    } else if (ind->op == SG17_INTEL_PREFIX && !im_kind_digits(ind->kind) && lo_len == 4 &&
               plen < 32) {
        e.cls = CLS_LPM4;
    } else if (ind->op == SG17_INTEL_PREFIX && !im_kind_digits(ind->kind) && lo_len == 16 &&
               plen < 128) {
        e.cls = CLS_LPM6;
    }
    sg17_intel_op op = ind->op;
    if (op == SG17_INTEL_PREFIX && !im_kind_digits(ind->kind) &&
        ((lo_len == 4 && plen == 32) || (lo_len == 16 && plen == 128)))
        op = SG17_INTEL_EXACT; /* a /32 or /128 is an exact address */
    if (op == SG17_INTEL_PREFIX && im_kind_digits(ind->kind))
        plen = (unsigned)lo_len;
    if (b->n == b->cap) {
        size_t nc = b->cap ? b->cap * 2 : 1024;
        b_ent *ne = realloc(b->ents, nc * sizeof *ne);
        if (ne == NULL)
            return SG17_E_NOMEM;
        b->ents = ne;
        b->cap = nc;
    }
    rc = arena_put(b, lo, lo_len + hi_len, &e.off);
    if (rc != 0)
        return rc;
    memcpy(e.id, ind->id, 16);
    e.vfrom = clamp_time(ind->valid_from);
    e.vuntil = clamp_time(ind->valid_until);
    e.len = (uint16_t)lo_len;
    e.kind = (uint8_t)ind->kind;
    e.op = (uint8_t)op;
    e.conf = ind->confidence > 100 ? 100 : ind->confidence;
    e.fs11 = ind->fs11 <= SG17_INTEL_FS11_CAT3 ? ind->fs11 : 0;
    e.plen = (uint8_t)plen;
    b->ents[b->n++] = e;
    return 0;
}

/* ---- sorting ------------------------------------------------------------ */

static im_u128 ent_u128(const b_ent *e, const uint8_t *arena)
{
    im_u128 v = 0;
    for (size_t i = 0; i < e->len; i++)
        v = (v << 8) | arena[e->off + i];
    return v;
}

typedef struct lpm_item {
    im_u128 start;
    uint32_t ent;
    uint8_t plen;
} lpm_item;

static int cmp_lpm(const void *a, const void *b)
{
    const lpm_item *x = a, *y = b;
    if (x->start != y->start)
        return x->start < y->start ? -1 : 1;
    if (x->plen != y->plen)
        return x->plen < y->plen ? -1 : 1;
    return x->ent < y->ent ? -1 : x->ent > y->ent;
}

static int cmp_range(const void *a, const void *b)
{
    const im_range *x = a, *y = b;
    if (x->lo != y->lo)
        return x->lo < y->lo ? -1 : 1;
    return x->meta < y->meta ? -1 : x->meta > y->meta;
}

/* ---- snapshot ----------------------------------------------------------- */

void sg17_intel_snapshot_free(sg17_intel_snapshot *s)
{
    if (s == NULL)
        return;
    free(s->meta);
    im_tab_free(&s->v4);
    im_tab_free(&s->tab);
    free(s->dups);
    free(s->arena);
    free(s->lpm4.start);
    free(s->lpm4.meta);
    free(s->lpm4.seg4);
    free(s->lpm4.bucket);
    free(s->lpm6.start);
    free(s->lpm6.meta);
    free(s->lpm6.bucket);
    free(s->ranges);
    free(s);
}

static void fill_meta(im_meta *m, const b_ent *e)
{
    memcpy(m->id, e->id, 16);
    m->vfrom = e->vfrom;
    m->vuntil = e->vuntil;
    m->conf = e->conf;
    m->fs11 = e->fs11;
    m->kop = (uint8_t)(e->kind | (e->op << 5));
    m->plen = e->plen;
    if (e->len == 16 && (e->kind == SG17_INTEL_IPV6 || e->kind == SG17_INTEL_GTP_PEER))
        m->plen = (uint8_t)(e->op == SG17_INTEL_EXACT ? 128U : 128U + e->plen);
    m->aux = 0;
}

static im_u128 host_mask(unsigned bits, unsigned plen)
{
    if (plen >= bits)
        return 0;
    unsigned host = bits - plen;
    if (host >= 128)
        return ~(im_u128)0;
    return (((im_u128)1) << host) - 1;
}

static int seg_push(im_lpm *l, size_t cap, im_u128 pos, uint32_t meta)
{
    if (l->n > 0 && l->start[l->n - 1] == pos) {
        l->meta[l->n - 1] = meta;
        return 0;
    }
    if (l->n >= cap)
        return SG17_E_LIMIT;
    l->start[l->n] = pos;
    l->meta[l->n] = meta;
    l->n++;
    return 0;
}

/* items sorted by (start, plen); heads[i] = meta of the run head of item i. */
static int lpm_build(im_lpm *l, unsigned bits, const lpm_item *it, const uint32_t *heads,
                     size_t n)
{
    size_t cap = 2 * n + 2;
    l->bits = bits;
    l->n = 0;
    l->prefixes = n;
    if (n == 0)
        return 0; /* lookups skip an empty table */
    l->start = malloc(cap * sizeof *l->start);
    l->meta = malloc(cap * sizeof *l->meta);
    if (!l->start || !l->meta)
        return SG17_E_NOMEM;
    const im_u128 maxv = host_mask(bits, 0);
    struct {
        im_u128 end;
        uint32_t meta;
    } stack[130];
    size_t sp = 0;
    int rc = seg_push(l, cap, 0, IM_NONE);
    for (size_t i = 0; i < n && rc == 0; i++) {
        if (i > 0 && it[i].start == it[i - 1].start && it[i].plen == it[i - 1].plen)
            continue; /* same prefix: one run */
        im_u128 end = it[i].start | host_mask(bits, it[i].plen);
        while (sp > 0 && stack[sp - 1].end < it[i].start && rc == 0) {
            im_u128 e = stack[--sp].end;
            if (e != maxv)
                rc = seg_push(l, cap, e + 1, sp ? stack[sp - 1].meta : IM_NONE);
        }
        if (rc == 0)
            rc = seg_push(l, cap, it[i].start, heads[i]);
        if (sp < 130) {
            stack[sp].end = end;
            stack[sp].meta = heads[i];
            sp++;
        }
    }
    while (sp > 0 && rc == 0) {
        im_u128 e = stack[--sp].end;
        if (e != maxv)
            rc = seg_push(l, cap, e + 1, sp ? stack[sp - 1].meta : IM_NONE);
    }
    if (rc != 0)
        return rc;
    /* about one segment per bucket keeps the binary search to a step or two */
    l->bbits = 16;
    while (l->bbits < 22 && ((size_t)1 << l->bbits) < l->n)
        l->bbits++;
    size_t nb = (size_t)1 << l->bbits;
    l->bucket = malloc((nb + 1) * sizeof *l->bucket);
    if (l->bucket == NULL)
        return SG17_E_NOMEM;
    size_t j = 0;
    for (size_t b = 0; b < nb; b++) {
        im_u128 addr = ((im_u128)b) << (bits - l->bbits);
        while (j + 1 < l->n && l->start[j + 1] <= addr)
            j++;
        l->bucket[b] = (uint32_t)j;
    }
    l->bucket[nb] = (uint32_t)(l->n - 1);
    if (bits == 32) { /* IPv4: start and meta side by side, a quarter of the bytes */
        l->seg4 = malloc(l->n * sizeof *l->seg4);
        if (l->seg4 == NULL)
            return SG17_E_NOMEM;
        for (size_t i = 0; i < l->n; i++)
            l->seg4[i] = (uint64_t)l->start[i] << 32 | l->meta[i];
        free(l->start);
        free(l->meta);
        l->start = NULL;
        l->meta = NULL;
    }
    return 0;
}

static int build_lpm_class(sg17_intel_snapshot *s, const sg17_intel_builder *b,
                           const uint32_t *idx, size_t n, unsigned bits, size_t *mi,
                           im_lpm *l)
{
    lpm_item *it = malloc((n ? n : 1) * sizeof *it);
    uint32_t *heads = malloc((n ? n : 1) * sizeof *heads);
    if (!it || !heads) {
        free(it);
        free(heads);
        return SG17_E_NOMEM;
    }
    for (size_t i = 0; i < n; i++) {
        const b_ent *e = &b->ents[idx[i]];
        it[i].start = ent_u128(e, b->arena);
        it[i].ent = idx[i];
        it[i].plen = e->plen;
    }
    qsort(it, n, sizeof *it, cmp_lpm);
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++) {
        const b_ent *e = &b->ents[it[i].ent];
        im_meta *m = &s->meta[*mi];
        fill_meta(m, e);
        if (bits == 32) {
            m->aux = (uint32_t)it[i].start;
        } else {
            m->aux = (uint32_t)s->arena_len;
            memcpy(s->arena + s->arena_len, b->arena + e->off, 16);
            s->arena_len += 16;
        }
        int same = i > 0 && it[i].start == it[i - 1].start && it[i].plen == it[i - 1].plen;
        if (same) {
            s->meta[*mi - 1].kop |= IM_CONT;
            heads[i] = heads[i - 1];
        } else {
            heads[i] = (uint32_t)*mi;
        }
        s->per_kind[e->kind]++;
        (*mi)++;
    }
    for (size_t i = 0; i < n && rc == 0; i++) {
        const im_meta *h = &s->meta[heads[i]];
        if (!(h->kop & IM_CONT) && h->vfrom == 0 && h->vuntil == 0)
            heads[i] |= IM_SEG_SIMPLE;
    }
    if (rc == 0)
        rc = lpm_build(l, bits, it, heads, n);
    free(it);
    free(heads);
    return rc;
}

static int is_v4_exact(const b_ent *e)
{
    return e->len == 4 && e->op == SG17_INTEL_EXACT &&
           (e->kind == SG17_INTEL_IPV4 || e->kind == SG17_INTEL_GTP_PEER);
}

static uint32_t ent_v4(const b_ent *e, const uint8_t *arena)
{
    const uint8_t *p = arena + e->off;
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint64_t ent_hash(const b_ent *e, const uint8_t *arena)
{
    if (is_v4_exact(e))
        return im_hash_v4(ent_v4(e, arena));
    return im_hash(im_tag((sg17_intel_kind)e->kind, (sg17_intel_op)e->op, e->len), arena + e->off,
                   e->len);
}

typedef struct same_ctx {
    const sg17_intel_snapshot *s;
    unsigned tag;
    const uint8_t *p;
    size_t len;
} same_ctx;

static int same_value(const void *ctx, uint32_t ref)
{
    const same_ctx *c = ctx;
    const im_meta *m = &c->s->meta[(ref & IM_REF_IDX) - 1U];
    const uint8_t *v = c->s->arena + m->aux;
    size_t vlen = ((size_t)v[0] << 8) | v[1];
    return vlen == c->len &&
           im_tag((sg17_intel_kind)(m->kop & 0x1FU), (sg17_intel_op)((m->kop >> 5) & 3U), vlen) ==
               c->tag &&
           memcmp(v + 2, c->p, vlen) == 0;
}

/* A second (third...) indicator on a value already in a table. */
typedef struct extra {
    uint32_t m0, ent;
} extra;

typedef struct extras {
    extra *a;
    size_t n, cap;
} extras;

static int extras_push(extras *x, uint32_t m0, uint32_t ent)
{
    if (x->n == x->cap) {
        size_t nc = x->cap ? x->cap * 2 : 64;
        extra *na = realloc(x->a, nc * sizeof *na);
        if (na == NULL)
            return SG17_E_NOMEM;
        x->a = na;
        x->cap = nc;
    }
    x->a[x->n].m0 = m0;
    x->a[x->n].ent = ent;
    x->n++;
    return 0;
}

static int cmp_extra(const void *a, const void *b)
{
    const extra *x = a, *y = b;
    if (x->m0 != y->m0)
        return x->m0 < y->m0 ? -1 : 1;
    return x->ent < y->ent ? -1 : x->ent > y->ent;
}

/* Meta of a table entry (first indicator of its value): aux = address or arena offset. */
static void table_meta(sg17_intel_snapshot *s, const sg17_intel_builder *b, const b_ent *e,
                       im_meta *m)
{
    fill_meta(m, e);
    if (is_v4_exact(e)) {
        m->aux = ent_v4(e, b->arena);
    } else {
        m->aux = (uint32_t)s->arena_len;
        s->arena[s->arena_len] = (uint8_t)(e->len >> 8);
        s->arena[s->arena_len + 1] = (uint8_t)e->len;
        memcpy(s->arena + s->arena_len + 2, b->arena + e->off, e->len);
        s->arena_len += 2U + e->len;
    }
    if (e->op == SG17_INTEL_PREFIX && im_kind_digits((sg17_intel_kind)e->kind))
        s->prefix_lens[e->kind] |= 1U << e->plen;
    s->per_kind[e->kind]++;
}

/* Meta indices + 1 must stay clear of the ref flags (and of IM_SEG_SIMPLE). */
_Static_assert(SG17_INTEL_MAX_INDICATORS < IM_REF_IDX, "meta index overlaps the ref flags");

/* Insert entry idx (hash h) into its table; new values get the next meta. */
static int table_put(sg17_intel_snapshot *s, const sg17_intel_builder *b, uint32_t idx,
                     uint64_t h, size_t *mi, extras *x)
{
    const b_ent *e = &b->ents[idx];
    uint32_t ref = ((uint32_t)*mi + 1U) | (e->vfrom || e->vuntil ? IM_REF_TIMED : 0U);
    int existed = 0;
    im_slot *sl;
    if (is_v4_exact(e)) {
        sl = im_tab_insert(&s->v4, ent_v4(e, b->arena), h, ref, NULL, NULL, &existed);
    } else {
        same_ctx c = {s, im_tag((sg17_intel_kind)e->kind, (sg17_intel_op)e->op, e->len),
                      b->arena + e->off, e->len};
        sl = im_tab_insert(&s->tab, (uint32_t)(h >> 32), h, ref, same_value, &c, &existed);
    }
    if (sl == NULL)
        return SG17_E_LIMIT;
    if (existed) {
        sl->ref |= IM_REF_DUP;
        return extras_push(x, (sl->ref & IM_REF_IDX) - 1U, idx);
    }
    table_meta(s, b, e, &s->meta[*mi]);
    (*mi)++;
    return 0;
}

/* The extra indicators of each value: one IM_CONT run per value, after the table metas. */
static int lay_out_extras(sg17_intel_snapshot *s, const sg17_intel_builder *b, extras *x,
                          size_t *mi)
{
    if (x->n == 0)
        return 0;
    qsort(x->a, x->n, sizeof *x->a, cmp_extra);
    s->dups = malloc(x->n * sizeof *s->dups);
    if (s->dups == NULL)
        return SG17_E_NOMEM;
    for (size_t i = 0; i < x->n; i++) {
        const b_ent *e = &b->ents[x->a[i].ent];
        im_meta *m = &s->meta[*mi];
        fill_meta(m, e);
        m->aux = s->meta[x->a[i].m0].aux; /* the same value */
        if (e->op == SG17_INTEL_PREFIX && im_kind_digits((sg17_intel_kind)e->kind))
            s->prefix_lens[e->kind] |= 1U << e->plen;
        s->per_kind[e->kind]++;
        if (i == 0 || x->a[i].m0 != x->a[i - 1].m0) {
            s->dups[s->n_dups].m0 = x->a[i].m0;
            s->dups[s->n_dups].head = (uint32_t)*mi;
            s->n_dups++;
        } else {
            s->meta[*mi - 1].kop |= IM_CONT;
        }
        (*mi)++;
    }
    return 0;
}

/*
 * Exact values and digit prefixes, in the order they were added: the hash
 * of entry i + PF is computed (into a small ring) and its bucket prefetched
 * while entry i is inserted; metas are written in order. No sort, no
 * per-value allocation.
 */
static int build_tables(sg17_intel_snapshot *s, const sg17_intel_builder *b, const uint32_t *idx,
                        size_t n, size_t *mi)
{
    enum { PF = 16 };
    size_t n4 = 0;
    for (size_t i = 0; i < n; i++)
        n4 += (size_t)is_v4_exact(&b->ents[idx[i]]);
    int rc = im_tab_init(&s->v4, n4);
    if (rc == 0)
        rc = im_tab_init(&s->tab, n - n4);
    extras x = {NULL, 0, 0};
    uint64_t ring[PF];
    for (size_t i = 0; i < n && i < PF; i++)
        ring[i] = ent_hash(&b->ents[idx[i]], b->arena);
    for (size_t i = 0; i < n && rc == 0; i++) {
        uint64_t h = ring[i % PF];
        if (i + PF < n) {
            const b_ent *f = &b->ents[idx[i + PF]];
            uint64_t fh = ent_hash(f, b->arena);
            ring[i % PF] = fh;
            __builtin_prefetch(im_tab_line(is_v4_exact(f) ? &s->v4 : &s->tab, fh), 1);
        }
        rc = table_put(s, b, idx[i], h, mi, &x);
    }
    if (rc == 0)
        rc = lay_out_extras(s, b, &x, mi);
    free(x.a);
    return rc;
}

static int build_ranges(sg17_intel_snapshot *s, const sg17_intel_builder *b, const uint32_t *idx,
                        size_t n, size_t *mi)
{
    s->ranges = malloc((n ? n : 1) * sizeof *s->ranges);
    if (s->ranges == NULL)
        return SG17_E_NOMEM;
    for (size_t i = 0; i < n; i++) {
        const b_ent *e = &b->ents[idx[i]];
        const uint8_t *p = b->arena + e->off;
        s->ranges[i].lo = im_range_key((sg17_intel_kind)e->kind, p, e->len);
        s->ranges[i].hi = im_range_key((sg17_intel_kind)e->kind, p + e->len, e->len);
        s->ranges[i].meta = idx[i]; /* entry index until metas are laid out */
        s->ranges[i].pad_ = 0;
    }
    qsort(s->ranges, n, sizeof *s->ranges, cmp_range);
    uint64_t mx = 0;
    for (size_t i = 0; i < n; i++) {
        const b_ent *e = &b->ents[s->ranges[i].meta];
        im_meta *m = &s->meta[*mi];
        fill_meta(m, e);
        m->aux = (uint32_t)i;
        s->per_kind[e->kind]++;
        s->ranges[i].meta = (uint32_t)*mi;
        if (s->ranges[i].hi > mx)
            mx = s->ranges[i].hi;
        s->ranges[i].maxhi = mx;
        (*mi)++;
    }
    s->n_ranges = n;
    return 0;
}

int sg17_intel_builder_build(sg17_intel_builder *b, int64_t now, sg17_intel_snapshot **out)
{
    if (b == NULL || out == NULL)
        return SG17_E_INVAL;
    *out = NULL;
    sg17_intel_snapshot *s = calloc(1, sizeof *s);
    uint32_t *cls[4] = {NULL, NULL, NULL, NULL};
    size_t cn[4] = {0, 0, 0, 0};
    int rc = s ? 0 : SG17_E_NOMEM;
    for (int c = 0; c < 4 && rc == 0; c++) {
        cls[c] = malloc((b->n ? b->n : 1) * sizeof *cls[c]);
        if (cls[c] == NULL)
            rc = SG17_E_NOMEM;
    }
    size_t arena_need = 0;
    for (size_t i = 0; i < b->n && rc == 0; i++) {
        const b_ent *e = &b->ents[i];
        if (now > 0 && e->vuntil != 0 && (int64_t)e->vuntil <= now)
            continue; /* expired */
        cls[e->cls][cn[e->cls]++] = (uint32_t)i;
        arena_need += 2U + e->len;
    }
    size_t total = cn[0] + cn[1] + cn[2] + cn[3];
    if (rc == 0) {
        s->meta = malloc((total ? total : 1) * sizeof *s->meta);
        s->arena = malloc(arena_need ? arena_need : 1);
        if (!s->meta || !s->arena)
            rc = SG17_E_NOMEM;
    }
    size_t mi = 0;
    if (rc == 0)
        rc = build_tables(s, b, cls[CLS_HASH], cn[CLS_HASH], &mi);
    if (rc == 0)
        rc = build_lpm_class(s, b, cls[CLS_LPM4], cn[CLS_LPM4], 32, &mi, &s->lpm4);
    if (rc == 0)
        rc = build_lpm_class(s, b, cls[CLS_LPM6], cn[CLS_LPM6], 128, &mi, &s->lpm6);
    if (rc == 0)
        rc = build_ranges(s, b, cls[CLS_RANGE], cn[CLS_RANGE], &mi);
    for (int c = 0; c < 4; c++)
        free(cls[c]);
    if (rc != 0) {
        sg17_intel_snapshot_free(s);
        return rc;
    }
    s->n = mi;
    s->bytes = sizeof *s + mi * sizeof *s->meta + s->v4.bytes + s->tab.bytes +
               s->n_dups * sizeof *s->dups + s->arena_len + s->lpm4.n * 8U + s->lpm6.n * (sizeof(im_u128) + 4) +
               (s->lpm4.prefixes ? (((size_t)1 << s->lpm4.bbits) + 1) * 4U : 0U) +
               (s->lpm6.prefixes ? (((size_t)1 << s->lpm6.bbits) + 1) * 4U : 0U) +
               s->n_ranges * sizeof *s->ranges;
    /* give back the arena slack */
    uint8_t *na = realloc(s->arena, s->arena_len ? s->arena_len : 1);
    if (na)
        s->arena = na;
    *out = s;
    return 0;
}

void sg17_intel_snapshot_stats_get(const sg17_intel_snapshot *s, sg17_intel_snapshot_stats *st)
{
    memset(st, 0, sizeof *st);
    if (s == NULL)
        return;
    st->values = s->n;
    memcpy(st->per_kind, s->per_kind, sizeof st->per_kind);
    st->bytes = s->bytes;
}
