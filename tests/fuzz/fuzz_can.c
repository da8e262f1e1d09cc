/*
 * libFuzzer harness for the vehicle capture readers (all formats, plain and
 * zip) and the detector fed with whatever frames they yield. Oracle: no
 * crash/UB; every accepted frame is normalised (dlc a CAN/CAN FD length,
 * 11-bit ids <= 0x7FF unless extended, bytes past dlc zero, label bounded),
 * and an error always comes with a "name:line:" or "name:" message. The
 * frames go through two detectors: one over a few frames (a provisional
 * profile: probation, flooding rules) and one over 70 s of generated
 * traffic (a full profile: slot model with its waiting verdicts, counters,
 * constant bits, transitions).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sg17/vehicle.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static sg17_can_profile *profile(void)
{
    static sg17_can_profile *p;
    if (!p) {
        const char *clean =
            "(0.000000) can0 100#0011\n(0.010000) can0 100#0012\n(0.020000) can0 100#0013\n"
            "(0.025000) can0 18FEF100#FFFFFFFFFFFFFFFF\n(0.030000) can0 100#0014\n";
        sg17_can_reader *r;
        sg17_can_frame f;
        if (sg17_can_profile_new(&p) != 0)
            abort();
        for (int pass = 0; pass < 2; pass++) {
            if (sg17_vehicle_open_mem((const uint8_t *)clean, strlen(clean), "seed", &r) != 0)
                abort();
            while (sg17_vehicle_next(r, &f) == 1)
                if (sg17_can_profile_add(p, &f) != 0)
                    abort();
            sg17_vehicle_close(r);
            if (pass == 0 && sg17_can_profile_next_pass(p) != 0)
                abort();
        }
        if (sg17_can_profile_finish(p) != 0)
            abort();
    }
    return p;
}

/* 70 s: 0x100 every 10 ms with a counter nibble, 0x200 every 20 ms
 * constant, J1939 0x0CF00400 every 50 ms with a slow signal */
static sg17_can_profile *full_profile(void)
{
    static sg17_can_profile *p;
    if (p)
        return p;
    if (sg17_can_profile_new(&p) != 0)
        abort();
    for (int pass = 0; pass < 2; pass++) {
        for (int i = 0; i < 7000; i++) {
            sg17_can_frame f;
            memset(&f, 0, sizeof f);
            f.has_time = 1;
            f.t = i * 0.01 + (i % 3) * 0.0002;
            f.id = 0x100;
            f.dlc = 4;
            f.data[0] = (uint8_t)(i & 15);
            f.data[1] = 0x5A;
            if (sg17_can_profile_add(p, &f) != 0)
                abort();
            if (i % 2 == 0) {
                f.t += 0.003;
                f.id = 0x200;
                f.dlc = 8;
                memset(f.data, 0x11, 8);
                if (sg17_can_profile_add(p, &f) != 0)
                    abort();
            }
            if (i % 5 == 0) {
                f.t += 0.001;
                f.id = 0x0CF00400;
                f.ext = 1;
                f.data[3] = (uint8_t)(i / 100);
                if (sg17_can_profile_add(p, &f) != 0)
                    abort();
            }
        }
        if (pass == 0 && sg17_can_profile_next_pass(p) != 0)
            abort();
    }
    if (sg17_can_profile_finish(p) != 0)
        abort();
    return p;
}

static void flush_all(sg17_can_detector *d)
{
    sg17_can_alert al[SG17_CAN_MAX_ALERTS];
    size_t n = 1;
    for (int rounds = 0; n; rounds++) {
        if (rounds > 10000)
            abort();
        sg17_can_detector_flush(d, al, &n);
        if (n > SG17_CAN_MAX_ALERTS)
            abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    sg17_can_detector *d, *d2;
    if (sg17_can_detector_new(profile(), &d) != 0 ||
        sg17_can_detector_new(full_profile(), &d2) != 0)
        abort();
    sg17_can_reader *r = NULL;
    int e = sg17_vehicle_open_mem(data, size, "fuzz", &r);
    if (e == 0) {
        sg17_can_frame f;
        sg17_can_alert al[SG17_CAN_MAX_ALERTS];
        uint64_t seq = 0;
        while ((e = sg17_vehicle_next(r, &f)) == 1) {
            static const uint8_t ok_len[] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 12, 16, 20, 24, 32, 48, 64};
            if (!memchr(ok_len, f.dlc, sizeof ok_len))
                abort();
            if (!f.ext && f.id > 0x7ff)
                abort();
            if (f.id > 0x1fffffff)
                abort();
            for (unsigned i = f.dlc; i < 64; i++)
                if (f.data[i])
                    abort();
            if (memchr(f.label, 0, sizeof f.label) == NULL)
                abort();
            size_t n;
            sg17_can_detector_feed(d, &f, seq, al, &n);
            if (n > SG17_CAN_MAX_ALERTS)
                abort();
            sg17_can_detector_feed(d2, &f, seq++, al, &n);
            if (n > SG17_CAN_MAX_ALERTS)
                abort();
        }
    }
    if (e < 0 && r && strncmp(sg17_vehicle_error(r), "fuzz", 4) != 0)
        abort();
    /* end of capture: identifiers still in probation and verdicts still
     * waiting are decided; the flush must terminate */
    flush_all(d);
    flush_all(d2);
    sg17_vehicle_close(r);
    sg17_can_detector_free(d);
    sg17_can_detector_free(d2);
    return 0;
}
