/*
 * consult: TSB Circular 268 as shipped data, the Annex 2 reply checks on
 * arrival (deadline boundary, signatures, every refusal), replacement of a
 * reply, and the 70 % rule at its boundary (Res. 1 §9.4).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sg17/consult.h"
#include "tap.h"

#define NADM 10

static const char *const adm_ids[NADM] = {"CHN", "FRA", "USA", "KOR", "JPN",
                                          "DEU", "BRA", "IND", "ZAF", "GBR"};
static sg17_pqc_key *keys[NADM];
static sg17_pqc_key *other_key;

static int lookup(void *arg, const char *administration, const sg17_pqc_key **key)
{
    (void)arg;
    for (size_t i = 0; i < NADM; i++)
        if (strcmp(adm_ids[i], administration) == 0) {
            *key = keys[i];
            return 0;
        }
    return SG17_E_NOTFOUND;
}

static char *load(const char *rel, size_t *len)
{
    char path[4096];
    (void)snprintf(path, sizeof path, "%s/%s", tap_source_dir(), rel);
    char *t = tap_read_file(path, len);
    if (t == NULL)
        tap_skip_all("cannot read %s", path);
    return t;
}

/* A complete, valid reply of administration adm: every draft authorized
 * without comments, except draft `special` which gets verdict v. */
enum { V_AUTH, V_AUTH_COMMENTS, V_NOT };
static json_t *make_reply(const char *adm, const char *special, int v)
{
    static const char *const drafts[4] = {"X.1217", "X.1368", "X.1376", "X.1811"};
    json_t *rows = json_array();
    for (size_t i = 0; i < 4; i++) {
        int sv = special && strcmp(special, drafts[i]) == 0 ? v : V_AUTH;
        json_array_append_new(
            rows, json_pack("{s:s,s:b,s:b,s:s,s:s,s:s}", "draft", drafts[i], "authorize",
                            sv != V_NOT, "not_authorize", sv == V_NOT, "comments",
                            sv == V_AUTH_COMMENTS ? "Please align clause 6 with X.1373." : "",
                            "reasons", sv == V_NOT ? "The draft needs further study." : "",
                            "modifications", sv == V_NOT ? "Add an annex on hybrids." : ""));
    }
    return json_pack("{s:s,s:i,s:i,s:s,s:{s:s,s:s,s:s},s:s,s:s,s:o}", "type",
                     "sg17-consult-reply", "version", 1, "circular", 268, "administration", adm,
                     "sender", "name", "A. Delegate", "title", "Head of Standards", "address",
                     "1 Main Street", "date", "2020-12-01", "place", "Geneva", "drafts", rows);
}

static char *sign_with(sg17_pqc_key *k, const json_t *reply)
{
    char *text = json_dumps(reply, JSON_COMPACT), *env = NULL;
    size_t elen = 0;
    int rc = sg17_consult_reply_sign(k, text, strlen(text), &env, &elen);
    free(text);
    return rc == 0 ? env : NULL;
}

static size_t adm_index(const char *adm)
{
    for (size_t i = 0; i < NADM; i++)
        if (strcmp(adm_ids[i], adm) == 0)
            return i;
    return 0;
}

/* Sign reply (consumed) with its administration's key and check it. */
static int check_reply(const sg17_consult_circular *c, const sg17_consult_states *st,
                       json_t *reply, const char *at, sg17_consult_verdict *v, json_t **out)
{
    int64_t t = 0;
    memset(v, 0, sizeof *v);
    const char *adm = json_string_value(json_object_get(reply, "administration"));
    char *env = sign_with(keys[adm_index(adm ? adm : "")], reply);
    json_decref(reply);
    if (env == NULL || sg17_consult_time_parse(at, &t))
        return -1;
    int rc = sg17_consult_reply_check(c, st, lookup, NULL, env, strlen(env), t, v, out);
    free(env);
    return rc;
}

static void expect_refusal(const sg17_consult_circular *c, const sg17_consult_states *st,
                           json_t *reply, int want, const char *what)
{
    sg17_consult_verdict v;
    int rc = check_reply(c, st, reply, "2020-12-10T12:00:00Z", &v, NULL);
    tap_ok(rc == 0 && v.refusal == want, "%s refused as %s (got %s: %s)", what,
           sg17_consult_refusal_name(want), sg17_consult_refusal_name(v.refusal), v.reason);
}

static void test_data(const sg17_consult_circular *c, const sg17_consult_states *st)
{
    static const char *const num[4] = {"X.1217", "X.1368", "X.1376", "X.1811"};
    static const char *const prov[4] = {"X.fgati", "X.secup-iot", "X.mdcv", "X.5Gsec-q"};
    int64_t dl = 0;
    tap_int_eq(sg17_consult_circular_number(c), 268, "circular number");
    tap_int_eq(sg17_consult_circular_threshold(c), 70, "threshold 70 %");
    tap_ok(sg17_consult_time_parse("2020-12-18T23:59:59Z", &dl) == 0 &&
               sg17_consult_circular_deadline(c) == dl,
           "deadline is 2020-12-18 23:59(:59) UTC");
    tap_int_eq(dl, 1608335999LL, "2020-12-18T23:59:59Z = 1608335999 (date -d)");
    tap_int_eq(sg17_consult_circular_draft_count(c), 4, "four drafts");
    for (size_t i = 0; i < 4; i++) {
        const sg17_consult_draft *d = sg17_consult_circular_draft(c, i);
        tap_ok(d && strcmp(d->number, num[i]) == 0 && strcmp(d->provisional, prov[i]) == 0 &&
                   d->title[0] != '\0',
               "draft %s (%s)", num[i], prov[i]);
    }
    tap_int_eq(sg17_consult_states_count(st), 193, "193 Member States (Dec 2020)");
    tap_ok(sg17_consult_states_name(st, "CHN") != NULL, "China on the list");
    tap_ok(sg17_consult_states_name(st, "VAT") != NULL, "Vatican City State on the list");
    tap_ok(sg17_consult_states_name(st, "PLW") == NULL, "Palau not yet (joined ITU 2024)");
    char buf[21];
    sg17_consult_time_format(dl + 1, buf);
    tap_ok(strcmp(buf, "2020-12-19T00:00:00Z") == 0, "time format round trip");
    int64_t t;
    tap_ok(sg17_consult_time_parse("2020-02-30T00:00:00Z", &t) != 0 &&
               sg17_consult_time_parse("2020-12-18T24:00:00Z", &t) != 0 &&
               sg17_consult_time_parse("2020-12-18 23:59:59Z", &t) != 0 &&
               sg17_consult_time_parse("2020-12-18T23:59:59+01:00", &t) != 0,
           "malformed timestamps refused");
}

static void test_decide(void)
{
    tap_ok(sg17_consult_decide(7, 10, 70) == 1, "7/10 = exactly 70 %%: approved");
    tap_ok(sg17_consult_decide(6, 10, 70) == 0, "6/10: one reply short, not approved");
    tap_ok(sg17_consult_decide(70, 100, 70) == 1 && sg17_consult_decide(69, 100, 70) == 0,
           "70/100 approved, 69/100 not");
    tap_ok(sg17_consult_decide(0, 0, 70) == 0, "no replies: not approved");
    tap_ok(sg17_consult_decide(134, 193, 70) == 0 && sg17_consult_decide(136, 193, 70) == 1,
           "134/193 (69.4 %%) not, 136/193 (70.5 %%) approved");
    /* Exhaustive against the smallest supporting count ceil(70 n / 100). */
    int ok = 1;
    for (uint64_t n = 1; n <= 400; n++)
        for (uint64_t s = 0; s <= n; s++)
            if (sg17_consult_decide(s, n, 70) != (s >= (70 * n + 99) / 100))
                ok = 0;
    tap_ok(ok, "decide == (support >= ceil(0.7 received)) for all received <= 400");
}

static void test_deadline(const sg17_consult_circular *c, const sg17_consult_states *st)
{
    sg17_consult_verdict v;
    int rc = check_reply(c, st, make_reply("CHN", NULL, V_AUTH), "2020-12-18T23:59:59Z", &v, NULL);
    tap_ok(rc == 0 && v.refusal == SG17_CONSULT_ACCEPTED, "arrival 2020-12-18T23:59:59Z accepted (%s)",
           v.reason);
    rc = check_reply(c, st, make_reply("CHN", NULL, V_AUTH), "2020-12-19T00:00:00Z", &v, NULL);
    tap_ok(rc == 0 && v.refusal == SG17_CONSULT_LATE, "arrival 2020-12-19T00:00:00Z refused late (%s)",
           v.reason);
}

static void test_refusals(const sg17_consult_circular *c, const sg17_consult_states *st)
{
    sg17_consult_verdict v;
    json_t *r;
    int64_t t = 0;
    if (sg17_consult_time_parse("2020-12-10T12:00:00Z", &t) != 0)
        tap_skip_all("time parse");

    /* unsigned: the envelope without its signature */
    r = make_reply("FRA", NULL, V_AUTH);
    json_t *env = json_pack("{s:O}", "reply", r);
    char *text = json_dumps(env, JSON_COMPACT);
    int rc = sg17_consult_reply_check(c, st, lookup, NULL, text, strlen(text), t, &v, NULL);
    tap_ok(rc == 0 && v.refusal == SG17_CONSULT_UNSIGNED, "unsigned reply refused (%s)", v.reason);
    free(text);
    json_decref(env);

    /* wrongly signed: by a key that is not FRA's */
    char *s = sign_with(other_key, r);
    rc = sg17_consult_reply_check(c, st, lookup, NULL, s, strlen(s), t, &v, NULL);
    tap_ok(rc == 0 && v.refusal == SG17_CONSULT_BAD_SIGNATURE, "reply signed by another key refused (%s)",
           v.reason);
    free(s);

    /* wrongly signed: content changed after signing (the vote flipped) */
    s = sign_with(keys[1], r);
    json_t *e2 = json_loads(s, 0, NULL);
    json_t *row = json_array_get(json_object_get(json_object_get(e2, "reply"), "drafts"), 3);
    json_object_set_new(row, "authorize", json_false());
    json_object_set_new(row, "not_authorize", json_true());
    json_object_set_new(row, "reasons", json_string("inserted"));
    free(s);
    s = json_dumps(e2, JSON_COMPACT);
    rc = sg17_consult_reply_check(c, st, lookup, NULL, s, strlen(s), t, &v, NULL);
    tap_ok(rc == 0 && v.refusal == SG17_CONSULT_BAD_SIGNATURE, "tampered reply refused (%s)", v.reason);
    free(s);
    /* one flipped bit in the signature value */
    s = sign_with(keys[1], r);
    char *hex = strstr(s, "\"value\":\"");
    if (hex)
        hex[9] = hex[9] == '0' ? '1' : '0';
    rc = sg17_consult_reply_check(c, st, lookup, NULL, s, strlen(s), t, &v, NULL);
    tap_ok(hex && rc == 0 && v.refusal == SG17_CONSULT_BAD_SIGNATURE, "flipped signature bit refused");
    free(s);
    json_decref(e2);
    json_decref(r);

    /* not authorize without reasons (blank counts as none) */
    r = make_reply("USA", "X.1376", V_NOT);
    json_object_set_new(json_array_get(json_object_get(r, "drafts"), 2), "reasons",
                        json_string("  \n"));
    expect_refusal(c, st, r, SG17_CONSULT_NO_REASONS, "not authorize without reasons");

    r = make_reply("USA", NULL, V_AUTH);
    json_object_set_new(json_array_get(json_object_get(r, "drafts"), 0), "draft",
                        json_string("X.1999"));
    expect_refusal(c, st, r, SG17_CONSULT_UNKNOWN_DRAFT, "draft not in the circular");

    r = make_reply("USA", NULL, V_AUTH);
    json_object_set_new(json_array_get(json_object_get(r, "drafts"), 1), "not_authorize",
                        json_true());
    expect_refusal(c, st, r, SG17_CONSULT_BOTH_BOXES, "both boxes ticked");

    r = make_reply("USA", NULL, V_AUTH);
    json_object_set_new(json_array_get(json_object_get(r, "drafts"), 1), "authorize",
                        json_false());
    expect_refusal(c, st, r, SG17_CONSULT_NO_BOX, "no box ticked");

    r = make_reply("USA", NULL, V_AUTH);
    json_array_remove(json_object_get(r, "drafts"), 3);
    expect_refusal(c, st, r, SG17_CONSULT_NO_BOX, "a draft left unanswered");

    r = make_reply("USA", NULL, V_AUTH);
    json_array_append_new(json_object_get(r, "drafts"),
                          json_deep_copy(json_array_get(json_object_get(r, "drafts"), 0)));
    expect_refusal(c, st, r, SG17_CONSULT_DUPLICATE_DRAFT, "a draft answered twice");

    r = make_reply("USA", NULL, V_AUTH);
    json_object_set_new(r, "place", json_string(""));
    expect_refusal(c, st, r, SG17_CONSULT_INCOMPLETE, "place missing");
    r = make_reply("USA", NULL, V_AUTH);
    json_object_del(json_object_get(r, "sender"), "title");
    expect_refusal(c, st, r, SG17_CONSULT_INCOMPLETE, "sender title missing");
    r = make_reply("USA", NULL, V_AUTH);
    json_object_set_new(r, "date", json_string("10/12/2020"));
    expect_refusal(c, st, r, SG17_CONSULT_INCOMPLETE, "date not YYYY-MM-DD");

    r = make_reply("USA", NULL, V_AUTH);
    json_object_set_new(r, "circular", json_integer(267));
    expect_refusal(c, st, r, SG17_CONSULT_WRONG_CIRCULAR, "reply to another circular");

    /* an unknown key: sg17 will not sign it, and the check refuses it before the signature */
    r = make_reply("USA", NULL, V_AUTH);
    json_object_set_new(r, "extra", json_true());
    tap_ok(sign_with(keys[2], r) == NULL, "a reply with an unknown key is not signed");
    env = json_pack("{s:O,s:{s:s,s:s}}", "reply", r, "signature", "alg", "ml-dsa-65", "value", "00");
    text = json_dumps(env, JSON_COMPACT);
    rc = sg17_consult_reply_check(c, st, lookup, NULL, text, strlen(text), t, &v, NULL);
    tap_ok(rc == 0 && v.refusal == SG17_CONSULT_MALFORMED, "unknown key in the reply refused (%s)",
           v.reason);
    free(text);
    json_decref(env);
    json_decref(r);

    /* an administration that is not a Member State / has no registered key */
    r = make_reply("XYZ", NULL, V_AUTH);
    s = sign_with(keys[0], r);
    rc = sg17_consult_reply_check(c, st, lookup, NULL, s, strlen(s), t, &v, NULL);
    tap_ok(rc == 0 && v.refusal == SG17_CONSULT_UNKNOWN_ADMIN, "non-Member State refused (%s)", v.reason);
    free(s);
    json_decref(r);
    r = make_reply("ITA", NULL, V_AUTH);
    s = sign_with(keys[0], r);
    rc = sg17_consult_reply_check(c, st, lookup, NULL, s, strlen(s), t, &v, NULL);
    tap_ok(rc == 0 && v.refusal == SG17_CONSULT_UNKNOWN_ADMIN, "Member State without a key refused (%s)",
           v.reason);
    free(s);
    json_decref(r);

    static const char *const junk[] = {"", "null", "[]", "{\"reply\":1}", "{\"reply\":{},\"x\":1}",
                                       "{\"reply\":{\"type\":\"sg17-consult-reply\"}}",
                                       "{\"reply\":{},\"reply\":{}}"};
    int all = 1;
    for (size_t i = 0; i < sizeof junk / sizeof junk[0]; i++) {
        rc = sg17_consult_reply_check(c, st, lookup, NULL, junk[i], strlen(junk[i]), t, &v, NULL);
        if (rc != 0 || v.refusal != SG17_CONSULT_MALFORMED)
            all = 0;
    }
    tap_ok(all, "malformed envelopes refused as malformed");

    /* with comments, and a not-authorize with reasons, are accepted */
    r = make_reply("USA", "X.1368", V_AUTH_COMMENTS);
    rc = check_reply(c, st, r, "2020-12-10T12:00:00Z", &v, NULL);
    tap_ok(rc == 0 && v.refusal == 0, "authorize with comments accepted (%s)", v.reason);
    r = make_reply("USA", "X.1811", V_NOT);
    rc = check_reply(c, st, r, "2020-12-10T12:00:00Z", &v, NULL);
    tap_ok(rc == 0 && v.refusal == 0, "not authorize with reasons accepted (%s)", v.reason);
}

/* n administrations reply; the first `yes` support X.1217, the rest do not. */
static void tally_case(const sg17_consult_circular *c, const sg17_consult_states *st, size_t n,
                       size_t yes, int want, const char *what)
{
    sg17_consult_tally *t = NULL;
    sg17_consult_result res;
    sg17_consult_verdict v;
    int ok = sg17_consult_tally_new(c, &t) == 0;
    for (size_t i = 0; ok && i < n; i++) {
        json_t *acc = NULL;
        json_t *r = make_reply(adm_ids[i], "X.1217",
                               i < yes ? (i % 2 ? V_AUTH_COMMENTS : V_AUTH) : V_NOT);
        ok = check_reply(c, st, r, "2020-12-18T23:59:59Z", &v, &acc) == 0 && v.refusal == 0 &&
             sg17_consult_tally_add(t, acc) == 0;
        json_decref(acc);
    }
    ok = ok && sg17_consult_tally_result(t, 0, &res) == 0;
    tap_ok(ok && res.received == n && res.support == yes && res.not_authorize == n - yes &&
               res.authorize_comments == yes / 2 && res.approved == want,
           "%s: X.1217 %zu/%zu -> %s", what, res.support, res.received,
           res.approved ? "approved" : "not approved");
    sg17_consult_tally_free(t);
}

static void test_tally(const sg17_consult_circular *c, const sg17_consult_states *st)
{
    tally_case(c, st, 10, 7, 1, "exactly 70 %");
    tally_case(c, st, 10, 6, 0, "one reply short");
    tally_case(c, st, 3, 3, 1, "unanimous");

    /* replacement: KOR authorizes X.1811, then replaces its reply by a not-authorize */
    sg17_consult_tally *t = NULL;
    sg17_consult_result res;
    sg17_consult_verdict v;
    json_t *a1 = NULL, *a2 = NULL;
    char *out = NULL;
    int ok = sg17_consult_tally_new(c, &t) == 0 &&
             check_reply(c, st, make_reply("KOR", NULL, V_AUTH), "2020-12-01T00:00:00Z", &v,
                         &a1) == 0 && v.refusal == 0 && sg17_consult_tally_add(t, a1) == 0 &&
             sg17_consult_tally_result(t, 3, &res) == 0 && res.support == 1;
    ok = ok && check_reply(c, st, make_reply("KOR", "X.1811", V_NOT), "2020-12-18T23:00:00Z",
                           &v, &a2) == 0 && v.refusal == 0 && sg17_consult_tally_add(t, a2) == 0 &&
         sg17_consult_tally_result(t, 3, &res) == 0;
    tap_ok(ok && res.received == 1 && res.support == 0 && res.not_authorize == 1 && !res.approved,
           "a later reply replaces the earlier one (counted once, latest vote)");
    ok = sg17_consult_tally_render(t, SG17_CONSULT_JSON, &out, NULL) == 0;
    json_t *doc = ok ? json_loads(out, 0, NULL) : NULL;
    json_t *adm = json_array_get(json_object_get(doc, "administrations"), 0);
    json_t *d4 = json_array_get(json_object_get(doc, "drafts"), 3);
    tap_ok(json_integer_value(json_object_get(adm, "replies")) == 2,
           "history kept: KOR sent 2 replies");
    tap_ok(strcmp(json_string_value(json_object_get(d4, "share")), "0/1") == 0 &&
               json_array_size(json_object_get(d4, "reasons")) == 1 &&
               strstr(out, "The draft needs further study.") != NULL,
           "tally JSON carries the share and the reasons");
    json_decref(doc);
    free(out);
    json_decref(a1);
    json_decref(a2);
    sg17_consult_tally_free(t);
}

static void test_form(const sg17_consult_circular *c)
{
    char *en = NULL, *zh = NULL, *html = NULL;
    tap_ok(sg17_consult_form_render(c, "en", 0, &en, NULL) == 0 && strstr(en, "ANNEX 2") &&
               strstr(en, "X.1811 (X.5Gsec-q)") && strstr(en, "DOES NOT AUTHORIZE") &&
               strstr(en, "70 %"),
           "English form");
    tap_ok(sg17_consult_form_render(c, "zh", 0, &zh, NULL) == 0 && strstr(zh, "附件2") &&
               strstr(zh, "第268号通函") && strstr(zh, "不授权") && strstr(zh, "70%"),
           "Chinese form");
    tap_ok(sg17_consult_form_render(c, "zh", 1, &html, NULL) == 0 &&
               strstr(html, "<html lang=\"zh\">") && strstr(html, "X.1376 (X.mdcv)"),
           "Chinese HTML form");
    char *fr = NULL;
    tap_ok(sg17_consult_form_render(c, "fr", 0, &fr, NULL) == SG17_E_UNSUPPORTED, "other language refused");
    free(en);
    free(zh);
    free(html);
}

int main(void)
{
    size_t clen = 0, slen = 0;
    char *ctext = load("data/consult/circular-268.json", &clen);
    char *stext = load("data/consult/member_states.json", &slen);
    sg17_consult_circular *c = NULL;
    sg17_consult_states *st = NULL;
    sg17_json_error err;
    tap_ok(sg17_consult_circular_parse(ctext, clen, &c, &err) == 0, "circular 268 parses");
    tap_ok(sg17_consult_states_parse(stext, slen, &st, &err) == 0, "Member States list parses");
    if (c == NULL || st == NULL)
        return tap_done();
    for (size_t i = 0; i < NADM; i++)
        if (sg17_pqc_keygen(SG17_CONSULT_DEFAULT_ALG, &keys[i]) != 0)
            tap_skip_all("ml-dsa-65 keygen failed");
    if (sg17_pqc_keygen(SG17_CONSULT_DEFAULT_ALG, &other_key) != 0)
        tap_skip_all("ml-dsa-65 keygen failed");

    test_data(c, st);
    test_decide();
    test_deadline(c, st);
    test_refusals(c, st);
    test_tally(c, st);
    test_form(c);

    for (size_t i = 0; i < NADM; i++)
        sg17_pqc_key_free(keys[i]);
    sg17_pqc_key_free(other_key);
    sg17_consult_circular_free(c);
    sg17_consult_states_free(st);
    free(ctext);
    free(stext);
    return tap_done();
}
