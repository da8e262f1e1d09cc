/*
 * ML-KEM against the NIST ACVP vector files (FIPS 203): keyGen, and
 * encapDecap (encapsulation, decapsulation incl. implicit rejection, both
 * key checks), with and without the tr1 keyFormat field. Every test case of
 * every file must pass: no failures and no skips.
 */
#include "tap.h"

int main(void)
{
    tap_acvp_file("pqc/acvp/ML-KEM-keyGen-FIPS203.json");
    tap_acvp_file("pqc/acvp/ML-KEM-encapDecap-FIPS203.json");
    tap_acvp_file("pqc/acvp/ML-KEM-encapDecap-FIPS203-tr1.json");
    return tap_done();
}
