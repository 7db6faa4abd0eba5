/*
 * years.c: PUT/GET /v1/years/{year}: the year's collection window, tiers,
 * category subsidies and coverage rules. Amounts are integer fen.
 */
#include "api/api.h"

#include "db/sql.h"
#include "domain/coverage.h"
#include "http/jspec.h"
#include "http/query.h"
#include "http/reply.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_FEN 1000000000LL /* 10 million yuan: far above any rate */

typedef struct {
    char collection_start[11], collection_end[11];
} window_in;

typedef struct {
    int64_t tier, contribution, fiscal_subsidy;
} tier_in;

typedef struct {
    char category[40];
    int64_t tier, subsidy;
} subsidy_in;

typedef struct {
    char full_year_until[11], next_month_until[11];
    char no_fiscal_subsidy_from[11], coverage_end[11];
    int64_t waiting_days;
    bool late_pays_fiscal_share;
    bool has[6];
} coverage_in;

static const jspec window_spec[] = {
    {"collection_start", JS_DATE, true, offsetof(window_in, collection_start),
     11, 0, 0, JSPEC_NO_FLAG},
    {"collection_end", JS_DATE, true, offsetof(window_in, collection_end), 11,
     0, 0, JSPEC_NO_FLAG},
    JSPEC_END,
};

static const jspec tier_spec[] = {
    {"tier", JS_INT, true, offsetof(tier_in, tier), 0, 1, 9, JSPEC_NO_FLAG},
    {"contribution", JS_INT, true, offsetof(tier_in, contribution), 0, 0,
     MAX_FEN, JSPEC_NO_FLAG},
    {"fiscal_subsidy", JS_INT, true, offsetof(tier_in, fiscal_subsidy), 0, 0,
     MAX_FEN, JSPEC_NO_FLAG},
    JSPEC_END,
};

static const jspec subsidy_spec[] = {
    {"category", JS_STRING, true, offsetof(subsidy_in, category), 40, 1, 32,
     JSPEC_NO_FLAG},
    {"tier", JS_INT, true, offsetof(subsidy_in, tier), 0, 1, 9, JSPEC_NO_FLAG},
    {"subsidy", JS_INT, true, offsetof(subsidy_in, subsidy), 0, 0, MAX_FEN,
     JSPEC_NO_FLAG},
    JSPEC_END,
};

static const jspec coverage_spec[] = {
    {"full_year_until", JS_DATE, false, offsetof(coverage_in, full_year_until),
     11, 0, 0, offsetof(coverage_in, has[0])},
    {"next_month_until", JS_DATE, false,
     offsetof(coverage_in, next_month_until), 11, 0, 0,
     offsetof(coverage_in, has[1])},
    {"waiting_days", JS_INT, false, offsetof(coverage_in, waiting_days), 0, 0,
     365, offsetof(coverage_in, has[2])},
    {"no_fiscal_subsidy_from", JS_DATE, false,
     offsetof(coverage_in, no_fiscal_subsidy_from), 11, 0, 0,
     offsetof(coverage_in, has[3])},
    {"coverage_end", JS_DATE, false, offsetof(coverage_in, coverage_end), 11, 0,
     0, offsetof(coverage_in, has[4])},
    {"late_pays_fiscal_share", JS_BOOL, false,
     offsetof(coverage_in, late_pays_fiscal_share), 0, 0, 0,
     offsetof(coverage_in, has[5])},
    JSPEC_END,
};

static outcome tiers_or_reply(request *rq, json_t *arr, db_year *y)
{
    if (jspec_array_or_reply(rq, arr, "tiers", 1, YEAR_MAX_TIERS) !=
        OUT_CONTINUE)
        return OUT_REPLIED;
    size_t i;
    json_t *el;
    json_array_foreach (arr, i, el) {
        char prefix[48];
        tier_in t = {0};
        snprintf(prefix, sizeof prefix, "tiers[%zu]", i);
        if (jspec_parse_or_reply(rq, el, prefix, tier_spec, &t) != OUT_CONTINUE)
            return OUT_REPLIED;
        for (size_t k = 0; k < i; k++)
            if (y->tiers[k].tier == t.tier) {
                snprintf(prefix, sizeof prefix, "tiers[%zu].tier", i);
                reply_error(rq, 422, "validation_failed", prefix,
                            "tier %d is listed twice", (int)t.tier);
                return OUT_REPLIED;
            }
        y->tiers[i] = (db_tier){(int)t.tier, t.contribution, t.fiscal_subsidy};
        y->ntiers = i + 1;
    }
    return OUT_CONTINUE;
}

static bool has_tier(const db_year *y, int tier)
{
    for (size_t k = 0; k < y->ntiers; k++)
        if (y->tiers[k].tier == tier)
            return true;
    return false;
}

static outcome subsidy_or_reply(request *rq, json_t *el, size_t i, db_year *y)
{
    char prefix[48], field[64];
    subsidy_in s = {0};
    snprintf(prefix, sizeof prefix, "subsidies[%zu]", i);
    if (jspec_parse_or_reply(rq, el, prefix, subsidy_spec, &s) != OUT_CONTINUE)
        return OUT_REPLIED;
    snprintf(field, sizeof field, "%s.tier", prefix);
    if (!has_tier(y, (int)s.tier)) {
        reply_error(rq, 422, "validation_failed", field,
                    "tier %d is not among this year's tiers", (int)s.tier);
        return OUT_REPLIED;
    }
    for (size_t k = 0; k < i; k++)
        if (y->subsidies[k].tier == s.tier &&
            !strcmp(y->subsidies[k].category, s.category)) {
            reply_error(rq, 422, "validation_failed", field,
                        "category %s has tier %d twice", s.category,
                        (int)s.tier);
            return OUT_REPLIED;
        }
    db_subsidy *d = &y->subsidies[i];
    snprintf(d->category, sizeof d->category, "%s", s.category);
    d->tier = (int)s.tier;
    d->subsidy = s.subsidy;
    y->nsubsidies = i + 1;
    return OUT_CONTINUE;
}

static outcome subsidies_or_reply(request *rq, json_t *arr, db_year *y)
{
    if (!arr || json_is_null(arr))
        return OUT_CONTINUE;
    if (jspec_array_or_reply(rq, arr, "subsidies", 0, YEAR_MAX_SUBSIDIES) !=
        OUT_CONTINUE)
        return OUT_REPLIED;
    y->subsidies = calloc(json_array_size(arr) + 1, sizeof *y->subsidies);
    if (!y->subsidies) {
        reply_error(rq, 500, "internal", NULL, "out of memory");
        return OUT_REPLIED;
    }
    size_t i;
    json_t *el;
    json_array_foreach (arr, i, el)
        if (subsidy_or_reply(rq, el, i, y) != OUT_CONTINUE)
            return OUT_REPLIED;
    return OUT_CONTINUE;
}

/* Resolves the coverage rules: defaults for what is absent, then order. */
static outcome coverage_or_reply(request *rq, json_t *obj, db_year *y)
{
    coverage_rules r = coverage_rules_default(y->year);
    coverage_in in = {0};
    if (obj && !json_is_null(obj) &&
        jspec_parse_or_reply(rq, obj, "coverage", coverage_spec, &in) !=
            OUT_CONTINUE)
        return OUT_REPLIED;
    if (in.has[0])
        date_parse(in.full_year_until, &r.full_year_until);
    if (in.has[1])
        date_parse(in.next_month_until, &r.next_month_until);
    if (in.has[2])
        r.waiting_days = (int)in.waiting_days;
    if (in.has[3])
        date_parse(in.no_fiscal_subsidy_from, &r.no_fiscal_subsidy_from);
    if (in.has[4])
        date_parse(in.coverage_end, &r.coverage_end);
    const char *bad = coverage_rules_problem(y->year, &r);
    if (bad) {
        reply_error(rq, 422, "validation_failed", bad,
                    "coverage dates must belong to the year and be in order");
        return OUT_REPLIED;
    }
    date_format(r.full_year_until, y->full_year_until);
    date_format(r.next_month_until, y->next_month_until);
    y->waiting_days = r.waiting_days;
    /* by default a late payer also pays the fiscal share not granted */
    y->late_pays_fiscal_share = in.has[5] ? in.late_pays_fiscal_share : true;
    date_format(r.no_fiscal_subsidy_from, y->no_fiscal_subsidy_from);
    date_format(r.coverage_end, y->coverage_end);
    return OUT_CONTINUE;
}

static outcome window_or_reply(request *rq, db_year *y)
{
    window_in w = {0};
    if (jspec_parse_or_reply(rq, rq->json, "", window_spec, &w) != OUT_CONTINUE)
        return OUT_REPLIED;
    if (strcmp(w.collection_start, w.collection_end) > 0) {
        reply_error(rq, 422, "validation_failed", "collection_end",
                    "must not be before collection_start");
        return OUT_REPLIED;
    }
    memcpy(y->collection_start, w.collection_start, 11);
    memcpy(y->collection_end, w.collection_end, 11);
    return OUT_CONTINUE;
}

static json_t *year_json(const db_year *y)
{
    json_t *tiers = json_array(), *subsidies = json_array();
    for (size_t i = 0; i < y->ntiers; i++)
        json_array_append_new(
            tiers,
            json_pack("{s:i,s:I,s:I}", "tier", y->tiers[i].tier, "contribution",
                      (json_int_t)y->tiers[i].contribution, "fiscal_subsidy",
                      (json_int_t)y->tiers[i].fiscal_subsidy));
    for (size_t i = 0; i < y->nsubsidies; i++)
        json_array_append_new(subsidies,
                              json_pack("{s:s,s:i,s:I}", "category",
                                        y->subsidies[i].category, "tier",
                                        y->subsidies[i].tier, "subsidy",
                                        (json_int_t)y->subsidies[i].subsidy));
    return json_pack("{s:i,s:s,s:s,s:o,s:o,s:{s:s,s:s,s:i,s:s,s:s,s:b},s:s}",
                     "year", y->year, "collection_start", y->collection_start,
                     "collection_end", y->collection_end, "tiers", tiers,
                     "subsidies", subsidies, "coverage", "full_year_until",
                     y->full_year_until, "next_month_until",
                     y->next_month_until, "waiting_days", y->waiting_days,
                     "no_fiscal_subsidy_from", y->no_fiscal_subsidy_from,
                     "coverage_end", y->coverage_end, "late_pays_fiscal_share",
                     y->late_pays_fiscal_share, "updated_at", y->updated_at);
}

static outcome parse_year_or_reply(request *rq, db_year *y)
{
    int64_t year;
    if (path_int_or_reply(rq, 0, "year", 2000, 2100, &year) != OUT_CONTINUE)
        return OUT_REPLIED;
    y->year = (int)year;
    if (!json_is_object(rq->json)) {
        reply_error(rq, 400, "validation_failed", NULL,
                    "the body must be a JSON object");
        return OUT_REPLIED;
    }
    if (window_or_reply(rq, y) != OUT_CONTINUE ||
        tiers_or_reply(rq, json_object_get(rq->json, "tiers"), y) !=
            OUT_CONTINUE ||
        subsidies_or_reply(rq, json_object_get(rq->json, "subsidies"), y) !=
            OUT_CONTINUE ||
        coverage_or_reply(rq, json_object_get(rq->json, "coverage"), y) !=
            OUT_CONTINUE)
        return OUT_REPLIED;
    return OUT_CONTINUE;
}

void handle_year_put(request *rq)
{
    db_year y = {0};
    if (parse_year_or_reply(rq, &y) != OUT_CONTINUE)
        goto out;
    size_t bad = 0;
    bool created = false;
    db_status st = db_year_put(rq->db, &y, &bad, &created);
    if (st == DB_REFERENCE) {
        char field[48];
        snprintf(field, sizeof field, "subsidies[%zu].category", bad);
        reply_error(rq, 422, "validation_failed", field, "unknown category %s",
                    y.subsidies[bad].category);
    } else if (st != DB_OK)
        reply_db_error(rq, st);
    else {
        reply_json(rq, created ? 201 : 200, year_json(&y));
        char loc[32];
        snprintf(loc, sizeof loc, "/v1/years/%d", y.year);
        if (created)
            reply_add_header(rq, MHD_HTTP_HEADER_LOCATION, loc);
    }
out:
    db_year_free(&y);
}

void handle_year_get(request *rq)
{
    int64_t year;
    if (path_int_or_reply(rq, 0, "year", 2000, 2100, &year) != OUT_CONTINUE)
        return;
    db_year y;
    db_status st = db_year_get(rq->db, (int)year, &y);
    if (st == DB_NOT_FOUND)
        reply_not_found(rq, "year");
    else if (st != DB_OK)
        reply_db_error(rq, st);
    else
        reply_json(rq, 200, year_json(&y));
    db_year_free(&y);
}
