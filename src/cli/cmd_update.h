/*
 * sg17 update manifest: what the subcommand files (cmd_update_*.c) share -
 * the usage text, option and operand handling, envelope and key loading.
 */
#ifndef SG17_CLI_CMD_UPDATE_H
#define SG17_CLI_CMD_UPDATE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "cli.h"
#include "sg17/buf.h"
#include "sg17/cose.h"
#include "sg17/pqc.h"
#include "sg17/suit.h"

#define UPDATE_MAX_KEYS 8
#define UPDATE_MAX_IMAGE ((size_t)64 * 1024 * 1024)
#define UPDATE_MAX_KEYFILE ((size_t)1 << 20)

/* Subcommands: argv[0] is the subcommand name; an exit code (cli.h). */
int update_cmd_create(int argc, char **argv);  /* cmd_update_create.c */
int update_cmd_sign(int argc, char **argv);    /* cmd_update_sign.c */
int update_cmd_sever(int argc, char **argv);   /* cmd_update_sign.c */
int update_cmd_encrypt(int argc, char **argv); /* cmd_update_encrypt.c */
int update_cmd_show(int argc, char **argv);    /* cmd_update_show.c */
int update_cmd_verify(int argc, char **argv);  /* cmd_update_verify.c */

/* ---- options and operands (cmd_update.c) ---- */
void update_usage(FILE *f);
/* For what getopt_long returned that the subcommand takes no option for:
 * -h/--help prints the usage on stdout (CLI_OK), anything else prints it on
 * stderr (CLI_USAGE). */
int update_opt_other(int c);
/* After the options exactly one operand must remain and ok (the required
 * options were given) must hold; else "usage: sg17 update manifest SYNOPSIS"
 * goes to stderr and the result is CLI_USAGE. CLI_OK otherwise. */
int update_need_operand(int argc, int ok, const char *synopsis);

/* An envelope file read and decoded. */
typedef struct update_envelope {
    uint8_t *buf;
    size_t len;
    sg17_suit_envelope *env;
} update_envelope;
/* CLI_OK; CLI_FAIL if unreadable; CLI_NEGATIVE (reason on stderr) if it is no
 * SUIT envelope. e is all-empty on failure. */
int update_envelope_load(const char *path, update_envelope *e);
void update_envelope_free(update_envelope *e); /* NULL-safe parts, e left empty */
/* update_need_operand, then load argv[optind] (the operand) into e, for the
 * subcommands that rewrite or print an envelope: there a file that is no
 * SUIT envelope is an operational failure (CLI_FAIL). */
int update_open_operand(int argc, char **argv, int ok, const char *synopsis, update_envelope *e);
/* Write b to path atomically (0644); CLI_OK or CLI_FAIL with the reason. */
int update_write_out(const char *path, const sg17_buf *b);

/* ---- keys and text (cmd_update_keys.c) ---- */
/* Decode hex text (whitespace ignored) into a malloc'd buffer; 0 or -1. */
int update_hex_decode(const char *s, size_t n, uint8_t **out, size_t *out_len);
/* UUID "xxxxxxxx-xxxx-..." or 32 hex digits into 16 bytes; 0 or -1. */
int update_parse_uuid(const char *s, uint8_t out[16]);

/* A key given on the command line: verification anchor, signing key, or
 * encryption recipient. Owns its bytes. */
typedef struct update_key {
    sg17_cose_key cose;    /* verification view */
    uint8_t *raw;          /* owned bytes behind cose.key / hmac secret */
    size_t raw_len;
    sg17_pqc_key *pqc;     /* PEM / key-file keys (signing, recipients) */
    const char *pqc_alg;
} update_key;
/* Load SPEC = [TYPE:]PATH (docs/SUIT.md); CLI_OK or CLI_FAIL with the reason. */
int update_key_load(const char *spec, update_key *k);
void update_key_free(update_key *k);

#endif
