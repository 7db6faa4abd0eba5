/*
 * categories.c: SQL for special categories (资助类别).
 */
#include "db/sql.h"

#include <string.h>

#define CATEGORY_COLS                                                          \
    "code, name, department, "                                                 \
    "to_char(updated_at AT TIME ZONE 'Asia/Shanghai', "                        \
    "'YYYY-MM-DD\"T\"HH24:MI:SS\"+08:00\"')"

const db_stmt db_category_statements[] = {
    {"category_upsert",
     "INSERT INTO categories AS c (code, name, department) "
     "VALUES ($1, $2, $3) ON CONFLICT (code) DO UPDATE SET "
     "name = excluded.name, department = excluded.department, "
     "updated_at = now() RETURNING " CATEGORY_COLS ", (xmax = 0)"},
    {"category_get",
     "SELECT " CATEGORY_COLS " FROM categories WHERE code = $1"},
    {"category_list", "SELECT " CATEGORY_COLS " FROM categories ORDER BY code"},
    {NULL, NULL},
};

static void category_from_row(const PGresult *r, int row, db_category *out)
{
    db_copy_field(out->code, sizeof out->code, r, row, 0);
    db_copy_field(out->name, sizeof out->name, r, row, 1);
    db_copy_field(out->department, sizeof out->department, r, row, 2);
    db_copy_field(out->updated_at, sizeof out->updated_at, r, row, 3);
}

typedef struct {
    const db_category *in;
    db_category *out;
    bool *created;
} upsert_ctx;

static db_status upsert_tx(db_conn *c, void *cls)
{
    upsert_ctx *x = cls;
    const char *p[] = {x->in->code, x->in->name,
                       x->in->department[0] ? x->in->department : NULL};
    PGresult *r;
    db_status st = db_exec(c, "category_upsert", 3, p, &r);
    if (st != DB_OK)
        return st;
    category_from_row(r, 0, x->out);
    *x->created = PQgetvalue(r, 0, 4)[0] == 't';
    PQclear(r);
    return DB_OK;
}

db_status db_category_upsert(db_conn *c, const db_category *in,
                             db_category *out, bool *created)
{
    upsert_ctx x = {in, out, created};
    /* a transaction so that the audit trigger sees who writes */
    return db_run_tx(c, "READ COMMITTED", upsert_tx, &x);
}

db_status db_category_get(db_conn *c, const char *code, db_category *out)
{
    const char *p[] = {code};
    PGresult *r;
    db_status st = db_exec(c, "category_get", 1, p, &r);
    if (st != DB_OK)
        return st;
    if (PQntuples(r) == 0)
        st = DB_NOT_FOUND;
    else
        category_from_row(r, 0, out);
    PQclear(r);
    return st;
}

db_status db_category_list(db_conn *c, db_category_fn fn, void *cls)
{
    PGresult *r;
    db_status st = db_exec(c, "category_list", 0, NULL, &r);
    if (st != DB_OK)
        return st;
    for (int i = 0; i < PQntuples(r); i++) {
        db_category cat;
        category_from_row(r, i, &cat);
        fn(cls, &cat);
    }
    PQclear(r);
    return DB_OK;
}
