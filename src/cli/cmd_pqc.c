/*
 * sg17 pqc <command>: X.1811 post-quantum operations.
 *   keygen --alg ALG -o KEY            writes KEY (0600) and KEY.pub
 *   sign --key KEY [--context STR] [--deterministic] FILE -o SIG
 *   verify --pub KEY.pub --sig SIG [--context STR] FILE   (exit 0 valid, 1 invalid)
 *   encaps --pub KEY.pub -o CT         shared secret to stdout (hex)
 *   decaps --key KEY CT                shared secret to stdout (hex)
 *   acvp FILE.json...                  run NIST ACVP vector files
 *   bench [--alg ALG]                  ops/s and cycles/op
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "sg17/file.h"
#include "sg17/pqc.h"
#include "sg17/pqc_acvp.h"

#define PQC_MAX_MSG (256u << 20)
#define PQC_MAX_SIG (1u << 20)

static void pqc_usage(FILE *f)
{
    fprintf(f, "usage: sg17 pqc <command> [options]\n"
               "commands:\n"
               "  keygen --alg ALG -o KEY      write KEY (private, 0600) and KEY.pub (public)\n"
               "  sign --key KEY [--context STR] [--deterministic] [FILE|-] -o SIG\n"
               "  verify --pub KEY.pub --sig SIG [--context STR] [FILE|-]\n"
               "                               exit 0 valid, 1 invalid\n"
               "  encaps --pub KEY.pub -o CT   shared secret to stdout (hex)\n"
               "  decaps --key KEY CT          shared secret to stdout (hex)\n"
               "  bench [--alg ALG] [--seconds S]\n"
               "  acvp [-v] FILE.json...   run NIST ACVP vector files; one line per file:\n"
               "                           NAME: N passed, N failed, N skipped\n"
               "                           (exit 1 if any test failed)\n");
}

static const char *base_name(const char *p)
{
    const char *s = strrchr(p, '/');
    return s ? s + 1 : p;
}

static int pqc_acvp(int argc, char **argv)
{
    static const struct option opts[] = {
        {"verbose", no_argument, NULL, 'v'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int verbose = 0, c, any_failed = 0, any_error = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, "vh", opts, NULL)) != -1) {
        if (c == 'v') {
            verbose = 1;
        } else if (c == 'h') {
            pqc_usage(stdout);
            return CLI_OK;
        } else {
            pqc_usage(stderr);
            return CLI_USAGE;
        }
    }
    if (optind >= argc) {
        fprintf(stderr, "sg17 pqc acvp: no vector file given\n");
        return CLI_USAGE;
    }
    for (int i = optind; i < argc; i++) {
        sg17_acvp_result r = {0};
        r.log = verbose ? stderr : NULL;
        int rc = sg17_pqc_acvp_file(argv[i], &r);
        if (rc == SG17_E_IO || rc == SG17_E_FORMAT || rc == SG17_E_NOMEM) {
            fprintf(stderr, "sg17 pqc acvp: %s: %s\n", argv[i], sg17_strerror(rc));
            any_error = 1;
            continue;
        }
        printf("%s: %lu passed, %lu failed, %lu skipped\n", base_name(argv[i]), r.passed,
               r.failed, r.skipped);
        if (r.failed)
            any_failed = 1;
    }
    fflush(stdout);
    if (any_failed)
        return CLI_NEGATIVE;
    return any_error ? CLI_FAIL : CLI_OK;
}

static void list_algs(FILE *f)
{
    fprintf(f, "algorithms:");
    for (size_t i = 0; i < sg17_pqc_alg_count(); i++)
        fprintf(f, " %s", sg17_pqc_alg_name(i));
    fprintf(f, "\n  (lms-HASH-hH-wW and hss-HASH-hH-wW[-hH-wW...] with HASH sha256, sha256-192,\n"
               "   shake256, shake256-192; H 5..25; W 1, 2, 4, 8)\n");
}

static int report_lib_error(const char *what, const char *path, int rc)
{
    fprintf(stderr, "sg17 pqc: %s%s%s: %s\n", what, path ? " " : "", path ? path : "",
            sg17_strerror(rc));
    return CLI_FAIL;
}

enum { OPT_ALG = 1, OPT_KEY, OPT_PUB, OPT_SIG, OPT_OUT, OPT_CTX, OPT_DET, OPT_SECONDS, OPT_HELP };

typedef struct pqc_opts {
    const char *alg, *key, *pub, *sig, *out, *ctx;
    int deterministic;
    double seconds;
    const char *file;
} pqc_opts;

static int parse_opts(int argc, char **argv, pqc_opts *o, int max_files)
{
    static const struct option opts[] = {
        {"alg", required_argument, NULL, OPT_ALG}, {"key", required_argument, NULL, OPT_KEY},
        {"pub", required_argument, NULL, OPT_PUB}, {"sig", required_argument, NULL, OPT_SIG},
        {"out", required_argument, NULL, OPT_OUT}, {"context", required_argument, NULL, OPT_CTX},
        {"deterministic", no_argument, NULL, OPT_DET},
        {"seconds", required_argument, NULL, OPT_SECONDS},
        {"help", no_argument, NULL, OPT_HELP}, {NULL, 0, NULL, 0},
    };
    int c;
    memset(o, 0, sizeof *o);
    o->seconds = 0.5;
    optind = 1;
    while ((c = getopt_long(argc, argv, "o:h", opts, NULL)) != -1) {
        switch (c) {
        case OPT_ALG: o->alg = optarg; break;
        case OPT_KEY: o->key = optarg; break;
        case OPT_PUB: o->pub = optarg; break;
        case OPT_SIG: o->sig = optarg; break;
        case 'o':
        case OPT_OUT: o->out = optarg; break;
        case OPT_CTX: o->ctx = optarg; break;
        case OPT_DET: o->deterministic = 1; break;
        case OPT_SECONDS: {
            char *end = NULL;
            o->seconds = strtod(optarg, &end);
            if (!end || *end || o->seconds <= 0 || o->seconds > 60) {
                fprintf(stderr, "sg17 pqc: --seconds must be in (0, 60]\n");
                return CLI_USAGE;
            }
            break;
        }
        case 'h':
        case OPT_HELP: pqc_usage(stdout); list_algs(stdout); return -1;
        default: pqc_usage(stderr); return CLI_USAGE;
        }
    }
    if (argc - optind > max_files) {
        fprintf(stderr, "sg17 pqc: too many arguments\n");
        return CLI_USAGE;
    }
    if (optind < argc)
        o->file = argv[optind];
    if (o->ctx && strlen(o->ctx) > 255) {
        fprintf(stderr, "sg17 pqc: --context is longer than 255 bytes\n");
        return CLI_USAGE;
    }
    return 0;
}

/* Load a key and check that it fits the command: a KEM or signature key,
 * and private where the command needs one. Returns 0 or a CLI exit code. */
static int load_key(const char *cmd, const char *path, sg17_pqc_kind kind, int need_private,
                    sg17_pqc_key **k)
{
    int rc = sg17_pqc_key_load(path, k);
    if (rc)
        return report_lib_error("cannot load key", path, rc);
    if (sg17_pqc_key_kind(*k) != kind || (need_private && !sg17_pqc_key_is_private(*k))) {
        fprintf(stderr, "sg17 pqc %s: %s is not a %s%s key\n", cmd, path,
                need_private ? "private " : "", kind == SG17_PQC_KEM ? "KEM" : "signature");
        sg17_pqc_key_free(*k);
        *k = NULL;
        return CLI_USAGE;
    }
    return 0;
}

static int pqc_keygen(int argc, char **argv)
{
    pqc_opts o;
    int rc = parse_opts(argc, argv, &o, 0);
    if (rc)
        return rc < 0 ? CLI_OK : rc;
    if (!o.alg || !o.out) {
        fprintf(stderr, "sg17 pqc keygen: --alg ALG and -o KEY are required\n");
        list_algs(stderr);
        return CLI_USAGE;
    }
    rc = sg17_pqc_keygen_file(o.alg, o.out);
    if (rc == SG17_E_UNSUPPORTED) {
        fprintf(stderr, "sg17 pqc keygen: unknown algorithm '%s'\n", o.alg);
        list_algs(stderr);
        return CLI_USAGE;
    }
    if (rc == SG17_E_EXISTS) {
        fprintf(stderr, "sg17 pqc keygen: %s or %s.pub exists; refusing to overwrite\n", o.out,
                o.out);
        return CLI_FAIL;
    }
    if (rc)
        return report_lib_error("keygen failed for", o.out, rc);
    return CLI_OK;
}

static int pqc_sign(int argc, char **argv)
{
    pqc_opts o;
    sg17_pqc_key *k = NULL;
    uint8_t *msg = NULL, *sig = NULL;
    size_t msg_len = 0, sig_len = 0;
    int rc = parse_opts(argc, argv, &o, 1);
    if (rc)
        return rc < 0 ? CLI_OK : rc;
    if (!o.key || !o.out) {
        fprintf(stderr, "sg17 pqc sign: --key KEY and -o SIG are required\n");
        return CLI_USAGE;
    }
    if ((rc = load_key("sign", o.key, SG17_PQC_SIG, 1, &k)) != 0)
        return rc;
    if (cli_read_input(o.file, PQC_MAX_MSG, &msg, &msg_len) != 0) {
        sg17_pqc_key_free(k);
        return CLI_FAIL;
    }
    rc = sg17_pqc_sign(k, msg, msg_len, (const uint8_t *)o.ctx, o.ctx ? strlen(o.ctx) : 0,
                       o.deterministic ? SG17_PQC_DETERMINISTIC : 0, &sig, &sig_len);
    if (rc == SG17_E_STATE)
        fprintf(stderr, "sg17 pqc sign: %s: the stateful key is exhausted\n", o.key);
    else if (rc == SG17_E_INVAL && o.ctx)
        fprintf(stderr, "sg17 pqc sign: %s does not take a context string\n",
                sg17_pqc_key_alg(k));
    else if (rc)
        report_lib_error("signing failed with", o.key, rc);
    if (rc == 0 && (rc = sg17_file_write_atomic(o.out, sig, sig_len, 0644)) != 0)
        report_lib_error("cannot write", o.out, rc);
    free(msg);
    free(sig);
    sg17_pqc_key_free(k);
    return rc ? CLI_FAIL : CLI_OK;
}

static int pqc_verify(int argc, char **argv)
{
    pqc_opts o;
    sg17_pqc_key *k = NULL;
    uint8_t *msg = NULL, *sig = NULL;
    size_t msg_len = 0, sig_len = 0;
    int rc = parse_opts(argc, argv, &o, 1);
    if (rc)
        return rc < 0 ? CLI_OK : rc;
    if (!o.pub || !o.sig) {
        fprintf(stderr, "sg17 pqc verify: --pub KEY.pub and --sig SIG are required\n");
        return CLI_USAGE;
    }
    if ((rc = load_key("verify", o.pub, SG17_PQC_SIG, 0, &k)) != 0)
        return rc;
    if ((rc = sg17_file_read(o.sig, &sig, &sig_len, PQC_MAX_SIG)) != 0) {
        report_lib_error("cannot read signature", o.sig, rc);
        sg17_pqc_key_free(k);
        return CLI_FAIL;
    }
    if (cli_read_input(o.file, PQC_MAX_MSG, &msg, &msg_len) != 0) {
        free(sig);
        sg17_pqc_key_free(k);
        return CLI_FAIL;
    }
    rc = sg17_pqc_verify(k, msg, msg_len, (const uint8_t *)o.ctx, o.ctx ? strlen(o.ctx) : 0, sig,
                         sig_len);
    int ret;
    if (rc == 0) {
        printf("valid %s signature\n", sg17_pqc_key_alg(k));
        ret = CLI_OK;
    } else if (rc == SG17_E_VERIFY || rc == SG17_E_FORMAT) {
        fprintf(stderr, "sg17 pqc verify: INVALID %s signature (%s)\n", sg17_pqc_key_alg(k),
                rc == SG17_E_FORMAT ? "malformed signature" : "verification failed");
        ret = CLI_NEGATIVE;
    } else {
        ret = report_lib_error("verification error with", o.pub, rc);
    }
    free(msg);
    free(sig);
    sg17_pqc_key_free(k);
    return ret;
}

static int pqc_encaps(int argc, char **argv)
{
    pqc_opts o;
    sg17_pqc_key *k = NULL;
    uint8_t *ct = NULL, ss[32];
    size_t ct_len = 0;
    int rc = parse_opts(argc, argv, &o, 0);
    if (rc)
        return rc < 0 ? CLI_OK : rc;
    if (!o.pub || !o.out) {
        fprintf(stderr, "sg17 pqc encaps: --pub KEY.pub and -o CT are required\n");
        return CLI_USAGE;
    }
    if ((rc = load_key("encaps", o.pub, SG17_PQC_KEM, 0, &k)) != 0)
        return rc;
    rc = sg17_pqc_encaps(k, &ct, &ct_len, ss);
    if (rc)
        report_lib_error("encapsulation failed with", o.pub, rc);
    else if ((rc = sg17_file_write_atomic(o.out, ct, ct_len, 0644)) != 0)
        report_lib_error("cannot write", o.out, rc);
    else
        cli_print_hex(stdout, ss, sizeof ss);
    sg17_memzero(ss, sizeof ss);
    free(ct);
    sg17_pqc_key_free(k);
    return rc ? CLI_FAIL : CLI_OK;
}

static int pqc_decaps(int argc, char **argv)
{
    pqc_opts o;
    sg17_pqc_key *k = NULL;
    uint8_t *ct = NULL, ss[32];
    size_t ct_len = 0;
    int rc = parse_opts(argc, argv, &o, 1);
    if (rc)
        return rc < 0 ? CLI_OK : rc;
    if (!o.key || !o.file) {
        fprintf(stderr, "sg17 pqc decaps: --key KEY and the ciphertext file are required\n");
        return CLI_USAGE;
    }
    if ((rc = load_key("decaps", o.key, SG17_PQC_KEM, 1, &k)) != 0)
        return rc;
    if (cli_read_input(o.file, PQC_MAX_SIG, &ct, &ct_len) != 0) {
        sg17_pqc_key_free(k);
        return CLI_FAIL;
    }
    rc = sg17_pqc_decaps(k, ct, ct_len, ss);
    if (rc == SG17_E_FORMAT)
        fprintf(stderr, "sg17 pqc decaps: %s: wrong ciphertext length for %s\n", o.file,
                sg17_pqc_key_alg(k));
    else if (rc)
        report_lib_error("decapsulation failed with", o.key, rc);
    else
        cli_print_hex(stdout, ss, sizeof ss);
    sg17_memzero(ss, sizeof ss);
    free(ct);
    sg17_pqc_key_free(k);
    return rc ? CLI_FAIL : CLI_OK;
}

int cmd_pqc(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        pqc_usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? CLI_USAGE : CLI_OK;
    }
    static const struct {
        const char *name;
        int (*fn)(int, char **);
    } cmds[] = {
        {"keygen", pqc_keygen}, {"sign", pqc_sign},     {"verify", pqc_verify},
        {"encaps", pqc_encaps}, {"decaps", pqc_decaps}, {"acvp", pqc_acvp},
        {"bench", cli_pqc_bench},
    };
    for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++)
        if (strcmp(argv[1], cmds[i].name) == 0)
            return cmds[i].fn(argc - 1, argv + 1);
    fprintf(stderr, "sg17 pqc: unknown command '%s'\n", argv[1]);
    pqc_usage(stderr);
    return CLI_USAGE;
}
