/*
 * sg17 update manifest show [--json]: what an envelope holds - manifest
 * version, sequence number and digest, the authentication blocks, component
 * ids, severable elements and the description text (X.1368,
 * draft-ietf-suit-manifest-37).
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cmd_update.h"
#include "sg17/cbor.h"

static void put_hex(FILE *f, const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        fprintf(f, "%02x", p[i]);
}

static void put_json_str(FILE *f, const char *s, size_t n)
{
    fputc('"', f);
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)s[i];
        if (ch == '"' || ch == '\\')
            fprintf(f, "\\%c", ch);
        else if (ch < 0x20)
            fprintf(f, "\\u%04x", ch);
        else
            fputc(ch, f);
    }
    fputc('"', f);
}

/* The manifest-description text (key 1 of suit-text), inline or severed. */
static int get_text(const sg17_suit_envelope *env, const uint8_t *envbuf, size_t envlen,
                    cbor_item_t **holder, const char **t, size_t *tl)
{
    size_t ml;
    const uint8_t *m = sg17_suit_manifest(env, &ml);
    cbor_item_t *man = NULL, *root = NULL, *txt = NULL;
    const cbor_item_t *v = NULL, *map = NULL, *d = NULL;
    const uint8_t *p;
    size_t n;
    uint64_t tag;
    int rc = -1;
    if (sg17_cbor_decode(m, ml, NULL, &man, NULL) != 0)
        return -1;
    if (sg17_cbor_map_get_int(man, SG17_SUIT_MAN_TEXT, &v) == 0 &&
        sg17_cbor_get_bstr(v, &p, &n) == 0) {
        rc = 0;
    } else if (v != NULL &&
               sg17_cbor_decode(envbuf, envlen, &(sg17_cbor_limits){SG17_SUIT_MAX_ENVELOPE_BYTES,
                                                                    16, 65536},
                                &root, NULL) == 0) {
        map = root;
        if (sg17_cbor_get_tag(root, &tag, &map) != 0)
            map = root;
        if (sg17_cbor_map_get_int(map, SG17_SUIT_MAN_TEXT, &d) == 0 &&
            sg17_cbor_get_bstr(d, &p, &n) == 0)
            rc = 0;
    }
    if (rc == 0) {
        rc = -1;
        /* draft -37: {lang-tag: {1: description}}; older drafts: {1: description} */
        if (sg17_cbor_decode(p, n, NULL, &txt, NULL) == 0 && cbor_isa_map(txt) &&
            cbor_map_size(txt) > 0) {
            const cbor_item_t *inner = cbor_map_handle(txt)[0].value;
            if (cbor_isa_map(inner) && sg17_cbor_map_get_int(inner, 1, &d) == 0 &&
                sg17_cbor_get_tstr(d, t, tl) == 0)
                rc = 0;
            else if (sg17_cbor_map_get_int(txt, 1, &d) == 0 && sg17_cbor_get_tstr(d, t, tl) == 0)
                rc = 0;
        }
    }
    sg17_cbor_free(man);
    sg17_cbor_free(root);
    if (rc == 0)
        *holder = txt;
    else
        sg17_cbor_free(txt);
    return rc;
}

int update_cmd_show(int argc, char **argv)
{
    static const struct option opts[] = {{"json", no_argument, NULL, 'j'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    int json = 0, c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "jh", opts, NULL)) != -1) {
        if (c == 'j')
            json = 1;
        else
            return update_opt_other(c);
    }
    update_envelope e;
    int ret = update_open_operand(argc, argv, 1, "show [--json] M.suit", &e);
    if (ret != CLI_OK)
        return ret;
    const sg17_suit_envelope *env = e.env;
    const size_t len = e.len;
    sg17_suit_summary s;
    sg17_suit_summary_get(env, &s);
    static const char *const sev_names[4] = {"coswid", "payload-fetch", "install", "text"};
    static const char *const sev_state[4] = {"absent", "inline", "severed",
                                             "severed+present"};
    cbor_item_t *txt_holder = NULL;
    const char *txt = NULL;
    size_t txt_len = 0;
    int have_text = get_text(env, e.buf, len, &txt_holder, &txt, &txt_len) == 0;
    FILE *f = stdout;
    if (json) {
        fprintf(f, "{\"size\":%zu,\"tag107\":%s,\"manifest_version\":%llu,"
                   "\"sequence_number\":%llu,\"digest_alg\":%lld,\"manifest_digest\":\"",
                len, s.tagged ? "true" : "false", (unsigned long long)s.manifest_version,
                (unsigned long long)s.sequence_number, (long long)s.digest_alg);
        put_hex(f, s.manifest_digest, 32);
        fprintf(f, "\",\"digest_matches\":%s,\"auth_blocks\":[", s.digest_ok ? "true" : "false");
    } else {
        fprintf(f, "envelope:        %zu bytes%s\nmanifest:        version %llu, sequence "
                   "number %llu, %zu bytes\ndigest:          SHA-256 ",
                len, s.tagged ? ", tag 107" : "", (unsigned long long)s.manifest_version,
                (unsigned long long)s.sequence_number, s.manifest_len);
        put_hex(f, s.manifest_digest, 32);
        fprintf(f, " (%s the authentication wrapper)\n", s.digest_ok ? "matches" : "DOES NOT MATCH");
        fprintf(f, "auth blocks:     %zu%s\n", s.auth_blocks, s.auth_blocks ? "" : " (unsigned)");
    }
    for (size_t i = 0; i < s.auth_blocks; i++) {
        const uint8_t *cb;
        size_t cl;
        sg17_cose_info ci;
        char why[SG17_SUIT_WHY_BYTES] = "";
        if (sg17_suit_auth_block(env, i, &cb, &cl) != 0 ||
            sg17_cose_parse(cb, cl, &ci, why, sizeof why) != 0) {
            if (json)
                fprintf(f, "%s{\"error\":\"malformed\"}", i ? "," : "");
            else
                fprintf(f, "  [%zu] malformed: %s\n", i, why);
            continue;
        }
        if (json)
            fprintf(f, "%s{\"cose\":\"%s\",\"alg\":\"%s\",\"alg_id\":%lld,\"sig_bytes\":%zu}",
                    i ? "," : "", ci.is_mac ? "COSE_Mac0" : "COSE_Sign1",
                    sg17_cose_alg_name(ci.alg), (long long)ci.alg, ci.sig_len);
        else
            fprintf(f, "  [%zu] %s %s (%lld), %zu-byte %s\n", i,
                    ci.is_mac ? "COSE_Mac0" : "COSE_Sign1", sg17_cose_alg_name(ci.alg),
                    (long long)ci.alg, ci.sig_len, ci.is_mac ? "tag" : "signature");
    }
    if (json)
        fprintf(f, "],\"components\":[");
    else
        fprintf(f, "components:      %zu\n", s.components);
    for (size_t i = 0; i < s.components; i++) {
        sg17_buf id;
        sg17_buf_init(&id, 4096);
        if (sg17_suit_component_id(env, i, &id) == 0) {
            if (json) {
                fprintf(f, "%s\"", i ? "," : "");
                put_hex(f, id.data, id.len);
                fputc('"', f);
            } else {
                fprintf(f, "  [%zu] id (CBOR) ", i);
                put_hex(f, id.data, id.len);
                fputc('\n', f);
            }
        }
        sg17_buf_free(&id, 0);
    }
    if (json) {
        fprintf(f, "],\"severable\":{");
        for (int i = 0; i < 4; i++)
            fprintf(f, "%s\"%s\":\"%s\"", i ? "," : "", sev_names[i], sev_state[s.severable[i]]);
        fprintf(f, "},\"integrated\":%zu", s.integrated);
        if (have_text) {
            fprintf(f, ",\"text\":");
            put_json_str(f, txt, txt_len);
        }
        fprintf(f, "}\n");
    } else {
        for (int i = 0; i < 4; i++)
            if (s.severable[i] != 0)
                fprintf(f, "%-16s %s\n", sev_names[i], sev_state[s.severable[i]]);
        fprintf(f, "integrated:      %zu\n", s.integrated);
        if (have_text)
            fprintf(f, "text:            %.*s\n", (int)(txt_len > 400 ? 400 : txt_len), txt);
    }
    sg17_cbor_free(txt_holder);
    update_envelope_free(&e);
    return CLI_OK;
}
