/*
 * sg17/stix_pattern.h - STIX 2.1 Patterning (STIX 2.1 CS02 section 9, grammar
 * STIXPattern.g4): parser with the semantic checks of the reference validator
 * and an evaluator over observed-data (comparison operators incl. LIKE,
 * MATCHES via PCRE2, ISSUBSET/ISSUPERSET, IN, EXISTS, list index and [*],
 * binary/hex/timestamp literals, AND/OR/FOLLOWEDBY, WITHIN, REPEATS,
 * START/STOP, object references).
 *
 * The parser is recursive descent with an explicit nesting cap
 * (SG17_STIX_PATTERN_MAX_DEPTH); patterns longer than
 * SG17_STIX_PATTERN_MAX_LEN bytes are rejected.
 */
#ifndef SG17_STIX_PATTERN_H
#define SG17_STIX_PATTERN_H

#include <stddef.h>

#include <jansson.h>

#include "sg17/common.h"

#ifdef __cplusplus
extern "C" {
#endif

#define SG17_STIX_PATTERN_MAX_DEPTH 64U
#define SG17_STIX_PATTERN_MAX_LEN ((size_t)1 << 20)

/** Extra checks used when validating an indicator's pattern. */
#define SG17_STIX_PATTERN_CHECK_TYPES 0x1U   /**< object types must be SCOs or x- custom */
#define SG17_STIX_PATTERN_STRICT_PROPS 0x2U  /**< no custom properties on STIX SCO types */
#define SG17_STIX_PATTERN_PREFIX_STRICT 0x4U /**< custom types x-<source>-<name> */
#define SG17_STIX_PATTERN_PREFIX_LAX 0x8U    /**< custom types x-<name> */
#define SG17_STIX_PATTERN_PROPNAMES 0x10U    /**< property names of at least 3 characters */

typedef struct sg17_stix_pattern sg17_stix_pattern;
typedef struct sg17_stix_observations sg17_stix_observations;

/**
 * Parse and check a pattern (grammar + semantic rules: hash lengths, one
 * qualifier of each type per observation expression).
 * @param err  receives a reason on failure (may be NULL)
 * @return 0 valid; SG17_E_FORMAT invalid; SG17_E_NOMEM.
 */
SG17_API SG17_MUST_CHECK int sg17_stix_pattern_check(const char *pattern, unsigned flags,
                                                     char *err, size_t err_len);

/** Compile a pattern for matching. @return 0, SG17_E_FORMAT, SG17_E_NOMEM. */
SG17_API SG17_MUST_CHECK int sg17_stix_pattern_compile(const char *pattern,
                                                       sg17_stix_pattern **out, char *err,
                                                       size_t err_len);

/** Free a compiled pattern (NULL is fine). */
SG17_API void sg17_stix_pattern_free(sg17_stix_pattern *p);

/**
 * Index observations: a JSON array of bundles, observed-data and SCOs (SCOs
 * referenced by observed-data object_refs; the deprecated "objects" dict is
 * accepted). The list must outlive the index (values are borrowed).
 * @return 0, SG17_E_FORMAT, SG17_E_NOMEM.
 */
SG17_API SG17_MUST_CHECK int sg17_stix_observations_load(const json_t *list,
                                                         sg17_stix_observations **out, char *err,
                                                         size_t err_len);

/** Free an observation index (NULL is fine). */
SG17_API void sg17_stix_observations_free(sg17_stix_observations *o);

/**
 * Match a compiled pattern against observations.
 * @param matched  optional; receives a new JSON array of the ids of the
 *                 observed-data in the first matching binding (or empty)
 * @return 1 match, 0 no match, SG17_E_FORMAT on an evaluation error
 *         (e.g. heterogeneous IN set, non-timestamp value against t''),
 *         SG17_E_LIMIT if the binding search exceeds its cap, SG17_E_NOMEM.
 */
SG17_API SG17_MUST_CHECK int sg17_stix_pattern_match(const sg17_stix_pattern *p,
                                                     const sg17_stix_observations *obs,
                                                     json_t **matched, char *err, size_t err_len);

/**
 * Describe a compiled pattern (as the reference inspector): a new JSON object
 * {"qualifiers": [sorted unique qualifier texts], "observation_ops": [sorted
 * unique AND/OR/FOLLOWEDBY between observations], "comparisons": {type:
 * [[path, operator, literal-as-written], ...]}} where path items are keys,
 * list indexes (integers) or "*".
 * @return 0, SG17_E_INVAL, SG17_E_NOMEM.
 */
SG17_API SG17_MUST_CHECK int sg17_stix_pattern_inspect(const sg17_stix_pattern *p, json_t **out);

#ifdef __cplusplus
}
#endif
#endif /* SG17_STIX_PATTERN_H */
