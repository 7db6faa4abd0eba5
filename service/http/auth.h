/*
 * auth.h: bearer tokens to principals, and the access check handlers call.
 */
#ifndef HTTP_AUTH_H
#define HTTP_AUTH_H

#include "db/sql.h"
#include "http/request.h"

/* Sets rq->who from the Authorization header; replies 401 (or 503 when
 * the token store is unreachable) on failure. */
outcome auth_authenticate_or_reply(request *rq);
/* The one access decision for a request: the route's roles and, when the
 * resource lives in a region, that region's path. Replies 403 on denial. */
outcome auth_check_or_reply(request *rq, const db_region *resource);

#endif
