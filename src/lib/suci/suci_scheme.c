/*
 * SUCI protection schemes: ECIES profiles A and B (TS 33.501 C.3.2-C.3.4)
 * and the KEM-based profiles 0xC (ML-KEM-768) and 0xD (X-Wing) of
 * docs/SUCI.md, all sharing one DEM: X9.63-KDF-SHA-256(Z, SharedInfo =
 * ephemeral part as sent) -> EK || ICB || MK, AES-CTR, HMAC-SHA-256 tag.
 */
#include <string.h>

#include "ct_internal.h"
#include "sg17/crypto.h"
#include "sg17/keccak.h"
#include "suci_internal.h"

static const suci_params params_tab[] = {
    {SG17_SUCI_SCHEME_PROFILE_A, 32, 16, 8},
    {SG17_SUCI_SCHEME_PROFILE_B, 33, 16, 8},
    {SG17_SUCI_SCHEME_MLKEM768, SG17_MLKEM768_CIPHERTEXT_BYTES, 32, 16},
    {SG17_SUCI_SCHEME_XWING, SG17_XWING_CIPHERTEXT_BYTES, 32, 16},
};

const suci_params *suci_params_get(unsigned scheme)
{
    for (size_t i = 0; i < sizeof params_tab / sizeof params_tab[0]; i++)
        if (params_tab[i].scheme == scheme)
            return &params_tab[i];
    return NULL;
}

size_t sg17_suci_output_bytes(unsigned scheme, size_t input_len)
{
    if (scheme == SG17_SUCI_SCHEME_NULL)
        return input_len;
    const suci_params *p = suci_params_get(scheme);
    return p ? p->eph_len + input_len + p->tag_len : 0;
}

/* X-Wing combiner label "\./" "/^\" (draft-connolly-cfrg-xwing-kem-06 §5.3). */
static const uint8_t xwing_label[6] = {0x5c, 0x2e, 0x2f, 0x2f, 0x5e, 0x5c};

/* X-Wing Decapsulate (draft §5.5) on the expanded key, so that the SIDF does
 * not re-run ML-KEM key generation per SUCI. An all-zero X25519 output is
 * used as is, as the draft says (it depends only on the public ct_X). */
int suci_xwing_decaps(uint8_t ss[32], const uint8_t *ct, const struct sg17_suci_key *k)
{
    uint8_t ss_m[32], ss_x[32];
    const uint8_t *ct_x = ct + SG17_MLKEM768_CIPHERTEXT_BYTES;
    const uint8_t *pk_x = k->pub + SG17_MLKEM768_PUBLICKEY_BYTES;
    int rc = sg17_mlkem_decaps(SG17_MLKEM_768, ss_m, ct, SG17_MLKEM768_CIPHERTEXT_BYTES, k->dk,
                               sizeof k->dk);
    if (rc == 0) {
        rc = sg17_x25519_key_derive(k->x25519, ss_x, ct_x);
        if (rc == SG17_E_VERIFY) {
            sg17_memzero(ss_x, sizeof ss_x);
            rc = 0;
        }
    }
    if (rc == 0) {
        sg17_keccak_ctx h;
        sg17_sha3_256_init(&h);
        sg17_keccak_absorb(&h, ss_m, 32);
        sg17_keccak_absorb(&h, ss_x, 32);
        sg17_keccak_absorb(&h, ct_x, 32);
        sg17_keccak_absorb(&h, pk_x, 32);
        sg17_keccak_absorb(&h, xwing_label, sizeof xwing_label);
        sg17_sha3_final(&h, ss, 32);
        sg17_keccak_wipe(&h);
    }
    sg17_memzero(ss_m, sizeof ss_m);
    sg17_memzero(ss_x, sizeof ss_x);
    return rc;
}

/* KDF split: EK (enc_len) || ICB (16) || MK (32), TS 33.501 C.3.4.1/C.3.4.2. */
static int dem_keys(const suci_params *p, const uint8_t z[32], const uint8_t *eph, uint8_t kd[80])
{
    return sg17_x963_kdf(SG17_HASH_SHA256, z, 32, eph, p->eph_len, kd, p->enc_len + 48);
}

static int dem_tag(const suci_params *p, const uint8_t *kd, const uint8_t *ct, size_t len,
                   uint8_t tag[32])
{
    return sg17_hmac(SG17_HASH_SHA256, kd + p->enc_len + 16, 32, ct, len, tag);
}

/* Scheme input of a SUPI: BCD MSIN (IMSI) or the username octets (NAI). */
static int scheme_input(const sg17_supi *supi, uint8_t *in, size_t *len)
{
    if (supi->type == SG17_SUCI_SUPI_IMSI) {
        if (!suci_is_digits(supi->msin, 1, SUCI_MAX_MSIN) || !suci_is_digits(supi->mcc, 3, 3) ||
            !suci_is_digits(supi->mnc, 2, 3) || strlen(supi->mnc) + strlen(supi->msin) + 3 > 15)
            return SG17_E_FORMAT;
        *len = suci_bcd_encode(supi->msin, in);
        return 0;
    }
    if (supi->type == SG17_SUCI_SUPI_NAI) {
        size_t n = strnlen(supi->username, sizeof supi->username);
        if (!suci_username_valid(supi->username, n) ||
            !suci_realm_valid(supi->realm, strnlen(supi->realm, sizeof supi->realm)))
            return SG17_E_FORMAT;
        memcpy(in, supi->username, n);
        *len = n;
        return 0;
    }
    return SG17_E_FORMAT;
}

static int fill_header(const sg17_supi *supi, const char *routing, sg17_suci *out)
{
    if (!routing || !suci_is_digits(routing, 1, 4))
        return SG17_E_FORMAT;
    out->supi_type = supi->type;
    if (supi->type == SG17_SUCI_SUPI_IMSI) {
        memcpy(out->mcc, supi->mcc, sizeof out->mcc);
        memcpy(out->mnc, supi->mnc, sizeof out->mnc);
    } else {
        memcpy(out->realm, supi->realm, sizeof out->realm);
    }
    memcpy(out->routing, routing, strlen(routing) + 1);
    return 0;
}

/* Ephemeral part and shared secret Z for the sending side. */
static int sender_z(const sg17_suci_key *hn, const uint8_t *eph_rand, size_t eph_len, uint8_t *eph,
                    uint8_t z[32])
{
    uint8_t pk65[65];
    int rc;
    switch (hn->scheme) {
    case SG17_SUCI_SCHEME_PROFILE_A:
        if (eph_len != 32)
            return SG17_E_INVAL;
        rc = sg17_x25519_public(eph, eph_rand);
        return rc ? rc : sg17_x25519(z, eph_rand, hn->pub);
    case SG17_SUCI_SCHEME_PROFILE_B:
        if (eph_len != 32)
            return SG17_E_INVAL;
        rc = sg17_p256_public(pk65, eph_rand);
        if (rc == 0)
            rc = sg17_p256_compress(eph, pk65);
        return rc ? rc : sg17_p256_ecdh(z, eph_rand, hn->pub, hn->pub_len);
    case SG17_SUCI_SCHEME_MLKEM768:
        if (eph_len != 32)
            return SG17_E_INVAL;
        return sg17_mlkem_encaps_derand(SG17_MLKEM_768, eph, SG17_MLKEM768_CIPHERTEXT_BYTES, z,
                                        hn->pub, hn->pub_len, eph_rand);
    case SG17_SUCI_SCHEME_XWING:
        if (eph_len != SG17_XWING_ESEED_BYTES)
            return SG17_E_INVAL;
        return sg17_xwing_encaps_derand(eph, z, hn->pub, hn->pub_len, eph_rand);
    default: return SG17_E_UNSUPPORTED;
    }
}

int sg17_suci_conceal_derand(const sg17_suci_key *hn, const sg17_supi *supi, const char *routing,
                             const uint8_t *eph_rand, size_t eph_len, sg17_suci *out)
{
    uint8_t in[SG17_SUCI_MAX_NAI_PART], z[32], kd[80], tag[32];
    size_t in_len = 0;
    int rc;
    if (!supi || !out)
        return SG17_E_INVAL;
    memset(out, 0, sizeof *out);
    rc = scheme_input(supi, in, &in_len);
    if (rc == 0)
        rc = fill_header(supi, routing, out);
    if (rc)
        goto cleanup;
    if (!hn) {
        out->scheme = SG17_SUCI_SCHEME_NULL;
        memcpy(out->output, in, in_len);
        out->output_len = in_len;
        goto cleanup;
    }
    const suci_params *p = suci_params_get(hn->scheme);
    if (!p || !eph_rand) {
        rc = p ? SG17_E_INVAL : SG17_E_UNSUPPORTED;
        goto cleanup;
    }
    out->scheme = hn->scheme;
    out->key_id = hn->key_id;
    uint8_t *eph = out->output, *ct = out->output + p->eph_len;
    rc = sender_z(hn, eph_rand, eph_len, eph, z);
    if (rc == 0)
        rc = dem_keys(p, z, eph, kd);
    if (rc == 0)
        rc = sg17_aes_ctr(kd, p->enc_len, kd + p->enc_len, in, in_len, ct);
    if (rc == 0)
        rc = dem_tag(p, kd, ct, in_len, tag);
    if (rc == 0) {
        memcpy(ct + in_len, tag, p->tag_len);
        out->output_len = p->eph_len + in_len + p->tag_len;
    }
cleanup:
    sg17_memzero(in, sizeof in);
    sg17_memzero(z, sizeof z);
    sg17_memzero(kd, sizeof kd);
    if (rc)
        sg17_memzero(out, sizeof *out);
    return rc;
}

int sg17_suci_conceal(const sg17_suci_key *hn, const sg17_supi *supi, const char *routing,
                      sg17_suci *out)
{
    uint8_t r[64];
    size_t n = 0;
    int rc;
    if (hn) {
        n = hn->scheme == SG17_SUCI_SCHEME_XWING ? SG17_XWING_ESEED_BYTES : 32;
        rc = sg17_randombytes(r, n);
        if (rc) {
            if (out)
                memset(out, 0, sizeof *out);
            return rc;
        }
        /* A P-256 scalar of 0 or >= n is astronomically unlikely; retry once. */
        rc = sg17_suci_conceal_derand(hn, supi, routing, r, n, out);
        if (rc == 0 || hn->scheme != SG17_SUCI_SCHEME_PROFILE_B || rc == SG17_E_FORMAT)
            goto done;
        rc = sg17_randombytes(r, n);
        if (rc == 0)
            rc = sg17_suci_conceal_derand(hn, supi, routing, r, n, out);
        goto done;
    }
    rc = sg17_suci_conceal_derand(NULL, supi, routing, NULL, 0, out);
done:
    sg17_memzero(r, sizeof r);
    return rc;
}

/*
 * Receiving side (SIDF): Z from the private key k (its prepared OpenSSL key
 * for A, B and X-Wing) and the ephemeral part. Profile B's point has already
 * been validated and decompressed by the caller (b_point, 65 bytes; without
 * it the compressed form is decompressed here).
 */
static int receiver_z(const sg17_suci_key *k, const uint8_t *eph, const uint8_t *b_point,
                      uint8_t z[32])
{
    switch (k->scheme) {
    case SG17_SUCI_SCHEME_PROFILE_A: return sg17_x25519_key_derive(k->x25519, z, eph);
    case SG17_SUCI_SCHEME_PROFILE_B:
        return b_point ? sg17_p256_key_ecdh(k->p256, z, b_point, 65)
                       : sg17_p256_key_ecdh(k->p256, z, eph, 33);
    case SG17_SUCI_SCHEME_MLKEM768:
        return sg17_mlkem_decaps(SG17_MLKEM_768, z, eph, SG17_MLKEM768_CIPHERTEXT_BYTES, k->dk,
                                 sizeof k->dk);
    case SG17_SUCI_SCHEME_XWING: return suci_xwing_decaps(z, eph, k);
    default: return SG17_E_UNSUPPORTED;
    }
}

/*
 * Open a scheme output with k (same scheme as p). Writes the scheme input to
 * pt (cap >= output_len) only when the tag verifies. `miss` (0/1) forces a
 * failure after the full computation (dummy key for an unknown key id).
 * Returns 0, SG17_E_VERIFY, or an operational error.
 */
int suci_open(const sg17_suci_key *k, const suci_params *p, const uint8_t *out, size_t out_len,
              const uint8_t *b_point, uint32_t miss, uint8_t *pt, size_t *pt_len)
{
    uint8_t z[32], kd[80], tag[32];
    size_t ct_len = out_len - p->eph_len - p->tag_len;
    const uint8_t *ct = out + p->eph_len;
    int rc = receiver_z(k, out, b_point, z);
    *pt_len = 0;
    if (rc == SG17_E_VERIFY) {
        /* X25519 gave all-zero: the ephemeral key is a small-order point
         * (public input); continue with a zero Z so the work done is the same. */
        memset(z, 0, sizeof z);
        miss = 1;
        rc = 0;
    }
    if (rc == 0)
        rc = dem_keys(p, z, out, kd);
    if (rc == 0)
        rc = dem_tag(p, kd, ct, ct_len, tag);
    if (rc == 0) {
        uint32_t ok = (uint32_t)sg17_ct_memeq(tag, ct + ct_len, p->tag_len) & (miss ^ 1u);
        /* The verdict itself is public: the SIDF answers it. */
        SG17_CT_DECLASSIFY(&ok, sizeof ok);
        if (!ok) {
            rc = SG17_E_VERIFY;
        } else {
            rc = sg17_aes_ctr(kd, p->enc_len, kd + p->enc_len, ct, ct_len, pt);
            /* An authentic scheme input is the SUPI the SIDF returns. */
            SG17_CT_DECLASSIFY(pt, ct_len);
            if (rc == 0)
                *pt_len = ct_len;
        }
    }
    sg17_memzero(z, sizeof z);
    sg17_memzero(kd, sizeof kd);
    sg17_memzero(tag, sizeof tag);
    return rc;
}
