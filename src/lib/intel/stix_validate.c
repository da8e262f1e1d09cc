/*
 * STIX 2.1 validator: the MUST rules of STIX 2.1 (CS02) sections 2-7 that the
 * OASIS JSON schemas and the reference validator enforce, plus the coded
 * SHOULD checks (codes of the reference's check list). Findings carry the
 * code (0 = MUST) and count as errors when MUST or when strict.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sg17/stix.h"
#include "sg17/stix_pattern.h"
#include "jdom_internal.h"
#include "stix_internal.h"

static const struct {
    int code;
    const char *name;
} checks[] = {
    {1, "format-checks"}, {101, "custom-prefix"}, {102, "custom-prefix-lax"}, {103, "uuid-check"},
    {111, "open-vocab-format"}, {121, "kill-chain-names"}, {141, "observable-object-keys"},
    {142, "observable-dictionary-keys"}, {143, "malware-analysis-product"},
    {149, "windows-process-priority-format"}, {150, "hash-length"}, {2, "approved-values"},
    {201, "marking-definition-type"}, {202, "relationship-types"}, {203, "duplicate-ids"},
    {210, "all-vocabs"}, {211, "attack-motivation"}, {212, "attack-resource-level"},
    {213, "identity-class"}, {214, "indicator-types"}, {215, "industry-sector"},
    {216, "malware-types"}, {218, "report-types"}, {219, "threat-actor-types"},
    {220, "threat-actor-role"}, {221, "threat-actor-sophistication"}, {222, "tool-types"},
    {223, "region"}, {225, "grouping-context"}, {226, "implementation-languages"},
    {227, "infrastructure-types"}, {228, "malware-capabilities"}, {230, "processor-architecture"},
    {231, "malware-result"}, {241, "hash-algo"}, {243, "windows-pebinary-type"},
    {244, "account-type"}, {245, "indicator-pattern-types"}, {270, "all-external-sources"},
    {271, "mime-type"}, {272, "protocols"}, {273, "ipfix"}, {274, "http-request-headers"},
    {275, "socket-options"}, {276, "pdf-doc-info"}, {277, "countries"},
    {301, "network-traffic-ports"}, {302, "extref-hashes"}, {303, "indicator-properties"},
    {304, "deprecated-properties"}, {305, "extension-description"},
    {306, "extension-properties"}, {401, "extensions-use"},
};
#define NCHECKS (sizeof checks / sizeof checks[0])
#define SCO_REQ_C "type id"

const char *sg17_stix_check_name(int code)
{
    for (size_t i = 0; i < NCHECKS; i++)
        if (checks[i].code == code)
            return checks[i].name;
    return NULL;
}

static int check_code(const char *s)
{
    char *end = NULL;
    long v = strtol(s, &end, 10);
    if (end && end != s && *end == '\0') {
        for (size_t i = 0; i < NCHECKS; i++)
            if (checks[i].code == v)
                return (int)v;
        return -1;
    }
    for (size_t i = 0; i < NCHECKS; i++)
        if (strcmp(checks[i].name, s) == 0)
            return checks[i].code;
    if (strcmp(s, "all") == 0)
        return 0;
    return -1;
}

/* member of group: 1 = 1xx, 2 = 2xx, 210 = 211..231 vocabularies, 270 = 271..277 */
static int in_group(int group, int code)
{
    if (group == code)
        return 1;
    if (group == 0)
        return 1;
    if (group == 1)
        return code >= 100 && code < 200;
    if (group == 2)
        return code >= 200 && code < 300;
    if (group == 210)
        return code > 210 && code < 240;
    if (group == 270)
        return code > 270 && code < 280;
    return 0;
}

typedef struct vctx {
    const sg17_stix_vopts *o;
    sg17_stix_report *r;
    unsigned char on[512];
    int nomem;
    const char *oid;
    int v20; /* validating as STIX 2.0 content */
    int s20; /* explicitly 2.0 (forced, or spec_version "2.0"): the STIX 2.0 type tables apply */
    int bundle_s20; /* the enclosing bundle says spec_version "2.0" (unforced) */
    int in_bundle;
    const char *cur_type;
    int hash_len_warned; /* {150} once per object, as the reference */
} vctx;

static void add(vctx *v, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void add(vctx *v, int code, const char *fmt, ...)
{
    if (code > 0 && (code >= 512 || !v->on[code]))
        return;
    /* "<id>: {NNN} <text>", truncated to SG17_STIX_MSG_MAX - 1 as a whole */
    char msg[SG17_STIX_MSG_MAX];
    size_t off = 0;
    const char *oid = v->oid ? v->oid : "";
    size_t ol = strlen(oid);
    if (ol > sizeof msg - 16)
        ol = sizeof msg - 16;
    memcpy(msg, oid, ol);
    off = ol;
    msg[off++] = ':';
    msg[off++] = ' ';
    if (code > 0) {
        msg[off++] = '{';
        msg[off++] = (char)('0' + code / 100 % 10);
        msg[off++] = (char)('0' + code / 10 % 10);
        msg[off++] = (char)('0' + code % 10);
        msg[off++] = '}';
        msg[off++] = ' ';
    }
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg + off, sizeof msg - off, fmt, ap);
    va_end(ap);
    if (stix_report_add(v->r, code, code == 0 || v->o->strict, oid, ol, msg + ol + 2) != 0)
        v->nomem = 1;
}

static int on(const vctx *v, int code)
{
    return code > 0 && code < 512 && v->on[code];
}

static const char *sget(const sg17_jd *o, const char *k)
{
    return jd_str(jd_get(o, k));
}

static int ends_with(const char *s, const char *suf)
{
    size_t n = strlen(s), m = strlen(suf);
    return n >= m && memcmp(s + n - m, suf, m) == 0;
}

static int starts_with(const char *s, const char *pre)
{
    return strncmp(s, pre, strlen(pre)) == 0;
}

/* ---- vocabularies (STIX 2.1 section 10) -------------------------------- */

static const struct {
    const char *type; /* NULL = any */
    const char *prop;
    int code;
    const char *values;
} vocabs[] = {
    {NULL, "primary_motivation", 211, "accidental coercion dominance ideology notoriety organizational-gain personal-gain personal-satisfaction revenge unpredictable"},
    {NULL, "secondary_motivations", 211, "accidental coercion dominance ideology notoriety organizational-gain personal-gain personal-satisfaction revenge unpredictable"},
    {NULL, "personal_motivations", 211, "accidental coercion dominance ideology notoriety organizational-gain personal-gain personal-satisfaction revenge unpredictable"},
    {NULL, "resource_level", 212, "individual club contest team organization government"},
    {"identity", "identity_class", 213, "individual group system organization class unknown"},
    {"indicator", "indicator_types", 214, "anomalous-activity anonymization benign compromised malicious-activity attribution unknown"},
    {"identity", "sectors", 215, "agriculture aerospace automotive chemical commercial communications construction defense education energy engineering entertainment financial-services government emergency-services government-local government-national government-public-services government-regional healthcare hospitality-leisure infrastructure dams nuclear water insurance manufacturing mining non-profit pharmaceuticals retail technology telecommunications transportation utilities"},
    {"malware", "malware_types", 216, "adware backdoor bot bootkit ddos downloader dropper exploit-kit keylogger ransomware remote-access-trojan resource-exploitation rogue-security-software rootkit screen-capture spyware trojan unknown virus webshell wiper worm"},
    {"report", "report_types", 218, "threat-report attack-pattern campaign identity indicator malware observed-data threat-actor tool vulnerability"},
    {"threat-actor", "threat_actor_types", 219, "activist competitor crime-syndicate criminal hacker insider-accidental insider-disgruntled nation-state sensationalist spy terrorist unknown"},
    {"threat-actor", "roles", 220, "agent director independent sponsor infrastructure-operator infrastructure-architect malware-author"},
    {"threat-actor", "sophistication", 221, "none minimal intermediate advanced strategic expert innovator"},
    {"tool", "tool_types", 222, "denial-of-service exploitation information-gathering network-capture credential-exploitation remote-access vulnerability-scanning unknown"},
    {"location", "region", 223, "africa eastern-africa middle-africa northern-africa southern-africa western-africa americas latin-america-caribbean south-america caribbean central-america northern-america asia central-asia eastern-asia southern-asia south-eastern-asia western-asia europe eastern-europe northern-europe southern-europe western-europe oceania antarctica australia-new-zealand melanesia micronesia polynesia"},
    {"grouping", "context", 225, "suspicious-activity malware-analysis unspecified"},
    {"malware", "implementation_languages", 226, "applescript bash c c++ c# go java javascript lua objective-c perl php powershell python ruby scala swift typescript visual-basic x86-32 x86-64"},
    {"infrastructure", "infrastructure_types", 227, "amplification anonymization botnet command-and-control control-system exfiltration firewall hosting-malware hosting-target-lists phishing reconnaissance routers-switches staging workstation unknown"},
    {"malware", "capabilities", 228, "accesses-remote-machines anti-debugging anti-disassembly anti-emulation anti-memory-forensics anti-sandbox anti-vm captures-input-peripherals captures-output-peripherals captures-system-state-data cleans-traces-of-infection commits-fraud communicates-with-c2 compromises-data-availability compromises-data-integrity compromises-system-availability controls-local-machine degrades-security-software degrades-system-updates determines-c2-server emails-spam escalates-privileges evades-av exfiltrates-data fingerprints-host hides-artifacts hides-executing-code infects-files infects-remote-machines installs-other-components persists-after-system-reboot prevents-artifact-access prevents-artifact-deletion probes-network-environment self-modifies steals-authentication-credentials violates-system-operational-integrity"},
    {"malware", "architecture_execution_envs", 230, "alpha arm ia-64 mips powerpc sparc x86 x86-64"},
    {"malware-analysis", "result", 231, "malicious suspicious benign unknown"},
    {"indicator", "pattern_type", 245, "stix pcre sigma snort suricata yara"},
};

static int vocab_fmt_ok(const char *s)
{
    if (!*s)
        return 0;
    for (const char *p = s; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-' || *p == '+' ||
              *p == '#' || *p == '.'))
            return 0;
    return 1;
}

static void vocab_value(vctx *v, const char *type, const char *prop, int code, const char *list,
                        const char *val)
{
    if (!stix_word_in(list, val, strlen(val))) {
        if (!vocab_fmt_ok(val))
            add(v, 111, "Open vocabulary value '%s' should be all lowercase and use hyphens "
                        "instead of spaces or underscores as word separators.", val);
        add(v, code, "The value contained in %s is permitted, but is not in the %s vocabulary "
                     "(%s objects).", prop, sg17_stix_check_name(code), type);
    }
}

/* STIX 2.0 Part 1 section 6 vocabularies: the 2.0 "labels" vocabularies take
 * the codes of the 2.1 "*_types" checks (as the reference's v20 checks). */
static const struct {
    const char *type;
    const char *prop;
    int code;
    const char *values;
} vocabs20[] = {
    {NULL, "primary_motivation", 211, "accidental coercion dominance ideology notoriety organizational-gain personal-gain personal-satisfaction revenge unpredictable"},
    {NULL, "secondary_motivations", 211, "accidental coercion dominance ideology notoriety organizational-gain personal-gain personal-satisfaction revenge unpredictable"},
    {NULL, "personal_motivations", 211, "accidental coercion dominance ideology notoriety organizational-gain personal-gain personal-satisfaction revenge unpredictable"},
    {NULL, "resource_level", 212, "individual club contest team organization government"},
    {"identity", "identity_class", 213, "individual group organization class unknown"},
    {"indicator", "labels", 214, "anomalous-activity anonymization benign compromised malicious-activity attribution"},
    {"identity", "sectors", 215, "agriculture aerospace automotive communications construction defence education energy entertainment financial-services government-national government-regional government-local government-public-services healthcare hospitality-leisure infrastructure insurance manufacturing mining non-profit pharmaceuticals retail technology telecommunications transportation utilities"},
    {"malware", "labels", 216, "adware backdoor bot ddos dropper exploit-kit keylogger ransomware remote-access-trojan resource-exploitation rogue-security-software rootkit screen-capture spyware trojan virus worm"},
    {"report", "labels", 218, "threat-report attack-pattern campaign identity indicator intrusion-set malware observed-data threat-actor tool vulnerability"},
    {"threat-actor", "labels", 219, "activist competitor crime-syndicate criminal hacker insider-accidental insider-disgruntled nation-state sensationalist spy terrorist"},
    {"threat-actor", "roles", 220, "agent director independent infrastructure-architect infrastructure-operator malware-author sponsor"},
    {"threat-actor", "sophistication", 221, "none minimal intermediate advanced expert innovator strategic"},
    {"tool", "labels", 222, "denial-of-service exploitation information-gathering network-capture credential-exploitation remote-access vulnerability-scanning"},
};

static void check_vocabs20(vctx *v, const char *type, const sg17_jd *o)
{
    for (size_t i = 0; i < sizeof vocabs20 / sizeof vocabs20[0]; i++) {
        if (vocabs20[i].type && strcmp(vocabs20[i].type, type) != 0)
            continue;
        const sg17_jd *val = jd_get(o, vocabs20[i].prop);
        size_t k;
        const sg17_jd *e;
        if (jd_is_string(val))
            vocab_value(v, type, vocabs20[i].prop, vocabs20[i].code, vocabs20[i].values, jd_str(val));
        jd_array_foreach(val, k, e) if (jd_is_string(e))
            vocab_value(v, type, vocabs20[i].prop, vocabs20[i].code, vocabs20[i].values, jd_str(e));
    }
}

static void check_vocabs(vctx *v, const char *type, const sg17_jd *o)
{
    if (v->s20) {
        check_vocabs20(v, type, o);
        return;
    }
    for (size_t i = 0; i < sizeof vocabs / sizeof vocabs[0]; i++) {
        if (vocabs[i].type && strcmp(vocabs[i].type, type) != 0)
            continue;
        const sg17_jd *val = jd_get(o, vocabs[i].prop);
        if (!val)
            continue;
        if (jd_is_string(val)) {
            vocab_value(v, type, vocabs[i].prop, vocabs[i].code, vocabs[i].values, jd_str(val));
        } else if (jd_is_array(val)) {
            size_t k;
            const sg17_jd *e;
            jd_array_foreach(val, k, e) if (jd_is_string(e))
                vocab_value(v, type, vocabs[i].prop, vocabs[i].code, vocabs[i].values, jd_str(e));
        }
    }
}

/* ---- suggested relationships (STIX 2.1 Appendix B / section 4) --------- */

static const struct {
    const char *src;
    const char *rel;
    const char *targets;
} rels[] = {
    {"attack-pattern", "delivers", "malware"},
    {"attack-pattern", "targets", "identity location vulnerability"},
    {"attack-pattern", "uses", "malware tool"},
    {"campaign", "attributed-to", "intrusion-set threat-actor"},
    {"campaign", "compromises", "infrastructure"},
    {"campaign", "originates-from", "location"},
    {"campaign", "targets", "identity location vulnerability"},
    {"campaign", "uses", "attack-pattern infrastructure malware tool"},
    {"course-of-action", "investigates", "indicator"},
    {"course-of-action", "mitigates", "attack-pattern indicator malware tool vulnerability"},
    {"course-of-action", "remediates", "malware vulnerability"},
    {"domain-name", "resolves-to", "domain-name ipv4-addr ipv6-addr"},
    {"identity", "located-at", "location"},
    {"indicator", "indicates", "attack-pattern campaign infrastructure intrusion-set malware threat-actor tool"},
    {"indicator", "based-on", "observed-data"},
    {"infrastructure", "communicates-with", "infrastructure ipv4-addr ipv6-addr domain-name url"},
    {"infrastructure", "consists-of", "infrastructure observed-data artifact autonomous-system directory domain-name email-addr email-message file ipv4-addr ipv6-addr mac-addr mutex network-traffic process software url user-account windows-registry-key x509-certificate"},
    {"infrastructure", "controls", "infrastructure malware"},
    {"infrastructure", "delivers", "malware"},
    {"infrastructure", "has", "vulnerability"},
    {"infrastructure", "hosts", "tool malware"},
    {"infrastructure", "located-at", "location"},
    {"infrastructure", "uses", "infrastructure"},
    {"intrusion-set", "attributed-to", "threat-actor"},
    {"intrusion-set", "compromises", "infrastructure"},
    {"intrusion-set", "hosts", "infrastructure"},
    {"intrusion-set", "owns", "infrastructure"},
    {"intrusion-set", "originates-from", "location"},
    {"intrusion-set", "targets", "identity location vulnerability"},
    {"intrusion-set", "uses", "attack-pattern infrastructure malware tool"},
    {"ipv4-addr", "resolves-to", "mac-addr"},
    {"ipv4-addr", "belongs-to", "autonomous-system"},
    {"ipv6-addr", "resolves-to", "mac-addr"},
    {"ipv6-addr", "belongs-to", "autonomous-system"},
    {"malware", "authored-by", "threat-actor intrusion-set"},
    {"malware", "beacons-to", "infrastructure"},
    {"malware", "exfiltrates-to", "infrastructure"},
    {"malware", "communicates-with", "ipv4-addr ipv6-addr domain-name url"},
    {"malware", "controls", "malware"},
    {"malware", "downloads", "malware tool file"},
    {"malware", "drops", "malware tool file"},
    {"malware", "exploits", "vulnerability"},
    {"malware", "originates-from", "location"},
    {"malware", "targets", "identity infrastructure location"},
    {"malware", "uses", "attack-pattern infrastructure malware tool"},
    {"malware", "variant-of", "malware"},
    {"malware-analysis", "characterizes", "malware"},
    {"malware-analysis", "analysis-of", "malware"},
    {"malware-analysis", "static-analysis-of", "malware"},
    {"malware-analysis", "dynamic-analysis-of", "malware"},
    {"threat-actor", "attributed-to", "identity"},
    {"threat-actor", "compromises", "infrastructure"},
    {"threat-actor", "hosts", "infrastructure"},
    {"threat-actor", "owns", "infrastructure"},
    {"threat-actor", "impersonates", "identity"},
    {"threat-actor", "located-at", "location"},
    {"threat-actor", "targets", "identity location vulnerability"},
    {"threat-actor", "uses", "attack-pattern infrastructure malware tool"},
    {"tool", "delivers", "malware"},
    {"tool", "drops", "malware"},
    {"tool", "has", "vulnerability"},
    {"tool", "targets", "identity infrastructure location vulnerability"},
    {"tool", "uses", "infrastructure"},
    /* as the reference's table (which spells the target "tools") */
    {"vulnerability", "impacts", "infrastructure tools"},
};

/* STIX 2.0 Part 2 relationship summary */
static const struct {
    const char *src;
    const char *rel;
    const char *targets;
} rels20[] = {
    {"attack-pattern", "targets", "identity vulnerability"},
    {"attack-pattern", "uses", "malware tool"},
    {"campaign", "attributed-to", "intrusion-set threat-actor"},
    {"campaign", "targets", "identity vulnerability"},
    {"campaign", "uses", "attack-pattern malware tool"},
    {"course-of-action", "mitigates", "attack-pattern malware tool vulnerability"},
    {"indicator", "indicates", "attack-pattern campaign intrusion-set malware threat-actor tool"},
    {"intrusion-set", "attributed-to", "threat-actor"},
    {"intrusion-set", "targets", "identity vulnerability"},
    {"intrusion-set", "uses", "attack-pattern malware tool"},
    {"malware", "targets", "identity vulnerability"},
    {"malware", "uses", "tool"},
    {"malware", "variant-of", "malware"},
    {"threat-actor", "attributed-to", "identity"},
    {"threat-actor", "impersonates", "identity"},
    {"threat-actor", "targets", "identity vulnerability"},
    {"threat-actor", "uses", "attack-pattern malware tool"},
    {"tool", "targets", "identity vulnerability"},
};

static void id_type(const char *id, char *out, size_t n)
{
    const char *sep = strstr(id, "--");
    size_t len = sep ? (size_t)(sep - id) : strlen(id);
    if (len >= n)
        len = n - 1;
    memcpy(out, id, len);
    out[len] = '\0';
}

static void check_relationship(vctx *v, const sg17_jd *o)
{
    const char *rt = sget(o, "relationship_type");
    const char *s = sget(o, "source_ref"), *t = sget(o, "target_ref");
    if (!rt || !s || !t)
        return;
    for (const char *p = rt; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-')) {
            add(v, 0, "relationship_type: '%s' contains invalid characters", rt);
            break;
        }
    char st[64], tt[64];
    id_type(s, st, sizeof st);
    id_type(t, tt, sizeof tt);
    static const char *bad = "bundle marking-definition sighting relationship language-content extension-definition";
    if (stix_word_in(bad, st, strlen(st)))
        add(v, 0, "source_ref: Relationships cannot link bundles, marking definitions, sightings, "
                  "or other relationships. This field must contain the id of an SDO.");
    if (stix_word_in(bad, tt, strlen(tt)))
        add(v, 0, "target_ref: Relationships cannot link bundles, marking definitions, sightings, "
                  "or other relationships. This field must contain the id of an SDO.");
    if (stix_word_in(bad, st, strlen(st)) || stix_word_in(bad, tt, strlen(tt)))
        return;
    if (strcmp(rt, "related-to") == 0 || strcmp(rt, "derived-from") == 0 ||
        strcmp(rt, "duplicate-of") == 0)
        return;
    int src_known = 0, rel_known = 0;
    size_t nrels = v->s20 ? sizeof rels20 / sizeof rels20[0] : sizeof rels / sizeof rels[0];
    for (size_t i = 0; i < nrels; i++) {
        const char *rsrc = v->s20 ? rels20[i].src : rels[i].src;
        const char *rrel = v->s20 ? rels20[i].rel : rels[i].rel;
        const char *rtargets = v->s20 ? rels20[i].targets : rels[i].targets;
        if (strcmp(rsrc, st) != 0)
            continue;
        src_known = 1;
        if (strcmp(rrel, rt) != 0)
            continue;
        rel_known = 1;
        if (!stix_word_in(rtargets, tt, strlen(tt)))
            add(v, 202, "'%s' is permitted, but not a suggested relationship target object for "
                        "'%s' objects with the '%s' relationship.", tt, st, rt);
    }
    if (!src_known)
        add(v, 202, "'%s' is not a suggested relationship source object for the '%s' relationship.", st, rt);
    else if (!rel_known)
        add(v, 202, "'%s' is permitted, but not a suggested relationship type for '%s' objects.", rt, st);
}

/* ---- registries ---------------------------------------------------------- */

/* 1 found, 0 not found, -1 registry unavailable. Column 0 of the CSV (or col). */
static int registry_has(vctx *v, const char *file, int col, const char *val, int ci)
{
    if (!v->o->registry_dir)
        return -1;
    char path[1024];
    int n = snprintf(path, sizeof path, "%s/%s", v->o->registry_dir, file);
    if (n < 0 || (size_t)n >= sizeof path)
        return -1;
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    char line[2048];
    int found = 0;
    size_t vl = strlen(val);
    while (!found && fgets(line, sizeof line, f)) {
        char *p = line;
        for (int c = 0; c < col && p; c++) {
            p = strchr(p, ',');
            if (p)
                p++;
        }
        if (!p)
            continue;
        size_t len = strcspn(p, ",\r\n");
        if (len == vl && (ci ? strncasecmp(p, val, vl) == 0 : strncmp(p, val, vl) == 0))
            found = 1;
    }
    fclose(f);
    return found;
}

/* ---- generic property checks ------------------------------------------- */

static const char *ts_props =
    "created modified first_seen last_seen valid_from valid_until first_observed last_observed "
    "published start_time stop_time submitted analysis_started analysis_ended object_modified "
    "ctime mtime atime date start end created_time modified_time account_created account_expires "
    "credential_last_changed account_first_login account_last_login validity_not_before "
    "validity_not_after private_key_usage_period_not_before private_key_usage_period_not_after "
    "creation_date modification_date";

static void check_timestamp(vctx *v, const char *prop, const sg17_jd *val)
{
    const char *s = jd_str(val);
    if (!s) {
        add(v, 0, "%s: must be a timestamp string", prop);
        return;
    }
    if (sg17_stix_timestamp_parse(s, NULL, NULL) != 0)
        add(v, 0, "'%s': '%s' is not a valid timestamp", prop, s);
}

static void check_order(vctx *v, const sg17_jd *o, const char *a, const char *b, int strictly)
{
    const char *sa = sget(o, a), *sb = sget(o, b);
    if (!sa || !sb || sg17_stix_timestamp_parse(sa, NULL, NULL) ||
        sg17_stix_timestamp_parse(sb, NULL, NULL))
        return;
    int c = stix_ts_cmp(sb, sa);
    if (c < 0 || (strictly && c == 0))
        add(v, 0, "'%s' (%s) must be later than %s'%s' (%s)", b, sb, strictly ? "" : "or equal to ", a, sa);
}

static void check_ref(vctx *v, const char *prop, const char *s, const char *allowed)
{
    if (!stix_is_identifier(s)) {
        add(v, 0, "%s: '%s' does not match the id format ([object-type]--[UUID])", prop, s);
        return;
    }
    if (!allowed && strcmp(prop, "object_refs") == 0 && v->cur_type && strcmp(v->cur_type, "observed-data") == 0) {
        char t[64];
        id_type(s, t, sizeof t);
        sg17_stix_kind k = sg17_stix_type_kind(t);
        if (k == SG17_STIX_SDO || k == SG17_STIX_META || k == SG17_STIX_BUNDLE)
            add(v, 0, "object_refs: '%s' must refer to SCOs or SROs", s);
    }
    if (allowed) {
        char t[64];
        id_type(s, t, sizeof t);
        if (!stix_word_in(allowed, t, strlen(t)))
            add(v, 0, "%s: '%s' must refer to one of: %s", prop, s, allowed);
    }
}

static const char *ref_allowed(const char *type, const char *prop)
{
    if (strcmp(prop, "object_marking_refs") == 0)
        return "marking-definition";
    if (strcmp(type, "sighting") == 0) {
        if (strcmp(prop, "observed_data_refs") == 0)
            return "observed-data";
        if (strcmp(prop, "where_sighted_refs") == 0)
            return "identity location";
    }
    if (strcmp(type, "malware-analysis") == 0) {
        if (strcmp(prop, "host_vm_ref") == 0 || strcmp(prop, "operating_system_ref") == 0 ||
            strcmp(prop, "installed_software_refs") == 0)
            return "software";
        if (strcmp(prop, "sample_ref") == 0)
            return "file network-traffic artifact";
    }
    return NULL;
}

static int propname_ok(const char *k)
{
    size_t n = strlen(k);
    if (n >= 3 && k[0] >= 'a' && k[0] <= 'z') {
        int ok = 1;
        for (int i = 1; i < 3; i++)
            if (!((k[i] >= 'a' && k[i] <= 'z') || (k[i] >= '0' && k[i] <= '9') || k[i] == '_'))
                ok = 0;
        if (ok)
            return 1;
    }
    return ends_with(k, "id");
}

static int prefix_strict(const char *s, char sep)
{
    /* ^x<sep>.+<sep>.+$ */
    if (s[0] != 'x' || s[1] != sep || !s[2])
        return 0;
    const char *p = strchr(s + 3, sep);
    return p && p[1];
}

/* custom extension names: x-<source>-<name>[-ext], the -ext suffix not counting */
static int ext_prefix_strict(const char *s)
{
    char buf[256];
    size_t n = strlen(s);
    if (n >= sizeof buf)
        return 0;
    memcpy(buf, s, n + 1);
    if (n > 4 && strcmp(buf + n - 4, "-ext") == 0)
        buf[n - 4] = '\0';
    return prefix_strict(buf, '-');
}

static int prefix_lax(const char *s, char sep)
{
    return s[0] == 'x' && s[1] == sep && s[2];
}

/* Does the object carry a property-extension / toplevel-property-extension? */
static int has_ext_type(const sg17_jd *o, const char *et)
{
    const sg17_jd *ex = jd_get(o, "extensions");
    const char *k;
    const sg17_jd *e;
    if (!jd_is_object(ex))
        return 0;
    jd_object_foreach(ex, k, e) {
        const char *t = sget(e, "extension_type");
        if (t && strcmp(t, et) == 0)
            return 1;
    }
    return 0;
}

static void custom_property(vctx *v, const char *what, const char *k, int sco)
{
    if (v->o->strict_properties)
        add(v, 0, "Property '%s' is not one of those defined in the specification%s.", k, what);
    if (on(v, 401) && !v->v20) {
        add(v, 401, "Custom property '%s'%s should be implemented using an extension with an "
                    "'extension_type' of 'property-extension' or 'toplevel-property-extension'.", k, what);
        return;
    }
    if (on(v, 101) && !prefix_strict(k, '_'))
        add(v, 101, "%sCustom property '%s'%s should start with 'x_' followed by a source unique "
                    "identifier, an underscore and then the name.", sco ? "Cyber Observable Object " : "", k, what);
    else if (!on(v, 101) && on(v, 102) && !prefix_lax(k, '_'))
        add(v, 102, "%sCustom property '%s'%s should start with 'x_'.", sco ? "Cyber Observable Object " : "", k, what);
}

/* Known properties of nested STIX structures (SCO extensions, sub-types). */
static const struct {
    const char *name;
    const char *props;
} subdefs[] = {
    {"archive-ext", "contains_refs comment"},
    {"ntfs-ext", "sid alternate_data_streams"},
    {"alternate_data_streams", "name hashes size"},
    {"pdf-ext", "version is_optimized document_info_dict pdfid0 pdfid1"},
    {"raster-image-ext", "image_height image_width bits_per_pixel exif_tags"},
    {"windows-pebinary-ext", "pe_type imphash machine_hex number_of_sections time_date_stamp pointer_to_symbol_table_hex number_of_symbols size_of_optional_header characteristics_hex file_header_hashes optional_header sections"},
    {"http-request-ext", "request_method request_value request_version request_header message_body_length message_body_data_ref"},
    {"icmp-ext", "icmp_type_hex icmp_code_hex"},
    {"socket-ext", "address_family is_blocking is_listening options socket_type socket_descriptor socket_handle"},
    {"tcp-ext", "src_flags_hex dst_flags_hex"},
    {"windows-process-ext", "aslr_enabled dep_enabled priority owner_sid window_title startup_info integrity_level"},
    {"windows-service-ext", "service_name descriptions display_name group_name start_type service_dll_refs service_type service_status"},
    {"unix-account-ext", "gid groups home_dir shell"},
    {"values", "name data data_type"},
    {"x509_v3_extensions", "basic_constraints name_constraints policy_constraints key_usage extended_key_usage subject_key_identifier authority_key_identifier subject_alternative_name issuer_alternative_name subject_directory_attributes crl_distribution_points inhibit_any_policy private_key_usage_period_not_before private_key_usage_period_not_after certificate_policies policy_mappings"},
};

static const char *subdef(const char *name)
{
    for (size_t i = 0; i < sizeof subdefs / sizeof subdefs[0]; i++)
        if (strcmp(subdefs[i].name, name) == 0)
            return subdefs[i].props;
    return NULL;
}

static void sub_props(vctx *v, const char *type, const char *name, const sg17_jd *o, const char *ctx_ext)
{
    const char *known = subdef(name);
    if (!known || !jd_is_object(o))
        return;
    const char *k;
    const sg17_jd *val;
    jd_object_foreach(o, k, val) {
        if (stix_word_in(known, k, strlen(k)))
            continue;
        char what[160];
        if (ctx_ext)
            snprintf(what, sizeof what, " in the %s property of the %s extension", name, ctx_ext);
        else if (strstr(name, "-ext"))
            snprintf(what, sizeof what, " in the %s extension", name);
        else
            snprintf(what, sizeof what, " in the %s property of %s object", name, type);
        custom_property(v, what, k, 1);
    }
}

static void check_hashes(vctx *v, const sg17_jd *h, const char *where)
{
    if (!jd_is_object(h))
        return;
    const char *k;
    const sg17_jd *val;
    jd_object_foreach(h, k, val) {
        if (strlen(k) > 30 && !v->hash_len_warned) {
            add(v, 150, "Object has a '%s' dictionary with a hash of type '%s', which is longer "
                        "than 30 characters.", where, k);
            v->hash_len_warned = 1;
        }
        if (!jd_is_string(val)) {
            add(v, 0, "%s: hash '%s' must be a string", where, k);
            continue;
        }
        int ok = stix_hash_value_ok(k, jd_str(val));
        if (ok == 0)
            add(v, 0, "%s: '%s' is not a valid %s hash", where, jd_str(val), k);
        else if (ok < 0 && !prefix_lax(k, '_') && !(k[0] == 'x' && k[1] == '-'))
            add(v, 241, "Object has a '%s' dictionary with a hash of type '%s', which is not a "
                        "value in the hash-algorithm-ov vocabulary nor a custom value prepended "
                        "with 'x_'.", where, k);
    }
}

static int b64_ok(const char *s)
{
    size_t n = strlen(s), pad = 0;
    if (n % 4)
        return 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c == '=') {
            pad++;
            continue;
        }
        if (pad || !(isalnum((unsigned char)c) || c == '+' || c == '/'))
            return 0;
    }
    return pad <= 2;
}

static int uri_ok(const char *s)
{
    /* RFC 3986 absolute URI: scheme ":" ... */
    if (!isalpha((unsigned char)s[0]))
        return 0;
    const char *p = s + 1;
    while (isalnum((unsigned char)*p) || *p == '+' || *p == '-' || *p == '.')
        p++;
    if (*p != ':')
        return 0;
    for (const char *q = s; *q; q++)
        if ((unsigned char)*q <= ' ' || *q == '"' || *q == '<' || *q == '>' || *q == '\\' ||
            *q == '^' || *q == '`' || *q == '{' || *q == '|' || *q == '}')
            return 0;
    return 1;
}

static int ipv4_ok(const char *s)
{
    int parts = 0;
    const char *p = s;
    while (parts < 4) {
        if (!isdigit((unsigned char)*p))
            return 0;
        int val = 0, nd = 0;
        const char *st = p;
        while (isdigit((unsigned char)*p)) {
            val = val * 10 + (*p - '0');
            nd++;
            p++;
            if (nd > 3)
                return 0;
        }
        if (val > 255 || (nd > 1 && *st == '0'))
            return 0;
        parts++;
        if (parts < 4) {
            if (*p != '.')
                return 0;
            p++;
        }
    }
    if (*p == '/') {
        p++;
        if (!isdigit((unsigned char)*p))
            return 0;
        int val = 0, nd = 0;
        const char *st = p;
        while (isdigit((unsigned char)*p)) {
            val = val * 10 + (*p - '0');
            nd++;
            p++;
        }
        if (nd > 2 || val > 32 || (nd > 1 && *st == '0'))
            return 0;
    }
    return *p == '\0';
}

static int ishex_c(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static int ipv6_ok(const char *s)
{
    const char *slash = strchr(s, '/');
    size_t n = slash ? (size_t)(slash - s) : strlen(s);
    if (n == 0 || n > 45)
        return 0;
    int groups = 0, dbl = 0, i = 0;
    size_t pos = 0;
    if (s[0] == ':') {
        if (n < 2 || s[1] != ':')
            return 0;
        dbl = 1;
        pos = 2;
    }
    while (pos < n) {
        int hexd = 0;
        while (pos < n && ishex_c(s[pos]) && hexd < 5) {
            pos++;
            hexd++;
        }
        (void)i;
        if (hexd == 0 || hexd > 4)
            return 0;
        groups++;
        if (pos == n)
            break;
        if (s[pos] == '.') {
            /* embedded IPv4 tail */
            return 1;
        }
        if (s[pos] != ':')
            return 0;
        pos++;
        if (pos < n && s[pos] == ':') {
            if (dbl)
                return 0;
            dbl = 1;
            pos++;
        } else if (pos == n) {
            return 0;
        }
    }
    if (dbl ? groups > 7 : groups != 8)
        return 0;
    if (slash) {
        const char *p = slash + 1;
        int val = 0, nd = 0;
        const char *st = p;
        while (isdigit((unsigned char)*p)) {
            val = val * 10 + (*p - '0');
            nd++;
            p++;
        }
        if (*p || nd == 0 || nd > 3 || val > 128 || (nd > 1 && *st == '0'))
            return 0;
    }
    return 1;
}

static const char *iso3166 =
    "AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR "
    "BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ "
    "EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW "
    "GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY "
    "KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV "
    "MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY "
    "QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG "
    "TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW";

static const char *tlp_ids =
    "marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9 "
    "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da "
    "marking-definition--f88d31f6-486f-44da-b317-01333bde0b82 "
    "marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed";

static void check_extref(vctx *v, const sg17_jd *er, int *hash_warned)
{
    if (!jd_is_object(er)) {
        add(v, 0, "external_references: items must be objects");
        return;
    }
    const char *sn = sget(er, "source_name"), *eid = sget(er, "external_id");
    if (!sn) {
        add(v, 0, "external_references: 'source_name' is a required property");
        return;
    }
    int bad = 0;
    if (strcmp(sn, "cve") == 0) {
        bad = !eid || strncmp(eid, "CVE-", 4) != 0 || strlen(eid) < 13;
        if (!bad) {
            for (int i = 4; i < 8; i++)
                bad |= !isdigit((unsigned char)eid[i]);
            bad |= eid[8] != '-';
            size_t nd = strlen(eid + 9);
            for (size_t i = 0; i < nd; i++)
                bad |= !isdigit((unsigned char)eid[9 + i]);
            bad |= nd < 4 || (nd > 4 && eid[9] == '0');
        }
    } else if (strcmp(sn, "capec") == 0) {
        bad = !eid || strncmp(eid, "CAPEC-", 6) != 0 || !eid[6];
        for (size_t i = 6; !bad && eid[i]; i++)
            bad |= !isdigit((unsigned char)eid[i]);
    } else if (eid && (starts_with(eid, "CVE-") || starts_with(eid, "CAPEC-"))) {
        bad = 1;
    }
    if (bad)
        add(v, 0, "external_references: If the external reference is a CVE, 'source_name' must "
                  "be 'cve' and 'external_id' must be in the CVE format (CVE-YYYY-NNNN+). If the "
                  "external reference is a CAPEC, 'source_name' must be 'capec' and 'external_id' "
                  "must be in the CAPEC format (CAPEC-N+).");
    if (jd_get(er, "url") && !jd_get(er, "hashes") && !*hash_warned) {
        /* the reference reports the first such reference of an object */
        add(v, 302, "External reference '%s' has a URL but no hash.", sn);
        *hash_warned = 1;
    }
    check_hashes(v, jd_get(er, "hashes"), "external_references hashes");
}

static void check_kcp(vctx *v, const sg17_jd *arr)
{
    size_t i;
    const sg17_jd *k;
    jd_array_foreach(arr, i, k) {
        const char *kc = sget(k, "kill_chain_name"), *ph = sget(k, "phase_name");
        if (!kc || !ph) {
            add(v, 0, "kill_chain_phases: kill_chain_name and phase_name are required");
            continue;
        }
        for (const char *p = kc; *p; p++)
            if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-')) {
                add(v, 121, "kill_chain_name '%s' should be all lowercase and use hyphens instead "
                            "of spaces or underscores as word separators.", kc);
                break;
            }
        for (const char *p = ph; *p; p++)
            if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-')) {
                add(v, 121, "phase_name '%s' should be all lowercase and use hyphens instead of "
                            "spaces or underscores as word separators.", ph);
                break;
            }
    }
}

static int selector_ok(const char *s)
{
    if (strcmp(s, "id") == 0)
        return 1;
    const char *p = s;
    size_t n = 0;
    while ((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_' || *p == '-') {
        p++;
        n++;
    }
    if (n < 3)
        return 0;
    while (*p == '.') {
        p++;
        if (*p == '[') {
            p++;
            if (!isdigit((unsigned char)*p))
                return 0;
            while (isdigit((unsigned char)*p))
                p++;
            if (*p != ']')
                return 0;
            p++;
        } else {
            n = 0;
            while ((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_' || *p == '-') {
                p++;
                n++;
            }
            if (n == 0)
                return 0;
        }
    }
    return *p == '\0';
}

static void check_extensions(vctx *v, const char *type, const sg17_jd *o, int sco)
{
    const sg17_jd *ex = jd_get(o, "extensions");
    if (!ex)
        return;
    if (!jd_is_object(ex)) {
        add(v, 0, "extensions: must be an object");
        return;
    }
    const char *k;
    const sg17_jd *e;
    jd_object_foreach(ex, k, e) {
        if (!jd_is_object(e)) {
            add(v, 0, "extensions: '%s' is not of type 'object'", k);
            continue;
        }
        if (sco && starts_with(k, "extension-definition--")) {
            const char *et = sget(e, "extension_type");
            if (on(v, 401) && !v->v20) {
                if (!et || strcmp(et, "property-extension") != 0)
                    add(v, 401, "Custom Cyber Observable Object extension type '%s' should be "
                                "implemented using an 'extension_type' of 'property-extension'.", k);
            } else if (on(v, 101)) {
                add(v, 101, "Custom Cyber Observable Object extension type '%s' should start with "
                            "'x-' followed by a source unique identifier, a hyphen and then the name.", k);
            } else if (on(v, 102)) {
                add(v, 102, "Custom Cyber Observable Object extension type '%s' should start with 'x-'.", k);
            }
            continue;
        }
        if (starts_with(k, "extension-definition--")) {
            if (!stix_is_identifier(k))
                add(v, 0, "extensions: '%s' is not a valid extension-definition id", k);
            const sg17_jd *et = jd_get(e, "extension_type");
            if (et && !jd_is_string(et))
                add(v, 0, "extensions.%s.extension_type: is not of type 'string'", k);
            else if (et && !stix_word_in("new-sdo new-sco new-sro property-extension toplevel-property-extension",
                                         jd_str(et), strlen(jd_str(et))))
                add(v, 0, "extensions.%s.extension_type: '%s' is not a valid extension type", k, jd_str(et));
            continue;
        }
        if (sco && subdef(k)) {
            sub_props(v, type, k, e, NULL);
            if (strcmp(k, "ntfs-ext") == 0) {
                const sg17_jd *ads = jd_get(e, "alternate_data_streams");
                size_t i;
                const sg17_jd *a;
                jd_array_foreach(ads, i, a) {
                    sub_props(v, type, "alternate_data_streams", a, "ntfs-ext");
                    const sg17_jd *h = jd_get(a, "hashes");
                    if (h)
                        check_hashes(v, h, "alternate data stream hashes");
                }
            }
            if (strcmp(k, "windows-pebinary-ext") == 0) {
                const char *pt = sget(e, "pe_type");
                if (pt && !stix_word_in("exe dll sys", pt, strlen(pt)))
                    add(v, 243, "Object has a Windows PE Binary File extension with a 'pe_type' of "
                                "'%s', which is not a value in the windows-pebinary-type-ov vocabulary.", pt);
                check_hashes(v, jd_get(e, "file_header_hashes"), "file header hashes");
                const sg17_jd *oh = jd_get(e, "optional_header");
                if (oh)
                    check_hashes(v, jd_get(oh, "hashes"), "optional header hashes");
                size_t i;
                const sg17_jd *sct;
                jd_array_foreach(jd_get(e, "sections"), i, sct)
                    check_hashes(v, jd_get(sct, "hashes"), "section hashes");
            }
            if (strcmp(k, "windows-process-ext") == 0) {
                const char *pr = sget(e, "priority");
                if (pr && !ends_with(pr, "_CLASS"))
                    add(v, 149, "The 'priority' property should end in '_CLASS'.");
            }
            continue;
        }
        /* custom extension name */
        if (on(v, 401) && !v->v20) {
            add(v, 401, "Custom Cyber Observable Object extension type '%s' should be implemented "
                        "using an 'extension_type' of 'property-extension'.", k);
        } else if (on(v, 101) && !ext_prefix_strict(k)) {
            add(v, 101, "Custom Cyber Observable Object extension type '%s' should start with 'x-' "
                        "followed by a source unique identifier, a hyphen and then the name.", k);
        } else if (!on(v, 101) && on(v, 102) && !prefix_lax(k, '-')) {
            add(v, 102, "Custom Cyber Observable Object extension type '%s' should start with 'x-'.", k);
        }
        if (v->o->strict_properties)
            add(v, 0, "extensions: custom extension '%s' is not allowed", k);
    }
}

static void check_sco_specific(vctx *v, const char *type, const sg17_jd *o)
{
    if (strcmp(type, "artifact") == 0) {
        const sg17_jd *pb = jd_get(o, "payload_bin"), *url = jd_get(o, "url");
        if ((pb && url) || (!pb && !url))
            add(v, 0, "'artifact' object must contain either 'payload_bin' or 'url'");
        if (pb && (!jd_is_string(pb) || !b64_ok(jd_str(pb))))
            add(v, 0, "payload_bin: must be a base64-encoded string");
        if (url && (!jd_is_string(url) || !uri_ok(jd_str(url))))
            add(v, 0, "url: is not a 'uri'");
        if (url && !jd_get(o, "hashes"))
            add(v, 0, "'hashes' MUST be present when 'url' is present");
        const char *ea = sget(o, "encryption_algorithm");
        if (!ea && jd_get(o, "decryption_key"))
            add(v, 0, "'decryption_key' MUST NOT be present when 'encryption_algorithm' is absent");
        if (ea && !stix_word_in("AES-256-GCM ChaCha20-Poly1305 mime-type-indicated", ea, strlen(ea)))
            add(v, 0, "encryption_algorithm: '%s' is not one of the allowed values", ea);
        const char *mt = sget(o, "mime_type");
        if (mt) {
            static const char *tops[] = {"application/", "audio/", "font/", "image/", "message/",
                                         "model/", "multipart/", "text/", "video/"};
            int ok = 0;
            for (size_t i = 0; i < 9; i++)
                if (starts_with(mt, tops[i]) && mt[strlen(tops[i])])
                    ok = 1;
            if (!ok)
                add(v, 0, "mime_type: '%s' does not match the MIME type format", mt);
        }
    } else if (strcmp(type, "ipv4-addr") == 0) {
        const char *val = sget(o, "value");
        if (val && !ipv4_ok(val))
            add(v, 0, "value: '%s' is not a valid IPv4 address or CIDR", val);
    } else if (strcmp(type, "ipv6-addr") == 0) {
        const char *val = sget(o, "value");
        if (val && !ipv6_ok(val))
            add(v, 0, "value: '%s' is not a valid IPv6 address or CIDR", val);
    } else if (strcmp(type, "url") == 0) {
        const char *val = sget(o, "value");
        if (val && !uri_ok(val))
            add(v, 0, "value: '%s' is not a 'uri'", val);
    } else if (strcmp(type, "email-message") == 0) {
        const sg17_jd *mp = jd_get(o, "is_multipart");
        if (jd_is_false(mp) && jd_get(o, "body_multipart"))
            add(v, 0, "Since 'is_multipart' is false, 'body' must be a string and the "
                      "'body_multipart' property must not be present.");
        if (jd_is_true(mp) && jd_get(o, "body"))
            add(v, 0, "Since 'is_multipart' is true, 'body' must not be present.");
    } else if (strcmp(type, "file") == 0) {
        if (!jd_get(o, "hashes") && !jd_get(o, "name"))
            add(v, 0, "'file' object must contain at least 'hashes' or 'name'");
        const char *enc = sget(o, "name_enc");
        if (enc && registry_has(v, "charsets.csv", 1, enc, 1) == 0 &&
            registry_has(v, "charsets.csv", 2, enc, 1) == 0)
            add(v, 0, "The 'name_enc' property ('%s') must be an IANA registered character set.", enc);
        const char *mt = sget(o, "mime_type");
        if (mt) {
            int found = -1;
            const char *slash = strchr(mt, '/');
            if (slash) {
                char f[64];
                int n = snprintf(f, sizeof f, "mediatype_%.*s.csv", (int)(slash - mt), mt);
                if (n > 0 && (size_t)n < sizeof f)
                    found = registry_has(v, f, 1, mt, 1);
            } else {
                found = 0;
            }
            if (found == 0)
                add(v, 271, "The 'mime_type' property ('%s') should be an IANA registered MIME "
                            "Type of the form 'type/subtype'.", mt);
        }
    } else if (strcmp(type, "network-traffic") == 0) {
        if (!jd_get(o, "src_ref") && !jd_get(o, "dst_ref"))
            add(v, 0, "'network-traffic' object must contain 'src_ref' or 'dst_ref'");
        if (!jd_get(o, "src_port") || !jd_get(o, "dst_port"))
            add(v, 301, "The Network Traffic object should contain both the 'src_port' and "
                        "'dst_port' properties.");
        size_t i;
        const sg17_jd *p;
        jd_array_foreach(jd_get(o, "protocols"), i, p) {
            const char *ps = jd_str(p);
            if (ps && !stix_word_in("ipv4 ipv6 ssl tls dtls", ps, strlen(ps)) &&
                registry_has(v, "protocols.csv", 0, ps, 1) == 0)
                add(v, 272, "The 'protocols' property contains a value ('%s') not in IANA Service "
                            "Name and Transport Protocol Port Number Registry.", ps);
        }
        const sg17_jd *ipfix = jd_get(o, "ipfix");
        const char *k;
        const sg17_jd *val;
        jd_object_foreach(ipfix, k, val) {
            if (registry_has(v, "ipfix-information-elements.csv", 1, k, 0) == 0)
                add(v, 273, "The 'ipfix' property contains a key ('%s') not in IANA IP Flow "
                            "Information Export (IPFIX) Entities Registry.", k);
        }
    } else if (strcmp(type, "user-account") == 0) {
        const char *at = sget(o, "account_type");
        if (at && !stix_word_in("unix windows-local windows-domain ldap tacacs radius nis openid facebook skype twitter kavi", at, strlen(at)))
            add(v, 244, "Object is a User Account Object with an 'account_type' of '%s', which is "
                        "not a value in the account-type-ov vocabulary.", at);
    } else if (strcmp(type, "windows-registry-key") == 0) {
        size_t i;
        const sg17_jd *val;
        jd_array_foreach(jd_get(o, "values"), i, val) sub_props(v, type, "values", val, NULL);
    } else if (strcmp(type, "x509-certificate") == 0) {
        const sg17_jd *x = jd_get(o, "x509_v3_extensions");
        if (x) {
            sub_props(v, type, "x509_v3_extensions", x, NULL);
            const char *k;
            const sg17_jd *val;
            jd_object_foreach(x, k, val) if (strstr(k, "private_key_usage_period"))
                check_timestamp(v, k, val);
        }
    }
    if (jd_get(o, "hashes"))
        check_hashes(v, jd_get(o, "hashes"), "hashes");
}

static void check_uuid(vctx *v, const char *type, const char *id, sg17_stix_kind kind)
{
    int ver = stix_uuid_version(id);
    if (kind == SG17_STIX_SCO) {
        if (strcmp(type, "process") == 0) {
            if (ver != 4)
                add(v, 103, "A process object must use UUIDv4 for its id.");
        } else if (ver != 5 && ver != 4) {
            add(v, 103, "Cyber Observable ID value %s is not a valid UUIDv4 or UUIDv5 ID.", id);
        } else if (ver != 5) {
            add(v, 103, "Cyber Observable ID value %s is not a valid UUIDv5 ID.", id);
        }
    } else if (ver != 4) {
        add(v, 103, "Given ID value %s is not a valid UUIDv4 ID.", id);
    }
}

static void check_pattern(vctx *v, const sg17_jd *o)
{
    const char *pt = sget(o, "pattern_type"), *pat = sget(o, "pattern");
    if (v->s20 && !jd_get(o, "pattern_type"))
        pt = "stix"; /* STIX 2.0 indicators are always STIX patterns */
    if (!pt || !pat || strcmp(pt, "stix") != 0)
        return;
    char err[256];
    unsigned flags = SG17_STIX_PATTERN_PROPNAMES;
    if (v->o->strict_types)
        flags |= SG17_STIX_PATTERN_CHECK_TYPES;
    if (v->o->strict_properties)
        flags |= SG17_STIX_PATTERN_STRICT_PROPS;
    if (!on(v, 401)) {
        if (on(v, 101))
            flags |= SG17_STIX_PATTERN_PREFIX_STRICT;
        else if (on(v, 102))
            flags |= SG17_STIX_PATTERN_PREFIX_LAX;
    }
    if (sg17_stix_pattern_check(pat, flags, err, sizeof err) != 0)
        add(v, 0, "Pattern failed to validate: %s", err);
}

static void check_marking(vctx *v, const sg17_jd *o)
{
    const char *dt = sget(o, "definition_type");
    const sg17_jd *def = jd_get(o, "definition");
    const sg17_jd *ex = jd_get(o, "extensions");
    if (!dt && !def && !ex) {
        add(v, 0, "marking definitions must use the 'definition_type' and 'definition' properties "
                  "with a valid marking definition, or use an extension and the properties it requires");
        add(v, 401, "Custom marking definitions should be specified using the 'extensions' property.");
        return;
    }
    if (dt) {
        if (strcmp(dt, "statement") == 0) {
            if (!jd_is_object(def) || !jd_is_string(jd_get(def, "statement")))
                add(v, 0, "definition: a statement marking requires a 'statement' string");
        } else if (strcmp(dt, "tlp") == 0) {
            const char *tlp = sget(def, "tlp");
            if (!tlp || !stix_word_in("white green amber red", tlp, strlen(tlp)))
                add(v, 0, "definition: a TLP marking requires 'tlp' of white, green, amber or red");
        } else {
            add(v, 201, "Marking definition `definition_type` should be one of: statement, tlp.");
            add(v, 401, "Custom marking definitions should be specified using the 'extensions' property.");
        }
        if (!def)
            add(v, 0, "'definition' is a required property");
    }
}

static void check_object(vctx *v, const sg17_jd *o);

/* STIX 2.0 Part 3/4: each cyber observable in observed-data "objects" is an
 * object with a "type"; its object references (*_ref, *_refs) name keys of
 * the same "objects" dictionary (local scope). */
static void check_observables20(vctx *v, const sg17_jd *objs)
{
    const char *k, *pk;
    const sg17_jd *ob, *pv;
    jd_object_foreach(objs, k, ob) {
        if (!jd_is_object(ob)) {
            add(v, 0, "objects['%s']: a cyber observable must be an object", k);
            continue;
        }
        if (!jd_is_string(jd_get(ob, "type")))
            add(v, 0, "objects['%s']: 'type' is a required property", k);
        jd_object_foreach(ob, pk, pv) {
            size_t i;
            const sg17_jd *e;
            if (ends_with(pk, "_ref")) {
                if (!jd_is_string(pv) || !jd_get(objs, jd_str(pv)))
                    add(v, 0, "objects['%s'].%s: must refer to a key of the 'objects' dictionary", k, pk);
            } else if (ends_with(pk, "_refs")) {
                jd_array_foreach(pv, i, e) if (!jd_is_string(e) || !jd_get(objs, jd_str(e)))
                    add(v, 0, "objects['%s'].%s[%zu]: must refer to a key of the 'objects' dictionary", k, pk, i);
            }
        }
    }
}

static void check_observed_objects(vctx *v, const sg17_jd *o)
{
    const sg17_jd *objs = jd_get(o, "objects");
    if (!objs)
        return;
    if (!v->s20) /* deprecated in 2.1; the only form in 2.0 */
        add(v, 304, "Included property 'objects' is deprecated within the indicated spec version.");
    if (!jd_is_object(objs)) {
        add(v, 0, "objects: Observed Data objects must be in dict format.");
        return;
    }
    if (v->s20)
        check_observables20(v, objs);
    const char *k;
    const sg17_jd *val;
    jd_object_foreach(objs, k, val) {
        int digits = *k != '\0';
        for (const char *p = k; *p; p++)
            if (*p < '0' || *p > '9')
                digits = 0;
        if (!digits)
            add(v, 141, "'%s' is not a good key value. Observable Objects should use non-negative "
                        "integers for their keys.", k);
    }
}

/* {142}: dictionary keys inside an SCO should be lowercase (explicit stack, bounded) */
static void check_dict_keys(vctx *v, const sg17_jd *o)
{
    static const char *exc = "hashes file_header_hashes request_header additional_header_fields "
                             "document_info_dict exif_tags ipfix options environment_variables key startup_info";
    const sg17_jd *stack[64];
    size_t sp = 0;
    stack[sp++] = o;
    while (sp) {
        const sg17_jd *d = stack[--sp];
        const char *k;
        const sg17_jd *val;
        jd_object_foreach(d, k, val) {
            for (const char *p = k; *p; p++)
                if (*p >= 'A' && *p <= 'Z') {
                    add(v, 142, "As a dictionary key, '%s' should be lowercase.", k);
                    break;
                }
            if (jd_is_object(val) && !stix_word_in(exc, k, strlen(k)) && sp < 64)
                stack[sp++] = val;
        }
    }
}

static int in_list(const char *list, const char *w)
{
    return stix_word_in(list, w, strlen(w));
}

static void check_ext_dicts(vctx *v, const char *type, const sg17_jd *o)
{
    const sg17_jd *ex = jd_get(o, "extensions");
    const char *k;
    const sg17_jd *val;
    if (strcmp(type, "network-traffic") == 0) {
        static const char *hdrs =
            "Accept Accept-Charset Accept-Encoding Accept-Language Accept-Datetime Access-Control-Request-Method "
            "Access-Control-Request-Headers Authorization Cache-Control Connection Content-Encoding Content-Length "
            "Content-MD5 Content-Type Cookie Date Expect Forwarded From Host HTTP2-Settings If-Match If-Modified-Since "
            "If-None-Match If-Range If-Unmodified-Since Max-Forwards Origin Pragma Prefer Proxy-Authorization Range "
            "Referer TE Trailer Transfer-Encoding User-Agent Upgrade Via Warning Upgrade-Insecure-Requests "
            "X-Requested-With DNT X-Forwarded-For X-Forwarded-Host X-Forwarded-Proto Front-End-Https "
            "X-Http-Method-Override X-ATT-DeviceId X-Wap-Profile Proxy-Connection X-UIDH X-Csrf-Token X-Request-ID "
            "X-Correlation-ID Save-Data";
        const sg17_jd *rh = jd_get(jd_get(ex, "http-request-ext"), "request_header");
        jd_object_foreach(rh, k, val) if (!in_list(hdrs, k))
            add(v, 274, "The 'request_header' property contains an invalid HTTP request header ('%s').", k);
        const sg17_jd *opts = jd_get(jd_get(ex, "socket-ext"), "options");
        jd_object_foreach(opts, k, val) {
            static const char *pfx[] = {"SO_", "ICMP_", "ICMP6_", "IP_", "IPV6_", "MCAST_", "TCP_", "IRLMP_"};
            int okp = 0;
            for (size_t i = 0; i < sizeof pfx / sizeof pfx[0]; i++)
                if (starts_with(k, pfx[i]) && k[strlen(pfx[i])])
                    okp = 1;
            for (const char *p = k; okp && *p; p++)
                if (!((*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '_'))
                    okp = 0;
            if (!okp)
                add(v, 275, "The 'options' property contains a key ('%s') that is not a valid socket "
                            "option (SO|ICMP|ICMP6|IP|IPV6|MCAST|TCP|IRLMP)_*.", k);
        }
    } else if (strcmp(type, "file") == 0) {
        const sg17_jd *did = jd_get(jd_get(ex, "pdf-ext"), "document_info_dict");
        jd_object_foreach(did, k, val) if (!in_list("Title Author Subject Keywords Creator Producer CreationDate ModDate Trapped", k))
            add(v, 276, "The 'document_info_dict' property contains a key ('%s') that is not a valid "
                        "PDF Document Information Dictionary key.", k);
    }
}

static void check_object(vctx *v, const sg17_jd *o)
{
    v->r->n_objects++;
    v->hash_len_warned = 0;
    if (!jd_is_object(o)) {
        add(v, 0, "bundle objects must be JSON objects");
        return;
    }
    const char *type = sget(o, "type"), *id = sget(o, "id");
    const char *saved = v->oid;
    v->oid = id ? id : "(no id)";
    if (!type) {
        add(v, 0, "'type' is a required property");
        v->oid = saved;
        return;
    }
    const char *sv = sget(o, "spec_version");
    int v20 = v->v20, s20 = v->s20;
    if (v->o->version)
        v->s20 = strcmp(v->o->version, "2.0") == 0;
    else
        v->s20 = sv ? strcmp(sv, "2.0") == 0 : v->bundle_s20;
    const stix_tdef *td = v->s20 ? stix_tdef20_find(type) : stix_tdef_find(type);
    sg17_stix_kind kind = td ? td->kind : SG17_STIX_CUSTOM;
    const char *saved_type = v->cur_type;
    v->cur_type = type;
    if (v->o->version)
        v->v20 = strcmp(v->o->version, "2.0") == 0;
    else if (sv)
        v->v20 = strcmp(sv, "2.0") == 0;
    else if (kind != SG17_STIX_SCO && kind != SG17_STIX_BUNDLE && !has_ext_type(o, "new-sco"))
        v->v20 = 1;
    else
        v->v20 = 0;
    if (v->s20)
        v->v20 = 1;
    /* type format */
    size_t tl = strlen(type);
    int tok = tl >= 3 && tl <= 250 && !strstr(type, "--");
    for (const char *p = type; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-'))
            tok = 0;
    if (!tok)
        add(v, 0, "type: '%s' does not match the 'type' field format (lowercase ASCII a-z, 0-9, "
                  "and hypens only - and no two hyphens in a row)", type);
    int custom_sco = 0;
    if (!td) {
        if (v->o->strict_types)
            add(v, 0, "Object type '%s' is not one of those defined in the specification.", type);
        int has_new = has_ext_type(o, "new-sdo") || has_ext_type(o, "new-sco") || has_ext_type(o, "new-sro");
        custom_sco = has_ext_type(o, "new-sco");
        if (on(v, 401) && !v->v20) {
            if (!has_new)
                add(v, 401, "Custom object type '%s' should be implemented using an extension with "
                            "an 'extension_type' of 'new-sdo', 'new-sco', or 'new-sro'.", type);
        } else if (on(v, 101) && !prefix_strict(type, '-')) {
            add(v, 101, "Custom object type '%s' should start with 'x-' followed by a source unique "
                        "identifier, a hyphen and then the name.", type);
        } else if (!on(v, 101) && on(v, 102) && !prefix_lax(type, '-')) {
            add(v, 102, "Custom object type '%s' should start with 'x-'.", type);
        }
    }
    /* id */
    if (!id) {
        add(v, 0, "'id' is a required property");
    } else {
        size_t n = strlen(type);
        if (strncmp(id, type, n) != 0 || strncmp(id + n, "--", 2) != 0)
            add(v, 0, "id: '%s' does not start with '%s--'", id, type);
        else if (!stix_is_identifier(id) ||
                 (!v->v20 && kind != SG17_STIX_SCO && stix_uuid_version(id) != 4 && 0))
            add(v, 0, "id: '%s' does not match the id format ([object-type]--[UUID])", id);
        else if (v->v20 && stix_uuid_version(id) != 4)
            add(v, 0, "id: '%s' does not match the id format ([object-type]--[UUID])", id);
        if (stix_is_identifier(id) && !custom_sco && (td || !v->v20) &&
            (kind != SG17_STIX_SCO || on(v, 401)))
            check_uuid(v, type, id, kind);
    }
    /* required */
    const char *req = td ? td->req : (custom_sco ? SCO_REQ_C : "type id created modified");
    const char *p = req;
    while (*p) {
        while (*p == ' ')
            p++;
        const char *e = p;
        while (*e && *e != ' ')
            e++;
        if (e > p) {
            char name[64];
            size_t n = (size_t)(e - p);
            memcpy(name, p, n);
            name[n] = '\0';
            if (!jd_get(o, name) && !(strcmp(name, "spec_version") == 0 && (v->in_bundle || v->v20)))
                add(v, 0, "'%s' is a required property", name);
        }
        p = e;
    }
    if (sv && !v->o->version && strcmp(sv, "2.1") != 0 && strcmp(sv, "2.0") != 0 && kind != SG17_STIX_BUNDLE)
        add(v, 0, "spec_version: '%s' is not one of ['2.1']", sv);
    if (v->v20 && v->o->version && sv && on(v, 101))
        add(v, 101, "Custom property 'spec_version' should have a type that starts with 'x_' "
                    "followed by a source unique identifier, a hyphen and then the name.");
    if (v->o->interop && (kind == SG17_STIX_SDO || kind == SG17_STIX_SRO) && !jd_get(o, "created_by_ref"))
        add(v, 0, "'created_by_ref' is a required property");
    /* properties */
    const char *k;
    const sg17_jd *val;
    int tpe = has_ext_type(o, "toplevel-property-extension");
    static const char *reserved = "severity action username phone_numbers";
    jd_object_foreach(o, k, val) {
        size_t kl = strlen(k);
        if (td && !stix_tdef_has_prop(td, k, kl)) {
            if (stix_word_in(reserved, k, kl) && !(strcmp(type, "course-of-action") == 0)) {
                add(v, 0, "Contains a reserved property ('severity', 'action', 'username', 'phone_numbers')");
            } else if (tpe) {
                if (v->o->strict_properties)
                    add(v, 0, "Property '%s' is not one of those defined in the specification.", k);
            } else {
                int sco = kind == SG17_STIX_SCO;
                if (!propname_ok(k))
                    add(v, 0, "'%s' does not match the property name format", k);
                if (v->v20 && strcmp(k, "spec_version") == 0) {
                    if (v->o->version && on(v, 101))
                        add(v, 101, "Custom property 'spec_version' should have a type that starts with 'x_'.");
                } else {
                    custom_property(v, sco ? " for this object" : "", k, sco);
                }
            }
        } else if (!td) {
            if (!propname_ok(k))
                add(v, 0, "'%s' does not match any of the regexes for property names", k);
        }
        if (jd_is_array(val) && jd_len(val) == 0)
            add(v, 0, "%s: empty arrays are not allowed", k);
        static stix_wset_slot ts_cache;
        if (stix_wset_has(&ts_cache, ts_props, k, kl))
            check_timestamp(v, k, val);
        if ((kind == SG17_STIX_SCO || !td || !stix_tdef_has_prop(td, k, kl)) &&
            (ends_with(k, "_ref") || ends_with(k, "_refs"))) {
            /* SCO references and custom properties are not format-checked by the reference */
        } else if (ends_with(k, "_ref") && kl > 4) {
            if (!jd_is_string(val))
                add(v, 0, "%s: must be an identifier string", k);
            else
                check_ref(v, k, jd_str(val), ref_allowed(type, k));
        } else if (ends_with(k, "_refs") && kl > 5) {
            size_t i;
            const sg17_jd *e;
            if (!jd_is_array(val))
                add(v, 0, "%s: must be a list of identifiers", k);
            jd_array_foreach(val, i, e) {
                if (!jd_is_string(e))
                    add(v, 0, "%s[%zu]: must be an identifier string", k, i);
                else
                    check_ref(v, k, jd_str(e), ref_allowed(type, k));
            }
        }
    }
    /* common structures */
    const sg17_jd *ers = jd_get(o, "external_references");
    size_t i;
    const sg17_jd *e;
    int hash_warned = 0;
    jd_array_foreach(ers, i, e) check_extref(v, e, &hash_warned);
    const sg17_jd *kcp = jd_get(o, "kill_chain_phases");
    if (jd_is_array(kcp))
        check_kcp(v, kcp);
    jd_array_foreach(jd_get(o, "granular_markings"), i, e) {
        const char *mr = sget(e, "marking_ref");
        if (mr && !starts_with(mr, "marking-definition--"))
            add(v, 0, "granular_markings[%zu].marking_ref: '%s' does not match '^marking-definition--'", i, mr);
        if (!mr && (v->s20 || !sget(e, "lang")))
            add(v, 0, v->s20 ? "granular_markings[%zu]: 'marking_ref' is a required property"
                             : "granular_markings[%zu]: marking_ref or lang is required", i);
        size_t j;
        const sg17_jd *s;
        const sg17_jd *sels = jd_get(e, "selectors");
        if (!jd_is_array(sels) || jd_len(sels) == 0)
            add(v, 0, "granular_markings[%zu].selectors is required", i);
        jd_array_foreach(sels, j, s) if (!jd_is_string(s) || !selector_ok(jd_str(s)))
            add(v, 0, "granular_markings[%zu].selectors[%zu]: invalid selector", i, j);
    }
    const sg17_jd *omr = jd_get(o, "object_marking_refs");
    if (v->o->interop && jd_is_array(omr)) {
        size_t ntlp = 0;
        jd_array_foreach(omr, i, e) {
            const char *s = jd_str(e);
            if (s && stix_word_in(tlp_ids, s, strlen(s)))
                ntlp++;
        }
        if (ntlp > 1)
            add(v, 0, "object_marking_refs: More than one tlp marking found in marking-definitions. "
                      "Only one tlp marking is allowed.");
    }
    check_order(v, o, "created", "modified", 0);
    if (kind == SG17_STIX_SDO || kind == SG17_STIX_SRO) {
        if (strcmp(type, "observed-data") == 0)
            check_order(v, o, "first_observed", "last_observed", 0);
        else if (strcmp(type, "relationship") == 0)
            check_order(v, o, "start_time", "stop_time", 1);
        else
            check_order(v, o, "first_seen", "last_seen", 0);
    } else if (!td) {
        check_order(v, o, "first_seen", "last_seen", 0);
        check_order(v, o, "first_observed", "last_observed", 0);
        check_order(v, o, "start_time", "stop_time", 1);
    }
    if (!v->s20 && jd_get(o, "confidence")) {
        const sg17_jd *c = jd_get(o, "confidence");
        if (!jd_is_integer(c) || jd_int(c) < 0 || jd_int(c) > 100)
            add(v, 0, "confidence: must be an integer in 0..100");
    }
    if (!v->s20) /* 2.0 objects have no extensions (a custom property there) */
        check_extensions(v, type, o, kind == SG17_STIX_SCO);
    check_vocabs(v, type, o);
    /* type-specific */
    if (kind == SG17_STIX_SCO) {
        check_sco_specific(v, type, o);
        check_dict_keys(v, o);
        check_ext_dicts(v, type, o);
    }
    if (strcmp(type, "relationship") == 0)
        check_relationship(v, o);
    else if (strcmp(type, "indicator") == 0) {
        if (!v->s20 && (!jd_get(o, "name") || !jd_get(o, "description")))
            add(v, 303, "Both the name and description properties SHOULD be present.");
        check_pattern(v, o);
        check_order(v, o, "valid_from", "valid_until", 1);
    } else if (strcmp(type, "marking-definition") == 0) {
        check_marking(v, o);
    } else if (strcmp(type, "observed-data") == 0) {
        if (!v->s20 && !jd_get(o, "objects") && !jd_get(o, "object_refs"))
            add(v, 0, "observed-data requires 'object_refs' (or the deprecated 'objects')");
        check_observed_objects(v, o);
        const sg17_jd *no = jd_get(o, "number_observed");
        if (no && (!jd_is_integer(no) || jd_int(no) < 1 || jd_int(no) > 999999999))
            add(v, 0, "number_observed: must be an integer in 1..999999999");
    } else if (strcmp(type, "malware-analysis") == 0) {
        const char *pr = sget(o, "product");
        if (pr)
            for (const char *q = pr; *q; q++)
                if (!((*q >= 'a' && *q <= 'z') || (*q >= '0' && *q <= '9') || *q == '-')) {
                    add(v, 143, "The 'product' property should be all lowercase with words separated by dashes.");
                    break;
                }
        if (!jd_get(o, "result") && !jd_get(o, "analysis_sco_refs"))
            add(v, 0, "malware-analysis requires 'result' or 'analysis_sco_refs'");
    } else if (strcmp(type, "location") == 0) {
        const char *c = sget(o, "country");
        char cu[3] = {0, 0, 0};
        if (c && strlen(c) == 2) {
            cu[0] = (char)toupper((unsigned char)c[0]);
            cu[1] = (char)toupper((unsigned char)c[1]);
        }
        if (c && on(v, 277) && (strlen(c) != 2 || !stix_word_in(iso3166, cu, 2)))
            add(v, 201, "Location `country` should be a valid ISO 3166-1 ALPHA-2 Code.");
        if (!jd_get(o, "region") && !jd_get(o, "country") &&
            !(jd_get(o, "latitude") && jd_get(o, "longitude")))
            add(v, 0, "location requires region, country, or latitude and longitude");
    } else if (strcmp(type, "language-content") == 0) {
        const sg17_jd *ct = jd_get(o, "contents");
        const char *lang;
        const sg17_jd *d;
        jd_object_foreach(ct, lang, d) {
            const char *pk;
            const sg17_jd *pv;
            jd_object_foreach(d, pk, pv) if (!propname_ok(pk) || strlen(pk) < 3)
                add(v, 0, "'%s' in '%s' of the 'contents' property is invalid and must match a "
                          "valid property name", pk, lang);
        }
    } else if (strcmp(type, "extension-definition") == 0) {
        const sg17_jd *ets = jd_get(o, "extension_types");
        int tle = 0;
        jd_array_foreach(ets, i, e) {
            const char *s = jd_str(e);
            if (!s || !stix_word_in("new-sdo new-sco new-sro property-extension toplevel-property-extension", s, strlen(s)))
                add(v, 0, "extension_types[%zu]: '%s' is not a valid extension type", i, s ? s : "?");
            else if (strcmp(s, "toplevel-property-extension") == 0)
                tle = 1;
        }
        if (!tle && jd_get(o, "extension_properties"))
            add(v, 0, "extension_properties is only allowed with a toplevel-property-extension");
        if (tle && !jd_get(o, "extension_properties"))
            add(v, 306, "For extensions of the 'toplevel-property-extension' type, the "
                        "'extension_properties' property SHOULD include one or more property names.");
        if (!jd_get(o, "description"))
            add(v, 305, "The 'description' property SHOULD be populated.");
    }
    v->v20 = v20;
    v->s20 = s20;
    v->oid = saved;
    v->cur_type = saved_type;
}

/* id -> node map for the bundle-level checks (open addressing; keys borrowed). */
typedef struct idmap {
    const char **keys;
    const sg17_jd **vals;
    size_t cap;
} idmap;

static int idmap_init(idmap *m, size_t n)
{
    m->cap = 16;
    while (m->cap < 2 * n)
        m->cap *= 2;
    m->keys = calloc(m->cap, sizeof *m->keys);
    m->vals = calloc(m->cap, sizeof *m->vals);
    if (!m->keys || !m->vals) {
        free(m->keys);
        free(m->vals);
        return SG17_E_NOMEM;
    }
    return 0;
}

static void idmap_free(idmap *m)
{
    free(m->keys);
    free(m->vals);
}

/* Slot of k; an absent k is inserted when insert is set (the map holds at
 * most n keys in 2n slots, so a probe always ends). */
static const sg17_jd **idmap_slot(idmap *m, const char *k, int *found, int insert)
{
    uint32_t h = 2166136261U;
    for (const char *p = k; *p; p++)
        h = (h ^ (unsigned char)*p) * 16777619U;
    size_t i = h & (m->cap - 1);
    while (m->keys[i] && strcmp(m->keys[i], k) != 0)
        i = (i + 1) & (m->cap - 1);
    if (found)
        *found = m->keys[i] != NULL;
    if (!m->keys[i] && insert)
        m->keys[i] = k;
    return &m->vals[i];
}

static int build_on(vctx *v)
{
    const sg17_stix_vopts *o = v->o;
    memset(v->on, 0, sizeof v->on);
    if (o->n_enabled == 0) {
        for (size_t i = 0; i < NCHECKS; i++)
            if (checks[i].code >= 100)
                v->on[checks[i].code] = 1;
        v->on[102] = 0;
        v->on[150] = 0; /* hash-length runs only when enabled (as the reference's defaults) */
    }
    for (size_t i = 0; i < o->n_enabled; i++) {
        int c = check_code(o->enabled[i]);
        if (c < 0)
            return SG17_E_INVAL;
        for (size_t k = 0; k < NCHECKS; k++)
            if (checks[k].code >= 100 && in_group(c, checks[k].code))
                v->on[checks[k].code] = 1;
    }
    int prefix_dis = 0;
    for (size_t i = 0; i < o->n_disabled; i++) {
        int c = check_code(o->disabled[i]);
        if (c < 0)
            return SG17_E_INVAL;
        if (c == 101)
            prefix_dis = 1;
        for (size_t k = 0; k < NCHECKS; k++)
            if (checks[k].code >= 100 && in_group(c, checks[k].code))
                v->on[checks[k].code] = 0;
    }
    if (prefix_dis && o->n_enabled == 0) {
        int lax_dis = 0;
        for (size_t i = 0; i < o->n_disabled; i++) {
            int c = check_code(o->disabled[i]);
            if (c == 102 || c == 1 || c == 0)
                lax_dis = 1;
        }
        if (!lax_dis)
            v->on[102] = 1;
    }
    return 0;
}

int stix_validate_jd(const sg17_jd *inst, const sg17_stix_vopts *opts, sg17_stix_report *rep)
{
    static const sg17_stix_vopts defaults;
    if (!rep)
        return SG17_E_INVAL;
    memset(rep, 0, sizeof *rep);
    vctx v;
    memset(&v, 0, sizeof v);
    v.o = opts ? opts : &defaults;
    v.r = rep;
    int rc = build_on(&v);
    if (rc)
        return rc;
    if (!jd_is_object(inst) || !jd_is_string(jd_get(inst, "type")) ||
        !jd_is_string(jd_get(inst, "id")))
        return SG17_E_FORMAT;
    const char *type = sget(inst, "type");
    const char *ver = v.o->version;
    if (strcmp(type, "bundle") == 0) {
        const char *id = sget(inst, "id");
        v.oid = id;
        v.r->n_objects++;
        const char *sv = sget(inst, "spec_version");
        if (!ver && sv && strcmp(sv, "2.0") == 0)
            v.bundle_s20 = 1; /* 2.0 bundles carry the version for their objects */
        if (ver && strcmp(ver, "2.0") == 0) {
            v.v20 = 1;
            if (!sv)
                add(&v, 0, "'spec_version' is a required property");
            else if (strcmp(sv, "2.0") != 0)
                add(&v, 0, "spec_version: '%s' is not one of ['2.0']", sv);
        } else {
        }
        if (strncmp(id, "bundle--", 8) != 0 || !stix_is_identifier(id))
            add(&v, 0, "id: '%s' does not match the bundle id format", id);
        else if (stix_uuid_version(id) != 4)
            add(&v, 103, "Given ID value %s is not a valid UUIDv4 ID.", id);
        const char *k;
        const sg17_jd *val;
        jd_object_foreach(inst, k, val) {
            if (strcmp(k, "type") == 0 || strcmp(k, "id") == 0 || strcmp(k, "objects") == 0)
                continue;
            if (v.v20 && strcmp(k, "spec_version") == 0)
                continue;
            custom_property(&v, "", k, 0);
        }
        const sg17_jd *objs = jd_get(inst, "objects");
        if (objs && !jd_is_array(objs))
            add(&v, 0, "objects: must be an array");
        size_t i;
        const sg17_jd *o;
        v.in_bundle = 1;
        int bv20 = v.v20;
        jd_array_foreach(objs, i, o) {
            v.v20 = bv20;
            check_object(&v, o);
        }
        if (v.o->enforce_refs) {
            /* relationships must reference objects in the same bundle */
            idmap ids;
            if (idmap_init(&ids, jd_len(objs)) != 0)
                v.nomem = 1;
            else {
                jd_array_foreach(objs, i, o) {
                    const char *oid = sget(o, "id");
                    if (oid)
                        (void)idmap_slot(&ids, oid, NULL, 1);
                }
                jd_array_foreach(objs, i, o) {
                    const char *t = sget(o, "type");
                    if (!t || strcmp(t, "relationship") != 0)
                        continue;
                    static const char *const ends[] = {"source_ref", "target_ref"};
                    for (size_t e = 0; e < 2; e++) {
                        const char *r = sget(o, ends[e]);
                        int found = 0;
                        if (r)
                            (void)idmap_slot(&ids, r, &found, 0);
                        if (r && !found) {
                            v.oid = sget(o, "id");
                            add(&v, 0, "%s: '%s' is not an object in this bundle (enforce_refs)", ends[e], r);
                        }
                    }
                }
                idmap_free(&ids);
            }
            v.oid = sget(inst, "id");
        }
        if (on(&v, 203) && jd_len(objs) > 1) {
            idmap seen;
            if (idmap_init(&seen, jd_len(objs)) != 0)
                v.nomem = 1;
            else {
                jd_array_foreach(objs, i, o) {
                    const char *oid = sget(o, "id");
                    const sg17_jd *mod = jd_get(o, "modified");
                    if (!oid || !mod)
                        continue;
                    int found = 0;
                    const sg17_jd **prev = idmap_slot(&seen, oid, &found, 1);
                    if (!found)
                        *prev = mod;
                    else if (sg17_jd_equal(*prev, mod))
                        add(&v, 203, "Duplicate ID '%s' has identical `modified` timestamp. If they are "
                                     "different versions of the same object, they should have different "
                                     "`modified` properties.", oid);
                }
                idmap_free(&seen);
            }
        }
    } else {
        if (ver && strcmp(ver, "2.0") == 0)
            v.v20 = 1;
        if (ver && strcmp(ver, "2.1") == 0)
            v.in_bundle = 1;
        check_object(&v, inst);
    }
    if (v.nomem)
        return SG17_E_NOMEM;
    rep->valid = 1;
    for (size_t i = 0; i < rep->n; i++)
        if (rep->items[i].is_error)
            rep->valid = 0;
    return 0;
}

int sg17_stix_validate(const json_t *inst, const sg17_stix_vopts *opts, sg17_stix_report *rep)
{
    if (!rep)
        return SG17_E_INVAL;
    memset(rep, 0, sizeof *rep);
    if (!inst)
        return SG17_E_FORMAT;
    sg17_jdoc *d = NULL;
    int rc = sg17_jdoc_from_jansson(inst, &d);
    if (rc == 0)
        rc = stix_validate_jd(sg17_jdoc_root(d), opts, rep);
    sg17_jdoc_free(d);
    return rc;
}

