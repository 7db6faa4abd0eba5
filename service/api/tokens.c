/*
 * tokens.c: POST/GET/DELETE /v1/tokens. The secret is shown once, in the
 * creation reply; only its SHA-256 is stored.
 */
#include "api/api.h"

#include "crypto/token.h"
#include "db/sql.h"
#include "http/auth.h"
#include "http/jspec.h"
#include "http/query.h"
#include "http/reply.h"
#include "http/token_cache.h"

#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    char name[NAME_MAX_BYTES];
    char role[16];
    char region_code[CODE_MAX_BYTES];
    bool has_region;
} token_req;

static const jspec token_spec[] = {
    {"name", JS_STRING, true, offsetof(token_req, name), NAME_MAX_BYTES, 1, 100,
     JSPEC_NO_FLAG},
    {"role", JS_STRING, true, offsetof(token_req, role), 16, 1, 15,
     JSPEC_NO_FLAG},
    {"region_code", JS_STRING, false, offsetof(token_req, region_code),
     CODE_MAX_BYTES, 1, 20, offsetof(token_req, has_region)},
    JSPEC_END,
};

static json_t *token_json(const db_token *t)
{
    return json_pack("{s:I,s:s,s:s,s:s?,s:s,s:s,s:s?}", "id", (json_int_t)t->id,
                     "name", t->name, "role", t->role, "region_code",
                     t->region_code[0] ? t->region_code : NULL, "last4",
                     t->last4, "created_at", t->created_at, "revoked_at",
                     t->revoked_at[0] ? t->revoked_at : NULL);
}

/* The region a new token is scoped to must exist and be within the
 * creator's own scope. */
static outcome region_or_reply(request *rq, const token_req *in)
{
    db_region region;
    if (!in->has_region) {
        if (strcmp(in->role, "admin") != 0 || rq->who.region[0]) {
            reply_error(rq, 422, "validation_failed", "region_code",
                        "is required for this role");
            return OUT_REPLIED;
        }
        return OUT_CONTINUE;
    }
    db_status st = db_region_get(rq->db, in->region_code, &region);
    if (st == DB_NOT_FOUND) {
        reply_error(rq, 422, "validation_failed", "region_code",
                    "unknown region %s", in->region_code);
        return OUT_REPLIED;
    }
    if (st != DB_OK) {
        reply_db_error(rq, st);
        return OUT_REPLIED;
    }
    return auth_check_or_reply(rq, &region);
}

void handle_token_create(request *rq)
{
    token_req in = {0};
    if (jspec_parse_or_reply(rq, rq->json, "", token_spec, &in) != OUT_CONTINUE)
        return;
    if (!role_from_name(in.role)) {
        reply_error(rq, 422, "validation_failed", "role",
                    "must be admin, county, township, collector, tax or "
                    "dashboard");
        return;
    }
    if (region_or_reply(rq, &in) != OUT_CONTINUE)
        return;
    char secret[TOKEN_SECRET_BYTES], hash[65];
    if (!token_generate(secret)) {
        reply_error(rq, 500, "internal", NULL, "no randomness available");
        return;
    }
    token_sha256_hex(secret, strlen(secret), hash);
    db_token t;
    db_status st = db_token_insert(rq->db, in.name, in.role,
                                   in.has_region ? in.region_code : NULL, hash,
                                   secret + strlen(secret) - 4, &t);
    if (st != DB_OK) {
        reply_db_error(rq, st);
        return;
    }
    json_t *body = token_json(&t);
    json_object_set_new(body, "token", json_string(secret));
    reply_json(rq, 201, body);
    char loc[64];
    snprintf(loc, sizeof loc, "/v1/tokens/%" PRId64, t.id);
    reply_add_header(rq, MHD_HTTP_HEADER_LOCATION, loc);
}

void handle_token_list(request *rq)
{
    int64_t limit, after;
    if (query_int_or_reply(rq, "limit", 100, 1, 500, &limit) != OUT_CONTINUE ||
        query_int_or_reply(rq, "cursor", 0, 0, INT64_MAX, &after) !=
            OUT_CONTINUE)
        return;
    db_token *rows = calloc((size_t)limit, sizeof *rows);
    int n = 0;
    db_status st =
        rows ? db_token_list(rq->db, after, (int)limit, rows, &n) : DB_ERROR;
    if (st != DB_OK) {
        free(rows);
        reply_db_error(rq, st);
        return;
    }
    json_t *items = json_array();
    for (int i = 0; i < n; i++)
        json_array_append_new(items, token_json(&rows[i]));
    char cursor[24] = "";
    if (n == limit)
        snprintf(cursor, sizeof cursor, "%" PRId64, rows[n - 1].id);
    free(rows);
    reply_json(rq, 200,
               json_pack("{s:o,s:s?}", "items", items, "next_cursor",
                         cursor[0] ? cursor : NULL));
}

void handle_token_get(request *rq)
{
    int64_t id;
    if (path_int_or_reply(rq, 0, "id", 1, INT64_MAX, &id) != OUT_CONTINUE)
        return;
    db_token t;
    db_status st = db_token_get(rq->db, id, &t);
    if (st == DB_NOT_FOUND)
        reply_not_found(rq, "token");
    else if (st != DB_OK)
        reply_db_error(rq, st);
    else
        reply_json(rq, 200, token_json(&t));
}

void handle_token_delete(request *rq)
{
    int64_t id;
    if (path_int_or_reply(rq, 0, "id", 1, INT64_MAX, &id) != OUT_CONTINUE)
        return;
    db_status st = db_token_revoke(rq->db, id);
    if (st == DB_OK)
        token_cache_clear(); /* revoked here: refused from now on */
    if (st == DB_NOT_FOUND)
        reply_not_found(rq, "active token");
    else if (st != DB_OK)
        reply_db_error(rq, st);
    else
        reply_empty(rq, 204);
}

/* GET /v1/whoami: the calling token's role, region and name, for pages
 * that default to the caller's own region. Any role. */
void handle_whoami(request *rq)
{
    const char *name = "ADMIN_TOKEN"; /* the bootstrap token has no row */
    db_token t;
    if (rq->who.token_id > 0) {
        db_status st = db_token_get(rq->db, rq->who.token_id, &t);
        if (st != DB_OK) {
            reply_db_error(rq, st == DB_NOT_FOUND ? DB_ERROR : st);
            return;
        }
        name = t.name;
    }
    /* home: the token's region, or for a token without one (admin) the
     * county when the database holds exactly one */
    db_region region = {0};
    bool found = false;
    db_status st = rq->who.region[0]
                       ? db_region_get(rq->db, rq->who.region, &region)
                       : db_region_only_top(rq->db, &region, &found);
    if (st != DB_OK && st != DB_NOT_FOUND) {
        reply_db_error(rq, st);
        return;
    }
    bool own = rq->who.region[0] != '\0';
    reply_json(
        rq, 200,
        json_pack("{s:s,s:s?,s:s?,s:s?,s:s}", "role", role_name(rq->who.role),
                  "region_code", own ? rq->who.region : NULL, "region_name",
                  own && region.name[0] ? region.name : NULL, "home_region",
                  own     ? rq->who.region
                  : found ? region.code
                          : NULL,
                  "name", name));
}
