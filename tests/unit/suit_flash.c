/*
 * Power-fail safety of the A/B flash model (X.1368 device core): for every
 * flash write of an update (install pages, commit record, trial-boot record,
 * confirm record) the power is cut right there (the write torn in half),
 * the device reboots, and we check: it boots an image whose digest verifies
 * and that is the old or the new firmware; the anti-rollback counter moved
 * only if the new image was confirmed (then it is the one that boots); and
 * the update, retried, completes. Also: a trial that is not confirmed
 * reverts, a corrupted trial slot reverts, a self-test failure reverts, a
 * rollback commit is refused, and an end-to-end SUIT update through
 * sg17_suit_flash_ops. The install digest is hashed while writing: the slot
 * is not read back on the normal path (counted), out-of-order writes fall
 * back to a read-back, a write restarted after a power cut restarts the hash,
 * and a page the flash stores wrongly is caught by the boot check.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sg17/crypto.h"
#include "sg17/suit.h"
#include "tap.h"

#define SLOT (64 * 1024)
static uint8_t v1[20000], v2[23000];
static char dir[64];

static void wipe_dir(void)
{
    const char *n[] = {"slot0.bin", "slot1.bin", "meta.bin"};
    char p[128];
    for (int i = 0; i < 3; i++) {
        snprintf(p, sizeof p, "%s/%s", dir, n[i]);
        unlink(p);
    }
}

/* Which image the booted slot holds: 1, 2, or 0 (neither). */
static int booted_image(sg17_suit_flash *f, int slot)
{
    sg17_buf b;
    sg17_buf_init(&b, SLOT);
    int which = 0;
    if (sg17_suit_flash_read(f, slot, &b) == 0) {
        if (b.len == sizeof v1 && memcmp(b.data, v1, b.len) == 0)
            which = 1;
        if (b.len == sizeof v2 && memcmp(b.data, v2, b.len) == 0)
            which = 2;
    }
    sg17_buf_free(&b, 0);
    return which;
}

/* The whole update; stops at the first failing step (the power cut). */
static int update_flow(sg17_suit_flash *f)
{
    int slot, trial;
    int rc = sg17_suit_flash_install_begin(f);
    if (rc == 0)
        rc = sg17_suit_flash_install_write(f, 0, v2, sizeof v2);
    if (rc == 0)
        rc = sg17_suit_flash_install_commit(f, 2, NULL);
    if (rc == 0)
        rc = sg17_suit_flash_boot(f, &slot, &trial);
    if (rc == 0 && !trial)
        rc = SG17_E_STATE;
    if (rc == 0)
        rc = sg17_suit_flash_confirm(f);
    return rc;
}

static void fault_sweep(void)
{
    sg17_suit_flash *f = NULL;
    wipe_dir();
    if (sg17_suit_flash_open(dir, SLOT, v1, sizeof v1, 1, &f) != 0) {
        tap_ok(0, "provision");
        return;
    }
    unsigned long base = sg17_suit_flash_writes(f);
    tap_int_eq(update_flow(f), 0, "update without faults");
    unsigned long total = sg17_suit_flash_writes(f) - base;
    sg17_suit_flash_close(f);
    tap_diag("an update takes %lu flash writes", total);

    unsigned ok_boot = 0, ok_counter = 0, ok_finish = 0, cuts = 0, new_seen = 0;
    for (unsigned long k = 0; k <= total; k++) {
        wipe_dir();
        f = NULL;
        if (sg17_suit_flash_open(dir, SLOT, v1, sizeof v1, 1, &f) != 0)
            break;
        sg17_suit_flash_cut_after(f, (long)k);
        int rc = update_flow(f);
        sg17_suit_flash_close(f);
        cuts++;
        /* Power back: reboot from what is on "flash". */
        f = NULL;
        if (sg17_suit_flash_open(dir, SLOT, NULL, 0, 0, &f) != 0) {
            tap_diag("cut after %lu writes: flash unreadable", k);
            continue;
        }
        int slot = -1, trial = 0;
        sg17_suit_flash_state st;
        int brc = sg17_suit_flash_boot(f, &slot, &trial);
        sg17_suit_flash_state_get(f, &st);
        int img = brc == 0 ? booted_image(f, slot) : 0;
        ok_boot += brc == 0 && img != 0 ? 1U : 0U;
        /* Invariant: counter 1 -> the old image, or the new one on its single
         * trial boot; counter 2 -> the new image, confirmed. */
        int counter_ok = st.committed_seq == 1   ? (img == 1 && !trial) || (img == 2 && trial)
                         : st.committed_seq == 2 ? img == 2 && !trial
                                                 : 0;
        ok_counter += counter_ok ? 1U : 0U;
        new_seen += img == 2 ? 1U : 0U;
        if (!counter_ok || brc != 0 || img == 0)
            tap_diag("cut after %lu (update rc %d): boot rc %d slot %d img %d trial %d counter %llu",
                     k, rc, brc, slot, img, trial, (unsigned long long)st.committed_seq);
        /* A trial booted now passes its self-test and is confirmed; otherwise
         * the update is retried from the start. */
        int frc = trial ? sg17_suit_flash_confirm(f) : 0;
        sg17_suit_flash_state_get(f, &st);
        if (frc == 0 && st.committed_seq != 2)
            frc = update_flow(f);
        sg17_suit_flash_state_get(f, &st);
        int s2 = -1, t2 = 0;
        if (frc == 0)
            frc = sg17_suit_flash_boot(f, &s2, &t2);
        ok_finish += frc == 0 && st.committed_seq == 2 && booted_image(f, s2) == 2 && !t2 ? 1U : 0U;
        sg17_suit_flash_close(f);
    }
    tap_ok(cuts == total + 1, "power cut at each of the %lu write points", total + 1);
    tap_ok(ok_boot == cuts, "after every cut the device boots a verified image (%u/%u)", ok_boot,
           cuts);
    tap_ok(ok_counter == cuts, "counter moved only with a confirmed boot of the new image (%u/%u)",
           ok_counter, cuts);
    tap_ok(ok_finish == cuts, "the retried update completes every time (%u/%u)", ok_finish, cuts);
    tap_ok(new_seen > 0 && new_seen < cuts, "both outcomes occur (new image after %u cuts)",
           new_seen);
}

static void trial_rules(void)
{
    sg17_suit_flash *f = NULL;
    int slot, trial;
    sg17_suit_flash_state st;
    wipe_dir();
    tap_int_eq(sg17_suit_flash_open(dir, SLOT, v1, sizeof v1, 1, &f), 0, "provision");
    tap_int_eq(sg17_suit_flash_install_begin(f), 0, "begin");
    tap_int_eq(sg17_suit_flash_install_write(f, 0, v2, sizeof v2), 0, "write");
    tap_int_eq(sg17_suit_flash_install_commit(f, 1, NULL), SG17_E_STATE,
               "commit with sequence 1 (not > counter 1) refused");
    uint8_t wrong[32] = {0};
    tap_int_eq(sg17_suit_flash_install_commit(f, 2, wrong), SG17_E_VERIFY,
               "commit with the wrong digest refused");
    tap_int_eq(sg17_suit_flash_install_commit(f, 2, NULL), 0, "commit");
    tap_int_eq(sg17_suit_flash_install_begin(f), SG17_E_STATE, "no install while a trial pends");
    tap_int_eq(sg17_suit_flash_confirm(f), SG17_E_STATE, "no confirm before the trial booted");
    tap_ok(sg17_suit_flash_boot(f, &slot, &trial) == 0 && trial && booted_image(f, slot) == 2,
           "trial boot runs the new image");
    /* reboot without confirm */
    sg17_suit_flash_close(f);
    tap_int_eq(sg17_suit_flash_open(dir, SLOT, NULL, 0, 0, &f), 0, "reopen");
    tap_ok(sg17_suit_flash_boot(f, &slot, &trial) == 0 && !trial && booted_image(f, slot) == 1,
           "reboot without confirm reverts to the old image");
    sg17_suit_flash_state_get(f, &st);
    tap_ok(st.committed_seq == 1 && !st.trial, "counter unchanged after revert");
    /* corrupted trial slot */
    tap_ok(sg17_suit_flash_install_begin(f) == 0 &&
               sg17_suit_flash_install_write(f, 0, v2, sizeof v2) == 0 &&
               sg17_suit_flash_install_commit(f, 2, NULL) == 0,
           "install again");
    sg17_suit_flash_close(f);
    char p[128];
    snprintf(p, sizeof p, "%s/slot%d.bin", dir, 1 - st.active);
    FILE *fp = fopen(p, "r+b");
    if (fp) {
        fseek(fp, 1000, SEEK_SET);
        fputc(v2[1000] ^ 0x55, fp);
        fclose(fp);
    }
    tap_int_eq(sg17_suit_flash_open(dir, SLOT, NULL, 0, 0, &f), 0, "reopen");
    tap_ok(sg17_suit_flash_boot(f, &slot, &trial) == 0 && !trial && booted_image(f, slot) == 1,
           "corrupted trial image is not booted: old image runs");
    /* self-test failure */
    tap_ok(sg17_suit_flash_install_begin(f) == 0 &&
               sg17_suit_flash_install_write(f, 0, v2, sizeof v2) == 0 &&
               sg17_suit_flash_install_commit(f, 3, NULL) == 0 &&
               sg17_suit_flash_boot(f, &slot, &trial) == 0 && trial,
           "trial booted");
    tap_int_eq(sg17_suit_flash_revert(f), 0, "self-test failed: revert");
    sg17_suit_flash_state_get(f, &st);
    tap_ok(st.committed_seq == 1 && sg17_suit_flash_boot(f, &slot, &trial) == 0 &&
               booted_image(f, slot) == 1,
           "old image, counter 1");
    sg17_suit_flash_close(f);
}

/* Install v2 with in-order writes of these chunk sizes (0 ends the list). */
static int write_chunks(sg17_suit_flash *f, const size_t *sizes)
{
    uint64_t off = 0;
    int rc = sg17_suit_flash_install_begin(f);
    for (size_t i = 0; rc == 0 && sizes[i] != 0; i++) {
        rc = sg17_suit_flash_install_write(f, off, v2 + off, sizes[i]);
        off += sizes[i];
    }
    return rc;
}

static void running_hash(void)
{
    sg17_suit_flash *f = NULL;
    sg17_suit_flash_state st;
    uint8_t want[32], wrong[32];
    int slot, trial;
    const size_t chunks[] = {5000, 4096, 1, sizeof v2 - 9097, 0};
    sg17_sha256(want, v2, sizeof v2);
    memcpy(wrong, want, 32);
    wrong[31] ^= 1;

    /* normal path: in-order writes, digest from the running hash, no read-back */
    wipe_dir();
    tap_int_eq(sg17_suit_flash_open(dir, SLOT, v1, sizeof v1, 1, &f), 0, "provision");
    uint64_t r0 = sg17_suit_flash_slot_read_bytes(f);
    tap_int_eq(write_chunks(f, chunks), 0, "in-order writes in 4 uneven chunks");
    tap_int_eq(sg17_suit_flash_install_commit(f, 2, wrong), SG17_E_VERIFY,
               "running digest != wanted: commit refused");
    tap_int_eq(sg17_suit_flash_install_commit(f, 2, want), 0, "running digest == wanted: commit");
    tap_ok(sg17_suit_flash_slot_read_bytes(f) == r0, "install + commit read 0 slot bytes (%llu)",
           (unsigned long long)(sg17_suit_flash_slot_read_bytes(f) - r0));
    sg17_suit_flash_state_get(f, &st);
    tap_ok(st.size[1 - st.active] == sizeof v2 && memcmp(st.digest[1 - st.active], want, 32) == 0,
           "recorded size and digest are the image's");
    tap_ok(sg17_suit_flash_boot(f, &slot, &trial) == 0 && trial && booted_image(f, slot) == 2,
           "trial boot of the new image");
    tap_ok(sg17_suit_flash_slot_read_bytes(f) - r0 >= sizeof v2,
           "the boot check reads the slot back (%llu bytes)",
           (unsigned long long)(sg17_suit_flash_slot_read_bytes(f) - r0));
    sg17_suit_flash_close(f);

    /* out-of-order writes: no running hash, the commit reads the slot back */
    wipe_dir();
    f = NULL;
    tap_int_eq(sg17_suit_flash_open(dir, SLOT, v1, sizeof v1, 1, &f), 0, "provision");
    r0 = sg17_suit_flash_slot_read_bytes(f);
    int rc = sg17_suit_flash_install_begin(f);
    if (rc == 0)
        rc = sg17_suit_flash_install_write(f, 8192, v2 + 8192, sizeof v2 - 8192);
    if (rc == 0)
        rc = sg17_suit_flash_install_write(f, 0, v2, 8192);
    tap_int_eq(rc, 0, "second part written first, then the first");
    tap_int_eq(sg17_suit_flash_install_commit(f, 2, wrong), SG17_E_VERIFY,
               "read-back digest != wanted: refused");
    tap_int_eq(sg17_suit_flash_install_commit(f, 2, want), 0, "read-back digest == wanted");
    tap_ok(sg17_suit_flash_slot_read_bytes(f) - r0 >= sizeof v2,
           "out-of-order install fell back to a read-back (%llu bytes)",
           (unsigned long long)(sg17_suit_flash_slot_read_bytes(f) - r0));
    sg17_suit_flash_close(f);

    /* a page rewritten with other bytes: the hash no longer covers it */
    wipe_dir();
    f = NULL;
    tap_int_eq(sg17_suit_flash_open(dir, SLOT, v1, sizeof v1, 1, &f), 0, "provision");
    rc = sg17_suit_flash_install_begin(f);
    if (rc == 0)
        rc = sg17_suit_flash_install_write(f, 0, v2, sizeof v2);
    if (rc == 0)
        rc = sg17_suit_flash_install_write(f, 100, v1, 50);
    tap_int_eq(rc, 0, "image written, then 50 bytes at 100 overwritten");
    tap_int_eq(sg17_suit_flash_install_commit(f, 2, want), SG17_E_VERIFY,
               "overwrite seen by the read-back: v2's digest no longer matches");
    sg17_suit_flash_close(f);

    /* power cut mid-write, then the install restarts: the hash restarts */
    wipe_dir();
    f = NULL;
    tap_int_eq(sg17_suit_flash_open(dir, SLOT, v1, sizeof v1, 1, &f), 0, "provision");
    sg17_suit_flash_cut_after(f, 2);
    tap_int_eq(write_chunks(f, chunks), SG17_E_IO, "power cut on the 3rd page write");
    sg17_suit_flash_close(f);
    f = NULL;
    tap_int_eq(sg17_suit_flash_open(dir, SLOT, NULL, 0, 0, &f), 0, "power back");
    tap_ok(sg17_suit_flash_boot(f, &slot, &trial) == 0 && !trial && booted_image(f, slot) == 1,
           "old image boots");
    r0 = sg17_suit_flash_slot_read_bytes(f);
    tap_ok(write_chunks(f, chunks) == 0 && sg17_suit_flash_install_commit(f, 2, want) == 0,
           "restarted install commits with the image digest");
    tap_ok(sg17_suit_flash_slot_read_bytes(f) == r0, "and read no slot bytes");
    tap_ok(sg17_suit_flash_boot(f, &slot, &trial) == 0 && trial && booted_image(f, slot) == 2,
           "trial boot of the new image");
    sg17_suit_flash_close(f);

    /* the flash stores one page wrongly: the running hash (of the bytes sent)
     * cannot see it, the boot check does and the image never runs */
    wipe_dir();
    f = NULL;
    tap_int_eq(sg17_suit_flash_open(dir, SLOT, v1, sizeof v1, 1, &f), 0, "provision");
    sg17_suit_flash_corrupt_after(f, 3);
    tap_ok(write_chunks(f, chunks) == 0 && sg17_suit_flash_install_commit(f, 2, want) == 0,
           "install with a silently corrupted 4th page commits");
    sg17_buf b;
    sg17_buf_init(&b, SLOT);
    sg17_suit_flash_state_get(f, &st);
    uint8_t got[32];
    tap_ok(sg17_suit_flash_read(f, 1 - st.active, &b) == 0 && b.len == sizeof v2 &&
               (sg17_sha256(got, b.data, b.len), memcmp(got, want, 32) != 0),
           "the slot really differs from the image");
    sg17_buf_free(&b, 0);
    sg17_suit_flash_close(f);
    f = NULL;
    tap_int_eq(sg17_suit_flash_open(dir, SLOT, NULL, 0, 0, &f), 0, "reboot");
    tap_ok(sg17_suit_flash_boot(f, &slot, &trial) == 0 && !trial && booted_image(f, slot) == 1,
           "corrupted write caught at boot: trial dropped, old image runs");
    sg17_suit_flash_state_get(f, &st);
    tap_ok(st.committed_seq == 1 && !st.trial, "counter unchanged, no trial pending");
    tap_ok(write_chunks(f, chunks) == 0 && sg17_suit_flash_install_commit(f, 2, want) == 0 &&
               sg17_suit_flash_boot(f, &slot, &trial) == 0 && trial && booted_image(f, slot) == 2,
           "the retried install boots the new image");
    sg17_suit_flash_close(f);
}

/* SUIT envelope installed through sg17_suit_flash_ops. */
static const uint8_t *remote;
static size_t remote_len;
static int fetch_remote(void *ctx, size_t c, const char *uri, size_t n, sg17_buf *out)
{
    (void)ctx, (void)c, (void)uri, (void)n;
    return sg17_buf_append(out, remote, remote_len);
}

static void suit_end_to_end(void)
{
    uint8_t hk[32];
    memset(hk, 7, sizeof hk);
    static const uint8_t part[] = "fw";
    const uint8_t *ids[] = {part};
    size_t il[] = {2};
    sg17_suit_component_desc c = {ids, il, 1, {0}, sizeof v2, "https://fw/v2", NULL, 0, NULL, 0};
    sg17_sha256(c.image_digest, v2, sizeof v2);
    sg17_suit_desc d = {.sequence_number = 2, .components = &c, .n_components = 1, .invoke = 1};
    sg17_buf env, tbs, cose, signed_env;
    sg17_buf_init(&env, 1 << 16);
    sg17_buf_init(&tbs, 1 << 12);
    sg17_buf_init(&cose, 1 << 12);
    sg17_buf_init(&signed_env, 1 << 16);
    sg17_suit_envelope *e = NULL;
    uint8_t mac[32];
    int rc = sg17_suit_build(&d, &env);
    if (rc == 0)
        rc = sg17_suit_decode(env.data, env.len, &e, NULL, 0);
    sg17_buf pl;
    sg17_buf_init(&pl, 256);
    if (rc == 0)
        rc = sg17_suit_signed_payload(e, &pl);
    if (rc == 0)
        rc = sg17_cose_tbs(&tbs, 1, SG17_COSE_ALG_HMAC256, pl.data, pl.len);
    if (rc == 0)
        rc = sg17_hmac(SG17_HASH_SHA256, hk, 32, tbs.data, tbs.len, mac);
    if (rc == 0)
        rc = sg17_cose_encode(&cose, 1, SG17_COSE_ALG_HMAC256, NULL, 0, mac, 32);
    if (rc == 0)
        rc = sg17_suit_add_auth(e, cose.data, cose.len, &signed_env);
    sg17_suit_free(e);
    e = NULL;
    if (rc == 0)
        rc = sg17_suit_decode(signed_env.data, signed_env.len, &e, NULL, 0);
    tap_int_eq(rc, 0, "envelope for v2 (sequence 2, HMAC)");

    sg17_suit_flash *f = NULL;
    char why[SG17_SUIT_WHY_BYTES] = "";
    wipe_dir();
    rc = sg17_suit_flash_open(dir, SLOT, v1, sizeof v1, 1, &f);
    sg17_suit_flash_state st;
    sg17_suit_flash_state_get(f, &st);
    sg17_suit_ops ops;
    sg17_suit_flash_ops(f, &ops);
    ops.fetch = fetch_remote;
    sg17_cose_key k = {SG17_COSE_KEY_HMAC, hk, 32};
    sg17_suit_policy pol = {.anchors = &k, .n_anchors = 1, .has_last_sequence = 1,
                            .last_sequence = st.committed_seq};
    /* forged image first: refused at image-match, nothing committed */
    uint8_t forged[sizeof v2];
    memcpy(forged, v2, sizeof v2);
    forged[5] ^= 1;
    remote = forged;
    remote_len = sizeof forged;
    rc = sg17_suit_process(e, &pol, &ops, SG17_SUIT_STEP_UPDATE, why, sizeof why);
    tap_ok(rc == SG17_E_VERIFY && strstr(why, "image-match"), "forged image refused: %s", why);
    remote = v2;
    remote_len = sizeof v2;
    uint64_t r0 = sg17_suit_flash_slot_read_bytes(f);
    rc = sg17_suit_process(e, &pol, &ops, SG17_SUIT_STEP_UPDATE, why, sizeof why);
    tap_int_eq(rc, 0, "SUIT install into the inactive slot");
    if (rc)
        tap_diag("%s", why);
    sg17_suit_summary s;
    sg17_suit_summary_get(e, &s);
    tap_int_eq(sg17_suit_flash_install_commit(f, s.sequence_number, NULL), 0, "commit seq 2");
    tap_ok(sg17_suit_flash_slot_read_bytes(f) == r0,
           "image-match and commit used the running hash: 0 slot bytes read (%llu)",
           (unsigned long long)(sg17_suit_flash_slot_read_bytes(f) - r0));
    int slot, trial;
    tap_ok(sg17_suit_flash_boot(f, &slot, &trial) == 0 && trial, "trial boot");
    pol.allow_equal_sequence = 1; /* at boot the manifest is re-checked, not newer */
    rc = sg17_suit_process(e, &pol, &ops, SG17_SUIT_STEP_BOOT, why, sizeof why);
    tap_int_eq(rc, 0, "validate + invoke on the booted trial slot");
    tap_int_eq(sg17_suit_flash_confirm(f), 0, "confirm");
    sg17_suit_flash_state_get(f, &st);
    tap_ok(st.committed_seq == 2 && booted_image(f, st.active) == 2, "v2 active, counter 2");
    /* replay of the same envelope is refused now */
    pol.allow_equal_sequence = 0;
    pol.last_sequence = st.committed_seq;
    rc = sg17_suit_process(e, &pol, &ops, SG17_SUIT_STEP_UPDATE, why, sizeof why);
    tap_ok(rc == SG17_E_STATE && strstr(why, "replay"), "replayed envelope refused: %s", why);
    sg17_suit_flash_close(f);
    sg17_suit_free(e);
    sg17_buf_free(&env, 0);
    sg17_buf_free(&tbs, 0);
    sg17_buf_free(&cose, 0);
    sg17_buf_free(&signed_env, 0);
    sg17_buf_free(&pl, 0);
}

int main(void)
{
    snprintf(dir, sizeof dir, "/tmp/sg17-suit-flash-XXXXXX");
    if (mkdtemp(dir) == NULL)
        tap_skip_all("mkdtemp failed");
    tap_rand_seed(42);
    tap_rand_bytes(v1, sizeof v1);
    tap_rand_bytes(v2, sizeof v2);
    fault_sweep();
    trial_rules();
    running_hash();
    suit_end_to_end();
    wipe_dir();
    rmdir(dir);
    return tap_done();
}
