/*
 * households.c: POST/GET /v1/households, members added and removed.
 * One person belongs to one household: registering an ID that another
 * household holds is 409 naming that household.
 */
#include "api/api.h"
#include "domain/document.h"

#include "api/people.h"
#include "domain/region.h"
#include "http/auth.h"
#include "http/jspec.h"
#include "http/query.h"
#include "http/reply.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { MAX_MEMBERS = 50 };

typedef struct {
    char household_no[HOUSEHOLD_NO_BYTES];
    char region_code[CODE_MAX_BYTES];
    char attribute[SHORT_TEXT_BYTES];
} household_fields;

static const jspec household_spec[] = {
    {"household_no", JS_STRING, true, offsetof(household_fields, household_no),
     HOUSEHOLD_NO_BYTES, 1, 40, JSPEC_NO_FLAG},
    {"region_code", JS_STRING, true, offsetof(household_fields, region_code),
     CODE_MAX_BYTES, 1, 20, JSPEC_NO_FLAG},
    {"attribute", JS_STRING, false, offsetof(household_fields, attribute),
     SHORT_TEXT_BYTES, 0, 50, JSPEC_NO_FLAG},
    JSPEC_END,
};

typedef struct {
    request *rq;
    household_fields h;
    member_in *members; /* owned */
    size_t n;
} create_ctx;

/* Replies 409 naming the household that already holds the person. */
static void already_registered(request *rq, const char *field, const char *id)
{
    db_resident other;
    if (db_resident_get(rq->db, id, &other) == DB_OK)
        reply_error(rq, 409, "conflict", field,
                    "already registered in household %s", other.household_no);
    else
        reply_error(rq, 409, "conflict", field, "already registered");
}

/* Inserts one member and their categories inside the transaction. */
static db_status insert_member(request *rq, member_in *m, const char *no,
                               const char *prefix)
{
    char field[64];
    snprintf(m->r.household_no, sizeof m->r.household_no, "%s", no);
    db_status st = db_resident_insert(rq->db, &m->r);
    if (st == DB_CONFLICT) {
        snprintf(field, sizeof field, "%s%sid_number", prefix,
                 *prefix ? "." : "");
        already_registered(rq, field, m->r.id_number);
        return DB_CONFLICT;
    }
    if (st == DB_OK &&
        hold_categories_or_reply(rq, prefix, m, false) != OUT_CONTINUE)
        return DB_CHECK; /* replied */
    return st;
}

static db_status create_tx(db_conn *c, void *cls)
{
    create_ctx *x = cls;
    db_status st = db_household_insert(c, x->h.household_no, x->h.region_code,
                                       x->h.attribute);
    if (st == DB_CONFLICT) {
        reply_error(x->rq, 409, "conflict", "household_no",
                    "household %s exists", x->h.household_no);
        return st;
    }
    for (size_t i = 0; st == DB_OK && i < x->n; i++) {
        char prefix[48];
        snprintf(prefix, sizeof prefix, "members[%zu]", i);
        st = insert_member(x->rq, &x->members[i], x->h.household_no, prefix);
    }
    return st;
}

/* The household's region must exist, be a village or group, and be in the
 * caller's scope. */
static outcome region_or_reply(request *rq, const char *code, db_region *out)
{
    db_status st = db_region_get(rq->db, code, out);
    if (st == DB_NOT_FOUND || (st == DB_OK && out->level < LEVEL_VILLAGE)) {
        reply_error(rq, 422, "validation_failed", "region_code",
                    "must be an existing village or group");
        return OUT_REPLIED;
    }
    if (st != DB_OK) {
        reply_db_error(rq, st);
        return OUT_REPLIED;
    }
    return auth_check_or_reply(rq, out);
}

static outcome members_or_reply(request *rq, json_t *arr, create_ctx *x)
{
    if (!arr || json_is_null(arr))
        return OUT_CONTINUE;
    if (jspec_array_or_reply(rq, arr, "members", 0, MAX_MEMBERS) !=
        OUT_CONTINUE)
        return OUT_REPLIED;
    x->members = calloc(json_array_size(arr) + 1, sizeof *x->members);
    size_t i;
    json_t *v;
    json_array_foreach (arr, i, v) {
        char prefix[48];
        snprintf(prefix, sizeof prefix, "members[%zu]", i);
        if (member_or_reply(rq, v, prefix, false, &x->members[i]) !=
            OUT_CONTINUE)
            return OUT_REPLIED;
        for (size_t k = 0; k < i; k++)
            if (!strcmp(x->members[k].r.id_number, x->members[i].r.id_number)) {
                snprintf(prefix, sizeof prefix, "members[%zu].id_number", i);
                reply_error(rq, 422, "validation_failed", prefix,
                            "the same person is listed twice");
                return OUT_REPLIED;
            }
        x->n = i + 1;
    }
    return OUT_CONTINUE;
}

static void add_member_json(void *cls, const db_resident *r);

typedef struct {
    json_t *members;
    bool reveal;
    json_t *held; /* id_number → [categories] */
} members_ctx;

static void add_held(void *cls, const char *id, const db_held_category *h)
{
    json_t *by_id = cls, *list = json_object_get(by_id, id);
    if (!list) {
        list = json_array();
        json_object_set_new(by_id, id, list);
    }
    json_array_append_new(list, held_json(h));
}

static void add_member_json(void *cls, const db_resident *r)
{
    members_ctx *m = cls;
    json_t *j = resident_json(r, m->reveal);
    json_t *held = json_object_get(m->held, r->id_number);
    json_object_set_new(j, "categories",
                        held ? json_incref(held) : json_array());
    json_array_append_new(m->members, j);
}

/* Replies with the household, its members and their categories. */
static void reply_household(request *rq, unsigned status, const char *no)
{
    db_household h;
    db_status st = db_household_get(rq->db, no, &h);
    if (st == DB_NOT_FOUND) {
        reply_not_found(rq, "household");
        return;
    }
    if (st != DB_OK) {
        reply_db_error(rq, st);
        return;
    }
    if (auth_check_or_reply(rq, &h.region) != OUT_CONTINUE)
        return;
    members_ctx m = {json_array(), reveals_personal_data(rq), json_object()};
    st = db_categories_of_household(rq->db, no, add_held, m.held);
    if (st == DB_OK)
        st = db_household_members(rq->db, no, add_member_json, &m);
    json_decref(m.held);
    if (st != DB_OK) {
        json_decref(m.members);
        reply_db_error(rq, st);
        return;
    }
    reply_json(rq, status,
               json_pack("{s:s,s:s,s:s,s:s?,s:s,s:o}", "household_no",
                         h.household_no, "region_code", h.region.code,
                         "region_name", h.region.name, "attribute",
                         h.attribute[0] ? h.attribute : NULL, "created_at",
                         h.created_at, "members", m.members));
}

static outcome household_no_or_reply(request *rq, const char *no)
{
    const char *why = household_no_problem(no);
    if (why) {
        reply_error(rq, 422, "validation_failed", "household_no", "%s", why);
        return OUT_REPLIED;
    }
    return OUT_CONTINUE;
}

void handle_household_create(request *rq)
{
    create_ctx x = {.rq = rq};
    db_region region;
    if (jspec_parse_or_reply(rq, rq->json, "", household_spec, &x.h) !=
            OUT_CONTINUE ||
        household_no_or_reply(rq, x.h.household_no) != OUT_CONTINUE ||
        members_or_reply(rq, json_object_get(rq->json, "members"), &x) !=
            OUT_CONTINUE ||
        region_or_reply(rq, x.h.region_code, &region) != OUT_CONTINUE)
        goto out;
    db_status st = db_run_tx(rq->db, "READ COMMITTED", create_tx, &x);
    if (rq->response)
        goto out;
    if (st != DB_OK) {
        reply_db_error(rq, st);
        goto out;
    }
    reply_household(rq, 201, x.h.household_no);
    char loc[96];
    snprintf(loc, sizeof loc, "/v1/households/%s", x.h.household_no);
    reply_add_header(rq, MHD_HTTP_HEADER_LOCATION, loc);
out:
    free(x.members);
}

void handle_household_get(request *rq)
{
    reply_household(rq, 200, rq->params[0]);
}

typedef struct {
    json_t *items;
    char last[HOUSEHOLD_NO_BYTES];
    int n;
} list_ctx;

static void add_household(void *cls, const db_household *h)
{
    list_ctx *l = cls;
    json_array_append_new(
        l->items,
        json_pack("{s:s,s:s,s:s,s:s?,s:i,s:s}", "household_no", h->household_no,
                  "region_code", h->region.code, "region_name", h->region.name,
                  "attribute", h->attribute[0] ? h->attribute : NULL,
                  "member_count", (int)h->member_count, "created_at",
                  h->created_at));
    snprintf(l->last, sizeof l->last, "%s", h->household_no);
    l->n++;
}

void handle_household_list(request *rq)
{
    db_region region;
    int64_t limit;
    if (list_region_or_reply(rq, &region) != OUT_CONTINUE ||
        query_int_or_reply(rq, "limit", 100, 1, 1000, &limit) != OUT_CONTINUE)
        return;
    const char *cursor = request_query(rq, "cursor");
    list_ctx l = {.items = json_array()};
    db_status st = db_household_list(rq->db, region.code, cursor ? cursor : "",
                                     (int)limit, add_household, &l);
    if (st != DB_OK) {
        json_decref(l.items);
        reply_db_error(rq, st);
        return;
    }
    reply_json(rq, 200,
               json_pack("{s:o,s:s?}", "items", l.items, "next_cursor",
                         l.n == limit ? l.last : NULL));
}

/* The household in the path, which must exist and be in scope. */
static outcome household_or_reply(request *rq, db_household *h)
{
    db_status st = db_household_get(rq->db, rq->params[0], h);
    if (st == DB_NOT_FOUND) {
        reply_not_found(rq, "household");
        return OUT_REPLIED;
    }
    if (st != DB_OK) {
        reply_db_error(rq, st);
        return OUT_REPLIED;
    }
    return auth_check_or_reply(rq, &h->region);
}

typedef struct {
    request *rq;
    member_in m;
} add_ctx;

static db_status add_tx(db_conn *c, void *cls)
{
    (void)c;
    add_ctx *x = cls;
    return insert_member(x->rq, &x->m, x->rq->params[0], "");
}

void handle_household_add_member(request *rq)
{
    db_household h;
    add_ctx x = {.rq = rq};
    if (household_or_reply(rq, &h) != OUT_CONTINUE ||
        member_or_reply(rq, rq->json, "", false, &x.m) != OUT_CONTINUE)
        return;
    db_status st = db_run_tx(rq->db, "READ COMMITTED", add_tx, &x);
    if (rq->response)
        return;
    if (st != DB_OK) {
        reply_db_error(rq, st);
        return;
    }
    db_resident r;
    st = db_resident_get(rq->db, x.m.r.id_number, &r);
    if (st != DB_OK) {
        reply_db_error(rq, st);
        return;
    }
    reply_json(rq, 201, resident_json(&r, reveals_personal_data(rq)));
    char loc[96];
    snprintf(loc, sizeof loc, "/v1/residents/%s", r.id_number);
    reply_add_header(rq, MHD_HTTP_HEADER_LOCATION, loc);
}

static bool removal_reason_valid(const char *r)
{
    static const char *ok[] = {"deceased", "moved_away", "duplicate", "other"};
    for (size_t i = 0; i < 4; i++)
        if (!strcmp(r, ok[i]))
            return true;
    return false;
}

typedef struct {
    const char *id, *household, *reason;
} remove_ctx;

static db_status remove_tx(db_conn *c, void *cls)
{
    remove_ctx *x = cls;
    return db_resident_remove(c, x->id, x->household, x->reason);
}

void handle_household_remove_member(request *rq)
{
    db_household h;
    const char *reason = request_query(rq, "reason");
    if (!reason)
        reason = "other";
    if (!removal_reason_valid(reason)) {
        reply_error(rq, 422, "validation_failed", "reason",
                    "must be deceased, moved_away, duplicate or other");
        return;
    }
    if (household_or_reply(rq, &h) != OUT_CONTINUE)
        return;
    for (char *c = rq->params[1]; *c; c++) /* a final x is an X */
        if (*c >= 'a' && *c <= 'z')
            *c = (char)(*c - 'a' + 'A');
    remove_ctx x = {rq->params[1], rq->params[0], reason};
    db_status st = db_run_tx(rq->db, "READ COMMITTED", remove_tx, &x);
    if (st == DB_NOT_FOUND)
        reply_not_found(rq, "member of this household");
    else if (st != DB_OK)
        reply_db_error(rq, st);
    else
        reply_empty(rq, 204);
}
