/*
 * Assessment tables (X.1811, docs/ASSESS.md): classical and quantum bits,
 * verdicts and priorities for representative algorithms of every kind;
 * unknown names and missing or contradicting key lengths are reported as
 * unknown; inventory parsing refuses malformed documents; the example
 * inventories assess as documented; HTML output escapes input text.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sg17/assess.h"
#include "tap.h"

static void expect(const char *name, int key_bits, int cl, int qu, sg17_assess_verdict v, int prio)
{
    sg17_assess_result r;
    tap_int_eq(sg17_assess_algorithm(name, key_bits, SG17_ASSESS_USE_DEFAULT, &r), 0, name);
    int ok = r.classical_bits == cl && r.quantum_bits == qu && r.verdict == v && r.priority == prio;
    tap_ok(ok, "%s/%d: %d classical, %d quantum, %s, priority %d", name, key_bits, r.classical_bits,
           r.quantum_bits, sg17_assess_verdict_name(r.verdict), r.priority);
}

static void test_table(void)
{
    /* symmetric: Grover halves the key */
    expect("AES-128", 0, 128, 64, SG17_ASSESS_REDUCED, 3);
    expect("aes_256_gcm", 0, 256, 128, SG17_ASSESS_RESISTANT, 5);
    expect("128-NEA2", 128, 128, 64, SG17_ASSESS_REDUCED, 3);
    expect("128-NIA3", 0, 128, 64, SG17_ASSESS_REDUCED, 4);
    expect("128-NEA0", 0, 0, 0, SG17_ASSESS_WEAK, 0);
    expect("MILENAGE", 0, 128, 64, SG17_ASSESS_REDUCED, 3);
    expect("TUAK", 256, 256, 128, SG17_ASSESS_RESISTANT, 5);
    expect("HMAC-SHA-256", 256, 256, 128, SG17_ASSESS_RESISTANT, 5);
    expect("3DES", 0, 112, 56, SG17_ASSESS_WEAK, 0);
    /* hashes: preimage halves under Grover */
    expect("SHA-256", 0, 128, 128, SG17_ASSESS_RESISTANT, 5);
    expect("SHA-1", 0, 80, 80, SG17_ASSESS_WEAK, 0);
    /* Shor: RSA, ECC, DH are broken */
    expect("ECDH-P256", 0, 128, 0, SG17_ASSESS_VULNERABLE, 1);
    expect("P-256", 0, 128, 0, SG17_ASSESS_VULNERABLE, 1);
    expect("X25519", 0, 128, 0, SG17_ASSESS_VULNERABLE, 1);
    expect("SUCI-PROFILE-A", 0, 128, 0, SG17_ASSESS_VULNERABLE, 1);
    expect("SUCI-B", 0, 128, 0, SG17_ASSESS_VULNERABLE, 1);
    expect("ECDSA-P256", 0, 128, 0, SG17_ASSESS_VULNERABLE, 2);
    expect("RSA", 2048, 112, 0, SG17_ASSESS_VULNERABLE, 2);
    expect("RSA", 3072, 128, 0, SG17_ASSESS_VULNERABLE, 2);
    expect("RSA", 1024, 80, 0, SG17_ASSESS_WEAK, 0);
    expect("MODP-2048", 0, 112, 0, SG17_ASSESS_VULNERABLE, 1);
    expect("ikev2-group-19", 0, 128, 0, SG17_ASSESS_VULNERABLE, 1);
    /* PQ: category strength, halved like the defining AES key search */
    expect("ML-KEM-768", 0, 192, 96, SG17_ASSESS_RESISTANT, 5);
    expect("ML-KEM-512", 0, 128, 64, SG17_ASSESS_REDUCED, 3);
    expect("X25519MLKEM768", 0, 192, 96, SG17_ASSESS_RESISTANT, 5);
    expect("SUCI-MLKEM768", 0, 192, 96, SG17_ASSESS_RESISTANT, 5);
    expect("ML-DSA-87", 0, 256, 128, SG17_ASSESS_RESISTANT, 5);
    /* protocols */
    expect("TLS-1.3", 0, -1, -1, SG17_ASSESS_INFO, 5);
    expect("TLS 1.2", 0, -1, -1, SG17_ASSESS_INFO, 2);
    expect("TLS1.0", 0, -1, -1, SG17_ASSESS_WEAK, 0);
    /* unknown is never guessed */
    expect("GOST-28147", 0, -1, -1, SG17_ASSESS_UNKNOWN, -1);
    expect("AES-129", 0, -1, -1, SG17_ASSESS_UNKNOWN, -1);
    expect("", 0, -1, -1, SG17_ASSESS_UNKNOWN, -1);
    expect("RSA", 0, -1, -1, SG17_ASSESS_UNKNOWN, -1);         /* size missing */
    expect("AES-128", 256, -1, -1, SG17_ASSESS_UNKNOWN, -1);   /* contradiction */
    expect("RSA-2048", 4096, -1, -1, SG17_ASSESS_UNKNOWN, -1); /* contradiction */
    sg17_assess_result r;
    tap_int_eq(sg17_assess_algorithm("RSA", 2048, SG17_ASSESS_USE_KEY_EXCHANGE, &r), 0, "rsa kex");
    tap_ok(r.priority == 1 && r.hndl, "RSA key transport is HNDL-exposed (priority 1)");
    tap_int_eq(sg17_assess_algorithm("GOST-28147", 0, 0, &r), 0, "unknown");
    tap_ok(strcmp(r.algorithm, "GOST-28147") == 0 && strcmp(r.kind, "unknown") == 0,
           "unknown keeps its name");
}

static sg17_assess_report *inv(const char *json, int want_rc)
{
    sg17_assess_report *r = NULL;
    char err[200];
    int rc = sg17_assess_inventory(json, strlen(json), &r, err, sizeof err);
    tap_int_eq(rc, want_rc, json);
    if (rc)
        tap_diag("error: %s", err);
    return r;
}

static void test_inventory(void)
{
    static const char *bad[] = {
        "[]",
        "{}",
        "{\"schema\":\"sg17-assess-2\",\"system\":\"x\",\"items\":[]}",
        "{\"schema\":\"sg17-assess-1\",\"system\":\"x\",\"items\":[]}",
        "{\"schema\":\"sg17-assess-1\",\"items\":[{\"id\":\"a\",\"area\":\"nas\",\"name\":\"n\","
        "\"algorithm\":\"AES-128\"}]}",
        "{\"schema\":\"sg17-assess-1\",\"system\":\"x\",\"items\":[{\"id\":\"a\",\"area\":\"moon\","
        "\"name\":\"n\",\"algorithm\":\"AES-128\"}]}",
        "{\"schema\":\"sg17-assess-1\",\"system\":\"x\",\"items\":[{\"id\":\"a\",\"area\":\"nas\","
        "\"name\":\"n\"}]}",
        "{\"schema\":\"sg17-assess-1\",\"system\":\"x\",\"items\":[{\"id\":\"a\",\"area\":\"nas\","
        "\"name\":\"n\",\"algorithm\":\"AES-128\",\"key_bit\":1}]}",
        "{\"schema\":\"sg17-assess-1\",\"system\":\"x\",\"items\":[{\"id\":\"a\",\"area\":\"nas\","
        "\"name\":\"n\",\"algorithm\":\"AES-128\",\"key_bits\":\"128\"}]}",
        "{\"schema\":\"sg17-assess-1\",\"system\":\"x\",\"items\":[{\"id\":\"a\",\"area\":\"nas\","
        "\"name\":\"n\",\"algorithm\":\"AES-128\",\"use\":\"fun\"}]}",
        "{\"schema\":\"sg17-assess-1\",\"system\":\"x\",\"items\":[{\"id\":\"a\",\"area\":\"nas\","
        "\"name\":\"n\",\"algorithm\":\"A\"},{\"id\":\"a\",\"area\":\"nas\",\"name\":\"n\","
        "\"algorithm\":\"B\"}]}",
        "{\"schema\":\"sg17-assess-1\",\"system\":\"x\",\"extra\":1,\"items\":[{\"id\":\"a\","
        "\"area\":\"nas\",\"name\":\"n\",\"algorithm\":\"A\"}]}",
        "{\"schema\":\"sg17-assess-1\",\"system\":\"x\",\"items\":[{\"id\":\"a\",\"area\":\"nas\","
        "\"name\":\"n\",\"algorithm\":\"A\"}]",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        tap_ok(inv(bad[i], SG17_E_FORMAT) == NULL, "refused");
    sg17_assess_report *r =
        inv("{\"schema\":\"sg17-assess-1\",\"system\":\"<b>x</b>\",\"items\":["
            "{\"id\":\"a\",\"area\":\"sba\",\"name\":\"<script>\",\"algorithm\":\"X25519\"},"
            "{\"id\":\"b\",\"area\":\"nas\",\"name\":\"n\",\"algorithm\":\"AES-256\"},"
            "{\"id\":\"c\",\"area\":\"pki\",\"name\":\"n\",\"algorithm\":\"RSA\",\"key_bits\":2048,"
            "\"use\":\"signature\"}]}",
            0);
    tap_ok(r && sg17_assess_report_count(r) == 3, "three items");
    char *out = NULL;
    size_t n = 0;
    tap_int_eq(sg17_assess_render(r, SG17_ASSESS_HTML, &out, &n), 0, "html");
    tap_ok(out && !strstr(out, "<script>") && strstr(out, "&lt;script&gt;") &&
               strstr(out, "&lt;b&gt;x&lt;/b&gt;"),
           "HTML escapes input");
    free(out);
    tap_int_eq(sg17_assess_render(r, SG17_ASSESS_TEXT, &out, &n), 0, "text");
    /* priority order: X25519 (1) before RSA (2) before AES-256 (none) */
    const char *a = out ? strstr(out, "X25519") : NULL, *b = out ? strstr(out, "RSA") : NULL,
               *c = out ? strstr(out, "AES-256") : NULL;
    tap_ok(a && b && c && a < b && b < c, "text sorted by migration priority");
    free(out);
    tap_int_eq(sg17_assess_render(r, SG17_ASSESS_JSON, &out, &n), 0, "json");
    tap_ok(out && strstr(out, "\"hndl_exposed\": true") && strstr(out, "\"verdict\": \"broken\""),
           "JSON carries verdict and HNDL flag");
    free(out);
    sg17_assess_report_free(r);
}

static void test_examples(void)
{
    char path[4096];
    size_t len = 0;
    static const struct {
        const char *file;
        size_t weak, broken, reduced, resistant, unknown;
    } ex[] = {{"5g-sa-2020.json", 1, 13, 8, 4, 1}, {"5g-sa-migrated.json", 0, 0, 8, 18, 0}};
    for (size_t i = 0; i < 2; i++) {
        snprintf(path, sizeof path, "%s/examples/assess/%s", tap_source_dir(), ex[i].file);
        char *t = tap_read_file(path, &len);
        tap_ok(t != NULL, "%s readable", path);
        if (!t)
            continue;
        sg17_assess_report *r = inv(t, 0);
        tap_ok(sg17_assess_report_verdicts(r, SG17_ASSESS_WEAK) == ex[i].weak &&
                   sg17_assess_report_verdicts(r, SG17_ASSESS_VULNERABLE) == ex[i].broken &&
                   sg17_assess_report_verdicts(r, SG17_ASSESS_REDUCED) == ex[i].reduced &&
                   sg17_assess_report_verdicts(r, SG17_ASSESS_RESISTANT) == ex[i].resistant &&
                   sg17_assess_report_verdicts(r, SG17_ASSESS_UNKNOWN) == ex[i].unknown,
               "%s: verdict counts as documented", ex[i].file);
        sg17_assess_report_free(r);
        free(t);
    }
}

int main(void)
{
    test_table();
    test_inventory();
    test_examples();
    return tap_done();
}
