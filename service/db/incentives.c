/*
 * incentives.c: SQL for the village incentive rules of a year and the
 * incentive report: per village, its target and the people enrolled by
 * each deadline, computed set-based from the raw tables.
 */
#include "db/sql.h"

#include "common/buf.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TS_SHANGHAI(col)                                                       \
    "to_char(" col " AT TIME ZONE 'Asia/Shanghai', "                           \
    "'YYYY-MM-DD\"T\"HH24:MI:SS\"+08:00\"')"

const db_stmt db_incentive_statements[] = {
    {"incentive_year_upsert",
     "INSERT INTO incentive_years AS y (year, entry_fee_fen_per_person) "
     "VALUES ($1, $2) ON CONFLICT (year) DO UPDATE "
     "SET entry_fee_fen_per_person = excluded.entry_fee_fen_per_person, "
     "updated_at = now() RETURNING (xmax = 0), " TS_SHANGHAI("updated_at")},
    {"incentive_rules_delete", "DELETE FROM incentive_rules WHERE year = $1"},
    {"incentive_rules_insert",
     "INSERT INTO incentive_rules (year, deadline, min_rate_bp, "
     "fen_per_person) SELECT $1, d, m, f FROM unnest($2::date[], "
     "$3::integer[], $4::bigint[]) AS u (d, m, f)"},
    {"incentive_year_get",
     "SELECT entry_fee_fen_per_person, " TS_SHANGHAI(
         "updated_at") " FROM incentive_years WHERE year = $1"},
    {"incentive_rules_get",
     "SELECT deadline, min_rate_bp, fen_per_person FROM incentive_rules "
     "WHERE year = $1 ORDER BY deadline, min_rate_bp DESC"},
    /* a person counts by a deadline when paid by its end (Asia/Shanghai)
     * and not reversed by then; exempted people never count; a village
     * without a target of its own has its groups' sum */
    {"incentive_report",
     "WITH vil AS (SELECT code, name FROM regions "
     " WHERE level = 3 AND $2 = ANY (path)), "
     "dl AS (SELECT DISTINCT deadline, (deadline + 1)::timestamp "
     " AT TIME ZONE 'Asia/Shanghai' AS ends FROM incentive_rules "
     " WHERE year = $1), "
     "pays AS (SELECT hr.path[3] AS village, i.id_number, p.paid_at, "
     " p.reversed_at FROM payment_items i "
     " JOIN payments p ON p.id = i.payment_id "
     " JOIN residents r ON r.id_number = i.id_number "
     " JOIN households h ON h.household_no = r.household_no "
     " JOIN regions hr ON hr.code = h.region_code "
     " WHERE i.year = $1 AND $2 = ANY (hr.path) AND hr.level >= 3 "
     " AND NOT EXISTS (SELECT 1 FROM exemptions x "
     "  WHERE x.id_number = i.id_number AND x.year = $1 "
     "  AND x.status = 'approved')), "
     "now_n AS (SELECT village, count(DISTINCT id_number) AS n FROM pays "
     " WHERE reversed_at IS NULL GROUP BY village), "
     "by_dl AS (SELECT x.village, d.deadline, "
     " count(DISTINCT x.id_number) AS n FROM pays x JOIN dl d "
     " ON x.paid_at < d.ends "
     " AND (x.reversed_at IS NULL OR x.reversed_at >= d.ends) "
     " GROUP BY 1, 2), "
     "kids AS (SELECT c.parent_code AS code, sum(t.target) AS target "
     " FROM regions c JOIN vil v ON v.code = c.parent_code "
     " JOIN targets t ON t.region_code = c.code AND t.year = $1 "
     " AND t.grp = 'all' GROUP BY 1) "
     "SELECT v.code, v.name, coalesce(own.target, kids.target), "
     "coalesce(now_n.n, 0), coalesce(d.deadline::text, ''), coalesce(b.n, 0) "
     "FROM vil v LEFT JOIN targets own ON own.year = $1 AND own.grp = 'all' "
     "AND own.region_code = v.code LEFT JOIN kids ON kids.code = v.code "
     "LEFT JOIN now_n ON now_n.village = v.code LEFT JOIN dl d ON true "
     "LEFT JOIN by_dl b ON b.village = v.code AND b.deadline = d.deadline "
     "ORDER BY v.code, d.deadline"},
    {NULL, NULL},
};

/* "{a,b,c}" of n values printed by fmt-like callbacks */
static bool int_array(buf *b, const int64_t *v, size_t n)
{
    bool ok = buf_append_str(b, "{");
    for (size_t i = 0; ok && i < n; i++)
        ok = buf_printf(b, "%s%" PRId64, i ? "," : "", v[i]);
    return ok && buf_append_str(b, "}");
}

typedef struct {
    db_incentives *in;
    bool *created;
} put_ctx;

static db_status put_tx(db_conn *c, void *cls)
{
    put_ctx *x = cls;
    db_incentives *in = x->in;
    char year[16], fee[24];
    snprintf(year, sizeof year, "%d", in->year);
    snprintf(fee, sizeof fee, "%" PRId64, in->entry_fee);
    const char *p[] = {year, fee};
    PGresult *r;
    db_status st = db_exec(c, "incentive_year_upsert", 2, p, &r);
    if (st != DB_OK)
        return st;
    *x->created = PQgetvalue(r, 0, 0)[0] == 't';
    db_copy_field(in->updated_at, sizeof in->updated_at, r, 0, 1);
    PQclear(r);
    const char *p1[] = {year};
    st = db_exec_cmd(c, "incentive_rules_delete", 1, p1);
    if (st != DB_OK || in->nrules == 0)
        return st;
    buf dates = {0}, mins = {0}, fens = {0};
    bool ok = buf_append_str(&dates, "{");
    for (size_t i = 0; ok && i < in->nrules; i++)
        ok = buf_printf(&dates, "%s%s", i ? "," : "", in->deadline[i]);
    ok = ok && buf_append_str(&dates, "}") &&
         int_array(&mins, in->min_bp, in->nrules) &&
         int_array(&fens, in->fen, in->nrules);
    if (ok) {
        const char *p4[] = {year, dates.data, mins.data, fens.data};
        st = db_exec_cmd(c, "incentive_rules_insert", 4, p4);
    } else
        st = DB_ERROR;
    buf_free(&dates);
    buf_free(&mins);
    buf_free(&fens);
    return st;
}

db_status db_incentives_put(db_conn *c, db_incentives *in, bool *created)
{
    put_ctx x = {in, created};
    return db_run_tx(c, "READ COMMITTED", put_tx, &x);
}

db_status db_incentives_get(db_conn *c, int year, db_incentives *out)
{
    char y[16];
    snprintf(y, sizeof y, "%d", year);
    const char *p[] = {y};
    PGresult *r;
    memset(out, 0, sizeof *out);
    out->year = year;
    db_status st = db_exec(c, "incentive_year_get", 1, p, &r);
    if (st != DB_OK)
        return st;
    if (PQntuples(r) == 0) {
        PQclear(r);
        return DB_NOT_FOUND;
    }
    out->entry_fee = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
    db_copy_field(out->updated_at, sizeof out->updated_at, r, 0, 1);
    PQclear(r);
    st = db_exec(c, "incentive_rules_get", 1, p, &r);
    if (st != DB_OK)
        return st;
    for (int i = 0; i < PQntuples(r) && i < INCENTIVE_MAX_RULES; i++) {
        db_copy_field(out->deadline[i], sizeof out->deadline[i], r, i, 0);
        out->min_bp[i] = strtoll(PQgetvalue(r, i, 1), NULL, 10);
        out->fen[i] = strtoll(PQgetvalue(r, i, 2), NULL, 10);
        out->nrules = (size_t)i + 1;
    }
    PQclear(r);
    return DB_OK;
}

db_status db_incentive_report(db_conn *c, int year, const char *region,
                              db_incentive_row_fn fn, void *cls)
{
    char y[16];
    snprintf(y, sizeof y, "%d", year);
    const char *p[] = {y, region};
    PGresult *r;
    db_status st = db_exec(c, "incentive_report", 2, p, &r);
    if (st != DB_OK)
        return st;
    for (int i = 0; i < PQntuples(r); i++) {
        db_incentive_row row;
        memset(&row, 0, sizeof row);
        db_copy_field(row.code, sizeof row.code, r, i, 0);
        db_copy_field(row.name, sizeof row.name, r, i, 1);
        row.has_target = !PQgetisnull(r, i, 2);
        row.target = strtoll(PQgetvalue(r, i, 2), NULL, 10);
        row.enrolled_now = strtoll(PQgetvalue(r, i, 3), NULL, 10);
        db_copy_field(row.deadline, sizeof row.deadline, r, i, 4);
        row.enrolled = strtoll(PQgetvalue(r, i, 5), NULL, 10);
        fn(cls, &row);
    }
    PQclear(r);
    return DB_OK;
}
