/*
 * X.1376 "detection" for CAN, training: the profile of a vehicle's normal
 * traffic learned from clean captures in two passes (docs/VEHICLE.md section 2):
 * identifiers, lengths, inter-arrival histograms and periods, constant bits,
 * byte ranges, counters, checksums, identifier transitions, bus load; pass 2
 * replays the slot model (shared with detection) and the held-out transition
 * novelty.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sg17/vehicle.h"
#include "vehicle_internal.h"

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

static void free_training(sg17_can_profile *p);

void sg17_can_profile_free(sg17_can_profile *p)
{
    if (!p)
        return;
    free_training(p);
    free(p);
}

size_t sg17_can_profile_ids(const sg17_can_profile *p)
{
    return p ? p->n : 0;
}

void sg17_can_profile_left_out(const sg17_can_profile *p, uint64_t *flood, uint64_t *foreign,
                               uint64_t *fuzz)
{
    if (fuzz)
        *fuzz = p ? p->left_fuzz : 0;
    if (flood)
        *flood = p ? p->left_flood : 0;
    if (foreign)
        *foreign = p ? p->left_foreign : 0;
}

uint64_t sg17_can_profile_left_random(const sg17_can_profile *p)
{
    return p ? p->left_random : 0;
}

/* The alternation statistics of one gap. Jitter independent from frame to
 * frame makes the squared difference of gaps two apart 2/3 of that of
 * neighbouring gaps; a sender whose gaps are short and long by turns makes it
 * nearly 0 (derive_id: ALT_R). */
static void alt_track(idtrain *t, double gap)
{
    if (t->g_n >= 2) {
        double lo = gap, hi = gap;
        lo = t->g1 < lo ? t->g1 : lo, hi = t->g1 > hi ? t->g1 : hi;
        lo = t->g2 < lo ? t->g2 : lo, hi = t->g2 > hi ? t->g2 : hi;
        if (lo > 0 && hi <= 1.5 * lo) {
            t->alt_d1 += (gap - t->g1) * (gap - t->g1);
            t->alt_d2 += (gap - t->g2) * (gap - t->g2);
            t->alt_n++;
        }
    } else {
        t->g_n++;
    }
    t->g2 = t->g1;
    t->g1 = gap;
}

/* Per-identifier statistics of one frame (pass 1; pass 2 again over the
 * frames kept, see keep_frame). */
static void learn_id(idprof *ip, idtrain *t, const sg17_can_frame *f)
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
    if (ip->count == 0) {
        t->ck_dlc = f->dlc;
        t->rel_eq = t->rel_not = ~0ull;
    }
    if (f->dlc == t->ck_dlc && f->dlc >= 2) {
        unsigned nb = f->dlc < 8 ? f->dlc : 8;
        for (unsigned a = 0; a + 1 < nb; a++)
            for (unsigned b = a + 1; b < nb; b++) {
                uint64_t bit = 1ull << (8 * a + b);
                if (f->data[a] != f->data[b])
                    t->rel_eq &= ~bit;
                if ((f->data[a] ^ f->data[b]) != 0xff)
                    t->rel_not &= ~bit;
            }
        for (unsigned b = 0; b < nb; b++) {
            t->ck_vals[b][f->data[b] >> 3] =
                (uint8_t)(t->ck_vals[b][f->data[b] >> 3] | 1u << (f->data[b] & 7));
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
    if (t->has_prev) {
        for (unsigned i = 0; i < 16; i++) {
            t->ctr_ok8[i] += nib(f->data, i) == ((nib(t->prev, i) + 1) & 7);
            t->ctr_ok4[i] += nib(f->data, i) == ((nib(t->prev, i) + 1) & 3);
        }
        for (unsigned i = 0; i < 16; i++) {
            int x = nib(t->prev, i), y = nib(f->data, i);
            if (y != x) {
                t->st_chg[i]++;
                t->st_up[i] += y == ((x + 1) & 15);
                t->st_dn[i] += y == ((x - 1) & 15);
            }
        }
        for (unsigned b = 0; b < 8; b++) /* the bits that changed (fast bits) */
            for (uint8_t x = f->data[b] ^ t->prev[b]; x; x &= (uint8_t)(x - 1))
                t->flips[8 * b + (unsigned)__builtin_ctz(x)]++;
    }
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
            if (gap < DBL_GAP)
                t->dbl++;
            t->sum_bin[b] += gap;
            if (ip->count == 2 || gap < ip->min_gap)
                ip->min_gap = gap;
            if (gap > ip->max_gap)
                ip->max_gap = gap;
            alt_track(t, gap);
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
    }
}

/* The mean of the training gaps of half to one and a half P (bins by their
 * mean gap), and how many (*n; the mean is 0 if none). */
static double one_period_mean(const idtrain *t, double P, uint64_t *n)
{
    double s = 0;
    *n = 0;
    for (int b = 0; b < HBINS; b++)
        if (t->hist[b] && t->sum_bin[b] >= 0.5 * P * t->hist[b] &&
            t->sum_bin[b] < 1.5 * P * t->hist[b]) {
            s += t->sum_bin[b];
            *n += t->hist[b];
        }
    return *n ? s / (double)*n : 0;
}

/* The training span and the traffic time seen (pass 1). */
static void learn_span(sg17_can_profile *p, const sg17_can_frame *f)
{
    if (f->has_time) {
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
    }
}

/* The bus load (pass 2, frames of floods left out). */
static void learn_load(sg17_can_profile *p, const sg17_can_frame *f)
{
    if (f->has_time) {
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
 * 2 = the pending frame was the extra one (this frame replaces it).
 * A frame flagged SLOT_XCONT in bad, alone in its slot, is found extra when
 * the slot closes (s->closed_x) and E does not move; with another frame in
 * its slot the flag counts in the contest after the weak verdicts (below).
 * An alternating sender (s->alt_on: its gaps short and long by turns, DAGA
 * 0x290 26 and 34 ms) is early and late of its grid by turns: E includes the
 * slot's offset A from the grid, which follows the frames of uncontested
 * slots (gain SLOT_BETA) and changes sign from slot to slot. (A contest's
 * winner teaches it nothing: a replay at the sender's rate that took some
 * slots pulled A to its own phase, and the sender's frames then lost theirs -
 * Ford Mustang 0x204 at a 20-s learning span, F1 0.998 -> 0.47.) */
/* Frame t becomes its slot's pending frame, with its contest evidence. */
static void slot_pend(slotst *s, double t, int bad, int xph, unsigned ham, int sus, int adj)
{
    s->has_pend = 1;
    s->pend_t = t;
    s->pend_bad = (uint8_t)bad;
    s->pend_xph = (uint8_t)xph;
    s->pend_ham = (uint8_t)ham;
    s->pend_sus = (uint8_t)sus;
    s->pend_adj = (uint8_t)adj;
    s->pend_succ = 0;
}

/* The next slot: its expected arrival, the alternation's sign flipped */
static void slot_adv(slotst *s, double P)
{
    s->E += P - 2 * s->A;
    s->A = -s->A;
}

/* The order evidence of a contest: the new frame right after its learned
 * predecessor and the pending one not counts for the new frame, the other
 * way round for the pending one, and so does the pending frame followed by
 * its learned successor (the new frame's successor has not come yet; a
 * pending frame followed by another identifier is not counted against it:
 * measured, it lost more than it won). */
static int order_vote(int adj, const slotst *s)
{
    int v = (adj != 0) - (s->pend_adj != 0);
    if (s->pend_succ == 1)
        v--;
    return v;
}

/* s->why: what decided a slot verdict (veh_slot_why's texts) */
enum {
    WHY_CLOSED,
    WHY_PAYLOAD,
    WHY_SUS,
    WHY_SCHED,
    WHY_WAIT,
    WHY_COPY,
    WHY_XPHASE,
    WHY_REPEAT,
    WHY_ADJ,
    WHY_HAM,
    WHY_ORDER,
    WHY_XPH,
    WHY_NEAR,
    WHY_N
};

const char *veh_slot_why(const slotst *s)
{
    static const char *const txt[WHY_N] = {
        [WHY_CLOSED] = "its slot was already taken",
        [WHY_PAYLOAD] = "its payload broke a learned model, the other's did not",
        [WHY_SUS] = "it came right behind another flagged frame",
        [WHY_SCHED] = "it was off the schedule, the other on it",
        [WHY_WAIT] = "a payload verdict waiting, or nearer the extra frames",
        [WHY_COPY] = "it did not advance the learned counters",
        [WHY_XPHASE] = "at the extra frames' phase, the other nearer the schedule",
        [WHY_REPEAT] = "it carried the payload the extra frames repeated",
        [WHY_ADJ] = "not right after its learned predecessor, the other was",
        [WHY_HAM] = "its slow bits farther from the sender's last payload",
        [WHY_ORDER] = "the learned predecessor and successor chose the other",
        [WHY_XPH] = "at the extra frames' phase, the other not",
        [WHY_NEAR] = "farther from the expected arrival than the other",
    };
    return s->why < WHY_N ? txt[s->why] : "";
}

/* 1: the verdict was a tie-break (nearness, order, phase, a frame behind
 * another flagged one, a closed slot): no evidence that the frame flagged
 * began or continued a stream of extra frames; -1: it was flagged as near
 * that stream (or waiting), as weak as the stream's last; 0: evidence.
 * (Counting the slow-bit distance as a tie-break too: Ferrari 0x461
 * replayed at its rate with the whole-capture profile 0.94 -> 0.92.) */
int veh_slot_weak(const slotst *s)
{
    if (s->why == WHY_WAIT)
        return -1;
    return s->why == WHY_NEAR || s->why == WHY_ORDER || s->why == WHY_ADJ || s->why == WHY_XPH ||
           s->why == WHY_SUS || s->why == WHY_CLOSED;
}

int veh_slot_step(double P, double tol, slotst *s, double t, int bad, unsigned ham, unsigned hmin,
                  int sus, int adj, double *dev)
{
    *dev = 0;
    int xph = (bad & SLOT_XPH) != 0;
    bad &= ~SLOT_XPH;
    if (!s->init) {
        s->init = 1;
        s->E = t;
        s->A = 0;
        slot_pend(s, t, bad, xph, ham, sus, adj);
        s->missed = 0;
        return 0;
    }
    if (t >= s->E + P / 2) {
        int contested = s->contested;
        s->contested = 0;
        if (s->has_pend && (s->pend_bad & SLOT_XCONT)) {
            /* the slot's only frame continued the extra stream: the
             * sender's slot was empty; the schedule stays the sender's */
            s->closed_x = 1;
            s->has_pend = 0;
            slot_adv(s, P);
            s->missed = 1;
        } else if (s->has_pend) {
            double e = s->pend_t - s->E;
            if (s->warm >= 3 && s->alt_on && !contested) {
                s->E += SLOT_BETA * e;
                s->A += SLOT_BETA * e;
            }
            s->E += SLOT_ALPHA * e;
            slot_adv(s, P);
            if (s->warm < 3)
                s->warm++;
            s->has_pend = 0;
            s->missed = 0;
        } else {
            slot_adv(s, P);
            s->missed = 1;
        }
        if (t >= s->E + P / 2) {
            double k = floor_((t - s->E) / P + 0.5);
            s->E += k * P;
            if ((uint64_t)k & 1) {
                s->E -= 2 * s->A;
                s->A = -s->A;
            }
            s->missed = 1;
            if (k > 2) /* long silence: resynchronise on this frame */
                s->E = t, s->A = 0;
        }
    }
    if (s->warm < 3 && (t < s->E - P / 2 || s->has_pend)) {
        /* warm-up (first slots of a capture): re-anchor instead of judging */
        s->E = t;
        s->A = 0;
        slot_pend(s, t, bad, xph, ham, sus, adj);
        return 0;
    }
    if (t < s->E - P / 2) { /* before the current slot: extra frame in a closed slot */
        *dev = (s->E - P / 2) - t;
        s->why = WHY_CLOSED;
        return 1;
    }
    if (!s->has_pend) {
        slot_pend(s, t, bad, xph, ham, sus, adj);
        *dev = fabs_(t - s->E);
        return 0;
    }
    /* two frames in one slot */
    s->contested = 1;
    if (s->missed && !bad && !s->pend_bad) {
        /* the previous slot was empty: the pending frame was a late one of it */
        s->missed = 0;
        slot_pend(s, t, s->pend_bad, xph, ham, sus, adj);
        return 0;
    }
    double dn = fabs_(t - s->E), dp = fabs_(s->pend_t - s->E);
    int new_wins, pb = s->pend_bad & ~SLOT_XCONT;
    int xn = (bad & SLOT_XCONT) != 0, xp = (s->pend_bad & SLOT_XCONT) != 0;
    bad &= ~SLOT_XCONT;
    /* bad: 1 = a payload verdict, 2 = a verdict still waiting, 3 = a copy
     * of the sender's previous frame where counters were learned, 4 = the
     * payload the extra stream repeated (2 to 4 are weaker than being the
     * only frame on the schedule; 3 loses to 2, 4 to both). Being at the
     * extra stream's phase (SLOT_XCONT) while the other frame is nearer
     * the schedule weighs after 2 and 3 and before 4: a payload taking one
     * or two values is the sender's as often as the replayed stream's
     * (DAGA 0x080), while a frame resembling the extra stream or copying
     * the sender's last is evidence (streams crossing beside a jittery
     * sender: the sender's frame may sit at the extra stream's phase) */
    int why;
    if ((bad == 1) != (pb == 1)) {
        new_wins = bad != 1;
        why = WHY_PAYLOAD;
    } else if (SLOT_SUS_FIRST && sus != s->pend_sus) {
        new_wins = !sus;
        why = WHY_SUS;
    } else if (tol > 0 && (dn <= tol) != (dp <= tol)) {
        new_wins = dn <= tol; /* one on the schedule, the other clearly off it */
        why = WHY_SCHED;
    } else if (bad != pb && (bad == 2 || bad == 3 || pb == 2 || pb == 3)) {
        new_wins = bad < pb;
        int lb = new_wins ? pb : bad; /* the loser's */
        why = lb == 3 ? WHY_COPY : lb == 4 ? WHY_REPEAT : WHY_WAIT;
    } else if (xn != xp && (xn ? dp < dn : dn < dp)) {
        new_wins = xp; /* one at the extra stream's phase, the other nearer the schedule */
        why = WHY_XPHASE;
    } else if (bad != pb) {
        new_wins = bad < pb; /* the payload the extra stream repeated */
        why = WHY_REPEAT;
    } else if (adj != s->pend_adj && ((adj | s->pend_adj) & 2)) {
        new_wins = adj != 0; /* right after a predecessor it nearly always follows */
        why = WHY_ADJ;
    } else if (ham + hmin <= s->pend_ham || (unsigned)s->pend_ham + hmin <= ham) {
        new_wins = ham < s->pend_ham;
        why = WHY_HAM;
    } else if (sus != s->pend_sus) {
        new_wins = !sus;
        why = WHY_SUS;
    } else if (order_vote(adj, s)) {
        new_wins = order_vote(adj, s) > 0; /* by the learned predecessor and successor */
        why = WHY_ORDER;
    } else if (xph != s->pend_xph) {
        new_wins = s->pend_xph; /* one at the extra stream's phase, even on the schedule */
        why = WHY_XPH;
    } else {
        new_wins = dn < dp;
        why = WHY_NEAR;
    }
    s->why = (uint8_t)why;
    if (new_wins) {
        *dev = dp;
        slot_pend(s, t, bad, xph, ham, sus, adj);
        return 2;
    }
    s->pend_bad = (uint8_t)pb; /* it won its slot */
    *dev = dn;
    return 1;
}

/* ---- frames left out of learning --------------------------------------
 * A learning span need not be clean: online (--learn-seconds) it is the
 * start of the capture being judged, and an attack may already run there.
 * Two kinds of frame are left out, each a pattern clean traffic did not show
 * (docs/VEHICLE.md section 2): the frames of a flood (FLOOD_N + 1 frames of
 * one identifier closer than FLOOD_GAP on average, detection's own flooding
 * rule; marked in pass 1), and, of an identifier periodic but for its extra
 * frames, an extra frame whose payload is foreign to both neighbours (pass 2,
 * foreign_extra). Pass 2 learns the statistics of such an identifier again
 * from its frames kept; an identifier left with no frame is not in the
 * profile. */

static int xbit(const idtrain *t, uint64_t k)
{
    return k < t->xcap && (t->xbits[k >> 3] >> (k & 7) & 1);
}

static int xset(idtrain *t, uint64_t k)
{
    if (k >= t->xcap) {
        uint64_t cap = t->xcap ? t->xcap : 1024;
        while (cap <= k)
            cap *= 2;
        uint8_t *nb = realloc(t->xbits, (size_t)(cap / 8));
        if (!nb)
            return SG17_E_NOMEM;
        memset(nb + t->xcap / 8, 0, (size_t)((cap - t->xcap) / 8));
        t->xbits = nb;
        t->xcap = cap;
    }
    t->xbits[k >> 3] = (uint8_t)(t->xbits[k >> 3] | 1u << (k & 7));
    return 0;
}

/* Payload distance for foreign_extra: 100 per learned counter nibble that
 * does not count on from a to b, plus the bits that differ. */
static unsigned pdist(const idtrain *t, const uint8_t *a, const uint8_t *b, unsigned n)
{
    unsigned d = hamming(a, b, n);
    for (unsigned i = 0; i < 16; i++)
        if (t->rctr >> i & 1 && nib(b, i) != ((nib(a, i) + 1) & 15))
            d += 100;
    return d;
}

/* Frame x, between the last frame kept and f, of an identifier periodic but
 * for its extra frames: extra (a gap either side of it under the periodic
 * band, while the gap from the frame kept to f is not over it), and its
 * payload farther from each neighbour than they are from each other - a
 * counter the neighbours keep, x breaks. A sender's own extra frame (sent on
 * a change, or a copy) carries its neighbours' payload or the next one's. */
static int foreign_extra(const idtrain *t, const sg17_can_frame *x, const sg17_can_frame *f)
{
    int lo = t->mbin - PER_BINS, hi = t->mbin + PER_BINS;
    if (bin_of(x->t - t->kt) >= lo && bin_of(f->t - x->t) >= lo)
        return 0;
    if (bin_of(f->t - t->kt) > hi)
        return 0;
    unsigned n = f->dlc < 8 ? f->dlc : 8;
    unsigned dkf = pdist(t, t->kd, f->data, n);
    return pdist(t, t->kd, x->data, n) > dkf + 2 && pdist(t, x->data, f->data, n) > dkf + 2;
}

/* Pass 2: the gaps over ISO_K periods of an identifier, and the frames
 * alone between two such gaps (every frame, those left out too). */
static void iso_track(idtrain *t, double period, double now)
{
    double lim = ISO_K * period;
    if (t->iso_n >= 1 && now - t->iso_t2 > lim) {
        t->iso_long++;
        if (t->iso_n >= 2 && t->iso_t2 - t->iso_t1 > lim)
            t->iso_alone++;
    }
    t->iso_t1 = t->iso_t2;
    t->iso_t2 = now;
    if (t->iso_n < 2)
        t->iso_n++;
}

/* Frame f falls in a second of the span (not its first) in which more than
 * FUZZ_NEW identifiers were seen for the first time. */
static int fuzz_second(sg17_can_profile *p, const sg17_can_frame *f)
{
    if (!f->has_time)
        return 0;
    /* the first second of the traffic, and of the traffic again after a
     * silence (GAP_CONT) or a step back in time (a second capture), brings
     * every identifier of the vehicle at once */
    if (!p->init2 || f->t < p->last2 || f->t - p->last2 >= GAP_CONT)
        p->restart2 = f->t;
    p->init2 = 1;
    p->last2 = f->t;
    if (f->t < p->restart2 + 1 || f->t < p->t_first)
        return 0;
    size_t b = (size_t)(f->t - p->t_first);
    return b < p->nbin && p->newbin[b] > FUZZ_NEW;
}

/* Pass 2: the distance of frame f's payload to the nearest of its
 * identifier's latest four, as probation.c measures it. */
static void random_track(idtrain *t, const sg17_can_frame *f)
{
    if (t->rn_n == 0) {
        t->rn_dlc = (uint8_t)(f->dlc < 8 ? f->dlc : 8);
    } else {
        unsigned nb = f->dlc < t->rn_dlc ? f->dlc : t->rn_dlc;
        t->rn_sum += nearest_of4(t->rn_last, t->rn_n, f->data, nb);
        t->rn_bits += 8 * nb;
    }
    memcpy(t->rn_last[t->rn_n % 4], f->data, 8);
    if (t->rn_n < UINT32_MAX)
        t->rn_n++;
}

/* Transport and diagnostic identifiers carry any data: never "random"
 * (SAE J1939-21 TP.DT / TP.CM; ISO 15765-4 requests and responses). */
static int carries_data(uint32_t key)
{
    uint32_t id = key & 0x1fffffffu;
    if (key >> 31) {
        uint32_t pf = id >> 16 & 0xff;
        return pf == 0xeb || pf == 0xec || pf == 0xda || pf == 0xdb;
    }
    return id == 0x7df || (id >= 0x7e0 && id <= 0x7ef);
}

/* Pass 2: the slot model replayed over frame f of identifier s (the
 * periodic classes 1 and 2; a jittery sender's class 1 only matters). */
static void replay_frame(sg17_can_profile *p, int s, const sg17_can_frame *f)
{
    const idprof *ip = &p->ids[s];
    idtrain *t = &p->tr[s];
    double P = t->wide ? t->wide_p : ip->period;
    for (int c = 0; c < 2; c++) {
        veh_replay *r = &t->rp[c];
        if (c == 1 && r->has_t2 && f->t - r->t2 < DBL_GAP && r->dbl_n < DBL_MAX) {
            r->dbl_n++;
            continue; /* a frame after the first of a burst (as detect.c judges it) */
        }
        r->t2 = f->t; /* the head of a possible burst */
        r->dbl_n = 0;
        r->has_t2 = 1;
        double dev;
        r->slot.alt_on = ip->alt;
        int v = veh_slot_step(P, 0, &r->slot, f->t, 0, hamming(f->data, r->prev2, f->dlc), SLOT_HAM,
                              0, 0, &dev);
        memcpy(r->prev2, f->data, 8);
        if (v != 0)
            r->extras++;
        else if (dev > r->maxdev)
            r->maxdev = dev;
    }
}

/* Pass 2: frame f of identifier s is learned - its statistics again, and the
 * slot model's replay. */
static void keep_frame(sg17_can_profile *p, int s, const sg17_can_frame *f)
{
    idtrain *t = &p->tr[s];
    learn_id(&p->ids2[s], &p->tr2[s], f);
    t->kt = f->t;
    memcpy(t->kd, f->data, 8);
    t->has_k = 1;
    if (t->cand && f->has_time)
        replay_frame(p, s, f);
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
        idtrain *t = &p->tr[s];
        learn_span(p, f);
        if (t->k1 == 0 && f->has_time && f->t >= p->t_first &&
            f->t - p->t_first < 1e6) { /* a new identifier (within 11 days) */
            size_t b = (size_t)(f->t - p->t_first);
            if (b >= p->nbin) {
                size_t nn = p->nbin ? p->nbin : 64;
                while (nn <= b)
                    nn *= 2;
                uint16_t *nb = realloc(p->newbin, nn * sizeof *nb);
                if (!nb)
                    return SG17_E_NOMEM;
                memset(nb + p->nbin, 0, (nn - p->nbin) * sizeof *nb);
                p->newbin = nb;
                p->nbin = nn;
            }
            if (p->newbin[b] < UINT16_MAX)
                p->newbin[b]++;
        }
        if (!t->ring && !(t->ring = malloc((FLOOD_N + 1) * sizeof *t->ring)))
            return SG17_E_NOMEM;
        if (f->has_time) {
            if (t->fl_n == FLOOD_N && f->t - t->fl_ts[t->fl_i] < FLOOD_N * FLOOD_GAP)
                for (uint64_t j = t->k1 - FLOOD_N; j <= t->k1; j++) {
                    int e = xset(t, j); /* this frame and the FLOOD_N before it */
                    if (e)
                        return e;
                }
            t->fl_ts[t->fl_i] = f->t;
            t->fl_i = (uint8_t)((t->fl_i + 1) % FLOOD_N);
            if (t->fl_n < FLOOD_N)
                t->fl_n++;
        }
        /* the frame FLOOD_N back: no later flood can take it now */
        t->ring[t->k1 % (FLOOD_N + 1)] = *f;
        if (t->k1 >= FLOOD_N && !xbit(t, t->k1 - FLOOD_N))
            learn_id(&p->ids[s], t, &t->ring[(t->k1 - FLOOD_N) % (FLOOD_N + 1)]);
        t->k1++;
        p->frames1++;
        return 0;
    }
    if (s < 0)
        return SG17_E_STATE; /* pass 2 must see the same frames */
    idtrain *t = &p->tr[s];
    p->frames2++;
    if (f->has_time)
        iso_track(t, p->ids[s].period, f->t);
    if (xbit(t, t->k2++)) {
        t->n_flood++;
        return 0;
    }
    learn_load(p, f);
    if (!fuzz_second(p, f))
        t->n_outside++;
    if (veh_provisional(p)) /* only a provisional profile leaves random payloads out */
        random_track(t, f);
    /* transitions: learned; and held out in time: the first half of the
     * frames is learned, the second half judged against it; the most novel
     * pairs per window there is the threshold's base. (Leave-one-out - a
     * pair seen once is novel - underestimated novelty on later traffic of
     * the same drive: ECU clocks drift, so frame orders the training never
     * saw keep appearing; measured on DAGA V40_03, a profile of its first
     * 76 s then flagged 6 415 genuine frames of the next 76 s.) */
    if (p->prev_slot >= 0) {
        veh_trans_add(&p->trans, (unsigned)p->prev_slot, (unsigned)s);
        if (p->frames2 <= p->frames1 / 2) {
            veh_trans_add(p->half, (unsigned)p->prev_slot, (unsigned)s);
        } else {
            uint32_t c = veh_trwin_push(
                &p->trw, veh_trans_count(p->half, (unsigned)p->prev_slot, (unsigned)s) == 0);
            if (c > p->tr_thr)
                p->tr_thr = c;
        }
    }
    p->prev_slot = s;
    if (!t->cand) { /* no frame of it is left out here: pass 1's statistics stand */
        if (t->wide && f->has_time)
            replay_frame(p, s, f);
        return 0;
    }
    if (!f->has_time) {
        keep_frame(p, s, f);
        return 0;
    }
    /* the frame before this one is judged now that its successor is known */
    if (t->has_px) {
        if (t->has_k && foreign_extra(t, &t->px, f))
            t->n_out++;
        else
            keep_frame(p, s, &t->px);
    }
    t->px = *f;
    t->has_px = 1;
    return 0;
}

/* The models of one identifier from its statistics (after pass 1; after
 * pass 2 again, from the frames kept, where frames were left out). */
static void derive_id(const sg17_can_profile *p, idprof *ip, idtrain *t)
{
    for (unsigned i = 0; i < 64; i++) {
        ip->constmask[i] = (uint8_t) ~(t->and_[i] ^ t->or_[i]);
        ip->constval[i] = t->and_[i];
    }
    uint64_t pairs = ip->count > 1 ? ip->count - 1 : 0;
    ip->ctrmask = ip->ctr8 = ip->ctr4 = 0;
    memset(ip->fast, 0, sizeof ip->fast);
    ip->alt = t->alt_n >= MIN_SLOT && t->alt_d2 < ALT_R * t->alt_d1;
    for (unsigned k = 0; k < 64 && pairs; k++)
        if ((uint64_t)t->flips[k] * FAST_DEN >= pairs)
            ip->fast[k / 8] = (uint8_t)(ip->fast[k / 8] | 1u << (k % 8));
    t->rctr = 0;
    t->cand = 0;
    if (ip->count >= MIN_TRAIN) {
        for (unsigned i = 0; i < 16; i++)
            if (t->ctr_ok[i] * 10u >= pairs * 9u && i / 2 < ip->maxlen && t->ctr_vals[i] == 0xffff)
                t->rctr = (uint16_t)(t->rctr | 1u << i);
        for (unsigned i = 0; i < 16; i++)
            if (t->ctr_ok[i] * 1000u >= pairs * 995u && i / 2 < ip->maxlen &&
                t->ctr_vals[i] == 0xffff)
                ip->ctrmask = (uint16_t)(ip->ctrmask | 1u << i);
            /* 2- and 3-bit counters: fewer values, so a break rate of at
             * most 0.1 % in training (as the slot model's) */
            else if (t->ctr_ok8[i] * 1000u >= pairs * 999u && i / 2 < ip->maxlen &&
                     t->ctr_vals[i] == 0x00ff)
                ip->ctr8 = (uint16_t)(ip->ctr8 | 1u << i);
            else if (t->ctr_ok4[i] * 1000u >= pairs * 999u && i / 2 < ip->maxlen &&
                     t->ctr_vals[i] == 0x000f)
                ip->ctr4 = (uint16_t)(ip->ctr4 | 1u << i);
    }
    /* ramps: a nibble (not a +1 counter) that changed STEP_MIN times or
     * more and nearly always by one step the same way (DAGA 0x288 byte 2's high
     * nibble steps +1 every 3 to 5 frames, byte 3 its complement) */
    ip->step_up = ip->step_dn = 0;
    if (ip->count >= MIN_TRAIN)
        for (unsigned i = 0; i < 16 && i / 2 < ip->maxlen; i++) {
            uint32_t c = t->st_chg[i];
            if ((ip->ctrmask | ip->ctr8 | ip->ctr4) >> i & 1 || c < STEP_MIN)
                continue;
            if (t->st_up[i] * 1000u >= c * 995u)
                ip->step_up = (uint16_t)(ip->step_up | 1u << i);
            else if (t->st_dn[i] * 1000u >= c * 995u)
                ip->step_dn = (uint16_t)(ip->step_dn | 1u << i);
        }
    /* relations between two bytes (a signal sent twice, or with its
     * complement for E2E protection: Hyundai Genesis 0x316 bytes 1 and
     * 4, DAGA 0x288 bytes 2 and 3): held by every training frame of the
     * identifier's one length, the byte taking REL_VALUES values or more */
    ip->rel_eq = ip->rel_not = 0;
    if (ip->count >= MIN_TRAIN && (ip->lenmask & (ip->lenmask - 1)) == 0 && t->ck_dlc >= 2) {
        unsigned nb = t->ck_dlc < 8 ? t->ck_dlc : 8;
        for (unsigned a = 0; a + 1 < nb; a++) {
            unsigned distinct = 0;
            for (unsigned i = 0; i < 32; i++)
                distinct += (unsigned)__builtin_popcount(t->ck_vals[a][i]);
            if (distinct < REL_VALUES)
                continue;
            for (unsigned b = a + 1; b < nb; b++) {
                uint64_t bit = 1ull << (8 * a + b);
                ip->rel_eq |= t->rel_eq & bit;
                ip->rel_not |= t->rel_not & bit;
            }
        }
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
                /* and the relation must be seen to hold over at least two
                 * varying inputs: with one (a rolling counter alone, the
                 * rest of the payload constant) any byte that follows the
                 * counter "is" a checksum until another signal moves -
                 * measured on DAGA 0x145, learned from 30 s, broken by
                 * every frame after 60 s */
                int nibble_ck = a == VEH_CK_NIBSUM || a == VEH_CK_NIBNEG;
                unsigned inputs = 0;
                for (unsigned i = 0; i < 2 * nb; i++) {
                    int is_ck = nibble_ck ? i == 2 * b + 1 : i / 2 == b;
                    if (!is_ck && __builtin_popcount(t->ctr_vals[i]) >= 2)
                        inputs++;
                }
                if (distinct >= CK_VALUES && inputs >= 2 &&
                    t->ck_ok[b][a] * 1000u >= ip->count * 995u) {
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
        return;
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
    for (int b = m - PER_BINS; b <= m + PER_BINS; b++) {
        if (b < 0 || b >= HBINS)
            continue;
        near += t->hist[b];
        sum += t->sum_bin[b];
    }
    if (near == 0)
        return;
    ip->period = sum / (double)near;
    t->mbin = m;
    /* a candidate for periodic: so, once gaps under the band (an extra
     * frame makes two) are set aside */
    uint64_t below = 0;
    for (int b = 0; b < m - PER_BINS && b < HBINS; b++)
        below += t->hist[b];
    t->cand = near * 100u >= (pairs - below) * 85u && ip->period > 0 && pairs >= MIN_SLOT;
    /* the slot model must be (nearly) silent on clean traffic: fewer than
     * MIN_SLOT gaps cannot show that (Toyota 0x380, 1 s period, sent on
     * change too: 14 frames of a 14-s log had no extra one). 30 gaps: a
     * 100-ms sender in 3 s of learning. (50 left every 100-ms identifier
     * unjudged for timing at a 5-s learning span: our every-target sweep's
     * replay at rate met the goal on 191 of 265 targets, now 245. The cost
     * seen: a sender that also sends on a data change, in a span that saw
     * none - Dodge Durango 0x184 at 3.2 s, one false alarm.) */
    /* and gaps under a quarter period - an extra frame, not jitter - must
     * be as rare as the slot model demands (<= 0.1 %) anywhere in the
     * training traffic, its first slots too, which the slot model only
     * anchors on (Corvette 0x130 sent extra copies at key-on, and again a
     * second after a 10-s learning span) */
    uint64_t shortg = 0;
    int quarter_bin = bin_of(ip->period / 4);
    for (int b = 0; b < quarter_bin && b < HBINS; b++)
        shortg += t->hist[b];
    if (near * 100u >= pairs * 85u && ip->period > 0 && pairs >= MIN_SLOT &&
        shortg * 1000u <= ip->count)
        ip->periodic = 1;
    /* a sender that now and then sends frames at once (gaps under
     * DBL_GAP: queued back to back, or a logger's batch), keeping its
     * schedule otherwise - Acura TSX 0x0A6, 23 of 412 gaps of 0 s:
     * periodic, the frames after the first of such a burst are no extra
     * frames (at most DBL_MAX per burst). The gaps inside bursts count
     * with the band's: a logger that holds frames back and delivers them
     * in a batch makes a long gap and a burst gap of two in-band ones (the
     * TSX over its whole 42-s log: 84 % in the band, 7 % in bursts) */
    else if ((near + t->dbl) * 100u >= pairs * 85u && ip->period > 0 && pairs >= MIN_SLOT &&
             t->dbl > 0 && ip->period > 8 * DBL_GAP && t->dbl * 10u <= ip->count &&
             shortg >= t->dbl && (shortg - t->dbl) * 1000u <= ip->count)
        ip->periodic = 2;
    /* a jittery sender (Ford Mustang 0x204: 10 ms, gaps of 7 to 13 ms, the
     * next frame making up for a late one): too few gaps in the band, but
     * in one of WIDE_BINS, and no gap under a quarter period. Periodic if the
     * slot model, replayed in pass 2 at the wide band's mean period, finds
     * no more extra frames than for any periodic sender and keeps every
     * frame within a quarter period of its expected arrival - a phase-locked
     * sender; an irregular one (Honda Civic 8th 0x039, gaps of 12 to 21 ms
     * that do not make up for each other) drifts off (profile_finish).
     * The same for a sender whose gaps take two values in turn (below). */
    t->wide = 0;
    if (!ip->periodic && pairs >= MIN_SLOT) {
        uint64_t near5 = 0, short5 = 0;
        double sum5 = 0;
        for (int b = m - WIDE_BINS; b <= m + WIDE_BINS; b++)
            if (b >= 0 && b < HBINS) {
                near5 += t->hist[b];
                sum5 += t->sum_bin[b];
            }
        double P5 = near5 ? sum5 / (double)near5 : 0;
        for (int b = 0; P5 > 0 && b < bin_of(P5 / 4) && b < HBINS; b++)
            short5 += t->hist[b];
        if (P5 > 0 && near5 * 100u >= pairs * 85u && short5 * 1000u <= ip->count) {
            /* the period: the mean of every gap of about one period (half to
             * one and a half) - the log band's mean is biased for a jitter
             * symmetric in time (Mustang 0x204: 10.24 ms, not 10.00) */
            uint64_t n1;
            double P1 = one_period_mean(t, P5, &n1);
            t->wide = 1;
            t->wide_p = n1 ? P1 : P5;
        } else if (P5 > 0) {
            /* gaps of two or more values a few semitones apart, each out of
             * the other's band (Ford Mustang 0x217: 8.3 and 11.7 ms in
             * turn, 10 ms on average): the period is the mean of the gaps
             * of half to one and a half the median bin's, if they are 85 %
             * of all and none is under a quarter of it; the slot model
             * decides as for a jittery sender (profile_finish) */
            uint64_t n1, sh = 0;
            double P2 = one_period_mean(t, t->sum_bin[m] / (double)t->hist[m], &n1);
            for (int b = 0; P2 > 0 && b < bin_of(P2 / 4) && b < HBINS; b++)
                sh += t->hist[b];
            if (P2 > 0 && n1 * 100u >= pairs * 85u && sh * 1000u <= ip->count) {
                t->wide = 1;
                t->wide_p = P2;
            }
        }
    }
}

int sg17_can_profile_next_pass(sg17_can_profile *p)
{
    if (!p || p->pass != 1 || p->finished)
        return SG17_E_STATE;
    if (p->has_time < 0)
        return SG17_E_FORMAT; /* no frames */
    for (size_t s = 0; s < p->n; s++) {
        idtrain *t = &p->tr[s];
        for (uint64_t j = t->k1 > FLOOD_N ? t->k1 - FLOOD_N : 0; j < t->k1; j++)
            if (!xbit(t, j))
                learn_id(&p->ids[s], t, &t->ring[j % (FLOOD_N + 1)]);
        free(t->ring);
        t->ring = NULL;
        derive_id(p, &p->ids[s], t);
        memset(t->rp, 0, sizeof t->rp);
    }
    p->ids2 = calloc(p->n ? p->n : 1, sizeof *p->ids2);
    p->tr2 = calloc(p->n ? p->n : 1, sizeof *p->tr2);
    p->half = calloc(1, sizeof *p->half);
    if (!p->ids2 || !p->tr2 || !p->half)
        return SG17_E_NOMEM;
    for (size_t s = 0; s < p->n; s++)
        p->ids2[s].key = p->ids[s].key;
    /* transitions and the bus load are learned in pass 2, floods left out */
    memset(&p->trans, 0, sizeof p->trans);
    p->load_max = 0;
    p->win_init = 0;
    p->win_count = 0;
    p->prev_slot = -1;
    memset(&p->trw, 0, sizeof p->trw);
    p->tr_thr = 0;
    p->frames2 = 0;
    p->pass = 2;
    return 0;
}

/* Drop the identifiers none of whose frames was kept (all in floods):
 * the table and the transitions are renumbered. */
static int drop_unlearned(sg17_can_profile *p)
{
    int16_t map[MAX_IDS];
    size_t n = 0;
    for (size_t s = 0; s < p->n; s++)
        map[s] = (int16_t)(p->ids[s].count ? (int)n++ : -1);
    if (n == p->n)
        return 0;
    veh_trans *tr = calloc(1, sizeof *tr);
    if (!tr)
        return SG17_E_NOMEM;
    for (unsigned i = 0; i < VEH_TR_SIZE; i++) {
        if (!p->trans.key[i])
            continue;
        unsigned a = (p->trans.key[i] - 1) >> 11, b = (p->trans.key[i] - 1) & 2047u;
        if (map[a] >= 0 && map[b] >= 0)
            (void)veh_trans_put(tr, (unsigned)map[a], (unsigned)map[b], p->trans.cnt[i]);
    }
    tr->full = p->trans.full;
    p->trans = *tr;
    free(tr);
    for (size_t s = 0; s < p->n; s++)
        if (map[s] >= 0)
            p->ids[map[s]] = p->ids[s];
    p->n = n;
    for (size_t i = 0; i < HSIZE; i++)
        p->slot[i] = -1;
    for (size_t s = 0; s < n; s++) {
        unsigned h = hash_key(p->ids[s].key);
        while (p->slot[h] >= 0)
            h = (h + 1) & (HSIZE - 1);
        p->slot[h] = (int16_t)s;
    }
    return 0;
}

static void free_training(sg17_can_profile *p)
{
    if (p->tr)
        for (size_t s = 0; s < p->n; s++) {
            free(p->tr[s].xbits);
            free(p->tr[s].ring);
        }
    free(p->tr);
    free(p->ids2);
    free(p->tr2);
    free(p->half);
    free(p->newbin);
    p->newbin = NULL;
    p->nbin = 0;
    p->tr = NULL;
    p->tr2 = NULL;
    p->ids2 = NULL;
    p->half = NULL;
}

int sg17_can_profile_finish(sg17_can_profile *p)
{
    if (!p || p->finished || p->pass != 2 || p->frames2 != p->frames1)
        return SG17_E_STATE; /* both passes, over the same frames */
    if (p->win_count > p->load_max)
        p->load_max = p->win_count;
    int prov = veh_provisional(p);
    for (size_t s = 0; s < p->n; s++) {
        idprof *ip = &p->ids[s];
        idtrain *t = &p->tr[s];
        if (t->has_px) /* the last frame: nothing after it to be extra to */
            keep_frame(p, (int)s, &t->px);
        /* left out: every flood frame; an identifier seen only in bursts of
         * new identifiers; extra frames with a foreign payload while they
         * are at most 1 / FOREIGN_DEN of the identifier's frames (more: it
         * is the sender's way, and they are learned after all) */
        p->left_flood += t->n_flood; /* (left out in pass 1 too) */
        if (t->n_outside == 0 && ip->count) {
            /* seen only in bursts of new identifiers (its frames there
             * included): fuzzing, not the vehicle's traffic */
            p->left_fuzz += ip->count;
            ip->count = 0;
            continue;
        }
        if (prov && t->rn_n >= RND_MIN && 8ull * t->rn_sum >= 3ull * t->rn_bits &&
            !carries_data(ip->key) && !ip->ck_alg && !(ip->ctrmask | ip->ctr8 | ip->ctr4) &&
            ip->count) {
            /* random payloads, no checksum or counter among them: fuzzing
             * on an identifier of its own. Only in a provisional profile,
             * whose detection puts an identifier new to it on probation,
             * where random payloads are flagged: the identifier is judged
             * as if it had come after the span */
            p->left_random += ip->count;
            ip->count = 0;
            continue;
        }
        if (t->n_out && t->n_out * FOREIGN_DEN <= ip->count) {
            double P = ip->period;
            p->left_foreign += t->n_out;
            derive_id(p, &p->ids2[s], &p->tr2[s]);
            *ip = p->ids2[s];
            ip->period = P; /* the slot model was replayed with pass 1's period */
        } else if (t->n_out && ip->periodic) {
            t->rp[ip->periodic - 1].extras += t->n_out;
        }
        if (t->wide && !ip->periodic) {
            const veh_replay *r = &t->rp[0];
            if (r->extras * 1000u <= ip->count && r->maxdev <= t->wide_p / 3) {
                ip->periodic = 1;
                ip->period = t->wide_p;
            }
        }
        if (ip->periodic) {
            const veh_replay *r = &t->rp[ip->periodic - 1];
            /* the slot model must be (nearly) silent on clean traffic */
            if (r->extras * 1000u > ip->count)
                ip->periodic = 0;
            ip->tol = r->maxdev;
        }
        ip->iso_ok =
            ip->max_gap <= ISO_K * ip->period || (t->iso_alone == 0 && t->iso_long <= ISO_LONG &&
                                                  (uint64_t)t->iso_long * ISO_RATE <= ip->count);
    }
    p->has_tr = !p->trans.full && !p->half->full;
    p->tr_thr = p->tr_thr + p->tr_thr / 2 + 2;
    free_training(p);
    int e = drop_unlearned(p);
    if (e)
        return e;
    p->finished = 1;
    return 0;
}
