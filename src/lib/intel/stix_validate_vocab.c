/*
 * STIX 2.1 validator: vocabularies (CS02 section 10), suggested relationships
 * (Appendix B) and the registries (IANA and other lists read from CSV).
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
#include "stix_validate_internal.h"

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
            stix_val_add(v, 111, "Open vocabulary value '%s' should be all lowercase and use hyphens "
                        "instead of spaces or underscores as word separators.", val);
        stix_val_add(v, code, "The value contained in %s is permitted, but is not in the %s vocabulary "
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

void stix_val_check_vocabs(vctx *v, const char *type, const sg17_jd *o)
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

void stix_val_id_type(const char *id, char *out, size_t n)
{
    const char *sep = strstr(id, "--");
    size_t len = sep ? (size_t)(sep - id) : strlen(id);
    if (len >= n)
        len = n - 1;
    memcpy(out, id, len);
    out[len] = '\0';
}

void stix_val_check_relationship(vctx *v, const sg17_jd *o)
{
    const char *rt = sget(o, "relationship_type");
    const char *s = sget(o, "source_ref"), *t = sget(o, "target_ref");
    if (!rt || !s || !t)
        return;
    for (const char *p = rt; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-')) {
            stix_val_add(v, 0, "relationship_type: '%s' contains invalid characters", rt);
            break;
        }
    char st[64], tt[64];
    stix_val_id_type(s, st, sizeof st);
    stix_val_id_type(t, tt, sizeof tt);
    static const char *bad = "bundle marking-definition sighting relationship language-content extension-definition";
    if (stix_word_in(bad, st, strlen(st)))
        stix_val_add(v, 0, "source_ref: Relationships cannot link bundles, marking definitions, sightings, "
                  "or other relationships. This field must contain the id of an SDO.");
    if (stix_word_in(bad, tt, strlen(tt)))
        stix_val_add(v, 0, "target_ref: Relationships cannot link bundles, marking definitions, sightings, "
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
            stix_val_add(v, 202, "'%s' is permitted, but not a suggested relationship target object for "
                        "'%s' objects with the '%s' relationship.", tt, st, rt);
    }
    if (!src_known)
        stix_val_add(v, 202, "'%s' is not a suggested relationship source object for the '%s' relationship.", st, rt);
    else if (!rel_known)
        stix_val_add(v, 202, "'%s' is permitted, but not a suggested relationship type for '%s' objects.", rt, st);
}

/* ---- registries ---------------------------------------------------------- */

/* 1 found, 0 not found, -1 registry unavailable. Column 0 of the CSV (or col). */
int stix_val_registry_has(vctx *v, const char *file, int col, const char *val, int ci)
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
