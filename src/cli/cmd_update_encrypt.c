/*
 * sg17 update manifest encrypt: encrypt a component's image (A128GCM or
 * A128CTR) for one recipient - A128KW, ECDH-ES+A128KW (P-256) or
 * ML-KEM-768+A128KW - and put the encryption info into the manifest
 * (X.1368, draft-ietf-suit-firmware-encryption).
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cmd_update.h"
#include "sg17/file.h"

int update_cmd_encrypt(int argc, char **argv)
{
    static const struct option opts[] = {{"recipient", required_argument, NULL, 'r'},
                                         {"image", required_argument, NULL, 'i'},
                                         {"image-out", required_argument, NULL, 'I'},
                                         {"component", required_argument, NULL, 'c'},
                                         {"kid", required_argument, NULL, 'k'},
                                         {"ctr", no_argument, NULL, 't'},
                                         {"output", required_argument, NULL, 'o'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    const char *recip = NULL, *image = NULL, *image_out = NULL, *out = NULL, *kid = NULL;
    size_t comp = 0;
    int ctr = 0, c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "r:i:I:c:k:to:h", opts, NULL)) != -1) {
        switch (c) {
        case 'r': recip = optarg; break;
        case 'i': image = optarg; break;
        case 'I': image_out = optarg; break;
        case 'k': kid = optarg; break;
        case 't': ctr = 1; break;
        case 'o': out = optarg; break;
        case 'c':
            if (cli_parse_size(optarg, &comp) != 0)
                return CLI_USAGE;
            break;
        default: return update_opt_other(c);
        }
    }
    update_envelope e;
    int ret = update_open_operand(argc, argv, recip != NULL && image != NULL && image_out != NULL,
                                  "encrypt --recipient PUB --image FW --image-out FW.enc "
                                  "[--component N] [--ctr] [--kid KID] [-o OUT] M.suit",
                                  &e);
    if (ret != CLI_OK)
        return ret;
    uint8_t *img = NULL;
    size_t img_len = 0;
    update_key k;
    memset(&k, 0, sizeof k);
    sg17_buf info, ct, o;
    sg17_buf_init(&info, 1 << 16);
    sg17_buf_init(&ct, UPDATE_MAX_IMAGE + 64);
    sg17_buf_init(&o, SG17_SUIT_MAX_ENVELOPE_BYTES);
    sg17_suit_recipient r = {0, NULL, 0, (const uint8_t *)kid, kid ? strlen(kid) : 0};
    ret = update_key_load(recip, &k);
    if (ret != CLI_OK)
        goto cleanup;
    ret = CLI_FAIL;
    if (k.cose.type == SG17_COSE_KEY_HMAC && k.raw_len == 16) {
        r.alg = SG17_SUIT_KEY_A128KW;
        r.key = k.raw;
        r.key_len = 16;
    } else if (k.cose.type == SG17_COSE_KEY_P256) {
        r.alg = SG17_SUIT_KEY_ECDH_ES_A128KW;
        r.key = k.cose.key;
        r.key_len = k.cose.key_len;
    } else if (k.pqc_alg != NULL && strcmp(k.pqc_alg, "ml-kem-768") == 0) {
        r.alg = SG17_SUIT_KEY_MLKEM768_A128KW;
        r.key = sg17_pqc_key_public(k.pqc, &r.key_len);
    } else {
        fprintf(stderr, "sg17 update: recipient %s: need a 16-byte hex KEK file, a P-256 public "
                        "key or an ML-KEM-768 public key\n",
                recip);
        goto cleanup;
    }
    int rc = sg17_file_read(image, &img, &img_len, UPDATE_MAX_IMAGE);
    if (rc != 0) {
        fprintf(stderr, "sg17 update: %s: %s\n", image, sg17_strerror(rc));
        goto cleanup;
    }
    rc = sg17_suit_encrypt(&r, ctr ? SG17_SUIT_ENC_A128CTR : SG17_SUIT_ENC_A128GCM, img, img_len,
                           &info, &ct);
    if (rc == 0)
        rc = sg17_suit_set_encryption(e.env, comp, info.data, info.len, &o);
    if (rc != 0) {
        fprintf(stderr, "sg17 update: encrypt failed: %s\n", sg17_strerror(rc));
        goto cleanup;
    }
    ret = update_write_out(image_out, &ct);
    if (ret == CLI_OK)
        ret = update_write_out(out ? out : argv[optind], &o);
    if (ret == CLI_OK)
        fprintf(stderr, "sg17 update: component %zu encrypted (%s, %s); serve %s; sign the "
                        "manifest again\n",
                comp, ctr ? "A128CTR" : "A128GCM",
                r.alg == SG17_SUIT_KEY_A128KW          ? "A128KW"
                : r.alg == SG17_SUIT_KEY_ECDH_ES_A128KW ? "ECDH-ES+A128KW"
                                                       : "ML-KEM-768+A128KW",
                image_out);
cleanup:
    update_key_free(&k);
    sg17_buf_free(&info, 0);
    sg17_buf_free(&ct, 0);
    sg17_buf_free(&o, 0);
    update_envelope_free(&e);
    free(img);
    return ret;
}
