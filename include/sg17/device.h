/*
 * sg17/device.h - X.1368 device core and communicator (X.1368 cl. 7, 8: the
 * device core stores and runs the firmware, the communicator checks the
 * firmware status with the firmware server / status tracker and starts the
 * update). A simulated device lives in a state directory:
 *
 *   DIR/device.json   identity and policy (docs/DEVICE.md)
 *   DIR/device.key    its ML-DSA-65 report signing key (.pub beside it)
 *   DIR/anchors/      trust anchors (public key files)
 *   DIR/flash/        the A/B flash model of sg17/suit.h (slots + journal)
 *   DIR/state.json    the communicator's pending record (written atomically)
 *   DIR/dl/           partial downloads (resumed with HTTP Range)
 *
 * The transport is a pair of callbacks so the same core runs over libcurl
 * (sg17 device run) and over an in-memory server in tests.
 */
#ifndef SG17_DEVICE_H
#define SG17_DEVICE_H

#include <stddef.h>
#include <stdint.h>

#include "sg17/buf.h"
#include "sg17/common.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Largest manifest envelope a device downloads. */
#define SG17_DEVICE_MAX_ENVELOPE ((size_t)1 << 20)
/** A marker that makes the simulated self-test of a booted trial image fail. */
#define SG17_DEVICE_SELFTEST_FAIL_MARK "SG17-SELFTEST-FAIL"

/** The device's view of the server. Paths are server-relative ("/v1/...")
 *  or absolute URLs. Each returns 0 when a complete HTTP reply arrived
 *  (*status set), SG17_E_IO when the transfer broke (what arrived is still
 *  appended to out), or another SG17_E_*. */
typedef struct sg17_device_http {
    void *ctx;
    /** GET; from > 0 asks for the bytes from offset from (Range: bytes=from-). */
    int (*get)(void *ctx, const char *path, uint64_t from, sg17_buf *out, long *status);
    /** POST body (content_type) and append the reply to out. */
    int (*post)(void *ctx, const char *path, const char *content_type, const uint8_t *body,
                size_t len, sg17_buf *out, long *status);
} sg17_device_http;

typedef struct sg17_device sg17_device;

/** What one sg17_device_run did. */
typedef struct sg17_device_result {
    int booted_slot;          /**< slot booted at start */
    int confirmed;            /**< a trial image passed its self-test and was confirmed */
    int reverted;             /**< a trial image failed its self-test and was reverted */
    int reported;             /**< a status report was accepted by the tracker */
    int installed;            /**< a new image was installed (trial pending) */
    int refused;              /**< an offered manifest or image was refused */
    uint64_t committed_seq;   /**< anti-rollback counter at the end */
    uint64_t resumed_from;    /**< > 0: the image download resumed at this offset */
    char why[256];            /**< reason of a refusal / failure */
} sg17_device_result;

/**
 * Provision a state directory: device.json (id, vendor and class UUIDs as 32
 * hex digits or UUID text, policy "any"/"all", require-pq), a fresh ML-DSA-65
 * device key, the trust anchors copied to DIR/anchors/, and the flash with
 * factory in slot 0 at sequence number factory_seq.
 * @return 0, SG17_E_EXISTS (already provisioned), SG17_E_INVAL, SG17_E_IO, ...
 */
SG17_API SG17_MUST_CHECK int sg17_device_init(const char *dir, const char *id,
                                              const char *vendor_id, const char *class_id,
                                              const char *const *anchors, size_t n_anchors,
                                              int all_of, int require_pq,
                                              const uint8_t *factory, size_t factory_len,
                                              uint64_t factory_seq, size_t slot_size);

/** Open a provisioned state directory. why gets a reason on failure. */
SG17_API SG17_MUST_CHECK int sg17_device_open(const char *dir, sg17_device **out, char *why,
                                              size_t why_len);
/** Close (no flash writes). NULL is a no-op. */
SG17_API void sg17_device_close(sg17_device *d);
/** The device id of device.json. */
SG17_API const char *sg17_device_id(const sg17_device *d);
/** Test hook: cut the power after n more flash writes (sg17_suit_flash_cut_after). */
SG17_API void sg17_device_cut_after(sg17_device *d, long n);
/** Flash writes since open (to enumerate the cut points of a run). */
SG17_API unsigned long sg17_device_flash_writes(const sg17_device *d);
/** Image-slot bytes read back since open (sg17_suit_flash_slot_read_bytes). */
SG17_API uint64_t sg17_device_flash_slot_read_bytes(const sg17_device *d);
/** Test hook: the n+1-th slot page write from now lands with a bit flipped
 *  while reporting success (sg17_suit_flash_corrupt_after). n < 0: never. */
SG17_API void sg17_device_corrupt_after(sg17_device *d, long n);
/** Flash state (committed counter, active slot, trial). */
SG17_API void sg17_device_flash_state(const sg17_device *d, uint64_t *committed_seq, int *active,
                                      int *trial);

/**
 * One power-on of the device (X.1368 cl. 8 procedure): boot (a pending trial
 * is tried once: self-test, then confirm, which commits the anti-rollback
 * counter, or revert); send a pending status report (signed CBOR bound to the
 * manifest digest and the tracker's nonce; success only after the confirmed
 * boot); poll the tracker; fetch and verify the offered envelope against the
 * device policy (anchors, vendor, class, sequence number above the committed
 * counter); fetch the image with resume; install it into the inactive slot
 * through sg17_suit_process (image digest checked as written); mark the trial;
 * boot it and self-test it; confirm or revert; report.
 * @return 0 (see res), SG17_E_IO (power cut / transport failure: run again),
 *         other SG17_E_* with res->why.
 */
SG17_API SG17_MUST_CHECK int sg17_device_run(sg17_device *d, const sg17_device_http *http,
                                             sg17_device_result *res);

/**
 * Encode a status report body: CBOR array [payload: bstr, sig: bstr(COSE_Sign1,
 * ML-DSA-65, detached payload)], payload = CBOR map {1: device id (tstr),
 * 2: manifest digest (bstr 32), 3: nonce (bstr), 4: status (tstr), 5: sequence
 * number (uint), 6: detail (tstr)}. Exposed for the tracker's tests.
 */
SG17_API SG17_MUST_CHECK int sg17_device_report_encode(sg17_device *d,
                                                       const uint8_t digest[32],
                                                       const uint8_t *nonce, size_t nonce_len,
                                                       const char *status, uint64_t seq,
                                                       const char *detail, sg17_buf *out);

/** A decoded report (pointers into the input). */
typedef struct sg17_device_report {
    const char *device;
    size_t device_len;
    const uint8_t *digest; /**< 32 bytes */
    const uint8_t *nonce;
    size_t nonce_len;
    const char *status;
    size_t status_len;
    uint64_t seq;
    const char *detail;
    size_t detail_len;
    const uint8_t *payload; /**< the signed payload */
    size_t payload_len;
    const uint8_t *cose;    /**< the COSE_Sign1 */
    size_t cose_len;
} sg17_device_report;

/**
 * Decode a report body (shape checks only; the caller verifies cose over
 * payload with the device's key, sg17_cose_verify_detached). The item tree is
 * returned in *tree (free with sg17_device_report_free); rep points into buf.
 * @return 0, SG17_E_FORMAT.
 */
SG17_API SG17_MUST_CHECK int sg17_device_report_decode(const uint8_t *buf, size_t len,
                                                       sg17_device_report *rep, void **tree);
SG17_API void sg17_device_report_free(void *tree);

/* ---- trust-anchor rotation and revocation (docs/DEVICE.md) -------------------
 * A trust-anchor update is CBOR [payload: bstr, sigs: [+ bstr(COSE_Sign1)]],
 * payload = {1: epoch (uint), 2: [* bstr] anchor files to add (PEM/sg17 public
 * key files, stored verbatim), 3: [* bstr(32)] SHA-256 of the raw public keys
 * to revoke}. Each COSE_Sign1 signs payload (detached) with a current anchor.
 * The device accepts it when epoch exceeds its anchor epoch and the
 * signatures satisfy its policy (any-of / all-of / require-pq) over its
 * current, non-revoked anchors. Revocation is irreversible: a revoked key is
 * dropped, remembered, and refused if a later update adds it again. At least
 * one anchor must remain. device.json is replaced atomically. */

/** Build a payload for sg17_device_anchor_update_sign. */
SG17_API SG17_MUST_CHECK int sg17_device_anchor_payload(uint64_t epoch,
                                                        const uint8_t *const *add,
                                                        const size_t *add_len, size_t n_add,
                                                        const uint8_t (*revoke)[32],
                                                        size_t n_revoke, sg17_buf *out);
/** Sign payload with each private key file in key_paths (ML-DSA, HSS-LMS,
 *  Ed25519, P-256) and encode the update. */
SG17_API SG17_MUST_CHECK int sg17_device_anchor_update_sign(const uint8_t *payload, size_t len,
                                                            const char *const *key_paths,
                                                            size_t n_keys, sg17_buf *out);
/**
 * Verify and apply a trust-anchor update.
 * @return 0 applied; SG17_E_STATE epoch not newer; SG17_E_AUTH policy not met
 *         (why names the anchor); SG17_E_VERIFY re-adds a revoked key or would
 *         leave no anchor; SG17_E_FORMAT; SG17_E_IO.
 */
SG17_API SG17_MUST_CHECK int sg17_device_anchor_update(sg17_device *d, const uint8_t *buf,
                                                       size_t len, char *why, size_t why_len);
/** Number of current anchors and the anchor epoch. */
SG17_API void sg17_device_anchor_info(const sg17_device *d, size_t *n_anchors, uint64_t *epoch,
                                      size_t *n_revoked);

#ifdef __cplusplus
}
#endif
#endif /* SG17_DEVICE_H */
