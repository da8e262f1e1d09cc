/*
 * ML-DSA-65 verification against Project Wycheproof v1
 * (mldsa_65_verify_test.json): every "valid" signature must verify and every
 * "invalid" one (bad hints, wrong lengths, ctx > 255, norm violations,
 * modified signatures, ...) must be rejected with SG17_E_VERIFY,
 * SG17_E_FORMAT or (context too long) SG17_E_INVAL.
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "sg17/mldsa.h"
#include "tap.h"

static uint8_t *hex_field(const json_t *o, const char *key, size_t *n)
{
    const json_t *v = json_object_get(o, key);
    *n = 0;
    if (!json_is_string(v))
        return NULL;
    if (json_string_length(v) == 0)
        return calloc(1, 1);
    return tap_hex_decode(json_string_value(v), n);
}

int main(void)
{
    const char *path = tap_vector_path("pqc/wycheproof/mldsa_65_verify_test.json");
    json_error_t err;
    json_t *root = json_load_file(path, 0, &err);
    unsigned long valid_ok = 0, valid_n = 0, invalid_ok = 0, invalid_n = 0;
    size_t gi, ti;
    json_t *g, *t;

    tap_ok(root != NULL, "parse %s", path);
    if (!root)
        return tap_done();
    json_array_foreach(json_object_get(root, "testGroups"), gi, g)
    {
        size_t pk_n;
        uint8_t *pk = hex_field(g, "publicKey", &pk_n);
        json_array_foreach(json_object_get(g, "tests"), ti, t)
        {
            size_t msg_n, ctx_n, sig_n;
            uint8_t *msg = hex_field(t, "msg", &msg_n);
            uint8_t *ctx = hex_field(t, "ctx", &ctx_n);
            uint8_t *sig = hex_field(t, "sig", &sig_n);
            const char *result = json_string_value(json_object_get(t, "result"));
            long long tc = json_integer_value(json_object_get(t, "tcId"));
            int rc = (pk && msg && sig)
                         ? sg17_mldsa_verify(SG17_MLDSA_65, sig, sig_n, pk, pk_n, msg, msg_n, ctx,
                                             ctx_n)
                         : SG17_E_FORMAT;
            if (result && strcmp(result, "valid") == 0) {
                valid_n++;
                if (rc == 0)
                    valid_ok++;
                else
                    tap_diag("tcId %lld: valid signature rejected (%d)", tc, rc);
            } else {
                invalid_n++;
                if (rc == SG17_E_VERIFY || rc == SG17_E_FORMAT ||
                    (rc == SG17_E_INVAL && ctx_n > SG17_MLDSA_MAX_CONTEXT_BYTES))
                    invalid_ok++;
                else
                    tap_diag("tcId %lld: invalid signature got %d", tc, rc);
            }
            free(msg);
            free(ctx);
            free(sig);
        }
        free(pk);
    }
    json_decref(root);
    tap_diag("valid: %lu/%lu accepted, invalid: %lu/%lu rejected", valid_ok, valid_n, invalid_ok,
             invalid_n);
    tap_ok(valid_n > 0 && valid_ok == valid_n, "all valid signatures verify");
    tap_ok(invalid_n > 0 && invalid_ok == invalid_n, "all invalid signatures are rejected");
    tap_int_eq(valid_n + invalid_n, 210, "number of test cases");
    return tap_done();
}
