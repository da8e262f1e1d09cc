/*
 * ML-DSA benchmark: keygen / sign / verify for ML-DSA-44/65/87 (FIPS 204).
 * For each operation: median, 90th-percentile and mean cycles per call
 * (rdtsc; ns on non-x86) and operations per second from wall time. Signing
 * is hedged (fresh rnd each call), so its cost spreads with the number of
 * rejection-loop iterations: the p90 column shows that tail. The last rows
 * are the composite ML-DSA-65 + Ed25519 signature (sg17/hybrid.h).
 * Usage: bench_mldsa [iterations]   (default 1000)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_util.h"
#include "sg17/hybrid.h"
#include "sg17/mldsa.h"

typedef struct state {
    sg17_mldsa_param p;
    uint8_t hpk[SG17_HYBRID_MLDSA65_ED25519_PUBLICKEY_BYTES];
    uint8_t hsk[SG17_HYBRID_MLDSA65_ED25519_SECRETKEY_BYTES];
    uint8_t hsig[SG17_HYBRID_MLDSA65_ED25519_SIGNATURE_BYTES];
    uint8_t pk[SG17_MLDSA_MAX_PUBLICKEY_BYTES], sk[SG17_MLDSA_MAX_SECRETKEY_BYTES];
    uint8_t sig[SG17_MLDSA_MAX_SIGNATURE_BYTES];
    uint8_t msg[64];
} state;

static int op_keygen(state *s)
{
    return sg17_mldsa_keygen(s->p, s->pk, s->sk, NULL);
}

static int op_sign(state *s)
{
    s->msg[0]++; /* a different message each call */
    return sg17_mldsa_sign(s->p, s->sig, s->sk, s->msg, sizeof s->msg, NULL, 0, 0);
}

static int op_verify(state *s)
{
    return sg17_mldsa_verify(s->p, s->sig, sg17_mldsa_signature_bytes(s->p), s->pk,
                             sg17_mldsa_publickey_bytes(s->p), s->msg, sizeof s->msg, NULL, 0);
}

static int op_hybrid_keygen(state *s)
{
    return sg17_hybrid_mldsa65_ed25519_keygen(s->hpk, s->hsk);
}

static int op_hybrid_sign(state *s)
{
    s->msg[0]++;
    return sg17_hybrid_mldsa65_ed25519_sign(s->hsig, s->hsk, s->msg, sizeof s->msg, NULL, 0);
}

static int op_hybrid_verify(state *s)
{
    return sg17_hybrid_mldsa65_ed25519_verify(s->hsig, sizeof s->hsig, s->hpk, sizeof s->hpk,
                                              s->msg, sizeof s->msg, NULL, 0);
}

static int measure(const char *set, const char *what, int (*op)(state *), state *s, size_t n,
                   uint64_t *cyc)
{
    for (size_t i = 0; i < n / 10 + 1; i++) /* warm-up */
        if (op(s) != 0)
            return -1;
    double t0 = bench_now_s();
    long double sum = 0;
    for (size_t i = 0; i < n; i++) {
        uint64_t a = bench_cycles();
        if (op(s) != 0)
            return -1;
        cyc[i] = bench_cycles() - a;
        sum += (long double)cyc[i];
    }
    double dt = bench_now_s() - t0;
    uint64_t med = bench_median(cyc, n);
    printf("%-15s %-7s %12llu %12llu %12.0Lf %10.0f\n", set, what, (unsigned long long)med,
           (unsigned long long)bench_percentile(cyc, n, 90), sum / (long double)n,
           (double)n / dt);
    return 0;
}

int main(int argc, char **argv)
{
    static const sg17_mldsa_param sets[] = {SG17_MLDSA_44, SG17_MLDSA_65, SG17_MLDSA_87};
    static const char *const names[] = {"ML-DSA-44", "ML-DSA-65", "ML-DSA-87"};
    size_t n = 1000;
    if (argc > 1) {
        char *end;
        unsigned long v = strtoul(argv[1], &end, 10);
        if (*end != '\0' || v == 0 || v > 10000000UL) {
            fprintf(stderr, "usage: %s [iterations]\n", argv[0]);
            return 2;
        }
        n = v;
    }
    uint64_t *cyc = calloc(n, sizeof *cyc);
    state *s = calloc(1, sizeof *s);
    if (cyc == NULL || s == NULL)
        return 3;
    printf("ML-DSA (FIPS 204), portable C, hedged signing, %zu calls per operation\n", n);
    printf("%-15s %-7s %12s %12s %12s %10s\n", "set", "op", "median cyc", "p90 cyc", "mean cyc",
           "ops/s");
    int rc = 0;
    for (size_t i = 0; i < sizeof sets / sizeof sets[0] && rc == 0; i++) {
        s->p = sets[i];
        rc |= measure(names[i], "keygen", op_keygen, s, n, cyc);
        rc |= measure(names[i], "sign", op_sign, s, n, cyc);
        rc |= measure(names[i], "verify", op_verify, s, n, cyc);
    }
    if (rc == 0) {
        rc |= measure("MLDSA65+Ed25519", "keygen", op_hybrid_keygen, s, n, cyc);
        rc |= measure("MLDSA65+Ed25519", "sign", op_hybrid_sign, s, n, cyc);
        rc |= measure("MLDSA65+Ed25519", "verify", op_hybrid_verify, s, n, cyc);
    }
    free(cyc);
    free(s);
    if (rc != 0)
        fprintf(stderr, "bench_mldsa: an operation failed\n");
    return rc != 0 ? 3 : 0;
}
