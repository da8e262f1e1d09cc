/*
 * SUCI home network key files (docs/SUCI.md "Key files"): a small text
 * format, one "name: value" per line in a fixed order:
 *
 *   sg17-suci-key-1
 *   scheme: A | B | mlkem768 | xwing
 *   key-id: 1..255
 *   public: <hex>
 *   private: <hex>        (private key file only; written 0600)
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "sg17/file.h"
#include "suci_internal.h"
#include "hex_internal.h"

#define KEYFILE_MAGIC "sg17-suci-key-1"
#define KEYFILE_MAX   8192

static size_t put(char *buf, size_t at, size_t cap, const char *s)
{
    size_t n = strlen(s);
    if (at + n < cap) {
        memcpy(buf + at, s, n);
        buf[at + n] = '\0';
    }
    return at + n;
}

static size_t put_hex(char *buf, size_t at, size_t cap, const uint8_t *p, size_t n)
{
    static const char dig[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        if (at + 2 < cap) {
            buf[at] = dig[p[i] >> 4];
            buf[at + 1] = dig[p[i] & 15];
        }
        at += 2;
    }
    return at;
}

static size_t render(const sg17_suci_key *k, int with_priv, char *buf, size_t cap)
{
    char id[8];
    size_t n = 0;
    unsigned v = k->key_id;
    id[0] = (char)('0' + v / 100u);
    id[1] = (char)('0' + v / 10u % 10u);
    id[2] = (char)('0' + v % 10u);
    id[3] = '\0';
    const char *ids = v >= 100 ? id : v >= 10 ? id + 1 : id + 2;
    n = put(buf, n, cap, KEYFILE_MAGIC "\nscheme: ");
    n = put(buf, n, cap, sg17_suci_scheme_name(k->scheme));
    n = put(buf, n, cap, "\nkey-id: ");
    n = put(buf, n, cap, ids);
    n = put(buf, n, cap, "\npublic: ");
    n = put_hex(buf, n, cap, k->pub, k->pub_len);
    if (with_priv) {
        n = put(buf, n, cap, "\nprivate: ");
        n = put_hex(buf, n, cap, k->priv, k->priv_len);
    }
    n = put(buf, n, cap, "\n");
    return n;
}

static int exists(const char *path)
{
    struct stat st;
    return lstat(path, &st) == 0 || errno != ENOENT;
}

int sg17_suci_key_save(const sg17_suci_key *key, const char *path)
{
    char buf[KEYFILE_MAX], *pub_path = NULL;
    size_t n;
    int rc;
    if (!key || !path || !*path)
        return SG17_E_INVAL;
    if (!key->has_priv) {
        if (exists(path))
            return SG17_E_EXISTS;
        n = render(key, 0, buf, sizeof buf);
        return n >= sizeof buf ? SG17_E_LIMIT : sg17_file_write_atomic(path, buf, n, 0644);
    }
    size_t pl = strlen(path);
    pub_path = malloc(pl + 5);
    if (!pub_path)
        return SG17_E_NOMEM;
    memcpy(pub_path, path, pl);
    memcpy(pub_path + pl, ".pub", 5);
    if (exists(path) || exists(pub_path)) {
        rc = SG17_E_EXISTS;
        goto done;
    }
    n = render(key, 1, buf, sizeof buf);
    rc = n >= sizeof buf ? SG17_E_LIMIT : sg17_file_write_atomic(path, buf, n, 0600);
    if (rc == 0) {
        n = render(key, 0, buf, sizeof buf);
        rc = sg17_file_write_atomic(pub_path, buf, n, 0644);
    }
done:
    sg17_memzero(buf, sizeof buf);
    free(pub_path);
    return rc;
}

/* Next line of the form "<name>: <value>"; *p advances past the '\n'. */
static int line(char **p, char *end, const char *name, char **val, size_t *len)
{
    size_t nl = strlen(name);
    char *e = memchr(*p, '\n', (size_t)(end - *p));
    if (!e || (size_t)(e - *p) < nl + 2 || memcmp(*p, name, nl) != 0 || (*p)[nl] != ':' ||
        (*p)[nl + 1] != ' ')
        return SG17_E_FORMAT;
    *val = *p + nl + 2;
    *len = (size_t)(e - *val);
    *e = '\0';
    *p = e + 1;
    return 0;
}

static int unhex(const char *s, size_t n, uint8_t *out, size_t want)
{
    if (n != 2 * want)
        return SG17_E_FORMAT;
    for (size_t i = 0; i < want; i++) {
        int h = sg17_hexval(s[2 * i]), l = sg17_hexval(s[2 * i + 1]);
        if (h < 0 || l < 0)
            return SG17_E_FORMAT;
        out[i] = (uint8_t)(h << 4 | l);
    }
    return 0;
}

static int parse_keyfile(char *t, size_t len, sg17_suci_key **out)
{
    uint8_t pub[SUCI_MAX_PUB], priv[SUCI_MAX_PRIV];
    char *p = t, *end = t + len, *v;
    size_t vl, ml = sizeof KEYFILE_MAGIC - 1;
    unsigned scheme = 0, id = 0;
    int rc = SG17_E_FORMAT;
    if (len < ml + 1 || memcmp(t, KEYFILE_MAGIC "\n", ml + 1) != 0)
        return SG17_E_FORMAT;
    p += ml + 1;
    if (line(&p, end, "scheme", &v, &vl) || sg17_suci_scheme_from_name(v, &scheme) ||
        scheme == SG17_SUCI_SCHEME_NULL)
        return SG17_E_FORMAT;
    if (line(&p, end, "key-id", &v, &vl) || vl == 0 || vl > 3 || (vl > 1 && v[0] == '0'))
        return SG17_E_FORMAT;
    for (size_t i = 0; i < vl; i++) {
        if (v[i] < '0' || v[i] > '9')
            return SG17_E_FORMAT;
        id = id * 10u + (unsigned)(v[i] - '0');
    }
    size_t pub_n = sg17_suci_public_key_bytes(scheme), priv_n = sg17_suci_private_key_bytes(scheme);
    if (id < 1 || id > 255 || line(&p, end, "public", &v, &vl) || unhex(v, vl, pub, pub_n))
        return SG17_E_FORMAT;
    if (p == end)
        return sg17_suci_key_import_public(scheme, id, pub, pub_n, out);
    if (line(&p, end, "private", &v, &vl) || p != end || unhex(v, vl, priv, priv_n))
        goto done;
    rc = sg17_suci_key_import(scheme, id, priv, priv_n, out);
    if (rc == 0 && ((*out)->pub_len != pub_n || memcmp((*out)->pub, pub, pub_n) != 0)) {
        /* The stored public key does not belong to the private key. */
        sg17_suci_key_free(*out);
        *out = NULL;
        rc = SG17_E_FORMAT;
    }
done:
    sg17_memzero(priv, sizeof priv);
    return rc;
}

int sg17_suci_key_load(const char *path, sg17_suci_key **out)
{
    uint8_t *buf = NULL;
    size_t len = 0;
    if (!path || !out)
        return SG17_E_INVAL;
    *out = NULL;
    int rc = sg17_file_read(path, &buf, &len, KEYFILE_MAX);
    if (rc == SG17_E_LIMIT)
        rc = SG17_E_FORMAT;
    if (rc)
        return rc;
    rc = parse_keyfile((char *)buf, len, out);
    sg17_memzero(buf, len);
    free(buf);
    return rc;
}
