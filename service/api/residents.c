/*
 * residents.c: GET/PATCH /v1/residents/{id_number}, lists, and moves
 * between households (marriage, split: the history is kept).
 */
#include "api/api.h"

#include "api/people.h"
#include "common/clock.h"
#include "http/auth.h"
#include "http/jspec.h"
#include "http/query.h"
#include "http/reply.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The path's ID, upper-cased (a lower-case final x is the same person). */
static void path_id(request *rq, char out[ID_BYTES])
{
    snprintf(out, ID_BYTES, "%s", rq->params[0]);
    for (char *p = out; *p; p++)
        *p = (char)toupper((unsigned char)*p);
}

/* The resident in the path, which must exist and be in scope. */
static outcome resident_or_reply(request *rq, db_resident *r)
{
    char id[ID_BYTES];
    path_id(rq, id);
    db_status st = db_resident_get(rq->db, id, r);
    if (st == DB_NOT_FOUND) {
        reply_not_found(rq, "resident");
        return OUT_REPLIED;
    }
    if (st != DB_OK) {
        reply_db_error(rq, st);
        return OUT_REPLIED;
    }
    return auth_check_or_reply(rq, &r->region);
}

static void add_held(void *cls, const char *id, const db_held_category *h)
{
    (void)id;
    json_array_append_new(cls, held_json(h));
}

typedef struct {
    json_t *items;
    bool reveal;
} exemptions_ctx;

static void add_exemption(void *cls, const db_exemption *e)
{
    exemptions_ctx *x = cls;
    json_array_append_new(x->items, exemption_json(e, x->reveal));
}

/* Replies with the resident, their categories and exemptions. */
static void reply_resident(request *rq, unsigned status, const char *id)
{
    db_resident r;
    db_status st = db_resident_get(rq->db, id, &r);
    if (st != DB_OK) {
        reply_db_error(rq, st == DB_NOT_FOUND ? DB_ERROR : st);
        return;
    }
    json_t *held = json_array(), *exemptions = json_array();
    st = db_categories_of(rq->db, id, add_held, held);
    if (st == DB_OK)
        st = db_exemptions_of(
            rq->db, id, add_exemption,
            &(exemptions_ctx){exemptions, reveals_personal_data(rq)});
    if (st != DB_OK) {
        json_decref(held);
        json_decref(exemptions);
        reply_db_error(rq, st);
        return;
    }
    json_t *j = resident_json(&r, reveals_personal_data(rq));
    json_object_set_new(j, "categories", held);
    json_object_set_new(j, "exemptions", exemptions);
    reply_json(rq, status, j);
}

void handle_resident_get(request *rq)
{
    db_resident r;
    if (resident_or_reply(rq, &r) == OUT_CONTINUE)
        reply_resident(rq, 200, r.id_number);
}

typedef struct {
    json_t *items;
    char last[ID_BYTES];
    int n;
} list_ctx;

static void add_resident(void *cls, const db_resident *r)
{
    list_ctx *l = cls;
    json_array_append_new(l->items, resident_json(r, false)); /* lists mask */
    snprintf(l->last, sizeof l->last, "%s", r->id_number);
    l->n++;
}

/* Opaque cursors: the hex of the last ID of the previous page. */
static bool cursor_decode(const char *hex, char out[ID_BYTES])
{
    size_t n = hex ? strlen(hex) : 0;
    if (n % 2 || n / 2 >= ID_BYTES)
        return false;
    for (size_t i = 0; i < n / 2; i++) {
        unsigned v;
        if (!isxdigit((unsigned char)hex[2 * i]) ||
            !isxdigit((unsigned char)hex[2 * i + 1]) ||
            sscanf(hex + 2 * i, "%2x", &v) != 1 || v == 0)
            return false;
        out[i] = (char)v;
    }
    out[n / 2] = '\0';
    return true;
}

void handle_resident_list(request *rq)
{
    db_region region;
    int64_t limit;
    if (list_region_or_reply(rq, &region) != OUT_CONTINUE ||
        query_int_or_reply(rq, "limit", 100, 1, 1000, &limit) != OUT_CONTINUE)
        return;
    char after[ID_BYTES] = "";
    const char *cursor = request_query(rq, "cursor");
    if (cursor && !cursor_decode(cursor, after)) {
        reply_error(rq, 400, "validation_failed", "cursor", "invalid cursor");
        return;
    }
    const char *category = request_query(rq, "category");
    const char *removed = request_query(rq, "include_removed");
    list_ctx l = {.items = json_array()};
    db_status st =
        db_resident_list(rq->db, region.code, after, (int)limit, category,
                         removed && !strcmp(removed, "true"), add_resident, &l);
    if (st != DB_OK) {
        json_decref(l.items);
        reply_db_error(rq, st);
        return;
    }
    /* the cursor is the last ID itself: lists are masked, so encode it */
    char cursor_out[2 * ID_BYTES + 1] = "";
    for (size_t i = 0; l.n == limit && l.last[i]; i++)
        snprintf(cursor_out + 2 * i, 3, "%02x", (unsigned char)l.last[i]);
    reply_json(rq, 200,
               json_pack("{s:o,s:s?}", "items", l.items, "next_cursor",
                         cursor_out[0] ? cursor_out : NULL));
}

typedef struct {
    char reason[24];
    char note[512 * 4];
    char evidence_ref[200 * 4];
    int64_t year;
} exemption_fields;

static const jspec exemption_spec[] = {
    {"reason", JS_STRING, true, offsetof(exemption_fields, reason), 24, 1, 20,
     JSPEC_NO_FLAG},
    {"note", JS_STRING, false, offsetof(exemption_fields, note), 512 * 4, 0,
     500, JSPEC_NO_FLAG},
    {"evidence_ref", JS_STRING, false, offsetof(exemption_fields, evidence_ref),
     200 * 4, 0, 200, JSPEC_NO_FLAG},
    {"year", JS_INT, false, offsetof(exemption_fields, year), 0, 2000, 2100,
     JSPEC_NO_FLAG},
    JSPEC_END,
};

outcome exemption_in_or_reply(request *rq, json_t *obj, const char *prefix,
                              const char *id, db_exemption *out)
{
    static const char *reasons[] = {"insured_elsewhere", "employee_insured",
                                    "deceased", "military", "other"};
    /* without a year: the insurance year being collected now (a campaign
     * runs in the autumn before its year) */
    civil_date today = clock_today_shanghai();
    exemption_fields f = {.year =
                              today.month >= 7 ? today.year + 1 : today.year};
    if (jspec_parse_or_reply(rq, obj, prefix, exemption_spec, &f) !=
        OUT_CONTINUE)
        return OUT_REPLIED;
    bool known = false;
    for (size_t i = 0; i < 5; i++)
        known |= !strcmp(f.reason, reasons[i]);
    if (!known) {
        char field[64];
        snprintf(field, sizeof field, "%s%sreason", prefix, *prefix ? "." : "");
        reply_error(rq, 422, "validation_failed", field,
                    "must be insured_elsewhere, employee_insured, deceased, "
                    "military or other");
        return OUT_REPLIED;
    }
    memset(out, 0, sizeof *out);
    snprintf(out->id_number, sizeof out->id_number, "%s", id);
    out->year = (int)f.year;
    snprintf(out->reason, sizeof out->reason, "%s", f.reason);
    snprintf(out->note, sizeof out->note, "%s", f.note);
    snprintf(out->evidence_ref, sizeof out->evidence_ref, "%s", f.evidence_ref);
    out->proposed_by = rq->who.token_id;
    return OUT_CONTINUE;
}

typedef struct {
    request *rq;
    db_resident old;
    member_in m;
    bool new_id, has_exemption;
    db_exemption exemption;
} patch_ctx;

static db_status patch_tx(db_conn *c, void *cls)
{
    patch_ctx *x = cls;
    db_status st = DB_OK;
    if (x->new_id) {
        st = db_resident_change_id(c, x->old.id_number, &x->m.r);
        if (st == DB_CONFLICT) {
            reply_error(x->rq, 409, "conflict", "id_number",
                        "another resident holds this number");
            return st;
        }
    }
    if (st == DB_OK)
        st = db_resident_update(c, &x->m.r);
    if (st == DB_OK && x->m.has_categories &&
        hold_categories_or_reply(x->rq, "", &x->m, true) != OUT_CONTINUE)
        return DB_CHECK; /* replied */
    if (st == DB_OK && x->has_exemption) {
        db_exemption out;
        snprintf(x->exemption.id_number, ID_BYTES, "%s", x->m.r.id_number);
        st = db_exemption_propose(c, &x->exemption, &out);
        if (st == DB_CONFLICT)
            reply_error(x->rq, 409, "conflict", "exemption",
                        "an exemption for %d is already open or approved",
                        x->exemption.year);
    }
    return st;
}

/* A changed number must be a valid document (a newborn's birth
 * certificate replaced by the ID, say). */
static outcome new_identity_or_reply(request *rq, patch_ctx *x)
{
    if (!x->m.r.id_number[0]) {
        snprintf(x->m.r.id_number, ID_BYTES, "%s", x->old.id_number);
        return OUT_CONTINUE;
    }
    if (!x->m.r.doc_type[0])
        snprintf(x->m.r.doc_type, sizeof x->m.r.doc_type, "%s",
                 x->old.doc_type);
    if (identity_or_reply(rq, "id_number", &x->m.r) != OUT_CONTINUE)
        return OUT_REPLIED;
    x->new_id = strcmp(x->m.r.id_number, x->old.id_number) != 0 ||
                strcmp(x->m.r.doc_type, x->old.doc_type) != 0;
    return OUT_CONTINUE;
}

void handle_resident_patch(request *rq)
{
    patch_ctx x = {.rq = rq};
    if (resident_or_reply(rq, &x.old) != OUT_CONTINUE ||
        member_or_reply(rq, rq->json, "", true, &x.m) != OUT_CONTINUE ||
        new_identity_or_reply(rq, &x) != OUT_CONTINUE)
        return;
    json_t *ex = json_object_get(rq->json, "exemption");
    if (ex && !json_is_null(ex)) {
        if (exemption_in_or_reply(rq, ex, "exemption", x.m.r.id_number,
                                  &x.exemption) != OUT_CONTINUE)
            return;
        x.has_exemption = true;
    }
    db_status st = db_run_tx(rq->db, "READ COMMITTED", patch_tx, &x);
    if (rq->response)
        return;
    if (st != DB_OK)
        reply_db_error(rq, st);
    else
        reply_resident(rq, 200, x.m.r.id_number);
}

typedef struct {
    char household_no[HOUSEHOLD_NO_BYTES];
    char reason[16];
    char relation[SHORT_TEXT_BYTES];
    char note[2048];
} move_fields;

static const jspec move_spec[] = {
    {"household_no", JS_STRING, true, offsetof(move_fields, household_no),
     HOUSEHOLD_NO_BYTES, 1, 40, JSPEC_NO_FLAG},
    {"reason", JS_STRING, true, offsetof(move_fields, reason), 16, 1, 15,
     JSPEC_NO_FLAG},
    {"relation", JS_STRING, false, offsetof(move_fields, relation),
     SHORT_TEXT_BYTES, 0, 20, JSPEC_NO_FLAG},
    {"note", JS_STRING, false, offsetof(move_fields, note), 2048, 0, 500,
     JSPEC_NO_FLAG},
    JSPEC_END,
};

typedef struct {
    const db_resident *r;
    const move_fields *f;
    char token[24];
} move_ctx;

static db_status move_tx(db_conn *c, void *cls)
{
    move_ctx *x = cls;
    return db_resident_move(c, x->r->id_number, x->r->household_no,
                            x->f->household_no, x->f->relation, x->f->reason,
                            x->f->note, x->token);
}

/* The target household: existing, in scope, not the current one. */
static outcome target_or_reply(request *rq, const db_resident *r,
                               const move_fields *f)
{
    static const char *reasons[] = {"marriage", "split", "correction", "other"};
    bool known = false;
    for (size_t i = 0; i < 4; i++)
        known |= !strcmp(f->reason, reasons[i]);
    if (!known) {
        reply_error(rq, 422, "validation_failed", "reason",
                    "must be marriage, split, correction or other");
        return OUT_REPLIED;
    }
    if (!strcmp(f->household_no, r->household_no)) {
        reply_error(rq, 422, "validation_failed", "household_no",
                    "the resident is already in this household");
        return OUT_REPLIED;
    }
    db_household h;
    db_status st = db_household_get(rq->db, f->household_no, &h);
    if (st == DB_NOT_FOUND) {
        reply_error(rq, 422, "validation_failed", "household_no",
                    "no such household");
        return OUT_REPLIED;
    }
    if (st != DB_OK) {
        reply_db_error(rq, st);
        return OUT_REPLIED;
    }
    return auth_check_or_reply(rq, &h.region);
}

void handle_resident_move(request *rq)
{
    db_resident r;
    move_fields f = {0};
    if (resident_or_reply(rq, &r) != OUT_CONTINUE ||
        jspec_parse_or_reply(rq, rq->json, "", move_spec, &f) != OUT_CONTINUE ||
        target_or_reply(rq, &r, &f) != OUT_CONTINUE)
        return;
    if (r.removed_at[0]) {
        reply_error(rq, 422, "validation_failed", NULL,
                    "a removed resident cannot move");
        return;
    }
    move_ctx x = {&r, &f, ""};
    snprintf(x.token, sizeof x.token, "%" PRId64, rq->who.token_id);
    db_status st = db_run_tx(rq->db, "READ COMMITTED", move_tx, &x);
    if (st == DB_NOT_FOUND)
        reply_error(rq, 409, "conflict", NULL,
                    "the resident changed household meanwhile; retry");
    else if (st != DB_OK)
        reply_db_error(rq, st);
    else
        reply_resident(rq, 200, r.id_number);
}
