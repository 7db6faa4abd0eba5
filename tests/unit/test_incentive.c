/*
 * test_incentive.c: unit tests for domain/incentive: minimum rates read as
 * basis points, and the rule a village earns (seed 003 § 五). Exports
 * incentive_suite().
 */
#include <check.h>
#include <stdint.h>
#include <string.h>

#include "domain/incentive.h"

Suite *incentive_suite(void);

#define NROWS(a) ((int)(sizeof(a) / sizeof((a)[0])))

static const struct {
    const char *text;
    int64_t bp;
} good_rates[] = {
    {"95", 9500},      {"95.5", 9550}, {"95.50", 9550}, {"100", 10000},
    {"100.00", 10000}, {"0", 0},       {"0.01", 1},     {"99.99", 9999},
};

START_TEST(a_rate_with_up_to_two_decimals_reads_as_basis_points)
{
    int64_t bp = -1;
    ck_assert_msg(incentive_rate_parse(good_rates[_i].text, &bp), "\"%s\"",
                  good_rates[_i].text);
    ck_assert_int_eq(bp, good_rates[_i].bp);
}
END_TEST

static const char *const bad_rates[] = {
    "",    "100.01", "101",    "-1",  "+95",  " 95", "95 ",
    "95.", ".5",     "95.555", "9e1", "95,5", "abc", "1000000",
};

START_TEST(a_rate_out_of_range_or_malformed_is_refused)
{
    int64_t bp = 42;
    ck_assert_msg(!incentive_rate_parse(bad_rates[_i], &bp), "\"%s\"",
                  bad_rates[_i]);
    ck_assert_int_eq(bp, 42);
    ck_assert(!incentive_rate_parse(NULL, &bp));
}
END_TEST

START_TEST(basis_points_print_with_two_decimals)
{
    char out[16];
    incentive_rate_format(9550, out);
    ck_assert_str_eq(out, "95.50");
    incentive_rate_format(10000, out);
    ck_assert_str_eq(out, "100.00");
    incentive_rate_format(5, out);
    ck_assert_str_eq(out, "0.05");
}
END_TEST

/* seed 003: by 10 Dec 100 % 1.2 yuan, 95 % 1.0; by 20 Dec 100 % 1.0,
 * 95 % 0.8; by 31 Dec 100 % 0.8, 95 % 0.6 */
static const incentive_rule seed003[] = {
    {"2019-12-10", 10000, 120}, {"2019-12-10", 9500, 100},
    {"2019-12-20", 10000, 100}, {"2019-12-20", 9500, 80},
    {"2019-12-31", 10000, 80},  {"2019-12-31", 9500, 60},
};

static const struct {
    const char *rule;
    int64_t by10, by20, by31; /* enrolled by each deadline, target 100 */
    int best;
} choices[] = {
    {"full by 10 Dec earns 1.2 yuan", 100, 100, 100, 0},
    {"95 % by 10 Dec and 100 % by 20 Dec: 1.0 either way, the larger total", 95,
     100, 100, 2},
    {"95 % by 10 Dec only earns 1.0 yuan", 95, 96, 99, 1},
    {"94.99 % is not 95 %", 94, 94, 94, -1},
    {"95 % by 20 Dec earns 0.8 yuan", 90, 95, 99, 3},
    {"100 % by 31 Dec earns 0.8 yuan over 95 % by 20 Dec (more people)", 90, 95,
     100, 4},
    {"95 % by 31 Dec earns 0.6 yuan", 50, 80, 95, 5},
    {"nothing met", 10, 20, 30, -1},
};

START_TEST(the_best_rule_met_pays_most_per_person)
{
    int64_t e[6] = {choices[_i].by10, choices[_i].by10, choices[_i].by20,
                    choices[_i].by20, choices[_i].by31, choices[_i].by31};
    ck_assert_msg(incentive_best_rule(seed003, 6, e, true, 100) ==
                      choices[_i].best,
                  "%s", choices[_i].rule);
}
END_TEST

START_TEST(the_rate_is_rounded_half_up_before_comparing)
{
    /* 1899 / 1999 = 94.997 % rounds to 95.00 %: met */
    int64_t e[6] = {1899, 1899, 0, 0, 0, 0};
    ck_assert_int_eq(incentive_best_rule(seed003, 6, e, true, 1999), 1);
    /* 1898 / 1999 = 94.947 % rounds to 94.95 %: not met */
    e[0] = e[1] = 1898;
    ck_assert_int_eq(incentive_best_rule(seed003, 6, e, true, 1999), -1);
}
END_TEST

START_TEST(no_target_meets_no_rule)
{
    int64_t e[6] = {5, 5, 5, 5, 5, 5};
    ck_assert_int_eq(incentive_best_rule(seed003, 6, e, false, 0), -1);
    ck_assert_int_eq(incentive_best_rule(seed003, 6, e, true, 0), -1);
    ck_assert_int_eq(incentive_best_rule(seed003, 0, e, true, 5), -1);
}
END_TEST

START_TEST(a_zero_minimum_is_met_by_anyone_with_a_target)
{
    incentive_rule r[] = {{"2019-12-31", 0, 10}};
    int64_t e[] = {0};
    ck_assert_int_eq(incentive_best_rule(r, 1, e, true, 7), 0);
}
END_TEST

START_TEST(over_the_target_still_meets_the_full_rate)
{
    int64_t e[6] = {101, 101, 101, 101, 101, 101};
    ck_assert_int_eq(incentive_best_rule(seed003, 6, e, true, 100), 0);
}
END_TEST

Suite *incentive_suite(void)
{
    Suite *s = suite_create("incentive");
    TCase *tc = tcase_create("rules");
    tcase_add_loop_test(tc,
                        a_rate_with_up_to_two_decimals_reads_as_basis_points, 0,
                        NROWS(good_rates));
    tcase_add_loop_test(tc, a_rate_out_of_range_or_malformed_is_refused, 0,
                        NROWS(bad_rates));
    tcase_add_test(tc, basis_points_print_with_two_decimals);
    tcase_add_loop_test(tc, the_best_rule_met_pays_most_per_person, 0,
                        NROWS(choices));
    tcase_add_test(tc, the_rate_is_rounded_half_up_before_comparing);
    tcase_add_test(tc, no_target_meets_no_rule);
    tcase_add_test(tc, a_zero_minimum_is_met_by_anyone_with_a_target);
    tcase_add_test(tc, over_the_target_still_meets_the_full_rate);
    suite_add_tcase(s, tc);
    return s;
}
