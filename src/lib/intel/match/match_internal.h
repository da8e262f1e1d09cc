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

typedef struct im_slot {
    uint32_t hi;  /* upper 32 bits of the 64-bit key */
    uint32_t idx; /* meta index + 1; 0 = empty */
} im_slot;

/* Longest-prefix table: disjoint segments [start[i], start[i+1]) -> meta run
 * head (or IM_NONE); bucket[b] = index of the segment holding the first
 * address whose top bbits bits are b (2^bbits + 1 entries). */
#define IM_NONE 0xFFFFFFFFU
typedef unsigned __int128 im_u128;
typedef struct im_lpm {
    unsigned bits;  /* 32 or 128 */
    unsigned bbits; /* bucket index bits: 16..22, grows with the segment count */
    size_t n;
    size_t prefixes; /* 0: table empty */
    im_u128 *start;
    uint32_t *meta;
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
    im_slot *slots;
    uint64_t mask; /* slots - 1 */
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

/* 64-bit keyed hash of (tag, bytes). */
uint64_t im_hash(unsigned tag, const uint8_t *p, size_t len);
uint64_t im_hash_v4(uint32_t addr);

/* Hash tags: one per (kind family, op). IPv4 and GTP peers share one family. */
unsigned im_tag(sg17_intel_kind kind, sg17_intel_op op, size_t bin_len);

/* Digit-string range key. */
uint64_t im_range_key(sg17_intel_kind kind, const uint8_t *digits, size_t n);

/* Seconds -> "YYYY-MM-DDTHH:MM:SS.000Z" (buf >= 32). */
void im_format_ts(int64_t secs, char *buf, size_t cap);

#endif
