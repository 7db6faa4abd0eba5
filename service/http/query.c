/*
 * query.c: strict integer parameters.
 */
#include "http/query.h"

#include "http/reply.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>

bool parse_int64(const char *s, int64_t min, int64_t max, int64_t *out)
{
    if (!s || !*s || !(isdigit((unsigned char)*s) || *s == '-'))
        return false;
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (errno || *end || v < min || v > max)
        return false;
    *out = v;
    return true;
}

outcome query_int_or_reply(request *rq, const char *name, int64_t dflt,
                           int64_t min, int64_t max, int64_t *out)
{
    const char *v = request_query(rq, name);
    if (!v) {
        *out = dflt;
        return OUT_CONTINUE;
    }
    if (parse_int64(v, min, max, out))
        return OUT_CONTINUE;
    reply_error(rq, 400, "validation_failed", name,
                "must be an integer between %" PRId64 " and %" PRId64, min,
                max);
    return OUT_REPLIED;
}

outcome query_year_or_reply(request *rq, int *year)
{
    int64_t y;
    if (!request_query(rq, "year")) {
        reply_error(rq, 400, "validation_failed", "year", "is required");
        return OUT_REPLIED;
    }
    if (query_int_or_reply(rq, "year", 0, 2000, 2100, &y) != OUT_CONTINUE)
        return OUT_REPLIED;
    *year = (int)y;
    return OUT_CONTINUE;
}

outcome path_int_or_reply(request *rq, int idx, const char *name, int64_t min,
                          int64_t max, int64_t *out)
{
    if (idx < rq->nparams && parse_int64(rq->params[idx], min, max, out))
        return OUT_CONTINUE;
    reply_error(rq, 400, "validation_failed", name,
                "must be an integer between %" PRId64 " and %" PRId64, min,
                max);
    return OUT_REPLIED;
}
