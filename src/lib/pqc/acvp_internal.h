/*
 * ACVP runner internals: one handler per algorithm family, each in the
 * family's own directory (src/lib/pqc/<family>/acvp_<family>.c).
 * The dispatcher (acvp.c) reads the file, checks "algorithm"/"mode" and
 * calls the handler. A handler walks testGroups[].tests[], and for each
 * test calls sg17_acvp_pass/fail/skip exactly once.
 */
#ifndef SG17_ACVP_INTERNAL_H
#define SG17_ACVP_INTERNAL_H

#include <jansson.h>
#include <stdio.h>

#include "sg17/pqc_acvp.h"

/** Per-test outcome recording; reason/detail go to the log stream if set. */
void sg17_acvp_pass(sg17_acvp_result *r);
void sg17_acvp_fail(sg17_acvp_result *r, const json_t *group, const json_t *test,
                    const char *why);
void sg17_acvp_skip(sg17_acvp_result *r, const json_t *group, const json_t *test,
                    const char *why);

/** Hex field helpers: decode string field `key` of obj into a malloc'd buffer.
 *  Returns 0, or SG17_E_FORMAT if absent/not hex. *out is NULL for "". */
int sg17_acvp_hex(const json_t *obj, const char *key, uint8_t **out, size_t *len);
/** String/int/bool field access; NULL / -1 when absent. */
const char *sg17_acvp_str(const json_t *obj, const char *key);
long long sg17_acvp_int(const json_t *obj, const char *key);
int sg17_acvp_bool(const json_t *obj, const char *key); /* 1, 0, or -1 absent */

/** Family handlers. `root` is the whole file; algorithm and mode already read. */
typedef int (*sg17_acvp_handler)(const json_t *root, const char *algorithm, const char *mode,
                                 sg17_acvp_result *r);
int sg17_acvp_mlkem(const json_t *root, const char *algorithm, const char *mode,
                    sg17_acvp_result *r);
int sg17_acvp_mldsa(const json_t *root, const char *algorithm, const char *mode,
                    sg17_acvp_result *r);
int sg17_acvp_slhdsa(const json_t *root, const char *algorithm, const char *mode,
                     sg17_acvp_result *r);
int sg17_acvp_lms(const json_t *root, const char *algorithm, const char *mode,
                  sg17_acvp_result *r);

#endif
