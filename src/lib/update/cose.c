/*
 * COSE_Sign1 / COSE_Mac0 with detached payload (RFC 9052 §4, §6) for the
 * SUIT authentication wrapper (draft-ietf-suit-manifest §8.3).
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "sg17/cbor.h"
#include "sg17/cose.h"
#include "sg17/crypto.h"
#include "sg17/lms.h"
#include "sg17/mldsa.h"
#include "update_internal.h"

void sg17_suit_why(char *why, size_t n, const char *fmt, ...)
{
    if (why == NULL || n == 0)
        return;
    va_list ap;
    va_start(ap, fmt);
    (void)vsnprintf(why, n, fmt, ap);
    va_end(ap);
}

int sg17_cose_key_is_pq(sg17_cose_key_type type)
{
    return type == SG17_COSE_KEY_HSS || type == SG17_COSE_KEY_MLDSA44 ||
           type == SG17_COSE_KEY_MLDSA65 || type == SG17_COSE_KEY_MLDSA87;
}

const char *sg17_cose_key_type_name(sg17_cose_key_type type)
{
    switch (type) {
    case SG17_COSE_KEY_P256: return "p256";
    case SG17_COSE_KEY_ED25519: return "ed25519";
    case SG17_COSE_KEY_HMAC: return "hmac-sha256";
    case SG17_COSE_KEY_HSS: return "hss-lms";
    case SG17_COSE_KEY_MLDSA44: return "ml-dsa-44";
    case SG17_COSE_KEY_MLDSA65: return "ml-dsa-65";
    case SG17_COSE_KEY_MLDSA87: return "ml-dsa-87";
    case SG17_COSE_KEY_NONE: break;
    }
    return "none";
}

sg17_cose_key_type sg17_cose_key_type_from_name(const char *alg)
{
    if (alg == NULL)
        return SG17_COSE_KEY_NONE;
    if (strcmp(alg, "p256") == 0)
        return SG17_COSE_KEY_P256;
    if (strcmp(alg, "ed25519") == 0)
        return SG17_COSE_KEY_ED25519;
    if (strcmp(alg, "ml-dsa-44") == 0)
        return SG17_COSE_KEY_MLDSA44;
    if (strcmp(alg, "ml-dsa-65") == 0)
        return SG17_COSE_KEY_MLDSA65;
    if (strcmp(alg, "ml-dsa-87") == 0)
        return SG17_COSE_KEY_MLDSA87;
    if (strncmp(alg, "hss-", 4) == 0 || strncmp(alg, "lms-", 4) == 0)
        return SG17_COSE_KEY_HSS;
    if (strcmp(alg, "hmac") == 0)
        return SG17_COSE_KEY_HMAC;
    return SG17_COSE_KEY_NONE;
}

const char *sg17_cose_alg_name(int64_t alg)
{
    switch (alg) {
    case SG17_COSE_ALG_ES256: return "ES256";
    case SG17_COSE_ALG_ESP256: return "ESP256";
    case SG17_COSE_ALG_EDDSA: return "EdDSA";
    case SG17_COSE_ALG_ED25519: return "Ed25519";
    case SG17_COSE_ALG_HMAC256: return "HMAC256";
    case SG17_COSE_ALG_HSS_LMS: return "HSS-LMS";
    case SG17_COSE_ALG_MLDSA44: return "ML-DSA-44";
    case SG17_COSE_ALG_MLDSA65: return "ML-DSA-65";
    case SG17_COSE_ALG_MLDSA87: return "ML-DSA-87";
    default: return "unknown";
    }
}

int sg17_cose_alg_matches_key(int64_t alg, sg17_cose_key_type type)
{
    switch (alg) {
    case SG17_COSE_ALG_ES256:
    case SG17_COSE_ALG_ESP256: return type == SG17_COSE_KEY_P256;
    case SG17_COSE_ALG_EDDSA:
    case SG17_COSE_ALG_ED25519: return type == SG17_COSE_KEY_ED25519;
    case SG17_COSE_ALG_HMAC256: return type == SG17_COSE_KEY_HMAC;
    case SG17_COSE_ALG_HSS_LMS: return type == SG17_COSE_KEY_HSS;
    case SG17_COSE_ALG_MLDSA44: return type == SG17_COSE_KEY_MLDSA44;
    case SG17_COSE_ALG_MLDSA65: return type == SG17_COSE_KEY_MLDSA65;
    case SG17_COSE_ALG_MLDSA87: return type == SG17_COSE_KEY_MLDSA87;
    default: return 0;
    }
}

static int known_alg(int64_t alg)
{
    return strcmp(sg17_cose_alg_name(alg), "unknown") != 0;
}

/* The parts of a decoded COSE_Sign1/Mac0, borrowed from its item tree. */
typedef struct cose_parts {
    const uint8_t *prot;
    size_t prot_len;
    const uint8_t *sig;
    size_t sig_len;
    sg17_cose_info info;
} cose_parts;

static int split(const cbor_item_t *root, cose_parts *p, char *why, size_t wn)
{
    const cbor_item_t *arr = root;
    uint64_t tag = 0;
    size_t n = 0;
    memset(p, 0, sizeof *p);
    p->info.is_mac = -1;
    if (sg17_cbor_get_tag(root, &tag, &arr) == 0) {
        if (tag != SG17_COSE_TAG_SIGN1 && tag != SG17_COSE_TAG_MAC0) {
            sg17_suit_why(why, wn, "COSE: tag %llu is neither COSE_Sign1 (18) nor COSE_Mac0 (17)",
                          (unsigned long long)tag);
            return SG17_E_FORMAT;
        }
        p->info.tagged = 1;
        p->info.is_mac = tag == SG17_COSE_TAG_MAC0;
    }
    if (sg17_cbor_get_array(arr, &n) != 0 || n != 4) {
        sg17_suit_why(why, wn, "COSE: not an array of 4 items");
        return SG17_E_FORMAT;
    }
    const cbor_item_t *ph = sg17_cbor_array_at(arr, 0);
    const cbor_item_t *uh = sg17_cbor_array_at(arr, 1);
    const cbor_item_t *pl = sg17_cbor_array_at(arr, 2);
    const cbor_item_t *sg = sg17_cbor_array_at(arr, 3);
    if (sg17_cbor_get_bstr(ph, &p->prot, &p->prot_len) != 0 || !cbor_isa_map(uh) ||
        sg17_cbor_get_bstr(sg, &p->sig, &p->sig_len) != 0) {
        sg17_suit_why(why, wn, "COSE: protected must be bstr, unprotected a map, signature bstr");
        return SG17_E_FORMAT;
    }
    p->info.payload_detached = suit_is_null(pl);
    p->info.sig_len = p->sig_len;
    /* The alg must be integrity-protected (RFC 9052 §3.1). */
    cbor_item_t *hm = NULL;
    const cbor_item_t *a = NULL;
    int rc = sg17_cbor_decode(p->prot, p->prot_len, NULL, &hm, NULL);
    if (rc == 0)
        rc = sg17_cbor_map_get_int(hm, 1, &a);
    if (rc == 0)
        rc = sg17_cbor_get_int(a, &p->info.alg);
    /* crit (label 2) lists headers the recipient must understand; we
     * understand none beyond alg, so refuse (RFC 9052 §3.1). */
    const cbor_item_t *crit = NULL;
    int has_crit = rc == 0 && sg17_cbor_map_get_int(hm, 2, &crit) != SG17_E_NOTFOUND;
    sg17_cbor_free(hm);
    if (rc != 0) {
        sg17_suit_why(why, wn, "COSE: protected header has no integer alg (label 1)");
        return SG17_E_FORMAT;
    }
    if (has_crit) {
        sg17_suit_why(why, wn, "COSE: critical headers (label 2) are not supported");
        return SG17_E_UNSUPPORTED;
    }
    if (p->info.is_mac < 0)
        p->info.is_mac = p->info.alg == SG17_COSE_ALG_HMAC256;
    return 0;
}

int sg17_cose_parse(const uint8_t *cose, size_t len, sg17_cose_info *info, char *why, size_t wn)
{
    cbor_item_t *root = NULL;
    cose_parts p;
    sg17_cbor_limits lim = {SG17_COSE_MAX_BYTES, 8, 256};
    if (cose == NULL || info == NULL)
        return SG17_E_INVAL;
    int rc = sg17_cbor_decode(cose, len, &lim, &root, NULL);
    if (rc != 0) {
        sg17_suit_why(why, wn, "COSE: not well-formed CBOR (%s)", sg17_strerror(rc));
        return rc == SG17_E_LIMIT ? rc : SG17_E_FORMAT;
    }
    rc = split(root, &p, why, wn);
    if (rc == 0)
        *info = p.info;
    sg17_cbor_free(root);
    return rc;
}

static int tbs_build(sg17_buf *out, int is_mac, const uint8_t *prot, size_t prot_len,
                     const uint8_t *payload, size_t payload_len)
{
    const char *ctx = is_mac ? "MAC0" : "Signature1";
    int rc = sg17_cbor_enc_array(out, 4);
    if (rc == 0)
        rc = sg17_cbor_enc_tstr(out, ctx, strlen(ctx));
    if (rc == 0)
        rc = sg17_cbor_enc_bstr(out, prot, prot_len);
    if (rc == 0)
        rc = sg17_cbor_enc_bstr(out, NULL, 0);
    if (rc == 0)
        rc = sg17_cbor_enc_bstr(out, payload, payload_len);
    return rc;
}

static int prot_alg(uint8_t out[16], size_t *n, int64_t alg)
{
    sg17_buf b;
    sg17_buf_init(&b, 16);
    int rc = sg17_cbor_enc_map(&b, 1);
    if (rc == 0)
        rc = sg17_cbor_enc_int(&b, 1);
    if (rc == 0)
        rc = sg17_cbor_enc_int(&b, alg);
    if (rc == 0) {
        memcpy(out, b.data, b.len);
        *n = b.len;
    }
    sg17_buf_free(&b, 0);
    return rc;
}

int sg17_cose_tbs(sg17_buf *out, int is_mac, int64_t alg, const uint8_t *payload,
                  size_t payload_len)
{
    uint8_t prot[16];
    size_t pn = 0;
    if (out == NULL)
        return SG17_E_INVAL;
    int rc = prot_alg(prot, &pn, alg);
    return rc != 0 ? rc : tbs_build(out, is_mac, prot, pn, payload, payload_len);
}

int sg17_cose_encode(sg17_buf *out, int is_mac, int64_t alg, const uint8_t *kid, size_t kid_len,
                     const uint8_t *sig, size_t sig_len)
{
    uint8_t prot[16];
    size_t pn = 0;
    if (out == NULL || sig == NULL)
        return SG17_E_INVAL;
    int rc = prot_alg(prot, &pn, alg);
    if (rc == 0)
        rc = sg17_cbor_enc_tag(out, is_mac ? SG17_COSE_TAG_MAC0 : SG17_COSE_TAG_SIGN1);
    if (rc == 0)
        rc = sg17_cbor_enc_array(out, 4);
    if (rc == 0)
        rc = sg17_cbor_enc_bstr(out, prot, pn);
    if (rc == 0)
        rc = sg17_cbor_enc_map(out, kid_len > 0 ? 1 : 0);
    if (rc == 0 && kid_len > 0) {
        rc = sg17_cbor_enc_int(out, 4);
        if (rc == 0)
            rc = sg17_cbor_enc_bstr(out, kid, kid_len);
    }
    if (rc == 0)
        rc = sg17_cbor_enc_null(out);
    if (rc == 0)
        rc = sg17_cbor_enc_bstr(out, sig, sig_len);
    return rc;
}

static int check_one(const cose_parts *p, const uint8_t *tbs, size_t tbs_len,
                     const sg17_cose_key *key)
{
    switch (key->type) {
    case SG17_COSE_KEY_P256:
        if (p->sig_len != 64)
            return SG17_E_FORMAT;
        return sg17_p256_verify(p->sig, key->key, key->key_len, tbs, tbs_len);
    case SG17_COSE_KEY_ED25519:
        if (p->sig_len != 64 || key->key_len != 32)
            return SG17_E_FORMAT;
        return sg17_ed25519_verify(p->sig, key->key, tbs, tbs_len);
    case SG17_COSE_KEY_HMAC: {
        uint8_t mac[32];
        if (p->sig_len != 32)
            return SG17_E_FORMAT;
        int rc = sg17_hmac(SG17_HASH_SHA256, key->key, key->key_len, tbs, tbs_len, mac);
        if (rc == 0 && !sg17_ct_memeq(mac, p->sig, 32))
            rc = SG17_E_VERIFY;
        sg17_memzero(mac, sizeof mac);
        return rc;
    }
    case SG17_COSE_KEY_HSS:
        return sg17_hss_verify(key->key, key->key_len, tbs, tbs_len, p->sig, p->sig_len);
    case SG17_COSE_KEY_MLDSA44:
    case SG17_COSE_KEY_MLDSA65:
    case SG17_COSE_KEY_MLDSA87: {
        sg17_mldsa_param prm = key->type == SG17_COSE_KEY_MLDSA44   ? SG17_MLDSA_44
                               : key->type == SG17_COSE_KEY_MLDSA65 ? SG17_MLDSA_65
                                                                    : SG17_MLDSA_87;
        return sg17_mldsa_verify(prm, p->sig, p->sig_len, key->key, key->key_len, tbs, tbs_len,
                                 NULL, 0);
    }
    case SG17_COSE_KEY_NONE: break;
    }
    return SG17_E_INVAL;
}

int sg17_cose_verify_detached(const uint8_t *cose, size_t len, const uint8_t *payload,
                              size_t payload_len, const sg17_cose_key *key, char *why, size_t wn)
{
    cbor_item_t *root = NULL;
    cose_parts p;
    sg17_buf tbs;
    sg17_cbor_limits lim = {SG17_COSE_MAX_BYTES, 8, 256};
    if (cose == NULL || key == NULL || (payload == NULL && payload_len > 0) ||
        (key->key == NULL && key->key_len > 0))
        return SG17_E_INVAL;
    sg17_buf_init(&tbs, payload_len + 1024);
    int rc = sg17_cbor_decode(cose, len, &lim, &root, NULL);
    if (rc != 0) {
        sg17_suit_why(why, wn, "COSE: not well-formed CBOR (%s)", sg17_strerror(rc));
        rc = SG17_E_FORMAT;
        goto cleanup;
    }
    rc = split(root, &p, why, wn);
    if (rc != 0)
        goto cleanup;
    if (!p.info.payload_detached) {
        sg17_suit_why(why, wn, "COSE: payload is not detached (nil)");
        rc = SG17_E_FORMAT;
        goto cleanup;
    }
    if (!known_alg(p.info.alg)) {
        sg17_suit_why(why, wn, "COSE: unsupported algorithm %lld", (long long)p.info.alg);
        rc = SG17_E_UNSUPPORTED;
        goto cleanup;
    }
    if ((p.info.alg == SG17_COSE_ALG_HMAC256) != (p.info.is_mac == 1)) {
        sg17_suit_why(why, wn, "COSE: %s not allowed in a %s", sg17_cose_alg_name(p.info.alg),
                      p.info.is_mac ? "COSE_Mac0" : "COSE_Sign1");
        rc = SG17_E_FORMAT;
        goto cleanup;
    }
    if (!sg17_cose_alg_matches_key(p.info.alg, key->type)) {
        sg17_suit_why(why, wn, "COSE: %s signature, key is %s", sg17_cose_alg_name(p.info.alg),
                      sg17_cose_key_type_name(key->type));
        rc = SG17_E_VERIFY;
        goto cleanup;
    }
    rc = tbs_build(&tbs, p.info.is_mac, p.prot, p.prot_len, payload, payload_len);
    if (rc != 0)
        goto cleanup;
    rc = check_one(&p, tbs.data, tbs.len, key);
    if (rc == SG17_E_VERIFY)
        sg17_suit_why(why, wn, "COSE: %s %s does not verify with the %s key",
                      sg17_cose_alg_name(p.info.alg), p.info.is_mac ? "tag" : "signature",
                      sg17_cose_key_type_name(key->type));
    else if (rc != 0)
        sg17_suit_why(why, wn, "COSE: %s %s malformed (%s)", sg17_cose_alg_name(p.info.alg),
                      p.info.is_mac ? "tag" : "signature", sg17_strerror(rc));
cleanup:
    sg17_buf_free(&tbs, 0);
    sg17_cbor_free(root);
    return rc;
}
