/* Core endpoints of the shell: health, version, and whoami (proves auth). */
#include <jansson.h>

#include "sg17d.h"

/* GET /healthz: 200 when the store answers, 503 otherwise. */
static int h_healthz(sg17d_server *srv, const sg17d_request *req, sg17d_response *resp)
{
    (void)req;
    if (sg17d_store_ping(srv->store) != 0)
        return sg17d_resp_json(resp, 503,
                               json_pack("{s:s, s:s, s:s}", "status", "error", "error",
                                         "store_unavailable", "reason",
                                         "the database did not answer"));
    return sg17d_resp_json(resp, 200, json_pack("{s:s}", "status", "ok"));
}

/* GET /version */
static int h_version(sg17d_server *srv, const sg17d_request *req, sg17d_response *resp)
{
    int schema = 0;
    (void)req;
    if (sg17d_store_schema_version(srv->store, &schema) != 0)
        schema = -1;
    return sg17d_resp_json(resp, 200,
                           json_pack("{s:s, s:s, s:i}", "name", "sg17d", "version", sg17_version(),
                                     "schema", schema));
}

/* GET /v1/whoami (admin), GET /v1/me (any role): the authenticated principal. */
static int h_whoami(sg17d_server *srv, const sg17d_request *req, sg17d_response *resp)
{
    (void)srv;
    return sg17d_resp_json(resp, 200,
                           json_pack("{s:s, s:s}", "principal", req->who->name, "role",
                                     sg17d_role_name(req->who->role)));
}

const sg17d_route sg17d_routes_core[] = {
    {"GET", "/healthz", 0, 0, h_healthz},
    {"GET", "/version", 0, 0, h_version},
    {"GET", "/v1/whoami", 0, SG17D_ROLE_ADMIN, h_whoami},
    /* The same for any role: the dashboard's sign-in check. */
    {"GET", "/v1/me", 0, SG17D_ROLE_ANY, h_whoami},
    {NULL, NULL, 0, 0, NULL},
};
