/*
 * sg17/consult.h - the consultation a TSB Circular runs (WTSA Resolution 1
 * §9.4, traditional approval process), as TSB Circular 268 does for SG17:
 * circulars with their drafts, reply deadline and threshold (data, not
 * code), the ITU Member States list, the Annex 2 reply form (authorize with
 * or without comments, or not authorize with reasons), replies signed by the
 * administration (ML-DSA-65 by default, any sg17/pqc.h signature algorithm)
 * and checked on arrival, and the per-draft tally under the threshold rule in
 * exact integer arithmetic. Formats and signed bytes: docs/CONSULT.md.
 */
#ifndef SG17_CONSULT_H
#define SG17_CONSULT_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "sg17/common.h"
#include "sg17/json.h"
#include "sg17/pqc.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Default signature algorithm for replies. */
#define SG17_CONSULT_DEFAULT_ALG "ml-dsa-65"
/** Caps: drafts per circular, bytes of a reply envelope, of a text field. */
#define SG17_CONSULT_MAX_DRAFTS 64U
#define SG17_CONSULT_MAX_ENVELOPE_BYTES ((size_t)256 * 1024)
#define SG17_CONSULT_MAX_SHORT_TEXT 512U
#define SG17_CONSULT_MAX_LONG_TEXT 16384U
/** The domain-separation line that precedes the canonical reply in the
 *  signed message (docs/CONSULT.md, "What is signed"). */
#define SG17_CONSULT_SIGNED_PREFIX "sg17-consult-reply-v1\n"

/* ---- time ---------------------------------------------------------------- */

/**
 * Parse a UTC timestamp "YYYY-MM-DDTHH:MM:SSZ" (RFC 3339, no fraction, no
 * offset other than Z) into seconds since 1970-01-01T00:00:00Z.
 * @return 0 or SG17_E_FORMAT.
 */
SG17_API SG17_MUST_CHECK int sg17_consult_time_parse(const char *s, int64_t *out);

/** Format t as "YYYY-MM-DDTHH:MM:SSZ" into out (at least 21 bytes). */
SG17_API void sg17_consult_time_format(int64_t t, char out[21]);

/* ---- circulars ----------------------------------------------------------- */

typedef struct sg17_consult_circular sg17_consult_circular;

/** One draft Recommendation announced by a circular (borrowed strings). */
typedef struct sg17_consult_draft {
    const char *number;      /**< e.g. "X.1811" */
    const char *provisional; /**< provisional name, e.g. "X.5Gsec-q" */
    const char *title;
    const char *summary;
} sg17_consult_draft;

/**
 * Parse a circular (docs/CONSULT.md "Circular"): number, date (or null),
 * study group, meeting, procedure, deadline (UTC, last second accepted),
 * threshold_percent (1..100) and 1..SG17_CONSULT_MAX_DRAFTS drafts with
 * distinct numbers. Unknown keys are refused.
 * @return 0, SG17_E_FORMAT (err says which key), SG17_E_LIMIT, SG17_E_NOMEM.
 */
SG17_API SG17_MUST_CHECK int sg17_consult_circular_parse(const char *json, size_t len,
                                                         sg17_consult_circular **out,
                                                         sg17_json_error *err);
SG17_API void sg17_consult_circular_free(sg17_consult_circular *c);
SG17_API long sg17_consult_circular_number(const sg17_consult_circular *c);
/** The last second (inclusive) at which a reply is accepted. */
SG17_API int64_t sg17_consult_circular_deadline(const sg17_consult_circular *c);
SG17_API unsigned sg17_consult_circular_threshold(const sg17_consult_circular *c);
SG17_API size_t sg17_consult_circular_draft_count(const sg17_consult_circular *c);
/** Draft i (< draft_count), or NULL. */
SG17_API const sg17_consult_draft *sg17_consult_circular_draft(const sg17_consult_circular *c,
                                                               size_t i);
/** Text fields: "date" (NULL when unknown), "study_group", "meeting",
 *  "procedure", "issuer"; NULL for any other name. */
SG17_API const char *sg17_consult_circular_field(const sg17_consult_circular *c,
                                                 const char *name);
/** Canonical JSON text of the circular (sg17_json_dump_canonical); free(). */
SG17_API SG17_MUST_CHECK int sg17_consult_circular_canonical(const sg17_consult_circular *c,
                                                             char **out, size_t *len);

/* ---- Member States -------------------------------------------------------- */

typedef struct sg17_consult_states sg17_consult_states;

/**
 * Parse the Member States list (data/consult/member_states.json): an object
 * with "member_states": [{"id": ISO alpha-3, "alpha2", "name"}...] and a
 * "count" that must equal the number of entries; ids unique.
 * @return 0, SG17_E_FORMAT, SG17_E_NOMEM.
 */
SG17_API SG17_MUST_CHECK int sg17_consult_states_parse(const char *json, size_t len,
                                                       sg17_consult_states **out,
                                                       sg17_json_error *err);
SG17_API void sg17_consult_states_free(sg17_consult_states *s);
SG17_API size_t sg17_consult_states_count(const sg17_consult_states *s);
/** Name of Member State i, its id through *id (optional); NULL if i is out of range. */
SG17_API const char *sg17_consult_states_at(const sg17_consult_states *s, size_t i,
                                            const char **id);
/** Name of the Member State with this id, or NULL if it is not on the list. */
SG17_API const char *sg17_consult_states_name(const sg17_consult_states *s, const char *id);

/* ---- replies (Annex 2) ----------------------------------------------------- */

/** Outcome of checking a reply on arrival. */
typedef enum sg17_consult_refusal {
    SG17_CONSULT_ACCEPTED = 0,
    SG17_CONSULT_MALFORMED,      /**< not a reply envelope / reply document */
    SG17_CONSULT_WRONG_CIRCULAR, /**< reply is for another circular */
    SG17_CONSULT_LATE,           /**< arrived after the deadline */
    SG17_CONSULT_UNKNOWN_ADMIN,  /**< not a Member State, or no signing key registered */
    SG17_CONSULT_UNSIGNED,       /**< no signature */
    SG17_CONSULT_BAD_SIGNATURE,  /**< signature invalid (or wrong algorithm) */
    SG17_CONSULT_INCOMPLETE,     /**< sender name/title/address, date or place missing */
    SG17_CONSULT_UNKNOWN_DRAFT,  /**< a draft that is not in the circular */
    SG17_CONSULT_DUPLICATE_DRAFT,/**< the same draft answered twice */
    SG17_CONSULT_BOTH_BOXES,     /**< authorize and not authorize both ticked */
    SG17_CONSULT_NO_BOX,         /**< neither ticked, or a draft not answered */
    SG17_CONSULT_NO_REASONS,     /**< not authorize without reasons */
} sg17_consult_refusal;

/** Stable lower-case name of a refusal ("accepted", "late", "unsigned", ...). */
SG17_API const char *sg17_consult_refusal_name(int refusal);

/** A verdict: the refusal (SG17_CONSULT_ACCEPTED = 0) and a human reason. */
typedef struct sg17_consult_verdict {
    int refusal;
    char administration[16]; /**< the claimed administration id, if read */
    char reason[256];
} sg17_consult_verdict;

/**
 * Check the content of a reply document against the circular (Annex 2):
 * every draft of the circular answered exactly once, exactly one of
 * authorize / not_authorize ticked, reasons given when not authorizing, no
 * draft outside the circular, sender name, title, address, date and place
 * present. Signature and deadline are not looked at.
 * @return 0 with v filled (v->refusal 0 = valid); SG17_E_INVAL on NULL args.
 */
SG17_API SG17_MUST_CHECK int sg17_consult_reply_validate(const sg17_consult_circular *c,
                                                         const json_t *reply,
                                                         sg17_consult_verdict *v);

/**
 * The bytes a reply signature covers: SG17_CONSULT_SIGNED_PREFIX followed by
 * the canonical JSON of the reply object (sg17_json_dump_canonical).
 * @return 0, SG17_E_INVAL, SG17_E_NOMEM. *out is malloc'd.
 */
SG17_API SG17_MUST_CHECK int sg17_consult_reply_signed_bytes(const json_t *reply, uint8_t **out,
                                                             size_t *len);

/**
 * Sign a reply document (JSON text of the reply object) with the
 * administration's private key and return the envelope
 * {"reply": ..., "signature": {"alg": ALG, "value": HEX}} as JSON text.
 * The reply must be structurally a reply (sg17_consult_reply_validate is
 * not required: a circular is not needed to sign).
 * @return 0, SG17_E_FORMAT (not a reply object), SG17_E_INVAL (not a
 *         private signature key), SG17_E_NOMEM, errors of sg17_pqc_sign.
 */
SG17_API SG17_MUST_CHECK int sg17_consult_reply_sign(sg17_pqc_key *key, const char *reply_json,
                                                     size_t len, char **envelope,
                                                     size_t *env_len);

/** Finds the registered public key of an administration: 0 and *key (owned
 *  by the callee, valid until the next call), or SG17_E_NOTFOUND. */
typedef int (*sg17_consult_key_lookup)(void *arg, const char *administration,
                                       const sg17_pqc_key **key);

/**
 * Check a reply envelope on arrival, in this order: well-formed envelope
 * (MALFORMED), reply for this circular (WRONG_CIRCULAR), arrival <= deadline
 * (LATE), administration on the Member States list when states is not NULL
 * and with a registered key (UNKNOWN_ADMIN), signature present (UNSIGNED)
 * and valid under that key and its algorithm (BAD_SIGNATURE), then the
 * content (sg17_consult_reply_validate).
 * @param reply_out  optional; on acceptance a new reference to the reply object
 * @return 0 when a verdict was reached (see v->refusal); SG17_E_INVAL,
 *         SG17_E_NOMEM on operational failure.
 */
SG17_API SG17_MUST_CHECK int sg17_consult_reply_check(const sg17_consult_circular *c,
                                                      const sg17_consult_states *states,
                                                      sg17_consult_key_lookup lookup, void *arg,
                                                      const char *envelope, size_t len,
                                                      int64_t arrival, sg17_consult_verdict *v,
                                                      json_t **reply_out);

/** Parse a PEM "PUBLIC KEY" from memory (any sg17/pqc.h signature algorithm).
 *  @return 0, SG17_E_FORMAT, SG17_E_UNSUPPORTED, SG17_E_NOMEM. */
SG17_API SG17_MUST_CHECK int sg17_consult_pubkey_parse(const char *pem, size_t len,
                                                       sg17_pqc_key **out);

/* ---- tally and decision --------------------------------------------------- */

/**
 * The threshold rule in exact integer arithmetic: 1 when received > 0 and
 * support * 100 >= threshold_percent * received, else 0 (Res. 1 §9.4: the
 * study group may proceed when at least 70 % of the replies support it).
 */
SG17_API int sg17_consult_decide(uint64_t support, uint64_t received, unsigned threshold_percent);

typedef struct sg17_consult_tally sg17_consult_tally;

/** Counts for one draft. */
typedef struct sg17_consult_result {
    const char *draft;           /**< draft number (borrowed from the circular) */
    size_t received;             /**< administrations whose current reply counts */
    size_t authorize_plain;      /**< authorize, no comments */
    size_t authorize_comments;   /**< authorize with comments / proposed modifications */
    size_t not_authorize;
    size_t support;              /**< authorize_plain + authorize_comments */
    int approved;                /**< sg17_consult_decide(support, received, threshold) */
} sg17_consult_result;

/** A tally over one circular. The circular must outlive the tally. */
SG17_API SG17_MUST_CHECK int sg17_consult_tally_new(const sg17_consult_circular *c,
                                                    sg17_consult_tally **out);
SG17_API void sg17_consult_tally_free(sg17_consult_tally *t);

/**
 * Count an accepted reply (checked with sg17_consult_reply_check). A later
 * reply from the same administration replaces its earlier one; the number
 * of replies seen from it is kept (history).
 * @return 0, SG17_E_FORMAT (not valid for this circular), SG17_E_NOMEM, SG17_E_LIMIT.
 */
SG17_API SG17_MUST_CHECK int sg17_consult_tally_add(sg17_consult_tally *t, const json_t *reply);

/** Result for draft i of the circular. @return 0 or SG17_E_INVAL. */
SG17_API SG17_MUST_CHECK int sg17_consult_tally_result(const sg17_consult_tally *t, size_t i,
                                                       sg17_consult_result *r);

/** Output formats of sg17_consult_tally_render. */
typedef enum sg17_consult_format {
    SG17_CONSULT_TEXT = 0,
    SG17_CONSULT_JSON = 1,
    SG17_CONSULT_HTML = 2,
} sg17_consult_format;

/**
 * Render the tally: per draft the counts, the support share (exact, as
 * "support/received" and a percentage rounded down to 0.01 % by integer
 * arithmetic), the decision, the comments and the reasons with possible
 * modifications, each with its administration. JSON is canonical.
 * @return 0, SG17_E_NOMEM. *out is malloc'd, NUL-terminated.
 */
SG17_API SG17_MUST_CHECK int sg17_consult_tally_render(const sg17_consult_tally *t,
                                                       sg17_consult_format fmt, char **out,
                                                       size_t *len);

/* ---- the Annex 2 form ------------------------------------------------------ */

/**
 * Render the Annex 2 reply form of a circular in lang "en" or "zh", as plain
 * text or (html != 0) a standalone HTML page (UTF-8).
 * @return 0, SG17_E_UNSUPPORTED (other language), SG17_E_NOMEM.
 */
SG17_API SG17_MUST_CHECK int sg17_consult_form_render(const sg17_consult_circular *c,
                                                      const char *lang, int html, char **out,
                                                      size_t *len);

/* ---- the store: a directory (CLI default) or SQLite tables (sg17d) -------- */

typedef struct sg17_consult_store sg17_consult_store;

/**
 * Open (creating if absent) the consultation tables of an SQLite database
 * file, e.g. sg17d's own database: consult_member_states, consult_circulars,
 * consult_keys, consult_replies (every accepted reply, numbered per
 * administration; the highest is current) and consult_refusals (every
 * refused submission, for the record). WAL journal, busy timeout 5 s; each
 * call below is one transaction (writes take the write lock first), so the
 * daemon and `sg17 consult --db` may share the file. Same semantics as the
 * directory store otherwise (docs/CONSULT.md "Storage").
 * @return 0, SG17_E_IO (cannot open / not a database), SG17_E_NOMEM.
 */
SG17_API SG17_MUST_CHECK int sg17_consult_store_open_db(const char *path,
                                                        sg17_consult_store **out);

/** "dir" or "sqlite". */
SG17_API const char *sg17_consult_store_backend(const sg17_consult_store *s);

/** What sg17_consult_store_import_store copied and skipped. */
typedef struct sg17_consult_import_stats {
    size_t states;    /**< 1 when the Member States list was copied */
    size_t circulars; /**< circulars copied */
    size_t keys;      /**< administration keys copied */
    size_t replies;   /**< replies copied (with their arrival times and order) */
    size_t skipped;   /**< documents or reply histories already in dst, identical or longer */
} sg17_consult_import_stats;

/**
 * Copy the content of src (e.g. a directory store) into dst (e.g. the
 * SQLite store), in one transaction of dst: the Member States list,
 * circulars, keys, and every kept reply with its arrival time, in order.
 * Re-running is a no-op: a document already in dst with the same content,
 * and a reply history dst already holds at least as long, are skipped.
 * Conflicts (a different list, circular or key; a shorter non-empty
 * history in dst) return SG17_E_EXISTS and change nothing.
 * @return 0, SG17_E_EXISTS, SG17_E_IO, SG17_E_FORMAT, SG17_E_NOMEM.
 */
SG17_API SG17_MUST_CHECK int sg17_consult_store_import_store(sg17_consult_store *dst,
                                                             sg17_consult_store *src,
                                                             sg17_consult_import_stats *st);

/** Number of refused submissions recorded for circular `number`.
 *  @return 0, SG17_E_UNSUPPORTED (the directory store does not record them). */
SG17_API SG17_MUST_CHECK int sg17_consult_store_refusals(sg17_consult_store *s, long number,
                                                         size_t *count);

/**
 * Open (creating with mode 0700) a store directory: member_states.json,
 * circulars/N.json, keys/ADMIN.pub, replies/N/ADMIN/SEQ.json (every
 * accepted reply kept; the highest SEQ is current). One writer at a time.
 * @return 0, SG17_E_IO, SG17_E_NOMEM.
 */
SG17_API SG17_MUST_CHECK int sg17_consult_store_open(const char *dir, sg17_consult_store **out);
SG17_API void sg17_consult_store_free(sg17_consult_store *s);

/** Import (replace) the Member States list after parsing it.
 *  @return 0, SG17_E_FORMAT, SG17_E_IO, ... */
SG17_API SG17_MUST_CHECK int sg17_consult_store_import_states(sg17_consult_store *s,
                                                              const char *json, size_t len,
                                                              sg17_json_error *err);

/** Import a circular. Re-importing the same content is a no-op; different
 *  content for a number already stored is SG17_E_EXISTS.
 *  @param number  optional; receives the circular number */
SG17_API SG17_MUST_CHECK int sg17_consult_store_import_circular(sg17_consult_store *s,
                                                                const char *json, size_t len,
                                                                long *number,
                                                                sg17_json_error *err);

/** Load circular `number`. @return 0, SG17_E_NOTFOUND, SG17_E_FORMAT, ... */
SG17_API SG17_MUST_CHECK int sg17_consult_store_circular(sg17_consult_store *s, long number,
                                                         sg17_consult_circular **out);

/** Register (replace) the signing public key (PEM) of an administration;
 *  the id must be on the imported Member States list.
 *  @return 0, SG17_E_NOTFOUND (not a Member State / no list), SG17_E_FORMAT,
 *          SG17_E_INVAL (not a signature key), SG17_E_IO. */
SG17_API SG17_MUST_CHECK int sg17_consult_store_register_key(sg17_consult_store *s,
                                                             const char *administration,
                                                             const char *pem, size_t len);

/**
 * Check a reply envelope against circular `number` (sg17_consult_reply_check
 * with the stored Member States and keys) and, when accepted, keep it as the
 * administration's current reply (earlier ones stay as history).
 * @return 0 when a verdict was reached (v->refusal), else a negative error.
 */
SG17_API SG17_MUST_CHECK int sg17_consult_store_submit(sg17_consult_store *s, long number,
                                                       const char *envelope, size_t len,
                                                       int64_t arrival,
                                                       sg17_consult_verdict *v);

/** Number of accepted replies kept for an administration (history length). */
SG17_API SG17_MUST_CHECK int sg17_consult_store_history(sg17_consult_store *s, long number,
                                                        const char *administration,
                                                        size_t *count);

/** Tally circular `number` from the current replies. *c receives the circular
 *  (free after the tally). @return 0, SG17_E_NOTFOUND, SG17_E_FORMAT, ... */
SG17_API SG17_MUST_CHECK int sg17_consult_store_tally(sg17_consult_store *s, long number,
                                                      sg17_consult_circular **c,
                                                      sg17_consult_tally **t);

#ifdef __cplusplus
}
#endif
#endif /* SG17_CONSULT_H */
