/* TAP harness implementation (see tap.h). */
#include "tap.h"

#include <jansson.h>

#include "sg17/pqc_acvp.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static unsigned long n_run, n_fail;

int tap_ok_at(int cond, const char *file, int line, const char *fmt, ...)
{
    va_list ap;
    n_run++;
    if (!cond)
        n_fail++;
    printf("%s %lu - ", cond ? "ok" : "not ok", n_run);
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf("\n");
    if (!cond)
        printf("#   failed at %s:%d\n", file, line);
    fflush(stdout);
    return cond;
}

static void hexdump(const char *label, const uint8_t *p, size_t len)
{
    printf("#   %s: ", label);
    size_t n = len > 64 ? 64 : len;
    for (size_t i = 0; i < n; i++)
        printf("%02x", p[i]);
    if (n < len)
        printf("... (%zu bytes)", len);
    printf("\n");
}

int tap_mem_eq_at(const void *got, const void *want, size_t len, const char *file, int line,
                  const char *what)
{
    int eq = memcmp(got, want, len) == 0;
    tap_ok_at(eq, file, line, "%s", what);
    if (!eq) {
        const uint8_t *g = got, *w = want;
        size_t i = 0;
        while (i < len && g[i] == w[i])
            i++;
        printf("#   first difference at byte %zu\n", i);
        hexdump("got ", g, len);
        hexdump("want", w, len);
    }
    return eq;
}

int tap_int_eq_at(long long got, long long want, const char *file, int line, const char *what)
{
    int eq = got == want;
    tap_ok_at(eq, file, line, "%s", what);
    if (!eq)
        printf("#   got %lld, want %lld\n", got, want);
    return eq;
}

void tap_diag(const char *fmt, ...)
{
    va_list ap;
    printf("# ");
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf("\n");
    fflush(stdout);
}

void tap_skip_all(const char *fmt, ...)
{
    va_list ap;
    printf("1..0 # SKIP ");
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf("\n");
    fflush(stdout);
    exit(77);
}

int tap_done(void)
{
    printf("1..%lu\n", n_run);
    if (n_run == 0) {
        printf("# no assertions were made: failing\n");
        return 1;
    }
    printf("# %lu passed, %lu failed\n", n_run - n_fail, n_fail);
    return n_fail ? 1 : 0;
}

const char *tap_vectors_dir(void)
{
    static char buf[4096];
    struct stat st;
    const char *env = getenv("SG17_VECTORS");
    const char *d = env && *env ? env : SG17_DEFAULT_VECTORS;
    if (stat(d, &st) != 0 || !S_ISDIR(st.st_mode))
        return NULL;
    snprintf(buf, sizeof buf, "%s", d);
    return buf;
}

const char *tap_vector_path(const char *rel)
{
    static char slots[8][4096];
    static unsigned slot;
    struct stat st;
    const char *d = tap_vectors_dir();
    if (!d)
        tap_skip_all("vectors directory not found (set SG17_VECTORS; default %s)",
                     SG17_DEFAULT_VECTORS);
    char *buf = slots[slot++ % 8];
    int n = snprintf(buf, sizeof slots[0], "%s/%s", d, rel);
    if (n < 0 || (size_t)n >= sizeof slots[0])
        tap_skip_all("vector path %s/%s is too long", d, rel);
    if (stat(buf, &st) != 0)
        tap_skip_all("vector file %s not found", buf);
    return buf;
}

const char *tap_source_dir(void)
{
    const char *env = getenv("SG17_SOURCE_DIR");
    return env && *env ? env : SG17_SOURCE_DIR;
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

uint8_t *tap_hex_decode(const char *hex, size_t *out_len)
{
    size_t n = strlen(hex);
    if (n % 2)
        return NULL;
    uint8_t *out = malloc(n / 2 + 1);
    if (!out)
        return NULL;
    for (size_t i = 0; i < n / 2; i++) {
        int hi = hexval(hex[2 * i]), lo = hexval(hex[2 * i + 1]);
        if (hi < 0 || lo < 0) {
            free(out);
            return NULL;
        }
        out[i] = (uint8_t)(hi << 4 | lo);
    }
    *out_len = n / 2;
    return out;
}

char *tap_read_file(const char *path, size_t *out_len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 1 << 16, len = 0;
    char *buf = malloc(cap + 1);
    while (buf) {
        size_t r = fread(buf + len, 1, cap - len, f);
        len += r;
        if (len < cap)
            break;
        cap *= 2;
        char *nb = realloc(buf, cap + 1);
        if (!nb) {
            free(buf);
            buf = NULL;
        }
        buf = nb;
    }
    fclose(f);
    if (!buf)
        return NULL;
    buf[len] = 0;
    if (out_len)
        *out_len = len;
    return buf;
}

static uint64_t rs[4] = {0x9E3779B97F4A7C15ULL, 0xBF58476D1CE4E5B9ULL, 0x94D049BB133111EBULL, 1};

static uint64_t rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

void tap_rand_seed(uint64_t seed)
{
    for (int i = 0; i < 4; i++) {
        seed += 0x9E3779B97F4A7C15ULL;
        uint64_t z = seed;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
        rs[i] = z ^ (z >> 31);
    }
}

uint64_t tap_rand_u64(void)
{
    uint64_t r = rotl(rs[1] * 5, 7) * 9, t = rs[1] << 17;
    rs[2] ^= rs[0];
    rs[3] ^= rs[1];
    rs[1] ^= rs[2];
    rs[0] ^= rs[3];
    rs[2] ^= t;
    rs[3] = rotl(rs[3], 45);
    return r;
}

void tap_rand_bytes(uint8_t *out, size_t len)
{
    for (size_t i = 0; i < len; i++)
        out[i] = (uint8_t)tap_rand_u64();
}

static unsigned long acvp_count_tests(const char *path)
{
    json_error_t err;
    json_t *root = json_load_file(path, 0, &err);
    unsigned long n = 0;
    size_t i;
    json_t *g;
    if (root == NULL)
        return 0;
    json_t *obj = json_is_array(root) ? json_array_get(root, json_array_size(root) - 1) : root;
    json_array_foreach(json_object_get(obj, "testGroups"), i, g)
    {
        n += json_array_size(json_object_get(g, "tests"));
    }
    json_decref(root);
    return n;
}

void tap_acvp_file(const char *rel)
{
    const char *path = tap_vector_path(rel);
    sg17_acvp_result r = {0, 0, 0, stderr, 0};
    unsigned long total = acvp_count_tests(path);
    int rc = sg17_pqc_acvp_file(path, &r);
    tap_int_eq(rc, 0, rel);
    tap_diag("%s: %lu passed, %lu failed, %lu skipped (of %lu)", rel, r.passed, r.failed,
             r.skipped, total);
    tap_ok(total > 0, "%s has test cases", rel);
    tap_ok(r.failed == 0, "%s: no failures", rel);
    tap_ok(r.skipped == 0, "%s: no skips", rel);
    tap_ok(r.passed == total, "%s: all %lu passed", rel, total);
}
