/*
 * imports.c: SQL for the bulk imports. Lines travel in batches, column by
 * column, as PostgreSQL array literals: one named statement per batch calls
 * a set-based function of migration 004 (import_roster,
 * import_category_members, end_category_members).
 */
#include "db/sql.h"

#include "common/buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* the counts of the batch in every row, then one row per rejected line
 * (or a single row of NULLs when there is none) */
#define REJECTIONS                                                             \
    " LEFT JOIN LATERAL unnest(f.rejected_lines, f.rejected_fields, "          \
    "f.rejected_messages) AS x(line, field, message) ON true ORDER BY x.line"

const db_stmt db_import_statements[] = {
    {"import_regions", "SELECT " DB_REGION_COLS " FROM regions rg"},
    {"import_roster",
     "SELECT f.households, f.residents, f.updated, f.unchanged, x.line, "
     "x.field, x.message FROM import_roster($1::integer[], $2::text[], "
     "$3::text[], $4::text[], $5::text[], $6::text[], $7::text[], "
     "$8::text[], $9::text[], $10::date[], $11::text[], $12::text[], "
     "$13::date) f" REJECTIONS},
    {"import_category_members",
     "SELECT f.inserted, f.updated, f.unchanged, 0, x.line, x.field, "
     "x.message FROM import_category_members($1, $2::integer[], $3::text[], "
     "$4::date[], $5::date[], $6::text[], $7::text[], $8, $9) f" REJECTIONS},
    {"end_category_members",
     "SELECT ended FROM end_category_members($1, $2, $3, $4::date)"},
    /* the one audit entry of an import, by the transaction's actor */
    {"import_audit",
     "INSERT INTO audit_log (token_id, request_id, action, entity, "
     "entity_key, after) VALUES "
     "(nullif(current_setting('medins.token_id', true), '')::bigint, "
     "nullif(current_setting('medins.request_id', true), ''), $1, $2, $3, "
     "$4::jsonb)"},
    {NULL, NULL},
};

struct db_batch {
    int ncolumns;
    size_t n;
    buf cols[DB_BATCH_MAX_COLUMNS]; /* "{e1,e2" without the closing brace */
};

db_batch *db_batch_new(int ncolumns)
{
    if (ncolumns < 1 || ncolumns > DB_BATCH_MAX_COLUMNS)
        return NULL;
    db_batch *b = calloc(1, sizeof *b);
    if (!b)
        return NULL;
    b->ncolumns = ncolumns;
    db_batch_clear(b);
    return b;
}

void db_batch_free(db_batch *b)
{
    if (!b)
        return;
    for (int i = 0; i < b->ncolumns; i++)
        buf_free(&b->cols[i]);
    free(b);
}

void db_batch_clear(db_batch *b)
{
    b->n = 0;
    for (int i = 0; i < b->ncolumns; i++) {
        buf_reset(&b->cols[i]);
        buf_append(&b->cols[i], "{", 1);
    }
}

size_t db_batch_size(const db_batch *b)
{
    return b ? b->n : 0;
}

/* Appends one array element: NULL, or the value double-quoted with
 * backslashes before quotes and backslashes. */
static bool append_element(buf *col, const char *v, bool first)
{
    if (!first && !buf_append(col, ",", 1))
        return false;
    if (!v)
        return buf_append(col, "NULL", 4);
    if (!buf_append(col, "\"", 1))
        return false;
    for (const char *s = v;;) {
        size_t run = strcspn(s, "\"\\");
        if (!buf_append(col, s, run))
            return false;
        if (!s[run])
            break;
        char esc[2] = {'\\', s[run]};
        if (!buf_append(col, esc, 2))
            return false;
        s += run + 1;
    }
    return buf_append(col, "\"", 1);
}

bool db_batch_add(db_batch *b, const char *const *values)
{
    for (int i = 0; i < b->ncolumns; i++)
        if (!append_element(&b->cols[i], values[i], b->n == 0))
            return false;
    b->n++;
    return true;
}

/* Closes the column literals for a statement; db_batch_reopen() undoes. */
static bool batch_close(db_batch *b, const char **params)
{
    for (int i = 0; i < b->ncolumns; i++) {
        if (!buf_append(&b->cols[i], "}", 1)) {
            while (i-- > 0)
                b->cols[i].data[--b->cols[i].len] = '\0';
            return false;
        }
        params[i] = b->cols[i].data;
    }
    return true;
}

static void batch_reopen(db_batch *b)
{
    for (int i = 0; i < b->ncolumns; i++)
        b->cols[i].data[--b->cols[i].len] = '\0';
}

/* Reads the counts (columns 0..3) and the rejections (4..6). */
static void read_outcome(PGresult *r, long counts[4], db_rejected_fn fn,
                         void *cls)
{
    for (int k = 0; k < 4; k++)
        counts[k] = PQntuples(r) ? strtol(PQgetvalue(r, 0, k), NULL, 10) : 0;
    for (int i = 0; i < PQntuples(r); i++)
        if (!PQgetisnull(r, i, 4))
            fn(cls, strtol(PQgetvalue(r, i, 4), NULL, 10), PQgetvalue(r, i, 5),
               PQgetvalue(r, i, 6));
}

/* Runs a batch statement: params[0..nfirst) come first, then the batch's
 * columns, then params[nfirst..nfirst+nlast). */
static db_status run_batch(db_conn *c, const char *stmt, db_batch *b,
                           const char *const *first, int nfirst,
                           const char *const *last, int nlast, long counts[4],
                           db_rejected_fn fn, void *cls)
{
    const char *params[DB_BATCH_MAX_COLUMNS + 8];
    int n = 0;
    for (int i = 0; i < nfirst; i++)
        params[n++] = first[i];
    if (!batch_close(b, params + n))
        return DB_ERROR;
    n += b->ncolumns;
    for (int i = 0; i < nlast; i++)
        params[n++] = last[i];
    PGresult *r;
    db_status st = db_exec(c, stmt, n, params, &r);
    batch_reopen(b);
    if (st != DB_OK)
        return st;
    read_outcome(r, counts, fn, cls);
    PQclear(r);
    return DB_OK;
}

db_status db_roster_apply(db_conn *c, db_batch *b, const char *today,
                          db_roster_counts *out, db_rejected_fn fn, void *cls)
{
    if (b->ncolumns != ROSTER_NCOLUMNS)
        return DB_ERROR;
    const char *last[] = {today};
    long k[4];
    db_status st =
        run_batch(c, "import_roster", b, NULL, 0, last, 1, k, fn, cls);
    if (st == DB_OK)
        *out = (db_roster_counts){k[0], k[1], k[2], k[3]};
    return st;
}

db_status db_members_apply(db_conn *c, const char *category, db_batch *b,
                           db_batch *keep, const char *scope, const char *stamp,
                           db_members_counts *out, db_rejected_fn fn, void *cls)
{
    if (b->ncolumns != MEMBERS_NCOLUMNS || keep->ncolumns != 1)
        return DB_ERROR;
    const char *first[] = {category};
    const char *last[3] = {NULL, scope, stamp};
    if (!batch_close(keep, last))
        return DB_ERROR;
    long k[4];
    db_status st = run_batch(c, "import_category_members", b, first, 1, last, 3,
                             k, fn, cls);
    batch_reopen(keep);
    if (st == DB_OK)
        *out = (db_members_counts){k[0], k[1], k[2]};
    return st;
}

db_status db_members_end(db_conn *c, const char *category, const char *stamp,
                         const char *scope, const char *today, long *ended)
{
    const char *p[] = {category, stamp, scope, today};
    PGresult *r;
    db_status st = db_exec(c, "end_category_members", 4, p, &r);
    if (st != DB_OK)
        return st;
    *ended = strtol(PQgetvalue(r, 0, 0), NULL, 10);
    PQclear(r);
    return DB_OK;
}

db_status db_import_regions(db_conn *c, db_region_fn fn, void *cls)
{
    PGresult *r;
    db_status st = db_exec(c, "import_regions", 0, NULL, &r);
    if (st != DB_OK)
        return st;
    for (int i = 0; i < PQntuples(r); i++) {
        db_region rg;
        db_region_from_row(r, i, 0, &rg);
        fn(cls, &rg);
    }
    PQclear(r);
    return DB_OK;
}

db_status db_import_audit(db_conn *c, const char *action, const char *entity,
                          const char *key, const char *after_json)
{
    const char *p[] = {action, entity, key, after_json};
    return db_exec_cmd(c, "import_audit", 4, p);
}
