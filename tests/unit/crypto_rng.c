/*
 * sg17_randombytes: the OpenSSL source produces non-constant output, the
 * injectable source is used verbatim and its failure is reported.
 */
#include <string.h>

#include "sg17/crypto.h"
#include "tap.h"

struct counter {
    uint8_t next;
    int calls;
};

static int counting_source(void *ctx, uint8_t *out, size_t len)
{
    struct counter *c = ctx;
    c->calls++;
    for (size_t i = 0; i < len; i++)
        out[i] = c->next++;
    return 0;
}

static int failing_source(void *ctx, uint8_t *out, size_t len)
{
    (void)ctx;
    memset(out, 0x55, len);
    return -1;
}

int main(void)
{
    uint8_t a[64], b[64], zero[64];
    memset(zero, 0, sizeof zero);

    tap_int_eq(sg17_randombytes(a, sizeof a), 0, "OpenSSL randombytes succeeds");
    tap_int_eq(sg17_randombytes(b, sizeof b), 0, "second draw succeeds");
    tap_ok(memcmp(a, b, sizeof a) != 0, "two 64-byte draws differ");
    tap_ok(memcmp(a, zero, sizeof a) != 0, "draw is not all-zero");
    tap_int_eq(sg17_randombytes(NULL, 0), 0, "zero-length draw is a no-op");
    tap_int_eq(sg17_randombytes(NULL, 1), SG17_E_INVAL, "NULL output rejected");

    /* Bit balance over 64 KiB: expect 262144 ones, sd 362; allow 10 sd. */
    static uint8_t big[65536];
    tap_int_eq(sg17_randombytes(big, sizeof big), 0, "64 KiB draw");
    long ones = 0;
    for (size_t i = 0; i < sizeof big; i++)
        ones += __builtin_popcount(big[i]);
    tap_ok(ones > 262144 - 3620 && ones < 262144 + 3620, "bit balance (%ld ones)", ones);

    struct counter c = {.next = 7, .calls = 0};
    sg17_rng_set_source(counting_source, &c);
    tap_int_eq(sg17_randombytes(a, 5), 0, "test source draw");
    const uint8_t want[5] = {7, 8, 9, 10, 11};
    tap_mem_eq(a, want, 5, "test source output used verbatim");
    tap_int_eq(c.calls, 1, "test source called once");

    sg17_rng_set_source(failing_source, NULL);
    memset(a, 0xEE, sizeof a);
    tap_int_eq(sg17_randombytes(a, 16), SG17_E_RNG, "failing source -> SG17_E_RNG");
    tap_mem_eq(a, zero, 16, "output wiped on failure");

    sg17_rng_set_source(NULL, NULL);
    tap_int_eq(sg17_randombytes(a, 32), 0, "restored OpenSSL source");
    tap_int_eq(c.calls, 1, "test source no longer called");
    return tap_done();
}
