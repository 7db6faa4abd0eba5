/*
 * health.c: readiness probe SQL, and the field-copy helper.
 */
#include "db/sql.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const db_stmt db_health_statements[] = {
    {"schema_version",
     "SELECT coalesce(max(version), 0) FROM schema_migrations"},
    {NULL, NULL},
};

void db_copy_field(char *dst, size_t dstsz, const PGresult *r, int row, int col)
{
    if (PQgetisnull(r, row, col)) {
        dst[0] = '\0';
        return;
    }
    snprintf(dst, dstsz, "%s", PQgetvalue(r, row, col));
}

db_status db_schema_version(db_conn *c, int *version)
{
    PGresult *r;
    db_status st = db_exec(c, "schema_version", 0, NULL, &r);
    if (st != DB_OK)
        return st;
    *version = atoi(PQgetvalue(r, 0, 0));
    PQclear(r);
    return DB_OK;
}
