/* Helpers shared by the sg17 command modules. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

int cli_read_input(const char *path, size_t max_len, uint8_t **out, size_t *len)
{
    int use_stdin = path == NULL || strcmp(path, "-") == 0;
    const char *name = use_stdin ? "<stdin>" : path;
    FILE *f = use_stdin ? stdin : fopen(path, "rb");
    size_t cap = 4096, n = 0;
    uint8_t *buf;

    *out = NULL;
    *len = 0;
    if (!f) {
        fprintf(stderr, "sg17: %s: %s\n", name, strerror(errno));
        return -1;
    }
    buf = malloc(cap);
    while (buf) {
        size_t r = fread(buf + n, 1, cap - n, f);
        n += r;
        if (r == 0)
            break;
        if (n == cap) {
            if (cap >= max_len + 1) {
                fprintf(stderr, "sg17: %s: larger than the %zu-byte limit\n", name, max_len);
                free(buf);
                buf = NULL;
                break;
            }
            size_t ncap = cap * 2 > max_len + 1 ? max_len + 1 : cap * 2;
            uint8_t *nb = realloc(buf, ncap);
            if (!nb) {
                free(buf);
                buf = NULL;
                fprintf(stderr, "sg17: %s: out of memory\n", name);
                break;
            }
            buf = nb;
            cap = ncap;
        }
    }
    if (buf && ferror(f)) {
        fprintf(stderr, "sg17: %s: read error\n", name);
        free(buf);
        buf = NULL;
    }
    if (buf && n > max_len) {
        fprintf(stderr, "sg17: %s: larger than the %zu-byte limit\n", name, max_len);
        free(buf);
        buf = NULL;
    }
    if (!use_stdin)
        fclose(f);
    if (!buf)
        return -1;
    *out = buf;
    *len = n;
    return 0;
}

void cli_print_hex(FILE *f, const uint8_t *p, size_t len)
{
    for (size_t i = 0; i < len; i++)
        fprintf(f, "%02x", p[i]);
    fputc('\n', f);
}

int cli_parse_size(const char *s, size_t *out)
{
    char *end = NULL;
    if (!s || !*s || *s == '-')
        return -1;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || *end != '\0')
        return -1;
    *out = (size_t)v;
    return 0;
}
