/*
 * ML-KEM benchmark: keygen / encaps / decaps for ML-KEM-512/768/1024.
 * For each operation: median and 90th-percentile cycles per call (rdtsc;
 * ns on non-x86) over many calls, and operations per second from wall time.
 * Runs the portable C paths (sg17_cpu_set_avx2(0)) and, on a CPU with
 * AVX2, the AVX2 paths; SG17_NO_AVX2=1 in the environment has no effect here.
 * Usage: bench_mlkem [iterations]   (default 2000)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_util.h"
#include "sg17/cpu.h"
#include "sg17/mlkem.h"

typedef struct keys {
    sg17_mlkem_param p;
    uint8_t ek[SG17_MLKEM_MAX_PUBLICKEY_BYTES], dk[SG17_MLKEM_MAX_SECRETKEY_BYTES];
    uint8_t c[SG17_MLKEM_MAX_CIPHERTEXT_BYTES], k[32], k2[32];
} keys;

static int op_keygen(keys *s)
{
    return sg17_mlkem_keygen(s->p, s->ek, sizeof s->ek, s->dk, sizeof s->dk);
}

static int op_encaps(keys *s)
{
    return sg17_mlkem_encaps(s->p, s->c, sizeof s->c, s->k, s->ek,
                             sg17_mlkem_publickey_bytes(s->p));
}

static int op_decaps(keys *s)
{
    return sg17_mlkem_decaps(s->p, s->k2, s->c, sg17_mlkem_ciphertext_bytes(s->p), s->dk,
                             sg17_mlkem_secretkey_bytes(s->p));
}

static int measure(const char *set, const char *what, int (*op)(keys *), keys *s, size_t n,
                   uint64_t *cyc)
{
    for (size_t i = 0; i < n / 10 + 1; i++) /* warm-up */
        if (op(s) != 0)
            return -1;
    double t0 = bench_now_s();
    for (size_t i = 0; i < n; i++) {
        uint64_t a = bench_cycles();
        if (op(s) != 0)
            return -1;
        cyc[i] = bench_cycles() - a;
    }
    double dt = bench_now_s() - t0;
    uint64_t med = bench_median(cyc, n);
    printf("%-12s %-7s %12llu %12llu %12.0f\n", set, what, (unsigned long long)med,
           (unsigned long long)bench_percentile(cyc, n, 90), (double)n / dt);
    return 0;
}

int main(int argc, char **argv)
{
    static const sg17_mlkem_param sets[] = {SG17_MLKEM_512, SG17_MLKEM_768, SG17_MLKEM_1024};
    size_t n = 2000;
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
    keys *s = calloc(1, sizeof *s);
    if (cyc == NULL || s == NULL)
        return 3;
    int rc = 0;
    for (int avx2 = 0; avx2 <= 1 && rc == 0; avx2++) {
        if (sg17_cpu_set_avx2(avx2) != avx2) {
            printf("(no AVX2 on this CPU: AVX2 paths not measured)\n");
            break;
        }
        printf("%sML-KEM (FIPS 203), %s, %zu calls per operation\n", avx2 ? "\n" : "",
               avx2 ? "AVX2 paths" : "portable C", n);
        printf("%-12s %-7s %12s %12s %12s\n", "set", "op", "median cyc", "p90 cyc", "ops/s");
        for (size_t i = 0; i < sizeof sets / sizeof sets[0] && rc == 0; i++) {
            const char *nm = sg17_mlkem_name(sets[i]);
            s->p = sets[i];
            rc |= measure(nm, "keygen", op_keygen, s, n, cyc);
            rc |= measure(nm, "encaps", op_encaps, s, n, cyc);
            rc |= measure(nm, "decaps", op_decaps, s, n, cyc);
            if (rc == 0 && memcmp(s->k, s->k2, 32) != 0) {
                fprintf(stderr, "%s: decaps disagrees with encaps\n", nm);
                rc = 1;
            }
        }
    }
    free(cyc);
    free(s);
    if (rc != 0)
        fprintf(stderr, "bench_mlkem: an operation failed\n");
    return rc != 0 ? 3 : 0;
}
