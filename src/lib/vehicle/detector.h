/*
 * Internal to src/lib/vehicle: the detector's state, shared by the streaming
 * detectors (detect.c) and the probation of identifiers new to a
 * provisional profile (probation.c). Not part of the public API.
 */
#ifndef SG17_VEHICLE_DETECTOR_H
#define SG17_VEHICLE_DETECTOR_H

#include <stddef.h>
#include <stdint.h>

#include "sg17/vehicle.h"
#include "vehicle_internal.h"

/* per-identifier detector state */
typedef struct idstate {
    slotst slot;
    double last_t, win_start;
    double mgx_t; /* the identifier's last frame flagged by the min-gap rule (has_mgx) */
    uint32_t win_count;
    uint64_t pend_seq;
    uint8_t recent[4][8], recent_n, recent_i; /* the identifier's last four payloads */
    uint8_t pc_far; /* the waiting frame is far (bytes and bits) from each of them */
    uint8_t pc_hi;  /* changed constant bits that flag it if far: CONST_HI, or 3/8 of the
                       learned-constant bits of a short payload (pc_flags) */
    uint8_t has_last, has_ctr, win_init, has_mgx;
    uint8_t ctr_ref[8];        /* payload of the last accepted frame (counter reference) */
    uint8_t last_seen[8];      /* payload of the last frame of any verdict */
    uint8_t pend_ref[8];       /* counter reference before the pending frame */
    uint8_t pend_moved;        /* the slot's pending frame moved ctr_ref (pend_ref is valid) */
    uint8_t ctr_tent[8];       /* payload of the latest frame whose verdict waits, if its counters
                                  continued the reference: a later frame may continue it instead */
    uint8_t has_tent, tent_nb; /* ... and how many learned-constant bits it changed */
    uint8_t ls_ctrbad;         /* the last frame broke the counter sequence */
    uint8_t cmask[64];         /* learned-constant bits, minus those seen to change */
    uint8_t cm_init;
    uint8_t pc_pend, pc_nb, pc_dlc, adopted, fl_i, fl_n;
    uint8_t learn_n; /* an adopted new identifier: frames its constant bits were learned from */
    double fl_t[FLOOD_N];              /* arrival times of the identifier's last FLOOD_N frames */
    uint64_t fl_seq[FLOOD_N];          /* ... and their frame numbers */
    uint8_t fl_run;                    /* the last frame was flagged as flooding */
    uint8_t tv_pend, tv_dlc, last_dlc; /* a timing verdict waits for the identifier's next frame */
    uint8_t tv_data[8];
    uint8_t intr[8], intr_dlc,
        has_intr;               /* payload of the last frames flagged as extra, how many in a row */
    double intr_t, intr_t2;     /* time of the last frame found extra, of the one before */
    uint8_t xc_data[8], xc_dlc; /* the pending frame that continued the extra stream */
    uint8_t intr_weak; /* the stream of frames found extra began with a tie-break (veh_slot_weak) */
    double seen_t;     /* time of the last frame that was no burst frame */
    uint8_t dbl_n, has_seen; /* burst frames after it */
    uint64_t tv_seq;
    double tv_t, tv_ph, tv_E, tv_A; /* its time, the frame the sender may have re-phased on,
                                     * schedule (slotst E and A) */
    uint8_t pc_diff[64];            /* changed constant bits of a frame whose verdict waits */
    uint8_t pc_data[64];
    uint64_t pc_seq;
    double pc_t;
    uint8_t own_hist[4][8], own_i, own_n; /* the last four payloads that moved ctr_ref */
    uint8_t iso_pend, iso_dlc;            /* a frame after a silence waits for the next one */
    uint8_t iso_data[8];
    uint64_t iso_seq;
    double iso_t, iso_gap; /* ... its time and the silence before it */
} idstate;

/* an identifier in probation (provisional profiles) */
typedef struct pendst {
    uint32_t key;
    int16_t slot; /* -1: not in the profile */
    uint8_t used, dlc;
    uint8_t expected; /* a J1939 request, or an answer to one: adopted after one frame */
    uint16_t lenmask;
    uint8_t flood;
    uint32_t n;
    uint64_t seq0;
    double t0, tlast, min_gap;
    uint8_t data[8], last[4][8]; /* first payload, the latest four */
    uint32_t ham_sum, ham_bits;  /* bits changed between its consecutive frames, bits compared */
    uint64_t seqs[PEND_SEQ];
    double ts[PEND_SEQ];
} pendst;

/* a J1939-21 transport connection (j1939_tp.c) */
typedef struct tpconn {
    uint8_t used, bam, sa, da, packets, next, cts_n;
    double t_last;
} tpconn;
#define TP_MAX 32

struct sg17_can_detector {
    const sg17_can_profile *p;
    idprof ids[MAX_IDS]; /* the profile's, plus identifiers adopted after probation */
    int16_t slot[HSIZE];
    size_t n;
    int provisional;
    int const_alarms; /* payload-const verdicts flag frames (profile saw >= CONST_SPAN) */
    pendst pend[MAX_PEND];
    unsigned n_pend;
    double next_exp;
    sg17_can_alert aq[AQ_SIZE];
    unsigned aq_head, aq_n;
    int prev_slot;
    veh_trwin trw;
    idstate st[MAX_IDS];
    double win_start;
    uint32_t win_count;
    int win_init;
    int has_flag_t;
    uint32_t bad_key[MAX_PEND]; /* new identifiers flagged in probation for flooding or */
    unsigned n_bad;             /* random payloads: never adopted later */
    uint32_t req_pgn[8];        /* the latest J1939 requests: requested PGN ... */
    double req_t[8];            /* ... and when */
    uint8_t req_da[8];          /* ... and to which destination (0xFF: global) */
    unsigned n_req;
    double last_flag_t;    /* time of the last frame flagged (any identifier) */
    tpconn tp[TP_MAX];     /* open J1939 transport connections */
    int tp_init, tp_armed; /* ... armed: a well-formed BAM or RTS was seen */
    double tp_t0;          /* the first transport frame seen */
    /* adj[s]: the identifier (slot) that came right before s in at least
     * ADJ_SHARE of its training frames (-1: none), adj_strong[s]: in at
     * least ADJ_STRONG; last_slot: the last frame's (-1: none yet, or an
     * identifier not in the profile) */
    int16_t adj[MAX_IDS];
    uint8_t adj_strong[MAX_IDS];
    int last_slot;
    /* succ[s]: the identifier that came right after s in at least
     * ADJ_SHARE of its training frames (-1: none); last_t: the last
     * frame's arrival */
    int16_t succ[MAX_IDS];
    double last_t;
};

/** Append an alert for frame f (seq) to a[*n] (NULL when full). */
sg17_can_alert *veh_new_alert(sg17_can_alert *a, size_t *n, const sg17_can_frame *f, uint64_t seq,
                              const char *det, double score);
/** Up to 8 payload bytes as hex into out (17 bytes). */
void veh_frame_hex(char *out, const uint8_t *d, unsigned n);
/** The frame's payload as hex in buf (17 bytes); returns buf. */
const char *veh_hexof(char *buf, const sg17_can_frame *f);

/* j1939_tp.c */
/** A J1939 TP.CM / TP.DT frame against SAE J1939-21: 1 if flagged (alert added). */
int veh_j1939_tp(sg17_can_detector *d, const sg17_can_frame *f, uint64_t seq,
                 sg17_can_alert *alerts, size_t *n);

/* probation.c */
/** Every frame: note J1939 requests; decide probations that ran out. */
void veh_probation_tick(sg17_can_detector *d, const sg17_can_frame *f, int timed);
/** A frame of an identifier new to a provisional profile: flagged at once
 * (diagnostic identifiers, unsolicited J1939 address claims, J1939 PGN
 * spoofing, identifiers flagged before) or taken into probation. Returns 1
 * if the frame was handled (alerts possibly added), 0 to judge it as an
 * unknown identifier. */
int veh_probation_frame(sg17_can_detector *d, const sg17_can_frame *f, uint64_t seq, int s,
                        sg17_can_alert *alerts, size_t *n);
/** End of capture: decide every identifier still in probation. */
void veh_probation_flush(sg17_can_detector *d);

#endif
