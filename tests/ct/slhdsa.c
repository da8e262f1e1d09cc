/*
 * Constant-time check of SLH-DSA keygen and sign (SHA2-128f, SHAKE-128f)
 * under valgrind memcheck: SK.seed and SK.prf are marked undefined, so any
 * branch, table index or division that depends on them is reported.
 */
#include <stdlib.h>
#include <string.h>

#include "ct_internal.h"
#include "sg17/slhdsa.h"
#include "tap.h"

static void run(sg17_slhdsa_param p)
{
    const size_t n = sg17_slhdsa_n_bytes(p), sl = sg17_slhdsa_sig_bytes(p);
    uint8_t seeds[3 * SG17_SLHDSA_MAX_N], pk[SG17_SLHDSA_MAX_PK_BYTES],
        sk[SG17_SLHDSA_MAX_SK_BYTES], msg[40], ctx[3] = {1, 2, 3};
    uint8_t *sig = malloc(sl);
    tap_rand_bytes(seeds, sizeof(seeds));
    tap_rand_bytes(msg, sizeof(msg));

    SG17_CT_SECRET(seeds, 2 * n); /* SK.seed, SK.prf; PK.seed is public */
    tap_int_eq(sg17_slhdsa_keygen_internal(p, seeds, seeds + n, seeds + 2 * n, pk, sk), 0,
               "keygen_internal");
    /* sk keeps SK.seed and SK.prf undefined for the signing runs below. */
    SG17_CT_SECRET(sk, 2 * n);

    tap_int_eq(sg17_slhdsa_sign_deterministic(p, sig, sl, msg, sizeof(msg), ctx, sizeof(ctx), sk),
               0, "deterministic sign");
    /* The signature is the public output; the verifier checks it below. */
    SG17_CT_DECLASSIFY(sig, sl);
    tap_int_eq(sg17_slhdsa_verify(p, sig, sl, msg, sizeof(msg), ctx, sizeof(ctx), pk), 0,
               "verifies");

    tap_int_eq(sg17_slhdsa_sign(p, sig, sl, msg, sizeof(msg), ctx, sizeof(ctx), sk), 0,
               "hedged sign");
    SG17_CT_DECLASSIFY(sig, sl);
    tap_int_eq(sg17_slhdsa_verify(p, sig, sl, msg, sizeof(msg), ctx, sizeof(ctx), pk), 0,
               "verifies");
    free(sig);
}

int main(void)
{
    tap_rand_seed(205);
    run(SG17_SLHDSA_SHA2_128F);
    run(SG17_SLHDSA_SHAKE_128F);
    return tap_done();
}
