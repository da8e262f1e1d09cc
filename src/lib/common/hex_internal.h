/*
 * One hex digit's value, shared by the library's text parsers (JSON \u
 * escapes, key files, ACVP vectors, SUCI, device state, CAN captures).
 * Internal to src/lib; not part of the public API.
 */
#ifndef SG17_HEX_INTERNAL_H
#define SG17_HEX_INTERNAL_H

/** 0..15 for '0'-'9', 'a'-'f', 'A'-'F'; -1 for anything else (negative
 * values of a signed char included). */
static inline int sg17_hexval(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

#endif
