/*
 * routes.c: the whole API at a glance: method, path, handler, the roles
 * that may call it, the body it takes, and whether it needs the database.
 */
#include "api/api.h"
#include "http/router.h"

#define ADMIN ROLE_ADMIN
#define CONFIG (ROLE_ADMIN | ROLE_COUNTY)
#define ANYONE ROLES_ANY
#define PUBLIC 0

const route api_routes[] = {
    /* operations */
    {"GET", "/healthz", handle_healthz, PUBLIC, BODY_NONE, false},
    {"GET", "/readyz", handle_readyz, PUBLIC, BODY_NONE, true},
    {"GET", "/metrics", handle_metrics, PUBLIC, BODY_NONE, false},
    /* tokens */
    {"POST", "/v1/tokens", handle_token_create, ADMIN, BODY_JSON, true},
    {"GET", "/v1/tokens", handle_token_list, ADMIN, BODY_NONE, true},
    {"GET", "/v1/tokens/{id}", handle_token_get, ADMIN, BODY_NONE, true},
    {"DELETE", "/v1/tokens/{id}", handle_token_delete, ADMIN, BODY_NONE, true},
    /* reference data */
    {"POST", "/v1/regions/import", handle_regions_import, CONFIG, BODY_CSV,
     true},
    {"GET", "/v1/regions/{code}", handle_region_get, ANYONE, BODY_NONE, true},
    {"GET", "/v1/categories", handle_category_list, ANYONE, BODY_NONE, true},
    {"PUT", "/v1/categories/{code}", handle_category_put, CONFIG, BODY_JSON,
     true},
    {"GET", "/v1/categories/{code}", handle_category_get, ANYONE, BODY_NONE,
     true},
    {"PUT", "/v1/years/{year}", handle_year_put, CONFIG, BODY_JSON, true},
    {"GET", "/v1/years/{year}", handle_year_get, ANYONE, BODY_NONE, true},
    {NULL, NULL, NULL, 0, BODY_NONE, false},
};

int api_route_count(void)
{
    int n = 0;
    while (api_routes[n].method)
        n++;
    return n;
}
