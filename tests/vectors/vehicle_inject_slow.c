/*
 * The X.1376 CAN engine, unchanged, on vehicles and attacks it never saw:
 * clean candump logs of 16 other cars (vectors/candump/eldominio_canbuslogs,
 * read in place) with standard attack patterns overlaid after a 10-s learning
 * span by bench/vehicle_overlay.h (the generator bench/vehicle_inject shares),
 * scored in online mode (sg17_vehicle_train + sg17_vehicle_eval, learn 10 s).
 *
 * The injected frames are OUR generated data: this measures robustness, not
 * detection against external ground truth. Generated captures go to a
 * temporary directory and are deleted.
 *
 * Two kinds of assertions:
 *  - checks of the overlay itself (genuine frames untouched and in order,
 *    injection only after learn + 1 s, every label read back, the CSV route
 *    scoring the clean log exactly as the log itself): these must hold;
 *  - the GOALS, asserted as real checks, per car and attack:
 *    F1 >= 0.99 for dos, fuzzy, id_fuzz and payload_fuzz (DoS / fuzzing) and
 *    F1 >= 0.95 for spoof_flood, replay and spoof_rate (replay / spoofing).
 *    masquerade (suppression + forged frames at the genuine times) has no
 *    goal in the issue: its F1 is printed, not asserted. Nor are the goals
 *    of the attacks on the target identifier where the overlay had to take a
 *    `lossy` target (the Genesis log lost 30-50 % of every identifier's
 *    frames; injected frames are never lost, so such a capture is no
 *    faithful bus): printed, with the reason.
 *    A goal missed here is a finding about the engine, reported to the lead;
 *    the thresholds are not to be lowered to make this pass.
 * And the overlay's variant "from the start" (attacks from 1 s on, in the
 * learning span too, windows repeated): the goals of dos, fuzzy, id_fuzz
 * and spoof_flood asserted alike (the training rules of docs/VEHICLE.md
 * section 2, "a learning span that may hold attacks": id_fuzz's random
 * payloads keep its identifier out of a provisional profile); the others
 * printed: payload_fuzz misses on the Acura TSX (0.95: a random payload
 * inside a run of frames its logger lost is, by timing, the sender's frame,
 * and is learned); a second stream at the sender's rate for half the span
 * (replay, spoof_rate) is the vehicle's traffic as far as any learning can
 * tell.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../bench/vehicle_overlay.h"
#include "tap.h"

#define LEARN_S 10.0

static const double goal_f1[VO_N_ATTACKS] = {0.99, 0.99, 0.99, 0.99, 0.95, 0.95, 0.95, -1};

/* The overlay keeps the genuine frames and labels only what it injected. */
static void check_overlay(const vo_capture *clean, const vo_plan *pl, int a, const vo_capture *out,
                          const char *car)
{
    size_t i = 0, labelled = 0, bad_order = 0, early = 0, bad_label = 0, changed = 0;
    for (size_t k = 0; k < out->n; k++) {
        const sg17_can_frame *f = &out->f[k];
        if (k && f->t < out->f[k - 1].t)
            bad_order++;
        if (f->label[0]) {
            labelled++;
            early += f->t < pl->t_inject;
            bad_label += strcmp(f->label, vo_attack_name[a]) != 0;
            if (a == VO_MASQUERADE) { /* the genuine frame, forged byte complemented */
                if (i >= clean->n) {
                    changed++;
                    continue;
                }
                sg17_can_frame g = clean->f[i++];
                g.data[pl->forge_byte] ^= 0xff;
                memcpy(g.label, f->label, sizeof g.label);
                changed += memcmp(&g, f, sizeof g) != 0;
            }
            continue;
        }
        changed += i >= clean->n || memcmp(&clean->f[i], f, sizeof *f) != 0;
        i++;
    }
    tap_ok(bad_order == 0 && early == 0 && bad_label == 0 && changed == 0 && i == clean->n &&
               labelled > 0,
           "%s %s: %zu frames injected from t0+%.0f s, genuine frames untouched and in order "
           "(order %zu, early %zu, label %zu, changed %zu, genuine %zu/%zu)",
           car, vo_attack_name[a], labelled, pl->t_inject - pl->t0, bad_order, early, bad_label,
           changed, i, clean->n);
}

static int score_capture(const vo_capture *c, const char *path, sg17_eval_result *res)
{
    char err[512] = "";
    int e = vo_write_csv(c, path);
    if (!e)
        e = vo_score(path, LEARN_S, res, err, sizeof err);
    remove(path);
    if (e)
        tap_diag("%s: %s %s", path, sg17_strerror(e), err);
    return e;
}

static int run_car(size_t ci, const char *tmp, size_t *fails)
{
    const char *car = vo_cars[ci].car, *path = tap_vector_path(vo_cars[ci].rel);
    char csv[1200], err[512] = "";
    vo_capture clean;
    vo_plan pl;
    if (vo_load(path, &clean, err, sizeof err) != 0) {
        tap_ok(0, "%s: read (%s)", car, err);
        return 0;
    }
    if (vo_plan_make(&clean, vo_cars[ci].rel, LEARN_S, &pl) != 0) {
        tap_diag("%s: skipped: %s", car, pl.why ? pl.why : "out of memory");
        vo_free(&clean);
        return 0;
    }
    tap_diag("%s: target 0x%03X%s period %.2f ms, forged byte %u, unused id 0x%03X", car,
             (unsigned)pl.target, pl.lossy ? " (lossy)" : "", pl.period * 1e3, pl.forge_byte,
             (unsigned)pl.unused_id);
    /* baseline: the log itself, and the same frames through the CSV route */
    sg17_eval_result base, rt;
    int base_e = vo_score(path, LEARN_S, &base, err, sizeof err);
    tap_ok(base_e == 0, "%s: clean log scored (%s)", car, err);
    snprintf(csv, sizeof csv, "%s/%zu_clean.csv", tmp, ci);
    memset(&rt, 0, sizeof rt);
    int rt_e = score_capture(&clean, csv, &rt);
    tap_ok(rt_e == 0 && rt.all.frames == base.all.frames && rt.all.fp == base.all.fp &&
               rt.alarms == base.alarms && rt.all.attack_frames == 0,
           "%s: clean log and its CSV rendering score alike (frames %llu/%llu, fp %llu/%llu, "
           "alarms %llu/%llu)",
           car, (unsigned long long)rt.all.frames, (unsigned long long)base.all.frames,
           (unsigned long long)rt.all.fp, (unsigned long long)base.all.fp,
           (unsigned long long)rt.alarms, (unsigned long long)base.alarms);
    tap_diag("%s: clean baseline: %llu frames scored, %llu fp frames, %llu false alarms", car,
             (unsigned long long)base.all.frames, (unsigned long long)base.all.fp,
             (unsigned long long)base.false_alarms);
    vo_plan pl_start = pl;
    vo_plan_from_start(&pl_start);
    for (int k = 0; k < 2 * VO_N_ATTACKS; k++) {
        int a = k % VO_N_ATTACKS, start = k >= VO_N_ATTACKS;
        const vo_plan *pp = start ? &pl_start : &pl;
        const char *var = start ? " (from the start)" : "";
        vo_capture att;
        sg17_eval_result r;
        if (start && a == VO_MASQUERADE)
            continue;
        if (vo_overlay(&clean, pp, vo_cars[ci].rel, a, &att) != 0) {
            tap_ok(0, "%s %s: overlay built", car, vo_attack_name[a]);
            continue;
        }
        check_overlay(&clean, pp, a, &att, car);
        size_t labelled = 0; /* scored: after the learning span */
        for (size_t j = 0; j < att.n; j++)
            labelled += att.f[j].label[0] != 0 && att.f[j].t >= pp->t0 + LEARN_S;
        snprintf(csv, sizeof csv, "%s/%zu_%s%s.csv", tmp, ci, vo_attack_name[a],
                 start ? "_start" : "");
        int e = score_capture(&att, csv, &r);
        vo_free(&att);
        tap_ok(e == 0 && r.all.attack_frames == labelled && r.n_labels == 1,
               "%s %s%s: scored, all %zu attack frames read back", car, vo_attack_name[a], var,
               labelled);
        if (e)
            continue;
        double f1 = vo_f1(&r.all);
        tap_diag("%s %s%s: attack %llu tp %llu fp %llu (clean %llu) fn %llu F1 %.4f", car,
                 vo_attack_name[a], var, (unsigned long long)r.all.attack_frames,
                 (unsigned long long)r.all.tp, (unsigned long long)r.all.fp,
                 (unsigned long long)base.all.fp, (unsigned long long)r.all.fn, f1);
        int on_target = a == VO_PAYLOAD_FUZZ || a >= VO_SPOOF_FLOOD;
        if (start && a != VO_DOS && a != VO_FUZZY && a != VO_ID_FUZZ && a != VO_SPOOF_FLOOD)
            continue; /* printed only (see the top of this file) */
        if (goal_f1[a] > 0 && pl.lossy && on_target) {
            tap_diag("%s %s%s: goal F1 >= %.2f NOT asserted: the log lost frames of the target "
                     "(fewer than 85 %% of its gaps near its period), the overlay cannot lose "
                     "injected frames alike",
                     car, vo_attack_name[a], var, goal_f1[a]);
        } else if (goal_f1[a] > 0) {
            /* GOAL of the issue (not a measured property of the engine) */
            if (!tap_ok(f1 >= goal_f1[a], "GOAL %s %s%s: F1 %.4f >= %.2f", car, vo_attack_name[a],
                        var, f1, goal_f1[a]))
                (*fails)++;
        }
    }
    vo_free(&clean);
    return 1;
}

int main(void)
{
    if (!tap_vectors_dir())
        tap_skip_all("vectors directory not found (set SG17_VECTORS)");
    const char *td = getenv("TMPDIR");
    char tmp[1024];
    int n = snprintf(tmp, sizeof tmp, "%s/sg17_inject.XXXXXX", td && *td ? td : "/tmp");
    if (n < 0 || (size_t)n >= sizeof tmp || !mkdtemp(tmp))
        tap_skip_all("cannot make a temporary directory under %s", td && *td ? td : "/tmp");
    size_t scored = 0, fails = 0;
    for (size_t i = 0; i < VO_N_CARS; i++)
        scored += (size_t)run_car(i, tmp, &fails);
    rmdir(tmp);
    /* 8 of the 16 logs are long enough for learn 10 s + 5 s and have a
     * usable periodic identifier (the Civic Type R log sends nothing from
     * 1 s to 10 s); fewer means the vectors or the overlay changed. */
    tap_ok(scored >= 8, "%zu cars scored (>= 8)", scored);
    tap_diag("%zu goal assertions missed (see GOAL lines)", fails);
    return tap_done();
}
