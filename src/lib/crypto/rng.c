/*
 * The random number source: OpenSSL's CSPRNG (RAND_bytes, a DRBG per
 * SP 800-90A seeded from the OS), replaceable by a deterministic source in
 * tests so that keygen/sign/encaps can be checked against known answers.
 */
#include <limits.h>

#include <openssl/rand.h>

#include "sg17/crypto.h"

static sg17_rng_fn rng_fn;
static void *rng_ctx;

void sg17_rng_set_source(sg17_rng_fn fn, void *ctx)
{
    rng_fn = fn;
    rng_ctx = fn != NULL ? ctx : NULL;
}

int sg17_randombytes(uint8_t *out, size_t len)
{
    if (len == 0)
        return 0;
    if (out == NULL)
        return SG17_E_INVAL;
    if (rng_fn != NULL) {
        if (rng_fn(rng_ctx, out, len) != 0) {
            sg17_memzero(out, len);
            return SG17_E_RNG;
        }
        return 0;
    }
    /* RAND_bytes takes an int length: feed large requests in chunks. */
    size_t done = 0;
    while (done < len) {
        size_t n = len - done;
        if (n > (size_t)INT_MAX)
            n = (size_t)INT_MAX;
        if (RAND_bytes(out + done, (int)n) != 1) {
            sg17_memzero(out, len);
            return SG17_E_RNG;
        }
        done += n;
    }
    return 0;
}
