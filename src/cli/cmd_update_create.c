/*
 * sg17 update manifest create DESCRIPTION.json -o M.suit: build an unsigned
 * SUIT envelope from a JSON description (docs/SUIT.md; X.1368,
 * draft-ietf-suit-manifest-37).
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cmd_update.h"
#include "sg17/crypto.h"
#include "sg17/file.h"
#include "sg17/json.h"

typedef struct comp_store {
    uint8_t *image;
    size_t image_len;
    uint8_t *parts[8];
    size_t part_lens[8];
    const uint8_t *part_ptrs[8];
    char *uri;
} comp_store;

static int desc_component(const json_t *c, const char *base_dir, sg17_suit_component_desc *cd,
                          comp_store *st, size_t idx)
{
    const json_t *id = json_object_get(c, "id");
    const char *img = json_string_value(json_object_get(c, "image"));
    const char *uri = json_string_value(json_object_get(c, "uri"));
    char path[4096];
    if (!json_is_array(id) || json_array_size(id) == 0 || json_array_size(id) > 8 || img == NULL) {
        fprintf(stderr, "sg17 update: component %zu: needs \"id\" (1..8 strings) and \"image\"\n",
                idx);
        return -1;
    }
    for (size_t i = 0; i < json_array_size(id); i++) {
        const char *s = json_string_value(json_array_get(id, i));
        if (s == NULL) {
            fprintf(stderr, "sg17 update: component %zu: id part %zu is not a string\n", idx, i);
            return -1;
        }
        if (strncmp(s, "hex:", 4) == 0) {
            if (update_hex_decode(s + 4, strlen(s + 4), &st->parts[i], &st->part_lens[i]) != 0) {
                fprintf(stderr, "sg17 update: component %zu: bad hex in id part %zu\n", idx, i);
                return -1;
            }
        } else {
            st->part_lens[i] = strlen(s);
            st->parts[i] = malloc(st->part_lens[i] + 1);
            if (st->parts[i] == NULL)
                return -1;
            memcpy(st->parts[i], s, st->part_lens[i] + 1);
        }
        st->part_ptrs[i] = st->parts[i];
    }
    int w = img[0] == '/' ? snprintf(path, sizeof path, "%s", img)
                          : snprintf(path, sizeof path, "%s/%s", base_dir, img);
    if (w < 0 || (size_t)w >= sizeof path) {
        fprintf(stderr, "sg17 update: component %zu: image path too long\n", idx);
        return -1;
    }
    int rc = sg17_file_read(path, &st->image, &st->image_len, UPDATE_MAX_IMAGE);
    if (rc != 0) {
        fprintf(stderr, "sg17 update: component %zu: image %s: %s\n", idx, path,
                sg17_strerror(rc));
        return -1;
    }
    memset(cd, 0, sizeof *cd);
    cd->id_parts = st->part_ptrs;
    cd->id_part_lens = st->part_lens;
    cd->n_id_parts = json_array_size(id);
    sg17_sha256(cd->image_digest, st->image, st->image_len);
    cd->image_size = st->image_len;
    if (uri != NULL) {
        size_t ul = strlen(uri);
        st->uri = malloc(ul + 1);
        if (st->uri == NULL)
            return -1;
        memcpy(st->uri, uri, ul + 1);
        cd->uri = st->uri;
        if (uri[0] == '#') {
            cd->integrated = st->image;
            cd->integrated_len = st->image_len;
        }
    }
    return 0;
}

int update_cmd_create(int argc, char **argv)
{
    static const struct option opts[] = {{"output", required_argument, NULL, 'o'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    const char *out = NULL;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "o:h", opts, NULL)) != -1) {
        if (c == 'o')
            out = optarg;
        else
            return update_opt_other(c);
    }
    if (update_need_operand(argc, out != NULL, "create DESCRIPTION.json -o M.suit") != CLI_OK)
        return CLI_USAGE;
    const char *desc_path = argv[optind];
    sg17_json_limits lim = {1 << 20, 16, 0};
    sg17_json_error je;
    json_t *root = NULL;
    int rc = sg17_json_load_file(desc_path, &lim, &root, &je);
    if (rc != 0) {
        fprintf(stderr, "sg17 update: %s:%d:%d: %s\n", desc_path, je.line, je.column, je.text);
        return CLI_FAIL;
    }
    char base[4096];
    snprintf(base, sizeof base, "%s", desc_path);
    char *slash = strrchr(base, '/');
    if (slash != NULL)
        *slash = 0;
    else
        snprintf(base, sizeof base, ".");
    sg17_suit_desc d;
    sg17_suit_component_desc cds[SG17_SUIT_MAX_COMPONENTS];
    comp_store st[SG17_SUIT_MAX_COMPONENTS];
    sg17_buf env;
    memset(&d, 0, sizeof d);
    memset(st, 0, sizeof st);
    sg17_buf_init(&env, SG17_SUIT_MAX_ENVELOPE_BYTES);
    int ret = CLI_FAIL;
    const json_t *seq = json_object_get(root, "sequence-number");
    const json_t *comps = json_object_get(root, "components");
    const char *vendor = json_string_value(json_object_get(root, "vendor-id"));
    const char *cls = json_string_value(json_object_get(root, "class-id"));
    if (!json_is_integer(seq) || json_integer_value(seq) < 0 || !json_is_array(comps) ||
        json_array_size(comps) == 0 || json_array_size(comps) > SG17_SUIT_MAX_COMPONENTS) {
        fprintf(stderr, "sg17 update: %s: needs \"sequence-number\" (>= 0) and \"components\" "
                        "(1..%d)\n",
                desc_path, SG17_SUIT_MAX_COMPONENTS);
        goto cleanup;
    }
    d.sequence_number = (uint64_t)json_integer_value(seq);
    if (vendor != NULL) {
        if (update_parse_uuid(vendor, d.vendor_id) != 0) {
            fprintf(stderr, "sg17 update: %s: vendor-id is not a UUID\n", desc_path);
            goto cleanup;
        }
        d.has_vendor_id = 1;
    }
    if (cls != NULL) {
        if (update_parse_uuid(cls, d.class_id) != 0) {
            fprintf(stderr, "sg17 update: %s: class-id is not a UUID\n", desc_path);
            goto cleanup;
        }
        d.has_class_id = 1;
    }
    for (size_t i = 0; i < json_array_size(comps); i++)
        if (desc_component(json_array_get(comps, i), base, &cds[i], &st[i], i) != 0)
            goto cleanup;
    d.components = cds;
    d.n_components = json_array_size(comps);
    d.invoke = json_is_true(json_object_get(root, "invoke"));
    d.sever = json_is_true(json_object_get(root, "sever"));
    d.text = json_string_value(json_object_get(root, "text"));
    d.reference_uri = json_string_value(json_object_get(root, "reference-uri"));
    rc = sg17_suit_build(&d, &env);
    if (rc != 0) {
        fprintf(stderr, "sg17 update: building the envelope failed: %s\n", sg17_strerror(rc));
        goto cleanup;
    }
    ret = update_write_out(out, &env);
    if (ret == CLI_OK)
        fprintf(stderr, "sg17 update: wrote %s (%zu bytes, unsigned: run `sg17 update manifest "
                        "sign`)\n",
                out, env.len);
cleanup:
    for (size_t i = 0; i < SG17_SUIT_MAX_COMPONENTS; i++) {
        free(st[i].image);
        free(st[i].uri);
        for (size_t k = 0; k < 8; k++)
            free(st[i].parts[k]);
    }
    sg17_buf_free(&env, 0);
    json_decref(root);
    return ret;
}
