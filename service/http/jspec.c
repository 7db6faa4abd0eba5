/*
 * jspec.c: the JSON field-spec parser.
 */
#include "http/jspec.h"

#include "domain/date.h"
#include "http/reply.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

size_t utf8_chars(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        if (((unsigned char)*s & 0xC0) != 0x80)
            n++;
    return n;
}

static void field_name(char *out, size_t outsz, const char *prefix,
                       const char *name)
{
    snprintf(out, outsz, "%s%s%s", prefix, *prefix ? "." : "", name);
}

static outcome parse_string(request *rq, const jspec *s, json_t *v,
                            const char *field, char *dst)
{
    if (!json_is_string(v)) {
        reply_error(rq, 400, "validation_failed", field, "must be a string");
        return OUT_REPLIED;
    }
    const char *str = json_string_value(v);
    size_t bytes = json_string_length(v), chars = utf8_chars(str);
    if (bytes != strlen(str)) {
        reply_error(rq, 422, "validation_failed", field,
                    "must not contain NUL characters");
        return OUT_REPLIED;
    }
    if ((int64_t)chars < s->min || (int64_t)chars > s->max ||
        bytes >= s->size) {
        reply_error(rq, 422, "validation_failed", field,
                    "must be %" PRId64 " to %" PRId64 " characters long",
                    s->min, s->max);
        return OUT_REPLIED;
    }
    memcpy(dst, str, bytes + 1);
    return OUT_CONTINUE;
}

static outcome parse_int(request *rq, const jspec *s, json_t *v,
                         const char *field, int64_t *dst)
{
    if (!json_is_integer(v)) {
        reply_error(rq, 400, "validation_failed", field, "must be an integer");
        return OUT_REPLIED;
    }
    json_int_t n = json_integer_value(v);
    if (n < s->min || n > s->max) {
        reply_error(rq, 422, "validation_failed", field,
                    "must be between %" PRId64 " and %" PRId64, s->min, s->max);
        return OUT_REPLIED;
    }
    *dst = n;
    return OUT_CONTINUE;
}

static outcome parse_date(request *rq, json_t *v, const char *field, char *dst)
{
    civil_date d;
    if (!json_is_string(v)) {
        reply_error(rq, 400, "validation_failed", field,
                    "must be a date string YYYY-MM-DD");
        return OUT_REPLIED;
    }
    if (!date_parse(json_string_value(v), &d)) {
        reply_error(rq, 422, "validation_failed", field,
                    "must be a real date YYYY-MM-DD");
        return OUT_REPLIED;
    }
    date_format(d, dst);
    return OUT_CONTINUE;
}

static outcome parse_bool(request *rq, json_t *v, const char *field, bool *dst)
{
    if (!json_is_boolean(v)) {
        reply_error(rq, 400, "validation_failed", field,
                    "must be true or false");
        return OUT_REPLIED;
    }
    *dst = json_is_true(v);
    return OUT_CONTINUE;
}

outcome jspec_parse_or_reply(request *rq, json_t *obj, const char *prefix,
                             const jspec *specs, void *out)
{
    char field[256];
    if (!json_is_object(obj)) {
        reply_error(rq, 400, "validation_failed", *prefix ? prefix : NULL,
                    "must be a JSON object");
        return OUT_REPLIED;
    }
    for (const jspec *s = specs; s->name; s++) {
        field_name(field, sizeof field, prefix, s->name);
        json_t *v = json_object_get(obj, s->name);
        if (!v || json_is_null(v)) {
            if (!s->required)
                continue;
            reply_error(rq, 400, "validation_failed", field, "is required");
            return OUT_REPLIED;
        }
        char *dst = (char *)out + s->offset;
        outcome o;
        if (s->type == JS_STRING)
            o = parse_string(rq, s, v, field, dst);
        else if (s->type == JS_INT)
            o = parse_int(rq, s, v, field, (int64_t *)(void *)dst);
        else if (s->type == JS_DATE)
            o = parse_date(rq, v, field, dst);
        else
            o = parse_bool(rq, v, field, (bool *)(void *)dst);
        if (o != OUT_CONTINUE)
            return o;
        if (s->present != JSPEC_NO_FLAG)
            *(bool *)((char *)out + s->present) = true;
    }
    return OUT_CONTINUE;
}

outcome jspec_array_or_reply(request *rq, json_t *v, const char *field,
                             size_t min, size_t max)
{
    if (!json_is_array(v)) {
        reply_error(rq, 400, "validation_failed", field, "must be an array");
        return OUT_REPLIED;
    }
    size_t n = json_array_size(v);
    if (n < min || n > max) {
        reply_error(rq, 422, "validation_failed", field,
                    "must hold %zu to %zu entries", min, max);
        return OUT_REPLIED;
    }
    return OUT_CONTINUE;
}
