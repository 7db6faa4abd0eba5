/*
 * reply.c: responses and the error shape of api.md.
 */
#define _POSIX_C_SOURCE 200809L
#include "http/reply.h"

#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Makes the reply from data: freed by libmicrohttpd when mode is
 * MHD_RESPMEM_MUST_FREE (also here on failure), never when it is
 * MHD_RESPMEM_PERSISTENT. */
static void reply_buffer(request *rq, unsigned status, const char *ctype,
                         void *data, size_t len,
                         enum MHD_ResponseMemoryMode mode)
{
    if (rq->response) {
        log_msg(LOG_ERROR, "request %s replied twice", rq->request_id);
        if (mode == MHD_RESPMEM_MUST_FREE)
            free(data);
        return;
    }
    struct MHD_Response *r = MHD_create_response_from_buffer(len, data, mode);
    if (!r) {
        if (mode == MHD_RESPMEM_MUST_FREE)
            free(data);
        return;
    }
    MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, ctype);
    MHD_add_response_header(r, "X-Request-Id", rq->request_id);
    rq->response = r;
    rq->status = status;
}

/* Takes ownership of data (malloc'd) in all cases. */
static void reply_bytes(request *rq, unsigned status, const char *ctype,
                        char *data, size_t len)
{
    reply_buffer(rq, status, ctype, data, len, MHD_RESPMEM_MUST_FREE);
}

void reply_json(request *rq, unsigned status, json_t *body)
{
    char *text = body ? json_dumps(body, JSON_COMPACT) : NULL;
    json_decref(body);
    if (!text) {
        log_msg(LOG_ERROR, "request %s: cannot encode reply", rq->request_id);
        text = strdup("{\"error\":{\"code\":\"internal\","
                      "\"message\":\"cannot encode the reply\"}}");
        status = 500;
        if (!text)
            return;
    }
    reply_bytes(rq, status, "application/json; charset=utf-8", text,
                strlen(text));
}

void reply_error(request *rq, unsigned status, const char *code,
                 const char *field, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    json_t *err = json_pack("{s:s,s:s}", "code", code, "message", msg);
    if (!err) /* the message held invalid UTF-8 from input */
        err = json_pack("{s:s,s:s}", "code", code, "message",
                        "the request is invalid");
    if (field)
        json_object_set_new(err, "field", json_string(field));
    reply_json(rq, status, json_pack("{s:o}", "error", err));
}

void reply_text(request *rq, unsigned status, const char *content_type,
                const char *text, size_t len)
{
    char *copy = malloc(len ? len : 1);
    if (!copy)
        return;
    memcpy(copy, text, len);
    reply_bytes(rq, status, content_type, copy, len);
}

void reply_static(request *rq, unsigned status, const char *content_type,
                  const void *data, size_t len)
{
    /* PERSISTENT: libmicrohttpd only reads the bytes, never frees them */
    reply_buffer(rq, status, content_type, (void *)data, len,
                 MHD_RESPMEM_PERSISTENT);
}

void reply_empty(request *rq, unsigned status)
{
    reply_bytes(rq, status, "text/plain", NULL, 0);
}

void reply_add_header(request *rq, const char *name, const char *value)
{
    if (rq->response)
        MHD_add_response_header(rq->response, name, value);
}

void reply_db_error(request *rq, db_status st)
{
    if (st == DB_UNAVAILABLE || st == DB_RETRY)
        reply_error(rq, 503, "service_unavailable", NULL,
                    "the database is unavailable, retry later");
    else {
        log_msg(LOG_ERROR, "request %s: database error %s", rq->request_id,
                db_status_name(st));
        reply_error(rq, 500, "internal", NULL, "internal error");
    }
}

void reply_not_found(request *rq, const char *what)
{
    reply_error(rq, 404, "not_found", NULL, "%s not found", what);
}
