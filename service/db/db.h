/*
 * db.h: PostgreSQL access: a pool of libpq connections on which every
 * statement is a named prepared statement, and a transaction runner.
 *
 * db/ never builds JSON replies; the api/ layer maps db_status to HTTP.
 */
#ifndef DB_DB_H
#define DB_DB_H

#include <libpq-fe.h>
#include <stdbool.h>

typedef enum {
    DB_OK = 0,
    DB_NOT_FOUND,   /* a lookup found no row (set by callers, not db_exec) */
    DB_RETRY,       /* serialization failure or deadlock: run again */
    DB_UNAVAILABLE, /* connection lost or server shutting down */
    DB_CONFLICT,    /* unique violation (23505) */
    DB_REFERENCE,   /* foreign key violation (23503) */
    DB_CHECK,       /* check or not-null violation (23514, 23502) */
    DB_REJECTED, /* a rule raised by our SQL (P0001): last_error says which */
    DB_ERROR     /* anything else: a bug on our side */
} db_status;

/* A named statement, registered on every connection when it opens. */
typedef struct {
    const char *name;
    const char *sql;
} db_stmt;

typedef struct db_conn {
    PGconn *pg;
    /* who writes: set by the request pipeline, recorded by the audit
     * triggers of every transaction run on this connection */
    char actor_token[24]; /* "" for none */
    char actor_request[40];
    bool broken;      /* must be reconnected before use */
    char sqlstate[6]; /* of the last failed statement */
    char *last_error; /* owned; message of the last failure */
} db_conn;

typedef struct db_pool db_pool;

/* Which share of the pool a caller draws from. The read lane (cheap
 * reports and health checks) has connections of its own, so that it never
 * waits behind payments; everything else takes the main lane's. */
typedef enum { DB_LANE_MAIN, DB_LANE_READ, DB_LANES } db_lane;

/* Opens nothing yet: connections are made on first use and remade after a
 * failure. Of size connections, the last `reserved` serve DB_LANE_READ only
 * and the others DB_LANE_MAIN only (reserved < size; with 0 the read lane
 * shares the main lane's). stmts: NULL-terminated list of
 * NULL-name-terminated arrays, which must outlive the pool. Free with
 * db_pool_free(). */
db_pool *db_pool_new(const char *conninfo, unsigned size, unsigned reserved,
                     const db_stmt *const *stmts);
void db_pool_free(db_pool *p);

/* Waits up to timeout_ms for a free connection of the lane, connecting it
 * if needed. NULL when none could be had (the database is down or the
 * lane's connections are busy); *why says which (DB_UNAVAILABLE). Give it
 * back with db_pool_release(). */
db_conn *db_pool_acquire(db_pool *p, db_lane lane, unsigned timeout_ms,
                         db_status *why);
void db_pool_release(db_pool *p, db_conn *c);

/* Gauges for /metrics, per lane. */
typedef struct {
    unsigned in_use, idle, size;
} db_pool_gauges;
/* Fills lanes[DB_LANES]. */
void db_pool_stats(db_pool *p, db_pool_gauges *lanes);

/* Runs a prepared statement. On DB_OK *res holds the result (caller
 * PQclear()s it); on any other status *res is NULL and c->sqlstate tells
 * why. params are text, NULL for SQL NULL. */
db_status db_exec(db_conn *c, const char *stmt, int nparams,
                  const char *const *params, PGresult **res);
/* db_exec for statements whose rows are not needed. */
db_status db_exec_cmd(db_conn *c, const char *stmt, int nparams,
                      const char *const *params);

/* The transaction body: runs statements on c and returns DB_OK to commit,
 * anything else to roll back. It may be called several times (after a
 * serialization failure or deadlock), so it must reset any state it fills
 * in cls at its start. */
typedef db_status (*db_tx_fn)(db_conn *c, void *cls);

/* Names the caller for the audit log of the transactions that follow. */
void db_set_actor(db_conn *c, long long token_id, const char *request_id);

/* Runs fn in a transaction at the given isolation ("READ COMMITTED",
 * "REPEATABLE READ", "SERIALIZABLE"), retrying up to a few times on
 * SQLSTATE 40001/40P01. Returns fn's status, or the commit's. */
db_status db_run_tx(db_conn *c, const char *isolation, db_tx_fn fn, void *cls);

/* Counters for /metrics: database errors by status since start. */
unsigned long db_error_count(db_status st);
/* Counts a failure seen outside a statement (a connection that could not
 * be made counts as DB_UNAVAILABLE). */
void db_count_error(db_status st);
const char *db_status_name(db_status st);

/* The whole list of statement arrays, defined in db/statements.c. */
extern const db_stmt *const db_all_statements[];

#endif
