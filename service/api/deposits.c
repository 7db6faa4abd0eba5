/*
 * deposits.c: cash collectors. POST /v1/deposits records which cash
 * payments went to the bank and when; GET /v1/deposits/undeposited lists,
 * per collector and village, the cash taken on a day and not deposited by
 * that day's end (当日缴、当日存).
 */
#include "api/api.h"

#include "api/people.h"
#include "domain/timestamp.h"
#include "http/jspec.h"
#include "http/reply.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

enum { MAX_DEPOSIT_PAYMENTS = 500 };

typedef struct {
    char deposited_at[40];
    char bank_ref[72];
} deposit_fields;

static const jspec deposit_spec[] = {
    {"deposited_at", JS_STRING, true, offsetof(deposit_fields, deposited_at),
     40, 20, 35, JSPEC_NO_FLAG},
    {"bank_ref", JS_STRING, true, offsetof(deposit_fields, bank_ref), 72, 1, 64,
     JSPEC_NO_FLAG},
    JSPEC_END,
};

static outcome payment_ids_or_reply(request *rq, json_t *arr, int64_t *ids,
                                    size_t *n)
{
    if (jspec_array_or_reply(rq, arr, "payment_ids", 1, MAX_DEPOSIT_PAYMENTS) !=
        OUT_CONTINUE)
        return OUT_REPLIED;
    size_t i;
    json_t *v;
    json_array_foreach (arr, i, v) {
        if (!json_is_integer(v) || json_integer_value(v) < 1) {
            reply_error(rq, 400, "validation_failed", "payment_ids",
                        "must hold payment ids");
            return OUT_REPLIED;
        }
        ids[i] = json_integer_value(v);
        *n = i + 1;
    }
    return OUT_CONTINUE;
}

static void reply_refused(request *rq, const db_deposit_result *d)
{
    if (!strcmp(d->outcome, "not_yours"))
        reply_error(rq, 403, "forbidden", "payment_ids",
                    "payment %s was taken by another collector", d->detail);
    else if (!strcmp(d->outcome, "already_deposited"))
        reply_error(rq, 409, "conflict", "payment_ids",
                    "payment %s is already deposited", d->detail);
    else if (!strcmp(d->outcome, "not_found"))
        reply_error(rq, 422, "validation_failed", "payment_ids",
                    "payment %s not found", d->detail);
    else
        reply_error(rq, 422, "validation_failed", "payment_ids",
                    "payment %s cannot be deposited: %s", d->detail,
                    d->outcome);
}

void handle_deposit_create(request *rq)
{
    deposit_fields f = {0};
    int64_t ids[MAX_DEPOSIT_PAYMENTS];
    size_t n = 0;
    if (jspec_parse_or_reply(rq, rq->json, "", deposit_spec, &f) !=
            OUT_CONTINUE ||
        payment_ids_or_reply(rq, json_object_get(rq->json, "payment_ids"), ids,
                             &n) != OUT_CONTINUE)
        return;
    int64_t at;
    civil_date day;
    if (!timestamp_parse(f.deposited_at, &at, &day)) {
        reply_error(rq, 422, "validation_failed", "deposited_at",
                    "must be an RFC 3339 time with its offset");
        return;
    }
    /* a collector deposits only the cash it took itself */
    int64_t owner = rq->who.role == ROLE_COLLECTOR ? rq->who.token_id : -1;
    db_deposit_result d;
    db_status st = db_deposit(rq->db, rq->who.token_id, owner, f.deposited_at,
                              f.bank_ref, ids, n, &d);
    if (st != DB_OK) {
        reply_db_error(rq, st);
        return;
    }
    if (strcmp(d.outcome, "created") != 0) {
        reply_refused(rq, &d);
        return;
    }
    json_t *paid = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(paid, json_integer(ids[i]));
    reply_json(rq, 201,
               json_pack("{s:I,s:I,s:s,s:s,s:o}", "deposit_id",
                         (json_int_t)d.deposit_id, "amount",
                         (json_int_t)d.amount, "deposited_at", f.deposited_at,
                         "bank_ref", f.bank_ref, "payment_ids", paid));
}

typedef struct {
    json_t *rows;
    int64_t count, amount;
} report_ctx;

static void add_row(void *cls, const db_undeposited *u)
{
    report_ctx *x = cls;
    json_array_append_new(
        x->rows, json_pack("{s:I,s:s,s:s,s:s,s:I,s:I}", "collector_token_id",
                           (json_int_t)u->token_id, "collector", u->collector,
                           "region_code", u->region_code, "region_name",
                           u->region_name, "count", (json_int_t)u->count,
                           "amount", (json_int_t)u->amount));
    x->count += u->count;
    x->amount += u->amount;
}

void handle_undeposited_report(request *rq)
{
    db_region region;
    const char *date = request_query(rq, "date");
    civil_date d;
    if (!date || !date_parse(date, &d)) {
        reply_error(rq, 400, "validation_failed", "date",
                    "a date YYYY-MM-DD is required");
        return;
    }
    if (list_region_or_reply(rq, &region) != OUT_CONTINUE)
        return;
    report_ctx x = {json_array(), 0, 0};
    db_status st =
        db_undeposited_report(rq->db, date, region.code, add_row, &x);
    if (st != DB_OK) {
        json_decref(x.rows);
        reply_db_error(rq, st);
        return;
    }
    reply_json(rq, 200,
               json_pack("{s:s,s:s,s:o,s:{s:I,s:I}}", "date", date, "region",
                         region.code, "rows", x.rows, "total", "count",
                         (json_int_t)x.count, "amount", (json_int_t)x.amount));
}
