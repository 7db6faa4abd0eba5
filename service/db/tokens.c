/*
 * tokens.c: SQL for API tokens. Secrets never reach the database: only
 * their SHA-256, passed as hex and stored as bytea.
 */
#include "db/sql.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TOKEN_COLS                                                             \
    "id, name, role, region_code, last4, "                                     \
    "to_char(created_at AT TIME ZONE 'Asia/Shanghai', "                        \
    "'YYYY-MM-DD\"T\"HH24:MI:SS\"+08:00\"'), "                                 \
    "to_char(revoked_at AT TIME ZONE 'Asia/Shanghai', "                        \
    "'YYYY-MM-DD\"T\"HH24:MI:SS\"+08:00\"')"

const db_stmt db_token_statements[] = {
    {"token_find_active",
     "SELECT " TOKEN_COLS " FROM api_tokens "
     "WHERE secret_sha256 = decode($1, 'hex') AND revoked_at IS NULL"},
    {"token_insert",
     "INSERT INTO api_tokens (name, role, region_code, secret_sha256, last4) "
     "VALUES ($1, $2, $3, decode($4, 'hex'), $5) RETURNING " TOKEN_COLS},
    {"token_get", "SELECT " TOKEN_COLS " FROM api_tokens WHERE id = $1"},
    {"token_list", "SELECT " TOKEN_COLS " FROM api_tokens WHERE id > $1 "
                   "ORDER BY id LIMIT $2"},
    {"token_revoke", "UPDATE api_tokens SET revoked_at = now() "
                     "WHERE id = $1 AND revoked_at IS NULL"},
    {NULL, NULL},
};

static void token_from_row(const PGresult *r, int row, db_token *t)
{
    t->id = strtoll(PQgetvalue(r, row, 0), NULL, 10);
    db_copy_field(t->name, sizeof t->name, r, row, 1);
    db_copy_field(t->role, sizeof t->role, r, row, 2);
    db_copy_field(t->region_code, sizeof t->region_code, r, row, 3);
    db_copy_field(t->last4, sizeof t->last4, r, row, 4);
    db_copy_field(t->created_at, sizeof t->created_at, r, row, 5);
    db_copy_field(t->revoked_at, sizeof t->revoked_at, r, row, 6);
}

/* Runs a statement expected to return at most one token row. */
static db_status one_token(db_conn *c, const char *stmt, int n,
                           const char *const *params, db_token *out)
{
    PGresult *r;
    db_status st = db_exec(c, stmt, n, params, &r);
    if (st != DB_OK)
        return st;
    if (PQntuples(r) == 0)
        st = DB_NOT_FOUND;
    else
        token_from_row(r, 0, out);
    PQclear(r);
    return st;
}

db_status db_token_find_active(db_conn *c, const char *sha256_hex,
                               db_token *out)
{
    const char *p[] = {sha256_hex};
    return one_token(c, "token_find_active", 1, p, out);
}

typedef struct {
    const char *const *p;
    db_token *out;
} insert_ctx;

static db_status insert_tx(db_conn *c, void *cls)
{
    insert_ctx *x = cls;
    return one_token(c, "token_insert", 5, x->p, x->out);
}

db_status db_token_insert(db_conn *c, const char *name, const char *role,
                          const char *region_code, const char *sha256_hex,
                          const char *last4, db_token *out)
{
    const char *p[] = {name, role, region_code, sha256_hex, last4};
    insert_ctx x = {p, out};
    /* in a transaction, so that the audit trigger sees who writes */
    return db_run_tx(c, "READ COMMITTED", insert_tx, &x);
}

db_status db_token_get(db_conn *c, int64_t id, db_token *out)
{
    char ids[24];
    snprintf(ids, sizeof ids, "%" PRId64, id);
    const char *p[] = {ids};
    return one_token(c, "token_get", 1, p, out);
}

db_status db_token_list(db_conn *c, int64_t after_id, int limit, db_token *out,
                        int *n)
{
    char after[24], lim[16];
    snprintf(after, sizeof after, "%" PRId64, after_id);
    snprintf(lim, sizeof lim, "%d", limit);
    const char *p[] = {after, lim};
    PGresult *r;
    db_status st = db_exec(c, "token_list", 2, p, &r);
    if (st != DB_OK)
        return st;
    *n = PQntuples(r);
    for (int i = 0; i < *n && i < limit; i++)
        token_from_row(r, i, &out[i]);
    PQclear(r);
    return DB_OK;
}

static db_status revoke_tx(db_conn *c, void *cls)
{
    const char *p[] = {cls};
    PGresult *r;
    db_status st = db_exec(c, "token_revoke", 1, p, &r);
    if (st != DB_OK)
        return st;
    st = strcmp(PQcmdTuples(r), "1") == 0 ? DB_OK : DB_NOT_FOUND;
    PQclear(r);
    return st;
}

db_status db_token_revoke(db_conn *c, int64_t id)
{
    char ids[24];
    snprintf(ids, sizeof ids, "%" PRId64, id);
    return db_run_tx(c, "READ COMMITTED", revoke_tx, ids);
}
