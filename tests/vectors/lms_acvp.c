/*
 * LMS against the NIST ACVP vector files (SP 800-208 SHA-256/192 sets):
 * keyGen (seed, I -> public key), sigVer, and sigGen (the files carry no
 * private key: the expected signature must verify, and ours at the same q
 * must match it in length and type fields and verify; see acvp_lms.c).
 * Every test case of every file must pass: no failures and no skips.
 */
#include "tap.h"

int main(void)
{
    tap_acvp_file("pqc/acvp/LMS-keyGen-1.0.json");
    tap_acvp_file("pqc/acvp/LMS-sigVer-1.0.json");
    tap_acvp_file("pqc/acvp/LMS-sigVer-SP800-208.json");
    tap_acvp_file("pqc/acvp/LMS-sigGen-1.0.json");
    tap_acvp_file("pqc/acvp/LMS-sigGen-SP800-208.json");
    return tap_done();
}
