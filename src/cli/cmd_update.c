/*
 * sg17 update manifest create|sign|sever|encrypt|show|verify - author and
 * check SUIT manifests (X.1368 secure firmware update; draft-ietf-suit-
 * manifest-37, draft-ietf-suit-firmware-encryption). docs/SUIT.md documents
 * the description format, key files and the exit codes: 0 authentic and
 * applicable, 1 not (reason on stderr), 2 usage, 3 operational failure.
 * This file: the dispatcher, the usage text and what every subcommand shares
 * (option tail, operand, envelope in and out); one cmd_update_<cmd>.c each.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cmd_update.h"
#include "sg17/file.h"

void update_usage(FILE *f)
{
    fprintf(f,
            "usage: sg17 update manifest COMMAND ...\n"
            "  create DESCRIPTION.json -o M.suit       build an unsigned envelope (docs/SUIT.md)\n"
            "  sign --key KEY [--key KEY2 ...] [-o OUT] M.suit\n"
            "                                           add COSE_Sign1/COSE_Mac0 blocks: P-256 (ES256),\n"
            "                                           Ed25519 (EdDSA), ML-DSA-44/65/87, HSS-LMS key\n"
            "                                           files, or hmac:FILE (HMAC 256/256)\n"
            "  sever [--strip] [-o OUT] M.suit         move install/text out of the manifest (re-sign),\n"
            "                                           or --strip the severed elements (signatures stay)\n"
            "  encrypt --recipient PUB --image FW --image-out FW.enc [--component N] [--ctr]\n"
            "          [--kid KID] [-o OUT] M.suit     A128KW (hex KEK file), ECDH-ES+A128KW (P-256\n"
            "                                           PEM) or ML-KEM-768 (PEM) recipient (re-sign)\n"
            "  show [--json] M.suit\n"
            "  verify --trust-anchor PUB [--trust-anchor PUB2 ...] [--policy any|all]\n"
            "         [--require-pq] [--vendor-id UUID] [--class-id UUID] [--last-sequence N]\n"
            "         [--image FILE ...] M.suit        exit 0 authentic and applicable, 1 not;\n"
            "                                           --image per component, in manifest order\n"
            "Key prefixes: hmac:, p256:, ed25519:, hss:, ml-dsa-44:, ml-dsa-65:, ml-dsa-87:\n");
}

/* ---- helpers ------------------------------------------------------------ */

int update_opt_other(int c)
{
    update_usage(c == 'h' ? stdout : stderr);
    return c == 'h' ? CLI_OK : CLI_USAGE;
}

int update_need_operand(int argc, int ok, const char *synopsis)
{
    if (optind + 1 != argc || !ok) {
        fprintf(stderr, "usage: sg17 update manifest %s\n", synopsis);
        return CLI_USAGE;
    }
    return CLI_OK;
}

int update_write_out(const char *path, const sg17_buf *b)
{
    int rc = sg17_file_write_atomic(path, b->data, b->len, 0644);
    if (rc != 0)
        fprintf(stderr, "sg17 update: %s: cannot write (%s)\n", path, sg17_strerror(rc));
    return rc == 0 ? CLI_OK : CLI_FAIL;
}

int update_envelope_load(const char *path, update_envelope *e)
{
    char why[SG17_SUIT_WHY_BYTES] = "";
    memset(e, 0, sizeof *e);
    if (cli_read_input(path, SG17_SUIT_MAX_ENVELOPE_BYTES, &e->buf, &e->len) != 0)
        return CLI_FAIL;
    int rc = sg17_suit_decode(e->buf, e->len, &e->env, why, sizeof why);
    if (rc != 0) {
        fprintf(stderr, "sg17 update: %s: not a SUIT envelope: %s\n", path, why);
        update_envelope_free(e);
        return CLI_NEGATIVE;
    }
    return CLI_OK;
}

void update_envelope_free(update_envelope *e)
{
    sg17_suit_free(e->env);
    free(e->buf);
    memset(e, 0, sizeof *e);
}

int update_open_operand(int argc, char **argv, int ok, const char *synopsis, update_envelope *e)
{
    memset(e, 0, sizeof *e);
    int ret = update_need_operand(argc, ok, synopsis);
    if (ret == CLI_OK)
        ret = update_envelope_load(argv[optind], e);
    return ret == CLI_NEGATIVE ? CLI_FAIL : ret;
}

int cmd_update(int argc, char **argv)
{
    if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
        update_usage(stdout);
        return CLI_OK;
    }
    if (argc < 3 || strcmp(argv[1], "manifest") != 0) {
        update_usage(stderr);
        return CLI_USAGE;
    }
    static const struct {
        const char *name;
        int (*fn)(int, char **);
    } cmds[] = {{"create", update_cmd_create},   {"sign", update_cmd_sign},
                {"sever", update_cmd_sever},     {"encrypt", update_cmd_encrypt},
                {"show", update_cmd_show},       {"verify", update_cmd_verify}};
    for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++)
        if (strcmp(argv[2], cmds[i].name) == 0)
            return cmds[i].fn(argc - 2, argv + 2);
    fprintf(stderr, "sg17 update: unknown command 'manifest %s'\n", argv[2]);
    update_usage(stderr);
    return CLI_USAGE;
}
