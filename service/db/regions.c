/*
 * regions.c: SQL for the region tree (county → township → village → group).
 */
#include "db/sql.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define REGION_COLS "code, name, level, parent_code, array_to_string(path, ',')"

const db_stmt db_region_statements[] = {
    {"region_get", "SELECT " REGION_COLS " FROM regions WHERE code = $1"},
    {"region_children",
     "SELECT " REGION_COLS " FROM regions WHERE parent_code = $1 "
     "ORDER BY code"},
    {"region_count", "SELECT count(*) FROM regions"},
    {"region_tops",
     "SELECT " REGION_COLS " FROM regions WHERE level = 1 ORDER BY code "
     "LIMIT 2"},
    /* xmax = 0 tells an insert from an update; an unchanged name updates
     * nothing and returns no row */
    {"region_upsert",
     "INSERT INTO regions AS r (code, name, level, parent_code, path) "
     "VALUES ($1, $2, $3, $4, string_to_array($5, ',')) "
     "ON CONFLICT (code) DO UPDATE SET name = excluded.name, "
     "updated_at = now() WHERE r.name IS DISTINCT FROM excluded.name "
     "RETURNING (xmax = 0)"},
    {NULL, NULL},
};

void db_region_from_row(const PGresult *r, int row, int col0, db_region *out)
{
    memset(out, 0, sizeof *out);
    db_copy_field(out->code, sizeof out->code, r, row, col0);
    db_copy_field(out->name, sizeof out->name, r, row, col0 + 1);
    out->level = atoi(PQgetvalue(r, row, col0 + 2));
    db_copy_field(out->parent_code, sizeof out->parent_code, r, row, col0 + 3);
    const char *path = PQgetvalue(r, row, col0 + 4);
    while (*path && out->depth < REGION_MAX_DEPTH) {
        size_t n = strcspn(path, ",");
        if (n >= CODE_MAX_BYTES)
            n = CODE_MAX_BYTES - 1;
        memcpy(out->path[out->depth], path, n);
        out->path[out->depth][n] = '\0';
        out->depth++;
        path += strcspn(path, ",");
        if (*path == ',')
            path++;
    }
}

db_status db_region_get(db_conn *c, const char *code, db_region *out)
{
    const char *p[] = {code};
    PGresult *r;
    db_status st = db_exec(c, "region_get", 1, p, &r);
    if (st != DB_OK)
        return st;
    if (PQntuples(r) == 0)
        st = DB_NOT_FOUND;
    else
        db_region_from_row(r, 0, 0, out);
    PQclear(r);
    return st;
}

db_status db_region_children(db_conn *c, const char *code, db_region_fn fn,
                             void *cls)
{
    const char *p[] = {code};
    PGresult *r;
    db_status st = db_exec(c, "region_children", 1, p, &r);
    if (st != DB_OK)
        return st;
    for (int i = 0; i < PQntuples(r); i++) {
        db_region child;
        db_region_from_row(r, i, 0, &child);
        fn(cls, &child);
    }
    PQclear(r);
    return DB_OK;
}

db_status db_region_upsert(db_conn *c, const db_region *in, region_change *ch)
{
    char level[4], path[REGION_MAX_DEPTH * CODE_MAX_BYTES] = "";
    snprintf(level, sizeof level, "%d", in->level);
    for (int i = 0; i < in->depth; i++) {
        if (i)
            strcat(path, ",");
        strcat(path, in->path[i]);
    }
    const char *p[] = {in->code, in->name, level,
                       in->parent_code[0] ? in->parent_code : NULL, path};
    PGresult *r;
    db_status st = db_exec(c, "region_upsert", 5, p, &r);
    if (st != DB_OK)
        return st;
    if (PQntuples(r) == 0)
        *ch = REGION_UNCHANGED;
    else
        *ch = PQgetvalue(r, 0, 0)[0] == 't' ? REGION_INSERTED : REGION_UPDATED;
    PQclear(r);
    return DB_OK;
}

db_status db_region_count(db_conn *c, int64_t *n)
{
    PGresult *r;
    db_status st = db_exec(c, "region_count", 0, NULL, &r);
    if (st != DB_OK)
        return st;
    *n = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
    PQclear(r);
    return DB_OK;
}

db_status db_region_only_top(db_conn *c, db_region *out, bool *found)
{
    PGresult *r;
    db_status st = db_exec(c, "region_tops", 0, NULL, &r);
    if (st != DB_OK)
        return st;
    *found = PQntuples(r) == 1;
    if (*found)
        db_region_from_row(r, 0, 0, out);
    PQclear(r);
    return DB_OK;
}
