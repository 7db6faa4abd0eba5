/*
 * test_tax.c: the tax bureau's side: its daily detail imported line by
 * line under pay()'s rules (and again as a JSON batch), what people owe,
 * and the day's reconciliation.
 */
#define _POSIX_C_SOURCE 200809L
#include "integration/harness.h"

#include <check.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* 宁乡市: a township with a village, another township with one */
#define CTY "430124000000"
#define TWN "430124101000"
#define VIL "430124101001"
#define TWN_B "430124102000"
#define VIL_B "430124102001"

#define HEADER "voucher_no,id_number,year,tier,amount,paid_at,channel\n"

enum { NPEOPLE = 64 };
static char ids[NPEOPLE][19];

static void put(const char *path, const char *body)
{
    http_reply r = http_json("PUT", path, ADMIN, body);
    ck_assert_msg(r.status == 200 || r.status == 201, "%s: %s", path, r.body);
    http_reply_free(&r);
}

/* Household HT-n in village v holding ids[a..b); ids[0], ids[12] and
 * ids[20] are dibao (tier 1: subsidy 31500, self-pay 3500). */
static void household(int n, const char *v, int a, int b)
{
    char body[8192] = "", *p = body;
    p += sprintf(
        p, "{\"household_no\":\"HT-%d\",\"region_code\":\"%s\",\"members\":[",
        n, v);
    for (int i = a; i < b; i++)
        p += sprintf(p, "%s{\"id_number\":\"%s\",\"name\":\"纳税人%d\"%s}",
                     i > a ? "," : "", ids[i], i,
                     i == 0 || i == 12 || i == 20
                         ? ",\"categories\":[{\"code\":\"dibao\",\"valid_"
                           "from\":\"2023-01-01\"}]"
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
        snprintf(first17, sizeof first17, "430124%04d0202%03d", 1930 + i,
                 200 + i);
        make_id(first17, ids[i]);
    }
    http_reply r = http(
        "POST", "/v1/regions/import", ADMIN, "text/csv",
        "code,name,level,parent_code\n" CTY ",宁乡市,county,\n" TWN
        ",玉潭街道,township," CTY "\n" VIL ",城北社区,village," TWN "\n" TWN_B
        ",花明楼镇,township," CTY "\n" VIL_B ",花明楼村,village," TWN_B "\n");
    expect(&r, 200);
    http_reply_free(&r);
    put("/v1/categories/dibao", "{\"name\":\"低保对象\"}");
    put("/v1/years/2024",
        "{\"collection_start\":\"2023-09-01\",\"collection_end\":\"2023-12-"
        "31\",\"tiers\":[{\"tier\":1,\"contribution\":35000,\"fiscal_"
        "subsidy\":61000},{\"tier\":2,\"contribution\":72500,\"fiscal_"
        "subsidy\":61000}],\"subsidies\":[{\"category\":\"dibao\",\"tier\":"
        "1,\"subsidy\":31500},{\"category\":\"dibao\",\"tier\":2,"
        "\"subsidy\":35000}]}");
    household(1, VIL, 0, 8);    /* the import */
    household(2, VIL_B, 8, 12); /* JSON batch, scope */
    household(3, VIL, 12, 16);  /* payables */
    household(4, VIL, 16, 24);  /* reconciliation */
    household(5, VIL, 24, 64);  /* parallel imports */
}

static http_reply import(const char *token, const char *csv)
{
    return http("POST", "/v1/payments/import", token, "text/csv", csv);
}

/* The rejection of line (or index) n in r, or NULL. */
static json_t *rejection(const http_reply *r, const char *ref, long n)
{
    size_t i;
    json_t *v;
    json_array_foreach (json_object_get(r->json, "rejected"), i, v)
        if (jint(v, ref) == n)
            return json_object_get(v, "error");
    return NULL;
}

static void expect_rejected(const http_reply *r, const char *ref, long n,
                            const char *code, const char *field)
{
    json_t *e = rejection(r, ref, n);
    ck_assert_msg(e != NULL, "%s %ld not rejected: %s", ref, n, r->body);
    ck_assert_str_eq(jstr(e, "code"), code);
    ck_assert_msg(!strcmp(jstr(e, "field"), field), "%s %ld: field %s: %s", ref,
                  n, jstr(e, "field"), r->body);
}

static char the_file[4096];

/* The day's file: good, duplicate, wrong-amount, unknown, bad-date,
 * already-paid, bad channel and reused-voucher lines. */
static const char *day_file(void)
{
    char unknown[19];
    make_id("43012419990101999", unknown);
    snprintf(the_file, sizeof the_file,
             HEADER
             /* 2: dibao, self-pay 3500, Beijing time without offset */
             "T-1,%s,2024,1,3500,2023-10-01 09:00:00,tax_hall\n"
             /* 3 */
             "T-2,%s,2024,1,35000,2023-10-01T09:00:00+08:00,tax_online\n"
             /* 4: line 3 again */
             "T-2,%s,2024,1,35000,2023-10-01T09:00:00+08:00,tax_online\n"
             /* 5: wrong amount */
             "T-3,%s,2024,1,30000,2023-10-01 10:00:00,bank\n"
             /* 6: nobody */
             "T-4,%s,2024,1,35000,2023-10-01 10:00:00,bank\n"
             /* 7: no such date */
             "T-5,%s,2024,1,35000,2023-13-45 10:00:00,bank\n"
             /* 8: paid on line 3 */
             "T-6,%s,2024,1,35000,2023-10-02 10:00:00,pos\n"
             /* 9: unknown channel */
             "T-7,%s,2024,1,35000,2023-10-02 10:00:00,cheque\n"
             /* 10: line 3's voucher for someone else */
             "T-2,%s,2024,1,35000,2023-10-01T09:00:00+08:00,tax_online\n"
             /* 11: too few fields */
             "T-8,%s\n",
             ids[0], ids[1], ids[1], ids[2], unknown, ids[3], ids[1], ids[4],
             ids[5], ids[6]);
    return the_file;
}

START_TEST(an_import_records_the_good_lines_and_names_the_bad_ones)
{
    setup_once();
    http_reply r = import(ADMIN, day_file());
    expect(&r, 200);
    ck_assert_int_eq(jint(r.json, "accepted"), 2);
    ck_assert_int_eq(jint(r.json, "duplicates"), 1);
    ck_assert_int_eq(jint(r.json, "rejected_count"), 7);
    expect_rejected(&r, "line", 5, "validation_failed", "amount");
    ck_assert_ptr_nonnull(
        strstr(jstr(rejection(&r, "line", 5), "message"), "35000"));
    expect_rejected(&r, "line", 6, "validation_failed", "id_number");
    expect_rejected(&r, "line", 7, "validation_failed", "paid_at");
    expect_rejected(&r, "line", 8, "conflict", "id_number");
    expect_rejected(&r, "line", 9, "validation_failed", "channel");
    expect_rejected(&r, "line", 10, "conflict", "voucher_no");
    ck_assert_ptr_nonnull(rejection(&r, "line", 11));
    ck_assert_ptr_null(rejection(&r, "line", 4));
    /* listed in line order */
    json_t *list = json_object_get(r.json, "rejected");
    for (size_t i = 1; i < json_array_size(list); i++)
        ck_assert_int_lt(jint(json_array_get(list, i - 1), "line"),
                         jint(json_array_get(list, i), "line"));
    http_reply_free(&r);
    ck_assert_int_eq(harness_count("SELECT count(*) FROM payments WHERE "
                                   "external_id LIKE 'T-%' AND tax_detail"),
                     2);
    char sql[256];
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM enrolments WHERE id_number IN ('%s', '%s') "
             "AND year = 2024 AND status = 'paid' AND coverage_start = "
             "'2024-01-01'",
             ids[0], ids[1]);
    ck_assert_int_eq(harness_count(sql), 2);
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM payment_items WHERE id_number = '%s' AND "
             "personal = 3500 AND subsidy = 31500 AND category = 'dibao'",
             ids[0]);
    ck_assert_int_eq(harness_count(sql), 1);
}
END_TEST

START_TEST(the_same_file_again_changes_nothing)
{
    setup_once();
    long before = harness_count("SELECT count(*) FROM payments");
    http_reply r = import(ADMIN, day_file());
    expect(&r, 200);
    ck_assert_int_eq(jint(r.json, "accepted"), 0);
    ck_assert_int_eq(jint(r.json, "duplicates"), 3);
    expect_rejected(&r, "line", 8, "conflict", "id_number");
    expect_rejected(&r, "line", 10, "conflict", "voucher_no");
    http_reply_free(&r);
    /* streamed in chunks, as a client sending a file does */
    r = http_chunked("POST", "/v1/payments/import", ADMIN, "text/csv",
                     day_file());
    expect(&r, 200);
    ck_assert_int_eq(jint(r.json, "duplicates"), 3);
    http_reply_free(&r);
    ck_assert_int_eq(harness_count("SELECT count(*) FROM payments"), before);
}
END_TEST

START_TEST(a_person_paid_online_is_already_paid_and_the_same_voucher_is_one)
{
    setup_once();
    char body[512], csv[512];
    /* paid at the counter and recorded online first */
    snprintf(body, sizeof body,
             "{\"id_numbers\":[\"%s\"],\"year\":2024,\"tier\":1,\"channel\":"
             "\"tax_online\",\"amount\":35000,\"external_id\":\"T-9\","
             "\"paid_at\":\"2023-10-03T10:00:00+08:00\"}",
             ids[7]);
    http_reply r = http_json("POST", "/v1/payments", ADMIN, body);
    expect(&r, 201);
    http_reply_free(&r);
    snprintf(csv, sizeof csv,
             HEADER "T-9,%s,2024,1,35000,2023-10-03T10:00:00+08:00,"
                    "tax_online\n"
                    "T-10,%s,2024,1,35000,2023-10-03 11:00:00,bank\n",
             ids[7], ids[7]);
    r = import(ADMIN, csv);
    expect(&r, 200);
    ck_assert_int_eq(jint(r.json, "duplicates"), 1);
    expect_rejected(&r, "line", 3, "conflict", "id_number");
    http_reply_free(&r);
    /* and an imported voucher sent again online replays it */
    snprintf(body, sizeof body,
             "{\"id_numbers\":[\"%s\"],\"year\":2024,\"tier\":1,\"channel\":"
             "\"tax_online\",\"amount\":35000,\"external_id\":\"T-2\","
             "\"paid_at\":\"2023-10-01T09:00:00+08:00\"}",
             ids[1]);
    r = http_json("POST", "/v1/payments", ADMIN, body);
    expect(&r, 200);
    http_reply_free(&r);
}
END_TEST

START_TEST(a_json_batch_answers_by_index)
{
    setup_once();
    char body[2048];
    snprintf(body, sizeof body,
             "{\"payments\":["
             "{\"voucher_no\":\"J-1\",\"id_number\":\"%s\",\"year\":2024,"
             "\"tier\":1,\"amount\":35000,\"paid_at\":\"2023-10-05 08:00:00\","
             "\"channel\":\"wechat\"},"
             "{\"voucher_no\":\"J-2\",\"id_number\":\"%s\",\"year\":2024,"
             "\"tier\":1,\"amount\":35001,\"paid_at\":\"2023-10-05 08:00:00\","
             "\"channel\":\"alipay\"},"
             "{\"voucher_no\":\"J-3\",\"id_number\":\"%s\",\"year\":2024,"
             "\"tier\":1,\"amount\":35000,\"paid_at\":\"2023-10-05 08:00:00\"},"
             "[],"
             "{\"voucher_no\":\"J-4\",\"id_number\":\"%s\",\"year\":\"2024\","
             "\"tier\":1,\"amount\":35000,\"paid_at\":\"2023-10-05 08:00:00\","
             "\"channel\":\"cash\"}]}",
             ids[8], ids[9], ids[10], ids[11]);
    http_reply r = http_json("POST", "/v1/tax/payments", ADMIN, body);
    expect(&r, 200);
    ck_assert_int_eq(jint(r.json, "accepted"), 1);
    expect_rejected(&r, "index", 1, "validation_failed", "amount");
    expect_rejected(&r, "index", 2, "validation_failed", "channel");
    ck_assert_ptr_nonnull(rejection(&r, "index", 3));
    expect_rejected(&r, "index", 4, "validation_failed", "year");
    http_reply_free(&r);
    r = http_json("POST", "/v1/tax/payments", ADMIN, body);
    expect(&r, 200);
    ck_assert_int_eq(jint(r.json, "accepted"), 0);
    ck_assert_int_eq(jint(r.json, "duplicates"), 1);
    http_reply_free(&r);
    r = http_json("POST", "/v1/tax/payments", ADMIN, "{\"payments\":[]}");
    expect(&r, 422);
    http_reply_free(&r);
    r = http_json("POST", "/v1/tax/payments", ADMIN, "{\"payments\":{}}");
    expect(&r, 400);
    http_reply_free(&r);
}
END_TEST

START_TEST(a_tax_token_records_inside_its_region_only)
{
    setup_once();
    char *tax = make_token("tax", TWN_B, NULL);
    char csv[512];
    snprintf(csv, sizeof csv,
             HEADER "S-1,%s,2024,1,35000,2023-10-06 08:00:00,tax_hall\n"
                    "S-2,%s,2024,1,35000,2023-10-06 08:00:00,tax_hall\n",
             ids[9], ids[5]);
    http_reply r = import(tax, csv);
    expect(&r, 200);
    ck_assert_int_eq(jint(r.json, "accepted"), 1);
    expect_rejected(&r, "line", 3, "forbidden", "id_number");
    http_reply_free(&r);
    char *township = make_token("township", TWN_B, NULL);
    r = import(township, csv);
    expect(&r, 403);
    http_reply_free(&r);
    free(tax);
    free(township);
}
END_TEST

/* The tier in a payables answer. */
static json_t *tier(const http_reply *r, int n)
{
    size_t i;
    json_t *t;
    json_array_foreach (json_object_get(r->json, "tiers"), i, t)
        if (jint(t, "tier") == n)
            return t;
    return NULL;
}

START_TEST(payables_say_what_each_tier_costs_now)
{
    setup_once();
    http_reply r = http("GET",
                        "/v1/tax/payables?year=2024&household_no=HT-3&date="
                        "2023-11-01",
                        ADMIN, NULL, NULL);
    expect(&r, 200);
    ck_assert_str_eq(jstr(r.json, "date"), "2023-11-01");
    /* dibao 3500 + three at 35000; tier 2: 37500 + three at 72500 */
    ck_assert_int_eq(jint(tier(&r, 1), "amount"), 108500);
    ck_assert_int_eq(jint(tier(&r, 2), "amount"), 255000);
    ck_assert_int_eq(json_array_size(json_object_get(tier(&r, 1), "people")),
                     4);
    json_t *first = json_array_get(json_object_get(tier(&r, 1), "people"), 0);
    ck_assert_str_eq(jstr(first, "id_number"), ids[12]);
    ck_assert_int_eq(jint(first, "subsidy"), 31500);
    ck_assert_str_eq(jstr(first, "category"), "dibao");
    http_reply_free(&r);
    /* one of them pays: the others are left */
    char csv[256];
    snprintf(csv, sizeof csv,
             HEADER "P-1,%s,2024,1,35000,2023-10-07 08:00:00,bank\n", ids[13]);
    r = import(ADMIN, csv);
    expect(&r, 200);
    http_reply_free(&r);
    char path[160];
    snprintf(path, sizeof path,
             "/v1/tax/payables?year=2024&household_no=HT-3&date=2023-11-01");
    r = http("GET", path, ADMIN, NULL, NULL);
    ck_assert_int_eq(jint(tier(&r, 1), "amount"), 73500);
    http_reply_free(&r);
    /* one person, seen by a collector of the village's township */
    char *collector = make_token("collector", TWN, NULL);
    snprintf(path, sizeof path,
             "/v1/tax/payables?year=2024&id_number=%s&date=2023-11-01",
             ids[12]);
    r = http("GET", path, collector, NULL, NULL);
    expect(&r, 200);
    ck_assert_int_eq(jint(tier(&r, 1), "amount"), 3500);
    http_reply_free(&r);
    free(collector);
    static const struct {
        const char *query;
        long status;
    } bad[] = {
        {"year=2024&household_no=HT-3&date=2024-12-31", 422}, /* too late */
        {"year=2019&household_no=HT-3&date=2023-11-01", 422}, /* no year */
        {"year=2024&household_no=HT-404", 404},
        {"year=2024", 400},
        {"household_no=HT-3", 400},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        snprintf(path, sizeof path, "/v1/tax/payables?%s", bad[i].query);
        r = http("GET", path, ADMIN, NULL, NULL);
        ck_assert_msg(r.status == bad[i].status, "%s: %ld %s", bad[i].query,
                      r.status, r.body);
        http_reply_free(&r);
    }
    char *other = make_token("township", TWN_B, NULL);
    r = http("GET", "/v1/tax/payables?year=2024&household_no=HT-3", other, NULL,
             NULL);
    expect(&r, 403);
    http_reply_free(&r);
    free(other);
}
END_TEST

/* 2023-11-20 in Beijing: three payments recorded from the detail, one at
 * the POS reversed, one just after midnight on the 21st. */
static void reconciliation_day(void)
{
    static bool done;
    if (done)
        return;
    done = true;
    char csv[1024];
    snprintf(csv, sizeof csv,
             HEADER "R-1,%s,2024,1,35000,2023-11-20 10:00:00,tax_online\n"
                    /* 23:30 UTC on the 19th is 07:30 on the 20th */
                    "R-2,%s,2024,1,35000,2023-11-19T23:30:00Z,bank\n"
                    "R-3,%s,2024,1,35000,2023-11-20T23:30:00+08:00,tax_hall\n"
                    /* 00:30 on the 21st */
                    "R-5,%s,2024,1,35000,2023-11-20T16:30:00Z,tax_online\n",
             ids[16], ids[17], ids[18], ids[19]);
    http_reply r = import(ADMIN, csv);
    expect(&r, 200);
    ck_assert_int_eq(jint(r.json, "accepted"), 4);
    http_reply_free(&r);
    char body[512];
    snprintf(body, sizeof body,
             "{\"id_numbers\":[\"%s\"],\"year\":2024,\"tier\":1,\"channel\":"
             "\"pos\",\"amount\":35000,\"external_id\":\"R-4\","
             "\"paid_at\":\"2023-11-20T12:00:00+08:00\"}",
             ids[21]);
    r = http_json("POST", "/v1/payments", ADMIN, body);
    expect(&r, 201);
    char path[64];
    snprintf(path, sizeof path, "/v1/payments/%ld/reverse",
             jint(r.json, "payment_id"));
    http_reply_free(&r);
    r = http_json("POST", path, ADMIN, "{\"reason\":\"refund\"}");
    expect(&r, 200);
    http_reply_free(&r);
}

static json_t *channel(json_t *channels, const char *name)
{
    size_t i;
    json_t *c;
    json_array_foreach (channels, i, c)
        if (!strcmp(jstr(c, "channel"), name))
            return c;
    return NULL;
}

START_TEST(reconciliation_counts_the_beijing_day_per_channel)
{
    setup_once();
    reconciliation_day();
    http_reply r = http("GET", "/v1/tax/reconciliation?date=2023-11-20", ADMIN,
                        NULL, NULL);
    expect(&r, 200);
    json_t *channels = json_object_get(r.json, "channels");
    ck_assert_int_eq(json_array_size(channels), 3);
    ck_assert_int_eq(jint(channel(channels, "bank"), "count"), 1);
    ck_assert_int_eq(jint(channel(channels, "tax_hall"), "amount"), 35000);
    ck_assert_int_eq(jint(channel(channels, "tax_online"), "count"), 1);
    ck_assert_ptr_null(channel(channels, "pos"));
    ck_assert_int_eq(jint(json_object_get(r.json, "total"), "count"), 3);
    ck_assert_int_eq(jint(json_object_get(r.json, "total"), "amount"), 105000);
    http_reply_free(&r);
    r = http("GET", "/v1/tax/reconciliation?date=2023-11-21", ADMIN, NULL,
             NULL);
    ck_assert_int_eq(jint(json_object_get(r.json, "total"), "count"), 1);
    http_reply_free(&r);
    r = http("GET", "/v1/tax/reconciliation?date=2023-02-30", ADMIN, NULL,
             NULL);
    expect(&r, 400);
    http_reply_free(&r);
    char *township = make_token("township", TWN, NULL);
    r = http("GET", "/v1/tax/reconciliation?date=2023-11-20", township, NULL,
             NULL);
    expect(&r, 403);
    http_reply_free(&r);
    free(township);
    /* a tax token of the other township sees none of it */
    char *tax = make_token("tax", TWN_B, NULL);
    r = http("GET", "/v1/tax/reconciliation?date=2023-11-20", tax, NULL, NULL);
    expect(&r, 200);
    ck_assert_int_eq(jint(json_object_get(r.json, "total"), "count"), 0);
    http_reply_free(&r);
    free(tax);
}
END_TEST

static json_t *voucher(const http_reply *r, const char *no)
{
    size_t i;
    json_t *v;
    json_array_foreach (json_object_get(r->json, "vouchers"), i, v)
        if (!strcmp(jstr(v, "voucher_no"), no))
            return v;
    return NULL;
}

START_TEST(the_bureaus_side_is_answered_line_by_line)
{
    setup_once();
    reconciliation_day();
    http_reply r =
        http_json("POST", "/v1/tax/reconciliation", ADMIN,
                  "{\"date\":\"2023-11-20\",\"totals\":["
                  "{\"channel\":\"tax_online\",\"count\":1,\"amount\":35000},"
                  "{\"channel\":\"bank\",\"count\":2,\"amount\":70000}],"
                  "\"vouchers\":[{\"voucher_no\":\"R-1\",\"amount\":35000},"
                  "{\"voucher_no\":\"R-3\",\"amount\":30000},"
                  "{\"voucher_no\":\"R-X\",\"amount\":35000}]}");
    expect(&r, 200);
    ck_assert(json_is_false(json_object_get(r.json, "balanced")));
    json_t *channels = json_object_get(r.json, "channels");
    json_t *bank = json_object_get(channel(channels, "bank"), "difference");
    ck_assert_int_eq(jint(bank, "count"), -1);
    ck_assert_int_eq(jint(bank, "amount"), -35000);
    json_t *hall = json_object_get(channel(channels, "tax_hall"), "difference");
    ck_assert_int_eq(jint(hall, "count"), 1);
    json_t *online =
        json_object_get(channel(channels, "tax_online"), "difference");
    ck_assert_int_eq(jint(online, "amount"), 0);
    ck_assert_str_eq(jstr(voucher(&r, "R-2"), "difference"), "missing_there");
    ck_assert_str_eq(jstr(voucher(&r, "R-3"), "difference"), "amount_differs");
    ck_assert_int_eq(jint(voucher(&r, "R-3"), "ours"), 35000);
    ck_assert_str_eq(jstr(voucher(&r, "R-X"), "difference"), "missing_here");
    ck_assert(json_is_null(json_object_get(voucher(&r, "R-X"), "ours")));
    ck_assert_ptr_null(voucher(&r, "R-1"));
    ck_assert_int_eq(jint(r.json, "voucher_differences"), 3);
    http_reply_free(&r);
    r = http_json("POST", "/v1/tax/reconciliation", ADMIN,
                  "{\"date\":\"2023-11-20\",\"totals\":["
                  "{\"channel\":\"tax_online\",\"count\":1,\"amount\":35000},"
                  "{\"channel\":\"tax_hall\",\"count\":1,\"amount\":35000},"
                  "{\"channel\":\"bank\",\"count\":1,\"amount\":35000}],"
                  "\"vouchers\":[{\"voucher_no\":\"R-1\",\"amount\":35000},"
                  "{\"voucher_no\":\"R-2\",\"amount\":35000},"
                  "{\"voucher_no\":\"R-3\",\"amount\":35000}]}");
    expect(&r, 200);
    ck_assert(json_is_true(json_object_get(r.json, "balanced")));
    http_reply_free(&r);
    static const struct {
        const char *body, *field;
    } bad[] = {
        {"{\"date\":\"2023-11-20\"}", "totals"},
        {"{\"date\":\"2023-11-20\",\"totals\":[{\"channel\":\"cheque\","
         "\"count\":1,\"amount\":1}]}",
         "totals[0].channel"},
        {"{\"date\":\"2023-11-20\",\"vouchers\":[{\"voucher_no\":\"A\","
         "\"amount\":1},{\"voucher_no\":\"A\",\"amount\":2}]}",
         "vouchers[1].voucher_no"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        r = http_json("POST", "/v1/tax/reconciliation", ADMIN, bad[i].body);
        expect(&r, 422);
        ck_assert_str_eq(error_field(&r), bad[i].field);
        http_reply_free(&r);
    }
}
END_TEST

/* Batches skip the foreign keys' per-row triggers (checking and locking
 * for the whole batch instead) only while the tables have no trigger of
 * their own: one added later still sees every row. */
START_TEST(a_trigger_added_on_the_tables_still_fires_for_imported_lines)
{
    setup_once();
    char *out = harness_sql(
        "CREATE TABLE tax_test_seen (id_number text);"
        "CREATE FUNCTION tax_test_seen() RETURNS trigger LANGUAGE plpgsql AS "
        "$$ BEGIN INSERT INTO tax_test_seen VALUES (NEW.id_number); "
        "RETURN NULL; END $$;"
        "CREATE TRIGGER tax_test_seen AFTER INSERT ON payment_items "
        "FOR EACH ROW EXECUTE FUNCTION tax_test_seen();");
    ck_assert_ptr_nonnull(out);
    free(out);
    char csv[512];
    snprintf(csv, sizeof csv,
             HEADER "G-1,%s,2024,1,35000,2023-10-09 08:00:00,cash\n"
                    "G-2,%s,2024,1,35000,2023-10-09 08:00:00,cash\n",
             ids[22], ids[23]);
    http_reply r = import(ADMIN, csv);
    expect(&r, 200);
    ck_assert_int_eq(jint(r.json, "accepted"), 2);
    http_reply_free(&r);
    ck_assert_int_eq(harness_count("SELECT count(*) FROM tax_test_seen"), 2);
    out =
        harness_sql("DROP TRIGGER tax_test_seen ON payment_items;"
                    "DROP FUNCTION tax_test_seen(); DROP TABLE tax_test_seen;");
    ck_assert_ptr_nonnull(out);
    free(out);
}
END_TEST

typedef struct {
    const char *csv;
    long status, accepted, duplicates;
} parallel_import;

static void *run_import(void *arg)
{
    parallel_import *p = arg;
    http_reply r = import(ADMIN, p->csv);
    p->status = r.status;
    p->accepted = jint(r.json, "accepted");
    p->duplicates = jint(r.json, "duplicates");
    http_reply_free(&r);
    return NULL;
}

START_TEST(the_same_file_sent_twice_at_once_is_recorded_once)
{
    setup_once();
    static char csv[8192];
    char *p = csv + sprintf(csv, HEADER);
    for (int i = 24; i < 64; i++)
        p += sprintf(p, "Q-%d,%s,2024,1,35000,2023-10-08 08:00:00,bank\n", i,
                     ids[i]);
    parallel_import a = {csv, 0, 0, 0}, b = {csv, 0, 0, 0};
    pthread_t ta, tb;
    pthread_create(&ta, NULL, run_import, &a);
    pthread_create(&tb, NULL, run_import, &b);
    pthread_join(ta, NULL);
    pthread_join(tb, NULL);
    ck_assert_int_eq(a.status, 200);
    ck_assert_int_eq(b.status, 200);
    ck_assert_int_eq(a.accepted + b.accepted, 40);
    ck_assert_int_eq(a.duplicates + b.duplicates, 40);
    ck_assert_int_eq(
        harness_count("SELECT count(*) FROM payments WHERE external_id LIKE "
                      "'Q-%'"),
        40);
}
END_TEST

Suite *tax_suite(void)
{
    Suite *s = suite_create("tax");
    TCase *t = tcase_create("tax");
    tcase_set_timeout(t, 120);
    tcase_add_test(t, an_import_records_the_good_lines_and_names_the_bad_ones);
    tcase_add_test(t, the_same_file_again_changes_nothing);
    tcase_add_test(
        t, a_person_paid_online_is_already_paid_and_the_same_voucher_is_one);
    tcase_add_test(t, a_json_batch_answers_by_index);
    tcase_add_test(t, a_tax_token_records_inside_its_region_only);
    tcase_add_test(t, payables_say_what_each_tier_costs_now);
    tcase_add_test(t, reconciliation_counts_the_beijing_day_per_channel);
    tcase_add_test(t, the_bureaus_side_is_answered_line_by_line);
    tcase_add_test(t, the_same_file_sent_twice_at_once_is_recorded_once);
    tcase_add_test(
        t, a_trigger_added_on_the_tables_still_fires_for_imported_lines);
    suite_add_tcase(s, t);
    return s;
}
