/*
 * libFuzzer harness for jdom, the STIX fast-path JSON parser, as a
 * differential against sg17_json_parse (jansson): the same verdict on every
 * input (with and without SG17_JSON_DECODE_ANY), the same values when both
 * accept (viewing the jansson value as a DOM and comparing with
 * sg17_jd_equal, plus document order of members), and, for objects, the
 * validator gives the same findings on both DOMs. A parse that gives consumed
 * text back as it goes (SG17_JDOC_RELEASE, every byte) must equal the plain one,
 * and so must a parse from a reader in pieces of 1..64 bytes (same result,
 * DOM and error position).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "jdom_internal.h"
#include "sg17/json.h"
#include "sg17/stix.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* member keys in the same order, recursively (iterative walk) */
static int same_order(const sg17_jd *a, const sg17_jd *b)
{
    const sg17_jd *st[2 * 256];
    size_t sp = 0;
    st[sp++] = a;
    st[sp++] = b;
    while (sp) {
        const sg17_jd *y = st[--sp], *x = st[--sp];
        if (x->type != y->type || x->n != y->n)
            return 0;
        if (x->type != SG17_JD_OBJECT && x->type != SG17_JD_ARRAY)
            continue;
        size_t step = x->type == SG17_JD_OBJECT ? 2 : 1;
        for (uint32_t i = 0; i < x->n; i++) {
            const sg17_jd *xv = &x->u.kids[i * step + step - 1], *yv = &y->u.kids[i * step + step - 1];
            if (step == 2 && strcmp(x->u.kids[2 * i].u.s, y->u.kids[2 * i].u.s) != 0)
                return 0;
            if ((xv->type == SG17_JD_OBJECT || xv->type == SG17_JD_ARRAY) && sp + 2 <= 2 * 256) {
                st[sp++] = xv;
                st[sp++] = yv;
            }
        }
    }
    return 1;
}

typedef struct rsrc {
    const char *t;
    size_t n, off, max_call;
} rsrc;

static int rd(void *ctx, char *dst, size_t cap, size_t *got)
{
    rsrc *s = ctx;
    size_t k = s->n - s->off;
    k = k < cap ? k : cap;
    k = k < s->max_call ? k : s->max_call;
    memcpy(dst, s->t + s->off, k);
    s->off += k;
    *got = k;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > (1 << 16))
        return 0;
    sg17_json_limits lim = {1 << 16, 48, (size & 1) ? SG17_JSON_DECODE_ANY : 0};
    char *buf = malloc(size ? size : 1);
    if (!buf)
        return 0;
    memcpy(buf, data, size);
    sg17_jdoc *d = NULL;
    json_t *j = NULL;
    int rc = sg17_jdoc_parse(buf, size, &lim, &d, NULL);
    int jrc = sg17_json_parse((const char *)data, size, &lim, &j, NULL);
    if ((rc == 0) != (jrc == 0))
        __builtin_trap();
    if (rc == 0) {
        sg17_jdoc *v = NULL;
        if (sg17_jdoc_from_jansson(j, &v) != 0)
            __builtin_trap();
        const sg17_jd *r = sg17_jdoc_root(d), *rv = sg17_jdoc_root(v);
        if (!sg17_jd_equal(r, rv) || !same_order(r, rv))
            __builtin_trap();
        if (r->type == SG17_JD_OBJECT) {
            /* the validator on both DOMs: identical findings */
            sg17_stix_vopts vo;
            memset(&vo, 0, sizeof vo);
            vo.version = (size & 2) ? "2.0" : NULL;
            sg17_stix_report r1, r2;
            char *copy = malloc(size ? size : 1);
            sg17_stix_doc *doc = NULL;
            if (copy) {
                memcpy(copy, data, size);
                if (sg17_stix_doc_parse(copy, size, &lim, &doc, NULL) != 0)
                    __builtin_trap();
                int rc1 = sg17_stix_validate(j, &vo, &r1);
                int rc2 = sg17_stix_validate_doc(doc, &vo, &r2);
                if (rc1 != rc2 || r1.n != r2.n || r1.valid != r2.valid)
                    __builtin_trap();
                for (size_t i = 0; i < r1.n; i++)
                    if (r1.items[i].code != r2.items[i].code || strcmp(r1.items[i].object_id, r2.items[i].object_id) != 0 ||
                        strcmp(r1.items[i].text, r2.items[i].text) != 0)
                        __builtin_trap();
                sg17_stix_report_free(&r1);
                sg17_stix_report_free(&r2);
                sg17_stix_doc_free(doc);
            }
        }
        sg17_jdoc_free(v);
    }
    {
        /* giving consumed text back page by page (SG17_JDOC_RELEASE, step 1)
         * changes nothing: same verdict, same DOM, same packed strings */
        char *rb = malloc(size ? size : 1);
        sg17_jdoc *dr = NULL;
        if (rb) {
            memcpy(rb, data, size);
            int rrc = sg17_jdoc_parse_ex(rb, size, &lim, SG17_JDOC_RELEASE, 1, &dr, NULL);
            if (rrc != rc || (rc == 0 && (!sg17_jd_equal(sg17_jdoc_root(dr), sg17_jdoc_root(d)) ||
                                          !same_order(sg17_jdoc_root(dr), sg17_jdoc_root(d)) ||
                                          sg17_jdoc_text_used(dr) != sg17_jdoc_text_used(d) ||
                                          memcmp(rb, buf, sg17_jdoc_text_used(d)) != 0)))
                __builtin_trap();
            sg17_jdoc_free(dr);
            free(rb);
        }
    }
    {
        /* the same text from a reader in pieces of 1..64 bytes: same result,
         * same DOM, same error position */
        rsrc s = {(const char *)data, size, 0, 1 + (size ? data[size / 2] % 64U : 0U)};
        sg17_jdoc *dr = NULL, *d2 = NULL;
        sg17_json_error e, e0;
        char *b2 = malloc(size ? size : 1);
        if (b2) {
            memcpy(b2, data, size);
            int rc2 = sg17_jdoc_parse(b2, size, &lim, &d2, &e0);
            int rrc = sg17_jdoc_parse_reader(rd, &s, s.max_call, &lim, &dr, &e);
            if (rrc != rc2 || (rc2 == 0 && (!sg17_jd_equal(sg17_jdoc_root(dr), sg17_jdoc_root(d2)) ||
                                            !same_order(sg17_jdoc_root(dr), sg17_jdoc_root(d2)))) ||
                (rc2 != 0 && (e.position != e0.position || e.line != e0.line ||
                              e.column != e0.column || strcmp(e.text, e0.text) != 0)))
                __builtin_trap();
            sg17_jdoc_free(dr);
            sg17_jdoc_free(d2);
            free(b2);
        }
    }
    sg17_jdoc_free(d);
    json_decref(j);
    free(buf);
    return 0;
}
