/*
 * incentives.c: village incentives (工作经费考核奖惩, seed 003 § 五).
 * PUT/GET /v1/incentives/{year}: the data-entry fee per enrolled person and
 * the rules "a rate of at least min_rate by deadline pays fen_per_person";
 * GET /v1/incentives/{year}/report: per village under a region, what it
 * earned.
 */
#include "api/incentives.h"
#include "api/api.h"

#include "api/people.h"
#include "domain/date.h"
#include "domain/incentive.h"
#include "domain/rate.h"
#include "http/jspec.h"
#include "http/query.h"
#include "http/reply.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_FEN 100000000LL /* one million yuan per person: a typo */

typedef struct {
    int64_t entry_fee;
} scheme_in;

typedef struct {
    char deadline[11];
    char min_rate[16];
    int64_t fen;
} rule_in;

static const jspec scheme_spec[] = {
    {"entry_fee_fen_per_person", JS_INT, true, offsetof(scheme_in, entry_fee),
     0, 0, MAX_FEN, JSPEC_NO_FLAG},
    JSPEC_END,
};

static const jspec rule_spec[] = {
    {"deadline", JS_DATE, true, offsetof(rule_in, deadline), 11, 0, 0,
     JSPEC_NO_FLAG},
    {"min_rate", JS_STRING, true, offsetof(rule_in, min_rate), 16, 1, 6,
     JSPEC_NO_FLAG},
    {"fen_per_person", JS_INT, true, offsetof(rule_in, fen), 0, 0, MAX_FEN,
     JSPEC_NO_FLAG},
    JSPEC_END,
};

/* A campaign for year Y runs from Y-1 into Y: deadlines must fall there. */
static bool deadline_in_campaign(const char *deadline, int year)
{
    civil_date d;
    return date_parse(deadline, &d) && d.year >= year - 1 && d.year <= year;
}

static outcome rule_or_reply(request *rq, json_t *el, size_t i,
                             db_incentives *in)
{
    char prefix[32], field[48];
    rule_in r = {0};
    int64_t bp;
    snprintf(prefix, sizeof prefix, "rules[%zu]", i);
    if (jspec_parse_or_reply(rq, el, prefix, rule_spec, &r) != OUT_CONTINUE)
        return OUT_REPLIED;
    if (!deadline_in_campaign(r.deadline, in->year)) {
        snprintf(field, sizeof field, "%s.deadline", prefix);
        reply_error(rq, 422, "validation_failed", field,
                    "must fall in %d or %d", in->year - 1, in->year);
        return OUT_REPLIED;
    }
    snprintf(field, sizeof field, "%s.min_rate", prefix);
    if (!incentive_rate_parse(r.min_rate, &bp)) {
        reply_error(rq, 422, "validation_failed", field,
                    "must be a rate from 0 to 100 with at most two decimals");
        return OUT_REPLIED;
    }
    for (size_t k = 0; k < i; k++)
        if (in->min_bp[k] == bp && !strcmp(in->deadline[k], r.deadline)) {
            reply_error(rq, 422, "validation_failed", field,
                        "a rule for %s and this rate is listed twice",
                        r.deadline);
            return OUT_REPLIED;
        }
    memcpy(in->deadline[i], r.deadline, 11);
    in->min_bp[i] = bp;
    in->fen[i] = r.fen;
    in->nrules = i + 1;
    return OUT_CONTINUE;
}

static outcome year_or_reply(request *rq, int *year)
{
    int64_t y;
    if (path_int_or_reply(rq, 0, "year", 2000, 2100, &y) != OUT_CONTINUE)
        return OUT_REPLIED;
    *year = (int)y;
    return OUT_CONTINUE;
}

static outcome scheme_or_reply(request *rq, db_incentives *in)
{
    scheme_in s = {0};
    if (year_or_reply(rq, &in->year) != OUT_CONTINUE)
        return OUT_REPLIED;
    if (!json_is_object(rq->json)) {
        reply_error(rq, 400, "validation_failed", NULL,
                    "the body must be a JSON object");
        return OUT_REPLIED;
    }
    if (jspec_parse_or_reply(rq, rq->json, "", scheme_spec, &s) != OUT_CONTINUE)
        return OUT_REPLIED;
    in->entry_fee = s.entry_fee;
    json_t *rules = json_object_get(rq->json, "rules");
    if (jspec_array_or_reply(rq, rules, "rules", 0, INCENTIVE_MAX_RULES) !=
        OUT_CONTINUE)
        return OUT_REPLIED;
    size_t i;
    json_t *el;
    json_array_foreach (rules, i, el)
        if (rule_or_reply(rq, el, i, in) != OUT_CONTINUE)
            return OUT_REPLIED;
    return OUT_CONTINUE;
}

json_t *incentive_rule_json(const char *deadline, int64_t bp, int64_t fen)
{
    char rate[16];
    incentive_rate_format(bp, rate);
    return json_pack("{s:s,s:s,s:I}", "deadline", deadline, "min_rate", rate,
                     "fen_per_person", (json_int_t)fen);
}

json_t *incentive_rules_json(const db_incentives *in)
{
    json_t *a = json_array();
    for (size_t i = 0; i < in->nrules; i++)
        json_array_append_new(
            a, incentive_rule_json(in->deadline[i], in->min_bp[i], in->fen[i]));
    return a;
}

static json_t *scheme_json(const db_incentives *in)
{
    return json_pack("{s:i,s:I,s:o,s:s}", "year", in->year,
                     "entry_fee_fen_per_person", (json_int_t)in->entry_fee,
                     "rules", incentive_rules_json(in), "updated_at",
                     in->updated_at);
}

void handle_incentives_put(request *rq)
{
    db_incentives in = {0};
    bool created = false;
    if (scheme_or_reply(rq, &in) != OUT_CONTINUE)
        return;
    db_status st = db_incentives_put(rq->db, &in, &created);
    if (st == DB_REFERENCE) {
        reply_error(rq, 422, "validation_failed", "year",
                    "the year is not configured");
        return;
    }
    if (st != DB_OK) {
        reply_db_error(rq, st);
        return;
    }
    /* answer what is stored, in its order */
    db_incentives out;
    st = db_incentives_get(rq->db, in.year, &out);
    if (st != DB_OK) {
        reply_db_error(rq, st);
        return;
    }
    reply_json(rq, created ? 201 : 200, scheme_json(&out));
    if (created) {
        char loc[40];
        snprintf(loc, sizeof loc, "/v1/incentives/%d", in.year);
        reply_add_header(rq, MHD_HTTP_HEADER_LOCATION, loc);
    }
}

/* The year's scheme, or a 404 reply. */
outcome incentive_scheme_or_reply(request *rq, db_incentives *out)
{
    int year;
    if (year_or_reply(rq, &year) != OUT_CONTINUE)
        return OUT_REPLIED;
    db_status st = db_incentives_get(rq->db, year, out);
    if (st == DB_NOT_FOUND) {
        reply_not_found(rq, "incentive rules for this year");
        return OUT_REPLIED;
    }
    if (st != DB_OK) {
        reply_db_error(rq, st);
        return OUT_REPLIED;
    }
    return OUT_CONTINUE;
}

void handle_incentives_get(request *rq)
{
    db_incentives in;
    if (incentive_scheme_or_reply(rq, &in) == OUT_CONTINUE)
        reply_json(rq, 200, scheme_json(&in));
}
