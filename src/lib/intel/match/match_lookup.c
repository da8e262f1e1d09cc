/*
 * Snapshot lookups: exact values through the hash table, IPv4/IPv6 longest
 * prefix through the segment tables, domains and realms through each parent
 * domain, digit identifiers through exact, prefix and range entries.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "match_internal.h"

static inline sg17_intel_kind meta_kind(const im_meta *m)
{
    return (sg17_intel_kind)(m->kop & 0x1FU);
}

static inline sg17_intel_op meta_op(const im_meta *m)
{
    return (sg17_intel_op)((m->kop >> 5) & 0x3U);
}

static inline int meta_valid(const im_meta *m, int64_t now)
{
    if (now <= 0)
        return 1;
    if (m->vfrom != 0 && now < (int64_t)m->vfrom)
        return 0;
    if (m->vuntil != 0 && now >= (int64_t)m->vuntil)
        return 0;
    return 1;
}

/* Append the valid metas of the run starting at head; returns the new count. */
static size_t take_run(const sg17_intel_snapshot *s, uint32_t head, int64_t now,
                       sg17_intel_hit *hits, size_t k, size_t max)
{
    for (uint32_t i = head; i < s->n; i++) {
        if (k < max && meta_valid(&s->meta[i], now))
            hits[k++] = i;
        if (!(s->meta[i].kop & IM_CONT))
            break;
    }
    return k;
}

/* The metas of a longest-prefix segment. */
static inline size_t take_seg(const sg17_intel_snapshot *s, size_t h, int64_t now,
                              sg17_intel_hit *hits, size_t k, size_t max)
{
    if (h & IM_SEG_SIMPLE) {
        if (k < max)
            hits[k++] = (uint32_t)(h & ~(size_t)IM_SEG_SIMPLE);
        return k;
    }
    return take_run(s, (uint32_t)h, now, hits, k, max);
}

/* The metas of a table slot: its own (read only when it has a validity
 * window), then the run of further indicators on the same value. */
static inline size_t take_ref(const sg17_intel_snapshot *s, uint32_t ref, int64_t now,
                       sg17_intel_hit *hits, size_t k, size_t max)
{
    uint32_t m0 = (ref & IM_REF_IDX) - 1U;
    if (k < max && (!(ref & IM_REF_TIMED) || meta_valid(&s->meta[m0], now)))
        hits[k++] = m0;
    if ((ref & IM_REF_DUP) && k < max) {
        size_t lo = 0, hi = s->n_dups;
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            if (s->dups[mid].m0 < m0)
                lo = mid + 1;
            else
                hi = mid;
        }
        if (lo < s->n_dups && s->dups[lo].m0 == m0)
            k = take_run(s, s->dups[lo].head, now, hits, k, max);
    }
    return k;
}

/* General table probe: (tag, canonical bytes), fingerprint then full compare. */
static size_t probe(const sg17_intel_snapshot *s, unsigned tag, const uint8_t *p, size_t len,
                    int64_t now, sg17_intel_hit *hits, size_t k, size_t max)
{
    const im_tab *t = &s->tab;
    if (t->nb == 0)
        return k;
    uint64_t h = im_hash(tag, p, len);
    uint32_t fp = (uint32_t)(h >> 32);
    size_t b = im_tab_bucket(t, h);
    for (;;) {
        const im_slot *sl = &t->slots[b * IM_BUCKET_SLOTS];
        for (unsigned j = 0; j < IM_BUCKET_SLOTS; j++) {
            uint32_t r = sl[j].ref;
            if (r == 0)
                return k;
            if (sl[j].key != fp)
                continue;
            const im_meta *m = &s->meta[(r & IM_REF_IDX) - 1U];
            const uint8_t *v = s->arena + m->aux;
            size_t vlen = ((size_t)v[0] << 8) | v[1];
            if (vlen == len && im_tag(meta_kind(m), meta_op(m), vlen) == tag &&
                memcmp(v + 2, p, len) == 0)
                return take_ref(s, r, now, hits, k, max);
        }
        if (!(sl[IM_BUCKET_SLOTS - 1].ref & IM_REF_OVF))
            return k;
        b = b + 1 == t->nb ? 0 : b + 1;
    }
}

size_t im_lpm_find(const im_lpm *l, im_u128 x)
{
    if (l->n == 0)
        return IM_NONE;
    size_t b = (size_t)(x >> (l->bits - l->bbits));
    size_t lo = l->bucket[b], hi = l->bucket[b + 1];
    if (l->seg4 != NULL) {
        uint64_t key = (uint64_t)x << 32 | 0xFFFFFFFFU; /* start <= x, whatever the meta */
        while (lo < hi) {
            size_t mid = lo + (hi - lo + 1) / 2;
            if (l->seg4[mid] <= key)
                lo = mid;
            else
                hi = mid - 1;
        }
        return (uint32_t)l->seg4[lo];
    }
    while (lo < hi) { /* largest j in [lo, hi] with start[j] <= x */
        size_t mid = lo + (hi - lo + 1) / 2;
        if (l->start[mid] <= x)
            lo = mid;
        else
            hi = mid - 1;
    }
    return l->meta[lo];
}

size_t sg17_intel_lookup_ipv4(const sg17_intel_snapshot *s, uint32_t addr, int64_t now,
                              sg17_intel_hit *hits, size_t max)
{
    if (s == NULL || max == 0)
        return 0;
    size_t k = 0;
    if (s->v4.nb > 0) {
        uint32_t r = im_tab_find_v4(&s->v4, addr, im_hash_v4(addr));
        if (r != 0)
            k = take_ref(s, r, now, hits, k, max);
    }
    if (k < max && s->lpm4.prefixes > 0) {
        size_t h = im_lpm_find(&s->lpm4, addr);
        if (h != IM_NONE)
            k = take_seg(s, h, now, hits, k, max);
    }
    return k;
}

size_t sg17_intel_lookup_ipv4_batch(const sg17_intel_snapshot *s, const uint32_t *addrs,
                                    size_t n, int64_t now, sg17_intel_hit *out)
{
    /* software pipeline: the hash bucket (one cache line) and the prefix
     * bucket of address i+2D are prefetched; at i+D the (now cached) prefix
     * bucket names the segment to prefetch; at i everything is in cache */
    enum { D = 8 };
    size_t found = 0;
    if (s == NULL || addrs == NULL || out == NULL)
        return 0;
    const im_lpm *l = &s->lpm4;
    for (size_t i = 0; i < n; i++) {
        if (i + 2 * D < n) {
            if (s->v4.nb > 0)
                __builtin_prefetch(im_tab_line(&s->v4, im_hash_v4(addrs[i + 2 * D])));
            if (l->prefixes > 0)
                __builtin_prefetch(&l->bucket[(size_t)(addrs[i + 2 * D] >> (32U - l->bbits))]);
        }
        if (l->prefixes > 0 && i + D < n) {
            uint32_t lo = l->bucket[(size_t)(addrs[i + D] >> (32U - l->bbits))];
            __builtin_prefetch(&l->seg4[lo]);
        }
        sg17_intel_hit h;
        if (sg17_intel_lookup_ipv4(s, addrs[i], now, &h, 1) == 1) {
            out[i] = h;
            found++;
        } else {
            out[i] = SG17_INTEL_NO_HIT;
        }
    }
    return found;
}

size_t sg17_intel_lookup_ipv6(const sg17_intel_snapshot *s, const uint8_t addr[16], int64_t now,
                              sg17_intel_hit *hits, size_t max)
{
    if (s == NULL || max == 0)
        return 0;
    size_t k = probe(s, 2U, addr, 16, now, hits, 0, max);
    if (k < max && s->lpm6.prefixes > 0) {
        im_u128 x = 0;
        for (int i = 0; i < 16; i++)
            x = (x << 8) | addr[i];
        size_t h = im_lpm_find(&s->lpm6, x);
        if (h != IM_NONE)
            k = take_seg(s, h, now, hits, k, max);
    }
    return k;
}

static size_t lookup_digits(const sg17_intel_snapshot *s, sg17_intel_kind kind,
                            const uint8_t *d, size_t n, int64_t now, sg17_intel_hit *hits,
                            size_t max)
{
    size_t k = probe(s, im_tag(kind, SG17_INTEL_EXACT, n), d, n, now, hits, 0, max);
    uint32_t lens = s->prefix_lens[kind];
    for (size_t l = n; l >= 1 && lens != 0 && k < max; l--) { /* longest prefix first */
        if (lens & (1U << l)) {
            size_t k0 = k;
            k = probe(s, im_tag(kind, SG17_INTEL_PREFIX, l), d, l, now, hits, k, max);
            if (k > k0)
                break;
        }
    }
    if (s->n_ranges > 0 && k < max) {
        uint64_t v = im_range_key(kind, d, n);
        size_t lo = 0, hi = s->n_ranges; /* first range with lo > v */
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            if (s->ranges[mid].lo <= v)
                lo = mid + 1;
            else
                hi = mid;
        }
        for (size_t j = lo; j > 0 && k < max; j--) {
            const im_range *r = &s->ranges[j - 1];
            if (r->maxhi < v)
                break;
            if (r->hi >= v && meta_valid(&s->meta[r->meta], now))
                hits[k++] = r->meta;
        }
    }
    return k;
}

size_t sg17_intel_lookup(const sg17_intel_snapshot *s, sg17_intel_kind kind, const char *value,
                         size_t len, int64_t now, sg17_intel_hit *hits, size_t max)
{
    if (s == NULL || value == NULL || max == 0 || kind <= SG17_INTEL_NONE ||
        kind >= SG17_INTEL_KIND_COUNT || len > SG17_INTEL_MAX_VALUE)
        return 0;
    if (kind == SG17_INTEL_IPV4 || kind == SG17_INTEL_IPV6 || kind == SG17_INTEL_GTP_PEER) {
        uint32_t a4;
        uint8_t a6[16];
        if (im_parse_ipv4(value, len, &a4) == 0)
            return sg17_intel_lookup_ipv4(s, a4, now, hits, max);
        if (im_parse_ipv6(value, len, a6) == 0)
            return sg17_intel_lookup_ipv6(s, a6, now, hits, max);
        return 0;
    }
    uint8_t c[IM_CANON_MAX];
    size_t cl = 0;
    if (im_canon(kind, SG17_INTEL_EXACT, value, len, c, &cl, NULL) != 0)
        return 0;
    if (im_kind_digits(kind))
        return lookup_digits(s, kind, c, cl, now, hits, max);
    unsigned tag = im_tag(kind, SG17_INTEL_EXACT, cl);
    if (!im_kind_suffix(kind))
        return probe(s, tag, c, cl, now, hits, 0, max);
    /* the name itself, then each parent domain */
    size_t k = 0;
    for (size_t off = 0; off < cl && k < max;) {
        k = probe(s, tag, c + off, cl - off, now, hits, k, max);
        const uint8_t *dot = memchr(c + off, '.', cl - off);
        if (dot == NULL)
            break;
        off = (size_t)(dot - c) + 1;
    }
    return k;
}

static void digits_of(uint64_t key, char *out, size_t cap)
{
    unsigned n = (unsigned)((key >> 50) & 0xFU);
    uint64_t v = key & ((1ULL << 50) - 1);
    if (n + 1 > cap)
        n = (unsigned)cap - 1;
    out[n] = '\0';
    for (unsigned i = n; i > 0; i--) {
        out[i - 1] = (char)('0' + v % 10U);
        v /= 10U;
    }
}

int sg17_intel_hit_describe(const sg17_intel_snapshot *s, sg17_intel_hit h,
                            sg17_intel_hit_info *out)
{
    if (s == NULL || out == NULL || h >= s->n)
        return SG17_E_INVAL;
    const im_meta *m = &s->meta[h];
    memset(out, 0, sizeof *out);
    out->kind = meta_kind(m);
    out->op = meta_op(m);
    memcpy(out->id, m->id, 16);
    out->valid_from = m->vfrom;
    out->valid_until = m->vuntil;
    out->confidence = m->conf;
    out->fs11 = m->fs11;
    char *v = out->value;
    size_t cap = sizeof out->value;
    int is_ip = out->kind == SG17_INTEL_IPV4 || out->kind == SG17_INTEL_IPV6 ||
                out->kind == SG17_INTEL_GTP_PEER;
    if (out->op == SG17_INTEL_RANGE) {
        char lo[24], hi[24];
        digits_of(s->ranges[m->aux].lo, lo, sizeof lo);
        digits_of(s->ranges[m->aux].hi, hi, sizeof hi);
        snprintf(v, cap, "%s-%s", lo, hi);
    } else if (is_ip && m->plen <= 32) {
        snprintf(v, cap, "%u.%u.%u.%u", m->aux >> 24, (m->aux >> 16) & 255U,
                 (m->aux >> 8) & 255U, m->aux & 255U);
        if (out->op == SG17_INTEL_PREFIX) {
            size_t l = strlen(v);
            snprintf(v + l, cap - l, "/%u", (unsigned)m->plen);
        }
    } else if (is_ip) {
        inet_ntop(AF_INET6, s->arena + m->aux + (out->op == SG17_INTEL_PREFIX ? 0 : 2), v,
                  (socklen_t)cap);
        if (out->op == SG17_INTEL_PREFIX) {
            size_t l = strlen(v);
            snprintf(v + l, cap - l, "/%u", (unsigned)m->plen - 128U);
        }
    } else {
        const uint8_t *a = s->arena + m->aux;
        size_t vl = ((size_t)a[0] << 8) | a[1];
        if (vl < cap) {
            memcpy(v, a + 2, vl);
            v[vl] = '\0';
        } else {
            memcpy(v, a + 2, cap - 4);
            memcpy(v + cap - 4, "...", 4);
        }
        if (out->op == SG17_INTEL_PREFIX && strlen(v) + 1 < cap) {
            size_t l = strlen(v);
            v[l] = '%';
            v[l + 1] = '\0';
        }
    }
    return 0;
}
