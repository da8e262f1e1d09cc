/*
 * consult: the store, both backends (the directory and the SQLite tables) -
 * circular import (idempotent, refuses a different circular under the same
 * number), key registration limited to Member States, accepted replies kept
 * as history with the latest current, refused replies not stored (recorded
 * as refusals in SQLite), tally from the store; and copying a directory
 * store into SQLite (same tally and histories, re-import a no-op, a
 * conflicting key refused without a change).
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

static char *ctext, *stext;
static size_t clen, slen;

/* One backend through the whole story; the store is left on disk for the import test. */
static void run(const char *dir, int db)
{
    char store_path[256];
    (void)snprintf(store_path, sizeof store_path, "%s/%s", dir, db ? "consult.db" : "store");
    sg17_consult_store *s = NULL;
    long num = 0;
    int64_t t = 0;
    sg17_consult_verdict v;

    tap_diag("backend: %s", db ? "sqlite" : "dir");
    tap_ok((db ? sg17_consult_store_open_db(store_path, &s)
               : sg17_consult_store_open(store_path, &s)) == 0,
           "store created");
    tap_ok(s != NULL && strcmp(sg17_consult_store_backend(s), db ? "sqlite" : "dir") == 0,
           "backend name");
    sg17_pqc_key *kchn = NULL, *kfra = NULL;
    char *pchn = pubkey_pem(dir, db ? "chn-db" : "chn", &kchn);
    char *pfra = pubkey_pem(dir, db ? "fra-db" : "fra", &kfra);
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
    size_t nref = 99;
    if (db)
        tap_ok(sg17_consult_store_refusals(s, 268, &nref) == 0 && nref == 2,
               "SQLite records the 2 refusals");
    else
        tap_int_eq(sg17_consult_store_refusals(s, 268, &nref), SG17_E_UNSUPPORTED,
                   "the directory store does not record refusals");

    if (db) {
        /* A second handle on the same file (as sg17d and the CLI share it) continues the
         * numbering: history 3, the tally sees the third reply as current. */
        sg17_consult_store *s2 = NULL;
        tap_ok(sg17_consult_store_open_db(store_path, &s2) == 0 &&
                   sg17_consult_store_submit(s2, 268, e1, strlen(e1), t - 5, &v) == 0 &&
                   v.refusal == 0 && sg17_consult_store_history(s, 268, "CHN", &h) == 0 &&
                   h == 3,
               "a second connection appends reply 3 to CHN's history");
        tap_ok(sg17_consult_store_tally(s2, 268, &c, &ty) == 0 &&
                   sg17_consult_tally_result(ty, 3, &r) == 0 && r.received == 2 &&
                   r.support == 2,
               "its reply is current (X.1811 2/2)");
        sg17_consult_tally_free(ty);
        sg17_consult_circular_free(c);
        sg17_consult_store_free(s2);
    }

    free(e1);
    free(e2);
    free(e3);
    free(bad);
    free(pchn);
    free(pfra);
    sg17_pqc_key_free(kchn);
    sg17_pqc_key_free(kfra);
    sg17_consult_store_free(s);
}

static char *render(sg17_consult_store *s)
{
    sg17_consult_circular *c = NULL;
    sg17_consult_tally *t = NULL;
    char *out = NULL;
    size_t len = 0;
    if (sg17_consult_store_tally(s, 268, &c, &t) != 0 ||
        sg17_consult_tally_render(t, SG17_CONSULT_JSON, &out, &len) != 0)
        out = NULL;
    sg17_consult_tally_free(t);
    sg17_consult_circular_free(c);
    return out;
}

/* The directory store of run(dir, 0) copied into a fresh SQLite database. */
static void import_test(const char *dir)
{
    char src_path[256], dst_path[256];
    (void)snprintf(src_path, sizeof src_path, "%s/store", dir);
    (void)snprintf(dst_path, sizeof dst_path, "%s/imported.db", dir);
    sg17_consult_store *src = NULL, *dst = NULL;
    sg17_consult_import_stats st;
    size_t h = 0;
    if (sg17_consult_store_open(src_path, &src) != 0 ||
        sg17_consult_store_open_db(dst_path, &dst) != 0)
        tap_skip_all("cannot open the stores");
    tap_ok(sg17_consult_store_import_store(dst, src, &st) == 0 && st.states == 1 &&
               st.circulars == 1 && st.keys == 2 && st.replies == 3 && st.skipped == 0,
           "import: states, 1 circular, 2 keys, 3 replies");
    char *a = render(src), *b = render(dst);
    tap_ok(a != NULL && b != NULL && strcmp(a, b) == 0, "same tally from both stores");
    free(a);
    free(b);
    tap_ok(sg17_consult_store_history(dst, 268, "CHN", &h) == 0 && h == 2,
           "CHN's history (2) came along");
    tap_ok(sg17_consult_store_import_store(dst, src, &st) == 0 && st.replies == 0 &&
               st.states == 0 && st.circulars == 0 && st.keys == 0 && st.skipped == 6,
           "re-import: everything skipped");
    /* FRA registers another key in the directory store: the copy is refused, nothing moves. */
    sg17_pqc_key *k = NULL;
    char *pem = pubkey_pem(dir, "fra2", &k);
    sg17_pqc_key_free(k);
    tap_ok(pem != NULL &&
               sg17_consult_store_register_key(src, "FRA", pem, strlen(pem)) == 0 &&
               sg17_consult_store_import_store(dst, src, &st) == SG17_E_EXISTS,
           "a different key for FRA: SG17_E_EXISTS");
    free(pem);
    tap_ok(sg17_consult_store_history(dst, 268, "FRA", &h) == 0 && h == 1,
           "FRA's history in SQLite unchanged");
    tap_int_eq(sg17_consult_store_import_store(dst, dst, &st), SG17_E_INVAL,
               "a store into itself is refused");
    sg17_consult_store_free(src);
    sg17_consult_store_free(dst);
}

int main(void)
{
    char tmpl[] = "/tmp/sg17-consult-store-XXXXXX";
    char *dir = mkdtemp(tmpl);
    if (dir == NULL)
        tap_skip_all("mkdtemp failed");
    ctext = load("data/consult/circular-268.json", &clen);
    stext = load("data/consult/member_states.json", &slen);
    run(dir, 0);
    run(dir, 1);
    import_test(dir);
    free(ctext);
    free(stext);
    char cmd[600];
    (void)snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        tap_diag("could not remove %s", dir);
    return tap_done();
}
