/*
 * libFuzzer harness for the SUCI parsers (sg17_suci_parse: string and NAI
 * forms; sg17_suci_decode_ie: 5GS mobile identity) and the SIDF behind them.
 * First byte: even = text, odd = IE. Oracles: anything accepted formats in
 * every applicable form (string, NAI, IE) and parses back to the same value;
 * sg17_suci_deconceal on it returns 0 or a negative code and, on success,
 * yields a SUPI whose text parses again. Keys are fixed, so runs are
 * deterministic.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sg17/suci.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static sg17_suci_keystore *store(void)
{
    static sg17_suci_keystore *ks;
    static const unsigned schemes[] = {SG17_SUCI_SCHEME_PROFILE_A, SG17_SUCI_SCHEME_PROFILE_B,
                                       SG17_SUCI_SCHEME_MLKEM768, SG17_SUCI_SCHEME_XWING};
    if (ks)
        return ks;
    if (sg17_suci_keystore_new(&ks))
        __builtin_trap();
    for (unsigned i = 0; i < 4; i++) {
        uint8_t priv[64];
        sg17_suci_key *k = NULL;
        memset(priv, (int)(0x11 * (i + 1)), sizeof priv);
        /* key ids 1, 2, 12, 13 as in the tests and docs */
        unsigned id = i < 2 ? i + 1 : i + 10;
        if (sg17_suci_key_import(schemes[i], id, priv, sg17_suci_private_key_bytes(schemes[i]),
                                 &k) ||
            sg17_suci_keystore_add(ks, k))
            __builtin_trap();
    }
    return ks;
}

static sg17_suci a, b;
static char text[SG17_SUCI_MAX_TEXT];
static uint8_t ie[SG17_SUCI_MAX_TEXT];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int rc;
    size_t n = 0;
    if (size < 1)
        return 0;
    if (data[0] & 1)
        rc = sg17_suci_decode_ie(data + 1, size - 1, &a);
    else
        rc = sg17_suci_parse((const char *)data + 1, size - 1, &a);
    if (rc > 0)
        __builtin_trap();
    if (rc)
        return 0;
    for (int form = 0; form < 2; form++) {
        rc = sg17_suci_format(&a, (sg17_suci_form)form, text, sizeof text, &n);
        if (rc == SG17_E_FORMAT && form == SG17_SUCI_FORM_STRING &&
            a.supi_type != SG17_SUCI_SUPI_IMSI)
            continue;
        if (rc || sg17_suci_parse(text, n, &b))
            __builtin_trap();
        /* The NAI realm pads a 2-digit MNC to 3 digits; compare the rest. */
        if (form == SG17_SUCI_FORM_NAI && strlen(a.mnc) == 2)
            memcpy(b.mnc, a.mnc, sizeof b.mnc);
        if (memcmp(&a, &b, sizeof a) != 0)
            __builtin_trap();
    }
    if (sg17_suci_encode_ie(&a, ie, sizeof ie, &n) || sg17_suci_decode_ie(ie, n, &b) ||
        memcmp(&a, &b, sizeof a) != 0)
        __builtin_trap();
    sg17_supi supi, again;
    const char *reason = NULL;
    char st[SG17_SUCI_MAX_SUPI_TEXT];
    rc = sg17_suci_deconceal(store(), &a, &supi, &reason);
    if (rc > 0 || (rc && !reason))
        __builtin_trap();
    if (rc == 0) {
        if (sg17_supi_format(&supi, st, sizeof st) ||
            sg17_supi_parse(st, supi.type == SG17_SUCI_SUPI_IMSI ? (unsigned)strlen(supi.mnc) : 2,
                            &again) ||
            memcmp(&supi, &again, sizeof supi) != 0)
            __builtin_trap();
    }
    return 0;
}
