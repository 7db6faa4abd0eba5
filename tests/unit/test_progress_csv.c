/*
 * test_progress_csv.c: unit tests for report/progress_csv, the 通报表 as
 * progress.csv. Exports progress_csv_suite().
 */
#include <check.h>
#include <string.h>

#include "progress_fixture.h"
#include "report/progress.h"

Suite *progress_csv_suite(void);

static const char expected_csv[] =
    "\xEF\xBB\xBF"
    "大竹县2027年度城乡居民医保筹资完成情况通报表（截止2026年12月10日18时）"
    "\r\n"
    "排名,区划代码,单位,任务数,参保人数,完成率(%),"
    "建档立卡贫困人口任务数,建档立卡贫困人口参保人数,"
    "建档立卡贫困人口完成率(%),"
    "边缘户任务数,边缘户参保人数,边缘户完成率(%),备注\r\n"
    "1,511724001000,竹阳街道,16504,14700,89.07,1200,1200,100.00,300,250,"
    "83.33,\r\n"
    "2,511724002000,\"东柳,\"\"新\"\"镇\",10000,7900,79.00,800,700,87.50,"
    "0,3,,低于80%；后三名\r\n"
    "3,511724003000,庙坝镇,5000,3400,68.00,500,300,60.00,,12,,"
    "低于70%；后三名\r\n"
    "4,511724004000,新区管委会,,35,,,0,,,0,,\r\n"
    ",511724000000,合计,31504,26035,82.64,2500,2200,88.00,300,265,88.33,"
    "\r\n";

START_TEST(county_report_renders_as_published)
{
    progress_report r;
    buf out = {0};
    progress_fixture(&r);
    ck_assert(progress_csv_write(&r, &out));
    ck_assert_uint_eq(out.len, strlen(expected_csv));
    ck_assert_str_eq(out.data, expected_csv);
    buf_free(&out);
    progress_report_free(&r);
}
END_TEST

START_TEST(csv_is_appended_after_what_the_buffer_holds)
{
    progress_report r;
    buf out = {0};
    progress_fixture(&r);
    ck_assert(buf_append_str(&out, "x"));
    ck_assert(progress_csv_write(&r, &out));
    ck_assert_uint_eq(out.len, 1 + strlen(expected_csv));
    ck_assert_mem_eq(out.data + 1, expected_csv, strlen(expected_csv));
    buf_free(&out);
    progress_report_free(&r);
}
END_TEST

/* Thresholds print without trailing zeros; only the worse one is named. */
static const struct {
    int64_t warn_bp, alert_bp;
    bool below_warn, below_alert, bottom_three;
    const char *notes; /* the last field of the row */
} notes_cases[] = {
    {8000, 7000, true, false, false, ",低于80%\r\n"},
    {8250, 7000, true, false, false, ",低于82.5%\r\n"},
    {8000, 6505, true, true, false, ",低于65.05%\r\n"},
    {9500, 9000, true, true, true, ",低于90%；后三名\r\n"},
    {8000, 7000, false, false, true, ",后三名\r\n"},
    {8000, 7000, false, false, false, ",\r\n"},
};

START_TEST(notes_name_the_threshold_and_the_bottom_three)
{
    progress_report r;
    buf out = {0};
    progress_fixture(&r);
    r.nrows = 1; /* only 竹阳街道, then the total */
    r.warn_bp = notes_cases[_i].warn_bp;
    r.alert_bp = notes_cases[_i].alert_bp;
    r.rows[0].below_warn = notes_cases[_i].below_warn;
    r.rows[0].below_alert = notes_cases[_i].below_alert;
    r.rows[0].bottom_three = notes_cases[_i].bottom_three;
    ck_assert(progress_csv_write(&r, &out));
    const char *line = strstr(out.data, "\r\n1,");
    ck_assert_ptr_nonnull(line);
    const char *end = strstr(line + 2, "\r\n");
    ck_assert_ptr_nonnull(end);
    size_t n = strlen(notes_cases[_i].notes);
    ck_assert_uint_ge((size_t)(end + 2 - line), n);
    ck_assert_mem_eq(end + 2 - n, notes_cases[_i].notes, n);
    buf_free(&out);
    progress_report_free(&r);
}
END_TEST

START_TEST(report_without_groups_has_seven_columns)
{
    progress_report r;
    buf out = {0};
    progress_fixture(&r);
    r.ngroups = 0;
    r.nrows = 0;
    ck_assert(progress_csv_write(&r, &out));
    const char *header = strstr(out.data, "\r\n") + 2;
    ck_assert_str_eq(header, "排名,区划代码,单位,任务数,参保人数,完成率(%),"
                             "备注\r\n"
                             ",511724000000,合计,31504,26035,82.64,\r\n");
    buf_free(&out);
    progress_report_free(&r);
}
END_TEST

Suite *progress_csv_suite(void)
{
    Suite *s = suite_create("progress_csv");
    TCase *tc = tcase_create("progress_csv");
    tcase_add_test(tc, county_report_renders_as_published);
    tcase_add_test(tc, csv_is_appended_after_what_the_buffer_holds);
    tcase_add_loop_test(tc, notes_name_the_threshold_and_the_bottom_three, 0,
                        (int)(sizeof notes_cases / sizeof notes_cases[0]));
    tcase_add_test(tc, report_without_groups_has_seven_columns);
    suite_add_tcase(s, tc);
    return s;
}
