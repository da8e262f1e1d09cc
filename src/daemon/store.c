/* The storage seam: dispatch to the backend chosen at open (see store.h). */
#include "store.h"

#include <stddef.h>

int sg17d_store_open(sg17d_store **out, const char *path)
{
    if (out == NULL || path == NULL || path[0] == '\0')
        return SG17_E_INVAL;
    /* A "postgres://" URI would select another backend here; only SQLite exists. */
    return sg17d_sqlite_open(out, path);
}

void sg17d_store_close(sg17d_store *s)
{
    if (s != NULL)
        s->ops->close(s);
}

int sg17d_store_ping(sg17d_store *s)
{
    return s->ops->ping(s);
}

int sg17d_store_schema_version(sg17d_store *s, int *version)
{
    return s->ops->schema_version(s, version);
}

int sg17d_store_token_insert(sg17d_store *s, const sg17d_token_rec *rec)
{
    return s->ops->token_insert(s, rec);
}

int sg17d_store_token_candidates(sg17d_store *s, int64_t lookup, sg17d_token_cb cb, void *arg)
{
    return s->ops->token_candidates(s, lookup, cb, arg);
}

int sg17d_store_token_list(sg17d_store *s, sg17d_token_cb cb, void *arg)
{
    return s->ops->token_list(s, cb, arg);
}

int sg17d_store_token_revoke(sg17d_store *s, const char *name, int64_t now)
{
    return s->ops->token_revoke(s, name, now);
}
