/* Internals of the X.1217 indicator matcher (src/lib/intel/match). */
#ifndef SG17_INTEL_MATCH_INTERNAL_H
#define SG17_INTEL_MATCH_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "sg17/intel_match.h"

/* Canonical value buffer size: values are at most SG17_INTEL_MAX_VALUE bytes. */
#define IM_CANON_MAX (SG17_INTEL_MAX_VALUE + 16U)

/* Meta flag: the next meta record has the same key (same value, another indicator). */
#define IM_CONT 0x80U

/* One compiled value: 32 bytes. aux is the IPv4 address (IPv4 exact / CIDR),
 * an arena offset (IPv6, strings, digits), or a range index. */
typedef struct im_meta {
    uint8_t id[16];
    uint32_t vfrom, vuntil; /* seconds since 1970, 0 = unbounded */
    uint32_t aux;
    uint8_t conf, fs11;
    uint8_t kop;  /* kind (bits 0-4) | op << 5 (bits 5-6) | IM_CONT */
    uint8_t plen; /* CIDR prefix length; for digit prefixes the digit count */
} im_meta;

/*
 * Hash tables (match_table.c): 64-byte buckets of 8 slots {key, ref}, one
 * cache line per probe. The bucket of a 64-bit hash h is (low32(h) * nb) >> 32
 * (multiply-shift, any bucket count, no division); a full bucket spills into
 * the next one (linear probing by buckets). key is the IPv4 address itself in
 * the IPv4 table and the upper 32 bits of h (a fingerprint, confirmed against
 * the arena) in the general table. ref = (meta index + 1) | flags; 0 = empty.
 */
#define IM_BUCKET_SLOTS 8U
#define IM_REF_DUP 0x80000000U  /* more metas for this key: see the dup list */
#define IM_REF_TIMED 0x40000000U /* the meta has valid_from/valid_until */
#define IM_REF_OVF 0x20000000U  /* (slot 7 only) a key went past this bucket */
#define IM_REF_IDX 0x1FFFFFFFU

typedef struct im_slot {
    uint32_t key;
    uint32_t ref;
} im_slot;

typedef struct im_tab {
    im_slot *slots; /* nb * IM_BUCKET_SLOTS, 64-byte aligned; NULL when empty */
    size_t nb;      /* buckets */
    size_t bytes;   /* allocation size */
} im_tab;

/* One value with several indicators: meta m0 (in the table) is followed by
 * the IM_CONT run starting at head. Sorted by m0. */
typedef struct im_dup {
    uint32_t m0, head;
} im_dup;

static inline size_t im_tab_bucket(const im_tab *t, uint64_t h)
{
    return (size_t)(((uint64_t)(uint32_t)h * (uint64_t)t->nb) >> 32);
}

static inline const im_slot *im_tab_line(const im_tab *t, uint64_t h)
{
    return &t->slots[im_tab_bucket(t, h) * IM_BUCKET_SLOTS];
}

/* IPv4 table: the ref of addr, or 0. Slots fill in order: an empty slot ends
 * the search. (A branchy scan measured faster than a branch-free one: the
 * speculated next lookups start their cache misses early.) */
static inline uint32_t im_tab_find_v4(const im_tab *t, uint32_t addr, uint64_t h)
{
    size_t b = im_tab_bucket(t, h);
    for (;;) {
        const im_slot *sl = &t->slots[b * IM_BUCKET_SLOTS];
        for (unsigned j = 0; j < IM_BUCKET_SLOTS; j++) {
            if (sl[j].ref == 0)
                return 0;
            if (sl[j].key == addr)
                return sl[j].ref;
        }
        if (!(sl[IM_BUCKET_SLOTS - 1].ref & IM_REF_OVF))
            return 0;
        b = b + 1 == t->nb ? 0 : b + 1;
    }
}

/* Size a table for up to n keys (load <= 0.7) and allocate it zeroed. */
int im_tab_init(im_tab *t, size_t n);
void im_tab_free(im_tab *t);

/* Does the value behind ref equal the one being inserted? (general table) */
typedef int (*im_same_fn)(const void *ctx, uint32_t ref);

/*
 * Insert key (bucket from h) with ref, or find it: a slot whose key is equal
 * (and, when same is not NULL, for which same() says yes) is returned with
 * *existed = 1 and left unchanged. Sets OVF on every full bucket passed.
 */
im_slot *im_tab_insert(im_tab *t, uint32_t key, uint64_t h, uint32_t ref, im_same_fn same,
                       const void *ctx, int *existed);

/* Zeroed allocation; large ones are mmap'd with MADV_HUGEPAGE (fewer TLB
 * misses on lookups, fewer page faults on build). Free with the same size. */
void *im_big_alloc(size_t bytes);
void im_big_free(void *p, size_t bytes);

/* Longest-prefix table: disjoint segments [start[i], start[i+1]) -> meta run
 * head (or IM_NONE); bucket[b] = index of the segment holding the first
 * address whose top bbits bits are b (2^bbits + 1 entries). */
#define IM_NONE 0xFFFFFFFFU
/* Segment flag: its run is one meta without a validity window, so a lookup
 * returns the index without reading the meta. */
#define IM_SEG_SIMPLE 0x40000000U
typedef unsigned __int128 im_u128;
typedef struct im_lpm {
    unsigned bits;  /* 32 or 128 */
    unsigned bbits; /* bucket index bits: 16..22, grows with the segment count */
    size_t n;
    size_t prefixes; /* 0: table empty */
    im_u128 *start;  /* IPv6 */
    uint32_t *meta;  /* IPv6 */
    uint64_t *seg4;  /* IPv4: start << 32 | meta, one 8-byte load per search step */
    uint32_t *bucket;
} im_lpm;

typedef struct im_range {
    uint64_t lo, hi, maxhi; /* key = kind<<54 | ndigits<<50 | number */
    uint32_t meta;
    uint32_t pad_;
} im_range;

struct sg17_intel_snapshot {
    size_t n;
    im_meta *meta;
    im_tab v4;       /* IPv4 exact values (ipv4-addr, GTP peers) */
    im_tab tab;      /* every other exact value and digit prefix */
    im_dup *dups;
    size_t n_dups;
    uint8_t *arena;
    size_t arena_len;
    im_lpm lpm4, lpm6;
    im_range *ranges;
    size_t n_ranges;
    uint32_t prefix_lens[SG17_INTEL_KIND_COUNT]; /* bit L set: digit prefixes of length L */
    size_t per_kind[SG17_INTEL_KIND_COUNT];
    size_t bytes;
};

/* Is kind a digit identifier (MSISDN, IMSI, IMEI, SCCP GT)? */
int im_kind_digits(sg17_intel_kind k);
/* Does kind match its parent domains (domain-name, Diameter realm)? */
int im_kind_suffix(sg17_intel_kind k);

/*
 * Canonicalise a value of kind into out (binary for IPs: 4 or 16 bytes; text
 * otherwise). For op PREFIX on IP kinds the input is "addr/len" and *plen
 * receives len (host bits must be zero). Returns 0 or SG17_E_FORMAT.
 */
int im_canon(sg17_intel_kind kind, sg17_intel_op op, const char *in, size_t len, uint8_t *out,
             size_t *out_len, unsigned *plen);

/* Parse an IPv4 dotted quad (strict) / IPv6 text. Return 0 or -1. */
int im_parse_ipv4(const char *s, size_t len, uint32_t *out);
int im_parse_ipv6(const char *s, size_t len, uint8_t out[16]);

/* 64-bit finaliser (splitmix64). */
static inline uint64_t im_mix64(uint64_t x)
{
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ULL;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebULL;
    x ^= x >> 31;
    return x;
}

/* 64-bit hash of (tag, bytes); of an IPv4 address (tag 1), inline for the hot path. */
uint64_t im_hash(unsigned tag, const uint8_t *p, size_t len);
static inline uint64_t im_hash_v4(uint32_t addr)
{
    return im_mix64((uint64_t)addr | (1ULL << 40));
}

/* Hash tags: one per (kind family, op). IPv4 and GTP peers share one family. */
unsigned im_tag(sg17_intel_kind kind, sg17_intel_op op, size_t bin_len);

/* Digit-string range key. */
uint64_t im_range_key(sg17_intel_kind kind, const uint8_t *digits, size_t n);

/* Longest-prefix table: meta run head of the segment holding x, or IM_NONE. */
size_t im_lpm_find(const im_lpm *l, im_u128 x);

/* Seconds -> "YYYY-MM-DDTHH:MM:SS.000Z" (buf >= 32). */
void im_format_ts(int64_t secs, char *buf, size_t cap);

#endif
