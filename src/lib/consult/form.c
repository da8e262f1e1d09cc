/*
 * The Annex 2 reply form of a circular (WTSA Resolution 1 §9.4), rendered
 * in English or Chinese as plain text or HTML. The wording is sg17's
 * rendering of the form's content (boxes, sender block, the 70 % rule);
 * docs/CONSULT.md says what is taken from the circular and what is ours.
 */
#include <stdio.h>
#include <string.h>

#include "consult_internal.h"

typedef struct form_text {
    const char *lang;
    const char *annex;     /* {1} = circular number */
    const char *heading;
    const char *to;
    const char *from;
    const char *subject;   /* {1} = study group, {2} = circular number */
    const char *reply_by;  /* {1} = deadline */
    const char *draft;     /* "Draft Recommendation" */
    const char *authorize;
    const char *no_comments;
    const char *with_comments;
    const char *not_authorize;
    const char *reasons;
    const char *fields[6]; /* name, title, address, date, place, signature */
    const char *note;      /* {1} = threshold */
    const char *not_authorize_note;
} form_text;

static const form_text texts[] = {
    {
        "en",
        "ANNEX 2 (to TSB Circular {1})",
        "FORM OF REPLY",
        "To: Director, Telecommunication Standardization Bureau, International "
        "Telecommunication Union, Place des Nations, CH-1211 Geneva 20, Switzerland",
        "From: [Member State administration]",
        "Subject: Authorization for {1} to consider for approval the draft Recommendations "
        "announced in TSB Circular {2}",
        "Reply by: {1} (UTC)",
        "Draft Recommendation",
        "This Member State AUTHORIZES the study group to consider this draft for approval",
        "with no comments",
        "with comments and proposed modifications (attached)",
        "This Member State DOES NOT AUTHORIZE the study group to consider this draft for "
        "approval",
        "reasons (required) and possible modifications that would allow the work to progress "
        "(attached)",
        {"Name", "Title", "Address", "Date", "Place", "Signature"},
        "Note (WTSA Resolution 1 §9.4): if {1} % or more of the Member States' replies support "
        "a draft, the study group may apply the approval procedure to it at its plenary session.",
        "A Member State that does not authorize shall inform the Director of TSB of its reasons "
        "and indicate the possible modifications that could allow the work to progress.",
    },
    {
        "zh",
        "附件2（TSB第{1}号通函）",
        "答复表",
        "致：国际电信联盟电信标准化局主任，Place des Nations, CH-1211 Geneva 20, Switzerland"
        "（瑞士日内瓦）",
        "发自：［成员国主管部门］",
        "事由：授权{1}审议批准TSB第{2}号通函所通告的建议书草案",
        "答复截止时间：{1}（协调世界时UTC）",
        "建议书草案",
        "本成员国授权研究组审议批准该建议书草案",
        "无意见",
        "有意见和修改建议（附后）",
        "本成员国不授权研究组审议批准该建议书草案",
        "理由（必须填写）以及可使该工作取得进展的可能修改（附后）",
        {"姓名", "职务", "地址", "日期", "地点", "签字"},
        "注（WTSA第1号决议第9.4节）：如成员国的答复中有{1}%或以上支持某一建议书草案，"
        "研究组可在其全体会议上对该草案适用批准程序。",
        "不予授权的成员国应将其理由告知电信标准化局主任，并指出可使该工作取得进展的可能修改。",
    },
};

/* Copy fmt into out (cap bytes), replacing {1} by a1 and {2} by a2; truncates. */
static void subst(char *out, size_t cap, const char *fmt, const char *a1, const char *a2)
{
    size_t o = 0;
    while (*fmt && o + 1 < cap) {
        const char *a = NULL;
        if (fmt[0] == '{' && (fmt[1] == '1' || fmt[1] == '2') && fmt[2] == '}')
            a = fmt[1] == '1' ? a1 : a2;
        if (a == NULL) {
            out[o++] = *fmt++;
            continue;
        }
        for (; *a && o + 1 < cap; a++)
            out[o++] = *a;
        fmt += 3;
    }
    out[o] = '\0';
}

static int line(sg17_buf *b, int html, const char *open, const char *s, const char *close)
{
    if (!html)
        return consult_put(b, s) || consult_put(b, "\n");
    return consult_put(b, open) || consult_put_html(b, s) || consult_put(b, close);
}

static int render_draft(sg17_buf *b, const form_text *t, const sg17_consult_draft *d, int html)
{
    char head[1024];
    (void)snprintf(head, sizeof head, "%s %s (%s): %s", t->draft, d->number, d->provisional,
                   d->title);
    if (html)
        return line(b, 1, "<fieldset><legend>", head, "</legend>\n") ||
               line(b, 1, "<p>&#9744; ", t->authorize, "</p>\n") ||
               line(b, 1, "<p style=\"margin-left:2em\">&#9744; ", t->no_comments, "</p>\n") ||
               line(b, 1, "<p style=\"margin-left:2em\">&#9744; ", t->with_comments, "</p>\n") ||
               line(b, 1, "<p>&#9744; ", t->not_authorize, "</p>\n") ||
               line(b, 1, "<p style=\"margin-left:2em\">", t->reasons, "</p>\n") ||
               consult_put(b, "</fieldset>\n");
    return consult_put(b, "\n") || line(b, 0, "", head, "") || consult_put(b, "  [ ] ") ||
           line(b, 0, "", t->authorize, "") || consult_put(b, "        [ ] ") ||
           line(b, 0, "", t->no_comments, "") || consult_put(b, "        [ ] ") ||
           line(b, 0, "", t->with_comments, "") || consult_put(b, "  [ ] ") ||
           line(b, 0, "", t->not_authorize, "") || consult_put(b, "        ") ||
           line(b, 0, "", t->reasons, "");
}

static int render(sg17_buf *b, const form_text *t, const sg17_consult_circular *c, int html)
{
    char tmp[1024], dl[21];
    const char *sg = sg17_consult_circular_field(c, "study_group");
    int rc = 0;

    sg17_consult_time_format(c->deadline, dl);
    if (html)
        rc = consult_printf(b, "<!DOCTYPE html>\n<html lang=\"%s\"><head><meta charset=\"utf-8\">"
                               "<title>",
                            t->lang);
    char num[24], thr[12];
    (void)snprintf(num, sizeof num, "%ld", c->number);
    (void)snprintf(thr, sizeof thr, "%u", c->threshold);
    subst(tmp, sizeof tmp, t->annex, num, "");
    rc = rc || (html ? consult_put_html(b, tmp) || consult_put(b, "</title></head><body>\n") : 0);
    rc = rc || line(b, html, "<p>", tmp, "</p>\n") || line(b, html, "<h1>", t->heading, "</h1>\n");
    rc = rc || (!html && consult_put(b, "\n")) || line(b, html, "<p>", t->to, "</p>\n") ||
         line(b, html, "<p>", t->from, "</p>\n");
    subst(tmp, sizeof tmp, t->subject, sg ? sg : "", num);
    rc = rc || line(b, html, "<p>", tmp, "</p>\n");
    subst(tmp, sizeof tmp, t->reply_by, dl, "");
    rc = rc || line(b, html, "<p><strong>", tmp, "</strong></p>\n");
    for (size_t i = 0; rc == 0 && i < c->ndrafts; i++)
        rc = render_draft(b, t, &c->drafts[i], html);
    rc = rc || (html ? consult_put(b, "<table>\n") : consult_put(b, "\n"));
    for (size_t i = 0; rc == 0 && i < 6; i++) {
        if (html)
            rc = line(b, 1, "<tr><td>", t->fields[i], "</td><td>______________________</td></tr>\n");
        else
            rc = consult_put(b, t->fields[i]) || consult_put(b, ": ______________________\n");
    }
    rc = rc || (html ? consult_put(b, "</table>\n") : consult_put(b, "\n"));
    subst(tmp, sizeof tmp, t->note, thr, "");
    rc = rc || line(b, html, "<p><small>", tmp, "</small></p>\n") ||
         line(b, html, "<p><small>", t->not_authorize_note, "</small></p>\n");
    rc = rc || (html && consult_put(b, "</body></html>\n"));
    return rc ? SG17_E_NOMEM : 0;
}

int sg17_consult_form_render(const sg17_consult_circular *c, const char *lang, int html,
                             char **out, size_t *len)
{
    sg17_buf b;
    if (c == NULL || lang == NULL || out == NULL)
        return SG17_E_INVAL;
    *out = NULL;
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        if (strcmp(texts[i].lang, lang) != 0)
            continue;
        sg17_buf_init(&b, (size_t)4 * 1024 * 1024);
        int rc = render(&b, &texts[i], c, html);
        if (rc) {
            sg17_buf_free(&b, 0);
            return rc;
        }
        return consult_buf_finish(&b, out, len);
    }
    return SG17_E_UNSUPPORTED;
}
