/*
 * X.1217 8.2.1 collection from lists and MISP (feed format): values become
 * matcher indicator values (sg17/intel_collect.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sg17/crypto.h"
#include "sg17/intel_collect.h"

#define MISP_MAX_EVENT_FILE ((size_t)256 << 20)
#define MISP_MAX_EVENTS 100000U

static int is_hex(const char *v, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        char c = v[i];
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')))
            return 0;
    }
    return 1;
}

sg17_intel_kind sg17_intel_guess_kind(const char *v, size_t len, sg17_intel_op *op)
{
    sg17_intel_op o = SG17_INTEL_EXACT;
    sg17_intel_kind k = SG17_INTEL_NONE;
    if (v == NULL || len == 0)
        return SG17_INTEL_NONE;
    int digits_dots = 1, has_colon = 0;
    for (size_t i = 0; i < len; i++) {
        if (v[i] == ':')
            has_colon = 1;
        if (!((v[i] >= '0' && v[i] <= '9') || v[i] == '.' || v[i] == '/'))
            digits_dots = 0;
    }
    const char *sl = memchr(v, '/', len);
    int scheme = 0;
    for (size_t i = 0; i + 2 < len && !scheme; i++)
        scheme = v[i] == ':' && v[i + 1] == '/' && v[i + 2] == '/';
    if (scheme) {
        k = SG17_INTEL_URL;
    } else if (digits_dots && memchr(v, '.', len)) {
        k = SG17_INTEL_IPV4;
        o = sl ? SG17_INTEL_PREFIX : SG17_INTEL_EXACT;
    } else if (has_colon && memchr(v, '@', len) == NULL) {
        k = SG17_INTEL_IPV6;
        o = sl ? SG17_INTEL_PREFIX : SG17_INTEL_EXACT;
    } else if (memchr(v, '@', len)) {
        k = SG17_INTEL_EMAIL;
    } else if (is_hex(v, len) && (len == 32 || len == 40 || len == 64 || len == 128)) {
        k = len == 32 ? SG17_INTEL_MD5 : len == 40 ? SG17_INTEL_SHA1
                                       : len == 64 ? SG17_INTEL_SHA256
                                                   : SG17_INTEL_SHA512;
    } else if (memchr(v, '.', len)) {
        k = SG17_INTEL_DOMAIN;
    }
    if (op)
        *op = o;
    return k;
}

void sg17_intel_list_id(const char *source, sg17_intel_kind kind, const char *value, size_t len,
                        uint8_t id[16])
{
    sg17_sha256_ctx c;
    uint8_t d[32], kb = (uint8_t)kind, zero = 0;
    sg17_sha256_init(&c);
    if (source)
        sg17_sha256_update(&c, (const uint8_t *)source, strlen(source));
    sg17_sha256_update(&c, &zero, 1);
    sg17_sha256_update(&c, &kb, 1);
    sg17_sha256_update(&c, (const uint8_t *)value, len);
    sg17_sha256_final(&c, d);
    memcpy(id, d, 16);
    id[6] = (uint8_t)((id[6] & 0x0FU) | 0x40U);
    id[8] = (uint8_t)((id[8] & 0x3FU) | 0x80U);
}

/* Add one value (not NUL-terminated) with a list id. */
static int add_value(sg17_intel_builder *b, sg17_intel_kind kind, sg17_intel_op op,
                     const char *v, size_t len, const uint8_t *id, const char *source,
                     sg17_intel_collect_stats *st)
{
    char buf[SG17_INTEL_MAX_VALUE + 1];
    while (len > 0 && (v[0] == ' ' || v[0] == '\t')) {
        v++;
        len--;
    }
    while (len > 0 && (v[len - 1] == ' ' || v[len - 1] == '\t' || v[len - 1] == '\r'))
        len--;
    if (len == 0 || len > SG17_INTEL_MAX_VALUE) {
        st->invalid += len != 0;
        return 0;
    }
    memcpy(buf, v, len);
    buf[len] = '\0';
    if (kind == SG17_INTEL_NONE) {
        kind = sg17_intel_guess_kind(buf, len, &op);
        if (kind == SG17_INTEL_NONE) {
            st->invalid++;
            return 0;
        }
    } else if ((kind == SG17_INTEL_IPV4 || kind == SG17_INTEL_IPV6) && memchr(buf, '/', len)) {
        op = SG17_INTEL_PREFIX;
    }
    if ((kind == SG17_INTEL_IPV4 || kind == SG17_INTEL_IPV6) && memchr(buf, ':', len))
        kind = SG17_INTEL_IPV6;
    else if (kind == SG17_INTEL_IPV6 && !memchr(buf, ':', len))
        kind = SG17_INTEL_IPV4;
    sg17_intel_ind ind;
    memset(&ind, 0, sizeof ind);
    ind.kind = kind;
    ind.op = op;
    ind.value = buf;
    if (id)
        memcpy(ind.id, id, 16);
    else
        sg17_intel_list_id(source, kind, buf, len, ind.id);
    int rc = sg17_intel_builder_add(b, &ind);
    if (rc == SG17_E_FORMAT) {
        st->invalid++;
        return 0;
    }
    if (rc == 0)
        st->values++;
    return rc;
}

int sg17_intel_collect_plain(sg17_intel_builder *b, const char *text, size_t len,
                             sg17_intel_kind kind, const char *source,
                             sg17_intel_collect_stats *st)
{
    if (b == NULL || (text == NULL && len) || st == NULL)
        return SG17_E_INVAL;
    for (size_t pos = 0; pos < len;) {
        const char *nl = memchr(text + pos, '\n', len - pos);
        size_t l = nl ? (size_t)(nl - (text + pos)) : len - pos;
        const char *line = text + pos;
        pos += l + 1;
        size_t k = 0;
        while (k < l && (line[k] == ' ' || line[k] == '\t' || line[k] == '\r'))
            k++;
        if (k == l || line[k] == '#')
            continue;
        st->records++;
        int rc = add_value(b, kind, SG17_INTEL_EXACT, line, l, NULL, source, st);
        if (rc != 0)
            return rc;
    }
    return 0;
}

/* STIX type name -> kind (for CSV "type" columns). */
static sg17_intel_kind kind_of_type(const char *t, size_t len)
{
    for (int k = SG17_INTEL_IPV4; k < SG17_INTEL_KIND_COUNT; k++) {
        const char *n = sg17_intel_kind_name((sg17_intel_kind)k);
        if (strlen(n) == len && strncmp(n, t, len) == 0)
            return (sg17_intel_kind)k;
    }
    return SG17_INTEL_NONE;
}

int sg17_intel_collect_csv(sg17_intel_builder *b, const char *text, size_t len,
                           const char *column, sg17_intel_kind kind, const char *source,
                           sg17_intel_collect_stats *st, char *err, size_t err_len)
{
    if (b == NULL || column == NULL || st == NULL || (text == NULL && len))
        return SG17_E_INVAL;
    long vcol = -1, tcol = -1;
    size_t lineno = 0;
    for (size_t pos = 0; pos < len;) {
        const char *nl = memchr(text + pos, '\n', len - pos);
        size_t l = nl ? (size_t)(nl - (text + pos)) : len - pos;
        const char *line = text + pos;
        pos += l + 1;
        lineno++;
        if (l > 0 && line[l - 1] == '\r')
            l--;
        if (l == 0 || line[0] == '#')
            continue;
        const char *f[64];
        size_t fl[64], n = 0, start = 0;
        for (size_t i = 0; i <= l && n < 64; i++) {
            if (i == l || line[i] == ',') {
                f[n] = line + start;
                fl[n++] = i - start;
                start = i + 1;
            }
        }
        if (vcol < 0) {
            for (size_t i = 0; i < n; i++) {
                if (fl[i] == strlen(column) && strncmp(f[i], column, fl[i]) == 0)
                    vcol = (long)i;
                if (fl[i] == 4 && strncmp(f[i], "type", 4) == 0)
                    tcol = (long)i;
            }
            if (vcol < 0) {
                if (err && err_len)
                    snprintf(err, err_len, "line %zu: no column '%s' in the header", lineno,
                             column);
                return SG17_E_FORMAT;
            }
            continue;
        }
        st->records++;
        if ((size_t)vcol >= n) {
            st->invalid++;
            continue;
        }
        sg17_intel_kind k = kind;
        if (tcol >= 0 && (size_t)tcol < n && fl[tcol] > 0) {
            k = kind_of_type(f[tcol], fl[tcol]);
            if (k == SG17_INTEL_NONE) {
                st->skipped++;
                continue;
            }
        }
        int rc = add_value(b, k, SG17_INTEL_EXACT, f[vcol], fl[vcol], NULL, source, st);
        if (rc != 0)
            return rc;
    }
    return 0;
}

/* ---- MISP ---------------------------------------------------------------- */

static int parse_uuid(const char *u, uint8_t out[16])
{
    if (u == NULL || strlen(u) != 36)
        return -1;
    size_t o = 0;
    for (size_t i = 0; i < 36; i++) {
        if (i == 8 || i == 13 || i == 18 || i == 23) {
            if (u[i] != '-')
                return -1;
            continue;
        }
        char c = u[i];
        unsigned d;
        if (c >= '0' && c <= '9')
            d = (unsigned)(c - '0');
        else if (c >= 'a' && c <= 'f')
            d = (unsigned)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F')
            d = (unsigned)(c - 'A' + 10);
        else
            return -1;
        out[o / 2] = (uint8_t)((o % 2 == 0) ? d << 4 : (out[o / 2] | d));
        o++;
    }
    return 0;
}

static const struct {
    const char *type;
    sg17_intel_kind kind;
    int part; /* for "a|b" types: which part holds the value (0, 1), -1 = whole */
} misp_types[] = {
    {"ip-dst", SG17_INTEL_IPV4, -1},       {"ip-src", SG17_INTEL_IPV4, -1},
    {"ip-dst|port", SG17_INTEL_IPV4, 0},   {"ip-src|port", SG17_INTEL_IPV4, 0},
    {"domain", SG17_INTEL_DOMAIN, -1},     {"hostname", SG17_INTEL_DOMAIN, -1},
    {"domain|ip", SG17_INTEL_DOMAIN, 0},   {"url", SG17_INTEL_URL, -1},
    {"md5", SG17_INTEL_MD5, -1},           {"sha1", SG17_INTEL_SHA1, -1},
    {"sha256", SG17_INTEL_SHA256, -1},     {"sha512", SG17_INTEL_SHA512, -1},
    {"filename|md5", SG17_INTEL_MD5, 1},   {"filename|sha1", SG17_INTEL_SHA1, 1},
    {"filename|sha256", SG17_INTEL_SHA256, 1}, {"filename|sha512", SG17_INTEL_SHA512, 1},
    {"email-src", SG17_INTEL_EMAIL, -1},   {"email-dst", SG17_INTEL_EMAIL, -1},
    {"email", SG17_INTEL_EMAIL, -1},       {"phone-number", SG17_INTEL_MSISDN, -1},
};

static int misp_attribute(sg17_intel_builder *b, const json_t *a, sg17_intel_collect_stats *st)
{
    st->records++;
    const char *type = json_string_value(json_object_get(a, "type"));
    const char *value = json_string_value(json_object_get(a, "value"));
    if (!json_is_true(json_object_get(a, "to_ids")) ||
        json_is_true(json_object_get(a, "deleted")) || type == NULL || value == NULL) {
        st->skipped++;
        return 0;
    }
    uint8_t id[16];
    if (parse_uuid(json_string_value(json_object_get(a, "uuid")), id) != 0) {
        st->invalid++;
        return 0;
    }
    for (size_t i = 0; i < sizeof misp_types / sizeof misp_types[0]; i++) {
        if (strcmp(type, misp_types[i].type) != 0)
            continue;
        const char *v = value;
        size_t l = strlen(value);
        if (misp_types[i].part >= 0) {
            const char *bar = strchr(value, '|');
            if (bar == NULL) {
                st->invalid++;
                return 0;
            }
            if (misp_types[i].part == 0) {
                l = (size_t)(bar - value);
            } else {
                v = bar + 1;
                l = strlen(v);
            }
        }
        int rc = add_value(b, misp_types[i].kind, SG17_INTEL_EXACT, v, l, id, NULL, st);
        if (rc != 0 || strcmp(type, "domain|ip") != 0)
            return rc;
        /* domain|ip: the address too */
        const char *bar = strchr(value, '|');
        return add_value(b, SG17_INTEL_IPV4, SG17_INTEL_EXACT, bar + 1, strlen(bar + 1), id, NULL,
                         st);
    }
    st->skipped++;
    return 0;
}

int sg17_intel_collect_misp_event(sg17_intel_builder *b, const json_t *event,
                                  sg17_intel_collect_stats *st)
{
    if (b == NULL || event == NULL || st == NULL)
        return SG17_E_INVAL;
    const json_t *e = json_object_get(event, "Event");
    if (e == NULL)
        e = event;
    if (!json_is_object(e) || json_object_get(e, "uuid") == NULL)
        return SG17_E_FORMAT;
    size_t i, j;
    const json_t *a, *o;
    json_array_foreach(json_object_get(e, "Attribute"), i, a) {
        int rc = misp_attribute(b, a, st);
        if (rc != 0)
            return rc;
    }
    json_array_foreach(json_object_get(e, "Object"), i, o) {
        json_array_foreach(json_object_get(o, "Attribute"), j, a) {
            int rc = misp_attribute(b, a, st);
            if (rc != 0)
                return rc;
        }
    }
    return 0;
}

static json_t *load_json_file(const char *path, size_t cap, char *err, size_t err_len, int *rc)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        if (err && err_len)
            snprintf(err, err_len, "%s: cannot open", path);
        *rc = SG17_E_IO;
        return NULL;
    }
    json_error_t je;
    size_t n = 0, bcap = cap > 65536 ? 65536 : cap;
    char *buf = malloc(bcap);
    json_t *j = NULL;
    if (buf == NULL) {
        fclose(f);
        *rc = SG17_E_NOMEM;
        return NULL;
    }
    *rc = 0;
    for (;;) {
        if (n == bcap) {
            if (bcap >= cap) {
                *rc = SG17_E_LIMIT;
                break;
            }
            size_t nc = bcap * 2 > cap ? cap : bcap * 2;
            char *nb = realloc(buf, nc);
            if (nb == NULL) {
                *rc = SG17_E_NOMEM;
                break;
            }
            buf = nb;
            bcap = nc;
        }
        size_t r = fread(buf + n, 1, bcap - n, f);
        n += r;
        if (r == 0)
            break;
    }
    fclose(f);
    if (*rc == 0) {
        j = json_loadb(buf, n, 0, &je);
        if (j == NULL) {
            if (err && err_len)
                snprintf(err, err_len, "%s:%d: %s", path, je.line, je.text);
            *rc = SG17_E_FORMAT;
        }
    } else if (err && err_len) {
        if (*rc == SG17_E_LIMIT)
            snprintf(err, err_len, "%s: larger than %zu bytes", path, cap);
        else
            snprintf(err, err_len, "%s: %s", path, sg17_strerror(*rc));
    }
    free(buf);
    return j;
}

int sg17_intel_collect_misp_feed(sg17_intel_builder *b, const char *dir,
                                 sg17_intel_collect_stats *st, char *err, size_t err_len)
{
    if (b == NULL || dir == NULL || st == NULL)
        return SG17_E_INVAL;
    char path[4096];
    int rc;
    if ((size_t)snprintf(path, sizeof path, "%s/manifest.json", dir) >= sizeof path)
        return SG17_E_LIMIT;
    json_t *man = load_json_file(path, (size_t)64 << 20, err, err_len, &rc);
    if (man == NULL)
        return rc;
    if (!json_is_object(man) || json_object_size(man) > MISP_MAX_EVENTS) {
        json_decref(man);
        if (err && err_len)
            snprintf(err, err_len, "%s: not a MISP feed manifest", path);
        return SG17_E_FORMAT;
    }
    const char *uuid;
    json_t *meta;
    rc = 0;
    json_object_foreach(man, uuid, meta) {
        uint8_t u[16];
        (void)meta;
        if (parse_uuid(uuid, u) != 0) { /* never build a path from an unchecked name */
            if (err && err_len)
                snprintf(err, err_len, "%s: event key '%.40s' is not a UUID", path, uuid);
            rc = SG17_E_FORMAT;
            break;
        }
        char ep[4096];
        if ((size_t)snprintf(ep, sizeof ep, "%s/%s.json", dir, uuid) >= sizeof ep) {
            rc = SG17_E_LIMIT;
            break;
        }
        json_t *ev = load_json_file(ep, MISP_MAX_EVENT_FILE, err, err_len, &rc);
        if (ev == NULL)
            break;
        rc = sg17_intel_collect_misp_event(b, ev, st);
        json_decref(ev);
        if (rc != 0) {
            if (err && err_len)
                snprintf(err, err_len, "%s: %s", ep, sg17_strerror(rc));
            break;
        }
    }
    json_decref(man);
    return rc;
}
