/*
 * API tokens: random 32 bytes shown once as "sg17_<64 hex>", stored only as
 * SHA-256(token string). Verification hashes the presented string, looks up
 * candidates by the first 8 bytes of that hash (an index key, which reveals
 * nothing usable: it is a hash of the caller's own guess), then compares all
 * 32 bytes with sg17_ct_memeq.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "sg17/crypto.h"
#include "sg17d.h"

static const char *const role_names[] = {"admin",   "author",         "device",
                                         "analyst", "administration", "sidf"};
#define N_ROLES (sizeof role_names / sizeof role_names[0])

unsigned sg17d_role_from_name(const char *name)
{
    for (unsigned i = 0; i < N_ROLES; i++) {
        if (strcmp(name, role_names[i]) == 0)
            return 1u << i;
    }
    return 0;
}

const char *sg17d_role_name(unsigned role)
{
    for (unsigned i = 0; i < N_ROLES; i++) {
        if (role == (1u << i))
            return role_names[i];
    }
    return "?";
}

int sg17d_token_name_ok(const char *name)
{
    size_t n = strlen(name);
    if (n == 0 || n > SG17D_TOKEN_NAME_MAX)
        return 0;
    for (size_t i = 0; i < n; i++) {
        char c = name[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '_' || c == '-'))
            return 0;
    }
    return 1;
}

/* Hex digit of a secret nibble without a table lookup or branch. */
static char hex_nibble(uint32_t n)
{
    uint32_t over9 = 0u - ((9u - n) >> 31); /* all ones when n > 9 */
    return (char)('0' + n + (over9 & (uint32_t)('a' - '0' - 10)));
}

static void hex_encode(char *out, const uint8_t *in, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        out[2 * i] = hex_nibble((uint32_t)in[i] >> 4);
        out[2 * i + 1] = hex_nibble((uint32_t)in[i] & 15u);
    }
    out[2 * len] = '\0';
}

static int64_t lookup_key(const uint8_t hash[32])
{
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v = (v << 8) | hash[i];
    return (int64_t)v;
}

int sg17d_token_create(sg17d_store *st, unsigned role, const char *name, char *token_out,
                       char *name_out, size_t name_cap)
{
    uint8_t raw[32], tag[4];
    char tok[SG17D_TOKEN_LEN + 1];
    sg17d_token_rec rec;
    int rc;

    memset(&rec, 0, sizeof rec);
    if (sg17d_role_name(role)[0] == '?' || (name != NULL && !sg17d_token_name_ok(name)))
        return SG17_E_INVAL;
    if ((rc = sg17_randombytes(raw, sizeof raw)) != 0)
        goto cleanup;
    memcpy(tok, SG17D_TOKEN_PREFIX, 5);
    hex_encode(tok + 5, raw, sizeof raw);
    if (name != NULL) {
        snprintf(rec.name, sizeof rec.name, "%s", name);
    } else {
        char taghex[9];
        if ((rc = sg17_randombytes(tag, sizeof tag)) != 0)
            goto cleanup;
        hex_encode(taghex, tag, sizeof tag);
        snprintf(rec.name, sizeof rec.name, "%s-%s", sg17d_role_name(role), taghex);
    }
    snprintf(rec.role, sizeof rec.role, "%s", sg17d_role_name(role));
    sg17_sha256(rec.hash, (const uint8_t *)tok, SG17D_TOKEN_LEN);
    rec.lookup = lookup_key(rec.hash);
    rec.created_at = (int64_t)time(NULL);
    rc = sg17d_store_token_insert(st, &rec);
    if (rc == 0) {
        memcpy(token_out, tok, sizeof tok);
        if (name_out != NULL && name_cap > 0)
            snprintf(name_out, name_cap, "%s", rec.name);
    }
cleanup:
    sg17_memzero(raw, sizeof raw);
    sg17_memzero(tok, sizeof tok);
    sg17_memzero(&rec, sizeof rec);
    return rc;
}

typedef struct verify_state {
    uint8_t hash[32];
    sg17d_principal *who;
    int found;
} verify_state;

static int on_candidate(void *arg, const sg17d_token_rec *rec)
{
    verify_state *vs = arg;
    /* The comparison result is the authentication outcome, public from here on. */
    if (sg17_ct_memeq(vs->hash, rec->hash, sizeof vs->hash) && !vs->found) {
        vs->found = 1;
        snprintf(vs->who->name, sizeof vs->who->name, "%s", rec->name);
        vs->who->role = sg17d_role_from_name(rec->role);
    }
    return 0;
}

int sg17d_token_verify(sg17d_store *st, const char *token, size_t len, sg17d_principal *who)
{
    verify_state vs;
    int rc;

    memset(who, 0, sizeof *who);
    if (len != SG17D_TOKEN_LEN || memcmp(token, SG17D_TOKEN_PREFIX, 5) != 0)
        return SG17_E_AUTH; /* length and prefix are public format, not secret */
    memset(&vs, 0, sizeof vs);
    vs.who = who;
    sg17_sha256(vs.hash, (const uint8_t *)token, len);
    rc = sg17d_store_token_candidates(st, lookup_key(vs.hash), on_candidate, &vs);
    if (rc == 0 && (!vs.found || who->role == 0))
        rc = SG17_E_AUTH;
    if (rc != 0)
        memset(who, 0, sizeof *who);
    sg17_memzero(&vs, sizeof vs);
    return rc;
}
