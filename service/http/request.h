/*
 * request.h: the request context and the route table's shape.
 *
 * A request is created on libmicrohttpd's first call for a connection's
 * request and freed in one place, the completion callback (server.c).
 * Everything a handler allocates for the request hangs off it.
 */
#ifndef HTTP_REQUEST_H
#define HTTP_REQUEST_H

#include "common/buf.h"
#include "db/db.h"
#include "domain/access.h"

#include <jansson.h>
#include <microhttpd.h>
#include <stdbool.h>
#include <time.h>

typedef struct request request;
typedef struct app app;

/* What a function that may reply did. */
typedef enum { OUT_CONTINUE = 0, OUT_REPLIED } outcome;

typedef void (*handler_fn)(request *rq);

/* BODY_CSV bodies are streamed to the handler as they arrive (never held
 * whole in memory); BODY_JSON bodies are read whole, up to MAX_BODY_BYTES. */
typedef enum {
    BODY_NONE,
    BODY_JSON, /* parsed into rq->json before the handler */
    BODY_CSV,  /* streamed */
    BODY_RAW,  /* rq->body as received, any type (signed callbacks) */
    /* BODY_JSON for batches (10,000 payments): up to 16 x MAX_BODY_BYTES */
    BODY_JSON_BULK,
} body_kind;

typedef struct {
    const char *method;
    const char *pattern; /* "/v1/regions/{code}": {x} matches one segment */
    handler_fn handler;
    unsigned roles; /* ROLE_ bits allowed; 0 = public (no token) */
    body_kind body; /* what the request body must be */
    bool uses_db;   /* false: runs without a database connection */
    /* DB_LANE_READ: a cheap read (reports, health) served by the read
     * workers with connections of their own, never queued behind payments;
     * routes that write, or take a body, stay in DB_LANE_MAIN */
    db_lane lane;
} route;

enum { MAX_PATH_PARAMS = 4 };

typedef enum { RQ_READING, RQ_QUEUED, RQ_REPLIED } request_state;

typedef struct body_stream body_stream;

struct request {
    app *app;
    struct MHD_Connection *conn;
    request_state state;
    const route *route; /* NULL when nothing matched */
    int route_index;    /* for metrics; -1 when unmatched */
    char method[16];
    char *url;                     /* owned */
    char *params[MAX_PATH_PARAMS]; /* owned, decoded path segments */
    int nparams;
    char request_id[40];
    buf body;            /* owned; capped at body_limit (JSON bodies) */
    body_stream *stream; /* owned; the body of BODY_CSV routes */
    size_t body_read;    /* bytes of body handed out by request_body_read */
    size_t body_limit;
    bool body_too_large;
    json_t *json; /* owned; the parsed body of BODY_JSON routes */
    principal who;
    db_conn *db; /* held while the handler runs */
    unsigned status;
    struct MHD_Response *response; /* owned until queued */
    struct timespec started;
    request *next_queued; /* worker queue link */
};

/* Reads up to max bytes of the request body into dst, waiting for them
 * to arrive when streamed. Returns the count, 0 at the end of the body, or
 * -1 when the body exceeds the route's limit (the caller replies 413), or
 * -2 when the client went away. */
long request_body_read(request *rq, char *dst, size_t max);

/* A query-string argument, or NULL. Valid for the request's lifetime. */
const char *request_query(request *rq, const char *name);
/* A request header, or NULL. */
const char *request_header(request *rq, const char *name);

#endif
