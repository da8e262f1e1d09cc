/*
 * SIDF benchmark (X.1811 cl. 7.2.1.1): SUCI de-concealments per second on
 * one core for profile A (X25519), profile B (P-256), ML-KEM-768 (0xC) and
 * X-Wing (0xD), each as a ratio to profile A; plus the UE-side concealment
 * rate and the SUCI sizes (scheme output, string form, 5GS mobile identity
 * IE) of each profile for a 10-digit MSIN.
 * sg17_suci_deconceal is timed on parsed SUCIs (the SIDF's crypto work);
 * the "text" column adds parsing the string form and formatting the SUPI.
 * "vs A" is profile A's median cycles over this profile's: the per-core
 * de-concealment rate ratio, robust to other load on the machine (ops/s
 * from wall time are printed too but suffer from preemption).
 * Last, the key-agreement primitives alone: the one-shot sg17_x25519 /
 * sg17_p256_ecdh against the prepared keys the SIDF holds
 * (sg17_x25519_key_derive / sg17_p256_key_ecdh), median TSC cycles.
 * Usage: bench_suci [iterations]   (default 3000)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_util.h"
#include "sg17/crypto.h"
#include "sg17/suci.h"

#define NSUCI 32

static const unsigned schemes[] = {SG17_SUCI_SCHEME_PROFILE_A, SG17_SUCI_SCHEME_PROFILE_B,
                                   SG17_SUCI_SCHEME_MLKEM768, SG17_SUCI_SCHEME_XWING};
#define NS (sizeof schemes / sizeof schemes[0])

static sg17_suci sucis[NSUCI];
static char texts[NSUCI][SG17_SUCI_MAX_TEXT];

int main(int argc, char **argv)
{
    size_t iters = argc > 1 ? strtoul(argv[1], NULL, 10) : 3000;
    uint64_t *cyc = malloc(iters * sizeof *cyc);
    double ops[NS] = {0}, med_a = 0;
    sg17_supi supi, got;
    if (!cyc || iters < 10 || sg17_supi_parse("imsi-001010123456789", 2, &supi))
        return 2;
    printf("SIDF de-concealment, one thread, %zu calls per profile, SUPI imsi-001010123456789\n\n",
           iters);
    printf("%-9s %6s %8s %7s %11s %11s %12s %11s %11s %9s\n", "profile", "scheme", "output",
           "string", "IE (bytes)", "median cyc", "p90 cyc", "deconceal/s", "text/s", "vs A");
    for (size_t k = 0; k < NS; k++) {
        sg17_suci_keystore *ks = NULL;
        sg17_suci_key *priv = NULL, *pub = NULL;
        size_t pl = 0, ie_len = 0, str_len = 0;
        static uint8_t ie[SG17_SUCI_MAX_TEXT];
        const char *reason = NULL;
        if (sg17_suci_keystore_new(&ks) || sg17_suci_key_generate(schemes[k], 1, &priv))
            return 3;
        const uint8_t *pk = sg17_suci_key_public(priv, &pl);
        if (sg17_suci_key_import_public(schemes[k], 1, pk, pl, &pub) ||
            sg17_suci_keystore_add(ks, priv))
            return 3;
        for (size_t i = 0; i < NSUCI; i++) {
            if (sg17_suci_conceal(pub, &supi, "0000", &sucis[i]) ||
                sg17_suci_format(&sucis[i], SG17_SUCI_FORM_STRING, texts[i], sizeof texts[i],
                                 &str_len))
                return 3;
        }
        if (sg17_suci_encode_ie(&sucis[0], ie, sizeof ie, &ie_len))
            return 3;
        for (size_t i = 0; i < iters / 10; i++) /* warm-up */
            if (sg17_suci_deconceal(ks, &sucis[i % NSUCI], &got, &reason))
                return 4;
        double t0 = bench_now_s();
        for (size_t i = 0; i < iters; i++) {
            uint64_t a = bench_cycles();
            if (sg17_suci_deconceal(ks, &sucis[i % NSUCI], &got, &reason))
                return 4;
            cyc[i] = bench_cycles() - a;
        }
        double dt = bench_now_s() - t0;
        uint64_t med = bench_median(cyc, iters), p90 = bench_percentile(cyc, iters, 90);
        ops[k] = (double)iters / dt;
        if (k == 0)
            med_a = (double)med;
        char supi_txt[SG17_SUCI_MAX_SUPI_TEXT];
        t0 = bench_now_s();
        for (size_t i = 0; i < iters; i++) {
            const char *t = texts[i % NSUCI];
            if (sg17_suci_deconceal_text(ks, t, strlen(t), supi_txt, sizeof supi_txt, &reason))
                return 4;
        }
        double text_ops = (double)iters / (bench_now_s() - t0);
        printf("%-9s %#6x %8zu %7zu %11zu %11llu %12llu %11.0f %11.0f %8.2fx\n",
               sg17_suci_scheme_name(schemes[k]), schemes[k], sucis[0].output_len, str_len, ie_len,
               (unsigned long long)med, (unsigned long long)p90, ops[k], text_ops,
               med_a / (double)med);
        sg17_suci_key_free(pub);
        sg17_suci_keystore_free(ks);
    }
    /* UE side for completeness. */
    printf("\nconcealment (UE side), one thread:\n");
    for (size_t k = 0; k < NS; k++) {
        sg17_suci_key *priv = NULL;
        if (sg17_suci_key_generate(schemes[k], 1, &priv))
            return 3;
        size_t n = iters / 2;
        double t0 = bench_now_s();
        for (size_t i = 0; i < n; i++)
            if (sg17_suci_conceal(priv, &supi, "0000", &sucis[i % NSUCI]))
                return 4;
        printf("  %-9s %9.0f conceal/s\n", sg17_suci_scheme_name(schemes[k]),
               (double)n / (bench_now_s() - t0));
        sg17_suci_key_free(priv);
    }

    /* Key agreement alone: one-shot vs prepared key (median cycles). */
    uint8_t xs[32], xp[32], ps[32], pp[65], pc[33], z[32];
    sg17_x25519_key *xk = NULL;
    sg17_p256_key *pk = NULL;
    if (sg17_x25519_keygen(xs, xp) || sg17_p256_keygen(ps, pp) || sg17_p256_compress(pc, pp) ||
        sg17_x25519_key_new(&xk, xs) || sg17_p256_key_new(&pk, ps))
        return 3;
    size_t m = iters / 2;
    uint64_t r[4];
    for (int w = 0; w < 4; w++) {
        for (size_t i = 0; i < m; i++) {
            uint64_t a = bench_cycles();
            int rc = w == 0   ? sg17_x25519(z, xs, xp)
                     : w == 1 ? sg17_x25519_key_derive(xk, z, xp)
                     : w == 2 ? sg17_p256_ecdh(z, ps, pc, 33)
                              : sg17_p256_key_ecdh(pk, z, pc, 33);
            cyc[i] = bench_cycles() - a;
            if (rc)
                return 4;
        }
        r[w] = bench_median(cyc, m);
    }
    printf("\nkey agreement alone, median cycles (P-256 with a compressed peer):\n");
    printf("  X25519  one-shot sg17_x25519 %9llu   prepared sg17_x25519_key_derive %9llu\n",
           (unsigned long long)r[0], (unsigned long long)r[1]);
    printf("  P-256   one-shot sg17_p256_ecdh %6llu   prepared sg17_p256_key_ecdh %13llu\n",
           (unsigned long long)r[2], (unsigned long long)r[3]);
    sg17_x25519_key_free(xk);
    sg17_p256_key_free(pk);
    sg17_memzero(xs, sizeof xs);
    sg17_memzero(ps, sizeof ps);
    free(cyc);
    return 0;
}
