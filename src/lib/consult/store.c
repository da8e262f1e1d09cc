/*
 * A directory store for consultations (used by `sg17 consult`): the Member
 * States list, imported circulars, each administration's registered signing
 * key, and every accepted reply (the latest is current, earlier ones stay as
 * history). Files are written atomically (sg17/file.h). One writer at a time.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "consult_internal.h"
#include "sg17/file.h"

#define STORE_PATH_MAX 4096
#define STORE_MAX_HISTORY 999999L

struct sg17_consult_store {
    char dir[STORE_PATH_MAX];
    sg17_pqc_key *cached; /* key handed out by the lookup callback */
};

static int path_of(const sg17_consult_store *s, char *out, const char *fmt, const char *a,
                   long n, const char *b)
{
    /* fmt uses at most: %s (dir) then a, n, b in this fixed order. */
    char rel[512];
    int k;
    if (strcmp(fmt, "states") == 0)
        k = snprintf(rel, sizeof rel, "member_states.json");
    else if (strcmp(fmt, "circular") == 0)
        k = snprintf(rel, sizeof rel, "circulars/%ld.json", n);
    else if (strcmp(fmt, "key") == 0)
        k = snprintf(rel, sizeof rel, "keys/%s.pub", a);
    else if (strcmp(fmt, "replies") == 0)
        k = snprintf(rel, sizeof rel, "replies/%ld", n);
    else if (strcmp(fmt, "admin") == 0)
        k = snprintf(rel, sizeof rel, "replies/%ld/%s", n, a);
    else
        k = snprintf(rel, sizeof rel, "replies/%ld/%s/%s", n, a, b);
    if (k < 0 || (size_t)k >= sizeof rel)
        return SG17_E_LIMIT;
    k = snprintf(out, STORE_PATH_MAX, "%s/%s", s->dir, rel);
    return (k < 0 || k >= STORE_PATH_MAX) ? SG17_E_LIMIT : 0;
}

static int mkdir_p(const char *p)
{
    if (mkdir(p, 0700) != 0 && errno != EEXIST)
        return SG17_E_IO;
    return 0;
}

static int admin_id_ok(const char *id)
{
    size_t n = strlen(id);
    if (n < 2 || n > 8)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (id[i] < 'A' || id[i] > 'Z')
            return 0;
    return 1;
}

int sg17_consult_store_open(const char *dir, sg17_consult_store **out)
{
    char p[STORE_PATH_MAX + 32];
    if (dir == NULL || out == NULL || strlen(dir) == 0 || strlen(dir) > 1024)
        return SG17_E_INVAL;
    *out = NULL;
    sg17_consult_store *s = calloc(1, sizeof *s);
    if (s == NULL)
        return SG17_E_NOMEM;
    (void)snprintf(s->dir, sizeof s->dir, "%s", dir);
    int rc = mkdir_p(s->dir);
    const char *subs[] = {"circulars", "keys", "replies"};
    for (size_t i = 0; rc == 0 && i < 3; i++) {
        (void)snprintf(p, sizeof p, "%s/%s", s->dir, subs[i]);
        rc = mkdir_p(p);
    }
    if (rc) {
        free(s);
        return rc;
    }
    *out = s;
    return 0;
}

void sg17_consult_store_free(sg17_consult_store *s)
{
    if (s == NULL)
        return;
    sg17_pqc_key_free(s->cached);
    free(s);
}

static int load_states(sg17_consult_store *s, sg17_consult_states **out)
{
    char p[STORE_PATH_MAX];
    uint8_t *buf = NULL;
    size_t len = 0;
    int rc = path_of(s, p, "states", NULL, 0, NULL);
    if (rc || (rc = sg17_file_read(p, &buf, &len, 1 << 20)) != 0)
        return rc;
    rc = sg17_consult_states_parse((const char *)buf, len, out, NULL);
    free(buf);
    return rc;
}

int sg17_consult_store_import_states(sg17_consult_store *s, const char *json, size_t len,
                                     sg17_json_error *err)
{
    char p[STORE_PATH_MAX];
    sg17_consult_states *st = NULL;
    int rc = sg17_consult_states_parse(json, len, &st, err);
    if (rc)
        return rc;
    sg17_consult_states_free(st);
    if ((rc = path_of(s, p, "states", NULL, 0, NULL)) != 0)
        return rc;
    return sg17_file_write_atomic(p, json, len, 0600);
}

int sg17_consult_store_import_circular(sg17_consult_store *s, const char *json, size_t len,
                                       long *number, sg17_json_error *err)
{
    char p[STORE_PATH_MAX];
    sg17_consult_circular *c = NULL;
    char *canon = NULL;
    uint8_t *old = NULL;
    size_t clen = 0, olen = 0;
    int rc = sg17_consult_circular_parse(json, len, &c, err);
    if (rc)
        return rc;
    if ((rc = sg17_consult_circular_canonical(c, &canon, &clen)) != 0 ||
        (rc = path_of(s, p, "circular", NULL, c->number, NULL)) != 0)
        goto out;
    if (number)
        *number = c->number;
    rc = sg17_file_read(p, &old, &olen, 2 << 20);
    if (rc == 0) {
        rc = (olen == clen && memcmp(old, canon, clen) == 0) ? 0 : SG17_E_EXISTS;
        goto out;
    }
    if (rc != SG17_E_NOTFOUND)
        goto out;
    rc = sg17_file_write_atomic(p, canon, clen, 0644);
out:
    free(old);
    free(canon);
    sg17_consult_circular_free(c);
    return rc;
}

int sg17_consult_store_circular(sg17_consult_store *s, long number, sg17_consult_circular **out)
{
    char p[STORE_PATH_MAX];
    uint8_t *buf = NULL;
    size_t len = 0;
    int rc = path_of(s, p, "circular", NULL, number, NULL);
    if (rc || (rc = sg17_file_read(p, &buf, &len, 2 << 20)) != 0)
        return rc;
    rc = sg17_consult_circular_parse((const char *)buf, len, out, NULL);
    free(buf);
    return rc;
}

int sg17_consult_store_register_key(sg17_consult_store *s, const char *administration,
                                    const char *pem, size_t len)
{
    char p[STORE_PATH_MAX];
    sg17_consult_states *st = NULL;
    sg17_pqc_key *k = NULL;
    if (s == NULL || administration == NULL || pem == NULL)
        return SG17_E_INVAL;
    int rc = load_states(s, &st);
    if (rc)
        return rc;
    const char *name = sg17_consult_states_name(st, administration);
    sg17_consult_states_free(st);
    if (name == NULL || !admin_id_ok(administration))
        return SG17_E_NOTFOUND;
    if ((rc = sg17_consult_pubkey_parse(pem, len, &k)) != 0)
        return rc;
    sg17_pqc_key_free(k);
    if ((rc = path_of(s, p, "key", administration, 0, NULL)) != 0)
        return rc;
    return sg17_file_write_atomic(p, pem, len, 0644);
}

static int store_lookup(void *arg, const char *administration, const sg17_pqc_key **key)
{
    sg17_consult_store *s = arg;
    char p[STORE_PATH_MAX];
    uint8_t *buf = NULL;
    size_t len = 0;
    if (!admin_id_ok(administration) || path_of(s, p, "key", administration, 0, NULL))
        return SG17_E_NOTFOUND;
    sg17_pqc_key_free(s->cached);
    s->cached = NULL;
    int rc = sg17_file_read(p, &buf, &len, 1 << 20);
    if (rc == 0)
        rc = sg17_consult_pubkey_parse((const char *)buf, len, &s->cached);
    free(buf);
    *key = s->cached;
    return rc;
}

/* Highest sequence number among "NNNNNN.json" in dir (0 if none) and the count. */
static int scan_seq(const char *dir, long *max, size_t *count)
{
    *max = 0;
    *count = 0;
    DIR *d = opendir(dir);
    if (d == NULL)
        return errno == ENOENT ? 0 : SG17_E_IO;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        const char *n = e->d_name;
        if (strlen(n) != 11 || strcmp(n + 6, ".json") != 0)
            continue;
        long v = 0;
        int ok = 1;
        for (size_t i = 0; i < 6; i++) {
            if (n[i] < '0' || n[i] > '9')
                ok = 0;
            v = v * 10 + (n[i] - '0');
        }
        if (!ok)
            continue;
        (*count)++;
        if (v > *max)
            *max = v;
    }
    closedir(d);
    return 0;
}

int sg17_consult_store_submit(sg17_consult_store *s, long number, const char *envelope,
                              size_t len, int64_t arrival, sg17_consult_verdict *v)
{
    char p[STORE_PATH_MAX], name[32], at[21];
    sg17_consult_circular *c = NULL;
    sg17_consult_states *st = NULL;
    json_t *reply = NULL, *env = NULL, *rec = NULL;
    char *text = NULL;
    size_t tlen = 0, count = 0;
    long seq = 0;
    int rc;

    if (s == NULL || envelope == NULL || v == NULL)
        return SG17_E_INVAL;
    if ((rc = sg17_consult_store_circular(s, number, &c)) != 0 || (rc = load_states(s, &st)) != 0)
        goto out;
    rc = sg17_consult_reply_check(c, st, store_lookup, s, envelope, len, arrival, v, &reply);
    if (rc || v->refusal)
        goto out;
    rc = SG17_E_NOMEM;
    if (sg17_json_parse(envelope, len, NULL, &env, NULL) != 0)
        goto out;
    sg17_consult_time_format(arrival, at);
    if ((rec = json_pack("{s:s,s:O}", "received_at", at, "envelope", env)) == NULL ||
        sg17_json_dump_canonical(rec, &text, &tlen) != 0)
        goto out;
    if ((rc = path_of(s, p, "replies", NULL, number, NULL)) != 0 || (rc = mkdir_p(p)) != 0 ||
        (rc = path_of(s, p, "admin", v->administration, number, NULL)) != 0 ||
        (rc = mkdir_p(p)) != 0 || (rc = scan_seq(p, &seq, &count)) != 0)
        goto out;
    if (seq >= STORE_MAX_HISTORY) {
        rc = SG17_E_LIMIT;
        goto out;
    }
    (void)snprintf(name, sizeof name, "%06ld.json", seq + 1);
    if ((rc = path_of(s, p, "seq", v->administration, number, name)) != 0)
        goto out;
    rc = sg17_file_write_atomic(p, text, tlen, 0644);
out:
    free(text);
    json_decref(rec);
    json_decref(env);
    json_decref(reply);
    sg17_consult_states_free(st);
    sg17_consult_circular_free(c);
    return rc;
}

int sg17_consult_store_history(sg17_consult_store *s, long number, const char *administration,
                               size_t *count)
{
    char p[STORE_PATH_MAX];
    long seq;
    if (s == NULL || count == NULL || administration == NULL || !admin_id_ok(administration))
        return SG17_E_INVAL;
    int rc = path_of(s, p, "admin", administration, number, NULL);
    return rc ? rc : scan_seq(p, &seq, count);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The sorted administration directories under replies/N (malloc'd names). */
static int list_admins(const char *dir, char ***names, size_t *n)
{
    *names = NULL;
    *n = 0;
    DIR *d = opendir(dir);
    if (d == NULL)
        return errno == ENOENT ? 0 : SG17_E_IO;
    size_t cap = 0;
    int rc = 0;
    struct dirent *e;
    while (rc == 0 && (e = readdir(d)) != NULL) {
        if (!admin_id_ok(e->d_name))
            continue;
        if (*n == 1024) {
            rc = SG17_E_LIMIT;
            break;
        }
        if (*n == cap) {
            cap = cap ? 2 * cap : 64;
            char **nn = realloc(*names, cap * sizeof *nn);
            if (nn == NULL) {
                rc = SG17_E_NOMEM;
                break;
            }
            *names = nn;
        }
        if (((*names)[*n] = strdup(e->d_name)) == NULL)
            rc = SG17_E_NOMEM;
        else
            (*n)++;
    }
    closedir(d);
    if (rc == 0 && *n > 1)
        qsort(*names, *n, sizeof **names, cmp_str);
    return rc;
}

static int tally_one(sg17_consult_store *s, long number, const char *admin,
                     sg17_consult_tally *t)
{
    char p[STORE_PATH_MAX], name[32];
    long seq;
    size_t count;
    uint8_t *buf = NULL;
    size_t len = 0;
    json_t *rec = NULL;
    int rc = path_of(s, p, "admin", admin, number, NULL);
    if (rc || (rc = scan_seq(p, &seq, &count)) != 0 || count == 0)
        return rc;
    /* Every kept reply counts once in order, so the tally's history length is right
     * and the last one is current. */
    for (long i = 1; rc == 0 && i <= seq; i++) {
        (void)snprintf(name, sizeof name, "%06ld.json", i);
        if ((rc = path_of(s, p, "seq", admin, number, name)) != 0)
            break;
        rc = sg17_file_read(p, &buf, &len, SG17_CONSULT_MAX_ENVELOPE_BYTES * 2);
        if (rc == SG17_E_NOTFOUND) {
            rc = 0;
            continue;
        }
        if (rc == 0)
            rc = sg17_json_parse((const char *)buf, len, NULL, &rec, NULL);
        if (rc == 0)
            rc = sg17_consult_tally_add(
                t, json_object_get(json_object_get(rec, "envelope"), "reply"));
        json_decref(rec);
        rec = NULL;
        free(buf);
        buf = NULL;
    }
    return rc;
}

int sg17_consult_store_tally(sg17_consult_store *s, long number, sg17_consult_circular **c,
                             sg17_consult_tally **t)
{
    char p[STORE_PATH_MAX];
    char **names = NULL;
    size_t n = 0;
    if (s == NULL || c == NULL || t == NULL)
        return SG17_E_INVAL;
    *c = NULL;
    *t = NULL;
    int rc = sg17_consult_store_circular(s, number, c);
    if (rc == 0)
        rc = sg17_consult_tally_new(*c, t);
    if (rc == 0)
        rc = path_of(s, p, "replies", NULL, number, NULL);
    if (rc == 0)
        rc = list_admins(p, &names, &n);
    for (size_t i = 0; rc == 0 && i < n; i++)
        rc = tally_one(s, number, names[i], *t);
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
    if (rc) {
        sg17_consult_tally_free(*t);
        sg17_consult_circular_free(*c);
        *t = NULL;
        *c = NULL;
    }
    return rc;
}
