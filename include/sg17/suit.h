/*
 * sg17/suit.h - SUIT manifests for X.1368 secure firmware update
 * (draft-ietf-suit-manifest-37, RFC 9124 information model): envelope
 * decoding with caps, the SUIT_Digest over the bstr-wrapped manifest,
 * authentication blocks (COSE_Sign1 / COSE_Mac0, sg17/cose.h) under a device
 * policy (any-of / all-of trust anchors, post-quantum required), anti-rollback
 * on the sequence number, severable elements, integrated payloads, the
 * command sequences (shared, payload-fetch, install, validate, load, invoke)
 * run against device callbacks, and SUIT_Encryption_Info
 * (draft-ietf-suit-firmware-encryption: A128KW, ECDH-ES+A128KW, A128GCM,
 * A128CTR, and the sg17 ML-KEM-768 key-transport profile of docs/SUIT.md).
 *
 * Nothing here recurses on input: nested command sequences run on an
 * explicit stack of SG17_SUIT_MAX_NESTING frames.
 */
#ifndef SG17_SUIT_H
#define SG17_SUIT_H

#include <stddef.h>
#include <stdint.h>

#include "sg17/buf.h"
#include "sg17/common.h"
#include "sg17/cose.h"

#ifdef __cplusplus
extern "C" {
#endif

#define SG17_SUIT_TAG_ENVELOPE 107
/** Largest envelope accepted (integrated payloads included). */
#define SG17_SUIT_MAX_ENVELOPE_BYTES ((size_t)32 * 1024 * 1024)
/** Largest payload fetched/decrypted in memory. */
#define SG17_SUIT_MAX_PAYLOAD_BYTES ((size_t)64 * 1024 * 1024)
#define SG17_SUIT_MAX_AUTH_BLOCKS 8
#define SG17_SUIT_MAX_COMPONENTS 16
/** try-each / run-sequence nesting. */
#define SG17_SUIT_MAX_NESTING 6
/** Reason buffers passed as (why, why_len) should hold this much. */
#define SG17_SUIT_WHY_BYTES 256

/* Envelope / manifest member keys (draft-ietf-suit-manifest-37 §8, IANA). */
#define SG17_SUIT_ENV_AUTH 2
#define SG17_SUIT_ENV_MANIFEST 3
#define SG17_SUIT_MAN_VERSION 1
#define SG17_SUIT_MAN_SEQUENCE 2
#define SG17_SUIT_MAN_COMMON 3
#define SG17_SUIT_MAN_REFERENCE_URI 4
#define SG17_SUIT_MAN_VALIDATE 7
#define SG17_SUIT_MAN_LOAD 8
#define SG17_SUIT_MAN_INVOKE 9
#define SG17_SUIT_MAN_COSWID 14
#define SG17_SUIT_MAN_DEPENDENCY_RESOLUTION 15
#define SG17_SUIT_MAN_PAYLOAD_FETCH 16
#define SG17_SUIT_MAN_INSTALL 20
#define SG17_SUIT_MAN_TEXT 23

typedef struct sg17_suit_envelope sg17_suit_envelope;

/** Summary of a decoded envelope (sg17_suit_summary). */
typedef struct sg17_suit_summary {
    int tagged;                /**< CBOR tag 107 present */
    uint64_t manifest_version; /**< must be 1 */
    uint64_t sequence_number;
    int64_t digest_alg;        /**< SUIT_Digest alg of the auth wrapper (-16 = SHA-256) */
    int digest_ok;             /**< SHA-256(bstr(manifest)) equals the wrapper's digest */
    uint8_t manifest_digest[32];
    size_t auth_blocks;
    size_t components;
    size_t integrated;         /**< text-keyed integrated payloads / dependencies */
    /** Severable members 14, 16, 20, 23: 0 absent, 1 inline in the manifest,
     *  2 severed (digest only), 3 severed and present in the envelope. */
    int severable[4];
    size_t manifest_len;
} sg17_suit_summary;

/** Index of a severable member key in sg17_suit_summary.severable, or -1. */
SG17_API int sg17_suit_severable_index(int64_t key);

/**
 * Decode an envelope (draft -37 §8.2): tag 107 optional, map with the
 * authentication wrapper (2) and the manifest (3) as bstr, each decoded with
 * the caps of sg17/cbor.h. Computes the manifest digest but authenticates
 * nothing.
 * @return 0, SG17_E_FORMAT (why says where), SG17_E_LIMIT, SG17_E_NOMEM,
 *         SG17_E_INVAL.
 */
SG17_API SG17_MUST_CHECK int sg17_suit_decode(const uint8_t *buf, size_t len,
                                              sg17_suit_envelope **env, char *why,
                                              size_t why_len);
/** Release an envelope; NULL is a no-op. */
SG17_API void sg17_suit_free(sg17_suit_envelope *env);

/** Fill a summary (cannot fail for a decoded envelope). */
SG17_API void sg17_suit_summary_get(const sg17_suit_envelope *env, sg17_suit_summary *s);

/** Authentication block i (raw COSE bytes, borrowed). @return 0 or SG17_E_NOTFOUND. */
SG17_API SG17_MUST_CHECK int sg17_suit_auth_block(const sg17_suit_envelope *env, size_t i,
                                                  const uint8_t **cose, size_t *len);

/** The manifest bytes (content of envelope key 3, borrowed). */
SG17_API const uint8_t *sg17_suit_manifest(const sg17_suit_envelope *env, size_t *len);

/** Append the CBOR encoding of SUIT_Component_Identifier i (array of bstr) to out.
 *  @return 0, SG17_E_NOTFOUND, SG17_E_LIMIT, SG17_E_NOMEM. */
SG17_API SG17_MUST_CHECK int sg17_suit_component_id(const sg17_suit_envelope *env, size_t i,
                                                    sg17_buf *out);

/** The detached COSE payload (draft -37 §8.3): the SUIT_Digest encoding held in
 *  auth wrapper element 0; Sig_structure/MAC_structure carry it as a bstr.
 *  Appended to out. */
SG17_API SG17_MUST_CHECK int sg17_suit_signed_payload(const sg17_suit_envelope *env,
                                                      sg17_buf *out);

/** How several trust anchors combine. */
typedef enum sg17_suit_mode {
    SG17_SUIT_ANY_OF = 0, /**< one anchor with a valid block suffices */
    SG17_SUIT_ALL_OF = 1, /**< every anchor needs a valid block (hybrid: classical AND PQ) */
} sg17_suit_mode;

/** A payload decryption key of the device (draft-ietf-suit-firmware-encryption). */
typedef enum sg17_suit_dec_type {
    SG17_SUIT_DEC_A128KW = 1,   /**< 16-byte KEK (recipient alg -3) */
    SG17_SUIT_DEC_ECDH_P256 = 2, /**< 32-byte private scalar (recipient alg -29, ECDH-ES+A128KW) */
    SG17_SUIT_DEC_MLKEM768 = 3, /**< ML-KEM-768 decapsulation key (2400 B) or 64-byte seed (sg17 profile) */
} sg17_suit_dec_type;

typedef struct sg17_suit_dec_key {
    sg17_suit_dec_type type;
    const uint8_t *key;
    size_t key_len;
} sg17_suit_dec_key;

/** Device policy (X.1368 cl. 8: the device checks authenticity and applicability). */
typedef struct sg17_suit_policy {
    const sg17_cose_key *anchors; /**< trust anchors */
    size_t n_anchors;
    sg17_suit_mode mode;
    int require_pq;          /**< at least one HSS-LMS / ML-DSA block must verify */
    int has_vendor_id;       /**< check condition-vendor-identifier against vendor_id */
    uint8_t vendor_id[16];
    int has_class_id;
    uint8_t class_id[16];
    int has_device_id;       /**< check condition-device-identifier against device_id */
    uint8_t device_id[16];
    int has_last_sequence;   /**< anti-rollback: refuse sequence numbers below last_sequence */
    uint64_t last_sequence;
    int allow_equal_sequence; /**< accept sequence == last_sequence (re-run, e.g. secure boot) */
    const sg17_suit_dec_key *dec_keys; /**< payload decryption keys */
    size_t n_dec_keys;
} sg17_suit_policy;

/**
 * Authenticate (draft -37 §6.2, §8.3): the wrapper digest must be SHA-256 and
 * equal SHA-256 of the bstr-wrapped manifest; then every COSE block is tried
 * against every anchor and the policy decides (a digest-only envelope is
 * refused). why names the failing block/anchor.
 * @return 0 authentic; SG17_E_VERIFY digest mismatch or no valid signature;
 *         SG17_E_AUTH policy not met (all-of anchor missing, no PQ block);
 *         SG17_E_INVAL.
 */
SG17_API SG17_MUST_CHECK int sg17_suit_authenticate(const sg17_suit_envelope *env,
                                                    const sg17_suit_policy *pol, char *why,
                                                    size_t why_len);

/**
 * Severable elements (draft -37 §8.4.12): every severed member present in the
 * envelope must hash to the manifest's digest for it.
 * @return 0, SG17_E_VERIFY (which member), SG17_E_FORMAT.
 */
SG17_API SG17_MUST_CHECK int sg17_suit_check_severable(const sg17_suit_envelope *env, char *why,
                                                       size_t why_len);

/**
 * sg17_suit_authenticate(), sg17_suit_check_severable() and the sequence
 * number rule (RFC 9124 §4.3.1, REQ.SEC.MFST.CHECK: strictly greater unless
 * allow_equal_sequence).
 * @return 0, SG17_E_VERIFY, SG17_E_AUTH, SG17_E_STATE (rollback), SG17_E_FORMAT.
 */
SG17_API SG17_MUST_CHECK int sg17_suit_verify(const sg17_suit_envelope *env,
                                              const sg17_suit_policy *pol, char *why,
                                              size_t why_len);

/** Device callbacks for sg17_suit_process(); NULL members make the
 *  matching directive fail with a reason. comp indexes the manifest's
 *  components (sg17_suit_component_id()). Each returns 0 or SG17_E_*. */
typedef struct sg17_suit_ops {
    void *ctx;
    /** Fetch the payload at uri into out (capped by out's cap). */
    int (*fetch)(void *ctx, size_t comp, const char *uri, size_t uri_len, sg17_buf *out);
    /** Replace the content of component comp by data. */
    int (*write)(void *ctx, size_t comp, const uint8_t *data, size_t len);
    /** Append the current content of comp to out (copy source, image-match fallback). */
    int (*read)(void *ctx, size_t comp, sg17_buf *out);
    /** Optional: SHA-256 and size of comp without reading it into memory. */
    int (*digest)(void *ctx, size_t comp, uint8_t out[32], uint64_t *size);
    /** Start the image of comp (directive-invoke). */
    int (*invoke)(void *ctx, size_t comp, const uint8_t *args, size_t args_len);
    /** Exchange two components (directive-swap). */
    int (*swap)(void *ctx, size_t a, size_t b);
    /** Optional: the slot comp would be written to (condition-component-slot
     *  passes when it equals the manifest's component-slot parameter); NULL
     *  makes that condition fail. */
    int (*slot)(void *ctx, size_t comp, uint64_t *slot);
    /** Optional: called with entering = 1 before directive-process-dependency
     *  runs the (authenticated) dependency manifest dep, and with 0 after it;
     *  in between, comp indexes dep's components. */
    int (*dependency)(void *ctx, const sg17_suit_envelope *dep, int entering);
} sg17_suit_ops;

/* Steps of sg17_suit_process (draft -37 §6.4, §8.4.6). The shared sequence
 * always runs first. */
#define SG17_SUIT_STEP_PAYLOAD_FETCH 0x01u
/** dependency-resolution (trust-domains §5.5), runs first. */
#define SG17_SUIT_STEP_DEPENDENCY_RESOLUTION 0x20u
#define SG17_SUIT_STEP_INSTALL 0x02u
#define SG17_SUIT_STEP_VALIDATE 0x04u
#define SG17_SUIT_STEP_LOAD 0x08u
#define SG17_SUIT_STEP_INVOKE 0x10u
#define SG17_SUIT_STEP_UPDATE                                                                      \
    (SG17_SUIT_STEP_DEPENDENCY_RESOLUTION | SG17_SUIT_STEP_PAYLOAD_FETCH | SG17_SUIT_STEP_INSTALL)
#define SG17_SUIT_STEP_BOOT (SG17_SUIT_STEP_VALIDATE | SG17_SUIT_STEP_LOAD | SG17_SUIT_STEP_INVOKE)

/**
 * Process a manifest on the device: sg17_suit_verify(), then the shared
 * sequence and each selected step's sequence in the order
 * dependency-resolution, payload-fetch, install, validate, load, invoke, with the commands of draft -37 §8.4.9
 * (conditions vendor/class/device identifier, image-match, component-slot,
 * check-content, abort; directives set-component-index, try-each, override-parameters,
 * fetch, write, copy, invoke, swap, run-sequence) and the trust-domains
 * dependency commands (dependency-integrity, is-dependency,
 * process-dependency: the fetched dependency envelope is authenticated with
 * the same policy, minus the sequence-number rule, and its sequence for the
 * current step runs; one level of dependencies). A severed sequence that is
 * needed but absent from the envelope is an error. Integrated payloads
 * ("#name" URIs) come from the envelope. Encrypted payloads
 * (parameter 19) are decrypted with the policy's dec_keys before write.
 * @return 0; SG17_E_VERIFY / SG17_E_AUTH / SG17_E_STATE as sg17_suit_verify;
 *         SG17_E_VERIFY for a failed condition (why: which one, which
 *         component); SG17_E_UNSUPPORTED unknown command; SG17_E_FORMAT;
 *         errors of the callbacks.
 */
SG17_API SG17_MUST_CHECK int sg17_suit_process(const sg17_suit_envelope *env,
                                               const sg17_suit_policy *pol,
                                               const sg17_suit_ops *ops, unsigned steps,
                                               char *why, size_t why_len);

/* ---- encryption (draft-ietf-suit-firmware-encryption) ------------------- */
#define SG17_SUIT_ENC_A128GCM 1        /**< COSE alg 1 */
#define SG17_SUIT_ENC_A128CTR (-65534) /**< COSE alg -65534 (A128CTR) */
#define SG17_SUIT_KEY_A128KW (-3)
#define SG17_SUIT_KEY_ECDH_ES_A128KW (-29)
/** sg17 ML-KEM-768 key transport (private-use COSE alg, docs/SUIT.md). */
#define SG17_SUIT_KEY_MLKEM768_A128KW (-70001)
/** Recipient header label carrying the ML-KEM ciphertext (private use). */
#define SG17_SUIT_HDR_MLKEM_CT (-70002)

/**
 * Decrypt a payload with a SUIT_Encryption_Info (COSE_Encrypt, tag 96,
 * detached ciphertext): unwrap the CEK with the first recipient one of keys
 * opens (A128KW; ECDH-ES+A128KW with HKDF-SHA256 and the COSE_KDF_Context
 * of the draft; the ML-KEM-768 profile), then A128GCM (AAD = Enc_structure
 * ["Encrypt", protected, h'']) or A128CTR. Plaintext appended to pt.
 * @return 0, SG17_E_VERIFY (no key opens it, GCM tag wrong), SG17_E_FORMAT,
 *         SG17_E_UNSUPPORTED, SG17_E_LIMIT, SG17_E_NOMEM.
 */
SG17_API SG17_MUST_CHECK int sg17_suit_decrypt(const uint8_t *encinfo, size_t encinfo_len,
                                               const sg17_suit_dec_key *keys, size_t n_keys,
                                               const uint8_t *ct, size_t ct_len, sg17_buf *pt,
                                               char *why, size_t why_len);

/** A recipient for sg17_suit_encrypt. */
typedef struct sg17_suit_recipient {
    int64_t alg;          /**< SG17_SUIT_KEY_* */
    const uint8_t *key;   /**< KEK (16), P-256 public point (65), ML-KEM-768 ek (1184) */
    size_t key_len;
    const uint8_t *kid;
    size_t kid_len;
} sg17_suit_recipient;

/**
 * Encrypt a payload for one recipient with a fresh CEK and IV: writes the
 * SUIT_Encryption_Info to encinfo and the detached ciphertext (GCM: with the
 * 16-byte tag appended) to ct.
 * @param content_alg SG17_SUIT_ENC_A128GCM or SG17_SUIT_ENC_A128CTR
 * @return 0, SG17_E_INVAL, SG17_E_UNSUPPORTED, SG17_E_RNG, SG17_E_LIMIT, SG17_E_NOMEM.
 */
SG17_API SG17_MUST_CHECK int sg17_suit_encrypt(const sg17_suit_recipient *r, int64_t content_alg,
                                               const uint8_t *pt, size_t pt_len,
                                               sg17_buf *encinfo, sg17_buf *ct);

/* ---- authoring --------------------------------------------------------- */

/** One component of a manifest description. */
typedef struct sg17_suit_component_desc {
    const uint8_t *const *id_parts; /**< SUIT_Component_Identifier: list of bstr */
    const size_t *id_part_lens;
    size_t n_id_parts;
    uint8_t image_digest[32];       /**< SHA-256 of the (plaintext) image */
    uint64_t image_size;
    const char *uri;                /**< where to fetch, NULL: none; "#name" = integrated */
    const uint8_t *integrated;      /**< payload to integrate under uri (when uri starts "#") */
    size_t integrated_len;
    const uint8_t *encryption_info; /**< SUIT_Encryption_Info to attach, or NULL */
    size_t encryption_info_len;
} sg17_suit_component_desc;

/** A manifest description (docs/SUIT.md "manifest create"). */
typedef struct sg17_suit_desc {
    uint64_t sequence_number;
    int has_vendor_id;
    uint8_t vendor_id[16];
    int has_class_id;
    uint8_t class_id[16];
    const sg17_suit_component_desc *components;
    size_t n_components;
    int invoke;             /**< add an invoke sequence for component 0 */
    const char *text;       /**< manifest description text (suit-text), NULL: none */
    int sever;              /**< install and text severed (digest in manifest, element in envelope) */
    const char *reference_uri; /**< suit-reference-uri or NULL */
} sg17_suit_desc;

/**
 * Build an unsigned envelope (digest-only auth wrapper) for a description:
 * shared sequence with vendor/class conditions and the image digest/size
 * parameters, install = fetch (+ image-match), validate = image-match,
 * optional invoke and text; severable members severed on request.
 * @return 0, SG17_E_INVAL, SG17_E_LIMIT, SG17_E_NOMEM.
 */
SG17_API SG17_MUST_CHECK int sg17_suit_build(const sg17_suit_desc *d, sg17_buf *out);

/**
 * Re-encode env with the extra authentication block cose appended (the
 * manifest, and so the other blocks, stay valid).
 */
SG17_API SG17_MUST_CHECK int sg17_suit_add_auth(const sg17_suit_envelope *env,
                                                const uint8_t *cose, size_t cose_len,
                                                sg17_buf *out);

/**
 * Re-encode env without the severed elements present in it (the envelope a
 * constrained device receives; signatures stay valid). With inline_to_severed
 * set, inline install/text/payload-fetch/coswid members are replaced by their
 * digest and carried beside the manifest instead: the manifest changes, so
 * the output has a digest-only wrapper and must be signed again.
 */
SG17_API SG17_MUST_CHECK int sg17_suit_sever(const sg17_suit_envelope *env, int inline_to_severed,
                                             sg17_buf *out);

/**
 * Attach a SUIT_Encryption_Info to component comp: its install (or
 * payload-fetch) sequence gets override-parameters {19: encinfo} in front.
 * The manifest changes: output has a digest-only wrapper (sign again).
 */
SG17_API SG17_MUST_CHECK int sg17_suit_set_encryption(const sg17_suit_envelope *env, size_t comp,
                                                      const uint8_t *encinfo, size_t encinfo_len,
                                                      sg17_buf *out);


/* ---- device core storage (X.1368 device core; MCUboot-style A/B) ------------
 * A file-backed flash model: two image slots and a metadata area of two
 * sectors written alternately (a two-entry journal: each record carries a
 * generation number and its own SHA-256, so a torn write leaves the previous
 * record in force). Install goes to the inactive slot; commit checks the
 * anti-rollback counter and marks a trial; the next boot tries the new slot
 * once (a reboot without confirm reverts); confirm makes it active AND moves
 * the counter in one record write. Every slot and record write counts as one
 * flash write, and a test hook cuts the power after any of them. */

typedef struct sg17_suit_flash sg17_suit_flash;

/** The persistent state (from the newest valid metadata record). */
typedef struct sg17_suit_flash_state {
    uint64_t generation;
    int active;               /**< confirmed slot (0/1) */
    int trial;                /**< 1: the other slot holds an uncommitted trial image */
    int attempts;             /**< trial boots attempted */
    uint64_t committed_seq;   /**< anti-rollback counter (moves only on confirm) */
    uint64_t pending_seq;     /**< sequence number of the trial image */
    uint64_t size[2];
    uint8_t digest[2][32];    /**< SHA-256 of each slot's image */
} sg17_suit_flash_state;

/**
 * Open the flash in directory dir (slot0.bin, slot1.bin, meta.bin). A fresh
 * directory is provisioned with the factory image in slot 0 (sequence number
 * factory_seq, confirmed). slot_size caps an image.
 * @return 0, SG17_E_IO, SG17_E_LIMIT (factory image too big), SG17_E_FORMAT
 *         (no valid metadata record in an existing directory), SG17_E_NOMEM.
 */
SG17_API SG17_MUST_CHECK int sg17_suit_flash_open(const char *dir, size_t slot_size,
                                                  const uint8_t *factory, size_t factory_len,
                                                  uint64_t factory_seq, sg17_suit_flash **out);
/** Close (no writes). NULL is a no-op. */
SG17_API void sg17_suit_flash_close(sg17_suit_flash *f);
/** Test hook: allow n more flash writes, then cut the power (the n+1-th write
 *  is torn: half of it lands) and fail every later write. n < 0: never. */
SG17_API void sg17_suit_flash_cut_after(sg17_suit_flash *f, long n);
/** Flash writes done since open (to enumerate cut points). */
SG17_API unsigned long sg17_suit_flash_writes(const sg17_suit_flash *f);
/** Test hook: let n more slot page writes land intact, then the n+1-th lands
 *  with one bit flipped while reporting success (a silent flash fault; later
 *  writes are intact again). n < 0: never. */
SG17_API void sg17_suit_flash_corrupt_after(sg17_suit_flash *f, long n);
/** Bytes read back from the image slots since open (install digest, boot
 *  checks, sg17_suit_flash_read): shows which paths re-read a slot. */
SG17_API uint64_t sg17_suit_flash_slot_read_bytes(const sg17_suit_flash *f);
SG17_API void sg17_suit_flash_state_get(const sg17_suit_flash *f, sg17_suit_flash_state *st);
/** Start an install into the inactive slot. SG17_E_STATE while a trial is pending. */
SG17_API SG17_MUST_CHECK int sg17_suit_flash_install_begin(sg17_suit_flash *f);
/** Write image bytes at off of the inactive slot (one flash write per 4 KiB page).
 *  Bytes written in order from offset 0 are hashed (SHA-256) as they are
 *  programmed; any other write pattern makes the install digest a read-back. */
SG17_API SG17_MUST_CHECK int sg17_suit_flash_install_write(sg17_suit_flash *f, uint64_t off,
                                                           const uint8_t *p, size_t n);
/**
 * Finish the install: the digest of the written image (size = highest offset
 * written) is the running hash of install_write, or a read-back of the slot if
 * the writes were not one in-order run from offset 0; seq must exceed the committed counter (else
 * SG17_E_STATE); if want_digest is not NULL the hash must equal it (else
 * SG17_E_VERIFY). Then one record write marks the trial.
 */
SG17_API SG17_MUST_CHECK int sg17_suit_flash_install_commit(sg17_suit_flash *f, uint64_t seq,
                                                            const uint8_t *want_digest);
/**
 * Boot: a pending trial is tried once (its slot's digest checked first; a
 * second boot without confirm, or a bad digest, reverts). Otherwise the
 * active slot boots if its digest verifies.
 * @param slot receives the booted slot; *trial set to 1 when it is the trial
 * @return 0, SG17_E_VERIFY (no slot verifies), SG17_E_IO.
 */
SG17_API SG17_MUST_CHECK int sg17_suit_flash_boot(sg17_suit_flash *f, int *slot, int *trial);
/** The trial image passed its self-test: make it active and commit its
 *  sequence number (one record write). SG17_E_STATE if no trial was booted. */
SG17_API SG17_MUST_CHECK int sg17_suit_flash_confirm(sg17_suit_flash *f);
/** Drop a pending trial (self-test failed). */
SG17_API SG17_MUST_CHECK int sg17_suit_flash_revert(sg17_suit_flash *f);
/** Append the image in slot (its recorded size) to out. */
SG17_API SG17_MUST_CHECK int sg17_suit_flash_read(sg17_suit_flash *f, int slot, sg17_buf *out);
/**
 * sg17_suit_ops over the flash for single-component manifests: write =
 * install_begin + install_write (component 0), digest/read = the slot being
 * installed during an install, else the booted slot; invoke is a no-op
 * (the image starts at the next boot). fetch stays NULL (set your own).
 */
SG17_API void sg17_suit_flash_ops(sg17_suit_flash *f, sg17_suit_ops *ops);

#ifdef __cplusplus
}
#endif
#endif /* SG17_SUIT_H */
