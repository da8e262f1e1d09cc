/* Error strings, version, secret wiping and constant-time buffer helpers. */
#include "sg17/common.h"

#include <string.h>

#include "ct_internal.h"

const char *sg17_strerror(int err)
{
    switch (err) {
    case SG17_OK: return "success";
    case SG17_E_INVAL: return "invalid argument";
    case SG17_E_FORMAT: return "malformed input";
    case SG17_E_VERIFY: return "verification failed";
    case SG17_E_NOMEM: return "out of memory";
    case SG17_E_IO: return "I/O error";
    case SG17_E_RNG: return "random number generator failure";
    case SG17_E_STATE: return "invalid state";
    case SG17_E_LIMIT: return "size or depth limit exceeded";
    case SG17_E_UNSUPPORTED: return "unsupported algorithm or feature";
    case SG17_E_CRYPTO: return "cryptographic library failure";
    case SG17_E_NOTFOUND: return "not found";
    case SG17_E_AUTH: return "authentication or authorisation refused";
    case SG17_E_EXISTS: return "already exists";
    default: return "unknown error";
    }
}

const char *sg17_version(void)
{
    return SG17_VERSION_STRING;
}

void sg17_memzero(void *p, size_t len)
{
    if (p == NULL || len == 0)
        return;
    memset(p, 0, len);
    /* The asm statement claims to read p, so the memset cannot be elided. */
    __asm__ __volatile__("" : : "r"(p) : "memory");
}

int sg17_ct_memeq(const void *a, const void *b, size_t len)
{
    const volatile uint8_t *x = a;
    const volatile uint8_t *y = b;
    uint8_t acc = 0;
    for (size_t i = 0; i < len; i++)
        acc |= (uint8_t)(x[i] ^ y[i]);
    return (int)(1U & ((uint32_t)(acc - 1U) >> 8));
}

void sg17_ct_cmov(void *dst, const void *src, size_t len, uint8_t cond)
{
    uint8_t *d = dst;
    const uint8_t *s = src;
    uint8_t mask = sg17_ct_vb8((uint8_t)(0U - (uint32_t)(cond & 1U)));
    for (size_t i = 0; i < len; i++)
        d[i] = (uint8_t)(d[i] ^ (mask & (d[i] ^ s[i])));
}
