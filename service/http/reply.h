/*
 * reply.h: building the one response of a request. A request gets exactly
 * one reply; a second attempt is logged and ignored.
 */
#ifndef HTTP_REPLY_H
#define HTTP_REPLY_H

#include "http/request.h"

/* Replies with body as JSON; steals the reference to body. */
void reply_json(request *rq, unsigned status, json_t *body);
/* Replies {"error":{"code","message"[,"field"]}}; field may be NULL. */
void reply_error(request *rq, unsigned status, const char *code,
                 const char *field, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
/* Replies with the bytes copied from text. */
void reply_text(request *rq, unsigned status, const char *content_type,
                const char *text, size_t len);
/* Replies with bytes that outlive the response (static data, such as the
 * embedded dashboard): nothing is copied, nothing freed. data may be NULL
 * when len is 0. */
void reply_static(request *rq, unsigned status, const char *content_type,
                  const void *data, size_t len);
void reply_empty(request *rq, unsigned status);
/* Adds a header to the reply already made. */
void reply_add_header(request *rq, const char *name, const char *value);
/* Maps a failed database status to 503 (unavailable) or 500. */
void reply_db_error(request *rq, db_status st);
/* Shortcuts for common errors. */
void reply_not_found(request *rq, const char *what);

#endif
