/*
 * sg17 device: a simulated X.1368 device (device core + communicator of
 * sg17/device.h) talking to the sg17d firmware server / status tracker over
 * libcurl. docs/DEVICE.md.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>
#include <jansson.h>

#include "cli.h"
#include "sg17/crypto.h"
#include "sg17/device.h"
#include "sg17/file.h"
#include "sg17/pqc.h"

#define MAX_ANCHORS 8

static void usage(FILE *f)
{
    fprintf(f,
            "usage: sg17 device init --state DIR --id ID --vendor-id UUID --class-id UUID\n"
            "                        --trust-anchor PUB [--trust-anchor PUB2 ...] [--policy any|all]\n"
            "                        [--require-pq] --factory IMAGE [--factory-seq N] [--slot-size N]\n"
            "       sg17 device pubkey --state DIR          (hex ML-DSA-65 report key, to register)\n"
            "       sg17 device status --state DIR\n"
            "       sg17 device run --state DIR --server URL [--token-file F]\n"
            "                       [--cut-download BYTES] [--cut-flash WRITES]\n"
            "       sg17 device anchors sign --epoch N [--add PUB ...] [--revoke PUB ...]\n"
            "                                --key KEY [--key KEY2 ...] -o UPDATE.cbor\n"
            "       sg17 device anchors apply --state DIR UPDATE.cbor\n"
            "run exit codes: 0 updated or nothing to do, 1 offer refused or self-test failed,\n"
            "2 usage, 3 interrupted (power cut, network): run again. See docs/DEVICE.md.\n");
}

/* ---- libcurl transport ------------------------------------------------------ */

typedef struct xfer {
    const char *base;
    char auth[160];
    uint64_t cut;     /* break the first transfer that passes this many bytes (0 = never) */
    uint64_t seen;
    sg17_buf *out;
} xfer;

static size_t on_data(char *p, size_t sz, size_t n, void *arg)
{
    xfer *x = arg;
    size_t len = sz * n;
    if (x->cut > 0 && x->seen + len > x->cut) {
        size_t keep = (size_t)(x->cut - x->seen);
        if (sg17_buf_append(x->out, p, keep) != 0)
            return 0;
        fprintf(stderr, "sg17 device: download cut after %llu bytes (test hook)\n",
                (unsigned long long)x->cut);
        x->cut = 0;
        return 0; /* CURLE_WRITE_ERROR: the transfer breaks */
    }
    x->seen += len;
    return sg17_buf_append(x->out, p, len) == 0 ? len : 0;
}

static int do_req(xfer *x, const char *path, uint64_t from, const char *ctype, const uint8_t *body,
                  size_t len, sg17_buf *out, long *status)
{
    char url[2048], range[32], ct[96];
    struct curl_slist *h = NULL;
    int n = strncmp(path, "http://", 7) == 0 || strncmp(path, "https://", 8) == 0
                ? snprintf(url, sizeof url, "%s", path)
                : snprintf(url, sizeof url, "%s%s", x->base, path);
    if (n < 0 || (size_t)n >= sizeof url)
        return SG17_E_LIMIT;
    CURL *c = curl_easy_init();
    if (c == NULL)
        return SG17_E_NOMEM;
    x->out = out;
    x->seen = 0;
    h = curl_slist_append(h, x->auth);
    if (ctype) {
        (void)snprintf(ct, sizeof ct, "Content-Type: %s", ctype);
        h = curl_slist_append(h, ct);
    }
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, x);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 10L);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 120L);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    if (from > 0) {
        (void)snprintf(range, sizeof range, "%llu-", (unsigned long long)from);
        curl_easy_setopt(c, CURLOPT_RANGE, range);
    }
    if (body != NULL) {
        curl_easy_setopt(c, CURLOPT_POST, 1L);
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, (const char *)body);
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
    }
    CURLcode rc = curl_easy_perform(c);
    *status = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, status);
    curl_easy_cleanup(c);
    curl_slist_free_all(h);
    if (rc != CURLE_OK)
        fprintf(stderr, "sg17 device: %s %s: %s\n", body ? "POST" : "GET", path,
                curl_easy_strerror(rc));
    return rc == CURLE_OK ? 0 : SG17_E_IO;
}

static int t_get(void *ctx, const char *path, uint64_t from, sg17_buf *out, long *status)
{
    return do_req(ctx, path, from, NULL, NULL, 0, out, status);
}

static int t_post(void *ctx, const char *path, const char *ct, const uint8_t *body, size_t len,
                  sg17_buf *out, long *status)
{
    return do_req(ctx, path, 0, ct, body, len, out, status);
}

/* ---- commands ---------------------------------------------------------------------- */

static int parse_u64(const char *s, uint64_t *v)
{
    char *end = NULL;
    if (s == NULL || *s < '0' || *s > '9')
        return -1;
    unsigned long long x = strtoull(s, &end, 10);
    if (*end != '\0')
        return -1;
    *v = x;
    return 0;
}

static int do_init(int argc, char **argv)
{
    const char *dir = NULL, *id = NULL, *vid = NULL, *cid = NULL, *factory = NULL;
    const char *anchors[MAX_ANCHORS];
    size_t n_anchors = 0;
    int all = 0, pq = 0;
    uint64_t fseq = 1, slot = 1u << 20;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "--require-pq") == 0) {
            pq = 1;
            continue;
        }
        if (v == NULL) {
            usage(stderr);
            return CLI_USAGE;
        }
        i++;
        if (strcmp(a, "--state") == 0)
            dir = v;
        else if (strcmp(a, "--id") == 0)
            id = v;
        else if (strcmp(a, "--vendor-id") == 0)
            vid = v;
        else if (strcmp(a, "--class-id") == 0)
            cid = v;
        else if (strcmp(a, "--factory") == 0)
            factory = v;
        else if (strcmp(a, "--trust-anchor") == 0 && n_anchors < MAX_ANCHORS)
            anchors[n_anchors++] = v;
        else if (strcmp(a, "--policy") == 0 && (strcmp(v, "any") == 0 || strcmp(v, "all") == 0))
            all = strcmp(v, "all") == 0;
        else if (strcmp(a, "--factory-seq") == 0 && parse_u64(v, &fseq) == 0)
            continue;
        else if (strcmp(a, "--slot-size") == 0 && parse_u64(v, &slot) == 0 && slot > 0 &&
                 slot <= (1u << 30))
            continue;
        else {
            fprintf(stderr, "sg17 device init: bad option %s %s\n", a, v);
            return CLI_USAGE;
        }
    }
    if (!dir || !id || !vid || !cid || !factory || n_anchors == 0) {
        usage(stderr);
        return CLI_USAGE;
    }
    uint8_t *img = NULL;
    size_t len = 0;
    int rc = sg17_file_read(factory, &img, &len, (size_t)slot);
    if (rc != 0) {
        fprintf(stderr, "sg17 device init: factory image %s: %s\n", factory, sg17_strerror(rc));
        return CLI_FAIL;
    }
    rc = sg17_device_init(dir, id, vid, cid, anchors, n_anchors, all, pq, img, len, fseq,
                          (size_t)slot);
    free(img);
    if (rc != 0) {
        fprintf(stderr, "sg17 device init: %s\n", sg17_strerror(rc));
        return rc == SG17_E_INVAL ? CLI_USAGE : CLI_FAIL;
    }
    return CLI_OK;
}

static int state_arg(int argc, char **argv, const char **dir)
{
    *dir = NULL;
    for (int i = 1; i + 1 < argc; i++)
        if (strcmp(argv[i], "--state") == 0)
            *dir = argv[i + 1];
    return *dir ? 0 : -1;
}

static int do_pubkey(int argc, char **argv)
{
    const char *dir;
    char p[4096];
    sg17_pqc_key *k = NULL;
    if (state_arg(argc, argv, &dir) != 0) {
        usage(stderr);
        return CLI_USAGE;
    }
    (void)snprintf(p, sizeof p, "%s/device.key.pub", dir);
    if (sg17_pqc_key_load(p, &k) != 0) {
        fprintf(stderr, "sg17 device pubkey: cannot load %s\n", p);
        return CLI_FAIL;
    }
    size_t n = 0;
    const uint8_t *pk = sg17_pqc_key_public(k, &n);
    cli_print_hex(stdout, pk, n);
    sg17_pqc_key_free(k);
    return CLI_OK;
}

static int do_status(int argc, char **argv)
{
    const char *dir;
    char why[256] = "";
    sg17_device *d = NULL;
    if (state_arg(argc, argv, &dir) != 0) {
        usage(stderr);
        return CLI_USAGE;
    }
    if (sg17_device_open(dir, &d, why, sizeof why) != 0) {
        fprintf(stderr, "sg17 device status: %s\n", why);
        return CLI_FAIL;
    }
    uint64_t c = 0;
    int active = 0, trial = 0;
    sg17_device_flash_state(d, &c, &active, &trial);
    printf("{\"device\":\"%s\",\"committed_sequence\":%llu,\"active_slot\":%d,\"trial\":%s}\n",
           sg17_device_id(d), (unsigned long long)c, active, trial ? "true" : "false");
    sg17_device_close(d);
    return CLI_OK;
}

static int do_run(int argc, char **argv)
{
    const char *dir = NULL, *server = NULL, *token_file = NULL;
    uint64_t cut_dl = 0, cut_flash = 0;
    int have_cut_flash = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (v == NULL) {
            usage(stderr);
            return CLI_USAGE;
        }
        i++;
        if (strcmp(a, "--state") == 0)
            dir = v;
        else if (strcmp(a, "--server") == 0)
            server = v;
        else if (strcmp(a, "--token-file") == 0)
            token_file = v;
        else if (strcmp(a, "--cut-download") == 0 && parse_u64(v, &cut_dl) == 0)
            continue;
        else if (strcmp(a, "--cut-flash") == 0 && parse_u64(v, &cut_flash) == 0)
            have_cut_flash = 1;
        else {
            fprintf(stderr, "sg17 device run: bad option %s %s\n", a, v);
            return CLI_USAGE;
        }
    }
    if (!dir || !server) {
        usage(stderr);
        return CLI_USAGE;
    }
    xfer x;
    memset(&x, 0, sizeof x);
    x.base = server;
    x.cut = cut_dl;
    char tokbuf[128] = "";
    const char *tok = getenv("SG17_DEVICE_TOKEN");
    if (token_file != NULL) {
        uint8_t *t = NULL;
        size_t tl = 0;
        if (sg17_file_read(token_file, &t, &tl, 100) != 0) {
            fprintf(stderr, "sg17 device run: cannot read token file %s\n", token_file);
            return CLI_FAIL;
        }
        while (tl > 0 && (t[tl - 1] == '\n' || t[tl - 1] == '\r' || t[tl - 1] == ' '))
            tl--;
        (void)snprintf(tokbuf, sizeof tokbuf, "%.*s", (int)tl, (const char *)t);
        free(t);
        tok = tokbuf;
    }
    if (tok == NULL || *tok == '\0') {
        fprintf(stderr, "sg17 device run: no token (--token-file or SG17_DEVICE_TOKEN)\n");
        return CLI_USAGE;
    }
    (void)snprintf(x.auth, sizeof x.auth, "Authorization: Bearer %s", tok);
    char why[256] = "";
    sg17_device *d = NULL;
    if (sg17_device_open(dir, &d, why, sizeof why) != 0) {
        fprintf(stderr, "sg17 device run: %s\n", why);
        return CLI_FAIL;
    }
    if (have_cut_flash)
        sg17_device_cut_after(d, (long)cut_flash);
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        sg17_device_close(d);
        return CLI_FAIL;
    }
    sg17_device_http http = {&x, t_get, t_post};
    sg17_device_result res;
    int rc = sg17_device_run(d, &http, &res);
    json_t *o = json_pack("{s:s,s:i,s:b,s:b,s:b,s:b,s:b,s:I,s:I,s:s}", "device", sg17_device_id(d),
                          "booted_slot", res.booted_slot, "installed", res.installed,
                          "confirmed", res.confirmed, "reverted", res.reverted, "refused",
                          res.refused, "reported", res.reported, "committed_sequence",
                          (json_int_t)res.committed_seq, "resumed_from",
                          (json_int_t)res.resumed_from, "why", res.why);
    if (o != NULL) {
        char *s = json_dumps(o, JSON_COMPACT);
        if (s)
            printf("%s\n", s);
        free(s);
        json_decref(o);
    }
    sg17_device_close(d);
    curl_global_cleanup();
    if (rc != 0) {
        fprintf(stderr, "sg17 device run: interrupted: %s%s%s\n", sg17_strerror(rc),
                res.why[0] ? ": " : "", res.why);
        return CLI_FAIL;
    }
    if (res.refused || res.reverted) {
        fprintf(stderr, "sg17 device run: %s\n", res.why[0] ? res.why : "self-test failed");
        return CLI_NEGATIVE;
    }
    return CLI_OK;
}

/* SHA-256 of the raw public key in a key file. */
static int pub_digest(const char *path, uint8_t h[32])
{
    sg17_pqc_key *k = NULL;
    if (sg17_pqc_key_load(path, &k) != 0)
        return -1;
    size_t n = 0;
    const uint8_t *pk = sg17_pqc_key_public(k, &n);
    sg17_sha256(h, pk, n);
    sg17_pqc_key_free(k);
    return 0;
}

static int do_anchors_sign(int argc, char **argv)
{
    const char *add[MAX_ANCHORS], *keys[MAX_ANCHORS], *out = NULL;
    size_t n_add = 0, n_keys = 0, n_rev = 0;
    uint8_t rev[16][32];
    uint64_t epoch = 0;
    int have_epoch = 0, ret = CLI_FAIL;
    for (int i = 1; i + 1 < argc; i += 2) {
        const char *a = argv[i], *v = argv[i + 1];
        if (strcmp(a, "--epoch") == 0 && parse_u64(v, &epoch) == 0)
            have_epoch = 1;
        else if (strcmp(a, "--add") == 0 && n_add < MAX_ANCHORS)
            add[n_add++] = v;
        else if (strcmp(a, "--key") == 0 && n_keys < MAX_ANCHORS)
            keys[n_keys++] = v;
        else if (strcmp(a, "-o") == 0)
            out = v;
        else if (strcmp(a, "--revoke") == 0 && n_rev < 16) {
            if (pub_digest(v, rev[n_rev]) != 0) {
                fprintf(stderr, "sg17 device anchors sign: cannot load %s\n", v);
                return CLI_FAIL;
            }
            n_rev++;
        } else {
            fprintf(stderr, "sg17 device anchors sign: bad option %s %s\n", a, v);
            return CLI_USAGE;
        }
    }
    if ((argc - 1) % 2 != 0 || !have_epoch || n_keys == 0 || out == NULL) {
        usage(stderr);
        return CLI_USAGE;
    }
    uint8_t *files[MAX_ANCHORS] = {0};
    size_t lens[MAX_ANCHORS] = {0};
    sg17_buf pl, upd;
    sg17_buf_init(&pl, 1 << 20);
    sg17_buf_init(&upd, 1 << 22);
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < n_add; i++) {
        uint8_t h[32];
        if (pub_digest(add[i], h) != 0)
            rc = SG17_E_FORMAT;
        if (rc == 0)
            rc = sg17_file_read(add[i], &files[i], &lens[i], 1 << 16);
        if (rc != 0)
            fprintf(stderr, "sg17 device anchors sign: %s is not a public key file\n", add[i]);
    }
    if (rc == 0)
        rc = sg17_device_anchor_payload(epoch, (const uint8_t *const *)files, lens, n_add,
                                        (const uint8_t(*)[32])rev, n_rev, &pl);
    if (rc == 0)
        rc = sg17_device_anchor_update_sign(pl.data, pl.len, keys, n_keys, &upd);
    if (rc == 0)
        rc = sg17_file_write_atomic(out, upd.data, upd.len, 0644);
    if (rc == 0)
        ret = CLI_OK;
    else
        fprintf(stderr, "sg17 device anchors sign: %s\n", sg17_strerror(rc));
    for (size_t i = 0; i < n_add; i++)
        free(files[i]);
    sg17_buf_free(&pl, 0);
    sg17_buf_free(&upd, 0);
    return ret;
}

static int do_anchors_apply(int argc, char **argv)
{
    const char *dir = NULL, *file = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--state") == 0 && i + 1 < argc)
            dir = argv[++i];
        else
            file = argv[i];
    }
    if (dir == NULL || file == NULL) {
        usage(stderr);
        return CLI_USAGE;
    }
    uint8_t *buf = NULL;
    size_t len = 0;
    char why[256] = "";
    sg17_device *d = NULL;
    if (sg17_file_read(file, &buf, &len, 1 << 22) != 0) {
        fprintf(stderr, "sg17 device anchors apply: cannot read %s\n", file);
        return CLI_FAIL;
    }
    if (sg17_device_open(dir, &d, why, sizeof why) != 0) {
        free(buf);
        fprintf(stderr, "sg17 device anchors apply: %s\n", why);
        return CLI_FAIL;
    }
    int rc = sg17_device_anchor_update(d, buf, len, why, sizeof why);
    size_t n = 0, nr = 0;
    uint64_t ep = 0;
    sg17_device_anchor_info(d, &n, &ep, &nr);
    sg17_device_close(d);
    free(buf);
    if (rc != 0) {
        fprintf(stderr, "sg17 device anchors apply: refused: %s\n", why);
        return rc == SG17_E_IO ? CLI_FAIL : CLI_NEGATIVE;
    }
    printf("{\"anchors\":%zu,\"anchor_epoch\":%llu,\"revoked\":%zu}\n", n,
           (unsigned long long)ep, nr);
    return CLI_OK;
}

int cmd_device(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? CLI_USAGE : CLI_OK;
    }
    const char *c = argv[1];
    if (strcmp(c, "init") == 0)
        return do_init(argc - 1, argv + 1);
    if (strcmp(c, "run") == 0)
        return do_run(argc - 1, argv + 1);
    if (strcmp(c, "pubkey") == 0)
        return do_pubkey(argc - 1, argv + 1);
    if (strcmp(c, "status") == 0)
        return do_status(argc - 1, argv + 1);
    if (strcmp(c, "anchors") == 0 && argc >= 3 && strcmp(argv[2], "sign") == 0)
        return do_anchors_sign(argc - 2, argv + 2);
    if (strcmp(c, "anchors") == 0 && argc >= 3 && strcmp(argv[2], "apply") == 0)
        return do_anchors_apply(argc - 2, argv + 2);
    fprintf(stderr, "sg17 device: unknown command '%s'\n", c);
    usage(stderr);
    return CLI_USAGE;
}
