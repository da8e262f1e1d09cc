/*
 * ACVP handler for LMS (draft-celi-acvp-lms, SP 800-208 types):
 *  - keyGen: (seed, I) -> publicKey, RFC 8554 Appendix A derivation.
 *  - sigVer: (publicKey, message, signature) -> testPassed.
 *  - sigGen: the vector files carry the public key and the expected
 *    signature but not the private key (seed) that made them, so the
 *    expected signature cannot be recomputed by anyone. Each test is judged
 *    the way the ACVP server judges an implementation's sigGen answer:
 *    (1) the expected signature must verify under the group's public key;
 *    (2) our signature of the same message, at the same leaf index q, with a
 *        key of the group's parameter set (fixed seed/I derived from tgId),
 *        must have the expected length and type fields and verify under our
 *        public key.
 */
#include <stdlib.h>
#include <string.h>

#include "pqc/acvp_internal.h"
#include "pqc/lms/lms_internal.h"

typedef struct name_code {
    const char *name;
    uint32_t code;
} name_code;

static const name_code lms_names[] = {
    {"LMS_SHA256_M32_H5", 5},   {"LMS_SHA256_M32_H10", 6},  {"LMS_SHA256_M32_H15", 7},
    {"LMS_SHA256_M32_H20", 8},  {"LMS_SHA256_M32_H25", 9},  {"LMS_SHA256_M24_H5", 10},
    {"LMS_SHA256_M24_H10", 11}, {"LMS_SHA256_M24_H15", 12}, {"LMS_SHA256_M24_H20", 13},
    {"LMS_SHA256_M24_H25", 14}, {"LMS_SHAKE_M32_H5", 15},   {"LMS_SHAKE_M32_H10", 16},
    {"LMS_SHAKE_M32_H15", 17},  {"LMS_SHAKE_M32_H20", 18},  {"LMS_SHAKE_M32_H25", 19},
    {"LMS_SHAKE_M24_H5", 20},   {"LMS_SHAKE_M24_H10", 21},  {"LMS_SHAKE_M24_H15", 22},
    {"LMS_SHAKE_M24_H20", 23},  {"LMS_SHAKE_M24_H25", 24},
};
static const name_code ots_names[] = {
    {"LMOTS_SHA256_N32_W1", 1}, {"LMOTS_SHA256_N32_W2", 2}, {"LMOTS_SHA256_N32_W4", 3},
    {"LMOTS_SHA256_N32_W8", 4}, {"LMOTS_SHA256_N24_W1", 5}, {"LMOTS_SHA256_N24_W2", 6},
    {"LMOTS_SHA256_N24_W4", 7}, {"LMOTS_SHA256_N24_W8", 8}, {"LMOTS_SHAKE_N32_W1", 9},
    {"LMOTS_SHAKE_N32_W2", 10}, {"LMOTS_SHAKE_N32_W4", 11}, {"LMOTS_SHAKE_N32_W8", 12},
    {"LMOTS_SHAKE_N24_W1", 13}, {"LMOTS_SHAKE_N24_W2", 14}, {"LMOTS_SHAKE_N24_W4", 15},
    {"LMOTS_SHAKE_N24_W8", 16},
};

static uint32_t lookup(const name_code *t, size_t n, const char *name)
{
    for (size_t i = 0; name != NULL && i < n; i++)
        if (strcmp(t[i].name, name) == 0)
            return t[i].code;
    return 0;
}

static int group_types(const json_t *g, const lms_param **lp, const lmots_param **op)
{
    *lp = sg17_lms_param(
        lookup(lms_names, sizeof lms_names / sizeof lms_names[0], sg17_acvp_str(g, "lmsMode")));
    *op = sg17_lmots_param(
        lookup(ots_names, sizeof ots_names / sizeof ots_names[0], sg17_acvp_str(g, "lmOtsMode")));
    return sg17_lms_pair_ok(*lp, *op) ? 0 : SG17_E_FORMAT;
}

static void test_keygen(const json_t *g, const json_t *t, sg17_acvp_result *r)
{
    const lms_param *lp;
    const lmots_param *op;
    uint8_t *seed = NULL, *I = NULL, *want = NULL;
    size_t seed_len, I_len, want_len, pk_len;
    uint8_t pk[SG17_LMS_PUBLIC_KEY_MAX_BYTES];
    if (group_types(g, &lp, &op) != 0) {
        sg17_acvp_fail(r, g, t, "unknown lmsMode/lmOtsMode");
    } else if (sg17_acvp_hex(t, "seed", &seed, &seed_len) != 0 ||
               sg17_acvp_hex(t, "i", &I, &I_len) != 0 ||
               sg17_acvp_hex(t, "publicKey", &want, &want_len) != 0 || I_len != 16) {
        sg17_acvp_fail(r, g, t, "malformed seed/i/publicKey");
    } else if (sg17_lms_public_from_seed(lp->type, op->type, I, seed, seed_len, pk, sizeof pk,
                                         &pk_len) != 0) {
        sg17_acvp_fail(r, g, t, "keygen failed");
    } else if (pk_len != want_len || memcmp(pk, want, pk_len) != 0) {
        sg17_acvp_fail(r, g, t, "publicKey differs");
    } else {
        sg17_acvp_pass(r);
    }
    if (seed != NULL)
        sg17_memzero(seed, seed_len);
    free(seed);
    free(I);
    free(want);
}

static void test_sigver(const json_t *g, const uint8_t *pk, size_t pk_len, const json_t *t,
                        sg17_acvp_result *r)
{
    uint8_t *msg = NULL, *sig = NULL;
    size_t msg_len, sig_len;
    int expect = sg17_acvp_bool(t, "testPassed");
    if (expect < 0 || sg17_acvp_hex(t, "message", &msg, &msg_len) != 0 ||
        sg17_acvp_hex(t, "signature", &sig, &sig_len) != 0) {
        sg17_acvp_fail(r, g, t, "malformed test");
    } else {
        static const uint8_t empty[1];
        int rc =
            sg17_lms_verify(pk, pk_len, msg ? msg : empty, msg_len, sig ? sig : empty, sig_len);
        if ((rc == 0) == (expect == 1))
            sg17_acvp_pass(r);
        else
            sg17_acvp_fail(r, g, t,
                           expect ? "valid signature rejected" : "invalid signature accepted");
    }
    free(msg);
    free(sig);
}

/* Our tree for a sigGen group: seed and I fixed per tgId (reproducible). */
static int siggen_tree(const json_t *g, const lms_param *lp, const lmots_param *op, lms_tree *t)
{
    uint8_t in[24] = "sg17 acvp lms sigGen ...";
    uint8_t h[32];
    long long tg = sg17_acvp_int(g, "tgId");
    lms_u32str(in + 20, (uint32_t)tg);
    sg17_sha256(h, in, sizeof in);
    int rc = sg17_lms_tree_build(t, lp, op, h, h + 8, 0);
    sg17_memzero(h, sizeof h);
    return rc;
}

static void test_siggen(const json_t *g, const uint8_t *pk, size_t pk_len, lms_tree *tree,
                        const json_t *t, sg17_acvp_result *r)
{
    uint8_t *msg = NULL, *want = NULL, *ours = NULL;
    size_t msg_len, want_len;
    static const uint8_t empty[1];
    size_t sig_len = sg17_lms_signature_len(tree->lp->type, tree->op->type);
    size_t ots_len = sg17_lmots_sig_len(tree->op);
    if (sg17_acvp_hex(t, "message", &msg, &msg_len) != 0 ||
        sg17_acvp_hex(t, "signature", &want, &want_len) != 0 || want_len < 8) {
        sg17_acvp_fail(r, g, t, "malformed message/signature");
    } else if (sg17_lms_verify(pk, pk_len, msg ? msg : empty, msg_len, want, want_len) != 0) {
        sg17_acvp_fail(r, g, t, "expected signature does not verify under publicKey");
    } else if ((ours = malloc(sig_len)) == NULL) {
        sg17_acvp_fail(r, g, t, "out of memory");
    } else if (sg17_lms_tree_sign(tree, lms_strtou32(want), msg ? msg : empty, msg_len, ours) !=
               0) {
        sg17_acvp_fail(r, g, t, "sign failed");
    } else if (sig_len != want_len || memcmp(ours, want, 8) != 0 ||
               memcmp(ours + 4 + ots_len, want + 4 + ots_len, 4) != 0) {
        sg17_acvp_fail(r, g, t, "our signature differs in length or q/type fields");
    } else if (sg17_lms_verify(tree->pub, tree->pub_len, msg ? msg : empty, msg_len, ours,
                               sig_len) != 0) {
        sg17_acvp_fail(r, g, t, "our signature does not verify");
    } else {
        sg17_acvp_pass(r);
    }
    free(msg);
    free(want);
    free(ours);
}

static void skip_group(const json_t *g, sg17_acvp_result *r, const char *why)
{
    size_t j;
    const json_t *t;
    json_array_foreach(json_object_get(g, "tests"), j, t)
    {
        sg17_acvp_fail(r, g, t, why);
    }
}

int sg17_acvp_lms(const json_t *root, const char *algorithm, const char *mode, sg17_acvp_result *r)
{
    (void)algorithm;
    int kind = strcmp(mode, "keyGen") == 0   ? 0
               : strcmp(mode, "sigVer") == 0 ? 1
               : strcmp(mode, "sigGen") == 0 ? 2
                                             : -1;
    size_t i, j;
    const json_t *g, *t;
    json_array_foreach(json_object_get(root, "testGroups"), i, g)
    {
        const lms_param *lp;
        const lmots_param *op;
        uint8_t *pk = NULL;
        size_t pk_len = 0;
        lms_tree tree;
        memset(&tree, 0, sizeof tree);
        if (kind < 0) {
            json_array_foreach(json_object_get(g, "tests"), j, t)
            {
                sg17_acvp_skip(r, g, t, "unknown LMS mode");
            }
            continue;
        }
        if (group_types(g, &lp, &op) != 0) {
            skip_group(g, r, "unknown lmsMode/lmOtsMode");
            continue;
        }
        if (kind > 0 && sg17_acvp_hex(g, "publicKey", &pk, &pk_len) != 0) {
            skip_group(g, r, "malformed group publicKey");
            continue;
        }
        if (kind == 2 && siggen_tree(g, lp, op, &tree) != 0) {
            free(pk);
            skip_group(g, r, "could not build a tree");
            continue;
        }
        json_array_foreach(json_object_get(g, "tests"), j, t)
        {
            if (kind == 0)
                test_keygen(g, t, r);
            else if (kind == 1)
                test_sigver(g, pk, pk_len, t, r);
            else
                test_siggen(g, pk, pk_len, &tree, t, r);
        }
        sg17_lms_tree_free(&tree);
        free(pk);
    }
    return 0;
}
