/*
 * SUPI and SUCI encodings: SUPI text (TS 29.571), the SUCI string form
 * (TS 23.003 cl. 2.2B / TS 29.503 SuciString), the SUCI NAI form
 * (TS 23.003 cl. 28.7.3) and the 5GS mobile identity IE (TS 24.501
 * cl. 9.11.3.4). Every parser is strict and bounded; none allocates.
 */
#include <string.h>

#include "suci_internal.h"
#include "hex_internal.h"

int suci_is_digits(const char *s, size_t min, size_t max)
{
    size_t n = 0;
    if (!s)
        return 0;
    for (; s[n]; n++) {
        if (n >= max || s[n] < '0' || s[n] > '9')
            return 0;
    }
    return n >= min;
}

/* RFC 7542 §2.2 realm, restricted to LDH labels separated by dots. */
int suci_realm_valid(const char *s, size_t len)
{
    size_t label = 0;
    if (len == 0 || len > SG17_SUCI_MAX_NAI_PART)
        return 0;
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        if (c == '.') {
            if (label == 0 || s[i - 1] == '-')
                return 0;
            label = 0;
            continue;
        }
        if (c == '-' && label == 0)
            return 0;
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-'))
            return 0;
        if (++label > 63)
            return 0;
    }
    return label > 0 && s[len - 1] != '-';
}

/* A username: printable ASCII without '@' or space, 1..253 octets. */
int suci_username_valid(const char *s, size_t len)
{
    if (len == 0 || len > SG17_SUCI_MAX_NAI_PART)
        return 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c <= 0x20 || c >= 0x7f || c == '@')
            return 0;
    }
    return 1;
}

size_t suci_bcd_encode(const char *digits, uint8_t *out)
{
    size_t n = strlen(digits), o = 0;
    for (size_t i = 0; i < n; i += 2) {
        unsigned lo = (unsigned)(digits[i] - '0');
        unsigned hi = i + 1 < n ? (unsigned)(digits[i + 1] - '0') : 0xFu;
        out[o++] = (uint8_t)(lo | (hi << 4));
    }
    return o;
}

int suci_bcd_decode(const uint8_t *in, size_t len, char *digits, size_t cap)
{
    size_t n = 0;
    if (len == 0 || cap == 0)
        return SG17_E_FORMAT;
    for (size_t i = 0; i < len; i++) {
        unsigned lo = in[i] & 0xFu, hi = (unsigned)in[i] >> 4;
        if (lo > 9 || n + 1 >= cap)
            return SG17_E_FORMAT;
        digits[n++] = (char)('0' + lo);
        if (hi == 0xF && i + 1 == len)
            break;
        if (hi > 9 || n + 1 >= cap)
            return SG17_E_FORMAT;
        digits[n++] = (char)('0' + hi);
    }
    if (n >= cap)
        return SG17_E_FORMAT;
    digits[n] = '\0';
    return 0;
}

static int copy_str(char *dst, size_t cap, const char *src, size_t len)
{
    if (len >= cap)
        return SG17_E_FORMAT;
    memcpy(dst, src, len);
    dst[len] = '\0';
    return 0;
}

int sg17_supi_parse(const char *text, unsigned mnc_digits, sg17_supi *out)
{
    if (!text || !out || (mnc_digits != 2 && mnc_digits != 3))
        return SG17_E_INVAL;
    memset(out, 0, sizeof *out);
    size_t len = strnlen(text, SG17_SUCI_MAX_SUPI_TEXT);
    if (len >= SG17_SUCI_MAX_SUPI_TEXT)
        return SG17_E_FORMAT;
    if (strncmp(text, "imsi-", 5) == 0) {
        const char *d = text + 5;
        size_t n = len - 5;
        if (!suci_is_digits(d, 3 + mnc_digits + 1, 15))
            return SG17_E_FORMAT;
        out->type = SG17_SUCI_SUPI_IMSI;
        memcpy(out->mcc, d, 3);
        memcpy(out->mnc, d + 3, mnc_digits);
        return copy_str(out->msin, sizeof out->msin, d + 3 + mnc_digits, n - 3 - mnc_digits);
    }
    if (strncmp(text, "nai-", 4) == 0) {
        const char *u = text + 4, *at = memchr(u, '@', len - 4);
        if (!at)
            return SG17_E_FORMAT;
        size_t ul = (size_t)(at - u), rl = len - 4 - ul - 1;
        if (!suci_username_valid(u, ul) || !suci_realm_valid(at + 1, rl))
            goto bad;
        out->type = SG17_SUCI_SUPI_NAI;
        if (copy_str(out->username, sizeof out->username, u, ul) ||
            copy_str(out->realm, sizeof out->realm, at + 1, rl))
            goto bad;
        return 0;
    }
bad:
    memset(out, 0, sizeof *out);
    return SG17_E_FORMAT;
}

/* Bounded string builder. */
typedef struct sb {
    char *p;
    size_t cap, len;
    int err;
} sb;

static void sb_put(sb *b, const char *s, size_t n)
{
    if (b->err || b->len + n + 1 > b->cap) {
        b->err = 1;
        return;
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
}
static void sb_str(sb *b, const char *s)
{
    sb_put(b, s, strlen(s));
}
static void sb_uint(sb *b, unsigned v)
{
    char t[12];
    size_t n = sizeof t;
    do {
        t[--n] = (char)('0' + v % 10u);
        v /= 10u;
    } while (v && n);
    sb_put(b, t + n, sizeof t - n);
}
static void sb_hex(sb *b, const uint8_t *p, size_t n, int upper)
{
    const char *dig = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    for (size_t i = 0; i < n && !b->err; i++) {
        char t[2] = {dig[p[i] >> 4], dig[p[i] & 15]};
        sb_put(b, t, 2);
    }
}

int sg17_supi_format(const sg17_supi *supi, char *out, size_t cap)
{
    sb b = {out, cap, 0, 0};
    if (!supi || !out || cap == 0)
        return SG17_E_INVAL;
    out[0] = '\0';
    if (supi->type == SG17_SUCI_SUPI_IMSI) {
        sb_str(&b, "imsi-");
        sb_str(&b, supi->mcc);
        sb_str(&b, supi->mnc);
        sb_str(&b, supi->msin);
    } else {
        sb_str(&b, "nai-");
        sb_str(&b, supi->username);
        sb_str(&b, "@");
        sb_str(&b, supi->realm);
    }
    if (b.err) {
        out[0] = '\0';
        return SG17_E_INVAL;
    }
    return 0;
}

/* Decode n hex chars (even, > 0) into out (cap bytes). */
static int hex_decode(const char *s, size_t n, uint8_t *out, size_t cap, size_t *len)
{
    if (n == 0 || n % 2 || n / 2 > cap)
        return SG17_E_FORMAT;
    for (size_t i = 0; i < n; i += 2) {
        int h = sg17_hexval(s[i]), l = sg17_hexval(s[i + 1]);
        if (h < 0 || l < 0)
            return SG17_E_FORMAT;
        out[i / 2] = (uint8_t)(h << 4 | l);
    }
    *len = n / 2;
    return 0;
}

/* Canonical decimal in [0, max] (no sign, no leading zeros). */
static int parse_uint(const char *s, size_t n, unsigned max, unsigned *v)
{
    unsigned x = 0;
    if (n == 0 || n > 3 || (n > 1 && s[0] == '0'))
        return SG17_E_FORMAT;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return SG17_E_FORMAT;
        x = x * 10u + (unsigned)(s[i] - '0');
    }
    if (x > max)
        return SG17_E_FORMAT;
    *v = x;
    return 0;
}

static int field_digits(const char *s, size_t n, size_t min, size_t max, char *dst, size_t cap)
{
    if (n < min || n > max)
        return SG17_E_FORMAT;
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return SG17_E_FORMAT;
    return copy_str(dst, cap, s, n);
}

/* Common checks once every field is in place. */
int suci_check(const sg17_suci *s)
{
    if (s->scheme > 15 || s->key_id > 255 || !suci_is_digits(s->routing, 1, 4))
        return SG17_E_FORMAT;
    if (s->supi_type == SG17_SUCI_SUPI_IMSI) {
        if (!suci_is_digits(s->mcc, 3, 3) || !suci_is_digits(s->mnc, 2, 3))
            return SG17_E_FORMAT;
    } else if (s->supi_type == SG17_SUCI_SUPI_NAI) {
        if (!suci_realm_valid(s->realm, strnlen(s->realm, sizeof s->realm)))
            return SG17_E_FORMAT;
    } else {
        return SG17_E_FORMAT;
    }
    if (s->output_len == 0 || s->output_len > SG17_SUCI_MAX_OUTPUT)
        return SG17_E_FORMAT;
    /* A known scheme's output holds at least its ephemeral part, one octet
     * of ciphertext and the tag (the NAI form splits it into those fields). */
    const suci_params *p = suci_params_get(s->scheme);
    if (p && s->output_len < p->eph_len + 1 + p->tag_len)
        return SG17_E_FORMAT;
    if (s->scheme == SG17_SUCI_SCHEME_NULL) {
        char d[SUCI_MAX_MSIN + 2];
        if (s->key_id != 0)
            return SG17_E_FORMAT;
        if (s->supi_type == SG17_SUCI_SUPI_IMSI)
            return suci_bcd_decode(s->output, s->output_len, d, SUCI_MAX_MSIN + 1);
        return suci_username_valid((const char *)s->output, s->output_len) ? 0 : SG17_E_FORMAT;
    }
    return 0;
}

/* suci-0-<mcc>-<mnc>-<ri>-<scheme hex digit>-<key id>-<output> */
static int parse_string_form(const char *t, size_t len, sg17_suci *o)
{
    const char *f[8];
    size_t fl[8], nf = 0, start = 0;
    for (size_t i = 0; i <= len && nf < 8; i++) {
        if (i == len || (t[i] == '-' && nf < 7)) {
            f[nf] = t + start;
            fl[nf++] = i - start;
            start = i + 1;
        }
    }
    if (nf != 8 || fl[0] != 4 || memcmp(f[0], "suci", 4) != 0 || fl[1] != 1 || f[1][0] != '0')
        return SG17_E_FORMAT;
    o->supi_type = SG17_SUCI_SUPI_IMSI;
    if (field_digits(f[2], fl[2], 3, 3, o->mcc, sizeof o->mcc) ||
        field_digits(f[3], fl[3], 2, 3, o->mnc, sizeof o->mnc) ||
        field_digits(f[4], fl[4], 1, 4, o->routing, sizeof o->routing) || fl[5] != 1)
        return SG17_E_FORMAT;
    int sv = sg17_hexval(f[5][0]);
    if (sv < 0 || parse_uint(f[6], fl[6], 255, &o->key_id))
        return SG17_E_FORMAT;
    o->scheme = (unsigned)sv;
    if (o->scheme == SG17_SUCI_SCHEME_NULL) {
        char msin[SUCI_MAX_MSIN + 1];
        if (field_digits(f[7], fl[7], 1, SUCI_MAX_MSIN, msin, sizeof msin))
            return SG17_E_FORMAT;
        o->output_len = suci_bcd_encode(msin, o->output);
        return 0;
    }
    return hex_decode(f[7], fl[7], o->output, sizeof o->output, &o->output_len);
}

/* Find "<tag>" at *p and return the field up to the next '.' (or end). */
static int nai_field(const char **p, const char *end, const char *tag, const char **v, size_t *vl,
                     int last)
{
    size_t tl = strlen(tag);
    if ((size_t)(end - *p) < tl || memcmp(*p, tag, tl) != 0)
        return SG17_E_FORMAT;
    const char *s = *p + tl, *e = s;
    if (!last)
        while (e < end && *e != '.')
            e++;
    else
        e = end;
    *v = s;
    *vl = (size_t)(e - s);
    *p = e < end ? e + 1 : end;
    if (!last && e == end)
        return SG17_E_FORMAT;
    return 0;
}

/* 5gc.mnc<MNC>.mcc<MCC>.3gppnetwork.org. TS 23.003 cl. 28.2 pads a 2-digit
 * MNC with a leading 0, so the realm cannot tell "01" from "001": the MNC is
 * kept as the 3 digits written (docs/SUCI.md). */
static int parse_imsi_realm(const char *r, size_t n, sg17_suci *o)
{
    static const char suffix[] = ".3gppnetwork.org";
    if (n != 4 + 6 + 7 + sizeof suffix - 1 || memcmp(r, "5gc.mnc", 7) != 0 ||
        memcmp(r + 10, ".mcc", 4) != 0 || memcmp(r + 17, suffix, sizeof suffix - 1) != 0)
        return SG17_E_FORMAT;
    if (field_digits(r + 7, 3, 3, 3, o->mnc, sizeof o->mnc) ||
        field_digits(r + 14, 3, 3, 3, o->mcc, sizeof o->mcc))
        return SG17_E_FORMAT;
    return 0;
}

static int parse_nai_form(const char *t, size_t len, sg17_suci *o)
{
    const char *at = memchr(t, '@', len), *p = t, *v;
    size_t vl;
    if (!at)
        return SG17_E_FORMAT;
    const char *end = at, *realm = at + 1;
    size_t rl = len - (size_t)(realm - t);
    if (nai_field(&p, end, "type", &v, &vl, 0) || parse_uint(v, vl, 1, &o->supi_type) ||
        nai_field(&p, end, "rid", &v, &vl, 0) ||
        field_digits(v, vl, 1, 4, o->routing, sizeof o->routing) ||
        nai_field(&p, end, "schid", &v, &vl, 0) || parse_uint(v, vl, 15, &o->scheme))
        return SG17_E_FORMAT;
    if (o->supi_type == SG17_SUCI_SUPI_IMSI) {
        if (parse_imsi_realm(realm, rl, o))
            return SG17_E_FORMAT;
    } else if (copy_str(o->realm, sizeof o->realm, realm, rl)) {
        return SG17_E_FORMAT;
    }
    if (o->scheme == SG17_SUCI_SCHEME_NULL) {
        if (nai_field(&p, end, "userid", &v, &vl, 1))
            return SG17_E_FORMAT;
        if (o->supi_type == SG17_SUCI_SUPI_NAI) {
            if (vl == 0 || vl > sizeof o->output)
                return SG17_E_FORMAT;
            memcpy(o->output, v, vl);
            o->output_len = vl;
            return 0;
        }
        char msin[SUCI_MAX_MSIN + 1];
        if (field_digits(v, vl, 1, SUCI_MAX_MSIN, msin, sizeof msin))
            return SG17_E_FORMAT;
        o->output_len = suci_bcd_encode(msin, o->output);
        return 0;
    }
    if (nai_field(&p, end, "hnkey", &v, &vl, 0) || parse_uint(v, vl, 255, &o->key_id))
        return SG17_E_FORMAT;
    if (o->scheme == SG17_SUCI_SCHEME_PROFILE_A || o->scheme == SG17_SUCI_SCHEME_PROFILE_B) {
        size_t a, b, c;
        if (nai_field(&p, end, "ecckey", &v, &vl, 0) ||
            hex_decode(v, vl, o->output, sizeof o->output, &a))
            return SG17_E_FORMAT;
        if (nai_field(&p, end, "cip", &v, &vl, 0) ||
            hex_decode(v, vl, o->output + a, sizeof o->output - a, &b))
            return SG17_E_FORMAT;
        if (nai_field(&p, end, "mac", &v, &vl, 1) ||
            hex_decode(v, vl, o->output + a + b, sizeof o->output - a - b, &c) || c != 8 ||
            a != suci_params_get(o->scheme)->eph_len)
            return SG17_E_FORMAT;
        o->output_len = a + b + c;
        return 0;
    }
    if (nai_field(&p, end, "out", &v, &vl, 1))
        return SG17_E_FORMAT;
    return hex_decode(v, vl, o->output, sizeof o->output, &o->output_len);
}

int sg17_suci_parse(const char *text, size_t len, sg17_suci *out)
{
    int rc;
    if (!out)
        return SG17_E_INVAL;
    memset(out, 0, sizeof *out);
    if (!text || len == 0 || len >= SG17_SUCI_MAX_TEXT || memchr(text, '\0', len))
        return SG17_E_FORMAT;
    if (len > 5 && memcmp(text, "suci-", 5) == 0)
        rc = parse_string_form(text, len, out);
    else if (len > 4 && memcmp(text, "type", 4) == 0)
        rc = parse_nai_form(text, len, out);
    else
        rc = SG17_E_FORMAT;
    if (rc == 0)
        rc = suci_check(out);
    if (rc)
        memset(out, 0, sizeof *out);
    return rc;
}

static void format_nai(const sg17_suci *s, sb *b)
{
    sb_str(b, "type");
    sb_uint(b, s->supi_type);
    sb_str(b, ".rid");
    sb_str(b, s->routing);
    sb_str(b, ".schid");
    sb_uint(b, s->scheme);
    if (s->scheme == SG17_SUCI_SCHEME_NULL) {
        sb_str(b, ".userid");
        if (s->supi_type == SG17_SUCI_SUPI_IMSI) {
            char d[SUCI_MAX_MSIN + 2];
            if (suci_bcd_decode(s->output, s->output_len, d, sizeof d))
                b->err = 1;
            else
                sb_str(b, d);
        } else {
            sb_put(b, (const char *)s->output, s->output_len);
        }
    } else {
        sb_str(b, ".hnkey");
        sb_uint(b, s->key_id);
        const suci_params *p = suci_params_get(s->scheme);
        if (p && p->tag_len == 8 && s->output_len > p->eph_len + 8) {
            size_t cl = s->output_len - p->eph_len - 8;
            sb_str(b, ".ecckey");
            sb_hex(b, s->output, p->eph_len, 1);
            sb_str(b, ".cip");
            sb_hex(b, s->output + p->eph_len, cl, 1);
            sb_str(b, ".mac");
            sb_hex(b, s->output + p->eph_len + cl, 8, 1);
        } else {
            sb_str(b, ".out");
            sb_hex(b, s->output, s->output_len, 1);
        }
    }
    sb_str(b, "@");
    if (s->supi_type == SG17_SUCI_SUPI_IMSI) {
        sb_str(b, "5gc.mnc");
        if (strlen(s->mnc) == 2)
            sb_str(b, "0");
        sb_str(b, s->mnc);
        sb_str(b, ".mcc");
        sb_str(b, s->mcc);
        sb_str(b, ".3gppnetwork.org");
    } else {
        sb_str(b, s->realm);
    }
}

int sg17_suci_format(const sg17_suci *suci, sg17_suci_form form, char *out, size_t cap,
                     size_t *out_len)
{
    sb b = {out, cap, 0, 0};
    if (!suci || !out || cap == 0)
        return SG17_E_INVAL;
    out[0] = '\0';
    if (suci_check(suci))
        return SG17_E_FORMAT;
    if (form == SG17_SUCI_FORM_STRING) {
        if (suci->supi_type != SG17_SUCI_SUPI_IMSI)
            return SG17_E_FORMAT;
        sb_str(&b, "suci-0-");
        sb_str(&b, suci->mcc);
        sb_str(&b, "-");
        sb_str(&b, suci->mnc);
        sb_str(&b, "-");
        sb_str(&b, suci->routing);
        sb_str(&b, "-");
        sb_put(&b, &"0123456789abcdef"[suci->scheme], 1);
        sb_str(&b, "-");
        sb_uint(&b, suci->key_id);
        sb_str(&b, "-");
        if (suci->scheme == SG17_SUCI_SCHEME_NULL) {
            char d[SUCI_MAX_MSIN + 2];
            if (suci_bcd_decode(suci->output, suci->output_len, d, sizeof d))
                return SG17_E_FORMAT;
            sb_str(&b, d);
        } else {
            sb_hex(&b, suci->output, suci->output_len, 0);
        }
    } else if (form == SG17_SUCI_FORM_NAI) {
        format_nai(suci, &b);
    } else {
        return SG17_E_INVAL;
    }
    if (b.err) {
        out[0] = '\0';
        return SG17_E_INVAL;
    }
    if (out_len)
        *out_len = b.len;
    return 0;
}

int sg17_suci_encode_ie(const sg17_suci *suci, uint8_t *out, size_t cap, size_t *out_len)
{
    if (!suci || !out || !out_len)
        return SG17_E_INVAL;
    if (suci_check(suci))
        return SG17_E_FORMAT;
    if (suci->supi_type == SG17_SUCI_SUPI_NAI) {
        size_t n = 0;
        if (cap < 2)
            return SG17_E_INVAL;
        out[0] = 0x11; /* SUPI format NAI, type of identity SUCI */
        int rc = sg17_suci_format(suci, SG17_SUCI_FORM_NAI, (char *)out + 1, cap - 1, &n);
        if (rc)
            return rc;
        *out_len = n + 1;
        return 0;
    }
    size_t n = 8 + suci->output_len;
    if (cap < n)
        return SG17_E_INVAL;
    const char *mcc = suci->mcc, *mnc = suci->mnc, *ri = suci->routing;
    unsigned mnc3 = mnc[2] ? (unsigned)(mnc[2] - '0') : 0xFu;
    unsigned r[4];
    for (size_t i = 0; i < 4; i++)
        r[i] = i < strlen(ri) ? (unsigned)(ri[i] - '0') : 0xFu;
    out[0] = 0x01; /* SUPI format IMSI, type of identity SUCI */
    out[1] = (uint8_t)((unsigned)(mcc[0] - '0') | (unsigned)(mcc[1] - '0') << 4);
    out[2] = (uint8_t)((unsigned)(mcc[2] - '0') | mnc3 << 4);
    out[3] = (uint8_t)((unsigned)(mnc[0] - '0') | (unsigned)(mnc[1] - '0') << 4);
    out[4] = (uint8_t)(r[0] | r[1] << 4);
    out[5] = (uint8_t)(r[2] | r[3] << 4);
    out[6] = (uint8_t)suci->scheme;
    out[7] = (uint8_t)suci->key_id;
    memcpy(out + 8, suci->output, suci->output_len);
    *out_len = n;
    return 0;
}

static int nib_digit(unsigned v, char *c)
{
    if (v > 9)
        return SG17_E_FORMAT;
    *c = (char)('0' + v);
    return 0;
}

int sg17_suci_decode_ie(const uint8_t *in, size_t len, sg17_suci *out)
{
    int rc = SG17_E_FORMAT;
    if (!out)
        return SG17_E_INVAL;
    memset(out, 0, sizeof *out);
    if (!in || len < 2)
        return SG17_E_FORMAT;
    if (in[0] == 0x11) {
        rc = sg17_suci_parse((const char *)in + 1, len - 1, out);
        if (rc == 0 && out->supi_type != SG17_SUCI_SUPI_NAI)
            rc = SG17_E_FORMAT;
        goto done;
    }
    if (in[0] != 0x01 || len < 9 || len - 8 > SG17_SUCI_MAX_OUTPUT)
        goto done;
    out->supi_type = SG17_SUCI_SUPI_IMSI;
    if (nib_digit(in[1] & 15u, &out->mcc[0]) || nib_digit((unsigned)in[1] >> 4, &out->mcc[1]) ||
        nib_digit(in[2] & 15u, &out->mcc[2]) || nib_digit(in[3] & 15u, &out->mnc[0]) ||
        nib_digit((unsigned)in[3] >> 4, &out->mnc[1]))
        goto done;
    if ((in[2] >> 4) != 0xF && nib_digit((unsigned)in[2] >> 4, &out->mnc[2]))
        goto done;
    unsigned r[4] = {in[4] & 15u, (unsigned)in[4] >> 4, in[5] & 15u, (unsigned)in[5] >> 4};
    size_t nr = 0;
    while (nr < 4 && r[nr] != 0xF) {
        if (nib_digit(r[nr], &out->routing[nr]))
            goto done;
        nr++;
    }
    for (size_t i = nr; i < 4; i++)
        if (r[i] != 0xF)
            goto done;
    if (in[6] > 15)
        goto done;
    out->scheme = in[6];
    out->key_id = in[7];
    out->output_len = len - 8;
    memcpy(out->output, in + 8, len - 8);
    rc = suci_check(out);
done:
    if (rc)
        memset(out, 0, sizeof *out);
    return rc;
}
