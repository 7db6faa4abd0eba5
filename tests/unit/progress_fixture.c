/*
 * progress_fixture.c: the hand-built report of progress_fixture.h.
 */
#include "progress_fixture.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A cell; target < 0: no target; rate NULL: a null rate. */
static progress_cell cell(int64_t target, int64_t enrolled, const char *rate,
                          int64_t rate_bp)
{
    progress_cell c = {.has_target = target >= 0,
                       .target = target < 0 ? 0 : target,
                       .enrolled = enrolled,
                       .has_rate = rate != NULL,
                       .rate_bp = rate_bp};
    snprintf(c.rate, sizeof c.rate, "%s", rate ? rate : "");
    return c;
}

static void row(progress_row *w, int rank, const char *code, const char *name,
                progress_cell all, progress_cell poor, progress_cell edge)
{
    memset(w, 0, sizeof *w);
    w->rank = rank;
    snprintf(w->code, sizeof w->code, "%s", code);
    snprintf(w->name, sizeof w->name, "%s", name);
    w->all = all;
    w->groups[0] = poor;
    w->groups[1] = edge;
}

void progress_fixture(progress_report *r)
{
    memset(r, 0, sizeof *r);
    r->year = 2027;
    snprintf(r->region_code, sizeof r->region_code, "511724000000");
    snprintf(r->region_name, sizeof r->region_name, "大竹县");
    r->region_level = 1;
    snprintf(r->as_of, sizeof r->as_of, "2026-12-10T18:00:00+08:00");
    snprintf(r->as_of_label, sizeof r->as_of_label, "2026年12月10日18时");
    r->warn_bp = 8000;
    r->alert_bp = 7000;
    r->ngroups = 2;
    snprintf(r->group_codes[0], sizeof r->group_codes[0], "poverty");
    snprintf(r->group_names[0], sizeof r->group_names[0], "建档立卡贫困人口");
    snprintf(r->group_codes[1], sizeof r->group_codes[1], "edge");
    snprintf(r->group_names[1], sizeof r->group_names[1], "边缘户");

    r->nrows = 4;
    r->rows = calloc(r->nrows, sizeof *r->rows);
    ck_assert_ptr_nonnull(r->rows);
    row(&r->rows[0], 1, "511724001000", "竹阳街道",
        cell(16504, 14700, "89.07", 8907), cell(1200, 1200, "100.00", 10000),
        cell(300, 250, "83.33", 8333));
    row(&r->rows[1], 2, "511724002000", "东柳,\"新\"镇",
        cell(10000, 7900, "79.00", 7900), cell(800, 700, "87.50", 8750),
        cell(0, 3, NULL, 0)); /* a zero target: no rate */
    r->rows[1].below_warn = r->rows[1].bottom_three = true;
    row(&r->rows[2], 3, "511724003000", "庙坝镇",
        cell(5000, 3400, "68.00", 6800), cell(500, 300, "60.00", 6000),
        cell(-1, 12, NULL, 0));
    r->rows[2].below_warn = r->rows[2].below_alert = true;
    r->rows[2].bottom_three = true;
    row(&r->rows[3], 4, "511724004000", "新区管委会", cell(-1, 35, NULL, 0),
        cell(-1, 0, NULL, 0), cell(-1, 0, NULL, 0));
    row(&r->total, 0, "511724000000", "大竹县",
        cell(31504, 26035, "82.64", 8264), cell(2500, 2200, "88.00", 8800),
        cell(300, 265, "88.33", 8833));
}
