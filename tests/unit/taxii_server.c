/*
 * The TAXII server in process (sg17_taxii_handle over a temporary SQLite
 * database loaded with the medallion fixture, read in place): loading twice
 * is refused and changes nothing, rights follow sg17_taxii_acl_set, and
 * paging stays exact while another thread adds objects: two reader threads
 * page through a collection with limit 7 while a writer posts 40 envelopes;
 * every reader sees date_added strictly increasing across pages, no id
 * twice, and a final walk sees every object exactly once.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sg17/json.h"
#include "sg17/taxii.h"
#include "tap.h"

#define ADD          "/trustgroup1/collections/365fed99-08fa-fdcd-a1b3-fb247eb41d01"
#define HV           "/trustgroup1/collections/91a7b528-80eb-42ed-a74d-c6fbd5a26116"
#define ENVELOPES    40
#define PER_ENVELOPE 10

typedef struct q {
    const char *k[4], *v[4];
    int n;
} q;

static const char *q_get(void *ctx, const char *key)
{
    q *x = ctx;
    for (int i = 0; x != NULL && i < x->n; i++)
        if (strcmp(x->k[i], key) == 0)
            return x->v[i];
    return NULL;
}

static int call(sg17_taxii_server *s, const char *method, const char *path, const char *role,
                q *query, const char *body, sg17_taxii_response *resp)
{
    sg17_taxii_request r;
    memset(&r, 0, sizeof r);
    r.method = method;
    r.path = path;
    r.role = role;
    r.content_type = SG17_TAXII_MEDIA_TYPE;
    r.body = (const uint8_t *)body;
    r.body_len = body ? strlen(body) : 0;
    r.query = q_get;
    r.query_ctx = query;
    return sg17_taxii_handle(s, &r, resp);
}

static json_t *body_json(const sg17_taxii_response *resp)
{
    json_t *j = NULL;
    if (resp->body == NULL || sg17_json_parse(resp->body, resp->body_len, NULL, &j, NULL) != 0)
        return NULL;
    return j;
}

static sg17_taxii_server *srv;
static volatile int writer_done;

static void *writer(void *arg)
{
    char *buf = malloc(PER_ENVELOPE * 400 + 32);
    (void)arg;
    for (int e = 0; buf != NULL && e < ENVELOPES; e++) {
        size_t o = (size_t)snprintf(buf, 32, "{\"objects\":[");
        for (int i = 0; i < PER_ENVELOPE; i++)
            o += (size_t)snprintf(buf + o, 400,
                                  "%s{\"type\":\"indicator\",\"spec_version\":\"2.1\","
                                  "\"id\":\"indicator--%08d-0000-4000-8000-000000000000\","
                                  "\"created\":\"2024-01-01T00:00:00Z\","
                                  "\"modified\":\"2024-01-01T00:00:00Z\"}",
                                  i ? "," : "", e * PER_ENVELOPE + i);
        snprintf(buf + o, 4, "]}");
        sg17_taxii_response resp;
        if (call(srv, "POST", ADD "/objects/", "admin", NULL, buf, &resp) != 0 ||
            resp.status != 202)
            fprintf(stderr, "# POST failed: %u\n", resp.status);
        free(resp.body);
    }
    free(buf);
    writer_done = 1;
    return NULL;
}

typedef struct walk {
    int pages, items, dup, order_bad, errors;
} walk;

/* Page through ADD with limit 7; check order and duplicates. */
static void walk_once(walk *w)
{
    char next[SG17_TAXII_CURSOR_LEN] = "";
    char seen[ENVELOPES * PER_ENVELOPE] = {0};
    int64_t last = -1;
    for (;;) {
        q x = {{"limit", "next"}, {"7", next}, next[0] ? 2 : 1};
        sg17_taxii_response resp;
        json_t *j, *o;
        size_t i;
        if (call(srv, "GET", ADD "/objects/", "analyst", &x, NULL, &resp) != 0 ||
            resp.status != 200 || (j = body_json(&resp)) == NULL) {
            w->errors++;
            free(resp.body);
            return;
        }
        w->pages++;
        json_array_foreach(json_object_get(j, "objects"), i, o)
        {
            const char *id = json_string_value(json_object_get(o, "id"));
            int k = id ? (int)strtol(id + 11, NULL, 10) : -1;
            if (k < 0 || k >= ENVELOPES * PER_ENVELOPE || seen[k]++)
                w->dup++;
            w->items++;
        }
        if (resp.date_added_first[0]) {
            int64_t a, b;
            if (sg17_taxii_time_parse(resp.date_added_first, 27, &a) != 0 ||
                sg17_taxii_time_parse(resp.date_added_last, 27, &b) != 0 || a <= last || b < a)
                w->order_bad++;
            last = b;
        }
        const char *nx = json_string_value(json_object_get(j, "next"));
        int more = json_is_true(json_object_get(j, "more"));
        if (!more || nx == NULL || strlen(nx) >= sizeof next) {
            json_decref(j);
            free(resp.body);
            return;
        }
        memcpy(next, nx, strlen(nx) + 1);
        json_decref(j);
        free(resp.body);
    }
}

static void *reader(void *arg)
{
    walk *w = arg;
    while (!writer_done)
        walk_once(w);
    return NULL;
}

int main(void)
{
    const char *fix = tap_vector_path("stix/taxii/medallion_default_data.json");
    char dbpath[256], err[256];
    sg17_taxii_config cfg;
    sg17_taxii_response resp;
    walk w[2], fin;
    pthread_t wt, rt[2];

    snprintf(dbpath, sizeof dbpath, "%s/taxii_server.%d.db",
             getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp", (int)getpid());
    memset(&cfg, 0, sizeof cfg);
    cfg.db_path = dbpath;
    tap_int_eq(sg17_taxii_server_open(&srv, &cfg), 0, "open");
    tap_int_eq(sg17_taxii_load_fixture(srv, fix, err, sizeof err), 0, "fixture loaded");
    tap_int_eq(sg17_taxii_load_fixture(srv, fix, err, sizeof err), SG17_E_EXISTS,
               "loading again: SG17_E_EXISTS");
    tap_ok(call(srv, "GET", HV "/manifest/", "analyst", &(q){{"match[version]"}, {"all"}, 1}, NULL,
                &resp) == 0 &&
               resp.status == 200 && resp.body && strstr(resp.body, "\"more\":false"),
           "manifest after the second load");
    {
        json_t *j = body_json(&resp);
        tap_int_eq((long long)json_array_size(json_object_get(j, "objects")), 8,
                   "still 8 versions (nothing loaded twice)");
        json_decref(j);
    }
    free(resp.body);

    tap_ok(call(srv, "GET", HV "/objects/", "device", NULL, NULL, &resp) == 0 && resp.status == 404,
           "device role: no rights row -> 404");
    free(resp.body);
    tap_int_eq(sg17_taxii_acl_set(srv, "trustgroup1", "91a7b528-80eb-42ed-a74d-c6fbd5a26116",
                                  "device", 1, 0),
               0, "grant device read");
    tap_ok(call(srv, "GET", HV "/objects/", "device", NULL, NULL, &resp) == 0 && resp.status == 200,
           "device role reads now");
    free(resp.body);
    tap_ok(call(srv, "POST", HV "/objects/", "device", NULL, "{\"objects\":[]}", &resp) == 0 &&
               resp.status == 403,
           "but may not write (403)");
    free(resp.body);
    tap_int_eq(sg17_taxii_acl_set(srv, "trustgroup1", "nope", "device", 1, 1), SG17_E_NOTFOUND,
               "rights on an unknown collection: SG17_E_NOTFOUND");

    memset(w, 0, sizeof w);
    writer_done = 0;
    pthread_create(&wt, NULL, writer, NULL);
    pthread_create(&rt[0], NULL, reader, &w[0]);
    pthread_create(&rt[1], NULL, reader, &w[1]);
    pthread_join(wt, NULL);
    pthread_join(rt[0], NULL);
    pthread_join(rt[1], NULL);
    for (int i = 0; i < 2; i++) {
        tap_ok(w[i].pages > 0 && w[i].errors == 0, "reader %d: %d pages, %d items, no error", i,
               w[i].pages, w[i].items);
        tap_int_eq(w[i].dup, 0, "reader: no object twice within a walk");
        tap_int_eq(w[i].order_bad, 0, "reader: date_added strictly increasing across pages");
    }
    memset(&fin, 0, sizeof fin);
    walk_once(&fin);
    tap_ok(fin.errors == 0 && fin.dup == 0 && fin.order_bad == 0 &&
               fin.items == ENVELOPES * PER_ENVELOPE,
           "final walk: %d items in %d pages (want %d)", fin.items, fin.pages,
           ENVELOPES * PER_ENVELOPE);

    sg17_taxii_server_close(srv);
    {
        char side[300];
        unlink(dbpath);
        snprintf(side, sizeof side, "%s-wal", dbpath);
        unlink(side);
        snprintf(side, sizeof side, "%s-shm", dbpath);
        unlink(side);
    }
    return tap_done();
}
