/*
 * The stateless `next` cursor of the TAXII server (TAXII 2.1 3.4 leaves the
 * value opaque). It carries everything needed to continue a listing: the
 * keyset position (date_added, row) of the last item returned, which listing
 * it belongs to, and when it was issued, authenticated with a truncated
 * HMAC-SHA256 under a server key. Any server holding the same key continues
 * the page; a forged, foreign or expired cursor is refused.
 *
 *   0      1     2..17   18..25    26..33       34..41  42..57
 *   ver=1  kind  scope   issued_s  date_added   row     tag
 */
#include <string.h>

#include "sg17/crypto.h"
#include "sg17/taxii.h"

#define CUR_VERSION 1
#define CUR_BODY    42
#define CUR_TAG     16
#define CUR_RAW     (CUR_BODY + CUR_TAG)

static const char b64u[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

static void put64(uint8_t *p, int64_t v)
{
    uint64_t u = (uint64_t)v;
    for (int i = 7; i >= 0; i--) {
        p[i] = (uint8_t)(u & 0xffu);
        u >>= 8;
    }
}

static int64_t get64(const uint8_t *p)
{
    uint64_t u = 0;
    for (int i = 0; i < 8; i++)
        u = (u << 8) | p[i];
    return (int64_t)u;
}

static int b64u_val(char c)
{
    const char *q;
    if (c == '\0')
        return -1;
    q = strchr(b64u, c);
    return q ? (int)(q - b64u) : -1;
}

void sg17_taxii_scope(uint8_t scope[16], const char *root, const char *collection,
                      const char *object_id)
{
    sg17_sha256_ctx c;
    uint8_t h[32];
    static const uint8_t zero = 0;
    sg17_sha256_init(&c);
    sg17_sha256_update(&c, (const uint8_t *)root, strlen(root));
    sg17_sha256_update(&c, &zero, 1);
    sg17_sha256_update(&c, (const uint8_t *)collection, strlen(collection));
    sg17_sha256_update(&c, &zero, 1);
    if (object_id != NULL)
        sg17_sha256_update(&c, (const uint8_t *)object_id, strlen(object_id));
    sg17_sha256_final(&c, h);
    memcpy(scope, h, 16);
}

int sg17_taxii_cursor_encode(const uint8_t key[32], const sg17_taxii_cursor *c,
                             char out[SG17_TAXII_CURSOR_LEN])
{
    uint8_t raw[CUR_RAW], tag[32];
    size_t o = 0;
    if (key == NULL || c == NULL || out == NULL)
        return SG17_E_INVAL;
    raw[0] = CUR_VERSION;
    raw[1] = c->kind;
    memcpy(raw + 2, c->scope, 16);
    put64(raw + 18, c->issued_s);
    put64(raw + 26, c->date_added_us);
    put64(raw + 34, c->row);
    if (sg17_hmac(SG17_HASH_SHA256, key, 32, raw, CUR_BODY, tag) != 0)
        return SG17_E_CRYPTO;
    memcpy(raw + CUR_BODY, tag, CUR_TAG);
    for (size_t i = 0; i < CUR_RAW; i += 3) {
        uint32_t v = (uint32_t)raw[i] << 16;
        size_t left = CUR_RAW - i;
        if (left > 1)
            v |= (uint32_t)raw[i + 1] << 8;
        if (left > 2)
            v |= raw[i + 2];
        out[o++] = b64u[(v >> 18) & 63u];
        out[o++] = b64u[(v >> 12) & 63u];
        if (left > 1)
            out[o++] = b64u[(v >> 6) & 63u];
        if (left > 2)
            out[o++] = b64u[v & 63u];
    }
    out[o] = '\0';
    return 0;
}

int sg17_taxii_cursor_decode(const uint8_t key[32], const char *s, uint8_t kind,
                             const uint8_t scope[16], int64_t now_s, int64_t max_age_s,
                             sg17_taxii_cursor *out)
{
    uint8_t raw[CUR_RAW], tag[32];
    size_t n, o = 0;
    uint32_t acc = 0;
    unsigned bits = 0;

    if (key == NULL || s == NULL || scope == NULL || out == NULL)
        return SG17_E_INVAL;
    n = strlen(s);
    if (n != (CUR_RAW * 4 + 2) / 3)
        return SG17_E_FORMAT;
    for (size_t i = 0; i < n; i++) {
        int v = b64u_val(s[i]);
        if (v < 0)
            return SG17_E_FORMAT;
        acc = (acc << 6) | (uint32_t)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            if (o >= CUR_RAW)
                return SG17_E_FORMAT;
            raw[o++] = (uint8_t)(acc >> bits);
            acc &= (1u << bits) - 1u;
        }
    }
    if (o != CUR_RAW || acc != 0) /* non-canonical trailing bits */
        return SG17_E_FORMAT;
    if (raw[0] != CUR_VERSION)
        return SG17_E_FORMAT;
    if (sg17_hmac(SG17_HASH_SHA256, key, 32, raw, CUR_BODY, tag) != 0)
        return SG17_E_CRYPTO;
    if (!sg17_ct_memeq(tag, raw + CUR_BODY, CUR_TAG))
        return SG17_E_VERIFY;
    if (raw[1] != kind || memcmp(raw + 2, scope, 16) != 0)
        return SG17_E_VERIFY;
    out->kind = raw[1];
    memcpy(out->scope, raw + 2, 16);
    out->issued_s = get64(raw + 18);
    out->date_added_us = get64(raw + 26);
    out->row = get64(raw + 34);
    if (out->issued_s > now_s + 60 || now_s - out->issued_s > max_age_s)
        return SG17_E_STATE;
    return 0;
}
