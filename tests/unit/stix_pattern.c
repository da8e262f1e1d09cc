/*
 * STIX patterning: grammar corner cases (comments, keywords as identifiers,
 * literals), the depth cap on hostile nesting, every comparison operator on
 * typed values, list index / [*] / negative index, references, CIDR
 * ISSUBSET/ISSUPERSET incl. IPv6, LIKE wildcards, MATCHES on text and
 * binary, EXISTS/NOT EXISTS, qualifiers, matched ids, and the caps.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sg17/json.h"
#include "sg17/stix_pattern.h"
#include "tap.h"

static sg17_stix_observations *obs;
static json_t *obs_json;

static int m(const char *pat)
{
    sg17_stix_pattern *p = NULL;
    char err[256];
    int rc = sg17_stix_pattern_compile(pat, &p, err, sizeof err);
    if (rc)
        return rc;
    rc = sg17_stix_pattern_match(p, obs, NULL, err, sizeof err);
    sg17_stix_pattern_free(p);
    return rc;
}

static int v(const char *pat)
{
    char err[256];
    return sg17_stix_pattern_check(pat, 0, err, sizeof err);
}

int main(void)
{
    /* grammar */
    tap_int_eq(v("[a:b = 1] /* comment */ AND // line\n [c:d = 'x']"), 0, "comments are skipped");
    tap_int_eq(v("[ANDx:ORy = 1]"), 0, "keyword prefixes are identifiers");
    tap_int_eq(v("[a:AND = 1]"), SG17_E_FORMAT, "keyword is not a property name");
    tap_int_eq(v("[a:'AND' = 1]"), 0, "quoted property name");
    tap_int_eq(v("[a:b = -0.5 OR a:b = +3 OR a:b = .5 OR a:b = -2]"), 0, "numeric literals");
    tap_int_eq(v("[a:b = h'0a0B' OR a:b = b'AAECAw==' OR a:b = t'2020-01-01T00:00:00.123Z']"), 0, "hex/binary/timestamp");
    tap_int_eq(v("[a:b = h'0a0']"), SG17_E_FORMAT, "odd hex literal");
    tap_int_eq(v("[a:b = b'AAEC=']"), SG17_E_FORMAT, "bad base64 padding");
    tap_int_eq(v("[a:b = 'it\\'s']"), 0, "escaped quote");
    tap_int_eq(v("[a:b = 'unterminated]"), SG17_E_FORMAT, "unterminated string");
    tap_int_eq(v("[a:b[*].c[-1][0] = 1]"), 0, "index path steps");
    tap_int_eq(v("[a:b IN ()]"), 0, "empty set");
    tap_int_eq(v("[a:b > true]"), SG17_E_FORMAT, "bool is not orderable");
    tap_int_eq(v("[a:b = 1] REPEATS 0 TIMES"), 0, "REPEATS 0 parses");
    tap_int_eq(v("[a:b = 1] WITHIN -1 SECONDS"), SG17_E_FORMAT, "negative WITHIN");
    tap_int_eq(v("[a:b = 1] START t'2020-01-01T00:00:00Z' STOP t'2020-01-02T00:00:00Z'"), 0, "START/STOP");
    tap_int_eq(v("[a:b = 1] START '2020' STOP t'2020-01-02T00:00:00Z'"), SG17_E_FORMAT, "START needs a timestamp");
    tap_int_eq(v("[a:b = 1] []"), SG17_E_FORMAT, "trailing garbage");
    tap_int_eq(v(""), SG17_E_FORMAT, "empty pattern");
    tap_int_eq(v("[file:hashes.MD5 = 'cead3f77f6cda6ec00f57d76c9a6879f']"), 0, "MD5 of the right length");
    tap_int_eq(v("[file:hashes.'SHA-1' = 'cead3f77f6cda6ec00f57d76c9a6879f']"), SG17_E_FORMAT, "SHA-1 of the wrong length");
    tap_int_eq(v("[a:b MATCHES '(']"), 0, "validate accepts any regex string (as the reference)");
    {
        sg17_stix_pattern *p = NULL;
        char err[256];
        tap_int_eq(sg17_stix_pattern_compile("[a:b MATCHES '(']", &p, err, sizeof err), SG17_E_FORMAT,
                   "compile rejects an invalid regex");
    }
    /* hostile nesting is refused, not recursed into */
    {
        size_t depth = 100000;
        char *s = malloc(2 * depth + 16);
        size_t k = 0;
        for (size_t i = 0; i < depth; i++)
            s[k++] = '(';
        memcpy(s + k, "[a:b=1]", 7);
        k += 7;
        for (size_t i = 0; i < depth; i++)
            s[k++] = ')';
        s[k] = '\0';
        tap_int_eq(v(s), SG17_E_FORMAT, "100000 nested parentheses: refused by the depth cap");
        s[0] = '[';
        for (size_t i = 1; i < depth; i++)
            s[i] = '(';
        tap_int_eq(v(s), SG17_E_FORMAT, "100000 nested comparison parentheses: refused");
        free(s);
        char ok[64];
        size_t o = 0;
        for (int i = 0; i < 20; i++)
            ok[o++] = '(';
        memcpy(ok + o, "[a:b=1]", 7);
        o += 7;
        for (int i = 0; i < 20; i++)
            ok[o++] = ')';
        ok[o] = '\0';
        tap_int_eq(v(ok), 0, "20 levels are fine");
    }
    /* long operator chains are balanced trees, not deep recursion */
    {
        size_t terms = 50000, k = 0;
        const char *t = "x-t:i = 5 OR ";
        size_t tl = strlen(t);
        char *s = malloc(terms * tl + 32);
        s[k++] = '[';
        for (size_t i = 0; i < terms; i++) {
            memcpy(s + k, t, tl);
            k += tl;
        }
        memcpy(s + k, "x-t:i = 6]", 10);
        k += 10;
        s[k] = '\0';
        tap_int_eq(v(s), 0, "50000-term OR chain validates");
        free(s);
        const char *o = "[x-t:i = 5] OR ";
        size_t ol = strlen(o);
        s = malloc(20000 * ol + 32);
        k = 0;
        for (size_t i = 0; i < 20000; i++) {
            memcpy(s + k, o, ol);
            k += ol;
        }
        memcpy(s + k, "[x-t:i = 6]", 11);
        k += 11;
        s[k] = '\0';
        tap_int_eq(v(s), 0, "20000 observations ORed validate");
        free(s);
    }

    const char *doc =
        "[{\"type\":\"observed-data\",\"id\":\"observed-data--00000000-0000-4000-8000-000000000001\","
        "\"first_observed\":\"2020-01-01T00:00:00Z\",\"last_observed\":\"2020-01-01T00:00:00Z\",\"number_observed\":1,"
        "\"object_refs\":[\"x-t--00000000-0000-4000-8000-00000000000a\",\"ipv6-addr--00000000-0000-4000-8000-00000000000b\","
        "\"network-traffic--00000000-0000-4000-8000-00000000000c\",\"ipv4-addr--00000000-0000-4000-8000-00000000000d\"]},"
        "{\"type\":\"x-t\",\"id\":\"x-t--00000000-0000-4000-8000-00000000000a\",\"i\":5,\"f\":2.5,\"s\":\"Hello World\",\"b\":true,"
        "\"l\":[1,2,3],\"o\":{\"k\":[{\"v\":\"a\"},{\"v\":\"b\"}]},\"when\":\"2020-01-01T10:00:00Z\",\"payload_bin\":\"AAECAw==\","
        "\"magic_hex\":\"ffd8\",\"bad_ts\":\"yesterday\"},"
        "{\"type\":\"ipv6-addr\",\"id\":\"ipv6-addr--00000000-0000-4000-8000-00000000000b\",\"value\":\"2001:db8::1\"},"
        "{\"type\":\"ipv4-addr\",\"id\":\"ipv4-addr--00000000-0000-4000-8000-00000000000d\",\"value\":\"10.1.2.0/24\"},"
        "{\"type\":\"network-traffic\",\"id\":\"network-traffic--00000000-0000-4000-8000-00000000000c\","
        "\"src_ref\":\"ipv6-addr--00000000-0000-4000-8000-00000000000b\",\"dst_port\":53,"
        "\"encapsulates_refs\":[\"ipv4-addr--00000000-0000-4000-8000-00000000000d\"]},"
        "{\"type\":\"observed-data\",\"id\":\"observed-data--00000000-0000-4000-8000-000000000002\","
        "\"first_observed\":\"2020-01-01T00:01:00Z\",\"last_observed\":\"2020-01-01T00:01:00Z\",\"number_observed\":3,"
        "\"object_refs\":[\"x-u--00000000-0000-4000-8000-00000000000e\"]},"
        "{\"type\":\"x-u\",\"id\":\"x-u--00000000-0000-4000-8000-00000000000e\",\"n\":7}]";
    char err[256];
    tap_ok(sg17_json_parse(doc, strlen(doc), NULL, &obs_json, NULL) == 0 &&
               sg17_stix_observations_load(obs_json, &obs, err, sizeof err) == 0,
           "observations load");
    tap_int_eq(m("[x-t:i = 5]"), 1, "int =");
    tap_int_eq(m("[x-t:i = '5']"), 0, "int vs string never equal");
    tap_int_eq(m("[x-t:i != '5']"), 1, "int != string");
    tap_int_eq(m("[x-t:i < 5.5 AND x-t:i >= 5 AND x-t:f > 2 AND x-t:f <= 2.5]"), 1, "order on numbers");
    tap_int_eq(m("[x-t:s > 'Hello' AND x-t:s < 'Hello Xorld']"), 1, "order on strings");
    tap_int_eq(m("[x-t:b = true AND x-t:b != false]"), 1, "booleans");
    tap_int_eq(m("[x-t:i NOT = 5]"), 0, "NOT =");
    tap_int_eq(m("[x-t:i IN (1, 5, 9)]"), 1, "IN");
    tap_int_eq(m("[x-t:i NOT IN (1, 9)]"), 1, "NOT IN");
    tap_int_eq(m("[x-t:i IN (1, 'a')]"), SG17_E_FORMAT, "heterogeneous IN is an error");
    tap_int_eq(m("[x-t:s LIKE 'H_llo%']"), 1, "LIKE _ and %");
    tap_int_eq(m("[x-t:s LIKE 'hello%']"), 0, "LIKE is case-sensitive");
    tap_int_eq(m("[x-t:s LIKE '%World']"), 1, "LIKE suffix");
    tap_int_eq(m("[x-t:s MATCHES '^H.*d$']"), 1, "MATCHES");
    tap_int_eq(m("[x-t:s MATCHES 'world']"), 0, "MATCHES is case-sensitive");
    tap_int_eq(m("[x-t:payload_bin = h'00010203']"), 1, "binary property vs hex literal");
    tap_int_eq(m("[x-t:payload_bin = b'AAECAw==']"), 1, "binary property vs base64 literal");
    tap_int_eq(m("[x-t:magic_hex MATCHES '^\\\\xff\\\\xd8']"), 1, "MATCHES on bytes of a _hex property");
    tap_int_eq(m("[x-t:when > t'2020-01-01T09:00:00Z']"), 1, "timestamp compare");
    tap_int_eq(m("[x-t:bad_ts > t'2020-01-01T09:00:00Z']"), SG17_E_FORMAT, "non-timestamp string vs t'' is an error");
    tap_int_eq(m("[x-t:i > t'2020-01-01T09:00:00Z']"), 0, "number vs t'' is just false");
    tap_int_eq(m("[x-t:l[*] = 3]"), 1, "[*] is existential");
    tap_int_eq(m("[x-t:l[0] = 1 AND x-t:l[-1] = 3]"), 1, "index and negative index");
    tap_int_eq(m("[x-t:l[3] = 1]"), 0, "index out of range");
    tap_int_eq(m("[x-t:o.k[*].v = 'b']"), 1, "nested list of dicts");
    tap_int_eq(m("[x-t:o.k[1].v = 'a']"), 0, "index selects one element");
    tap_int_eq(m("[x-t:nope = 1]"), 0, "missing property");
    tap_int_eq(m("[x-t:nope NOT = 1]"), 0, "NOT on a missing property is still false");
    tap_int_eq(m("[EXISTS x-t:o.k]"), 1, "EXISTS");
    tap_int_eq(m("[NOT EXISTS x-t:nope]"), 1, "NOT EXISTS");
    tap_int_eq(m("[network-traffic:src_ref.value = '2001:db8::1']"), 1, "_ref is followed");
    tap_int_eq(m("[network-traffic:encapsulates_refs[*].value = '10.1.2.0/24']"), 1, "_refs[*] are followed");
    tap_int_eq(m("[ipv6-addr:value ISSUBSET '2001:db8::/32']"), 1, "IPv6 ISSUBSET");
    tap_int_eq(m("[ipv4-addr:value ISSUBSET '10.0.0.0/8']"), 1, "IPv4 CIDR ISSUBSET");
    tap_int_eq(m("[ipv4-addr:value ISSUPERSET '10.1.2.3']"), 1, "ISSUPERSET");
    tap_int_eq(m("[ipv4-addr:value ISSUBSET '10.1.2.0/25']"), 0, "a /24 is not inside a /25");
    tap_int_eq(m("[ipv4-addr:value ISSUBSET '2001:db8::/32']"), 0, "families differ");
    tap_int_eq(m("[x-t:i = 5 AND x-u:n = 7]"), 0, "both types in one observation only");
    tap_int_eq(m("[x-t:i = 5] AND [x-u:n = 7]"), 1, "AND of observations");
    tap_int_eq(m("[x-u:n = 7] FOLLOWEDBY [x-t:i = 5]"), 0, "FOLLOWEDBY order");
    tap_int_eq(m("[x-t:i = 5] FOLLOWEDBY [x-u:n = 7] WITHIN 30 SECONDS"), 1, "qualifier binds to the last observation only");
    tap_int_eq(m("([x-t:i = 5] FOLLOWEDBY [x-u:n = 7]) WITHIN 30 SECONDS"), 0, "WITHIN 30 s over a 60 s gap");
    tap_int_eq(m("([x-t:i = 5] FOLLOWEDBY [x-u:n = 7]) WITHIN 60 SECONDS"), 1, "WITHIN 60 s");
    tap_int_eq(m("[x-u:n = 7] REPEATS 3 TIMES"), 1, "number_observed 3 counts three times");
    tap_int_eq(m("[x-u:n = 7] REPEATS 4 TIMES"), 0, "but not four");
    tap_int_eq(m("[x-t:i = 5] REPEATS 2 TIMES"), 0, "one observation is not two");
    tap_int_eq(m("[x-t:i = 5] START t'2020-01-01T00:00:00Z' STOP t'2020-01-01T00:00:01Z'"), 1, "START/STOP inside");
    tap_int_eq(m("[x-t:i = 5] START t'2020-01-01T00:00:01Z' STOP t'2020-01-01T00:00:02Z'"), 0, "START/STOP outside");
    {
        size_t terms = 20000, k = 0;
        const char *t = "x-t:i = 9 OR ";
        size_t tl = strlen(t);
        char *s = malloc(terms * tl + 32);
        s[k++] = '[';
        for (size_t i = 0; i < terms; i++) {
            memcpy(s + k, t, tl);
            k += tl;
        }
        memcpy(s + k, "x-t:i = 5]", 10);
        k += 10;
        s[k] = '\0';
        tap_int_eq(m(s), 1, "20000-term OR chain matches its last term");
        free(s);
    }
    {
        sg17_stix_pattern *p = NULL;
        json_t *ids = NULL;
        tap_ok(sg17_stix_pattern_compile("[x-t:i = 5] AND [x-u:n = 7]", &p, err, sizeof err) == 0 &&
                   sg17_stix_pattern_match(p, obs, &ids, err, sizeof err) == 1 && json_array_size(ids) == 2,
               "matched ids of both observations");
        json_decref(ids);
        sg17_stix_pattern_free(p);
        tap_ok(sg17_stix_pattern_compile("[x-u:n = 7] REPEATS 1000 TIMES", &p, err, sizeof err) == 0 &&
                   sg17_stix_pattern_match(p, obs, NULL, err, sizeof err) == 0,
               "REPEATS beyond the observations: no match, no blow-up");
        sg17_stix_pattern_free(p);
        json_t *ins = NULL;
        tap_ok(sg17_stix_pattern_compile("[a:b[*].'c d' NOT LIKE 'x'] REPEATS 2 TIMES", &p, err, sizeof err) == 0 &&
                   sg17_stix_pattern_inspect(p, &ins) == 0,
               "inspect");
        char *s = ins ? json_dumps(ins, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
        tap_ok(s && strcmp(s, "{\"comparisons\":{\"a\":[[[\"b\",\"*\",\"c d\"],\"NOT LIKE\",\"'x'\"]]},"
                              "\"observation_ops\":[],\"qualifiers\":[\"REPEATS 2 TIMES\"]}") == 0,
               "inspect output (%s)", s ? s : "");
        free(s);
        json_decref(ins);
        sg17_stix_pattern_free(p);
    }
    json_t *bad = NULL;
    sg17_stix_observations *o2 = NULL;
    tap_ok(sg17_json_parse("{}", 2, NULL, &bad, NULL) == 0 &&
               sg17_stix_observations_load(bad, &o2, err, sizeof err) == SG17_E_FORMAT,
           "observations must be a list");
    json_decref(bad);
    sg17_stix_observations_free(obs);
    json_decref(obs_json);
    return tap_done();
}
