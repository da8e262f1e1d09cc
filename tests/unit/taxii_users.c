/*
 * HTTP Basic users of the TAXII server: sg17_taxii_basic_decode against
 * hand-checked headers (RFC 7617 example, padding, case, caps, bad base64,
 * non-canonical bits, control bytes), sg17_taxii_users_parse/_load/_check
 * with medallion's test configuration (read in place) and the sg17_roles
 * extension, and status resources in process: visible to their creator and
 * the role admin only, gone after status_max_age_s (clock given per request).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "sg17/json.h"
#include "sg17/taxii.h"
#include "tap.h"

static int dec(const char *h, char *u, char *p)
{
    return sg17_taxii_basic_decode(h, u, SG17_TAXII_USER_MAX, p, SG17_TAXII_PASS_MAX);
}

static void test_decode(void)
{
    char u[SG17_TAXII_USER_MAX], p[SG17_TAXII_PASS_MAX], big[700];
    /* RFC 7617 sec. 2: Aladdin / open sesame */
    tap_int_eq(dec("Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==", u, p), 0, "RFC 7617 example");
    tap_ok(strcmp(u, "Aladdin") == 0 && strcmp(p, "open sesame") == 0, "user and password");
    tap_int_eq(dec("basic   YTpi  ", u, p), 0, "scheme any case, spaces around");
    tap_ok(strcmp(u, "a") == 0 && strcmp(p, "b") == 0, "a:b");
    tap_int_eq(dec("Basic YTo=", u, p), 0, "empty password decodes");
    tap_ok(strcmp(u, "a") == 0 && p[0] == '\0', "a and ''");
    tap_int_eq(dec("Basic YTpiOmM=", u, p), 0, "split at the first ':'");
    tap_ok(strcmp(u, "a") == 0 && strcmp(p, "b:c") == 0, "password keeps later ':'");
    tap_int_eq(dec("Basic OmI=", u, p), SG17_E_FORMAT, "empty user");
    tap_int_eq(dec("Basic YWI=", u, p), SG17_E_FORMAT, "no ':'");
    tap_int_eq(dec("Basic YTpi=", u, p), SG17_E_FORMAT, "length not a multiple of 4");
    tap_int_eq(dec("Basic YTo", u, p), SG17_E_FORMAT, "missing padding");
    tap_int_eq(dec("Basic YTp=", u, p), SG17_E_FORMAT, "non-zero unused bits");
    tap_int_eq(dec("Basic Y=pi", u, p), SG17_E_FORMAT, "'=' inside");
    tap_int_eq(dec("Basic YT-i", u, p), SG17_E_FORMAT, "base64url alphabet refused");
    tap_int_eq(dec("Basic YTpi YTpi", u, p), SG17_E_FORMAT, "two tokens");
    tap_int_eq(dec("Basic", u, p), SG17_E_FORMAT, "no token");
    tap_int_eq(dec("Basic ", u, p), SG17_E_FORMAT, "empty token");
    tap_int_eq(dec("Bearer YTpi", u, p), SG17_E_FORMAT, "another scheme");
    tap_int_eq(dec("BasicYTpi", u, p), SG17_E_FORMAT, "no space after the scheme");
    tap_int_eq(dec("Basic YQo6YWI=", u, p), SG17_E_FORMAT, "newline in the user (a\\n:ab)");
    tap_int_eq(dec("Basic YTphAGI=", u, p), SG17_E_FORMAT, "NUL in the password");
    tap_int_eq(dec(NULL, u, p), SG17_E_FORMAT, "no header");
    memcpy(big, "Basic ", 6);
    memset(big + 6, 'A', 600);
    big[606] = '\0';
    tap_int_eq(dec(big, u, p), SG17_E_LIMIT, "600 base64 characters: over the cap");
    tap_ok(u[0] == '\0' && p[0] == '\0', "outputs emptied on failure");
    /* "aaaa...:b" with a 130-byte user: over the 127-byte cap */
    {
        char raw[140], hdr[200];
        static const char b64[] =
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        size_t o = 6;
        memset(raw, 'a', 130);
        raw[130] = ':';
        raw[131] = 'b'; /* 132 bytes = 44 groups of 3 */
        memcpy(hdr, "Basic ", 6);
        for (size_t i = 0; i < 132; i += 3) {
            unsigned v = (unsigned)raw[i] << 16 | (unsigned)raw[i + 1] << 8 | (unsigned)raw[i + 2];
            hdr[o++] = b64[(v >> 18) & 63];
            hdr[o++] = b64[(v >> 12) & 63];
            hdr[o++] = b64[(v >> 6) & 63];
            hdr[o++] = b64[v & 63];
        }
        hdr[o] = '\0';
        tap_int_eq(dec(hdr, u, p), SG17_E_LIMIT, "130-byte user name: over the cap");
        {
            char bigu[200], p4[4];
            tap_int_eq(sg17_taxii_basic_decode(hdr, bigu, sizeof bigu, p4, sizeof p4), 0,
                       "fits a larger user buffer");
            tap_ok(strlen(bigu) == 130 && strcmp(p4, "b") == 0, "130-byte user, password b");
        }
        tap_int_eq(sg17_taxii_basic_decode("Basic YTpiYmJi", u, 8, p, 4), SG17_E_LIMIT, /* a:bbbb */
                   "4-byte password into a 4-byte buffer (NUL) -> LIMIT");
    }
}

static void test_users(void)
{
    const char *conf = tap_vector_path("stix/taxii/medallion_test_config.json");
    sg17_taxii_users *us = NULL;
    char err[200], role[SG17_TAXII_ROLE_MAX];
    struct timespec t0, t1;
    double ms;

    tap_int_eq(sg17_taxii_users_load(conf, 0, &us, err, sizeof err), 0,
               "medallion_test_config.json loads (default iterations)");
    tap_int_eq((long long)sg17_taxii_users_count(us), 3, "three users");
    clock_gettime(CLOCK_MONOTONIC, &t0);
    tap_int_eq(sg17_taxii_users_check(us, "admin", "Password0", role, sizeof role), 0,
               "admin / Password0");
    clock_gettime(CLOCK_MONOTONIC, &t1);
    ms = (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
    tap_diag("one check with %d PBKDF2 iterations: %.2f ms", SG17_TAXII_PBKDF2_ITER, ms);
    tap_ok(strcmp(role, "admin") == 0, "admin -> role admin");
    tap_int_eq(sg17_taxii_users_check(us, "user1", "Password1", role, sizeof role), 0, "user1");
    tap_ok(strcmp(role, "analyst") == 0, "user1 -> role analyst (default)");
    tap_int_eq(sg17_taxii_users_check(us, "user2", "Password2", role, sizeof role), 0, "user2");
    tap_int_eq(sg17_taxii_users_check(us, "user2", "Password1", role, sizeof role), SG17_E_AUTH,
               "user2 with user1's password");
    tap_ok(role[0] == '\0', "no role on failure");
    tap_int_eq(sg17_taxii_users_check(us, "user2", "Password2 ", role, sizeof role), SG17_E_AUTH,
               "trailing space");
    tap_int_eq(sg17_taxii_users_check(us, "nobody", "Password0", role, sizeof role), SG17_E_AUTH,
               "unknown user");
    tap_int_eq(sg17_taxii_users_check(us, "user1", "", role, sizeof role), SG17_E_AUTH,
               "empty password");
    sg17_taxii_users_free(us);

#define PARSE(js) sg17_taxii_users_parse(js, strlen(js), 1, &us, err, sizeof err)
    us = NULL;
    tap_int_eq(PARSE("{\"users\":{\"admin\":\"a\",\"bob\":\"b\",\"eve\":\"c\"},"
                     "\"sg17_roles\":{\"bob\":\"reader-1\",\"admin\":\"analyst\"}}"),
               0, "sg17_roles");
    tap_ok(sg17_taxii_users_check(us, "bob", "b", role, sizeof role) == 0 &&
               strcmp(role, "reader-1") == 0,
           "bob -> reader-1");
    tap_ok(sg17_taxii_users_check(us, "admin", "a", role, sizeof role) == 0 &&
               strcmp(role, "analyst") == 0,
           "a user named admin mapped to analyst");
    tap_ok(sg17_taxii_users_check(us, "eve", "c", role, sizeof role) == 0 &&
               strcmp(role, "analyst") == 0,
           "eve -> analyst");
    sg17_taxii_users_free(us);
    us = NULL;
    tap_int_eq(PARSE("{\"users\":{}}"), 0, "no users is valid");
    tap_int_eq(sg17_taxii_users_check(us, "x", "y", role, sizeof role), SG17_E_AUTH,
               "and refuses everyone");
    sg17_taxii_users_free(us);
    us = NULL;
    tap_int_eq(PARSE("{\"backend\":{}}"), SG17_E_FORMAT, "no users object");
    tap_ok(strstr(err, "users") != NULL, "err: %s", err);
    tap_int_eq(PARSE("{\"users\":{\"a:b\":\"x\"}}"), SG17_E_FORMAT, "':' in a name");
    tap_int_eq(PARSE("{\"users\":{\"a\":\"\"}}"), SG17_E_FORMAT, "empty password");
    tap_int_eq(PARSE("{\"users\":{\"a\":1}}"), SG17_E_FORMAT, "password not a string");
    tap_int_eq(PARSE("{\"users\":{\"a\\u0001\":\"x\"}}"), SG17_E_FORMAT, "control byte in a name");
    tap_int_eq(PARSE("{\"users\":{\"a\":\"x\",\"a\":\"y\"}}"), SG17_E_FORMAT, "duplicate name");
    tap_int_eq(PARSE("{\"users\":{\"a\":\"x\"},\"sg17_roles\":{\"b\":\"admin\"}}"), SG17_E_FORMAT,
               "role for an unknown user");
    tap_int_eq(PARSE("{\"users\":{\"a\":\"x\"},\"sg17_roles\":{\"a\":\"Admin\"}}"), SG17_E_FORMAT,
               "role name with a capital");
    tap_int_eq(PARSE("{\"users\":{\"a\":\"x\"},\"sg17_roles\":[]}"), SG17_E_FORMAT,
               "sg17_roles not an object");
    tap_int_eq(PARSE("{\"users\":"), SG17_E_FORMAT, "broken JSON");
    tap_ok(us == NULL, "nothing returned on failure");
#undef PARSE
    tap_int_eq(sg17_taxii_users_load("/nonexistent/users.json", 1, &us, err, sizeof err), SG17_E_IO,
               "missing file");
}

static const char *no_query(void *ctx, const char *key)
{
    (void)ctx;
    (void)key;
    return NULL;
}

static unsigned call(sg17_taxii_server *s, const char *method, const char *path, const char *role,
                     const char *principal, int64_t now, const char *body, char *id_out)
{
    sg17_taxii_request r;
    sg17_taxii_response resp;
    unsigned st = 0;
    memset(&r, 0, sizeof r);
    r.method = method;
    r.path = path;
    r.role = role;
    r.principal = principal;
    r.content_type = SG17_TAXII_MEDIA_TYPE;
    r.body = (const uint8_t *)body;
    r.body_len = body ? strlen(body) : 0;
    r.query = no_query;
    r.now_us = now;
    if (sg17_taxii_handle(s, &r, &resp) == 0) {
        st = resp.status;
        if (id_out != NULL) {
            json_t *j = NULL;
            id_out[0] = '\0';
            if (resp.body && sg17_json_parse(resp.body, resp.body_len, NULL, &j, NULL) == 0) {
                const char *v = json_string_value(json_object_get(j, "id"));
                if (v != NULL && strlen(v) < 64)
                    memcpy(id_out, v, strlen(v) + 1);
                json_decref(j);
            }
        }
    }
    free(resp.body);
    return st;
}

static void test_status(void)
{
    const char *fix = tap_vector_path("stix/taxii/medallion_default_data.json");
    char dbpath[256], err[256], sid[64], path[200], side[300];
    sg17_taxii_server *s = NULL;
    sg17_taxii_config cfg;
    const int64_t t0 = 1700000000000000; /* a fixed clock, us */
    static const char env[] =
        "{\"objects\":[{\"type\":\"indicator\",\"spec_version\":\"2.1\","
        "\"id\":\"indicator--00000001-0000-4000-8000-000000000000\","
        "\"created\":\"2024-01-01T00:00:00.000Z\",\"modified\":\"2024-01-01T00:00:00.000Z\"}]}";

    snprintf(dbpath, sizeof dbpath, "%s/taxii_users.%d.db",
             getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp", (int)getpid());
    memset(&cfg, 0, sizeof cfg);
    cfg.db_path = dbpath;
    cfg.status_max_age_s = 60;
    tap_int_eq(sg17_taxii_server_open(&s, &cfg), 0, "open");
    tap_int_eq(sg17_taxii_load_fixture(s, fix, err, sizeof err), 0, "fixture loaded");
    tap_int_eq(call(s, "POST",
                    "/trustgroup1/collections/365fed99-08fa-fdcd-a1b3-fb247eb41d01/objects/",
                    "analyst", "user:user1", t0, env, sid),
               202, "user1 posts");
    snprintf(path, sizeof path, "/trustgroup1/status/%s/", sid);
    tap_int_eq(call(s, "GET", path, "analyst", "user:user1", t0 + 1000000, NULL, NULL), 200,
               "its creator reads the status");
    tap_int_eq(call(s, "GET", path, "analyst", "user:user2", t0 + 1000000, NULL, NULL), 404,
               "same role, another principal: 404");
    tap_int_eq(call(s, "GET", path, "analyst", "token:user1", t0 + 1000000, NULL, NULL), 404,
               "a token named like the user: another principal");
    tap_int_eq(call(s, "GET", path, "analyst", NULL, t0 + 1000000, NULL, NULL), 404,
               "no principal: 404");
    tap_int_eq(call(s, "GET", path, "admin", "token:root", t0 + 1000000, NULL, NULL), 200,
               "admin: 200");
    tap_int_eq(call(s, "GET", path, "analyst", "user:user1", t0 + 60000000, NULL, NULL), 200,
               "at exactly status_max_age_s: still there");
    tap_int_eq(call(s, "GET", path, "analyst", "user:user1", t0 + 60000001, NULL, NULL), 404,
               "1 us later: expired");
    tap_int_eq(call(s, "GET", path, "admin", "token:root", t0 + 60000001, NULL, NULL), 404,
               "expired for admin too");
    tap_int_eq(call(s, "GET", path, "analyst", "user:user1", t0 + 30000000, NULL, NULL), 200,
               "(an earlier clock still sees it: expiry is by age, not yet purged)");
    /* a later POST purges expired rows: the earlier clock no longer finds it */
    tap_int_eq(call(s, "POST",
                    "/trustgroup1/collections/365fed99-08fa-fdcd-a1b3-fb247eb41d01/objects/",
                    "analyst", "user:user2", t0 + 120000000, env, NULL),
               202, "a POST 2 minutes later");
    tap_int_eq(call(s, "GET", path, "analyst", "user:user1", t0 + 30000000, NULL, NULL), 404,
               "it purged the expired status row");
    sg17_taxii_server_close(s);
    unlink(dbpath);
    snprintf(side, sizeof side, "%s-wal", dbpath);
    unlink(side);
    snprintf(side, sizeof side, "%s-shm", dbpath);
    unlink(side);
}

int main(void)
{
    test_decode();
    test_users();
    test_status();
    return tap_done();
}
