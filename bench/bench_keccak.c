/*
 * Keccak benchmark: our incremental SHAKE128 squeeze vs OpenSSL 3.0's
 * one-shot EVP SHAKE128 (EVP_DigestFinalXOF), and the per-call cost of a
 * 32-byte-input SHA3-256 in both. Baseline (OpenSSL) measured in the same run.
 */
#include <openssl/evp.h>
#include <stdio.h>
#include <string.h>

#include "bench_util.h"
#include "sg17/keccak.h"

#define SQUEEZE_TOTAL (64u << 20) /* bytes per throughput run */
#define CALLS 200000

static double ours_squeeze_mbs(void)
{
    static uint8_t buf[SG17_SHAKE128_RATE * 64];
    sg17_keccak_ctx c;
    uint8_t seed[34] = {1, 2, 3};
    sg17_shake128_init(&c);
    sg17_keccak_absorb(&c, seed, sizeof seed);
    sg17_keccak_finalize(&c);
    double t0 = bench_now_s();
    size_t done = 0;
    while (done < SQUEEZE_TOTAL) {
        sg17_keccak_squeezeblocks(&c, buf, 64);
        done += sizeof buf;
    }
    double t = bench_now_s() - t0;
    return (double)done / t / 1e6;
}

static double ossl_squeeze_mbs(size_t CHUNK)
{
    /* OpenSSL 3.0 cannot squeeze incrementally: one-shot calls producing
     * CHUNK bytes each (1 MiB is its best case; 840 B = 5 SHAKE128 blocks is
     * what an ML-KEM SampleNTT needs, re-done from scratch on every call). */
    uint8_t *buf = malloc(CHUNK);
    uint8_t seed[34] = {1, 2, 3};
    EVP_MD *md = EVP_MD_fetch(NULL, "SHAKE128", NULL);
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    double t0 = bench_now_s();
    size_t done = 0;
    while (done < SQUEEZE_TOTAL) {
        if (!EVP_DigestInit_ex(ctx, md, NULL) || !EVP_DigestUpdate(ctx, seed, sizeof seed) ||
            !EVP_DigestFinalXOF(ctx, buf, CHUNK)) {
            fprintf(stderr, "OpenSSL SHAKE128 failed\n");
            exit(3);
        }
        done += CHUNK;
    }
    double t = bench_now_s() - t0;
    EVP_MD_CTX_free(ctx);
    EVP_MD_free(md);
    free(buf);
    return (double)done / t / 1e6;
}

static double ours_sha3_ns(uint64_t *cyc)
{
    uint8_t in[32] = {7}, out[32];
    uint64_t c0 = bench_cycles();
    double t0 = bench_now_s();
    for (int i = 0; i < CALLS; i++) {
        sg17_sha3_256(out, in, sizeof in);
        in[0] = out[0];
    }
    double t = bench_now_s() - t0;
    *cyc = (bench_cycles() - c0) / CALLS;
    return t / CALLS * 1e9;
}

static double ossl_sha3_ns(uint64_t *cyc)
{
    uint8_t in[32] = {7}, out[32];
    EVP_MD *md = EVP_MD_fetch(NULL, "SHA3-256", NULL); /* pre-fetched: its best case */
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    uint64_t c0 = bench_cycles();
    double t0 = bench_now_s();
    for (int i = 0; i < CALLS; i++) {
        unsigned int olen = 0;
        if (!EVP_DigestInit_ex(ctx, md, NULL) || !EVP_DigestUpdate(ctx, in, sizeof in) ||
            !EVP_DigestFinal_ex(ctx, out, &olen))
            exit(3);
        in[0] = out[0];
    }
    double t = bench_now_s() - t0;
    *cyc = (bench_cycles() - c0) / CALLS;
    EVP_MD_CTX_free(ctx);
    EVP_MD_free(md);
    return t / CALLS * 1e9;
}

int main(void)
{
    double best_ours = 0, best_ossl = 0, best_ossl_small = 0, ns_ours = 1e18, ns_ossl = 1e18;
    uint64_t cy_ours = 0, cy_ossl = 0;
    /* Interleave and keep the best of 3 of each (noisy shared machines). */
    for (int r = 0; r < 3; r++) {
        double a = ours_squeeze_mbs(), b = ossl_squeeze_mbs(1 << 20);
        double bs = ossl_squeeze_mbs(840);
        if (bs > best_ossl_small)
            best_ossl_small = bs;
        uint64_t ca, cb;
        double na = ours_sha3_ns(&ca), nb = ossl_sha3_ns(&cb);
        if (a > best_ours)
            best_ours = a;
        if (b > best_ossl)
            best_ossl = b;
        if (na < ns_ours) {
            ns_ours = na;
            cy_ours = ca;
        }
        if (nb < ns_ossl) {
            ns_ossl = nb;
            cy_ossl = cb;
        }
    }
    printf("SHAKE128 squeeze throughput (best of 3, %u MiB each)\n", SQUEEZE_TOTAL >> 20);
    printf("  sg17 keccak (incremental squeezeblocks)  %8.1f MB/s\n", best_ours);
    printf("  OpenSSL 3 EVP one-shot XOF (1 MiB/call)  %8.1f MB/s   (baseline)\n", best_ossl);
    printf("  ratio sg17/OpenSSL                       %8.2fx\n", best_ours / best_ossl);
    printf("  OpenSSL 3 EVP one-shot XOF (840 B/call)  %8.1f MB/s   (baseline 2)\n", best_ossl_small);
    printf("  ratio sg17/OpenSSL (840 B)               %8.2fx\n", best_ours / best_ossl_small);
    printf("SHA3-256 of 32 bytes, per call (best of 3, %d calls)\n", CALLS);
    printf("  sg17 keccak                              %8.1f ns  %6llu cycles\n", ns_ours,
           (unsigned long long)cy_ours);
    printf("  OpenSSL 3 EVP (pre-fetched EVP_MD)       %8.1f ns  %6llu cycles   (baseline)\n",
           ns_ossl, (unsigned long long)cy_ossl);
    printf("  speed-up sg17 vs OpenSSL                 %8.2fx\n", ns_ossl / ns_ours);
    return 0;
}
