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

#define MAX_IDS   2048
#define HSIZE     4096 /* hash slots, power of two, 2 x MAX_IDS */
#define HBINS     256
#define BIN_BASE  1e-5 /* seconds, lower edge of bin 0 */
#define MIN_TRAIN 50   /* frames before payload models are trusted */
#define LOAD_WIN  0.1  /* bus-load window, seconds */
#define RATE_WIN  1.0  /* per-identifier rate window, seconds */

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
    /* training only */
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
} idstate;

struct sg17_can_detector {
    const sg17_can_profile *p;
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

static int lookup(const sg17_can_profile *p, uint32_t k)
{
    unsigned h = hash_key(k);
    for (unsigned i = 0; i < HSIZE; i++) {
        int s = p->slot[(h + i) & (HSIZE - 1)];
        if (s < 0)
            return -1;
        if (p->ids[s].key == k)
            return s;
    }
    return -1;
}

static int insert(sg17_can_profile *p, uint32_t k)
{
    if (p->n >= MAX_IDS)
        return SG17_E_LIMIT;
    unsigned h = hash_key(k);
    for (unsigned i = 0; i < HSIZE; i++) {
        unsigned j = (h + i) & (HSIZE - 1);
        if (p->slot[j] < 0) {
            int s = (int)p->n++;
            p->slot[j] = (int16_t)s;
            memset(&p->ids[s], 0, sizeof p->ids[s]);
            p->ids[s].key = k;
            return s;
        }
    }
    return SG17_E_LIMIT;
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
        return 0;
    }
    if (s < 0)
        return SG17_E_STATE; /* pass 2 must see the same frames */
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
    fprintf(f, "sg17-can-profile 2\nhas_time %d\nload_max %u\n", p->has_time > 0, p->load_max);
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
        fputc('\n', f);
    }
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
            if (strcmp(line, "sg17-can-profile 2\n") != 0) {
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
            (*s != '\n' && *s != 0) || (ip->periodic && !(ip->period > 0))) {
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

void sg17_can_detector_feed(sg17_can_detector *d, const sg17_can_frame *f, uint64_t seq,
                            sg17_can_alert *alerts, size_t *n)
{
    const sg17_can_profile *p = d->p;
    char hx[17]; /* payload hex, formatted only when an alert needs it */
    *n = 0;
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
    int s = lookup(p, key_of(f->id, f->ext));
    if (s < 0) {
        sg17_can_alert *a = new_alert(alerts, n, f, seq, "unknown-id", 1.0);
        if (a)
            snprintf(a->evidence, sizeof a->evidence,
                     "frame %X#%s: identifier not in the profile (%zu ids)", (unsigned)f->id,
                     hexof(hx, f), p->n);
        return;
    }
    const idprof *ip = &p->ids[s];
    idstate *st = &d->st[s];
    int bad = 0; /* payload-level verdict of this frame */
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
         * the bits stop being constant. Many at once is a forged payload - unless
         * the very same bits changed in this identifier's previous frame too. */
        int persist = nb >= CONST_K && st->has_pdiff; /* two anomalous frames in a row */
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
        if (v == 1 && !bad) {
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
        if (!flagged && st->has_last && f->t - st->last_t < 0.5 * ip->min_gap) {
            sg17_can_alert *a = new_alert(alerts, n, f, seq, "min-gap", 0.6);
            if (a)
                snprintf(a->evidence, sizeof a->evidence,
                         "frame %X#%s: gap %.6f s below half the learned minimum %.6f s",
                         (unsigned)f->id, hexof(hx, f), f->t - st->last_t, ip->min_gap);
            flagged = 1;
        }
        if (!st->win_init || f->t < st->win_start || f->t >= st->win_start + RATE_WIN) {
            st->win_init = 1;
            st->win_start = f->t;
            st->win_count = 0;
        }
        st->win_count++;
        /* the learned burst rate, or what the learned minimum gap sustains */
        double rlim = ip->rate_max + ip->rate_max / 2 + 2;
        if (ip->min_gap > 0 && 1.5 * RATE_WIN / ip->min_gap > rlim)
            rlim = 1.5 * RATE_WIN / ip->min_gap;
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
}
