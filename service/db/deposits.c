/*
 * deposits.c: SQL for cash deposits and the same-day-deposit report.
 */
#include "db/sql.h"

#include "common/buf.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const db_stmt db_deposit_statements[] = {
    {"deposit",
     "SELECT outcome, coalesce(deposit_id, 0), coalesce(amount, 0), detail "
     "FROM deposit($1, $2, $3::timestamptz, $4, $5::bigint[])"},
    /* a payment's village: that of its first person's household */
    {"undeposited_report",
     "WITH day AS (SELECT ($1::date)::timestamp AT TIME ZONE 'Asia/Shanghai' "
     "AS starts), cash AS ("
     " SELECT p.id, p.amount, p.token_id, "
     "  (SELECT h.region_code FROM payment_items i JOIN residents r "
     "   ON r.id_number = i.id_number JOIN households h "
     "   ON h.household_no = r.household_no WHERE i.payment_id = p.id "
     "   ORDER BY i.id_number LIMIT 1) AS village "
     " FROM payments p, day WHERE p.channel = 'cash' AND p.status = 'accepted' "
     " AND p.paid_at >= day.starts AND p.paid_at < day.starts + interval '1 "
     "day' "
     " AND NOT EXISTS (SELECT 1 FROM deposit_items di JOIN deposits d "
     "  ON d.id = di.deposit_id WHERE di.payment_id = p.id "
     "  AND d.deposited_at < day.starts + interval '1 day')) "
     "SELECT c.token_id, coalesce(t.name, 'admin'), rg.code, rg.name, "
     "count(*), "
     "sum(c.amount) FROM cash c JOIN regions rg ON rg.code = c.village "
     "LEFT JOIN api_tokens t ON t.id = c.token_id WHERE $2 = ANY (rg.path) "
     "GROUP BY c.token_id, t.name, rg.code, rg.name ORDER BY rg.code, "
     "c.token_id"},
    {NULL, NULL},
};

db_status db_deposit(db_conn *c, int64_t token_id, int64_t owner,
                     const char *deposited_at, const char *bank_ref,
                     const int64_t *payment_ids, size_t n,
                     db_deposit_result *out)
{
    buf arr = {0};
    buf_append_str(&arr, "{");
    for (size_t i = 0; i < n; i++)
        buf_printf(&arr, "%s%" PRId64, i ? "," : "", payment_ids[i]);
    buf_append_str(&arr, "}");
    char tok[24], own[24];
    snprintf(tok, sizeof tok, "%" PRId64, token_id);
    snprintf(own, sizeof own, "%" PRId64, owner);
    const char *p[] = {tok, owner >= 0 ? own : NULL, deposited_at, bank_ref,
                       arr.data};
    PGresult *r;
    db_status st = db_exec(c, "deposit", 5, p, &r);
    buf_free(&arr);
    if (st != DB_OK)
        return st;
    memset(out, 0, sizeof *out);
    db_copy_field(out->outcome, sizeof out->outcome, r, 0, 0);
    out->deposit_id = strtoll(PQgetvalue(r, 0, 1), NULL, 10);
    out->amount = strtoll(PQgetvalue(r, 0, 2), NULL, 10);
    db_copy_field(out->detail, sizeof out->detail, r, 0, 3);
    PQclear(r);
    return DB_OK;
}

db_status db_undeposited_report(db_conn *c, const char *day, const char *region,
                                db_undeposited_fn fn, void *cls)
{
    const char *p[] = {day, region};
    PGresult *r;
    db_status st = db_exec(c, "undeposited_report", 2, p, &r);
    if (st != DB_OK)
        return st;
    for (int i = 0; i < PQntuples(r); i++) {
        db_undeposited row;
        memset(&row, 0, sizeof row);
        row.token_id = strtoll(PQgetvalue(r, i, 0), NULL, 10);
        db_copy_field(row.collector, sizeof row.collector, r, i, 1);
        db_copy_field(row.region_code, sizeof row.region_code, r, i, 2);
        db_copy_field(row.region_name, sizeof row.region_name, r, i, 3);
        row.count = strtoll(PQgetvalue(r, i, 4), NULL, 10);
        row.amount = strtoll(PQgetvalue(r, i, 5), NULL, 10);
        fn(cls, &row);
    }
    PQclear(r);
    return DB_OK;
}
