/*
 * ML-DSA against the NIST ACVP vector files (FIPS 204): keyGen, sigGen
 * (pure, pre-hash with all twelve hashes, internal, external mu; deterministic
 * and hedged; tr1 seed/expanded keys) and sigVer. Every test case of
 * every file must pass: no failures and no skips.
 */
#include "tap.h"

int main(void)
{
    tap_acvp_file("pqc/acvp/ML-DSA-keyGen-FIPS204.json");
    tap_acvp_file("pqc/acvp/ML-DSA-sigGen-FIPS204.json");
    tap_acvp_file("pqc/acvp/ML-DSA-sigGen-FIPS204-tr1.json");
    tap_acvp_file("pqc/acvp/ML-DSA-sigVer-FIPS204.json");
    return tap_done();
}
