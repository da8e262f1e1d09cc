/*
 * sg17/cpu.h - run-time CPU feature detection: the one place that decides
 * whether the optimised x86-64 code paths (AVX2) are used.
 *
 * Detection uses CPUID (via the compiler's __builtin_cpu_supports). The
 * environment variable SG17_NO_AVX2=1, read once at the first query, or
 * sg17_cpu_set_avx2(0) force the portable C paths; outputs are identical
 * either way.
 */
#ifndef SG17_CPU_H
#define SG17_CPU_H

#include "sg17/common.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * 1 if the AVX2 code paths are in use: the CPU supports AVX2, BMI1 and BMI2
 * (every AVX2 CPU so far does) and they are not disabled.
 */
SG17_API int sg17_cpu_has_avx2(void);

/**
 * Enable (1) or disable (0) the AVX2 code paths for the whole process.
 * Enabling has no effect on a CPU without AVX2. Returns the new state of
 * sg17_cpu_has_avx2(). Meant for tests and benchmarks; not for use while
 * other threads run sg17 operations.
 */
SG17_API int sg17_cpu_set_avx2(int enable);

#ifdef __cplusplus
}
#endif
#endif
