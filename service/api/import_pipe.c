/*
 * import_pipe.c: two loaders for one import: the request's thread and a
 * helper thread with a second pool connection.
 *
 * The request's thread fills `current`; on submit it hands it to the helper
 * when the helper is idle, taking back the slot the helper finished, and
 * otherwise loads it itself. So at most two batches load at once, and each
 * slot is touched by one thread at a time. Everything shared is guarded by
 * mu.
 */
#include "api/import_pipe.h"

#include "app.h"

#include <pthread.h>
#include <stdlib.h>

struct import_pipe {
    request *rq;
    pipe_apply_fn apply;
    pipe_done_fn done;
    void *cls;
    void *current; /* being filled by the request's thread */
    void *spare;   /* free for the helper to hand back, or NULL */
    pthread_mutex_t mu;
    pthread_cond_t cv;
    void *pending; /* handed to the helper, not yet loaded */
    bool busy, stop, have_helper;
    db_status failed;
    db_conn *conn; /* the helper's */
    pthread_t helper;
};

/* Records a batch's outcome; mu held. */
static void settle(import_pipe *p, void *slot, db_status st)
{
    if (st == DB_OK)
        p->done(slot, p->cls);
    else if (p->failed == DB_OK)
        p->failed = st;
}

static void *helper_main(void *arg)
{
    import_pipe *p = arg;
    pthread_mutex_lock(&p->mu);
    for (;;) {
        while (!p->pending && !p->stop)
            pthread_cond_wait(&p->cv, &p->mu);
        if (!p->pending)
            break;
        void *slot = p->pending;
        p->pending = NULL;
        pthread_mutex_unlock(&p->mu);
        db_status st = p->apply(p->conn, slot, p->cls);
        pthread_mutex_lock(&p->mu);
        settle(p, slot, st);
        p->spare = slot;
        p->busy = false;
        pthread_cond_broadcast(&p->cv);
    }
    pthread_mutex_unlock(&p->mu);
    return NULL;
}

/* A second connection, only when one is free right now. */
static void start_helper(import_pipe *p)
{
    app *a = p->rq->app;
    db_status why;
    p->conn = db_pool_acquire(a->pool, DB_LANE_MAIN, 0, &why);
    if (!p->conn)
        return;
    db_set_actor(p->conn, p->rq->who.token_id, p->rq->request_id);
    if (pthread_create(&p->helper, NULL, helper_main, p) != 0) {
        db_pool_release(a->pool, p->conn);
        p->conn = NULL;
        return;
    }
    p->have_helper = true;
}

import_pipe *import_pipe_new(request *rq, void *slot_a, void *slot_b,
                             pipe_apply_fn apply, pipe_done_fn done, void *cls)
{
    import_pipe *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    *p = (import_pipe){.rq = rq,
                       .apply = apply,
                       .done = done,
                       .cls = cls,
                       .current = slot_a,
                       .spare = slot_b};
    pthread_mutex_init(&p->mu, NULL);
    pthread_cond_init(&p->cv, NULL);
    start_helper(p);
    return p;
}

void *import_pipe_slot(import_pipe *p)
{
    return p->current;
}

db_status import_pipe_submit(import_pipe *p)
{
    pthread_mutex_lock(&p->mu);
    if (p->failed == DB_OK && p->have_helper && !p->busy && p->spare) {
        p->pending = p->current;
        p->busy = true;
        p->current = p->spare;
        p->spare = NULL;
        pthread_cond_broadcast(&p->cv);
        db_status failed = p->failed;
        pthread_mutex_unlock(&p->mu);
        return failed;
    }
    db_status failed = p->failed;
    pthread_mutex_unlock(&p->mu);
    if (failed != DB_OK)
        return failed;
    db_status st = p->apply(p->rq->db, p->current, p->cls);
    pthread_mutex_lock(&p->mu);
    settle(p, p->current, st);
    failed = p->failed;
    pthread_mutex_unlock(&p->mu);
    return failed;
}

db_status import_pipe_finish(import_pipe *p)
{
    if (p->have_helper) {
        pthread_mutex_lock(&p->mu);
        p->stop = true;
        pthread_cond_broadcast(&p->cv);
        pthread_mutex_unlock(&p->mu);
        pthread_join(p->helper, NULL);
        db_pool_release(p->rq->app->pool, p->conn);
    }
    db_status failed = p->failed;
    pthread_mutex_destroy(&p->mu);
    pthread_cond_destroy(&p->cv);
    free(p);
    return failed;
}
