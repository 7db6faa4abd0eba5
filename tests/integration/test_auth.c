/*
 * test_auth.c: bearer tokens, roles and region scope.
 */
#include "integration/harness.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* County 110101, two townships, a village under the first. */
static const char *regions_csv =
    "code,name,level,parent_code\n"
    "110101000000,东城区,county,\n"
    "110101001000,东华门街道,township,110101000000\n"
    "110101002000,景山街道,township,110101000000\n"
    "110101001001,多福巷社区,village,110101001000\n";

static void setup_regions(void)
{
    http_reply r =
        http("POST", "/v1/regions/import", ADMIN, "text/csv", regions_csv);
    ck_assert_int_eq(r.status, 200);
    http_reply_free(&r);
}

/* Creates a token and returns its secret (caller frees); *id set. */
static char *create_token(const char *role, const char *region, long *id)
{
    char body[256];
    snprintf(body, sizeof body,
             "{\"name\":\"测试 %s\",\"role\":\"%s\",\"region_code\":\"%s\"}",
             role, role, region);
    http_reply r = http_json("POST", "/v1/tokens", ADMIN, body);
    ck_assert_int_eq(r.status, 201);
    const char *secret = json_string_value(json_object_get(r.json, "token"));
    ck_assert_ptr_nonnull(secret);
    char *out = strdup(secret);
    *id = (long)json_integer_value(json_object_get(r.json, "id"));
    http_reply_free(&r);
    return out;
}

START_TEST(no_token_is_401)
{
    http_reply r = http("GET", "/v1/categories", NULL, NULL, NULL);
    ck_assert_int_eq(r.status, 401);
    ck_assert_str_eq(error_code(&r), "unauthorized");
    http_reply_free(&r);
}
END_TEST

START_TEST(unknown_or_malformed_token_is_401)
{
    http_reply r =
        http("GET", "/v1/categories", "mi_not-a-real-token", NULL, NULL);
    ck_assert_int_eq(r.status, 401);
    http_reply_free(&r);
    r = http("GET", "/v1/categories", "", NULL, NULL);
    ck_assert_int_eq(r.status, 401);
    http_reply_free(&r);
}
END_TEST

START_TEST(a_token_is_shown_once_and_stored_hashed)
{
    setup_regions();
    long id;
    char *secret = create_token("township", "110101001000", &id);
    ck_assert(strncmp(secret, "mi_", 3) == 0);
    char path[64];
    snprintf(path, sizeof path, "/v1/tokens/%ld", id);
    http_reply r = http("GET", path, ADMIN, NULL, NULL);
    ck_assert_int_eq(r.status, 200);
    ck_assert_ptr_null(json_object_get(r.json, "token"));
    ck_assert_str_eq(json_string_value(json_object_get(r.json, "last4")),
                     secret + strlen(secret) - 4);
    ck_assert_ptr_null(strstr(r.body, secret));
    http_reply_free(&r);
    char sql[512];
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM api_tokens WHERE secret_sha256 = "
             "sha256(convert_to('%s', 'UTF8')) AND position('%s' in name || "
             "role || last4) = 0",
             secret, secret);
    char *out = harness_sql(sql);
    ck_assert_ptr_nonnull(out);
    ck_assert_int_eq(atoi(out), 1);
    free(out);
    free(secret);
}
END_TEST

START_TEST(tokens_are_listed_with_a_cursor)
{
    long a, b;
    free(create_token("dashboard", "110101000000", &a));
    free(create_token("dashboard", "110101000000", &b));
    http_reply r = http("GET", "/v1/tokens?limit=1", ADMIN, NULL, NULL);
    ck_assert_int_eq(r.status, 200);
    ck_assert_int_eq(json_array_size(json_object_get(r.json, "items")), 1);
    const char *cursor =
        json_string_value(json_object_get(r.json, "next_cursor"));
    ck_assert_ptr_nonnull(cursor);
    char path[80];
    snprintf(path, sizeof path, "/v1/tokens?limit=500&cursor=%s", cursor);
    http_reply r2 = http("GET", path, ADMIN, NULL, NULL);
    ck_assert_int_eq(r2.status, 200);
    ck_assert_int_ge(json_array_size(json_object_get(r2.json, "items")), 2);
    ck_assert(json_is_null(json_object_get(r2.json, "next_cursor")));
    http_reply_free(&r);
    http_reply_free(&r2);
    r = http("GET", "/v1/tokens?limit=0", ADMIN, NULL, NULL);
    ck_assert_int_eq(r.status, 400);
    ck_assert_str_eq(error_field(&r), "limit");
    http_reply_free(&r);
}
END_TEST

START_TEST(a_township_token_reads_only_inside_its_township)
{
    long id;
    char *tok = create_token("township", "110101001000", &id);
    static const struct {
        const char *path;
        long status;
    } cases[] = {
        {"/v1/regions/110101001000", 200}, /* itself */
        {"/v1/regions/110101001001", 200}, /* its village */
        {"/v1/regions/110101002000", 403}, /* a sibling township */
        {"/v1/regions/110101000000", 403}, /* its county */
        {"/v1/categories", 200},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        http_reply r = http("GET", cases[i].path, tok, NULL, NULL);
        ck_assert_msg(r.status == cases[i].status, "%s: %ld", cases[i].path,
                      r.status);
        if (r.status == 403)
            ck_assert_str_eq(error_code(&r), "forbidden");
        http_reply_free(&r);
    }
    free(tok);
}
END_TEST

START_TEST(a_wrong_role_is_403)
{
    long id;
    char *tok = create_token("township", "110101001000", &id);
    http_reply r = http_json("PUT", "/v1/categories/dibao", tok,
                             "{\"name\":\"低保对象\"}");
    ck_assert_int_eq(r.status, 403);
    ck_assert_str_eq(error_code(&r), "forbidden");
    http_reply_free(&r);
    r = http_json("POST", "/v1/tokens", tok,
                  "{\"name\":\"x\",\"role\":\"admin\"}");
    ck_assert_int_eq(r.status, 403);
    http_reply_free(&r);
    r = http("POST", "/v1/regions/import", tok, "text/csv", regions_csv);
    ck_assert_int_eq(r.status, 403);
    http_reply_free(&r);
    free(tok);
}
END_TEST

START_TEST(a_revoked_token_is_401)
{
    long id;
    char *tok = create_token("tax", "110101000000", &id);
    http_reply r = http("GET", "/v1/categories", tok, NULL, NULL);
    ck_assert_int_eq(r.status, 200);
    http_reply_free(&r);
    char path[64];
    snprintf(path, sizeof path, "/v1/tokens/%ld", id);
    r = http("DELETE", path, ADMIN, NULL, NULL);
    ck_assert_int_eq(r.status, 204);
    http_reply_free(&r);
    r = http("DELETE", path, ADMIN, NULL, NULL);
    ck_assert_int_eq(r.status, 404);
    http_reply_free(&r);
    r = http("GET", "/v1/categories", tok, NULL, NULL);
    ck_assert_int_eq(r.status, 401);
    http_reply_free(&r);
    free(tok);
}
END_TEST

START_TEST(token_requests_are_validated)
{
    static const struct {
        const char *body;
        long status;
        const char *field;
    } cases[] = {
        {"{\"name\":\"a\",\"role\":\"mayor\",\"region_code\":\"110101000000\"}",
         422, "role"},
        {"{\"name\":\"a\",\"role\":\"township\"}", 422, "region_code"},
        {"{\"name\":\"a\",\"role\":\"county\",\"region_code\":"
         "\"999999000000\"}",
         422, "region_code"},
        {"{\"role\":\"county\",\"region_code\":\"110101000000\"}", 400, "name"},
        {"{\"name\":7,\"role\":\"county\"}", 400, "name"},
        {"[1,2]", 400, ""},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        http_reply r = http_json("POST", "/v1/tokens", ADMIN, cases[i].body);
        ck_assert_msg(r.status == cases[i].status, "case %zu: %ld %s", i,
                      r.status, r.body);
        ck_assert_str_eq(error_field(&r), cases[i].field);
        http_reply_free(&r);
    }
}
END_TEST

Suite *auth_suite(void)
{
    Suite *s = suite_create("auth");
    TCase *t = tcase_create("tokens");
    tcase_set_timeout(t, 60);
    tcase_add_test(t, no_token_is_401);
    tcase_add_test(t, unknown_or_malformed_token_is_401);
    tcase_add_test(t, a_token_is_shown_once_and_stored_hashed);
    tcase_add_test(t, tokens_are_listed_with_a_cursor);
    tcase_add_test(t, a_township_token_reads_only_inside_its_township);
    tcase_add_test(t, a_wrong_role_is_403);
    tcase_add_test(t, a_revoked_token_is_401);
    tcase_add_test(t, token_requests_are_validated);
    suite_add_tcase(s, t);
    return s;
}
