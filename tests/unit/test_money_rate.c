/*
 * test_money_rate.c: unit tests for domain/money (yuan text <-> fen) and
 * domain/rate (completion percentages). Exports money_rate_suite().
 */
#include <check.h>
#include <stdint.h>
#include <string.h>

#include "domain/money.h"
#include "domain/rate.h"

Suite *money_rate_suite(void);

#define NROWS(a) ((int)(sizeof(a) / sizeof((a)[0])))

static const struct {
    const char *text;
    int64_t fen;
} accepted_yuan[] = {
    {"350", 35000},
    {"350.0", 35000},
    {"350.00", 35000},
    {"350.5", 35050},
    {"350.05", 35005},
    {"0", 0},
    {"0.00", 0},
    {"0.01", 1},
    {"0.1", 10},
    {"007", 700},
    {"100000000000", INT64_C(10000000000000)}, /* exactly 10^13 fen */
    {"100000000000.00", INT64_C(10000000000000)},
    {"99999999999.99", INT64_C(9999999999999)},
};

START_TEST(yuan_text_converts_exactly_to_fen)
{
    int64_t fen = -1;
    ck_assert_msg(money_parse_yuan(accepted_yuan[_i].text, &fen), "\"%s\"",
                  accepted_yuan[_i].text);
    ck_assert_int_eq(fen, accepted_yuan[_i].fen);
}
END_TEST

static const char *const rejected_yuan[] = {
    "",                        /* empty */
    "-1",                      /* sign */
    "+1",                      /* sign */
    "-0.05",                   /* sign */
    " 350",                    /* space */
    "350 ",                    /* space */
    "3 50",                    /* space */
    "350.001",                 /* more than two decimals */
    "0.000",                   /* more than two decimals */
    ".5",                      /* leading '.' */
    ".",                       /* lone '.' */
    "350.",                    /* trailing '.' */
    "350..0",                  /* two points */
    "3.5.0",                   /* two points */
    "1e3",                     /* exponent */
    "350,00",                  /* comma */
    "0x10",                    /* hex */
    "100000000000.01",         /* 10^13 + 1 fen */
    "100000000001",            /* above 10^13 fen */
    "99999999999999999999999", /* would overflow int64 */
    "9223372036854775807",     /* INT64_MAX yuan */
    "¥350",                    /* currency sign */
    "３50",                    /* full-width digit */
};

START_TEST(yuan_text_rejects_malformed_or_huge_amounts)
{
    int64_t fen = -7;
    ck_assert_msg(!money_parse_yuan(rejected_yuan[_i], &fen), "\"%s\"",
                  rejected_yuan[_i]);
    ck_assert_int_eq(fen, -7); /* untouched */
}
END_TEST

START_TEST(yuan_text_rejects_null)
{
    int64_t fen = -7;
    ck_assert(!money_parse_yuan(NULL, &fen));
    ck_assert_int_eq(fen, -7);
}
END_TEST

static const struct {
    int64_t fen;
    const char *text;
} formatted_yuan[] = {
    {35000, "350.00"},
    {35005, "350.05"},
    {5, "0.05"},
    {50, "0.50"},
    {100, "1.00"},
    {0, "0.00"},
    {-5, "-0.05"},
    {-35000, "-350.00"},
    {INT64_C(10000000000000), "100000000000.00"},
    {INT64_MAX, "92233720368547758.07"},
    {INT64_MIN, "-92233720368547758.08"},
};

START_TEST(fen_formats_as_yuan_with_two_decimals)
{
    char out[32];
    memset(out, '#', sizeof out);
    money_format_yuan(formatted_yuan[_i].fen, out);
    ck_assert_str_eq(out, formatted_yuan[_i].text);
}
END_TEST

START_TEST(fen_round_trips_through_yuan_text)
{
    static const int64_t samples[] = {
        0, 1, 9, 10, 99, 100, 101, 35000, 123456789, INT64_C(10000000000000)};
    for (int i = 0; i < NROWS(samples); i++) {
        char out[32];
        int64_t back = -1;
        money_format_yuan(samples[i], out);
        ck_assert_msg(money_parse_yuan(out, &back), "%s", out);
        ck_assert_int_eq(back, samples[i]);
    }
}
END_TEST

static const struct {
    int64_t num, den;
    const char *text;
    int64_t bp;
} rates[] = {
    {14700, 16504, "89.07", 8907}, /* 89.0693... */
    {0, 5, "0.00", 0},
    {5, 5, "100.00", 10000},
    {7, 3, "233.33", 23333},
    {1, 3, "33.33", 3333},          /* 33.333... rounds down */
    {2, 3, "66.67", 6667},          /* 66.666... rounds up */
    {1, 8, "12.50", 1250},          /* exact */
    {1, 16, "6.25", 625},           /* exact */
    {89065, 100000, "89.07", 8907}, /* third decimal exactly 5: half-up */
    {89064, 100000, "89.06", 8906}, /* just below half */
    {1, 20000, "0.01", 1},          /* 0.005 exactly: half-up */
    {1, 20001, "0.00", 0},          /* just below 0.005 */
    {1, 200, "0.50", 50},
    {199999, 200000, "100.00", 10000}, /* 99.9995 rounds up to 100 */
    {1, 1, "100.00", 10000},
    {INT64_MAX, INT64_MAX, "100.00", 10000},
    {INT64_MAX - 1, INT64_MAX, "100.00", 10000}, /* no overflow inside */
    {1, INT64_MAX, "0.00", 0},
    {INT64_C(922337203685477), 1, "92233720368547700.00",
     INT64_C(9223372036854770000)}, /* largest whole part that fits */
};

START_TEST(rate_is_percentage_rounded_half_up_with_integers_only)
{
    char out[32];
    int64_t bp = -1;
    memset(out, '#', sizeof out);
    ck_assert(rate_format(rates[_i].num, rates[_i].den, out));
    ck_assert_str_eq(out, rates[_i].text);
    ck_assert(rate_basis_points(rates[_i].num, rates[_i].den, &bp));
    ck_assert_int_eq(bp, rates[_i].bp);
}
END_TEST

static const struct {
    int64_t num, den;
} undefined_rates[] = {
    {5, 0},                        /* zero denominator */
    {0, 0},                        /* zero denominator */
    {5, -3},                       /* negative denominator */
    {-1, 5},                       /* negative numerator */
    {INT64_MAX, 1},                /* basis points overflow int64 */
    {INT64_C(922337203685478), 1}, /* just past the largest */
};

START_TEST(rate_without_positive_denominator_or_in_range_result_is_null)
{
    char out[32] = "untouched";
    int64_t bp = -7;
    ck_assert(
        !rate_format(undefined_rates[_i].num, undefined_rates[_i].den, out));
    ck_assert_str_eq(out, "untouched");
    ck_assert(!rate_basis_points(undefined_rates[_i].num,
                                 undefined_rates[_i].den, &bp));
    ck_assert_int_eq(bp, -7);
}
END_TEST

START_TEST(rate_matches_exact_rounding_for_small_fractions)
{
    /* brute force against num * 20000 + den over 2 * den (no overflow) */
    for (int64_t den = 1; den <= 120; den++)
        for (int64_t num = 0; num <= 3 * den; num++) {
            int64_t bp = -1;
            ck_assert(rate_basis_points(num, den, &bp));
            ck_assert_int_eq(bp, (num * 20000 + den) / (2 * den));
        }
}
END_TEST

Suite *money_rate_suite(void)
{
    Suite *s = suite_create("money_rate");
    TCase *tc = tcase_create("money_rate");
    tcase_add_loop_test(tc, yuan_text_converts_exactly_to_fen, 0,
                        NROWS(accepted_yuan));
    tcase_add_loop_test(tc, yuan_text_rejects_malformed_or_huge_amounts, 0,
                        NROWS(rejected_yuan));
    tcase_add_test(tc, yuan_text_rejects_null);
    tcase_add_loop_test(tc, fen_formats_as_yuan_with_two_decimals, 0,
                        NROWS(formatted_yuan));
    tcase_add_test(tc, fen_round_trips_through_yuan_text);
    tcase_add_loop_test(tc,
                        rate_is_percentage_rounded_half_up_with_integers_only,
                        0, NROWS(rates));
    tcase_add_loop_test(
        tc, rate_without_positive_denominator_or_in_range_result_is_null, 0,
        NROWS(undefined_rates));
    tcase_add_test(tc, rate_matches_exact_rounding_for_small_fractions);
    suite_add_tcase(s, tc);
    return s;
}
