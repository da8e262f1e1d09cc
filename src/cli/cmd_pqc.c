/*
 * sg17 pqc <command>: X.1811 post-quantum operations.
 *   acvp FILE.json...   run NIST ACVP vector files (internalProjection shape)
 */
#include <getopt.h>
#include <string.h>

#include "cli.h"
#include "sg17/pqc_acvp.h"

static void pqc_usage(FILE *f)
{
    fprintf(f, "usage: sg17 pqc <command> [options]\n"
               "commands:\n"
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

int cmd_pqc(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        pqc_usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? CLI_USAGE : CLI_OK;
    }
    if (strcmp(argv[1], "acvp") == 0)
        return pqc_acvp(argc - 1, argv + 1);
    fprintf(stderr, "sg17 pqc: unknown command '%s'\n", argv[1]);
    pqc_usage(stderr);
    return CLI_USAGE;
}
