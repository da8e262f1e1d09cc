/*
 * LMS/HSS sign/verify round trips for every LM-OTS type (SHA-256, SHA-256/192,
 * SHAKE256 n = 32/24; W1..W8) and HSS L = 1..8, the in-memory top/subtree
 * split, and verification of malformed input: bad lengths, unknown and
 * mismatched types, q out of range, L mismatch, random garbage. Malformed
 * input must give SG17_E_FORMAT or SG17_E_VERIFY, never success or a crash.
 */
#include <stdlib.h>
#include <string.h>

#include "pqc/lms/lms_internal.h"
#include "sg17/lms.h"
#include "tap.h"

static uint32_t h5_for(uint32_t ots)
{
    const lmots_param *op = sg17_lmots_param(ots);
    /* the H5 LMS type of the same hash and length */
    if (!op->shake)
        return op->n == 32 ? SG17_LMS_SHA256_M32_H5 : SG17_LMS_SHA256_M24_H5;
    return op->n == 32 ? SG17_LMS_SHAKE_M32_H5 : SG17_LMS_SHAKE_M24_H5;
}

static int sign_one(sg17_hss_key *k, const sg17_hss_params *p, const uint8_t *msg, size_t len,
                    uint8_t **sig, size_t *sig_len)
{
    size_t cap = sg17_hss_signature_len(p);
    *sig = malloc(cap);
    return sg17_hss_sign(k, msg, len, *sig, cap, sig_len);
}

static void every_ots_type(void)
{
    for (uint32_t ots = 1; ots <= 16; ots++) {
        sg17_hss_params p = {1, {h5_for(ots)}, {ots}};
        const lmots_param *op = sg17_lmots_param(ots);
        uint8_t seed[32], I[16], pk[SG17_HSS_PUBLIC_KEY_MAX_BYTES];
        size_t pk_len;
        tap_rand_bytes(seed, sizeof seed);
        tap_rand_bytes(I, sizeof I);
        sg17_hss_key *k;
        if (tap_int_eq(sg17_hss_key_new_volatile(&k, &p, seed, op->n, I), 0, "volatile key") == 0)
            continue;
        tap_int_eq(sg17_hss_key_public(k, pk, sizeof pk, &pk_len), 0, "public");
        tap_int_eq((long long)pk_len, (long long)sg17_hss_public_key_len(&p), "pk length");
        /* Appendix A keygen through the other entry point gives the same key
         * (W <= 4 only: a second W8 tree is slow under ASan). */
        uint8_t lpk[SG17_LMS_PUBLIC_KEY_MAX_BYTES];
        size_t lpk_len;
        if (op->w <= 4) {
            tap_int_eq(sg17_lms_public_from_seed(p.lms_type[0], ots, I, seed, op->n, lpk,
                                                 sizeof lpk, &lpk_len),
                       0, "public_from_seed");
            tap_ok(lpk_len + 4 == pk_len && memcmp(lpk, pk + 4, lpk_len) == 0,
                   "ots %u: same public key both ways", ots);
        }
        unsigned ok = 0, rejected = 0;
        for (int j = 0; j < 3; j++) {
            uint8_t msg[33], *sig;
            size_t sl;
            tap_rand_bytes(msg, sizeof msg);
            if (sign_one(k, &p, msg, sizeof msg, &sig, &sl) == 0 &&
                sl == sg17_hss_signature_len(&p)) {
                ok += sg17_hss_verify(pk, pk_len, msg, sizeof msg, sig, sl) == 0;
                ok += sg17_lms_verify(pk + 4, pk_len - 4, msg, sizeof msg, sig + 4, sl - 4) == 0;
                msg[j] ^= 1;
                rejected += sg17_hss_verify(pk, pk_len, msg, sizeof msg, sig, sl) == SG17_E_VERIFY;
                msg[j] ^= 1;
                sig[sl - 1 - (size_t)j * 200] ^= 0x40; /* path node or OTS chain value */
                rejected += sg17_hss_verify(pk, pk_len, msg, sizeof msg, sig, sl) == SG17_E_VERIFY;
            }
            free(sig);
        }
        tap_ok(ok == 6 && rejected == 6,
               "ots type %u: 3 signatures verify (%u/6), changes rejected (%u/6)", ots, ok,
               rejected);
        sg17_hss_key_free(k);
    }
}

static void levels_1_to_8(void)
{
    for (uint32_t L = 1; L <= SG17_HSS_MAX_LEVELS; L++) {
        sg17_hss_params p;
        memset(&p, 0, sizeof p);
        p.levels = L;
        for (uint32_t i = 0; i < L; i++) {
            /* mix SHA-256/192 and SHAKE-256/192 levels */
            p.lms_type[i] = (i % 2) ? SG17_LMS_SHAKE_M24_H5 : SG17_LMS_SHA256_M24_H5;
            p.ots_type[i] = (i % 2) ? SG17_LMOTS_SHAKE_N24_W2 : SG17_LMOTS_SHA256_N24_W4;
        }
        uint8_t seed[24] = {(uint8_t)L}, I[16] = {1, 2, 3}, pk[SG17_HSS_PUBLIC_KEY_MAX_BYTES];
        size_t pk_len;
        sg17_hss_key *k;
        if (tap_int_eq(sg17_hss_key_new_volatile(&k, &p, seed, sizeof seed, I), 0, "new") == 0)
            continue;
        tap_int_eq(sg17_hss_key_public(k, pk, sizeof pk, &pk_len), 0, "public");
        unsigned ok = 0;
        uint8_t *sig = NULL;
        size_t sl = 0;
        /* 40 signatures: crosses a level-(L-2) boundary at 32 when L >= 2 */
        for (int j = 0; j < 40; j++) {
            uint8_t msg[8] = {(uint8_t)j};
            free(sig);
            if (sign_one(k, &p, msg, sizeof msg, &sig, &sl) == 0)
                ok += sg17_hss_verify(pk, pk_len, msg, sizeof msg, sig, sl) == 0;
        }
        unsigned want = L == 1 ? 32 : 40; /* L = 1, H5: 32 signatures in all */
        tap_ok(ok == want, "HSS L=%u: %u signatures verify (%u)", L, want, ok);
        tap_int_eq((long long)sl, (long long)sg17_hss_signature_len(&p), "HSS signature length");
        uint32_t q[SG17_HSS_MAX_LEVELS];
        sg17_hss_key_next(k, q);
        if (L == 1)
            tap_int_eq(sg17_hss_key_remaining(k), 0, "L=1 H5 exhausted after 32");
        else
            tap_ok(q[L - 1] == 8 && q[L - 2] == 1, "L=%u: counter carried into the next level", L);
        /* L mismatch: claim one level more or less in the public key. */
        uint8_t pk2[SG17_HSS_PUBLIC_KEY_MAX_BYTES];
        memcpy(pk2, pk, pk_len);
        if (sl > 0 && ok > 0) {
            pk2[3] = (uint8_t)(L + 1);
            tap_int_eq(
                sg17_hss_verify(pk2, pk_len, (const uint8_t[8]){(uint8_t)(want - 1)}, 8, sig, sl),
                SG17_E_FORMAT, "L+1 in public key");
            pk2[3] = (uint8_t)(L - 1);
            tap_int_eq(
                sg17_hss_verify(pk2, pk_len, (const uint8_t[8]){(uint8_t)(want - 1)}, 8, sig, sl),
                SG17_E_FORMAT, "L-1 in public key");
        }
        free(sig);
        sg17_hss_key_free(k);
    }
}

/* Small top/subtree split (k = 2 for an H5 tree) gives byte-identical
 * signatures to the one-piece tree, for every leaf. */
static void subtree_split(void)
{
    sg17_hss_params p = {1, {SG17_LMS_SHA256_M32_H5}, {SG17_LMOTS_SHA256_N32_W4}};
    uint8_t seed[32] = {7}, I[16] = {9};
    sg17_hss_key *a, *b;
    tap_int_eq(sg17_hss_key_new_volatile(&a, &p, seed, 32, I), 0, "whole tree");
    sg17_lms_subtree_height = 2;
    tap_int_eq(sg17_hss_key_new_volatile(&b, &p, seed, 32, I), 0, "split tree");
    sg17_lms_subtree_height = LMS_SUBTREE_H;
    unsigned same = 0;
    size_t cap = sg17_hss_signature_len(&p);
    uint8_t *s1 = malloc(cap), *s2 = malloc(cap);
    for (int j = 0; j < 32; j++) {
        uint8_t msg[4] = {(uint8_t)j};
        size_t l1, l2;
        if (sg17_hss_sign(a, msg, 4, s1, cap, &l1) == 0 &&
            sg17_hss_sign(b, msg, 4, s2, cap, &l2) == 0)
            same += l1 == l2 && memcmp(s1, s2, l1) == 0;
    }
    tap_int_eq(same, 32, "k=2 split tree signs all 32 leaves identically");
    free(s1);
    free(s2);
    sg17_hss_key_free(a);
    sg17_hss_key_free(b);
}

static void malformed(void)
{
    sg17_hss_params p = {2,
                         {SG17_LMS_SHA256_M24_H5, SG17_LMS_SHA256_M24_H5},
                         {SG17_LMOTS_SHA256_N24_W8, SG17_LMOTS_SHA256_N24_W8}};
    uint8_t seed[24] = {1}, I[16] = {2}, pk[SG17_HSS_PUBLIC_KEY_MAX_BYTES], msg[16] = {3};
    size_t pk_len, sl;
    sg17_hss_key *k;
    uint8_t *sig;
    if (tap_int_eq(sg17_hss_key_new_volatile(&k, &p, seed, 24, I), 0, "key") == 0)
        return;
    tap_int_eq(sg17_hss_key_public(k, pk, sizeof pk, &pk_len), 0, "public");
    tap_int_eq(sign_one(k, &p, msg, sizeof msg, &sig, &sl), 0, "sign");
    tap_int_eq(sg17_hss_verify(pk, pk_len, msg, sizeof msg, sig, sl), 0, "valid");

    size_t sig0 = sg17_lms_signature_len(p.lms_type[0], p.ots_type[0]);
    struct {
        size_t off;
        uint32_t v;
        const char *what;
    } edits[] = {
        {0, 0, "Nspk 0 for L=2"},
        {0, 2, "Nspk 2 for L=2"},
        {0, 0xFFFFFFFFu, "Nspk 2^32-1"},
        {4, 32, "level-0 q = 2^h"},
        {4, 0xFFFFFFFFu, "level-0 q = 2^32-1"},
        {8, 7, "level-0 OTS type of another n"},
        {8, 4, "level-0 OTS type N32 (mismatched with M24)"},
        {8, 0, "OTS type 0"},
        {8, 17, "OTS type 17"},
        {8, 0xFFFFFFFFu, "OTS type 2^32-1"},
        {4 + 4 + 4 + 24 * 27, 11, "level-0 LMS type H10 (longer than the data)"},
        {4 + 4 + 4 + 24 * 27, 5, "level-0 LMS type M32"},
        {4 + 4 + 4 + 24 * 27, 25, "LMS type 25"},
        {4 + sig0, 15, "signed public key: SHAKE LMS type"},
        {4 + sig0 + 4, 3, "signed public key: OTS type N32 under an M24 LMS type"},
        {4 + sig0 + 4, 13, "signed public key: SHAKE OTS type"},
        {4 + sig0 + 4, 7, "signed public key: OTS W4 (valid type, wrong key)"},
    };
    uint8_t *m = malloc(sl);
    for (size_t e = 0; e < sizeof edits / sizeof edits[0]; e++) {
        memcpy(m, sig, sl);
        lms_u32str(m + edits[e].off, edits[e].v);
        int rc = sg17_hss_verify(pk, pk_len, msg, sizeof msg, m, sl);
        tap_ok(rc == SG17_E_FORMAT || rc == SG17_E_VERIFY, "%s: rejected (%d)", edits[e].what, rc);
    }
    /* Public key edits. */
    uint8_t pk2[SG17_HSS_PUBLIC_KEY_MAX_BYTES];
    const uint32_t Ls[] = {0, 3, 8, 9, 0xFFFFFFFFu};
    for (size_t i = 0; i < sizeof Ls / sizeof Ls[0]; i++) {
        memcpy(pk2, pk, pk_len);
        lms_u32str(pk2, Ls[i]);
        tap_int_eq(sg17_hss_verify(pk2, pk_len, msg, sizeof msg, sig, sl), SG17_E_FORMAT,
                   "public key L mismatch");
    }
    memcpy(pk2, pk, pk_len);
    lms_u32str(pk2 + 4, SG17_LMS_SHA256_M32_H5);
    tap_int_eq(sg17_hss_verify(pk2, pk_len, msg, sizeof msg, sig, sl), SG17_E_FORMAT,
               "public key LMS type M32 with 24-byte root");
    for (size_t n = 0; n < pk_len + 8; n++) {
        int rc = sg17_hss_verify(pk, n, msg, sizeof msg, sig, sl);
        if (n != pk_len && rc != SG17_E_FORMAT) {
            tap_ok(0, "public key length %zu accepted (%d)", n, rc);
            break;
        }
    }
    /* Every single-byte change of the signature: never accepted. */
    unsigned accepted = 0;
    for (size_t i = 0; i < sl; i += 3) {
        memcpy(m, sig, sl);
        m[i] ^= (uint8_t)(1u << (i % 8));
        accepted += sg17_hss_verify(pk, pk_len, msg, sizeof msg, m, sl) == 0;
    }
    tap_int_eq(accepted, 0, "no one-byte change (every 3rd byte) accepted");
    /* Random garbage of random lengths, and random bytes behind valid headers. */
    unsigned bad_rc = 0;
    uint8_t *g = malloc(sl + 64);
    for (int t = 0; t < 3000; t++) {
        size_t n = (size_t)(tap_rand_u64() % (sl + 64));
        tap_rand_bytes(g, n);
        if (t % 2 && n >= 16)
            memcpy(g, sig, 16); /* plausible header */
        int rc = sg17_hss_verify(pk, pk_len, msg, sizeof msg, g, n);
        bad_rc += !(rc == SG17_E_FORMAT || rc == SG17_E_VERIFY);
        rc = sg17_lms_verify(g, n % 80, msg, sizeof msg, g, n);
        bad_rc += !(rc == SG17_E_FORMAT || rc == SG17_E_VERIFY);
    }
    tap_int_eq(bad_rc, 0, "random garbage: only FORMAT/VERIFY");
    tap_int_eq(sg17_hss_verify(NULL, 0, msg, 1, sig, sl), SG17_E_INVAL, "NULL pk");
    tap_int_eq(sg17_hss_verify(pk, pk_len, NULL, 1, sig, sl), SG17_E_INVAL, "NULL msg");
    sg17_hss_params mixed = {1, {SG17_LMS_SHAKE_M32_H5}, {SG17_LMOTS_SHA256_N32_W4}};
    tap_int_eq((long long)sg17_hss_signature_len(&mixed), 0, "mixed hash families refused");
    sg17_hss_key *k2;
    tap_int_eq(sg17_hss_key_new_volatile(&k2, &mixed, seed, 32, I), SG17_E_INVAL,
               "mixed key refused");
    /* sig buffer too small: nothing written, index not consumed */
    uint32_t q1[SG17_HSS_MAX_LEVELS], q2[SG17_HSS_MAX_LEVELS];
    sg17_hss_key_next(k, q1);
    tap_int_eq(sg17_hss_sign(k, msg, 1, m, sl - 1, &sl), SG17_E_INVAL, "small buffer");
    sg17_hss_key_next(k, q2);
    tap_ok(memcmp(q1, q2, sizeof q1) == 0, "index not consumed by a refused call");
    free(g);
    free(m);
    free(sig);
    sg17_hss_key_free(k);
}

int main(void)
{
    tap_rand_seed(20260);
    every_ots_type();
    levels_1_to_8();
    subtree_split();
    malformed();
    return tap_done();
}
