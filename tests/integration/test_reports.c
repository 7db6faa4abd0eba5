/*
 * test_reports.c: the door-to-door lists of unpaid households, the subsidy
 * funding report and the village incentives, over a small county built
 * through the API: every number checked.
 */
#define _POSIX_C_SOURCE 200809L
#include "integration/harness.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* 测试县: 东镇 (一村 with its own target; 二村 whose two groups have
 * targets) and 西镇 (三村, no target) */
#define CTY "431300000000"
#define T1 "431301000000"
#define V1 "431301001000"
#define V2 "431301002000"
#define G21 "431301002001"
#define G22 "431301002002"
#define T2 "431302000000"
#define V3 "431302001000"

/* the people, by household */
enum {
    P0,
    P1,
    P2, /* RPT-101 in 一村 */
    P3,
    P4, /* RPT-102 in 一村 */
    R0,
    R1, /* RPT-103 in 一村 */
    Q0,
    Q1,
    Q2, /* RPT-201 in 二村一组 */
    Q3,
    Q4,
    Q5, /* RPT-202 in 二村二组 */
    S0,
    S1, /* RPT-301 in 三村 */
    S2, /* RPT-302 in 三村 */
    S3,
    S4,
    S5, /* RPT-303 in 三村, no head */
    NPEOPLE
};
static char ids[NPEOPLE][19];

static void expect(http_reply *r, long status)
{
    ck_assert_msg(r->status == status, "expected %ld, got %ld: %s", status,
                  r->status, r->body);
}

static long jint(json_t *o, const char *k)
{
    return (long)json_integer_value(json_object_get(o, k));
}

static const char *jstr(json_t *o, const char *k)
{
    const char *s = json_string_value(json_object_get(o, k));
    return s ? s : "";
}

static json_t *at(json_t *o, const char *k, size_t i)
{
    return json_array_get(json_object_get(o, k), i);
}

static void put(const char *path, const char *body)
{
    http_reply r = http_json("PUT", path, ADMIN, body);
    ck_assert_msg(r.status == 200 || r.status == 201, "%s: %s", path, r.body);
    http_reply_free(&r);
}

static const char *member(int i, const char *relation, const char *phone,
                          const char *category)
{
    static char out[8][512];
    static int k;
    char *m = out[k++ % 8];
    char extra[160] = "";
    if (category)
        snprintf(extra, sizeof extra,
                 ",\"categories\":[{\"code\":\"%s\",\"valid_from\":"
                 "\"2018-01-01\"}]",
                 category);
    snprintf(m, 512,
             "{\"id_number\":\"%s\",\"name\":\"居民%02d\",\"relation\":\"%s\""
             "%s%s%s%s}",
             ids[i], i, relation, phone ? ",\"phone\":\"" : "",
             phone ? phone : "", phone ? "\"" : "", extra);
    return m;
}

static void household(const char *no, const char *region, const char *a,
                      const char *b, const char *c)
{
    char body[2048];
    snprintf(body, sizeof body,
             "{\"household_no\":\"%s\",\"region_code\":\"%s\",\"members\":"
             "[%s%s%s%s%s]}",
             no, region, a, b ? "," : "", b ? b : "", c ? "," : "", c ? c : "");
    http_reply r = http_json("POST", "/v1/households", ADMIN, body);
    expect(&r, 201);
    http_reply_free(&r);
}

/* Pays for people (a JSON list of indexes) and returns the payment id. */
static long pay(int year, const int *who, int n, long amount,
                const char *channel, const char *key, const char *paid_at)
{
    char list[512] = "", *p = list;
    for (int i = 0; i < n; i++)
        p += sprintf(p, "%s\"%s\"", i ? "," : "", ids[who[i]]);
    char body[1024];
    snprintf(body, sizeof body,
             "{\"id_numbers\":[%s],\"year\":%d,\"tier\":1,\"channel\":\"%s\","
             "\"amount\":%ld,\"external_id\":\"%s\",\"paid_at\":\"%s\"}",
             list, year, channel, amount, key, paid_at);
    http_reply r = http_json("POST", "/v1/payments", ADMIN, body);
    expect(&r, 201);
    long id = jint(r.json, "payment_id");
    http_reply_free(&r);
    return id;
}

static void exempt(int who, const char *county)
{
    char path[96], decide[96];
    snprintf(path, sizeof path, "/v1/residents/%s/exemptions", ids[who]);
    http_reply r = http_json("POST", path, ADMIN,
                             "{\"year\":2020,\"reason\":\"employee_insured\"}");
    expect(&r, 201);
    snprintf(decide, sizeof decide, "/v1/exemptions/%ld/approve",
             jint(r.json, "id"));
    http_reply_free(&r);
    r = http_json("POST", decide, county, "{}");
    expect(&r, 200);
    http_reply_free(&r);
}

static const char *year_body(const char *start, const char *end)
{
    static char b[512];
    snprintf(b, sizeof b,
             "{\"collection_start\":\"%s\",\"collection_end\":\"%s\","
             "\"tiers\":[{\"tier\":1,\"contribution\":25000,"
             "\"fiscal_subsidy\":55000}],\"subsidies\":["
             "{\"category\":\"dibao\",\"tier\":1,\"subsidy\":12500},"
             "{\"category\":\"tekun\",\"tier\":1,\"subsidy\":25000}]}",
             start, end);
    return b;
}

static void regions(void)
{
    http_reply r =
        http("POST", "/v1/regions/import", ADMIN, "text/csv",
             "code,name,level,parent_code\n" CTY ",测试县,county,\n" T1
             ",东镇,township," CTY "\n" V1 ",一村,village," T1 "\n" V2
             ",二村,village," T1 "\n" G21 ",二村一组,group," V2 "\n" G22
             ",二村二组,group," V2 "\n" T2 ",西镇,township," CTY "\n" V3
             ",三村,village," T2 "\n");
    expect(&r, 200);
    http_reply_free(&r);
}

static void people(void)
{
    household("RPT-101", V1, member(P0, "户主", NULL, "dibao"),
              member(P1, "配偶", NULL, NULL), member(P2, "子", NULL, NULL));
    household("RPT-102", V1, member(P3, "户主", NULL, NULL),
              member(P4, "母亲", NULL, "tekun"), NULL);
    household("RPT-103", V1, member(R0, "户主", "13812340103", "dibao"),
              member(R1, "配偶", NULL, NULL), NULL);
    household("RPT-201", G21, member(Q0, "户主", NULL, "dibao"),
              member(Q1, "配偶", NULL, NULL), member(Q2, "子", NULL, NULL));
    household("RPT-202", G22, member(Q3, "户主", NULL, "dibao"),
              member(Q4, "子", NULL, NULL), member(Q5, "女", NULL, NULL));
    household("RPT-301", V3, member(S0, "户主", "13712340301", NULL),
              member(S1, "子", NULL, NULL), NULL);
    household("RPT-302", V3, member(S2, "户主", NULL, "tekun"), NULL, NULL);
    household("RPT-303", V3, member(S3, "长子", NULL, NULL),
              member(S4, "女", "13912340304", NULL),
              member(S5, "孙", NULL, NULL));
    char path[96];
    snprintf(path, sizeof path,
             "/v1/households/RPT-303/members/%s?reason="
             "moved_away",
             ids[S5]);
    http_reply r = http("DELETE", path, ADMIN, NULL, NULL);
    expect(&r, 204);
    http_reply_free(&r);
}

static void payments(void)
{
    /* last year's campaign (2019): three payers */
    pay(2019, (int[]){P3}, 1, 25000, "bank", "RPT-2019-1",
        "2018-11-01T10:00:00+08:00");
    pay(2019, (int[]){R0}, 1, 12500, "cash", "RPT-2019-2",
        "2018-11-02T10:00:00+08:00");
    pay(2019, (int[]){Q1}, 1, 25000, "bank", "RPT-2019-3",
        "2018-11-03T10:00:00+08:00");
    pay(2019, (int[]){S0}, 1, 25000, "bank", "RPT-2019-4",
        "2018-11-04T10:00:00+08:00");
    /* this campaign (2020) */
    pay(2020, (int[]){P0}, 1, 12500, "cash", "RPT-1",
        "2019-12-01T10:00:00+08:00");
    pay(2020, (int[]){P1, P2}, 2, 50000, "bank", "RPT-2",
        "2019-12-10T23:59:59+08:00"); /* the last second of 10 Dec */
    pay(2020, (int[]){P4}, 1, 0, "subsidy", "RPT-3",
        "2019-11-20T09:00:00+08:00");
    pay(2020, (int[]){P3}, 1, 25000, "bank", "RPT-4",
        "2019-12-10T16:00:00Z"); /* 11 Dec 00:00 in Beijing */
    long q0 = pay(2020, (int[]){Q0}, 1, 12500, "bank", "RPT-5",
                  "2019-12-05T10:00:00+08:00");
    pay(2020, (int[]){Q1, Q2}, 2, 50000, "bank", "RPT-6",
        "2019-12-18T10:00:00+08:00");
    pay(2020, (int[]){Q3}, 1, 12500, "assistance", "RPT-7",
        "2019-12-28T10:00:00+08:00");
    pay(2020, (int[]){Q5}, 1, 25000, "bank", "RPT-8",
        "2019-12-05T10:00:00+08:00");
    pay(2020, (int[]){S2}, 1, 0, "subsidy", "RPT-9",
        "2019-12-01T10:00:00+08:00");
    /* q0's payment is reversed, on 15 Dec 2019 as far as history goes */
    char path[64], sql[160];
    snprintf(path, sizeof path, "/v1/payments/%ld/reverse", q0);
    http_reply r = http_json("POST", path, ADMIN, "{\"reason\":\"refund\"}");
    expect(&r, 200);
    http_reply_free(&r);
    snprintf(sql, sizeof sql,
             "UPDATE payments SET reversed_at = '2019-12-15T12:00:00+08:00' "
             "WHERE id = %ld",
             q0);
    free(harness_sql(sql));
    /* q4 (unpaid) and q5 (paid) are insured elsewhere */
    char *county = make_token("county", CTY, NULL);
    exempt(Q4, county);
    exempt(Q5, county);
    free(county);
}

static void setup_once(void)
{
    static bool done;
    if (done)
        return;
    done = true;
    for (int i = 0; i < NPEOPLE; i++) {
        char first17[18];
        snprintf(first17, sizeof first17, "43130119%02d0303%03d", 60 + i,
                 200 + i);
        make_id(first17, ids[i]);
    }
    regions();
    put("/v1/categories/dibao", "{\"name\":\"低保对象\"}");
    put("/v1/categories/tekun", "{\"name\":\"特困人员\"}");
    put("/v1/years/2019", year_body("2018-09-01", "2018-12-31"));
    put("/v1/years/2020", year_body("2019-09-01", "2019-12-31"));
    people();
    payments();
    free(harness_sql("INSERT INTO targets (year, region_code, grp, target) "
                     "VALUES (2020, '" V1 "', 'all', 4), (2020, '" G21
                     "', 'all', 2), (2020, '" G22 "', 'all', 1)"));
}

/* ---- unpaid lists ---- */

static void expect_member(json_t *h, size_t i, int who, bool paid_last_year)
{
    json_t *m = at(h, "members", i);
    ck_assert_msg(m, "no member %zu", i);
    ck_assert_str_eq(jstr(m, "id_number"), ids[who]);
    ck_assert(json_is_true(json_object_get(m, "paid_last_year")) ==
              paid_last_year);
}

START_TEST(unpaid_households_where_someone_paid_last_year_come_first)
{
    setup_once();
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
    setup_once();
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
    setup_once();
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
    setup_once();
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
    setup_once();
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
             ids[S0], ids[S1], ids[S3], ids[S4]);
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
    setup_once();
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
    setup_once();
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

/* ---- incentives ---- */

#define SEED003                                                                \
    "{\"entry_fee_fen_per_person\":20,\"rules\":["                             \
    "{\"deadline\":\"2019-12-10\",\"min_rate\":\"100.00\","                    \
    "\"fen_per_person\":120},"                                                 \
    "{\"deadline\":\"2019-12-10\",\"min_rate\":\"95\",\"fen_per_person\":100}" \
    ","                                                                        \
    "{\"deadline\":\"2019-12-20\",\"min_rate\":\"100\",\"fen_per_person\":"    \
    "100},"                                                                    \
    "{\"deadline\":\"2019-12-20\",\"min_rate\":\"95\",\"fen_per_person\":80}," \
    "{\"deadline\":\"2019-12-31\",\"min_rate\":\"100\",\"fen_per_person\":80}" \
    ","                                                                        \
    "{\"deadline\":\"2019-12-31\",\"min_rate\":\"95.0\",\"fen_per_person\":"   \
    "60}]}"

START_TEST(incentive_rules_are_stored_whole_or_not_at_all)
{
    setup_once();
    static const struct {
        const char *body;
        long status;
        const char *field;
    } bad[] = {
        {"{\"rules\":[]}", 400, "entry_fee_fen_per_person"},
        {"{\"entry_fee_fen_per_person\":-1,\"rules\":[]}", 422,
         "entry_fee_fen_per_person"},
        {"{\"entry_fee_fen_per_person\":20}", 400, "rules"},
        {"{\"entry_fee_fen_per_person\":20,\"rules\":[{\"deadline\":"
         "\"2019-02-30\",\"min_rate\":\"95\",\"fen_per_person\":1}]}",
         422, "rules[0].deadline"},
        {"{\"entry_fee_fen_per_person\":20,\"rules\":[{\"deadline\":"
         "\"2017-12-10\",\"min_rate\":\"95\",\"fen_per_person\":1}]}",
         422, "rules[0].deadline"},
        {"{\"entry_fee_fen_per_person\":20,\"rules\":[{\"deadline\":"
         "\"2019-12-10\",\"min_rate\":\"100.01\",\"fen_per_person\":1}]}",
         422, "rules[0].min_rate"},
        {"{\"entry_fee_fen_per_person\":20,\"rules\":[{\"deadline\":"
         "\"2019-12-10\",\"min_rate\":\"95.555\",\"fen_per_person\":1}]}",
         422, "rules[0].min_rate"},
        {"{\"entry_fee_fen_per_person\":20,\"rules\":[{\"deadline\":"
         "\"2019-12-10\",\"min_rate\":95,\"fen_per_person\":1}]}",
         400, "rules[0].min_rate"},
        {"{\"entry_fee_fen_per_person\":20,\"rules\":[{\"deadline\":"
         "\"2019-12-10\",\"min_rate\":\"95\",\"fen_per_person\":1.5}]}",
         400, "rules[0].fen_per_person"},
        {"{\"entry_fee_fen_per_person\":20,\"rules\":[{\"deadline\":"
         "\"2019-12-10\",\"min_rate\":\"95\",\"fen_per_person\":1},"
         "{\"deadline\":\"2019-12-10\",\"min_rate\":\"95.00\","
         "\"fen_per_person\":2}]}",
         422, "rules[1].min_rate"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        http_reply r =
            http_json("PUT", "/v1/incentives/2020", ADMIN, bad[i].body);
        ck_assert_msg(r.status == bad[i].status, "%zu: %ld %s", i, r.status,
                      r.body);
        ck_assert_str_eq(error_code(&r), "validation_failed");
        ck_assert_str_eq(error_field(&r), bad[i].field);
        http_reply_free(&r);
    }
    ck_assert_int_eq(
        harness_count("SELECT count(*) FROM incentive_years WHERE year = 2020"),
        0);
    http_reply r = http_json("PUT", "/v1/incentives/2040", ADMIN,
                             "{\"entry_fee_fen_per_person\":20,\"rules\":[]}");
    expect(&r, 422); /* the year is not configured */
    ck_assert_str_eq(error_field(&r), "year");
    http_reply_free(&r);
    r = http("GET", "/v1/incentives/2020", ADMIN, NULL, NULL);
    expect(&r, 404);
    http_reply_free(&r);
    char *county = make_token("county", CTY, NULL);
    r = http_json("PUT", "/v1/incentives/2020", county, SEED003);
    expect(&r, 201);
    ck_assert_str_eq(r.location, "/v1/incentives/2020");
    http_reply_free(&r);
    free(county);
    r = http("GET", "/v1/incentives/2020", ADMIN, NULL, NULL);
    expect(&r, 200);
    ck_assert_int_eq(jint(r.json, "entry_fee_fen_per_person"), 20);
    ck_assert_int_eq(json_array_size(json_object_get(r.json, "rules")), 6);
    json_t *last = at(r.json, "rules", 5);
    ck_assert_str_eq(jstr(last, "deadline"), "2019-12-31");
    ck_assert_str_eq(jstr(last, "min_rate"), "95.00");
    ck_assert_int_eq(jint(last, "fen_per_person"), 60);
    http_reply_free(&r);
    char *town = make_token("township", T1, NULL);
    r = http_json("PUT", "/v1/incentives/2020", town, SEED003);
    expect(&r, 403);
    http_reply_free(&r);
    free(town);
}
END_TEST

static void expect_deadline(json_t *row, size_t k, const char *deadline,
                            long enrolled, const char *rate)
{
    json_t *d = at(row, "by_deadline", k);
    ck_assert_str_eq(jstr(d, "deadline"), deadline);
    ck_assert_int_eq(jint(d, "enrolled"), enrolled);
    if (rate)
        ck_assert_str_eq(jstr(d, "rate"), rate);
    else
        ck_assert(json_is_null(json_object_get(d, "rate")));
}

static void expect_earned(json_t *row, const char *deadline, long fen,
                          long incentive, long entry_fee)
{
    json_t *rule = json_object_get(row, "rule");
    if (deadline) {
        ck_assert_str_eq(jstr(rule, "deadline"), deadline);
        ck_assert_int_eq(jint(rule, "fen_per_person"), fen);
    } else
        ck_assert(json_is_null(rule));
    ck_assert_int_eq(jint(row, "incentive_fen"), incentive);
    ck_assert_int_eq(jint(row, "entry_fee_fen"), entry_fee);
    ck_assert_int_eq(jint(row, "total_fen"), incentive + entry_fee);
}

START_TEST(villages_earn_by_the_rate_they_reached_by_each_deadline)
{
    setup_once();
    http_reply r = http_json("PUT", "/v1/incentives/2020", ADMIN, SEED003);
    ck_assert(r.status == 200 || r.status == 201);
    http_reply_free(&r);
    r = http("GET", "/v1/incentives/2020/report?region=" CTY, ADMIN, NULL,
             NULL);
    expect(&r, 200);
    ck_assert_int_eq(json_array_size(json_object_get(r.json, "rows")), 3);
    ck_assert_int_eq(json_array_size(json_object_get(r.json, "deadlines")), 3);
    /* 一村: 4 of 4 by 10 Dec (the last second counts), p3 at 00:00 on
     * 11 Dec: 100 % by 10 Dec pays 1.2 yuan for 4 people */
    json_t *v1 = at(r.json, "rows", 0);
    ck_assert_str_eq(jstr(v1, "code"), V1);
    ck_assert_int_eq(jint(v1, "target"), 4);
    ck_assert_int_eq(jint(v1, "enrolled"), 5);
    expect_deadline(v1, 0, "2019-12-10", 4, "100.00");
    expect_deadline(v1, 1, "2019-12-20", 5, "125.00");
    expect_deadline(v1, 2, "2019-12-31", 5, "125.00");
    expect_earned(v1, "2019-12-10", 120, 480, 100);
    /* 二村: its groups' targets (2 + 1); q0 reversed on 15 Dec, q5
     * exempted: 1, 2, 3 of 3: 100 % by 31 Dec pays 0.8 yuan */
    json_t *v2 = at(r.json, "rows", 1);
    ck_assert_str_eq(jstr(v2, "code"), V2);
    ck_assert_int_eq(jint(v2, "target"), 3);
    ck_assert_int_eq(jint(v2, "enrolled"), 3);
    expect_deadline(v2, 0, "2019-12-10", 1, "33.33");
    expect_deadline(v2, 1, "2019-12-20", 2, "66.67");
    expect_deadline(v2, 2, "2019-12-31", 3, "100.00");
    expect_earned(v2, "2019-12-31", 80, 240, 60);
    /* 三村: no target, no rate, no incentive; the entry fee still */
    json_t *v3 = at(r.json, "rows", 2);
    ck_assert(json_is_null(json_object_get(v3, "target")));
    ck_assert_int_eq(jint(v3, "enrolled"), 1);
    expect_deadline(v3, 0, "2019-12-10", 1, NULL);
    expect_earned(v3, NULL, 0, 0, 20);
    json_t *total = json_object_get(r.json, "total");
    ck_assert_int_eq(jint(total, "target"), 7);
    ck_assert_int_eq(jint(total, "enrolled"), 9);
    expect_deadline(total, 0, "2019-12-10", 6, "85.71");
    expect_deadline(total, 1, "2019-12-20", 8, "114.29");
    expect_deadline(total, 2, "2019-12-31", 9, "128.57");
    ck_assert_int_eq(jint(total, "incentive_fen"), 720);
    ck_assert_int_eq(jint(total, "entry_fee_fen"), 180);
    ck_assert_int_eq(jint(total, "total_fen"), 900);
    http_reply_free(&r);
}
END_TEST

START_TEST(a_lower_rule_set_changes_what_villages_earn)
{
    setup_once();
    /* 95 % by 10 Dec now pays more than 100 % by 10 Dec: 一村 gets it */
    http_reply r =
        http_json("PUT", "/v1/incentives/2020", ADMIN,
                  "{\"entry_fee_fen_per_person\":0,\"rules\":["
                  "{\"deadline\":\"2019-12-10\",\"min_rate\":\"95\","
                  "\"fen_per_person\":150},"
                  "{\"deadline\":\"2019-12-20\",\"min_rate\":\"66.67\","
                  "\"fen_per_person\":10}]}");
    expect(&r, 200);
    http_reply_free(&r);
    char *town = make_token("township", T1, NULL);
    r = http("GET", "/v1/incentives/2020/report?region=" T1, town, NULL, NULL);
    expect(&r, 200);
    ck_assert_int_eq(json_array_size(json_object_get(r.json, "rows")), 2);
    expect_earned(at(r.json, "rows", 0), "2019-12-10", 150, 600, 0);
    /* 66.67 % exactly, after rounding half-up */
    expect_earned(at(r.json, "rows", 1), "2019-12-20", 10, 20, 0);
    http_reply_free(&r);
    r = http("GET", "/v1/incentives/2020/report?region=" CTY, town, NULL, NULL);
    expect(&r, 403);
    http_reply_free(&r);
    free(town);
    r = http("GET", "/v1/incentives/2031/report?region=" CTY, ADMIN, NULL,
             NULL);
    expect(&r, 404);
    http_reply_free(&r);
    http_reply put_back =
        http_json("PUT", "/v1/incentives/2020", ADMIN, SEED003);
    expect(&put_back, 200);
    http_reply_free(&put_back);
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
    tcase_add_test(tc, incentive_rules_are_stored_whole_or_not_at_all);
    tcase_add_test(tc, villages_earn_by_the_rate_they_reached_by_each_deadline);
    tcase_add_test(tc, a_lower_rule_set_changes_what_villages_earn);
    suite_add_tcase(s, tc);
    return s;
}
