/*
 * SUCI unit tests: parsers (SUPI, string and NAI forms, 5GS mobile identity
 * IE) on valid and malformed input; BCD packing; round trips for every scheme
 * and SUPI type; the SIDF's refusals (truncated outputs, off-curve compressed
 * points, bit flips, unknown key id and key of another scheme giving the same
 * SG17_E_VERIFY and reason as a MAC failure, disabled null scheme); key
 * rotation; key files; X-Wing decapsulation on the expanded key equal to
 * sg17_xwing_decaps.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sg17/crypto.h"
#include "sg17/suci.h"
#include "sg17/xwing.h"
#include "tap.h"

static sg17_suci s, t;

static void test_supi(void)
{
    sg17_supi p;
    char out[SG17_SUCI_MAX_SUPI_TEXT];
    tap_int_eq(sg17_supi_parse("imsi-001010123456789", 2, &p), 0, "IMSI parses");
    tap_ok(!strcmp(p.mcc, "001") && !strcmp(p.mnc, "01") && !strcmp(p.msin, "0123456789"),
           "IMSI fields");
    tap_int_eq(sg17_supi_format(&p, out, sizeof out), 0, "format");
    tap_ok(!strcmp(out, "imsi-001010123456789"), "IMSI text round trip");
    tap_int_eq(sg17_supi_parse("imsi-310410123456789", 3, &p), 0, "3-digit MNC");
    tap_ok(!strcmp(p.mnc, "410") && !strcmp(p.msin, "123456789"), "3-digit MNC fields");
    tap_int_eq(sg17_supi_parse("nai-alice@example.org", 2, &p), 0, "NAI parses");
    tap_ok(p.type == SG17_SUCI_SUPI_NAI && !strcmp(p.username, "alice") &&
               !strcmp(p.realm, "example.org"),
           "NAI fields");
    static const char *bad[] = {"imsi-",
                                "imsi-0010101234567890",
                                "imsi-00101a123",
                                "IMSI-00101123",
                                "imsi-00101",
                                "nai-@example.org",
                                "nai-alice@",
                                "nai-alice",
                                "nai-al ice@x.org",
                                "nai-a@b..org",
                                "nai-a@-",
                                "",
                                "suci-0"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        tap_int_eq(sg17_supi_parse(bad[i], 2, &p), SG17_E_FORMAT, bad[i]);
    tap_int_eq(sg17_supi_parse("imsi-001010123456789", 4, &p), SG17_E_INVAL, "mnc digits 4");
    tap_int_eq(sg17_supi_parse("imsi-001010123456789", 2, &p), 0, "again");
    tap_int_eq(sg17_supi_format(&p, out, 10), SG17_E_INVAL, "short buffer");
    tap_ok(out[0] == '\0', "short buffer leaves an empty string");
}

static void test_parsers(void)
{
    static const char *good[] = {
        "suci-0-208-93-0-0-0-0000000003",
        "suci-0-208-93-1234-e-255-00",
        "suci-0-208-930-12-f-1-aB",
        "type0.rid678.schid0.userid0999999999@5gc.mnc015.mcc234.3gppnetwork.org",
        "type1.rid1.schid0.useridalice.b@example.org",
        "type1.rid12.schid1.hnkey3.ecckey"
        "0000000000000000000000000000000000000000000000000000000000000000"
        ".cip01.mac0102030405060708@example.org",
        "type0.rid1.schid14.hnkey7.outDEADBEEF@5gc.mnc001.mcc001.3gppnetwork.org",
    };
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        int rc = sg17_suci_parse(good[i], strlen(good[i]), &s);
        tap_int_eq(rc, 0, good[i]);
        char txt[SG17_SUCI_MAX_TEXT];
        size_t n = 0;
        sg17_suci_form f = good[i][0] == 's' ? SG17_SUCI_FORM_STRING : SG17_SUCI_FORM_NAI;
        tap_int_eq(sg17_suci_format(&s, f, txt, sizeof txt, &n), 0, "format");
        tap_int_eq(sg17_suci_parse(txt, n, &t), 0, "reparse");
        tap_ok(memcmp(&s, &t, sizeof s) == 0, "%s -> %s stable", good[i], txt);
    }
    static const char *bad[] = {
        "suci-0-208-93-0-1-1",
        "suci-1-208-93-0-1-1-00",
        "suci-0-20-93-0-1-1-00",
        "suci-0-208-9-0-1-1-00",
        "suci-0-208-9333-0-1-1-00",
        "suci-0-208-93-12345-1-1-00",
        "suci-0-208-93--1-1-00",
        "suci-0-208-93-0-g-1-00",
        "suci-0-208-93-0-1-256-00",
        "suci-0-208-93-0-1-01-00",
        "suci-0-208-93-0-1-1-0",
        "suci-0-208-93-0-1-1-",
        "suci-0-208-93-0-1-1-0g",
        "suci-0-208-93-0-0-1-123",
        "suci-0-208-93-0-0-0-12345678901",
        "suci-0-208-93-0-0-0-12a",
        "suci-0-208-93-0-1-1-00-00",
        "suci-0-208-93-0-10-1-00",
        "type2.rid1.schid0.useridx@a.org",
        "type0.rid1.schid0.userid12@example.org",
        "type1.rid1.schid1.hnkey1.ecckey00.cip00.mac0001020304050607@a.org",
        "type1.rid1.schid16.hnkey1.out00@a.org",
        "type1.rid.schid0.useridx@a.org",
        "type1.rid1.schid0.userid@a.org",
        "type1.rid1.schid0.useridx",
        "type1.rid1.schid0.useridx@",
        "type1.rid1.schid0.userid x@a.org",
        "type1.rid1.schid12.hnkey1.out0@a.org",
        "x",
        "",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        tap_int_eq(sg17_suci_parse(bad[i], strlen(bad[i]), &s), SG17_E_FORMAT, bad[i]);
    tap_int_eq(sg17_suci_parse("suci-0-208-93-0-1-1-00\0", 23, &s), SG17_E_FORMAT, "embedded NUL");
}

static void test_ie(void)
{
    /* TS 24.501 Fig. 9.11.3.4.3: MCC 208 MNC 93, RI 0 -> F0 FF, null scheme. */
    const char *txt = "suci-0-208-93-0-0-0-0000000003";
    static const uint8_t want[] = {0x01, 0x02, 0xf8, 0x39, 0xf0, 0xff, 0x00,
                                   0x00, 0x00, 0x00, 0x00, 0x00, 0x30};
    uint8_t ie[64];
    size_t n = 0;
    tap_int_eq(sg17_suci_parse(txt, strlen(txt), &s), 0, "parse");
    tap_int_eq(sg17_suci_encode_ie(&s, ie, sizeof ie, &n), 0, "encode IE");
    tap_int_eq(n, sizeof want, "IE length");
    tap_mem_eq(ie, want, sizeof want, "IE bytes (BCD MSIN 0000000003)");
    tap_int_eq(sg17_suci_encode_ie(&s, ie, 5, &n), SG17_E_INVAL, "short IE buffer");
    uint8_t bad[sizeof want];
    for (size_t i = 0; i < 13; i++) {
        static const uint8_t pokes[][2] = {{0, 0x02}, {0, 0x81},  {1, 0x0a}, {2, 0xa8}, {3, 0xa9},
                                           {4, 0x1f}, {4, 0x0f},  {5, 0xf0}, {6, 0x10}, {7, 0x01},
                                           {8, 0xff}, {12, 0xff}, {0, 0x00}};
        memcpy(bad, want, sizeof bad);
        bad[pokes[i][0]] = pokes[i][1];
        tap_int_eq(sg17_suci_decode_ie(bad, sizeof bad, &t), SG17_E_FORMAT, "malformed IE");
    }
    tap_int_eq(sg17_suci_decode_ie(want, 8, &t), SG17_E_FORMAT, "IE without output");
}

static void roundtrip_all(sg17_suci_keystore *ks, sg17_suci_key *keys[4])
{
    static const char *supis[] = {"imsi-001010123456789", "imsi-2089300100208",
                                  "nai-bob@operator.example"};
    for (size_t k = 0; k < 4; k++) {
        for (size_t i = 0; i < 3; i++) {
            sg17_supi p, got;
            const char *reason = NULL;
            tap_int_eq(sg17_supi_parse(supis[i], 2, &p), 0, "supi");
            tap_int_eq(sg17_suci_conceal(keys[k], &p, "42", &s), 0, "conceal");
            unsigned sc = sg17_suci_key_scheme(keys[k]);
            size_t in_len =
                p.type == SG17_SUCI_SUPI_IMSI ? (strlen(p.msin) + 1) / 2 : strlen(p.username);
            tap_int_eq(s.output_len, sg17_suci_output_bytes(sc, in_len), "output size");
            tap_int_eq(sg17_suci_deconceal(ks, &s, &got, &reason), 0, "deconceal");
            tap_ok(memcmp(&got, &p, sizeof p) == 0, "%s %s round trip", sg17_suci_scheme_name(sc),
                   supis[i]);
            /* truncations and extensions */
            size_t len = s.output_len;
            s.output_len = len - 1;
            tap_ok(sg17_suci_deconceal(ks, &s, &got, &reason) != 0, "truncated by one refused");
            s.output_len = sg17_suci_output_bytes(sc, 0);
            tap_int_eq(sg17_suci_deconceal(ks, &s, &got, &reason), SG17_E_FORMAT, "empty input");
            s.output_len = len;
            /* MAC failure, unknown key id and key of another scheme: one answer */
            s.output[len - 1] ^= 1;
            tap_int_eq(sg17_suci_deconceal(ks, &s, &got, &reason), SG17_E_VERIFY, "bad MAC");
            const char *r1 = reason;
            s.output[len - 1] ^= 1;
            unsigned kid = s.key_id;
            s.key_id = 99;
            tap_int_eq(sg17_suci_deconceal(ks, &s, &got, &reason), SG17_E_VERIFY, "unknown key id");
            tap_ok(reason == r1, "same reason for unknown key id");
            s.key_id = sg17_suci_key_id(keys[(k + 1) % 4]);
            tap_int_eq(sg17_suci_deconceal(ks, &s, &got, &reason), SG17_E_VERIFY,
                       "other scheme's key");
            tap_ok(reason == r1, "same reason for a key of another scheme");
            s.key_id = kid;
            /* ciphertext / ephemeral part flips */
            s.output[0] ^= 0x40;
            int rc = sg17_suci_deconceal(ks, &s, &got, &reason);
            tap_ok(rc == SG17_E_VERIFY || (sc == SG17_SUCI_SCHEME_PROFILE_B && rc == SG17_E_FORMAT),
                   "ephemeral part flip refused (%d)", rc);
            s.output[0] ^= 0x40;
        }
    }
}

static void test_profile_b_points(sg17_suci_keystore *ks, sg17_suci_key *kb)
{
    sg17_supi p, got;
    const char *reason = NULL;
    uint8_t pk[65];
    tap_int_eq(sg17_supi_parse("imsi-001010123456789", 2, &p), 0, "supi");
    tap_int_eq(sg17_suci_conceal(kb, &p, "0", &s), 0, "conceal B");
    /* find an x with no point: flip x until decompression fails */
    for (int i = 0; i < 64; i++) {
        s.output[32] = (uint8_t)i;
        if (sg17_p256_decompress(pk, s.output) != 0)
            break;
    }
    tap_int_eq(sg17_suci_deconceal(ks, &s, &got, &reason), SG17_E_FORMAT, "off-curve x refused");
    tap_ok(reason && strstr(reason, "not a point"), "reason: %s", reason ? reason : "");
    s.output[0] = 0x04;
    tap_int_eq(sg17_suci_deconceal(ks, &s, &got, &reason), SG17_E_FORMAT, "0x04 prefix refused");
    s.output[0] = 0x00;
    tap_int_eq(sg17_suci_deconceal(ks, &s, &got, &reason), SG17_E_FORMAT, "0x00 prefix refused");
}

static void test_null_and_rotation(sg17_suci_keystore *ks)
{
    sg17_supi p, got;
    const char *reason = NULL;
    sg17_suci_key *k1 = NULL, *k2 = NULL, *pub = NULL;
    tap_int_eq(sg17_supi_parse("imsi-001010123456789", 2, &p), 0, "supi");
    tap_int_eq(sg17_suci_conceal(NULL, &p, "0", &s), 0, "null scheme");
    tap_int_eq(sg17_suci_deconceal(ks, &s, &got, &reason), 0, "null accepted by default");
    sg17_suci_keystore_allow_null(ks, 0);
    tap_int_eq(sg17_suci_deconceal(ks, &s, &got, &reason), SG17_E_FORMAT, "null refused");
    sg17_suci_keystore_allow_null(ks, 1);

    /* rotation: key 50 in service, key 51 added, 50 retired */
    tap_int_eq(sg17_suci_key_generate(SG17_SUCI_SCHEME_MLKEM768, 50, &k1), 0, "gen 50");
    size_t pl = 0;
    const uint8_t *pkb = sg17_suci_key_public(k1, &pl);
    tap_int_eq(sg17_suci_key_import_public(SG17_SUCI_SCHEME_MLKEM768, 50, pkb, pl, &pub), 0, "pub");
    tap_int_eq(sg17_suci_keystore_add(ks, k1), 0, "add 50");
    tap_int_eq(sg17_suci_conceal(pub, &p, "0", &t), 0, "conceal to 50");
    tap_int_eq(sg17_suci_key_generate(SG17_SUCI_SCHEME_XWING, 50, &k2), 0, "gen another 50");
    tap_int_eq(sg17_suci_keystore_add(ks, k2), SG17_E_EXISTS, "key id in use");
    sg17_suci_key_free(k2);
    tap_int_eq(sg17_suci_key_generate(SG17_SUCI_SCHEME_XWING, 51, &k2), 0, "gen 51");
    tap_int_eq(sg17_suci_keystore_add(ks, k2), 0, "add 51");
    tap_int_eq(sg17_suci_deconceal(ks, &t, &got, &reason), 0, "50 still de-conceals");
    tap_int_eq(sg17_suci_keystore_remove(ks, 50), 0, "retire 50");
    tap_int_eq(sg17_suci_deconceal(ks, &t, &got, &reason), SG17_E_VERIFY, "50 retired");
    tap_int_eq(sg17_suci_keystore_remove(ks, 50), SG17_E_NOTFOUND, "retire twice");
    tap_int_eq(sg17_suci_keystore_add(ks, pub), SG17_E_INVAL, "public key refused by store");
    sg17_suci_key_free(pub);
}

static void test_keyfiles(void)
{
    char dir[] = "/tmp/sg17-suci-XXXXXX", path[128], pubp[140];
    tap_ok(mkdtemp(dir) != NULL, "tmpdir");
    for (unsigned sc = 0; sc < 16; sc++) {
        sg17_suci_key *k = NULL, *l = NULL, *q = NULL;
        if (sg17_suci_public_key_bytes(sc) == 0)
            continue;
        snprintf(path, sizeof path, "%s/k%u", dir, sc);
        snprintf(pubp, sizeof pubp, "%s.pub", path);
        tap_int_eq(sg17_suci_key_generate(sc, 200 + sc, &k), 0, "generate");
        tap_int_eq(sg17_suci_key_save(k, path), 0, "save");
        struct stat st;
        tap_ok(stat(path, &st) == 0 && (st.st_mode & 0777) == 0600, "private file 0600");
        tap_int_eq(sg17_suci_key_save(k, path), SG17_E_EXISTS, "no overwrite");
        tap_int_eq(sg17_suci_key_load(path, &l), 0, "load private");
        tap_int_eq(sg17_suci_key_load(pubp, &q), 0, "load public");
        size_t a = 0, b = 0, c = 0;
        const uint8_t *pa = sg17_suci_key_public(k, &a), *pb = sg17_suci_key_public(l, &b),
                      *pc = sg17_suci_key_public(q, &c);
        tap_ok(a == b && a == c && !memcmp(pa, pb, a) && !memcmp(pa, pc, a) &&
                   sg17_suci_key_is_private(l) && !sg17_suci_key_is_private(q) &&
                   sg17_suci_key_id(l) == 200 + sc && sg17_suci_key_scheme(q) == sc,
               "%s key file round trip", sg17_suci_scheme_name(sc));
        /* a corrupted public line must not load */
        size_t flen = 0;
        char *txt = tap_read_file(path, &flen);
        char *pubpos = txt ? strstr(txt, "public: ") : NULL;
        if (pubpos) {
            pubpos[12] = pubpos[12] == 'a' ? 'b' : 'a';
            FILE *f = fopen(path, "w");
            if (f) {
                fwrite(txt, 1, flen, f);
                fclose(f);
            }
        }
        free(txt);
        sg17_suci_key *m = NULL;
        tap_ok(sg17_suci_key_load(path, &m) == SG17_E_FORMAT && m == NULL, "corrupt file refused");
        sg17_suci_key_free(k);
        sg17_suci_key_free(l);
        sg17_suci_key_free(q);
        unlink(path);
        unlink(pubp);
    }
    rmdir(dir);
}

static void test_xwing_expanded(void)
{
    /* The SIDF's X-Wing decapsulation on the expanded key equals the
     * reference sg17_xwing_decaps, also for a modified ciphertext. */
    uint8_t sk[32], ct[SG17_XWING_CIPHERTEXT_BYTES], ss1[32], ss2[32], ss3[32];
    sg17_suci_key *k = NULL;
    sg17_supi p, got;
    const char *reason;
    tap_int_eq(sg17_randombytes(sk, sizeof sk), 0, "rng");
    tap_int_eq(sg17_suci_key_import(SG17_SUCI_SCHEME_XWING, 9, sk, 32, &k), 0, "import");
    size_t pl = 0;
    const uint8_t *pk = sg17_suci_key_public(k, &pl);
    tap_int_eq(sg17_xwing_encaps(ct, ss1, pk, pl), 0, "encaps");
    tap_int_eq(sg17_xwing_decaps(ss2, ct, sizeof ct, sk, 32), 0, "decaps");
    tap_mem_eq(ss1, ss2, 32, "xwing round trip");
    sg17_suci_keystore *ks = NULL;
    tap_int_eq(sg17_suci_keystore_new(&ks), 0, "store");
    tap_int_eq(sg17_supi_parse("imsi-001010123456789", 2, &p), 0, "supi");
    tap_int_eq(sg17_suci_conceal(k, &p, "0", &s), 0, "conceal");
    tap_int_eq(sg17_suci_keystore_add(ks, k), 0, "add");
    tap_int_eq(sg17_suci_deconceal(ks, &s, &got, &reason), 0, "SIDF X-Wing");
    ct[5] ^= 1;
    ct[SG17_XWING_CIPHERTEXT_BYTES - 3] ^= 1;
    tap_int_eq(sg17_xwing_decaps(ss3, ct, sizeof ct, sk, 32), 0, "decaps modified");
    tap_ok(memcmp(ss3, ss2, 32) != 0, "modified ct gives another key");
    sg17_suci_keystore_free(ks);
}

int main(void)
{
    sg17_suci_keystore *ks = NULL;
    sg17_suci_key *keys[4] = {NULL};
    static const unsigned schemes[4] = {SG17_SUCI_SCHEME_PROFILE_A, SG17_SUCI_SCHEME_PROFILE_B,
                                        SG17_SUCI_SCHEME_MLKEM768, SG17_SUCI_SCHEME_XWING};
    test_supi();
    test_parsers();
    test_ie();
    tap_int_eq(sg17_suci_keystore_new(&ks), 0, "key store");
    for (size_t i = 0; i < 4; i++) {
        sg17_suci_key *priv = NULL;
        tap_int_eq(sg17_suci_key_generate(schemes[i], (unsigned)(i + 1), &priv), 0, "generate");
        size_t pl = 0;
        const uint8_t *pk = sg17_suci_key_public(priv, &pl);
        tap_int_eq(pl, sg17_suci_public_key_bytes(schemes[i]), "public key size");
        tap_int_eq(sg17_suci_key_import_public(schemes[i], (unsigned)(i + 1), pk, pl, &keys[i]), 0,
                   "import public");
        tap_int_eq(sg17_suci_keystore_add(ks, priv), 0, "add");
    }
    tap_int_eq(sg17_suci_keystore_count(ks), 4, "four keys");
    roundtrip_all(ks, keys);
    test_profile_b_points(ks, keys[1]);
    test_null_and_rotation(ks);
    test_keyfiles();
    test_xwing_expanded();
    for (size_t i = 0; i < 4; i++)
        sg17_suci_key_free(keys[i]);
    sg17_suci_keystore_free(ks);
    return tap_done();
}
