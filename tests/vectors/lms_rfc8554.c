/* RFC 8554 Appendix F test cases 1 and 2 (HSS, L = 2): both verify; any
 * one-byte change of the signature, public key or message fails; every
 * truncation and an appended byte are rejected as malformed. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "sg17/lms.h"
#include "tap.h"

static void run_case(const json_t *tc)
{
    const char *name = json_string_value(json_object_get(tc, "name"));
    size_t pk_len, msg_len, sig_len;
    uint8_t *pk = tap_hex_decode(json_string_value(json_object_get(tc, "hssPublicKey")), &pk_len);
    uint8_t *msg = tap_hex_decode(json_string_value(json_object_get(tc, "message")), &msg_len);
    uint8_t *sig = tap_hex_decode(json_string_value(json_object_get(tc, "hssSignature")), &sig_len);
    if (!tap_ok(pk && msg && sig, "%s: hex decodes", name))
        goto out;
    tap_int_eq(sg17_hss_verify(pk, pk_len, msg, msg_len, sig, sig_len), 0, name);

    /* Flip one byte at a time: every byte of pk and message, and of the
     * signature every byte in the first 64 (headers) and every 5th after. */
    unsigned bad = 0, tried = 0;
    for (size_t i = 0; i < sig_len; i += (i < 64 ? 1 : 5)) {
        sig[i] ^= 0x01;
        tried++;
        bad += sg17_hss_verify(pk, pk_len, msg, msg_len, sig, sig_len) != 0;
        sig[i] ^= 0x01;
    }
    for (size_t i = 0; i < pk_len; i++) {
        pk[i] ^= 0x80;
        tried++;
        bad += sg17_hss_verify(pk, pk_len, msg, msg_len, sig, sig_len) != 0;
        pk[i] ^= 0x80;
    }
    for (size_t i = 0; i < msg_len; i++) {
        msg[i] ^= 0x20;
        tried++;
        bad += sg17_hss_verify(pk, pk_len, msg, msg_len, sig, sig_len) != 0;
        msg[i] ^= 0x20;
    }
    tap_ok(bad == tried, "%s: %u/%u one-byte changes rejected", name, bad, tried);

    unsigned fmt = 0;
    for (size_t n = 0; n < sig_len; n++)
        fmt += sg17_hss_verify(pk, pk_len, msg, msg_len, sig, n) == SG17_E_FORMAT;
    tap_ok(fmt == sig_len, "%s: all %zu truncations are SG17_E_FORMAT (%u)", name, sig_len, fmt);
    uint8_t *longer = malloc(sig_len + 1);
    memcpy(longer, sig, sig_len);
    longer[sig_len] = 0;
    tap_int_eq(sg17_hss_verify(pk, pk_len, msg, msg_len, longer, sig_len + 1), SG17_E_FORMAT,
               "appended byte");
    free(longer);
    tap_int_eq(sg17_hss_verify(pk, pk_len - 1, msg, msg_len, sig, sig_len), SG17_E_FORMAT,
               "short public key");
    /* Still valid after all the mutations were undone. */
    tap_int_eq(sg17_hss_verify(pk, pk_len, msg, msg_len, sig, sig_len), 0, "restored");
out:
    free(pk);
    free(msg);
    free(sig);
}

int main(void)
{
    const char *path = tap_vector_path("pqc/rfc8554/hss_testcases.json");
    json_error_t err;
    json_t *root = json_load_file(path, 0, &err);
    if (!tap_ok(root != NULL, "parse %s", path))
        return tap_done();
    const json_t *cases = json_object_get(root, "testCases");
    size_t i;
    const json_t *tc;
    tap_int_eq((long long)json_array_size(cases), 2, "two test cases");
    json_array_foreach(cases, i, tc)
    {
        run_case(tc);
    }
    json_decref(root);
    return tap_done();
}
