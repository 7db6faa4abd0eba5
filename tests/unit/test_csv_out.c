/*
 * test_csv_out.c: unit tests for report/csv_out: CSV records Excel opens
 * as written. Exports csv_out_suite().
 */
#include <check.h>
#include <string.h>

#include "report/csv_out.h"

Suite *csv_out_suite(void);

#define NROWS(a) ((int)(sizeof(a) / sizeof((a)[0])))

static const struct {
    const char *rule, *in, *out;
} fields[] = {
    {"plain text stays as it is", "三村", "三村\r\n"},
    {"a comma is quoted", "a,b", "\"a,b\"\r\n"},
    {"a quote is doubled inside quotes", "5\"", "\"5\"\"\"\r\n"},
    {"a line break is quoted", "a\nb", "\"a\nb\"\r\n"},
    {"an ID number is kept as text", "43130119600303200X",
     "\t43130119600303200X\r\n"},
    {"a region code is kept as text", "431300000000", "\t431300000000\r\n"},
    {"a leading zero is kept", "0731", "\t0731\r\n"},
    {"a phone fits a number", "13812340103", "13812340103\r\n"},
    {"a masked ID is text already", "431301********200X",
     "431301********200X\r\n"},
    {"an amount stays a number", "250.00", "250.00\r\n"},
    {"a single zero stays a number", "0", "0\r\n"},
    {"an empty field is empty", "", "\r\n"},
};

START_TEST(a_field_is_written_so_that_excel_reads_it_back)
{
    buf b = {0};
    const char *f[] = {fields[_i].in};
    ck_assert(csv_out_row(&b, f, 1));
    ck_assert_msg(!strcmp(b.data, fields[_i].out), "%s", fields[_i].rule);
    buf_free(&b);
}
END_TEST

START_TEST(a_file_starts_with_a_bom_and_rows_end_in_crlf)
{
    buf b = {0};
    const char *f[] = {"户号", "姓名"};
    ck_assert(csv_out_bom(&b) && csv_out_row(&b, f, 2));
    ck_assert_str_eq(b.data, "\xEF\xBB\xBF户号,姓名\r\n");
    buf_free(&b);
}
END_TEST

Suite *csv_out_suite(void)
{
    Suite *s = suite_create("csv_out");
    TCase *tc = tcase_create("excel");
    tcase_add_loop_test(tc, a_field_is_written_so_that_excel_reads_it_back, 0,
                        NROWS(fields));
    tcase_add_test(tc, a_file_starts_with_a_bom_and_rows_end_in_crlf);
    suite_add_tcase(s, tc);
    return s;
}
