/*
 * test_router.c: path patterns, parameters, 404 versus 405.
 */
#include "http/router.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

static void noop(request *rq)
{
    (void)rq;
}

static const route table[] = {
    {"GET", "/v1/regions/{code}", noop, ROLES_ANY, BODY_NONE, true,
     DB_LANE_READ},
    {"POST", "/v1/regions/import", noop, ROLE_ADMIN, BODY_CSV, true,
     DB_LANE_MAIN},
    {"PUT", "/v1/years/{year}", noop, ROLE_ADMIN, BODY_JSON, true,
     DB_LANE_MAIN},
    {"GET", "/v1/years/{year}", noop, ROLES_ANY, BODY_NONE, true, DB_LANE_READ},
    {NULL, NULL, NULL, 0, BODY_NONE, false, DB_LANE_MAIN},
};

static int match(const char *method, const char *path, char *param, buf *allow)
{
    char *params[MAX_PATH_PARAMS];
    int n = 0;
    int i = router_match(table, method, path, params, &n, allow);
    param[0] = '\0';
    if (n > 0)
        strcpy(param, params[0]);
    for (int k = 0; k < n; k++)
        free(params[k]);
    return i;
}

START_TEST(a_pattern_captures_one_segment)
{
    char p[64];
    buf allow = {0};
    ck_assert_int_eq(match("GET", "/v1/regions/511724000000", p, &allow), 0);
    ck_assert_str_eq(p, "511724000000");
    ck_assert_int_eq(match("GET", "/v1/years/2023", p, &allow), 3);
    ck_assert_str_eq(p, "2023");
    buf_free(&allow);
}
END_TEST

START_TEST(a_literal_segment_wins_only_for_its_method)
{
    char p[64];
    buf allow = {0};
    ck_assert_int_eq(match("POST", "/v1/regions/import", p, &allow), 1);
    /* GET /v1/regions/import is the {code} route with code "import" */
    ck_assert_int_eq(match("GET", "/v1/regions/import", p, &allow), 0);
    buf_free(&allow);
}
END_TEST

START_TEST(unknown_paths_and_methods)
{
    static const char *no_route[] = {
        "/v1/regions", "/v1/regions/",   "/v1/regions/1/2", "/v1/regions//", "",
        "/",           "/v1/years/2023/"};
    char p[64];
    for (size_t i = 0; i < sizeof no_route / sizeof no_route[0]; i++) {
        buf allow = {0};
        ck_assert_msg(match("GET", no_route[i], p, &allow) == -1, "%s",
                      no_route[i]);
        ck_assert_uint_eq(allow.len, 0);
        buf_free(&allow);
    }
    buf allow = {0};
    ck_assert_int_eq(match("DELETE", "/v1/years/2023", p, &allow), -1);
    ck_assert_str_eq(allow.data, "PUT, GET");
    buf_free(&allow);
}
END_TEST

/* The lane of the service's own route for method and path; -1 if none. */
static int api_lane(const char *method, const char *path)
{
    char *params[MAX_PATH_PARAMS];
    int n = 0;
    buf allow = {0};
    int i = router_match(api_routes, method, path, params, &n, &allow);
    for (int k = 0; k < n; k++)
        free(params[k]);
    buf_free(&allow);
    return i < 0 ? -1 : (int)api_routes[i].lane;
}

START_TEST(reports_and_health_checks_run_in_the_read_lane)
{
    static const struct {
        const char *method, *path;
        db_lane lane;
    } cases[] = {
        {"GET", "/v1/progress", DB_LANE_READ},
        {"GET", "/v1/progress.csv", DB_LANE_READ},
        {"GET", "/v1/progress.xlsx", DB_LANE_READ},
        {"GET", "/v1/progress/daily", DB_LANE_READ},
        {"GET", "/v1/targets/2025", DB_LANE_READ},
        {"GET", "/healthz", DB_LANE_READ},
        {"GET", "/readyz", DB_LANE_READ},
        {"GET", "/metrics", DB_LANE_READ},
        {"GET", "/v1/whoami", DB_LANE_READ},
        {"GET", "/dashboard", DB_LANE_READ},
        {"GET", "/dashboard/app.js", DB_LANE_READ},
        {"GET", "/v1/regions/511724000000", DB_LANE_READ},
        /* payments, imports, callbacks and the lists stay in the main lane */
        {"POST", "/v1/payments", DB_LANE_MAIN},
        {"POST", "/v1/payments/import", DB_LANE_MAIN},
        {"POST", "/v1/households/import", DB_LANE_MAIN},
        {"POST", "/v1/callbacks/wechatpay", DB_LANE_MAIN},
        {"POST", "/v1/callbacks/alipay", DB_LANE_MAIN},
        {"PUT", "/v1/targets/2025", DB_LANE_MAIN},
        {"GET", "/v1/unpaid", DB_LANE_MAIN},
        {"GET", "/v1/households", DB_LANE_MAIN},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        ck_assert_msg(api_lane(cases[i].method, cases[i].path) ==
                          (int)cases[i].lane,
                      "%s %s", cases[i].method, cases[i].path);
}
END_TEST

START_TEST(nothing_that_writes_or_takes_a_body_runs_in_the_read_lane)
{
    for (int i = 0; api_routes[i].method; i++)
        if (api_routes[i].lane == DB_LANE_READ)
            ck_assert_msg(strcmp(api_routes[i].method, "GET") == 0 &&
                              api_routes[i].body == BODY_NONE,
                          "%s %s", api_routes[i].method, api_routes[i].pattern);
}
END_TEST

Suite *router_suite(void)
{
    Suite *s = suite_create("router");
    TCase *t = tcase_create("match");
    tcase_add_test(t, a_pattern_captures_one_segment);
    tcase_add_test(t, a_literal_segment_wins_only_for_its_method);
    tcase_add_test(t, unknown_paths_and_methods);
    suite_add_tcase(s, t);
    t = tcase_create("lanes");
    tcase_add_test(t, reports_and_health_checks_run_in_the_read_lane);
    tcase_add_test(t,
                   nothing_that_writes_or_takes_a_body_runs_in_the_read_lane);
    suite_add_tcase(s, t);
    return s;
}
