/*
 * 4-way Keccak (sg17_keccakx4_*): each of the four instances equals a
 * separate SHAKE128/SHAKE256/SHA3-256 sponge, with AVX2 on and off, for
 * random messages of random lengths (several blocks, block boundaries) and
 * several squeezed blocks; absorb_once_ex with per-instance lengths and
 * domain bytes; and the raw permutation against the scalar one.
 */
#include <string.h>

#include "sg17/cpu.h"
#include "sg17/keccak.h"
#include "tap.h"

static void rand_bytes(uint8_t *b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        b[i] = (uint8_t)tap_rand_u64();
}

static void scalar(uint32_t rate, uint8_t ds, const uint8_t *in, size_t len, uint8_t *out,
                   size_t outlen)
{
    sg17_keccak_ctx c;
    if (rate == SG17_SHAKE128_RATE)
        sg17_shake128_init(&c);
    else if (ds == 0x1F)
        sg17_shake256_init(&c);
    else
        sg17_sha3_256_init(&c);
    sg17_keccak_absorb(&c, in, len);
    sg17_keccak_finalize(&c);
    sg17_keccak_squeeze(&c, out, outlen);
}

static int one_case(int avx2)
{
    static const struct {
        uint32_t rate;
        uint8_t ds;
    } modes[] = {{SG17_SHAKE128_RATE, 0x1F}, {SG17_SHAKE256_RATE, 0x1F}, {SG17_SHA3_256_RATE, 0x06}};
    uint8_t in[4][600], got[4][3 * SG17_SHAKE128_RATE], want[3 * SG17_SHAKE128_RATE];
    const unsigned m = (unsigned)(tap_rand_u64() % 3);
    const uint32_t rate = modes[m].rate;
    size_t len = (size_t)(tap_rand_u64() % 600);
    if ((tap_rand_u64() & 3) == 0)
        len = rate * (size_t)(tap_rand_u64() % 4) - (size_t)(tap_rand_u64() % 2); /* boundary */
    if (len > 600)
        len = 0;
    const size_t nb = 1 + (size_t)(tap_rand_u64() % 3);
    sg17_keccakx4_ctx c;
    int ok = 1;
    for (unsigned j = 0; j < 4; j++)
        rand_bytes(in[j], len);
    sg17_cpu_set_avx2(avx2);
    sg17_keccakx4_absorb_once(&c, rate, modes[m].ds, in[0], in[1], in[2], in[3], len);
    sg17_keccakx4_squeezeblocks(&c, rate, got[0], got[1], got[2], got[3], nb);
    sg17_keccakx4_wipe(&c);
    for (unsigned j = 0; j < 4; j++) {
        scalar(rate, modes[m].ds, in[j], len, want, nb * rate);
        ok &= memcmp(got[j], want, nb * rate) == 0;
    }
    return ok;
}

/* absorb_once_ex: per-instance lengths and domain bytes (SHA3-256 next to SHAKE256), and the
 * refusal of lengths with different block counts. */
static void ex_cases(int avx2)
{
    uint8_t in[4][1700], got[4][SG17_SHAKE256_RATE], want[SG17_SHAKE256_RATE];
    unsigned ok = 0;
    const unsigned n = 200;
    sg17_cpu_set_avx2(avx2);
    for (unsigned t = 0; t < n; t++) {
        const size_t blocks = (size_t)(tap_rand_u64() % 12);
        const uint8_t ds[4] = {0x06, 0x1F, (tap_rand_u64() & 1) ? 0x06 : 0x1F, 0x1F};
        const uint8_t *const ins[4] = {in[0], in[1], in[2], in[3]};
        size_t len[4];
        sg17_keccakx4_ctx c;
        int same = 1;
        for (unsigned j = 0; j < 4; j++) {
            len[j] = blocks * SG17_SHAKE256_RATE + (size_t)(tap_rand_u64() % SG17_SHAKE256_RATE);
            rand_bytes(in[j], len[j]);
        }
        if (sg17_keccakx4_absorb_once_ex(&c, SG17_SHAKE256_RATE, ds, ins, len) != 0)
            continue;
        sg17_keccakx4_squeezeblocks(&c, SG17_SHAKE256_RATE, got[0], got[1], got[2], got[3], 1);
        for (unsigned j = 0; j < 4; j++) {
            scalar(SG17_SHAKE256_RATE, ds[j], in[j], len[j], want, sizeof want);
            same &= memcmp(got[j], want, sizeof want) == 0;
        }
        ok += (unsigned)same;
    }
    tap_ok(ok == n, "absorb_once_ex == 4 scalar sponges, AVX2 %s (%u/%u)", avx2 ? "on" : "off", ok,
           n);
    {
        const uint8_t ds[4] = {0x1F, 0x1F, 0x1F, 0x1F};
        const uint8_t *const ins[4] = {in[0], in[1], in[2], in[3]};
        const size_t len[4] = {135, 136, 10, 10}; /* 0 vs 1 whole blocks */
        sg17_keccakx4_ctx c;
        tap_int_eq(sg17_keccakx4_absorb_once_ex(&c, SG17_SHAKE256_RATE, ds, ins, len),
                   SG17_E_INVAL, "different block counts refused");
        tap_int_eq(sg17_keccakx4_absorb_once_ex(&c, 100, ds, ins, len), SG17_E_INVAL,
                   "rate not a multiple of 8 refused");
    }
}

int main(void)
{
    const int has_avx2 = sg17_cpu_set_avx2(1);
    tap_rand_seed(0x4ec4ac);
    for (int avx2 = 0; avx2 <= has_avx2; avx2++) {
        unsigned ok = 0;
        const unsigned n = 500;
        for (unsigned t = 0; t < n; t++)
            ok += (unsigned)one_case(avx2);
        tap_ok(ok == n, "x4 sponge == 4 scalar sponges, AVX2 %s (%u/%u)", avx2 ? "on" : "off", ok,
               n);

        uint64_t s4[25][4], s1[4][25];
        for (unsigned i = 0; i < 25; i++)
            for (unsigned j = 0; j < 4; j++)
                s4[i][j] = s1[j][i] = tap_rand_u64();
        sg17_cpu_set_avx2(avx2);
        for (unsigned r = 0; r < 3; r++) {
            sg17_keccak_f1600x4(s4);
            for (unsigned j = 0; j < 4; j++)
                sg17_keccak_f1600(s1[j]);
        }
        int same = 1;
        for (unsigned i = 0; i < 25; i++)
            for (unsigned j = 0; j < 4; j++)
                same &= s4[i][j] == s1[j][i];
        tap_ok(same, "f1600x4 == 4 x f1600 (AVX2 %s)", avx2 ? "on" : "off");
        ex_cases(avx2);
    }
    if (!has_avx2)
        tap_diag("CPU without AVX2: only the portable x4 path was tested");
    sg17_cpu_set_avx2(1);
    return tap_done();
}
