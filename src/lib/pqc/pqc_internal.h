/* Internals of the algorithm-agile layer (pqc_key.c, pqc_algs.c). */
#ifndef SG17_PQC_INTERNAL_H
#define SG17_PQC_INTERNAL_H

#include "sg17/lms.h"
#include "sg17/pqc.h"

typedef enum pqc_family {
    FAM_MLKEM = 1,
    FAM_MLDSA,
    FAM_SLHDSA,
    FAM_HSS,
    FAM_ED25519,
    FAM_P256,
    FAM_XWING,
    FAM_COMPOSITE,
} pqc_family;

typedef enum pqc_sk_form {
    SK_SEED = 0,     /* the FIPS seed (ML-KEM d||z, ML-DSA xi) or raw key */
    SK_EXPANDED = 1, /* the expanded FIPS private key */
} pqc_sk_form;

typedef struct pqc_alg {
    const char *name;
    pqc_family family;
    sg17_pqc_kind kind;
    int param;              /* family parameter enum */
    const uint8_t *oid;     /* DER content octets */
    size_t oid_len;
    sg17_hss_params hss;    /* FAM_HSS only */
} pqc_alg;

struct sg17_pqc_key {
    pqc_alg alg;
    char name_buf[96];
    int is_private;
    pqc_sk_form sk_form;
    uint8_t *pk;
    size_t pk_len;
    uint8_t *sk;
    size_t sk_len;
    sg17_hss_key *hss;
};

int sg17_pqc_generate(const char *alg, const char *key_path, sg17_pqc_key **out);
int sg17_pqc_spki_encode(const sg17_pqc_key *k, uint8_t **der, size_t *der_len);
int sg17_pqc_pkcs8_encode(const sg17_pqc_key *k, uint8_t **der, size_t *der_len);
int sg17_pqc_spki_decode(const uint8_t *der, size_t len, sg17_pqc_key **out);
int sg17_pqc_pkcs8_decode(const uint8_t *der, size_t len, sg17_pqc_key **out);
int sg17_pqc_hss_load(const char *path, sg17_pqc_key **out);

#endif
