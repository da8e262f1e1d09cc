/*
 * sg17/v2x.h - X.1376 misbehaviour detection for V2X: ETSI TS 103 759
 * plausibility and consistency checks over CAM-like messages, plus
 * per-pseudonym history checks (replay, Sybil, sudden appearance).
 *
 * Message format (docs/VEHICLE.md, one JSON object per line), in a local
 * metric plane as VeReMi/F2MD use:
 *   {"t": 12.30,            reception time, s (required)
 *    "station": "1234",     pseudonym / stationId, string or integer (required)
 *    "gen_ms": 41230,       generationDeltaTime, ms mod 65536 (optional)
 *    "gen_t": 12.28,        absolute generation time, s (optional)
 *    "station_type": 5,     TS 102 894-2 StationType (default 0 = unknown)
 *    "x": 10.0, "y": 5.0,   position, m (required)
 *    "vx": 13.9, "vy": 0,   velocity, m/s (required)
 *    "acc": 1.2,            longitudinal acceleration, m/s^2 (optional)
 *    "reverse": false,      driveDirection backward (optional)
 *    "length": 4.5, "width": 1.8,   vehicle size, m (optional, static)
 *    "rx_x": 0, "rx_y": 0,  receiver position, m (optional; sudden appearance)
 *    "label": "..."}        ground truth for evaluation (ignored by checks)
 *
 * DENMs (ETSI EN 302 637-3) in the same stream carry "type": "denm" (CAMs
 * "cam", the default) and, instead of the required x/y/vx/vy (which become
 * optional: the sender's own position and velocity):
 *    "origin": "1234",      actionID.originatingStationID (default: station)
 *    "seq": 7,              actionID.sequenceNumber, 0..65535 (required)
 *    "detection_t": 12.0,   detectionTime, s (required)
 *    "reference_t": 12.1,   referenceTime, s (required)
 *    "event_x", "event_y",  eventPosition, m (required)
 *    "validity": 600,       validityDuration, s, 0..86400 (default 600)
 *    "interval_ms": 1000,   transmissionInterval, 1..10000 ms (optional)
 *    "relevance": 2,        RelevanceDistance 0..7 (lessThan50m .. over10km, optional)
 *    "cause": 97,           CauseCodeType 0..255 (required), "subcause": 0..255
 *    "termination": "cancellation" | "negation"   (optional)
 * TS 103 759 V2.1.1 defines no DENM-specific observations (its AsrDenm is
 * NULL), so the DENM checks are private observations with tgtId 103.
 */
#ifndef SG17_V2X_H
#define SG17_V2X_H

#include <stddef.h>
#include <stdint.h>

#include "sg17/common.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct sg17_v2x_msg {
    double t, gen_t;
    int has_gen_ms, has_gen_t, has_acc, has_size, has_rx;
    uint32_t gen_ms;
    char station[40];
    int station_type;
    double x, y, vx, vy, acc, length, width, rx_x, rx_y;
    int reverse;
    char label[32];
    /* DENM (is_denm): x, y, vx, vy valid only if has_pos */
    int is_denm, has_pos, has_interval, has_relevance, termination; /* 0, 1 cancel, 2 negate */
    char origin[40];
    uint32_t seq, interval_ms;
    int relevance, cause, subcause;
    double det_t, ref_t, ev_x, ev_y, validity;
} sg17_v2x_msg;

/** TS 103 759 CAM targets/observations (tgtId, obsId) and private extensions (tgt 100+). */
typedef struct sg17_v2x_obs {
    const char *name; /**< e.g. "Speed-ValueTooLarge-VehicleType" */
    int tgt, obs;     /**< TS 103 759 CAM target class / observation id; tgt >= 100 private */
    char evidence[160];
} sg17_v2x_obs;

#define SG17_V2X_MAX_OBS 12

typedef struct sg17_v2x_checker sg17_v2x_checker;

/** Parse one JSON message line (bounded; SG17_E_FORMAT with *err set). */
SG17_API SG17_MUST_CHECK int sg17_v2x_parse(const char *line, size_t len, sg17_v2x_msg *m,
                                            char *err, size_t errlen);
SG17_API SG17_MUST_CHECK int sg17_v2x_checker_new(sg17_v2x_checker **out);
SG17_API void sg17_v2x_checker_free(sg17_v2x_checker *c);
/** Check one message against its own content and its pseudonym's history.
 * Returns the number of observations written (0..SG17_V2X_MAX_OBS). */
SG17_API size_t sg17_v2x_check(sg17_v2x_checker *c, const sg17_v2x_msg *m, sg17_v2x_obs *obs);

#ifdef __cplusplus
}
#endif
#endif
