/*
 * The algorithm table of sg17/pqc.h and the per-family glue: key generation,
 * PKCS#8/SPKI inner encodings and the sign/verify/encaps/decaps routing.
 *
 * Private-key encodings inside PKCS#8 (docs/KEYS.md):
 *   ML-KEM  RFC 9935 / draft-ietf-lamps-kyber-certificates: seed [0] (64 B)
 *           written; seed, expandedKey and both accepted
 *   ML-DSA  RFC 9881: seed [0] (32 B) written; seed and both accepted
 *   SLH-DSA RFC 9909: the raw private key SK.seed||SK.prf||PK.seed||PK.root
 *   Ed25519 RFC 8410: CurvePrivateKey OCTET STRING (32 B)
 *   P-256   RFC 5915 ECPrivateKey with id-ecPublicKey/prime256v1 (RFC 5480)
 *   X-Wing  draft-connolly-cfrg-xwing-kem: the 32-byte seed, raw
 *   ML-DSA-65+Ed25519  draft-ietf-lamps-pq-composite-sigs: mldsaSeed || Ed25519 key, raw
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pqc/pqc_internal.h"
#include "sg17/crypto.h"
#include "sg17/hybrid.h"
#include "sg17/keyfmt.h"
#include "sg17/mldsa.h"
#include "sg17/mlkem.h"
#include "sg17/slhdsa.h"
#include "sg17/xwing.h"

/* OIDs (DER content octets). NIST CSOR: 2.16.840.1.101.3.4.{4,3}.x */
#define NIST_OID(arc, x) {0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, arc, x}
static const uint8_t OID_MLKEM512[] = NIST_OID(0x04, 0x01);
static const uint8_t OID_MLKEM768[] = NIST_OID(0x04, 0x02);
static const uint8_t OID_MLKEM1024[] = NIST_OID(0x04, 0x03);
static const uint8_t OID_MLDSA44[] = NIST_OID(0x03, 0x11);
static const uint8_t OID_MLDSA65[] = NIST_OID(0x03, 0x12);
static const uint8_t OID_MLDSA87[] = NIST_OID(0x03, 0x13);
static const uint8_t OID_SLHDSA[12][9] = {
    NIST_OID(0x03, 0x14), NIST_OID(0x03, 0x15), NIST_OID(0x03, 0x16), NIST_OID(0x03, 0x17),
    NIST_OID(0x03, 0x18), NIST_OID(0x03, 0x19), NIST_OID(0x03, 0x1A), NIST_OID(0x03, 0x1B),
    NIST_OID(0x03, 0x1C), NIST_OID(0x03, 0x1D), NIST_OID(0x03, 0x1E), NIST_OID(0x03, 0x1F),
};
/* id-alg-hss-lms-hashsig 1.2.840.113549.1.9.16.3.17 (RFC 9708) */
static const uint8_t OID_HSS[] = {0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D,
                                  0x01, 0x09, 0x10, 0x03, 0x11};
static const uint8_t OID_ED25519[] = {0x2B, 0x65, 0x70}; /* RFC 8410 */
/* X-Wing 1.3.6.1.4.1.62253.25722 (draft-connolly-cfrg-xwing-kem) */
static const uint8_t OID_XWING[] = {0x2B, 0x06, 0x01, 0x04, 0x01, 0x83,
                                    0xE6, 0x2D, 0x81, 0xC8, 0x7A};
/* id-MLDSA65-Ed25519-SHA512 1.3.6.1.5.5.7.6.48 (draft-ietf-lamps-pq-composite-sigs) */
static const uint8_t OID_MLDSA65_ED25519[] = {0x2B, 0x06, 0x01, 0x05, 0x05, 0x07, 0x06, 0x30};

/* P-256 SPKI prefix (RFC 5480): SEQ { SEQ { id-ecPublicKey, prime256v1 }, BIT STRING } */
static const uint8_t P256_SPKI_PREFIX[] = {
    0x30, 0x59, 0x30, 0x13, 0x06, 0x07, 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x02, 0x01, 0x06,
    0x08, 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x03, 0x01, 0x07, 0x03, 0x42, 0x00};
/* P-256 PKCS#8 prefix: version 0, the same AlgorithmIdentifier, OCTET STRING
 * { ECPrivateKey { version 1, OCTET STRING (32) } } */
static const uint8_t P256_PKCS8_PREFIX[] = {
    0x30, 0x41, 0x02, 0x01, 0x00, 0x30, 0x13, 0x06, 0x07, 0x2A, 0x86, 0x48, 0xCE,
    0x3D, 0x02, 0x01, 0x06, 0x08, 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x03, 0x01, 0x07,
    0x04, 0x27, 0x30, 0x25, 0x02, 0x01, 0x01, 0x04, 0x20};
static const uint8_t P256_ALGID[] = {0x30, 0x13, 0x06, 0x07, 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x02,
                                     0x01, 0x06, 0x08, 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x03,
                                     0x01, 0x07};

#define A(n, f, k, p, o) {n, f, k, p, o, sizeof(o), {0, {0}, {0}}}
static const pqc_alg fixed_algs[] = {
    A("ml-kem-512", FAM_MLKEM, SG17_PQC_KEM, SG17_MLKEM_512, OID_MLKEM512),
    A("ml-kem-768", FAM_MLKEM, SG17_PQC_KEM, SG17_MLKEM_768, OID_MLKEM768),
    A("ml-kem-1024", FAM_MLKEM, SG17_PQC_KEM, SG17_MLKEM_1024, OID_MLKEM1024),
    A("ml-dsa-44", FAM_MLDSA, SG17_PQC_SIG, SG17_MLDSA_44, OID_MLDSA44),
    A("ml-dsa-65", FAM_MLDSA, SG17_PQC_SIG, SG17_MLDSA_65, OID_MLDSA65),
    A("ml-dsa-87", FAM_MLDSA, SG17_PQC_SIG, SG17_MLDSA_87, OID_MLDSA87),
    A("slh-dsa-sha2-128s", FAM_SLHDSA, SG17_PQC_SIG, SG17_SLHDSA_SHA2_128S, OID_SLHDSA[0]),
    A("slh-dsa-sha2-128f", FAM_SLHDSA, SG17_PQC_SIG, SG17_SLHDSA_SHA2_128F, OID_SLHDSA[1]),
    A("slh-dsa-sha2-192s", FAM_SLHDSA, SG17_PQC_SIG, SG17_SLHDSA_SHA2_192S, OID_SLHDSA[2]),
    A("slh-dsa-sha2-192f", FAM_SLHDSA, SG17_PQC_SIG, SG17_SLHDSA_SHA2_192F, OID_SLHDSA[3]),
    A("slh-dsa-sha2-256s", FAM_SLHDSA, SG17_PQC_SIG, SG17_SLHDSA_SHA2_256S, OID_SLHDSA[4]),
    A("slh-dsa-sha2-256f", FAM_SLHDSA, SG17_PQC_SIG, SG17_SLHDSA_SHA2_256F, OID_SLHDSA[5]),
    A("slh-dsa-shake-128s", FAM_SLHDSA, SG17_PQC_SIG, SG17_SLHDSA_SHAKE_128S, OID_SLHDSA[6]),
    A("slh-dsa-shake-128f", FAM_SLHDSA, SG17_PQC_SIG, SG17_SLHDSA_SHAKE_128F, OID_SLHDSA[7]),
    A("slh-dsa-shake-192s", FAM_SLHDSA, SG17_PQC_SIG, SG17_SLHDSA_SHAKE_192S, OID_SLHDSA[8]),
    A("slh-dsa-shake-192f", FAM_SLHDSA, SG17_PQC_SIG, SG17_SLHDSA_SHAKE_192F, OID_SLHDSA[9]),
    A("slh-dsa-shake-256s", FAM_SLHDSA, SG17_PQC_SIG, SG17_SLHDSA_SHAKE_256S, OID_SLHDSA[10]),
    A("slh-dsa-shake-256f", FAM_SLHDSA, SG17_PQC_SIG, SG17_SLHDSA_SHAKE_256F, OID_SLHDSA[11]),
    A("x-wing", FAM_XWING, SG17_PQC_KEM, 0, OID_XWING),
    A("ml-dsa-65+ed25519", FAM_COMPOSITE, SG17_PQC_SIG, 0, OID_MLDSA65_ED25519),
    A("ed25519", FAM_ED25519, SG17_PQC_SIG, 0, OID_ED25519),
    {"p256", FAM_P256, SG17_PQC_SIG, 0, NULL, 0, {0, {0}, {0}}},
};
#define N_FIXED (sizeof fixed_algs / sizeof fixed_algs[0])

static const pqc_alg *p256_alg(void)
{
    for (size_t i = 0; i < N_FIXED; i++)
        if (fixed_algs[i].family == FAM_P256)
            return &fixed_algs[i];
    return NULL;
}

/* Example stateful names shown in listings; any lms-/hss- name parses. */
static const char *const hss_examples[] = {
    "lms-sha256-h10-w4", "lms-sha256-192-h10-w4", "lms-shake256-h10-w4",
    "hss-sha256-h10-w4-h5-w8",
};
#define N_HSS_EX (sizeof hss_examples / sizeof hss_examples[0])

size_t sg17_pqc_alg_count(void)
{
    return N_FIXED + N_HSS_EX;
}

const char *sg17_pqc_alg_name(size_t i)
{
    if (i < N_FIXED)
        return fixed_algs[i].name;
    if (i < N_FIXED + N_HSS_EX)
        return hss_examples[i - N_FIXED];
    return NULL;
}

/* ---- LMS/HSS names: lms-HASH-hH-wW, hss-HASH-hH-wW[-hH-wW...] ----------- */
static int parse_uint(const char **p, unsigned *v)
{
    unsigned x = 0;
    int n = 0;
    while (**p >= '0' && **p <= '9' && n < 3) {
        x = x * 10 + (unsigned)(**p - '0');
        (*p)++;
        n++;
    }
    *v = x;
    return n > 0 ? 0 : -1;
}

static int parse_hss_name(const char *name, sg17_hss_params *hp)
{
    static const struct {
        const char *tag;
        uint32_t lms_base, ots_base;
    } hashes[] = {
        /* longest prefixes first: "sha256-192" before "sha256" */
        {"sha256-192-", SG17_LMS_SHA256_M24_H5, SG17_LMOTS_SHA256_N24_W1},
        {"shake256-192-", SG17_LMS_SHAKE_M24_H5, SG17_LMOTS_SHAKE_N24_W1},
        {"sha256-", SG17_LMS_SHA256_M32_H5, SG17_LMOTS_SHA256_N32_W1},
        {"shake256-", SG17_LMS_SHAKE_M32_H5, SG17_LMOTS_SHAKE_N32_W1},
    };
    int multi;
    const char *p;
    size_t i;

    if (strncmp(name, "lms-", 4) == 0)
        multi = 0;
    else if (strncmp(name, "hss-", 4) == 0)
        multi = 1;
    else
        return SG17_E_UNSUPPORTED;
    p = name + 4;
    for (i = 0; i < sizeof hashes / sizeof hashes[0]; i++)
        if (strncmp(p, hashes[i].tag, strlen(hashes[i].tag)) == 0)
            break;
    if (i == sizeof hashes / sizeof hashes[0])
        return SG17_E_UNSUPPORTED;
    p += strlen(hashes[i].tag);
    memset(hp, 0, sizeof *hp);
    for (;;) {
        unsigned h, w, hi, wi;
        if (hp->levels == SG17_HSS_MAX_LEVELS || *p++ != 'h' || parse_uint(&p, &h) ||
            *p++ != '-' || *p++ != 'w' || parse_uint(&p, &w))
            return SG17_E_UNSUPPORTED;
        if (h % 5 != 0 || h < 5 || h > 25)
            return SG17_E_UNSUPPORTED;
        hi = h / 5 - 1;
        wi = w == 1 ? 0 : w == 2 ? 1 : w == 4 ? 2 : w == 8 ? 3 : 99;
        if (wi == 99)
            return SG17_E_UNSUPPORTED;
        hp->lms_type[hp->levels] = hashes[i].lms_base + hi;
        hp->ots_type[hp->levels] = hashes[i].ots_base + wi;
        hp->levels++;
        if (*p == '\0')
            break;
        if (!multi || *p++ != '-')
            return SG17_E_UNSUPPORTED;
    }
    return sg17_hss_public_key_len(hp) ? 0 : SG17_E_UNSUPPORTED;
}

/* Resolve a name into k->alg (copying the name into the key). */
static int resolve(const char *name, sg17_pqc_key *k)
{
    for (size_t i = 0; i < N_FIXED; i++) {
        if (strcmp(fixed_algs[i].name, name) == 0) {
            k->alg = fixed_algs[i];
            return 0;
        }
    }
    if (strlen(name) >= sizeof k->name_buf)
        return SG17_E_UNSUPPORTED;
    sg17_hss_params hp;
    int rc = parse_hss_name(name, &hp);
    if (rc)
        return rc;
    memcpy(k->name_buf, name, strlen(name) + 1);
    k->alg.name = k->name_buf;
    k->alg.family = FAM_HSS;
    k->alg.kind = SG17_PQC_SIG;
    k->alg.oid = OID_HSS;
    k->alg.oid_len = sizeof OID_HSS;
    k->alg.hss = hp;
    return 0;
}

/* Canonical name of HSS parameters (for keys loaded from files). */
static void hss_name(const sg17_hss_params *hp, char *out, size_t cap)
{
    uint32_t t = hp->lms_type[0], o = hp->ots_type[0];
    const char *hash = t <= 9 ? "sha256" : t <= 14 ? "sha256-192" : t <= 19 ? "shake256"
                                                                              : "shake256-192";
    size_t n = (size_t)snprintf(out, cap, "%s-%s", hp->levels > 1 ? "hss" : "lms", hash);
    for (uint32_t l = 0; l < hp->levels && n < cap; l++) {
        static const unsigned wv[4] = {1, 2, 4, 8};
        t = hp->lms_type[l];
        o = hp->ots_type[l];
        n += (size_t)snprintf(out + n, cap - n, "-h%u-w%u", (unsigned)(((t - 5) % 5 + 1) * 5),
                              wv[(o - 1) % 4]);
    }
}

static sg17_pqc_key *key_new(void)
{
    return calloc(1, sizeof(sg17_pqc_key));
}

static int set_buf(uint8_t **dst, size_t *dst_len, const uint8_t *src, size_t len)
{
    *dst = malloc(len ? len : 1);
    if (!*dst)
        return SG17_E_NOMEM;
    if (src)
        memcpy(*dst, src, len);
    *dst_len = len;
    return 0;
}

/* Derive the public key from the private material (seed forms). */
static int derive_public(sg17_pqc_key *k)
{
    int rc = SG17_E_UNSUPPORTED;
    switch (k->alg.family) {
    case FAM_MLKEM: {
        sg17_mlkem_param p = (sg17_mlkem_param)k->alg.param;
        size_t ekl = sg17_mlkem_publickey_bytes(p), dkl = sg17_mlkem_secretkey_bytes(p);
        if ((rc = set_buf(&k->pk, &k->pk_len, NULL, ekl)) != 0)
            return rc;
        if (k->sk_form == SK_EXPANDED) {
            /* dk = dk_PKE || ek || H(ek) || z (FIPS 203 Alg. 16) */
            size_t off = ekl - 32; /* 384k */
            if (k->sk_len != dkl)
                return SG17_E_FORMAT;
            memcpy(k->pk, k->sk + off, ekl);
            return sg17_mlkem_check_dk(p, k->sk, k->sk_len) == 0 ? 0 : SG17_E_FORMAT;
        }
        uint8_t *dk = malloc(dkl);
        if (!dk)
            return SG17_E_NOMEM;
        rc = sg17_mlkem_seed_expand(p, k->sk, k->sk_len, k->pk, ekl, dk, dkl);
        sg17_memzero(dk, dkl);
        free(dk);
        return rc;
    }
    case FAM_MLDSA: {
        sg17_mldsa_param p = (sg17_mldsa_param)k->alg.param;
        size_t skl = sg17_mldsa_secretkey_bytes(p);
        if (k->sk_form != SK_SEED || k->sk_len != SG17_MLDSA_SEED_BYTES)
            return SG17_E_UNSUPPORTED;
        if ((rc = set_buf(&k->pk, &k->pk_len, NULL, sg17_mldsa_publickey_bytes(p))) != 0)
            return rc;
        uint8_t *sk = malloc(skl);
        if (!sk)
            return SG17_E_NOMEM;
        rc = sg17_mldsa_keygen_from_seed(p, k->sk, k->pk, sk);
        sg17_memzero(sk, skl);
        free(sk);
        return rc;
    }
    case FAM_SLHDSA: {
        sg17_slhdsa_param p = (sg17_slhdsa_param)k->alg.param;
        size_t pkl = sg17_slhdsa_pk_bytes(p);
        if (k->sk_len != sg17_slhdsa_sk_bytes(p))
            return SG17_E_FORMAT;
        /* SK = SK.seed || SK.prf || PK.seed || PK.root (FIPS 205 §9.1) */
        return set_buf(&k->pk, &k->pk_len, k->sk + k->sk_len - pkl, pkl);
    }
    case FAM_ED25519:
        if (k->sk_len != 32 || (rc = set_buf(&k->pk, &k->pk_len, NULL, 32)) != 0)
            return k->sk_len != 32 ? SG17_E_FORMAT : rc;
        return sg17_ed25519_public(k->pk, k->sk);
    case FAM_P256:
        if (k->sk_len != 32 || (rc = set_buf(&k->pk, &k->pk_len, NULL, 65)) != 0)
            return k->sk_len != 32 ? SG17_E_FORMAT : rc;
        return sg17_p256_public(k->pk, k->sk);
    case FAM_XWING:
        if (k->sk_len != SG17_XWING_SECRETKEY_BYTES)
            return SG17_E_FORMAT;
        if ((rc = set_buf(&k->pk, &k->pk_len, NULL, SG17_XWING_PUBLICKEY_BYTES)) != 0)
            return rc;
        return sg17_xwing_keygen_derand(k->pk, k->sk);
    case FAM_COMPOSITE:
        if (k->sk_len != SG17_HYBRID_MLDSA65_ED25519_SECRETKEY_BYTES)
            return SG17_E_FORMAT;
        if ((rc = set_buf(&k->pk, &k->pk_len, NULL,
                          SG17_HYBRID_MLDSA65_ED25519_PUBLICKEY_BYTES)) != 0)
            return rc;
        return sg17_hybrid_mldsa65_ed25519_public(k->pk, k->sk);
    default:
        return SG17_E_UNSUPPORTED;
    }
}

int sg17_pqc_generate(const char *name, const char *key_path, sg17_pqc_key **out)
{
    sg17_pqc_key *k = key_new();
    int rc;
    *out = NULL;
    if (!k)
        return SG17_E_NOMEM;
    if ((rc = resolve(name, k)) != 0)
        goto cleanup;
    k->is_private = 1;
    k->sk_form = SK_SEED;
    switch (k->alg.family) {
    case FAM_MLKEM:
        rc = set_buf(&k->sk, &k->sk_len, NULL, SG17_MLKEM_SEED_BYTES);
        if (rc == 0)
            rc = sg17_randombytes(k->sk, k->sk_len);
        break;
    case FAM_MLDSA:
    case FAM_ED25519:
    case FAM_P256:
        rc = set_buf(&k->sk, &k->sk_len, NULL, 32);
        if (rc == 0 && k->alg.family == FAM_P256)
            rc = sg17_p256_keygen(k->sk, (uint8_t[65]){0}); /* a valid scalar */
        else if (rc == 0 && k->alg.family == FAM_ED25519)
            rc = sg17_ed25519_keygen(k->sk, (uint8_t[32]){0});
        else if (rc == 0)
            rc = sg17_randombytes(k->sk, k->sk_len);
        break;
    case FAM_SLHDSA: {
        sg17_slhdsa_param p = (sg17_slhdsa_param)k->alg.param;
        rc = set_buf(&k->sk, &k->sk_len, NULL, sg17_slhdsa_sk_bytes(p));
        if (rc == 0)
            rc = set_buf(&k->pk, &k->pk_len, NULL, sg17_slhdsa_pk_bytes(p));
        if (rc == 0)
            rc = sg17_slhdsa_keygen(p, k->pk, k->sk);
        goto cleanup;
    }
    case FAM_XWING:
        rc = set_buf(&k->sk, &k->sk_len, NULL, SG17_XWING_SECRETKEY_BYTES);
        if (rc == 0)
            rc = sg17_randombytes(k->sk, k->sk_len);
        break;
    case FAM_COMPOSITE:
        rc = set_buf(&k->sk, &k->sk_len, NULL, SG17_HYBRID_MLDSA65_ED25519_SECRETKEY_BYTES);
        if (rc == 0)
            rc = set_buf(&k->pk, &k->pk_len, NULL, SG17_HYBRID_MLDSA65_ED25519_PUBLICKEY_BYTES);
        if (rc == 0)
            rc = sg17_hybrid_mldsa65_ed25519_keygen(k->pk, k->sk);
        goto cleanup;
    case FAM_HSS: {
        size_t pkl = sg17_hss_public_key_len(&k->alg.hss);
        if (!key_path) {
            rc = SG17_E_INVAL; /* stateful keys live in files */
            goto cleanup;
        }
        rc = set_buf(&k->pk, &k->pk_len, NULL, pkl);
        if (rc == 0)
            rc = sg17_hss_keygen(key_path, &k->alg.hss, NULL, 0, NULL, k->pk, pkl, &k->pk_len);
        goto cleanup;
    }
    default:
        rc = SG17_E_UNSUPPORTED;
    }
    if (rc == 0)
        rc = derive_public(k);
cleanup:
    if (rc) {
        sg17_pqc_key_free(k);
        return rc;
    }
    *out = k;
    return 0;
}

/* ---- encodings ------------------------------------------------------------ */
int sg17_pqc_spki_encode(const sg17_pqc_key *k, uint8_t **der, size_t *der_len)
{
    if (k->alg.family == FAM_P256) {
        size_t n = sizeof P256_SPKI_PREFIX + 65;
        uint8_t *b = malloc(n);
        if (!b)
            return SG17_E_NOMEM;
        memcpy(b, P256_SPKI_PREFIX, sizeof P256_SPKI_PREFIX);
        memcpy(b + sizeof P256_SPKI_PREFIX, k->pk, 65);
        *der = b;
        *der_len = n;
        return 0;
    }
    return sg17_keyfmt_spki_encode(k->alg.oid, k->alg.oid_len, k->pk, k->pk_len, der, der_len);
}

int sg17_pqc_pkcs8_encode(const sg17_pqc_key *k, uint8_t **der, size_t *der_len)
{
    uint8_t inner[4 + 4896];
    size_t n = 0;
    int rc;
    if (!k->is_private || k->sk_len > sizeof inner - 4)
        return SG17_E_INVAL;
    switch (k->alg.family) {
    case FAM_MLKEM:
    case FAM_MLDSA:
        /* seed [0] IMPLICIT OCTET STRING, or expandedKey OCTET STRING */
        n = sg17_der_header(inner, k->sk_form == SK_SEED ? 0x80 : 0x04, k->sk_len);
        break;
    case FAM_ED25519:
        n = sg17_der_header(inner, 0x04, k->sk_len);
        break;
    case FAM_P256: {
        size_t total = sizeof P256_PKCS8_PREFIX + 32;
        uint8_t *b = malloc(total);
        if (!b)
            return SG17_E_NOMEM;
        memcpy(b, P256_PKCS8_PREFIX, sizeof P256_PKCS8_PREFIX);
        memcpy(b + sizeof P256_PKCS8_PREFIX, k->sk, 32);
        *der = b;
        *der_len = total;
        return 0;
    }
    case FAM_SLHDSA:
    case FAM_XWING:
    case FAM_COMPOSITE:
        break; /* raw key */
    default:
        return SG17_E_UNSUPPORTED;
    }
    memcpy(inner + n, k->sk, k->sk_len);
    rc = sg17_keyfmt_pkcs8_encode(k->alg.oid, k->alg.oid_len, inner, n + k->sk_len, der, der_len);
    sg17_memzero(inner, sizeof inner);
    return rc;
}

static int alg_by_oid(const uint8_t *oid, size_t oid_len, sg17_pqc_key *k)
{
    for (size_t i = 0; i < N_FIXED; i++) {
        if (fixed_algs[i].oid && fixed_algs[i].oid_len == oid_len &&
            memcmp(fixed_algs[i].oid, oid, oid_len) == 0) {
            k->alg = fixed_algs[i];
            return 0;
        }
    }
    if (oid_len == sizeof OID_HSS && memcmp(oid, OID_HSS, oid_len) == 0)
        return 1; /* needs the key bytes to name it */
    return SG17_E_UNSUPPORTED;
}

/* Name an HSS public key from its bytes: u32 L || u32 lms || u32 ots || ... */
static int hss_alg_from_pk(const uint8_t *pk, size_t pk_len, sg17_pqc_key *k)
{
    sg17_hss_params hp;
    if (pk_len < 12)
        return SG17_E_FORMAT;
    memset(&hp, 0, sizeof hp);
    hp.levels = (uint32_t)pk[0] << 24 | (uint32_t)pk[1] << 16 | (uint32_t)pk[2] << 8 | pk[3];
    if (hp.levels < 1 || hp.levels > SG17_HSS_MAX_LEVELS)
        return SG17_E_FORMAT;
    /* Only the top level is in the public key; lower levels are named after it. */
    for (uint32_t l = 0; l < hp.levels; l++) {
        hp.lms_type[l] = (uint32_t)pk[4] << 24 | (uint32_t)pk[5] << 16 | (uint32_t)pk[6] << 8 | pk[7];
        hp.ots_type[l] = (uint32_t)pk[8] << 24 | (uint32_t)pk[9] << 16 | (uint32_t)pk[10] << 8 | pk[11];
    }
    if (sg17_hss_public_key_len(&hp) != pk_len)
        return SG17_E_FORMAT;
    hss_name(&hp, k->name_buf, sizeof k->name_buf);
    k->alg.name = k->name_buf;
    k->alg.family = FAM_HSS;
    k->alg.kind = SG17_PQC_SIG;
    k->alg.oid = OID_HSS;
    k->alg.oid_len = sizeof OID_HSS;
    k->alg.hss = hp;
    return 0;
}

static size_t expected_pk_len(const sg17_pqc_key *k)
{
    switch (k->alg.family) {
    case FAM_MLKEM: return sg17_mlkem_publickey_bytes((sg17_mlkem_param)k->alg.param);
    case FAM_MLDSA: return sg17_mldsa_publickey_bytes((sg17_mldsa_param)k->alg.param);
    case FAM_SLHDSA: return sg17_slhdsa_pk_bytes((sg17_slhdsa_param)k->alg.param);
    case FAM_ED25519: return 32;
    case FAM_P256: return 65;
    case FAM_XWING: return SG17_XWING_PUBLICKEY_BYTES;
    case FAM_COMPOSITE: return SG17_HYBRID_MLDSA65_ED25519_PUBLICKEY_BYTES;
    default: return 0;
    }
}

int sg17_pqc_spki_decode(const uint8_t *der, size_t len, sg17_pqc_key **out)
{
    const uint8_t *oid, *pk;
    size_t oid_len, pk_len;
    sg17_pqc_key *k = key_new();
    int rc;
    *out = NULL;
    if (!k)
        return SG17_E_NOMEM;
    if (len == sizeof P256_SPKI_PREFIX + 65 &&
        memcmp(der, P256_SPKI_PREFIX, sizeof P256_SPKI_PREFIX) == 0) {
        k->alg = *p256_alg();
        pk = der + sizeof P256_SPKI_PREFIX;
        pk_len = 65;
        rc = 0;
    } else {
        rc = sg17_keyfmt_spki_decode(der, len, &oid, &oid_len, &pk, &pk_len);
        if (rc == 0)
            rc = alg_by_oid(oid, oid_len, k);
        if (rc == 1)
            rc = hss_alg_from_pk(pk, pk_len, k);
        else if (rc == 0 && pk_len != expected_pk_len(k))
            rc = SG17_E_FORMAT;
    }
    if (rc == 0)
        rc = set_buf(&k->pk, &k->pk_len, pk, pk_len);
    if (rc) {
        sg17_pqc_key_free(k);
        return rc;
    }
    *out = k;
    return 0;
}

/* ECPrivateKey (RFC 5915) inside a P-256 PKCS#8, as OpenSSL and we write it. */
static int p256_pkcs8_decode(const uint8_t *der, size_t len, sg17_pqc_key *k)
{
    const uint8_t *p = der, *end = der + len, *seq, *v, *oct, *ec;
    size_t seq_len, vl, oct_len, ec_len;
    if (sg17_der_read(&p, end, 0x30, &seq, &seq_len) || p != end)
        return SG17_E_FORMAT;
    p = seq;
    end = seq + seq_len;
    if (sg17_der_read(&p, end, 0x02, &v, &vl) || vl != 1 || v[0] != 0)
        return SG17_E_FORMAT;
    if ((size_t)(end - p) < sizeof P256_ALGID || memcmp(p, P256_ALGID, sizeof P256_ALGID) != 0)
        return SG17_E_UNSUPPORTED;
    p += sizeof P256_ALGID;
    if (sg17_der_read(&p, end, 0x04, &oct, &oct_len))
        return SG17_E_FORMAT;
    p = oct;
    end = oct + oct_len;
    if (sg17_der_read(&p, end, 0x30, &ec, &ec_len))
        return SG17_E_FORMAT;
    p = ec;
    end = ec + ec_len;
    if (sg17_der_read(&p, end, 0x02, &v, &vl) || vl != 1 || v[0] != 1)
        return SG17_E_FORMAT;
    if (sg17_der_read(&p, end, 0x04, &v, &vl) || vl != 32)
        return SG17_E_FORMAT;
    k->alg = *p256_alg();
    return set_buf(&k->sk, &k->sk_len, v, 32);
}

/* ML-KEM / ML-DSA private key CHOICE { seed [0], expandedKey, both SEQUENCE }. */
static int decode_seed_choice(const uint8_t *priv, size_t priv_len, sg17_pqc_key *k,
                              size_t seed_len, size_t exp_len)
{
    const uint8_t *p = priv, *end = priv + priv_len, *v, *both;
    size_t vl, both_len;
    if (priv_len > 0 && priv[0] == 0x80) {
        if (sg17_der_read(&p, end, 0x80, &v, &vl) || p != end || vl != seed_len)
            return SG17_E_FORMAT;
        k->sk_form = SK_SEED;
        return set_buf(&k->sk, &k->sk_len, v, vl);
    }
    if (priv_len > 0 && priv[0] == 0x04) {
        if (sg17_der_read(&p, end, 0x04, &v, &vl) || p != end || vl != exp_len)
            return SG17_E_FORMAT;
        k->sk_form = SK_EXPANDED;
        return set_buf(&k->sk, &k->sk_len, v, vl);
    }
    if (sg17_der_read(&p, end, 0x30, &both, &both_len) || p != end)
        return SG17_E_FORMAT;
    p = both;
    end = both + both_len;
    if (sg17_der_read(&p, end, 0x04, &v, &vl) || vl != seed_len)
        return SG17_E_FORMAT;
    k->sk_form = SK_SEED; /* the expanded copy is re-derived and not trusted */
    return set_buf(&k->sk, &k->sk_len, v, vl);
}

int sg17_pqc_pkcs8_decode(const uint8_t *der, size_t len, sg17_pqc_key **out)
{
    const uint8_t *oid, *priv, *p, *v;
    size_t oid_len, priv_len, vl;
    sg17_pqc_key *k = key_new();
    int rc;
    *out = NULL;
    if (!k)
        return SG17_E_NOMEM;
    k->is_private = 1;
    rc = sg17_keyfmt_pkcs8_decode(der, len, &oid, &oid_len, &priv, &priv_len);
    if (rc == SG17_E_FORMAT) {
        rc = p256_pkcs8_decode(der, len, k);
        goto derive;
    }
    if (rc == 0)
        rc = alg_by_oid(oid, oid_len, k);
    if (rc == 1)
        rc = SG17_E_UNSUPPORTED; /* HSS private keys are stateful files, not PKCS#8 */
    if (rc)
        goto derive;
    switch (k->alg.family) {
    case FAM_MLKEM:
        rc = decode_seed_choice(priv, priv_len, k, SG17_MLKEM_SEED_BYTES,
                                sg17_mlkem_secretkey_bytes((sg17_mlkem_param)k->alg.param));
        break;
    case FAM_MLDSA:
        rc = decode_seed_choice(priv, priv_len, k, SG17_MLDSA_SEED_BYTES,
                                sg17_mldsa_secretkey_bytes((sg17_mldsa_param)k->alg.param));
        break;
    case FAM_ED25519:
        p = priv;
        if (sg17_der_read(&p, priv + priv_len, 0x04, &v, &vl) || p != priv + priv_len || vl != 32)
            rc = SG17_E_FORMAT;
        else
            rc = set_buf(&k->sk, &k->sk_len, v, vl);
        break;
    case FAM_SLHDSA:
    case FAM_XWING:
    case FAM_COMPOSITE:
        rc = set_buf(&k->sk, &k->sk_len, priv, priv_len);
        break;
    default:
        rc = SG17_E_UNSUPPORTED;
    }
derive:
    if (rc == 0)
        rc = derive_public(k);
    if (rc) {
        sg17_pqc_key_free(k);
        return rc;
    }
    *out = k;
    return 0;
}

int sg17_pqc_hss_load(const char *path, sg17_pqc_key **out)
{
    sg17_pqc_key *k = key_new();
    uint8_t pk[SG17_HSS_PUBLIC_KEY_MAX_BYTES];
    size_t pk_len = 0;
    int rc;
    *out = NULL;
    if (!k)
        return SG17_E_NOMEM;
    rc = sg17_hss_key_load(&k->hss, path);
    if (rc == 0)
        rc = sg17_hss_key_public(k->hss, pk, sizeof pk, &pk_len);
    if (rc == 0) {
        sg17_hss_params hp;
        sg17_hss_key_params(k->hss, &hp);
        hss_name(&hp, k->name_buf, sizeof k->name_buf);
        k->alg.name = k->name_buf;
        k->alg.family = FAM_HSS;
        k->alg.kind = SG17_PQC_SIG;
        k->alg.oid = OID_HSS;
        k->alg.oid_len = sizeof OID_HSS;
        k->alg.hss = hp;
        k->is_private = 1;
        rc = set_buf(&k->pk, &k->pk_len, pk, pk_len);
    }
    if (rc) {
        sg17_pqc_key_free(k);
        return rc;
    }
    *out = k;
    return 0;
}

/* ---- operations ------------------------------------------------------------ */
static size_t sig_len_of(const sg17_pqc_key *k)
{
    switch (k->alg.family) {
    case FAM_MLDSA: return sg17_mldsa_signature_bytes((sg17_mldsa_param)k->alg.param);
    case FAM_SLHDSA: return sg17_slhdsa_sig_bytes((sg17_slhdsa_param)k->alg.param);
    case FAM_HSS: return sg17_hss_signature_len(&k->alg.hss);
    case FAM_ED25519:
    case FAM_P256: return 64;
    case FAM_COMPOSITE: return SG17_HYBRID_MLDSA65_ED25519_SIGNATURE_BYTES;
    default: return 0;
    }
}

int sg17_pqc_sign(sg17_pqc_key *k, const uint8_t *msg, size_t len, const uint8_t *ctx,
                  size_t ctx_len, unsigned flags, uint8_t **sig, size_t *sig_len)
{
    size_t n = sig_len_of(k);
    int det = (flags & SG17_PQC_DETERMINISTIC) != 0;
    int rc;
    *sig = NULL;
    *sig_len = 0;
    if (!k->is_private || k->alg.kind != SG17_PQC_SIG || n == 0)
        return SG17_E_INVAL;
    if (ctx_len > 255 || (ctx_len > 0 && (k->alg.family == FAM_HSS ||
                                          k->alg.family == FAM_ED25519 ||
                                          k->alg.family == FAM_P256)))
        return SG17_E_INVAL;
    uint8_t *s = malloc(n);
    if (!s)
        return SG17_E_NOMEM;
    switch (k->alg.family) {
    case FAM_MLDSA: {
        sg17_mldsa_param p = (sg17_mldsa_param)k->alg.param;
        unsigned f = det ? SG17_MLDSA_DETERMINISTIC : 0;
        rc = k->sk_form == SK_SEED ? sg17_mldsa_sign_seed(p, s, k->sk, msg, len, ctx, ctx_len, f)
                                   : sg17_mldsa_sign(p, s, k->sk, msg, len, ctx, ctx_len, f);
        break;
    }
    case FAM_SLHDSA: {
        sg17_slhdsa_param p = (sg17_slhdsa_param)k->alg.param;
        rc = det ? sg17_slhdsa_sign_deterministic(p, s, n, msg, len, ctx, ctx_len, k->sk)
                 : sg17_slhdsa_sign(p, s, n, msg, len, ctx, ctx_len, k->sk);
        break;
    }
    case FAM_HSS:
        rc = k->hss ? sg17_hss_sign(k->hss, msg, len, s, n, &n) : SG17_E_INVAL;
        break;
    case FAM_ED25519:
        rc = sg17_ed25519_sign(s, k->sk, msg, len);
        break;
    case FAM_P256:
        rc = sg17_p256_sign(s, k->sk, msg, len);
        break;
    case FAM_COMPOSITE:
        rc = sg17_hybrid_mldsa65_ed25519_sign(s, k->sk, msg, len, ctx, ctx_len);
        break;
    default:
        rc = SG17_E_UNSUPPORTED;
    }
    if (rc) {
        free(s);
        return rc;
    }
    *sig = s;
    *sig_len = n;
    return 0;
}

int sg17_pqc_verify(const sg17_pqc_key *k, const uint8_t *msg, size_t len, const uint8_t *ctx,
                    size_t ctx_len, const uint8_t *sig, size_t sig_len)
{
    if (k->alg.kind != SG17_PQC_SIG)
        return SG17_E_INVAL;
    if (ctx_len > 255)
        return SG17_E_INVAL;
    switch (k->alg.family) {
    case FAM_MLDSA:
        return sg17_mldsa_verify((sg17_mldsa_param)k->alg.param, sig, sig_len, k->pk, k->pk_len,
                                 msg, len, ctx, ctx_len);
    case FAM_SLHDSA:
        if (sig_len != sig_len_of(k))
            return SG17_E_VERIFY;
        return sg17_slhdsa_verify((sg17_slhdsa_param)k->alg.param, sig, sig_len, msg, len, ctx,
                                  ctx_len, k->pk);
    case FAM_HSS:
        if (ctx_len)
            return SG17_E_VERIFY;
        return sg17_hss_verify(k->pk, k->pk_len, msg, len, sig, sig_len);
    case FAM_ED25519:
        if (sig_len != 64 || ctx_len)
            return SG17_E_VERIFY;
        return sg17_ed25519_verify(sig, k->pk, msg, len);
    case FAM_P256:
        if (sig_len != 64 || ctx_len)
            return SG17_E_VERIFY;
        return sg17_p256_verify(sig, k->pk, k->pk_len, msg, len);
    case FAM_COMPOSITE:
        return sg17_hybrid_mldsa65_ed25519_verify(sig, sig_len, k->pk, k->pk_len, msg, len, ctx,
                                                  ctx_len);
    default:
        return SG17_E_UNSUPPORTED;
    }
}

int sg17_pqc_encaps(const sg17_pqc_key *k, uint8_t **ct, size_t *ct_len, uint8_t ss[32])
{
    *ct = NULL;
    *ct_len = 0;
    if (k->alg.family == FAM_XWING) {
        uint8_t *c = malloc(SG17_XWING_CIPHERTEXT_BYTES);
        if (!c)
            return SG17_E_NOMEM;
        int rc = sg17_xwing_encaps(c, ss, k->pk, k->pk_len);
        if (rc) {
            free(c);
            return rc;
        }
        *ct = c;
        *ct_len = SG17_XWING_CIPHERTEXT_BYTES;
        return 0;
    }
    if (k->alg.family != FAM_MLKEM)
        return SG17_E_INVAL;
    sg17_mlkem_param p = (sg17_mlkem_param)k->alg.param;
    size_t n = sg17_mlkem_ciphertext_bytes(p);
    uint8_t *c = malloc(n);
    if (!c)
        return SG17_E_NOMEM;
    int rc = sg17_mlkem_encaps(p, c, n, ss, k->pk, k->pk_len);
    if (rc) {
        free(c);
        return rc;
    }
    *ct = c;
    *ct_len = n;
    return 0;
}

int sg17_pqc_decaps(const sg17_pqc_key *k, const uint8_t *ct, size_t ct_len, uint8_t ss[32])
{
    if (k->alg.family == FAM_XWING && k->is_private)
        return sg17_xwing_decaps(ss, ct, ct_len, k->sk, k->sk_len);
    if (k->alg.family != FAM_MLKEM || !k->is_private)
        return SG17_E_INVAL;
    sg17_mlkem_param p = (sg17_mlkem_param)k->alg.param;
    if (k->sk_form == SK_SEED)
        return sg17_mlkem_decaps_seed(p, ss, ct, ct_len, k->sk, k->sk_len);
    return sg17_mlkem_decaps(p, ss, ct, ct_len, k->sk, k->sk_len);
}
