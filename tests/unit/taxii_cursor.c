/*
 * The TAXII `next` cursor (sg17_taxii_cursor_encode/decode): round trip,
 * every single-bit change of the encoded form refused, a cursor under another
 * key, for another listing (kind or scope) or expired refused with the right
 * error, malformed encodings refused; and the timestamps it is built on
 * (known answers computed independently: date -u -d ... +%s).
 */
#include <stdio.h>
#include <string.h>

#include "sg17/taxii.h"
#include "tap.h"

static const uint8_t key[32] = {1,  2,  3,  4,  5,  6,  7,  8,  9,  10, 11, 12, 13, 14, 15, 16,
                                17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32};

static void roundtrip(void)
{
    sg17_taxii_cursor c, d;
    char s[SG17_TAXII_CURSOR_LEN];
    memset(&c, 0, sizeof c);
    c.kind = SG17_TAXII_PAGE_OBJECTS;
    sg17_taxii_scope(c.scope, "trustgroup1", "91a7b528-80eb-42ed-a74d-c6fbd5a26116", NULL);
    c.issued_s = 1700000000;
    c.date_added_us = 1478142659001000;
    c.row = 123456789012345;
    tap_int_eq(sg17_taxii_cursor_encode(key, &c, s), 0, "encode");
    tap_int_eq((long long)strlen(s), 78, "78 base64url characters");
    for (size_t i = 0; s[i]; i++)
        if (!((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= 'a' && s[i] <= 'z') ||
              (s[i] >= '0' && s[i] <= '9') || s[i] == '-' || s[i] == '_')) {
            tap_ok(0, "URL-safe character at %zu", i);
            break;
        }
    memset(&d, 0, sizeof d);
    tap_int_eq(
        sg17_taxii_cursor_decode(key, s, SG17_TAXII_PAGE_OBJECTS, c.scope, 1700000100, 3600, &d), 0,
        "decode");
    tap_ok(d.date_added_us == c.date_added_us && d.row == c.row && d.issued_s == c.issued_s &&
               d.kind == c.kind && memcmp(d.scope, c.scope, 16) == 0,
           "decoded fields equal the encoded ones");

    /* every bit of every character changed: refused (tag or format) */
    {
        int all_refused = 1;
        char t[SG17_TAXII_CURSOR_LEN];
        static const char alpha[] =
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        for (size_t i = 0; s[i]; i++) {
            for (int b = 0; b < 6; b++) {
                const char *p = strchr(alpha, s[i]);
                memcpy(t, s, sizeof t);
                t[i] = alpha[((size_t)(p - alpha)) ^ (1u << b)];
                if (sg17_taxii_cursor_decode(key, t, SG17_TAXII_PAGE_OBJECTS, c.scope, 1700000100,
                                             3600, &d) == 0)
                    all_refused = 0;
            }
        }
        tap_ok(all_refused, "all 468 single-bit changes of the encoding are refused");
    }
    {
        uint8_t k2[32];
        memcpy(k2, key, 32);
        k2[31] ^= 1;
        tap_int_eq(
            sg17_taxii_cursor_decode(k2, s, SG17_TAXII_PAGE_OBJECTS, c.scope, 1700000100, 3600, &d),
            SG17_E_VERIFY, "another server key: SG17_E_VERIFY");
    }
    tap_int_eq(
        sg17_taxii_cursor_decode(key, s, SG17_TAXII_PAGE_MANIFEST, c.scope, 1700000100, 3600, &d),
        SG17_E_VERIFY, "objects cursor on the manifest: SG17_E_VERIFY");
    {
        uint8_t other[16];
        sg17_taxii_scope(other, "trustgroup1", "365fed99-08fa-fdcd-a1b3-fb247eb41d01", NULL);
        tap_int_eq(
            sg17_taxii_cursor_decode(key, s, SG17_TAXII_PAGE_OBJECTS, other, 1700000100, 3600, &d),
            SG17_E_VERIFY, "cursor of another collection: SG17_E_VERIFY");
        sg17_taxii_scope(other, "trustgroup1", "91a7b528-80eb-42ed-a74d-c6fbd5a26116",
                         "indicator--6770298f-0fd8-471a-ab8c-1c658a46574e");
        tap_ok(memcmp(other, c.scope, 16) != 0, "an object id changes the scope");
    }
    tap_int_eq(sg17_taxii_cursor_decode(key, s, SG17_TAXII_PAGE_OBJECTS, c.scope, 1700000000 + 3601,
                                        3600, &d),
               SG17_E_STATE, "older than max age: SG17_E_STATE");
    tap_int_eq(sg17_taxii_cursor_decode(key, s, SG17_TAXII_PAGE_OBJECTS, c.scope, 1700000000 - 3600,
                                        3600, &d),
               SG17_E_STATE, "issued in the future: SG17_E_STATE");
    tap_int_eq(
        sg17_taxii_cursor_decode(key, "", SG17_TAXII_PAGE_OBJECTS, c.scope, 1700000100, 3600, &d),
        SG17_E_FORMAT, "empty: SG17_E_FORMAT");
    {
        char t[SG17_TAXII_CURSOR_LEN + 1];
        memcpy(t, s, 78);
        t[77] = '\0';
        tap_int_eq(sg17_taxii_cursor_decode(key, t, SG17_TAXII_PAGE_OBJECTS, c.scope, 1700000100,
                                            3600, &d),
                   SG17_E_FORMAT, "truncated: SG17_E_FORMAT");
        memcpy(t, s, 79);
        t[10] = '=';
        tap_int_eq(sg17_taxii_cursor_decode(key, t, SG17_TAXII_PAGE_OBJECTS, c.scope, 1700000100,
                                            3600, &d),
                   SG17_E_FORMAT, "non-base64url character: SG17_E_FORMAT");
    }
}

static void times(void)
{
    int64_t us = -1;
    char out[SG17_TAXII_TIME_LEN];
    tap_ok(sg17_taxii_time_parse("1970-01-01T00:00:00Z", 20, &us) == 0 && us == 0, "epoch");
    /* date -u -d 2016-11-03T12:30:59Z +%s = 1478176259 */
    tap_ok(sg17_taxii_time_parse("2016-11-03T12:30:59.001Z", 24, &us) == 0 &&
               us == 1478176259001000LL,
           "2016-11-03T12:30:59.001Z");
    sg17_taxii_time_format(us, out);
    tap_ok(strcmp(out, "2016-11-03T12:30:59.001000Z") == 0, "formatted with 6 digits: %s", out);
    /* date -u -d 2000-02-29T23:59:59Z +%s = 951868799 */
    tap_ok(sg17_taxii_time_parse("2000-02-29T23:59:59.123456789Z", 30, &us) == 0 &&
               us == 951868799123456LL,
           "leap day, nanoseconds truncated to microseconds");
    tap_int_eq(sg17_taxii_time_parse("1900-02-29T00:00:00Z", 20, &us), SG17_E_FORMAT,
               "1900 is not a leap year (and before 1970)");
    tap_int_eq(sg17_taxii_time_parse("2019-02-29T00:00:00Z", 20, &us), SG17_E_FORMAT,
               "2019-02-29 refused");
    tap_int_eq(sg17_taxii_time_parse("2019-01-01T00:00:00", 19, &us), SG17_E_FORMAT, "no Z");
    tap_int_eq(sg17_taxii_time_parse("2019-01-01T00:00:00.Z", 21, &us), SG17_E_FORMAT,
               "empty fraction");
    tap_int_eq(sg17_taxii_time_parse("2019-01-01 00:00:00Z", 20, &us), SG17_E_FORMAT, "space");
    tap_int_eq(sg17_taxii_time_parse("2019-01-01T24:00:00Z", 20, &us), SG17_E_FORMAT, "hour 24");
    sg17_taxii_time_format(253402300799999999LL, out);
    tap_ok(strcmp(out, "9999-12-31T23:59:59.999999Z") == 0, "last representable instant: %s", out);
    tap_ok(sg17_taxii_time_parse(out, strlen(out), &us) == 0 && us == 253402300799999999LL,
           "and back");
}

int main(void)
{
    roundtrip();
    times();
    return tap_done();
}
