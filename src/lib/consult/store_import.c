/*
 * Copying one consultation store into another (sg17/consult.h
 * sg17_consult_store_import_store): how a directory store's data moves into
 * sg17d's SQLite database without losing a reply, its arrival time or its
 * place in the administration's history.
 */
#include <stdlib.h>
#include <string.h>

#include "consult_internal.h"

typedef struct import_ctx {
    sg17_consult_store *dst, *src;
    sg17_consult_import_stats *st;
    long circular;
    char admin[16]; /* administration whose history is being copied */
    int copy;       /* copy its replies (else skip them) */
} import_ctx;

/* Put a document unless dst holds the same bytes; different bytes are EXISTS. */
static int copy_doc(import_ctx *x, consult_doc kind, long n, const char *admin,
                    const uint8_t *buf, size_t len, size_t *counter)
{
    uint8_t *old = NULL;
    size_t olen = 0;
    int rc = x->dst->ops->get(x->dst, kind, n, admin, &old, &olen);
    if (rc == 0) {
        rc = (olen == len && memcmp(old, buf, len) == 0) ? 0 : SG17_E_EXISTS;
        x->st->skipped += rc == 0;
    } else if (rc == SG17_E_NOTFOUND) {
        rc = x->dst->ops->put(x->dst, kind, n, admin, (const char *)buf, len);
        *counter += rc == 0;
    }
    free(old);
    return rc;
}

static int circular_cb(void *arg, long number, const char *admin, const uint8_t *buf, size_t len)
{
    import_ctx *x = arg;
    sg17_consult_circular *c = NULL;
    (void)admin;
    /* Only circulars that parse (and under their own number) move. */
    int rc = sg17_consult_circular_parse((const char *)buf, len, &c, NULL);
    if (rc == 0 && c->number != number)
        rc = SG17_E_FORMAT;
    sg17_consult_circular_free(c);
    return rc ? rc : copy_doc(x, CONSULT_DOC_CIRCULAR, number, NULL, buf, len, &x->st->circulars);
}

static int key_cb(void *arg, long number, const char *admin, const uint8_t *buf, size_t len)
{
    import_ctx *x = arg;
    (void)number;
    return copy_doc(x, CONSULT_DOC_KEY, 0, admin, buf, len, &x->st->keys);
}

static int reply_cb(void *arg, const char *admin, int64_t received_at, const json_t *envelope)
{
    import_ctx *x = arg;
    char *text = NULL;
    size_t len = 0;
    int rc;
    if (strcmp(admin, x->admin) != 0) {
        /* First reply of this administration: decide for its whole history. */
        size_t have = 0, want = 0;
        if (strlen(admin) >= sizeof x->admin)
            return SG17_E_FORMAT;
        memcpy(x->admin, admin, strlen(admin) + 1);
        if ((rc = x->dst->ops->history(x->dst, x->circular, admin, &have)) != 0 ||
            (rc = x->src->ops->history(x->src, x->circular, admin, &want)) != 0)
            return rc;
        if (have != 0 && have < want)
            return SG17_E_EXISTS;
        x->copy = have == 0;
        x->st->skipped += have != 0;
    }
    if (!x->copy)
        return 0;
    if (sg17_json_dump_canonical(envelope, &text, &len) != 0)
        return SG17_E_NOMEM;
    rc = x->dst->ops->append(x->dst, x->circular, admin, received_at, text, len);
    x->st->replies += rc == 0;
    free(text);
    return rc;
}

/* Replies of every circular now in src (each also in dst by now). */
static int replies_of_circular(void *arg, long number, const char *admin, const uint8_t *buf,
                               size_t len)
{
    import_ctx *x = arg;
    (void)admin;
    (void)buf;
    (void)len;
    x->circular = number;
    x->admin[0] = '\0';
    x->copy = 0;
    return x->src->ops->each_reply(x->src, number, reply_cb, x);
}

static int import_all(import_ctx *x)
{
    uint8_t *buf = NULL;
    size_t len = 0;
    int rc = x->src->ops->get(x->src, CONSULT_DOC_STATES, 0, NULL, &buf, &len);
    if (rc == 0) {
        sg17_consult_states *states = NULL;
        rc = sg17_consult_states_parse((const char *)buf, len, &states, NULL);
        sg17_consult_states_free(states);
        if (rc == 0)
            rc = copy_doc(x, CONSULT_DOC_STATES, 0, NULL, buf, len, &x->st->states);
    } else if (rc == SG17_E_NOTFOUND) {
        rc = 0;
    }
    free(buf);
    if (rc == 0)
        rc = x->src->ops->each_doc(x->src, CONSULT_DOC_CIRCULAR, circular_cb, x);
    if (rc == 0)
        rc = x->src->ops->each_doc(x->src, CONSULT_DOC_KEY, key_cb, x);
    if (rc == 0)
        rc = x->src->ops->each_doc(x->src, CONSULT_DOC_CIRCULAR, replies_of_circular, x);
    return rc;
}

int sg17_consult_store_import_store(sg17_consult_store *dst, sg17_consult_store *src,
                                    sg17_consult_import_stats *st)
{
    sg17_consult_import_stats local;
    if (dst == NULL || src == NULL || dst == src)
        return SG17_E_INVAL;
    memset(&local, 0, sizeof local);
    import_ctx x = {.dst = dst, .src = src, .st = &local};
    int rc = dst->ops->begin ? dst->ops->begin(dst) : 0;
    if (rc)
        return rc;
    rc = import_all(&x);
    if (dst->ops->finish) {
        int e = dst->ops->finish(dst, rc == 0);
        rc = rc ? rc : e;
    }
    if (rc == 0 && st)
        *st = local;
    return rc;
}
