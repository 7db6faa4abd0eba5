/*
 * quotes.c: GET /v1/residents/{id}/quote and /v1/households/{no}/quote:
 * contribution, subsidy and self-pay for a year, tier and date, resolved by
 * domain/subsidy.c (the single highest subsidy among the categories valid
 * on that date, per tier; the late-payment rule by date).
 */
#include "api/api.h"

#include "api/people.h"
#include "common/clock.h"
#include "domain/subsidy.h"
#include "http/auth.h"
#include "http/query.h"
#include "http/reply.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { MAX_HOUSEHOLD_HELD = 256, MAX_HOUSEHOLD_MEMBERS = 64 };

typedef struct {
    int year, tier;
    civil_date date;
    db_year y; /* owned: db_year_free() */
    tier_rate tiers[YEAR_MAX_TIERS];
    category_subsidy *subsidies; /* owned */
    year_rates rates;
} quote_params;

/* ?year=&tier=[&date=], and the year's rates from the database. */
static outcome params_or_reply(request *rq, quote_params *q)
{
    int64_t year, tier;
    if (query_int_or_reply(rq, "year", 0, 2000, 2100, &year) != OUT_CONTINUE ||
        query_int_or_reply(rq, "tier", 1, 1, 9, &tier) != OUT_CONTINUE)
        return OUT_REPLIED;
    if (!request_query(rq, "year")) {
        reply_error(rq, 400, "validation_failed", "year", "is required");
        return OUT_REPLIED;
    }
    q->year = (int)year, q->tier = (int)tier;
    const char *date = request_query(rq, "date");
    q->date = clock_today_shanghai();
    if (date && !date_parse(date, &q->date)) {
        reply_error(rq, 400, "validation_failed", "date",
                    "must be a real date YYYY-MM-DD");
        return OUT_REPLIED;
    }
    db_status st = db_year_get(rq->db, q->year, &q->y);
    if (st == DB_NOT_FOUND) {
        reply_error(rq, 422, "validation_failed", "year",
                    "year %d is not configured", q->year);
        return OUT_REPLIED;
    }
    if (st != DB_OK) {
        reply_db_error(rq, st);
        return OUT_REPLIED;
    }
    q->subsidies = calloc(q->y.nsubsidies + 1, sizeof *q->subsidies);
    for (size_t i = 0; q->subsidies && i < q->y.nsubsidies; i++)
        q->subsidies[i] = (category_subsidy){q->y.subsidies[i].category,
                                             q->y.subsidies[i].tier,
                                             q->y.subsidies[i].subsidy};
    for (size_t i = 0; i < q->y.ntiers; i++)
        q->tiers[i] =
            (tier_rate){q->y.tiers[i].tier, q->y.tiers[i].contribution,
                        q->y.tiers[i].fiscal_subsidy};
    q->rates =
        (year_rates){q->tiers,        q->y.ntiers, q->subsidies,
                     q->y.nsubsidies, {0, 0, 0},   q->y.late_pays_fiscal_share};
    date_parse(q->y.no_fiscal_subsidy_from, &q->rates.no_fiscal_subsidy_from);
    return OUT_CONTINUE;
}

static void params_free(quote_params *q)
{
    db_year_free(&q->y);
    free(q->subsidies);
}

static json_t *quote_json(const quote *r)
{
    json_t *cands = json_array();
    for (size_t i = 0; i < r->ncandidates; i++)
        json_array_append_new(
            cands, json_pack("{s:s,s:I,s:b}", "code", r->candidates[i].category,
                             "subsidy", (json_int_t)r->candidates[i].subsidy,
                             "applied", r->candidates[i].applied));
    return json_pack("{s:I,s:I,s:b,s:I,s:I,s:I,s:s?,s:o}", "contribution",
                     (json_int_t)r->contribution, "fiscal_subsidy",
                     (json_int_t)r->fiscal_subsidy, "late", r->late,
                     "late_surcharge", (json_int_t)r->late_surcharge, "subsidy",
                     (json_int_t)r->subsidy, "self_pay",
                     (json_int_t)r->self_pay, "applied_category",
                     r->applied_category, "categories", cands);
}

/* Held categories collected for one resident or a whole household. */
typedef struct {
    db_held_category held[MAX_HOUSEHOLD_HELD];
    char owner[MAX_HOUSEHOLD_HELD][ID_BYTES];
    size_t n;
} held_list;

static void collect_held(void *cls, const char *id, const db_held_category *h)
{
    held_list *l = cls;
    if (l->n == MAX_HOUSEHOLD_HELD)
        return;
    l->held[l->n] = *h;
    snprintf(l->owner[l->n], ID_BYTES, "%s", id);
    l->n++;
}

/* Resolves the quote of resident id from the collected categories. */
static quote_status quote_for(const quote_params *q, const held_list *l,
                              const char *id, quote *out)
{
    held_category held[MAX_HOUSEHOLD_HELD];
    size_t n = 0;
    for (size_t i = 0; i < l->n; i++) {
        if (strcmp(l->owner[i], id) != 0)
            continue;
        held_category *h = &held[n++];
        memset(h, 0, sizeof *h);
        h->category = l->held[i].category;
        date_parse(l->held[i].valid_from, &h->valid_from);
        h->has_valid_to = date_parse(l->held[i].valid_to, &h->valid_to);
    }
    return subsidy_quote(&q->rates, q->tier, held, n, q->date, out);
}

static json_t *head_json(const quote_params *q)
{
    char date[11];
    date_format(q->date, date);
    return json_pack("{s:i,s:i,s:s}", "year", q->year, "tier", q->tier, "date",
                     date);
}

void handle_resident_quote(request *rq)
{
    char id[ID_BYTES];
    snprintf(id, sizeof id, "%s", rq->params[0]);
    for (char *p = id; *p; p++)
        *p = (char)toupper((unsigned char)*p);
    db_resident r;
    db_status st = db_resident_get(rq->db, id, &r);
    if (st != DB_OK) {
        if (st == DB_NOT_FOUND)
            reply_not_found(rq, "resident");
        else
            reply_db_error(rq, st);
        return;
    }
    quote_params q = {0};
    held_list *l = calloc(1, sizeof *l);
    quote res;
    if (!l || auth_check_or_reply(rq, &r.region) != OUT_CONTINUE ||
        params_or_reply(rq, &q) != OUT_CONTINUE)
        goto out;
    st = db_categories_of(rq->db, id, collect_held, l);
    if (st != DB_OK)
        reply_db_error(rq, st);
    else if (quote_for(&q, l, id, &res) != QUOTE_OK)
        reply_error(rq, 422, "validation_failed", "tier",
                    "tier %d is not among year %d's tiers", q.tier, q.year);
    else {
        json_t *j = head_json(&q);
        json_object_update_new(j, quote_json(&res));
        reply_json(rq, 200, j);
    }
out:
    if (!rq->response)
        reply_error(rq, 500, "internal", NULL, "out of memory");
    free(l);
    params_free(&q);
}

typedef struct {
    db_resident members[MAX_HOUSEHOLD_MEMBERS];
    size_t n;
} member_list;

static void collect_member(void *cls, const db_resident *r)
{
    member_list *m = cls;
    if (m->n < MAX_HOUSEHOLD_MEMBERS)
        m->members[m->n++] = *r;
}

/* Every member's quote and the household's sum. */
static void reply_household_quote(request *rq, const quote_params *q,
                                  const member_list *m, const held_list *l)
{
    quote *each = calloc(m->n + 1, sizeof *each);
    json_t *members = json_array();
    bool reveal = reveals_personal_data(rq);
    for (size_t i = 0; each && i < m->n; i++) {
        if (quote_for(q, l, m->members[i].id_number, &each[i]) != QUOTE_OK) {
            reply_error(rq, 422, "validation_failed", "tier",
                        "tier %d is not among year %d's tiers", q->tier,
                        q->year);
            goto out;
        }
        char id[ID_BYTES];
        if (reveal)
            snprintf(id, sizeof id, "%s", m->members[i].id_number);
        else
            mask_id(m->members[i].id_number, id, sizeof id);
        json_t *j =
            json_pack("{s:s,s:s}", "id_number", id, "name", m->members[i].name);
        json_object_update_new(j, quote_json(&each[i]));
        json_array_append_new(members, j);
    }
    quote total;
    subsidy_sum(each, m->n, &total);
    json_t *body = head_json(q);
    json_object_set_new(body, "household_no", json_string(rq->params[0]));
    json_object_set_new(body, "members", members);
    json_object_set_new(
        body, "total",
        json_pack("{s:I,s:I,s:I,s:I,s:I}", "contribution",
                  (json_int_t)total.contribution, "fiscal_subsidy",
                  (json_int_t)total.fiscal_subsidy, "late_surcharge",
                  (json_int_t)total.late_surcharge, "subsidy",
                  (json_int_t)total.subsidy, "self_pay",
                  (json_int_t)total.self_pay));
    members = NULL;
    reply_json(rq, 200, body);
out:
    json_decref(members);
    free(each);
}

void handle_household_quote(request *rq)
{
    db_household h;
    db_status st = db_household_get(rq->db, rq->params[0], &h);
    if (st != DB_OK) {
        if (st == DB_NOT_FOUND)
            reply_not_found(rq, "household");
        else
            reply_db_error(rq, st);
        return;
    }
    quote_params q = {0};
    member_list *m = calloc(1, sizeof *m);
    held_list *l = calloc(1, sizeof *l);
    if (!m || !l || auth_check_or_reply(rq, &h.region) != OUT_CONTINUE ||
        params_or_reply(rq, &q) != OUT_CONTINUE)
        goto out;
    st = db_household_members(rq->db, h.household_no, collect_member, m);
    if (st == DB_OK)
        st =
            db_categories_of_household(rq->db, h.household_no, collect_held, l);
    if (st != DB_OK)
        reply_db_error(rq, st);
    else
        reply_household_quote(rq, &q, m, l);
out:
    if (!rq->response)
        reply_error(rq, 500, "internal", NULL, "out of memory");
    free(m);
    free(l);
    params_free(&q);
}
