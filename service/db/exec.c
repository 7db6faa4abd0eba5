/*
 * exec.c: running prepared statements, classifying failures by SQLSTATE,
 * and the transaction runner that retries serialization failures.
 */
#define _POSIX_C_SOURCE 200809L
#include "db/db.h"

#include "log.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum { TX_MAX_ATTEMPTS = 5 };

static atomic_ulong error_counts[DB_ERROR + 1];

unsigned long db_error_count(db_status st)
{
    return atomic_load(&error_counts[st]);
}

void db_count_error(db_status st)
{
    atomic_fetch_add(&error_counts[st], 1);
}

const char *db_status_name(db_status st)
{
    static const char *names[] = {"ok",          "not_found", "retry",
                                  "unavailable", "conflict",  "reference",
                                  "check",       "rejected",  "error"};
    return names[st];
}

static db_status classify(const char *state)
{
    if (!state)
        return DB_UNAVAILABLE;
    if (!strcmp(state, "40001") || !strcmp(state, "40P01"))
        return DB_RETRY;
    if (!strcmp(state, "23505"))
        return DB_CONFLICT;
    if (!strcmp(state, "23503"))
        return DB_REFERENCE;
    if (!strcmp(state, "23514") || !strcmp(state, "23502"))
        return DB_CHECK;
    if (!strcmp(state, "P0001"))
        return DB_REJECTED;
    /* connection exceptions, operator intervention (shutdown), and
     * insufficient resources (too many connections) */
    if (!strncmp(state, "08", 2) || !strncmp(state, "57P", 3) ||
        !strncmp(state, "53", 2))
        return DB_UNAVAILABLE;
    return DB_ERROR;
}

/* Records why a statement failed and whether the connection is lost. */
static db_status note_failure(db_conn *c, const char *stmt, PGresult *r)
{
    const char *state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
    /* the primary message only: DETAIL lines may quote personal data */
    const char *msg = r ? PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY) : NULL;
    if (!msg)
        msg = PQerrorMessage(c->pg);
    snprintf(c->sqlstate, sizeof c->sqlstate, "%s", state ? state : "");
    free(c->last_error);
    c->last_error = strdup(msg ? msg : "");
    db_status st = classify(state);
    if (PQstatus(c->pg) != CONNECTION_OK) {
        st = DB_UNAVAILABLE;
        c->broken = true;
    }
    if (st == DB_UNAVAILABLE)
        c->broken = true;
    atomic_fetch_add(&error_counts[st], 1);
    int level = st == DB_ERROR ? LOG_ERROR
                               : (st == DB_UNAVAILABLE ? LOG_WARN : LOG_DEBUG);
    log_msg(level, "statement %s failed (%s): %s", stmt, c->sqlstate,
            c->last_error);
    return st;
}

db_status db_exec(db_conn *c, const char *stmt, int nparams,
                  const char *const *params, PGresult **res)
{
    *res = NULL;
    PGresult *r = PQexecPrepared(c->pg, stmt, nparams, params, NULL, NULL, 0);
    ExecStatusType s = PQresultStatus(r);
    if (r && (s == PGRES_TUPLES_OK || s == PGRES_COMMAND_OK)) {
        *res = r;
        return DB_OK;
    }
    db_status st = note_failure(c, stmt, r);
    PQclear(r);
    return st;
}

db_status db_exec_cmd(db_conn *c, const char *stmt, int nparams,
                      const char *const *params)
{
    PGresult *r;
    db_status st = db_exec(c, stmt, nparams, params, &r);
    PQclear(r);
    return st;
}

void db_set_actor(db_conn *c, long long token_id, const char *request_id)
{
    snprintf(c->actor_token, sizeof c->actor_token, "%lld", token_id);
    snprintf(c->actor_request, sizeof c->actor_request, "%s", request_id);
}

static const char *begin_stmt(const char *isolation)
{
    if (!strcmp(isolation, "SERIALIZABLE"))
        return "tx_begin_serializable";
    if (!strcmp(isolation, "REPEATABLE READ"))
        return "tx_begin_repeatable_read";
    return "tx_begin_read_committed";
}

static void backoff(int attempt)
{
    /* 1, 2, 4, 8 ms plus up to 1 ms of jitter */
    struct timespec ts = {0, (1L << attempt) * 1000000L + rand() % 1000000L};
    nanosleep(&ts, NULL);
}

db_status db_run_tx(db_conn *c, const char *isolation, db_tx_fn fn, void *cls)
{
    db_status st = DB_ERROR;
    for (int attempt = 0; attempt < TX_MAX_ATTEMPTS; attempt++) {
        if (attempt)
            backoff(attempt - 1);
        st = db_exec_cmd(c, begin_stmt(isolation), 0, NULL);
        if (st != DB_OK)
            return st == DB_RETRY ? DB_UNAVAILABLE : st;
        if (c->actor_token[0]) {
            const char *p[] = {c->actor_token, c->actor_request};
            st = db_exec_cmd(c, "tx_set_actor", 2, p);
        }
        if (st == DB_OK)
            st = fn(c, cls);
        if (st == DB_OK)
            st = db_exec_cmd(c, "tx_commit", 0, NULL);
        if (st == DB_OK)
            return DB_OK;
        if (!c->broken && PQtransactionStatus(c->pg) != PQTRANS_IDLE)
            (void)db_exec_cmd(c, "tx_rollback", 0, NULL);
        if (st != DB_RETRY)
            return st;
        log_msg(LOG_INFO, "transaction retried after %s (attempt %d)",
                c->sqlstate, attempt + 1);
    }
    return st;
}
