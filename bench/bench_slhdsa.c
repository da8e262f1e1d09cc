/*
 * SLH-DSA benchmark (FIPS 205): keygen / sign / verify wall time per
 * parameter set (median of several calls), plus the number of tweakable
 * hash calls (F, H, T, PRF, PRF_msg, H_msg) per signature.
 * Times are the calling thread's CPU time (CLOCK_THREAD_CPUTIME_ID), so a
 * shared, loaded machine disturbs them less than wall time; the minimum is
 * printed next to the median.
 * The anchor had no SHA-NI; OPENSSL_ia32cap=":~0x20000000" bench_slhdsa
 * masks SHA-NI in OpenSSL for a like-for-like comparison.
 * Usage: bench_slhdsa [all]   (default: SHA2/SHAKE 128s and 128f; "all": 12 sets)
 * Anchor (notes/x1811.md item 8): SHA2-128s sign 669 ms, verify 0.65 ms,
 * 128f sign 22.5 ms (PQClean clean, no SHA-NI, this machine kind).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <time.h>

#include "bench_util.h"
#include "pqc/slhdsa/slhdsa_internal.h"
#include "sg17/slhdsa.h"

static int bench_set(sg17_slhdsa_param p)
{
    const slh_params *pp = slh_params_get(p);
    const int slow = pp->hp > 4; /* the "s" sets */
    const size_t nk = slow ? 3 : 11, ns = slow ? 3 : 11, nv = 101;
    size_t sl = sg17_slhdsa_sig_bytes(p);
    uint8_t pk[SG17_SLHDSA_MAX_PK_BYTES], sk[SG17_SLHDSA_MAX_SK_BYTES], msg[32] = "sg17 bench";
    uint8_t *sig = malloc(sl);
    double t[101];
    uint64_t calls = 0;
    if (!sig)
        return -1;

    for (size_t i = 0; i < nk; i++) {
        double a = bench_cpu_now_s();
        if (sg17_slhdsa_keygen(p, pk, sk) != 0)
            goto fail;
        t[i] = bench_cpu_now_s() - a;
    }
    double kg = bench_median_d(t, nk) * 1e3, kg_min = t[0] * 1e3;
    for (size_t i = 0; i < ns; i++) {
        slh_msg m = {NULL, 0, msg, sizeof(msg)};
        msg[31] = (uint8_t)i;
        double a = bench_cpu_now_s();
        if (slh_sign_msg(pp, sig, &m, NULL, sk, &calls) != 0)
            goto fail;
        t[i] = bench_cpu_now_s() - a;
    }
    double sg = bench_median_d(t, ns) * 1e3, sg_min = t[0] * 1e3;
    for (size_t i = 0; i < nv; i++) {
        double a = bench_cpu_now_s();
        if (sg17_slhdsa_verify_internal(p, sig, sl, msg, sizeof(msg), pk) != 0)
            goto fail;
        t[i] = bench_cpu_now_s() - a;
    }
    double vf = bench_median_d(t, nv) * 1e3, vf_min = t[0] * 1e3;
    printf("%-20s %9.3f (%8.3f) %9.2f (%8.2f) %8.3f (%7.3f) %12llu\n", pp->name, kg, kg_min, sg,
           sg_min, vf, vf_min, (unsigned long long)calls);
    free(sig);
    return 0;
fail:
    free(sig);
    return -1;
}

int main(int argc, char **argv)
{
    static const sg17_slhdsa_param quick[] = {SG17_SLHDSA_SHA2_128S, SG17_SLHDSA_SHA2_128F,
                                              SG17_SLHDSA_SHAKE_128S, SG17_SLHDSA_SHAKE_128F};
    int all = argc > 1 && strcmp(argv[1], "all") == 0;
    if (argc > 1 && !all) {
        fprintf(stderr, "usage: %s [all]\n", argv[0]);
        return 2;
    }
    printf(
        "SLH-DSA (FIPS 205): SHA-2 via OpenSSL with midstate reuse, SHAKE via 4-way Keccak (%s)\n",
        sg17_cpu_has_avx2() ? "AVX2" : "scalar fallback");
    printf(
        "thread CPU time in ms, median (min); hashes/sign = F, H, T, PRF, PRF_msg, H_msg calls\n");
    printf("%-20s %20s %20s %18s %12s\n", "set", "keygen ms", "sign ms", "verify ms",
           "hashes/sign");
    size_t cnt = all ? (size_t)SG17_SLHDSA_PARAM_COUNT : sizeof(quick) / sizeof(quick[0]);
    for (size_t i = 0; i < cnt; i++) {
        if (bench_set(all ? (sg17_slhdsa_param)i : quick[i]) != 0) {
            fprintf(stderr, "benchmark failed\n");
            return 3;
        }
    }
    return 0;
}
