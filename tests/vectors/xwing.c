/*
 * X-Wing against the draft's test vectors (xwing/test-vectors.json:
 * seed -> sk, pk; eseed -> ct, ss), plus decapsulation of each ct.
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "sg17/xwing.h"
#include "tap.h"

static uint8_t *hexf(const json_t *t, const char *key, size_t *len)
{
    const char *s = json_string_value(json_object_get(t, key));
    *len = 0;
    return s != NULL ? tap_hex_decode(s, len) : NULL;
}

int main(void)
{
    json_error_t err;
    json_t *root = json_load_file(tap_vector_path("pqc/xwing/test-vectors.json"), 0, &err);
    size_t i;
    json_t *v;
    if (!tap_ok(json_is_array(root) && json_array_size(root) >= 3, "test-vectors.json: 3+ vectors"))
        return tap_done();
    json_array_foreach(root, i, v)
    {
        size_t seedn, skn, pkn, esn, ctn, ssn;
        uint8_t *seed = hexf(v, "seed", &seedn), *sk = hexf(v, "sk", &skn);
        uint8_t *pk = hexf(v, "pk", &pkn), *es = hexf(v, "eseed", &esn);
        uint8_t *ct = hexf(v, "ct", &ctn), *ss = hexf(v, "ss", &ssn);
        uint8_t gpk[SG17_XWING_PUBLICKEY_BYTES], gct[SG17_XWING_CIPHERTEXT_BYTES], gss[32];
        if (tap_ok(seedn == 32 && skn == 32 && pkn == sizeof gpk && esn == 64 &&
                       ctn == sizeof gct && ssn == 32,
                   "vector %zu: field sizes", i)) {
            /* GenerateKeyPairDerand returns sk = seed. */
            tap_mem_eq(sk, seed, 32, "sk == seed");
            tap_int_eq(sg17_xwing_keygen_derand(gpk, seed), 0, "keygen_derand");
            tap_mem_eq(gpk, pk, pkn, "pk");
            tap_int_eq(sg17_xwing_encaps_derand(gct, gss, pk, pkn, es), 0, "encaps_derand");
            tap_mem_eq(gct, ct, ctn, "ct");
            tap_mem_eq(gss, ss, 32, "encaps ss");
            memset(gss, 0, sizeof gss);
            tap_int_eq(sg17_xwing_decaps(gss, ct, ctn, sk, skn), 0, "decaps");
            tap_mem_eq(gss, ss, 32, "decaps ss");
        }
        free(seed);
        free(sk);
        free(pk);
        free(es);
        free(ct);
        free(ss);
    }
    json_decref(root);
    return tap_done();
}
