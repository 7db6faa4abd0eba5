/*
 * test_progress_rules.c: the progress report's pure rules: targets rolled
 * up from children, ranking by exact rate with ties by code, the flags,
 * and thresholds read as percentages. Exports progress_rules_suite().
 */
#include "domain/rate.h"
#include "report/progress.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

Suite *progress_rules_suite(void);

static progress_target target(const char *path, int group, int64_t value)
{
    progress_target t;
    memset(&t, 0, sizeof t);
    t.group = group;
    t.target = value;
    char copy[200];
    strcpy(copy, path);
    for (char *s = strtok(copy, ","); s; s = strtok(NULL, ","))
        strcpy(t.path[t.depth++], s);
    return t;
}

START_TEST(a_region_shows_its_own_target_else_its_childrens_sum)
{
    progress_target t[] = {
        target("C,T1,V1", -1, 40),    target("C,T1,V2", -1, 60),
        target("C,T1,V2,G1", -1, 7),  target("C,T2", -1, 500),
        target("C,T2,V3", -1, 9),     target("C,T3,V4,G2", -1, 11),
        target("C,T3,V4,G3", -1, 12), target("C,T1", 0, 5),
    };
    size_t n = sizeof t / sizeof t[0];
    int64_t v = -1;
    /* T1 has none: V1 40 + V2 60 (V2's own, not its group's 7) */
    ck_assert(progress_target_of(t, n, "T1", 2, -1, &v));
    ck_assert_int_eq(v, 100);
    /* T2's own wins over its village's */
    ck_assert(progress_target_of(t, n, "T2", 2, -1, &v));
    ck_assert_int_eq(v, 500);
    /* two levels down: T3 ← V4 ← G2 + G3 */
    ck_assert(progress_target_of(t, n, "T3", 2, -1, &v));
    ck_assert_int_eq(v, 23);
    ck_assert(progress_target_of(t, n, "C", 1, -1, &v));
    ck_assert_int_eq(v, 623);
    /* group columns are separate */
    ck_assert(progress_target_of(t, n, "C", 1, 0, &v));
    ck_assert_int_eq(v, 5);
    v = -1;
    ck_assert(!progress_target_of(t, n, "T2", 2, 0, &v));
    ck_assert(!progress_target_of(t, n, "T9", 2, -1, &v));
    ck_assert_int_eq(v, -1);
}
END_TEST

static void row(progress_row *r, const char *code, bool has_target,
                int64_t target, int64_t enrolled)
{
    memset(r, 0, sizeof *r);
    strcpy(r->code, code);
    r->all.has_target = has_target;
    r->all.target = target;
    r->all.enrolled = enrolled;
}

START_TEST(rows_rank_by_exact_rate_then_code_and_the_lowest_are_flagged)
{
    progress_report r;
    memset(&r, 0, sizeof r);
    r.warn_bp = 8000;
    r.alert_bp = 7000;
    r.nrows = 6;
    r.rows = calloc(r.nrows, sizeof *r.rows);
    row(&r.rows[0], "005", false, 0, 9);        /* no target: last */
    row(&r.rows[1], "004", true, 16504, 14700); /* 89.07 */
    row(&r.rows[2], "003", true, 4, 2);         /* 50.00 */
    row(&r.rows[3], "002", true, 2, 1);         /* 50.00, ranks before 003 */
    row(&r.rows[4], "001", true, 10, 8);        /* 80.00: not under 80 */
    row(&r.rows[5], "006", true, 0, 3);         /* a zero target: no rate */
    row(&r.total, "000", true, 16520, 14723);
    progress_rank(&r);
    const char *order[] = {"004", "001", "002", "003", "005", "006"};
    for (int i = 0; i < 6; i++) {
        ck_assert_str_eq(r.rows[i].code, order[i]);
        ck_assert_int_eq(r.rows[i].rank, i + 1);
    }
    ck_assert_str_eq(r.rows[0].all.rate, "89.07");
    ck_assert_int_eq(r.rows[0].all.rate_bp, 8907);
    ck_assert(!r.rows[1].below_warn);
    ck_assert(r.rows[2].below_warn && r.rows[2].below_alert);
    /* four rated rows: the last three of them are the bottom three */
    ck_assert(!r.rows[0].bottom_three);
    ck_assert(r.rows[1].bottom_three && r.rows[3].bottom_three);
    ck_assert(!r.rows[4].bottom_three && !r.rows[4].all.has_rate);
    ck_assert(!r.rows[5].all.has_rate);
    ck_assert_int_eq(r.total.rank, 0);
    ck_assert_str_eq(r.total.all.rate, "89.12"); /* 14723/16520 = 89.1222 */
    progress_report_free(&r);
    ck_assert_ptr_null(r.rows);
}
END_TEST

START_TEST(thresholds_are_percentages_with_two_decimals_at_most)
{
    int64_t bp;
    ck_assert(rate_parse_percent("80", &bp) && bp == 8000);
    ck_assert(rate_parse_percent("82.5", &bp) && bp == 8250);
    ck_assert(rate_parse_percent("95.05", &bp) && bp == 9505);
    ck_assert(rate_parse_percent("100", &bp) && bp == 10000);
    ck_assert(rate_parse_percent("0", &bp) && bp == 0);
    const char *bad[] = {"",       "100.01", "-5",  "80.", ".5",
                         "80.123", "8e1",    "80 ", "1000"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        ck_assert_msg(!rate_parse_percent(bad[i], &bp), "%s", bad[i]);
}
END_TEST

Suite *progress_rules_suite(void)
{
    Suite *s = suite_create("progress_rules");
    TCase *tc = tcase_create("progress_rules");
    tcase_add_test(tc, a_region_shows_its_own_target_else_its_childrens_sum);
    tcase_add_test(
        tc, rows_rank_by_exact_rate_then_code_and_the_lowest_are_flagged);
    tcase_add_test(tc, thresholds_are_percentages_with_two_decimals_at_most);
    suite_add_tcase(s, tc);
    return s;
}
