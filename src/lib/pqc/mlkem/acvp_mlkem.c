/*
 * ACVP handler for ML-KEM (draft-celi-acvp-ml-kem): keyGen (d, z -> ek, dk)
 * and encapDecap with the functions encapsulation, decapsulation,
 * encapsulationKeyCheck and decapsulationKeyCheck, including the tr1
 * keyFormat field (seed / expanded / none).
 */
#include <stdlib.h>
#include <string.h>

#include "pqc/acvp_internal.h"
#include "sg17/mlkem.h"

#define NHEX 6

/* Decoded hex fields of one test; freed by hexes_free. */
typedef struct hexes {
    uint8_t *b[NHEX];
    size_t n[NHEX];
} hexes;

static void hexes_free(hexes *h)
{
    for (int i = 0; i < NHEX; i++) {
        if (h->b[i] != NULL)
            sg17_memzero(h->b[i], h->n[i]);
        free(h->b[i]);
        h->b[i] = NULL;
    }
}

/* Decode the listed fields into h->b[0..]; 0 or an error code. */
static int hexes_get(hexes *h, const json_t *t, const char *const *keys, int nkeys)
{
    memset(h, 0, sizeof *h);
    for (int i = 0; i < nkeys && i < NHEX; i++) {
        int rc = sg17_acvp_hex(t, keys[i], &h->b[i], &h->n[i]);
        if (rc != 0)
            return rc;
    }
    return 0;
}

static int same(const uint8_t *a, size_t an, const uint8_t *b, size_t bn)
{
    return an == bn && (an == 0 || memcmp(a, b, an) == 0);
}

static void test_keygen(sg17_mlkem_param p, const json_t *g, const json_t *t,
                        sg17_acvp_result *r)
{
    static const char *const keys[] = {"d", "z", "ek", "dk"};
    uint8_t ek[SG17_MLKEM_MAX_PUBLICKEY_BYTES], dk[SG17_MLKEM_MAX_SECRETKEY_BYTES];
    hexes h;
    if (hexes_get(&h, t, keys, 4) != 0 || h.n[0] != 32 || h.n[1] != 32) {
        sg17_acvp_fail(r, g, t, "malformed d/z/ek/dk");
    } else if (sg17_mlkem_keygen_derand(p, h.b[0], h.b[1], ek, sizeof ek, dk, sizeof dk) != 0) {
        sg17_acvp_fail(r, g, t, "keygen failed");
    } else if (!same(ek, sg17_mlkem_publickey_bytes(p), h.b[2], h.n[2])) {
        sg17_acvp_fail(r, g, t, "ek differs");
    } else if (!same(dk, sg17_mlkem_secretkey_bytes(p), h.b[3], h.n[3])) {
        sg17_acvp_fail(r, g, t, "dk differs");
    } else {
        sg17_acvp_pass(r);
    }
    sg17_memzero(dk, sizeof dk);
    hexes_free(&h);
}

static void test_encaps(sg17_mlkem_param p, const json_t *g, const json_t *t,
                        sg17_acvp_result *r)
{
    static const char *const keys[] = {"ek", "m", "c", "k"};
    uint8_t c[SG17_MLKEM_MAX_CIPHERTEXT_BYTES], k[32];
    hexes h;
    if (hexes_get(&h, t, keys, 4) != 0 || h.n[1] != 32) {
        sg17_acvp_fail(r, g, t, "malformed ek/m/c/k");
    } else if (sg17_mlkem_encaps_derand(p, c, sizeof c, k, h.b[0], h.n[0], h.b[1]) != 0) {
        sg17_acvp_fail(r, g, t, "encaps rejected ek");
    } else if (!same(c, sg17_mlkem_ciphertext_bytes(p), h.b[2], h.n[2])) {
        sg17_acvp_fail(r, g, t, "c differs");
    } else if (!same(k, 32, h.b[3], h.n[3])) {
        sg17_acvp_fail(r, g, t, "k differs");
    } else {
        sg17_acvp_pass(r);
    }
    sg17_memzero(k, sizeof k);
    hexes_free(&h);
}

static void test_decaps(sg17_mlkem_param p, const char *fmt, const json_t *g, const json_t *t,
                        sg17_acvp_result *r)
{
    static const char *const keys_exp[] = {"dk", "c", "k"};
    static const char *const keys_seed[] = {"c", "k", "d", "z"};
    const int seed = strcmp(fmt, "seed") == 0;
    uint8_t k[32], dz[64];
    hexes h;
    int rc;
    if (seed) {
        if (hexes_get(&h, t, keys_seed, 4) != 0 || h.n[2] != 32 || h.n[3] != 32) {
            sg17_acvp_fail(r, g, t, "malformed c/k/d/z");
            hexes_free(&h);
            return;
        }
        memcpy(dz, h.b[2], 32);
        memcpy(dz + 32, h.b[3], 32);
        rc = sg17_mlkem_decaps_seed(p, k, h.b[0], h.n[0], dz, sizeof dz);
        sg17_memzero(dz, sizeof dz);
    } else {
        if (hexes_get(&h, t, keys_exp, 3) != 0) {
            sg17_acvp_fail(r, g, t, "malformed dk/c/k");
            hexes_free(&h);
            return;
        }
        rc = sg17_mlkem_decaps(p, k, h.b[1], h.n[1], h.b[0], h.n[0]);
    }
    const uint8_t *want = seed ? h.b[1] : h.b[2];
    size_t want_len = seed ? h.n[1] : h.n[2];
    if (rc != 0)
        sg17_acvp_fail(r, g, t, "decaps rejected its input");
    else if (!same(k, 32, want, want_len))
        sg17_acvp_fail(r, g, t, "k differs");
    else
        sg17_acvp_pass(r);
    sg17_memzero(k, sizeof k);
    hexes_free(&h);
}

/* encapsulationKeyCheck / decapsulationKeyCheck: our verdict must equal testPassed. */
static void test_keycheck(sg17_mlkem_param p, int is_dk, const json_t *g, const json_t *t,
                          sg17_acvp_result *r)
{
    static const char *const key_ek[] = {"ek"};
    static const char *const key_dk[] = {"dk"};
    int want = sg17_acvp_bool(t, "testPassed");
    hexes h;
    if (want < 0 || hexes_get(&h, t, is_dk ? key_dk : key_ek, 1) != 0) {
        sg17_acvp_fail(r, g, t, "malformed key or testPassed");
        if (want >= 0)
            hexes_free(&h);
        return;
    }
    int rc = is_dk ? sg17_mlkem_check_dk(p, h.b[0], h.n[0]) : sg17_mlkem_check_ek(p, h.b[0], h.n[0]);
    int got = rc == 0;
    if (rc != 0 && rc != SG17_E_FORMAT)
        sg17_acvp_fail(r, g, t, "key check returned an unexpected error");
    else if (got != want)
        sg17_acvp_fail(r, g, t, got ? "invalid key accepted" : "valid key rejected");
    else
        sg17_acvp_pass(r);
    hexes_free(&h);
}

static void run_test(const char *mode, sg17_mlkem_param p, const char *fn, const char *fmt,
                     const json_t *g, const json_t *t, sg17_acvp_result *r)
{
    if (strcmp(mode, "keyGen") == 0) {
        test_keygen(p, g, t, r);
        return;
    }
    if (strcmp(mode, "encapDecap") != 0 || fn == NULL) {
        sg17_acvp_skip(r, g, t, "unsupported ML-KEM mode or missing function");
        return;
    }
    const int fmt_none = fmt == NULL || strcmp(fmt, "none") == 0;
    const int fmt_exp = fmt == NULL || strcmp(fmt, "expanded") == 0;
    const int fmt_seed = fmt != NULL && strcmp(fmt, "seed") == 0;
    if (strcmp(fn, "encapsulation") == 0 && fmt_none)
        test_encaps(p, g, t, r);
    else if (strcmp(fn, "decapsulation") == 0 && (fmt_exp || fmt_seed))
        test_decaps(p, fmt_seed ? "seed" : "expanded", g, t, r);
    else if (strcmp(fn, "encapsulationKeyCheck") == 0 && fmt_none)
        test_keycheck(p, 0, g, t, r);
    else if (strcmp(fn, "decapsulationKeyCheck") == 0 && fmt_exp)
        test_keycheck(p, 1, g, t, r);
    else
        sg17_acvp_skip(r, g, t, "unsupported ML-KEM function/keyFormat combination");
}

int sg17_acvp_mlkem(const json_t *root, const char *algorithm, const char *mode,
                    sg17_acvp_result *r)
{
    size_t gi, ti;
    const json_t *g, *t;
    (void)algorithm;
    json_array_foreach(json_object_get(root, "testGroups"), gi, g)
    {
        sg17_mlkem_param p;
        const char *ps = sg17_acvp_str(g, "parameterSet");
        const int ok = ps != NULL && sg17_mlkem_param_from_name(ps, &p) == 0;
        const char *fn = sg17_acvp_str(g, "function");
        const char *fmt = sg17_acvp_str(g, "keyFormat");
        json_array_foreach(json_object_get(g, "tests"), ti, t)
        {
            if (!ok)
                sg17_acvp_skip(r, g, t, "unknown ML-KEM parameterSet");
            else
                run_test(mode, p, fn, fmt, g, t, r);
        }
    }
    return 0;
}
