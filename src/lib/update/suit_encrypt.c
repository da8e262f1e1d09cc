/*
 * SUIT_Encryption_Info (draft-ietf-suit-firmware-encryption): COSE_Encrypt
 * (RFC 9052 §5.1) with a detached ciphertext; recipients A128KW (RFC 9053
 * §6.2.1), ECDH-ES+A128KW (RFC 9053 §6.4, HKDF-SHA256 with the COSE_KDF_Context
 * of RFC 9053 §5.2 and SuppPubInfo.other = "SUIT Payload Encryption") and the
 * sg17 ML-KEM-768 key-transport profile (docs/SUIT.md): the same KDF with the
 * ML-KEM shared secret as IKM. Content: A128GCM (AAD = Enc_structure) or
 * A128CTR.
 */
#include <string.h>

#include "sg17/cbor.h"
#include "sg17/crypto.h"
#include "sg17/mlkem.h"
#include "sg17/suit.h"
#include "update_internal.h"

static const char KDF_OTHER[] = "SUIT Payload Encryption";

/* COSE_KDF_Context [AlgorithmID -3, PartyU [nil x3], PartyV [nil x3],
 * SuppPubInfo [128, protected, other]] (RFC 9053 §5.2). */
static int kdf_context(sg17_buf *b, const uint8_t *prot, size_t prot_len)
{
    int rc = sg17_cbor_enc_array(b, 4);
    if (rc == 0)
        rc = sg17_cbor_enc_int(b, SG17_SUIT_KEY_A128KW);
    for (int party = 0; party < 2 && rc == 0; party++) {
        rc = sg17_cbor_enc_array(b, 3);
        for (int i = 0; i < 3 && rc == 0; i++)
            rc = sg17_cbor_enc_null(b);
    }
    if (rc == 0)
        rc = sg17_cbor_enc_array(b, 3);
    if (rc == 0)
        rc = sg17_cbor_enc_uint(b, 128);
    if (rc == 0)
        rc = sg17_cbor_enc_bstr(b, prot, prot_len);
    if (rc == 0)
        rc = sg17_cbor_enc_bstr(b, (const uint8_t *)KDF_OTHER, sizeof KDF_OTHER - 1);
    return rc;
}

static int derive_kek(uint8_t kek[16], const uint8_t *ikm, size_t ikm_len, const uint8_t *prot,
                      size_t prot_len)
{
    sg17_buf ctx;
    sg17_buf_init(&ctx, 256 + prot_len);
    int rc = kdf_context(&ctx, prot, prot_len);
    if (rc == 0)
        rc = sg17_hkdf(SG17_HASH_SHA256, NULL, 0, ikm, ikm_len, ctx.data, ctx.len, kek, 16);
    sg17_buf_free(&ctx, 0);
    return rc;
}

/* Header value: protected map first, then unprotected (RFC 9052 §3). */
static const cbor_item_t *hdr(const cbor_item_t *prot_map, const cbor_item_t *unprot, int64_t l)
{
    const cbor_item_t *v = NULL;
    if (prot_map != NULL && sg17_cbor_map_get_int(prot_map, l, &v) == 0)
        return v;
    if (unprot != NULL && sg17_cbor_map_get_int(unprot, l, &v) == 0)
        return v;
    return NULL;
}

static int ec2_point(const cbor_item_t *k, uint8_t pub[65])
{
    const cbor_item_t *v;
    const uint8_t *x, *y;
    size_t xl, yl;
    int64_t kty, crv;
    if (k == NULL || sg17_cbor_map_get_int(k, 1, &v) != 0 || sg17_cbor_get_int(v, &kty) != 0 ||
        kty != 2 || sg17_cbor_map_get_int(k, -1, &v) != 0 || sg17_cbor_get_int(v, &crv) != 0 ||
        crv != 1 || sg17_cbor_map_get_int(k, -2, &v) != 0 || sg17_cbor_get_bstr(v, &x, &xl) != 0 ||
        sg17_cbor_map_get_int(k, -3, &v) != 0 || sg17_cbor_get_bstr(v, &y, &yl) != 0 ||
        xl != 32 || yl != 32)
        return SG17_E_FORMAT;
    pub[0] = 4;
    memcpy(pub + 1, x, 32);
    memcpy(pub + 33, y, 32);
    return 0;
}

/* Try to open one recipient with one key: CEK into cek (16 bytes). */
static int open_recipient(const cbor_item_t *rc_arr, const sg17_suit_dec_key *k, uint8_t cek[16])
{
    const uint8_t *rprot, *wrapped;
    size_t rprot_len, wrapped_len, n = 0;
    cbor_item_t *pm = NULL;
    int64_t alg = 0;
    uint8_t kek[16], ikm[32];
    int rc = SG17_E_FORMAT;
    if (sg17_cbor_get_array(rc_arr, &n) != 0 || n < 3 ||
        sg17_cbor_get_bstr(sg17_cbor_array_at(rc_arr, 0), &rprot, &rprot_len) != 0 ||
        sg17_cbor_get_bstr(sg17_cbor_array_at(rc_arr, 2), &wrapped, &wrapped_len) != 0 ||
        wrapped_len != 24)
        return SG17_E_FORMAT;
    const cbor_item_t *unprot = sg17_cbor_array_at(rc_arr, 1);
    if (rprot_len > 0 && suit_decode_inner(rprot, rprot_len, &pm) != 0)
        return SG17_E_FORMAT;
    const cbor_item_t *a = hdr(pm, unprot, 1);
    if (a == NULL || sg17_cbor_get_int(a, &alg) != 0)
        goto cleanup;
    if (alg == SG17_SUIT_KEY_A128KW && k->type == SG17_SUIT_DEC_A128KW && k->key_len == 16) {
        memcpy(kek, k->key, 16);
        rc = 0;
    } else if (alg == SG17_SUIT_KEY_ECDH_ES_A128KW && k->type == SG17_SUIT_DEC_ECDH_P256 &&
               k->key_len == 32) {
        uint8_t pub[65];
        rc = ec2_point(hdr(pm, unprot, -1), pub);
        if (rc == 0)
            rc = sg17_p256_ecdh(ikm, k->key, pub, sizeof pub);
        if (rc == 0)
            rc = derive_kek(kek, ikm, 32, rprot, rprot_len);
    } else if (alg == SG17_SUIT_KEY_MLKEM768_A128KW && k->type == SG17_SUIT_DEC_MLKEM768) {
        const cbor_item_t *c = hdr(pm, unprot, SG17_SUIT_HDR_MLKEM_CT);
        const uint8_t *ct;
        size_t ctl;
        rc = c == NULL || sg17_cbor_get_bstr(c, &ct, &ctl) != 0 ? SG17_E_FORMAT : 0;
        if (rc == 0)
            rc = k->key_len == SG17_MLKEM_SEED_BYTES
                     ? sg17_mlkem_decaps_seed(SG17_MLKEM_768, ikm, ct, ctl, k->key, k->key_len)
                     : sg17_mlkem_decaps(SG17_MLKEM_768, ikm, ct, ctl, k->key, k->key_len);
        if (rc == 0)
            rc = derive_kek(kek, ikm, 32, rprot, rprot_len);
    } else {
        rc = SG17_E_NOTFOUND; /* this key does not serve this recipient */
    }
    if (rc == 0)
        rc = sg17_aes_kw_unwrap(kek, 16, wrapped, wrapped_len, cek);
cleanup:
    sg17_memzero(kek, sizeof kek);
    sg17_memzero(ikm, sizeof ikm);
    sg17_cbor_free(pm);
    return rc;
}

static int content_decrypt(int64_t alg, const uint8_t *cek, const uint8_t *iv, size_t iv_len,
                           const uint8_t *prot, size_t prot_len, const uint8_t *ct, size_t ct_len,
                           sg17_buf *pt, char *why, size_t wn)
{
    size_t n = alg == SG17_SUIT_ENC_A128GCM ? ct_len - 16 : ct_len;
    int rc;
    if (alg == SG17_SUIT_ENC_A128GCM && ct_len < 16) {
        sg17_suit_why(why, wn, "encryption: A128GCM ciphertext shorter than its tag");
        return SG17_E_FORMAT;
    }
    rc = sg17_buf_reserve(pt, n + 1);
    if (rc != 0)
        return rc;
    uint8_t *out = pt->data + pt->len;
    if (alg == SG17_SUIT_ENC_A128GCM) {
        sg17_buf aad;
        static const char ctx[] = "Encrypt";
        sg17_buf_init(&aad, prot_len + 32);
        rc = sg17_cbor_enc_array(&aad, 3);
        if (rc == 0)
            rc = sg17_cbor_enc_tstr(&aad, ctx, sizeof ctx - 1);
        if (rc == 0)
            rc = sg17_cbor_enc_bstr(&aad, prot, prot_len);
        if (rc == 0)
            rc = sg17_cbor_enc_bstr(&aad, NULL, 0);
        if (rc == 0)
            rc = sg17_aes_gcm_open(cek, 16, iv, iv_len, aad.data, aad.len, ct, n, ct + n, out);
        sg17_buf_free(&aad, 0);
        if (rc == SG17_E_VERIFY)
            sg17_suit_why(why, wn, "encryption: A128GCM tag does not verify");
    } else if (alg == SG17_SUIT_ENC_A128CTR) {
        if (iv_len != 16) {
            sg17_suit_why(why, wn, "encryption: A128CTR needs a 16-byte IV");
            return SG17_E_FORMAT;
        }
        rc = sg17_aes_ctr(cek, 16, iv, ct, n, out);
    } else {
        sg17_suit_why(why, wn, "encryption: content algorithm %lld not supported", (long long)alg);
        return SG17_E_UNSUPPORTED;
    }
    if (rc == 0)
        pt->len += n;
    return rc;
}

int sg17_suit_decrypt(const uint8_t *encinfo, size_t encinfo_len, const sg17_suit_dec_key *keys,
                      size_t n_keys, const uint8_t *ct, size_t ct_len, sg17_buf *pt, char *why,
                      size_t wn)
{
    cbor_item_t *root = NULL, *pm = NULL;
    const cbor_item_t *arr = NULL, *unprot, *recips, *a, *ivi;
    const uint8_t *prot = NULL, *iv = NULL;
    size_t prot_len = 0, iv_len = 0, n = 0, nr = 0;
    uint64_t tag;
    int64_t alg = 0;
    uint8_t cek[16];
    int rc, opened = 0;
    if (encinfo == NULL || pt == NULL || (keys == NULL && n_keys > 0) || (ct == NULL && ct_len))
        return SG17_E_INVAL;
    rc = suit_decode_inner(encinfo, encinfo_len, &root);
    if (rc != 0) {
        sg17_suit_why(why, wn, "encryption-info: not well-formed CBOR");
        return rc == SG17_E_LIMIT ? rc : SG17_E_FORMAT;
    }
    arr = root;
    if (sg17_cbor_get_tag(root, &tag, &arr) == 0 && tag != SG17_COSE_TAG_ENCRYPT)
        goto bad;
    if (sg17_cbor_get_array(arr, &n) != 0 || n != 4 ||
        sg17_cbor_get_bstr(sg17_cbor_array_at(arr, 0), &prot, &prot_len) != 0)
        goto bad;
    unprot = sg17_cbor_array_at(arr, 1);
    recips = sg17_cbor_array_at(arr, 3);
    if (!cbor_isa_map(unprot) || sg17_cbor_get_array(recips, &nr) != 0 || nr == 0)
        goto bad;
    if (prot_len > 0 && suit_decode_inner(prot, prot_len, &pm) != 0)
        goto bad;
    a = hdr(pm, unprot, 1);
    ivi = hdr(pm, unprot, 5);
    if (a == NULL || sg17_cbor_get_int(a, &alg) != 0 || ivi == NULL ||
        sg17_cbor_get_bstr(ivi, &iv, &iv_len) != 0 || iv_len == 0)
        goto bad;
    if (!suit_is_null(sg17_cbor_array_at(arr, 2))) {
        /* attached ciphertext */
        if (sg17_cbor_get_bstr(sg17_cbor_array_at(arr, 2), &ct, &ct_len) != 0)
            goto bad;
    }
    if (ct == NULL) {
        sg17_suit_why(why, wn, "encryption-info: detached ciphertext not supplied");
        rc = SG17_E_INVAL;
        goto cleanup;
    }
    for (size_t r = 0; r < nr && !opened; r++)
        for (size_t k = 0; k < n_keys && !opened; k++)
            opened = open_recipient(sg17_cbor_array_at(recips, r), &keys[k], cek) == 0;
    if (!opened) {
        sg17_suit_why(why, wn, "encryption: no device key opens any of the %zu recipients", nr);
        rc = SG17_E_VERIFY;
        goto cleanup;
    }
    rc = content_decrypt(alg, cek, iv, iv_len, prot, prot_len, ct, ct_len, pt, why, wn);
    goto cleanup;
bad:
    sg17_suit_why(why, wn, "encryption-info: not a COSE_Encrypt with alg, IV and recipients");
    rc = SG17_E_FORMAT;
cleanup:
    sg17_memzero(cek, sizeof cek);
    sg17_cbor_free(pm);
    sg17_cbor_free(root);
    return rc;
}

/* Recipient [protected, unprotected, wrapped CEK]. */
static int enc_recipient(sg17_buf *b, const sg17_suit_recipient *r, const uint8_t cek[16])
{
    uint8_t kek[16], ikm[32], wrapped[24], prot[16];
    uint8_t eph_sk[32], eph_pk[65];
    uint8_t *kct = NULL;
    size_t prot_len = 0, kct_len = SG17_MLKEM768_CIPHERTEXT_BYTES;
    sg17_buf pb;
    int rc = 0;
    sg17_buf_init(&pb, sizeof prot);
    if (r->alg != SG17_SUIT_KEY_A128KW) {
        rc = sg17_cbor_enc_map(&pb, 1);
        if (rc == 0)
            rc = sg17_cbor_enc_int(&pb, 1);
        if (rc == 0)
            rc = sg17_cbor_enc_int(&pb, r->alg);
        if (rc == 0) {
            memcpy(prot, pb.data, pb.len);
            prot_len = pb.len;
        }
    }
    sg17_buf_free(&pb, 0);
    if (rc != 0)
        return rc;
    if (r->alg == SG17_SUIT_KEY_A128KW) {
        if (r->key_len != 16)
            return SG17_E_INVAL;
        memcpy(kek, r->key, 16);
    } else if (r->alg == SG17_SUIT_KEY_ECDH_ES_A128KW) {
        rc = sg17_p256_keygen(eph_sk, eph_pk);
        if (rc == 0)
            rc = sg17_p256_ecdh(ikm, eph_sk, r->key, r->key_len);
        if (rc == 0)
            rc = derive_kek(kek, ikm, 32, prot, prot_len);
    } else if (r->alg == SG17_SUIT_KEY_MLKEM768_A128KW) {
        kct = malloc(kct_len);
        rc = kct == NULL ? SG17_E_NOMEM : 0;
        if (rc == 0)
            rc = sg17_mlkem_encaps(SG17_MLKEM_768, kct, kct_len, ikm, r->key, r->key_len);
        if (rc == 0)
            rc = derive_kek(kek, ikm, 32, prot, prot_len);
    } else {
        return SG17_E_UNSUPPORTED;
    }
    if (rc == 0)
        rc = sg17_aes_kw_wrap(kek, 16, cek, 16, wrapped);
    size_t nh = r->kid_len > 0 ? 2 : 1;
    if (rc == 0)
        rc = sg17_cbor_enc_array(b, 3);
    if (rc == 0)
        rc = sg17_cbor_enc_bstr(b, prot, prot_len);
    if (rc == 0)
        rc = sg17_cbor_enc_map(b, nh);
    if (rc == 0 && r->alg == SG17_SUIT_KEY_A128KW) {
        rc = sg17_cbor_enc_int(b, 1);
        if (rc == 0)
            rc = sg17_cbor_enc_int(b, r->alg);
    }
    if (rc == 0 && r->alg == SG17_SUIT_KEY_ECDH_ES_A128KW) {
        rc = sg17_cbor_enc_int(b, -1);
        if (rc == 0)
            rc = sg17_cbor_enc_map(b, 4);
        if (rc == 0)
            rc = sg17_cbor_enc_int(b, 1);
        if (rc == 0)
            rc = sg17_cbor_enc_int(b, 2);
        if (rc == 0)
            rc = sg17_cbor_enc_int(b, -1);
        if (rc == 0)
            rc = sg17_cbor_enc_int(b, 1);
        if (rc == 0)
            rc = sg17_cbor_enc_int(b, -2);
        if (rc == 0)
            rc = sg17_cbor_enc_bstr(b, eph_pk + 1, 32);
        if (rc == 0)
            rc = sg17_cbor_enc_int(b, -3);
        if (rc == 0)
            rc = sg17_cbor_enc_bstr(b, eph_pk + 33, 32);
    }
    if (rc == 0 && r->kid_len > 0) {
        rc = sg17_cbor_enc_int(b, 4);
        if (rc == 0)
            rc = sg17_cbor_enc_bstr(b, r->kid, r->kid_len);
    }
    if (rc == 0 && r->alg == SG17_SUIT_KEY_MLKEM768_A128KW) {
        rc = sg17_cbor_enc_int(b, SG17_SUIT_HDR_MLKEM_CT);
        if (rc == 0)
            rc = sg17_cbor_enc_bstr(b, kct, kct_len);
    }
    if (rc == 0)
        rc = sg17_cbor_enc_bstr(b, wrapped, sizeof wrapped);
    free(kct);
    sg17_memzero(kek, sizeof kek);
    sg17_memzero(ikm, sizeof ikm);
    sg17_memzero(eph_sk, sizeof eph_sk);
    return rc;
}

int sg17_suit_encrypt(const sg17_suit_recipient *r, int64_t content_alg, const uint8_t *pt,
                      size_t pt_len, sg17_buf *encinfo, sg17_buf *ct)
{
    uint8_t cek[16], iv[16], prot[16];
    size_t iv_len = content_alg == SG17_SUIT_ENC_A128GCM ? 12 : 16, prot_len = 0;
    sg17_buf pb;
    int rc;
    if (r == NULL || encinfo == NULL || ct == NULL || (pt == NULL && pt_len > 0) ||
        (r->key == NULL && r->key_len > 0))
        return SG17_E_INVAL;
    if (content_alg != SG17_SUIT_ENC_A128GCM && content_alg != SG17_SUIT_ENC_A128CTR)
        return SG17_E_UNSUPPORTED;
    rc = sg17_randombytes(cek, sizeof cek);
    if (rc == 0)
        rc = sg17_randombytes(iv, iv_len);
    /* GCM: alg protected (it is in the AAD); CTR has no AAD: alg unprotected
     * as in the draft's examples. */
    sg17_buf_init(&pb, sizeof prot);
    if (rc == 0 && content_alg == SG17_SUIT_ENC_A128GCM) {
        rc = sg17_cbor_enc_map(&pb, 1);
        if (rc == 0)
            rc = sg17_cbor_enc_int(&pb, 1);
        if (rc == 0)
            rc = sg17_cbor_enc_int(&pb, content_alg);
        if (rc == 0) {
            memcpy(prot, pb.data, pb.len);
            prot_len = pb.len;
        }
    }
    sg17_buf_free(&pb, 0);
    if (rc == 0)
        rc = sg17_cbor_enc_tag(encinfo, SG17_COSE_TAG_ENCRYPT);
    if (rc == 0)
        rc = sg17_cbor_enc_array(encinfo, 4);
    if (rc == 0)
        rc = sg17_cbor_enc_bstr(encinfo, prot, prot_len);
    if (rc == 0)
        rc = sg17_cbor_enc_map(encinfo, content_alg == SG17_SUIT_ENC_A128GCM ? 1 : 2);
    if (rc == 0 && content_alg == SG17_SUIT_ENC_A128CTR) {
        rc = sg17_cbor_enc_int(encinfo, 1);
        if (rc == 0)
            rc = sg17_cbor_enc_int(encinfo, content_alg);
    }
    if (rc == 0)
        rc = sg17_cbor_enc_int(encinfo, 5);
    if (rc == 0)
        rc = sg17_cbor_enc_bstr(encinfo, iv, iv_len);
    if (rc == 0)
        rc = sg17_cbor_enc_null(encinfo);
    if (rc == 0)
        rc = sg17_cbor_enc_array(encinfo, 1);
    if (rc == 0)
        rc = enc_recipient(encinfo, r, cek);
    size_t out_len = pt_len + (content_alg == SG17_SUIT_ENC_A128GCM ? 16 : 0);
    if (rc == 0)
        rc = sg17_buf_reserve(ct, out_len);
    if (rc == 0 && content_alg == SG17_SUIT_ENC_A128GCM) {
        sg17_buf aad;
        static const char ctx[] = "Encrypt";
        sg17_buf_init(&aad, 64);
        rc = sg17_cbor_enc_array(&aad, 3);
        if (rc == 0)
            rc = sg17_cbor_enc_tstr(&aad, ctx, sizeof ctx - 1);
        if (rc == 0)
            rc = sg17_cbor_enc_bstr(&aad, prot, prot_len);
        if (rc == 0)
            rc = sg17_cbor_enc_bstr(&aad, NULL, 0);
        if (rc == 0)
            rc = sg17_aes_gcm_seal(cek, 16, iv, iv_len, aad.data, aad.len, pt, pt_len,
                                   ct->data + ct->len, ct->data + ct->len + pt_len);
        sg17_buf_free(&aad, 0);
    } else if (rc == 0) {
        rc = sg17_aes_ctr(cek, 16, iv, pt, pt_len, ct->data + ct->len);
    }
    if (rc == 0)
        ct->len += out_len;
    sg17_memzero(cek, sizeof cek);
    return rc;
}
