/* sg17 CLI internals: the module table, exit codes and shared helpers. */
#ifndef SG17_CLI_H
#define SG17_CLI_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Exit codes (docs/sg17.1). */
enum {
    CLI_OK = 0,       /* success / positive verdict */
    CLI_NEGATIVE = 1, /* negative verdict: bad signature, detection found, test failed */
    CLI_USAGE = 2,    /* bad command line */
    CLI_FAIL = 3,     /* operational failure: I/O, malformed input, crypto error */
};

typedef int (*cli_module_fn)(int argc, char **argv);

/* Module entry points (argv[0] is the module name). */
int cmd_hash(int argc, char **argv);
int cmd_pqc(int argc, char **argv);
int cmd_consult(int argc, char **argv);
int cli_pqc_bench(int argc, char **argv);
int cmd_suci(int argc, char **argv);
int cmd_assess(int argc, char **argv);
int cmd_update(int argc, char **argv);
int cmd_vehicle(int argc, char **argv);
int cmd_device(int argc, char **argv); /* sg17 device (cmd_device.c) */
int cmd_intel(int argc, char **argv);
int cmd_intel_match(int argc, char **argv); /* sg17 intel match (cmd_intel_match.c) */
int cmd_intel_store(int argc, char **argv);  /* sg17 intel store (cmd_intel_store.c) */
int cmd_intel_export(int argc, char **argv); /* sg17 intel export (cmd_intel_store.c) */
int cmd_intel_pull(int argc, char **argv);   /* sg17 intel pull (cmd_intel_store.c) */

/* Read a whole file (or stdin for "-" / NULL) with a size cap. Returns 0 or
 * prints "sg17: PATH: reason" and returns -1. *out is malloc'd. */
int cli_read_input(const char *path, size_t max_len, uint8_t **out, size_t *len);

/* Print bytes as lowercase hex followed by a newline. */
void cli_print_hex(FILE *f, const uint8_t *p, size_t len);

/* Parse a decimal size_t; returns 0 or -1. */
int cli_parse_size(const char *s, size_t *out);

#endif
