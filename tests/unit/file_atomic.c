/* sg17_file_write_atomic / sg17_file_read: content, modes, caps, simulated crashes. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "file_internal.h"
#include "sg17/file.h"
#include "tap.h"

static int crash_at;
static int crash_hook(void *ctx, int step)
{
    (void)ctx;
    return step == crash_at;
}

static int count_temps(const char *dir)
{
    DIR *d = opendir(dir);
    int n = 0;
    if (!d)
        return -1;
    struct dirent *e;
    while ((e = readdir(d)) != NULL)
        if (strstr(e->d_name, ".tmp.") != NULL)
            n++;
    closedir(d);
    return n;
}

int main(void)
{
    char dir[] = "/tmp/sg17_file_test_XXXXXX";
    if (mkdtemp(dir) == NULL)
        tap_skip_all("cannot create a temp dir");
    char path[256];
    snprintf(path, sizeof path, "%s/key.bin", dir);

    /* Create with 0600, read back. */
    const uint8_t a[] = "first version";
    tap_int_eq(sg17_file_write_atomic(path, a, sizeof a, 0600), 0, "create");
    struct stat st;
    tap_ok(stat(path, &st) == 0 && (st.st_mode & 0777) == 0600, "mode is 0600");
    uint8_t *buf;
    size_t len;
    tap_int_eq(sg17_file_read(path, &buf, &len, 1024), 0, "read");
    tap_int_eq((long long)len, (long long)sizeof a, "length");
    tap_ok(buf && memcmp(buf, a, sizeof a) == 0 && buf[len] == 0, "content + NUL");
    free(buf);

    /* Replace with a different mode and size. */
    uint8_t big[5000];
    for (size_t i = 0; i < sizeof big; i++)
        big[i] = (uint8_t)(i * 7);
    tap_int_eq(sg17_file_write_atomic(path, big, sizeof big, 0644), 0, "replace");
    tap_ok(stat(path, &st) == 0 && (st.st_mode & 0777) == 0644, "mode is 0644");
    tap_int_eq(sg17_file_read(path, &buf, &len, sizeof big), 0, "read at exact cap");
    tap_ok(buf && len == sizeof big && memcmp(buf, big, len) == 0, "content 5000");
    free(buf);
    tap_int_eq(sg17_file_read(path, &buf, &len, sizeof big - 1), SG17_E_LIMIT, "cap enforced");
    tap_ok(buf == NULL && len == 0, "outputs cleared on error");

    /* Empty file. */
    tap_int_eq(sg17_file_write_atomic(path, NULL, 0, 0600), 0, "empty write");
    tap_int_eq(sg17_file_read(path, &buf, &len, 10), 0, "empty read");
    tap_ok(buf != NULL && len == 0, "empty content");
    free(buf);

    /* Errors. */
    tap_int_eq(sg17_file_read(dir, &buf, &len, 10), SG17_E_FORMAT, "directory refused");
    char missing[300];
    snprintf(missing, sizeof missing, "%s/nope", dir);
    tap_int_eq(sg17_file_read(missing, &buf, &len, 10), SG17_E_NOTFOUND, "missing file");
    tap_int_eq(sg17_file_write_atomic(NULL, a, 1, 0600), SG17_E_INVAL, "NULL path");
    tap_int_eq(sg17_file_write_atomic("/nonexistent-dir-sg17/x", a, 1, 0600), SG17_E_IO,
               "missing directory");
    tap_int_eq(sg17_file_write_atomic(path, NULL, 3, 0600), SG17_E_INVAL, "NULL data");

    /* Symlink at path is replaced, not followed. */
    char target[300], link[300];
    snprintf(target, sizeof target, "%s/target", dir);
    snprintf(link, sizeof link, "%s/link", dir);
    tap_int_eq(sg17_file_write_atomic(target, "T", 1, 0600), 0, "target");
    tap_ok(symlink(target, link) == 0, "symlink");
    tap_int_eq(sg17_file_write_atomic(link, "L", 1, 0600), 0, "write over link");
    tap_ok(lstat(link, &st) == 0 && S_ISREG(st.st_mode), "link replaced by a file");
    tap_int_eq(sg17_file_read(target, &buf, &len, 10), 0, "target still readable");
    tap_ok(buf && len == 1 && buf[0] == 'T', "target untouched");
    free(buf);

    /* Simulated crashes: old content before rename, new content after. */
    tap_int_eq(sg17_file_write_atomic(path, "old", 3, 0600), 0, "old");
    sg17_file_test_hook = crash_hook;
    for (crash_at = 1; crash_at <= 3; crash_at++) {
        tap_int_eq(sg17_file_write_atomic(path, "new", 3, 0600), SG17_E_IO, "crash injected");
        tap_int_eq(sg17_file_read(path, &buf, &len, 10), 0, "readable after crash");
        const char *want = crash_at < SG17_FILE_STEP_RENAMED ? "old" : "new";
        tap_ok(buf && len == 3 && memcmp(buf, want, 3) == 0, "crash at step %d leaves %s", crash_at,
               want);
        free(buf);
        sg17_file_test_hook = NULL;
        tap_int_eq(sg17_file_write_atomic(path, "old", 3, 0600), 0, "rewrite old");
        sg17_file_test_hook = crash_hook;
    }
    sg17_file_test_hook = NULL;
    tap_ok(count_temps(dir) == 2, "two stray temps from crashes before rename (%d)",
           count_temps(dir));

    /* Clean up. */
    DIR *d = opendir(dir);
    struct dirent *e;
    while (d && (e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.' && (e->d_name[1] == 0 || (e->d_name[1] == '.' && !e->d_name[2])))
            continue;
        char p[600];
        snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
        unlink(p);
    }
    if (d)
        closedir(d);
    rmdir(dir);
    return tap_done();
}
