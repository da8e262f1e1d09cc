/* Profile training on synthetic traffic, save/load round trip, refusal of
 * malformed profile files, and the detectors on hand-made attacks. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sg17/vehicle.h"
#include "tap.h"
#include "vehicle_test.h"

/* 100 Hz id 0x100 with a counter nibble in byte 0, 70 s (learned-constant
 * bits flag frames by themselves from 60 s of traffic) */
static sg17_can_profile *train(void)
{
    sg17_can_profile *p;
    if (sg17_can_profile_new(&p) != 0)
        return NULL;
    for (int pass = 0; pass < 2; pass++) {
        for (int i = 0; i < 7000; i++) {
            uint8_t d[4] = {(uint8_t)(i % 16), 0x00, 0xAA, (uint8_t)(i % 3)};
            sg17_can_frame f;
            mkframe(&f, 10 + i * 0.01 + (i % 5) * 0.0004, 0x100, d, 4);
            if (sg17_can_profile_add(p, &f) != 0)
                return NULL;
        }
        if (pass == 0 && sg17_can_profile_next_pass(p) != 0)
            return NULL;
    }
    if (sg17_can_profile_finish(p) != 0)
        return NULL;
    return p;
}

static int feed_n(sg17_can_detector *d, double t, uint32_t id, const uint8_t *x, uint8_t n,
                  uint64_t seq, const char **det)
{
    sg17_can_frame f;
    sg17_can_alert al[SG17_CAN_MAX_ALERTS];
    size_t k;
    mkframe(&f, t, id, x, n);
    sg17_can_detector_feed(d, &f, seq, al, &k);
    if (k && det)
        *det = al[0].detector;
    return (int)k;
}

static int write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return -1;
    fputs(text, f);
    return fclose(f);
}

/* 1 if the two files hold the same bytes */
static int same_file(const char *a, const char *b)
{
    size_t na = 0, nb = 0;
    char *da = tap_read_file(a, &na), *db = tap_read_file(b, &nb);
    int same = da && db && na == nb && memcmp(da, db, na) == 0;
    free(da);
    free(db);
    return same;
}

/* Two clean captures trained together, the second an hour later: its ECUs
 * wake up at once - 20 periodic identifiers and 70 that send three frames
 * at key-on only. That is the start of a capture, no burst of fuzzing: all
 * 110 identifiers are learned, nothing is left out. */
static void test_two_captures(void)
{
    sg17_can_profile *p;
    int e = sg17_can_profile_new(&p);
    for (int pass = 0; pass < 2 && !e; pass++) {
        sg17_can_frame f;
        uint8_t d[8] = {0x11, 0x22, 0, 0, 0, 0, 0, 0};
        for (int i = 0; i < 2000; i++) { /* capture 1: 20 identifiers, 10 s */
            d[2] = (uint8_t)(i / 20);
            mkframe(&f, 100 + i * 0.005, 0x100 + (uint32_t)(i % 20), d, 8);
            e |= sg17_can_profile_add(p, &f);
        }
        for (int i = 0; i < 210; i++) { /* capture 2, key-on: 70 identifiers, 3 frames each */
            d[2] = (uint8_t)(i / 70);
            mkframe(&f, 3700 + i * 0.002, 0x400 + (uint32_t)(i % 70), d, 8);
            e |= sg17_can_profile_add(p, &f);
        }
        for (int i = 0; i < 2000; i++) { /* ... and 20 periodic identifiers */
            d[2] = (uint8_t)(i / 20);
            mkframe(&f, 3700.5 + i * 0.005, 0x200 + (uint32_t)(i % 20), d, 8);
            e |= sg17_can_profile_add(p, &f);
        }
        if (pass == 0)
            e |= sg17_can_profile_next_pass(p);
    }
    e |= sg17_can_profile_finish(p);
    uint64_t lf = 1, lx = 1, lz = 1;
    sg17_can_profile_left_out(p, &lf, &lx, &lz);
    tap_ok(!e && sg17_can_profile_ids(p) == 110 && lf + lx + lz == 0,
           "two captures an hour apart: %zu identifiers learned (110), %llu frames left out",
           sg17_can_profile_ids(p), (unsigned long long)(lf + lx + lz));
    sg17_can_profile_free(p);
}

int main(void)
{
    test_two_captures();
    sg17_can_profile *p = train();
    tap_ok(p != NULL, "trained");
    if (!p)
        return tap_done();
    tap_int_eq((long long)sg17_can_profile_ids(p), 1, "one identifier");

    sg17_can_detector *d;
    tap_int_eq(sg17_can_detector_new(p, &d), 0, "detector");
    uint64_t seq = 0;
    int alerts = 0;
    const char *det = "";
    /* clean continuation */
    for (int i = 0; i < 500; i++) {
        uint8_t x[4] = {(uint8_t)(i % 16), 0x00, 0xAA, (uint8_t)(i % 3)};
        alerts += feed_n(d, 100 + i * 0.01, 0x100, x, 4, seq++, NULL);
    }
    tap_int_eq(alerts, 0, "clean continuation: no alert");
    uint8_t y[2] = {1, 2};
    tap_int_eq(feed_n(d, 105.0021, 0x7E0, y, 2, seq++, &det), 1, "unknown id alerts");
    tap_ok(strcmp(det, "unknown-id") == 0, "detector unknown-id (%s)", det);
    /* a forged payload in the sender's slot: judged at the identifier's next
     * frame, which does not keep the change */
    uint8_t z[4] = {500 % 16, 0xFF, 0x55, 0}; /* the counter continued, constants forged */
    uint64_t zseq = seq;
    det = "-";
    int kz = feed_n(d, 105.0052, 0x100, z, 4, seq++, &det);
    tap_ok(kz == 0, "many constant bits changed: the verdict waits for the next frame (%d, %s)", kz,
           det);
    {
        uint8_t x[4] = {(uint8_t)(501 % 16), 0x00, 0xAA, (uint8_t)(501 % 3)};
        sg17_can_frame f;
        sg17_can_alert al[SG17_CAN_MAX_ALERTS];
        size_t k;
        mkframe(&f, 105.01, 0x100, x, 4);
        sg17_can_detector_feed(d, &f, seq++, al, &k);
        /* (the timing model flags it too: it lost the sender's slot) */
        int pc = 0, other = 0;
        for (size_t j = 0; j < k; j++) {
            pc += al[j].seq == zseq && strcmp(al[j].detector, "payload-const") == 0;
            other += al[j].seq != zseq;
        }
        tap_ok(pc == 1 && other == 0,
               "next frame has the constants back: the forged frame is flagged (%zu alerts, "
               "payload-const %d, on other frames %d)",
               k, pc, other);
    }
    uint8_t w[3] = {0, 0, 0xAA};
    tap_ok(feed_n(d, 105.0171, 0x100, w, 3, seq++, &det) >= 1 && strcmp(det, "dlc") == 0,
           "new length: dlc (%s)", det);
    sg17_can_detector_free(d);

    const char *path = "vehicle_profile.tmp";
    tap_int_eq(sg17_can_profile_save(p, path), 0, "saved");
    sg17_can_profile *q;
    tap_int_eq(sg17_can_profile_load(path, &q), 0, "loaded");
    tap_int_eq((long long)sg17_can_profile_ids(q), 1, "loaded: one identifier");
    /* saved again, the loaded profile is the same file: every model kept */
    const char *path2 = "vehicle_profile2.tmp";
    tap_int_eq(sg17_can_profile_save(q, path2), 0, "saved again");
    tap_ok(same_file(path, path2), "the loaded profile saves to the same file");
    remove(path2);
    sg17_can_profile_free(q);

    static const char *const bad[] = {
        "",
        "sg17-can-profile 1\nhas_time 1\nload_max 3\n",
        "sg17-can-profile 2\nhas_time 2\nload_max 3\n",
        "sg17-can-profile 2\nhas_time 1\nload_max 3\nid 100 0 5 1 1 0 0 0 0 1 0 00 00 00 00\n",
        "sg17-can-profile 2\nhas_time 1\nload_max 3\nid 800000000 0 5 1 0 0 0 0 0 1 0 "
        "0000000000000000 0000000000000000 "
        "000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
        "00000000000000000000000000000000000000 "
        "000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
        "00000000000000000000000000000000000000\n",
        "sg17-can-profile 2\nhas_time 1\nbogus\n",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        write_file(path, bad[i]);
        sg17_can_profile *r = NULL;
        int e = sg17_can_profile_load(path, &r);
        tap_ok(e == SG17_E_FORMAT && r == NULL, "malformed profile %zu refused (%d)", i, e);
        sg17_can_profile_free(r);
    }
    /* a duplicated identifier line */
    FILE *f = fopen(path, "w");
    if (f) {
        fputs("sg17-can-profile 2\nhas_time 1\nload_max 3\n", f);
        for (int i = 0; i < 2; i++)
            fputs("id 100 0 5 1 0 0 0 0 0 1 0 0000000000000000 0000000000000000 "
                  "00000000000000000000000000000000000000000000000000000000000000000000000000000000"
                  "000000000000000000000000000000000000000000000000 "
                  "00000000000000000000000000000000000000000000000000000000000000000000000000000000"
                  "000000000000000000000000000000000000000000000000\n",
                  f);
        fclose(f);
    }
    sg17_can_profile *r = NULL;
    tap_int_eq(sg17_can_profile_load(path, &r), SG17_E_FORMAT, "duplicate identifier refused");
    sg17_can_profile_free(r);
    remove(path);
    sg17_can_profile_free(p);
    return tap_done();
}
