/*
 * dashboard.c: GET /dashboard and GET /dashboard/{asset}, the progress
 * dashboard's page, script and style sheet, served from the bytes compiled
 * into the binary (api/dashboard_assets.h). The page holds no data: it
 * reads the caller's token from its own URL fragment and calls the API.
 */
#include "api/api.h"

#include "api/dashboard_assets.h"
#include "http/reply.h"

#include <stdbool.h>
#include <string.h>

/* Scripts and styles from this origin only, no inline code, no framing:
 * a token in localStorage is read by our script and nobody else's. */
#define DASHBOARD_CSP                                                          \
    "default-src 'none'; script-src 'self'; style-src 'self'; "                \
    "img-src 'self' data:; connect-src 'self'; base-uri 'none'; "              \
    "form-action 'self'; frame-ancestors 'none'"

static const dashboard_asset *asset_find(const char *name)
{
    for (const dashboard_asset *a = dashboard_assets; a->name; a++)
        if (strcmp(a->name, name) == 0)
            return a;
    return NULL;
}

/* True when the client's If-None-Match lists etag (or is "*"). */
static bool etag_matches(const char *header, const char *etag)
{
    if (!header)
        return false;
    if (strcmp(header, "*") == 0)
        return true;
    size_t n = strlen(etag);
    for (const char *p = header; (p = strstr(p, etag)); p += n) {
        char after = p[n];
        if (after == '\0' || after == ',' || after == ' ')
            return true;
    }
    return false;
}

/* Every asset is revalidated on each use (no-cache): a new binary shows
 * its new page at once, and an unchanged one costs a 304. */
static void serve(request *rq, const dashboard_asset *a)
{
    bool fresh = etag_matches(request_header(rq, MHD_HTTP_HEADER_IF_NONE_MATCH),
                              a->etag);
    reply_static(rq, fresh ? 304 : 200, a->content_type, fresh ? NULL : a->data,
                 fresh ? 0 : a->len);
    reply_add_header(rq, MHD_HTTP_HEADER_ETAG, a->etag);
    reply_add_header(rq, MHD_HTTP_HEADER_CACHE_CONTROL, "no-cache");
    reply_add_header(rq, "Content-Security-Policy", DASHBOARD_CSP);
    reply_add_header(rq, "X-Content-Type-Options", "nosniff");
    reply_add_header(rq, "Referrer-Policy", "no-referrer");
}

void handle_dashboard(request *rq)
{
    const dashboard_asset *a = asset_find("index.html");
    if (!a) {
        reply_not_found(rq, "dashboard");
        return;
    }
    serve(rq, a);
}

void handle_dashboard_asset(request *rq)
{
    const dashboard_asset *a = asset_find(rq->params[0]);
    if (!a) {
        reply_not_found(rq, "asset");
        return;
    }
    serve(rq, a);
}
