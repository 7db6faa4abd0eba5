/*
 * targets.c: the county's targets (任务数). PUT /v1/targets/{year} takes
 * JSON [{"region_code","group","target"}] or CSV region_code,group,target
 * and stores all lines or none; GET lists them; POST
 * /v1/targets/{year}/suggestion computes them the way seed 004 does.
 */
#include "api/api.h"

#include "api/progress_build.h"
#include "app.h"
#include "common/buf.h"
#include "domain/csv.h"
#include "domain/rate.h"
#include "domain/region.h"
#include "http/auth.h"
#include "http/csvbody.h"
#include "http/jspec.h"
#include "http/query.h"
#include "http/reply.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

enum { MAX_TARGET_LINES = 20000, MAX_TARGET = 100000000 };

/* The lines of a PUT, checked for shape; the database checks the rest. */
typedef struct {
    buf regions, groups, targets; /* owned: PostgreSQL array literals */
    size_t *line_of;              /* owned: request line of each element */
    size_t n, cap;
    json_t *rejected; /* owned */
    bool csv;
    bool seen_header, header_ok; /* CSV: its first record */
    bool nomem;
} target_lines;

static void lines_free(target_lines *t)
{
    buf_free(&t->regions);
    buf_free(&t->groups);
    buf_free(&t->targets);
    free(t->line_of);
    json_decref(t->rejected);
}

static bool group_valid(const char *g)
{
    if (!strcmp(g, "all"))
        return true;
    size_t len = strlen(g);
    if (len < 1 || len > 32 || g[0] < 'a' || g[0] > 'z')
        return false;
    for (size_t i = 1; i < len; i++)
        if (!((g[i] >= 'a' && g[i] <= 'z') || (g[i] >= '0' && g[i] <= '9') ||
              g[i] == '_'))
            return false;
    return true;
}

static void reject(target_lines *t, size_t line, const char *field,
                   const char *msg)
{
    if (t->csv)
        json_array_append_new(t->rejected,
                              csvbody_rejection(line, field, "%s", msg));
    else
        json_array_append_new(t->rejected,
                              json_pack("{s:I,s:{s:s,s:s,s:s}}", "index",
                                        (json_int_t)line, "error", "code",
                                        "validation_failed", "field", field,
                                        "message", msg));
}

/* One line: checks its shape and appends it (line: CSV line, or JSON
 * array index). */
static void add_line(target_lines *t, size_t line, const char *region,
                     const char *group, const char *target)
{
    int64_t v;
    if (!region_code_valid(region)) {
        reject(t, line, "region_code", "must be a region code (digits)");
        return;
    }
    if (!group_valid(group)) {
        reject(t, line, "group", "must be 'all' or a category code");
        return;
    }
    if (!parse_int64(target, 0, MAX_TARGET, &v)) {
        reject(t, line, "target", "must be an integer from 0 to 100000000");
        return;
    }
    if (t->n == MAX_TARGET_LINES) {
        reject(t, line, "target", "too many lines (20000 at most)");
        return;
    }
    if (t->n == t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 256;
        size_t *l = realloc(t->line_of, cap * sizeof *l);
        if (!l) {
            t->nomem = true;
            return;
        }
        t->line_of = l;
        t->cap = cap;
    }
    const char *sep = t->n ? "," : "";
    t->nomem |= !buf_printf(&t->regions, "%s%s", sep, region) ||
                !buf_printf(&t->groups, "%s%s", sep, group) ||
                !buf_printf(&t->targets, "%s%lld", sep, (long long)v);
    t->line_of[t->n++] = line;
}

static int csv_line(void *cls, const csv_record *rec)
{
    target_lines *t = cls;
    if (!t->seen_header) { /* the first record: the header, or stop */
        t->seen_header = true;
        t->header_ok = !rec->error && rec->nfields == 3 &&
                       !strcmp(rec->fields[0], "region_code") &&
                       !strcmp(rec->fields[1], "group") &&
                       !strcmp(rec->fields[2], "target");
        return t->header_ok ? 0 : 1;
    }
    if (rec->error) {
        reject(t, rec->line, "line", rec->error);
        return 0;
    }
    if (rec->nfields != 3) {
        reject(t, rec->line, "line", "must have 3 fields");
        return 0;
    }
    add_line(t, rec->line, rec->fields[0], rec->fields[1], rec->fields[2]);
    return 0;
}

static outcome csv_lines_or_reply(request *rq, target_lines *t)
{
    csv_reader *r = csv_reader_new(csv_line, t, 200, 8);
    csv_status st = CSV_ERR_NOMEM;
    if (r) {
        st = csv_feed(r, rq->body.data ? rq->body.data : "", rq->body.len);
        if (st == CSV_OK)
            st = csv_finish(r);
        csv_reader_free(r);
    }
    if (r && !t->header_ok) {
        reply_error(rq, 400, "validation_failed", "header",
                    "the header must be region_code,group,target");
        return OUT_REPLIED;
    }
    if (st == CSV_ERR_UNTERMINATED_QUOTE) {
        reply_error(rq, 400, "validation_failed", "body", "unterminated quote");
        return OUT_REPLIED;
    }
    if (st != CSV_OK) {
        reply_error(rq, 500, "internal", NULL, "out of memory");
        return OUT_REPLIED;
    }
    return OUT_CONTINUE;
}

static outcome json_lines_or_reply(request *rq, target_lines *t)
{
    json_error_t err;
    json_t *arr = json_loadb(rq->body.data ? rq->body.data : "", rq->body.len,
                             JSON_REJECT_DUPLICATES, &err);
    if (!arr) {
        reply_error(rq, 400, "invalid_json", NULL, "body is not JSON: %s",
                    err.text);
        return OUT_REPLIED;
    }
    if (!json_is_array(arr)) {
        json_decref(arr);
        reply_error(rq, 400, "validation_failed", NULL,
                    "body must be an array of targets");
        return OUT_REPLIED;
    }
    size_t i;
    json_t *o;
    json_array_foreach (arr, i, o) {
        json_t *reg = json_object_get(o, "region_code");
        json_t *grp = json_object_get(o, "group");
        json_t *tgt = json_object_get(o, "target");
        char num[32];
        if (!json_is_object(o) || !json_is_string(reg) ||
            !json_is_integer(tgt)) {
            reject(t, i, !json_is_string(reg) ? "region_code" : "target",
                   "each target needs region_code (string) and target "
                   "(integer)");
            continue;
        }
        if (grp && !json_is_null(grp) && !json_is_string(grp)) {
            reject(t, i, "group", "must be a string");
            continue;
        }
        snprintf(num, sizeof num, "%lld", (long long)json_integer_value(tgt));
        add_line(t, i, json_string_value(reg),
                 grp && json_is_string(grp) ? json_string_value(grp) : "all",
                 num);
    }
    json_decref(arr);
    return OUT_CONTINUE;
}

static size_t line_key(json_t *rejection)
{
    json_t *k = json_object_get(rejection, "line");
    if (!k)
        k = json_object_get(rejection, "index");
    return (size_t)json_integer_value(k);
}

/* The rejected lines in line order (shape problems are found before the
 * database's). */
static void sort_rejected(json_t *arr)
{
    size_t n = json_array_size(arr);
    for (size_t i = 1; i < n; i++)
        for (size_t j = i; j > 0 && line_key(json_array_get(arr, j - 1)) >
                                        line_key(json_array_get(arr, j));
             j--) {
            json_t *a = json_incref(json_array_get(arr, j - 1));
            json_array_set(arr, j - 1, json_array_get(arr, j));
            json_array_set_new(arr, j, a);
        }
}

static const char *problem_text(const char *p)
{
    if (!strcmp(p, "unknown_region"))
        return "unknown region";
    if (!strcmp(p, "out_of_scope"))
        return "outside the caller's region";
    if (!strcmp(p, "unknown_category"))
        return "unknown category";
    if (!strcmp(p, "duplicate"))
        return "this region and group come twice";
    return p;
}

typedef struct {
    target_lines *t;
    bool unknown_year;
} problem_ctx;

static void on_problem(void *cls, int i, const char *field, const char *problem)
{
    problem_ctx *x = cls;
    if (i == 0) {
        x->unknown_year = true;
        return;
    }
    reject(x->t, x->t->line_of[i - 1],
           !strcmp(field, "group") ? "group" : field, problem_text(problem));
}

static void on_target(void *cls, const db_target *t)
{
    json_array_append_new(
        cls, json_pack("{s:s,s:s,s:s,s:I,s:s}", "region_code", t->region_code,
                       "region_name", t->region_name, "group", t->grp, "target",
                       (json_int_t)t->target, "updated_at", t->updated_at));
}

static outcome year_or_reply(request *rq, int *year)
{
    int64_t y;
    if (path_int_or_reply(rq, 0, "year", 2000, 2100, &y) != OUT_CONTINUE)
        return OUT_REPLIED;
    *year = (int)y;
    return OUT_CONTINUE;
}

static void reply_targets(request *rq, unsigned status, int year,
                          const char *region, const char *grp)
{
    json_t *arr = json_array();
    db_status st = db_targets_list(rq->db, year, region, grp, on_target, arr);
    if (st != DB_OK) {
        json_decref(arr);
        reply_db_error(rq, st);
        return;
    }
    reply_json(rq, status,
               json_pack("{s:i,s:o,s:o}", "year", year, "region",
                         region ? json_string(region) : json_null(), "targets",
                         arr));
}

void handle_targets_put(request *rq)
{
    int year;
    if (year_or_reply(rq, &year) != OUT_CONTINUE)
        return;
    const char *ct = request_header(rq, "Content-Type");
    target_lines t = {0};
    t.rejected = json_array();
    t.csv = ct && !strncasecmp(ct, "text/csv", 8);
    if (!t.csv && !(ct && !strncasecmp(ct, "application/json", 16))) {
        lines_free(&t);
        reply_error(rq, 415, "unsupported_media_type", "Content-Type",
                    "send application/json or text/csv");
        return;
    }
    const char *rep = request_query(rq, "replace");
    bool replace = rep && !strcmp(rep, "true");
    if ((t.csv ? csv_lines_or_reply(rq, &t) : json_lines_or_reply(rq, &t)) !=
        OUT_CONTINUE) {
        lines_free(&t);
        return;
    }
    if (t.nomem) {
        lines_free(&t);
        reply_error(rq, 500, "internal", NULL, "out of memory");
        return;
    }
    if (json_array_size(t.rejected) == 0 && t.n == 0) {
        lines_free(&t);
        reply_error(rq, 422, "validation_failed", "body", "no targets given");
        return;
    }
    char *regions = NULL, *groups = NULL, *targets = NULL;
    int nproblems = 0;
    problem_ctx px = {&t, false};
    db_status st = DB_OK;
    /* the database checks what the lines' shape cannot tell (regions,
     * categories, scope, duplicates), for every line, storing only when
     * all are good */
    bool shape_ok = json_array_size(t.rejected) == 0;
    if (t.n > 0) {
        buf a = {0}, b = {0}, c = {0};
        bool ok =
            buf_printf(&a, "{%s}", t.regions.data ? t.regions.data : "") &&
            buf_printf(&b, "{%s}", t.groups.data ? t.groups.data : "") &&
            buf_printf(&c, "{%s}", t.targets.data ? t.targets.data : "");
        regions = buf_steal(&a);
        groups = buf_steal(&b);
        targets = buf_steal(&c);
        buf_free(&a);
        buf_free(&b);
        buf_free(&c);
        const char *scope = rq->who.region[0] ? rq->who.region : NULL;
        st =
            ok ? db_targets_put(rq->db, year, regions, groups, targets, scope,
                                replace, !shape_ok, on_problem, &px, &nproblems)
               : DB_ERROR;
    }
    free(regions);
    free(groups);
    free(targets);
    if (st != DB_OK) {
        lines_free(&t);
        reply_db_error(rq, st);
        return;
    }
    if (px.unknown_year) {
        lines_free(&t);
        reply_error(rq, 404, "not_found", "year", "year %d is not configured",
                    year);
        return;
    }
    size_t bad = json_array_size(t.rejected);
    if (bad) {
        sort_rejected(t.rejected);
        json_t *first = json_object_get(json_array_get(t.rejected, 0), "error");
        json_t *body = json_pack(
            "{s:{s:s,s:s,s:O},s:O}", "error", "code", "validation_failed",
            "message", "lines refused; nothing was stored", "field",
            json_object_get(first, "field"), "rejected", t.rejected);
        lines_free(&t);
        reply_json(rq, 422, body);
        return;
    }
    lines_free(&t);
    reply_targets(rq, 200, year, rq->who.region[0] ? rq->who.region : NULL,
                  NULL);
}

void handle_targets_get(request *rq)
{
    int year;
    if (year_or_reply(rq, &year) != OUT_CONTINUE)
        return;
    const char *code = request_query(rq, "region");
    if (!code || !code[0])
        code = rq->who.region[0] ? rq->who.region : NULL;
    db_region reg;
    if (code && region_in_scope_or_reply(rq, code, &reg) != OUT_CONTINUE)
        return;
    const char *grp = request_query(rq, "group");
    if (grp && !group_valid(grp)) {
        reply_error(rq, 400, "validation_failed", "group",
                    "must be 'all' or a category code");
        return;
    }
    reply_targets(rq, 200, year, code, grp);
}
