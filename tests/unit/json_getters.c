/* sg17_json typed getters and canonical dump. */
#include <stdlib.h>
#include <string.h>

#include "sg17/json.h"
#include "tap.h"

static const char doc[] =
    "{\"name\": \"ML-KEM-768\", \"n\": 256, \"neg\": -5, \"big\": 1e3, \"flag\": false,"
    " \"key\": \"00ff10AbcD\", \"odd\": \"abc\", \"nothex\": \"zz\", \"empty\": \"\","
    " \"list\": [1, 2, 3], \"obj\": {\"z\": 1, \"a\": [true, null]}, \"nul\": \"a\"}";

static void test_getters(const json_t *o)
{
    sg17_json_error e;
    const char *s = NULL;
    size_t len = 0;
    tap_int_eq(sg17_json_get_str(o, "name", 64, &s, &len, &e), 0, "get_str");
    tap_ok(s != NULL && strcmp(s, "ML-KEM-768") == 0 && len == 10, "string value");
    tap_int_eq(sg17_json_get_str(o, "name", 9, &s, &len, &e), SG17_E_FORMAT, "string too long");
    tap_ok(strstr(e.text, "'name'") != NULL, "message names the key: %s", e.text);
    tap_int_eq(sg17_json_get_str(o, "n", 64, &s, NULL, &e), SG17_E_FORMAT, "int is not a string");
    tap_ok(strstr(e.text, "'n'") != NULL && strstr(e.text, "string") != NULL, "%s", e.text);
    tap_int_eq(sg17_json_get_str(o, "missing", 64, &s, NULL, &e), SG17_E_FORMAT, "missing key");
    tap_ok(strstr(e.text, "'missing'") != NULL && strstr(e.text, "missing") != NULL, "%s", e.text);

    long long x = 0;
    tap_int_eq(sg17_json_get_int(o, "n", 0, 1000, &x, &e), 0, "get_int");
    tap_int_eq(x, 256, "int value");
    tap_int_eq(sg17_json_get_int(o, "n", 0, 255, &x, &e), SG17_E_FORMAT, "int above max");
    tap_ok(strstr(e.text, "'n'") != NULL, "%s", e.text);
    tap_int_eq(sg17_json_get_int(o, "neg", 0, 10, &x, &e), SG17_E_FORMAT, "int below min");
    tap_int_eq(sg17_json_get_int(o, "neg", -10, 10, &x, &e), 0, "negative in range");
    tap_int_eq(x, -5, "negative value");
    tap_int_eq(sg17_json_get_int(o, "big", 0, 10000, &x, &e), SG17_E_FORMAT, "real is not int");
    tap_int_eq(sg17_json_get_int(o, "name", 0, 10, &x, &e), SG17_E_FORMAT, "string is not int");

    int b = -1;
    tap_int_eq(sg17_json_get_bool(o, "flag", &b, &e), 0, "get_bool");
    tap_int_eq(b, 0, "bool value");
    tap_int_eq(sg17_json_get_bool(o, "n", &b, &e), SG17_E_FORMAT, "int is not bool");
    tap_ok(strstr(e.text, "'n'") != NULL, "%s", e.text);

    uint8_t *h = NULL;
    size_t hl = 0;
    static const uint8_t want[5] = {0x00, 0xff, 0x10, 0xab, 0xcd};
    tap_int_eq(sg17_json_get_hex(o, "key", 16, &h, &hl, &e), 0, "get_hex mixed case");
    tap_int_eq(hl, 5, "hex length");
    if (h != NULL)
        tap_mem_eq(h, want, 5, "hex bytes");
    free(h);
    tap_int_eq(sg17_json_get_hex(o, "key", 4, &h, &hl, &e), SG17_E_FORMAT, "hex over max");
    tap_int_eq(sg17_json_get_hex(o, "odd", 16, &h, &hl, &e), SG17_E_FORMAT, "odd-length hex");
    tap_ok(strstr(e.text, "'odd'") != NULL, "%s", e.text);
    tap_int_eq(sg17_json_get_hex(o, "nothex", 16, &h, &hl, &e), SG17_E_FORMAT, "non-hex chars");
    tap_ok(h == NULL && hl == 0, "outputs cleared on error");
    tap_int_eq(sg17_json_get_hex(o, "empty", 16, &h, &hl, &e), 0, "empty hex");
    tap_ok(h == NULL && hl == 0, "empty hex gives no buffer");

    /* Every single non-hex character is caught by the branch-free decoder. */
    int all_bad_caught = 1, all_good_ok = 1;
    for (int c = 1; c < 256; c++) {
        char str[3] = {'0', (char)c, 0};
        json_t *t = json_object();
        json_t *sv = json_stringn_nocheck(str, 2); /* bytes >= 0x80 too */
        uint8_t one = 0;
        int is_hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
        if (sv != NULL && json_object_set_new(t, "k", sv) == 0) {
            int rc = sg17_json_get_hex_fixed(t, "k", &one, 1, NULL);
            if (is_hex) {
                int want_v = c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
                all_good_ok &= rc == 0 && one == want_v;
            } else {
                all_bad_caught &= rc == SG17_E_FORMAT;
            }
        } else {
            all_bad_caught = 0;
        }
        json_decref(t);
    }
    tap_ok(all_good_ok, "all 22 hex digits decode");
    tap_ok(all_bad_caught, "all 233 other bytes rejected");

    uint8_t fixed[5] = {9, 9, 9, 9, 9};
    tap_int_eq(sg17_json_get_hex_fixed(o, "key", fixed, 5, &e), 0, "get_hex_fixed");
    tap_mem_eq(fixed, want, 5, "fixed hex bytes");
    uint8_t f4[4] = {9, 9, 9, 9};
    tap_int_eq(sg17_json_get_hex_fixed(o, "key", f4, 4, &e), SG17_E_FORMAT, "wrong fixed length");
    tap_ok(f4[0] == 9, "output untouched on error");

    const json_t *arr = NULL;
    tap_int_eq(sg17_json_get_array(o, "list", 1, 3, &arr, &e), 0, "get_array");
    tap_ok(json_array_size(arr) == 3, "array size");
    tap_int_eq(sg17_json_get_array(o, "list", 4, 10, &arr, &e), SG17_E_FORMAT, "too short");
    tap_int_eq(sg17_json_get_array(o, "list", 0, 2, &arr, &e), SG17_E_FORMAT, "too long");
    tap_ok(strstr(e.text, "'list'") != NULL, "%s", e.text);
    tap_int_eq(sg17_json_get_array(o, "obj", 0, 2, &arr, &e), SG17_E_FORMAT, "object not array");
    const json_t *sub = NULL;
    tap_int_eq(sg17_json_get_object(o, "obj", &sub, &e), 0, "get_object");
    tap_int_eq(sg17_json_get_object(o, "list", &sub, &e), SG17_E_FORMAT, "array not object");
    tap_int_eq(sg17_json_get_int(arr, "x", 0, 1, &x, &e), SG17_E_FORMAT, "lookup in non-object");
}

static void test_canonical(void)
{
    json_t *a = NULL, *b = NULL;
    sg17_json_error e;
    const char ta[] = "{ \"b\" : [1, {\"y\":2, \"x\":1}],\n \"a\": \"\xC3\xA9\", \"c\": null }";
    const char tb[] = "{\"c\":null,\"a\":\"\\u00e9\",\"b\":[1,{\"x\":1,\"y\":2}]}";
    int ok = sg17_json_parse(ta, sizeof ta - 1, NULL, &a, &e) == 0 &&
             sg17_json_parse(tb, sizeof tb - 1, NULL, &b, &e) == 0;
    tap_ok(ok, "parsed both orderings");
    char *da = NULL, *db = NULL;
    size_t la = 0;
    tap_int_eq(sg17_json_dump_canonical(a, &da, &la), 0, "dump a");
    tap_int_eq(sg17_json_dump_canonical(b, &db, NULL), 0, "dump b");
    const char want[] = "{\"a\":\"\xC3\xA9\",\"b\":[1,{\"x\":1,\"y\":2}],\"c\":null}";
    tap_ok(da != NULL && strcmp(da, want) == 0, "canonical text: %s", da ? da : "(null)");
    tap_ok(da != NULL && db != NULL && strcmp(da, db) == 0, "same value, same bytes");
    tap_int_eq(la, strlen(want), "length");
    free(da);
    free(db);
    json_t *i = json_integer(7);
    char *di = NULL;
    tap_int_eq(sg17_json_dump_canonical(i, &di, NULL), 0, "scalar dump");
    tap_ok(di != NULL && strcmp(di, "7") == 0, "scalar text");
    free(di);
    json_decref(i);
    tap_int_eq(sg17_json_dump_canonical(NULL, &di, NULL), SG17_E_INVAL, "NULL value");
    json_decref(a);
    json_decref(b);
}

int main(void)
{
    json_t *o = NULL;
    sg17_json_error e;
    int rc = sg17_json_parse(doc, sizeof doc - 1, NULL, &o, &e);
    tap_int_eq(rc, 0, "test document parses");
    if (rc != 0) {
        tap_diag("%d:%d %s", e.line, e.column, e.text);
        return tap_done();
    }
    test_getters(o);
    json_decref(o);

    /* A programmatically built string with an embedded NUL is refused. */
    json_t *t = json_object();
    (void)json_object_set_new(t, "s", json_stringn("a\0b", 3));
    const char *s = NULL;
    tap_int_eq(sg17_json_get_str(t, "s", 10, &s, NULL, &e), SG17_E_FORMAT, "embedded NUL");
    json_decref(t);
    test_canonical();
    return tap_done();
}
