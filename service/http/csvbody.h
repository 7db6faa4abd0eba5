/*
 * csvbody.h: reading a text/csv request body row by row, columns found by
 * their header names, every malformed line reported with its number.
 */
#ifndef HTTP_CSVBODY_H
#define HTTP_CSVBODY_H

#include "http/request.h"

#include <stddef.h>

/* Called for each data row. values are in the order of `columns`
 * (a missing optional column gives ""). When the row is malformed, values
 * is NULL and error says why. Return 0 to go on. */
typedef int (*csvbody_row_fn)(void *cls, size_t line, const char *const *values,
                              const char *error);

/* Reads the request body as it arrives (never whole). columns[0..nrequired)
 * must be in the header; the rest are optional. Replies 400 when the header is
 * missing a column or the file cannot be read to its end (unterminated quote).
 */
outcome csvbody_rows_or_reply(request *rq, const char *const *columns,
                              size_t ncolumns, size_t nrequired,
                              csvbody_row_fn fn, void *cls);

/* A rejected line as the API shows it:
 * {"line":N,"error":{"code":"validation_failed","field":…,"message":…}}.
 * field may be NULL. */
json_t *csvbody_rejection(size_t line, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
