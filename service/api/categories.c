/*
 * categories.c: PUT/GET /v1/categories/{code} and GET /v1/categories.
 */
#include "api/api.h"

#include "db/sql.h"
#include "http/jspec.h"
#include "http/reply.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>

static const jspec category_spec[] = {
    {"name", JS_STRING, true, offsetof(db_category, name), NAME_MAX_BYTES, 1,
     100, JSPEC_NO_FLAG},
    {"department", JS_STRING, false, offsetof(db_category, department),
     NAME_MAX_BYTES, 0, 100, JSPEC_NO_FLAG},
    JSPEC_END,
};

/* ^[a-z][a-z0-9_]{0,31}$ */
static bool category_code_valid(const char *s)
{
    size_t n = strlen(s);
    if (n < 1 || n > 32 || s[0] < 'a' || s[0] > 'z')
        return false;
    for (size_t i = 1; i < n; i++)
        if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') ||
              s[i] == '_'))
            return false;
    return true;
}

static json_t *category_json(const db_category *c)
{
    return json_pack("{s:s,s:s,s:s?,s:s}", "code", c->code, "name", c->name,
                     "department", c->department[0] ? c->department : NULL,
                     "updated_at", c->updated_at);
}

void handle_category_put(request *rq)
{
    db_category in = {0}, out;
    if (!category_code_valid(rq->params[0])) {
        reply_error(rq, 422, "validation_failed", "code",
                    "a category code is a lower-case letter followed by up "
                    "to 31 lower-case letters, digits or underscores");
        return;
    }
    snprintf(in.code, sizeof in.code, "%s", rq->params[0]);
    if (jspec_parse_or_reply(rq, rq->json, "", category_spec, &in) !=
        OUT_CONTINUE)
        return;
    bool created;
    db_status st = db_category_upsert(rq->db, &in, &out, &created);
    if (st != DB_OK) {
        reply_db_error(rq, st);
        return;
    }
    reply_json(rq, created ? 201 : 200, category_json(&out));
    if (created) {
        char loc[80];
        snprintf(loc, sizeof loc, "/v1/categories/%s", out.code);
        reply_add_header(rq, MHD_HTTP_HEADER_LOCATION, loc);
    }
}

void handle_category_get(request *rq)
{
    db_category c;
    db_status st = category_code_valid(rq->params[0])
                       ? db_category_get(rq->db, rq->params[0], &c)
                       : DB_NOT_FOUND;
    if (st == DB_NOT_FOUND)
        reply_not_found(rq, "category");
    else if (st != DB_OK)
        reply_db_error(rq, st);
    else
        reply_json(rq, 200, category_json(&c));
}

static void add_category(void *cls, const db_category *c)
{
    json_array_append_new(cls, category_json(c));
}

void handle_category_list(request *rq)
{
    json_t *items = json_array();
    db_status st = db_category_list(rq->db, add_category, items);
    if (st != DB_OK) {
        json_decref(items);
        reply_db_error(rq, st);
        return;
    }
    reply_json(rq, 200, json_pack("{s:o}", "items", items));
}
