/*
 * HTTP Basic users of the TAXII server (docs/TAXII.md "Authentication"):
 * the "users" object of a medallion-style configuration, with passwords held
 * only as PBKDF2-HMAC-SHA256 (sg17_pbkdf2 over OpenSSL's PKCS5_PBKDF2_HMAC, 16 random salt bytes
 * per user), and the decoding of the Authorization header.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "sg17/crypto.h"
#include "sg17/taxii.h"
#include "taxii_internal.h"

#define USERS_MAX      1000
#define USERS_FILE_MAX ((size_t)1 << 20)

typedef struct taxii_user {
    char name[SG17_TAXII_USER_MAX];
    char role[SG17_TAXII_ROLE_MAX];
    uint8_t salt[16];
    uint8_t hash[32];
} taxii_user;

struct sg17_taxii_users {
    unsigned iterations;
    size_t n;
    taxii_user *u;
    taxii_user dummy; /* unknown names are checked against it, for even timing */
};

/* ---- base64 (RFC 4648 sec. 4), strict ------------------------------------ */

static int b64_value(unsigned char c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == '+')
        return 62;
    if (c == '/')
        return 63;
    return -1;
}

/* Decode n characters (n % 4 == 0) into out (cap >= n / 4 * 3); *out_len. */
static int b64_decode(const char *in, size_t n, uint8_t *out, size_t *out_len)
{
    size_t o = 0;
    if (n == 0 || n % 4 != 0)
        return SG17_E_FORMAT;
    for (size_t i = 0; i < n; i += 4) {
        int v[4];
        size_t pad = 0;
        for (size_t k = 0; k < 4; k++) {
            unsigned char c = (unsigned char)in[i + k];
            if (c == '=' && i + 4 == n && k >= 2) {
                v[k] = 0;
                pad++;
                continue;
            }
            if (pad != 0 || (v[k] = b64_value(c)) < 0)
                return SG17_E_FORMAT;
        }
        out[o++] = (uint8_t)((v[0] << 2) | (v[1] >> 4));
        if (pad < 2)
            out[o++] = (uint8_t)(((v[1] & 15) << 4) | (v[2] >> 2));
        else if ((v[1] & 15) != 0)
            return SG17_E_FORMAT; /* non-zero unused bits: not canonical */
        if (pad < 1)
            out[o++] = (uint8_t)(((v[2] & 3) << 6) | v[3]);
        else if (pad == 1 && (v[2] & 3) != 0)
            return SG17_E_FORMAT;
    }
    *out_len = o;
    return 0;
}

static int has_ctl(const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i] < 0x20 || p[i] == 0x7f)
            return 1;
    return 0;
}

int sg17_taxii_basic_decode(const char *authorization, char *user, size_t user_cap, char *pass,
                            size_t pass_cap)
{
    uint8_t buf[SG17_TAXII_BASIC_MAX / 4 * 3];
    const char *p, *tok;
    size_t n = 0, len = 0, colon;
    int rc = SG17_E_FORMAT;

    if (user == NULL || pass == NULL || user_cap == 0 || pass_cap == 0)
        return SG17_E_INVAL;
    user[0] = pass[0] = '\0';
    if (authorization == NULL || strncasecmp(authorization, "Basic", 5) != 0 ||
        authorization[5] != ' ')
        return SG17_E_FORMAT;
    p = authorization + 5;
    while (*p == ' ')
        p++;
    tok = p;
    while (tok[n] != '\0' && tok[n] != ' ') {
        if (++n > SG17_TAXII_BASIC_MAX)
            return SG17_E_LIMIT;
    }
    for (p = tok + n; *p == ' '; p++)
        ;
    if (*p != '\0')
        return SG17_E_FORMAT;
    if (b64_decode(tok, n, buf, &len) != 0)
        goto out;
    for (colon = 0; colon < len && buf[colon] != ':'; colon++)
        ;
    if (colon == len || colon == 0 || has_ctl(buf, len))
        goto out;
    if (colon >= user_cap || len - colon - 1 >= pass_cap) {
        rc = SG17_E_LIMIT;
        goto out;
    }
    memcpy(user, buf, colon);
    user[colon] = '\0';
    memcpy(pass, buf + colon + 1, len - colon - 1);
    pass[len - colon - 1] = '\0';
    rc = 0;
out:
    sg17_memzero(buf, sizeof buf);
    return rc;
}

/* All ones when a < b (both below 2^31), else 0: no branch on the value. */
static unsigned lt_mask(unsigned a, unsigned b)
{
    return 0u - ((a - b) >> 31);
}

/* The base64 character of x (0..63) by arithmetic, not a table lookup: the
 * bytes are a password's. */
static char b64_char(unsigned x)
{
    unsigned lo = lt_mask(x, 26), mid = lt_mask(x, 52), dig = lt_mask(x, 62), p = lt_mask(x, 63);
    unsigned c = ((x + 'A') & lo) | ((x + 'a' - 26) & ~lo & mid) | ((x - 52 + '0') & ~mid & dig) |
                 ('+' & ~dig & p) | ('/' & ~p);
    return (char)c;
}

int sg17_taxii_basic_encode(const char *user, const char *pass, char *out, size_t out_cap)
{
    uint8_t buf[SG17_TAXII_USER_MAX + SG17_TAXII_PASS_MAX];
    size_t ul, pl, n, o = 6;

    if (out == NULL || out_cap == 0)
        return SG17_E_INVAL;
    out[0] = '\0';
    if (user == NULL || pass == NULL)
        return SG17_E_INVAL;
    ul = strnlen(user, SG17_TAXII_USER_MAX);
    pl = strnlen(pass, SG17_TAXII_PASS_MAX);
    if (ul == SG17_TAXII_USER_MAX || pl == SG17_TAXII_PASS_MAX)
        return SG17_E_LIMIT;
    /* RFC 7617 sec. 2: the user-id cannot contain ':'; no control bytes either */
    if (ul == 0 || memchr(user, ':', ul) != NULL || has_ctl((const uint8_t *)user, ul) ||
        has_ctl((const uint8_t *)pass, pl))
        return SG17_E_FORMAT;
    n = ul + 1 + pl;
    if (out_cap < 6 + (n + 2) / 3 * 4 + 1)
        return SG17_E_LIMIT;
    memcpy(buf, user, ul);
    buf[ul] = ':';
    memcpy(buf + ul + 1, pass, pl);
    memcpy(out, "Basic ", 6);
    for (size_t i = 0; i < n; i += 3) {
        uint32_t v = (uint32_t)buf[i] << 16;
        if (i + 1 < n)
            v |= (uint32_t)buf[i + 1] << 8;
        if (i + 2 < n)
            v |= buf[i + 2];
        out[o++] = b64_char((v >> 18) & 63);
        out[o++] = b64_char((v >> 12) & 63);
        out[o++] = i + 1 < n ? b64_char((v >> 6) & 63) : '=';
        out[o++] = i + 2 < n ? b64_char(v & 63) : '=';
    }
    out[o] = '\0';
    sg17_memzero(buf, sizeof buf);
    return 0;
}

/* ---- the users file --------------------------------------------------------- */

static int pbkdf2(const uint8_t salt[16], const char *pass, size_t pass_len, unsigned iterations,
                  uint8_t out[32])
{
    if (pass_len > (size_t)SG17_TAXII_PASS_MAX || iterations > 100000000u)
        return SG17_E_INVAL;
    return sg17_pbkdf2(SG17_HASH_SHA256, (const uint8_t *)pass, pass_len, salt, 16, iterations, out,
                       32);
}

static int name_ok(const char *s, size_t n)
{
    if (n == 0 || n >= SG17_TAXII_USER_MAX || memchr(s, ':', n) != NULL)
        return 0;
    return !has_ctl((const uint8_t *)s, n);
}

/* Overwrite a jansson string's characters before it is freed. */
static void wipe_json_string(json_t *v)
{
    if (json_is_string(v))
        sg17_memzero((void *)(uintptr_t)json_string_value(v), json_string_length(v));
}

static void wipe_json_users(json_t *root)
{
    const char *k;
    json_t *v;
    json_object_foreach(json_object_get(root, "users"), k, v) wipe_json_string(v);
}

static int fill_user(sg17_taxii_users *us, taxii_user *t, const char *name, json_t *pw,
                     json_t *roles, char *err, size_t err_len)
{
    const char *role;
    json_t *r = json_object_get(roles, name);
    int rc;
    if (!name_ok(name, strlen(name))) {
        snprintf(err, err_len, "users: a name must be 1..%d bytes without ':' or control bytes",
                 SG17_TAXII_USER_MAX - 1);
        return SG17_E_FORMAT;
    }
    if (!json_is_string(pw) || json_string_length(pw) == 0 ||
        json_string_length(pw) >= SG17_TAXII_PASS_MAX) {
        snprintf(err, err_len, "users.%.64s: the password must be a string of 1..%d bytes", name,
                 SG17_TAXII_PASS_MAX - 1);
        return SG17_E_FORMAT;
    }
    if (r != NULL && (!json_is_string(r) || !taxii_role_ok(json_string_value(r)))) {
        snprintf(err, err_len, "sg17_roles.%.64s: a role is [a-z0-9_-]{1,32}", name);
        return SG17_E_FORMAT;
    }
    role = r != NULL ? json_string_value(r) : strcmp(name, "admin") == 0 ? "admin" : "analyst";
    snprintf(t->name, sizeof t->name, "%s", name);
    snprintf(t->role, sizeof t->role, "%s", role);
    if (sg17_randombytes(t->salt, sizeof t->salt) != 0)
        return SG17_E_RNG;
    rc = pbkdf2(t->salt, json_string_value(pw), json_string_length(pw), us->iterations, t->hash);
    if (rc != 0)
        snprintf(err, err_len, "PBKDF2 failed");
    return rc;
}

int sg17_taxii_users_parse(const char *json, size_t len, unsigned iterations,
                           sg17_taxii_users **out, char *err, size_t err_len)
{
    json_error_t je;
    json_t *root, *users, *roles, *v;
    sg17_taxii_users *us = NULL;
    const char *k;
    int rc = 0;

    if (json == NULL || out == NULL || err == NULL || err_len == 0)
        return SG17_E_INVAL;
    *out = NULL;
    err[0] = '\0';
    if (len > USERS_FILE_MAX) {
        snprintf(err, err_len, "the users file is larger than 1 MiB");
        return SG17_E_LIMIT;
    }
    root = json_loadb(json, len, JSON_REJECT_DUPLICATES, &je);
    if (root == NULL) {
        snprintf(err, err_len, "line %d: %s", je.line, je.text);
        return SG17_E_FORMAT;
    }
    users = json_object_get(root, "users");
    roles = json_object_get(root, "sg17_roles");
    if (!json_is_object(root) || !json_is_object(users)) {
        snprintf(err, err_len, "no \"users\" object");
        rc = SG17_E_FORMAT;
    } else if (roles != NULL && !json_is_object(roles)) {
        snprintf(err, err_len, "\"sg17_roles\" must be an object");
        rc = SG17_E_FORMAT;
    } else if (json_object_size(users) > USERS_MAX) {
        snprintf(err, err_len, "more than %d users", USERS_MAX);
        rc = SG17_E_LIMIT;
    } else if ((us = calloc(1, sizeof *us)) == NULL ||
               (json_object_size(users) > 0 &&
                (us->u = calloc(json_object_size(users), sizeof *us->u)) == NULL)) {
        rc = SG17_E_NOMEM;
    }
    json_object_foreach(roles, k, v)
    {
        if (rc == 0 && json_object_get(users, k) == NULL) {
            snprintf(err, err_len, "sg17_roles.%.64s: no such user", k);
            rc = SG17_E_FORMAT;
        }
    }
    if (rc == 0) {
        us->iterations = iterations ? iterations : SG17_TAXII_PBKDF2_ITER;
        json_object_foreach(users, k, v)
        {
            if (rc != 0)
                break;
            rc = fill_user(us, &us->u[us->n], k, v, roles, err, err_len);
            if (rc == 0)
                us->n++;
        }
    }
    if (rc == 0) {
        /* the dummy: a random salt and hash no password is expected to meet */
        if (sg17_randombytes(us->dummy.salt, sizeof us->dummy.salt) != 0 ||
            sg17_randombytes(us->dummy.hash, sizeof us->dummy.hash) != 0)
            rc = SG17_E_RNG;
    }
    wipe_json_users(root);
    json_decref(root);
    if (rc != 0) {
        if (err[0] == '\0')
            snprintf(err, err_len, "%s", sg17_strerror(rc));
        sg17_taxii_users_free(us);
        return rc;
    }
    *out = us;
    return 0;
}

int sg17_taxii_users_load(const char *path, unsigned iterations, sg17_taxii_users **out, char *err,
                          size_t err_len)
{
    FILE *f;
    char *buf;
    size_t n;
    int rc;

    if (path == NULL || out == NULL || err == NULL || err_len == 0)
        return SG17_E_INVAL;
    *out = NULL;
    if ((f = fopen(path, "rb")) == NULL) {
        snprintf(err, err_len, "cannot open %s", path);
        return SG17_E_IO;
    }
    if ((buf = malloc(USERS_FILE_MAX + 1)) == NULL) {
        fclose(f);
        return SG17_E_NOMEM;
    }
    n = fread(buf, 1, USERS_FILE_MAX + 1, f);
    if (ferror(f)) {
        snprintf(err, err_len, "cannot read %s", path);
        rc = SG17_E_IO;
    } else {
        rc = sg17_taxii_users_parse(buf, n, iterations, out, err, err_len);
    }
    fclose(f);
    sg17_memzero(buf, n);
    free(buf);
    return rc;
}

void sg17_taxii_users_free(sg17_taxii_users *u)
{
    if (u == NULL)
        return;
    if (u->u != NULL)
        sg17_memzero(u->u, u->n * sizeof *u->u);
    free(u->u);
    sg17_memzero(u, sizeof *u);
    free(u);
}

size_t sg17_taxii_users_count(const sg17_taxii_users *u)
{
    return u ? u->n : 0;
}

int sg17_taxii_users_check(const sg17_taxii_users *u, const char *user, const char *pass,
                           char *role, size_t role_cap)
{
    const taxii_user *t = NULL;
    uint8_t h[32];
    size_t plen;
    int rc, eq;

    if (u == NULL || user == NULL || pass == NULL || role == NULL || role_cap == 0)
        return SG17_E_INVAL;
    role[0] = '\0';
    plen = strnlen(pass, SG17_TAXII_PASS_MAX);
    if (plen >= SG17_TAXII_PASS_MAX)
        return SG17_E_AUTH;
    for (size_t i = 0; i < u->n && t == NULL; i++)
        if (strcmp(u->u[i].name, user) == 0)
            t = &u->u[i];
    rc = pbkdf2(t ? t->salt : u->dummy.salt, pass, plen, u->iterations, h);
    if (rc != 0)
        return rc;
    eq = sg17_ct_memeq(h, t ? t->hash : u->dummy.hash, sizeof h);
    sg17_memzero(h, sizeof h);
    if (!eq || t == NULL)
        return SG17_E_AUTH;
    snprintf(role, role_cap, "%s", t->role);
    return 0;
}
