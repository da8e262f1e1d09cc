/*
 * The SUIT command-sequence interpreter (draft-ietf-suit-manifest-37 §6.4,
 * §8.4.8-§8.4.10), run against device callbacks. try-each and run-sequence
 * push frames on a fixed stack (no recursion); nested sequences decoded on
 * the way stay alive in a small arena until the run ends, so parameters may
 * borrow from them.
 */
#include <stdlib.h>
#include <string.h>

#include "sg17/cbor.h"
#include "sg17/crypto.h"
#include "sg17/suit.h"
#include "update_internal.h"

#define ARENA_MAX 64
#define COND_FAIL 1

/* Parameter ids (draft -37 §8.4.8, IANA "SUIT Parameters"). */
enum {
    P_VENDOR = 1, P_CLASS = 2, P_DIGEST = 3, P_SLOT = 5, P_SIZE = 14, P_CONTENT = 18,
    P_ENCINFO = 19, P_URI = 21, P_SOURCE = 22, P_ARGS = 23, P_DEVICE = 24,
};

typedef struct bytes {
    const uint8_t *p;
    size_t n;
} bytes;

typedef struct comp_params {
    uint32_t have; /* bit i: parameter i set (ids < 32) */
    bytes vendor, class_id, digest, content, encinfo, uri, args, device;
    uint64_t size, slot, source;
} comp_params;

typedef struct frame {
    const cbor_item_t *seq;
    size_t pos, n;
    const cbor_item_t *try_arr; /* non-NULL: this frame is alternative alt of a try-each */
    size_t alt;
} frame;

typedef struct run {
    const sg17_suit_envelope *env;
    const sg17_suit_policy *pol;
    const sg17_suit_ops *ops;
    cbor_item_t *arena[ARENA_MAX];
    size_t n_arena;
    comp_params par[SG17_SUIT_MAX_COMPONENTS];
    size_t ncomp;
    uint32_t sel; /* selected components */
    frame st[SG17_SUIT_MAX_NESTING];
    size_t depth;
    uint32_t dep_mask;            /* components that are dependencies (trust domains) */
    sg17_buf dep[SG17_SUIT_MAX_COMPONENTS]; /* fetched dependency envelopes */
    int64_t cur_key;              /* manifest member of the running step */
    unsigned level;               /* 0 = root manifest, 1 = inside process-dependency */
    char *why;
    size_t wn;
} run;

static int run_steps(const sg17_suit_envelope *env, const sg17_suit_policy *pol,
                     const sg17_suit_ops *ops, unsigned steps, unsigned level, char *why,
                     size_t wn);

static const struct {
    unsigned step;
    int64_t key;
    const char *name;
} STEPS[] = {
    {SG17_SUIT_STEP_DEPENDENCY_RESOLUTION, SG17_SUIT_MAN_DEPENDENCY_RESOLUTION,
     "dependency-resolution"},
    {SG17_SUIT_STEP_PAYLOAD_FETCH, SG17_SUIT_MAN_PAYLOAD_FETCH, "payload-fetch"},
    {SG17_SUIT_STEP_INSTALL, SG17_SUIT_MAN_INSTALL, "install"},
    {SG17_SUIT_STEP_VALIDATE, SG17_SUIT_MAN_VALIDATE, "validate"},
    {SG17_SUIT_STEP_LOAD, SG17_SUIT_MAN_LOAD, "load"},
    {SG17_SUIT_STEP_INVOKE, SG17_SUIT_MAN_INVOKE, "invoke"},
};

static int arena_decode(run *r, const uint8_t *p, size_t n, const cbor_item_t **out)
{
    if (r->n_arena >= ARENA_MAX) {
        sg17_suit_why(r->why, r->wn, "too many nested sequences (cap %d)", ARENA_MAX);
        return SG17_E_LIMIT;
    }
    cbor_item_t *it = NULL;
    int rc = suit_decode_inner(p, n, &it);
    if (rc != 0) {
        sg17_suit_why(r->why, r->wn, "nested command sequence is not well-formed CBOR");
        return rc;
    }
    r->arena[r->n_arena++] = it;
    *out = it;
    return 0;
}

static int push_seq(run *r, const uint8_t *p, size_t n, const cbor_item_t *try_arr, size_t alt)
{
    const cbor_item_t *seq = NULL;
    size_t len = 0;
    if (r->depth >= SG17_SUIT_MAX_NESTING) {
        sg17_suit_why(r->why, r->wn, "command sequences nested deeper than %d",
                      SG17_SUIT_MAX_NESTING);
        return SG17_E_LIMIT;
    }
    int rc = arena_decode(r, p, n, &seq);
    if (rc != 0)
        return rc;
    if (sg17_cbor_get_array(seq, &len) != 0 || len % 2 != 0) {
        sg17_suit_why(r->why, r->wn, "command sequence is not an array of command/argument pairs");
        return SG17_E_FORMAT;
    }
    r->st[r->depth++] = (frame){seq, 0, len, try_arr, alt};
    return 0;
}

static void hex16(char out[33], const uint8_t *p, size_t n)
{
    static const char hx[] = "0123456789abcdef";
    size_t i = 0;
    for (; i < n && i < 16; i++) {
        out[2 * i] = hx[p[i] >> 4];
        out[2 * i + 1] = hx[p[i] & 15];
    }
    out[2 * i] = 0;
}

static int set_param(run *r, comp_params *cp, int64_t id, const cbor_item_t *v, int only_unset)
{
    if (id >= 0 && id < 32 && only_unset && (cp->have >> id & 1U))
        return 0;
    int rc = 0;
    switch (id) {
    case P_VENDOR: rc = sg17_cbor_get_bstr(v, &cp->vendor.p, &cp->vendor.n); break;
    case P_CLASS: rc = sg17_cbor_get_bstr(v, &cp->class_id.p, &cp->class_id.n); break;
    case P_DEVICE: rc = sg17_cbor_get_bstr(v, &cp->device.p, &cp->device.n); break;
    case P_DIGEST: rc = sg17_cbor_get_bstr(v, &cp->digest.p, &cp->digest.n); break;
    case P_CONTENT: rc = sg17_cbor_get_bstr(v, &cp->content.p, &cp->content.n); break;
    case P_ENCINFO: rc = sg17_cbor_get_bstr(v, &cp->encinfo.p, &cp->encinfo.n); break;
    case P_ARGS: rc = sg17_cbor_get_bstr(v, &cp->args.p, &cp->args.n); break;
    case P_URI: {
        const char *s;
        rc = sg17_cbor_get_tstr(v, &s, &cp->uri.n);
        cp->uri.p = (const uint8_t *)s;
        break;
    }
    case P_SIZE: rc = sg17_cbor_get_uint(v, &cp->size); break;
    case P_SLOT: rc = sg17_cbor_get_uint(v, &cp->slot); break;
    case P_SOURCE: rc = sg17_cbor_get_uint(v, &cp->source); break;
    default: return 0; /* other parameters carry nothing this device acts on */
    }
    if (rc != 0) {
        sg17_suit_why(r->why, r->wn, "parameter %lld has the wrong type", (long long)id);
        return SG17_E_FORMAT;
    }
    cp->have |= 1U << id;
    return 0;
}

static int params_cmd(run *r, const cbor_item_t *map, int only_unset)
{
    if (!cbor_isa_map(map) || !cbor_map_is_definite(map)) {
        sg17_suit_why(r->why, r->wn, "override-parameters argument is not a map");
        return SG17_E_FORMAT;
    }
    size_t n = cbor_map_size(map);
    struct cbor_pair *pr = cbor_map_handle(map);
    for (size_t c = 0; c < r->ncomp; c++) {
        if (!(r->sel >> c & 1U))
            continue;
        for (size_t i = 0; i < n; i++) {
            int64_t id;
            if (sg17_cbor_get_int(pr[i].key, &id) != 0) {
                sg17_suit_why(r->why, r->wn, "parameter key is not an integer");
                return SG17_E_FORMAT;
            }
            int rc = set_param(r, &r->par[c], id, pr[i].value, only_unset);
            if (rc != 0)
                return rc;
        }
    }
    return 0;
}

static int set_index(run *r, const cbor_item_t *arg)
{
    uint64_t i;
    int b;
    size_t n;
    if (sg17_cbor_get_uint(arg, &i) == 0) {
        if (i >= r->ncomp)
            goto bad;
        r->sel = 1U << i;
        return 0;
    }
    if (sg17_cbor_get_bool(arg, &b) == 0 && b) {
        r->sel = (uint32_t)((1ULL << r->ncomp) - 1U);
        return 0;
    }
    if (sg17_cbor_get_array(arg, &n) == 0 && n > 0) {
        uint32_t m = 0;
        for (size_t k = 0; k < n; k++) {
            if (sg17_cbor_get_uint(sg17_cbor_array_at(arg, k), &i) != 0 || i >= r->ncomp)
                goto bad;
            m |= 1U << i;
        }
        r->sel = m;
        return 0;
    }
bad:
    sg17_suit_why(r->why, r->wn, "set-component-index: bad index (manifest has %zu components)",
                  r->ncomp);
    return SG17_E_FORMAT;
}

static int comp_digest(run *r, size_t c, uint8_t md[32], uint64_t *size)
{
    const sg17_suit_ops *o = r->ops;
    if (o != NULL && o->digest != NULL)
        return o->digest(o->ctx, c, md, size);
    if (o == NULL || o->read == NULL)
        return SG17_E_NOTFOUND;
    sg17_buf b;
    sg17_buf_init(&b, SG17_SUIT_MAX_PAYLOAD_BYTES);
    int rc = o->read(o->ctx, c, &b);
    if (rc == 0) {
        sg17_sha256(md, b.data, b.len);
        *size = b.len;
    }
    sg17_buf_free(&b, 0);
    return rc;
}

static int cond_image(run *r, size_t c)
{
    comp_params *cp = &r->par[c];
    cbor_item_t *d = NULL;
    int64_t alg;
    const uint8_t *h;
    size_t hl;
    uint8_t md[32];
    uint64_t size = 0;
    if (!(cp->have >> P_DIGEST & 1U)) {
        sg17_suit_why(r->why, r->wn, "condition-image-match: component %zu has no image-digest", c);
        return SG17_E_FORMAT;
    }
    int rc = suit_decode_inner(cp->digest.p, cp->digest.n, &d);
    if (rc == 0)
        rc = suit_digest_parse(d, &alg, &h, &hl);
    if (rc == 0 && (alg != -16 || hl != 32))
        rc = SG17_E_UNSUPPORTED;
    if (rc == 0)
        memcpy(md, h, 32);
    sg17_cbor_free(d);
    if (rc != 0) {
        sg17_suit_why(r->why, r->wn, "condition-image-match: image-digest must be SHA-256");
        return rc == SG17_E_UNSUPPORTED ? rc : SG17_E_FORMAT;
    }
    uint8_t got[32];
    if (r->dep_mask >> c & 1U) {
        /* A dependency's "image" is its manifest: compare the digest of its
         * bstr-wrapped manifest (trust-domains, dependency-integrity). */
        sg17_suit_envelope *de = NULL;
        rc = r->dep[c].len == 0 ? SG17_E_NOTFOUND
                                : sg17_suit_decode(r->dep[c].data, r->dep[c].len, &de, NULL, 0);
        if (rc == 0) {
            memcpy(got, de->sum.manifest_digest, 32);
            size = r->dep[c].len;
            if (!de->sum.digest_ok)
                got[0] ^= 1; /* its own wrapper disagrees: never a match */
        }
        sg17_suit_free(de);
    } else {
        rc = comp_digest(r, c, got, &size);
    }
    if (rc != 0) {
        sg17_suit_why(r->why, r->wn, "condition-image-match failed: component %zu has no image (%s)",
                      c, sg17_strerror(rc));
        return COND_FAIL;
    }
    if (memcmp(got, md, 32) != 0 ||
        ((cp->have >> P_SIZE & 1U) && size != cp->size && !(r->dep_mask >> c & 1U))) {
        char a[33], b[33];
        hex16(a, md, 8);
        hex16(b, got, 8);
        sg17_suit_why(r->why, r->wn,
                      "condition-image-match failed on component %zu: image digest %s... != "
                      "manifest %s... (validate fails: do not invoke)",
                      c, b, a);
        return COND_FAIL;
    }
    return 0;
}

static int cond_id(run *r, size_t c, int which)
{
    comp_params *cp = &r->par[c];
    const sg17_suit_policy *pol = r->pol;
    int want = which == P_VENDOR  ? pol->has_vendor_id
               : which == P_CLASS ? pol->has_class_id
                                  : pol->has_device_id;
    const uint8_t *mine = which == P_VENDOR  ? pol->vendor_id
                          : which == P_CLASS ? pol->class_id
                                             : pol->device_id;
    bytes *b = which == P_VENDOR ? &cp->vendor : which == P_CLASS ? &cp->class_id : &cp->device;
    const char *name = which == P_VENDOR ? "vendor" : which == P_CLASS ? "class" : "device";
    if (!(cp->have >> which & 1U)) {
        sg17_suit_why(r->why, r->wn, "condition-%s-identifier: parameter not set on component %zu",
                      name, c);
        return SG17_E_FORMAT;
    }
    if (!want)
        return 0; /* the device has no such identity configured: nothing to compare */
    if (b->n != 16 || memcmp(b->p, mine, 16) != 0) {
        char a[33], m[33];
        hex16(a, b->p, b->n);
        hex16(m, mine, 16);
        sg17_suit_why(r->why, r->wn,
                      "condition-%s-identifier failed: manifest is for %s %s, device is %s", name,
                      name, a, m);
        return COND_FAIL;
    }
    return 0;
}

static int cond_content(run *r, size_t c)
{
    comp_params *cp = &r->par[c];
    if (!(cp->have >> P_CONTENT & 1U) || r->ops == NULL || r->ops->read == NULL) {
        sg17_suit_why(r->why, r->wn, "condition-check-content: no content parameter or reader");
        return COND_FAIL;
    }
    sg17_buf b;
    sg17_buf_init(&b, cp->content.n + 1);
    int rc = r->ops->read(r->ops->ctx, c, &b);
    int same = rc == 0 && b.len == cp->content.n &&
               (b.len == 0 || memcmp(b.data, cp->content.p, b.len) == 0);
    sg17_buf_free(&b, 1);
    if (!same) {
        sg17_suit_why(r->why, r->wn, "condition-check-content failed on component %zu", c);
        return COND_FAIL;
    }
    return 0;
}

/* Decrypt (if the component has encryption-info) and write data to c. */
static int deliver(run *r, size_t c, const uint8_t *data, size_t len)
{
    comp_params *cp = &r->par[c];
    if (r->dep_mask >> c & 1U) {
        sg17_buf_reset(&r->dep[c]);
        if (cp->have >> P_ENCINFO & 1U) {
            sg17_suit_why(r->why, r->wn, "encrypted dependency manifests are not supported");
            return SG17_E_UNSUPPORTED;
        }
        return sg17_buf_append(&r->dep[c], data, len);
    }
    if (r->ops == NULL || r->ops->write == NULL) {
        sg17_suit_why(r->why, r->wn, "no writer for component %zu", c);
        return SG17_E_UNSUPPORTED;
    }
    if (!(cp->have >> P_ENCINFO & 1U))
        return r->ops->write(r->ops->ctx, c, data, len);
    sg17_buf pt;
    sg17_buf_init(&pt, SG17_SUIT_MAX_PAYLOAD_BYTES);
    int rc = sg17_suit_decrypt(cp->encinfo.p, cp->encinfo.n, r->pol->dec_keys,
                               r->pol->n_dec_keys, data, len, &pt, r->why, r->wn);
    if (rc == 0)
        rc = r->ops->write(r->ops->ctx, c, pt.data, pt.len);
    sg17_buf_free(&pt, 1);
    return rc;
}

static int dir_fetch(run *r, size_t c)
{
    comp_params *cp = &r->par[c];
    if (!(cp->have >> P_URI & 1U)) {
        sg17_suit_why(r->why, r->wn, "directive-fetch: component %zu has no uri", c);
        return SG17_E_FORMAT;
    }
    if (cp->uri.n > 0 && cp->uri.p[0] == '#') {
        const cbor_item_t *it = suit_env_member_text(r->env, (const char *)cp->uri.p, cp->uri.n);
        const uint8_t *p;
        size_t n;
        if (it == NULL || sg17_cbor_get_bstr(it, &p, &n) != 0) {
            sg17_suit_why(r->why, r->wn, "directive-fetch: integrated payload %.*s not in envelope",
                          (int)(cp->uri.n > 64 ? 64 : cp->uri.n), (const char *)cp->uri.p);
            return SG17_E_NOTFOUND;
        }
        return deliver(r, c, p, n);
    }
    if (r->ops == NULL || r->ops->fetch == NULL) {
        sg17_suit_why(r->why, r->wn, "directive-fetch: no fetcher for a remote uri");
        return SG17_E_UNSUPPORTED;
    }
    sg17_buf b;
    sg17_buf_init(&b, SG17_SUIT_MAX_PAYLOAD_BYTES);
    int rc = r->ops->fetch(r->ops->ctx, c, (const char *)cp->uri.p, cp->uri.n, &b);
    if (rc != 0)
        sg17_suit_why(r->why, r->wn, "directive-fetch: fetching component %zu failed (%s)", c,
                      sg17_strerror(rc));
    else
        rc = deliver(r, c, b.data, b.len);
    sg17_buf_free(&b, 0);
    return rc;
}

static int dir_copy(run *r, size_t c)
{
    comp_params *cp = &r->par[c];
    if (!(cp->have >> P_SOURCE & 1U) || cp->source >= r->ncomp || r->ops == NULL ||
        r->ops->read == NULL) {
        sg17_suit_why(r->why, r->wn, "directive-copy: no valid source-component or reader");
        return SG17_E_FORMAT;
    }
    sg17_buf b;
    sg17_buf_init(&b, SG17_SUIT_MAX_PAYLOAD_BYTES);
    int rc = r->ops->read(r->ops->ctx, (size_t)cp->source, &b);
    if (rc == 0)
        rc = deliver(r, c, b.data, b.len);
    sg17_buf_free(&b, 0);
    return rc;
}

/* directive-process-dependency (trust-domains §6.5): authenticate the
 * dependency envelope with the device policy (its own sequence number is
 * not compared with the root's) and run its sequence for the current step.
 * One level only: a dependency that has dependencies is refused. */
static int dir_process_dependency(run *r, size_t c)
{
    sg17_suit_envelope *de = NULL;
    sg17_suit_policy dp = *r->pol;
    unsigned step = 0;
    int rc;
    if (!(r->dep_mask >> c & 1U) || r->dep[c].len == 0) {
        sg17_suit_why(r->why, r->wn,
                      "directive-process-dependency: component %zu is not a fetched dependency", c);
        return SG17_E_FORMAT;
    }
    if (r->level > 0) {
        sg17_suit_why(r->why, r->wn, "dependencies of dependencies are not supported");
        return SG17_E_UNSUPPORTED;
    }
    /* The dependency must be the one the parent names by digest (otherwise an
     * older, still validly signed dependency could be substituted). */
    rc = cond_image(r, c);
    if (rc != 0)
        return rc == COND_FAIL ? SG17_E_VERIFY : rc;
    for (size_t i = 0; i < sizeof STEPS / sizeof STEPS[0]; i++)
        if (STEPS[i].key == r->cur_key)
            step = STEPS[i].step;
    rc = sg17_suit_decode(r->dep[c].data, r->dep[c].len, &de, r->why, r->wn);
    dp.has_last_sequence = 0;
    if (rc == 0)
        rc = sg17_suit_verify(de, &dp, r->why, r->wn);
    if (rc == 0 && r->ops != NULL && r->ops->dependency != NULL)
        rc = r->ops->dependency(r->ops->ctx, de, 1);
    if (rc == 0) {
        rc = run_steps(de, &dp, r->ops, step, r->level + 1, r->why, r->wn);
        if (r->ops != NULL && r->ops->dependency != NULL) {
            int rc2 = r->ops->dependency(r->ops->ctx, de, 0);
            rc = rc != 0 ? rc : rc2;
        }
    }
    if (rc != 0 && r->why != NULL && r->wn > 0) {
        char tmp[SG17_SUIT_WHY_BYTES];
        snprintf(tmp, sizeof tmp, "dependency %zu: %s", c, r->why);
        sg17_suit_why(r->why, r->wn, "%s", tmp);
    }
    sg17_suit_free(de);
    return rc;
}

static int per_component(run *r, int64_t cmd)
{
    for (size_t c = 0; c < r->ncomp; c++) {
        if (!(r->sel >> c & 1U))
            continue;
        comp_params *cp = &r->par[c];
        int rc;
        switch (cmd) {
        case 1: rc = cond_id(r, c, P_VENDOR); break;
        case 2: rc = cond_id(r, c, P_CLASS); break;
        case 3: rc = cond_image(r, c); break;
        case 7: /* condition-dependency-integrity */
            if (!(r->dep_mask >> c & 1U)) {
                sg17_suit_why(r->why, r->wn, "condition-dependency-integrity on a non-dependency");
                rc = COND_FAIL;
            } else {
                rc = cond_image(r, c);
            }
            break;
        case 8: /* condition-is-dependency */
            if (!(r->dep_mask >> c & 1U)) {
                sg17_suit_why(r->why, r->wn, "condition-is-dependency: component %zu is not", c);
                rc = COND_FAIL;
            } else {
                rc = 0;
            }
            break;
        case 11: rc = dir_process_dependency(r, c); break;
        case 24: rc = cond_id(r, c, P_DEVICE); break;
        case 5: {
            uint64_t slot = 0;
            if (!(cp->have >> P_SLOT & 1U)) {
                sg17_suit_why(r->why, r->wn, "condition-component-slot: no component-slot parameter");
                return SG17_E_FORMAT;
            }
            rc = r->ops != NULL && r->ops->slot != NULL ? r->ops->slot(r->ops->ctx, c, &slot)
                                                        : SG17_E_UNSUPPORTED;
            if (rc != 0 || slot != cp->slot) {
                sg17_suit_why(r->why, r->wn,
                              "condition-component-slot failed on component %zu: slot %llu wanted",
                              c, (unsigned long long)cp->slot);
                rc = COND_FAIL;
            }
            break;
        }
        case 6: rc = cond_content(r, c); break;
        case 14:
            sg17_suit_why(r->why, r->wn, "condition-abort");
            rc = COND_FAIL;
            break;
        case 18:
            if (!(cp->have >> P_CONTENT & 1U)) {
                sg17_suit_why(r->why, r->wn, "directive-write: no content parameter");
                return SG17_E_FORMAT;
            }
            rc = deliver(r, c, cp->content.p, cp->content.n);
            break;
        case 21: rc = dir_fetch(r, c); break;
        case 22: rc = dir_copy(r, c); break;
        case 23:
            if (r->ops == NULL || r->ops->invoke == NULL) {
                sg17_suit_why(r->why, r->wn, "directive-invoke: no invoker");
                return SG17_E_UNSUPPORTED;
            }
            rc = r->ops->invoke(r->ops->ctx, c, cp->args.p, cp->args.n);
            break;
        case 31:
            if (!(cp->have >> P_SOURCE & 1U) || cp->source >= r->ncomp || r->ops == NULL ||
                r->ops->swap == NULL) {
                sg17_suit_why(r->why, r->wn, "directive-swap: no source-component or swapper");
                return SG17_E_FORMAT;
            }
            rc = r->ops->swap(r->ops->ctx, c, (size_t)cp->source);
            break;
        default:
            sg17_suit_why(r->why, r->wn, "command %lld is not supported", (long long)cmd);
            return SG17_E_UNSUPPORTED;
        }
        if (rc != 0)
            return rc;
    }
    return 0;
}

/* One command; 0, COND_FAIL or a negative error. May push a frame. */
static int exec(run *r, int64_t cmd, const cbor_item_t *arg)
{
    const uint8_t *p;
    size_t n;
    switch (cmd) {
    case 12: return set_index(r, arg);
    case 19: return params_cmd(r, arg, 1);
    case 20: return params_cmd(r, arg, 0);
    case 15:
        if (sg17_cbor_get_array(arg, &n) != 0 || n == 0 ||
            sg17_cbor_get_bstr(sg17_cbor_array_at(arg, 0), &p, &n) != 0) {
            sg17_suit_why(r->why, r->wn, "directive-try-each: not an array of sequences");
            return SG17_E_FORMAT;
        }
        return push_seq(r, p, n, arg, 0);
    case 32:
        if (sg17_cbor_get_bstr(arg, &p, &n) != 0) {
            sg17_suit_why(r->why, r->wn, "directive-run-sequence: argument is not a bstr");
            return SG17_E_FORMAT;
        }
        return push_seq(r, p, n, NULL, 0);
    default: return per_component(r, cmd);
    }
}

/* A condition failed: resume at the next alternative of the innermost
 * try-each, or report failure (1) when no try-each is left. */
static int unwind(run *r)
{
    while (r->depth > 0) {
        frame f = r->st[--r->depth];
        if (f.try_arr == NULL)
            continue;
        size_t n = 0;
        if (sg17_cbor_get_array(f.try_arr, &n) != 0)
            return SG17_E_FORMAT;
        for (size_t a = f.alt + 1; a < n; a++) {
            const cbor_item_t *it = sg17_cbor_array_at(f.try_arr, a);
            const uint8_t *p;
            size_t l;
            if (suit_is_null(it))
                return 0; /* a nil alternative: try-each succeeds doing nothing */
            if (sg17_cbor_get_bstr(it, &p, &l) != 0)
                return SG17_E_FORMAT;
            return push_seq(r, p, l, f.try_arr, a);
        }
    }
    return 1;
}

static int run_sequence(run *r, const uint8_t *p, size_t n)
{
    r->depth = 0;
    int rc = push_seq(r, p, n, NULL, 0);
    while (rc == 0 && r->depth > 0) {
        frame *f = &r->st[r->depth - 1];
        if (f->pos >= f->n) {
            r->depth--;
            continue;
        }
        int64_t cmd;
        const cbor_item_t *arg = sg17_cbor_array_at(f->seq, f->pos + 1);
        if (sg17_cbor_get_int(sg17_cbor_array_at(f->seq, f->pos), &cmd) != 0) {
            sg17_suit_why(r->why, r->wn, "command label is not an integer");
            return SG17_E_FORMAT;
        }
        f->pos += 2;
        rc = exec(r, cmd, arg);
        if (rc == COND_FAIL) {
            rc = unwind(r);
            if (rc == 1)
                return SG17_E_VERIFY; /* why holds the failed condition */
        }
    }
    return rc;
}


static int run_shared(run *r)
{
    const cbor_item_t *v = NULL;
    const uint8_t *p;
    size_t n;
    memset(r->par, 0, sizeof r->par);
    r->sel = 1U;
    int rc = sg17_cbor_map_get_int(r->env->common, 4, &v);
    if (rc == SG17_E_NOTFOUND)
        return 0;
    if (rc != 0 || sg17_cbor_get_bstr(v, &p, &n) != 0) {
        sg17_suit_why(r->why, r->wn, "suit-shared-sequence is not a bstr");
        return SG17_E_FORMAT;
    }
    rc = run_sequence(r, p, n);
    if (rc != 0 && r->why != NULL && r->wn > 0 && strncmp(r->why, "shared", 6) != 0) {
        char tmp[SG17_SUIT_WHY_BYTES];
        snprintf(tmp, sizeof tmp, "shared sequence: %s", r->why);
        sg17_suit_why(r->why, r->wn, "%s", tmp);
    }
    return rc;
}

int sg17_suit_process(const sg17_suit_envelope *env, const sg17_suit_policy *pol,
                      const sg17_suit_ops *ops, unsigned steps, char *why, size_t wn)
{
    if (env == NULL || pol == NULL)
        return SG17_E_INVAL;
    int rc = sg17_suit_verify(env, pol, why, wn);
    return rc != 0 ? rc : run_steps(env, pol, ops, steps, 0, why, wn);
}

int suit_run_sequences(const sg17_suit_envelope *env, const sg17_suit_policy *pol,
                       const sg17_suit_ops *ops, unsigned steps, char *why, size_t wn)
{
    return run_steps(env, pol, ops, steps, 0, why, wn);
}

/* suit-dependencies (trust-domains §5.2): {component index => metadata}; the
 * indices may lie beyond suit-components. */
static int parse_dependencies(run *r)
{
    const cbor_item_t *d = NULL;
    int rc = sg17_cbor_map_get_int(r->env->common, 1, &d);
    if (rc == SG17_E_NOTFOUND)
        return 0;
    if (rc != 0 || !cbor_isa_map(d) || !cbor_map_is_definite(d))
        goto bad;
    struct cbor_pair *pr = cbor_map_handle(d);
    for (size_t i = 0; i < cbor_map_size(d); i++) {
        uint64_t idx;
        if (sg17_cbor_get_uint(pr[i].key, &idx) != 0 || idx >= SG17_SUIT_MAX_COMPONENTS)
            goto bad;
        r->dep_mask |= 1U << idx;
        if (idx + 1 > r->ncomp)
            r->ncomp = (size_t)idx + 1;
    }
    return 0;
bad:
    sg17_suit_why(r->why, r->wn, "suit-dependencies: not a map of component indices (< %d)",
                  SG17_SUIT_MAX_COMPONENTS);
    return SG17_E_FORMAT;
}

static int run_steps(const sg17_suit_envelope *env, const sg17_suit_policy *pol,
                     const sg17_suit_ops *ops, unsigned steps, unsigned level, char *why,
                     size_t wn)
{
    run *r;
    int rc;
    if (env->sum.components == 0) {
        sg17_suit_why(why, wn, "suit-common has no components");
        return SG17_E_FORMAT;
    }
    r = calloc(1, sizeof *r);
    if (r == NULL)
        return SG17_E_NOMEM;
    *r = (run){.env = env, .pol = pol, .ops = ops, .ncomp = env->sum.components, .why = why,
               .wn = wn, .level = level};
    for (size_t i = 0; i < SG17_SUIT_MAX_COMPONENTS; i++)
        sg17_buf_init(&r->dep[i], SG17_SUIT_MAX_ENVELOPE_BYTES);
    rc = parse_dependencies(r);
    if (rc == 0)
        rc = run_shared(r);
    for (size_t i = 0; rc == 0 && i < sizeof STEPS / sizeof STEPS[0]; i++) {
        const uint8_t *p;
        size_t n;
        if (!(steps & STEPS[i].step))
            continue;
        rc = suit_sequence_bytes(env, STEPS[i].key, &p, &n, why, wn);
        if (rc == SG17_E_NOTFOUND && sg17_suit_severable_index(STEPS[i].key) >= 0 &&
            env->sum.severable[sg17_suit_severable_index(STEPS[i].key)] == 2) {
            rc = SG17_E_NOTFOUND; /* why already says the severed element is missing */
            break;
        }
        if (rc == SG17_E_NOTFOUND) {
            rc = 0; /* the manifest has no such sequence */
            continue;
        }
        if (rc != 0)
            break;
        /* Each sequence starts from the state the shared sequence leaves. */
        r->cur_key = STEPS[i].key;
        rc = run_shared(r);
        if (rc == 0) {
            rc = run_sequence(r, p, n);
            if (rc != 0 && why != NULL && wn > 0) {
                char tmp[SG17_SUIT_WHY_BYTES];
                snprintf(tmp, sizeof tmp, "%s sequence: %s", STEPS[i].name, why);
                sg17_suit_why(why, wn, "%s", tmp);
            }
        }
    }
    for (size_t i = 0; i < r->n_arena; i++)
        sg17_cbor_free(r->arena[i]);
    for (size_t i = 0; i < SG17_SUIT_MAX_COMPONENTS; i++)
        sg17_buf_free(&r->dep[i], 0);
    free(r);
    return rc;
}
