/*
 * Training over capture files and frame-level evaluation against a
 * capture's labels (X.1376 "detection", scored as in docs/DETECTION.md).
 *
 * Evaluation keeps a ring of the last RING frame verdicts: the timing model
 * may flag a frame after a later frame arrived (within one period), so each
 * frame is counted when it leaves the ring. Memory is bounded.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sg17/vehicle.h"

#define RING (1u << 16)
/* Alarm episodes: flagged frames less than ALARM_GAP seconds apart (any
 * identifier, any detector) are one alarm; an alarm with no attack frame
 * among its flagged frames is a false alarm. */
#define ALARM_GAP 5.0

static void errf(char *err, size_t errlen, const char *msg, const char *path, int e)
{
    if (err && errlen)
        snprintf(err, errlen, "%s%s%s", msg && *msg ? msg : path, msg && *msg ? "" : ": ",
                 msg && *msg ? "" : sg17_strerror(e));
}

static int train_pass(sg17_can_profile *p, const char *path, double learn_seconds, char *err,
                      size_t errlen)
{
    sg17_can_reader *r;
    int e = sg17_vehicle_open(path, &r);
    if (e) {
        errf(err, errlen, r ? sg17_vehicle_error(r) : "", path, e);
        sg17_vehicle_close(r);
        return e;
    }
    if (sg17_vehicle_is_stream(r)) {
        snprintf(err, errlen, "%s: training reads a capture twice: give a file, not a stream",
                 path);
        sg17_vehicle_close(r);
        return SG17_E_UNSUPPORTED;
    }
    sg17_can_frame f;
    double t0 = 0;
    int first = 1;
    while ((e = sg17_vehicle_next(r, &f)) == 1) {
        if (learn_seconds > 0) {
            if (!f.has_time) {
                snprintf(err, errlen, "%s: --learn-seconds needs timestamps", path);
                sg17_vehicle_close(r);
                return SG17_E_FORMAT;
            }
            if (first)
                t0 = f.t;
            if (f.t - t0 >= learn_seconds)
                break;
        }
        first = 0;
        e = sg17_can_profile_add(p, &f);
        if (e) {
            snprintf(err, errlen, "%s: training failed: %s", path, sg17_strerror(e));
            sg17_vehicle_close(r);
            return e;
        }
    }
    if (e < 0) {
        errf(err, errlen, sg17_vehicle_error(r), path, e);
        sg17_vehicle_close(r);
        return e;
    }
    sg17_vehicle_close(r);
    return 0;
}

int sg17_vehicle_train(const char *const *paths, size_t n, double learn_seconds,
                       sg17_can_profile **out, char *err, size_t errlen)
{
    if (!paths || !n || !out)
        return SG17_E_INVAL;
    *out = NULL;
    sg17_can_profile *p;
    int e = sg17_can_profile_new(&p);
    if (e)
        return e;
    for (size_t i = 0; i < n && !e; i++)
        e = train_pass(p, paths[i], learn_seconds, err, errlen);
    if (!e) {
        e = sg17_can_profile_next_pass(p);
        if (e)
            snprintf(err, errlen, "training: no frames");
    }
    for (size_t i = 0; i < n && !e; i++)
        e = train_pass(p, paths[i], learn_seconds, err, errlen);
    if (!e)
        e = sg17_can_profile_finish(p);
    if (e) {
        sg17_can_profile_free(p);
        return e;
    }
    *out = p;
    return 0;
}

typedef struct {
    double t;
    uint8_t label; /* 0 = normal, else by_label index + 1 */
    uint8_t flagged;
} verdict;

typedef struct {
    int open, attack;
    double last;
} episode;

static void episode_close(sg17_eval_result *res, episode *ep)
{
    if (!ep->open)
        return;
    res->alarms++;
    if (!ep->attack)
        res->false_alarms++;
    ep->open = 0;
}

static void count(sg17_eval_result *res, episode *ep, verdict v)
{
    if (v.flagged) {
        if (ep->open && v.t - ep->last > ALARM_GAP)
            episode_close(res, ep);
        if (!ep->open) {
            ep->open = 1;
            ep->attack = 0;
        }
        ep->last = v.t;
        if (v.label)
            ep->attack = 1;
    }
    sg17_eval_counts *c[2] = {&res->all, v.label ? &res->by_label[v.label - 1] : NULL};
    for (int i = 0; i < 2; i++) {
        if (!c[i])
            continue;
        c[i]->frames++;
        if (v.label) {
            c[i]->attack_frames++;
            if (v.flagged)
                c[i]->tp++;
            else
                c[i]->fn++;
        } else if (v.flagged) {
            c[i]->fp++;
        }
    }
}

/* Mark the frames the alerts flag (frames [0, seen) were given to the
 * detector); t_now is the time of the frame whose arrival decided. */
static void take_alerts(sg17_eval_result *res, verdict *ring, uint64_t seen,
                        const sg17_can_alert *al, size_t na, double t_now)
{
    for (size_t k = 0; k < na; k++) {
        if (!al[k].flags_frame) {
            res->window_alerts++;
            continue;
        }
        if (al[k].seq >= seen || seen - 1 - al[k].seq >= RING)
            continue; /* already counted */
        verdict *v = &ring[al[k].seq % RING];
        if (v->flagged)
            continue;
        v->flagged = 1;
        if (v->label) {
            sg17_eval_counts *c[2] = {&res->all, &res->by_label[v->label - 1]};
            for (int m = 0; m < 2; m++)
                if (!c[m]->has_first_tp) {
                    c[m]->has_first_tp = 1;
                    c[m]->first_tp_t = t_now;
                }
        }
    }
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

int sg17_vehicle_eval(const sg17_can_profile *p, const char *capture, double learn_seconds,
                      sg17_eval_result *res, char *err, size_t errlen)
{
    if (!p || !capture || !res)
        return SG17_E_INVAL;
    memset(res, 0, sizeof *res);
    sg17_can_detector *d;
    int e = sg17_can_detector_new(p, &d);
    if (e)
        return e;
    verdict *ring = calloc(RING, sizeof *ring);
    sg17_can_reader *r = NULL;
    if (!ring) {
        sg17_can_detector_free(d);
        return SG17_E_NOMEM;
    }
    double t_start = now_s();
    e = sg17_vehicle_open(capture, &r);
    if (e) {
        errf(err, errlen, r ? sg17_vehicle_error(r) : "", capture, e);
        goto out;
    }
    sg17_can_frame f;
    sg17_can_alert al[SG17_CAN_MAX_ALERTS];
    uint64_t seq = 0;
    episode ep = {0, 0, 0};
    double t0 = 0, tfirst = 0, tlast = 0;
    int first = 1, scored_first = 1;
    res->has_time = 1;
    while ((e = sg17_vehicle_next(r, &f)) == 1) {
        if (first) {
            t0 = f.has_time ? f.t : 0;
            first = 0;
        }
        if (!f.has_time)
            res->has_time = 0;
        if (learn_seconds > 0 && f.has_time && f.t - t0 < learn_seconds)
            continue;
        if (f.has_time) {
            if (scored_first)
                tfirst = f.t;
            tlast = f.t;
        }
        scored_first = 0;
        uint8_t lab = 0;
        if (f.label[0]) {
            size_t i;
            for (i = 0; i < res->n_labels; i++)
                if (strcmp(res->by_label[i].label, f.label) == 0)
                    break;
            if (i == res->n_labels && res->n_labels < SG17_EVAL_MAX_LABELS) {
                snprintf(res->by_label[i].label, sizeof res->by_label[i].label, "%s", f.label);
                res->n_labels++;
            }
            if (i == SG17_EVAL_MAX_LABELS)
                i = SG17_EVAL_MAX_LABELS - 1; /* further labels merge into the last */
            lab = (uint8_t)(i + 1);
            sg17_eval_counts *c[2] = {&res->all, &res->by_label[i]};
            for (int k = 0; k < 2; k++)
                if (!c[k]->has_first_attack) {
                    c[k]->has_first_attack = 1;
                    c[k]->first_attack_t = f.has_time ? f.t : 0;
                }
        }
        if (seq >= RING)
            count(res, &ep, ring[seq % RING]);
        ring[seq % RING].label = lab;
        ring[seq % RING].flagged = 0;
        ring[seq % RING].t = f.has_time ? f.t : 0;
        size_t na;
        sg17_can_detector_feed(d, &f, seq, al, &na);
        take_alerts(res, ring, seq + 1, al, na, f.has_time ? f.t : 0);
        seq++;
    }
    if (e < 0) {
        errf(err, errlen, sg17_vehicle_error(r), capture, e);
        goto out;
    }
    e = 0;
    for (;;) { /* identifiers still in probation at the end of the capture */
        size_t na;
        sg17_can_detector_flush(d, al, &na);
        if (!na)
            break;
        take_alerts(res, ring, seq, al, na, tlast);
    }
    for (uint64_t s = seq > RING ? seq - RING : 0; s < seq; s++)
        count(res, &ep, ring[s % RING]);
    episode_close(res, &ep);
    res->duration_s = res->has_time ? tlast - tfirst : 0;
    snprintf(res->all.label, sizeof res->all.label, "all");
out:
    res->seconds_cpu = now_s() - t_start;
    sg17_vehicle_close(r);
    sg17_can_detector_free(d);
    free(ring);
    return e;
}
