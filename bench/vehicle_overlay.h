/*
 * Attack overlay for the X.1376 CAN detector on vehicles it never saw
 * (header-only; used by bench/vehicle_inject.c and
 * tests/vectors/vehicle_inject_slow.c, so both run the same generator).
 *
 * It takes the frames of a real clean capture (a candump log of the vectors,
 * read in place), keeps every genuine frame unchanged and in time order, and
 * adds the frames of one standard attack pattern from learn span + 1 s on,
 * each labelled with the attack's name (interchange CSV
 * `timestamp,id,dlc,data,label`). The injected frames are OUR generated data:
 * scores on them measure the engine's robustness to these patterns on other
 * vehicles' real traffic; they are not external truth.
 *
 * Choices (all deterministic; the PRNG is splitmix64 seeded from a fixed
 * constant, the attack and the capture's name):
 *  - target: the periodic identifier (in the learning span: >= 20 frames, one
 *    payload length > 0, median gap <= 100 ms, >= 85 % of the gaps within
 *    0.5-1.5 x the median, as the engine judges periodicity) with the most
 *    frames in the learning span (ties: lowest id) that still sends after the
 *    injection start; its period is the mean of those in-band gaps. If no
 *    identifier passes, one with >= 50 % of its gaps in band is taken instead
 *    and the plan says `lossy` (logs whose logger dropped frames);
 *  - forged byte: the first byte of the target that varied in the learning
 *    span and does not count (a byte, nibble, or 2-/3-bit field of a nibble
 *    stepping by one same non-zero amount in >= 90 % of consecutive frames:
 *    an attacker forges a signal, not the counter); else the first byte that
 *    stayed constant; else byte 0. Forging = XOR 0xFF (the byte complemented;
 *    the overlay knows nothing of checksums and does not recompute them);
 *  - unused identifier (id_fuzz): drawn from the PRNG among the 11-bit ids
 *    the whole capture never uses.
 * Attacks (t_i = first frame + learn + 1 s; times rounded to 1 us as the CSV
 * writes them; nothing is injected after the capture's last frame):
 *  dos           id 0x000, 8 zero bytes, every 0.3 ms for 3 s
 *  fuzzy         random 11-bit id, random 8 bytes, every 0.5 ms for 3 s
 *  id_fuzz       the unused id, random 8 bytes, one per second to the end
 *  payload_fuzz  target id, random payload (its length), one per second at a
 *                random phase within each second, to the end
 *  spoof_flood   target id, its last learned payload forged, every 1 ms, 3 s
 *  replay        the target's frames of the learning span, in order, at its
 *                period, 0.4 period after its first frame at/after t_i, 5 s
 *  spoof_rate    the target's latest genuine payload forged, at its period,
 *                0.5 period after its first frame at/after t_i, 5 s
 *  masquerade    from t_i to the end every genuine target frame is removed and
 *                replaced at the same time by the same payload forged (the
 *                only attack that removes genuine frames)
 *  replay_1hz    (bench/vehicle_targets only) the target's frames of the
 *                learning span, in order, one per second at a random phase
 *                within each second, to the end (DAGA's SingleIDReplay)
 * Variant "from the start" (vo_plan_from_start): t_i = first frame + 1 s, in
 * the learning span, and the attacks with a window (dos, fuzzy, spoof_flood,
 * replay, spoof_rate) repeat it every VO_REPEAT s to the end; masquerade has
 * no such variant (forged from the start, the forgery is the vehicle's
 * traffic as far as any learning can tell).
 */
#ifndef SG17_BENCH_VEHICLE_OVERLAY_H
#define SG17_BENCH_VEHICLE_OVERLAY_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sg17/vehicle.h"

enum {
    VO_DOS,
    VO_FUZZY,
    VO_ID_FUZZ,
    VO_PAYLOAD_FUZZ,
    VO_SPOOF_FLOOD,
    VO_REPLAY,
    VO_SPOOF_RATE,
    VO_MASQUERADE,
    VO_N_ATTACKS,
    /* beyond the eight of vehicle_inject (bench/vehicle_targets only) */
    VO_REPLAY_1HZ = VO_N_ATTACKS
};

static const char *const vo_attack_name[VO_N_ATTACKS + 1] = {
    "dos",    "fuzzy",      "id_fuzz",    "payload_fuzz", "spoof_flood",
    "replay", "spoof_rate", "masquerade", "replay_1hz"};

#define VO_MAX_FRAMES (4u << 20)
#define VO_REPEAT     10.0 /* s: attack windows repeat (variant "from the start") */
#define VO_SEED       0x7367313769696e6aULL /* "sg17iinj" */

/* The clean captures: one log per car (the longest where a car has two). */
static const struct {
    const char *car, *rel; /* rel: under the vectors dir */
} vo_cars[] = {
    {"Nissan 350Z", "candump/eldominio_canbuslogs/350z/aclog.log"},
    {"Mitsubishi Lancer Ralliart",
     "candump/eldominio_canbuslogs/Ralliarte logs/smalldriveinlot.log"},
    {"Toyota Yaris 2009", "candump/eldominio_canbuslogs/Yaris 09/aconoff.log"},
    {"Chevrolet Corvette C6", "candump/eldominio_canbuslogs/c6 corvette/turningon.log"},
    {"Chevrolet Camaro", "candump/eldominio_canbuslogs/camaro/engineon.log"},
    {"Honda Civic Type R 2019", "candump/eldominio_canbuslogs/civic 19 type r/turnonanddrive.log"},
    {"Honda Civic 8th gen.", "candump/eldominio_canbuslogs/civic8th/engineon.log"},
    {"Dodge Durango", "candump/eldominio_canbuslogs/durango/engineon.log"},
    {"Ferrari F430", "candump/eldominio_canbuslogs/ferrari/f430/tpmsok.log"},
    {"Ford Fiesta ST", "candump/eldominio_canbuslogs/fiestast/keyonlog.log"},
    {"Hyundai Genesis", "candump/eldominio_canbuslogs/genesis/genesisaconoff.log"},
    {"Ford Mustang GT350",
     "candump/eldominio_canbuslogs/gt350 can logs/normalsportcomfortengineon.log"},
    {"Mazda 3", "candump/eldominio_canbuslogs/mazda3/turnonstockecunoerror.log"},
    {"Acura TSX", "candump/eldominio_canbuslogs/tsx/drivestop.log"},
    {"Subaru WRX (VA)", "candump/eldominio_canbuslogs/vabsubaru/engineonstockecu.log"},
    {"Scion xB", "candump/eldominio_canbuslogs/xb/mphlog.log"},
};
#define VO_N_CARS (sizeof vo_cars / sizeof vo_cars[0])

typedef struct {
    sg17_can_frame *f;
    size_t n, cap;
} vo_capture;

/** What the overlay chose for one capture (see the top of this file). */
typedef struct {
    double t0, t_last, t_learn_end, t_inject, learn;
    uint32_t target; /* periodic identifier */
    uint8_t target_ext, target_dlc;
    double period;       /* its mean period in the learning span, s */
    size_t target_learn; /* its frames in the learning span */
    unsigned forge_byte; /* byte of the target that the forgeries complement */
    uint32_t unused_id;  /* for id_fuzz */
    int lossy;           /* target periodic only with lost frames (50-85 % in band) */
    int from_start;      /* attacks from 1 s on, windows repeated every VO_REPEAT s */
    const char *why;     /* why the capture cannot be used (SG17_E_STATE) */
} vo_plan;

static inline void vo_free(vo_capture *c)
{
    free(c->f);
    c->f = NULL;
    c->n = c->cap = 0;
}

static inline int vo_push(vo_capture *c, const sg17_can_frame *fr)
{
    if (c->n == c->cap) {
        size_t nc = c->cap ? c->cap * 2 : 4096;
        if (nc > VO_MAX_FRAMES)
            nc = VO_MAX_FRAMES;
        if (nc <= c->n)
            return SG17_E_LIMIT;
        sg17_can_frame *p = realloc(c->f, nc * sizeof *p);
        if (!p)
            return SG17_E_NOMEM;
        c->f = p;
        c->cap = nc;
    }
    c->f[c->n++] = *fr;
    return 0;
}

/** Read a whole capture (every frame must carry a timestamp). */
static inline int vo_load(const char *path, vo_capture *out, char *err, size_t errlen)
{
    sg17_can_reader *r;
    memset(out, 0, sizeof *out);
    int e = sg17_vehicle_open(path, &r);
    if (e) {
        snprintf(err, errlen, "%.300s: %.200s", path, r ? sg17_vehicle_error(r) : sg17_strerror(e));
        sg17_vehicle_close(r);
        return e;
    }
    sg17_can_frame fr;
    while ((e = sg17_vehicle_next(r, &fr)) == 1) {
        if (!fr.has_time) {
            snprintf(err, errlen, "%.300s: frame without a timestamp", path);
            e = SG17_E_FORMAT;
            break;
        }
        if ((e = vo_push(out, &fr)) != 0) {
            snprintf(err, errlen, "%.300s: %.100s", path, sg17_strerror(e));
            break;
        }
    }
    if (e < 0 && !err[0])
        snprintf(err, errlen, "%.500s", sg17_vehicle_error(r));
    sg17_vehicle_close(r);
    if (e < 0)
        vo_free(out);
    return e < 0 ? e : 0;
}

static inline uint64_t vo_rand(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static inline double vo_unit(uint64_t *s) /* [0, 1) */
{
    return (double)(vo_rand(s) >> 11) * 0x1p-53;
}

static inline uint64_t vo_seed(const char *name, int attack)
{
    uint64_t h = 0xcbf29ce484222325ULL; /* FNV-1a of the capture's name */
    for (const char *p = name; *p; p++)
        h = (h ^ (uint8_t)*p) * 0x100000001b3ULL;
    return VO_SEED ^ h ^ ((uint64_t)(attack + 1) << 56);
}

/* Times as the interchange CSV writes them (6 decimals). */
static inline double vo_us(double t)
{
    double u = t * 1e6; /* no libm: the benchmarks do not link it */
    return (double)(int64_t)(u < 0 ? u - 0.5 : u + 0.5) / 1e6;
}

static int vo_cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* Does byte b hold a rolling counter: the byte, one of its nibbles, or the
 * low 2 or 3 bits of a nibble stepping by one same non-zero amount in
 * >= 90 % of consecutive frames (as the engine's mod 16/8/4 counters)? */
static inline int vo_counts(const sg17_can_frame *const *fr, size_t n, unsigned b)
{
    static const uint8_t shift[7] = {0, 0, 4, 0, 4, 0, 4},
                         mask[7] = {0xff, 0x0f, 0x0f, 0x07, 0x07, 0x03, 0x03};
    for (int k = 0; k < 7 && n > 1; k++) {
        size_t hist[256] = {0}, best = 0;
        for (size_t i = 1; i < n; i++) {
            unsigned a = (unsigned)(fr[i - 1]->data[b] >> shift[k]) & mask[k];
            unsigned c = (unsigned)(fr[i]->data[b] >> shift[k]) & mask[k];
            hist[(c - a) & mask[k]]++;
        }
        for (unsigned v = 1; v < 256; v++)
            if (hist[v] > best)
                best = hist[v];
        if ((double)best >= 0.9 * (double)(n - 1))
            return 1;
    }
    return 0;
}

/* Judge one identifier's frames of the learning span (fr: in time order):
 * 2 = periodic (>= 85 % of the gaps within 0.5-1.5 x the median, the
 * engine's own criterion), 1 = periodic with lost frames (>= 50 %: a logger
 * that drops frames, e.g. the Genesis log), 0 = neither. */
static inline int vo_periodic(const sg17_can_frame *const *fr, size_t n, double *period)
{
    if (n < 20 || fr[0]->dlc == 0)
        return 0;
    for (size_t i = 1; i < n; i++)
        if (fr[i]->dlc != fr[0]->dlc || fr[i]->ext != fr[0]->ext)
            return 0;
    double *g = malloc((n - 1) * sizeof *g);
    if (!g)
        return 0;
    for (size_t i = 1; i < n; i++)
        g[i - 1] = fr[i]->t - fr[i - 1]->t;
    qsort(g, n - 1, sizeof *g, vo_cmp_double);
    double med = g[(n - 1) / 2], sum = 0;
    size_t in = 0;
    for (size_t i = 0; i < n - 1; i++)
        if (g[i] >= 0.5 * med && g[i] <= 1.5 * med) {
            sum += g[i];
            in++;
        }
    free(g);
    if (med <= 0 || med > 0.1 || (double)in < 0.5 * (double)(n - 1))
        return 0;
    *period = sum / (double)in;
    return (double)in >= 0.85 * (double)(n - 1) ? 2 : 1;
}

static int vo_cmp_frame_ptr(const void *a, const void *b)
{
    const sg17_can_frame *x = *(const sg17_can_frame *const *)a;
    const sg17_can_frame *y = *(const sg17_can_frame *const *)b;
    if (x->id != y->id)
        return x->id < y->id ? -1 : 1;
    return x < y ? -1 : x > y; /* capture order */
}

/** One identifier of the learning span that an attack can target. */
typedef struct {
    uint32_t id;
    uint8_t ext, dlc;
    int kind;            /* vo_periodic: 2 periodic, 1 periodic with lost frames */
    size_t n;            /* its frames in the learning span */
    double period;       /* mean of its in-band gaps, s */
    unsigned forge_byte; /* see the top of this file */
} vo_target;

/* The byte the forgeries complement: the first byte of the target that varied
 * in the learning span and does not count, else the first constant one, else 0. */
static inline unsigned vo_forge_byte(const sg17_can_frame *const *tf, size_t n)
{
    int constant_first = -1;
    for (unsigned b = 0; b < tf[0]->dlc && b < 8; b++) {
        int varied = 0;
        for (size_t i = 1; i < n && !varied; i++)
            varied = tf[i]->data[b] != tf[0]->data[b];
        if (!varied && constant_first < 0)
            constant_first = (int)b;
        else if (varied && !vo_counts(tf, n, b))
            return b;
    }
    return (unsigned)(constant_first >= 0 ? constant_first : 0);
}

/**
 * Every identifier of the learning span (learn s from t0 of pl) that is
 * periodic (kind 2) or periodic with lost frames (kind 1) and still sends at
 * or after pl->t_inject, in id order. *out is malloc'ed (free it). Returns 0
 * or SG17_E_NOMEM.
 */
static inline int vo_targets(const vo_capture *c, const vo_plan *pl, vo_target **out, size_t *nout)
{
    *out = NULL;
    *nout = 0;
    size_t nl = 0;
    while (nl < c->n && c->f[nl].t - pl->t0 < pl->learn)
        nl++;
    const sg17_can_frame **v = malloc((nl ? nl : 1) * sizeof *v);
    vo_target *t = malloc((nl ? nl : 1) * sizeof *t);
    if (!v || !t) {
        free(v);
        free(t);
        return SG17_E_NOMEM;
    }
    for (size_t i = 0; i < nl; i++)
        v[i] = &c->f[i];
    qsort(v, nl, sizeof *v, vo_cmp_frame_ptr);
    size_t nt = 0;
    for (size_t i = 0, j; i < nl; i = j) {
        for (j = i; j < nl && v[j]->id == v[i]->id; j++)
            ;
        double per = 0;
        int kind = vo_periodic(v + i, j - i, &per), sends_later = 0;
        for (size_t k = nl; k < c->n && !sends_later && kind; k++)
            sends_later =
                c->f[k].id == v[i]->id && c->f[k].ext == v[i]->ext && c->f[k].t >= pl->t_inject;
        if (!sends_later)
            continue;
        t[nt].id = v[i]->id;
        t[nt].ext = v[i]->ext;
        t[nt].dlc = v[i]->dlc;
        t[nt].kind = kind;
        t[nt].n = j - i;
        t[nt].period = per;
        t[nt].forge_byte = vo_forge_byte(v + i, j - i);
        nt++;
    }
    free(v);
    *out = t;
    *nout = nt;
    return 0;
}

/** Make `t` the plan's target. */
static inline void vo_plan_target(vo_plan *pl, const vo_target *t)
{
    pl->target = t->id;
    pl->target_ext = t->ext;
    pl->target_dlc = t->dlc;
    pl->target_learn = t->n;
    pl->period = t->period;
    pl->lossy = t->kind == 1;
    pl->forge_byte = t->forge_byte;
}

/**
 * Choose the target, its forged byte and an unused identifier. Returns 0,
 * SG17_E_STATE if the capture is shorter than learn + 5 s or holds no usable
 * periodic identifier, SG17_E_NOMEM.
 */
static inline int vo_plan_make(const vo_capture *c, const char *name, double learn, vo_plan *pl)
{
    memset(pl, 0, sizeof *pl);
    if (c->n < 2)
        return SG17_E_STATE;
    pl->t0 = c->f[0].t;
    pl->t_last = c->f[c->n - 1].t;
    pl->t_learn_end = pl->t0 + learn;
    pl->learn = learn;
    pl->t_inject = vo_us(pl->t0 + learn + 1.0);
    if (pl->t_last - pl->t0 < learn + 5.0) {
        pl->why = "shorter than the learning span + 5 s";
        return SG17_E_STATE;
    }
    vo_target *t;
    size_t nt, best = 0;
    if (vo_targets(c, pl, &t, &nt))
        return SG17_E_NOMEM;
    for (size_t i = 1; i < nt; i++) /* most periodic, then most frames, then lowest id */
        if (t[i].kind > t[best].kind || (t[i].kind == t[best].kind && t[i].n > t[best].n))
            best = i;
    if (nt == 0) {
        free(t);
        pl->why = "no identifier with >= 20 frames in the learning span, a median gap <= 100 "
                  "ms and >= 50 % of its gaps near it";
        return SG17_E_STATE;
    }
    vo_plan_target(pl, &t[best]);
    free(t);
    /* an 11-bit id the capture never uses */
    uint8_t used[0x800];
    memset(used, 0, sizeof used);
    for (size_t i = 0; i < c->n; i++)
        if (!c->f[i].ext && c->f[i].id < 0x800)
            used[c->f[i].id] = 1;
    uint64_t s = vo_seed(name, VO_ID_FUZZ);
    for (int tries = 0; tries < 100000; tries++) {
        uint32_t id = (uint32_t)(vo_rand(&s) & 0x7ff);
        if (!used[id]) {
            pl->unused_id = id;
            return 0;
        }
    }
    pl->why = "no unused 11-bit identifier";
    return SG17_E_STATE;
}

/** Variant "from the start" of a plan (see the top of this file). */
static inline void vo_plan_from_start(vo_plan *pl)
{
    pl->from_start = 1;
    pl->t_inject = vo_us(pl->t0 + 1.0);
}

static inline int vo_is_target(const vo_plan *pl, const sg17_can_frame *f)
{
    return f->id == pl->target && f->ext == pl->target_ext;
}

static inline void vo_fill_random(sg17_can_frame *f, uint64_t *s)
{
    uint64_t r = vo_rand(s);
    memset(f->data, 0, sizeof f->data);
    for (unsigned i = 0; i < f->dlc && i < 8; i++)
        f->data[i] = (uint8_t)(r >> (8 * i));
}

/* The attack's own frames, in time order (payloads of spoof_rate are filled
 * at merge time from the latest genuine frame). */
static inline int vo_injected(const vo_capture *c, const vo_plan *pl, int attack, uint64_t *s,
                              vo_capture *inj)
{
    sg17_can_frame f;
    memset(&f, 0, sizeof f);
    f.has_time = 1;
    snprintf(f.label, sizeof f.label, "%s", vo_attack_name[attack]);
    double ti = pl->t_inject, ta = ti, step = 0, span = 0, phase = 0;
    const sg17_can_frame *last = NULL, *anchor = NULL;
    size_t first_learned = c->n;
    for (size_t i = 0; i < c->n; i++)
        if (vo_is_target(pl, &c->f[i])) {
            if (first_learned == c->n)
                first_learned = i;
            if (c->f[i].t < ti)
                last = &c->f[i];
            else if (!anchor)
                anchor = &c->f[i];
        }
    if (!last || !anchor)
        return SG17_E_STATE;
    switch (attack) {
    case VO_DOS: step = 0.0003, span = 3; break;
    case VO_FUZZY: step = 0.0005, span = 3; break;
    case VO_ID_FUZZ:
    case VO_PAYLOAD_FUZZ:
    case VO_REPLAY_1HZ: step = 1.0, span = pl->t_last - ti + 1; break;
    case VO_SPOOF_FLOOD: step = 0.001, span = 3; break;
    case VO_REPLAY: ta = anchor->t, step = pl->period, span = 5, phase = 0.4; break;
    case VO_SPOOF_RATE: ta = anchor->t, step = pl->period, span = 5, phase = 0.5; break;
    default: return 0; /* masquerade: replaced at merge time */
    }
    size_t replay_at = first_learned;
    int windows = pl->from_start && attack != VO_ID_FUZZ && attack != VO_PAYLOAD_FUZZ &&
                  attack != VO_REPLAY_1HZ;
    for (uint64_t k = 0;; k++) {
        double t = ta + (phase + (double)k) * step;
        if (attack == VO_PAYLOAD_FUZZ || attack == VO_REPLAY_1HZ)
            t += vo_unit(s);
        t = vo_us(t);
        if (windows && t >= ta + span && t <= pl->t_last) { /* the next window */
            ta += VO_REPEAT;
            k = (uint64_t)-1;
            continue;
        }
        if (t >= ta + span || t > pl->t_last)
            break;
        f.t = t;
        f.dlc = 8;
        f.id = pl->target;
        f.ext = pl->target_ext;
        switch (attack) {
        case VO_DOS:
            f.id = 0, f.ext = 0;
            memset(f.data, 0, sizeof f.data);
            break;
        case VO_FUZZY:
            f.id = (uint32_t)(vo_rand(s) & 0x7ff), f.ext = 0;
            vo_fill_random(&f, s);
            break;
        case VO_ID_FUZZ:
            f.id = pl->unused_id, f.ext = 0;
            vo_fill_random(&f, s);
            break;
        case VO_PAYLOAD_FUZZ:
            f.dlc = pl->target_dlc;
            vo_fill_random(&f, s);
            break;
        case VO_SPOOF_FLOOD:
            f.dlc = last->dlc;
            memcpy(f.data, last->data, sizeof f.data);
            f.data[pl->forge_byte] ^= 0xff;
            break;
        case VO_REPLAY:
        case VO_REPLAY_1HZ:
            f.dlc = c->f[replay_at].dlc;
            memcpy(f.data, c->f[replay_at].data, sizeof f.data);
            /* the next frame of the target in the learning span (wraps) */
            do
                replay_at++;
            while (replay_at < c->n && c->f[replay_at].t < pl->t_learn_end &&
                   !vo_is_target(pl, &c->f[replay_at]));
            if (replay_at == c->n || c->f[replay_at].t >= pl->t_learn_end)
                replay_at = first_learned;
            break;
        default: f.dlc = pl->target_dlc; break; /* spoof_rate: filled later */
        }
        int e = vo_push(inj, &f);
        if (e)
            return e;
    }
    return 0;
}

/**
 * Build the attacked capture: the clean frames (unchanged, in order; for
 * masquerade the target's frames from t_inject on are replaced) merged by
 * time with the attack's frames (a genuine frame first at equal times).
 */
static inline int vo_overlay(const vo_capture *c, const vo_plan *pl, const char *name, int attack,
                             vo_capture *out)
{
    vo_capture inj = {NULL, 0, 0};
    uint64_t s = vo_seed(name, attack);
    memset(out, 0, sizeof *out);
    int e = vo_injected(c, pl, attack, &s, &inj);
    const sg17_can_frame *cur = NULL; /* latest genuine target frame */
    size_t i = 0, j = 0;
    while (!e && (i < c->n || j < inj.n)) {
        if (i < c->n && (j == inj.n || c->f[i].t <= inj.f[j].t)) {
            sg17_can_frame g = c->f[i++];
            if (vo_is_target(pl, &g)) {
                cur = &c->f[i - 1];
                if (attack == VO_MASQUERADE && g.t >= pl->t_inject) {
                    g.data[pl->forge_byte] ^= 0xff;
                    snprintf(g.label, sizeof g.label, "%s", vo_attack_name[attack]);
                }
            }
            e = vo_push(out, &g);
        } else {
            sg17_can_frame a = inj.f[j++];
            if (attack == VO_SPOOF_RATE && cur) {
                a.dlc = cur->dlc;
                memcpy(a.data, cur->data, sizeof a.data);
                a.data[pl->forge_byte] ^= 0xff;
            }
            e = vo_push(out, &a);
        }
    }
    vo_free(&inj);
    if (e)
        vo_free(out);
    return e;
}

/** Write a capture as interchange CSV. */
static inline int vo_write_csv(const vo_capture *c, const char *path)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return SG17_E_IO;
    sg17_vehicle_csv_header(f);
    for (size_t i = 0; i < c->n; i++)
        sg17_vehicle_csv_row(f, &c->f[i]);
    int bad = ferror(f);
    return (fclose(f) == 0 && !bad) ? 0 : SG17_E_IO;
}

static inline double vo_f1(const sg17_eval_counts *c)
{
    double p = c->tp + c->fp ? (double)c->tp / (double)(c->tp + c->fp) : 0;
    double r = c->tp + c->fn ? (double)c->tp / (double)(c->tp + c->fn) : 0;
    return p + r > 0 ? 2 * p * r / (p + r) : 0;
}

/** Online mode on one capture file: train on its first `learn` seconds, then
 * evaluate the rest (the engine's own sg17_vehicle_train / _eval). */
static inline int vo_score(const char *path, double learn, sg17_eval_result *res, char *err,
                           size_t errlen)
{
    sg17_can_profile *p = NULL;
    int e = sg17_vehicle_train(&path, 1, learn, &p, err, errlen);
    if (!e)
        e = sg17_vehicle_eval(p, path, learn, res, err, errlen);
    sg17_can_profile_free(p);
    return e;
}

#endif
