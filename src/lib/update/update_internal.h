/* Internals shared by the SUIT/COSE files of src/lib/update. */
#ifndef SG17_UPDATE_INTERNAL_H
#define SG17_UPDATE_INTERNAL_H

#include <cbor.h>

#include "sg17/suit.h"

/* snprintf a reason into why (NULL or 0 length: nothing). */
void sg17_suit_why(char *why, size_t n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#define SUIT_MEMBERS_MAX 64

/* One envelope member (key int or text) with its value item. */
typedef struct suit_member {
    int is_text;
    int64_t ikey;
    const char *tkey; /* borrowed from the item, not NUL-terminated */
    size_t tkey_len;
    const cbor_item_t *val;
} suit_member;

struct sg17_suit_envelope {
    cbor_item_t *root;      /* whole envelope */
    cbor_item_t *auth;      /* decoded auth wrapper array */
    cbor_item_t *digest;    /* decoded SUIT_Digest */
    cbor_item_t *manifest;  /* decoded manifest map */
    cbor_item_t *common;    /* decoded suit-common map (may be NULL) */
    const uint8_t *auth_bytes; size_t auth_len;
    const uint8_t *digest_bytes; size_t digest_len;   /* content of auth[0] */
    const uint8_t *man_bytes; size_t man_len;         /* content of envelope[3] */
    const cbor_item_t *components; /* array in common, may be NULL */
    suit_member members[SUIT_MEMBERS_MAX];
    size_t n_members;
    sg17_suit_summary sum;
};

/* nil test that is safe on any item: libcbor 0.8's cbor_is_null() asserts
 * (aborts) on a float (found by fuzz_suit). */
static inline int suit_is_null(const cbor_item_t *it)
{
    return it != NULL && cbor_isa_float_ctrl(it) && cbor_float_get_width(it) == CBOR_FLOAT_0 &&
           cbor_ctrl_value(it) == CBOR_CTRL_NULL;
}

/* Decode a bstr-wrapped CBOR value with SUIT caps. */
int suit_decode_inner(const uint8_t *p, size_t n, cbor_item_t **out);

/* Parse a SUIT_Digest item: alg -16 and 32 bytes. */
int suit_digest_parse(const cbor_item_t *d, int64_t *alg, const uint8_t **h, size_t *hlen);

/* Envelope member value for an integer / text key, or NULL. */
const cbor_item_t *suit_env_member(const sg17_suit_envelope *env, int64_t key);
const cbor_item_t *suit_env_member_text(const sg17_suit_envelope *env, const char *k, size_t n);

/* A manifest sequence (key 7, 8, 9, 16, 20): bstr content, following a
 * severed member into the envelope after its digest was checked.
 * @return 0 (*p,*n set), SG17_E_NOTFOUND (absent or severed and not present),
 *         SG17_E_VERIFY (severed element digest mismatch), SG17_E_FORMAT. */
int suit_sequence_bytes(const sg17_suit_envelope *env, int64_t key, const uint8_t **p, size_t *n,
                        char *why, size_t wn);

/* The command sequences of sg17_suit_process() WITHOUT authentication (for
 * sg17_suit_process after sg17_suit_verify, and for the fuzz harness). */
int suit_run_sequences(const sg17_suit_envelope *env, const sg17_suit_policy *pol,
                       const sg17_suit_ops *ops, unsigned steps, char *why, size_t wn);

/* Serialize one item (libcbor) into b. */
int suit_item_append(sg17_buf *b, const cbor_item_t *it);

#endif
