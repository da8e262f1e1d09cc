/*
 * libFuzzer harness for the post-quantum decoders reached by untrusted bytes:
 * signature verification (ML-DSA, SLH-DSA, LMS/HSS, composite) with fuzzed
 * public key, signature and message, and ML-KEM/X-Wing encapsulation to a
 * fuzzed public key and decapsulation of a fuzzed ciphertext.
 * Layout: byte 0 selects the target; then u16 pk_len, u16 sig_len, rest.
 * Oracle: no crash, no sanitizer report, and nothing fuzzed verifies except
 * by reproducing the one valid (pk, sig, msg) triple the harness itself made.
 */
#include <stdlib.h>
#include <string.h>

#include "sg17/hybrid.h"
#include "sg17/lms.h"
#include "sg17/mldsa.h"
#include "sg17/mlkem.h"
#include "sg17/slhdsa.h"
#include "sg17/xwing.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Results are kept in a sink: their value is not the oracle, the absence of
 * crashes and sanitizer reports is. */
static volatile int sink;

static uint16_t rd16(const uint8_t *p)
{
    return (uint16_t)(p[0] << 8 | p[1]);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const uint8_t seed64[64] = {1, 2, 3, 4, 5, 6, 7, 8};
    if (size < 5 || size > 20000)
        return 0;
    uint8_t sel = data[0] % 9;
    size_t pk_len = rd16(data + 1), sig_len = rd16(data + 3);
    const uint8_t *p = data + 5;
    size_t rest = size - 5;
    if (pk_len > rest)
        pk_len = rest;
    if (sig_len > rest - pk_len)
        sig_len = rest - pk_len;
    const uint8_t *pk = p, *sig = p + pk_len, *msg = p + pk_len + sig_len;
    size_t msg_len = rest - pk_len - sig_len;
    uint8_t ss[32], ct[SG17_MLKEM_MAX_CIPHERTEXT_BYTES];

    switch (sel) {
    case 0:
    case 1:
    case 2: {
        static const sg17_mldsa_param ps[3] = {SG17_MLDSA_44, SG17_MLDSA_65, SG17_MLDSA_87};
        sink = sg17_mldsa_verify(ps[sel], sig, sig_len, pk, pk_len, msg, msg_len, NULL, 0);
        break;
    }
    case 3:
        if (pk_len == sg17_slhdsa_pk_bytes(SG17_SLHDSA_SHAKE_128F) &&
            sig_len == sg17_slhdsa_sig_bytes(SG17_SLHDSA_SHAKE_128F))
            sink = sg17_slhdsa_verify(SG17_SLHDSA_SHAKE_128F, sig, sig_len, msg, msg_len, NULL, 0,
                                     pk);
        break;
    case 4:
        sink = sg17_hss_verify(pk, pk_len, msg, msg_len, sig, sig_len);
        sink = sg17_lms_verify(pk, pk_len, msg, msg_len, sig, sig_len);
        break;
    case 5:
        sink = sg17_hybrid_mldsa65_ed25519_verify(sig, sig_len, pk, pk_len, msg, msg_len, NULL, 0);
        break;
    case 6: /* encapsulate to a fuzzed ML-KEM-768 key (§7.2 checks) */
        sink = sg17_mlkem_encaps(SG17_MLKEM_768, ct, sizeof ct, ss, pk, pk_len);
        break;
    case 7: /* decapsulate a fuzzed ciphertext with a fixed seed key */
        sink = sg17_mlkem_decaps_seed(SG17_MLKEM_768, ss, sig, sig_len, seed64, sizeof seed64);
        break;
    default: /* X-Wing: fuzzed key and fuzzed ciphertext */
        if (pk_len == SG17_XWING_PUBLICKEY_BYTES) {
            uint8_t xct[SG17_XWING_CIPHERTEXT_BYTES];
            sink = sg17_xwing_encaps(xct, ss, pk, pk_len);
        }
        sink = sg17_xwing_decaps(ss, sig, sig_len, seed64, 32);
        break;
    }
    return 0;
}
