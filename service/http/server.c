/*
 * server.c: libmicrohttpd glue: the request lifecycle, body limits, the
 * worker queues, the access log and graceful shutdown.
 *
 * Lifecycle: MHD's first call creates the request (route matched, limits
 * set); the following calls append the body; the last call hands the
 * request to a worker and suspends the connection; the worker runs
 * dispatch() and resumes it; MHD calls once more and the reply is queued;
 * the completion callback logs, counts and frees the request.
 *
 * Two lanes, each a first-come-first-served queue with workers of its own:
 * the read lane (routes marked DB_LANE_READ: reports, health checks) and the
 * main lane (everything else), so that a report never waits behind the
 * payments queued ahead of it.
 */
#define _POSIX_C_SOURCE 200809L
#include "http/server.h"

#include "domain/utf8.h"
#include "http/metrics.h"
#include "http/reply.h"
#include "http/router.h"
#include "http/stream.h"
#include "log.h"

#include <ctype.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* One lane: a queue and the workers that serve it. */
typedef struct {
    server *s;
    pthread_t *workers;
    unsigned nworkers;
    pthread_mutex_t mu;
    pthread_cond_t work;
    request *head, *tail;
    bool stopping; /* the workers return once the queue is empty */
} lane;

struct server {
    app *app;
    struct MHD_Daemon *daemon;
    lane lanes[DB_LANES];
    atomic_long inflight;
    atomic_uint uploads; /* streamed bodies being read by a worker */
    atomic_ulong next_id;
    unsigned id_prefix;
};

const char *request_query(request *rq, const char *name)
{
    return MHD_lookup_connection_value(rq->conn, MHD_GET_ARGUMENT_KIND, name);
}

const char *request_header(request *rq, const char *name)
{
    return MHD_lookup_connection_value(rq->conn, MHD_HEADER_KIND, name);
}

static void set_request_id(server *s, request *rq)
{
    const char *given = request_header(rq, "X-Request-Id");
    size_t n = given ? strlen(given) : 0;
    bool ok = n > 0 && n < sizeof rq->request_id;
    for (size_t i = 0; ok && i < n; i++)
        ok = isalnum((unsigned char)given[i]) || strchr("-_.", given[i]);
    if (ok)
        memcpy(rq->request_id, given, n + 1);
    else
        snprintf(rq->request_id, sizeof rq->request_id, "%08x-%08lx",
                 s->id_prefix, atomic_fetch_add(&s->next_id, 1));
}

static void request_free(server *s, request *rq);

/* Decodes %HH as libmicrohttpd's default does, but turns a decoded NUL
 * into 0xFF: a NUL would silently cut a path segment or a query value
 * short ("a%00b" read as "a"), whereas 0xFF is never UTF-8, so that
 * text_or_reply() refuses the request. */
static size_t unescape(void *cls, struct MHD_Connection *conn, char *s)
{
    (void)cls, (void)conn;
    size_t n = MHD_http_unescape(s);
    for (size_t i = 0; i < n; i++)
        if (s[i] == '\0')
            s[i] = (char)0xFF;
    return n;
}

static enum MHD_Result check_query_arg(void *cls, enum MHD_ValueKind kind,
                                       const char *key, const char *value)
{
    (void)kind;
    const char **bad = cls;
    if (!utf8_valid(key, strlen(key)) ||
        (value && !utf8_valid(value, strlen(value)))) {
        *bad = key;
        return MHD_NO; /* stop iterating */
    }
    return MHD_YES;
}

/* Path parameters and query arguments reach SQL as text: bytes that are
 * not UTF-8 (or a NUL) are the client's fault, a 400 here, rather than
 * an "invalid byte sequence" error from PostgreSQL answered with a 500. */
static outcome text_or_reply(request *rq)
{
    for (int i = 0; i < rq->nparams; i++)
        if (!utf8_valid(rq->params[i], strlen(rq->params[i]))) {
            reply_error(rq, 400, "validation_failed", NULL,
                        "the path must be UTF-8 without NUL characters");
            return OUT_REPLIED;
        }
    const char *bad = NULL;
    MHD_get_connection_values(rq->conn, MHD_GET_ARGUMENT_KIND, check_query_arg,
                              &bad);
    if (bad) {
        bool named = utf8_valid(bad, strlen(bad));
        reply_error(rq, 400, "validation_failed", named ? bad : NULL,
                    "query arguments must be UTF-8 without NUL characters");
        return OUT_REPLIED;
    }
    return OUT_CONTINUE;
}

/* A streamed body is read by a worker holding a database connection for
 * as long as the client takes to send it: a few clients that send half an
 * import and stall would hold every worker until their connections time
 * out, and nothing else would be served. At most max_uploads streamed
 * requests at a time, then: the next is refused with a 503 (retry later).
 * Takes a slot, which request_free() gives back with the stream. */
static outcome upload_slot_or_reply(server *s, request *rq)
{
    unsigned cap = s->app->cfg.max_uploads;
    if (atomic_fetch_add(&s->uploads, 1) < cap)
        return OUT_CONTINUE;
    atomic_fetch_sub(&s->uploads, 1);
    reply_error(rq, 503, "service_unavailable", NULL,
                "%u uploads are in progress, retry later", cap);
    reply_add_header(rq, MHD_HTTP_HEADER_RETRY_AFTER, "5");
    return OUT_REPLIED;
}

static request *request_new(server *s, struct MHD_Connection *conn,
                            const char *url, const char *method)
{
    request *rq = calloc(1, sizeof *rq);
    if (!rq)
        return NULL;
    rq->app = s->app;
    rq->conn = conn;
    clock_gettime(CLOCK_MONOTONIC, &rq->started);
    snprintf(rq->method, sizeof rq->method, "%s", method);
    rq->url = strdup(url);
    set_request_id(s, rq);
    buf allow = {0};
    rq->route_index =
        router_match(api_routes, method, url, rq->params, &rq->nparams, &allow);
    if (rq->route_index >= 0) {
        rq->route = &api_routes[rq->route_index];
        text_or_reply(rq);
    } else if (allow.len) {
        reply_error(rq, 405, "method_not_allowed", NULL,
                    "%s is not allowed here", method);
        reply_add_header(rq, MHD_HTTP_HEADER_ALLOW, allow.data);
    } else
        reply_error(rq, 404, "not_found", NULL, "no such endpoint");
    buf_free(&allow);
    bool streamed = rq->route && rq->route->body == BODY_CSV;
    rq->body_limit =
        streamed ? s->app->cfg.max_import_bytes : s->app->cfg.max_body_bytes;
    if (rq->route && rq->route->body == BODY_JSON_BULK)
        rq->body_limit = 16 * s->app->cfg.max_body_bytes;
    if (streamed && !rq->response &&
        upload_slot_or_reply(s, rq) == OUT_CONTINUE &&
        !(rq->stream = stream_new(conn, rq->body_limit))) {
        atomic_fetch_sub(&s->uploads, 1);
        request_free(s, rq);
        return NULL;
    }
    atomic_fetch_add(&s->inflight, 1);
    return rq;
}

static void request_free(server *s, request *rq)
{
    if (rq->stream)
        atomic_fetch_sub(&s->uploads, 1);
    for (int i = 0; i < rq->nparams; i++)
        free(rq->params[i]);
    free(rq->url);
    buf_free(&rq->body);
    json_decref(rq->json);
    stream_free(rq->stream);
    if (rq->response)
        MHD_destroy_response(rq->response);
    free(rq);
}

/* A declared Content-Length over the limit is refused before reading. */
static void check_declared_length(request *rq)
{
    const char *cl = request_header(rq, MHD_HTTP_HEADER_CONTENT_LENGTH);
    if (cl && strtoull(cl, NULL, 10) > rq->body_limit) {
        rq->body_too_large = true;
        if (!rq->response)
            reply_error(rq, 413, "payload_too_large", NULL,
                        "the body exceeds %zu bytes", rq->body_limit);
    }
}

static void append_body(request *rq, const char *data, size_t len)
{
    if (rq->body_too_large || rq->response)
        return; /* discard */
    if (rq->body.len + len > rq->body_limit ||
        !buf_append(&rq->body, data, len))
        rq->body_too_large = true;
}

static enum MHD_Result queue_reply(request *rq)
{
    rq->state = RQ_REPLIED;
    if (!rq->response)
        return MHD_NO;
    return MHD_queue_response(rq->conn, rq->status, rq->response);
}

long request_body_read(request *rq, char *dst, size_t max)
{
    if (rq->stream)
        return stream_read(rq->stream, dst, max);
    if (rq->body_too_large)
        return -1;
    size_t n =
        rq->body.len - rq->body_read < max ? rq->body.len - rq->body_read : max;
    if (n)
        memcpy(dst, rq->body.data + rq->body_read, n);
    rq->body_read += n;
    return (long)n;
}

/* Hands rq to a worker of its route's lane (the main lane when the read
 * lane has no workers). A buffered request's connection is suspended until
 * the reply is ready; a streamed one goes on receiving its body. */
static void enqueue(server *s, request *rq)
{
    lane *q = &s->lanes[DB_LANE_MAIN];
    if (rq->route->lane == DB_LANE_READ && s->lanes[DB_LANE_READ].nworkers)
        q = &s->lanes[DB_LANE_READ];
    rq->state = RQ_QUEUED;
    if (!rq->stream)
        MHD_suspend_connection(rq->conn);
    pthread_mutex_lock(&q->mu);
    rq->next_queued = NULL;
    if (q->tail)
        q->tail->next_queued = rq;
    else
        q->head = rq;
    q->tail = rq;
    pthread_cond_signal(&q->work);
    pthread_mutex_unlock(&q->mu);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn,
                                  const char *url, const char *method,
                                  const char *version, const char *upload,
                                  size_t *upload_size, void **con_cls)
{
    (void)version;
    server *s = cls;
    request *rq = *con_cls;
    if (!rq) {
        rq = request_new(s, conn, url, method);
        if (!rq)
            return MHD_NO;
        *con_cls = rq;
        check_declared_length(rq);
        /* refuse early (404, 405, 413) without reading the body */
        if (rq->response)
            return queue_reply(rq);
        if (rq->stream)
            enqueue(s, rq); /* the handler reads the body as it comes */
        return MHD_YES;
    }
    if (rq->stream && rq->state != RQ_REPLIED) {
        if (*upload_size) {
            stream_put(rq->stream, upload, upload_size);
            return MHD_YES;
        }
        if (!stream_end_or_suspend(rq->stream))
            return MHD_YES; /* resumed when the handler has replied */
        return queue_reply(rq);
    }
    if (*upload_size) {
        append_body(rq, upload, *upload_size);
        *upload_size = 0;
        return MHD_YES;
    }
    if (rq->state == RQ_READING) {
        if (rq->route && rq->route->uses_db) {
            enqueue(s, rq);
            return MHD_YES;
        }
        dispatch(rq); /* cheap and database-free: answer on this thread */
    }
    return queue_reply(rq);
}

static void *worker_main(void *arg)
{
    lane *q = arg;
    server *s = q->s;
    for (;;) {
        pthread_mutex_lock(&q->mu);
        while (!q->head && !q->stopping)
            pthread_cond_wait(&q->work, &q->mu);
        request *rq = q->head;
        if (rq) {
            q->head = rq->next_queued;
            if (!q->head)
                q->tail = NULL;
        }
        pthread_mutex_unlock(&q->mu);
        if (!rq)
            return NULL; /* stopping and the queue is empty */
        dispatch(rq);
        if (rq->stream) {
            /* the connection may have gone while the handler ran */
            if (!stream_reader_done(rq->stream))
                request_free(s, rq);
            continue;
        }
        rq->state = RQ_REPLIED;
        MHD_resume_connection(rq->conn);
    }
}

static void log_access(request *rq, unsigned status, double secs)
{
    json_t *line =
        json_pack("{s:s,s:s,s:s,s:s,s:i,s:f}", "msg", "request", "request_id",
                  rq->request_id, "method", rq->method, "route",
                  rq->route ? rq->route->pattern : "unmatched", "status",
                  (int)status, "duration_ms", secs * 1000.0);
    log_fields(LOG_INFO, line);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    (void)conn;
    server *s = cls;
    request *rq = *con_cls;
    if (!rq)
        return;
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    double secs = (double)(now.tv_sec - rq->started.tv_sec) +
                  (double)(now.tv_nsec - rq->started.tv_nsec) / 1e9;
    /* 499: the client went away before the reply was sent */
    unsigned status = toe == MHD_REQUEST_TERMINATED_COMPLETED_OK || !rq->status
                          ? (rq->status ? rq->status : 499)
                          : rq->status;
    if (toe != MHD_REQUEST_TERMINATED_COMPLETED_OK && !rq->response)
        status = 499;
    metrics_observe(rq->route_index, status, secs);
    log_access(rq, status, secs);
    *con_cls = NULL;
    /* a streamed request may still be in its handler: it frees it then */
    if (!rq->stream || rq->state != RQ_QUEUED ||
        stream_connection_gone(rq->stream))
        request_free(s, rq);
    atomic_fetch_sub(&s->inflight, 1);
}

static void mhd_log(void *cls, const char *fmt, va_list ap)
{
    (void)cls;
    char msg[512];
    vsnprintf(msg, sizeof msg, fmt, ap);
    size_t n = strlen(msg);
    while (n && msg[n - 1] == '\n')
        msg[--n] = '\0';
    log_msg(LOG_WARN, "http: %s", msg);
}

static bool start_workers(server *s, lane *q, unsigned n)
{
    q->s = s;
    if (!n)
        return true;
    q->workers = calloc(n, sizeof *q->workers);
    if (!q->workers)
        return false;
    for (unsigned i = 0; i < n; i++) {
        if (pthread_create(&q->workers[i], NULL, worker_main, q) != 0)
            return false;
        q->nworkers++;
    }
    return true;
}

/* Lets lane q's workers return once its queue is empty, and waits for
 * them. */
static void stop_workers(lane *q)
{
    pthread_mutex_lock(&q->mu);
    q->stopping = true;
    pthread_cond_broadcast(&q->work);
    pthread_mutex_unlock(&q->mu);
    for (unsigned i = 0; i < q->nworkers; i++)
        pthread_join(q->workers[i], NULL);
    free(q->workers);
    pthread_mutex_destroy(&q->mu);
    pthread_cond_destroy(&q->work);
}

server *server_start(app *a)
{
    server *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->app = a;
    s->id_prefix = (unsigned)getpid() ^ (unsigned)time(NULL);
    for (int l = 0; l < DB_LANES; l++) {
        pthread_mutex_init(&s->lanes[l].mu, NULL);
        pthread_cond_init(&s->lanes[l].work, NULL);
    }
    if (!start_workers(s, &s->lanes[DB_LANE_MAIN], a->cfg.workers) ||
        !start_workers(s, &s->lanes[DB_LANE_READ], a->cfg.read_workers)) {
        log_msg(LOG_ERROR, "cannot start the request workers");
        server_stop(s);
        return NULL;
    }
    const config *c = &a->cfg;
    s->daemon = MHD_start_daemon(
        MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL |
            MHD_ALLOW_SUSPEND_RESUME | MHD_USE_ERROR_LOG,
        (uint16_t)c->port, NULL, NULL, on_request, s,
        MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL, MHD_OPTION_UNESCAPE_CALLBACK,
        unescape, NULL, MHD_OPTION_THREAD_POOL_SIZE, (unsigned)c->http_threads,
        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)c->conn_timeout_s,
        MHD_OPTION_CONNECTION_LIMIT, (unsigned)c->max_connections,
        /* no SO_REUSEPORT: a second instance on a taken port must fail
         * to start, not silently share the port (libmicrohttpd's default
         * SO_REUSEADDR still lets a restart bind at once) */
        MHD_OPTION_NOTIFY_COMPLETED, on_completed, s, MHD_OPTION_END);
    if (!s->daemon) {
        log_msg(LOG_ERROR, "cannot listen on port %u", c->port);
        server_stop(s);
        return NULL;
    }
    return s;
}

void server_stop(server *s)
{
    if (s->daemon) {
        MHD_socket fd = MHD_quiesce_daemon(s->daemon);
        if (fd != MHD_INVALID_SOCKET)
            close(fd);
        /* let in-flight requests finish */
        struct timespec tick = {0, 10000000L};
        for (unsigned ms = 0; atomic_load(&s->inflight) > 0 &&
                              ms < s->app->cfg.shutdown_grace_s * 1000;
             ms += 10)
            nanosleep(&tick, NULL);
    }
    /* each lane's workers finish what is queued before they return */
    for (int l = 0; l < DB_LANES; l++)
        stop_workers(&s->lanes[l]);
    if (s->daemon)
        MHD_stop_daemon(s->daemon);
    free(s);
}
