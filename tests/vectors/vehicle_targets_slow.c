/*
 * Regression guard for the X.1376 CAN engine on every periodic identifier as
 * the target: runs bench/vehicle_targets (built beside $SG17_BIN) in both of
 * its modes - online (learn the first 10 s of the attacked capture) and
 * --clean-profile (a profile of the whole un-injected capture) - over the
 * clean captures of ../shared/vectors (read in place), and asserts, per
 * attack, that all 172 targets were scored and that at least as many of them
 * meet the goal as in the figures of docs/DETECTION.md (floors raised
 * 2026-11-28 to the counts of that day's stop 25).
 *
 * These floors are NOT the goal: the issue asks every target to meet it
 * (F1 >= 0.99 payload fuzzing, >= 0.95 replay and spoofing), and
 * docs/DETECTION.md lists the targets below it and why. They record how far
 * the engine got, so that a change that loses a target is seen; raise them
 * when the engine gains, never lower them to make a change pass. The attacks
 * are our overlay's (bench/vehicle_overlay.h, seeded PRNG): robustness, not
 * external truth.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tap.h"

#define TARGETS 172

struct floor {
    const char *attack;
    int online, clean; /* targets meeting the goal: online 10 s, whole-capture profile */
};

static const struct floor floors[] = {
    {"payload_fuzz", 172, 172}, {"replay_1hz", 159, 157}, {"spoof_flood", 172, 172},
    {"replay", 171, 170},       {"spoof_rate", 172, 172},
};
#define N_FLOORS (sizeof floors / sizeof floors[0])

/* Run the sweep; parse its "Summary per attack (every capture)" table. */
static void run_mode(const char *bin, const char *vec, int clean)
{
    char cmd[4096];
    int n = snprintf(cmd, sizeof cmd, "'%s' --brief %s '%s' 10", bin,
                     clean ? "--clean-profile" : "", vec);
    if (n < 0 || (size_t)n >= sizeof cmd || strchr(vec, '\'') || strchr(bin, '\'')) {
        tap_ok(0, "command line for %s", bin);
        return;
    }
    FILE *p = popen(cmd, "r");
    if (!p) {
        tap_ok(0, "ran %s", cmd);
        return;
    }
    char line[1024];
    int in_summary = 0, seen[N_FLOORS] = {0};
    while (fgets(line, sizeof line, p)) {
        if (strncmp(line, "### Summary per attack (every capture)", 38) == 0)
            in_summary = 1;
        if (!in_summary || line[0] != '|')
            continue;
        char name[64];
        int targets, met;
        if (sscanf(line, "| %63s | %d | %d |", name, &targets, &met) != 3)
            continue;
        for (size_t i = 0; i < N_FLOORS; i++)
            if (strcmp(name, floors[i].attack) == 0) {
                int fl = clean ? floors[i].clean : floors[i].online;
                seen[i] = 1;
                tap_ok(targets == TARGETS && met >= fl,
                       "%s, %s: %d of %d targets meet the goal (floor %d)",
                       clean ? "whole-capture profile" : "online 10 s", name, met, targets, fl);
            }
    }
    int rc = pclose(p);
    tap_ok(rc == 0, "%s: the sweep exited with 0 (%d)", clean ? "--clean-profile" : "online", rc);
    for (size_t i = 0; i < N_FLOORS; i++)
        if (!seen[i])
            tap_ok(0, "%s: a summary row for %s", clean ? "--clean-profile" : "online",
                   floors[i].attack);
}

int main(void)
{
    const char *vec = tap_vectors_dir();
    if (!vec)
        tap_skip_all("vectors directory not found (set SG17_VECTORS)");
    const char *sg = getenv("SG17_BIN");
    if (!sg || !*sg)
        tap_skip_all("SG17_BIN not set: cannot find the build's bench/vehicle_targets");
    char bin[2048];
    const char *slash = strrchr(sg, '/');
    int n = snprintf(bin, sizeof bin, "%.*s/vehicle_targets", slash ? (int)(slash - sg) : 1,
                     slash ? sg : ".");
    if (n < 0 || (size_t)n >= sizeof bin || access(bin, X_OK) != 0)
        tap_skip_all("%s not built", bin);
    run_mode(bin, vec, 0);
    run_mode(bin, vec, 1);
    return tap_done();
}
