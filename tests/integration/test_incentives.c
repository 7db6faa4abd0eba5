/*
 * test_incentives.c: village incentive rules (validation, storage) and the
 * incentive report over the county of reports_county.c: villages meeting
 * different rules by different deadlines, every number checked.
 */
#define _POSIX_C_SOURCE 200809L
#include "integration/reports_county.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

Suite *incentives_suite(void);

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
    reports_county_setup();
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
    reports_county_setup();
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
    reports_county_setup();
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

Suite *incentives_suite(void)
{
    Suite *s = suite_create("incentives");
    TCase *tc = tcase_create("incentives");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, incentive_rules_are_stored_whole_or_not_at_all);
    tcase_add_test(tc, villages_earn_by_the_rate_they_reached_by_each_deadline);
    tcase_add_test(tc, a_lower_rule_set_changes_what_villages_earn);
    suite_add_tcase(s, tc);
    return s;
}
