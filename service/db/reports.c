/*
 * reports.c: SQL for the door-to-door lists of unpaid households and the
 * subsidy funding report. Both read the raw tables set-based.
 */
#include "db/sql.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* clang-format off */
/* r may still be paid for year $2: active, not exempted, not paid */
#define UNPAID(r)                                                             \
    r ".removed_at IS NULL AND NOT EXISTS (SELECT 1 FROM enrolments e "       \
    "WHERE e.id_number = " r ".id_number AND e.year = $2 "                    \
    "AND e.status = 'paid') AND NOT EXISTS (SELECT 1 FROM exemptions x "      \
    "WHERE x.id_number = " r ".id_number AND x.year = $2 "                    \
    "AND x.status = 'approved')"
/* someone active in household h paid for the year before; a scalar
 * subquery, run per household walked, so that a page stops early instead
 * of the planner hashing every resident of the county */
#define PAID_BEFORE                                                           \
    "(SELECT EXISTS (SELECT 1 FROM residents q JOIN enrolments e "            \
    "ON e.id_number = q.id_number AND e.year = $2 - 1 AND e.status = 'paid' " \
    "WHERE q.household_no = h.household_no AND q.removed_at IS NULL))"
/* members as households list them: the head first */
#define MEMBER_ORDER(m)                                                       \
    m ".relation IS DISTINCT FROM '户主', " m ".created_at, " m ".id_number"

const db_stmt db_report_statements[] = {
    /* one phase ($3: 0 someone paid last year, 1 nobody did) of the
     * households under $1 after household_no $4, walked in household_no
     * order, at most $5; a row per member still to pay */
    {"unpaid_page",
     "WITH page AS (SELECT h.household_no, h.region_code "
     " FROM households h JOIN regions rg ON rg.code = h.region_code "
     " WHERE $1 = ANY (rg.path) AND h.household_no > $4 "
     " AND " PAID_BEFORE " = ($3::integer = 0) "
     " AND EXISTS (SELECT 1 FROM residents r "
     "  WHERE r.household_no = h.household_no AND " UNPAID("r") ") "
     " ORDER BY h.household_no LIMIT $5) "
     "SELECT $3::integer, page.household_no, rg.code, rg.name, head.name, "
     "coalesce(nullif(head.phone, ''), (SELECT m.phone FROM residents m "
     " WHERE m.household_no = page.household_no AND m.removed_at IS NULL "
     " AND m.phone <> '' ORDER BY " MEMBER_ORDER("m") " LIMIT 1), ''), "
     "r.id_number, r.name, coalesce(r.relation, ''), "
     "EXISTS (SELECT 1 FROM enrolments e WHERE e.id_number = r.id_number "
     " AND e.year = $2 - 1 AND e.status = 'paid') "
     "FROM page JOIN regions rg ON rg.code = page.region_code "
     "CROSS JOIN LATERAL (SELECT m.name, m.phone FROM residents m "
     " WHERE m.household_no = page.household_no AND m.removed_at IS NULL "
     " ORDER BY " MEMBER_ORDER("m") " LIMIT 1) head "
     "JOIN residents r ON r.household_no = page.household_no "
     " AND " UNPAID("r") " "
     "ORDER BY page.household_no, " MEMBER_ORDER("r")},
    /* the children of $2 and, per child and category, the accepted
     * payments' subsidies and medical assistance for year $1 */
    {"subsidy_report",
     "WITH lvl AS (SELECT level + 1 AS l FROM regions WHERE code = $2), "
     "items AS (SELECT hr.path[lvl.l] AS child, i.category, i.subsidy, "
     " i.assistance FROM payment_items i "
     " JOIN payments p ON p.id = i.payment_id AND p.status = 'accepted' "
     " JOIN residents r ON r.id_number = i.id_number "
     " JOIN households h ON h.household_no = r.household_no "
     " JOIN regions hr ON hr.code = h.region_code CROSS JOIN lvl "
     " WHERE i.year = $1 AND $2 = ANY (hr.path) "
     " AND (i.subsidy > 0 OR i.assistance > 0)), "
     "cells AS (SELECT child, coalesce(category, '') AS category, "
     " count(*) FILTER (WHERE subsidy > 0) AS people, "
     " sum(subsidy) AS subsidy, "
     " count(*) FILTER (WHERE assistance > 0) AS assisted, "
     " sum(assistance) AS assistance FROM items GROUP BY 1, 2) "
     "SELECT k.code, k.name, coalesce(x.category, ''), coalesce(cat.name, ''), "
     "coalesce(x.people, 0), coalesce(x.subsidy, 0), coalesce(x.assisted, 0), "
     "coalesce(x.assistance, 0), x.child IS NULL "
     "FROM regions k LEFT JOIN cells x ON x.child = k.code "
     "LEFT JOIN categories cat ON cat.code = x.category "
     "WHERE k.parent_code = $2 ORDER BY k.code, x.category = '', x.category"},
    {NULL, NULL},
};
/* clang-format on */

static int64_t int_at(const PGresult *r, int row, int col)
{
    return strtoll(PQgetvalue(r, row, col), NULL, 10);
}

/* One phase's page; adds the households seen to *households. */
static db_status phase_page(db_conn *c, const char *region, const char *year,
                            int phase, const char *after_no, int limit,
                            db_unpaid_fn fn, void *cls, int *households)
{
    char ph[8], lim[16];
    snprintf(ph, sizeof ph, "%d", phase);
    snprintf(lim, sizeof lim, "%d", limit);
    const char *p[] = {region, year, ph, after_no, lim};
    PGresult *r;
    db_status st = db_exec(c, "unpaid_page", 5, p, &r);
    if (st != DB_OK)
        return st;
    char last[HOUSEHOLD_NO_BYTES] = "";
    for (int i = 0; i < PQntuples(r); i++) {
        db_unpaid_row u;
        memset(&u, 0, sizeof u);
        u.phase = (int)int_at(r, i, 0);
        db_copy_field(u.household_no, sizeof u.household_no, r, i, 1);
        db_copy_field(u.region_code, sizeof u.region_code, r, i, 2);
        db_copy_field(u.region_name, sizeof u.region_name, r, i, 3);
        db_copy_field(u.head_name, sizeof u.head_name, r, i, 4);
        db_copy_field(u.phone, sizeof u.phone, r, i, 5);
        db_copy_field(u.id_number, sizeof u.id_number, r, i, 6);
        db_copy_field(u.name, sizeof u.name, r, i, 7);
        db_copy_field(u.relation, sizeof u.relation, r, i, 8);
        u.paid_last_year = PQgetvalue(r, i, 9)[0] == 't';
        if (strcmp(last, u.household_no) != 0) {
            (*households)++;
            snprintf(last, sizeof last, "%s", u.household_no);
        }
        fn(cls, &u);
    }
    PQclear(r);
    return DB_OK;
}

db_status db_unpaid_page(db_conn *c, const char *region, int year,
                         int after_phase, const char *after_no, int limit,
                         db_unpaid_fn fn, void *cls, int *households)
{
    char y[16];
    snprintf(y, sizeof y, "%d", year);
    *households = 0;
    db_status st = DB_OK;
    if (after_phase == 0)
        st = phase_page(c, region, y, 0, after_no, limit, fn, cls, households);
    /* the second phase only when the first ran out on this page */
    if (st == DB_OK && *households < limit)
        st = phase_page(c, region, y, 1, after_phase == 0 ? "" : after_no,
                        limit - *households, fn, cls, households);
    return st;
}

db_status db_subsidy_report(db_conn *c, int year, const char *region,
                            db_subsidy_row_fn fn, void *cls)
{
    char y[16];
    snprintf(y, sizeof y, "%d", year);
    const char *p[] = {y, region};
    PGresult *r;
    db_status st = db_exec(c, "subsidy_report", 2, p, &r);
    if (st != DB_OK)
        return st;
    for (int i = 0; i < PQntuples(r); i++) {
        db_subsidy_row s;
        memset(&s, 0, sizeof s);
        db_copy_field(s.region_code, sizeof s.region_code, r, i, 0);
        db_copy_field(s.region_name, sizeof s.region_name, r, i, 1);
        db_copy_field(s.category, sizeof s.category, r, i, 2);
        db_copy_field(s.category_name, sizeof s.category_name, r, i, 3);
        s.people = int_at(r, i, 4);
        s.subsidy = int_at(r, i, 5);
        s.assisted_people = int_at(r, i, 6);
        s.assistance = int_at(r, i, 7);
        s.empty = PQgetvalue(r, i, 8)[0] == 't';
        fn(cls, &s);
    }
    PQclear(r);
    return DB_OK;
}
