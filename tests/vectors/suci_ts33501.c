/*
 * SUCI end to end against 3GPP TS 33.501 Annex C.4 (suci/ts33501_annexC4_ecies.json)
 * and the SIDF cases of suci/suci_deconceal_extra.json, read in place:
 * conceal with the given ephemeral keys gives the exact scheme output (IMSI and
 * NAI, null scheme, profiles A and B), the SIDF de-conceals every accept case
 * to the expected SUPI and rejects every must-reject case with SG17_E_FORMAT
 * (before any secret use), and each SUCI survives string/NAI/IE round trips.
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "sg17/suci.h"
#include "tap.h"

static uint8_t *hexf(json_t *obj, const char *name, size_t *len)
{
    const char *h = json_string_value(json_object_get(obj, name));
    uint8_t *p = h ? tap_hex_decode(h, len) : NULL;
    if (!p)
        tap_ok(0, "field %s present and hex", name);
    return p;
}

static const char *strf(json_t *obj, const char *name)
{
    return json_string_value(json_object_get(obj, name));
}

static void roundtrips(const sg17_suci *s, const char *id)
{
    static char text[SG17_SUCI_MAX_TEXT];
    static uint8_t ie[SG17_SUCI_MAX_TEXT];
    static sg17_suci back;
    size_t n = 0;
    for (int form = 0; form < 2; form++) {
        if (form == SG17_SUCI_FORM_STRING && s->supi_type != SG17_SUCI_SUPI_IMSI)
            continue;
        int rc = sg17_suci_format(s, (sg17_suci_form)form, text, sizeof text, &n);
        tap_int_eq(rc, 0, "format");
        tap_int_eq(sg17_suci_parse(text, n, &back), 0, "parse back");
        /* The NAI realm writes a 2-digit MNC as 0MM and reads it back so. */
        sg17_suci want = *s;
        if (form == SG17_SUCI_FORM_NAI && s->supi_type == SG17_SUCI_SUPI_IMSI &&
            strlen(s->mnc) == 2) {
            memmove(want.mnc + 1, want.mnc, 3);
            want.mnc[0] = '0';
        }
        tap_ok(memcmp(&back, &want, sizeof back) == 0, "%s: %s form round trip (%s)", id,
               form ? "NAI" : "string", text);
    }
    tap_int_eq(sg17_suci_encode_ie(s, ie, sizeof ie, &n), 0, "encode IE");
    tap_int_eq(sg17_suci_decode_ie(ie, n, &back), 0, "decode IE");
    tap_ok(memcmp(&back, s, sizeof back) == 0, "%s: 5GS mobile identity IE round trip", id);
}

static void supi_of(json_t *v, sg17_supi *supi)
{
    json_t *s = json_object_get(v, "supi");
    char t[SG17_SUCI_MAX_SUPI_TEXT];
    int rc;
    if (strcmp(strf(s, "type"), "IMSI") == 0) {
        snprintf(t, sizeof t, "imsi-%s%s", strf(s, "mccmnc"), strf(s, "msin"));
        rc = sg17_supi_parse(t, (unsigned)strlen(strf(s, "mccmnc")) - 3, supi);
    } else {
        snprintf(t, sizeof t, "nai-%s", strf(s, "nai"));
        rc = sg17_supi_parse(t, 2, supi);
    }
    tap_int_eq(rc, 0, "SUPI parses");
}

static void check_annex(json_t *v, sg17_suci_keystore *ks)
{
    static sg17_suci s;
    sg17_supi supi, got;
    const char *id = strf(v, "id");
    unsigned scheme = (unsigned)json_integer_value(json_object_get(v, "protectionSchemeId"));
    size_t l_in = 0, l_out = 0, l;
    uint8_t *in = hexf(v, "schemeInput", &l_in);
    supi_of(v, &supi);
    sg17_suci_key *hn = NULL;
    if (scheme != 0) {
        json_t *h = json_object_get(v, "homeNetwork");
        uint8_t *sk = hexf(h, "privateKey", &l);
        uint8_t *pk = hexf(h, scheme == 2 ? "publicKeyCompressed" : "publicKey", &l_out);
        tap_int_eq(sg17_suci_key_import(scheme, 1, sk, l, &hn), 0, "import HN key");
        size_t pl = 0;
        const uint8_t *p = sg17_suci_key_public(hn, &pl);
        tap_ok(pl == l_out && memcmp(p, pk, pl) == 0, "%s: derived HN public key", id);
        free(sk);
        free(pk);
        uint8_t *esk = hexf(v, "ephemeralPrivateKey", &l);
        tap_int_eq(sg17_suci_conceal_derand(hn, &supi, "0", esk, l, &s), 0, "conceal");
        free(esk);
    } else {
        tap_int_eq(sg17_suci_conceal(NULL, &supi, "0", &s), 0, "conceal (null)");
    }
    if (json_object_get(v, "schemeOutput")) {
        uint8_t *want = hexf(v, "schemeOutput", &l_out);
        tap_ok(s.output_len == l_out && memcmp(s.output, want, l_out) == 0,
               "%s: scheme output bit-exact", id);
        free(want);
    } else {
        /* NAI cases: compare the NAI form's scheme output text. */
        static char text[SG17_SUCI_MAX_TEXT];
        const char *want = strf(v, "schemeOutputText");
        size_t n = 0;
        tap_int_eq(sg17_suci_format(&s, SG17_SUCI_FORM_NAI, text, sizeof text, &n), 0, "NAI");
        const char *start = scheme ? strstr(text, ".hnkey1.") : strstr(text, ".schid0.");
        const char *at = strchr(text, '@');
        tap_ok(start && at && (size_t)(at - start - 8) == strlen(want) &&
                   memcmp(start + 8, want, strlen(want)) == 0,
               "%s: NAI scheme output text bit-exact (%s)", id, text);
        if (scheme) {
            size_t ct_len = s.output_len - (scheme == 2 ? 33 : 32) - 8;
            uint8_t *ct = hexf(v, "ciphertext", &l);
            tap_ok(ct_len == l && memcmp(s.output + (scheme == 2 ? 33 : 32), ct, l) == 0,
                   "%s: ciphertext", id);
            free(ct);
        }
    }
    roundtrips(&s, id);
    if (hn) {
        sg17_suci_key *kk = NULL;
        json_t *h = json_object_get(v, "homeNetwork");
        uint8_t *sk = hexf(h, "privateKey", &l);
        if (sg17_suci_keystore_remove(ks, 1) != 0)
            tap_diag("(empty store)");
        tap_int_eq(sg17_suci_key_import(scheme, 1, sk, l, &kk), 0, "import");
        tap_int_eq(sg17_suci_keystore_add(ks, kk), 0, "add to key store");
        free(sk);
    }
    const char *reason = NULL;
    int rc = sg17_suci_deconceal(ks, &s, &got, &reason);
    tap_int_eq(rc, 0, id);
    if (rc == 0) {
        tap_ok(memcmp(&got, &supi, sizeof got) == 0, "%s: SIDF recovers the SUPI", id);
    } else {
        tap_diag("reason: %s", reason);
    }
    /* Any single bit flip in the scheme output must be refused. */
    if (scheme) {
        for (size_t i = 0; i < s.output_len; i += 7) {
            s.output[i] ^= 0x10;
            rc = sg17_suci_deconceal(ks, &s, &got, &reason);
            s.output[i] ^= 0x10;
            if (rc == 0) {
                tap_ok(0, "%s: flipped byte %zu accepted", id, i);
                break;
            }
        }
        tap_ok(1, "%s: bit flips refused", id);
    }
    sg17_suci_key_free(hn);
    free(in);
}

static void check_extra(json_t *doc, sg17_suci_keystore *ks)
{
    json_t *keys = json_object_get(doc, "homeNetworkKeys"), *v;
    size_t l, i;
    static sg17_suci s;
    /* The free5gc cases use key id 1 for A and key id 2 for B. */
    tap_int_eq(sg17_suci_keystore_remove(ks, 1), 0, "retire key id 1");
    for (unsigned sc = 1; sc <= 2; sc++) {
        sg17_suci_key *k = NULL;
        uint8_t *sk = hexf(json_object_get(keys, sc == 1 ? "A" : "B"), "privateKey", &l);
        tap_int_eq(sg17_suci_key_import(sc, sc, sk, l, &k), 0, "import extra HN key");
        tap_int_eq(sg17_suci_keystore_add(ks, k), 0, "add extra HN key");
        free(sk);
    }
    json_array_foreach(json_object_get(doc, "vectors"), i, v)
    {
        const char *id = strf(v, "id"), *expected = strf(v, "expected"), *reason = NULL;
        char supi[SG17_SUCI_MAX_SUPI_TEXT];
        if (strcmp(expected, "accept") == 0) {
            const char *suci = strf(v, "suci");
            int rc = sg17_suci_deconceal_text(ks, suci, strlen(suci), supi, sizeof supi, &reason);
            tap_int_eq(rc, 0, id);
            tap_ok(strcmp(supi, strf(v, "expectedSupi")) == 0, "%s: SUPI %s", id, supi);
            tap_int_eq(sg17_suci_parse(suci, strlen(suci), &s), 0, "parse");
            roundtrips(&s, id);
            char again[SG17_SUCI_MAX_TEXT];
            size_t n = 0;
            tap_int_eq(sg17_suci_format(&s, SG17_SUCI_FORM_STRING, again, sizeof again, &n), 0,
                       "format");
            tap_ok(strcmp(again, suci) == 0, "%s: string form reproduced", id);
        } else {
            uint8_t *out = hexf(v, "schemeOutput", &l);
            sg17_supi got;
            memset(&s, 0, sizeof s);
            memcpy(s.mcc, "208", 4);
            memcpy(s.mnc, "93", 3);
            memcpy(s.routing, "0", 2);
            s.scheme = 2;
            s.key_id = 2;
            memcpy(s.output, out, l);
            s.output_len = l;
            int rc = sg17_suci_deconceal(ks, &s, &got, &reason);
            tap_int_eq(rc, SG17_E_FORMAT, id);
            tap_diag("%s: rejected: %s", id, reason ? reason : "?");
            free(out);
        }
    }
}

int main(void)
{
    json_t *a = json_load_file(tap_vector_path("suci/ts33501_annexC4_ecies.json"), 0, NULL);
    json_t *b = json_load_file(tap_vector_path("suci/suci_deconceal_extra.json"), 0, NULL);
    sg17_suci_keystore *ks = NULL;
    json_t *v;
    size_t i, n = 0;
    tap_ok(a && b, "vector files parse");
    if (!a || !b)
        return tap_done();
    tap_int_eq(sg17_suci_keystore_new(&ks), 0, "key store");
    json_array_foreach(json_object_get(a, "vectors"), i, v)
    {
        check_annex(v, ks);
        n++;
    }
    tap_int_eq(n, 6, "six Annex C.4 cases");
    check_extra(b, ks);
    sg17_suci_keystore_free(ks);
    json_decref(a);
    json_decref(b);
    return tap_done();
}
