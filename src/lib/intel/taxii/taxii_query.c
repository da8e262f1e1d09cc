/*
 * TAXII 2.1 request pieces: endpoint paths inside an API root (4.2-5.8),
 * Accept / Content-Type negotiation (1.6.8), the query filters (3.5) with
 * their evaluation over one stored object version, and error message
 * resources (3.6.1).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sg17/taxii.h"

/* ---- paths ---------------------------------------------------------------- */

static int seg_char_ok(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '_' || c == '~' || c == ':' || c == '-';
}

/* Next segment of *p into out (cap SG17_TAXII_VALUE_MAX); 1 got one, 0 end, -1 bad. */
static int next_seg(const char **p, char out[SG17_TAXII_VALUE_MAX])
{
    const char *s = *p;
    size_t n = 0;
    if (*s == '\0')
        return 0;
    while (s[n] != '\0' && s[n] != '/') {
        if (!seg_char_ok(s[n]) || n + 1 >= SG17_TAXII_VALUE_MAX)
            return -1;
        out[n] = s[n];
        n++;
    }
    if (n == 0)
        return -1; /* "//" */
    out[n] = '\0';
    *p = s[n] == '/' ? s + n + 1 : s + n;
    return 1;
}

int sg17_taxii_path_parse(const char *rest, sg17_taxii_path *out)
{
    char seg[6][SG17_TAXII_VALUE_MAX];
    size_t n = 0;
    int r;

    if (rest == NULL || out == NULL)
        return SG17_E_INVAL;
    memset(out, 0, sizeof *out);
    while ((r = next_seg(&rest, seg[n < 6 ? n : 5])) == 1) {
        if (++n > 5)
            return 0; /* deeper than any endpoint */
    }
    if (r < 0)
        return 0;
    if (n == 0) {
        out->ep = SG17_TAXII_EP_ROOT;
    } else if (strcmp(seg[0], "status") == 0) {
        if (n == 2) {
            out->ep = SG17_TAXII_EP_STATUS;
            memcpy(out->id, seg[1], sizeof out->id);
        }
    } else if (strcmp(seg[0], "collections") == 0) {
        if (n >= 2)
            memcpy(out->id, seg[1], sizeof out->id);
        if (n == 1)
            out->ep = SG17_TAXII_EP_COLLECTIONS;
        else if (n == 2)
            out->ep = SG17_TAXII_EP_COLLECTION;
        else if (n == 3 && strcmp(seg[2], "manifest") == 0)
            out->ep = SG17_TAXII_EP_MANIFEST;
        else if (n == 3 && strcmp(seg[2], "objects") == 0)
            out->ep = SG17_TAXII_EP_OBJECTS;
        else if (n >= 4 && strcmp(seg[2], "objects") == 0) {
            memcpy(out->object_id, seg[3], sizeof out->object_id);
            if (n == 4)
                out->ep = SG17_TAXII_EP_OBJECT;
            else if (strcmp(seg[4], "versions") == 0)
                out->ep = SG17_TAXII_EP_VERSIONS;
        }
    }
    if (out->ep == SG17_TAXII_EP_NONE)
        memset(out, 0, sizeof *out);
    return 0;
}

/* ---- media types ---------------------------------------------------------- */

/* One media range [start, end): is it admissible for TAXII 2.1? */
static int range_ok(const char *s, const char *end)
{
    const char *semi;
    size_t n;
    int taxii;
    while (s < end && (*s == ' ' || *s == '\t'))
        s++;
    semi = memchr(s, ';', (size_t)(end - s));
    n = (size_t)((semi ? semi : end) - s);
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        n--;
    taxii = n == 22 && strncasecmp(s, "application/taxii+json", 22) == 0;
    if (!taxii && !(n == 3 && strncmp(s, "*/*", 3) == 0) &&
        !(n == 13 && strncasecmp(s, "application/*", 13) == 0))
        return 0;
    for (const char *p = semi; p != NULL && p < end;) {
        const char *q = p + 1, *nx;
        size_t m;
        while (q < end && (*q == ' ' || *q == '\t'))
            q++;
        nx = memchr(q, ';', (size_t)(end - q));
        m = (size_t)((nx ? nx : end) - q);
        while (m > 0 && (q[m - 1] == ' ' || q[m - 1] == '\t'))
            m--;
        if (m >= 2 && strncasecmp(q, "q=", 2) == 0) {
            int nonzero = 0;
            for (size_t k = 2; k < m; k++)
                if (q[k] >= '1' && q[k] <= '9')
                    nonzero = 1;
            if (!nonzero)
                return 0;
        } else if (m >= 8 && strncasecmp(q, "version=", 8) == 0) {
            if (!taxii || m != 11 || strncmp(q + 8, "2.1", 3) != 0)
                return 0;
        }
        p = nx;
    }
    return 1;
}

int sg17_taxii_accept_ok(const char *accept)
{
    const char *p = accept;
    int blank = 1;
    if (accept == NULL)
        return 1;
    for (const char *q = accept; *q; q++)
        if (*q != ' ' && *q != '\t')
            blank = 0;
    if (blank)
        return 1;
    while (*p) {
        const char *comma = strchr(p, ',');
        const char *end = comma ? comma : p + strlen(p);
        if (range_ok(p, end))
            return 1;
        if (comma == NULL)
            break;
        p = comma + 1;
    }
    return 0;
}

int sg17_taxii_content_type_ok(const char *ct)
{
    const char *end;
    if (ct == NULL)
        return 0;
    while (*ct == ' ')
        ct++;
    end = ct + strlen(ct);
    if (strncasecmp(ct, "application/taxii+json", 22) != 0)
        return 0;
    /* range_ok also admits wildcards, which a Content-Type must not be */
    return range_ok(ct, end);
}

/* ---- filters -------------------------------------------------------------- */

static int type_ok(const char *s, size_t n)
{
    if (n < 1 || n > 250)
        return 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'))
            return 0;
    }
    return 1;
}

static int hexdig(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* "<type>--<8-4-4-4-12 hex uuid>" */
static int stix_id_ok(const char *s)
{
    const char *dd = strstr(s, "--");
    const char *u;
    if (dd == NULL || !type_ok(s, (size_t)(dd - s)))
        return 0;
    u = dd + 2;
    if (strlen(u) != 36)
        return 0;
    for (int i = 0; i < 36; i++) {
        if (i == 8 || i == 13 || i == 18 || i == 23) {
            if (u[i] != '-')
                return 0;
        } else if (!hexdig(u[i])) {
            return 0;
        }
    }
    return 1;
}

static int spec_ok(const char *s)
{
    const char *dot = strchr(s, '.');
    size_t n = strlen(s);
    if (dot == NULL || dot == s || n > 7 || dot[1] == '\0')
        return 0;
    for (size_t i = 0; i < n; i++)
        if (s + i != dot && (s[i] < '0' || s[i] > '9'))
            return 0;
    return 1;
}

/* Copy value into f->storage_ at *used and split it at commas into list. */
static int split_list(sg17_taxii_filter *f, size_t *used, size_t cap, const char *param,
                      const char *value, const char **list, size_t *count, char *err,
                      size_t err_len)
{
    size_t n = strlen(value);
    char *copy, *p;
    if (n + 1 > cap - *used) {
        snprintf(err, err_len, "%s is too long", param);
        return SG17_E_LIMIT;
    }
    copy = f->storage_ + *used;
    memcpy(copy, value, n + 1);
    *used += n + 1;
    p = copy;
    for (;;) {
        char *comma = strchr(p, ',');
        if (comma != NULL)
            *comma = '\0';
        if (*p == '\0' || strlen(p) >= SG17_TAXII_VALUE_MAX) {
            snprintf(err, err_len, "%s has an empty or over-long value", param);
            return SG17_E_FORMAT;
        }
        if (*count >= SG17_TAXII_MATCH_MAX) {
            snprintf(err, err_len, "%s lists more than %d values", param, SG17_TAXII_MATCH_MAX);
            return SG17_E_LIMIT;
        }
        list[(*count)++] = p;
        if (comma == NULL)
            break;
        p = comma + 1;
    }
    return 0;
}

static int parse_limit(const char *s, unsigned *out)
{
    unsigned long v = 0;
    size_t i = 0;
    for (; s[i]; i++) {
        if (s[i] < '0' || s[i] > '9' || i >= 9)
            return -1;
        v = v * 10u + (unsigned long)(s[i] - '0');
    }
    if (i == 0 || v == 0)
        return -1;
    *out = (unsigned)v;
    return 0;
}

static int parse_versions(sg17_taxii_filter *f, size_t *used, size_t cap, const char *v, char *err,
                          size_t err_len)
{
    const char *vals[SG17_TAXII_MATCH_MAX];
    size_t n = 0;
    int rc = split_list(f, used, cap, "match[version]", v, vals, &n, err, err_len);
    if (rc != 0)
        return rc;
    for (size_t i = 0; i < n; i++) {
        if (strcmp(vals[i], "last") == 0) {
            f->version_mask |= SG17_TAXII_VER_LAST;
        } else if (strcmp(vals[i], "first") == 0) {
            f->version_mask |= SG17_TAXII_VER_FIRST;
        } else if (strcmp(vals[i], "all") == 0) {
            f->version_mask |= SG17_TAXII_VER_ALL;
        } else if (sg17_taxii_time_parse(vals[i], strlen(vals[i]), &f->versions[f->n_versions]) ==
                   0) {
            f->n_versions++;
            f->version_mask |= SG17_TAXII_VER_TIMES;
        } else {
            snprintf(err, err_len, "match[version] must be first, last, all or timestamps");
            return SG17_E_FORMAT;
        }
    }
    return 0;
}

int sg17_taxii_filter_parse(sg17_taxii_filter *f, sg17_taxii_query_fn get, void *ctx,
                            unsigned default_limit, unsigned max_limit, char *err, size_t err_len)
{
    const size_t cap = 4 * (SG17_TAXII_MATCH_MAX * SG17_TAXII_VALUE_MAX) + 4;
    const char *v;
    size_t used = 0;
    int rc;

    if (f == NULL || get == NULL || err == NULL || err_len == 0)
        return SG17_E_INVAL;
    memset(f, 0, sizeof *f);
    err[0] = '\0';
    f->storage_ = malloc(cap);
    if (f->storage_ == NULL)
        return SG17_E_NOMEM;
    f->limit = default_limit;
    if ((v = get(ctx, "added_after")) != NULL) {
        if (sg17_taxii_time_parse(v, strlen(v), &f->added_after_us) != 0) {
            snprintf(err, err_len, "added_after must be a timestamp like 2016-01-01T01:01:01.000Z");
            return SG17_E_FORMAT;
        }
        f->has_added_after = 1;
    }
    if ((v = get(ctx, "limit")) != NULL) {
        if (parse_limit(v, &f->limit) != 0) {
            snprintf(err, err_len, "limit must be a positive integer");
            return SG17_E_FORMAT;
        }
    }
    if (f->limit > max_limit)
        f->limit = max_limit;
    if (f->limit == 0)
        f->limit = 1;
    f->next = get(ctx, "next");
    if ((v = get(ctx, "match[id]")) != NULL) {
        if ((rc = split_list(f, &used, cap, "match[id]", v, f->ids, &f->n_ids, err, err_len)))
            return rc;
        for (size_t i = 0; i < f->n_ids; i++)
            if (!stix_id_ok(f->ids[i])) {
                snprintf(err, err_len, "match[id] values must be STIX ids (type--uuid)");
                return SG17_E_FORMAT;
            }
    }
    if ((v = get(ctx, "match[type]")) != NULL) {
        if ((rc = split_list(f, &used, cap, "match[type]", v, f->types, &f->n_types, err, err_len)))
            return rc;
        for (size_t i = 0; i < f->n_types; i++)
            if (!type_ok(f->types[i], strlen(f->types[i]))) {
                snprintf(err, err_len, "match[type] values must be STIX type names");
                return SG17_E_FORMAT;
            }
    }
    if ((v = get(ctx, "match[spec_version]")) != NULL) {
        if ((rc = split_list(f, &used, cap, "match[spec_version]", v, f->spec, &f->n_spec, err,
                             err_len)))
            return rc;
        for (size_t i = 0; i < f->n_spec; i++)
            if (!spec_ok(f->spec[i])) {
                snprintf(err, err_len, "match[spec_version] values look like 2.1");
                return SG17_E_FORMAT;
            }
    }
    if ((v = get(ctx, "match[version]")) != NULL) {
        if ((rc = parse_versions(f, &used, cap, v, err, err_len)) != 0)
            return rc;
    } else {
        f->version_mask = SG17_TAXII_VER_LAST;
    }
    return 0;
}

void sg17_taxii_filter_free(sg17_taxii_filter *f)
{
    if (f == NULL)
        return;
    free(f->storage_);
    f->storage_ = NULL;
}

static int in_list(const char *const *list, size_t n, const char *s)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(list[i], s) == 0)
            return 1;
    return 0;
}

int sg17_taxii_filter_match(const sg17_taxii_filter *f, const sg17_taxii_meta *m)
{
    unsigned vm;
    if (f == NULL || m == NULL)
        return 0;
    if (f->has_added_after && m->date_added_us <= f->added_after_us)
        return 0;
    if (f->n_ids && !in_list(f->ids, f->n_ids, m->id))
        return 0;
    if (f->n_types && !in_list(f->types, f->n_types, m->type))
        return 0;
    if (f->n_spec && !in_list(f->spec, f->n_spec, m->spec_version))
        return 0;
    vm = f->version_mask ? f->version_mask : SG17_TAXII_VER_LAST;
    if (vm & SG17_TAXII_VER_ALL)
        return 1;
    if ((vm & SG17_TAXII_VER_LAST) && m->version_us == m->last_us)
        return 1;
    if ((vm & SG17_TAXII_VER_FIRST) && m->version_us == m->first_us)
        return 1;
    for (size_t i = 0; (vm & SG17_TAXII_VER_TIMES) && i < f->n_versions; i++)
        if (f->versions[i] == m->version_us)
            return 1;
    return 0;
}

/* ---- error messages -------------------------------------------------------- */

json_t *sg17_taxii_error(unsigned http_status, const char *title, const char *description)
{
    char st[16];
    snprintf(st, sizeof st, "%u", http_status);
    return json_pack("{s:s, s:s, s:s}", "title", title ? title : "Error", "description",
                     description ? description : "", "http_status", st);
}
