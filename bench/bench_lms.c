/*
 * LMS benchmark (RFC 8554 / SP 800-208): keygen (to a key file, incl.
 * fsync), key load, sign (inside a reserved range, and with one persist
 * per signature), verify; for the SHA-256 sets, verify is also given as a
 * multiple of its floor: the SHA-256 compression-function calls it must
 * make (counted in the library) timed as the same number of bare one-block
 * sg17_sha256 calls in the same run.
 * Usage: bench_lms [DIR]   (key files go to DIR, default /tmp)
 * Anchor (notes): SHA256_M32_H10/W4 verify ~41 us with OpenSSL EVP.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench_util.h"
#include "pqc/lms/lms_internal.h"
#include "sg17/lms.h"

static double med(double *v, size_t n)
{
    for (size_t i = 1; i < n; i++)
        for (size_t j = i; j > 0 && v[j - 1] > v[j]; j--) {
            double t = v[j];
            v[j] = v[j - 1];
            v[j - 1] = t;
        }
    return v[n / 2];
}

/* Time `count` bare one-block SHA-256 calls (55-byte input = one compression). */
static double floor_s(uint64_t count)
{
    uint8_t buf[55] = {1};
    double t0 = bench_now_s();
    for (uint64_t i = 0; i < count; i++)
        sg17_sha256(buf, buf, sizeof buf); /* output feeds the next input */
    double t = bench_now_s() - t0;
    if (buf[0] == 0 && buf[1] == 0 && buf[2] == 0 && buf[3] == 0)
        fprintf(stderr, "(unlikely)\n");
    return t;
}

static int bench_set(const char *dir, const char *name, uint32_t lms, uint32_t ots)
{
    enum { NS = 101, NV = 301, NP = 11 };
    sg17_hss_params p = {1, {lms}, {ots}};
    char path[512];
    uint8_t pk[SG17_HSS_PUBLIC_KEY_MAX_BYTES], msg[32] = "sg17 bench lms";
    size_t pk_len, cap = sg17_hss_signature_len(&p), sl = 0;
    uint8_t *sig = malloc(cap);
    static double t[NV];
    snprintf(path, sizeof path, "%s/bench_lms_%d_%u_%u.key", dir, (int)getpid(), lms, ots);
    unlink(path);

    double t0 = bench_now_s();
    if (sg17_hss_keygen(path, &p, NULL, 0, NULL, pk, sizeof pk, &pk_len) != 0)
        return -1;
    double keygen = bench_now_s() - t0;
    sg17_hss_key *k;
    t0 = bench_now_s();
    if (sg17_hss_key_load(&k, path) != 0)
        return -1;
    double load = bench_now_s() - t0;

    /* sign with one atomic persist (write, fsync, rename, dir fsync) each */
    for (int i = 0; i < NP; i++) {
        msg[0] = (uint8_t)i;
        t0 = bench_now_s();
        if (sg17_hss_sign(k, msg, sizeof msg, sig, cap, &sl) != 0)
            return -1;
        t[i] = bench_now_s() - t0;
    }
    double sign_persist = med(t, NP);
    /* sign inside a reserved range (no disk write) */
    if (sg17_hss_reserve(k, NS) != 0)
        return -1;
    for (int i = 0; i < NS; i++) {
        msg[0] = (uint8_t)(i + 100);
        t0 = bench_now_s();
        if (sg17_hss_sign(k, msg, sizeof msg, sig, cap, &sl) != 0)
            return -1;
        t[i] = bench_now_s() - t0;
    }
    double sign_res = med(t, NS);

    /* verify the last signature repeatedly; count compressions */
    uint64_t blocks0 = sg17_lms_sha256_blocks;
    for (int i = 0; i < NV; i++) {
        t0 = bench_now_s();
        if (sg17_hss_verify(pk, pk_len, msg, sizeof msg, sig, sl) != 0)
            return -1;
        t[i] = bench_now_s() - t0;
    }
    uint64_t per_verify = (sg17_lms_sha256_blocks - blocks0) / NV;
    double verify = med(t, NV);
    printf("%-28s keygen %8.1f ms  load %8.1f ms  sign %7.1f us (reserved) %7.1f us "
           "(persist each)  verify %6.1f us  sig %zu B",
           name, keygen * 1e3, load * 1e3, sign_res * 1e6, sign_persist * 1e6, verify * 1e6, sl);
    if (per_verify > 0) {
        /* floor: the same number of bare compressions, median of 31 runs */
        for (int i = 0; i < 31; i++)
            t[i] = floor_s(per_verify);
        double fl = med(t, 31);
        printf("\n%-28s verify = %llu SHA-256 compressions; bare: %.1f us -> ratio %.2fx", "",
               (unsigned long long)per_verify, fl * 1e6, verify / fl);
    }
    printf("\n");
    sg17_hss_key_free(k);
    unlink(path);
    strncat(path, ".lock", sizeof path - strlen(path) - 1);
    unlink(path);
    free(sig);
    return 0;
}

int main(int argc, char **argv)
{
    const char *dir = argc > 1 ? argv[1] : "/tmp";
    static const struct {
        const char *name;
        uint32_t lms, ots;
    } sets[] = {
        {"SHA256_M32_H10 / N32_W4", SG17_LMS_SHA256_M32_H10, SG17_LMOTS_SHA256_N32_W4},
        {"SHA256_M32_H10 / N32_W8", SG17_LMS_SHA256_M32_H10, SG17_LMOTS_SHA256_N32_W8},
        {"SHA256_M24_H10 / N24_W4", SG17_LMS_SHA256_M24_H10, SG17_LMOTS_SHA256_N24_W4},
        {"SHAKE_M32_H10 / N32_W4", SG17_LMS_SHAKE_M32_H10, SG17_LMOTS_SHAKE_N32_W4},
    };
    for (size_t i = 0; i < sizeof sets / sizeof sets[0]; i++)
        if (bench_set(dir, sets[i].name, sets[i].lms, sets[i].ots) != 0) {
            fprintf(stderr, "%s: failed\n", sets[i].name);
            return 3;
        }
    return 0;
}
