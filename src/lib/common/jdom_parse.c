/*
 * jdom: the in-situ JSON parser (RFC 8259): strings, numbers, containers and
 * the value/container state machine, over a buffer or a reader's window
 * (refilling the window is here too: the scanner calls it).
 */
#include "jdom_internal.h"
#include "jdom_parse_internal.h"
#include "hex_internal.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

/* ---- errors -------------------------------------------------------------- */

int jd_fail(jd_parser *ps, int rc, const char *at, const char *fmt, ...)
{
    ps->rc = rc;
    sg17_json_error *err = ps->err;
    if (!err)
        return rc;
    /* the text before the read position may hold compacted strings: line and
     * column come from counters kept while scanning (columns count characters) */
    size_t pos = at ? ps->base_off + (size_t)(at - ps->base) : 0;
    size_t col = 1;
    if (pos >= ps->line_start) {
        size_t bytes = pos - ps->line_start, cont = ps->cont - ps->cont_ls;
        col = (bytes > cont ? bytes - cont : 0) + 1;
    }
    err->line = ps->nl + 1 > 0x7fffffff ? 0x7fffffff : (int)(ps->nl + 1);
    err->column = col > 0x7fffffff ? 0x7fffffff : (int)col;
    err->position = pos;
    va_list ap;
    va_start(ap, fmt);
    /* NOLINTNEXTLINE(clang-analyzer-valist.Uninitialized): started above */
    (void)vsnprintf(err->text, sizeof err->text, fmt, ap);
    va_end(ap);
    return rc;
}

/* ---- value stack --------------------------------------------------------- */

static sg17_jd *push(jd_parser *ps)
{
    if (ps->nvals == ps->capvals) {
        size_t nc = ps->capvals ? ps->capvals * 2 : 256;
        sg17_jd *nv = realloc(ps->vals, nc * sizeof *nv);
        if (!nv)
            return NULL;
        ps->vals = nv;
        ps->capvals = nc;
    }
    return &ps->vals[ps->nvals++];
}

/* ---- strings ------------------------------------------------------------- */

static long hex4(const char *p, const char *end)
{
    if (end - p < 4)
        return -1;
    long v = 0;
    for (int i = 0; i < 4; i++) {
        int h = sg17_hexval((unsigned char)p[i]);
        if (h < 0)
            return -1;
        v = v * 16 + h;
    }
    return v;
}

/* Length of a valid UTF-8 sequence at p (2..4), or 0 (RFC 3629: no overlong
 * forms, no surrogates, nothing above U+10FFFF). */
static size_t utf8_seq(const unsigned char *p, const unsigned char *end)
{
    unsigned c = p[0];
    size_t n;
    unsigned lo = 0x80, hi = 0xBF;
    if (c >= 0xC2 && c <= 0xDF) {
        n = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
        n = 3;
        if (c == 0xE0)
            lo = 0xA0;
        else if (c == 0xED)
            hi = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 4;
        if (c == 0xF0)
            lo = 0x90;
        else if (c == 0xF4)
            hi = 0x8F;
    } else {
        return 0;
    }
    if ((size_t)(end - p) < n)
        return 0;
    if (p[1] < lo || p[1] > hi)
        return 0;
    for (size_t i = 2; i < n; i++)
        if ((p[i] & 0xC0U) != 0x80U)
            return 0;
    return n;
}

static char *put_utf8(char *d, unsigned long cp)
{
    if (cp < 0x80) {
        *d++ = (char)cp;
    } else if (cp < 0x800) {
        *d++ = (char)(0xC0 | (cp >> 6));
        *d++ = (char)(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        *d++ = (char)(0xE0 | (cp >> 12));
        *d++ = (char)(0x80 | ((cp >> 6) & 0x3F));
        *d++ = (char)(0x80 | (cp & 0x3F));
    } else {
        *d++ = (char)(0xF0 | (cp >> 18));
        *d++ = (char)(0x80 | ((cp >> 12) & 0x3F));
        *d++ = (char)(0x80 | ((cp >> 6) & 0x3F));
        *d++ = (char)(0x80 | (cp & 0x3F));
    }
    return d;
}

/* One escape at p (p[0] == '\\'); writes to *dst; returns the input after it or NULL. */
static char *unescape(jd_parser *ps, char *p, char **dst)
{
    char *d = *dst;
    if (ps->rd && !ps->eof && ps->end - p < 12) {
        ps->rc = JD_MORE; /* an escape (or a surrogate pair) may continue past the window */
        return NULL;
    }
    if (ps->rd && ps->wlim - d < 4) {
        ps->rc = JD_ROOM;
        return NULL;
    }
    if (ps->end - p < 2) {
        jd_fail(ps, SG17_E_FORMAT, p, "premature end of input in a string");
        return NULL;
    }
    switch (p[1]) {
    case '"': *d++ = '"'; break;
    case '\\': *d++ = '\\'; break;
    case '/': *d++ = '/'; break;
    case 'b': *d++ = '\b'; break;
    case 'f': *d++ = '\f'; break;
    case 'n': *d++ = '\n'; break;
    case 'r': *d++ = '\r'; break;
    case 't': *d++ = '\t'; break;
    case 'u': {
        long cp = hex4(p + 2, ps->end);
        if (cp < 0) {
            jd_fail(ps, SG17_E_FORMAT, p, "invalid \\u escape");
            return NULL;
        }
        p += 6;
        if (cp >= 0xDC00 && cp <= 0xDFFF) {
            jd_fail(ps, SG17_E_FORMAT, p - 6, "invalid Unicode: lone low surrogate \\u%04lX", cp);
            return NULL;
        }
        if (cp >= 0xD800 && cp <= 0xDBFF) {
            long lo = ps->end - p >= 2 && p[0] == '\\' && p[1] == 'u' ? hex4(p + 2, ps->end) : -1;
            if (lo < 0xDC00 || lo > 0xDFFF) {
                jd_fail(ps, SG17_E_FORMAT, p - 6, "invalid Unicode: high surrogate \\u%04lX not "
                                               "followed by a low surrogate", cp);
                return NULL;
            }
            cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
            p += 6;
        }
        if (cp == 0) {
            jd_fail(ps, SG17_E_FORMAT, p - 6, "\\u0000 is not allowed");
            return NULL;
        }
        *dst = put_utf8(d, (unsigned long)cp);
        return p;
    }
    default:
        jd_fail(ps, SG17_E_FORMAT, p, "invalid escape");
        return NULL;
    }
    *dst = d;
    return p + 2;
}

/*
 * String body at p (after the opening quote). The content is unescaped and
 * moved down to the compaction cursor ps->w (strings end up packed at the
 * start of the buffer, each NUL-terminated); returns the input past the
 * closing quote. The cursor never overtakes the read position: every string
 * consumes its two quotes and writes one NUL, and escapes only shrink.
 */
static char *parse_string(jd_parser *ps, char *p, sg17_jd *out)
{
    char *const s0 = ps->w, *const end = ps->end;
    char *dst = s0;
    for (;;) {
#if defined(__SSE2__)
        const __m128i q = _mm_set1_epi8('"'), bs = _mm_set1_epi8('\\'), sp = _mm_set1_epi8(0x20);
        while (end - p >= 16 && ps->wlim - dst >= 16) {
            __m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
            /* signed compare: bytes >= 0x80 are negative, so < 0x20 also catches them */
            __m128i m = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, q), _mm_cmpeq_epi8(v, bs)),
                                     _mm_cmplt_epi8(v, sp));
            unsigned mask = (unsigned)_mm_movemask_epi8(m);
            if (mask) {
                unsigned k = (unsigned)__builtin_ctz(mask);
                memmove(dst, p, k);
                dst += k;
                p += k;
                break;
            }
            /* all 16 bytes are consumed, so the store may overlap them */
            _mm_storeu_si128((__m128i *)(void *)dst, v);
            dst += 16;
            p += 16;
        }
#endif
        while (p < end && dst < ps->wlim) {
            unsigned char c = (unsigned char)*p;
            if (c == '"' || c == '\\' || c < 0x20 || c >= 0x80)
                break;
            *dst++ = (char)c;
            p++;
        }
        if (p >= end)
            break;
        if (ps->rd && ps->wlim - dst < 4) {
            ps->rc = JD_ROOM;
            return NULL;
        }
        unsigned char c = (unsigned char)*p;
        if (c == '"') {
            *dst = '\0';
            out->type = SG17_JD_STRING;
            out->n = (uint32_t)(dst - s0);
            out->u.s = s0;
            ps->w = dst + 1;
            return p + 1;
        }
        if (c == '\\') {
            p = unescape(ps, p, &dst);
            if (!p)
                return NULL;
            continue;
        }
        if (c < 0x20) {
            jd_fail(ps, SG17_E_FORMAT, p, "control character 0x%x in a string", c);
            return NULL;
        }
        if (ps->rd && !ps->eof && end - p < 4) {
            ps->rc = JD_MORE;
            return NULL;
        }
        size_t n = utf8_seq((const unsigned char *)p, (const unsigned char *)end);
        if (n == 0) {
            jd_fail(ps, SG17_E_FORMAT, p, "invalid UTF-8 in a string");
            return NULL;
        }
        ps->cont += n - 1;
        memmove(dst, p, n);
        dst += n;
        p += n;
    }
    if (ps->rd && !ps->eof) {
        ps->rc = JD_MORE;
        return NULL;
    }
    jd_fail(ps, SG17_E_FORMAT, p, "premature end of input in a string");
    return NULL;
}

/* ---- numbers ------------------------------------------------------------- */

static int isdig(int c)
{
    return c >= '0' && c <= '9';
}

static char *parse_number(jd_parser *ps, char *p, sg17_jd *out)
{
    char *const s = p, *const end = ps->end;
    int neg = 0, is_real = 0;
    if (ps->rd && !ps->eof) {
        /* the number must end inside the window (its terminator may follow) */
        const char *q = p;
        while (q < end && (isdig((unsigned char)*q) || *q == '-' || *q == '+' || *q == '.' ||
                           *q == 'e' || *q == 'E'))
            q++;
        if (q == end) {
            ps->rc = JD_MORE;
            return NULL;
        }
    }
    if (*p == '-') {
        neg = 1;
        p++;
    }
    if (p >= end || !isdig((unsigned char)*p))
        goto bad;
    if (*p == '0') {
        p++;
        if (p < end && isdig((unsigned char)*p))
            goto bad;
    } else {
        while (p < end && isdig((unsigned char)*p))
            p++;
    }
    char *int_end = p;
    if (p < end && *p == '.') {
        is_real = 1;
        p++;
        if (p >= end || !isdig((unsigned char)*p))
            goto bad;
        while (p < end && isdig((unsigned char)*p))
            p++;
    }
    if (p < end && (*p == 'e' || *p == 'E')) {
        is_real = 1;
        p++;
        if (p < end && (*p == '+' || *p == '-'))
            p++;
        if (p >= end || !isdig((unsigned char)*p))
            goto bad;
        while (p < end && isdig((unsigned char)*p))
            p++;
    }
    if (!is_real) {
        uint64_t v = 0;
        const uint64_t lim = neg ? (uint64_t)INT64_MAX + 1U : (uint64_t)INT64_MAX;
        for (const char *q = s + neg; q < int_end; q++) {
            unsigned dg = (unsigned)(*q - '0');
            if (v > (lim - dg) / 10U) {
                jd_fail(ps, SG17_E_FORMAT, s, neg ? "too big negative integer" : "too big integer");
                return NULL;
            }
            v = v * 10U + dg;
        }
        out->type = SG17_JD_INT;
        out->n = 0;
        out->u.i = neg ? (v == (uint64_t)INT64_MAX + 1U ? INT64_MIN : -(int64_t)v) : (int64_t)v;
        return p;
    }
    /* strtod needs a terminator: borrow the byte after the number, or copy */
    size_t nlen = (size_t)(p - s);
    double d;
    char *ep = NULL;
    if (p < end) {
        char saved = *p;
        *p = '\0';
        d = strtod(s, &ep);
        *p = saved;
        if (ep != p)
            goto bad; /* a locale with another decimal point */
    } else {
        char small[64];
        char *tmp = nlen < sizeof small ? small : malloc(nlen + 1);
        if (!tmp) {
            jd_fail(ps, SG17_E_NOMEM, s, "out of memory");
            return NULL;
        }
        memcpy(tmp, s, nlen);
        tmp[nlen] = '\0';
        d = strtod(tmp, &ep);
        int ok = ep == tmp + nlen;
        if (tmp != small)
            free(tmp);
        if (!ok)
            goto bad;
    }
    if (isinf(d)) {
        jd_fail(ps, SG17_E_FORMAT, s, "real number overflow");
        return NULL;
    }
    out->type = SG17_JD_REAL;
    out->n = 0;
    out->u.d = d;
    return p;
bad:
    jd_fail(ps, SG17_E_FORMAT, s, "invalid number");
    return NULL;
}

/* ---- containers ---------------------------------------------------------- */

static uint32_t key_hash(const sg17_jd *k)
{
    uint32_t h = 2166136261U;
    for (uint32_t i = 0; i < k->n; i++)
        h = (h ^ (unsigned char)k->u.s[i]) * 16777619U;
    return h;
}

static int key_eq(const sg17_jd *a, const sg17_jd *b)
{
    return a->n == b->n && memcmp(a->u.s, b->u.s, a->n) == 0;
}

/* Duplicate keys among the nm members starting at kv (keys at even slots). */
static int has_duplicate(jd_parser *ps, const sg17_jd *kv, size_t nm)
{
    if (nm <= JD_DUP_LINEAR) {
        for (size_t i = 1; i < nm; i++)
            for (size_t j = 0; j < i; j++)
                if (key_eq(&kv[2 * i], &kv[2 * j]))
                    return 1;
        return 0;
    }
    size_t cap = 64;
    while (cap < 2 * nm)
        cap *= 2;
    if (cap > ps->dupcap) {
        free(ps->dup);
        ps->dup = malloc(cap * sizeof *ps->dup);
        ps->dupcap = ps->dup ? cap : 0;
        if (!ps->dup)
            return -1;
    }
    /* slots hold member index + 1; 0 = empty */
    memset(ps->dup, 0, cap * sizeof *ps->dup);
    for (size_t i = 0; i < nm; i++) {
        size_t h = key_hash(&kv[2 * i]) & (cap - 1);
        while (ps->dup[h]) {
            if (key_eq(&kv[2 * (ps->dup[h] - 1)], &kv[2 * i]))
                return 1;
            h = (h + 1) & (cap - 1);
        }
        ps->dup[h] = (uint32_t)(i + 1);
    }
    return 0;
}

/* Close the top frame: move its children into the arena as one node. */
static int close_container(jd_parser *ps, const jd_frame *f, const char *at)
{
    size_t n = ps->nvals - f->start;
    if (n > UINT32_MAX - 1)
        return jd_fail(ps, SG17_E_LIMIT, at, "container too large");
    sg17_jd node;
    node.type = f->is_obj ? SG17_JD_OBJECT : SG17_JD_ARRAY;
    node.n = (uint32_t)(f->is_obj ? n / 2 : n);
    node.u.kids = NULL;
    if (n) {
        if (f->is_obj) {
            int dup = has_duplicate(ps, &ps->vals[f->start], n / 2);
            if (dup < 0)
                return jd_fail(ps, SG17_E_NOMEM, at, "out of memory");
            if (dup)
                return jd_fail(ps, SG17_E_FORMAT, at, "duplicate key in the object ending here");
        }
        node.u.kids = jd_arena_nodes(ps->doc, n);
        if (!node.u.kids)
            return jd_fail(ps, SG17_E_NOMEM, at, "out of memory");
        memcpy(node.u.kids, &ps->vals[f->start], n * sizeof(sg17_jd));
    }
    ps->nvals = f->start;
    sg17_jd *slot = push(ps);
    if (!slot)
        return jd_fail(ps, SG17_E_NOMEM, at, "out of memory");
    *slot = node;
    return 0;
}

/* Past whitespace; NULL (ps->rc set) when reading more input fails. */
static char *skip_ws(jd_parser *ps, char *p)
{
    for (;;) {
        const char *end = ps->end;
        while (p < end && (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t')) {
            if (*p == '\n') {
                ps->nl++;
                ps->line_start = ps->base_off + (size_t)(p + 1 - ps->base);
                ps->cont_ls = ps->cont;
            }
            p++;
        }
        if (p < end || !ps->rd || ps->eof)
            return p;
        if (jd_refill(ps, &p))
            return NULL;
    }
}

static char *literal(jd_parser *ps, char *p, sg17_jd *out)
{
    static const struct {
        const char *w;
        size_t n;
        uint32_t t;
    } lits[] = {{"true", 4, SG17_JD_TRUE}, {"false", 5, SG17_JD_FALSE}, {"null", 4, SG17_JD_NULL}};
    if (ps->rd && !ps->eof && ps->end - p < 5) {
        ps->rc = JD_MORE;
        return NULL;
    }
    for (size_t i = 0; i < 3; i++)
        if ((size_t)(ps->end - p) >= lits[i].n && memcmp(p, lits[i].w, lits[i].n) == 0) {
            out->type = lits[i].t;
            out->n = 0;
            out->u.i = 0;
            return p + lits[i].n;
        }
    jd_fail(ps, SG17_E_FORMAT, p, "invalid token");
    return NULL;
}

void jd_limits_of(const sg17_json_limits *lim, size_t *max_bytes, unsigned *max_depth,
                      unsigned *flags)
{
    *max_bytes = SG17_JSON_DEFAULT_MAX_BYTES;
    *max_depth = SG17_JSON_DEFAULT_MAX_DEPTH;
    *flags = 0;
    if (!lim)
        return;
    if (lim->max_bytes)
        *max_bytes = lim->max_bytes;
    if (lim->max_depth)
        *max_depth = lim->max_depth;
    if (*max_depth > SG17_JSON_HARD_MAX_DEPTH)
        *max_depth = SG17_JSON_HARD_MAX_DEPTH;
    *flags = lim->flags;
}

/*
 * The text between the string cursor and the read position is dead: give its
 * whole pages back to the system (anonymous private memory reads back as
 * zeros, and nothing reads it again: the cursor only writes there). Pages the
 * cursor reaches later fault in afresh. Failure is harmless (memory only).
 */
static void release_dead(jd_parser *ps, const char *p)
{
    uintptr_t lo = (uintptr_t)ps->w > ps->rel_hi ? (uintptr_t)ps->w : ps->rel_hi;
    lo = (lo + ps->page - 1) & ~(ps->page - 1);
    uintptr_t hi = (uintptr_t)p & ~(ps->page - 1);
    if (hi > lo) {
        (void)madvise((void *)lo, hi - lo, MADV_DONTNEED);
        ps->rel_hi = hi;
    }
}

/*
 * Parsing from a reader: keep the window from *p on (moved to the front),
 * growing it when it is full, and read more after it. Sets eof when the
 * reader has nothing more. 0 or an error (ps->rc and err set).
 */
int jd_refill(jd_parser *ps, char **p)
{
    size_t keep = (size_t)(ps->end - *p);
    if (*p != ps->win)
        memmove(ps->win, *p, keep);
    ps->base_off += (size_t)(*p - ps->win);
    if (keep == ps->wincap) {
        size_t nc = ps->wincap * 2;
        char *nw = nc > ps->wincap ? realloc(ps->win, nc) : NULL;
        if (!nw)
            return jd_fail(ps, SG17_E_NOMEM, NULL, "out of memory");
        ps->win = nw;
        ps->wincap = nc;
    }
    ps->base = ps->win;
    *p = ps->win;
    ps->end = ps->win + keep;
    size_t got = 0;
    int rc = ps->rd(ps->rd_ctx, ps->end, ps->wincap - keep, &got);
    if (rc)
        return jd_fail(ps, rc < 0 ? rc : SG17_E_IO, NULL, "read error");
    if (got > ps->wincap - keep)
        return jd_fail(ps, SG17_E_INVAL, NULL, "reader overran its buffer");
    ps->total += got;
    if (ps->total > ps->max_bytes)
        return jd_fail(ps, SG17_E_LIMIT, NULL, "input exceeds the %zu-byte limit", ps->max_bytes);
    ps->end += got;
    ps->eof = got == 0;
    return 0;
}

/* A new block for strings of at least want bytes (parsing from a reader). */
int jd_string_room(jd_parser *ps, size_t want)
{
    size_t cap = want > JD_SBLOCK ? want : JD_SBLOCK;
    jd_sblock *b = malloc(sizeof *b + cap);
    if (!b)
        return jd_fail(ps, SG17_E_NOMEM, NULL, "out of memory");
    b->next = ps->doc->sblocks;
    ps->doc->sblocks = b;
    ps->doc->arena_bytes += sizeof *b + cap;
    ps->w = (char *)(b + 1);
    ps->wlim = ps->w + cap;
    return 0;
}

/* One scalar token at p into slot (kind: '"' string, 'n' number, 'l' literal),
 * retried from p after more input or string room when parsing from a reader. */
static char *token(jd_parser *ps, char **pp, sg17_jd *slot, int kind)
{
    for (;;) {
        char *p = *pp, *q;
        size_t cont0 = ps->cont;
        char *w0 = ps->w;
        if (kind == '"')
            q = parse_string(ps, p + 1, slot);
        else if (kind == 'n')
            q = parse_number(ps, p, slot);
        else
            q = literal(ps, p, slot);
        if (q || (ps->rc != JD_MORE && ps->rc != JD_ROOM))
            return q;
        int why = ps->rc;
        ps->rc = 0;
        ps->cont = cont0;
        ps->w = w0;
        if (why == JD_ROOM ? jd_string_room(ps, (size_t)(ps->end - p) + 16) : jd_refill(ps, pp))
            return NULL;
    }
}

/* The value/container state machine; returns 0 with the root on the value stack. */
int jd_parse_doc(jd_parser *ps, char *p, unsigned max_depth, unsigned flags, jd_frame *frames)
{
    size_t depth = 0;
    sg17_jd *slot;
    if (!(p = skip_ws(ps, p)))
        return ps->rc;
    if (p == ps->end)
        return jd_fail(ps, SG17_E_FORMAT, p, "premature end of input");
    if (!(flags & SG17_JSON_DECODE_ANY) && *p != '[' && *p != '{')
        return jd_fail(ps, SG17_E_FORMAT, p, "'[' or '{' expected");
value:
    if (p >= ps->end)
        return jd_fail(ps, SG17_E_FORMAT, p, "premature end of input");
    switch (*p) {
    case '{':
    case '[':
        if (depth >= max_depth)
            return jd_fail(ps, SG17_E_LIMIT, p, "nesting too deep (more than %u levels)", max_depth);
        frames[depth].start = ps->nvals;
        frames[depth].offset = ps->base_off + (size_t)(p - ps->base);
        frames[depth].is_obj = *p == '{';
        depth++;
        if (!(p = skip_ws(ps, p + 1)))
            return ps->rc;
        if (p < ps->end && *p == (frames[depth - 1].is_obj ? '}' : ']')) {
            depth--;
            if (close_container(ps, &frames[depth], p))
                return ps->rc;
            p++;
            goto after;
        }
        if (frames[depth - 1].is_obj)
            goto key;
        goto value;
    case '"':
        if (!(slot = push(ps)))
            return jd_fail(ps, SG17_E_NOMEM, p, "out of memory");
        p = token(ps, &p, slot, '"');
        break;
    case 't':
    case 'f':
    case 'n':
        if (!(slot = push(ps)))
            return jd_fail(ps, SG17_E_NOMEM, p, "out of memory");
        p = token(ps, &p, slot, 'l');
        break;
    default:
        if (*p != '-' && !isdig((unsigned char)*p))
            return jd_fail(ps, SG17_E_FORMAT, p, "invalid token");
        if (!(slot = push(ps)))
            return jd_fail(ps, SG17_E_NOMEM, p, "out of memory");
        p = token(ps, &p, slot, 'n');
        break;
    }
    if (!p)
        return ps->rc;
    goto after;
key:
    if (p >= ps->end || *p != '"')
        return jd_fail(ps, SG17_E_FORMAT, p, "string or '}' expected");
    if (!(slot = push(ps)))
        return jd_fail(ps, SG17_E_NOMEM, p, "out of memory");
    p = token(ps, &p, slot, '"');
    if (!p || !(p = skip_ws(ps, p)))
        return ps->rc;
    if (p >= ps->end || *p != ':')
        return jd_fail(ps, SG17_E_FORMAT, p, "':' expected");
    if (!(p = skip_ws(ps, p + 1)))
        return ps->rc;
    goto value;
after:
    if (ps->rel_step && (uintptr_t)p - ps->rel_hi >= ps->rel_step)
        release_dead(ps, p);
    if (!(p = skip_ws(ps, p)))
        return ps->rc;
    if (depth == 0) {
        if (p != ps->end)
            return jd_fail(ps, SG17_E_FORMAT, p, "end of file expected");
        return 0;
    }
    if (p >= ps->end)
        return jd_fail(ps, SG17_E_FORMAT, p, "premature end of input");
    if (*p == ',') {
        if (!(p = skip_ws(ps, p + 1)))
            return ps->rc;
        if (frames[depth - 1].is_obj)
            goto key;
        goto value;
    }
    if (*p == (frames[depth - 1].is_obj ? '}' : ']')) {
        depth--;
        if (close_container(ps, &frames[depth], p))
            return ps->rc;
        p++;
        goto after;
    }
    return jd_fail(ps, SG17_E_FORMAT, p, frames[depth - 1].is_obj ? "',' or '}' expected"
                                                                : "',' or ']' expected");
}

int jd_begin(sg17_jdoc **out, sg17_json_error *err)
{
    if (err) {
        err->line = err->column = 0;
        err->position = 0;
        err->text[0] = '\0';
    }
    if (!out)
        return SG17_E_INVAL;
    *out = NULL;
    return 0;
}

int sg17_jdoc_parse(char *buf, size_t len, const sg17_json_limits *lim, sg17_jdoc **out,
                    sg17_json_error *err)
{
    return sg17_jdoc_parse_ex(buf, len, lim, 0, 0, out, err);
}

int sg17_jdoc_parse_ex(char *buf, size_t len, const sg17_json_limits *lim, unsigned jflags,
                       size_t release_step, sg17_jdoc **out, sg17_json_error *err)
{
    size_t max_bytes;
    unsigned max_depth, flags;
    if (jd_begin(out, err))
        return SG17_E_INVAL;
    if (!buf && len)
        return SG17_E_INVAL;
    jd_limits_of(lim, &max_bytes, &max_depth, &flags);
    jd_parser ps;
    memset(&ps, 0, sizeof ps);
    ps.base = buf;
    ps.end = buf + len;
    ps.err = err;
    ps.w = buf;
    ps.wlim = buf + len;
    if (jflags & SG17_JDOC_RELEASE) {
        long pg = sysconf(_SC_PAGESIZE);
        ps.page = pg > 0 && ((unsigned long)pg & ((unsigned long)pg - 1)) == 0 ? (uintptr_t)pg : 4096U;
        ps.rel_step = release_step ? release_step : SG17_JDOC_RELEASE_STEP;
        ps.rel_hi = (uintptr_t)buf;
    }
    if (len > max_bytes) {
        if (err)
            (void)snprintf(err->text, sizeof err->text,
                           "input of %zu bytes exceeds the %zu-byte limit", len, max_bytes);
        return SG17_E_LIMIT;
    }
    ps.doc = calloc(1, sizeof *ps.doc);
    jd_frame *frames = malloc(((size_t)max_depth + 1) * sizeof *frames);
    int rc = SG17_E_NOMEM;
    if (ps.doc && frames)
        rc = jd_parse_doc(&ps, buf, max_depth, flags, frames);
    if (rc == 0) {
        ps.doc->root = ps.vals[0];
        ps.doc->text_used = (size_t)(ps.w - buf);
        *out = ps.doc;
        ps.doc = NULL;
    }
    free(frames);
    free(ps.vals);
    free(ps.dup);
    sg17_jdoc_free(ps.doc);
    return rc;
}
