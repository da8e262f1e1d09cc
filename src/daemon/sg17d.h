/*
 * src/daemon/sg17d.h - internals of the sg17d daemon shell: configuration,
 * the request/response model handlers see, the router and the auth layer.
 * Services plug in with one routes_<service>.c that exports a route table
 * (see router.c: the list of tables) and, if they persist data, migration
 * steps appended to store_sqlite_schema.c.
 */
#ifndef SG17D_H
#define SG17D_H

#include <stddef.h>
#include <stdint.h>

#include "sg17/common.h"
#include "sg17/log.h"
#include "store.h"

/* ---- exit codes (documented in docs/sg17d.md) ------------------------- */
enum {
    SG17D_EXIT_OK = 0,
    SG17D_EXIT_NOTFOUND = 1, /* token revoke: no such active token */
    SG17D_EXIT_USAGE = 2,    /* bad flag, bad config file or value */
    SG17D_EXIT_STORE = 3,    /* database cannot be opened, migrated or written */
    SG17D_EXIT_SERVER = 4,   /* cannot listen (address in use, bad address) */
    SG17D_EXIT_INTERNAL = 5, /* out of memory, RNG failure */
};

/* ---- configuration ----------------------------------------------------- */
#define SG17D_DEFAULT_PORT 8017
#define SG17D_PATH_MAX 4096
#define SG17D_SIDF_KEYS_MAX 16   /* [sidf] key lines; use key_dir for more */
#define SG17D_FILE_PATH_MAX 1024 /* key, directory and inventory paths */

typedef struct sg17d_config {
    char listen[64];          /**< numeric IPv4 or IPv6 address */
    unsigned port;            /**< 0 = any free port (logged at start) */
    unsigned threads;         /**< MHD thread pool size */
    size_t max_body_bytes;    /**< request bodies above this get 413 */
    size_t max_header_bytes;  /**< per-connection memory for request line + headers */
    unsigned timeout_s;       /**< idle connection timeout */
    unsigned max_connections; /**< concurrent connections */
    char db_path[SG17D_PATH_MAX];
    sg17_log_level log_level;
    /* [limits]: per-client-address token bucket; rate 0 = off */
    unsigned rate_per_s;      /**< sustained requests per second per client address */
    unsigned rate_burst;      /**< bucket size */
    /* [sidf]: home-network private keys for SUCI de-concealment */
    char sidf_keys[SG17D_SIDF_KEYS_MAX][SG17D_FILE_PATH_MAX];
    unsigned n_sidf_keys;
    char sidf_key_dir[SG17D_FILE_PATH_MAX]; /**< every private key file in it ("" = none) */
    int sidf_allow_null;                    /**< accept null-scheme SUCIs (default no) */
    /* [assess]: the inventory behind GET /v1/assess/report ("" = none) */
    char assess_inventory[SG17D_FILE_PATH_MAX];
    /* [web]: the dashboard's static files ("" = the built-in default, see main.c) */
    char web_root[SG17D_FILE_PATH_MAX];
    /* [tls]: PEM certificate chain and private key; both set = HTTPS (GnuTLS in MHD) */
    char tls_cert[SG17D_FILE_PATH_MAX];
    char tls_key[SG17D_FILE_PATH_MAX];
    /* [taxii]: medallion-format data loaded at start ("" = none); largest page (0 = 1000) */
    char taxii_fixture[SG17D_FILE_PATH_MAX];
    unsigned taxii_max_page;
    unsigned taxii_cursor_max_age_s; /* `next` older than this is refused (0 = 86400) */
    char taxii_users[SG17D_FILE_PATH_MAX]; /* HTTP Basic users, medallion format ("" = none) */
    unsigned taxii_status_max_age_s;       /* status resources kept this long (0 = 604800) */
    unsigned taxii_pbkdf2_iter;            /* PBKDF2 iterations for the users (0 = 20000) */
} sg17d_config;

/** Fill cfg with the built-in defaults. */
void sg17d_config_defaults(sg17d_config *cfg);
/**
 * Read an INI file over cfg ([server] listen, port, threads, max_body_bytes,
 * max_header_bytes, timeout_s, max_connections; [store] path; [log] level;
 * [limits] rate, burst; [sidf] key (repeatable), key_dir, allow_null;
 * [assess] inventory; [web] root; [tls] cert, key; [taxii] fixture, max_page_size,
 * cursor_max_age_s, users, status_max_age_s, pbkdf2_iterations).
 * Unknown sections/keys and bad values are errors; err gets "file:line: why".
 */
SG17_MUST_CHECK int sg17d_config_load(sg17d_config *cfg, const char *path, char *err,
                                      size_t err_len);
/** Set one key as the INI file would; used by flags and the loader. */
SG17_MUST_CHECK int sg17d_config_set(sg17d_config *cfg, const char *section, const char *key,
                                     const char *value, char *err, size_t err_len);

/* ---- auth --------------------------------------------------------------- */
enum sg17d_role {
    SG17D_ROLE_ADMIN = 1u << 0,
    SG17D_ROLE_AUTHOR = 1u << 1,         /* X.1368 firmware/manifest authors */
    SG17D_ROLE_DEVICE = 1u << 2,         /* X.1368/X.1376 devices reporting */
    SG17D_ROLE_ANALYST = 1u << 3,        /* X.1217 threat-intel analysts */
    SG17D_ROLE_ADMINISTRATION = 1u << 4, /* Member State administrations (consult) */
    SG17D_ROLE_SIDF = 1u << 5,           /* 5G core functions (UDM/AUSF) calling the SIDF */
};
#define SG17D_ROLE_ANY 0x3fu

/** "sg17_" + 64 lowercase hex digits of 32 random bytes. */
#define SG17D_TOKEN_PREFIX "sg17_"
#define SG17D_TOKEN_LEN (5 + 64)

typedef struct sg17d_principal {
    char name[SG17D_TOKEN_NAME_MAX + 1];
    unsigned role; /* one SG17D_ROLE_* bit */
} sg17d_principal;

/** Role bit for a name ("admin", ...), 0 if unknown. */
unsigned sg17d_role_from_name(const char *name);
/** Name of one role bit, "?" if not exactly one known bit. */
const char *sg17d_role_name(unsigned role);
/** 1 if name is a valid token name: [A-Za-z0-9._-]{1,63}. */
int sg17d_token_name_ok(const char *name);
/**
 * Create a token: 32 bytes from sg17_randombytes, shown as "sg17_<hex>" in
 * token_out (SG17D_TOKEN_LEN + 1 bytes); only its SHA-256 is stored.
 * name may be NULL (then "<role>-<8 hex>").
 */
SG17_MUST_CHECK int sg17d_token_create(sg17d_store *st, unsigned role, const char *name,
                                       char *token_out, char *name_out, size_t name_cap);
/**
 * Check a presented token (len bytes, not NUL-terminated): SHA-256 it, fetch
 * active candidates by the hash's first 8 bytes, compare all 32 bytes with
 * sg17_ct_memeq. 0 and *who filled, SG17_E_AUTH if unknown/revoked/malformed,
 * SG17_E_IO on store failure.
 */
SG17_MUST_CHECK int sg17d_token_verify(sg17d_store *st, const char *token, size_t len,
                                       sg17d_principal *who);

/* ---- requests, responses, routes ----------------------------------------- */
typedef struct sg17d_server sg17d_server;

typedef struct sg17d_request {
    const char *method;
    const char *path;              /* decoded path, no query string */
    const uint8_t *body;           /* NUL-terminated for convenience; may be empty */
    size_t body_len;
    const sg17d_principal *who;    /* NULL on public routes */
    void *conn;                    /* opaque: use the accessors below */
} sg17d_request;

/** Request header value (case-insensitive name) or NULL. */
const char *sg17d_req_header(const sg17d_request *req, const char *name);
/** Decoded query argument or NULL (first occurrence). */
const char *sg17d_req_query(const sg17d_request *req, const char *key);

#define SG17D_PRINCIPAL_MAX 136 /* "user:" + a 127-byte TAXII user name + NUL */

typedef struct sg17d_response {
    unsigned status;
    const char *content_type; /* static string */
    char *body;               /* malloc'd, freed by the HTTP layer */
    size_t body_len;
    char allow[64];           /* Allow header for 405, else empty */
    const char *csp;          /* Content-Security-Policy (static string) or NULL */
    unsigned retry_after;     /* Retry-After seconds (429), 0 = none */
    char content_range[64];   /* Content-Range (206/416), else empty */
    int accept_ranges;        /* 1: send "Accept-Ranges: bytes" */
    const char *xhdr_name[2]; /* extra headers (static names, e.g. X-TAXII-Date-Added-First) */
    char xhdr_value[2][40];
    char principal[SG17D_PRINCIPAL_MAX]; /* routes that authenticate themselves (TAXII): who,
                                            for the access log ("user:NAME"); "" = keep */
} sg17d_response;

/** Set a JSON body (takes ownership of obj, a jansson json_t *). */
SG17_MUST_CHECK int sg17d_resp_json(sg17d_response *resp, unsigned status, void *obj);
/** Set {"error": error, "reason": reason} with status. */
SG17_MUST_CHECK int sg17d_resp_error(sg17d_response *resp, unsigned status, const char *error,
                                     const char *reason);

/** Handlers fill resp; a negative return becomes 500 {"error":"internal"}. */
typedef int (*sg17d_handler)(sg17d_server *srv, const sg17d_request *req, sg17d_response *resp);

typedef struct sg17d_route {
    const char *method;  /* "GET", "POST", ... */
    const char *path;    /* exact path, or prefix when prefix != 0 */
    int prefix;
    unsigned roles;      /* 0 = public; else the roles allowed (bit set) */
    sg17d_handler fn;
} sg17d_route;

/* Route tables end with an entry whose method is NULL. */
extern const sg17d_route sg17d_routes_core[];
extern const sg17d_route sg17d_routes_consult[];
extern const sg17d_route sg17d_routes_sidf[];
extern const sg17d_route sg17d_routes_assess[];
extern const sg17d_route sg17d_routes_update[]; /* routes_update.c: X.1368 firmware server + status tracker */
extern const sg17d_route sg17d_routes_mbr[]; /* routes_mbr.c: signed misbehaviour reports */
extern const sg17d_route sg17d_routes_taxii[]; /* routes_taxii.c: TAXII 2.1 server */
extern const sg17d_route sg17d_routes_intel[]; /* routes_intel.c: intel summary + sightings */

/**
 * Static files of the dashboard (web.c): a GET/HEAD that no route takes is
 * looked up under cfg.web_root ("/" and ".../" mean index.html). Only
 * [A-Za-z0-9._-] path segments not starting with '.', known extensions, and
 * files whose real path stays under the root are served; anything else is a
 * 404. Returns 0 with resp filled (200 or 404), or a negative error.
 */
SG17_MUST_CHECK int sg17d_web_static(sg17d_server *srv, const char *path, sg17d_response *resp);

typedef enum sg17d_match {
    SG17D_MATCH_OK,
    SG17D_MATCH_NOT_FOUND,
    SG17D_MATCH_BAD_METHOD,
} sg17d_match;

/**
 * Find the route for method and path. HEAD matches GET routes. On
 * SG17D_MATCH_BAD_METHOD, allow gets the comma-separated methods that exist.
 */
sg17d_match sg17d_route_find(const char *method, const char *path, const sg17d_route **out,
                             char *allow, size_t allow_cap);

/* ---- the server ------------------------------------------------------------ */
struct sg17d_server {
    sg17d_config cfg;
    sg17d_store *store;
    void *mhd;      /* struct MHD_Daemon * */
    unsigned port;  /* the bound port */
    void *sidf;     /* routes_sidf.c state: key store and counters */
    void *assess;   /* routes_assess.c state: the rendered report */
    void *taxii;    /* routes_taxii.c state: the TAXII server (sg17_taxii_server *) */
    void *limiter;  /* http.c: per-address token buckets */
    char *tls_cert_pem, *tls_key_pem; /* http.c: read at start, key wiped at stop */
    size_t tls_key_len;
};

/* Service state set up before listening and freed after the stop.
 * Each logs its own reason on failure. */
SG17_MUST_CHECK int sg17d_sidf_init(sg17d_server *srv);
void sg17d_sidf_free(sg17d_server *srv);
SG17_MUST_CHECK int sg17d_assess_init(sg17d_server *srv);
void sg17d_assess_free(sg17d_server *srv);
SG17_MUST_CHECK int sg17d_taxii_init(sg17d_server *srv);
void sg17d_taxii_free(sg17d_server *srv);
/**
 * routes_taxii.c: for a request meant for the TAXII server (a path under
 * /taxii2/ or a served API root, a second path segment "collections" or
 * "status", or Accept / Content-Type naming application/taxii+json), fill
 * resp with a TAXII error message resource of status and return 1; else 0.
 * http.c uses it for its own 404, 405 and 413 answers.
 */
int sg17d_taxii_error_reply(sg17d_server *srv, const sg17d_request *req, unsigned status,
                            const char *desc, sg17d_response *resp);
/** routes_taxii.c: `sg17d taxii acl|collection ...` (argv[0] = "taxii") on cfg's database;
 *  returns an SG17D_EXIT_* code. */
int sg17d_taxii_command(sg17d_config *cfg, int argc, char **argv);
/** Copy a directory consult store of an earlier sg17d into the database (routes_consult.c);
 *  logs what it did, never fails the start. */
int sg17d_consult_init(sg17d_server *srv);

/** Start listening (MHD thread pool). Logs the URL. */
SG17_MUST_CHECK int sg17d_http_start(sg17d_server *srv);
/** Stop accepting, finish in-flight requests, join threads. */
void sg17d_http_stop(sg17d_server *srv);

#endif
