/*
 * sg17/stix.h - STIX 2.1 (OASIS CS02, the representation X.1217 builds on):
 * object model helpers, canonical serialisation, census and the validator
 * (MUST rules plus the coded SHOULD checks of the reference validator).
 *
 * Input is parsed either with sg17_json_parse() into jansson values or, on
 * the fast path (sg17_stix_doc_*, sg17_stix_stream_validate), by sg17's own
 * single-pass parser into a compact DOM; both reject duplicate keys, apply
 * the same size and depth caps, accept the same texts and give the validator
 * the same values. The type tables know every SDO, SRO, SCO,
 * marking-definition, language-content and extension-definition of STIX 2.1
 * sections 4-7 (and the STIX 2.0 types for 2.0 content); anything else is
 * custom.
 */
#ifndef SG17_STIX_H
#define SG17_STIX_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "sg17/common.h"
#include "sg17/json.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Kind of a STIX type (STIX 2.1 section 2). */
typedef enum sg17_stix_kind {
    SG17_STIX_CUSTOM = 0, /**< not defined by STIX 2.1 */
    SG17_STIX_SDO = 1,
    SG17_STIX_SRO = 2,
    SG17_STIX_SCO = 3,
    SG17_STIX_META = 4,   /**< marking-definition, language-content, extension-definition */
    SG17_STIX_BUNDLE = 5,
} sg17_stix_kind;

/** Kind of a STIX type name. */
SG17_API sg17_stix_kind sg17_stix_type_kind(const char *type);

/**
 * Parse a STIX timestamp (STIX 2.1 3.2: RFC 3339, UTC 'Z', optional fraction).
 * Checks the calendar (day in month, leap years).
 * @param secs  seconds since 1970-01-01 (may be NULL)
 * @param nanos fraction in nanoseconds (first 9 digits; may be NULL)
 * @return 0 or SG17_E_FORMAT (also for calendar errors such as Feb 30).
 */
SG17_API SG17_MUST_CHECK int sg17_stix_timestamp_parse(const char *s, int64_t *secs,
                                                       uint32_t *nanos);

/**
 * Deterministic SCO identifier (STIX 2.1 2.9): UUIDv5 in the namespace
 * 00abedb4-aa42-466c-9c01-fed23315a9b7 over the canonical JSON (RFC 8785
 * subset: sorted keys, compact) of the object's ID-contributing properties.
 * @param sco  the SCO (its "type" selects the contributing properties)
 * @param out  receives "<type>--<uuid>" NUL-terminated
 * @return 0; SG17_E_FORMAT (no type, or none of the contributing properties
 *         present: the spec then asks for a UUIDv4); SG17_E_LIMIT (out too
 *         small); SG17_E_NOMEM.
 */
SG17_API SG17_MUST_CHECK int sg17_stix_sco_id(const json_t *sco, char *out, size_t out_len);

/** Validation options (mirroring the reference validator's options). */
typedef struct sg17_stix_vopts {
    int strict;            /**< SHOULD findings count as errors */
    int strict_types;      /**< reject custom object types */
    int strict_properties; /**< reject custom properties */
    int enforce_refs;      /**< embedded refs must resolve inside a bundle */
    int interop;           /**< interoperability profile */
    const char *version;   /**< "2.0", "2.1" or NULL (infer) */
    const char *const *disabled; /**< check names or codes ("401") to skip */
    size_t n_disabled;
    const char *const *enabled;  /**< checks to run (only these, plus groups) */
    size_t n_enabled;
    const char *registry_dir;    /**< IANA registry CSVs; NULL skips 271/272/273/charset */
} sg17_stix_vopts;

/** Longest finding message, NUL included (sg17_stix_finding_format()). */
#define SG17_STIX_MSG_MAX 240

/**
 * One finding: code 0 for a MUST error, else the SHOULD check code. The
 * message is "<object_id>: <text>" (sg17_stix_finding_format() joins it, at
 * most SG17_STIX_MSG_MAX - 1 characters); text starts with "{NNN} " for a
 * coded check. Both strings are owned by the report and shared between
 * findings (the same object id, the same text): a finding is 24 bytes however
 * long its message.
 */
typedef struct sg17_stix_finding {
    int code;
    int is_error;          /**< counts against validity */
    const char *object_id; /**< id of the object the finding is about ("" if none) */
    const char *text;      /**< the message after "<object_id>: " */
} sg17_stix_finding;

struct sg17_stix_msgpool;

/** Validation result. */
typedef struct sg17_stix_report {
    int valid;
    size_t n, cap;
    sg17_stix_finding *items;
    size_t n_objects;  /**< objects validated */
    struct sg17_stix_msgpool *pool; /**< internal: storage of the findings' strings */
} sg17_stix_report;

/**
 * The full message of a finding, "<object_id>: <text>", into buf
 * (NUL-terminated, truncated to len - 1; SG17_STIX_MSG_MAX always suffices).
 * @return buf (an empty string when f is NULL).
 */
SG17_API const char *sg17_stix_finding_format(const sg17_stix_finding *f, char *buf, size_t len);

/** Bytes a report holds (findings array + string pool), for accounting. */
SG17_API size_t sg17_stix_report_bytes(const sg17_stix_report *rep);

/** Name of a check code (check_codes of the reference), or NULL. */
SG17_API const char *sg17_stix_check_name(int code);

/**
 * Validate a STIX object or bundle (STIX 2.1 MUST rules; SHOULD checks as
 * selected by opts).
 * @return 0 (verdict in rep->valid); SG17_E_FORMAT when inst is not an object
 *         with string "type" and "id" (the reference raises there);
 *         SG17_E_INVAL for an unknown check name/code; SG17_E_NOMEM.
 *         Release rep with sg17_stix_report_free() in every case.
 */
SG17_API SG17_MUST_CHECK int sg17_stix_validate(const json_t *inst, const sg17_stix_vopts *opts,
                                                sg17_stix_report *rep);

/**
 * A parsed STIX document in sg17's compact JSON DOM (the fast path: one pass,
 * strings unescaped in place, ~16 bytes per value). Parsing accepts and
 * rejects exactly what sg17_json_parse() does (RFC 8259, duplicate keys,
 * UTF-8, caps) and yields the same values.
 */
typedef struct sg17_stix_doc sg17_stix_doc;

/**
 * Parse JSON text into a document, taking ownership of buf (a malloc'd
 * buffer, modified in place and freed with the document, also on error).
 * The unescaped strings are packed at the front of buf; the pages of text
 * already consumed are given back to the system while parsing, and buf
 * shrinks to the strings afterwards.
 * @param lim  caps as sg17_json_parse() (NULL: defaults)
 * @param err  optional; line, column, position and text on failure
 * @return 0; SG17_E_FORMAT (malformed JSON, duplicate key, invalid UTF-8,
 *         trailing data), SG17_E_LIMIT (size or depth), SG17_E_NOMEM,
 *         SG17_E_INVAL.
 */
SG17_API SG17_MUST_CHECK int sg17_stix_doc_parse(char *buf, size_t len,
                                                 const sg17_json_limits *lim,
                                                 sg17_stix_doc **out, sg17_json_error *err);

/**
 * Read path ("-" = standard input; at most lim->max_bytes) and parse it with
 * the acceptance, values and errors of sg17_stix_doc_parse(), 64 KiB at a
 * time as it is read: the text is never held whole, only the unescaped
 * strings and the DOM nodes (ATT&CK for ICS: the document is 1.10 x the file
 * by allocator accounting). Read errors name the file; parse errors give line and column.
 * @return as sg17_stix_doc_parse(), plus SG17_E_IO when it cannot be read.
 */
SG17_API SG17_MUST_CHECK int sg17_stix_doc_load(const char *path, const sg17_json_limits *lim,
                                                sg17_stix_doc **out, sg17_json_error *err);

/** Validate a parsed document: same options, results and return values as
 *  sg17_stix_validate(). */
SG17_API SG17_MUST_CHECK int sg17_stix_validate_doc(const sg17_stix_doc *doc,
                                                    const sg17_stix_vopts *opts,
                                                    sg17_stix_report *rep);

/** Bytes a document holds (strings + DOM nodes), for memory accounting. */
SG17_API size_t sg17_stix_doc_bytes(const sg17_stix_doc *doc);

/** Free a document (NULL is a no-op). */
SG17_API void sg17_stix_doc_free(sg17_stix_doc *doc);

/** Free the findings of a report (the struct itself is the caller's). */
SG17_API void sg17_stix_report_free(sg17_stix_report *rep);

/** Object census of a bundle (or a single object). */
typedef struct sg17_stix_census {
    size_t objects;
    size_t unique_ids;
    size_t revoked;
    size_t relationships;
} sg17_stix_census;

/**
 * Count objects, unique ids, revoked objects and relationships.
 * @return 0 or SG17_E_FORMAT (not an object) / SG17_E_NOMEM.
 */
SG17_API SG17_MUST_CHECK int sg17_stix_census_of(const json_t *inst, sg17_stix_census *c);

/**
 * Canonical serialisation: compact, keys sorted, UTF-8 (same value, same
 * bytes). *out is malloc'd.
 * @return 0, SG17_E_INVAL, SG17_E_NOMEM.
 */
SG17_API SG17_MUST_CHECK int sg17_stix_serialise(const json_t *inst, char **out, size_t *len);

/**
 * Streaming over a bundle: calls cb for each element of the top-level
 * "objects" array, parsing one object at a time (memory bounded by the
 * largest object, not the file). Keys outside "objects" are skipped.
 * Each object is parsed with sg17_json_parse (duplicate keys rejected).
 * @param cb returns 0 to continue, non-zero to stop (returned as is)
 * @return 0, cb's value, SG17_E_IO, SG17_E_FORMAT, SG17_E_LIMIT, SG17_E_NOMEM.
 */
SG17_API SG17_MUST_CHECK int sg17_stix_stream_file(const char *path, size_t max_object,
                                                   int (*cb)(json_t *obj, void *ctx), void *ctx);

/**
 * Streaming validation on the fast DOM: each element of the top-level
 * "objects" array of the bundle at path is parsed on its own (jdom, same
 * acceptance as sg17_json_parse, default caps) and validated as
 * sg17_stix_validate() would validate that element alone; memory is bounded
 * by the largest object.
 * @param cb  gets the validation's return (0, or SG17_E_FORMAT for an element
 *            that is not an object with "type" and "id") and the report (its
 *            findings are valid during the call only); returns 0 to go on,
 *            non-zero to stop (returned as is)
 * @return 0, cb's value, SG17_E_IO, SG17_E_FORMAT (malformed JSON),
 *         SG17_E_LIMIT, SG17_E_NOMEM, SG17_E_INVAL (also an unknown check in
 *         opts).
 */
SG17_API SG17_MUST_CHECK int sg17_stix_stream_validate(
    const char *path, size_t max_object, const sg17_stix_vopts *opts,
    int (*cb)(int vrc, const sg17_stix_report *rep, void *ctx), void *ctx);

#ifdef __cplusplus
}
#endif
#endif /* SG17_STIX_H */
