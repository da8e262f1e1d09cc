/*
 * ML-DSA internals against straightforward (division-based, variable-time)
 * transcriptions of FIPS 204: Decompose (Alg. 36) and Power2Round (Alg. 35)
 * exhaustively over [0, q) for both gamma2 values, UseHint (Alg. 40), the
 * NTT product against schoolbook multiplication in Z_q[X]/(X^256 + 1), and
 * the bit-packing round trips of §7.1.
 */
#include <string.h>

#include "pqc/mldsa/mldsa_internal.h"
#include "tap.h"

static int32_t modq(int64_t a)
{
    int64_t r = a % MLDSA_Q;
    return (int32_t)(r < 0 ? r + MLDSA_Q : r);
}

/* Alg. 36 as written. */
static int32_t ref_decompose(int32_t *r0, int32_t r, int32_t g2)
{
    int32_t m = r % (2 * g2);
    if (m > g2)
        m -= 2 * g2;
    if (r - m == MLDSA_Q - 1) {
        *r0 = m - 1;
        return 0;
    }
    *r0 = m;
    return (r - m) / (2 * g2);
}

static void test_decompose(int32_t g2)
{
    unsigned long bad = 0, badh = 0;
    const int32_t m = (MLDSA_Q - 1) / (2 * g2);
    for (int32_t r = 0; r < MLDSA_Q; r++) {
        int32_t a0, b0;
        int32_t a1 = mldsa_decompose(&a0, r, g2);
        int32_t b1 = ref_decompose(&b0, r, g2);
        if (a1 != b1 || a0 != b0)
            bad++;
        if ((r & 1023) == 0) { /* UseHint on a sample */
            for (int32_t h = 0; h < 2; h++) {
                int32_t want = b1;
                if (h == 1)
                    want = b0 > 0 ? (b1 + 1) % m : (b1 - 1 + m) % m;
                if (mldsa_use_hint(r, h, g2) != want)
                    badh++;
            }
        }
    }
    tap_ok(bad == 0, "Decompose matches Alg. 36 on all of [0, q) (gamma2 = %d): %lu mismatches",
           (int)g2, bad);
    tap_ok(badh == 0, "UseHint matches Alg. 40 (gamma2 = %d)", (int)g2);
}

static void test_power2round(void)
{
    unsigned long bad = 0;
    for (int32_t r = 0; r < MLDSA_Q; r++) {
        int32_t a1, a0;
        mldsa_power2round(&a1, &a0, r);
        int32_t m = r % (1 << MLDSA_D);
        if (m > (1 << (MLDSA_D - 1)))
            m -= 1 << MLDSA_D;
        if (a0 != m || a1 != (r - m) >> MLDSA_D)
            bad++;
    }
    tap_ok(bad == 0, "Power2Round matches Alg. 35 on all of [0, q)");
}

static void test_ntt_product(void)
{
    static mldsa_poly a, b, ah, bh, c;
    static int64_t ref[MLDSA_N];
    int ok = 1;
    tap_rand_seed(204);
    for (int round = 0; round < 20 && ok; round++) {
        for (int i = 0; i < MLDSA_N; i++) {
            a.c[i] = (int32_t)(tap_rand_u64() % MLDSA_Q) - (MLDSA_Q - 1) / 2;
            b.c[i] = (int32_t)(tap_rand_u64() % MLDSA_Q) - (MLDSA_Q - 1) / 2;
        }
        memset(ref, 0, sizeof ref);
        for (int i = 0; i < MLDSA_N; i++) {
            for (int j = 0; j < MLDSA_N; j++) {
                int64_t p = modq((int64_t)a.c[i] * b.c[j]);
                if (i + j < MLDSA_N)
                    ref[i + j] = modq(ref[i + j] + p);
                else
                    ref[i + j - MLDSA_N] = modq(ref[i + j - MLDSA_N] - p);
            }
        }
        ah = a;
        bh = b;
        mldsa_poly_ntt(&ah);
        mldsa_poly_ntt(&bh);
        mldsa_poly_pointwise_acc(&c, &ah, &bh, 1);
        mldsa_poly_reduce(&c);
        mldsa_poly_invntt_tomont(&c);
        for (int i = 0; i < MLDSA_N; i++)
            ok &= modq(c.c[i]) == ref[i];
    }
    tap_ok(ok, "NTT^-1(NTT(a) o NTT(b)) equals the negacyclic schoolbook product");
}

static void test_packing(void)
{
    const mldsa_params *p65 = mldsa_params_get(SG17_MLDSA_65);
    const mldsa_params *p44 = mldsa_params_get(SG17_MLDSA_44);
    static mldsa_poly a, b;
    uint8_t buf[640];
    int ok = 1;
    for (int round = 0; round < 50; round++) {
        for (int i = 0; i < MLDSA_N; i++)
            a.c[i] = (int32_t)(tap_rand_u64() % (2 * (1 << 19))) - (1 << 19) + 1;
        mldsa_pack_z(buf, &a, p65->gamma1);
        mldsa_unpack_z(&b, buf, p65->gamma1);
        ok &= memcmp(&a, &b, sizeof a) == 0;
        for (int i = 0; i < MLDSA_N; i++)
            a.c[i] = (int32_t)(tap_rand_u64() % (2 * (1 << 17))) - (1 << 17) + 1;
        mldsa_pack_z(buf, &a, p44->gamma1);
        mldsa_unpack_z(&b, buf, p44->gamma1);
        ok &= memcmp(&a, &b, sizeof a) == 0;
        for (int i = 0; i < MLDSA_N; i++)
            a.c[i] = (int32_t)(tap_rand_u64() % 8192) - 4095;
        mldsa_pack_t0(buf, &a);
        mldsa_unpack_t0(&b, buf);
        ok &= memcmp(&a, &b, sizeof a) == 0;
        for (int i = 0; i < MLDSA_N; i++)
            a.c[i] = (int32_t)(tap_rand_u64() % 1024);
        mldsa_pack_t1(buf, &a);
        mldsa_unpack_t1(&b, buf);
        ok &= memcmp(&a, &b, sizeof a) == 0;
        for (unsigned eta = 2; eta <= 4; eta += 2) {
            for (int i = 0; i < MLDSA_N; i++)
                a.c[i] = (int32_t)(tap_rand_u64() % (2 * eta + 1)) - (int32_t)eta;
            mldsa_pack_eta(buf, &a, eta);
            ok &= mldsa_unpack_eta(&b, buf, eta) == 0;
            ok &= memcmp(&a, &b, sizeof a) == 0;
        }
    }
    tap_ok(ok, "z/t0/t1/eta BitPack and BitUnpack are inverse");
    /* eta = 2 code 7 means coefficient -5: must be flagged */
    memset(buf, 0xFF, 96);
    tap_ok(mldsa_unpack_eta(&b, buf, 2) != 0, "skDecode flags s coefficients outside [-eta, eta]");
}

static void test_hint_unpack(void)
{
    const mldsa_params *p = mldsa_params_get(SG17_MLDSA_44); /* omega 80, k 4 */
    static mldsa_polyvec_k h, h2;
    uint8_t y[84];
    memset(&h, 0, sizeof h);
    h.v[0].c[3] = h.v[0].c[200] = h.v[2].c[0] = h.v[3].c[255] = 1;
    mldsa_pack_hint(y, &h, p);
    tap_ok(mldsa_unpack_hint(&h2, y, p) == 0 && memcmp(&h, &h2, 4 * sizeof h.v[0]) == 0,
           "HintBitPack / HintBitUnpack round trip");
    uint8_t z[84];
    memcpy(z, y, sizeof z);
    z[0] = 200;
    z[1] = 3; /* indices not increasing */
    tap_ok(mldsa_unpack_hint(&h2, z, p) != 0, "hint indices out of order rejected");
    memcpy(z, y, sizeof z);
    z[80 + 3] = 81; /* count beyond omega */
    tap_ok(mldsa_unpack_hint(&h2, z, p) != 0, "hint count > omega rejected");
    memcpy(z, y, sizeof z);
    z[80 + 1] = 1; /* cumulative count decreases */
    tap_ok(mldsa_unpack_hint(&h2, z, p) != 0, "decreasing hint counts rejected");
    memcpy(z, y, sizeof z);
    z[70] = 5; /* non-zero padding */
    tap_ok(mldsa_unpack_hint(&h2, z, p) != 0, "non-zero hint padding rejected");
}

int main(void)
{
    test_decompose((MLDSA_Q - 1) / 88);
    test_decompose((MLDSA_Q - 1) / 32);
    test_power2round();
    test_ntt_product();
    test_packing();
    test_hint_unpack();
    return tap_done();
}
