/*
 * csvbody.c: header mapping and per-row callbacks over the CSV reader.
 */
#include "http/csvbody.h"

#include "domain/csv.h"
#include "http/reply.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { CSV_MAX_FIELD = 4096, CSV_MAX_FIELDS = 64, CSV_MAX_COLUMNS = 32 };

typedef struct {
    request *rq;
    const char *const *columns;
    size_t ncolumns, nrequired;
    int index[CSV_MAX_COLUMNS]; /* header position of each column, or -1 */
    bool have_header;
    char missing[64];
    csvbody_row_fn fn;
    void *cls;
} reader_ctx;

static int on_header(reader_ctx *x, const csv_record *rec)
{
    x->have_header = true;
    for (size_t c = 0; c < x->ncolumns; c++) {
        x->index[c] = -1;
        for (size_t f = 0; f < rec->nfields; f++)
            if (strcmp(rec->fields[f], x->columns[c]) == 0)
                x->index[c] = (int)f;
        if (x->index[c] < 0 && c < x->nrequired) {
            snprintf(x->missing, sizeof x->missing, "%s", x->columns[c]);
            return 1;
        }
    }
    return 0;
}

static int on_record(void *cls, const csv_record *rec)
{
    reader_ctx *x = cls;
    if (!x->have_header)
        return rec->error ? (snprintf(x->missing, sizeof x->missing, "%s",
                                      "a readable header"),
                             1)
                          : on_header(x, rec);
    if (rec->error)
        return x->fn(x->cls, rec->line, NULL, rec->error);
    const char *values[CSV_MAX_COLUMNS];
    for (size_t c = 0; c < x->ncolumns; c++) {
        int i = x->index[c];
        values[c] = i >= 0 && (size_t)i < rec->nfields ? rec->fields[i] : "";
        if (i >= 0 && (size_t)i >= rec->nfields) {
            char why[96];
            snprintf(why, sizeof why, "expected at least %d fields, got %zu",
                     i + 1, rec->nfields);
            return x->fn(x->cls, rec->line, NULL, why);
        }
    }
    return x->fn(x->cls, rec->line, values, NULL);
}

outcome csvbody_rows_or_reply(request *rq, const char *const *columns,
                              size_t ncolumns, size_t nrequired,
                              csvbody_row_fn fn, void *cls)
{
    reader_ctx x = {.rq = rq,
                    .columns = columns,
                    .ncolumns = ncolumns,
                    .nrequired = nrequired,
                    .fn = fn,
                    .cls = cls};
    csv_reader *r =
        csv_reader_new(on_record, &x, CSV_MAX_FIELD, CSV_MAX_FIELDS);
    if (!r) {
        reply_error(rq, 500, "internal", NULL, "out of memory");
        return OUT_REPLIED;
    }
    csv_status st = CSV_OK;
    long got = 0;
    char chunk[64 * 1024];
    while (st == CSV_OK &&
           (got = request_body_read(rq, chunk, sizeof chunk)) > 0)
        st = csv_feed(r, chunk, (size_t)got);
    if (st == CSV_OK && got == 0)
        st = csv_finish(r);
    size_t line = csv_reader_line(r);
    csv_reader_free(r);
    if (got == -1) {
        reply_error(rq, 413, "payload_too_large", NULL,
                    "the body exceeds %zu bytes", rq->body_limit);
        return OUT_REPLIED;
    }
    if (got == -2) {
        reply_error(rq, 400, "bad_request", NULL, "the body was cut short");
        return OUT_REPLIED;
    }
    if (x.missing[0]) {
        reply_error(rq, 400, "validation_failed", x.missing,
                    "the CSV header must name the column %s", x.missing);
        return OUT_REPLIED;
    }
    if (!x.have_header && st == CSV_OK) {
        reply_error(rq, 400, "validation_failed", NULL, "the CSV is empty");
        return OUT_REPLIED;
    }
    if (st == CSV_ERR_UNTERMINATED_QUOTE) {
        reply_error(rq, 400, "validation_failed", NULL,
                    "unterminated quoted field before line %zu", line);
        return OUT_REPLIED;
    }
    if (st == CSV_ERR_NOMEM) {
        reply_error(rq, 500, "internal", NULL, "out of memory");
        return OUT_REPLIED;
    }
    return st == CSV_STOPPED && rq->response ? OUT_REPLIED : OUT_CONTINUE;
}

json_t *csvbody_rejection(size_t line, const char *field, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    json_t *err =
        json_pack("{s:s,s:s}", "code", "validation_failed", "message", msg);
    if (!err)
        err = json_pack("{s:s,s:s}", "code", "validation_failed", "message",
                        "invalid value");
    if (field)
        json_object_set_new(err, "field", json_string(field));
    return json_pack("{s:I,s:o}", "line", (json_int_t)line, "error", err);
}
