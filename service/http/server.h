/*
 * server.h: the HTTP server: libmicrohttpd's threads read requests, a pool
 * of workers runs the handlers (which block on PostgreSQL) while the
 * connection is suspended, so slow database work never stalls the I/O.
 */
#ifndef HTTP_SERVER_H
#define HTTP_SERVER_H

#include "app.h"
#include "http/request.h"

#include <stdbool.h>

typedef struct server server;

/* Starts listening; NULL with a logged reason on failure. */
server *server_start(app *a);
/* Stops accepting, lets in-flight requests finish (up to the configured
 * grace), then stops the workers and the daemon and frees s. */
void server_stop(server *s);

/* Runs one request's pipeline (dispatch.c): database connection, token,
 * role, content type, JSON body, handler. Always leaves a reply. */
void dispatch(request *rq);

#endif
