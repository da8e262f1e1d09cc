/*
 * The consultation store (sg17/consult.h): what is kept is the same in both
 * backends - the Member States list, imported circulars, each
 * administration's registered signing key, and every accepted reply (the
 * latest is current, earlier ones stay as history). This file holds the
 * rules (import, checks on arrival, history, tally, copying one store into
 * another); store_dir.c (a directory, the CLI's default) and store_db.c
 * (SQLite tables, sg17d's) only keep and list.
 */
#include <stdlib.h>
#include <string.h>

#include "consult_internal.h"

#define STORE_MAX_STATES_BYTES (1 << 20)

int consult_admin_id_ok(const char *id)
{
    size_t n = strlen(id);
    if (n < 2 || n > 8)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (id[i] < 'A' || id[i] > 'Z')
            return 0;
    return 1;
}

int sg17_consult_store_open(const char *dir, sg17_consult_store **out)
{
    return consult_store_dir_open(dir, out);
}

int sg17_consult_store_open_db(const char *path, sg17_consult_store **out)
{
    return consult_store_db_open(path, out);
}

const char *sg17_consult_store_backend(const sg17_consult_store *s)
{
    return s ? s->ops->name : NULL;
}

void sg17_consult_store_free(sg17_consult_store *s)
{
    if (s == NULL)
        return;
    sg17_pqc_key_free(s->cached);
    s->cached = NULL;
    s->ops->close(s);
}

static int tx_begin(sg17_consult_store *s)
{
    return s->ops->begin ? s->ops->begin(s) : 0;
}

/* Commit when rc == 0, roll back otherwise; returns rc or the commit's error. */
static int tx_end(sg17_consult_store *s, int rc)
{
    if (s->ops->finish == NULL)
        return rc;
    int e = s->ops->finish(s, rc == 0);
    return rc ? rc : e;
}

static int load_states(sg17_consult_store *s, sg17_consult_states **out)
{
    uint8_t *buf = NULL;
    size_t len = 0;
    int rc = s->ops->get(s, CONSULT_DOC_STATES, 0, NULL, &buf, &len);
    if (rc == 0)
        rc = sg17_consult_states_parse((const char *)buf, len, out, NULL);
    free(buf);
    return rc;
}

int sg17_consult_store_import_states(sg17_consult_store *s, const char *json, size_t len,
                                     sg17_json_error *err)
{
    sg17_consult_states *st = NULL;
    if (s == NULL || json == NULL)
        return SG17_E_INVAL;
    if (len > STORE_MAX_STATES_BYTES)
        return SG17_E_LIMIT;
    int rc = sg17_consult_states_parse(json, len, &st, err);
    if (rc)
        return rc;
    sg17_consult_states_free(st);
    if ((rc = tx_begin(s)) != 0)
        return rc;
    return tx_end(s, s->ops->put(s, CONSULT_DOC_STATES, 0, NULL, json, len));
}

/* Put a parsed circular unless the same one is there; a different one is EXISTS. */
static int put_circular(sg17_consult_store *s, const sg17_consult_circular *c, int *added)
{
    char *canon = NULL;
    uint8_t *old = NULL;
    size_t clen = 0, olen = 0;
    *added = 0;
    int rc = sg17_consult_circular_canonical(c, &canon, &clen);
    if (rc == 0)
        rc = s->ops->get(s, CONSULT_DOC_CIRCULAR, c->number, NULL, &old, &olen);
    if (rc == 0) {
        rc = (olen == clen && memcmp(old, canon, clen) == 0) ? 0 : SG17_E_EXISTS;
    } else if (rc == SG17_E_NOTFOUND) {
        rc = s->ops->put(s, CONSULT_DOC_CIRCULAR, c->number, NULL, canon, clen);
        *added = rc == 0;
    }
    free(old);
    free(canon);
    return rc;
}

int sg17_consult_store_import_circular(sg17_consult_store *s, const char *json, size_t len,
                                       long *number, sg17_json_error *err)
{
    sg17_consult_circular *c = NULL;
    int added = 0;
    if (s == NULL || json == NULL)
        return SG17_E_INVAL;
    int rc = sg17_consult_circular_parse(json, len, &c, err);
    if (rc)
        return rc;
    if (number)
        *number = c->number;
    if ((rc = tx_begin(s)) == 0)
        rc = tx_end(s, put_circular(s, c, &added));
    sg17_consult_circular_free(c);
    return rc;
}

static int load_circular(sg17_consult_store *s, long number, sg17_consult_circular **out)
{
    uint8_t *buf = NULL;
    size_t len = 0;
    int rc = s->ops->get(s, CONSULT_DOC_CIRCULAR, number, NULL, &buf, &len);
    if (rc == 0)
        rc = sg17_consult_circular_parse((const char *)buf, len, out, NULL);
    free(buf);
    return rc;
}

int sg17_consult_store_circular(sg17_consult_store *s, long number, sg17_consult_circular **out)
{
    if (s == NULL || out == NULL)
        return SG17_E_INVAL;
    *out = NULL;
    return load_circular(s, number, out);
}

int sg17_consult_store_register_key(sg17_consult_store *s, const char *administration,
                                    const char *pem, size_t len)
{
    sg17_consult_states *st = NULL;
    sg17_pqc_key *k = NULL;
    if (s == NULL || administration == NULL || pem == NULL)
        return SG17_E_INVAL;
    int rc = load_states(s, &st);
    if (rc)
        return rc;
    const char *name = sg17_consult_states_name(st, administration);
    sg17_consult_states_free(st);
    if (name == NULL || !consult_admin_id_ok(administration))
        return SG17_E_NOTFOUND;
    if ((rc = sg17_consult_pubkey_parse(pem, len, &k)) != 0)
        return rc;
    sg17_pqc_key_free(k);
    if ((rc = tx_begin(s)) != 0)
        return rc;
    return tx_end(s, s->ops->put(s, CONSULT_DOC_KEY, 0, administration, pem, len));
}

static int store_lookup(void *arg, const char *administration, const sg17_pqc_key **key)
{
    sg17_consult_store *s = arg;
    uint8_t *buf = NULL;
    size_t len = 0;
    if (!consult_admin_id_ok(administration))
        return SG17_E_NOTFOUND;
    sg17_pqc_key_free(s->cached);
    s->cached = NULL;
    int rc = s->ops->get(s, CONSULT_DOC_KEY, 0, administration, &buf, &len);
    if (rc == 0)
        rc = sg17_consult_pubkey_parse((const char *)buf, len, &s->cached);
    free(buf);
    *key = s->cached;
    return rc;
}

/* The checks and the keeping, inside the caller's transaction. */
static int submit_locked(sg17_consult_store *s, long number, const char *envelope, size_t len,
                         int64_t arrival, sg17_consult_verdict *v)
{
    sg17_consult_circular *c = NULL;
    sg17_consult_states *st = NULL;
    json_t *reply = NULL, *env = NULL;
    char *text = NULL;
    size_t tlen = 0;
    int rc;

    if ((rc = load_circular(s, number, &c)) != 0 || (rc = load_states(s, &st)) != 0)
        goto out;
    rc = sg17_consult_reply_check(c, st, store_lookup, s, envelope, len, arrival, v, &reply);
    if (rc)
        goto out;
    if (v->refusal) {
        if (s->ops->refused)
            rc = s->ops->refused(s, number, v, arrival);
        goto out;
    }
    rc = SG17_E_NOMEM;
    if (sg17_json_parse(envelope, len, NULL, &env, NULL) != 0 ||
        sg17_json_dump_canonical(env, &text, &tlen) != 0)
        goto out;
    rc = s->ops->append(s, number, v->administration, arrival, text, tlen);
out:
    free(text);
    json_decref(env);
    json_decref(reply);
    sg17_consult_states_free(st);
    sg17_consult_circular_free(c);
    return rc;
}

int sg17_consult_store_submit(sg17_consult_store *s, long number, const char *envelope,
                              size_t len, int64_t arrival, sg17_consult_verdict *v)
{
    if (s == NULL || envelope == NULL || v == NULL)
        return SG17_E_INVAL;
    int rc = tx_begin(s);
    if (rc)
        return rc;
    return tx_end(s, submit_locked(s, number, envelope, len, arrival, v));
}

int sg17_consult_store_history(sg17_consult_store *s, long number, const char *administration,
                               size_t *count)
{
    if (s == NULL || count == NULL || administration == NULL ||
        !consult_admin_id_ok(administration))
        return SG17_E_INVAL;
    *count = 0;
    return s->ops->history(s, number, administration, count);
}

int sg17_consult_store_refusals(sg17_consult_store *s, long number, size_t *count)
{
    if (s == NULL || count == NULL)
        return SG17_E_INVAL;
    *count = 0;
    return s->ops->refusals ? s->ops->refusals(s, number, count) : SG17_E_UNSUPPORTED;
}

static int tally_cb(void *arg, const char *admin, int64_t received_at, const json_t *envelope)
{
    (void)admin;
    (void)received_at;
    /* Every kept reply counts once in order, so the tally's history length is right and the
     * last one is current. */
    return sg17_consult_tally_add(arg, json_object_get(envelope, "reply"));
}

int sg17_consult_store_tally(sg17_consult_store *s, long number, sg17_consult_circular **c,
                             sg17_consult_tally **t)
{
    if (s == NULL || c == NULL || t == NULL)
        return SG17_E_INVAL;
    *c = NULL;
    *t = NULL;
    int rc = load_circular(s, number, c);
    if (rc == 0)
        rc = sg17_consult_tally_new(*c, t);
    if (rc == 0)
        rc = s->ops->each_reply(s, number, tally_cb, *t);
    if (rc) {
        sg17_consult_tally_free(*t);
        sg17_consult_circular_free(*c);
        *t = NULL;
        *c = NULL;
    }
    return rc;
}
