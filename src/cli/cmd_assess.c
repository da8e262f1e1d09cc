/*
 * sg17 assess: quantum-readiness assessment of a 5G cryptographic inventory
 * (X.1811; schema and tables in docs/ASSESS.md).
 *   sg17 assess [--json | --html] [-o OUT] [--strict] INVENTORY.json|-
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "sg17/assess.h"
#include "sg17/file.h"

static void assess_usage(FILE *f)
{
    fprintf(f, "usage: sg17 assess [--json | --html] [-o OUT] [--strict] INVENTORY.json|-\n"
               "  per item: classical and quantum security bits (Grover halves symmetric keys\n"
               "  and hash preimages, Shor breaks RSA/ECC/DH), verdict, replacement and\n"
               "  migration priority (harvest-now-decrypt-later first); unknown algorithms\n"
               "  are reported as unknown. Schema: docs/ASSESS.md.\n"
               "  --strict   exit 1 if any item is weak, broken or unknown\n");
}

int cmd_assess(int argc, char **argv)
{
    static const struct option opts[] = {
        {"json", no_argument, NULL, 'j'},      {"html", no_argument, NULL, 'H'},
        {"out", required_argument, NULL, 'o'}, {"strict", no_argument, NULL, 's'},
        {"help", no_argument, NULL, 'h'},      {NULL, 0, NULL, 0},
    };
    sg17_assess_format fmt = SG17_ASSESS_TEXT;
    const char *out_path = NULL;
    int strict = 0, c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "o:h", opts, NULL)) != -1) {
        switch (c) {
        case 'j': fmt = SG17_ASSESS_JSON; break;
        case 'H': fmt = SG17_ASSESS_HTML; break;
        case 'o': out_path = optarg; break;
        case 's': strict = 1; break;
        case 'h': assess_usage(stdout); return CLI_OK;
        default: assess_usage(stderr); return CLI_USAGE;
        }
    }
    if (argc - optind != 1) {
        assess_usage(stderr);
        return CLI_USAGE;
    }
    const char *path = argv[optind];
    uint8_t *in = NULL;
    size_t len = 0;
    if (cli_read_input(path, 1u << 20, &in, &len))
        return CLI_FAIL;
    sg17_assess_report *r = NULL;
    char err[200];
    int rc = sg17_assess_inventory((const char *)in, len, &r, err, sizeof err);
    free(in);
    if (rc) {
        fprintf(stderr, "sg17 assess: %s: %s\n", strcmp(path, "-") ? path : "<stdin>",
                err[0] ? err : sg17_strerror(rc));
        return CLI_FAIL;
    }
    char *text = NULL;
    size_t tl = 0;
    rc = sg17_assess_render(r, fmt, &text, &tl);
    int bad = sg17_assess_report_verdicts(r, SG17_ASSESS_WEAK) +
                  sg17_assess_report_verdicts(r, SG17_ASSESS_VULNERABLE) +
                  sg17_assess_report_verdicts(r, SG17_ASSESS_UNKNOWN) >
              0;
    sg17_assess_report_free(r);
    if (rc) {
        fprintf(stderr, "sg17 assess: %s\n", sg17_strerror(rc));
        return CLI_FAIL;
    }
    if (out_path) {
        rc = sg17_file_write_atomic(out_path, text, tl, 0644);
        if (rc) {
            free(text);
            fprintf(stderr, "sg17 assess: %s: %s\n", out_path, sg17_strerror(rc));
            return CLI_FAIL;
        }
    } else {
        fwrite(text, 1, tl, stdout);
    }
    free(text);
    return strict && bad ? CLI_NEGATIVE : CLI_OK;
}
