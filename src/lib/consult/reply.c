/*
 * Replies to a circular as its Annex 2 defines them (per draft: authorize,
 * with or without comments and proposed modifications, or not authorize
 * with reasons and possible modifications; sender name, title, address, date
 * and place), signed by the administration and checked on arrival
 * (WTSA Resolution 1 §9.4). The signed bytes are in docs/CONSULT.md.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "consult_internal.h"

static const char *const refusal_names[] = {
    "accepted",     "malformed",     "wrong_circular",  "late",       "unknown_administration",
    "unsigned",     "bad_signature", "incomplete",      "unknown_draft", "duplicate_draft",
    "both_boxes",   "no_box",        "no_reasons",
};

const char *sg17_consult_refusal_name(int refusal)
{
    if (refusal < 0 || (size_t)refusal >= sizeof refusal_names / sizeof refusal_names[0])
        return "unknown";
    return refusal_names[refusal];
}

__attribute__((format(printf, 3, 4))) static int refuse(sg17_consult_verdict *v, int refusal,
                                                        const char *fmt, ...)
{
    va_list ap;
    v->refusal = refusal;
    va_start(ap, fmt);
    (void)vsnprintf(v->reason, sizeof v->reason, fmt, ap);
    va_end(ap);
    return 0;
}

/* A text field that is present, a string within the cap, and (if required)
 * not only white space. Returns 1 when it holds text, 0 when empty, -1 when
 * absent/wrong type/too long. */
static int text_field(const json_t *o, const char *key, size_t cap)
{
    const json_t *v = json_object_get(o, key);
    if (!json_is_string(v) || json_string_length(v) > cap)
        return -1;
    const char *s = json_string_value(v);
    if (strlen(s) != json_string_length(v))
        return -1; /* embedded NUL */
    for (; *s; s++)
        if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r')
            return 1;
    return 0;
}

static int has_only(const json_t *o, const char *const *keys, size_t n, const char **bad)
{
    const char *k;
    json_t *v;
    json_object_foreach(consult_unconst(o), k, v) {
        size_t i = 0;
        while (i < n && strcmp(keys[i], k) != 0)
            i++;
        if (i == n) {
            *bad = k;
            return 0;
        }
    }
    return 1;
}

/* Structure common to signing and checking: the keys and types of a reply. */
static int reply_shape(const json_t *r, sg17_consult_verdict *v)
{
    static const char *const keys[] = {"type",  "version", "circular", "administration",
                                       "sender", "date",   "place",    "drafts"};
    static const char *const skeys[] = {"name", "title", "address"};
    static const char *const dkeys[] = {"draft",    "authorize",     "not_authorize",
                                        "comments", "reasons",       "modifications"};
    const char *bad = NULL;
    const json_t *t = json_object_get(r, "type");
    if (!json_is_object(r))
        return refuse(v, SG17_CONSULT_MALFORMED, "the reply is not a JSON object");
    if (!has_only(r, keys, 8, &bad))
        return refuse(v, SG17_CONSULT_MALFORMED, "reply: unknown key \"%.64s\"", bad);
    if (!json_is_string(t) || strcmp(json_string_value(t), "sg17-consult-reply") != 0)
        return refuse(v, SG17_CONSULT_MALFORMED, "reply: type must be \"sg17-consult-reply\"");
    if (!json_is_integer(json_object_get(r, "version")) ||
        json_integer_value(json_object_get(r, "version")) != 1)
        return refuse(v, SG17_CONSULT_MALFORMED, "reply: version must be 1");
    if (!json_is_integer(json_object_get(r, "circular")))
        return refuse(v, SG17_CONSULT_MALFORMED, "reply: circular must be an integer");
    const json_t *adm = json_object_get(r, "administration");
    if (!json_is_string(adm) || json_string_length(adm) < 2 || json_string_length(adm) > 8)
        return refuse(v, SG17_CONSULT_MALFORMED, "reply: administration must be a Member State id");
    (void)snprintf(v->administration, sizeof v->administration, "%s", json_string_value(adm));
    const json_t *snd = json_object_get(r, "sender");
    if (!json_is_object(snd))
        return refuse(v, SG17_CONSULT_INCOMPLETE, "reply: sender (name, title, address) missing");
    if (!has_only(snd, skeys, 3, &bad))
        return refuse(v, SG17_CONSULT_MALFORMED, "sender: unknown key \"%.64s\"", bad);
    const json_t *ds = json_object_get(r, "drafts");
    if (!json_is_array(ds) || json_array_size(ds) > SG17_CONSULT_MAX_DRAFTS)
        return refuse(v, SG17_CONSULT_MALFORMED, "reply: drafts must be an array of at most %u",
                      SG17_CONSULT_MAX_DRAFTS);
    for (size_t i = 0; i < json_array_size(ds); i++) {
        const json_t *d = json_array_get(ds, i);
        if (!json_is_object(d))
            return refuse(v, SG17_CONSULT_MALFORMED, "drafts[%zu] is not an object", i);
        if (!has_only(d, dkeys, 6, &bad))
            return refuse(v, SG17_CONSULT_MALFORMED, "drafts[%zu]: unknown key \"%.64s\"", i, bad);
        if (!json_is_string(json_object_get(d, "draft")) ||
            json_string_length(json_object_get(d, "draft")) > 64)
            return refuse(v, SG17_CONSULT_MALFORMED, "drafts[%zu]: draft must be a string", i);
        if (!json_is_boolean(json_object_get(d, "authorize")) ||
            !json_is_boolean(json_object_get(d, "not_authorize")))
            return refuse(v, SG17_CONSULT_MALFORMED,
                          "drafts[%zu]: authorize and not_authorize must be true or false", i);
        for (size_t k = 3; k < 6; k++)
            if (text_field(d, dkeys[k], SG17_CONSULT_MAX_LONG_TEXT) < 0)
                return refuse(v, SG17_CONSULT_MALFORMED,
                              "drafts[%zu]: %s must be a string of at most %u bytes", i,
                              dkeys[k], SG17_CONSULT_MAX_LONG_TEXT);
    }
    return refuse(v, SG17_CONSULT_ACCEPTED, "well-formed");
}

static int check_draft_row(const sg17_consult_circular *c, const json_t *d, size_t i,
                           uint8_t *seen, sg17_consult_verdict *v)
{
    const char *num = json_string_value(json_object_get(d, "draft"));
    size_t idx = consult_draft_index(c, num);
    int yes = json_is_true(json_object_get(d, "authorize"));
    int no = json_is_true(json_object_get(d, "not_authorize"));

    if (idx == c->ndrafts)
        return refuse(v, SG17_CONSULT_UNKNOWN_DRAFT, "drafts[%zu]: %.64s is not a draft of Circular %ld",
                      i, num, c->number);
    if (seen[idx])
        return refuse(v, SG17_CONSULT_DUPLICATE_DRAFT, "drafts[%zu]: %.64s answered twice", i, num);
    seen[idx] = 1;
    if (yes && no)
        return refuse(v, SG17_CONSULT_BOTH_BOXES,
                      "%.64s: both \"authorize\" and \"not authorize\" are ticked", num);
    if (!yes && !no)
        return refuse(v, SG17_CONSULT_NO_BOX,
                      "%.64s: neither \"authorize\" nor \"not authorize\" is ticked", num);
    if (no && text_field(d, "reasons", SG17_CONSULT_MAX_LONG_TEXT) != 1)
        return refuse(v, SG17_CONSULT_NO_REASONS,
                      "%.64s: \"not authorize\" requires the reasons (Res. 1 §9.4)", num);
    if (yes && (text_field(d, "reasons", SG17_CONSULT_MAX_LONG_TEXT) == 1 ||
                text_field(d, "modifications", SG17_CONSULT_MAX_LONG_TEXT) == 1))
        return refuse(v, SG17_CONSULT_MALFORMED,
                      "%.64s: reasons and possible modifications belong to \"not authorize\"; "
                      "put proposed modifications in comments",
                      num);
    if (no && text_field(d, "comments", SG17_CONSULT_MAX_LONG_TEXT) == 1)
        return refuse(v, SG17_CONSULT_MALFORMED,
                      "%.64s: comments belong to \"authorize\"; use reasons and modifications", num);
    return refuse(v, SG17_CONSULT_ACCEPTED, "ok");
}

int sg17_consult_reply_validate(const sg17_consult_circular *c, const json_t *reply,
                                sg17_consult_verdict *v)
{
    static const char *const sfields[] = {"name", "title", "address"};
    uint8_t seen[SG17_CONSULT_MAX_DRAFTS] = {0};

    if (c == NULL || reply == NULL || v == NULL)
        return SG17_E_INVAL;
    memset(v, 0, sizeof *v);
    if (reply_shape(reply, v) || v->refusal)
        return 0;
    if (json_integer_value(json_object_get(reply, "circular")) != c->number)
        return refuse(v, SG17_CONSULT_WRONG_CIRCULAR, "the reply is for Circular %lld, not %ld",
                      (long long)json_integer_value(json_object_get(reply, "circular")),
                      c->number);
    const json_t *snd = json_object_get(reply, "sender");
    for (size_t i = 0; i < 3; i++)
        if (text_field(snd, sfields[i], SG17_CONSULT_MAX_SHORT_TEXT) != 1)
            return refuse(v, SG17_CONSULT_INCOMPLETE, "sender %s missing or empty", sfields[i]);
    const json_t *date = json_object_get(reply, "date");
    if (!json_is_string(date) || !consult_date_valid(json_string_value(date)))
        return refuse(v, SG17_CONSULT_INCOMPLETE, "date missing (expected YYYY-MM-DD)");
    if (text_field(reply, "place", SG17_CONSULT_MAX_SHORT_TEXT) != 1)
        return refuse(v, SG17_CONSULT_INCOMPLETE, "place missing or empty");
    const json_t *ds = json_object_get(reply, "drafts");
    for (size_t i = 0; i < json_array_size(ds); i++) {
        if (check_draft_row(c, json_array_get(ds, i), i, seen, v) || v->refusal)
            return 0;
    }
    for (size_t i = 0; i < c->ndrafts; i++)
        if (!seen[i])
            return refuse(v, SG17_CONSULT_NO_BOX, "%s: not answered (no box ticked)",
                          c->drafts[i].number);
    return refuse(v, SG17_CONSULT_ACCEPTED, "accepted");
}

int sg17_consult_reply_signed_bytes(const json_t *reply, uint8_t **out, size_t *len)
{
    char *canon = NULL;
    size_t clen = 0, plen = strlen(SG17_CONSULT_SIGNED_PREFIX);
    if (reply == NULL || out == NULL || len == NULL)
        return SG17_E_INVAL;
    int rc = sg17_json_dump_canonical(reply, &canon, &clen);
    if (rc)
        return rc;
    uint8_t *m = malloc(plen + clen);
    if (m == NULL) {
        free(canon);
        return SG17_E_NOMEM;
    }
    memcpy(m, SG17_CONSULT_SIGNED_PREFIX, plen);
    memcpy(m + plen, canon, clen);
    free(canon);
    *out = m;
    *len = plen + clen;
    return 0;
}

static char *to_hex(const uint8_t *p, size_t n)
{
    static const char hx[] = "0123456789abcdef";
    char *s = malloc(2 * n + 1);
    if (s == NULL)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        s[2 * i] = hx[p[i] >> 4];
        s[2 * i + 1] = hx[p[i] & 15];
    }
    s[2 * n] = '\0';
    return s;
}

int sg17_consult_reply_sign(sg17_pqc_key *key, const char *reply_json, size_t len,
                            char **envelope, size_t *env_len)
{
    json_t *reply = NULL, *env = NULL;
    uint8_t *msg = NULL, *sig = NULL;
    size_t msg_len = 0, sig_len = 0;
    char *hex = NULL;
    sg17_consult_verdict v;
    int rc;

    if (key == NULL || reply_json == NULL || envelope == NULL)
        return SG17_E_INVAL;
    *envelope = NULL;
    if (!sg17_pqc_key_is_private(key) || sg17_pqc_key_kind(key) != SG17_PQC_SIG)
        return SG17_E_INVAL;
    sg17_json_limits lim = {SG17_CONSULT_MAX_ENVELOPE_BYTES, 8, 0};
    if ((rc = sg17_json_parse(reply_json, len, &lim, &reply, NULL)) != 0)
        return rc;
    memset(&v, 0, sizeof v);
    rc = SG17_E_FORMAT;
    if (reply_shape(reply, &v) || v.refusal)
        goto out;
    if ((rc = sg17_consult_reply_signed_bytes(reply, &msg, &msg_len)) != 0 ||
        (rc = sg17_pqc_sign(key, msg, msg_len, NULL, 0, 0, &sig, &sig_len)) != 0)
        goto out;
    rc = SG17_E_NOMEM;
    if ((hex = to_hex(sig, sig_len)) == NULL)
        goto out;
    env = json_pack("{s:O,s:{s:s,s:s}}", "reply", reply, "signature", "alg",
                    sg17_pqc_key_alg(key), "value", hex);
    if (env == NULL)
        goto out;
    rc = sg17_json_dump_canonical(env, envelope, env_len);
out:
    json_decref(env);
    json_decref(reply);
    free(msg);
    free(sig);
    free(hex);
    return rc;
}

/* Signature part of the arrival check; v->refusal set, 0 unless operational failure. */
static int check_signature(const json_t *env, const json_t *reply, const sg17_pqc_key *pub,
                           sg17_consult_verdict *v)
{
    const json_t *sig = json_object_get(env, "signature");
    uint8_t *msg = NULL, *sigb = NULL;
    size_t msg_len = 0, sig_len = 0;
    const char *alg;

    if (sig == NULL || json_is_null(sig))
        return refuse(v, SG17_CONSULT_UNSIGNED, "the reply is not signed");
    if (!json_is_object(sig) || sg17_json_get_str(sig, "alg", 64, &alg, NULL, NULL) ||
        sg17_json_get_hex(sig, "value", 1 << 20, &sigb, &sig_len, NULL))
        return refuse(v, SG17_CONSULT_MALFORMED, "signature: expected {\"alg\", \"value\": hex}");
    if (strcmp(alg, sg17_pqc_key_alg(pub)) != 0) {
        free(sigb);
        return refuse(v, SG17_CONSULT_BAD_SIGNATURE,
                      "signature algorithm %.32s is not the administration's registered %.32s",
                      alg, sg17_pqc_key_alg(pub));
    }
    int rc = sg17_consult_reply_signed_bytes(reply, &msg, &msg_len);
    if (rc == 0) {
        int vr = sg17_pqc_verify(pub, msg, msg_len, NULL, 0, sigb, sig_len);
        if (vr == 0)
            (void)refuse(v, SG17_CONSULT_ACCEPTED, "signature valid");
        else
            (void)refuse(v, SG17_CONSULT_BAD_SIGNATURE, "the %.32s signature does not verify "
                         "under %.8s's registered key", alg, v->administration);
    }
    free(msg);
    free(sigb);
    return rc;
}

int sg17_consult_reply_check(const sg17_consult_circular *c, const sg17_consult_states *states,
                             sg17_consult_key_lookup lookup, void *arg, const char *envelope,
                             size_t len, int64_t arrival, sg17_consult_verdict *v,
                             json_t **reply_out)
{
    sg17_json_limits lim = {SG17_CONSULT_MAX_ENVELOPE_BYTES, 8, 0};
    sg17_json_error jerr;
    json_t *env = NULL;
    const sg17_pqc_key *pub = NULL;
    const char *bad = NULL;
    static const char *const ekeys[] = {"reply", "signature"};
    int rc = 0;

    if (c == NULL || lookup == NULL || envelope == NULL || v == NULL)
        return SG17_E_INVAL;
    memset(v, 0, sizeof *v);
    if (reply_out)
        *reply_out = NULL;
    rc = sg17_json_parse(envelope, len, &lim, &env, &jerr);
    if (rc == SG17_E_NOMEM)
        return rc;
    if (rc)
        return refuse(v, SG17_CONSULT_MALFORMED, "not JSON: %s", jerr.text);
    const json_t *reply = json_object_get(env, "reply");
    if (!json_is_object(env) || !has_only(env, ekeys, 2, &bad) || reply == NULL) {
        (void)refuse(v, SG17_CONSULT_MALFORMED, "expected {\"reply\": ..., \"signature\": ...}");
        goto out;
    }
    if (reply_shape(reply, v) || v->refusal)
        goto out;
    if (json_integer_value(json_object_get(reply, "circular")) != c->number) {
        (void)refuse(v, SG17_CONSULT_WRONG_CIRCULAR, "the reply is for Circular %lld, not %ld",
                     (long long)json_integer_value(json_object_get(reply, "circular")),
                     c->number);
        goto out;
    }
    if (arrival > c->deadline) {
        char at[21], dl[21];
        sg17_consult_time_format(arrival, at);
        sg17_consult_time_format(c->deadline, dl);
        (void)refuse(v, SG17_CONSULT_LATE, "arrived %s, after the deadline %s", at, dl);
        goto out;
    }
    if (states != NULL && sg17_consult_states_name(states, v->administration) == NULL) {
        (void)refuse(v, SG17_CONSULT_UNKNOWN_ADMIN, "%s is not on the Member States list",
                     v->administration);
        goto out;
    }
    if (lookup(arg, v->administration, &pub) != 0 || pub == NULL) {
        (void)refuse(v, SG17_CONSULT_UNKNOWN_ADMIN, "no signing key registered for %s",
                     v->administration);
        goto out;
    }
    if ((rc = check_signature(env, reply, pub, v)) != 0 || v->refusal)
        goto out;
    if ((rc = sg17_consult_reply_validate(c, reply, v)) != 0 || v->refusal)
        goto out;
    if (reply_out)
        *reply_out = json_incref(consult_unconst(reply));
out:
    json_decref(env);
    return rc;
}
