/*
 * households.c: SQL for households, their members and members' categories.
 */
#include "db/sql.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TS(col)                                                                \
    "to_char(" col " AT TIME ZONE 'Asia/Shanghai', "                           \
    "'YYYY-MM-DD\"T\"HH24:MI:SS\"+08:00\"')"

#define HOUSEHOLD_COLS                                                         \
    "h.household_no, h.attribute, " TS(                                        \
        "h.created_at") ", "                                                   \
                        "(SELECT count(*) FROM residents m WHERE "             \
                        "m.household_no = h.household_no "                     \
                        "AND m.removed_at IS NULL), " DB_REGION_COLS

#define RESIDENT_COLS                                                          \
    "p.id_number, p.doc_type, p.household_no, p.name, p.relation, p.phone, "   \
    "p.birth_date, p.sex, " TS("p.removed_at") ", p.removed_reason, " TS(      \
        "p.updated_at") ", " DB_REGION_COLS

#define RESIDENT_FROM                                                          \
    " FROM residents p JOIN households h ON h.household_no = p.household_no "  \
    "JOIN regions rg ON rg.code = h.region_code "

/* a category counts today when today (Asia/Shanghai) is in its range */
#define VALID_TODAY(alias)                                                     \
    alias ".valid_from <= (now() AT TIME ZONE 'Asia/Shanghai')::date AND "     \
          "(" alias ".valid_to IS NULL OR " alias ".valid_to >= "              \
          "(now() AT TIME ZONE 'Asia/Shanghai')::date)"

const db_stmt db_household_statements[] = {
    {"household_get",
     "SELECT " HOUSEHOLD_COLS " FROM households h "
     "JOIN regions rg ON rg.code = h.region_code WHERE h.household_no = $1"},
    {"household_insert",
     "INSERT INTO households (household_no, region_code, attribute) "
     "VALUES ($1, $2, $3) ON CONFLICT (household_no) DO NOTHING "
     "RETURNING household_no"},
    {"household_list", "SELECT " HOUSEHOLD_COLS " FROM households h "
                       "JOIN regions rg ON rg.code = h.region_code "
                       "WHERE $1 = ANY (rg.path) AND h.household_no > $2 "
                       "ORDER BY h.household_no LIMIT $3"},
    {"household_members",
     "SELECT " RESIDENT_COLS RESIDENT_FROM
     "WHERE p.household_no = $1 AND p.removed_at IS NULL "
     "ORDER BY p.relation = '户主' DESC, p.created_at, p.id_number"},
    {"resident_get",
     "SELECT " RESIDENT_COLS RESIDENT_FROM "WHERE p.id_number = $1"},
    {"resident_insert",
     "INSERT INTO residents (id_number, doc_type, household_no, name, "
     "relation, phone, birth_date, sex) VALUES ($1, $2, $3, $4, $5, $6, "
     "$7::date, $8) ON CONFLICT (id_number) DO NOTHING RETURNING id_number"},
    {"resident_update",
     "UPDATE residents SET name = coalesce($2, name), "
     "relation = coalesce($3, relation), phone = coalesce($4, phone), "
     "updated_at = now() WHERE id_number = $1"},
    {"resident_change_id",
     "UPDATE residents SET id_number = $2, doc_type = $3, "
     "birth_date = $4::date, sex = $5, updated_at = now() "
     "WHERE id_number = $1"},
    {"resident_move",
     "WITH moved AS (UPDATE residents SET household_no = $3, "
     "relation = coalesce($4, relation), updated_at = now() "
     "WHERE id_number = $1 AND household_no = $2 AND removed_at IS NULL "
     "RETURNING id_number) "
     "INSERT INTO resident_moves (id_number, from_household, to_household, "
     "reason, relation, note, token_id) "
     "SELECT id_number, $2, $3, $5, $4, $6, $7 FROM moved RETURNING id"},
    {"resident_remove",
     "UPDATE residents SET removed_at = now(), removed_reason = $3, "
     "updated_at = now() WHERE id_number = $1 AND household_no = $2 "
     "AND removed_at IS NULL"},
    {"resident_list",
     "SELECT " RESIDENT_COLS RESIDENT_FROM
     "WHERE $1 = ANY (rg.path) AND p.id_number > $2 "
     "AND ($5 OR p.removed_at IS NULL) AND ($4::text IS NULL OR EXISTS "
     "(SELECT 1 FROM resident_categories rc WHERE rc.id_number = p.id_number "
     "AND rc.category = $4 AND " VALID_TODAY(
         "rc") ")) "
               "ORDER BY p.id_number LIMIT $3"},
    {"categories_of",
     "SELECT id_number, category, valid_from, valid_to, source "
     "FROM resident_categories WHERE id_number = $1 "
     "ORDER BY category, valid_from"},
    {"categories_of_household",
     "SELECT rc.id_number, rc.category, rc.valid_from, rc.valid_to, "
     "rc.source FROM resident_categories rc JOIN residents p "
     "ON p.id_number = rc.id_number WHERE p.household_no = $1 "
     "AND p.removed_at IS NULL ORDER BY rc.id_number, rc.category"},
    {"categories_clear",
     "DELETE FROM resident_categories WHERE id_number = $1"},
    {"category_hold",
     "INSERT INTO resident_categories (id_number, category, valid_from, "
     "valid_to, source) VALUES ($1, $2, $3::date, $4::date, $5) "
     "ON CONFLICT (id_number, category, valid_from) DO UPDATE SET "
     "valid_to = excluded.valid_to, source = excluded.source"},
    {NULL, NULL},
};

static const char *nz(const char *s)
{
    return s && *s ? s : NULL;
}

static void household_from_row(const PGresult *r, int row, db_household *h)
{
    memset(h, 0, sizeof *h);
    db_copy_field(h->household_no, sizeof h->household_no, r, row, 0);
    db_copy_field(h->attribute, sizeof h->attribute, r, row, 1);
    db_copy_field(h->created_at, sizeof h->created_at, r, row, 2);
    h->member_count = strtol(PQgetvalue(r, row, 3), NULL, 10);
    db_region_from_row(r, row, 4, &h->region);
}

static void resident_from_row(const PGresult *r, int row, db_resident *p)
{
    memset(p, 0, sizeof *p);
    db_copy_field(p->id_number, sizeof p->id_number, r, row, 0);
    db_copy_field(p->doc_type, sizeof p->doc_type, r, row, 1);
    db_copy_field(p->household_no, sizeof p->household_no, r, row, 2);
    db_copy_field(p->name, sizeof p->name, r, row, 3);
    db_copy_field(p->relation, sizeof p->relation, r, row, 4);
    db_copy_field(p->phone, sizeof p->phone, r, row, 5);
    db_copy_field(p->birth_date, sizeof p->birth_date, r, row, 6);
    db_copy_field(p->sex, sizeof p->sex, r, row, 7);
    db_copy_field(p->removed_at, sizeof p->removed_at, r, row, 8);
    db_copy_field(p->removed_reason, sizeof p->removed_reason, r, row, 9);
    db_copy_field(p->updated_at, sizeof p->updated_at, r, row, 10);
    db_region_from_row(r, row, 11, &p->region);
}

static void held_from_row(const PGresult *r, int row, db_held_category *h)
{
    db_copy_field(h->category, sizeof h->category, r, row, 1);
    db_copy_field(h->valid_from, sizeof h->valid_from, r, row, 2);
    db_copy_field(h->valid_to, sizeof h->valid_to, r, row, 3);
    db_copy_field(h->source, sizeof h->source, r, row, 4);
}

/* Runs a statement whose rows are residents, calling fn for each. */
static db_status each_resident(db_conn *c, const char *stmt, int n,
                               const char *const *p, db_resident_fn fn,
                               void *cls)
{
    PGresult *r;
    db_status st = db_exec(c, stmt, n, p, &r);
    if (st != DB_OK)
        return st;
    for (int i = 0; i < PQntuples(r); i++) {
        db_resident res;
        resident_from_row(r, i, &res);
        fn(cls, &res);
    }
    PQclear(r);
    return DB_OK;
}

static db_status each_held(db_conn *c, const char *stmt, const char *key,
                           db_held_fn fn, void *cls)
{
    const char *p[] = {key};
    PGresult *r;
    db_status st = db_exec(c, stmt, 1, p, &r);
    if (st != DB_OK)
        return st;
    for (int i = 0; i < PQntuples(r); i++) {
        db_held_category h;
        held_from_row(r, i, &h);
        fn(cls, PQgetvalue(r, i, 0), &h);
    }
    PQclear(r);
    return DB_OK;
}

/* Runs a statement that must affect (or return) exactly one row. */
static db_status one_row(db_conn *c, const char *stmt, int n,
                         const char *const *p, db_status none)
{
    PGresult *r;
    db_status st = db_exec(c, stmt, n, p, &r);
    if (st != DB_OK)
        return st;
    bool one = PQntuples(r) == 1 || strcmp(PQcmdTuples(r), "1") == 0;
    PQclear(r);
    return one ? DB_OK : none;
}

db_status db_household_get(db_conn *c, const char *no, db_household *out)
{
    const char *p[] = {no};
    PGresult *r;
    db_status st = db_exec(c, "household_get", 1, p, &r);
    if (st != DB_OK)
        return st;
    if (PQntuples(r) == 0)
        st = DB_NOT_FOUND;
    else
        household_from_row(r, 0, out);
    PQclear(r);
    return st;
}

db_status db_household_insert(db_conn *c, const char *no, const char *region,
                              const char *attribute)
{
    const char *p[] = {no, region, nz(attribute)};
    return one_row(c, "household_insert", 3, p, DB_CONFLICT);
}

db_status db_household_members(db_conn *c, const char *no, db_resident_fn fn,
                               void *cls)
{
    const char *p[] = {no};
    return each_resident(c, "household_members", 1, p, fn, cls);
}

db_status db_household_list(db_conn *c, const char *region, const char *after,
                            int limit, db_household_fn fn, void *cls)
{
    char lim[16];
    snprintf(lim, sizeof lim, "%d", limit);
    const char *p[] = {region, after, lim};
    PGresult *r;
    db_status st = db_exec(c, "household_list", 3, p, &r);
    if (st != DB_OK)
        return st;
    for (int i = 0; i < PQntuples(r); i++) {
        db_household h;
        household_from_row(r, i, &h);
        fn(cls, &h);
    }
    PQclear(r);
    return DB_OK;
}

db_status db_resident_get(db_conn *c, const char *id, db_resident *out)
{
    const char *p[] = {id};
    PGresult *r;
    db_status st = db_exec(c, "resident_get", 1, p, &r);
    if (st != DB_OK)
        return st;
    if (PQntuples(r) == 0)
        st = DB_NOT_FOUND;
    else
        resident_from_row(r, 0, out);
    PQclear(r);
    return st;
}

db_status db_resident_insert(db_conn *c, const db_resident *x)
{
    const char *p[] = {x->id_number,      x->doc_type,     x->household_no,
                       x->name,           nz(x->relation), nz(x->phone),
                       nz(x->birth_date), nz(x->sex)};
    return one_row(c, "resident_insert", 8, p, DB_CONFLICT);
}

db_status db_resident_update(db_conn *c, const db_resident *x)
{
    const char *p[] = {x->id_number, nz(x->name), nz(x->relation),
                       nz(x->phone)};
    return one_row(c, "resident_update", 4, p, DB_NOT_FOUND);
}

db_status db_resident_change_id(db_conn *c, const char *old_id,
                                const db_resident *x)
{
    const char *p[] = {old_id, x->id_number, x->doc_type, nz(x->birth_date),
                       nz(x->sex)};
    return one_row(c, "resident_change_id", 5, p, DB_NOT_FOUND);
}

db_status db_resident_move(db_conn *c, const char *id, const char *from,
                           const char *to, const char *relation,
                           const char *reason, const char *note,
                           const char *token_id)
{
    const char *p[] = {id, from, to, nz(relation), reason, nz(note), token_id};
    return one_row(c, "resident_move", 7, p, DB_NOT_FOUND);
}

db_status db_resident_remove(db_conn *c, const char *id, const char *household,
                             const char *reason)
{
    const char *p[] = {id, household, reason};
    return one_row(c, "resident_remove", 3, p, DB_NOT_FOUND);
}

db_status db_resident_list(db_conn *c, const char *region, const char *after,
                           int limit, const char *category,
                           bool include_removed, db_resident_fn fn, void *cls)
{
    char lim[16];
    snprintf(lim, sizeof lim, "%d", limit);
    const char *p[] = {region, after, lim, nz(category),
                       include_removed ? "true" : "false"};
    return each_resident(c, "resident_list", 5, p, fn, cls);
}

db_status db_categories_of(db_conn *c, const char *id, db_held_fn fn, void *cls)
{
    return each_held(c, "categories_of", id, fn, cls);
}

db_status db_categories_of_household(db_conn *c, const char *no, db_held_fn fn,
                                     void *cls)
{
    return each_held(c, "categories_of_household", no, fn, cls);
}

db_status db_categories_clear(db_conn *c, const char *id)
{
    const char *p[] = {id};
    return db_exec_cmd(c, "categories_clear", 1, p);
}

db_status db_category_hold(db_conn *c, const char *id,
                           const db_held_category *h)
{
    const char *p[] = {id, h->category, h->valid_from, nz(h->valid_to),
                       nz(h->source)};
    return db_exec_cmd(c, "category_hold", 5, p);
}
