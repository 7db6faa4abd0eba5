/*
 * test_payments.c: payments recorded exactly once, priced by the rules,
 * covered by the payment date, reversed, and safe under parallel copies.
 */
#define _POSIX_C_SOURCE 200809L
#include "integration/harness.h"

#include <check.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* 长沙县: a township with two villages, another township with one */
#define CTY "430121000000"
#define TWN "430121101000"
#define VIL "430121101001"
#define VIL2 "430121101002"
#define TWN_B "430121102000"
#define VIL_B "430121102001"

enum { NPEOPLE = 16 };
static char ids[NPEOPLE][19];

static void put(const char *path, const char *body)
{
    http_reply r = http_json("PUT", path, ADMIN, body);
    ck_assert_msg(r.status == 200 || r.status == 201, "%s: %s", path, r.body);
    http_reply_free(&r);
}

/* Household HP-n in village v holding people ids[a..b). ids[0] is dibao,
 * ids[1] tekun, the others hold nothing. */
static void household(int n, const char *v, int a, int b)
{
    char body[4096] = "", *p = body;
    p += sprintf(
        p, "{\"household_no\":\"HP-%d\",\"region_code\":\"%s\",\"members\":[",
        n, v);
    for (int i = a; i < b; i++)
        p += sprintf(p, "%s{\"id_number\":\"%s\",\"name\":\"缴费人%d\"%s}",
                     i > a ? "," : "", ids[i], i,
                     i == 0   ? ",\"categories\":[{\"code\":\"dibao\",\"valid_"
                                "from\":\"2025-01-01\"}]"
                     : i == 1 ? ",\"categories\":[{\"code\":\"tekun\",\"valid_"
                                "from\":\"2025-01-01\"}]"
                              : "");
    sprintf(p, "]}");
    http_reply r = http_json("POST", "/v1/households", ADMIN, body);
    expect(&r, 201);
    http_reply_free(&r);
}

static void setup_once(void)
{
    static bool done;
    if (done)
        return;
    done = true;
    for (int i = 0; i < NPEOPLE; i++) {
        char first17[18];
        snprintf(first17, sizeof first17, "43012119%02d0101%03d", 50 + i,
                 100 + i);
        make_id(first17, ids[i]);
    }
    http_reply r =
        http("POST", "/v1/regions/import", ADMIN, "text/csv",
             "code,name,level,parent_code\n" CTY ",长沙县,county,\n" TWN
             ",星沙街道,township," CTY "\n" VIL ",松雅社区,village," TWN
             "\n" VIL2 ",凉塘社区,village," TWN "\n" TWN_B
             ",黄花镇,township," CTY "\n" VIL_B ",黄花村,village," TWN_B "\n");
    expect(&r, 200);
    http_reply_free(&r);
    put("/v1/categories/dibao", "{\"name\":\"低保对象\"}");
    put("/v1/categories/tekun", "{\"name\":\"特困人员\"}");
    put("/v1/years/2026",
        "{\"collection_start\":\"2025-09-01\",\"collection_end\":\"2025-12-"
        "31\","
        "\"tiers\":[{\"tier\":1,\"contribution\":35000,\"fiscal_subsidy\":"
        "61000}],"
        "\"subsidies\":[{\"category\":\"dibao\",\"tier\":1,\"subsidy\":31500},"
        "{\"category\":\"tekun\",\"tier\":1,\"subsidy\":35000}]}");
    household(1, VIL, 0, 3);   /* dibao, tekun, plain */
    household(2, VIL, 3, 6);   /* single payers */
    household(3, VIL2, 6, 12); /* the parallel and coverage tests */
    household(4, VIL_B, 12, 16);
}

static http_reply pay(const char *token, const char *who, long amount,
                      const char *channel, const char *key, const char *paid_at)
{
    char body[1024];
    snprintf(body, sizeof body,
             "{%s,\"year\":2026,\"tier\":1,\"channel\":\"%s\",\"amount\":%ld,"
             "\"external_id\":\"%s\",\"paid_at\":\"%s\"}",
             who, channel, amount, key, paid_at);
    return http_json("POST", "/v1/payments", token, body);
}

static char *one(int i)
{
    static char who[8][64];
    static int k;
    char *w = who[k++ % 8];
    snprintf(w, 64, "\"id_numbers\":[\"%s\"]", ids[i]);
    return w;
}

START_TEST(a_household_registers_for_the_year_before_paying)
{
    setup_once();
    const char *body = "{\"household_no\":\"HP-2\",\"year\":2026,\"tier\":1}";
    http_reply r = http_json("POST", "/v1/enrolments", ADMIN, body);
    expect(&r, 200);
    ck_assert_int_eq(jint(r.json, "registered"), 3);
    http_reply_free(&r);
    r = http_json("POST", "/v1/enrolments", ADMIN, body);
    expect(&r, 200);
    ck_assert_int_eq(jint(r.json, "registered"), 0);
    ck_assert_int_eq(jint(r.json, "already"), 3);
    http_reply_free(&r);
    ck_assert_int_eq(
        harness_count(
            "SELECT count(*) FROM enrolments e JOIN residents r USING "
            "(id_number) WHERE r.household_no = 'HP-2' "
            "AND e.status = 'registered'"),
        3);
}
END_TEST

START_TEST(a_payment_is_recorded_once_per_key)
{
    setup_once();
    http_reply r =
        pay(ADMIN, one(3), 35000, "bank", "B-1", "2025-10-01T09:30:00+08:00");
    expect(&r, 201);
    long id = jint(r.json, "payment_id");
    json_t *item = json_array_get(json_object_get(r.json, "items"), 0);
    ck_assert_int_eq(jint(item, "personal"), 35000);
    ck_assert_str_eq(jstr(json_object_get(item, "coverage"), "start"),
                     "2026-01-01");
    ck_assert_str_eq(jstr(json_object_get(item, "coverage"), "end"),
                     "2026-12-31");
    http_reply_free(&r);
    r = pay(ADMIN, one(3), 35000, "bank", "B-1", "2025-10-01T09:30:00+08:00");
    expect(&r, 200);
    ck_assert_int_eq(jint(r.json, "payment_id"), id);
    http_reply_free(&r);
    r = pay(ADMIN, one(4), 35000, "bank", "B-1", "2025-10-01T09:30:00+08:00");
    expect(&r, 409);
    ck_assert_str_eq(error_field(&r), "external_id");
    http_reply_free(&r);
    ck_assert_int_eq(
        harness_count(
            "SELECT count(*) FROM payments WHERE external_id = 'B-1'"),
        1);
}
END_TEST

START_TEST(a_wrong_amount_is_422_and_records_nothing)
{
    setup_once();
    http_reply r =
        pay(ADMIN, one(4), 30000, "bank", "B-2", "2025-10-01T09:30:00+08:00");
    expect(&r, 422);
    ck_assert_str_eq(error_field(&r), "amount");
    ck_assert_ptr_nonnull(strstr(r.body, "35000"));
    http_reply_free(&r);
    ck_assert_int_eq(
        harness_count(
            "SELECT count(*) FROM payments WHERE external_id = 'B-2'"),
        0);
    char sql[160];
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM enrolments WHERE id_number = '%s' AND "
             "status = 'paid'",
             ids[4]);
    ck_assert_int_eq(harness_count(sql), 0);
}
END_TEST

START_TEST(a_household_pays_each_members_self_pay_atomically)
{
    setup_once();
    /* dibao pays 3500, tekun 0, the third 35000 */
    http_reply r = pay(ADMIN, "\"household_no\":\"HP-1\"", 38500, "alipay",
                       "A-1", "2025-11-11T11:11:11+08:00");
    expect(&r, 201);
    json_t *items = json_object_get(r.json, "items");
    ck_assert_int_eq(json_array_size(items), 3);
    long personal = 0, subsidy = 0;
    for (size_t i = 0; i < 3; i++) {
        personal += jint(json_array_get(items, i), "personal");
        subsidy += jint(json_array_get(items, i), "subsidy");
    }
    ck_assert_int_eq(personal, 38500);
    ck_assert_int_eq(subsidy, 31500 + 35000);
    http_reply_free(&r);
    /* a household whose member is already paid: nothing recorded for anyone */
    r = pay(ADMIN, "\"household_no\":\"HP-2\"", 105000, "alipay", "A-2",
            "2025-11-11T11:11:11+08:00");
    expect(&r, 409);
    http_reply_free(&r);
    ck_assert_int_eq(
        harness_count(
            "SELECT count(*) FROM payments WHERE external_id = 'A-2'"),
        0);
}
END_TEST

START_TEST(coverage_and_the_late_rule_follow_the_payment_date)
{
    setup_once();
    static const struct {
        int who;
        long amount;
        const char *paid_at, *start;
        long surcharge;
    } cases[] = {
        {6, 35000, "2026-01-15T10:00:00+08:00", "2026-02-01", 0},
        {7, 35000, "2026-04-01T10:00:00+08:00", "2026-06-30", 0},
        {8, 96000, "2026-07-10T10:00:00+08:00", "2026-10-08", 61000},
        /* 23:30 on 31 Dec UTC is 1 Jan in Beijing */
        {9, 35000, "2025-12-31T16:30:00Z", "2026-02-01", 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char key[16];
        snprintf(key, sizeof key, "COV-%zu", i);
        http_reply r = pay(ADMIN, one(cases[i].who), cases[i].amount,
                           "tax_online", key, cases[i].paid_at);
        expect(&r, 201);
        json_t *item = json_array_get(json_object_get(r.json, "items"), 0);
        ck_assert_str_eq(jstr(json_object_get(item, "coverage"), "start"),
                         cases[i].start);
        ck_assert_int_eq(jint(item, "late_surcharge"), cases[i].surcharge);
        http_reply_free(&r);
    }
}
END_TEST

START_TEST(a_reversal_unpays_and_the_person_can_pay_again)
{
    setup_once();
    http_reply r =
        pay(ADMIN, one(5), 35000, "pos", "P-1", "2025-10-02T09:00:00+08:00");
    expect(&r, 201);
    char path[64];
    snprintf(path, sizeof path, "/v1/payments/%ld/reverse",
             jint(r.json, "payment_id"));
    http_reply_free(&r);
    r = http_json("POST", path, ADMIN,
                  "{\"reason\":\"paid_twice\",\"note\":\"重复缴费\"}");
    expect(&r, 200);
    ck_assert_str_eq(jstr(r.json, "status"), "reversed");
    http_reply_free(&r);
    r = http_json("POST", path, ADMIN, "{\"reason\":\"refund\"}");
    expect(&r, 409);
    http_reply_free(&r);
    char sql[160];
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM enrolments WHERE id_number = '%s' AND "
             "status = 'reversed'",
             ids[5]);
    ck_assert_int_eq(harness_count(sql), 1);
    r = pay(ADMIN, one(5), 35000, "pos", "P-2", "2025-10-03T09:00:00+08:00");
    expect(&r, 201);
    http_reply_free(&r);
    ck_assert_int_ge(
        harness_count(
            "SELECT count(*) FROM audit_log WHERE entity = 'payments' "
            "AND action = 'update' AND token_id = 0"),
        1);
}
END_TEST

typedef struct {
    const char *body;
    long status, payment_id;
} parallel_call;

static void *post_payment(void *arg)
{
    parallel_call *c = arg;
    http_reply r = http_json("POST", "/v1/payments", ADMIN, c->body);
    c->status = r.status;
    c->payment_id = jint(r.json, "payment_id");
    http_reply_free(&r);
    return NULL;
}

static void run_parallel(parallel_call *calls, int n)
{
    pthread_t t[32];
    for (int i = 0; i < n; i++)
        pthread_create(&t[i], NULL, post_payment, &calls[i]);
    for (int i = 0; i < n; i++)
        pthread_join(t[i], NULL);
}

START_TEST(sixteen_parallel_copies_record_one_payment)
{
    setup_once();
    char body[512];
    snprintf(body, sizeof body,
             "{\"id_numbers\":[\"%s\"],\"year\":2026,\"tier\":1,\"channel\":"
             "\"wechat\","
             "\"amount\":35000,\"external_id\":\"WX-PAR\",\"paid_at\":\"2025-"
             "10-05T08:00:00+08:00\"}",
             ids[10]);
    parallel_call calls[16];
    for (int i = 0; i < 16; i++)
        calls[i] = (parallel_call){body, 0, 0};
    run_parallel(calls, 16);
    int created = 0, replayed = 0;
    for (int i = 0; i < 16; i++) {
        created += calls[i].status == 201;
        replayed += calls[i].status == 200;
        ck_assert_int_eq(calls[i].payment_id, calls[0].payment_id);
    }
    ck_assert_int_eq(created, 1);
    ck_assert_int_eq(replayed, 15);
    ck_assert_int_eq(
        harness_count(
            "SELECT count(*) FROM payments WHERE external_id = 'WX-PAR'"),
        1);
}
END_TEST

START_TEST(sixteen_parallel_payers_of_one_person_record_one)
{
    setup_once();
    static char bodies[16][512];
    parallel_call calls[16];
    for (int i = 0; i < 16; i++) {
        snprintf(bodies[i], sizeof bodies[i],
                 "{\"id_numbers\":[\"%s\"],\"year\":2026,\"tier\":1,"
                 "\"channel\":\"cash\","
                 "\"amount\":35000,\"external_id\":\"CASH-%d\","
                 "\"paid_at\":\"2025-10-05T08:00:00+08:00\"}",
                 ids[11], i);
        calls[i] = (parallel_call){bodies[i], 0, 0};
    }
    run_parallel(calls, 16);
    int created = 0, conflicts = 0;
    for (int i = 0; i < 16; i++) {
        created += calls[i].status == 201;
        conflicts += calls[i].status == 409;
    }
    ck_assert_int_eq(created, 1);
    ck_assert_int_eq(conflicts, 15);
    char sql[200];
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM payment_items i JOIN payments p ON p.id = "
             "i.payment_id "
             "WHERE i.id_number = '%s' AND p.status = 'accepted'",
             ids[11]);
    ck_assert_int_eq(harness_count(sql), 1);
}
END_TEST

START_TEST(collectors_record_cash_inside_their_region_only)
{
    setup_once();
    char *collector = make_token("collector", TWN_B, NULL);
    http_reply r = pay(collector, one(12), 35000, "cash", "CC-1",
                       "2025-10-06T10:00:00+08:00");
    expect(&r, 201);
    http_reply_free(&r);
    r = pay(collector, one(13), 35000, "wechat", "CC-2",
            "2025-10-06T10:00:00+08:00");
    expect(&r, 403);
    http_reply_free(&r);
    r = pay(collector, one(2), 35000, "cash", "CC-3",
            "2025-10-06T10:00:00+08:00");
    ck_assert(r.status == 403 || r.status == 409);
    http_reply_free(&r);
    r = pay(collector, one(14), 35000, "cash", "CC-4", "2025-10-06T10:00:00");
    expect(&r, 422);
    ck_assert_str_eq(error_field(&r), "paid_at");
    http_reply_free(&r);
    free(collector);
}
END_TEST

static long report_count(const char *token, long *amount)
{
    http_reply r =
        http("GET", "/v1/deposits/undeposited?date=2025-10-07&region=" TWN_B,
             token, NULL, NULL);
    expect(&r, 200);
    json_t *total = json_object_get(r.json, "total");
    long n = jint(total, "count");
    *amount = jint(total, "amount");
    http_reply_free(&r);
    return n;
}

START_TEST(cash_not_deposited_the_same_day_is_reported)
{
    setup_once();
    long collector_id;
    char *collector = make_token("collector", TWN_B, &collector_id);
    char *other = make_token("collector", TWN_B, NULL);
    long pid[2];
    for (int i = 0; i < 2; i++) {
        char key[16];
        snprintf(key, sizeof key, "DEP-%d", i);
        http_reply r =
            pay(collector, one(13 + i), 35000, "cash", key,
                i ? "2025-10-07T18:00:00+08:00" : "2025-10-07T08:00:00+08:00");
        expect(&r, 201);
        pid[i] = jint(r.json, "payment_id");
        http_reply_free(&r);
    }
    long amount;
    ck_assert_int_eq(report_count(collector, &amount), 2);
    ck_assert_int_eq(amount, 70000);
    char body[256];
    /* the morning's cash is deposited that afternoon; the evening's next day */
    snprintf(body, sizeof body,
             "{\"deposited_at\":\"2025-10-07T16:00:00+08:00\","
             "\"bank_ref\":\"BK-1\",\"payment_ids\":[%ld]}",
             pid[0]);
    http_reply r = http_json("POST", "/v1/deposits", other, body);
    expect(&r, 403); /* not the collector who took it */
    http_reply_free(&r);
    r = http_json("POST", "/v1/deposits", collector, body);
    expect(&r, 201);
    ck_assert_int_eq(jint(r.json, "amount"), 35000);
    http_reply_free(&r);
    r = http_json("POST", "/v1/deposits", collector, body);
    expect(&r, 409);
    http_reply_free(&r);
    snprintf(body, sizeof body,
             "{\"deposited_at\":\"2025-10-08T09:00:00+08:00\","
             "\"bank_ref\":\"BK-2\",\"payment_ids\":[%ld]}",
             pid[1]);
    r = http_json("POST", "/v1/deposits", collector, body);
    expect(&r, 201);
    http_reply_free(&r);
    ck_assert_int_eq(report_count(collector, &amount), 1);
    ck_assert_int_eq(amount, 35000);
    free(collector);
    free(other);
}
END_TEST

Suite *payments_suite(void)
{
    Suite *s = suite_create("payments");
    TCase *t = tcase_create("payments");
    tcase_set_timeout(t, 120);
    tcase_add_test(t, a_household_registers_for_the_year_before_paying);
    tcase_add_test(t, a_payment_is_recorded_once_per_key);
    tcase_add_test(t, a_wrong_amount_is_422_and_records_nothing);
    tcase_add_test(t, a_household_pays_each_members_self_pay_atomically);
    tcase_add_test(t, coverage_and_the_late_rule_follow_the_payment_date);
    tcase_add_test(t, a_reversal_unpays_and_the_person_can_pay_again);
    tcase_add_test(t, sixteen_parallel_copies_record_one_payment);
    tcase_add_test(t, sixteen_parallel_payers_of_one_person_record_one);
    tcase_add_test(t, collectors_record_cash_inside_their_region_only);
    tcase_add_test(t, cash_not_deposited_the_same_day_is_reported);
    suite_add_tcase(s, t);
    return s;
}
