/*
 * tax_payables.c: GET /v1/tax/payables?year=&id_number= (or &household_no=)
 * [&date=]: what a person, or a household's payable members, must pay on
 * that Beijing date (today by default) for each tier of the year, by
 * pay()'s rules (tax_payables() in migrations/006_tax.sql), leaving out
 * those paid already. The tax office asks before it takes the money.
 */
#include "api/api.h"

#include "api/people.h"
#include "common/clock.h"
#include "http/auth.h"
#include "http/query.h"
#include "http/reply.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

enum { MAX_TIER = 9 };

typedef struct {
    bool reveal;
    char refusal[24]; /* the first outcome other than ok, tier, line */
    json_t *tiers[MAX_TIER + 1]; /* owned until the reply */
    json_int_t amounts[MAX_TIER + 1];
} payables_ctx;

static json_t *tier_of(payables_ctx *x, int tier)
{
    if (tier < 1 || tier > MAX_TIER)
        return NULL;
    if (!x->tiers[tier])
        x->tiers[tier] = json_array();
    return x->tiers[tier];
}

static void on_row(void *cls, const db_tax_payable *row)
{
    payables_ctx *x = cls;
    if (!strcmp(row->outcome, "tier")) {
        tier_of(x, row->tier);
        return;
    }
    if (strcmp(row->outcome, "line") != 0) {
        if (strcmp(row->outcome, "ok") != 0 && !x->refusal[0])
            snprintf(x->refusal, sizeof x->refusal, "%s", row->outcome);
        return;
    }
    json_t *people = tier_of(x, row->tier);
    if (!people)
        return;
    char id[ID_BYTES];
    if (x->reveal)
        snprintf(id, sizeof id, "%s", row->id_number);
    else
        mask_id(row->id_number, id, sizeof id);
    json_array_append_new(
        people, json_pack("{s:s,s:I,s:I,s:s?}", "id_number", id, "self_pay",
                          (json_int_t)row->self_pay, "subsidy",
                          (json_int_t)row->subsidy, "category",
                          row->category[0] ? row->category : NULL));
    x->amounts[row->tier] += row->self_pay;
}

/* The person's or household's region, checked against the caller's. */
static outcome whose_or_reply(request *rq, const char *id, const char *hh)
{
    db_resident r;
    db_household h;
    db_status st =
        id ? db_resident_get(rq->db, id, &r) : db_household_get(rq->db, hh, &h);
    if (st == DB_NOT_FOUND) {
        reply_not_found(rq, id ? "resident" : "household");
        return OUT_REPLIED;
    }
    if (st != DB_OK) {
        reply_db_error(rq, st);
        return OUT_REPLIED;
    }
    return auth_check_or_reply(rq, id ? &r.region : &h.region);
}

static void reply_refusal(request *rq, const char *outcome, int year,
                          const char *date)
{
    if (!strcmp(outcome, "no_year"))
        reply_error(rq, 422, "validation_failed", "year",
                    "year %d is not configured", year);
    else if (!strcmp(outcome, "too_late"))
        reply_error(rq, 422, "validation_failed", "date",
                    "too late to pay for year %d on %s", year, date);
    else
        reply_error(rq, 422, "validation_failed", "id_number",
                    "cannot be paid for: %s", outcome);
}

static json_t *answer_json(payables_ctx *x, int year, const char *date)
{
    json_t *tiers = json_array();
    for (int t = 1; t <= MAX_TIER; t++) {
        if (!x->tiers[t])
            continue;
        json_array_append_new(tiers,
                              json_pack("{s:i,s:I,s:o}", "tier", t, "amount",
                                        x->amounts[t], "people", x->tiers[t]));
        x->tiers[t] = NULL;
    }
    return json_pack("{s:i,s:s,s:o}", "year", year, "date", date, "tiers",
                     tiers);
}

void handle_tax_payables(request *rq)
{
    int64_t year;
    if (query_int_or_reply(rq, "year", 0, 2000, 2100, &year) != OUT_CONTINUE)
        return;
    if (!request_query(rq, "year")) {
        reply_error(rq, 400, "validation_failed", "year", "is required");
        return;
    }
    const char *given = request_query(rq, "id_number");
    const char *hh = request_query(rq, "household_no");
    if (!given == !hh || (given && strlen(given) >= ID_BYTES) ||
        (hh && (!*hh || strlen(hh) >= HOUSEHOLD_NO_BYTES))) {
        reply_error(rq, 400, "validation_failed", given ? "id_number" : NULL,
                    "give either id_number or household_no");
        return;
    }
    char id[ID_BYTES] = "", date[11];
    for (size_t i = 0; given && given[i]; i++)
        id[i] = (char)toupper((unsigned char)given[i]), id[i + 1] = '\0';
    civil_date d = clock_today_shanghai();
    const char *asked = request_query(rq, "date");
    if (asked && !date_parse(asked, &d)) {
        reply_error(rq, 400, "validation_failed", "date",
                    "must be a real date YYYY-MM-DD");
        return;
    }
    date_format(d, date);
    if (whose_or_reply(rq, given ? id : NULL, hh) != OUT_CONTINUE)
        return;
    payables_ctx x;
    memset(&x, 0, sizeof x);
    x.reveal = reveals_personal_data(rq);
    db_status st = db_tax_payables(rq->db, (int)year, given ? NULL : hh,
                                   given ? id : NULL, date, on_row, &x);
    if (st != DB_OK)
        reply_db_error(rq, st);
    else if (x.refusal[0])
        reply_refusal(rq, x.refusal, (int)year, date);
    else
        reply_json(rq, 200, answer_json(&x, (int)year, date));
    for (int t = 0; t <= MAX_TIER; t++)
        json_decref(x.tiers[t]);
}
