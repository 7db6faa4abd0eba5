/*
 * orders.c: SQL for payment orders and the notifications that pay them.
 */
#include "db/sql.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const db_stmt db_order_statements[] = {
    {"order_create",
     "SELECT outcome, amount, detail FROM order_create($1, $2, $3, $4, $5, "
     "$6::text[], $7, $8, $9::timestamptz)"},
    {"order_get", "SELECT out_trade_no, channel, status, year, tier, amount, "
                  "coalesce(payment_id, 0), to_char(expires_at AT TIME ZONE "
                  "'Asia/Shanghai', 'YYYY-MM-DD\"T\"HH24:MI:SS\"+08:00\"') "
                  "FROM payment_orders WHERE out_trade_no = $1"},
    {"order_paid",
     "SELECT outcome, coalesce(payment_id, 0), detail FROM order_paid($1, $2, "
     "$3, $4, $5::timestamptz, $6::jsonb)"},
    {"record_anomaly",
     "SELECT record_anomaly($1, $2, $3, $4, $5, $6, $7::jsonb)"},
    {NULL, NULL},
};

db_status db_order_create(db_conn *c, const char *channel,
                          const char *out_trade_no, int year, int tier,
                          const char *household_no, const char *const *ids,
                          size_t nids, int64_t token_id, const char *scope,
                          const char *expires_at, db_order_result *out)
{
    char y[16], t[16], tok[24];
    snprintf(y, sizeof y, "%d", year);
    snprintf(t, sizeof t, "%d", tier);
    snprintf(tok, sizeof tok, "%" PRId64, token_id);
    char *arr = household_no ? NULL : db_text_array(ids, nids);
    const char *p[] = {channel, out_trade_no, y,     t,         household_no,
                       arr,     tok,          scope, expires_at};
    PGresult *r;
    db_status st = db_exec(c, "order_create", 9, p, &r);
    free(arr);
    if (st != DB_OK)
        return st;
    memset(out, 0, sizeof *out);
    db_copy_field(out->outcome, sizeof out->outcome, r, 0, 0);
    out->amount = strtoll(PQgetvalue(r, 0, 1), NULL, 10);
    db_copy_field(out->detail, sizeof out->detail, r, 0, 2);
    PQclear(r);
    return DB_OK;
}

db_status db_order_get(db_conn *c, const char *out_trade_no, db_order *out)
{
    const char *p[] = {out_trade_no};
    PGresult *r;
    db_status st = db_exec(c, "order_get", 1, p, &r);
    if (st != DB_OK)
        return st;
    if (PQntuples(r) == 0) {
        PQclear(r);
        return DB_NOT_FOUND;
    }
    memset(out, 0, sizeof *out);
    db_copy_field(out->out_trade_no, sizeof out->out_trade_no, r, 0, 0);
    db_copy_field(out->channel, sizeof out->channel, r, 0, 1);
    db_copy_field(out->status, sizeof out->status, r, 0, 2);
    out->year = atoi(PQgetvalue(r, 0, 3));
    out->tier = atoi(PQgetvalue(r, 0, 4));
    out->amount = strtoll(PQgetvalue(r, 0, 5), NULL, 10);
    out->payment_id = strtoll(PQgetvalue(r, 0, 6), NULL, 10);
    db_copy_field(out->expires_at, sizeof out->expires_at, r, 0, 7);
    PQclear(r);
    return DB_OK;
}

db_status db_order_paid(db_conn *c, const char *channel,
                        const char *out_trade_no, const char *external_id,
                        int64_t amount, const char *paid_at,
                        const char *notification, char outcome[24],
                        int64_t *payment_id, char detail[24])
{
    char a[24];
    snprintf(a, sizeof a, "%" PRId64, amount);
    const char *p[] = {channel, out_trade_no, external_id,
                       a,       paid_at,      notification};
    PGresult *r = NULL;
    db_status st = DB_RETRY;
    for (int attempt = 0; st == DB_RETRY && attempt < 3; attempt++)
        st = db_exec(c, "order_paid", 6, p, &r);
    if (st != DB_OK)
        return st; /* a P0001 race: the platform retries and it resolves */
    db_copy_field(outcome, 24, r, 0, 0);
    *payment_id = strtoll(PQgetvalue(r, 0, 1), NULL, 10);
    db_copy_field(detail, 24, r, 0, 2);
    PQclear(r);
    return DB_OK;
}

db_status db_record_anomaly(db_conn *c, const char *channel,
                            const char *external_id, const char *out_trade_no,
                            const char *kind, int64_t amount,
                            const char *detail, const char *notification)
{
    char a[24];
    snprintf(a, sizeof a, "%" PRId64, amount);
    const char *p[] = {channel, external_id, out_trade_no, kind,
                       a,       detail,      notification};
    return db_exec_cmd(c, "record_anomaly", 7, p);
}
