/* sg17d configuration: defaults, INI file (inih), per-key setter for flags. */
#include <arpa/inet.h>
#include <errno.h>
#include <ini.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sg17d.h"

void sg17d_config_defaults(sg17d_config *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    snprintf(cfg->listen, sizeof cfg->listen, "%s", "127.0.0.1");
    cfg->port = SG17D_DEFAULT_PORT;
    cfg->threads = 4;
    cfg->max_body_bytes = 1u << 20;
    cfg->max_header_bytes = 32u << 10;
    cfg->timeout_s = 30;
    cfg->max_connections = 256;
    snprintf(cfg->db_path, sizeof cfg->db_path, "%s", "sg17.db");
    cfg->log_level = SG17_LOG_INFO;
    cfg->rate_per_s = 0; /* off unless configured (scripts/run-daemon and packaging/ set it) */
    cfg->rate_burst = 0; /* 0: twice the rate */
}

/* Decimal in [lo, hi]; no sign, no junk, no overflow. */
static int parse_uint(const char *v, unsigned long long lo, unsigned long long hi,
                      unsigned long long *out)
{
    char *end = NULL;
    unsigned long long x;
    if (v == NULL || *v < '0' || *v > '9')
        return -1;
    errno = 0;
    x = strtoull(v, &end, 10);
    if (errno != 0 || end == v || *end != '\0' || x < lo || x > hi)
        return -1;
    *out = x;
    return 0;
}

static int set_server(sg17d_config *cfg, const char *key, const char *value, char *err,
                      size_t err_len)
{
    unsigned long long x = 0;
    if (strcmp(key, "listen") == 0) {
        unsigned char buf[16];
        if (strlen(value) >= sizeof cfg->listen ||
            (inet_pton(AF_INET, value, buf) != 1 && inet_pton(AF_INET6, value, buf) != 1)) {
            snprintf(err, err_len, "listen: '%s' is not a numeric IPv4/IPv6 address", value);
            return SG17_E_FORMAT;
        }
        snprintf(cfg->listen, sizeof cfg->listen, "%s", value);
        return 0;
    }
    if (strcmp(key, "port") == 0) {
        if (parse_uint(value, 0, 65535, &x) != 0)
            goto range;
        cfg->port = (unsigned)x;
    } else if (strcmp(key, "threads") == 0) {
        if (parse_uint(value, 1, 256, &x) != 0)
            goto range;
        cfg->threads = (unsigned)x;
    } else if (strcmp(key, "max_body_bytes") == 0) {
        if (parse_uint(value, 0, 1ull << 32, &x) != 0)
            goto range;
        cfg->max_body_bytes = (size_t)x;
    } else if (strcmp(key, "max_header_bytes") == 0) {
        if (parse_uint(value, 4096, 1u << 20, &x) != 0)
            goto range;
        cfg->max_header_bytes = (size_t)x;
    } else if (strcmp(key, "timeout_s") == 0) {
        if (parse_uint(value, 1, 3600, &x) != 0)
            goto range;
        cfg->timeout_s = (unsigned)x;
    } else if (strcmp(key, "max_connections") == 0) {
        if (parse_uint(value, 1, 65536, &x) != 0)
            goto range;
        cfg->max_connections = (unsigned)x;
    } else {
        snprintf(err, err_len, "unknown key [server] %s", key);
        return SG17_E_FORMAT;
    }
    return 0;
range:
    snprintf(err, err_len, "%s: '%s' is not a number in the allowed range", key, value);
    return SG17_E_FORMAT;
}

static int set_level(sg17d_config *cfg, const char *value, char *err, size_t err_len)
{
    static const struct {
        const char *name;
        sg17_log_level level;
    } levels[] = {{"debug", SG17_LOG_DEBUG}, {"info", SG17_LOG_INFO},
                  {"warn", SG17_LOG_WARN},   {"error", SG17_LOG_ERROR}};
    for (size_t i = 0; i < sizeof levels / sizeof levels[0]; i++) {
        if (strcasecmp(value, levels[i].name) == 0) {
            cfg->log_level = levels[i].level;
            return 0;
        }
    }
    snprintf(err, err_len, "level: '%s' is not debug, info, warn or error", value);
    return SG17_E_FORMAT;
}

static int set_path(char *dst, size_t cap, const char *key, const char *value, char *err,
                    size_t err_len)
{
    if (value[0] == '\0' || strlen(value) >= cap) {
        snprintf(err, err_len, "%s: empty or longer than %zu bytes", key, cap - 1);
        return SG17_E_FORMAT;
    }
    snprintf(dst, cap, "%s", value);
    return 0;
}

static int parse_bool(const char *v, int *out)
{
    if (strcasecmp(v, "yes") == 0 || strcasecmp(v, "true") == 0 || strcmp(v, "1") == 0 ||
        strcasecmp(v, "on") == 0) {
        *out = 1;
        return 0;
    }
    if (strcasecmp(v, "no") == 0 || strcasecmp(v, "false") == 0 || strcmp(v, "0") == 0 ||
        strcasecmp(v, "off") == 0) {
        *out = 0;
        return 0;
    }
    return -1;
}

static int set_sidf(sg17d_config *cfg, const char *key, const char *value, char *err,
                    size_t err_len)
{
    if (strcmp(key, "key") == 0) {
        if (cfg->n_sidf_keys >= SG17D_SIDF_KEYS_MAX) {
            snprintf(err, err_len, "key: more than %d keys (use key_dir)", SG17D_SIDF_KEYS_MAX);
            return SG17_E_FORMAT;
        }
        if (set_path(cfg->sidf_keys[cfg->n_sidf_keys], sizeof cfg->sidf_keys[0], key, value, err,
                     err_len) != 0)
            return SG17_E_FORMAT;
        cfg->n_sidf_keys++;
        return 0;
    }
    if (strcmp(key, "key_dir") == 0)
        return set_path(cfg->sidf_key_dir, sizeof cfg->sidf_key_dir, key, value, err, err_len);
    if (strcmp(key, "allow_null") == 0) {
        if (parse_bool(value, &cfg->sidf_allow_null) != 0) {
            snprintf(err, err_len, "allow_null: '%s' is not yes or no", value);
            return SG17_E_FORMAT;
        }
        return 0;
    }
    snprintf(err, err_len, "unknown key [sidf] %s", key);
    return SG17_E_FORMAT;
}

static int set_limits(sg17d_config *cfg, const char *key, const char *value, char *err,
                      size_t err_len)
{
    unsigned long long x = 0;
    if (strcmp(key, "rate") == 0 && parse_uint(value, 0, 1000000, &x) == 0) {
        cfg->rate_per_s = (unsigned)x;
        return 0;
    }
    if (strcmp(key, "burst") == 0 && parse_uint(value, 1, 1000000, &x) == 0) {
        cfg->rate_burst = (unsigned)x;
        return 0;
    }
    if (strcmp(key, "rate") != 0 && strcmp(key, "burst") != 0)
        snprintf(err, err_len, "unknown key [limits] %s", key);
    else
        snprintf(err, err_len, "%s: '%s' is not a number in the allowed range", key, value);
    return SG17_E_FORMAT;
}

static int set_taxii(sg17d_config *cfg, const char *key, const char *value, char *err,
                     size_t err_len)
{
    unsigned long long x = 0;
    if (strcmp(key, "fixture") == 0)
        return set_path(cfg->taxii_fixture, sizeof cfg->taxii_fixture, key, value, err, err_len);
    if (strcmp(key, "max_page_size") == 0 && parse_uint(value, 1, 100000, &x) == 0) {
        cfg->taxii_max_page = (unsigned)x;
        return 0;
    }
    if (strcmp(key, "cursor_max_age_s") == 0 && parse_uint(value, 1, 2592000, &x) == 0) {
        cfg->taxii_cursor_max_age_s = (unsigned)x;
        return 0;
    }
    if (strcmp(key, "users") == 0)
        return set_path(cfg->taxii_users, sizeof cfg->taxii_users, key, value, err, err_len);
    if (strcmp(key, "status_max_age_s") == 0 && parse_uint(value, 1, 31536000, &x) == 0) {
        cfg->taxii_status_max_age_s = (unsigned)x;
        return 0;
    }
    if (strcmp(key, "pbkdf2_iterations") == 0 && parse_uint(value, 1000, 10000000, &x) == 0) {
        cfg->taxii_pbkdf2_iter = (unsigned)x;
        return 0;
    }
    if (strcmp(key, "max_page_size") == 0)
        snprintf(err, err_len, "max_page_size: '%s' is not a number in 1..100000", value);
    else if (strcmp(key, "cursor_max_age_s") == 0)
        snprintf(err, err_len, "cursor_max_age_s: '%s' is not a number in 1..2592000", value);
    else if (strcmp(key, "status_max_age_s") == 0)
        snprintf(err, err_len, "status_max_age_s: '%s' is not a number in 1..31536000", value);
    else if (strcmp(key, "pbkdf2_iterations") == 0)
        snprintf(err, err_len, "pbkdf2_iterations: '%s' is not a number in 1000..10000000", value);
    else
        snprintf(err, err_len, "unknown key [taxii] %s", key);
    return SG17_E_FORMAT;
}

int sg17d_config_set(sg17d_config *cfg, const char *section, const char *key, const char *value,
                     char *err, size_t err_len)
{
    if (strcmp(section, "taxii") == 0)
        return set_taxii(cfg, key, value, err, err_len);
    if (strcmp(section, "sidf") == 0)
        return set_sidf(cfg, key, value, err, err_len);
    if (strcmp(section, "limits") == 0)
        return set_limits(cfg, key, value, err, err_len);
    if (strcmp(section, "assess") == 0 && strcmp(key, "inventory") == 0)
        return set_path(cfg->assess_inventory, sizeof cfg->assess_inventory, key, value, err,
                        err_len);
    if (strcmp(section, "tls") == 0 && strcmp(key, "cert") == 0)
        return set_path(cfg->tls_cert, sizeof cfg->tls_cert, key, value, err, err_len);
    if (strcmp(section, "tls") == 0 && strcmp(key, "key") == 0)
        return set_path(cfg->tls_key, sizeof cfg->tls_key, key, value, err, err_len);
    if (strcmp(section, "web") == 0 && strcmp(key, "root") == 0)
        return set_path(cfg->web_root, sizeof cfg->web_root, key, value, err, err_len);
    if (strcmp(section, "server") == 0)
        return set_server(cfg, key, value, err, err_len);
    if (strcmp(section, "store") == 0 && strcmp(key, "path") == 0) {
        if (value[0] == '\0' || strlen(value) >= sizeof cfg->db_path) {
            snprintf(err, err_len, "path: empty or longer than %zu bytes", sizeof cfg->db_path - 1);
            return SG17_E_FORMAT;
        }
        snprintf(cfg->db_path, sizeof cfg->db_path, "%s", value);
        return 0;
    }
    if (strcmp(section, "log") == 0 && strcmp(key, "level") == 0)
        return set_level(cfg, value, err, err_len);
    snprintf(err, err_len, "unknown key [%s] %s", section, key);
    return SG17_E_FORMAT;
}

typedef struct load_state {
    sg17d_config *cfg;
    const char *path;
    char *err;
    size_t err_len;
    int failed;
} load_state;

static int on_ini(void *user, const char *section, const char *name, const char *value)
{
    load_state *ls = user;
    char why[256];
    if (ls->failed)
        return 0;
    if (sg17d_config_set(ls->cfg, section, name, value, why, sizeof why) != 0) {
        snprintf(ls->err, ls->err_len, "%s", why);
        ls->failed = 1;
        return 0; /* inih reports the line number */
    }
    return 1;
}

int sg17d_config_load(sg17d_config *cfg, const char *path, char *err, size_t err_len)
{
    load_state ls = {cfg, path, err, err_len, 0};
    char why[256] = "";
    int line;

    ls.err = why;
    ls.err_len = sizeof why;
    line = ini_parse(path, on_ini, &ls);
    if (line == -1) {
        snprintf(err, err_len, "%s: cannot open: %s", path, strerror(errno));
        return SG17_E_IO;
    }
    if (line == -2) {
        snprintf(err, err_len, "%s: out of memory", path);
        return SG17_E_NOMEM;
    }
    if (line > 0) {
        snprintf(err, err_len, "%s:%d: %s", path, line, why[0] ? why : "syntax error");
        return SG17_E_FORMAT;
    }
    return 0;
}
