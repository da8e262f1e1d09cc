/*
 * X.1376 CAN detector on vehicles it never saw, with attacks it never saw:
 *   vehicle_inject [--from-start] VECTORS_DIR [LEARN_SECONDS]
 * For each car of vectors/candump/eldominio_canbuslogs (clean candump logs of
 * 16 cars, read in place), overlays each attack of bench/vehicle_overlay.h on
 * the real traffic after the learning span (default 10 s) and scores the
 * unchanged engine in online mode (sg17_vehicle_train + sg17_vehicle_eval with
 * the same learn span, i.e. `sg17 vehicle eval --learn-seconds N`).
 * With --from-start the attacks begin 1 s into the capture, in the learning
 * span, and their windows repeat (the overlay's variant "from the start"):
 * online learning from a span that already holds the attack.
 * Baseline, measured in the same run: the same engine on the un-injected log
 * of the same car (its false positives and false alarms).
 * The injected frames are OUR generated data (seeded PRNG): the figures
 * measure robustness, not detection on external ground truth. Generated
 * captures are written to a temporary directory and deleted (kept, for
 * `sg17 vehicle detect --learn-seconds N`, in a new directory under
 * $VEHICLE_INJECT_KEEP if that is set: never put it inside the repository).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench_util.h"
#include "sg17/vehicle.h"
#include "vehicle_overlay.h"

typedef struct {
    const char *car;
    int skipped;
    vo_plan pl;
    sg17_eval_result clean;
    sg17_eval_result att[VO_N_ATTACKS];
    int ok[VO_N_ATTACKS];
} car_run;

static void row(const car_run *r, int a)
{
    const sg17_eval_counts *c = &r->att[a].all;
    char lat[32] = "-";
    if (c->has_first_tp && c->has_first_attack)
        snprintf(lat, sizeof lat, "%.4f", c->first_tp_t - c->first_attack_t);
    printf("| %s | %s | %llu | %llu | %llu | %llu | %+lld | %llu | %.4f | %s | %llu |\n", r->car,
           vo_attack_name[a], (unsigned long long)c->frames, (unsigned long long)c->attack_frames,
           (unsigned long long)c->tp, (unsigned long long)c->fp,
           (long long)c->fp - (long long)r->clean.all.fp, (unsigned long long)c->fn, vo_f1(c), lat,
           (unsigned long long)r->att[a].false_alarms);
}

static int from_start;

static int run_car(const char *vdir, const char *tmp, double learn, size_t ci, car_run *r)
{
    char path[4096], csv[1200], err[512] = "";
    vo_capture clean;
    memset(r, 0, sizeof *r);
    r->car = vo_cars[ci].car;
    snprintf(path, sizeof path, "%s/%s", vdir, vo_cars[ci].rel);
    if (access(path, R_OK) != 0) {
        printf("skipped: %s (%s): not found under %s\n", r->car, vo_cars[ci].rel, vdir);
        r->skipped = 1;
        return 0;
    }
    if (vo_load(path, &clean, err, sizeof err) != 0) {
        fprintf(stderr, "vehicle_inject: %s\n", err);
        return 1;
    }
    int e = vo_plan_make(&clean, vo_cars[ci].rel, learn, &r->pl);
    if (e == SG17_E_STATE) {
        double dur = clean.n ? clean.f[clean.n - 1].t - clean.f[0].t : 0;
        printf("skipped: %s (%s, %.1f s): %s\n", r->car, vo_cars[ci].rel, dur, r->pl.why);
        r->skipped = 1;
        vo_free(&clean);
        return 0;
    }
    if (from_start)
        vo_plan_from_start(&r->pl);
    if (e == 0)
        e = vo_score(path, learn, &r->clean, err, sizeof err);
    for (int a = 0; a < VO_N_ATTACKS && e == 0; a++) {
        vo_capture att;
        if (from_start && a == VO_MASQUERADE)
            continue;
        snprintf(csv, sizeof csv, "%s/%zu_%s.csv", tmp, ci, vo_attack_name[a]);
        e = vo_overlay(&clean, &r->pl, vo_cars[ci].rel, a, &att);
        if (e == 0)
            e = vo_write_csv(&att, csv);
        vo_free(&att);
        if (e == 0)
            e = vo_score(csv, learn, &r->att[a], err, sizeof err);
        if (!getenv("VEHICLE_INJECT_KEEP"))
            remove(csv);
        r->ok[a] = e == 0;
    }
    vo_free(&clean);
    if (e) {
        fprintf(stderr, "vehicle_inject: %s: %s %s\n", r->car, sg17_strerror(e), err);
        return 1;
    }
    return 0;
}

static void summary(const car_run *runs, size_t n)
{
    unsigned long long bfp = 0, bfa = 0, bframes = 0;
    size_t bcars = 0;
    for (size_t i = 0; i < n; i++)
        if (!runs[i].skipped) {
            bcars++;
            bframes += runs[i].clean.all.frames;
            bfp += runs[i].clean.all.fp;
            bfa += runs[i].clean.false_alarms;
        }
    printf("\nBaseline (un-injected logs, same run): %zu cars, %llu frames scored, %llu "
           "false-positive frames, %llu false alarms.\n",
           bcars, bframes, bfp, bfa);
    printf("\n### Summary per attack (over the cars scored)\n\n");
    printf(
        "| attack | cars | attack frames | tp | fn | fp | fp over clean | mean F1 | min F1 "
        "| worst car | max latency s |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|\n");
    for (int a = 0; a < VO_N_ATTACKS; a++) {
        unsigned long long att = 0, tp = 0, fn = 0, fp = 0;
        long long extra = 0;
        double sum = 0, min = 2, maxlat = 0;
        const char *worst = "-";
        int worst_lossy = 0;
        size_t cars = 0;
        for (size_t i = 0; i < n; i++) {
            if (runs[i].skipped || !runs[i].ok[a])
                continue;
            const sg17_eval_counts *c = &runs[i].att[a].all;
            double f = vo_f1(c);
            cars++;
            att += c->attack_frames, tp += c->tp, fn += c->fn, fp += c->fp;
            extra += (long long)c->fp - (long long)runs[i].clean.all.fp;
            sum += f;
            if (f < min) {
                min = f, worst = runs[i].car;
                worst_lossy = runs[i].pl.lossy && (a == VO_PAYLOAD_FUZZ || a >= VO_SPOOF_FLOOD);
            }
            if (c->has_first_tp && c->first_tp_t - c->first_attack_t > maxlat)
                maxlat = c->first_tp_t - c->first_attack_t;
        }
        if (!cars)
            continue;
        printf("| %s | %zu | %llu | %llu | %llu | %llu | %+lld | %.4f | %.4f | %s%s | %.4f |\n",
               vo_attack_name[a], cars, att, tp, fn, fp, extra, sum / (double)cars, min, worst,
               worst_lossy ? " (lossy target)" : "", maxlat);
    }
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "--from-start") == 0) {
        from_start = 1;
        argv++;
        argc--;
    }
    if (argc < 2 || argc > 3) {
        fprintf(stderr, "usage: vehicle_inject [--from-start] VECTORS_DIR [LEARN_SECONDS]\n");
        return 2;
    }
    double learn = 10;
    if (argc == 3) {
        char *end;
        learn = strtod(argv[2], &end);
        if (*end || !(learn > 0 && learn <= 3600)) {
            fprintf(stderr, "vehicle_inject: LEARN_SECONDS must be in (0, 3600]\n");
            return 2;
        }
    }
    const char *keep = getenv("VEHICLE_INJECT_KEEP"), *td = getenv("TMPDIR");
    char tmp[1024];
    int tn = snprintf(tmp, sizeof tmp, "%s/vehicle_inject.XXXXXX",
                      keep && *keep ? keep
                      : td && *td   ? td
                                    : "/tmp");
    if (tn < 0 || (size_t)tn >= sizeof tmp) {
        fprintf(stderr, "vehicle_inject: TMPDIR too long\n");
        return 1;
    }
    if (!mkdtemp(tmp)) {
        perror("vehicle_inject: mkdtemp");
        return 1;
    }
    car_run *runs = calloc(VO_N_CARS, sizeof *runs);
    if (!runs)
        return 1;
    double t_start = bench_now_s();
    printf("## Attack overlay on clean traffic of %zu cars (online, learn %.1f s%s)\n\n",
           (size_t)VO_N_CARS, learn,
           from_start ? "; attacks from 1 s on, in the learning span too, windows repeated "
                        "every 10 s"
                      : "");
    printf("Injected frames are generated by bench/vehicle_overlay.h (seeded PRNG) on real clean "
           "logs read in place from %s: a robustness measurement, not external truth.\n\n",
           argv[1]);
    int rc = 0;
    for (size_t i = 0; i < VO_N_CARS && !rc; i++)
        rc = run_car(argv[1], tmp, learn, i, &runs[i]);
    if (keep && *keep)
        fprintf(stderr, "vehicle_inject: generated captures kept in %s\n", tmp);
    else
        rmdir(tmp);
    if (rc) {
        free(runs);
        return 1;
    }
    printf(
        "\n### Choices per car\n\n| car | capture | frames | s | target id | period ms | "
        "learned frames | forged byte | unused id |\n|---|---|---:|---:|---|---:|---:|---:|---|\n");
    for (size_t i = 0; i < VO_N_CARS; i++) {
        const car_run *r = &runs[i];
        if (r->skipped)
            continue;
        printf("| %s | %s | %llu | %.1f | 0x%03X%s | %.2f | %zu | %u | 0x%03X |\n", r->car,
               vo_cars[i].rel, (unsigned long long)r->clean.all.frames, r->pl.t_last - r->pl.t0,
               (unsigned)r->pl.target, r->pl.lossy ? " (lossy)" : "", r->pl.period * 1e3,
               r->pl.target_learn, r->pl.forge_byte, (unsigned)r->pl.unused_id);
    }
    printf(
        "\n### Baseline: the un-injected log of each car (same engine, same learn span)\n\n"
        "| car | frames scored | fp frames | alarms | false alarms |\n|---|---:|---:|---:|---:|\n");
    for (size_t i = 0; i < VO_N_CARS; i++)
        if (!runs[i].skipped)
            printf("| %s | %llu | %llu | %llu | %llu |\n", runs[i].car,
                   (unsigned long long)runs[i].clean.all.frames,
                   (unsigned long long)runs[i].clean.all.fp,
                   (unsigned long long)runs[i].clean.alarms,
                   (unsigned long long)runs[i].clean.false_alarms);
    printf("\n### Per car and attack (fp over clean = fp minus the baseline's fp)\n\n"
           "| car | attack | frames | attack | tp | fp | fp over clean | fn | F1 | latency s | "
           "false alarms |\n|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for (size_t i = 0; i < VO_N_CARS; i++)
        for (int a = 0; a < VO_N_ATTACKS; a++)
            if (!runs[i].skipped && runs[i].ok[a])
                row(&runs[i], a);
    summary(runs, VO_N_CARS);
    printf("\n(%.1f s wall clock)\n", bench_now_s() - t_start);
    free(runs);
    return 0;
}
