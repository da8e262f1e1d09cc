/*
 * V2X misbehaviour checks (X.1376 "detection" for V2X messages) after ETSI
 * TS 103 759 (Misbehaviour Reporting Service) CAM observations:
 *   tgt 0 BeaconCommon   obs 1 Beacon-IntervalTooSmall: two CAMs closer than
 *                        80 % of T_GenCamMin = 100 ms (TS 103 900), with the
 *                        generationDeltaTime wrap rule (+65536 ms)
 *   tgt 1 StaticCommon   obs 1 Static-Change (stationType, length, width)
 *   tgt 3 PositionCommon obs 4 Position-ChangeTooLarge
 *   tgt 4 SpeedCommon    obs 3 Speed-ValueTooLarge-VehicleType (passenger car
 *                        > 140 m/s; motorcycle, bus, trucks, trailer > 85 m/s;
 *                        unknown, pedestrian, cyclist, moped, special, tram
 *                        > 30 m/s; RSU > 0), obs 4 -DriveDirectionReverse
 *                        (> 30 m/s), obs 5 Speed-ChangeTooLarge
 *   tgt 5 LongAccCommon  obs 4 LongAcc-ValueTooLarge (|a| > 9.0 m/s^2 = 90 dm/s^2)
 * The speed and acceleration limits are those quoted for EtsiTs103759AsrCam
 * v2.2.1 (docs/VEHICLE.md says where they were checked). Private extensions
 * (tgt >= 100): position/speed and heading/displacement consistency, timing
 * (future / stale generation time), replay (same or other pseudonym), Sybil
 * (co-located pseudonyms) and sudden appearance.
 * Fixed memory: a table of MAX_ST pseudonyms and a ring of recent fingerprints.
 */
#include <jansson.h>
#include <math.h> /* isfinite only */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sg17/v2x.h"

#define MAX_ST       4096
#define FP_RING      8192
#define T_GENCAM_MIN 0.1  /* s, TS 103 900 */
#define ACC_MAX      9.0  /* m/s^2, LongAcc-ValueTooLarge (90 dm/s^2) */
#define POS_SLACK    20.0 /* m, GNSS error allowance for position checks */
#define FORGET_S     60.0 /* s, a pseudonym silent this long is dropped */
#define REPLAY_WIN   30.0 /* s, fingerprint memory */
#define SYBIL_DIST   1.0  /* m, two pseudonyms closer than this at the same time */
#define SYBIL_DT     0.05 /* s */
#define APPEAR_DIST  50.0 /* m, a new pseudonym first heard this close is suspicious */
#define STALE_S      1.0  /* s, reception later than generation + this */

typedef struct station {
    char id[40];
    int used;
    sg17_v2x_msg last;
} station;

typedef struct fp {
    uint64_t h;
    double t;
    char id[40];
} fprint;

/* DENM events by actionID (originating station, sequence number) */
#define MAX_EV        2048
#define DENM_HIST_S   10.0   /* s: CAM history usable for a DENM's sender */
#define DENM_SENSE_M  1000.0 /* m: farthest event a sender can have detected (ours) */
#define DENM_REP_FRAC 0.8    /* repetitions closer than this x transmissionInterval */

typedef struct denm_ev {
    char origin[40];
    uint32_t seq;
    int used, terminated, heard;
    double ref_t, last_rx, expires;
} denm_ev;

struct sg17_v2x_checker {
    station st[MAX_ST];
    fprint ring[FP_RING];
    size_t n_st;
    denm_ev ev[MAX_EV];
};

static double sqrt_(double x)
{
    if (!(x > 0))
        return 0;
    double r = x > 1 ? x : 1;
    for (int i = 0; i < 60; i++) {
        double n = 0.5 * (r + x / r);
        if (n == r)
            break;
        r = n;
    }
    return r;
}

static double abs_(double x)
{
    return x < 0 ? -x : x;
}

static int get_num(json_t *o, const char *k, int required, double lo, double hi, double *out,
                   int *have, char *err, size_t errlen)
{
    json_t *v = json_object_get(o, k);
    if (!v || json_is_null(v)) {
        if (required) {
            snprintf(err, errlen, "DENM: \"%s\" missing", k);
            return -1;
        }
        return 0;
    }
    if (!json_is_number(v) || !isfinite(json_number_value(v)) || json_number_value(v) < lo ||
        json_number_value(v) > hi) {
        snprintf(err, errlen, "DENM: \"%s\" must be a number in [%g, %g]", k, lo, hi);
        return -1;
    }
    *out = json_number_value(v);
    if (have)
        *have = 1;
    return 0;
}

static int get_int(json_t *o, const char *k, int required, long lo, long hi, long *out, int *have,
                   char *err, size_t errlen)
{
    json_t *v = json_object_get(o, k);
    if (!v || json_is_null(v)) {
        if (required) {
            snprintf(err, errlen, "DENM: \"%s\" missing", k);
            return -1;
        }
        return 0;
    }
    if (!json_is_integer(v) || json_integer_value(v) < lo || json_integer_value(v) > hi) {
        snprintf(err, errlen, "DENM: \"%s\" must be an integer %ld..%ld", k, lo, hi);
        return -1;
    }
    *out = (long)json_integer_value(v);
    if (have)
        *have = 1;
    return 0;
}

/* The DENM fields (EN 302 637-3 ranges: sequenceNumber 0..65535,
 * validityDuration 0..86400 s default 600, transmissionInterval 1..10000 ms,
 * RelevanceDistance 0..7, CauseCodeType and SubCauseCodeType 0..255). */
static int parse_denm(json_t *o, sg17_v2x_msg *m, char *err, size_t errlen)
{
    long v = 0;
    int has = 0;
    if (get_int(o, "seq", 1, 0, 65535, &v, NULL, err, errlen))
        return -1;
    m->seq = (uint32_t)v;
    if (get_num(o, "detection_t", 1, -1e9, 1e9, &m->det_t, NULL, err, errlen) ||
        get_num(o, "reference_t", 1, -1e9, 1e9, &m->ref_t, NULL, err, errlen) ||
        get_num(o, "event_x", 1, -1e9, 1e9, &m->ev_x, NULL, err, errlen) ||
        get_num(o, "event_y", 1, -1e9, 1e9, &m->ev_y, NULL, err, errlen))
        return -1;
    m->validity = 600;
    if (get_num(o, "validity", 0, 0, 86400, &m->validity, NULL, err, errlen))
        return -1;
    if (get_int(o, "interval_ms", 0, 1, 10000, &v, &m->has_interval, err, errlen))
        return -1;
    m->interval_ms = m->has_interval ? (uint32_t)v : 0;
    if (get_int(o, "relevance", 0, 0, 7, &v, &m->has_relevance, err, errlen))
        return -1;
    m->relevance = m->has_relevance ? (int)v : 0;
    if (get_int(o, "cause", 1, 0, 255, &v, NULL, err, errlen))
        return -1;
    m->cause = (int)v;
    v = 0;
    if (get_int(o, "subcause", 0, 0, 255, &v, &has, err, errlen))
        return -1;
    m->subcause = (int)v;
    json_t *og = json_object_get(o, "origin");
    if (!og || json_is_null(og)) {
        m->origin[0] = 0; /* filled from station below */
    } else if (json_is_string(og) && json_string_length(og) > 0 &&
               json_string_length(og) < sizeof m->origin &&
               strlen(json_string_value(og)) == json_string_length(og)) {
        memcpy(m->origin, json_string_value(og), json_string_length(og) + 1);
    } else if (json_is_integer(og) && json_integer_value(og) >= 0) {
        snprintf(m->origin, sizeof m->origin, "%lld", (long long)json_integer_value(og));
    } else {
        snprintf(err, errlen, "DENM: \"origin\" must be a string of 1..39 bytes or an integer");
        return -1;
    }
    json_t *tm = json_object_get(o, "termination");
    if (tm && !json_is_null(tm)) {
        const char *x = json_is_string(tm) ? json_string_value(tm) : "";
        if (strcmp(x, "cancellation") == 0)
            m->termination = 1;
        else if (strcmp(x, "negation") == 0)
            m->termination = 2;
        else {
            snprintf(err, errlen, "DENM: \"termination\" must be \"cancellation\" or \"negation\"");
            return -1;
        }
    }
    return 0;
}

int sg17_v2x_parse(const char *line, size_t len, sg17_v2x_msg *m, char *err, size_t errlen)
{
    if (!line || !m)
        return SG17_E_INVAL;
    memset(m, 0, sizeof *m);
    if (len > 4096) {
        snprintf(err, errlen, "message longer than 4096 bytes");
        return SG17_E_LIMIT;
    }
    json_error_t je;
    json_t *o = json_loadb(line, len, JSON_REJECT_DUPLICATES, &je);
    if (!o || !json_is_object(o)) {
        snprintf(err, errlen, "not a JSON object: %s", o ? "wrong type" : je.text);
        json_decref(o);
        return SG17_E_FORMAT;
    }
    int e = SG17_E_FORMAT;
    json_t *type = json_object_get(o, "type");
    if (type && !json_is_null(type)) {
        if (json_is_string(type) && strcmp(json_string_value(type), "denm") == 0)
            m->is_denm = 1;
        else if (!json_is_string(type) || strcmp(json_string_value(type), "cam") != 0) {
            snprintf(err, errlen, "\"type\" must be \"cam\" or \"denm\"");
            goto out;
        }
    }
    const char *req[] = {"t", "x", "y", "vx", "vy"};
    double *dst[] = {&m->t, &m->x, &m->y, &m->vx, &m->vy};
    int npos = 0;
    for (size_t i = 0; i < 5; i++) {
        json_t *v = json_object_get(o, req[i]);
        if (m->is_denm && i > 0 && (!v || json_is_null(v)))
            continue; /* a DENM's sender position is optional */
        if (!json_is_number(v) || !isfinite(json_number_value(v)) ||
            abs_(json_number_value(v)) > 1e9) {
            snprintf(err, errlen, "\"%s\" missing or not a finite number", req[i]);
            goto out;
        }
        *dst[i] = json_number_value(v);
        npos += i > 0;
    }
    m->has_pos = npos == 4;
    if (m->is_denm && npos != 0 && npos != 4) {
        snprintf(err, errlen, "a DENM gives all of x, y, vx, vy or none");
        goto out;
    }
    if (m->is_denm && parse_denm(o, m, err, errlen) != 0)
        goto out;
    json_t *s = json_object_get(o, "station");
    if (json_is_string(s) && json_string_length(s) > 0 &&
        json_string_length(s) < sizeof m->station) {
        memcpy(m->station, json_string_value(s), json_string_length(s) + 1);
        if (strlen(m->station) != json_string_length(s)) {
            snprintf(err, errlen, "\"station\" contains NUL");
            goto out;
        }
    } else if (json_is_integer(s) && json_integer_value(s) >= 0) {
        snprintf(m->station, sizeof m->station, "%lld", (long long)json_integer_value(s));
    } else {
        snprintf(err, errlen,
                 "\"station\" missing (string of 1..39 bytes or non-negative integer)");
        goto out;
    }
    const char *opt[] = {"gen_t", "acc", "length", "width", "rx_x", "rx_y"};
    double *od[] = {&m->gen_t, &m->acc, &m->length, &m->width, &m->rx_x, &m->rx_y};
    int have[6] = {0};
    for (size_t i = 0; i < 6; i++) {
        json_t *v = json_object_get(o, opt[i]);
        if (!v || json_is_null(v))
            continue;
        if (!json_is_number(v) || !isfinite(json_number_value(v)) ||
            abs_(json_number_value(v)) > 1e9) {
            snprintf(err, errlen, "\"%s\" is not a finite number", opt[i]);
            goto out;
        }
        *od[i] = json_number_value(v);
        have[i] = 1;
    }
    m->has_gen_t = have[0];
    m->has_acc = have[1];
    m->has_size = have[2] || have[3];
    m->has_rx = have[4] && have[5];
    json_t *g = json_object_get(o, "gen_ms");
    if (g && !json_is_null(g)) {
        if (!json_is_integer(g) || json_integer_value(g) < 0 || json_integer_value(g) > 65535) {
            snprintf(err, errlen, "\"gen_ms\" must be an integer 0..65535");
            goto out;
        }
        m->gen_ms = (uint32_t)json_integer_value(g);
        m->has_gen_ms = 1;
    }
    json_t *ty = json_object_get(o, "station_type");
    if (ty && !json_is_null(ty)) {
        if (!json_is_integer(ty) || json_integer_value(ty) < 0 || json_integer_value(ty) > 255) {
            snprintf(err, errlen, "\"station_type\" must be an integer 0..255");
            goto out;
        }
        m->station_type = (int)json_integer_value(ty);
    }
    json_t *rv = json_object_get(o, "reverse");
    if (rv && !json_is_null(rv)) {
        if (!json_is_boolean(rv)) {
            snprintf(err, errlen, "\"reverse\" must be a boolean");
            goto out;
        }
        m->reverse = json_is_true(rv);
    }
    if (m->is_denm && !m->origin[0])
        memcpy(m->origin, m->station, sizeof m->origin);
    json_t *lb = json_object_get(o, "label");
    if (json_is_string(lb)) {
        snprintf(m->label, sizeof m->label, "%s", json_string_value(lb));
        if (strcmp(m->label, "0") == 0 || strcmp(m->label, "normal") == 0 ||
            strcmp(m->label, "benign") == 0)
            m->label[0] = 0;
    }
    e = 0;
out:
    json_decref(o);
    return e;
}

int sg17_v2x_checker_new(sg17_v2x_checker **out)
{
    if (!out)
        return SG17_E_INVAL;
    *out = calloc(1, sizeof **out);
    return *out ? 0 : SG17_E_NOMEM;
}

void sg17_v2x_checker_free(sg17_v2x_checker *c)
{
    free(c);
}

static uint64_t fnv(const void *p, size_t n, uint64_t h)
{
    const uint8_t *b = p;
    for (size_t i = 0; i < n; i++) {
        h ^= b[i];
        h *= 0x100000001b3ull;
    }
    return h;
}

static station *find_station(sg17_v2x_checker *c, const char *id, double now, int *is_new)
{
    uint64_t h = fnv(id, strlen(id), 0xcbf29ce484222325ull);
    size_t start = (size_t)(h % MAX_ST);
    station *free_slot = NULL;
    *is_new = 0;
    for (size_t i = 0; i < MAX_ST; i++) {
        station *s = &c->st[(start + i) % MAX_ST];
        if (!s->used) {
            if (!free_slot)
                free_slot = s;
            break;
        }
        if (strcmp(s->id, id) == 0)
            return s;
        if (!free_slot && now - s->last.t > FORGET_S)
            free_slot = s; /* reuse a forgotten pseudonym's slot */
    }
    if (!free_slot)
        return NULL;
    memset(free_slot, 0, sizeof *free_slot);
    free_slot->used = 1;
    snprintf(free_slot->id, sizeof free_slot->id, "%s", id);
    *is_new = 1;
    return free_slot;
}

static double speed_limit(int type)
{
    switch (type) {
    case 5: /* passengerCar */ return 140.0;
    case 4: /* motorcycle */
    case 6: /* bus */
    case 7: /* lightTruck */
    case 8: /* heavyTruck */
    case 9: /* trailer */ return 85.0;
    case 15: /* roadSideUnit */ return 0.0;
    default: /* unknown, pedestrian, cyclist, moped, specialVehicle, tram */ return 30.0;
    }
}

static sg17_v2x_obs *add(sg17_v2x_obs *o, size_t *n, const char *name, int tgt, int obs)
{
    if (*n >= SG17_V2X_MAX_OBS)
        return NULL;
    sg17_v2x_obs *x = &o[(*n)++];
    x->name = name;
    x->tgt = tgt;
    x->obs = obs;
    x->evidence[0] = 0;
    return x;
}

#define EV(x, ...)                                                     \
    do {                                                               \
        if (x)                                                         \
            snprintf((x)->evidence, sizeof(x)->evidence, __VA_ARGS__); \
    } while (0)

static uint64_t fingerprint(const sg17_v2x_msg *m)
{
    /* position to 1 cm and velocity to 1 cm/s: a replayed message repeats them exactly */
    long long q[4] = {(long long)(m->x * 100), (long long)(m->y * 100), (long long)(m->vx * 100),
                      (long long)(m->vy * 100)};
    return fnv(q, sizeof q, 0xcbf29ce484222325ull);
}

/* CauseCodeType values defined by ETSI TS 102 894-2 (V1.3.1, plus violence
 * (20) and railwayLevelCrossing (100) of V2.1.1); 0 is reserved. */
static int cause_valid(int cc)
{
    static const uint8_t ok[] = {1,  2,  3,  5,  6,  7,  9,  10, 11, 12, 14, 15, 17, 18,
                                 19, 20, 26, 27, 91, 92, 93, 94, 95, 96, 97, 98, 99, 100};
    for (size_t i = 0; i < sizeof ok; i++)
        if (ok[i] == cc)
            return 1;
    return 0;
}

/* RelevanceDistance (TS 102 894-2): lessThan50m(0) .. lessThan10km(6), over10km(7) */
static double relevance_m(int r)
{
    static const double d[8] = {50, 100, 200, 500, 1000, 5000, 10000, -1};
    return r >= 0 && r < 8 ? d[r] : -1;
}

static denm_ev *find_event(sg17_v2x_checker *c, const sg17_v2x_msg *m, double now, int create)
{
    uint64_t h = fnv(m->origin, strlen(m->origin), 0xcbf29ce484222325ull);
    h = fnv(&m->seq, sizeof m->seq, h);
    denm_ev *free_slot = NULL;
    for (size_t i = 0; i < MAX_EV; i++) {
        denm_ev *e = &c->ev[(h + i) % MAX_EV];
        if (!e->used) {
            if (!free_slot)
                free_slot = e;
            break;
        }
        if (e->seq == m->seq && strcmp(e->origin, m->origin) == 0)
            return e;
        if (!free_slot && now > e->expires + FORGET_S)
            free_slot = e; /* an expired event's slot */
    }
    if (!create || !free_slot)
        return NULL;
    memset(free_slot, 0, sizeof *free_slot);
    free_slot->used = 1;
    free_slot->seq = m->seq;
    snprintf(free_slot->origin, sizeof free_slot->origin, "%s", m->origin);
    return free_slot;
}

static station *peek_station(sg17_v2x_checker *c, const char *id)
{
    uint64_t h = fnv(id, strlen(id), 0xcbf29ce484222325ull);
    for (size_t i = 0; i < MAX_ST; i++) {
        station *s = &c->st[(h + i) % MAX_ST];
        if (!s->used)
            return NULL;
        if (strcmp(s->id, id) == 0)
            return s;
    }
    return NULL;
}

/* DENM checks (private observations, tgtId 103). EN 302 637-3: detectionTime
 * <= referenceTime; a DENM is valid until detectionTime + validityDuration;
 * repetitions of one update (same actionID and referenceTime) are sent every
 * transmissionInterval; only the originating station updates or cancels its
 * event (negation may come from another station, for an event it heard). */
static size_t denm_check(sg17_v2x_checker *c, const sg17_v2x_msg *m, sg17_v2x_obs *o)
{
    size_t n = 0;
    sg17_v2x_obs *x;
    if (!cause_valid(m->cause)) {
        x = add(o, &n, "Denm-CauseCodeInvalid", 103, 1);
        EV(x, "causeCode %d is not a CauseCodeType value", m->cause);
    }
    if (m->det_t > m->ref_t + 0.001) {
        x = add(o, &n, "Denm-DetectionAfterReference", 103, 2);
        EV(x, "detectionTime %.3f s later than referenceTime %.3f s", m->det_t, m->ref_t);
    }
    if (m->ref_t > m->t + 0.1) {
        x = add(o, &n, "Denm-ReferenceInFuture", 103, 3);
        EV(x, "referenceTime %.3f s, received at %.3f s", m->ref_t, m->t);
    }
    if (m->t > m->det_t + m->validity) {
        x = add(o, &n, "Denm-Expired", 103, 4);
        EV(x, "received %.3f s after detection, validityDuration %.0f s", m->t - m->det_t,
           m->validity);
    }
    /* the event against the sender's CAM history (position extrapolated to
     * detectionTime along its last reported velocity) */
    const station *s = peek_station(c, m->station);
    if (m->termination == 0) {
        if (!s || m->t - s->last.t > DENM_HIST_S || abs_(m->det_t - s->last.t) > DENM_HIST_S) {
            if (!m->has_pos) {
                x = add(o, &n, "Denm-SenderWithoutHistory", 103, 5);
                EV(x, "no CAM of %s within %.0f s of the DENM", m->station, DENM_HIST_S);
            }
        } else {
            double dt = m->det_t - s->last.t;
            double px = s->last.x + s->last.vx * dt, py = s->last.y + s->last.vy * dt;
            double dx = m->ev_x - px, dy = m->ev_y - py, d = sqrt_(dx * dx + dy * dy);
            if (d > DENM_SENSE_M + POS_SLACK) {
                x = add(o, &n, "Denm-EventFarFromSender", 103, 6);
                EV(x, "event %.0f m from the sender's CAM position at detection (> %.0f m)", d,
                   DENM_SENSE_M);
            }
        }
    }
    if (m->has_rx && m->has_relevance && relevance_m(m->relevance) > 0) {
        double dx = m->ev_x - m->rx_x, dy = m->ev_y - m->rx_y, d = sqrt_(dx * dx + dy * dy);
        double lim = 2 * relevance_m(m->relevance) + POS_SLACK;
        if (d > lim) {
            x = add(o, &n, "Denm-OutsideRelevanceArea", 103, 7);
            EV(x, "received %.0f m from the event, relevance %.0f m (limit 2 x + %.0f m)", d,
               relevance_m(m->relevance), POS_SLACK);
        }
    }
    int from_origin = strcmp(m->station, m->origin) == 0;
    denm_ev *e = find_event(c, m, m->t, m->termination != 2 || from_origin);
    if (m->termination == 1 && !from_origin) {
        x = add(o, &n, "Denm-CancellationNotByOriginator", 103, 8);
        EV(x, "%s cancels the event of %s (sequence %u)", m->station, m->origin, m->seq);
    } else if (m->termination == 0 && !from_origin) {
        x = add(o, &n, "Denm-UpdateNotByOriginator", 103, 9);
        EV(x, "%s sends the event of %s (sequence %u)", m->station, m->origin, m->seq);
    }
    if (m->termination && (!e || !e->heard)) {
        x = add(o, &n, "Denm-TerminationUnknownEvent", 103, 10);
        EV(x, "%s of an event never heard (%s, sequence %u)",
           m->termination == 1 ? "cancellation" : "negation", m->origin, m->seq);
    }
    if (e && e->heard) {
        if (m->ref_t < e->ref_t - 0.001) {
            x = add(o, &n, "Denm-ReferenceTimeRegress", 103, 11);
            EV(x, "referenceTime %.3f s before the event's last %.3f s", m->ref_t, e->ref_t);
        } else if (e->terminated && m->termination == 0 && m->ref_t <= e->ref_t + 0.001) {
            x = add(o, &n, "Denm-AfterTermination", 103, 12);
            EV(x, "event %s/%u repeated after its termination", m->origin, m->seq);
        } else if (m->has_interval && abs_(m->ref_t - e->ref_t) <= 0.001 && !m->termination &&
                   m->t - e->last_rx < DENM_REP_FRAC * m->interval_ms / 1000.0) {
            x = add(o, &n, "Denm-RepetitionTooFrequent", 103, 13);
            EV(x, "repetition %.3f s after the previous, transmissionInterval %u ms",
               m->t - e->last_rx, m->interval_ms);
        }
    }
    if (e) {
        if (m->ref_t >= e->ref_t || !e->heard)
            e->ref_t = m->ref_t;
        e->heard = 1;
        e->last_rx = m->t;
        e->expires = m->det_t + m->validity;
        if (m->termination)
            e->terminated = 1;
    }
    return n;
}

size_t sg17_v2x_check(sg17_v2x_checker *c, const sg17_v2x_msg *m, sg17_v2x_obs *o)
{
    if (m->is_denm)
        return denm_check(c, m, o);
    size_t n = 0;
    sg17_v2x_obs *x;
    double v2 = m->vx * m->vx + m->vy * m->vy, v = sqrt_(v2);
    /* --- single-message plausibility --- */
    double lim = speed_limit(m->station_type);
    if (v > lim) {
        x = add(o, &n, "Speed-ValueTooLarge-VehicleType", 4, 3);
        EV(x, "speed %.2f m/s > %.0f m/s for stationType %d", v, lim, m->station_type);
    }
    if (m->reverse && v > 30.0) {
        x = add(o, &n, "Speed-ValueTooLarge-DriveDirectionReverse", 4, 4);
        EV(x, "reverse speed %.2f m/s > 30 m/s", v);
    }
    if (m->has_acc && abs_(m->acc) > ACC_MAX) {
        x = add(o, &n, "LongAcc-ValueTooLarge", 5, 4);
        EV(x, "longitudinal acceleration %.2f m/s^2, |a| > %.1f", m->acc, ACC_MAX);
    }
    if (m->has_gen_t) {
        if (m->gen_t > m->t + 0.1) {
            x = add(o, &n, "Timing-GenerationInFuture", 102, 1);
            EV(x, "generated at %.3f s, received at %.3f s", m->gen_t, m->t);
        } else if (m->t - m->gen_t > STALE_S) {
            x = add(o, &n, "Timing-MessageTooOld", 102, 2);
            EV(x, "received %.3f s after generation (> %.1f s)", m->t - m->gen_t, STALE_S);
        }
    }
    /* --- replay / Sybil against other pseudonyms (fingerprint ring) --- */
    uint64_t h = fingerprint(m);
    int replay_same = 0;
    {
        const fprint *f =
            &c->ring[h % FP_RING]; /* direct-mapped: the latest message with this slot */
        if (f->h == (h ? h : 1) && m->t - f->t <= REPLAY_WIN) {
            if (strcmp(f->id, m->station) != 0) {
                if (v > 0.1 || abs_(m->t - f->t) > SYBIL_DT) {
                    x = add(o, &n, "History-ReplayOtherPseudonym", 101, 2);
                    EV(x,
                       "position (%.2f, %.2f) and velocity repeat pseudonym %s's message of t=%.3f",
                       m->x, m->y, f->id, f->t);
                }
            } else if (v > 0.1) {
                replay_same = 1;
            }
        }
    }
    /* --- history of this pseudonym --- */
    int is_new;
    station *s = find_station(c, m->station, m->t, &is_new);
    if (s && !is_new) {
        const sg17_v2x_msg *p = &s->last;
        double dt = m->t - p->t;
        if (m->has_gen_ms && p->has_gen_ms) {
            uint32_t g =
                m->gen_ms >= p->gen_ms ? m->gen_ms - p->gen_ms : m->gen_ms + 65536u - p->gen_ms;
            if (g < (uint32_t)(0.8 * T_GENCAM_MIN * 1000)) {
                x = add(o, &n, "Beacon-IntervalTooSmall", 0, 1);
                EV(x, "generationDeltaTime %u -> %u: %u ms < 80 %% of %.0f ms", p->gen_ms,
                   m->gen_ms, g, T_GENCAM_MIN * 1000);
            }
        } else if (dt >= 0 && dt < 0.8 * T_GENCAM_MIN) {
            x = add(o, &n, "Beacon-IntervalTooSmall", 0, 1);
            EV(x, "reception interval %.3f s < 80 %% of %.1f s", dt, T_GENCAM_MIN);
        }
        if (m->station_type != p->station_type ||
            (m->has_size && p->has_size && (m->length != p->length || m->width != p->width))) {
            x = add(o, &n, "Static-Change", 1, 1);
            EV(x, "stationType %d -> %d, size %.2fx%.2f -> %.2fx%.2f", p->station_type,
               m->station_type, p->length, p->width, m->length, m->width);
        }
        if (dt > 0) {
            double dx = m->x - p->x, dy = m->y - p->y, d = sqrt_(dx * dx + dy * dy);
            double vp = sqrt_(p->vx * p->vx + p->vy * p->vy);
            double vmax = speed_limit(m->station_type);
            if (vmax < 1)
                vmax = 1; /* RSU: allow GNSS wander only */
            if (d > vmax * dt + POS_SLACK) {
                x = add(o, &n, "Position-ChangeTooLarge", 3, 4);
                EV(x, "moved %.1f m in %.3f s (> %.0f m/s x dt + %.0f m)", d, dt, vmax, POS_SLACK);
            } else if (dt <= 5.0) {
                /* distance must match the mean of the reported speeds (with acceleration slack) */
                double expect = 0.5 * (v + vp) * dt, slack = 0.5 * ACC_MAX * dt * dt + POS_SLACK;
                if (abs_(d - expect) > slack) {
                    x = add(o, &n, "Consistency-PositionSpeed", 100, 1);
                    EV(x, "moved %.1f m in %.3f s, reported speeds imply %.1f m (+- %.1f)", d, dt,
                       expect, slack);
                }
                /* heading: displacement must not point against the velocity */
                if (d > POS_SLACK && v > 2 && (dx * m->vx + dy * m->vy) < 0 && !m->reverse) {
                    x = add(o, &n, "Consistency-HeadingDisplacement", 100, 2);
                    EV(x, "displacement (%.1f, %.1f) opposes velocity (%.1f, %.1f)", dx, dy, m->vx,
                       m->vy);
                }
            }
            double dv = abs_(v - vp);
            if (dv > ACC_MAX * dt + 1.0) {
                x = add(o, &n, "Speed-ChangeTooLarge", 4, 5);
                EV(x, "speed %.2f -> %.2f m/s in %.3f s (> %.1f m/s^2)", vp, v, dt, ACC_MAX);
            }
        }
        if (replay_same && dt > 0) {
            x = add(o, &n, "History-ReplaySamePseudonym", 101, 1);
            EV(x, "moving station repeats an earlier position/velocity exactly");
        }
    } else if (s && is_new) {
        if (m->has_rx) {
            double dx = m->x - m->rx_x, dy = m->y - m->rx_y, d = sqrt_(dx * dx + dy * dy);
            if (d < APPEAR_DIST) {
                x = add(o, &n, "History-SuddenAppearance", 101, 4);
                EV(x, "new pseudonym first heard %.1f m from the receiver (< %.0f m)", d,
                   APPEAR_DIST);
            }
        }
        /* Sybil: another live pseudonym at the same place at the same time */
        for (size_t i = 0; i < MAX_ST; i++) {
            const station *q = &c->st[i];
            if (!q->used || q == s || abs_(m->t - q->last.t) > SYBIL_DT)
                continue;
            double dx = m->x - q->last.x, dy = m->y - q->last.y;
            if (dx * dx + dy * dy < SYBIL_DIST * SYBIL_DIST) {
                x = add(o, &n, "History-SybilCoLocated", 101, 3);
                EV(x, "new pseudonym %s within %.1f m of live pseudonym %s", m->station, SYBIL_DIST,
                   q->id);
                break;
            }
        }
    }
    if (s)
        s->last = *m;
    fprint *f = &c->ring[h % FP_RING];
    f->h = h ? h : 1;
    f->t = m->t;
    snprintf(f->id, sizeof f->id, "%s", m->station);
    return n;
}
