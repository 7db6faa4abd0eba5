/*
 * incentive_report.c: GET /v1/incentives/{year}/report?region=: per
 * village under the region, its target, the people enrolled by each
 * deadline and the rate then, the best rule it met, the incentive it
 * earned (enrolled by that rule's deadline x fen per person) and its
 * data-entry fee (enrolled now x the fee), with totals.
 */
#include "api/api.h"
#include "api/incentives.h"

#include "api/people.h"
#include "domain/incentive.h"
#include "domain/rate.h"
#include "http/reply.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The year's distinct deadlines, in order (the rules are sorted). */
typedef struct {
    size_t n;
    char d[INCENTIVE_MAX_RULES][11];
} deadlines;

typedef struct {
    char code[CODE_MAX_BYTES], name[NAME_MAX_BYTES];
    bool has_target;
    int64_t target, enrolled_now;
    int64_t by[INCENTIVE_MAX_RULES]; /* enrolled by deadline k */
} village;

typedef struct {
    const deadlines *dl;
    size_t n, cap;
    village *v; /* owned */
    bool failed;
} read_ctx;

static void add_row(void *cls, const db_incentive_row *r)
{
    read_ctx *x = cls;
    if (x->failed)
        return;
    if (!x->n || strcmp(x->v[x->n - 1].code, r->code) != 0) {
        if (x->n == x->cap) {
            size_t cap = x->cap ? 2 * x->cap : 64;
            village *more = realloc(x->v, cap * sizeof *more);
            if (!more) {
                x->failed = true;
                return;
            }
            x->v = more;
            x->cap = cap;
        }
        village *v = &x->v[x->n++];
        memset(v, 0, sizeof *v);
        snprintf(v->code, sizeof v->code, "%s", r->code);
        snprintf(v->name, sizeof v->name, "%s", r->name);
        v->has_target = r->has_target;
        v->target = r->target;
        v->enrolled_now = r->enrolled_now;
    }
    for (size_t k = 0; k < x->dl->n; k++)
        if (!strcmp(x->dl->d[k], r->deadline))
            x->v[x->n - 1].by[k] = r->enrolled;
}

static json_t *rate_json(bool has_target, int64_t enrolled, int64_t target)
{
    char rate[32];
    if (has_target && rate_format(enrolled, target, rate))
        return json_string(rate);
    return json_null();
}

static json_t *by_deadline_json(const deadlines *dl, const int64_t *by,
                                bool has_target, int64_t target)
{
    json_t *a = json_array();
    for (size_t k = 0; k < dl->n; k++)
        json_array_append_new(a,
                              json_pack("{s:s,s:I,s:o}", "deadline", dl->d[k],
                                        "enrolled", (json_int_t)by[k], "rate",
                                        rate_json(has_target, by[k], target)));
    return a;
}

typedef struct {
    bool has_target;
    int64_t target, enrolled_now, incentive, entry_fee;
    int64_t by[INCENTIVE_MAX_RULES];
} totals;

/* One village's row; adds it to t. */
static json_t *village_json(const db_incentives *in, const deadlines *dl,
                            const village *v, totals *t)
{
    incentive_rule rules[INCENTIVE_MAX_RULES];
    int64_t enrolled[INCENTIVE_MAX_RULES];
    for (size_t i = 0; i < in->nrules; i++) {
        memcpy(rules[i].deadline, in->deadline[i], 11);
        rules[i].min_bp = in->min_bp[i];
        rules[i].fen_per_person = in->fen[i];
        enrolled[i] = 0;
        for (size_t k = 0; k < dl->n; k++)
            if (!strcmp(dl->d[k], in->deadline[i]))
                enrolled[i] = v->by[k];
    }
    int best = incentive_best_rule(rules, in->nrules, enrolled, v->has_target,
                                   v->target);
    int64_t incentive =
        best < 0 ? 0 : enrolled[best] * rules[best].fen_per_person;
    int64_t fee = v->enrolled_now * in->entry_fee;
    t->has_target = t->has_target || v->has_target;
    t->target += v->has_target ? v->target : 0;
    t->enrolled_now += v->enrolled_now;
    t->incentive += incentive;
    t->entry_fee += fee;
    for (size_t k = 0; k < dl->n; k++)
        t->by[k] += v->by[k];
    json_t *rule =
        best < 0 ? json_null()
                 : incentive_rule_json(rules[best].deadline, rules[best].min_bp,
                                       rules[best].fen_per_person);
    return json_pack("{s:s,s:s,s:o,s:I,s:o,s:o,s:I,s:I,s:I}", "code", v->code,
                     "name", v->name, "target",
                     v->has_target ? json_integer(v->target) : json_null(),
                     "enrolled", (json_int_t)v->enrolled_now, "by_deadline",
                     by_deadline_json(dl, v->by, v->has_target, v->target),
                     "rule", rule, "incentive_fen", (json_int_t)incentive,
                     "entry_fee_fen", (json_int_t)fee, "total_fen",
                     (json_int_t)(incentive + fee));
}

void handle_incentive_report(request *rq)
{
    db_incentives in;
    db_region region;
    deadlines dl = {0};
    if (incentive_scheme_or_reply(rq, &in) != OUT_CONTINUE ||
        list_region_or_reply(rq, &region) != OUT_CONTINUE)
        return;
    for (size_t i = 0; i < in.nrules; i++)
        if (!dl.n || strcmp(dl.d[dl.n - 1], in.deadline[i]) != 0)
            memcpy(dl.d[dl.n++], in.deadline[i], 11);
    read_ctx x = {.dl = &dl};
    db_status st =
        db_incentive_report(rq->db, in.year, region.code, add_row, &x);
    if (st != DB_OK || x.failed) {
        if (st != DB_OK)
            reply_db_error(rq, st);
        else
            reply_error(rq, 500, "internal", NULL, "out of memory");
        free(x.v);
        return;
    }
    totals t = {0};
    json_t *rows = json_array(), *names = json_array();
    for (size_t i = 0; i < x.n; i++)
        json_array_append_new(rows, village_json(&in, &dl, &x.v[i], &t));
    for (size_t k = 0; k < dl.n; k++)
        json_array_append_new(names, json_string(dl.d[k]));
    json_t *total = json_pack(
        "{s:o,s:I,s:o,s:I,s:I,s:I}", "target",
        t.has_target ? json_integer(t.target) : json_null(), "enrolled",
        (json_int_t)t.enrolled_now, "by_deadline",
        by_deadline_json(&dl, t.by, t.has_target, t.target), "incentive_fen",
        (json_int_t)t.incentive, "entry_fee_fen", (json_int_t)t.entry_fee,
        "total_fen", (json_int_t)(t.incentive + t.entry_fee));
    reply_json(rq, 200,
               json_pack("{s:i,s:s,s:s,s:I,s:o,s:o,s:o,s:o}", "year", in.year,
                         "region", region.code, "region_name", region.name,
                         "entry_fee_fen_per_person", (json_int_t)in.entry_fee,
                         "deadlines", names, "rules", incentive_rules_json(&in),
                         "rows", rows, "total", total));
    free(x.v);
}
