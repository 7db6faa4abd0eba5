/*
 * targets.c: SQL for the targets (任务数): storing, listing, suggesting.
 */
#include "db/sql.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const db_stmt db_target_statements[] = {
    {"targets_put",
     "SELECT i, field, problem FROM targets_put($1, $2::text[], $3::text[], "
     "$4::bigint[], $5, $6::boolean, $7::boolean)"},
    {"targets_list",
     "SELECT t.region_code, rg.name, t.grp, t.target, "
     "to_char(t.updated_at AT TIME ZONE 'Asia/Shanghai', "
     "'YYYY-MM-DD\"T\"HH24:MI:SS\"+08:00\"') "
     "FROM targets t JOIN regions rg ON rg.code = t.region_code "
     "WHERE t.year = $1 AND ($2::text IS NULL OR $2 = ANY (rg.path)) "
     "AND ($3::text IS NULL OR t.grp = $3) ORDER BY t.grp <> 'all', t.grp, "
     "rg.level, t.region_code"},
    {"targets_suggest",
     "SELECT region_code, name, registered, exempted, employee_insured, "
     "base, target FROM targets_suggest($1, $2, $3, $4, $5, $6::text[], "
     "$7::bigint[])"},
    {NULL, NULL},
};

db_status db_targets_put(db_conn *c, int year, const char *regions,
                         const char *groups, const char *targets,
                         const char *scope, bool replace, bool check_only,
                         db_target_problem_fn fn, void *cls, int *nproblems)
{
    char y[16];
    snprintf(y, sizeof y, "%d", year);
    const char *p[] = {y,
                       regions,
                       groups,
                       targets,
                       scope,
                       replace ? "true" : "false",
                       check_only ? "true" : "false"};
    PGresult *r;
    db_status st = db_exec(c, "targets_put", 7, p, &r);
    if (st != DB_OK)
        return st;
    *nproblems = PQntuples(r);
    for (int i = 0; i < PQntuples(r); i++)
        fn(cls, atoi(PQgetvalue(r, i, 0)), PQgetvalue(r, i, 1),
           PQgetvalue(r, i, 2));
    PQclear(r);
    return DB_OK;
}

db_status db_targets_list(db_conn *c, int year, const char *region,
                          const char *grp, db_target_fn fn, void *cls)
{
    char y[16];
    snprintf(y, sizeof y, "%d", year);
    const char *p[] = {y, region, grp};
    PGresult *r;
    db_status st = db_exec(c, "targets_list", 3, p, &r);
    if (st != DB_OK)
        return st;
    for (int i = 0; i < PQntuples(r); i++) {
        db_target t;
        memset(&t, 0, sizeof t);
        db_copy_field(t.region_code, sizeof t.region_code, r, i, 0);
        db_copy_field(t.region_name, sizeof t.region_name, r, i, 1);
        db_copy_field(t.grp, sizeof t.grp, r, i, 2);
        t.target = strtoll(PQgetvalue(r, i, 3), NULL, 10);
        db_copy_field(t.updated_at, sizeof t.updated_at, r, i, 4);
        fn(cls, &t);
    }
    PQclear(r);
    return DB_OK;
}

db_status db_targets_suggest(db_conn *c, int year, const char *region,
                             const char *grp, int64_t goal_bp,
                             const char *rounding, const char *emp_regions,
                             const char *emp_counts, db_suggestion_fn fn,
                             void *cls)
{
    char y[16], goal[24];
    snprintf(y, sizeof y, "%d", year);
    snprintf(goal, sizeof goal, "%lld", (long long)goal_bp);
    const char *p[] = {y, region, grp, goal, rounding, emp_regions, emp_counts};
    PGresult *r;
    db_status st = db_exec(c, "targets_suggest", 7, p, &r);
    if (st != DB_OK)
        return st;
    for (int i = 0; i < PQntuples(r); i++) {
        db_target_suggestion s;
        memset(&s, 0, sizeof s);
        db_copy_field(s.region_code, sizeof s.region_code, r, i, 0);
        db_copy_field(s.name, sizeof s.name, r, i, 1);
        s.registered = strtoll(PQgetvalue(r, i, 2), NULL, 10);
        s.exempted = strtoll(PQgetvalue(r, i, 3), NULL, 10);
        s.employee_insured = strtoll(PQgetvalue(r, i, 4), NULL, 10);
        s.base = strtoll(PQgetvalue(r, i, 5), NULL, 10);
        s.target = strtoll(PQgetvalue(r, i, 6), NULL, 10);
        fn(cls, &s);
    }
    PQclear(r);
    return DB_OK;
}
