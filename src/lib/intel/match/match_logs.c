/*
 * Log readers for `sg17 intel match` (docs/INTEL.md): Zeek TSV logs (conn,
 * dns, http, files, smtp, ssl: by #fields names), a NetFlow-style CSV and the
 * signalling-event CSV of docs/TELECOM-INDICATORS.md. Each line becomes an
 * observation: a timestamp and up to SG17_INTEL_OBS_MAX_FIELDS typed values
 * pointing into the caller's line buffer. Memory is fixed per reader.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "match_internal.h"
#include "sg17/stix.h"

#define MAX_COLS 64U
#define NAME_MAX_LEN 40U

enum role { R_NONE = 0, R_TS, R_VALUE, R_SET, R_HOST, R_URI, R_PROTO, R_MSG };

struct sg17_intel_log {
    sg17_intel_log_format fmt;
    char sep, set_sep;
    int have_header;
    size_t ncols;
    char names[MAX_COLS][NAME_MAX_LEN];
    uint8_t role[MAX_COLS];
    uint8_t kind[MAX_COLS];
    char path[32];
    char what[128];
};

sg17_intel_log_format sg17_intel_log_format_parse(const char *name)
{
    if (name == NULL)
        return 0;
    if (strcmp(name, "zeek") == 0)
        return SG17_INTEL_LOG_ZEEK;
    if (strcmp(name, "netflow") == 0 || strcmp(name, "netflow-csv") == 0)
        return SG17_INTEL_LOG_NETFLOW;
    if (strcmp(name, "signal") == 0 || strcmp(name, "signal-csv") == 0)
        return SG17_INTEL_LOG_SIGNAL;
    return 0;
}

int sg17_intel_log_new(sg17_intel_log **out, sg17_intel_log_format fmt)
{
    if (out == NULL || fmt < SG17_INTEL_LOG_ZEEK || fmt > SG17_INTEL_LOG_SIGNAL)
        return SG17_E_INVAL;
    sg17_intel_log *r = calloc(1, sizeof *r);
    if (r == NULL)
        return SG17_E_NOMEM;
    r->fmt = fmt;
    r->sep = fmt == SG17_INTEL_LOG_ZEEK ? '\t' : ',';
    r->set_sep = ',';
    memcpy(r->path, "zeek", 5);
    *out = r;
    return 0;
}

void sg17_intel_log_free(sg17_intel_log *r)
{
    free(r);
}

static int fail(char *err, size_t err_len, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int fail(char *err, size_t err_len, const char *fmt, ...)
{
    if (err && err_len) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err, err_len, fmt, ap);
        va_end(ap);
    }
    return SG17_E_FORMAT;
}

typedef struct colmap {
    const char *name;
    uint8_t role, kind;
} colmap;

static const colmap zeek_cols[] = {
    {"ts", R_TS, 0},
    {"id.orig_h", R_VALUE, SG17_INTEL_IPV4},
    {"id.resp_h", R_VALUE, SG17_INTEL_IPV4},
    {"query", R_VALUE, SG17_INTEL_DOMAIN},
    {"answers", R_SET, SG17_INTEL_DOMAIN},
    {"host", R_HOST, SG17_INTEL_DOMAIN},
    {"uri", R_URI, SG17_INTEL_URL},
    {"server_name", R_VALUE, SG17_INTEL_DOMAIN},
    {"mailfrom", R_VALUE, SG17_INTEL_EMAIL},
    {"rcptto", R_SET, SG17_INTEL_EMAIL},
    {"md5", R_VALUE, SG17_INTEL_MD5},
    {"sha1", R_VALUE, SG17_INTEL_SHA1},
    {"sha256", R_VALUE, SG17_INTEL_SHA256},
    {"tx_hosts", R_SET, SG17_INTEL_IPV4},
    {"rx_hosts", R_SET, SG17_INTEL_IPV4},
};

static const colmap flow_cols[] = {
    {"ts", R_TS, 0},           {"time", R_TS, 0},          {"start", R_TS, 0},
    {"timestamp", R_TS, 0},    {"first_switched", R_TS, 0},
    {"src_ip", R_VALUE, SG17_INTEL_IPV4},      {"srcaddr", R_VALUE, SG17_INTEL_IPV4},
    {"src_addr", R_VALUE, SG17_INTEL_IPV4},    {"sa", R_VALUE, SG17_INTEL_IPV4},
    {"ipv4_src_addr", R_VALUE, SG17_INTEL_IPV4}, {"ipv6_src_addr", R_VALUE, SG17_INTEL_IPV4},
    {"dst_ip", R_VALUE, SG17_INTEL_IPV4},      {"dstaddr", R_VALUE, SG17_INTEL_IPV4},
    {"dst_addr", R_VALUE, SG17_INTEL_IPV4},    {"da", R_VALUE, SG17_INTEL_IPV4},
    {"ipv4_dst_addr", R_VALUE, SG17_INTEL_IPV4}, {"ipv6_dst_addr", R_VALUE, SG17_INTEL_IPV4},
};

static const colmap signal_cols[] = {
    {"ts", R_TS, 0},
    {"protocol", R_PROTO, 0},
    {"message", R_MSG, 0},
    {"calling_gt", R_VALUE, SG17_INTEL_SCCP_GT},
    {"called_gt", R_VALUE, SG17_INTEL_SCCP_GT},
    {"imsi", R_VALUE, SG17_INTEL_IMSI},
    {"msisdn", R_VALUE, SG17_INTEL_MSISDN},
    {"imei", R_VALUE, SG17_INTEL_IMEI},
    {"origin_host", R_VALUE, SG17_INTEL_DIAMETER_HOST},
    {"origin_realm", R_VALUE, SG17_INTEL_DIAMETER_REALM},
    {"destination_host", R_VALUE, SG17_INTEL_DIAMETER_HOST},
    {"destination_realm", R_VALUE, SG17_INTEL_DIAMETER_REALM},
    {"gtp_peer", R_VALUE, SG17_INTEL_GTP_PEER},
    {"teid", R_VALUE, SG17_INTEL_GTP_TEID},
    {"apn", R_VALUE, SG17_INTEL_APN},
    {"sip_from", R_VALUE, SG17_INTEL_SIP_URI},
    {"sip_to", R_VALUE, SG17_INTEL_SIP_URI},
    {"src_ip", R_VALUE, SG17_INTEL_IPV4},
    {"dst_ip", R_VALUE, SG17_INTEL_IPV4},
};

/* Split s (modified) at sep into at most max fields; returns the count, or max+1 if more. */
static size_t split(char *s, size_t len, char sep, char **f, size_t *fl, size_t max)
{
    size_t n = 0;
    size_t start = 0;
    for (size_t i = 0; i <= len; i++) {
        if (i == len || s[i] == sep) {
            if (n == max)
                return max + 1;
            f[n] = s + start;
            fl[n] = i - start;
            n++;
            start = i + 1;
        }
    }
    return n;
}

static int set_header(sg17_intel_log *r, char *line, size_t len, char *err, size_t err_len)
{
    char *f[MAX_COLS];
    size_t fl[MAX_COLS];
    size_t n = split(line, len, r->sep, f, fl, MAX_COLS);
    if (n > MAX_COLS)
        return fail(err, err_len, "more than %u columns", MAX_COLS);
    const colmap *map = r->fmt == SG17_INTEL_LOG_ZEEK      ? zeek_cols
                        : r->fmt == SG17_INTEL_LOG_NETFLOW ? flow_cols
                                                           : signal_cols;
    size_t nmap = r->fmt == SG17_INTEL_LOG_ZEEK      ? sizeof zeek_cols / sizeof zeek_cols[0]
                  : r->fmt == SG17_INTEL_LOG_NETFLOW ? sizeof flow_cols / sizeof flow_cols[0]
                                                     : sizeof signal_cols / sizeof signal_cols[0];
    int useful = 0;
    for (size_t i = 0; i < n; i++) {
        size_t l = fl[i];
        while (l > 0 && (f[i][l - 1] == '\r' || f[i][l - 1] == ' '))
            l--;
        if (l >= NAME_MAX_LEN)
            l = NAME_MAX_LEN - 1;
        for (size_t k = 0; k < l; k++) {
            char c = f[i][k];
            r->names[i][k] = (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
        }
        r->names[i][l] = '\0';
        r->role[i] = R_NONE;
        r->kind[i] = 0;
        for (size_t m = 0; m < nmap; m++) {
            if (strcmp(map[m].name, r->names[i]) == 0) {
                r->role[i] = map[m].role;
                r->kind[i] = map[m].kind;
                useful |= map[m].role != R_NONE && map[m].role != R_TS;
            }
        }
    }
    if (!useful)
        return fail(err, err_len, "header names no column to match (see docs/INTEL.md)");
    r->ncols = n;
    r->have_header = 1;
    return 0;
}

static int zeek_directive(sg17_intel_log *r, char *line, size_t len, char *err, size_t err_len)
{
    if (len >= 11 && memcmp(line, "#separator ", 11) == 0) {
        const char *v = line + 11;
        size_t vl = len - 11;
        if (vl == 4 && v[0] == '\\' && v[1] == 'x') {
            unsigned x = 0;
            for (int i = 2; i < 4; i++) {
                char c = v[i];
                x = x * 16U + (unsigned)(c >= 'a' ? c - 'a' + 10 : c >= 'A' ? c - 'A' + 10 : c - '0');
            }
            r->sep = (char)x;
        } else if (vl == 1) {
            r->sep = v[0];
        } else {
            return fail(err, err_len, "bad #separator");
        }
        return 0;
    }
    size_t dl = 0;
    while (dl < len && line[dl] != r->sep)
        dl++;
    char *val = dl < len ? line + dl + 1 : line + len;
    size_t vl = dl < len ? len - dl - 1 : 0;
    if (dl == 7 && memcmp(line, "#fields", 7) == 0)
        return set_header(r, val, vl, err, err_len);
    if (dl == 14 && memcmp(line, "#set_separator", 14) == 0 && vl == 1)
        r->set_sep = val[0];
    else if (dl == 5 && memcmp(line, "#path", 5) == 0 && vl > 0 && vl < sizeof r->path) {
        memcpy(r->path, val, vl);
        r->path[vl] = '\0';
    }
    return 0;
}

static int parse_ts(const char *s, size_t len, int64_t *out)
{
    char buf[48];
    if (len == 0 || len >= sizeof buf)
        return -1;
    memcpy(buf, s, len);
    buf[len] = '\0';
    int64_t v = 0;
    size_t i = 0;
    while (i < len && buf[i] >= '0' && buf[i] <= '9' && i < 12)
        v = v * 10 + (buf[i++] - '0');
    if (i > 0 && (i == len || buf[i] == '.')) {
        size_t j = i + (i < len);
        for (; j < len; j++)
            if (buf[j] < '0' || buf[j] > '9')
                return -1;
        *out = v;
        return 0;
    }
    return sg17_stix_timestamp_parse(buf, out, NULL) == 0 ? 0 : -1;
}

static void add_field(sg17_intel_obs *obs, sg17_intel_kind kind, const char *name,
                      const char *v, size_t l)
{
    if (obs->n >= SG17_INTEL_OBS_MAX_FIELDS || l == 0)
        return;
    obs->f[obs->n].kind = kind;
    obs->f[obs->n].name = name;
    obs->f[obs->n].value = v;
    obs->f[obs->n].len = l;
    obs->n++;
}

static int looks_ip(const char *v, size_t l)
{
    if (memchr(v, ':', l))
        return 1;
    for (size_t i = 0; i < l; i++)
        if (!((v[i] >= '0' && v[i] <= '9') || v[i] == '.'))
            return 0;
    return 1;
}

static void append_what(sg17_intel_log *r, const char *v, size_t l)
{
    size_t o = strlen(r->what);
    if (o + 1 < sizeof r->what)
        r->what[o++] = ':';
    for (size_t i = 0; i < l && o + 1 < sizeof r->what; i++)
        r->what[o++] = (v[i] > ' ' && v[i] < 0x7f && v[i] != '"') ? v[i] : '_';
    r->what[o] = '\0';
}

int sg17_intel_log_line(sg17_intel_log *r, char *line, size_t len, sg17_intel_obs *obs,
                        char *err, size_t err_len)
{
    if (r == NULL || line == NULL || obs == NULL)
        return SG17_E_INVAL;
    obs->n = 0;
    obs->ts = 0;
    obs->what = r->what;
    if (len > SG17_INTEL_LOG_MAX_LINE)
        return SG17_E_LIMIT;
    if (len > 0 && line[len - 1] == '\r')
        len--;
    if (len == 0)
        return 0;
    if (line[0] == '#') {
        if (r->fmt == SG17_INTEL_LOG_ZEEK)
            return zeek_directive(r, line, len, err, err_len);
        return 0;
    }
    if (!r->have_header) {
        if (r->fmt == SG17_INTEL_LOG_ZEEK)
            return fail(err, err_len, "data line before the #fields header");
        return set_header(r, line, len, err, err_len);
    }
    char *f[MAX_COLS];
    size_t fl[MAX_COLS];
    size_t n = split(line, len, r->sep, f, fl, MAX_COLS);
    if (n != r->ncols)
        return fail(err, err_len, "%zu columns, the header has %zu", n > MAX_COLS ? MAX_COLS + 1 : n,
                    r->ncols);
    if (r->fmt == SG17_INTEL_LOG_ZEEK) {
        snprintf(r->what, sizeof r->what, "zeek:%s", r->path);
    } else if (r->fmt == SG17_INTEL_LOG_NETFLOW) {
        memcpy(r->what, "netflow", 8);
    } else {
        memcpy(r->what, "signal", 7);
    }
    const char *host = NULL, *uri = NULL;
    size_t host_len = 0, uri_len = 0;
    for (size_t i = 0; i < n; i++) {
        char *v = f[i];
        size_t l = fl[i];
        if (l == 0 || (r->fmt == SG17_INTEL_LOG_ZEEK &&
                       ((l == 1 && v[0] == '-') || (l == 7 && memcmp(v, "(empty)", 7) == 0))))
            continue;
        sg17_intel_kind k = (sg17_intel_kind)r->kind[i];
        switch (r->role[i]) {
        case R_TS:
            if (parse_ts(v, l, &obs->ts) != 0)
                return fail(err, err_len, "column %s: bad timestamp", r->names[i]);
            break;
        case R_VALUE:
            add_field(obs, k, r->names[i], v, l);
            break;
        case R_HOST:
            host = v;
            host_len = l;
            add_field(obs, looks_ip(v, l) ? SG17_INTEL_IPV4 : k, r->names[i], v, l);
            break;
        case R_URI:
            uri = v;
            uri_len = l;
            break;
        case R_SET: {
            char *e[SG17_INTEL_OBS_MAX_FIELDS];
            size_t el[SG17_INTEL_OBS_MAX_FIELDS];
            size_t m = split(v, l, r->set_sep, e, el, SG17_INTEL_OBS_MAX_FIELDS);
            if (m > SG17_INTEL_OBS_MAX_FIELDS)
                m = SG17_INTEL_OBS_MAX_FIELDS;
            for (size_t j = 0; j < m; j++) {
                sg17_intel_kind ek = k;
                if (k == SG17_INTEL_DOMAIN && looks_ip(e[j], el[j]))
                    ek = SG17_INTEL_IPV4;
                add_field(obs, ek, r->names[i], e[j], el[j]);
            }
            break;
        }
        case R_PROTO:
        case R_MSG:
            append_what(r, v, l);
            break;
        default:
            break;
        }
    }
    if (uri != NULL) {
        /* Zeek http: the URL is http://host + uri (absolute-form uris kept as they are) */
        if (uri_len > 7 && (strncasecmp(uri, "http://", 7) == 0 || strncasecmp(uri, "https://", 8) == 0)) {
            add_field(obs, SG17_INTEL_URL, "uri", uri, uri_len);
        } else if (host != NULL && 7 + host_len + uri_len < sizeof obs->url_buf) {
            memcpy(obs->url_buf, "http://", 7);
            memcpy(obs->url_buf + 7, host, host_len);
            memcpy(obs->url_buf + 7 + host_len, uri, uri_len);
            add_field(obs, SG17_INTEL_URL, "uri", obs->url_buf, 7 + host_len + uri_len);
        }
    }
    /* the observation keeps its own copy: the reader's changes with the next line */
    memcpy(obs->what_buf, r->what, sizeof obs->what_buf);
    obs->what = obs->what_buf;
    return 0;
}
