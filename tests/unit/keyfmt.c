/*
 * Key containers: SPKI / PKCS#8 / PEM round trips, strict rejections, and
 * interoperability with OpenSSL's own DER/PEM parsers (Ed25519, RFC 8410),
 * which is the external check that our encoder emits standard DER.
 */
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <stdlib.h>
#include <string.h>

#include "sg17/keyfmt.h"
#include "tap.h"

static const uint8_t OID_ED25519[] = {0x2B, 0x65, 0x70};
/* 2.16.840.1.101.3.4.3.18 id-ml-dsa-65 */
static const uint8_t OID_MLDSA65[] = {0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x03, 0x12};

static void ed25519_interop(void)
{
    uint8_t seed[32], pk[32];
    size_t pk_len = 32;
    tap_rand_seed(8410);
    tap_rand_bytes(seed, sizeof seed);
    EVP_PKEY *k = EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, NULL, seed, 32);
    if (!tap_ok(k != NULL && EVP_PKEY_get_raw_public_key(k, pk, &pk_len) == 1,
                "OpenSSL made an Ed25519 key"))
        return;

    uint8_t *der = NULL;
    size_t der_len = 0;
    tap_ok(sg17_keyfmt_spki_encode(OID_ED25519, sizeof OID_ED25519, pk, 32, &der, &der_len) == 0,
           "SPKI encode");
    const unsigned char *p = der;
    EVP_PKEY *parsed = d2i_PUBKEY(NULL, &p, (long)der_len);
    uint8_t back[32];
    size_t back_len = sizeof back;
    tap_ok(parsed && EVP_PKEY_get_raw_public_key(parsed, back, &back_len) == 1 && back_len == 32 &&
               memcmp(back, pk, 32) == 0,
           "OpenSSL parses our SPKI and gets the same Ed25519 public key");
    EVP_PKEY_free(parsed);

    /* Our SPKI equals OpenSSL's encoding byte for byte. */
    unsigned char *ossl = NULL;
    int ol = i2d_PUBKEY(k, &ossl);
    tap_ok(ol > 0 && (size_t)ol == der_len && memcmp(ossl, der, der_len) == 0,
           "SPKI bytes identical to OpenSSL's i2d_PUBKEY");
    OPENSSL_free(ossl);
    free(der);

    /* PKCS#8: privateKey = OCTET STRING wrapping CurvePrivateKey OCTET STRING. */
    uint8_t inner[34] = {0x04, 0x20};
    memcpy(inner + 2, seed, 32);
    tap_ok(sg17_keyfmt_pkcs8_encode(OID_ED25519, 3, inner, sizeof inner, &der, &der_len) == 0,
           "PKCS#8 encode");
    p = der;
    EVP_PKEY *priv = d2i_AutoPrivateKey(NULL, &p, (long)der_len);
    uint8_t s2[32];
    size_t s2_len = 32;
    tap_ok(priv && EVP_PKEY_get_raw_private_key(priv, s2, &s2_len) == 1 &&
               memcmp(s2, seed, 32) == 0,
           "OpenSSL parses our PKCS#8 and gets the same Ed25519 seed");
    EVP_PKEY_free(priv);

    char *pem = NULL;
    size_t pem_len = 0;
    tap_ok(sg17_keyfmt_pem_encode("PRIVATE KEY", der, der_len, &pem, &pem_len) == 0, "PEM encode");
    BIO *bio = BIO_new_mem_buf(pem, (int)pem_len);
    EVP_PKEY *pk2 = PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL);
    tap_ok(pk2 != NULL, "OpenSSL reads our PEM private key");
    EVP_PKEY_free(pk2);
    BIO_free(bio);
    uint8_t *der2 = NULL;
    size_t der2_len = 0;
    tap_ok(sg17_keyfmt_pem_decode(pem, pem_len, "PRIVATE KEY", &der2, &der2_len) == 0 &&
               der2_len == der_len && memcmp(der2, der, der_len) == 0,
           "PEM decode round trip");
    free(der2);
    free(pem);
    free(der);
    EVP_PKEY_free(k);
}

static void strictness(void)
{
    uint8_t pk[1952];
    uint8_t *der = NULL;
    size_t der_len = 0;
    const uint8_t *oid, *got;
    size_t oid_len, got_len;
    tap_rand_bytes(pk, sizeof pk);
    tap_ok(sg17_keyfmt_spki_encode(OID_MLDSA65, sizeof OID_MLDSA65, pk, sizeof pk, &der,
                                   &der_len) == 0,
           "SPKI encode of a 1952-byte key");
    tap_ok(sg17_keyfmt_spki_decode(der, der_len, &oid, &oid_len, &got, &got_len) == 0 &&
               oid_len == sizeof OID_MLDSA65 && memcmp(oid, OID_MLDSA65, oid_len) == 0 &&
               got_len == sizeof pk && memcmp(got, pk, sizeof pk) == 0,
           "SPKI decode round trip");
    /* Every truncation must be rejected. */
    int bad = 0;
    for (size_t n = 0; n < der_len; n++)
        if (sg17_keyfmt_spki_decode(der, n, &oid, &oid_len, &got, &got_len) == 0)
            bad++;
    tap_ok(bad == 0, "every truncated SPKI is rejected");
    /* Trailing byte rejected. */
    uint8_t *longer = malloc(der_len + 1);
    memcpy(longer, der, der_len);
    longer[der_len] = 0;
    tap_ok(sg17_keyfmt_spki_decode(longer, der_len + 1, &oid, &oid_len, &got, &got_len) ==
               SG17_E_FORMAT,
           "trailing data rejected");
    free(longer);
    /* Non-zero unused-bits byte rejected. */
    size_t bit_off = der_len - sizeof pk - 1;
    der[bit_off] = 1;
    tap_ok(sg17_keyfmt_spki_decode(der, der_len, &oid, &oid_len, &got, &got_len) == SG17_E_FORMAT,
           "BIT STRING with unused bits rejected");
    free(der);
    /* Non-minimal length (0x81 0x05) rejected. */
    static const uint8_t nonmin[] = {0x30, 0x81, 0x05, 0x30, 0x03, 0x06, 0x01, 0x2a};
    tap_ok(sg17_keyfmt_spki_decode(nonmin, sizeof nonmin, &oid, &oid_len, &got, &got_len) ==
               SG17_E_FORMAT,
           "non-minimal DER length rejected");
    /* PEM with junk characters or the wrong label rejected. */
    static const char junk[] = "-----BEGIN PUBLIC KEY-----\nMII*\n-----END PUBLIC KEY-----\n";
    uint8_t *d = NULL;
    size_t dl = 0;
    tap_ok(sg17_keyfmt_pem_decode(junk, sizeof junk - 1, "PUBLIC KEY", &d, &dl) == SG17_E_FORMAT,
           "PEM with a non-base64 character rejected");
    static const char other[] = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n";
    tap_ok(sg17_keyfmt_pem_decode(other, sizeof other - 1, "PUBLIC KEY", &d, &dl) == SG17_E_FORMAT,
           "PEM with another label rejected");
}

int main(void)
{
    ed25519_interop();
    strictness();
    return tap_done();
}
