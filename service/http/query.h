/*
 * query.h: integers from query strings and path segments.
 */
#ifndef HTTP_QUERY_H
#define HTTP_QUERY_H

#include "http/request.h"

#include <stdint.h>

/* Strict decimal parse of s into [min, max]; false otherwise. */
bool parse_int64(const char *s, int64_t min, int64_t max, int64_t *out);
/* The query argument `name` as an integer (dflt when absent); replies 400
 * when it is not an integer in range. */
outcome query_int_or_reply(request *rq, const char *name, int64_t dflt,
                           int64_t min, int64_t max, int64_t *out);
/* The required ?year= (2000 to 2100); replies 400. */
outcome query_year_or_reply(request *rq, int *year);
/* Path parameter idx (named `name` in errors) as an integer; replies 400. */
outcome path_int_or_reply(request *rq, int idx, const char *name, int64_t min,
                          int64_t max, int64_t *out);

#endif
