/*
 * Run-time CPU feature detection (see sg17/cpu.h). The state is one int,
 * -1 until the first query; concurrent first queries compute the same
 * value, so the benign race is resolved with relaxed atomics.
 */
#include "sg17/cpu.h"

#include <stdlib.h>

static int cpu_avx2_state = -1; /* -1 unknown, 0 portable, 1 AVX2 */

static int cpu_supports_avx2(void)
{
#if (defined(__x86_64__) || defined(__i386__)) && defined(__GNUC__)
    __builtin_cpu_init();
    return (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("bmi") &&
            __builtin_cpu_supports("bmi2"))
               ? 1
               : 0;
#else
    return 0;
#endif
}

int sg17_cpu_has_avx2(void)
{
    int s = __atomic_load_n(&cpu_avx2_state, __ATOMIC_RELAXED);
    if (s < 0) {
        const char *env = getenv("SG17_NO_AVX2");
        s = cpu_supports_avx2();
        if (env != NULL && env[0] != '\0' && env[0] != '0')
            s = 0;
        __atomic_store_n(&cpu_avx2_state, s, __ATOMIC_RELAXED);
    }
    return s;
}

int sg17_cpu_set_avx2(int enable)
{
    int s = enable ? cpu_supports_avx2() : 0;
    __atomic_store_n(&cpu_avx2_state, s, __ATOMIC_RELAXED);
    return s;
}
