/*
 * health.c: liveness, readiness and metrics.
 */
#include "api/api.h"

#include "app.h"
#include "db/sql.h"
#include "http/metrics.h"
#include "http/reply.h"

#include <stdlib.h>
#include <string.h>

void handle_healthz(request *rq)
{
    reply_json(rq, 200, json_pack("{s:s}", "status", "ok"));
}

void handle_readyz(request *rq)
{
    int version = 0;
    db_status st = db_schema_version(rq->db, &version);
    if (st != DB_OK) {
        reply_db_error(rq, st == DB_ERROR ? DB_UNAVAILABLE : st);
        return;
    }
    if (version != rq->app->schema_expected) {
        reply_error(rq, 503, "service_unavailable", NULL,
                    "schema version %d, expected %d", version,
                    rq->app->schema_expected);
        return;
    }
    reply_json(
        rq, 200,
        json_pack("{s:s,s:i}", "status", "ready", "schema_version", version));
}

void handle_metrics(request *rq)
{
    char *text = metrics_render(rq->app->pool);
    if (!text) {
        reply_error(rq, 500, "internal", NULL, "out of memory");
        return;
    }
    reply_text(rq, 200, "text/plain; version=0.0.4; charset=utf-8", text,
               strlen(text));
    free(text);
}
