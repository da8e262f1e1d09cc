/*
 * sg17/assess.h - quantum-readiness assessment of a 5G system's cryptographic
 * inventory (X.1811 cl. 7-8: inventory of IMT-2020 cryptography, assessment
 * against Shor and Grover, migration guidance). docs/ASSESS.md documents the
 * inventory schema, the tables and the verdict terms.
 *
 * Every algorithm is looked up in a fixed table; a name that is not in it is
 * reported as unknown, never guessed. Security is given in bits for a
 * classical and for a quantum adversary: Grover halves symmetric key lengths
 * and hash preimage resistance; Shor breaks RSA, finite-field and elliptic
 * curve DH and signatures (0 bits); a NIST PQC category counts like the AES
 * key search that defines it (category 1/3/5 = AES-128/192/256).
 */
#ifndef SG17_ASSESS_H
#define SG17_ASSESS_H

#include "sg17/common.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Verdicts (docs/ASSESS.md gives the X.1811-style wording of each). */
typedef enum sg17_assess_verdict {
    SG17_ASSESS_UNKNOWN = 0, /**< algorithm not in the table, or key length missing */
    SG17_ASSESS_WEAK = 1,    /**< inadequate already against classical attack */
    SG17_ASSESS_VULNERABLE =
        2, /**< "broken": by a cryptographically relevant quantum computer (Shor) */
    SG17_ASSESS_REDUCED = 3,   /**< "reduced": Grover leaves 64..95 bits; 256-bit for long life */
    SG17_ASSESS_RESISTANT = 4, /**< "resistant": >= 96 bits against a quantum adversary */
    SG17_ASSESS_INFO = 5,      /**< protocol version: no bits, a migration prerequisite note */
} sg17_assess_verdict;

/** What an item is used for; decides harvest-now-decrypt-later exposure. */
typedef enum sg17_assess_use {
    SG17_ASSESS_USE_DEFAULT = 0, /**< take the algorithm's usual use */
    SG17_ASSESS_USE_KEY_EXCHANGE,
    SG17_ASSESS_USE_ENCRYPTION,
    SG17_ASSESS_USE_INTEGRITY,
    SG17_ASSESS_USE_AUTHENTICATION,
    SG17_ASSESS_USE_SIGNATURE,
    SG17_ASSESS_USE_HASH,
    SG17_ASSESS_USE_KEY, /**< a long-term or derived symmetric key (K, KAUSF, ...) */
    SG17_ASSESS_USE_PROTOCOL,
} sg17_assess_use;

/** Result of assessing one algorithm. Strings are static. */
typedef struct sg17_assess_result {
    char algorithm[64]; /**< canonical name, or the input name (cut) when unknown */
    const char *kind;   /**< "symmetric cipher", "key exchange", ... ("unknown") */
    int key_bits;       /**< key / modulus / hash length used, -1 if n/a */
    int classical_bits; /**< -1 unknown or n/a */
    int quantum_bits;   /**< -1 unknown or n/a; 0 = broken by Shor */
    const char *attack; /**< "Shor", "Grover", "none known beyond Grover", "n/a" */
    sg17_assess_verdict verdict;
    sg17_assess_use use;     /**< effective use */
    int hndl;                /**< 1 if recorded traffic is exposed later (confidentiality) */
    int priority;            /**< 0 fix now, 1..4 migration order, 5 none, -1 review (unknown) */
    const char *replacement; /**< recommended replacement, "" if none needed */
    const char *note;        /**< why, or "" */
} sg17_assess_result;

/** Verdict and use names ("vulnerable", "key-exchange", ...). */
SG17_API const char *sg17_assess_verdict_name(sg17_assess_verdict v);
SG17_API const char *sg17_assess_use_name(sg17_assess_use u);
/** Parse a use name; SG17_E_FORMAT if unknown. */
SG17_API SG17_MUST_CHECK int sg17_assess_use_from_name(const char *name, sg17_assess_use *u);
/** Human text for a priority (e.g. "1 (harvest-now-decrypt-later)"). */
SG17_API const char *sg17_assess_priority_name(int priority);

/**
 * Assess one algorithm (names are matched case-insensitively, '_' and ' '
 * read as '-'). key_bits <= 0 means "not given"; it is required for
 * variable-size algorithms (RSA, DH, HMAC keys, symmetric keys) and must
 * match a fixed-size algorithm's key length.
 * @return 0 (out filled, possibly with verdict UNKNOWN and a note);
 *         SG17_E_INVAL for NULL arguments.
 */
SG17_API SG17_MUST_CHECK int sg17_assess_algorithm(const char *name, int key_bits,
                                                   sg17_assess_use use, sg17_assess_result *out);

/** An assessed inventory. */
typedef struct sg17_assess_report sg17_assess_report;

/** Output formats of sg17_assess_render. */
typedef enum sg17_assess_format {
    SG17_ASSESS_TEXT = 0,
    SG17_ASSESS_JSON = 1,
    SG17_ASSESS_HTML = 2,
} sg17_assess_format;

/**
 * Parse and assess an inventory (JSON, schema "sg17-assess-1" in
 * docs/ASSESS.md; at most 1 MiB and 1000 items).
 * @param err  optional: at least 160 bytes for a message naming the item and
 *             field at fault
 * @return 0, SG17_E_FORMAT (not JSON or not the schema), SG17_E_LIMIT, SG17_E_NOMEM.
 */
SG17_API SG17_MUST_CHECK int sg17_assess_inventory(const char *json, size_t len,
                                                   sg17_assess_report **out, char *err,
                                                   size_t err_cap);
SG17_API void sg17_assess_report_free(sg17_assess_report *r);
/** Number of items; the i-th item's id, area, name and result (NULL past the end). */
SG17_API size_t sg17_assess_report_count(const sg17_assess_report *r);
SG17_API const sg17_assess_result *sg17_assess_report_item(const sg17_assess_report *r, size_t i,
                                                           const char **id, const char **area,
                                                           const char **name);
/** Count of items with verdict v. */
SG17_API size_t sg17_assess_report_verdicts(const sg17_assess_report *r, sg17_assess_verdict v);

/**
 * Render the report: a text table sorted by priority, JSON, or a
 * self-contained HTML page (all input text escaped). *out is malloc'd and
 * NUL-terminated.
 * @return 0, SG17_E_INVAL, SG17_E_NOMEM.
 */
SG17_API SG17_MUST_CHECK int sg17_assess_render(const sg17_assess_report *r, sg17_assess_format fmt,
                                                char **out, size_t *out_len);

#ifdef __cplusplus
}
#endif
#endif /* SG17_ASSESS_H */
