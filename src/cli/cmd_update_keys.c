/*
 * sg17 update manifest: key files ([TYPE:]PATH - PEM / sg17 key files, hex
 * HMAC keys and KEKs, raw public keys typed by length; docs/SUIT.md), hex text
 * and UUIDs on the command line and in manifest descriptions.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "cmd_update.h"
#include "sg17/crypto.h"
#include "sg17/file.h"

static int hexval(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c = tolower(c);
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

static int is_space(int c)
{
    return isspace(c) != 0;
}

static int is_dash(int c)
{
    return c == '-';
}

/* Hex digit pairs of s[0..n) into out (room for cap bytes), passing over the
 * characters skip() accepts; *k the bytes written. 0, or -1 on a non-hex
 * character, an odd number of digits or more than cap bytes. */
static int hex_pairs(const char *s, size_t n, int (*skip)(int), uint8_t *out, size_t cap,
                     size_t *k)
{
    int hi = -1;
    *k = 0;
    for (size_t i = 0; i < n; i++) {
        int ch = (unsigned char)s[i];
        if (skip(ch))
            continue;
        int v = hexval(ch);
        if (v < 0 || *k >= cap)
            return -1;
        if (hi < 0) {
            hi = v;
        } else {
            out[(*k)++] = (uint8_t)(hi << 4 | v);
            hi = -1;
        }
    }
    return hi < 0 ? 0 : -1;
}

int update_hex_decode(const char *s, size_t n, uint8_t **out, size_t *out_len)
{
    size_t cap = n / 2 + 1, k = 0;
    uint8_t *b = malloc(cap);
    if (b == NULL)
        return -1;
    if (hex_pairs(s, n, is_space, b, cap, &k) != 0 || k == 0) {
        sg17_memzero(b, cap); /* it may hold part of a key */
        free(b);
        return -1;
    }
    *out = b;
    *out_len = k;
    return 0;
}

int update_parse_uuid(const char *s, uint8_t out[16])
{
    size_t k = 0;
    return hex_pairs(s, strlen(s), is_dash, out, 16, &k) == 0 && k == 16 ? 0 : -1;
}

void update_key_free(update_key *k)
{
    if (k->raw != NULL)
        sg17_memzero(k->raw, k->raw_len);
    free(k->raw);
    sg17_pqc_key_free(k->pqc);
    memset(k, 0, sizeof *k);
}

static sg17_cose_key_type type_of_raw_len(size_t n)
{
    switch (n) {
    case 65: return SG17_COSE_KEY_P256;
    case 1312: return SG17_COSE_KEY_MLDSA44;
    case 1952: return SG17_COSE_KEY_MLDSA65;
    case 2592: return SG17_COSE_KEY_MLDSA87;
    case 60: return SG17_COSE_KEY_HSS; /* u32 L || LMS key with m = 32 */
    case 52: return SG17_COSE_KEY_HSS; /* m = 24 */
    default: return SG17_COSE_KEY_NONE;
    }
}

static int is_hex_text(const uint8_t *p, size_t n)
{
    size_t digits = 0;
    for (size_t i = 0; i < n; i++) {
        if (isspace(p[i]))
            continue;
        if (hexval(p[i]) < 0)
            return 0;
        digits++;
    }
    return digits > 0 && digits % 2 == 0;
}

/*
 * Load SPEC = [TYPE:]PATH. PEM / sg17 key files go through sg17_pqc_key_load;
 * a hex text file is an HMAC key (or KEK); a raw binary file is typed by its
 * length. 32-byte raw keys need a prefix (ed25519: or hmac:).
 */
int update_key_load(const char *spec, update_key *k)
{
    static const char *const prefixes[] = {"hmac", "p256", "ed25519", "hss", "ml-dsa-44",
                                           "ml-dsa-65", "ml-dsa-87"};
    const char *path = spec, *forced = NULL;
    uint8_t *file = NULL;
    size_t len = 0;
    memset(k, 0, sizeof *k);
    for (size_t i = 0; i < sizeof prefixes / sizeof prefixes[0]; i++) {
        size_t pl = strlen(prefixes[i]);
        if (strncmp(spec, prefixes[i], pl) == 0 && spec[pl] == ':') {
            forced = prefixes[i];
            path = spec + pl + 1;
        }
    }
    int rc = sg17_file_read(path, &file, &len, UPDATE_MAX_KEYFILE);
    if (rc != 0) {
        fprintf(stderr, "sg17 update: key %s: %s\n", path, sg17_strerror(rc));
        return CLI_FAIL;
    }
    if (forced == NULL || strcmp(forced, "hmac") != 0) {
        if (sg17_pqc_key_load(path, &k->pqc) == 0) {
            size_t pl = 0;
            const uint8_t *pk = sg17_pqc_key_public(k->pqc, &pl);
            k->pqc_alg = sg17_pqc_key_alg(k->pqc);
            k->cose = (sg17_cose_key){sg17_cose_key_type_from_name(k->pqc_alg), pk, pl};
            free(file);
            return CLI_OK;
        }
    }
    if ((forced != NULL && strcmp(forced, "hmac") == 0) ||
        (forced == NULL && is_hex_text(file, len))) {
        if (is_hex_text(file, len)) {
            if (update_hex_decode((const char *)file, len, &k->raw, &k->raw_len) != 0)
                goto bad;
            sg17_memzero(file, len);
            free(file);
        } else {
            k->raw = file;
            k->raw_len = len;
        }
        file = NULL;
        if (k->raw_len < 16) {
            fprintf(stderr, "sg17 update: key %s: an HMAC key needs at least 16 bytes\n", path);
            update_key_free(k);
            return CLI_FAIL;
        }
        k->cose = (sg17_cose_key){SG17_COSE_KEY_HMAC, k->raw, k->raw_len};
        k->pqc_alg = "hmac";
        return CLI_OK;
    }
    k->raw = file;
    k->raw_len = len;
    file = NULL;
    sg17_cose_key_type t = forced ? sg17_cose_key_type_from_name(forced) : type_of_raw_len(len);
    if (forced != NULL && strcmp(forced, "hss") == 0)
        t = SG17_COSE_KEY_HSS;
    if (t == SG17_COSE_KEY_NONE) {
        fprintf(stderr,
                "sg17 update: key %s: cannot tell the key type of %zu raw bytes; prefix it with "
                "ed25519:, p256:, hss:, ml-dsa-65: or hmac:\n",
                path, len);
        update_key_free(k);
        return CLI_FAIL;
    }
    k->cose = (sg17_cose_key){t, k->raw, k->raw_len};
    k->pqc_alg = sg17_cose_key_type_name(t);
    return CLI_OK;
bad:
    fprintf(stderr, "sg17 update: key %s: unreadable\n", path);
    free(file);
    update_key_free(k);
    return CLI_FAIL;
}

