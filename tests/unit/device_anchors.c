/*
 * Trust-anchor rotation and irreversible revocation of the X.1368 device
 * (sg17_device_anchor_update, docs/DEVICE.md): an update signed by an
 * outsider, or only classically under require-pq, or by one anchor under
 * all-of, is refused; a good one adds and revokes atomically and persists;
 * a replayed (same epoch) update is refused; a revoked key can neither be
 * added back nor sign later updates; the last anchor cannot be revoked.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sg17/crypto.h"
#include "sg17/device.h"
#include "sg17/file.h"
#include "sg17/pqc.h"
#include "tap.h"

#define VENDOR "fa6b4a53-d5ad-5fdf-be9d-e663e4d41ffe"
#define CLASS "1492af14-2569-5e48-bf42-9b2d51f2ab45"

static char base[64];

static void path(char *out, size_t cap, const char *name)
{
    (void)snprintf(out, cap, "%s/%s", base, name);
}

/* SHA-256 of the raw public key in NAME.pub */
static int key_digest(const char *name, uint8_t h[32])
{
    char p[128];
    sg17_pqc_key *k = NULL;
    (void)snprintf(p, sizeof p, "%s/%s.pub", base, name);
    if (sg17_pqc_key_load(p, &k) != 0)
        return -1;
    size_t n = 0;
    const uint8_t *pk = sg17_pqc_key_public(k, &n);
    sg17_sha256(h, pk, n);
    sg17_pqc_key_free(k);
    return 0;
}

/* Build an update: add = names of .pub files, revoke = names, signed by signers. */
static int make_update(sg17_buf *out, uint64_t epoch, const char *const *add, size_t n_add,
                       const char *const *revoke, size_t n_rev, const char *const *signers,
                       size_t n_sig)
{
    uint8_t *files[4] = {0};
    size_t lens[4] = {0};
    uint8_t rev[4][32];
    char keys[4][128];
    const char *kp[4];
    sg17_buf pl;
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < n_add; i++) {
        char p[128];
        (void)snprintf(p, sizeof p, "%s/%s.pub", base, add[i]);
        rc = sg17_file_read(p, &files[i], &lens[i], 1 << 16);
    }
    for (size_t i = 0; rc == 0 && i < n_rev; i++)
        rc = key_digest(revoke[i], rev[i]);
    for (size_t i = 0; i < n_sig; i++) {
        path(keys[i], sizeof keys[i], signers[i]);
        kp[i] = keys[i];
    }
    sg17_buf_init(&pl, 1 << 16);
    if (rc == 0)
        rc = sg17_device_anchor_payload(epoch, (const uint8_t *const *)files, lens, n_add,
                                        (const uint8_t(*)[32])rev, n_rev, &pl);
    sg17_buf_init(out, 1 << 20);
    if (rc == 0)
        rc = sg17_device_anchor_update_sign(pl.data, pl.len, kp, n_sig, out);
    for (size_t i = 0; i < 4; i++)
        free(files[i]);
    sg17_buf_free(&pl, 0);
    return rc;
}

static int apply(sg17_device *d, uint64_t epoch, const char *const *add, size_t n_add,
                 const char *const *revoke, size_t n_rev, const char *const *signers, size_t n_sig,
                 char *why, size_t why_len)
{
    sg17_buf u;
    int rc = make_update(&u, epoch, add, n_add, revoke, n_rev, signers, n_sig);
    if (rc == 0)
        rc = sg17_device_anchor_update(d, u.data, u.len, why, why_len);
    else
        tap_diag("building the update failed: %d", rc);
    sg17_buf_free(&u, 0);
    return rc;
}

int main(void)
{
    char why[256] = "", dir[128], a1[128], a2[128];
    uint8_t fw[1000];
    size_t n = 0, nr = 0;
    uint64_t ep = 0;
    sg17_device *d = NULL;
    (void)snprintf(base, sizeof base, "/tmp/sg17-anchors-XXXXXX");
    if (mkdtemp(base) == NULL)
        tap_skip_all("mkdtemp failed");
    const char *algs[][2] = {{"A1", "ml-dsa-65"}, {"A2", "ed25519"}, {"N1", "ml-dsa-65"},
                             {"X", "ml-dsa-65"}};
    int krc = 0;
    for (size_t i = 0; i < 4; i++) {
        char p[128];
        path(p, sizeof p, algs[i][0]);
        krc |= sg17_pqc_keygen_file(algs[i][1], p);
    }
    tap_int_eq(krc, 0, "keys A1 (ML-DSA-65), A2 (Ed25519), N1 (ML-DSA-65), X (outsider)");
    memset(fw, 0x5a, sizeof fw);
    path(a1, sizeof a1, "A1.pub");
    path(a2, sizeof a2, "A2.pub");
    const char *anchors[] = {a1, a2};
    path(dir, sizeof dir, "dev-any");
    tap_int_eq(sg17_device_init(dir, "dev-any", VENDOR, CLASS, anchors, 2, 0, 1, fw, sizeof fw, 1,
                                1 << 16),
               0, "device (any-of, require-pq) with anchors A1, A2");
    tap_int_eq(sg17_device_open(dir, &d, why, sizeof why), 0, "open");

    const char *S_X[] = {"X"}, *S_A1[] = {"A1"}, *S_A2[] = {"A2"}, *S_N1[] = {"N1"};
    const char *ADD_N1[] = {"N1"}, *ADD_A2[] = {"A2"};
    const char *REV_A2[] = {"A2"}, *REV_A1[] = {"A1"}, *REV_N1[] = {"N1"};
    int rc = apply(d, 1, ADD_N1, 1, REV_A2, 1, S_X, 1, why, sizeof why);
    tap_ok(rc == SG17_E_AUTH, "update signed by an outsider refused: %s", why);
    rc = apply(d, 1, ADD_N1, 1, REV_A2, 1, S_A2, 1, why, sizeof why);
    tap_ok(rc == SG17_E_AUTH && strstr(why, "post-quantum"),
           "Ed25519-only update refused under require-pq: %s", why);
    sg17_device_anchor_info(d, &n, &ep, &nr);
    tap_ok(n == 2 && ep == 0 && nr == 0, "refusals changed nothing");

    sg17_buf good;
    tap_int_eq(make_update(&good, 1, ADD_N1, 1, REV_A2, 1, S_A1, 1), 0, "update e1: +N1 -A2 by A1");
    rc = sg17_device_anchor_update(d, good.data, good.len, why, sizeof why);
    sg17_device_anchor_info(d, &n, &ep, &nr);
    tap_ok(rc == 0 && n == 2 && ep == 1 && nr == 1, "applied: anchors A1, N1; epoch 1; 1 revoked");
    rc = sg17_device_anchor_update(d, good.data, good.len, why, sizeof why);
    tap_ok(rc == SG17_E_STATE, "the same update replayed is refused: %s", why);
    sg17_buf_free(&good, 0);

    rc = apply(d, 2, ADD_A2, 1, NULL, 0, S_A1, 1, why, sizeof why);
    tap_ok(rc == SG17_E_VERIFY && strstr(why, "irreversible"),
           "adding the revoked A2 back is refused: %s", why);
    rc = apply(d, 2, NULL, 0, NULL, 0, S_A2, 1, why, sizeof why);
    tap_ok(rc == SG17_E_AUTH, "the revoked A2 can no longer sign an update: %s", why);

    sg17_device_close(d);
    d = NULL;
    tap_int_eq(sg17_device_open(dir, &d, why, sizeof why), 0, "reopen from disk");
    sg17_device_anchor_info(d, &n, &ep, &nr);
    tap_ok(n == 2 && ep == 1 && nr == 1, "rotation persisted in device.json");

    rc = apply(d, 2, NULL, 0, REV_A1, 1, S_N1, 1, why, sizeof why);
    sg17_device_anchor_info(d, &n, &ep, &nr);
    tap_ok(rc == 0 && n == 1 && ep == 2 && nr == 2, "N1 revokes A1: one anchor left, epoch 2");
    rc = apply(d, 3, NULL, 0, NULL, 0, S_A1, 1, why, sizeof why);
    tap_ok(rc == SG17_E_AUTH, "revoked A1 refused as signer: %s", why);
    rc = apply(d, 3, NULL, 0, REV_N1, 1, S_N1, 1, why, sizeof why);
    tap_ok(rc == SG17_E_VERIFY && strstr(why, "without a trust anchor"),
           "revoking the last anchor is refused: %s", why);
    static const uint8_t junk[] = {0x82, 0x41, 0x00, 0x80};
    tap_int_eq(sg17_device_anchor_update(d, junk, sizeof junk, why, sizeof why), SG17_E_FORMAT,
               "malformed update refused");
    sg17_device_close(d);
    d = NULL;

    /* all-of: both anchors must sign */
    path(dir, sizeof dir, "dev-all");
    tap_int_eq(sg17_device_init(dir, "dev-all", VENDOR, CLASS, anchors, 2, 1, 0, fw, sizeof fw, 1,
                                1 << 16),
               0, "device (all-of) with anchors A1, A2");
    tap_int_eq(sg17_device_open(dir, &d, why, sizeof why), 0, "open");
    rc = apply(d, 1, ADD_N1, 1, NULL, 0, S_A1, 1, why, sizeof why);
    tap_ok(rc == SG17_E_AUTH && strstr(why, "all-of"), "all-of: A1 alone refused: %s", why);
    const char *S_BOTH[] = {"A1", "A2"};
    rc = apply(d, 1, ADD_N1, 1, NULL, 0, S_BOTH, 2, why, sizeof why);
    sg17_device_anchor_info(d, &n, &ep, &nr);
    tap_ok(rc == 0 && n == 3 && ep == 1, "all-of: A1 AND A2 add N1 (%s)", why);
    sg17_device_close(d);

    char cmd[128];
    (void)snprintf(cmd, sizeof cmd, "rm -rf '%s'", base);
    if (system(cmd) != 0)
        tap_diag("cleanup failed");
    return tap_done();
}
