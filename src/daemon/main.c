/*
 * sg17d - the sg17 daemon: a thin HTTP shell (routing, auth, storage) in the
 * foreground. `sg17d [options]` serves; `sg17d token ...` manages API tokens.
 * See docs/sg17d.md.
 */
#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "sg17d.h"

/*
 * Where the dashboard lives unless [web] root says otherwise: ./web when it
 * has index.html (make run starts in the source tree), else web/ next to the
 * build directory holding this program (<src>/build/sg17d -> <src>/web), else
 * <prefix>/share/sg17/web for an installed sg17d.
 */
static void default_web_root(char *out, size_t cap)
{
    char exe[SG17D_PATH_MAX], probe[SG17D_PATH_MAX + 64];
    ssize_t n;
    char *slash;
    snprintf(out, cap, "%s", "web");
    if (access("web/index.html", R_OK) == 0)
        return;
    n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0)
        return;
    exe[n] = '\0';
    if ((slash = strrchr(exe, '/')) == NULL)
        return;
    *slash = '\0';
    static const char *const rels[] = {"/../web", "/../share/sg17/web"};
    for (size_t i = 0; i < sizeof rels / sizeof rels[0]; i++) {
        int m = snprintf(probe, sizeof probe, "%s%s/index.html", exe, rels[i]);
        if (m < 0 || (size_t)m >= sizeof probe || access(probe, R_OK) != 0)
            continue;
        m = snprintf(out, cap, "%s%s", exe, rels[i]);
        if (m >= 0 && (size_t)m < cap)
            return;
        snprintf(out, cap, "%s", "web");
    }
}

#define MAX_OVERRIDES 48

/* Flags are collected first and applied over the config file afterwards. */
typedef struct cli_opts {
    const char *config_path;
    struct {
        const char *section, *key, *value;
    } ov[MAX_OVERRIDES];
    int n_ov;
} cli_opts;

static void usage(FILE *f)
{
    fprintf(f,
            "usage: sg17d [options]                 run the daemon in the foreground\n"
            "       sg17d [options] token create --role ROLE [--name NAME]\n"
            "       sg17d [options] token list\n"
            "       sg17d [options] token revoke NAME\n"
            "       sg17d [options] taxii acl list|set|revoke ...   TAXII rights\n"
            "       sg17d [options] taxii collection add ROOT ID --title T   (taxii --help)\n"
            "\n"
            "options (override the config file):\n"
            "  -c, --config FILE    INI configuration ([server] [store] [log] [limits] [sidf]\n"
            "                       [assess] [web])\n"
            "  -l, --listen ADDR    numeric address to bind (default 127.0.0.1)\n"
            "  -p, --port N         TCP port (default %d; 0 = any free port)\n"
            "  -d, --db PATH        SQLite database (default sg17.db)\n"
            "  -t, --threads N      HTTP worker threads (default 4)\n"
            "      --log-level L    debug, info, warn or error\n"
            "      --sidf-key FILE  SUCI home-network private key (repeatable)\n"
            "      --sidf-key-dir D every private key file in D\n"
            "      --assess FILE    inventory for the quantum-readiness report\n"
            "      --web-root DIR   dashboard files (default: web/ of the source tree)\n"
            "      --rate N         requests/s per client address (0 = no limit)\n"
            "      --tls-cert FILE  PEM certificate chain: serve HTTPS (with --tls-key)\n"
            "      --tls-key FILE   PEM private key\n"
            "      --taxii-fixture FILE  TAXII 2.1 data (medallion format) to load at start\n"
            "      --taxii-users FILE    HTTP Basic users for TAXII (medallion config format)\n"
            "  -h, --help           this text\n"
            "  -V, --version        print the version\n"
            "roles: admin, author, device, analyst, administration, sidf\n"
            "exit: 0 ok, 1 token not found, 2 usage/config, 3 store, 4 listen, 5 internal\n",
            SG17D_DEFAULT_PORT);
}

static int add_override(cli_opts *o, const char *section, const char *key, const char *value)
{
    if (o->n_ov >= MAX_OVERRIDES) {
        fprintf(stderr, "sg17d: too many options\n");
        return -1;
    }
    o->ov[o->n_ov].section = section;
    o->ov[o->n_ov].key = key;
    o->ov[o->n_ov].value = value;
    o->n_ov++;
    return 0;
}

enum {
    OPT_LOG_LEVEL = 256,
    OPT_ROLE,
    OPT_NAME,
    OPT_SIDF_KEY,
    OPT_SIDF_KEY_DIR,
    OPT_ASSESS,
    OPT_WEB_ROOT,
    OPT_RATE,
    OPT_TLS_CERT,
    OPT_TLS_KEY,
    OPT_TAXII_FIXTURE,
    OPT_TAXII_USERS
};

static const struct option long_opts[] = {
    {"config", required_argument, NULL, 'c'},  {"listen", required_argument, NULL, 'l'},
    {"port", required_argument, NULL, 'p'},    {"db", required_argument, NULL, 'd'},
    {"threads", required_argument, NULL, 't'}, {"log-level", required_argument, NULL, OPT_LOG_LEVEL},
    {"help", no_argument, NULL, 'h'},          {"version", no_argument, NULL, 'V'},
    {"role", required_argument, NULL, OPT_ROLE}, {"name", required_argument, NULL, OPT_NAME},
    {"sidf-key", required_argument, NULL, OPT_SIDF_KEY},
    {"sidf-key-dir", required_argument, NULL, OPT_SIDF_KEY_DIR},
    {"assess", required_argument, NULL, OPT_ASSESS},
    {"web-root", required_argument, NULL, OPT_WEB_ROOT},
    {"rate", required_argument, NULL, OPT_RATE},
    {"tls-cert", required_argument, NULL, OPT_TLS_CERT},
    {"tls-key", required_argument, NULL, OPT_TLS_KEY},
    {"taxii-fixture", required_argument, NULL, OPT_TAXII_FIXTURE},
    {"taxii-users", required_argument, NULL, OPT_TAXII_USERS},
    {NULL, 0, NULL, 0},
};

/*
 * Parse options up to the first operand. Returns -1 on error, 1 after
 * --help/--version, else 0. role/name only where allowed (token create).
 */
static int parse_opts(int argc, char **argv, const char *optstring, cli_opts *o,
                      const char **role, const char **name)
{
    int c, rc = 0;
    opterr = 1;
    while (rc == 0 && (c = getopt_long(argc, argv, optstring, long_opts, NULL)) != -1) {
        switch (c) {
        case 'c': o->config_path = optarg; break;
        case 'l': rc = add_override(o, "server", "listen", optarg); break;
        case 'p': rc = add_override(o, "server", "port", optarg); break;
        case 'd': rc = add_override(o, "store", "path", optarg); break;
        case 't': rc = add_override(o, "server", "threads", optarg); break;
        case OPT_LOG_LEVEL: rc = add_override(o, "log", "level", optarg); break;
        case OPT_SIDF_KEY: rc = add_override(o, "sidf", "key", optarg); break;
        case OPT_SIDF_KEY_DIR: rc = add_override(o, "sidf", "key_dir", optarg); break;
        case OPT_ASSESS: rc = add_override(o, "assess", "inventory", optarg); break;
        case OPT_WEB_ROOT: rc = add_override(o, "web", "root", optarg); break;
        case OPT_RATE: rc = add_override(o, "limits", "rate", optarg); break;
        case OPT_TLS_CERT: rc = add_override(o, "tls", "cert", optarg); break;
        case OPT_TLS_KEY: rc = add_override(o, "tls", "key", optarg); break;
        case OPT_TAXII_FIXTURE: rc = add_override(o, "taxii", "fixture", optarg); break;
        case OPT_TAXII_USERS: rc = add_override(o, "taxii", "users", optarg); break;
        case 'h': usage(stdout); return 1;
        case 'V': printf("sg17d %s\n", sg17_version()); return 1;
        case OPT_ROLE:
        case OPT_NAME:
            if (role == NULL) {
                fprintf(stderr, "sg17d: --%s only applies to 'token create'\n",
                        c == OPT_ROLE ? "role" : "name");
                return -1;
            }
            *(c == OPT_ROLE ? role : name) = optarg;
            break;
        default: return -1;
        }
    }
    return rc;
}

static int resolve_config(const cli_opts *o, sg17d_config *cfg)
{
    char err[512];
    sg17d_config_defaults(cfg);
    if (o->config_path != NULL && sg17d_config_load(cfg, o->config_path, err, sizeof err) != 0) {
        fprintf(stderr, "sg17d: %s\n", err);
        return -1;
    }
    for (int i = 0; i < o->n_ov; i++) {
        if (sg17d_config_set(cfg, o->ov[i].section, o->ov[i].key, o->ov[i].value, err,
                             sizeof err) != 0) {
            fprintf(stderr, "sg17d: %s\n", err);
            return -1;
        }
    }
    sg17_log_set_level(cfg->log_level);
    return 0;
}

static int print_token(void *arg, const sg17d_token_rec *rec)
{
    char created[32], revoked[32];
    struct tm tm;
    time_t t;
    (void)arg;
    t = (time_t)rec->created_at;
    gmtime_r(&t, &tm);
    strftime(created, sizeof created, "%Y-%m-%dT%H:%M:%SZ", &tm);
    if (rec->revoked_at != 0) {
        t = (time_t)rec->revoked_at;
        gmtime_r(&t, &tm);
        strftime(revoked, sizeof revoked, "revoked %Y-%m-%dT%H:%M:%SZ", &tm);
    } else {
        snprintf(revoked, sizeof revoked, "active");
    }
    printf("%s\t%s\t%s\t%s\n", rec->name, rec->role, created, revoked);
    return 0;
}

static int token_create(sg17d_store *st, const char *role_name, const char *name)
{
    char token[SG17D_TOKEN_LEN + 1], made[SG17D_TOKEN_NAME_MAX + 1];
    unsigned role;
    int rc;

    if (role_name == NULL || (role = sg17d_role_from_name(role_name)) == 0) {
        fprintf(stderr, "sg17d: token create needs --role admin|author|device|analyst|"
                        "administration|sidf\n");
        return SG17D_EXIT_USAGE;
    }
    if (name != NULL && !sg17d_token_name_ok(name)) {
        fprintf(stderr, "sg17d: token name must match [A-Za-z0-9._-]{1,63}\n");
        return SG17D_EXIT_USAGE;
    }
    rc = sg17d_token_create(st, role, name, token, made, sizeof made);
    if (rc == SG17_E_EXISTS) {
        fprintf(stderr, "sg17d: a token named '%s' already exists (revoked names stay taken)\n",
                name ? name : "?");
        return SG17D_EXIT_USAGE;
    }
    if (rc != 0) {
        fprintf(stderr, "sg17d: cannot create token: %s\n", sg17_strerror(rc));
        return rc == SG17_E_IO ? SG17D_EXIT_STORE : SG17D_EXIT_INTERNAL;
    }
    fprintf(stderr, "sg17d: created %s token '%s'; it is shown once, store it now:\n", role_name,
            made);
    printf("%s\n", token);
    fflush(stdout);
    sg17_memzero(token, sizeof token);
    return SG17D_EXIT_OK;
}

static int cmd_token(cli_opts *o, int argc, char **argv)
{
    const char *role = NULL, *name = NULL, *sub;
    sg17d_config cfg;
    sg17d_store *st = NULL;
    int is_create, rc;

    if (argc < 2) {
        usage(stderr);
        return SG17D_EXIT_USAGE;
    }
    sub = argv[1];
    is_create = strcmp(sub, "create") == 0;
    optind = 0; /* full getopt reset; the sub-command's options may follow operands */
    rc = parse_opts(argc - 1, argv + 1, "c:l:p:d:t:hV", o, is_create ? &role : NULL, &name);
    if (rc != 0)
        return rc > 0 ? SG17D_EXIT_OK : SG17D_EXIT_USAGE;
    argc -= 1 + optind;
    argv += 1 + optind;
    if (!is_create && strcmp(sub, "list") != 0 && strcmp(sub, "revoke") != 0) {
        fprintf(stderr, "sg17d: unknown token command '%s'\n", sub);
        return SG17D_EXIT_USAGE;
    }
    if (argc != (strcmp(sub, "revoke") == 0 ? 1 : 0)) {
        usage(stderr);
        return SG17D_EXIT_USAGE;
    }
    if (resolve_config(o, &cfg) != 0)
        return SG17D_EXIT_USAGE;
    if (sg17d_store_open(&st, cfg.db_path) != 0)
        return SG17D_EXIT_STORE;
    if (is_create) {
        rc = token_create(st, role, name);
    } else if (strcmp(sub, "list") == 0) {
        rc = sg17d_store_token_list(st, print_token, NULL) == 0 ? SG17D_EXIT_OK : SG17D_EXIT_STORE;
    } else {
        int err = sg17d_store_token_revoke(st, argv[0], (int64_t)time(NULL));
        rc = err == 0 ? SG17D_EXIT_OK : err == SG17_E_NOTFOUND ? SG17D_EXIT_NOTFOUND
                                                               : SG17D_EXIT_STORE;
        if (err == 0)
            fprintf(stderr, "sg17d: revoked token '%s'\n", argv[0]);
        else if (err == SG17_E_NOTFOUND)
            fprintf(stderr, "sg17d: no active token named '%s'\n", argv[0]);
    }
    sg17d_store_close(st);
    return rc;
}

static int run_server(const sg17d_config *cfg)
{
    sg17d_server srv;
    sigset_t set;
    int sig = 0;

    /* Block TERM/INT before any thread exists, so that only sigwait sees them. */
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    signal(SIGPIPE, SIG_IGN);

    memset(&srv, 0, sizeof srv);
    srv.cfg = *cfg;
    if (sg17d_store_open(&srv.store, cfg->db_path) != 0) {
        sg17_log(SG17_LOG_ERROR, "sg17d", "cannot open the store %s", cfg->db_path);
        return SG17D_EXIT_STORE;
    }
    if (srv.cfg.web_root[0] == '\0')
        default_web_root(srv.cfg.web_root, sizeof srv.cfg.web_root);
    (void)sg17d_consult_init(&srv);
    if (sg17d_sidf_init(&srv) != 0 || sg17d_assess_init(&srv) != 0 ||
        sg17d_taxii_init(&srv) != 0) {
        sg17d_sidf_free(&srv);
        sg17d_assess_free(&srv);
        sg17d_taxii_free(&srv);
        sg17d_store_close(srv.store);
        return SG17D_EXIT_USAGE;
    }
    if (sg17d_http_start(&srv) != 0) {
        sg17d_sidf_free(&srv);
        sg17d_assess_free(&srv);
        sg17d_taxii_free(&srv);
        sg17d_store_close(srv.store);
        return SG17D_EXIT_SERVER;
    }
    sg17_log(SG17_LOG_INFO, "sg17d",
             "sg17d %s listening on %s://%s%s%s:%u/ (threads %u, db %s, max body %zu bytes)",
             sg17_version(), srv.tls_cert_pem ? "https" : "http", strchr(cfg->listen, ':') ? "[" : "", cfg->listen,
             strchr(cfg->listen, ':') ? "]" : "", srv.port, cfg->threads, cfg->db_path,
             cfg->max_body_bytes);
    while (sigwait(&set, &sig) != 0)
        ;
    sg17_log(SG17_LOG_INFO, "sg17d", "stopping on %s", sig == SIGINT ? "SIGINT" : "SIGTERM");
    sg17d_http_stop(&srv);
    sg17d_sidf_free(&srv);
    sg17d_assess_free(&srv);
    sg17d_taxii_free(&srv);
    sg17d_store_close(srv.store);
    sg17_log(SG17_LOG_INFO, "sg17d", "stopped");
    return SG17D_EXIT_OK;
}

int main(int argc, char **argv)
{
    cli_opts o;
    sg17d_config cfg;
    int rc;

    memset(&o, 0, sizeof o);
    /* "+": stop at the first operand, so `token` and its options are left alone. */
    rc = parse_opts(argc, argv, "+c:l:p:d:t:hV", &o, NULL, NULL);
    if (rc != 0)
        return rc > 0 ? SG17D_EXIT_OK : SG17D_EXIT_USAGE;
    if (optind < argc) {
        if (strcmp(argv[optind], "token") == 0)
            return cmd_token(&o, argc - optind, argv + optind);
        if (strcmp(argv[optind], "taxii") == 0) {
            if (resolve_config(&o, &cfg) != 0)
                return SG17D_EXIT_USAGE;
            return sg17d_taxii_command(&cfg, argc - optind, argv + optind);
        }
        fprintf(stderr, "sg17d: unknown command '%s' (try --help)\n", argv[optind]);
        return SG17D_EXIT_USAGE;
    }
    if (resolve_config(&o, &cfg) != 0)
        return SG17D_EXIT_USAGE;
    return run_server(&cfg);
}
