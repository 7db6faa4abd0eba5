/*
 * progress_csv.c: the progress report (通报表) as progress.csv, the way the
 * county publishes it: a UTF-8 BOM (so Excel and WPS read the Chinese),
 * CRLF line ends, RFC 4180 quoting only where a field needs it.
 *
 * Lines: the title; the header; the ranked rows in the report's order; the
 * total row. Every number is printed as the struct holds it: rates are the
 * exact strings ("89.07"), never recomputed.
 */
#include "report/progress.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#define BOM "\xEF\xBB\xBF"
#define CRLF "\r\n"

/* Appends one field, quoted (with "" escapes) when it holds a comma, a
 * quote or a line break. */
static bool put_field(buf *out, const char *s)
{
    if (!strpbrk(s, ",\"\r\n"))
        return buf_append_str(out, s);
    if (!buf_append(out, "\"", 1))
        return false;
    for (const char *p = s; *p; p++) {
        if (*p == '"' && !buf_append(out, "\"", 1))
            return false;
        if (!buf_append(out, p, 1))
            return false;
    }
    return buf_append(out, "\"", 1);
}

/* target, enrolled, rate: an empty target without one, an empty rate
 * when it is null. */
static bool put_cell(buf *out, const progress_cell *c)
{
    if (c->has_target && !buf_printf(out, "%" PRId64, c->target))
        return false;
    if (!buf_printf(out, ",%" PRId64 ",", c->enrolled))
        return false;
    return !c->has_rate || put_field(out, c->rate);
}

static bool put_header(const progress_report *r, buf *out)
{
    if (!buf_append_str(out, "排名,区划代码,单位,任务数,参保人数,完成率(%)"))
        return false;
    static const char *const suffix[] = {"任务数", "参保人数", "完成率(%)"};
    char name[PROGRESS_NAME_BYTES + 32];
    for (size_t k = 0; k < r->ngroups; k++) {
        for (size_t i = 0; i < 3; i++) {
            snprintf(name, sizeof name, "%s%s", r->group_names[k], suffix[i]);
            if (!buf_append(out, ",", 1) || !put_field(out, name))
                return false;
        }
    }
    return buf_append_str(out, ",备注" CRLF);
}

/* One data line; rank <= 0 prints an empty cell (the total row). */
static bool put_row(const progress_report *r, const progress_row *row,
                    const char *code, const char *name, buf *out)
{
    char notes[128];
    if (row->rank > 0 && !buf_printf(out, "%d", row->rank))
        return false;
    if (!buf_append(out, ",", 1) || !put_field(out, code) ||
        !buf_append(out, ",", 1) || !put_field(out, name) ||
        !buf_append(out, ",", 1) || !put_cell(out, &row->all))
        return false;
    for (size_t k = 0; k < r->ngroups; k++)
        if (!buf_append(out, ",", 1) || !put_cell(out, &row->groups[k]))
            return false;
    progress_notes(r, row, notes, sizeof notes);
    return buf_append(out, ",", 1) && put_field(out, notes) &&
           buf_append_str(out, CRLF);
}

bool progress_csv_write(const progress_report *r, buf *out)
{
    size_t start = out->len;
    buf title = {0};
    bool ok = r->ngroups <= PROGRESS_MAX_GROUPS && buf_append_str(out, BOM) &&
              progress_title(r, &title) && put_field(out, title.data) &&
              buf_append_str(out, CRLF) && put_header(r, out);
    for (size_t i = 0; ok && i < r->nrows; i++)
        ok = put_row(r, &r->rows[i], r->rows[i].code, r->rows[i].name, out);
    ok = ok && put_row(r, &r->total, r->region_code, "合计", out);
    buf_free(&title);
    if (!ok && out->data) { /* leave out as it was */
        out->len = start;
        out->data[start] = '\0';
    }
    return ok;
}
