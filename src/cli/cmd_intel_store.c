/*
 * sg17 intel store|export|pull: the X.1217 intel store (docs/INTEL-STORE.md).
 *   sg17 intel store ingest --db DB [--source L] [--tlp L] [--warninglist F]... [--warninglist-dir
 * D]
 *                           [--misp-feed DIR | --list KIND:F | --csv COLUMN:F | FILE|-]
 *   sg17 intel store sightings --db DB [FILE|-]
 *   sg17 intel store stats --db DB [--json] [--hours N] [--top N]
 *   sg17 intel store compile --db DB [-o FILE]
 *   sg17 intel store match --db DB --format zeek|netflow|signal [--feedback] [LOG|-]
 *   sg17 intel export --db DB --format stix|misp|zeek|suricata [--tlp-max L]
 *                     [--untagged-tlp L] -o OUT
 *   sg17 intel pull URL --collection ID [--token-file F | --token T |
 *                   --user NAME [--password-file F]] [--db DB] [--added-after TS]
 *                   [--limit N] [--all-versions] [-o FILE]
 * Exit: 0 ok, 1 objects rejected / lines unusable, 2 usage, 3 failure.
 */
#include <dirent.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "sg17/crypto.h"
#include "sg17/intel_store.h"
#include "sg17/json.h"
#include "sg17/stix.h"

#define STORE_MAX_INPUT ((size_t)1 << 30)
#define STORE_MAX_WL    64

enum {
    O_DB = 256,
    O_SOURCE,
    O_TLP,
    O_WL,
    O_MISP,
    O_LIST,
    O_CSV,
    O_NOW,
    O_JSON,
    O_HOURS,
    O_TOP,
    O_FORMAT,
    O_TLPMAX,
    O_UNTAGGED,
    O_COLL,
    O_TOKEN,
    O_AFTER,
    O_LIMIT,
    O_HELP,
    O_INSECURE,
    O_ALLV,
    O_WLDIR,
    O_TOKENFILE,
    O_FEEDBACK,
    O_USER,
    O_PASSFILE,
    O_PASSWORD
};

static const struct option store_opts[] = {
    {"db", required_argument, NULL, O_DB},
    {"source", required_argument, NULL, O_SOURCE},
    {"tlp", required_argument, NULL, O_TLP},
    {"warninglist", required_argument, NULL, O_WL},
    {"warninglist-dir", required_argument, NULL, O_WLDIR},
    {"misp-feed", required_argument, NULL, O_MISP},
    {"list", required_argument, NULL, O_LIST},
    {"csv", required_argument, NULL, O_CSV},
    {"now", required_argument, NULL, O_NOW},
    {"json", no_argument, NULL, O_JSON},
    {"hours", required_argument, NULL, O_HOURS},
    {"top", required_argument, NULL, O_TOP},
    {"format", required_argument, NULL, O_FORMAT},
    {"tlp-max", required_argument, NULL, O_TLPMAX},
    {"untagged-tlp", required_argument, NULL, O_UNTAGGED},
    {"collection", required_argument, NULL, O_COLL},
    {"token", required_argument, NULL, O_TOKEN},
    {"token-file", required_argument, NULL, O_TOKENFILE},
    {"user", required_argument, NULL, O_USER},
    {"password-file", required_argument, NULL, O_PASSFILE},
    /* refused, and it keeps getopt from taking "--password" for "--password-file" */
    {"password", required_argument, NULL, O_PASSWORD},
    {"feedback", no_argument, NULL, O_FEEDBACK},
    {"added-after", required_argument, NULL, O_AFTER},
    {"limit", required_argument, NULL, O_LIMIT},
    {"insecure", no_argument, NULL, O_INSECURE},
    {"all-versions", no_argument, NULL, O_ALLV},
    {"output", required_argument, NULL, 'o'},
    {"help", no_argument, NULL, O_HELP},
    {NULL, 0, NULL, 0},
};

static void store_usage(FILE *f)
{
    fprintf(
        f, "usage: sg17 intel store <command> --db DB [options]   (docs/INTEL-STORE.md)\n"
           "  ingest [--source LABEL] [--tlp LEVEL] [--warninglist F]... [--warninglist-dir D]\n"
           "         [--now T]\n"
           "         [--misp-feed DIR | --list KIND:FILE | --csv COLUMN:FILE | FILE|-]\n"
           "         STIX 2.1 bundle/array/object (or a collector source) into the store;\n"
           "         --tlp marks unmarked objects; exit 1 if objects were rejected\n"
           "  sightings [--now T] [FILE|-]   STIX sightings (JSON Lines of `sg17 intel match`)\n"
           "  stats [--json] [--hours N] [--top N] [--now T]   situation-awareness counters\n"
           "  compile [--now T] [-o FILE]    active indicators (current confidence) as a\n"
           "         STIX bundle for `sg17 intel match --indicators`\n"
           "  match --format zeek|netflow|signal [--feedback] [--now T] [-o FILE] [LOG|-]\n"
           "         match the active set against a log; STIX sightings as JSON Lines\n"
           "         (exit 0 none, 1 sightings); --feedback also records them in the store\n"
           "sg17 intel export --db DB --format stix|misp|zeek|suricata [--tlp-max LEVEL]\n"
           "         [--untagged-tlp LEVEL] -o OUT     (LEVEL clear|green|amber|amber+strict|red;\n"
           "         default --tlp-max green, --untagged-tlp amber)\n"
           "sg17 intel pull API_ROOT_URL --collection ID [--token-file F | --token T |\n"
           "         --user NAME [--password-file F]] [--db DB] [--source L]\n"
           "         [--added-after TS] [--limit N] [--all-versions] [-o FILE]\n"
           "         (the token may also come from $SG17_TAXII_TOKEN; with --user, HTTP\n"
           "         Basic with the first line of --password-file, else $SG17_TAXII_PASSWORD)\n"
           "         TAXII 2.1 client; without --db the objects are printed as a STIX\n"
           "         bundle; with --db the next pull continues from the last\n"
           "         X-TAXII-Date-Added-Last\n");
}

typedef struct sopts {
    const char *db, *source, *misp, *list, *csv, *format, *out, *coll, *token, *after, *wl_dir,
        *token_file, *user, *pass_file;
    const char *wl[STORE_MAX_WL];
    size_t n_wl, hours, top, limit;
    int json, insecure, all_versions, feedback;
    int64_t now;
    sg17_intel_tlp tlp, tlp_max, untagged;
} sopts;

static int parse_now(const char *s, int64_t *out)
{
    size_t v;
    if (cli_parse_size(s, &v) == 0) {
        *out = (int64_t)v;
        return 0;
    }
    return sg17_stix_timestamp_parse(s, out, NULL) == 0 ? 0 : -1;
}

static int tlp_arg(const char *name, const char *v, sg17_intel_tlp *out)
{
    *out = sg17_intel_tlp_parse(v);
    if (*out != SG17_INTEL_TLP_NONE)
        return 0;
    fprintf(stderr,
            "sg17 intel: %s: unknown TLP level '%s' (clear, green, amber, "
            "amber+strict, red)\n",
            name, v);
    return -1;
}

/* Parse options; returns -1 ok (continue), or an exit code. */
static int parse_opts(int argc, char **argv, sopts *o)
{
    memset(o, 0, sizeof *o);
    o->tlp = o->tlp_max = o->untagged = SG17_INTEL_TLP_NONE;
    o->hours = 48;
    o->top = 10;
    optind = 1;
    int c;
    while ((c = getopt_long(argc, argv, "o:", store_opts, NULL)) != -1) {
        switch (c) {
        case O_DB: o->db = optarg; break;
        case O_SOURCE: o->source = optarg; break;
        case O_TLP:
            if (tlp_arg("--tlp", optarg, &o->tlp))
                return CLI_USAGE;
            break;
        case O_TLPMAX:
            if (tlp_arg("--tlp-max", optarg, &o->tlp_max))
                return CLI_USAGE;
            break;
        case O_UNTAGGED:
            if (tlp_arg("--untagged-tlp", optarg, &o->untagged))
                return CLI_USAGE;
            break;
        case O_WL:
            if (o->n_wl == STORE_MAX_WL) {
                fprintf(stderr, "sg17 intel: at most %d --warninglist\n", STORE_MAX_WL);
                return CLI_USAGE;
            }
            o->wl[o->n_wl++] = optarg;
            break;
        case O_WLDIR: o->wl_dir = optarg; break;
        case O_MISP: o->misp = optarg; break;
        case O_LIST: o->list = optarg; break;
        case O_CSV: o->csv = optarg; break;
        case O_NOW:
            if (parse_now(optarg, &o->now) != 0) {
                fprintf(stderr, "sg17 intel: --now: seconds or a STIX timestamp expected\n");
                return CLI_USAGE;
            }
            break;
        case O_JSON: o->json = 1; break;
        case O_INSECURE: o->insecure = 1; break;
        case O_ALLV: o->all_versions = 1; break;
        case O_HOURS:
        case O_TOP:
        case O_LIMIT: {
            size_t v;
            if (cli_parse_size(optarg, &v) != 0) {
                fprintf(stderr, "sg17 intel: a number expected, not '%s'\n", optarg);
                return CLI_USAGE;
            }
            *(c == O_HOURS ? &o->hours : (c == O_TOP ? &o->top : &o->limit)) = v;
            break;
        }
        case O_FORMAT: o->format = optarg; break;
        case 'o': o->out = optarg; break;
        case O_COLL: o->coll = optarg; break;
        case O_TOKEN: o->token = optarg; break;
        case O_TOKENFILE: o->token_file = optarg; break;
        case O_USER: o->user = optarg; break;
        case O_PASSFILE: o->pass_file = optarg; break;
        case O_PASSWORD:
            fprintf(stderr, "sg17 intel: no --password (other users can see the command line);"
                            " use --password-file F or $SG17_TAXII_PASSWORD\n");
            return CLI_USAGE;
        case O_FEEDBACK: o->feedback = 1; break;
        case O_AFTER: o->after = optarg; break;
        case O_HELP: store_usage(stdout); return CLI_OK;
        default: store_usage(stderr); return CLI_USAGE;
        }
    }
    if (o->now == 0)
        o->now = (int64_t)time(NULL);
    return -1;
}

static int open_db(const sopts *o, sg17_intel_store **s)
{
    if (o->db == NULL) {
        fprintf(stderr, "sg17 intel: --db DB is required\n");
        return CLI_USAGE;
    }
    int rc = sg17_intel_store_open(s, o->db);
    if (rc != 0) {
        fprintf(stderr, "sg17 intel: %s: %s\n", o->db, sg17_strerror(rc));
        return CLI_FAIL;
    }
    return 0;
}

/* Add one warninglist file; quiet_not_list: files that are not warninglists
 * (e.g. schema.json in a list directory) are skipped. Returns 0 or CLI_FAIL. */
static int add_wl_file(sg17_intel_wl *wl, const char *path, int quiet_not_list, size_t *n)
{
    json_t *j = NULL;
    sg17_json_error je;
    char err[200];
    size_t bad = 0;
    if (sg17_json_load_file(path, NULL, &j, &je) != 0) {
        fprintf(stderr, "sg17 intel: %s: %s\n", path, je.text);
        return CLI_FAIL;
    }
    int rc = sg17_intel_wl_add(wl, j, &bad, err, sizeof err);
    json_decref(j);
    if (rc == SG17_E_FORMAT && quiet_not_list)
        return 0;
    if (rc != 0) {
        fprintf(stderr, "sg17 intel: %s: %s\n", path, err);
        return CLI_FAIL;
    }
    (*n)++;
    return 0;
}

/* Every DIR/x.json and DIR/x/list.json (the misp-warninglists layout), sorted. */
static int add_wl_dir(sg17_intel_wl *wl, const char *dir, size_t *n)
{
    struct dirent **ents = NULL;
    int k = scandir(dir, &ents, NULL, alphasort);
    if (k < 0) {
        fprintf(stderr, "sg17 intel: %s: cannot read the directory\n", dir);
        return CLI_FAIL;
    }
    int rc = 0;
    for (int i = 0; i < k; i++) {
        const char *name = ents[i]->d_name;
        size_t l = strlen(name);
        char path[4096];
        FILE *f = NULL;
        if (rc == 0 && name[0] != '.' && l > 5 && strcmp(name + l - 5, ".json") == 0) {
            snprintf(path, sizeof path, "%s/%s", dir, name);
            rc = add_wl_file(wl, path, 1, n);
        } else if (rc == 0 && name[0] != '.' &&
                   (size_t)snprintf(path, sizeof path, "%s/%s/list.json", dir, name) <
                       sizeof path &&
                   (f = fopen(path, "r")) != NULL) {
            fclose(f);
            rc = add_wl_file(wl, path, 1, n);
        }
        free(ents[i]);
    }
    free(ents);
    return rc;
}

static int load_wl(const sopts *o, sg17_intel_wl **wl)
{
    *wl = NULL;
    if (o->n_wl == 0 && o->wl_dir == NULL)
        return 0;
    if (sg17_intel_wl_new(wl) != 0)
        return CLI_FAIL;
    size_t n = 0;
    for (size_t i = 0; i < o->n_wl; i++)
        if (add_wl_file(*wl, o->wl[i], 0, &n) != 0)
            return CLI_FAIL;
    if (o->wl_dir != NULL && add_wl_dir(*wl, o->wl_dir, &n) != 0)
        return CLI_FAIL;
    if (o->wl_dir != NULL)
        fprintf(stderr, "sg17 intel store: %zu warninglists\n", n);
    return 0;
}

static void print_ingest(const sopts *o, const sg17_intel_ingest_stats *st)
{
    FILE *f = o->json ? stdout : stderr;
    fprintf(f,
            "{\"objects\":%zu,\"stored\":%zu,\"duplicates\":%zu,\"older\":%zu,\"rejected\":%zu,"
            "\"indicators\":%zu,\"unsupported\":%zu,\"values\":%zu,\"new_values\":%zu,"
            "\"filtered\":%zu}\n",
            st->objects, st->stored, st->duplicates, st->older, st->rejected, st->indicators,
            st->unsupported, st->values, st->new_values, st->filtered);
    if (st->rejected)
        fprintf(stderr, "sg17 intel store: %zu rejected, last: %s\n", st->rejected,
                st->last_reject);
}

#define STORE_BATCH      4096U
#define STORE_MAX_OBJECT ((size_t)16 << 20)

typedef struct stream_ctx {
    sg17_intel_store *s;
    const sg17_intel_ingest_opts *io;
    sg17_intel_ingest_stats *st;
    json_t *batch;
    size_t seen;
} stream_ctx;

static void add_stats(sg17_intel_ingest_stats *a, const sg17_intel_ingest_stats *b)
{
    a->objects += b->objects;
    a->stored += b->stored;
    a->duplicates += b->duplicates;
    a->older += b->older;
    a->rejected += b->rejected;
    a->indicators += b->indicators;
    a->unsupported += b->unsupported;
    a->values += b->values;
    a->new_values += b->new_values;
    a->filtered += b->filtered;
    if (b->last_reject[0])
        memcpy(a->last_reject, b->last_reject, sizeof a->last_reject);
}

static int stream_flush(stream_ctx *c)
{
    if (json_array_size(c->batch) == 0)
        return 0;
    sg17_intel_ingest_stats b;
    int rc = sg17_intel_store_ingest(c->s, c->batch, c->io, &b);
    if (rc == 0)
        add_stats(c->st, &b);
    json_array_clear(c->batch);
    return rc;
}

static int stream_cb(json_t *obj, void *ctx)
{
    stream_ctx *c = ctx;
    c->seen++;
    if (json_array_append(c->batch, obj) != 0)
        return SG17_E_NOMEM;
    return json_array_size(c->batch) >= STORE_BATCH ? stream_flush(c) : 0;
}

/* Ingest a bundle file in batches of STORE_BATCH objects, each its own
 * transaction. Returns 0, an error, or 1 when the file is not a bundle with
 * objects (the caller then parses it whole, for arrays, single objects and
 * the error message with line and column). */
static int ingest_stream(sg17_intel_store *s, const char *path, const sg17_intel_ingest_opts *io,
                         sg17_intel_ingest_stats *st)
{
    stream_ctx c = {s, io, st, json_array(), 0};
    if (c.batch == NULL)
        return SG17_E_NOMEM;
    memset(st, 0, sizeof *st);
    int rc = sg17_stix_stream_file(path, STORE_MAX_OBJECT, stream_cb, &c);
    if (rc == 0) {
        rc = stream_flush(&c);
    } else if (c.seen > 0 && (rc == SG17_E_FORMAT || rc == SG17_E_LIMIT)) {
        /* damaged further on: keep the objects read before the damage */
        int frc = stream_flush(&c);
        if (frc != 0)
            rc = frc;
    }
    json_decref(c.batch);
    if (c.seen == 0 && (rc == 0 || rc == SG17_E_FORMAT))
        return 1;
    return rc;
}

static int do_ingest(const sopts *o, sg17_intel_store *s, const char *file)
{
    sg17_intel_wl *wl = NULL;
    int rc = load_wl(o, &wl);
    if (rc != 0) {
        sg17_intel_wl_free(wl);
        return rc;
    }
    sg17_intel_ingest_opts io = {o->source, o->now, wl, o->tlp};
    sg17_intel_ingest_stats st;
    memset(&st, 0, sizeof st);
    char err[256] = "";
    const char *spec = o->list ? o->list : o->csv;
    sg17_intel_ingest_opts fio = io; /* a bundle file: its name is the default source */
    if (fio.source == NULL)
        fio.source = file;
    if (o->misp || spec) {
        int kind = o->misp ? SG17_INTEL_SRC_MISP_FEED
                           : (o->list ? SG17_INTEL_SRC_PLAIN : SG17_INTEL_SRC_CSV);
        const char *path = o->misp;
        char head[128] = "";
        sg17_intel_kind lk = SG17_INTEL_NONE;
        if (spec) {
            const char *colon = strchr(spec, ':');
            if (colon == NULL || (size_t)(colon - spec) >= sizeof head) {
                fprintf(stderr, "sg17 intel store: KIND:FILE / COLUMN:FILE expected\n");
                sg17_intel_wl_free(wl);
                return CLI_USAGE;
            }
            memcpy(head, spec, (size_t)(colon - spec));
            path = colon + 1;
            if (o->list && strcmp(head, "auto") != 0) {
                for (int k = 1; k < SG17_INTEL_KIND_COUNT; k++)
                    if (strcmp(sg17_intel_kind_name((sg17_intel_kind)k), head) == 0)
                        lk = (sg17_intel_kind)k;
                if (lk == SG17_INTEL_NONE) {
                    fprintf(stderr, "sg17 intel store: unknown kind '%s'\n", head);
                    sg17_intel_wl_free(wl);
                    return CLI_USAGE;
                }
            }
        }
        if (io.source == NULL)
            io.source = path;
        rc = sg17_intel_store_ingest_collector(s, kind, path, lk, o->csv ? head : NULL, &io, &st,
                                               err, sizeof err);
    } else if (file != NULL && strcmp(file, "-") != 0 &&
               (rc = ingest_stream(s, file, &fio, &st)) != 1) {
        /* a bundle file, read one object at a time (memory bounded by the batch) */
        if (rc != 0)
            snprintf(err, sizeof err, "%s: %s", file,
                     (rc == SG17_E_FORMAT || rc == SG17_E_LIMIT)
                         ? "malformed or oversized object in the bundle (the objects before it "
                           "were ingested)"
                         : sg17_intel_store_errmsg(s));
    } else {
        memset(&st, 0, sizeof st);
        uint8_t *buf = NULL;
        size_t len = 0;
        if (cli_read_input(file, STORE_MAX_INPUT, &buf, &len) != 0) {
            sg17_intel_wl_free(wl);
            return CLI_FAIL;
        }
        sg17_json_limits lim = {STORE_MAX_INPUT, 0, 0};
        sg17_json_error je;
        json_t *j = NULL;
        rc = sg17_json_parse((const char *)buf, len, &lim, &j, &je);
        free(buf);
        if (rc != 0) {
            fprintf(stderr, "sg17 intel store: %s: %s (line %d, column %d)\n", file ? file : "-",
                    je.text, je.line, je.column);
            sg17_intel_wl_free(wl);
            return CLI_FAIL;
        }
        if (io.source == NULL)
            io.source = file ? file : "stdin";
        rc = sg17_intel_store_ingest(s, j, &io, &st);
        json_decref(j);
    }
    sg17_intel_wl_free(wl);
    if (rc != 0) {
        fprintf(stderr, "sg17 intel store: %s %s\n", sg17_strerror(rc),
                err[0] ? err : sg17_intel_store_errmsg(s));
        return CLI_FAIL;
    }
    print_ingest(o, &st);
    return st.rejected ? CLI_NEGATIVE : CLI_OK;
}

static int do_sightings(const sopts *o, sg17_intel_store *s, const char *file)
{
    uint8_t *buf = NULL;
    size_t len = 0;
    if (cli_read_input(file, STORE_MAX_INPUT, &buf, &len) != 0)
        return CLI_FAIL;
    sg17_intel_sight_stats st;
    int rc = sg17_intel_store_sightings(s, (const char *)buf, len, o->now, &st);
    free(buf);
    if (rc != 0) {
        fprintf(stderr, "sg17 intel store: %s %s\n", sg17_strerror(rc), sg17_intel_store_errmsg(s));
        return CLI_FAIL;
    }
    fprintf(o->json ? stdout : stderr,
            "{\"lines\":%zu,\"recorded\":%zu,\"unmatched\":%zu,\"invalid\":%zu}\n", st.lines,
            st.recorded, st.unmatched, st.invalid);
    if (st.invalid)
        fprintf(stderr, "sg17 intel store: %s: %s\n", file ? file : "-", st.last_error);
    return st.invalid ? CLI_NEGATIVE : CLI_OK;
}

static void print_counts(const char *title, json_t *o)
{
    printf("%s:\n", title);
    const char *k;
    json_t *v;
    json_object_foreach(o, k, v) printf("  %-40s %lld\n", k, (long long)json_integer_value(v));
}

static int do_stats(const sopts *o, sg17_intel_store *s)
{
    json_t *j = NULL;
    int rc = sg17_intel_store_summary(s, o->now, (unsigned)(o->hours > 9000 ? 9000 : o->hours),
                                      (unsigned)(o->top > 1000 ? 1000 : o->top), &j);
    if (rc != 0) {
        fprintf(stderr, "sg17 intel store: %s %s\n", sg17_strerror(rc), sg17_intel_store_errmsg(s));
        return CLI_FAIL;
    }
    if (o->json) {
        json_dumpf(j, stdout, JSON_COMPACT | JSON_SORT_KEYS);
        printf("\n");
    } else {
        print_counts("values", json_object_get(j, "values"));
        print_counts("objects", json_object_get(j, "objects"));
        print_counts("active by type", json_object_get(j, "by_type"));
        print_counts("active by source", json_object_get(j, "by_source"));
        print_counts("active by FS.11 category", json_object_get(j, "by_fs11_category"));
        print_counts("sightings", json_object_get(j, "sightings"));
        print_counts("sightings by type", json_object_get(j, "sightings_by_type"));
        printf("sightings by hour (last %zu h, non-zero):\n", o->hours);
        size_t i;
        json_t *h;
        json_array_foreach(json_object_get(j, "sightings_by_hour"), i,
                           h) if (json_integer_value(json_object_get(h, "count")) > 0)
            printf("  %s %lld\n", json_string_value(json_object_get(h, "hour")),
                   (long long)json_integer_value(json_object_get(h, "count")));
        printf("top sighted:\n");
        json_array_foreach(json_object_get(j, "top_sighted"), i, h)
            printf("  %-8lld %-22s %s (confidence %lld)\n",
                   (long long)json_integer_value(json_object_get(h, "count")),
                   json_string_value(json_object_get(h, "type")),
                   json_string_value(json_object_get(h, "value")),
                   (long long)json_integer_value(json_object_get(h, "confidence")));
    }
    json_decref(j);
    return CLI_OK;
}

typedef struct compile_out {
    json_t *objects;
    char now[40];
} compile_out;

static int compile_cb(const sg17_intel_active *a, void *ctx)
{
    compile_out *c = ctx;
    char pattern[SG17_INTEL_MAX_VALUE * 2 + 160], id[80];
    if (sg17_intel_pattern_for(a->kind, a->op, a->value, a->value_hi, pattern, sizeof pattern))
        return 0;
    static const char hx[] = "0123456789abcdef";
    size_t n = (size_t)snprintf(id, sizeof id, "indicator--");
    for (size_t i = 0; i < 16; i++) {
        if (i == 4 || i == 6 || i == 8 || i == 10)
            id[n++] = '-';
        id[n++] = hx[a->id[i] >> 4];
        id[n++] = hx[a->id[i] & 15];
    }
    id[n] = '\0';
    char vf[40];
    if (a->valid_from > 0) {
        time_t t = (time_t)a->valid_from;
        struct tm tm;
        gmtime_r(&t, &tm);
        strftime(vf, sizeof vf, "%Y-%m-%dT%H:%M:%S.000Z", &tm);
    } else {
        snprintf(vf, sizeof vf, "%s", c->now);
    }
    json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:i, s:s, s:s}", "type", "indicator",
                          "spec_version", "2.1", "id", id, "created", c->now, "modified", c->now,
                          "pattern", pattern, "pattern_type", "stix", "confidence", a->confidence,
                          "valid_from", vf, "x_sg17_store_indicator", a->indicator);
    if (o == NULL)
        return SG17_E_NOMEM;
    if (a->fs11)
        json_object_set_new(o, "x_sg17_fs11_category", json_integer(a->fs11));
    if (a->valid_until > 0) {
        char ts[40];
        time_t t = (time_t)a->valid_until;
        struct tm tm;
        gmtime_r(&t, &tm);
        strftime(ts, sizeof ts, "%Y-%m-%dT%H:%M:%S.000Z", &tm);
        json_object_set_new(o, "valid_until", json_string(ts));
    }
    return json_array_append_new(c->objects, o) == 0 ? 0 : SG17_E_NOMEM;
}

static int write_bundle(json_t *objects, const char *out)
{
    char *text = json_dumps(objects, JSON_COMPACT | JSON_SORT_KEYS);
    if (text == NULL)
        return CLI_FAIL;
    uint8_t h[32];
    sg17_sha256(h, (const uint8_t *)text, strlen(text));
    free(text);
    h[6] = (uint8_t)((h[6] & 0x0F) | 0x40);
    h[8] = (uint8_t)((h[8] & 0x3F) | 0x80);
    char id[64];
    snprintf(id, sizeof id,
             "bundle--%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", h[0],
             h[1], h[2], h[3], h[4], h[5], h[6], h[7], h[8], h[9], h[10], h[11], h[12], h[13],
             h[14], h[15]);
    json_t *b = json_pack("{s:s, s:s, s:O}", "type", "bundle", "id", id, "objects", objects);
    FILE *f = out ? fopen(out, "w") : stdout;
    int rc = (b && f) ? json_dumpf(b, f, JSON_INDENT(1) | JSON_SORT_KEYS) : -1;
    if (f)
        fputc('\n', f);
    if (f && f != stdout && fclose(f) != 0)
        rc = -1;
    json_decref(b);
    if (rc != 0) {
        fprintf(stderr, "sg17 intel: %s: cannot write\n", out ? out : "stdout");
        return CLI_FAIL;
    }
    return CLI_OK;
}

static int do_compile(const sopts *o, sg17_intel_store *s)
{
    compile_out c;
    c.objects = json_array();
    time_t t = (time_t)o->now;
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(c.now, sizeof c.now, "%Y-%m-%dT%H:%M:%S.000Z", &tm);
    int rc = c.objects ? sg17_intel_store_foreach_active(s, o->now, SG17_INTEL_TLP_RED,
                                                         SG17_INTEL_TLP_CLEAR, compile_cb, &c)
                       : SG17_E_NOMEM;
    if (rc != 0) {
        json_decref(c.objects);
        fprintf(stderr, "sg17 intel store: %s %s\n", sg17_strerror(rc), sg17_intel_store_errmsg(s));
        return CLI_FAIL;
    }
    fprintf(stderr, "sg17 intel store: %zu active values\n", json_array_size(c.objects));
    rc = write_bundle(c.objects, o->out);
    json_decref(c.objects);
    return rc;
}

/* Match one log against the snapshot; malformed lines are reported and skipped. */
static int match_log(sg17_intel_log *r, sg17_intel_sightings *g, FILE *in, const char *name,
                     size_t *errors)
{
    size_t cap = SG17_INTEL_LOG_MAX_LINE + 2;
    char *line = malloc(cap);
    if (line == NULL)
        return CLI_FAIL;
    uint64_t no = 0;
    int ret = CLI_OK;
    while (ret == CLI_OK && fgets(line, (int)cap, in) != NULL) {
        size_t len = strlen(line);
        no++;
        if (len == cap - 1 && line[len - 1] != '\n') {
            int ch;
            while ((ch = fgetc(in)) != EOF && ch != '\n')
                ;
            (*errors)++;
            fprintf(stderr, "sg17 intel store match: %s:%llu: line longer than %u bytes\n", name,
                    (unsigned long long)no, SG17_INTEL_LOG_MAX_LINE);
            continue;
        }
        if (len > 0 && line[len - 1] == '\n')
            len--;
        sg17_intel_obs obs;
        char err[200] = "";
        int rc = sg17_intel_log_line(r, line, len, &obs, err, sizeof err);
        if (rc != 0) {
            (*errors)++;
            fprintf(stderr, "sg17 intel store match: %s:%llu: %s\n", name, (unsigned long long)no,
                    err[0] ? err : sg17_strerror(rc));
            continue;
        }
        if (obs.n > 0 && sg17_intel_sightings_observe(g, &obs, name, no) < 0)
            ret = CLI_FAIL;
    }
    if (ferror(in)) {
        fprintf(stderr, "sg17 intel store match: %s: read error\n", name);
        ret = CLI_FAIL;
    }
    free(line);
    return ret;
}

/* Compile the active set, match a log, write the sightings (and with
 * --feedback record them in the store). */
static int do_match(const sopts *o, sg17_intel_store *s, const char *file)
{
    sg17_intel_log_format fmt = sg17_intel_log_format_parse(o->format ? o->format : "");
    if (fmt == 0) {
        fprintf(stderr, "sg17 intel store match: --format zeek|netflow|signal required\n");
        return CLI_USAGE;
    }
    sg17_intel_builder *b = NULL;
    sg17_intel_snapshot *snap = NULL;
    sg17_intel_sightings *g = NULL;
    sg17_intel_log *r = NULL;
    size_t n = 0, errors = 0;
    int ret = CLI_FAIL;
    if (sg17_intel_builder_new(&b) != 0 || sg17_intel_store_compile(s, o->now, b, &n) != 0 ||
        sg17_intel_builder_build(b, o->now, &snap) != 0 ||
        sg17_intel_sightings_new(&g, snap) != 0 || sg17_intel_log_new(&r, fmt) != 0) {
        fprintf(stderr, "sg17 intel store match: cannot compile the active set: %s\n",
                sg17_intel_store_errmsg(s));
        goto done;
    }
    FILE *in = (file && strcmp(file, "-") != 0) ? fopen(file, "r") : stdin;
    if (in == NULL) {
        fprintf(stderr, "sg17 intel store match: %s: cannot open\n", file);
        goto done;
    }
    ret = match_log(r, g, in, file ? file : "-", &errors);
    if (in != stdin)
        fclose(in);
    if (ret != CLI_OK)
        goto done;
    char *text = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&text, &len);
    if (mem == NULL || sg17_intel_sightings_write(g, (int64_t)time(NULL), mem) != 0 ||
        fclose(mem) != 0) {
        free(text);
        ret = CLI_FAIL;
        goto done;
    }
    FILE *out = o->out ? fopen(o->out, "w") : stdout;
    if (out == NULL || fwrite(text, 1, len, out) != len || (out != stdout && fclose(out) != 0)) {
        fprintf(stderr, "sg17 intel store match: %s: cannot write\n", o->out ? o->out : "-");
        free(text);
        ret = CLI_FAIL;
        goto done;
    }
    sg17_intel_sight_stats st;
    memset(&st, 0, sizeof st);
    if (o->feedback && sg17_intel_store_sightings(s, text, len, o->now, &st) != 0) {
        fprintf(stderr, "sg17 intel store match: feedback: %s\n", sg17_intel_store_errmsg(s));
        free(text);
        ret = CLI_FAIL;
        goto done;
    }
    free(text);
    fprintf(stderr, "sg17 intel store match: %zu active values, %zu sighted, %zu malformed lines%s",
            n, sg17_intel_sightings_count(g), errors, o->feedback ? "" : "\n");
    if (o->feedback)
        fprintf(stderr, ", %zu sightings recorded\n", st.recorded);
    ret = sg17_intel_sightings_count(g) > 0 ? CLI_NEGATIVE : CLI_OK;
done:
    sg17_intel_log_free(r);
    sg17_intel_sightings_free(g);
    sg17_intel_snapshot_free(snap);
    sg17_intel_builder_free(b);
    return ret;
}

int cmd_intel_store(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        store_usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? CLI_USAGE : CLI_OK;
    }
    const char *sub = argv[1];
    sopts o;
    int rc = parse_opts(argc - 1, argv + 1, &o);
    if (rc >= 0)
        return rc;
    const char *file = optind < argc - 1 ? argv[optind + 1] : NULL;
    if (optind + 1 < argc - 1) {
        fprintf(stderr, "sg17 intel store: one input at most\n");
        return CLI_USAGE;
    }
    if (strcmp(sub, "ingest") != 0 && strcmp(sub, "sightings") != 0 && strcmp(sub, "stats") != 0 &&
        strcmp(sub, "compile") != 0 && strcmp(sub, "match") != 0) {
        fprintf(stderr, "sg17 intel store: unknown command '%s'\n", sub);
        store_usage(stderr);
        return CLI_USAGE;
    }
    sg17_intel_store *s;
    if ((rc = open_db(&o, &s)) != 0)
        return rc;
    if (strcmp(sub, "ingest") == 0)
        rc = do_ingest(&o, s, file);
    else if (strcmp(sub, "sightings") == 0)
        rc = do_sightings(&o, s, file);
    else if (strcmp(sub, "stats") == 0)
        rc = do_stats(&o, s);
    else if (strcmp(sub, "match") == 0)
        rc = do_match(&o, s, file);
    else
        rc = do_compile(&o, s);
    sg17_intel_store_close(s);
    return rc;
}

int cmd_intel_export(int argc, char **argv)
{
    sopts o;
    int rc = parse_opts(argc, argv, &o);
    if (rc >= 0)
        return rc;
    sg17_intel_export_format fmt = sg17_intel_export_format_parse(o.format);
    if (fmt == 0 || o.out == NULL || optind != argc) {
        fprintf(stderr, "sg17 intel export: --format stix|misp|zeek|suricata and -o OUT "
                        "required\n");
        return CLI_USAGE;
    }
    sg17_intel_store *s;
    if ((rc = open_db(&o, &s)) != 0)
        return rc;
    sg17_intel_export_opts eo = {fmt, o.out, o.tlp_max, o.untagged, o.now};
    sg17_intel_export_stats st;
    rc = sg17_intel_store_export(s, &eo, &st);
    if (rc != 0) {
        fprintf(stderr, "sg17 intel export: %s: %s %s\n", o.out, sg17_strerror(rc),
                sg17_intel_store_errmsg(s));
        sg17_intel_store_close(s);
        return CLI_FAIL;
    }
    sg17_intel_store_close(s);
    fprintf(o.json ? stdout : stderr, "{\"written\":%zu,\"withheld\":%zu,\"skipped\":%zu}\n",
            st.written, st.withheld, st.skipped);
    return CLI_OK;
}

static int pull_collect(const json_t *objects, void *ctx)
{
    json_t *copy = json_deep_copy(objects);
    int rc = (copy != NULL && json_array_extend(ctx, copy) == 0) ? 0 : SG17_E_NOMEM;
    json_decref(copy);
    return rc;
}

/* The first line of a file (without its line end) into out; 0 or -1. A line
 * longer than out is refused rather than cut. */
static int read_first_line(const char *path, char *out, size_t cap)
{
    FILE *f = fopen(path, "r");
    int rc = -1;
    if (f != NULL && fgets(out, (int)cap, f) != NULL) {
        size_t n = strcspn(out, "\r\n");
        if (out[n] != '\0' || strlen(out) < cap - 1 || feof(f)) {
            out[n] = '\0';
            rc = 0;
        }
    }
    if (f != NULL)
        fclose(f);
    if (rc != 0)
        sg17_memzero(out, cap);
    return rc;
}

int cmd_intel_pull(int argc, char **argv)
{
    sopts o;
    int rc = parse_opts(argc, argv, &o);
    if (rc >= 0)
        return rc;
    if (o.coll == NULL || optind != argc - 1) {
        fprintf(stderr, "sg17 intel pull: API_ROOT_URL and --collection ID required\n");
        return CLI_USAGE;
    }
    /* the token: --token-file (first line), else $SG17_TAXII_TOKEN, else --token
     * (visible in the process list; kept for scripts that already pass it);
     * with --user, HTTP Basic: --password-file (first line), else
     * $SG17_TAXII_PASSWORD - never a password on the command line */
    char tok[1024] = "", pw[1024] = "";
    if (o.user != NULL && (o.token != NULL || o.token_file != NULL)) {
        fprintf(stderr, "sg17 intel pull: --user and a token exclude each other\n");
        return CLI_USAGE;
    }
    if (o.pass_file != NULL && o.user == NULL) {
        fprintf(stderr, "sg17 intel pull: --password-file needs --user\n");
        return CLI_USAGE;
    }
    if (o.user != NULL) {
        if (o.pass_file != NULL) {
            if (read_first_line(o.pass_file, pw, sizeof pw) != 0) {
                fprintf(stderr, "sg17 intel pull: %s: cannot read the password\n", o.pass_file);
                return CLI_FAIL;
            }
        } else if (getenv("SG17_TAXII_PASSWORD") != NULL) {
            snprintf(pw, sizeof pw, "%s", getenv("SG17_TAXII_PASSWORD"));
        } else {
            fprintf(stderr, "sg17 intel pull: --user needs --password-file F or "
                            "$SG17_TAXII_PASSWORD\n");
            return CLI_USAGE;
        }
    } else if (o.token_file != NULL) {
        if (read_first_line(o.token_file, tok, sizeof tok) != 0) {
            fprintf(stderr, "sg17 intel pull: %s: cannot read the token\n", o.token_file);
            return CLI_FAIL;
        }
        o.token = tok;
    } else if (o.token == NULL && getenv("SG17_TAXII_TOKEN") != NULL) {
        o.token = getenv("SG17_TAXII_TOKEN");
    }
    sg17_intel_store *s = NULL;
    if (o.db != NULL && (rc = open_db(&o, &s)) != 0) {
        sg17_memzero(pw, sizeof pw);
        return rc;
    }
    sg17_intel_pull_opts po;
    memset(&po, 0, sizeof po);
    po.api_root = argv[optind];
    po.collection = o.coll;
    po.token = o.token;
    po.user = o.user;
    po.password = o.user != NULL ? pw : NULL;
    po.added_after = o.after;
    po.limit = o.limit;
    po.insecure = o.insecure;
    po.all_versions = o.all_versions;
    sg17_intel_ingest_opts io = {o.source, o.now, NULL, o.tlp};
    json_t *all = s ? NULL : json_array();
    sg17_intel_pull_stats st;
    rc = sg17_intel_taxii_pull(s, &po, &io, s ? NULL : pull_collect, all, &st);
    sg17_memzero(tok, sizeof tok);
    sg17_memzero(pw, sizeof pw);
    sg17_intel_store_close(s);
    if (rc != 0) {
        fprintf(stderr, "sg17 intel pull: %s: %s\n", po.api_root,
                st.error[0] ? st.error : sg17_strerror(rc));
        json_decref(all);
        return CLI_FAIL;
    }
    fprintf(stderr, "sg17 intel pull: %zu objects in %zu pages, added_last %s", st.objects,
            st.pages, st.added_last[0] ? st.added_last : "-");
    if (o.db != NULL)
        fprintf(stderr, ", %zu new versions stored, %zu rejected", st.stored, st.rejected);
    fprintf(stderr, "\n");
    if (all != NULL) {
        rc = write_bundle(all, o.out);
        json_decref(all);
        return rc;
    }
    return CLI_OK;
}
