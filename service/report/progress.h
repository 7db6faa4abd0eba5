/*
 * progress.h: the progress report (通报表) as plain data. api/progress.c
 * builds it from the database; it is rendered as JSON (api/progress.c),
 * CSV (report/progress_csv.c) and XLSX (report/progress_xlsx.c), so the
 * three always show the same numbers.
 */
#ifndef REPORT_PROGRESS_H
#define REPORT_PROGRESS_H

#include "common/buf.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum {
    PROGRESS_MAX_GROUPS = 8, /* category columns besides 'all' */
    PROGRESS_CODE_BYTES = 41,
    PROGRESS_NAME_BYTES = 401,
};

/* One column of one row: target, enrolled and the exact rate. */
typedef struct {
    bool has_target; /* false: no target here or below: rate is null */
    int64_t target;
    int64_t enrolled;
    bool has_rate;   /* has_target && target > 0 */
    char rate[32];   /* "89.07", half-up, when has_rate */
    int64_t rate_bp; /* the rate in hundredths of a percent (8907) */
} progress_cell;

typedef struct {
    char code[PROGRESS_CODE_BYTES];
    char name[PROGRESS_NAME_BYTES];
    int level; /* 1 county .. 4 group */
    int rank;  /* 1.. by rate descending, ties by code; 0 for the total */
    progress_cell all;
    progress_cell groups[PROGRESS_MAX_GROUPS]; /* report->group_codes order */
    bool below_warn;   /* rate under report->warn_bp (80 % by default) */
    bool below_alert;  /* rate under report->alert_bp (70 % by default) */
    bool bottom_three; /* among the three lowest rates of the report */
} progress_row;

typedef struct {
    int year;
    char region_code[PROGRESS_CODE_BYTES];
    char region_name[PROGRESS_NAME_BYTES];
    int region_level;     /* 1 county .. 4 group */
    char as_of[40];       /* "2026-12-10T18:00:00+08:00" */
    char as_of_label[40]; /* "2026年12月10日18时" for titles */
    int64_t warn_bp, alert_bp;
    size_t ngroups;
    char group_codes[PROGRESS_MAX_GROUPS][PROGRESS_CODE_BYTES];
    char group_names[PROGRESS_MAX_GROUPS][PROGRESS_NAME_BYTES];
    size_t nrows;
    progress_row *rows; /* owned: progress_report_free(); rank order */
    progress_row total; /* the region itself */
} progress_report;

void progress_report_free(progress_report *r);

/* A target set on some region: its path (county first, itself last) and
 * its group column (-1 for 'all', else an index into group_codes). */
typedef struct {
    char path[4][PROGRESS_CODE_BYTES];
    int depth;
    int group;
    int64_t target;
} progress_target;

/* The target shown for the region at depth (1 county .. 4 group) whose
 * code is given: its own, else the sum of its children's (recursively);
 * false when neither it nor anything under it has one. */
bool progress_target_of(const progress_target *targets, size_t n,
                        const char *code, int depth, int group, int64_t *out);

/* Fills every cell's rate from its target and enrolled, ranks the rows
 * (rate descending, rows without a rate last, ties by code), and sets the
 * flags: below the warn and alert thresholds, and the three lowest rates
 * when more than three rows have one. */
void progress_rank(progress_report *r);

/* The title of the exported files:
 * "大竹县2027年度城乡居民医保筹资完成情况通报表（截止2026年12月10日18时）". */
bool progress_title(const progress_report *r, buf *out);

/* The 备注 (notes) of a row: "低于70%" under the alert threshold, else
 * "低于80%" under the warning one; then "后三名"; joined by "；". */
void progress_notes(const progress_report *r, const progress_row *row,
                    char *dst, size_t n);

/* progress.csv: UTF-8 with a BOM, CRLF lines, Chinese headers, the ranked
 * rows then the total row. Appends to out; false when memory runs out. */
bool progress_csv_write(const progress_report *r, buf *out);

/* progress.xlsx: the same report as a workbook (libxlsxwriter): the title
 * row, a header, the ranked rows, the total row, rates as numbers in a
 * percent format. Appends the file's bytes to out; false on failure. */
bool progress_xlsx_write(const progress_report *r, buf *out);

#endif
