/*
 * Internal to src/lib/vehicle: the payload checksum model and the
 * identifier-transition model (models.c), and the profile's structures and
 * small helpers shared by training (profile.c), the profile file format
 * (profile_io.c) and detection (detect.c). Not part of the public API.
 */
#ifndef SG17_VEHICLE_INTERNAL_H
#define SG17_VEHICLE_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

/* Checksum algorithms a byte of a payload may be learned to follow. Each is
 * taken with a learned constant c (see veh_ck_value): XOR and CRC-8 are
 * affine over GF(2), so c absorbs any init value, final XOR and constant
 * prefix (a data id, the CAN id) of a fixed-length payload; SUM's c absorbs
 * an added constant (id and length bytes). */
enum {
    VEH_CK_NONE = 0,
    VEH_CK_XOR = 1,    /* c = d[b] ^ XOR of the other bytes */
    VEH_CK_SUM = 2,    /* c = d[b] - SUM of the other bytes (mod 256) */
    VEH_CK_CRC1D = 3,  /* c = d[b] ^ CRC-8 poly 0x1D (SAE J1850), init 0, other bytes in order */
    VEH_CK_CRC2F = 4,  /* c = d[b] ^ CRC-8 poly 0x2F (AUTOSAR CRC8H2F), init 0, other bytes */
    VEH_CK_NIBSUM = 5, /* low nibble of d[b]: c = (low - sum of the other nibbles) mod 16 */
    VEH_CK_NIBNEG = 6, /* low nibble of d[b]: c = (low + sum of the other nibbles) mod 16 */
    VEH_CK_N = 7
};

/** The constant c of algorithm alg for checksum byte b of a dlc-byte payload. */
uint8_t veh_ck_value(unsigned alg, const uint8_t *d, unsigned dlc, unsigned b);
/** "xor", "sum", "crc8-j1850", "crc8-h2f", "nibble-sum", "nibble-neg" ("" for none). */
const char *veh_ck_name(unsigned alg);

/* Identifier transitions: a fixed open-addressing set of (previous slot,
 * slot) pairs with saturating counts. */
#define VEH_TR_SIZE 16384u /* power of two */
#define VEH_TR_WIN  256u   /* frames per novelty window */

typedef struct veh_trans {
    uint32_t key[VEH_TR_SIZE]; /* 0 = empty, else (a << 11 | b) + 1 */
    uint16_t cnt[VEH_TR_SIZE];
    uint32_t n;
    uint8_t full; /* a pair could not be stored: the model is off */
} veh_trans;

/** Count a pair (training). */
void veh_trans_add(veh_trans *t, unsigned a, unsigned b);
/** Training count of a pair (0 = never seen). */
unsigned veh_trans_count(const veh_trans *t, unsigned a, unsigned b);
/** Restore a saved pair; SG17_E_FORMAT on a duplicate, SG17_E_LIMIT when full. */
int veh_trans_put(veh_trans *t, unsigned a, unsigned b, unsigned cnt);

/* Sliding count of novel transitions over the last VEH_TR_WIN frames. */
typedef struct veh_trwin {
    uint8_t bits[VEH_TR_WIN / 8];
    uint32_t pos, count;
} veh_trwin;

/** Push one frame's novelty (0/1); returns the count in the window. */
uint32_t veh_trwin_push(veh_trwin *w, int novel);

/* ---- shared by profile.c, profile_io.c and detect.c ------------------- */

#include <string.h>

#include "sg17/vehicle.h"

#define MAX_IDS    2048
#define HSIZE      4096 /* hash slots, power of two, 2 x MAX_IDS */
#define HBINS      256
#define BIN_BASE   1e-5 /* seconds, lower edge of bin 0 */
#define MIN_TRAIN  50   /* frames before payload models are trusted */
#define LOAD_WIN   0.1  /* bus-load window, seconds */
#define RATE_WIN   1.0  /* per-identifier rate window, seconds */
#define MIN_TIMING 20   /* training frames before an identifier's timing is judged (provisional) */
#define MIN_SLOT   30   /* training gaps for an identifier to be periodic (the slot model) */
#define MIN_GAPS   50   /* training frames before the least gap bounds an aperiodic identifier */
#define MIN_ADJ    50   /* training transitions into (out of) an identifier for its neighbour */
#define PROV_SPAN  60.0 /* s: a profile that saw less traffic than this is provisional */
#define TR_SPAN    60.0 /* s: traffic a profile must have seen for its transitions to be judged */
#define CONST_SPAN 60.0 /* s: ... for a learned-constant bit changing to flag a frame by itself */
#ifndef CONST_PROV
#define CONST_PROV \
    16 /* below CONST_SPAN: changed constant bits for a one-frame change to be flagged */
#endif
#define PEND_S 2.0 /* s: probation of an identifier new to a provisional profile */
/* s: FLOOD_N frames of one identifier closer than this on average: flooding
 * (over 650 frames/s: a quarter of a 500-kbit/s bus; a 1-ms flood - HCRL-style
 * spoofing - sits on 1 ms exactly, so the bound is not 1 ms) */
#define FLOOD_GAP  0.0015
#define FLOOD_N    8
#define CONST_HI   8    /* changed learned-constant bits judged at once (fewer: next frame) */
#define MAX_PEND   32   /* identifiers in probation at once */
#define PEND_SEQ   32   /* frames held per identifier in probation (decided when full) */
#define PEND_MIN   2    /* frames of a new identifier before it can be adopted */
#define PEND_LONG  30.0 /* s: longest probation (a new identifier sending fewer than PEND_MIN) */
#define AQ_SIZE    256  /* deferred alerts (probation verdicts) waiting to be handed out */
#define CK_VALUES  16   /* distinct values a checksum byte must take in training */
#define REL_VALUES 4    /* distinct values a byte must take for a relation with another */
/* a frame of a periodic identifier with no frame of it ISO_K periods either
 * side - alone in a silence of its sender - is flagged, where no training
 * gap of the identifier was over ISO_K periods (no silences, no lossy logger),
 * or at most ISO_LONG such gaps, at most one per ISO_RATE frames (a sender's
 * rare silences), none of whose ends was a frame alone between two of them */
#define ISO_K 2.0
/* extra frames with a foreign payload are left out of learning while they
 * are at most 1 / FOREIGN_DEN of their identifier's frames */
#ifndef FOREIGN_DEN
#define FOREIGN_DEN 10u
#endif
#ifndef ISO_LONG
#define ISO_LONG 3
#endif
#ifndef ISO_RATE
#define ISO_RATE 500
#endif
#define CONTEST_P                                                                                 \
    3.0 /* periods after an extra frame of an identifier during which its changes are not learned \
         */
#define SLOT_XCONT 0x10 /* slot verdict flag: the frame continues the stream of extra frames */
#define SLOT_XPH   0x20 /* slot verdict flag: the frame is at the extra frames' phase */
#ifndef PER_BINS
#define PER_BINS 3 /* log bins (12 per octave) either side of the median gap: the periodic band */
#endif
#define DBL_GAP  0.0015 /* s: frames of one identifier this close were sent at once (queued) */
#define DBL_MAX  5      /* such frames after the first of a burst */
#define GAP_CONT 10.0   /* s: larger gaps between frames do not count as observed time */
/* identifiers first seen in one second of a learning span (after its first):
 * more is a burst of new identifiers - fuzzing (clean traffic: at most 28,
 * the Durango's ECUs waking up) */
#define FUZZ_NEW 64
/* an identifier with at least this many frames in a learning span whose
 * payloads are random by detection's probation test (on average 3/8 of the
 * bits or more differ from the nearest of the previous four payloads) is
 * left out of learning: fuzzing on an identifier of its own (clean traffic:
 * at most 0.324, over 50 frames) */
#define RND_MIN 8
/* log bins either side of the median gap for a jittery sender (+-33 %);
 * periodic only if the slot model keeps it within a quarter period */
#define WIDE_BINS 5
/* an identifier that came right before another in at least ADJ_SHARE of
 * its training frames is its predecessor: in a slot contest the frame right
 * after it wins where nothing else but nearness to the schedule tells, or,
 * with a share of at least ADJ_STRONG, before the payload distance does */
/* (the same shares give an identifier's successor, the one right after it) */
#define ADJ_SHARE  0.5
#define ADJ_STRONG 0.9
/* a bit that changes between at least 1 in FAST_DEN consecutive frames is
 * fast (counters, checksums, a signal's low bits): slot contests compare
 * frames by their other bits */
#ifndef FAST_DEN
#define FAST_DEN 8
#endif

typedef struct idprof {
    uint32_t key; /* id | ext << 31 */
    uint16_t lenmask;
    uint8_t periodic; /* 1: one frame per period; 2: and now and then a burst (DBL_GAP) */
    uint8_t maxlen;
    uint64_t count;
    double period, min_gap, max_gap, tol;
    uint32_t rate_max;   /* most frames in one RATE_WIN window */
    uint16_t ctrmask;    /* nibble i (0 = high nibble of byte 0) is a +1 counter */
    uint16_t ctr8, ctr4; /* nibbles that count +1 mod 8 (values 0..7) / mod 4 (0..3) */
    uint8_t minv[8], maxv[8];
    uint8_t constmask[64], constval[64];
    uint8_t ck_alg, ck_byte, ck_c; /* learned checksum (VEH_CK_*), its byte and constant */
    uint64_t rel_eq, rel_not;      /* bit 8a+b (a < b): byte b equals byte a / its complement */
    uint8_t fast[8];               /* bits of bytes 0..7 that changed between >= 1/FAST_DEN of the
                                      consecutive training frames (left out of slot contests' distances) */
    uint8_t iso_ok;                /* the silence rule (ISO_K) holds for it */
    uint8_t alt;                   /* an alternating sender: gaps short and long by turns (ALT_R) */
    uint16_t step_up, step_dn;     /* nibbles that only ever stepped by +1 / -1 mod 16 (STEP_MIN) */
} idprof;

typedef struct slotst {
    double E, pend_t;
    double A; /* the current slot's offset from the sender's grid (alternating senders) */
    uint8_t init, has_pend, pend_bad, missed, pend_ham, pend_sus, warm, pend_adj;
    uint8_t pend_succ; /* the frame right after the pending one was its learned successor */
    uint8_t closed_x;  /* set by veh_slot_step: it closed a slot whose only frame was SLOT_XCONT */
    uint8_t pend_xph;  /* the pending frame was SLOT_XPH */
    uint8_t why;       /* set by veh_slot_step returning 1 or 2: what decided (veh_slot_why) */
    uint8_t alt_on;    /* set by the caller: follow the alternation (A) */
    uint8_t contested; /* the current slot had two frames */
} slotst;

/* Training pass 2: the slot model replayed over an identifier's frames. */
typedef struct veh_replay {
    slotst slot;
    uint64_t extras;
    double maxdev;
    double t2; /* time of the head of the last burst (the last frame outside one) */
    uint8_t has_t2, dbl_n, prev2[8];
} veh_replay;

typedef struct idtrain {
    double last_t, sum_bin[HBINS];
    uint32_t hist[HBINS];
    uint32_t ctr_ok[16], ctr_ok8[16], ctr_ok4[16];
    uint32_t st_chg[16], st_up[16], st_dn[16]; /* nibble changes, of them steps of +1 / -1 */
    uint32_t flips[64];    /* bit 8b+k of byte b changed between consecutive frames */
    uint16_t ctr_vals[16]; /* values each nibble took */
    uint8_t and_[64], or_[64], prev[8];
    uint8_t has_last, has_prev, win_init;
    double win_start;
    uint32_t win_count;
    /* checksum candidates: matches of the first frame's constant per byte and algorithm */
    uint32_t ck_ok[8][VEH_CK_N];
    uint8_t ck_c0[8][VEH_CK_N];
    uint8_t ck_vals[8][32]; /* values each byte took (bitmap) */
    uint8_t ck_dlc;
    uint64_t rel_eq, rel_not; /* byte pairs that kept the relation in every frame so far */
    uint32_t dbl;             /* gaps under DBL_GAP (pass 1) */
    /* pass 2: the slot model replayed over the frames kept, as periodic class
     * 1 and as class 2 (bursts): the class is known when training ends */
    veh_replay rp[2];
    /* frames left out of learning (docs/VEHICLE.md section 2, "a learning span
     * that may hold attacks"): bit k = the identifier's k-th frame */
    uint8_t *xbits;
    uint64_t xcap;           /* bits allocated */
    uint64_t k1, k2;         /* frames of the identifier so far in pass 1 / pass 2 */
    uint64_t n_flood, n_out; /* frames left out: in floods / extra with a foreign payload */
    double fl_ts[FLOOD_N];   /* pass 1: times of the last FLOOD_N frames */
    sg17_can_frame
        *ring; /* pass 1: the last FLOOD_N + 1 frames (learned once no flood can take them) */
    uint64_t n_outside; /* pass 2: frames outside bursts of new identifiers */
    /* pass 2: random payloads (detection's probation test, probation.c):
     * bits differing from the nearest of the latest four payloads */
    uint8_t rn_last[4][8], rn_dlc; /* the latest four (a ring), the first frame's length */
    uint32_t rn_n, rn_sum, rn_bits;
    uint8_t fl_n, fl_i;
    uint8_t cand;      /* pass 2: periodic by the gap histogram, extra frames aside */
    uint8_t wide;      /* pass 2: periodic only by a band of WIDE_BINS (a jittery sender) */
    double wide_p;     /* ... its period: the mean of the gaps in that band */
    int mbin;          /* median gap bin */
    uint16_t rctr;     /* nibbles counting +1 in >= 90 % of frames (all 16 values) */
    sg17_can_frame px; /* pass 2: the frame awaiting its verdict */
    double kt;         /* the last frame kept: time, payload */
    uint8_t kd[8], has_px, has_k;
    /* pass 2: gaps over ISO_K periods (pass 1's) and frames alone between two */
    double iso_t1, iso_t2; /* the identifier's last two frames */
    uint32_t iso_long, iso_alone;
    uint8_t iso_n;
    /* alternation: the last two gaps; over runs of three gaps within 3/2 of
     * each other, the sums of squared differences of gaps one and two apart */
    double g1, g2, alt_d1, alt_d2;
    uint32_t alt_n;
    uint8_t g_n;
} idtrain;

struct sg17_can_profile {
    int pass, finished, has_time;
    size_t n;
    idprof ids[MAX_IDS];
    int16_t slot[HSIZE];
    uint32_t load_max;
    double t_first, t_last; /* training span */
    int span_init;
    double observed_s; /* traffic time seen (sum of gaps < GAP_CONT) */
    veh_trans trans;   /* identifier transitions */
    uint32_t tr_thr;   /* most novel transitions per window on held-out clean traffic */
    int has_tr;
    /* training: transitions */
    int prev_slot;
    veh_trwin trw;
    /* training only */
    veh_trans *half;           /* pass 2: transitions of the first half of the frames */
    uint64_t frames1, frames2; /* frames of pass 1 / seen so far in pass 2 */
    double obs_last;
    int obs_init;
    idtrain *tr;
    uint64_t left_flood, left_foreign, left_fuzz, left_random; /* frames left out of learning */
    uint16_t *newbin;       /* training: identifiers first seen in each second of the span */
    double restart2, last2; /* pass 2: the traffic's last (re)start, its last frame */
    int init2;
    size_t nbin;
    idprof *ids2; /* pass 2: statistics of the frames kept */
    idtrain *tr2;
    double win_start;
    uint32_t win_count;
    int win_init;
};

#ifndef CONST_K
#define CONST_K 3
#endif
#ifndef SLOT_SUS_FIRST
#define SLOT_SUS_FIRST 0
#endif
#ifndef REPHASE_X
#define REPHASE_X 1
#endif
#ifndef SEQ_GAP
#define SEQ_GAP 0.0005
#endif
#ifndef SLOT_HAM
#define SLOT_HAM 3 /* bits nearer: a slot contest's payload margin (training: every bit) */
#endif
#ifndef SLOT_HAM_SLOW
#define SLOT_HAM_SLOW 2 /* ... in detection, counting slow bits only */
#endif
#ifndef SLOT_BETA
#define SLOT_BETA 0.25 /* an alternating sender's slot offset A: its loop gain */
#endif
#ifndef ALT_R
#define ALT_R 0.15 /* alternating: squared gap differences two apart < ALT_R x one apart */
#endif
#ifndef STEP_MIN
#define STEP_MIN 8 /* a ramp nibble: changed at least this often in training, */
#endif             /* >= 99.5 % of its changes one step the same way */
#ifndef STEP_PEN
#define STEP_PEN 4
#endif
#ifndef SLOT_ALPHA
#define SLOT_ALPHA 0.25
#endif
static const uint8_t len_codes[16] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 12, 16, 20, 24, 32, 48, 64};

static inline unsigned len_code(uint8_t n)
{
    for (unsigned i = 0; i < 16; i++)
        if (len_codes[i] == n)
            return i;
    return 15;
}

static inline uint32_t key_of(uint32_t id, uint8_t ext)
{
    return (id & 0x1fffffffu) | (uint32_t)(ext != 0) << 31;
}

static inline unsigned hash_key(uint32_t k)
{
    return (unsigned)((k * 2654435761u) >> 20) & (HSIZE - 1);
}

static inline int lookup_in(const idprof *ids, const int16_t *slot, uint32_t k)
{
    unsigned h = hash_key(k);
    for (unsigned i = 0; i < HSIZE; i++) {
        int s = slot[(h + i) & (HSIZE - 1)];
        if (s < 0)
            return -1;
        if (ids[s].key == k)
            return s;
    }
    return -1;
}

static inline int insert_in(idprof *ids, int16_t *slot, size_t *n, uint32_t k)
{
    if (*n >= MAX_IDS)
        return SG17_E_LIMIT;
    unsigned h = hash_key(k);
    for (unsigned i = 0; i < HSIZE; i++) {
        unsigned j = (h + i) & (HSIZE - 1);
        if (slot[j] < 0) {
            int s = (int)(*n)++;
            slot[j] = (int16_t)s;
            memset(&ids[s], 0, sizeof ids[s]);
            ids[s].key = k;
            return s;
        }
    }
    return SG17_E_LIMIT;
}

static inline int lookup(const sg17_can_profile *p, uint32_t k)
{
    return lookup_in(p->ids, p->slot, k);
}

static inline int insert(sg17_can_profile *p, uint32_t k)
{
    return insert_in(p->ids, p->slot, &p->n, k);
}

/* A provisional profile: timestamped traffic, less than PROV_SPAN of it
 * seen (detection puts an identifier new to it on probation). Known after
 * training's pass 1. */
static inline int veh_provisional(const sg17_can_profile *p)
{
    return p->has_time > 0 && p->observed_s < PROV_SPAN;
}

/* libm-free helpers (the library does not link libm) */
static inline double fabs_(double x)
{
    return x < 0 ? -x : x;
}
static inline double floor_(double x)
{
    if (x >= 9e15 || x <= -9e15)
        return x;
    double t = (double)(long long)x;
    return t > x ? t - 1 : t;
}

static inline int nib(const uint8_t *d, unsigned i)
{
    return i & 1 ? d[i / 2] & 15 : d[i / 2] >> 4;
}

/* Bits set in a byte: a table (the baseline x86-64 has no popcount
 * instruction, and __builtin_popcount becomes a library call on the hot
 * path) */
static inline unsigned pop8(uint8_t x)
{
    static const uint8_t t[16] = {0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4};
    return (unsigned)t[x & 15] + t[x >> 4];
}

static inline unsigned hamming(const uint8_t *a, const uint8_t *b, unsigned n)
{
    unsigned h = 0;
    for (unsigned i = 0; i < n && i < 8; i++)
        h += pop8((uint8_t)(a[i] ^ b[i]));
    return h;
}

/* hamming() over the bits not in skip[] (the slow bits) */
static inline unsigned hamming_slow(const uint8_t *a, const uint8_t *b, unsigned n,
                                    const uint8_t *skip)
{
    unsigned h = 0;
    for (unsigned i = 0; i < n && i < 8; i++)
        h += pop8((uint8_t)((a[i] ^ b[i]) & ~skip[i]));
    return h;
}

/* A slot contest's payload distance from an earlier payload a to a later
 * one b: the differing bits that are not fast (hamming_slow), but a nibble
 * learned as a ramp (step_up / step_dn) counts STEP_PEN where it did not
 * stay or take its one step, 0 where it did - a ramp's step may change
 * every bit of it (0xB -> 0xC), a frame from elsewhere in the ramp few.
 * With carry set, a byte one step (+-1) from a counts at most one bit: a
 * signal's step across a carry (0x9F -> 0xA0) changes up to 8 bits, and
 * the sender's frame looked farther from its own last frame than a forged
 * copy of it (Nissan 0x23D spoofed at its rate: 0.45). Not for the
 * distance to the last frame found extra (there it let a replayed frame
 * one step from the stream look like it: DAGA 0x1D8, 5-s sweep, 0.54). */
static inline unsigned hamming_step(const idprof *ip, const uint8_t *a, const uint8_t *b,
                                    unsigned n, int carry)
{
    uint16_t st = (uint16_t)(ip->step_up | ip->step_dn);
    unsigned h = 0;
    for (unsigned i = 0; i < n && i < 8; i++) {
        uint8_t skip = ip->fast[i];
        if (st >> (2 * i) & 3) { /* a ramp nibble in this byte (rare) */
            for (unsigned k = 2 * i; k < 2 * i + 2; k++) {
                if (!(st >> k & 1))
                    continue;
                skip = (uint8_t)(skip | (k & 1 ? 0x0f : 0xf0));
                int x = nib(a, k), y = nib(b, k), dir = ip->step_up >> k & 1 ? 1 : 15;
                if (y != x && y != ((x + dir) & 15))
                    h += STEP_PEN;
            }
        }
        uint8_t x = (uint8_t)((a[i] ^ b[i]) & ~skip);
        if (!x)
            continue;
        unsigned p = pop8(x), d = (uint8_t)(b[i] - a[i]);
        h += carry && p > 1 && (d == 1 || d == 0xff) ? 1 : p;
    }
    return h;
}

/* Distance of a payload to the nearest of the latest four (a ring of n
 * payloads so far): the random-payload test of probation (probation.c) and
 * of training (profile.c); nb bytes compared. */
static inline unsigned nearest_of4(const uint8_t last[4][8], uint64_t n, const uint8_t *d,
                                   unsigned nb)
{
    unsigned best = 64;
    for (unsigned i = 0; i < 4 && i < n; i++) {
        unsigned h = hamming(last[i], d, nb);
        if (h < best)
            best = h;
    }
    return best;
}

/** The slot model (profile.c): 0 = frame provisionally accepted, 1 = this frame
 * is the extra one, 2 = the pending frame was the extra one. Of two frames in
 * one slot, a frame with a payload verdict loses; then, with tol > 0, a frame
 * within tol of the expected arrival beats one beyond it (a replayed stream
 * at another phase must not win by resembling its own previous frame); then
 * the payload nearer the counter reference (by at least hmin bits of the
 * distance ham); then the frame not right behind another flagged one (sus);
 * then the frame right after its identifier's learned predecessor (adj 1, or
 * 2 where that predecessor is strong: it then counts before ham), with the
 * pending frame followed by its learned successor (s->pend_succ, set by the
 * detector when the next frame comes) voting for the pending frame; then the
 * arrival nearer the expected one. Training passes tol 0 and no sus or adj. */
int veh_slot_step(double P, double tol, slotst *s, double t, int bad, unsigned ham, unsigned hmin,
                  int sus, int adj, double *dev);

/* What decided veh_slot_step's last verdict 1 or 2 (s->why), said of the
 * frame found extra: alert evidence. */
const char *veh_slot_why(const slotst *s);
int veh_slot_weak(const slotst *s);

#endif
