/*
 * Misbehaviour reports (X.1376 detection output, in the spirit of ETSI TS
 * 103 759: every report carries its evidence). A report is JSON:
 *   {"report": {"format": "sg17-mbr-1", "vehicle": V, "generated": UNIX_S,
 *               "alerts": [ <alert objects as emitted by sg17 vehicle detect or
 *                            v2x check, evidence included> ]},
 *    "alg": "ml-dsa-65", "sig": HEX}
 * The signature covers the canonical form of "report" (keys sorted, compact,
 * jansson), with the FIPS 204 context string "sg17-mbr-v1".
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sg17/pqc.h"
#include "sg17/vehicle.h"

#define MBR_CTX        "sg17-mbr-v1"
#define MBR_MAX_ALERTS 100000
#define MBR_MAX_IN     (64u << 20)

static char *canon(const json_t *body)
{
    return json_dumps(body, JSON_SORT_KEYS | JSON_COMPACT);
}

int sg17_vehicle_report_sign(sg17_pqc_key *k, const char *vehicle, const char *alerts, size_t len,
                             char **out)
{
    if (!k || !alerts || !out || len > MBR_MAX_IN)
        return SG17_E_INVAL;
    *out = NULL;
    if (sg17_pqc_key_kind(k) != SG17_PQC_SIG || !sg17_pqc_key_is_private(k))
        return SG17_E_INVAL;
    json_t *arr = json_array(), *body = NULL, *env = NULL;
    char *c = NULL, *hex = NULL;
    uint8_t *sig = NULL;
    size_t sig_len = 0;
    int e = SG17_E_NOMEM;
    if (!arr)
        goto out;
    size_t off = 0, n = 0;
    while (off < len) {
        const char *nl = memchr(alerts + off, '\n', len - off);
        size_t l = nl ? (size_t)(nl - (alerts + off)) : len - off;
        size_t s = off;
        off += l + 1;
        while (l && (alerts[s + l - 1] == '\r' || alerts[s + l - 1] == ' '))
            l--;
        if (l == 0)
            continue;
        json_error_t je;
        json_t *a = json_loadb(alerts + s, l, JSON_REJECT_DUPLICATES, &je);
        if (!a || !json_is_object(a) || ++n > MBR_MAX_ALERTS) {
            json_decref(a);
            e = a ? SG17_E_LIMIT : SG17_E_FORMAT;
            goto out;
        }
        json_array_append_new(arr, a);
    }
    body = json_pack("{s:s, s:s, s:I, s:O}", "format", "sg17-mbr-1", "vehicle",
                     vehicle ? vehicle : "", "generated", (json_int_t)time(NULL), "alerts", arr);
    if (!body || !(c = canon(body)))
        goto out;
    e = sg17_pqc_sign(k, (const uint8_t *)c, strlen(c), (const uint8_t *)MBR_CTX, strlen(MBR_CTX),
                      0, &sig, &sig_len);
    if (e)
        goto out;
    e = SG17_E_NOMEM;
    hex = malloc(2 * sig_len + 1);
    if (!hex)
        goto out;
    for (size_t i = 0; i < sig_len; i++) {
        static const char hx[] = "0123456789abcdef";
        hex[2 * i] = hx[sig[i] >> 4];
        hex[2 * i + 1] = hx[sig[i] & 15];
    }
    hex[2 * sig_len] = 0;
    env = json_pack("{s:O, s:s, s:s}", "report", body, "alg", sg17_pqc_key_alg(k), "sig", hex);
    if (!env)
        goto out;
    *out = json_dumps(env, JSON_SORT_KEYS | JSON_INDENT(1));
    e = *out ? 0 : SG17_E_NOMEM;
out:
    free(c);
    free(hex);
    free(sig);
    json_decref(env);
    json_decref(body);
    json_decref(arr);
    return e;
}

static int unhex(const char *s, size_t n, uint8_t *out)
{
    for (size_t i = 0; i < n; i++) {
        int v = 0;
        for (int j = 0; j < 2; j++) {
            char ch = s[2 * i + (size_t)j];
            int d = ch >= '0' && ch <= '9' ? ch - '0' : ch >= 'a' && ch <= 'f' ? ch - 'a' + 10 : -1;
            if (d < 0)
                return -1;
            v = v << 4 | d;
        }
        out[i] = (uint8_t)v;
    }
    return 0;
}

int sg17_vehicle_report_verify(const sg17_pqc_key *k, const char *report, size_t len,
                               size_t *n_alerts)
{
    if (!k || !report || len > MBR_MAX_IN)
        return SG17_E_INVAL;
    json_error_t je;
    json_t *env = json_loadb(report, len, JSON_REJECT_DUPLICATES, &je);
    json_t *body = env ? json_object_get(env, "report") : NULL;
    json_t *sig = env ? json_object_get(env, "sig") : NULL;
    json_t *alg = env ? json_object_get(env, "alg") : NULL;
    json_t *alerts = body ? json_object_get(body, "alerts") : NULL;
    json_t *fmt = body ? json_object_get(body, "format") : NULL;
    int e = SG17_E_FORMAT;
    char *c = NULL;
    uint8_t *raw = NULL;
    if (!json_is_object(body) || !json_is_string(sig) || !json_is_string(alg) ||
        !json_is_array(alerts) || !json_is_string(fmt) ||
        strcmp(json_string_value(fmt), "sg17-mbr-1") != 0 || json_string_length(sig) % 2 != 0)
        goto out;
    if (strcmp(json_string_value(alg), sg17_pqc_key_alg(k)) != 0) {
        e = SG17_E_VERIFY; /* signed with another algorithm than the key's */
        goto out;
    }
    size_t sl = json_string_length(sig) / 2;
    raw = malloc(sl ? sl : 1);
    e = SG17_E_NOMEM;
    if (!raw || !(c = canon(body)))
        goto out;
    e = SG17_E_FORMAT;
    if (unhex(json_string_value(sig), sl, raw) != 0)
        goto out;
    e = sg17_pqc_verify(k, (const uint8_t *)c, strlen(c), (const uint8_t *)MBR_CTX, strlen(MBR_CTX),
                        raw, sl);
    if (e == 0 && n_alerts)
        *n_alerts = json_array_size(alerts);
out:
    free(c);
    free(raw);
    json_decref(env);
    return e;
}
