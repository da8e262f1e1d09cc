/*
 * The router: an ordered list of route tables, one per service. A route is
 * (method, exact path or prefix, roles, handler); the first path match with
 * the right method wins. A path that matches only with other methods is a
 * 405 (with Allow), no match at all a 404.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sg17d.h"

/* Services add their table here (routes_<service>.c). */
static const sg17d_route *const route_tables[] = {
    sg17d_routes_core,
    sg17d_routes_consult,
    sg17d_routes_sidf,
    sg17d_routes_assess,
    sg17d_routes_update,
    sg17d_routes_mbr,
    sg17d_routes_taxii,
    sg17d_routes_intel,
};

static int path_matches(const sg17d_route *r, const char *path)
{
    if (r->prefix)
        return strncmp(path, r->path, strlen(r->path)) == 0;
    return strcmp(path, r->path) == 0;
}

static void allow_add(char *allow, size_t cap, const char *method)
{
    size_t n = strlen(allow);
    if (strstr(allow, method) != NULL)
        return;
    snprintf(allow + n, cap - n, "%s%s", n ? ", " : "", method);
}

sg17d_match sg17d_route_find(const char *method, const char *path, const sg17d_route **out,
                             char *allow, size_t allow_cap)
{
    int path_seen = 0;
    const char *want = strcmp(method, "HEAD") == 0 ? "GET" : method;

    *out = NULL;
    if (allow_cap > 0)
        allow[0] = '\0';
    for (size_t t = 0; t < sizeof route_tables / sizeof route_tables[0]; t++) {
        for (const sg17d_route *r = route_tables[t]; r->method != NULL; r++) {
            if (!path_matches(r, path))
                continue;
            if (strcmp(r->method, want) == 0) {
                *out = r;
                if (allow_cap > 0)
                    allow[0] = '\0'; /* Allow belongs on 405 replies only */
                return SG17D_MATCH_OK;
            }
            path_seen = 1;
            if (allow_cap > 0) {
                allow_add(allow, allow_cap, r->method);
                if (strcmp(r->method, "GET") == 0)
                    allow_add(allow, allow_cap, "HEAD");
            }
        }
    }
    return path_seen ? SG17D_MATCH_BAD_METHOD : SG17D_MATCH_NOT_FOUND;
}

int sg17d_resp_json(sg17d_response *resp, unsigned status, void *obj)
{
    json_t *j = obj;
    char *text;
    if (j == NULL)
        return SG17_E_NOMEM;
    text = json_dumps(j, JSON_COMPACT);
    json_decref(j);
    if (text == NULL)
        return SG17_E_NOMEM;
    free(resp->body);
    resp->body = text;
    resp->body_len = strlen(text);
    resp->status = status;
    resp->content_type = "application/json";
    return 0;
}

int sg17d_resp_error(sg17d_response *resp, unsigned status, const char *error, const char *reason)
{
    return sg17d_resp_json(resp, status,
                           json_pack("{s:s, s:s}", "error", error, "reason", reason));
}
