/*
 * target_suggestion.c: POST /v1/targets/{year}/suggestion: a target per
 * child of a region the way seed 004 computes it: registered residents
 * minus approved exemptions (minus the employee-insured counts the county
 * supplies), times a goal percentage, rounded as the request says; stored
 * when "apply" is true.
 */
#include "api/api.h"

#include "api/progress_build.h"
#include "common/buf.h"
#include "domain/rate.h"
#include "domain/region.h"
#include "http/auth.h"
#include "http/jspec.h"
#include "http/query.h"
#include "http/reply.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { MAX_EMPLOYEE_ROWS = 5000 };

typedef struct {
    char region[24];
    char group[40];
    char goal[16];
    char rounding[16];
    bool apply;
} suggestion_fields;

static const jspec suggestion_spec[] = {
    {"region", JS_STRING, false, offsetof(suggestion_fields, region), 24, 1, 20,
     JSPEC_NO_FLAG},
    {"group", JS_STRING, false, offsetof(suggestion_fields, group), 40, 1, 32,
     JSPEC_NO_FLAG},
    {"goal", JS_STRING, true, offsetof(suggestion_fields, goal), 16, 1, 6,
     JSPEC_NO_FLAG},
    {"rounding", JS_STRING, false, offsetof(suggestion_fields, rounding), 16, 1,
     10, JSPEC_NO_FLAG},
    {"apply", JS_BOOL, false, offsetof(suggestion_fields, apply), 0, 0, 0,
     JSPEC_NO_FLAG},
    JSPEC_END,
};

/* "employee_insured": [{"region_code","count"}] as two array literals. */
static outcome employee_or_reply(request *rq, buf *regions, buf *counts)
{
    json_t *arr = json_object_get(rq->json, "employee_insured");
    bool ok = buf_append_str(regions, "{") && buf_append_str(counts, "{");
    if (arr && !json_is_null(arr)) {
        if (jspec_array_or_reply(rq, arr, "employee_insured", 0,
                                 MAX_EMPLOYEE_ROWS) != OUT_CONTINUE)
            return OUT_REPLIED;
        size_t i;
        json_t *o;
        json_array_foreach (arr, i, o) {
            json_t *code = json_object_get(o, "region_code");
            json_t *n = json_object_get(o, "count");
            if (!json_is_string(code) ||
                !region_code_valid(json_string_value(code)) ||
                !json_is_integer(n) || json_integer_value(n) < 0 ||
                json_integer_value(n) > 100000000) {
                reply_error(rq, 422, "validation_failed", "employee_insured",
                            "item %zu needs region_code and a count from 0 "
                            "to 100000000",
                            i);
                return OUT_REPLIED;
            }
            ok = ok &&
                 buf_printf(regions, "%s%s", i ? "," : "",
                            json_string_value(code)) &&
                 buf_printf(counts, "%s%lld", i ? "," : "",
                            (long long)json_integer_value(n));
        }
    }
    ok = ok && buf_append_str(regions, "}") && buf_append_str(counts, "}");
    if (!ok) {
        reply_error(rq, 500, "internal", NULL, "out of memory");
        return OUT_REPLIED;
    }
    return OUT_CONTINUE;
}

typedef struct {
    json_t *rows;
    buf regions, groups, targets; /* for apply */
    const char *group;
    size_t n;
    bool nomem;
} suggestion_ctx;

static void on_suggestion(void *cls, const db_target_suggestion *s)
{
    suggestion_ctx *x = cls;
    json_array_append_new(
        x->rows,
        json_pack("{s:s,s:s,s:I,s:I,s:I,s:I,s:I}", "region_code",
                  s->region_code, "name", s->name, "registered",
                  (json_int_t)s->registered, "exempted",
                  (json_int_t)s->exempted, "employee_insured",
                  (json_int_t)s->employee_insured, "base", (json_int_t)s->base,
                  "target", (json_int_t)s->target));
    const char *sep = x->n++ ? "," : "";
    x->nomem |= !buf_printf(&x->regions, "%s%s", sep, s->region_code) ||
                !buf_printf(&x->groups, "%s%s", sep, x->group) ||
                !buf_printf(&x->targets, "%s%lld", sep, (long long)s->target);
}

static void on_problem(void *cls, int i, const char *field, const char *problem)
{
    (void)i;
    (void)field;
    *(const char **)cls = strcmp(problem, "unknown_category") == 0
                              ? "unknown category"
                              : "cannot be stored";
}

void handle_target_suggestion(request *rq)
{
    int64_t y;
    suggestion_fields f = {0};
    if (path_int_or_reply(rq, 0, "year", 2000, 2100, &y) != OUT_CONTINUE ||
        jspec_parse_or_reply(rq, rq->json, "", suggestion_spec, &f) !=
            OUT_CONTINUE)
        return;
    int64_t goal_bp;
    if (!rate_parse_percent(f.goal, &goal_bp)) {
        reply_error(rq, 422, "validation_failed", "goal",
                    "must be a percentage from 0 to 100 (\"95\", \"98.5\")");
        return;
    }
    if (!f.rounding[0])
        strcpy(f.rounding, "half_up");
    if (strcmp(f.rounding, "half_up") && strcmp(f.rounding, "down") &&
        strcmp(f.rounding, "up")) {
        reply_error(rq, 422, "validation_failed", "rounding",
                    "must be half_up, down or up");
        return;
    }
    if (!f.group[0])
        strcpy(f.group, "all");
    db_region reg;
    if (region_in_scope_or_reply(rq, f.region, &reg) != OUT_CONTINUE)
        return;
    db_category cat;
    db_status st =
        strcmp(f.group, "all") ? db_category_get(rq->db, f.group, &cat) : DB_OK;
    if (st == DB_NOT_FOUND) {
        reply_error(rq, 422, "validation_failed", "group",
                    "unknown category %s", f.group);
        return;
    }
    bool known = false;
    if (st == DB_OK)
        st = db_year_exists(rq->db, (int)y, &known);
    if (st != DB_OK) {
        reply_db_error(rq, st);
        return;
    }
    if (!known) {
        reply_error(rq, 404, "not_found", "year", "year %d is not configured",
                    (int)y);
        return;
    }
    buf er = {0}, ec = {0};
    suggestion_ctx x = {json_array(), {0}, {0}, {0}, f.group, 0, false};
    if (employee_or_reply(rq, &er, &ec) == OUT_CONTINUE) {
        st =
            db_targets_suggest(rq->db, (int)y, reg.code, f.group, goal_bp,
                               f.rounding, er.data, ec.data, on_suggestion, &x);
        const char *problem = NULL;
        if (st == DB_OK && f.apply && x.n > 0 && !x.nomem) {
            char *a = NULL, *b = NULL, *c = NULL;
            buf ba = {0}, bb = {0}, bc = {0};
            if (buf_printf(&ba, "{%s}", x.regions.data) &&
                buf_printf(&bb, "{%s}", x.groups.data) &&
                buf_printf(&bc, "{%s}", x.targets.data)) {
                a = buf_steal(&ba);
                b = buf_steal(&bb);
                c = buf_steal(&bc);
            }
            int nproblems = 0;
            st = a && b && c
                     ? db_targets_put(rq->db, (int)y, a, b, c,
                                      rq->who.region[0] ? rq->who.region : NULL,
                                      false, false, on_problem, &problem,
                                      &nproblems)
                     : DB_ERROR;
            buf_free(&ba);
            buf_free(&bb);
            buf_free(&bc);
            free(a);
            free(b);
            free(c);
        }
        if (st != DB_OK)
            reply_db_error(rq, st);
        else if (x.nomem)
            reply_error(rq, 500, "internal", NULL, "out of memory");
        else if (problem)
            reply_error(rq, 422, "validation_failed", "group", "%s", problem);
        else {
            char goal[32];
            rate_format(goal_bp, 10000, goal);
            reply_json(rq, 200,
                       json_pack("{s:i,s:s,s:s,s:s,s:s,s:b,s:O}", "year",
                                 (int)y, "region", reg.code, "group", f.group,
                                 "goal", goal, "rounding", f.rounding,
                                 "applied", f.apply, "rows", x.rows));
        }
    }
    json_decref(x.rows);
    buf_free(&x.regions);
    buf_free(&x.groups);
    buf_free(&x.targets);
    buf_free(&er);
    buf_free(&ec);
}
