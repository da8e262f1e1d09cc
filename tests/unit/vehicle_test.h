/*
 * Helpers shared by the vehicle detector unit tests: synthetic frames,
 * one-frame feeding, training profiles (any identifier and timing, a
 * constant payload, J1939 EEC1).
 */
#ifndef SG17_TEST_VEHICLE_H
#define SG17_TEST_VEHICLE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sg17/vehicle.h"

static inline void mkframe(sg17_can_frame *f, double t, uint32_t id, const uint8_t *d, uint8_t n)
{
    memset(f, 0, sizeof *f);
    f->t = t;
    f->has_time = 1;
    f->id = id;
    f->dlc = n;
    memcpy(f->data, d, n);
}

/* A profile of 10 s is provisional: identifiers new to it go into
 * probation. Three new identifiers waking up together with steady traffic
 * are adopted; a lone new identifier is flagged, every frame of it. */
static inline void mkext(sg17_can_frame *f, double t, uint32_t id, const uint8_t *d, uint8_t n)
{
    mkframe(f, t, id, d, n);
    f->ext = 1;
}

/* feed one frame, return the first alert's detector ("" if none) */
static inline const char *feed(sg17_can_detector *d, double t, uint32_t id, const uint8_t *x,
                               uint64_t seq, char *evidence, size_t evlen)
{
    sg17_can_frame f;
    sg17_can_alert al[SG17_CAN_MAX_ALERTS];
    size_t k;
    mkframe(&f, t, id, x, 8);
    sg17_can_detector_feed(d, &f, seq, al, &k);
    if (evidence && evlen)
        snprintf(evidence, evlen, "%s", k ? al[0].evidence : "");
    return k ? al[0].detector : "";
}

typedef void (*train_fill_fn)(int i, uint8_t *x, void *ctx);
typedef double (*time_fn)(int i, void *ctx);

/* Train a profile on n given frames, both passes. */
static inline sg17_can_profile *train_array(const sg17_can_frame *fr, int n)
{
    sg17_can_profile *p;
    if (sg17_can_profile_new(&p) != 0)
        return NULL;
    int e = 0;
    for (int pass = 0; pass < 2 && !e; pass++) {
        for (int i = 0; i < n; i++)
            e |= sg17_can_profile_add(p, &fr[i]);
        if (pass == 0)
            e |= sg17_can_profile_next_pass(p);
    }
    if (e || sg17_can_profile_finish(p) != 0) {
        sg17_can_profile_free(p);
        return NULL;
    }
    return p;
}

/* Train a profile on n frames of one 8-byte identifier (29-bit if ext):
 * fill(i, x, ctx) writes frame i's payload, when(i, ctx) its time (each
 * called once per frame, i from 0); no time function: a capture without
 * timestamps. */
static inline sg17_can_profile *train_frames(int n, uint32_t id, int ext, train_fill_fn fill,
                                             time_fn when, void *ctx)
{
    sg17_can_frame *fr = malloc((size_t)(n > 0 ? n : 1) * sizeof *fr);
    if (!fr)
        return NULL;
    for (int i = 0; i < n; i++) {
        uint8_t x[8];
        fill(i, x, ctx);
        mkframe(&fr[i], when ? when(i, ctx) : 0, id, x, 8);
        fr[i].ext = (uint8_t)(ext != 0);
        fr[i].has_time = when != NULL;
    }
    sg17_can_profile *p = train_array(fr, n);
    free(fr);
    return p;
}

static inline double every_10ms(int i, void *ctx) /* from t = 1 s */
{
    (void)ctx;
    return 1 + i * 0.01;
}

/* n frames of one 11-bit identifier, one every 10 ms from t = 1 s */
static inline sg17_can_profile *train_gen(int n, uint32_t id, train_fill_fn fill, void *ctx)
{
    return train_frames(n, id, 0, fill, every_10ms, ctx);
}

static inline void eec1_fill(int i, uint8_t *x, void *ctx)
{
    (void)ctx;
    const uint8_t v[8] = {0xF0, 0x7D, 0x7D, (uint8_t)i, 0x1A, 0, 0xF0, 0x7D};
    memcpy(x, v, 8);
}

/* J1939: 10 s of EEC1 (PGN 0xF004) from address 0x00, 100 Hz from t = 1 s
 * (byte 3 counts). */
static inline sg17_can_profile *train_eec1(void)
{
    return train_frames(1000, 0x0CF00400, 1, eec1_fill, every_10ms, NULL);
}

static inline void const_fill(int i, uint8_t *x, void *ctx)
{
    (void)ctx;
    const uint8_t v[8] = {(uint8_t)i, 0x00, 0xAA, 0, 0, 0, 0, 0};
    memcpy(x, v, 8);
}

/* Profile of id 0x100 (byte 1 constant 0x00, byte 2 constant 0xAA), 100 Hz,
 * span seconds long. */
static inline sg17_can_profile *train_const(double span)
{
    return train_gen((int)(span * 100), 0x100, const_fill, NULL);
}

#endif
