/*
 * sg17/vehicle.h - X.1376 misbehaviour detection for the in-vehicle network
 * (CAN / CAN FD / J1939): capture readers, a learned profile of normal
 * traffic, streaming detectors and frame-level evaluation (docs/VEHICLE.md,
 * docs/DETECTION.md).
 *
 * X.1376 (01/2021) clause "data capture" and clause "detection": the readers
 * normalise every supported capture format into one sg17_can_frame record
 * (numbers only, so no formatting artefact of a file can give its label away);
 * the detectors work on a profile learned from clean captures only.
 */
#ifndef SG17_VEHICLE_H
#define SG17_VEHICLE_H

#include <stdint.h>
#include <stdio.h>

#include "sg17/common.h"

#ifdef __cplusplus
extern "C" {
#endif

#define SG17_CAN_RTR       1u /**< remote transmission request */
#define SG17_CAN_FD        2u /**< CAN FD frame */
#define SG17_CAN_LABEL_MAX 32

/** One normalised frame. */
typedef struct sg17_can_frame {
    double t;         /**< seconds (absolute or relative); valid if has_time */
    uint32_t id;      /**< 11- or 29-bit identifier */
    uint8_t ext;      /**< 1 = 29-bit extended identifier */
    uint8_t flags;    /**< SG17_CAN_RTR | SG17_CAN_FD */
    uint8_t dlc;      /**< payload length in BYTES (0..64) */
    uint8_t has_time; /**< 0 for time-less datasets (CICIoV2024) */
    uint8_t data[64];
    char label[SG17_CAN_LABEL_MAX]; /**< "" = normal traffic, else the attack's name */
} sg17_can_frame;

typedef struct sg17_can_reader sg17_can_reader;

/**
 * Open a capture (plain file or a .zip holding one capture, format detected
 * from its first line): candump -l logs, DAGA CSV, CICIoV2024 CSV, J1939
 * labelled CSV and the sg17 interchange CSV `timestamp,id,dlc,data,label`.
 * Streaming: memory is bounded (one line of at most 4 KiB plus a 64 KiB
 * inflate window), whatever the file size.
 */
SG17_API SG17_MUST_CHECK int sg17_vehicle_open(const char *path, sg17_can_reader **out);
/* path "-" is standard input. A pipe or terminal (candump -L can0 | ...) is
 * read as frames arrive (a line is returned as soon as it is complete); a
 * zip archive needs a regular file. */
/** 1 if the capture is a stream (not seekable: it can be read only once). */
SG17_API int sg17_vehicle_is_stream(const sg17_can_reader *r);
/** Same over a memory buffer (not copied; must outlive the reader). */
SG17_API SG17_MUST_CHECK int sg17_vehicle_open_mem(const uint8_t *buf, size_t len, const char *name,
                                                   sg17_can_reader **out);
/** Next frame: 1 = frame, 0 = end, <0 = SG17_E_* (see sg17_vehicle_error). */
SG17_API SG17_MUST_CHECK int sg17_vehicle_next(sg17_can_reader *r, sg17_can_frame *f);
/** "FILE:LINE: reason" for the last error ("" if none). */
SG17_API const char *sg17_vehicle_error(const sg17_can_reader *r);
/** "candump", "daga", "cic-iov2024", "j1939", "sg17-csv" (or "?" before the first line). */
SG17_API const char *sg17_vehicle_format(const sg17_can_reader *r);
SG17_API void sg17_vehicle_close(sg17_can_reader *r);

/** Write the interchange CSV header / one row (timestamp,id,dlc,data,label). */
SG17_API void sg17_vehicle_csv_header(FILE *f);
SG17_API void sg17_vehicle_csv_row(FILE *f, const sg17_can_frame *fr);

/* ---- profile and detection ------------------------------------------- */

typedef struct sg17_can_profile sg17_can_profile;

/**
 * Training runs over the clean captures twice: pass 1 learns identifiers,
 * lengths, periods and payload bit statistics; pass 2 replays the timing
 * model to learn each identifier's jitter. Call add(pass 1 frames...),
 * next_pass(), add(the same frames again...), finish().
 */
SG17_API SG17_MUST_CHECK int sg17_can_profile_new(sg17_can_profile **out);
SG17_API SG17_MUST_CHECK int sg17_can_profile_add(sg17_can_profile *p, const sg17_can_frame *f);
SG17_API SG17_MUST_CHECK int sg17_can_profile_next_pass(sg17_can_profile *p);
SG17_API SG17_MUST_CHECK int sg17_can_profile_finish(sg17_can_profile *p);
SG17_API SG17_MUST_CHECK int sg17_can_profile_save(const sg17_can_profile *p, const char *path);
SG17_API SG17_MUST_CHECK int sg17_can_profile_load(const char *path, sg17_can_profile **out);
SG17_API size_t sg17_can_profile_ids(const sg17_can_profile *p);
/** Training frames left out of learning (after finish): frames of floods,
 * extra frames with a foreign payload, frames of identifiers seen only in
 * bursts of new identifiers (fuzzing) (docs/VEHICLE.md section 2). */
SG17_API void sg17_can_profile_left_out(const sg17_can_profile *p, uint64_t *flood,
                                        uint64_t *foreign, uint64_t *fuzz);
/** Training frames left out of learning as an identifier's random payloads
 * (provisional profiles only - a span under 60 s; at least 8 frames, on
 * average 3/8 of the bits or more away from the nearest of the previous four
 * payloads, no checksum or counter learned: fuzzing on an identifier of its
 * own; transport and diagnostic identifiers excepted). */
SG17_API uint64_t sg17_can_profile_left_random(const sg17_can_profile *p);
SG17_API void sg17_can_profile_free(sg17_can_profile *p);

/** One alert. `seq` names the frame it flags (it may be an earlier frame
 * than the one just given: the timing model decides which of two frames in
 * one period slot is the intruder). */
typedef struct sg17_can_alert {
    uint64_t seq;     /**< sequence number of the flagged frame */
    double t;         /**< time of the flagged frame */
    double t_decided; /**< time of the frame that triggered the decision */
    uint32_t id;
    uint8_t ext;
    uint8_t flags_frame;  /**< 1 if the alert flags a frame (else window-level) */
    const char *detector; /**< "unknown-id", "dlc", "timing", "min-gap", "rate",
                               "payload-const", "payload-range", "counter", "checksum",
                               "transition", "bus-load" */
    double score;         /**< 0..1 */
    char evidence[200];   /**< the frame and the expectation it broke */
} sg17_can_alert;

#define SG17_CAN_MAX_ALERTS 6

typedef struct sg17_can_detector sg17_can_detector;

/** A detector over a finished profile (the profile must outlive it). */
SG17_API SG17_MUST_CHECK int sg17_can_detector_new(const sg17_can_profile *p,
                                                   sg17_can_detector **out);
/**
 * Feed the next frame (seq must increase by one per call). Writes up to
 * SG17_CAN_MAX_ALERTS alerts and their count to *n. Never allocates.
 */
SG17_API void sg17_can_detector_feed(sg17_can_detector *d, const sg17_can_frame *f, uint64_t seq,
                                     sg17_can_alert *alerts, size_t *n);
/**
 * End of capture: decide every identifier still in probation (provisional
 * profiles) and hand out the alerts that decision raised, up to
 * SG17_CAN_MAX_ALERTS per call; call until *n is 0.
 */
SG17_API void sg17_can_detector_flush(sg17_can_detector *d, sg17_can_alert *alerts, size_t *n);
SG17_API void sg17_can_detector_free(sg17_can_detector *d);

/* ---- evaluation -------------------------------------------------------- */

#define SG17_EVAL_MAX_LABELS 16

typedef struct sg17_eval_counts {
    char label[SG17_CAN_LABEL_MAX];
    uint64_t frames, attack_frames, tp, fp, fn;
    double first_attack_t, first_tp_t; /**< NaN-free; valid if has_first_* */
    int has_first_attack, has_first_tp;
} sg17_eval_counts;

typedef struct sg17_eval_result {
    sg17_eval_counts all;
    sg17_eval_counts by_label[SG17_EVAL_MAX_LABELS];
    size_t n_labels;
    double duration_s;  /**< last - first timestamp (0 if no time) */
    double seconds_cpu; /**< wall time spent reading + detecting */
    int has_time;
    uint64_t window_alerts; /**< bus-load alerts (not frame verdicts) */
    uint64_t alarms;        /**< alarm episodes: flagged frames < 5 s apart are one alarm */
    uint64_t false_alarms;  /**< alarms without any attack frame among their flagged frames */
} sg17_eval_result;

/**
 * Score a detector on a labelled capture at frame level: a frame is a true
 * positive if it carries an attack label and at least one alert flagged it.
 * If learn_seconds > 0, frames in the first learn_seconds are skipped (they
 * were the training data of an online profile) and not scored.
 */
SG17_API SG17_MUST_CHECK int sg17_vehicle_eval(const sg17_can_profile *p, const char *capture,
                                               double learn_seconds, sg17_eval_result *res,
                                               char *err, size_t errlen);

/** Train a profile from captures (both passes); if learn_seconds > 0 only
 * the first learn_seconds of each capture are used. */
SG17_API SG17_MUST_CHECK int sg17_vehicle_train(const char *const *paths, size_t n,
                                                double learn_seconds, sg17_can_profile **out,
                                                char *err, size_t errlen);

/* ---- signed misbehaviour reports ----------------------------------------- */

struct sg17_pqc_key;

/**
 * Build a misbehaviour report from alert JSON Lines (as printed by
 * `sg17 vehicle detect` / `v2x check`; each alert keeps its evidence) and sign
 * it with a private signature key of sg17/pqc.h - ML-DSA-65 by default in the
 * CLI (FIPS 204, context "sg17-mbr-v1"). *out is malloc'd JSON.
 */
SG17_API SG17_MUST_CHECK int sg17_vehicle_report_sign(struct sg17_pqc_key *k, const char *vehicle,
                                                      const char *alerts, size_t len, char **out);
/** Verify a report: 0 valid (and *n_alerts set), SG17_E_VERIFY, SG17_E_FORMAT. */
SG17_API SG17_MUST_CHECK int sg17_vehicle_report_verify(const struct sg17_pqc_key *k,
                                                        const char *report, size_t len,
                                                        size_t *n_alerts);

#ifdef __cplusplus
}
#endif
#endif
