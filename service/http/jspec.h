/*
 * jspec.h: declarative JSON field specifications. A handler lists the
 * fields it expects; one parser fills a struct and names the failing field
 * ("tiers[2].contribution") in the error reply.
 */
#ifndef HTTP_JSPEC_H
#define HTTP_JSPEC_H

#include "http/request.h"

#include <stddef.h>
#include <stdint.h>

typedef enum {
    JS_STRING, /* char[size]: UTF-8, min_len..max_len characters */
    JS_INT,    /* int64_t within [min, max] */
    JS_DATE,   /* char[11]: a real "YYYY-MM-DD" date */
    JS_BOOL,   /* bool */
} jspec_type;

typedef struct {
    const char *name;
    jspec_type type;
    bool required;
    size_t offset;    /* of the target inside the output struct */
    size_t size;      /* JS_STRING: the buffer's size in bytes */
    int64_t min, max; /* JS_INT: bounds; JS_STRING: length in characters */
    size_t present;   /* offset of a bool set when given, or JSPEC_NO_FLAG */
} jspec;

#define JSPEC_NO_FLAG ((size_t)-1)
#define JSPEC_END                                                              \
    {                                                                          \
        NULL, 0, false, 0, 0, 0, 0, 0                                          \
    }

/* Fills out from obj according to specs (NULL-name terminated). JSON null
 * counts as absent. prefix names obj in error fields ("" at the top).
 * Replies 400 for a missing field or wrong type, 422 for a value out of
 * bounds or an impossible date. */
outcome jspec_parse_or_reply(request *rq, json_t *obj, const char *prefix,
                             const jspec *specs, void *out);

/* Checks that v is an array of at most max objects; replies otherwise. */
outcome jspec_array_or_reply(request *rq, json_t *v, const char *field,
                             size_t min, size_t max);

/* Number of UTF-8 characters in s (which jansson has already validated). */
size_t utf8_chars(const char *s);

#endif
