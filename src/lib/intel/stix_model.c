/*
 * STIX 2.1 object model: type tables (STIX 2.1 sections 4-7), identifiers
 * (2.9), timestamps (3.2), deterministic SCO ids (UUIDv5, 2.9), canonical
 * serialisation, census and a streaming reader over bundles.
 */
#define _GNU_SOURCE 1
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "sg17/json.h"
#include "sg17/stix.h"
#include "stix_internal.h"

#define SDO_CORE "type spec_version id created_by_ref labels created modified revoked confidence lang external_references object_marking_refs granular_markings extensions "
#define SCO_CORE "type spec_version id object_marking_refs granular_markings defanged extensions "
#define SDO_REQ "type spec_version id created modified"
#define SCO_REQ "type id"

static const stix_tdef tdefs[] = {
    {"attack-pattern", SG17_STIX_SDO, SDO_CORE "aliases name description kill_chain_phases", SDO_REQ " name"},
    {"campaign", SG17_STIX_SDO, SDO_CORE "name description aliases first_seen last_seen objective", SDO_REQ " name"},
    {"course-of-action", SG17_STIX_SDO, SDO_CORE "name description action", SDO_REQ " name"},
    {"grouping", SG17_STIX_SDO, SDO_CORE "name description context object_refs", SDO_REQ " context object_refs"},
    {"identity", SG17_STIX_SDO, SDO_CORE "roles name description identity_class sectors contact_information", SDO_REQ " name"},
    {"incident", SG17_STIX_SDO, SDO_CORE "name description kill_chain_phases", SDO_REQ " name"},
    {"indicator", SG17_STIX_SDO, SDO_CORE "indicator_types name description pattern pattern_type pattern_version valid_from valid_until kill_chain_phases", SDO_REQ " pattern pattern_type valid_from"},
    {"infrastructure", SG17_STIX_SDO, SDO_CORE "name description infrastructure_types aliases kill_chain_phases first_seen last_seen", SDO_REQ " name"},
    {"intrusion-set", SG17_STIX_SDO, SDO_CORE "name description aliases first_seen last_seen goals resource_level primary_motivation secondary_motivations", SDO_REQ " name"},
    {"location", SG17_STIX_SDO, SDO_CORE "description name latitude longitude precision region country administrative_area city street_address postal_code", SDO_REQ},
    {"malware-analysis", SG17_STIX_SDO, SDO_CORE "product version configuration_version modules analysis_engine_version analysis_definition_version submitted analysis_started analysis_ended result_name result host_vm_ref operating_system_ref installed_software_refs analysis_sco_refs sample_ref", SDO_REQ " product"},
    {"malware", SG17_STIX_SDO, SDO_CORE "aliases first_seen last_seen operating_system_refs architecture_execution_envs implementation_languages capabilities sample_refs malware_types name description kill_chain_phases is_family", SDO_REQ " is_family"},
    {"note", SG17_STIX_SDO, SDO_CORE "abstract content authors object_refs", SDO_REQ " content object_refs"},
    {"observed-data", SG17_STIX_SDO, SDO_CORE "first_observed last_observed number_observed objects object_refs", SDO_REQ " first_observed last_observed number_observed"},
    {"opinion", SG17_STIX_SDO, SDO_CORE "explanation authors object_refs opinion", SDO_REQ " object_refs opinion"},
    {"report", SG17_STIX_SDO, SDO_CORE "report_types name description published object_refs", SDO_REQ " name object_refs published"},
    {"threat-actor", SG17_STIX_SDO, SDO_CORE "threat_actor_types name description aliases roles goals first_seen last_seen sophistication resource_level primary_motivation secondary_motivations personal_motivations", SDO_REQ " name"},
    {"tool", SG17_STIX_SDO, SDO_CORE "aliases tool_types name description tool_version kill_chain_phases", SDO_REQ " name"},
    {"vulnerability", SG17_STIX_SDO, SDO_CORE "name description", SDO_REQ " name"},
    {"relationship", SG17_STIX_SRO, SDO_CORE "relationship_type description source_ref target_ref start_time stop_time", SDO_REQ " relationship_type source_ref target_ref"},
    {"sighting", SG17_STIX_SRO, SDO_CORE "description first_seen last_seen count sighting_of_ref observed_data_refs where_sighted_refs summary", SDO_REQ " sighting_of_ref"},
    {"artifact", SG17_STIX_SCO, SCO_CORE "mime_type payload_bin url hashes encryption_algorithm decryption_key", SCO_REQ},
    {"autonomous-system", SG17_STIX_SCO, SCO_CORE "number name rir", SCO_REQ " number"},
    {"directory", SG17_STIX_SCO, SCO_CORE "path path_enc ctime mtime atime contains_refs", SCO_REQ " path"},
    {"domain-name", SG17_STIX_SCO, SCO_CORE "value resolves_to_refs", SCO_REQ " value"},
    {"email-addr", SG17_STIX_SCO, SCO_CORE "value display_name belongs_to_ref", SCO_REQ " value"},
    {"email-message", SG17_STIX_SCO, SCO_CORE "date content_type from_ref sender_ref to_refs cc_refs bcc_refs message_id subject received_lines additional_header_fields raw_email_ref is_multipart body body_multipart", SCO_REQ " is_multipart"},
    {"file", SG17_STIX_SCO, SCO_CORE "hashes size name name_enc magic_number_hex mime_type ctime mtime atime parent_directory_ref contains_refs content_ref", SCO_REQ},
    {"ipv4-addr", SG17_STIX_SCO, SCO_CORE "value resolves_to_refs belongs_to_refs", SCO_REQ " value"},
    {"ipv6-addr", SG17_STIX_SCO, SCO_CORE "value resolves_to_refs belongs_to_refs", SCO_REQ " value"},
    {"mac-addr", SG17_STIX_SCO, SCO_CORE "value", SCO_REQ " value"},
    {"mutex", SG17_STIX_SCO, SCO_CORE "name", SCO_REQ " name"},
    {"network-traffic", SG17_STIX_SCO, SCO_CORE "start end src_ref dst_ref src_port dst_port protocols src_byte_count dst_byte_count src_packets dst_packets ipfix src_payload_ref dst_payload_ref encapsulates_refs encapsulated_by_ref is_active", SCO_REQ " protocols"},
    {"process", SG17_STIX_SCO, SCO_CORE "is_hidden pid created_time cwd command_line environment_variables opened_connection_refs creator_user_ref image_ref parent_ref child_refs", SCO_REQ},
    {"software", SG17_STIX_SCO, SCO_CORE "name cpe swid languages vendor version", SCO_REQ " name"},
    {"url", SG17_STIX_SCO, SCO_CORE "value", SCO_REQ " value"},
    {"user-account", SG17_STIX_SCO, SCO_CORE "user_id credential account_login account_type display_name is_service_account is_privileged can_escalate_privs is_disabled account_created account_expires credential_last_changed account_first_login account_last_login", SCO_REQ},
    {"windows-registry-key", SG17_STIX_SCO, SCO_CORE "key values modified_time creator_user_ref number_of_subkeys", SCO_REQ},
    {"x509-certificate", SG17_STIX_SCO, SCO_CORE "is_self_signed hashes version serial_number signature_algorithm issuer validity_not_before validity_not_after subject subject_public_key_algorithm subject_public_key_modulus subject_public_key_exponent x509_v3_extensions", SCO_REQ},
    {"marking-definition", SG17_STIX_META, "type spec_version id created_by_ref created external_references object_marking_refs granular_markings extensions definition_type definition name", "type spec_version id created"},
    {"language-content", SG17_STIX_META, SDO_CORE "object_ref object_modified contents", SDO_REQ " object_ref contents"},
    {"extension-definition", SG17_STIX_META, SDO_CORE "name description schema version extension_types extension_properties", SDO_REQ " created_by_ref name schema version extension_types"},
    {"bundle", SG17_STIX_BUNDLE, "type id objects", "type id"},
};

/* STIX 2.0 (CS01, Part 2) object types, used when content is explicitly 2.0
 * (--version 2.0 or spec_version "2.0"): no spec_version, confidence, lang or
 * extensions on objects; labels required on indicator, malware, report,
 * threat-actor, tool; observed-data carries its observables in "objects";
 * cyber observables are not top-level objects, and the 2.1 additions
 * (grouping, infrastructure, location, note, ...) are custom types. */
#define SDO20_CORE "type id created_by_ref labels created modified revoked external_references object_marking_refs granular_markings "
#define SDO20_REQ "type id created modified"

static const stix_tdef tdefs20[] = {
    {"attack-pattern", SG17_STIX_SDO, SDO20_CORE "name description kill_chain_phases", SDO20_REQ " name"},
    {"campaign", SG17_STIX_SDO, SDO20_CORE "name description aliases first_seen last_seen objective", SDO20_REQ " name"},
    {"course-of-action", SG17_STIX_SDO, SDO20_CORE "name description action", SDO20_REQ " name"},
    {"identity", SG17_STIX_SDO, SDO20_CORE "name description identity_class sectors contact_information", SDO20_REQ " name identity_class"},
    {"indicator", SG17_STIX_SDO, SDO20_CORE "name description pattern valid_from valid_until kill_chain_phases", SDO20_REQ " labels pattern valid_from"},
    {"intrusion-set", SG17_STIX_SDO, SDO20_CORE "name description aliases first_seen last_seen goals resource_level primary_motivation secondary_motivations", SDO20_REQ " name"},
    {"malware", SG17_STIX_SDO, SDO20_CORE "name description kill_chain_phases", SDO20_REQ " labels name"},
    {"observed-data", SG17_STIX_SDO, SDO20_CORE "first_observed last_observed number_observed objects", SDO20_REQ " first_observed last_observed number_observed objects"},
    {"report", SG17_STIX_SDO, SDO20_CORE "name description published object_refs", SDO20_REQ " labels name published object_refs"},
    {"threat-actor", SG17_STIX_SDO, SDO20_CORE "name description aliases roles goals sophistication resource_level primary_motivation secondary_motivations personal_motivations", SDO20_REQ " labels name"},
    {"tool", SG17_STIX_SDO, SDO20_CORE "name description kill_chain_phases tool_version", SDO20_REQ " labels name"},
    {"vulnerability", SG17_STIX_SDO, SDO20_CORE "name description", SDO20_REQ " name"},
    {"relationship", SG17_STIX_SRO, SDO20_CORE "relationship_type description source_ref target_ref", SDO20_REQ " relationship_type source_ref target_ref"},
    {"sighting", SG17_STIX_SRO, SDO20_CORE "first_seen last_seen count sighting_of_ref observed_data_refs where_sighted_refs summary", SDO20_REQ " sighting_of_ref"},
    {"marking-definition", SG17_STIX_META, "type id created_by_ref created external_references object_marking_refs granular_markings definition_type definition", "type id created definition_type definition"},
    {"bundle", SG17_STIX_BUNDLE, "type id spec_version objects", "type id spec_version"},
};

const stix_tdef *stix_tdef20_find(const char *type)
{
    if (!type)
        return NULL;
    for (size_t i = 0; i < sizeof tdefs20 / sizeof tdefs20[0]; i++)
        if (strcmp(tdefs20[i].type, type) == 0)
            return &tdefs20[i];
    return NULL;
}

const stix_tdef *stix_tdef_find(const char *type)
{
    if (!type)
        return NULL;
    for (size_t i = 0; i < sizeof tdefs / sizeof tdefs[0]; i++)
        if (strcmp(tdefs[i].type, type) == 0)
            return &tdefs[i];
    return NULL;
}

sg17_stix_kind sg17_stix_type_kind(const char *type)
{
    const stix_tdef *t = stix_tdef_find(type);
    return t ? t->kind : SG17_STIX_CUSTOM;
}

int stix_word_in(const char *list, const char *w, size_t n)
{
    /* memmem (SIMD in glibc) then a word-boundary check */
    if (n == 0)
        return 0;
    size_t len = strlen(list);
    const char *p = list, *end = list + len;
    while (p < end) {
        const char *q = memmem(p, (size_t)(end - p), w, n);
        if (!q)
            return 0;
        if ((q == list || q[-1] == ' ') && (q[n] == ' ' || q[n] == '\0'))
            return 1;
        p = q + 1;
    }
    return 0;
}

/* ---- word sets: hash sets over a space-separated list, built once -------- */

struct stix_wset {
    const char *list;
    uint32_t mask;
    uint32_t *slot; /* offset + 1 into list, 0 = empty */
    uint8_t *len;
};

static uint32_t fnv(const char *w, size_t n)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (uint8_t)w[i]) * 16777619u;
    return h;
}

static struct stix_wset *wset_build(const char *list)
{
    size_t words = 0;
    for (const char *p = list; *p;) {
        while (*p == ' ')
            p++;
        if (!*p)
            break;
        words++;
        while (*p && *p != ' ')
            p++;
    }
    uint32_t cap = 8;
    while (cap < words * 2 + 2)
        cap *= 2;
    struct stix_wset *w = calloc(1, sizeof *w);
    if (!w)
        return NULL;
    w->slot = calloc(cap, sizeof *w->slot);
    w->len = calloc(cap, 1);
    if (!w->slot || !w->len) {
        free(w->slot);
        free(w->len);
        free(w);
        return NULL;
    }
    w->list = list;
    w->mask = cap - 1;
    for (const char *p = list; *p;) {
        while (*p == ' ')
            p++;
        const char *e = p;
        while (*e && *e != ' ')
            e++;
        size_t n = (size_t)(e - p);
        if (n > 0 && n < 256) {
            uint32_t h = fnv(p, n) & w->mask;
            while (w->slot[h])
                h = (h + 1) & w->mask;
            w->slot[h] = (uint32_t)(p - list) + 1;
            w->len[h] = (uint8_t)n;
        }
        p = e;
    }
    return w;
}

int stix_wset_has(stix_wset_slot *cache, const char *list, const char *w, size_t n)
{
    struct stix_wset *s = atomic_load_explicit(cache, memory_order_acquire);
    if (!s) {
        struct stix_wset *fresh = wset_build(list);
        if (!fresh)
            return stix_word_in(list, w, n);
        struct stix_wset *expected = NULL;
        if (atomic_compare_exchange_strong(cache, &expected, fresh)) {
            s = fresh;
        } else {
            free(fresh->slot);
            free(fresh->len);
            free(fresh);
            s = expected;
        }
    }
    if (n == 0 || n >= 256)
        return 0;
    uint32_t h = fnv(w, n) & s->mask;
    while (s->slot[h]) {
        if (s->len[h] == n && memcmp(s->list + s->slot[h] - 1, w, n) == 0)
            return 1;
        h = (h + 1) & s->mask;
    }
    return 0;
}

static stix_wset_slot tdef_props_cache[64];
static stix_wset_slot tdef20_props_cache[32];
_Static_assert(sizeof tdefs / sizeof tdefs[0] <= 64, "one cache slot per type");
_Static_assert(sizeof tdefs20 / sizeof tdefs20[0] <= 32, "one cache slot per 2.0 type");

int stix_tdef_has_prop(const stix_tdef *td, const char *k, size_t n)
{
    /* which table: integer offsets (no relational compare of unrelated pointers) */
    uintptr_t a = (uintptr_t)td;
    if (a - (uintptr_t)tdefs < sizeof tdefs)
        return stix_wset_has(&tdef_props_cache[(a - (uintptr_t)tdefs) / sizeof *td], td->props, k, n);
    if (a - (uintptr_t)tdefs20 < sizeof tdefs20)
        return stix_wset_has(&tdef20_props_cache[(a - (uintptr_t)tdefs20) / sizeof *td], td->props, k, n);
    return stix_word_in(td->props, k, n);
}

static int ishex(int c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* 36-char UUID text with schema constraints (version 1-5, variant 8-b). */
static int uuid_ok(const char *u)
{
    if (strlen(u) != 36)
        return 0;
    for (int i = 0; i < 36; i++) {
        if (i == 8 || i == 13 || i == 18 || i == 23) {
            if (u[i] != '-')
                return 0;
        } else if (!ishex((unsigned char)u[i])) {
            return 0;
        }
    }
    if (u[14] < '1' || u[14] > '5')
        return 0;
    return strchr("89abAB", u[19]) != NULL && u[19] != '\0';
}

int stix_is_identifier(const char *s)
{
    if (!(s[0] >= 'a' && s[0] <= 'z'))
        return 0;
    const char *p = s + 1;
    for (;; p++) {
        char c = *p;
        if (c == '-' && p[1] == '-')
            break;
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'))
            return 0;
    }
    if (p - s < 3 || p[-1] == '-')
        return 0;
    return uuid_ok(p + 2);
}

int stix_uuid_version(const char *id)
{
    const char *sep = strstr(id, "--");
    if (!sep || strlen(sep + 2) != 36)
        return 0;
    char c = sep[2 + 14];
    return (c >= '0' && c <= '9') ? c - '0' : 0;
}

static int dig(const char *s, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return 0;
}

static int64_t days_from_civil(int y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

int sg17_stix_timestamp_parse(const char *s, int64_t *secs, uint32_t *nanos)
{
    int y, mo, d, h, mi, se;
    if (!s || strlen(s) < 20)
        return SG17_E_FORMAT;
    if (dig(s, 4, &y) || s[4] != '-' || dig(s + 5, 2, &mo) || s[7] != '-' || dig(s + 8, 2, &d) ||
        s[10] != 'T' || dig(s + 11, 2, &h) || s[13] != ':' || dig(s + 14, 2, &mi) ||
        s[16] != ':' || dig(s + 17, 2, &se))
        return SG17_E_FORMAT;
    const char *p = s + 19;
    uint32_t ns = 0;
    if (*p == '.') {
        p++;
        int nd = 0;
        while (*p >= '0' && *p <= '9') {
            if (nd < 9)
                ns = ns * 10U + (uint32_t)(*p - '0');
            nd++;
            p++;
        }
        if (nd == 0)
            return SG17_E_FORMAT;
        for (int k = nd; k < 9; k++)
            ns *= 10U;
    }
    if (p[0] != 'Z' || p[1] != '\0')
        return SG17_E_FORMAT;
    static const int mdays[12] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || se > 60)
        return SG17_E_FORMAT;
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    int md = mdays[mo - 1] - (mo == 2 && !leap);
    if (d > md)
        return SG17_E_FORMAT;
    if (secs)
        *secs = days_from_civil(y, mo, d) * 86400 + (int64_t)h * 3600 + (int64_t)mi * 60 + se;
    if (nanos)
        *nanos = ns;
    return 0;
}

int stix_ts_cmp(const char *a, const char *b)
{
    int64_t sa = 0, sb = 0;
    uint32_t na = 0, nb = 0;
    if (sg17_stix_timestamp_parse(a, &sa, &na) || sg17_stix_timestamp_parse(b, &sb, &nb))
        return 0;
    if (sa != sb)
        return sa < sb ? -1 : 1;
    return na < nb ? -1 : na > nb;
}

static const struct {
    const char *name;
    size_t hexlen;
} hash_algos[] = {
    {"MD5", 32}, {"SHA-1", 40}, {"SHA-256", 64}, {"SHA-512", 128}, {"SHA3-256", 64},
    {"SHA3-512", 128}, {"SSDEEP", 0}, {"TLSH", 70},
};

int stix_hash_algo_known(const char *algo)
{
    for (size_t i = 0; i < sizeof hash_algos / sizeof hash_algos[0]; i++)
        if (strcmp(algo, hash_algos[i].name) == 0)
            return 1;
    return 0;
}

int stix_hash_value_ok(const char *algo, const char *value)
{
    for (size_t i = 0; i < sizeof hash_algos / sizeof hash_algos[0]; i++) {
        if (strcmp(algo, hash_algos[i].name) != 0)
            continue;
        if (hash_algos[i].hexlen == 0)
            return 1;
        size_t n = strlen(value);
        if (strcmp(algo, "TLSH") == 0)
            return n == 70 || n == 72;
        if (n != hash_algos[i].hexlen)
            return 0;
        for (size_t k = 0; k < n; k++)
            if (!ishex((unsigned char)value[k]))
                return 0;
        return 1;
    }
    return -1;
}

/* ID-contributing properties per SCO type (STIX 2.1 section 6). */
static const struct {
    const char *type;
    const char *props;
} id_contrib[] = {
    {"artifact", "hashes payload_bin"},
    {"autonomous-system", "number"},
    {"directory", "path"},
    {"domain-name", "value"},
    {"email-addr", "value"},
    {"email-message", "from_ref subject body"},
    {"file", "hashes name extensions parent_directory_ref"},
    {"ipv4-addr", "value"},
    {"ipv6-addr", "value"},
    {"mac-addr", "value"},
    {"mutex", "name"},
    {"network-traffic", "start end src_ref dst_ref src_port dst_port protocols extensions"},
    {"software", "name cpe swid vendor version"},
    {"url", "value"},
    {"user-account", "account_type user_id account_login"},
    {"windows-registry-key", "key values"},
    {"x509-certificate", "hashes serial_number"},
};

int sg17_stix_sco_id(const json_t *sco, char *out, size_t out_len)
{
    static const uint8_t ns[16] = {0x00, 0xab, 0xed, 0xb4, 0xaa, 0x42, 0x46, 0x6c,
                                   0x9c, 0x01, 0xfe, 0xd2, 0x33, 0x15, 0xa9, 0xb7};
    if (!json_is_object(sco) || !out)
        return SG17_E_INVAL;
    const char *type = json_string_value(json_object_get(sco, "type"));
    if (!type)
        return SG17_E_FORMAT;
    const char *props = NULL;
    for (size_t i = 0; i < sizeof id_contrib / sizeof id_contrib[0]; i++)
        if (strcmp(id_contrib[i].type, type) == 0)
            props = id_contrib[i].props;
    if (!props)
        return SG17_E_FORMAT;
    json_t *sub = json_object();
    if (!sub)
        return SG17_E_NOMEM;
    const char *key;
    json_t *val;
    json_object_foreach(stix_unconst(sco), key, val) {
        if (!stix_word_in(props, key, strlen(key)))
            continue;
        /* hashes: the spec prefers one hash in the order MD5, SHA-1, SHA-256, SHA-512 */
        if (strcmp(key, "hashes") == 0 && json_is_object(val)) {
            static const char *pref[] = {"MD5", "SHA-1", "SHA-256", "SHA-512"};
            json_t *h = NULL;
            for (size_t k = 0; k < 4 && !h; k++) {
                json_t *hv = json_object_get(val, pref[k]);
                if (hv) {
                    h = json_object();
                    if (h)
                        json_object_set(h, pref[k], hv);
                }
            }
            if (!h && json_object_size(val) > 0) {
                /* none of the preferred algorithms: the first hash given */
                void *it = json_object_iter(val);
                h = json_object();
                if (h && it)
                    json_object_set(h, json_object_iter_key(it), json_object_iter_value(it));
            }
            if (h) {
                json_object_set_new(sub, key, h);
                continue;
            }
        }
        json_object_set(sub, key, val);
    }
    if (json_object_size(sub) == 0) {
        json_decref(sub);
        return SG17_E_FORMAT;
    }
    char *canon = NULL;
    size_t clen = 0;
    int rc = sg17_json_dump_canonical(sub, &canon, &clen);
    json_decref(sub);
    if (rc)
        return rc;
    uint8_t md[EVP_MAX_MD_SIZE];
    unsigned mdlen = 0;
    EVP_MD_CTX *c = EVP_MD_CTX_new();
    int ok = c && EVP_DigestInit_ex(c, EVP_sha1(), NULL) && EVP_DigestUpdate(c, ns, 16) &&
             EVP_DigestUpdate(c, canon, clen) && EVP_DigestFinal_ex(c, md, &mdlen);
    EVP_MD_CTX_free(c);
    free(canon);
    if (!ok || mdlen < 16)
        return SG17_E_CRYPTO;
    md[6] = (uint8_t)((md[6] & 0x0f) | 0x50);
    md[8] = (uint8_t)((md[8] & 0x3f) | 0x80);
    int n = snprintf(out, out_len,
                     "%s--%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
                     type, md[0], md[1], md[2], md[3], md[4], md[5], md[6], md[7], md[8], md[9],
                     md[10], md[11], md[12], md[13], md[14], md[15]);
    if (n < 0 || (size_t)n >= out_len)
        return SG17_E_LIMIT;
    return 0;
}

int sg17_stix_serialise(const json_t *inst, char **out, size_t *len)
{
    return sg17_json_dump_canonical(inst, out, len);
}

static int str_cmp(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

int sg17_stix_census_of(const json_t *inst, sg17_stix_census *c)
{
    if (!json_is_object(inst) || !c)
        return SG17_E_FORMAT;
    memset(c, 0, sizeof *c);
    const json_t *objs = json_object_get(inst, "objects");
    const char *type = json_string_value(json_object_get(inst, "type"));
    size_t n = (type && strcmp(type, "bundle") == 0 && json_is_array(objs)) ? json_array_size(objs) : 1;
    const char **ids = calloc(n ? n : 1, sizeof *ids);
    if (!ids)
        return SG17_E_NOMEM;
    size_t nid = 0;
    for (size_t i = 0; i < n; i++) {
        const json_t *o = (n == 1 && !(type && strcmp(type, "bundle") == 0)) ? inst : json_array_get(objs, i);
        if (!json_is_object(o))
            continue;
        c->objects++;
        const char *t = json_string_value(json_object_get(o, "type"));
        if (t && strcmp(t, "relationship") == 0)
            c->relationships++;
        if (json_is_true(json_object_get(o, "revoked")))
            c->revoked++;
        const char *id = json_string_value(json_object_get(o, "id"));
        if (id)
            ids[nid++] = id;
    }
    qsort(ids, nid, sizeof *ids, str_cmp);
    for (size_t i = 0; i < nid; i++)
        if (i == 0 || strcmp(ids[i], ids[i - 1]) != 0)
            c->unique_ids++;
    free(ids);
    return 0;
}

/* ---- streaming reader over {"objects": [ {...}, ... ]} ------------------ */

typedef struct rd {
    FILE *f;
    int c;
} rd;

static int rd_next(rd *r)
{
    r->c = getc_unlocked(r->f); /* the stream is ours alone */
    return r->c;
}

static void rd_ws(rd *r)
{
    while (r->c == ' ' || r->c == '\t' || r->c == '\n' || r->c == '\r')
        rd_next(r);
}

/* Copy (if buf) or skip one JSON value; strings/nesting tracked without recursion. */
static int rd_value(rd *r, char **buf, size_t *len, size_t *cap, size_t max)
{
    size_t depth = 0;
    int in_str = 0, esc = 0;
    for (;;) {
        int c = r->c;
        if (c == EOF)
            return SG17_E_FORMAT;
        if (buf) {
            if (*len + 1 >= max)
                return SG17_E_LIMIT;
            if (*len + 2 > *cap) {
                size_t nc = *cap ? *cap * 2 : 4096;
                char *nb = realloc(*buf, nc);
                if (!nb)
                    return SG17_E_NOMEM;
                *buf = nb;
                *cap = nc;
            }
            (*buf)[(*len)++] = (char)c;
        }
        if (in_str) {
            if (esc)
                esc = 0;
            else if (c == '\\')
                esc = 1;
            else if (c == '"') {
                in_str = 0;
                if (depth == 0) {
                    rd_next(r);
                    return 0;
                }
            }
        } else if (c == '"') {
            in_str = 1;
        } else if (c == '{' || c == '[') {
            depth++;
        } else if (c == '}' || c == ']') {
            if (depth == 0)
                return SG17_E_FORMAT;
            depth--;
            if (depth == 0) {
                rd_next(r);
                return 0;
            }
        } else if (depth == 0) {
            /* scalar: read until a delimiter */
            int n = rd_next(r);
            if (n == ',' || n == '}' || n == ']' || n == ' ' || n == '\n' || n == '\r' ||
                n == '\t' || n == EOF)
                return 0;
            continue;
        }
        rd_next(r);
    }
}

/* Hands each element of the top-level "objects" array to slice_cb as raw
 * bytes (buf is reused: the callback must be done with it on return). */
int stix_stream_slices(const char *path, size_t max_object,
                       int (*slice_cb)(char *buf, size_t len, void *ctx), void *ctx)
{
    if (!path || !slice_cb)
        return SG17_E_INVAL;
    if (max_object == 0)
        max_object = SG17_JSON_DEFAULT_MAX_BYTES;
    rd r = {fopen(path, "rb"), 0};
    if (!r.f)
        return SG17_E_IO;
    char *buf = NULL, *key = NULL;
    size_t cap = 0, kcap = 0;
    int rc = SG17_E_FORMAT;
    rd_next(&r);
    rd_ws(&r);
    if (r.c != '{')
        goto out;
    rd_next(&r);
    for (;;) {
        rd_ws(&r);
        if (r.c == '}') {
            rc = 0;
            break;
        }
        if (r.c != '"')
            goto out;
        size_t klen = 0;
        rc = rd_value(&r, &key, &klen, &kcap, 4096);
        if (rc)
            goto out;
        rc = SG17_E_FORMAT;
        rd_ws(&r);
        if (r.c != ':')
            goto out;
        rd_next(&r);
        rd_ws(&r);
        if (klen == 9 && memcmp(key, "\"objects\"", 9) == 0 && r.c == '[') {
            rd_next(&r);
            rd_ws(&r);
            while (r.c != ']') {
                size_t len = 0;
                rc = rd_value(&r, &buf, &len, &cap, max_object);
                if (rc)
                    goto out;
                rc = slice_cb(buf, len, ctx);
                if (rc)
                    goto out;
                rc = SG17_E_FORMAT;
                rd_ws(&r);
                if (r.c == ',') {
                    rd_next(&r);
                    rd_ws(&r);
                } else if (r.c != ']') {
                    goto out;
                }
            }
            rd_next(&r);
        } else {
            rc = rd_value(&r, NULL, NULL, NULL, 0);
            if (rc)
                goto out;
            rc = SG17_E_FORMAT;
        }
        rd_ws(&r);
        if (r.c == ',') {
            rd_next(&r);
            continue;
        }
        if (r.c == '}') {
            rc = 0;
            break;
        }
        goto out;
    }
out:
    free(buf);
    free(key);
    fclose(r.f);
    return rc;
}

typedef struct json_slice_ctx {
    int (*cb)(json_t *, void *);
    void *ctx;
} json_slice_ctx;

static int json_slice(char *buf, size_t len, void *ctx)
{
    json_slice_ctx *c = ctx;
    json_t *o = NULL;
    int rc = sg17_json_parse(buf, len, NULL, &o, NULL);
    if (rc)
        return rc;
    rc = c->cb(o, c->ctx);
    json_decref(o);
    return rc;
}

int sg17_stix_stream_file(const char *path, size_t max_object, int (*cb)(json_t *, void *),
                          void *ctx)
{
    if (!path || !cb)
        return SG17_E_INVAL;
    json_slice_ctx c = {cb, ctx};
    return stix_stream_slices(path, max_object, json_slice, &c);
}
