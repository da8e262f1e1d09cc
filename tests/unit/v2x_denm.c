/* DENM checks (EN 302 637-3 values; private observations tgtId 103): each
 * check just inside its limit passes and just outside raises its
 * observation; malformed DENM fields are refused by the parser. */
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

static int has(const sg17_v2x_obs *o, size_t n, const char *name, int obs)
{
    for (size_t i = 0; i < n && i < SG17_V2X_MAX_OBS; i++)
        if (strcmp(o[i].name, name) == 0 && o[i].tgt == 103 && o[i].obs == obs)
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

static int refused(const char *json)
{
    sg17_v2x_msg m;
    char err[200] = "";
    return sg17_v2x_parse(json, strlen(json), &m, err, sizeof err) == SG17_E_FORMAT && err[0];
}

/* a car "s1" at (0,0) moving +x at 10 m/s, CAMs at t = 0..1 */
static void cams(sg17_v2x_checker *c, const char *st, double t1)
{
    sg17_v2x_obs o[SG17_V2X_MAX_OBS];
    char b[256];
    for (double t = t1 - 1; t <= t1 + 1e-9; t += 0.5) {
        snprintf(b, sizeof b,
                 "{\"t\":%.3f,\"station\":\"%s\",\"station_type\":5,\"x\":%.3f,\"y\":0,\"vx\":10,"
                 "\"vy\":0}",
                 t, st, 10 * t);
        (void)run(c, b, o);
    }
}

/* A DENM from s1: the defaults below, each overridden by the same key in
 * `extra` (a JSON member list, leading comma) or extended by new keys. */
static const char *const denm_defaults[][2] = {
    {"type", "\"denm\""},   {"t", "2.0"},           {"station", "\"s1\""},
    {"seq", "1"},           {"detection_t", "1.9"}, {"reference_t", "1.95"},
    {"event_x", "40"},      {"event_y", "0"},       {"cause", "97"},
    {"interval_ms", "100"},
};

static char denm_buf[1024];

static const char *denm(const char *extra)
{
    size_t len = 0;
    denm_buf[len++] = '{';
    for (size_t i = 0; i < sizeof denm_defaults / sizeof denm_defaults[0]; i++) {
        char pat[40];
        snprintf(pat, sizeof pat, "\"%s\":", denm_defaults[i][0]);
        if (strstr(extra, pat))
            continue; /* overridden */
        len += (size_t)snprintf(denm_buf + len, sizeof denm_buf - len, "%s\"%s\":%s",
                                len > 1 ? "," : "", denm_defaults[i][0], denm_defaults[i][1]);
    }
    snprintf(denm_buf + len, sizeof denm_buf - len, "%s}", extra);
    return denm_buf;
}

#define DENM(extra) denm(extra)

int main(void)
{
    sg17_v2x_obs o[SG17_V2X_MAX_OBS];
    sg17_v2x_checker *c = fresh();
    size_t n;

    /* a plausible DENM: sender heard in CAMs, event 21 m ahead of it */
    cams(c, "s1", 1.0);
    n = run(c, DENM(""), o);
    tap_ok(n == 0, "plausible DENM from a station with CAM history: none (%zu)", n);

    /* cause codes: TS 102 894-2 values are valid, 0 (reserved), 4, 13, 101 are not */
    n = run(c, DENM(",\"seq\":2,\"cause\":0"), o);
    tap_ok(has(o, n, "Denm-CauseCodeInvalid", 1), "cause 0 (reserved): (103,1)");
    n = run(c, DENM(",\"seq\":3,\"cause\":4"), o);
    tap_ok(has(o, n, "Denm-CauseCodeInvalid", 1), "cause 4 (undefined): (103,1)");
    n = run(c, DENM(",\"seq\":4,\"cause\":101"), o);
    tap_ok(has(o, n, "Denm-CauseCodeInvalid", 1), "cause 101 (reserved for future use): (103,1)");
    n = run(c, DENM(",\"seq\":5,\"cause\":2"), o);
    tap_ok(!has(o, n, "Denm-CauseCodeInvalid", 1), "cause 2 (accident): valid");
    n = run(c, DENM(",\"seq\":6,\"cause\":99"), o);
    tap_ok(!has(o, n, "Denm-CauseCodeInvalid", 1), "cause 99 (dangerousSituation): valid");

    /* detectionTime <= referenceTime; referenceTime not after reception */
    n = run(c, DENM(",\"seq\":7,\"detection_t\":1.96"), o);
    tap_ok(has(o, n, "Denm-DetectionAfterReference", 2),
           "detection 10 ms after reference: (103,2)");
    n = run(c, DENM(",\"seq\":8,\"detection_t\":1.95"), o);
    tap_ok(!has(o, n, "Denm-DetectionAfterReference", 2), "detection == reference: none");
    n = run(c, DENM(",\"seq\":9,\"reference_t\":2.2,\"detection_t\":2.0"), o);
    tap_ok(has(o, n, "Denm-ReferenceInFuture", 3), "reference 0.2 s after reception: (103,3)");

    /* validityDuration: default 600 s; expired = received after detection + validity */
    n = run(c, DENM(",\"seq\":10,\"validity\":0.05"), o);
    tap_ok(has(o, n, "Denm-Expired", 4),
           "validity 0.05 s, received 0.1 s after detection: (103,4)");
    n = run(c, DENM(",\"seq\":11,\"validity\":1"), o);
    tap_ok(!has(o, n, "Denm-Expired", 4), "validity 1 s: none");
    tap_ok(refused(DENM(",\"validity\":86401")), "validity 86401 s refused (0..86400)");
    tap_ok(refused(DENM(",\"interval_ms\":0")), "transmissionInterval 0 refused (1..10000)");
    tap_ok(refused(DENM(",\"interval_ms\":10001")), "transmissionInterval 10001 refused");
    tap_ok(refused(DENM(",\"relevance\":8")), "RelevanceDistance 8 refused (0..7)");
    tap_ok(refused(DENM(",\"cause\":256")), "causeCode 256 refused (0..255)");
    tap_ok(refused(DENM(",\"seq\":65536")), "sequenceNumber 65536 refused (0..65535)");
    tap_ok(refused(DENM(",\"termination\":\"stop\"")), "unknown termination refused");
    tap_ok(refused("{\"type\":\"denm\",\"t\":2,\"station\":\"s1\",\"seq\":1}"),
           "DENM without detection/reference time, position and cause refused");
    tap_ok(refused("{\"type\":\"denmx\",\"t\":2,\"station\":\"s1\",\"x\":0,\"y\":0,\"vx\":0,"
                   "\"vy\":0}"),
           "unknown message type refused");

    /* event position against the sender's CAM track at detection (19 m at t=1.9) */
    n = run(c, DENM(",\"seq\":12,\"event_x\":1038"), o);
    tap_ok(!has(o, n, "Denm-EventFarFromSender", 6), "event 1019 m away (<= 1000 + 20 m): none");
    n = run(c, DENM(",\"seq\":13,\"event_x\":1041"), o);
    tap_ok(has(o, n, "Denm-EventFarFromSender", 6), "event 1022 m away: (103,6)");
    n = run(c, DENM(",\"seq\":14,\"station\":\"ghost\",\"origin\":\"ghost\""), o);
    tap_ok(has(o, n, "Denm-SenderWithoutHistory", 5), "DENM from a station never heard: (103,5)");

    /* relevance distance: lessThan200m (2) -> received beyond 2 x 200 + 20 m */
    n = run(c, DENM(",\"seq\":15,\"relevance\":2,\"rx_x\":459,\"rx_y\":0"), o);
    tap_ok(!has(o, n, "Denm-OutsideRelevanceArea", 7), "receiver 419 m from the event: none");
    n = run(c, DENM(",\"seq\":16,\"relevance\":2,\"rx_x\":461,\"rx_y\":0"), o);
    tap_ok(has(o, n, "Denm-OutsideRelevanceArea", 7), "receiver 421 m from the event: (103,7)");

    /* repetition interval: same actionID and referenceTime at < 80 % of 100 ms */
    sg17_v2x_checker_free(c);
    c = fresh();
    cams(c, "s1", 1.0);
    (void)run(c, DENM(",\"seq\":20"), o);
    n = run(c, DENM(",\"seq\":20,\"t\":2.07"), o);
    tap_ok(has(o, n, "Denm-RepetitionTooFrequent", 13), "repetition after 70 ms: (103,13)");
    n = run(c, DENM(",\"seq\":20,\"t\":2.16"), o);
    tap_ok(n == 0, "repetition after 90 ms: none (%zu)", n);
    n = run(c, DENM(",\"seq\":20,\"t\":2.2,\"reference_t\":1.9"), o);
    tap_ok(has(o, n, "Denm-ReferenceTimeRegress", 11),
           "update with an older referenceTime: (103,11)");

    /* only the originator updates and cancels; negation by another station is allowed */
    n = run(c,
            DENM(",\"seq\":20,\"t\":2.5,\"reference_t\":2.4,\"station\":\"s2\",\"origin\":\"s1\""),
            o);
    tap_ok(has(o, n, "Denm-UpdateNotByOriginator", 9), "update by another station: (103,9)");
    n = run(c,
            DENM(",\"seq\":20,\"t\":2.6,\"reference_t\":2.55,\"station\":\"s2\",\"origin\":"
                 "\"s1\",\"termination\":\"cancellation\""),
            o);
    tap_ok(has(o, n, "Denm-CancellationNotByOriginator", 8),
           "cancellation by another station: (103,8)");
    n = run(c, DENM(",\"seq\":21,\"t\":2.6,\"reference_t\":2.55,\"termination\":\"cancellation\""),
            o);
    tap_ok(has(o, n, "Denm-TerminationUnknownEvent", 10),
           "cancellation of an event never heard: (103,10)");
    (void)run(c, DENM(",\"seq\":22,\"t\":3.0,\"detection_t\":2.9,\"reference_t\":2.95"), o);
    n = run(c,
            DENM(",\"seq\":22,\"t\":3.2,\"detection_t\":2.9,\"reference_t\":3.1,\"station\":"
                 "\"s3\",\"origin\":\"s1\",\"termination\":\"negation\""),
            o);
    tap_ok(!has(o, n, "Denm-CancellationNotByOriginator", 8) &&
               !has(o, n, "Denm-TerminationUnknownEvent", 10) &&
               !has(o, n, "Denm-UpdateNotByOriginator", 9),
           "negation of a heard event by another station: allowed");
    n = run(c, DENM(",\"seq\":22,\"t\":3.4,\"detection_t\":2.9,\"reference_t\":3.1"), o);
    tap_ok(has(o, n, "Denm-AfterTermination", 12), "event repeated after its negation: (103,12)");
    n = run(c, DENM(",\"seq\":23,\"t\":3.5,\"detection_t\":3.4,\"reference_t\":3.45"), o);
    tap_ok(n == 0, "a new event of the originator: none (%zu)", n);

    /* DENMs do not disturb the CAM history checks of their sender */
    n = run(c,
            "{\"t\":3.6,\"station\":\"s1\",\"station_type\":5,\"x\":36,\"y\":0,\"vx\":10,"
            "\"vy\":0}",
            o);
    tap_ok(n == 0, "CAM after DENMs: consistent with the CAM track (%zu)", n);
    sg17_v2x_checker_free(c);
    return tap_done();
}
