/*
 * sg17 pqc bench [--alg ALG] [--seconds S]: ops/s and cycles/op (TSC) of
 * keygen, sign/verify or encaps/decaps, each run for about S seconds.
 * Stateful LMS/HSS keys are generated in a temporary directory and each
 * signature includes the fsync that persists the next index.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#if defined(__x86_64__)
#include <x86intrin.h>
#endif

#include "cli.h"
#include "sg17/pqc.h"

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static uint64_t cycles(void)
{
#if defined(__x86_64__)
    return __rdtsc();
#else
    return (uint64_t)(now_s() * 1e9);
#endif
}

typedef struct bench_state {
    const char *alg;
    sg17_pqc_key *key;
    uint8_t msg[64];
    uint8_t *sig, *ct;
    size_t sig_len, ct_len;
    char dir[64];
    unsigned n_files;
} bench_state;

enum { OP_KEYGEN, OP_SIGN, OP_VERIFY, OP_ENCAPS, OP_DECAPS };

static int run_op(bench_state *b, int op)
{
    uint8_t ss[32];
    int rc;
    switch (op) {
    case OP_KEYGEN: {
        sg17_pqc_key *k = NULL;
        if (strncmp(b->alg, "lms-", 4) == 0 || strncmp(b->alg, "hss-", 4) == 0) {
            char path[128];
            snprintf(path, sizeof path, "%s/k%u", b->dir, b->n_files++);
            rc = sg17_pqc_keygen_file(b->alg, path);
            if (rc == 0)
                rc = sg17_pqc_key_load(path, &k);
        } else {
            rc = sg17_pqc_keygen(b->alg, &k);
        }
        if (rc == 0) {
            sg17_pqc_key_free(b->key);
            b->key = k;
        }
        return rc;
    }
    case OP_SIGN:
        free(b->sig);
        b->sig = NULL;
        return sg17_pqc_sign(b->key, b->msg, sizeof b->msg, NULL, 0, 0, &b->sig, &b->sig_len);
    case OP_VERIFY:
        return sg17_pqc_verify(b->key, b->msg, sizeof b->msg, NULL, 0, b->sig, b->sig_len);
    case OP_ENCAPS:
        free(b->ct);
        b->ct = NULL;
        return sg17_pqc_encaps(b->key, &b->ct, &b->ct_len, ss);
    default:
        return sg17_pqc_decaps(b->key, b->ct, b->ct_len, ss);
    }
}

static int time_op(bench_state *b, int op, const char *name, double seconds)
{
    unsigned long n = 0;
    uint64_t c0 = cycles();
    double t0 = now_s(), t;
    do {
        int rc = run_op(b, op);
        if (rc) {
            fprintf(stderr, "sg17 pqc bench: %s %s failed: %s\n", b->alg, name, sg17_strerror(rc));
            return rc;
        }
        n++;
        t = now_s() - t0;
    } while (t < seconds && n < 1000000);
    uint64_t c = cycles() - c0;
    printf("%-24s %-7s %12.1f ops/s %14.0f cycles/op  (%lu ops)\n", b->alg, name, (double)n / t,
           (double)c / (double)n, n);
    fflush(stdout);
    return 0;
}

static int bench_alg(const char *alg, double seconds)
{
    bench_state b;
    int rc, stateful = strncmp(alg, "lms-", 4) == 0 || strncmp(alg, "hss-", 4) == 0;
    memset(&b, 0, sizeof b);
    b.alg = alg;
    memset(b.msg, 0x5a, sizeof b.msg);
    if (stateful) {
        snprintf(b.dir, sizeof b.dir, "/tmp/sg17-bench-XXXXXX");
        if (!mkdtemp(b.dir)) {
            fprintf(stderr, "sg17 pqc bench: cannot create a temporary directory\n");
            return SG17_E_IO;
        }
    }
    rc = time_op(&b, OP_KEYGEN, "keygen", stateful ? 0.0 : seconds);
    if (rc == 0 && sg17_pqc_key_kind(b.key) == SG17_PQC_SIG) {
        rc = time_op(&b, OP_SIGN, "sign", seconds);
        if (rc == 0)
            rc = time_op(&b, OP_VERIFY, "verify", seconds);
    } else if (rc == 0) {
        rc = time_op(&b, OP_ENCAPS, "encaps", seconds);
        if (rc == 0)
            rc = time_op(&b, OP_DECAPS, "decaps", seconds);
    }
    sg17_pqc_key_free(b.key);
    free(b.sig);
    free(b.ct);
    if (stateful) {
        for (unsigned i = 0; i < b.n_files; i++) {
            char path[160];
            snprintf(path, sizeof path, "%s/k%u", b.dir, i);
            unlink(path);
            snprintf(path, sizeof path, "%s/k%u.pub", b.dir, i);
            unlink(path);
        }
        rmdir(b.dir);
    }
    return rc;
}

int cli_pqc_bench(int argc, char **argv)
{
    const char *alg = NULL;
    double seconds = 0.5;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--alg") == 0 && i + 1 < argc) {
            alg = argv[++i];
        } else if (strcmp(argv[i], "--seconds") == 0 && i + 1 < argc) {
            char *end = NULL;
            seconds = strtod(argv[++i], &end);
            if (!end || *end || seconds <= 0 || seconds > 60) {
                fprintf(stderr, "sg17 pqc bench: --seconds must be in (0, 60]\n");
                return CLI_USAGE;
            }
        } else if (strcmp(argv[i], "--help") == 0) {
            printf("usage: sg17 pqc bench [--alg ALG] [--seconds S]\n");
            return CLI_OK;
        } else {
            fprintf(stderr, "usage: sg17 pqc bench [--alg ALG] [--seconds S]\n");
            return CLI_USAGE;
        }
    }
    printf("%-24s %-7s %18s %24s\n", "algorithm", "op", "throughput", "TSC cycles");
    if (alg) {
        int rc = bench_alg(alg, seconds);
        return rc == SG17_E_UNSUPPORTED ? CLI_USAGE : rc ? CLI_FAIL : CLI_OK;
    }
    for (size_t i = 0; i < sg17_pqc_alg_count(); i++) {
        const char *name = sg17_pqc_alg_name(i);
        if (strncmp(name, "hss-", 4) == 0)
            continue; /* multi-level keygen is slow; bench it with --alg */
        if (bench_alg(name, seconds) != 0)
            return CLI_FAIL;
    }
    return CLI_OK;
}
