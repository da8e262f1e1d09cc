/*
 * The SAE J1939-21 transport checks on a real attack capture: SystemsCyber's
 * "memory leak" attack (candump/systemscyber_j1939/memory_leak_attack.log,
 * a research truck's bus, no per-frame labels). Node 0x00 announces 28 bytes
 * in 4 packets to 0xF9 (TP.CM RTS); 0xF9 answers with a CTS for 255 packets
 * from packet 6, and 0x00 sends them - 255 TP.DT frames of memory beyond the
 * message. The rest of the capture is the bus's own traffic, BAM transfers
 * from two nodes included. Online mode, the first 2 s learned: the CTS and
 * every leaked packet are flagged (by j1939-tp), no other frame is.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sg17/vehicle.h"
#include "tap.h"

#define CAPTURE "candump/systemscyber_j1939/memory_leak_attack.log"
#define LEARN   2.0
#define MAXF    4096

int main(void)
{
    const char *path = tap_vector_path(CAPTURE);
    sg17_can_profile *p = NULL;
    char err[512] = "";
    int e = sg17_vehicle_train(&path, 1, LEARN, &p, err, sizeof err);
    tap_ok(e == 0, "learned the first %.0f s (%s)", LEARN, err);
    sg17_can_detector *d = NULL;
    sg17_can_reader *r = NULL;
    if (e || sg17_can_detector_new(p, &d) != 0 || sg17_vehicle_open(path, &r) != 0) {
        sg17_vehicle_close(r);
        sg17_can_profile_free(p);
        return tap_done();
    }
    static uint8_t attack[MAXF], hit[MAXF], by_tp[MAXF];
    sg17_can_frame f;
    sg17_can_alert al[SG17_CAN_MAX_ALERTS];
    size_t n;
    uint64_t seq = 0;
    double t0 = 0;
    int first = 1, cts = 0;
    while (sg17_vehicle_next(r, &f) == 1) {
        if (first)
            t0 = f.t, first = 0;
        if (f.t - t0 < LEARN || seq >= MAXF)
            continue;
        /* the attack, from the capture's own frames: 0xF9's CTS to 0x00 and
         * every TP.DT frame from 0x00 to 0xF9 */
        attack[seq] = f.ext && (f.id == 0x18EC00F9 || f.id == 0x18EBF900);
        cts += f.id == 0x18EC00F9;
        sg17_can_detector_feed(d, &f, seq, al, &n);
        for (size_t k = 0; k < n; k++)
            if (al[k].flags_frame && al[k].seq < MAXF) {
                hit[al[k].seq] = 1;
                by_tp[al[k].seq] |= strcmp(al[k].detector, "j1939-tp") == 0;
            }
        seq++;
    }
    do {
        sg17_can_detector_flush(d, al, &n);
        for (size_t k = 0; k < n; k++)
            if (al[k].flags_frame && al[k].seq < MAXF)
                hit[al[k].seq] = 1;
    } while (n);
    unsigned na = 0, na_hit = 0, na_tp = 0, other = 0;
    for (uint64_t i = 0; i < seq; i++) {
        na += attack[i];
        na_hit += attack[i] && hit[i];
        na_tp += attack[i] && by_tp[i];
        other += !attack[i] && hit[i];
    }
    tap_ok(cts == 1 && na == 256, "the capture: one CTS and 255 leaked packets after %.0f s (%u)",
           LEARN, na);
    tap_int_eq(na_hit, na, "every attack frame flagged");
    tap_int_eq(na_tp, na, "... by the J1939-21 transport checks");
    tap_int_eq(other, 0, "no other frame flagged (BAM transfers of two nodes included)");
    sg17_vehicle_close(r);
    sg17_can_detector_free(d);
    sg17_can_profile_free(p);
    return tap_done();
}
