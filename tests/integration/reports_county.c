/*
 * reports_county.c: the small county the report suites share, built once
 * through the API (regions, categories, two years, households, payments at
 * chosen times, a reversal, exemptions) with targets inserted in SQL.
 */
#define _POSIX_C_SOURCE 200809L
#include "integration/reports_county.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char report_ids[NPEOPLE][19];

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
             report_ids[i], i, relation, phone ? ",\"phone\":\"" : "",
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
        p += sprintf(p, "%s\"%s\"", i ? "," : "", report_ids[who[i]]);
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
    snprintf(path, sizeof path, "/v1/residents/%s/exemptions", report_ids[who]);
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
             report_ids[S5]);
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

void reports_county_setup(void)
{
    static bool done;
    if (done)
        return;
    done = true;
    for (int i = 0; i < NPEOPLE; i++) {
        char first17[18];
        snprintf(first17, sizeof first17, "43130119%02d0303%03d", 60 + i,
                 200 + i);
        make_id(first17, report_ids[i]);
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
