/*
 * subsidy_report.c: the subsidy funding report for the finance bureau:
 * GET /v1/reports/subsidies (JSON) and /v1/reports/subsidies.csv. Per child
 * of the region (townships of a county) and category: the people whose
 * contribution a subsidy paid and its amount, and the medical assistance
 * (医疗救助) apart, from accepted payments of the year; a subtotal per
 * child and a grand total per category.
 */
#include "api/api.h"

#include "api/people.h"
#include "domain/money.h"
#include "http/query.h"
#include "http/reply.h"
#include "report/csv_out.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { MAX_CATEGORIES = 128 };

typedef struct {
    int64_t people, subsidy, assisted_people, assistance;
} sums;

typedef struct {
    char code[40], name[NAME_MAX_BYTES];
    sums s;
} category_sum;

static void add_sums(sums *to, const db_subsidy_row *r)
{
    to->people += r->people;
    to->subsidy += r->subsidy;
    to->assisted_people += r->assisted_people;
    to->assistance += r->assistance;
}

static json_t *sums_json(const sums *s)
{
    return json_pack("{s:I,s:I,s:I,s:I}", "people", (json_int_t)s->people,
                     "subsidy", (json_int_t)s->subsidy, "assisted_people",
                     (json_int_t)s->assisted_people, "assistance",
                     (json_int_t)s->assistance);
}

static json_t *category_json(const char *code, const char *name, const sums *s)
{
    json_t *j = sums_json(s);
    json_object_set_new(j, "category",
                        code[0] ? json_string(code) : json_null());
    json_object_set_new(j, "name", name[0] ? json_string(name) : json_null());
    return j;
}

/* The report as it is read, kept as plain data for both renderers. */
typedef struct {
    size_t nrows, cap;
    db_subsidy_row *rows; /* owned */
    bool failed;
} rows_ctx;

static void keep_row(void *cls, const db_subsidy_row *r)
{
    rows_ctx *x = cls;
    if (x->failed)
        return;
    if (x->nrows == x->cap) {
        size_t cap = x->cap ? 2 * x->cap : 64;
        db_subsidy_row *more = realloc(x->rows, cap * sizeof *more);
        if (!more) {
            x->failed = true;
            return;
        }
        x->rows = more;
        x->cap = cap;
    }
    x->rows[x->nrows++] = *r;
}

/* by category code, "" (none) last */
static int by_code(const void *a, const void *b)
{
    const category_sum *x = a, *y = b;
    if (!x->code[0] || !y->code[0])
        return !x->code[0] - !y->code[0];
    return strcmp(x->code, y->code);
}

/* Per-category grand totals into cats (MAX_CATEGORIES), in code order. */
static size_t total_by_category(const rows_ctx *x, category_sum *cats)
{
    size_t n = 0;
    for (size_t i = 0; i < x->nrows; i++) {
        const db_subsidy_row *r = &x->rows[i];
        if (r->empty)
            continue;
        size_t k = 0;
        while (k < n && strcmp(cats[k].code, r->category) != 0)
            k++;
        if (k == n) {
            if (n == MAX_CATEGORIES)
                continue;
            memset(&cats[n], 0, sizeof cats[n]);
            snprintf(cats[k].code, sizeof cats[k].code, "%s", r->category);
            snprintf(cats[k].name, sizeof cats[k].name, "%s", r->category_name);
            n++;
        }
        add_sums(&cats[k].s, r);
    }
    qsort(cats, n, sizeof *cats, by_code);
    return n;
}

static outcome report_or_reply(request *rq, int *year, db_region *region,
                               rows_ctx *x)
{
    if (query_year_or_reply(rq, year) != OUT_CONTINUE ||
        list_region_or_reply(rq, region) != OUT_CONTINUE)
        return OUT_REPLIED;
    db_status st = db_subsidy_report(rq->db, *year, region->code, keep_row, x);
    if (st != DB_OK) {
        reply_db_error(rq, st);
        return OUT_REPLIED;
    }
    if (x->failed) {
        reply_error(rq, 500, "internal", NULL, "out of memory");
        return OUT_REPLIED;
    }
    return OUT_CONTINUE;
}

void handle_subsidy_report(request *rq)
{
    int year;
    db_region region;
    rows_ctx x = {0};
    category_sum *cats = calloc(MAX_CATEGORIES, sizeof *cats);
    if (!cats) {
        reply_error(rq, 500, "internal", NULL, "out of memory");
        return;
    }
    if (report_or_reply(rq, &year, &region, &x) != OUT_CONTINUE)
        goto out;
    json_t *rows = json_array(), *row = NULL, *row_cats = NULL;
    sums sub = {0}, total = {0};
    for (size_t i = 0; i < x.nrows; i++) {
        const db_subsidy_row *r = &x.rows[i];
        if (!row || strcmp(json_string_value(json_object_get(row, "code")),
                           r->region_code) != 0) {
            if (row)
                json_object_set_new(row, "subtotal", sums_json(&sub));
            memset(&sub, 0, sizeof sub);
            row_cats = json_array();
            row = json_pack("{s:s,s:s,s:o}", "code", r->region_code, "name",
                            r->region_name, "categories", row_cats);
            json_array_append_new(rows, row);
        }
        if (r->empty)
            continue;
        sums s = {0};
        add_sums(&s, r);
        add_sums(&sub, r);
        add_sums(&total, r);
        json_array_append_new(row_cats,
                              category_json(r->category, r->category_name, &s));
    }
    if (row)
        json_object_set_new(row, "subtotal", sums_json(&sub));
    size_t ncats = total_by_category(&x, cats);
    json_t *total_json = sums_json(&total), *total_cats = json_array();
    for (size_t k = 0; k < ncats; k++)
        json_array_append_new(
            total_cats, category_json(cats[k].code, cats[k].name, &cats[k].s));
    json_object_set_new(total_json, "categories", total_cats);
    reply_json(rq, 200,
               json_pack("{s:i,s:s,s:s,s:o,s:o}", "year", year, "region",
                         region.code, "region_name", region.name, "rows", rows,
                         "total", total_json));
out:
    free(cats);
    free(x.rows);
}

static bool csv_sums(buf *out, const char *code, const char *name,
                     const char *cat, const char *cat_name, const sums *s)
{
    char people[24], subsidy[32], assisted[24], assistance[32];
    snprintf(people, sizeof people, "%lld", (long long)s->people);
    snprintf(assisted, sizeof assisted, "%lld", (long long)s->assisted_people);
    money_format_yuan(s->subsidy, subsidy);
    money_format_yuan(s->assistance, assistance);
    const char *f[] = {code,   name,    cat,      cat_name,
                       people, subsidy, assisted, assistance};
    return csv_out_row(out, f, sizeof f / sizeof *f);
}

static const char *const csv_header[] = {
    "代码",     "名称",           "资助类别代码", "资助类别",
    "资助人数", "资助金额（元）", "医疗救助人数", "医疗救助金额（元）",
};

void handle_subsidy_report_csv(request *rq)
{
    int year;
    db_region region;
    rows_ctx x = {0};
    buf out = {0};
    category_sum *cats = calloc(MAX_CATEGORIES, sizeof *cats);
    if (!cats) {
        reply_error(rq, 500, "internal", NULL, "out of memory");
        return;
    }
    if (report_or_reply(rq, &year, &region, &x) != OUT_CONTINUE)
        goto out;
    bool ok =
        csv_out_bom(&out) &&
        csv_out_row(&out, csv_header, sizeof csv_header / sizeof *csv_header);
    sums sub = {0}, total = {0};
    for (size_t i = 0; ok && i < x.nrows; i++) {
        const db_subsidy_row *r = &x.rows[i];
        sums s = {0};
        add_sums(&s, r);
        add_sums(&sub, r);
        add_sums(&total, r);
        if (!r->empty)
            ok = csv_sums(&out, r->region_code, r->region_name,
                          r->category[0] ? r->category : "",
                          r->category[0] ? r->category_name : "无资助类别", &s);
        bool last = i + 1 == x.nrows ||
                    strcmp(x.rows[i + 1].region_code, r->region_code) != 0;
        if (ok && last) {
            ok = csv_sums(&out, r->region_code, r->region_name, "", "小计",
                          &sub);
            memset(&sub, 0, sizeof sub);
        }
    }
    size_t ncats = total_by_category(&x, cats);
    for (size_t k = 0; ok && k < ncats; k++)
        ok =
            csv_sums(&out, region.code, "合计", cats[k].code,
                     cats[k].code[0] ? cats[k].name : "无资助类别", &cats[k].s);
    ok = ok && csv_sums(&out, region.code, "合计", "", "总计", &total);
    if (!ok) {
        reply_error(rq, 500, "internal", NULL, "out of memory");
        goto out;
    }
    char disposition[96];
    snprintf(disposition, sizeof disposition,
             "attachment; filename=\"subsidies-%d-%s.csv\"", year, region.code);
    reply_text(rq, 200, "text/csv; charset=utf-8", out.data, out.len);
    reply_add_header(rq, "Content-Disposition", disposition);
out:
    buf_free(&out);
    free(cats);
    free(x.rows);
}
