/*
 * Side-by-side benchmark of sg17 against another implementation built beside
 * the project (never committed): the baseline is a shared object loaded with
 * dlopen that exports the NIST/SUPERCOP API under the given symbol names.
 *
 *   bench_baseline kem ml-kem-768 LIB.so KEYPAIR ENC DEC [ROUNDS]
 *       int KEYPAIR(uint8_t *pk, uint8_t *sk)
 *       int ENC(uint8_t *ct, uint8_t *ss, const uint8_t *pk)
 *       int DEC(uint8_t *ss, const uint8_t *ct, const uint8_t *sk)
 *   bench_baseline sig ml-dsa-65 LIB.so KEYPAIR SIGN VERIFY [ROUNDS]
 *       int SIGN(uint8_t *sig, size_t *siglen, const uint8_t *m, size_t mlen, const uint8_t *sk)
 *       int VERIFY(const uint8_t *sig, size_t siglen, const uint8_t *m, size_t mlen,
 *                  const uint8_t *pk)
 *
 * Both sides run interleaved in the same process: ROUNDS rounds of 200 calls
 * per operation each; the figure is the median TSC cycles per call, and the
 * ratio is baseline/sg17 (> 1 means sg17 is faster). Both sides use their
 * expanded private keys; ML-DSA signing is hedged (random rnd) on both sides.
 * Outputs are cross-checked: each side's ciphertext decapsulates / signature
 * verifies with the other side's code where the encodings are FIPS-standard.
 */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_util.h"
#include "sg17/mldsa.h"
#include "sg17/mlkem.h"

#define CALLS 200

typedef int (*kem_keypair_fn)(uint8_t *, uint8_t *);
typedef int (*kem_enc_fn)(uint8_t *, uint8_t *, const uint8_t *);
typedef int (*kem_dec_fn)(uint8_t *, const uint8_t *, const uint8_t *);
typedef int (*sig_sign_fn)(uint8_t *, size_t *, const uint8_t *, size_t, const uint8_t *);
typedef int (*sig_verify_fn)(const uint8_t *, size_t, const uint8_t *, size_t, const uint8_t *);

static void *sym(void *h, const char *name)
{
    void *p = dlsym(h, name);
    if (!p) {
        fprintf(stderr, "bench_baseline: symbol %s not found: %s\n", name, dlerror());
        exit(3);
    }
    return p;
}

static uint64_t samples[2][CALLS];

/* Times CALLS invocations of op(side) and returns the median cycles. */
#define TIME_MEDIAN(slot, stmt)                                                                    \
    do {                                                                                           \
        for (int i_ = 0; i_ < CALLS; i_++) {                                                       \
            uint64_t t0_ = bench_cycles();                                                         \
            stmt;                                                                                  \
            samples[slot][i_] = bench_cycles() - t0_;                                              \
        }                                                                                          \
    } while (0)

static uint64_t round_median(int slot)
{
    return bench_median(samples[slot], CALLS);
}

static void report(const char *alg, const char *op, uint64_t *ours, uint64_t *theirs,
                   int rounds)
{
    uint64_t o = bench_median(ours, (size_t)rounds), t = bench_median(theirs, (size_t)rounds);
    printf("%-10s %-8s sg17 %9llu cycles   baseline %9llu cycles   baseline/sg17 %5.2fx\n", alg,
           op, (unsigned long long)o, (unsigned long long)t, (double)t / (double)o);
}

static int bench_kem(const char *alg, void *h, char **names, int rounds)
{
    sg17_mlkem_param p = strcmp(alg, "ml-kem-512") == 0    ? SG17_MLKEM_512
                         : strcmp(alg, "ml-kem-1024") == 0 ? SG17_MLKEM_1024
                                                           : SG17_MLKEM_768;
    kem_keypair_fn kp = (kem_keypair_fn)sym(h, names[0]);
    kem_enc_fn enc = (kem_enc_fn)sym(h, names[1]);
    kem_dec_fn dec = (kem_dec_fn)sym(h, names[2]);
    size_t ekl = sg17_mlkem_publickey_bytes(p), dkl = sg17_mlkem_secretkey_bytes(p);
    size_t ctl = sg17_mlkem_ciphertext_bytes(p);
    uint8_t *ek = malloc(ekl), *dk = malloc(dkl), *ct = malloc(ctl), *ek2 = malloc(ekl),
            *dk2 = malloc(dkl), *ct2 = malloc(ctl), ss[32], ss2[32];
    uint64_t *r[6];
    for (int i = 0; i < 6; i++)
        r[i] = malloc(sizeof(uint64_t) * (size_t)rounds);
    int bad = 0;
    for (int rd = 0; rd < rounds; rd++) {
        TIME_MEDIAN(0, bad |= sg17_mlkem_keygen(p, ek, ekl, dk, dkl));
        r[0][rd] = round_median(0);
        TIME_MEDIAN(1, bad |= kp(ek2, dk2));
        r[1][rd] = round_median(1);
        TIME_MEDIAN(0, bad |= sg17_mlkem_encaps(p, ct, ctl, ss, ek, ekl));
        r[2][rd] = round_median(0);
        TIME_MEDIAN(1, bad |= enc(ct2, ss2, ek2));
        r[3][rd] = round_median(1);
        TIME_MEDIAN(0, bad |= sg17_mlkem_decaps(p, ss, ct, ctl, dk, dkl));
        r[4][rd] = round_median(0);
        TIME_MEDIAN(1, bad |= dec(ss2, ct2, dk2));
        r[5][rd] = round_median(1);
    }
    /* Interoperability: baseline encapsulates to our key, we decapsulate. */
    bad |= enc(ct2, ss2, ek);
    bad |= sg17_mlkem_decaps(p, ss, ct2, ctl, dk, dkl);
    int agree = memcmp(ss, ss2, 32) == 0;
    report(alg, "keygen", r[0], r[1], rounds);
    report(alg, "encaps", r[2], r[3], rounds);
    report(alg, "decaps", r[4], r[5], rounds);
    printf("%-10s interop  baseline encaps -> sg17 decaps: %s\n", alg, agree ? "same key" : "MISMATCH");
    for (int i = 0; i < 6; i++)
        free(r[i]);
    free(ek), free(dk), free(ct), free(ek2), free(dk2), free(ct2);
    return bad || !agree;
}

static int bench_sig(const char *alg, void *h, char **names, int rounds)
{
    sg17_mldsa_param p = strcmp(alg, "ml-dsa-44") == 0   ? SG17_MLDSA_44
                         : strcmp(alg, "ml-dsa-87") == 0 ? SG17_MLDSA_87
                                                         : SG17_MLDSA_65;
    kem_keypair_fn kp = (kem_keypair_fn)sym(h, names[0]);
    sig_sign_fn sign = (sig_sign_fn)sym(h, names[1]);
    sig_verify_fn verify = (sig_verify_fn)sym(h, names[2]);
    size_t pkl = sg17_mldsa_publickey_bytes(p), skl = sg17_mldsa_secretkey_bytes(p);
    size_t sgl = sg17_mldsa_signature_bytes(p), sl2 = 0;
    uint8_t *pk = malloc(pkl), *sk = malloc(skl), *sig = malloc(sgl), *pk2 = malloc(pkl),
            *sk2 = malloc(skl), *sig2 = malloc(sgl), msg[64], seed[32];
    uint64_t *r[6];
    memset(msg, 0x42, sizeof msg);
    for (int i = 0; i < 6; i++)
        r[i] = malloc(sizeof(uint64_t) * (size_t)rounds);
    int bad = 0;
    for (int rd = 0; rd < rounds; rd++) {
        TIME_MEDIAN(0, bad |= sg17_mldsa_keygen(p, pk, sk, seed));
        r[0][rd] = round_median(0);
        TIME_MEDIAN(1, bad |= kp(pk2, sk2));
        r[1][rd] = round_median(1);
        TIME_MEDIAN(0, bad |= sg17_mldsa_sign(p, sig, sk, msg, sizeof msg, NULL, 0, 0));
        r[2][rd] = round_median(0);
        TIME_MEDIAN(1, bad |= sign(sig2, &sl2, msg, sizeof msg, sk2));
        r[3][rd] = round_median(1);
        TIME_MEDIAN(0, bad |= sg17_mldsa_verify(p, sig, sgl, pk, pkl, msg, sizeof msg, NULL, 0));
        r[4][rd] = round_median(0);
        TIME_MEDIAN(1, bad |= verify(sig2, sl2, msg, sizeof msg, pk2));
        r[5][rd] = round_median(1);
    }
    /* Interoperability: each side verifies the other's signature. */
    int cross = sg17_mldsa_verify(p, sig2, sl2, pk2, pkl, msg, sizeof msg, NULL, 0) == 0 &&
                verify(sig, sgl, msg, sizeof msg, pk) == 0;
    report(alg, "keygen", r[0], r[1], rounds);
    report(alg, "sign", r[2], r[3], rounds);
    report(alg, "verify", r[4], r[5], rounds);
    printf("%-10s interop  signatures verify across implementations: %s\n", alg,
           cross ? "yes" : "NO");
    for (int i = 0; i < 6; i++)
        free(r[i]);
    free(pk), free(sk), free(sig), free(pk2), free(sk2), free(sig2);
    return bad || !cross;
}

int main(int argc, char **argv)
{
    if (argc < 7) {
        fprintf(stderr, "usage: bench_baseline kem|sig ALG LIB.so SYM1 SYM2 SYM3 [ROUNDS]\n");
        return 2;
    }
    long rounds = argc > 7 ? strtol(argv[7], NULL, 10) : 15;
    if (rounds < 1 || rounds > 1000)
        rounds = 15;
    void *h = dlopen(argv[3], RTLD_NOW | RTLD_LOCAL);
    if (!h) {
        fprintf(stderr, "bench_baseline: %s\n", dlerror());
        return 3;
    }
    printf("baseline: %s (%s)\n", argv[3], argv[2]);
    int rc = strcmp(argv[1], "kem") == 0 ? bench_kem(argv[2], h, argv + 4, (int)rounds)
                                         : bench_sig(argv[2], h, argv + 4, (int)rounds);
    dlclose(h);
    return rc ? 1 : 0;
}
