/*
 * sg17 intel <command>: X.1217 threat intelligence on STIX 2.1 (docs/STIX.md).
 *   validate [--strict] [--disable LIST] [--enable LIST] [--strict-types]
 *            [--strict-properties] [--version 2.0|2.1] [--registry-dir DIR]
 *            [--stream] [--json] FILE|-       exit 0 valid, 1 invalid, 3 unreadable
 *   pattern validate PATTERN                  exit 0 valid, 1 invalid (reason on stderr)
 *   pattern match PATTERN OBSERVATIONS.json [--json]
 *                                             exit 0 match, 1 no match, >= 2 error
 *   census FILE|-                             object census as JSON
 *   canon FILE|-                              canonical serialisation
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "sg17/json.h"
#include "sg17/stix.h"
#include "sg17/stix_pattern.h"

#define INTEL_MAX_INPUT ((size_t)1 << 30)
#define MAX_LIST 64

static void intel_usage(FILE *f)
{
    fprintf(f,
            "usage: sg17 intel <command> [options]\n"
            "commands:\n"
            "  validate [--strict] [--disable LIST] [--enable LIST] [--strict-types]\n"
            "           [--strict-properties] [--version 2.0|2.1] [--registry-dir DIR]\n"
            "           [--stream] [--json] FILE|-\n"
            "         validate a STIX 2.1 object or bundle (MUST rules + SHOULD checks;\n"
            "         LIST = comma-separated check codes or names); exit 0 valid,\n"
            "         1 invalid, 3 unreadable input. --stream validates a bundle one\n"
            "         object at a time (memory bounded by the largest object).\n"
            "         IANA registry checks (271-273, charsets) need --registry-dir or\n"
            "         SG17_STIX_REGISTRIES.\n"
            "  pattern validate PATTERN\n"
            "         exit 0 valid, 1 invalid (reason on stderr)\n"
            "  pattern match PATTERN OBSERVATIONS.json [--json]\n"
            "         OBSERVATIONS.json: a JSON list of bundles / observed-data / SCOs;\n"
            "         exit 0 match, 1 no match, 2 usage, 3 error; --json prints the\n"
            "         matched observed-data ids\n"
            "  match --format zeek|netflow|signal [--indicators F] [--list KIND:F]\n"
            "        [--misp-feed DIR] [--warninglist F] [--counters F] [LOG|-]\n"
            "         match compiled indicators against operator logs; STIX sightings\n"
            "         as JSON Lines; exit 0 nothing sighted, 1 sightings (docs/INTEL.md)\n"
            "  census FILE|-     object census (objects, types, unique ids, revoked)\n"
            "  canon FILE|-      canonical serialisation (sorted keys, compact)\n"
            "  store ingest|sightings|stats|compile|match --db DB ...\n"
            "         the SQLite intelligence store: provenance, de-duplication,\n"
            "         confidence, sightings fed back (docs/INTEL-STORE.md)\n"
            "  export --db DB --format stix|misp|zeek|suricata [--tlp-max L] -o OUT\n"
            "         the active set, TLP markings honoured\n"
            "  pull API_ROOT_URL --collection ID [--token-file F] [--db DB] ...\n"
            "         TAXII 2.1 client (follows next; polls with added_after)\n"
            "Run `sg17 intel COMMAND --help` for each command's options.\n");
}

static int load_json(const char *path, json_t **out)
{
    uint8_t *buf = NULL;
    size_t len = 0;
    if (cli_read_input(path, INTEL_MAX_INPUT, &buf, &len) != 0)
        return CLI_FAIL;
    sg17_json_limits lim = {INTEL_MAX_INPUT, 0, 0};
    sg17_json_error err;
    int rc = sg17_json_parse((const char *)buf, len, &lim, out, &err);
    free(buf);
    if (rc) {
        fprintf(stderr, "sg17 intel: %s: %s (line %d, column %d)\n", path ? path : "-", err.text,
                err.line, err.column);
        return CLI_FAIL;
    }
    return 0;
}

static size_t split_list(char *s, const char **out, size_t max)
{
    size_t n = 0;
    char *p = s;
    while (p && *p && n < max) {
        char *c = strchr(p, ',');
        if (c)
            *c = '\0';
        if (*p)
            out[n++] = p;
        p = c ? c + 1 : NULL;
    }
    return n;
}

typedef struct vstate {
    const sg17_stix_vopts *vo;
    int json;
    int valid;
    json_t *codes, *errors, *warnings;
    size_t objects;
    int failed;
} vstate;

static void collect(vstate *st, const sg17_stix_report *rep)
{
    if (!rep->valid)
        st->valid = 0;
    for (size_t i = 0; i < rep->n; i++) {
        const sg17_stix_finding *f = &rep->items[i];
        if (f->code > 0) {
            int seen = 0;
            size_t k;
            const json_t *c;
            json_array_foreach(st->codes, k, c) if (json_integer_value(c) == f->code) seen = 1;
            if (!seen)
                json_array_append_new(st->codes, json_integer(f->code));
        }
        char msg[SG17_STIX_MSG_MAX];
        if (st->json)
            json_array_append_new(f->is_error ? st->errors : st->warnings,
                                  json_string(sg17_stix_finding_format(f, msg, sizeof msg)));
        else
            fprintf(stdout, "%s: %s: %s\n", f->is_error ? "error" : "warning", f->object_id, f->text);
    }
}

static int stream_cb(int vrc, const sg17_stix_report *rep, void *ctx)
{
    vstate *st = ctx;
    st->objects++;
    if (vrc == SG17_E_FORMAT) {
        st->valid = 0;
        const char *msg = "object without 'type' and 'id'";
        if (st->json)
            json_array_append_new(st->errors, json_string(msg));
        else
            fprintf(stdout, "error: %s\n", msg);
    } else {
        collect(st, rep);
    }
    return 0;
}

static int intel_validate(int argc, char **argv)
{
    enum { O_STRICT = 1, O_DISABLE, O_ENABLE, O_STYPES, O_SPROPS, O_JSON, O_VERSION, O_REG, O_STREAM, O_HELP };
    static const struct option opts[] = {
        {"strict", no_argument, NULL, O_STRICT},
        {"disable", required_argument, NULL, O_DISABLE},
        {"enable", required_argument, NULL, O_ENABLE},
        {"strict-types", no_argument, NULL, O_STYPES},
        {"strict-properties", no_argument, NULL, O_SPROPS},
        {"json", no_argument, NULL, O_JSON},
        {"version", required_argument, NULL, O_VERSION},
        {"registry-dir", required_argument, NULL, O_REG},
        {"stream", no_argument, NULL, O_STREAM},
        {"help", no_argument, NULL, O_HELP},
        {NULL, 0, NULL, 0},
    };
    sg17_stix_vopts vo;
    memset(&vo, 0, sizeof vo);
    const char *dis[MAX_LIST], *en[MAX_LIST];
    int json = 0, stream = 0, c;
    vo.registry_dir = getenv("SG17_STIX_REGISTRIES");
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case O_STRICT: vo.strict = 1; break;
        case O_DISABLE: vo.n_disabled += split_list(optarg, dis + vo.n_disabled, MAX_LIST - vo.n_disabled); break;
        case O_ENABLE: vo.n_enabled += split_list(optarg, en + vo.n_enabled, MAX_LIST - vo.n_enabled); break;
        case O_STYPES: vo.strict_types = 1; break;
        case O_SPROPS: vo.strict_properties = 1; break;
        case O_JSON: json = 1; break;
        case O_VERSION:
            if (strcmp(optarg, "2.0") != 0 && strcmp(optarg, "2.1") != 0) {
                fprintf(stderr, "sg17 intel: --version must be 2.0 or 2.1\n");
                return CLI_USAGE;
            }
            vo.version = optarg;
            break;
        case O_REG: vo.registry_dir = optarg; break;
        case O_STREAM: stream = 1; break;
        case 'h':
        case O_HELP: intel_usage(stdout); return CLI_OK;
        default: intel_usage(stderr); return CLI_USAGE;
        }
    }
    vo.disabled = dis;
    vo.enabled = en;
    if (argc - optind != 1) {
        fprintf(stderr, "sg17 intel validate: exactly one FILE (or -) expected\n");
        return CLI_USAGE;
    }
    const char *path = argv[optind];
    vstate st = {&vo, json, 1, json_array(), json_array(), json_array(), 0, 0};
    if (!st.codes || !st.errors || !st.warnings) {
        json_decref(st.codes);
        json_decref(st.errors);
        json_decref(st.warnings);
        return CLI_FAIL;
    }
    int ret = CLI_OK;
    if (stream && strcmp(path, "-") != 0) {
        int rc = sg17_stix_stream_validate(path, 0, &vo, stream_cb, &st);
        if (rc) {
            fprintf(stderr, "sg17 intel: %s: %s\n", path, rc == SG17_E_INVAL ? "unknown check in --enable/--disable" : sg17_strerror(rc));
            ret = rc == SG17_E_INVAL ? CLI_USAGE : CLI_FAIL;
        }
    } else {
        /* whole document on the fast DOM (sg17_stix_doc: one pass, in place) */
        sg17_json_limits lim = {INTEL_MAX_INPUT, 0, 0};
        sg17_json_error err;
        sg17_stix_doc *doc = NULL;
        int lrc = sg17_stix_doc_load(path, &lim, &doc, &err);
        if (lrc != 0) {
            if (lrc == SG17_E_IO)
                fprintf(stderr, "sg17 intel: %s\n", err.text);
            else if (err.line > 0)
                fprintf(stderr, "sg17 intel: %s: %s (line %d, column %d)\n", path, err.text, err.line,
                        err.column);
            else
                fprintf(stderr, "sg17 intel: %s: %s\n", path, err.text[0] ? err.text : sg17_strerror(lrc));
            ret = CLI_FAIL;
        } else {
            sg17_stix_report rep;
            int rc = sg17_stix_validate_doc(doc, &vo, &rep);
            if (rc == SG17_E_INVAL) {
                fprintf(stderr, "sg17 intel: unknown check in --enable/--disable\n");
                ret = CLI_USAGE;
            } else if (rc == SG17_E_FORMAT) {
                st.valid = 0;
                const char *msg = "input must be an object with 'id' and 'type' properties";
                if (json)
                    json_array_append_new(st.errors, json_string(msg));
                else
                    fprintf(stdout, "error: %s\n", msg);
            } else if (rc) {
                fprintf(stderr, "sg17 intel: %s\n", sg17_strerror(rc));
                ret = CLI_FAIL;
            } else {
                collect(&st, &rep);
            }
            sg17_stix_report_free(&rep);
            sg17_stix_doc_free(doc);
        }
    }
    if (ret == CLI_OK) {
        if (json) {
            json_t *out = json_pack("{s b s O s O s O}", "valid", st.valid, "codes", st.codes,
                                    "errors", st.errors, "warnings", st.warnings);
            char *s = out ? json_dumps(out, JSON_INDENT(2)) : NULL;
            if (s)
                printf("%s\n", s);
            free(s);
            json_decref(out);
        } else {
            printf("%s: %s\n", path, st.valid ? "valid" : "invalid");
        }
        ret = st.valid ? CLI_OK : CLI_NEGATIVE;
    }
    json_decref(st.codes);
    json_decref(st.errors);
    json_decref(st.warnings);
    return ret;
}

static int intel_pattern(int argc, char **argv)
{
    if (argc < 2) {
        intel_usage(stderr);
        return CLI_USAGE;
    }
    const char *sub = argv[1];
    char err[512];
    if (strcmp(sub, "validate") == 0) {
        if (argc != 3) {
            fprintf(stderr, "sg17 intel pattern validate: exactly one PATTERN expected\n");
            return CLI_USAGE;
        }
        int rc = sg17_stix_pattern_check(argv[2], 0, err, sizeof err);
        if (rc == 0) {
            printf("valid\n");
            return CLI_OK;
        }
        if (rc == SG17_E_FORMAT) {
            fprintf(stderr, "%s\n", err);
            return CLI_NEGATIVE;
        }
        fprintf(stderr, "sg17 intel: %s\n", sg17_strerror(rc));
        return CLI_FAIL;
    }
    if (strcmp(sub, "match") == 0) {
        int json = 0;
        const char *pos[2];
        int np = 0;
        for (int i = 2; i < argc; i++) {
            if (strcmp(argv[i], "--json") == 0)
                json = 1;
            else if (np < 2)
                pos[np++] = argv[i];
            else
                np = 3;
        }
        if (np != 2) {
            fprintf(stderr, "sg17 intel pattern match: PATTERN OBSERVATIONS.json expected\n");
            return CLI_USAGE;
        }
        sg17_stix_pattern *p = NULL;
        int rc = sg17_stix_pattern_compile(pos[0], &p, err, sizeof err);
        if (rc) {
            fprintf(stderr, "sg17 intel: pattern: %s\n", rc == SG17_E_FORMAT ? err : sg17_strerror(rc));
            return CLI_FAIL;
        }
        json_t *list = NULL;
        if (load_json(pos[1], &list) != 0) {
            sg17_stix_pattern_free(p);
            return CLI_FAIL;
        }
        sg17_stix_observations *o = NULL;
        json_t *ids = NULL;
        rc = sg17_stix_observations_load(list, &o, err, sizeof err);
        if (rc == 0)
            rc = sg17_stix_pattern_match(p, o, &ids, err, sizeof err);
        int ret;
        if (rc < 0) {
            fprintf(stderr, "sg17 intel: %s\n", err[0] ? err : sg17_strerror(rc));
            ret = CLI_FAIL;
        } else {
            if (json) {
                json_t *out = json_pack("{s b s O}", "match", rc == 1, "matched_observed_data", ids);
                char *s = out ? json_dumps(out, JSON_INDENT(2)) : NULL;
                if (s)
                    printf("%s\n", s);
                free(s);
                json_decref(out);
            } else {
                printf("%s\n", rc == 1 ? "match" : "no match");
            }
            ret = rc == 1 ? CLI_OK : CLI_NEGATIVE;
        }
        json_decref(ids);
        sg17_stix_observations_free(o);
        json_decref(list);
        sg17_stix_pattern_free(p);
        return ret;
    }
    fprintf(stderr, "sg17 intel pattern: unknown command '%s'\n", sub);
    return CLI_USAGE;
}

static int intel_census(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "sg17 intel census: exactly one FILE expected\n");
        return CLI_USAGE;
    }
    json_t *inst = NULL;
    if (load_json(argv[1], &inst) != 0)
        return CLI_FAIL;
    sg17_stix_census c;
    int rc = sg17_stix_census_of(inst, &c);
    if (rc) {
        json_decref(inst);
        fprintf(stderr, "sg17 intel: %s\n", sg17_strerror(rc));
        return CLI_FAIL;
    }
    json_t *types = json_object();
    const json_t *objs = json_object_get(inst, "objects");
    size_t i;
    const json_t *o;
    json_array_foreach(objs, i, o) {
        const char *t = json_string_value(json_object_get(o, "type"));
        if (!t || !types)
            continue;
        json_t *n = json_object_get(types, t);
        json_object_set_new(types, t, json_integer(n ? json_integer_value(n) + 1 : 1));
    }
    json_t *out = json_pack("{s I s I s I s I s o}", "object_count", (json_int_t)c.objects,
                            "unique_ids", (json_int_t)c.unique_ids, "revoked", (json_int_t)c.revoked,
                            "relationships", (json_int_t)c.relationships, "types", types);
    char *s = out ? json_dumps(out, JSON_INDENT(2) | JSON_SORT_KEYS) : NULL;
    if (s)
        printf("%s\n", s);
    free(s);
    json_decref(out);
    json_decref(inst);
    return s ? CLI_OK : CLI_FAIL;
}

static int intel_canon(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "sg17 intel canon: exactly one FILE expected\n");
        return CLI_USAGE;
    }
    json_t *inst = NULL;
    if (load_json(argv[1], &inst) != 0)
        return CLI_FAIL;
    char *s = NULL;
    size_t len = 0;
    int rc = sg17_stix_serialise(inst, &s, &len);
    json_decref(inst);
    if (rc) {
        fprintf(stderr, "sg17 intel: %s\n", sg17_strerror(rc));
        return CLI_FAIL;
    }
    fwrite(s, 1, len, stdout);
    fputc('\n', stdout);
    free(s);
    return CLI_OK;
}

int cmd_intel(int argc, char **argv)
{
    if (argc < 2) {
        intel_usage(stderr);
        return CLI_USAGE;
    }
    const char *c = argv[1];
    if (strcmp(c, "--help") == 0 || strcmp(c, "-h") == 0 || strcmp(c, "help") == 0) {
        intel_usage(stdout);
        return CLI_OK;
    }
    if (strcmp(c, "validate") == 0)
        return intel_validate(argc - 1, argv + 1);
    if (strcmp(c, "pattern") == 0)
        return intel_pattern(argc - 1, argv + 1);
    if (strcmp(c, "census") == 0)
        return intel_census(argc - 1, argv + 1);
    if (strcmp(c, "canon") == 0)
        return intel_canon(argc - 1, argv + 1);
    if (strcmp(c, "match") == 0)
        return cmd_intel_match(argc - 1, argv + 1);
    if (strcmp(c, "store") == 0)
        return cmd_intel_store(argc - 1, argv + 1);
    if (strcmp(c, "export") == 0)
        return cmd_intel_export(argc - 1, argv + 1);
    if (strcmp(c, "pull") == 0)
        return cmd_intel_pull(argc - 1, argv + 1);
    fprintf(stderr, "sg17 intel: unknown command '%s'\n", c);
    intel_usage(stderr);
    return CLI_USAGE;
}
