/*
 * The body of "Add Objects" (TAXII 2.1 5.5): an envelope {"objects": [...]}.
 * Each element is checked on its own so that one bad object becomes a
 * failure in the status resource (4.3.1) instead of refusing the request.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sg17/json.h"
#include "sg17/taxii.h"

static int type_char_ok(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
}

static int hexdig(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* id = type "--" uuid, with the given type. */
static int id_matches_type(const char *id, const char *type)
{
    size_t tl = strlen(type);
    const char *u;
    if (strncmp(id, type, tl) != 0 || id[tl] != '-' || id[tl + 1] != '-')
        return 0;
    u = id + tl + 2;
    if (strlen(u) != 36)
        return 0;
    for (int i = 0; i < 36; i++) {
        if (i == 8 || i == 13 || i == 18 || i == 23) {
            if (u[i] != '-')
                return 0;
        } else if (!hexdig(u[i])) {
            return 0;
        }
    }
    return 1;
}

static int check_item(json_t *o, sg17_taxii_item *it)
{
    const char *type, *id, *ver = NULL, *sv;
    json_t *mod, *cre, *svj;
    size_t tl;

    if (!json_is_object(o)) {
        snprintf(it->message, sizeof it->message, "not a JSON object");
        return 0;
    }
    type = json_string_value(json_object_get(o, "type"));
    id = json_string_value(json_object_get(o, "id"));
    if (id != NULL && strlen(id) < sizeof it->id)
        memcpy(it->id, id, strlen(id) + 1);
    if (type == NULL || (tl = strlen(type)) < 3 || tl > 250) {
        snprintf(it->message, sizeof it->message, "\"type\" is missing or not a STIX type name");
        return 0;
    }
    for (size_t i = 0; i < tl; i++)
        if (!type_char_ok(type[i])) {
            snprintf(it->message, sizeof it->message, "\"type\" is not a STIX type name");
            return 0;
        }
    memcpy(it->type, type, tl + 1);
    if (id == NULL || !id_matches_type(id, type)) {
        snprintf(it->message, sizeof it->message, "\"id\" must be \"%.64s--<uuid>\"", type);
        return 0;
    }
    mod = json_object_get(o, "modified");
    cre = json_object_get(o, "created");
    if (mod != NULL)
        ver = json_string_value(mod);
    else if (cre != NULL)
        ver = json_string_value(cre);
    if ((mod != NULL || cre != NULL) &&
        (ver == NULL || strlen(ver) >= sizeof it->version ||
         sg17_taxii_time_parse(ver, strlen(ver), &it->version_us) != 0)) {
        snprintf(it->message, sizeof it->message, "\"%s\" is not a timestamp",
                 mod != NULL ? "modified" : "created");
        return 0;
    }
    if (cre != NULL && mod != NULL) {
        const char *c = json_string_value(cre);
        int64_t cus;
        if (c == NULL || sg17_taxii_time_parse(c, strlen(c), &cus) != 0 || cus > it->version_us) {
            snprintf(it->message, sizeof it->message,
                     "\"created\" must be a timestamp not after \"modified\"");
            return 0;
        }
    }
    if (ver != NULL)
        memcpy(it->version, ver, strlen(ver) + 1);
    svj = json_object_get(o, "spec_version");
    if (svj != NULL) {
        sv = json_string_value(svj);
        if (sv == NULL || (strcmp(sv, "2.1") != 0 && strcmp(sv, "2.0") != 0)) {
            snprintf(it->message, sizeof it->message, "\"spec_version\" must be 2.0 or 2.1");
            return 0;
        }
        memcpy(it->spec_version, sv, 4);
    } else {
        /* STIX 2.1 requires spec_version on SDOs/SROs; a versioned object without it is 2.0. */
        memcpy(it->spec_version, cre != NULL ? "2.0" : "2.1", 4);
    }
    it->json = json_dumps(o, JSON_COMPACT);
    if (it->json == NULL) {
        snprintf(it->message, sizeof it->message, "out of memory");
        return 0;
    }
    return 1;
}

int sg17_taxii_envelope_parse(const char *body, size_t len, size_t max_objects,
                              sg17_taxii_envelope *out, char *err, size_t err_len)
{
    sg17_json_limits lim = {len + 1, 64, 0};
    sg17_json_error je;
    json_t *root = NULL, *objs;
    size_t n;
    int rc;

    if (body == NULL || out == NULL || err == NULL || err_len == 0)
        return SG17_E_INVAL;
    memset(out, 0, sizeof *out);
    err[0] = '\0';
    memset(&je, 0, sizeof je);
    rc = sg17_json_parse(body, len, &lim, &root, &je);
    if (rc != 0) {
        if (rc == SG17_E_NOMEM)
            return rc;
        snprintf(err, err_len, "the body is not JSON: %s (line %d, column %d)", je.text, je.line,
                 je.column);
        return rc == SG17_E_LIMIT ? SG17_E_LIMIT : SG17_E_FORMAT;
    }
    if (!json_is_object(root)) {
        json_decref(root);
        snprintf(err, err_len, "the body must be a TAXII envelope (a JSON object)");
        return SG17_E_FORMAT;
    }
    objs = json_object_get(root, "objects");
    if (objs != NULL && !json_is_array(objs)) {
        json_decref(root);
        snprintf(err, err_len, "\"objects\" must be an array");
        return SG17_E_FORMAT;
    }
    n = objs ? json_array_size(objs) : 0;
    if (n > max_objects) {
        json_decref(root);
        snprintf(err, err_len, "the envelope holds %zu objects, at most %zu are accepted", n,
                 max_objects);
        return SG17_E_LIMIT;
    }
    if (n > 0) {
        out->items = calloc(n, sizeof *out->items);
        if (out->items == NULL) {
            json_decref(root);
            return SG17_E_NOMEM;
        }
    }
    out->n = n;
    for (size_t i = 0; i < n; i++)
        out->items[i].ok = check_item(json_array_get(objs, i), &out->items[i]);
    json_decref(root);
    return 0;
}

void sg17_taxii_envelope_free(sg17_taxii_envelope *env)
{
    if (env == NULL)
        return;
    for (size_t i = 0; i < env->n; i++)
        free(env->items[i].json);
    free(env->items);
    env->items = NULL;
    env->n = 0;
}
