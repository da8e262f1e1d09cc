/*
 * X.1376 detection for CAN: probation of identifiers new to a provisional
 * profile (one that saw less than PROV_SPAN of traffic, docs/VEHICLE.md).
 * Such a profile cannot know every identifier of the vehicle - ECUs wake up,
 * slow and event-driven messages appear later - so a new identifier is held
 * and judged on how it behaves; a few are flagged at once by what the
 * standards make of them (ISO 15765-4 diagnostics, SAE J1939-21/-81
 * requests and address claims).
 */
#include <stdio.h>
#include <string.h>

#include "detector.h"

/* J1939 (29-bit): the parameter group number, and whether a new identifier
 * sends a PGN the profile knows from another source address. Requests,
 * transport (TP.CM, TP.DT), acknowledgements and address claims are sent by
 * any node and are not judged this way (SAE J1939-21/-81). */
static uint32_t j1939_pgn(uint32_t id)
{
    uint32_t pf = id >> 16 & 0xff, pgn = id >> 8 & 0x3ffff;
    return pf < 240 ? pgn & 0x3ff00 : pgn;
}

static int pgn_spoof(const sg17_can_detector *d, const sg17_can_frame *f, unsigned *sa)
{
    uint32_t pgn = j1939_pgn(f->id);
    uint32_t pf = pgn >> 8 & 0xff;
    if (pf == 0xe8 || pf == 0xea || pf == 0xeb || pf == 0xec || pf == 0xee)
        return 0;
    for (size_t i = 0; i < d->p->n; i++) {
        uint32_t k = d->p->ids[i].key;
        if (k >> 31 && j1939_pgn(k & 0x1fffffffu) == pgn && (k & 0xff) != (f->id & 0xff)) {
            *sa = k & 0xff;
            return 1;
        }
    }
    return 0;
}

/* J1939: was the frame's PGN requested (PGN 0xEA00) in the last 1.25 s -
 * globally, or from the frame's source address? A frame that answers a
 * request is expected even from an identifier the profile never saw (SAE
 * J1939-21 on-request parameter groups); a request to one destination is
 * answered by that destination only, so another source answering it is not
 * (a forged answer beside a request). */
static int j1939_requested(const sg17_can_detector *d, const sg17_can_frame *f)
{
    uint32_t pgn = j1939_pgn(f->id);
    uint8_t sa = (uint8_t)(f->id & 0xff);
    for (unsigned i = 0; i < 8 && i < d->n_req; i++)
        if (d->req_pgn[i] == pgn && (d->req_da[i] == 0xff || d->req_da[i] == sa) &&
            f->t - d->req_t[i] >= 0 && f->t - d->req_t[i] < 1.25)
            return 1;
    return 0;
}

static pendst *pend_find(sg17_can_detector *d, uint32_t k)
{
    for (unsigned i = 0; i < MAX_PEND; i++)
        if (d->pend[i].used && d->pend[i].key == k)
            return &d->pend[i];
    return NULL;
}

/* Probation over: adopt the identifier (judged for flooding and its lengths
 * only from now on), or flag every frame it sent in probation. A profile of
 * a few seconds cannot know every identifier of the vehicle: ECUs wake up,
 * slow and event-driven messages appear later (a Civic's 0x590 at 41 s, a
 * Genesis's 0x5A0 every 7 s). An identifier new to it is adopted if it
 * behaves like an ECU's: PEND_MIN frames or more, no flooding, and payloads
 * near their predecessors. Flooding, random payloads (fuzzing: on average
 * over 3/8 of the bits differ from the nearest of the previous four
 * payloads) or fewer than PEND_MIN frames in PEND_LONG are flagged. */
static void pend_close(sg17_can_detector *d, pendst *q, double now)
{
    unsigned pf = q->key >> 16 & 0xff;
    int tp = d->tp_armed && q->key >> 31 && (pf == 0xeb || pf == 0xec); /* J1939 transport data */
    int random = !tp && q->ham_bits > 0 && 8 * q->ham_sum >= 3 * q->ham_bits;
    int adopt = (q->n >= PEND_MIN || q->expected) && !q->flood && !random;
    if (!adopt && q->slot < 0 && (q->flood || random))
        d->bad_key[d->n_bad++ % MAX_PEND] = q->key;
    if (!adopt && q->slot < 0) {
        char hx[17];
        veh_frame_hex(hx, q->data, q->dlc);
        unsigned held = q->n < PEND_SEQ ? q->n : PEND_SEQ;
        for (unsigned i = 0; i < held && d->aq_n < AQ_SIZE; i++) {
            sg17_can_alert *a = &d->aq[(d->aq_head + d->aq_n++) % AQ_SIZE];
            memset(a, 0, sizeof *a);
            a->seq = q->seqs[i];
            a->t = q->ts[i];
            a->t_decided = now;
            a->id = q->key & 0x1fffffffu;
            a->ext = (uint8_t)(q->key >> 31);
            a->flags_frame = 1;
            a->detector = "unknown-id";
            a->score = 0.8;
            snprintf(a->evidence, sizeof a->evidence,
                     "frame %X#%s: identifier not in the profile; in %.1f s of probation %u "
                     "frame(s)%s; %u of %u bits differ from the nearest of its previous four "
                     "payloads",
                     (unsigned)a->id, hx, now - q->t0, q->n,
                     q->flood ? ", flooding"
                     : random ? ", random payloads"
                              : ", no second frame",
                     q->ham_sum, q->ham_bits);
        }
    } else if (adopt) {
        int s = q->slot;
        if (s < 0)
            s = insert_in(d->ids, d->slot, &d->n, q->key);
        if (s >= 0) {
            idprof *ip = &d->ids[s];
            ip->lenmask = (uint16_t)(ip->lenmask | q->lenmask);
            for (unsigned i = 16; i-- > 0;)
                if (ip->lenmask >> i & 1) {
                    ip->maxlen = len_codes[i];
                    break;
                }
            ip->periodic = 0;
            ip->min_gap = 2 * FLOOD_GAP; /* judged for flooding only */
            ip->rate_max = 0;
            if (ip->count < MIN_TIMING)
                ip->count = MIN_TIMING; /* timing trusted, no payload model yet */
            d->st[s].adopted = 1;
            if (q->slot < 0) {
                /* a new identifier learns its constant bits from its first
                 * MIN_TRAIN frames (detect.c): those of probation first */
                memset(ip->constmask, 0, sizeof ip->constmask);
                memcpy(ip->constval, q->data, 8);
                unsigned held = q->n < 4 ? q->n : 4;
                for (unsigned i = 0; i < 8; i++) {
                    uint8_t diff = 0;
                    for (unsigned j = 0; j < held; j++)
                        diff = (uint8_t)(diff | (q->last[j][i] ^ q->data[i]));
                    ip->constmask[i] = (uint8_t)~diff;
                }
                d->st[s].learn_n = q->n < MIN_TRAIN ? (uint8_t)q->n : MIN_TRAIN;
            }
        }
    }
    q->used = 0;
    d->n_pend--;
}

/* Enough frames to decide an identifier in probation: PEND_MIN, or one more
 * when its only comparison is borderline (a quarter to 3/8 of the bits
 * changed: a multiplexed message, or two random payloads that happened to
 * agree - a second comparison tells) */
static int pend_ready(const pendst *q)
{
    int borderline = 4 * q->ham_sum >= q->ham_bits && 8 * q->ham_sum < 3 * q->ham_bits;
    return q->n >= PEND_MIN && !(borderline && q->n < PEND_MIN + 1);
}

static void pend_expire(sg17_can_detector *d, double now)
{
    double next = 0;
    int has_next = 0;
    for (unsigned i = 0; i < MAX_PEND; i++) {
        pendst *q = &d->pend[i];
        if (!q->used)
            continue;
        double end = q->t0 + (pend_ready(q) ? PEND_S : PEND_LONG);
        if (now >= end)
            pend_close(d, q, now);
        else if (!has_next || end < next) {
            next = end;
            has_next = 1;
        }
    }
    d->next_exp = has_next ? next : now;
}

/* A frame of an identifier the provisional profile cannot judge yet.
 * Returns 1 if the frame was taken into probation (alerts possibly added). */
static int pend_frame(sg17_can_detector *d, const sg17_can_frame *f, uint64_t seq, int s,
                      sg17_can_alert *alerts, size_t *n)
{
    uint32_t k = key_of(f->id, f->ext);
    pendst *q = pend_find(d, k);
    char hx[17];
    if (!q) {
        if (d->n_pend >= MAX_PEND)
            return 0; /* judged as without probation */
        for (unsigned i = 0; i < MAX_PEND && !q; i++)
            if (!d->pend[i].used)
                q = &d->pend[i];
        if (!q)
            return 0;
        memset(q, 0, sizeof *q);
        q->used = 1;
        q->key = k;
        q->slot = (int16_t)s;
        q->seq0 = seq;
        q->t0 = q->tlast = f->t;
        q->dlc = f->dlc < 8 ? f->dlc : 8;
        memcpy(q->data, f->data, 8);
        memcpy(q->last[0], f->data, 8);
        q->min_gap = 1e9;
        /* J1939 requests and answers to them are expected; so are transport
         * frames (TP.CM, TP.DT: any node sends them, their payload is the
         * transported data), judged by the J1939-21 checks (j1939_tp.c)
         * rather than by the randomness of their payloads (pend_close) */
        unsigned pf = f->id >> 16 & 0xff;
        q->expected = f->ext && (pf == 0xea || (d->tp_armed && (pf == 0xeb || pf == 0xec)) ||
                                 j1939_requested(d, f));
        if (d->n_pend++ == 0 || f->t + PEND_S < d->next_exp)
            d->next_exp = f->t + PEND_S;
    } else {
        double gap = f->t - q->tlast;
        if (gap < q->min_gap)
            q->min_gap = gap;
        q->tlast = f->t;
        /* distance to the nearest of the latest four payloads (multi-frame
         * transport repeats a few payloads in turn: J1939 TP.DT) */
        unsigned nb = f->dlc < q->dlc ? f->dlc : q->dlc;
        q->ham_sum += nearest_of4(q->last, q->n, f->data, nb);
        q->ham_bits += 8 * nb;
        memcpy(q->last[q->n % 4], f->data, 8);
        if (q->n >= FLOOD_N && f->t - q->ts[q->n - FLOOD_N] < FLOOD_N * FLOOD_GAP) {
            q->flood = 1;
            sg17_can_alert *a = veh_new_alert(alerts, n, f, seq, "rate", 0.8);
            if (a)
                snprintf(a->evidence, sizeof a->evidence,
                         "frame %X#%s: %d frames in %.6f s of an identifier in probation "
                         "(flooding: mean gap below %.4f s)",
                         (unsigned)f->id, veh_hexof(hx, f), FLOOD_N + 1,
                         f->t - q->ts[q->n - FLOOD_N], FLOOD_GAP);
        }
    }
    if (q->n < PEND_SEQ) {
        q->seqs[q->n] = seq;
        q->ts[q->n] = f->t;
    }
    q->n++;
    q->lenmask = (uint16_t)(q->lenmask | 1u << len_code(f->dlc));
    if (q->n >= PEND_SEQ || (pend_ready(q) && f->t - q->t0 >= PEND_S - 1e-6))
        pend_close(d, q, f->t); /* full, or enough frames after a long wait: decide now */
    return 1;
}

/* Identifiers new to a provisional profile that are flagged at once, not
 * put into probation: diagnostic requests and responses (ISO 15765-4:
 * 0x7DF, 0x7E0-0x7EF; 29-bit 0x18DB33F1, 0x18DAxxF1, 0x18DAF1xx) - a
 * diagnostic session opened after the learning span - and J1939 address
 * claims (PGN 0xEE00) that answer no request for address claimed seen in
 * the last 1.25 s (SAE J1939-81: claims come at power-up or on request; an
 * unsolicited claim later takes an address over). */
static const char *new_id_rule(const sg17_can_detector *d, const sg17_can_frame *f)
{
    uint32_t id = f->id;
    if (!f->ext && (id == 0x7df || (id >= 0x7e0 && id <= 0x7ef)))
        return "an OBD/UDS diagnostic identifier (ISO 15765-4) after the learning span";
    if (f->ext && (id == 0x18db33f1u || (id & 0xffff00ffu) == 0x18da00f1u ||
                   (id & 0xffffff00u) == 0x18daf100u))
        return "a 29-bit diagnostic identifier (ISO 15765-4) after the learning span";
    if (f->ext && (id >> 16 & 0xff) == 0xee && !j1939_requested(d, f))
        return "a J1939 address claim that answers no request (SAE J1939-81)";
    return NULL;
}

int veh_probation_frame(sg17_can_detector *d, const sg17_can_frame *f, uint64_t seq, int s,
                        sg17_can_alert *alerts, size_t *n)
{
    char hx[17];
    unsigned sa = 0;
    const char *why = new_id_rule(d, f);
    uint32_t k = key_of(f->id, f->ext);
    for (unsigned i = 0; i < MAX_PEND && i < d->n_bad && !why; i++)
        if (d->bad_key[i] == k)
            why = "flagged before in probation (flooding or random payloads)";
    if (why) {
        sg17_can_alert *a = veh_new_alert(alerts, n, f, seq, "unknown-id", 1.0);
        if (a)
            snprintf(a->evidence, sizeof a->evidence,
                     "frame %X#%s: identifier not in the profile: %s", (unsigned)f->id,
                     veh_hexof(hx, f), why);
        return 1;
    }
    if (f->ext && pgn_spoof(d, f, &sa)) {
        sg17_can_alert *a = veh_new_alert(alerts, n, f, seq, "unknown-id", 1.0);
        if (a)
            snprintf(a->evidence, sizeof a->evidence,
                     "frame %X#%s: J1939 PGN %05X from source %02X, learned only from source "
                     "%02X",
                     (unsigned)f->id, veh_hexof(hx, f), (unsigned)j1939_pgn(f->id),
                     (unsigned)(f->id & 0xff), sa);
        return 1;
    }
    return pend_frame(d, f, seq, s, alerts, n);
}

void veh_probation_tick(sg17_can_detector *d, const sg17_can_frame *f, int timed)
{
    if (f->ext && (f->id >> 16 & 0xff) == 0xea && f->dlc >= 3) { /* J1939 request (PGN 0xEA00) */
        d->req_pgn[d->n_req % 8] =
            (uint32_t)f->data[0] | (uint32_t)f->data[1] << 8 | (uint32_t)(f->data[2] & 3) << 16;
        d->req_da[d->n_req % 8] = (uint8_t)(f->id >> 8 & 0xff); /* PDU1: destination */
        d->req_t[d->n_req++ % 8] = f->t;
    }
    if (d->n_pend && timed && f->t >= d->next_exp)
        pend_expire(d, f->t);
}

void veh_probation_flush(sg17_can_detector *d)
{
    for (unsigned i = 0; i < MAX_PEND && d->n_pend; i++)
        if (d->pend[i].used)
            pend_close(d, &d->pend[i], d->pend[i].tlast);
}
