/*
 * The lazily fetched EVP_MD cache (pthread_once) and the P-256 group cache
 * are shared by all threads: hammer them from several threads at once,
 * starting cold, and check every answer (FIPS 202 SHA3-256("abc"),
 * FIPS 180-4 SHA-224("abc"), RFC 6979 A.2.5 P-256 public key).
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "sg17/crypto.h"
#include "tap.h"

#define NTHREADS 4
#define ROUNDS 300

static uint8_t want_sha3[32], want_sha224[28], want_pk[65], sk[32];

static void *worker(void *arg)
{
    int *bad = arg;
    for (int i = 0; i < ROUNDS; i++) {
        uint8_t out[65];
        if (sg17_hash(SG17_HASH_SHA3_256, (const uint8_t *)"abc", 3, out) != 0 ||
            memcmp(out, want_sha3, 32) != 0)
            (*bad)++;
        if (sg17_hash(SG17_HASH_SHA224, (const uint8_t *)"abc", 3, out) != 0 ||
            memcmp(out, want_sha224, 28) != 0)
            (*bad)++;
        if (i % 30 == 0 && (sg17_p256_public(out, sk) != 0 || memcmp(out, want_pk, 65) != 0))
            (*bad)++;
    }
    return NULL;
}

static void load(uint8_t *dst, size_t len, const char *h)
{
    size_t n = 0;
    uint8_t *p = tap_hex_decode(h, &n);
    if (p == NULL || n != len)
        abort();
    memcpy(dst, p, len);
    free(p);
}

int main(void)
{
    load(want_sha3, 32, "3a985da74fe225b2045c172d6bd390bd855f086e3e9d525b46bfe24511431532");
    load(want_sha224, 28, "23097d223405d8228642a477bda255b32aadbce4bda0b3f7e36c9da7");
    load(sk, 32, "c9afa9d845ba75166b5c215767b1d6934e50c3db36e89b127b8a622b120f6721");
    load(want_pk, 65,
         "0460fed4ba255a9d31c961eb74c6356d68c049b8923b61fa6ce669622e60f29fb6"
         "7903fe1008b8bc99a41ae9e95628bc64f2f1b20c2d7e9f5177a3c294d4462299");
    pthread_t t[NTHREADS];
    int bad[NTHREADS] = {0};
    int started = 0;
    for (int i = 0; i < NTHREADS; i++)
        started += pthread_create(&t[i], NULL, worker, &bad[i]) == 0;
    tap_int_eq(started, NTHREADS, "threads started");
    int total = 0;
    for (int i = 0; i < started; i++) {
        pthread_join(t[i], NULL);
        total += bad[i];
    }
    tap_int_eq(total, 0, "no wrong or failed answer from any thread");
    return tap_done();
}
