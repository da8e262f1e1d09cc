/* Shared timing helpers for bench/ programs (header-only). */
#ifndef SG17_BENCH_UTIL_H
#define SG17_BENCH_UTIL_H

#include <stdint.h>
#include <stdlib.h>
#include <time.h>
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

#endif
