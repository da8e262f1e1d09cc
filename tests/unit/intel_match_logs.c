/* Unit tests of the log readers (Zeek TSV, NetFlow CSV, signalling CSV) and
 * of the sightings aggregator and its STIX JSON Lines output. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sg17/intel_match.h"
#include "tap.h"

static sg17_intel_snapshot *snap(void)
{
    static const struct {
        sg17_intel_kind k;
        sg17_intel_op op;
        const char *v, *hi;
        uint8_t fs11;
    } inds[] = {
        {SG17_INTEL_IPV4, SG17_INTEL_EXACT, "198.51.100.10", NULL, 0},
        {SG17_INTEL_IPV4, SG17_INTEL_PREFIX, "203.0.113.0/24", NULL, 0},
        {SG17_INTEL_IPV6, SG17_INTEL_PREFIX, "2001:db8:bad::/48", NULL, 0},
        {SG17_INTEL_DOMAIN, SG17_INTEL_EXACT, "c2.example", NULL, 0},
        {SG17_INTEL_URL, SG17_INTEL_EXACT, "http://shop.example/pay.php?id=1", NULL, 0},
        {SG17_INTEL_SCCP_GT, SG17_INTEL_PREFIX, "99988", NULL, 1},
        {SG17_INTEL_IMSI, SG17_INTEL_RANGE, "001019000000000", "001019999999999", 2},
        {SG17_INTEL_DIAMETER_REALM, SG17_INTEL_EXACT, "epc.mnc666.mcc999.3gppnetwork.org", NULL, 3},
        {SG17_INTEL_APN, SG17_INTEL_EXACT, "evil.apn", NULL, 0},
        {SG17_INTEL_GTP_TEID, SG17_INTEL_EXACT, "0xdeadbeef", NULL, 0},
        {SG17_INTEL_SIP_URI, SG17_INTEL_EXACT, "sip:fraud@pbx.example", NULL, 0},
    };
    sg17_intel_builder *b;
    sg17_intel_snapshot *s = NULL;
    if (sg17_intel_builder_new(&b) != 0)
        return NULL;
    for (size_t i = 0; i < sizeof inds / sizeof inds[0]; i++) {
        sg17_intel_ind ind;
        memset(&ind, 0, sizeof ind);
        ind.kind = inds[i].k;
        ind.op = inds[i].op;
        ind.value = inds[i].v;
        ind.value_hi = inds[i].hi;
        ind.fs11 = inds[i].fs11;
        ind.id[0] = (uint8_t)(i + 1);
        if (sg17_intel_builder_add(b, &ind) != 0)
            tap_ok(0, "add %s", inds[i].v);
    }
    if (sg17_intel_builder_build(b, 0, &s) != 0)
        s = NULL;
    sg17_intel_builder_free(b);
    return s;
}

/* Feed a text (lines separated by \n) through a reader; returns hits, counts errors. */
static int feed(sg17_intel_sightings *g, sg17_intel_log_format fmt, const char *text,
                size_t *errors, char *first_err, size_t cap)
{
    sg17_intel_log *r;
    if (sg17_intel_log_new(&r, fmt) != 0)
        return -1;
    char *buf = strdup(text);
    int hits = 0;
    uint64_t lineno = 0;
    char *save = NULL;
    *errors = 0;
    for (char *line = buf; line && *line; line = save) {
        char *nl = strchr(line, '\n');
        save = nl ? nl + 1 : NULL;
        if (nl)
            *nl = '\0';
        lineno++;
        sg17_intel_obs obs;
        char err[128];
        int rc = sg17_intel_log_line(r, line, strlen(line), &obs, err, sizeof err);
        if (rc != 0) {
            if ((*errors)++ == 0)
                snprintf(first_err, cap, "line %llu: %s", (unsigned long long)lineno, err);
            continue;
        }
        int h = sg17_intel_sightings_observe(g, &obs, "test", lineno);
        if (h > 0)
            hits += h;
    }
    free(buf);
    sg17_intel_log_free(r);
    return hits;
}

static const char zeek_conn[] =
    "#separator \\x09\n"
    "#set_separator\t,\n"
    "#path\tconn\n"
    "#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\n"
    "#types\ttime\tstring\taddr\tport\taddr\tport\tenum\n"
    "1700000000.100000\tC1\t192.0.2.5\t50000\t198.51.100.10\t443\ttcp\n"
    "1700000100.000000\tC2\t192.0.2.5\t50001\t203.0.113.99\t80\ttcp\n"
    "1700000050.000000\tC3\t198.51.100.10\t53\t192.0.2.9\t5353\tudp\n"
    "1700000200.000000\tC4\t2001:db8:bad:1::5\t1\t2001:db8::1\t2\ttcp\n"
    "1700000300.000000\tC5\t192.0.2.5\t1\t192.0.2.6\t2\ttcp\n"
    "1700000300.000000\tC6\t192.0.2.5\t1\n"
    "#close\t2023-11-14-22-00-00\n";

static const char zeek_dns[] =
    "#separator \\x09\n#set_separator\t,\n#path\tdns\n"
    "#fields\tts\tuid\tid.orig_h\tid.resp_h\tquery\tanswers\n"
    "1700000400.0\tD1\t192.0.2.5\t192.0.2.53\twww.C2.example\t198.51.100.77,cdn.other.example\n"
    "1700000401.0\tD2\t192.0.2.5\t192.0.2.53\tok.example\t203.0.113.5,ok.example\n"
    "1700000402.0\tD3\t192.0.2.5\t192.0.2.53\t-\t-\n";

static const char zeek_http[] =
    "#separator \\x09\n#path\thttp\n"
    "#fields\tts\tuid\tid.orig_h\tid.resp_h\thost\turi\tuser_agent\n"
    "1700000500.0\tH1\t192.0.2.5\t192.0.2.80\tSHOP.example\t/pay.php?id=1\tcurl\n"
    "1700000501.0\tH2\t192.0.2.5\t192.0.2.80\tshop.example\t/pay.php?id=2\tcurl\n";

static const char flows[] =
    "# exported by a collector\n"
    "start,srcaddr,dstaddr,srcport,dstport,proto,packets,bytes\n"
    "2023-11-14T22:13:20Z,192.0.2.1,203.0.113.1,1234,80,6,10,1000\n"
    "1700000600,198.51.100.10,192.0.2.1,80,1234,6,8,800\n"
    "1700000601,192.0.2.1,192.0.2.2,1,2,17,1,100\n"
    "bad-time,192.0.2.1,192.0.2.2,1,2,17,1,100\n";

static const char signal[] =
    "ts,protocol,message,calling_gt,called_gt,imsi,msisdn,origin_host,origin_realm,gtp_peer,teid,apn,sip_from\n"
    "1700000700,map,sendRoutingInfo,99988123456,33612345678,,447700900123,,,,,,\n"
    "1700000701,map,provideSubscriberInfo,99988000001,33612345678,001019123456789,,,,,,,\n"
    "1700000702,diameter,ULR,,,001010000000001,,mme1.epc.mnc666.mcc999.3gppnetwork.org,epc.mnc666.mcc999.3gppnetwork.org,,,,\n"
    "1700000703,gtpv2,CreateSessionRequest,,,001010000000002,,,,198.51.100.10,3735928559,EVIL.apn,\n"
    "1700000704,sip,INVITE,,,,,,,,,,<sip:fraud@PBX.example;tag=1>\n"
    "1700000705,map,updateLocation,33600000000,33612345678,001010000000003,,,,,,,\n";

int main(void)
{
    sg17_intel_snapshot *s = snap();
    tap_ok(s != NULL, "snapshot");
    if (s == NULL)
        return tap_done();
    sg17_intel_sightings *g;
    tap_ok(sg17_intel_sightings_new(&g, s) == 0, "sightings");
    size_t errs;
    char e1[200] = "";
    tap_int_eq(feed(g, SG17_INTEL_LOG_ZEEK, zeek_conn, &errs, e1, sizeof e1), 4, "conn hits");
    tap_int_eq(errs, 1, "short conn line rejected");
    tap_ok(strstr(e1, "line 11") && strstr(e1, "columns"), "error names line and cause: %s", e1);
    tap_int_eq(feed(g, SG17_INTEL_LOG_ZEEK, zeek_dns, &errs, e1, sizeof e1), 2,
               "dns: subdomain query + answer in CIDR");
    tap_int_eq(errs, 0, "dns clean");
    tap_int_eq(feed(g, SG17_INTEL_LOG_ZEEK, zeek_http, &errs, e1, sizeof e1), 1,
               "http: URL rebuilt from host + uri");
    tap_int_eq(feed(g, SG17_INTEL_LOG_NETFLOW, flows, &errs, e1, sizeof e1), 2, "netflow hits");
    tap_int_eq(errs, 1, "bad timestamp rejected");
    tap_int_eq(feed(g, SG17_INTEL_LOG_SIGNAL, signal, &errs, e1, sizeof e1), 8,
               "signalling hits (GT x2, IMSI range, realm, peer, TEID, APN, SIP)" );
    tap_int_eq(errs, 0, "signal clean");
    size_t z;
    tap_int_eq(feed(g, SG17_INTEL_LOG_ZEEK, "1700000000.0\t1.2.3.4\n", &z, e1, sizeof e1), 0,
               "zeek data before header");
    tap_ok(z == 1 && strstr(e1, "#fields"), "clear error: %s", e1);

    char *out = NULL;
    size_t out_len = 0;
    FILE *f = open_memstream(&out, &out_len);
    tap_ok(f && sg17_intel_sightings_write(g, 1700001000, f) == 0, "write");
    if (f)
        fclose(f);
    size_t lines = 0, ok = 0;
    int saw_count3 = 0, saw_fs11 = 0, saw_realm = 0;
    for (char *p = out; p && *p;) {
        char *nl = strchr(p, '\n');
        if (nl == NULL)
            break;
        *nl = '\0';
        lines++;
        json_error_t je;
        json_t *o = json_loads(p, 0, &je);
        const char *ref = json_string_value(json_object_get(o, "sighting_of_ref"));
        const char *id = json_string_value(json_object_get(o, "id"));
        json_t *ob = json_object_get(o, "x_sg17_observation");
        if (o && ref && strncmp(ref, "indicator--", 11) == 0 && id &&
            strncmp(id, "sighting--", 10) == 0 &&
            strcmp(json_string_value(json_object_get(o, "type")), "sighting") == 0 && ob)
            ok++;
        const char *iv = json_string_value(json_object_get(ob, "indicator_value"));
        if (iv && strcmp(iv, "198.51.100.10") == 0 &&
            json_integer_value(json_object_get(o, "count")) == 4 &&
            strcmp(json_string_value(json_object_get(o, "first_seen")),
                   "2023-11-14T22:13:20.000Z") == 0 &&
            strcmp(json_string_value(json_object_get(o, "last_seen")),
                   "2023-11-14T22:25:03.000Z") == 0)
            saw_count3 = 1;
        if (iv && strcmp(iv, "99988%") == 0 &&
            json_integer_value(json_object_get(o, "x_sg17_fs11_category")) == 1 &&
            json_integer_value(json_object_get(o, "count")) == 2 &&
            strcmp(json_string_value(json_object_get(ob, "format")),
                   "signal:map:sendRoutingInfo") == 0)
            saw_fs11 = 1;
        if (iv && strcmp(iv, "epc.mnc666.mcc999.3gppnetwork.org") == 0 &&
            json_integer_value(json_object_get(o, "count")) == 1 &&
            strcmp(json_string_value(json_object_get(ob, "field")), "origin_realm") == 0)
            saw_realm = 1;
        json_decref(o);
        p = nl + 1;
    }
    tap_int_eq(lines, sg17_intel_sightings_count(g), "one line per sighted value");
    tap_int_eq(lines, 11, "all 11 indicator values sighted");
    tap_int_eq(ok, lines, "every line a STIX sighting");
    tap_ok(saw_count3, "198.51.100.10: count 4 over conn+netflow+gtp, first/last seen");
    tap_ok(saw_fs11, "GT prefix: FS.11 category and signalling format kept");
    tap_ok(saw_realm, "realm matched once, via origin_realm (hosts are their own kind)");
    free(out);
    out = NULL;
    f = open_memstream(&out, &out_len);
    tap_ok(f && sg17_intel_sightings_counters_write(g, f) == 0, "counters");
    if (f)
        fclose(f);
    json_t *c = json_loads(out ? out : "", 0, NULL);
    json_t *bt = json_object_get(c, "by_type"), *bf = json_object_get(c, "by_fs11_category");
    tap_int_eq(json_integer_value(json_object_get(c, "hits")), 17, "17 hits counted");
    tap_int_eq(json_integer_value(json_object_get(bt, "x-sg17-sccp-gt")), 2, "by type");
    tap_int_eq(json_integer_value(json_object_get(bf, "1")), 2, "by FS.11 category");
    tap_int_eq(json_integer_value(json_object_get(json_object_get(c, "by_source"), "test")), 17,
               "by source");
    tap_int_eq(json_integer_value(json_object_get(json_object_get(c, "by_hour"),
                                                  "2023-11-14T22:00:00.000Z")),
               17, "by hour");
    json_decref(c);
    free(out);
    sg17_intel_sightings_free(g);
    sg17_intel_snapshot_free(s);
    return tap_done();
}
