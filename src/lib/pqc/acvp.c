/* ACVP vector-file runner: reads the file, dispatches to a family handler.
 * The handlers are referenced directly so that static links pull them in. */
#include <stdlib.h>
#include <string.h>

#include "pqc/acvp_internal.h"
#include "hex_internal.h"

#define ACVP_MAX_LOG_LINES 50

static void log_case(sg17_acvp_result *r, const char *what, const json_t *group,
                     const json_t *test, const char *why)
{
    if (!r->log || r->logged >= ACVP_MAX_LOG_LINES)
        return;
    r->logged++;
    fprintf(r->log, "  %s tgId=%lld tcId=%lld: %s\n", what, sg17_acvp_int(group, "tgId"),
            sg17_acvp_int(test, "tcId"), why ? why : "");
}

void sg17_acvp_pass(sg17_acvp_result *r)
{
    r->passed++;
}

void sg17_acvp_fail(sg17_acvp_result *r, const json_t *group, const json_t *test,
                    const char *why)
{
    r->failed++;
    log_case(r, "FAIL", group, test, why);
}

void sg17_acvp_skip(sg17_acvp_result *r, const json_t *group, const json_t *test,
                    const char *why)
{
    r->skipped++;
    log_case(r, "skip", group, test, why);
}

const char *sg17_acvp_str(const json_t *obj, const char *key)
{
    const json_t *v = json_object_get(obj, key);
    return json_is_string(v) ? json_string_value(v) : NULL;
}

long long sg17_acvp_int(const json_t *obj, const char *key)
{
    const json_t *v = json_object_get(obj, key);
    return json_is_integer(v) ? (long long)json_integer_value(v) : -1;
}

int sg17_acvp_bool(const json_t *obj, const char *key)
{
    const json_t *v = json_object_get(obj, key);
    return json_is_boolean(v) ? (json_is_true(v) ? 1 : 0) : -1;
}

int sg17_acvp_hex(const json_t *obj, const char *key, uint8_t **out, size_t *len)
{
    const char *s = sg17_acvp_str(obj, key);
    *out = NULL;
    *len = 0;
    if (!s)
        return SG17_E_FORMAT;
    size_t n = strlen(s);
    if (n % 2)
        return SG17_E_FORMAT;
    if (n == 0)
        return 0;
    uint8_t *b = malloc(n / 2);
    if (!b)
        return SG17_E_NOMEM;
    for (size_t i = 0; i < n / 2; i++) {
        int hi = sg17_hexval(s[2 * i]), lo = sg17_hexval(s[2 * i + 1]);
        if (hi < 0 || lo < 0) {
            free(b);
            return SG17_E_FORMAT;
        }
        b[i] = (uint8_t)(hi << 4 | lo);
    }
    *out = b;
    *len = n / 2;
    return 0;
}

static sg17_acvp_handler pick_handler(const char *alg)
{
    if (strncmp(alg, "ML-KEM", 6) == 0)
        return sg17_acvp_mlkem;
    if (strncmp(alg, "ML-DSA", 6) == 0)
        return sg17_acvp_mldsa;
    if (strncmp(alg, "SLH-DSA", 7) == 0)
        return sg17_acvp_slhdsa;
    if (strncmp(alg, "LMS", 3) == 0)
        return sg17_acvp_lms;
    return NULL;
}

static unsigned long count_tests(const json_t *root)
{
    unsigned long n = 0;
    size_t i;
    const json_t *g;
    json_array_foreach(json_object_get(root, "testGroups"), i, g)
    {
        n += json_array_size(json_object_get(g, "tests"));
    }
    return n;
}

int sg17_pqc_acvp_file(const char *path, sg17_acvp_result *r)
{
    json_error_t jerr;
    json_t *root = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
    if (!root) {
        if (r->log)
            fprintf(r->log, "%s:%d:%d: %s\n", path, jerr.line, jerr.column, jerr.text);
        return strstr(jerr.text, "unable to open") ? SG17_E_IO : SG17_E_FORMAT;
    }
    /* The ACVP server publishes either the object or [ {acvVersion}, object ]. */
    json_t *obj = root;
    if (json_is_array(root)) {
        obj = json_array_get(root, json_array_size(root) - 1);
    }
    const char *alg = sg17_acvp_str(obj, "algorithm");
    const char *mode = sg17_acvp_str(obj, "mode");
    int rc;
    if (!alg || !json_is_array(json_object_get(obj, "testGroups"))) {
        if (r->log)
            fprintf(r->log, "%s: not an ACVP vector file (no algorithm/testGroups)\n", path);
        rc = SG17_E_FORMAT;
    } else {
        sg17_acvp_handler h = pick_handler(alg);
        if (!h) {
            unsigned long n = count_tests(obj);
            r->skipped += n;
            if (r->log)
                fprintf(r->log, "  skip: %lu tests: algorithm %s is not implemented\n", n, alg);
            rc = SG17_E_UNSUPPORTED;
        } else {
            rc = h(obj, alg, mode ? mode : "", r);
        }
    }
    json_decref(root);
    return rc;
}
