/*
 * csv.h: a streaming RFC 4180 CSV reader. Input arrives in chunks of any
 * size, split anywhere (inside quotes, between CR and LF, inside a UTF-8
 * character); records are handed to a callback as soon as they end.
 * Memory is bounded by max_fields * max_field_len, whatever the input size.
 *
 * Accepted: an optional UTF-8 BOM at the very start; records ended by LF,
 * CRLF or a lone CR; quoted fields holding commas, line breaks (kept as
 * data, CR included) and "" escapes. Completely empty lines are skipped.
 * Physical lines end at LF, CRLF or a lone CR, inside quotes too.
 * A malformed record is still delivered, with error set, and reading goes
 * on with the next record, so one bad line never hides the good ones.
 */
#ifndef DOMAIN_CSV_H
#define DOMAIN_CSV_H

#include <stddef.h>

typedef struct {
    size_t line;    /* physical line where the record starts, 1-based */
    size_t nfields; /* when error is set: only the fields completed before
                       the problem (the record's bytes are still consumed) */
    const char *const *fields; /* NUL-terminated, valid only during the
                                  callback */
    const size_t *lengths;     /* byte length of each field */
    const char *error; /* NULL, or why this record is malformed: "invalid
                          utf-8", "field too long", "too many fields",
                          "bare quote in unquoted field", "nul byte",
                          "text after closing quote" (static strings) */
} csv_record;

/* Called once per record; rec and everything it points to belong to the
 * reader and are valid only during the call. Return 0 to continue, non-zero
 * to stop (csv_feed / csv_finish then return CSV_STOPPED). */
typedef int (*csv_record_fn)(void *cls, const csv_record *rec);

typedef enum {
    CSV_OK = 0,
    CSV_STOPPED,
    CSV_ERR_UNTERMINATED_QUOTE,
    CSV_ERR_NOMEM
} csv_status;

typedef struct csv_reader csv_reader;

/* A new reader calling fn(cls, ...) per record. A field longer than
 * max_field_len bytes or a record with more than max_fields fields is
 * delivered with an error. Returns NULL when fn is NULL, a limit is 0,
 * the limits overflow size_t, or memory runs out. The caller owns the
 * reader and frees it with csv_reader_free; cls stays the caller's. */
csv_reader *csv_reader_new(csv_record_fn fn, void *cls, size_t max_field_len,
                           size_t max_fields);

/* Parses len bytes of data (the reader copies what it keeps; data may be
 * reused after the call). Returns CSV_OK, CSV_STOPPED when the callback
 * asked to stop, or CSV_ERR_NOMEM. CSV_STOPPED and CSV_ERR_NOMEM are
 * final: later csv_feed / csv_finish calls return them again and do
 * nothing. */
csv_status csv_feed(csv_reader *r, const char *data, size_t len);

/* Ends the input: delivers the last record (a trailing line break is not
 * needed). An open quoted field at the end is CSV_ERR_UNTERMINATED_QUOTE
 * (that record is not delivered); that status is final like CSV_STOPPED.
 * After CSV_OK the reader waits for a new record (lines keep counting). */
csv_status csv_finish(csv_reader *r);

/* For error reports: while a record is in progress (including after
 * CSV_ERR_UNTERMINATED_QUOTE or CSV_ERR_NOMEM), the line where it started;
 * otherwise the current physical line (1-based). */
size_t csv_reader_line(const csv_reader *r);

/* Frees the reader and its buffers; r may be NULL. */
void csv_reader_free(csv_reader *r);

#endif
