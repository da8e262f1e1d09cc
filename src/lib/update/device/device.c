/*
 * X.1368 device core and communicator over the A/B flash model of
 * sg17/suit.h (docs/DEVICE.md). One sg17_device_run() is one power-on:
 * boot, resolve a pending trial, report, poll, fetch, verify, install,
 * trial boot, self-test, confirm or revert, report. Every decision that must
 * survive a power cut is derived from the flash journal (committed counter,
 * trial flag, slot digests); state.json only remembers what to tell the
 * tracker and is written atomically.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cbor.h>
#include <jansson.h>

#include "sg17/cbor.h"
#include "sg17/cose.h"
#include "sg17/crypto.h"
#include "sg17/device.h"
#include "sg17/file.h"
#include "sg17/json.h"
#include "sg17/pqc.h"
#include "sg17/suit.h"
#include "hex_internal.h"

#define DEV_PATH_MAX 1024
#define DEV_MAX_ANCHORS 8
#define DEV_MAX_NONCE 64
#define DEV_FETCH_TRIES 4
#define DEV_MAX_TRIAL_RETRIES 3
#define DEV_MAX_REVOKED 64

typedef struct dev_pending {
    int present;
    uint8_t digest[32];
    uint64_t seq;
    uint8_t nonce[DEV_MAX_NONCE];
    size_t nonce_len;
    char phase[16];  /* "install", "trial", "report" */
    char status[16]; /* report status: "installed", "failed", "refused" */
    char detail[256];
    unsigned retries;
} dev_pending;

struct sg17_device {
    char dir[DEV_PATH_MAX];
    char id[64];
    uint8_t vendor[16], klass[16];
    int all_of, require_pq;
    size_t slot_size;
    sg17_pqc_key *anchor_keys[DEV_MAX_ANCHORS];
    sg17_cose_key anchors[DEV_MAX_ANCHORS];
    char anchor_names[DEV_MAX_ANCHORS][64];
    size_t n_anchors;
    uint64_t anchor_epoch;
    uint8_t revoked[DEV_MAX_REVOKED][32];
    size_t n_revoked;
    sg17_pqc_key *key;
    sg17_suit_flash *flash;
    dev_pending pend;
    /* run-time */
    const sg17_device_http *http;
    sg17_device_result *res;
    uint8_t cur_digest[32];
    sg17_suit_ops fops; /* the flash's own callbacks */
};

/* ---- helpers ---------------------------------------------------------------- */

static int path_join(char *out, size_t cap, const char *a, const char *b)
{
    int n = snprintf(out, cap, "%s/%s", a, b);
    return (n < 0 || (size_t)n >= cap) ? SG17_E_LIMIT : 0;
}

static void set_why(sg17_device *d, const char *msg)
{
    if (d->res != NULL)
        (void)snprintf(d->res->why, sizeof d->res->why, "%.250s", msg);
}

/* Hex (dashes ignored, as in UUID text) into exactly n bytes. */
static int hex_fixed(const char *s, uint8_t *out, size_t n)
{
    size_t k = 0;
    int hi = -1;
    for (; *s; s++) {
        if (*s == '-')
            continue;
        int v = sg17_hexval((unsigned char)*s);
        if (v < 0 || k >= n)
            return SG17_E_FORMAT;
        if (hi < 0) {
            hi = v;
        } else {
            out[k++] = (uint8_t)(hi << 4 | v);
            hi = -1;
        }
    }
    return (k == n && hi < 0) ? 0 : SG17_E_FORMAT;
}

static size_t hex_var(const char *s, uint8_t *out, size_t cap)
{
    size_t n = strlen(s);
    if (n % 2 != 0 || n / 2 > cap)
        return (size_t)-1;
    for (size_t i = 0; i < n / 2; i++) {
        int a = sg17_hexval((unsigned char)s[2 * i]), b = sg17_hexval((unsigned char)s[2 * i + 1]);
        if (a < 0 || b < 0)
            return (size_t)-1;
        out[i] = (uint8_t)(a << 4 | b);
    }
    return n / 2;
}

static void hex_str(const uint8_t *p, size_t n, char *out)
{
    static const char h[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = h[p[i] >> 4];
        out[2 * i + 1] = h[p[i] & 15];
    }
    out[2 * n] = '\0';
}

/* A device's trust anchors and update keys are signature keys: a key file's
 * algorithm names its type, an HMAC secret is none of them. */
static sg17_cose_key_type key_type_of(const char *alg)
{
    sg17_cose_key_type t = sg17_cose_key_type_from_name(alg);
    return t == SG17_COSE_KEY_HMAC ? SG17_COSE_KEY_NONE : t;
}

/* ---- provisioning ---------------------------------------------------------- */

static int mkdir_p1(const char *p)
{
    return (mkdir(p, 0700) == 0 || errno == EEXIST) ? 0 : SG17_E_IO;
}

int sg17_device_init(const char *dir, const char *id, const char *vendor_id, const char *class_id,
                     const char *const *anchors, size_t n_anchors, int all_of, int require_pq,
                     const uint8_t *factory, size_t factory_len, uint64_t factory_seq,
                     size_t slot_size)
{
    char p[DEV_PATH_MAX], name[32];
    uint8_t v[16];
    json_t *cfg = NULL, *arr = NULL;
    char *text = NULL;
    int rc;
    if (dir == NULL || id == NULL || vendor_id == NULL || class_id == NULL ||
        n_anchors == 0 || n_anchors > DEV_MAX_ANCHORS || slot_size == 0 || strlen(id) == 0 ||
        strlen(id) >= 64 || hex_fixed(vendor_id, v, 16) != 0 || hex_fixed(class_id, v, 16) != 0)
        return SG17_E_INVAL;
    if ((rc = path_join(p, sizeof p, dir, "device.json")) != 0)
        return rc;
    if (access(p, F_OK) == 0)
        return SG17_E_EXISTS;
    if (mkdir_p1(dir) != 0)
        return SG17_E_IO;
    static const char *const subs[] = {"anchors", "flash", "dl"};
    for (size_t i = 0; i < 3; i++)
        if (path_join(p, sizeof p, dir, subs[i]) != 0 || mkdir_p1(p) != 0)
            return SG17_E_IO;
    arr = json_array();
    if (arr == NULL)
        return SG17_E_NOMEM;
    for (size_t i = 0; i < n_anchors; i++) {
        uint8_t *buf = NULL;
        size_t len = 0;
        sg17_pqc_key *k = NULL;
        if (sg17_pqc_key_load(anchors[i], &k) != 0 ||
            key_type_of(sg17_pqc_key_alg(k)) == SG17_COSE_KEY_NONE) {
            sg17_pqc_key_free(k);
            json_decref(arr);
            return SG17_E_FORMAT;
        }
        sg17_pqc_key_free(k);
        (void)snprintf(name, sizeof name, "anchor%zu.pub", i);
        rc = sg17_file_read(anchors[i], &buf, &len, 1 << 20);
        if (rc == 0)
            rc = path_join(p, sizeof p, dir, "anchors");
        if (rc == 0) {
            char q[DEV_PATH_MAX];
            rc = path_join(q, sizeof q, p, name);
            if (rc == 0)
                rc = sg17_file_write_atomic(q, buf, len, 0644);
        }
        free(buf);
        if (rc != 0 || json_array_append_new(arr, json_string(name)) != 0) {
            json_decref(arr);
            return rc ? rc : SG17_E_NOMEM;
        }
    }
    cfg = json_pack("{s:s,s:s,s:s,s:s,s:b,s:o,s:s,s:I}", "id", id, "vendor-id", vendor_id,
                    "class-id", class_id, "policy", all_of ? "all" : "any", "require-pq",
                    require_pq, "anchors", arr, "key", "device.key", "slot-size",
                    (json_int_t)slot_size);
    if (cfg == NULL)
        return SG17_E_NOMEM;
    text = json_dumps(cfg, JSON_INDENT(2));
    json_decref(cfg);
    if (text == NULL)
        return SG17_E_NOMEM;
    if ((rc = path_join(p, sizeof p, dir, "device.key")) == 0) {
        if (access(p, F_OK) == 0)
            rc = SG17_E_EXISTS;
        else
            rc = sg17_pqc_keygen_file("ml-dsa-65", p);
    }
    if (rc == 0 && (rc = path_join(p, sizeof p, dir, "flash")) == 0) {
        sg17_suit_flash *f = NULL;
        rc = sg17_suit_flash_open(p, slot_size, factory, factory_len, factory_seq, &f);
        sg17_suit_flash_close(f);
    }
    if (rc == 0 && (rc = path_join(p, sizeof p, dir, "device.json")) == 0)
        rc = sg17_file_write_atomic(p, text, strlen(text), 0644);
    free(text);
    return rc;
}

/* ---- state.json -------------------------------------------------------------- */

static int pend_save(sg17_device *d)
{
    char p[DEV_PATH_MAX], dg[65], nn[2 * DEV_MAX_NONCE + 1];
    int rc = path_join(p, sizeof p, d->dir, "state.json");
    if (rc != 0)
        return rc;
    if (!d->pend.present) {
        if (unlink(p) != 0 && errno != ENOENT)
            return SG17_E_IO;
        return 0;
    }
    hex_str(d->pend.digest, 32, dg);
    hex_str(d->pend.nonce, d->pend.nonce_len, nn);
    json_t *o = json_pack("{s:s,s:I,s:s,s:s,s:s,s:s,s:I}", "manifest", dg, "sequence",
                          (json_int_t)d->pend.seq, "nonce", nn, "phase", d->pend.phase,
                          "status", d->pend.status, "detail", d->pend.detail, "retries",
                          (json_int_t)d->pend.retries);
    if (o == NULL)
        return SG17_E_NOMEM;
    char *t = json_dumps(o, JSON_COMPACT);
    json_decref(o);
    if (t == NULL)
        return SG17_E_NOMEM;
    rc = sg17_file_write_atomic(p, t, strlen(t), 0600);
    free(t);
    return rc;
}

static int pend_load(sg17_device *d)
{
    char p[DEV_PATH_MAX];
    json_t *o = NULL;
    memset(&d->pend, 0, sizeof d->pend);
    int rc = path_join(p, sizeof p, d->dir, "state.json");
    if (rc != 0)
        return rc;
    if (access(p, F_OK) != 0)
        return 0;
    if (sg17_json_load_file(p, NULL, &o, NULL) != 0)
        return SG17_E_FORMAT;
    const char *dg = json_string_value(json_object_get(o, "manifest"));
    const char *nn = json_string_value(json_object_get(o, "nonce"));
    const char *ph = json_string_value(json_object_get(o, "phase"));
    const char *st = json_string_value(json_object_get(o, "status"));
    const char *dt = json_string_value(json_object_get(o, "detail"));
    json_int_t seq = json_integer_value(json_object_get(o, "sequence"));
    json_int_t rt = json_integer_value(json_object_get(o, "retries"));
    size_t nl = nn ? hex_var(nn, d->pend.nonce, sizeof d->pend.nonce) : (size_t)-1;
    if (dg == NULL || hex_fixed(dg, d->pend.digest, 32) != 0 || nl == (size_t)-1 || ph == NULL ||
        st == NULL || dt == NULL || seq < 0 || rt < 0) {
        json_decref(o);
        return SG17_E_FORMAT;
    }
    d->pend.nonce_len = nl;
    d->pend.seq = (uint64_t)seq;
    d->pend.retries = (unsigned)rt;
    (void)snprintf(d->pend.phase, sizeof d->pend.phase, "%s", ph);
    (void)snprintf(d->pend.status, sizeof d->pend.status, "%s", st);
    (void)snprintf(d->pend.detail, sizeof d->pend.detail, "%s", dt);
    d->pend.present = 1;
    json_decref(o);
    return 0;
}

/* ---- open / close ----------------------------------------------------------------- */

static void free_anchors(sg17_device *d)
{
    for (size_t i = 0; i < d->n_anchors; i++)
        sg17_pqc_key_free(d->anchor_keys[i]);
    memset(d->anchor_keys, 0, sizeof d->anchor_keys);
    d->n_anchors = 0;
}

static int is_revoked(const sg17_device *d, const uint8_t h[32])
{
    for (size_t i = 0; i < d->n_revoked; i++)
        if (memcmp(d->revoked[i], h, 32) == 0)
            return 1;
    return 0;
}

/* Load the anchor files named in anc (under DIR/anchors); a revoked one is an error. */
static int load_anchors(sg17_device *d, const json_t *anc)
{
    char p[DEV_PATH_MAX], q[DEV_PATH_MAX];
    free_anchors(d);
    for (size_t i = 0; i < json_array_size(anc); i++) {
        const char *a = json_string_value(json_array_get(anc, i));
        uint8_t h[32];
        if (a == NULL || strchr(a, '/') != NULL || strlen(a) >= sizeof d->anchor_names[0] ||
            path_join(p, sizeof p, d->dir, "anchors") != 0 || path_join(q, sizeof q, p, a) != 0 ||
            sg17_pqc_key_load(q, &d->anchor_keys[i]) != 0)
            return SG17_E_FORMAT;
        d->n_anchors++;
        size_t pl = 0;
        const uint8_t *pk = sg17_pqc_key_public(d->anchor_keys[i], &pl);
        d->anchors[i] = (sg17_cose_key){key_type_of(sg17_pqc_key_alg(d->anchor_keys[i])), pk, pl};
        memcpy(d->anchor_names[i], a, strlen(a) + 1);
        sg17_sha256(h, pk, pl);
        if (d->anchors[i].type == SG17_COSE_KEY_NONE || is_revoked(d, h))
            return SG17_E_FORMAT;
    }
    return d->n_anchors > 0 ? 0 : SG17_E_FORMAT;
}

void sg17_device_close(sg17_device *d)
{
    if (d == NULL)
        return;
    free_anchors(d);
    sg17_pqc_key_free(d->key);
    sg17_suit_flash_close(d->flash);
    free(d);
}

int sg17_device_open(const char *dir, sg17_device **out, char *why, size_t why_len)
{
    char p[DEV_PATH_MAX];
    json_t *o = NULL;
    int rc;
    *out = NULL;
    sg17_device *d = calloc(1, sizeof *d);
    if (d == NULL)
        return SG17_E_NOMEM;
    if (snprintf(d->dir, sizeof d->dir, "%s", dir) >= (int)sizeof d->dir) {
        free(d);
        return SG17_E_LIMIT;
    }
#define FAIL(code, msg)                                                                            \
    do {                                                                                           \
        if (why)                                                                                   \
            (void)snprintf(why, why_len, "%s", msg);                                               \
        rc = code;                                                                                 \
        goto out;                                                                                  \
    } while (0)
    if ((rc = path_join(p, sizeof p, dir, "device.json")) != 0)
        goto out;
    if (sg17_json_load_file(p, NULL, &o, NULL) != 0)
        FAIL(SG17_E_FORMAT, "device.json missing or malformed (run sg17 device init)");
    const char *id = json_string_value(json_object_get(o, "id"));
    const char *vid = json_string_value(json_object_get(o, "vendor-id"));
    const char *cid = json_string_value(json_object_get(o, "class-id"));
    const char *pol = json_string_value(json_object_get(o, "policy"));
    const char *key = json_string_value(json_object_get(o, "key"));
    json_t *anc = json_object_get(o, "anchors");
    json_int_t ss = json_integer_value(json_object_get(o, "slot-size"));
    if (id == NULL || strlen(id) == 0 || strlen(id) >= sizeof d->id || vid == NULL ||
        cid == NULL || hex_fixed(vid, d->vendor, 16) != 0 || hex_fixed(cid, d->klass, 16) != 0 ||
        pol == NULL || (strcmp(pol, "any") != 0 && strcmp(pol, "all") != 0) || key == NULL ||
        strchr(key, '/') != NULL || !json_is_array(anc) || json_array_size(anc) == 0 ||
        json_array_size(anc) > DEV_MAX_ANCHORS || ss <= 0 || ss > (1 << 30))
        FAIL(SG17_E_FORMAT, "device.json: bad id, vendor-id, class-id, policy, key, anchors or "
                            "slot-size");
    memcpy(d->id, id, strlen(id) + 1);
    d->all_of = strcmp(pol, "all") == 0;
    d->require_pq = json_is_true(json_object_get(o, "require-pq"));
    d->slot_size = (size_t)ss;
    json_t *rv = json_object_get(o, "revoked");
    json_t *ep = json_object_get(o, "anchor-epoch");
    if ((rv && (!json_is_array(rv) || json_array_size(rv) > DEV_MAX_REVOKED)) ||
        (ep && (!json_is_integer(ep) || json_integer_value(ep) < 0)))
        FAIL(SG17_E_FORMAT, "device.json: bad revoked or anchor-epoch");
    d->anchor_epoch = ep ? (uint64_t)json_integer_value(ep) : 0;
    for (size_t i = 0; rv && i < json_array_size(rv); i++) {
        const char *h = json_string_value(json_array_get(rv, i));
        if (h == NULL || hex_fixed(h, d->revoked[i], 32) != 0)
            FAIL(SG17_E_FORMAT, "device.json: bad revoked entry");
        d->n_revoked++;
    }
    if (load_anchors(d, anc) != 0)
        FAIL(SG17_E_FORMAT, "cannot load the trust anchors (or one is revoked)");
    if (path_join(p, sizeof p, dir, key) != 0 || sg17_pqc_key_load(p, &d->key) != 0 ||
        !sg17_pqc_key_is_private(d->key) || strcmp(sg17_pqc_key_alg(d->key), "ml-dsa-65") != 0)
        FAIL(SG17_E_FORMAT, "device key missing or not an ML-DSA-65 private key");
    if (path_join(p, sizeof p, dir, "flash") != 0)
        FAIL(SG17_E_LIMIT, "path too long");
    rc = sg17_suit_flash_open(p, d->slot_size, NULL, 0, 0, &d->flash);
    if (rc != 0)
        FAIL(rc, "flash metadata unreadable");
    if (pend_load(d) != 0)
        FAIL(SG17_E_FORMAT, "state.json malformed");
    rc = 0;
#undef FAIL
out:
    json_decref(o);
    if (rc != 0)
        sg17_device_close(d);
    else
        *out = d;
    return rc;
}

const char *sg17_device_id(const sg17_device *d)
{
    return d->id;
}

void sg17_device_cut_after(sg17_device *d, long n)
{
    sg17_suit_flash_cut_after(d->flash, n);
}

unsigned long sg17_device_flash_writes(const sg17_device *d)
{
    return sg17_suit_flash_writes(d->flash);
}

uint64_t sg17_device_flash_slot_read_bytes(const sg17_device *d)
{
    return sg17_suit_flash_slot_read_bytes(d->flash);
}

void sg17_device_corrupt_after(sg17_device *d, long n)
{
    sg17_suit_flash_corrupt_after(d->flash, n);
}

void sg17_device_flash_state(const sg17_device *d, uint64_t *committed_seq, int *active,
                             int *trial)
{
    sg17_suit_flash_state st;
    sg17_suit_flash_state_get(d->flash, &st);
    if (committed_seq)
        *committed_seq = st.committed_seq;
    if (active)
        *active = st.active;
    if (trial)
        *trial = st.trial;
}

/* ---- reports ------------------------------------------------------------------ */

int sg17_device_report_encode(sg17_device *d, const uint8_t digest[32], const uint8_t *nonce,
                              size_t nonce_len, const char *status, uint64_t seq,
                              const char *detail, sg17_buf *out)
{
    sg17_buf pl, tbs, cose;
    uint8_t *sig = NULL;
    size_t sig_len = 0;
    int rc;
    sg17_buf_init(&pl, 4096);
    sg17_buf_init(&tbs, 8192);
    sg17_buf_init(&cose, SG17_COSE_MAX_BYTES);
    rc = sg17_cbor_enc_map(&pl, 6);
    if (rc == 0 && (rc = sg17_cbor_enc_uint(&pl, 1)) == 0)
        rc = sg17_cbor_enc_tstr(&pl, d->id, strlen(d->id));
    if (rc == 0 && (rc = sg17_cbor_enc_uint(&pl, 2)) == 0)
        rc = sg17_cbor_enc_bstr(&pl, digest, 32);
    if (rc == 0 && (rc = sg17_cbor_enc_uint(&pl, 3)) == 0)
        rc = sg17_cbor_enc_bstr(&pl, nonce, nonce_len);
    if (rc == 0 && (rc = sg17_cbor_enc_uint(&pl, 4)) == 0)
        rc = sg17_cbor_enc_tstr(&pl, status, strlen(status));
    if (rc == 0 && (rc = sg17_cbor_enc_uint(&pl, 5)) == 0)
        rc = sg17_cbor_enc_uint(&pl, seq);
    if (rc == 0 && (rc = sg17_cbor_enc_uint(&pl, 6)) == 0)
        rc = sg17_cbor_enc_tstr(&pl, detail, strlen(detail));
    if (rc == 0)
        rc = sg17_cose_tbs(&tbs, 0, SG17_COSE_ALG_MLDSA65, pl.data, pl.len);
    if (rc == 0)
        rc = sg17_pqc_sign(d->key, tbs.data, tbs.len, NULL, 0, 0, &sig, &sig_len);
    if (rc == 0)
        rc = sg17_cose_encode(&cose, 0, SG17_COSE_ALG_MLDSA65, (const uint8_t *)d->id,
                              strlen(d->id), sig, sig_len);
    if (rc == 0 && (rc = sg17_cbor_enc_array(out, 2)) == 0 &&
        (rc = sg17_cbor_enc_bstr(out, pl.data, pl.len)) == 0)
        rc = sg17_cbor_enc_bstr(out, cose.data, cose.len);
    free(sig);
    sg17_buf_free(&pl, 0);
    sg17_buf_free(&tbs, 0);
    sg17_buf_free(&cose, 0);
    return rc;
}

void sg17_device_report_free(void *tree)
{
    cbor_item_t **t = tree;
    if (t == NULL)
        return;
    sg17_cbor_free(t[0]);
    sg17_cbor_free(t[1]);
    free(t);
}

int sg17_device_report_decode(const uint8_t *buf, size_t len, sg17_device_report *rep,
                              void **tree)
{
    cbor_item_t **t = calloc(2, sizeof *t);
    size_t n = 0;
    const uint8_t *p = NULL;
    size_t pl = 0;
    int rc = SG17_E_FORMAT;
    memset(rep, 0, sizeof *rep);
    *tree = NULL;
    if (t == NULL)
        return SG17_E_NOMEM;
    if (sg17_cbor_decode(buf, len, NULL, &t[0], NULL) != 0 || sg17_cbor_get_array(t[0], &n) != 0 ||
        n != 2 || sg17_cbor_get_bstr(sg17_cbor_array_at(t[0], 0), &rep->payload,
                                     &rep->payload_len) != 0 ||
        sg17_cbor_get_bstr(sg17_cbor_array_at(t[0], 1), &rep->cose, &rep->cose_len) != 0)
        goto out;
    if (sg17_cbor_decode(rep->payload, rep->payload_len, NULL, &t[1], NULL) != 0 ||
        !cbor_isa_map(t[1]) || cbor_map_size(t[1]) != 6)
        goto out;
    const cbor_item_t *v = NULL;
    if (sg17_cbor_map_get_int(t[1], 1, &v) != 0 ||
        sg17_cbor_get_tstr(v, &rep->device, &rep->device_len) != 0)
        goto out;
    if (sg17_cbor_map_get_int(t[1], 2, &v) != 0 || sg17_cbor_get_bstr(v, &p, &pl) != 0 ||
        pl != 32)
        goto out;
    rep->digest = p;
    if (sg17_cbor_map_get_int(t[1], 3, &v) != 0 ||
        sg17_cbor_get_bstr(v, &rep->nonce, &rep->nonce_len) != 0)
        goto out;
    if (sg17_cbor_map_get_int(t[1], 4, &v) != 0 ||
        sg17_cbor_get_tstr(v, &rep->status, &rep->status_len) != 0)
        goto out;
    if (sg17_cbor_map_get_int(t[1], 5, &v) != 0 || sg17_cbor_get_uint(v, &rep->seq) != 0)
        goto out;
    if (sg17_cbor_map_get_int(t[1], 6, &v) != 0 ||
        sg17_cbor_get_tstr(v, &rep->detail, &rep->detail_len) != 0)
        goto out;
    rc = 0;
out:
    if (rc != 0)
        sg17_device_report_free(t);
    else
        *tree = t;
    return rc;
}

/* Send the pending report; 0 when the tracker answered (accepted or refused
 * for good), SG17_E_IO to try again at the next power-on. */
static int send_report(sg17_device *d)
{
    sg17_buf body, reply;
    long status = 0;
    sg17_buf_init(&body, 1 << 16);
    sg17_buf_init(&reply, 1 << 16);
    int rc = sg17_device_report_encode(d, d->pend.digest, d->pend.nonce, d->pend.nonce_len,
                                       d->pend.status, d->pend.seq, d->pend.detail, &body);
    if (rc == 0)
        rc = d->http->post(d->http->ctx, "/v1/update/reports", "application/cbor", body.data,
                           body.len, &reply, &status);
    if (rc == 0 && status >= 500)
        rc = SG17_E_IO;
    if (rc == 0) {
        if (status == 200 || status == 201) {
            d->res->reported = 1;
        } else {
            char msg[160];
            (void)snprintf(msg, sizeof msg, "tracker refused the report (HTTP %ld)", status);
            set_why(d, msg);
        }
        d->pend.present = 0;
        rc = pend_save(d);
    }
    sg17_buf_free(&body, 0);
    sg17_buf_free(&reply, 0);
    return rc;
}

static void pend_report(sg17_device *d, const char *status, const char *detail)
{
    (void)snprintf(d->pend.phase, sizeof d->pend.phase, "report");
    (void)snprintf(d->pend.status, sizeof d->pend.status, "%s", status);
    (void)snprintf(d->pend.detail, sizeof d->pend.detail, "%s", detail);
}

/* ---- boot --------------------------------------------------------------------- */

/* The simulated self-test of a trial image: it must not carry the failure mark. */
static int selftest(sg17_device *d, int slot)
{
    sg17_buf img;
    sg17_buf_init(&img, d->slot_size);
    int rc = sg17_suit_flash_read(d->flash, slot, &img);
    const char *mark = SG17_DEVICE_SELFTEST_FAIL_MARK;
    size_t ml = strlen(mark);
    if (rc == 0 && img.len >= ml)
        for (size_t i = 0; i + ml <= img.len; i++)
            if (memcmp(img.data + i, mark, ml) == 0) {
                rc = SG17_E_VERIFY;
                break;
            }
    sg17_buf_free(&img, 0);
    return rc;
}

/* Boot, resolve a trial (self-test, confirm / revert), and turn the flash state
 * into the pending report. */
static int boot(sg17_device *d)
{
    int slot = -1, trial = 0;
    sg17_suit_flash_state st;
    int rc = sg17_suit_flash_boot(d->flash, &slot, &trial);
    if (rc != 0) {
        set_why(d, rc == SG17_E_VERIFY ? "no slot holds a verified image" : "flash error");
        return rc;
    }
    d->res->booted_slot = slot;
    if (trial) {
        rc = selftest(d, slot);
        if (rc == 0) {
            rc = sg17_suit_flash_confirm(d->flash);
            if (rc != 0)
                return rc;
            d->res->confirmed = 1;
        } else if (rc == SG17_E_VERIFY) {
            rc = sg17_suit_flash_revert(d->flash);
            if (rc != 0)
                return rc;
            d->res->reverted = 1;
            if (d->pend.present) {
                pend_report(d, "failed", "self-test of the new image failed; reverted");
                if ((rc = pend_save(d)) != 0)
                    return rc;
            }
            /* the reverted image is not bootable now: boot the confirmed one */
            rc = sg17_suit_flash_boot(d->flash, &slot, &trial);
            if (rc != 0)
                return rc;
            d->res->booted_slot = slot;
        } else {
            return rc;
        }
    }
    sg17_suit_flash_state_get(d->flash, &st);
    d->res->committed_seq = st.committed_seq;
    if (!d->pend.present || strcmp(d->pend.phase, "report") == 0)
        return 0;
    if (st.committed_seq >= d->pend.seq) {
        /* confirmed (now or before a power cut) */
        pend_report(d, "installed", "new image booted, passed its self-test and was confirmed");
        return pend_save(d);
    }
    if (strcmp(d->pend.phase, "trial") == 0 && !st.trial) {
        /* the trial was dropped by a reboot without confirm (power cut): retry */
        d->pend.retries++;
        if (d->pend.retries >= DEV_MAX_TRIAL_RETRIES)
            pend_report(d, "failed", "trial boot never confirmed; reverted");
        else
            (void)snprintf(d->pend.phase, sizeof d->pend.phase, "install");
        return pend_save(d);
    }
    return 0;
}

/* ---- fetch with resume -------------------------------------------------------- */

static int part_path(sg17_device *d, char *out, size_t cap)
{
    char dg[65], name[80], p[DEV_PATH_MAX];
    hex_str(d->cur_digest, 32, dg);
    (void)snprintf(name, sizeof name, "%s.part", dg);
    int rc = path_join(p, sizeof p, d->dir, "dl");
    return rc ? rc : path_join(out, cap, p, name);
}

static int append_file(const char *path, uint64_t at, const uint8_t *p, size_t n)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0)
        return SG17_E_IO;
    int rc = ftruncate(fd, (off_t)at) == 0 ? 0 : SG17_E_IO;
    size_t done = 0;
    while (rc == 0 && done < n) {
        ssize_t w = pwrite(fd, p + done, n - done, (off_t)(at + done));
        if (w <= 0)
            rc = SG17_E_IO;
        else
            done += (size_t)w;
    }
    if (rc == 0 && fsync(fd) != 0)
        rc = SG17_E_IO;
    close(fd);
    return rc;
}

static int dev_fetch(void *ctx, size_t comp, const char *uri, size_t uri_len, sg17_buf *out)
{
    sg17_device *d = ctx;
    char path[DEV_PATH_MAX], part[DEV_PATH_MAX];
    int rc = SG17_E_IO;
    (void)comp;
    if (uri_len == 0 || uri_len >= sizeof path || memchr(uri, '\0', uri_len) != NULL)
        return SG17_E_FORMAT;
    memcpy(path, uri, uri_len);
    path[uri_len] = '\0';
    if ((rc = part_path(d, part, sizeof part)) != 0)
        return rc;
    for (int attempt = 0; attempt < DEV_FETCH_TRIES; attempt++) {
        struct stat sb;
        uint64_t off = stat(part, &sb) == 0 ? (uint64_t)sb.st_size : 0;
        sg17_buf chunk;
        long status = 0;
        sg17_buf_init(&chunk, d->slot_size);
        if (off > 0 && d->res->resumed_from == 0)
            d->res->resumed_from = off;
        rc = d->http->get(d->http->ctx, path, off, &chunk, &status);
        int wrc = 0;
        if (status == 206 && off > 0)
            wrc = append_file(part, off, chunk.data, chunk.len);
        else if (status == 200)
            wrc = append_file(part, 0, chunk.data, chunk.len);
        else if (status == 416 && off > 0 && rc == 0)
            wrc = 0; /* nothing left: the part file is complete */
        else if (rc == 0)
            rc = SG17_E_NOTFOUND;
        sg17_buf_free(&chunk, 0);
        if (wrc != 0)
            return wrc;
        if (rc == 0)
            break;
        if (rc != SG17_E_IO)
            return rc;
    }
    if (rc != 0)
        return rc;
    uint8_t *img = NULL;
    size_t len = 0;
    rc = sg17_file_read(part, &img, &len, d->slot_size);
    if (rc == 0)
        rc = sg17_buf_append(out, img, len);
    free(img);
    return rc;
}

/* The flash callbacks, reached through the device context. */
static int dev_write(void *ctx, size_t comp, const uint8_t *p, size_t n)
{
    sg17_device *d = ctx;
    return d->fops.write(d->fops.ctx, comp, p, n);
}

static int dev_read(void *ctx, size_t comp, sg17_buf *out)
{
    sg17_device *d = ctx;
    return d->fops.read(d->fops.ctx, comp, out);
}

static int dev_digest(void *ctx, size_t comp, uint8_t out[32], uint64_t *size)
{
    sg17_device *d = ctx;
    return d->fops.digest(d->fops.ctx, comp, out, size);
}

static int dev_invoke(void *ctx, size_t comp, const uint8_t *a, size_t n)
{
    sg17_device *d = ctx;
    return d->fops.invoke(d->fops.ctx, comp, a, n);
}

/* ---- poll, verify, install ---------------------------------------------------- */

static int refuse(sg17_device *d, const char *why)
{
    char part[DEV_PATH_MAX];
    d->res->refused = 1;
    set_why(d, why);
    if (part_path(d, part, sizeof part) == 0)
        (void)unlink(part);
    pend_report(d, "refused", why);
    int rc = pend_save(d);
    return rc ? rc : send_report(d);
}

static int poll_and_install(sg17_device *d)
{
    sg17_buf reply, envb;
    long status = 0;
    json_t *o = NULL;
    sg17_suit_envelope *env = NULL;
    char p[DEV_PATH_MAX], why[SG17_SUIT_WHY_BYTES];
    int rc;
    sg17_buf_init(&reply, 1 << 16);
    sg17_buf_init(&envb, SG17_DEVICE_MAX_ENVELOPE);
    (void)snprintf(p, sizeof p, "/v1/update/poll?device=%s", d->id);
    rc = d->http->get(d->http->ctx, p, 0, &reply, &status);
    if (rc == 0 && status != 200) {
        set_why(d, "poll refused by the tracker");
        rc = status >= 500 ? SG17_E_IO : SG17_E_AUTH;
    }
    if (rc != 0)
        goto out;
    if (sg17_json_parse((const char *)reply.data, reply.len, NULL, &o, NULL) != 0) {
        rc = SG17_E_FORMAT;
        set_why(d, "poll reply is not JSON");
        goto out;
    }
    const char *dg = json_string_value(json_object_get(o, "manifest"));
    const char *ep = json_string_value(json_object_get(o, "envelope"));
    const char *nn = json_string_value(json_object_get(o, "nonce"));
    if (dg == NULL)
        goto out; /* nothing to do */
    uint8_t nonce[DEV_MAX_NONCE];
    size_t nl = nn ? hex_var(nn, nonce, sizeof nonce) : (size_t)-1;
    if (ep == NULL || nl == (size_t)-1 || nl == 0 || hex_fixed(dg, d->cur_digest, 32) != 0) {
        rc = SG17_E_FORMAT;
        set_why(d, "poll reply lacks envelope, nonce or manifest digest");
        goto out;
    }
    /* (re)start the pending record for this offer; the nonce binds the report */
    if (!d->pend.present || memcmp(d->pend.digest, d->cur_digest, 32) != 0) {
        memset(&d->pend, 0, sizeof d->pend);
        d->pend.present = 1;
        memcpy(d->pend.digest, d->cur_digest, 32);
        (void)snprintf(d->pend.phase, sizeof d->pend.phase, "install");
        (void)snprintf(d->pend.status, sizeof d->pend.status, "pending");
    }
    memcpy(d->pend.nonce, nonce, nl);
    d->pend.nonce_len = nl;
    rc = d->http->get(d->http->ctx, ep, 0, &envb, &status);
    if (rc == 0 && status != 200)
        rc = status >= 500 ? SG17_E_IO : SG17_E_NOTFOUND;
    if (rc != 0) {
        set_why(d, "cannot fetch the envelope");
        goto out;
    }
    sg17_suit_summary sum;
    if (sg17_suit_decode(envb.data, envb.len, &env, why, sizeof why) != 0) {
        rc = refuse(d, why);
        goto out;
    }
    sg17_suit_summary_get(env, &sum);
    d->pend.seq = sum.sequence_number;
    if (memcmp(sum.manifest_digest, d->cur_digest, 32) != 0) {
        rc = refuse(d, "envelope's manifest digest differs from the offered one");
        goto out;
    }
    if ((rc = pend_save(d)) != 0)
        goto out;

    sg17_suit_policy pol;
    memset(&pol, 0, sizeof pol);
    pol.anchors = d->anchors;
    pol.n_anchors = d->n_anchors;
    pol.mode = d->all_of ? SG17_SUIT_ALL_OF : SG17_SUIT_ANY_OF;
    pol.require_pq = d->require_pq;
    pol.has_vendor_id = pol.has_class_id = 1;
    memcpy(pol.vendor_id, d->vendor, 16);
    memcpy(pol.class_id, d->klass, 16);
    pol.has_last_sequence = 1;
    pol.last_sequence = d->res->committed_seq;
    /* authenticity and applicability before any byte of the image moves */
    rc = sg17_suit_verify(env, &pol, why, sizeof why);
    if (rc != 0) {
        rc = refuse(d, why);
        goto out;
    }
    sg17_suit_ops ops;
    sg17_suit_flash_ops(d->flash, &d->fops);
    memset(&ops, 0, sizeof ops);
    ops.ctx = d;
    ops.fetch = dev_fetch;
    ops.write = dev_write;
    ops.read = dev_read;
    ops.digest = dev_digest;
    ops.invoke = dev_invoke;
    rc = sg17_suit_process(env, &pol, &ops, SG17_SUIT_STEP_UPDATE, why, sizeof why);
    if (rc == SG17_E_IO || rc == SG17_E_NOMEM) {
        char m[300];
        (void)snprintf(m, sizeof m, "install interrupted: %.200s", why);
        set_why(d, m);
        goto out; /* power cut or network: the next power-on resumes */
    }
    if (rc != 0) {
        rc = refuse(d, why);
        goto out;
    }
    rc = sg17_suit_flash_install_commit(d->flash, sum.sequence_number, NULL);
    if (rc == SG17_E_STATE || rc == SG17_E_VERIFY) {
        rc = refuse(d, "flash refused the commit (rollback or digest)");
        goto out;
    }
    if (rc != 0)
        goto out;
    d->res->installed = 1;
    if (part_path(d, p, sizeof p) == 0)
        (void)unlink(p);
    (void)snprintf(d->pend.phase, sizeof d->pend.phase, "trial");
    rc = pend_save(d);
out:
    sg17_suit_free(env);
    json_decref(o);
    sg17_buf_free(&reply, 0);
    sg17_buf_free(&envb, 0);
    return rc;
}

int sg17_device_run(sg17_device *d, const sg17_device_http *http, sg17_device_result *res)
{
    memset(res, 0, sizeof *res);
    res->booted_slot = -1;
    d->http = http;
    d->res = res;
    int rc = boot(d);
    if (rc == 0 && d->pend.present && strcmp(d->pend.phase, "report") == 0)
        rc = send_report(d);
    if (rc == 0)
        rc = poll_and_install(d);
    if (rc == 0 && res->installed) {
        /* reboot into the trial image */
        rc = boot(d);
        if (rc == 0 && d->pend.present && strcmp(d->pend.phase, "report") == 0)
            rc = send_report(d);
    }
    uint64_t c = 0;
    sg17_device_flash_state(d, &c, NULL, NULL);
    res->committed_seq = c;
    d->http = NULL;
    d->res = NULL;
    return rc;
}

/* ---- trust-anchor rotation and revocation ---------------------------------------- */

int sg17_device_anchor_payload(uint64_t epoch, const uint8_t *const *add, const size_t *add_len,
                               size_t n_add, const uint8_t (*revoke)[32], size_t n_revoke,
                               sg17_buf *out)
{
    int rc = sg17_cbor_enc_map(out, 3);
    if (rc == 0 && (rc = sg17_cbor_enc_uint(out, 1)) == 0)
        rc = sg17_cbor_enc_uint(out, epoch);
    if (rc == 0 && (rc = sg17_cbor_enc_uint(out, 2)) == 0)
        rc = sg17_cbor_enc_array(out, n_add);
    for (size_t i = 0; rc == 0 && i < n_add; i++)
        rc = sg17_cbor_enc_bstr(out, add[i], add_len[i]);
    if (rc == 0 && (rc = sg17_cbor_enc_uint(out, 3)) == 0)
        rc = sg17_cbor_enc_array(out, n_revoke);
    for (size_t i = 0; rc == 0 && i < n_revoke; i++)
        rc = sg17_cbor_enc_bstr(out, revoke[i], 32);
    return rc;
}

static int64_t cose_alg_of(const char *alg)
{
    switch (key_type_of(alg)) {
    case SG17_COSE_KEY_P256: return SG17_COSE_ALG_ES256;
    case SG17_COSE_KEY_ED25519: return SG17_COSE_ALG_EDDSA;
    case SG17_COSE_KEY_HSS: return SG17_COSE_ALG_HSS_LMS;
    case SG17_COSE_KEY_MLDSA44: return SG17_COSE_ALG_MLDSA44;
    case SG17_COSE_KEY_MLDSA65: return SG17_COSE_ALG_MLDSA65;
    case SG17_COSE_KEY_MLDSA87: return SG17_COSE_ALG_MLDSA87;
    default: return 0;
    }
}

int sg17_device_anchor_update_sign(const uint8_t *payload, size_t len,
                                   const char *const *key_paths, size_t n_keys, sg17_buf *out)
{
    sg17_buf sigs, tbs, cose;
    int rc = (n_keys == 0 || n_keys > DEV_MAX_ANCHORS) ? SG17_E_INVAL : 0;
    sg17_buf_init(&sigs, (size_t)DEV_MAX_ANCHORS * SG17_COSE_MAX_BYTES);
    sg17_buf_init(&tbs, len + 64);
    sg17_buf_init(&cose, SG17_COSE_MAX_BYTES);
    for (size_t i = 0; rc == 0 && i < n_keys; i++) {
        sg17_pqc_key *k = NULL;
        uint8_t *sig = NULL;
        size_t sl = 0;
        int64_t alg = 0;
        rc = sg17_pqc_key_load(key_paths[i], &k);
        if (rc == 0 && (!sg17_pqc_key_is_private(k) || (alg = cose_alg_of(sg17_pqc_key_alg(k))) == 0))
            rc = SG17_E_UNSUPPORTED;
        sg17_buf_reset(&tbs);
        sg17_buf_reset(&cose);
        if (rc == 0)
            rc = sg17_cose_tbs(&tbs, 0, alg, payload, len);
        if (rc == 0)
            rc = sg17_pqc_sign(k, tbs.data, tbs.len, NULL, 0, 0, &sig, &sl);
        if (rc == 0)
            rc = sg17_cose_encode(&cose, 0, alg, NULL, 0, sig, sl);
        if (rc == 0)
            rc = sg17_cbor_enc_bstr(&sigs, cose.data, cose.len);
        free(sig);
        sg17_pqc_key_free(k);
    }
    if (rc == 0 && (rc = sg17_cbor_enc_array(out, 2)) == 0 &&
        (rc = sg17_cbor_enc_bstr(out, payload, len)) == 0 &&
        (rc = sg17_cbor_enc_array(out, n_keys)) == 0)
        rc = sg17_buf_append(out, sigs.data, sigs.len);
    sg17_buf_free(&sigs, 0);
    sg17_buf_free(&tbs, 0);
    sg17_buf_free(&cose, 0);
    return rc;
}

void sg17_device_anchor_info(const sg17_device *d, size_t *n_anchors, uint64_t *epoch,
                             size_t *n_revoked)
{
    if (n_anchors)
        *n_anchors = d->n_anchors;
    if (epoch)
        *epoch = d->anchor_epoch;
    if (n_revoked)
        *n_revoked = d->n_revoked;
}

int sg17_device_anchor_update(sg17_device *d, const uint8_t *buf, size_t len, char *why,
                              size_t why_len)
{
    cbor_item_t *outer = NULL, *pl = NULL;
    const uint8_t *payload = NULL;
    size_t plen = 0, nsig = 0, nadd = 0, nrev = 0;
    const cbor_item_t *sigs = NULL, *v = NULL, *adds = NULL, *revs = NULL;
    uint64_t epoch = 0;
    char p[DEV_PATH_MAX], q[DEV_PATH_MAX], names[DEV_MAX_ANCHORS][64];
    uint8_t newrev[DEV_MAX_REVOKED][32];
    size_t n_newrev = 0, n_written = 0;
    json_t *cfg = NULL;
    int rc = SG17_E_FORMAT;
#define AFAIL(code, ...)                                                                           \
    do {                                                                                           \
        if (why)                                                                                   \
            (void)snprintf(why, why_len, __VA_ARGS__);                                             \
        rc = code;                                                                                 \
        goto out;                                                                                  \
    } while (0)
    if (sg17_cbor_decode(buf, len, NULL, &outer, NULL) != 0 ||
        sg17_cbor_get_array(outer, &nsig) != 0 || nsig != 2 ||
        sg17_cbor_get_bstr(sg17_cbor_array_at(outer, 0), &payload, &plen) != 0 ||
        sg17_cbor_get_array((sigs = sg17_cbor_array_at(outer, 1)), &nsig) != 0 || nsig == 0 ||
        nsig > DEV_MAX_ANCHORS)
        AFAIL(SG17_E_FORMAT, "not a trust-anchor update [payload, [signatures]]");
    if (sg17_cbor_decode(payload, plen, NULL, &pl, NULL) != 0 ||
        sg17_cbor_map_get_int(pl, 1, &v) != 0 || sg17_cbor_get_uint(v, &epoch) != 0 ||
        sg17_cbor_map_get_int(pl, 2, &adds) != 0 || sg17_cbor_get_array(adds, &nadd) != 0 ||
        sg17_cbor_map_get_int(pl, 3, &revs) != 0 || sg17_cbor_get_array(revs, &nrev) != 0 ||
        nadd > DEV_MAX_ANCHORS || nrev > DEV_MAX_REVOKED)
        AFAIL(SG17_E_FORMAT, "trust-anchor update payload malformed");
    if (epoch <= d->anchor_epoch)
        AFAIL(SG17_E_STATE, "trust-anchor update epoch %llu is not above the device's %llu "
                            "(replay or rollback)",
              (unsigned long long)epoch, (unsigned long long)d->anchor_epoch);
    /* signatures against the current anchors, under the device policy */
    size_t verified = 0, pq = 0;
    for (size_t a = 0; a < d->n_anchors; a++) {
        int okk = 0;
        for (size_t s = 0; s < nsig && !okk; s++) {
            const uint8_t *c = NULL;
            size_t cl = 0;
            if (sg17_cbor_get_bstr(sg17_cbor_array_at(sigs, s), &c, &cl) == 0 &&
                sg17_cose_verify_detached(c, cl, payload, plen, &d->anchors[a], NULL, 0) == 0)
                okk = 1;
        }
        if (okk) {
            verified++;
            pq += (size_t)sg17_cose_key_is_pq(d->anchors[a].type);
        } else if (d->all_of) {
            AFAIL(SG17_E_AUTH, "policy all-of: trust anchor %zu (%s) did not sign the "
                               "trust-anchor update", a,
                  sg17_cose_key_type_name(d->anchors[a].type));
        }
    }
    if (verified == 0)
        AFAIL(SG17_E_AUTH, "no current trust anchor signed the trust-anchor update");
    if (d->require_pq && pq == 0)
        AFAIL(SG17_E_AUTH, "policy requires a post-quantum signature on the trust-anchor update");
    /* revocations: old ones stay, new ones join */
    memcpy(newrev, d->revoked, d->n_revoked * 32);
    n_newrev = d->n_revoked;
    for (size_t i = 0; i < nrev; i++) {
        const uint8_t *h = NULL;
        size_t hl = 0;
        if (sg17_cbor_get_bstr(sg17_cbor_array_at(revs, i), &h, &hl) != 0 || hl != 32)
            AFAIL(SG17_E_FORMAT, "revoked entry %zu is not a 32-byte SHA-256", i);
        int dup = 0;
        for (size_t k = 0; k < n_newrev; k++)
            dup |= memcmp(newrev[k], h, 32) == 0;
        if (!dup) {
            if (n_newrev >= DEV_MAX_REVOKED)
                AFAIL(SG17_E_LIMIT, "revocation list full");
            memcpy(newrev[n_newrev++], h, 32);
        }
    }
    /* the surviving anchors */
    size_t n_names = 0;
    for (size_t a = 0; a < d->n_anchors; a++) {
        uint8_t h[32];
        int gone = 0;
        sg17_sha256(h, d->anchors[a].key, d->anchors[a].key_len);
        for (size_t k = 0; k < n_newrev; k++)
            gone |= memcmp(newrev[k], h, 32) == 0;
        if (!gone)
            memcpy(names[n_names++], d->anchor_names[a], sizeof names[0]);
    }
    /* new anchor files, checked before device.json changes */
    if (path_join(p, sizeof p, d->dir, "anchors") != 0)
        AFAIL(SG17_E_LIMIT, "path too long");
    for (size_t i = 0; i < nadd; i++) {
        const uint8_t *f = NULL;
        size_t fl = 0;
        sg17_pqc_key *k = NULL;
        uint8_t h[32];
        char nm[64];
        if (sg17_cbor_get_bstr(sg17_cbor_array_at(adds, i), &f, &fl) != 0 || fl == 0)
            AFAIL(SG17_E_FORMAT, "added anchor %zu is not a bstr", i);
        if (n_names >= DEV_MAX_ANCHORS)
            AFAIL(SG17_E_LIMIT, "too many trust anchors");
        (void)snprintf(nm, sizeof nm, "e%llu-%zu.pub", (unsigned long long)epoch, i);
        if (path_join(q, sizeof q, p, nm) != 0 || sg17_file_write_atomic(q, f, fl, 0644) != 0)
            AFAIL(SG17_E_IO, "cannot write anchor %s", nm);
        n_written = i + 1;
        if (sg17_pqc_key_load(q, &k) != 0 ||
            key_type_of(sg17_pqc_key_alg(k)) == SG17_COSE_KEY_NONE) {
            sg17_pqc_key_free(k);
            AFAIL(SG17_E_FORMAT, "added anchor %zu is not a usable public key file", i);
        }
        size_t kl = 0;
        const uint8_t *pk = sg17_pqc_key_public(k, &kl);
        sg17_sha256(h, pk, kl);
        sg17_pqc_key_free(k);
        for (size_t r = 0; r < n_newrev; r++)
            if (memcmp(newrev[r], h, 32) == 0)
                AFAIL(SG17_E_VERIFY, "added anchor %zu is a revoked key: revocation is "
                                     "irreversible", i);
        memcpy(names[n_names++], nm, sizeof nm);
    }
    if (n_names == 0)
        AFAIL(SG17_E_VERIFY, "the update would leave the device without a trust anchor");
    /* one atomic replace of device.json */
    if (path_join(q, sizeof q, d->dir, "device.json") != 0 ||
        sg17_json_load_file(q, NULL, &cfg, NULL) != 0)
        AFAIL(SG17_E_IO, "cannot read device.json");
    {
        json_t *an = json_array(), *rv = json_array();
        char hx[65];
        for (size_t i = 0; i < n_names; i++)
            json_array_append_new(an, json_string(names[i]));
        for (size_t i = 0; i < n_newrev; i++) {
            hex_str(newrev[i], 32, hx);
            json_array_append_new(rv, json_string(hx));
        }
        json_object_set_new(cfg, "anchors", an);
        json_object_set_new(cfg, "revoked", rv);
        json_object_set_new(cfg, "anchor-epoch", json_integer((json_int_t)epoch));
        char *t = json_dumps(cfg, JSON_INDENT(2));
        rc = t ? sg17_file_write_atomic(q, t, strlen(t), 0644) : SG17_E_NOMEM;
        free(t);
        if (rc != 0)
            AFAIL(rc, "cannot write device.json");
        memcpy(d->revoked, newrev, n_newrev * 32);
        d->n_revoked = n_newrev;
        d->anchor_epoch = epoch;
        rc = load_anchors(d, an);
        if (rc != 0)
            AFAIL(rc, "reloading the anchors failed");
    }
    n_written = 0; /* keep the new files */
    rc = 0;
#undef AFAIL
out:
    for (size_t i = 0; i < n_written; i++) {
        char nm[64];
        (void)snprintf(nm, sizeof nm, "e%llu-%zu.pub", (unsigned long long)epoch, i);
        if (path_join(q, sizeof q, p, nm) == 0)
            (void)unlink(q);
    }
    json_decref(cfg);
    sg17_cbor_free(outer);
    sg17_cbor_free(pl);
    return rc;
}
