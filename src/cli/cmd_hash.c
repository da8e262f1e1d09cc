/*
 * sg17 hash ALG [--length N] [FILE|-]: streams a file through SHA-256/512
 * (OpenSSL), SHA3-224/256/384/512 or SHAKE128/256 (ours, FIPS 202) and prints
 * "<hex>  <name>" like sha256sum.
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "sg17/crypto.h"
#include "sg17/keccak.h"

#define HASH_CHUNK 65536
#define SHAKE_MAX_LENGTH (1U << 20)

typedef enum { H_SHA256, H_SHA512, H_KECCAK } hash_kind;

static const struct {
    const char *name;
    hash_kind kind;
    void (*init)(sg17_keccak_ctx *);
    size_t outlen; /* 0 for XOFs: --length, default 32/64 */
    size_t xof_default;
} algs[] = {
    {"sha256", H_SHA256, NULL, 32, 0},
    {"sha512", H_SHA512, NULL, 64, 0},
    {"sha3-224", H_KECCAK, sg17_sha3_224_init, 28, 0},
    {"sha3-256", H_KECCAK, sg17_sha3_256_init, 32, 0},
    {"sha3-384", H_KECCAK, sg17_sha3_384_init, 48, 0},
    {"sha3-512", H_KECCAK, sg17_sha3_512_init, 64, 0},
    {"shake128", H_KECCAK, sg17_shake128_init, 0, 32},
    {"shake256", H_KECCAK, sg17_shake256_init, 0, 64},
};

static void hash_usage(FILE *f)
{
    fprintf(f, "usage: sg17 hash ALG [--length BYTES] [FILE|-]\n"
               "  ALG: sha256 sha512 sha3-224 sha3-256 sha3-384 sha3-512 shake128 shake256\n"
               "  --length BYTES  output length for shake128 (default 32) / shake256 (default 64)\n"
               "Prints \"<hex digest>  <file>\". Reads standard input when FILE is - or absent.\n");
}

int cmd_hash(int argc, char **argv)
{
    static const struct option opts[] = {
        {"length", required_argument, NULL, 'l'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    size_t length = 0;
    int have_length = 0, c;

    optind = 1;
    while ((c = getopt_long(argc, argv, "l:h", opts, NULL)) != -1) {
        switch (c) {
        case 'l':
            if (cli_parse_size(optarg, &length) != 0 || length == 0 || length > SHAKE_MAX_LENGTH) {
                fprintf(stderr, "sg17 hash: --length must be 1..%u\n", SHAKE_MAX_LENGTH);
                return CLI_USAGE;
            }
            have_length = 1;
            break;
        case 'h':
            hash_usage(stdout);
            return CLI_OK;
        default:
            hash_usage(stderr);
            return CLI_USAGE;
        }
    }
    if (optind >= argc || argc - optind > 2) {
        hash_usage(stderr);
        return CLI_USAGE;
    }
    const char *alg_name = argv[optind];
    const char *path = optind + 1 < argc ? argv[optind + 1] : "-";
    size_t a = 0, nalgs = sizeof algs / sizeof algs[0];
    while (a < nalgs && strcmp(algs[a].name, alg_name) != 0)
        a++;
    if (a == nalgs) {
        fprintf(stderr, "sg17 hash: unknown algorithm '%s'\n", alg_name);
        hash_usage(stderr);
        return CLI_USAGE;
    }
    if (have_length && algs[a].outlen != 0) {
        fprintf(stderr, "sg17 hash: --length applies to shake128/shake256 only\n");
        return CLI_USAGE;
    }
    size_t outlen = algs[a].outlen ? algs[a].outlen : (have_length ? length : algs[a].xof_default);

    int is_stdin = strcmp(path, "-") == 0;
    FILE *f = is_stdin ? stdin : fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "sg17 hash: %s: %s\n", path, strerror(errno));
        return CLI_FAIL;
    }
    uint8_t *buf = malloc(HASH_CHUNK), *out = malloc(outlen);
    sg17_sha256_ctx s256;
    sg17_sha512_ctx s512;
    sg17_keccak_ctx k;
    int rc = CLI_OK;
    if (!buf || !out) {
        fprintf(stderr, "sg17 hash: out of memory\n");
        rc = CLI_FAIL;
        goto cleanup;
    }
    if (algs[a].kind == H_SHA256)
        sg17_sha256_init(&s256);
    else if (algs[a].kind == H_SHA512)
        sg17_sha512_init(&s512);
    else
        algs[a].init(&k);
    for (;;) {
        size_t n = fread(buf, 1, HASH_CHUNK, f);
        if (n == 0)
            break;
        if (algs[a].kind == H_SHA256)
            sg17_sha256_update(&s256, buf, n);
        else if (algs[a].kind == H_SHA512)
            sg17_sha512_update(&s512, buf, n);
        else
            sg17_keccak_absorb(&k, buf, n);
    }
    if (ferror(f)) {
        fprintf(stderr, "sg17 hash: %s: read error\n", path);
        rc = CLI_FAIL;
        goto cleanup;
    }
    if (algs[a].kind == H_SHA256) {
        sg17_sha256_final(&s256, out);
    } else if (algs[a].kind == H_SHA512) {
        sg17_sha512_final(&s512, out);
    } else {
        sg17_keccak_finalize(&k);
        sg17_keccak_squeeze(&k, out, outlen);
    }
    for (size_t i = 0; i < outlen; i++)
        printf("%02x", out[i]);
    printf("  %s\n", is_stdin ? "-" : path);
cleanup:
    if (!is_stdin)
        fclose(f);
    free(buf);
    free(out);
    return rc;
}
