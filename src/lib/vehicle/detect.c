/*
 * X.1376 "detection" for CAN: a profile learned from clean traffic and the
 * streaming detectors that use it (docs/VEHICLE.md):
 *   unknown-id     identifier never seen in training
 *   dlc            payload length never seen for this identifier
 *   timing         periodic identifiers: one frame per period slot; of two
 *                  frames in one slot the intruder loses on payload, then on
 *                  schedule, then on resemblance (flooding, injection, replay)
 *   min-gap        aperiodic identifiers: gap far below the learned minimum
 *   payload-const  a bit that never changed in training changed
 *   counter        a learned rolling counter nibble broke its +1 sequence
 *   payload-range  a byte outside its learned [min, max] (no-time datasets)
 *   checksum       the learned checksum byte does not match (models.c)
 *   transition     an identifier pair never seen in training, in a window
 *                  with more novel pairs than learned on held-out clean data
 *   rate           too many frames / flooding
 *   bus-load       frames per 100 ms window above the learned maximum
 *                  (window-level alert)
 * Verdicts on an off-schedule frame and on changed constant bits wait for
 * the identifier's next frame (a re-phasing sender, a state change).
 * Provisional profiles (< 60 s of traffic) put identifiers new to them into
 * probation (probation.c) instead of alarming at once. The hot path never
 * allocates: the profile is a fixed open-addressing table, copied into the
 * detector.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sg17/vehicle.h"
#include "detector.h"
#include "vehicle_internal.h"

/* ---- detection ------------------------------------------------------------ */

sg17_can_alert *veh_new_alert(sg17_can_alert *a, size_t *n, const sg17_can_frame *f, uint64_t seq,
                              const char *det, double score)
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

void veh_frame_hex(char *out, const uint8_t *d, unsigned n)
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

const char *veh_hexof(char *buf, const sg17_can_frame *f)
{
    veh_frame_hex(buf, f->data, f->dlc);
    return buf;
}

/* The identifier that came right before each identifier in at least
 * ADJ_SHARE of its training frames, and whether in at least ADJ_STRONG, and
 * the one that came right after it in at least ADJ_SHARE (from the learned
 * transitions; their counts saturate at 65535). An ECU
 * that sends several identifiers in one task tick queues them together, so
 * on the bus they follow each other in one order; a frame injected at another
 * time comes after whatever the bus carried then. */
static void adj_init(sg17_can_detector *d)
{
    const sg17_can_profile *p = d->p;
    uint32_t tot[MAX_IDS], best[MAX_IDS], tot_s[MAX_IDS], best_s[MAX_IDS];
    memset(tot, 0, sizeof tot);
    memset(best, 0, sizeof best);
    memset(tot_s, 0, sizeof tot_s);
    memset(best_s, 0, sizeof best_s);
    for (size_t s = 0; s < MAX_IDS; s++)
        d->adj[s] = d->succ[s] = -1;
    if (!p->has_tr)
        return;
    for (size_t j = 0; j < VEH_TR_SIZE; j++) {
        if (!p->trans.key[j])
            continue;
        unsigned a = (p->trans.key[j] - 1) >> 11, b = (p->trans.key[j] - 1) & 2047u;
        if (a >= p->n || b >= p->n)
            continue;
        tot[b] += p->trans.cnt[j];
        tot_s[a] += p->trans.cnt[j];
        if (a != b && p->trans.cnt[j] > best[b]) {
            best[b] = p->trans.cnt[j];
            d->adj[b] = (int16_t)a;
        }
        if (a != b && p->trans.cnt[j] > best_s[a]) {
            best_s[a] = p->trans.cnt[j];
            d->succ[a] = (int16_t)b;
        }
    }
    for (size_t s = 0; s < p->n; s++) {
        if (tot[s] < MIN_ADJ || best[s] < ADJ_SHARE * tot[s])
            d->adj[s] = -1;
        d->adj_strong[s] = best[s] >= ADJ_STRONG * tot[s];
        if (tot_s[s] < MIN_ADJ || best_s[s] < ADJ_SHARE * tot_s[s])
            d->succ[s] = -1;
    }
}

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
    d->provisional = veh_provisional(p);
    d->const_alarms = p->has_time <= 0 || p->observed_s >= CONST_SPAN;
    d->prev_slot = -1;
    d->last_slot = -1;
    adj_init(d);
    /* a provisional profile's identifier with too few frames for its payload
     * models (one that started sending late in the learning span) learns
     * its constant bits on, up to MIN_TRAIN frames, as an adopted one */
    for (size_t s = 0; d->provisional && s < d->n; s++)
        if (d->ids[s].count >= 2 && d->ids[s].count < MIN_TRAIN && d->ids[s].maxlen <= 8)
            d->st[s].learn_n = (uint8_t)d->ids[s].count;
    *out = d;
    return 0;
}

void sg17_can_detector_free(sg17_can_detector *d)
{
    free(d);
}

/* Does the payload continue the learned counters from ref? */
static int counters_ok(const idprof *ip, const uint8_t *ref, const uint8_t *data)
{
    for (unsigned i = 0; i < 16; i++)
        if ((ip->ctrmask >> i & 1 && nib(data, i) != ((nib(ref, i) + 1) & 15)) ||
            (ip->ctr8 >> i & 1 && nib(data, i) != ((nib(ref, i) + 1) & 7)) ||
            (ip->ctr4 >> i & 1 && nib(data, i) != ((nib(ref, i) + 1) & 3)))
            return 0;
    return 1;
}

/* Fill an alert for a frame decided after it arrived. */
static void late_alert(sg17_can_alert *a, uint64_t seq, double t, double decided, uint32_t key,
                       const char *det, double score)
{
    memset(a, 0, sizeof *a);
    a->seq = seq;
    a->t = t;
    a->t_decided = decided;
    a->id = key & 0x1fffffffu;
    a->ext = (uint8_t)(key >> 31);
    a->flags_frame = 1;
    a->detector = det;
    a->score = score;
}

/* Learned-constant bits (still constant for this detector) that the frame
 * changed, per byte into diff; returns how many. */
static unsigned const_diff(const idprof *ip, const idstate *st, const sg17_can_frame *f,
                           unsigned lim, uint8_t *diff)
{
    unsigned nb = 0;
    for (unsigned i = 0; i < lim; i++) {
        diff[i] = (uint8_t)((f->data[i] ^ ip->constval[i]) & st->cmask[i]);
        nb += pop8(diff[i]);
    }
    return nb;
}

/* Is a waiting one-frame change of learned-constant bits flagged? CONST_HI
 * bits or more where the profile saw CONST_SPAN, else CONST_PROV bits - or
 * CONST_HI bits in a frame far from each of the identifier's last four
 * payloads (random, not a genuine excursion of a few fields) - or 3/8 of
 * the payload's learned-constant bits where that is fewer (pc_hi: a random
 * 2-byte payload changes 8 of 16 on average; Chevrolet Corvette 0x334,
 * fuzzed while its ECU was silent, 7 bits, passed) */
static int pc_flags(const sg17_can_detector *d, const idstate *st)
{
    return st->pc_nb >= (d->const_alarms ? CONST_HI : CONST_PROV) ||
           (st->pc_nb >= st->pc_hi && st->pc_far);
}

/* CONST_HI, or 3/8 of the learned-constant bits of the frame's first lim
 * bytes if fewer (at least CONST_K) */
static uint8_t pc_hi_of(const idstate *st, unsigned lim)
{
    unsigned c = 0;
    for (unsigned i = 0; i < lim; i++)
        c += pop8(st->cmask[i]);
    c = 3 * c / 8;
    return (uint8_t)(c > CONST_HI ? CONST_HI : c < CONST_K ? CONST_K : c);
}

/* Flag the frame whose payload-const verdict waited. */
static void pc_alert(const idstate *st, uint32_t key, sg17_can_alert *alerts, size_t *n,
                     const char *why)
{
    uint32_t id = key & 0x1fffffffu;
    if (*n >= SG17_CAN_MAX_ALERTS)
        return;
    sg17_can_alert *a = &alerts[(*n)++];
    char ph[17];
    unsigned first = 0;
    while (first + 1 < st->pc_dlc && !st->pc_diff[first])
        first++;
    veh_frame_hex(ph, st->pc_data, st->pc_dlc);
    late_alert(a, st->pc_seq, st->pc_t, st->pc_t, key, "payload-const", 0.8);
    snprintf(a->evidence, sizeof a->evidence,
             "frame %X#%s: %u learned-constant bits changed (first: byte %u bits %02x); %s",
             (unsigned)id, ph, st->pc_nb, first, st->pc_diff[first], why);
}

/* Phase tolerance of a periodic identifier's re-phase test: twice the
 * largest deviation from the expected arrival seen in training, at least 5 %
 * of the period. */
static double rephase_tol(const idprof *ip)
{
    double t = 2 * ip->tol;
    return t > 0.05 * ip->period ? t : 0.05 * ip->period;
}

/* How near the phase of the stream of extra frames a frame must come to
 * continue it: half the largest training deviation, at most 1/8 period. */
static double xphase_tol(const idprof *ip)
{
    return ip->tol / 2 < ip->period / 8 ? ip->tol / 2 : ip->period / 8;
}

/* Distance of t from the nearest instant E + kP of a schedule. */
static double phase_dist(double t, double E, double P)
{
    double r = t - E;
    return fabs_(r - P * floor_(r / P + 0.5));
}

/* Distance of t from the nearest expected arrival of a sender's schedule:
 * E the current slot's, A its offset from the grid (an alternating sender's
 * slots k odd are 2A earlier than E + kP; 0 for the others). */
static double sched_dist(double t, double E, double A, double P)
{
    double r = t - E, k = floor_(r / P + 0.5), best = P;
    for (double j = k - 1; j <= k + 1; j++) {
        double x = fabs_(r - j * P + (((long long)j & 1) ? 2 * A : 0));
        best = x < best ? x : best;
    }
    return best;
}

/* A frame at t at the phase of the last two extra frames of a periodic
 * identifier (a stream at its period, not a flood: the two one to CONTEST_P
 * periods apart, this frame within CONTEST_P periods of the last; two extra
 * frames a second apart at one phase are a coincidence - payload fuzzing
 * once a second beside Ferrari 0x58F, which sent 3 ms early and late by
 * turns for a while: its frames then "continued the stream") */
static int in_xphase(const idprof *ip, const idstate *st, double t)
{
    double P = ip->period, xtol = xphase_tol(ip);
    return st->has_intr && t - st->intr_t < CONTEST_P * P && st->intr_t - st->intr_t2 > P / 2 &&
           st->intr_t - st->intr_t2 < CONTEST_P * P &&
           phase_dist(st->intr_t, st->intr_t2, P) <= xtol && phase_dist(t, st->intr_t, P) <= xtol;
}

/* ... and off the sender's schedule. */
static int at_xphase(const idprof *ip, const idstate *st, double t)
{
    return in_xphase(ip, st, t) &&
           sched_dist(t, st->slot.E, st->slot.A, ip->period) > 2 * xphase_tol(ip);
}

/* Flag the frame whose timing verdict waited. */
static void tv_alert(const idstate *st, uint32_t key, double P, double now, sg17_can_alert *alerts,
                     size_t *n)
{
    uint32_t id = key & 0x1fffffffu;
    if (*n >= SG17_CAN_MAX_ALERTS)
        return;
    sg17_can_alert *a = &alerts[(*n)++];
    char ph[17];
    veh_frame_hex(ph, st->tv_data, st->tv_dlc);
    late_alert(a, st->tv_seq, st->tv_t, now, key, "timing", 0.9);
    snprintf(a->evidence, sizeof a->evidence,
             "frame %X#%s at %.6f: extra frame off the schedule (period %.6f s, expected %.6f); "
             "the sender did not re-phase on it",
             (unsigned)id, ph, st->tv_t, P, st->tv_E);
}

/* Flag the frame (st->xc_data) that continued the stream of extra frames at
 * its phase, off the sender's schedule, decided when its slot closed with no
 * frame of the sender's or when it lost its slot. */
static void xcont_alert(const idstate *st, uint32_t key, uint64_t seq, double t, double now,
                        double P, double E, sg17_can_alert *alerts, size_t *n)
{
    if (*n >= SG17_CAN_MAX_ALERTS)
        return;
    sg17_can_alert *a = &alerts[(*n)++];
    char ph[17];
    veh_frame_hex(ph, st->xc_data, st->xc_dlc);
    late_alert(a, seq, t, now, key, "timing", 0.8);
    snprintf(a->evidence, sizeof a->evidence,
             "frame %X#%s at %.6f: continues the extra frames' phase (last at %.6f), off the "
             "sender's schedule (period %.6f s, expected %.6f)",
             (unsigned)(key & 0x1fffffffu), ph, t, st->intr_t, P, E);
}

static void note_intr(idstate *st, const uint8_t *data, unsigned dlc, double t)
{
    uint8_t n = (uint8_t)(dlc < 8 ? dlc : 8);
    st->intr_t2 = st->has_intr ? st->intr_t : t; /* none before: no phase of a stream */
    st->intr_t = t;
    if (st->has_intr && n == st->intr_dlc && memcmp(data, st->intr, n) == 0) {
        if (st->has_intr < 255)
            st->has_intr++;
        return;
    }
    st->intr_dlc = n;
    memcpy(st->intr, data, n);
    st->has_intr = 1;
}

/* A flood is found at its (FLOOD_N + 1)-th frame: its first frames - back
 * from f while they follow each other closer than 2 FLOOD_GAP - are flagged
 * too, through the deferred alerts (DAGA's identifier 1 floods 90 frames a
 * second: 8 of each 90 went unflagged). */
static void flood_head(sg17_can_detector *d, const idstate *st, const sg17_can_frame *f)
{
    double t = f->t;
    for (unsigned k = 1; k <= st->fl_n && d->aq_n < AQ_SIZE; k++) {
        unsigned j = (st->fl_i + FLOOD_N - k) % FLOOD_N;
        if (t - st->fl_t[j] >= 2 * FLOOD_GAP)
            break;
        t = st->fl_t[j];
        sg17_can_alert *a = &d->aq[(d->aq_head + d->aq_n++) % AQ_SIZE];
        memset(a, 0, sizeof *a);
        a->seq = st->fl_seq[j];
        a->t = t;
        a->t_decided = f->t;
        a->id = f->id;
        a->ext = f->ext;
        a->flags_frame = 1;
        a->detector = "rate";
        a->score = 0.8;
        snprintf(a->evidence, sizeof a->evidence,
                 "a frame of %X at the head of a flood found at %.6f s (%d frames in under "
                 "%.4f s)",
                 (unsigned)f->id, f->t, FLOOD_N + 1, FLOOD_N * FLOOD_GAP);
    }
}

/* The frame before f, if still its slot's pending frame, gets its successor
 * evidence (f of its own identifier tells nothing: the contest is theirs) */
static void succ_note(sg17_can_detector *d, int s, const sg17_can_frame *f)
{
    int k = d->last_slot;
    if (k < 0 || k == s || d->succ[k] < 0 || !f->has_time)
        return;
    slotst *sl = &d->st[k].slot;
    if (!sl->has_pend || sl->pend_t != d->last_t)
        return;
    sl->pend_succ = s == d->succ[k];
}

/* Flag the frame (st->iso_*) that came alone in a silence of its sender,
 * decided at the identifier's next frame (now). */
static void iso_alert(const idstate *st, const idprof *ip, double now, sg17_can_alert *alerts,
                      size_t *n)
{
    if (*n >= SG17_CAN_MAX_ALERTS)
        return;
    sg17_can_alert *a = &alerts[(*n)++];
    char ph[17];
    veh_frame_hex(ph, st->iso_data, st->iso_dlc);
    late_alert(a, st->iso_seq, st->iso_t, now, ip->key, "timing", 0.8);
    snprintf(a->evidence, sizeof a->evidence,
             "frame %X#%s at %.6f: alone in a silence of its sender (none %.3f s before, "
             "%.3f s after; period %.6f s, training: no frame alone in a gap over %.0f)",
             (unsigned)(ip->key & 0x1fffffffu), ph, st->iso_t, st->iso_gap, now - st->iso_t,
             ip->period, ISO_K);
}

static int feed1(sg17_can_detector *d, const sg17_can_frame *f, uint64_t seq,
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
                sg17_can_alert *a = veh_new_alert(alerts, n, f, seq, "bus-load", 0.5);
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
    veh_probation_tick(d, f, timed);
    if (f->ext && timed)
        veh_j1939_tp(d, f, seq, alerts, n);
    int s = lookup_in(d->ids, d->slot, key_of(f->id, f->ext));
    succ_note(d, s, f);
    if (d->provisional && timed && s < 0 && veh_probation_frame(d, f, seq, s, alerts, n)) {
        d->prev_slot = -1;
        return -1;
    }
    if (s < 0) {
        sg17_can_alert *a = veh_new_alert(alerts, n, f, seq, "unknown-id", 1.0);
        if (a)
            snprintf(a->evidence, sizeof a->evidence,
                     "frame %X#%s: identifier not in the profile (%zu ids)", (unsigned)f->id,
                     veh_hexof(hx, f), p->n);
        d->prev_slot = -1;
        return -1;
    }
    const idprof *ip = &d->ids[s];
    idstate *st = &d->st[s];
    if (st->learn_n && st->learn_n < MIN_TRAIN && f->dlc <= 8) {
        /* an identifier adopted in probation (or one a provisional profile
         * saw too little of) learns its constant bits from its first
         * MIN_TRAIN frames, then they are judged as a profile's */
        idprof *lp = &d->ids[s];
        for (unsigned i = 0; i < 8; i++)
            lp->constmask[i] = (uint8_t)(lp->constmask[i] & ~(f->data[i] ^ lp->constval[i]));
        if (++st->learn_n == MIN_TRAIN)
            lp->count = MIN_TRAIN;
    }
    int pc_was = st->pc_pend; /* a change of the last frame waits for its verdict */
    int bad = 0;              /* payload-level verdict of this frame */
    int tentative = 0;        /* payload-const verdict waits for the next frame */
    if (!(ip->lenmask >> len_code(f->dlc) & 1)) {
        sg17_can_alert *a = veh_new_alert(alerts, n, f, seq, "dlc", 0.9);
        if (a)
            snprintf(a->evidence, sizeof a->evidence,
                     "frame %X#%s: length %u never seen (mask %04x)", (unsigned)f->id,
                     veh_hexof(hx, f), f->dlc, ip->lenmask);
        bad = 1;
    }
    if (!bad && ip->count >= MIN_TRAIN) {
        unsigned lim = f->dlc < ip->maxlen ? f->dlc : ip->maxlen;
        if (!st->cm_init) {
            memcpy(st->cmask, ip->constmask, 64);
            st->cm_init = 1;
        }
        uint8_t diff[64];
        unsigned nb = const_diff(ip, st, f, lim, diff);
        /* Learned-constant bits changing (CONST_K or more): the verdict waits
         * for the identifier's next frame. If that frame keeps the change the
         * signal moved or the ECU changed state (key-on, engine start): the
         * bits stop being constant, no alert. A few bits changed for one
         * frame only is what genuine flags and excursions do: no alert
         * either. Many bits (CONST_HI) changed for one frame only, or not
         * kept value for value by the next frame (random payloads), is a
         * forged frame: flagged then. Meanwhile the waiting frame loses any
         * slot contest (an extra frame beside the genuine sender). */
        /* a frame at the extra frames' phase, off the sender's schedule,
         * with no change of its own is not the identifier's next frame: the
         * verdict waits on for the sender's (a replay at its rate, the
         * recording's old payload each time the sender changed state:
         * Chevrolet Corvette 0x120 at engine start, Mazda 3 0x200 at a
         * 5-s learning span - the sender's new state was flagged as "not
         * kept", frame after frame) */
        int xskip = st->pc_pend && nb < CONST_K && timed && ip->periodic && at_xphase(ip, st, f->t);
        if (st->pc_pend && !xskip) {
            unsigned pl = lim < st->pc_dlc ? lim : st->pc_dlc, keep = 0, ov = 0;
            for (unsigned i = 0; i < pl; i++) {
                keep += pop8((uint8_t)(st->pc_diff[i] & ~(f->data[i] ^ st->pc_data[i])));
                ov += pop8((uint8_t)(st->pc_diff[i] & diff[i]));
            }
            int kept = st->pc_nb >= CONST_HI
                           ? 4 * keep >= 3u * st->pc_nb || 4 * ov >= 3u * st->pc_nb
                           : ov >= CONST_K && 2 * ov >= st->pc_nb;
            /* While the identifier has extra frames (another sender beside
             * it), the next frame may be the other sender's: a change it
             * "keeps" is not learned (nor flagged by itself), or a forged
             * stream would teach its own bits as the sender's new state when
             * two of its frames come in a row (Ferrari 0x51F, +-3 ms jitter
             * on 10 ms, spoofed at its own rate) */
            int contested =
                timed && ip->periodic && st->has_intr && f->t - st->intr_t < CONTEST_P * ip->period;
            if (kept && !contested) {
                for (unsigned i = 0; i < st->pc_dlc; i++)
                    st->cmask[i] = (uint8_t)(st->cmask[i] & ~st->pc_diff[i]);
                nb = const_diff(ip, st, f, lim, diff);
            } else if (!kept && pc_flags(d, st)) {
                pc_alert(st, ip->key, alerts, n, "the identifier's next frame does not keep them");
            }
            st->pc_pend = 0;
        }
        if (nb >= CONST_K) {
            /* far from each of the last four payloads: 3/8 of the bytes
             * moved by more than 16 (modulo 256: signals wrap) and more than
             * 3/8 of the bits differ. A random payload does both (7 of 8
             * bytes move that far); a signal crossing a binary carry flips
             * many bits but moves by one, a multiplexed page moves bytes
             * but keeps many bits */
            unsigned nb8 = lim < 8 ? lim : 8, far = st->recent_n == 4;
            for (unsigned k = 0; k < st->recent_n && far; k++) {
                unsigned jumped = 0;
                for (unsigned i = 0; i < nb8; i++) {
                    unsigned dd = (unsigned)(uint8_t)(f->data[i] - st->recent[k][i]);
                    jumped += (dd < 128 ? dd : 256 - dd) > 16;
                }
                far =
                    8 * jumped >= 3 * nb8 && 8 * hamming(f->data, st->recent[k], nb8) > 3 * 8 * nb8;
            }
            st->pc_far = (uint8_t)far;
            st->pc_hi = pc_hi_of(st, lim);
            st->pc_pend = 1;
            st->pc_nb = (uint8_t)(nb < 255 ? nb : 255);
            st->pc_dlc = (uint8_t)lim;
            st->pc_seq = seq;
            st->pc_t = f->t;
            memcpy(st->pc_data, f->data, lim);
            memcpy(st->pc_diff, diff, lim);
            tentative = 1;
        } else if (nb) {
            for (unsigned i = 0; i < lim; i++)
                st->cmask[i] = (uint8_t)(st->cmask[i] & ~diff[i]);
        }
        if (!timed && !bad) {
            for (unsigned i = 0; i < lim && i < 8; i++) {
                if (f->data[i] < ip->minv[i] || f->data[i] > ip->maxv[i]) {
                    sg17_can_alert *a = veh_new_alert(alerts, n, f, seq, "payload-range", 0.5);
                    if (a)
                        snprintf(a->evidence, sizeof a->evidence,
                                 "frame %X#%s: byte %u = %u outside learned [%u, %u]",
                                 (unsigned)f->id, veh_hexof(hx, f), i, f->data[i], ip->minv[i],
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
            sg17_can_alert *a = veh_new_alert(alerts, n, f, seq, "checksum", 0.9);
            if (a)
                snprintf(a->evidence, sizeof a->evidence,
                         "frame %X#%s: byte %u breaks the learned %s checksum (constant %02X, "
                         "frame gives %02X)",
                         (unsigned)f->id, veh_hexof(hx, f), ip->ck_byte, veh_ck_name(ip->ck_alg),
                         ip->ck_c, c);
            bad = 1;
        }
    }
    if (!bad && (ip->rel_eq | ip->rel_not) && ip->count >= MIN_TRAIN && f->dlc == ip->maxlen &&
        f->dlc <= 8) {
        for (unsigned a = 0; a + 1 < f->dlc && !bad; a++)
            for (unsigned b = a + 1; b < f->dlc && !bad; b++) {
                uint64_t bit = 1ull << (8 * a + b);
                int eq = (ip->rel_eq & bit) && f->data[a] != f->data[b];
                int inv = (ip->rel_not & bit) && (f->data[a] ^ f->data[b]) != 0xff;
                if (!eq && !inv)
                    continue;
                sg17_can_alert *a_ = veh_new_alert(alerts, n, f, seq, "payload-relation", 0.8);
                if (a_)
                    snprintf(a_->evidence, sizeof a_->evidence,
                             "frame %X#%s: byte %u = %02X and byte %u = %02X break the learned "
                             "relation (byte %u %s byte %u in every training frame)",
                             (unsigned)f->id, veh_hexof(hx, f), a, f->data[a], b, f->data[b], b,
                             eq ? "equal to" : "the complement of", a);
                bad = 1;
            }
    }
    /* rolling counters: against the last accepted frame; a frame that
     * continues the last seen frame resynchronises (lost frames) - unless,
     * with timestamps (lost frames show as a gap), that frame itself broke
     * the counters: a replayed stream continues its own frames, and does so
     * whenever it comes right after one of them (Corvette 0x128). Without
     * timestamps the frame after a lost one continues the one that broke the
     * counters (CICIoV2024 benign: 41 false positives instead of 5). A frame
     * whose verdict waits may also be continued (ctr_tent). */
    double expect_gap = ip->period > 0 ? ip->period : ip->max_gap;
    int lost = timed && st->has_last && f->t - st->last_t > 1.5 * expect_gap; /* frames were lost */
    /* a frame repeated whole (counter included) is "repeated data" in AUTOSAR
     * E2E terms, not a broken sequence: an extra copy in a period slot is the
     * timing model's to judge (Ferrari 0x329 sent counter 0A twice on
     * schedule) */
    int ctrbad = 0;
    /* the second frame of a period slot whose pending frame moved the
     * reference: one of the two is extra, so this one may continue the
     * reference before the pending frame instead - the slot contest decides
     * (a replayed frame that came first in the sender's slot, its counter
     * continuing the sender's by chance, made the sender's own frame break
     * the counters: Nissan 0x231) */
    int slot2 = timed && ip->periodic && st->slot.init && st->slot.has_pend && st->pend_moved &&
                f->t < st->slot.E + ip->period / 2;
    int repeated = st->has_ctr && f->dlc <= 8 && memcmp(f->data, st->last_seen, f->dlc) == 0;
    if (!bad && (ip->ctrmask | ip->ctr8 | ip->ctr4) && st->has_ctr && !lost && !repeated &&
        !counters_ok(ip, st->ctr_ref, f->data) &&
        ((timed && st->ls_ctrbad) || !counters_ok(ip, st->last_seen, f->data)) &&
        !(st->has_tent && counters_ok(ip, st->ctr_tent, f->data)) &&
        !(slot2 && counters_ok(ip, st->pend_ref, f->data))) {
        sg17_can_alert *a = veh_new_alert(alerts, n, f, seq, "counter", 0.7);
        if (a)
            snprintf(a->evidence, sizeof a->evidence,
                     "frame %X#%s: rolling counter (nibbles mod 16 %04x, mod 8 %04x, mod 4 "
                     "%04x) does not continue the last accepted frame",
                     (unsigned)f->id, veh_hexof(hx, f), ip->ctrmask, ip->ctr8, ip->ctr4);
        bad = ctrbad = 1;
    }
    int flagged = bad;
    if (tentative && !flagged) {
        /* a frame whose payload-const verdict waits is no counter reference
         * yet, but the sender's next frame may continue it (a genuine frame
         * with a signal excursion, then an injected one in between: Corvette
         * 0x128) - unless it is random-like: more than 3/8 of its slow bits
         * differ from the reference (a fuzzed frame that hit the counter,
         * its few learned-constant bits kept: DAGA 0x150 with the
         * whole-capture profile, whose next genuine frame then lost its slot
         * as "not continuing" it) */
        unsigned nslow = 0;
        for (unsigned i = 0; i < f->dlc && i < 8; i++)
            nslow += pop8((uint8_t)~ip->fast[i]);
        int rnd =
            st->has_ctr && 8 * hamming_slow(f->data, st->ctr_ref, f->dlc, ip->fast) > 3 * nslow;
        if (!rnd) {
            memcpy(st->ctr_tent, f->data, 8);
            st->has_tent = 1;
            st->tent_nb = st->pc_nb;
        }
    }
    if (tentative)
        bad = 2; /* not yet flagged: loses a slot contest unless it alone is on the schedule */
    /* the very payload of the last frames flagged as extra, if at least two
     * in a row had it (a flood or a replay repeating one forged frame), loses
     * slot contests too. (One is not enough: a sender whose payload is only
     * a 2-bit counter repeats any replayed payload - Nissan 0x29E.) Beside a
     * flood, as a payload verdict; beside a stream at the sender's period
     * only after the schedule (row: one on it, the other clearly off it):
     * the sender's own steady signal may carry that payload too (Dodge
     * Durango 0x202, a byte taking 3 values, replayed at its rate). Nor
     * is one of the sender's own recent payloads (the counter reference
     * and the last four that moved it, with no change waiting for a
     * verdict) any sign: a steady signal replayed repeats it, and when
     * the recording's value moves, the replayed frame alone would differ
     * from "the payload the stream repeated" (Ferrari 0x581 replayed at
     * its rate: the sender's frames lost their slots; a signal taking a
     * few values, replayed once a second: DAGA 0x1D0; a waiting change:
     * Corvette 0x120's start-up). A pending frame found extra later stays
     * among the four (one slot's worth of a replayed payload). */
    int row = 0;
    if (st->has_intr >= 2 && f->dlc == st->intr_dlc &&
        memcmp(f->data, st->intr, st->intr_dlc) == 0) {
        if (timed && ip->periodic && st->intr_t - st->intr_t2 >= ip->period / 2) {
            int own = 0;
            if (st->has_ctr && !pc_was) {
                own = memcmp(f->data, st->ctr_ref, st->intr_dlc) == 0;
                for (unsigned k = 0; k < st->own_n && !own; k++)
                    own = memcmp(f->data, st->own_hist[k], st->intr_dlc) == 0;
            }
            if (!own)
                row = tentative = 1;
        } else {
            bad = tentative = 1;
        }
    }
    int extra = 0;         /* the slot model found this frame extra */
    int slot_pend = 0;     /* ... or made it its slot's pending frame */
    int deferred = 0;      /* a timing verdict started waiting on this frame */
    double deferred_t = 0; /* ... for the frame at this time */
    /* time since the identifier's last frame that was no burst frame */
    double since_seen = timed && st->has_seen ? f->t - st->seen_t : 1e9;
    /* a frame within DBL_GAP of the first frame of a burst, of a sender seen
     * sending bursts in training (periodic 2): no timing verdict, at most
     * DBL_MAX per burst (the TSX logger delivered up to 5 at once) */
    int dbl = timed && ip->periodic == 2 && !flagged && st->has_seen &&
              f->t - st->seen_t < DBL_GAP && st->dbl_n < DBL_MAX && st->slot.init;
    if (dbl) {
        st->dbl_n++;
    } else if (timed) {
        st->seen_t = f->t; /* the head of a possible burst */
        st->dbl_n = 0;
        st->has_seen = 1;
    }
    if (timed && ip->periodic && !dbl && st->tv_pend) {
        /* the next frame after an off-schedule one X: if it comes one period
         * after X and off the old schedule, the sender re-phased on X (no
         * alert; follow the new schedule), else X was extra. (Sent on a data
         * change with the schedule kept - the next frame on the old schedule
         * carrying X's new data - cannot be told from a replayed frame: on
         * DAGA accepting it lost 15-30 replay frames for 2 fewer false
         * frames on the candump logs, so it is flagged.) */
        double P = ip->period, tol = rephase_tol(ip);
        st->tv_pend = 0;
        /* X at the phase of the extra frame found before it (one period
         * or more, under CONTEST_P periods earlier): no sender re-phases onto
         * an intruder's phase (the Chevrolet Corvette's 0x420 replayed at
         * its rate from 0.06 s before its ECU fell silent: the second
         * replayed frame, alone in the silence, "re-phased" the sender, and
         * its own frames lost their slots when it came back) */
        double xtol = xphase_tol(ip);
        int x_phase = REPHASE_X && st->has_intr && st->intr_t == st->tv_t &&
                      st->intr_t - st->intr_t2 > P / 2 &&
                      st->intr_t - st->intr_t2 < CONTEST_P * P &&
                      phase_dist(st->intr_t, st->intr_t2, P) <= xtol;
        if (!x_phase && fabs_(f->t - st->tv_ph - P) <= tol &&
            sched_dist(f->t, st->tv_E, st->tv_A, P) > tol) {
            st->slot.init = 0;
            st->has_intr = 0;
        } else
            tv_alert(st, ip->key, P, f->t, alerts, n);
    }
    if (timed && ip->periodic && dbl) {
        ; /* judged by its payload only */
    } else if (timed && ip->periodic) {
        double dev, E0 = st->slot.E, A0 = st->slot.A, old_pend_t = st->slot.pend_t;
        int old_pend_ok = st->slot.has_pend && !st->slot.pend_bad; /* it moved ctr_ref */
        uint64_t old_pend_seq = st->pend_seq;
        int in_slot = f->t < st->slot.E + ip->period / 2; /* the pending frame's slot */
        const uint8_t *ref = old_pend_ok && in_slot ? st->pend_ref : st->ctr_ref;
        int sus = d->has_flag_t && f->t - d->last_flag_t < SEQ_GAP; /* right behind an intruder */
        /* where counters were learned, a frame that does not advance them
         * (a copy of the last frame, or the counters of a frame whose
         * verdict waits for a few changed bits - a genuine excursion) is
         * weaker than one that does, even one whose verdict waits: a copy of
         * the sender's last frame sent just before its next one must not
         * take that one's slot. (A waiting frame with many changed bits is
         * random-like: DAGA's fuzzed 0x008 frames hit its counter by
         * chance.) */
        int ctrs = (ip->ctrmask | ip->ctr8 | ip->ctr4) != 0;
        int dup = ctrs && (repeated || (st->has_tent && st->tent_nb < CONST_HI &&
                                        !counters_ok(ip, st->ctr_tent, f->data) &&
                                        counters_ok(ip, st->ctr_ref, f->data)));
        /* beside a pending frame of its slot that moved the reference, a
         * frame is judged against the reference before the slot: a copy of
         * the pending frame is as good as it (which of two equal frames came
         * first tells nothing: a recorded frame replayed right before the
         * sender's equal one, Nissan 0x2DE), a frame continuing the pending
         * one instead is the next value sent early. Not after an empty slot
         * (the pending frame was a late one of it, DAGA 0x008), nor beside
         * a stream of extra frames: there the earlier of two equal frames
         * keeps the slot, the sender's until the streams cross (a replay at
         * the rate of a jittery sender 3 ms behind it, Ferrari 0x329; the
         * phase of the extra stream as the judge instead lost that replay
         * at 5 s of learning: F1 0.84 -> 0.37) */
        int xstream = st->has_intr && f->t - st->intr_t < CONTEST_P * ip->period;
        if (ctrs && st->slot.has_pend && st->pend_moved && in_slot && !st->slot.missed && !xstream)
            dup = !counters_ok(ip, st->pend_ref, f->data);
        /* a pending frame that continued the extra stream moved no
         * reference: a copy of it is no copy of the sender's last frame
         * (a replay in step with a 2-bit counter, drifting from before the
         * sender's frame towards it: Nissan 0x2DE) */
        if (ctrs && st->slot.has_pend && (st->slot.pend_bad & SLOT_XCONT) && in_slot)
            dup = !counters_ok(ip, st->ctr_ref, f->data) &&
                  !(st->has_tent && counters_ok(ip, st->ctr_tent, f->data));
        /* a frame nearer (in bits) to the last frame found extra than to
         * the sender's last is weak like a waiting verdict: the stream of
         * extra frames goes on (a replay of older values of a signal beside
         * a jittery sender, Ferrari 0x51F). Only while that stream goes on
         * (its last frame under CONTEST_P periods ago), or as its very
         * payload: a sender's frame that resembles a frame replayed a second
         * ago lost its slot to the next replayed one (DAGA 0x0E0), while
         * DAGA's own replays repeat one frame every second or so. And the
         * stream going on must have begun on evidence: a frame that lost
         * its slot by a tie-break (st->intr_weak: order, nearness, phase)
         * may be the sender's, and its next frames would resemble it - each
         * then lost its slot by that resemblance to the replayed stream
         * that took the first (Ferrari 0x461 replayed at its rate: 0.94,
         * now >= 0.95; 0x45F at a 5-s learning span 0.88, now >= 0.95) */
        unsigned ham = st->has_ctr ? hamming_step(ip, ref, f->data, f->dlc, 1) : 0;
        unsigned ham_x = st->has_intr && st->has_ctr && f->dlc == st->intr_dlc
                             ? hamming_step(ip, st->intr, f->data, f->dlc, 0)
                             : 65;
        int ilike = ham_x < ham && (xstream ? !st->intr_weak : ham_x == 0);
        /* a frame at the phase of the last two extra frames (a stream at the
         * sender's period, not a flood) and off the sender's schedule
         * continues their stream: alone in its slot - the sender's frame
         * missing (a lossy logger, or a sender silenced) - it is found extra
         * when the slot closes, and the schedule stays the sender's; with
         * another frame in its slot the contest decides as before (Acura TSX
         * 0x0A6: the logger lost runs of 7-8 frames, and in each a replay at
         * the sender's rate took the schedule, then the sender's frames lost
         * their slots) */
        int xcont = bad != 1 && at_xphase(ip, st, f->t);
        double xc_last = st->intr_t; /* the last extra frame before this one */
        /* at the extra frames' phase, even on the schedule: where nothing
         * else tells two frames of a slot apart, the last tie-break before
         * nearness (two streams of one constant payload crossing: Chevrolet
         * Corvette 0x280, Nissan 0x216 - nearness took the replayed frame
         * where they met, then the sender's frames lost their slots). Not
         * where counters were learned: a jittery sender's own two frames in
         * one slot, each continuing the counter, the later one at the
         * replay's phase, lost the counter reference to the replay (Ferrari
         * 0x329 at a 5-s learning span, 0.37) */
        int xph = !ctrs && in_xphase(ip, st, f->t);
        int sbad = (bad     ? bad
                    : row   ? 4
                    : dup   ? 3
                    : ilike ? 2
                            : 0) |
                   (xcont ? SLOT_XCONT : 0) | (xph ? SLOT_XPH : 0);
        int old_pend_x = st->slot.has_pend && (st->slot.pend_bad & SLOT_XCONT);
        st->slot.closed_x = 0;
        /* right after the identifier that preceded it in training (2: one
         * that nearly always did) */
        int adj = d->adj[s] >= 0 && d->last_slot == d->adj[s] ? 1 + d->adj_strong[s] : 0;
        st->slot.alt_on = ip->alt;
        int v = veh_slot_step(ip->period, 1.5 * ip->tol, &st->slot, f->t, sbad, ham, SLOT_HAM_SLOW,
                              sus, adj, &dev);
        if (st->slot.closed_x || (v == 2 && old_pend_x)) {
            xcont_alert(st, ip->key, old_pend_seq, old_pend_t, f->t, ip->period, E0, alerts, n);
            note_intr(st, st->xc_data, st->xc_dlc, old_pend_t);
        } else if (v == 1 && old_pend_x) {
            /* it won its slot after all: the sender's frame, the reference */
            memcpy(st->pend_ref, st->ctr_ref, 8);
            memcpy(st->ctr_ref, st->xc_data, 8);
            st->has_tent = 0;
            st->pend_moved = 1;
        }
        if (xcont && v == 0) { /* judged when its slot closes */
            memcpy(st->xc_data, f->data, 8);
            st->xc_dlc = (uint8_t)(f->dlc < 8 ? f->dlc : 8);
        }
        extra = v == 1 || (xcont && v == 0);
        slot_pend = v != 1;
        if (v == 1)
            note_intr(st, f->data, f->dlc, f->t);
        else if (v == 2 && !old_pend_x)
            note_intr(st, st->last_seen, st->last_dlc, old_pend_t);
        if (st->slot.closed_x || (v == 2 && old_pend_x))
            st->intr_weak = 0; /* it continued the extra stream's phase */
        else if (v != 0 && veh_slot_weak(&st->slot) >= 0)
            st->intr_weak = (uint8_t)veh_slot_weak(&st->slot);
        if (v == 1 && (!bad || (tentative && !flagged))) {
            if (xcont) {
                /* at the phase of the stream of extra frames: no sender
                 * re-phases onto an intruder's phase (Chevrolet Corvette
                 * 0x140 silent for 0.28 s while spoofed at its rate: the
                 * spoofer "re-phased" it, and its own frames were flagged
                 * when it came back) */
                sg17_can_alert *a = veh_new_alert(alerts, n, f, seq, "timing", 0.9);
                if (a)
                    snprintf(a->evidence, sizeof a->evidence,
                             "frame %X#%s at %.6f: second frame in its period slot, at the "
                             "extra frames' phase (last at %.6f; period %.6f s, expected %.6f)",
                             (unsigned)f->id, veh_hexof(hx, f), f->t, xc_last, ip->period, E0);
            } else if (sched_dist(f->t, E0, A0, ip->period) > rephase_tol(ip)) {
                /* off the schedule: an injected frame, or a cyclic-on-change
                 * sender that sent at once on a data change and restarted its
                 * period there. The next frame tells: on this frame's phase
                 * it re-phased (no alert), on the old one it kept its
                 * schedule and this frame was extra (flagged then). */
                st->tv_pend = 1;
                st->tv_seq = seq;
                st->tv_t = st->tv_ph = f->t;
                st->tv_E = E0;
                st->tv_A = A0;
                st->tv_dlc = f->dlc < 8 ? f->dlc : 8;
                memcpy(st->tv_data, f->data, 8);
                deferred = 1;
                deferred_t = f->t;
            } else {
                sg17_can_alert *a =
                    veh_new_alert(alerts, n, f, seq, "timing", dev > ip->period / 4 ? 0.9 : 0.6);
                if (a)
                    snprintf(a->evidence, sizeof a->evidence,
                             "frame %X#%s at %.6f: second frame in one period slot (period %.6f "
                             "s, expected %.6f): %s",
                             (unsigned)f->id, veh_hexof(hx, f), f->t, ip->period, E0,
                             veh_slot_why(&st->slot));
            }
            flagged = 1;
        } else if (v == 2 && old_pend_x) {
            ; /* flagged above */
        } else if (v == 2 && sched_dist(f->t, E0, A0, ip->period) > rephase_tol(ip) &&
                   sched_dist(old_pend_t, E0, A0, ip->period) > rephase_tol(ip)) {
            /* both frames of the pair off the schedule: the earlier is flagged
             * unless the sender re-phased on the later one (next frame one
             * period after it, off the old schedule). With the later frame on
             * the schedule the old schedule went on: flagged at once (an
             * injected stream at the sender's own period, another phase,
             * would otherwise pass as a re-phase on itself - DAGA 0x430) */
            st->tv_pend = 1;
            st->tv_seq = old_pend_seq;
            st->tv_t = old_pend_t;
            st->tv_ph = f->t;
            st->tv_E = E0;
            st->tv_A = A0;
            st->tv_dlc = st->last_dlc;
            memcpy(st->tv_data, st->last_seen, 8);
            deferred = 1;
            deferred_t = old_pend_t;
            if (old_pend_ok)
                memcpy(st->ctr_ref, st->pend_ref, 8);
        } else if (v == 2) {
            sg17_can_alert *a = veh_new_alert(alerts, n, f, old_pend_seq, "timing", 0.6);
            if (a) {
                a->t = old_pend_t;
                snprintf(a->evidence, sizeof a->evidence,
                         "frame %X at %.6f: lost its period slot to the frame at %.6f (expected "
                         "%.6f): %s",
                         (unsigned)f->id, old_pend_t, f->t, E0, veh_slot_why(&st->slot));
            }
            /* the pending frame was the intruder: it is no counter reference
             * (one with a payload verdict never became one) */
            if (old_pend_ok)
                memcpy(st->ctr_ref, st->pend_ref, 8);
        }
        if (v != 1)
            st->pend_seq = seq;
    } else if (timed) {
        /* provisional profiles, adopted identifiers and identifiers with 2 to
         * MIN_GAPS training frames: flooding only (FLOOD_N frames closer than
         * FLOOD_GAP on average: a single short gap is often the logger
         * delivering frames in batches). The least of a few gaps is no bound:
         * a new gap falls below the least of n with probability 1/(n+1)
         * (Toyota 0x380, 14 gaps of 1 s, then 0.45 s on a data change; 0x3B4,
         * 22 gaps, then 33 ms). An identifier seen once has the training span
         * as its minimum gap, a bound of its own (DAGA's identifier 1, once
         * in 153 s, flooded and replayed in the attack captures). */
        int flood_only = d->provisional || st->adopted || (ip->count >= 2 && ip->count <= MIN_GAPS);
        double mg = flood_only ? 2 * FLOOD_GAP : ip->min_gap;
        double t_old = st->fl_t[st->fl_i];
        int flood = flood_only && st->fl_n >= FLOOD_N && f->t - t_old < FLOOD_N * FLOOD_GAP;
        if (flood && !flagged) {
            sg17_can_alert *a = veh_new_alert(alerts, n, f, seq, "rate", 0.8);
            if (a)
                snprintf(a->evidence, sizeof a->evidence,
                         "frame %X#%s: %d frames in %.6f s (flooding: mean gap below %.4f s)",
                         (unsigned)f->id, veh_hexof(hx, f), FLOOD_N + 1, f->t - t_old, FLOOD_GAP);
            flagged = 1;
        }
        if (flood && !st->fl_run)
            flood_head(d, st, f);
        st->fl_run = (uint8_t)flood;
        st->fl_seq[st->fl_i] = seq;
        st->fl_t[st->fl_i] = f->t;
        st->fl_i = (uint8_t)((st->fl_i + 1) % FLOOD_N);
        if (st->fl_n < FLOOD_N)
            st->fl_n++;
        /* too soon after the last accepted frame - or after the last frame
         * this rule flagged: a stream of frames too close for the sender,
         * whose second frame came just over half the learned minimum gap
         * after the sender's last (DAGA identifier 1, sent once in 153 s of
         * training, replayed every 0.6 s from 76 s on) */
        double mgd = st->has_last ? f->t - st->last_t : 1e300;
        if (st->has_mgx && f->t - st->mgx_t < mgd)
            mgd = f->t - st->mgx_t;
        if (!flood_only && !flagged && mgd < 0.5 * mg) {
            sg17_can_alert *a = veh_new_alert(alerts, n, f, seq, "min-gap", 0.6);
            if (a)
                snprintf(a->evidence, sizeof a->evidence,
                         "frame %X#%s: gap %.6f s below %.6f s (half the learned minimum gap)",
                         (unsigned)f->id, veh_hexof(hx, f), mgd, 0.5 * mg);
            flagged = 1;
            st->has_mgx = 1;
            st->mgx_t = f->t;
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
            sg17_can_alert *a = veh_new_alert(alerts, n, f, seq, "rate", 0.8);
            if (a)
                snprintf(a->evidence, sizeof a->evidence,
                         "frame %X#%s: %u frames within %.1f s, learned max %u", (unsigned)f->id,
                         veh_hexof(hx, f), st->win_count, RATE_WIN, ip->rate_max);
            flagged = 1;
        }
    }
    /* a frame alone in a silence of its sender: an ECU that is off sends
     * no single frame (Chevrolet Corvette at engine start: an ECU group
     * silent for 0.28 s, a frame replayed into the silence). Only where
     * training saw no gap over ISO_K periods, or such silences rarely and
     * no frame alone between two (ip->iso_ok): a lossy logger's gaps
     * (Acura TSX) or a sender that pauses leave frames alone too. */
    if (timed && ip->periodic && ip->iso_ok) {
        if (st->iso_pend && f->t - st->iso_t > ISO_K * ip->period)
            iso_alert(st, ip, f->t, alerts, n);
        st->iso_pend = 0;
        if (since_seen < 1e9 && since_seen > ISO_K * ip->period && !flagged && !deferred) {
            st->iso_pend = 1;
            st->iso_seq = seq;
            st->iso_t = f->t;
            st->iso_gap = since_seen;
            st->iso_dlc = (uint8_t)(f->dlc < 8 ? f->dlc : 8);
            memcpy(st->iso_data, f->data, 8);
        }
    }
    /* a frame with no payload verdict becomes the counter and resemblance
     * reference - unless the slot model found it extra */
    int moved = !bad && !extra && !row;
    if (moved) {
        memcpy(st->own_hist[st->own_i], f->data, 8);
        st->own_i = (uint8_t)((st->own_i + 1) & 3);
        if (st->own_n < 4)
            st->own_n++;
        st->has_tent = 0;
        memcpy(st->pend_ref, st->ctr_ref, 8);
        memcpy(st->ctr_ref, f->data, 8);
        st->has_ctr = 1;
    }
    if (slot_pend)
        st->pend_moved = (uint8_t)moved;
    memcpy(st->last_seen, f->data, 8);
    if (!d->const_alarms && !flagged && !tentative) { /* for pc_far (short profiles only) */
        memcpy(st->recent[st->recent_i], f->data, 8);
        st->recent_i = (uint8_t)((st->recent_i + 1) % 4);
        if (st->recent_n < 4)
            st->recent_n++;
    }
    st->ls_ctrbad = (uint8_t)ctrbad;
    st->last_dlc = f->dlc < 8 ? f->dlc : 8;
    if (deferred && (!d->has_flag_t || deferred_t > d->last_flag_t)) {
        d->has_flag_t = 1; /* frames right behind it are suspect meanwhile */
        d->last_flag_t = deferred_t;
    }
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
    /* identifier transitions (profile identifiers only; only for profiles
     * that saw at least TR_SPAN of traffic: the order of a few seconds does
     * not cover the bus's operating states - key-on, idle, driving).
     * A transition out of a flagged frame says nothing of the next one, nor
     * out of a frame whose verdict waits, or that came less than a quarter
     * period (1.5 ms if aperiodic) after its identifier's last burst head:
     * a flood's frames are decided at the identifier's next frame, and the
     * genuine frames between them made novel pairs (DAGA 0x065 flooded for
     * 3 s: 385 frames of other identifiers flagged). */
    if (p->has_tr && (!p->has_time || p->observed_s >= TR_SPAN) && (size_t)s < p->n) {
        int quick = since_seen < (ip->periodic ? ip->period / 4 : FLOOD_GAP);
        if (d->prev_slot >= 0) {
            int novel = veh_trans_count(&p->trans, (unsigned)d->prev_slot, (unsigned)s) == 0;
            uint32_t c = veh_trwin_push(&d->trw, novel);
            if (novel && c > p->tr_thr && !flagged) {
                sg17_can_alert *a = veh_new_alert(alerts, n, f, seq, "transition", 0.5);
                if (a)
                    snprintf(a->evidence, sizeof a->evidence,
                             "frame %X#%s after %X: transition never seen in training, %u novel "
                             "transitions in the last %u frames (learned at most %u)",
                             (unsigned)f->id, veh_hexof(hx, f),
                             (unsigned)(p->ids[d->prev_slot].key & 0x1fffffffu), c, VEH_TR_WIN,
                             p->tr_thr);
                flagged = 1;
            }
        }
        d->prev_slot = flagged || deferred || quick ? -1 : s;
    } else {
        d->prev_slot = -1;
    }
    return s;
}

void sg17_can_detector_feed(sg17_can_detector *d, const sg17_can_frame *f, uint64_t seq,
                            sg17_can_alert *alerts, size_t *n)
{
    d->last_slot = feed1(d, f, seq, alerts, n);
    d->last_t = f->t;
}

void sg17_can_detector_flush(sg17_can_detector *d, sg17_can_alert *alerts, size_t *n)
{
    *n = 0;
    if (!d)
        return;
    veh_probation_flush(d);
    /* verdicts still waiting for a next frame that never came */
    for (size_t s = 0; s < d->n && *n + 4 <= SG17_CAN_MAX_ALERTS; s++) {
        idstate *st = &d->st[s];
        uint32_t id = d->ids[s].key;
        /* a frame alone after a silence of its sender, and the bus went on
         * without the sender for ISO_K periods until the capture ended
         * (DAGA: replayed frames after the vehicle's last ones) */
        if (st->iso_pend && d->last_t - st->iso_t > ISO_K * d->ids[s].period) {
            st->iso_pend = 0;
            iso_alert(st, &d->ids[s], d->last_t, alerts, n);
        }
        if (st->tv_pend) {
            st->tv_pend = 0;
            tv_alert(st, id, d->ids[s].period, st->tv_t, alerts, n);
        }
        if (st->pc_pend) {
            st->pc_pend = 0;
            if (pc_flags(d, st))
                pc_alert(st, id, alerts, n, "no later frame of the identifier");
        }
        if (st->slot.has_pend && (st->slot.pend_bad & SLOT_XCONT) && *n < SG17_CAN_MAX_ALERTS) {
            st->slot.has_pend = 0;
            xcont_alert(st, id, st->pend_seq, st->slot.pend_t, st->slot.pend_t, d->ids[s].period,
                        st->slot.E, alerts, n);
        }
    }
    while (d->aq_n && *n < SG17_CAN_MAX_ALERTS) {
        alerts[(*n)++] = d->aq[d->aq_head];
        d->aq_head = (d->aq_head + 1) % AQ_SIZE;
        d->aq_n--;
    }
}
