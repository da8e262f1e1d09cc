/*
 * libFuzzer harness for sg17_json_parse (small caps). Oracle: any accepted
 * document has a canonical dump that parses again to the same canonical
 * dump, and the typed getters never misbehave on it.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sg17/json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void poke_getters(const json_t *obj)
{
    static const char *const keys[] = {"a", "b", "key", "n", ""};
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        sg17_json_error e;
        const char *s;
        size_t n;
        long long x;
        int b;
        uint8_t *h = NULL, fixed[4];
        const json_t *sub;
        int r = 0;
        r |= sg17_json_get_str(obj, keys[i], 16, &s, &n, &e);
        r |= sg17_json_get_int(obj, keys[i], -100, 100, &x, &e);
        r |= sg17_json_get_bool(obj, keys[i], &b, &e);
        if (sg17_json_get_hex(obj, keys[i], 64, &h, &n, &e) == 0)
            free(h);
        r |= sg17_json_get_hex_fixed(obj, keys[i], fixed, sizeof fixed, &e);
        r |= sg17_json_get_array(obj, keys[i], 0, 8, &sub, &e);
        r |= sg17_json_get_object(obj, keys[i], &sub, &e);
        if (r > 0) /* 0 or a negative SG17_E_* only */
            __builtin_trap();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    sg17_json_limits lim = {4096, 16, (size & 1) ? SG17_JSON_DECODE_ANY : 0};
    json_t *v = NULL;
    sg17_json_error e;
    int rc = sg17_json_parse((const char *)data, size, &lim, &v, &e);
    if (rc != 0) {
        if (v != NULL || e.text[0] == '\0')
            __builtin_trap(); /* errors must leave no value and say why */
        return 0;
    }
    poke_getters(v);
    char *d1 = NULL, *d2 = NULL;
    size_t l1 = 0, l2 = 0;
    if (sg17_json_dump_canonical(v, &d1, &l1) == 0) {
        /* The dump can be longer than the input (escapes), so no size cap. */
        sg17_json_limits again = {0, 16, SG17_JSON_DECODE_ANY};
        json_t *w = NULL;
        if (sg17_json_parse(d1, l1, &again, &w, &e) != 0)
            __builtin_trap();
        if (sg17_json_dump_canonical(w, &d2, &l2) != 0 || l1 != l2 || memcmp(d1, d2, l1) != 0)
            __builtin_trap();
        json_decref(w);
    }
    free(d1);
    free(d2);
    json_decref(v);
    return 0;
}
