/*
 * progress_export.c: GET /v1/progress.csv and /v1/progress.xlsx: the
 * report of GET /v1/progress (same query) as the files the county
 * publishes (通报表).
 */
#include "api/api.h"

#include "api/progress_build.h"
#include "common/buf.h"
#include "http/reply.h"

#include <stdio.h>

typedef bool (*render_fn)(const progress_report *r, buf *out);

static void export(request *rq, render_fn render, const char *content_type,
                   const char *ext)
{
    progress_report r;
    if (progress_report_or_reply(rq, &r) != OUT_CONTINUE)
        return;
    buf out = {0};
    bool ok = render(&r, &out);
    if (!ok) {
        buf_free(&out);
        progress_report_free(&r);
        reply_error(rq, 500, "internal", NULL, "the file could not be made");
        return;
    }
    char disposition[160];
    snprintf(disposition, sizeof disposition,
             "attachment; filename=\"progress-%s-%d.%s\"", r.region_code,
             r.year, ext);
    reply_text(rq, 200, content_type, out.data, out.len);
    reply_add_header(rq, "Content-Disposition", disposition);
    buf_free(&out);
    progress_report_free(&r);
}

void handle_progress_csv(request *rq)
{
    export(rq, progress_csv_write, "text/csv; charset=utf-8", "csv");
}

void handle_progress_xlsx(request *rq)
{
    export(rq, progress_xlsx_write,
           "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
           "xlsx");
}
