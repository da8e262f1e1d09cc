/*
 * ML-KEM against C2SP CCTV edge cases:
 *  - strcmp-ML-KEM-*: decaps(dk, c) must give K (catches an early-exit
 *    comparison in the re-encryption check);
 *  - unluckysample-ML-KEM-*: SampleNTT needs more than 575 bytes of
 *    SHAKE128. Only encaps (ek, m -> c, K) and decaps (dk, c -> K) are
 *    checked: the files predate final FIPS 203's G(d || k) in K-PKE.KeyGen,
 *    so their keygen part does not apply (see the vectors README);
 *  - modulus-ML-KEM-768: 780 encapsulation keys with one coefficient in
 *    [q, 4095]; the §7.2 modulus check must reject every one.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sg17/mlkem.h"
#include "tap.h"

#define MAXF 8

typedef struct kv {
    char name[8];
    uint8_t *val;
    size_t len;
} kv;

/* Parse "name = hex" lines. Returns the number of fields, or -1. */
static int parse_kv(const char *rel, kv *f)
{
    size_t n;
    char *txt = tap_read_file(tap_vector_path(rel), &n);
    int cnt = 0;
    if (txt == NULL)
        return -1;
    for (char *line = txt; line != NULL && *line != '\0' && cnt < MAXF;) {
        char *nl = strchr(line, '\n');
        if (nl != NULL)
            *nl = '\0';
        char *eq = strstr(line, " = ");
        if (eq != NULL && (size_t)(eq - line) < sizeof f[cnt].name) {
            memcpy(f[cnt].name, line, (size_t)(eq - line));
            f[cnt].name[eq - line] = '\0';
            f[cnt].val = tap_hex_decode(eq + 3, &f[cnt].len);
            if (f[cnt].val != NULL)
                cnt++;
        }
        line = nl != NULL ? nl + 1 : NULL;
    }
    free(txt);
    return cnt;
}

static const kv *get(const kv *f, int n, const char *name)
{
    for (int i = 0; i < n; i++)
        if (strcmp(f[i].name, name) == 0)
            return &f[i];
    return NULL;
}

static void free_kv(kv *f, int n)
{
    for (int i = 0; i < n; i++)
        free(f[i].val);
}

static void strcmp_case(sg17_mlkem_param p, const char *rel)
{
    kv f[MAXF];
    int n = parse_kv(rel, f);
    const kv *dk = get(f, n, "dk"), *c = get(f, n, "c"), *want = get(f, n, "K");
    uint8_t k[32];
    if (!tap_ok(dk && c && want && want->len == 32, "%s: dk, c, K present", rel)) {
        free_kv(f, n);
        return;
    }
    tap_int_eq(sg17_mlkem_decaps(p, k, c->val, c->len, dk->val, dk->len), 0, rel);
    tap_mem_eq(k, want->val, 32, rel);
    free_kv(f, n);
}

static void unlucky_case(sg17_mlkem_param p, const char *rel)
{
    kv f[MAXF];
    int n = parse_kv(rel, f);
    const kv *ek = get(f, n, "ek"), *dk = get(f, n, "dk"), *m = get(f, n, "m");
    const kv *c = get(f, n, "c"), *want = get(f, n, "K");
    uint8_t k[32], ct[SG17_MLKEM_MAX_CIPHERTEXT_BYTES];
    if (!tap_ok(ek && dk && m && c && want && m->len == 32 && want->len == 32,
                "%s: ek, dk, m, c, K present", rel)) {
        free_kv(f, n);
        return;
    }
    tap_int_eq(sg17_mlkem_encaps_derand(p, ct, sizeof ct, k, ek->val, ek->len, m->val), 0, rel);
    tap_ok(c->len == sg17_mlkem_ciphertext_bytes(p) && memcmp(ct, c->val, c->len) == 0,
           "%s: encaps c matches", rel);
    tap_mem_eq(k, want->val, 32, "encaps K");
    memset(k, 0, sizeof k);
    tap_int_eq(sg17_mlkem_decaps(p, k, c->val, c->len, dk->val, dk->len), 0, rel);
    tap_mem_eq(k, want->val, 32, "decaps K");
    free_kv(f, n);
}

static void modulus_case(void)
{
    const char *rel = "pqc/cctv-mlkem/modulus-ML-KEM-768.txt";
    size_t n;
    char *txt = tap_read_file(tap_vector_path(rel), &n);
    unsigned lines = 0, rejected = 0, enc_rejected = 0;
    uint8_t k[32], ct[SG17_MLKEM768_CIPHERTEXT_BYTES], m[32] = {0};
    if (!tap_ok(txt != NULL, "%s readable", rel))
        return;
    for (char *line = txt; line != NULL && *line != '\0';) {
        char *nl = strchr(line, '\n');
        if (nl != NULL)
            *nl = '\0';
        size_t len;
        uint8_t *ek = tap_hex_decode(line, &len);
        if (ek != NULL && len == SG17_MLKEM768_PUBLICKEY_BYTES) {
            lines++;
            rejected += sg17_mlkem_check_ek(SG17_MLKEM_768, ek, len) == SG17_E_FORMAT;
            enc_rejected +=
                sg17_mlkem_encaps_derand(SG17_MLKEM_768, ct, sizeof ct, k, ek, len, m) ==
                SG17_E_FORMAT;
        }
        free(ek);
        line = nl != NULL ? nl + 1 : NULL;
    }
    free(txt);
    tap_int_eq(lines, 780, "modulus: 780 keys read");
    tap_int_eq(rejected, 780, "modulus: check_ek rejects all");
    tap_int_eq(enc_rejected, 780, "modulus: encaps rejects all");
}

int main(void)
{
    static const struct {
        sg17_mlkem_param p;
        const char *name;
    } sets[] = {{SG17_MLKEM_512, "512"}, {SG17_MLKEM_768, "768"}, {SG17_MLKEM_1024, "1024"}};
    char rel[96];
    for (size_t i = 0; i < 3; i++) {
        snprintf(rel, sizeof rel, "pqc/cctv-mlkem/strcmp-ML-KEM-%s.txt", sets[i].name);
        strcmp_case(sets[i].p, rel);
        snprintf(rel, sizeof rel, "pqc/cctv-mlkem/unluckysample-ML-KEM-%s.txt", sets[i].name);
        unlucky_case(sets[i].p, rel);
    }
    modulus_case();
    return tap_done();
}
