/*
 * Inventory parsing ("sg17-assess-1", docs/ASSESS.md) and report rendering
 * (text, JSON, HTML) for the X.1811 quantum-readiness assessment.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sg17/assess.h"
#include "sg17/json.h"

#define MAX_ITEMS 1000
#define MAX_TEXT  200

typedef struct item {
    char id[MAX_TEXT + 1], area[32], name[MAX_TEXT + 1], input_alg[MAX_TEXT + 1];
    sg17_assess_result r;
} item;

struct sg17_assess_report {
    char system[MAX_TEXT + 1];
    item *items;
    size_t n;
};

static const char *const areas[] = {"nas",           "as",  "up",       "aka",   "suci",
                                    "key-hierarchy", "sba", "n32",      "ipsec", "pki",
                                    "token",         "oam", "firmware", "other"};

static void errf(char *err, size_t cap, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void errf(char *err, size_t cap, const char *fmt, ...)
{
    if (!err || cap == 0)
        return;
    va_list ap;
    va_start(ap, fmt);
    (void)vsnprintf(err, cap, fmt, ap);
    va_end(ap);
}

static int copy_field(const json_t *o, const char *k, int required, char *dst, size_t cap, size_t i,
                      char *err, size_t err_cap)
{
    const json_t *v = json_object_get(o, k);
    if (!v) {
        if (!required)
            return 0;
        errf(err, err_cap, "items[%zu]: missing \"%s\"", i, k);
        return SG17_E_FORMAT;
    }
    const char *s = json_string_value(v);
    size_t n = s ? json_string_length(v) : 0;
    if (!s || n == 0 || n >= cap || strlen(s) != n) {
        errf(err, err_cap, "items[%zu]: \"%s\" must be a non-empty string of at most %zu bytes", i,
             k, cap - 1);
        return SG17_E_FORMAT;
    }
    memcpy(dst, s, n + 1);
    return 0;
}

static int parse_item(const json_t *o, size_t i, item *it, char *err, size_t err_cap)
{
    const char *k;
    const json_t *v;
    static const char *const allowed[] = {"id",       "area", "name", "algorithm",
                                          "key_bits", "use",  "note"};
    if (!json_is_object(o)) {
        errf(err, err_cap, "items[%zu]: not an object", i);
        return SG17_E_FORMAT;
    }
    json_object_foreach((json_t *)(uintptr_t)o, k, v)
    {
        size_t a = 0;
        while (a < sizeof allowed / sizeof allowed[0] && strcmp(k, allowed[a]) != 0)
            a++;
        if (a == sizeof allowed / sizeof allowed[0]) {
            errf(err, err_cap, "items[%zu]: unknown field \"%.40s\"", i, k);
            return SG17_E_FORMAT;
        }
    }
    char use_s[32] = "", note[MAX_TEXT + 1];
    if (copy_field(o, "id", 1, it->id, sizeof it->id, i, err, err_cap) ||
        copy_field(o, "area", 1, it->area, sizeof it->area, i, err, err_cap) ||
        copy_field(o, "name", 1, it->name, sizeof it->name, i, err, err_cap) ||
        copy_field(o, "algorithm", 1, it->input_alg, sizeof it->input_alg, i, err, err_cap) ||
        copy_field(o, "use", 0, use_s, sizeof use_s, i, err, err_cap) ||
        copy_field(o, "note", 0, note, sizeof note, i, err, err_cap))
        return SG17_E_FORMAT;
    size_t a = 0;
    while (a < sizeof areas / sizeof areas[0] && strcmp(it->area, areas[a]) != 0)
        a++;
    if (a == sizeof areas / sizeof areas[0]) {
        errf(err, err_cap, "items[%zu]: unknown area \"%.32s\" (see docs/ASSESS.md)", i, it->area);
        return SG17_E_FORMAT;
    }
    sg17_assess_use use = SG17_ASSESS_USE_DEFAULT;
    if (use_s[0] && sg17_assess_use_from_name(use_s, &use)) {
        errf(err, err_cap, "items[%zu]: unknown use \"%s\"", i, use_s);
        return SG17_E_FORMAT;
    }
    long long kb = 0;
    const json_t *kbv = json_object_get(o, "key_bits");
    if (kbv) {
        if (!json_is_integer(kbv) || json_integer_value(kbv) < 1 ||
            json_integer_value(kbv) > 65536) {
            errf(err, err_cap, "items[%zu]: \"key_bits\" must be an integer 1..65536", i);
            return SG17_E_FORMAT;
        }
        kb = json_integer_value(kbv);
    }
    return sg17_assess_algorithm(it->input_alg, (int)kb, use, &it->r);
}

int sg17_assess_inventory(const char *text, size_t len, sg17_assess_report **out, char *err,
                          size_t err_cap)
{
    sg17_json_limits lim = {1u << 20, 16, 0};
    sg17_json_error je;
    json_t *root = NULL;
    const json_t *items = NULL;
    if (!out)
        return SG17_E_INVAL;
    *out = NULL;
    if (err && err_cap)
        err[0] = '\0';
    int rc = sg17_json_parse(text, len, &lim, &root, &je);
    if (rc) {
        errf(err, err_cap, "line %d column %d: %s", je.line, je.column, je.text);
        return rc;
    }
    sg17_assess_report *r = calloc(1, sizeof *r);
    rc = SG17_E_FORMAT;
    if (!r) {
        rc = SG17_E_NOMEM;
        goto done;
    }
    const char *schema = json_string_value(json_object_get(root, "schema"));
    if (!json_is_object(root) || !schema || strcmp(schema, "sg17-assess-1") != 0) {
        errf(err, err_cap, "top level: \"schema\" must be \"sg17-assess-1\"");
        goto done;
    }
    const char *k;
    json_t *v;
    json_object_foreach(root, k, v)
    {
        if (strcmp(k, "schema") && strcmp(k, "system") && strcmp(k, "description") &&
            strcmp(k, "items")) {
            errf(err, err_cap, "top level: unknown field \"%.40s\"", k);
            goto done;
        }
    }
    if (copy_field(root, "system", 1, r->system, sizeof r->system, 0, err, err_cap))
        goto done;
    if (sg17_json_get_array(root, "items", 1, MAX_ITEMS, &items, &je)) {
        errf(err, err_cap, "top level: \"items\" must be an array of 1..%d items", MAX_ITEMS);
        rc = json_array_size(json_object_get(root, "items")) > MAX_ITEMS ? SG17_E_LIMIT
                                                                         : SG17_E_FORMAT;
        goto done;
    }
    r->n = json_array_size(items);
    r->items = calloc(r->n, sizeof *r->items);
    if (!r->items) {
        rc = SG17_E_NOMEM;
        goto done;
    }
    for (size_t i = 0; i < r->n; i++) {
        rc = parse_item(json_array_get(items, i), i, &r->items[i], err, err_cap);
        if (rc)
            goto done;
        for (size_t j = 0; j < i; j++) {
            if (strcmp(r->items[j].id, r->items[i].id) == 0) {
                errf(err, err_cap, "items[%zu]: duplicate id \"%s\"", i, r->items[i].id);
                rc = SG17_E_FORMAT;
                goto done;
            }
        }
    }
    rc = 0;
done:
    json_decref(root);
    if (rc)
        sg17_assess_report_free(r);
    else
        *out = r;
    return rc;
}

void sg17_assess_report_free(sg17_assess_report *r)
{
    if (!r)
        return;
    free(r->items);
    free(r);
}

size_t sg17_assess_report_count(const sg17_assess_report *r)
{
    return r ? r->n : 0;
}

const sg17_assess_result *sg17_assess_report_item(const sg17_assess_report *r, size_t i,
                                                  const char **id, const char **area,
                                                  const char **name)
{
    if (!r || i >= r->n)
        return NULL;
    if (id)
        *id = r->items[i].id;
    if (area)
        *area = r->items[i].area;
    if (name)
        *name = r->items[i].name;
    return &r->items[i].r;
}

size_t sg17_assess_report_verdicts(const sg17_assess_report *r, sg17_assess_verdict v)
{
    size_t n = 0;
    for (size_t i = 0; r && i < r->n; i++)
        n += r->items[i].r.verdict == v;
    return n;
}

/* ---- rendering ----------------------------------------------------------- */

typedef struct buf {
    char *p;
    size_t len, cap;
    int err;
} buf;

static void put(buf *b, const char *s, size_t n)
{
    if (b->err)
        return;
    if (b->len + n + 1 > b->cap) {
        size_t nc = b->cap ? b->cap : 4096;
        while (nc < b->len + n + 1)
            nc *= 2;
        char *q = realloc(b->p, nc);
        if (!q || nc > (64u << 20)) {
            free(q);
            b->p = NULL;
            b->err = 1;
            return;
        }
        b->p = q;
        b->cap = nc;
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
}

static void putf(buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void putf(buf *b, const char *fmt, ...)
{
    char t[1024];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(t, sizeof t, fmt, ap);
    va_end(ap);
    if (n < 0)
        b->err = 1;
    else
        put(b, t, (size_t)n < sizeof t ? (size_t)n : sizeof t - 1);
}

#define PUTL(b, lit) put((b), (lit), sizeof(lit) - 1)

static void put_html(buf *b, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '<': PUTL(b, "&lt;"); break;
        case '>': PUTL(b, "&gt;"); break;
        case '&': PUTL(b, "&amp;"); break;
        case '"': PUTL(b, "&quot;"); break;
        case '\'': PUTL(b, "&#39;"); break;
        default: put(b, s, 1);
        }
    }
}

static int rank(int p)
{
    return p < 0 ? 45 : p * 10;
}

/* Item order: migration priority, then input order. */
static size_t *order(const sg17_assess_report *r)
{
    size_t *o = malloc((r->n ? r->n : 1) * sizeof *o);
    if (!o)
        return NULL;
    for (size_t i = 0; i < r->n; i++) {
        size_t j = i;
        while (j > 0 && rank(r->items[o[j - 1]].r.priority) > rank(r->items[i].r.priority)) {
            o[j] = o[j - 1];
            j--;
        }
        o[j] = i;
    }
    return o;
}

static const char *bits(int v, char t[16])
{
    if (v < 0)
        return "n/a";
    snprintf(t, 16, "%d", v);
    return t;
}

static void summary_text(buf *b, const sg17_assess_report *r)
{
    size_t hndl = 0;
    for (size_t i = 0; i < r->n; i++)
        hndl += r->items[i].r.verdict == SG17_ASSESS_VULNERABLE && r->items[i].r.hndl;
    putf(b,
         "\n%zu items: %zu weak, %zu broken by a quantum computer (%zu of them exposed to "
         "harvest-now-decrypt-later), %zu reduced by Grover, %zu resistant, %zu protocol "
         "notes, %zu unknown\n",
         r->n, sg17_assess_report_verdicts(r, SG17_ASSESS_WEAK),
         sg17_assess_report_verdicts(r, SG17_ASSESS_VULNERABLE), hndl,
         sg17_assess_report_verdicts(r, SG17_ASSESS_REDUCED),
         sg17_assess_report_verdicts(r, SG17_ASSESS_RESISTANT),
         sg17_assess_report_verdicts(r, SG17_ASSESS_INFO),
         sg17_assess_report_verdicts(r, SG17_ASSESS_UNKNOWN));
}

static void render_text(buf *b, const sg17_assess_report *r, const size_t *o)
{
    char t1[16], t2[16];
    putf(b, "Quantum-readiness assessment (X.1811): %s\n\n", r->system);
    putf(b, "%-3s %-13s %-28s %-24s %5s %5s %-10s %s\n", "pri", "area", "item", "algorithm",
         "class", "quant", "verdict", "replacement / note");
    for (size_t k = 0; k < r->n; k++) {
        const item *it = &r->items[o[k]];
        const sg17_assess_result *x = &it->r;
        char pri[16];
        if (x->priority < 0)
            snprintf(pri, sizeof pri, "?");
        else if (x->priority == 5)
            snprintf(pri, sizeof pri, "-");
        else
            snprintf(pri, sizeof pri, "%d", x->priority);
        putf(b, "%-3s %-13.13s %-28.28s %-24.24s %5s %5s %-10s %s%s%s\n", pri, it->area, it->name,
             x->algorithm, bits(x->classical_bits, t1), bits(x->quantum_bits, t2),
             sg17_assess_verdict_name(x->verdict), x->replacement,
             x->replacement[0] && x->note[0] ? "; " : "", x->note);
    }
    summary_text(b, r);
    PUTL(b, "priority: 0 fix now (classically weak), 1 harvest-now-decrypt-later exposure, "
            "2 quantum-broken authentication, 3/4 Grover-reduced (256-bit), - nothing to do, "
            "? unknown (review)\n");
}

static int render_json(buf *b, const sg17_assess_report *r, const size_t *o)
{
    json_t *root = json_object(), *arr = json_array(), *sum = json_object();
    if (!root || !arr || !sum) {
        json_decref(root);
        json_decref(arr);
        json_decref(sum);
        return SG17_E_NOMEM;
    }
    json_object_set_new(root, "schema", json_string("sg17-assess-report-1"));
    json_object_set_new(root, "system", json_string(r->system));
    for (size_t k = 0; k < r->n; k++) {
        const item *it = &r->items[o[k]];
        const sg17_assess_result *x = &it->r;
        json_t *j = json_object();
        json_object_set_new(j, "id", json_string(it->id));
        json_object_set_new(j, "area", json_string(it->area));
        json_object_set_new(j, "name", json_string(it->name));
        json_object_set_new(j, "algorithm", json_string(x->algorithm));
        json_object_set_new(j, "input_algorithm", json_string(it->input_alg));
        json_object_set_new(j, "kind", json_string(x->kind));
        json_object_set_new(j, "key_bits",
                            x->key_bits < 0 ? json_null() : json_integer(x->key_bits));
        json_object_set_new(j, "classical_bits",
                            x->classical_bits < 0 ? json_null() : json_integer(x->classical_bits));
        json_object_set_new(j, "quantum_bits",
                            x->quantum_bits < 0 ? json_null() : json_integer(x->quantum_bits));
        json_object_set_new(j, "quantum_attack", json_string(x->attack));
        json_object_set_new(j, "verdict", json_string(sg17_assess_verdict_name(x->verdict)));
        json_object_set_new(j, "use", json_string(sg17_assess_use_name(x->use)));
        json_object_set_new(j, "hndl_exposed",
                            json_boolean(x->hndl && x->verdict == SG17_ASSESS_VULNERABLE));
        json_object_set_new(j, "priority",
                            x->priority < 0 ? json_null() : json_integer(x->priority));
        json_object_set_new(j, "priority_text",
                            json_string(sg17_assess_priority_name(x->priority)));
        json_object_set_new(j, "replacement", json_string(x->replacement));
        json_object_set_new(j, "note", json_string(x->note));
        json_array_append_new(arr, j);
    }
    json_object_set_new(root, "items", arr);
    for (int v = 0; v <= SG17_ASSESS_INFO; v++)
        json_object_set_new(
            sum, sg17_assess_verdict_name((sg17_assess_verdict)v),
            json_integer((json_int_t)sg17_assess_report_verdicts(r, (sg17_assess_verdict)v)));
    json_object_set_new(root, "summary", sum);
    char *s = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    json_decref(root);
    if (!s)
        return SG17_E_NOMEM;
    put(b, s, strlen(s));
    PUTL(b, "\n");
    free(s);
    return 0;
}

static void render_html(buf *b, const sg17_assess_report *r, const size_t *o)
{
    static const char *const colour[] = {"#ddd",    "#f4a6a6", "#f7c98b",
                                         "#fbeaa0", "#c8e6c0", "#dbe8f7"};
    char t1[16], t2[16];
    PUTL(b, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>");
    PUTL(b, "Quantum-readiness assessment: ");
    put_html(b, r->system);
    PUTL(b,
         "</title>\n<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}"
         "td,th{border:1px solid #999;padding:4px 8px;text-align:left;vertical-align:top}"
         "td.n{text-align:right}</style></head><body>\n<h1>Quantum-readiness assessment "
         "(X.1811)</h1>\n<p>System: ");
    put_html(b, r->system);
    PUTL(b, "</p>\n<table>\n<tr><th>priority</th><th>area</th><th>item</th><th>algorithm</th>"
            "<th>classical bits</th><th>quantum bits</th><th>attack</th><th>verdict</th>"
            "<th>replacement</th><th>note</th></tr>\n");
    for (size_t k = 0; k < r->n; k++) {
        const item *it = &r->items[o[k]];
        const sg17_assess_result *x = &it->r;
        putf(b, "<tr style=\"background:%s\"><td>", colour[x->verdict]);
        put_html(b, sg17_assess_priority_name(x->priority));
        PUTL(b, "</td><td>");
        put_html(b, it->area);
        PUTL(b, "</td><td>");
        put_html(b, it->name);
        PUTL(b, "</td><td>");
        put_html(b, x->algorithm);
        putf(b, "</td><td class=\"n\">%s</td><td class=\"n\">%s</td><td>",
             bits(x->classical_bits, t1), bits(x->quantum_bits, t2));
        put_html(b, x->attack);
        PUTL(b, "</td><td>");
        put_html(b, sg17_assess_verdict_name(x->verdict));
        PUTL(b, "</td><td>");
        put_html(b, x->replacement);
        PUTL(b, "</td><td>");
        put_html(b, x->note);
        PUTL(b, "</td></tr>\n");
    }
    PUTL(b, "</table>\n<pre>");
    buf s = {0};
    summary_text(&s, r);
    if (s.p)
        put_html(b, s.p);
    free(s.p);
    PUTL(b, "</pre>\n</body></html>\n");
}

int sg17_assess_render(const sg17_assess_report *r, sg17_assess_format fmt, char **out,
                       size_t *out_len)
{
    buf b = {0};
    int rc = 0;
    if (!r || !out)
        return SG17_E_INVAL;
    *out = NULL;
    size_t *o = order(r);
    if (!o)
        return SG17_E_NOMEM;
    if (fmt == SG17_ASSESS_TEXT)
        render_text(&b, r, o);
    else if (fmt == SG17_ASSESS_JSON)
        rc = render_json(&b, r, o);
    else if (fmt == SG17_ASSESS_HTML)
        render_html(&b, r, o);
    else
        rc = SG17_E_INVAL;
    free(o);
    if (rc == 0 && (b.err || !b.p))
        rc = SG17_E_NOMEM;
    if (rc) {
        free(b.p);
        return rc;
    }
    *out = b.p;
    if (out_len)
        *out_len = b.len;
    return 0;
}
