/*
 * payments.c: POST /v1/payments (any channel, one resident or a whole
 * household, exactly once per channel + external_id), GET /v1/payments/{id}
 * and POST /v1/payments/{id}/reverse.
 *
 * The database decides in one round trip (pay()): the amount must equal the
 * people's self-pay on the payment date, nobody is paid twice, and a key
 * seen before replays its first answer (or is a conflict with another body).
 */
#include "api/api.h"

#include "api/people.h"
#include "domain/fingerprint.h"
#include "domain/timestamp.h"
#include "http/auth.h"
#include "http/jspec.h"
#include "http/query.h"
#include "http/reply.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct {
    char household_no[HOUSEHOLD_NO_BYTES];
    int64_t year, tier, amount;
    char channel[16];
    char external_id[72];
    char paid_at[40];
    char collector[NAME_MAX_BYTES];
} pay_fields;

static const jspec pay_spec[] = {
    {"household_no", JS_STRING, false, offsetof(pay_fields, household_no),
     HOUSEHOLD_NO_BYTES, 1, 40, JSPEC_NO_FLAG},
    {"year", JS_INT, true, offsetof(pay_fields, year), 0, 2000, 2100,
     JSPEC_NO_FLAG},
    {"tier", JS_INT, true, offsetof(pay_fields, tier), 0, 1, 9, JSPEC_NO_FLAG},
    {"amount", JS_INT, true, offsetof(pay_fields, amount), 0, 0,
     1000000000000LL, JSPEC_NO_FLAG},
    {"channel", JS_STRING, true, offsetof(pay_fields, channel), 16, 1, 15,
     JSPEC_NO_FLAG},
    {"external_id", JS_STRING, true, offsetof(pay_fields, external_id), 72, 1,
     64, JSPEC_NO_FLAG},
    {"paid_at", JS_STRING, true, offsetof(pay_fields, paid_at), 40, 20, 35,
     JSPEC_NO_FLAG},
    {"collector", JS_STRING, false, offsetof(pay_fields, collector),
     NAME_MAX_BYTES, 0, 100, JSPEC_NO_FLAG},
    JSPEC_END,
};

static bool channel_valid(const char *c)
{
    static const char *ok[] = {"wechat",     "alipay",     "bank",
                               "tax_online", "tax_hall",   "pos",
                               "cash",       "assistance", "subsidy"};
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++)
        if (!strcmp(c, ok[i]))
            return true;
    return false;
}

typedef struct {
    pay_fields f;
    id_list people;
    char hash[65];
} pay_request;

/* The idempotency fingerprint: the request's meaning, not its bytes. */
static void request_hash(const pay_request *p, char out[65])
{
    payment_request_fields f = {
        p->f.channel, p->f.external_id, p->f.year,         p->f.tier,
        p->f.amount,  p->f.paid_at,     p->f.household_no, p->people.ptrs,
        p->people.n,  p->f.collector};
    payment_fingerprint(&f, out);
}

static outcome pay_request_or_reply(request *rq, pay_request *p)
{
    if (jspec_parse_or_reply(rq, rq->json, "", pay_spec, &p->f) != OUT_CONTINUE)
        return OUT_REPLIED;
    if (people_target_or_reply(rq, p->f.household_no, &p->people) !=
        OUT_CONTINUE)
        return OUT_REPLIED;
    if (!channel_valid(p->f.channel)) {
        reply_error(rq, 422, "validation_failed", "channel", "unknown channel");
        return OUT_REPLIED;
    }
    if ((rq->who.role & ROLE_COLLECTOR) && strcmp(p->f.channel, "cash") != 0) {
        reply_error(rq, 403, "forbidden", "channel",
                    "a collector records cash only");
        return OUT_REPLIED;
    }
    int64_t at;
    civil_date day;
    if (!timestamp_parse(p->f.paid_at, &at, &day)) {
        reply_error(rq, 422, "validation_failed", "paid_at",
                    "must be an RFC 3339 time with its offset");
        return OUT_REPLIED;
    }
    if (at > (int64_t)time(NULL) + 300) {
        reply_error(rq, 422, "validation_failed", "paid_at",
                    "is in the future");
        return OUT_REPLIED;
    }
    request_hash(p, p->hash);
    return OUT_CONTINUE;
}

static json_t *item_json(const db_pay_item *it, bool reveal)
{
    char id[ID_BYTES];
    if (reveal)
        snprintf(id, sizeof id, "%s", it->id_number);
    else
        mask_id(it->id_number, id, sizeof id);
    return json_pack("{s:s,s:I,s:I,s:I,s:I,s:s?,s:{s:s,s:s}}", "id_number", id,
                     "personal", (json_int_t)it->personal, "subsidy",
                     (json_int_t)it->subsidy, "assistance",
                     (json_int_t)it->assistance, "late_surcharge",
                     (json_int_t)it->late_surcharge, "category",
                     it->category[0] ? it->category : NULL, "coverage", "start",
                     it->coverage_start, "end", it->coverage_end);
}

static json_t *items_json(const db_pay_item *items, size_t n, bool reveal)
{
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(a, item_json(&items[i], reveal));
    return a;
}

/* Maps pay()'s refusals to statuses. */
static void reply_refusal(request *rq, const db_pay_out *o)
{
    const char *who = o->id_number;
    if (!strcmp(o->outcome, "key_conflict"))
        reply_error(rq, 409, "conflict", "external_id",
                    "this channel and external_id were used for another "
                    "payment (%" PRId64 ")",
                    o->payment_id);
    else if (!strcmp(o->outcome, "already_paid"))
        reply_error(rq, 409, "conflict", "id_numbers",
                    "%s is already paid for this year", *who ? who : "someone");
    else if (!strcmp(o->outcome, "amount_mismatch"))
        reply_error(rq, 422, "validation_failed", "amount",
                    "must equal the self-pay due: %s fen", o->detail);
    else if (!strcmp(o->outcome, "use_subsidy"))
        reply_error(rq, 422, "validation_failed", "channel",
                    "nothing is owed: record these people with the subsidy "
                    "channel");
    else if (!strcmp(o->outcome, "not_zero"))
        reply_error(rq, 422, "validation_failed", "channel",
                    "a subsidy payment is for people who owe nothing; "
                    "%s fen is due",
                    o->detail);
    else if (!strcmp(o->outcome, "out_of_scope"))
        reply_error(rq, 403, "forbidden", NULL,
                    "%s is outside this token's region", who);
    else if (!strcmp(o->outcome, "too_late"))
        reply_error(rq, 422, "validation_failed", "paid_at",
                    "too late to pay for this year");
    else if (!strcmp(o->outcome, "no_year"))
        reply_error(rq, 422, "validation_failed", "year",
                    "the year is not configured");
    else if (!strcmp(o->outcome, "no_tier"))
        reply_error(rq, 422, "validation_failed", "tier",
                    "the tier is not among the year's tiers");
    else if (!strcmp(o->outcome, "empty"))
        reply_error(rq, 422, "validation_failed", "household_no",
                    "no member of this household can be paid for");
    else /* unknown_resident, removed, exempted */
        reply_error(rq, 422, "validation_failed", "id_numbers",
                    "%s cannot be paid for: %s", who, o->outcome);
}

void handle_payment_create(request *rq)
{
    pay_request p;
    memset(&p, 0, sizeof p);
    if (pay_request_or_reply(rq, &p) != OUT_CONTINUE)
        return;
    db_pay_in in = {p.f.channel,
                    p.f.external_id,
                    p.hash,
                    (int)p.f.year,
                    (int)p.f.tier,
                    p.f.paid_at,
                    p.f.amount,
                    p.f.household_no[0] ? p.f.household_no : NULL,
                    p.people.ptrs,
                    p.people.n,
                    rq->who.token_id,
                    p.f.collector[0] ? p.f.collector : NULL,
                    rq->who.region[0] ? rq->who.region : NULL};
    db_pay_out o;
    db_status st = db_pay(rq->db, &in, &o);
    if (st != DB_OK) {
        reply_db_error(rq, st);
        return;
    }
    bool created = !strcmp(o.outcome, "created");
    if (!created && strcmp(o.outcome, "replayed") != 0) {
        reply_refusal(rq, &o);
        db_pay_out_free(&o);
        return;
    }
    json_t *body = json_pack(
        "{s:I,s:s,s:s,s:i,s:i,s:I,s:s,s:s,s:o}", "payment_id",
        (json_int_t)o.payment_id, "channel", p.f.channel, "external_id",
        p.f.external_id, "year", (int)p.f.year, "tier", (int)p.f.tier, "amount",
        (json_int_t)p.f.amount, "paid_at", p.f.paid_at, "status",
        created ? "accepted" : o.detail, "items",
        items_json(o.items, o.nitems, reveals_personal_data(rq)));
    reply_json(rq, created ? 201 : 200, body);
    char loc[48];
    snprintf(loc, sizeof loc, "/v1/payments/%" PRId64, o.payment_id);
    reply_add_header(rq, MHD_HTTP_HEADER_LOCATION, loc);
    db_pay_out_free(&o);
}

void handle_payment_get(request *rq)
{
    int64_t id;
    if (path_int_or_reply(rq, 0, "id", 1, INT64_MAX, &id) != OUT_CONTINUE)
        return;
    db_payment p;
    db_status st = db_payment_get(rq->db, id, &p);
    if (st == DB_NOT_FOUND)
        reply_not_found(rq, "payment");
    else if (st != DB_OK)
        reply_db_error(rq, st);
    else if (auth_check_or_reply(rq, &p.region) != OUT_CONTINUE)
        ; /* replied 403 */
    else
        reply_json(
            rq, 200,
            json_pack(
                "{s:I,s:s,s:s,s:i,s:i,s:s?,s:I,s:s,s:s,s:s?,s:s?,s:o}",
                "payment_id", (json_int_t)p.id, "channel", p.channel,
                "external_id", p.external_id, "year", p.year, "tier", p.tier,
                "household_no", p.household_no[0] ? p.household_no : NULL,
                "amount", (json_int_t)p.amount, "paid_at", p.paid_at, "status",
                p.status, "reversed_at",
                p.reversed_at[0] ? p.reversed_at : NULL, "reverse_reason",
                p.reverse_reason[0] ? p.reverse_reason : NULL, "items",
                items_json(p.items, p.nitems, reveals_personal_data(rq))));
    db_payment_free(&p);
}

typedef struct {
    char reason[24];
    char note[2048];
} reverse_fields;

static const jspec reverse_spec[] = {
    {"reason", JS_STRING, true, offsetof(reverse_fields, reason), 24, 1, 20,
     JSPEC_NO_FLAG},
    {"note", JS_STRING, false, offsetof(reverse_fields, note), 2048, 0, 500,
     JSPEC_NO_FLAG},
    JSPEC_END,
};

typedef struct {
    int64_t id;
    reverse_fields f;
    const char *scope;
    char outcome[24];
} reverse_ctx;

static db_status reverse_tx(db_conn *c, void *cls)
{
    reverse_ctx *x = cls;
    return db_payment_reverse(c, x->id, x->f.reason, x->f.note, x->scope,
                              x->outcome);
}

void handle_payment_reverse(request *rq)
{
    reverse_ctx x;
    memset(&x, 0, sizeof x);
    if (path_int_or_reply(rq, 0, "id", 1, INT64_MAX, &x.id) != OUT_CONTINUE ||
        jspec_parse_or_reply(rq, rq->json, "", reverse_spec, &x.f) !=
            OUT_CONTINUE)
        return;
    if (strcmp(x.f.reason, "refund") && strcmp(x.f.reason, "paid_twice") &&
        strcmp(x.f.reason, "insured_elsewhere") &&
        strcmp(x.f.reason, "other")) {
        reply_error(rq, 422, "validation_failed", "reason",
                    "must be refund, paid_twice, insured_elsewhere or other");
        return;
    }
    x.scope = rq->who.region[0] ? rq->who.region : NULL;
    db_status st = db_run_tx(rq->db, "READ COMMITTED", reverse_tx, &x);
    if (st != DB_OK)
        reply_db_error(rq, st);
    else if (!strcmp(x.outcome, "not_found"))
        reply_not_found(rq, "payment");
    else if (!strcmp(x.outcome, "out_of_scope"))
        reply_error(rq, 403, "forbidden", NULL,
                    "the payment covers people outside this token's region");
    else if (!strcmp(x.outcome, "already_reversed"))
        reply_error(rq, 409, "conflict", NULL,
                    "the payment is already reversed");
    else
        handle_payment_get(rq);
}

typedef struct {
    char household_no[HOUSEHOLD_NO_BYTES];
    int64_t year, tier;
} enrol_fields;

static const jspec enrol_spec[] = {
    {"household_no", JS_STRING, false, offsetof(enrol_fields, household_no),
     HOUSEHOLD_NO_BYTES, 1, 40, JSPEC_NO_FLAG},
    {"year", JS_INT, true, offsetof(enrol_fields, year), 0, 2000, 2100,
     JSPEC_NO_FLAG},
    {"tier", JS_INT, true, offsetof(enrol_fields, tier), 0, 1, 9,
     JSPEC_NO_FLAG},
    JSPEC_END,
};

/* POST /v1/enrolments: registered ahead of payment (a household that
 * registers for the year); existing enrolments, paid or not, are kept. */
void handle_enrolment_register(request *rq)
{
    enrol_fields f = {0};
    pay_request p;
    memset(&p, 0, sizeof p);
    if (jspec_parse_or_reply(rq, rq->json, "", enrol_spec, &f) != OUT_CONTINUE)
        return;
    if (people_target_or_reply(rq, f.household_no, &p.people) != OUT_CONTINUE)
        return;
    char outcome[24], detail[ID_BYTES];
    int64_t count = 0;
    db_status st = db_register_enrolments(
        rq->db, (int)f.year, (int)f.tier, p.people.n ? NULL : f.household_no,
        p.people.ptrs, p.people.n, rq->who.region[0] ? rq->who.region : NULL,
        outcome, &count, detail);
    if (st != DB_OK)
        reply_db_error(rq, st);
    else if (!strcmp(outcome, "registered"))
        reply_json(rq, 200,
                   json_pack("{s:i,s:i,s:I,s:I}", "year", (int)f.year, "tier",
                             (int)f.tier, "registered", (json_int_t)count,
                             "already", (json_int_t)atoll(detail)));
    else {
        db_pay_out o;
        memset(&o, 0, sizeof o);
        snprintf(o.outcome, sizeof o.outcome, "%s", outcome);
        snprintf(o.id_number, sizeof o.id_number, "%s", detail);
        reply_refusal(rq, &o);
    }
}
