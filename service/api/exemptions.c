/*
 * exemptions.c: 核减 with maker-checker. Township staff propose (POST
 * /v1/residents/{id}/exemptions, or PATCH with "exemption"); a county role
 * other than the proposer approves or rejects. Approved exemptions take the
 * resident out of the year's target and enrolled counts.
 */
#include "api/api.h"

#include "api/people.h"
#include "http/auth.h"
#include "http/jspec.h"
#include "http/query.h"
#include "http/reply.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

json_t *exemption_json(const db_exemption *e, bool reveal)
{
    char id[ID_BYTES];
    if (reveal)
        snprintf(id, sizeof id, "%s", e->id_number);
    else
        mask_id(e->id_number, id, sizeof id);
    json_t *j = json_pack(
        "{s:I,s:s,s:i,s:s,s:s?,s:s?,s:s,s:I,s:s,s:s}", "id", (json_int_t)e->id,
        "id_number", id, "year", e->year, "reason", e->reason, "note",
        e->note[0] ? e->note : NULL, "evidence_ref",
        e->evidence_ref[0] ? e->evidence_ref : NULL, "status", e->status,
        "proposed_by", (json_int_t)e->proposed_by, "proposed_at",
        e->proposed_at, "region_code", e->region.code);
    if (e->decided_at[0])
        json_object_set_new(
            j, "decision",
            json_pack("{s:I,s:s,s:s?}", "by", (json_int_t)e->decided_by, "at",
                      e->decided_at, "note",
                      e->decision_note[0] ? e->decision_note : NULL));
    return j;
}

typedef struct {
    db_exemption in, out;
} propose_ctx;

static db_status propose_tx(db_conn *c, void *cls)
{
    propose_ctx *x = cls;
    return db_exemption_propose(c, &x->in, &x->out);
}

void handle_exemption_propose(request *rq)
{
    char id[ID_BYTES];
    snprintf(id, sizeof id, "%s", rq->params[0]);
    for (char *p = id; *p; p++)
        *p = (char)toupper((unsigned char)*p);
    db_resident r;
    db_status st = db_resident_get(rq->db, id, &r);
    if (st == DB_NOT_FOUND) {
        reply_not_found(rq, "resident");
        return;
    }
    if (st != DB_OK) {
        reply_db_error(rq, st);
        return;
    }
    propose_ctx x;
    if (auth_check_or_reply(rq, &r.region) != OUT_CONTINUE ||
        exemption_in_or_reply(rq, rq->json, "", id, &x.in) != OUT_CONTINUE)
        return;
    st = db_run_tx(rq->db, "READ COMMITTED", propose_tx, &x);
    if (st == DB_CONFLICT) {
        reply_error(rq, 409, "conflict", "year",
                    "an exemption for %d is already open or approved",
                    x.in.year);
        return;
    }
    if (st != DB_OK) {
        reply_db_error(rq, st);
        return;
    }
    reply_json(rq, 201, exemption_json(&x.out, reveals_personal_data(rq)));
    char loc[64];
    snprintf(loc, sizeof loc, "/v1/exemptions/%" PRId64, x.out.id);
    reply_add_header(rq, MHD_HTTP_HEADER_LOCATION, loc);
}

/* The exemption in the path, existing and in scope. */
static outcome exemption_or_reply(request *rq, db_exemption *e)
{
    int64_t id;
    if (path_int_or_reply(rq, 0, "id", 1, INT64_MAX, &id) != OUT_CONTINUE)
        return OUT_REPLIED;
    db_status st = db_exemption_get(rq->db, id, e);
    if (st == DB_NOT_FOUND) {
        reply_not_found(rq, "exemption");
        return OUT_REPLIED;
    }
    if (st != DB_OK) {
        reply_db_error(rq, st);
        return OUT_REPLIED;
    }
    return auth_check_or_reply(rq, &e->region);
}

void handle_exemption_get(request *rq)
{
    db_exemption e;
    if (exemption_or_reply(rq, &e) == OUT_CONTINUE)
        reply_json(rq, 200, exemption_json(&e, reveals_personal_data(rq)));
}

typedef struct {
    char note[2048];
} decision_fields;

static const jspec decision_spec[] = {
    {"note", JS_STRING, false, offsetof(decision_fields, note), 2048, 0, 500,
     JSPEC_NO_FLAG},
    JSPEC_END,
};

typedef struct {
    int64_t id, by;
    const char *status, *note;
    db_exemption out;
} decide_ctx;

static db_status decide_tx(db_conn *c, void *cls)
{
    decide_ctx *x = cls;
    return db_exemption_decide(c, x->id, x->status, x->by, x->note, &x->out);
}

/* Maker-checker: the proposer never decides their own proposal. */
static void decide(request *rq, const char *status)
{
    db_exemption e;
    decision_fields f = {0};
    if (exemption_or_reply(rq, &e) != OUT_CONTINUE)
        return;
    if (rq->json && !json_is_null(rq->json) &&
        jspec_parse_or_reply(rq, rq->json, "", decision_spec, &f) !=
            OUT_CONTINUE)
        return;
    if (e.proposed_by == rq->who.token_id) {
        reply_error(rq, 403, "forbidden", NULL,
                    "the proposer may not decide their own exemption");
        return;
    }
    decide_ctx x = {e.id, rq->who.token_id, status, f.note, {0}};
    db_status st = db_run_tx(rq->db, "READ COMMITTED", decide_tx, &x);
    if (st == DB_NOT_FOUND)
        reply_error(rq, 409, "conflict", "status",
                    "the exemption is %s, not proposed", e.status);
    else if (st != DB_OK)
        reply_db_error(rq, st);
    else
        reply_json(rq, 200, exemption_json(&x.out, reveals_personal_data(rq)));
}

void handle_exemption_approve(request *rq)
{
    decide(rq, "approved");
}

void handle_exemption_reject(request *rq)
{
    decide(rq, "rejected");
}

typedef struct {
    json_t *items;
    int64_t last;
    int n;
} list_ctx;

static void add_item(void *cls, const db_exemption *e)
{
    list_ctx *l = cls;
    json_array_append_new(l->items, exemption_json(e, false)); /* lists mask */
    l->last = e->id;
    l->n++;
}

void handle_exemption_list(request *rq)
{
    db_region region;
    int64_t limit, after, year;
    if (list_region_or_reply(rq, &region) != OUT_CONTINUE ||
        query_int_or_reply(rq, "limit", 100, 1, 1000, &limit) != OUT_CONTINUE ||
        query_int_or_reply(rq, "cursor", 0, 0, INT64_MAX, &after) !=
            OUT_CONTINUE ||
        query_int_or_reply(rq, "year", 0, 0, 2100, &year) != OUT_CONTINUE)
        return;
    const char *status = request_query(rq, "status");
    list_ctx l = {json_array(), 0, 0};
    db_status st = db_exemption_list(rq->db, region.code, status, (int)year,
                                     after, (int)limit, add_item, &l);
    if (st != DB_OK) {
        json_decref(l.items);
        reply_db_error(rq, st);
        return;
    }
    char cursor[24] = "";
    if (l.n == limit)
        snprintf(cursor, sizeof cursor, "%" PRId64, l.last);
    reply_json(rq, 200,
               json_pack("{s:o,s:s?}", "items", l.items, "next_cursor",
                         cursor[0] ? cursor : NULL));
}
