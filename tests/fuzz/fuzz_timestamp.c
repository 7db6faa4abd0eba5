/*
 * fuzz_timestamp.c: RFC 3339 instants (domain/timestamp.c).
 *
 * Input: the text (cut at the first NUL). Invariants: an accepted instant
 * written back in UTC ("YYYY-MM-DDTHH:MM:SSZ") parses to the same second
 * and the same Beijing date; the Beijing date is a real one and the day of
 * the instant plus eight hours (clamped to years
 * 1..9999, as date.h says).
 */
#include "domain/date.h"
#include "domain/timestamp.h"
#include "fuzz.h"

#include <stdio.h>
#include <string.h>

static int64_t floor_div(int64_t a, int64_t b)
{
    return a >= 0 ? a / b : -((-a + b - 1) / b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    FUZZ_CHECK(s != NULL);
    memcpy(s, data, size);
    s[size] = '\0';
    int64_t t;
    civil_date bj;
    if (timestamp_parse(s, &t, &bj)) {
        FUZZ_CHECK(date_is_valid(bj.year, bj.month, bj.day));
        /* the Beijing day, clamped to the calendar like date_from_days */
        const civil_date first = {1, 1, 1}, last = {9999, 12, 31};
        int64_t bj_day = floor_div(t + 8 * 3600, 86400);
        if (bj_day < date_to_days(first))
            bj_day = date_to_days(first);
        if (bj_day > date_to_days(last))
            bj_day = date_to_days(last);
        FUZZ_CHECK(date_to_days(bj) == bj_day);
        int64_t days = floor_div(t, 86400), secs = t - days * 86400;
        civil_date utc = date_from_days(days);
        char day[11], again[32];
        date_format(utc, day);
        snprintf(again, sizeof again, "%sT%02d:%02d:%02dZ", day,
                 (int)(secs / 3600), (int)(secs / 60 % 60), (int)(secs % 60));
        int64_t t2;
        civil_date bj2;
        /* inside years 1..9999 only: an offset may carry an instant at
         * the calendar's edge outside it */
        if (date_to_days(utc) == days) {
            FUZZ_CHECK(timestamp_parse(again, &t2, &bj2));
            FUZZ_CHECK(t2 == t);
            FUZZ_CHECK(date_compare(bj2, bj) == 0);
        }
    }
    free(s);
    return 0;
}
