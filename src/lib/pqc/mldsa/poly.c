/*
 * ML-DSA polynomial arithmetic in R_q = Z_q[X]/(X^256 + 1), q = 8380417
 * (FIPS 204 §7.5 NTT, Appendix A Montgomery reduction) and the rounding
 * functions of §7.4. Every function here runs in time independent of the
 * coefficient values: reductions use multiply-shift, never `/` or `%`.
 */
#include "mldsa_internal.h"

/* The NTT and pointwise loops are built twice on x86-64 (baseline and
 * x86-64-v3, where GCC vectorises them with AVX2); the loader picks one by
 * CPU (function multiversioning), as for Keccak. Same results, no branches. */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && \
    !defined(__SANITIZE_ADDRESS__)
#define MLDSA_MULTIVERSION __attribute__((target_clones("default", "arch=x86-64-v3")))
#else
#define MLDSA_MULTIVERSION
#endif

/*
 * zetas[m] = zeta^BitRev8(m) * 2^32 mod q, centred, zeta = 1753 the 512-th
 * root of unity of FIPS 204 §7.5 (table of Appendix B, in Montgomery form).
 * Computed by us from zeta; zetas[0] is unused.
 */
static const int32_t zetas[MLDSA_N] = {
    -4186625, 25847, -2608894, -518909, 237124, -777960, -876248, 466468,
    1826347, 2353451, -359251, -2091905, 3119733, -2884855, 3111497, 2680103,
    2725464, 1024112, -1079900, 3585928, -549488, -1119584, 2619752, -2108549,
    -2118186, -3859737, -1399561, -3277672, 1757237, -19422, 4010497, 280005,
    2706023, 95776, 3077325, 3530437, -1661693, -3592148, -2537516, 3915439,
    -3861115, -3043716, 3574422, -2867647, 3539968, -300467, 2348700, -539299,
    -1699267, -1643818, 3505694, -3821735, 3507263, -2140649, -1600420, 3699596,
    811944, 531354, 954230, 3881043, 3900724, -2556880, 2071892, -2797779,
    -3930395, -1528703, -3677745, -3041255, -1452451, 3475950, 2176455, -1585221,
    -1257611, 1939314, -4083598, -1000202, -3190144, -3157330, -3632928, 126922,
    3412210, -983419, 2147896, 2715295, -2967645, -3693493, -411027, -2477047,
    -671102, -1228525, -22981, -1308169, -381987, 1349076, 1852771, -1430430,
    -3343383, 264944, 508951, 3097992, 44288, -1100098, 904516, 3958618,
    -3724342, -8578, 1653064, -3249728, 2389356, -210977, 759969, -1316856,
    189548, -3553272, 3159746, -1851402, -2409325, -177440, 1315589, 1341330,
    1285669, -1584928, -812732, -1439742, -3019102, -3881060, -3628969, 3839961,
    2091667, 3407706, 2316500, 3817976, -3342478, 2244091, -2446433, -3562462,
    266997, 2434439, -1235728, 3513181, -3520352, -3759364, -1197226, -3193378,
    900702, 1859098, 909542, 819034, 495491, -1613174, -43260, -522500,
    -655327, -3122442, 2031748, 3207046, -3556995, -525098, -768622, -3595838,
    342297, 286988, -2437823, 4108315, 3437287, -3342277, 1735879, 203044,
    2842341, 2691481, -2590150, 1265009, 4055324, 1247620, 2486353, 1595974,
    -3767016, 1250494, 2635921, -3548272, -2994039, 1869119, 1903435, -1050970,
    -1333058, 1237275, -3318210, -1430225, -451100, 1312455, 3306115, -1962642,
    -1279661, 1917081, -2546312, -1374803, 1500165, 777191, 2235880, 3406031,
    -542412, -2831860, -1671176, -1846953, -2584293, -3724270, 594136, -3776993,
    -2013608, 2432395, 2454455, -164721, 1957272, 3369112, 185531, -1207385,
    -3183426, 162844, 1616392, 3014001, 810149, 1652634, -3694233, -1799107,
    -3038916, 3523897, 3866901, 269760, 2213111, -975884, 1717735, 472078,
    -426683, 1723600, -1803090, 1910376, -1667432, -1104333, -260646, -3833893,
    -2939036, -2235985, -420899, -2286327, 183443, -976891, 1612842, -3545687,
    -554416, 3919660, -48306, -1362209, 3937738, 1400424, -846154, 1976782,
};

/* a * 2^-32 mod q for |a| < 2^31 q; result in (-q, q). */
int32_t mldsa_montgomery_reduce(int64_t a)
{
    int32_t t = (int32_t)((uint32_t)a * (uint32_t)MLDSA_QINV);
    return (int32_t)((a - (int64_t)t * MLDSA_Q) >> 32);
}

/* a mod q in [-6283008, 6283008] for a <= 2^31 - 2^22 - 1. */
int32_t mldsa_reduce32(int32_t a)
{
    int32_t t = (a + (1 << 22)) >> 23;
    return a - t * MLDSA_Q;
}

/* All ones if x < 0, else 0: the sign bit spread without a signed shift
 * (whose result C leaves implementation-defined). */
static inline int32_t sign_mask(int32_t x)
{
    return (int32_t)(0U - ((uint32_t)x >> 31));
}

/* Add q if a is negative (mask, no branch). */
int32_t mldsa_caddq(int32_t a)
{
    return a + (sign_mask(a) & MLDSA_Q);
}

/* FIPS 204 Alg. 41 (NTT), zetas in Montgomery form. Input |c| < q,
 * output |c| < 9q (no intermediate reduction). */
MLDSA_MULTIVERSION
void mldsa_poly_ntt(mldsa_poly *a)
{
    unsigned m = 0;
    /* Group counts are shifts: some compilers turn a `start += 2 * len`
     * loop bound into a (public, but scanner-visible) div instruction. */
    for (unsigned lg = 8; lg-- > 0;) {
        const unsigned len = 1u << lg;
        for (unsigned g = 0; g < (128u >> lg); g++) {
            const unsigned start = g << (lg + 1);
            int64_t z = zetas[++m];
            for (unsigned j = start; j < start + len; j++) {
                int32_t t = mldsa_montgomery_reduce(z * a->c[j + len]);
                a->c[j + len] = a->c[j] - t;
                a->c[j] = a->c[j] + t;
            }
        }
    }
}

/* FIPS 204 Alg. 42 (NTT^-1), then multiply by 2^64/256 mod q so that the
 * Montgomery factor 2^-32 of a preceding pointwise product cancels.
 * Input |c| < q, output |c| < q. */
MLDSA_MULTIVERSION
void mldsa_poly_invntt_tomont(mldsa_poly *a)
{
    const int64_t f = 41978; /* 2^64 / 256 mod q */
    unsigned m = MLDSA_N;
    for (unsigned lg = 0; lg < 8; lg++) {
        const unsigned len = 1u << lg;
        for (unsigned g = 0; g < (128u >> lg); g++) {
            const unsigned start = g << (lg + 1);
            int64_t z = -zetas[--m];
            for (unsigned j = start; j < start + len; j++) {
                int32_t t = a->c[j];
                a->c[j] = t + a->c[j + len];
                a->c[j + len] = mldsa_montgomery_reduce(z * (t - a->c[j + len]));
            }
        }
    }
    for (unsigned j = 0; j < MLDSA_N; j++)
        a->c[j] = mldsa_montgomery_reduce(f * a->c[j]);
}

/* r (+)= a o b * 2^-32 (Alg. 45 MultiplyNTT with Montgomery reduction). */
MLDSA_MULTIVERSION
void mldsa_poly_pointwise_acc(mldsa_poly *r, const mldsa_poly *a, const mldsa_poly *b, int first)
{
    for (unsigned j = 0; j < MLDSA_N; j++) {
        int32_t t = mldsa_montgomery_reduce((int64_t)a->c[j] * b->c[j]);
        r->c[j] = first ? t : r->c[j] + t;
    }
}

void mldsa_poly_reduce(mldsa_poly *a)
{
    for (unsigned j = 0; j < MLDSA_N; j++)
        a->c[j] = mldsa_reduce32(a->c[j]);
}

void mldsa_poly_caddq(mldsa_poly *a)
{
    for (unsigned j = 0; j < MLDSA_N; j++)
        a->c[j] = mldsa_caddq(a->c[j]);
}

void mldsa_poly_add(mldsa_poly *r, const mldsa_poly *a, const mldsa_poly *b)
{
    for (unsigned j = 0; j < MLDSA_N; j++)
        r->c[j] = a->c[j] + b->c[j];
}

void mldsa_poly_sub(mldsa_poly *r, const mldsa_poly *a, const mldsa_poly *b)
{
    for (unsigned j = 0; j < MLDSA_N; j++)
        r->c[j] = a->c[j] - b->c[j];
}

void mldsa_poly_shiftl(mldsa_poly *a)
{
    for (unsigned j = 0; j < MLDSA_N; j++)
        a->c[j] = (int32_t)((uint32_t)a->c[j] << MLDSA_D);
}

uint32_t mldsa_poly_chknorm(const mldsa_poly *a, int32_t bound)
{
    uint32_t bad = 0;
    for (unsigned j = 0; j < MLDSA_N; j++) {
        int32_t x = a->c[j];
        int32_t s = sign_mask(x);
        int32_t absx = (x ^ s) - s;
        /* all-ones iff absx >= bound */
        bad |= (uint32_t)sign_mask(bound - 1 - absx);
    }
    return bad & 1U;
}

/* FIPS 204 Alg. 35 Power2Round: a in [0, q) -> a1 * 2^d + a0, a0 in (-2^12, 2^12]. */
void mldsa_power2round(int32_t *a1, int32_t *a0, int32_t a)
{
    int32_t hi = (a + (1 << (MLDSA_D - 1)) - 1) >> MLDSA_D;
    *a1 = hi;
    *a0 = a - (hi << MLDSA_D);
}

/*
 * FIPS 204 Alg. 36 Decompose for a in [0, q): returns r1, sets *a0 = r0 with
 * a = r1 * 2 gamma2 + r0, r0 in (-gamma2, gamma2], and the special case
 * a - r0 = q - 1 mapped to r1 = 0, r0 = r0 - 1. The division by 2 gamma2 is
 * a multiply-shift: with b = ceil(a / 128), 2 gamma2 = 4092 * 128 or
 * 1488 * 128 and b * 1025 / 2^22 ~ b / 4092, b * 11275 / 2^24 ~ b / 1488
 * (exact on the whole range; checked exhaustively by tests/unit/mldsa_internal.c).
 */
int32_t mldsa_decompose(int32_t *a0, int32_t a, int32_t gamma2)
{
    int32_t a1 = (a + 127) >> 7;
    if (gamma2 == (MLDSA_Q - 1) / 32) { /* public parameter, not data */
        a1 = (a1 * 1025 + (1 << 21)) >> 22;
        a1 &= 15; /* r1 = 16 only in the q-1 corner case: becomes 0 */
    } else {
        a1 = (a1 * 11275 + (1 << 23)) >> 24;
        a1 ^= sign_mask(43 - a1) & a1; /* 44 -> 0 */
    }
    int32_t r0 = a - a1 * 2 * gamma2;
    r0 -= sign_mask((MLDSA_Q - 1) / 2 - r0) & MLDSA_Q;
    *a0 = r0;
    return a1;
}

/* FIPS 204 Alg. 40 UseHint (verification only: operates on public data). */
int32_t mldsa_use_hint(int32_t a, int32_t hint, int32_t gamma2)
{
    int32_t a0;
    int32_t a1 = mldsa_decompose(&a0, a, gamma2);
    if (hint == 0)
        return a1;
    if (gamma2 == (MLDSA_Q - 1) / 32)
        return (a0 > 0) ? ((a1 + 1) & 15) : ((a1 - 1) & 15);
    if (a0 > 0)
        return (a1 == 43) ? 0 : a1 + 1;
    return (a1 == 0) ? 43 : a1 - 1;
}
