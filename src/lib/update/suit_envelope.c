/*
 * SUIT envelope decoding, digest, authentication under a device policy and
 * severable elements (draft-ietf-suit-manifest-37 §6.2, §8.2, §8.3, §8.4.12).
 */
#include <stdlib.h>
#include <string.h>

#include "sg17/cbor.h"
#include "sg17/crypto.h"
#include "sg17/suit.h"
#include "update_internal.h"

static const sg17_cbor_limits SUIT_LIM = {SG17_SUIT_MAX_ENVELOPE_BYTES, 16, 65536};
static const int64_t SEVERABLE_KEYS[4] = {SG17_SUIT_MAN_COSWID, SG17_SUIT_MAN_PAYLOAD_FETCH,
                                          SG17_SUIT_MAN_INSTALL, SG17_SUIT_MAN_TEXT};

int sg17_suit_severable_index(int64_t key)
{
    for (int i = 0; i < 4; i++)
        if (SEVERABLE_KEYS[i] == key)
            return i;
    return -1;
}

int suit_decode_inner(const uint8_t *p, size_t n, cbor_item_t **out)
{
    int rc = sg17_cbor_decode(p, n, &SUIT_LIM, out, NULL);
    return rc == SG17_E_UNSUPPORTED ? SG17_E_FORMAT : rc;
}

int suit_item_append(sg17_buf *b, const cbor_item_t *it)
{
    unsigned char *s = NULL;
    size_t cap = 0;
    size_t n = cbor_serialize_alloc(it, &s, &cap);
    if (n == 0) {
        free(s);
        return SG17_E_NOMEM;
    }
    int rc = sg17_buf_append(b, s, n);
    free(s);
    return rc;
}

int suit_digest_parse(const cbor_item_t *d, int64_t *alg, const uint8_t **h, size_t *hlen)
{
    size_t n = 0;
    if (sg17_cbor_get_array(d, &n) != 0 || n < 2 ||
        sg17_cbor_get_int(sg17_cbor_array_at(d, 0), alg) != 0 ||
        sg17_cbor_get_bstr(sg17_cbor_array_at(d, 1), h, hlen) != 0)
        return SG17_E_FORMAT;
    return 0;
}

/* SHA-256 over the CBOR bstr encoding of p[0..n) (head included). */
static void bstr_sha256(uint8_t out[32], const uint8_t *p, size_t n)
{
    uint8_t head[9];
    sg17_buf b;
    sg17_sha256_ctx c;
    sg17_buf_init(&b, sizeof head);
    if (sg17_cbor_enc_head(&b, 2, n) == 0)
        memcpy(head, b.data, b.len);
    sg17_sha256_init(&c);
    sg17_sha256_update(&c, head, b.len);
    sg17_sha256_update(&c, p, n);
    sg17_sha256_final(&c, out);
    sg17_buf_free(&b, 0);
}

const cbor_item_t *suit_env_member(const sg17_suit_envelope *env, int64_t key)
{
    for (size_t i = 0; i < env->n_members; i++)
        if (!env->members[i].is_text && env->members[i].ikey == key)
            return env->members[i].val;
    return NULL;
}

const cbor_item_t *suit_env_member_text(const sg17_suit_envelope *env, const char *k, size_t n)
{
    for (size_t i = 0; i < env->n_members; i++)
        if (env->members[i].is_text && env->members[i].tkey_len == n &&
            memcmp(env->members[i].tkey, k, n) == 0)
            return env->members[i].val;
    return NULL;
}

static int collect_members(sg17_suit_envelope *env, const cbor_item_t *map, char *why, size_t wn)
{
    size_t n = cbor_map_size(map);
    struct cbor_pair *pr = cbor_map_handle(map);
    if (!cbor_map_is_definite(map) || n > SUIT_MEMBERS_MAX) {
        sg17_suit_why(why, wn, "envelope: map must be definite with at most %d members",
                      SUIT_MEMBERS_MAX);
        return SG17_E_FORMAT;
    }
    for (size_t i = 0; i < n; i++) {
        suit_member *m = &env->members[env->n_members];
        memset(m, 0, sizeof *m);
        if (sg17_cbor_get_int(pr[i].key, &m->ikey) == 0) {
            if (suit_env_member(env, m->ikey) != NULL) {
                sg17_suit_why(why, wn, "envelope: duplicate key %lld", (long long)m->ikey);
                return SG17_E_FORMAT;
            }
        } else if (sg17_cbor_get_tstr(pr[i].key, &m->tkey, &m->tkey_len) == 0) {
            m->is_text = 1;
            if (suit_env_member_text(env, m->tkey, m->tkey_len) != NULL) {
                sg17_suit_why(why, wn, "envelope: duplicate text key");
                return SG17_E_FORMAT;
            }
        } else {
            sg17_suit_why(why, wn, "envelope: key %zu is neither integer nor text", i);
            return SG17_E_FORMAT;
        }
        m->val = pr[i].value;
        env->n_members++;
    }
    return 0;
}

static int decode_auth(sg17_suit_envelope *env, char *why, size_t wn)
{
    const cbor_item_t *a = suit_env_member(env, SG17_SUIT_ENV_AUTH);
    size_t n = 0;
    int rc;
    if (a == NULL || sg17_cbor_get_bstr(a, &env->auth_bytes, &env->auth_len) != 0) {
        sg17_suit_why(why, wn, "envelope: authentication wrapper (key 2) missing or not a bstr");
        return SG17_E_FORMAT;
    }
    rc = suit_decode_inner(env->auth_bytes, env->auth_len, &env->auth);
    if (rc != 0 || sg17_cbor_get_array(env->auth, &n) != 0 || n < 1 ||
        n > SG17_SUIT_MAX_AUTH_BLOCKS + 1) {
        sg17_suit_why(why, wn, "authentication wrapper: not an array of 1..%d bstr",
                      SG17_SUIT_MAX_AUTH_BLOCKS + 1);
        return rc == SG17_E_LIMIT ? rc : SG17_E_FORMAT;
    }
    for (size_t i = 0; i < n; i++) {
        const uint8_t *p;
        size_t l;
        if (sg17_cbor_get_bstr(sg17_cbor_array_at(env->auth, i), &p, &l) != 0) {
            sg17_suit_why(why, wn, "authentication wrapper: element %zu is not a bstr", i);
            return SG17_E_FORMAT;
        }
    }
    env->sum.auth_blocks = n - 1;
    if (sg17_cbor_get_bstr(sg17_cbor_array_at(env->auth, 0), &env->digest_bytes,
                           &env->digest_len) != 0)
        return SG17_E_FORMAT;
    const uint8_t *h = NULL;
    size_t hl = 0;
    rc = suit_decode_inner(env->digest_bytes, env->digest_len, &env->digest);
    if (rc != 0 || suit_digest_parse(env->digest, &env->sum.digest_alg, &h, &hl) != 0) {
        sg17_suit_why(why, wn, "authentication wrapper: malformed SUIT_Digest");
        return SG17_E_FORMAT;
    }
    uint8_t md[32];
    bstr_sha256(md, env->man_bytes, env->man_len);
    memcpy(env->sum.manifest_digest, md, 32);
    env->sum.digest_ok =
        env->sum.digest_alg == -16 && hl == 32 && memcmp(md, h, 32) == 0;
    return 0;
}

static int decode_manifest(sg17_suit_envelope *env, char *why, size_t wn)
{
    const cbor_item_t *m = suit_env_member(env, SG17_SUIT_ENV_MANIFEST);
    const cbor_item_t *v = NULL;
    const uint8_t *cp;
    size_t cn;
    if (m == NULL || sg17_cbor_get_bstr(m, &env->man_bytes, &env->man_len) != 0) {
        sg17_suit_why(why, wn, "envelope: manifest (key 3) missing or not a bstr");
        return SG17_E_FORMAT;
    }
    int rc = suit_decode_inner(env->man_bytes, env->man_len, &env->manifest);
    if (rc != 0 || !cbor_isa_map(env->manifest)) {
        sg17_suit_why(why, wn, "manifest: not a well-formed CBOR map");
        return rc == SG17_E_LIMIT ? rc : SG17_E_FORMAT;
    }
    if (sg17_cbor_map_get_int(env->manifest, SG17_SUIT_MAN_VERSION, &v) != 0 ||
        sg17_cbor_get_uint(v, &env->sum.manifest_version) != 0 ||
        env->sum.manifest_version != 1) {
        sg17_suit_why(why, wn, "manifest: manifest-version (1) missing or not 1");
        return SG17_E_FORMAT;
    }
    if (sg17_cbor_map_get_int(env->manifest, SG17_SUIT_MAN_SEQUENCE, &v) != 0 ||
        sg17_cbor_get_uint(v, &env->sum.sequence_number) != 0) {
        sg17_suit_why(why, wn, "manifest: manifest-sequence-number (2) missing or not a uint");
        return SG17_E_FORMAT;
    }
    if (sg17_cbor_map_get_int(env->manifest, SG17_SUIT_MAN_COMMON, &v) != 0 ||
        sg17_cbor_get_bstr(v, &cp, &cn) != 0 || suit_decode_inner(cp, cn, &env->common) != 0 ||
        !cbor_isa_map(env->common)) {
        sg17_suit_why(why, wn, "manifest: suit-common (3) missing or not a bstr-wrapped map");
        return SG17_E_FORMAT;
    }
    if (sg17_cbor_map_get_int(env->common, 2, &env->components) == 0) {
        size_t nc = 0;
        if (sg17_cbor_get_array(env->components, &nc) != 0 || nc == 0 ||
            nc > SG17_SUIT_MAX_COMPONENTS) {
            sg17_suit_why(why, wn, "suit-common: components must be 1..%d identifiers",
                          SG17_SUIT_MAX_COMPONENTS);
            return SG17_E_FORMAT;
        }
        env->sum.components = nc;
    }
    for (int i = 0; i < 4; i++) {
        rc = sg17_cbor_map_get_int(env->manifest, SEVERABLE_KEYS[i], &v);
        if (rc == SG17_E_NOTFOUND)
            continue;
        if (rc != 0)
            return SG17_E_FORMAT;
        if (cbor_isa_bytestring(v))
            env->sum.severable[i] = 1;
        else if (cbor_isa_array(v))
            env->sum.severable[i] = suit_env_member(env, SEVERABLE_KEYS[i]) != NULL ? 3 : 2;
        else {
            sg17_suit_why(why, wn, "manifest: member %lld is neither bstr nor SUIT_Digest",
                          (long long)SEVERABLE_KEYS[i]);
            return SG17_E_FORMAT;
        }
    }
    return 0;
}

int sg17_suit_decode(const uint8_t *buf, size_t len, sg17_suit_envelope **out, char *why,
                     size_t wn)
{
    sg17_suit_envelope *env;
    const cbor_item_t *map = NULL;
    uint64_t tag = 0;
    sg17_cbor_error ce = {0, ""};
    if (out == NULL || buf == NULL)
        return SG17_E_INVAL;
    *out = NULL;
    env = calloc(1, sizeof *env);
    if (env == NULL)
        return SG17_E_NOMEM;
    int rc = sg17_cbor_decode(buf, len, &SUIT_LIM, &env->root, &ce);
    if (rc != 0) {
        sg17_suit_why(why, wn, "envelope: CBOR decode error at offset %zu: %s", ce.offset, ce.text);
        rc = rc == SG17_E_UNSUPPORTED ? SG17_E_FORMAT : rc;
        goto fail;
    }
    map = env->root;
    if (sg17_cbor_get_tag(env->root, &tag, &map) == 0) {
        if (tag != SG17_SUIT_TAG_ENVELOPE) {
            sg17_suit_why(why, wn, "envelope: tag %llu, expected 107", (unsigned long long)tag);
            rc = SG17_E_FORMAT;
            goto fail;
        }
        env->sum.tagged = 1;
    }
    if (!cbor_isa_map(map)) {
        sg17_suit_why(why, wn, "envelope: not a map");
        rc = SG17_E_FORMAT;
        goto fail;
    }
    rc = collect_members(env, map, why, wn);
    if (rc == 0)
        rc = decode_manifest(env, why, wn);
    if (rc == 0)
        rc = decode_auth(env, why, wn);
    if (rc != 0)
        goto fail;
    for (size_t i = 0; i < env->n_members; i++)
        env->sum.integrated += env->members[i].is_text ? 1U : 0U;
    env->sum.manifest_len = env->man_len;
    *out = env;
    return 0;
fail:
    sg17_suit_free(env);
    return rc;
}

void sg17_suit_free(sg17_suit_envelope *env)
{
    if (env == NULL)
        return;
    sg17_cbor_free(env->common);
    sg17_cbor_free(env->manifest);
    sg17_cbor_free(env->digest);
    sg17_cbor_free(env->auth);
    sg17_cbor_free(env->root);
    free(env);
}

void sg17_suit_summary_get(const sg17_suit_envelope *env, sg17_suit_summary *s)
{
    if (env != NULL && s != NULL)
        *s = env->sum;
}

int sg17_suit_auth_block(const sg17_suit_envelope *env, size_t i, const uint8_t **cose,
                         size_t *len)
{
    if (env == NULL || i >= env->sum.auth_blocks)
        return SG17_E_NOTFOUND;
    return sg17_cbor_get_bstr(sg17_cbor_array_at(env->auth, i + 1), cose, len);
}

const uint8_t *sg17_suit_manifest(const sg17_suit_envelope *env, size_t *len)
{
    *len = env->man_len;
    return env->man_bytes;
}

int sg17_suit_component_id(const sg17_suit_envelope *env, size_t i, sg17_buf *out)
{
    if (env == NULL || out == NULL)
        return SG17_E_INVAL;
    if (env->components == NULL || i >= env->sum.components)
        return SG17_E_NOTFOUND;
    return suit_item_append(out, sg17_cbor_array_at(env->components, i));
}

int sg17_suit_signed_payload(const sg17_suit_envelope *env, sg17_buf *out)
{
    if (env == NULL || out == NULL)
        return SG17_E_INVAL;
    return sg17_buf_append(out, env->digest_bytes, env->digest_len);
}

int sg17_suit_authenticate(const sg17_suit_envelope *env, const sg17_suit_policy *pol, char *why,
                           size_t wn)
{
    sg17_buf payload;
    int ok_any = 0, ok_pq = 0, rc = 0;
    char last[SG17_SUIT_WHY_BYTES] = "no trust anchor";
    if (env == NULL || pol == NULL || (pol->anchors == NULL && pol->n_anchors > 0))
        return SG17_E_INVAL;
    if (env->sum.digest_alg != -16) {
        sg17_suit_why(why, wn, "manifest digest algorithm %lld is not SHA-256 (-16)",
                      (long long)env->sum.digest_alg);
        return SG17_E_VERIFY;
    }
    if (!env->sum.digest_ok) {
        sg17_suit_why(why, wn, "manifest digest mismatch: SHA-256 of the manifest differs from "
                               "the authentication wrapper's digest");
        return SG17_E_VERIFY;
    }
    if (env->sum.auth_blocks == 0) {
        sg17_suit_why(why, wn, "no authentication block (digest only): must not be processed");
        return SG17_E_AUTH;
    }
    sg17_buf_init(&payload, env->digest_len + 16);
    rc = sg17_suit_signed_payload(env, &payload);
    if (rc != 0)
        goto cleanup;
    for (size_t a = 0; a < pol->n_anchors; a++) {
        int ok = 0;
        for (size_t b = 0; b < env->sum.auth_blocks && !ok; b++) {
            const uint8_t *c;
            size_t cl;
            char w[SG17_SUIT_WHY_BYTES];
            if (sg17_suit_auth_block(env, b, &c, &cl) != 0)
                continue;
            w[0] = 0;
            int vr = sg17_cose_verify_detached(c, cl, payload.data, payload.len, &pol->anchors[a],
                                               w, sizeof w);
            if (vr == 0)
                ok = 1;
            else if (w[0] != 0)
                sg17_suit_why(last, sizeof last, "authentication block %zu: %s", b, w);
        }
        if (ok) {
            ok_any = 1;
            ok_pq |= sg17_cose_key_is_pq(pol->anchors[a].type);
        } else if (pol->mode == SG17_SUIT_ALL_OF) {
            sg17_suit_why(why, wn,
                          "policy all-of: trust anchor %zu (%s) has no valid authentication "
                          "block (%s)",
                          a, sg17_cose_key_type_name(pol->anchors[a].type), last);
            rc = SG17_E_AUTH;
            goto cleanup;
        }
    }
    if (!ok_any) {
        sg17_suit_why(why, wn, "signature invalid: no authentication block verifies with a "
                               "trust anchor (%s)", last);
        rc = SG17_E_VERIFY;
    } else if (pol->require_pq && !ok_pq) {
        sg17_suit_why(why, wn, "policy requires a post-quantum signature (HSS-LMS or ML-DSA); "
                               "only classical blocks verified");
        rc = SG17_E_AUTH;
    }
cleanup:
    sg17_buf_free(&payload, 0);
    return rc;
}

static int severed_check(const sg17_suit_envelope *env, int idx, const uint8_t **p, size_t *n,
                         char *why, size_t wn)
{
    const cbor_item_t *dig = NULL, *el = suit_env_member(env, SEVERABLE_KEYS[idx]);
    const uint8_t *h;
    size_t hl;
    int64_t alg;
    uint8_t md[32];
    if (sg17_cbor_map_get_int(env->manifest, SEVERABLE_KEYS[idx], &dig) != 0 ||
        suit_digest_parse(dig, &alg, &h, &hl) != 0)
        return SG17_E_FORMAT;
    if (el == NULL)
        return SG17_E_NOTFOUND;
    if (sg17_cbor_get_bstr(el, p, n) != 0) {
        sg17_suit_why(why, wn, "severable element %lld in the envelope is not a bstr",
                      (long long)SEVERABLE_KEYS[idx]);
        return SG17_E_FORMAT;
    }
    bstr_sha256(md, *p, *n);
    if (alg != -16 || hl != 32 || memcmp(md, h, 32) != 0) {
        sg17_suit_why(why, wn,
                      "severable element digest mismatch: element %lld must be rejected",
                      (long long)SEVERABLE_KEYS[idx]);
        return SG17_E_VERIFY;
    }
    return 0;
}

int suit_sequence_bytes(const sg17_suit_envelope *env, int64_t key, const uint8_t **p, size_t *n,
                        char *why, size_t wn)
{
    const cbor_item_t *v = NULL;
    int idx = sg17_suit_severable_index(key);
    int rc = sg17_cbor_map_get_int(env->manifest, key, &v);
    if (rc != 0)
        return rc == SG17_E_NOTFOUND ? rc : SG17_E_FORMAT;
    if (sg17_cbor_get_bstr(v, p, n) == 0)
        return 0;
    if (idx < 0) {
        sg17_suit_why(why, wn, "manifest: member %lld is not a bstr", (long long)key);
        return SG17_E_FORMAT;
    }
    rc = severed_check(env, idx, p, n, why, wn);
    if (rc == SG17_E_NOTFOUND)
        sg17_suit_why(why, wn, "severed member %lld is needed but not in the envelope",
                      (long long)key);
    return rc;
}

int sg17_suit_check_severable(const sg17_suit_envelope *env, char *why, size_t wn)
{
    if (env == NULL)
        return SG17_E_INVAL;
    for (int i = 0; i < 4; i++) {
        const uint8_t *p;
        size_t n;
        if (env->sum.severable[i] != 3)
            continue;
        int rc = severed_check(env, i, &p, &n, why, wn);
        if (rc != 0)
            return rc;
    }
    return 0;
}

int sg17_suit_verify(const sg17_suit_envelope *env, const sg17_suit_policy *pol, char *why,
                     size_t wn)
{
    int rc = sg17_suit_authenticate(env, pol, why, wn);
    if (rc == 0)
        rc = sg17_suit_check_severable(env, why, wn);
    if (rc != 0 || !pol->has_last_sequence)
        return rc;
    if (env->sum.sequence_number < pol->last_sequence) {
        sg17_suit_why(why, wn,
                      "rollback: manifest-sequence-number %llu < %llu last accepted (anti-rollback)",
                      (unsigned long long)env->sum.sequence_number,
                      (unsigned long long)pol->last_sequence);
        return SG17_E_STATE;
    }
    if (env->sum.sequence_number == pol->last_sequence && !pol->allow_equal_sequence) {
        sg17_suit_why(why, wn,
                      "replay: manifest-sequence-number %llu equals the last accepted one; an "
                      "update must be strictly newer",
                      (unsigned long long)env->sum.sequence_number);
        return SG17_E_STATE;
    }
    return 0;
}
