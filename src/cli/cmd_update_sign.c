/*
 * sg17 update manifest sign|sever: add COSE_Sign1 / COSE_Mac0 authentication
 * blocks to an envelope (P-256, Ed25519, ML-DSA, HSS-LMS, HMAC; X.1368,
 * draft-ietf-suit-manifest-37 §8.3), and move severable elements out of the
 * manifest or strip them (§8.4.12).
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cmd_update.h"
#include "sg17/crypto.h"

static int cose_alg_for(const update_key *k, int64_t *alg)
{
    switch (k->cose.type) {
    case SG17_COSE_KEY_P256: *alg = SG17_COSE_ALG_ES256; return 0;
    case SG17_COSE_KEY_ED25519: *alg = SG17_COSE_ALG_EDDSA; return 0;
    case SG17_COSE_KEY_HMAC: *alg = SG17_COSE_ALG_HMAC256; return 0;
    case SG17_COSE_KEY_HSS: *alg = SG17_COSE_ALG_HSS_LMS; return 0;
    case SG17_COSE_KEY_MLDSA44: *alg = SG17_COSE_ALG_MLDSA44; return 0;
    case SG17_COSE_KEY_MLDSA65: *alg = SG17_COSE_ALG_MLDSA65; return 0;
    case SG17_COSE_KEY_MLDSA87: *alg = SG17_COSE_ALG_MLDSA87; return 0;
    case SG17_COSE_KEY_NONE: break;
    }
    return -1;
}

static int sign_once(sg17_buf *cur, update_key *k, const char *kid)
{
    sg17_suit_envelope *env = NULL;
    sg17_buf payload, tbs, cose, next;
    uint8_t *sig = NULL, mac[32];
    size_t sig_len = 0;
    int64_t alg = 0;
    int rc;
    if (cose_alg_for(k, &alg) != 0) {
        fprintf(stderr, "sg17 update: key type %s cannot sign SUIT manifests\n",
                k->pqc_alg ? k->pqc_alg : "?");
        return SG17_E_UNSUPPORTED;
    }
    if (alg != SG17_COSE_ALG_HMAC256 && (k->pqc == NULL || !sg17_pqc_key_is_private(k->pqc))) {
        fprintf(stderr, "sg17 update: signing needs a private key (%s)\n", k->pqc_alg);
        return SG17_E_INVAL;
    }
    sg17_buf_init(&payload, 256);
    sg17_buf_init(&tbs, 1024);
    sg17_buf_init(&cose, 1 << 16);
    sg17_buf_init(&next, SG17_SUIT_MAX_ENVELOPE_BYTES);
    rc = sg17_suit_decode(cur->data, cur->len, &env, NULL, 0);
    if (rc == 0)
        rc = sg17_suit_signed_payload(env, &payload);
    if (rc == 0)
        rc = sg17_cose_tbs(&tbs, alg == SG17_COSE_ALG_HMAC256, alg, payload.data, payload.len);
    if (rc == 0 && alg == SG17_COSE_ALG_HMAC256) {
        rc = sg17_hmac(SG17_HASH_SHA256, k->raw, k->raw_len, tbs.data, tbs.len, mac);
        sig = mac;
        sig_len = 32;
    } else if (rc == 0) {
        /* ML-DSA in COSE: empty context (draft-ietf-cose-dilithium). HSS: the
         * key file's index is persisted before the signature returns. */
        rc = sg17_pqc_sign(k->pqc, tbs.data, tbs.len, NULL, 0, 0, &sig, &sig_len);
    }
    if (rc == 0)
        rc = sg17_cose_encode(&cose, alg == SG17_COSE_ALG_HMAC256, alg, (const uint8_t *)kid,
                              kid ? strlen(kid) : 0, sig, sig_len);
    if (rc == 0)
        rc = sg17_suit_add_auth(env, cose.data, cose.len, &next);
    if (rc == 0) {
        sg17_buf t = *cur;
        *cur = next;
        next = t;
        fprintf(stderr, "sg17 update: added %s block (%s, %zu-byte signature)\n",
                sg17_cose_alg_name(alg), alg == SG17_COSE_ALG_HMAC256 ? "COSE_Mac0" : "COSE_Sign1",
                sig_len);
    } else {
        fprintf(stderr, "sg17 update: signing with %s failed: %s\n", k->pqc_alg,
                sg17_strerror(rc));
    }
    if (sig != mac)
        free(sig);
    sg17_memzero(mac, sizeof mac);
    sg17_suit_free(env);
    sg17_buf_free(&payload, 0);
    sg17_buf_free(&tbs, 1);
    sg17_buf_free(&cose, 0);
    sg17_buf_free(&next, 0);
    return rc;
}

int update_cmd_sign(int argc, char **argv)
{
    static const struct option opts[] = {{"key", required_argument, NULL, 'k'},
                                         {"kid", required_argument, NULL, 'i'},
                                         {"output", required_argument, NULL, 'o'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    const char *keys[UPDATE_MAX_KEYS], *out = NULL, *kid = NULL;
    size_t nk = 0;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "k:o:h", opts, NULL)) != -1) {
        if (c == 'k' && nk < UPDATE_MAX_KEYS)
            keys[nk++] = optarg;
        else if (c == 'o')
            out = optarg;
        else if (c == 'i')
            kid = optarg;
        else
            return update_opt_other(c);
    }
    update_envelope e;
    int ret = update_open_operand(argc, argv, nk > 0,
                                  "sign --key KEY [--key KEY2 ...] [-o OUT] M.suit", &e);
    if (ret != CLI_OK)
        return ret;
    /* Each key signs the envelope as the previous one left it. */
    sg17_buf cur;
    sg17_buf_init(&cur, SG17_SUIT_MAX_ENVELOPE_BYTES);
    ret = sg17_buf_append(&cur, e.buf, e.len) == 0 ? CLI_OK : CLI_FAIL;
    for (size_t i = 0; i < nk && ret == CLI_OK; i++) {
        update_key k;
        ret = update_key_load(keys[i], &k);
        if (ret == CLI_OK && sign_once(&cur, &k, kid) != 0)
            ret = CLI_FAIL;
        update_key_free(&k);
    }
    if (ret == CLI_OK)
        ret = update_write_out(out ? out : argv[optind], &cur);
    sg17_buf_free(&cur, 0);
    update_envelope_free(&e);
    return ret;
}

/* ---- sever -------------------------------------------------------------- */

int update_cmd_sever(int argc, char **argv)
{
    static const struct option opts[] = {{"strip", no_argument, NULL, 's'},
                                         {"output", required_argument, NULL, 'o'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    const char *out = NULL;
    int strip = 0, c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "so:h", opts, NULL)) != -1) {
        if (c == 's')
            strip = 1;
        else if (c == 'o')
            out = optarg;
        else
            return update_opt_other(c);
    }
    update_envelope e;
    int ret = update_open_operand(argc, argv, 1, "sever [--strip] [-o OUT] M.suit", &e);
    if (ret != CLI_OK)
        return ret;
    sg17_buf o;
    sg17_suit_summary s;
    sg17_suit_summary_get(e.env, &s);
    sg17_buf_init(&o, SG17_SUIT_MAX_ENVELOPE_BYTES);
    int rc = sg17_suit_sever(e.env, !strip, &o);
    if (rc == 0) {
        ret = update_write_out(out ? out : argv[optind], &o);
        if (!strip && s.auth_blocks > 0)
            fprintf(stderr, "sg17 update: the manifest changed: its %zu authentication blocks "
                            "were dropped; sign it again\n",
                    s.auth_blocks);
    } else {
        fprintf(stderr, "sg17 update: sever failed: %s\n", sg17_strerror(rc));
        ret = CLI_FAIL;
    }
    sg17_buf_free(&o, 0);
    update_envelope_free(&e);
    return ret;
}
