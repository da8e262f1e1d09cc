/*
 * The crypto building blocks of the SUCI ECIES profiles checked against
 * 3GPP TS 33.501 Annex C.4.3/C.4.4 implementers' test data
 * (suci/ts33501_annexC4_ecies.json, read in place): X25519 / P-256 key
 * pairs and ECDH (with compressed points), ANSI X9.63 KDF with SHA-256 and
 * SharedInfo1 = the ephemeral public key (Annex C.3.4), AES-128-CTR with
 * the derived ICB and HMAC-SHA-256 truncated to 8 bytes.
 * Also the invalid-point case of suci/suci_deconceal_extra.json.
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "sg17/crypto.h"
#include "tap.h"

/* Hex field of obj into a malloc'd buffer; NULL (and a failed test) if absent. */
static uint8_t *field(json_t *obj, const char *name, size_t *len)
{
    const char *h = json_string_value(json_object_get(obj, name));
    uint8_t *p = h != NULL ? tap_hex_decode(h, len) : NULL;
    if (p == NULL)
        tap_ok(0, "field %s present and hex", name);
    return p;
}

static void check_vector(json_t *v)
{
    const char *id = json_string_value(json_object_get(v, "id"));
    int scheme = (int)json_integer_value(json_object_get(v, "protectionSchemeId"));
    json_t *hn = json_object_get(v, "homeNetwork");
    int b = scheme == 2;
    size_t l_hsk, l_hpk, l_esk, l_epk, l_z, l_ek, l_mk, l_in, l_ct, l_tag, l_icb;
    uint8_t *hsk = field(hn, "privateKey", &l_hsk);
    uint8_t *hpk = field(hn, b ? "publicKeyCompressed" : "publicKey", &l_hpk);
    uint8_t *esk = field(v, "ephemeralPrivateKey", &l_esk);
    uint8_t *epk = field(v, b ? "ephemeralPublicKeyCompressed" : "ephemeralPublicKey", &l_epk);
    uint8_t *z = field(v, "sharedSecretZ", &l_z);
    uint8_t *ek = field(v, "encKey", &l_ek);
    uint8_t *mk = field(v, "macKey", &l_mk);
    uint8_t *in = field(v, "schemeInput", &l_in);
    uint8_t *ct = field(v, "ciphertext", &l_ct);
    uint8_t *tag = field(v, "macTag", &l_tag);
    /* The NAI cases' ICB is not printed in TS 33.501 (the file computed it). */
    uint8_t *icb = json_object_get(v, "icb") != NULL ? field(v, "icb", &l_icb)
                                                     : field(v, "derived_icb", &l_icb);
    if (!hsk || !hpk || !esk || !epk || !z || !ek || !mk || !in || !ct || !tag || !icb)
        goto out;
    tap_diag("TS 33.501 %s (%s)", json_string_value(json_object_get(v, "clause")), id);

    uint8_t pk[65], pkc[33], z1[32], z2[32];
    if (!b) {
        tap_int_eq(sg17_x25519_public(pk, hsk), 0, "home network public key");
        tap_mem_eq(pk, hpk, 32, "Profile A home network public key");
        tap_int_eq(sg17_x25519_public(pk, esk), 0, "ephemeral public key");
        tap_mem_eq(pk, epk, 32, "Profile A ephemeral public key");
        tap_int_eq(sg17_x25519(z1, esk, hpk), 0, "UE side X25519");
        tap_int_eq(sg17_x25519(z2, hsk, epk), 0, "SIDF side X25519");
    } else {
        tap_int_eq(sg17_p256_public(pk, hsk), 0, "home network public key");
        tap_int_eq(sg17_p256_compress(pkc, pk), 0, "compress");
        tap_mem_eq(pkc, hpk, 33, "Profile B home network public key (compressed)");
        tap_int_eq(sg17_p256_public(pk, esk), 0, "ephemeral public key");
        tap_int_eq(sg17_p256_compress(pkc, pk), 0, "compress");
        tap_mem_eq(pkc, epk, 33, "Profile B ephemeral public key (compressed)");
        tap_int_eq(sg17_p256_ecdh(z1, esk, hpk, 33), 0, "UE side ECDH");
        tap_int_eq(sg17_p256_ecdh(z2, hsk, epk, 33), 0, "SIDF side ECDH");
    }
    tap_mem_eq(z1, z, 32, "shared secret Z (UE)");
    tap_mem_eq(z2, z, 32, "shared secret Z (SIDF)");

    uint8_t k[64], out[64], mac[32];
    tap_int_eq(sg17_x963_kdf(SG17_HASH_SHA256, z, 32, epk, l_epk, k, 64), 0, "X9.63 KDF");
    tap_mem_eq(k, ek, 16, "encKey = K[0:16]");
    tap_mem_eq(k + 16, icb, 16, "ICB = K[16:32]");
    tap_mem_eq(k + 32, mk, 32, "macKey = K[32:64]");
    tap_int_eq(sg17_aes_ctr(ek, 16, icb, in, l_in, out), 0, "AES-128-CTR");
    tap_mem_eq(out, ct, l_ct, "ciphertext");
    tap_int_eq(sg17_hmac(SG17_HASH_SHA256, mk, 32, ct, l_ct, mac), 0, "HMAC-SHA-256");
    tap_mem_eq(mac, tag, 8, "MAC tag (HMAC-SHA-256 truncated to 8 bytes)");
out:
    free(hsk), free(hpk), free(esk), free(epk), free(z), free(ek), free(mk), free(in), free(ct);
    free(tag), free(icb);
}

static void check_invalid_point(void)
{
    const char *path = tap_vector_path("suci/suci_deconceal_extra.json");
    json_error_t err;
    json_t *root = json_load_file(path, 0, &err);
    if (!tap_ok(root != NULL, "parse %s", path))
        return;
    json_t *hn = json_object_get(json_object_get(root, "homeNetworkKeys"), "B");
    size_t l_sk = 0;
    uint8_t *sk = field(hn, "privateKey", &l_sk);
    size_t i;
    json_t *v;
    int seen = 0;
    json_array_foreach(json_object_get(root, "vectors"), i, v)
    {
        const char *id = json_string_value(json_object_get(v, "id"));
        if (id == NULL || strcmp(id, "reject-b-invalid-point") != 0 || sk == NULL)
            continue;
        size_t l_so = 0;
        uint8_t *so = field(v, "schemeOutput", &l_so);
        uint8_t zz[32];
        if (so != NULL && l_so > 65) {
            seen = 1;
            tap_int_eq(sg17_p256_ecdh(zz, sk, so, 65), SG17_E_FORMAT,
                       "suci_deconceal_extra: ephemeral key not on secp256r1 -> SG17_E_FORMAT");
        }
        free(so);
    }
    tap_ok(seen, "invalid-point vector found");
    free(sk);
    json_decref(root);
}

int main(void)
{
    const char *path = tap_vector_path("suci/ts33501_annexC4_ecies.json");
    json_error_t err;
    json_t *root = json_load_file(path, 0, &err);
    if (!tap_ok(root != NULL, "parse %s: %s", path, root ? "" : err.text))
        return tap_done();
    size_t i;
    json_t *v;
    int n = 0;
    json_array_foreach(json_object_get(root, "vectors"), i, v)
    {
        json_int_t s = json_integer_value(json_object_get(v, "protectionSchemeId"));
        if (s == 1 || s == 2) {
            check_vector(v);
            n++;
        }
    }
    tap_int_eq(n, 4, "four ECIES vectors (C.4.3.1, C.4.3.2, C.4.4.1, C.4.4.2)");
    json_decref(root);
    check_invalid_point();
    return tap_done();
}
