/* Capture readers: every format from memory, label-leak normalisation,
 * errors with name and line, zip (stored and deflate) and refusals. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "sg17/vehicle.h"
#include "tap.h"

/* Read all frames of a text; returns the count or the negative error. */
static int read_all(const char *text, sg17_can_frame *out, int max, char *err, size_t errlen)
{
    sg17_can_reader *r;
    int e = sg17_vehicle_open_mem((const uint8_t *)text, strlen(text), "t.log", &r);
    if (e) {
        snprintf(err, errlen, "%s", r ? sg17_vehicle_error(r) : "open");
        sg17_vehicle_close(r);
        return e;
    }
    int n = 0;
    sg17_can_frame f;
    while ((e = sg17_vehicle_next(r, &f)) == 1) {
        if (n < max)
            out[n] = f;
        n++;
    }
    snprintf(err, errlen, "%s", sg17_vehicle_error(r));
    sg17_vehicle_close(r);
    return e < 0 ? e : n;
}

static void test_candump(void)
{
    sg17_can_frame f[8];
    char err[600];
    const char *log = "(1678840579.438060) can0 29E#00000000000000A0\n"
                      "(1668539044.650835) can0 000#R\n"
                      "(1676937898.314919) can0 08FE6E0B#FFFEFFFEFFFEFFFE\n"
                      "(1676937898.400000) can1 123##1"
                      "00112233445566778899AABB\n"
                      "(1676937898.500000) vcan0 7FF#\n";
    tap_int_eq(read_all(log, f, 8, err, sizeof err), 5, "candump: 5 frames");
    tap_ok(f[0].id == 0x29E && !f[0].ext && f[0].dlc == 8 && f[0].data[7] == 0xA0 && f[0].has_time,
           "standard frame");
    tap_ok(f[0].t > 1678840579.43 && f[0].t < 1678840579.44, "absolute timestamp");
    tap_ok(f[1].flags & SG17_CAN_RTR && f[1].dlc == 0, "remote frame");
    tap_ok(f[2].ext && f[2].id == 0x08FE6E0B && f[2].data[1] == 0xFE, "29-bit id");
    tap_ok(f[3].flags & SG17_CAN_FD && f[3].dlc == 12 && f[3].data[11] == 0xBB, "CAN FD 12 bytes");
    tap_ok(f[4].dlc == 0 && f[4].id == 0x7FF, "empty payload");

    int e = read_all("(1.000000) can0 123#1122\n(2.0) can0 12#00\n", f, 8, err, sizeof err);
    tap_int_eq(e, SG17_E_FORMAT, "2-digit id refused");
    tap_ok(strstr(err, "t.log:2:") != NULL, "error names file and line: %s", err);
    e = read_all("(1.0) can0 123#112\n", f, 8, err, sizeof err);
    tap_int_eq(e, SG17_E_FORMAT, "odd payload refused");
    e = read_all("(1.0) can0 123#112233445566778899\n", f, 8, err, sizeof err);
    tap_int_eq(e, SG17_E_FORMAT, "9-byte classic payload refused");
    e = read_all("(1.0) can0 123##1001122334455667788\n", f, 8, err, sizeof err);
    tap_int_eq(e, SG17_E_FORMAT, "CAN FD 9 bytes is not a DLC length");
    e = read_all("(1.0) can0 800#00\n", f, 8, err, sizeof err);
    tap_int_eq(e, SG17_E_FORMAT, "11-bit id above 7FF refused");
    char big[5000];
    memset(big, 'A', sizeof big - 2);
    big[sizeof big - 2] = '\n';
    big[sizeof big - 1] = 0;
    e = read_all(big, f, 8, err, sizeof err);
    tap_int_eq(e, SG17_E_LIMIT, "over-long line refused");
}

static void test_daga_leaks(void)
{
    /* The same frame written three ways (normal, float id, unpadded payload)
     * must normalise to identical frames: only the label differs. */
    const char *csv = "timestamp,CAN_ID,DLC,PAYLOAD_HEX,PAYLOAD_BIN,ANOMALY\n"
                      "0.0,290,64,0000000000000000,0,FALSE\n"
                      "9e-06,290.0,64,0000000000000000,0,True\n"
                      "0.5,290,64,0,0,True\n"
                      "1.25,1D0,64,0000000000000061,x,False\n";
    sg17_can_frame f[8];
    char err[600];
    tap_ok((read_all(csv, f, 8, err, sizeof err)) == (4), "DAGA: 4 frames (%s)", err);
    tap_ok(f[0].id == 0x290 && f[1].id == 0x290 && f[2].id == 0x290,
           "float-formatted id normalised");
    tap_ok(f[0].dlc == 8 && f[1].dlc == 8 && f[2].dlc == 8, "DLC in bits -> 8 bytes");
    tap_mem_eq(f[1].data, f[0].data, 64, "payload identical after normalisation");
    tap_mem_eq(f[2].data, f[0].data, 64, "unpadded payload left-padded");
    tap_ok(f[1].t > 8.9e-6 && f[1].t < 9.1e-6, "scientific timestamp");
    tap_ok(f[0].label[0] == 0 && f[3].label[0] == 0, "FALSE/False = normal");
    tap_ok(strcmp(f[1].label, "True") == 0 && strcmp(f[2].label, "True") == 0, "True = attack");
    tap_ok(f[3].data[7] == 0x61, "payload bytes");
    int e = read_all("timestamp,CAN_ID,DLC,PAYLOAD_HEX,PAYLOAD_BIN,ANOMALY\n0,1,60,00,0,False\n", f,
                     8, err, sizeof err);
    tap_int_eq(e, SG17_E_FORMAT, "DLC not a multiple of 8 bits refused");
    e = read_all("timestamp,CAN_ID,DLC,PAYLOAD_HEX,PAYLOAD_BIN,ANOMALY\n0,1.5,64,00,0,False\n", f,
                 8, err, sizeof err);
    tap_int_eq(e, SG17_E_FORMAT, "non-integer float id refused");
}

static void test_cic_j1939_sg17(void)
{
    sg17_can_frame f[8];
    char err[600];
    const char *cic =
        "ID,DATA_0,DATA_1,DATA_2,DATA_3,DATA_4,DATA_5,DATA_6,DATA_7,label,category,specific_class\n"
        "291,0,0,0,0,0,0,0,255,ATTACK,DoS,DoS\n"
        "513,1,2,3,4,5,6,7,8,BENIGN,BENIGN,BENIGN\n";
    tap_int_eq(read_all(cic, f, 8, err, sizeof err), 2, "CIC: 2 frames");
    tap_ok(f[0].id == 291 && !f[0].has_time && f[0].data[7] == 255 &&
               strcmp(f[0].label, "DoS") == 0,
           "decimal id/bytes, no time, label = specific_class");
    tap_ok(f[1].label[0] == 0, "BENIGN = normal");
    tap_int_eq(read_all("ID,DATA_0,DATA_1,DATA_2,DATA_3,DATA_4,DATA_5,DATA_6,DATA_7,label,category,"
                        "specific_class\n"
                        "1,256,0,0,0,0,0,0,0,BENIGN,BENIGN,BENIGN\n",
                        f, 8, err, sizeof err),
               SG17_E_FORMAT, "CIC byte 256 refused");
    const char *j = "timestamp,iface,can_id,dlc,data,priority,pdu_format,label,rule_name\n"
                    "14.975137,can0,201326603,8,C97070DDFFF0FFFF,3,0,high_torque_command,\"a, b\"\n"
                    "15.0,can0,217058307,3,1804FA,3,240,normal,\n";
    tap_ok((read_all(j, f, 8, err, sizeof err)) == (2), "J1939: 2 frames (%s)", err);
    tap_ok(f[0].ext && f[0].id == 201326603u && strcmp(f[0].label, "high_torque_command") == 0,
           "29-bit decimal id and label (quoted comma field)");
    tap_ok(f[1].dlc == 3 && f[1].data[2] == 0xFA && f[1].label[0] == 0, "dlc 3, normal");
    const char *s = "timestamp,id,dlc,data,label\n"
                    "1.5,123,2,ABCD,\n"
                    "1.6,18FEF100,8,0011223344556677,fuzzing\n"
                    "1.7,7FF,0,,benign\n"
                    ",001,1,00,0\n";
    tap_ok((read_all(s, f, 8, err, sizeof err)) == (4), "sg17 CSV: 4 frames (%s)", err);
    tap_ok(!f[0].ext && f[0].id == 0x123 && f[0].dlc == 2 && f[0].data[1] == 0xCD, "standard row");
    tap_ok(f[1].ext && f[1].id == 0x18FEF100 && strcmp(f[1].label, "fuzzing") == 0, "extended row");
    tap_ok(f[2].label[0] == 0 && f[3].label[0] == 0 && !f[3].has_time,
           "benign/0 labels, empty time");
    tap_int_eq(read_all("timestamp,id,dlc,data,label\n1,123,2,ABCDEF,\n", f, 8, err, sizeof err),
               SG17_E_FORMAT, "payload longer than dlc refused");
    tap_int_eq(read_all("time,foo\n1,2\n", f, 8, err, sizeof err), SG17_E_FORMAT,
               "unknown header refused");
    tap_ok(strstr(err, "t.log:1:") != NULL, "header error names line 1: %s", err);
}

static void test_hcrl(void)
{
    sg17_can_frame f[4];
    char err[600];
    const char *csv = "1478198376.389427,0316,8,05,21,68,09,21,21,00,6f,R\n"
                      "1478198376.389636,0000,8,00,00,00,00,00,00,00,00,T\n"
                      "1478198376.390000,05f0,2,01,00,R\n";
    tap_ok(read_all(csv, f, 4, err, sizeof err) == 3, "HCRL CSV: 3 frames (%s)", err);
    tap_ok(f[0].id == 0x316 && f[0].dlc == 8 && f[0].data[7] == 0x6f && f[0].label[0] == 0,
           "HCRL R = normal");
    tap_ok(f[1].id == 0 && strcmp(f[1].label, "injected") == 0, "HCRL T = injected");
    tap_ok(f[2].dlc == 2 && f[2].data[0] == 1, "HCRL DLC 2");
    tap_int_eq(read_all("1.0,0316,8,05,21,R\n", f, 4, err, sizeof err), SG17_E_FORMAT,
               "HCRL short row refused");
    const char *txt = "Timestamp: 1479121434.850202        ID: 0350    000    DLC: 8    05 28 84 "
                      "66 6d 00 00 a2\n";
    tap_ok(read_all(txt, f, 4, err, sizeof err) == 1, "HCRL text: 1 frame (%s)", err);
    tap_ok(f[0].id == 0x350 && f[0].dlc == 8 && f[0].data[7] == 0xa2, "HCRL text frame");
}

/* Round trip through the interchange CSV writer. */
static void test_csv_roundtrip(void)
{
    const char *log = "(10.000001) can0 29E#00000000000000A0\n(10.5) can0 18FE6E0B#FF\n";
    sg17_can_frame f[4], g[4];
    char err[600];
    tap_int_eq(read_all(log, f, 4, err, sizeof err), 2, "candump in");
    char *buf = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&buf, &len);
    sg17_vehicle_csv_header(m);
    sg17_vehicle_csv_row(m, &f[0]);
    sg17_vehicle_csv_row(m, &f[1]);
    fclose(m);
    tap_int_eq(read_all(buf, g, 4, err, sizeof err), 2, "interchange CSV back in");
    tap_ok(g[0].id == f[0].id && g[1].id == f[1].id && g[1].ext && g[0].dlc == 8 && g[1].dlc == 1,
           "ids and lengths survive");
    tap_mem_eq(g[0].data, f[0].data, 64, "payload survives");
    tap_ok(g[0].t > 10.0000005 && g[0].t < 10.0000015, "time survives (us)");
    free(buf);
}

static void put16(uint8_t *p, unsigned v)
{
    p[0] = (uint8_t)v, p[1] = (uint8_t)(v >> 8);
}
static void put32(uint8_t *p, uint32_t v)
{
    put16(p, v & 0xffff), put16(p + 2, v >> 16);
}

/* Build a one-entry zip (method 0 or 8) around text, plus a __MACOSX entry. */
static size_t make_zip(uint8_t *z, const char *text, int method)
{
    size_t tl = strlen(text);
    uint8_t comp[4096];
    size_t cl = tl;
    if (method == 8) {
        z_stream s;
        memset(&s, 0, sizeof s);
        deflateInit2(&s, 9, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY);
        s.next_in = (Bytef *)(uintptr_t)text;
        s.avail_in = (uInt)tl;
        s.next_out = comp;
        s.avail_out = sizeof comp;
        deflate(&s, Z_FINISH);
        cl = sizeof comp - s.avail_out;
        deflateEnd(&s);
    } else {
        memcpy(comp, text, tl);
    }
    uint32_t crc = (uint32_t)crc32(0, (const Bytef *)text, (uInt)tl);
    const char *names[2] = {"__MACOSX/._x", "cap.log"};
    size_t off = 0, loc[2];
    for (int i = 0; i < 2; i++) {
        size_t nl = strlen(names[i]);
        loc[i] = off;
        memset(z + off, 0, 30);
        put32(z + off, 0x04034b50);
        put16(z + off + 8, i ? (unsigned)method : 0);
        put32(z + off + 14, i ? crc : 0);
        put32(z + off + 18, i ? (uint32_t)cl : 0);
        put32(z + off + 22, i ? (uint32_t)tl : 0);
        put16(z + off + 26, (unsigned)nl);
        memcpy(z + off + 30, names[i], nl);
        off += 30 + nl;
        if (i) {
            memcpy(z + off, comp, cl);
            off += cl;
        }
    }
    size_t cd = off;
    for (int i = 0; i < 2; i++) {
        size_t nl = strlen(names[i]);
        memset(z + off, 0, 46);
        put32(z + off, 0x02014b50);
        put16(z + off + 10, i ? (unsigned)method : 0);
        put32(z + off + 16, i ? crc : 0);
        put32(z + off + 20, i ? (uint32_t)cl : 0);
        put32(z + off + 24, i ? (uint32_t)tl : 0);
        put16(z + off + 28, (unsigned)nl);
        put32(z + off + 42, (uint32_t)loc[i]);
        memcpy(z + off + 46, names[i], nl);
        off += 46 + nl;
    }
    memset(z + off, 0, 22);
    put32(z + off, 0x06054b50);
    put16(z + off + 8, 2);
    put16(z + off + 10, 2);
    put32(z + off + 12, (uint32_t)(off - cd));
    put32(z + off + 16, (uint32_t)cd);
    return off + 22;
}

static int count_zip(const uint8_t *z, size_t n, char *err, size_t errlen)
{
    sg17_can_reader *r;
    int e = sg17_vehicle_open_mem(z, n, "cap.zip", &r);
    if (e) {
        snprintf(err, errlen, "%s", r ? sg17_vehicle_error(r) : "");
        sg17_vehicle_close(r);
        return e;
    }
    sg17_can_frame f;
    int c = 0;
    while ((e = sg17_vehicle_next(r, &f)) == 1)
        c++;
    snprintf(err, errlen, "%s", sg17_vehicle_error(r));
    sg17_vehicle_close(r);
    return e < 0 ? e : c;
}

static void test_zip(void)
{
    char text[3000] = "";
    size_t tl = 0;
    for (int i = 0; i < 60; i++)
        tl += (size_t)snprintf(text + tl, sizeof text - tl,
                               "(%d.000000) can0 1%02X#0011223344556677\n", i, i);
    uint8_t z[8192];
    char err[600];
    for (int m = 0; m <= 8; m += 8) {
        size_t n = make_zip(z, text, m);
        tap_ok((count_zip(z, n, err, sizeof err)) == (60), "zip method %d: 60 frames (%s)", m, err);
        /* corrupt one payload byte: CRC must catch it (or inflate fails) */
        size_t data_off = 30 + strlen("__MACOSX/._x") + 30 + strlen("cap.log");
        z[data_off + 5] ^= 0x01;
        int e = count_zip(z, n, err, sizeof err);
        tap_ok(e < 0, "zip method %d: corrupted entry refused (%d: %s)", m, e, err);
        z[data_off + 5] ^= 0x01;
        tap_int_eq(count_zip(z, n - 10, err, sizeof err), SG17_E_FORMAT, "truncated zip refused");
    }
}

int main(void)
{
    test_candump();
    test_daga_leaks();
    test_cic_j1939_sg17();
    test_hcrl();
    test_csv_roundtrip();
    test_zip();
    return tap_done();
}
