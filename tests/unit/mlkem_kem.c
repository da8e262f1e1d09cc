/*
 * ML-KEM API behaviour (FIPS 203): round trips for every parameter set
 * (random and seed keys), implicit rejection of tampered ciphertexts
 * (K = J(z || c), FIPS 203 Alg. 18), the §7.2/§7.3 input checks with
 * SG17_E_FORMAT for wrong lengths, and argument errors.
 */
#include <string.h>

#include "sg17/keccak.h"
#include "sg17/mlkem.h"
#include "tap.h"

static const sg17_mlkem_param sets[] = {SG17_MLKEM_512, SG17_MLKEM_768, SG17_MLKEM_1024};

static void sizes(void)
{
    tap_int_eq(sg17_mlkem_publickey_bytes(SG17_MLKEM_512), SG17_MLKEM512_PUBLICKEY_BYTES, "512 ek");
    tap_int_eq(sg17_mlkem_secretkey_bytes(SG17_MLKEM_512), SG17_MLKEM512_SECRETKEY_BYTES, "512 dk");
    tap_int_eq(sg17_mlkem_ciphertext_bytes(SG17_MLKEM_512), SG17_MLKEM512_CIPHERTEXT_BYTES, "512 c");
    tap_int_eq(sg17_mlkem_publickey_bytes(SG17_MLKEM_768), SG17_MLKEM768_PUBLICKEY_BYTES, "768 ek");
    tap_int_eq(sg17_mlkem_secretkey_bytes(SG17_MLKEM_768), SG17_MLKEM768_SECRETKEY_BYTES, "768 dk");
    tap_int_eq(sg17_mlkem_ciphertext_bytes(SG17_MLKEM_768), SG17_MLKEM768_CIPHERTEXT_BYTES, "768 c");
    tap_int_eq(sg17_mlkem_publickey_bytes(SG17_MLKEM_1024), SG17_MLKEM1024_PUBLICKEY_BYTES, "1024 ek");
    tap_int_eq(sg17_mlkem_secretkey_bytes(SG17_MLKEM_1024), SG17_MLKEM1024_SECRETKEY_BYTES, "1024 dk");
    tap_int_eq(sg17_mlkem_ciphertext_bytes(SG17_MLKEM_1024), SG17_MLKEM1024_CIPHERTEXT_BYTES, "1024 c");
    tap_int_eq(sg17_mlkem_publickey_bytes((sg17_mlkem_param)7), 0, "invalid set has size 0");
    sg17_mlkem_param p;
    tap_int_eq(sg17_mlkem_param_from_name("ML-KEM-768", &p), 0, "name parses");
    tap_int_eq(p, SG17_MLKEM_768, "name maps to 768");
    tap_int_eq(sg17_mlkem_param_from_name("ML-KEM-769", &p), SG17_E_UNSUPPORTED, "bad name");
}

static void roundtrip(sg17_mlkem_param p)
{
    const char *nm = sg17_mlkem_name(p);
    const size_t ekn = sg17_mlkem_publickey_bytes(p), dkn = sg17_mlkem_secretkey_bytes(p);
    const size_t cn = sg17_mlkem_ciphertext_bytes(p);
    uint8_t ek[SG17_MLKEM_MAX_PUBLICKEY_BYTES], dk[SG17_MLKEM_MAX_SECRETKEY_BYTES];
    uint8_t c[SG17_MLKEM_MAX_CIPHERTEXT_BYTES], k1[32], k2[32], kbar[32];

    for (int i = 0; i < 5; i++) {
        tap_int_eq(sg17_mlkem_keygen(p, ek, sizeof ek, dk, sizeof dk), 0, "keygen");
        tap_int_eq(sg17_mlkem_check_ek(p, ek, ekn), 0, "fresh ek passes §7.2");
        tap_int_eq(sg17_mlkem_check_dk(p, dk, dkn), 0, "fresh dk passes §7.3");
        tap_int_eq(sg17_mlkem_encaps(p, c, sizeof c, k1, ek, ekn), 0, "encaps");
        tap_int_eq(sg17_mlkem_decaps(p, k2, c, cn, dk, dkn), 0, "decaps");
        tap_ok(memcmp(k1, k2, 32) == 0, "%s round trip %d: shared secrets agree", nm, i);

        /* Tampered ciphertext: K must be J(z || c'), z = last 32 bytes of dk. */
        size_t pos = (size_t)(i * 131) % cn;
        c[pos] ^= (uint8_t)(1U << (i & 7));
        tap_int_eq(sg17_mlkem_decaps(p, k2, c, cn, dk, dkn), 0, "decaps of tampered c returns 0");
        sg17_keccak_ctx j;
        sg17_shake256_init(&j);
        sg17_keccak_absorb(&j, dk + dkn - 32, 32);
        sg17_keccak_absorb(&j, c, cn);
        sg17_keccak_finalize(&j);
        sg17_keccak_squeeze(&j, kbar, 32);
        tap_ok(memcmp(k2, kbar, 32) == 0, "%s tampered c (byte %zu) gives K-bar = J(z||c)", nm, pos);
        tap_ok(memcmp(k2, k1, 32) != 0, "%s tampered c does not give K", nm);
    }

    /* Seed-format keys. */
    uint8_t seed[64], ek2[SG17_MLKEM_MAX_PUBLICKEY_BYTES], dk2[SG17_MLKEM_MAX_SECRETKEY_BYTES];
    tap_int_eq(sg17_mlkem_keygen_seed(p, seed, ek, sizeof ek), 0, "keygen_seed");
    tap_int_eq(sg17_mlkem_seed_expand(p, seed, 64, ek2, sizeof ek2, dk2, sizeof dk2), 0, "expand");
    tap_ok(memcmp(ek, ek2, ekn) == 0, "%s seed keygen ek == expanded ek", nm);
    tap_int_eq(sg17_mlkem_keygen_derand(p, seed, seed + 32, ek2, sizeof ek2, dk, sizeof dk), 0,
               "keygen_derand");
    tap_ok(memcmp(dk, dk2, dkn) == 0, "%s expand(d||z) == keygen_derand(d, z)", nm);
    tap_ok(memcmp(dk + dkn - 32, seed + 32, 32) == 0, "%s z is the tail of dk", nm);
    tap_int_eq(sg17_mlkem_encaps(p, c, sizeof c, k1, ek, ekn), 0, "encaps to seed key");
    tap_int_eq(sg17_mlkem_decaps_seed(p, k2, c, cn, seed, 64), 0, "decaps_seed");
    tap_ok(memcmp(k1, k2, 32) == 0, "%s seed-key round trip", nm);

    /* Deterministic encaps is deterministic and differs with m. */
    uint8_t m[32], c2[SG17_MLKEM_MAX_CIPHERTEXT_BYTES];
    memset(m, 0x5A, sizeof m);
    tap_int_eq(sg17_mlkem_encaps_derand(p, c, sizeof c, k1, ek, ekn, m), 0, "encaps_derand");
    tap_int_eq(sg17_mlkem_encaps_derand(p, c2, sizeof c2, k2, ek, ekn, m), 0, "encaps_derand 2");
    tap_ok(memcmp(c, c2, cn) == 0 && memcmp(k1, k2, 32) == 0, "%s encaps_derand repeatable", nm);
    m[0] ^= 1;
    tap_int_eq(sg17_mlkem_encaps_derand(p, c2, sizeof c2, k2, ek, ekn, m), 0, "encaps_derand 3");
    tap_ok(memcmp(c, c2, cn) != 0 && memcmp(k1, k2, 32) != 0, "%s different m, different c/K", nm);
}

static void bad_inputs(sg17_mlkem_param p)
{
    const char *nm = sg17_mlkem_name(p);
    const size_t ekn = sg17_mlkem_publickey_bytes(p), dkn = sg17_mlkem_secretkey_bytes(p);
    const size_t cn = sg17_mlkem_ciphertext_bytes(p);
    uint8_t ek[SG17_MLKEM_MAX_PUBLICKEY_BYTES + 1], dk[SG17_MLKEM_MAX_SECRETKEY_BYTES + 1];
    uint8_t c[SG17_MLKEM_MAX_CIPHERTEXT_BYTES + 1], k[32], m[32] = {1}, seed[65] = {2};
    tap_int_eq(sg17_mlkem_keygen(p, ek, sizeof ek, dk, sizeof dk), 0, "keygen");
    tap_int_eq(sg17_mlkem_encaps(p, c, sizeof c, k, ek, ekn), 0, "encaps");

    /* Wrong lengths: SG17_E_FORMAT, and K zeroed. */
    memset(k, 0xEE, sizeof k);
    tap_int_eq(sg17_mlkem_decaps(p, k, c, cn - 1, dk, dkn), SG17_E_FORMAT, "short c");
    static const uint8_t zero[32];
    tap_ok(memcmp(k, zero, 32) == 0, "%s: K zeroed on error", nm);
    tap_int_eq(sg17_mlkem_decaps(p, k, c, cn + 1, dk, dkn), SG17_E_FORMAT, "long c");
    tap_int_eq(sg17_mlkem_decaps(p, k, c, cn, dk, dkn - 1), SG17_E_FORMAT, "short dk");
    tap_int_eq(sg17_mlkem_decaps(p, k, c, cn, dk, dkn + 1), SG17_E_FORMAT, "long dk");
    tap_int_eq(sg17_mlkem_decaps(p, k, NULL, 0, dk, dkn), SG17_E_FORMAT, "empty c");
    tap_int_eq(sg17_mlkem_encaps_derand(p, c, sizeof c, k, ek, ekn - 1, m), SG17_E_FORMAT,
               "short ek");
    tap_int_eq(sg17_mlkem_encaps_derand(p, c, sizeof c, k, ek, ekn + 1, m), SG17_E_FORMAT,
               "long ek");
    tap_int_eq(sg17_mlkem_check_ek(p, ek, ekn - 1), SG17_E_FORMAT, "check_ek short");
    tap_int_eq(sg17_mlkem_check_dk(p, dk, dkn + 1), SG17_E_FORMAT, "check_dk long");
    tap_int_eq(sg17_mlkem_decaps_seed(p, k, c, cn, seed, 63), SG17_E_FORMAT, "short seed");
    tap_int_eq(sg17_mlkem_decaps_seed(p, k, c, cn, seed, 65), SG17_E_FORMAT, "long seed");
    tap_int_eq(sg17_mlkem_seed_expand(p, seed, 65, ek, sizeof ek, dk, sizeof dk), SG17_E_FORMAT,
               "expand long seed");
    tap_int_eq(sg17_mlkem_keygen(p, ek, sizeof ek, dk, sizeof dk), 0, "keygen again");

    /* §7.2 modulus check: set the first coefficient to q (bytes 0x01 0x0D low 12 bits). */
    uint8_t ekbad[SG17_MLKEM_MAX_PUBLICKEY_BYTES];
    memcpy(ekbad, ek, ekn);
    ekbad[0] = (uint8_t)(3329 & 0xFF);
    ekbad[1] = (uint8_t)((ekbad[1] & 0xF0) | (3329 >> 8));
    tap_int_eq(sg17_mlkem_check_ek(p, ekbad, ekn), SG17_E_FORMAT, "coefficient q rejected");
    tap_int_eq(sg17_mlkem_encaps_derand(p, c, sizeof c, k, ekbad, ekn, m), SG17_E_FORMAT,
               "encaps rejects unreduced ek");
    ekbad[0] = (uint8_t)(3328 & 0xFF);
    ekbad[1] = (uint8_t)((ekbad[1] & 0xF0) | (3328 >> 8));
    tap_int_eq(sg17_mlkem_check_ek(p, ekbad, ekn), 0, "coefficient q-1 accepted");

    /* §7.3 hash check: flip one bit of H(ek) inside dk, and one bit of the embedded ek. */
    tap_int_eq(sg17_mlkem_encaps(p, c, sizeof c, k, ek, ekn), 0, "encaps");
    dk[dkn - 64] ^= 0x01;
    tap_int_eq(sg17_mlkem_check_dk(p, dk, dkn), SG17_E_FORMAT, "modified H rejected");
    tap_int_eq(sg17_mlkem_decaps(p, k, c, cn, dk, dkn), SG17_E_FORMAT, "decaps with modified H");
    dk[dkn - 64] ^= 0x01;
    dk[dkn - 64 - ekn + 5] ^= 0x10;
    tap_int_eq(sg17_mlkem_check_dk(p, dk, dkn), SG17_E_FORMAT, "modified embedded ek rejected");
    dk[dkn - 64 - ekn + 5] ^= 0x10;
    tap_int_eq(sg17_mlkem_check_dk(p, dk, dkn), 0, "restored dk passes");

    /* Caller errors. */
    tap_int_eq(sg17_mlkem_keygen(p, ek, ekn - 1, dk, sizeof dk), SG17_E_INVAL, "small ek buffer");
    tap_int_eq(sg17_mlkem_encaps(p, c, cn - 1, k, ek, ekn), SG17_E_INVAL, "small c buffer");
    tap_int_eq(sg17_mlkem_decaps((sg17_mlkem_param)3, k, c, cn, dk, dkn), SG17_E_INVAL,
               "bad parameter set");
}

int main(void)
{
    sizes();
    for (size_t i = 0; i < sizeof sets / sizeof sets[0]; i++) {
        roundtrip(sets[i]);
        bad_inputs(sets[i]);
    }
    return tap_done();
}
