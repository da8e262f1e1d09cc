/*
 * The directory backend of the consultation store (the CLI's default):
 *   member_states.json  circulars/N.json  keys/ADMIN.pub
 *   replies/N/ADMIN/000001.json ...  ({"received_at", "envelope"}, canonical)
 * Directories 0700, files written atomically (sg17/file.h). One writer at a
 * time: no locking (concurrent submissions go through sg17d and SQLite).
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "consult_internal.h"
#include "sg17/file.h"

#define DIR_PATH_MAX 4096
#define DIR_MAX_HISTORY 999999L
#define DIR_MAX_ADMINS 1024U
#define DIR_MAX_CIRCULARS 4096U
#define DIR_MAX_DOC_BYTES ((size_t)2 << 20)

typedef struct dir_store {
    sg17_consult_store base;
    char dir[DIR_PATH_MAX];
} dir_store;

static dir_store *as_dir(sg17_consult_store *s)
{
    return (dir_store *)s;
}

/* dir/rel built from a fixed set of shapes; SG17_E_LIMIT when too long. */
static int path_fmt(const dir_store *d, char out[DIR_PATH_MAX], const char *rel)
{
    int k = snprintf(out, DIR_PATH_MAX, "%s/%s", d->dir, rel);
    return (k < 0 || k >= DIR_PATH_MAX) ? SG17_E_LIMIT : 0;
}

static int doc_path(const dir_store *d, char out[DIR_PATH_MAX], consult_doc kind, long n,
                    const char *admin)
{
    char rel[256];
    int k;
    if (kind == CONSULT_DOC_STATES)
        k = snprintf(rel, sizeof rel, "member_states.json");
    else if (kind == CONSULT_DOC_CIRCULAR)
        k = snprintf(rel, sizeof rel, "circulars/%ld.json", n);
    else if (admin != NULL && consult_admin_id_ok(admin))
        k = snprintf(rel, sizeof rel, "keys/%s.pub", admin);
    else
        return SG17_E_NOTFOUND;
    if (k < 0 || (size_t)k >= sizeof rel)
        return SG17_E_LIMIT;
    return path_fmt(d, out, rel);
}

static int reply_dir(const dir_store *d, char out[DIR_PATH_MAX], long n, const char *admin)
{
    char rel[256];
    int k = admin ? snprintf(rel, sizeof rel, "replies/%ld/%s", n, admin)
                  : snprintf(rel, sizeof rel, "replies/%ld", n);
    if (k < 0 || (size_t)k >= sizeof rel)
        return SG17_E_LIMIT;
    return path_fmt(d, out, rel);
}

static int mkdir_p(const char *p)
{
    if (mkdir(p, 0700) != 0 && errno != EEXIST)
        return SG17_E_IO;
    return 0;
}

static int d_get(sg17_consult_store *s, consult_doc kind, long n, const char *admin,
                 uint8_t **buf, size_t *len)
{
    char p[DIR_PATH_MAX];
    int rc = doc_path(as_dir(s), p, kind, n, admin);
    return rc ? rc : sg17_file_read(p, buf, len, DIR_MAX_DOC_BYTES);
}

static int d_put(sg17_consult_store *s, consult_doc kind, long n, const char *admin,
                 const char *data, size_t len)
{
    char p[DIR_PATH_MAX];
    int rc = doc_path(as_dir(s), p, kind, n, admin);
    if (rc == SG17_E_NOTFOUND)
        return SG17_E_INVAL;
    return rc ? rc : sg17_file_write_atomic(p, data, len, kind == CONSULT_DOC_STATES ? 0600 : 0644);
}

/* n >= 1 from "<digits><suffix>" (at most `digits` digits, exactly when fixed), else 0. */
static long name_number(const char *name, const char *suffix, size_t digits, int fixed)
{
    size_t nl = strlen(name), sl = strlen(suffix);
    if (nl <= sl || nl - sl > digits || (fixed && nl - sl != digits) ||
        strcmp(name + nl - sl, suffix) != 0)
        return 0;
    long v = 0;
    for (size_t i = 0; i < nl - sl; i++) {
        if (name[i] < '0' || name[i] > '9')
            return 0;
        v = v * 10 + (name[i] - '0');
    }
    return v;
}

/* Highest sequence number among "NNNNNN.json" in dir (0 if none) and the count. */
static int scan_seq(const char *dir, long *max, size_t *count)
{
    *max = 0;
    *count = 0;
    DIR *dh = opendir(dir);
    if (dh == NULL)
        return errno == ENOENT ? 0 : SG17_E_IO;
    struct dirent *e;
    while ((e = readdir(dh)) != NULL) {
        long v = name_number(e->d_name, ".json", 6, 1);
        if (v <= 0)
            continue;
        (*count)++;
        if (v > *max)
            *max = v;
    }
    closedir(dh);
    return 0;
}

static int d_append(sg17_consult_store *s, long n, const char *admin, int64_t at,
                    const char *envelope, size_t len)
{
    dir_store *d = as_dir(s);
    char p[DIR_PATH_MAX], name[32], ts[21];
    json_t *env = NULL, *rec = NULL;
    char *text = NULL;
    size_t tlen = 0, count = 0;
    long seq = 0;
    int rc = SG17_E_NOMEM;
    if (!consult_admin_id_ok(admin))
        return SG17_E_INVAL;
    if (sg17_json_parse(envelope, len, NULL, &env, NULL) != 0)
        return SG17_E_FORMAT;
    sg17_consult_time_format(at, ts);
    if ((rec = json_pack("{s:s,s:O}", "received_at", ts, "envelope", env)) == NULL ||
        sg17_json_dump_canonical(rec, &text, &tlen) != 0)
        goto out;
    if ((rc = reply_dir(d, p, n, NULL)) != 0 || (rc = mkdir_p(p)) != 0 ||
        (rc = reply_dir(d, p, n, admin)) != 0 || (rc = mkdir_p(p)) != 0 ||
        (rc = scan_seq(p, &seq, &count)) != 0)
        goto out;
    if (seq >= DIR_MAX_HISTORY) {
        rc = SG17_E_LIMIT;
        goto out;
    }
    (void)snprintf(name, sizeof name, "/%06ld.json", seq + 1);
    if (strlen(p) + strlen(name) >= sizeof p) {
        rc = SG17_E_LIMIT;
        goto out;
    }
    memcpy(p + strlen(p), name, strlen(name) + 1);
    rc = sg17_file_write_atomic(p, text, tlen, 0644);
out:
    free(text);
    json_decref(rec);
    json_decref(env);
    return rc;
}

static int d_history(sg17_consult_store *s, long n, const char *admin, size_t *count)
{
    char p[DIR_PATH_MAX];
    long seq;
    int rc = reply_dir(as_dir(s), p, n, admin);
    return rc ? rc : scan_seq(p, &seq, count);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void free_names(char **names, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
}

/* Sorted names in dir accepted by keep(name) (malloc'd), at most cap of them. */
static int list_names(const char *dir, int (*keep)(const char *), size_t cap_max, char ***names,
                      size_t *n)
{
    *names = NULL;
    *n = 0;
    DIR *dh = opendir(dir);
    if (dh == NULL)
        return errno == ENOENT ? 0 : SG17_E_IO;
    size_t cap = 0;
    int rc = 0;
    struct dirent *e;
    while (rc == 0 && (e = readdir(dh)) != NULL) {
        if (!keep(e->d_name))
            continue;
        if (*n == cap_max) {
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
    closedir(dh);
    if (rc) {
        free_names(*names, *n);
        *names = NULL;
        *n = 0;
    } else if (*n > 1) {
        qsort(*names, *n, sizeof **names, cmp_str);
    }
    return rc;
}

static int reply_rec(const char *path, consult_reply_cb cb, void *arg, const char *admin)
{
    uint8_t *buf = NULL;
    size_t len = 0;
    json_t *rec = NULL;
    int64_t at = 0;
    int rc = sg17_file_read(path, &buf, &len, SG17_CONSULT_MAX_ENVELOPE_BYTES * 2);
    if (rc == 0)
        rc = sg17_json_parse((const char *)buf, len, NULL, &rec, NULL);
    if (rc == 0 &&
        sg17_consult_time_parse(json_string_value(json_object_get(rec, "received_at")) ?
                                    json_string_value(json_object_get(rec, "received_at")) : "",
                                &at) != 0)
        rc = SG17_E_FORMAT;
    if (rc == 0)
        rc = cb(arg, admin, at, json_object_get(rec, "envelope"));
    json_decref(rec);
    free(buf);
    return rc;
}

static int d_each_reply(sg17_consult_store *s, long n, consult_reply_cb cb, void *arg)
{
    dir_store *d = as_dir(s);
    char p[DIR_PATH_MAX], name[32];
    char **names = NULL;
    size_t count = 0;
    int rc = reply_dir(d, p, n, NULL);
    if (rc == 0)
        rc = list_names(p, consult_admin_id_ok, DIR_MAX_ADMINS, &names, &count);
    for (size_t i = 0; rc == 0 && i < count; i++) {
        long seq = 0;
        size_t have = 0;
        if ((rc = reply_dir(d, p, n, names[i])) != 0 || (rc = scan_seq(p, &seq, &have)) != 0)
            break;
        size_t base = strlen(p);
        for (long k = 1; rc == 0 && k <= seq; k++) {
            (void)snprintf(name, sizeof name, "/%06ld.json", k);
            if (base + strlen(name) >= sizeof p) {
                rc = SG17_E_LIMIT;
                break;
            }
            memcpy(p + base, name, strlen(name) + 1);
            rc = reply_rec(p, cb, arg, names[i]);
            if (rc == SG17_E_NOTFOUND) /* a gap in the numbering: nothing kept there */
                rc = 0;
        }
    }
    free_names(names, count);
    return rc;
}

static int is_circular_file(const char *name)
{
    return name_number(name, ".json", 9, 0) > 0;
}

static int is_key_file(const char *name)
{
    char id[16];
    size_t nl = strlen(name);
    if (nl < 5 || nl - 4 >= sizeof id || strcmp(name + nl - 4, ".pub") != 0)
        return 0;
    memcpy(id, name, nl - 4);
    id[nl - 4] = '\0';
    return consult_admin_id_ok(id);
}

static int d_each_doc(sg17_consult_store *s, consult_doc kind, consult_doc_cb cb, void *arg)
{
    dir_store *d = as_dir(s);
    char p[DIR_PATH_MAX];
    char **names = NULL;
    size_t count = 0;
    int rc = path_fmt(d, p, kind == CONSULT_DOC_CIRCULAR ? "circulars" : "keys");
    if (rc || kind == CONSULT_DOC_STATES)
        return rc ? rc : SG17_E_INVAL;
    rc = list_names(p, kind == CONSULT_DOC_CIRCULAR ? is_circular_file : is_key_file,
                    kind == CONSULT_DOC_CIRCULAR ? DIR_MAX_CIRCULARS : DIR_MAX_ADMINS, &names,
                    &count);
    for (size_t i = 0; rc == 0 && i < count; i++) {
        char id[16] = "";
        long n = 0;
        uint8_t *buf = NULL;
        size_t len = 0;
        if (kind == CONSULT_DOC_CIRCULAR) {
            n = name_number(names[i], ".json", 9, 0);
        } else {
            memcpy(id, names[i], strlen(names[i]) - 4);
            id[strlen(names[i]) - 4] = '\0';
        }
        rc = d_get(s, kind, n, id, &buf, &len);
        if (rc == 0)
            rc = cb(arg, n, id, buf, len);
        free(buf);
    }
    free_names(names, count);
    return rc;
}

static void d_close(sg17_consult_store *s)
{
    free(s);
}

static const consult_store_ops dir_ops = {
    .name = "dir",
    .get = d_get,
    .put = d_put,
    .each_doc = d_each_doc,
    .append = d_append,
    .history = d_history,
    .each_reply = d_each_reply,
    .refused = NULL,
    .refusals = NULL,
    .begin = NULL,
    .finish = NULL,
    .close = d_close,
};

int consult_store_dir_open(const char *dir, sg17_consult_store **out)
{
    char p[DIR_PATH_MAX];
    if (dir == NULL || out == NULL || strlen(dir) == 0 || strlen(dir) > 1024)
        return SG17_E_INVAL;
    *out = NULL;
    dir_store *d = calloc(1, sizeof *d);
    if (d == NULL)
        return SG17_E_NOMEM;
    d->base.ops = &dir_ops;
    (void)snprintf(d->dir, sizeof d->dir, "%s", dir);
    int rc = mkdir_p(d->dir);
    const char *subs[] = {"circulars", "keys", "replies"};
    for (size_t i = 0; rc == 0 && i < 3; i++)
        if ((rc = path_fmt(d, p, subs[i])) == 0)
            rc = mkdir_p(p);
    if (rc) {
        free(d);
        return rc;
    }
    *out = &d->base;
    return 0;
}
