/*
 * TAXII 2.1 server routes of sg17d (docs/TAXII.md; the server itself is
 * sg17_taxii_handle in src/lib/intel/taxii/):
 *
 *   GET  /taxii2/                                     discovery
 *   GET  /{root}/                                     API root information
 *   GET  /{root}/status/{id}/                         status of an earlier POST
 *   GET  /{root}/collections/[{id}/]                  collections visible to the role
 *   GET  /{root}/collections/{id}/objects/            envelope, paged (limit, next)
 *   POST /{root}/collections/{id}/objects/            add objects -> 202 status
 *   GET|DELETE /{root}/collections/{id}/objects/{object-id}/
 *   GET  /{root}/collections/{id}/objects/{object-id}/versions/
 *   GET  /{root}/collections/{id}/manifest/
 *
 * API roots come from the data (a medallion-format file loaded with
 * `[taxii] fixture` / --taxii-fixture, kept in the daemon's database), so
 * their route entries point at path buffers filled at start-up, before the
 * server listens, and only read afterwards. The routes are public to the
 * router and authenticate here (a Bearer token, or HTTP Basic for the users
 * of `[taxii] users`), so that a missing or bad credential gets a TAXII
 * error message (401, with WWW-Authenticate Basic from here and Bearer from
 * http.c). sg17d_taxii_error_reply gives http.c TAXII bodies for its own
 * 404/405/413 on TAXII requests.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "sg17/taxii.h"
#include "sg17d.h"

#define TAXII_ROOTS_MAX     16
#define TAXII_ROOT_PATH_MAX 72

static int h_taxii(sg17d_server *srv, const sg17d_request *req, sg17d_response *resp);

/*
 * One prefix per API root, "/<name>/"; unused slots hold a path no decoded
 * request path can start with (a control byte), so they never match.
 */
static char root_paths[TAXII_ROOTS_MAX][TAXII_ROOT_PATH_MAX] = {
    "\x01", "\x01", "\x01", "\x01", "\x01", "\x01", "\x01", "\x01",
    "\x01", "\x01", "\x01", "\x01", "\x01", "\x01", "\x01", "\x01",
};

#define ROOT_ROUTES(i)                                                             \
    {"GET", root_paths[i], 1, 0, h_taxii}, {"POST", root_paths[i], 1, 0, h_taxii}, \
    {                                                                              \
        "DELETE", root_paths[i], 1, 0, h_taxii                                     \
    }

const sg17d_route sg17d_routes_taxii[] = {
    {"GET", "/taxii2/", 0, 0, h_taxii},
    ROOT_ROUTES(0),
    ROOT_ROUTES(1),
    ROOT_ROUTES(2),
    ROOT_ROUTES(3),
    ROOT_ROUTES(4),
    ROOT_ROUTES(5),
    ROOT_ROUTES(6),
    ROOT_ROUTES(7),
    ROOT_ROUTES(8),
    ROOT_ROUTES(9),
    ROOT_ROUTES(10),
    ROOT_ROUTES(11),
    ROOT_ROUTES(12),
    ROOT_ROUTES(13),
    ROOT_ROUTES(14),
    ROOT_ROUTES(15),
    {NULL, NULL, 0, 0, NULL},
};

static const char *query_get(void *ctx, const char *key)
{
    return sg17d_req_query(ctx, key);
}

static int taxii_error(sg17d_response *resp, unsigned status, const char *title, const char *desc)
{
    int rc = sg17d_resp_json(resp, status, sg17_taxii_error(status, title, desc));
    resp->content_type = SG17_TAXII_MEDIA_TYPE;
    return rc;
}

/* HTTP Basic users ([taxii] users), loaded at start-up; NULL = Bearer tokens only. */
static sg17_taxii_users *taxii_users;

/* Who is asking: the role name and principal handed to the TAXII server. */
typedef struct taxii_who {
    char role[SG17_TAXII_ROLE_MAX];
    char principal[8 + SG17_TAXII_USER_MAX];
} taxii_who;

static int unauthorized(sg17d_response *resp, const char *desc)
{
    int rc = taxii_error(resp, 401, "Unauthorized", desc);
    /* http.c adds WWW-Authenticate: Bearer to every 401 */
    if (taxii_users != NULL) {
        resp->xhdr_name[0] = "WWW-Authenticate";
        snprintf(resp->xhdr_value[0], sizeof resp->xhdr_value[0], "Basic realm=\"sg17 TAXII\"");
    }
    return rc;
}

static int auth_basic(const char *h, taxii_who *who, sg17d_response *resp, int *rc)
{
    char user[SG17_TAXII_USER_MAX], pass[SG17_TAXII_PASS_MAX];
    int err = sg17_taxii_basic_decode(h, user, sizeof user, pass, sizeof pass);
    if (err == 0)
        err = sg17_taxii_users_check(taxii_users, user, pass, who->role, sizeof who->role);
    sg17_memzero(pass, sizeof pass);
    if (err == 0) {
        snprintf(who->principal, sizeof who->principal, "user:%s", user);
        return 0;
    }
    if (err == SG17_E_FORMAT || err == SG17_E_LIMIT)
        *rc = unauthorized(resp, "malformed HTTP Basic credentials");
    else if (err == SG17_E_AUTH)
        *rc = unauthorized(resp, "unknown user or wrong password");
    else
        *rc = taxii_error(resp, 500, "Internal error", "the password check failed");
    return 1;
}

/* Bearer token or HTTP Basic -> *who; 0, or 1 after filling a 401/500/503 reply. */
static int authenticate(sg17d_server *srv, const sg17d_request *req, taxii_who *who,
                        sg17d_response *resp, int *rc)
{
    const char *h = sg17d_req_header(req, "Authorization");
    sg17d_principal p;
    int err;
    if (h != NULL && taxii_users != NULL && strncasecmp(h, "Basic ", 6) == 0)
        return auth_basic(h, who, resp, rc);
    if (h == NULL || strncasecmp(h, "Bearer ", 7) != 0) {
        *rc = unauthorized(resp, taxii_users != NULL
                                     ? "HTTP Basic credentials or a Bearer token are required"
                                     : "an Authorization: Bearer token is required");
        return 1;
    }
    h += 7;
    while (*h == ' ')
        h++;
    memset(&p, 0, sizeof p);
    err = sg17d_token_verify(srv->store, h, strlen(h), &p);
    if (err == 0) {
        snprintf(who->role, sizeof who->role, "%s", sg17d_role_name(p.role));
        snprintf(who->principal, sizeof who->principal, "token:%s", p.name);
        return 0;
    }
    *rc = err == SG17_E_AUTH
              ? unauthorized(resp, "unknown or revoked token")
              : taxii_error(resp, 503, "Unavailable", "the token store did not answer");
    return 1;
}

static int has_taxii_media(const char *v)
{
    static const char mt[] = "application/taxii+json";
    if (v == NULL)
        return 0;
    for (; *v != '\0'; v++)
        if (strncasecmp(v, mt, sizeof mt - 1) == 0)
            return 1;
    return 0;
}

/* "/x/collections", "/x/collections/...", "/x/status/..." */
static int taxii_shaped(const char *p)
{
    const char *seg2;
    if (p[0] != '/' || (seg2 = strchr(p + 1, '/')) == NULL || seg2 == p + 1)
        return 0;
    if (strncmp(seg2, "/collections", 12) == 0 && (seg2[12] == '/' || seg2[12] == '\0'))
        return 1;
    return strncmp(seg2, "/status/", 8) == 0;
}

static int is_taxii_request(const sg17d_request *req)
{
    const char *p = req->path;
    if (strncmp(p, "/taxii2/", 8) == 0 || strcmp(p, "/taxii2") == 0 || taxii_shaped(p))
        return 1;
    for (size_t i = 0; i < TAXII_ROOTS_MAX; i++) {
        size_t n = strlen(root_paths[i]);
        if (strncmp(p, root_paths[i], n) == 0)
            return 1;
    }
    return req->conn != NULL && (has_taxii_media(sg17d_req_header(req, "Accept")) ||
                                 has_taxii_media(sg17d_req_header(req, "Content-Type")));
}

int sg17d_taxii_error_reply(sg17d_server *srv, const sg17d_request *req, unsigned status,
                            const char *desc, sg17d_response *resp)
{
    const char *title = status == 404   ? "Not found"
                        : status == 405 ? "Method not allowed"
                        : status == 413 ? "Content too large"
                                        : "Error";
    if (srv->taxii == NULL || req->path == NULL || !is_taxii_request(req))
        return 0;
    return taxii_error(resp, status, title, desc) == 0 ? 1 : 0;
}

static int h_taxii(sg17d_server *srv, const sg17d_request *req, sg17d_response *resp)
{
    sg17_taxii_server *ts = srv->taxii;
    sg17_taxii_request tr;
    sg17_taxii_response out;
    taxii_who who;
    sg17d_request rq = *req; /* a non-const handle for the query callback */
    int rc = 0;

    if (ts == NULL)
        return taxii_error(resp, 404, "Not found", "the TAXII server is not set up");
    memset(&who, 0, sizeof who);
    if (authenticate(srv, req, &who, resp, &rc) != 0)
        return rc;
    snprintf(resp->principal, sizeof resp->principal, "%s", who.principal);
    memset(&tr, 0, sizeof tr);
    tr.method = req->method;
    tr.path = req->path;
    tr.host = sg17d_req_header(req, "Host");
    tr.https = srv->tls_cert_pem != NULL;
    tr.accept = sg17d_req_header(req, "Accept");
    tr.content_type = sg17d_req_header(req, "Content-Type");
    tr.body = req->body;
    tr.body_len = req->body_len;
    tr.role = who.role;
    tr.principal = who.principal;
    tr.query = query_get;
    tr.query_ctx = &rq;
    rc = sg17_taxii_handle(ts, &tr, &out);
    if (rc != 0) {
        sg17_log(SG17_LOG_ERROR, "taxii", "%s %s: %s", req->method, req->path, sg17_strerror(rc));
        return taxii_error(resp, 500, "Internal error", "see the server log");
    }
    free(resp->body);
    resp->status = out.status;
    resp->body = out.body;
    resp->body_len = out.body_len;
    resp->content_type = out.content_type;
    if (out.date_added_first[0] != '\0') {
        resp->xhdr_name[0] = "X-TAXII-Date-Added-First";
        snprintf(resp->xhdr_value[0], sizeof resp->xhdr_value[0], "%s", out.date_added_first);
        resp->xhdr_name[1] = "X-TAXII-Date-Added-Last";
        snprintf(resp->xhdr_value[1], sizeof resp->xhdr_value[1], "%s", out.date_added_last);
    }
    return 0;
}

int sg17d_taxii_init(sg17d_server *srv)
{
    sg17_taxii_config tc;
    sg17_taxii_server *ts = NULL;
    char names[TAXII_ROOTS_MAX][SG17_TAXII_VALUE_MAX], err[256];
    int rc, n;

    memset(&tc, 0, sizeof tc);
    tc.db_path = srv->cfg.db_path;
    tc.max_page = srv->cfg.taxii_max_page;
    tc.cursor_max_age_s = srv->cfg.taxii_cursor_max_age_s;
    tc.status_max_age_s = srv->cfg.taxii_status_max_age_s;
    if (srv->cfg.taxii_users[0] != '\0') {
        rc = sg17_taxii_users_load(srv->cfg.taxii_users, srv->cfg.taxii_pbkdf2_iter, &taxii_users,
                                   err, sizeof err);
        if (rc != 0) {
            sg17_log(SG17_LOG_ERROR, "taxii", "cannot load the users of %s: %s",
                     srv->cfg.taxii_users, err);
            return rc;
        }
        sg17_log(SG17_LOG_INFO, "taxii", "%zu HTTP Basic users from %s (PBKDF2, %u iterations)",
                 sg17_taxii_users_count(taxii_users), srv->cfg.taxii_users,
                 srv->cfg.taxii_pbkdf2_iter ? srv->cfg.taxii_pbkdf2_iter
                                            : (unsigned)SG17_TAXII_PBKDF2_ITER);
    }
    if ((rc = sg17_taxii_server_open(&ts, &tc)) != 0) {
        sg17_log(SG17_LOG_ERROR, "taxii", "cannot open the TAXII tables in %s: %s",
                 srv->cfg.db_path, sg17_strerror(rc));
        sg17_taxii_users_free(taxii_users);
        taxii_users = NULL;
        return rc;
    }
    if (srv->cfg.taxii_fixture[0] != '\0') {
        rc = sg17_taxii_load_fixture(ts, srv->cfg.taxii_fixture, err, sizeof err);
        if (rc == SG17_E_EXISTS) {
            sg17_log(SG17_LOG_INFO, "taxii", "%s not loaded: %s", srv->cfg.taxii_fixture, err);
        } else if (rc != 0) {
            sg17_log(SG17_LOG_ERROR, "taxii", "cannot load %s: %s", srv->cfg.taxii_fixture, err);
            sg17_taxii_server_close(ts);
            sg17_taxii_users_free(taxii_users);
            taxii_users = NULL;
            return rc;
        } else {
            sg17_log(SG17_LOG_INFO, "taxii", "loaded %s", srv->cfg.taxii_fixture);
        }
    }
    n = sg17_taxii_root_names(ts, names, TAXII_ROOTS_MAX);
    if (n < 0) {
        sg17_taxii_server_close(ts);
        sg17_taxii_users_free(taxii_users);
        taxii_users = NULL;
        return n;
    }
    for (int i = 0; i < n; i++) {
        size_t len = strlen(names[i]);
        if (len + 3 > TAXII_ROOT_PATH_MAX) {
            sg17_log(SG17_LOG_WARN, "taxii", "API root name too long, not served: %.64s...",
                     names[i]);
            continue;
        }
        root_paths[i][0] = '/';
        memcpy(root_paths[i] + 1, names[i], len);
        root_paths[i][len + 1] = '/';
        root_paths[i][len + 2] = '\0';
        sg17_log(SG17_LOG_INFO, "taxii", "API root %s", root_paths[i]);
    }
    srv->taxii = ts;
    return 0;
}

void sg17d_taxii_free(sg17d_server *srv)
{
    sg17_taxii_server_close(srv->taxii);
    srv->taxii = NULL;
    sg17_taxii_users_free(taxii_users);
    taxii_users = NULL;
}

/* ---- `sg17d taxii acl|collection ...`: rights and collections offline -------------- */

static void taxii_cmd_usage(FILE *f)
{
    fprintf(f, "usage: sg17d taxii acl list [--db DB] [ROOT [COLLECTION]]\n"
               "       sg17d taxii acl set [--db DB] ROOT COLLECTION ROLE read|write|rw\n"
               "       sg17d taxii acl revoke [--db DB] ROOT COLLECTION ROLE\n"
               "       sg17d taxii collection add [--db DB] ROOT ID --title T"
               " [--description D]\n"
               "a running sg17d on the same database applies rights and collections on the\n"
               "next request; an API root made by `collection add` is served after a restart\n"
               "exit: 0 ok, 1 no such collection/row (or the collection exists), 2 usage,"
               " 3 store\n");
}

static int print_acl(const sg17_taxii_acl_entry *e, void *ctx)
{
    (void)ctx;
    printf("%s\t%s\t%s\t%s\t%s\n", e->root, e->collection, e->role ? e->role : "-",
           e->role == NULL               ? "none"
           : e->can_read && e->can_write ? "rw"
           : e->can_read                 ? "read"
           : e->can_write                ? "write"
                                         : "none",
           e->title ? e->title : "");
    return 0;
}

static int rights_arg(const char *v, int *r, int *w)
{
    *r = strcmp(v, "read") == 0 || strcmp(v, "rw") == 0;
    *w = strcmp(v, "write") == 0 || strcmp(v, "rw") == 0;
    return (*r || *w) ? 0 : -1;
}

/* Run one parsed command on the opened server; an sg17d exit code. */
static int taxii_cmd_run(sg17_taxii_server *ts, const char *group, const char *verb, int n,
                         char **a, const char *title, const char *desc)
{
    int rc, r = 0, w = 0, made = 0;
    if (strcmp(verb, "list") == 0) {
        rc = sg17_taxii_acl_list(ts, n > 0 ? a[0] : NULL, n > 1 ? a[1] : NULL, print_acl, NULL);
    } else if (strcmp(group, "acl") == 0 && strcmp(verb, "set") == 0) {
        if (rights_arg(a[3], &r, &w) != 0) {
            fprintf(stderr, "sg17d: rights are read, write or rw, not '%s'\n", a[3]);
            return SG17D_EXIT_USAGE;
        }
        rc = sg17_taxii_acl_set(ts, a[0], a[1], a[2], r, w);
    } else if (strcmp(group, "acl") == 0) {
        rc = sg17_taxii_acl_revoke(ts, a[0], a[1], a[2]);
    } else {
        rc = sg17_taxii_collection_add(ts, a[0], a[1], title, desc, &made);
    }
    if (rc == SG17_E_FORMAT) {
        fprintf(stderr, "sg17d: %s\n",
                strcmp(group, "acl") == 0
                    ? "a role name is [a-z0-9_-]{1,32}"
                    : "API root: 1..63 of [A-Za-z0-9_.-] (not taxii2); collection id: 1..255 of"
                      " [A-Za-z0-9._~:-]; title: non-empty UTF-8");
        return SG17D_EXIT_USAGE;
    }
    if (rc == SG17_E_NOTFOUND || rc == SG17_E_EXISTS) {
        fprintf(stderr, "sg17d: %s\n",
                rc == SG17_E_EXISTS           ? "the collection already exists"
                : strcmp(verb, "revoke") == 0 ? "no rights row for this role on this collection"
                                              : "no such API root and collection");
        return SG17D_EXIT_NOTFOUND;
    }
    if (rc != 0) {
        fprintf(stderr, "sg17d: taxii %s %s: %s\n", group, verb, sg17_strerror(rc));
        return SG17D_EXIT_STORE;
    }
    if (strcmp(verb, "set") == 0 || strcmp(verb, "revoke") == 0)
        fprintf(stderr, "sg17d: %s %s on /%s/collections/%s/: %s\n", verb, a[2], a[0], a[1],
                verb[0] == 's' ? a[3] : "no rights");
    else if (strcmp(verb, "add") == 0)
        fprintf(stderr,
                "sg17d: added collection %s to /%s/%s; no role has rights on it yet"
                " (sg17d taxii acl set)\n",
                a[1], a[0],
                made ? ", a new API root (a running sg17d serves it after a restart)" : "");
    if (made) {
        char names[TAXII_ROOTS_MAX + 1][SG17_TAXII_VALUE_MAX];
        if (sg17_taxii_root_names(ts, names, TAXII_ROOTS_MAX + 1) > TAXII_ROOTS_MAX)
            fprintf(stderr,
                    "sg17d: warning: more than %d API roots; sg17d serves the first %d by name\n",
                    TAXII_ROOTS_MAX, TAXII_ROOTS_MAX);
    }
    return SG17D_EXIT_OK;
}

int sg17d_taxii_command(sg17d_config *cfg, int argc, char **argv)
{
    static const struct option opts[] = {
        {"db", required_argument, NULL, 'd'},
        {"title", required_argument, NULL, 'T'},
        {"description", required_argument, NULL, 'D'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *title = NULL, *desc = NULL, *group, *verb;
    sg17_taxii_config tc;
    sg17_taxii_server *ts = NULL;
    char err[256];
    int c, n, want_min, want_max, rc;

    if (argc == 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
        taxii_cmd_usage(stdout);
        return SG17D_EXIT_OK;
    }
    if (argc < 2 || (strcmp(argv[1], "acl") != 0 && strcmp(argv[1], "collection") != 0)) {
        taxii_cmd_usage(stderr);
        return SG17D_EXIT_USAGE;
    }
    group = argv[1];
    optind = 0; /* full reset; options may follow operands */
    while ((c = getopt_long(argc - 1, argv + 1, "d:h", opts, NULL)) != -1) {
        switch (c) {
        case 'd':
            if (sg17d_config_set(cfg, "store", "path", optarg, err, sizeof err) != 0) {
                fprintf(stderr, "sg17d: %s\n", err);
                return SG17D_EXIT_USAGE;
            }
            break;
        case 'T': title = optarg; break;
        case 'D': desc = optarg; break;
        case 'h': taxii_cmd_usage(stdout); return SG17D_EXIT_OK;
        default: taxii_cmd_usage(stderr); return SG17D_EXIT_USAGE;
        }
    }
    n = argc - 1 - optind;
    argv += 1 + optind;
    verb = n > 0 ? argv[0] : "";
    /* operands after the verb: list [ROOT [COLL]], set R C ROLE RIGHTS, revoke R C ROLE, add R ID
     */
    want_min = want_max = -1;
    if (strcmp(group, "acl") == 0 && strcmp(verb, "list") == 0) {
        want_min = 0;
        want_max = 2;
    } else if (strcmp(group, "acl") == 0 && strcmp(verb, "set") == 0) {
        want_min = want_max = 4;
    } else if (strcmp(group, "acl") == 0 && strcmp(verb, "revoke") == 0) {
        want_min = want_max = 3;
    } else if (strcmp(group, "collection") == 0 && strcmp(verb, "add") == 0) {
        want_min = want_max = 2;
    }
    if (want_min < 0 || n - 1 < want_min || n - 1 > want_max ||
        ((title != NULL || desc != NULL) != (strcmp(verb, "add") == 0)) ||
        (strcmp(verb, "add") == 0 && title == NULL)) {
        taxii_cmd_usage(stderr);
        return SG17D_EXIT_USAGE;
    }
    memset(&tc, 0, sizeof tc);
    tc.db_path = cfg->db_path;
    if ((rc = sg17_taxii_server_open(&ts, &tc)) != 0) {
        fprintf(stderr, "sg17d: cannot open the TAXII tables in %s: %s\n", cfg->db_path,
                sg17_strerror(rc));
        return SG17D_EXIT_STORE;
    }
    rc = taxii_cmd_run(ts, group, verb, n - 1, argv + 1, title, desc);
    sg17_taxii_server_close(ts);
    return rc;
}
