/*
 * sg17 update manifest verify: authenticate an envelope against trust
 * anchors under an any-of / all-of / PQ-required policy, check vendor and
 * class ids and anti-rollback, and with --image the image digests (X.1368
 * cl. 8, draft-ietf-suit-manifest-37 §8). Exit 0 authentic and applicable,
 * 1 not (reason on stderr).
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cmd_update.h"
#include "sg17/crypto.h"
#include "sg17/file.h"

/* --image files, one per component in manifest order. */
typedef struct file_image {
    uint8_t *p[SG17_SUIT_MAX_COMPONENTS];
    size_t n[SG17_SUIT_MAX_COMPONENTS];
} file_image;

static int fi_read(void *ctx, size_t comp, sg17_buf *out)
{
    file_image *fi = ctx;
    if (comp >= SG17_SUIT_MAX_COMPONENTS || fi->p[comp] == NULL)
        return SG17_E_NOTFOUND;
    return sg17_buf_append(out, fi->p[comp], fi->n[comp]);
}

static int fi_digest(void *ctx, size_t comp, uint8_t out[32], uint64_t *size)
{
    file_image *fi = ctx;
    if (comp >= SG17_SUIT_MAX_COMPONENTS || fi->p[comp] == NULL)
        return SG17_E_NOTFOUND;
    sg17_sha256(out, fi->p[comp], fi->n[comp]);
    *size = fi->n[comp];
    return 0;
}

int update_cmd_verify(int argc, char **argv)
{
    static const struct option opts[] = {{"trust-anchor", required_argument, NULL, 't'},
                                         {"policy", required_argument, NULL, 'p'},
                                         {"require-pq", no_argument, NULL, 'q'},
                                         {"vendor-id", required_argument, NULL, 'V'},
                                         {"class-id", required_argument, NULL, 'C'},
                                         {"last-sequence", required_argument, NULL, 'L'},
                                         {"image", required_argument, NULL, 'i'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    const char *anchors[UPDATE_MAX_KEYS], *images[SG17_SUIT_MAX_COMPONENTS];
    size_t na = 0, ni = 0, seq = 0;
    sg17_suit_policy pol;
    int c;
    memset(&pol, 0, sizeof pol);
    optind = 1;
    while ((c = getopt_long(argc, argv, "t:p:qV:C:L:i:h", opts, NULL)) != -1) {
        switch (c) {
        case 't':
            if (na == UPDATE_MAX_KEYS) {
                fprintf(stderr, "sg17 update: at most %d trust anchors\n", UPDATE_MAX_KEYS);
                return CLI_USAGE;
            }
            anchors[na++] = optarg;
            break;
        case 'p':
            if (strcmp(optarg, "any") == 0)
                pol.mode = SG17_SUIT_ANY_OF;
            else if (strcmp(optarg, "all") == 0)
                pol.mode = SG17_SUIT_ALL_OF;
            else {
                fprintf(stderr, "sg17 update: --policy is any or all\n");
                return CLI_USAGE;
            }
            break;
        case 'q': pol.require_pq = 1; break;
        case 'V':
            if (update_parse_uuid(optarg, pol.vendor_id) != 0) {
                fprintf(stderr, "sg17 update: --vendor-id is not a UUID\n");
                return CLI_USAGE;
            }
            pol.has_vendor_id = 1;
            break;
        case 'C':
            if (update_parse_uuid(optarg, pol.class_id) != 0) {
                fprintf(stderr, "sg17 update: --class-id is not a UUID\n");
                return CLI_USAGE;
            }
            pol.has_class_id = 1;
            break;
        case 'L':
            if (cli_parse_size(optarg, &seq) != 0)
                return CLI_USAGE;
            pol.has_last_sequence = 1;
            pol.last_sequence = seq;
            break;
        case 'i':
            if (ni == SG17_SUIT_MAX_COMPONENTS) {
                fprintf(stderr, "sg17 update: at most %d images\n", SG17_SUIT_MAX_COMPONENTS);
                return CLI_USAGE;
            }
            images[ni++] = optarg;
            break;
        default: return update_opt_other(c);
        }
    }
    if (update_need_operand(argc, na > 0,
                            "verify --trust-anchor PUB [...] [--policy any|all] [--image FILE] "
                            "M.suit") != CLI_OK)
        return CLI_USAGE;
    update_key keys[UPDATE_MAX_KEYS];
    sg17_cose_key ck[UPDATE_MAX_KEYS];
    size_t loaded = 0;
    file_image fi;
    memset(&fi, 0, sizeof fi);
    update_envelope e;
    memset(&e, 0, sizeof e);
    char why[SG17_SUIT_WHY_BYTES] = "";
    int ret = CLI_OK;
    for (; loaded < na && ret == CLI_OK; loaded++) {
        ret = update_key_load(anchors[loaded], &keys[loaded]);
        if (ret != CLI_OK)
            break;
        if (keys[loaded].cose.type == SG17_COSE_KEY_NONE) {
            fprintf(stderr, "sg17 update: %s is not a signature or MAC key\n", anchors[loaded]);
            ret = CLI_FAIL;
        }
        ck[loaded] = keys[loaded].cose;
    }
    if (ret != CLI_OK)
        goto cleanup;
    pol.anchors = ck;
    pol.n_anchors = na;
    for (size_t i = 0; i < ni; i++) {
        int rc = sg17_file_read(images[i], &fi.p[i], &fi.n[i], UPDATE_MAX_IMAGE);
        if (rc != 0) {
            fprintf(stderr, "sg17 update: %s: %s\n", images[i], sg17_strerror(rc));
            ret = CLI_FAIL;
            goto cleanup;
        }
    }
    /* Here a file that is no SUIT envelope is a negative verdict (exit 1). */
    ret = update_envelope_load(argv[optind], &e);
    if (ret != CLI_OK)
        goto cleanup;
    sg17_suit_ops ops = {.ctx = &fi, .read = fi_read, .digest = fi_digest};
    /* Authenticity, severable elements and sequence number, then the shared
     * sequence (vendor/class); with --image also the validate sequence. */
    int rc = sg17_suit_process(e.env, &pol, &ops, ni ? SG17_SUIT_STEP_VALIDATE : 0, why,
                               sizeof why);
    if (rc == 0) {
        sg17_suit_summary s;
        sg17_suit_summary_get(e.env, &s);
        printf("%s: authentic and applicable (sequence number %llu, %zu authentication "
               "block%s%s)\n",
               argv[optind], (unsigned long long)s.sequence_number, s.auth_blocks,
               s.auth_blocks == 1 ? "" : "s", ni ? ", images match" : "");
        ret = CLI_OK;
    } else if (rc == SG17_E_NOMEM || rc == SG17_E_INVAL) {
        fprintf(stderr, "sg17 update: %s: %s\n", argv[optind], sg17_strerror(rc));
        ret = CLI_FAIL;
    } else {
        fprintf(stderr, "sg17 update: %s: REJECTED: %s\n", argv[optind], why);
        ret = CLI_NEGATIVE;
    }
cleanup:
    for (size_t i = 0; i < loaded && i < na; i++)
        update_key_free(&keys[i]);
    update_envelope_free(&e);
    for (size_t i = 0; i < SG17_SUIT_MAX_COMPONENTS; i++)
        free(fi.p[i]);
    return ret;
}
