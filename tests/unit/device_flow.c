/*
 * X.1368 device core + communicator (sg17/device.h) against an in-memory
 * firmware server / status tracker:
 *  - an update end to end: poll, envelope, image download broken midway and
 *    resumed with a Range request, install, trial boot, self-test, confirm,
 *    signed report bound to the manifest digest and the tracker nonce;
 *  - refusals with a reason and a "refused" report, counter unchanged: wrong
 *    vendor, replayed (equal) and older sequence numbers, wrong key, policy
 *    downgrade (all-of ML-DSA-65 AND Ed25519, envelope signed by one),
 *    truncated and bit-flipped envelopes, a forged image;
 *  - a self-test failure reverts and reports "failed";
 *  - the power is cut after every single flash write of the whole device
 *    flow (install pages, commit, trial-boot record, confirm): the device
 *    always boots a verified image (old or new), the anti-rollback counter
 *    never moves without the confirm, and the next power-on completes the
 *    update and reports it once.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sg17/cose.h"
#include "sg17/crypto.h"
#include "sg17/device.h"
#include "sg17/pqc.h"
#include "sg17/suit.h"
#include "tap.h"

#define SLOT (64 * 1024)
#define VENDOR "fa6b4a53-d5ad-5fdf-be9d-e663e4d41ffe"
#define CLASS "1492af14-2569-5e48-bf42-9b2d51f2ab45"

static char base[64];
static uint8_t v1[9000], v2[21000], v2bad[21000];

static void hex(const uint8_t *p, size_t n, char *out)
{
    static const char h[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = h[p[i] >> 4];
        out[2 * i + 1] = h[p[i] & 15];
    }
    out[2 * n] = '\0';
}

static int uuid_bytes(const char *s, uint8_t out[16])
{
    size_t k = 0;
    for (; *s && k < 32; s++) {
        if (*s == '-')
            continue;
        int v = (*s >= 'a') ? *s - 'a' + 10 : *s - '0';
        if (k % 2 == 0)
            out[k / 2] = (uint8_t)(v << 4);
        else
            out[k / 2] = (uint8_t)(out[k / 2] | v);
        k++;
    }
    return k == 32 ? 0 : -1;
}

/* ---- envelopes -------------------------------------------------------------- */

static int sign_with(sg17_buf *cur, const char *keypath)
{
    sg17_pqc_key *k = NULL;
    sg17_suit_envelope *e = NULL;
    sg17_buf pl, tbs, cose, next;
    uint8_t *sig = NULL;
    size_t sl = 0;
    int64_t alg = 0;
    int rc = sg17_pqc_key_load(keypath, &k);
    if (rc != 0)
        return rc;
    alg = strcmp(sg17_pqc_key_alg(k), "ed25519") == 0 ? SG17_COSE_ALG_EDDSA
                                                       : SG17_COSE_ALG_MLDSA65;
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
    sg17_pqc_key_free(k);
    sg17_buf_free(&pl, 0);
    sg17_buf_free(&tbs, 0);
    sg17_buf_free(&cose, 0);
    sg17_buf_free(&next, 0);
    return rc;
}

static int make_env(sg17_buf *out, uint64_t seq, const char *vendor, const uint8_t *img,
                    size_t img_len, const char *key1, const char *key2)
{
    static const uint8_t part[] = "app";
    const uint8_t *ids[] = {part};
    size_t il[] = {3};
    sg17_suit_component_desc c = {ids, il, 1, {0}, img_len, "/img/app.bin", NULL, 0, NULL, 0};
    sg17_sha256(c.image_digest, img, img_len);
    sg17_suit_desc d = {.sequence_number = seq, .components = &c, .n_components = 1,
                        .invoke = 1, .has_vendor_id = 1, .has_class_id = 1};
    if (uuid_bytes(vendor, d.vendor_id) != 0 || uuid_bytes(CLASS, d.class_id) != 0)
        return -1;
    sg17_buf_init(out, 1 << 20);
    int rc = sg17_suit_build(&d, out);
    if (rc == 0 && key1)
        rc = sign_with(out, key1);
    if (rc == 0 && key2)
        rc = sign_with(out, key2);
    return rc;
}

/* ---- the in-memory server ---------------------------------------------------- */

typedef struct srv {
    const uint8_t *env;
    size_t env_len;
    uint8_t digest[32]; /* offered manifest digest */
    const uint8_t *img;
    size_t img_len;
    int offer;
    uint8_t nonce[16];
    long cut_at;        /* break the next full image transfer after this many bytes */
    int range_requests;
    uint64_t range_from;
    int reports;        /* accepted */
    int bad_reports;    /* signature, nonce or digest wrong */
    int installed_reports;
    char status[32], detail[256];
    sg17_pqc_key *dev_pub;
} srv;

static int s_get(void *ctx, const char *path, uint64_t from, sg17_buf *out, long *status)
{
    srv *s = ctx;
    if (strncmp(path, "/v1/update/poll?device=", 23) == 0) {
        char dg[65], nn[33], j[256];
        if (!s->offer) {
            *status = 200;
            return sg17_buf_append(out, "{\"manifest\":null}", 17);
        }
        if (sg17_randombytes(s->nonce, sizeof s->nonce) != 0)
            return SG17_E_RNG;
        hex(s->digest, 32, dg);
        hex(s->nonce, 16, nn);
        int n = snprintf(j, sizeof j, "{\"manifest\":\"%s\",\"envelope\":\"/env\",\"nonce\":\"%s\"}",
                         dg, nn);
        *status = 200;
        return sg17_buf_append(out, j, (size_t)n);
    }
    if (strcmp(path, "/env") == 0) {
        *status = 200;
        return sg17_buf_append(out, s->env, s->env_len);
    }
    if (strcmp(path, "/img/app.bin") == 0) {
        if (from > 0) {
            s->range_requests++;
            s->range_from = from;
            if (from >= s->img_len) {
                *status = 416;
                return 0;
            }
            *status = 206;
            return sg17_buf_append(out, s->img + from, s->img_len - (size_t)from);
        }
        *status = 200;
        if (s->cut_at >= 0) {
            size_t n = (size_t)s->cut_at;
            s->cut_at = -1;
            int rc = sg17_buf_append(out, s->img, n);
            return rc ? rc : SG17_E_IO;
        }
        return sg17_buf_append(out, s->img, s->img_len);
    }
    *status = 404;
    return 0;
}

static int s_post(void *ctx, const char *path, const char *ct, const uint8_t *body, size_t len,
                  sg17_buf *out, long *status)
{
    srv *s = ctx;
    sg17_device_report r;
    void *tree = NULL;
    (void)ct, (void)out;
    if (strcmp(path, "/v1/update/reports") != 0) {
        *status = 404;
        return 0;
    }
    size_t pl = 0;
    const uint8_t *pk = sg17_pqc_key_public(s->dev_pub, &pl);
    sg17_cose_key k = {SG17_COSE_KEY_MLDSA65, pk, pl};
    if (sg17_device_report_decode(body, len, &r, &tree) != 0 ||
        sg17_cose_verify_detached(r.cose, r.cose_len, r.payload, r.payload_len, &k, NULL, 0) !=
            0 ||
        r.nonce_len != 16 || memcmp(r.nonce, s->nonce, 16) != 0 ||
        memcmp(r.digest, s->digest, 32) != 0) {
        s->bad_reports++;
        sg17_device_report_free(tree);
        *status = 409;
        return 0;
    }
    (void)snprintf(s->status, sizeof s->status, "%.*s", (int)r.status_len, r.status);
    (void)snprintf(s->detail, sizeof s->detail, "%.*s", (int)r.detail_len, r.detail);
    if (strcmp(s->status, "installed") == 0)
        s->installed_reports++;
    s->reports++;
    s->offer = 0; /* a final report ends the device's part of the campaign */
    sg17_device_report_free(tree);
    *status = 201;
    return 0;
}

static sg17_device_http HTTP = {NULL, s_get, s_post};

/* ---- helpers ------------------------------------------------------------------ */

static void rm_rf(const char *d)
{
    char cmd[256];
    (void)snprintf(cmd, sizeof cmd, "rm -rf '%s'", d);
    if (system(cmd) != 0)
        tap_diag("cannot remove %s", d);
}

/* Fresh device dir with the factory image v1 at sequence factory_seq. */
static int new_device(const char *name, int downgrade_policy, uint64_t factory_seq, char *dir,
                      size_t cap, srv *s)
{
    char a1[128], a2[128], pub[300];
    (void)snprintf(dir, cap, "%s/%s", base, name);
    rm_rf(dir);
    (void)snprintf(a1, sizeof a1, "%s/author.pub", base);
    (void)snprintf(a2, sizeof a2, "%s/ed.pub", base);
    const char *anchors[] = {a1, a2};
    int rc = sg17_device_init(dir, name, VENDOR, CLASS, anchors, downgrade_policy ? 2 : 1,
                              downgrade_policy, 1, v1, sizeof v1, factory_seq, SLOT);
    if (rc != 0)
        return rc;
    (void)snprintf(pub, sizeof pub, "%s/device.key.pub", dir);
    sg17_pqc_key_free(s->dev_pub);
    s->dev_pub = NULL;
    return sg17_pqc_key_load(pub, &s->dev_pub);
}

static void offer(srv *s, const sg17_buf *env, const uint8_t *img, size_t img_len)
{
    sg17_suit_envelope *e = NULL;
    sg17_suit_summary sum;
    s->env = env->data;
    s->env_len = env->len;
    s->img = img;
    s->img_len = img_len;
    s->offer = 1;
    s->cut_at = -1;
    s->reports = s->bad_reports = s->installed_reports = s->range_requests = 0;
    s->status[0] = s->detail[0] = '\0';
    if (sg17_suit_decode(env->data, env->len, &e, NULL, 0) == 0) {
        sg17_suit_summary_get(e, &sum);
        memcpy(s->digest, sum.manifest_digest, 32);
    } else {
        sg17_sha256(s->digest, env->data, env->len); /* undecodable: any digest */
    }
    sg17_suit_free(e);
}

/* The booted image after a power-on without network: 1 = v1, 2 = v2, 0 = other. */
static int which_image(const char *dir, uint64_t *committed)
{
    char p[200];
    (void)snprintf(p, sizeof p, "%s/flash", dir);
    sg17_suit_flash *f = NULL;
    sg17_buf b;
    int slot = -1, trial = 0, r = -1;
    if (sg17_suit_flash_open(p, SLOT, NULL, 0, 0, &f) != 0)
        return -1;
    sg17_suit_flash_state st;
    sg17_suit_flash_state_get(f, &st);
    *committed = st.committed_seq;
    sg17_buf_init(&b, SLOT);
    /* boot on a copy of the decision: read-only look at the slots */
    int s = st.active;
    if (sg17_suit_flash_read(f, s, &b) == 0) {
        uint8_t h[32];
        sg17_sha256(h, b.data, b.len);
        if (memcmp(h, st.digest[s], 32) == 0)
            r = (b.len == sizeof v1 && memcmp(b.data, v1, b.len) == 0)   ? 1
                : (b.len == sizeof v2 && memcmp(b.data, v2, b.len) == 0) ? 2
                                                                         : 0;
    }
    (void)slot, (void)trial;
    sg17_buf_free(&b, 0);
    sg17_suit_flash_close(f);
    return r;
}

/* ---- scenarios ---------------------------------------------------------------- */

static void happy_path(srv *s, const sg17_buf *env)
{
    char dir[128], why[256] = "";
    sg17_device *d = NULL;
    sg17_device_result res;
    tap_int_eq(new_device("dev-ok", 0, 1, dir, sizeof dir, s), 0, "device init");
    tap_int_eq(sg17_device_open(dir, &d, why, sizeof why), 0, "device open");
    offer(s, env, v2, sizeof v2);
    s->cut_at = 7777;
    uint64_t r0 = sg17_device_flash_slot_read_bytes(d);
    int rc = sg17_device_run(d, &HTTP, &res);
    tap_ok(rc == 0 && res.installed && res.confirmed && res.reported && res.committed_seq == 2,
           "update installed, confirmed, counter 2, reported (rc %d, why %s)", rc, res.why);
    /* boot check of v1, trial-boot check of v2, self-test of v2; the install
     * itself (image-match, commit) hashes while writing and reads nothing */
    uint64_t rd = sg17_device_flash_slot_read_bytes(d) - r0;
    tap_ok(rd == sizeof v1 + 2 * sizeof v2,
           "slot bytes read in the run: %llu = boot checks + self-test only (%zu)",
           (unsigned long long)rd, sizeof v1 + 2 * sizeof v2);
    tap_ok(res.resumed_from == 7777 && s->range_requests == 1 && s->range_from == 7777,
           "download broken at 7777 bytes resumed with Range from 7777 (resumed %llu, %d requests)",
           (unsigned long long)res.resumed_from, s->range_requests);
    tap_ok(s->reports == 1 && s->bad_reports == 0 && strcmp(s->status, "installed") == 0,
           "tracker verified one signed report: %s", s->status);
    rc = sg17_device_run(d, &HTTP, &res);
    tap_ok(rc == 0 && !res.installed && !res.confirmed && res.committed_seq == 2,
           "next power-on: nothing offered, still at 2");
    sg17_device_close(d);
    uint64_t c = 0;
    tap_int_eq(which_image(dir, &c), 2, "active slot holds the new image");
    /* a report replayed with an old nonce is refused by the tracker */
    s->offer = 1;
    uint8_t oldnonce[16];
    memcpy(oldnonce, s->nonce, 16);
    sg17_buf reply, body;
    long st = 0;
    sg17_buf_init(&reply, 1024);
    sg17_buf_init(&body, 1 << 16);
    tap_int_eq(sg17_device_open(dir, &d, why, sizeof why), 0, "reopen");
    rc = sg17_device_report_encode(d, s->digest, oldnonce, 16, "installed", 2, "", &body);
    s->nonce[0] ^= 1; /* the tracker has issued a new nonce since */
    if (rc == 0)
        rc = s_post(s, "/v1/update/reports", "application/cbor", body.data, body.len, &reply, &st);
    tap_ok(rc == 0 && st == 409, "report with a stale nonce refused (HTTP %ld)", st);
    sg17_device_close(d);
    sg17_buf_free(&reply, 0);
    sg17_buf_free(&body, 0);
    s->offer = 0;
}

static void refused(srv *s, const char *name, int policy_all, uint64_t factory_seq,
                    const sg17_buf *env, const uint8_t *img, const char *want)
{
    char dir[128], why[256] = "";
    sg17_device *d = NULL;
    sg17_device_result res;
    if (new_device(name, policy_all, factory_seq, dir, 128, s) != 0 ||
        sg17_device_open(dir, &d, why, sizeof why) != 0) {
        tap_ok(0, "%s: device setup", name);
        return;
    }
    offer(s, env, img, sizeof v2);
    int rc = sg17_device_run(d, &HTTP, &res);
    tap_ok(rc == 0 && res.refused && !res.installed && res.committed_seq == factory_seq &&
               strstr(res.why, want) != NULL,
           "%s refused, counter stays %llu: %s", name, (unsigned long long)factory_seq, res.why);
    tap_ok(s->reports == 1 && strcmp(s->status, "refused") == 0 && strstr(s->detail, want),
           "%s: signed 'refused' report with the reason reached the tracker", name);
    sg17_device_close(d);
    uint64_t c = 0;
    tap_int_eq(which_image(dir, &c), 1, "factory image still boots");
}

static void selftest_fail(srv *s, const char *author)
{
    static uint8_t bad[sizeof v2];
    char dir[128], why[256] = "";
    sg17_buf env;
    sg17_device *d = NULL;
    sg17_device_result res;
    memcpy(bad, v2, sizeof bad);
    memcpy(bad + 100, SG17_DEVICE_SELFTEST_FAIL_MARK, strlen(SG17_DEVICE_SELFTEST_FAIL_MARK));
    tap_int_eq(make_env(&env, 2, VENDOR, bad, sizeof bad, author, NULL), 0, "envelope (bad fw)");
    new_device("dev-selftest", 0, 1, dir, sizeof dir, s);
    tap_int_eq(sg17_device_open(dir, &d, why, sizeof why), 0, "open");
    offer(s, &env, bad, sizeof bad);
    int rc = sg17_device_run(d, &HTTP, &res);
    tap_ok(rc == 0 && res.installed && res.reverted && !res.confirmed && res.committed_seq == 1,
           "self-test failure: reverted, counter stays 1");
    tap_ok(s->reports == 1 && strcmp(s->status, "failed") == 0, "'failed' report: %s", s->detail);
    sg17_device_close(d);
    uint64_t c = 0;
    tap_int_eq(which_image(dir, &c), 1, "factory image boots after the revert");
    sg17_buf_free(&env, 0);
}

/* A page the flash stores wrongly (the running hash sees the bytes sent):
 * caught by the trial-boot check, the old image keeps running, the counter
 * stays, and the next power-on installs again. */
static void corrupt_write(srv *s, const sg17_buf *env)
{
    char dir[128], why[256] = "";
    sg17_device *d = NULL;
    sg17_device_result res;
    new_device("dev-corrupt", 0, 1, dir, sizeof dir, s);
    tap_int_eq(sg17_device_open(dir, &d, why, sizeof why), 0, "open");
    offer(s, env, v2, sizeof v2);
    sg17_device_corrupt_after(d, 2);
    int rc = sg17_device_run(d, &HTTP, &res);
    tap_ok(rc == 0 && res.installed && !res.confirmed && res.committed_seq == 1 &&
               res.booted_slot == 0 && s->installed_reports == 0,
           "corrupted 3rd page: trial check fails, v1 still boots, counter 1 (rc %d, slot %d)", rc,
           res.booted_slot);
    sg17_device_close(d);
    uint64_t c = 0;
    tap_ok(which_image(dir, &c) == 1 && c == 1, "v1 active on flash, counter 1");
    d = NULL;
    tap_int_eq(sg17_device_open(dir, &d, why, sizeof why), 0, "power on again");
    rc = sg17_device_run(d, &HTTP, &res);
    tap_ok(rc == 0 && res.confirmed && res.committed_seq == 2 && strcmp(s->status, "installed") == 0,
           "next power-on installs again and confirms (rc %d, %s)", rc, s->status);
    sg17_device_close(d);
    tap_ok(which_image(dir, &c) == 2 && c == 2, "v2 active, counter 2");
}

static void power_cuts(srv *s, const sg17_buf *env)
{
    char dir[128], why[256] = "";
    sg17_device *d = NULL;
    sg17_device_result res;
    /* reference run: how many flash writes one whole update takes */
    new_device("dev-ref", 0, 1, dir, sizeof dir, s);
    if (sg17_device_open(dir, &d, why, sizeof why) != 0) {
        tap_ok(0, "reference open");
        return;
    }
    offer(s, env, v2, sizeof v2);
    int rc = sg17_device_run(d, &HTTP, &res);
    unsigned long total = sg17_device_flash_writes(d);
    sg17_device_close(d);
    tap_ok(rc == 0 && res.confirmed && total > 5, "reference update: %lu flash writes", total);
    int bad_boot = 0, moved = 0, not_done = 0, reports_wrong = 0;
    for (unsigned long n = 0; n < total; n++) {
        char name[32];
        (void)snprintf(name, sizeof name, "dev-cut%lu", n);
        new_device(name, 0, 1, dir, sizeof dir, s);
        offer(s, env, v2, sizeof v2);
        if (sg17_device_open(dir, &d, why, sizeof why) != 0) {
            bad_boot++;
            continue;
        }
        sg17_device_cut_after(d, (long)n);
        rc = sg17_device_run(d, &HTTP, &res);
        sg17_device_close(d);
        /* power back: what boots, where is the counter? */
        uint64_t c = 0;
        int img = which_image(dir, &c);
        if (img != 1 && img != 2) {
            bad_boot++;
            tap_diag("cut after %lu writes: active slot does not verify (%d)", n, img);
        }
        /* the last write of the flow is the confirm: before it lands, never moved */
        if (c != 1) {
            moved++;
            tap_diag("cut after %lu writes (rc %d): counter moved to %llu", n, rc,
                     (unsigned long long)c);
        }
        if (s->installed_reports != 0)
            reports_wrong++;
        /* next power-on completes the update */
        if (sg17_device_open(dir, &d, why, sizeof why) != 0) {
            bad_boot++;
            continue;
        }
        rc = sg17_device_run(d, &HTTP, &res);
        if (rc == 0 && res.committed_seq == 1 && s->offer)
            rc = sg17_device_run(d, &HTTP, &res); /* a dropped trial is retried */
        sg17_device_close(d);
        if (rc != 0 || which_image(dir, &c) != 2 || c != 2 || s->installed_reports != 1) {
            not_done++;
            tap_diag("cut after %lu writes: recovery rc %d, counter %llu, reports %d (%s)", n, rc,
                     (unsigned long long)c, s->installed_reports, res.why);
        }
        rm_rf(dir);
    }
    tap_ok(bad_boot == 0, "%lu cut points: every power-on boots a verified image", total);
    tap_ok(moved == 0, "%lu cut points: the counter never moved without the confirm", total);
    tap_ok(reports_wrong == 0, "no 'installed' report before the confirmed boot");
    tap_ok(not_done == 0, "%lu cut points: the next power-on completes and reports once", total);
}

int main(void)
{
    char p[128], a_other[128], ed[128], author[128];
    (void)snprintf(base, sizeof base, "/tmp/sg17-devflow-XXXXXX");
    if (mkdtemp(base) == NULL)
        tap_skip_all("mkdtemp failed");
    tap_rand_seed(1368);
    tap_rand_bytes(v1, sizeof v1);
    tap_rand_bytes(v2, sizeof v2);
    memcpy(v2bad, v2, sizeof v2);
    v2bad[12345] ^= 0x40;
    (void)snprintf(author, sizeof author, "%s/author", base);
    (void)snprintf(a_other, sizeof a_other, "%s/other", base);
    (void)snprintf(ed, sizeof ed, "%s/ed", base);
    tap_ok(sg17_pqc_keygen_file("ml-dsa-65", author) == 0 &&
               sg17_pqc_keygen_file("ml-dsa-65", a_other) == 0 &&
               sg17_pqc_keygen_file("ed25519", ed) == 0,
           "author keys");
    srv s;
    memset(&s, 0, sizeof s);
    HTTP.ctx = &s;

    sg17_buf env, env_vendor, env_seq1, env_other, env_both, env_trunc, env_flip;
    tap_int_eq(make_env(&env, 2, VENDOR, v2, sizeof v2, author, NULL), 0, "envelope seq 2");
    tap_int_eq(make_env(&env_vendor, 2, "fa6b4a53-d5ad-5fdf-be9d-e663e4d41fff", v2, sizeof v2,
                        author, NULL),
               0, "envelope, other vendor");
    tap_int_eq(make_env(&env_seq1, 1, VENDOR, v2, sizeof v2, author, NULL), 0, "envelope seq 1");
    tap_int_eq(make_env(&env_other, 2, VENDOR, v2, sizeof v2, a_other, NULL), 0,
               "envelope, other key");
    tap_int_eq(make_env(&env_both, 2, VENDOR, v2, sizeof v2, author, ed), 0,
               "envelope, ML-DSA-65 + Ed25519");
    make_env(&env_trunc, 2, VENDOR, v2, sizeof v2, author, NULL);
    env_trunc.len -= 40;
    make_env(&env_flip, 2, VENDOR, v2, sizeof v2, author, NULL);
    env_flip.data[env_flip.len - 100] ^= 0x01; /* inside the manifest */
    sg17_buf env_sigflip;
    make_env(&env_sigflip, 2, VENDOR, v2, sizeof v2, author, NULL);
    env_sigflip.data[1000] ^= 0x01; /* inside the ML-DSA-65 signature (auth wrapper first) */

    happy_path(&s, &env);
    refused(&s, "dev-vendor", 0, 1, &env_vendor, v2, "vendor");
    refused(&s, "dev-replay", 0, 2, &env, v2, "sequence");
    refused(&s, "dev-older", 0, 3, &env, v2, "sequence");
    refused(&s, "dev-older1", 0, 2, &env_seq1, v2, "sequence");
    refused(&s, "dev-wrongkey", 0, 1, &env_other, v2, "signature");
    refused(&s, "dev-downgrade", 1, 1, &env, v2, "all-of");
    refused(&s, "dev-trunc", 0, 1, &env_trunc, v2, "envelope");
    refused(&s, "dev-flip", 0, 1, &env_flip, v2, "digest mismatch");
    refused(&s, "dev-sigflip", 0, 1, &env_sigflip, v2, "signature");
    refused(&s, "dev-forged", 0, 1, &env, v2bad, "image-match");
    /* the hybrid device accepts the envelope signed by both */
    {
        char dir[128], why[256];
        sg17_device *d = NULL;
        sg17_device_result res;
        new_device("dev-hybrid", 1, 1, dir, sizeof dir, &s);
        offer(&s, &env_both, v2, sizeof v2);
        int rc = sg17_device_open(dir, &d, why, sizeof why);
        if (rc == 0)
            rc = sg17_device_run(d, &HTTP, &res);
        tap_ok(rc == 0 && res.confirmed && res.committed_seq == 2,
               "all-of device accepts ML-DSA-65 AND Ed25519");
        sg17_device_close(d);
    }
    selftest_fail(&s, author);
    corrupt_write(&s, &env);
    power_cuts(&s, &env);

    sg17_pqc_key_free(s.dev_pub);
    sg17_buf_free(&env, 0);
    sg17_buf_free(&env_vendor, 0);
    sg17_buf_free(&env_seq1, 0);
    sg17_buf_free(&env_other, 0);
    sg17_buf_free(&env_both, 0);
    sg17_buf_free(&env_trunc, 0);
    sg17_buf_free(&env_flip, 0);
    sg17_buf_free(&env_sigflip, 0);
    (void)p;
    rm_rf(base);
    return tap_done();
}
