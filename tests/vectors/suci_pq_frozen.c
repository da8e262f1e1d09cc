/*
 * The quantum-safe SUCI profiles 0xC (ML-KEM-768) and 0xD (X-Wing) of
 * docs/SUCI.md against OUR frozen vectors, tests/data/suci/suci_pq_vectors.json
 * (generated once, deterministically, by this program with --generate FILE;
 * never regenerated to make a test pass). For each case: the HN key pair
 * from its seed, the KEM shared secret from the derandomised encapsulation,
 * the X9.63 KDF split (EK 32, ICB 16, MK 32), the scheme output, the string
 * and NAI forms, and the SIDF's de-concealment to the SUPI.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sg17/crypto.h"
#include "sg17/keccak.h"
#include "sg17/mlkem.h"
#include "sg17/suci.h"
#include "sg17/xwing.h"
#include "tap.h"

static const struct {
    unsigned scheme;
    const char *supi;
    unsigned mnc_digits;
    const char *routing;
    unsigned key_id;
} cases[] = {
    {SG17_SUCI_SCHEME_MLKEM768, "imsi-001010123456789", 2, "0000", 12},
    {SG17_SUCI_SCHEME_MLKEM768, "imsi-274012001002086", 3, "678", 12},
    {SG17_SUCI_SCHEME_MLKEM768, "nai-verylongusername1@3gpp.com", 2, "1", 12},
    {SG17_SUCI_SCHEME_XWING, "imsi-001010123456789", 2, "0000", 13},
    {SG17_SUCI_SCHEME_XWING, "imsi-274012001002086", 3, "678", 13},
    {SG17_SUCI_SCHEME_XWING, "nai-verylongusername1@3gpp.com", 2, "1", 13},
};
#define NCASES (sizeof cases / sizeof cases[0])

static char *hex(const uint8_t *p, size_t n)
{
    char *s = malloc(2 * n + 1);
    for (size_t i = 0; i < n; i++)
        snprintf(s + 2 * i, 3, "%02x", p[i]);
    s[2 * n] = '\0';
    return s;
}

static void put_hex(json_t *o, const char *k, const uint8_t *p, size_t n)
{
    char *s = hex(p, n);
    json_object_set_new(o, k, json_string(s));
    free(s);
}

/* Fixed derivation of every random input: SHAKE256("sg17-suci-frozen-v1/..."). */
static void seed(uint8_t *out, size_t n, const char *what, size_t i)
{
    char label[96];
    snprintf(label, sizeof label, "sg17-suci-frozen-v1/%s/%zu", what, i);
    sg17_shake256(out, n, (const uint8_t *)label, strlen(label));
}

/* Shared secret Z and keying data of case i (the UE side, recomputed here
 * from the primitives rather than through sg17_suci). */
static int intermediates(unsigned scheme, const uint8_t *pk, size_t pk_len, const uint8_t *eph,
                         uint8_t *ct, uint8_t z[32], uint8_t kd[80])
{
    int rc;
    size_t ct_len;
    if (scheme == SG17_SUCI_SCHEME_MLKEM768) {
        ct_len = SG17_MLKEM768_CIPHERTEXT_BYTES;
        rc = sg17_mlkem_encaps_derand(SG17_MLKEM_768, ct, ct_len, z, pk, pk_len, eph);
    } else {
        ct_len = SG17_XWING_CIPHERTEXT_BYTES;
        rc = sg17_xwing_encaps_derand(ct, z, pk, pk_len, eph);
    }
    if (rc == 0)
        rc = sg17_x963_kdf(SG17_HASH_SHA256, z, 32, ct, ct_len, kd, 80);
    return rc;
}

typedef struct vec {
    uint8_t priv[64], eph[64], ct[SG17_XWING_CIPHERTEXT_BYTES], z[32], kd[80];
    size_t priv_len, eph_len, ct_len;
    sg17_suci suci;
    sg17_supi supi;
    char str[SG17_SUCI_MAX_TEXT], nai[SG17_SUCI_MAX_TEXT];
    sg17_suci_key *key;
} vec;

static int compute(size_t i, vec *v)
{
    unsigned sc = cases[i].scheme;
    memset(v, 0, sizeof *v);
    v->priv_len = sg17_suci_private_key_bytes(sc);
    v->eph_len = sc == SG17_SUCI_SCHEME_XWING ? 64 : 32;
    v->ct_len =
        sc == SG17_SUCI_SCHEME_XWING ? SG17_XWING_CIPHERTEXT_BYTES : SG17_MLKEM768_CIPHERTEXT_BYTES;
    seed(v->priv, v->priv_len, sc == SG17_SUCI_SCHEME_XWING ? "hn-xwing" : "hn-mlkem768", 0);
    seed(v->eph, v->eph_len, "eph", i);
    size_t pl = 0;
    if (sg17_suci_key_import(sc, cases[i].key_id, v->priv, v->priv_len, &v->key) ||
        sg17_supi_parse(cases[i].supi, cases[i].mnc_digits, &v->supi) ||
        sg17_suci_conceal_derand(v->key, &v->supi, cases[i].routing, v->eph, v->eph_len, &v->suci))
        return -1;
    const uint8_t *pk = sg17_suci_key_public(v->key, &pl);
    if (intermediates(sc, pk, pl, v->eph, v->ct, v->z, v->kd))
        return -1;
    if (v->supi.type == SG17_SUCI_SUPI_IMSI &&
        sg17_suci_format(&v->suci, SG17_SUCI_FORM_STRING, v->str, sizeof v->str, NULL))
        return -1;
    return sg17_suci_format(&v->suci, SG17_SUCI_FORM_NAI, v->nai, sizeof v->nai, NULL);
}

static int generate(const char *path)
{
    json_t *root = json_object(), *arr = json_array();
    json_object_set_new(root, "source",
                        json_string("sg17 tests/vectors/suci_pq_frozen.c --generate, once; "
                                    "profiles of docs/SUCI.md. Random inputs are "
                                    "SHAKE256('sg17-suci-frozen-v1/<what>/<n>')."));
    json_object_set_new(root, "vectors", arr);
    for (size_t i = 0; i < NCASES; i++) {
        static vec v;
        if (compute(i, &v)) {
            fprintf(stderr, "case %zu failed\n", i);
            return 1;
        }
        json_t *o = json_object();
        size_t pl = 0, in_len = v.suci.output_len - v.ct_len - 16;
        const uint8_t *pk = sg17_suci_key_public(v.key, &pl);
        json_object_set_new(o, "protectionSchemeId", json_integer(cases[i].scheme));
        json_object_set_new(o, "profile", json_string(sg17_suci_scheme_name(cases[i].scheme)));
        json_object_set_new(o, "keyId", json_integer(cases[i].key_id));
        json_object_set_new(o, "supi", json_string(cases[i].supi));
        json_object_set_new(o, "mncDigits", json_integer(cases[i].mnc_digits));
        json_object_set_new(o, "routingIndicator", json_string(cases[i].routing));
        put_hex(o, "hnPrivateKey", v.priv, v.priv_len);
        put_hex(o, "hnPublicKey", pk, pl);
        put_hex(o, "ephemeralRandomness", v.eph, v.eph_len);
        put_hex(o, "kemCiphertext", v.ct, v.ct_len);
        put_hex(o, "sharedSecretZ", v.z, 32);
        put_hex(o, "encKey", v.kd, 32);
        put_hex(o, "icb", v.kd + 32, 16);
        put_hex(o, "macKey", v.kd + 48, 32);
        put_hex(o, "ciphertext", v.suci.output + v.ct_len, in_len);
        put_hex(o, "macTag", v.suci.output + v.ct_len + in_len, 16);
        put_hex(o, "schemeOutput", v.suci.output, v.suci.output_len);
        if (v.str[0])
            json_object_set_new(o, "suciString", json_string(v.str));
        json_object_set_new(o, "suciNai", json_string(v.nai));
        json_array_append_new(arr, o);
        sg17_suci_key_free(v.key);
    }
    int rc = json_dump_file(root, path, JSON_INDENT(1) | JSON_PRESERVE_ORDER);
    json_decref(root);
    return rc ? 1 : 0;
}

static int field_is(json_t *o, const char *k, const uint8_t *p, size_t n)
{
    const char *want = json_string_value(json_object_get(o, k));
    char *got = hex(p, n);
    int eq = want && strcmp(want, got) == 0;
    free(got);
    return tap_ok(eq, "%s", k);
}

int main(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "--generate") == 0)
        return generate(argv[2]);
    char path[4096];
    snprintf(path, sizeof path, "%s/tests/data/suci/suci_pq_vectors.json", tap_source_dir());
    json_t *root = json_load_file(path, 0, NULL), *o;
    sg17_suci_keystore *ks = NULL;
    size_t i;
    tap_ok(root != NULL, "frozen vectors %s parse", path);
    if (!root)
        return tap_done();
    tap_int_eq(json_array_size(json_object_get(root, "vectors")), NCASES, "case count");
    tap_int_eq(sg17_suci_keystore_new(&ks), 0, "key store");
    json_array_foreach(json_object_get(root, "vectors"), i, o)
    {
        static vec v;
        if (i >= NCASES)
            break;
        tap_diag("case %zu: %s %s", i, json_string_value(json_object_get(o, "profile")),
                 cases[i].supi);
        tap_int_eq(compute(i, &v), 0, "compute");
        size_t pl = 0, in_len = v.suci.output_len - v.ct_len - 16;
        const uint8_t *pk = sg17_suci_key_public(v.key, &pl);
        field_is(o, "hnPrivateKey", v.priv, v.priv_len);
        field_is(o, "hnPublicKey", pk, pl);
        field_is(o, "kemCiphertext", v.ct, v.ct_len);
        field_is(o, "sharedSecretZ", v.z, 32);
        field_is(o, "encKey", v.kd, 32);
        field_is(o, "icb", v.kd + 32, 16);
        field_is(o, "macKey", v.kd + 48, 32);
        field_is(o, "ciphertext", v.suci.output + v.ct_len, in_len);
        field_is(o, "macTag", v.suci.output + v.ct_len + in_len, 16);
        field_is(o, "schemeOutput", v.suci.output, v.suci.output_len);
        tap_mem_eq(v.suci.output, v.ct, v.ct_len, "scheme output starts with the KEM ciphertext");
        const char *s = json_string_value(json_object_get(o, "suciString"));
        if (s)
            tap_ok(strcmp(s, v.str) == 0, "string form");
        s = json_string_value(json_object_get(o, "suciNai"));
        tap_ok(s && strcmp(s, v.nai) == 0, "NAI form");
        /* SIDF side: one key per scheme in the store. */
        if (i == 0 || i == 3)
            tap_int_eq(sg17_suci_keystore_add(ks, v.key), 0, "add HN key");
        else
            sg17_suci_key_free(v.key);
        char supi[SG17_SUCI_MAX_SUPI_TEXT];
        const char *reason = NULL, *txt = v.str[0] ? v.str : v.nai;
        tap_int_eq(sg17_suci_deconceal_text(ks, txt, strlen(txt), supi, sizeof supi, &reason), 0,
                   "SIDF de-conceals");
        tap_ok(strcmp(supi, cases[i].supi) == 0, "SUPI %s", supi);
    }
    sg17_suci_keystore_free(ks);
    json_decref(root);
    return tap_done();
}
