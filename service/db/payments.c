/*
 * payments.c: SQL for payments. Recording one is a single round trip to
 * the pay() function, which checks, prices, covers and records atomically.
 */
#include "db/sql.h"

#include "common/buf.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TS(col)                                                                \
    "to_char(" col " AT TIME ZONE 'Asia/Shanghai', "                           \
    "'YYYY-MM-DD\"T\"HH24:MI:SS\"+08:00\"')"

#define ITEM_COLS                                                              \
    "id_number, personal, subsidy, assistance, late_surcharge, category, "     \
    "coverage_start, coverage_end"

const db_stmt db_payment_statements[] = {
    {"pay",
     "SELECT outcome, payment_id, " ITEM_COLS ", detail FROM pay($1, $2, $3, "
     "$4, $5, $6::timestamptz, $7, $8, $9::text[], $10, $11, $12)"},
    /* clang-format off */
    {"payment_get",
     "SELECT p.id, p.channel, p.external_id, p.status, p.year, p.tier, "
     "p.household_no, p.amount, " TS("p.paid_at") ", " TS("p.reversed_at")
     ", p.reverse_reason, p.collector, " DB_REGION_COLS " FROM payments p "
     "LEFT JOIN LATERAL (SELECT h.region_code FROM payment_items i "
     "JOIN residents r ON r.id_number = i.id_number JOIN households h "
     "ON h.household_no = r.household_no WHERE i.payment_id = p.id "
     "ORDER BY i.id_number LIMIT 1) v ON true "
     "LEFT JOIN regions rg ON rg.code = v.region_code WHERE p.id = $1"},
    /* clang-format on */
    {"payment_items",
     "SELECT " ITEM_COLS " FROM payment_items WHERE payment_id = $1 "
     "ORDER BY id_number"},
    {"payment_reverse", "SELECT reverse_payment($1, $2, $3, $4)"},
    {"register_enrolments",
     "SELECT outcome, count, detail FROM register_enrolments($1, $2, $3, "
     "$4::text[], $5)"},
    {NULL, NULL},
};

char *db_text_array(const char *const *items, size_t n)
{
    buf b = {0};
    buf_append_str(&b, "{");
    for (size_t i = 0; i < n; i++) {
        buf_append_str(&b, i ? ",\"" : "\"");
        for (const char *p = items[i]; *p; p++) {
            if (*p == '"' || *p == '\\')
                buf_append(&b, "\\", 1);
            buf_append(&b, p, 1);
        }
        buf_append_str(&b, "\"");
    }
    buf_append_str(&b, "}");
    return buf_steal(&b);
}

static int64_t num(const PGresult *r, int row, int col)
{
    return strtoll(PQgetvalue(r, row, col), NULL, 10);
}

/* Reads ITEM_COLS starting at col0. */
static void item_from_row(const PGresult *r, int row, int col0, db_pay_item *it)
{
    memset(it, 0, sizeof *it);
    db_copy_field(it->id_number, sizeof it->id_number, r, row, col0);
    it->personal = num(r, row, col0 + 1);
    it->subsidy = num(r, row, col0 + 2);
    it->assistance = num(r, row, col0 + 3);
    it->late_surcharge = num(r, row, col0 + 4);
    db_copy_field(it->category, sizeof it->category, r, row, col0 + 5);
    db_copy_field(it->coverage_start, 11, r, row, col0 + 6);
    db_copy_field(it->coverage_end, 11, r, row, col0 + 7);
}

static void pay_from_result(const PGresult *r, db_pay_out *out)
{
    int rows = PQntuples(r);
    db_copy_field(out->outcome, sizeof out->outcome, r, 0, 0);
    out->payment_id = PQgetisnull(r, 0, 1) ? 0 : num(r, 0, 1);
    db_copy_field(out->id_number, sizeof out->id_number, r, 0, 2);
    db_copy_field(out->detail, sizeof out->detail, r, 0, 10);
    out->items = calloc((size_t)rows, sizeof *out->items);
    for (int i = 1; out->items && i < rows; i++)
        item_from_row(r, i, 2, &out->items[out->nitems++]);
}

db_status db_pay(db_conn *c, const db_pay_in *in, db_pay_out *out)
{
    char year[16], tier[16], amount[24], token[24];
    snprintf(year, sizeof year, "%d", in->year);
    snprintf(tier, sizeof tier, "%d", in->tier);
    snprintf(amount, sizeof amount, "%" PRId64, in->amount);
    snprintf(token, sizeof token, "%" PRId64, in->token_id);
    char *ids = in->household_no ? NULL : db_text_array(in->ids, in->nids);
    const char *p[] = {
        in->channel, in->external_id, in->request_hash, year,
        tier,        in->paid_at,     amount,           in->household_no,
        ids,         token,           in->collector,    in->scope};
    memset(out, 0, sizeof *out);
    PGresult *r = NULL;
    db_status st = DB_RETRY;
    /* a deadlock between two households' payments is retried */
    for (int attempt = 0; st == DB_RETRY && attempt < 3; attempt++)
        st = db_exec(c, "pay", 12, p, &r);
    free(ids);
    if (st == DB_REJECTED && c->last_error &&
        !strcmp(c->last_error, "already_paid")) {
        snprintf(out->outcome, sizeof out->outcome, "already_paid");
        return DB_OK;
    }
    if (st != DB_OK)
        return st;
    pay_from_result(r, out);
    PQclear(r);
    return out->items ? DB_OK : DB_ERROR;
}

void db_pay_out_free(db_pay_out *out)
{
    free(out->items);
    out->items = NULL;
    out->nitems = 0;
}

static db_status items_of(db_conn *c, const char *id, db_payment *out)
{
    const char *p[] = {id};
    PGresult *r;
    db_status st = db_exec(c, "payment_items", 1, p, &r);
    if (st != DB_OK)
        return st;
    int rows = PQntuples(r);
    out->items = calloc((size_t)rows + 1, sizeof *out->items);
    for (int i = 0; out->items && i < rows; i++)
        item_from_row(r, i, 0, &out->items[out->nitems++]);
    PQclear(r);
    return out->items ? DB_OK : DB_ERROR;
}

db_status db_payment_get(db_conn *c, int64_t id, db_payment *out)
{
    char ids[24];
    snprintf(ids, sizeof ids, "%" PRId64, id);
    const char *p[] = {ids};
    PGresult *r;
    memset(out, 0, sizeof *out);
    db_status st = db_exec(c, "payment_get", 1, p, &r);
    if (st != DB_OK)
        return st;
    if (PQntuples(r) == 0) {
        PQclear(r);
        return DB_NOT_FOUND;
    }
    out->id = num(r, 0, 0);
    db_copy_field(out->channel, sizeof out->channel, r, 0, 1);
    db_copy_field(out->external_id, sizeof out->external_id, r, 0, 2);
    db_copy_field(out->status, sizeof out->status, r, 0, 3);
    out->year = (int)num(r, 0, 4);
    out->tier = (int)num(r, 0, 5);
    db_copy_field(out->household_no, sizeof out->household_no, r, 0, 6);
    out->amount = num(r, 0, 7);
    db_copy_field(out->paid_at, sizeof out->paid_at, r, 0, 8);
    db_copy_field(out->reversed_at, sizeof out->reversed_at, r, 0, 9);
    db_copy_field(out->reverse_reason, sizeof out->reverse_reason, r, 0, 10);
    db_copy_field(out->collector, sizeof out->collector, r, 0, 11);
    db_region_from_row(r, 0, 12, &out->region);
    PQclear(r);
    return items_of(c, ids, out);
}

void db_payment_free(db_payment *p)
{
    free(p->items);
    p->items = NULL;
    p->nitems = 0;
}

db_status db_payment_reverse(db_conn *c, int64_t id, const char *reason,
                             const char *note, const char *scope,
                             char outcome[24])
{
    char ids[24];
    snprintf(ids, sizeof ids, "%" PRId64, id);
    const char *p[] = {ids, reason, note && *note ? note : NULL, scope};
    PGresult *r;
    db_status st = db_exec(c, "payment_reverse", 4, p, &r);
    if (st != DB_OK)
        return st;
    db_copy_field(outcome, 24, r, 0, 0);
    PQclear(r);
    return DB_OK;
}

db_status db_register_enrolments(db_conn *c, int year, int tier,
                                 const char *household_no,
                                 const char *const *ids, size_t nids,
                                 const char *scope, char outcome[24],
                                 int64_t *count, char detail[ID_BYTES])
{
    char y[16], t[16];
    snprintf(y, sizeof y, "%d", year);
    snprintf(t, sizeof t, "%d", tier);
    char *arr = household_no ? NULL : db_text_array(ids, nids);
    const char *p[] = {y, t, household_no, arr, scope};
    PGresult *r;
    db_status st = db_exec(c, "register_enrolments", 5, p, &r);
    free(arr);
    if (st != DB_OK)
        return st;
    db_copy_field(outcome, 24, r, 0, 0);
    *count = num(r, 0, 1);
    db_copy_field(detail, ID_BYTES, r, 0, 2);
    PQclear(r);
    return DB_OK;
}
