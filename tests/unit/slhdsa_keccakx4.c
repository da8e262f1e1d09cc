/*
 * The 4-way Keccak-f[1600] of the SLH-DSA SHAKE path against the scalar
 * sg17_keccak_f1600 on random states (each of the four lanes must match its
 * own scalar permutation, including repeated application).
 */
#include <string.h>

#include "pqc/slhdsa/slhdsa_internal.h"
#include "tap.h"

int main(void)
{
    uint64_t s4[25][4], ref[4][25];
    tap_rand_seed(1600);
    tap_diag("4-way AVX2 path %s",
             slh_keccakx4_available() ? "available" : "not available (scalar fallback)");
    int ok = 1;
    for (int t = 0; t < 50; t++) {
        for (int j = 0; j < 4; j++)
            for (int i = 0; i < 25; i++)
                ref[j][i] = s4[i][j] = tap_rand_u64();
        for (int rep = 0; rep < 3; rep++) {
            slh_keccakx4_f1600(s4);
            for (int j = 0; j < 4; j++) {
                sg17_keccak_f1600(ref[j]);
                for (int i = 0; i < 25; i++)
                    ok &= s4[i][j] == ref[j][i];
            }
        }
    }
    tap_ok(ok, "4-way permutation equals 4 scalar permutations (50 random state sets, 3 rounds)");
    /* Known answer: Keccak-f[1600] of the zero state, lane 0 (FIPS 202 / XKCP KeccakF-1600 test).
     */
    memset(s4, 0, sizeof(s4));
    slh_keccakx4_f1600(s4);
    tap_ok(s4[0][0] == 0xF1258F7940E1DDE7ULL && s4[0][3] == 0xF1258F7940E1DDE7ULL &&
               s4[24][2] == 0xEAF1FF7B5CECA249ULL,
           "zero-state permutation known answer");
    return tap_done();
}
