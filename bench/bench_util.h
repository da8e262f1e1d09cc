/*
 * Shared helpers for the bench/ programs (header-only, static inline):
 *   clocks      bench_cycles, bench_now_s (wall), bench_cpu_now_s (thread CPU)
 *   statistics  bench_median / bench_percentile (uint64_t samples),
 *               bench_median_d (double samples, sorts in place), bench_min_d
 *   memory      bench_rss_kb (current resident set), bench_peak_kb (peak RSS),
 *               bench_in_child (run a measurement in a fresh forked process)
 *   files       bench_read_file (whole file, NUL-terminated)
 * Linux-only where it reads /proc or forks, as the benchmarks are.
 */
#ifndef SG17_BENCH_UTIL_H
#define SG17_BENCH_UTIL_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#if defined(__x86_64__) || defined(__i386__)
#include <x86intrin.h>
#endif

static inline uint64_t bench_cycles(void)
{
#if defined(__x86_64__) || defined(__i386__)
    return __rdtsc();
#else
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
#endif
}

static inline double bench_now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Seconds of CPU time used by the calling thread (CLOCK_THREAD_CPUTIME_ID):
 * per-core figures that a shared, loaded machine disturbs less than wall time. */
static inline double bench_cpu_now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int bench_cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* Median of n samples (sorts in place). */
static inline uint64_t bench_median(uint64_t *v, size_t n)
{
    qsort(v, n, sizeof *v, bench_cmp_u64);
    return v[n / 2];
}

/* p-th percentile (0..100) of sorted samples. */
static inline uint64_t bench_percentile(const uint64_t *sorted, size_t n, unsigned p)
{
    size_t i = (n * p) / 100;
    return sorted[i >= n ? n - 1 : i];
}

static inline int bench_cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* Median of n > 0 double samples; sorts v in place (v[0] is then the minimum). */
static inline double bench_median_d(double *v, size_t n)
{
    qsort(v, n, sizeof *v, bench_cmp_double);
    return v[n / 2];
}

/* Minimum of n > 0 samples: "best of n", the least disturbed run on a shared machine. */
static inline double bench_min_d(const double *v, size_t n)
{
    double m = v[0];
    for (size_t i = 1; i < n; i++)
        m = v[i] < m ? v[i] : m;
    return m;
}

/* Current resident set of this process in KiB (/proc/self/statm, field 2, in
 * pages of sysconf(_SC_PAGESIZE)); 0 if it cannot be read. */
static inline long bench_rss_kb(void)
{
    FILE *f = fopen("/proc/self/statm", "r");
    long size = 0, res = 0;
    if (f) {
        if (fscanf(f, "%ld %ld", &size, &res) != 2)
            res = 0;
        fclose(f);
    }
    return res * (sysconf(_SC_PAGESIZE) / 1024);
}

/* Peak resident set of this process so far in KiB (getrusage ru_maxrss). */
static inline long bench_peak_kb(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_maxrss;
}

/* Runs fn(ctx) in a forked child and waits for it, so that a peak-RSS figure
 * (bench_peak_kb) is the measurement's own, not inherited from earlier work in
 * the parent. stdout is flushed before the fork and in the child after fn, which
 * then _exit(0)s (fn may _exit with another status itself). Returns the child's
 * wait status, or -1 if fork failed (nothing is run then). */
static inline int bench_in_child(void (*fn)(void *ctx), void *ctx)
{
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        fn(ctx);
        fflush(stdout);
        _exit(0);
    }
    int st = 0;
    if (pid < 0 || waitpid(pid, &st, 0) < 0)
        return -1;
    return st;
}

/* Reads the whole file into a new buffer of *len + 1 bytes, NUL-terminated (the
 * NUL not counted in *len). NULL if it cannot be opened or read, or is empty. */
static inline char *bench_read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *b = n > 0 ? malloc((size_t)n + 1) : NULL;
    if (b && fread(b, 1, (size_t)n, f) != (size_t)n) {
        free(b);
        b = NULL;
    }
    fclose(f);
    if (b) {
        b[n] = '\0';
        *len = (size_t)n;
    }
    return b;
}

#endif
