/*
 * libFuzzer harness for the key-file decoders (PEM armour, SPKI, PKCS#8 and
 * the per-algorithm private-key encodings of src/lib/pqc/pqc_algs.c).
 * Oracles: a public key that decodes re-encodes to the same DER; a private
 * key that decodes yields a public key of the algorithm's length.
 */
#include <stdlib.h>
#include <string.h>

#include "pqc/pqc_internal.h"
#include "sg17/keyfmt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void try_der(const uint8_t *der, size_t len)
{
    sg17_pqc_key *k = NULL;
    if (sg17_pqc_spki_decode(der, len, &k) == 0) {
        uint8_t *again = NULL;
        size_t again_len = 0;
        if (sg17_pqc_spki_encode(k, &again, &again_len) != 0 || again_len != len ||
            memcmp(again, der, len) != 0)
            abort(); /* decoding accepted a non-canonical encoding */
        free(again);
        sg17_pqc_key_free(k);
    }
    k = NULL;
    if (sg17_pqc_pkcs8_decode(der, len, &k) == 0) {
        size_t pk_len = 0;
        if (!sg17_pqc_key_is_private(k) || !sg17_pqc_key_public(k, &pk_len) || pk_len == 0)
            abort();
        sg17_pqc_key_free(k);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint8_t *der = NULL;
    size_t der_len = 0;
    if (size > 70000)
        return 0;
    try_der(data, size);
    if (sg17_keyfmt_pem_decode((const char *)data, size, "PUBLIC KEY", &der, &der_len) == 0) {
        try_der(der, der_len);
        free(der);
    }
    if (sg17_keyfmt_pem_decode((const char *)data, size, "PRIVATE KEY", &der, &der_len) == 0) {
        try_der(der, der_len);
        free(der);
    }
    return 0;
}
