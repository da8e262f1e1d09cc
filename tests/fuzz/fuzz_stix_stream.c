/*
 * libFuzzer harness for streaming validation (sg17_stix_stream_validate: the
 * bundle reader plus jdom per object) as a differential against the jansson
 * stream (sg17_stix_stream_file + sg17_stix_validate): the same return and,
 * object by object, the same findings. The input is handed over as a file
 * (memfd, read through /proc/self/fd).
 */
#define _GNU_SOURCE 1
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "sg17/stix.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef struct acc {
    char *s;
    size_t n, cap;
} acc;

static void put(acc *a, const char *line)
{
    size_t k = strlen(line);
    if (a->n + k + 1 > a->cap) {
        size_t nc = a->cap ? a->cap * 2 : 4096;
        while (nc < a->n + k + 1)
            nc *= 2;
        char *ns = realloc(a->s, nc);
        if (!ns)
            abort();
        a->s = ns;
        a->cap = nc;
    }
    memcpy(a->s + a->n, line, k + 1);
    a->n += k;
}

static void put_report(acc *a, int vrc, const sg17_stix_report *r)
{
    char line[300];
    snprintf(line, sizeof line, "rc %d\n", vrc);
    put(a, line);
    for (size_t i = 0; vrc == 0 && i < r->n; i++) {
        snprintf(line, sizeof line, "%d %d %s: %s\n", r->items[i].code, r->items[i].is_error,
                 r->items[i].object_id, r->items[i].text);
        put(a, line);
    }
}

static sg17_stix_vopts vo;

static int j_cb(json_t *obj, void *ctx)
{
    sg17_stix_report rep;
    int rc = sg17_stix_validate(obj, &vo, &rep);
    put_report(ctx, rc, &rep);
    sg17_stix_report_free(&rep);
    return rc == 0 || rc == SG17_E_FORMAT ? 0 : rc;
}

static int f_cb(int vrc, const sg17_stix_report *rep, void *ctx)
{
    put_report(ctx, vrc, rep);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > (1 << 16))
        return 0;
    int fd = memfd_create("stix", 0);
    if (fd < 0)
        return 0;
    if (size && write(fd, data, size) != (ssize_t)size) {
        close(fd);
        return 0;
    }
    char path[64];
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    memset(&vo, 0, sizeof vo);
    vo.version = (size & 1) ? "2.1" : NULL;
    acc a = {NULL, 0, 0}, b = {NULL, 0, 0};
    int rc1 = sg17_stix_stream_file(path, 1 << 16, j_cb, &a);
    int rc2 = sg17_stix_stream_validate(path, 1 << 16, &vo, f_cb, &b);
    /* jansson and jdom reject the same texts; a parse failure may come after
     * some objects were reported, at the same object in both. The error class
     * may differ on malformed text: sg17_json_parse's pre-scan reports nesting
     * beyond the cap anywhere as SG17_E_LIMIT, jdom stops at the first error. */
    if ((rc1 == 0) != (rc2 == 0) || a.n != b.n || (a.n && memcmp(a.s, b.s, a.n) != 0))
        __builtin_trap();
    free(a.s);
    free(b.s);
    close(fd);
    return 0;
}
