/*
 * test_payment_rules.c: coverage periods at every cut-off (seed 004, 五)
 * and payment times.
 */
#include "domain/coverage.h"
#include "domain/timestamp.h"

#include <check.h>
#include <string.h>

START_TEST(coverage_starts_by_cut_off)
{
    static const struct {
        const char *rule, *paid, *start;
    } cases[] = {
        {"paid in the campaign: the whole year", "2022-09-01", "2023-01-01"},
        {"paid on 31 Dec: still the whole year", "2022-12-31", "2023-01-01"},
        {"paid on 1 Jan: from 1 Feb", "2023-01-01", "2023-02-01"},
        {"paid on 31 Jan: from 1 Feb", "2023-01-31", "2023-02-01"},
        {"paid on 28 Feb: from 1 Mar", "2023-02-28", "2023-03-01"},
        {"paid on 1 Mar: 90 days' wait", "2023-03-01", "2023-05-30"},
        {"paid on 30 Jun: 90 days' wait", "2023-06-30", "2023-09-28"},
        {"paid on 1 Jul: 90 days' wait (and no fiscal subsidy)", "2023-07-01",
         "2023-09-29"},
        {"paid on 2 Oct: starts on 31 Dec", "2023-10-02", "2023-12-31"},
    };
    coverage_rules r = coverage_rules_default(2023);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        civil_date paid, start, end;
        char s[11];
        ck_assert(date_parse(cases[i].paid, &paid));
        ck_assert_msg(coverage_period(2023, &r, paid, &start, &end), "%s",
                      cases[i].rule);
        date_format(start, s);
        ck_assert_msg(!strcmp(s, cases[i].start), "%s: %s", cases[i].rule, s);
        date_format(end, s);
        ck_assert_str_eq(s, "2023-12-31");
    }
}
END_TEST

START_TEST(too_late_when_the_wait_ends_after_the_year)
{
    coverage_rules r = coverage_rules_default(2023);
    civil_date paid = {2023, 10, 3}, start, end;
    ck_assert(!coverage_period(2023, &r, paid, &start, &end));
}
END_TEST

START_TEST(cut_offs_are_configuration)
{
    coverage_rules r = coverage_rules_default(2024);
    r.next_month_until = (civil_date){2024, 3, 31};
    r.waiting_days = 30;
    civil_date start, end;
    char s[11];
    ck_assert(
        coverage_period(2024, &r, (civil_date){2024, 3, 15}, &start, &end));
    date_format(start, s);
    ck_assert_str_eq(s, "2024-04-01");
    ck_assert(
        coverage_period(2024, &r, (civil_date){2024, 4, 1}, &start, &end));
    date_format(start, s);
    ck_assert_str_eq(s, "2024-05-01");
}
END_TEST

START_TEST(payment_times_need_an_offset_and_land_on_a_beijing_day)
{
    static const struct {
        const char *text;
        bool ok;
        const char *beijing_day;
    } cases[] = {
        {"2024-11-02T10:34:56+08:00", true, "2024-11-02"},
        {"2024-11-02T16:30:00Z", true, "2024-11-03"}, /* 00:30 in Beijing */
        {"2024-11-02T15:59:59Z", true, "2024-11-02"},
        {"2024-11-02 23:00:00.123+08:00", true, "2024-11-02"},
        {"1969-12-31T20:00:00-08:00", true, "1970-01-01"},
        {"2024-11-02T10:34:56", false, ""},
        {"2024-11-02", false, ""},
        {"2024-02-30T10:00:00+08:00", false, ""},
        {"2024-11-02T24:00:00+08:00", false, ""},
        {"2024-11-02T10:34:56+8:00", false, ""},
        {"2024-11-02T10:34:56+08:00x", false, ""},
        {"2024-11-02T10:34:56.+08:00", false, ""},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int64_t t;
        civil_date d;
        bool ok = timestamp_parse(cases[i].text, &t, &d);
        ck_assert_msg(ok == cases[i].ok, "%s", cases[i].text);
        if (ok) {
            char s[11];
            date_format(d, s);
            ck_assert_msg(!strcmp(s, cases[i].beijing_day), "%s: %s",
                          cases[i].text, s);
        }
    }
    int64_t t;
    civil_date d;
    ck_assert(timestamp_parse("1970-01-01T08:00:00+08:00", &t, &d));
    ck_assert_int_eq(t, 0);
}
END_TEST

Suite *payment_rules_suite(void)
{
    Suite *s = suite_create("payment rules");
    TCase *t = tcase_create("coverage and times");
    tcase_add_test(t, coverage_starts_by_cut_off);
    tcase_add_test(t, too_late_when_the_wait_ends_after_the_year);
    tcase_add_test(t, cut_offs_are_configuration);
    tcase_add_test(t, payment_times_need_an_offset_and_land_on_a_beijing_day);
    suite_add_tcase(s, t);
    return s;
}
