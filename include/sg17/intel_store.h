/*
 * sg17/intel_store.h - X.1217 8.2.2 "clean and transform", 8.2.4 "situation
 * awareness" and 8.2.5 "share": a SQLite store of STIX 2.1 threat
 * intelligence (docs/INTEL-STORE.md).
 *
 * Every version of every STIX object is kept. Indicator values are
 * de-duplicated by (kind, canonical value) across sources with provenance
 * per (value, source, indicator): source label, created_by_ref, external
 * references, TLP and first/last seen in feeds. Objects are validated on
 * ingest (rejected with a reason and counted), values listed by MISP
 * warninglists are kept but marked filtered with the list's name, indicators
 * past valid_until stay in the store but are not active. Sightings (the JSON
 * Lines of `sg17 intel match`) feed back into a confidence that decays with
 * age and rises with sightings (sg17_intel_confidence). Exports (STIX, MISP
 * feed, Zeek Intel, Suricata datasets) honour TLP. A TAXII 2.1 client pulls
 * collections incrementally (added_after).
 *
 * Tables are prefixed intel_ and created if missing, so the store can live in
 * sg17d's database. One store handle per thread.
 */
#ifndef SG17_INTEL_STORE_H
#define SG17_INTEL_STORE_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "sg17/common.h"
#include "sg17/intel_collect.h"
#include "sg17/intel_match.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct sg17_intel_store sg17_intel_store;

/** Schema version this library writes (table intel_schema). */
#define SG17_INTEL_STORE_SCHEMA 1

/**
 * Open (creating if needed) a store in the SQLite file at path: WAL mode,
 * 5 s busy timeout, intel_* tables created if missing.
 * @return 0; SG17_E_IO (cannot open or create); SG17_E_STATE (the file holds
 *         a newer intel schema); SG17_E_NOMEM.
 */
SG17_API SG17_MUST_CHECK int sg17_intel_store_open(sg17_intel_store **out, const char *path);

/** Close (NULL is fine). */
SG17_API void sg17_intel_store_close(sg17_intel_store *s);

/** The last SQLite or validation message of the store ("" if none). */
SG17_API const char *sg17_intel_store_errmsg(const sg17_intel_store *s);

/* ---- TLP --------------------------------------------------------------- */

/** TLP levels in increasing restriction (TLP 1.0 white = TLP 2.0 clear). */
typedef enum sg17_intel_tlp {
    SG17_INTEL_TLP_NONE = -1, /**< no TLP marking */
    SG17_INTEL_TLP_CLEAR = 0,
    SG17_INTEL_TLP_GREEN = 1,
    SG17_INTEL_TLP_AMBER = 2,
    SG17_INTEL_TLP_AMBER_STRICT = 3,
    SG17_INTEL_TLP_RED = 4,
} sg17_intel_tlp;

/** Parse "clear"/"white", "green", "amber", "amber+strict", "red"
 *  (case-insensitive, optional "tlp:" prefix). @return level or NONE. */
SG17_API sg17_intel_tlp sg17_intel_tlp_parse(const char *name);

/** Name of a level ("clear", ..., "none"). */
SG17_API const char *sg17_intel_tlp_name(sg17_intel_tlp t);

/**
 * TLP of a STIX object: the most restrictive of its object_marking_refs that
 * is a TLP 1.0 marking (STIX 2.1 7.2.1.4) or a TLP 2.0 marking definition
 * (OASIS TLP 2.0 extension), else SG17_INTEL_TLP_NONE.
 */
SG17_API sg17_intel_tlp sg17_intel_tlp_of(const json_t *obj);

/** The TLP 2.0 marking-definition id of a level (NULL for NONE). */
SG17_API const char *sg17_intel_tlp_marking_id(sg17_intel_tlp t);

/* ---- ingest ------------------------------------------------------------ */

/** Ingest options (zero = defaults). */
typedef struct sg17_intel_ingest_opts {
    const char *source;         /**< source label (feed name or URL); required */
    int64_t now;                /**< ingest time, seconds since 1970 (0 = time(NULL)) */
    const sg17_intel_wl *wl;    /**< warninglists for filtering (borrowed; may be NULL) */
    sg17_intel_tlp default_tlp; /**< TLP recorded for unmarked objects (NONE keeps none) */
} sg17_intel_ingest_opts;

/** Counters of one ingest call. */
typedef struct sg17_intel_ingest_stats {
    size_t objects;        /**< objects offered */
    size_t stored;         /**< new object versions stored */
    size_t duplicates;     /**< versions already in the store (provenance refreshed) */
    size_t older;          /**< versions older than the stored latest (stored, not applied) */
    size_t rejected;       /**< objects failing validation (reason in intel_rejects) */
    size_t indicators;     /**< indicator objects applied */
    size_t unsupported;    /**< indicators whose pattern is outside the compiled subset */
    size_t values;         /**< indicator values applied (with provenance) */
    size_t new_values;     /**< values not in the store before */
    size_t filtered;       /**< values listed by a warninglist (kept, marked filtered) */
    char last_reject[200]; /**< "id: reason" of the last rejected object */
} sg17_intel_ingest_stats;

/**
 * Ingest a STIX 2.1 bundle, a JSON array of objects or one object. Each
 * object is validated (STIX 2.1 MUST rules); invalid ones are rejected with a
 * reason (table intel_rejects) and counted. Runs in one transaction.
 * @return 0 (also when objects were rejected: see stats); SG17_E_FORMAT (not
 *         a bundle/array/object); SG17_E_INVAL; SG17_E_IO; SG17_E_NOMEM.
 */
SG17_API SG17_MUST_CHECK int sg17_intel_store_ingest(sg17_intel_store *s, const json_t *stix,
                                                     const sg17_intel_ingest_opts *o,
                                                     sg17_intel_ingest_stats *st);

/**
 * Ingest from the collectors of sg17/intel_collect.h: the values they produce
 * become STIX indicators (id = the collector's id: MISP attribute uuid or the
 * list id; pattern built from kind and value; TLP o->default_tlp) and are
 * ingested like sg17_intel_store_ingest.
 * kind: 0 MISP feed directory at path; 1 plain list file; 2 CSV file
 * (csv_column names the value column). list_kind: SG17_INTEL_NONE guesses.
 * @return 0; SG17_E_IO / SG17_E_FORMAT (err names the file); SG17_E_NOMEM.
 */
enum { SG17_INTEL_SRC_MISP_FEED = 0, SG17_INTEL_SRC_PLAIN = 1, SG17_INTEL_SRC_CSV = 2 };
SG17_API SG17_MUST_CHECK int
sg17_intel_store_ingest_collector(sg17_intel_store *s, int src_kind, const char *path,
                                  sg17_intel_kind list_kind, const char *csv_column,
                                  const sg17_intel_ingest_opts *o, sg17_intel_ingest_stats *st,
                                  char *err, size_t err_len);

/**
 * STIX 2.1 pattern for one value (the compiled subset of sg17/intel_match.h):
 * `[ipv4-addr:value = 'v']`, `[x-sg17-imsi:value LIKE '23415%']`, ranges as
 * `>= AND <=`. Quotes and backslashes escaped.
 * @return 0, SG17_E_INVAL (kind), SG17_E_LIMIT (out too small).
 */
SG17_API SG17_MUST_CHECK int sg17_intel_pattern_for(sg17_intel_kind kind, sg17_intel_op op,
                                                    const char *value, const char *value_hi,
                                                    char *out, size_t out_len);

/* ---- confidence (docs/INTEL-STORE.md) ----------------------------------- */

/** Default confidence half-life: 30 days. */
#define SG17_INTEL_HALF_LIFE_S ((int64_t)30 * 86400)
/** Confidence assumed for indicators without a STIX confidence. */
#define SG17_INTEL_DEFAULT_CONFIDENCE 50

/**
 * Current confidence on the STIX 0..100 scale:
 *   raised = 100 - (100 - base) * 0.8^sightings
 *   c      = round(raised * 2^(-(now - last_evidence) / half_life))
 * (evidence = last seen in a feed or in a sighting; an age below zero counts
 * as zero). Every sighting closes 20 % of the gap to 100, so one sighting
 * adds at most 20 points and the result never exceeds 100.
 * @param base         0..100 (clamped)
 * @param half_life_s  > 0 (else SG17_INTEL_HALF_LIFE_S)
 */
SG17_API int sg17_intel_confidence(int base, uint64_t sightings, int64_t last_evidence, int64_t now,
                                   int64_t half_life_s);

/* ---- apply: the active set ---------------------------------------------- */

/** One active indicator value (borrowed strings, valid during the callback). */
typedef struct sg17_intel_active {
    sg17_intel_kind kind;
    sg17_intel_op op;
    const char *value;     /**< builder input form (digit prefixes without '%') */
    const char *value_hi;  /**< RANGE upper bound or NULL */
    const char *canon;     /**< canonical text (as sightings name it) */
    const char *indicator; /**< a representative indicator id ("indicator--...") */
    uint8_t id[16];      /**< the value's own id: SHA-256 of "<type>|<canon>" as a v4-layout UUID */
    const char *sources; /**< source labels allowed at this TLP, comma-separated */
    int64_t valid_from, valid_until;
    int base_confidence; /**< highest STIX confidence of the providing indicators */
    int confidence;      /**< sg17_intel_confidence now */
    uint64_t sightings;  /**< total sighting count */
    int64_t last_seen;   /**< last evidence (feed or sighting) */
    int fs11;
    sg17_intel_tlp tlp; /**< least restrictive TLP among its providers */
} sg17_intel_active;

/**
 * Call cb for each active value (not filtered, not revoked, not expired at
 * now, at least one provider with TLP <= tlp_max; unmarked providers count
 * as untagged_tlp). cb returns 0 to continue, else stops (value returned).
 * @return 0, cb's value, SG17_E_IO, SG17_E_NOMEM.
 */
SG17_API SG17_MUST_CHECK int
sg17_intel_store_foreach_active(sg17_intel_store *s, int64_t now, sg17_intel_tlp tlp_max,
                                sg17_intel_tlp untagged_tlp,
                                int (*cb)(const sg17_intel_active *a, void *ctx), void *ctx);

/**
 * Add every active value (any TLP) to a builder, with its current
 * confidence: the snapshot of `sg17 intel store compile`.
 * @param n  receives the number of values added (may be NULL)
 * @return 0, SG17_E_IO, SG17_E_NOMEM, SG17_E_LIMIT.
 */
SG17_API SG17_MUST_CHECK int sg17_intel_store_compile(sg17_intel_store *s, int64_t now,
                                                      sg17_intel_builder *b, size_t *n);

/* ---- feedback: sightings -------------------------------------------------- */

/** Counters of sg17_intel_store_sightings. */
typedef struct sg17_intel_sight_stats {
    size_t lines;         /**< non-blank lines read */
    size_t recorded;      /**< sightings recorded (new or updated by id) */
    size_t unmatched;     /**< sightings of values not in the store */
    size_t invalid;       /**< lines that are not a usable STIX sighting */
    char last_error[160]; /**< "line N: reason" of the last invalid line */
} sg17_intel_sight_stats;

/**
 * Record STIX sightings given as JSON Lines (the output of
 * sg17_intel_sightings_write): each is tied to a stored value by
 * x_sg17_observation.indicator_type/indicator_value (else by
 * sighting_of_ref when that indicator has one value). A sighting id seen
 * before replaces its earlier count (feeding the same file twice counts
 * once). One transaction.
 * @return 0 (bad lines are counted); SG17_E_IO; SG17_E_NOMEM.
 */
SG17_API SG17_MUST_CHECK int sg17_intel_store_sightings(sg17_intel_store *s, const char *text,
                                                        size_t len, int64_t now,
                                                        sg17_intel_sight_stats *st);

/* ---- situation awareness -------------------------------------------------- */

/**
 * Counters as one JSON object (docs/INTEL-STORE.md "summary"): indicator
 * values total/active/expired/filtered/inactive, objects and versions,
 * rejected objects, active values by type, by source and by FS.11 category,
 * sightings by type and by hour (the hours ending at now; hours 0 = every
 * hour), and the top_n most sighted values.
 * @return 0, SG17_E_IO, SG17_E_NOMEM.
 */
SG17_API SG17_MUST_CHECK int sg17_intel_store_summary(sg17_intel_store *s, int64_t now,
                                                      unsigned hours, unsigned top_n, json_t **out);

/* ---- share: exports ------------------------------------------------------- */

typedef enum sg17_intel_export_format {
    SG17_INTEL_EXPORT_STIX = 1,     /**< STIX 2.1 bundle (file) */
    SG17_INTEL_EXPORT_MISP = 2,     /**< MISP feed directory */
    SG17_INTEL_EXPORT_ZEEK = 3,     /**< Zeek Intel framework file */
    SG17_INTEL_EXPORT_SURICATA = 4, /**< Suricata dataset files (directory) */
} sg17_intel_export_format;

/** Parse "stix", "misp", "zeek", "suricata". @return format or 0. */
SG17_API sg17_intel_export_format sg17_intel_export_format_parse(const char *name);

/** Export options. */
typedef struct sg17_intel_export_opts {
    sg17_intel_export_format format;
    const char *out;             /**< file (stix, zeek) or directory (misp, suricata) */
    sg17_intel_tlp tlp_max;      /**< nothing above this leaves (NONE = green) */
    sg17_intel_tlp untagged_tlp; /**< TLP assumed for unmarked objects (NONE = amber) */
    int64_t now;                 /**< 0 = time(NULL) */
} sg17_intel_export_opts;

/** Counters of an export. */
typedef struct sg17_intel_export_stats {
    size_t written;  /**< objects / values / attributes written */
    size_t withheld; /**< left out because of TLP */
    size_t skipped;  /**< values the format cannot carry */
} sg17_intel_export_stats;

/**
 * Export the store (docs/INTEL-STORE.md "exports"): STIX = the latest
 * version of every object with TLP <= tlp_max (plus the TLP 2.0 marking
 * definitions referenced); MISP/Zeek/Suricata = the active values with TLP
 * <= tlp_max. Files are written to a temporary name and renamed.
 * @return 0, SG17_E_IO, SG17_E_NOMEM, SG17_E_INVAL.
 */
SG17_API SG17_MUST_CHECK int sg17_intel_store_export(sg17_intel_store *s,
                                                     const sg17_intel_export_opts *o,
                                                     sg17_intel_export_stats *st);

/* ---- collect: TAXII 2.1 client ------------------------------------------- */

/** Pull options. */
typedef struct sg17_intel_pull_opts {
    const char *api_root;    /**< URL of the API root (with or without trailing '/') */
    const char *collection;  /**< collection id */
    const char *token;       /**< Bearer token or NULL */
    const char *added_after; /**< explicit added_after (else the stored one when s != NULL) */
    size_t limit;            /**< page size asked for (0 = server default) */
    size_t max_pages;        /**< 0 = 10000 */
    size_t max_bytes;        /**< per response (0 = 64 MiB) */
    long timeout_s;          /**< per request (0 = 60) */
    int all_versions;        /**< ask for every version (match[version]=all), not the latest */
    int insecure;            /**< skip TLS verification (tests only) */
    const char *user;        /**< HTTP Basic user (RFC 7617) or NULL; not with token */
    const char *password;    /**< HTTP Basic password (with user; NULL = empty) */
} sg17_intel_pull_opts;

/** Pull result. */
typedef struct sg17_intel_pull_stats {
    size_t pages;
    size_t objects;
    size_t stored;       /**< with a store: new object versions */
    size_t rejected;     /**< with a store: objects failing validation */
    long http_status;    /**< last HTTP status */
    char added_last[48]; /**< last X-TAXII-Date-Added-Last seen ("" if none) */
    char error[256];     /**< reason on failure (TAXII error title when given) */
} sg17_intel_pull_stats;

/**
 * GET {api_root}/collections/{id}/objects/ (TAXII 2.1 5.4) with Accept
 * application/taxii+json;version=2.1, following `next` while `more` is true.
 * Each page's objects are handed to page_cb (may be NULL), and when s is not
 * NULL ingested into s (source = "taxii:<api_root>collections/<id>/") and the
 * page's X-TAXII-Date-Added-Last is remembered for (api_root, collection), so
 * the next pull without added_after continues from there. Credentials: a
 * Bearer token, or HTTP Basic user and password (sent as one Authorization
 * header built by sg17_taxii_basic_encode; copies are wiped after the pull).
 * @return 0; SG17_E_INVAL (no http(s) URL, both token and user, unusable
 *         user or password: st->error says which);
 *         SG17_E_IO (network/HTTP error: st->error has the reason);
 *         SG17_E_FORMAT (not a TAXII envelope); SG17_E_LIMIT (response too
 *         big, too many pages); SG17_E_AUTH (401/403); SG17_E_NOMEM;
 *         page_cb's non-zero value.
 */
SG17_API SG17_MUST_CHECK int sg17_intel_taxii_pull(sg17_intel_store *s,
                                                   const sg17_intel_pull_opts *o,
                                                   const sg17_intel_ingest_opts *io,
                                                   int (*page_cb)(const json_t *objects, void *ctx),
                                                   void *ctx, sg17_intel_pull_stats *st);

/** The remembered added_after of (api_root, collection) ("" if none).
 *  @return 0, SG17_E_NOTFOUND, SG17_E_IO. */
SG17_API SG17_MUST_CHECK int sg17_intel_store_taxii_state(sg17_intel_store *s, const char *api_root,
                                                          const char *collection, char *out,
                                                          size_t out_len);

#ifdef __cplusplus
}
#endif
#endif /* SG17_INTEL_STORE_H */
