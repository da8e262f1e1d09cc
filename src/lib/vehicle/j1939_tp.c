/*
 * SAE J1939-21 transport protocol conformance (multi-packet messages of 9
 * to 1785 bytes), checked on every 29-bit frame of PGN 0xEC00 (TP.CM) and
 * 0xEB00 (TP.DT) whatever the profile learned: the protocol is the
 * standard's, not the vehicle's.
 *
 * TP.CM control byte 32 BAM (to global), 16 RTS (to one node), 17 CTS, 19
 * EndOfMsgAck, 255 Abort; BAM and RTS carry the message size (bytes 1-2,
 * little endian), its number of packets (byte 3) and the packeted PGN
 * (bytes 5-7). TP.DT byte 0 is the packet's sequence number, 1 to the
 * number of packets, in order. One connection per originator and
 * destination at a time. A receiver gives up after T1 = 750 ms without a
 * packet; an originator waiting for a CTS after T3 = 1250 ms.
 *
 * Flagged (detector "j1939-tp"): a BAM or RTS whose size and packet count
 * disagree (packets != ceil(size / 7)) or fall outside 9..1785 bytes, a BAM
 * to one node or an RTS to global, a BAM or RTS while the same originator's
 * connection to that destination is open, a TP frame shorter than 8 bytes,
 * a TP.DT out of sequence or beyond the announced packets (a packet forged
 * into a transfer), and a TP.DT or CTS with no open connection - the last
 * two only once the detector has run T3, as a connection may have opened
 * before it started. Nothing is flagged before a well-formed BAM or RTS has
 * been seen: a proprietary 29-bit network may use PDU formats 0xEC / 0xEB
 * for something else.
 */
#include <stdio.h>
#include <string.h>

#include "detector.h"

#define TP_T1 0.75 /* s: a receiver's wait for the next packet */
#define TP_T3 1.25 /* s: an originator's wait for a CTS (the longest timeout) */

static tpconn *tp_find(sg17_can_detector *d, uint8_t sa, uint8_t da, double t)
{
    for (unsigned i = 0; i < TP_MAX; i++) {
        tpconn *c = &d->tp[i];
        if (c->used && t - c->t_last > (c->bam || c->cts_n ? TP_T1 : TP_T3))
            c->used = 0; /* timed out: the receivers dropped it */
        if (c->used && c->sa == sa && c->da == da)
            return c;
    }
    return NULL;
}

static tpconn *tp_new(sg17_can_detector *d)
{
    tpconn *old = &d->tp[0];
    for (unsigned i = 0; i < TP_MAX; i++) {
        if (!d->tp[i].used)
            return &d->tp[i];
        if (d->tp[i].t_last < old->t_last)
            old = &d->tp[i];
    }
    return old; /* full: the stalest connection goes */
}

static int tp_flag(const sg17_can_detector *d, sg17_can_alert *alerts, size_t *n,
                   const sg17_can_frame *f, uint64_t seq, const char *why)
{
    char hx[17];
    if (!d->tp_armed)
        return 0; /* no well-formed transfer seen yet: maybe no J1939 network at all */
    sg17_can_alert *al = veh_new_alert(alerts, n, f, seq, "j1939-tp", 0.8);
    if (al)
        snprintf(al->evidence, sizeof al->evidence, "frame %X#%s (source %02X, destination %02X): %s",
                 (unsigned)f->id, veh_hexof(hx, f), (unsigned)(f->id & 0xff),
                 (unsigned)(f->id >> 8 & 0xff), why);
    return 1;
}

int veh_j1939_tp(sg17_can_detector *d, const sg17_can_frame *f, uint64_t seq,
                 sg17_can_alert *alerts, size_t *n)
{
    unsigned pf = f->id >> 16 & 0xff;
    if (!f->ext || !f->has_time || (pf != 0xEC && pf != 0xEB))
        return 0;
    if (!d->tp_init) {
        d->tp_init = 1;
        d->tp_t0 = f->t;
    }
    int settled = f->t - d->tp_t0 > TP_T3; /* connections opened before we started are gone */
    uint8_t sa = (uint8_t)(f->id & 0xff), da = (uint8_t)(f->id >> 8 & 0xff);
    const uint8_t *x = f->data;
    char why[160];
    if (f->dlc < 8) {
        snprintf(why, sizeof why, "a transport protocol frame of %u bytes (J1939-21: 8)", f->dlc);
        return tp_flag(d, alerts, n, f, seq, why);
    }
    if (pf == 0xEB) { /* TP.DT */
        tpconn *c = tp_find(d, sa, da, f->t);
        if (!c) {
            snprintf(why, sizeof why, "TP.DT packet %u with no open connection", x[0]);
            return settled ? tp_flag(d, alerts, n, f, seq, why) : 0;
        }
        c->t_last = f->t;
        if (x[0] != c->next || (!c->bam && c->cts_n == 0)) {
            if (c->bam || c->cts_n)
                snprintf(why, sizeof why, "TP.DT packet %u, expected packet %u", x[0], c->next);
            else
                snprintf(why, sizeof why, "TP.DT packet %u sent with no CTS outstanding", x[0]);
            c->used = 0; /* the transfer is broken: receivers abort it */
            return tp_flag(d, alerts, n, f, seq, why);
        }
        c->next++;
        if (!c->bam)
            c->cts_n--;
        if (c->next > c->packets)
            c->used = 0; /* complete (an RTS transfer ends with EndOfMsgAck) */
        return 0;
    }
    /* TP.CM */
    unsigned ctl = x[0];
    if (ctl == 32 || ctl == 16) { /* BAM, RTS */
        unsigned size = (unsigned)x[1] | (unsigned)x[2] << 8, packets = x[3];
        int flagged = 0;
        if (size < 9 || size > 1785 || packets != (size + 6) / 7) {
            snprintf(why, sizeof why,
                     "announces %u bytes in %u packets (J1939-21: 9 to 1785 bytes, one packet "
                     "per 7)",
                     size, packets);
            flagged = tp_flag(d, alerts, n, f, seq, why);
        } else if ((ctl == 32) != (da == 0xff)) {
            flagged = tp_flag(d, alerts, n, f, seq, ctl == 32 ? "a BAM to one node" : "an RTS to global");
        }
        tpconn *c = tp_find(d, sa, da, f->t);
        int c_open_before = c != NULL;
        if (c && !flagged) {
            snprintf(why, sizeof why, "a new connection while one is open (packet %u of %u sent)",
                     c->next - 1u, c->packets);
            flagged = tp_flag(d, alerts, n, f, seq, why);
        }
        if (!c)
            c = tp_new(d);
        memset(c, 0, sizeof *c);
        if (flagged)
            return 1; /* a forged announcement opens nothing */
        if (!c_open_before && size >= 9 && size <= 1785 && packets == (size + 6) / 7 &&
            (ctl == 32) == (da == 0xff))
            d->tp_armed = 1; /* a well-formed announcement: J1939 transport is in use */
        c->used = 1;
        c->bam = ctl == 32;
        c->sa = sa;
        c->da = da;
        c->packets = (uint8_t)packets;
        c->next = 1;
        c->t_last = f->t;
        return 0;
    }
    if (ctl == 17) { /* CTS: from the receiver (da) to the originator (sa) of the RTS */
        tpconn *c = tp_find(d, da, sa, f->t);
        if (!c || c->bam)
            return settled ? tp_flag(d, alerts, n, f, seq, "a CTS with no open connection") : 0;
        c->t_last = f->t;
        if (x[1] == 0) /* hold the connection open */
            return 0;
        if (x[2] < 1 || (unsigned)x[2] + x[1] - 1u > c->packets) {
            snprintf(why, sizeof why, "a CTS for %u packets from packet %u, beyond the %u announced",
                     x[1], x[2], c->packets);
            c->used = 0;
            return tp_flag(d, alerts, n, f, seq, why);
        }
        c->next = x[2]; /* a retransmission may go back */
        c->cts_n = x[1];
        return 0;
    }
    if (ctl == 19 || ctl == 255) { /* EndOfMsgAck (receiver), Abort (either side) */
        tpconn *c = tp_find(d, da, sa, f->t);
        if (!c && ctl == 255)
            c = tp_find(d, sa, da, f->t);
        if (c)
            c->used = 0;
    }
    return 0;
}
