/*
 * Capture readers (X.1376 "data capture"): candump -l, DAGA, CICIoV2024,
 * J1939 labelled CSV and the sg17 interchange CSV, from a plain file or from
 * a .zip (one capture; stored or deflate via zlib; ZIP64 refused). Streaming
 * with bounded memory: one line (<= 4 KiB) and one 64 KiB window.
 *
 * Normalisation (docs/VEHICLE.md): every frame leaves here as numbers, so
 * formatting artefacts cannot leak labels - DAGA float-formatted ids ("1.0"),
 * DLC in bits, unpadded payloads ("0") are all mapped to the canonical frame.
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <zlib.h>

#include "sg17/vehicle.h"
#include "hex_internal.h"

#define LINE_MAX_LEN 4096
#define CHUNK        65536
#define MAX_FIELDS   32

enum fmt {
    FMT_NONE,
    FMT_CANDUMP,
    FMT_DAGA,
    FMT_CIC,
    FMT_J1939,
    FMT_SG17,
    FMT_HCRL_CSV,
    FMT_HCRL_TXT
};

struct sg17_can_reader {
    /* byte source */
    FILE *fp;
    int own_fp; /* opened here (not stdin) */
    /* a stream (pipe, terminal, socket): read(2) as bytes arrive, the
     * format's first bytes held back from the sniffing, no seeking */
    int stream, rd_err;
    uint8_t pre[4];
    size_t pre_n, pre_pos;
    const uint8_t *mem;
    size_t mem_len, mem_pos;
    /* zip entry */
    int is_zip, zip_deflate, zip_done;
    uint64_t zip_left; /* compressed bytes still to read */
    uint64_t zip_usize, zip_out;
    uint32_t zip_crc_want, crc;
    z_stream zs;
    int zs_init;
    uint8_t in[CHUNK];
    /* decoded bytes */
    uint8_t out[CHUNK];
    size_t out_pos, out_len;
    int eof;
    /* line */
    char line[LINE_MAX_LEN + 1];
    unsigned long lineno;
    enum fmt fmt;
    int col_ts, col_id, col_dlc, col_data, col_label, ncols;
    char name[256];
    char err[600];
};

static int fail(sg17_can_reader *r, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int fail(sg17_can_reader *r, int code, const char *fmt, ...)
{
    char msg[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (r->lineno)
        snprintf(r->err, sizeof r->err, "%s:%lu: %s", r->name, r->lineno, msg);
    else
        snprintf(r->err, sizeof r->err, "%s: %s", r->name, msg);
    return code;
}

/* ---- raw byte source ---------------------------------------------------- */

static int src_read_at(sg17_can_reader *r, uint64_t off, uint8_t *buf, size_t n)
{
    if (r->fp) {
        if (off > (uint64_t)INT64_MAX || fseeko(r->fp, (off_t)off, SEEK_SET) != 0)
            return -1;
        return fread(buf, 1, n, r->fp) == n ? 0 : -1;
    }
    if (off > r->mem_len || n > r->mem_len - off)
        return -1;
    memcpy(buf, r->mem + off, n);
    return 0;
}

static size_t src_read(sg17_can_reader *r, uint8_t *buf, size_t n)
{
    if (r->stream) {
        size_t k = 0;
        while (r->pre_pos < r->pre_n && k < n)
            buf[k++] = r->pre[r->pre_pos++];
        if (k)
            return k;
        for (;;) { /* what has arrived, at least one byte (0: end of the stream) */
            ssize_t g = read(fileno(r->fp), buf, n);
            if (g >= 0)
                return (size_t)g;
            if (errno != EINTR) {
                r->rd_err = 1;
                return 0;
            }
        }
    }
    if (r->fp)
        return fread(buf, 1, n, r->fp);
    size_t k = r->mem_len - r->mem_pos;
    if (k > n)
        k = n;
    memcpy(buf, r->mem + r->mem_pos, k);
    r->mem_pos += k;
    return k;
}

static uint64_t src_size(sg17_can_reader *r)
{
    if (r->fp) {
        if (fseeko(r->fp, 0, SEEK_END) != 0)
            return 0;
        off_t s = ftello(r->fp);
        return s < 0 ? 0 : (uint64_t)s;
    }
    return r->mem_len;
}

static uint32_t le16(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8;
}
static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* Locate the one capture entry of a zip (skipping directories and macOS
 * "__MACOSX/" resource entries) through the central directory. */
static int zip_open(sg17_can_reader *r)
{
    uint64_t size = src_size(r);
    if (size < 22)
        return fail(r, SG17_E_FORMAT, "zip: too short");
    uint8_t tail[22 + 65535];
    size_t tl = size < sizeof tail ? (size_t)size : sizeof tail;
    if (src_read_at(r, size - tl, tail, tl) != 0)
        return fail(r, SG17_E_IO, "zip: read error");
    size_t eocd = SIZE_MAX;
    for (size_t i = tl - 22 + 1; i-- > 0;) {
        if (le32(tail + i) == 0x06054b50u && i + 22 + le16(tail + i + 20) <= tl) {
            eocd = i;
            break;
        }
    }
    if (eocd == SIZE_MAX)
        return fail(r, SG17_E_FORMAT, "zip: no end of central directory");
    uint32_t nent = le16(tail + eocd + 10);
    uint32_t cd_size = le32(tail + eocd + 12), cd_off = le32(tail + eocd + 16);
    if (cd_off == 0xffffffffu || nent == 0xffffu)
        return fail(r, SG17_E_UNSUPPORTED, "zip: ZIP64 archives are not supported");
    if ((uint64_t)cd_off + cd_size > size)
        return fail(r, SG17_E_FORMAT, "zip: central directory out of range");
    uint64_t off = cd_off, end = (uint64_t)cd_off + cd_size;
    int found = 0;
    uint32_t method = 0, csize = 0, usize = 0, crc = 0, loff = 0;
    for (uint32_t e = 0; e < nent; e++) {
        uint8_t h[46];
        char nm[256];
        if (off + 46 > end || src_read_at(r, off, h, 46) != 0 || le32(h) != 0x02014b50u)
            return fail(r, SG17_E_FORMAT, "zip: bad central directory entry %u", e);
        uint32_t nl = le16(h + 28), xl = le16(h + 30), cl = le16(h + 32);
        size_t k = nl < sizeof nm - 1 ? nl : sizeof nm - 1;
        if (off + 46 + nl > end || src_read_at(r, off + 46, (uint8_t *)nm, k) != 0)
            return fail(r, SG17_E_FORMAT, "zip: bad entry name");
        nm[k] = 0;
        off += 46u + nl + xl + cl;
        if (k == 0 || nm[k - 1] == '/' || strncmp(nm, "__MACOSX/", 9) == 0)
            continue;
        if (found)
            return fail(r, SG17_E_UNSUPPORTED, "zip: more than one capture in the archive");
        found = 1;
        method = le16(h + 10);
        crc = le32(h + 16);
        csize = le32(h + 20);
        usize = le32(h + 24);
        loff = le32(h + 42);
        if (le16(h + 8) & 1u)
            return fail(r, SG17_E_UNSUPPORTED, "zip: encrypted entry");
        if (csize == 0xffffffffu || usize == 0xffffffffu || loff == 0xffffffffu)
            return fail(r, SG17_E_UNSUPPORTED, "zip: ZIP64 entry not supported");
    }
    if (!found)
        return fail(r, SG17_E_FORMAT, "zip: no capture file in the archive");
    if (method != 0 && method != 8)
        return fail(r, SG17_E_UNSUPPORTED, "zip: compression method %u not supported", method);
    uint8_t lh[30];
    if (src_read_at(r, loff, lh, 30) != 0 || le32(lh) != 0x04034b50u)
        return fail(r, SG17_E_FORMAT, "zip: bad local header");
    uint64_t data = (uint64_t)loff + 30u + le16(lh + 26) + le16(lh + 28);
    if (data + csize > size)
        return fail(r, SG17_E_FORMAT, "zip: entry data out of range");
    if (r->fp) {
        if (fseeko(r->fp, (off_t)data, SEEK_SET) != 0)
            return fail(r, SG17_E_IO, "zip: seek failed");
    } else {
        r->mem_pos = (size_t)data;
    }
    r->is_zip = 1;
    r->zip_deflate = method == 8;
    r->zip_left = csize;
    r->zip_usize = usize;
    r->zip_crc_want = crc;
    r->crc = (uint32_t)crc32(0L, Z_NULL, 0);
    if (method == 8 && usize > 0 && csize == 0)
        return fail(r, SG17_E_FORMAT, "zip: empty deflate stream");
    if (method == 0 && csize != usize)
        return fail(r, SG17_E_FORMAT, "zip: stored entry size mismatch");
    if (r->zip_deflate) {
        memset(&r->zs, 0, sizeof r->zs);
        if (inflateInit2(&r->zs, -15) != Z_OK)
            return fail(r, SG17_E_NOMEM, "zip: inflateInit failed");
        r->zs_init = 1;
    }
    return 0;
}

/* Refill r->out with decoded bytes. 0 ok (out_len may be 0 at EOF), <0 error. */
static int refill(sg17_can_reader *r)
{
    r->out_pos = r->out_len = 0;
    if (r->eof)
        return 0;
    if (!r->is_zip) {
        r->out_len = src_read(r, r->out, CHUNK);
        if (r->out_len == 0) {
            if (r->rd_err || (r->fp && ferror(r->fp)))
                return fail(r, SG17_E_IO, "read error");
            r->eof = 1;
        }
        return 0;
    }
    if (!r->zip_deflate) {
        size_t want = r->zip_left < CHUNK ? (size_t)r->zip_left : CHUNK;
        size_t got = want ? src_read(r, r->out, want) : 0;
        if (got != want)
            return fail(r, SG17_E_FORMAT, "zip: truncated entry");
        r->zip_left -= got;
        r->out_len = got;
    } else {
        while (r->out_len == 0 && !r->zip_done) {
            if (r->zs.avail_in == 0) {
                size_t want = r->zip_left < CHUNK ? (size_t)r->zip_left : CHUNK;
                size_t got = want ? src_read(r, r->in, want) : 0;
                if (got != want || got == 0)
                    return fail(r, SG17_E_FORMAT, "zip: truncated deflate stream");
                r->zip_left -= got;
                r->zs.next_in = r->in;
                r->zs.avail_in = (uInt)got;
            }
            r->zs.next_out = r->out;
            r->zs.avail_out = CHUNK;
            int z = inflate(&r->zs, Z_NO_FLUSH);
            r->out_len = CHUNK - r->zs.avail_out;
            if (z == Z_STREAM_END)
                r->zip_done = 1;
            else if (z != Z_OK && !(z == Z_BUF_ERROR && r->out_len > 0))
                return fail(r, SG17_E_FORMAT, "zip: corrupt deflate data (%d)", z);
        }
    }
    r->zip_out += r->out_len;
    r->crc = (uint32_t)crc32(r->crc, r->out, (uInt)r->out_len);
    if (r->zip_out > r->zip_usize)
        return fail(r, SG17_E_FORMAT, "zip: entry longer than declared");
    if (r->out_len == 0 || (r->zip_deflate ? r->zip_done : r->zip_left == 0)) {
        if (r->out_len == 0)
            r->eof = 1;
        if ((r->zip_deflate ? r->zip_done : r->zip_left == 0) &&
            (r->zip_out != r->zip_usize || r->crc != r->zip_crc_want))
            return fail(r, SG17_E_FORMAT, "zip: size or CRC-32 mismatch");
    }
    return 0;
}

/* Next line into r->line (without CR/LF). 1 line, 0 EOF, <0 error. */
static int next_line(sg17_can_reader *r)
{
    size_t n = 0;
    int any = 0;
    for (;;) {
        if (r->out_pos == r->out_len) {
            int e = refill(r);
            if (e < 0)
                return e;
            if (r->out_len == 0)
                break;
        }
        uint8_t c = r->out[r->out_pos++];
        any = 1;
        if (c == '\n')
            break;
        if (c == 0) {
            r->lineno++;
            return fail(r, SG17_E_FORMAT, "NUL byte in text");
        }
        if (n >= LINE_MAX_LEN) {
            r->lineno++;
            return fail(r, SG17_E_LIMIT, "line longer than %d bytes", LINE_MAX_LEN);
        }
        r->line[n++] = (char)c;
    }
    if (!any)
        return 0;
    if (n > 0 && r->line[n - 1] == '\r')
        n--;
    r->line[n] = 0;
    r->lineno++;
    return 1;
}

/* ---- field parsing ------------------------------------------------------ */

/* Parse an unsigned integer of `base` (10/16) from [s, s+n). */
static int parse_uint(const char *s, size_t n, int base, uint64_t max, uint64_t *out)
{
    uint64_t v = 0;
    if (n == 0 || n > 20)
        return -1;
    for (size_t i = 0; i < n; i++) {
        int d = base == 16 ? sg17_hexval(s[i]) : (s[i] >= '0' && s[i] <= '9' ? s[i] - '0' : -1);
        if (d < 0)
            return -1;
        v = v * (uint64_t)base + (uint64_t)d;
        if (v > max)
            return -1;
    }
    *out = v;
    return 0;
}

/* Strip a float formatting suffix ".0", ".00"... (DAGA artefact). */
static size_t strip_dot_zero(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '.') {
            for (size_t j = i + 1; j < n; j++)
                if (s[j] != '0')
                    return n; /* not an integer: caller's parse fails */
            return i;
        }
    }
    return n;
}

static int parse_time(const char *s, size_t n, double *out)
{
    char buf[64];
    if (n == 0 || n >= sizeof buf)
        return -1;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= '0' && c <= '9') || c == '.' || c == 'e' || c == 'E' || c == '-' || c == '+'))
            return -1;
    }
    memcpy(buf, s, n);
    buf[n] = 0;
    char *end;
    errno = 0;
    double v = strtod(buf, &end);
    if (end != buf + n || errno != 0 || !isfinite(v) || v < 0 || v > 1e12)
        return -1;
    *out = v;
    return 0;
}

/* Hex payload of `want` bytes; a shorter string is left-padded with zeros
 * (DAGA unpadded "0"); odd lengths likewise. */
static int parse_payload(const char *s, size_t n, size_t want, uint8_t *out)
{
    if (n > want * 2)
        return -1;
    memset(out, 0, 64);
    size_t pad = want * 2 - n;
    for (size_t i = 0; i < n; i++) {
        int d = sg17_hexval(s[i]);
        if (d < 0)
            return -1;
        size_t pos = pad + i;
        out[pos / 2] = (uint8_t)(out[pos / 2] | (unsigned)d << (pos % 2 ? 0 : 4));
    }
    return 0;
}

static int len_ok_fd(size_t n)
{
    return n <= 8 || n == 12 || n == 16 || n == 20 || n == 24 || n == 32 || n == 48 || n == 64;
}

static void set_label(sg17_can_frame *f, const char *s, size_t n)
{
    while (n > 0 && (*s == ' ' || *s == '"')) {
        s++;
        n--;
    }
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '"'))
        n--;
    if (n == 0 || (n == 1 && s[0] == '0') || (n == 6 && strncasecmp(s, "normal", 6) == 0) ||
        (n == 6 && strncasecmp(s, "benign", 6) == 0) ||
        (n == 5 && strncasecmp(s, "false", 5) == 0)) {
        f->label[0] = 0;
        return;
    }
    if (n >= SG17_CAN_LABEL_MAX)
        n = SG17_CAN_LABEL_MAX - 1;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        f->label[i] = (c >= 0x20 && c < 0x7f && c != '"' && c != '\\' && c != ',') ? c : '_';
    }
    f->label[n] = 0;
}

typedef struct {
    const char *p;
    size_t n;
} field;

/* Split a CSV line (double quotes honoured, no escapes inside quotes other
 * than "" ) into at most MAX_FIELDS fields. Returns count or -1. */
static int split_csv(char *line, field *fs)
{
    int nf = 0;
    char *p = line;
    for (;;) {
        if (nf == MAX_FIELDS)
            return -1;
        if (*p == '"') {
            char *start = ++p;
            while (*p && !(*p == '"' && p[1] != '"'))
                p += (*p == '"') ? 2 : 1;
            if (*p != '"')
                return -1;
            fs[nf].p = start;
            fs[nf].n = (size_t)(p - start);
            p++;
            nf++;
            if (*p == 0)
                return nf;
            if (*p != ',')
                return -1;
            p++;
            continue;
        }
        char *c = strchr(p, ',');
        fs[nf].p = p;
        fs[nf].n = c ? (size_t)(c - p) : strlen(p);
        nf++;
        if (!c)
            return nf;
        p = c + 1;
    }
}

static int feq(field f, const char *s)
{
    return f.n == strlen(s) && strncasecmp(f.p, s, f.n) == 0;
}

static int find_col(const field *fs, int nf, const char *name)
{
    for (int i = 0; i < nf; i++)
        if (feq(fs[i], name))
            return i;
    return -1;
}

static int detect_format(sg17_can_reader *r)
{
    const char *l = r->line;
    while (*l == ' ' || *l == '\t')
        l++;
    if (*l == '(') {
        r->fmt = FMT_CANDUMP;
        return 0; /* the line is a frame: caller re-parses it */
    }
    if (strncmp(l, "Timestamp:", 10) == 0) {
        r->fmt = FMT_HCRL_TXT;
        return 0;
    }
    if (*l >= '0' && *l <= '9') { /* header-less HCRL CSV: ts,ID,DLC,bytes...,T|R */
        r->fmt = FMT_HCRL_CSV;
        return 0;
    }
    field fs[MAX_FIELDS];
    char tmp[LINE_MAX_LEN + 1];
    memcpy(tmp, r->line, strlen(r->line) + 1);
    int nf = split_csv(tmp, fs);
    if (nf < 0)
        return fail(r, SG17_E_FORMAT, "unrecognised capture format (bad CSV header)");
    r->ncols = nf;
    if (nf >= 6 && feq(fs[0], "timestamp") && feq(fs[1], "CAN_ID") && feq(fs[2], "DLC") &&
        feq(fs[3], "PAYLOAD_HEX") && find_col(fs, nf, "ANOMALY") >= 0) {
        r->fmt = FMT_DAGA;
        r->col_ts = 0;
        r->col_id = 1;
        r->col_dlc = 2;
        r->col_data = 3;
        r->col_label = find_col(fs, nf, "ANOMALY");
    } else if (nf >= 10 && feq(fs[0], "ID") && feq(fs[1], "DATA_0") && feq(fs[8], "DATA_7")) {
        r->fmt = FMT_CIC;
        r->col_label = find_col(fs, nf, "specific_class");
        r->col_dlc = find_col(fs, nf, "label"); /* ATTACK/BENIGN */
        if (r->col_label < 0 || r->col_dlc < 0)
            return fail(r, SG17_E_FORMAT, "CICIoV2024 header without label/specific_class");
    } else if (nf >= 5 && feq(fs[0], "timestamp") && find_col(fs, nf, "can_id") >= 0 &&
               find_col(fs, nf, "dlc") >= 0 && find_col(fs, nf, "data") >= 0) {
        r->fmt = FMT_J1939;
        r->col_ts = 0;
        r->col_id = find_col(fs, nf, "can_id");
        r->col_dlc = find_col(fs, nf, "dlc");
        r->col_data = find_col(fs, nf, "data");
        r->col_label = find_col(fs, nf, "label");
    } else if (nf == 5 && feq(fs[0], "timestamp") && feq(fs[1], "id") && feq(fs[2], "dlc") &&
               feq(fs[3], "data") && feq(fs[4], "label")) {
        r->fmt = FMT_SG17;
        r->col_ts = 0;
        r->col_id = 1;
        r->col_dlc = 2;
        r->col_data = 3;
        r->col_label = 4;
    } else {
        return fail(r, SG17_E_FORMAT, "unrecognised capture format (header '%.60s')", r->line);
    }
    return 1; /* header consumed */
}

/* "(ts) iface ID#DATA" | "ID#R[len]" | "ID##F DATA" (CAN FD, flags nibble). */
static int parse_candump(sg17_can_reader *r, sg17_can_frame *f)
{
    char *p = r->line;
    while (*p == ' ' || *p == '\t')
        p++;
    if (*p != '(')
        return fail(r, SG17_E_FORMAT, "candump: expected '(timestamp)'");
    char *close = strchr(p, ')');
    if (!close || parse_time(p + 1, (size_t)(close - p - 1), &f->t) != 0)
        return fail(r, SG17_E_FORMAT, "candump: bad timestamp");
    f->has_time = 1;
    p = close + 1;
    if (*p != ' ')
        return fail(r, SG17_E_FORMAT, "candump: expected interface");
    while (*p == ' ')
        p++;
    char *sp = strchr(p, ' ');
    if (!sp || sp == p)
        return fail(r, SG17_E_FORMAT, "candump: expected interface and frame");
    p = sp;
    while (*p == ' ')
        p++;
    char *hash = strchr(p, '#');
    if (!hash)
        return fail(r, SG17_E_FORMAT, "candump: expected ID#DATA");
    size_t idn = (size_t)(hash - p);
    uint64_t id;
    if ((idn != 3 && idn != 8) || parse_uint(p, idn, 16, idn == 3 ? 0x7ff : 0x1fffffff, &id) != 0)
        return fail(r, SG17_E_FORMAT, "candump: bad CAN id '%.*s'", (int)(idn < 16 ? idn : 16), p);
    f->id = (uint32_t)id;
    f->ext = idn == 8;
    char *d = hash + 1;
    size_t max = 8;
    if (*d == '#') { /* CAN FD */
        if (sg17_hexval(d[1]) < 0)
            return fail(r, SG17_E_FORMAT, "candump: bad CAN FD flags");
        f->flags |= SG17_CAN_FD;
        d += 2;
        max = 64;
    } else if (*d == 'R' || *d == 'r') {
        f->flags |= SG17_CAN_RTR;
        d++;
        f->dlc = 0;
        if (*d >= '0' && *d <= '8') {
            f->dlc = (uint8_t)(*d - '0');
            d++;
        }
        memset(f->data, 0, sizeof f->data);
        goto tail;
    }
    {
        size_t n = 0;
        uint8_t tmp[64];
        while (*d && *d != ' ') {
            if (*d == '.') { /* candump -l never writes separators, but cansend accepts '.' */
                d++;
                continue;
            }
            int hi = sg17_hexval(d[0]), lo = hi < 0 ? -1 : sg17_hexval(d[1]);
            if (hi < 0 || lo < 0)
                return fail(r, SG17_E_FORMAT, "candump: bad payload hex");
            if (n == max)
                return fail(r, SG17_E_FORMAT, "candump: payload longer than %zu bytes", max);
            tmp[n++] = (uint8_t)(hi << 4 | lo);
            d += 2;
        }
        if (!len_ok_fd(n))
            return fail(r, SG17_E_FORMAT, "candump: CAN FD length %zu is not a valid DLC", n);
        memset(f->data, 0, sizeof f->data);
        memcpy(f->data, tmp, n);
        f->dlc = (uint8_t)n;
    }
tail:
    while (*d == ' ')
        d++;
    /* optional trailing direction/label token (candump -x writes "R"/"T") */
    if (*d) {
        char *e = d + strlen(d);
        if ((e - d == 1 && (*d == 'R' || *d == 'T')))
            return 0;
        set_label(f, d, (size_t)(e - d));
    }
    return 0;
}

/* HCRL Car-Hacking CSV: "ts,ID,DLC,b0,...,b(DLC-1),Flag" (hex bytes; Flag T =
 * injected, R = normal); HCRL OTIDS text: "Timestamp: ts  ID: 0350  000  DLC: 8  05 28 ..". */
static int parse_hcrl(sg17_can_reader *r, sg17_can_frame *f)
{
    uint64_t v;
    if (r->fmt == FMT_HCRL_CSV) {
        field fs[MAX_FIELDS];
        int nf = split_csv(r->line, fs);
        if (nf < 3)
            return fail(r, SG17_E_FORMAT, "HCRL CSV: expected timestamp,ID,DLC,...");
        if (parse_time(fs[0].p, fs[0].n, &f->t) != 0)
            return fail(r, SG17_E_FORMAT, "bad timestamp");
        f->has_time = 1;
        if (parse_uint(fs[1].p, fs[1].n, 16, 0x1fffffff, &v) != 0)
            return fail(r, SG17_E_FORMAT, "bad CAN id");
        f->id = (uint32_t)v;
        f->ext = v > 0x7ff || fs[1].n > 4;
        if (parse_uint(fs[2].p, fs[2].n, 10, 8, &v) != 0)
            return fail(r, SG17_E_FORMAT, "bad DLC");
        f->dlc = (uint8_t)v;
        if (nf != 3 + f->dlc && nf != 4 + f->dlc)
            return fail(r, SG17_E_FORMAT, "expected %u data bytes", f->dlc);
        for (int i = 0; i < f->dlc; i++) {
            if (parse_uint(fs[3 + i].p, fs[3 + i].n, 16, 255, &v) != 0 || fs[3 + i].n > 2)
                return fail(r, SG17_E_FORMAT, "bad data byte %d", i);
            f->data[i] = (uint8_t)v;
        }
        if (nf == 4 + f->dlc) {
            field fl = fs[3 + f->dlc];
            if (fl.n == 1 && fl.p[0] == 'T')
                set_label(f, "injected", 8);
            else if (!(fl.n == 1 && fl.p[0] == 'R'))
                return fail(r, SG17_E_FORMAT, "flag must be T or R");
        }
        return 0;
    }
    const char *p = r->line;
    while (*p == ' ')
        p++;
    if (strncmp(p, "Timestamp:", 10) != 0)
        return fail(r, SG17_E_FORMAT, "HCRL text: expected 'Timestamp:'");
    p += 10;
    while (*p == ' ')
        p++;
    const char *e = p;
    while (*e && *e != ' ')
        e++;
    if (parse_time(p, (size_t)(e - p), &f->t) != 0)
        return fail(r, SG17_E_FORMAT, "bad timestamp");
    f->has_time = 1;
    p = strstr(e, "ID:");
    if (!p)
        return fail(r, SG17_E_FORMAT, "HCRL text: expected 'ID:'");
    p += 3;
    while (*p == ' ')
        p++;
    e = p;
    while (*e && *e != ' ')
        e++;
    if (parse_uint(p, (size_t)(e - p), 16, 0x1fffffff, &v) != 0)
        return fail(r, SG17_E_FORMAT, "bad CAN id");
    f->id = (uint32_t)v;
    f->ext = v > 0x7ff || e - p > 4;
    p = strstr(e, "DLC:");
    if (!p)
        return fail(r, SG17_E_FORMAT, "HCRL text: expected 'DLC:'");
    p += 4;
    while (*p == ' ')
        p++;
    if (*p < '0' || *p > '8' || (p[1] != ' ' && p[1] != 0))
        return fail(r, SG17_E_FORMAT, "bad DLC");
    f->dlc = (uint8_t)(*p - '0');
    p++;
    for (int i = 0; i < f->dlc; i++) {
        while (*p == ' ')
            p++;
        int hi = sg17_hexval(p[0]), lo = hi < 0 ? -1 : sg17_hexval(p[1]);
        if (hi < 0 || lo < 0 || (p[2] != ' ' && p[2] != 0))
            return fail(r, SG17_E_FORMAT, "bad data byte %d", i);
        f->data[i] = (uint8_t)(hi << 4 | lo);
        p += 2;
    }
    while (*p == ' ')
        p++;
    if (*p)
        return fail(r, SG17_E_FORMAT, "trailing text after the data bytes");
    return 0;
}

static int parse_csv_row(sg17_can_reader *r, sg17_can_frame *f)
{
    field fs[MAX_FIELDS];
    int nf = split_csv(r->line, fs);
    if (nf < 0)
        return fail(r, SG17_E_FORMAT, "bad CSV row");
    if (nf < r->ncols)
        return fail(r, SG17_E_FORMAT, "expected %d columns, got %d", r->ncols, nf);
    uint64_t v;
    if (r->fmt == FMT_CIC) {
        if (parse_uint(fs[0].p, fs[0].n, 10, 0x1fffffff, &v) != 0)
            return fail(r, SG17_E_FORMAT, "bad decimal ID '%.*s'",
                        (int)(fs[0].n < 16 ? fs[0].n : 16), fs[0].p);
        f->id = (uint32_t)v;
        f->ext = v > 0x7ff;
        f->dlc = 8;
        for (int i = 0; i < 8; i++) {
            if (parse_uint(fs[1 + i].p, fs[1 + i].n, 10, 255, &v) != 0)
                return fail(r, SG17_E_FORMAT, "bad decimal byte DATA_%d", i);
            f->data[i] = (uint8_t)v;
        }
        if (feq(fs[r->col_dlc], "BENIGN"))
            f->label[0] = 0;
        else
            set_label(f, fs[r->col_label].p, fs[r->col_label].n);
        return 0;
    }
    field ts = fs[r->col_ts], id = fs[r->col_id], dl = fs[r->col_dlc], da = fs[r->col_data];
    if (r->fmt == FMT_SG17 && ts.n == 0) {
        f->has_time = 0; /* time-less source (e.g. converted CICIoV2024) */
    } else {
        if (parse_time(ts.p, ts.n, &f->t) != 0)
            return fail(r, SG17_E_FORMAT, "bad timestamp '%.*s'", (int)(ts.n < 24 ? ts.n : 24),
                        ts.p);
        f->has_time = 1;
    }
    size_t idn = id.n;
    int base = 16;
    if (r->fmt == FMT_DAGA)
        idn = strip_dot_zero(id.p, id.n);
    if (r->fmt == FMT_J1939)
        base = 10;
    if (parse_uint(id.p, idn, base, 0x1fffffff, &v) != 0)
        return fail(r, SG17_E_FORMAT, "bad CAN id '%.*s'", (int)(id.n < 16 ? id.n : 16), id.p);
    f->id = (uint32_t)v;
    if (r->fmt == FMT_SG17)
        f->ext = idn > 3 || v > 0x7ff;
    else if (r->fmt == FMT_J1939)
        f->ext = 1;
    else
        f->ext = v > 0x7ff;
    uint64_t dlc;
    if (parse_uint(dl.p, dl.n, 10, r->fmt == FMT_DAGA ? 512 : 64, &dlc) != 0)
        return fail(r, SG17_E_FORMAT, "bad DLC '%.*s'", (int)(dl.n < 16 ? dl.n : 16), dl.p);
    if (r->fmt == FMT_DAGA) { /* DLC in bits */
        if (dlc % 8 != 0)
            return fail(r, SG17_E_FORMAT, "DAGA DLC %llu bits is not a whole number of bytes",
                        (unsigned long long)dlc);
        dlc /= 8;
    }
    if (!len_ok_fd((size_t)dlc))
        return fail(r, SG17_E_FORMAT, "payload length %llu is not a CAN/CAN FD length",
                    (unsigned long long)dlc);
    f->dlc = (uint8_t)dlc;
    if (f->dlc > 8)
        f->flags |= SG17_CAN_FD;
    if (parse_payload(da.p, da.n, f->dlc, f->data) != 0)
        return fail(r, SG17_E_FORMAT, "bad payload hex (%zu digits for %u bytes)", da.n, f->dlc);
    if (r->col_label >= 0)
        set_label(f, fs[r->col_label].p, fs[r->col_label].n);
    return 0;
}

int sg17_vehicle_next(sg17_can_reader *r, sg17_can_frame *f)
{
    if (!r || !f)
        return SG17_E_INVAL;
    if (r->err[0])
        return SG17_E_STATE;
    for (;;) {
        int e = next_line(r);
        if (e <= 0)
            return e;
        const char *s = r->line;
        while (*s == ' ' || *s == '\t')
            s++;
        if (*s == 0)
            continue;
        if (r->fmt == FMT_NONE) {
            e = detect_format(r);
            if (e < 0)
                return e;
            if (e == 1)
                continue;
        }
        memset(f, 0, sizeof *f);
        e = r->fmt == FMT_CANDUMP                              ? parse_candump(r, f)
            : r->fmt == FMT_HCRL_CSV || r->fmt == FMT_HCRL_TXT ? parse_hcrl(r, f)
                                                               : parse_csv_row(r, f);
        if (e < 0)
            return e;
        return 1;
    }
}

static int open_common(sg17_can_reader *r)
{
    uint8_t magic[4];
    int zip = 0;
    if (r->fp && fseeko(r->fp, 0, SEEK_CUR) != 0) {
        /* not seekable: a pipe (candump -L can0 | sg17 ...), a terminal */
        r->stream = 1;
        while (r->pre_n < sizeof r->pre) {
            ssize_t g = read(fileno(r->fp), r->pre + r->pre_n, sizeof r->pre - r->pre_n);
            if (g == 0)
                break;
            if (g < 0 && errno != EINTR)
                return fail(r, SG17_E_IO, "read error");
            if (g > 0)
                r->pre_n += (size_t)g;
        }
        if (r->pre_n == 4 && le32(r->pre) == 0x04034b50u)
            return fail(r, SG17_E_UNSUPPORTED,
                        "a zip archive is read from a file, not from a stream");
        return 0;
    }
    if (src_read_at(r, 0, magic, 4) == 0 && le32(magic) == 0x04034b50u)
        zip = 1;
    if (r->fp && fseeko(r->fp, 0, SEEK_SET) != 0)
        return fail(r, SG17_E_IO, "seek failed");
    r->mem_pos = 0;
    if (zip)
        return zip_open(r);
    return 0;
}

int sg17_vehicle_open(const char *path, sg17_can_reader **out)
{
    if (!path || !out)
        return SG17_E_INVAL;
    *out = NULL;
    sg17_can_reader *r = calloc(1, sizeof *r);
    if (!r)
        return SG17_E_NOMEM;
    if (strcmp(path, "-") == 0) {
        snprintf(r->name, sizeof r->name, "stdin");
        r->fp = stdin;
    } else {
        snprintf(r->name, sizeof r->name, "%s", path);
        r->fp = fopen(path, "rb");
        r->own_fp = 1;
    }
    if (!r->fp) {
        free(r);
        return SG17_E_IO;
    }
    int e = open_common(r);
    *out = r;
    return e;
}

int sg17_vehicle_open_mem(const uint8_t *buf, size_t len, const char *name, sg17_can_reader **out)
{
    if ((!buf && len) || !out)
        return SG17_E_INVAL;
    *out = NULL;
    sg17_can_reader *r = calloc(1, sizeof *r);
    if (!r)
        return SG17_E_NOMEM;
    snprintf(r->name, sizeof r->name, "%s", name ? name : "<memory>");
    r->mem = buf ? buf : (const uint8_t *)"";
    r->mem_len = len;
    int e = open_common(r);
    *out = r;
    return e;
}

const char *sg17_vehicle_error(const sg17_can_reader *r)
{
    return r ? r->err : "";
}

const char *sg17_vehicle_format(const sg17_can_reader *r)
{
    static const char *const names[] = {"?",     "candump",  "daga",     "cic-iov2024",
                                        "j1939", "sg17-csv", "hcrl-csv", "hcrl-txt"};
    return r ? names[r->fmt] : "?";
}

void sg17_vehicle_close(sg17_can_reader *r)
{
    if (!r)
        return;
    if (r->zs_init)
        inflateEnd(&r->zs);
    if (r->fp && r->own_fp)
        fclose(r->fp);
    free(r);
}

int sg17_vehicle_is_stream(const sg17_can_reader *r)
{
    return r && r->stream;
}

void sg17_vehicle_csv_header(FILE *f)
{
    fputs("timestamp,id,dlc,data,label\n", f);
}

void sg17_vehicle_csv_row(FILE *f, const sg17_can_frame *fr)
{
    char hex[129];
    static const char digits[] = "0123456789ABCDEF";
    for (unsigned i = 0; i < fr->dlc; i++) {
        hex[2 * i] = digits[fr->data[i] >> 4];
        hex[2 * i + 1] = digits[fr->data[i] & 15];
    }
    hex[2 * fr->dlc] = 0;
    if (fr->has_time)
        fprintf(f, "%.6f,", fr->t);
    else
        fputs(",", f);
    fprintf(f, fr->ext ? "%08X,%u,%s,%s\n" : "%03X,%u,%s,%s\n", (unsigned)fr->id, fr->dlc, hex,
            fr->label);
}
