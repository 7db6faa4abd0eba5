/*
 * test_progress.c: targets and the progress report (通报表) of a small
 * county, every number checked: ranks, exact rates, flags, group columns,
 * roll-up of targets, as_of, the daily history, and the counts following
 * reversals, moves, category lists and exemptions.
 */
#define _POSIX_C_SOURCE 200809L
#include "integration/harness.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* 常熟市: five townships; T1 has two villages, the others one each */
#define CTY "320581000000"
#define T1 "320581001000"
#define V11 "320581001001"
#define V12 "320581001002"
#define T2 "320581002000"
#define V21 "320581002001"
#define T3 "320581003000"
#define V31 "320581003001"
#define T4 "320581004000"
#define V41 "320581004001"
#define T5 "320581005000"
#define V51 "320581005001"

/* people per village, in this order: V11 4, V12 6, V21 5, V31 4, V41 3,
 * V51 2 (24 in all); person 0 (V11) holds dibao */
enum { NPEOPLE = 24 };
static char ids[NPEOPLE][19];
static const char *const village_of[NPEOPLE] = {
    V11, V11, V11, V11, V12, V12, V12, V12, V12, V12, V21, V21,
    V21, V21, V21, V31, V31, V31, V31, V41, V41, V41, V51, V51};
static long reversed_payment;

static void pay_person(int i, const char *paid_at, long *payment_id)
{
    char body[512];
    snprintf(body, sizeof body,
             "{\"id_numbers\":[\"%s\"],\"year\":2027,\"tier\":1,"
             "\"channel\":\"bank\",\"amount\":40000,\"external_id\":"
             "\"PG-%d\",\"paid_at\":\"%s\"}",
             ids[i], i, paid_at);
    http_reply r = http_json("POST", "/v1/payments", ADMIN, body);
    expect(&r, 201);
    if (payment_id)
        *payment_id = jint(r.json, "payment_id");
    http_reply_free(&r);
}

static void setup_once(void)
{
    static bool done;
    if (done)
        return;
    done = true;
    http_reply r =
        http("POST", "/v1/regions/import", ADMIN, "text/csv",
             "code,name,level,parent_code\n" CTY ",常熟市,county,\n" T1
             ",虞山街道,township," CTY "\n" V11 ",虞山村,village," T1 "\n" V12
             ",琴川村,village," T1 "\n" T2 ",梅李镇,township," CTY "\n" V21
             ",梅李村,village," T2 "\n" T3 ",海虞镇,township," CTY "\n" V31
             ",海虞村,village," T3 "\n" T4 ",古里镇,township," CTY "\n" V41
             ",古里村,village," T4 "\n" T5 ",沙家浜镇,township," CTY "\n" V51
             ",沙家浜村,village," T5 "\n");
    expect(&r, 200);
    http_reply_free(&r);
    r = http_json("PUT", "/v1/categories/dibao", ADMIN,
                  "{\"name\":\"低保对象\"}");
    ck_assert(r.status == 200 || r.status == 201);
    http_reply_free(&r);
    /* the same year as the callbacks suite configures */
    r = http_json("PUT", "/v1/years/2027", ADMIN,
                  "{\"collection_start\":\"2026-09-01\",\"collection_end\":"
                  "\"2026-12-31\","
                  "\"tiers\":[{\"tier\":1,\"contribution\":40000,\"fiscal_"
                  "subsidy\":70000}]}");
    ck_assert(r.status == 200 || r.status == 201);
    http_reply_free(&r);
    for (int i = 0; i < NPEOPLE; i++) {
        char first17[18], body[600];
        snprintf(first17, sizeof first17, "32058119%02d0202%03d", 60 + i,
                 200 + i);
        make_id(first17, ids[i]);
        snprintf(body, sizeof body,
                 "{\"household_no\":\"PG-%02d\",\"region_code\":\"%s\","
                 "\"members\":[{\"id_number\":\"%s\",\"name\":\"进度%d\","
                 "\"relation\":\"户主\"%s}]}",
                 i, village_of[i], ids[i], i,
                 i == 0 ? ",\"categories\":[{\"code\":\"dibao\",\"valid_"
                          "from\":\"2025-01-01\"}]"
                        : "");
        r = http_json("POST", "/v1/households", ADMIN, body);
        expect(&r, 201);
        http_reply_free(&r);
    }
    /* targets: T1 has none of its own (its villages' 4 + 6), T4 2 */
    r = http_json(
        "PUT", "/v1/targets/2027", ADMIN,
        "[{\"region_code\":\"" V11 "\",\"group\":\"all\",\"target\":4},"
        "{\"region_code\":\"" V12 "\",\"group\":\"all\",\"target\":6},"
        "{\"region_code\":\"" T2 "\",\"group\":\"all\",\"target\":5},"
        "{\"region_code\":\"" T3 "\",\"group\":\"all\",\"target\":4},"
        "{\"region_code\":\"" T4 "\",\"group\":\"all\",\"target\":2},"
        "{\"region_code\":\"" T1 "\",\"group\":\"dibao\",\"target\":2}]");
    expect(&r, 200);
    http_reply_free(&r);
    /* 1 Nov: V11 0-2, V21 10-14; 2 Nov: V12 4-6 (09:00), V51 (15:00);
     * 3 Nov: V31 15-16, V41 19 */
    for (int i = 0; i < 3; i++)
        pay_person(i, "2026-11-01T10:00:00+08:00", NULL);
    for (int i = 10; i < 15; i++)
        pay_person(i, "2026-11-01T11:00:00+08:00",
                   i == 14 ? &reversed_payment : NULL);
    for (int i = 4; i < 7; i++)
        pay_person(i, "2026-11-02T09:00:00+08:00", NULL);
    for (int i = 22; i < 24; i++)
        pay_person(i, "2026-11-02T15:00:00+08:00", NULL);
    pay_person(15, "2026-11-03T10:00:00+08:00", NULL);
    pay_person(16, "2026-11-03T10:00:00+08:00", NULL);
    pay_person(19, "2026-11-03T10:00:00+08:00", NULL);
    char path[64];
    snprintf(path, sizeof path, "/v1/payments/%ld/reverse", reversed_payment);
    r = http_json("POST", path, ADMIN, "{\"reason\":\"refund\"}");
    expect(&r, 200);
    http_reply_free(&r);
}

static json_t *row_of(json_t *report, const char *code)
{
    size_t i;
    json_t *row;
    json_array_foreach (json_object_get(report, "rows"), i, row)
        if (!strcmp(jstr(row, "code"), code))
            return row;
    ck_abort_msg("no row %s", code);
    return NULL;
}

static bool has_flag(json_t *row, const char *flag)
{
    size_t i;
    json_t *f;
    json_array_foreach (json_object_get(row, "flags"), i, f)
        if (!strcmp(json_string_value(f), flag))
            return true;
    return false;
}

/* rank, target (-1: null), enrolled, rate ("(null)" for null) */
static void check_row(json_t *row, long rank, long target, long enrolled,
                      const char *rate)
{
    if (rank)
        ck_assert_int_eq(jint(row, "rank"), rank);
    if (target < 0)
        ck_assert(json_is_null(json_object_get(row, "target")));
    else
        ck_assert_int_eq(jint(row, "target"), target);
    ck_assert_int_eq(jint(row, "enrolled"), enrolled);
    if (!strcmp(rate, "(null)"))
        ck_assert(json_is_null(json_object_get(row, "rate")));
    else
        ck_assert_str_eq(jstr(row, "rate"), rate);
}

START_TEST(the_county_report_ranks_townships_by_exact_rate)
{
    setup_once();
    http_reply r =
        http("GET", "/v1/progress?year=2027&region=" CTY "&groups=dibao", ADMIN,
             NULL, NULL);
    expect(&r, 200);
    json_t *rows = json_object_get(r.json, "rows");
    ck_assert_int_eq(json_array_size(rows), 5);
    /* T2 4/5, T1 6/10, T3 2/4 and T4 1/2 tie (by code), T5 no target */
    check_row(json_array_get(rows, 0), 1, 5, 4, "80.00");
    ck_assert_str_eq(jstr(json_array_get(rows, 0), "code"), T2);
    check_row(json_array_get(rows, 1), 2, 10, 6, "60.00");
    ck_assert_str_eq(jstr(json_array_get(rows, 1), "code"), T1);
    check_row(json_array_get(rows, 2), 3, 4, 2, "50.00");
    ck_assert_str_eq(jstr(json_array_get(rows, 2), "code"), T3);
    check_row(json_array_get(rows, 3), 4, 2, 1, "50.00");
    ck_assert_str_eq(jstr(json_array_get(rows, 3), "code"), T4);
    check_row(json_array_get(rows, 4), 5, -1, 2, "(null)");
    ck_assert_str_eq(jstr(json_array_get(rows, 4), "name"), "沙家浜镇");
    /* total: 21 targeted, 15 enrolled: 71.428… → 71.43 */
    json_t *total = json_object_get(r.json, "total");
    check_row(total, 0, 21, 15, "71.43");
    /* the group column: T1's dibao target 2, person 0 paid */
    json_t *g =
        json_object_get(json_object_get(row_of(r.json, T1), "groups"), "dibao");
    check_row(g, 0, 2, 1, "50.00");
    g = json_object_get(json_object_get(row_of(r.json, T2), "groups"), "dibao");
    check_row(g, 0, -1, 0, "(null)");
    g = json_object_get(json_object_get(total, "groups"), "dibao");
    check_row(g, 0, 2, 1, "50.00");
    ck_assert_str_eq(
        jstr(json_array_get(json_object_get(r.json, "groups"), 0), "name"),
        "低保对象");
    /* flags: 80.00 is not under 80; the three lowest rated rows */
    json_t *t2 = row_of(r.json, T2), *t1 = row_of(r.json, T1),
           *t4 = row_of(r.json, T4), *t5 = row_of(r.json, T5);
    ck_assert(!has_flag(t2, "below_warn") && !has_flag(t2, "bottom_three"));
    ck_assert(has_flag(t1, "below_alert") && has_flag(t1, "bottom_three"));
    ck_assert(has_flag(t4, "below_warn") && has_flag(t4, "bottom_three"));
    ck_assert(!has_flag(t5, "below_warn") && !has_flag(t5, "bottom_three"));
    ck_assert_str_eq(jstr(json_object_get(r.json, "thresholds"), "warn"),
                     "80.00");
    http_reply_free(&r);
    /* the same from the raw records */
    ck_assert_int_eq(
        harness_count("SELECT count(*) FROM enrolments e JOIN residents r "
                      "USING (id_number) JOIN households h USING "
                      "(household_no) JOIN regions g ON g.code = "
                      "h.region_code WHERE e.year = 2027 AND e.status = "
                      "'paid' AND '" CTY "' = ANY (g.path)"),
        15);
    /* other thresholds on request: T2 (80.00) is under 85 */
    r = http("GET", "/v1/progress?year=2027&region=" CTY "&warn=85&alert=55",
             ADMIN, NULL, NULL);
    expect(&r, 200);
    ck_assert(has_flag(row_of(r.json, T2), "below_warn"));
    ck_assert(!has_flag(row_of(r.json, T1), "below_alert"));
    ck_assert(has_flag(row_of(r.json, T3), "below_alert"));
    http_reply_free(&r);
}
END_TEST

/* The body of a GET as a file under the test directory; returns its path
 * (static). */
static const char *download(const char *path, const char *name, http_reply *out)
{
    static char file[400];
    *out = http("GET", path, ADMIN, NULL, NULL);
    expect(out, 200);
    snprintf(file, sizeof file, "%s/%s", harness_dir(), name);
    FILE *f = fopen(file, "wb");
    ck_assert_ptr_nonnull(f);
    ck_assert_uint_eq(fwrite(out->body, 1, out->body_len, f), out->body_len);
    fclose(f);
    return file;
}

START_TEST(the_report_exports_as_csv_and_xlsx_with_the_same_numbers)
{
    setup_once();
    http_reply r;
    download("/v1/progress.csv?year=2027&region=" CTY "&groups=dibao",
             "progress.csv", &r);
    ck_assert_str_eq(r.content_type, "text/csv; charset=utf-8");
    /* a BOM, the title, then every number of the report */
    ck_assert(!strncmp(r.body,
                       "\xEF\xBB\xBF常熟市2027年度城乡居民医保筹资完成情况"
                       "通报表（截止",
                       strlen("\xEF\xBB\xBF常熟市2027年度城乡居民医保筹资完成"
                              "情况通报表（截止")));
    const char *rows =
        "排名,区划代码,单位,任务数,参保人数,完成率(%),低保对象任务数,"
        "低保对象参保人数,低保对象完成率(%),备注\r\n"
        "1," T2 ",梅李镇,5,4,80.00,,0,,\r\n"
        "2," T1 ",虞山街道,10,6,60.00,2,1,50.00,低于70%；后三名\r\n"
        "3," T3 ",海虞镇,4,2,50.00,,0,,低于70%；后三名\r\n"
        "4," T4 ",古里镇,2,1,50.00,,0,,低于70%；后三名\r\n"
        "5," T5 ",沙家浜镇,,2,,,0,,\r\n"
        "," CTY ",合计,21,15,71.43,2,1,50.00,低于80%\r\n";
    const char *header = strstr(r.body, "）\r\n");
    ck_assert_ptr_nonnull(header);
    ck_assert_str_eq(header + strlen("）\r\n"), rows);
    http_reply_free(&r);

    /* the workbook, read back by an independent reader (openpyxl) */
    char cmd[600];
    const char *file =
        download("/v1/progress.xlsx?year=2027&region=" CTY "&groups=dibao",
                 "progress.xlsx", &r);
    http_reply_free(&r);
    r = http("GET", "/v1/progress.xlsx?year=2027&region=" CTY "&groups=dibao",
             ADMIN, NULL, NULL);
    ck_assert_str_eq(
        r.content_type,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    http_reply_free(&r);
    snprintf(cmd, sizeof cmd,
             "/usr/bin/python3 tests/tools/xlsx_cells.py %s > %s.cells", file,
             file);
    ck_assert_int_eq(system(cmd), 0);
    char cells_path[420];
    snprintf(cells_path, sizeof cells_path, "%s.cells", file);
    FILE *f = fopen(cells_path, "r");
    ck_assert_ptr_nonnull(f);
    static char cells[20000];
    size_t n = fread(cells, 1, sizeof cells - 1, f);
    cells[n] = '\0';
    fclose(f);
    const char *expected[] = {
        "A1\t常熟市2027年度城乡居民医保筹资完成情况通报表（截止",
        "\nA2\t排名\t",
        "\nF2\t完成率(%)\t",
        "\nA3\t1\t",
        "\nB3\t" T2 "\t",
        "\nC3\t梅李镇\t",
        "\nD3\t5\t",
        "\nE3\t4\t",
        "\nF3\t0.8\t0.00%\n",
        "\nF4\t0.6\t0.00%\n",
        "\nI4\t0.5\t0.00%\n",
        "\nJ4\t低于70%；后三名\t",
        "\nC7\t沙家浜镇\t",
        "\nE7\t2\t",
        "\nC8\t合计\t",
        "\nD8\t21\t",
        "\nE8\t15\t",
        "\nF8\t0.7143\t0.00%\n",
        "\nmerged\tA1:J1",
    };
    for (size_t i = 0; i < sizeof expected / sizeof expected[0]; i++)
        ck_assert_msg(strstr(cells, expected[i]), "missing %s in\n%s",
                      expected[i], cells);
    /* T5 has no target and no rate: blank cells */
    ck_assert_ptr_null(strstr(cells, "\nD7\t"));
    ck_assert_ptr_null(strstr(cells, "\nF7\t"));
}
END_TEST

START_TEST(a_township_report_shows_its_villages)
{
    setup_once();
    http_reply r =
        http("GET", "/v1/progress?year=2027&region=" T1, ADMIN, NULL, NULL);
    expect(&r, 200);
    ck_assert_int_eq(json_array_size(json_object_get(r.json, "rows")), 2);
    check_row(row_of(r.json, V11), 1, 4, 3, "75.00");
    check_row(row_of(r.json, V12), 2, 6, 3, "50.00");
    check_row(json_object_get(r.json, "total"), 0, 10, 6, "60.00");
    ck_assert_str_eq(jstr(row_of(r.json, V11), "level"), "village");
    http_reply_free(&r);
}
END_TEST

START_TEST(as_of_shows_the_report_as_it_stood)
{
    setup_once();
    /* end of 1 Nov: V11 3, V21 5 (reversed only today) */
    http_reply r =
        http("GET", "/v1/progress?year=2027&region=" CTY "&as_of=2026-11-01",
             ADMIN, NULL, NULL);
    expect(&r, 200);
    check_row(json_object_get(r.json, "total"), 0, 21, 8, "38.10");
    check_row(row_of(r.json, T2), 1, 5, 5, "100.00");
    ck_assert_str_eq(jstr(r.json, "as_of"), "2026-11-01T23:59:59+08:00");
    http_reply_free(&r);
    /* noon on 2 Nov: V12's morning payments, not V51's afternoon */
    r = http("GET",
             "/v1/progress?year=2027&region=" CTY
             "&as_of=2026-11-02T12:00:00%2B08:00",
             ADMIN, NULL, NULL);
    expect(&r, 200);
    check_row(row_of(r.json, T1), 0, 10, 6, "60.00");
    check_row(row_of(r.json, T5), 0, -1, 0, "(null)");
    check_row(json_object_get(r.json, "total"), 0, 21, 11, "52.38");
    http_reply_free(&r);
    r = http("GET", "/v1/progress?year=2027&region=" CTY "&as_of=yesterday",
             ADMIN, NULL, NULL);
    expect(&r, 400);
    ck_assert_str_eq(error_field(&r), "as_of");
    http_reply_free(&r);
}
END_TEST

START_TEST(the_daily_history_adds_up_to_the_report)
{
    setup_once();
    http_reply r = http("GET", "/v1/progress/daily?year=2027&region=" CTY,
                        ADMIN, NULL, NULL);
    expect(&r, 200);
    json_t *days = json_object_get(r.json, "days");
    ck_assert_int_eq(json_array_size(days), 4);
    const char *dates[] = {"2026-11-01", "2026-11-02", "2026-11-03"};
    long added[] = {8, 5, 3}, cumulative[] = {8, 13, 16};
    for (int i = 0; i < 3; i++) {
        json_t *d = json_array_get(days, i);
        ck_assert_str_eq(jstr(d, "date"), dates[i]);
        ck_assert_int_eq(jint(d, "added"), added[i]);
        ck_assert_int_eq(jint(d, "enrolled"), cumulative[i]);
    }
    /* the reversal, today in Beijing */
    time_t now = time(NULL) + 8 * 3600;
    struct tm tm;
    gmtime_r(&now, &tm);
    char today[11];
    strftime(today, sizeof today, "%Y-%m-%d", &tm);
    json_t *last = json_array_get(days, 3);
    ck_assert_str_eq(jstr(last, "date"), today);
    ck_assert_int_eq(jint(last, "added"), -1);
    ck_assert_int_eq(jint(last, "enrolled"), 15);
    ck_assert_str_eq(jstr(last, "rate"), "71.43");
    ck_assert_int_eq(jint(r.json, "target"), 21);
    http_reply_free(&r);
    r = http("GET",
             "/v1/progress/daily?year=2027&region=" T1
             "&from=2026-11-02&to=2026-11-02",
             ADMIN, NULL, NULL);
    expect(&r, 200);
    days = json_object_get(r.json, "days");
    ck_assert_int_eq(json_array_size(days), 1);
    ck_assert_int_eq(jint(json_array_get(days, 0), "added"), 3);
    ck_assert_int_eq(jint(json_array_get(days, 0), "enrolled"), 6);
    http_reply_free(&r);
}
END_TEST

START_TEST(counts_follow_moves_category_lists_and_exemptions)
{
    setup_once();
    /* person 4 (paid, V12) moves into person 3's household in V11 */
    char path[96];
    snprintf(path, sizeof path, "/v1/residents/%s/move", ids[4]);
    http_reply r = http_json("POST", path, ADMIN,
                             "{\"household_no\":\"PG-03\",\"reason\":"
                             "\"marriage\",\"relation\":\"配偶\"}");
    expect(&r, 200);
    http_reply_free(&r);
    /* person 5 (paid, V12) joins the dibao list */
    char csv[200];
    snprintf(csv, sizeof csv, "id_number,valid_from,valid_to\n%s,2026-01-01,\n",
             ids[5]);
    r = http("POST", "/v1/categories/dibao/members/import?mode=extend", ADMIN,
             "text/csv", csv);
    expect(&r, 200);
    http_reply_free(&r);
    r = http("GET", "/v1/progress?year=2027&region=" T1 "&groups=dibao", ADMIN,
             NULL, NULL);
    expect(&r, 200);
    check_row(row_of(r.json, V11), 1, 4, 4, "100.00");
    check_row(row_of(r.json, V12), 2, 6, 2, "33.33");
    check_row(json_object_get(
                  json_object_get(json_object_get(r.json, "total"), "groups"),
                  "dibao"),
              0, 2, 2, "100.00");
    http_reply_free(&r);
    /* person 16 (paid, V31) exempted: proposed by a township token,
     * approved by the county */
    char *town = make_token("township", T3, NULL);
    char *county = make_token("county", CTY, NULL);
    snprintf(path, sizeof path, "/v1/residents/%s/exemptions", ids[16]);
    r = http_json("POST", path, town,
                  "{\"year\":2027,\"reason\":\"employee_insured\","
                  "\"evidence_ref\":\"职工医保-2026-88\"}");
    expect(&r, 201);
    long id = jint(r.json, "id");
    http_reply_free(&r);
    snprintf(path, sizeof path, "/v1/exemptions/%ld/approve", id);
    r = http_json("POST", path, county, "{}");
    expect(&r, 200);
    http_reply_free(&r);
    r = http("GET", "/v1/progress?year=2027&region=" CTY, county, NULL, NULL);
    expect(&r, 200);
    check_row(row_of(r.json, T3), 0, 4, 1, "25.00");
    check_row(json_object_get(r.json, "total"), 0, 21, 14, "66.67");
    http_reply_free(&r);
    free(town);
    free(county);
}
END_TEST

START_TEST(targets_are_stored_all_or_nothing_and_suggested)
{
    setup_once();
    /* a CSV with a bad line stores nothing and names the line */
    http_reply r =
        http("PUT", "/v1/targets/2027", ADMIN, "text/csv",
             "region_code,group,target\n" V51 ",all,2\n"
             "999999999999,all,5\n" V51 ",nosuch,1\n" V41 ",all,-3\n");
    expect(&r, 422);
    json_t *rej = json_object_get(r.json, "rejected");
    ck_assert_int_eq(json_array_size(rej), 3);
    ck_assert_int_eq(jint(json_array_get(rej, 0), "line"), 3);
    ck_assert_int_eq(jint(json_array_get(rej, 1), "line"), 4);
    ck_assert_int_eq(jint(json_array_get(rej, 2), "line"), 5);
    ck_assert_str_eq(
        jstr(json_object_get(json_array_get(rej, 2), "error"), "field"),
        "target");
    http_reply_free(&r);
    r = http("PUT", "/v1/targets/2027", ADMIN, "text/csv",
             "region_code,group,target\n" V51 ",all,2\n999999999999,all,5\n");
    expect(&r, 422);
    rej = json_object_get(r.json, "rejected");
    ck_assert_int_eq(jint(json_array_get(rej, 0), "line"), 3);
    ck_assert_str_eq(
        jstr(json_object_get(json_array_get(rej, 0), "error"), "message"),
        "unknown region");
    http_reply_free(&r);
    ck_assert_int_eq(
        harness_count("SELECT count(*) FROM targets WHERE region_code = '" V51
                      "'"),
        0);
    r = http("PUT", "/v1/targets/2027", ADMIN, "application/json", "{]");
    expect(&r, 400);
    http_reply_free(&r);
    r = http("PUT", "/v1/targets/2031", ADMIN, "application/json",
             "[{\"region_code\":\"" V51 "\",\"group\":\"all\",\"target\":1}]");
    expect(&r, 404);
    http_reply_free(&r);
    /* a township token may read but not set targets */
    char *town = make_token("township", T1, NULL);
    r = http("PUT", "/v1/targets/2027", town, "text/csv",
             "region_code,group,target\n" V11 ",all,9\n");
    expect(&r, 403);
    http_reply_free(&r);
    r = http("GET", "/v1/targets/2027", town, NULL, NULL);
    expect(&r, 200);
    ck_assert_int_eq(json_array_size(json_object_get(r.json, "targets")), 3);
    http_reply_free(&r);
    r = http("GET", "/v1/progress?year=2027&region=" CTY, town, NULL, NULL);
    expect(&r, 403);
    http_reply_free(&r);
    r = http("GET", "/v1/progress?year=2027", town, NULL, NULL);
    expect(&r, 200); /* its own region by default */
    ck_assert_str_eq(jstr(r.json, "region"), T1);
    http_reply_free(&r);
    free(town);
    r = http("GET", "/v1/progress?year=2027&region=" CTY, NULL, NULL, NULL);
    expect(&r, 401);
    http_reply_free(&r);
    r = http("GET", "/v1/progress?year=2027&region=" CTY "&groups=nosuch",
             ADMIN, NULL, NULL);
    expect(&r, 422);
    http_reply_free(&r);
    /* the suggestion: registered (not removed) minus exemptions minus the
     * employee-insured given, times 95 %, half-up */
    r = http_json("POST", "/v1/targets/2027/suggestion", ADMIN,
                  "{\"region\":\"" CTY "\",\"goal\":\"95\","
                  "\"employee_insured\":[{\"region_code\":\"" V11
                  "\",\"count\":2}]}");
    expect(&r, 200);
    json_t *rows = json_object_get(r.json, "rows");
    ck_assert_int_eq(json_array_size(rows), 5);
    /* T1: 10 people - 2 employee-insured = 8 → 7.6 → 8 */
    json_t *s = json_array_get(rows, 0);
    ck_assert_str_eq(jstr(s, "region_code"), T1);
    ck_assert_int_eq(jint(s, "registered"), 10);
    ck_assert_int_eq(jint(s, "base"), 8);
    ck_assert_int_eq(jint(s, "target"), 8);
    /* T3: 4 people, one exempted → 3 → 2.85 → 3 */
    s = json_array_get(rows, 2);
    ck_assert_int_eq(jint(s, "exempted"), 1);
    ck_assert_int_eq(jint(s, "target"), 3);
    ck_assert(!json_is_true(json_object_get(r.json, "applied")));
    http_reply_free(&r);
    r = http_json("POST", "/v1/targets/2027/suggestion", ADMIN,
                  "{\"region\":\"" CTY "\",\"goal\":\"95\","
                  "\"rounding\":\"down\",\"apply\":true}");
    expect(&r, 200);
    /* T5: 2 → 1.9 → 1, stored */
    ck_assert_int_eq(
        jint(json_array_get(json_object_get(r.json, "rows"), 4), "target"), 1);
    http_reply_free(&r);
    ck_assert_int_eq(
        harness_count("SELECT target FROM targets WHERE year = 2027 AND "
                      "region_code = '" T5 "' AND grp = 'all'"),
        1);
    r = http_json("POST", "/v1/targets/2027/suggestion", ADMIN,
                  "{\"region\":\"" CTY "\",\"goal\":\"101\"}");
    expect(&r, 422);
    http_reply_free(&r);
}
END_TEST

Suite *progress_suite(void)
{
    Suite *s = suite_create("progress");
    TCase *tc = tcase_create("progress");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, the_county_report_ranks_townships_by_exact_rate);
    tcase_add_test(tc,
                   the_report_exports_as_csv_and_xlsx_with_the_same_numbers);
    tcase_add_test(tc, a_township_report_shows_its_villages);
    tcase_add_test(tc, as_of_shows_the_report_as_it_stood);
    tcase_add_test(tc, the_daily_history_adds_up_to_the_report);
    tcase_add_test(tc, counts_follow_moves_category_lists_and_exemptions);
    tcase_add_test(tc, targets_are_stored_all_or_nothing_and_suggested);
    suite_add_tcase(s, tc);
    return s;
}
