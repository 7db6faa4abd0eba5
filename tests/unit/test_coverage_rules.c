/*
 * test_coverage_rules.c: a year's coverage-rule defaults and their order.
 */
#include "domain/coverage.h"

#include <check.h>

START_TEST(defaults_follow_seed_004)
{
    coverage_rules r = coverage_rules_default(2023);
    char s[11];
    date_format(r.full_year_until, s);
    ck_assert_str_eq(s, "2022-12-31");
    date_format(r.next_month_until, s);
    ck_assert_str_eq(s, "2023-02-28");
    ck_assert_int_eq(r.waiting_days, 90);
    date_format(r.no_fiscal_subsidy_from, s);
    ck_assert_str_eq(s, "2023-07-01");
    date_format(r.coverage_end, s);
    ck_assert_str_eq(s, "2023-12-31");
    ck_assert_ptr_null(coverage_rules_problem(2023, &r));
}
END_TEST

START_TEST(february_ends_on_the_29th_in_a_leap_year)
{
    coverage_rules r = coverage_rules_default(2024);
    ck_assert_int_eq(r.next_month_until.day, 29);
}
END_TEST

START_TEST(rules_out_of_order_name_the_field)
{
    coverage_rules r = coverage_rules_default(2023);
    r.no_fiscal_subsidy_from = (civil_date){2023, 2, 1};
    ck_assert_str_eq(coverage_rules_problem(2023, &r),
                     "coverage.no_fiscal_subsidy_from");
    r = coverage_rules_default(2023);
    r.coverage_end = (civil_date){2024, 1, 31};
    ck_assert_str_eq(coverage_rules_problem(2023, &r), "coverage.coverage_end");
    r = coverage_rules_default(2023);
    r.full_year_until = (civil_date){2021, 12, 31};
    ck_assert_str_eq(coverage_rules_problem(2023, &r),
                     "coverage.full_year_until");
    r = coverage_rules_default(2023);
    r.next_month_until = (civil_date){2022, 12, 31};
    ck_assert_str_eq(coverage_rules_problem(2023, &r),
                     "coverage.next_month_until");
}
END_TEST

Suite *coverage_rules_suite(void)
{
    Suite *s = suite_create("coverage rules");
    TCase *t = tcase_create("rules");
    tcase_add_test(t, defaults_follow_seed_004);
    tcase_add_test(t, february_ends_on_the_29th_in_a_leap_year);
    tcase_add_test(t, rules_out_of_order_name_the_field);
    suite_add_tcase(s, t);
    return s;
}
