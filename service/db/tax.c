/*
 * tax.c: SQL for the tax bureau's side: batches of its payment detail in
 * one round trip each (tax_record_batch()), what people owe now, and the
 * day's money for reconciliation. See migrations/006_tax.sql.
 */
#include "db/sql.h"

#include "common/buf.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const db_stmt db_tax_statements[] = {
    {"tax_record_batch",
     "SELECT i, outcome, detail FROM tax_record_batch($1::integer[], "
     "$2::text[], $3::text[], $4::integer[], $5::integer[], $6::bigint[], "
     "$7::timestamptz[], $8::text[], $9::text[], $10, $11)"},
    {"tax_payables", "SELECT outcome, tier, id_number, self_pay, subsidy, "
                     "category FROM tax_payables($1, $2, $3, $4::date)"},
    {"tax_day_totals",
     "SELECT channel, count(*), sum(amount) FROM payments_of_day($1::date, "
     "$2) GROUP BY channel ORDER BY channel"},
    {"tax_voucher_differences",
     "SELECT voucher, difference, ours, theirs FROM "
     "tax_voucher_differences($1::date, $2, $3::text[], $4::bigint[])"},
    {NULL, NULL},
};

static int64_t num(const PGresult *r, int row, int col)
{
    return strtoll(PQgetvalue(r, row, col), NULL, 10);
}

/* The nine arrays of a batch as text[] / integer[] literals. */
typedef struct {
    buf ref, voucher, id, year, tier, amount, paid_at, channel, hash;
} batch_arrays;

static void arrays_free(batch_arrays *a)
{
    buf *all[] = {&a->ref,    &a->voucher, &a->id,      &a->year, &a->tier,
                  &a->amount, &a->paid_at, &a->channel, &a->hash};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        buf_free(all[i]);
}

/* Appends n in decimal after a comma unless first. */
static bool number(buf *b, bool first, int64_t n)
{
    char text[24], *p = text + sizeof text;
    uint64_t u = n < 0 ? 0 - (uint64_t)n : (uint64_t)n;
    do
        *--p = (char)('0' + u % 10);
    while (u /= 10);
    if (n < 0)
        *--p = '-';
    if (!first)
        *--p = ',';
    return buf_append(b, p, (size_t)(text + sizeof text - p));
}

/* Appends s as a quoted array element (runs without quotes or
 * backslashes in one piece). */
static bool quoted(buf *b, bool first, const char *s)
{
    bool ok = buf_append_str(b, first ? "\"" : ",\"");
    while (ok && *s) {
        size_t run = strcspn(s, "\"\\");
        ok = buf_append(b, s, run);
        s += run;
        if (ok && *s)
            ok = buf_append(b, "\\", 1) && buf_append(b, s++, 1);
    }
    return ok && buf_append_str(b, "\"");
}

static bool arrays_fill(batch_arrays *a, const db_tax_line *lines, size_t n)
{
    bool ok = true;
    buf *all[] = {&a->ref,    &a->voucher, &a->id,      &a->year, &a->tier,
                  &a->amount, &a->paid_at, &a->channel, &a->hash};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        ok = ok && buf_append_str(all[i], "{");
    for (size_t i = 0; ok && i < n; i++) {
        const db_tax_line *l = &lines[i];
        ok = number(&a->ref, !i, l->ref) &&
             quoted(&a->voucher, !i, l->voucher) &&
             quoted(&a->id, !i, l->id_number) &&
             number(&a->year, !i, l->year) && number(&a->tier, !i, l->tier) &&
             number(&a->amount, !i, l->amount) &&
             quoted(&a->paid_at, !i, l->paid_at) &&
             quoted(&a->channel, !i, l->channel) &&
             quoted(&a->hash, !i, l->request_hash);
    }
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        ok = ok && buf_append_str(all[i], "}");
    return ok;
}

db_status db_tax_record_batch(db_conn *c, const db_tax_line *lines, size_t n,
                              int64_t token_id, const char *scope,
                              db_tax_refusal **out, size_t *nout)
{
    *out = NULL;
    *nout = 0;
    batch_arrays a;
    memset(&a, 0, sizeof a);
    if (!arrays_fill(&a, lines, n)) {
        arrays_free(&a);
        return DB_ERROR;
    }
    char token[24];
    snprintf(token, sizeof token, "%" PRId64, token_id);
    const char *p[] = {a.ref.data,     a.voucher.data, a.id.data,
                       a.year.data,    a.tier.data,    a.amount.data,
                       a.paid_at.data, a.channel.data, a.hash.data,
                       token,          scope};
    PGresult *r;
    db_status st = db_exec(c, "tax_record_batch", 11, p, &r);
    arrays_free(&a);
    if (st != DB_OK)
        return st;
    int rows = PQntuples(r);
    *out = calloc((size_t)rows + 1, sizeof **out);
    if (!*out) {
        PQclear(r);
        return DB_ERROR;
    }
    for (int i = 0; i < rows; i++) {
        db_tax_refusal *f = &(*out)[i];
        f->ref = (int)num(r, i, 0);
        db_copy_field(f->outcome, sizeof f->outcome, r, i, 1);
        db_copy_field(f->detail, sizeof f->detail, r, i, 2);
    }
    *nout = (size_t)rows;
    PQclear(r);
    return DB_OK;
}

db_status db_tax_payables(db_conn *c, int year, const char *household_no,
                          const char *id_number, const char *date,
                          db_tax_payable_fn fn, void *cls)
{
    char y[16];
    snprintf(y, sizeof y, "%d", year);
    const char *p[] = {y, household_no, id_number, date};
    PGresult *r;
    db_status st = db_exec(c, "tax_payables", 4, p, &r);
    if (st != DB_OK)
        return st;
    for (int i = 0; i < PQntuples(r); i++) {
        db_tax_payable row;
        memset(&row, 0, sizeof row);
        db_copy_field(row.outcome, sizeof row.outcome, r, i, 0);
        row.tier = PQgetisnull(r, i, 1) ? 0 : (int)num(r, i, 1);
        db_copy_field(row.id_number, sizeof row.id_number, r, i, 2);
        row.self_pay = num(r, i, 3);
        row.subsidy = num(r, i, 4);
        db_copy_field(row.category, sizeof row.category, r, i, 5);
        fn(cls, &row);
    }
    PQclear(r);
    return DB_OK;
}

db_status db_tax_day_totals(db_conn *c, const char *date, const char *scope,
                            db_channel_total_fn fn, void *cls)
{
    const char *p[] = {date, scope};
    PGresult *r;
    db_status st = db_exec(c, "tax_day_totals", 2, p, &r);
    if (st != DB_OK)
        return st;
    for (int i = 0; i < PQntuples(r); i++) {
        db_channel_total t;
        memset(&t, 0, sizeof t);
        db_copy_field(t.channel, sizeof t.channel, r, i, 0);
        t.count = num(r, i, 1);
        t.amount = num(r, i, 2);
        fn(cls, &t);
    }
    PQclear(r);
    return DB_OK;
}

db_status db_tax_voucher_differences(db_conn *c, const char *date,
                                     const char *scope,
                                     const char *const *vouchers,
                                     const int64_t *amounts, size_t n,
                                     db_voucher_difference_fn fn, void *cls)
{
    buf am = {0};
    bool ok = buf_append_str(&am, "{");
    for (size_t i = 0; ok && i < n; i++)
        ok = buf_printf(&am, "%s%" PRId64, i ? "," : "", amounts[i]);
    ok = ok && buf_append_str(&am, "}");
    char *vs = db_text_array(vouchers, n);
    if (!ok || !vs) {
        buf_free(&am);
        free(vs);
        return DB_ERROR;
    }
    const char *p[] = {date, scope, vs, am.data};
    PGresult *r;
    db_status st = db_exec(c, "tax_voucher_differences", 4, p, &r);
    buf_free(&am);
    free(vs);
    if (st != DB_OK)
        return st;
    for (int i = 0; i < PQntuples(r); i++) {
        db_voucher_difference d;
        memset(&d, 0, sizeof d);
        db_copy_field(d.voucher, sizeof d.voucher, r, i, 0);
        db_copy_field(d.difference, sizeof d.difference, r, i, 1);
        d.has_ours = !PQgetisnull(r, i, 2);
        d.ours = d.has_ours ? num(r, i, 2) : 0;
        d.has_theirs = !PQgetisnull(r, i, 3);
        d.theirs = d.has_theirs ? num(r, i, 3) : 0;
        fn(cls, &d);
    }
    PQclear(r);
    return DB_OK;
}
