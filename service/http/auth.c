/*
 * auth.c: bearer-token authentication and the access check.
 *
 * The ADMIN_TOKEN from the environment is compared by hash in constant
 * time; other tokens are looked up by the SHA-256 of their secret.
 */
#include "http/auth.h"

#include "app.h"
#include "crypto/token.h"
#include "http/reply.h"
#include "http/token_cache.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

static outcome unauthorized(request *rq, const char *why)
{
    reply_error(rq, 401, "unauthorized", NULL, "%s", why);
    reply_add_header(rq, MHD_HTTP_HEADER_WWW_AUTHENTICATE,
                     "Bearer realm=\"medins\"");
    return OUT_REPLIED;
}

outcome auth_authenticate_or_reply(request *rq)
{
    const char *h = request_header(rq, MHD_HTTP_HEADER_AUTHORIZATION);
    if (!h)
        return unauthorized(rq, "missing bearer token");
    if (strncasecmp(h, "Bearer ", 7) != 0 || !h[7] || strlen(h) > 512)
        return unauthorized(rq, "malformed authorization header");
    const char *secret = h + 7;
    char hash[65];
    token_sha256_hex(secret, strlen(secret), hash);
    if (token_equal(hash, rq->app->admin_sha256, 64)) {
        rq->who = (principal){.token_id = 0, .role = ROLE_ADMIN};
        return OUT_CONTINUE;
    }
    if (token_cache_get(hash, &rq->who))
        return OUT_CONTINUE;
    if (!rq->db)
        return unauthorized(rq, "invalid or revoked token");
    db_token t;
    db_status st = db_token_find_active(rq->db, hash, &t);
    if (st == DB_NOT_FOUND)
        return unauthorized(rq, "invalid or revoked token");
    if (st != DB_OK) {
        reply_db_error(rq, st);
        return OUT_REPLIED;
    }
    rq->who.token_id = t.id;
    rq->who.role = role_from_name(t.role);
    snprintf(rq->who.region, sizeof rq->who.region, "%s", t.region_code);
    token_cache_put(hash, &rq->who);
    return OUT_CONTINUE;
}

outcome auth_check_or_reply(request *rq, const db_region *resource)
{
    access_decision d = access_decide(&rq->who, rq->route->roles,
                                      resource ? resource->path : NULL,
                                      resource ? resource->depth : 0);
    if (d == ACCESS_ALLOW)
        return OUT_CONTINUE;
    if (d == ACCESS_DENY_ROLE)
        reply_error(rq, 403, "forbidden", NULL,
                    "role %s may not use this endpoint",
                    role_name(rq->who.role));
    else
        reply_error(rq, 403, "forbidden", NULL,
                    "region %s is outside this token's scope", resource->code);
    return OUT_REPLIED;
}
