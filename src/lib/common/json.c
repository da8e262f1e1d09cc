/* Hardened JSON parsing and typed getters over jansson (sg17/json.h). */
#include "sg17/json.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "sg17/buf.h"

#define JSON_READ_CHUNK 16384U

static void err_clear(sg17_json_error *err)
{
    if (err == NULL)
        return;
    err->line = 0;
    err->column = 0;
    err->position = 0;
    err->text[0] = '\0';
}

__attribute__((format(printf, 2, 3))) static void err_set(sg17_json_error *err, const char *fmt,
                                                          ...)
{
    if (err == NULL)
        return;
    va_list ap;
    va_start(ap, fmt);
    /* NOLINTNEXTLINE(clang-analyzer-valist.Uninitialized): started above (tidy 14 FP) */
    (void)vsnprintf(err->text, sizeof err->text, fmt, ap);
    va_end(ap);
}

static void limits_resolve(const sg17_json_limits *lim, sg17_json_limits *out)
{
    out->max_bytes = SG17_JSON_DEFAULT_MAX_BYTES;
    out->max_depth = SG17_JSON_DEFAULT_MAX_DEPTH;
    out->flags = 0;
    if (lim == NULL)
        return;
    if (lim->max_bytes != 0)
        out->max_bytes = lim->max_bytes;
    if (lim->max_depth != 0)
        out->max_depth = lim->max_depth;
    if (out->max_depth > SG17_JSON_HARD_MAX_DEPTH)
        out->max_depth = SG17_JSON_HARD_MAX_DEPTH;
    out->flags = lim->flags;
}

/*
 * One linear pass before jansson: rejects NUL bytes and nesting deeper than
 * max_depth, so jansson's recursive descent never goes deep. Brackets inside
 * strings (with backslash escapes) do not count. Unbalanced brackets are left
 * for jansson to report.
 */
static int prescan(const char *buf, size_t len, unsigned max_depth, sg17_json_error *err)
{
    unsigned depth = 0;
    int in_str = 0, esc = 0, line = 1, col = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)buf[i];
        if (c == '\n') {
            line++;
            col = 0;
        } else if ((c & 0xC0U) != 0x80U && col < 0x7fffffff) {
            col++; /* columns count characters, not UTF-8 continuation bytes */
        }
        const char *why = NULL;
        int rc = 0;
        if (c == 0) {
            why = "NUL byte in input";
            rc = SG17_E_FORMAT;
        } else if (in_str) {
            if (esc)
                esc = 0;
            else if (c == '\\')
                esc = 1;
            else if (c == '"')
                in_str = 0;
        } else if (c == '"') {
            in_str = 1;
        } else if (c == '[' || c == '{') {
            if (++depth > max_depth) {
                why = "nesting too deep";
                rc = SG17_E_LIMIT;
            }
        } else if ((c == ']' || c == '}') && depth > 0) {
            depth--;
        }
        if (rc != 0) {
            if (err != NULL) {
                err->line = line;
                err->column = col;
                err->position = i;
                if (rc == SG17_E_LIMIT)
                    err_set(err, "%s (more than %u levels)", why, max_depth);
                else
                    err_set(err, "%s", why);
            }
            return rc;
        }
    }
    return 0;
}

int sg17_json_parse(const char *buf, size_t len, const sg17_json_limits *lim, json_t **out,
                    sg17_json_error *err)
{
    sg17_json_limits l;
    err_clear(err);
    if (out == NULL)
        return SG17_E_INVAL;
    *out = NULL;
    if (buf == NULL && len != 0)
        return SG17_E_INVAL;
    limits_resolve(lim, &l);
    if (len > l.max_bytes) {
        err_set(err, "input of %zu bytes exceeds the %zu-byte limit", len, l.max_bytes);
        return SG17_E_LIMIT;
    }
    int rc = prescan(buf, len, l.max_depth, err);
    if (rc != 0)
        return rc;

    json_error_t je;
    size_t flags = JSON_REJECT_DUPLICATES;
    if (l.flags & SG17_JSON_DECODE_ANY)
        flags |= JSON_DECODE_ANY;
    json_t *v = json_loadb(len ? buf : "", len, flags, &je);
    if (v == NULL) {
        if (err != NULL) {
            err->line = je.line;
            err->column = je.column;
            err->position = je.position < 0 ? 0 : (size_t)je.position;
            err_set(err, "%s", je.text);
        }
        switch (json_error_code(&je)) {
        case json_error_out_of_memory: return SG17_E_NOMEM;
        case json_error_stack_overflow: return SG17_E_LIMIT;
        default: return SG17_E_FORMAT;
        }
    }
    *out = v;
    return 0;
}

/* strerror() is not thread-safe; the common cases, else the number. */
static const char *errno_text(int e)
{
    switch (e) {
    case ENOENT: return "no such file or directory";
    case EACCES: return "permission denied";
    case EISDIR: return "is a directory";
    case ELOOP: return "too many symbolic links";
    case ENAMETOOLONG: return "file name too long";
    case ENOTDIR: return "a path component is not a directory";
    case EMFILE: return "too many open files";
    default: return "open failed";
    }
}

/* Read at most max bytes of path into b; SG17_E_LIMIT if the file is longer. */
static int read_capped(const char *path, size_t max, sg17_buf *b, sg17_json_error *err)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        int e = errno;
        err_set(err, "%s: cannot open: %s", path, errno_text(e));
        return SG17_E_IO;
    }
    struct stat st;
    int rc = 0;
    if (fstat(fileno(f), &st) == 0 && S_ISREG(st.st_mode) && st.st_size >= 0 &&
        (unsigned long long)st.st_size > (unsigned long long)max) {
        err_set(err, "%s: file of %lld bytes exceeds the %zu-byte limit", path,
                (long long)st.st_size, max);
        rc = SG17_E_LIMIT;
        goto cleanup;
    }
    sg17_buf_init(b, max);
    uint8_t chunk[JSON_READ_CHUNK];
    for (;;) {
        size_t n = fread(chunk, 1, sizeof chunk, f);
        if (n > 0) {
            rc = sg17_buf_append(b, chunk, n);
            if (rc == SG17_E_LIMIT) {
                err_set(err, "%s: file exceeds the %zu-byte limit", path, max);
                goto cleanup;
            }
            if (rc != 0)
                goto cleanup;
        }
        if (n < sizeof chunk) {
            if (ferror(f)) {
                err_set(err, "%s: read error", path);
                rc = SG17_E_IO;
            }
            break;
        }
    }
cleanup:
    fclose(f);
    return rc;
}

int sg17_json_load_file(const char *path, const sg17_json_limits *lim, json_t **out,
                        sg17_json_error *err)
{
    sg17_json_limits l;
    sg17_buf b;
    err_clear(err);
    if (out == NULL || path == NULL)
        return SG17_E_INVAL;
    *out = NULL;
    limits_resolve(lim, &l);
    sg17_buf_init(&b, l.max_bytes);
    int rc = read_capped(path, l.max_bytes, &b, err);
    if (rc == 0) {
        rc = sg17_json_parse((const char *)b.data, b.len, &l, out, err);
        if (rc != 0 && err != NULL) {
            char why[sizeof err->text];
            memcpy(why, err->text, sizeof why);
            err_set(err, "%s:%d:%d: %s", path, err->line, err->column, why);
        }
    }
    sg17_buf_free(&b, 0);
    return rc;
}

/* Look up key in obj, reporting a missing key or non-object. */
static const json_t *lookup(const json_t *obj, const char *key, sg17_json_error *err)
{
    err_clear(err);
    if (key == NULL) {
        err_set(err, "no key given");
        return NULL;
    }
    if (!json_is_object(obj)) {
        err_set(err, "key '%s': container is not an object", key);
        return NULL;
    }
    const json_t *v = json_object_get(obj, key);
    if (v == NULL)
        err_set(err, "key '%s': missing", key);
    return v;
}

int sg17_json_get_str(const json_t *obj, const char *key, size_t max_len, const char **out,
                      size_t *len, sg17_json_error *err)
{
    const json_t *v = lookup(obj, key, err);
    if (v == NULL)
        return SG17_E_FORMAT;
    if (!json_is_string(v)) {
        err_set(err, "key '%s': expected a string", key);
        return SG17_E_FORMAT;
    }
    const char *s = json_string_value(v);
    size_t n = json_string_length(v);
    if (n > max_len) {
        err_set(err, "key '%s': string of %zu bytes exceeds %zu", key, n, max_len);
        return SG17_E_FORMAT;
    }
    if (memchr(s, 0, n) != NULL) {
        err_set(err, "key '%s': string contains a NUL character", key);
        return SG17_E_FORMAT;
    }
    *out = s;
    if (len != NULL)
        *len = n;
    return 0;
}

int sg17_json_get_int(const json_t *obj, const char *key, long long min, long long max,
                      long long *out, sg17_json_error *err)
{
    const json_t *v = lookup(obj, key, err);
    if (v == NULL)
        return SG17_E_FORMAT;
    if (!json_is_integer(v)) {
        err_set(err, "key '%s': expected an integer", key);
        return SG17_E_FORMAT;
    }
    long long x = (long long)json_integer_value(v);
    if (x < min || x > max) {
        err_set(err, "key '%s': %lld is outside [%lld, %lld]", key, x, min, max);
        return SG17_E_FORMAT;
    }
    *out = x;
    return 0;
}

int sg17_json_get_bool(const json_t *obj, const char *key, int *out, sg17_json_error *err)
{
    const json_t *v = lookup(obj, key, err);
    if (v == NULL)
        return SG17_E_FORMAT;
    if (!json_is_boolean(v)) {
        err_set(err, "key '%s': expected true or false", key);
        return SG17_E_FORMAT;
    }
    *out = json_is_true(v) ? 1 : 0;
    return 0;
}

/* 0xFFFFFFFF if lo <= c <= hi else 0, without branching (c, lo, hi < 256). */
static uint32_t range_mask(uint32_t c, uint32_t lo, uint32_t hi)
{
    return 0U - ((((lo - 1U) - c) & (c - (hi + 1U))) >> 31);
}

/*
 * Constant-time hex decode of n = 2*len characters: hex fields may carry
 * keys, so no branch or table index depends on the digits. Returns 0 or
 * SG17_E_FORMAT (out may then hold garbage; callers wipe it).
 */
static int hex_decode_ct(const char *s, uint8_t *out, size_t len)
{
    uint32_t bad = 0;
    for (size_t i = 0; i < 2 * len; i++) {
        uint32_t c = (unsigned char)s[i];
        uint32_t d = range_mask(c, '0', '9');
        uint32_t lo = range_mask(c, 'a', 'f');
        uint32_t up = range_mask(c, 'A', 'F');
        uint32_t v = (d & (c - '0')) | (lo & (c - 'a' + 10U)) | (up & (c - 'A' + 10U));
        bad |= ~(d | lo | up);
        if (i & 1U)
            out[i / 2] = (uint8_t)(out[i / 2] | (v & 0xFU));
        else
            out[i / 2] = (uint8_t)((v & 0xFU) << 4);
    }
    return bad == 0 ? 0 : SG17_E_FORMAT;
}

/* The hex string at obj[key]; checks type and even length. */
static int hex_field(const json_t *obj, const char *key, const char **s, size_t *nbytes,
                     sg17_json_error *err)
{
    const json_t *v = lookup(obj, key, err);
    if (v == NULL)
        return SG17_E_FORMAT;
    if (!json_is_string(v)) {
        err_set(err, "key '%s': expected a hex string", key);
        return SG17_E_FORMAT;
    }
    size_t n = json_string_length(v);
    if (n % 2 != 0) {
        err_set(err, "key '%s': hex string has odd length %zu", key, n);
        return SG17_E_FORMAT;
    }
    *s = json_string_value(v);
    *nbytes = n / 2;
    return 0;
}

int sg17_json_get_hex(const json_t *obj, const char *key, size_t max_bytes, uint8_t **out,
                      size_t *out_len, sg17_json_error *err)
{
    const char *s;
    size_t n;
    *out = NULL;
    *out_len = 0;
    int rc = hex_field(obj, key, &s, &n, err);
    if (rc != 0)
        return rc;
    if (n > max_bytes) {
        err_set(err, "key '%s': %zu bytes of hex exceed %zu", key, n, max_bytes);
        return SG17_E_FORMAT;
    }
    if (n == 0)
        return 0;
    uint8_t *b = malloc(n);
    if (b == NULL)
        return SG17_E_NOMEM;
    if (hex_decode_ct(s, b, n) != 0) {
        sg17_memzero(b, n);
        free(b);
        err_set(err, "key '%s': not a hex string", key);
        return SG17_E_FORMAT;
    }
    *out = b;
    *out_len = n;
    return 0;
}

int sg17_json_get_hex_fixed(const json_t *obj, const char *key, uint8_t *out, size_t len,
                            sg17_json_error *err)
{
    const char *s;
    size_t n;
    int rc = hex_field(obj, key, &s, &n, err);
    if (rc != 0)
        return rc;
    if (n != len) {
        err_set(err, "key '%s': expected %zu bytes of hex, got %zu", key, len, n);
        return SG17_E_FORMAT;
    }
    if (n == 0)
        return 0;
    uint8_t *tmp = malloc(n); /* decode aside so out is untouched on error */
    if (tmp == NULL)
        return SG17_E_NOMEM;
    rc = hex_decode_ct(s, tmp, n);
    if (rc == 0)
        memcpy(out, tmp, n);
    else
        err_set(err, "key '%s': not a hex string", key);
    sg17_memzero(tmp, n);
    free(tmp);
    return rc;
}

int sg17_json_get_array(const json_t *obj, const char *key, size_t min_len, size_t max_len,
                        const json_t **out, sg17_json_error *err)
{
    const json_t *v = lookup(obj, key, err);
    if (v == NULL)
        return SG17_E_FORMAT;
    if (!json_is_array(v)) {
        err_set(err, "key '%s': expected an array", key);
        return SG17_E_FORMAT;
    }
    size_t n = json_array_size(v);
    if (n < min_len || n > max_len) {
        err_set(err, "key '%s': array of %zu elements, expected %zu..%zu", key, n, min_len,
                max_len);
        return SG17_E_FORMAT;
    }
    *out = v;
    return 0;
}

int sg17_json_get_object(const json_t *obj, const char *key, const json_t **out,
                         sg17_json_error *err)
{
    const json_t *v = lookup(obj, key, err);
    if (v == NULL)
        return SG17_E_FORMAT;
    if (!json_is_object(v)) {
        err_set(err, "key '%s': expected an object", key);
        return SG17_E_FORMAT;
    }
    *out = v;
    return 0;
}

int sg17_json_dump_canonical(const json_t *v, char **out, size_t *len)
{
    if (out == NULL)
        return SG17_E_INVAL;
    *out = NULL;
    if (v == NULL)
        return SG17_E_INVAL;
    char *s = json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY);
    if (s == NULL)
        return SG17_E_NOMEM;
    *out = s;
    if (len != NULL)
        *len = strlen(s);
    return 0;
}
