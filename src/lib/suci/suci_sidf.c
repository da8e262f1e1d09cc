/*
 * The SIDF: a home network key store and SUCI de-concealment
 * (TS 33.501 cl. 6.12.2, C.3.3; docs/SUCI.md for schemes 0xC/0xD).
 */
#include <stdlib.h>
#include <string.h>

#include "sg17/crypto.h"
#include "suci_internal.h"

static const unsigned dummy_schemes[] = {SG17_SUCI_SCHEME_PROFILE_A, SG17_SUCI_SCHEME_PROFILE_B,
                                         SG17_SUCI_SCHEME_MLKEM768, SG17_SUCI_SCHEME_XWING};
#define NDUMMY (sizeof dummy_schemes / sizeof dummy_schemes[0])

struct sg17_suci_keystore {
    sg17_suci_key *keys[256]; /* by key id; [0] unused */
    sg17_suci_key *dummy[NDUMMY];
    size_t count;
    int allow_null;
};

static const char R_FORMAT[] = "SUCI is malformed";
static const char R_SCHEME[] = "protection scheme not supported";
static const char R_NULL[] = "null scheme not accepted by this home network";
static const char R_LEN[] = "scheme output has the wrong length for the protection scheme";
static const char R_POINT_UNCOMP[] = "profile B ephemeral public key is not a compressed point";
static const char R_POINT[] = "profile B ephemeral public key is not a point on the curve";
static const char R_VERIFY[] = "SUCI does not de-conceal";
static const char R_INPUT[] = "de-concealed scheme input is not a valid SUPI";
static const char R_INTERNAL[] = "internal error";

int sg17_suci_keystore_new(sg17_suci_keystore **out)
{
    if (!out)
        return SG17_E_INVAL;
    *out = NULL;
    sg17_suci_keystore *ks = calloc(1, sizeof *ks);
    if (!ks)
        return SG17_E_NOMEM;
    ks->allow_null = 1;
    for (size_t i = 0; i < NDUMMY; i++) {
        int rc = sg17_suci_key_generate(dummy_schemes[i], 1, &ks->dummy[i]);
        if (rc) {
            sg17_suci_keystore_free(ks);
            return rc;
        }
    }
    *out = ks;
    return 0;
}

void sg17_suci_keystore_free(sg17_suci_keystore *ks)
{
    if (!ks)
        return;
    for (size_t i = 0; i < 256; i++)
        sg17_suci_key_free(ks->keys[i]);
    for (size_t i = 0; i < NDUMMY; i++)
        sg17_suci_key_free(ks->dummy[i]);
    free(ks);
}

void sg17_suci_keystore_allow_null(sg17_suci_keystore *ks, int allow)
{
    if (ks)
        ks->allow_null = allow ? 1 : 0;
}

int sg17_suci_keystore_add(sg17_suci_keystore *ks, sg17_suci_key *key)
{
    if (!ks || !key || !key->has_priv || key->key_id < 1 || key->key_id > 255)
        return SG17_E_INVAL;
    if (ks->keys[key->key_id])
        return SG17_E_EXISTS;
    ks->keys[key->key_id] = key;
    ks->count++;
    return 0;
}

int sg17_suci_keystore_add_file(sg17_suci_keystore *ks, const char *path)
{
    sg17_suci_key *k = NULL;
    int rc = sg17_suci_key_load(path, &k);
    if (rc == 0 && !k->has_priv)
        rc = SG17_E_FORMAT;
    if (rc == 0)
        rc = sg17_suci_keystore_add(ks, k);
    if (rc)
        sg17_suci_key_free(k);
    return rc;
}

int sg17_suci_keystore_remove(sg17_suci_keystore *ks, unsigned key_id)
{
    if (!ks || key_id > 255 || !ks->keys[key_id])
        return SG17_E_NOTFOUND;
    sg17_suci_key_free(ks->keys[key_id]);
    ks->keys[key_id] = NULL;
    ks->count--;
    return 0;
}

size_t sg17_suci_keystore_count(const sg17_suci_keystore *ks)
{
    return ks ? ks->count : 0;
}

/* SUPI from a scheme input (plaintext) and the SUCI's home network id. */
static int supi_from_input(const sg17_suci *s, const uint8_t *in, size_t len, sg17_supi *supi)
{
    supi->type = s->supi_type;
    if (s->supi_type == SG17_SUCI_SUPI_IMSI) {
        if (suci_bcd_decode(in, len, supi->msin, sizeof supi->msin) ||
            strlen(s->mnc) + strlen(supi->msin) + 3 > 15)
            return SG17_E_FORMAT;
        memcpy(supi->mcc, s->mcc, sizeof supi->mcc);
        memcpy(supi->mnc, s->mnc, sizeof supi->mnc);
        return 0;
    }
    if (!suci_username_valid((const char *)in, len))
        return SG17_E_FORMAT;
    memcpy(supi->username, in, len);
    supi->username[len] = '\0';
    memcpy(supi->realm, s->realm, sizeof supi->realm);
    return 0;
}

static int fail(const char **reason, const char *why, int rc)
{
    if (reason)
        *reason = why;
    return rc;
}

int sg17_suci_deconceal(const sg17_suci_keystore *ks, const sg17_suci *suci, sg17_supi *supi,
                        const char **reason)
{
    uint8_t pt[SG17_SUCI_MAX_OUTPUT], pk65[65];
    size_t pt_len = 0;
    int rc;
    if (reason)
        *reason = NULL;
    if (!ks || !suci || !supi)
        return fail(reason, R_INTERNAL, SG17_E_INVAL);
    memset(supi, 0, sizeof *supi);
    if (suci_check(suci))
        return fail(reason, R_FORMAT, SG17_E_FORMAT);
    if (suci->scheme == SG17_SUCI_SCHEME_NULL) {
        if (!ks->allow_null)
            return fail(reason, R_NULL, SG17_E_FORMAT);
        rc = supi_from_input(suci, suci->output, suci->output_len, supi);
        if (rc)
            memset(supi, 0, sizeof *supi);
        return rc ? fail(reason, R_INPUT, rc) : 0;
    }
    const suci_params *p = suci_params_get(suci->scheme);
    if (!p)
        return fail(reason, R_SCHEME, SG17_E_FORMAT);
    size_t max_in =
        suci->supi_type == SG17_SUCI_SUPI_IMSI ? (SUCI_MAX_MSIN + 1) / 2 : SG17_SUCI_MAX_NAI_PART;
    /* Profile B: reject an uncompressed or off-curve ephemeral key before
     * the private key is touched (TS 33.501 C.3.4.2 mandates compression). */
    if (suci->scheme == SG17_SUCI_SCHEME_PROFILE_B && suci->output[0] != 0x02 &&
        suci->output[0] != 0x03)
        return fail(reason, R_POINT_UNCOMP, SG17_E_FORMAT);
    if (suci->output_len < p->eph_len + 1 + p->tag_len ||
        suci->output_len > p->eph_len + max_in + p->tag_len)
        return fail(reason, R_LEN, SG17_E_FORMAT);
    if (suci->scheme == SG17_SUCI_SCHEME_PROFILE_B && sg17_p256_decompress(pk65, suci->output))
        return fail(reason, R_POINT, SG17_E_FORMAT);
    /* Key-id miss or a key of another scheme: same work on a dummy key of
     * the SUCI's scheme, same answer as a MAC failure. */
    const sg17_suci_key *k = ks->keys[suci->key_id];
    uint32_t miss = (k == NULL || k->scheme != suci->scheme) ? 1u : 0u;
    if (miss) {
        for (size_t i = 0; i < NDUMMY; i++)
            if (dummy_schemes[i] == suci->scheme)
                k = ks->dummy[i];
    }
    rc = suci_open(k, p, suci->output, suci->output_len,
                   suci->scheme == SG17_SUCI_SCHEME_PROFILE_B ? pk65 : NULL, miss, pt, &pt_len);
    if (rc == SG17_E_VERIFY) {
        (void)fail(reason, R_VERIFY, rc);
        goto done;
    }
    if (rc) {
        (void)fail(reason, R_INTERNAL, rc);
        goto done;
    }
    rc = supi_from_input(suci, pt, pt_len, supi);
    if (rc)
        (void)fail(reason, R_INPUT, rc);
done:
    sg17_memzero(pt, sizeof pt);
    if (rc)
        memset(supi, 0, sizeof *supi);
    return rc;
}

int sg17_suci_deconceal_text(const sg17_suci_keystore *ks, const char *text, size_t len,
                             char *supi_out, size_t supi_cap, const char **reason)
{
    sg17_suci *s = malloc(sizeof *s);
    sg17_supi supi;
    int rc;
    if (reason)
        *reason = NULL;
    if (!supi_out || supi_cap == 0) {
        free(s);
        return fail(reason, R_INTERNAL, SG17_E_INVAL);
    }
    supi_out[0] = '\0';
    if (!s)
        return fail(reason, R_INTERNAL, SG17_E_NOMEM);
    rc = sg17_suci_parse(text, len, s);
    if (rc)
        (void)fail(reason, R_FORMAT, rc);
    else
        rc = sg17_suci_deconceal(ks, s, &supi, reason);
    if (rc == 0) {
        rc = sg17_supi_format(&supi, supi_out, supi_cap);
        if (rc)
            (void)fail(reason, R_INTERNAL, rc);
    }
    sg17_memzero(&supi, sizeof supi);
    free(s);
    return rc;
}
