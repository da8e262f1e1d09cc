/*
 * X.1368 update bench (docs/DEVICE.md "Bench"):
 *  - verification of a 1 MiB and a 16 MiB image per signature algorithm
 *    (ES256, Ed25519, ML-DSA-65, HSS-LMS, hybrid ML-DSA-65 + ES256 under all-of):
 *    envelope authentication (sg17_suit_authenticate: manifest digest +
 *    signature checks) plus SHA-256 of the image compared with the manifest's
 *    digest; as a fraction of raw SHA-256 throughput on the same buffer;
 *  - the signature check alone;
 *  All figures are the best of ROUNDS runs (3 for the install).
 *  - envelope size per algorithm;
 *  - install throughput into the A/B flash model (install_begin, 4 KiB page
 *    writes hashed as they go, commit) as a fraction of raw file-write
 *    throughput (write + fsync of the same bytes) measured in the same run.
 *
 *   bench_update [ROUNDS]
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bench_util.h"
#include "sg17/cose.h"
#include "sg17/crypto.h"
#include "sg17/pqc.h"
#include "sg17/suit.h"

#define MIB ((size_t)1 << 20)

static char dir[64];

static int sign_with(sg17_buf *cur, const char *keypath, sg17_pqc_key **pub_out)
{
    sg17_pqc_key *k = NULL;
    sg17_suit_envelope *e = NULL;
    sg17_buf pl, tbs, cose, next;
    uint8_t *sig = NULL;
    size_t sl = 0;
    int rc = sg17_pqc_key_load(keypath, &k);
    if (rc != 0)
        return rc;
    const char *a = sg17_pqc_key_alg(k);
    int64_t alg = strcmp(a, "ed25519") == 0     ? SG17_COSE_ALG_EDDSA
                  : strcmp(a, "p256") == 0      ? SG17_COSE_ALG_ES256
                  : strcmp(a, "ml-dsa-65") == 0 ? SG17_COSE_ALG_MLDSA65
                                                : SG17_COSE_ALG_HSS_LMS;
    sg17_buf_init(&pl, 256);
    sg17_buf_init(&tbs, 4096);
    sg17_buf_init(&cose, 1 << 16);
    sg17_buf_init(&next, 1 << 20);
    rc = sg17_suit_decode(cur->data, cur->len, &e, NULL, 0);
    if (rc == 0)
        rc = sg17_suit_signed_payload(e, &pl);
    if (rc == 0)
        rc = sg17_cose_tbs(&tbs, 0, alg, pl.data, pl.len);
    if (rc == 0)
        rc = sg17_pqc_sign(k, tbs.data, tbs.len, NULL, 0, 0, &sig, &sl);
    if (rc == 0)
        rc = sg17_cose_encode(&cose, 0, alg, NULL, 0, sig, sl);
    if (rc == 0)
        rc = sg17_suit_add_auth(e, cose.data, cose.len, &next);
    if (rc == 0) {
        sg17_buf t = *cur;
        *cur = next;
        next = t;
    }
    free(sig);
    sg17_suit_free(e);
    sg17_buf_free(&pl, 0);
    sg17_buf_free(&tbs, 0);
    sg17_buf_free(&cose, 0);
    sg17_buf_free(&next, 0);
    if (rc == 0) {
        char pub[128];
        (void)snprintf(pub, sizeof pub, "%s.pub", keypath);
        rc = sg17_pqc_key_load(pub, pub_out);
    }
    sg17_pqc_key_free(k);
    return rc;
}

static sg17_cose_key_type type_of(const char *a)
{
    if (strcmp(a, "ed25519") == 0)
        return SG17_COSE_KEY_ED25519;
    if (strcmp(a, "p256") == 0)
        return SG17_COSE_KEY_P256;
    if (strcmp(a, "ml-dsa-65") == 0)
        return SG17_COSE_KEY_MLDSA65;
    return SG17_COSE_KEY_HSS;
}

int main(int argc, char **argv)
{
    long rounds = 7;
    if (argc > 1) {
        char *end = NULL;
        rounds = strtol(argv[1], &end, 10);
        if (end == argv[1] || *end != '\0' || rounds < 1 || rounds > 101) {
            fprintf(stderr, "usage: bench_update [ROUNDS 1..101]\n");
            return 2;
        }
    }
    (void)snprintf(dir, sizeof dir, "/tmp/sg17-bench-update-XXXXXX");
    if (mkdtemp(dir) == NULL)
        return 1;
    static const struct {
        const char *name;
        const char *k1, *k2;
    } algs[] = {
        {"ES256", "p256", NULL},
        {"Ed25519", "ed25519", NULL},
        {"ML-DSA-65", "ml-dsa-65", NULL},
        {"HSS-LMS (h5,w8)", "lms-sha256-h5-w8", NULL},
        {"hybrid ML-DSA-65+ES256 (all-of)", "ml-dsa-65", "p256"},
    };
    size_t sizes[] = {MIB, 16 * MIB};
    uint8_t *img = malloc(16 * MIB);
    if (img == NULL)
        return 1;
    for (size_t i = 0; i < 16 * MIB; i++)
        img[i] = (uint8_t)(i * 2654435761u >> 13);
    double *t = calloc((size_t)rounds, sizeof *t);
    printf("%-32s %8s %9s %12s %12s %12s %9s\n", "algorithm", "image", "envelope", "sig check",
           "verify", "sha256 only", "of sha256");
    for (size_t a = 0; a < sizeof algs / sizeof algs[0]; a++) {
        char kp1[128], kp2[128];
        (void)snprintf(kp1, sizeof kp1, "%s/k%zu_1", dir, a);
        (void)snprintf(kp2, sizeof kp2, "%s/k%zu_2", dir, a);
        if (sg17_pqc_keygen_file(algs[a].k1, kp1) != 0 ||
            (algs[a].k2 && sg17_pqc_keygen_file(algs[a].k2, kp2) != 0)) {
            fprintf(stderr, "keygen %s failed\n", algs[a].name);
            return 1;
        }
        for (size_t s = 0; s < 2; s++) {
            size_t n = sizes[s];
            static const uint8_t part[] = "app";
            const uint8_t *ids[] = {part};
            size_t il[] = {3};
            sg17_suit_component_desc c = {ids, il, 1, {0}, n, "/img", NULL, 0, NULL, 0};
            sg17_sha256(c.image_digest, img, n);
            sg17_suit_desc d = {.sequence_number = 2, .components = &c, .n_components = 1};
            sg17_buf env;
            sg17_pqc_key *p1 = NULL, *p2 = NULL;
            sg17_buf_init(&env, 1 << 20);
            int rc = sg17_suit_build(&d, &env);
            if (rc == 0)
                rc = sign_with(&env, kp1, &p1);
            if (rc == 0 && algs[a].k2)
                rc = sign_with(&env, kp2, &p2);
            sg17_suit_envelope *e = NULL;
            if (rc == 0)
                rc = sg17_suit_decode(env.data, env.len, &e, NULL, 0);
            if (rc != 0) {
                fprintf(stderr, "%s: envelope failed (%d)\n", algs[a].name, rc);
                return 1;
            }
            size_t l1 = 0, l2 = 0;
            const uint8_t *pk1 = sg17_pqc_key_public(p1, &l1);
            const uint8_t *pk2 = p2 ? sg17_pqc_key_public(p2, &l2) : NULL;
            sg17_cose_key anchors[2] = {{type_of(sg17_pqc_key_alg(p1)), pk1, l1},
                                        {p2 ? type_of(sg17_pqc_key_alg(p2)) : SG17_COSE_KEY_NONE,
                                         pk2, l2}};
            sg17_suit_policy pol;
            memset(&pol, 0, sizeof pol);
            pol.anchors = anchors;
            pol.n_anchors = p2 ? 2 : 1;
            pol.mode = p2 ? SG17_SUIT_ALL_OF : SG17_SUIT_ANY_OF;
            char why[SG17_SUIT_WHY_BYTES];
            /* signature check alone */
            for (int r = 0; r < rounds; r++) {
                double t0 = bench_now_s();
                rc |= sg17_suit_authenticate(e, &pol, why, sizeof why);
                t[r] = bench_now_s() - t0;
            }
            double sig = bench_min_d(t, (size_t)rounds);
            /* full verification: authenticate + image digest */
            for (int r = 0; r < rounds; r++) {
                uint8_t h[32];
                double t0 = bench_now_s();
                rc |= sg17_suit_authenticate(e, &pol, why, sizeof why);
                sg17_sha256(h, img, n);
                rc |= memcmp(h, c.image_digest, 32) != 0;
                t[r] = bench_now_s() - t0;
            }
            double ver = bench_min_d(t, (size_t)rounds);
            for (int r = 0; r < rounds; r++) {
                uint8_t h[32];
                double t0 = bench_now_s();
                sg17_sha256(h, img, n);
                t[r] = bench_now_s() - t0;
                if (h[0] == 0x42 && h[1] == 0x42)
                    t[r] += 0; /* keep the hash live */
            }
            double sha = bench_min_d(t, (size_t)rounds);
            if (rc != 0) {
                fprintf(stderr, "%s: verification failed: %s\n", algs[a].name, why);
                return 1;
            }
            printf("%-32s %5zu MiB %7zu B %9.3f ms %9.2f ms %9.2f ms %8.1f %%\n", algs[a].name,
                   n / MIB, env.len, sig * 1e3, ver * 1e3, sha * 1e3, 100.0 * sha / ver);
            sg17_suit_free(e);
            sg17_pqc_key_free(p1);
            sg17_pqc_key_free(p2);
            sg17_buf_free(&env, 0);
        }
    }
    /* install throughput vs raw file write, 16 MiB, same directory */
    {
        char fdir[128], raw[160];
        (void)snprintf(fdir, sizeof fdir, "%s/flash", dir);
        (void)snprintf(raw, sizeof raw, "%s/raw.bin", dir);
        if (mkdir(fdir, 0700) != 0)
            return 1;
        sg17_suit_flash *f = NULL;
        static const uint8_t factory[4096];
        if (sg17_suit_flash_open(fdir, 16 * MIB, factory, sizeof factory, 1, &f) != 0)
            return 1;
        double ti[3], tr[3];
        for (int r = 0; r < 3; r++) {
            uint8_t want[32];
            sg17_sha256(want, img, 16 * MIB);
            double t0 = bench_now_s();
            int rc = sg17_suit_flash_install_begin(f);
            if (rc == 0)
                rc = sg17_suit_flash_install_write(f, 0, img, 16 * MIB);
            if (rc == 0)
                rc = sg17_suit_flash_install_commit(f, (uint64_t)(2 + r), want);
            ti[r] = bench_now_s() - t0;
            int slot = 0, trial = 0;
            if (rc == 0)
                rc = sg17_suit_flash_boot(f, &slot, &trial);
            if (rc == 0)
                rc = sg17_suit_flash_confirm(f);
            if (rc != 0) {
                fprintf(stderr, "install failed (%d)\n", rc);
                return 1;
            }
            t0 = bench_now_s();
            int fd = open(raw, O_WRONLY | O_CREAT | O_TRUNC, 0600);
            size_t done = 0;
            while (fd >= 0 && done < 16 * MIB) {
                ssize_t w = write(fd, img + done, 16 * MIB - done);
                if (w <= 0)
                    break;
                done += (size_t)w;
            }
            if (fd < 0 || fsync(fd) != 0)
                return 1;
            close(fd);
            tr[r] = bench_now_s() - t0;
        }
        double i_med = bench_min_d(ti, 3), r_med = bench_min_d(tr, 3);
        printf("\ninstall 16 MiB into the A/B flash (pages hashed while written + commit): "
               "%.1f ms = %.0f MiB/s\n",
               i_med * 1e3, 16.0 / i_med);
        printf("raw file write 16 MiB + fsync, same directory:                          "
               "%.1f ms = %.0f MiB/s\n",
               r_med * 1e3, 16.0 / r_med);
        printf("install throughput = %.1f %% of raw write throughput\n", 100.0 * r_med / i_med);
        sg17_suit_flash_close(f);
    }
    free(t);
    free(img);
    char cmd[128];
    (void)snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : 1;
}
