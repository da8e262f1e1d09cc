/*
 * AES-256 building blocks from pqc/sym256/aes256_zuc256.json (read in
 * place): FIPS 197 C.3 single block and SP 800-38A F.5.5 CTR-AES256.
 * The single block is checked through CTR: with a zero plaintext and the
 * FIPS 197 input block as the counter block, CTR outputs AES_K(block).
 * (The CMAC-AES256 entries of the file are not covered: sg17 has no CMAC.)
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "sg17/crypto.h"
#include "tap.h"

static uint8_t *field(json_t *obj, const char *name, size_t *len)
{
    const char *h = json_string_value(json_object_get(obj, name));
    return h != NULL ? tap_hex_decode(h, len) : NULL;
}

int main(void)
{
    const char *path = tap_vector_path("pqc/sym256/aes256_zuc256.json");
    json_error_t err;
    json_t *root = json_load_file(path, 0, &err);
    if (!tap_ok(root != NULL, "parse %s", path))
        return tap_done();
    size_t i;
    json_t *v;
    int fips197 = 0, ctr = 0;
    json_array_foreach(json_object_get(root, "aes256"), i, v)
    {
        const char *src = json_string_value(json_object_get(v, "source"));
        size_t kl = 0, pl = 0, cl = 0, icbl = 0;
        uint8_t *key = field(v, "key", &kl), *pt = field(v, "plaintext", &pl);
        uint8_t *ct = field(v, "ciphertext", &cl), *icb = field(v, "initialCounter", &icbl);
        uint8_t out[64];
        if (src != NULL && strstr(src, "FIPS 197") != NULL && key && pt && ct && pl == 16) {
            static const uint8_t zero[16];
            tap_int_eq(sg17_aes_ctr(key, kl, pt, zero, 16, out), 0, "AES-256 block via CTR");
            tap_mem_eq(out, ct, 16, src);
            fips197++;
        } else if (src != NULL && strstr(src, "CTR") != NULL && key && pt && ct && icb &&
                   icbl == 16 && pl == cl && pl <= sizeof out) {
            tap_int_eq(sg17_aes_ctr(key, kl, icb, pt, pl, out), 0, "AES-256-CTR");
            tap_mem_eq(out, ct, cl, src);
            tap_int_eq(sg17_aes_ctr(key, kl, icb, ct, cl, out), 0, "AES-256-CTR decrypt");
            tap_mem_eq(out, pt, pl, "decrypt recovers plaintext");
            ctr++;
        }
        free(key), free(pt), free(ct), free(icb);
    }
    tap_int_eq(fips197, 1, "FIPS 197 C.3 vector found and checked");
    tap_int_eq(ctr, 1, "SP 800-38A F.5.5 vector found and checked");
    json_decref(root);
    return tap_done();
}
