/*
 * X.1376 "detection" for CAN: a profile learned from clean traffic and the
 * streaming detectors that use it (docs/VEHICLE.md):
 *   unknown-id     identifier never seen in training
 *   dlc            payload length never seen for this identifier
 *   timing         periodic identifiers: one frame per period slot; of two
 *                  frames in one slot the one farther from the expected
 *                  arrival is the intruder (flooding, injection, replay)
 *   min-gap        aperiodic identifiers: gap far below the learned minimum
 *   payload-const  a bit that never changed in training changed
 *   counter        a learned rolling counter nibble broke its +1 sequence
 *   payload-range  a byte outside its learned [min, max] (no-time datasets)
 *   bus-load       frames per 100 ms window above the learned maximum
 *                  (window-level alert)
 * The hot path never allocates: the profile is a fixed open-addressing table.
 */
#include <math.h> /* isfinite only */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sg17/vehicle.h"
#include "vehicle_internal.h"

#define MAX_IDS   2048
#define HSIZE     4096 /* hash slots, power of two, 2 x MAX_IDS */
#define HBINS     256
#define BIN_BASE  1e-5 /* seconds, lower edge of bin 0 */
#define MIN_TRAIN 50   /* frames before payload models are trusted */
#define LOAD_WIN  0.1  /* bus-load window, seconds */
#define RATE_WIN  1.0  /* per-identifier rate window, seconds */
#define MIN_TIMING 20   /* training frames before an identifier's timing is judged (provisional) */
#define PROV_SPAN  15.0 /* s: a profile that saw less traffic than this is provisional */
#define PEND_S     2.0  /* s: probation of an identifier new to a provisional profile */
#define PEND_MIN   3    /* frames in probation for it to be adopted */
#define FLOOD_GAP  0.001 /* s: FLOOD_N frames of one identifier closer than this on average: flooding */
#define FLOOD_N    8
#define CONST_HI   8    /* changed learned-constant bits judged at once (fewer: next frame) */
#define MAX_PEND   32   /* identifiers in probation at once */
#define PEND_SEQ   32   /* frames held per identifier in probation (decided when full) */
#define COHORT     3    /* new identifiers within COHORT_S of each other: an ECU wake-up */
#define COHORT_S   5.0
#define AQ_SIZE    256  /* deferred alerts (probation verdicts) waiting to be handed out */
#define CK_VALUES  16   /* distinct values a checksum byte must take in training */
#define GAP_CONT   10.0 /* s: larger gaps between frames do not count as observed time */

typedef struct idprof {
    uint32_t key; /* id | ext << 31 */
    uint16_t lenmask;
    uint8_t periodic;
    uint8_t maxlen;
    uint64_t count;
    double period, min_gap, max_gap, tol;
    uint32_t rate_max; /* most frames in one RATE_WIN window */
    uint16_t ctrmask;  /* nibble i (0 = high nibble of byte 0) is a +1 counter */
    uint8_t minv[8], maxv[8];
    uint8_t constmask[64], constval[64];
    uint8_t ck_alg, ck_byte, ck_c; /* learned checksum (VEH_CK_*), its byte and constant */
} idprof;

typedef struct slotst {
    double E, pend_t;
    uint8_t init, has_pend, pend_bad, missed, pend_ham, pend_sus, warm;
} slotst;

typedef struct idtrain {
    double last_t, sum_bin[HBINS];
    uint32_t hist[HBINS];
    uint32_t ctr_ok[16];
    uint16_t ctr_vals[16]; /* values each nibble took */
    uint8_t and_[64], or_[64], prev[8], prev2[8];
    uint8_t has_last, has_prev, win_init;
    double win_start;
    uint32_t win_count;
    /* checksum candidates: matches of the first frame's constant per byte and algorithm */
    uint32_t ck_ok[8][VEH_CK_N];
    uint8_t ck_c0[8][VEH_CK_N];
    uint8_t ck_vals[8][32]; /* values each byte took (bitmap) */
    uint8_t ck_dlc;
    /* pass 2 */
    slotst slot;
    uint64_t extras;
    double maxdev;
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
    double obs_last;
    int obs_init;
    idtrain *tr;
    double win_start;
    uint32_t win_count;
    int win_init;
};

/* per-identifier detector state */
typedef struct idstate {
    slotst slot;
    double last_t, win_start;
    uint32_t win_count;
    uint64_t pend_seq;
    uint8_t pend_data[8];
    uint8_t has_last, has_ctr, win_init;
    uint8_t ctr_ref[8];   /* payload of the last accepted frame (counter reference) */
    uint8_t last_seen[8]; /* payload of the last frame of any verdict */
    uint8_t pend_ref[8];  /* counter reference before the pending frame */
    uint8_t cmask[64];    /* learned-constant bits, minus those seen to change */
    uint8_t pdiff[64];    /* changed constant bits of the previous frame */
    uint8_t cm_init, has_pdiff;
    uint8_t pc_pend, pc_nb, pc_dlc, adopted, fl_i, fl_n;
    double fl_t[FLOOD_N]; /* arrival times of the identifier's last FLOOD_N frames */
    uint8_t pc_diff[64]; /* changed constant bits of a frame whose verdict waits */
    uint8_t pc_data[8];
    uint64_t pc_seq;
    double pc_t;
} idstate;

/* an identifier in probation (provisional profiles) */
typedef struct pendst {
    uint32_t key;
    int16_t slot; /* -1: not in the profile */
    uint8_t used, dlc;
    uint16_t lenmask;
    uint8_t flood;
    uint32_t n;
    uint64_t seq0;
    double t0, tlast, min_gap;
    uint8_t data[8];
    uint64_t seqs[PEND_SEQ];
    double ts[PEND_SEQ];
} pendst;

struct sg17_can_detector {
    const sg17_can_profile *p;
    idprof ids[MAX_IDS]; /* the profile's, plus identifiers adopted after probation */
    int16_t slot[HSIZE];
    size_t n;
    int provisional;
    pendst pend[MAX_PEND];
    unsigned n_pend;
    double next_exp;
    double newt[8]; /* first-seen times of the last identifiers new to the profile */
    uint32_t newk[8];
    unsigned n_newt;
    sg17_can_alert aq[AQ_SIZE];
    unsigned aq_head, aq_n;
    int prev_slot;
    veh_trwin trw;
    idstate st[MAX_IDS];
    double win_start;
    uint32_t win_count;
    int win_init;
    int has_flag_t;
    double last_flag_t; /* time of the last frame flagged (any identifier) */
};

static const uint8_t len_codes[16] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 12, 16, 20, 24, 32, 48, 64};

static unsigned len_code(uint8_t n)
{
    for (unsigned i = 0; i < 16; i++)
        if (len_codes[i] == n)
            return i;
    return 15;
}

static uint32_t key_of(uint32_t id, uint8_t ext)
{
    return (id & 0x1fffffffu) | (uint32_t)(ext != 0) << 31;
}

static unsigned hash_key(uint32_t k)
{
    return (unsigned)((k * 2654435761u) >> 20) & (HSIZE - 1);
}

static int lookup_in(const idprof *ids, const int16_t *slot, uint32_t k)
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

static int insert_in(idprof *ids, int16_t *slot, size_t *n, uint32_t k)
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

static int lookup(const sg17_can_profile *p, uint32_t k)
{
    return lookup_in(p->ids, p->slot, k);
}

static int insert(sg17_can_profile *p, uint32_t k)
{
    return insert_in(p->ids, p->slot, &p->n, k);
}

/* libm-free helpers (the library does not link libm) */
static double fabs_(double x)
{
    return x < 0 ? -x : x;
}
static double floor_(double x)
{
    if (x >= 9e15 || x <= -9e15)
        return x;
    double t = (double)(long long)x;
    return t > x ? t - 1 : t;
}

/* Log-spaced inter-arrival bins, 12 per octave: bin = 12 * log2(gap / BIN_BASE),
 * from the IEEE exponent and a table of 2^(k/12) (no libm, no shared state). */
static int bin_of(double gap)
{
    static const double semi[12] = {1.0,
                                    1.0594630943592953,
                                    1.122462048309373,
                                    1.189207115002721,
                                    1.2599210498948732,
                                    1.3348398541700344,
                                    1.4142135623730951,
                                    1.4983070768766815,
                                    1.5874010519681994,
                                    1.6817928305074290,
                                    1.7817974362806785,
                                    1.8877486253633868};
    double x = gap / BIN_BASE;
    if (!(x > 1.0))
        return 0;
    uint64_t bits;
    memcpy(&bits, &x, sizeof bits);
    int ex = (int)((bits >> 52) & 0x7ff) - 1023;
    bits = (bits & 0x000fffffffffffffull) | 0x3ff0000000000000ull;
    double m;
    memcpy(&m, &bits, sizeof m);
    int k = 0;
    while (k < 11 && semi[k + 1] <= m)
        k++;
    int b = ex * 12 + k;
    return b >= HBINS ? HBINS - 1 : b;
}

int sg17_can_profile_new(sg17_can_profile **out)
{
    if (!out)
        return SG17_E_INVAL;
    sg17_can_profile *p = calloc(1, sizeof *p);
    if (!p)
        return SG17_E_NOMEM;
    p->tr = calloc(MAX_IDS, sizeof *p->tr);
    if (!p->tr) {
        free(p);
        return SG17_E_NOMEM;
    }
    for (size_t i = 0; i < HSIZE; i++)
        p->slot[i] = -1;
    p->has_time = -1;
    p->pass = 1;
    p->prev_slot = -1;
    *out = p;
    return 0;
}

void sg17_can_profile_free(sg17_can_profile *p)
{
    if (!p)
        return;
    free(p->tr);
    free(p);
}

size_t sg17_can_profile_ids(const sg17_can_profile *p)
{
    return p ? p->n : 0;
}

static int nib(const uint8_t *d, unsigned i)
{
    return i & 1 ? d[i / 2] & 15 : d[i / 2] >> 4;
}

static void pass1(sg17_can_profile *p, idprof *ip, idtrain *t, const sg17_can_frame *f)
{
    ip->lenmask = (uint16_t)(ip->lenmask | 1u << len_code(f->dlc));
    if (f->dlc > ip->maxlen)
        ip->maxlen = f->dlc;
    if (ip->count == 0) {
        memcpy(t->and_, f->data, 64);
        memcpy(t->or_, f->data, 64);
        memcpy(ip->minv, f->data, 8);
        memcpy(ip->maxv, f->data, 8);
    } else {
        for (unsigned i = 0; i < 64; i++) {
            t->and_[i] &= f->data[i];
            t->or_[i] |= f->data[i];
        }
        for (unsigned i = 0; i < 8; i++) {
            if (f->data[i] < ip->minv[i])
                ip->minv[i] = f->data[i];
            if (f->data[i] > ip->maxv[i])
                ip->maxv[i] = f->data[i];
        }
    }
    if (ip->count == 0)
        t->ck_dlc = f->dlc;
    if (f->dlc == t->ck_dlc && f->dlc >= 2) {
        unsigned nb = f->dlc < 8 ? f->dlc : 8;
        for (unsigned b = 0; b < nb; b++) {
            t->ck_vals[b][f->data[b] >> 3] = (uint8_t)(t->ck_vals[b][f->data[b] >> 3] |
                                                       1u << (f->data[b] & 7));
            for (unsigned a = 1; a < VEH_CK_N; a++) {
                uint8_t c = veh_ck_value(a, f->data, f->dlc, b);
                if (ip->count == 0)
                    t->ck_c0[b][a] = c;
                if (c == t->ck_c0[b][a])
                    t->ck_ok[b][a]++;
            }
        }
    }
    for (unsigned i = 0; i < 16; i++)
        t->ctr_vals[i] = (uint16_t)(t->ctr_vals[i] | 1u << nib(f->data, i));
    if (t->has_prev)
        for (unsigned i = 0; i < 16; i++)
            if (nib(f->data, i) == ((nib(t->prev, i) + 1) & 15))
                t->ctr_ok[i]++;
    memcpy(t->prev, f->data, 8);
    t->has_prev = 1;
    ip->count++;
    if (f->has_time) {
        if (t->has_last) {
            double gap = f->t - t->last_t;
            if (gap < 0)
                gap = 0;
            int b = bin_of(gap);
            t->hist[b]++;
            t->sum_bin[b] += gap;
            if (ip->count == 2 || gap < ip->min_gap)
                ip->min_gap = gap;
            if (gap > ip->max_gap)
                ip->max_gap = gap;
        }
        t->last_t = f->t;
        t->has_last = 1;
        /* per-identifier rate */
        if (!t->win_init || f->t < t->win_start || f->t >= t->win_start + RATE_WIN) {
            t->win_init = 1;
            t->win_start = f->t;
            t->win_count = 0;
        }
        if (++t->win_count > ip->rate_max)
            ip->rate_max = t->win_count;
        if (!p->span_init) {
            p->span_init = 1;
            p->t_first = f->t;
        }
        if (p->obs_init && f->t - p->obs_last >= 0 && f->t - p->obs_last < GAP_CONT)
            p->observed_s += f->t - p->obs_last;
        p->obs_last = f->t;
        p->obs_init = 1;
        if (f->t > p->t_last)
            p->t_last = f->t;
        /* bus load */
        if (!p->win_init || f->t < p->win_start) {
            p->win_init = 1;
            p->win_start = f->t;
            p->win_count = 0;
        }
        while (f->t >= p->win_start + LOAD_WIN) {
            if (p->win_count > p->load_max)
                p->load_max = p->win_count;
            p->win_count = 0;
            p->win_start += LOAD_WIN;
            if (f->t > p->win_start + 1000 * LOAD_WIN)
                p->win_start = f->t;
        }
        p->win_count++;
    }
}

/* The slot model, shared by training pass 2 and detection. A periodic sender
 * owns one frame per period slot centred on the expected arrival E; E follows
 * the accepted frames through a first-order loop (gain SLOT_ALPHA), so bus
 * jitter does not accumulate. Of two frames in one slot, a payload-anomalous
 * one loses first, otherwise the one farther from E. Returns
 * 0 = frame provisionally accepted, 1 = this frame is the extra one,
 * 2 = the pending frame was the extra one (this frame replaces it). */
#ifndef CONST_K
#define CONST_K 3
#endif
#ifndef SLOT_SUS_FIRST
#define SLOT_SUS_FIRST 0
#endif
#ifndef SEQ_GAP
#define SEQ_GAP 0.0005
#endif
#ifndef SLOT_HAM
#define SLOT_HAM 3
#endif
#ifndef SLOT_ALPHA
#define SLOT_ALPHA 0.25
#endif
static int slot_step(double P, slotst *s, double t, int bad, unsigned ham, int sus, double *dev)
{
    *dev = 0;
    if (!s->init) {
        s->init = 1;
        s->E = t;
        s->pend_t = t;
        s->has_pend = 1;
        s->pend_bad = (uint8_t)bad;
        s->pend_ham = (uint8_t)ham;
        s->pend_sus = (uint8_t)sus;
        s->missed = 0;
        return 0;
    }
    if (t >= s->E + P / 2) {
        if (s->has_pend) {
            s->E = s->E + SLOT_ALPHA * (s->pend_t - s->E) + P;
            if (s->warm < 3)
                s->warm++;
            s->has_pend = 0;
            s->missed = 0;
        } else {
            s->E += P;
            s->missed = 1;
        }
        if (t >= s->E + P / 2) {
            double k = floor_((t - s->E) / P + 0.5);
            s->E += k * P;
            s->missed = 1;
            if (k > 2) /* long silence: resynchronise on this frame */
                s->E = t;
        }
    }
    if (s->warm < 3 && (t < s->E - P / 2 || s->has_pend)) {
        /* warm-up (first slots of a capture): re-anchor instead of judging */
        s->E = t;
        s->pend_t = t;
        s->has_pend = 1;
        s->pend_bad = (uint8_t)bad;
        s->pend_ham = (uint8_t)ham;
        s->pend_sus = (uint8_t)sus;
        return 0;
    }
    if (t < s->E - P / 2) { /* before the current slot: extra frame in a closed slot */
        *dev = (s->E - P / 2) - t;
        return 1;
    }
    if (!s->has_pend) {
        s->has_pend = 1;
        s->pend_t = t;
        s->pend_bad = (uint8_t)bad;
        s->pend_ham = (uint8_t)ham;
        s->pend_sus = (uint8_t)sus;
        *dev = fabs_(t - s->E);
        return 0;
    }
    /* two frames in one slot */
    if (s->missed && !bad && !s->pend_bad) {
        /* the previous slot was empty: the pending frame was a late one of it */
        s->missed = 0;
        s->pend_t = t;
        s->pend_ham = (uint8_t)ham;
        s->pend_sus = (uint8_t)sus;
        return 0;
    }
    double dn = fabs_(t - s->E), dp = fabs_(s->pend_t - s->E);
    int new_wins;
    if (bad != s->pend_bad)
        new_wins = !bad;
    else if (SLOT_SUS_FIRST && sus != s->pend_sus)
        new_wins = !sus;
    else if (ham + SLOT_HAM <= s->pend_ham || (unsigned)s->pend_ham + SLOT_HAM <= ham)
        new_wins = ham < s->pend_ham;
    else if (sus != s->pend_sus)
        new_wins = !sus;
    else
        new_wins = dn < dp;
    if (new_wins) {
        *dev = dp;
        s->pend_t = t;
        s->pend_bad = (uint8_t)bad;
        s->pend_ham = (uint8_t)ham;
        s->pend_sus = (uint8_t)sus;
        return 2;
    }
    *dev = dn;
    return 1;
}

static unsigned hamming(const uint8_t *a, const uint8_t *b, unsigned n)
{
    unsigned h = 0;
    for (unsigned i = 0; i < n && i < 8; i++)
        h += (unsigned)__builtin_popcount((unsigned)(a[i] ^ b[i]));
    return h;
}

int sg17_can_profile_add(sg17_can_profile *p, const sg17_can_frame *f)
{
    if (!p || !f || p->finished)
        return SG17_E_INVAL;
    if (p->has_time < 0)
        p->has_time = f->has_time;
    else if (p->has_time != f->has_time)
        p->has_time = 0;
    uint32_t k = key_of(f->id, f->ext);
    int s = lookup(p, k);
    if (p->pass == 1) {
        if (s < 0) {
            s = insert(p, k);
            if (s < 0)
                return s;
        }
        pass1(p, &p->ids[s], &p->tr[s], f);
        if (p->prev_slot >= 0)
            veh_trans_add(&p->trans, (unsigned)p->prev_slot, (unsigned)s);
        p->prev_slot = s;
        return 0;
    }
    if (s < 0)
        return SG17_E_STATE; /* pass 2 must see the same frames */
    /* transitions, held out: a pair seen once in training would have been
     * novel without that occurrence; the most such per window is the
     * threshold's base */
    if (p->prev_slot >= 0) {
        uint32_t c = veh_trwin_push(&p->trw, veh_trans_count(&p->trans, (unsigned)p->prev_slot,
                                                             (unsigned)s) <= 1);
        if (c > p->tr_thr)
            p->tr_thr = c;
    }
    p->prev_slot = s;
    idprof *ip = &p->ids[s];
    idtrain *t = &p->tr[s];
    if (!ip->periodic || !f->has_time)
        return 0;
    double dev;
    int v = slot_step(ip->period, &t->slot, f->t, 0, hamming(f->data, t->prev2, f->dlc), 0, &dev);
    memcpy(t->prev2, f->data, 8);
    if (v != 0)
        t->extras++;
    else if (dev > t->maxdev)
        t->maxdev = dev;
    return 0;
}

static void derive_pass1(sg17_can_profile *p)
{
    for (size_t s = 0; s < p->n; s++) {
        idprof *ip = &p->ids[s];
        idtrain *t = &p->tr[s];
        for (unsigned i = 0; i < 64; i++) {
            ip->constmask[i] = (uint8_t) ~(t->and_[i] ^ t->or_[i]);
            ip->constval[i] = t->and_[i];
        }
        uint64_t pairs = ip->count > 1 ? ip->count - 1 : 0;
        ip->ctrmask = 0;
        if (ip->count >= MIN_TRAIN) {
            for (unsigned i = 0; i < 16; i++)
                if (t->ctr_ok[i] * 1000u >= pairs * 995u && i / 2 < ip->maxlen &&
                    t->ctr_vals[i] == 0xffff)
                    ip->ctrmask = (uint16_t)(ip->ctrmask | 1u << i);
        }
        ip->ck_alg = 0;
        if (ip->count >= MIN_TRAIN && (ip->lenmask & (ip->lenmask - 1)) == 0 && t->ck_dlc >= 2) {
            /* most specific first; a byte must vary for its checksum to be learned */
            static const uint8_t order[] = {VEH_CK_CRC1D,  VEH_CK_CRC2F,  VEH_CK_SUM,
                                            VEH_CK_NIBSUM, VEH_CK_NIBNEG, VEH_CK_XOR};
            unsigned nb = t->ck_dlc < 8 ? t->ck_dlc : 8;
            for (unsigned oi = 0; oi < sizeof order && !ip->ck_alg; oi++) {
                unsigned a = order[oi];
                for (unsigned b = nb; b-- > 0;) {
                    unsigned distinct = 0;
                    uint16_t lows = 0;
                    for (unsigned v = 0; v < 256; v++)
                        if (t->ck_vals[b][v >> 3] >> (v & 7) & 1) {
                            distinct++;
                            lows = (uint16_t)(lows | 1u << (v & 15));
                        }
                    if (a == VEH_CK_NIBSUM || a == VEH_CK_NIBNEG)
                        distinct = (unsigned)__builtin_popcount(lows) * 2u;
                    if (distinct >= CK_VALUES && t->ck_ok[b][a] * 1000u >= ip->count * 995u) {
                        ip->ck_alg = (uint8_t)a;
                        ip->ck_byte = (uint8_t)b;
                        ip->ck_c = t->ck_c0[b][a];
                        break;
                    }
                }
            }
        }
        ip->periodic = 0;
        ip->period = 0;
        if (p->has_time && ip->count == 1) /* seen once: never twice within the training span */
            ip->min_gap = ip->max_gap = p->t_last - p->t_first;
        if (!p->has_time || pairs < 10)
            continue;
        /* median bin, then the mean of gaps within +-3 bins of it */
        uint64_t half = pairs / 2, acc = 0;
        int m = 0;
        for (int b = 0; b < HBINS; b++) {
            acc += t->hist[b];
            if (acc > half) {
                m = b;
                break;
            }
        }
        uint64_t near = 0;
        double sum = 0;
        for (int b = m - 3; b <= m + 3; b++) {
            if (b < 0 || b >= HBINS)
                continue;
            near += t->hist[b];
            sum += t->sum_bin[b];
        }
        if (near == 0)
            continue;
        ip->period = sum / (double)near;
        if (near * 100u >= pairs * 85u && ip->period > 0)
            ip->periodic = 1;
    }
}

int sg17_can_profile_next_pass(sg17_can_profile *p)
{
    if (!p || p->pass != 1 || p->finished)
        return SG17_E_STATE;
    if (p->has_time < 0)
        return SG17_E_FORMAT; /* no frames */
    if (p->win_count > p->load_max)
        p->load_max = p->win_count;
    derive_pass1(p);
    for (size_t s = 0; s < p->n; s++) {
        memset(&p->tr[s].slot, 0, sizeof p->tr[s].slot);
    }
    p->prev_slot = -1;
    memset(&p->trw, 0, sizeof p->trw);
    p->tr_thr = 0;
    p->pass = 2;
    return 0;
}

int sg17_can_profile_finish(sg17_can_profile *p)
{
    if (!p || p->finished)
        return SG17_E_STATE;
    if (p->pass == 1) {
        int e = sg17_can_profile_next_pass(p);
        if (e)
            return e;
    }
    for (size_t s = 0; s < p->n; s++) {
        idprof *ip = &p->ids[s];
        idtrain *t = &p->tr[s];
        if (ip->periodic) {
            /* the slot model must be (nearly) silent on clean traffic */
            if (t->extras * 1000u > ip->count)
                ip->periodic = 0;
            ip->tol = t->maxdev;
        }
    }
    p->has_tr = !p->trans.full;
    p->tr_thr = p->tr_thr + p->tr_thr / 2 + 2;
    free(p->tr);
    p->tr = NULL;
    p->finished = 1;
    return 0;
}

/* ---- save / load --------------------------------------------------------- */

static void put_hex(FILE *f, const uint8_t *b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        fprintf(f, "%02x", b[i]);
}

int sg17_can_profile_save(const sg17_can_profile *p, const char *path)
{
    if (!p || !path || !p->finished)
        return SG17_E_INVAL;
    FILE *f = fopen(path, "w");
    if (!f)
        return SG17_E_IO;
    fprintf(f, "sg17-can-profile 3\nhas_time %d\nload_max %u\nobserved_s %.6f\ntr_thr %u\n",
            p->has_time > 0, p->load_max, p->observed_s, p->has_tr ? p->tr_thr : 0);
    for (size_t s = 0; s < p->n; s++) {
        const idprof *ip = &p->ids[s];
        fprintf(f, "id %x %u %llu %x %u %.9g %.9g %.9g %.9g %u %x ",
                (unsigned)(ip->key & 0x1fffffffu), (unsigned)(ip->key >> 31),
                (unsigned long long)ip->count, ip->lenmask, ip->periodic, ip->period, ip->min_gap,
                ip->max_gap, ip->tol, ip->rate_max, ip->ctrmask);
        put_hex(f, ip->minv, 8);
        fputc(' ', f);
        put_hex(f, ip->maxv, 8);
        fputc(' ', f);
        put_hex(f, ip->constmask, 64);
        fputc(' ', f);
        put_hex(f, ip->constval, 64);
        fprintf(f, " %u %u %u\n", ip->ck_alg, ip->ck_byte, ip->ck_c);
    }
    for (size_t i = 0; p->has_tr && i < VEH_TR_SIZE; i++)
        if (p->trans.key[i])
            fprintf(f, "tr %u %u %u\n", (unsigned)((p->trans.key[i] - 1) >> 11),
                    (unsigned)((p->trans.key[i] - 1) & 2047u), p->trans.cnt[i]);
    int bad = ferror(f);
    if (fclose(f) != 0 || bad)
        return SG17_E_IO;
    return 0;
}

static int tok_u(char **s, int base, unsigned long long max, unsigned long long *v)
{
    char *e;
    while (**s == ' ')
        (*s)++;
    if (!**s || **s == '-')
        return -1;
    unsigned long long x = strtoull(*s, &e, base);
    if (e == *s || (*e != ' ' && *e != 0 && *e != '\n') || x > max)
        return -1;
    *s = e;
    *v = x;
    return 0;
}

static int tok_d(char **s, double *v)
{
    char *e;
    while (**s == ' ')
        (*s)++;
    double x = strtod(*s, &e);
    if (e == *s || (*e != ' ' && *e != 0 && *e != '\n') || !isfinite(x) || x < 0 || x > 1e9)
        return -1;
    *s = e;
    *v = x;
    return 0;
}

static int tok_hex(char **s, uint8_t *out, size_t n)
{
    while (**s == ' ')
        (*s)++;
    for (size_t i = 0; i < n; i++) {
        unsigned v = 0;
        for (int j = 0; j < 2; j++) {
            char c = (*s)[0];
            int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
            if (d < 0)
                return -1;
            v = v << 4 | (unsigned)d;
            (*s)++;
        }
        out[i] = (uint8_t)v;
    }
    return 0;
}

int sg17_can_profile_load(const char *path, sg17_can_profile **out)
{
    if (!path || !out)
        return SG17_E_INVAL;
    *out = NULL;
    FILE *f = fopen(path, "r");
    if (!f)
        return SG17_E_IO;
    sg17_can_profile *p;
    int e = sg17_can_profile_new(&p);
    if (e) {
        fclose(f);
        return e;
    }
    free(p->tr);
    p->tr = NULL;
    char line[512];
    unsigned long lineno = 0;
    int version = 2;
    e = 0;
    while (fgets(line, sizeof line, f)) {
        lineno++;
        char *s = line;
        unsigned long long v[7];
        double d[4];
        if (strchr(line, '\n') == NULL && !feof(f)) {
            e = SG17_E_FORMAT;
            break;
        }
        if (lineno == 1) {
            if (strcmp(line, "sg17-can-profile 3\n") == 0) {
                version = 3;
                p->has_tr = 1;
            } else if (strcmp(line, "sg17-can-profile 2\n") == 0) {
                p->observed_s = 1e9; /* version 2 had no span: never provisional */
            } else {
                e = SG17_E_FORMAT;
                break;
            }
            continue;
        }
        if (version >= 3 && strncmp(s, "observed_s ", 11) == 0) {
            s += 11;
            if (tok_d(&s, &d[0]) || (*s != '\n' && *s != 0)) {
                e = SG17_E_FORMAT;
                break;
            }
            p->observed_s = d[0];
            continue;
        }
        if (version >= 3 && strncmp(s, "tr_thr ", 7) == 0) {
            s += 7;
            if (tok_u(&s, 10, 0xffffffffu, &v[0])) {
                e = SG17_E_FORMAT;
                break;
            }
            p->tr_thr = (uint32_t)v[0];
            continue;
        }
        if (version >= 3 && strncmp(s, "tr ", 3) == 0) {
            s += 3;
            if (tok_u(&s, 10, 2047, &v[0]) || tok_u(&s, 10, 2047, &v[1]) ||
                tok_u(&s, 10, 0xffff, &v[2]) || v[0] >= p->n || v[1] >= p->n ||
                (e = veh_trans_put(&p->trans, (unsigned)v[0], (unsigned)v[1], (unsigned)v[2])) != 0) {
                if (!e)
                    e = SG17_E_FORMAT;
                break;
            }
            continue;
        }
        if (strncmp(s, "has_time ", 9) == 0) {
            s += 9;
            if (tok_u(&s, 10, 1, &v[0])) {
                e = SG17_E_FORMAT;
                break;
            }
            p->has_time = (int)v[0];
            continue;
        }
        if (strncmp(s, "load_max ", 9) == 0) {
            s += 9;
            if (tok_u(&s, 10, 0xffffffffu, &v[0])) {
                e = SG17_E_FORMAT;
                break;
            }
            p->load_max = (uint32_t)v[0];
            continue;
        }
        if (strncmp(s, "id ", 3) != 0) {
            e = SG17_E_FORMAT;
            break;
        }
        s += 3;
        if (tok_u(&s, 16, 0x1fffffff, &v[0]) || tok_u(&s, 10, 1, &v[1]) ||
            tok_u(&s, 10, ~0ull, &v[2]) || tok_u(&s, 16, 0xffff, &v[3]) ||
            tok_u(&s, 10, 1, &v[4]) || tok_d(&s, &d[0]) || tok_d(&s, &d[1]) || tok_d(&s, &d[2]) ||
            tok_d(&s, &d[3]) || tok_u(&s, 10, 0xffffffffu, &v[6]) || tok_u(&s, 16, 0xffff, &v[5])) {
            e = SG17_E_FORMAT;
            break;
        }
        uint32_t k = key_of((uint32_t)v[0], (uint8_t)v[1]);
        if (lookup(p, k) >= 0) {
            e = SG17_E_FORMAT;
            break;
        }
        int sl = insert(p, k);
        if (sl < 0) {
            e = sl;
            break;
        }
        idprof *ip = &p->ids[sl];
        ip->count = v[2];
        ip->lenmask = (uint16_t)v[3];
        ip->periodic = (uint8_t)v[4];
        ip->period = d[0];
        ip->min_gap = d[1];
        ip->max_gap = d[2];
        ip->tol = d[3];
        ip->ctrmask = (uint16_t)v[5];
        ip->rate_max = (uint32_t)v[6];
        for (unsigned i = 16; i-- > 0;)
            if (ip->lenmask >> i & 1) {
                ip->maxlen = len_codes[i];
                break;
            }
        if (tok_hex(&s, ip->minv, 8) || tok_hex(&s, ip->maxv, 8) ||
            tok_hex(&s, ip->constmask, 64) || tok_hex(&s, ip->constval, 64) ||
            (ip->periodic && !(ip->period > 0))) {
            e = SG17_E_FORMAT;
            break;
        }
        if (version >= 3) {
            if (tok_u(&s, 10, VEH_CK_N - 1, &v[0]) || tok_u(&s, 10, 7, &v[1]) ||
                tok_u(&s, 10, 255, &v[2])) {
                e = SG17_E_FORMAT;
                break;
            }
            ip->ck_alg = (uint8_t)v[0];
            ip->ck_byte = (uint8_t)v[1];
            ip->ck_c = (uint8_t)v[2];
        }
        if (*s != '\n' && *s != 0) {
            e = SG17_E_FORMAT;
            break;
        }
    }
    fclose(f);
    if (!e && (lineno < 3 || p->has_time < 0))
        e = SG17_E_FORMAT;
    if (e) {
        sg17_can_profile_free(p);
        return e;
    }
    p->finished = 1;
    p->pass = 2;
    *out = p;
    return 0;
}

/* ---- detection ------------------------------------------------------------ */

int sg17_can_detector_new(const sg17_can_profile *p, sg17_can_detector **out)
{
    if (!p || !out || !p->finished)
        return SG17_E_INVAL;
    sg17_can_detector *d = calloc(1, sizeof *d);
    if (!d)
        return SG17_E_NOMEM;
    d->p = p;
    memcpy(d->ids, p->ids, p->n * sizeof p->ids[0]);
    memcpy(d->slot, p->slot, sizeof d->slot);
    d->n = p->n;
    d->provisional = p->has_time > 0 && p->observed_s < PROV_SPAN;
    d->prev_slot = -1;
    *out = d;
    return 0;
}

void sg17_can_detector_free(sg17_can_detector *d)
{
    free(d);
}

static sg17_can_alert *new_alert(sg17_can_alert *a, size_t *n, const sg17_can_frame *f,
                                 uint64_t seq, const char *det, double score)
{
    if (*n >= SG17_CAN_MAX_ALERTS)
        return NULL;
    sg17_can_alert *x = &a[(*n)++];
    x->seq = seq;
    x->t = f->has_time ? f->t : 0;
    x->t_decided = x->t;
    x->id = f->id;
    x->ext = f->ext;
    x->flags_frame = 1;
    x->detector = det;
    x->score = score;
    x->evidence[0] = 0;
    return x;
}

static void frame_hex(char *out, const uint8_t *d, unsigned n)
{
    static const char hx[] = "0123456789ABCDEF";
    if (n > 8)
        n = 8;
    for (unsigned i = 0; i < n; i++) {
        out[2 * i] = hx[d[i] >> 4];
        out[2 * i + 1] = hx[d[i] & 15];
    }
    out[2 * n] = 0;
}

static const char *hexof(char *buf, const sg17_can_frame *f)
{
    frame_hex(buf, f->data, f->dlc);
    return buf;
}

/* Does the payload continue the learned counters from ref? */
static int counters_ok(const idprof *ip, const uint8_t *ref, const uint8_t *data)
{
    for (unsigned i = 0; i < 16; i++)
        if (ip->ctrmask >> i & 1 && nib(data, i) != ((nib(ref, i) + 1) & 15))
            return 0;
    return 1;
}

/* J1939 (29-bit): the parameter group number, and whether a new identifier
 * sends a PGN the profile knows from another source address. Requests,
 * transport (TP.CM, TP.DT), acknowledgements and address claims are sent by
 * any node and are not judged this way (SAE J1939-21/-81). */
static uint32_t j1939_pgn(uint32_t id)
{
    uint32_t pf = id >> 16 & 0xff, pgn = id >> 8 & 0x3ffff;
    return pf < 240 ? pgn & 0x3ff00 : pgn;
}

static int pgn_spoof(const sg17_can_detector *d, const sg17_can_frame *f, unsigned *sa)
{
    uint32_t pgn = j1939_pgn(f->id);
    uint32_t pf = pgn >> 8 & 0xff;
    if (pf == 0xe8 || pf == 0xea || pf == 0xeb || pf == 0xec || pf == 0xee)
        return 0;
    for (size_t i = 0; i < d->p->n; i++) {
        uint32_t k = d->p->ids[i].key;
        if (k >> 31 && j1939_pgn(k & 0x1fffffffu) == pgn && (k & 0xff) != (f->id & 0xff)) {
            *sa = k & 0xff;
            return 1;
        }
    }
    return 0;
}

static pendst *pend_find(sg17_can_detector *d, uint32_t k)
{
    for (unsigned i = 0; i < MAX_PEND; i++)
        if (d->pend[i].used && d->pend[i].key == k)
            return &d->pend[i];
    return NULL;
}

/* Probation over: adopt the identifier (judged for flooding and its lengths
 * only from now on), or flag every frame it sent in probation. A known but
 * rare identifier is adopted once it sent PEND_MIN frames, else it stays in
 * probation (rare is what it was learned to be). An identifier new to the
 * profile is adopted only if consistent (PEND_MIN frames, no flooding) and
 * part of a cohort: COHORT new identifiers first seen within COHORT_S of
 * each other, as when an ECU wakes up; a lone new identifier is an
 * intruder. */
static void pend_close(sg17_can_detector *d, pendst *q, double now)
{
    int cohort = 0;
    for (unsigned i = 0; i < 8 && i < d->n_newt; i++)
        if (d->newt[i] - q->t0 <= COHORT_S && q->t0 - d->newt[i] <= COHORT_S)
            cohort++;
    int adopt = q->n >= PEND_MIN && !q->flood && (q->slot >= 0 || cohort >= COHORT);
    if (!adopt && q->slot < 0) {
        char hx[17];
        frame_hex(hx, q->data, q->dlc);
        unsigned held = q->n < PEND_SEQ ? q->n : PEND_SEQ;
        for (unsigned i = 0; i < held && d->aq_n < AQ_SIZE; i++) {
            sg17_can_alert *a = &d->aq[(d->aq_head + d->aq_n++) % AQ_SIZE];
            memset(a, 0, sizeof *a);
            a->seq = q->seqs[i];
            a->t = q->ts[i];
            a->t_decided = now;
            a->id = q->key & 0x1fffffffu;
            a->ext = (uint8_t)(q->key >> 31);
            a->flags_frame = 1;
            a->detector = "unknown-id";
            a->score = 0.8;
            snprintf(a->evidence, sizeof a->evidence,
                     "frame %X#%s: identifier not in the profile; in %.1f s of probation %u "
                     "frame(s), %d new identifier(s) within %.0f s (adopted if >= %d and >= %d)",
                     (unsigned)a->id, hx, now - q->t0, q->n, cohort, COHORT_S, PEND_MIN, COHORT);
        }
    } else if (adopt) {
        int s = q->slot;
        if (s < 0)
            s = insert_in(d->ids, d->slot, &d->n, q->key);
        if (s >= 0) {
            idprof *ip = &d->ids[s];
            ip->lenmask = (uint16_t)(ip->lenmask | q->lenmask);
            for (unsigned i = 16; i-- > 0;)
                if (ip->lenmask >> i & 1) {
                    ip->maxlen = len_codes[i];
                    break;
                }
            ip->periodic = 0;
            ip->min_gap = 2 * FLOOD_GAP; /* judged for flooding only */
            ip->rate_max = 0;
            if (ip->count < MIN_TIMING)
                ip->count = MIN_TIMING; /* timing trusted, still no payload model */
            d->st[s].adopted = 1;
        }
    }
    q->used = 0;
    d->n_pend--;
}

static void pend_expire(sg17_can_detector *d, double now)
{
    double next = 0;
    int has_next = 0;
    for (unsigned i = 0; i < MAX_PEND; i++) {
        pendst *q = &d->pend[i];
        if (!q->used)
            continue;
        if (now - q->t0 >= PEND_S)
            pend_close(d, q, now);
        else if (!has_next || q->t0 + PEND_S < next) {
            next = q->t0 + PEND_S;
            has_next = 1;
        }
    }
    d->next_exp = has_next ? next : now;
}

/* A frame of an identifier the provisional profile cannot judge yet.
 * Returns 1 if the frame was taken into probation (alerts possibly added). */
static int pend_frame(sg17_can_detector *d, const sg17_can_frame *f, uint64_t seq, int s,
                      sg17_can_alert *alerts, size_t *n)
{
    uint32_t k = key_of(f->id, f->ext);
    pendst *q = pend_find(d, k);
    char hx[17];
    if (!q) {
        if (d->n_pend >= MAX_PEND)
            return 0; /* judged as without probation */
        for (unsigned i = 0; i < MAX_PEND && !q; i++)
            if (!d->pend[i].used)
                q = &d->pend[i];
        if (!q)
            return 0;
        memset(q, 0, sizeof *q);
        q->used = 1;
        q->key = k;
        q->slot = (int16_t)s;
        q->seq0 = seq;
        q->t0 = q->tlast = f->t;
        q->dlc = f->dlc < 8 ? f->dlc : 8;
        memcpy(q->data, f->data, 8);
        q->min_gap = 1e9;
        int known = 0;
        for (unsigned i = 0; i < 8 && i < d->n_newt; i++)
            known |= d->newk[i] == k;
        if (s < 0 && !known) {
            d->newk[d->n_newt % 8] = k;
            d->newt[d->n_newt++ % 8] = f->t;
        }
        if (d->n_pend++ == 0 || f->t + PEND_S < d->next_exp)
            d->next_exp = f->t + PEND_S;
    } else {
        double gap = f->t - q->tlast;
        if (gap < q->min_gap)
            q->min_gap = gap;
        q->tlast = f->t;
        if (q->n >= FLOOD_N && f->t - q->ts[q->n - FLOOD_N] < FLOOD_N * FLOOD_GAP) {
            q->flood = 1;
            sg17_can_alert *a = new_alert(alerts, n, f, seq, "rate", 0.8);
            if (a)
                snprintf(a->evidence, sizeof a->evidence,
                         "frame %X#%s: %d frames in %.6f s of an identifier in probation "
                         "(flooding: mean gap below %.3f s)",
                         (unsigned)f->id, hexof(hx, f), FLOOD_N + 1, f->t - q->ts[q->n - FLOOD_N],
                         FLOOD_GAP);
        }
    }
    if (q->n < PEND_SEQ) {
        q->seqs[q->n] = seq;
        q->ts[q->n] = f->t;
    }
    q->n++;
    q->lenmask = (uint16_t)(q->lenmask | 1u << len_code(f->dlc));
    if (q->n >= PEND_SEQ)
        pend_close(d, q, f->t); /* full: decide now */
    return 1;
}

static unsigned popcount_and(const uint8_t *a, const uint8_t *b, unsigned n)
{
    unsigned c = 0;
    for (unsigned i = 0; i < n; i++)
        c += (unsigned)__builtin_popcount((unsigned)(a[i] & b[i]));
    return c;
}

void sg17_can_detector_feed(sg17_can_detector *d, const sg17_can_frame *f, uint64_t seq,
                            sg17_can_alert *alerts, size_t *n)
{
    const sg17_can_profile *p = d->p;
    char hx[17]; /* payload hex, formatted only when an alert needs it */
    *n = 0;
    while (d->aq_n && *n < SG17_CAN_MAX_ALERTS - 3) { /* deferred probation verdicts */
        alerts[(*n)++] = d->aq[d->aq_head];
        d->aq_head = (d->aq_head + 1) % AQ_SIZE;
        d->aq_n--;
    }
    int timed = p->has_time > 0 && f->has_time;
    /* bus load (window-level) */
    if (timed) {
        if (!d->win_init || f->t < d->win_start) {
            d->win_init = 1;
            d->win_start = f->t;
            d->win_count = 0;
        }
        if (f->t >= d->win_start + LOAD_WIN) {
            uint32_t lim = p->load_max + p->load_max / 2 + 5;
            if (d->win_count > lim) {
                sg17_can_alert *a = new_alert(alerts, n, f, seq, "bus-load", 0.5);
                if (a) {
                    a->flags_frame = 0;
                    a->t = d->win_start;
                    snprintf(a->evidence, sizeof a->evidence,
                             "%u frames in a %.1f s window, learned max %u", d->win_count, LOAD_WIN,
                             p->load_max);
                }
            }
            d->win_count = 0;
            d->win_start += LOAD_WIN * floor_((f->t - d->win_start) / LOAD_WIN);
        }
        d->win_count++;
    }
    if (d->n_pend && timed && f->t >= d->next_exp)
        pend_expire(d, f->t);
    int s = lookup_in(d->ids, d->slot, key_of(f->id, f->ext));
    if (d->provisional && timed && s < 0) {
        /* new to a profile that saw too little traffic to know every identifier: probation */
        unsigned sa = 0;
        if (s < 0 && f->ext && pgn_spoof(d, f, &sa)) {
            sg17_can_alert *a = new_alert(alerts, n, f, seq, "unknown-id", 1.0);
            if (a)
                snprintf(a->evidence, sizeof a->evidence,
                         "frame %X#%s: J1939 PGN %05X from source %02X, learned only from source "
                         "%02X",
                         (unsigned)f->id, hexof(hx, f), (unsigned)j1939_pgn(f->id),
                         (unsigned)(f->id & 0xff), sa);
            d->prev_slot = -1;
            return;
        }
        if (pend_frame(d, f, seq, s, alerts, n)) {
            d->prev_slot = -1;
            return;
        }
    }
    if (s < 0) {
        sg17_can_alert *a = new_alert(alerts, n, f, seq, "unknown-id", 1.0);
        if (a)
            snprintf(a->evidence, sizeof a->evidence,
                     "frame %X#%s: identifier not in the profile (%zu ids)", (unsigned)f->id,
                     hexof(hx, f), p->n);
        d->prev_slot = -1;
        return;
    }
    const idprof *ip = &d->ids[s];
    idstate *st = &d->st[s];
    int bad = 0;       /* payload-level verdict of this frame */
    int tentative = 0; /* payload-const verdict waits for the next frame */
    if (!(ip->lenmask >> len_code(f->dlc) & 1)) {
        sg17_can_alert *a = new_alert(alerts, n, f, seq, "dlc", 0.9);
        if (a)
            snprintf(a->evidence, sizeof a->evidence,
                     "frame %X#%s: length %u never seen (mask %04x)", (unsigned)f->id, hexof(hx, f),
                     f->dlc, ip->lenmask);
        bad = 1;
    }
    if (!bad && ip->count >= MIN_TRAIN) {
        unsigned lim = f->dlc < ip->maxlen ? f->dlc : ip->maxlen;
        if (!st->cm_init) {
            memcpy(st->cmask, ip->constmask, 64);
            st->cm_init = 1;
        }
        uint8_t diff[64];
        unsigned nb = 0, first = 0;
        for (unsigned i = 0; i < lim; i++) {
            diff[i] = (uint8_t)((f->data[i] ^ ip->constval[i]) & st->cmask[i]);
            if (diff[i] && !nb)
                first = i;
            nb += (unsigned)__builtin_popcount(diff[i]);
        }
        /* A few learned-constant bits changing is a signal entering a new range:
         * the bits stop being constant. Many at once (CONST_HI) is a forged
         * payload - unless the very same bits changed in this identifier's
         * previous frame too. Between CONST_K and CONST_HI the verdict waits
         * for the identifier's next frame: if that frame keeps most of the
         * changed bits the signal moved (learned, no alert), else the waiting
         * frame was an isolated forgery and is flagged then. */
        int persist = nb >= CONST_K && st->has_pdiff; /* two anomalous frames in a row */
        if (st->pc_pend) {
            unsigned ov = popcount_and(diff, st->pc_diff, lim < st->pc_dlc ? lim : st->pc_dlc);
            if (nb >= CONST_K && ov >= CONST_K && 2 * ov >= st->pc_nb) {
                for (unsigned i = 0; i < st->pc_dlc; i++)
                    st->cmask[i] = (uint8_t)(st->cmask[i] & ~st->pc_diff[i]);
                for (unsigned i = 0; i < lim; i++)
                    st->cmask[i] = (uint8_t)(st->cmask[i] & ~diff[i]);
                nb = 0;
            } else {
                sg17_can_alert *a = new_alert(alerts, n, f, st->pc_seq, "payload-const", 0.7);
                if (a) {
                    char ph[17];
                    frame_hex(ph, st->pc_data, st->pc_dlc);
                    a->t = st->pc_t;
                    snprintf(a->evidence, sizeof a->evidence,
                             "frame %X#%s: %u learned-constant bits changed for this frame only "
                             "(the next frame of the identifier has them back)",
                             (unsigned)f->id, ph, st->pc_nb);
                }
            }
            st->pc_pend = 0;
        }
        if (nb >= CONST_K && nb < CONST_HI && !persist) {
            st->pc_pend = 1;
            st->pc_nb = (uint8_t)nb;
            st->pc_dlc = (uint8_t)lim;
            st->pc_seq = seq;
            st->pc_t = f->t;
            memcpy(st->pc_data, f->data, 8);
            memcpy(st->pc_diff, diff, lim);
            tentative = 1;
            nb = 0;
        }
        if (nb >= CONST_K && !persist) {
            sg17_can_alert *a = new_alert(alerts, n, f, seq, "payload-const", 0.8);
            if (a)
                snprintf(a->evidence, sizeof a->evidence,
                         "frame %X#%s: %u learned-constant bits changed (first: byte %u bits %02x, "
                         "constant %02x in %llu training frames)",
                         (unsigned)f->id, hexof(hx, f), nb, first, diff[first],
                         ip->constval[first] & st->cmask[first], (unsigned long long)ip->count);
            bad = 1;
        } else if (nb) {
            for (unsigned i = 0; i < lim; i++)
                st->cmask[i] = (uint8_t)(st->cmask[i] & ~(diff[i] | (persist ? st->pdiff[i] : 0)));
        }
        if (lim)
            memcpy(st->pdiff, diff, lim);
        st->has_pdiff = nb >= CONST_K;
        if (!timed && !bad) {
            for (unsigned i = 0; i < lim && i < 8; i++) {
                if (f->data[i] < ip->minv[i] || f->data[i] > ip->maxv[i]) {
                    sg17_can_alert *a = new_alert(alerts, n, f, seq, "payload-range", 0.5);
                    if (a)
                        snprintf(a->evidence, sizeof a->evidence,
                                 "frame %X#%s: byte %u = %u outside learned [%u, %u]",
                                 (unsigned)f->id, hexof(hx, f), i, f->data[i], ip->minv[i],
                                 ip->maxv[i]);
                    bad = 1;
                    break;
                }
            }
        }
    }
    if (!bad && ip->ck_alg && ip->count >= MIN_TRAIN && f->dlc == ip->maxlen &&
        ip->ck_byte < f->dlc) {
        uint8_t c = veh_ck_value(ip->ck_alg, f->data, f->dlc, ip->ck_byte);
        if (c != ip->ck_c) {
            sg17_can_alert *a = new_alert(alerts, n, f, seq, "checksum", 0.9);
            if (a)
                snprintf(a->evidence, sizeof a->evidence,
                         "frame %X#%s: byte %u breaks the learned %s checksum (constant %02X, "
                         "frame gives %02X)",
                         (unsigned)f->id, hexof(hx, f), ip->ck_byte, veh_ck_name(ip->ck_alg),
                         ip->ck_c, c);
            bad = 1;
        }
    }
    /* rolling counters: against the last accepted frame; a frame that
     * continues the last seen frame resynchronises (lost frames) */
    double expect_gap = ip->period > 0 ? ip->period : ip->max_gap;
    int lost = timed && st->has_last && f->t - st->last_t > 1.5 * expect_gap; /* frames were lost */
    if (!bad && ip->ctrmask && st->has_ctr && !lost && !counters_ok(ip, st->ctr_ref, f->data) &&
        !counters_ok(ip, st->last_seen, f->data)) {
        sg17_can_alert *a = new_alert(alerts, n, f, seq, "counter", 0.7);
        if (a)
            snprintf(a->evidence, sizeof a->evidence,
                     "frame %X#%s: rolling counter (nibble mask %04x) does not continue the last "
                     "accepted frame",
                     (unsigned)f->id, hexof(hx, f), ip->ctrmask);
        bad = 1;
    }
    int flagged = bad;
    if (tentative)
        bad = 1; /* loses a slot contest; not yet flagged */
    if (timed && ip->periodic) {
        double dev, E0 = st->slot.E, old_pend_t = st->slot.pend_t;
        uint64_t old_pend_seq = st->pend_seq;
        const uint8_t *ref =
            st->slot.has_pend && !st->slot.pend_bad && f->t < st->slot.E + ip->period / 2
                ? st->pend_ref
                : st->ctr_ref;
        int sus = d->has_flag_t && f->t - d->last_flag_t < SEQ_GAP; /* right behind an intruder */
        int v = slot_step(ip->period, &st->slot, f->t, bad,
                          st->has_ctr ? hamming(f->data, ref, f->dlc) : 0, sus, &dev);
        if (v == 1 && (!bad || (tentative && !flagged))) {
            sg17_can_alert *a =
                new_alert(alerts, n, f, seq, "timing", dev > ip->period / 4 ? 0.9 : 0.6);
            if (a)
                snprintf(a->evidence, sizeof a->evidence,
                         "frame %X#%s at %.6f: second frame in one period slot (period %.6f s, "
                         "expected %.6f)",
                         (unsigned)f->id, hexof(hx, f), f->t, ip->period, E0);
            flagged = 1;
        } else if (v == 2) {
            sg17_can_alert *a = new_alert(alerts, n, f, old_pend_seq, "timing", 0.6);
            if (a) {
                a->t = old_pend_t;
                snprintf(
                    a->evidence, sizeof a->evidence,
                    "frame %X at %.6f: second frame in one period slot, farther from the expected "
                    "arrival %.6f than the frame at %.6f (period %.6f s)",
                    (unsigned)f->id, old_pend_t, E0, f->t, ip->period);
            }
            /* the pending frame was the intruder: it is no counter reference */
            memcpy(st->ctr_ref, st->pend_ref, 8);
        }
        if (v != 1)
            st->pend_seq = seq;
    } else if (timed) {
        /* provisional profiles and adopted identifiers: flooding only (FLOOD_N
         * frames closer than FLOOD_GAP on average: a single short gap is often
         * the logger delivering frames in batches) */
        int flood_only = d->provisional || st->adopted;
        double mg = flood_only ? 2 * FLOOD_GAP : ip->min_gap;
        double t_old = st->fl_t[st->fl_i];
        if (flood_only && !flagged && st->fl_n >= FLOOD_N &&
            f->t - t_old < FLOOD_N * FLOOD_GAP) {
            sg17_can_alert *a = new_alert(alerts, n, f, seq, "rate", 0.8);
            if (a)
                snprintf(a->evidence, sizeof a->evidence,
                         "frame %X#%s: %d frames in %.6f s (flooding: mean gap below %.3f s)",
                         (unsigned)f->id, hexof(hx, f), FLOOD_N + 1, f->t - t_old, FLOOD_GAP);
            flagged = 1;
        }
        st->fl_t[st->fl_i] = f->t;
        st->fl_i = (uint8_t)((st->fl_i + 1) % FLOOD_N);
        if (st->fl_n < FLOOD_N)
            st->fl_n++;
        if (!flood_only && !flagged && st->has_last && f->t - st->last_t < 0.5 * mg) {
            sg17_can_alert *a = new_alert(alerts, n, f, seq, "min-gap", 0.6);
            if (a)
                snprintf(a->evidence, sizeof a->evidence,
                         "frame %X#%s: gap %.6f s below %.6f s (half the learned minimum gap)",
                         (unsigned)f->id, hexof(hx, f), f->t - st->last_t, 0.5 * mg);
            flagged = 1;
        }
        if (!st->win_init || f->t < st->win_start || f->t >= st->win_start + RATE_WIN) {
            st->win_init = 1;
            st->win_start = f->t;
            st->win_count = 0;
        }
        st->win_count++;
        /* the learned burst rate, or what the learned minimum gap sustains */
        double rlim = d->provisional || st->adopted ? 0 : ip->rate_max + ip->rate_max / 2 + 2;
        if (mg > 0 && 1.5 * RATE_WIN / mg > rlim)
            rlim = 1.5 * RATE_WIN / mg;
        if (!flagged && st->win_count > rlim) {
            sg17_can_alert *a = new_alert(alerts, n, f, seq, "rate", 0.8);
            if (a)
                snprintf(a->evidence, sizeof a->evidence,
                         "frame %X#%s: %u frames within %.1f s, learned max %u", (unsigned)f->id,
                         hexof(hx, f), st->win_count, RATE_WIN, ip->rate_max);
            flagged = 1;
        }
    }
    if (!bad) {
        memcpy(st->pend_ref, st->ctr_ref, 8);
        memcpy(st->ctr_ref, f->data, 8);
        st->has_ctr = 1;
    }
    memcpy(st->last_seen, f->data, 8);
    if (timed) {
        for (size_t k = 0; k < *n; k++) {
            if (alerts[k].flags_frame && (!d->has_flag_t || alerts[k].t > d->last_flag_t)) {
                d->has_flag_t = 1;
                d->last_flag_t = alerts[k].t;
            }
        }
    }
    if (timed && !flagged) {
        st->last_t = f->t;
        st->has_last = 1;
    }
    /* identifier transitions (profile identifiers only; not in provisional
     * profiles, whose few seconds of key-on cannot tell the bus's order).
     * A transition out of a flagged frame says nothing of the next one. */
    if (p->has_tr && !d->provisional && (size_t)s < p->n) {
        if (d->prev_slot >= 0) {
            int novel = veh_trans_count(&p->trans, (unsigned)d->prev_slot, (unsigned)s) == 0;
            uint32_t c = veh_trwin_push(&d->trw, novel);
            if (novel && c > p->tr_thr && !flagged) {
                sg17_can_alert *a = new_alert(alerts, n, f, seq, "transition", 0.5);
                if (a)
                    snprintf(a->evidence, sizeof a->evidence,
                             "frame %X#%s after %X: transition never seen in training, %u novel "
                             "transitions in the last %u frames (learned at most %u)",
                             (unsigned)f->id, hexof(hx, f),
                             (unsigned)(p->ids[d->prev_slot].key & 0x1fffffffu), c, VEH_TR_WIN,
                             p->tr_thr);
                flagged = 1;
            }
        }
        d->prev_slot = flagged ? -1 : s;
    } else {
        d->prev_slot = -1;
    }
}

void sg17_can_detector_flush(sg17_can_detector *d, sg17_can_alert *alerts, size_t *n)
{
    *n = 0;
    if (!d)
        return;
    for (unsigned i = 0; i < MAX_PEND && d->n_pend; i++)
        if (d->pend[i].used)
            pend_close(d, &d->pend[i], d->pend[i].tlast);
    while (d->aq_n && *n < SG17_CAN_MAX_ALERTS) {
        alerts[(*n)++] = d->aq[d->aq_head];
        d->aq_head = (d->aq_head + 1) % AQ_SIZE;
        d->aq_n--;
    }
}
