/*
 * Authoring side of SUIT (draft-ietf-suit-manifest-37 §8): building an
 * envelope from a description, adding authentication blocks, severing
 * elements (§8.4.12) and attaching SUIT_Encryption_Info
 * (draft-ietf-suit-firmware-encryption §3).
 */
#include <stdlib.h>
#include <string.h>

#include "sg17/cbor.h"
#include "sg17/crypto.h"
#include "sg17/suit.h"
#include "update_internal.h"

#define CK(x)                                                                                      \
    do {                                                                                           \
        if ((rc = (x)) != 0)                                                                       \
            goto cleanup;                                                                          \
    } while (0)

/* Reporting policy used on conditions and directives: send record on
 * success and failure, include system info (draft -37 §8.4.9, value 15). */
#define REPORT 15

static int enc_digest(sg17_buf *b, const uint8_t md[32])
{
    int rc = sg17_cbor_enc_array(b, 2);
    if (rc == 0)
        rc = sg17_cbor_enc_int(b, -16);
    if (rc == 0)
        rc = sg17_cbor_enc_bstr(b, md, 32);
    return rc;
}

static int bstr_of(sg17_buf *out, const sg17_buf *in)
{
    return sg17_cbor_enc_bstr(out, in->data, in->len);
}

/* SHA-256 over the bstr encoding of p (as the manifest digest, §8.3). */
static void bstr_digest(uint8_t md[32], const uint8_t *p, size_t n)
{
    sg17_buf b;
    sg17_buf_init(&b, 9);
    sg17_sha256_ctx c;
    sg17_sha256_init(&c);
    if (sg17_cbor_enc_head(&b, 2, n) == 0)
        sg17_sha256_update(&c, b.data, b.len);
    sg17_sha256_update(&c, p, n);
    sg17_sha256_final(&c, md);
    sg17_buf_free(&b, 0);
}

static int auth_digest_only(sg17_buf *out, const uint8_t *man, size_t man_len)
{
    uint8_t md[32];
    sg17_buf d;
    int rc;
    bstr_digest(md, man, man_len);
    sg17_buf_init(&d, 64);
    rc = enc_digest(&d, md);
    if (rc == 0)
        rc = sg17_cbor_enc_array(out, 1);
    if (rc == 0)
        rc = bstr_of(out, &d);
    sg17_buf_free(&d, 0);
    return rc;
}

static int shared_seq(sg17_buf *s, const sg17_suit_desc *d)
{
    int rc = 0;
    size_t nc = d->n_components;
    size_t items = 0;
    sg17_buf body;
    sg17_buf_init(&body, 1 << 16);
    for (size_t i = 0; i < nc; i++) {
        const sg17_suit_component_desc *c = &d->components[i];
        sg17_buf dg;
        size_t np = 2U + (d->has_vendor_id ? 1U : 0U) + (d->has_class_id ? 1U : 0U);
        if (nc > 1) {
            CK(sg17_cbor_enc_uint(&body, 12));
            CK(sg17_cbor_enc_uint(&body, i));
            items += 2;
        }
        CK(sg17_cbor_enc_uint(&body, 20));
        CK(sg17_cbor_enc_map(&body, np));
        if (d->has_vendor_id) {
            CK(sg17_cbor_enc_uint(&body, 1));
            CK(sg17_cbor_enc_bstr(&body, d->vendor_id, 16));
        }
        if (d->has_class_id) {
            CK(sg17_cbor_enc_uint(&body, 2));
            CK(sg17_cbor_enc_bstr(&body, d->class_id, 16));
        }
        sg17_buf_init(&dg, 64);
        rc = enc_digest(&dg, c->image_digest);
        if (rc == 0)
            rc = sg17_cbor_enc_uint(&body, 3);
        if (rc == 0)
            rc = bstr_of(&body, &dg);
        sg17_buf_free(&dg, 0);
        if (rc != 0)
            goto cleanup;
        CK(sg17_cbor_enc_uint(&body, 14));
        CK(sg17_cbor_enc_uint(&body, c->image_size));
        items += 2;
        if (d->has_vendor_id) {
            CK(sg17_cbor_enc_uint(&body, 1));
            CK(sg17_cbor_enc_uint(&body, REPORT));
            items += 2;
        }
        if (d->has_class_id) {
            CK(sg17_cbor_enc_uint(&body, 2));
            CK(sg17_cbor_enc_uint(&body, REPORT));
            items += 2;
        }
    }
    CK(sg17_cbor_enc_array(s, items));
    CK(sg17_buf_append(s, body.data, body.len));
cleanup:
    sg17_buf_free(&body, 0);
    return rc;
}

/* validate: image-match per component; install: fetch + image-match for
 * components with a uri. */
static int per_comp_seq(sg17_buf *s, const sg17_suit_desc *d, int install)
{
    int rc = 0;
    size_t items = 0, nc = d->n_components;
    sg17_buf body;
    sg17_buf_init(&body, 1 << 16);
    for (size_t i = 0; i < nc; i++) {
        const sg17_suit_component_desc *c = &d->components[i];
        if (install && c->uri == NULL)
            continue;
        if (nc > 1) {
            CK(sg17_cbor_enc_uint(&body, 12));
            CK(sg17_cbor_enc_uint(&body, i));
            items += 2;
        }
        if (install) {
            int enc = c->encryption_info != NULL;
            CK(sg17_cbor_enc_uint(&body, 20));
            CK(sg17_cbor_enc_map(&body, enc ? 2 : 1));
            if (enc) {
                CK(sg17_cbor_enc_uint(&body, 19));
                CK(sg17_cbor_enc_bstr(&body, c->encryption_info, c->encryption_info_len));
            }
            CK(sg17_cbor_enc_uint(&body, 21));
            CK(sg17_cbor_enc_tstr(&body, c->uri, strlen(c->uri)));
            CK(sg17_cbor_enc_uint(&body, 21));
            CK(sg17_cbor_enc_uint(&body, 2));
            items += 4;
        }
        CK(sg17_cbor_enc_uint(&body, 3));
        CK(sg17_cbor_enc_uint(&body, REPORT));
        items += 2;
    }
    CK(sg17_cbor_enc_array(s, items));
    CK(sg17_buf_append(s, body.data, body.len));
cleanup:
    sg17_buf_free(&body, 0);
    return rc;
}

static int common_map(sg17_buf *cm, const sg17_suit_desc *d)
{
    int rc;
    sg17_buf sh;
    sg17_buf_init(&sh, 1 << 16);
    CK(sg17_cbor_enc_map(cm, 2));
    CK(sg17_cbor_enc_uint(cm, 2));
    CK(sg17_cbor_enc_array(cm, d->n_components));
    for (size_t i = 0; i < d->n_components; i++) {
        const sg17_suit_component_desc *c = &d->components[i];
        CK(sg17_cbor_enc_array(cm, c->n_id_parts));
        for (size_t k = 0; k < c->n_id_parts; k++)
            CK(sg17_cbor_enc_bstr(cm, c->id_parts[k], c->id_part_lens[k]));
    }
    CK(shared_seq(&sh, d));
    CK(sg17_cbor_enc_uint(cm, 4));
    CK(bstr_of(cm, &sh));
cleanup:
    sg17_buf_free(&sh, 0);
    return rc;
}

static int validate_desc(const sg17_suit_desc *d)
{
    if (d == NULL || d->n_components == 0 || d->n_components > SG17_SUIT_MAX_COMPONENTS ||
        d->components == NULL)
        return SG17_E_INVAL;
    for (size_t i = 0; i < d->n_components; i++) {
        const sg17_suit_component_desc *c = &d->components[i];
        if (c->n_id_parts == 0 || c->id_parts == NULL || c->id_part_lens == NULL)
            return SG17_E_INVAL;
        if (c->uri != NULL && c->uri[0] == '#' && c->integrated == NULL && c->integrated_len)
            return SG17_E_INVAL;
    }
    return 0;
}

int sg17_suit_build(const sg17_suit_desc *d, sg17_buf *out)
{
    int rc = validate_desc(d);
    if (rc != 0 || out == NULL)
        return SG17_E_INVAL;
    sg17_buf man, cm, val, inst, inv, txt, auth, sev_inst, sev_txt;
    sg17_buf_init(&man, SG17_SUIT_MAX_ENVELOPE_BYTES);
    sg17_buf_init(&cm, 1 << 18);
    sg17_buf_init(&val, 1 << 16);
    sg17_buf_init(&inst, 1 << 18);
    sg17_buf_init(&inv, 64);
    sg17_buf_init(&txt, 1 << 16);
    sg17_buf_init(&auth, 256);
    sg17_buf_init(&sev_inst, 64);
    sg17_buf_init(&sev_txt, 64);
    int has_install = 0;
    for (size_t i = 0; i < d->n_components; i++)
        has_install |= d->components[i].uri != NULL;
    CK(common_map(&cm, d));
    CK(per_comp_seq(&val, d, 0));
    if (has_install)
        CK(per_comp_seq(&inst, d, 1));
    if (d->invoke) {
        CK(sg17_cbor_enc_array(&inv, d->n_components > 1 ? 4 : 2));
        if (d->n_components > 1) {
            CK(sg17_cbor_enc_uint(&inv, 12));
            CK(sg17_cbor_enc_uint(&inv, 0));
        }
        CK(sg17_cbor_enc_uint(&inv, 23));
        CK(sg17_cbor_enc_uint(&inv, 2));
    }
    if (d->text != NULL) {
        /* SUIT_Text_Map keyed by language tag (draft -37 §8.4.4) */
        CK(sg17_cbor_enc_map(&txt, 1));
        CK(sg17_cbor_enc_tstr(&txt, "en-US", 5));
        CK(sg17_cbor_enc_map(&txt, 1));
        CK(sg17_cbor_enc_uint(&txt, 1)); /* text-manifest-description */
        CK(sg17_cbor_enc_tstr(&txt, d->text, strlen(d->text)));
    }
    size_t nm = 4U + (d->reference_uri != NULL ? 1U : 0U) + (d->invoke ? 1U : 0U) +
                (has_install ? 1U : 0U) + (d->text != NULL ? 1U : 0U);
    CK(sg17_cbor_enc_map(&man, nm));
    CK(sg17_cbor_enc_uint(&man, 1));
    CK(sg17_cbor_enc_uint(&man, 1));
    CK(sg17_cbor_enc_uint(&man, 2));
    CK(sg17_cbor_enc_uint(&man, d->sequence_number));
    CK(sg17_cbor_enc_uint(&man, 3));
    CK(bstr_of(&man, &cm));
    if (d->reference_uri != NULL) {
        CK(sg17_cbor_enc_uint(&man, 4));
        CK(sg17_cbor_enc_tstr(&man, d->reference_uri, strlen(d->reference_uri)));
    }
    CK(sg17_cbor_enc_uint(&man, 7));
    CK(bstr_of(&man, &val));
    if (d->invoke) {
        CK(sg17_cbor_enc_uint(&man, 9));
        CK(bstr_of(&man, &inv));
    }
    if (has_install) {
        CK(sg17_cbor_enc_uint(&man, 20));
        if (d->sever) {
            uint8_t md[32];
            bstr_digest(md, inst.data, inst.len);
            CK(enc_digest(&man, md));
        } else {
            CK(bstr_of(&man, &inst));
        }
    }
    if (d->text != NULL) {
        CK(sg17_cbor_enc_uint(&man, 23));
        if (d->sever) {
            uint8_t md[32];
            bstr_digest(md, txt.data, txt.len);
            CK(enc_digest(&man, md));
        } else {
            CK(bstr_of(&man, &txt));
        }
    }
    CK(auth_digest_only(&auth, man.data, man.len));
    size_t n_integrated = 0;
    for (size_t i = 0; i < d->n_components; i++)
        n_integrated += d->components[i].uri != NULL && d->components[i].uri[0] == '#';
    size_t ne = 2U + n_integrated +
                (d->sever ? (has_install ? 1U : 0U) + (d->text != NULL ? 1U : 0U) : 0U);
    CK(sg17_cbor_enc_tag(out, SG17_SUIT_TAG_ENVELOPE));
    CK(sg17_cbor_enc_map(out, ne));
    CK(sg17_cbor_enc_uint(out, 2));
    CK(bstr_of(out, &auth));
    CK(sg17_cbor_enc_uint(out, 3));
    CK(bstr_of(out, &man));
    if (d->sever && has_install) {
        CK(sg17_cbor_enc_uint(out, 20));
        CK(bstr_of(out, &inst));
    }
    if (d->sever && d->text != NULL) {
        CK(sg17_cbor_enc_uint(out, 23));
        CK(bstr_of(out, &txt));
    }
    for (size_t i = 0; i < d->n_components; i++) {
        const sg17_suit_component_desc *c = &d->components[i];
        if (c->uri == NULL || c->uri[0] != '#')
            continue;
        CK(sg17_cbor_enc_tstr(out, c->uri, strlen(c->uri)));
        CK(sg17_cbor_enc_bstr(out, c->integrated, c->integrated_len));
    }
cleanup:
    sg17_buf_free(&man, 0);
    sg17_buf_free(&cm, 0);
    sg17_buf_free(&val, 0);
    sg17_buf_free(&inst, 0);
    sg17_buf_free(&inv, 0);
    sg17_buf_free(&txt, 0);
    sg17_buf_free(&auth, 0);
    sg17_buf_free(&sev_inst, 0);
    sg17_buf_free(&sev_txt, 0);
    return rc;
}

/* Write an envelope: auth wrapper and manifest given; other members copied
 * from env except keys 2 and 3, those with skip(key) true, plus extras. */
typedef struct extra_member {
    int64_t key;
    const uint8_t *val; /* content of a bstr */
    size_t len;
} extra_member;

static int write_envelope(sg17_buf *out, const sg17_suit_envelope *env, const sg17_buf *auth,
                          const uint8_t *man, size_t man_len, unsigned skip_mask,
                          const extra_member *extra, size_t n_extra)
{
    int rc;
    size_t n = 2 + n_extra;
    /* skip_mask bit i: drop the member of SEVERABLE_KEYS index i */
    for (size_t i = 0; i < env->n_members; i++) {
        const suit_member *m = &env->members[i];
        if (!m->is_text && (m->ikey == 2 || m->ikey == 3))
            continue;
        int si = m->is_text ? -1 : sg17_suit_severable_index(m->ikey);
        if (si >= 0 && (skip_mask >> si & 1U))
            continue;
        n++;
    }
    if (env->sum.tagged)
        CK(sg17_cbor_enc_tag(out, SG17_SUIT_TAG_ENVELOPE));
    CK(sg17_cbor_enc_map(out, n));
    CK(sg17_cbor_enc_uint(out, 2));
    CK(sg17_cbor_enc_bstr(out, auth->data, auth->len));
    CK(sg17_cbor_enc_uint(out, 3));
    CK(sg17_cbor_enc_bstr(out, man, man_len));
    for (size_t i = 0; i < n_extra; i++) {
        CK(sg17_cbor_enc_int(out, extra[i].key));
        CK(sg17_cbor_enc_bstr(out, extra[i].val, extra[i].len));
    }
    for (size_t i = 0; i < env->n_members; i++) {
        const suit_member *m = &env->members[i];
        if (!m->is_text && (m->ikey == 2 || m->ikey == 3))
            continue;
        int si = m->is_text ? -1 : sg17_suit_severable_index(m->ikey);
        if (si >= 0 && (skip_mask >> si & 1U))
            continue;
        if (m->is_text)
            CK(sg17_cbor_enc_tstr(out, m->tkey, m->tkey_len));
        else
            CK(sg17_cbor_enc_int(out, m->ikey));
        CK(suit_item_append(out, m->val));
    }
cleanup:
    return rc;
}

int sg17_suit_add_auth(const sg17_suit_envelope *env, const uint8_t *cose, size_t cose_len,
                       sg17_buf *out)
{
    int rc;
    sg17_buf auth;
    if (env == NULL || cose == NULL || out == NULL)
        return SG17_E_INVAL;
    if (env->sum.auth_blocks >= SG17_SUIT_MAX_AUTH_BLOCKS)
        return SG17_E_LIMIT;
    sg17_buf_init(&auth, env->auth_len + cose_len + 64);
    CK(sg17_cbor_enc_array(&auth, env->sum.auth_blocks + 2));
    for (size_t i = 0; i <= env->sum.auth_blocks; i++) {
        const uint8_t *p;
        size_t l;
        CK(sg17_cbor_get_bstr(sg17_cbor_array_at(env->auth, i), &p, &l));
        CK(sg17_cbor_enc_bstr(&auth, p, l));
    }
    CK(sg17_cbor_enc_bstr(&auth, cose, cose_len));
    CK(write_envelope(out, env, &auth, env->man_bytes, env->man_len, 0, NULL, 0));
cleanup:
    sg17_buf_free(&auth, 0);
    return rc;
}

/* Copy the manifest map, replacing member `key` by replacement (an encoded
 * value) and, with sever set, inline severable members by their digest. */
static int rewrite_manifest(sg17_buf *man, const sg17_suit_envelope *env, int64_t key,
                            const sg17_buf *replacement, int sever, extra_member *ext,
                            size_t *n_ext)
{
    int rc = 0;
    size_t n = cbor_map_size(env->manifest);
    struct cbor_pair *pr = cbor_map_handle(env->manifest);
    CK(sg17_cbor_enc_map(man, n));
    for (size_t i = 0; i < n; i++) {
        int64_t k = 0;
        const uint8_t *p;
        size_t l;
        CK(suit_item_append(man, pr[i].key));
        if (sg17_cbor_get_int(pr[i].key, &k) != 0)
            k = INT64_MIN;
        if (replacement != NULL && k == key) {
            CK(sg17_buf_append(man, replacement->data, replacement->len));
        } else if (sever && sg17_suit_severable_index(k) >= 0 &&
                   sg17_cbor_get_bstr(pr[i].value, &p, &l) == 0) {
            uint8_t md[32];
            bstr_digest(md, p, l);
            CK(enc_digest(man, md));
            ext[*n_ext] = (extra_member){k, p, l};
            (*n_ext)++;
        } else {
            CK(suit_item_append(man, pr[i].value));
        }
    }
cleanup:
    return rc;
}

int sg17_suit_sever(const sg17_suit_envelope *env, int inline_to_severed, sg17_buf *out)
{
    int rc;
    if (env == NULL || out == NULL)
        return SG17_E_INVAL;
    if (!inline_to_severed) {
        sg17_buf auth;
        unsigned mask = 0;
        for (int i = 0; i < 4; i++)
            if (env->sum.severable[i] == 3)
                mask |= 1U << i;
        sg17_buf_init(&auth, env->auth_len + 16);
        rc = sg17_buf_append(&auth, env->auth_bytes, env->auth_len);
        if (rc == 0)
            rc = write_envelope(out, env, &auth, env->man_bytes, env->man_len, mask, NULL, 0);
        sg17_buf_free(&auth, 0);
        return rc;
    }
    sg17_buf man, auth;
    extra_member ext[4];
    size_t n_ext = 0;
    sg17_buf_init(&man, SG17_SUIT_MAX_ENVELOPE_BYTES);
    sg17_buf_init(&auth, 256);
    CK(rewrite_manifest(&man, env, 0, NULL, 1, ext, &n_ext));
    CK(auth_digest_only(&auth, man.data, man.len));
    /* a stale envelope copy of a member that was inline gives way to the new one */
    unsigned drop = 0;
    for (size_t i = 0; i < n_ext; i++)
        drop |= 1U << sg17_suit_severable_index(ext[i].key);
    CK(write_envelope(out, env, &auth, man.data, man.len, drop, ext, n_ext));
cleanup:
    sg17_buf_free(&man, 0);
    sg17_buf_free(&auth, 0);
    return rc;
}

int sg17_suit_set_encryption(const sg17_suit_envelope *env, size_t comp, const uint8_t *encinfo,
                             size_t encinfo_len, sg17_buf *out)
{
    int rc;
    const uint8_t *p;
    size_t l, n = 0;
    cbor_item_t *seq = NULL;
    int64_t key = SG17_SUIT_MAN_INSTALL;
    if (env == NULL || encinfo == NULL || out == NULL)
        return SG17_E_INVAL;
    if (comp >= env->sum.components)
        return SG17_E_NOTFOUND;
    rc = suit_sequence_bytes(env, key, &p, &l, NULL, 0);
    if (rc == SG17_E_NOTFOUND) {
        key = SG17_SUIT_MAN_PAYLOAD_FETCH;
        rc = suit_sequence_bytes(env, key, &p, &l, NULL, 0);
    }
    if (rc != 0)
        return rc;
    sg17_buf s, val, man, auth;
    sg17_buf_init(&s, l + encinfo_len + 64);
    sg17_buf_init(&val, l + encinfo_len + 80);
    sg17_buf_init(&man, SG17_SUIT_MAX_ENVELOPE_BYTES);
    sg17_buf_init(&auth, 256);
    CK(suit_decode_inner(p, l, &seq));
    CK(sg17_cbor_get_array(seq, &n));
    CK(sg17_cbor_enc_array(&s, n + 4));
    CK(sg17_cbor_enc_uint(&s, 12));
    CK(sg17_cbor_enc_uint(&s, comp));
    CK(sg17_cbor_enc_uint(&s, 20));
    CK(sg17_cbor_enc_map(&s, 1));
    CK(sg17_cbor_enc_uint(&s, 19));
    CK(sg17_cbor_enc_bstr(&s, encinfo, encinfo_len));
    for (size_t i = 0; i < n; i++)
        CK(suit_item_append(&s, sg17_cbor_array_at(seq, i)));
    CK(sg17_cbor_enc_bstr(&val, s.data, s.len));
    CK(rewrite_manifest(&man, env, key, &val, 0, NULL, NULL));
    CK(auth_digest_only(&auth, man.data, man.len));
    /* the sequence is now inline: drop a severed copy of it */
    CK(write_envelope(out, env, &auth, man.data, man.len,
                      1U << sg17_suit_severable_index(key), NULL, 0));
cleanup:
    sg17_cbor_free(seq);
    sg17_buf_free(&s, 0);
    sg17_buf_free(&val, 0);
    sg17_buf_free(&man, 0);
    sg17_buf_free(&auth, 0);
    return rc;
}
