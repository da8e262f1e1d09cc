/*
 * sg17/intel_collect.h - X.1217 8.2.1 "collect" and 8.2.2 "clean": indicator
 * sources turned into matcher values (sg17/intel_match.h) and MISP
 * warninglists used to drop known false positives.
 *
 * Sources: plain lists (one value per line, '#' comments), CSV lists with a
 * header, MISP events and MISP feed directories (manifest.json + <uuid>.json;
 * attributes with to_ids set). Warninglists: the MISP warninglist format with
 * all five list types (cidr, string, hostname, substring, regex) and their
 * matching_attributes.
 */
#ifndef SG17_INTEL_COLLECT_H
#define SG17_INTEL_COLLECT_H

#include <stddef.h>

#include <jansson.h>

#include "sg17/common.h"
#include "sg17/intel_match.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Counters of the collectors. */
typedef struct sg17_intel_collect_stats {
    size_t records;  /**< lines / attributes read */
    size_t values;   /**< values handed to the builder */
    size_t skipped;  /**< records of a type that is not matched (e.g. MISP "link") */
    size_t invalid;  /**< values that do not parse as their kind */
} sg17_intel_collect_stats;

/**
 * Guess the kind of a bare value: IPv4/IPv6 address or CIDR (*op PREFIX),
 * URL (scheme://), e-mail (@), MD5/SHA-1/SHA-256/SHA-512 (hex length), else
 * a domain name. @return the kind, or SG17_INTEL_NONE.
 */
SG17_API sg17_intel_kind sg17_intel_guess_kind(const char *value, size_t len, sg17_intel_op *op);

/**
 * Deterministic indicator id for a value from a list without ids: SHA-256
 * over (source, kind, value), laid out as a UUID with version 4 bits.
 */
SG17_API void sg17_intel_list_id(const char *source, sg17_intel_kind kind, const char *value,
                                 size_t len, uint8_t id[16]);

/**
 * Plain list: one value per line; blank lines and lines starting with '#'
 * are ignored; kind SG17_INTEL_NONE guesses each line's kind.
 * @return 0, SG17_E_NOMEM, SG17_E_LIMIT (bad values are counted, not fatal).
 */
SG17_API SG17_MUST_CHECK int sg17_intel_collect_plain(sg17_intel_builder *b, const char *text,
                                                      size_t len, sg17_intel_kind kind,
                                                      const char *source,
                                                      sg17_intel_collect_stats *st);

/**
 * CSV list with a header line: the values are in column `column` (by header
 * name); an optional column "type" holds a STIX type name (ipv4-addr,
 * x-sg17-imsi, ...) that overrides kind. No quoting.
 * @return 0; SG17_E_FORMAT (no such column; error names the line);
 *         SG17_E_NOMEM; SG17_E_LIMIT.
 */
SG17_API SG17_MUST_CHECK int sg17_intel_collect_csv(sg17_intel_builder *b, const char *text,
                                                    size_t len, const char *column,
                                                    sg17_intel_kind kind, const char *source,
                                                    sg17_intel_collect_stats *st, char *err,
                                                    size_t err_len);

/**
 * One MISP event ({"Event": {...}} or the inner object): every attribute
 * (also inside Objects) with to_ids true and a matched type (ip-src/ip-dst
 * [|port], domain, hostname, domain|ip, url, md5, sha1, sha256, sha512,
 * filename|<hash>, email-src/-dst, phone-number) becomes a value whose id is
 * the attribute uuid. Deleted attributes are skipped.
 * @return 0, SG17_E_FORMAT (no Event), SG17_E_NOMEM, SG17_E_LIMIT.
 */
SG17_API SG17_MUST_CHECK int sg17_intel_collect_misp_event(sg17_intel_builder *b,
                                                           const json_t *event,
                                                           sg17_intel_collect_stats *st);

/**
 * MISP feed directory: manifest.json names the events; each <uuid>.json is
 * read (uuids are checked before building a path) and collected.
 * @return 0; SG17_E_IO (missing file: err names it); SG17_E_FORMAT;
 *         SG17_E_NOMEM; SG17_E_LIMIT.
 */
SG17_API SG17_MUST_CHECK int sg17_intel_collect_misp_feed(sg17_intel_builder *b, const char *dir,
                                                          sg17_intel_collect_stats *st, char *err,
                                                          size_t err_len);

/* ---- MISP warninglists ----------------------------------------------- */

typedef struct sg17_intel_wl sg17_intel_wl;

/** New empty warninglist set. */
SG17_API SG17_MUST_CHECK int sg17_intel_wl_new(sg17_intel_wl **out);

/** Free (NULL is fine). */
SG17_API void sg17_intel_wl_free(sg17_intel_wl *w);

/**
 * Add one MISP warninglist (the JSON of a list.json: name, type, list,
 * matching_attributes). Entries that do not parse for their type are
 * counted in *bad (may be NULL).
 * @return 0; SG17_E_FORMAT (not a warninglist / unknown type);
 *         SG17_E_NOMEM; SG17_E_LIMIT (more than 64 lists).
 */
SG17_API SG17_MUST_CHECK int sg17_intel_wl_add(sg17_intel_wl *w, const json_t *list, size_t *bad,
                                               char *err, size_t err_len);

/**
 * Is value listed by a warninglist that applies to kind? (cidr: address in a
 * listed block; string: equal, case-insensitive; hostname: the name or a
 * subdomain of an entry; substring: contains an entry; regex: PCRE2 match.)
 * @param name  receives the list's name when listed (may be NULL)
 * @return 1 listed, 0 not listed.
 */
SG17_API int sg17_intel_wl_check(const sg17_intel_wl *w, sg17_intel_kind kind, const char *value,
                                 size_t len, const char **name);

/**
 * Builder filter using a warninglist set:
 * sg17_intel_builder_set_filter(b, sg17_intel_wl_filter, w).
 */
SG17_API int sg17_intel_wl_filter(void *w, sg17_intel_kind kind, sg17_intel_op op,
                                  const char *value);

#ifdef __cplusplus
}
#endif
#endif /* SG17_INTEL_COLLECT_H */
