/*
 * TAXII 2.1 timestamps (TAXII 2.1 3.1, STIX 2.1 3.2): RFC 3339 in UTC with
 * "Z", optional fraction. Kept as microseconds since the Unix epoch, the
 * precision TAXII uses for date_added.
 */
#include <string.h>

#include "sg17/taxii.h"

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian; Howard Hinnant's method). */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
    int64_t era;
    unsigned yoe, doy, doe;
    y -= m <= 2;
    era = (y >= 0 ? y : y - 399) / 400;
    yoe = (unsigned)(y - era * 400);
    doy = (153u * (m + (m > 2 ? (unsigned)-3 : 9u)) + 2u) / 5u + d - 1u;
    doe = yoe * 365u + yoe / 4u - yoe / 100u + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
    int64_t era;
    unsigned doe, yoe, doy, mp;
    z += 719468;
    era = (z >= 0 ? z : z - 146096) / 146097;
    doe = (unsigned)(z - era * 146097);
    yoe = (doe - doe / 1460u + doe / 36524u - doe / 146096u) / 365u;
    doy = doe - (365u * yoe + yoe / 4u - yoe / 100u);
    mp = (5u * doy + 2u) / 153u;
    *d = doy - (153u * mp + 2u) / 5u + 1u;
    *m = mp < 10 ? mp + 3u : mp - 9u;
    *y = (int64_t)yoe + era * 400 + (*m <= 2);
}

static int digits(const char *s, size_t n, unsigned *out)
{
    unsigned v = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10u + (unsigned)(s[i] - '0');
    }
    *out = v;
    return 0;
}

static unsigned month_days(unsigned y, unsigned m)
{
    static const unsigned char md[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
        return 29;
    return md[m - 1];
}

int sg17_taxii_time_parse(const char *s, size_t len, int64_t *us)
{
    unsigned y, mo, d, h, mi, se, frac = 0, scale = 1000000;
    size_t i;

    if (s == NULL || us == NULL || len < 20 || s[len - 1] != 'Z')
        return SG17_E_FORMAT;
    if (s[4] != '-' || s[7] != '-' || (s[10] != 'T' && s[10] != 't') || s[13] != ':' ||
        s[16] != ':')
        return SG17_E_FORMAT;
    if (digits(s, 4, &y) || digits(s + 5, 2, &mo) || digits(s + 8, 2, &d) ||
        digits(s + 11, 2, &h) || digits(s + 14, 2, &mi) || digits(s + 17, 2, &se))
        return SG17_E_FORMAT;
    if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > month_days(y, mo) || h > 23 || mi > 59 ||
        se > 60)
        return SG17_E_FORMAT;
    i = 19;
    if (s[i] == '.') {
        size_t nd = 0;
        i++;
        while (i < len - 1 && s[i] >= '0' && s[i] <= '9') {
            if (nd < 6) {
                scale /= 10u;
                frac += (unsigned)(s[i] - '0') * scale;
            }
            nd++;
            i++;
        }
        if (nd == 0 || nd > 9)
            return SG17_E_FORMAT;
    }
    if (i != len - 1)
        return SG17_E_FORMAT;
    if (se == 60) /* a leap second counts as the next second's start */
        se = 59, frac = 999999;
    *us = ((days_from_civil(y, mo, d) * 86400 + (int64_t)h * 3600 + (int64_t)mi * 60 + se) *
           1000000) +
          frac;
    return 0;
}

void sg17_taxii_time_format(int64_t us, char out[SG17_TAXII_TIME_LEN])
{
    int64_t secs, days, y;
    unsigned m, d, rem, frac;
    char *p = out;

    if (us < 0)
        us = 0;
    secs = us / 1000000;
    frac = (unsigned)(us % 1000000);
    days = secs / 86400;
    rem = (unsigned)(secs % 86400);
    civil_from_days(days, &y, &m, &d);
    if (y > 9999)
        y = 9999;
    /* Fixed-width digits by hand: no printf on a hot path (one per manifest row). */
    unsigned f[7] = {(unsigned)y, m, d, rem / 3600u, rem / 60u % 60u, rem % 60u, frac};
    static const unsigned char width[7] = {4, 2, 2, 2, 2, 2, 6};
    static const char sep[7] = {'-', '-', 'T', ':', ':', '.', 'Z'};
    for (int k = 0; k < 7; k++) {
        unsigned v = f[k];
        for (int w = width[k] - 1; w >= 0; w--) {
            p[w] = (char)('0' + v % 10u);
            v /= 10u;
        }
        p += width[k];
        *p++ = sep[k];
    }
    *p = '\0';
}
