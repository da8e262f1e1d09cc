/*
 * X-Wing API behaviour: random round trips, a modified ct_M or ct_X changes
 * the shared secret without an error (implicit rejection / X25519), wrong
 * lengths give SG17_E_FORMAT, an invalid pk_M is refused (FIPS 203 §7.2),
 * and a small-order ct_X is accepted as the draft specifies.
 */
#include <string.h>

#include "sg17/xwing.h"
#include "tap.h"

int main(void)
{
    uint8_t pk[SG17_XWING_PUBLICKEY_BYTES], sk[32], ct[SG17_XWING_CIPHERTEXT_BYTES];
    uint8_t ss1[32], ss2[32], ss3[32];
    static const uint8_t zero[32];

    for (int i = 0; i < 3; i++) {
        tap_int_eq(sg17_xwing_keygen(pk, sk), 0, "keygen");
        tap_int_eq(sg17_xwing_encaps(ct, ss1, pk, sizeof pk), 0, "encaps");
        tap_int_eq(sg17_xwing_decaps(ss2, ct, sizeof ct, sk, sizeof sk), 0, "decaps");
        tap_ok(memcmp(ss1, ss2, 32) == 0, "round trip %d", i);
    }
    ct[10] ^= 1; /* inside ct_M */
    tap_int_eq(sg17_xwing_decaps(ss3, ct, sizeof ct, sk, sizeof sk), 0, "decaps modified ct_M");
    tap_ok(memcmp(ss3, ss1, 32) != 0, "modified ct_M changes ss");
    ct[10] ^= 1;
    ct[SG17_XWING_CIPHERTEXT_BYTES - 5] ^= 1; /* inside ct_X */
    tap_int_eq(sg17_xwing_decaps(ss3, ct, sizeof ct, sk, sizeof sk), 0, "decaps modified ct_X");
    tap_ok(memcmp(ss3, ss1, 32) != 0, "modified ct_X changes ss");
    ct[SG17_XWING_CIPHERTEXT_BYTES - 5] ^= 1;

    /* Small-order ct_X (the point 0): X25519 output is all-zero and is used as is. */
    uint8_t ct0[SG17_XWING_CIPHERTEXT_BYTES];
    memcpy(ct0, ct, sizeof ct0);
    memset(ct0 + SG17_XWING_CIPHERTEXT_BYTES - 32, 0, 32);
    tap_int_eq(sg17_xwing_decaps(ss3, ct0, sizeof ct0, sk, sizeof sk), 0, "small-order ct_X");
    tap_ok(memcmp(ss3, zero, 32) != 0 && memcmp(ss3, ss1, 32) != 0, "combiner still applied");

    /* Lengths. */
    memset(ss3, 0xAA, sizeof ss3);
    tap_int_eq(sg17_xwing_decaps(ss3, ct, sizeof ct - 1, sk, sizeof sk), SG17_E_FORMAT, "short ct");
    tap_ok(memcmp(ss3, zero, 32) == 0, "ss zeroed on error");
    tap_int_eq(sg17_xwing_decaps(ss3, ct, sizeof ct, sk, 31), SG17_E_FORMAT, "short sk");
    tap_int_eq(sg17_xwing_decaps(ss3, ct, sizeof ct, sk, 33), SG17_E_FORMAT, "long sk");
    tap_int_eq(sg17_xwing_encaps(ct, ss3, pk, sizeof pk - 1), SG17_E_FORMAT, "short pk");
    uint8_t pkl[SG17_XWING_PUBLICKEY_BYTES + 1];
    memcpy(pkl, pk, sizeof pk);
    pkl[sizeof pk] = 0;
    tap_int_eq(sg17_xwing_encaps(ct, ss3, pkl, sizeof pkl), SG17_E_FORMAT, "long pk");

    /* pk_M with a coefficient >= q fails the FIPS 203 §7.2 modulus check. */
    pk[0] = 0xFF;
    pk[1] |= 0x0F;
    tap_int_eq(sg17_xwing_encaps(ct, ss3, pk, sizeof pk), SG17_E_FORMAT, "unreduced pk_M");
    tap_int_eq(sg17_xwing_decaps(NULL, ct, sizeof ct, sk, sizeof sk), SG17_E_INVAL, "NULL ss");
    return tap_done();
}
