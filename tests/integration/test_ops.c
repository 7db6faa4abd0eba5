/*
 * test_ops.c: health, metrics, routing and the error shape.
 */
#include "integration/harness.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

START_TEST(healthz_answers_ok)
{
    http_reply r = http("GET", "/healthz", NULL, NULL, NULL);
    ck_assert_int_eq(r.status, 200);
    ck_assert_str_eq(json_string_value(json_object_get(r.json, "status")),
                     "ok");
    http_reply_free(&r);
}
END_TEST

START_TEST(readyz_reports_the_schema_version)
{
    http_reply r = http("GET", "/readyz", NULL, NULL, NULL);
    ck_assert_int_eq(r.status, 200);
    ck_assert_int_ge(
        json_integer_value(json_object_get(r.json, "schema_version")), 2);
    http_reply_free(&r);
}
END_TEST

START_TEST(metrics_count_requests_per_route_and_status)
{
    http_reply a = http("GET", "/healthz", NULL, NULL, NULL);
    http_reply_free(&a);
    http_reply r = http("GET", "/metrics", NULL, NULL, NULL);
    ck_assert_int_eq(r.status, 200);
    ck_assert_ptr_nonnull(strstr(r.content_type, "text/plain"));
    ck_assert_ptr_nonnull(strstr(r.body, "http_requests_total{method=\"GET\","
                                         "route=\"/healthz\",status=\"200\"}"));
    ck_assert_ptr_nonnull(
        strstr(r.body, "http_request_duration_seconds_bucket{"));
    ck_assert_ptr_nonnull(
        strstr(r.body, "db_pool_connections{state=\"in_use\"}"));
    /* READ_WORKERS (4) connections kept for the read lane */
    ck_assert_ptr_nonnull(strstr(
        r.body, "db_pool_lane_connections{lane=\"read\",state=\"max\"} 4\n"));
    ck_assert_ptr_nonnull(
        strstr(r.body, "db_errors_total{kind=\"unavailable\"}"));
    http_reply_free(&r);
}
END_TEST

START_TEST(unknown_path_is_404_with_the_error_shape)
{
    http_reply r = http("GET", "/v1/nothing-here", ADMIN, NULL, NULL);
    ck_assert_int_eq(r.status, 404);
    ck_assert_str_eq(error_code(&r), "not_found");
    ck_assert_ptr_nonnull(
        json_object_get(json_object_get(r.json, "error"), "message"));
    http_reply_free(&r);
}
END_TEST

START_TEST(wrong_method_is_405_with_allow)
{
    http_reply r = http("DELETE", "/v1/categories", ADMIN, NULL, NULL);
    ck_assert_int_eq(r.status, 405);
    ck_assert_str_eq(error_code(&r), "method_not_allowed");
    ck_assert_str_eq(r.allow, "GET");
    http_reply_free(&r);
}
END_TEST

START_TEST(malformed_json_is_400_invalid_json)
{
    http_reply r =
        http_json("PUT", "/v1/categories/dibao", ADMIN, "{\"name\": ");
    ck_assert_int_eq(r.status, 400);
    ck_assert_str_eq(error_code(&r), "invalid_json");
    http_reply_free(&r);
}
END_TEST

START_TEST(wrong_content_type_is_415)
{
    http_reply r = http("PUT", "/v1/categories/dibao", ADMIN, "text/plain",
                        "{\"name\":\"低保对象\"}");
    ck_assert_int_eq(r.status, 415);
    ck_assert_str_eq(error_code(&r), "unsupported_media_type");
    http_reply_free(&r);
}
END_TEST

START_TEST(body_over_the_limit_is_413)
{
    size_t n = 70000; /* the harness sets MAX_BODY_BYTES=65536 */
    char *big = malloc(n + 32);
    strcpy(big, "{\"name\":\"");
    memset(big + 9, 'a', n);
    strcpy(big + 9 + n, "\"}");
    http_reply r = http_json("PUT", "/v1/categories/dibao", ADMIN, big);
    ck_assert_int_eq(r.status, 413);
    ck_assert_str_eq(error_code(&r), "payload_too_large");
    http_reply_free(&r);
    free(big);
}
END_TEST

START_TEST(the_request_id_is_echoed)
{
    /* a well-formed X-Request-Id is kept; the harness client sends none, so
     * check that one is generated and is in the access log */
    http_reply r = http("GET", "/healthz", NULL, NULL, NULL);
    ck_assert_int_eq(r.status, 200);
    http_reply_free(&r);
    char path[300];
    snprintf(path, sizeof path, "%s/service.log", harness_dir());
    FILE *f = fopen(path, "r");
    ck_assert_ptr_nonnull(f);
    char line[2048];
    bool found = false;
    while (fgets(line, sizeof line, f))
        if (strstr(line, "\"msg\":\"request\"") &&
            strstr(line, "\"request_id\"") &&
            strstr(line, "\"route\":\"/healthz\"") &&
            strstr(line, "\"duration_ms\""))
            found = true;
    fclose(f);
    ck_assert(found);
}
END_TEST

Suite *ops_suite(void)
{
    Suite *s = suite_create("operations");
    TCase *t = tcase_create("ops");
    tcase_set_timeout(t, 60);
    tcase_add_test(t, healthz_answers_ok);
    tcase_add_test(t, readyz_reports_the_schema_version);
    tcase_add_test(t, metrics_count_requests_per_route_and_status);
    tcase_add_test(t, unknown_path_is_404_with_the_error_shape);
    tcase_add_test(t, wrong_method_is_405_with_allow);
    tcase_add_test(t, malformed_json_is_400_invalid_json);
    tcase_add_test(t, wrong_content_type_is_415);
    tcase_add_test(t, body_over_the_limit_is_413);
    tcase_add_test(t, the_request_id_is_echoed);
    suite_add_tcase(s, t);
    return s;
}
