/*
 * progress_build.c: the progress report of a request, from the counts the
 * database keeps (migration 011), the targets, and the region tree.
 */
#include "api/progress_build.h"

#include "app.h"
#include "domain/date.h"
#include "domain/rate.h"
#include "domain/region.h"
#include "domain/timestamp.h"
#include "http/auth.h"
#include "http/query.h"
#include "http/reply.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum { MAX_TARGET_ROWS = 20000 };

void progress_format_time(int64_t unix_s, char iso[40], char label[40])
{
    time_t t = (time_t)(unix_s + 8 * 3600);
    struct tm tm;
    gmtime_r(&t, &tm);
    /* the modulos tell the compiler how wide each field can be */
    unsigned y = (unsigned)(tm.tm_year + 1900) % 10000u,
             mo = (unsigned)(tm.tm_mon + 1) % 100u,
             d = (unsigned)tm.tm_mday % 100u, h = (unsigned)tm.tm_hour % 100u,
             mi = (unsigned)tm.tm_min % 100u, s = (unsigned)tm.tm_sec % 100u;
    snprintf(iso, 40, "%04u-%02u-%02uT%02u:%02u:%02u+08:00", y, mo, d, h, mi,
             s);
    snprintf(label, 40, "%04u年%u月%u日%02u时%02u分", y, mo, d, h, mi);
}

outcome region_in_scope_or_reply(request *rq, const char *code, db_region *out)
{
    if (!code || !code[0])
        code = rq->who.region[0] ? rq->who.region : NULL;
    if (!code) {
        reply_error(rq, 400, "validation_failed", "region", "is required");
        return OUT_REPLIED;
    }
    db_status st = region_code_valid(code) ? db_region_get(rq->db, code, out)
                                           : DB_NOT_FOUND;
    if (st == DB_NOT_FOUND) {
        reply_error(rq, 404, "not_found", "region", "no region %s", code);
        return OUT_REPLIED;
    }
    if (st != DB_OK) {
        reply_db_error(rq, st);
        return OUT_REPLIED;
    }
    return auth_check_or_reply(rq, out);
}

outcome progress_scope_or_reply(request *rq, int *year, db_region *region)
{
    if (query_year_or_reply(rq, year) != OUT_CONTINUE)
        return OUT_REPLIED;
    if (region_in_scope_or_reply(rq, request_query(rq, "region"), region) !=
        OUT_CONTINUE)
        return OUT_REPLIED;
    bool known;
    db_status st = db_year_exists(rq->db, *year, &known);
    if (st != DB_OK) {
        reply_db_error(rq, st);
        return OUT_REPLIED;
    }
    if (!known) {
        reply_error(rq, 404, "not_found", "year", "year %d is not configured",
                    *year);
        return OUT_REPLIED;
    }
    return OUT_CONTINUE;
}

/* ?groups=a,b: known category codes, each once, at most
 * PROGRESS_MAX_GROUPS; also builds the array literal {all,a,b}. */
static outcome groups_or_reply(request *rq, progress_report *r, char *lit,
                               size_t litsz)
{
    snprintf(lit, litsz, "{all");
    const char *q = request_query(rq, "groups");
    if (!q || !q[0]) {
        strcat(lit, "}");
        return OUT_CONTINUE;
    }
    const char *p = q;
    while (*p) {
        const char *end = strchr(p, ',');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        char code[PROGRESS_CODE_BYTES];
        bool ok = len >= 1 && len < 33;
        if (ok) {
            memcpy(code, p, len);
            code[len] = '\0';
            for (size_t i = 0; i < len && ok; i++)
                ok = (code[i] >= 'a' && code[i] <= 'z') ||
                     (i > 0 &&
                      ((code[i] >= '0' && code[i] <= '9') || code[i] == '_'));
        }
        if (!ok) {
            reply_error(rq, 400, "validation_failed", "groups",
                        "must be category codes separated by commas");
            return OUT_REPLIED;
        }
        for (size_t g = 0; g < r->ngroups; g++)
            if (!strcmp(r->group_codes[g], code)) {
                reply_error(rq, 400, "validation_failed", "groups",
                            "%s is named twice", code);
                return OUT_REPLIED;
            }
        if (r->ngroups == PROGRESS_MAX_GROUPS) {
            reply_error(rq, 400, "validation_failed", "groups",
                        "at most %d groups", PROGRESS_MAX_GROUPS);
            return OUT_REPLIED;
        }
        db_category cat;
        db_status st = db_category_get(rq->db, code, &cat);
        if (st == DB_NOT_FOUND) {
            reply_error(rq, 422, "validation_failed", "groups",
                        "unknown category %s", code);
            return OUT_REPLIED;
        }
        if (st != DB_OK) {
            reply_db_error(rq, st);
            return OUT_REPLIED;
        }
        snprintf(r->group_codes[r->ngroups], PROGRESS_CODE_BYTES, "%s", code);
        snprintf(r->group_names[r->ngroups], PROGRESS_NAME_BYTES, "%s",
                 cat.name);
        r->ngroups++;
        strcat(lit, ",");
        strcat(lit, code);
        p += len;
        if (*p == ',')
            p++;
    }
    strcat(lit, "}");
    return OUT_CONTINUE;
}

/* ?as_of=: an RFC 3339 time, or a date meaning the end of that day in
 * Beijing; absent: now. */
static outcome as_of_or_reply(request *rq, progress_report *r, bool *given)
{
    const char *q = request_query(rq, "as_of");
    int64_t at;
    civil_date day;
    *given = q && q[0];
    if (!*given)
        at = (int64_t)time(NULL);
    else if (date_parse(q, &day))
        at = (date_to_days(day) + 1) * 86400 - 8 * 3600 - 1;
    else if (!timestamp_parse(q, &at, &day)) {
        reply_error(rq, 400, "validation_failed", "as_of",
                    "must be a date or an RFC 3339 time with its offset");
        return OUT_REPLIED;
    }
    progress_format_time(at, r->as_of, r->as_of_label);
    return OUT_CONTINUE;
}

static outcome threshold_or_reply(request *rq, const char *name,
                                  unsigned dflt_pct, int64_t *bp)
{
    const char *q = request_query(rq, name);
    *bp = (int64_t)dflt_pct * 100;
    if (q && !rate_parse_percent(q, bp)) {
        reply_error(rq, 400, "validation_failed", name,
                    "must be a percentage from 0 to 100, two decimals at most");
        return OUT_REPLIED;
    }
    return OUT_CONTINUE;
}

typedef struct {
    progress_report *r;
    size_t cap;
    bool nomem;
} child_ctx;

static void add_child(void *cls, const db_region *reg)
{
    child_ctx *x = cls;
    progress_report *r = x->r;
    if (x->nomem)
        return;
    if (r->nrows == x->cap) {
        size_t cap = x->cap ? x->cap * 2 : 64;
        progress_row *rows = realloc(r->rows, cap * sizeof *rows);
        if (!rows) {
            x->nomem = true;
            return;
        }
        r->rows = rows;
        x->cap = cap;
    }
    progress_row *row = &r->rows[r->nrows++];
    memset(row, 0, sizeof *row);
    snprintf(row->code, sizeof row->code, "%s", reg->code);
    snprintf(row->name, sizeof row->name, "%s", reg->name);
    row->level = reg->level;
}

static int group_index(const progress_report *r, const char *grp)
{
    if (!strcmp(grp, "all"))
        return -1;
    for (size_t g = 0; g < r->ngroups; g++)
        if (!strcmp(r->group_codes[g], grp))
            return (int)g;
    return -2;
}

static progress_cell *cell_of(progress_row *row, int g)
{
    return g == -1 ? &row->all : &row->groups[g];
}

typedef struct {
    progress_target *rows;
    size_t n, cap;
    const progress_report *r;
    bool overflow;
} target_ctx;

static void add_target(void *cls, const char *path, const char *grp,
                       int64_t target)
{
    target_ctx *x = cls;
    int g = group_index(x->r, grp);
    if (g == -2 || x->overflow)
        return;
    if (x->n == x->cap) {
        size_t cap = x->cap ? x->cap * 2 : 128;
        progress_target *rows = cap <= MAX_TARGET_ROWS
                                    ? realloc(x->rows, cap * sizeof *rows)
                                    : NULL;
        if (!rows) {
            x->overflow = true;
            return;
        }
        x->rows = rows;
        x->cap = cap;
    }
    progress_target *t = &x->rows[x->n++];
    memset(t, 0, sizeof *t);
    t->group = g;
    t->target = target;
    const char *p = path;
    while (*p && t->depth < 4) {
        const char *end = strchr(p, ',');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        if (len >= PROGRESS_CODE_BYTES)
            len = PROGRESS_CODE_BYTES - 1;
        memcpy(t->path[t->depth], p, len);
        t->path[t->depth][len] = '\0';
        t->depth++;
        p += len;
        if (*p == ',')
            p++;
    }
}

static void set_target(progress_cell *c, const target_ctx *t, const char *code,
                       int depth, int g)
{
    c->has_target =
        progress_target_of(t->rows, t->n, code, depth, g, &c->target);
}

static void add_enrolled(void *cls, const char *child, const char *grp,
                         int64_t n)
{
    progress_report *r = cls;
    int g = group_index(r, grp);
    if (g == -2)
        return;
    cell_of(&r->total, g)->enrolled += n;
    if (!child[0])
        return;
    for (size_t i = 0; i < r->nrows; i++)
        if (!strcmp(r->rows[i].code, child)) {
            cell_of(&r->rows[i], g)->enrolled += n;
            return;
        }
}

outcome progress_region_target_or_reply(request *rq, int year,
                                        const db_region *region,
                                        progress_cell *out)
{
    progress_report none = {0}; /* no group columns: 'all' only */
    target_ctx tx = {NULL, 0, 0, &none, false};
    db_status st = db_progress_targets(rq->db, year, region->code, "{all}",
                                       add_target, &tx);
    if (st == DB_OK && !tx.overflow)
        set_target(out, &tx, region->code, region->level, -1);
    free(tx.rows);
    if (st != DB_OK) {
        reply_db_error(rq, st);
        return OUT_REPLIED;
    }
    if (tx.overflow) {
        reply_error(rq, 500, "internal", NULL, "too many targets");
        return OUT_REPLIED;
    }
    return OUT_CONTINUE;
}

outcome progress_report_or_reply(request *rq, progress_report *out)
{
    memset(out, 0, sizeof *out);
    db_region region;
    char groups[PROGRESS_CODE_BYTES * (PROGRESS_MAX_GROUPS + 1) + 8];
    bool as_of_given;
    if (progress_scope_or_reply(rq, &out->year, &region) != OUT_CONTINUE ||
        groups_or_reply(rq, out, groups, sizeof groups) != OUT_CONTINUE ||
        as_of_or_reply(rq, out, &as_of_given) != OUT_CONTINUE ||
        threshold_or_reply(rq, "warn", rq->app->cfg.progress_warn_pct,
                           &out->warn_bp) != OUT_CONTINUE ||
        threshold_or_reply(rq, "alert", rq->app->cfg.progress_alert_pct,
                           &out->alert_bp) != OUT_CONTINUE)
        return OUT_REPLIED;
    snprintf(out->region_code, sizeof out->region_code, "%s", region.code);
    snprintf(out->region_name, sizeof out->region_name, "%s", region.name);
    out->region_level = region.level;
    snprintf(out->total.code, sizeof out->total.code, "%s", region.code);
    snprintf(out->total.name, sizeof out->total.name, "%s", region.name);
    out->total.level = region.level;

    child_ctx cx = {out, 0, false};
    target_ctx tx = {NULL, 0, 0, out, false};
    db_status st = db_region_children(rq->db, region.code, add_child, &cx);
    if (st == DB_OK && !cx.nomem)
        st = db_progress_targets(rq->db, out->year, region.code, groups,
                                 add_target, &tx);
    if (st == DB_OK && !cx.nomem && !tx.overflow)
        st = db_progress_enrolled(rq->db, out->year, region.code, groups,
                                  as_of_given ? out->as_of : NULL, add_enrolled,
                                  out);
    if (st != DB_OK || cx.nomem || tx.overflow) {
        free(tx.rows);
        progress_report_free(out);
        if (st != DB_OK)
            reply_db_error(rq, st);
        else
            reply_error(rq, 500, "internal", NULL, "report too large");
        return OUT_REPLIED;
    }
    for (int g = -1; g < (int)out->ngroups; g++) {
        set_target(cell_of(&out->total, g), &tx, region.code, region.level, g);
        for (size_t i = 0; i < out->nrows; i++)
            set_target(cell_of(&out->rows[i], g), &tx, out->rows[i].code,
                       out->rows[i].level, g);
    }
    free(tx.rows);
    progress_rank(out);
    return OUT_CONTINUE;
}
