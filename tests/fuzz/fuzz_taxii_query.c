/*
 * libFuzzer harness for what a TAXII request brings in before any storage is
 * touched: the query string (split at '&' and '=' like a URL query, then
 * sg17_taxii_filter_parse and sg17_taxii_filter_match), the endpoint path
 * (sg17_taxii_path_parse), Accept / Content-Type (sg17_taxii_accept_ok,
 * sg17_taxii_content_type_ok) and the `next` cursor (sg17_taxii_cursor_decode).
 * Input: up to four parts separated by '\n': query, path, Accept, next.
 * Oracles: parse results are 0 or FORMAT/LIMIT with a reason; a parsed
 * filter's lists respect their caps and hold valid C strings; ids and object
 * ids of a parsed path are NUL-terminated and non-empty when required; a
 * cursor that decodes re-encodes to the same text.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sg17/taxii.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAXKV 32

typedef struct kvs {
    size_t n;
    char *k[MAXKV], *v[MAXKV];
} kvs;

static const char *kv_get(void *ctx, const char *key)
{
    kvs *q = ctx;
    for (size_t i = 0; i < q->n; i++)
        if (strcmp(q->k[i], key) == 0)
            return q->v[i];
    return NULL;
}

static void split_query(char *s, kvs *q)
{
    q->n = 0;
    while (s != NULL && *s != '\0' && q->n < MAXKV) {
        char *amp = strchr(s, '&'), *eq;
        if (amp != NULL)
            *amp = '\0';
        eq = strchr(s, '=');
        if (eq != NULL) {
            *eq = '\0';
            q->k[q->n] = s;
            q->v[q->n] = eq + 1;
            q->n++;
        }
        s = amp ? amp + 1 : NULL;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const uint8_t key[32] = {7};
    char *buf, *part[4] = {NULL, NULL, NULL, NULL};
    sg17_taxii_filter f;
    sg17_taxii_path p;
    char err[200];
    kvs q;
    int rc;

    if (size > 1 << 16)
        return 0;
    buf = malloc(size + 1);
    if (buf == NULL)
        return 0;
    memcpy(buf, data, size);
    buf[size] = '\0';
    part[0] = buf;
    for (int i = 1; i < 4 && part[i - 1] != NULL; i++) {
        char *nl = strchr(part[i - 1], '\n');
        if (nl != NULL) {
            *nl = '\0';
            part[i] = nl + 1;
        }
    }

    split_query(part[0], &q);
    rc = sg17_taxii_filter_parse(&f, kv_get, &q, 100, 1000, err, sizeof err);
    if (rc != 0 && rc != SG17_E_FORMAT && rc != SG17_E_LIMIT && rc != SG17_E_NOMEM)
        abort();
    if (rc != 0 && rc != SG17_E_NOMEM && err[0] == '\0')
        abort(); /* every refusal says why */
    if (rc == 0) {
        sg17_taxii_meta m = {
            "indicator--00000000-0000-4000-8000-000000000000", "indicator", "2.1", 5, 1, 9, 3};
        if (f.limit < 1 || f.limit > 1000 || f.n_ids > SG17_TAXII_MATCH_MAX ||
            f.n_types > SG17_TAXII_MATCH_MAX || f.n_spec > SG17_TAXII_MATCH_MAX ||
            f.n_versions > SG17_TAXII_MATCH_MAX || f.version_mask == 0)
            abort();
        for (size_t i = 0; i < f.n_types; i++)
            if (strlen(f.types[i]) == 0 || strlen(f.types[i]) >= SG17_TAXII_VALUE_MAX)
                abort();
        (void)sg17_taxii_filter_match(&f, &m);
    }
    sg17_taxii_filter_free(&f);

    if (part[1] != NULL) {
        if (sg17_taxii_path_parse(part[1], &p) != 0)
            abort();
        if (p.ep == SG17_TAXII_EP_NONE && (p.id[0] != '\0' || p.object_id[0] != '\0'))
            abort();
        if ((p.ep == SG17_TAXII_EP_OBJECT || p.ep == SG17_TAXII_EP_VERSIONS) &&
            (p.id[0] == '\0' || p.object_id[0] == '\0' ||
             memchr(p.object_id, '\0', sizeof p.object_id) == NULL))
            abort();
    }
    if (part[2] != NULL) {
        (void)sg17_taxii_accept_ok(part[2]);
        (void)sg17_taxii_content_type_ok(part[2]);
    }
    if (part[3] != NULL) {
        sg17_taxii_cursor c;
        uint8_t scope[16] = {0};
        rc = sg17_taxii_cursor_decode(key, part[3], SG17_TAXII_PAGE_OBJECTS, scope, 0,
                                      INT64_MAX / 2, &c);
        if (rc == 0) {
            char again[SG17_TAXII_CURSOR_LEN];
            if (sg17_taxii_cursor_encode(key, &c, again) != 0 || strcmp(again, part[3]) != 0)
                abort();
        }
    }
    free(buf);
    return 0;
}
