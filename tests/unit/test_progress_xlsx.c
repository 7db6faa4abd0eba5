/*
 * test_progress_xlsx.c: unit tests for report/progress_xlsx, the 通报表 as
 * progress.xlsx. The workbook is written to a temporary file and read back
 * with openpyxl (tests/tools/xlsx_cells.py under /usr/bin/python3, Debian's
 * python3-openpyxl), which prints its cells as text. Run from the
 * repository's root. Exports progress_xlsx_suite().
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "progress_fixture.h"
#include "report/progress.h"

Suite *progress_xlsx_suite(void);

#define PYTHON "/usr/bin/python3"
#define CELLS_SCRIPT "tests/tools/xlsx_cells.py"

/* Writes len bytes to a new temporary file; its name goes to path. */
static void write_temp(const char *data, size_t len, char *path, size_t n)
{
    const char *dir = getenv("TMPDIR");
    snprintf(path, n, "%s/medins-test-xlsx-XXXXXX", dir && *dir ? dir : "/tmp");
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(write(fd, data, len), (ssize_t)len);
    ck_assert_int_eq(close(fd), 0);
}

/* Runs xlsx_cells.py on path: its output, a newline put in front so that
 * every line can be looked for as "\n<line>\n", goes to out; returns the
 * script's exit status (0 for a valid workbook). */
static int xlsx_cells(const char *path, buf *out)
{
    char cmd[2048], chunk[4096];
    ck_assert_ptr_null(strchr(path, '\''));
    snprintf(cmd, sizeof cmd, PYTHON " " CELLS_SCRIPT " '%s' 2>&1", path);
    FILE *p = popen(cmd, "r");
    ck_assert_ptr_nonnull(p);
    ck_assert(buf_append_str(out, "\n"));
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, p)) > 0)
        ck_assert(buf_append(out, chunk, n));
    int status = pclose(p);
    ck_assert_int_ne(status, -1);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

static bool has_line(const buf *cells, const char *line)
{
    char want[1024];
    snprintf(want, sizeof want, "\n%s\n", line);
    return strstr(cells->data, want) != NULL;
}

/* True when the listing shows any value in the cell ("D6\t..."). */
static bool has_cell(const buf *cells, const char *ref)
{
    char want[64];
    snprintf(want, sizeof want, "\n%s\t", ref);
    return strstr(cells->data, want) != NULL;
}

/* The fixture rendered and listed by openpyxl. */
static void render_fixture(buf *cells)
{
    progress_report r;
    buf xlsx = {0};
    char path[1100];
    progress_fixture(&r);
    ck_assert(buf_append_str(&xlsx, "x")); /* appends after this */
    ck_assert(progress_xlsx_write(&r, &xlsx));
    ck_assert_uint_gt(xlsx.len, 5);
    ck_assert_mem_eq(xlsx.data, "xPK\x03\x04", 5);
    write_temp(xlsx.data + 1, xlsx.len - 1, path, sizeof path);
    int status = xlsx_cells(path, cells);
    unlink(path);
    ck_assert_msg(status == 0, "openpyxl could not read the workbook:%s",
                  cells->data);
    buf_free(&xlsx);
    progress_report_free(&r);
}

#define ASSERT_LINE(cells, line)                                               \
    ck_assert_msg(has_line(cells, line), "no line '%s' in:%s", line,           \
                  (cells)->data)

START_TEST(workbook_has_the_title_merged_over_every_column)
{
    buf cells = {0};
    render_fixture(&cells);
    ASSERT_LINE(&cells, "sheet\t通报表");
    ASSERT_LINE(&cells, "A1\t大竹县2027年度城乡居民医保筹资完成情况通报表"
                        "（截止2026年12月10日18时）\tGeneral");
    ASSERT_LINE(&cells, "merged\tA1:M1");
    ASSERT_LINE(&cells, "freeze\tA3");
    buf_free(&cells);
}
END_TEST

START_TEST(header_names_the_group_columns)
{
    static const char *const header[] = {
        "A2\t排名\tGeneral",
        "B2\t区划代码\tGeneral",
        "C2\t单位\tGeneral",
        "D2\t任务数\tGeneral",
        "E2\t参保人数\tGeneral",
        "F2\t完成率(%)\tGeneral",
        "G2\t建档立卡贫困人口任务数\tGeneral",
        "I2\t建档立卡贫困人口完成率(%)\tGeneral",
        "L2\t边缘户完成率(%)\tGeneral",
        "M2\t备注\tGeneral",
    };
    buf cells = {0};
    render_fixture(&cells);
    for (size_t i = 0; i < sizeof header / sizeof header[0]; i++)
        ASSERT_LINE(&cells, header[i]);
    ck_assert(!has_cell(&cells, "N2"));
    buf_free(&cells);
}
END_TEST

START_TEST(rates_are_numbers_in_percent_format)
{
    buf cells = {0};
    render_fixture(&cells);
    ASSERT_LINE(&cells, "A3\t1\t0");
    ASSERT_LINE(&cells, "B3\t511724001000\tGeneral"); /* text, not 5.1E+11 */
    ASSERT_LINE(&cells, "C3\t竹阳街道\tGeneral");
    ASSERT_LINE(&cells, "D3\t16504\t0");
    ASSERT_LINE(&cells, "E3\t14700\t0");
    ASSERT_LINE(&cells, "F3\t0.8907\t0.00%");
    ASSERT_LINE(&cells, "I3\t1\t0.00%");
    ASSERT_LINE(&cells, "C4\t东柳,\"新\"镇\tGeneral");
    ASSERT_LINE(&cells, "M4\t低于80%；后三名\tGeneral");
    ASSERT_LINE(&cells, "M5\t低于70%；后三名\tGeneral");
    ck_assert(!has_cell(&cells, "M3"));
    buf_free(&cells);
}
END_TEST

START_TEST(missing_targets_and_null_rates_are_blank)
{
    buf cells = {0};
    render_fixture(&cells);
    /* 新区管委会: no target anywhere, 35 enrolled */
    ck_assert(!has_cell(&cells, "D6"));
    ASSERT_LINE(&cells, "E6\t35\t0");
    ck_assert(!has_cell(&cells, "F6"));
    ASSERT_LINE(&cells, "H6\t0\t0");
    /* 东柳 边缘户: a zero target, no rate */
    ASSERT_LINE(&cells, "J4\t0\t0");
    ASSERT_LINE(&cells, "K4\t3\t0");
    ck_assert(!has_cell(&cells, "L4"));
    buf_free(&cells);
}
END_TEST

START_TEST(total_row_comes_last_without_a_rank)
{
    buf cells = {0};
    render_fixture(&cells);
    ck_assert(!has_cell(&cells, "A7"));
    ASSERT_LINE(&cells, "B7\t511724000000\tGeneral");
    ASSERT_LINE(&cells, "C7\t合计\tGeneral");
    ASSERT_LINE(&cells, "D7\t31504\t0");
    ASSERT_LINE(&cells, "F7\t0.8264\t0.00%");
    ASSERT_LINE(&cells, "L7\t0.8833\t0.00%");
    ck_assert(!has_cell(&cells, "A8") && !has_cell(&cells, "B8"));
    buf_free(&cells);
}
END_TEST

/* The check above would be worthless if the script accepted anything. */
START_TEST(reader_rejects_what_is_not_a_workbook)
{
    static const char junk[] = "PK\x03\x04 not really a zip";
    buf cells = {0};
    char path[1100];
    write_temp(junk, sizeof junk - 1, path, sizeof path);
    int status = xlsx_cells(path, &cells);
    unlink(path);
    ck_assert_int_ne(status, 0);
    buf_free(&cells);
}
END_TEST

/* No place for the temporary file: false, and the buffer as it was. */
START_TEST(missing_temp_directory_fails_cleanly)
{
    progress_report r;
    buf out = {0};
    const char *saved = getenv("TMPDIR");
    char *old = saved ? strdup(saved) : NULL;
    progress_fixture(&r);
    ck_assert(buf_append_str(&out, "kept"));
    ck_assert_int_eq(setenv("TMPDIR", "/nonexistent/medins-test", 1), 0);
    bool ok = progress_xlsx_write(&r, &out);
    ck_assert_int_eq(old ? setenv("TMPDIR", old, 1) : unsetenv("TMPDIR"), 0);
    ck_assert(!ok);
    ck_assert_uint_eq(out.len, 4);
    ck_assert_str_eq(out.data, "kept");
    free(old);
    buf_free(&out);
    progress_report_free(&r);
}
END_TEST

Suite *progress_xlsx_suite(void)
{
    Suite *s = suite_create("progress_xlsx");
    TCase *tc = tcase_create("progress_xlsx");
    tcase_set_timeout(tc, 60); /* python and openpyxl start per test */
    tcase_add_test(tc, workbook_has_the_title_merged_over_every_column);
    tcase_add_test(tc, header_names_the_group_columns);
    tcase_add_test(tc, rates_are_numbers_in_percent_format);
    tcase_add_test(tc, missing_targets_and_null_rates_are_blank);
    tcase_add_test(tc, total_row_comes_last_without_a_rank);
    tcase_add_test(tc, reader_rejects_what_is_not_a_workbook);
    tcase_add_test(tc, missing_temp_directory_fails_cleanly);
    suite_add_tcase(s, tc);
    return s;
}
