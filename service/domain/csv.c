/*
 * csv.c: streaming RFC 4180 reader. One byte loop drives a small state
 * machine; the current record's fields live in one buffer that grows up to
 * max_fields * (max_field_len + 1) bytes and is reused for every record.
 */
#include "domain/csv.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

enum {
    ST_REC_START,   /* no byte of a record seen yet */
    ST_FIELD_START, /* just after a comma (or the record's first byte) */
    ST_UNQUOTED,
    ST_QUOTED,
    ST_QUOTE_SEEN, /* a '"' inside a quoted field: escape or closing */
    ST_SKIP        /* malformed beyond repair: drop bytes up to line end */
};

struct csv_reader {
    csv_record_fn fn;
    void *cls;
    size_t max_field_len, max_fields;
    char *buf;            /* current record's fields, NUL-separated */
    size_t cap, hard_cap; /* allocated and maximum size of buf */
    size_t pos;           /* bytes used in buf */
    size_t field_start;   /* offset of the field being read */
    size_t field_len;
    size_t nfields;    /* completed fields */
    size_t *starts;    /* max_fields offsets into buf */
    size_t *lengths;   /* max_fields lengths */
    const char **ptrs; /* max_fields pointers, filled per record */
    const char *error; /* first problem of the current record */
    size_t line;       /* current physical line */
    size_t rec_line;   /* where the current record started */
    unsigned char state;
    unsigned char u8_need;      /* UTF-8 continuation bytes still expected */
    unsigned char u8_lo, u8_hi; /* allowed range of the next one */
    unsigned char bom_seen;     /* BOM bytes matched at the very start */
    bool bom_done;
    bool prev_cr;
    csv_status status; /* sticky once not CSV_OK */
};

static const unsigned char utf8_bom[3] = {0xEF, 0xBB, 0xBF};

static void set_error(csv_reader *r, const char *msg)
{
    if (!r->error)
        r->error = msg;
}

static bool grow(csv_reader *r)
{
    if (r->cap == r->hard_cap)
        return false;
    size_t ncap = r->cap > r->hard_cap / 2 ? r->hard_cap : r->cap * 2;
    char *nbuf = realloc(r->buf, ncap);
    if (!nbuf)
        return false;
    r->buf = nbuf;
    r->cap = ncap;
    return true;
}

/* Validates one byte of the record as UTF-8 (called for bytes >= 0x80 and
 * for any byte while a sequence is open). Rejects overlongs, surrogates
 * and code points above U+10FFFF. */
static void utf8_step(csv_reader *r, unsigned char c)
{
    if (r->u8_need) {
        if (c < r->u8_lo || c > r->u8_hi) {
            r->u8_need = 0;
            set_error(r, "invalid utf-8");
            return;
        }
        r->u8_need--;
        r->u8_lo = 0x80;
        r->u8_hi = 0xBF;
        return;
    }
    r->u8_lo = 0x80;
    r->u8_hi = 0xBF;
    if (c >= 0xC2 && c <= 0xDF) {
        r->u8_need = 1;
    } else if (c >= 0xE0 && c <= 0xEF) {
        r->u8_need = 2;
        r->u8_lo = c == 0xE0 ? 0xA0 : 0x80;
        r->u8_hi = c == 0xED ? 0x9F : 0xBF;
    } else if (c >= 0xF0 && c <= 0xF4) {
        r->u8_need = 3;
        r->u8_lo = c == 0xF0 ? 0x90 : 0x80;
        r->u8_hi = c == 0xF4 ? 0x8F : 0xBF;
    } else {
        set_error(r, "invalid utf-8");
    }
}

/* Appends a data byte to the current field. */
static inline csv_status put(csv_reader *r, unsigned char c)
{
    if (r->error)
        return CSV_OK;
    if (c == '\0') {
        set_error(r, "nul byte");
        return CSV_OK;
    }
    if (r->field_len == r->max_field_len) {
        set_error(r, "field too long");
        return CSV_OK;
    }
    if (r->pos == r->cap && !grow(r))
        return CSV_ERR_NOMEM;
    r->buf[r->pos++] = (char)c;
    r->field_len++;
    return CSV_OK;
}

/* Completes the current field; more says a comma announced another. */
static csv_status end_field(csv_reader *r, bool more)
{
    if (r->error)
        return CSV_OK;
    if (r->pos == r->cap && !grow(r))
        return CSV_ERR_NOMEM;
    r->buf[r->pos++] = '\0';
    r->starts[r->nfields] = r->field_start;
    r->lengths[r->nfields] = r->field_len;
    r->nfields++;
    r->field_start = r->pos;
    r->field_len = 0;
    if (more && r->nfields == r->max_fields)
        set_error(r, "too many fields");
    return CSV_OK;
}

/* Delivers the record (completing its last field first unless it was
 * abandoned) and gets ready for the next. */
static csv_status end_record(csv_reader *r, bool complete)
{
    if (complete) {
        csv_status st = end_field(r, false);
        if (st != CSV_OK)
            return st;
    }
    for (size_t i = 0; i < r->nfields; i++)
        r->ptrs[i] = r->buf + r->starts[i];
    csv_record rec = {r->rec_line, r->nfields, r->ptrs, r->lengths, r->error};
    r->state = ST_REC_START;
    r->pos = r->field_start = r->field_len = r->nfields = 0;
    r->error = NULL;
    r->u8_need = 0;
    return r->fn(r->cls, &rec) != 0 ? CSV_STOPPED : CSV_OK;
}

/* Abandons the rest of the record up to the next line end. */
static csv_status malformed(csv_reader *r, const char *msg)
{
    set_error(r, msg);
    r->state = ST_SKIP;
    return CSV_OK;
}

/* The state machine proper, for a byte inside a record. */
static inline csv_status structural(csv_reader *r, unsigned char c)
{
    bool eol = c == '\n' || c == '\r';
    switch (r->state) {
    case ST_FIELD_START:
        if (c == '"') {
            r->state = ST_QUOTED;
            return CSV_OK;
        }
        if (c == ',')
            return end_field(r, true);
        if (eol)
            return end_record(r, true);
        r->state = ST_UNQUOTED;
        return put(r, c);
    case ST_UNQUOTED:
        if (c == ',') {
            r->state = ST_FIELD_START;
            return end_field(r, true);
        }
        if (eol)
            return end_record(r, true);
        if (c == '"')
            return malformed(r, "bare quote in unquoted field");
        return put(r, c);
    case ST_QUOTED:
        if (c != '"')
            return put(r, c);
        r->state = ST_QUOTE_SEEN;
        return CSV_OK;
    default: /* ST_QUOTE_SEEN */
        if (c == '"') {
            r->state = ST_QUOTED;
            return put(r, c);
        }
        if (c == ',') {
            r->state = ST_FIELD_START;
            return end_field(r, true);
        }
        if (eol)
            return end_record(r, true);
        return malformed(r, "text after closing quote");
    }
}

/* One input byte: line counting, record boundaries, UTF-8, then the
 * state machine. */
static inline csv_status step(csv_reader *r, unsigned char c)
{
    if (c == '\n')
        r->line += !r->prev_cr;
    else if (c == '\r')
        r->line++;
    r->prev_cr = c == '\r';
    switch (r->state) {
    case ST_REC_START:
        /* An empty line, or the LF of a CRLF that ended a record. */
        if (c == '\n' || c == '\r')
            return CSV_OK;
        r->rec_line = r->line;
        r->state = ST_FIELD_START;
        break;
    case ST_SKIP:
        if (c == '\n' || c == '\r')
            return end_record(r, false);
        return CSV_OK;
    default:
        break;
    }
    if ((c >= 0x80 || r->u8_need) && !r->error)
        utf8_step(r, c);
    return structural(r, c);
}

/* Fast path: copies a run of printable ASCII data bytes (no comma, quote,
 * line break or control byte) into the current field in one go, as far as
 * the field limit and the allocated buffer allow. Returns the run length;
 * the caller feeds the byte that stopped it to step(). */
static size_t plain_run(csv_reader *r, const unsigned char *p, size_t n)
{
    size_t lim = r->max_field_len - r->field_len;
    if (lim > r->cap - r->pos)
        lim = r->cap - r->pos;
    if (lim > n)
        lim = n;
    size_t k = 0;
    while (k < lim && p[k] >= 0x20 && p[k] < 0x80 && p[k] != ',' && p[k] != '"')
        k++;
    memcpy(r->buf + r->pos, p, k);
    r->pos += k;
    r->field_len += k;
    return k;
}

static csv_status run(csv_reader *r, const unsigned char *p, size_t n)
{
    size_t i = 0;
    while (i < n) {
        if ((r->state == ST_UNQUOTED || r->state == ST_QUOTED) && !r->error &&
            !r->u8_need) {
            size_t k = plain_run(r, p + i, n - i);
            if (k > 0) {
                r->prev_cr = false;
                i += k;
                if (i == n)
                    break;
            }
        }
        csv_status st = step(r, p[i++]);
        if (st != CSV_OK)
            return st;
    }
    return CSV_OK;
}

/* Swallows a BOM at the very start of the input. Bytes that turn out not
 * to be one are replayed through the parser. Advances *i past what it
 * consumed. */
static csv_status eat_bom(csv_reader *r, const unsigned char *p, size_t n,
                          size_t *i)
{
    while (*i < n && !r->bom_done) {
        if (p[*i] != utf8_bom[r->bom_seen]) {
            r->bom_done = true;
            return run(r, utf8_bom, r->bom_seen);
        }
        (*i)++;
        r->bom_done = ++r->bom_seen == 3;
    }
    return CSV_OK;
}

csv_status csv_feed(csv_reader *r, const char *data, size_t len)
{
    if (r->status != CSV_OK)
        return r->status;
    const unsigned char *p = (const unsigned char *)data;
    size_t i = 0;
    csv_status st = CSV_OK;
    if (!r->bom_done)
        st = eat_bom(r, p, len, &i);
    if (st == CSV_OK)
        st = run(r, p + i, len - i);
    r->status = st;
    return st;
}

csv_status csv_finish(csv_reader *r)
{
    if (r->status != CSV_OK)
        return r->status;
    csv_status st = CSV_OK;
    if (!r->bom_done) {
        r->bom_done = true;
        st = run(r, utf8_bom, r->bom_seen);
    }
    if (st == CSV_OK) {
        switch (r->state) {
        case ST_REC_START:
            break;
        case ST_QUOTED:
            st = CSV_ERR_UNTERMINATED_QUOTE;
            break;
        default:
            if (r->u8_need)
                set_error(r, "invalid utf-8");
            st = end_record(r, r->state != ST_SKIP);
            break;
        }
    }
    r->status = st;
    return st;
}

size_t csv_reader_line(const csv_reader *r)
{
    if (r->state == ST_REC_START)
        return r->line;
    return r->rec_line;
}

csv_reader *csv_reader_new(csv_record_fn fn, void *cls, size_t max_field_len,
                           size_t max_fields)
{
    if (!fn || max_field_len == 0 || max_fields == 0 ||
        max_field_len >= SIZE_MAX / max_fields ||
        max_fields > SIZE_MAX / sizeof(size_t))
        return NULL;
    csv_reader *r = calloc(1, sizeof *r);
    if (!r)
        return NULL;
    r->fn = fn;
    r->cls = cls;
    r->max_field_len = max_field_len;
    r->max_fields = max_fields;
    r->hard_cap = max_fields * (max_field_len + 1);
    r->cap = r->hard_cap < 4096 ? r->hard_cap : 4096;
    r->buf = malloc(r->cap);
    r->starts = malloc(max_fields * sizeof *r->starts);
    r->lengths = malloc(max_fields * sizeof *r->lengths);
    r->ptrs = malloc(max_fields * sizeof *r->ptrs);
    r->line = 1;
    r->state = ST_REC_START;
    if (!r->buf || !r->starts || !r->lengths || !r->ptrs) {
        csv_reader_free(r);
        return NULL;
    }
    return r;
}

void csv_reader_free(csv_reader *r)
{
    if (!r)
        return;
    free(r->buf);
    free(r->starts);
    free(r->lengths);
    free(r->ptrs);
    free(r);
}
