/*
 * years.c: SQL for a year's configuration: window, coverage rules, tiers
 * and category subsidies. A PUT replaces the whole configuration at once.
 */
#include "db/sql.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define YEAR_COLS                                                              \
    "year, collection_start, collection_end, full_year_until, "                \
    "next_month_until, waiting_days, no_fiscal_subsidy_from, coverage_end, "   \
    "late_pays_fiscal_share, "                                                 \
    "to_char(updated_at AT TIME ZONE 'Asia/Shanghai', "                        \
    "'YYYY-MM-DD\"T\"HH24:MI:SS\"+08:00\"')"

const db_stmt db_year_statements[] = {
    {"year_upsert",
     "INSERT INTO years AS y (year, collection_start, collection_end, "
     "full_year_until, next_month_until, waiting_days, "
     "no_fiscal_subsidy_from, coverage_end, late_pays_fiscal_share) "
     "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (year) DO UPDATE "
     "SET collection_start = excluded.collection_start, "
     "collection_end = excluded.collection_end, "
     "full_year_until = excluded.full_year_until, "
     "next_month_until = excluded.next_month_until, "
     "waiting_days = excluded.waiting_days, "
     "no_fiscal_subsidy_from = excluded.no_fiscal_subsidy_from, "
     "coverage_end = excluded.coverage_end, "
     "late_pays_fiscal_share = excluded.late_pays_fiscal_share, "
     "updated_at = now() "
     "RETURNING (xmax = 0), to_char(updated_at AT TIME ZONE "
     "'Asia/Shanghai', 'YYYY-MM-DD\"T\"HH24:MI:SS\"+08:00\"')"},
    {"year_tiers_delete", "DELETE FROM year_tiers WHERE year = $1"},
    {"year_tier_insert",
     "INSERT INTO year_tiers (year, tier, contribution, fiscal_subsidy) "
     "VALUES ($1, $2, $3, $4)"},
    {"year_subsidy_insert",
     "INSERT INTO year_subsidies (year, tier, category, subsidy) "
     "VALUES ($1, $2, $3, $4)"},
    {"year_get", "SELECT " YEAR_COLS " FROM years WHERE year = $1"},
    {"year_tiers_get",
     "SELECT tier, contribution, fiscal_subsidy FROM year_tiers "
     "WHERE year = $1 ORDER BY tier"},
    {"year_subsidies_get",
     "SELECT category, tier, subsidy FROM year_subsidies WHERE year = $1 "
     "ORDER BY category, tier"},
    {NULL, NULL},
};

typedef struct {
    db_year *y;
    size_t *bad_subsidy;
    bool *created;
} put_ctx;

static db_status put_tiers(db_conn *c, const db_year *y, const char *year)
{
    const char *p1[] = {year};
    db_status st = db_exec_cmd(c, "year_tiers_delete", 1, p1);
    for (size_t i = 0; st == DB_OK && i < y->ntiers; i++) {
        char tier[8], contrib[24], fiscal[24];
        snprintf(tier, sizeof tier, "%d", y->tiers[i].tier);
        snprintf(contrib, sizeof contrib, "%" PRId64, y->tiers[i].contribution);
        snprintf(fiscal, sizeof fiscal, "%" PRId64, y->tiers[i].fiscal_subsidy);
        const char *p[] = {year, tier, contrib, fiscal};
        st = db_exec_cmd(c, "year_tier_insert", 4, p);
    }
    return st;
}

static db_status put_subsidies(db_conn *c, const db_year *y, const char *year,
                               size_t *bad)
{
    for (size_t i = 0; i < y->nsubsidies; i++) {
        const db_subsidy *s = &y->subsidies[i];
        char tier[8], amount[24];
        snprintf(tier, sizeof tier, "%d", s->tier);
        snprintf(amount, sizeof amount, "%" PRId64, s->subsidy);
        const char *p[] = {year, tier, s->category, amount};
        db_status st = db_exec_cmd(c, "year_subsidy_insert", 4, p);
        if (st != DB_OK) {
            *bad = i;
            return st;
        }
    }
    return DB_OK;
}

static db_status put_tx(db_conn *c, void *cls)
{
    put_ctx *ctx = cls;
    db_year *y = ctx->y;
    char year[8], wait[8];
    snprintf(year, sizeof year, "%d", y->year);
    snprintf(wait, sizeof wait, "%d", y->waiting_days);
    const char *p[] = {year,
                       y->collection_start,
                       y->collection_end,
                       y->full_year_until,
                       y->next_month_until,
                       wait,
                       y->no_fiscal_subsidy_from,
                       y->coverage_end,
                       y->late_pays_fiscal_share ? "true" : "false"};
    PGresult *r;
    db_status st = db_exec(c, "year_upsert", 9, p, &r);
    if (st != DB_OK)
        return st;
    *ctx->created = PQgetvalue(r, 0, 0)[0] == 't';
    db_copy_field(y->updated_at, sizeof y->updated_at, r, 0, 1);
    PQclear(r);
    st = put_tiers(c, y, year);
    if (st == DB_OK)
        st = put_subsidies(c, y, year, ctx->bad_subsidy);
    return st;
}

db_status db_year_put(db_conn *c, db_year *y, size_t *bad_subsidy,
                      bool *created)
{
    put_ctx ctx = {y, bad_subsidy, created};
    return db_run_tx(c, "READ COMMITTED", put_tx, &ctx);
}

static db_status get_rates(db_conn *c, const char *year, db_year *out)
{
    const char *p[] = {year};
    PGresult *r;
    db_status st = db_exec(c, "year_tiers_get", 1, p, &r);
    if (st != DB_OK)
        return st;
    for (int i = 0; i < PQntuples(r) && i < YEAR_MAX_TIERS; i++) {
        out->tiers[i].tier = atoi(PQgetvalue(r, i, 0));
        out->tiers[i].contribution = strtoll(PQgetvalue(r, i, 1), NULL, 10);
        out->tiers[i].fiscal_subsidy = strtoll(PQgetvalue(r, i, 2), NULL, 10);
        out->ntiers = (size_t)i + 1;
    }
    PQclear(r);
    st = db_exec(c, "year_subsidies_get", 1, p, &r);
    if (st != DB_OK)
        return st;
    int n = PQntuples(r);
    out->subsidies = calloc(n ? (size_t)n : 1, sizeof *out->subsidies);
    for (int i = 0; out->subsidies && i < n; i++) {
        db_subsidy *s = &out->subsidies[i];
        db_copy_field(s->category, sizeof s->category, r, i, 0);
        s->tier = atoi(PQgetvalue(r, i, 1));
        s->subsidy = strtoll(PQgetvalue(r, i, 2), NULL, 10);
        out->nsubsidies = (size_t)i + 1;
    }
    PQclear(r);
    return out->subsidies ? DB_OK : DB_ERROR;
}

static db_status get_tx(db_conn *c, void *cls)
{
    db_year *out = cls;
    int year_num = out->year;
    db_year_free(out);
    memset(out, 0, sizeof *out);
    out->year = year_num;
    char year[8];
    snprintf(year, sizeof year, "%d", year_num);
    const char *p[] = {year};
    PGresult *r;
    db_status st = db_exec(c, "year_get", 1, p, &r);
    if (st != DB_OK)
        return st;
    if (PQntuples(r) == 0) {
        PQclear(r);
        return DB_NOT_FOUND;
    }
    db_copy_field(out->collection_start, 11, r, 0, 1);
    db_copy_field(out->collection_end, 11, r, 0, 2);
    db_copy_field(out->full_year_until, 11, r, 0, 3);
    db_copy_field(out->next_month_until, 11, r, 0, 4);
    out->waiting_days = atoi(PQgetvalue(r, 0, 5));
    db_copy_field(out->no_fiscal_subsidy_from, 11, r, 0, 6);
    db_copy_field(out->coverage_end, 11, r, 0, 7);
    out->late_pays_fiscal_share = PQgetvalue(r, 0, 8)[0] == 't';
    db_copy_field(out->updated_at, sizeof out->updated_at, r, 0, 9);
    PQclear(r);
    return get_rates(c, year, out);
}

db_status db_year_get(db_conn *c, int year, db_year *out)
{
    memset(out, 0, sizeof *out);
    out->year = year;
    return db_run_tx(c, "REPEATABLE READ", get_tx, out);
}

void db_year_free(db_year *y)
{
    free(y->subsidies);
    y->subsidies = NULL;
    y->nsubsidies = 0;
}
