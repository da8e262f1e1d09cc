/*
 * consult: the directory store - circular import (idempotent, refuses a
 * different circular under the same number), key registration limited to
 * Member States, accepted replies kept as history with the latest current,
 * refused replies not stored, tally from the store.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sg17/consult.h"
#include "tap.h"

static char *load(const char *rel, size_t *len)
{
    char path[4096];
    (void)snprintf(path, sizeof path, "%s/%s", tap_source_dir(), rel);
    char *t = tap_read_file(path, len);
    if (t == NULL)
        tap_skip_all("cannot read %s", path);
    return t;
}

static char *signed_reply(sg17_pqc_key *k, const char *adm, int authorize_x1811)
{
    static const char *const d[4] = {"X.1217", "X.1368", "X.1376", "X.1811"};
    json_t *rows = json_array();
    for (size_t i = 0; i < 4; i++) {
        int yes = i < 3 || authorize_x1811;
        json_array_append_new(rows, json_pack("{s:s,s:b,s:b,s:s,s:s,s:s}", "draft", d[i],
                                              "authorize", yes, "not_authorize", !yes,
                                              "comments", "", "reasons", yes ? "" : "not mature",
                                              "modifications", ""));
    }
    json_t *r = json_pack("{s:s,s:i,s:i,s:s,s:{s:s,s:s,s:s},s:s,s:s,s:o}", "type",
                          "sg17-consult-reply", "version", 1, "circular", 268, "administration",
                          adm, "sender", "name", "N", "title", "T", "address", "A", "date",
                          "2020-12-01", "place", "P", "drafts", rows);
    char *text = json_dumps(r, JSON_COMPACT), *env = NULL;
    size_t elen = 0;
    if (sg17_consult_reply_sign(k, text, strlen(text), &env, &elen) != 0)
        env = NULL;
    free(text);
    json_decref(r);
    return env;
}

static char *pubkey_pem(const char *dir, const char *name, sg17_pqc_key **priv)
{
    char path[4200], pub[4300];
    (void)snprintf(path, sizeof path, "%s/%s.key", dir, name);
    (void)snprintf(pub, sizeof pub, "%s.pub", path);
    if (sg17_pqc_keygen_file(SG17_CONSULT_DEFAULT_ALG, path) != 0 ||
        sg17_pqc_key_load(path, priv) != 0)
        return NULL;
    return tap_read_file(pub, NULL);
}

int main(void)
{
    char tmpl[] = "/tmp/sg17-consult-store-XXXXXX";
    char *dir = mkdtemp(tmpl), store_dir[256];
    if (dir == NULL)
        tap_skip_all("mkdtemp failed");
    (void)snprintf(store_dir, sizeof store_dir, "%s/store", dir);
    size_t clen = 0, slen = 0;
    char *ctext = load("data/consult/circular-268.json", &clen);
    char *stext = load("data/consult/member_states.json", &slen);
    sg17_consult_store *s = NULL;
    long num = 0;
    int64_t t = 0;
    sg17_consult_verdict v;

    tap_ok(sg17_consult_store_open(store_dir, &s) == 0, "store created");
    sg17_pqc_key *kchn = NULL, *kfra = NULL;
    char *pchn = pubkey_pem(dir, "chn", &kchn), *pfra = pubkey_pem(dir, "fra", &kfra);
    if (s == NULL || pchn == NULL || pfra == NULL)
        tap_skip_all("setup failed");
    tap_int_eq(sg17_consult_store_register_key(s, "CHN", pchn, strlen(pchn)), SG17_E_NOTFOUND,
               "no key registration before the Member States list is imported");
    tap_ok(sg17_consult_store_import_states(s, stext, slen, NULL) == 0, "states imported");
    tap_ok(sg17_consult_store_import_circular(s, ctext, clen, &num, NULL) == 0 && num == 268,
           "circular 268 imported");
    tap_ok(sg17_consult_store_import_circular(s, ctext, clen, &num, NULL) == 0,
           "same circular again: no-op");
    char *other = strdup(ctext);
    char *p = strstr(other, "\"threshold_percent\": 70");
    if (p)
        p[strlen("\"threshold_percent\": ")] = '6';
    tap_int_eq(sg17_consult_store_import_circular(s, other, clen, &num, NULL), SG17_E_EXISTS,
               "a different circular 268 is refused");
    free(other);
    tap_int_eq(sg17_consult_store_register_key(s, "XYZ", pchn, strlen(pchn)), SG17_E_NOTFOUND,
               "XYZ is not a Member State");
    tap_int_eq(sg17_consult_store_register_key(s, "../CHN", pchn, strlen(pchn)), SG17_E_NOTFOUND,
               "path-like id refused");
    tap_ok(sg17_consult_store_register_key(s, "CHN", pchn, strlen(pchn)) == 0 &&
               sg17_consult_store_register_key(s, "FRA", pfra, strlen(pfra)) == 0,
           "CHN and FRA keys registered");
    tap_ok(sg17_consult_store_register_key(s, "FRA", "junk", 4) != 0,
           "a key file that is not a PEM public key is refused");

    if (sg17_consult_time_parse("2020-12-18T23:59:59Z", &t) != 0)
        tap_skip_all("time");
    char *e1 = signed_reply(kchn, "CHN", 1), *e2 = signed_reply(kchn, "CHN", 0);
    char *e3 = signed_reply(kfra, "FRA", 1), *bad = signed_reply(kfra, "CHN", 1);
    size_t h = 99;
    tap_ok(sg17_consult_store_submit(s, 268, e1, strlen(e1), t - 100, &v) == 0 && v.refusal == 0,
           "CHN reply 1 accepted");
    tap_ok(sg17_consult_store_submit(s, 268, bad, strlen(bad), t, &v) == 0 &&
               v.refusal == SG17_CONSULT_BAD_SIGNATURE,
           "CHN reply signed with FRA's key refused");
    tap_ok(sg17_consult_store_submit(s, 268, e2, strlen(e2), t + 1, &v) == 0 &&
               v.refusal == SG17_CONSULT_LATE,
           "late reply refused");
    tap_ok(sg17_consult_store_history(s, 268, "CHN", &h) == 0 && h == 1,
           "refused replies are not kept (history 1)");
    tap_ok(sg17_consult_store_submit(s, 268, e2, strlen(e2), t, &v) == 0 && v.refusal == 0,
           "CHN reply 2 (not authorize X.1811) accepted at 23:59:59");
    tap_ok(sg17_consult_store_submit(s, 268, e3, strlen(e3), t, &v) == 0 && v.refusal == 0,
           "FRA reply accepted");
    tap_ok(sg17_consult_store_history(s, 268, "CHN", &h) == 0 && h == 2, "CHN history: 2");

    sg17_consult_circular *c = NULL;
    sg17_consult_tally *ty = NULL;
    sg17_consult_result r;
    tap_ok(sg17_consult_store_tally(s, 268, &c, &ty) == 0 &&
               sg17_consult_tally_result(ty, 3, &r) == 0 && r.received == 2 && r.support == 1 &&
               r.not_authorize == 1 && !r.approved,
           "tally from the store uses CHN's latest reply: X.1811 1/2");
    tap_ok(sg17_consult_tally_result(ty, 0, &r) == 0 && r.support == 2 && r.approved,
           "X.1217 2/2 approved");
    sg17_consult_tally_free(ty);
    sg17_consult_circular_free(c);
    tap_int_eq(sg17_consult_store_tally(s, 999, &c, &ty), SG17_E_NOTFOUND, "unknown circular");

    free(e1);
    free(e2);
    free(e3);
    free(bad);
    free(pchn);
    free(pfra);
    sg17_pqc_key_free(kchn);
    sg17_pqc_key_free(kfra);
    sg17_consult_store_free(s);
    free(ctext);
    free(stext);
    char cmd[600];
    (void)snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        tap_diag("could not remove %s", dir);
    return tap_done();
}
