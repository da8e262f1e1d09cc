/*
 * sg17/taxii.h - X.1217 "share": the parts of a TAXII 2.1 server (OASIS TAXII
 * Version 2.1, OS 10 June 2021) that do not touch storage or HTTP: request
 * path routing inside an API root (sec. 4-5), query filters (3.5: added_after,
 * limit, next, match[id|type|version|spec_version]) and their evaluation,
 * media-type negotiation (1.6.8: Accept / Content-Type), the stateless paging
 * cursor behind `next` (3.4), error message resources (3.6.1), timestamps,
 * and the POST envelope (5.4) checked object by object.
 *
 * sg17d (src/daemon/routes_taxii.c) stores collections in SQLite and uses
 * these pieces; docs/TAXII.md describes the server as a whole.
 */
#ifndef SG17_TAXII_H
#define SG17_TAXII_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "sg17/common.h"

#ifdef __cplusplus
extern "C" {
#endif

/** The TAXII 2.1 media type (responses and POST bodies). */
#define SG17_TAXII_MEDIA_TYPE "application/taxii+json;version=2.1"
/** "YYYY-MM-DDTHH:MM:SS.ffffffZ" plus NUL. */
#define SG17_TAXII_TIME_LEN 28
/** Caps of one query: values per match[] list, bytes of one value. */
#define SG17_TAXII_MATCH_MAX 64
#define SG17_TAXII_VALUE_MAX 256
/** Encoded cursor length (base64url of 58 bytes: 78 characters) plus NUL. */
#define SG17_TAXII_CURSOR_LEN 80

/* ---- timestamps (STIX 2.1 3.2 / TAXII 2.1 3.1) --------------------------- */

/**
 * Parse an RFC 3339 UTC timestamp "YYYY-MM-DDTHH:MM:SS[.f{1,9}]Z" (years
 * 1970..9999) into microseconds since the Unix epoch (digits beyond 6 are
 * truncated). @return 0, or SG17_E_FORMAT.
 */
SG17_API SG17_MUST_CHECK int sg17_taxii_time_parse(const char *s, size_t len, int64_t *us);
/** Format microseconds since the epoch as "YYYY-MM-DDTHH:MM:SS.ffffffZ". */
SG17_API void sg17_taxii_time_format(int64_t us, char out[SG17_TAXII_TIME_LEN]);

/* ---- paths inside an API root (TAXII 2.1 4.2-5.8) ------------------------ */

typedef enum sg17_taxii_endpoint {
    SG17_TAXII_EP_NONE = 0,    /**< no such endpoint: 404 */
    SG17_TAXII_EP_ROOT,        /**< /{root}/ (4.2) */
    SG17_TAXII_EP_STATUS,      /**< /{root}/status/{id}/ (4.3) */
    SG17_TAXII_EP_COLLECTIONS, /**< /{root}/collections/ (5.1) */
    SG17_TAXII_EP_COLLECTION,  /**< /{root}/collections/{id}/ (5.2) */
    SG17_TAXII_EP_MANIFEST,    /**< .../{id}/manifest/ (5.3) */
    SG17_TAXII_EP_OBJECTS,     /**< .../{id}/objects/ (5.4, 5.5) */
    SG17_TAXII_EP_OBJECT,      /**< .../{id}/objects/{object-id}/ (5.6, 5.7) */
    SG17_TAXII_EP_VERSIONS,    /**< .../{id}/objects/{object-id}/versions/ (5.8) */
} sg17_taxii_endpoint;

typedef struct sg17_taxii_path {
    sg17_taxii_endpoint ep;
    char id[SG17_TAXII_VALUE_MAX];        /**< collection or status id */
    char object_id[SG17_TAXII_VALUE_MAX]; /**< STIX id for OBJECT / VERSIONS */
} sg17_taxii_path;

/**
 * Split the part of a request path after "/{root}/" (e.g.
 * "collections/ID/objects/") into an endpoint and its ids. The trailing "/"
 * is optional; segments must be 1..255 bytes of [A-Za-z0-9._~:-].
 * @return 0 (out->ep may be SG17_TAXII_EP_NONE: unknown endpoint).
 */
SG17_API SG17_MUST_CHECK int sg17_taxii_path_parse(const char *rest, sg17_taxii_path *out);

/* ---- media types (TAXII 2.1 1.6.8) -------------------------------------- */

/**
 * 1 if an Accept header value admits the TAXII 2.1 media type: absent or
 * empty, "*" + "/" + "*", "application/" + "*", "application/taxii+json" without a version
 * or with version=2.1 (q > 0). 0 otherwise (the server answers 406).
 */
SG17_API int sg17_taxii_accept_ok(const char *accept);
/** 1 if a Content-Type is application/taxii+json (version absent or 2.1). */
SG17_API int sg17_taxii_content_type_ok(const char *content_type);

/* ---- query filters (TAXII 2.1 3.4, 3.5) ---------------------------------- */

/** match[version] selections, combinable (comma-separated). */
enum {
    SG17_TAXII_VER_LAST = 1u << 0,  /**< the newest version (the default) */
    SG17_TAXII_VER_FIRST = 1u << 1, /**< the oldest version */
    SG17_TAXII_VER_ALL = 1u << 2,   /**< every version */
    SG17_TAXII_VER_TIMES = 1u << 3, /**< the versions listed in versions[] */
};

typedef struct sg17_taxii_filter {
    int has_added_after;
    int64_t added_after_us;
    unsigned limit;        /**< page size: the request's, capped, else the default */
    const char *next;      /**< the `next` value as given, or NULL */
    unsigned version_mask; /**< SG17_TAXII_VER_* */
    size_t n_ids, n_types, n_spec, n_versions;
    const char *ids[SG17_TAXII_MATCH_MAX];
    const char *types[SG17_TAXII_MATCH_MAX];
    const char *spec[SG17_TAXII_MATCH_MAX];
    int64_t versions[SG17_TAXII_MATCH_MAX]; /**< match[version] timestamps, us */
    char *storage_;                         /**< private: the owned copies */
} sg17_taxii_filter;

/** Query lookup: the decoded value of key, or NULL when absent. */
typedef const char *(*sg17_taxii_query_fn)(void *ctx, const char *key);

/**
 * Read the filters of one request. added_after must be a timestamp; limit a
 * positive decimal (values above max_limit are lowered to it; absent means
 * default_limit); match[id] STIX ids "type--uuid"; match[type] STIX type
 * names; match[spec_version] "2.0"/"2.1" style; match[version] any mix of
 * first, last, all and timestamps (default last). Lists are comma-separated,
 * at most SG17_TAXII_MATCH_MAX values of at most SG17_TAXII_VALUE_MAX-1 bytes.
 * On error err gets the parameter and why (the server answers 400).
 * Release with sg17_taxii_filter_free(), also after an error.
 * @return 0, SG17_E_FORMAT, SG17_E_LIMIT, SG17_E_NOMEM.
 */
SG17_API SG17_MUST_CHECK int sg17_taxii_filter_parse(sg17_taxii_filter *f, sg17_taxii_query_fn get,
                                                     void *ctx, unsigned default_limit,
                                                     unsigned max_limit, char *err, size_t err_len);
SG17_API void sg17_taxii_filter_free(sg17_taxii_filter *f);

/** What the filter looks at for one stored object version. */
typedef struct sg17_taxii_meta {
    const char *id;
    const char *type;
    const char *spec_version;
    int64_t version_us;    /**< this version */
    int64_t date_added_us; /**< when the server added this version */
    int64_t first_us;      /**< oldest version of this id (among spec-matching ones) */
    int64_t last_us;       /**< newest version of this id (among spec-matching ones) */
} sg17_taxii_meta;

/**
 * 1 if the object version passes every filter of f (added_after, match[id],
 * match[type], match[spec_version], match[version]); 0 otherwise. `limit`
 * and `next` are not filters and are ignored here.
 */
SG17_API int sg17_taxii_filter_match(const sg17_taxii_filter *f, const sg17_taxii_meta *m);

/* ---- the stateless `next` cursor (TAXII 2.1 3.4) -------------------------- */

typedef enum sg17_taxii_page_kind {
    SG17_TAXII_PAGE_OBJECTS = 1,
    SG17_TAXII_PAGE_MANIFEST = 2,
    SG17_TAXII_PAGE_VERSIONS = 3,
} sg17_taxii_page_kind;

/**
 * Where a page ended: the (date_added, row) key of its last item, which
 * listing it belongs to (scope: sg17_taxii_scope() of root, collection and,
 * for versions, object id), and when it was issued.
 */
typedef struct sg17_taxii_cursor {
    uint8_t kind; /**< sg17_taxii_page_kind */
    uint8_t scope[16];
    int64_t issued_s;
    int64_t date_added_us;
    int64_t row;
} sg17_taxii_cursor;

/** scope = SHA-256(root NUL collection NUL object_id)[0..16); object_id may be NULL. */
SG17_API void sg17_taxii_scope(uint8_t scope[16], const char *root, const char *collection,
                               const char *object_id);
/**
 * Encode c as base64url(version 1 | kind | scope | issued | date_added | row
 * | HMAC-SHA256(key, all before)[0..16)) into out (SG17_TAXII_CURSOR_LEN).
 * @return 0, SG17_E_INVAL, SG17_E_CRYPTO.
 */
SG17_API SG17_MUST_CHECK int sg17_taxii_cursor_encode(const uint8_t key[32],
                                                      const sg17_taxii_cursor *c,
                                                      char out[SG17_TAXII_CURSOR_LEN]);
/**
 * Decode and authenticate a cursor. It must carry a valid tag under key,
 * the expected kind and scope, and have been issued no more than max_age_s
 * seconds before now_s (and not after it).
 * @return 0; SG17_E_FORMAT (not a cursor), SG17_E_VERIFY (forged, or for
 *         another listing), SG17_E_STATE (expired).
 */
SG17_API SG17_MUST_CHECK int sg17_taxii_cursor_decode(const uint8_t key[32], const char *s,
                                                      uint8_t kind, const uint8_t scope[16],
                                                      int64_t now_s, int64_t max_age_s,
                                                      sg17_taxii_cursor *out);

/* ---- resources ------------------------------------------------------------ */

/**
 * An error message resource (TAXII 2.1 3.6.1): {"title", "description",
 * "http_status"}. @return a new reference, or NULL when out of memory.
 */
SG17_API json_t *sg17_taxii_error(unsigned http_status, const char *title, const char *description);

/** One object of a POSTed envelope, checked. */
typedef struct sg17_taxii_item {
    int ok;                        /**< 0: refused, see message */
    char id[SG17_TAXII_VALUE_MAX]; /**< "" when absent or unusable */
    char type[SG17_TAXII_VALUE_MAX];
    char version[SG17_TAXII_VALUE_MAX]; /**< modified, else created; "" if neither */
    int64_t version_us;
    char spec_version[8]; /**< "2.1" by default, "2.0" for 2.0-style SDOs */
    char message[160];    /**< why it was refused */
    char *json;           /**< compact JSON of the object (ok only) */
} sg17_taxii_item;

typedef struct sg17_taxii_envelope {
    size_t n;
    sg17_taxii_item *items;
} sg17_taxii_envelope;

/**
 * Parse a POST body: a JSON object whose "objects" member is an array (an
 * absent or empty array is an envelope of 0 items). Each element is checked:
 * an object with "type" (STIX type name), "id" ("<type>--<uuid>"), and, when
 * present, "modified"/"created" timestamps and "spec_version". Bad elements
 * become items with ok = 0 and a message; the envelope still parses.
 * At most max_objects elements (SG17_E_LIMIT beyond).
 * @return 0; SG17_E_FORMAT (not JSON / not an envelope: err says why),
 *         SG17_E_LIMIT, SG17_E_NOMEM.
 */
SG17_API SG17_MUST_CHECK int sg17_taxii_envelope_parse(const char *body, size_t len,
                                                       size_t max_objects, sg17_taxii_envelope *out,
                                                       char *err, size_t err_len);
SG17_API void sg17_taxii_envelope_free(sg17_taxii_envelope *env);

/* ---- HTTP Basic users (medallion's config format) ------------------------ */

/** Caps of HTTP Basic credentials: user name and password bytes (with NUL). */
#define SG17_TAXII_USER_MAX 128
#define SG17_TAXII_PASS_MAX 256
/** Longest base64 credential token after "Basic " (bytes). */
#define SG17_TAXII_BASIC_MAX 512
/** Longest role name a users file may give (bytes, with NUL). */
#define SG17_TAXII_ROLE_MAX 33
/** PBKDF2-HMAC-SHA256 iterations used by sg17d for the users' passwords. */
#define SG17_TAXII_PBKDF2_ITER 20000

/**
 * Decode an HTTP Basic Authorization header value (RFC 7617): "Basic" (any
 * case), one or more spaces, then strict base64 (standard alphabet, '='
 * padding to a multiple of 4, unused bits zero, at most SG17_TAXII_BASIC_MAX
 * characters), optionally followed by spaces. The decoded "user:password" is
 * split at the first ':'; the user must be 1..user_cap-1 bytes, the password
 * 0..pass_cap-1 bytes, neither with control bytes (0x00-0x1f, 0x7f).
 * Outputs are NUL-terminated; on failure they are emptied and the decoded
 * bytes wiped.
 * @return 0; SG17_E_FORMAT (not Basic, bad base64, no ':', control byte,
 *         empty user), SG17_E_LIMIT (a part too long).
 */
SG17_API SG17_MUST_CHECK int sg17_taxii_basic_decode(const char *authorization, char *user,
                                                     size_t user_cap, char *pass, size_t pass_cap);

/**
 * Encode HTTP Basic credentials (RFC 7617 sec. 2) as the Authorization
 * header value "Basic " + base64(user ":" pass) - the client side of
 * sg17_taxii_basic_decode, with the same caps: user 1..SG17_TAXII_USER_MAX-1
 * bytes without ':', password 0..SG17_TAXII_PASS_MAX-1 bytes, neither with
 * control bytes. out_cap >= 6 + SG17_TAXII_BASIC_MAX + 1 always suffices.
 * The base64 characters are computed without table lookups; the caller
 * wipes out after use.
 * @return 0; SG17_E_FORMAT (':' in user, empty user, control byte),
 *         SG17_E_LIMIT (a part too long, out too small; out is ""),
 *         SG17_E_INVAL.
 */
SG17_API SG17_MUST_CHECK int sg17_taxii_basic_encode(const char *user, const char *pass, char *out,
                                                     size_t out_cap);

/**
 * The users of a medallion-style configuration: {"users": {"name":
 * "password", ...}} plus this project's optional extension {"sg17_roles":
 * {"name": "role", ...}} (role names [a-z0-9_-]{1,32}). Without a role entry
 * the user "admin" gets the role admin, every other user analyst. Passwords
 * are kept only as PBKDF2-HMAC-SHA256(password, 16 random salt bytes,
 * iterations) in memory; the clear text is wiped after hashing.
 */
typedef struct sg17_taxii_users sg17_taxii_users;

/**
 * Parse a users document of len bytes (at most 1000 users; names 1..127
 * bytes without ':' or control bytes; passwords 1..255 bytes). iterations 0
 * means SG17_TAXII_PBKDF2_ITER. Other top-level members (medallion's
 * "backend", "taxii") are ignored.
 * @return 0; SG17_E_FORMAT (err says where), SG17_E_LIMIT, SG17_E_NOMEM,
 *         SG17_E_RNG, SG17_E_CRYPTO.
 */
SG17_API SG17_MUST_CHECK int sg17_taxii_users_parse(const char *json, size_t len,
                                                    unsigned iterations, sg17_taxii_users **out,
                                                    char *err, size_t err_len);
/** Read and parse a users file (at most 1 MiB; the buffer is wiped). SG17_E_IO if unreadable. */
SG17_API SG17_MUST_CHECK int sg17_taxii_users_load(const char *path, unsigned iterations,
                                                   sg17_taxii_users **out, char *err,
                                                   size_t err_len);
/** Wipe and free; NULL is a no-op. */
SG17_API void sg17_taxii_users_free(sg17_taxii_users *u);
/** Number of users. */
SG17_API size_t sg17_taxii_users_count(const sg17_taxii_users *u);
/**
 * Check a user name and password: the password's PBKDF2 is compared with
 * sg17_ct_memeq (an unknown user costs the same PBKDF2 against a dummy
 * entry). On success role (role_cap >= SG17_TAXII_ROLE_MAX) gets the
 * user's role. @return 0, SG17_E_AUTH, SG17_E_CRYPTO, SG17_E_INVAL.
 */
SG17_API SG17_MUST_CHECK int sg17_taxii_users_check(const sg17_taxii_users *u, const char *user,
                                                    const char *pass, char *role, size_t role_cap);

/* ---- the server over SQLite ----------------------------------------------- */

/**
 * A TAXII 2.1 server over one SQLite database (tables taxii_*, created if
 * absent): API roots, collections with per-role read/write rights, object
 * versions with date_added, status resources, and the cursor secret (32
 * random bytes made once and kept in the database, so that every server on
 * the same database continues every page). Thread-safe: each call borrows a
 * connection from a small pool.
 */
typedef struct sg17_taxii_server sg17_taxii_server;

typedef struct sg17_taxii_config {
    const char *db_path;      /**< SQLite file (created if absent) */
    unsigned default_page;    /**< page size without `limit` (0: 100) */
    unsigned max_page;        /**< largest page (0: 1000) */
    int64_t cursor_max_age_s; /**< `next` older than this is refused (0: 86400) */
    size_t max_objects;       /**< objects per POST (0: 100000) */
    int64_t status_max_age_s; /**< status resources older than this are gone (0: 604800) */
} sg17_taxii_config;

/** @return 0, SG17_E_IO (cannot open or create the tables), SG17_E_NOMEM, SG17_E_RNG. */
SG17_API SG17_MUST_CHECK int sg17_taxii_server_open(sg17_taxii_server **out,
                                                    const sg17_taxii_config *cfg);
/** Close; NULL is a no-op. */
SG17_API void sg17_taxii_server_close(sg17_taxii_server *s);

/**
 * Load a medallion-format data file ({"/discovery": {...}, "<root>":
 * {"information", "status", "collections": [{..., "objects", "manifest"}]}})
 * in one transaction. Each collection's can_read/can_write become the rights
 * of the roles "admin" and "analyst"; an object's date_added and media_type
 * come from the manifest entry with its id and version (else now).
 * @return 0; SG17_E_EXISTS if TAXII data is already present (nothing
 *         changed); SG17_E_FORMAT (err says where); SG17_E_IO.
 */
SG17_API SG17_MUST_CHECK int sg17_taxii_load_fixture(sg17_taxii_server *s, const char *path,
                                                     char *err, size_t err_len);

/**
 * Set a role's rights on a collection (insert or replace). Role names are
 * [a-z0-9_-]{1,32} (sg17d's roles, or a role the users file gives). The
 * server reads rights on every request: the next request sees the change.
 * @return 0, SG17_E_NOTFOUND (no such root/collection), SG17_E_FORMAT (bad
 *         role name), SG17_E_IO.
 */
SG17_API SG17_MUST_CHECK int sg17_taxii_acl_set(sg17_taxii_server *s, const char *root,
                                                const char *collection, const char *role,
                                                int can_read, int can_write);

/**
 * Remove a role's rights row from a collection: the role no longer sees it
 * (404 on its endpoints, absent from its collection list).
 * @return 0, SG17_E_NOTFOUND (no such root/collection, or no row for the
 *         role), SG17_E_IO.
 */
SG17_API SG17_MUST_CHECK int sg17_taxii_acl_revoke(sg17_taxii_server *s, const char *root,
                                                   const char *collection, const char *role);

/** One rights row, or a collection without any (role NULL, no rights). */
typedef struct sg17_taxii_acl_entry {
    const char *root;       /**< API root name ("api1") */
    const char *collection; /**< collection id */
    const char *title;      /**< the collection's title (NULL if it has none) */
    const char *role;       /**< NULL: this collection has no rights rows */
    int can_read, can_write;
} sg17_taxii_acl_entry;

/**
 * Call cb for every rights row, ordered by root, collection (in creation
 * order) and role, plus one entry with role NULL for each collection
 * without rows. root and collection, when not NULL, restrict the listing.
 * The strings live until cb returns.
 * @return 0, cb's non-zero value (listing stopped), SG17_E_IO, SG17_E_INVAL.
 */
SG17_API SG17_MUST_CHECK int
sg17_taxii_acl_list(sg17_taxii_server *s, const char *root, const char *collection,
                    int (*cb)(const sg17_taxii_acl_entry *e, void *ctx), void *ctx);

/**
 * Add a collection (TAXII 2.1 5.2.1: id, title, optional description,
 * media_types ["application/stix+json;version=2.1"]) to an API root, and the
 * root itself when the database has no root of that name (information: title
 * = the name, versions [SG17_TAXII_MEDIA_TYPE], max_content_length 10 MiB; its
 * URL is appended to the discovery resource's api_roots, which is created
 * when absent). One transaction. No role gets rights: grant them with
 * sg17_taxii_acl_set. root: 1..63 bytes of [A-Za-z0-9_.-], not "taxii2";
 * id: 1..255 bytes of [A-Za-z0-9._~:-] (TAXII uses a UUID); title non-empty
 * UTF-8. *root_created (may be NULL) tells whether the root was new.
 * @return 0; SG17_E_EXISTS (the collection exists; nothing changed);
 *         SG17_E_FORMAT (a name or text unusable); SG17_E_IO; SG17_E_INVAL.
 */
SG17_API SG17_MUST_CHECK int sg17_taxii_collection_add(sg17_taxii_server *s, const char *root,
                                                       const char *id, const char *title,
                                                       const char *description, int *root_created);

/**
 * The API root names ("api1" for "/api1/"), up to max, into names (each
 * SG17_TAXII_VALUE_MAX bytes). @return the number written, or a negative error.
 */
SG17_API int sg17_taxii_root_names(sg17_taxii_server *s, char (*names)[SG17_TAXII_VALUE_MAX],
                                   size_t max);

typedef struct sg17_taxii_request {
    const char *method;       /**< GET, HEAD, POST, DELETE */
    const char *path;         /**< decoded path without query: "/taxii2/", "/api1/..." */
    const char *host;         /**< Host header (discovery URLs), or NULL */
    int https;                /**< request came over TLS */
    const char *accept;       /**< Accept header or NULL */
    const char *content_type; /**< Content-Type header or NULL */
    const uint8_t *body;
    size_t body_len;
    const char *role; /**< the authenticated principal's role name */
    /** who is asking ("token:NAME", "user:NAME"); a status resource is shown
     *  only to the principal whose POST made it, and to the role admin.
     *  NULL: an anonymous principal that sees only its own (none). */
    const char *principal;
    sg17_taxii_query_fn query; /**< query arguments */
    void *query_ctx;
    int64_t now_us; /**< 0: the wall clock */
} sg17_taxii_request;

typedef struct sg17_taxii_response {
    unsigned status;
    const char *content_type; /**< static string, NULL without body */
    char *body;               /**< malloc'd; the caller frees it */
    size_t body_len;
    char date_added_first[SG17_TAXII_TIME_LEN]; /**< X-TAXII-Date-Added-First or "" */
    char date_added_last[SG17_TAXII_TIME_LEN];  /**< X-TAXII-Date-Added-Last or "" */
} sg17_taxii_response;

/**
 * Serve one request of an authenticated principal (the caller answers 401
 * itself): discovery at /taxii2/, then /{root}/... as in TAXII 2.1 sec. 4-5.
 * Every failure is a TAXII error message resource with its HTTP status
 * (400 bad filter or forged/expired `next`, 403, 404, 405, 406, 413, 415).
 * @return 0 with resp filled; a negative error only for internal failures
 *         (SG17_E_NOMEM, SG17_E_IO): the caller answers 500.
 */
SG17_API SG17_MUST_CHECK int sg17_taxii_handle(sg17_taxii_server *s, const sg17_taxii_request *req,
                                               sg17_taxii_response *resp);

#ifdef __cplusplus
}
#endif

#endif
