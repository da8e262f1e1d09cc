/*
 * TAXII administration and the client's HTTP Basic header, in process:
 * - sg17_taxii_basic_encode: the RFC 7617 sec. 2 example, round trips through
 *   sg17_taxii_basic_decode (random users and passwords of every length up to
 *   the caps, including every byte the encoder may meet), and refusals (':' in
 *   the user, empty user, control bytes, over-long parts, a small buffer);
 * - sg17_taxii_collection_add / acl_set / acl_revoke / acl_list on an empty
 *   database: a new root gets information and a discovery entry, a
 *   collection is invisible until a role has rights, rights change what
 *   sg17_taxii_handle answers on the very next call, revoking hides it
 *   again, bad names and duplicates are refused without changing anything.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sg17/json.h"
#include "sg17/taxii.h"
#include "tap.h"

#define HDR_MAX (6 + SG17_TAXII_BASIC_MAX + 1)

static void basic_encode_tests(void)
{
    char h[HDR_MAX], u[SG17_TAXII_USER_MAX], p[SG17_TAXII_PASS_MAX];
    char user[SG17_TAXII_USER_MAX], pass[SG17_TAXII_PASS_MAX];

    tap_int_eq(sg17_taxii_basic_encode("Aladdin", "open sesame", h, sizeof h), 0, "encode");
    tap_ok(strcmp(h, "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==") == 0, "RFC 7617 sec. 2 example: %s", h);
    tap_int_eq(sg17_taxii_basic_encode("user1", "", h, sizeof h), 0, "empty password");
    tap_ok(strcmp(h, "Basic dXNlcjE6") == 0, "user1: -> %s", h);
    tap_int_eq(sg17_taxii_basic_encode("ab", "c", h, sizeof h), 0, "no padding");
    tap_ok(strcmp(h, "Basic YWI6Yw==") == 0, "ab:c -> %s", h);

    /* random round trips: lengths 1..127 and 0..255, bytes 0x20..0xff but ':' in the user */
    tap_rand_seed(7617);
    int bad = 0;
    for (int i = 0; i < 3000; i++) {
        size_t ul = 1 + (size_t)(tap_rand_u64() % (SG17_TAXII_USER_MAX - 1));
        size_t pl = (size_t)(tap_rand_u64() % SG17_TAXII_PASS_MAX);
        if (i < 2) { /* the largest parts: the header is exactly SG17_TAXII_BASIC_MAX */
            ul = SG17_TAXII_USER_MAX - 1;
            pl = SG17_TAXII_PASS_MAX - 1;
        }
        for (size_t k = 0; k < ul; k++) {
            unsigned char c;
            do
                c = (unsigned char)(0x20 + tap_rand_u64() % 0xe0);
            while (c == ':' || c == 0x7f);
            user[k] = (char)c;
        }
        user[ul] = '\0';
        for (size_t k = 0; k < pl; k++) {
            unsigned char c;
            do
                c = (unsigned char)(0x20 + tap_rand_u64() % 0xe0);
            while (c == 0x7f);
            pass[k] = (char)c;
        }
        pass[pl] = '\0';
        if (sg17_taxii_basic_encode(user, pass, h, sizeof h) != 0 ||
            strlen(h) != 6 + (ul + 1 + pl + 2) / 3 * 4 ||
            sg17_taxii_basic_decode(h, u, sizeof u, p, sizeof p) != 0 || strcmp(u, user) != 0 ||
            strcmp(p, pass) != 0) {
            if (bad++ < 3)
                tap_diag("round trip %d failed (user %zu, password %zu bytes)", i, ul, pl);
        }
    }
    tap_int_eq(bad, 0, "3000 random users/passwords round trip through basic_decode");

    tap_int_eq(sg17_taxii_basic_encode("a:b", "x", h, sizeof h), SG17_E_FORMAT, "':' in user");
    tap_ok(h[0] == '\0', "output emptied on refusal");
    tap_int_eq(sg17_taxii_basic_encode("", "x", h, sizeof h), SG17_E_FORMAT, "empty user");
    tap_int_eq(sg17_taxii_basic_encode("a\tb", "x", h, sizeof h), SG17_E_FORMAT,
               "control byte in user");
    tap_int_eq(sg17_taxii_basic_encode("ab", "x\ny", h, sizeof h), SG17_E_FORMAT,
               "control byte in password");
    tap_int_eq(sg17_taxii_basic_encode("ab", "x\x7f", h, sizeof h), SG17_E_FORMAT,
               "DEL in password");
    {
        char longu[SG17_TAXII_USER_MAX + 1];
        memset(longu, 'u', SG17_TAXII_USER_MAX);
        longu[SG17_TAXII_USER_MAX] = '\0';
        tap_int_eq(sg17_taxii_basic_encode(longu, "x", h, sizeof h), SG17_E_LIMIT, "128-byte user");
    }
    {
        char longp[SG17_TAXII_PASS_MAX + 1];
        memset(longp, 'p', SG17_TAXII_PASS_MAX);
        longp[SG17_TAXII_PASS_MAX] = '\0';
        tap_int_eq(sg17_taxii_basic_encode("u", longp, h, sizeof h), SG17_E_LIMIT,
                   "256-byte password");
    }
    tap_int_eq(sg17_taxii_basic_encode("Aladdin", "open sesame", h, 34), SG17_E_LIMIT,
               "buffer one byte short");
    tap_int_eq(sg17_taxii_basic_encode("Aladdin", "open sesame", h, 35), 0, "buffer just right");
    tap_int_eq(sg17_taxii_basic_encode(NULL, "x", h, sizeof h), SG17_E_INVAL, "NULL user");
}

/* ---- administration ------------------------------------------------------------- */

static unsigned get_status(sg17_taxii_server *s, const char *method, const char *path,
                           const char *role, const char *body, json_t **out)
{
    sg17_taxii_request r;
    sg17_taxii_response resp;
    memset(&r, 0, sizeof r);
    r.method = method;
    r.path = path;
    r.role = role;
    r.principal = "user:t";
    r.content_type = SG17_TAXII_MEDIA_TYPE;
    r.body = (const uint8_t *)body;
    r.body_len = body ? strlen(body) : 0;
    if (sg17_taxii_handle(s, &r, &resp) != 0)
        return 0;
    if (out != NULL)
        *out = resp.body ? json_loadb(resp.body, resp.body_len, 0, NULL) : NULL;
    free(resp.body);
    return resp.status;
}

typedef struct listing {
    char text[2048];
    size_t n;
} listing;

static int collect(const sg17_taxii_acl_entry *e, void *ctx)
{
    listing *l = ctx;
    size_t used = strlen(l->text);
    snprintf(l->text + used, sizeof l->text - used, "%s/%s/%s/%d%d/%s;", e->root, e->collection,
             e->role ? e->role : "-", e->can_read, e->can_write, e->title ? e->title : "");
    l->n++;
    return 0;
}

static int stop_at_first(const sg17_taxii_acl_entry *e, void *ctx)
{
    (void)e;
    (*(int *)ctx)++;
    return 42;
}

static void list(sg17_taxii_server *s, const char *root, const char *coll, listing *l)
{
    memset(l, 0, sizeof *l);
    if (sg17_taxii_acl_list(s, root, coll, collect, l) != 0)
        snprintf(l->text, sizeof l->text, "error");
}

#define C1 "/ops/collections/c1/"
#define POST1                                                                \
    "{\"objects\":[{\"type\":\"indicator\",\"spec_version\":\"2.1\",\"id\":" \
    "\"indicator--00000000-0000-4000-8000-000000000001\",\"created\":"       \
    "\"2024-01-01T00:00:00Z\",\"modified\":\"2024-01-01T00:00:00Z\"}]}"

static void admin_tests(const char *dbpath)
{
    sg17_taxii_config cfg;
    sg17_taxii_server *s = NULL;
    listing l;
    json_t *j = NULL;
    int made = -1, calls = 0;

    memset(&cfg, 0, sizeof cfg);
    cfg.db_path = dbpath;
    if (sg17_taxii_server_open(&s, &cfg) != 0) {
        tap_ok(0, "open %s", dbpath);
        return;
    }
    tap_int_eq(sg17_taxii_collection_add(s, "ops", "c1", "Ops one", "first", &made), 0,
               "collection add in a new root");
    tap_int_eq(made, 1, "the root was new");
    tap_int_eq(sg17_taxii_collection_add(s, "ops", "c2", "Ops two", NULL, &made), 0,
               "a second collection");
    tap_int_eq(made, 0, "the root existed");
    tap_int_eq(sg17_taxii_collection_add(s, "ops", "c1", "again", NULL, &made), SG17_E_EXISTS,
               "the same id again");
    tap_int_eq(sg17_taxii_collection_add(s, "taxii2", "c", "t", NULL, NULL), SG17_E_FORMAT,
               "root taxii2 refused");
    tap_int_eq(sg17_taxii_collection_add(s, "a/b", "c", "t", NULL, NULL), SG17_E_FORMAT,
               "root with '/' refused");
    tap_int_eq(sg17_taxii_collection_add(s, "ops", "c/3", "t", NULL, NULL), SG17_E_FORMAT,
               "id with '/' refused");
    tap_int_eq(sg17_taxii_collection_add(s, "ops", "c3", "", NULL, NULL), SG17_E_FORMAT,
               "empty title refused");
    tap_int_eq(sg17_taxii_collection_add(s, "ops", "c3", "bad \xff utf-8", NULL, NULL),
               SG17_E_FORMAT, "title that is not UTF-8 refused");
    tap_int_eq(sg17_taxii_collection_add(s, "other", "c3", "", NULL, &made), SG17_E_FORMAT,
               "a refused add in a new root...");
    list(s, NULL, NULL, &l);
    tap_ok(strcmp(l.text, "ops/c1/-/00/Ops one;ops/c2/-/00/Ops two;") == 0,
           "...adds no root; both collections listed without rights: %s", l.text);

    tap_int_eq(get_status(s, "GET", "/taxii2/", "analyst", NULL, &j), 200, "discovery made");
    tap_ok(json_is_string(json_array_get(json_object_get(j, "api_roots"), 0)) &&
               strstr(json_string_value(json_array_get(json_object_get(j, "api_roots"), 0)),
                      "/ops/") != NULL &&
               json_array_size(json_object_get(j, "api_roots")) == 1,
           "discovery lists /ops/ once");
    json_decref(j);
    tap_int_eq(get_status(s, "GET", "/ops/", "analyst", NULL, &j), 200, "root information");
    tap_int_eq(json_integer_value(json_object_get(j, "max_content_length")), 10485760,
               "max_content_length 10 MiB");
    json_decref(j);

    tap_int_eq(get_status(s, "GET", C1, "analyst", NULL, NULL), 404, "no rights: 404");
    tap_int_eq(sg17_taxii_acl_set(s, "ops", "c1", "analyst", 1, 0), 0, "set analyst read");
    tap_int_eq(get_status(s, "GET", C1, "analyst", NULL, &j), 200, "read: 200");
    tap_ok(json_is_true(json_object_get(j, "can_read")) &&
               json_is_false(json_object_get(j, "can_write")) &&
               strcmp(json_string_value(json_object_get(j, "description")), "first") == 0,
           "collection resource with the rights and description");
    json_decref(j);
    tap_int_eq(get_status(s, "GET", C1 "objects/", "analyst", NULL, NULL), 200, "objects: 200");
    tap_int_eq(get_status(s, "POST", C1 "objects/", "analyst", POST1, NULL), 403,
               "POST without write: 403");
    tap_int_eq(get_status(s, "GET", C1, "device", NULL, NULL), 404, "another role: still 404");
    tap_int_eq(sg17_taxii_acl_set(s, "ops", "c1", "analyst", 1, 1), 0, "set analyst rw");
    tap_int_eq(get_status(s, "POST", C1 "objects/", "analyst", POST1, NULL), 202, "POST: 202");
    tap_int_eq(get_status(s, "GET", C1 "objects/", "analyst", NULL, &j), 200, "objects again");
    tap_int_eq(json_array_size(json_object_get(j, "objects")), 1, "the posted object is there");
    json_decref(j);
    tap_int_eq(sg17_taxii_acl_set(s, "ops", "c1", "Analyst", 1, 1), SG17_E_FORMAT,
               "role with upper case refused");
    tap_int_eq(sg17_taxii_acl_set(s, "ops", "nope", "analyst", 1, 1), SG17_E_NOTFOUND,
               "set on an unknown collection");
    list(s, "ops", NULL, &l);
    tap_ok(strcmp(l.text, "ops/c1/analyst/11/Ops one;ops/c2/-/00/Ops two;") == 0,
           "listing of the root: %s", l.text);
    list(s, "ops", "c2", &l);
    tap_ok(strcmp(l.text, "ops/c2/-/00/Ops two;") == 0, "listing of one collection: %s", l.text);
    list(s, "nope", NULL, &l);
    tap_ok(l.n == 0 && l.text[0] == '\0', "listing of an unknown root is empty");
    tap_int_eq(sg17_taxii_acl_list(s, NULL, NULL, stop_at_first, &calls), 42,
               "the callback's value stops the listing");
    tap_int_eq(calls, 1, "after one entry");

    tap_int_eq(sg17_taxii_acl_revoke(s, "ops", "c1", "analyst"), 0, "revoke");
    tap_int_eq(get_status(s, "GET", C1 "objects/", "analyst", NULL, NULL), 404, "revoked: 404");
    tap_int_eq(sg17_taxii_acl_revoke(s, "ops", "c1", "analyst"), SG17_E_NOTFOUND,
               "revoke again: not found");
    tap_int_eq(sg17_taxii_acl_revoke(s, "ops", "zz", "analyst"), SG17_E_NOTFOUND,
               "revoke on an unknown collection: not found");
    sg17_taxii_server_close(s);
}

int main(void)
{
    char dbpath[512];
    basic_encode_tests();
    snprintf(dbpath, sizeof dbpath, "%s/sg17-taxii-admin-%d.db",
             getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp", (int)getpid());
    admin_tests(dbpath);
    static const char *const sfx[] = {"", "-wal", "-shm"};
    for (size_t i = 0; i < 3; i++) {
        char f[540];
        snprintf(f, sizeof f, "%s%s", dbpath, sfx[i]);
        unlink(f);
    }
    return tap_done();
}
