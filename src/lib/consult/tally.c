/*
 * The tally of a circular's replies and the decision per draft under the
 * threshold rule (WTSA Resolution 1 §9.4: the study group may apply the
 * approval procedure when at least 70 % of the Member States' replies
 * support the draft), in exact integer arithmetic.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "consult_internal.h"

#define TALLY_MAX_ADMINS 1024U
#define TALLY_MAX_OUTPUT ((size_t)64 * 1024 * 1024)

typedef struct tally_entry {
    char admin[16];
    size_t replies; /* accepted replies seen (history length) */
    json_t *reply;  /* the current one */
} tally_entry;

struct sg17_consult_tally {
    const sg17_consult_circular *c;
    size_t n, cap;
    tally_entry *e;
};

int sg17_consult_decide(uint64_t support, uint64_t received, unsigned threshold_percent)
{
    /* Counts are bounded by the number of Member States, so neither product
     * overflows; compare the cross-multiplied integers, never a quotient. */
    if (received == 0 || support > received || threshold_percent > 100)
        return 0;
    return support * 100U >= (uint64_t)threshold_percent * received;
}

int sg17_consult_tally_new(const sg17_consult_circular *c, sg17_consult_tally **out)
{
    if (c == NULL || out == NULL)
        return SG17_E_INVAL;
    *out = calloc(1, sizeof **out);
    if (*out == NULL)
        return SG17_E_NOMEM;
    (*out)->c = c;
    return 0;
}

void sg17_consult_tally_free(sg17_consult_tally *t)
{
    if (t == NULL)
        return;
    for (size_t i = 0; i < t->n; i++)
        json_decref(t->e[i].reply);
    free(t->e);
    free(t);
}

int sg17_consult_tally_add(sg17_consult_tally *t, const json_t *reply)
{
    sg17_consult_verdict v;
    if (t == NULL || reply == NULL)
        return SG17_E_INVAL;
    if (sg17_consult_reply_validate(t->c, reply, &v) != 0 || v.refusal != 0)
        return SG17_E_FORMAT;
    size_t i = 0;
    while (i < t->n && strcmp(t->e[i].admin, v.administration) != 0)
        i++;
    if (i == t->n) {
        if (t->n == TALLY_MAX_ADMINS)
            return SG17_E_LIMIT;
        if (t->n == t->cap) {
            size_t ncap = t->cap ? 2 * t->cap : 32;
            tally_entry *ne = realloc(t->e, ncap * sizeof *ne);
            if (ne == NULL)
                return SG17_E_NOMEM;
            t->e = ne;
            t->cap = ncap;
        }
        memset(&t->e[i], 0, sizeof t->e[i]);
        memcpy(t->e[i].admin, v.administration, sizeof v.administration);
        t->n++;
    }
    json_decref(t->e[i].reply);
    t->e[i].reply = json_incref(consult_unconst(reply));
    t->e[i].replies++;
    return 0;
}

static const json_t *row_for(const json_t *reply, const char *draft)
{
    const json_t *ds = json_object_get(reply, "drafts");
    for (size_t k = 0; k < json_array_size(ds); k++) {
        const json_t *d = json_array_get(ds, k);
        if (strcmp(json_string_value(json_object_get(d, "draft")), draft) == 0)
            return d;
    }
    return NULL;
}

static int has_text(const json_t *d, const char *key)
{
    const char *s = json_string_value(json_object_get(d, key));
    for (; s && *s; s++)
        if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r')
            return 1;
    return 0;
}

int sg17_consult_tally_result(const sg17_consult_tally *t, size_t i, sg17_consult_result *r)
{
    if (t == NULL || r == NULL || i >= t->c->ndrafts)
        return SG17_E_INVAL;
    memset(r, 0, sizeof *r);
    r->draft = t->c->drafts[i].number;
    for (size_t a = 0; a < t->n; a++) {
        const json_t *d = row_for(t->e[a].reply, r->draft);
        if (d == NULL)
            continue;
        r->received++;
        if (json_is_true(json_object_get(d, "not_authorize")))
            r->not_authorize++;
        else if (has_text(d, "comments"))
            r->authorize_comments++;
        else
            r->authorize_plain++;
    }
    r->support = r->authorize_plain + r->authorize_comments;
    r->approved = sg17_consult_decide(r->support, r->received, t->c->threshold);
    return 0;
}

/* "70.00": support/received as a percentage, rounded down to 0.01 %, integers only. */
static void share_text(const sg17_consult_result *r, char out[16])
{
    if (r->received == 0) {
        (void)snprintf(out, 16, "-");
        return;
    }
    uint64_t bp = (uint64_t)r->support * 10000U / r->received;
    (void)snprintf(out, 16, "%u.%02u", (unsigned)(bp / 100), (unsigned)(bp % 100));
}

static json_t *draft_json(const sg17_consult_tally *t, size_t i)
{
    sg17_consult_result r;
    char share[16], frac[48];
    if (sg17_consult_tally_result(t, i, &r))
        return NULL;
    share_text(&r, share);
    (void)snprintf(frac, sizeof frac, "%zu/%zu", r.support, r.received);
    json_t *comments = json_array(), *reasons = json_array();
    for (size_t a = 0; a < t->n && comments && reasons; a++) {
        const json_t *d = row_for(t->e[a].reply, r.draft);
        if (d && has_text(d, "comments"))
            json_array_append_new(comments, json_pack("{s:s,s:O}", "administration",
                                                      t->e[a].admin, "comments",
                                                      json_object_get(d, "comments")));
        if (d && json_is_true(json_object_get(d, "not_authorize")))
            json_array_append_new(
                reasons, json_pack("{s:s,s:O,s:O}", "administration", t->e[a].admin, "reasons",
                                   json_object_get(d, "reasons"), "modifications",
                                   json_object_get(d, "modifications")));
    }
    const sg17_consult_draft *dr = &t->c->drafts[i];
    return json_pack("{s:s,s:s,s:s,s:I,s:I,s:I,s:I,s:I,s:s,s:s,s:b,s:s,s:o,s:o}", "draft",
                     dr->number, "provisional", dr->provisional, "title", dr->title, "received",
                     (json_int_t)r.received, "authorize_no_comments",
                     (json_int_t)r.authorize_plain, "authorize_with_comments",
                     (json_int_t)r.authorize_comments, "not_authorize",
                     (json_int_t)r.not_authorize, "support", (json_int_t)r.support, "share",
                     frac, "share_percent_floor", share, "approved", r.approved, "decision",
                     r.approved ? "the approval procedure may be applied"
                                : "threshold not reached",
                     "comments", comments, "reasons", reasons);
}

static int render_json(const sg17_consult_tally *t, char **out, size_t *len)
{
    char dl[21];
    json_t *drafts = json_array(), *admins = json_array();
    for (size_t i = 0; drafts && i < t->c->ndrafts; i++)
        json_array_append_new(drafts, draft_json(t, i));
    for (size_t a = 0; admins && a < t->n; a++)
        json_array_append_new(admins, json_pack("{s:s,s:I}", "administration", t->e[a].admin,
                                                "replies", (json_int_t)t->e[a].replies));
    sg17_consult_time_format(t->c->deadline, dl);
    json_t *doc = json_pack("{s:s,s:I,s:s,s:I,s:s,s:o,s:o}", "type", "sg17-consult-tally",
                            "circular", (json_int_t)t->c->number, "deadline", dl,
                            "threshold_percent", (json_int_t)t->c->threshold, "rule",
                            "approved when support*100 >= threshold_percent*received",
                            "administrations", admins, "drafts", drafts);
    if (doc == NULL)
        return SG17_E_NOMEM;
    int rc = sg17_json_dump_canonical(doc, out, len);
    json_decref(doc);
    return rc;
}

static int render_text(const sg17_consult_tally *t, sg17_buf *b)
{
    char dl[21], share[16];
    int rc;
    sg17_consult_time_format(t->c->deadline, dl);
    rc = consult_printf(b, "Circular %ld: %zu administration(s) replied; deadline %s; "
                           "threshold %u %% of the replies\n",
                        t->c->number, t->n, dl, t->c->threshold);
    for (size_t i = 0; rc == 0 && i < t->c->ndrafts; i++) {
        sg17_consult_result r;
        if ((rc = sg17_consult_tally_result(t, i, &r)) != 0)
            break;
        share_text(&r, share);
        rc = consult_printf(b, "%s (%s): received %zu, authorize %zu (no comments %zu, with "
                               "comments %zu), not authorize %zu, support %zu/%zu = %s %% -> %s\n",
                            r.draft, t->c->drafts[i].provisional, r.received, r.support,
                            r.authorize_plain, r.authorize_comments, r.not_authorize, r.support,
                            r.received, share, r.approved ? "APPROVAL PROCEDURE MAY APPLY"
                                                          : "NOT APPROVED");
        for (size_t a = 0; rc == 0 && a < t->n; a++) {
            const json_t *d = row_for(t->e[a].reply, r.draft);
            if (d && has_text(d, "comments"))
                rc = consult_printf(b, "  comments from %s: ", t->e[a].admin) ||
                     consult_put(b, json_string_value(json_object_get(d, "comments"))) ||
                     consult_put(b, "\n");
            if (rc == 0 && d && json_is_true(json_object_get(d, "not_authorize")))
                rc = consult_printf(b, "  reasons from %s: ", t->e[a].admin) ||
                     consult_put(b, json_string_value(json_object_get(d, "reasons"))) ||
                     consult_put(b, "\n  possible modifications: ") ||
                     consult_put(b, json_string_value(json_object_get(d, "modifications"))) ||
                     consult_put(b, "\n");
        }
    }
    return rc ? SG17_E_NOMEM : 0;
}

static int render_html(const sg17_consult_tally *t, sg17_buf *b)
{
    char dl[21], share[16];
    int rc;
    sg17_consult_time_format(t->c->deadline, dl);
    rc = consult_printf(b, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                           "<title>Tally of Circular %ld</title></head><body>\n"
                           "<h1>Tally of Circular %ld</h1>\n<p>Deadline %s; threshold %u %% of "
                           "the replies received; %zu administration(s) replied.</p>\n"
                           "<table border=\"1\"><tr><th>Draft</th><th>Received</th><th>Authorize"
                           " (no comments)</th><th>Authorize (with comments)</th><th>Not "
                           "authorize</th><th>Support</th><th>Decision</th></tr>\n",
                        t->c->number, t->c->number, dl, t->c->threshold, t->n);
    for (size_t i = 0; rc == 0 && i < t->c->ndrafts; i++) {
        sg17_consult_result r;
        if ((rc = sg17_consult_tally_result(t, i, &r)) != 0)
            break;
        share_text(&r, share);
        rc = consult_put(b, "<tr><td>") || consult_put_html(b, r.draft) ||
             consult_put(b, " (") || consult_put_html(b, t->c->drafts[i].provisional) ||
             consult_printf(b, ")</td><td>%zu</td><td>%zu</td><td>%zu</td><td>%zu</td><td>%zu/%zu"
                               " (%s %%)</td><td>%s</td></tr>\n",
                            r.received, r.authorize_plain, r.authorize_comments, r.not_authorize,
                            r.support, r.received, share,
                            r.approved ? "approval procedure may apply" : "not approved");
    }
    rc = rc || consult_put(b, "</table>\n");
    for (size_t i = 0; rc == 0 && i < t->c->ndrafts; i++) {
        rc = consult_put(b, "<h2>") || consult_put_html(b, t->c->drafts[i].number) ||
             consult_put(b, "</h2>\n<ul>\n");
        for (size_t a = 0; rc == 0 && a < t->n; a++) {
            const json_t *d = row_for(t->e[a].reply, t->c->drafts[i].number);
            if (d && has_text(d, "comments"))
                rc = consult_printf(b, "<li>%s, comments: ", t->e[a].admin) ||
                     consult_put_html(b, json_string_value(json_object_get(d, "comments"))) ||
                     consult_put(b, "</li>\n");
            if (rc == 0 && d && json_is_true(json_object_get(d, "not_authorize")))
                rc = consult_printf(b, "<li>%s, reasons: ", t->e[a].admin) ||
                     consult_put_html(b, json_string_value(json_object_get(d, "reasons"))) ||
                     consult_put(b, "; possible modifications: ") ||
                     consult_put_html(b, json_string_value(json_object_get(d, "modifications"))) ||
                     consult_put(b, "</li>\n");
        }
        rc = rc || consult_put(b, "</ul>\n");
    }
    rc = rc || consult_put(b, "</body></html>\n");
    return rc ? SG17_E_NOMEM : 0;
}

int sg17_consult_tally_render(const sg17_consult_tally *t, sg17_consult_format fmt, char **out,
                              size_t *len)
{
    sg17_buf b;
    int rc;
    if (t == NULL || out == NULL)
        return SG17_E_INVAL;
    *out = NULL;
    if (fmt == SG17_CONSULT_JSON)
        return render_json(t, out, len);
    sg17_buf_init(&b, TALLY_MAX_OUTPUT);
    rc = fmt == SG17_CONSULT_HTML ? render_html(t, &b) : render_text(t, &b);
    if (rc) {
        sg17_buf_free(&b, 0);
        return rc;
    }
    return consult_buf_finish(&b, out, len);
}
