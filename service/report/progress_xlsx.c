/*
 * progress_xlsx.c: the progress report (通报表) as progress.xlsx, written
 * with libxlsxwriter. One worksheet, "通报表": the title merged across the
 * columns, the header, the ranked rows, the total row. Counts are numbers,
 * rates are numbers (rate_bp / 10000, shown as "0.00%"), nulls are blank
 * cells. Rows under the alert threshold are filled light red, under the
 * warning threshold light yellow.
 *
 * libxlsxwriter 1.1.4 (Debian 12) can only write to a named file, so the
 * workbook goes to a mkstemp() file under $TMPDIR (default /tmp), is read
 * back into the caller's buf and unlinked. Its own scratch files go to the
 * same directory. A report has at most a few hundred rows, so the default
 * (in-memory) worksheet mode is used rather than constant_memory.
 */
#include "report/progress.h"

#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xlsxwriter.h>

enum { K_TEXT, K_INT, K_PCT, NKINDS };               /* what a cell holds */
enum { S_PLAIN, S_WARN, S_ALERT, S_TOTAL, NSTYLES }; /* how its row looks */
enum { FIXED_COLS = 6, MAX_COLS = FIXED_COLS + 3 * PROGRESS_MAX_GROUPS + 1 };

#define FILL_WARN 0xFFEB9C  /* light yellow */
#define FILL_ALERT 0xFFC7CE /* light red */

typedef struct {
    lxw_worksheet *ws;
    lxw_format *fmt[NSTYLES][NKINDS];
    lxw_row_t row;
    lxw_col_t col;
    lxw_error err;          /* the first failure; later writes are skipped */
    double width[MAX_COLS]; /* widest content per column, in characters */
} sheet;

/* The width of UTF-8 text in Excel's character units: CJK counts two. */
static double text_width(const char *s)
{
    double w = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p < 0x80)
            w += 1;
        else if (*p >= 0xE0)
            w += 2; /* the lead byte of a 3- or 4-byte character */
        else if (*p >= 0xC0)
            w += 1;
    }
    return w;
}

static void note_width(sheet *sh, double w)
{
    if (w > sh->width[sh->col])
        sh->width[sh->col] = w;
}

/* The writers put one cell at (sh->row, sh->col) and move right. */
static void put_text(sheet *sh, int style, const char *s, lxw_format *f)
{
    if (!sh->err)
        sh->err = *s ? worksheet_write_string(sh->ws, sh->row, sh->col, s,
                                              f ? f : sh->fmt[style][K_TEXT])
                     : worksheet_write_blank(sh->ws, sh->row, sh->col,
                                             f ? f : sh->fmt[style][K_TEXT]);
    note_width(sh, text_width(s));
    sh->col++;
}

/* A number in the given kind, or a blank (still bordered and filled). */
static void put_number(sheet *sh, int style, int kind, bool present, double v)
{
    lxw_format *f = sh->fmt[style][kind];
    if (!sh->err)
        sh->err = present
                      ? worksheet_write_number(sh->ws, sh->row, sh->col, v, f)
                      : worksheet_write_blank(sh->ws, sh->row, sh->col, f);
    sh->col++;
}

static void put_cell(sheet *sh, int style, const progress_cell *c)
{
    put_number(sh, style, K_INT, c->has_target, (double)c->target);
    put_number(sh, style, K_INT, true, (double)c->enrolled);
    put_number(sh, style, K_PCT, c->has_rate, (double)c->rate_bp / 10000.0);
}

static void put_row(sheet *sh, const progress_report *r,
                    const progress_row *row, const char *code, const char *name,
                    int style)
{
    char notes[128];
    sh->col = 0;
    put_number(sh, style, K_INT, row->rank > 0, row->rank);
    put_text(sh, style, code, NULL);
    put_text(sh, style, name, NULL);
    put_cell(sh, style, &row->all);
    for (size_t k = 0; k < r->ngroups; k++)
        put_cell(sh, style, &row->groups[k]);
    progress_notes(r, row, notes, sizeof notes);
    put_text(sh, style, notes, NULL);
    sh->row++;
}

/* The formats, owned by the workbook. False when one could not be made. */
static bool make_formats(lxw_workbook *wb, sheet *sh, lxw_format **title,
                         lxw_format **header)
{
    *title = workbook_add_format(wb);
    *header = workbook_add_format(wb);
    if (!*title || !*header)
        return false;
    format_set_bold(*title);
    format_set_font_size(*title, 16);
    format_set_align(*title, LXW_ALIGN_CENTER);
    format_set_align(*title, LXW_ALIGN_VERTICAL_CENTER);
    format_set_bold(*header);
    format_set_border(*header, LXW_BORDER_THIN);
    format_set_text_wrap(*header);
    format_set_align(*header, LXW_ALIGN_CENTER);
    format_set_align(*header, LXW_ALIGN_VERTICAL_CENTER);
    for (int s = 0; s < NSTYLES; s++) {
        for (int k = 0; k < NKINDS; k++) {
            lxw_format *f = workbook_add_format(wb);
            if (!f)
                return false;
            format_set_border(f, LXW_BORDER_THIN);
            format_set_align(f, LXW_ALIGN_VERTICAL_CENTER);
            if (k == K_INT)
                format_set_num_format(f, "0");
            else if (k == K_PCT)
                format_set_num_format(f, "0.00%");
            if (s == S_WARN)
                format_set_bg_color(f, FILL_WARN);
            else if (s == S_ALERT)
                format_set_bg_color(f, FILL_ALERT);
            else if (s == S_TOTAL)
                format_set_bold(f);
            sh->fmt[s][k] = f;
        }
    }
    return true;
}

static void put_header(sheet *sh, const progress_report *r, lxw_format *f)
{
    static const char *const fixed[FIXED_COLS] = {
        "排名", "区划代码", "单位", "任务数", "参保人数", "完成率(%)"};
    static const char *const suffix[] = {"任务数", "参保人数", "完成率(%)"};
    char name[PROGRESS_NAME_BYTES + 32];
    sh->col = 0;
    for (int i = 0; i < FIXED_COLS; i++)
        put_text(sh, S_PLAIN, fixed[i], f);
    for (size_t k = 0; k < r->ngroups; k++) {
        for (size_t i = 0; i < 3; i++) {
            snprintf(name, sizeof name, "%s%s", r->group_names[k], suffix[i]);
            put_text(sh, S_PLAIN, name, f);
        }
    }
    put_text(sh, S_PLAIN, "备注", f);
    sh->row++;
}

/* Column widths: the fixed text columns fit their content; counts and
 * rates are narrow and their headers wrap. */
static void set_widths(sheet *sh, lxw_col_t ncols)
{
    for (lxw_col_t c = 0; c < ncols && !sh->err; c++) {
        double w;
        if (c == 0)
            w = 6;
        else if (c == 1 || c == 2 || c == ncols - 1)
            w = sh->width[c] + 2;
        else
            w = 11;
        w = w < 8 && c != 0 ? 8 : w > 40 ? 40 : w;
        sh->err = worksheet_set_column(sh->ws, c, c, w, NULL);
    }
}

static bool fill_workbook(lxw_workbook *wb, const progress_report *r)
{
    sheet sh = {0};
    lxw_format *title_fmt, *header_fmt;
    lxw_col_t ncols = (lxw_col_t)(FIXED_COLS + 3 * r->ngroups + 1);
    buf title = {0};
    sh.ws = workbook_add_worksheet(wb, "通报表");
    if (!sh.ws || !make_formats(wb, &sh, &title_fmt, &header_fmt) ||
        !progress_title(r, &title)) {
        buf_free(&title);
        return false;
    }
    sh.err =
        worksheet_merge_range(sh.ws, 0, 0, 0, ncols - 1, title.data, title_fmt);
    buf_free(&title);
    if (!sh.err)
        sh.err = worksheet_set_row(sh.ws, 0, 32, NULL);
    sh.row = 1;
    put_header(&sh, r, header_fmt);
    if (!sh.err)
        sh.err = worksheet_set_row(sh.ws, 1, r->ngroups ? 42 : 28, NULL);
    for (size_t i = 0; i < r->nrows; i++) {
        const progress_row *row = &r->rows[i];
        int style = row->below_alert  ? S_ALERT
                    : row->below_warn ? S_WARN
                                      : S_PLAIN;
        put_row(&sh, r, row, row->code, row->name, style);
    }
    put_row(&sh, r, &r->total, r->region_code, "合计", S_TOTAL);
    set_widths(&sh, ncols);
    worksheet_freeze_panes(sh.ws, 2, 0);
    worksheet_set_landscape(sh.ws);
    worksheet_set_paper(sh.ws, 9); /* A4 */
    worksheet_fit_to_pages(sh.ws, 1, 0);
    worksheet_center_horizontally(sh.ws);
    if (!sh.err)
        sh.err = worksheet_repeat_rows(sh.ws, 0, 1);
    return sh.err == LXW_NO_ERROR;
}

/* Appends the whole file at path to out. */
static bool read_file(const char *path, buf *out)
{
    char chunk[65536];
    bool ok = false;
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return false;
    for (;;) {
        ssize_t n = read(fd, chunk, sizeof chunk);
        if (n < 0)
            goto out;
        if (n == 0)
            break;
        if (!buf_append(out, chunk, (size_t)n))
            goto out;
    }
    ok = true;
out:
    close(fd);
    return ok;
}

bool progress_xlsx_write(const progress_report *r, buf *out)
{
    char dir[1024], path[1100];
    const char *env = getenv("TMPDIR");
    size_t start = out->len;
    bool ok = false;
    if (r->ngroups > PROGRESS_MAX_GROUPS)
        return false;
    int n = snprintf(dir, sizeof dir, "%s", env && *env ? env : "/tmp");
    if (n < 0 || (size_t)n >= sizeof dir)
        return false;
    snprintf(path, sizeof path, "%s/medins-progress-XXXXXX", dir);
    int fd = mkstemp(path);
    if (fd < 0)
        return false;
    close(fd); /* libxlsxwriter opens the file by name */

    lxw_workbook_options opt = {.constant_memory = LXW_FALSE, .tmpdir = dir};
    lxw_workbook *wb = workbook_new_opt(path, &opt);
    if (wb) {
        ok = fill_workbook(wb, r);
        /* frees wb whatever happened before */
        if (workbook_close(wb) != LXW_NO_ERROR)
            ok = false;
    }
    ok = ok && read_file(path, out);
    unlink(path);
    if (!ok && out->data) { /* leave out as it was */
        out->len = start;
        out->data[start] = '\0';
    }
    return ok;
}
