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
    {"GET", "/v1/regions/{code}", noop, ROLES_ANY, BODY_NONE, true},
    {"POST", "/v1/regions/import", noop, ROLE_ADMIN, BODY_CSV, true},
    {"PUT", "/v1/years/{year}", noop, ROLE_ADMIN, BODY_JSON, true},
    {"GET", "/v1/years/{year}", noop, ROLES_ANY, BODY_NONE, true},
    {NULL, NULL, NULL, 0, BODY_NONE, false},
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

Suite *router_suite(void)
{
    Suite *s = suite_create("router");
    TCase *t = tcase_create("match");
    tcase_add_test(t, a_pattern_captures_one_segment);
    tcase_add_test(t, a_literal_segment_wins_only_for_its_method);
    tcase_add_test(t, unknown_paths_and_methods);
    suite_add_tcase(s, t);
    return s;
}
