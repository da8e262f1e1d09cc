/*
 * Crash safety of the stateful HSS key (RFC 8554 §6, SP 800-208 §8.1):
 * a "crash" is injected at a random step of signing and reserving (before
 * the persist, after the temp file is written, after it is fsynced, after
 * the rename, after the persist, after the trees are ready, after the
 * signature is computed). The key object is then discarded and reloaded from
 * disk, like a restarted process. Over the whole life of a key (until it is
 * exhausted), the test proves:
 *  - no one-time key is ever used twice: every released (q0, q1) is unique,
 *    and every level-0 index signs exactly one (identical) child public key;
 *  - every released signature verifies;
 *  - a crash loses at most the reserved range;
 *  - exhaustion gives SG17_E_STATE, also after a reload.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pqc/lms/lms_internal.h"
#include "sg17/lms.h"
#include "tap.h"

#define H0          5
#define H1          5
#define TOTAL       (1u << (H0 + H1))
#define MAX_RESERVE 6

static int crash_step; /* 0: no crash armed */
static int crashed;

static int crash_hook(void *ctx, int step)
{
    (void)ctx;
    if (crash_step != 0 && step == crash_step) {
        crashed = 1;
        crash_step = 0;
        return 1;
    }
    return 0;
}

static const int sign_steps[] = {
    LMS_STEP_BEFORE_PERSIST, LMS_STEP_FILE_BASE + 1, LMS_STEP_FILE_BASE + 2, LMS_STEP_FILE_BASE + 3,
    LMS_STEP_PERSISTED,      LMS_STEP_TREES_READY,   LMS_STEP_SIGNED};

static uint32_t next_global(const sg17_hss_key *k)
{
    uint32_t q[SG17_HSS_MAX_LEVELS];
    sg17_hss_key_next(k, q);
    return (q[0] << H1) | q[1];
}

static void cleanup_dir(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    while (d && (e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        char p[600];
        snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
        unlink(p);
    }
    if (d)
        closedir(d);
    rmdir(dir);
}

int main(void)
{
    char dir[] = "/tmp/sg17_lms_crash_XXXXXX";
    if (mkdtemp(dir) == NULL)
        tap_skip_all("no temp dir");
    char path[256];
    snprintf(path, sizeof path, "%s/hss.key", dir);
    tap_rand_seed(8554);

    sg17_hss_params p = {2,
                         {SG17_LMS_SHA256_M24_H5, SG17_LMS_SHA256_M24_H5},
                         {SG17_LMOTS_SHA256_N24_W2, SG17_LMOTS_SHA256_N24_W4}};
    uint8_t seed[24], I[16], pk[SG17_HSS_PUBLIC_KEY_MAX_BYTES];
    size_t pk_len;
    tap_rand_bytes(seed, sizeof seed);
    tap_rand_bytes(I, sizeof I);
    tap_int_eq(sg17_hss_keygen(path, &p, seed, sizeof seed, I, pk, sizeof pk, &pk_len), 0,
               "keygen");
    tap_int_eq(sg17_hss_keygen(path, &p, seed, sizeof seed, I, pk, sizeof pk, &pk_len),
               SG17_E_EXISTS, "keygen refuses to overwrite a key file");
    struct stat st;
    tap_ok(stat(path, &st) == 0 && (st.st_mode & 0777) == 0600, "key file is 0600");

    sg17_hss_key *key = NULL;
    if (tap_int_eq(sg17_hss_key_load(&key, path), 0, "load") == 0)
        return tap_done();
    tap_int_eq((long long)sg17_hss_key_remaining(key), TOTAL, "remaining = 2^10");
    sg17_hss_key *second = NULL;
    tap_int_eq(sg17_hss_key_load(&second, path), SG17_E_STATE,
               "a second handle on the same key file is refused");
    tap_ok(second == NULL, "no second handle");
    char missing[300];
    snprintf(missing, sizeof missing, "%s/missing.key", dir);
    tap_int_eq(sg17_hss_key_load(&second, missing), SG17_E_NOTFOUND, "missing key file");

    size_t sig_cap = sg17_hss_signature_len(&p);
    uint8_t *sig = malloc(sig_cap);
    uint8_t *used = calloc(TOTAL, 1);
    /* per level-0 index: the upper part of the signature (level-0 LMS
     * signature + level-1 public key) it released, to check it never changes */
    size_t up_len = sg17_lms_signature_len(p.lms_type[0], p.ots_type[0]) + 24 + 24;
    uint8_t *upper = calloc((size_t)1 << H0, up_len);
    uint8_t *upper_set = calloc((size_t)1 << H0, 1);

    sg17_lms_test_hook = crash_hook;
    unsigned released = 0, crashes = 0, reuse = 0, bad_sig = 0, upper_changed = 0;
    unsigned over_loss = 0, went_back = 0, reserves = 0, lost = 0;
    uint32_t expect_next = 0;   /* first index not yet released */
    uint32_t reserved_upto = 0; /* highest limit we asked to persist */
    int rc = 0;
    for (unsigned iter = 0; iter < 20000; iter++) {
        uint64_t r = tap_rand_u64();
        crashed = 0;
        crash_step = (r % 3 == 0) ? sign_steps[(r >> 8) % 7] : 0;
        if ((r >> 16) % 8 == 0) {
            uint64_t n = 1 + (r >> 24) % MAX_RESERVE;
            uint64_t left = sg17_hss_key_remaining(key);
            /* set before the call: a crash after the rename leaves it on disk */
            uint32_t lim = next_global(key) + (uint32_t)n;
            if (n <= left && lim > reserved_upto)
                reserved_upto = lim;
            rc = sg17_hss_reserve(key, n);
            if (rc == 0)
                reserves++;
            if (rc == SG17_E_STATE && n > left)
                rc = 0; /* correctly refused: fewer than n left */
            else if (rc == SG17_E_STATE)
                tap_ok(0, "reserve(%llu) refused with %llu left", (unsigned long long)n,
                       (unsigned long long)left);
        } else {
            uint8_t msg[40];
            size_t sig_len = 0;
            tap_rand_bytes(msg, sizeof msg);
            uint32_t before = next_global(key);
            if (before + 1 > reserved_upto)
                reserved_upto = before + 1;
            rc = sg17_hss_sign(key, msg, sizeof msg, sig, sig_cap, &sig_len);
            if (rc == 0) {
                released++;
                /* q of level 0 at offset 4; q of level 1 after sig0 and pub1 */
                uint32_t q0 = lms_strtou32(sig + 4);
                uint32_t q1 = lms_strtou32(sig + 4 + up_len);
                uint32_t g = (q0 << H1) | q1;
                if (q0 >= (1u << H0) || q1 >= (1u << H1) || used[g])
                    reuse++;
                else
                    used[g] = 1;
                if (g < expect_next)
                    went_back++;
                expect_next = g + 1;
                if (upper_set[q0] && memcmp(upper + q0 * up_len, sig + 4, up_len) != 0)
                    upper_changed++;
                memcpy(upper + q0 * up_len, sig + 4, up_len);
                upper_set[q0] = 1;
                if (sg17_hss_verify(pk, pk_len, msg, sizeof msg, sig, sig_len) != 0)
                    bad_sig++;
            }
        }
        if (crashed) {
            tap_ok(rc == SG17_E_IO, "crash reported as SG17_E_IO");
            crashes++;
            sg17_hss_key_free(key);
            key = NULL;
            if (sg17_hss_key_load(&key, path) != 0) {
                tap_ok(0, "reload after crash %u", crashes);
                break;
            }
            uint32_t nx = sg17_hss_key_remaining(key) == 0 ? TOTAL : next_global(key);
            if (nx < expect_next)
                reuse++; /* the reloaded key would hand out a released index */
            if (nx > reserved_upto || nx > expect_next + MAX_RESERVE + 1)
                over_loss++;
            lost += nx - expect_next;
            expect_next = nx;
            reserved_upto = nx;
            continue;
        }
        if (rc == SG17_E_STATE)
            break; /* exhausted */
        if (rc != 0) {
            tap_ok(0, "unexpected error %d", rc);
            break;
        }
    }
    sg17_lms_test_hook = NULL;
    tap_int_eq(rc, SG17_E_STATE, "key ends exhausted with SG17_E_STATE");
    tap_diag("%u signatures released, %u crashes injected, %u reservations, %u indices lost "
             "to crashes",
             released, crashes, reserves, lost);
    tap_ok(crashes >= 200, "at least 200 crashes injected (%u)", crashes);
    tap_int_eq(reuse, 0, "no (q0, q1) released twice or handed out again after reload");
    tap_int_eq(went_back, 0, "indices only move forward");
    tap_int_eq(upper_changed, 0, "each level-0 index signs one child key only");
    tap_int_eq(bad_sig, 0, "every released signature verifies");
    tap_int_eq(over_loss, 0, "a crash loses at most the reserved range");
    tap_ok(released + lost <= TOTAL && released > TOTAL / 2, "released %u of %u", released, TOTAL);
    tap_int_eq((long long)sg17_hss_key_remaining(key), 0, "remaining 0");
    size_t sl;
    tap_int_eq(sg17_hss_sign(key, (const uint8_t *)"x", 1, sig, sig_cap, &sl), SG17_E_STATE,
               "sign after exhaustion");
    tap_int_eq(sg17_hss_reserve(key, 1), SG17_E_STATE, "reserve after exhaustion");
    sg17_hss_key_free(key);
    tap_int_eq(sg17_hss_key_load(&key, path), 0, "reload exhausted key");
    tap_int_eq(sg17_hss_sign(key, (const uint8_t *)"x", 1, sig, sig_cap, &sl), SG17_E_STATE,
               "exhausted after reload too");
    uint8_t pk2[SG17_HSS_PUBLIC_KEY_MAX_BYTES];
    size_t pk2_len;
    tap_int_eq(sg17_hss_key_public(key, pk2, sizeof pk2, &pk2_len), 0, "public of exhausted key");
    tap_ok(pk2_len == pk_len && memcmp(pk, pk2, pk_len) == 0, "same public key");
    sg17_hss_key_free(key);

    /* A corrupted key file is refused, never half-used. */
    uint8_t *file;
    size_t flen;
    FILE *f = fopen(path, "rb");
    file = malloc(512);
    flen = f ? fread(file, 1, 512, f) : 0;
    if (f)
        fclose(f);
    unsigned refused = 0;
    for (size_t i = 0; i < flen; i++) {
        file[i] ^= 4;
        f = fopen(path, "wb");
        fwrite(file, 1, flen, f);
        fclose(f);
        refused += sg17_hss_key_load(&key, path) == SG17_E_FORMAT;
        file[i] ^= 4;
    }
    tap_ok(flen > 0 && refused == flen,
           "every one-byte corruption of the key file refused (%u/%zu)", refused, flen);
    free(file);
    free(sig);
    free(used);
    free(upper);
    free(upper_set);
    cleanup_dir(dir);
    return tap_done();
}
