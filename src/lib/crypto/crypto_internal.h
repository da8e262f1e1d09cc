/*
 * Internals shared by the OpenSSL wrappers in src/lib/crypto/.
 */
#ifndef SG17_CRYPTO_INTERNAL_H
#define SG17_CRYPTO_INTERNAL_H

#include <openssl/evp.h>

#include "sg17/crypto.h"

/*
 * The EVP_MD for alg, fetched once per process (thread-safe) and never freed
 * (it lives until OpenSSL's own cleanup). NULL if alg is unknown or the
 * provider lacks it.
 */
const EVP_MD *sg17_crypto_md(sg17_hash_alg alg);

#endif
