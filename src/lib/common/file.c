/*
 * Crash-safe atomic file replacement and capped whole-file reads.
 * The rename(2)-over-fsynced-temp pattern: POSIX guarantees rename is atomic
 * with respect to path lookup; fsync on the file and then on the directory
 * makes both the content and the new directory entry durable.
 */
#define _GNU_SOURCE
#include "sg17/file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "file_internal.h"

int (*sg17_file_test_hook)(void *ctx, int step) = NULL;
void *sg17_file_test_hook_ctx = NULL;

#define FILE_PATH_MAX 4096

static int hook(int step)
{
    return sg17_file_test_hook != NULL && sg17_file_test_hook(sg17_file_test_hook_ctx, step);
}

static int write_all(int fd, const uint8_t *p, size_t len)
{
    while (len > 0) {
        ssize_t w = write(fd, p, len);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            return SG17_E_IO;
        }
        p += (size_t)w;
        len -= (size_t)w;
    }
    return 0;
}

/* Split path into directory (for the temp file and the dir fsync) and base. */
static int split_path(const char *path, char *dir, size_t dir_cap, const char **base)
{
    size_t n = strnlen(path, FILE_PATH_MAX);
    if (n == 0 || n >= FILE_PATH_MAX || n + 1 > dir_cap)
        return SG17_E_INVAL;
    const char *slash = strrchr(path, '/');
    if (slash == NULL) {
        dir[0] = '.';
        dir[1] = '\0';
        *base = path;
    } else {
        size_t dlen = (size_t)(slash - path);
        if (dlen == 0)
            dlen = 1; /* "/name": the directory is "/" */
        memcpy(dir, path, dlen);
        dir[dlen] = '\0';
        *base = slash + 1;
    }
    return **base == '\0' ? SG17_E_INVAL : 0;
}

static int fsync_dir(const char *dir)
{
    int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0)
        return SG17_E_IO;
    int rc = (fsync(dfd) == 0 || errno == EINVAL) ? 0 : SG17_E_IO;
    close(dfd);
    return rc;
}

int sg17_file_write_atomic(const char *path, const void *data, size_t len, mode_t mode)
{
    char dir[FILE_PATH_MAX];
    char tmp[FILE_PATH_MAX + 32];
    const char *base;
    if (path == NULL || (data == NULL && len > 0))
        return SG17_E_INVAL;
    int rc = split_path(path, dir, sizeof dir, &base);
    if (rc != 0)
        return rc;
    size_t dlen = strlen(dir), blen = strlen(base);
    if (dlen + blen + 16 >= sizeof tmp)
        return SG17_E_INVAL;
    /* Same directory as the target so that rename() cannot cross filesystems. */
    memcpy(tmp, dir, dlen);
    size_t off = dlen;
    tmp[off++] = '/';
    tmp[off++] = '.';
    memcpy(tmp + off, base, blen);
    off += blen;
    memcpy(tmp + off, ".tmp.XXXXXX", sizeof ".tmp.XXXXXX");

    int fd = mkostemp(tmp, O_CLOEXEC);
    if (fd < 0)
        return SG17_E_IO;
    /* mkostemp creates 0600; set the exact requested mode before any data. */
    if (fchmod(fd, mode & 07777) != 0 || write_all(fd, data, len) != 0)
        goto fail;
    if (hook(SG17_FILE_STEP_TEMP_WRITTEN)) {
        close(fd);
        return SG17_E_IO; /* simulated crash: the temp file stays behind */
    }
    if (fsync(fd) != 0)
        goto fail;
    if (close(fd) != 0) {
        fd = -1;
        goto fail;
    }
    fd = -1;
    if (hook(SG17_FILE_STEP_TEMP_SYNCED))
        return SG17_E_IO;
    if (rename(tmp, path) != 0)
        goto fail;
    if (hook(SG17_FILE_STEP_RENAMED))
        return SG17_E_IO;
    return fsync_dir(dir);

fail:
    if (fd >= 0)
        close(fd);
    unlink(tmp);
    return SG17_E_IO;
}

int sg17_file_read(const char *path, uint8_t **buf, size_t *len, size_t max_len)
{
    if (buf == NULL || len == NULL)
        return SG17_E_INVAL;
    *buf = NULL;
    *len = 0;
    if (path == NULL)
        return SG17_E_INVAL;
    if (max_len > SG17_FILE_READ_HARD_MAX)
        max_len = SG17_FILE_READ_HARD_MAX;
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
    if (fd < 0)
        return errno == ENOENT ? SG17_E_NOTFOUND : SG17_E_IO;
    struct stat st;
    int rc = 0;
    uint8_t *b = NULL;
    if (fstat(fd, &st) != 0) {
        rc = SG17_E_IO;
        goto out;
    }
    if (!S_ISREG(st.st_mode)) {
        rc = SG17_E_FORMAT;
        goto out;
    }
    if (st.st_size < 0 || (uint64_t)st.st_size > (uint64_t)max_len) {
        rc = SG17_E_LIMIT;
        goto out;
    }
    /* Read up to max_len + 1 so that a file that grew after fstat is caught. */
    size_t cap = (size_t)st.st_size + 1;
    b = malloc(cap + 1);
    if (b == NULL) {
        rc = SG17_E_NOMEM;
        goto out;
    }
    size_t got = 0;
    for (;;) {
        if (got == cap) {
            if (cap > max_len) {
                rc = SG17_E_LIMIT;
                goto out;
            }
            size_t ncap = cap * 2 > max_len + 1 ? max_len + 1 : cap * 2;
            uint8_t *nb = realloc(b, ncap + 1);
            if (nb == NULL) {
                rc = SG17_E_NOMEM;
                goto out;
            }
            b = nb;
            cap = ncap;
        }
        ssize_t r = read(fd, b + got, cap - got);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            rc = SG17_E_IO;
            goto out;
        }
        if (r == 0)
            break;
        got += (size_t)r;
    }
    if (got > max_len) {
        rc = SG17_E_LIMIT;
        goto out;
    }
    b[got] = 0;
    *buf = b;
    *len = got;
    b = NULL;
out:
    if (b != NULL) {
        sg17_memzero(b, cap);
        free(b);
    }
    close(fd);
    return rc;
}
