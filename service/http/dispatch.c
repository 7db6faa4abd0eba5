/*
 * dispatch.c: what happens to a request between its body and its reply.
 */
#include "app.h"
#include "http/auth.h"
#include "http/reply.h"
#include "http/server.h"
#include "log.h"

#include <string.h>
#include <strings.h>

static bool media_type_is(const char *header, const char *type)
{
    size_t n = strlen(type);
    if (!header || strncasecmp(header, type, n) != 0)
        return false;
    return header[n] == '\0' || header[n] == ';' || header[n] == ' ';
}

/* 413 for oversized bodies, 415 for the wrong content type, 400 for
 * JSON that does not parse. */
static outcome body_or_reply(request *rq)
{
    if (rq->body_too_large) {
        reply_error(rq, 413, "payload_too_large", NULL,
                    "the body exceeds %zu bytes", rq->body_limit);
        return OUT_REPLIED;
    }
    const char *ctype = request_header(rq, MHD_HTTP_HEADER_CONTENT_TYPE);
    if (rq->route->body == BODY_JSON || rq->route->body == BODY_JSON_BULK) {
        if (!media_type_is(ctype, "application/json")) {
            reply_error(rq, 415, "unsupported_media_type", NULL,
                        "the body must be application/json");
            return OUT_REPLIED;
        }
        json_error_t err;
        rq->json = json_loadb(rq->body.data ? rq->body.data : "", rq->body.len,
                              JSON_REJECT_DUPLICATES, &err);
        if (!rq->json) {
            reply_error(rq, 400, "invalid_json", NULL,
                        "malformed JSON at line %d column %d: %s", err.line,
                        err.column, err.text);
            return OUT_REPLIED;
        }
    } else if (rq->route->body == BODY_CSV &&
               !media_type_is(ctype, "text/csv")) {
        reply_error(rq, 415, "unsupported_media_type", NULL,
                    "the body must be text/csv");
        return OUT_REPLIED;
    }
    return OUT_CONTINUE;
}

static void run_handler(request *rq)
{
    if (rq->route->roles) {
        if (auth_authenticate_or_reply(rq) != OUT_CONTINUE ||
            auth_check_or_reply(rq, NULL) != OUT_CONTINUE)
            return;
    }
    if (body_or_reply(rq) != OUT_CONTINUE)
        return;
    if (rq->db && rq->route->roles)
        db_set_actor(rq->db, rq->who.token_id, rq->request_id);
    rq->route->handler(rq);
}

void dispatch(request *rq)
{
    app *a = rq->app;
    if (rq->route->uses_db) {
        db_status why;
        rq->db = db_pool_acquire(a->pool, rq->route->lane, a->cfg.db_acquire_ms,
                                 &why);
        if (!rq->db) {
            reply_db_error(rq, why);
            return;
        }
    }
    run_handler(rq);
    if (rq->db) {
        db_pool_release(a->pool, rq->db);
        rq->db = NULL;
    }
    if (!rq->response) {
        log_msg(LOG_ERROR, "request %s: handler left no reply", rq->request_id);
        reply_error(rq, 500, "internal", NULL, "internal error");
    }
}
