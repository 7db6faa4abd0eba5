/*
 * test_reference.c: regions, categories and years.
 */
#include "integration/harness.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static json_t *rejected_line(const http_reply *r, size_t i)
{
    return json_array_get(json_object_get(r->json, "rejected"), i);
}

START_TEST(a_three_level_csv_imports_and_reads_back)
{
    /* the village comes before its township: lines apply level by level */
    const char *csv =
        "\xEF\xBB\xBF"
        "code,name,level,parent_code\r\n"
        "511724001001,隘口居委,village,511724001000\r\n"
        "511724000000,大竹县,county,\r\n"
        "511724001000,竹阳街道,township,511724000000\r\n"
        "\"511724001002\",\"平所村, 一组\",village,511724001000\r\n";
    http_reply r = http("POST", "/v1/regions/import", ADMIN, "text/csv", csv);
    ck_assert_int_eq(r.status, 200);
    ck_assert_int_eq(jint(r.json, "inserted"), 4);
    ck_assert_int_eq(json_array_size(json_object_get(r.json, "rejected")), 0);
    http_reply_free(&r);

    r = http("GET", "/v1/regions/511724001000", ADMIN, NULL, NULL);
    ck_assert_int_eq(r.status, 200);
    ck_assert_str_eq(json_string_value(json_object_get(r.json, "name")),
                     "竹阳街道");
    ck_assert_str_eq(json_string_value(json_object_get(r.json, "level")),
                     "township");
    ck_assert_str_eq(json_string_value(json_object_get(r.json, "parent_code")),
                     "511724000000");
    json_t *path = json_object_get(r.json, "path");
    ck_assert_int_eq(json_array_size(path), 2);
    json_t *children = json_object_get(r.json, "children");
    ck_assert_int_eq(json_array_size(children), 2);
    ck_assert_str_eq(
        json_string_value(json_object_get(json_array_get(children, 1), "name")),
        "平所村, 一组");
    http_reply_free(&r);

    /* the same file again changes nothing */
    r = http("POST", "/v1/regions/import", ADMIN, "text/csv", csv);
    ck_assert_int_eq(r.status, 200);
    ck_assert_int_eq(jint(r.json, "inserted"), 0);
    ck_assert_int_eq(jint(r.json, "unchanged"), 4);
    http_reply_free(&r);
}
END_TEST

START_TEST(bad_lines_are_reported_and_the_rest_kept)
{
    const char *csv =
        "code,name,level,parent_code\n"
        "511724002000,东柳街道,township,511724000000\n"     /* 2 good */
        "511724009001,孤儿村,village,511724009000\n"        /* 3 orphan */
        "511724002000,东柳街道重复,township,511724000000\n" /* 4 duplicate */
        "511724002001,新院村,village,511724002000\n"        /* 5 good */
        "511724002002,屯堡村,hamlet,511724002000\n"         /* 6 bad level */
        "51172400200X,凉桥村,village,511724002000\n"        /* 7 bad code */
        "511724002003,坝芒村,village,511724000000\n" /* 8 parent two up */
        "511724002004,,village,511724002000\n";      /* 9 no name */
    http_reply r = http("POST", "/v1/regions/import", ADMIN, "text/csv", csv);
    ck_assert_int_eq(r.status, 200);
    ck_assert_int_eq(jint(r.json, "inserted"), 2);
    static const long lines[] = {3, 4, 6, 7, 8, 9};
    ck_assert_int_eq(json_array_size(json_object_get(r.json, "rejected")), 6);
    for (size_t i = 0; i < 6; i++) {
        json_t *rej = rejected_line(&r, i);
        ck_assert_int_eq(jint(rej, "line"), lines[i]);
        ck_assert_str_eq(json_string_value(json_object_get(
                             json_object_get(rej, "error"), "code")),
                         "validation_failed");
    }
    const char *dup = json_string_value(json_object_get(
        json_object_get(rejected_line(&r, 1), "error"), "message"));
    ck_assert_ptr_nonnull(strstr(dup, "line 2"));
    http_reply_free(&r);
    r = http("GET", "/v1/regions/511724002001", ADMIN, NULL, NULL);
    ck_assert_int_eq(r.status, 200);
    http_reply_free(&r);
    r = http("GET", "/v1/regions/511724009001", ADMIN, NULL, NULL);
    ck_assert_int_eq(r.status, 404);
    http_reply_free(&r);
}
END_TEST

START_TEST(an_import_needs_csv_with_the_right_header)
{
    http_reply r =
        http("POST", "/v1/regions/import", ADMIN, "application/json", "{}");
    ck_assert_int_eq(r.status, 415);
    http_reply_free(&r);
    r = http("POST", "/v1/regions/import", ADMIN, "text/csv",
             "code,name,level\n1,a,county\n");
    ck_assert_int_eq(r.status, 400);
    ck_assert_str_eq(error_field(&r), "parent_code");
    http_reply_free(&r);
    r = http("POST", "/v1/regions/import", ADMIN, "text/csv",
             "code,name,level,parent_code\n\"1,a,county,\n");
    ck_assert_int_eq(r.status, 400);
    http_reply_free(&r);
}
END_TEST

/* A CSV of n bad-level lines: parsed and rejected without touching rows. */
static char *bad_lines_csv(size_t n)
{
    const char *line = "511724001099,测试,hamlet,511724001000\n";
    size_t len = strlen(line);
    char *csv = malloc(64 + n * len);
    strcpy(csv, "code,name,level,parent_code\n");
    char *p = csv + strlen(csv);
    for (size_t i = 0; i < n; i++, p += len)
        memcpy(p, line, len);
    *p = '\0';
    return csv;
}

START_TEST(a_streamed_import_larger_than_the_buffer_is_read_to_its_end)
{
    char *csv = bad_lines_csv(100000); /* about 4 MB, the buffer holds 1 MB */
    http_reply r =
        http_chunked("POST", "/v1/regions/import", ADMIN, "text/csv", csv);
    ck_assert_int_eq(r.status, 200);
    json_t *rejected = json_object_get(r.json, "rejected");
    ck_assert_int_eq(json_array_size(rejected), 100000);
    ck_assert_int_eq(jint(json_array_get(rejected, 99999), "line"), 100001);
    http_reply_free(&r);
    free(csv);
}
END_TEST

START_TEST(an_import_over_the_limit_is_413_streamed_or_declared)
{
    char *csv = bad_lines_csv(250000); /* about 10 MB, the harness allows 8 */
    http_reply r =
        http_chunked("POST", "/v1/regions/import", ADMIN, "text/csv", csv);
    ck_assert_int_eq(r.status, 413);
    ck_assert_str_eq(error_code(&r), "payload_too_large");
    http_reply_free(&r);
    /* a declared length over the limit is refused before the body is read:
     * the client sees the 413, or, when the close races its sending, a cut
     * connection; either way nothing is read and the service goes on */
    r = http("POST", "/v1/regions/import", ADMIN, "text/csv", csv);
    ck_assert_msg(r.status == 413 || r.status == 0, "got %ld", r.status);
    http_reply_free(&r);
    free(csv);
    r = http("GET", "/healthz", NULL, NULL, NULL);
    ck_assert_int_eq(r.status, 200);
    http_reply_free(&r);
}
END_TEST

START_TEST(a_county_token_imports_only_inside_its_county)
{
    http_reply r = http_json("POST", "/v1/tokens", ADMIN,
                             "{\"name\":\"县医保局\",\"role\":\"county\","
                             "\"region_code\":\"511724000000\"}");
    ck_assert_int_eq(r.status, 201);
    char *tok = strdup(json_string_value(json_object_get(r.json, "token")));
    http_reply_free(&r);
    const char *csv = "code,name,level,parent_code\n"
                      "511724003000,白塔街道,township,511724000000\n"
                      "110101003000,外县街道,township,110101000000\n";
    r = http("POST", "/v1/regions/import", tok, "text/csv", csv);
    ck_assert_int_eq(r.status, 200);
    ck_assert_int_eq(jint(r.json, "inserted"), 1);
    ck_assert_int_eq(jint(rejected_line(&r, 0), "line"), 3);
    http_reply_free(&r);
    free(tok);
}
END_TEST

START_TEST(categories_are_created_then_updated)
{
    http_reply r = http_json("PUT", "/v1/categories/dibao", ADMIN,
                             "{\"name\":\"低保对象\",\"department\":\"民政\"}");
    ck_assert_int_eq(r.status, 201);
    ck_assert_str_eq(r.location, "/v1/categories/dibao");
    http_reply_free(&r);
    r = http_json("PUT", "/v1/categories/dibao", ADMIN,
                  "{\"name\":\"城乡低保对象\"}");
    ck_assert_int_eq(r.status, 200);
    http_reply_free(&r);
    r = http("GET", "/v1/categories/dibao", ADMIN, NULL, NULL);
    ck_assert_int_eq(r.status, 200);
    ck_assert_str_eq(json_string_value(json_object_get(r.json, "name")),
                     "城乡低保对象");
    ck_assert(json_is_null(json_object_get(r.json, "department")));
    http_reply_free(&r);
    r = http_json("PUT", "/v1/categories/Bad-Code", ADMIN, "{\"name\":\"x\"}");
    ck_assert_int_eq(r.status, 422);
    ck_assert_str_eq(error_field(&r), "code");
    http_reply_free(&r);
    r = http_json("PUT", "/v1/categories/tekun", ADMIN,
                  "{\"name\":\"特困人员\"}");
    ck_assert_int_eq(r.status, 201);
    http_reply_free(&r);
    r = http("GET", "/v1/categories", ADMIN, NULL, NULL);
    ck_assert_int_eq(json_array_size(json_object_get(r.json, "items")), 2);
    http_reply_free(&r);
}
END_TEST

static const char *year_2023 =
    "{\"collection_start\":\"2022-09-01\",\"collection_end\":\"2022-12-15\","
    "\"tiers\":[{\"tier\":1,\"contribution\":35000,\"fiscal_subsidy\":61000},"
    "{\"tier\":2,\"contribution\":72500,\"fiscal_subsidy\":61000}],"
    "\"subsidies\":[{\"category\":\"dibao\",\"tier\":1,\"subsidy\":31500},"
    "{\"category\":\"dibao\",\"tier\":2,\"subsidy\":35000},"
    "{\"category\":\"tekun\",\"tier\":1,\"subsidy\":35000}]}";

START_TEST(a_year_is_stored_with_coverage_defaults)
{
    http_reply r = http_json("PUT", "/v1/years/2023", ADMIN, year_2023);
    ck_assert_msg(r.status == 201, "%ld %s", r.status, r.body);
    http_reply_free(&r);
    r = http_json("PUT", "/v1/years/2023", ADMIN, year_2023);
    ck_assert_int_eq(r.status, 200);
    http_reply_free(&r);
    r = http("GET", "/v1/years/2023", ADMIN, NULL, NULL);
    ck_assert_int_eq(r.status, 200);
    json_t *cov = json_object_get(r.json, "coverage");
    ck_assert_str_eq(json_string_value(json_object_get(cov, "full_year_until")),
                     "2022-12-31");
    ck_assert_str_eq(
        json_string_value(json_object_get(cov, "next_month_until")),
        "2023-02-28");
    ck_assert_int_eq(jint(cov, "waiting_days"), 90);
    ck_assert_str_eq(
        json_string_value(json_object_get(cov, "no_fiscal_subsidy_from")),
        "2023-07-01");
    ck_assert_int_eq(json_array_size(json_object_get(r.json, "subsidies")), 3);
    ck_assert_int_eq(jint(json_array_get(json_object_get(r.json, "tiers"), 1),
                          "contribution"),
                     72500);
    http_reply_free(&r);
    r = http("GET", "/v1/years/2031", ADMIN, NULL, NULL);
    ck_assert_int_eq(r.status, 404);
    http_reply_free(&r);
}
END_TEST

START_TEST(bad_years_are_refused_and_change_nothing)
{
    static const struct {
        const char *body;
        long status;
        const char *field;
    } cases[] = {
        {"{\"collection_start\":\"2022-09-01\",\"collection_end\":\"2022-12-"
         "15\","
         "\"tiers\":[{\"tier\":1,\"contribution\":35000,\"fiscal_subsidy\":0}],"
         "\"subsidies\":[{\"category\":\"dibao\",\"tier\":1,\"subsidy\":1},"
         "{\"category\":\"nosuch\",\"tier\":1,\"subsidy\":1}]}",
         422, "subsidies[1].category"},
        {"{\"collection_start\":\"2022-09-01\",\"collection_end\":\"2022-12-"
         "15\","
         "\"tiers\":[{\"tier\":1,\"contribution\":35000,\"fiscal_subsidy\":0}],"
         "\"subsidies\":[{\"category\":\"dibao\",\"tier\":2,\"subsidy\":1}]}",
         422, "subsidies[0].tier"},
        {"{\"collection_start\":\"2022-09-01\",\"collection_end\":\"2022-12-"
         "15\","
         "\"tiers\":[{\"tier\":1,\"contribution\":-1,\"fiscal_subsidy\":0}]}",
         422, "tiers[0].contribution"},
        {"{\"collection_start\":\"2022-09-01\",\"collection_end\":\"2022-12-"
         "15\","
         "\"tiers\":[{\"tier\":1,\"contribution\":\"350.00\",\"fiscal_"
         "subsidy\":0}]}",
         400, "tiers[0].contribution"},
        {"{\"collection_start\":\"2022-09-01\",\"collection_end\":\"2022-12-"
         "15\","
         "\"tiers\":[{\"tier\":1,\"contribution\":350.5,\"fiscal_subsidy\":0}]"
         "}",
         400, "tiers[0].contribution"},
        {"{\"collection_start\":\"2022-02-30\",\"collection_end\":\"2022-12-"
         "15\","
         "\"tiers\":[{\"tier\":1,\"contribution\":1,\"fiscal_subsidy\":0}]}",
         422, "collection_start"},
        {"{\"collection_start\":\"2022-12-16\",\"collection_end\":\"2022-12-"
         "15\","
         "\"tiers\":[{\"tier\":1,\"contribution\":1,\"fiscal_subsidy\":0}]}",
         422, "collection_end"},
        {"{\"collection_start\":\"2022-09-01\",\"collection_end\":\"2022-12-"
         "15\","
         "\"tiers\":[]}",
         422, "tiers"},
        {"{\"collection_start\":\"2022-09-01\",\"collection_end\":\"2022-12-"
         "15\","
         "\"tiers\":[{\"tier\":1,\"contribution\":1,\"fiscal_subsidy\":0},"
         "{\"tier\":1,\"contribution\":2,\"fiscal_subsidy\":0}]}",
         422, "tiers[1].tier"},
        {"{\"collection_start\":\"2022-09-01\",\"collection_end\":\"2022-12-"
         "15\","
         "\"tiers\":[{\"tier\":1,\"contribution\":1,\"fiscal_subsidy\":0}],"
         "\"coverage\":{\"no_fiscal_subsidy_from\":\"2023-01-15\"}}",
         422, "coverage.no_fiscal_subsidy_from"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        http_reply r = http_json("PUT", "/v1/years/2023", ADMIN, cases[i].body);
        ck_assert_msg(r.status == cases[i].status, "case %zu: %ld %s", i,
                      r.status, r.body);
        ck_assert_str_eq(error_code(&r), "validation_failed");
        ck_assert_msg(strcmp(error_field(&r), cases[i].field) == 0,
                      "case %zu: field %s", i, error_field(&r));
        http_reply_free(&r);
    }
    /* the stored year is still the good one */
    http_reply r = http("GET", "/v1/years/2023", ADMIN, NULL, NULL);
    ck_assert_int_eq(r.status, 200);
    ck_assert_int_eq(json_array_size(json_object_get(r.json, "subsidies")), 3);
    ck_assert_int_eq(json_array_size(json_object_get(r.json, "tiers")), 2);
    http_reply_free(&r);
}
END_TEST

Suite *reference_suite(void)
{
    Suite *s = suite_create("reference data");
    TCase *t = tcase_create("regions, categories, years");
    tcase_set_timeout(t, 60);
    tcase_add_test(t, a_three_level_csv_imports_and_reads_back);
    tcase_add_test(t, bad_lines_are_reported_and_the_rest_kept);
    tcase_add_test(t, an_import_needs_csv_with_the_right_header);
    tcase_add_test(t,
                   a_streamed_import_larger_than_the_buffer_is_read_to_its_end);
    tcase_add_test(t, an_import_over_the_limit_is_413_streamed_or_declared);
    tcase_add_test(t, a_county_token_imports_only_inside_its_county);
    tcase_add_test(t, categories_are_created_then_updated);
    tcase_add_test(t, a_year_is_stored_with_coverage_defaults);
    tcase_add_test(t, bad_years_are_refused_and_change_nothing);
    suite_add_tcase(s, t);
    return s;
}
