/*
 * libFuzzer harness for HTTP Basic credentials of the TAXII server: an
 * input starting with '{' is a users document (sg17_taxii_users_parse with 1
 * PBKDF2 iteration; a parsed set then checks admin/Password0, which must be
 * refused with no role or accepted with a valid one); anything else is an
 * Authorization header value (sg17_taxii_basic_decode). Oracles: results
 * are 0 or FORMAT/LIMIT with a reason; a
 * decoded user is non-empty, under its cap, free of ':' and control bytes;
 * the password is under its cap and free of control bytes; and re-encoding
 * "user:password" in base64 gives back the input's token exactly (the
 * decoder accepts only canonical base64).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sg17/taxii.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static size_t b64_encode(const uint8_t *in, size_t n, char *out)
{
    size_t o = 0;
    for (size_t i = 0; i < n; i += 3) {
        uint32_t v = (uint32_t)in[i] << 16;
        if (i + 1 < n)
            v |= (uint32_t)in[i + 1] << 8;
        if (i + 2 < n)
            v |= in[i + 2];
        out[o++] = b64[(v >> 18) & 63];
        out[o++] = b64[(v >> 12) & 63];
        out[o++] = i + 1 < n ? b64[(v >> 6) & 63] : '=';
        out[o++] = i + 2 < n ? b64[v & 63] : '=';
    }
    out[o] = '\0';
    return o;
}

static int has_ctl(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 || *s == 0x7f)
            return 1;
    return 0;
}

static void check_users(const char *s, size_t n)
{
    sg17_taxii_users *us = NULL;
    char err[200], role[SG17_TAXII_ROLE_MAX];
    int rc = sg17_taxii_users_parse(s, n, 1, &us, err, sizeof err);
    if (rc != 0) {
        if (us != NULL || (rc != SG17_E_FORMAT && rc != SG17_E_LIMIT && rc != SG17_E_NOMEM))
            abort();
        if (err[0] == '\0')
            abort();
        return;
    }
    rc = sg17_taxii_users_check(us, "admin", "Password0", role, sizeof role);
    if (rc == 0 && (role[0] == '\0' || strlen(role) >= SG17_TAXII_ROLE_MAX))
        abort();
    if (rc != 0 && (rc != SG17_E_AUTH || role[0] != '\0'))
        abort();
    sg17_taxii_users_free(us);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s, user[SG17_TAXII_USER_MAX], pass[SG17_TAXII_PASS_MAX];
    uint8_t joined[SG17_TAXII_USER_MAX + SG17_TAXII_PASS_MAX];
    char enc[(sizeof joined + 2) / 3 * 4 + 1];
    const char *tok;
    size_t ul, pl, el;
    int rc;

    if (size > 4096)
        return 0;
    s = malloc(size + 1);
    if (s == NULL)
        return 0;
    memcpy(s, data, size);
    s[size] = '\0';
    if (size > 0 && s[0] == '{') {
        check_users(s, size);
        free(s);
        return 0;
    }
    rc = sg17_taxii_basic_decode(s, user, sizeof user, pass, sizeof pass);
    if (rc != 0) {
        if ((rc != SG17_E_FORMAT && rc != SG17_E_LIMIT) || user[0] != '\0' || pass[0] != '\0')
            abort();
        free(s);
        return 0;
    }
    ul = strlen(user);
    pl = strlen(pass);
    if (ul == 0 || ul >= sizeof user || pl >= sizeof pass || strchr(user, ':') != NULL ||
        has_ctl(user) || has_ctl(pass))
        abort();
    memcpy(joined, user, ul);
    joined[ul] = ':';
    memcpy(joined + ul + 1, pass, pl);
    el = b64_encode(joined, ul + 1 + pl, enc);
    /* the token: after "Basic" and spaces, up to the first space or the end */
    tok = s + 5;
    while (*tok == ' ')
        tok++;
    if (strncmp(tok, enc, el) != 0 || (tok[el] != '\0' && tok[el] != ' '))
        abort();
    free(s);
    return 0;
}
