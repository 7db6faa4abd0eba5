/*
 * progress.c: SQL for the progress report: the counts migration 011 keeps,
 * the targets under a region, the daily history.
 */
#include "db/sql.h"

#include <stdio.h>
#include <stdlib.h>

const db_stmt db_progress_statements[] = {
    {"progress_enrolled",
     "SELECT coalesce(child, ''), grp, enrolled FROM progress_enrolled($1, "
     "$2, $3::text[], $4::timestamptz)"},
    {"progress_targets",
     "SELECT path, grp, target FROM progress_targets($1, $2, $3::text[])"},
    {"progress_days", "SELECT day, added FROM progress_days($1, $2)"},
    {"year_exists", "SELECT 1 FROM years WHERE year = $1"},
    {NULL, NULL},
};

db_status db_progress_enrolled(db_conn *c, int year, const char *region,
                               const char *groups, const char *as_of,
                               db_enrolled_fn fn, void *cls)
{
    char y[16];
    snprintf(y, sizeof y, "%d", year);
    const char *p[] = {y, region, groups, as_of};
    PGresult *r;
    db_status st = db_exec(c, "progress_enrolled", 4, p, &r);
    if (st != DB_OK)
        return st;
    for (int i = 0; i < PQntuples(r); i++)
        fn(cls, PQgetvalue(r, i, 0), PQgetvalue(r, i, 1),
           strtoll(PQgetvalue(r, i, 2), NULL, 10));
    PQclear(r);
    return DB_OK;
}

db_status db_progress_targets(db_conn *c, int year, const char *region,
                              const char *groups, db_target_path_fn fn,
                              void *cls)
{
    char y[16];
    snprintf(y, sizeof y, "%d", year);
    const char *p[] = {y, region, groups};
    PGresult *r;
    db_status st = db_exec(c, "progress_targets", 3, p, &r);
    if (st != DB_OK)
        return st;
    for (int i = 0; i < PQntuples(r); i++)
        fn(cls, PQgetvalue(r, i, 0), PQgetvalue(r, i, 1),
           strtoll(PQgetvalue(r, i, 2), NULL, 10));
    PQclear(r);
    return DB_OK;
}

db_status db_progress_days(db_conn *c, int year, const char *region,
                           db_day_fn fn, void *cls)
{
    char y[16];
    snprintf(y, sizeof y, "%d", year);
    const char *p[] = {y, region};
    PGresult *r;
    db_status st = db_exec(c, "progress_days", 2, p, &r);
    if (st != DB_OK)
        return st;
    for (int i = 0; i < PQntuples(r); i++)
        fn(cls, PQgetvalue(r, i, 0), strtoll(PQgetvalue(r, i, 1), NULL, 10));
    PQclear(r);
    return DB_OK;
}

db_status db_year_exists(db_conn *c, int year, bool *known)
{
    char y[16];
    snprintf(y, sizeof y, "%d", year);
    const char *p[] = {y};
    PGresult *r;
    db_status st = db_exec(c, "year_exists", 1, p, &r);
    if (st != DB_OK)
        return st;
    *known = PQntuples(r) > 0;
    PQclear(r);
    return DB_OK;
}
