/*
 * Constant-time harness self-test. Run under valgrind memcheck (ctest does so
 * with --error-exitcode=9) with the compared buffers marked undefined:
 *   - default: sg17_ct_memeq and sg17_ct_cmov on secrets -> no report, exit 0
 *   - "--leaky": an early-exit comparison of the same secrets -> memcheck
 *     reports a secret-dependent branch (tests/ct/ct_detects.sh expects exit 9).
 */
#include <stdio.h>
#include <string.h>
#include <valgrind/memcheck.h>

#include "sg17/common.h"
#include "tap.h"

/* The textbook timing leak: returns at the first differing byte. */
static __attribute__((noinline)) int leaky_memeq(const volatile uint8_t *a,
                                                 const volatile uint8_t *b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (a[i] != b[i])
            return 0;
    return 1;
}

int main(int argc, char **argv)
{
    uint8_t secret[32], guess[32], dst[32];
    int leaky = argc > 1 && strcmp(argv[1], "--leaky") == 0;

    for (int i = 0; i < 32; i++) {
        secret[i] = (uint8_t)(i * 7 + 1);
        guess[i] = secret[i];
    }
    guess[31] ^= 1;
    VALGRIND_MAKE_MEM_UNDEFINED(secret, sizeof secret);

    if (leaky) {
        int r = leaky_memeq(secret, guess, sizeof secret);
        VALGRIND_MAKE_MEM_DEFINED(&r, sizeof r);
        printf("leaky comparison ran (result %d); memcheck must have reported it\n", r);
        return 0;
    }
    int eq = sg17_ct_memeq(secret, guess, sizeof secret);
    int eq2 = sg17_ct_memeq(secret, secret, sizeof secret);
    memset(dst, 0xAA, sizeof dst);
    sg17_ct_cmov(dst, secret, sizeof dst, (uint8_t)eq2);
    /* Declassify only the results for the assertions below. */
    VALGRIND_MAKE_MEM_DEFINED(&eq, sizeof eq);
    VALGRIND_MAKE_MEM_DEFINED(&eq2, sizeof eq2);
    VALGRIND_MAKE_MEM_DEFINED(secret, sizeof secret);
    VALGRIND_MAKE_MEM_DEFINED(dst, sizeof dst);
    tap_ok(eq == 0, "sg17_ct_memeq: different buffers compare unequal");
    tap_ok(eq2 == 1, "sg17_ct_memeq: equal buffers compare equal");
    tap_mem_eq(dst, secret, sizeof dst, "sg17_ct_cmov copies when cond = 1");
    sg17_ct_cmov(dst, guess, sizeof dst, 0);
    tap_mem_eq(dst, secret, sizeof dst, "sg17_ct_cmov leaves dst when cond = 0");
    sg17_memzero(secret, sizeof secret);
    tap_ok(secret[0] == 0 && secret[31] == 0, "sg17_memzero wipes");
    return tap_done();
}
