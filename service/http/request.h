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

typedef enum { BODY_NONE, BODY_JSON, BODY_CSV } body_kind;

typedef struct {
    const char *method;
    const char *pattern; /* "/v1/regions/{code}": {x} matches one segment */
    handler_fn handler;
    unsigned roles; /* ROLE_ bits allowed; 0 = public (no token) */
    body_kind body; /* what the request body must be */
    bool uses_db;   /* false: runs without a database connection */
} route;

enum { MAX_PATH_PARAMS = 4 };

typedef enum { RQ_READING, RQ_QUEUED, RQ_REPLIED } request_state;

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
    buf body; /* owned; capped at body_limit */
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

/* A query-string argument, or NULL. Valid for the request's lifetime. */
const char *request_query(request *rq, const char *name);
/* A request header, or NULL. */
const char *request_header(request *rq, const char *name);

#endif
