/*
 * Circulars (TSB Circular 268 and any other: drafts, deadline and threshold
 * are data), the Member States list, UTC timestamps and small text helpers
 * for the consult module (WTSA Resolution 1 §9.4).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../pqc/pqc_internal.h"
#include "consult_internal.h"
#include "sg17/keyfmt.h"

/* ---- time ---------------------------------------------------------------- */

static int digits(const char *s, size_t n, int *out)
{
    int v = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return 0;
}

static int days_in_month(int y, int m)
{
    static const int dm[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 ? 28 + leap : dm[m - 1];
}

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian; H. Hinnant's days_from_civil). */
static int64_t days_from_civil(int y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static int parse_ymd(const char *s, int *y, int *m, int *d)
{
    if (digits(s, 4, y) || s[4] != '-' || digits(s + 5, 2, m) || s[7] != '-' ||
        digits(s + 8, 2, d))
        return -1;
    if (*y < 1900 || *m < 1 || *m > 12 || *d < 1 || *d > days_in_month(*y, *m))
        return -1;
    return 0;
}

int consult_date_valid(const char *s)
{
    int y, m, d;
    return s != NULL && strlen(s) == 10 && parse_ymd(s, &y, &m, &d) == 0;
}

int sg17_consult_time_parse(const char *s, int64_t *out)
{
    int y, mo, d, h, mi, se;
    if (s == NULL || out == NULL || strlen(s) != 20)
        return SG17_E_FORMAT;
    if (parse_ymd(s, &y, &mo, &d) || s[10] != 'T' || digits(s + 11, 2, &h) || s[13] != ':' ||
        digits(s + 14, 2, &mi) || s[16] != ':' || digits(s + 17, 2, &se) || s[19] != 'Z')
        return SG17_E_FORMAT;
    if (h > 23 || mi > 59 || se > 59) /* no leap seconds: UTC deadlines are whole minutes */
        return SG17_E_FORMAT;
    *out = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + se;
    return 0;
}

void sg17_consult_time_format(int64_t t, char out[21])
{
    int64_t days = t >= 0 ? t / 86400 : (t - 86399) / 86400;
    int64_t secs = t - days * 86400;
    /* civil_from_days (H. Hinnant) */
    int64_t z = days + 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t y = yoe + era * 400;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    int64_t d = doy - (153 * mp + 2) / 5 + 1;
    int64_t m = mp < 10 ? mp + 3 : mp - 9;
    y += m <= 2;
    if (y < 0 || y > 9999) {
        (void)snprintf(out, 21, "%s", "0000-00-00T00:00:00Z");
        return;
    }
    char tmp[64];
    (void)snprintf(tmp, sizeof tmp, "%04d-%02d-%02dT%02d:%02d:%02dZ", (int)y, (int)m, (int)d,
                   (int)(secs / 3600), (int)(secs / 60 % 60), (int)(secs % 60));
    memcpy(out, tmp, 20);
    out[20] = '\0';
}

/* ---- text helpers ---------------------------------------------------------- */

int consult_put(sg17_buf *b, const char *s)
{
    return sg17_buf_append(b, s, strlen(s));
}

int consult_put_html(sg17_buf *b, const char *s)
{
    int rc = 0;
    for (; *s && rc == 0; s++) {
        switch (*s) {
        case '<': rc = consult_put(b, "&lt;"); break;
        case '>': rc = consult_put(b, "&gt;"); break;
        case '&': rc = consult_put(b, "&amp;"); break;
        case '"': rc = consult_put(b, "&quot;"); break;
        case '\'': rc = consult_put(b, "&#39;"); break;
        default: rc = sg17_buf_append_u8(b, (uint8_t)*s); break;
        }
    }
    return rc;
}

int consult_printf(sg17_buf *b, const char *fmt, ...)
{
    char tmp[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= sizeof tmp)
        return SG17_E_LIMIT;
    return sg17_buf_append(b, tmp, (size_t)n);
}

int consult_buf_finish(sg17_buf *b, char **out, size_t *len)
{
    int rc = sg17_buf_append_u8(b, 0);
    if (rc) {
        sg17_buf_free(b, 0);
        return rc;
    }
    *out = (char *)b->data;
    if (len)
        *len = b->len - 1;
    b->data = NULL;
    b->len = b->alloc = 0;
    return 0;
}

/* ---- circulars ------------------------------------------------------------- */

size_t consult_draft_index(const sg17_consult_circular *c, const char *number)
{
    size_t i = 0;
    while (i < c->ndrafts && strcmp(c->drafts[i].number, number) != 0)
        i++;
    return i;
}

static int only_keys(const json_t *o, const char *const *keys, size_t n, sg17_json_error *err)
{
    const char *k;
    json_t *v;
    json_object_foreach(consult_unconst(o), k, v) {
        size_t i = 0;
        while (i < n && strcmp(keys[i], k) != 0)
            i++;
        if (i == n) {
            if (err)
                (void)snprintf(err->text, sizeof err->text, "unknown key \"%.64s\"", k);
            return SG17_E_FORMAT;
        }
    }
    return 0;
}

static int fail(sg17_json_error *err, const char *what)
{
    if (err)
        (void)snprintf(err->text, sizeof err->text, "%s", what);
    return SG17_E_FORMAT;
}

static int parse_drafts(sg17_consult_circular *c, sg17_json_error *err)
{
    static const char *const dkeys[] = {"number", "provisional", "title", "summary"};
    const json_t *arr;
    int rc = sg17_json_get_array(c->root, "drafts", 1, SG17_CONSULT_MAX_DRAFTS, &arr, err);
    if (rc)
        return rc;
    for (size_t i = 0; i < json_array_size(arr); i++) {
        const json_t *d = json_array_get(arr, i);
        sg17_consult_draft *o = &c->drafts[i];
        if (!json_is_object(d))
            return fail(err, "drafts: each entry must be an object");
        if ((rc = only_keys(d, dkeys, 4, err)) != 0 ||
            (rc = sg17_json_get_str(d, "number", 64, &o->number, NULL, err)) != 0 ||
            (rc = sg17_json_get_str(d, "provisional", 64, &o->provisional, NULL, err)) != 0 ||
            (rc = sg17_json_get_str(d, "title", SG17_CONSULT_MAX_SHORT_TEXT, &o->title, NULL,
                                    err)) != 0 ||
            (rc = sg17_json_get_str(d, "summary", SG17_CONSULT_MAX_LONG_TEXT, &o->summary, NULL,
                                    err)) != 0)
            return rc;
        if (o->number[0] == '\0')
            return fail(err, "drafts: empty draft number");
        if (consult_draft_index(c, o->number) < i)
            return fail(err, "drafts: draft number listed twice");
        c->ndrafts = i + 1;
    }
    return 0;
}

int sg17_consult_circular_parse(const char *json, size_t len, sg17_consult_circular **out,
                                sg17_json_error *err)
{
    static const char *const keys[] = {"type",    "version",  "number",           "issuer",
                                       "date",    "study_group", "meeting",       "procedure",
                                       "deadline", "threshold_percent", "drafts"};
    sg17_json_limits lim = {1024 * 1024, 8, 0};
    const char *s;
    long long v;
    int rc;

    if (out == NULL || json == NULL)
        return SG17_E_INVAL;
    *out = NULL;
    sg17_consult_circular *c = calloc(1, sizeof *c);
    if (c == NULL)
        return SG17_E_NOMEM;
    if ((rc = sg17_json_parse(json, len, &lim, &c->root, err)) != 0)
        goto fail;
    rc = SG17_E_FORMAT;
    if (!json_is_object(c->root)) {
        (void)fail(err, "a circular is a JSON object");
        goto fail;
    }
    if (only_keys(c->root, keys, sizeof keys / sizeof keys[0], err) ||
        sg17_json_get_str(c->root, "type", 64, &s, NULL, err))
        goto fail;
    if (strcmp(s, "sg17-consult-circular") != 0) {
        (void)fail(err, "type must be \"sg17-consult-circular\"");
        goto fail;
    }
    if (sg17_json_get_int(c->root, "version", 1, 1, &v, err) ||
        sg17_json_get_int(c->root, "number", 1, 999999, &v, err))
        goto fail;
    c->number = (long)v;
    if (sg17_json_get_int(c->root, "threshold_percent", 1, 100, &v, err))
        goto fail;
    c->threshold = (unsigned)v;
    if (sg17_json_get_str(c->root, "deadline", 32, &s, NULL, err))
        goto fail;
    if (sg17_consult_time_parse(s, &c->deadline)) {
        (void)fail(err, "deadline: expected YYYY-MM-DDTHH:MM:SSZ");
        goto fail;
    }
    const json_t *date = json_object_get(c->root, "date");
    if (date == NULL || (!json_is_null(date) &&
                         !(json_is_string(date) && consult_date_valid(json_string_value(date))))) {
        (void)fail(err, "date: expected YYYY-MM-DD or null");
        goto fail;
    }
    if (sg17_json_get_str(c->root, "issuer", SG17_CONSULT_MAX_SHORT_TEXT, &s, NULL, err) ||
        sg17_json_get_str(c->root, "study_group", SG17_CONSULT_MAX_SHORT_TEXT, &s, NULL, err) ||
        sg17_json_get_str(c->root, "meeting", SG17_CONSULT_MAX_SHORT_TEXT, &s, NULL, err) ||
        sg17_json_get_str(c->root, "procedure", SG17_CONSULT_MAX_SHORT_TEXT, &s, NULL, err))
        goto fail;
    if ((rc = parse_drafts(c, err)) != 0)
        goto fail;
    *out = c;
    return 0;
fail:
    sg17_consult_circular_free(c);
    return rc;
}

void sg17_consult_circular_free(sg17_consult_circular *c)
{
    if (c == NULL)
        return;
    json_decref(c->root);
    free(c);
}

long sg17_consult_circular_number(const sg17_consult_circular *c) { return c->number; }
int64_t sg17_consult_circular_deadline(const sg17_consult_circular *c) { return c->deadline; }
unsigned sg17_consult_circular_threshold(const sg17_consult_circular *c) { return c->threshold; }
size_t sg17_consult_circular_draft_count(const sg17_consult_circular *c) { return c->ndrafts; }

const sg17_consult_draft *sg17_consult_circular_draft(const sg17_consult_circular *c, size_t i)
{
    return i < c->ndrafts ? &c->drafts[i] : NULL;
}

const char *sg17_consult_circular_field(const sg17_consult_circular *c, const char *name)
{
    static const char *const names[] = {"date", "study_group", "meeting", "procedure", "issuer"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcmp(names[i], name) == 0)
            return json_string_value(json_object_get(c->root, name)); /* NULL for null */
    return NULL;
}

int sg17_consult_circular_canonical(const sg17_consult_circular *c, char **out, size_t *len)
{
    return sg17_json_dump_canonical(c->root, out, len);
}

/* ---- Member States ---------------------------------------------------------- */

struct sg17_consult_states {
    json_t *root;
    size_t n;
    const char **ids;
    const char **names;
};

void sg17_consult_states_free(sg17_consult_states *s)
{
    if (s == NULL)
        return;
    json_decref(s->root);
    free(s->ids);
    free(s->names);
    free(s);
}

int sg17_consult_states_parse(const char *json, size_t len, sg17_consult_states **out,
                              sg17_json_error *err)
{
    const json_t *arr;
    long long count;
    int rc;

    if (out == NULL || json == NULL)
        return SG17_E_INVAL;
    *out = NULL;
    sg17_consult_states *s = calloc(1, sizeof *s);
    if (s == NULL)
        return SG17_E_NOMEM;
    if ((rc = sg17_json_parse(json, len, NULL, &s->root, err)) != 0)
        goto fail;
    rc = SG17_E_FORMAT;
    if (!json_is_object(s->root) ||
        sg17_json_get_array(s->root, "member_states", 1, 1000, &arr, err) ||
        sg17_json_get_int(s->root, "count", 1, 1000, &count, err))
        goto fail;
    s->n = json_array_size(arr);
    if ((size_t)count != s->n) {
        (void)fail(err, "count does not match the number of member_states");
        goto fail;
    }
    s->ids = calloc(s->n, sizeof *s->ids);
    s->names = calloc(s->n, sizeof *s->names);
    if (s->ids == NULL || s->names == NULL) {
        rc = SG17_E_NOMEM;
        goto fail;
    }
    for (size_t i = 0; i < s->n; i++) {
        const json_t *e = json_array_get(arr, i);
        size_t idlen = 0;
        if (!json_is_object(e) || sg17_json_get_str(e, "id", 8, &s->ids[i], &idlen, err) ||
            sg17_json_get_str(e, "name", 256, &s->names[i], NULL, err))
            goto fail;
        if (idlen < 2)
            goto fail;
        for (size_t j = 0; j < idlen; j++)
            if (s->ids[i][j] < 'A' || s->ids[i][j] > 'Z') {
                (void)fail(err, "member_states: id must be upper-case letters");
                goto fail;
            }
        for (size_t j = 0; j < i; j++)
            if (strcmp(s->ids[j], s->ids[i]) == 0) {
                (void)fail(err, "member_states: duplicate id");
                goto fail;
            }
    }
    *out = s;
    return 0;
fail:
    sg17_consult_states_free(s);
    return rc;
}

size_t sg17_consult_states_count(const sg17_consult_states *s) { return s->n; }

const char *sg17_consult_states_at(const sg17_consult_states *s, size_t i, const char **id)
{
    if (i >= s->n)
        return NULL;
    if (id)
        *id = s->ids[i];
    return s->names[i];
}

const char *sg17_consult_states_name(const sg17_consult_states *s, const char *id)
{
    for (size_t i = 0; i < s->n; i++)
        if (strcmp(s->ids[i], id) == 0)
            return s->names[i];
    return NULL;
}

/* ---- keys -------------------------------------------------------------------- */

int sg17_consult_pubkey_parse(const char *pem, size_t len, sg17_pqc_key **out)
{
    uint8_t *der = NULL;
    size_t der_len = 0;
    if (pem == NULL || out == NULL)
        return SG17_E_INVAL;
    *out = NULL;
    int rc = sg17_keyfmt_pem_decode(pem, len, "PUBLIC KEY", &der, &der_len);
    if (rc)
        return rc;
    rc = sg17_pqc_spki_decode(der, der_len, out);
    free(der);
    if (rc == 0 && sg17_pqc_key_kind(*out) != SG17_PQC_SIG) {
        sg17_pqc_key_free(*out);
        *out = NULL;
        rc = SG17_E_INVAL;
    }
    return rc;
}
