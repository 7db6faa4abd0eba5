/*
 * fuzz_jspec.c: JSON request bodies through the field specs
 * (http/jspec.c), as a handler sees them: json_loadb with the dispatcher's
 * flags, then jspec_parse_or_reply on the top object, a nested object and
 * each element of an array, with specs of every type.
 *
 * The reply path is the real one (http/reply.c over libmicrohttpd, which
 * builds a response without a daemon): each parse gets a zeroed request,
 * and its response, if any, is checked and destroyed. reply.c's only other
 * dependency, db_status_name, is stubbed below (no database here).
 * Invariants: a parse replies exactly when it says so, with 400 or 422;
 * one that continues has filled every required field within its bounds
 * (strings NUL-terminated inside their buffers, real dates, ints in range)
 * and set the presence flags; the outputs live in exact-size allocations,
 * so a write past a buffer is an AddressSanitizer error.
 */
#include "domain/date.h"
#include "fuzz.h"
#include "http/jspec.h"
#include "http/reply.h"

#include <stddef.h>
#include <string.h>

const char *db_status_name(db_status st)
{
    (void)st;
    return "stub";
}

typedef struct {
    char name[20]; /* 1..6 characters: a Chinese name is 18 bytes */
    int64_t year;
    char start[11];
    bool open;
    char note[4]; /* 0..3 characters in 4 bytes: ASCII only fits */
    bool has_note, has_open;
} top_in;

typedef struct {
    int64_t tier, contribution;
    char until[11];
    bool has_until;
} tier_in;

static const jspec top_spec[] = {
    {"name", JS_STRING, true, offsetof(top_in, name), 20, 1, 6, JSPEC_NO_FLAG},
    {"year", JS_INT, true, offsetof(top_in, year), 0, 2000, 2100,
     JSPEC_NO_FLAG},
    {"start", JS_DATE, true, offsetof(top_in, start), 11, 0, 0, JSPEC_NO_FLAG},
    {"open", JS_BOOL, false, offsetof(top_in, open), 0, 0, 0,
     offsetof(top_in, has_open)},
    {"note", JS_STRING, false, offsetof(top_in, note), 4, 0, 3,
     offsetof(top_in, has_note)},
    JSPEC_END,
};

static const jspec tier_spec[] = {
    {"tier", JS_INT, true, offsetof(tier_in, tier), 0, 1, 9, JSPEC_NO_FLAG},
    {"contribution", JS_INT, true, offsetof(tier_in, contribution), 0,
     INT64_MIN, INT64_MAX, JSPEC_NO_FLAG},
    {"until", JS_DATE, false, offsetof(tier_in, until), 11, 0, 0,
     offsetof(tier_in, has_until)},
    JSPEC_END,
};

/* Checks that a reply was made (or not) as the outcome says, then drops
 * the reply. */
static void check_reply(request *rq, outcome o)
{
    FUZZ_CHECK((o == OUT_REPLIED) == (rq->response != NULL));
    if (rq->response) {
        FUZZ_CHECK(rq->status == 400 || rq->status == 422);
        MHD_destroy_response(rq->response);
    }
}

static void check_string(const char *s, size_t size, int64_t min, int64_t max)
{
    size_t n = strnlen(s, size);
    FUZZ_CHECK(n < size);
    size_t chars = utf8_chars(s);
    FUZZ_CHECK((int64_t)chars >= min && (int64_t)chars <= max);
}

static void check_date(const char *s)
{
    civil_date d;
    char again[11];
    FUZZ_CHECK(date_parse(s, &d));
    date_format(d, again);
    FUZZ_CHECK(strcmp(again, s) == 0);
}

/* Parses one object against specs into an exact-size allocation of size
 * bytes; returns it on OUT_CONTINUE (caller frees), else NULL. */
static void *parse(json_t *obj, const char *prefix, const jspec *specs,
                   size_t size)
{
    request rq;
    memset(&rq, 0, sizeof rq);
    void *out = calloc(1, size);
    FUZZ_CHECK(out != NULL);
    outcome o = jspec_parse_or_reply(&rq, obj, prefix, specs, out);
    check_reply(&rq, o);
    if (o == OUT_CONTINUE)
        return out;
    free(out);
    return NULL;
}

static void check_tiers(json_t *arr)
{
    request rq;
    memset(&rq, 0, sizeof rq);
    outcome o = jspec_array_or_reply(&rq, arr, "tiers", 1, 4);
    check_reply(&rq, o);
    if (o != OUT_CONTINUE)
        return;
    FUZZ_CHECK(json_array_size(arr) >= 1 && json_array_size(arr) <= 4);
    size_t i;
    json_t *el;
    json_array_foreach (arr, i, el) {
        char prefix[32];
        snprintf(prefix, sizeof prefix, "tiers[%zu]", i);
        tier_in *t = parse(el, prefix, tier_spec, sizeof *t);
        if (!t)
            continue;
        FUZZ_CHECK(t->tier >= 1 && t->tier <= 9);
        FUZZ_CHECK(t->contribution ==
                   json_integer_value(json_object_get(el, "contribution")));
        if (t->has_until)
            check_date(t->until);
        free(t);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    json_error_t err;
    json_t *body =
        json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, &err);
    if (!body) { /* the dispatcher's reply, with jansson's message */
        request rq;
        memset(&rq, 0, sizeof rq);
        reply_error(&rq, 400, "invalid_json", NULL,
                    "malformed JSON at line %d column %d: %s", err.line,
                    err.column, err.text);
        check_reply(&rq, OUT_REPLIED);
        return 0;
    }
    top_in *top = parse(body, "", top_spec, sizeof *top);
    if (top) {
        check_string(top->name, sizeof top->name, 1, 6);
        FUZZ_CHECK(top->year >= 2000 && top->year <= 2100);
        check_date(top->start);
        FUZZ_CHECK(top->has_open || !top->open);
        FUZZ_CHECK(top->has_note ==
                   (json_object_get(body, "note") != NULL &&
                    !json_is_null(json_object_get(body, "note"))));
        if (top->has_note)
            check_string(top->note, sizeof top->note, 0, 3);
        free(top);
    }
    json_t *nested = json_object_get(body, "coverage");
    if (nested) {
        tier_in *t = parse(nested, "coverage", tier_spec, sizeof *t);
        free(t);
    }
    json_t *tiers = json_object_get(body, "tiers");
    if (tiers)
        check_tiers(tiers);
    json_decref(body);
    return 0;
}
