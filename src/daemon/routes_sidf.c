/*
 * SIDF endpoints (X.1811 cl. 7.2.1.1, TS 33.501 6.12 and Annex C): the
 * Subscription Identifier De-concealing Function over HTTP.
 *
 *   POST /sidf/v1/deconceal  {"suci": "suci-0-..."}  -> 200 {"supi": "imsi-..."}
 *   GET  /sidf/v1/stats      counters per protection scheme, loaded key ids
 *
 * Home-network private keys come from [sidf] key = PATH (repeatable) and
 * [sidf] key_dir = DIR, loaded once at start into one sg17_suci_keystore,
 * which is only read afterwards (sg17_suci_deconceal is safe from many
 * threads on a read-only store). A SUCI that does not de-conceal gets 400
 * with the library's reason; an unknown key id and a MAC failure give the
 * same answer (the library makes them indistinguishable, and so does this
 * layer: one counter, one reply). Docs: docs/sg17d.md "SIDF".
 */
#include <dirent.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <jansson.h>

#include "sg17/suci.h"
#include "sg17d.h"

/* Counter slots: the schemes sg17 knows, then "other" (a parseable SUCI
 * naming a scheme id we do not implement). */
enum { SLOT_NULL, SLOT_A, SLOT_B, SLOT_MLKEM768, SLOT_XWING, SLOT_OTHER, N_SLOTS };
static const char *const slot_names[N_SLOTS] = {"null", "A", "B", "mlkem768", "xwing", "other"};

#define MAX_KEYS 255

typedef struct sidf_counts {
    unsigned long long ok, failed, malformed;
} sidf_counts;

typedef struct sidf_state {
    sg17_suci_keystore *ks;
    struct {
        unsigned key_id, scheme;
    } keys[MAX_KEYS];
    size_t n_keys;
    pthread_mutex_t lock; /* counters only */
    sidf_counts counts[N_SLOTS];
    unsigned long long unparseable;  /* not a SUCI at all: no scheme to count it under */
    unsigned long long bad_requests; /* not JSON, no "suci" string */
} sidf_state;

static int slot_of(unsigned scheme)
{
    switch (scheme) {
    case SG17_SUCI_SCHEME_NULL: return SLOT_NULL;
    case SG17_SUCI_SCHEME_PROFILE_A: return SLOT_A;
    case SG17_SUCI_SCHEME_PROFILE_B: return SLOT_B;
    case SG17_SUCI_SCHEME_MLKEM768: return SLOT_MLKEM768;
    case SG17_SUCI_SCHEME_XWING: return SLOT_XWING;
    default: return SLOT_OTHER;
    }
}

static int add_key(sidf_state *st, const char *path)
{
    sg17_suci_key *key = NULL;
    unsigned id, scheme;
    int rc = sg17_suci_key_load(path, &key);
    if (rc != 0) {
        sg17_log(SG17_LOG_ERROR, "sidf", "cannot load key %s: %s", path, sg17_strerror(rc));
        return rc;
    }
    if (!sg17_suci_key_is_private(key)) {
        sg17_log(SG17_LOG_ERROR, "sidf", "%s is a public key; the SIDF needs the private key",
                 path);
        sg17_suci_key_free(key);
        return SG17_E_FORMAT;
    }
    id = sg17_suci_key_id(key);
    scheme = sg17_suci_key_scheme(key);
    rc = sg17_suci_keystore_add(st->ks, key);
    if (rc != 0) {
        sg17_log(SG17_LOG_ERROR, "sidf", "cannot add key %s (key id %u): %s", path, id,
                 rc == SG17_E_EXISTS ? "key id already in use" : sg17_strerror(rc));
        sg17_suci_key_free(key);
        return rc;
    }
    if (st->n_keys < MAX_KEYS) {
        st->keys[st->n_keys].key_id = id;
        st->keys[st->n_keys].scheme = scheme;
        st->n_keys++;
    }
    sg17_log(SG17_LOG_INFO, "sidf", "key id %u (%s) from %s", id, sg17_suci_scheme_name(scheme),
             path);
    return 0;
}

static int name_cmp(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Every regular file in dir except *.pub and dot files, in name order. */
static int add_dir(sidf_state *st, const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    char *names[MAX_KEYS];
    size_t n = 0;
    int rc = 0;

    if (d == NULL) {
        sg17_log(SG17_LOG_ERROR, "sidf", "cannot open key_dir %s", dir);
        return SG17_E_IO;
    }
    while ((e = readdir(d)) != NULL) {
        size_t len = strlen(e->d_name);
        char path[SG17D_FILE_PATH_MAX + 260];
        struct stat sb;
        if (e->d_name[0] == '.' || (len > 4 && strcmp(e->d_name + len - 4, ".pub") == 0))
            continue;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        if (stat(path, &sb) != 0 || !S_ISREG(sb.st_mode))
            continue;
        if (n == MAX_KEYS) {
            sg17_log(SG17_LOG_ERROR, "sidf", "key_dir %s: more than %d key files", dir, MAX_KEYS);
            rc = SG17_E_LIMIT;
            break;
        }
        if ((names[n] = strdup(path)) == NULL) {
            rc = SG17_E_NOMEM;
            break;
        }
        n++;
    }
    closedir(d);
    if (rc == 0)
        qsort(names, n, sizeof names[0], name_cmp);
    for (size_t i = 0; i < n; i++) {
        if (rc == 0)
            rc = add_key(st, names[i]);
        free(names[i]);
    }
    return rc;
}

int sg17d_sidf_init(sg17d_server *srv)
{
    sidf_state *st = calloc(1, sizeof *st);
    int rc;
    if (st == NULL)
        return SG17_E_NOMEM;
    if (pthread_mutex_init(&st->lock, NULL) != 0) {
        free(st);
        return SG17_E_NOMEM;
    }
    srv->sidf = st;
    if ((rc = sg17_suci_keystore_new(&st->ks)) != 0) {
        sg17_log(SG17_LOG_ERROR, "sidf", "cannot create the key store: %s", sg17_strerror(rc));
        return rc;
    }
    sg17_suci_keystore_allow_null(st->ks, srv->cfg.sidf_allow_null);
    for (unsigned i = 0; i < srv->cfg.n_sidf_keys; i++) {
        if ((rc = add_key(st, srv->cfg.sidf_keys[i])) != 0)
            return rc;
    }
    if (srv->cfg.sidf_key_dir[0] != '\0' && (rc = add_dir(st, srv->cfg.sidf_key_dir)) != 0)
        return rc;
    sg17_log(SG17_LOG_INFO, "sidf", "%zu home-network key(s); null scheme %s", st->n_keys,
             srv->cfg.sidf_allow_null ? "accepted" : "refused");
    return 0;
}

void sg17d_sidf_free(sg17d_server *srv)
{
    sidf_state *st = srv->sidf;
    if (st == NULL)
        return;
    sg17_suci_keystore_free(st->ks); /* wipes the private keys */
    pthread_mutex_destroy(&st->lock);
    free(st);
    srv->sidf = NULL;
}

/* POST /sidf/v1/deconceal */
static int h_deconceal(sg17d_server *srv, const sg17d_request *req, sg17d_response *resp)
{
    sidf_state *st = srv->sidf;
    json_t *in;
    json_error_t jerr;
    const char *suci_text;
    size_t suci_len;
    char supi[SG17_SUCI_MAX_SUPI_TEXT];
    const char *reason = NULL;
    sg17_suci *parsed;
    int slot = -1, rc;

    in = json_loadb((const char *)req->body, req->body_len, JSON_REJECT_DUPLICATES, &jerr);
    suci_text = in ? json_string_value(json_object_get(in, "suci")) : NULL;
    if (suci_text == NULL || !json_is_object(in) || json_object_size(in) != 1) {
        json_decref(in);
        pthread_mutex_lock(&st->lock);
        st->bad_requests++;
        pthread_mutex_unlock(&st->lock);
        return sg17d_resp_error(resp, 400, "bad_request",
                                "the body must be a JSON object {\"suci\": \"suci-0-...\"}");
    }
    suci_len = json_string_length(in ? json_object_get(in, "suci") : NULL);

    /* The scheme, for the counters only (the SIDF parses again on its own). */
    parsed = malloc(sizeof *parsed);
    if (parsed == NULL) {
        json_decref(in);
        return SG17_E_NOMEM;
    }
    if (sg17_suci_parse(suci_text, suci_len, parsed) == 0)
        slot = slot_of(parsed->scheme);
    free(parsed);

    rc = sg17_suci_deconceal_text(st->ks, suci_text, suci_len, supi, sizeof supi, &reason);
    json_decref(in);

    pthread_mutex_lock(&st->lock);
    if (slot < 0)
        st->unparseable++;
    else if (rc == 0)
        st->counts[slot].ok++;
    else if (rc == SG17_E_VERIFY)
        st->counts[slot].failed++;
    else
        st->counts[slot].malformed++;
    pthread_mutex_unlock(&st->lock);

    if (rc == 0) {
        json_t *out = json_pack("{s:s}", "supi", supi);
        sg17_memzero(supi, sizeof supi);
        return sg17d_resp_json(resp, 200, out);
    }
    if (rc == SG17_E_FORMAT || rc == SG17_E_VERIFY)
        return sg17d_resp_error(resp, 400, "bad_suci",
                                reason ? reason : "the SUCI does not de-conceal");
    return rc;
}

static json_t *counts_json(const sidf_counts *c)
{
    return json_pack("{s:I, s:I, s:I}", "ok", (json_int_t)c->ok, "failed", (json_int_t)c->failed,
                     "malformed", (json_int_t)c->malformed);
}

/* GET /sidf/v1/stats */
static int h_stats(sg17d_server *srv, const sg17d_request *req, sg17d_response *resp)
{
    sidf_state *st = srv->sidf;
    sidf_counts counts[N_SLOTS], total;
    unsigned long long unparseable, bad_requests;
    json_t *schemes, *keys, *out;
    (void)req;

    pthread_mutex_lock(&st->lock);
    memcpy(counts, st->counts, sizeof counts);
    unparseable = st->unparseable;
    bad_requests = st->bad_requests;
    pthread_mutex_unlock(&st->lock);

    memset(&total, 0, sizeof total);
    schemes = json_object();
    keys = json_array();
    for (int i = 0; i < N_SLOTS; i++) {
        total.ok += counts[i].ok;
        total.failed += counts[i].failed;
        total.malformed += counts[i].malformed;
        json_object_set_new(schemes, slot_names[i], counts_json(&counts[i]));
    }
    total.malformed += unparseable;
    for (size_t i = 0; i < st->n_keys; i++)
        json_array_append_new(keys,
                              json_pack("{s:I, s:s}", "key_id", (json_int_t)st->keys[i].key_id,
                                        "scheme", sg17_suci_scheme_name(st->keys[i].scheme)));
    out = json_pack("{s:o, s:o, s:I, s:I, s:o, s:b}", "schemes", schemes, "total",
                    counts_json(&total), "unparseable", (json_int_t)unparseable, "bad_requests",
                    (json_int_t)bad_requests, "keys", keys, "allow_null", srv->cfg.sidf_allow_null);
    return sg17d_resp_json(resp, 200, out);
}

const sg17d_route sg17d_routes_sidf[] = {
    {"POST", "/sidf/v1/deconceal", 0, SG17D_ROLE_SIDF, h_deconceal},
    {"GET", "/sidf/v1/stats", 0, SG17D_ROLE_SIDF | SG17D_ROLE_ADMIN | SG17D_ROLE_ANALYST, h_stats},
    {NULL, NULL, 0, 0, NULL},
};
