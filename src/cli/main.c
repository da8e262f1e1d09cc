/*
 * sg17 - command-line front end: `sg17 <module> <command> [options] [FILE|-]`.
 * main() dispatches to cmd_<module>(); exit codes are in cli.h and docs/sg17.1.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "sg17/common.h"

static const struct {
    const char *name;
    cli_module_fn fn;
    const char *summary;
} modules[] = {
    {"hash", cmd_hash, "hash a file: sha256, sha384, sha512, sha3-256, sha3-512, shake128, shake256"},
    {"pqc", cmd_pqc, "post-quantum keys, signatures, KEMs and ACVP vector runs (X.1811)"},
    {"consult", cmd_consult, "TSB Circular 268 consultation: Annex 2 form, signed replies, 70 % tally"},
    {"suci", cmd_suci, "5G SUCI: home network keys, conceal, SIDF de-conceal (TS 33.501 Annex C)"},
    {"assess", cmd_assess, "quantum-readiness assessment of a 5G crypto inventory (X.1811)"},
    {"update", cmd_update, "X.1368 firmware update: SUIT manifests (create, sign, sever, encrypt, show, verify)"},
    {"device", cmd_device, "X.1368 simulated device: init, run (poll, verify, A/B install, trial boot, report), status"},
    {"vehicle", cmd_vehicle, "X.1376 misbehaviour detection: CAN captures, learned detectors, V2X checks, eval"},
    {"intel", cmd_intel, "X.1217 threat intelligence: STIX 2.1 validate, patterns (validate, match), census"},
};

static void usage(FILE *f)
{
    fprintf(f, "usage: sg17 <module> <command> [options] [FILE|-]\n"
               "       sg17 --help | --version\n\nmodules:\n");
    for (size_t i = 0; i < sizeof modules / sizeof modules[0]; i++)
        fprintf(f, "  %-8s %s\n", modules[i].name, modules[i].summary);
    fprintf(f, "\nRun `sg17 <module> --help` for a module's commands.\n"
               "Exit codes: 0 ok, 1 negative verdict, 2 usage, 3 operational failure.\n");
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return CLI_USAGE;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        usage(stdout);
        return CLI_OK;
    }
    if (strcmp(argv[1], "--version") == 0) {
        printf("sg17 %s\n", sg17_version());
        return CLI_OK;
    }
    for (size_t i = 0; i < sizeof modules / sizeof modules[0]; i++) {
        if (strcmp(argv[1], modules[i].name) == 0)
            return modules[i].fn(argc - 1, argv + 1);
    }
    fprintf(stderr, "sg17: unknown module '%s'\n", argv[1]);
    usage(stderr);
    return CLI_USAGE;
}
