/*
 * pool.c: a fixed-size pool of libpq connections.
 *
 * Connections are opened lazily and reopened after a failure, so the service
 * survives PostgreSQL restarts without being restarted itself: while the
 * server is away db_pool_acquire() fails fast (the caller answers 503), and
 * the first acquire after it is back reconnects and re-prepares.
 *
 * The slots are split in two lanes, each with its own count and wake-up:
 * [0, size - reserved) for the main lane, the rest for the read lane, so
 * that a report never waits for a connection behind payments.
 */
#define _POSIX_C_SOURCE 200809L
#include "db/db.h"

#include "log.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct db_pool {
    char *conninfo;
    const db_stmt *const *stmts;
    unsigned size;
    unsigned reserved; /* the last slots, for DB_LANE_READ */
    db_conn *conns;    /* size entries */
    bool *busy;        /* size entries */
    unsigned in_use[DB_LANES];
    pthread_mutex_t mu;
    pthread_cond_t freed[DB_LANES];
};

db_pool *db_pool_new(const char *conninfo, unsigned size, unsigned reserved,
                     const db_stmt *const *stmts)
{
    if (reserved >= size)
        return NULL;
    db_pool *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    p->conninfo = strdup(conninfo);
    p->conns = calloc(size, sizeof *p->conns);
    p->busy = calloc(size, sizeof *p->busy);
    if (!p->conninfo || !p->conns || !p->busy) {
        db_pool_free(p);
        return NULL;
    }
    p->size = size;
    p->reserved = reserved;
    p->stmts = stmts;
    pthread_mutex_init(&p->mu, NULL);
    for (int l = 0; l < DB_LANES; l++)
        pthread_cond_init(&p->freed[l], NULL);
    return p;
}

static void conn_close(db_conn *c)
{
    if (c->pg)
        PQfinish(c->pg);
    c->pg = NULL;
    c->broken = false;
}

void db_pool_free(db_pool *p)
{
    if (!p)
        return;
    for (unsigned i = 0; p->conns && i < p->size; i++) {
        conn_close(&p->conns[i]);
        free(p->conns[i].last_error);
    }
    free(p->conns);
    free(p->busy);
    free(p->conninfo);
    if (p->size) {
        pthread_mutex_destroy(&p->mu);
        for (int l = 0; l < DB_LANES; l++)
            pthread_cond_destroy(&p->freed[l]);
    }
    free(p);
}

/* Registers every statement on a fresh connection; false if any fails. */
static bool conn_prepare_all(db_pool *p, db_conn *c)
{
    for (const db_stmt *const *list = p->stmts; *list; list++)
        for (const db_stmt *s = *list; s->name; s++) {
            PGresult *r = PQprepare(c->pg, s->name, s->sql, 0, NULL);
            bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
            if (!ok)
                log_msg(LOG_ERROR, "prepare %s failed: %s", s->name,
                        PQerrorMessage(c->pg));
            PQclear(r);
            if (!ok)
                return false;
        }
    return true;
}

/* An idle connection whose server went away (PostgreSQL restarted or
 * killed) has the end of its stream, maybe after a last error message,
 * waiting on its socket. Reading what is there (libpq's socket never
 * blocks) marks it bad now, rather than failing the next request's first
 * statement with a 503 while the database is back. */
static bool conn_alive(db_conn *c)
{
    /* a dying backend may first send a last notice ("terminating
     * connection because of crash of another server process"): one read
     * takes the notice, the next finds the end of the stream */
    for (int i = 0; i < 3; i++)
        if (!PQconsumeInput(c->pg) || PQstatus(c->pg) != CONNECTION_OK)
            return false;
    PGnotify *n;
    while ((n = PQnotifies(c->pg)) != NULL)
        PQfreemem(n);
    return true;
}

/* Makes c usable: connects and prepares if it is closed or broken. */
static bool conn_ensure(db_pool *p, db_conn *c)
{
    if (c->pg && !c->broken && PQstatus(c->pg) == CONNECTION_OK &&
        conn_alive(c))
        return true;
    conn_close(c);
    c->pg = PQconnectdb(p->conninfo);
    if (PQstatus(c->pg) != CONNECTION_OK) {
        log_msg(LOG_WARN, "database connection failed: %s",
                PQerrorMessage(c->pg));
        db_count_error(DB_UNAVAILABLE);
        conn_close(c);
        return false;
    }
    if (!conn_prepare_all(p, c)) {
        conn_close(c);
        return false;
    }
    return true;
}

static void deadline_after(struct timespec *ts, unsigned ms)
{
    clock_gettime(CLOCK_REALTIME, ts);
    ts->tv_sec += ms / 1000;
    ts->tv_nsec += (long)(ms % 1000) * 1000000L;
    if (ts->tv_nsec >= 1000000000L) {
        ts->tv_sec++;
        ts->tv_nsec -= 1000000000L;
    }
}

/* The lane a caller really draws from: without reserved slots, the read
 * lane shares the main lane's. */
static db_lane lane_of(const db_pool *p, db_lane lane)
{
    return p->reserved ? lane : DB_LANE_MAIN;
}

/* The lane's slots: [*lo, *hi). */
static void lane_slots(const db_pool *p, db_lane lane, unsigned *lo,
                       unsigned *hi)
{
    unsigned split = p->size - p->reserved;
    *lo = lane == DB_LANE_READ ? split : 0;
    *hi = lane == DB_LANE_READ ? p->size : split;
}

/* Takes a free slot of the lane, waiting until the deadline; -1 on
 * time-out. */
static int slot_take(db_pool *p, db_lane lane, unsigned timeout_ms)
{
    struct timespec deadline;
    deadline_after(&deadline, timeout_ms);
    unsigned lo, hi;
    lane_slots(p, lane, &lo, &hi);
    int slot = -1;
    pthread_mutex_lock(&p->mu);
    while (p->in_use[lane] == hi - lo) {
        if (pthread_cond_timedwait(&p->freed[lane], &p->mu, &deadline) ==
            ETIMEDOUT)
            break;
    }
    if (p->in_use[lane] < hi - lo) {
        /* prefer a slot that is already connected */
        for (unsigned i = lo; i < hi; i++)
            if (!p->busy[i] && (slot < 0 || p->conns[i].pg))
                slot = (int)i;
        p->busy[slot] = true;
        p->in_use[lane]++;
    }
    pthread_mutex_unlock(&p->mu);
    return slot;
}

static void slot_give(db_pool *p, unsigned slot)
{
    db_lane lane = slot >= p->size - p->reserved ? DB_LANE_READ : DB_LANE_MAIN;
    pthread_mutex_lock(&p->mu);
    p->busy[slot] = false;
    p->in_use[lane]--;
    pthread_cond_signal(&p->freed[lane]);
    pthread_mutex_unlock(&p->mu);
}

db_conn *db_pool_acquire(db_pool *p, db_lane lane, unsigned timeout_ms,
                         db_status *why)
{
    lane = lane_of(p, lane);
    int slot = slot_take(p, lane, timeout_ms);
    if (slot < 0) {
        *why = DB_UNAVAILABLE;
        log_msg(LOG_WARN, "no %s database connection free within %u ms",
                lane == DB_LANE_READ ? "read-lane" : "main-lane", timeout_ms);
        return NULL;
    }
    db_conn *c = &p->conns[slot];
    if (!conn_ensure(p, c)) {
        slot_give(p, (unsigned)slot);
        *why = DB_UNAVAILABLE;
        return NULL;
    }
    *why = DB_OK;
    return c;
}

void db_pool_release(db_pool *p, db_conn *c)
{
    unsigned slot = (unsigned)(c - p->conns);
    /* a connection left inside a transaction is a bug; never reuse it */
    if (c->pg && PQtransactionStatus(c->pg) != PQTRANS_IDLE) {
        log_msg(LOG_ERROR, "connection released inside a transaction");
        c->broken = true;
    }
    if (c->broken)
        conn_close(c);
    c->actor_token[0] = c->actor_request[0] = '\0';
    slot_give(p, slot);
}

void db_pool_stats(db_pool *p, db_pool_gauges *lanes)
{
    pthread_mutex_lock(&p->mu);
    for (db_lane l = 0; l < DB_LANES; l++) {
        unsigned lo, hi;
        lane_slots(p, l, &lo, &hi);
        lanes[l] = (db_pool_gauges){p->in_use[l], 0, hi - lo};
        for (unsigned i = lo; i < hi; i++)
            if (!p->busy[i] && p->conns[i].pg)
                lanes[l].idle++;
    }
    pthread_mutex_unlock(&p->mu);
}
