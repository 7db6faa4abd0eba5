/*
 * router.h: matching a method and path against the route table.
 */
#ifndef HTTP_ROUTER_H
#define HTTP_ROUTER_H

#include "common/buf.h"
#include "http/request.h"

/* The table, in api/routes.c, ended by a {NULL} sentinel. */
extern const route api_routes[];
int api_route_count(void);

/* Finds the route for method and path. Fills params with copies of the
 * {x} segments (caller frees each). Returns the index, or -1; on -1 with
 * *allow non-empty, the path exists for other methods (405, Allow header). */
int router_match(const route *table, const char *method, const char *path,
                 char **params, int *nparams, buf *allow);

#endif
