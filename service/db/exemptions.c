/*
 * exemptions.c: SQL for exemptions (核减): proposals and decisions.
 */
#include "db/sql.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TS(col)                                                                \
    "to_char(" col " AT TIME ZONE 'Asia/Shanghai', "                           \
    "'YYYY-MM-DD\"T\"HH24:MI:SS\"+08:00\"')"

#define EXEMPTION_COLS                                                         \
    "e.id, e.id_number, e.year, e.reason, e.note, e.evidence_ref, "            \
    "e.status, e.proposed_by, " TS(                                            \
        "e.proposed_at") ", "                                                  \
                         "coalesce(e.decided_by, -1), " TS(                    \
                             "e.decided_at") ", "                              \
                                             "e.decision_note,"                \
                                             " " DB_REGION_COLS

/* src: the exemptions table, or a CTE of rows just written */
#define EXEMPTION_FROM(src)                                                    \
    " FROM " src " e JOIN residents p ON p.id_number = e.id_number "           \
    "JOIN households h ON h.household_no = p.household_no "                    \
    "JOIN regions rg ON rg.code = h.region_code "

const db_stmt db_exemption_statements[] = {
    {"exemption_propose",
     "WITH changed AS (INSERT INTO exemptions (id_number, year, reason, note, "
     "evidence_ref, proposed_by) VALUES ($1, $2, $3, $4, $5, $6) "
     "RETURNING *) SELECT " EXEMPTION_COLS EXEMPTION_FROM("changed")},
    {"exemption_get",
     "SELECT " EXEMPTION_COLS EXEMPTION_FROM("exemptions") "WHERE e.id = $1"},
    {"exemption_decide",
     "WITH changed AS (UPDATE exemptions SET status = $2, decided_by = $3, "
     "decided_at = now(), decision_note = $4 WHERE id = $1 "
     "AND status = 'proposed' RETURNING *) "
     "SELECT " EXEMPTION_COLS EXEMPTION_FROM("changed")},
    {"exemptions_of", "SELECT " EXEMPTION_COLS EXEMPTION_FROM(
                          "exemptions") "WHERE e.id_number = $1 "
                                        "ORDER BY e.id"},
    {"exemption_list", "SELECT " EXEMPTION_COLS EXEMPTION_FROM(
                           "exemptions") "WHERE $1 = ANY (rg.path) AND "
                                         "($2::text IS NULL OR e.status = $2) "
                                         "AND ($3::int = 0 OR e.year = $3) AND "
                                         "e.id > $4 ORDER BY e.id LIMIT $5"},
    {NULL, NULL},
};

static void exemption_from_row(const PGresult *r, int row, db_exemption *e)
{
    memset(e, 0, sizeof *e);
    e->id = strtoll(PQgetvalue(r, row, 0), NULL, 10);
    db_copy_field(e->id_number, sizeof e->id_number, r, row, 1);
    e->year = atoi(PQgetvalue(r, row, 2));
    db_copy_field(e->reason, sizeof e->reason, r, row, 3);
    db_copy_field(e->note, sizeof e->note, r, row, 4);
    db_copy_field(e->evidence_ref, sizeof e->evidence_ref, r, row, 5);
    db_copy_field(e->status, sizeof e->status, r, row, 6);
    e->proposed_by = strtoll(PQgetvalue(r, row, 7), NULL, 10);
    db_copy_field(e->proposed_at, sizeof e->proposed_at, r, row, 8);
    e->decided_by = strtoll(PQgetvalue(r, row, 9), NULL, 10);
    db_copy_field(e->decided_at, sizeof e->decided_at, r, row, 10);
    db_copy_field(e->decision_note, sizeof e->decision_note, r, row, 11);
    db_region_from_row(r, row, 12, &e->region);
}

static db_status each(db_conn *c, const char *stmt, int n, const char *const *p,
                      db_exemption_fn fn, void *cls, db_exemption *first)
{
    PGresult *r;
    db_status st = db_exec(c, stmt, n, p, &r);
    if (st != DB_OK)
        return st;
    int rows = PQntuples(r);
    for (int i = 0; i < rows; i++) {
        db_exemption e;
        exemption_from_row(r, i, first && i == 0 ? first : &e);
        if (fn)
            fn(cls, first && i == 0 ? first : &e);
    }
    PQclear(r);
    return first && rows == 0 ? DB_NOT_FOUND : DB_OK;
}

db_status db_exemption_propose(db_conn *c, const db_exemption *in,
                               db_exemption *out)
{
    char year[16], by[24];
    snprintf(year, sizeof year, "%d", in->year);
    snprintf(by, sizeof by, "%" PRId64, in->proposed_by);
    const char *p[] = {in->id_number,
                       year,
                       in->reason,
                       in->note[0] ? in->note : NULL,
                       in->evidence_ref[0] ? in->evidence_ref : NULL,
                       by};
    return each(c, "exemption_propose", 6, p, NULL, NULL, out);
}

db_status db_exemption_get(db_conn *c, int64_t id, db_exemption *out)
{
    char ids[24];
    snprintf(ids, sizeof ids, "%" PRId64, id);
    const char *p[] = {ids};
    return each(c, "exemption_get", 1, p, NULL, NULL, out);
}

db_status db_exemption_decide(db_conn *c, int64_t id, const char *status,
                              int64_t decided_by, const char *note,
                              db_exemption *out)
{
    char ids[24], by[24];
    snprintf(ids, sizeof ids, "%" PRId64, id);
    snprintf(by, sizeof by, "%" PRId64, decided_by);
    const char *p[] = {ids, status, by, note && *note ? note : NULL};
    return each(c, "exemption_decide", 4, p, NULL, NULL, out);
}

db_status db_exemptions_of(db_conn *c, const char *id, db_exemption_fn fn,
                           void *cls)
{
    const char *p[] = {id};
    return each(c, "exemptions_of", 1, p, fn, cls, NULL);
}

db_status db_exemption_list(db_conn *c, const char *region, const char *status,
                            int year, int64_t after, int limit,
                            db_exemption_fn fn, void *cls)
{
    char y[16], a[24], lim[16];
    snprintf(y, sizeof y, "%d", year);
    snprintf(a, sizeof a, "%" PRId64, after);
    snprintf(lim, sizeof lim, "%d", limit);
    const char *p[] = {region, status, y, a, lim};
    return each(c, "exemption_list", 5, p, fn, cls, NULL);
}
