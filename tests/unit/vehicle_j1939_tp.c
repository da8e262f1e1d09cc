/*
 * SAE J1939-21 transport protocol checks (detector "j1939-tp") on
 * hand-built traffic: well-formed BAM and RTS/CTS transfers raise nothing;
 * a packet forged into a transfer, a packet or CTS with no connection, an
 * announcement whose size and packet count disagree, a BAM to one node, a
 * second connection while one is open, a packet after the receivers' 750 ms
 * timeout and a short TP frame are flagged - each naming its frame. A
 * packet of a connection opened before the detector started is not, nor
 * anything before a well-formed BAM or RTS has been seen.
 */
#include <stdio.h>
#include <string.h>

#include "sg17/vehicle.h"
#include "tap.h"
#include "vehicle_test.h"

static sg17_can_detector *det;
static uint64_t seq;
static double now;

/* Feed one frame at now += dt; return the evidence of its j1939-tp alert ("" if none). */
static const char *tp(double dt, uint32_t id, const uint8_t *x, uint8_t n)
{
    static char ev[256];
    sg17_can_frame f;
    sg17_can_alert al[SG17_CAN_MAX_ALERTS];
    size_t k;
    now += dt;
    mkext(&f, now, id, x, n);
    sg17_can_detector_feed(det, &f, seq++, al, &k);
    ev[0] = 0;
    for (size_t j = 0; j < k; j++)
        if (strcmp(al[j].detector, "j1939-tp") == 0 && al[j].seq == seq - 1)
            snprintf(ev, sizeof ev, "%s", al[j].evidence);
    return ev;
}

static void cm(uint8_t *x, uint8_t ctl, unsigned size, uint8_t packets, uint8_t max)
{
    const uint8_t v[8] = {ctl, (uint8_t)size, (uint8_t)(size >> 8), packets, max, 0xCA, 0xFE, 0x00};
    memcpy(x, v, 8);
}

static void dt(uint8_t *x, uint8_t s)
{
    memset(x, 0xAB, 8);
    x[0] = s;
}

int main(void)
{
    sg17_can_profile *p = train_eec1();
    if (!p || sg17_can_detector_new(p, &det) != 0) {
        tap_ok(0, "trained");
        sg17_can_profile_free(p);
        return tap_done();
    }
    uint8_t x[8];
    const char *ev0;
    /* before any well-formed BAM or RTS, nothing is judged (a proprietary
     * 29-bit network may use these PDU formats otherwise) */
    now = 50;
    dt(x, 1);
    tp(0, 0x1CEBFF00, x, 8);
    dt(x, 7);
    ev0 = tp(2, 0x1CEBFF00, x, 8);
    tap_ok(ev0[0] == 0, "unarmed: a packet with no connection not judged (%s)", ev0);
    cm(x, 32, 14, 5, 0xFF);
    ev0 = tp(0.5, 0x1CECFF00, x, 8);
    tap_ok(ev0[0] == 0, "unarmed: an inconsistent announcement not judged (%s)", ev0);
    sg17_can_detector_free(det);
    if (sg17_can_detector_new(p, &det) != 0) {
        sg17_can_profile_free(p);
        return tap_done();
    }
    now = 100;
    /* a packet of a transfer that began before the detector started: not judged */
    dt(x, 2);
    ev0 = tp(0, 0x1CEBFF00, x, 8);
    tap_ok(ev0[0] == 0, "a packet of a connection opened before the start: not judged (%s)", ev0);
    now += 2; /* past T3 */
    /* a well-formed BAM: 14 bytes, 2 packets, 50 ms apart */
    int clean = 0;
    for (int r = 0; r < 3; r++) {
        cm(x, 32, 14, 2, 0xFF);
        clean += tp(0.5, 0x1CECFF00, x, 8)[0] != 0;
        dt(x, 1);
        clean += tp(0.05, 0x1CEBFF00, x, 8)[0] != 0;
        dt(x, 2);
        clean += tp(0.05, 0x1CEBFF00, x, 8)[0] != 0;
    }
    /* a well-formed RTS/CTS transfer: 0x29 to 0x00, 20 bytes in 3 packets, two CTS */
    cm(x, 16, 20, 3, 2);
    clean += tp(0.3, 0x1CEC0029, x, 8)[0] != 0;
    const uint8_t cts1[8] = {17, 2, 1, 0xFF, 0xFF, 0xCA, 0xFE, 0x00};
    clean += tp(0.01, 0x1CEC2900, cts1, 8)[0] != 0;
    dt(x, 1);
    clean += tp(0.01, 0x1CEB0029, x, 8)[0] != 0;
    dt(x, 2);
    clean += tp(0.01, 0x1CEB0029, x, 8)[0] != 0;
    const uint8_t cts2[8] = {17, 1, 3, 0xFF, 0xFF, 0xCA, 0xFE, 0x00};
    clean += tp(0.01, 0x1CEC2900, cts2, 8)[0] != 0;
    dt(x, 3);
    clean += tp(0.01, 0x1CEB0029, x, 8)[0] != 0;
    const uint8_t eoma[8] = {19, 20, 0, 3, 0xFF, 0xCA, 0xFE, 0x00};
    clean += tp(0.01, 0x1CEC2900, eoma, 8)[0] != 0;
    tap_int_eq(clean, 0, "well-formed BAM and RTS/CTS transfers: no alert");

    /* a packet forged into a BAM (a replayed packet 1 after packet 2) */
    cm(x, 32, 34, 5, 0xFF);
    tp(0.5, 0x1CECFF00, x, 8);
    dt(x, 1);
    tp(0.05, 0x1CEBFF00, x, 8);
    dt(x, 2);
    tp(0.05, 0x1CEBFF00, x, 8);
    dt(x, 1);
    const char *ev = tp(0.001, 0x1CEBFF00, x, 8);
    tap_ok(strstr(ev, "TP.DT packet 1, expected packet 3") != NULL, "a forged packet: %s", ev);
    /* a packet with no connection */
    dt(x, 4);
    ev = tp(0.049, 0x1CEBFF00, x, 8);
    tap_ok(strstr(ev, "no open connection") != NULL, "the rest of the broken transfer: %s", ev);
    dt(x, 1);
    ev = tp(0.5, 0x1CEBFF31, x, 8);
    tap_ok(strstr(ev, "TP.DT packet 1 with no open connection") != NULL,
           "a packet from a node that announced nothing: %s", ev);
    /* size and packets disagree; a BAM to one node; an RTS to global */
    static const struct {
        uint8_t ctl;
        unsigned size;
        uint8_t packets, max;
        uint32_t id;
        const char *expect, *what;
    } bad_cm[] = {
        {32, 14, 5, 0xFF, 0x1CECFF00, "announces 14 bytes in 5 packets", "inconsistent BAM"},
        {32, 8, 2, 0xFF, 0x1CECFF00, "announces 8 bytes", "8 bytes by transport"},
        {32, 14, 2, 0xFF, 0x1CEC0000, "a BAM to one node", "BAM to one node"},
        {16, 14, 2, 2, 0x1CECFF29, "an RTS to global", "RTS to global"},
    };
    for (size_t i = 0; i < sizeof bad_cm / sizeof bad_cm[0]; i++) {
        cm(x, bad_cm[i].ctl, bad_cm[i].size, bad_cm[i].packets, bad_cm[i].max);
        ev = tp(0.5, bad_cm[i].id, x, 8);
        tap_ok(strstr(ev, bad_cm[i].expect) != NULL, "%s: %s", bad_cm[i].what, ev);
    }
    /* a second BAM from 0x00 while its first is open */
    cm(x, 32, 14, 2, 0xFF);
    tp(0.5, 0x1CECFF00, x, 8);
    cm(x, 32, 21, 3, 0xFF);
    ev = tp(0.02, 0x1CECFF00, x, 8);
    tap_ok(strstr(ev, "a new connection while one is open (packet 0 of 2 sent)") != NULL,
           "a second connection: %s", ev);
    /* a packet after the receivers gave up (T1 = 750 ms) */
    cm(x, 32, 14, 2, 0xFF);
    tp(1.0, 0x1CECFF00, x, 8);
    dt(x, 1);
    ev = tp(0.05, 0x1CEBFF00, x, 8);
    tap_ok(ev[0] == 0, "packet 1 in time: no alert (%s)", ev);
    dt(x, 2);
    ev = tp(0.8, 0x1CEBFF00, x, 8);
    tap_ok(strstr(ev, "no open connection") != NULL, "packet 2 after 800 ms: %s", ev);
    /* a data packet before any CTS; a CTS nobody asked for; a short TP frame */
    cm(x, 16, 20, 3, 2);
    tp(0.5, 0x1CEC0029, x, 8);
    dt(x, 1);
    ev = tp(0.01, 0x1CEB0029, x, 8);
    tap_ok(strstr(ev, "no CTS outstanding") != NULL, "a packet before the CTS: %s", ev);
    ev = tp(0.5, 0x1CEC3100, cts1, 8);
    tap_ok(strstr(ev, "a CTS with no open connection") != NULL, "an unasked CTS: %s", ev);
    ev = tp(0.5, 0x1CEBFF00, x, 5);
    tap_ok(strstr(ev, "a transport protocol frame of 5 bytes") != NULL, "a short TP frame: %s", ev);
    sg17_can_detector_free(det);
    sg17_can_profile_free(p);
    return tap_done();
}
