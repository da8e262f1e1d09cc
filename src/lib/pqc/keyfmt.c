/*
 * DER SubjectPublicKeyInfo / PKCS#8 and PEM for parameterless algorithm
 * identifiers (RFC 5280, RFC 5958, RFC 7468). Strict DER: definite minimal
 * lengths, no trailing data. Base64 via OpenSSL.
 */
#include "sg17/keyfmt.h"

#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>

#define TAG_INT 0x02
#define TAG_BITSTR 0x03
#define TAG_OCTSTR 0x04
#define TAG_NULL 0x05
#define TAG_OID 0x06
#define TAG_SEQ 0x30

size_t sg17_der_header(uint8_t *out, uint8_t tag, size_t len)
{
    out[0] = tag;
    if (len < 0x80) {
        out[1] = (uint8_t)len;
        return 2;
    }
    if (len < 0x100) {
        out[1] = 0x81;
        out[2] = (uint8_t)len;
        return 3;
    }
    if (len < 0x10000) {
        out[1] = 0x82;
        out[2] = (uint8_t)(len >> 8);
        out[3] = (uint8_t)len;
        return 4;
    }
    out[1] = 0x83;
    out[2] = (uint8_t)(len >> 16);
    out[3] = (uint8_t)(len >> 8);
    out[4] = (uint8_t)len;
    return 5;
}

int sg17_der_read(const uint8_t **p, const uint8_t *end, uint8_t tag, const uint8_t **val,
                  size_t *val_len)
{
    const uint8_t *q = *p;
    size_t len;
    if (end - q < 2 || q[0] != tag)
        return SG17_E_FORMAT;
    q++;
    if (*q < 0x80) {
        len = *q++;
    } else {
        size_t nb = (size_t)(*q++ & 0x7f);
        if (nb == 0 || nb > 3 || (size_t)(end - q) < nb || q[0] == 0)
            return SG17_E_FORMAT;
        len = 0;
        for (size_t i = 0; i < nb; i++)
            len = (len << 8) | *q++;
        if (len < 0x80 || (nb == 2 && len < 0x100) || (nb == 3 && len < 0x10000))
            return SG17_E_FORMAT; /* not minimal */
    }
    if ((size_t)(end - q) < len)
        return SG17_E_FORMAT;
    *val = q;
    *val_len = len;
    *p = q + len;
    return 0;
}

/* AlgorithmIdentifier ::= SEQUENCE { OID } with parameters absent. */
static size_t algid_len(size_t oid_len)
{
    return 2 + oid_len; /* OIDs here are short */
}

static int check_oid(size_t oid_len)
{
    return oid_len > 0 && oid_len < 0x70 ? 0 : SG17_E_INVAL;
}

int sg17_keyfmt_spki_encode(const uint8_t *oid, size_t oid_len, const uint8_t *pk, size_t pk_len,
                            uint8_t **out, size_t *out_len)
{
    uint8_t hdr[8];
    *out = NULL;
    *out_len = 0;
    if (check_oid(oid_len) || pk_len > SG17_KEYFMT_MAX_DER - 64)
        return SG17_E_INVAL;
    size_t alg_content = algid_len(oid_len);
    size_t bit_content = pk_len + 1;
    size_t bit_hdr = sg17_der_header(hdr, TAG_BITSTR, bit_content);
    size_t content = 2 + alg_content + bit_hdr + bit_content;
    size_t outer = sg17_der_header(hdr, TAG_SEQ, content);
    uint8_t *b = malloc(outer + content), *w = b;
    if (!b)
        return SG17_E_NOMEM;
    w += sg17_der_header(w, TAG_SEQ, content);
    w += sg17_der_header(w, TAG_SEQ, alg_content);
    w += sg17_der_header(w, TAG_OID, oid_len);
    memcpy(w, oid, oid_len);
    w += oid_len;
    w += sg17_der_header(w, TAG_BITSTR, bit_content);
    *w++ = 0; /* unused bits */
    memcpy(w, pk, pk_len);
    w += pk_len;
    *out = b;
    *out_len = (size_t)(w - b);
    return 0;
}

static int read_algid(const uint8_t **p, const uint8_t *end, const uint8_t **oid,
                      size_t *oid_len)
{
    const uint8_t *a, *ap;
    size_t alen;
    int rc = sg17_der_read(p, end, TAG_SEQ, &a, &alen);
    if (rc)
        return rc;
    ap = a;
    rc = sg17_der_read(&ap, a + alen, TAG_OID, oid, oid_len);
    if (rc)
        return rc;
    /* Parameters must be absent for these algorithms (RFC 9881, RFC 8410). */
    return ap == a + alen ? 0 : SG17_E_FORMAT;
}

int sg17_keyfmt_spki_decode(const uint8_t *der, size_t len, const uint8_t **oid,
                            size_t *oid_len, const uint8_t **pk, size_t *pk_len)
{
    const uint8_t *p = der, *end = der + len, *seq, *bits;
    size_t seq_len, bits_len;
    int rc = sg17_der_read(&p, end, TAG_SEQ, &seq, &seq_len);
    if (rc || p != end)
        return SG17_E_FORMAT;
    p = seq;
    end = seq + seq_len;
    if ((rc = read_algid(&p, end, oid, oid_len)) != 0)
        return rc;
    rc = sg17_der_read(&p, end, TAG_BITSTR, &bits, &bits_len);
    if (rc || p != end || bits_len < 1 || bits[0] != 0)
        return SG17_E_FORMAT;
    *pk = bits + 1;
    *pk_len = bits_len - 1;
    return 0;
}

int sg17_keyfmt_pkcs8_encode(const uint8_t *oid, size_t oid_len, const uint8_t *priv,
                             size_t priv_len, uint8_t **out, size_t *out_len)
{
    uint8_t hdr[8];
    *out = NULL;
    *out_len = 0;
    if (check_oid(oid_len) || priv_len > SG17_KEYFMT_MAX_DER - 64)
        return SG17_E_INVAL;
    size_t alg_content = algid_len(oid_len);
    size_t oct_hdr = sg17_der_header(hdr, TAG_OCTSTR, priv_len);
    size_t content = 3 + 2 + alg_content + oct_hdr + priv_len;
    size_t outer = sg17_der_header(hdr, TAG_SEQ, content);
    uint8_t *b = malloc(outer + content), *w = b;
    if (!b)
        return SG17_E_NOMEM;
    w += sg17_der_header(w, TAG_SEQ, content);
    *w++ = TAG_INT;
    *w++ = 1;
    *w++ = 0; /* version v1 */
    w += sg17_der_header(w, TAG_SEQ, alg_content);
    w += sg17_der_header(w, TAG_OID, oid_len);
    memcpy(w, oid, oid_len);
    w += oid_len;
    w += sg17_der_header(w, TAG_OCTSTR, priv_len);
    memcpy(w, priv, priv_len);
    w += priv_len;
    *out = b;
    *out_len = (size_t)(w - b);
    return 0;
}

int sg17_keyfmt_pkcs8_decode(const uint8_t *der, size_t len, const uint8_t **oid,
                             size_t *oid_len, const uint8_t **priv, size_t *priv_len)
{
    const uint8_t *p = der, *end = der + len, *seq, *ver;
    size_t seq_len, ver_len;
    int rc = sg17_der_read(&p, end, TAG_SEQ, &seq, &seq_len);
    if (rc || p != end)
        return SG17_E_FORMAT;
    p = seq;
    end = seq + seq_len;
    rc = sg17_der_read(&p, end, TAG_INT, &ver, &ver_len);
    if (rc || ver_len != 1 || ver[0] > 1)
        return SG17_E_FORMAT;
    if ((rc = read_algid(&p, end, oid, oid_len)) != 0)
        return rc;
    if ((rc = sg17_der_read(&p, end, TAG_OCTSTR, priv, priv_len)) != 0)
        return rc;
    /* Optional attributes [0] and (v2) publicKey [1]: skipped, but well-formed. */
    while (p < end) {
        const uint8_t *v;
        size_t vl;
        uint8_t tag = *p;
        if (tag != 0xA0 && tag != 0x81 && tag != 0xA1)
            return SG17_E_FORMAT;
        if ((rc = sg17_der_read(&p, end, tag, &v, &vl)) != 0)
            return rc;
    }
    return 0;
}

int sg17_keyfmt_pem_encode(const char *label, const uint8_t *der, size_t len, char **out,
                           size_t *out_len)
{
    size_t label_len = strlen(label);
    size_t b64_len = 4 * ((len + 2) / 3);
    size_t lines = (b64_len + 63) / 64;
    size_t cap = 2 * (label_len + 32) + b64_len + lines + 1;
    char *b = malloc(cap), *w;
    unsigned char *tmp = malloc(b64_len + 1);
    *out = NULL;
    *out_len = 0;
    if (!b || !tmp || len > SG17_KEYFMT_MAX_DER) {
        free(b);
        free(tmp);
        return b && tmp ? SG17_E_INVAL : SG17_E_NOMEM;
    }
    EVP_EncodeBlock(tmp, der, (int)len);
    w = b;
    w += snprintf(w, cap, "-----BEGIN %s-----\n", label);
    for (size_t i = 0; i < b64_len; i += 64) {
        size_t n = b64_len - i < 64 ? b64_len - i : 64;
        memcpy(w, tmp + i, n);
        w += n;
        *w++ = '\n';
    }
    w += snprintf(w, cap - (size_t)(w - b), "-----END %s-----\n", label);
    sg17_memzero(tmp, b64_len + 1);
    free(tmp);
    *out = b;
    *out_len = (size_t)(w - b);
    return 0;
}

static const char *find_str(const char *hay, size_t hay_len, const char *needle)
{
    size_t n = strlen(needle);
    for (size_t i = 0; n <= hay_len && i <= hay_len - n; i++)
        if (memcmp(hay + i, needle, n) == 0)
            return hay + i;
    return NULL;
}

int sg17_keyfmt_pem_decode(const char *text, size_t text_len, const char *label, uint8_t **der,
                           size_t *der_len)
{
    char begin[96], end_mark[96];
    *der = NULL;
    *der_len = 0;
    if (strlen(label) > 64)
        return SG17_E_INVAL;
    snprintf(begin, sizeof begin, "-----BEGIN %s-----", label);
    snprintf(end_mark, sizeof end_mark, "-----END %s-----", label);
    const char *b = find_str(text, text_len, begin);
    if (!b)
        return SG17_E_FORMAT;
    b += strlen(begin);
    const char *e = find_str(b, text_len - (size_t)(b - text), end_mark);
    if (!e || e - b > 4 * SG17_KEYFMT_MAX_DER / 3 + 4096)
        return SG17_E_FORMAT;
    /* Collect base64 characters, rejecting anything else but whitespace. */
    size_t cap = (size_t)(e - b) + 1, n = 0;
    unsigned char *clean = malloc(cap);
    if (!clean)
        return SG17_E_NOMEM;
    int rc = 0;
    for (const char *p = b; p < e; p++) {
        unsigned char c = (unsigned char)*p;
        if (c == ' ' || c == '\t' || c == '\r' || c == '\n')
            continue;
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '+' || c == '/' || c == '=')) {
            rc = SG17_E_FORMAT;
            break;
        }
        clean[n++] = c;
    }
    if (rc == 0 && (n == 0 || n % 4 != 0))
        rc = SG17_E_FORMAT;
    uint8_t *out = NULL;
    if (rc == 0) {
        out = malloc(n / 4 * 3 + 1);
        if (!out)
            rc = SG17_E_NOMEM;
    }
    if (rc == 0) {
        int got = EVP_DecodeBlock(out, clean, (int)n);
        size_t pad = (size_t)(clean[n - 1] == '=') + (size_t)(clean[n - 2] == '=');
        if (got < 0 || (size_t)got < pad) {
            rc = SG17_E_FORMAT;
        } else {
            *der = out;
            *der_len = (size_t)got - pad;
            out = NULL;
        }
    }
    sg17_memzero(clean, cap);
    free(clean);
    free(out);
    return rc;
}
