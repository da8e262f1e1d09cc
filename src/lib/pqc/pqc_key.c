/*
 * Algorithm-agile key objects, key files and sign/verify/encaps/decaps
 * dispatch (sg17/pqc.h). The algorithms themselves live in their family
 * directories; this file only names them, encodes their keys (PKCS#8 /
 * SPKI with the NIST and IETF OIDs, see docs/KEYS.md) and routes calls.
 */
#define _GNU_SOURCE /* memmem */
#include "sg17/pqc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "pqc/pqc_internal.h"
#include "sg17/crypto.h"
#include "sg17/file.h"
#include "sg17/keyfmt.h"

#define KEYFILE_MAX 65536

void sg17_pqc_key_free(sg17_pqc_key *k)
{
    if (!k)
        return;
    if (k->sk) {
        sg17_memzero(k->sk, k->sk_len);
        free(k->sk);
    }
    free(k->pk);
    sg17_hss_key_free(k->hss);
    sg17_memzero(k, sizeof *k);
    free(k);
}

const char *sg17_pqc_key_alg(const sg17_pqc_key *k)
{
    return k->alg.name;
}

sg17_pqc_kind sg17_pqc_key_kind(const sg17_pqc_key *k)
{
    return k->alg.kind;
}

int sg17_pqc_key_is_private(const sg17_pqc_key *k)
{
    return k->is_private;
}

const uint8_t *sg17_pqc_key_public(const sg17_pqc_key *k, size_t *len)
{
    *len = k->pk_len;
    return k->pk;
}

static int write_pem(const char *path, const char *label, const uint8_t *der, size_t der_len,
                     mode_t mode)
{
    char *pem = NULL;
    size_t pem_len = 0;
    int rc = sg17_keyfmt_pem_encode(label, der, der_len, &pem, &pem_len);
    if (rc == 0)
        rc = sg17_file_write_atomic(path, pem, pem_len, mode);
    if (pem) {
        sg17_memzero(pem, pem_len);
        free(pem);
    }
    return rc;
}

/* Write KEY.pub as a PEM SubjectPublicKeyInfo. */
static int write_public(const sg17_pqc_key *k, const char *pub_path)
{
    uint8_t *der = NULL;
    size_t der_len = 0;
    int rc = sg17_pqc_spki_encode(k, &der, &der_len);
    if (rc == 0)
        rc = write_pem(pub_path, "PUBLIC KEY", der, der_len, 0644);
    free(der);
    return rc;
}

static int write_private(const sg17_pqc_key *k, const char *path)
{
    uint8_t *der = NULL;
    size_t der_len = 0;
    int rc = sg17_pqc_pkcs8_encode(k, &der, &der_len);
    if (rc == 0)
        rc = write_pem(path, "PRIVATE KEY", der, der_len, 0600);
    if (der) {
        sg17_memzero(der, der_len);
        free(der);
    }
    return rc;
}

static char *pub_path_of(const char *key_path)
{
    size_t n = strlen(key_path);
    char *p = malloc(n + 5);
    if (p) {
        memcpy(p, key_path, n);
        memcpy(p + n, ".pub", 5);
    }
    return p;
}

int sg17_pqc_keygen_file(const char *alg, const char *key_path)
{
    sg17_pqc_key *k = NULL;
    struct stat st;
    char *pub = pub_path_of(key_path);
    int rc;

    if (!pub)
        return SG17_E_NOMEM;
    if (stat(key_path, &st) == 0 || stat(pub, &st) == 0) {
        free(pub);
        return SG17_E_EXISTS;
    }
    rc = sg17_pqc_generate(alg, key_path, &k);
    /* Stateful keys were written by their own keygen; the rest here. */
    if (rc == 0 && k->alg.family != FAM_HSS)
        rc = write_private(k, key_path);
    if (rc == 0)
        rc = write_public(k, pub);
    sg17_pqc_key_free(k);
    free(pub);
    return rc;
}

int sg17_pqc_keygen(const char *alg, sg17_pqc_key **out)
{
    return sg17_pqc_generate(alg, NULL, out);
}

int sg17_pqc_key_load(const char *path, sg17_pqc_key **out)
{
    uint8_t *buf = NULL, *der = NULL;
    size_t len = 0, der_len = 0;
    int rc;

    *out = NULL;
    rc = sg17_file_read(path, &buf, &len, KEYFILE_MAX);
    if (rc)
        return rc;
    if (len > 0 && memmem(buf, len, "-----BEGIN PRIVATE KEY-----", 27)) {
        rc = sg17_keyfmt_pem_decode((const char *)buf, len, "PRIVATE KEY", &der, &der_len);
        if (rc == 0)
            rc = sg17_pqc_pkcs8_decode(der, der_len, out);
    } else if (len > 0 && memmem(buf, len, "-----BEGIN PUBLIC KEY-----", 26)) {
        rc = sg17_keyfmt_pem_decode((const char *)buf, len, "PUBLIC KEY", &der, &der_len);
        if (rc == 0)
            rc = sg17_pqc_spki_decode(der, der_len, out);
    } else {
        /* Not PEM: the stateful LMS/HSS private key file. */
        rc = sg17_pqc_hss_load(path, out);
    }
    if (der) {
        sg17_memzero(der, der_len);
        free(der);
    }
    sg17_memzero(buf, len);
    free(buf);
    return rc;
}
