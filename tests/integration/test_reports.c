/*
 * test_reports.c: the door-to-door lists of unpaid households and the
 * subsidy funding report over the county of reports_county.c: order,
 * masking, paging, CSV bytes, roles and scope, every sum.
 */
#define _POSIX_C_SOURCE 200809L
#include "integration/reports_county.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

Suite *reports_suite(void);

/* ---- unpaid lists ---- */

static void expect_member(json_t *h, size_t i, int who, bool paid_last_year)
{
    json_t *m = at(h, "members", i);
    ck_assert_msg(m, "no member %zu", i);
    ck_assert_str_eq(jstr(m, "id_number"), report_ids[who]);
    ck_assert(json_is_true(json_object_get(m, "paid_last_year")) ==
              paid_last_year);
}

START_TEST(unpaid_households_where_someone_paid_last_year_come_first)
{
    reports_county_setup();
    http_reply r = http("GET", "/v1/unpaid?year=2020&region=" CTY "&limit=2",
                        ADMIN, NULL, NULL);
    expect(&r, 200);
    json_t *h = at(r.json, "items", 0);
    ck_assert_str_eq(jstr(h, "household_no"), "RPT-103");
    ck_assert_str_eq(jstr(h, "region_code"), V1);
    ck_assert_str_eq(jstr(h, "region_name"), "一村");
    ck_assert_str_eq(jstr(h, "head_name"), "居民05");
    ck_assert_str_eq(jstr(h, "phone"), "13812340103");
    ck_assert(json_is_true(json_object_get(h, "paid_last_year")));
    ck_assert_int_eq(json_array_size(json_object_get(h, "members")), 2);
    expect_member(h, 0, R0, true);
    expect_member(h, 1, R1, false);
    /* q0's payment was reversed; q1 paid last year (and this year) */
    h = at(r.json, "items", 1);
    ck_assert_str_eq(jstr(h, "household_no"), "RPT-201");
    ck_assert_str_eq(jstr(h, "region_code"), G21);
    ck_assert(json_is_true(json_object_get(h, "paid_last_year")));
    ck_assert_int_eq(json_array_size(json_object_get(h, "members")), 1);
    expect_member(h, 0, Q0, false);
    ck_assert_str_eq(jstr(r.json, "next_cursor"), "0:RPT-201");
    http_reply_free(&r);

    r = http("GET",
             "/v1/unpaid?year=2020&region=" CTY "&limit=2&cursor=0:RPT-201",
             ADMIN, NULL, NULL);
    expect(&r, 200);
    h = at(r.json, "items", 0);
    ck_assert_str_eq(jstr(h, "household_no"), "RPT-301");
    expect_member(h, 0, S0, true);
    expect_member(h, 1, S1, false);
    /* no head: the first member; the phone of the first who has one; the
     * removed member is not listed */
    h = at(r.json, "items", 1);
    ck_assert_str_eq(jstr(h, "household_no"), "RPT-303");
    ck_assert(json_is_false(json_object_get(h, "paid_last_year")));
    ck_assert_str_eq(jstr(h, "head_name"), "居民16");
    ck_assert_str_eq(jstr(h, "phone"), "13912340304");
    ck_assert_int_eq(json_array_size(json_object_get(h, "members")), 2);
    expect_member(h, 0, S3, false);
    expect_member(h, 1, S4, false);
    ck_assert_str_eq(jstr(r.json, "next_cursor"), "1:RPT-303");
    http_reply_free(&r);

    r = http("GET", "/v1/unpaid?year=2020&region=" CTY "&cursor=1:RPT-303",
             ADMIN, NULL, NULL);
    expect(&r, 200);
    ck_assert_int_eq(json_array_size(json_object_get(r.json, "items")), 0);
    ck_assert(json_is_null(json_object_get(r.json, "next_cursor")));
    http_reply_free(&r);
}
END_TEST

START_TEST(exempted_and_paid_people_are_not_door_to_door_work)
{
    reports_county_setup();
    http_reply r =
        http("GET", "/v1/unpaid?year=2020&region=" V2, ADMIN, NULL, NULL);
    expect(&r, 200);
    /* RPT-202: q3 paid, q4 and q5 exempted */
    ck_assert_int_eq(json_array_size(json_object_get(r.json, "items")), 1);
    ck_assert_str_eq(jstr(at(r.json, "items", 0), "household_no"), "RPT-201");
    ck_assert(json_is_null(json_object_get(r.json, "next_cursor")));
    http_reply_free(&r);
    /* last year everyone in 三村 but s0 is unpaid (s0 paid) */
    r = http("GET", "/v1/unpaid?year=2019&region=" V3, ADMIN, NULL, NULL);
    expect(&r, 200);
    ck_assert_int_eq(json_array_size(json_object_get(r.json, "items")), 3);
    ck_assert_int_eq(
        json_array_size(json_object_get(at(r.json, "items", 0), "members")), 1);
    http_reply_free(&r);
}
END_TEST

START_TEST(a_collector_sees_its_village_whole_and_nothing_else)
{
    reports_county_setup();
    char *collector = make_token("collector", V3, NULL);
    http_reply r =
        http("GET", "/v1/unpaid?year=2020&region=" V3, collector, NULL, NULL);
    expect(&r, 200);
    ck_assert_int_eq(json_array_size(json_object_get(r.json, "items")), 2);
    /* a collector knocking on doors sees the numbers whole */
    expect_member(at(r.json, "items", 0), 0, S0, true);
    ck_assert_str_eq(jstr(at(r.json, "items", 0), "phone"), "13712340301");
    http_reply_free(&r);
    r = http("GET", "/v1/unpaid?year=2020&region=" CTY, collector, NULL, NULL);
    expect(&r, 403);
    http_reply_free(&r);
    r = http("GET", "/v1/unpaid.csv?year=2020&region=" V1, collector, NULL,
             NULL);
    expect(&r, 403);
    http_reply_free(&r);
    free(collector);
    char *dash = make_token("dashboard", CTY, NULL);
    char *tax = make_token("tax", CTY, NULL);
    r = http("GET", "/v1/unpaid?year=2020&region=" V3, dash, NULL, NULL);
    expect(&r, 403);
    http_reply_free(&r);
    r = http("GET", "/v1/unpaid.csv?year=2020&region=" V3, tax, NULL, NULL);
    expect(&r, 403);
    http_reply_free(&r);
    r = http("GET", "/v1/unpaid?year=2020&region=" V3, NULL, NULL, NULL);
    expect(&r, 401);
    http_reply_free(&r);
    free(dash);
    free(tax);
}
END_TEST

START_TEST(the_unpaid_list_needs_a_year_a_region_and_a_real_cursor)
{
    reports_county_setup();
    static const struct {
        const char *path;
        long status;
        const char *field;
    } cases[] = {
        {"/v1/unpaid?region=" CTY, 400, "year"},
        {"/v1/unpaid?year=20x0&region=" CTY, 400, "year"},
        {"/v1/unpaid?year=2020", 400, "region"},
        {"/v1/unpaid?year=2020&region=999999999999", 422, "region"},
        {"/v1/unpaid?year=2020&region=" CTY "&cursor=RPT-1", 400, "cursor"},
        {"/v1/unpaid?year=2020&region=" CTY "&limit=0", 400, "limit"},
        {"/v1/unpaid.csv?year=2020", 400, "region"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        http_reply r = http("GET", cases[i].path, ADMIN, NULL, NULL);
        ck_assert_msg(r.status == cases[i].status, "%s: %ld %s", cases[i].path,
                      r.status, r.body);
        ck_assert_str_eq(error_field(&r), cases[i].field);
        http_reply_free(&r);
    }
}
END_TEST

START_TEST(the_unpaid_csv_opens_in_excel)
{
    reports_county_setup();
    char *collector = make_token("collector", V3, NULL);
    http_reply r = http("GET", "/v1/unpaid.csv?year=2020&region=" V3, collector,
                        NULL, NULL);
    expect(&r, 200);
    ck_assert_str_eq(r.content_type, "text/csv; charset=utf-8");
    char want[2048];
    snprintf(want, sizeof want,
             "\xEF\xBB\xBF"
             "户号,村（组）代码,村（组）,户主,联系电话,户内有人去年已缴,"
             "身份证号,姓名,与户主关系,去年已缴\r\n"
             "RPT-301,\t" V3 ",三村,居民13,13712340301,是,\t%s,居民13,户主,"
             "是\r\n"
             "RPT-301,\t" V3 ",三村,居民13,13712340301,是,\t%s,居民14,子,否\r\n"
             "RPT-303,\t" V3 ",三村,居民16,13912340304,否,\t%s,居民16,长子,"
             "否\r\n"
             "RPT-303,\t" V3
             ",三村,居民16,13912340304,否,\t%s,居民17,女,否\r\n",
             report_ids[S0], report_ids[S1], report_ids[S3], report_ids[S4]);
    ck_assert_str_eq(r.body, want);
    http_reply_free(&r);
    free(collector);
}
END_TEST

/* ---- the subsidy funding report ---- */

static void expect_sums(json_t *o, long people, long subsidy, long assisted,
                        long assistance)
{
    ck_assert_msg(o, "missing sums");
    ck_assert_int_eq(jint(o, "people"), people);
    ck_assert_int_eq(jint(o, "subsidy"), subsidy);
    ck_assert_int_eq(jint(o, "assisted_people"), assisted);
    ck_assert_int_eq(jint(o, "assistance"), assistance);
}

START_TEST(subsidies_are_summed_per_township_and_category)
{
    reports_county_setup();
    http_reply r = http("GET", "/v1/reports/subsidies?year=2020&region=" CTY,
                        ADMIN, NULL, NULL);
    expect(&r, 200);
    ck_assert_int_eq(json_array_size(json_object_get(r.json, "rows")), 2);
    /* 东镇: p0 and q3 dibao (q3's self-pay by medical assistance), p4
     * tekun; q0's reversed payment counts for nothing */
    json_t *t1 = at(r.json, "rows", 0);
    ck_assert_str_eq(jstr(t1, "code"), T1);
    ck_assert_str_eq(jstr(t1, "name"), "东镇");
    ck_assert_int_eq(json_array_size(json_object_get(t1, "categories")), 2);
    json_t *c = at(t1, "categories", 0);
    ck_assert_str_eq(jstr(c, "category"), "dibao");
    ck_assert_str_eq(jstr(c, "name"), "低保对象");
    expect_sums(c, 2, 25000, 1, 12500);
    c = at(t1, "categories", 1);
    ck_assert_str_eq(jstr(c, "category"), "tekun");
    expect_sums(c, 1, 25000, 0, 0);
    expect_sums(json_object_get(t1, "subtotal"), 3, 50000, 1, 12500);
    json_t *t2 = at(r.json, "rows", 1);
    ck_assert_str_eq(jstr(t2, "code"), T2);
    expect_sums(at(t2, "categories", 0), 1, 25000, 0, 0);
    expect_sums(json_object_get(t2, "subtotal"), 1, 25000, 0, 0);
    json_t *total = json_object_get(r.json, "total");
    expect_sums(total, 4, 75000, 1, 12500);
    expect_sums(at(total, "categories", 0), 2, 25000, 1, 12500);
    expect_sums(at(total, "categories", 1), 2, 50000, 0, 0);
    http_reply_free(&r);
    /* last year: only r0's dibao subsidy */
    r = http("GET", "/v1/reports/subsidies?year=2019&region=" T1, ADMIN, NULL,
             NULL);
    expect(&r, 200);
    ck_assert_int_eq(json_array_size(json_object_get(r.json, "rows")), 2);
    ck_assert_int_eq(
        json_array_size(json_object_get(at(r.json, "rows", 1), "categories")),
        0);
    expect_sums(json_object_get(r.json, "total"), 1, 12500, 0, 0);
    http_reply_free(&r);
}
END_TEST

START_TEST(the_subsidy_csv_has_subtotals_and_totals_in_yuan)
{
    reports_county_setup();
    http_reply r =
        http("GET", "/v1/reports/subsidies.csv?year=2020&region=" CTY, ADMIN,
             NULL, NULL);
    expect(&r, 200);
    ck_assert_str_eq(r.body,
                     "\xEF\xBB\xBF"
                     "代码,名称,资助类别代码,资助类别,资助人数,资助金额（元）,"
                     "医疗救助人数,医疗救助金额（元）\r\n"
                     "\t" T1 ",东镇,dibao,低保对象,2,250.00,1,125.00\r\n"
                     "\t" T1 ",东镇,tekun,特困人员,1,250.00,0,0.00\r\n"
                     "\t" T1 ",东镇,,小计,3,500.00,1,125.00\r\n"
                     "\t" T2 ",西镇,tekun,特困人员,1,250.00,0,0.00\r\n"
                     "\t" T2 ",西镇,,小计,1,250.00,0,0.00\r\n"
                     "\t" CTY ",合计,dibao,低保对象,2,250.00,1,125.00\r\n"
                     "\t" CTY ",合计,tekun,特困人员,2,500.00,0,0.00\r\n"
                     "\t" CTY ",合计,,总计,4,750.00,1,125.00\r\n");
    http_reply_free(&r);
    char *town = make_token("township", T2, NULL);
    r = http("GET", "/v1/reports/subsidies?year=2020&region=" CTY, town, NULL,
             NULL);
    expect(&r, 403);
    http_reply_free(&r);
    free(town);
    char *collector = make_token("collector", V3, NULL);
    r = http("GET", "/v1/reports/subsidies?year=2020&region=" V3, collector,
             NULL, NULL);
    expect(&r, 403);
    http_reply_free(&r);
    free(collector);
}
END_TEST

Suite *reports_suite(void)
{
    Suite *s = suite_create("reports");
    TCase *tc = tcase_create("reports");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc,
                   unpaid_households_where_someone_paid_last_year_come_first);
    tcase_add_test(tc, exempted_and_paid_people_are_not_door_to_door_work);
    tcase_add_test(tc, a_collector_sees_its_village_whole_and_nothing_else);
    tcase_add_test(tc, the_unpaid_list_needs_a_year_a_region_and_a_real_cursor);
    tcase_add_test(tc, the_unpaid_csv_opens_in_excel);
    tcase_add_test(tc, subsidies_are_summed_per_township_and_category);
    tcase_add_test(tc, the_subsidy_csv_has_subtotals_and_totals_in_yuan);
    suite_add_tcase(s, tc);
    return s;
}
