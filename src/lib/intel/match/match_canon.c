/*
 * Canonical forms of indicator and observed values (docs/INTEL.md,
 * docs/TELECOM-INDICATORS.md) and the hash used by the matcher snapshot.
 */
#include <arpa/inet.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "match_internal.h"

int im_kind_digits(sg17_intel_kind k)
{
    return k == SG17_INTEL_MSISDN || k == SG17_INTEL_IMSI || k == SG17_INTEL_IMEI ||
           k == SG17_INTEL_SCCP_GT;
}

int im_kind_suffix(sg17_intel_kind k)
{
    return k == SG17_INTEL_DOMAIN || k == SG17_INTEL_DIAMETER_REALM;
}

static int is_ipv4_kind(sg17_intel_kind k)
{
    return k == SG17_INTEL_IPV4 || k == SG17_INTEL_IPV6 || k == SG17_INTEL_GTP_PEER;
}

int im_parse_ipv4(const char *s, size_t len, uint32_t *out)
{
    uint32_t a = 0;
    size_t i = 0;
    for (int part = 0; part < 4; part++) {
        if (part > 0) {
            if (i >= len || s[i] != '.')
                return -1;
            i++;
        }
        size_t start = i;
        uint32_t v = 0;
        while (i < len && s[i] >= '0' && s[i] <= '9' && i - start < 3) {
            v = v * 10U + (uint32_t)(s[i] - '0');
            i++;
        }
        /* no empty parts, no leading zeros (octal ambiguity), <= 255 */
        if (i == start || v > 255U || (s[start] == '0' && i - start > 1))
            return -1;
        a = (a << 8) | v;
    }
    if (i != len)
        return -1;
    *out = a;
    return 0;
}

int im_parse_ipv6(const char *s, size_t len, uint8_t out[16])
{
    char buf[64];
    if (len == 0 || len >= sizeof buf || memchr(s, ':', len) == NULL)
        return -1;
    memcpy(buf, s, len);
    buf[len] = '\0';
    return inet_pton(AF_INET6, buf, out) == 1 ? 0 : -1;
}

static char lower(char c)
{
    return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

/* Host names: letters, digits, '-', '_', '.'; lowercased; one trailing dot dropped. */
static int canon_host(const char *in, size_t len, uint8_t *out, size_t *out_len)
{
    if (len > 0 && in[len - 1] == '.')
        len--;
    if (len == 0 || len > 253)
        return SG17_E_FORMAT;
    for (size_t i = 0; i < len; i++) {
        char c = lower(in[i]);
        int ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
                 c == '.';
        if (!ok || (c == '.' && (i == 0 || in[i - 1] == '.')))
            return SG17_E_FORMAT;
        out[i] = (uint8_t)c;
    }
    *out_len = len;
    return 0;
}

static int canon_digits(sg17_intel_kind kind, const char *in, size_t len, uint8_t *out,
                        size_t *out_len)
{
    if ((kind == SG17_INTEL_MSISDN || kind == SG17_INTEL_SCCP_GT) && len > 0 && in[0] == '+') {
        in++;
        len--;
    }
    if (kind == SG17_INTEL_IMEI && len >= 15 && len <= 16)
        len = 14; /* drop the check digit (IMEI) or software version (IMEISV) */
    if (len == 0 || len > 15)
        return SG17_E_FORMAT;
    for (size_t i = 0; i < len; i++) {
        if (in[i] < '0' || in[i] > '9')
            return SG17_E_FORMAT;
        out[i] = (uint8_t)in[i];
    }
    *out_len = len;
    return 0;
}

static int canon_hex(const char *in, size_t len, size_t want, uint8_t *out, size_t *out_len)
{
    if (len != want)
        return SG17_E_FORMAT;
    for (size_t i = 0; i < len; i++) {
        char c = lower(in[i]);
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
            return SG17_E_FORMAT;
        out[i] = (uint8_t)c;
    }
    *out_len = len;
    return 0;
}

static int canon_teid(const char *in, size_t len, uint8_t *out, size_t *out_len)
{
    uint64_t v = 0;
    size_t i = 0;
    int hex = len > 2 && in[0] == '0' && (in[1] == 'x' || in[1] == 'X');
    if (hex)
        i = 2;
    if (i >= len || len - i > (hex ? 8U : 10U))
        return SG17_E_FORMAT;
    for (; i < len; i++) {
        char c = lower(in[i]);
        unsigned d;
        if (c >= '0' && c <= '9')
            d = (unsigned)(c - '0');
        else if (hex && c >= 'a' && c <= 'f')
            d = (unsigned)(c - 'a' + 10);
        else
            return SG17_E_FORMAT;
        v = v * (hex ? 16U : 10U) + d;
    }
    if (v > 0xFFFFFFFFULL)
        return SG17_E_FORMAT;
    static const char hx[] = "0123456789abcdef";
    out[0] = '0';
    out[1] = 'x';
    for (int k = 0; k < 8; k++)
        out[2 + k] = (uint8_t)hx[(v >> (28 - 4 * k)) & 0xFU];
    *out_len = 10;
    return 0;
}

/* scheme://[userinfo@]host[:port][/path][?query][#fragment]: scheme and host
 * lowercased, default port dropped, empty path -> "/", fragment dropped. */
static int canon_url(const char *in, size_t len, uint8_t *out, size_t *out_len)
{
    const char *sep = NULL;
    for (size_t i = 0; i + 2 < len; i++) {
        if (in[i] == ':' && in[i + 1] == '/' && in[i + 2] == '/') {
            sep = in + i;
            break;
        }
        if (!((in[i] >= 'a' && in[i] <= 'z') || (in[i] >= 'A' && in[i] <= 'Z') ||
              (i > 0 && ((in[i] >= '0' && in[i] <= '9') || in[i] == '+' || in[i] == '-' ||
                         in[i] == '.'))))
            return SG17_E_FORMAT;
    }
    if (sep == NULL || sep == in)
        return SG17_E_FORMAT;
    size_t slen = (size_t)(sep - in), o = 0;
    for (size_t i = 0; i < slen; i++)
        out[o++] = (uint8_t)lower(in[i]);
    memcpy(out + o, "://", 3);
    o += 3;
    const char *p = sep + 3, *end = in + len;
    const char *hend = p;
    while (hend < end && *hend != '/' && *hend != '?' && *hend != '#')
        hend++;
    const char *at = NULL;
    for (const char *q = p; q < hend; q++)
        if (*q == '@')
            at = q;
    if (at) { /* userinfo kept as written */
        memcpy(out + o, p, (size_t)(at + 1 - p));
        o += (size_t)(at + 1 - p);
        p = at + 1;
    }
    const char *port = NULL;
    for (const char *q = p; q < hend; q++) {
        if (*q == ']')
            port = NULL;
        else if (*q == ':')
            port = q;
    }
    const char *host_end = port ? port : hend;
    if (host_end == p)
        return SG17_E_FORMAT;
    for (const char *q = p; q < host_end; q++)
        out[o++] = (uint8_t)lower(*q);
    if (port) {
        size_t plen = (size_t)(hend - port);
        int dflt = (plen == 3 && memcmp(port, ":80", 3) == 0 && slen == 4 &&
                    memcmp(out, "http", 4) == 0) ||
                   (plen == 4 && memcmp(port, ":443", 4) == 0 && slen == 5 &&
                    memcmp(out, "https", 5) == 0);
        if (!dflt && plen > 1) {
            memcpy(out + o, port, plen);
            o += plen;
        }
    }
    const char *rest = hend, *frag = memchr(rest, '#', (size_t)(end - rest));
    if (frag == NULL)
        frag = end;
    if (rest == frag || *rest != '/')
        out[o++] = '/';
    memcpy(out + o, rest, (size_t)(frag - rest));
    o += (size_t)(frag - rest);
    *out_len = o;
    return 0;
}

/* sip:/sips: URI -> scheme:user@host[:port]; brackets, parameters and headers dropped. */
static int canon_sip(const char *in, size_t len, uint8_t *out, size_t *out_len)
{
    const char *p = in, *end = in + len;
    const char *lt = memchr(p, '<', len);
    if (lt) {
        const char *gt = memchr(lt, '>', (size_t)(end - lt));
        if (gt == NULL)
            return SG17_E_FORMAT;
        p = lt + 1;
        end = gt;
    }
    size_t o = 0;
    if ((size_t)(end - p) > 5 && strncasecmp(p, "sips:", 5) == 0) {
        memcpy(out, "sips:", 5);
        o = 5;
        p += 5;
    } else if ((size_t)(end - p) > 4 && strncasecmp(p, "sip:", 4) == 0) {
        memcpy(out, "sip:", 4);
        o = 4;
        p += 4;
    } else if ((size_t)(end - p) > 4 && strncasecmp(p, "tel:", 4) == 0) {
        memcpy(out, "tel:", 4);
        o = 4;
        p += 4;
    } else {
        return SG17_E_FORMAT;
    }
    const char *stop = p;
    while (stop < end && *stop != ';' && *stop != '?')
        stop++;
    const char *at = NULL;
    for (const char *q = p; q < stop; q++)
        if (*q == '@')
            at = q;
    const char *h = p;
    if (at) {
        memcpy(out + o, p, (size_t)(at + 1 - p));
        o += (size_t)(at + 1 - p);
        h = at + 1;
    }
    if (h == stop)
        return SG17_E_FORMAT;
    for (const char *q = h; q < stop; q++) {
        if ((unsigned char)*q <= ' ')
            return SG17_E_FORMAT;
        out[o++] = (uint8_t)lower(*q);
    }
    *out_len = o;
    return 0;
}

static int canon_ip(sg17_intel_kind kind, sg17_intel_op op, const char *in, size_t len,
                    uint8_t *out, size_t *out_len, unsigned *plen)
{
    size_t alen = len;
    unsigned pl = 0;
    if (op == SG17_INTEL_PREFIX) {
        const char *sl = memchr(in, '/', len);
        if (sl == NULL || sl + 1 == in + len || in + len - (sl + 1) > 3)
            return SG17_E_FORMAT;
        for (const char *q = sl + 1; q < in + len; q++) {
            if (*q < '0' || *q > '9')
                return SG17_E_FORMAT;
            pl = pl * 10U + (unsigned)(*q - '0');
        }
        alen = (size_t)(sl - in);
    } else if (op != SG17_INTEL_EXACT) {
        return SG17_E_FORMAT;
    }
    uint32_t a4;
    if (kind != SG17_INTEL_IPV6 && im_parse_ipv4(in, alen, &a4) == 0) {
        if (op == SG17_INTEL_EXACT)
            pl = 32;
        if (pl > 32 || (pl < 32 && (a4 & (0xFFFFFFFFU >> pl)) != 0))
            return SG17_E_FORMAT;
        out[0] = (uint8_t)(a4 >> 24);
        out[1] = (uint8_t)(a4 >> 16);
        out[2] = (uint8_t)(a4 >> 8);
        out[3] = (uint8_t)a4;
        *out_len = 4;
    } else if (kind != SG17_INTEL_IPV4 && im_parse_ipv6(in, alen, out) == 0) {
        if (op == SG17_INTEL_EXACT)
            pl = 128;
        if (pl > 128)
            return SG17_E_FORMAT;
        for (unsigned bit = pl; bit < 128; bit++)
            if (out[bit / 8] & (0x80U >> (bit % 8)))
                return SG17_E_FORMAT;
        *out_len = 16;
    } else {
        return SG17_E_FORMAT;
    }
    if (plen)
        *plen = pl;
    return 0;
}

int im_canon(sg17_intel_kind kind, sg17_intel_op op, const char *in, size_t len, uint8_t *out,
             size_t *out_len, unsigned *plen)
{
    if (in == NULL || len > SG17_INTEL_MAX_VALUE)
        return SG17_E_FORMAT;
    if (plen)
        *plen = 0;
    if (is_ipv4_kind(kind))
        return canon_ip(kind, op, in, len, out, out_len, plen);
    if (op == SG17_INTEL_PREFIX || op == SG17_INTEL_RANGE) {
        if (!im_kind_digits(kind))
            return SG17_E_FORMAT;
        /* prefixes and ranges keep every digit (an IMEI TAC is 8 digits) */
        if (kind == SG17_INTEL_IMEI)
            return canon_digits(SG17_INTEL_IMSI, in, len, out, out_len);
        return canon_digits(kind, in, len, out, out_len);
    }
    switch (kind) {
    case SG17_INTEL_DOMAIN:
    case SG17_INTEL_DIAMETER_HOST:
    case SG17_INTEL_DIAMETER_REALM:
    case SG17_INTEL_APN:
        return canon_host(in, len, out, out_len);
    case SG17_INTEL_URL:
        return canon_url(in, len, out, out_len);
    case SG17_INTEL_EMAIL: {
        const char *at = NULL;
        for (size_t i = 0; i < len; i++) {
            if ((unsigned char)in[i] <= ' ' || in[i] == '<' || in[i] == '>')
                return SG17_E_FORMAT;
            if (in[i] == '@')
                at = in + i;
            out[i] = (uint8_t)lower(in[i]);
        }
        if (at == NULL || at == in || at + 1 == in + len)
            return SG17_E_FORMAT;
        *out_len = len;
        return 0;
    }
    case SG17_INTEL_MD5:
        return canon_hex(in, len, 32, out, out_len);
    case SG17_INTEL_SHA1:
        return canon_hex(in, len, 40, out, out_len);
    case SG17_INTEL_SHA256:
        return canon_hex(in, len, 64, out, out_len);
    case SG17_INTEL_SHA512:
        return canon_hex(in, len, 128, out, out_len);
    case SG17_INTEL_MSISDN:
    case SG17_INTEL_IMSI:
    case SG17_INTEL_IMEI:
    case SG17_INTEL_SCCP_GT:
        return canon_digits(kind, in, len, out, out_len);
    case SG17_INTEL_GTP_TEID:
        return canon_teid(in, len, out, out_len);
    case SG17_INTEL_SIP_URI:
        return canon_sip(in, len, out, out_len);
    default:
        return SG17_E_FORMAT;
    }
}

unsigned im_tag(sg17_intel_kind kind, sg17_intel_op op, size_t bin_len)
{
    if (is_ipv4_kind(kind))
        return bin_len == 4 ? 1U : 2U;
    return 8U + (unsigned)kind * 4U + (unsigned)op;
}

uint64_t im_hash(unsigned tag, const uint8_t *p, size_t len)
{
    if (tag == 1U && len == 4)
        return im_hash_v4((uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 |
                          p[3]);
    uint64_t h = im_mix64(((uint64_t)tag << 32) ^ (uint64_t)len ^ 0x9e3779b97f4a7c15ULL);
    while (len >= 8) {
        uint64_t w;
        memcpy(&w, p, 8);
        h = im_mix64(h ^ w) + 0x9e3779b97f4a7c15ULL;
        p += 8;
        len -= 8;
    }
    uint64_t w = 0;
    for (size_t i = 0; i < len; i++)
        w |= (uint64_t)p[i] << (8 * i);
    return im_mix64(h ^ w ^ ((uint64_t)len << 56));
}

uint64_t im_range_key(sg17_intel_kind kind, const uint8_t *digits, size_t n)
{
    uint64_t v = 0;
    for (size_t i = 0; i < n; i++)
        v = v * 10U + (uint64_t)(digits[i] - '0');
    return ((uint64_t)kind << 54) | ((uint64_t)n << 50) | v;
}

void im_format_ts(int64_t secs, char *buf, size_t cap)
{
    time_t t = (time_t)secs;
    struct tm tm;
    if (gmtime_r(&t, &tm) == NULL || strftime(buf, cap, "%Y-%m-%dT%H:%M:%S.000Z", &tm) == 0) {
        if (cap > 0)
            buf[0] = '\0';
    }
}
