/*
 * sg17 update manifest create|sign|sever|encrypt|show|verify - author and
 * check SUIT manifests (X.1368 secure firmware update; draft-ietf-suit-
 * manifest-37, draft-ietf-suit-firmware-encryption). docs/SUIT.md documents
 * the description format, key files and the exit codes: 0 authentic and
 * applicable, 1 not (reason on stderr), 2 usage, 3 operational failure.
 */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "sg17/cbor.h"
#include "sg17/crypto.h"
#include "sg17/file.h"
#include "sg17/json.h"
#include "sg17/mlkem.h"
#include "sg17/pqc.h"
#include "sg17/suit.h"

#define MAX_KEYS 8
#define MAX_IMAGE ((size_t)64 * 1024 * 1024)
#define MAX_KEYFILE ((size_t)1 << 20)

static void update_usage(FILE *f)
{
    fprintf(f,
            "usage: sg17 update manifest COMMAND ...\n"
            "  create DESCRIPTION.json -o M.suit       build an unsigned envelope (docs/SUIT.md)\n"
            "  sign --key KEY [--key KEY2 ...] [-o OUT] M.suit\n"
            "                                           add COSE_Sign1/COSE_Mac0 blocks: P-256 (ES256),\n"
            "                                           Ed25519 (EdDSA), ML-DSA-44/65/87, HSS-LMS key\n"
            "                                           files, or hmac:FILE (HMAC 256/256)\n"
            "  sever [--strip] [-o OUT] M.suit         move install/text out of the manifest (re-sign),\n"
            "                                           or --strip the severed elements (signatures stay)\n"
            "  encrypt --recipient PUB --image FW --image-out FW.enc [--component N] [--ctr]\n"
            "          [--kid KID] [-o OUT] M.suit     A128KW (hex KEK file), ECDH-ES+A128KW (P-256\n"
            "                                           PEM) or ML-KEM-768 (PEM) recipient (re-sign)\n"
            "  show [--json] M.suit\n"
            "  verify --trust-anchor PUB [--trust-anchor PUB2 ...] [--policy any|all]\n"
            "         [--require-pq] [--vendor-id UUID] [--class-id UUID] [--last-sequence N]\n"
            "         [--image FILE ...] M.suit        exit 0 authentic and applicable, 1 not;\n"
            "                                           --image per component, in manifest order\n"
            "Key prefixes: hmac:, p256:, ed25519:, hss:, ml-dsa-44:, ml-dsa-65:, ml-dsa-87:\n");
}

/* ---- helpers ------------------------------------------------------------ */

static int hexval(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c = tolower(c);
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* Decode hex text (whitespace ignored); 0 or -1. */
static int hex_decode(const char *s, size_t n, uint8_t **out, size_t *out_len)
{
    uint8_t *b = malloc(n / 2 + 1);
    size_t k = 0;
    int hi = -1;
    if (b == NULL)
        return -1;
    for (size_t i = 0; i < n; i++) {
        if (isspace((unsigned char)s[i]))
            continue;
        int v = hexval((unsigned char)s[i]);
        if (v < 0) {
            free(b);
            return -1;
        }
        if (hi < 0) {
            hi = v;
        } else {
            b[k++] = (uint8_t)(hi << 4 | v);
            hi = -1;
        }
    }
    if (hi >= 0 || k == 0) {
        free(b);
        return -1;
    }
    *out = b;
    *out_len = k;
    return 0;
}

/* UUID "xxxxxxxx-xxxx-..." or 32 hex digits into 16 bytes. */
static int parse_uuid(const char *s, uint8_t out[16])
{
    size_t k = 0;
    int hi = -1;
    for (; *s; s++) {
        if (*s == '-')
            continue;
        int v = hexval((unsigned char)*s);
        if (v < 0 || k >= 16)
            return -1;
        if (hi < 0) {
            hi = v;
        } else {
            out[k++] = (uint8_t)(hi << 4 | v);
            hi = -1;
        }
    }
    return k == 16 && hi < 0 ? 0 : -1;
}

static int write_out(const char *path, const sg17_buf *b)
{
    int rc = sg17_file_write_atomic(path, b->data, b->len, 0644);
    if (rc != 0)
        fprintf(stderr, "sg17 update: %s: cannot write (%s)\n", path, sg17_strerror(rc));
    return rc == 0 ? CLI_OK : CLI_FAIL;
}

static int load_envelope(const char *path, uint8_t **buf, size_t *len, sg17_suit_envelope **env)
{
    char why[SG17_SUIT_WHY_BYTES] = "";
    if (cli_read_input(path, SG17_SUIT_MAX_ENVELOPE_BYTES, buf, len) != 0)
        return CLI_FAIL;
    int rc = sg17_suit_decode(*buf, *len, env, why, sizeof why);
    if (rc != 0) {
        fprintf(stderr, "sg17 update: %s: not a SUIT envelope: %s\n", path, why);
        free(*buf);
        *buf = NULL;
        return CLI_NEGATIVE;
    }
    return CLI_OK;
}

/* A key given on the command line: verification anchor, signing key, or
 * encryption recipient. Owns its bytes. */
typedef struct cli_key {
    sg17_cose_key cose;    /* verification view */
    uint8_t *raw;          /* owned bytes behind cose.key / hmac secret */
    size_t raw_len;
    sg17_pqc_key *pqc;     /* PEM / key-file keys (signing, recipients) */
    const char *pqc_alg;
} cli_key;

static void cli_key_free(cli_key *k)
{
    if (k->raw != NULL)
        sg17_memzero(k->raw, k->raw_len);
    free(k->raw);
    sg17_pqc_key_free(k->pqc);
    memset(k, 0, sizeof *k);
}

static sg17_cose_key_type type_of_alg(const char *alg)
{
    if (strcmp(alg, "p256") == 0)
        return SG17_COSE_KEY_P256;
    if (strcmp(alg, "ed25519") == 0)
        return SG17_COSE_KEY_ED25519;
    if (strcmp(alg, "ml-dsa-44") == 0)
        return SG17_COSE_KEY_MLDSA44;
    if (strcmp(alg, "ml-dsa-65") == 0)
        return SG17_COSE_KEY_MLDSA65;
    if (strcmp(alg, "ml-dsa-87") == 0)
        return SG17_COSE_KEY_MLDSA87;
    if (strncmp(alg, "hss-", 4) == 0 || strncmp(alg, "lms-", 4) == 0)
        return SG17_COSE_KEY_HSS;
    if (strcmp(alg, "hmac") == 0)
        return SG17_COSE_KEY_HMAC;
    return SG17_COSE_KEY_NONE;
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
static int load_key(const char *spec, cli_key *k)
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
    int rc = sg17_file_read(path, &file, &len, MAX_KEYFILE);
    if (rc != 0) {
        fprintf(stderr, "sg17 update: key %s: %s\n", path, sg17_strerror(rc));
        return CLI_FAIL;
    }
    if (forced == NULL || strcmp(forced, "hmac") != 0) {
        if (sg17_pqc_key_load(path, &k->pqc) == 0) {
            size_t pl = 0;
            const uint8_t *pk = sg17_pqc_key_public(k->pqc, &pl);
            k->pqc_alg = sg17_pqc_key_alg(k->pqc);
            k->cose = (sg17_cose_key){type_of_alg(k->pqc_alg), pk, pl};
            free(file);
            return CLI_OK;
        }
    }
    if ((forced != NULL && strcmp(forced, "hmac") == 0) ||
        (forced == NULL && is_hex_text(file, len))) {
        if (is_hex_text(file, len)) {
            if (hex_decode((const char *)file, len, &k->raw, &k->raw_len) != 0)
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
            cli_key_free(k);
            return CLI_FAIL;
        }
        k->cose = (sg17_cose_key){SG17_COSE_KEY_HMAC, k->raw, k->raw_len};
        k->pqc_alg = "hmac";
        return CLI_OK;
    }
    k->raw = file;
    k->raw_len = len;
    file = NULL;
    sg17_cose_key_type t = forced ? type_of_alg(forced) : type_of_raw_len(len);
    if (forced != NULL && strcmp(forced, "hss") == 0)
        t = SG17_COSE_KEY_HSS;
    if (t == SG17_COSE_KEY_NONE) {
        fprintf(stderr,
                "sg17 update: key %s: cannot tell the key type of %zu raw bytes; prefix it with "
                "ed25519:, p256:, hss:, ml-dsa-65: or hmac:\n",
                path, len);
        cli_key_free(k);
        return CLI_FAIL;
    }
    k->cose = (sg17_cose_key){t, k->raw, k->raw_len};
    k->pqc_alg = sg17_cose_key_type_name(t);
    return CLI_OK;
bad:
    fprintf(stderr, "sg17 update: key %s: unreadable\n", path);
    free(file);
    cli_key_free(k);
    return CLI_FAIL;
}

/* ---- create ------------------------------------------------------------- */

typedef struct comp_store {
    uint8_t *image;
    size_t image_len;
    uint8_t *parts[8];
    size_t part_lens[8];
    const uint8_t *part_ptrs[8];
    char *uri;
} comp_store;

static int desc_component(const json_t *c, const char *base_dir, sg17_suit_component_desc *cd,
                          comp_store *st, size_t idx)
{
    const json_t *id = json_object_get(c, "id");
    const char *img = json_string_value(json_object_get(c, "image"));
    const char *uri = json_string_value(json_object_get(c, "uri"));
    char path[4096];
    if (!json_is_array(id) || json_array_size(id) == 0 || json_array_size(id) > 8 || img == NULL) {
        fprintf(stderr, "sg17 update: component %zu: needs \"id\" (1..8 strings) and \"image\"\n",
                idx);
        return -1;
    }
    for (size_t i = 0; i < json_array_size(id); i++) {
        const char *s = json_string_value(json_array_get(id, i));
        if (s == NULL) {
            fprintf(stderr, "sg17 update: component %zu: id part %zu is not a string\n", idx, i);
            return -1;
        }
        if (strncmp(s, "hex:", 4) == 0) {
            if (hex_decode(s + 4, strlen(s + 4), &st->parts[i], &st->part_lens[i]) != 0) {
                fprintf(stderr, "sg17 update: component %zu: bad hex in id part %zu\n", idx, i);
                return -1;
            }
        } else {
            st->part_lens[i] = strlen(s);
            st->parts[i] = malloc(st->part_lens[i] + 1);
            if (st->parts[i] == NULL)
                return -1;
            memcpy(st->parts[i], s, st->part_lens[i] + 1);
        }
        st->part_ptrs[i] = st->parts[i];
    }
    int w = img[0] == '/' ? snprintf(path, sizeof path, "%s", img)
                          : snprintf(path, sizeof path, "%s/%s", base_dir, img);
    if (w < 0 || (size_t)w >= sizeof path) {
        fprintf(stderr, "sg17 update: component %zu: image path too long\n", idx);
        return -1;
    }
    int rc = sg17_file_read(path, &st->image, &st->image_len, MAX_IMAGE);
    if (rc != 0) {
        fprintf(stderr, "sg17 update: component %zu: image %s: %s\n", idx, path,
                sg17_strerror(rc));
        return -1;
    }
    memset(cd, 0, sizeof *cd);
    cd->id_parts = st->part_ptrs;
    cd->id_part_lens = st->part_lens;
    cd->n_id_parts = json_array_size(id);
    sg17_sha256(cd->image_digest, st->image, st->image_len);
    cd->image_size = st->image_len;
    if (uri != NULL) {
        size_t ul = strlen(uri);
        st->uri = malloc(ul + 1);
        if (st->uri == NULL)
            return -1;
        memcpy(st->uri, uri, ul + 1);
        cd->uri = st->uri;
        if (uri[0] == '#') {
            cd->integrated = st->image;
            cd->integrated_len = st->image_len;
        }
    }
    return 0;
}

static int cmd_create(int argc, char **argv)
{
    static const struct option opts[] = {{"output", required_argument, NULL, 'o'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    const char *out = NULL;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "o:h", opts, NULL)) != -1) {
        if (c == 'o')
            out = optarg;
        else {
            update_usage(c == 'h' ? stdout : stderr);
            return c == 'h' ? CLI_OK : CLI_USAGE;
        }
    }
    if (optind + 1 != argc || out == NULL) {
        fprintf(stderr, "usage: sg17 update manifest create DESCRIPTION.json -o M.suit\n");
        return CLI_USAGE;
    }
    const char *desc_path = argv[optind];
    sg17_json_limits lim = {1 << 20, 16, 0};
    sg17_json_error je;
    json_t *root = NULL;
    int rc = sg17_json_load_file(desc_path, &lim, &root, &je);
    if (rc != 0) {
        fprintf(stderr, "sg17 update: %s:%d:%d: %s\n", desc_path, je.line, je.column, je.text);
        return CLI_FAIL;
    }
    char base[4096];
    snprintf(base, sizeof base, "%s", desc_path);
    char *slash = strrchr(base, '/');
    if (slash != NULL)
        *slash = 0;
    else
        snprintf(base, sizeof base, ".");
    sg17_suit_desc d;
    sg17_suit_component_desc cds[SG17_SUIT_MAX_COMPONENTS];
    comp_store st[SG17_SUIT_MAX_COMPONENTS];
    sg17_buf env;
    memset(&d, 0, sizeof d);
    memset(st, 0, sizeof st);
    sg17_buf_init(&env, SG17_SUIT_MAX_ENVELOPE_BYTES);
    int ret = CLI_FAIL;
    const json_t *seq = json_object_get(root, "sequence-number");
    const json_t *comps = json_object_get(root, "components");
    const char *vendor = json_string_value(json_object_get(root, "vendor-id"));
    const char *cls = json_string_value(json_object_get(root, "class-id"));
    if (!json_is_integer(seq) || json_integer_value(seq) < 0 || !json_is_array(comps) ||
        json_array_size(comps) == 0 || json_array_size(comps) > SG17_SUIT_MAX_COMPONENTS) {
        fprintf(stderr, "sg17 update: %s: needs \"sequence-number\" (>= 0) and \"components\" "
                        "(1..%d)\n",
                desc_path, SG17_SUIT_MAX_COMPONENTS);
        goto cleanup;
    }
    d.sequence_number = (uint64_t)json_integer_value(seq);
    if (vendor != NULL) {
        if (parse_uuid(vendor, d.vendor_id) != 0) {
            fprintf(stderr, "sg17 update: %s: vendor-id is not a UUID\n", desc_path);
            goto cleanup;
        }
        d.has_vendor_id = 1;
    }
    if (cls != NULL) {
        if (parse_uuid(cls, d.class_id) != 0) {
            fprintf(stderr, "sg17 update: %s: class-id is not a UUID\n", desc_path);
            goto cleanup;
        }
        d.has_class_id = 1;
    }
    for (size_t i = 0; i < json_array_size(comps); i++)
        if (desc_component(json_array_get(comps, i), base, &cds[i], &st[i], i) != 0)
            goto cleanup;
    d.components = cds;
    d.n_components = json_array_size(comps);
    d.invoke = json_is_true(json_object_get(root, "invoke"));
    d.sever = json_is_true(json_object_get(root, "sever"));
    d.text = json_string_value(json_object_get(root, "text"));
    d.reference_uri = json_string_value(json_object_get(root, "reference-uri"));
    rc = sg17_suit_build(&d, &env);
    if (rc != 0) {
        fprintf(stderr, "sg17 update: building the envelope failed: %s\n", sg17_strerror(rc));
        goto cleanup;
    }
    ret = write_out(out, &env);
    if (ret == CLI_OK)
        fprintf(stderr, "sg17 update: wrote %s (%zu bytes, unsigned: run `sg17 update manifest "
                        "sign`)\n",
                out, env.len);
cleanup:
    for (size_t i = 0; i < SG17_SUIT_MAX_COMPONENTS; i++) {
        free(st[i].image);
        free(st[i].uri);
        for (size_t k = 0; k < 8; k++)
            free(st[i].parts[k]);
    }
    sg17_buf_free(&env, 0);
    json_decref(root);
    return ret;
}

/* ---- sign --------------------------------------------------------------- */

static int cose_alg_for(const cli_key *k, int64_t *alg)
{
    switch (k->cose.type) {
    case SG17_COSE_KEY_P256: *alg = SG17_COSE_ALG_ES256; return 0;
    case SG17_COSE_KEY_ED25519: *alg = SG17_COSE_ALG_EDDSA; return 0;
    case SG17_COSE_KEY_HMAC: *alg = SG17_COSE_ALG_HMAC256; return 0;
    case SG17_COSE_KEY_HSS: *alg = SG17_COSE_ALG_HSS_LMS; return 0;
    case SG17_COSE_KEY_MLDSA44: *alg = SG17_COSE_ALG_MLDSA44; return 0;
    case SG17_COSE_KEY_MLDSA65: *alg = SG17_COSE_ALG_MLDSA65; return 0;
    case SG17_COSE_KEY_MLDSA87: *alg = SG17_COSE_ALG_MLDSA87; return 0;
    case SG17_COSE_KEY_NONE: break;
    }
    return -1;
}

static int sign_once(sg17_buf *cur, cli_key *k, const char *kid)
{
    sg17_suit_envelope *env = NULL;
    sg17_buf payload, tbs, cose, next;
    uint8_t *sig = NULL, mac[32];
    size_t sig_len = 0;
    int64_t alg = 0;
    int rc;
    if (cose_alg_for(k, &alg) != 0) {
        fprintf(stderr, "sg17 update: key type %s cannot sign SUIT manifests\n",
                k->pqc_alg ? k->pqc_alg : "?");
        return SG17_E_UNSUPPORTED;
    }
    if (alg != SG17_COSE_ALG_HMAC256 && (k->pqc == NULL || !sg17_pqc_key_is_private(k->pqc))) {
        fprintf(stderr, "sg17 update: signing needs a private key (%s)\n", k->pqc_alg);
        return SG17_E_INVAL;
    }
    sg17_buf_init(&payload, 256);
    sg17_buf_init(&tbs, 1024);
    sg17_buf_init(&cose, 1 << 16);
    sg17_buf_init(&next, SG17_SUIT_MAX_ENVELOPE_BYTES);
    rc = sg17_suit_decode(cur->data, cur->len, &env, NULL, 0);
    if (rc == 0)
        rc = sg17_suit_signed_payload(env, &payload);
    if (rc == 0)
        rc = sg17_cose_tbs(&tbs, alg == SG17_COSE_ALG_HMAC256, alg, payload.data, payload.len);
    if (rc == 0 && alg == SG17_COSE_ALG_HMAC256) {
        rc = sg17_hmac(SG17_HASH_SHA256, k->raw, k->raw_len, tbs.data, tbs.len, mac);
        sig = mac;
        sig_len = 32;
    } else if (rc == 0) {
        /* ML-DSA in COSE: empty context (draft-ietf-cose-dilithium). HSS: the
         * key file's index is persisted before the signature returns. */
        rc = sg17_pqc_sign(k->pqc, tbs.data, tbs.len, NULL, 0, 0, &sig, &sig_len);
    }
    if (rc == 0)
        rc = sg17_cose_encode(&cose, alg == SG17_COSE_ALG_HMAC256, alg, (const uint8_t *)kid,
                              kid ? strlen(kid) : 0, sig, sig_len);
    if (rc == 0)
        rc = sg17_suit_add_auth(env, cose.data, cose.len, &next);
    if (rc == 0) {
        sg17_buf t = *cur;
        *cur = next;
        next = t;
        fprintf(stderr, "sg17 update: added %s block (%s, %zu-byte signature)\n",
                sg17_cose_alg_name(alg), alg == SG17_COSE_ALG_HMAC256 ? "COSE_Mac0" : "COSE_Sign1",
                sig_len);
    } else {
        fprintf(stderr, "sg17 update: signing with %s failed: %s\n", k->pqc_alg,
                sg17_strerror(rc));
    }
    if (sig != mac)
        free(sig);
    sg17_memzero(mac, sizeof mac);
    sg17_suit_free(env);
    sg17_buf_free(&payload, 0);
    sg17_buf_free(&tbs, 1);
    sg17_buf_free(&cose, 0);
    sg17_buf_free(&next, 0);
    return rc;
}

static int cmd_sign(int argc, char **argv)
{
    static const struct option opts[] = {{"key", required_argument, NULL, 'k'},
                                         {"kid", required_argument, NULL, 'i'},
                                         {"output", required_argument, NULL, 'o'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    const char *keys[MAX_KEYS], *out = NULL, *kid = NULL;
    size_t nk = 0;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "k:o:h", opts, NULL)) != -1) {
        if (c == 'k' && nk < MAX_KEYS)
            keys[nk++] = optarg;
        else if (c == 'o')
            out = optarg;
        else if (c == 'i')
            kid = optarg;
        else {
            update_usage(c == 'h' ? stdout : stderr);
            return c == 'h' ? CLI_OK : CLI_USAGE;
        }
    }
    if (optind + 1 != argc || nk == 0) {
        fprintf(stderr, "usage: sg17 update manifest sign --key KEY [--key KEY2 ...] [-o OUT] "
                        "M.suit\n");
        return CLI_USAGE;
    }
    uint8_t *buf = NULL;
    size_t len = 0;
    sg17_suit_envelope *env = NULL;
    int ret = load_envelope(argv[optind], &buf, &len, &env);
    if (ret != CLI_OK)
        return ret == CLI_NEGATIVE ? CLI_FAIL : ret;
    sg17_suit_free(env);
    sg17_buf cur;
    sg17_buf_init(&cur, SG17_SUIT_MAX_ENVELOPE_BYTES);
    ret = sg17_buf_append(&cur, buf, len) == 0 ? CLI_OK : CLI_FAIL;
    for (size_t i = 0; i < nk && ret == CLI_OK; i++) {
        cli_key k;
        ret = load_key(keys[i], &k);
        if (ret == CLI_OK && sign_once(&cur, &k, kid) != 0)
            ret = CLI_FAIL;
        cli_key_free(&k);
    }
    if (ret == CLI_OK)
        ret = write_out(out ? out : argv[optind], &cur);
    sg17_buf_free(&cur, 0);
    free(buf);
    return ret;
}

/* ---- sever -------------------------------------------------------------- */

static int cmd_sever(int argc, char **argv)
{
    static const struct option opts[] = {{"strip", no_argument, NULL, 's'},
                                         {"output", required_argument, NULL, 'o'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    const char *out = NULL;
    int strip = 0, c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "so:h", opts, NULL)) != -1) {
        if (c == 's')
            strip = 1;
        else if (c == 'o')
            out = optarg;
        else {
            update_usage(c == 'h' ? stdout : stderr);
            return c == 'h' ? CLI_OK : CLI_USAGE;
        }
    }
    if (optind + 1 != argc) {
        fprintf(stderr, "usage: sg17 update manifest sever [--strip] [-o OUT] M.suit\n");
        return CLI_USAGE;
    }
    uint8_t *buf = NULL;
    size_t len = 0;
    sg17_suit_envelope *env = NULL;
    int ret = load_envelope(argv[optind], &buf, &len, &env);
    if (ret != CLI_OK)
        return ret == CLI_NEGATIVE ? CLI_FAIL : ret;
    sg17_buf o;
    sg17_suit_summary s;
    sg17_suit_summary_get(env, &s);
    sg17_buf_init(&o, SG17_SUIT_MAX_ENVELOPE_BYTES);
    int rc = sg17_suit_sever(env, !strip, &o);
    if (rc == 0) {
        ret = write_out(out ? out : argv[optind], &o);
        if (!strip && s.auth_blocks > 0)
            fprintf(stderr, "sg17 update: the manifest changed: its %zu authentication blocks "
                            "were dropped; sign it again\n",
                    s.auth_blocks);
    } else {
        fprintf(stderr, "sg17 update: sever failed: %s\n", sg17_strerror(rc));
        ret = CLI_FAIL;
    }
    sg17_buf_free(&o, 0);
    sg17_suit_free(env);
    free(buf);
    return ret;
}

/* ---- encrypt ------------------------------------------------------------ */

static int cmd_encrypt(int argc, char **argv)
{
    static const struct option opts[] = {{"recipient", required_argument, NULL, 'r'},
                                         {"image", required_argument, NULL, 'i'},
                                         {"image-out", required_argument, NULL, 'I'},
                                         {"component", required_argument, NULL, 'c'},
                                         {"kid", required_argument, NULL, 'k'},
                                         {"ctr", no_argument, NULL, 't'},
                                         {"output", required_argument, NULL, 'o'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    const char *recip = NULL, *image = NULL, *image_out = NULL, *out = NULL, *kid = NULL;
    size_t comp = 0;
    int ctr = 0, c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "r:i:I:c:k:to:h", opts, NULL)) != -1) {
        switch (c) {
        case 'r': recip = optarg; break;
        case 'i': image = optarg; break;
        case 'I': image_out = optarg; break;
        case 'k': kid = optarg; break;
        case 't': ctr = 1; break;
        case 'o': out = optarg; break;
        case 'c':
            if (cli_parse_size(optarg, &comp) != 0)
                return CLI_USAGE;
            break;
        default:
            update_usage(c == 'h' ? stdout : stderr);
            return c == 'h' ? CLI_OK : CLI_USAGE;
        }
    }
    if (optind + 1 != argc || recip == NULL || image == NULL || image_out == NULL) {
        fprintf(stderr, "usage: sg17 update manifest encrypt --recipient PUB --image FW "
                        "--image-out FW.enc [--component N] [--ctr] [--kid KID] [-o OUT] M.suit\n");
        return CLI_USAGE;
    }
    uint8_t *buf = NULL, *img = NULL;
    size_t len = 0, img_len = 0;
    sg17_suit_envelope *env = NULL;
    cli_key k;
    memset(&k, 0, sizeof k);
    int ret = load_envelope(argv[optind], &buf, &len, &env);
    if (ret != CLI_OK)
        return ret == CLI_NEGATIVE ? CLI_FAIL : ret;
    sg17_buf info, ct, o;
    sg17_buf_init(&info, 1 << 16);
    sg17_buf_init(&ct, MAX_IMAGE + 64);
    sg17_buf_init(&o, SG17_SUIT_MAX_ENVELOPE_BYTES);
    sg17_suit_recipient r = {0, NULL, 0, (const uint8_t *)kid, kid ? strlen(kid) : 0};
    ret = load_key(recip, &k);
    if (ret != CLI_OK)
        goto cleanup;
    ret = CLI_FAIL;
    if (k.cose.type == SG17_COSE_KEY_HMAC && k.raw_len == 16) {
        r.alg = SG17_SUIT_KEY_A128KW;
        r.key = k.raw;
        r.key_len = 16;
    } else if (k.cose.type == SG17_COSE_KEY_P256) {
        r.alg = SG17_SUIT_KEY_ECDH_ES_A128KW;
        r.key = k.cose.key;
        r.key_len = k.cose.key_len;
    } else if (k.pqc_alg != NULL && strcmp(k.pqc_alg, "ml-kem-768") == 0) {
        r.alg = SG17_SUIT_KEY_MLKEM768_A128KW;
        r.key = sg17_pqc_key_public(k.pqc, &r.key_len);
    } else {
        fprintf(stderr, "sg17 update: recipient %s: need a 16-byte hex KEK file, a P-256 public "
                        "key or an ML-KEM-768 public key\n",
                recip);
        goto cleanup;
    }
    int rc = sg17_file_read(image, &img, &img_len, MAX_IMAGE);
    if (rc != 0) {
        fprintf(stderr, "sg17 update: %s: %s\n", image, sg17_strerror(rc));
        goto cleanup;
    }
    rc = sg17_suit_encrypt(&r, ctr ? SG17_SUIT_ENC_A128CTR : SG17_SUIT_ENC_A128GCM, img, img_len,
                           &info, &ct);
    if (rc == 0)
        rc = sg17_suit_set_encryption(env, comp, info.data, info.len, &o);
    if (rc != 0) {
        fprintf(stderr, "sg17 update: encrypt failed: %s\n", sg17_strerror(rc));
        goto cleanup;
    }
    ret = write_out(image_out, &ct);
    if (ret == CLI_OK)
        ret = write_out(out ? out : argv[optind], &o);
    if (ret == CLI_OK)
        fprintf(stderr, "sg17 update: component %zu encrypted (%s, %s); serve %s; sign the "
                        "manifest again\n",
                comp, ctr ? "A128CTR" : "A128GCM",
                r.alg == SG17_SUIT_KEY_A128KW          ? "A128KW"
                : r.alg == SG17_SUIT_KEY_ECDH_ES_A128KW ? "ECDH-ES+A128KW"
                                                       : "ML-KEM-768+A128KW",
                image_out);
cleanup:
    cli_key_free(&k);
    sg17_buf_free(&info, 0);
    sg17_buf_free(&ct, 0);
    sg17_buf_free(&o, 0);
    sg17_suit_free(env);
    free(img);
    free(buf);
    return ret;
}

/* ---- show --------------------------------------------------------------- */

static void put_hex(FILE *f, const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        fprintf(f, "%02x", p[i]);
}

static void put_json_str(FILE *f, const char *s, size_t n)
{
    fputc('"', f);
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)s[i];
        if (ch == '"' || ch == '\\')
            fprintf(f, "\\%c", ch);
        else if (ch < 0x20)
            fprintf(f, "\\u%04x", ch);
        else
            fputc(ch, f);
    }
    fputc('"', f);
}

/* The manifest-description text (key 1 of suit-text), inline or severed. */
static int get_text(const sg17_suit_envelope *env, const uint8_t *envbuf, size_t envlen,
                    cbor_item_t **holder, const char **t, size_t *tl)
{
    size_t ml;
    const uint8_t *m = sg17_suit_manifest(env, &ml);
    cbor_item_t *man = NULL, *root = NULL, *txt = NULL;
    const cbor_item_t *v = NULL, *map = NULL, *d = NULL;
    const uint8_t *p;
    size_t n;
    uint64_t tag;
    int rc = -1;
    if (sg17_cbor_decode(m, ml, NULL, &man, NULL) != 0)
        return -1;
    if (sg17_cbor_map_get_int(man, SG17_SUIT_MAN_TEXT, &v) == 0 &&
        sg17_cbor_get_bstr(v, &p, &n) == 0) {
        rc = 0;
    } else if (v != NULL &&
               sg17_cbor_decode(envbuf, envlen, &(sg17_cbor_limits){SG17_SUIT_MAX_ENVELOPE_BYTES,
                                                                    16, 65536},
                                &root, NULL) == 0) {
        map = root;
        if (sg17_cbor_get_tag(root, &tag, &map) != 0)
            map = root;
        if (sg17_cbor_map_get_int(map, SG17_SUIT_MAN_TEXT, &d) == 0 &&
            sg17_cbor_get_bstr(d, &p, &n) == 0)
            rc = 0;
    }
    if (rc == 0) {
        rc = -1;
        /* draft -37: {lang-tag: {1: description}}; older drafts: {1: description} */
        if (sg17_cbor_decode(p, n, NULL, &txt, NULL) == 0 && cbor_isa_map(txt) &&
            cbor_map_size(txt) > 0) {
            const cbor_item_t *inner = cbor_map_handle(txt)[0].value;
            if (cbor_isa_map(inner) && sg17_cbor_map_get_int(inner, 1, &d) == 0 &&
                sg17_cbor_get_tstr(d, t, tl) == 0)
                rc = 0;
            else if (sg17_cbor_map_get_int(txt, 1, &d) == 0 && sg17_cbor_get_tstr(d, t, tl) == 0)
                rc = 0;
        }
    }
    sg17_cbor_free(man);
    sg17_cbor_free(root);
    if (rc == 0)
        *holder = txt;
    else
        sg17_cbor_free(txt);
    return rc;
}

static int cmd_show(int argc, char **argv)
{
    static const struct option opts[] = {{"json", no_argument, NULL, 'j'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    int json = 0, c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "jh", opts, NULL)) != -1) {
        if (c == 'j')
            json = 1;
        else {
            update_usage(c == 'h' ? stdout : stderr);
            return c == 'h' ? CLI_OK : CLI_USAGE;
        }
    }
    if (optind + 1 != argc) {
        fprintf(stderr, "usage: sg17 update manifest show [--json] M.suit\n");
        return CLI_USAGE;
    }
    uint8_t *buf = NULL;
    size_t len = 0;
    sg17_suit_envelope *env = NULL;
    int ret = load_envelope(argv[optind], &buf, &len, &env);
    if (ret != CLI_OK)
        return ret == CLI_NEGATIVE ? CLI_FAIL : ret;
    sg17_suit_summary s;
    sg17_suit_summary_get(env, &s);
    static const char *const sev_names[4] = {"coswid", "payload-fetch", "install", "text"};
    static const char *const sev_state[4] = {"absent", "inline", "severed",
                                             "severed+present"};
    cbor_item_t *txt_holder = NULL;
    const char *txt = NULL;
    size_t txt_len = 0;
    int have_text = get_text(env, buf, len, &txt_holder, &txt, &txt_len) == 0;
    FILE *f = stdout;
    if (json) {
        fprintf(f, "{\"size\":%zu,\"tag107\":%s,\"manifest_version\":%llu,"
                   "\"sequence_number\":%llu,\"digest_alg\":%lld,\"manifest_digest\":\"",
                len, s.tagged ? "true" : "false", (unsigned long long)s.manifest_version,
                (unsigned long long)s.sequence_number, (long long)s.digest_alg);
        put_hex(f, s.manifest_digest, 32);
        fprintf(f, "\",\"digest_matches\":%s,\"auth_blocks\":[", s.digest_ok ? "true" : "false");
    } else {
        fprintf(f, "envelope:        %zu bytes%s\nmanifest:        version %llu, sequence "
                   "number %llu, %zu bytes\ndigest:          SHA-256 ",
                len, s.tagged ? ", tag 107" : "", (unsigned long long)s.manifest_version,
                (unsigned long long)s.sequence_number, s.manifest_len);
        put_hex(f, s.manifest_digest, 32);
        fprintf(f, " (%s the authentication wrapper)\n", s.digest_ok ? "matches" : "DOES NOT MATCH");
        fprintf(f, "auth blocks:     %zu%s\n", s.auth_blocks, s.auth_blocks ? "" : " (unsigned)");
    }
    for (size_t i = 0; i < s.auth_blocks; i++) {
        const uint8_t *cb;
        size_t cl;
        sg17_cose_info ci;
        char why[SG17_SUIT_WHY_BYTES] = "";
        if (sg17_suit_auth_block(env, i, &cb, &cl) != 0 ||
            sg17_cose_parse(cb, cl, &ci, why, sizeof why) != 0) {
            if (json)
                fprintf(f, "%s{\"error\":\"malformed\"}", i ? "," : "");
            else
                fprintf(f, "  [%zu] malformed: %s\n", i, why);
            continue;
        }
        if (json)
            fprintf(f, "%s{\"cose\":\"%s\",\"alg\":\"%s\",\"alg_id\":%lld,\"sig_bytes\":%zu}",
                    i ? "," : "", ci.is_mac ? "COSE_Mac0" : "COSE_Sign1",
                    sg17_cose_alg_name(ci.alg), (long long)ci.alg, ci.sig_len);
        else
            fprintf(f, "  [%zu] %s %s (%lld), %zu-byte %s\n", i,
                    ci.is_mac ? "COSE_Mac0" : "COSE_Sign1", sg17_cose_alg_name(ci.alg),
                    (long long)ci.alg, ci.sig_len, ci.is_mac ? "tag" : "signature");
    }
    if (json)
        fprintf(f, "],\"components\":[");
    else
        fprintf(f, "components:      %zu\n", s.components);
    for (size_t i = 0; i < s.components; i++) {
        sg17_buf id;
        sg17_buf_init(&id, 4096);
        if (sg17_suit_component_id(env, i, &id) == 0) {
            if (json) {
                fprintf(f, "%s\"", i ? "," : "");
                put_hex(f, id.data, id.len);
                fputc('"', f);
            } else {
                fprintf(f, "  [%zu] id (CBOR) ", i);
                put_hex(f, id.data, id.len);
                fputc('\n', f);
            }
        }
        sg17_buf_free(&id, 0);
    }
    if (json) {
        fprintf(f, "],\"severable\":{");
        for (int i = 0; i < 4; i++)
            fprintf(f, "%s\"%s\":\"%s\"", i ? "," : "", sev_names[i], sev_state[s.severable[i]]);
        fprintf(f, "},\"integrated\":%zu", s.integrated);
        if (have_text) {
            fprintf(f, ",\"text\":");
            put_json_str(f, txt, txt_len);
        }
        fprintf(f, "}\n");
    } else {
        for (int i = 0; i < 4; i++)
            if (s.severable[i] != 0)
                fprintf(f, "%-16s %s\n", sev_names[i], sev_state[s.severable[i]]);
        fprintf(f, "integrated:      %zu\n", s.integrated);
        if (have_text)
            fprintf(f, "text:            %.*s\n", (int)(txt_len > 400 ? 400 : txt_len), txt);
    }
    sg17_cbor_free(txt_holder);
    sg17_suit_free(env);
    free(buf);
    return CLI_OK;
}

/* ---- verify ------------------------------------------------------------- */

/* --image files, one per component in manifest order. */
typedef struct file_image {
    uint8_t *p[SG17_SUIT_MAX_COMPONENTS];
    size_t n[SG17_SUIT_MAX_COMPONENTS];
} file_image;

static int fi_read(void *ctx, size_t comp, sg17_buf *out)
{
    file_image *fi = ctx;
    if (comp >= SG17_SUIT_MAX_COMPONENTS || fi->p[comp] == NULL)
        return SG17_E_NOTFOUND;
    return sg17_buf_append(out, fi->p[comp], fi->n[comp]);
}

static int fi_digest(void *ctx, size_t comp, uint8_t out[32], uint64_t *size)
{
    file_image *fi = ctx;
    if (comp >= SG17_SUIT_MAX_COMPONENTS || fi->p[comp] == NULL)
        return SG17_E_NOTFOUND;
    sg17_sha256(out, fi->p[comp], fi->n[comp]);
    *size = fi->n[comp];
    return 0;
}

static int cmd_verify(int argc, char **argv)
{
    static const struct option opts[] = {{"trust-anchor", required_argument, NULL, 't'},
                                         {"policy", required_argument, NULL, 'p'},
                                         {"require-pq", no_argument, NULL, 'q'},
                                         {"vendor-id", required_argument, NULL, 'V'},
                                         {"class-id", required_argument, NULL, 'C'},
                                         {"last-sequence", required_argument, NULL, 'L'},
                                         {"image", required_argument, NULL, 'i'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    const char *anchors[MAX_KEYS], *images[SG17_SUIT_MAX_COMPONENTS];
    size_t na = 0, ni = 0, seq = 0;
    sg17_suit_policy pol;
    int c;
    memset(&pol, 0, sizeof pol);
    optind = 1;
    while ((c = getopt_long(argc, argv, "t:p:qV:C:L:i:h", opts, NULL)) != -1) {
        switch (c) {
        case 't':
            if (na == MAX_KEYS) {
                fprintf(stderr, "sg17 update: at most %d trust anchors\n", MAX_KEYS);
                return CLI_USAGE;
            }
            anchors[na++] = optarg;
            break;
        case 'p':
            if (strcmp(optarg, "any") == 0)
                pol.mode = SG17_SUIT_ANY_OF;
            else if (strcmp(optarg, "all") == 0)
                pol.mode = SG17_SUIT_ALL_OF;
            else {
                fprintf(stderr, "sg17 update: --policy is any or all\n");
                return CLI_USAGE;
            }
            break;
        case 'q': pol.require_pq = 1; break;
        case 'V':
            if (parse_uuid(optarg, pol.vendor_id) != 0) {
                fprintf(stderr, "sg17 update: --vendor-id is not a UUID\n");
                return CLI_USAGE;
            }
            pol.has_vendor_id = 1;
            break;
        case 'C':
            if (parse_uuid(optarg, pol.class_id) != 0) {
                fprintf(stderr, "sg17 update: --class-id is not a UUID\n");
                return CLI_USAGE;
            }
            pol.has_class_id = 1;
            break;
        case 'L':
            if (cli_parse_size(optarg, &seq) != 0)
                return CLI_USAGE;
            pol.has_last_sequence = 1;
            pol.last_sequence = seq;
            break;
        case 'i':
            if (ni == SG17_SUIT_MAX_COMPONENTS) {
                fprintf(stderr, "sg17 update: at most %d images\n", SG17_SUIT_MAX_COMPONENTS);
                return CLI_USAGE;
            }
            images[ni++] = optarg;
            break;
        default:
            update_usage(c == 'h' ? stdout : stderr);
            return c == 'h' ? CLI_OK : CLI_USAGE;
        }
    }
    if (optind + 1 != argc || na == 0) {
        fprintf(stderr, "usage: sg17 update manifest verify --trust-anchor PUB [...] "
                        "[--policy any|all] [--image FILE] M.suit\n");
        return CLI_USAGE;
    }
    cli_key keys[MAX_KEYS];
    sg17_cose_key ck[MAX_KEYS];
    size_t loaded = 0;
    file_image fi;
    memset(&fi, 0, sizeof fi);
    uint8_t *buf = NULL;
    size_t len = 0;
    sg17_suit_envelope *env = NULL;
    char why[SG17_SUIT_WHY_BYTES] = "";
    int ret = CLI_OK;
    for (; loaded < na && ret == CLI_OK; loaded++) {
        ret = load_key(anchors[loaded], &keys[loaded]);
        if (ret != CLI_OK)
            break;
        if (keys[loaded].cose.type == SG17_COSE_KEY_NONE) {
            fprintf(stderr, "sg17 update: %s is not a signature or MAC key\n", anchors[loaded]);
            ret = CLI_FAIL;
        }
        ck[loaded] = keys[loaded].cose;
    }
    if (ret != CLI_OK)
        goto cleanup;
    pol.anchors = ck;
    pol.n_anchors = na;
    for (size_t i = 0; i < ni; i++) {
        int rc = sg17_file_read(images[i], &fi.p[i], &fi.n[i], MAX_IMAGE);
        if (rc != 0) {
            fprintf(stderr, "sg17 update: %s: %s\n", images[i], sg17_strerror(rc));
            ret = CLI_FAIL;
            goto cleanup;
        }
    }
    ret = load_envelope(argv[optind], &buf, &len, &env);
    if (ret != CLI_OK)
        goto cleanup;
    sg17_suit_ops ops = {.ctx = &fi, .read = fi_read, .digest = fi_digest};
    /* Authenticity, severable elements and sequence number, then the shared
     * sequence (vendor/class); with --image also the validate sequence. */
    int rc = sg17_suit_process(env, &pol, &ops, ni ? SG17_SUIT_STEP_VALIDATE : 0, why,
                               sizeof why);
    if (rc == 0) {
        sg17_suit_summary s;
        sg17_suit_summary_get(env, &s);
        printf("%s: authentic and applicable (sequence number %llu, %zu authentication "
               "block%s%s)\n",
               argv[optind], (unsigned long long)s.sequence_number, s.auth_blocks,
               s.auth_blocks == 1 ? "" : "s", ni ? ", images match" : "");
        ret = CLI_OK;
    } else if (rc == SG17_E_NOMEM || rc == SG17_E_INVAL) {
        fprintf(stderr, "sg17 update: %s: %s\n", argv[optind], sg17_strerror(rc));
        ret = CLI_FAIL;
    } else {
        fprintf(stderr, "sg17 update: %s: REJECTED: %s\n", argv[optind], why);
        ret = CLI_NEGATIVE;
    }
cleanup:
    for (size_t i = 0; i < loaded && i < na; i++)
        cli_key_free(&keys[i]);
    sg17_suit_free(env);
    free(buf);
    for (size_t i = 0; i < SG17_SUIT_MAX_COMPONENTS; i++)
        free(fi.p[i]);
    return ret;
}

int cmd_update(int argc, char **argv)
{
    if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
        update_usage(stdout);
        return CLI_OK;
    }
    if (argc < 3 || strcmp(argv[1], "manifest") != 0) {
        update_usage(stderr);
        return CLI_USAGE;
    }
    static const struct {
        const char *name;
        int (*fn)(int, char **);
    } cmds[] = {{"create", cmd_create}, {"sign", cmd_sign},     {"sever", cmd_sever},
                {"encrypt", cmd_encrypt}, {"show", cmd_show},   {"verify", cmd_verify}};
    for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++)
        if (strcmp(argv[2], cmds[i].name) == 0)
            return cmds[i].fn(argc - 2, argv + 2);
    fprintf(stderr, "sg17 update: unknown command 'manifest %s'\n", argv[2]);
    update_usage(stderr);
    return CLI_USAGE;
}
