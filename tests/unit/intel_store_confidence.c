/* The intel store's confidence formula (docs/INTEL-STORE.md "Confidence"):
 * exact values at chosen points, monotone decay with age, a bounded rise per
 * sighting, and the 0..100 range over a grid of inputs. */
#include <stdint.h>

#include "sg17/intel_store.h"
#include "tap.h"

#define DAY ((int64_t)86400)
#define H   SG17_INTEL_HALF_LIFE_S

static void exact_points(void)
{
    const int64_t t0 = 1700000000;
    tap_int_eq(sg17_intel_confidence(60, 0, t0, t0, H), 60, "base 60, age 0 -> 60");
    tap_int_eq(sg17_intel_confidence(60, 0, t0, t0 + H, H), 30, "one half-life -> 30");
    tap_int_eq(sg17_intel_confidence(60, 0, t0, t0 + 2 * H, H), 15, "two half-lives -> 15");
    tap_int_eq(sg17_intel_confidence(80, 0, t0, t0 + 3 * H, H), 10, "80 after 3 half-lives -> 10");
    tap_int_eq(sg17_intel_confidence(60, 1, t0, t0, H), 68, "one sighting: 100-40*0.8 = 68");
    tap_int_eq(sg17_intel_confidence(60, 2, t0, t0, H), 74, "two sightings: 74.4 -> 74");
    tap_int_eq(sg17_intel_confidence(0, 1, t0, t0, H), 20, "base 0, one sighting -> 20");
    tap_int_eq(sg17_intel_confidence(50, 1000, t0, t0, H), 100, "many sightings -> 100");
    tap_int_eq(sg17_intel_confidence(100, 0, t0, t0 + H / 2, H), 71,
               "100 after half a half-life -> 70.7 -> 71");
    tap_int_eq(sg17_intel_confidence(60, 0, t0 + DAY, t0, H), 60,
               "evidence in the future counts as age 0");
    tap_int_eq(sg17_intel_confidence(60, 0, t0, t0 + H, 0), 30, "half-life 0 means the default");
    tap_int_eq(sg17_intel_confidence(-5, 0, t0, t0, H), 0, "base below 0 clamped");
    tap_int_eq(sg17_intel_confidence(150, 0, t0, t0, H), 100, "base above 100 clamped");
    tap_int_eq(sg17_intel_confidence(100, 0, t0, t0 + 200 * H, H), 0, "very old -> 0");
    tap_int_eq(sg17_intel_confidence(60, 0, t0, t0 + 7 * DAY, 7 * DAY), 30,
               "a 7-day half-life is honoured");
}

static void properties(void)
{
    const int64_t t0 = 1700000000;
    int range_ok = 1, decay_ok = 1, rise_ok = 1, bounded_ok = 1;
    for (int base = 0; base <= 100; base += 5) {
        for (uint64_t n = 0; n < 40; n++) {
            int prev = 101;
            for (int64_t age = 0; age <= 400 * DAY; age += 3 * DAY) {
                int c = sg17_intel_confidence(base, n, t0, t0 + age, H);
                if (c < 0 || c > 100)
                    range_ok = 0;
                if (c > prev)
                    decay_ok = 0;
                prev = c;
            }
            int a = sg17_intel_confidence(base, n, t0, t0, H);
            int b = sg17_intel_confidence(base, n + 1, t0, t0, H);
            if (b < a)
                rise_ok = 0; /* a sighting never lowers confidence */
            if (b - a > 20 + 1)
                bounded_ok = 0; /* at most 20 points (+1 for rounding) per sighting */
            /* the same with age: a sighting never lowers the decayed value either */
            if (sg17_intel_confidence(base, n + 1, t0, t0 + 45 * DAY, H) <
                sg17_intel_confidence(base, n, t0, t0 + 45 * DAY, H))
                rise_ok = 0;
        }
    }
    tap_ok(range_ok, "always within 0..100");
    tap_ok(decay_ok, "monotone non-increasing in age");
    tap_ok(rise_ok, "monotone non-decreasing in sightings");
    tap_ok(bounded_ok, "one sighting raises by at most 20 points");
    /* rises are strictly positive while below 100 (the formula does react) */
    tap_ok(sg17_intel_confidence(50, 1, t0, t0, H) > sg17_intel_confidence(50, 0, t0, t0, H),
           "a sighting raises confidence below 100");
    tap_ok(sg17_intel_confidence(50, 0, t0, t0 + DAY, H) < 50, "one day of age lowers it");
}

int main(void)
{
    exact_points();
    properties();
    return tap_done();
}
