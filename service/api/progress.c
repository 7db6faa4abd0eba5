/*
 * progress.c: GET /v1/progress (the ranked report, 通报表, as JSON) and
 * GET /v1/progress/daily (enrolled per Beijing day, for trend lines).
 */
#include "api/api.h"

#include "api/progress_build.h"
#include "domain/date.h"
#include "domain/rate.h"
#include "domain/region.h"
#include "http/reply.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static json_t *cell_json(const progress_cell *c)
{
    return json_pack("{s:o,s:I,s:o}", "target",
                     c->has_target ? json_integer(c->target) : json_null(),
                     "enrolled", (json_int_t)c->enrolled, "rate",
                     c->has_rate ? json_string(c->rate) : json_null());
}

static json_t *row_json(const progress_report *r, const progress_row *row,
                        bool total)
{
    json_t *o = cell_json(&row->all);
    if (!total)
        json_object_set_new(o, "rank", json_integer(row->rank));
    json_object_set_new(o, "code", json_string(row->code));
    json_object_set_new(o, "name", json_string(row->name));
    json_object_set_new(o, "level", json_string(region_level_name(row->level)));
    json_t *groups = json_object();
    for (size_t g = 0; g < r->ngroups; g++)
        json_object_set_new(groups, r->group_codes[g],
                            cell_json(&row->groups[g]));
    json_object_set_new(o, "groups", groups);
    json_t *flags = json_array();
    if (row->below_warn)
        json_array_append_new(flags, json_string("below_warn"));
    if (row->below_alert)
        json_array_append_new(flags, json_string("below_alert"));
    if (row->bottom_three)
        json_array_append_new(flags, json_string("bottom_three"));
    json_object_set_new(o, "flags", flags);
    return o;
}

static json_t *bp_json(int64_t bp)
{
    char s[32];
    rate_format(bp, 10000, s); /* bp / 100 as a percentage string */
    return json_string(s);
}

void handle_progress_get(request *rq)
{
    progress_report r;
    if (progress_report_or_reply(rq, &r) != OUT_CONTINUE)
        return;
    json_t *rows = json_array();
    for (size_t i = 0; i < r.nrows; i++)
        json_array_append_new(rows, row_json(&r, &r.rows[i], false));
    json_t *groups = json_array();
    for (size_t g = 0; g < r.ngroups; g++)
        json_array_append_new(groups,
                              json_pack("{s:s,s:s}", "code", r.group_codes[g],
                                        "name", r.group_names[g]));
    json_t *body = json_pack(
        "{s:i,s:s,s:s,s:s,s:s,s:{s:o,s:o},s:o,s:o,s:o}", "year", r.year,
        "region", r.region_code, "region_name", r.region_name, "region_level",
        region_level_name(r.region_level), "as_of", r.as_of, "thresholds",
        "warn", bp_json(r.warn_bp), "alert", bp_json(r.alert_bp), "groups",
        groups, "rows", rows, "total", row_json(&r, &r.total, true));
    progress_report_free(&r);
    reply_json(rq, 200, body);
}

typedef struct {
    json_t *days;
    int64_t enrolled;
    bool has_target;
    int64_t target;
    const char *from, *to; /* "" for no bound */
} daily_ctx;

static void add_day(void *cls, const char *day, int64_t added)
{
    daily_ctx *x = cls;
    x->enrolled += added;
    if ((x->from[0] && strcmp(day, x->from) < 0) ||
        (x->to[0] && strcmp(day, x->to) > 0))
        return;
    char rate[32];
    bool has_rate = x->has_target && rate_format(x->enrolled, x->target, rate);
    json_array_append_new(
        x->days,
        json_pack("{s:s,s:I,s:I,s:o}", "date", day, "added", (json_int_t)added,
                  "enrolled", (json_int_t)x->enrolled, "rate",
                  has_rate ? json_string(rate) : json_null()));
}

static outcome bound_or_reply(request *rq, const char *name, const char **out)
{
    const char *q = request_query(rq, name);
    civil_date d;
    *out = "";
    if (q && q[0]) {
        if (!date_parse(q, &d)) {
            reply_error(rq, 400, "validation_failed", name,
                        "must be a date (YYYY-MM-DD)");
            return OUT_REPLIED;
        }
        *out = q;
    }
    return OUT_CONTINUE;
}

void handle_progress_daily(request *rq)
{
    daily_ctx x = {0};
    if (bound_or_reply(rq, "from", &x.from) != OUT_CONTINUE ||
        bound_or_reply(rq, "to", &x.to) != OUT_CONTINUE)
        return;
    int year;
    db_region region;
    progress_cell total = {0};
    if (progress_scope_or_reply(rq, &year, &region) != OUT_CONTINUE ||
        progress_region_target_or_reply(rq, year, &region, &total) !=
            OUT_CONTINUE)
        return;
    x.days = json_array();
    x.has_target = total.has_target;
    x.target = total.target;
    db_status st = db_progress_days(rq->db, year, region.code, add_day, &x);
    if (st != DB_OK) {
        json_decref(x.days);
        reply_db_error(rq, st);
        return;
    }
    /* every change is dated no later than now, so the days add up to the
     * count a report shows */
    total.enrolled = x.enrolled;
    char rate[32];
    bool has_rate =
        total.has_target && rate_format(total.enrolled, total.target, rate);
    json_t *body =
        json_pack("{s:i,s:s,s:s,s:o,s:o,s:I,s:o}", "year", year, "region",
                  region.code, "region_name", region.name, "target",
                  total.has_target ? json_integer(total.target) : json_null(),
                  "rate", has_rate ? json_string(rate) : json_null(),
                  "enrolled", (json_int_t)total.enrolled, "days", x.days);
    reply_json(rq, 200, body);
}
