/*
 * Internal constant-time helpers and valgrind secret-poisoning hooks.
 *
 * SG17_CT_SECRET(p, n) marks memory as secret (undefined to memcheck) and
 * SG17_CT_DECLASSIFY(p, n) marks a value derived from secrets as public.
 * They compile to nothing unless the build defines SG17_CT_TESTING, in which
 * case they become memcheck client requests (no-ops outside valgrind).
 */
#ifndef SG17_CT_INTERNAL_H
#define SG17_CT_INTERNAL_H

#include <stdint.h>
#include <stddef.h>

#ifdef SG17_CT_TESTING
#include <valgrind/memcheck.h>
#define SG17_CT_SECRET(p, n) ((void)VALGRIND_MAKE_MEM_UNDEFINED((p), (n)))
#define SG17_CT_DECLASSIFY(p, n) ((void)VALGRIND_MAKE_MEM_DEFINED((p), (n)))
#else
#define SG17_CT_SECRET(p, n) ((void)(p), (void)(n))
#define SG17_CT_DECLASSIFY(p, n) ((void)(p), (void)(n))
#endif

/* Value barrier: hides a value from the optimiser so that masks built from
 * secrets are not turned back into branches. */
static inline uint32_t sg17_ct_vb32(uint32_t x)
{
    __asm__("" : "+r"(x));
    return x;
}
static inline uint64_t sg17_ct_vb64(uint64_t x)
{
    __asm__("" : "+r"(x));
    return x;
}
static inline uint8_t sg17_ct_vb8(uint8_t x)
{
    __asm__("" : "+r"(x));
    return x;
}

/* 0xFFFFFFFF if a == b else 0. */
static inline uint32_t sg17_ct_eq_mask32(uint32_t a, uint32_t b)
{
    uint32_t x = sg17_ct_vb32(a ^ b);
    return (uint32_t)((((uint64_t)x) - 1U) >> 32);
}

/* 0xFFFFFFFF if a < b (unsigned) else 0. */
static inline uint32_t sg17_ct_lt_mask32(uint32_t a, uint32_t b)
{
    return (uint32_t)0U - (uint32_t)((((uint64_t)a) - ((uint64_t)b)) >> 63);
}

/* mask ? a : b, with mask all-ones or zero. */
static inline uint32_t sg17_ct_sel32(uint32_t mask, uint32_t a, uint32_t b)
{
    mask = sg17_ct_vb32(mask);
    return b ^ (mask & (a ^ b));
}

#endif
