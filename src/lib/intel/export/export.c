/*
 * X.1217 8.2.5 "share": exports of the intel store with TLP honoured on every
 * format (docs/INTEL-STORE.md "exports"):
 *   stix      STIX 2.1 bundle of the latest version of every object
 *   misp      MISP feed directory (manifest.json, <event uuid>.json, hashes.csv)
 *   zeek      Zeek Intel framework file (#fields indicator indicator_type meta.*)
 *   suricata  Suricata dataset files (one per dataset type) + example rules
 */
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "sg17/crypto.h"
#include "sg17/file.h"
#include "../store/store_internal.h"

sg17_intel_export_format sg17_intel_export_format_parse(const char *name)
{
    if (name == NULL)
        return 0;
    if (strcmp(name, "stix") == 0)
        return SG17_INTEL_EXPORT_STIX;
    if (strcmp(name, "misp") == 0)
        return SG17_INTEL_EXPORT_MISP;
    if (strcmp(name, "zeek") == 0)
        return SG17_INTEL_EXPORT_ZEEK;
    if (strcmp(name, "suricata") == 0)
        return SG17_INTEL_EXPORT_SURICATA;
    return 0;
}

/* An in-memory text written atomically at the end. */
typedef struct membuf {
    char *p;
    size_t n;
    FILE *f;
} membuf;

static int mb_open(membuf *m)
{
    m->p = NULL;
    m->n = 0;
    m->f = open_memstream(&m->p, &m->n);
    return m->f ? 0 : SG17_E_NOMEM;
}

static int mb_commit(membuf *m, const char *path)
{
    int bad = fclose(m->f) != 0;
    m->f = NULL;
    int rc = bad ? SG17_E_NOMEM : sg17_file_write_atomic(path, m->p, m->n, 0644);
    free(m->p);
    m->p = NULL;
    return rc;
}

static void mb_drop(membuf *m)
{
    if (m->f)
        fclose(m->f);
    free(m->p);
    m->f = NULL;
    m->p = NULL;
}

/* UUID (version 4 layout) from SHA-256 over a label and text. */
static void uuid_of(const char *label, const char *text, char out[37])
{
    sg17_sha256_ctx c;
    uint8_t h[32];
    sg17_sha256_init(&c);
    sg17_sha256_update(&c, (const uint8_t *)label, strlen(label) + 1);
    sg17_sha256_update(&c, (const uint8_t *)text, strlen(text));
    sg17_sha256_final(&c, h);
    h[6] = (uint8_t)((h[6] & 0x0F) | 0x40);
    h[8] = (uint8_t)((h[8] & 0x3F) | 0x80);
    is_uuid_text(h, out);
}

/* ---- STIX ------------------------------------------------------------------- */

static const char *const tlp2_names[] = {"TLP:CLEAR", "TLP:GREEN", "TLP:AMBER", "TLP:AMBER+STRICT",
                                         "TLP:RED"};

static int export_stix(sg17_intel_store *s, const sg17_intel_export_opts *o,
                       sg17_intel_export_stats *st)
{
    sqlite3_stmt *q;
    int rc = is_prepare(s, &q,
                        "SELECT o.id, o.type, o.tlp, o.json FROM intel_objects o WHERE"
                        " o.modified_ns=(SELECT MAX(modified_ns) FROM intel_objects i WHERE"
                        " i.id=o.id) ORDER BY o.id");
    if (rc != 0)
        return rc;
    membuf body;
    if ((rc = mb_open(&body)) != 0) {
        sqlite3_finalize(q);
        return rc;
    }
    int used[5] = {0, 0, 0, 0, 0}, have[5] = {0, 0, 0, 0, 0};
    size_t n = 0;
    int r;
    while ((r = sqlite3_step(q)) == SQLITE_ROW) {
        const char *id = (const char *)sqlite3_column_text(q, 0);
        const char *type = (const char *)sqlite3_column_text(q, 1);
        int tlp = sqlite3_column_int(q, 2);
        const char *text = (const char *)sqlite3_column_text(q, 3);
        int is_md = strcmp(type, "marking-definition") == 0;
        int eff = tlp < 0 ? (int)o->untagged_tlp : tlp;
        if (!is_md && eff > (int)o->tlp_max) {
            st->withheld++;
            continue;
        }
        for (int t = 0; t < 5; t++) {
            const char *mid = sg17_intel_tlp_marking_id((sg17_intel_tlp)t);
            if (is_md && strcmp(id, mid) == 0)
                have[t] = 1;
            if (!is_md && strstr(text, mid) != NULL)
                used[t] = 1;
        }
        fprintf(body.f, "%s%s", n ? ",\n" : "", text);
        n++;
    }
    sqlite3_finalize(q);
    if (r != SQLITE_DONE) {
        mb_drop(&body);
        return is_err(s, "export");
    }
    /* the TLP 2.0 marking definitions are not predefined by STIX 2.1: ship them */
    for (int t = 0; t < 5; t++) {
        if (!used[t] || have[t])
            continue;
        fprintf(body.f,
                "%s{\"created\":\"2022-10-01T00:00:00.000Z\",\"extensions\":{\"extension-"
                "definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d\":{\"extension_type\":"
                "\"property-extension\",\"tlp_2_0\":\"%s\"}},\"id\":\"%s\",\"name\":\"%s\","
                "\"spec_version\":\"2.1\",\"type\":\"marking-definition\"}",
                n ? ",\n" : "", sg17_intel_tlp_name((sg17_intel_tlp)t),
                sg17_intel_tlp_marking_id((sg17_intel_tlp)t), tlp2_names[t]);
        n++;
    }
    if (fflush(body.f) != 0) {
        mb_drop(&body);
        return SG17_E_NOMEM;
    }
    char uuid[37];
    uuid_of("sg17 intel export bundle", body.p ? body.p : "", uuid);
    membuf out;
    if ((rc = mb_open(&out)) != 0) {
        mb_drop(&body);
        return rc;
    }
    fprintf(out.f, "{\"type\":\"bundle\",\"id\":\"bundle--%s\",\"objects\":[\n%s\n]}\n", uuid,
            body.p ? body.p : "");
    mb_drop(&body);
    st->written = n;
    return mb_commit(&out, o->out);
}

/* ---- the value formats ------------------------------------------------------ */

typedef struct vctx {
    const sg17_intel_export_opts *o;
    sg17_intel_export_stats *st;
    membuf f[8]; /* per format: zeek 1; suricata 7 lists; misp: per TLP event bodies */
    size_t cnt[8];
    membuf hashes;
    int64_t now;
} vctx;

static int has_ctl(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 || *s == 0x7f)
            return 1;
    return 0;
}

static int ip_kind(sg17_intel_kind k)
{
    return k == SG17_INTEL_IPV4 || k == SG17_INTEL_IPV6 || k == SG17_INTEL_GTP_PEER;
}

static int zeek_cb(const sg17_intel_active *a, void *ctx)
{
    vctx *c = ctx;
    const char *type = NULL;
    const char *v = a->canon;
    switch (a->kind) {
    case SG17_INTEL_IPV4:
    case SG17_INTEL_IPV6:
    case SG17_INTEL_GTP_PEER: /* a GTP-C peer is an address: matched like one */
        type = a->op == SG17_INTEL_PREFIX ? "Intel::SUBNET" : "Intel::ADDR";
        break;
    case SG17_INTEL_DOMAIN: type = "Intel::DOMAIN"; break;
    case SG17_INTEL_URL:
        type = "Intel::URL"; /* Zeek's URL indicators carry no scheme */
        if (strncmp(v, "http://", 7) == 0)
            v += 7;
        else if (strncmp(v, "https://", 8) == 0)
            v += 8;
        break;
    case SG17_INTEL_EMAIL: type = "Intel::EMAIL"; break;
    case SG17_INTEL_MD5:
    case SG17_INTEL_SHA1:
    case SG17_INTEL_SHA256:
    case SG17_INTEL_SHA512: type = "Intel::FILE_HASH"; break;
    default: break; /* telecom identifiers: Zeek has no indicator type for them */
    }
    if (type == NULL || (a->op != SG17_INTEL_EXACT && !ip_kind(a->kind)) || has_ctl(v) ||
        (a->sources && has_ctl(a->sources))) {
        c->st->skipped++;
        return 0;
    }
    fprintf(c->f[0].f, "%s\t%s\t%s\tsg17 %s confidence=%d tlp:%s %s\t-\n", v, type,
            a->sources && *a->sources ? a->sources : "-", sg17_intel_kind_name(a->kind),
            a->confidence, sg17_intel_tlp_name(a->tlp), a->indicator);
    c->st->written++;
    return 0;
}

static void b64(FILE *f, const char *s)
{
    static const char al[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    const unsigned char *p = (const unsigned char *)s;
    size_t n = strlen(s);
    for (size_t i = 0; i < n; i += 3) {
        unsigned v = (unsigned)p[i] << 16;
        if (i + 1 < n)
            v |= (unsigned)p[i + 1] << 8;
        if (i + 2 < n)
            v |= p[i + 2];
        fputc(al[(v >> 18) & 63], f);
        fputc(al[(v >> 12) & 63], f);
        fputc(i + 1 < n ? al[(v >> 6) & 63] : '=', f);
        fputc(i + 2 < n ? al[v & 63] : '=', f);
    }
    fputc('\n', f);
}

/* Suricata dataset files: name, dataset type, rule keyword, base64? */
static const struct {
    const char *file, *type, *keyword;
    int base64;
} suri[] = {
    {"ipv4.lst", "ipv4", "ip.dst", 0},          {"ipv6.lst", "ip", "ip.dst", 0},
    {"domain.lst", "string", "dns.query", 1},   {"url.lst", "string", "http.uri", 1},
    {"email.lst", "string", "smtp.rcpt_to", 1}, {"md5.lst", "md5", "file.data", 0},
    {"sha256.lst", "sha256", "file.data", 0},
};

static int suri_cb(const sg17_intel_active *a, void *ctx)
{
    vctx *c = ctx;
    int i = -1;
    if (a->op == SG17_INTEL_EXACT) {
        switch (a->kind) {
        case SG17_INTEL_IPV4: i = 0; break;
        case SG17_INTEL_IPV6: i = 1; break;
        case SG17_INTEL_GTP_PEER: i = strchr(a->canon, ':') ? 1 : 0; break;
        case SG17_INTEL_DOMAIN: i = 2; break;
        case SG17_INTEL_URL: i = 3; break;
        case SG17_INTEL_EMAIL: i = 4; break;
        case SG17_INTEL_MD5: i = 5; break;
        case SG17_INTEL_SHA256: i = 6; break;
        default: break;
        }
    }
    if (i < 0) { /* CIDR, ranges, SHA-1/512, telecom: no dataset type holds them */
        c->st->skipped++;
        return 0;
    }
    if (suri[i].base64)
        b64(c->f[i].f, a->canon);
    else
        fprintf(c->f[i].f, "%s\n", a->canon);
    c->cnt[i]++;
    c->st->written++;
    return 0;
}

/* MISP attribute type and category of a value, or NULL. */
static const char *misp_type(const sg17_intel_active *a, const char **category)
{
    *category = "Network activity";
    if (a->op != SG17_INTEL_EXACT &&
        !(a->op == SG17_INTEL_PREFIX && (a->kind == SG17_INTEL_IPV4 || a->kind == SG17_INTEL_IPV6)))
        return NULL;
    switch (a->kind) {
    case SG17_INTEL_IPV4:
    case SG17_INTEL_IPV6: return "ip-dst";
    case SG17_INTEL_DOMAIN: return "domain";
    case SG17_INTEL_URL: return "url";
    case SG17_INTEL_EMAIL: *category = "Payload delivery"; return "email-src";
    case SG17_INTEL_MD5: *category = "Payload delivery"; return "md5";
    case SG17_INTEL_SHA1: *category = "Payload delivery"; return "sha1";
    case SG17_INTEL_SHA256: *category = "Payload delivery"; return "sha256";
    case SG17_INTEL_SHA512: *category = "Payload delivery"; return "sha512";
    case SG17_INTEL_MSISDN: *category = "Other"; return "phone-number";
    default: return NULL;
    }
}

static const char *const misp_tags[] = {"tlp:clear", "tlp:green", "tlp:amber", "tlp:amber+strict",
                                        "tlp:red"};

/* MD5 of the attribute value for hashes.csv, as MISP's feed format defines it.
 * MD5 is MISP's choice of lookup key, not a security function. */
static void md5_hex(const char *v, char out[33])
{
    uint8_t h[EVP_MAX_MD_SIZE];
    unsigned hl = 0;
    static const char hx[] = "0123456789abcdef";
    if (EVP_Digest(v, strlen(v), h, &hl, EVP_md5(), NULL) != 1 || hl != 16) {
        memset(out, '0', 32);
        out[32] = '\0';
        return;
    }
    for (unsigned i = 0; i < 16; i++) {
        out[2 * i] = hx[h[i] >> 4];
        out[2 * i + 1] = hx[h[i] & 15];
    }
    out[32] = '\0';
}

static int misp_cb(const sg17_intel_active *a, void *ctx)
{
    vctx *c = ctx;
    const char *cat;
    const char *type = misp_type(a, &cat);
    if (type == NULL || a->tlp < SG17_INTEL_TLP_CLEAR) {
        c->st->skipped++;
        return 0;
    }
    int t = (int)a->tlp;
    char key[SG17_INTEL_MAX_VALUE + 64], uuid[37], ev[37], md5[33];
    snprintf(key, sizeof key, "%s|%s", sg17_intel_kind_name(a->kind), a->canon);
    uuid_of("sg17 misp attribute", key, uuid);
    uuid_of("sg17 misp event", misp_tags[t], ev);
    json_t *at = json_pack("{s:s, s:s, s:s, s:s, s:b, s:s, s:s, s:s, s:b}", "uuid", uuid, "type",
                           type, "category", cat, "value", a->canon, "to_ids", 1, "distribution",
                           "5", "timestamp", "0", "comment", "", "deleted", 0);
    if (at == NULL)
        return SG17_E_NOMEM;
    char ts[24], comment[600];
    snprintf(ts, sizeof ts, "%lld", (long long)(a->last_seen > 0 ? a->last_seen : c->now));
    snprintf(comment, sizeof comment, "sg17: %s confidence=%d sources=%.400s", a->indicator,
             a->confidence, a->sources ? a->sources : "");
    json_object_set_new(at, "timestamp", json_string(ts));
    json_object_set_new(at, "comment", json_string(comment));
    char *text = json_dumps(at, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(at);
    if (text == NULL)
        return SG17_E_NOMEM;
    fprintf(c->f[t].f, "%s%s", c->cnt[t] ? ",\n" : "", text);
    free(text);
    md5_hex(a->canon, md5);
    fprintf(c->hashes.f, "%s,%s\n", md5, ev);
    c->cnt[t]++;
    c->st->written++;
    return 0;
}

static int misp_finish(vctx *c, const char *dir)
{
    char path[4096], ev[37], date[16], ts[24];
    time_t now = (time_t)c->now;
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(date, sizeof date, "%Y-%m-%d", &tm);
    snprintf(ts, sizeof ts, "%lld", (long long)c->now);
    json_t *manifest = json_object();
    int rc = manifest ? 0 : SG17_E_NOMEM;
    for (int t = 0; t < 5 && rc == 0; t++) {
        if (c->cnt[t] == 0)
            continue;
        uuid_of("sg17 misp event", misp_tags[t], ev);
        char info[64];
        snprintf(info, sizeof info, "sg17 intel export (%s)", misp_tags[t]);
        json_t *head = json_pack("{s:{s:s, s:s}, s:[{s:s}], s:s, s:s, s:s, s:s, s:s}", "Orgc",
                                 "name", "sg17", "uuid", "5b3c6a1e-8c2f-4d1a-9e6b-3f2a1c0d9e8f",
                                 "Tag", "name", misp_tags[t], "info", info, "date", date,
                                 "analysis", "2", "threat_level_id", "4", "timestamp", ts);
        if (head == NULL || json_object_set(manifest, ev, head) != 0) {
            json_decref(head);
            rc = SG17_E_NOMEM;
            break;
        }
        char *h = json_dumps(head, JSON_COMPACT | JSON_SORT_KEYS);
        json_decref(head);
        if (h == NULL || fflush(c->f[t].f) != 0) {
            free(h);
            rc = SG17_E_NOMEM;
            break;
        }
        /* {"Event": head + uuid, published, publish_timestamp, Attribute} */
        membuf e;
        if ((rc = mb_open(&e)) != 0) {
            free(h);
            break;
        }
        h[strlen(h) - 1] = '\0'; /* drop the closing brace to extend the object */
        fprintf(e.f,
                "{\"Event\":%s,\"uuid\":\"%s\",\"published\":true,\"publish_timestamp\":\"%s\","
                "\"distribution\":\"3\",\"Attribute\":[\n%s\n]}}\n",
                h, ev, ts, c->f[t].p ? c->f[t].p : "");
        free(h);
        snprintf(path, sizeof path, "%s/%s.json", dir, ev);
        rc = mb_commit(&e, path);
    }
    char *m = rc == 0 ? json_dumps(manifest, JSON_INDENT(1) | JSON_SORT_KEYS) : NULL;
    json_decref(manifest);
    if (rc == 0 && m == NULL)
        rc = SG17_E_NOMEM;
    if (rc == 0) {
        snprintf(path, sizeof path, "%s/manifest.json", dir);
        rc = sg17_file_write_atomic(path, m, strlen(m), 0644);
    }
    free(m);
    if (rc == 0) {
        snprintf(path, sizeof path, "%s/hashes.csv", dir);
        rc = mb_commit(&c->hashes, path);
    }
    return rc;
}

static int suri_finish(vctx *c, const char *dir)
{
    char path[4096];
    int rc = 0;
    for (int i = 0; i < 7 && rc == 0; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, suri[i].file);
        rc = mb_commit(&c->f[i], path);
    }
    membuf r;
    if (rc != 0 || (rc = mb_open(&r)) != 0)
        return rc;
    fprintf(r.f, "# sg17 intel export: Suricata dataset rules (docs/INTEL-STORE.md)\n");
    for (int i = 0; i < 7; i++) {
        const char *name = suri[i].file;
        fprintf(r.f,
                "alert %s any any -> any any (msg:\"sg17 intel %.*s\"; %s; "
                "dataset:isset,sg17-%.*s,type %s,load %s; sid:%d; rev:1;)\n",
                i < 2 ? "ip" : (i == 2 ? "dns" : (i == 3 ? "http" : (i == 4 ? "smtp" : "file"))),
                (int)(strlen(name) - 4), name, suri[i].keyword, (int)(strlen(name) - 4), name,
                suri[i].type, name, 1717000 + i);
    }
    snprintf(path, sizeof path, "%s/sg17-datasets.rules", dir);
    return mb_commit(&r, path);
}

static int count_cb(const sg17_intel_active *a, void *ctx)
{
    (void)a;
    (*(size_t *)ctx)++;
    return 0;
}

int sg17_intel_store_export(sg17_intel_store *s, const sg17_intel_export_opts *o,
                            sg17_intel_export_stats *st)
{
    sg17_intel_export_stats dummy;
    if (st == NULL)
        st = &dummy;
    memset(st, 0, sizeof *st);
    if (s == NULL || o == NULL || o->out == NULL)
        return SG17_E_INVAL;
    sg17_intel_export_opts eo = *o;
    if (eo.tlp_max == SG17_INTEL_TLP_NONE)
        eo.tlp_max = SG17_INTEL_TLP_GREEN;
    if (eo.untagged_tlp == SG17_INTEL_TLP_NONE)
        eo.untagged_tlp = SG17_INTEL_TLP_AMBER;
    if (eo.now == 0)
        eo.now = (int64_t)time(NULL);
    if (eo.format == SG17_INTEL_EXPORT_STIX)
        return export_stix(s, &eo, st);
    if (eo.format != SG17_INTEL_EXPORT_ZEEK && eo.format != SG17_INTEL_EXPORT_SURICATA &&
        eo.format != SG17_INTEL_EXPORT_MISP)
        return SG17_E_INVAL;
    if (eo.format != SG17_INTEL_EXPORT_ZEEK && mkdir(eo.out, 0755) != 0) {
        struct stat sb;
        if (stat(eo.out, &sb) != 0 || !S_ISDIR(sb.st_mode)) {
            snprintf(s->err, sizeof s->err, "%s: cannot create directory", eo.out);
            return SG17_E_IO;
        }
    }
    vctx c;
    memset(&c, 0, sizeof c);
    c.o = &eo;
    c.st = st;
    c.now = eo.now;
    int rc = 0;
    for (int i = 0; i < 8 && rc == 0; i++)
        rc = mb_open(&c.f[i]);
    if (rc == 0)
        rc = mb_open(&c.hashes);
    int (*cb)(const sg17_intel_active *, void *) =
        eo.format == SG17_INTEL_EXPORT_ZEEK
            ? zeek_cb
            : (eo.format == SG17_INTEL_EXPORT_MISP ? misp_cb : suri_cb);
    if (rc == 0 && eo.format == SG17_INTEL_EXPORT_ZEEK)
        fprintf(c.f[0].f, "#fields\tindicator\tindicator_type\tmeta.source\tmeta.desc\t"
                          "meta.url\n");
    /* withheld: values active at any TLP minus those allowed at tlp_max */
    size_t all = 0;
    if (rc == 0)
        rc = sg17_intel_store_foreach_active(s, eo.now, SG17_INTEL_TLP_RED, eo.untagged_tlp,
                                             count_cb, &all);
    if (rc == 0)
        rc = sg17_intel_store_foreach_active(s, eo.now, eo.tlp_max, eo.untagged_tlp, cb, &c);
    if (rc == 0 && eo.format == SG17_INTEL_EXPORT_ZEEK)
        rc = mb_commit(&c.f[0], eo.out);
    else if (rc == 0 && eo.format == SG17_INTEL_EXPORT_SURICATA)
        rc = suri_finish(&c, eo.out);
    else if (rc == 0)
        rc = misp_finish(&c, eo.out);
    size_t allowed = st->written + st->skipped;
    st->withheld = all > allowed ? all - allowed : 0;
    for (int i = 0; i < 8; i++)
        mb_drop(&c.f[i]);
    mb_drop(&c.hashes);
    return rc;
}
