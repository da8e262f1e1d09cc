/* V2X checks at the ETSI TS 103 759 thresholds: just below passes, just above
 * raises the observation with the standard's (tgtId, obsId). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sg17/v2x.h"
#include "tap.h"

static size_t run(sg17_v2x_checker *c, const char *json, sg17_v2x_obs *o)
{
    sg17_v2x_msg m;
    char err[200] = "";
    int e = sg17_v2x_parse(json, strlen(json), &m, err, sizeof err);
    if (e) {
        tap_diag("parse failed: %s (%s)", err, json);
        return 99;
    }
    return sg17_v2x_check(c, &m, o);
}

static int has(const sg17_v2x_obs *o, size_t n, const char *name, int tgt, int obs)
{
    for (size_t i = 0; i < n && i < SG17_V2X_MAX_OBS; i++)
        if (strcmp(o[i].name, name) == 0 && o[i].tgt == tgt && o[i].obs == obs)
            return 1;
    return 0;
}

static sg17_v2x_checker *fresh(void)
{
    sg17_v2x_checker *c = NULL;
    if (sg17_v2x_checker_new(&c) != 0) {
        fprintf(stderr, "checker_new failed\n");
        exit(1);
    }
    return c;
}

int main(void)
{
    sg17_v2x_obs o[SG17_V2X_MAX_OBS];
    sg17_v2x_checker *c = fresh();
    size_t n;

    /* Speed-ValueTooLarge-VehicleType: passenger car 140 m/s (14 000 cm/s) */
    n = run(c,
            "{\"t\":1,\"station\":\"a\",\"station_type\":5,\"x\":0,\"y\":0,\"vx\":139.9,\"vy\":0}",
            o);
    tap_ok(n == 0, "car at 139.9 m/s: no observation (%zu)", n);
    n = run(
        c, "{\"t\":1,\"station\":\"b\",\"station_type\":5,\"x\":500,\"y\":0,\"vx\":140.1,\"vy\":0}",
        o);
    tap_ok(has(o, n, "Speed-ValueTooLarge-VehicleType", 4, 3), "car at 140.1 m/s: (4,3)");
    n = run(c,
            "{\"t\":1,\"station\":\"c\",\"station_type\":8,\"x\":900,\"y\":0,\"vx\":0,\"vy\":85.5}",
            o);
    tap_ok(has(o, n, "Speed-ValueTooLarge-VehicleType", 4, 3), "heavy truck at 85.5 m/s: (4,3)");
    n = run(
        c, "{\"t\":1,\"station\":\"d\",\"station_type\":1,\"x\":1500,\"y\":0,\"vx\":29.9,\"vy\":0}",
        o);
    tap_ok(n == 0, "pedestrian at 29.9 m/s: none");
    n = run(
        c, "{\"t\":1,\"station\":\"e\",\"station_type\":1,\"x\":2500,\"y\":0,\"vx\":30.1,\"vy\":0}",
        o);
    tap_ok(has(o, n, "Speed-ValueTooLarge-VehicleType", 4, 3), "pedestrian at 30.1 m/s: (4,3)");
    n = run(
        c, "{\"t\":1,\"station\":\"f\",\"station_type\":15,\"x\":3500,\"y\":0,\"vx\":0.5,\"vy\":0}",
        o);
    tap_ok(has(o, n, "Speed-ValueTooLarge-VehicleType", 4, 3), "moving RSU: (4,3)");
    /* reverse > 30 m/s */
    n = run(c,
            "{\"t\":1,\"station\":\"g\",\"station_type\":5,\"x\":4500,\"y\":0,\"vx\":-30.5,\"vy\":"
            "0,\"reverse\":true}",
            o);
    tap_ok(has(o, n, "Speed-ValueTooLarge-DriveDirectionReverse", 4, 4), "reverse 30.5 m/s: (4,4)");
    n = run(c,
            "{\"t\":1,\"station\":\"h\",\"station_type\":5,\"x\":5500,\"y\":0,\"vx\":-29,\"vy\":0,"
            "\"reverse\":true}",
            o);
    tap_ok(n == 0, "reverse 29 m/s: none");
    /* LongAcc-ValueTooLarge: 90 dm/s^2 */
    n = run(c,
            "{\"t\":1,\"station\":\"i\",\"station_type\":5,\"x\":6500,\"y\":0,\"vx\":10,\"vy\":0,"
            "\"acc\":-9.1}",
            o);
    tap_ok(has(o, n, "LongAcc-ValueTooLarge", 5, 4), "deceleration 9.1 m/s^2: (5,4)");
    n = run(c,
            "{\"t\":1,\"station\":\"j\",\"station_type\":5,\"x\":7500,\"y\":0,\"vx\":10,\"vy\":0,"
            "\"acc\":8.9}",
            o);
    tap_ok(n == 0, "acceleration 8.9 m/s^2: none");
    sg17_v2x_checker_free(c);

    /* Beacon-IntervalTooSmall: < 80 % of 100 ms, with the 65536 ms wrap */
    c = fresh();
    run(c,
        "{\"t\":10,\"station\":1,\"gen_ms\":65500,\"station_type\":5,\"x\":0,\"y\":0,\"vx\":10,"
        "\"vy\":0}",
        o);
    n = run(c,
            "{\"t\":10.07,\"station\":1,\"gen_ms\":34,\"station_type\":5,\"x\":0.7,\"y\":0,\"vx\":"
            "10,\"vy\":0}",
            o);
    tap_ok(has(o, n, "Beacon-IntervalTooSmall", 0, 1), "70 ms across the wrap: (0,1)");
    n = run(c,
            "{\"t\":10.15,\"station\":1,\"gen_ms\":114,\"station_type\":5,\"x\":1.5,\"y\":0,\"vx\":"
            "10,\"vy\":0}",
            o);
    tap_ok(!has(o, n, "Beacon-IntervalTooSmall", 0, 1) && n == 0, "80 ms: none (%zu)", n);
    /* Static-Change */
    n = run(c,
            "{\"t\":10.25,\"station\":1,\"gen_ms\":214,\"station_type\":8,\"x\":2.5,\"y\":0,\"vx\":"
            "10,\"vy\":0}",
            o);
    tap_ok(has(o, n, "Static-Change", 1, 1), "stationType changed: (1,1)");
    sg17_v2x_checker_free(c);

    /* Position-ChangeTooLarge and consistency */
    c = fresh();
    run(c, "{\"t\":0,\"station\":\"p\",\"station_type\":5,\"x\":0,\"y\":0,\"vx\":20,\"vy\":0}", o);
    n = run(c, "{\"t\":1,\"station\":\"p\",\"station_type\":5,\"x\":20,\"y\":0,\"vx\":20,\"vy\":0}",
            o);
    tap_ok(n == 0, "consistent 20 m in 1 s at 20 m/s: none (%zu)", n);
    n = run(c,
            "{\"t\":2,\"station\":\"p\",\"station_type\":5,\"x\":200,\"y\":0,\"vx\":20,\"vy\":0}",
            o);
    tap_ok(has(o, n, "Position-ChangeTooLarge", 3, 4),
           "180 m in 1 s for a car (> 140 m + 20 m): (3,4)");
    n = run(c,
            "{\"t\":3,\"station\":\"p\",\"station_type\":5,\"x\":300,\"y\":0,\"vx\":20,\"vy\":0}",
            o);
    tap_ok(has(o, n, "Consistency-PositionSpeed", 100, 1) &&
               !has(o, n, "Position-ChangeTooLarge", 3, 4),
           "100 m in 1 s reported at 20 m/s: position/speed inconsistent only");
    n = run(c,
            "{\"t\":4,\"station\":\"p\",\"station_type\":5,\"x\":320,\"y\":0,\"vx\":35,\"vy\":0}",
            o);
    tap_ok(has(o, n, "Speed-ChangeTooLarge", 4, 5), "20 -> 35 m/s in 1 s (> 9 m/s^2 + 1): (4,5)");
    sg17_v2x_checker_free(c);

    /* replay by another pseudonym, Sybil, sudden appearance, stale */
    c = fresh();
    run(c,
        "{\"t\":0,\"station\":\"v1\",\"station_type\":5,\"x\":100.25,\"y\":7.5,\"vx\":13.1,\"vy\":"
        "0.2}",
        o);
    n = run(c,
            "{\"t\":2.5,\"station\":\"v9\",\"station_type\":5,\"x\":100.25,\"y\":7.5,\"vx\":13.1,"
            "\"vy\":0.2}",
            o);
    tap_ok(has(o, n, "History-ReplayOtherPseudonym", 101, 2),
           "another pseudonym repeats v1's message: replay");
    run(c, "{\"t\":5,\"station\":\"s1\",\"station_type\":5,\"x\":400,\"y\":0,\"vx\":10,\"vy\":0}",
        o);
    n = run(c,
            "{\"t\":5.01,\"station\":\"s2\",\"station_type\":5,\"x\":400.4,\"y\":0.3,\"vx\":9,"
            "\"vy\":0}",
            o);
    tap_ok(has(o, n, "History-SybilCoLocated", 101, 3),
           "new pseudonym 0.5 m from a live one: Sybil");
    n = run(c,
            "{\"t\":6,\"station\":\"s3\",\"station_type\":5,\"x\":20,\"y\":0,\"vx\":9,\"vy\":0,"
            "\"rx_x\":0,\"rx_y\":0}",
            o);
    tap_ok(has(o, n, "History-SuddenAppearance", 101, 4),
           "first heard 20 m away: sudden appearance");
    n = run(c,
            "{\"t\":9,\"station\":\"s4\",\"station_type\":5,\"x\":900,\"y\":0,\"vx\":9,\"vy\":0,"
            "\"gen_t\":7.5}",
            o);
    tap_ok(has(o, n, "Timing-MessageTooOld", 102, 2), "received 1.5 s after generation: stale");
    sg17_v2x_checker_free(c);

    /* parser refusals */
    sg17_v2x_msg m;
    char err[200];
    tap_int_eq(sg17_v2x_parse("{\"t\":1}", 7, &m, err, sizeof err), SG17_E_FORMAT,
               "missing fields refused");
    tap_int_eq(sg17_v2x_parse("[1]", 3, &m, err, sizeof err), SG17_E_FORMAT, "non-object refused");
    const char *bad =
        "{\"t\":1,\"station\":\"a\",\"x\":0,\"y\":0,\"vx\":0,\"vy\":0,\"gen_ms\":70000}";
    tap_int_eq(sg17_v2x_parse(bad, strlen(bad), &m, err, sizeof err), SG17_E_FORMAT,
               "gen_ms > 65535 refused");
    const char *dup = "{\"t\":1,\"t\":2,\"station\":\"a\",\"x\":0,\"y\":0,\"vx\":0,\"vy\":0}";
    tap_int_eq(sg17_v2x_parse(dup, strlen(dup), &m, err, sizeof err), SG17_E_FORMAT,
               "duplicate key refused");
    return tap_done();
}
