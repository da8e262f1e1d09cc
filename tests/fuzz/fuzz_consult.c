/*
 * libFuzzer harness for the consult module's parsers of untrusted input:
 * byte 0 selects the circular parser (+ form rendering, canonical round
 * trip), the Member States parser, or the reply check on arrival (against a
 * fixed two-draft circular and one registered ML-DSA-65 key). Oracles: a
 * parsed circular's canonical text parses again to the same text; a verdict
 * is always one of the refusal codes; an accepted reply is valid for the tally.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sg17/consult.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char circ_text[] =
    "{\"type\":\"sg17-consult-circular\",\"version\":1,\"number\":268,\"issuer\":\"TSB\","
    "\"date\":null,\"study_group\":\"SG17\",\"meeting\":\"m\",\"procedure\":\"Res. 1 9.4\","
    "\"deadline\":\"2020-12-18T23:59:59Z\",\"threshold_percent\":70,\"drafts\":["
    "{\"number\":\"X.1217\",\"provisional\":\"X.fgati\",\"title\":\"t\",\"summary\":\"s\"},"
    "{\"number\":\"X.1811\",\"provisional\":\"X.5Gsec-q\",\"title\":\"t\",\"summary\":\"s\"}]}";

static sg17_consult_circular *circ;
static sg17_pqc_key *key;

static int lookup(void *arg, const char *administration, const sg17_pqc_key **k)
{
    (void)arg;
    if (strcmp(administration, "CHN") != 0)
        return SG17_E_NOTFOUND;
    *k = key;
    return 0;
}

static void fuzz_circular(const char *p, size_t n)
{
    sg17_consult_circular *c = NULL;
    char *a = NULL, *b = NULL, *form = NULL;
    size_t alen = 0, blen = 0;
    if (sg17_consult_circular_parse(p, n, &c, NULL) != 0)
        return;
    sg17_consult_circular *c2 = NULL;
    if (sg17_consult_circular_canonical(c, &a, &alen) != 0 ||
        sg17_consult_circular_parse(a, alen, &c2, NULL) != 0 ||
        sg17_consult_circular_canonical(c2, &b, &blen) != 0 || alen != blen ||
        memcmp(a, b, alen) != 0)
        __builtin_trap();
    if (sg17_consult_form_render(c, "zh", 1, &form, NULL) == 0)
        free(form);
    free(a);
    free(b);
    sg17_consult_circular_free(c2);
    sg17_consult_circular_free(c);
}

static void fuzz_reply(const char *p, size_t n)
{
    sg17_consult_verdict v;
    json_t *reply = NULL;
    if (sg17_consult_reply_check(circ, NULL, lookup, NULL, p, n, 1600000000, &v, &reply) != 0)
        return;
    if (v.refusal < 0 || v.refusal > SG17_CONSULT_NO_REASONS ||
        strcmp(sg17_consult_refusal_name(v.refusal), "unknown") == 0)
        __builtin_trap();
    if (v.refusal == 0) {
        sg17_consult_tally *t = NULL;
        if (reply == NULL || sg17_consult_tally_new(circ, &t) != 0 ||
            sg17_consult_tally_add(t, reply) != 0)
            __builtin_trap();
        sg17_consult_tally_free(t);
    }
    json_decref(reply);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (circ == NULL) {
        if (sg17_consult_circular_parse(circ_text, sizeof circ_text - 1, &circ, NULL) != 0 ||
            sg17_pqc_keygen(SG17_CONSULT_DEFAULT_ALG, &key) != 0)
            __builtin_trap();
    }
    if (size < 1)
        return 0;
    const char *p = (const char *)(data + 1);
    size_t n = size - 1;
    switch (data[0] % 3) {
    case 0:
        fuzz_circular(p, n);
        break;
    case 1: {
        sg17_consult_states *s = NULL;
        if (sg17_consult_states_parse(p, n, &s, NULL) == 0) {
            const char *id = NULL;
            if (sg17_consult_states_count(s) == 0 || sg17_consult_states_at(s, 0, &id) == NULL ||
                sg17_consult_states_name(s, id) == NULL)
                __builtin_trap();
        }
        sg17_consult_states_free(s);
        break;
    }
    default:
        fuzz_reply(p, n);
        break;
    }
    return 0;
}
