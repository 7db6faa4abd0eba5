/*
 * regions.c: POST /v1/regions/import (CSV) and GET /v1/regions/{code}.
 *
 * An import keeps the good lines and reports each rejected one with its
 * file line number. Lines are applied county first, then townships, and so
 * on, so a file may list a child before its parent. The whole file is one
 * transaction.
 */
#include "api/api.h"

#include "db/sql.h"
#include "domain/region.h"
#include "http/auth.h"
#include "http/csvbody.h"
#include "http/jspec.h"
#include "http/reply.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    size_t line;
    db_region r;
} region_line;

typedef struct {
    request *rq;
    region_line *lines; /* owned */
    size_t n, cap;
    json_t *rejected;    /* rejections found while reading */
    json_t *db_rejected; /* rejections found in the transaction */
    long inserted, updated, unchanged;
} import_ctx;

static const char *const region_columns[] = {"code", "name", "level",
                                             "parent_code"};

static json_t *reject(size_t line, const char *code, const char *field,
                      const char *msg)
{
    json_t *j = csvbody_rejection(line, field, "%s", msg);
    json_object_set_new(j, "code",
                        code && region_code_valid(code) ? json_string(code)
                                                        : json_null());
    return j;
}

/* Checks one line on its own; NULL when good, else why. */
static const char *line_problem(const char *const *v, const char **field)
{
    *field = "code";
    if (!region_code_valid(v[0]))
        return "code must be 1 to 20 digits";
    *field = "name";
    size_t chars = utf8_chars(v[1]);
    if (chars < 1 || chars > 100 || strlen(v[1]) >= NAME_MAX_BYTES)
        return "name must be 1 to 100 characters";
    *field = "level";
    int level = region_level_from_name(v[2]);
    if (!level)
        return "level must be county, township, village or group";
    *field = "parent_code";
    if (level == LEVEL_COUNTY && v[3][0])
        return "a county has no parent";
    if (level != LEVEL_COUNTY && !region_code_valid(v[3]))
        return "parent_code must be 1 to 20 digits";
    return NULL;
}

static size_t first_line_of(const import_ctx *x, const char *code)
{
    for (size_t i = 0; i < x->n; i++)
        if (strcmp(x->lines[i].r.code, code) == 0)
            return x->lines[i].line;
    return 0;
}

static int on_row(void *cls, size_t line, const char *const *v,
                  const char *error)
{
    import_ctx *x = cls;
    const char *field = NULL, *why = error;
    if (!why)
        why = line_problem(v, &field);
    if (why) {
        json_array_append_new(x->rejected,
                              reject(line, v ? v[0] : NULL, field, why));
        return 0;
    }
    size_t first = first_line_of(x, v[0]);
    if (first) {
        char msg[96];
        snprintf(msg, sizeof msg, "duplicate code (first on line %zu)", first);
        json_array_append_new(x->rejected, reject(line, v[0], "code", msg));
        return 0;
    }
    if (x->n == x->cap) {
        size_t cap = x->cap ? x->cap * 2 : 64;
        region_line *p = realloc(x->lines, cap * sizeof *p);
        if (!p)
            return 1;
        x->lines = p, x->cap = cap;
    }
    region_line *l = &x->lines[x->n++];
    memset(l, 0, sizeof *l);
    l->line = line;
    snprintf(l->r.code, sizeof l->r.code, "%s", v[0]);
    snprintf(l->r.name, sizeof l->r.name, "%s", v[1]);
    l->r.level = region_level_from_name(v[2]);
    snprintf(l->r.parent_code, sizeof l->r.parent_code, "%s", v[3]);
    return 0;
}

static int by_level_then_line(const void *a, const void *b)
{
    const region_line *x = a, *y = b;
    if (x->r.level != y->r.level)
        return x->r.level - y->r.level;
    return x->line < y->line ? -1 : x->line > y->line;
}

/* Applies one line inside the transaction; a rejection does not abort. */
static db_status apply_line(import_ctx *x, const region_line *l)
{
    db_region r = l->r, existing, parent;
    db_status st = DB_OK;
    const char *why = NULL;
    if (r.level > LEVEL_COUNTY) {
        st = db_region_get(x->rq->db, r.parent_code, &parent);
        if (st == DB_NOT_FOUND)
            why = "unknown parent_code";
        else if (st == DB_OK && parent.level != r.level - 1)
            why = "the parent is not one level up";
        if (st != DB_OK && st != DB_NOT_FOUND)
            return st;
    }
    if (!why) {
        st = db_region_get(x->rq->db, r.code, &existing);
        if (st != DB_OK && st != DB_NOT_FOUND)
            return st;
        if (st == DB_OK && (existing.level != r.level ||
                            strcmp(existing.parent_code, r.parent_code)))
            why = "the code exists with another level or parent";
    }
    if (why) {
        json_array_append_new(x->db_rejected,
                              reject(l->line, r.code, "parent_code", why));
        return DB_OK;
    }
    r.depth = 0;
    if (r.level > LEVEL_COUNTY) {
        memcpy(r.path, parent.path, sizeof r.path);
        r.depth = parent.depth;
    }
    memcpy(r.path[r.depth++], l->r.code, sizeof r.path[0]);
    if (access_decide(&x->rq->who, x->rq->route->roles,
                      (const char(*)[ACCESS_CODE_BYTES])r.path,
                      r.depth) != ACCESS_ALLOW) {
        json_array_append_new(
            x->db_rejected,
            reject(l->line, r.code, "code", "outside this token's region"));
        return DB_OK;
    }
    region_change ch;
    st = db_region_upsert(x->rq->db, &r, &ch);
    if (st == DB_OK)
        *(ch == REGION_INSERTED  ? &x->inserted
          : ch == REGION_UPDATED ? &x->updated
                                 : &x->unchanged) += 1;
    return st;
}

static db_status apply_tx(db_conn *c, void *cls)
{
    (void)c;
    import_ctx *x = cls;
    /* this may run again after a serialization failure: start afresh */
    x->inserted = x->updated = x->unchanged = 0;
    json_decref(x->db_rejected);
    x->db_rejected = json_array();
    for (size_t i = 0; i < x->n; i++) {
        db_status st = apply_line(x, &x->lines[i]);
        if (st != DB_OK)
            return st;
    }
    return DB_OK;
}

static int line_of(json_t *j)
{
    return (int)json_integer_value(json_object_get(j, "line"));
}

static int by_line(const void *a, const void *b)
{
    return line_of(*(json_t *const *)a) - line_of(*(json_t *const *)b);
}

/* Merges two rejection lists into a new one in line order. */
static json_t *merged_by_line(json_t *a, json_t *b)
{
    size_t na = json_array_size(a), nb = json_array_size(b);
    json_t **all = malloc((na + nb + 1) * sizeof *all);
    json_t *out = json_array();
    if (!all)
        return out;
    for (size_t i = 0; i < na; i++)
        all[i] = json_array_get(a, i);
    for (size_t i = 0; i < nb; i++)
        all[na + i] = json_array_get(b, i);
    qsort(all, na + nb, sizeof *all, by_line);
    for (size_t i = 0; i < na + nb; i++)
        json_array_append(out, all[i]);
    free(all);
    return out;
}

void handle_regions_import(request *rq)
{
    import_ctx x = {.rq = rq, .rejected = json_array()};
    if (csvbody_rows_or_reply(rq, region_columns, 4, 4, on_row, &x) !=
        OUT_CONTINUE)
        goto out;
    if (x.n)
        qsort(x.lines, x.n, sizeof *x.lines, by_level_then_line);
    db_status st = db_run_tx(rq->db, "READ COMMITTED", apply_tx, &x);
    if (st != DB_OK) {
        reply_db_error(rq, st);
        goto out;
    }
    reply_json(rq, 200,
               json_pack("{s:I,s:I,s:I,s:o}", "inserted",
                         (json_int_t)x.inserted, "updated",
                         (json_int_t)x.updated, "unchanged",
                         (json_int_t)x.unchanged, "rejected",
                         merged_by_line(x.rejected, x.db_rejected)));
out:
    json_decref(x.rejected);
    json_decref(x.db_rejected);
    free(x.lines);
}

static void add_child(void *cls, const db_region *r)
{
    json_array_append_new(cls, json_pack("{s:s,s:s,s:s}", "code", r->code,
                                         "name", r->name, "level",
                                         region_level_name(r->level)));
}

void handle_region_get(request *rq)
{
    const char *code = rq->params[0];
    db_region r;
    if (!region_code_valid(code)) {
        reply_not_found(rq, "region");
        return;
    }
    db_status st = db_region_get(rq->db, code, &r);
    if (st == DB_NOT_FOUND) {
        reply_not_found(rq, "region");
        return;
    }
    if (st != DB_OK) {
        reply_db_error(rq, st);
        return;
    }
    if (auth_check_or_reply(rq, &r) != OUT_CONTINUE)
        return;
    json_t *children = json_array(), *path = json_array();
    st = db_region_children(rq->db, code, add_child, children);
    if (st != DB_OK) {
        json_decref(children);
        json_decref(path);
        reply_db_error(rq, st);
        return;
    }
    for (int i = 0; i < r.depth; i++)
        json_array_append_new(path, json_string(r.path[i]));
    reply_json(rq, 200,
               json_pack("{s:s,s:s,s:s,s:s?,s:o,s:o}", "code", r.code, "name",
                         r.name, "level", region_level_name(r.level),
                         "parent_code", r.parent_code[0] ? r.parent_code : NULL,
                         "path", path, "children", children));
}
