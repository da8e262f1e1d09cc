/*
 * The dashboard's static files (web/): plain HTML, CSS and JS served from
 * cfg.web_root for any GET/HEAD no route takes. Path traversal is made
 * impossible three times over: every segment must be [A-Za-z0-9._-]+ and not
 * start with '.', so "..", hidden files and odd bytes never reach the file
 * system; the file is opened with O_NOFOLLOW (and O_NONBLOCK, for FIFOs) and
 * must be a regular file; and
 * its realpath must lie under the root's realpath. Only known extensions are
 * served, each with its content type.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sg17d.h"

#define WEB_FILE_MAX ((size_t)4 << 20)

static const struct {
    const char *ext, *type;
} types[] = {
    {".html", "text/html; charset=utf-8"},
    {".css", "text/css; charset=utf-8"},
    {".js", "text/javascript; charset=utf-8"},
    {".json", "application/json"},
    {".svg", "image/svg+xml"},
    {".png", "image/png"},
    {".ico", "image/x-icon"},
    {".txt", "text/plain; charset=utf-8"},
};

/* The dashboard's own policy: nothing inline, nothing from elsewhere. */
#define WEB_CSP                                                                       \
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; " \
    "connect-src 'self'; frame-src 'self'; frame-ancestors 'none'; base-uri 'none'; " \
    "form-action 'self'"

static const char *type_of(const char *path)
{
    const char *dot = strrchr(path, '.');
    if (dot == NULL || strchr(dot, '/') != NULL)
        return NULL;
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++) {
        if (strcmp(dot, types[i].ext) == 0)
            return types[i].type;
    }
    return NULL;
}

/* "/a/b.css" -> "a/b.css"; "/" and ".../" -> ".../index.html". -1 if refused. */
static int safe_rel(const char *path, char *out, size_t cap)
{
    size_t n = strlen(path), seg = 0;
    if (n == 0 || path[0] != '/' || n > 200)
        return -1;
    for (size_t i = 1; i < n; i++) {
        char c = path[i];
        if (c == '/') {
            if (seg == 0)
                return -1; /* "//" */
            seg = 0;
            continue;
        }
        if (seg == 0 && c == '.')
            return -1; /* ".", "..", hidden files */
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '_' || c == '-'))
            return -1;
        seg++;
    }
    if (snprintf(out, cap, "%s%s", path + 1, path[n - 1] == '/' ? "index.html" : "") >= (int)cap)
        return -1;
    return 0;
}

static int not_found(sg17d_response *resp)
{
    return sg17d_resp_error(resp, 404, "not_found", "no such endpoint or file");
}

int sg17d_web_static(sg17d_server *srv, const char *path, sg17d_response *resp)
{
    char rel[256], full[PATH_MAX + 260], root_real[PATH_MAX], file_real[PATH_MAX];
    const char *type;
    struct stat sb;
    size_t rlen, got = 0;
    char *buf;
    int fd;

    if (safe_rel(path, rel, sizeof rel) != 0 || (type = type_of(rel)) == NULL)
        return not_found(resp);
    if (realpath(srv->cfg.web_root, root_real) == NULL)
        return not_found(resp);
    if (snprintf(full, sizeof full, "%s/%s", root_real, rel) >= (int)sizeof full)
        return not_found(resp);
    if (realpath(full, file_real) == NULL)
        return not_found(resp);
    rlen = strlen(root_real);
    if (strncmp(file_real, root_real, rlen) != 0 || file_real[rlen] != '/')
        return not_found(resp);
    /* O_NONBLOCK: a FIFO in the root must not block the thread in open(). */
    fd = open(file_real, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0)
        return not_found(resp);
    if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode) || (size_t)sb.st_size > WEB_FILE_MAX) {
        close(fd);
        return not_found(resp);
    }
    buf = malloc((size_t)sb.st_size + 1);
    if (buf == NULL) {
        close(fd);
        return SG17_E_NOMEM;
    }
    while (got < (size_t)sb.st_size) {
        ssize_t r = read(fd, buf + got, (size_t)sb.st_size - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        got += (size_t)r;
    }
    close(fd);
    buf[got] = '\0';
    free(resp->body);
    resp->body = buf;
    resp->body_len = got;
    resp->status = 200;
    resp->content_type = type;
    resp->csp = WEB_CSP;
    return 0;
}
