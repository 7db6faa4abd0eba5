/*
 * progress.c: what the report's renderers share: its title and its release.
 */
#include "report/progress.h"

#include "domain/rate.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void progress_report_free(progress_report *r)
{
    free(r->rows);
    r->rows = NULL;
    r->nrows = 0;
}

bool progress_title(const progress_report *r, buf *out)
{
    return buf_printf(out, "%s%d年度城乡居民医保筹资完成情况通报表（截止%s）",
                      r->region_name, r->year, r->as_of_label);
}

bool progress_target_of(const progress_target *targets, size_t n,
                        const char *code, int depth, int group, int64_t *out)
{
    if (depth < 1 || depth > 4)
        return false;
    for (size_t i = 0; i < n; i++) {
        const progress_target *t = &targets[i];
        if (t->group == group && t->depth == depth &&
            !strcmp(t->path[depth - 1], code)) {
            *out = t->target;
            return true;
        }
    }
    bool any = false;
    int64_t sum = 0;
    for (size_t i = 0; i < n; i++) {
        const progress_target *t = &targets[i];
        if (t->group != group || t->depth <= depth ||
            strcmp(t->path[depth - 1], code) != 0)
            continue;
        /* each child once: skip it when an earlier row led there too */
        const char *child = t->path[depth];
        bool seen = false;
        for (size_t j = 0; j < i && !seen; j++)
            seen = targets[j].group == group && targets[j].depth > depth &&
                   !strcmp(targets[j].path[depth - 1], code) &&
                   !strcmp(targets[j].path[depth], child);
        int64_t t_child;
        if (!seen &&
            progress_target_of(targets, n, child, depth + 1, group, &t_child)) {
            any = true;
            sum += t_child;
        }
    }
    if (any)
        *out = sum;
    return any;
}

static void fill_rate(progress_cell *c)
{
    c->has_rate = c->has_target &&
                  rate_basis_points(c->enrolled, c->target, &c->rate_bp) &&
                  rate_format(c->enrolled, c->target, c->rate);
    if (!c->has_rate) {
        c->rate[0] = '\0';
        c->rate_bp = 0;
    }
}

static int by_rank(const void *a, const void *b)
{
    const progress_row *x = a, *y = b;
    if (x->all.has_rate != y->all.has_rate)
        return x->all.has_rate ? -1 : 1;
    if (x->all.has_rate && x->all.rate_bp != y->all.rate_bp)
        return x->all.rate_bp > y->all.rate_bp ? -1 : 1;
    return strcmp(x->code, y->code);
}

void progress_rank(progress_report *r)
{
    progress_row *rows[2] = {r->rows, &r->total};
    size_t counts[2] = {r->nrows, 1};
    for (int k = 0; k < 2; k++)
        for (size_t i = 0; i < counts[k]; i++) {
            progress_row *row = &rows[k][i];
            fill_rate(&row->all);
            for (size_t g = 0; g < r->ngroups; g++)
                fill_rate(&row->groups[g]);
            row->below_warn =
                row->all.has_rate && row->all.rate_bp < r->warn_bp;
            row->below_alert =
                row->all.has_rate && row->all.rate_bp < r->alert_bp;
            row->bottom_three = false;
        }
    r->total.rank = 0;
    if (r->nrows > 1)
        qsort(r->rows, r->nrows, sizeof *r->rows, by_rank);
    size_t rated = 0;
    for (size_t i = 0; i < r->nrows; i++) {
        r->rows[i].rank = (int)i + 1;
        rated += r->rows[i].all.has_rate;
    }
    /* rated rows come first, so the three lowest are the last rated */
    if (rated > 3)
        for (size_t i = rated - 3; i < rated; i++)
            r->rows[i].bottom_three = true;
}

/* A threshold in hundredths of a percent, without trailing zeros:
 * 8000 -> "80", 8250 -> "82.5", 8255 -> "82.55". */
static void format_bp(int64_t bp, char *dst, size_t n)
{
    uint64_t v = bp < 0 ? 0 : (uint64_t)bp;
    uint64_t whole = v / 100, frac = v % 100;
    if (frac == 0)
        snprintf(dst, n, "%" PRIu64, whole);
    else if (frac % 10 == 0)
        snprintf(dst, n, "%" PRIu64 ".%" PRIu64, whole, frac / 10);
    else
        snprintf(dst, n, "%" PRIu64 ".%02" PRIu64, whole, frac);
}

void progress_notes(const progress_report *r, const progress_row *row,
                    char *dst, size_t n)
{
    char pct[32];
    size_t len = 0;
    dst[0] = '\0';
    if (row->below_alert || row->below_warn) {
        format_bp(row->below_alert ? r->alert_bp : r->warn_bp, pct, sizeof pct);
        len = (size_t)snprintf(dst, n, "低于%s%%", pct);
    }
    if (row->bottom_three && len < n)
        snprintf(dst + len, n - len, "%s后三名", len ? "；" : "");
}
