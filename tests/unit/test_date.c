/*
 * test_date.c: unit tests for domain/date (validity, parsing, formatting,
 * day arithmetic). Exports date_suite().
 */
#include <check.h>
#include <stdint.h>

#include "domain/date.h"

Suite *date_suite(void);

static const struct {
    int y, m, d;
    bool valid;
} validity_cases[] = {
    {2024, 2, 29, true},  /* divisible by 4: leap */
    {2023, 2, 29, false}, /* not divisible by 4 */
    {2000, 2, 29, true},  /* divisible by 400: leap */
    {1900, 2, 29, false}, /* divisible by 100 but not 400 */
    {2024, 2, 30, false}, {2024, 2, 31, false}, {2024, 4, 31, false},
    {2024, 4, 30, true},  {2024, 12, 31, true}, {2024, 1, 31, true},
    {2024, 0, 1, false},  {2024, 13, 1, false}, {2024, 1, 0, false},
    {2024, 1, 32, false}, {0, 1, 1, false},     {1, 1, 1, true},
    {9999, 12, 31, true}, {10000, 1, 1, false}, {-1, 1, 1, false},
};

START_TEST(validity_follows_gregorian_leap_rules)
{
    ck_assert_msg(date_is_valid(validity_cases[_i].y, validity_cases[_i].m,
                                validity_cases[_i].d) ==
                      validity_cases[_i].valid,
                  "case %d: %d-%d-%d", _i, validity_cases[_i].y,
                  validity_cases[_i].m, validity_cases[_i].d);
}
END_TEST

static const struct {
    int y, m, n;
} month_cases[] = {
    {2023, 1, 31},  {2023, 2, 28},  {2024, 2, 29}, {1900, 2, 28},
    {2000, 2, 29},  {2023, 4, 30},  {2023, 6, 30}, {2023, 9, 30},
    {2023, 11, 30}, {2023, 12, 31}, {2023, 0, 0},  {2023, 13, 0},
};

START_TEST(days_in_month_knows_short_months_and_leap_february)
{
    ck_assert_int_eq(date_days_in_month(month_cases[_i].y, month_cases[_i].m),
                     month_cases[_i].n);
}
END_TEST

static const struct {
    const char *text;
    bool ok;
    int y, m, d;
} parse_cases[] = {
    {"2024-02-29", true, 2024, 2, 29},
    {"0001-01-01", true, 1, 1, 1},
    {"9999-12-31", true, 9999, 12, 31},
    {"1970-01-01", true, 1970, 1, 1},
    {"2023-02-29", false, 0, 0, 0},
    {"2024-02-30", false, 0, 0, 0},
    {"0000-01-01", false, 0, 0, 0},
    {"2024-13-01", false, 0, 0, 0},
    {"2024-00-10", false, 0, 0, 0},
    {"2024-2-29", false, 0, 0, 0},
    {"2024-02-9", false, 0, 0, 0},
    {"24-02-29", false, 0, 0, 0},
    {"2024-02-290", false, 0, 0, 0},
    {"2024-02-29 ", false, 0, 0, 0},
    {" 2024-02-29", false, 0, 0, 0},
    {"2024/02/29", false, 0, 0, 0},
    {"20240229", false, 0, 0, 0},
    {"2024-02-29T00", false, 0, 0, 0},
    {"+024-02-29", false, 0, 0, 0},
    {"2024-0a-01", false, 0, 0, 0},
    {"", false, 0, 0, 0},
    {"2024", false, 0, 0, 0},
};

START_TEST(parse_accepts_only_strict_yyyy_mm_dd_real_dates)
{
    civil_date d = {-7, -7, -7};
    bool ok = date_parse(parse_cases[_i].text, &d);
    ck_assert_msg(ok == parse_cases[_i].ok, "\"%s\"", parse_cases[_i].text);
    if (ok) {
        ck_assert_int_eq(d.year, parse_cases[_i].y);
        ck_assert_int_eq(d.month, parse_cases[_i].m);
        ck_assert_int_eq(d.day, parse_cases[_i].d);
    } else {
        ck_assert_int_eq(d.year, -7); /* untouched on failure */
    }
}
END_TEST

START_TEST(parse_rejects_null)
{
    civil_date d;
    ck_assert(!date_parse(NULL, &d));
}
END_TEST

static const struct {
    civil_date d;
    const char *text;
} format_cases[] = {
    {{2024, 2, 29}, "2024-02-29"},  {{1, 1, 1}, "0001-01-01"},
    {{9999, 12, 31}, "9999-12-31"}, {{1970, 10, 5}, "1970-10-05"},
    {{2023, 2, 29}, "0000-00-00"},  {{-5, 1, 1}, "0000-00-00"},
    {{12345, 1, 1}, "0000-00-00"},
};

START_TEST(format_pads_fields_and_blanks_invalid_dates)
{
    char out[11];
    date_format(format_cases[_i].d, out);
    ck_assert_str_eq(out, format_cases[_i].text);
}
END_TEST

static const struct {
    civil_date d;
    int64_t days;
} day_cases[] = {
    {{1970, 1, 1}, 0},      {{1969, 12, 31}, -1},      {{2000, 3, 1}, 11017},
    {{2024, 2, 29}, 19782}, {{2024, 6, 15}, 19889},    {{1900, 1, 1}, -25567},
    {{1, 1, 1}, -719162},   {{9999, 12, 31}, 2932896},
};

START_TEST(days_count_from_the_unix_epoch_both_ways)
{
    ck_assert_int_eq(date_to_days(day_cases[_i].d), day_cases[_i].days);
    civil_date back = date_from_days(day_cases[_i].days);
    ck_assert_int_eq(date_compare(back, day_cases[_i].d), 0);
}
END_TEST

START_TEST(every_day_from_1899_to_2101_round_trips_in_sequence)
{
    civil_date d = {1899, 1, 1};
    int64_t n = date_to_days(d);
    for (int i = 0; i < 202 * 366; i++, n++) {
        civil_date got = date_from_days(n);
        ck_assert(date_is_valid(got.year, got.month, got.day));
        ck_assert_int_eq(date_compare(got, d), 0);
        ck_assert_int_eq(date_to_days(got), n);
        /* next day by hand */
        if (++d.day > date_days_in_month(d.year, d.month)) {
            d.day = 1;
            if (++d.month > 12) {
                d.month = 1;
                d.year++;
            }
        }
    }
}
END_TEST

START_TEST(from_days_clamps_to_years_1_through_9999)
{
    civil_date lo = date_from_days(INT64_MIN);
    civil_date hi = date_from_days(INT64_MAX);
    ck_assert_int_eq(date_compare(lo, (civil_date){1, 1, 1}), 0);
    ck_assert_int_eq(date_compare(hi, (civil_date){9999, 12, 31}), 0);
    civil_date far = date_add_days((civil_date){2024, 1, 1}, INT64_MAX);
    ck_assert_int_eq(date_compare(far, hi), 0);
    civil_date past = date_add_days((civil_date){2024, 1, 1}, INT64_MIN);
    ck_assert_int_eq(date_compare(past, lo), 0);
}
END_TEST

static const struct {
    civil_date a, b;
    int sign;
} compare_cases[] = {
    {{2024, 1, 1}, {2024, 1, 1}, 0},   {{2024, 1, 1}, {2024, 1, 2}, -1},
    {{2024, 1, 31}, {2024, 2, 1}, -1}, {{2023, 12, 31}, {2024, 1, 1}, -1},
    {{2024, 3, 1}, {2024, 2, 29}, 1},  {{2025, 1, 1}, {2024, 12, 31}, 1},
};

START_TEST(compare_orders_by_year_then_month_then_day)
{
    int c = date_compare(compare_cases[_i].a, compare_cases[_i].b);
    int sign = (c > 0) - (c < 0);
    ck_assert_int_eq(sign, compare_cases[_i].sign);
    int r = date_compare(compare_cases[_i].b, compare_cases[_i].a);
    ck_assert_int_eq((r > 0) - (r < 0), -sign);
}
END_TEST

static const struct {
    civil_date from;
    int64_t n;
    civil_date to;
} add_cases[] = {
    {{2024, 2, 28}, 1, {2024, 2, 29}}, {{2023, 2, 28}, 1, {2023, 3, 1}},
    {{2024, 12, 31}, 1, {2025, 1, 1}}, {{2025, 1, 1}, -1, {2024, 12, 31}},
    {{2024, 3, 1}, -1, {2024, 2, 29}}, {{2024, 1, 1}, 366, {2025, 1, 1}},
    {{2023, 1, 1}, 365, {2024, 1, 1}}, {{2024, 6, 15}, 0, {2024, 6, 15}},
    {{1900, 2, 28}, 1, {1900, 3, 1}},  {{2000, 2, 28}, 1, {2000, 2, 29}},
};

START_TEST(add_days_crosses_month_year_and_leap_boundaries)
{
    civil_date got = date_add_days(add_cases[_i].from, add_cases[_i].n);
    ck_assert_int_eq(date_compare(got, add_cases[_i].to), 0);
}
END_TEST

#define NROWS(a) ((int)(sizeof(a) / sizeof((a)[0])))

Suite *date_suite(void)
{
    Suite *s = suite_create("date");
    TCase *tc = tcase_create("date");
    tcase_add_loop_test(tc, validity_follows_gregorian_leap_rules, 0,
                        NROWS(validity_cases));
    tcase_add_loop_test(tc, days_in_month_knows_short_months_and_leap_february,
                        0, NROWS(month_cases));
    tcase_add_loop_test(tc, parse_accepts_only_strict_yyyy_mm_dd_real_dates, 0,
                        NROWS(parse_cases));
    tcase_add_test(tc, parse_rejects_null);
    tcase_add_loop_test(tc, format_pads_fields_and_blanks_invalid_dates, 0,
                        NROWS(format_cases));
    tcase_add_loop_test(tc, days_count_from_the_unix_epoch_both_ways, 0,
                        NROWS(day_cases));
    tcase_add_test(tc, every_day_from_1899_to_2101_round_trips_in_sequence);
    tcase_add_test(tc, from_days_clamps_to_years_1_through_9999);
    tcase_add_loop_test(tc, compare_orders_by_year_then_month_then_day, 0,
                        NROWS(compare_cases));
    tcase_add_loop_test(tc, add_days_crosses_month_year_and_leap_boundaries, 0,
                        NROWS(add_cases));
    suite_add_tcase(s, tc);
    return s;
}
