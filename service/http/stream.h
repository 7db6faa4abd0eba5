/*
 * stream.h: a request body handed from libmicrohttpd's thread to the worker
 * running the handler through a bounded buffer. When the buffer is full the
 * connection is suspended (so a 100 MB upload never sits in memory) and the
 * reader resumes it once there is room again.
 *
 * Lock order: the stream's mutex, then libmicrohttpd's own; suspend and
 * resume are both called with the stream's mutex held, so neither can be
 * lost between a decision and its action.
 */
#ifndef HTTP_STREAM_H
#define HTTP_STREAM_H

#include "http/request.h"

#include <stdbool.h>
#include <stddef.h>

/* NULL when memory runs out. Freed with stream_free(). */
body_stream *stream_new(struct MHD_Connection *conn, size_t limit);
void stream_free(body_stream *s);

/* libmicrohttpd's side. Takes what fits of data; *len is left with what did
 * not fit, in which case the connection has been suspended. Data after the
 * reader has finished is discarded. */
void stream_put(body_stream *s, const char *data, size_t *len);
/* The body is complete. Returns true when the handler has already replied
 * (queue the reply now); otherwise the connection is suspended until it
 * does. */
bool stream_end_or_suspend(body_stream *s);

/* The worker's side: see request_body_read(); also -2 when the client
 * went away before the body ended. */
long stream_read(body_stream *s, char *dst, size_t max);
/* The handler is done (its reply is set): resumes the connection if it
 * waits. Returns false when the connection is already gone, in which case
 * the caller frees the request. */
bool stream_reader_done(body_stream *s);
/* The connection is gone (completion callback). Returns true when the
 * reader has finished too and the request may be freed now; otherwise the
 * reader frees it when done. */
bool stream_connection_gone(body_stream *s);

#endif
