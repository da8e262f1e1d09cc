/*
 * A small TAP test harness. Each test program calls tap_ok()/tap_eq...() and
 * ends with `return tap_done();` (0 pass, 1 fail). tap_skip_all() exits 77.
 */
#ifndef SG17_TAP_H
#define SG17_TAP_H

#include <stddef.h>
#include <stdint.h>

#if defined(__GNUC__)
#define TAP_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define TAP_PRINTF(a, b)
#endif

/** Record one assertion; returns cond. */
int tap_ok_at(int cond, const char *file, int line, const char *fmt, ...) TAP_PRINTF(4, 5);
#define tap_ok(cond, ...) tap_ok_at(!!(cond), __FILE__, __LINE__, __VA_ARGS__)

/** Compare buffers; on mismatch prints both in hex. */
int tap_mem_eq_at(const void *got, const void *want, size_t len, const char *file, int line,
                  const char *what);
#define tap_mem_eq(got, want, len, what) tap_mem_eq_at(got, want, len, __FILE__, __LINE__, what)

/** Compare integers. */
int tap_int_eq_at(long long got, long long want, const char *file, int line, const char *what);
#define tap_int_eq(got, want, what) tap_int_eq_at((long long)(got), (long long)(want), __FILE__, __LINE__, what)

/** Diagnostic line ("# ..."). */
void tap_diag(const char *fmt, ...) TAP_PRINTF(1, 2);

/** Skip the whole program with a reason (exit 77). */
_Noreturn void tap_skip_all(const char *fmt, ...) TAP_PRINTF(1, 2);

/** Print the plan and summary; returns the process exit code. */
int tap_done(void);

/**
 * The vectors directory: $SG17_VECTORS, else ../shared/vectors beside the
 * source tree. Returns NULL if it does not exist.
 */
const char *tap_vectors_dir(void);

/** Path of a file under the vectors dir; skips the program (77) with a clear
 *  message if the vectors are absent. Returned string is static per call slot. */
const char *tap_vector_path(const char *rel);

/** The source dir (for test data shipped in the repo). */
const char *tap_source_dir(void);

/** Decode hex (upper or lower case) into a malloc'd buffer; returns NULL on error. */
uint8_t *tap_hex_decode(const char *hex, size_t *out_len);

/** Read a whole file into a malloc'd buffer (NUL-terminated); NULL on error. */
char *tap_read_file(const char *path, size_t *out_len);

/**
 * Run one NIST ACVP vector file (path relative to the vectors dir, skipping
 * plainly if absent) through sg17_pqc_acvp_file and assert that every test
 * case in it passed: none failed, none skipped, and the pass count equals
 * the number of cases the file holds.
 */
void tap_acvp_file(const char *rel);

/** Deterministic test RNG (xoshiro-like), for random-input differential tests. */
void tap_rand_seed(uint64_t seed);
uint64_t tap_rand_u64(void);
void tap_rand_bytes(uint8_t *out, size_t len);

#endif
