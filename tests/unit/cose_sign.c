/*
 * COSE_Sign1 / COSE_Mac0 with a detached payload (RFC 9052 §4.4, §6.3):
 * sign and verify for ES256, ESP256, EdDSA (-8 and -19), ML-DSA-44/65/87
 * (RFC 9964, empty context) and HMAC 256/256; wrong payload and wrong key
 * type refused; malformed objects (attached payload, alg only unprotected,
 * HMAC inside COSE_Sign1, unknown alg, short tag, wrong tag, truncations)
 * refused with the right code.
 */
#include <stdlib.h>
#include <string.h>

#include "sg17/cbor.h"
#include "sg17/cose.h"
#include "sg17/crypto.h"
#include "sg17/pqc.h"
#include "tap.h"

static const uint8_t PAYLOAD[] = {0x82, 0x2f, 0x58, 0x20, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13,
                                  14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29,
                                  30, 31, 32};

static int make(sg17_buf *out, int64_t alg, sg17_pqc_key *k, const uint8_t *hmac)
{
    sg17_buf tbs;
    uint8_t *sig = NULL, mac[32];
    size_t sl = 0;
    int is_mac = alg == SG17_COSE_ALG_HMAC256;
    sg17_buf_init(&tbs, 1024);
    int rc = sg17_cose_tbs(&tbs, is_mac, alg, PAYLOAD, sizeof PAYLOAD);
    if (rc == 0 && is_mac) {
        rc = sg17_hmac(SG17_HASH_SHA256, hmac, 32, tbs.data, tbs.len, mac);
        sig = mac;
        sl = 32;
    } else if (rc == 0) {
        rc = sg17_pqc_sign(k, tbs.data, tbs.len, NULL, 0, 0, &sig, &sl);
    }
    if (rc == 0)
        rc = sg17_cose_encode(out, is_mac, alg, (const uint8_t *)"k", 1, sig, sl);
    if (sig != mac)
        free(sig);
    sg17_buf_free(&tbs, 0);
    return rc;
}

static void check_alg(const char *name, int64_t alg, const char *pqc_alg, sg17_cose_key_type t)
{
    sg17_pqc_key *k = NULL;
    uint8_t hmac[32];
    sg17_buf c;
    char why[256];
    size_t pl = 0;
    memset(hmac, 0x42, sizeof hmac);
    sg17_buf_init(&c, 1 << 16);
    if (pqc_alg != NULL && sg17_pqc_keygen(pqc_alg, &k) != 0) {
        tap_ok(0, "%s keygen", name);
        return;
    }
    sg17_cose_key key = {t, pqc_alg ? sg17_pqc_key_public(k, &pl) : hmac, pqc_alg ? pl : 32};
    tap_int_eq(make(&c, alg, k, hmac), 0, name);
    sg17_cose_info ci;
    tap_ok(sg17_cose_parse(c.data, c.len, &ci, why, sizeof why) == 0 && ci.alg == alg &&
               ci.tagged && ci.payload_detached && ci.is_mac == (alg == SG17_COSE_ALG_HMAC256),
           "%s: parse", name);
    tap_int_eq(sg17_cose_verify_detached(c.data, c.len, PAYLOAD, sizeof PAYLOAD, &key, why,
                                         sizeof why),
               0, "verifies");
    uint8_t other[sizeof PAYLOAD];
    memcpy(other, PAYLOAD, sizeof other);
    other[10] ^= 1;
    tap_int_eq(sg17_cose_verify_detached(c.data, c.len, other, sizeof other, &key, why, sizeof why),
               SG17_E_VERIFY, "other payload refused");
    c.data[c.len - 5] ^= 0x10;
    int rc = sg17_cose_verify_detached(c.data, c.len, PAYLOAD, sizeof PAYLOAD, &key, why,
                                       sizeof why);
    tap_ok(rc == SG17_E_VERIFY || rc == SG17_E_FORMAT, "flipped signature byte refused (%d)", rc);
    c.data[c.len - 5] ^= 0x10;
    uint8_t ed[32] = {0};
    sg17_cose_key wrong = {t == SG17_COSE_KEY_ED25519 ? SG17_COSE_KEY_HMAC : SG17_COSE_KEY_ED25519,
                           ed, 32};
    tap_int_eq(sg17_cose_verify_detached(c.data, c.len, PAYLOAD, sizeof PAYLOAD, &wrong, why,
                                         sizeof why),
               SG17_E_VERIFY, "key of another type refused");
    unsigned bad = 0;
    for (size_t l = 0; l < c.len; l++)
        bad += sg17_cose_verify_detached(c.data, l, PAYLOAD, sizeof PAYLOAD, &key, why,
                                         sizeof why) != 0;
    tap_ok(bad == c.len, "%s: all %zu truncations refused", name, c.len);
    sg17_buf_free(&c, 0);
    sg17_pqc_key_free(k);
}

/* [protected, unprotected, payload, sig] with chosen parts. */
static int raw_cose(sg17_buf *b, uint64_t tag, int alg_protected, int64_t alg, int attached,
                    size_t sig_len)
{
    uint8_t prot[8], sig[64] = {0};
    sg17_buf p;
    int rc;
    sg17_buf_init(&p, sizeof prot);
    rc = sg17_cbor_enc_map(&p, alg_protected ? 1 : 0);
    if (rc == 0 && alg_protected) {
        rc = sg17_cbor_enc_int(&p, 1);
        if (rc == 0)
            rc = sg17_cbor_enc_int(&p, alg);
    }
    if (rc == 0)
        memcpy(prot, p.data, p.len);
    if (rc == 0)
        rc = sg17_cbor_enc_tag(b, tag);
    if (rc == 0)
        rc = sg17_cbor_enc_array(b, 4);
    if (rc == 0)
        rc = sg17_cbor_enc_bstr(b, prot, p.len);
    if (rc == 0)
        rc = sg17_cbor_enc_map(b, alg_protected ? 0 : 1);
    if (rc == 0 && !alg_protected) {
        rc = sg17_cbor_enc_int(b, 1);
        if (rc == 0)
            rc = sg17_cbor_enc_int(b, alg);
    }
    if (rc == 0)
        rc = attached ? sg17_cbor_enc_bstr(b, PAYLOAD, sizeof PAYLOAD) : sg17_cbor_enc_null(b);
    if (rc == 0)
        rc = sg17_cbor_enc_bstr(b, sig, sig_len);
    sg17_buf_free(&p, 0);
    return rc;
}

int main(void)
{
    check_alg("ES256", SG17_COSE_ALG_ES256, "p256", SG17_COSE_KEY_P256);
    check_alg("ESP256", SG17_COSE_ALG_ESP256, "p256", SG17_COSE_KEY_P256);
    check_alg("EdDSA", SG17_COSE_ALG_EDDSA, "ed25519", SG17_COSE_KEY_ED25519);
    check_alg("Ed25519 (-19)", SG17_COSE_ALG_ED25519, "ed25519", SG17_COSE_KEY_ED25519);
    check_alg("ML-DSA-44", SG17_COSE_ALG_MLDSA44, "ml-dsa-44", SG17_COSE_KEY_MLDSA44);
    check_alg("ML-DSA-65", SG17_COSE_ALG_MLDSA65, "ml-dsa-65", SG17_COSE_KEY_MLDSA65);
    check_alg("ML-DSA-87", SG17_COSE_ALG_MLDSA87, "ml-dsa-87", SG17_COSE_KEY_MLDSA87);
    check_alg("HMAC256", SG17_COSE_ALG_HMAC256, NULL, SG17_COSE_KEY_HMAC);

    /* key type from a key file's algorithm name */
    static const struct {
        const char *name;
        sg17_cose_key_type want;
    } names[] = {
        {"p256", SG17_COSE_KEY_P256},
        {"ed25519", SG17_COSE_KEY_ED25519},
        {"ml-dsa-44", SG17_COSE_KEY_MLDSA44},
        {"ml-dsa-65", SG17_COSE_KEY_MLDSA65},
        {"ml-dsa-87", SG17_COSE_KEY_MLDSA87},
        {"hss-sha256-h5-w8", SG17_COSE_KEY_HSS},
        {"lms-sha256-192-h5-w8", SG17_COSE_KEY_HSS},
        {"hmac", SG17_COSE_KEY_HMAC},
        {"ml-dsa-66", SG17_COSE_KEY_NONE},
        {"", SG17_COSE_KEY_NONE},
        {"P256", SG17_COSE_KEY_NONE},
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        tap_int_eq(sg17_cose_key_type_from_name(names[i].name), names[i].want, names[i].name);
    tap_int_eq(sg17_cose_key_type_from_name(NULL), SG17_COSE_KEY_NONE, "NULL");

    uint8_t hk[32];
    memset(hk, 0x42, sizeof hk);
    sg17_cose_key hkey = {SG17_COSE_KEY_HMAC, hk, 32};
    char why[256];
    sg17_buf b;
    sg17_buf_init(&b, 4096);
    struct {
        uint64_t tag;
        int prot;
        int64_t alg;
        int attached;
        size_t sig_len;
        int want;
        const char *what;
    } bad[] = {
        {17, 1, 5, 1, 32, SG17_E_FORMAT, "attached payload"},
        {17, 0, 5, 0, 32, SG17_E_FORMAT, "alg only in the unprotected header"},
        {18, 1, 5, 0, 32, SG17_E_FORMAT, "HMAC inside a COSE_Sign1"},
        {17, 1, -7, 0, 64, SG17_E_FORMAT, "ES256 inside a COSE_Mac0"},
        {18, 1, -35, 0, 64, SG17_E_UNSUPPORTED, "unknown alg (ES384)"},
        {17, 1, 5, 0, 16, SG17_E_FORMAT, "truncated HMAC tag"},
        {98, 1, 5, 0, 32, SG17_E_FORMAT, "COSE_Sign tag"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        sg17_buf_reset(&b);
        if (raw_cose(&b, bad[i].tag, bad[i].prot, bad[i].alg, bad[i].attached, bad[i].sig_len) !=
            0) {
            tap_ok(0, "encode");
            continue;
        }
        why[0] = 0;
        tap_int_eq(sg17_cose_verify_detached(b.data, b.len, PAYLOAD, sizeof PAYLOAD, &hkey, why,
                                             sizeof why),
                   bad[i].want, bad[i].what);
        tap_ok(why[0] != 0, "reason given: %s", why);
    }
    /* crit header present: refused (we understand no critical header). */
    {
        static const uint8_t crit_cose[] = {
            0xd1, 0x84, 0x46, 0xa2, 0x01, 0x05, 0x02, 0x81, 0x05, 0xa0, 0xf6, 0x58, 0x20,
            0,    0,    0,    0,    0,    0,    0,    0,    0,    0,    0,    0,    0,
            0,    0,    0,    0,    0,    0,    0,    0,    0,    0,    0,    0,    0,
            0,    0,    0,    0,    0,    0};
        tap_int_eq(sg17_cose_verify_detached(crit_cose, sizeof crit_cose, PAYLOAD, sizeof PAYLOAD,
                                             &hkey, why, sizeof why),
                   SG17_E_UNSUPPORTED, "critical header refused");
        tap_ok(strstr(why, "critical") != NULL, "reason: %s", why);
    }
    sg17_buf_free(&b, 0);
    return tap_done();
}
