/*
 * sg17/intel_match.h - X.1217 "apply" stage: indicators compiled into an
 * immutable matcher snapshot, swapped RCU-style while matching continues,
 * log readers (Zeek conn/dns/http, NetFlow-style CSV, signalling-event CSV)
 * and STIX 2.1 Sightings (STIX 2.1 CS02 4.14) emitted as JSON Lines.
 *
 * Indicator kinds cover the STIX cyber-observables an operator matches on
 * (IPv4/IPv6 exact and CIDR longest-prefix, domains with subdomain match,
 * canonical URLs, file hashes, e-mail addresses) and the telecom identifiers
 * of docs/TELECOM-INDICATORS.md (x-sg17-* STIX extension types: MSISDN/E.164,
 * IMSI, IMEI/TAC and SCCP global titles with exact, prefix and range match;
 * Diameter origin host/realm; GTP-C peer, TEID and APN; SIP URI), each with
 * an optional GSMA FS.11 category.
 *
 * Threading: a snapshot is immutable and may be read by any number of
 * threads. sg17_intel_matcher_acquire/release bracket reads; a concurrent
 * sg17_intel_matcher_swap publishes a new snapshot and frees the old one
 * only after every reader that could see it has released it.
 */
#ifndef SG17_INTEL_MATCH_H
#define SG17_INTEL_MATCH_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <jansson.h>

#include "sg17/common.h"

#ifdef __cplusplus
extern "C" {
#endif

/** What an indicator value is (and which STIX type/path it came from). */
typedef enum sg17_intel_kind {
    SG17_INTEL_NONE = 0,
    SG17_INTEL_IPV4 = 1,           /**< ipv4-addr:value */
    SG17_INTEL_IPV6 = 2,           /**< ipv6-addr:value */
    SG17_INTEL_DOMAIN = 3,         /**< domain-name:value (matches subdomains) */
    SG17_INTEL_URL = 4,            /**< url:value (canonical form) */
    SG17_INTEL_EMAIL = 5,          /**< email-addr:value */
    SG17_INTEL_MD5 = 6,            /**< file:hashes.MD5 */
    SG17_INTEL_SHA1 = 7,           /**< file:hashes.'SHA-1' */
    SG17_INTEL_SHA256 = 8,         /**< file:hashes.'SHA-256' */
    SG17_INTEL_SHA512 = 9,         /**< file:hashes.'SHA-512' */
    SG17_INTEL_MSISDN = 10,        /**< x-sg17-msisdn:value (E.164 digits) */
    SG17_INTEL_IMSI = 11,          /**< x-sg17-imsi:value */
    SG17_INTEL_IMEI = 12,          /**< x-sg17-imei:value (14 digits, TAC = 8-digit prefix) */
    SG17_INTEL_SCCP_GT = 13,       /**< x-sg17-sccp-gt:value (global title digits) */
    SG17_INTEL_DIAMETER_HOST = 14, /**< x-sg17-diameter-host:value */
    SG17_INTEL_DIAMETER_REALM = 15, /**< x-sg17-diameter-realm:value (matches sub-realms) */
    SG17_INTEL_GTP_PEER = 16,      /**< x-sg17-gtp-peer:value (IP address of a GTP-C peer) */
    SG17_INTEL_GTP_TEID = 17,      /**< x-sg17-gtp-teid:value (32-bit, decimal or 0x hex) */
    SG17_INTEL_APN = 18,           /**< x-sg17-apn:value */
    SG17_INTEL_SIP_URI = 19,       /**< x-sg17-sip-uri:value */
    SG17_INTEL_KIND_COUNT = 20
} sg17_intel_kind;

/** How an indicator value is compared. */
typedef enum sg17_intel_op {
    SG17_INTEL_EXACT = 0,  /**< equality of canonical values */
    SG17_INTEL_PREFIX = 1, /**< CIDR (IPs, value "a/len") or digit prefix (LIKE 'nnn%') */
    SG17_INTEL_RANGE = 2,  /**< digit range value..value_hi (same number of digits) */
} sg17_intel_op;

/** GSMA FS.11 categories (docs/TELECOM-INDICATORS.md); 0 = none. */
enum { SG17_INTEL_FS11_NONE = 0, SG17_INTEL_FS11_CAT1 = 1, SG17_INTEL_FS11_CAT2 = 2,
       SG17_INTEL_FS11_CAT3 = 3 };

/** One indicator value to compile (values are copied). */
typedef struct sg17_intel_ind {
    sg17_intel_kind kind;
    sg17_intel_op op;
    const char *value;    /**< NUL-terminated; canonicalised by the builder */
    const char *value_hi; /**< RANGE upper bound, else NULL */
    uint8_t id[16];       /**< indicator UUID (the part after "indicator--") */
    int64_t valid_from;   /**< seconds since 1970; 0 = unbounded */
    int64_t valid_until;  /**< seconds since 1970; 0 = unbounded */
    uint8_t confidence;   /**< 0..100 (STIX confidence) */
    uint8_t fs11;         /**< SG17_INTEL_FS11_* */
} sg17_intel_ind;

typedef struct sg17_intel_builder sg17_intel_builder;
typedef struct sg17_intel_snapshot sg17_intel_snapshot;
typedef struct sg17_intel_matcher sg17_intel_matcher;

/** Caps. */
#define SG17_INTEL_MAX_INDICATORS 100000000U /**< values per snapshot */
#define SG17_INTEL_MAX_VALUE 2048U           /**< bytes of one value */

/** New empty builder. @return 0 or SG17_E_NOMEM. */
SG17_API SG17_MUST_CHECK int sg17_intel_builder_new(sg17_intel_builder **out);

/** Free a builder (NULL is fine). */
SG17_API void sg17_intel_builder_free(sg17_intel_builder *b);

/**
 * Add one indicator value (canonicalised: IPs parsed, CIDR host bits must
 * be zero, domains/hosts lowercased without trailing dot, URLs per
 * docs/INTEL.md, hashes lowercase hex of the right length, digit identifiers
 * 1..15 digits, TEIDs 32-bit).
 * A value dropped by the builder's filter returns 0 and is counted
 * (sg17_intel_builder_filtered).
 * @return 0; SG17_E_FORMAT (value not of its kind); SG17_E_INVAL;
 *         SG17_E_LIMIT; SG17_E_NOMEM.
 */
SG17_API SG17_MUST_CHECK int sg17_intel_builder_add(sg17_intel_builder *b,
                                                    const sg17_intel_ind *ind);

/**
 * A filter consulted by sg17_intel_builder_add (e.g. MISP warninglists,
 * X.1217 8.2.2 "clean"): return non-zero to drop the value. value is as
 * given (not yet canonical).
 */
typedef int (*sg17_intel_filter_fn)(void *ctx, sg17_intel_kind kind, sg17_intel_op op,
                                    const char *value);

/** Install (or remove with fn NULL) the builder's filter. */
SG17_API void sg17_intel_builder_set_filter(sg17_intel_builder *b, sg17_intel_filter_fn fn,
                                            void *ctx);

/** Values dropped by the filter so far. */
SG17_API size_t sg17_intel_builder_filtered(const sg17_intel_builder *b);

/** Counters of sg17_intel_builder_add_stix. */
typedef struct sg17_intel_load_stats {
    size_t indicators;  /**< indicator objects seen */
    size_t values;      /**< values added */
    size_t unsupported; /**< patterns outside the compiled subset (not matched) */
    size_t invalid;     /**< invalid patterns or values */
    size_t revoked;     /**< revoked indicators skipped */
} sg17_intel_load_stats;

/**
 * Add a STIX 2.1 indicator (or every indicator of a bundle / JSON array):
 * the pattern must be valid (STIX 2.1 9) and of the compiled subset: one or
 * more observation expressions joined by OR, each a comparison or an OR of
 * comparisons `type:path = 'v'`, `ipv4-addr:value ISSUBSET 'a/n'`,
 * `x-sg17-imsi:value LIKE '23415%'`, or a range `p >= 'lo' AND p <= 'hi'`
 * (docs/INTEL.md). Properties used: id, valid_from, valid_until, confidence,
 * revoked, x_sg17_fs11_category.
 * @return 0 (also when some patterns were unsupported: see stats);
 *         SG17_E_FORMAT (not an indicator/bundle); SG17_E_NOMEM; SG17_E_LIMIT.
 */
SG17_API SG17_MUST_CHECK int sg17_intel_builder_add_stix(sg17_intel_builder *b, const json_t *obj,
                                                         sg17_intel_load_stats *stats);

/**
 * Compile into an immutable snapshot. Values whose valid_until <= now are
 * dropped (expiry, X.1217 8.2.2); values not yet valid are kept and skipped
 * at lookup time. The builder stays usable.
 * @return 0, SG17_E_NOMEM, SG17_E_LIMIT.
 */
SG17_API SG17_MUST_CHECK int sg17_intel_builder_build(sg17_intel_builder *b, int64_t now,
                                                      sg17_intel_snapshot **out);

/** Free a snapshot not handed to a matcher (NULL is fine). */
SG17_API void sg17_intel_snapshot_free(sg17_intel_snapshot *s);

/** Snapshot statistics. */
typedef struct sg17_intel_snapshot_stats {
    size_t values;                           /**< compiled values */
    size_t per_kind[SG17_INTEL_KIND_COUNT];  /**< values per kind */
    size_t bytes;                            /**< heap bytes owned by the snapshot */
} sg17_intel_snapshot_stats;

/** Fill stats. */
SG17_API void sg17_intel_snapshot_stats_get(const sg17_intel_snapshot *s,
                                            sg17_intel_snapshot_stats *st);

/** A match: index of a compiled value in the snapshot. */
typedef uint32_t sg17_intel_hit;

/**
 * Look up an IPv4 address (host order): exact entries, then the longest
 * matching CIDR prefix. Writes up to max hits.
 * @param now  seconds since 1970 for validity (0 = ignore validity)
 * @return number of hits written.
 */
SG17_API size_t sg17_intel_lookup_ipv4(const sg17_intel_snapshot *s, uint32_t addr, int64_t now,
                                       sg17_intel_hit *hits, size_t max);

/** No hit (sg17_intel_lookup_ipv4_batch). */
#define SG17_INTEL_NO_HIT 0xFFFFFFFFU

/**
 * Look up n IPv4 addresses at once, software-pipelined (the hash slot of a
 * later address is prefetched while an earlier one is resolved): out[i]
 * receives the first hit of addrs[i] (exact before longest prefix) or
 * SG17_INTEL_NO_HIT. @return the number of addresses with a hit.
 */
SG17_API size_t sg17_intel_lookup_ipv4_batch(const sg17_intel_snapshot *s, const uint32_t *addrs,
                                             size_t n, int64_t now, sg17_intel_hit *out);

/** Look up an IPv6 address (16 bytes, network order); as lookup_ipv4. */
SG17_API size_t sg17_intel_lookup_ipv6(const sg17_intel_snapshot *s, const uint8_t addr[16],
                                       int64_t now, sg17_intel_hit *hits, size_t max);

/**
 * Look up an observed value of a kind (canonicalised like indicator values;
 * domains/realms also try each parent domain; digit identifiers try exact,
 * prefixes and ranges; SG17_INTEL_GTP_PEER / IPs also match ipv4/ipv6
 * indicators). Values that do not parse match nothing.
 * @return number of hits written (0..max).
 */
SG17_API size_t sg17_intel_lookup(const sg17_intel_snapshot *s, sg17_intel_kind kind,
                                  const char *value, size_t len, int64_t now,
                                  sg17_intel_hit *hits, size_t max);

/** What a hit refers to. */
typedef struct sg17_intel_hit_info {
    sg17_intel_kind kind;
    sg17_intel_op op;
    uint8_t id[16];
    int64_t valid_from, valid_until;
    uint8_t confidence, fs11;
    char value[96]; /**< canonical value (truncated with "..." if longer) */
} sg17_intel_hit_info;

/** Describe a hit. @return 0 or SG17_E_INVAL (index out of range). */
SG17_API SG17_MUST_CHECK int sg17_intel_hit_describe(const sg17_intel_snapshot *s,
                                                     sg17_intel_hit h, sg17_intel_hit_info *out);

/** STIX-style name of a kind ("ipv4-addr", "x-sg17-imsi", ...). */
SG17_API const char *sg17_intel_kind_name(sg17_intel_kind k);

/* ---- the matcher: atomically swapped snapshots ------------------------- */

/** New matcher holding snapshot s (ownership moves; s may be NULL). */
SG17_API SG17_MUST_CHECK int sg17_intel_matcher_new(sg17_intel_matcher **out,
                                                    sg17_intel_snapshot *s);

/** Free the matcher and its snapshot; no reader may be active. */
SG17_API void sg17_intel_matcher_free(sg17_intel_matcher *m);

/** A read-side critical section. */
typedef struct sg17_intel_read {
    const sg17_intel_snapshot *snap; /**< current snapshot (may be NULL) */
    unsigned slot_;
} sg17_intel_read;

/** Enter a read section (lock-free; never blocks on writers). */
SG17_API sg17_intel_read sg17_intel_matcher_acquire(sg17_intel_matcher *m);

/** Leave a read section. */
SG17_API void sg17_intel_matcher_release(sg17_intel_matcher *m, sg17_intel_read r);

/**
 * Publish a new snapshot (ownership moves) and free the previous one once no
 * reader can hold it (waits for readers that entered before the swap; safe
 * against concurrent readers, serialised against other swaps).
 */
SG17_API void sg17_intel_matcher_swap(sg17_intel_matcher *m, sg17_intel_snapshot *s);

/* ---- log readers ------------------------------------------------------- */

/** Log formats of `sg17 intel match --format` (docs/INTEL.md). */
typedef enum sg17_intel_log_format {
    SG17_INTEL_LOG_ZEEK = 1,    /**< Zeek TSV logs (conn, dns, http; by #fields) */
    SG17_INTEL_LOG_NETFLOW = 2, /**< NetFlow-style CSV with a header line */
    SG17_INTEL_LOG_SIGNAL = 3,  /**< signalling-event CSV (SS7 MAP, Diameter, GTP-C, SIP) */
} sg17_intel_log_format;

/** Parse a format name ("zeek", "netflow", "signal"). @return format or 0. */
SG17_API sg17_intel_log_format sg17_intel_log_format_parse(const char *name);

#define SG17_INTEL_OBS_MAX_FIELDS 32U
#define SG17_INTEL_LOG_MAX_LINE 65536U

/** One observed value in a log line (points into the line buffer). */
typedef struct sg17_intel_obs_field {
    sg17_intel_kind kind;
    const char *name; /**< field name, e.g. "id.resp_h", "imsi" */
    const char *value;
    size_t len;
} sg17_intel_obs_field;

/** The observables of one log line. */
typedef struct sg17_intel_obs {
    int64_t ts;        /**< seconds since 1970 (0 if the line has none) */
    const char *what;  /**< e.g. "zeek:conn", "netflow", "signal:map:sendRoutingInfo" */
    size_t n;
    sg17_intel_obs_field f[SG17_INTEL_OBS_MAX_FIELDS];
    /** Storage owned by the observation (what, a URL composed from Zeek http
     * host + uri), so that the observations of several lines can be kept
     * together (sg17_intel_sightings_observe_batch). */
    char what_buf[128];
    char url_buf[SG17_INTEL_MAX_VALUE + 8];
} sg17_intel_obs;

typedef struct sg17_intel_log sg17_intel_log;

/** New reader for a format. @return 0, SG17_E_INVAL, SG17_E_NOMEM. */
SG17_API SG17_MUST_CHECK int sg17_intel_log_new(sg17_intel_log **out, sg17_intel_log_format fmt);

/** Free a reader (NULL is fine). */
SG17_API void sg17_intel_log_free(sg17_intel_log *r);

/**
 * Parse one line (without its newline; the buffer is modified and must stay
 * alive while *obs is used). Header and comment lines set up the reader and
 * return 0 with obs->n == 0.
 * @param err  receives the reason on SG17_E_FORMAT (may be NULL)
 * @return 0; SG17_E_FORMAT (malformed line, e.g. data before a header,
 *         wrong column count, bad timestamp); SG17_E_LIMIT (line too long).
 */
SG17_API SG17_MUST_CHECK int sg17_intel_log_line(sg17_intel_log *r, char *line, size_t len,
                                                 sg17_intel_obs *obs, char *err, size_t err_len);

/* ---- sightings ---------------------------------------------------------- */

typedef struct sg17_intel_sightings sg17_intel_sightings;

/** New sightings aggregator for snapshot s (which must outlive it). */
SG17_API SG17_MUST_CHECK int sg17_intel_sightings_new(sg17_intel_sightings **out,
                                                      const sg17_intel_snapshot *s);

/** Free (NULL is fine). */
SG17_API void sg17_intel_sightings_free(sg17_intel_sightings *g);

/**
 * Match every field of an observation and record the sightings.
 * @param src   the observation's source (file name) for provenance
 * @param line  the line number in src
 * @return number of hits (>= 0) or SG17_E_NOMEM / SG17_E_LIMIT.
 */
SG17_API SG17_MUST_CHECK int sg17_intel_sightings_observe(sg17_intel_sightings *g,
                                                          const sg17_intel_obs *obs,
                                                          const char *src, uint64_t line);

/**
 * sg17_intel_sightings_observe for n observations at once (e.g. 64 log lines
 * parsed into separate sg17_intel_obs, their line buffers all alive during
 * the call; field names are the reader's, so pass the pending observations
 * before giving a Zeek '#' header line to the reader that made them):
 * the cache lines their IPv4 lookups need are prefetched for 16 observations
 * at a time before those are matched, so the memory latency of one lookup
 * overlaps the others'. Results are the same as n single calls in order
 * (X.1217 8.2.4 feedback, as sg17_intel_sightings_observe).
 * @param lines     line number of each observation in src (n entries)
 * @param hits_out  if not NULL, receives the hit count of each observation
 * @return total hits (>= 0, saturating at INT32_MAX) or SG17_E_NOMEM /
 *         SG17_E_LIMIT / SG17_E_INVAL (observations before the failing one
 *         are recorded).
 */
SG17_API SG17_MUST_CHECK int sg17_intel_sightings_observe_batch(sg17_intel_sightings *g,
                                                                const sg17_intel_obs *obs,
                                                                size_t n, const char *src,
                                                                const uint64_t *lines,
                                                                int *hits_out);

/** Number of distinct indicator values sighted so far. */
SG17_API size_t sg17_intel_sightings_count(const sg17_intel_sightings *g);

/**
 * Write one STIX 2.1 sighting per sighted value as JSON Lines: id (UUIDv5
 * over indicator id and first observation), created/modified (= now),
 * sighting_of_ref, count, first_seen, last_seen, and x_sg17_observation
 * {format, source, line, field, kind, value, matched_value}, plus
 * x_sg17_fs11_category when set. Order: by first sighting.
 * @param now  creation time (seconds since 1970)
 * @return 0, SG17_E_IO, SG17_E_NOMEM.
 */
SG17_API SG17_MUST_CHECK int sg17_intel_sightings_write(const sg17_intel_sightings *g,
                                                        int64_t now, FILE *out);

/**
 * Situation-awareness counters (X.1217 8.2.4) of everything observed so far,
 * as one JSON object: {"hits": N, "by_type": {"ipv4-addr": n, ...},
 * "by_fs11_category": {"1": n, ...}, "by_source": {"conn.log": n, ...},
 * "by_hour": {"2023-11-14T22:00:00Z": n, ...}} (a hit = one indicator value
 * matched on one log line; at most 4096 sources and 100 000 hours are
 * tracked, the rest is counted under "other").
 * @return 0, SG17_E_IO, SG17_E_NOMEM.
 */
SG17_API SG17_MUST_CHECK int sg17_intel_sightings_counters_write(const sg17_intel_sightings *g,
                                                                 FILE *out);

#ifdef __cplusplus
}
#endif
#endif /* SG17_INTEL_MATCH_H */
