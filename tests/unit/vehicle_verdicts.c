/*
 * The detector's verdicts that wait or depend on how a sender behaves:
 * changed constant bits judged at the identifier's next frame, a sender
 * re-phasing on a data change, a flood of one forged payload, identifiers
 * with few training frames, the probation of identifiers new to a
 * provisional profile, J1939 requests and address claims.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sg17/vehicle.h"
#include "tap.h"
#include "vehicle_test.h"

/* 4 learned-constant bits changing: judged at the identifier's next frame.
 * A one-frame excursion of the genuine sender is not flagged (genuine signals
 * do that); the same payload sent as an extra frame in the sender's period
 * slot loses the slot contest and is flagged; a lasting change is learned. */
static void test_deferred_const(void)
{
    sg17_can_profile *p = train_const(20);
    sg17_can_detector *d;
    if (!p || sg17_can_detector_new(p, &d) != 0) {
        tap_ok(0, "deferred: trained");
        sg17_can_profile_free(p);
        return;
    }
    sg17_can_alert al[SG17_CAN_MAX_ALERTS];
    size_t n;
    uint64_t seq = 0, injected = 0;
    int alerts = 0, flagged_excursion = 0, flagged_injected = 0;
    double t = 100;
    for (int i = 0; i < 600; i++, t += 0.01) {
        for (int extra = 0; extra < (i == 350 ? 2 : 1); extra++) {
            uint8_t x[8] = {(uint8_t)i, 0x00, 0xAA, 0, 0, 0, 0, 0};
            if (i == 300 || extra)
                x[1] = 0x0F; /* one frame: 4 constant bits set, back at the next frame */
            if (i >= 450)
                x[2] = 0xA5; /* from here on: 4 bits changed for good (a signal moved) */
            sg17_can_frame f;
            mkframe(&f, t + (extra ? 0.004 : 0), 0x100, x, 8);
            uint64_t my = seq++;
            if (extra)
                injected = my;
            sg17_can_detector_feed(d, &f, my, al, &n);
            for (size_t k = 0; k < n; k++) {
                alerts++;
                flagged_excursion |= al[k].seq == 300;
                flagged_injected |= al[k].seq == injected && injected;
            }
        }
    }
    tap_ok(!flagged_excursion, "one-frame excursion of 4 constant bits of the sender: not flagged");
    tap_ok(flagged_injected, "the same excursion as an extra frame in the slot: flagged");
    tap_ok(alerts == 1, "a lasting change of 4 constant bits is learned, not flagged (%d alerts)",
           alerts);
    sg17_can_detector_free(d);
    sg17_can_profile_free(p);
}

/* Cyclic-on-change senders (Toyota, GM): on a data change the frame goes out
 * at once and the period restarts from it. One period later the next frame
 * is on the new phase: no alert. An injected frame off the schedule, with the
 * sender keeping its schedule, is flagged when the next frame shows that. */
static void test_rephase(void)
{
    sg17_can_profile *p;
    if (sg17_can_profile_new(&p) != 0)
        return;
    int e = 0;
    for (int pass = 0; pass < 2; pass++) {
        for (int i = 0; i < 200; i++) { /* 0.3 s period, 60 s */
            uint8_t x[8] = {0x10, 0, 0, 0, 0x20, 0x50, 0, 0x50};
            sg17_can_frame f;
            mkframe(&f, 1 + i * 0.3 + (i % 3) * 0.0003, 0x620, x, 8);
            e |= sg17_can_profile_add(p, &f);
        }
        if (pass == 0)
            e |= sg17_can_profile_next_pass(p);
    }
    sg17_can_detector *d = NULL;
    if (e || sg17_can_profile_finish(p) != 0 || sg17_can_detector_new(p, &d) != 0) {
        tap_ok(0, "re-phase: trained");
        sg17_can_profile_free(p);
        return;
    }
    int other = 0, injected_flagged = 0;
    uint64_t seq = 0, inj = UINT64_MAX;
    double t = 100;
    for (int i = 0; i < 60; i++) {
        uint8_t x[8] = {0x10, 0, 0, 0, 0x20, 0x50, 0, 0x50};
        if (i == 20)
            t -= 0.19; /* a data change: sent 0.19 s early, the period restarts here */
        if (i >= 20)
            x[1] = 0x80;
        for (int k = 0; k < (i == 40 ? 2 : 1); k++) {
            sg17_can_frame f;
            sg17_can_alert al[SG17_CAN_MAX_ALERTS];
            size_t n;
            if (k)
                inj = seq; /* injected 0.12 s after the sender's frame; schedule kept */
            mkframe(&f, t + 0.12 * k, 0x620, x, 8);
            sg17_can_detector_feed(d, &f, seq++, al, &n);
            for (size_t j = 0; j < n; j++) {
                if (al[j].seq == inj && strcmp(al[j].detector, "timing") == 0)
                    injected_flagged = 1;
                else
                    other++;
            }
        }
        t += 0.3;
    }
    tap_int_eq(other, 0, "sent early on a data change, period restarted: no alert");
    tap_ok(injected_flagged, "injected off the schedule, sender kept its schedule: flagged");
    sg17_can_detector_free(d);
    sg17_can_profile_free(p);
}

/* A flood of one forged payload on a periodic identifier (HCRL-style
 * spoofing, a frame every 1 ms against a 10-ms sender): each slot holds ten
 * forged frames and the sender's one. The forged frames are flagged, the
 * sender's are not - also when a forged frame lands nearer the expected
 * arrival than the sender's (it repeats the payload of a frame already
 * found extra). */
static void test_flood_same_payload(void)
{
    sg17_can_profile *p;
    if (sg17_can_profile_new(&p) != 0)
        return;
    int e = 0;
    for (int pass = 0; pass < 2; pass++) { /* 100 Hz, a slow signal in byte 0, 70 s */
        for (int i = 0; i < 7000; i++) {
            uint8_t x[8] = {(uint8_t)(i / 50), 0x00, 0xAA, 0, 0, 0, 0, 0};
            sg17_can_frame f;
            mkframe(&f, 1 + i * 0.01 + (i % 3) * 0.0002, 0x100, x, 8);
            e |= sg17_can_profile_add(p, &f);
        }
        if (pass == 0)
            e |= sg17_can_profile_next_pass(p);
    }
    sg17_can_detector *d = NULL;
    if (e || sg17_can_profile_finish(p) != 0 || sg17_can_detector_new(p, &d) != 0) {
        tap_ok(0, "flood: trained");
        sg17_can_profile_free(p);
        return;
    }
    sg17_can_alert al[SG17_CAN_MAX_ALERTS];
    size_t n;
    uint64_t seq = 0;
    int forged = 0, forged_flagged = 0, genuine_flagged = 0;
    static uint8_t is_forged[4096];
    double t = 100;
    for (int i = 0; i < 300; i++, t += 0.01) {
        for (int k = 0; k < (i >= 100 && i < 200 ? 11 : 1); k++) {
            uint8_t x[8] = {(uint8_t)(140 + i / 50), 0x00, 0xAA, 0, 0, 0, 0, 0};
            double ft = t + (i % 3) * 0.0002;
            if (k) { /* forged: every 1 ms from 0.05 ms after the sender's frame */
                x[0] = 0x42;
                ft = t + 0.00005 + (k - 1) * 0.001;
            }
            sg17_can_frame f;
            mkframe(&f, ft, 0x100, x, 8);
            if (seq < sizeof is_forged)
                is_forged[seq] = (uint8_t)(k != 0);
            forged += k != 0;
            sg17_can_detector_feed(d, &f, seq++, al, &n);
            for (size_t j = 0; j < n; j++) {
                if (!al[j].flags_frame)
                    continue; /* bus-load: a window, not a frame */
                if (al[j].seq < sizeof is_forged && is_forged[al[j].seq])
                    forged_flagged++;
                else
                    genuine_flagged++;
            }
        }
    }
    do {
        sg17_can_detector_flush(d, al, &n);
        for (size_t j = 0; j < n; j++) {
            if (!al[j].flags_frame)
                continue;
            if (al[j].seq < sizeof is_forged && is_forged[al[j].seq])
                forged_flagged++;
            else
                genuine_flagged++;
        }
    } while (n);
    tap_ok(forged_flagged >= forged - 1,
           "flood of one forged payload: %d of %d forged frames flagged", forged_flagged, forged);
    tap_int_eq(genuine_flagged, 0, "... and none of the sender's frames");
    sg17_can_detector_free(d);
    sg17_can_profile_free(p);
}

/* An identifier with few training frames (1 s period, 20 frames in 20 s)
 * has no timing model worth the name: an extra frame sent on a data change
 * is not flagged; a flood still is. */
static void test_sparse_timing(void)
{
    sg17_can_profile *p;
    if (sg17_can_profile_new(&p) != 0)
        return;
    int e = 0;
    for (int pass = 0; pass < 2; pass++) {
        for (int i = 0; i < 2000; i++) { /* 100 Hz 0x100 and 1 Hz 0x380, 20 s */
            uint8_t x[8] = {(uint8_t)(i & 15), 0, 0, 0, 0, 0, 0, 0};
            sg17_can_frame f;
            mkframe(&f, 1 + i * 0.01, 0x100, x, 8);
            e |= sg17_can_profile_add(p, &f);
            if (i % 100 == 50) {
                uint8_t y[8] = {0x80, 0xA0, 0xA0, 0, 0, 0, 0x2A, 0};
                mkframe(&f, 1 + i * 0.01 + 0.003, 0x380, y, 8);
                e |= sg17_can_profile_add(p, &f);
            }
        }
        if (pass == 0)
            e |= sg17_can_profile_next_pass(p);
    }
    sg17_can_detector *d = NULL;
    if (e || sg17_can_profile_finish(p) != 0 || sg17_can_detector_new(p, &d) != 0) {
        tap_ok(0, "sparse: trained");
        sg17_can_profile_free(p);
        return;
    }
    uint64_t seq = 0;
    int on_change = 0, flood = 0;
    char ev[256];
    for (int i = 0; i < 600; i++) {
        double t = 100 + i * 0.01;
        uint8_t x[8] = {(uint8_t)(i & 15), 0, 0, 0, 0, 0, 0, 0};
        uint8_t y[8] = {i >= 105 ? 0x00 : 0x80, 0x20, 0x20, 0, 0, 0, 0x2A, 0};
        int before_flood = i < 400; /* the flood's bus-load alert comes after it */
        if (feed(d, t, 0x100, x, seq++, ev, sizeof ev)[0] && before_flood) {
            on_change++;
            tap_diag("%s", ev);
        }
        if ((i % 100 == 50 || i == 105) && /* on schedule, and once 0.45 s early on a change */
            feed(d, t + 0.003, 0x380, y, seq++, ev, sizeof ev)[0] && before_flood) {
            on_change++;
            tap_diag("%s", ev);
        }
        if (i == 400) /* a flood: 12 frames 0.3 ms apart */
            for (int k = 0; k < 12; k++)
                flood += strcmp(feed(d, t + 0.004 + k * 0.0003, 0x380, y, seq++, ev, sizeof ev),
                                "rate") == 0;
    }
    tap_int_eq(on_change, 0, "20 training frames: an extra frame on a data change is not flagged");
    tap_ok(flood >= 3, "... a flood of the identifier is (%d frames flagged)", flood);
    sg17_can_detector_free(d);
    sg17_can_profile_free(p);
}

/* J1939 in a provisional profile: an address claim that answers a request
 * for address claimed, and a parameter group sent on request, are expected
 * from identifiers the profile never saw; an unsolicited claim is flagged. */
static void test_j1939_requests(void)
{
    sg17_can_profile *p = train_eec1(); /* 10 s of EEC1 from address 0x00 */
    sg17_can_detector *d = NULL;
    if (!p || sg17_can_detector_new(p, &d) != 0) {
        tap_ok(0, "j1939: trained");
        sg17_can_profile_free(p);
        return;
    }
    sg17_can_alert al[SG17_CAN_MAX_ALERTS];
    size_t n;
    uint64_t seq = 0, unsolicited = UINT64_MAX, misdirected = UINT64_MAX, misclaim = UINT64_MAX;
    int flagged_unsolicited = 0, flagged_misdirected = 0, flagged_misclaim = 0, other = 0;
    for (int i = 0; i < 1000; i++) {
        double t = 100 + i * 0.01;
        uint8_t x[8] = {0xF0, 0x7D, 0x7D, (uint8_t)i, 0x1A, 0, 0xF0, 0x7D};
        sg17_can_frame fr[3];
        int m = 0;
        mkext(&fr[m++], t, 0x0CF00400, x, 8);
        if (i == 100) { /* request for address claimed, global, from 0xF9 */
            uint8_t q[3] = {0x00, 0xEE, 0x00};
            mkext(&fr[m++], t + 0.002, 0x18EAFFF9, q, 3);
        } else if (i == 120) { /* the claim that answers it, from 0x03 */
            uint8_t c[8] = {0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08};
            mkext(&fr[m++], t + 0.002, 0x18EEFF03, c, 8);
        } else if (i == 300) { /* request for engine hours (PGN 0xFEE5) and the answer */
            uint8_t q[3] = {0xE5, 0xFE, 0x00};
            uint8_t h[8] = {0xE6, 0x5D, 0x02, 0x00, 0x5F, 0x55, 0x00, 0x00};
            mkext(&fr[m++], t + 0.002, 0x18EA00F9, q, 3);
            mkext(&fr[m++], t + 0.004, 0x18FEE500, h, 8);
        } else if (i == 500) { /* a request to 0x00 answered by 0x33: not the addressed node */
            uint8_t q[3] = {0xE5, 0xFE, 0x00};
            uint8_t h[8] = {0xE6, 0x5D, 0x02, 0x00, 0x5F, 0x55, 0x00, 0x00};
            mkext(&fr[m++], t + 0.002, 0x18EA00F9, q, 3);
            misdirected = seq + 2;
            mkext(&fr[m++], t + 0.004, 0x18FEE533, h, 8);
        } else if (i == 400) { /* a claim request to 0x00 answered by a claim from 0x44 */
            uint8_t q[3] = {0x00, 0xEE, 0x00};
            uint8_t c[8] = {0x21, 0x22, 0x23, 0x24, 0x25, 0x26, 0x27, 0x28};
            mkext(&fr[m++], t + 0.002, 0x18EA00F9, q, 3);
            misclaim = seq + 2;
            mkext(&fr[m++], t + 0.004, 0x18EEFF44, c, 8);
        } else if (i == 700) { /* an unsolicited claim of address 0x00 */
            uint8_t c[8] = {0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88};
            unsolicited = seq + 1;
            mkext(&fr[m++], t + 0.002, 0x18EEFF00, c, 8);
        }
        for (int k = 0; k < m; k++) {
            sg17_can_detector_feed(d, &fr[k], seq++, al, &n);
            for (size_t j = 0; j < n; j++) {
                if (al[j].seq == unsolicited)
                    flagged_unsolicited = 1;
                else if (al[j].seq == misclaim)
                    flagged_misclaim = 1;
                else if (al[j].seq == misdirected)
                    flagged_misdirected = 1;
                else
                    other++;
            }
        }
    }
    do {
        sg17_can_detector_flush(d, al, &n);
        for (size_t j = 0; j < n; j++) {
            if (al[j].seq == misdirected)
                flagged_misdirected = 1;
            else
                other++;
        }
    } while (n);
    tap_ok(flagged_unsolicited, "J1939: an address claim that answers no request is flagged");
    tap_ok(flagged_misclaim, "J1939: a claim answering a request to another address is flagged");
    tap_ok(flagged_misdirected,
           "J1939: a lone answer from a node the request was not sent to is flagged");
    tap_int_eq(other, 0, "J1939: requests, a claim on request and a requested PGN: no alert");
    sg17_can_detector_free(d);
    sg17_can_profile_free(p);
}

static void test_probation(void)
{
    sg17_can_profile *p = train_const(10);
    sg17_can_detector *d;
    if (!p || sg17_can_detector_new(p, &d) != 0) {
        tap_ok(0, "probation: trained");
        sg17_can_profile_free(p);
        return;
    }
    sg17_can_alert al[SG17_CAN_MAX_ALERTS];
    size_t n;
    uint64_t seq = 0;
    int cohort_alerts = 0, steady_alerts = 0, fuzz_alerts = 0, fuzz_frames = 0, diag_alerts = 0,
        diag_frames = 0, single_alerts = 0, other = 0;
    double t = 100;
    uint32_t r = 99;
    for (int i = 0; i < 2000; i++, t += 0.01) {
        uint8_t x[8] = {(uint8_t)i, 0x00, 0xAA, 0, 0, 0, 0, 0};
        sg17_can_frame f;
        mkframe(&f, t, 0x100, x, 8);
        for (int k = 0; k < 8; k++) {
            if (k >= 1 && k <= 3) { /* ECU wake-up at t = 105: 3 ids at 10 Hz */
                if (i < 500 || i % 10)
                    continue;
                mkframe(&f, t + 0.001 * k, 0x300 + (uint32_t)k, x, 8);
            } else if (k == 4) { /* a lone new id at 2 Hz from t = 112, steady payload */
                if (i < 1200 || i % 50)
                    continue;
                mkframe(&f, t + 0.005, 0x5A0, x, 8);
            } else if (k == 5) { /* a lone new id at 1 Hz from t = 108, random payloads */
                if (i < 800 || i % 100)
                    continue;
                uint8_t z[8];
                for (int j = 0; j < 8; j++) {
                    r = r * 1103515245u + 12345u;
                    z[j] = (uint8_t)(r >> 16);
                }
                mkframe(&f, t + 0.006, 0x188, z, 8);
                fuzz_frames++;
            } else if (k == 6) { /* a diagnostic request at t = 115 and 116 */
                if (i != 1500 && i != 1600)
                    continue;
                uint8_t q[8] = {0x02, 0x10, 0x03, 0, 0, 0, 0, 0};
                mkframe(&f, t + 0.007, 0x7DF, q, 8);
                diag_frames++;
            } else if (k == 7) { /* a single frame of a new id, never repeated */
                if (i != 1900)
                    continue;
                mkframe(&f, t + 0.008, 0x6F1, x, 8);
            }
            sg17_can_detector_feed(d, &f, seq++, al, &n);
            for (size_t j = 0; j < n; j++) {
                if (al[j].id == 0x5A0)
                    steady_alerts++;
                else if (al[j].id == 0x188)
                    fuzz_alerts++;
                else if (al[j].id == 0x7DF)
                    diag_alerts++;
                else if (al[j].id >= 0x301 && al[j].id <= 0x303)
                    cohort_alerts++;
                else
                    other++;
            }
        }
    }
    do {
        sg17_can_detector_flush(d, al, &n);
        for (size_t j = 0; j < n; j++) {
            fuzz_alerts += al[j].id == 0x188;
            single_alerts += al[j].id == 0x6F1;
            other += al[j].id != 0x188 && al[j].id != 0x6F1;
        }
    } while (n);
    tap_int_eq(cohort_alerts, 0, "three identifiers waking up together: adopted, no alert");
    tap_int_eq(steady_alerts, 0, "a lone new identifier with a steady payload: adopted, no alert");
    tap_ok(fuzz_alerts == fuzz_frames && fuzz_frames > 0,
           "a new identifier with random payloads: every frame flagged (%d of %d)", fuzz_alerts,
           fuzz_frames);
    tap_ok(diag_alerts == diag_frames && diag_frames == 2,
           "a diagnostic identifier (0x7DF): flagged at once (%d of %d)", diag_alerts, diag_frames);
    tap_int_eq(single_alerts, 1, "a single frame of a new identifier, never repeated: flagged");
    tap_int_eq(other, 0, "no other alert");
    sg17_can_detector_free(d);
    sg17_can_profile_free(p);
}

/* Extra copies within a quarter period in training - even in the first
 * slots, which the slot model only anchors on - make an identifier not
 * strictly periodic (Corvette 0x130 at key-on): a later extra copy is not a
 * timing alarm. Without them the same identifier is periodic and the copy is
 * flagged. */
static void test_training_extras(void)
{
    for (int with_extras = 0; with_extras < 2; with_extras++) {
        sg17_can_profile *p;
        if (sg17_can_profile_new(&p) != 0)
            return;
        int e = 0;
        for (int pass = 0; pass < 2; pass++) {
            for (int i = 0; i < 70; i++) { /* 0.2 s period, 14 s */
                uint8_t x[8] = {0, 0, 0, 0x8A, 0, 0, 0, 0};
                sg17_can_frame f;
                mkframe(&f, 1 + i * 0.2, 0x130, x, 4);
                e |= sg17_can_profile_add(p, &f);
                if (with_extras && i < 3) { /* key-on: a copy 20 ms later */
                    mkframe(&f, 1 + i * 0.2 + 0.02, 0x130, x, 4);
                    e |= sg17_can_profile_add(p, &f);
                }
            }
            if (pass == 0)
                e |= sg17_can_profile_next_pass(p);
        }
        sg17_can_detector *d = NULL;
        if (e || sg17_can_profile_finish(p) != 0 || sg17_can_detector_new(p, &d) != 0) {
            tap_ok(0, "training extras: trained");
            sg17_can_profile_free(p);
            return;
        }
        int alerts = 0;
        uint64_t seq = 0;
        for (int i = 0; i < 40; i++) {
            uint8_t x[8] = {0, 0, 0, 0x8A, 0, 0, 0, 0};
            sg17_can_frame f;
            sg17_can_alert al[SG17_CAN_MAX_ALERTS];
            size_t n;
            for (int k = 0; k < (i == 20 ? 2 : 1); k++) {
                mkframe(&f, 100 + i * 0.2 - (k ? 0.019 : 0), 0x130, x, 4);
                sg17_can_detector_feed(d, &f, seq++, al, &n);
                alerts += (int)n;
            }
        }
        do {
            sg17_can_alert al[SG17_CAN_MAX_ALERTS];
            size_t n;
            sg17_can_detector_flush(d, al, &n);
            alerts += (int)n;
            if (!n)
                break;
        } while (1);
        if (with_extras)
            tap_int_eq(alerts, 0, "copies in the training's first slots: a later copy is no alarm");
        else
            tap_ok(alerts >= 1, "no copies in training: a later copy is flagged (%d)", alerts);
        sg17_can_detector_free(d);
        sg17_can_profile_free(p);
    }
}

/* A slot contest's alert names what decided it. A sender at 10 ms (+-0.2
 * ms in training), one steady payload: a copy injected 1.5 ms before one of
 * its frames loses the slot when the sender's comes, off the schedule while
 * the sender's is on it; a copy 0.2 ms after another frame, both on the
 * schedule, loses by its distance from the expected arrival. */
static void steady_fill(int i, uint8_t *x, void *ctx)
{
    (void)i;
    (void)ctx;
    memset(x, 0x11, 8);
}

static double jit_10ms(int i, void *ctx)
{
    (void)ctx;
    return 1 + i * 0.01 + ((i * 7) % 5 - 2) * 0.0001;
}

static void test_contest_evidence(void)
{
    sg17_can_profile *p = train_frames(2000, 0x300, 0, steady_fill, jit_10ms, NULL);
    sg17_can_detector *d = NULL;
    if (!p || sg17_can_detector_new(p, &d) != 0) {
        tap_ok(0, "contest evidence: trained");
        sg17_can_profile_free(p);
        return;
    }
    char ev_early[200] = "", ev_late[200] = "";
    int other = 0;
    uint64_t seq = 0;
    for (int g = 0; g < 200; g++) {
        double t = 30 + g * 0.01;
        uint8_t x[8];
        steady_fill(g, x, NULL);
        /* the frames of this period in time order: the sender's, and a copy */
        double tf[2] = {t, 0};
        int nf = 1;
        if (g == 100) {
            tf[0] = t - 0.0015;
            tf[1] = t;
            nf = 2;
        } else if (g == 150) {
            tf[1] = t + 0.0002;
            nf = 2;
        }
        for (int k = 0; k < nf; k++) {
            sg17_can_frame f;
            sg17_can_alert al[SG17_CAN_MAX_ALERTS];
            size_t n;
            uint64_t sq = seq++;
            mkframe(&f, tf[k], 0x300, x, 8);
            sg17_can_detector_feed(d, &f, sq, al, &n);
            for (size_t j = 0; j < n; j++) {
                if (al[j].t == 30 + 100 * 0.01 - 0.0015)
                    snprintf(ev_early, sizeof ev_early, "%s", al[j].evidence);
                else if (al[j].t == 30 + 150 * 0.01 + 0.0002)
                    snprintf(ev_late, sizeof ev_late, "%s", al[j].evidence);
                else
                    other++;
            }
        }
    }
    tap_ok(strstr(ev_early, "lost its period slot") &&
               strstr(ev_early, "it was off the schedule, the other on it"),
           "a copy sent early loses its slot: off the schedule (%s)", ev_early);
    tap_ok(strstr(ev_late, "farther from the expected arrival than the other") != NULL,
           "a copy sent just after: farther from the expected arrival (%s)", ev_late);
    tap_int_eq(other, 0, "the sender's frames: no alert");
    sg17_can_detector_free(d);
    sg17_can_profile_free(p);
}

/* Every alert's evidence fits its field whole, with absolute timestamps and
 * an extended identifier: a J1939 sender at 10 ms spoofed at its rate 4 ms
 * behind it (the extra-stream alerts, the longest texts, were cut). */
static double abs_10ms(int i, void *ctx) /* jit_10ms from an absolute time */
{
    return 1757616999.0 + jit_10ms(i, ctx);
}

static void test_evidence_fits(void)
{
    sg17_can_profile *p = train_frames(2000, 0x18FEF100, 1, eec1_fill, abs_10ms, NULL);
    sg17_can_detector *d = NULL;
    if (!p || sg17_can_detector_new(p, &d) != 0) {
        tap_ok(0, "evidence length: trained");
        sg17_can_profile_free(p);
        return;
    }
    size_t longest = 0, alerts = 0;
    int cut = 0;
    uint64_t seq = 0;
    for (int g = 0; g < 400; g++) {
        double t = 1757617442.0 + g * 0.01;
        for (int k = 0; k < (g >= 100 ? 2 : 1); k++) {
            uint8_t x[8];
            sg17_can_frame f;
            sg17_can_alert al[SG17_CAN_MAX_ALERTS];
            size_t n;
            eec1_fill(k ? 0x5A : g, x, NULL);
            x[4] = (uint8_t)(k ? 0xF3 : 0x1A);
            mkext(&f, t + k * 0.004, 0x18FEF100, x, 8);
            sg17_can_detector_feed(d, &f, seq++, al, &n);
            for (size_t j = 0; j < n; j++) {
                size_t len = strlen(al[j].evidence);
                alerts++;
                if (len > longest)
                    longest = len;
                cut |= len + 1 >= sizeof al[j].evidence;
            }
        }
    }
    tap_ok(alerts >= 300 && !cut, "%zu alerts, the longest evidence %zu bytes: none cut", alerts,
           longest);
    sg17_can_detector_free(d);
    sg17_can_profile_free(p);
}

int main(void)
{
    test_deferred_const();
    test_rephase();
    test_flood_same_payload();
    test_sparse_timing();
    test_probation();
    test_j1939_requests();
    test_training_extras();
    test_contest_evidence();
    test_evidence_fits();
    return tap_done();
}
