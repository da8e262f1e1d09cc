/* Internal to the STIX validator (stix_validate*.c): the validation context
 * and the checks the files share. */
#ifndef SG17_STIX_VALIDATE_INTERNAL_H
#define SG17_STIX_VALIDATE_INTERNAL_H

#include <stddef.h>
#include <string.h>

#include "sg17/stix.h"
#include "jdom_internal.h"

typedef struct vctx {
    const sg17_stix_vopts *o;
    sg17_stix_report *r;
    unsigned char on[512];
    int nomem;
    const char *oid;
    int v20; /* validating as STIX 2.0 content */
    int s20; /* explicitly 2.0 (forced, or spec_version "2.0"): the STIX 2.0 type tables apply */
    int bundle_s20; /* the enclosing bundle says spec_version "2.0" (unforced) */
    int in_bundle;
    const char *cur_type;
    int hash_len_warned; /* {150} once per object, as the reference */
} vctx;

/* Is check `code` enabled? */
static inline int on(const vctx *v, int code)
{
    return code > 0 && code < 512 && v->on[code];
}

static inline const char *sget(const sg17_jd *o, const char *k)
{
    return jd_str(jd_get(o, k));
}

static inline int ends_with(const char *s, const char *suf)
{
    size_t n = strlen(s), m = strlen(suf);
    return n >= m && memcmp(s + n - m, suf, m) == 0;
}

static inline int starts_with(const char *s, const char *pre)
{
    return strncmp(s, pre, strlen(pre)) == 0;
}

/* stix_validate.c: record a finding "<id>: {NNN} <text>" (code 0 = MUST) if its check is on. */
void stix_val_add(vctx *v, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* stix_validate_vocab.c: vocabularies (section 10), suggested relationships, registries. */
void stix_val_check_vocabs(vctx *v, const char *type, const sg17_jd *o);

void stix_val_id_type(const char *id, char *out, size_t n);

void stix_val_check_relationship(vctx *v, const sg17_jd *o);

/* 1 found, 0 not found, -1 registry unavailable. Column 0 of the CSV (or col). */
int stix_val_registry_has(vctx *v, const char *file, int col, const char *val, int ci);

/* stix_validate_props.c: common and generic property checks. */
void stix_val_check_timestamp(vctx *v, const char *prop, const sg17_jd *val);

void stix_val_check_order(vctx *v, const sg17_jd *o, const char *a, const char *b, int strictly);

void stix_val_check_ref(vctx *v, const char *prop, const char *s, const char *allowed);

const char *stix_val_ref_allowed(const char *type, const char *prop);

int stix_val_propname_ok(const char *k);

int stix_val_prefix_strict(const char *s, char sep);

/* custom extension names: x-<source>-<name>[-ext], the -ext suffix not counting */
int stix_val_ext_prefix_strict(const char *s);

int stix_val_prefix_lax(const char *s, char sep);

/* Does the object carry a property-extension / toplevel-property-extension? */
int stix_val_has_ext_type(const sg17_jd *o, const char *et);

void stix_val_custom_property(vctx *v, const char *what, const char *k, int sco);

const char *stix_val_subdef(const char *name);

void stix_val_sub_props(vctx *v, const char *type, const char *name, const sg17_jd *o, const char *ctx_ext);

void stix_val_check_hashes(vctx *v, const sg17_jd *h, const char *where);

int stix_val_b64_ok(const char *s);

int stix_val_uri_ok(const char *s);

int stix_val_ipv4_ok(const char *s);

int stix_val_ipv6_ok(const char *s);

void stix_val_check_extref(vctx *v, const sg17_jd *er, int *hash_warned);

void stix_val_check_kcp(vctx *v, const sg17_jd *arr);

int stix_val_selector_ok(const char *s);

/* stix_validate_types.c: extensions, per-type and STIX 2.0 observable checks. */
void stix_val_check_extensions(vctx *v, const char *type, const sg17_jd *o, int sco);

void stix_val_check_sco_specific(vctx *v, const char *type, const sg17_jd *o);

void stix_val_check_uuid(vctx *v, const char *type, const char *id, sg17_stix_kind kind);

void stix_val_check_pattern(vctx *v, const sg17_jd *o);

void stix_val_check_marking(vctx *v, const sg17_jd *o);

void stix_val_check_observed_objects(vctx *v, const sg17_jd *o);

/* {142}: dictionary keys inside an SCO should be lowercase (explicit stack, bounded) */
void stix_val_check_dict_keys(vctx *v, const sg17_jd *o);

void stix_val_check_ext_dicts(vctx *v, const char *type, const sg17_jd *o);

/* stix_validate_object.c: one STIX object (sections 3-7). */
void stix_val_check_object(vctx *v, const sg17_jd *o);

#endif
