/*
 * STIX 2.1 Patterning (CS02 section 9.5-9.6): observations and evaluation of
 * observation expressions (AND, OR, FOLLOWEDBY, qualifiers) into bindings.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stix_internal.h"
#include "stix_pattern_internal.h"

/* Index the objects of the list and of bundles directly in it (bundles do
 * not nest in STIX 2.1; a bundle inside a bundle is not descended into). */
/* NOLINTNEXTLINE(misc-no-recursion): one level (top-level bundles only) */
static int index_objects(sg17_stix_observations *O, const json_t *arr, int top)
{
    size_t i;
    const json_t *e;
    json_array_foreach(arr, i, e) {
        const char *id = json_string_value(json_object_get(e, "id"));
        const char *t = json_string_value(json_object_get(e, "type"));
        if (t && strcmp(t, "bundle") == 0) {
            if (top) {
                int rc = index_objects(O, json_object_get(e, "objects"), 0);
                if (rc)
                    return rc;
            }
            continue;
        }
        if (id && json_object_set(O->ids, id, stix_unconst(e)))
            return SG17_E_NOMEM;
    }
    return 0;
}

static int add_od(sg17_stix_observations *O, const json_t *od, char *err, size_t errlen)
{
    if (O->n == O->cap) {
        size_t nc = O->cap ? O->cap * 2 : 16;
        obs *no = realloc(O->o, nc * sizeof *no);
        if (!no)
            return SG17_E_NOMEM;
        O->o = no;
        O->cap = nc;
    }
    obs *b = &O->o[O->n];
    memset(b, 0, sizeof *b);
    b->od = od;
    b->id = json_string_value(json_object_get(od, "id"));
    const char *f = json_string_value(json_object_get(od, "first_observed"));
    const char *l = json_string_value(json_object_get(od, "last_observed"));
    if (!f || !l || sg17_stix_timestamp_parse(f, &b->fs, &b->fns) ||
        sg17_stix_timestamp_parse(l, &b->ls, &b->lns)) {
        if (err)
            snprintf(err, errlen, "observed-data %s: bad first_observed/last_observed", b->id ? b->id : "?");
        return SG17_E_FORMAT;
    }
    const json_t *no = json_object_get(od, "number_observed");
    b->number = json_is_integer(no) ? (long)json_integer_value(no) : 1;
    if (b->number < 1)
        b->number = 1;
    const json_t *objs = json_object_get(od, "objects");
    const json_t *refs = json_object_get(od, "object_refs");
    size_t cap = json_object_size(objs) + json_array_size(refs);
    b->roots = calloc(cap ? cap : 1, sizeof *b->roots);
    if (!b->roots)
        return SG17_E_NOMEM;
    if (json_is_object(objs) && json_object_size(objs) > 0) {
        b->scope = objs;
        const char *k;
        const json_t *v;
        json_object_foreach(stix_unconst(objs), k, v) b->roots[b->nroots++] = v;
    }
    {
        size_t i;
        const json_t *r;
        json_array_foreach(refs, i, r) {
            const json_t *o = json_object_get(O->ids, json_string_value(r) ? json_string_value(r) : "");
            if (o)
                b->roots[b->nroots++] = o;
        }
    }
    O->n++;
    return 0;
}

/* NOLINTNEXTLINE(misc-no-recursion): one level (top-level bundles only) */
static int collect_od(sg17_stix_observations *O, const json_t *arr, int top, char *err, size_t errlen)
{
    size_t i;
    const json_t *e;
    json_array_foreach(arr, i, e) {
        const char *t = json_string_value(json_object_get(e, "type"));
        if (!t)
            continue;
        int rc = 0;
        if (strcmp(t, "bundle") == 0) {
            if (top)
                rc = collect_od(O, json_object_get(e, "objects"), 0, err, errlen);
        } else if (strcmp(t, "observed-data") == 0) {
            rc = add_od(O, e, err, errlen);
        }
        if (rc)
            return rc;
    }
    return 0;
}

void sg17_stix_observations_free(sg17_stix_observations *o)
{
    if (!o)
        return;
    for (size_t i = 0; i < o->n; i++)
        free(o->o[i].roots);
    free(o->o);
    json_decref(o->ids);
    free(o);
}

int sg17_stix_observations_load(const json_t *list, sg17_stix_observations **out, char *err, size_t errlen)
{
    if (!out)
        return SG17_E_INVAL;
    *out = NULL;
    if (!json_is_array(list)) {
        if (err)
            snprintf(err, errlen, "observations must be a JSON array");
        return SG17_E_FORMAT;
    }
    sg17_stix_observations *O = calloc(1, sizeof *O);
    if (!O)
        return SG17_E_NOMEM;
    O->ids = json_object();
    int rc = O->ids ? index_objects(O, list, 1) : SG17_E_NOMEM;
    if (!rc)
        rc = collect_od(O, list, 1, err, errlen);
    if (rc) {
        sg17_stix_observations_free(O);
        return rc;
    }
    *out = O;
    return 0;
}

/* ---- evaluation: bindings --------------------------------------------------- */

#define MAX_BINDINGS 200000U
/* An observed-data with number_observed = n stands for n observations (REPEATS
 * counts them); at most this many copies are considered. */
#define MAX_COPIES 64

typedef struct blist {
    uint32_t *data; /* concatenated sorted index lists */
    size_t *off;    /* binding i = data[off[i] .. off[i+1]) */
    size_t n, dcap, ocap;
} blist;

static void bl_free(blist *l)
{
    free(l->data);
    free(l->off);
    memset(l, 0, sizeof *l);
}

static int bl_add(blist *l, const uint32_t *ix, size_t len)
{
    if (l->n >= MAX_BINDINGS)
        return SG17_E_LIMIT;
    if (l->ocap < l->n + 2) {
        size_t nc = l->ocap ? l->ocap * 2 : 16;
        size_t *no = realloc(l->off, nc * sizeof *no);
        if (!no)
            return SG17_E_NOMEM;
        if (l->ocap == 0)
            no[0] = 0;
        l->off = no;
        l->ocap = nc;
    }
    size_t used = l->off[l->n];
    if (l->dcap < used + len) {
        size_t nc = l->dcap ? l->dcap * 2 : 64;
        while (nc < used + len)
            nc *= 2;
        uint32_t *nd = realloc(l->data, nc * sizeof *nd);
        if (!nd)
            return SG17_E_NOMEM;
        l->data = nd;
        l->dcap = nc;
    }
    if (len)
        memcpy(l->data + used, ix, len * sizeof *ix);
    l->off[l->n + 1] = used + len;
    l->n++;
    return 0;
}

static size_t bl_len(const blist *l, size_t i)
{
    return l->off[i + 1] - l->off[i];
}

static const uint32_t *bl_at(const blist *l, size_t i)
{
    return l->data + l->off[i];
}

/* merge two sorted multisets; 0 if some observation is used more often than observed */
static int merge(const sg17_stix_observations *O, const uint32_t *a, size_t an, const uint32_t *b,
                 size_t bn, uint32_t *out)
{
    size_t i = 0, j = 0, k = 0;
    while (i < an || j < bn) {
        if (j >= bn || (i < an && a[i] <= b[j]))
            out[k++] = a[i++];
        else
            out[k++] = b[j++];
    }
    size_t run = 1;
    for (size_t x = 1; x < k; x++) {
        run = out[x] == out[x - 1] ? run + 1 : 1;
        if ((long)run > O->o[out[x]].number)
            return 0;
    }
    return 1;
}

static int64_t t_ns(int64_t s, uint32_t ns)
{
    return s * 1000000000LL + ns;
}

static int eval_obs(ectx *E, const node *n, blist *out, unsigned depth);

static int eval_pairs(ectx *E, const node *n, const blist *l, const blist *r, blist *out)
{
    const sg17_stix_observations *O = E->O;
    uint32_t *buf = NULL;
    size_t bcap = 0;
    int rc = 0;
    for (size_t i = 0; i < l->n && !rc; i++) {
        for (size_t j = 0; j < r->n && !rc; j++) {
            size_t an = bl_len(l, i), bn = bl_len(r, j);
            const uint32_t *a = bl_at(l, i), *b = bl_at(r, j);
            if (n->k == N_OBS_FB) {
                /* every observation on the left no later than every one on the right */
                int64_t lmax = INT64_MIN, rmin = INT64_MAX;
                for (size_t x = 0; x < an; x++) {
                    int64_t t = t_ns(O->o[a[x]].fs, O->o[a[x]].fns);
                    if (t > lmax)
                        lmax = t;
                }
                for (size_t x = 0; x < bn; x++) {
                    int64_t t = t_ns(O->o[b[x]].fs, O->o[b[x]].fns);
                    if (t < rmin)
                        rmin = t;
                }
                if (lmax > rmin)
                    continue;
            }
            if (bcap < an + bn) {
                bcap = (an + bn) * 2;
                uint32_t *nb = realloc(buf, bcap * sizeof *nb);
                if (!nb) {
                    rc = SG17_E_NOMEM;
                    break;
                }
                buf = nb;
            }
            if (!merge(O, a, an, b, bn, buf))
                continue;
            rc = bl_add(out, buf, an + bn);
        }
    }
    free(buf);
    return rc;
}

static int repeats(ectx *E, const blist *in, long times, blist *out)
{
    /* choose `times` bindings i1 < i2 < ... (combinations), iteratively */
    const sg17_stix_observations *O = E->O;
    if (times <= 0)
        return 0;
    if ((size_t)times > in->n)
        return 0;
    size_t t = (size_t)times;
    size_t *ch = calloc(t, sizeof *ch);
    size_t total = 0;
    for (size_t i = 0; i < in->n; i++)
        total += bl_len(in, i);
    uint32_t *acc = malloc((total + 1) * sizeof *acc);
    uint32_t *tmp = malloc((total + 1) * sizeof *tmp);
    size_t *alen = calloc(t + 1, sizeof *alen);
    if (!ch || !acc || !tmp || !alen) {
        free(ch);
        free(acc);
        free(tmp);
        free(alen);
        return SG17_E_NOMEM;
    }
    int rc = 0;
    size_t level = 0;
    ch[0] = 0;
    size_t steps = 0;
    /* acc holds the merged multiset for levels < level; recompute per level */
    while (!rc) {
        if (++steps > 4u * MAX_BINDINGS) {
            rc = SG17_E_LIMIT;
            break;
        }
        if (ch[level] >= in->n) {
            if (level == 0)
                break;
            level--;
            ch[level]++;
            continue;
        }
        /* merge acc (levels 0..level-1) with binding ch[level] */
        size_t prev = level ? alen[level] : 0;
        size_t bn = bl_len(in, ch[level]);
        /* recompute acc prefix for this level */
        size_t cur = 0;
        int ok = 1;
        for (size_t x = 0; x <= level && ok; x++) {
            size_t l2 = bl_len(in, ch[x]);
            if (!merge(O, acc, cur, bl_at(in, ch[x]), l2, tmp))
                ok = 0;
            else {
                memcpy(acc, tmp, (cur + l2) * sizeof *acc);
                cur += l2;
            }
        }
        (void)prev;
        (void)bn;
        if (!ok) {
            ch[level]++;
            continue;
        }
        if (level + 1 == t) {
            rc = bl_add(out, acc, cur);
            ch[level]++;
            if (out->n >= 1 && steps > MAX_BINDINGS)
                break;
            continue;
        }
        alen[level + 1] = cur;
        level++;
        ch[level] = ch[level - 1] + 1;
    }
    free(ch);
    free(acc);
    free(tmp);
    free(alen);
    return rc;
}

/* NOLINTNEXTLINE(misc-no-recursion): AST height capped, depth checked */
static int eval_obs(ectx *E, const node *n, blist *out, unsigned depth)
{
    const sg17_stix_observations *O = E->O;
    if (depth > AST_MAX_HEIGHT + 4)
        return SG17_E_LIMIT;
    int rc = 0;
    switch (n->k) {
    case N_OBS: {
        size_t maxr = 1;
        for (size_t i = 0; i < O->n; i++)
            if (O->o[i].nroots > maxr)
                maxr = O->o[i].nroots;
        cres r;
        r.m = malloc(maxr);
        if (!r.m)
            return SG17_E_NOMEM;
        for (size_t i = 0; i < O->n && !rc; i++) {
            E->cur = &O->o[i];
            rc = stix_pat_eval_cmp(E, n->a, &r, depth + 1);
            if (!rc && r.any) {
                uint32_t ix = (uint32_t)i;
                long copies = O->o[i].number < MAX_COPIES ? O->o[i].number : MAX_COPIES;
                for (long c = 0; c < copies && !rc; c++)
                    rc = bl_add(out, &ix, 1);
            }
        }
        free(r.m);
        return rc;
    }
    case N_OBS_OR: {
        blist b = {0};
        rc = eval_obs(E, n->a, out, depth + 1);
        if (!rc)
            rc = eval_obs(E, n->b, &b, depth + 1);
        for (size_t i = 0; i < b.n && !rc; i++)
            rc = bl_add(out, bl_at(&b, i), bl_len(&b, i));
        bl_free(&b);
        return rc;
    }
    case N_OBS_AND:
    case N_OBS_FB: {
        blist a = {0}, b = {0};
        rc = eval_obs(E, n->a, &a, depth + 1);
        if (!rc)
            rc = eval_obs(E, n->b, &b, depth + 1);
        if (!rc)
            rc = eval_pairs(E, n, &a, &b, out);
        bl_free(&a);
        bl_free(&b);
        return rc;
    }
    case N_WITHIN:
    case N_STARTSTOP: {
        blist a = {0};
        rc = eval_obs(E, n->a, &a, depth + 1);
        for (size_t i = 0; i < a.n && !rc; i++) {
            const uint32_t *ix = bl_at(&a, i);
            size_t len = bl_len(&a, i);
            int64_t mn = INT64_MAX, mx = INT64_MIN;
            int ok = 1;
            for (size_t k = 0; k < len; k++) {
                const obs *b = &O->o[ix[k]];
                int64_t f = t_ns(b->fs, b->fns), l = t_ns(b->ls, b->lns);
                if (f < mn)
                    mn = f;
                if (l > mx)
                    mx = l;
                if (n->k == N_STARTSTOP) {
                    int64_t st = t_ns(n->start_s, n->start_ns), sp = t_ns(n->stop_s, n->stop_ns);
                    if (!(f >= st && l < sp))
                        ok = 0;
                }
            }
            if (n->k == N_WITHIN) {
                int64_t latest_first = INT64_MIN, earliest_last = INT64_MAX;
                for (size_t k = 0; k < len; k++) {
                    const obs *b = &O->o[ix[k]];
                    int64_t f = t_ns(b->fs, b->fns), l = t_ns(b->ls, b->lns);
                    if (f > latest_first)
                        latest_first = f;
                    if (l < earliest_last)
                        earliest_last = l;
                }
                if ((double)(latest_first - earliest_last) > n->within * 1e9)
                    ok = 0;
            }
            (void)mn;
            (void)mx;
            if (ok)
                rc = bl_add(out, ix, len);
        }
        bl_free(&a);
        return rc;
    }
    case N_REPEATS: {
        blist a = {0};
        rc = eval_obs(E, n->a, &a, depth + 1);
        if (!rc)
            rc = repeats(E, &a, n->repeats, out);
        bl_free(&a);
        return rc;
    }
    default:
        return SG17_E_INVAL;
    }
}

int sg17_stix_pattern_match(const sg17_stix_pattern *p, const sg17_stix_observations *obs_in,
                            json_t **matched, char *err, size_t err_len)
{
    if (matched)
        *matched = NULL;
    if (!p || !obs_in)
        return SG17_E_INVAL;
    if (err && err_len)
        err[0] = '\0';
    ectx E;
    memset(&E, 0, sizeof E);
    E.O = obs_in;
    E.err = err;
    E.errlen = err_len;
    E.vb = malloc(sizeof *E.vb);
    if (!E.vb)
        return SG17_E_NOMEM;
    blist out = {0};
    int rc = eval_obs(&E, p->root, &out, 0);
    free(E.vb);
    if (rc == 0 && E.error)
        rc = SG17_E_FORMAT;
    if (rc) {
        if (rc == SG17_E_LIMIT && err && err_len && !err[0])
            snprintf(err, err_len, "binding search exceeded %u bindings", MAX_BINDINGS);
        bl_free(&out);
        return rc;
    }
    int hit = out.n > 0;
    if (matched) {
        json_t *arr = json_array();
        if (!arr) {
            bl_free(&out);
            return SG17_E_NOMEM;
        }
        if (hit) {
            const uint32_t *ix = bl_at(&out, 0);
            size_t len = bl_len(&out, 0);
            for (size_t k = 0; k < len; k++) {
                if (k && ix[k] == ix[k - 1])
                    continue;
                const char *id = obs_in->o[ix[k]].id;
                json_array_append_new(arr, json_string(id ? id : ""));
            }
        }
        *matched = arr;
    }
    bl_free(&out);
    return hit;
}
