/*
 * sg17/common.h - error codes, export macros, secret wiping and
 * constant-time helpers shared by every sg17 module.
 */
#ifndef SG17_COMMON_H
#define SG17_COMMON_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__)
#define SG17_API __attribute__((visibility("default")))
#define SG17_MUST_CHECK __attribute__((warn_unused_result))
#else
#define SG17_API
#define SG17_MUST_CHECK
#endif

/** Library version (semantic). */
#define SG17_VERSION_STRING "0.1.0"

/** Error codes: every fallible function returns 0 or one of these. */
enum sg17_error {
    SG17_OK = 0,
    SG17_E_INVAL = -1,    /**< invalid argument (caller bug) */
    SG17_E_FORMAT = -2,   /**< malformed input */
    SG17_E_VERIFY = -3,   /**< well-formed but verification failed */
    SG17_E_NOMEM = -4,    /**< allocation failed */
    SG17_E_IO = -5,       /**< file or socket I/O failed */
    SG17_E_RNG = -6,      /**< randomness source failed */
    SG17_E_STATE = -7,    /**< wrong state (e.g. stateful key exhausted) */
    SG17_E_LIMIT = -8,    /**< a size or depth cap was exceeded */
    SG17_E_UNSUPPORTED = -9, /**< algorithm or feature not supported */
    SG17_E_CRYPTO = -10,  /**< the underlying crypto library failed */
    SG17_E_NOTFOUND = -11, /**< lookup found nothing */
    SG17_E_AUTH = -12,    /**< authentication or authorisation refused */
    SG17_E_EXISTS = -13,  /**< object already exists */
};

/** Human-readable text for an sg17 error code; never NULL. */
SG17_API const char *sg17_strerror(int err);

/** The library version string. */
SG17_API const char *sg17_version(void);

/** Wipe len bytes at p in a way the compiler cannot elide. */
SG17_API void sg17_memzero(void *p, size_t len);

/** Constant-time equality of two buffers: 1 if equal, 0 otherwise. */
SG17_API int sg17_ct_memeq(const void *a, const void *b, size_t len);

/**
 * Constant-time conditional copy: if cond (0 or 1) is 1, copy src to dst,
 * else leave dst unchanged. Timing independent of cond.
 */
SG17_API void sg17_ct_cmov(void *dst, const void *src, size_t len, uint8_t cond);

/** Returns 0xFF..FF if x == 0 else 0, without branching. */
static inline uint32_t sg17_ct_is_zero_mask32(uint32_t x)
{
    return (uint32_t)((((uint64_t)x) - 1U) >> 32);
}

#ifdef __cplusplus
}
#endif
#endif /* SG17_COMMON_H */
