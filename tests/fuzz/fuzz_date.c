/*
 * fuzz_date.c: civil dates (domain/date.c).
 *
 * Input: the text for date_parse (cut at the first NUL); when there are at
 * least 20 bytes, the first 12 are also three ints (year, month, day) and
 * the next 8 an int64_t day count. Invariants: an accepted text formats
 * back to itself; day numbers round-trip inside 0001-01-01..9999-12-31 and
 * clamp outside; arithmetic on any int fields and any day count is free of
 * overflow (UndefinedBehaviorSanitizer) and lands on a valid date.
 */
#include "domain/date.h"
#include "fuzz.h"

#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    FUZZ_CHECK(s != NULL);
    memcpy(s, data, size);
    s[size] = '\0';
    civil_date d = {-1, -1, -1};
    if (date_parse(s, &d)) {
        char out[11];
        date_format(d, out);
        FUZZ_CHECK(strcmp(out, s) == 0);
        civil_date back = date_from_days(date_to_days(d));
        FUZZ_CHECK(date_compare(back, d) == 0);
    } else {
        FUZZ_CHECK(d.year == -1 && d.month == -1 && d.day == -1);
    }
    if (size >= 20) {
        int f[3];
        int64_t n;
        memcpy(f, data, sizeof f);
        memcpy(&n, data + 12, sizeof n);
        civil_date any = {f[0], f[1], f[2]};
        bool valid = date_is_valid(f[0], f[1], f[2]);
        int dim = date_days_in_month(f[0], f[1]);
        FUZZ_CHECK(dim == 0 || (dim >= 28 && dim <= 31));
        FUZZ_CHECK(valid ==
                   (f[0] >= 1 && f[0] <= 9999 && f[2] >= 1 && f[2] <= dim));
        int64_t days = date_to_days(any);
        civil_date moved = date_add_days(any, n), fromn = date_from_days(n);
        FUZZ_CHECK(date_is_valid(moved.year, moved.month, moved.day));
        FUZZ_CHECK(date_is_valid(fromn.year, fromn.month, fromn.day));
        const civil_date lo = {1, 1, 1}, hi = {9999, 12, 31};
        int64_t first = date_to_days(lo), last = date_to_days(hi);
        int64_t clamped = n < first ? first : n > last ? last : n;
        FUZZ_CHECK(date_to_days(fromn) == clamped);
        if (valid) {
            FUZZ_CHECK(date_compare(date_from_days(days), any) == 0);
            char out[11];
            date_format(any, out);
            civil_date again;
            FUZZ_CHECK(date_parse(out, &again));
            FUZZ_CHECK(date_compare(again, any) == 0);
        }
    }
    free(s);
    return 0;
}
