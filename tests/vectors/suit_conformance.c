/*
 * SUIT conformance against ../shared/vectors/suit (read in place):
 * every envelope and negative case of expected.json (decode, tag, version,
 * sequence number, digest, per-block/per-key authentication, severable
 * members, integrated payload, overall verdict), the device-policy tests
 * P1..P6, every encryption-info/ciphertext pair, the encrypted-payload
 * manifests end to end, and the HSS/LMS vectors of pq-hss-lms/.
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "sg17/crypto.h"
#include "sg17/lms.h"
#include "sg17/pqc.h"
#include "sg17/suit.h"
#include "tap.h"

static uint8_t k_pub[3][65]; /* K1, K2, K3 points */
static uint8_t k3_d[32];
static uint8_t k4[32], k5[16];

static uint8_t *read_vec(const char *rel, size_t *n)
{
    char p[512];
    snprintf(p, sizeof p, "suit/%s", rel);
    return (uint8_t *)tap_read_file(tap_vector_path(p), n);
}

static int load_p256(const char *rel, uint8_t out[65])
{
    char p[512];
    sg17_pqc_key *k = NULL;
    size_t n = 0;
    snprintf(p, sizeof p, "suit/%s", rel);
    if (sg17_pqc_key_load(tap_vector_path(p), &k) != 0)
        return -1;
    const uint8_t *pk = sg17_pqc_key_public(k, &n);
    int ok = pk != NULL && n == 65;
    if (ok)
        memcpy(out, pk, 65);
    sg17_pqc_key_free(k);
    return ok ? 0 : -1;
}

static sg17_cose_key key_of(const char *id)
{
    sg17_cose_key k = {SG17_COSE_KEY_NONE, NULL, 0};
    if (strcmp(id, "K4") == 0)
        return (sg17_cose_key){SG17_COSE_KEY_HMAC, k4, sizeof k4};
    if (id[0] == 'K' && id[1] >= '1' && id[1] <= '3' && id[2] == 0)
        return (sg17_cose_key){SG17_COSE_KEY_P256, k_pub[id[1] - '1'], 65};
    return k;
}

/* ---- an in-memory device for sg17_suit_process -------------------------- */
typedef struct memdev {
    uint8_t *img[SG17_SUIT_MAX_COMPONENTS];
    size_t len[SG17_SUIT_MAX_COMPONENTS];
    int invoked;
} memdev;

static int md_write(void *ctx, size_t c, const uint8_t *d, size_t n)
{
    memdev *m = ctx;
    free(m->img[c]);
    m->img[c] = malloc(n + 1);
    if (m->img[c] == NULL)
        return SG17_E_NOMEM;
    if (n)
        memcpy(m->img[c], d, n);
    m->len[c] = n;
    return 0;
}

static int md_read(void *ctx, size_t c, sg17_buf *out)
{
    memdev *m = ctx;
    if (m->img[c] == NULL)
        return SG17_E_NOTFOUND;
    return sg17_buf_append(out, m->img[c], m->len[c]);
}

static int md_invoke(void *ctx, size_t c, const uint8_t *a, size_t n)
{
    (void)c, (void)a, (void)n;
    ((memdev *)ctx)->invoked++;
    return 0;
}

static void md_free(memdev *m)
{
    for (size_t i = 0; i < SG17_SUIT_MAX_COMPONENTS; i++)
        free(m->img[i]);
    memset(m, 0, sizeof *m);
}

static const char *SEV_KEYS[4] = {"14", "16", "20", "23"};

static void check_envelope(const json_t *v)
{
    const char *file = json_string_value(json_object_get(v, "file"));
    const json_t *e = json_object_get(v, "expected");
    size_t n = 0;
    uint8_t *buf = read_vec(file, &n);
    sg17_suit_envelope *env = NULL;
    char why[SG17_SUIT_WHY_BYTES] = "";
    if (!tap_ok(buf != NULL, "%s: read", file))
        return;
    int rc = sg17_suit_decode(buf, n, &env, why, sizeof why);
    int want_decode = json_is_true(json_object_get(e, "cbor_decodes"));
    tap_ok((rc == 0) == want_decode, "%s: decodes=%d (%s)", file, rc == 0, rc ? why : "ok");
    if (rc != 0) {
        tap_ok(strstr(why, "CBOR") != NULL, "%s: reason names the CBOR error: %s", file, why);
        free(buf);
        return;
    }
    sg17_suit_summary s;
    sg17_suit_summary_get(env, &s);
    tap_int_eq(s.tagged, json_is_true(json_object_get(e, "tag107")), "tag107");
    tap_int_eq((long long)s.manifest_version,
               json_integer_value(json_object_get(e, "manifest_version")), "manifest version");
    tap_int_eq((long long)s.sequence_number,
               json_integer_value(json_object_get(e, "manifest_sequence_number")), "sequence");
    tap_int_eq(s.digest_alg, -16, "digest alg SHA-256");
    tap_int_eq(s.digest_ok,
               json_is_true(json_object_get(e, "manifest_digest_matches_auth_wrapper")),
               "manifest digest matches");
    const json_t *blocks = json_object_get(e, "auth_blocks");
    tap_int_eq((long long)s.auth_blocks, (long long)json_array_size(blocks), "auth block count");

    /* Per block: the COSE kind and alg, and exactly the listed keys verify. */
    sg17_buf payload;
    sg17_buf_init(&payload, 128);
    if (sg17_suit_signed_payload(env, &payload) != 0)
        tap_ok(0, "signed payload");
    for (size_t b = 0; b < json_array_size(blocks) && b < s.auth_blocks; b++) {
        const json_t *bj = json_array_get(blocks, b);
        const uint8_t *c;
        size_t cl;
        sg17_cose_info ci;
        if (sg17_suit_auth_block(env, b, &c, &cl) != 0 ||
            sg17_cose_parse(c, cl, &ci, why, sizeof why) != 0) {
            tap_ok(0, "%s: block %zu parses", file, b);
            continue;
        }
        const char *kind = json_string_value(json_object_get(bj, "cose"));
        tap_ok(ci.is_mac == (strcmp(kind, "COSE_Mac0") == 0), "block %zu is %s", b, kind);
        tap_ok(strcmp(sg17_cose_alg_name(ci.alg), json_string_value(json_object_get(bj, "alg"))) ==
                   0,
               "block %zu alg %s", b, sg17_cose_alg_name(ci.alg));
        tap_ok(ci.payload_detached, "block %zu payload detached", b);
        static const char *const ids[] = {"K1", "K2", "K3", "K4"};
        const json_t *vw = json_object_get(bj, "verifies_with");
        for (size_t k = 0; k < 4; k++) {
            int listed = 0;
            for (size_t j = 0; j < json_array_size(vw); j++)
                listed |= strcmp(json_string_value(json_array_get(vw, j)), ids[k]) == 0;
            sg17_cose_key key = key_of(ids[k]);
            int got = sg17_cose_verify_detached(c, cl, payload.data, payload.len, &key, why,
                                                sizeof why) == 0;
            tap_ok(got == listed, "%s: block %zu with %s: %s", file, b, ids[k],
                   got ? "verifies" : "does not verify");
        }
    }
    sg17_buf_free(&payload, 0);

    /* Severable members. */
    const json_t *sev = json_object_get(e, "severable_members");
    for (int i = 0; sev && i < 4; i++) {
        const json_t *m = json_object_get(sev, SEV_KEYS[i]);
        if (m == NULL)
            continue;
        int present = json_is_true(json_object_get(m, "element_present_in_envelope"));
        tap_int_eq(s.severable[i], present ? 3 : 2, "severable member state");
    }

    /* Integrated payloads. */
    const json_t *integ = json_object_get(e, "integrated");
    if (integ != NULL) {
        const char *name;
        json_t *iv;
        json_object_foreach(json_object_get(e, "integrated"), name, iv) {
            memdev dev = {0};
            sg17_suit_ops ops = {.ctx = &dev, .write = md_write, .read = md_read};
            sg17_cose_key k1 = key_of("K1");
            sg17_suit_policy pol = {.anchors = &k1, .n_anchors = 1};
            rc = sg17_suit_process(env, &pol, &ops, SG17_SUIT_STEP_INSTALL, why, sizeof why);
            tap_int_eq(rc, 0, "integrated payload install runs (fetch + image-match)");
            if (rc)
                tap_diag("%s", why);
            uint8_t md[32];
            size_t wl = 0;
            uint8_t *want = tap_hex_decode(json_string_value(json_object_get(iv, "sha256")), &wl);
            if (dev.img[0] != NULL)
                sg17_sha256(md, dev.img[0], dev.len[0]);
            tap_ok(dev.img[0] != NULL && dev.len[0] == (size_t)json_integer_value(
                                                               json_object_get(iv, "len")) &&
                       want && memcmp(md, want, 32) == 0,
                   "integrated payload %s written: %zu bytes, sha256 matches", name, dev.len[0]);
            free(want);
            md_free(&dev);
        }
    }

    /* Verdict: keys listed for the blocks (K1 when none) as any-of anchors. */
    sg17_cose_key anchors[4];
    size_t na = 0;
    for (size_t b = 0; b < json_array_size(blocks); b++) {
        const json_t *vw = json_object_get(json_array_get(blocks, b), "verifies_with");
        for (size_t j = 0; j < json_array_size(vw) && na < 4; j++)
            anchors[na++] = key_of(json_string_value(json_array_get(vw, j)));
    }
    if (na == 0)
        anchors[na++] = key_of("K1");
    sg17_suit_policy pol = {.anchors = anchors, .n_anchors = na};
    why[0] = 0;
    rc = sg17_suit_verify(env, &pol, why, sizeof why);
    int authentic = json_is_true(json_object_get(e, "authentic"));
    tap_ok((rc == 0) == authentic, "%s: %s (%s)", file, authentic ? "accepted" : "rejected",
           rc ? why : "authentic");
    const char *reason = json_string_value(json_object_get(e, "reason"));
    if (!authentic && reason != NULL) {
        /* The expected reason's key phrase appears in ours. */
        const char *phr = strstr(reason, "no authentication block") ? "no authentication block"
                          : strstr(reason, "digest mismatch") && strstr(reason, "severable")
                              ? "severable element digest mismatch"
                          : strstr(reason, "manifest digest mismatch") ? "manifest digest mismatch"
                          : strstr(reason, "signature invalid")        ? "signature invalid"
                                                                       : reason;
        tap_ok(strstr(why, phr) != NULL, "%s: reason \"%s\" contains \"%s\"", file, why, phr);
    }
    sg17_suit_free(env);
    free(buf);
}

static const json_t *find_by_file(const json_t *vecs, const char *file)
{
    for (size_t i = 0; i < json_array_size(vecs); i++)
        if (strcmp(json_string_value(json_object_get(json_array_get(vecs, i), "file")), file) == 0)
            return json_array_get(vecs, i);
    return NULL;
}

static void check_encryption(const json_t *vecs, const json_t *v)
{
    const char *info_file = json_string_value(json_object_get(v, "file"));
    const json_t *e = json_object_get(v, "expected");
    const char *ct_file = NULL;
    for (size_t i = 0; i < json_array_size(vecs); i++) {
        const json_t *w = json_object_get(json_array_get(vecs, i), "expected");
        const char *dw = json_string_value(json_object_get(w, "decrypts_with"));
        if (dw != NULL && strcmp(dw, info_file) == 0)
            ct_file = json_string_value(json_object_get(json_array_get(vecs, i), "file"));
    }
    if (!tap_ok(ct_file != NULL, "%s: has a ciphertext", info_file))
        return;
    size_t il, cl;
    uint8_t *info = read_vec(info_file, &il), *ct = read_vec(ct_file, &cl);
    const char *pt_want = json_string_value(json_object_get(e, "plaintext"));
    sg17_suit_dec_key keys[2] = {{SG17_SUIT_DEC_A128KW, k5, sizeof k5},
                                 {SG17_SUIT_DEC_ECDH_P256, k3_d, sizeof k3_d}};
    sg17_buf pt;
    char why[SG17_SUIT_WHY_BYTES] = "";
    sg17_buf_init(&pt, 1 << 20);
    int rc = sg17_suit_decrypt(info, il, keys, 2, ct, cl, &pt, why, sizeof why);
    tap_ok(rc == 0 && pt.len == strlen(pt_want) && memcmp(pt.data, pt_want, pt.len) == 0,
           "%s (%s): decrypts to the expected plaintext %s", info_file,
           json_string_value(json_object_get(e, "content_alg")), rc ? why : "");
    /* Wrong keys: nothing opens it. */
    uint8_t bad_kek[16] = {0}, bad_d[32] = {0};
    bad_d[31] = 7;
    sg17_suit_dec_key wrong[2] = {{SG17_SUIT_DEC_A128KW, bad_kek, 16},
                                  {SG17_SUIT_DEC_ECDH_P256, bad_d, 32}};
    sg17_buf_reset(&pt);
    tap_int_eq(sg17_suit_decrypt(info, il, wrong, 2, ct, cl, &pt, why, sizeof why), SG17_E_VERIFY,
               "wrong device keys refused");
    /* A flipped ciphertext byte: GCM refuses; CTR decrypts to different bytes. */
    ct[0] ^= 1;
    sg17_buf_reset(&pt);
    rc = sg17_suit_decrypt(info, il, keys, 2, ct, cl, &pt, why, sizeof why);
    if (strcmp(json_string_value(json_object_get(e, "content_alg")), "A128GCM") == 0)
        tap_int_eq(rc, SG17_E_VERIFY, "GCM: tampered ciphertext refused");
    else
        tap_ok(rc == 0 && memcmp(pt.data, pt_want, pt.len) != 0, "CTR: tampered -> other bytes");
    sg17_buf_free(&pt, 1);
    free(info);
    free(ct);
    (void)find_by_file;
}

/* enc-AW / enc-AFS / enc-EW: the install sequence writes the decrypted image. */
static void check_encrypted_manifest(const char *file, sg17_cose_key anchor)
{
    size_t n;
    uint8_t *buf = read_vec(file, &n);
    sg17_suit_envelope *env = NULL;
    char why[SG17_SUIT_WHY_BYTES] = "";
    memdev dev = {0};
    sg17_suit_ops ops = {.ctx = &dev, .write = md_write, .read = md_read};
    sg17_suit_dec_key keys[2] = {{SG17_SUIT_DEC_A128KW, k5, sizeof k5},
                                 {SG17_SUIT_DEC_ECDH_P256, k3_d, sizeof k3_d}};
    sg17_suit_policy pol = {.anchors = &anchor, .n_anchors = 1, .dec_keys = keys, .n_dec_keys = 2};
    if (!tap_ok(buf && sg17_suit_decode(buf, n, &env, why, sizeof why) == 0, "%s decodes", file))
        goto out;
    int rc = sg17_suit_process(env, &pol, &ops, SG17_SUIT_STEP_UPDATE, why, sizeof why);
    static const char want[] = "This is a real firmware image.";
    size_t c = 0;
    while (c < SG17_SUIT_MAX_COMPONENTS && dev.img[c] == NULL)
        c++;
    tap_ok(rc == 0 && c < SG17_SUIT_MAX_COMPONENTS && dev.len[c] == sizeof want - 1 &&
               memcmp(dev.img[c], want, sizeof want - 1) == 0,
           "%s: install writes the decrypted firmware (%s)", file, rc ? why : "ok");
    md_free(&dev);
    pol.n_dec_keys = 0;
    rc = sg17_suit_process(env, &pol, &ops, SG17_SUIT_STEP_UPDATE, why, sizeof why);
    tap_ok(rc == SG17_E_VERIFY && strstr(why, "no device key") != NULL,
           "%s: without the key: refused (%s)", file, why);
out:
    md_free(&dev);
    sg17_suit_free(env);
    free(buf);
}


/* trust-domains S2 depends on S0 (fetched by URI): dependency resolution,
 * dependency-integrity, process-dependency. */
static const uint8_t *dep_bytes;
static size_t dep_len;
static size_t dep_base; /* memdev slot offset while inside the dependency */
static int dep_entered;

static int dep_fetch(void *ctx, size_t c, const char *uri, size_t n, sg17_buf *out)
{
    (void)ctx, (void)c;
    static const char want[] = "http://example.com/dependent.suit";
    if (n != sizeof want - 1 || memcmp(uri, want, n) != 0)
        return SG17_E_NOTFOUND;
    return sg17_buf_append(out, dep_bytes, dep_len);
}

static int dep_write(void *ctx, size_t c, const uint8_t *d, size_t n)
{
    return md_write(ctx, c + dep_base, d, n);
}

static int dep_switch(void *ctx, const sg17_suit_envelope *dep, int entering)
{
    (void)ctx, (void)dep;
    dep_base = entering ? 8 : 0;
    dep_entered += entering;
    return 0;
}

static void dependency_test(void)
{
    size_t n0, n2;
    uint8_t *s0 = read_vec("libcsuit/trustdomains-S0-write-plaintext.cbor", &n0);
    uint8_t *s2 = read_vec("libcsuit/trustdomains-S2-dependency-by-uri.cbor", &n2);
    sg17_suit_envelope *e2 = NULL;
    char why[SG17_SUIT_WHY_BYTES] = "";
    memdev dev = {0};
    sg17_suit_ops ops = {.ctx = &dev, .fetch = dep_fetch, .write = dep_write, .read = md_read,
                         .dependency = dep_switch};
    sg17_cose_key k1 = key_of("K1"), k2 = key_of("K2");
    sg17_suit_policy pol = {.anchors = &k1, .n_anchors = 1};
    if (!tap_ok(s0 && s2 && sg17_suit_decode(s2, n2, &e2, why, sizeof why) == 0, "S0/S2 load"))
        goto out;
    dep_bytes = s0;
    dep_len = n0;
    int rc = sg17_suit_process(e2, &pol, &ops, SG17_SUIT_STEP_UPDATE, why, sizeof why);
    static const char w0[] = "hello world", w2[] = " in multiple trust domains";
    tap_ok(rc == 0 && dep_entered == 1, "S2: dependency S0 resolved, authenticated, processed (%s)",
           rc ? why : "ok");
    tap_ok(dev.img[8] != NULL && dev.len[8] == sizeof w0 - 1 &&
               memcmp(dev.img[8], w0, dev.len[8]) == 0,
           "S0 install wrote \"hello world\" to its component");
    tap_ok(dev.img[0] != NULL && dev.len[0] == sizeof w2 - 1 &&
               memcmp(dev.img[0], w2, dev.len[0]) == 0,
           "S2 install wrote its own component after the dependency");
    md_free(&dev);
    /* The wrong dependency (S2 itself): dependency-resolution image-match fails. */
    dep_bytes = s2;
    dep_len = n2;
    rc = sg17_suit_process(e2, &pol, &ops, SG17_SUIT_STEP_UPDATE, why, sizeof why);
    tap_ok(rc == SG17_E_VERIFY && strstr(why, "dependency-resolution") && strstr(why, "image-match"),
           "wrong dependency manifest refused (%s)", why);
    md_free(&dev);
    /* S0 tampered (manifest byte): digest no longer matches. */
    uint8_t *bad = malloc(n0);
    memcpy(bad, s0, n0);
    bad[n0 - 3] ^= 1;
    dep_bytes = bad;
    dep_len = n0;
    rc = sg17_suit_process(e2, &pol, &ops, SG17_SUIT_STEP_UPDATE, why, sizeof why);
    tap_ok(rc != 0 && dev.img[8] == NULL, "tampered dependency refused, nothing written (%s)", why);
    free(bad);
    md_free(&dev);
    /* Dependency signed by a key the device does not trust: S2 under K1 + K2 any-of is
     * fine, but a device trusting only K2 refuses S2 itself. */
    pol.anchors = &k2;
    dep_bytes = s0;
    dep_len = n0;
    rc = sg17_suit_process(e2, &pol, &ops, SG17_SUIT_STEP_UPDATE, why, sizeof why);
    tap_int_eq(rc, SG17_E_VERIFY, "K2-only device refuses S2");
out:
    md_free(&dev);
    sg17_suit_free(e2);
    free(s0);
    free(s2);
}

static void policy_tests(void)
{
    size_t n0, n1, na;
    uint8_t *ex0 = read_vec("manifest-37/ex0-secure-boot.signed.cbor", &n0);
    uint8_t *ex1 = read_vec("manifest-37/ex1-download-install.signed.cbor", &n1);
    uint8_t *aw = read_vec("libcsuit/enc-AW-a128kw-write.cbor", &na);
    sg17_suit_envelope *e0 = NULL, *e1 = NULL, *eaw = NULL;
    char why[SG17_SUIT_WHY_BYTES];
    if (sg17_suit_decode(ex0, n0, &e0, why, sizeof why) != 0 ||
        sg17_suit_decode(ex1, n1, &e1, why, sizeof why) != 0 ||
        sg17_suit_decode(aw, na, &eaw, why, sizeof why) != 0) {
        tap_ok(0, "policy vectors decode");
        goto out;
    }
    sg17_cose_key k1 = key_of("K1"), k2 = key_of("K2");
    sg17_suit_policy pol = {.anchors = &k1, .n_anchors = 1, .has_last_sequence = 1,
                            .last_sequence = 1};
    tap_int_eq(sg17_suit_verify(e0, &pol, why, sizeof why), SG17_E_STATE, "P1 rollback refused");
    tap_ok(strstr(why, "rollback") != NULL, "P1 reason: %s", why);
    tap_int_eq(sg17_suit_verify(e1, &pol, why, sizeof why), SG17_E_STATE,
               "P2 equal sequence refused as an update");
    tap_ok(strstr(why, "replay") != NULL, "P2 reason: %s", why);
    pol.allow_equal_sequence = 1;
    tap_int_eq(sg17_suit_verify(e1, &pol, why, sizeof why), 0, "P2 equal sequence allowed when re-running");
    pol.last_sequence = 0;
    pol.allow_equal_sequence = 0;
    tap_int_eq(sg17_suit_verify(e1, &pol, why, sizeof why), 0, "newer sequence accepted");

    sg17_suit_policy p3 = {.anchors = &k2, .n_anchors = 1};
    tap_int_eq(sg17_suit_verify(e0, &p3, why, sizeof why), SG17_E_VERIFY, "P3 wrong trust anchor");
    tap_ok(strstr(why, "signature invalid") != NULL, "P3 reason: %s", why);

    sg17_suit_policy p4 = {.anchors = &k1, .n_anchors = 1, .has_vendor_id = 1};
    tap_int_eq(sg17_suit_process(e0, &p4, NULL, 0, why, sizeof why), SG17_E_VERIFY,
               "P4 vendor-id mismatch refused");
    tap_ok(strstr(why, "condition-vendor-identifier") != NULL &&
               strstr(why, "fa6b4a53d5ad5fdfbe9de663e4d41ffe") != NULL,
           "P4 reason: %s", why);
    static const uint8_t vendor[16] = {0xfa, 0x6b, 0x4a, 0x53, 0xd5, 0xad, 0x5f, 0xdf,
                                       0xbe, 0x9d, 0xe6, 0x63, 0xe4, 0xd4, 0x1f, 0xfe};
    memcpy(p4.vendor_id, vendor, 16);
    tap_int_eq(sg17_suit_process(e0, &p4, NULL, 0, why, sizeof why), 0, "P4 right vendor passes");
    p4.has_class_id = 1; /* all-zero class id: wrong */
    tap_int_eq(sg17_suit_process(e0, &p4, NULL, 0, why, sizeof why), SG17_E_VERIFY,
               "class-id mismatch refused");
    tap_ok(strstr(why, "condition-class-identifier") != NULL, "class reason: %s", why);

    memdev dev = {0};
    sg17_suit_ops ops = {.ctx = &dev, .write = md_write, .read = md_read, .invoke = md_invoke};
    static const uint8_t img[] = "some installed image";
    if (md_write(&dev, 0, img, sizeof img) != 0)
        tap_ok(0, "memdev");
    sg17_suit_policy p5 = {.anchors = &k1, .n_anchors = 1};
    tap_int_eq(sg17_suit_process(e0, &p5, &ops, SG17_SUIT_STEP_BOOT, why, sizeof why),
               SG17_E_VERIFY, "P5 image digest mismatch: validate fails");
    tap_ok(strstr(why, "condition-image-match") != NULL && dev.invoked == 0,
           "P5 not invoked; reason: %s", why);
    md_free(&dev);

    sg17_cose_key k4k = key_of("K4");
    sg17_suit_policy p6 = {.anchors = &k4k, .n_anchors = 1};
    tap_int_eq(sg17_suit_verify(eaw, &p6, why, sizeof why), 0, "P6 HMAC K4 accepted");
    uint8_t other[32];
    memset(other, 'b', sizeof other);
    sg17_cose_key ko = {SG17_COSE_KEY_HMAC, other, 32};
    p6.anchors = &ko;
    tap_int_eq(sg17_suit_verify(eaw, &p6, why, sizeof why), SG17_E_VERIFY, "P6 other key refused");
    /* HMAC key offered where the block is a signature, and vice versa. */
    p6.anchors = &k1;
    tap_int_eq(sg17_suit_verify(eaw, &p6, why, sizeof why), SG17_E_VERIFY,
               "COSE_Mac0 does not verify with a P-256 key");
    p6.anchors = &k4k;
    tap_int_eq(sg17_suit_verify(e0, &p6, why, sizeof why), SG17_E_VERIFY,
               "COSE_Sign1 does not verify with an HMAC key");
out:
    sg17_suit_free(e0);
    sg17_suit_free(e1);
    sg17_suit_free(eaw);
    free(ex0);
    free(ex1);
    free(aw);
}

static void hss_vectors(void)
{
    json_error_t je;
    json_t *root = json_load_file(tap_vector_path("suit/pq-hss-lms/expected.json"), 0, &je);
    const json_t *vecs = json_object_get(root, "vectors");
    tap_ok(json_array_size(vecs) == 4, "pq-hss-lms: 4 vectors");
    for (size_t i = 0; i < json_array_size(vecs); i++) {
        const json_t *v = json_array_get(vecs, i);
        const json_t *f = json_object_get(v, "files");
        const json_t *e = json_object_get(v, "expected");
        const char *id = json_string_value(json_object_get(v, "id"));
        size_t pl, sl, ml;
        uint8_t *pk = read_vec(json_string_value(json_object_get(f, "pub")), &pl);
        uint8_t *sig = read_vec(json_string_value(json_object_get(f, "sig")), &sl);
        uint8_t *msg = read_vec(json_string_value(json_object_get(f, "msg")), &ml);
        int ok = sg17_hss_verify(pk, pl, msg, ml, sig, sl) == 0;
        tap_ok(ok == json_is_true(json_object_get(e, "verify")), "%s: verify = %d", id, ok);
        msg[0] ^= 1;
        ok = sg17_hss_verify(pk, pl, msg, ml, sig, sl) == 0;
        tap_ok(ok == json_is_true(json_object_get(e, "verify_with_msg_byte0_flipped")),
               "%s: message byte 0 flipped: verify = %d", id, ok);
        msg[0] ^= 1;
        sig[sl / 2] ^= 1;
        ok = sg17_hss_verify(pk, pl, msg, ml, sig, sl) == 0;
        tap_ok(ok == json_is_true(json_object_get(e, "verify_with_sig_midbyte_flipped")),
               "%s: signature middle byte flipped: verify = %d", id, ok);
        free(pk);
        free(sig);
        free(msg);
    }
    json_decref(root);
}

int main(void)
{
    json_error_t je;
    json_t *root = json_load_file(tap_vector_path("suit/expected.json"), 0, &je);
    if (!tap_ok(root != NULL, "expected.json parses"))
        return tap_done();
    const json_t *keys = json_object_get(root, "keys");
    size_t dl = 0;
    uint8_t *d = tap_hex_decode(json_string_value(json_object_get(json_object_get(keys, "K3"),
                                                                  "d_hex")), &dl);
    tap_ok(load_p256("keys/K1-suit-examples-p256.pub.pem", k_pub[0]) == 0 &&
               load_p256("keys/K2-tam-dependency-p256.pub.pem", k_pub[1]) == 0 &&
               load_p256("keys/K3-device-esdh-p256.pub.pem", k_pub[2]) == 0 && d && dl == 32,
           "keys K1..K3 load");
    if (d)
        memcpy(k3_d, d, 32);
    free(d);
    memset(k4, 'a', sizeof k4); /* K4-hmac256-secret.hex = 0x61 x 32 */
    memset(k5, 'a', sizeof k5); /* K5-a128kw-kek.hex = 0x61 x 16 */
    size_t hl;
    char *k4hex = (char *)read_vec("keys/K4-hmac256-secret.hex", &hl);
    tap_ok(k4hex && strncmp(k4hex, "6161616161616161616161616161616161616161616161616161616161616161", 64) == 0,
           "K4 file is 32 x 0x61");
    free(k4hex);

    const json_t *vecs = json_object_get(root, "vectors");
    size_t envs = 0, encs = 0;
    for (size_t i = 0; i < json_array_size(vecs); i++) {
        const json_t *v = json_array_get(vecs, i);
        const char *kind = json_string_value(json_object_get(v, "kind"));
        if (strncmp(kind, "envelope-", 9) == 0 || strcmp(kind, "negative-envelope") == 0) {
            check_envelope(v);
            envs++;
        } else if (strncmp(kind, "suit-encryption-info", 20) == 0) {
            check_encryption(vecs, v);
            encs++;
        }
    }
    tap_diag("%zu envelope cases, %zu encryption cases", envs, encs);
    tap_ok(envs == 28 && encs == 7, "all envelope (28) and encryption-info (7) cases ran");
    check_encrypted_manifest("libcsuit/enc-AW-a128kw-write.cbor", key_of("K4"));
    check_encrypted_manifest("libcsuit/enc-EW-esdh-write.cbor", key_of("K1"));
    policy_tests();
    dependency_test();
    hss_vectors();
    json_decref(root);
    return tap_done();
}
