/*
 * sg17 vehicle - X.1376 misbehaviour detection for connected vehicles:
 *   convert IN -o OUT.csv                        any capture -> interchange CSV
 *   train CLEAN... -o PROFILE [--learn-seconds N]
 *   detect (--profile P | --learn-seconds N) [--svg OUT.svg] CAPTURE   JSON Lines alerts
 *   eval (--profile P | --learn-seconds N) [--json] CAPTURE...
 *   v2x check MESSAGES.jsonl                     ETSI TS 103 759 checks (JSON Lines out)
 *   report sign|verify ...                       signed misbehaviour reports
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "sg17/pqc.h"
#include "sg17/v2x.h"
#include "sg17/vehicle.h"

int cmd_vehicle_v2x(int argc, char **argv);
int cmd_vehicle_report(int argc, char **argv);
int cmd_vehicle_svg(const sg17_can_profile *p, const char *capture, double learn, const char *svg);

static void usage(FILE *f)
{
    fprintf(f,
            "usage: sg17 vehicle convert IN -o OUT.csv\n"
            "       sg17 vehicle train CLEAN... -o PROFILE [--learn-seconds N]\n"
            "       sg17 vehicle detect (--profile P | --learn-seconds N) [--svg OUT.svg] CAPTURE\n"
            "       sg17 vehicle eval (--profile P | --learn-seconds N) [--json] CAPTURE...\n"
            "       sg17 vehicle v2x check MESSAGES.jsonl\n"
            "       sg17 vehicle report sign --key KEY [-o OUT] ALERTS.jsonl\n"
            "       sg17 vehicle report verify --key KEY.pub REPORT.json\n"
            "Captures: candump -l logs, DAGA, CICIoV2024, J1939 CSV, sg17 interchange CSV\n"
            "(timestamp,id,dlc,data,label), plain or in a .zip. See docs/VEHICLE.md.\n"
            "convert and detect read standard input for CAPTURE - (a live bus:\n"
            "candump -L can0 | sg17 vehicle detect --profile P -); alerts are written as\n"
            "the frames arrive.\n");
}

static void json_str(FILE *f, const char *s)
{
    fputc('"', f);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            fprintf(f, "\\%c", c);
        else if (c < 0x20)
            fprintf(f, "\\u%04x", c);
        else
            fputc(c, f);
    }
    fputc('"', f);
}

/* a capture argument: a path, or "-" (standard input) */
static int capture_arg(const char *a)
{
    return a[0] != '-' || strcmp(a, "-") == 0;
}

static int parse_double(const char *s, double *out)
{
    char *e;
    double v = strtod(s, &e);
    if (e == s || *e || !isfinite(v) || v < 0)
        return -1;
    *out = v;
    return 0;
}

static int do_convert(int argc, char **argv)
{
    const char *in = NULL, *outp = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-o") == 0 && i + 1 < argc)
            outp = argv[++i];
        else if (!in && capture_arg(argv[i]))
            in = argv[i];
        else {
            usage(stderr);
            return CLI_USAGE;
        }
    }
    if (!in || !outp) {
        usage(stderr);
        return CLI_USAGE;
    }
    sg17_can_reader *r;
    int e = sg17_vehicle_open(in, &r);
    if (e) {
        fprintf(stderr, "sg17: %s\n", r ? sg17_vehicle_error(r) : in);
        sg17_vehicle_close(r);
        return CLI_FAIL;
    }
    FILE *f = strcmp(outp, "-") == 0 ? stdout : fopen(outp, "w");
    if (!f) {
        fprintf(stderr, "sg17: %s: cannot create\n", outp);
        sg17_vehicle_close(r);
        return CLI_FAIL;
    }
    sg17_vehicle_csv_header(f);
    sg17_can_frame fr;
    unsigned long long n = 0;
    while ((e = sg17_vehicle_next(r, &fr)) == 1) {
        sg17_vehicle_csv_row(f, &fr);
        n++;
    }
    int bad = e < 0;
    if (bad)
        fprintf(stderr, "sg17: %s\n", sg17_vehicle_error(r));
    else
        fprintf(stderr, "sg17: %llu frames (%s)\n", n, sg17_vehicle_format(r));
    sg17_vehicle_close(r);
    if (f != stdout && fclose(f) != 0)
        bad = 1;
    return bad ? CLI_FAIL : CLI_OK;
}

/* The training frames left out of learning (docs/VEHICLE.md section 2), if
 * any, on stderr: the learning span looked attacked. */
static void report_left_out(const sg17_can_profile *p, const char *capture)
{
    uint64_t lf, lx, lz, lr = sg17_can_profile_left_random(p);
    sg17_can_profile_left_out(p, &lf, &lx, &lz);
    if (lf || lx || lz || lr)
        fprintf(stderr,
                "sg17: %s%sleft out of learning: %llu frames of floods, %llu extra frames with a "
                "foreign payload, %llu frames of identifiers seen only in bursts of new "
                "identifiers, %llu frames of identifiers with random payloads (the span may "
                "hold an attack)\n",
                capture ? capture : "", capture ? ": " : "", (unsigned long long)lf,
                (unsigned long long)lx, (unsigned long long)lz, (unsigned long long)lr);
}

static int do_train(int argc, char **argv)
{
    const char *outp = NULL;
    double learn = 0;
    const char **paths = calloc((size_t)argc, sizeof *paths);
    size_t n = 0;
    if (!paths)
        return CLI_FAIL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-o") == 0 && i + 1 < argc)
            outp = argv[++i];
        else if (strcmp(argv[i], "--learn-seconds") == 0 && i + 1 < argc) {
            if (parse_double(argv[++i], &learn) != 0) {
                free(paths);
                return CLI_USAGE;
            }
        } else if (capture_arg(argv[i]))
            paths[n++] = argv[i];
        else {
            free(paths);
            usage(stderr);
            return CLI_USAGE;
        }
    }
    if (!n || !outp) {
        free(paths);
        usage(stderr);
        return CLI_USAGE;
    }
    char err[512] = "";
    sg17_can_profile *p;
    int e = sg17_vehicle_train(paths, n, learn, &p, err, sizeof err);
    free(paths);
    if (e) {
        fprintf(stderr, "sg17: %s\n", err[0] ? err : sg17_strerror(e));
        return CLI_FAIL;
    }
    e = sg17_can_profile_save(p, outp);
    fprintf(stderr, "sg17: profile of %zu identifiers -> %s\n", sg17_can_profile_ids(p), outp);
    report_left_out(p, NULL);
    sg17_can_profile_free(p);
    if (e) {
        fprintf(stderr, "sg17: %s: %s\n", outp, sg17_strerror(e));
        return CLI_FAIL;
    }
    return CLI_OK;
}

/* Options shared by detect and eval: a profile, or online learning. */
static int get_profile(const char *prof, double learn, const char *capture, sg17_can_profile **p)
{
    char err[512] = "";
    int e;
    if (prof) {
        e = sg17_can_profile_load(prof, p);
        if (e) {
            fprintf(stderr, "sg17: %s: cannot load profile: %s\n", prof, sg17_strerror(e));
            return -1;
        }
        return 0;
    }
    const char *one[1] = {capture};
    e = sg17_vehicle_train(one, 1, learn, p, err, sizeof err);
    if (e) {
        fprintf(stderr, "sg17: %s\n", err[0] ? err : sg17_strerror(e));
        return -1;
    }
    report_left_out(*p, capture);
    return 0;
}

static void print_alerts(const sg17_can_alert *al, size_t n)
{
    for (size_t k = 0; k < n; k++) {
        printf("{\"time\":%.6f,\"decided\":%.6f,\"detector\":\"%s\",\"id\":\"%0*X\",\"frame\":%llu,"
               "\"score\":%.2f,\"evidence\":",
               al[k].t, al[k].t_decided, al[k].detector, al[k].ext ? 8 : 3, (unsigned)al[k].id,
               (unsigned long long)al[k].seq, al[k].score);
        json_str(stdout, al[k].evidence);
        fputs("}\n", stdout);
    }
}

/* Online learning from a stream (read once): hold the frames of the first
 * `learn` seconds, train both passes on them, hand back the frame that
 * ended the span (*next, *has_next). */
static int learn_stream(sg17_can_reader *r, double learn, sg17_can_profile **out,
                        sg17_can_frame *next, int *has_next)
{
    sg17_can_frame *buf = NULL, f;
    size_t n = 0, cap = 0;
    int e;
    *has_next = 0;
    while ((e = sg17_vehicle_next(r, &f)) == 1) {
        if (!f.has_time) {
            fprintf(stderr, "sg17: %s: --learn-seconds needs timestamps\n", "stdin");
            free(buf);
            return -1;
        }
        if (n && f.t - buf[0].t >= learn) {
            *next = f;
            *has_next = 1;
            break;
        }
        if (n == cap) {
            size_t nc = cap ? 2 * cap : 4096;
            sg17_can_frame *nb = realloc(buf, nc * sizeof *buf);
            if (!nb) {
                fprintf(stderr, "sg17: out of memory holding the learning span\n");
                free(buf);
                return -1;
            }
            buf = nb;
            cap = nc;
        }
        buf[n++] = f;
    }
    if (e < 0) {
        fprintf(stderr, "sg17: %s\n", sg17_vehicle_error(r));
        free(buf);
        return -1;
    }
    sg17_can_profile *p;
    e = sg17_can_profile_new(&p);
    for (int pass = 0; pass < 2 && !e; pass++) {
        for (size_t i = 0; i < n && !e; i++)
            e = sg17_can_profile_add(p, &buf[i]);
        if (pass == 0 && !e)
            e = sg17_can_profile_next_pass(p);
    }
    if (!e)
        e = sg17_can_profile_finish(p);
    free(buf);
    if (e) {
        fprintf(stderr, "sg17: training on the first %g s: %s\n", learn, sg17_strerror(e));
        sg17_can_profile_free(p);
        return -1;
    }
    report_left_out(p, "stdin");
    *out = p;
    return 0;
}

static int do_detect(int argc, char **argv)
{
    const char *prof = NULL, *svg = NULL, *cap = NULL;
    double learn = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--profile") == 0 && i + 1 < argc)
            prof = argv[++i];
        else if (strcmp(argv[i], "--svg") == 0 && i + 1 < argc)
            svg = argv[++i];
        else if (strcmp(argv[i], "--learn-seconds") == 0 && i + 1 < argc) {
            if (parse_double(argv[++i], &learn) != 0 || learn <= 0)
                return CLI_USAGE;
        } else if (!cap && capture_arg(argv[i]))
            cap = argv[i];
        else {
            usage(stderr);
            return CLI_USAGE;
        }
    }
    if (!cap || (!prof) == (learn <= 0)) {
        usage(stderr);
        return CLI_USAGE;
    }
    sg17_can_reader *r;
    int e = sg17_vehicle_open(cap, &r);
    if (e) {
        fprintf(stderr, "sg17: %s\n", r ? sg17_vehicle_error(r) : cap);
        sg17_vehicle_close(r);
        return CLI_FAIL;
    }
    int stream = sg17_vehicle_is_stream(r);
    if (stream && svg) {
        fprintf(stderr, "sg17: --svg reads the capture again: give a file, not a stream\n");
        sg17_vehicle_close(r);
        return CLI_USAGE;
    }
    sg17_can_profile *p;
    sg17_can_frame f;
    int pending = 0; /* a stream's first frame after the learning span */
    if (stream && !prof ? learn_stream(r, learn, &p, &f, &pending) != 0
                        : get_profile(prof, learn, cap, &p) != 0) {
        sg17_vehicle_close(r);
        return CLI_FAIL;
    }
    sg17_can_detector *d;
    if (sg17_can_detector_new(p, &d) != 0) {
        sg17_vehicle_close(r);
        sg17_can_profile_free(p);
        return CLI_FAIL;
    }
    sg17_can_alert al[SG17_CAN_MAX_ALERTS];
    uint64_t seq = 0, nalerts = 0;
    double t0 = 0;
    int first = 1, skip = learn > 0 && !stream; /* a file's learning span is read again */
    e = 1;
    while (pending || (e = sg17_vehicle_next(r, &f)) == 1) {
        pending = 0;
        if (first) {
            t0 = f.t;
            first = 0;
        }
        if (skip && f.t - t0 < learn)
            continue;
        size_t n;
        sg17_can_detector_feed(d, &f, seq, al, &n);
        print_alerts(al, n);
        nalerts += n;
        if (stream && n)
            fflush(stdout); /* a live bus: each alert as it is decided */
        seq++;
    }
    for (size_t n = 1; e == 0 && n;) { /* identifiers still in probation */
        sg17_can_detector_flush(d, al, &n);
        print_alerts(al, n);
        nalerts += n;
    }
    int rc = CLI_OK;
    if (e < 0) {
        fprintf(stderr, "sg17: %s\n", sg17_vehicle_error(r));
        rc = CLI_FAIL;
    }
    sg17_can_detector_free(d);
    sg17_vehicle_close(r);
    if (rc == CLI_OK && svg && cmd_vehicle_svg(p, cap, learn, svg) != 0)
        rc = CLI_FAIL;
    sg17_can_profile_free(p);
    if (rc == CLI_OK && nalerts)
        rc = CLI_NEGATIVE;
    return rc;
}

static double ratio(uint64_t a, uint64_t b)
{
    return b ? (double)a / (double)b : 0.0;
}

static void print_counts_json(const sg17_eval_counts *c, int has_time)
{
    double pr = ratio(c->tp, c->tp + c->fp), rc = ratio(c->tp, c->tp + c->fn);
    double f1 = pr + rc > 0 ? 2 * pr * rc / (pr + rc) : 0;
    printf("\"frames\":%llu,\"attack_frames\":%llu,\"tp\":%llu,\"fp\":%llu,\"fn\":%llu,"
           "\"precision\":%.4f,\"recall\":%.4f,\"f1\":%.4f,\"latency_s\":",
           (unsigned long long)c->frames, (unsigned long long)c->attack_frames,
           (unsigned long long)c->tp, (unsigned long long)c->fp, (unsigned long long)c->fn, pr, rc,
           f1);
    if (has_time && c->has_first_tp && c->has_first_attack)
        printf("%.6f", c->first_tp_t - c->first_attack_t);
    else
        printf("null");
}

static void fmt_latency(char *b, size_t n, const sg17_eval_counts *c, int has_time)
{
    if (has_time && c->has_first_tp && c->has_first_attack)
        snprintf(b, n, "%.4f", c->first_tp_t - c->first_attack_t);
    else
        snprintf(b, n, "-");
}

static int do_eval(int argc, char **argv)
{
    const char *prof = NULL;
    double learn = 0;
    int json = 0, rc = CLI_OK;
    int first_cap = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--profile") == 0 && i + 1 < argc)
            prof = argv[++i];
        else if (strcmp(argv[i], "--json") == 0)
            json = 1;
        else if (strcmp(argv[i], "--learn-seconds") == 0 && i + 1 < argc) {
            if (parse_double(argv[++i], &learn) != 0 || learn <= 0)
                return CLI_USAGE;
        } else if (argv[i][0] == '-') {
            usage(stderr);
            return CLI_USAGE;
        } else if (!first_cap)
            first_cap = i;
    }
    if (!first_cap || (!prof) == (learn <= 0)) {
        usage(stderr);
        return CLI_USAGE;
    }
    sg17_can_profile *shared = NULL;
    if (prof && get_profile(prof, 0, NULL, &shared) != 0)
        return CLI_FAIL;
    if (!json)
        printf(
            "| capture | label | frames | attack | tp | fp | fn | precision | recall | F1 | "
            "latency s | fp/h | alarms | false alarms | FA/h | frames/s "
            "|\n|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for (int i = first_cap; i < argc; i++) {
        if (strcmp(argv[i], "--profile") == 0 || strcmp(argv[i], "--learn-seconds") == 0) {
            i++;
            continue;
        }
        if (argv[i][0] == '-')
            continue;
        const char *cap = argv[i];
        sg17_can_profile *p = shared;
        if (!p && get_profile(NULL, learn, cap, &p) != 0) {
            rc = CLI_FAIL;
            continue;
        }
        sg17_eval_result res;
        char err[512] = "";
        int e = sg17_vehicle_eval(p, cap, prof ? 0 : learn, &res, err, sizeof err);
        if (!shared)
            sg17_can_profile_free(p);
        if (e) {
            fprintf(stderr, "sg17: %s\n", err[0] ? err : sg17_strerror(e));
            rc = CLI_FAIL;
            continue;
        }
        uint64_t normal = res.all.frames - res.all.attack_frames;
        double normal_h =
            res.all.frames ? res.duration_s * ratio(normal, res.all.frames) / 3600.0 : 0;
        double fps = res.seconds_cpu > 0 ? (double)res.all.frames / res.seconds_cpu : 0;
        if (json) {
            printf("{\"capture\":");
            json_str(stdout, cap);
            printf(",");
            print_counts_json(&res.all, res.has_time);
            printf(",\"alarms\":%llu,\"false_alarms\":%llu,\"false_alarms_per_hour\":",
                   (unsigned long long)res.alarms, (unsigned long long)res.false_alarms);
            if (res.has_time && normal_h > 0)
                printf("%.2f", (double)res.false_alarms / normal_h);
            else
                printf("null");
            printf(",\"fp_frames_per_hour\":");
            if (res.has_time && normal_h > 0)
                printf("%.2f", (double)res.all.fp / normal_h);
            else
                printf("null");
            printf(",\"normal_hours\":%.6f", res.has_time ? normal_h : 0.0);
            printf(",\"frames_per_s\":%.0f,\"window_alerts\":%llu,\"by_label\":{", fps,
                   (unsigned long long)res.window_alerts);
            for (size_t k = 0; k < res.n_labels; k++) {
                if (k)
                    putchar(',');
                json_str(stdout, res.by_label[k].label);
                putchar(':');
                putchar('{');
                print_counts_json(&res.by_label[k], res.has_time);
                putchar('}');
            }
            printf("}}\n");
        } else {
            char lat[32], fah[32], fph[32];
            const char *base = strrchr(cap, '/');
            base = base ? base + 1 : cap;
            fmt_latency(lat, sizeof lat, &res.all, res.has_time);
            if (res.has_time && normal_h > 0) {
                snprintf(fph, sizeof fph, "%.1f", (double)res.all.fp / normal_h);
                snprintf(fah, sizeof fah, "%.1f", (double)res.false_alarms / normal_h);
            } else {
                snprintf(fph, sizeof fph, "-");
                snprintf(fah, sizeof fah, "-");
            }
            sg17_eval_counts *c = &res.all;
            double pr = ratio(c->tp, c->tp + c->fp), rcl = ratio(c->tp, c->tp + c->fn);
            double f1 = pr + rcl > 0 ? 2 * pr * rcl / (pr + rcl) : 0;
            printf("| %s | all | %llu | %llu | %llu | %llu | %llu | %.4f | %.4f | %.4f | %s | %s | "
                   "%llu | %llu | %s | %.0f |\n",
                   cap, (unsigned long long)c->frames, (unsigned long long)c->attack_frames,
                   (unsigned long long)c->tp, (unsigned long long)c->fp, (unsigned long long)c->fn,
                   pr, rcl, f1, lat, fph, (unsigned long long)res.alarms,
                   (unsigned long long)res.false_alarms, fah, fps);
            (void)base;
            for (size_t k = 0; res.n_labels > 1 && k < res.n_labels; k++) {
                c = &res.by_label[k];
                pr = ratio(c->tp, c->tp + c->fp);
                rcl = ratio(c->tp, c->tp + c->fn);
                f1 = pr + rcl > 0 ? 2 * pr * rcl / (pr + rcl) : 0;
                fmt_latency(lat, sizeof lat, c, res.has_time);
                printf("| | %s | | %llu | %llu | | %llu | | %.4f | | %s | | | | | |\n", c->label,
                       (unsigned long long)c->attack_frames, (unsigned long long)c->tp,
                       (unsigned long long)c->fn, rcl, lat);
            }
        }
        fflush(stdout);
    }
    sg17_can_profile_free(shared);
    return rc;
}

int cmd_vehicle(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? CLI_USAGE : CLI_OK;
    }
    const char *c = argv[1];
    if (strcmp(c, "convert") == 0)
        return do_convert(argc - 1, argv + 1);
    if (strcmp(c, "train") == 0)
        return do_train(argc - 1, argv + 1);
    if (strcmp(c, "detect") == 0)
        return do_detect(argc - 1, argv + 1);
    if (strcmp(c, "eval") == 0)
        return do_eval(argc - 1, argv + 1);
    if (strcmp(c, "v2x") == 0)
        return cmd_vehicle_v2x(argc - 1, argv + 1);
    if (strcmp(c, "report") == 0)
        return cmd_vehicle_report(argc - 1, argv + 1);
    fprintf(stderr, "sg17: vehicle: unknown command '%s'\n", c);
    usage(stderr);
    return CLI_USAGE;
}

int cmd_vehicle_v2x(int argc, char **argv)
{
    if (argc != 3 || strcmp(argv[1], "check") != 0) {
        usage(stderr);
        return CLI_USAGE;
    }
    FILE *f = strcmp(argv[2], "-") == 0 ? stdin : fopen(argv[2], "r");
    if (!f) {
        fprintf(stderr, "sg17: %s: cannot open\n", argv[2]);
        return CLI_FAIL;
    }
    sg17_v2x_checker *c;
    if (sg17_v2x_checker_new(&c) != 0) {
        if (f != stdin)
            fclose(f);
        return CLI_FAIL;
    }
    char line[4100];
    unsigned long lineno = 0;
    unsigned long long msgs = 0, flagged = 0, tp = 0, fp = 0, fn = 0, labelled = 0;
    int rc = CLI_OK;
    while (fgets(line, sizeof line, f)) {
        lineno++;
        size_t len = strlen(line);
        if (len == sizeof line - 1 && line[len - 1] != '\n') {
            fprintf(stderr, "sg17: %s:%lu: line longer than 4096 bytes\n", argv[2], lineno);
            rc = CLI_FAIL;
            break;
        }
        while (len && (line[len - 1] == '\n' || line[len - 1] == '\r'))
            line[--len] = 0;
        if (len == 0)
            continue;
        sg17_v2x_msg m;
        char err[200];
        if (sg17_v2x_parse(line, len, &m, err, sizeof err) != 0) {
            fprintf(stderr, "sg17: %s:%lu: %s\n", argv[2], lineno, err);
            rc = CLI_FAIL;
            break;
        }
        sg17_v2x_obs o[SG17_V2X_MAX_OBS];
        size_t n = sg17_v2x_check(c, &m, o);
        msgs++;
        if (n)
            flagged++;
        if (m.label[0])
            labelled++;
        if (m.label[0] && n)
            tp++;
        else if (!m.label[0] && n)
            fp++;
        else if (m.label[0])
            fn++;
        for (size_t k = 0; k < n; k++) {
            printf("{\"time\":%.6f,\"station\":", m.t);
            json_str(stdout, m.station);
            printf(",\"line\":%lu,\"observation\":\"%s\",\"tgtId\":%d,\"obsId\":%d,\"evidence\":",
                   lineno, o[k].name, o[k].tgt, o[k].obs);
            json_str(stdout, o[k].evidence);
            fputs("}\n", stdout);
        }
    }
    if (f != stdin)
        fclose(f);
    sg17_v2x_checker_free(c);
    fprintf(stderr, "sg17: %llu messages, %llu with observations", msgs, flagged);
    if (labelled)
        fprintf(stderr, "; labelled %llu: tp %llu fp %llu fn %llu", labelled, tp, fp, fn);
    fputc('\n', stderr);
    if (rc == CLI_OK && flagged)
        rc = CLI_NEGATIVE;
    return rc;
}

int cmd_vehicle_report(int argc, char **argv)
{
    const char *key = NULL, *outp = NULL, *vehicle = NULL, *in = NULL;
    int sign;
    if (argc < 2 || (strcmp(argv[1], "sign") != 0 && strcmp(argv[1], "verify") != 0)) {
        usage(stderr);
        return CLI_USAGE;
    }
    sign = strcmp(argv[1], "sign") == 0;
    for (int i = 2; i < argc; i++) {
        if (strcmp(argv[i], "--key") == 0 && i + 1 < argc)
            key = argv[++i];
        else if (strcmp(argv[i], "-o") == 0 && i + 1 < argc)
            outp = argv[++i];
        else if (strcmp(argv[i], "--vehicle") == 0 && i + 1 < argc)
            vehicle = argv[++i];
        else if (!in)
            in = argv[i];
        else {
            usage(stderr);
            return CLI_USAGE;
        }
    }
    if (!key || !in) {
        usage(stderr);
        return CLI_USAGE;
    }
    sg17_pqc_key *k;
    int e = sg17_pqc_key_load(key, &k);
    if (e) {
        fprintf(stderr, "sg17: %s: %s\n", key, sg17_strerror(e));
        return CLI_FAIL;
    }
    uint8_t *buf = NULL;
    size_t len = 0;
    if (cli_read_input(in, 64u << 20, &buf, &len) != 0) {
        sg17_pqc_key_free(k);
        return CLI_FAIL;
    }
    int rc = CLI_OK;
    if (sign) {
        if (strcmp(sg17_pqc_key_alg(k), "ml-dsa-65") != 0)
            fprintf(stderr, "sg17: note: signing with %s, not the default ML-DSA-65\n",
                    sg17_pqc_key_alg(k));
        char *rep = NULL;
        e = sg17_vehicle_report_sign(k, vehicle, (const char *)buf, len, &rep);
        if (e) {
            fprintf(stderr, "sg17: %s: cannot build the report: %s\n", in, sg17_strerror(e));
            rc = CLI_FAIL;
        } else {
            FILE *f = outp && strcmp(outp, "-") != 0 ? fopen(outp, "w") : stdout;
            if (!f || fputs(rep, f) < 0 || fputc('\n', f) == EOF ||
                (f != stdout && fclose(f) != 0)) {
                fprintf(stderr, "sg17: %s: write failed\n", outp ? outp : "-");
                rc = CLI_FAIL;
            }
            free(rep);
        }
    } else {
        size_t n = 0;
        e = sg17_vehicle_report_verify(k, (const char *)buf, len, &n);
        if (e == 0) {
            printf("valid: %zu alerts, signed with %s\n", n, sg17_pqc_key_alg(k));
        } else {
            printf("INVALID: %s\n", sg17_strerror(e));
            rc = e == SG17_E_VERIFY ? CLI_NEGATIVE : CLI_FAIL;
        }
    }
    free(buf);
    sg17_pqc_key_free(k);
    return rc;
}

static int cmp_u32_svg(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

/* Detection timeline (issue part 7): rows = identifiers (sorted), columns =
 * time bins; grey cells = traffic (darker = more frames), red = alerts. Two
 * passes over the capture; memory bounded by SVG_ROWS x SVG_COLS. */
#define SVG_ROWS 256
#define SVG_COLS 600
int cmd_vehicle_svg(const sg17_can_profile *p, const char *capture, double learn, const char *svg)
{
    static uint32_t ids[SVG_ROWS], traffic[SVG_ROWS][SVG_COLS], alerts[SVG_ROWS][SVG_COLS];
    size_t nrow = 0;
    int other = 0;
    double t0 = 0, t1 = 0, tstart = 0;
    int first = 1, e;
    sg17_can_reader *r;
    sg17_can_frame f;
    memset(traffic, 0, sizeof traffic);
    memset(alerts, 0, sizeof alerts);
    /* pass 1: time range and identifiers */
    if (sg17_vehicle_open(capture, &r) != 0) {
        sg17_vehicle_close(r);
        return -1;
    }
    while ((e = sg17_vehicle_next(r, &f)) == 1) {
        if (first) {
            tstart = f.t;
            first = 0;
        }
        if (learn > 0 && f.t - tstart < learn)
            continue;
        if (t0 == 0 && t1 == 0)
            t0 = t1 = f.t;
        if (f.t < t0)
            t0 = f.t;
        if (f.t > t1)
            t1 = f.t;
        uint32_t key = f.id | (uint32_t)f.ext << 31;
        size_t i;
        for (i = 0; i < nrow && ids[i] != key; i++)
            ;
        if (i == nrow) {
            if (nrow < SVG_ROWS - 1)
                ids[nrow++] = key;
            else
                other = 1;
        }
    }
    sg17_vehicle_close(r);
    if (e < 0 || nrow == 0)
        return -1;
    qsort(ids, nrow, sizeof ids[0], cmp_u32_svg);
    if (other)
        ids[nrow++] = 0xffffffffu; /* "other" row */
    double span = t1 > t0 ? t1 - t0 : 1;
    /* pass 2: traffic and alerts */
    sg17_can_detector *d;
    if (sg17_can_detector_new(p, &d) != 0 || sg17_vehicle_open(capture, &r) != 0)
        return -1;
    sg17_can_alert al[SG17_CAN_MAX_ALERTS];
    uint64_t seq = 0, nalerts = 0;
    first = 1;
    while ((e = sg17_vehicle_next(r, &f)) == 1) {
        if (first) {
            tstart = f.t;
            first = 0;
        }
        if (learn > 0 && f.t - tstart < learn)
            continue;
        size_t col = (size_t)((f.t - t0) / span * (SVG_COLS - 1));
        if (col >= SVG_COLS)
            col = SVG_COLS - 1;
        uint32_t key = f.id | (uint32_t)f.ext << 31;
        uint32_t *hit = bsearch(&key, ids, other ? nrow - 1 : nrow, sizeof ids[0], cmp_u32_svg);
        size_t row = hit ? (size_t)(hit - ids) : nrow - 1;
        traffic[row][col]++;
        size_t n;
        sg17_can_detector_feed(d, &f, seq++, al, &n);
        for (size_t k = 0; k < n; k++) {
            if (!al[k].flags_frame)
                continue;
            uint32_t ak = al[k].id | (uint32_t)al[k].ext << 31;
            uint32_t *ah = bsearch(&ak, ids, other ? nrow - 1 : nrow, sizeof ids[0], cmp_u32_svg);
            size_t ar = ah ? (size_t)(ah - ids) : nrow - 1;
            double at = al[k].t < t0 ? t0 : al[k].t;
            size_t ac = (size_t)((at - t0) / span * (SVG_COLS - 1));
            alerts[ar][ac < SVG_COLS ? ac : SVG_COLS - 1]++;
            nalerts++;
        }
    }
    for (size_t n = 1; n;) { /* identifiers still in probation at the end */
        sg17_can_detector_flush(d, al, &n);
        for (size_t k = 0; k < n; k++) {
            uint32_t ak = al[k].id | (uint32_t)al[k].ext << 31;
            uint32_t *ah = bsearch(&ak, ids, other ? nrow - 1 : nrow, sizeof ids[0], cmp_u32_svg);
            size_t ar = ah ? (size_t)(ah - ids) : nrow - 1;
            double at = al[k].t < t0 ? t0 : al[k].t;
            size_t ac = (size_t)((at - t0) / span * (SVG_COLS - 1));
            alerts[ar][ac < SVG_COLS ? ac : SVG_COLS - 1]++;
            nalerts++;
        }
    }
    sg17_vehicle_close(r);
    sg17_can_detector_free(d);
    FILE *o = fopen(svg, "w");
    if (!o)
        return -1;
    const size_t left = 90;
    const int top = 30, rowh = 6;
    int width = (int)left + SVG_COLS + 20, height = top + (int)nrow * rowh + 40;
    fprintf(o,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
            "font-family=\"monospace\" "
            "font-size=\"8\">\n<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n",
            width, height);
    fprintf(o,
            "<text x=\"4\" y=\"14\" font-size=\"11\">sg17 vehicle detection timeline: %llu frame "
            "alerts, "
            "%.1f s (grey: traffic per identifier, red: alerts)</text>\n",
            (unsigned long long)nalerts, span);
    for (size_t i = 0; i < nrow; i++) {
        int y = top + (int)i * rowh;
        if (ids[i] == 0xffffffffu)
            fprintf(o, "<text x=\"2\" y=\"%d\">other</text>\n", y + rowh - 1);
        else
            fprintf(o,
                    ids[i] >> 31 ? "<text x=\"2\" y=\"%d\">%08X</text>\n"
                                 : "<text x=\"2\" y=\"%d\">%03X</text>\n",
                    y + rowh - 1, (unsigned)(ids[i] & 0x1fffffffu));
        uint32_t mx = 1;
        for (size_t c = 0; c < SVG_COLS; c++)
            if (traffic[i][c] > mx)
                mx = traffic[i][c];
        for (size_t c = 0; c < SVG_COLS; c++) {
            if (traffic[i][c])
                fprintf(o,
                        "<rect x=\"%zu\" y=\"%d\" width=\"1\" height=\"%d\" fill=\"#555\" "
                        "opacity=\"%.2f\"/>\n",
                        left + c, y, rowh - 1, 0.15 + 0.85 * (double)traffic[i][c] / (double)mx);
            if (alerts[i][c])
                fprintf(o,
                        "<rect x=\"%zu\" y=\"%d\" width=\"2\" height=\"%d\" fill=\"red\"><title>%u "
                        "alerts</title></rect>\n",
                        left + c, y - 1, rowh + 1, alerts[i][c]);
        }
    }
    int axis_y = top + (int)nrow * rowh + 12;
    for (int k = 0; k <= 5; k++)
        fprintf(o, "<text x=\"%d\" y=\"%d\">%.1f s</text>\n", (int)left + k * (SVG_COLS - 40) / 5,
                axis_y, t0 - tstart + span * k / 5.0);
    fputs("</svg>\n", o);
    if (fclose(o) != 0)
        return -1;
    fprintf(stderr, "sg17: timeline of %zu identifiers -> %s\n", nrow, svg);
    return 0;
}
