/*
 * sg17 consult: the consultation of a TSB circular (WTSA Resolution 1 §9.4,
 * TSB Circular 268): import circulars and the Member States list, register
 * administrations' signing keys, render the Annex 2 form (en/zh, text/HTML),
 * create, sign and submit replies, and tally them under the 70 % rule.
 * Formats and exit codes: docs/CONSULT.md.
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "sg17/consult.h"
#include "sg17/file.h"

#define CONSULT_MAX_INPUT ((size_t)4 * 1024 * 1024)
#define CONSULT_MAX_ROWS 64

static void consult_usage(FILE *f)
{
    fprintf(f,
            "usage: sg17 consult <command> [options]\n"
            "  states import FILE.json                      import the Member States list\n"
            "  circular import FILE.json                    import a circular (e.g. data/consult/circular-268.json)\n"
            "  admin register --admin ID --key FILE.pub     register an administration's signing key\n"
            "  form --circular N --lang en|zh [--html]      the Annex 2 reply form\n"
            "  reply create --circular N --admin ID [--name S --title S --address S --date YYYY-MM-DD\n"
            "               --place S] [--authorize D] [--comments D=TEXT] [--not-authorize D]\n"
            "               [--reasons D=TEXT] [--modifications D=TEXT] [-o OUT]\n"
            "  reply sign --key FILE [-o OUT] REPLY.json    sign (default ml-dsa-65 keys: sg17 pqc keygen)\n"
            "  reply submit [--circular N] [--at TIME] [--json] ENVELOPE.json\n"
            "  tally --circular N [--json|--html]\n"
            "  import --from DIR --db FILE                  copy a directory store into an SQLite database\n"
            "Common: --db FILE (SQLite; e.g. sg17d's database; default $SG17_CONSULT_DB) or\n"
            "        --store DIR (default $SG17_CONSULT_STORE or ./sg17-consult);\n"
            "form/reply create also take --circular-file FILE.json instead of the store.\n"
            "Exit: 0 ok/accepted, 1 reply refused, 2 usage, 3 failure.\n");
}

typedef struct copts {
    const char *store, *db, *from, *circ_file, *lang, *admin, *key, *out, *at;
    const char *name, *title, *address, *date, *place;
    long circular;
    int html, json;
    const char *rows[5][CONSULT_MAX_ROWS]; /* authorize, comments, not, reasons, mods */
    size_t nrows[5];
} copts;

enum { O_STORE = 256, O_DB, O_FROM, O_CFILE, O_LANG, O_HTML, O_JSON, O_ADMIN, O_KEY, O_AT, O_NAME, O_TITLE,
       O_ADDRESS, O_DATE, O_PLACE, O_AUTH, O_COMM, O_NOT, O_REAS, O_MODS, O_CIRC };

static int parse_opts(int argc, char **argv, copts *o)
{
    static const struct option opts[] = {
        {"store", required_argument, NULL, O_STORE},
        {"db", required_argument, NULL, O_DB},
        {"from", required_argument, NULL, O_FROM},
        {"circular-file", required_argument, NULL, O_CFILE},
        {"circular", required_argument, NULL, O_CIRC},
        {"lang", required_argument, NULL, O_LANG},
        {"html", no_argument, NULL, O_HTML},
        {"json", no_argument, NULL, O_JSON},
        {"admin", required_argument, NULL, O_ADMIN},
        {"key", required_argument, NULL, O_KEY},
        {"at", required_argument, NULL, O_AT},
        {"name", required_argument, NULL, O_NAME},
        {"title", required_argument, NULL, O_TITLE},
        {"address", required_argument, NULL, O_ADDRESS},
        {"date", required_argument, NULL, O_DATE},
        {"place", required_argument, NULL, O_PLACE},
        {"authorize", required_argument, NULL, O_AUTH},
        {"comments", required_argument, NULL, O_COMM},
        {"not-authorize", required_argument, NULL, O_NOT},
        {"reasons", required_argument, NULL, O_REAS},
        {"modifications", required_argument, NULL, O_MODS},
        {"output", required_argument, NULL, 'o'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int c;
    memset(o, 0, sizeof *o);
    o->store = getenv("SG17_CONSULT_STORE");
    if (o->store == NULL || *o->store == '\0')
        o->store = "sg17-consult";
    o->db = getenv("SG17_CONSULT_DB");
    if (o->db != NULL && *o->db == '\0')
        o->db = NULL;
    o->circular = -1;
    optind = 1;
    while ((c = getopt_long(argc, argv, "o:h", opts, NULL)) != -1) {
        switch (c) {
        case O_STORE: o->store = optarg; o->db = NULL; break;
        case O_DB: o->db = optarg; break;
        case O_FROM: o->from = optarg; break;
        case O_CFILE: o->circ_file = optarg; break;
        case O_CIRC: {
            char *end = NULL;
            errno = 0;
            o->circular = strtol(optarg, &end, 10);
            if (errno || end == optarg || *end || o->circular < 1) {
                fprintf(stderr, "sg17 consult: --circular must be a positive number\n");
                return -1;
            }
            break;
        }
        case O_LANG: o->lang = optarg; break;
        case O_HTML: o->html = 1; break;
        case O_JSON: o->json = 1; break;
        case O_ADMIN: o->admin = optarg; break;
        case O_KEY: o->key = optarg; break;
        case O_AT: o->at = optarg; break;
        case O_NAME: o->name = optarg; break;
        case O_TITLE: o->title = optarg; break;
        case O_ADDRESS: o->address = optarg; break;
        case O_DATE: o->date = optarg; break;
        case O_PLACE: o->place = optarg; break;
        case O_AUTH: case O_COMM: case O_NOT: case O_REAS: case O_MODS: {
            size_t k = (size_t)(c - O_AUTH);
            if (o->nrows[k] == CONSULT_MAX_ROWS) {
                fprintf(stderr, "sg17 consult: too many per-draft options\n");
                return -1;
            }
            o->rows[k][o->nrows[k]++] = optarg;
            break;
        }
        case 'o': o->out = optarg; break;
        case 'h': consult_usage(stdout); return 1;
        default: consult_usage(stderr); return -1;
        }
    }
    return 0;
}

static int write_out(const char *path, const char *text, size_t len)
{
    if (path == NULL || strcmp(path, "-") == 0) {
        if (fwrite(text, 1, len, stdout) != len)
            return CLI_FAIL;
        if (len == 0 || text[len - 1] != '\n')
            fputc('\n', stdout);
        return CLI_OK;
    }
    int rc = sg17_file_write_atomic(path, text, len, 0644);
    if (rc) {
        fprintf(stderr, "sg17 consult: %s: %s\n", path, sg17_strerror(rc));
        return CLI_FAIL;
    }
    return CLI_OK;
}

#define WHERE(o) ((o)->db ? (o)->db : (o)->store)

static int open_store(const copts *o, sg17_consult_store **s)
{
    int rc = o->db ? sg17_consult_store_open_db(o->db, s) : sg17_consult_store_open(o->store, s);
    if (rc)
        fprintf(stderr, "sg17 consult: store %s: %s\n", WHERE(o), sg17_strerror(rc));
    return rc;
}

/* import --from DIR --db FILE: a directory store into SQLite (docs/CONSULT.md "Storage"). */
static int cmd_copy(const copts *o)
{
    sg17_consult_store *src = NULL, *dst = NULL;
    sg17_consult_import_stats st;
    if (o->from == NULL || o->db == NULL) {
        fprintf(stderr, "sg17 consult: import needs --from DIR and --db FILE\n");
        return CLI_USAGE;
    }
    int rc = sg17_consult_store_open(o->from, &src);
    if (rc == 0)
        rc = open_store(o, &dst);
    if (rc == 0)
        rc = sg17_consult_store_import_store(dst, src, &st);
    sg17_consult_store_free(src);
    sg17_consult_store_free(dst);
    if (rc == SG17_E_EXISTS) {
        fprintf(stderr, "sg17 consult: %s conflicts with %s (a different Member States list, "
                        "circular or key, or a longer history there); nothing copied\n",
                o->from, o->db);
        return CLI_FAIL;
    }
    if (rc) {
        fprintf(stderr, "sg17 consult: import from %s: %s\n", o->from, sg17_strerror(rc));
        return CLI_FAIL;
    }
    printf("copied from %s into %s: %zu Member States list, %zu circulars, %zu keys, "
           "%zu replies; %zu already there\n",
           o->from, o->db, st.states, st.circulars, st.keys, st.replies, st.skipped);
    return CLI_OK;
}

/* The circular from --circular-file or from the store (--circular N). */
static int get_circular(const copts *o, sg17_consult_circular **c)
{
    sg17_json_error err;
    uint8_t *buf = NULL;
    size_t len = 0;
    int rc;
    memset(&err, 0, sizeof err);
    if (o->circ_file) {
        if (cli_read_input(o->circ_file, CONSULT_MAX_INPUT, &buf, &len))
            return -1;
        rc = sg17_consult_circular_parse((const char *)buf, len, c, &err);
        free(buf);
        if (rc)
            fprintf(stderr, "sg17 consult: %s: %s (line %d)\n", o->circ_file,
                    err.text[0] ? err.text : sg17_strerror(rc), err.line);
        return rc;
    }
    if (o->circular < 0) {
        fprintf(stderr, "sg17 consult: --circular N (or --circular-file FILE) is required\n");
        return -1;
    }
    sg17_consult_store *s = NULL;
    if ((rc = open_store(o, &s)) != 0)
        return rc;
    rc = sg17_consult_store_circular(s, o->circular, c);
    if (rc == SG17_E_NOTFOUND)
        fprintf(stderr, "sg17 consult: circular %ld is not in store %s (sg17 consult circular "
                        "import FILE.json)\n", o->circular, WHERE(o));
    else if (rc)
        fprintf(stderr, "sg17 consult: circular %ld: %s\n", o->circular, sg17_strerror(rc));
    sg17_consult_store_free(s);
    return rc;
}

static int cmd_import(const copts *o, int argc, char **argv, int states)
{
    sg17_consult_store *s = NULL;
    sg17_json_error err;
    uint8_t *buf = NULL;
    size_t len = 0;
    long number = 0;
    if (argc - optind != 1) {
        consult_usage(stderr);
        return CLI_USAGE;
    }
    const char *path = argv[optind];
    if (cli_read_input(path, CONSULT_MAX_INPUT, &buf, &len))
        return CLI_FAIL;
    memset(&err, 0, sizeof err);
    int rc = open_store(o, &s);
    if (rc == 0)
        rc = states ? sg17_consult_store_import_states(s, (const char *)buf, len, &err)
                    : sg17_consult_store_import_circular(s, (const char *)buf, len, &number, &err);
    free(buf);
    sg17_consult_store_free(s);
    if (rc == SG17_E_EXISTS) {
        fprintf(stderr, "sg17 consult: %s: a different circular %ld is already in the store\n",
                path, number);
        return CLI_FAIL;
    }
    if (rc) {
        fprintf(stderr, "sg17 consult: %s: %s (line %d)\n", path,
                err.text[0] ? err.text : sg17_strerror(rc), err.line);
        return CLI_FAIL;
    }
    if (states)
        printf("imported the Member States list into %s\n", WHERE(o));
    else
        printf("imported circular %ld into %s\n", number, WHERE(o));
    return CLI_OK;
}

static int cmd_register(const copts *o)
{
    sg17_consult_store *s = NULL;
    uint8_t *buf = NULL;
    size_t len = 0;
    if (o->admin == NULL || o->key == NULL) {
        fprintf(stderr, "sg17 consult admin register: --admin ID and --key FILE.pub required\n");
        return CLI_USAGE;
    }
    if (cli_read_input(o->key, 1 << 20, &buf, &len))
        return CLI_FAIL;
    int rc = open_store(o, &s);
    if (rc == 0)
        rc = sg17_consult_store_register_key(s, o->admin, (const char *)buf, len);
    free(buf);
    sg17_consult_store_free(s);
    if (rc == SG17_E_NOTFOUND) {
        fprintf(stderr, "sg17 consult: %s is not on the Member States list (import it first: "
                        "sg17 consult states import data/consult/member_states.json)\n", o->admin);
        return CLI_FAIL;
    }
    if (rc) {
        fprintf(stderr, "sg17 consult: %s: not a signature public key (%s)\n", o->key,
                sg17_strerror(rc));
        return CLI_FAIL;
    }
    printf("registered the signing key of %s\n", o->admin);
    return CLI_OK;
}

static int cmd_form(const copts *o)
{
    sg17_consult_circular *c = NULL;
    char *text = NULL;
    size_t len = 0;
    const char *lang = o->lang ? o->lang : "en";
    if (strcmp(lang, "en") != 0 && strcmp(lang, "zh") != 0) {
        fprintf(stderr, "sg17 consult form: --lang must be en or zh\n");
        return CLI_USAGE;
    }
    if (get_circular(o, &c))
        return CLI_FAIL;
    int rc = sg17_consult_form_render(c, lang, o->html, &text, &len);
    sg17_consult_circular_free(c);
    if (rc) {
        fprintf(stderr, "sg17 consult form: %s\n", sg17_strerror(rc));
        return CLI_FAIL;
    }
    rc = write_out(o->out, text, len);
    free(text);
    return rc;
}

/* Find "D=TEXT" for draft d among rows; NULL if absent. */
static const char *row_text(const char *const *rows, size_t n, const char *d)
{
    size_t dl = strlen(d);
    for (size_t i = 0; i < n; i++)
        if (strncmp(rows[i], d, dl) == 0 && rows[i][dl] == '=')
            return rows[i] + dl + 1;
    return NULL;
}

static int row_has(const char *const *rows, size_t n, const char *d)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(rows[i], d) == 0)
            return 1;
    return 0;
}

static int cmd_create(const copts *o)
{
    sg17_consult_circular *c = NULL;
    char *text = NULL;
    size_t len = 0;
    if (o->admin == NULL) {
        fprintf(stderr, "sg17 consult reply create: --admin ID required\n");
        return CLI_USAGE;
    }
    if (get_circular(o, &c))
        return CLI_FAIL;
    json_t *drafts = json_array();
    for (size_t i = 0; drafts && i < sg17_consult_circular_draft_count(c); i++) {
        const char *d = sg17_consult_circular_draft(c, i)->number;
        const char *cm = row_text(o->rows[1], o->nrows[1], d);
        const char *re = row_text(o->rows[3], o->nrows[3], d);
        const char *mo = row_text(o->rows[4], o->nrows[4], d);
        json_array_append_new(
            drafts, json_pack("{s:s,s:b,s:b,s:s,s:s,s:s}", "draft", d, "authorize",
                              row_has(o->rows[0], o->nrows[0], d), "not_authorize",
                              row_has(o->rows[2], o->nrows[2], d), "comments", cm ? cm : "",
                              "reasons", re ? re : "", "modifications", mo ? mo : ""));
    }
    json_t *reply = json_pack(
        "{s:s,s:i,s:I,s:s,s:{s:s,s:s,s:s},s:s,s:s,s:o}", "type", "sg17-consult-reply", "version",
        1, "circular", (json_int_t)sg17_consult_circular_number(c), "administration", o->admin,
        "sender", "name", o->name ? o->name : "", "title", o->title ? o->title : "", "address",
        o->address ? o->address : "", "date", o->date ? o->date : "", "place",
        o->place ? o->place : "", "drafts", drafts);
    sg17_consult_circular_free(c);
    if (reply == NULL) {
        fprintf(stderr, "sg17 consult reply create: invalid text (UTF-8 required)\n");
        return CLI_FAIL;
    }
    text = json_dumps(reply, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    json_decref(reply);
    if (text == NULL)
        return CLI_FAIL;
    len = strlen(text);
    int rc = write_out(o->out, text, len);
    free(text);
    return rc;
}

static int cmd_sign(const copts *o, int argc, char **argv)
{
    sg17_pqc_key *key = NULL;
    uint8_t *buf = NULL;
    size_t len = 0, elen = 0;
    char *env = NULL;
    if (o->key == NULL || argc - optind != 1) {
        fprintf(stderr, "sg17 consult reply sign: --key FILE and REPLY.json required\n");
        return CLI_USAGE;
    }
    int rc = sg17_pqc_key_load(o->key, &key);
    if (rc) {
        fprintf(stderr, "sg17 consult: %s: %s\n", o->key, sg17_strerror(rc));
        return CLI_FAIL;
    }
    if (cli_read_input(argv[optind], CONSULT_MAX_INPUT, &buf, &len)) {
        sg17_pqc_key_free(key);
        return CLI_FAIL;
    }
    rc = sg17_consult_reply_sign(key, (const char *)buf, len, &env, &elen);
    sg17_pqc_key_free(key);
    free(buf);
    if (rc) {
        fprintf(stderr, "sg17 consult reply sign: %s: %s\n", argv[optind],
                rc == SG17_E_FORMAT ? "not a reply document (see docs/CONSULT.md)"
                : rc == SG17_E_INVAL ? "the key is not a private signature key"
                                     : sg17_strerror(rc));
        return CLI_FAIL;
    }
    rc = write_out(o->out, env, elen);
    free(env);
    return rc;
}

static int cmd_submit(const copts *o, int argc, char **argv)
{
    sg17_consult_store *s = NULL;
    sg17_consult_verdict v;
    uint8_t *buf = NULL;
    size_t len = 0;
    int64_t at = (int64_t)time(NULL);
    long number = o->circular;
    if (argc - optind != 1) {
        fprintf(stderr, "sg17 consult reply submit: ENVELOPE.json required\n");
        return CLI_USAGE;
    }
    if (o->at && sg17_consult_time_parse(o->at, &at)) {
        fprintf(stderr, "sg17 consult reply submit: --at must be YYYY-MM-DDTHH:MM:SSZ\n");
        return CLI_USAGE;
    }
    if (cli_read_input(argv[optind], SG17_CONSULT_MAX_ENVELOPE_BYTES, &buf, &len))
        return CLI_FAIL;
    if (number < 0) {
        json_t *env = NULL;
        if (sg17_json_parse((const char *)buf, len, NULL, &env, NULL) == 0)
            number = (long)json_integer_value(json_object_get(json_object_get(env, "reply"),
                                                              "circular"));
        json_decref(env);
        if (number <= 0) {
            fprintf(stderr, "sg17 consult reply submit: %s: cannot tell the circular; give "
                            "--circular N\n", argv[optind]);
            free(buf);
            return CLI_FAIL;
        }
    }
    int rc = open_store(o, &s);
    if (rc == 0)
        rc = sg17_consult_store_submit(s, number, (const char *)buf, len, at, &v);
    free(buf);
    sg17_consult_store_free(s);
    if (rc) {
        fprintf(stderr, "sg17 consult reply submit: %s\n",
                rc == SG17_E_NOTFOUND ? "circular or Member States list not in the store"
                                      : sg17_strerror(rc));
        return CLI_FAIL;
    }
    char ts[21];
    sg17_consult_time_format(at, ts);
    if (o->json) {
        json_t *j = json_pack("{s:s,s:s,s:s,s:s}", "verdict",
                              v.refusal ? "refused" : "accepted", "code",
                              sg17_consult_refusal_name(v.refusal), "administration",
                              v.administration, "reason", v.reason);
        char *t = NULL;
        if (j && sg17_json_dump_canonical(j, &t, NULL) == 0)
            printf("%s\n", t);
        free(t);
        json_decref(j);
    } else if (v.refusal) {
        printf("refused (%s): %s\n", sg17_consult_refusal_name(v.refusal), v.reason);
    } else {
        printf("accepted: reply of %s to circular %ld received %s\n", v.administration, number,
               ts);
    }
    return v.refusal ? CLI_NEGATIVE : CLI_OK;
}

static int cmd_tally(const copts *o)
{
    sg17_consult_store *s = NULL;
    sg17_consult_circular *c = NULL;
    sg17_consult_tally *t = NULL;
    char *text = NULL;
    size_t len = 0;
    if (o->circular < 0) {
        fprintf(stderr, "sg17 consult tally: --circular N required\n");
        return CLI_USAGE;
    }
    int rc = open_store(o, &s);
    if (rc == 0)
        rc = sg17_consult_store_tally(s, o->circular, &c, &t);
    if (rc == 0)
        rc = sg17_consult_tally_render(t, o->json   ? SG17_CONSULT_JSON
                                          : o->html ? SG17_CONSULT_HTML
                                                    : SG17_CONSULT_TEXT,
                                       &text, &len);
    sg17_consult_tally_free(t);
    sg17_consult_circular_free(c);
    sg17_consult_store_free(s);
    if (rc) {
        fprintf(stderr, "sg17 consult tally: circular %ld: %s\n", o->circular,
                sg17_strerror(rc));
        return CLI_FAIL;
    }
    rc = write_out(o->out, text, len);
    free(text);
    return rc;
}

int cmd_consult(int argc, char **argv)
{
    copts o;
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        consult_usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? CLI_USAGE : CLI_OK;
    }
    const char *cmd = argv[1];
    const char *sub = argc > 2 ? argv[2] : "";
    int two = strcmp(cmd, "states") == 0 || strcmp(cmd, "circular") == 0 ||
              strcmp(cmd, "admin") == 0 || strcmp(cmd, "reply") == 0;
    int shift = two ? 2 : 1;
    if (argc < shift + 1 && two) {
        consult_usage(stderr);
        return CLI_USAGE;
    }
    if (two && (strcmp(sub, "--help") == 0 || strcmp(sub, "-h") == 0)) {
        consult_usage(stdout);
        return CLI_OK;
    }
    int pr = parse_opts(argc - shift, argv + shift, &o);
    if (pr)
        return pr > 0 ? CLI_OK : CLI_USAGE;
    argc -= shift;
    argv += shift;
    if ((strcmp(cmd, "states") == 0 || strcmp(cmd, "circular") == 0) &&
        strcmp(sub, "import") == 0)
        return cmd_import(&o, argc, argv, cmd[0] == 's');
    if (strcmp(cmd, "admin") == 0 && strcmp(sub, "register") == 0)
        return cmd_register(&o);
    if (strcmp(cmd, "form") == 0)
        return cmd_form(&o);
    if (strcmp(cmd, "import") == 0)
        return cmd_copy(&o);
    if (strcmp(cmd, "tally") == 0)
        return cmd_tally(&o);
    if (strcmp(cmd, "reply") == 0 && strcmp(sub, "create") == 0)
        return cmd_create(&o);
    if (strcmp(cmd, "reply") == 0 && strcmp(sub, "sign") == 0)
        return cmd_sign(&o, argc, argv);
    if (strcmp(cmd, "reply") == 0 && strcmp(sub, "submit") == 0)
        return cmd_submit(&o, argc, argv);
    fprintf(stderr, "sg17 consult: unknown command '%s%s%s'\n", cmd, two ? " " : "", two ? sub : "");
    consult_usage(stderr);
    return CLI_USAGE;
}
