/* Payload checksum model, byte relations and identifier-transition model on synthetic
 * traffic with known properties: a checksum byte made with each supported
 * algorithm (learned, then a broken checksum is flagged and a payload whose
 * checksum was recomputed with the right algorithm is not), and an
 * identifier order that never occurs in training (flagged as transitions). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sg17/vehicle.h"
#include "tap.h"
#include "vehicle_test.h"

static uint32_t lcg = 12345;
static uint8_t rnd8(void)
{
    lcg = lcg * 1103515245u + 12345u;
    return (uint8_t)(lcg >> 16);
}

/* reference CRC-8, MSB first: SAE J1850 = poly 0x1D, AUTOSAR 8H2F = poly 0x2F,
 * both init 0xFF and final XOR 0xFF (catalogue check values 0x4B and 0xDF) */
static uint8_t crc8_ref(uint8_t poly, const uint8_t *d, unsigned n)
{
    uint8_t c = 0xFF;
    for (unsigned i = 0; i < n; i++) {
        c ^= d[i];
        for (int k = 0; k < 8; k++)
            c = (uint8_t)(c & 0x80 ? (unsigned)(c << 1) ^ poly : (unsigned)(c << 1));
    }
    return (uint8_t)(c ^ 0xFF);
}

enum { XOR, SUM, J1850, H2F, NIBSUM, NIBNEG, NALG };
static const char *const alg_name[NALG] = {"xor",      "sum",        "crc8-j1850",
                                           "crc8-h2f", "nibble-sum", "nibble-neg"};

/* byte 7 (or its low nibble) is the checksum of bytes 0..6 */
static void seal(int alg, uint8_t *d, uint32_t id)
{
    unsigned x = 0;
    switch (alg) {
    case XOR:
        for (int i = 0; i < 7; i++)
            x ^= d[i];
        d[7] = (uint8_t)(x ^ 0x5A);
        break;
    case SUM: /* Toyota style: id bytes + length + data */
        x = (id >> 8) + (id & 0xff) + 8;
        for (int i = 0; i < 7; i++)
            x += d[i];
        d[7] = (uint8_t)x;
        break;
    case J1850: d[7] = crc8_ref(0x1D, d, 7); break;
    case H2F: d[7] = crc8_ref(0x2F, d, 7); break;
    case NIBSUM:
    case NIBNEG: /* Honda style (NIBNEG): (8 - sum of the other nibbles) mod 16 */
        for (int i = 0; i < 7; i++)
            x += (unsigned)(d[i] >> 4) + (d[i] & 15u);
        x += (unsigned)(d[7] >> 4);
        d[7] = (uint8_t)((d[7] & 0xF0) | ((alg == NIBSUM ? x + 3 : 8u - x) & 15u));
        break;
    }
}

static void payload(int alg, uint8_t *d, uint32_t id)
{
    for (int i = 0; i < 8; i++)
        d[i] = rnd8();
    seal(alg, d, id);
}

static void ck_fill(int i, uint8_t *x, void *ctx)
{
    int alg = *(const int *)ctx;
    if (i == 0)
        lcg = 777u + (uint32_t)alg; /* the same payloads in both passes */
    payload(alg, x, 0x123);
}

static sg17_can_profile *train_ck(int alg)
{
    return train_gen(2000, 0x123, ck_fill, &alg);
}

static void test_checksums(void)
{
    for (int alg = 0; alg < NALG; alg++) {
        sg17_can_profile *p = train_ck(alg);
        tap_ok(p != NULL, "%s: trained", alg_name[alg]);
        if (!p)
            continue;
        /* the learned model survives a save/load round trip */
        const char *path = "vehicle_models.tmp";
        sg17_can_profile *q = NULL;
        tap_ok(sg17_can_profile_save(p, path) == 0 && sg17_can_profile_load(path, &q) == 0,
               "%s: profile saved and loaded", alg_name[alg]);
        remove(path);
        sg17_can_profile_free(p);
        if (!q)
            continue;
        sg17_can_detector *d;
        if (sg17_can_detector_new(q, &d) != 0) {
            sg17_can_profile_free(q);
            continue;
        }
        uint64_t seq = 0;
        int alerts = 0;
        double t = 100;
        lcg = 99u + (uint32_t)alg;
        for (int i = 0; i < 300; i++, t += 0.01) {
            uint8_t x[8];
            payload(alg, x, 0x123);
            alerts += feed(d, t, 0x123, x, seq++, NULL, 0)[0] != 0;
        }
        tap_ok(alerts == 0, "%s: clean frames with a valid checksum: no alert (%d)", alg_name[alg],
               alerts);
        /* a data byte changed, checksum left as it was */
        uint8_t x[8];
        payload(alg, x, 0x123);
        x[2] ^= 0x10;
        char ev[256];
        const char *det = feed(d, t, 0x123, x, seq++, ev, sizeof ev);
        t += 0.01;
        tap_ok(strcmp(det, "checksum") == 0 && strstr(ev, alg_name[alg]) != NULL,
               "%s: altered payload with a stale checksum flagged (%s: %s)", alg_name[alg], det,
               ev);
        /* an attacker who recomputes the checksum correctly is not flagged by it */
        payload(alg, x, 0x123);
        x[3] ^= 0x21;
        seal(alg, x, 0x123);
        det = feed(d, t, 0x123, x, seq++, ev, sizeof ev);
        t += 0.01;
        tap_ok(strcmp(det, "checksum") != 0, "%s: recomputed checksum passes (%s)", alg_name[alg],
               det);
        /* the checksum byte itself corrupted */
        payload(alg, x, 0x123);
        x[7] = (uint8_t)(x[7] ^ 0x01);
        det = feed(d, t, 0x123, x, seq++, ev, sizeof ev);
        tap_ok(strcmp(det, "checksum") == 0, "%s: flipped checksum bit flagged (%s)", alg_name[alg],
               det);
        sg17_can_detector_free(d);
        sg17_can_profile_free(q);
    }
    /* a byte that is merely random is not taken for a checksum */
    sg17_can_profile *p;
    if (sg17_can_profile_new(&p) == 0) {
        int ok = 1;
        for (int pass = 0; pass < 2 && ok; pass++) {
            lcg = 5;
            for (int i = 0; i < 2000 && ok; i++) {
                uint8_t d[8];
                for (int k = 0; k < 8; k++)
                    d[k] = rnd8();
                sg17_can_frame f;
                mkframe(&f, 1 + i * 0.01, 0x321, d, 8);
                ok = sg17_can_profile_add(p, &f) == 0;
            }
            if (pass == 0 && ok)
                ok = sg17_can_profile_next_pass(p) == 0;
        }
        ok = ok && sg17_can_profile_finish(p) == 0;
        sg17_can_detector *d;
        int flagged = 0;
        if (ok && sg17_can_detector_new(p, &d) == 0) {
            lcg = 6;
            for (int i = 0; i < 300; i++) {
                uint8_t x[8];
                for (int k = 0; k < 8; k++)
                    x[k] = rnd8();
                flagged += strcmp(feed(d, 100 + i * 0.01, 0x321, x, (uint64_t)i, NULL, 0),
                                  "checksum") == 0;
            }
            sg17_can_detector_free(d);
        }
        tap_ok(ok && flagged == 0, "random payloads: no checksum learned, none flagged (%d)",
               flagged);
        sg17_can_profile_free(p);
    }
}

/* Four identifiers, each 100 Hz, always on the bus in the order A B C D
 * (1 ms apart), 70 s. Detection: the same traffic, then B and C swap
 * places for 20 cycles - transitions A->C, C->B and B->D never occurred. */
static void cycle(sg17_can_detector *d, sg17_can_profile *p, double t0, int swap, uint64_t *seq,
                  int *n_trans, int *n_other)
{
    static const uint32_t ids[4] = {0x0A0, 0x0B0, 0x0C0, 0x0D0};
    for (int k = 0; k < 4; k++) {
        int j = swap && (k == 1 || k == 2) ? 3 - k : k;
        uint8_t x[8] = {0x11, 0x22, 0x33, 0x44, 0, 0, 0, (uint8_t)j};
        sg17_can_frame f;
        mkframe(&f, t0 + k * 0.001, ids[j], x, 8);
        if (p) {
            if (sg17_can_profile_add(p, &f) != 0)
                (*n_other)++;
            continue;
        }
        sg17_can_alert al[SG17_CAN_MAX_ALERTS];
        size_t n;
        sg17_can_detector_feed(d, &f, (*seq)++, al, &n);
        for (size_t i = 0; i < n; i++) {
            if (strcmp(al[i].detector, "transition") == 0)
                (*n_trans)++;
            else
                (*n_other)++;
        }
    }
}

/* Mark the frames (by sequence number, < cap) that alerts flag. */
static void mark_hits(const sg17_can_alert *al, size_t n, uint8_t *hit, uint64_t cap)
{
    for (size_t j = 0; j < n; j++)
        if (al[j].flags_frame && al[j].seq < cap)
            hit[al[j].seq] = 1;
}

static void test_transitions(void)
{
    sg17_can_profile *p;
    if (sg17_can_profile_new(&p) != 0) {
        tap_ok(0, "profile");
        return;
    }
    int tr = 0, other = 0;
    uint64_t seq = 0;
    for (int pass = 0; pass < 2; pass++) {
        for (int i = 0; i < 7000; i++) /* 70 s: transitions are judged from 60 s of traffic */
            cycle(NULL, p, 1 + i * 0.01, 0, &seq, &tr, &other);
        if (pass == 0 && sg17_can_profile_next_pass(p) != 0)
            other++;
    }
    tap_ok(other == 0 && sg17_can_profile_finish(p) == 0, "transitions: trained");
    sg17_can_detector *d;
    if (sg17_can_detector_new(p, &d) != 0) {
        sg17_can_profile_free(p);
        return;
    }
    double t = 100;
    for (int i = 0; i < 200; i++, t += 0.01)
        cycle(d, NULL, t, 0, &seq, &tr, &other);
    tap_ok(tr == 0 && other == 0, "learned order: no alert (%d transition, %d other)", tr, other);
    for (int i = 0; i < 20; i++, t += 0.01)
        cycle(d, NULL, t, 1, &seq, &tr, &other);
    tap_ok(tr >= 20, "B and C swapped for 20 cycles: transition alerts (%d)", tr);
    tap_int_eq(other, 0, "reordering within the period: no timing or payload alert");
    int tr_before = tr;
    for (int i = 0; i < 300; i++, t += 0.01)
        cycle(d, NULL, t, 0, &seq, &tr, &other);
    tap_ok(tr - tr_before <= 3, "learned order again: the alerts stop (%d)", tr - tr_before);
    sg17_can_detector_free(d);
    /* B flooded every 1 ms (byte 0 forged) for 0.5 s, between the frames
     * of the cycle: the pairs the flood makes with A, C and D are novel, but
     * they say nothing of A, C and D (DAGA 0x065 flooded: 385 frames of
     * other identifiers flagged as transitions before the rule) */
    static uint8_t kind[1700], hit[1700]; /* per frame: 1 flood, 2 A/C/D, 3 B */
    int flood_hit = 0, flood_n = 0, others_hit = 0, nf = 0;
    if (sg17_can_detector_new(p, &d) == 0) {
        static const uint32_t ids[4] = {0x0A0, 0x0B0, 0x0C0, 0x0D0};
        sg17_can_alert al[SG17_CAN_MAX_ALERTS];
        size_t n;
        t = 200;
        for (int i = 0; i < 300; i++, t += 0.01) {
            /* the cycle spread over the period (A, B, C, D 2.6 ms apart):
             * frames of C and D come between flood frames */
            int flood = i >= 100 && i < 150, m = 0, k = 0;
            while ((k < 4 || (flood && m < 10)) && nf < 1700) {
                int fl = k == 4 || (flood && m < 10 && m * 0.001 + 0.0005 < k * 0.0026);
                int id = fl ? 1 : k;
                uint8_t x[8] = {0x11, 0x22, 0x33, 0x44, 0, 0, 0, (uint8_t)id};
                sg17_can_frame f;
                x[0] ^= (uint8_t)(fl ? 0xFF : 0); /* a forged signal */
                mkframe(&f, t + (fl ? m++ * 0.001 + 0.0005 : k++ * 0.0026), ids[id], x, 8);
                kind[nf] = (uint8_t)(fl ? 1 : id == 1 ? 3 : 2);
                sg17_can_detector_feed(d, &f, (uint64_t)nf++, al, &n);
                mark_hits(al, n, hit, 1700);
            }
        }
        do {
            sg17_can_detector_flush(d, al, &n);
            mark_hits(al, n, hit, 1700);
        } while (n);
        sg17_can_detector_free(d);
    }
    for (int i = 0; i < nf; i++) {
        flood_n += kind[i] == 1;
        flood_hit += kind[i] == 1 && hit[i];
        others_hit += kind[i] == 2 && hit[i];
    }
    tap_ok(flood_n == 500 && flood_hit >= 495, "a 1-ms flood of B: %d of %d frames flagged",
           flood_hit, flood_n);
    tap_int_eq(others_hit, 0, "... and no frame of A, C or D");
    sg17_can_profile_free(p);
}

/* A byte that only mirrors a rolling counter (the rest of the payload
 * constant) looks like a nibble checksum until another signal moves: it must
 * not be learned as one (DAGA 0x145: learned from 30 s, then broken by every
 * frame after 60 s). With a second varying input the relation is learned. */
static void ck145_payload(uint8_t *x, int i, int vary)
{
    static const uint8_t base[8] = {0xFD, 0x02, 0xD0, 0x80, 0xFC, 0xC8, 0x10, 0xA1};
    memcpy(x, base, 8);
    x[1] = (uint8_t)((i & 15) << 4 | 0x02);
    if (vary)
        x[5] = (uint8_t)(0xC0 | (i * 7 / 16 & 15)); /* a second, slower signal */
    x[2] = (uint8_t)(0xD0 | ((0 - (i & 15) - (vary ? x[5] & 15 : 8) + 3) & 15));
}

static void test_checksum_needs_two_inputs(void)
{
    for (int vary = 0; vary < 2; vary++) {
        sg17_can_profile *p;
        if (sg17_can_profile_new(&p) != 0)
            return;
        int e = 0;
        for (int pass = 0; pass < 2; pass++) {
            for (int i = 0; i < 1500; i++) {
                uint8_t x[8];
                ck145_payload(x, i, vary);
                sg17_can_frame f;
                mkframe(&f, 1 + i * 0.02, 0x145, x, 8);
                e |= sg17_can_profile_add(p, &f);
            }
            if (pass == 0)
                e |= sg17_can_profile_next_pass(p);
        }
        sg17_can_detector *d = NULL;
        if (e || sg17_can_profile_finish(p) != 0 || sg17_can_detector_new(p, &d) != 0) {
            tap_ok(0, "checksum inputs: trained");
            sg17_can_profile_free(p);
            return;
        }
        int ck = 0;
        char ev[256];
        for (int i = 1500; i < 1700; i++) {
            uint8_t x[8];
            ck145_payload(x, i, vary);
            if (!vary)
                x[5] = 0x48; /* a signal moves: one bit, the "checksum" does not follow */
            else if (i == 1600)
                x[2] ^= 0x01; /* a forged frame with a wrong checksum nibble */
            ck += strcmp(feed(d, 100 + (i - 1500) * 0.02, 0x145, x, (uint64_t)i, ev, sizeof ev),
                         "checksum") == 0;
        }
        if (!vary)
            tap_int_eq(ck, 0,
                       "counter mirrored by a nibble, nothing else varying: no checksum learned");
        else
            tap_int_eq(ck, 1,
                       "counter and a second signal under a nibble checksum: learned, the "
                       "forged frame flagged");
        sg17_can_detector_free(d);
        sg17_can_profile_free(p);
    }
}

/* 2- and 3-bit rolling counters: byte 0 high nibble counts 0..3, byte 1 high
 * nibble counts 0..7, all else random; 100 Hz, 20 s of training. */
static void ctr_payload(uint8_t *d, int i)
{
    for (int k = 0; k < 8; k++)
        d[k] = rnd8();
    d[0] = (uint8_t)((i % 4) << 4 | (d[0] & 15));
    d[1] = (uint8_t)((i % 8) << 4 | (d[1] & 15));
}

static void test_small_counters(void)
{
    sg17_can_profile *p;
    if (sg17_can_profile_new(&p) != 0)
        return;
    int ok = 1;
    for (int pass = 0; pass < 2 && ok; pass++) {
        lcg = 4242;
        for (int i = 0; i < 2000 && ok; i++) {
            uint8_t d[8];
            ctr_payload(d, i);
            sg17_can_frame f;
            mkframe(&f, 1 + i * 0.01, 0x1A0, d, 8);
            ok = sg17_can_profile_add(p, &f) == 0;
        }
        if (pass == 0 && ok)
            ok = sg17_can_profile_next_pass(p) == 0;
    }
    ok = ok && sg17_can_profile_finish(p) == 0;
    sg17_can_detector *d;
    if (!ok || sg17_can_detector_new(p, &d) != 0) {
        tap_ok(0, "small counters: trained");
        sg17_can_profile_free(p);
        return;
    }
    int alerts = 0;
    uint64_t seq = 0;
    double t = 100;
    int i = 0;
    for (; i < 300; i++, t += 0.01) {
        uint8_t x[8];
        ctr_payload(x, i);
        alerts += feed(d, t, 0x1A0, x, seq++, NULL, 0)[0] != 0;
    }
    tap_ok(alerts == 0, "2- and 3-bit counters continuing (with wrap): no alert (%d)", alerts);
    uint8_t x[8];
    char ev[256];
    ctr_payload(x, i - 1); /* the 2-bit counter repeats the previous value */
    x[1] = (uint8_t)((i % 8) << 4 | (x[1] & 15));
    const char *det = feed(d, t, 0x1A0, x, seq++, ev, sizeof ev);
    tap_ok(strcmp(det, "counter") == 0 && strstr(ev, "mod 4 0001") != NULL,
           "2-bit counter repeated: counter alert (%s: %s)", det, ev);
    t += 0.01;
    i++;
    ctr_payload(x, i - 1);
    feed(d, t, 0x1A0, x, seq++, NULL, 0); /* back in step */
    t += 0.01;
    ctr_payload(x, i);
    x[1] = (uint8_t)(((i + 3) % 8) << 4 | (x[1] & 15)); /* the 3-bit counter jumps */
    det = feed(d, t, 0x1A0, x, seq++, ev, sizeof ev);
    tap_ok(strcmp(det, "counter") == 0 && strstr(ev, "mod 8 0004") != NULL,
           "3-bit counter jumps by 3: counter alert (%s: %s)", det, ev);
    /* back in step, then the sender repeats a frame whole on schedule
     * (AUTOSAR E2E "repeated data"): no alert, and the sequence goes on */
    int rep_alerts = 0;
    for (int k = 0; k < 20; k++) {
        t += 0.01;
        i++;
        ctr_payload(x, i);
        rep_alerts += feed(d, t, 0x1A0, x, seq++, NULL, 0)[0] != 0;
    }
    tap_int_eq(rep_alerts, 0, "back in step: no alert");
    t += 0.01; /* the same payload again, in the next slot */
    rep_alerts += feed(d, t, 0x1A0, x, seq++, ev, sizeof ev)[0] != 0;
    for (int k = 0; k < 20; k++) {
        t += 0.01;
        i++;
        ctr_payload(x, i);
        rep_alerts += feed(d, t, 0x1A0, x, seq++, ev, sizeof ev)[0] != 0;
    }
    tap_int_eq(rep_alerts, 0, "a frame repeated whole on schedule: repeated data, no alert");
    sg17_can_detector_free(d);
    sg17_can_profile_free(p);
}

/* Relations between two bytes (a signal sent twice, a signal with its
 * complement): byte 4 = byte 1 and byte 3 = ~byte 2 in every training frame,
 * the other bytes random; bytes 5 and 6 equal too but taking 3 values only
 * (not learned: too few values to tell a relation from a coincidence). */
static void rel_fill(int i, uint8_t *x, void *ctx)
{
    (void)ctx;
    if (i == 0)
        lcg = 4242u; /* the same payloads in both passes */
    for (int k = 0; k < 8; k++)
        x[k] = rnd8();
    x[1] = (uint8_t)(0x10 + x[1] % 0x20);
    x[4] = x[1];
    x[3] = (uint8_t)~x[2];
    x[5] = x[6] = (uint8_t)(x[5] % 3);
}

static void test_relations(void)
{
    sg17_can_profile *p = train_gen(2000, 0x316, rel_fill, NULL);
    const char *path = "vehicle_models_rel.tmp";
    sg17_can_profile *q = NULL;
    tap_ok(p && sg17_can_profile_save(p, path) == 0 && sg17_can_profile_load(path, &q) == 0,
           "relations: trained, saved and loaded");
    sg17_can_profile_free(p);
    sg17_can_detector *d = NULL;
    if (!q || sg17_can_detector_new(q, &d) != 0) {
        sg17_can_profile_free(q);
        remove(path);
        return;
    }
    uint64_t seq = 0;
    double t = 100;
    int alerts = 0;
    lcg = 1717u;
    for (int i = 0; i < 300; i++, t += 0.01) {
        uint8_t x[8];
        rel_fill(1, x, NULL);
        x[5] = 1;
        x[6] = (uint8_t)(i % 2); /* bytes 5 and 6 apart: no relation learned there */
        alerts += feed(d, t, 0x316, x, seq++, NULL, 0)[0] != 0;
    }
    tap_int_eq(alerts, 0, "relations: frames that keep them, no alert");
    uint8_t x[8];
    char ev[256];
    rel_fill(1, x, NULL);
    x[4] ^= 0x01; /* a forged copy of the signal */
    const char *det = feed(d, t, 0x316, x, seq++, ev, sizeof ev);
    t += 0.01;
    tap_ok(strcmp(det, "payload-relation") == 0 && strstr(ev, "byte 4 equal to byte 1"),
           "byte 4 no longer equal to byte 1: flagged (%s: %s)", det, ev);
    rel_fill(1, x, NULL);
    x[2] ^= 0x80; /* the signal changed, its complement not */
    det = feed(d, t, 0x316, x, seq++, ev, sizeof ev);
    t += 0.01;
    tap_ok(strcmp(det, "payload-relation") == 0 && strstr(ev, "byte 3 the complement of byte 2"),
           "byte 3 no longer the complement of byte 2: flagged (%s: %s)", det, ev);
    rel_fill(1, x, NULL);
    x[1] = x[4] = 0x7E; /* both copies forged alike: a new value, no relation broken */
    det = feed(d, t, 0x316, x, seq++, ev, sizeof ev);
    tap_ok(strcmp(det, "payload-relation") != 0, "both copies changed alike: not by it (%s)", det);
    sg17_can_detector_free(d);
    sg17_can_profile_free(q);
    /* the relation masks are checked on load: a pair a < b < 8 only */
    FILE *f = fopen(path, "r");
    char buf[8192];
    size_t n = f ? fread(buf, 1, sizeof buf - 1, f) : 0;
    if (f)
        fclose(f);
    buf[n] = 0;
    /* the id line ends "rel_eq rel_not fast iso_ok alt step_up step_dn":
     * rel_not lies between its sixth and fifth last spaces */
    char *id = strstr(buf, "\nid "), *eol = id ? strchr(id + 1, '\n') : NULL, *sp[6] = {0};
    for (char *c = id; c && c < eol; c++)
        if (*c == ' ') {
            memmove(sp, sp + 1, 5 * sizeof sp[0]);
            sp[5] = c;
        }
    int refused = 0;
    if (sp[0]) {
        /* bytes 2 and 3: bit 8 * 2 + 3 */
        tap_ok(strncmp(sp[0], " 80000 ", 7) == 0, "rel_not found (%.*s)", (int)(sp[1] - sp[0] - 1),
               sp[0] + 1);
        memmove(sp[0] + 2, sp[1], strlen(sp[1]) + 1);
        sp[0][1] = '1'; /* bit 0: byte 0 with itself */
        f = fopen(path, "w");
        if (f) {
            fputs(buf, f);
            fclose(f);
        }
        sg17_can_profile *r = NULL;
        refused = sg17_can_profile_load(path, &r) == SG17_E_FORMAT && r == NULL;
        sg17_can_profile_free(r);
    }
    tap_ok(refused, "a relation of a byte with itself refused on load");
    remove(path);
}

int main(void)
{
    test_small_counters();
    test_checksums();
    test_checksum_needs_two_inputs();
    test_transitions();
    test_relations();
    return tap_done();
}
