/*
 * ML-KEM-768 against Project Wycheproof (testvectors_v1):
 *  - mlkem_768_test.json: seed d||z -> ek, decaps(c) -> K; invalid cases
 *    (wrong seed or ciphertext length) must be rejected;
 *  - mlkem_768_encaps_test.json: ek, m -> c, K; invalid ek (not reduced mod
 *    q, wrong length) must be rejected (FIPS 203 §7.2);
 *  - mlkem_768_semi_expanded_decaps_test.json: expanded dk, c -> K; wrong
 *    lengths and a dk failing the §7.3 hash check must be rejected.
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "sg17/mlkem.h"
#include "tap.h"

static const sg17_mlkem_param P = SG17_MLKEM_768;

static uint8_t *hexf(const json_t *t, const char *key, size_t *len)
{
    const char *s = json_string_value(json_object_get(t, key));
    *len = 0;
    if (s == NULL)
        return NULL;
    return tap_hex_decode(s, len);
}

typedef struct counts {
    unsigned valid_ok, valid_bad, invalid_ok, invalid_bad;
} counts;

static void verdict(counts *c, long long tc, int valid, int ok, const char *file)
{
    if (valid)
        ok ? c->valid_ok++ : c->valid_bad++;
    else
        ok ? c->invalid_ok++ : c->invalid_bad++;
    if (!ok)
        tap_diag("%s tcId %lld: %s case not handled as expected", file, tc,
                 valid ? "valid" : "invalid");
}

/* Returns 1 if the test behaved as its "result" says. */
static int one_decaps_seed(const json_t *t, int valid)
{
    size_t sl, cl, el, kl;
    uint8_t *seed = hexf(t, "seed", &sl), *c = hexf(t, "c", &cl), *ek = hexf(t, "ek", &el);
    uint8_t *want = hexf(t, "K", &kl);
    uint8_t k[32], gek[SG17_MLKEM768_PUBLICKEY_BYTES], dk[SG17_MLKEM768_SECRETKEY_BYTES];
    int ok = 0;
    int rc = sg17_mlkem_decaps_seed(P, k, c, cl, seed, sl);
    if (valid) {
        int rc2 = sg17_mlkem_seed_expand(P, seed, sl, gek, sizeof gek, dk, sizeof dk);
        ok = rc == 0 && rc2 == 0 && kl == 32 && memcmp(k, want, 32) == 0 &&
             el == sizeof gek && memcmp(gek, ek, el) == 0;
        /* The expanded key must give the same K as the seed form. */
        uint8_t k2[32];
        ok = ok && sg17_mlkem_decaps(P, k2, c, cl, dk, sizeof dk) == 0 && memcmp(k2, k, 32) == 0;
    } else {
        ok = rc == SG17_E_FORMAT;
    }
    free(seed);
    free(c);
    free(ek);
    free(want);
    return ok;
}

static int one_encaps(const json_t *t, int valid)
{
    size_t ml, el, cl, kl;
    uint8_t *m = hexf(t, "m", &ml), *ek = hexf(t, "ek", &el), *wc = hexf(t, "c", &cl);
    uint8_t *wk = hexf(t, "K", &kl);
    uint8_t c[SG17_MLKEM768_CIPHERTEXT_BYTES], k[32];
    int ok = 0;
    if (ml == 32) {
        int rc = sg17_mlkem_encaps_derand(P, c, sizeof c, k, ek, el, m);
        int chk = sg17_mlkem_check_ek(P, ek, el);
        if (valid)
            ok = rc == 0 && chk == 0 && cl == sizeof c && memcmp(c, wc, cl) == 0 && kl == 32 &&
                 memcmp(k, wk, 32) == 0;
        else
            ok = rc == SG17_E_FORMAT && chk == SG17_E_FORMAT;
    }
    free(m);
    free(ek);
    free(wc);
    free(wk);
    return ok;
}

static int one_decaps_expanded(const json_t *t, int valid)
{
    size_t dl, cl, kl;
    uint8_t *dk = hexf(t, "dk", &dl), *c = hexf(t, "c", &cl), *wk = hexf(t, "K", &kl);
    uint8_t k[32];
    int rc = sg17_mlkem_decaps(P, k, c, cl, dk, dl);
    int ok = valid ? (rc == 0 && kl == 32 && memcmp(k, wk, 32) == 0) : rc == SG17_E_FORMAT;
    free(dk);
    free(c);
    free(wk);
    return ok;
}

static void run(const char *rel, int (*fn)(const json_t *, int), unsigned min_valid,
                unsigned min_invalid)
{
    json_error_t err;
    json_t *root = json_load_file(tap_vector_path(rel), 0, &err);
    counts c = {0, 0, 0, 0};
    size_t gi, ti;
    json_t *g, *t;
    if (!tap_ok(root != NULL, "%s parses", rel))
        return;
    json_array_foreach(json_object_get(root, "testGroups"), gi, g)
    {
        json_array_foreach(json_object_get(g, "tests"), ti, t)
        {
            const char *res = json_string_value(json_object_get(t, "result"));
            long long tc = (long long)json_integer_value(json_object_get(t, "tcId"));
            int valid = res != NULL && strcmp(res, "valid") == 0;
            if (res == NULL || (!valid && strcmp(res, "invalid") != 0)) {
                /* No "acceptable" cases exist in these files; count as failure if one appears. */
                verdict(&c, tc, 1, 0, rel);
                continue;
            }
            verdict(&c, tc, valid, fn(t, valid), rel);
        }
    }
    tap_diag("%s: valid %u ok / %u bad, invalid %u rejected / %u accepted", rel, c.valid_ok,
             c.valid_bad, c.invalid_ok, c.invalid_bad);
    tap_ok(c.valid_bad == 0 && c.invalid_bad == 0, "%s: every case as expected", rel);
    tap_ok(c.valid_ok >= min_valid && c.invalid_ok >= min_invalid,
           "%s: at least %u valid and %u invalid cases ran", rel, min_valid, min_invalid);
    json_decref(root);
}

int main(void)
{
    run("pqc/wycheproof/mlkem_768_test.json", one_decaps_seed, 153, 40);
    run("pqc/wycheproof/mlkem_768_encaps_test.json", one_encaps, 133, 132);
    run("pqc/wycheproof/mlkem_768_semi_expanded_decaps_test.json", one_decaps_expanded, 3, 6);
    return tap_done();
}
