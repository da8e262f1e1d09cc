/* Internals shared by the TAXII server files (taxii_store.c, taxii_serve.c). */
#ifndef SG17_TAXII_INTERNAL_H
#define SG17_TAXII_INTERNAL_H

#include <pthread.h>
#include <sqlite3.h>

#include "sg17/taxii.h"

#define TAXII_POOL_MAX 8

struct sg17_taxii_server {
    char *db_path;
    unsigned default_page, max_page;
    int64_t cursor_max_age_s;
    size_t max_objects;
    int64_t status_max_age_s; /* status resources older than this are not served, and purged */
    uint8_t cursor_key[32];   /* HKDF of the stored secret */
    pthread_mutex_t lock;     /* guards the idle pool */
    sqlite3 *idle[TAXII_POOL_MAX];
    size_t n_idle;
};

/* Borrow / return a connection (busy timeout set, foreign keys on). */
int taxii_db_get(sg17_taxii_server *s, sqlite3 **db);
void taxii_db_put(sg17_taxii_server *s, sqlite3 *db, int broken);

/* Growable byte buffer with a hard cap. */
typedef struct taxii_buf {
    char *p;
    size_t len, cap;
    int failed;
} taxii_buf;
void tb_add(taxii_buf *b, const char *s, size_t n);
void tb_str(taxii_buf *b, const char *s);
/* s as a JSON string literal (with quotes). */
void tb_json_str(taxii_buf *b, const char *s);

/* Wall clock in microseconds. */
int64_t taxii_now_us(void);
/* A random UUIDv4 string (37 bytes with NUL). */
int taxii_uuid4(char out[37]);

/* INSERT OR IGNORE one object version (unversioned: version = date_added). */
int taxii_insert_version(sqlite3 *db, int64_t cid, const sg17_taxii_item *it,
                         const char *media_type, int64_t date_added_us, int *inserted);

/* A collection as a role sees it (taxii_serve.c looks it up). */
typedef struct coll_info {
    int64_t cid;
    int can_read, can_write;
    json_t *media_types;
} coll_info;

/* Set resp to a TAXII body / an error message resource. */
int taxii_set_text(sg17_taxii_response *resp, unsigned status, const char *text);
int taxii_fail(sg17_taxii_response *resp, unsigned status, const char *title, const char *desc);
/* POST objects: 202 + status resource in resp (taxii_write.c). */
int taxii_add_objects(sqlite3 *db, const char *root, const coll_info *ci,
                      const sg17_taxii_envelope *env, int64_t now, const char *owner,
                      int64_t status_max_age_s, sg17_taxii_response *resp);
/* DELETE an object's matching versions: 200, or 404 when none matched. */
int taxii_delete_object(sqlite3 *db, int64_t cid, const char *id, const sg17_taxii_filter *f,
                        sg17_taxii_response *resp);

/* API root names: 1..63 bytes of [A-Za-z0-9_.-], not "taxii2" (taxii_fixture.c). */
int taxii_root_name_ok(const char *name);
/* Role names: [a-z0-9_-]{1,32} (taxii_admin.c). */
int taxii_role_ok(const char *role);

#endif
