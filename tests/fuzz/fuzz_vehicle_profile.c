/*
 * libFuzzer harness for the CAN profile loader (sg17_can_profile_load, text
 * format "sg17-can-profile 2|3": id lines with checksum fields, observed_s,
 * tr_thr and tr lines). The loader takes a path, so the input goes through a
 * temporary file. Oracle: no crash/UB; a loaded profile has at most 2048
 * identifiers, saves, reloads to the same identifier count, and a detector
 * runs over a few frames with it.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sg17/vehicle.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char path[] = "/tmp/fuzz_vehicle_profile.XXXXXX";
    int fd = mkstemp(path);
    if (fd < 0)
        return 0;
    FILE *f = fdopen(fd, "w");
    if (!f) {
        close(fd);
        unlink(path);
        return 0;
    }
    if (size && fwrite(data, 1, size, f) != size) {
        fclose(f);
        unlink(path);
        return 0;
    }
    fclose(f);
    sg17_can_profile *p = NULL;
    int e = sg17_can_profile_load(path, &p);
    if (e == 0) {
        if (!p || sg17_can_profile_ids(p) > 2048)
            abort();
        if (sg17_can_profile_save(p, path) != 0)
            abort();
        sg17_can_profile *q = NULL;
        if (sg17_can_profile_load(path, &q) != 0 ||
            sg17_can_profile_ids(q) != sg17_can_profile_ids(p))
            abort();
        sg17_can_profile_free(q);
        sg17_can_detector *d;
        if (sg17_can_detector_new(p, &d) != 0)
            abort();
        sg17_can_alert al[SG17_CAN_MAX_ALERTS];
        size_t n;
        for (unsigned i = 0; i < 64; i++) {
            sg17_can_frame fr;
            memset(&fr, 0, sizeof fr);
            fr.t = 1.0 + i * 0.003;
            fr.has_time = 1;
            fr.id = i % 3 == 0 ? 0x100 : i % 3 == 1 ? 0x7DF : i;
            fr.dlc = 8;
            fr.data[7] = (uint8_t)i;
            sg17_can_detector_feed(d, &fr, i, al, &n);
            if (n > SG17_CAN_MAX_ALERTS)
                abort();
        }
        do
            sg17_can_detector_flush(d, al, &n);
        while (n);
        sg17_can_detector_free(d);
    } else if (p) {
        abort();
    }
    sg17_can_profile_free(p);
    unlink(path);
    return 0;
}
