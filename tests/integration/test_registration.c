/*
 * test_registration.c: households, residents, identity, moves, masking,
 * exemptions with maker-checker, quotes and the audit log.
 */
#include "integration/harness.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* 秀山县: two townships, a village under each. */
#define COUNTY "500241000000"
#define TOWN_A "500241101000"
#define VILLAGE_A "500241101001"
#define TOWN_B "500241102000"
#define VILLAGE_B "500241102001"

static char head[19], spouse[19], child[19], other[19], newborn_id[19];

static void setup_once(void)
{
    static bool done;
    if (done)
        return;
    done = true;
    make_id("50024119800101123", head);
    make_id("50024119820202124", spouse);
    make_id("50024120100303125", child);
    make_id("50024119700404126", other);
    make_id("50024120250105127", newborn_id);
    http_reply r =
        http("POST", "/v1/regions/import", ADMIN, "text/csv",
             "code,name,level,parent_code\n" COUNTY
             ",秀山土家族苗族自治县,county,\n" TOWN_A ",隘口镇,township," COUNTY
             "\n" VILLAGE_A ",隘口居委,village," TOWN_A "\n" TOWN_B
             ",清溪场镇,township," COUNTY "\n" VILLAGE_B
             ",平所村,village," TOWN_B "\n");
    expect(&r, 200);
    http_reply_free(&r);
    const char *cats[][2] = {{"dibao", "低保对象"},
                             {"stable_poverty", "稳定脱贫人口"},
                             {"fp_award", "计生优抚（奖抚）对象"},
                             {"veteran_demobilized", "在乡老复员军人"}};
    for (size_t i = 0; i < 4; i++) {
        char path[64], body[128];
        snprintf(path, sizeof path, "/v1/categories/%s", cats[i][0]);
        snprintf(body, sizeof body, "{\"name\":\"%s\"}", cats[i][1]);
        r = http_json("PUT", path, ADMIN, body);
        ck_assert(r.status == 200 || r.status == 201);
        http_reply_free(&r);
    }
    r = http_json(
        "PUT", "/v1/years/2025", ADMIN,
        "{\"collection_start\":\"2024-09-01\",\"collection_end\":\"2024-12-"
        "31\","
        "\"tiers\":[{\"tier\":1,\"contribution\":35000,\"fiscal_subsidy\":"
        "61000},"
        "{\"tier\":2,\"contribution\":72500,\"fiscal_subsidy\":61000}],"
        "\"subsidies\":[{\"category\":\"dibao\",\"tier\":1,\"subsidy\":31500},"
        "{\"category\":\"dibao\",\"tier\":2,\"subsidy\":35000},"
        "{\"category\":\"stable_poverty\",\"tier\":1,\"subsidy\":5000},"
        "{\"category\":\"stable_poverty\",\"tier\":2,\"subsidy\":5000},"
        "{\"category\":\"fp_award\",\"tier\":1,\"subsidy\":28000},"
        "{\"category\":\"fp_award\",\"tier\":2,\"subsidy\":28000},"
        "{\"category\":\"veteran_demobilized\",\"tier\":2,\"subsidy\":72500}]"
        "}");
    expect(&r, 201);
    http_reply_free(&r);
}

static http_reply create_household(const char *token, const char *no,
                                   const char *village, const char *members)
{
    char body[2048];
    snprintf(body, sizeof body,
             "{\"household_no\":\"%s\",\"region_code\":\"%s\","
             "\"attribute\":\"低保户\",\"members\":[%s]}",
             no, village, members);
    return http_json("POST", "/v1/households", token, body);
}

START_TEST(a_household_is_registered_with_its_members)
{
    setup_once();
    char members[1024];
    snprintf(members, sizeof members,
             "{\"id_number\":\"%s\",\"name\":\"杨建国\",\"relation\":\"户主\","
             "\"phone\":\"13800001234\",\"categories\":[{\"code\":\"dibao\","
             "\"valid_from\":\"2024-01-01\",\"source\":\"民政\"}]},"
             "{\"id_number\":\"%s\",\"name\":\"田秀英\",\"relation\":\"配偶\"},"
             "{\"id_number\":\"%s\",\"name\":\"杨小明\",\"relation\":\"子\"}",
             head, spouse, child);
    http_reply r = create_household(ADMIN, "H-A-001", VILLAGE_A, members);
    expect(&r, 201);
    ck_assert_str_eq(r.location, "/v1/households/H-A-001");
    json_t *m = json_object_get(r.json, "members");
    ck_assert_int_eq(json_array_size(m), 3);
    json_t *h = json_array_get(m, 0);
    ck_assert_str_eq(jstr(h, "id_number"), head);
    ck_assert_str_eq(jstr(h, "birth_date"), "1980-01-01");
    ck_assert_str_eq(jstr(h, "sex"), "M");
    ck_assert_str_eq(
        jstr(json_array_get(json_object_get(h, "categories"), 0), "code"),
        "dibao");
    ck_assert_str_eq(jstr(json_array_get(m, 1), "sex"), "F");
    ck_assert_str_eq(jstr(r.json, "attribute"), "低保户");
    http_reply_free(&r);
    r = http("GET", "/v1/households/H-A-001", ADMIN, NULL, NULL);
    expect(&r, 200);
    ck_assert_int_eq(json_array_size(json_object_get(r.json, "members")), 3);
    http_reply_free(&r);
}
END_TEST

START_TEST(the_same_person_in_a_second_household_is_409_naming_the_first)
{
    setup_once();
    char members[512];
    snprintf(members, sizeof members,
             "{\"id_number\":\"%s\",\"name\":\"某人\"},"
             "{\"id_number\":\"%s\",\"name\":\"田秀英\"}",
             other, spouse);
    http_reply r = create_household(ADMIN, "H-A-002", VILLAGE_A, members);
    expect(&r, 409);
    ck_assert_str_eq(error_field(&r), "members[1].id_number");
    ck_assert_ptr_nonnull(strstr(r.body, "H-A-001"));
    http_reply_free(&r);
    /* nothing of the refused household was kept */
    r = http("GET", "/v1/households/H-A-002", ADMIN, NULL, NULL);
    expect(&r, 404);
    http_reply_free(&r);
    char path[64];
    snprintf(path, sizeof path, "/v1/residents/%s", other);
    r = http("GET", path, ADMIN, NULL, NULL);
    expect(&r, 404);
    http_reply_free(&r);
}
END_TEST

START_TEST(identity_documents_are_checked)
{
    setup_once();
    char bad_check[19];
    make_id("50024119900101111", bad_check);
    bad_check[17] = bad_check[17] == '0' ? '1' : '0';
    char future[19];
    make_id("50024121990101111", future);
    static char bodies[6][256];
    snprintf(bodies[0], 256, "{\"id_number\":\"%s\",\"name\":\"甲\"}",
             bad_check);
    snprintf(bodies[1], 256, "{\"id_number\":\"%s\",\"name\":\"乙\"}", future);
    snprintf(bodies[2], 256,
             "{\"id_number\":\"500241800101123\",\"name\":\"丙\"}");
    snprintf(bodies[3], 256,
             "{\"id_number\":\"50024119900231111X\",\"name\":\"丁\"}");
    snprintf(
        bodies[4], 256,
        "{\"id_number\":\"12\",\"doc_type\":\"passport\",\"name\":\"戊\"}");
    snprintf(
        bodies[5], 256,
        "{\"id_number\":\"E12345678\",\"doc_type\":\"visa\",\"name\":\"己\"}");
    for (int i = 0; i < 6; i++) {
        http_reply r = create_household(ADMIN, "H-A-BAD", VILLAGE_A, bodies[i]);
        ck_assert_msg(r.status == 422, "case %d: %ld %s", i, r.status, r.body);
        ck_assert_str_eq(error_field(&r), i == 5 ? "members[0].doc_type"
                                                 : "members[0].id_number");
        http_reply_free(&r);
    }
    /* a lower-case final x is the same number, stored upper-case; a passport
     * is checked by its shape */
    char with_x[19] = "";
    for (int d = 0; d < 1000 && !with_x[0]; d++) {
        char first17[18], id[19];
        snprintf(first17, sizeof first17, "50024119950505%03d", d);
        make_id(first17, id);
        if (id[17] == 'X')
            memcpy(with_x, id, 19);
    }
    char members[512], lower[19];
    memcpy(lower, with_x, 19);
    lower[17] = 'x';
    snprintf(members, sizeof members,
             "{\"id_number\":\"%s\",\"name\":\"庚\"},"
             "{\"id_number\":\"E12345678\",\"doc_type\":\"passport\",\"name\":"
             "\"辛\"},"
             "{\"id_number\":\"O440123456\",\"doc_type\":\"birth_certificate\","
             "\"name\":\"新生儿\"}",
             lower);
    http_reply r = create_household(ADMIN, "H-A-003", VILLAGE_A, members);
    expect(&r, 201);
    ck_assert_str_eq(jstr(json_array_get(json_object_get(r.json, "members"), 0),
                          "id_number"),
                     with_x);
    http_reply_free(&r);
}
END_TEST

START_TEST(members_are_added_moved_and_removed_with_history)
{
    setup_once();
    http_reply r = create_household(ADMIN, "H-A-004", VILLAGE_A, "");
    expect(&r, 201);
    http_reply_free(&r);
    char body[512], path[96];
    snprintf(body, sizeof body,
             "{\"id_number\":\"%s\",\"name\":\"冉某\",\"relation\":\"户主\"}",
             other);
    r = http_json("POST", "/v1/households/H-A-004/members", ADMIN, body);
    expect(&r, 201);
    http_reply_free(&r);
    /* marriage: the spouse moves from H-A-001 to H-A-004 */
    snprintf(path, sizeof path, "/v1/residents/%s/move", spouse);
    r = http_json("POST", path, ADMIN,
                  "{\"household_no\":\"H-A-004\",\"reason\":\"marriage\","
                  "\"relation\":\"配偶\"}");
    expect(&r, 200);
    ck_assert_str_eq(jstr(r.json, "household_no"), "H-A-004");
    http_reply_free(&r);
    r = http_json("POST", path, ADMIN,
                  "{\"household_no\":\"H-A-004\",\"reason\":\"marriage\"}");
    expect(&r, 422);
    http_reply_free(&r);
    char *out = harness_sql(
        "SELECT from_household || '>' || to_household FROM resident_moves");
    ck_assert_ptr_nonnull(strstr(out, "H-A-001>H-A-004"));
    free(out);
    /* the child is removed from H-A-001 */
    snprintf(path, sizeof path,
             "/v1/households/H-A-001/members/%s?reason=moved_away", child);
    r = http("DELETE", path, ADMIN, NULL, NULL);
    expect(&r, 204);
    http_reply_free(&r);
    r = http("DELETE", path, ADMIN, NULL, NULL);
    expect(&r, 404);
    http_reply_free(&r);
    r = http("GET", "/v1/households/H-A-001", ADMIN, NULL, NULL);
    ck_assert_int_eq(json_array_size(json_object_get(r.json, "members")), 1);
    http_reply_free(&r);
    snprintf(path, sizeof path, "/v1/residents/%s", child);
    r = http("GET", path, ADMIN, NULL, NULL);
    expect(&r, 200);
    ck_assert_str_eq(jstr(json_object_get(r.json, "removed"), "reason"),
                     "moved_away");
    http_reply_free(&r);
}
END_TEST

START_TEST(personal_data_is_masked_unless_the_caller_may_see_it)
{
    setup_once();
    char *dash = make_token("dashboard", COUNTY, NULL);
    char *town = make_token("township", TOWN_A, NULL);
    char path[64], masked[19];
    snprintf(path, sizeof path, "/v1/residents/%s", head);
    memcpy(masked, head, 19);
    memset(masked + 6, '*', 8);
    http_reply r = http("GET", path, dash, NULL, NULL);
    expect(&r, 200);
    ck_assert_str_eq(jstr(r.json, "id_number"), masked);
    ck_assert_str_eq(jstr(r.json, "phone"), "138****1234");
    http_reply_free(&r);
    r = http("GET", path, town, NULL, NULL);
    expect(&r, 200);
    ck_assert_str_eq(jstr(r.json, "id_number"), head);
    ck_assert_str_eq(jstr(r.json, "phone"), "13800001234");
    http_reply_free(&r);
    /* lists mask for everyone, the admin included */
    r = http("GET", "/v1/residents?region=" TOWN_A "&limit=1000", ADMIN, NULL,
             NULL);
    expect(&r, 200);
    ck_assert_ptr_null(strstr(r.body, head));
    ck_assert_ptr_nonnull(strstr(r.body, masked));
    http_reply_free(&r);
    /* and the access log never holds the number */
    snprintf(path, sizeof path, "%s/service.log", harness_dir());
    FILE *f = fopen(path, "r");
    char line[4096];
    while (fgets(line, sizeof line, f))
        ck_assert_ptr_null(strstr(line, head));
    fclose(f);
    free(dash);
    free(town);
}
END_TEST

START_TEST(a_township_stays_inside_its_township)
{
    setup_once();
    char *town_b = make_token("township", TOWN_B, NULL);
    http_reply r = http("GET", "/v1/households/H-A-001", town_b, NULL, NULL);
    expect(&r, 403);
    http_reply_free(&r);
    r = create_household(town_b, "H-B-X", VILLAGE_A, "");
    expect(&r, 403);
    http_reply_free(&r);
    r = create_household(town_b, "H-B-001", VILLAGE_B, "");
    expect(&r, 201);
    http_reply_free(&r);
    r = create_household(town_b, "H-B-002", TOWN_B, ""); /* not a village */
    expect(&r, 422);
    ck_assert_str_eq(error_field(&r), "region_code");
    http_reply_free(&r);
    r = http("GET", "/v1/households?region=" TOWN_B, town_b, NULL, NULL);
    expect(&r, 200);
    ck_assert_int_eq(json_array_size(json_object_get(r.json, "items")), 1);
    http_reply_free(&r);
    r = http("GET", "/v1/households?region=" COUNTY, town_b, NULL, NULL);
    expect(&r, 403);
    http_reply_free(&r);
    free(town_b);
}
END_TEST

START_TEST(an_exemption_takes_effect_only_when_another_county_token_approves)
{
    setup_once();
    long town_id;
    char *town = make_token("township", TOWN_A, &town_id);
    char *county = make_token("county", COUNTY, NULL);
    char path[96];
    snprintf(path, sizeof path, "/v1/residents/%s/exemptions", other);
    http_reply r = http_json(
        "POST", path, town,
        "{\"year\":2025,\"reason\":\"insured_elsewhere\","
        "\"note\":\"在浙江省参保\",\"evidence_ref\":\"scan-2024-0012\"}");
    expect(&r, 201);
    ck_assert_str_eq(jstr(r.json, "status"), "proposed");
    long id = jint(r.json, "id");
    http_reply_free(&r);
    r = http_json("POST", path, town,
                  "{\"year\":2025,\"reason\":\"deceased\"}");
    expect(&r, 409);
    http_reply_free(&r);
    char decide[96];
    snprintf(decide, sizeof decide, "/v1/exemptions/%ld/approve", id);
    r = http_json("POST", decide, town, "{}"); /* township: wrong role */
    expect(&r, 403);
    http_reply_free(&r);
    r = http_json("POST", decide, county, "{\"note\":\"核实\"}");
    expect(&r, 200);
    ck_assert_str_eq(jstr(r.json, "status"), "approved");
    http_reply_free(&r);
    r = http_json("POST", decide, county, "{}");
    expect(&r, 409);
    http_reply_free(&r);
    /* the bootstrap admin may not approve what it proposed itself */
    snprintf(path, sizeof path, "/v1/residents/%s/exemptions", head);
    r = http_json("POST", path, ADMIN,
                  "{\"year\":2025,\"reason\":\"military\"}");
    expect(&r, 201);
    id = jint(r.json, "id");
    http_reply_free(&r);
    snprintf(decide, sizeof decide, "/v1/exemptions/%ld/approve", id);
    r = http_json("POST", decide, ADMIN, "{}");
    expect(&r, 403);
    http_reply_free(&r);
    snprintf(decide, sizeof decide, "/v1/exemptions/%ld/reject", id);
    r = http_json("POST", decide, county, "{\"note\":\"证据不足\"}");
    expect(&r, 200);
    ck_assert_str_eq(jstr(r.json, "status"), "rejected");
    http_reply_free(&r);
    r = http("GET", "/v1/exemptions?region=" COUNTY "&status=approved", county,
             NULL, NULL);
    expect(&r, 200);
    ck_assert_int_eq(json_array_size(json_object_get(r.json, "items")), 1);
    http_reply_free(&r);
    free(town);
    free(county);
}
END_TEST

START_TEST(a_quote_applies_the_highest_subsidy_per_tier_and_the_late_rule)
{
    setup_once();
    char path[160];
    /* the head holds dibao: tier 1 pays 35, tier 2 pays 375 */
    snprintf(path, sizeof path,
             "/v1/residents/%s/quote?year=2025&tier=1&date=2024-10-01", head);
    http_reply r = http("GET", path, ADMIN, NULL, NULL);
    expect(&r, 200);
    ck_assert_int_eq(jint(r.json, "subsidy"), 31500);
    ck_assert_int_eq(jint(r.json, "self_pay"), 3500);
    ck_assert_str_eq(jstr(r.json, "applied_category"), "dibao");
    http_reply_free(&r);
    snprintf(path, sizeof path,
             "/v1/residents/%s/quote?year=2025&tier=2&date=2024-10-01", head);
    r = http("GET", path, ADMIN, NULL, NULL);
    ck_assert_int_eq(jint(r.json, "self_pay"), 37500);
    http_reply_free(&r);
    /* from 1 July the fiscal share is not granted and the resident pays it */
    snprintf(path, sizeof path,
             "/v1/residents/%s/quote?year=2025&tier=1&date=2025-07-01", head);
    r = http("GET", path, ADMIN, NULL, NULL);
    ck_assert(json_is_true(json_object_get(r.json, "late")));
    ck_assert_int_eq(jint(r.json, "self_pay"), 35000 + 61000 - 31500);
    http_reply_free(&r);
    /* PATCH replaces the categories: fp_award and veteran_demobilized win
     * in different tiers */
    snprintf(path, sizeof path, "/v1/residents/%s", other);
    r = http_json(
        "PATCH", path, ADMIN,
        "{\"phone\":\"13911112222\",\"categories\":["
        "{\"code\":\"fp_award\",\"valid_from\":\"2024-01-01\"},"
        "{\"code\":\"veteran_demobilized\",\"valid_from\":\"2024-01-01\"}]}");
    expect(&r, 200);
    ck_assert_int_eq(json_array_size(json_object_get(r.json, "categories")), 2);
    http_reply_free(&r);
    snprintf(path, sizeof path,
             "/v1/residents/%s/quote?year=2025&tier=1&date=2024-10-01", other);
    r = http("GET", path, ADMIN, NULL, NULL);
    ck_assert_str_eq(jstr(r.json, "applied_category"), "fp_award");
    ck_assert_int_eq(jint(r.json, "self_pay"), 7000);
    http_reply_free(&r);
    snprintf(path, sizeof path,
             "/v1/residents/%s/quote?year=2025&tier=2&date=2024-10-01", other);
    r = http("GET", path, ADMIN, NULL, NULL);
    ck_assert_str_eq(jstr(r.json, "applied_category"), "veteran_demobilized");
    ck_assert_int_eq(jint(r.json, "self_pay"), 0);
    http_reply_free(&r);
    /* the household sums its members: H-A-004 = other (7000) + spouse (35000)
     */
    r = http("GET",
             "/v1/households/H-A-004/quote?year=2025&tier=1&date=2024-10-01",
             ADMIN, NULL, NULL);
    expect(&r, 200);
    ck_assert_int_eq(jint(json_object_get(r.json, "total"), "self_pay"), 42000);
    ck_assert_int_eq(json_array_size(json_object_get(r.json, "members")), 2);
    http_reply_free(&r);
    snprintf(path, sizeof path, "/v1/residents/%s/quote?year=2019&tier=1",
             head);
    r = http("GET", path, ADMIN, NULL, NULL);
    expect(&r, 422);
    http_reply_free(&r);
    snprintf(path, sizeof path, "/v1/residents/%s/quote?year=2025&tier=3",
             head);
    r = http("GET", path, ADMIN, NULL, NULL);
    expect(&r, 422);
    http_reply_free(&r);
}
END_TEST

START_TEST(a_newborn_certificate_becomes_an_id_number)
{
    setup_once();
    http_reply r = http_json("PATCH", "/v1/residents/O440123456", ADMIN, "{}");
    expect(&r, 200);
    http_reply_free(&r);
    char body[256];
    snprintf(body, sizeof body,
             "{\"id_number\":\"%s\",\"doc_type\":\"resident_id\"}", newborn_id);
    r = http_json("PATCH", "/v1/residents/O440123456", ADMIN, body);
    expect(&r, 200);
    ck_assert_str_eq(jstr(r.json, "id_number"), newborn_id);
    ck_assert_str_eq(jstr(r.json, "birth_date"), "2025-01-05");
    http_reply_free(&r);
    r = http("GET", "/v1/residents/O440123456", ADMIN, NULL, NULL);
    expect(&r, 404);
    http_reply_free(&r);
}
END_TEST

START_TEST(every_write_is_audited_and_the_audit_log_is_append_only)
{
    setup_once();
    char sql[256];
    snprintf(sql, sizeof sql,
             "SELECT count(*) FILTER (WHERE entity = 'residents' AND "
             "entity_key = '%s'), "
             "count(*) FILTER (WHERE entity = 'exemptions' AND token_id IS NOT "
             "NULL), "
             "count(*) FILTER (WHERE entity = 'resident_moves') FROM audit_log",
             spouse);
    char *out = harness_sql(sql);
    ck_assert_ptr_nonnull(out);
    int residents = 0, exemptions = 0, moves = 0;
    ck_assert_int_eq(sscanf(out, "%d|%d|%d", &residents, &exemptions, &moves),
                     3);
    ck_assert_int_ge(residents, 2); /* inserted, then moved */
    ck_assert_int_ge(exemptions, 3);
    ck_assert_int_ge(moves, 1);
    free(out);
    ck_assert_ptr_null(harness_sql("UPDATE audit_log SET action = 'x'"));
    ck_assert_ptr_null(harness_sql("DELETE FROM audit_log"));
}
END_TEST

START_TEST(unknown_people_and_households_are_404)
{
    http_reply r =
        http("GET", "/v1/residents/500241199001011115", ADMIN, NULL, NULL);
    expect(&r, 404);
    http_reply_free(&r);
    r = http("GET", "/v1/households/NOPE", ADMIN, NULL, NULL);
    expect(&r, 404);
    http_reply_free(&r);
    r = http_json("POST", "/v1/households/NOPE/members", ADMIN,
                  "{\"id_number\":\"x\",\"name\":\"y\"}");
    expect(&r, 404);
    http_reply_free(&r);
    r = http("GET", "/v1/residents?region=999", ADMIN, NULL, NULL);
    expect(&r, 422);
    http_reply_free(&r);
    r = http("GET", "/v1/residents", ADMIN, NULL, NULL);
    expect(&r, 400);
    http_reply_free(&r);
}
END_TEST

Suite *registration_suite(void)
{
    Suite *s = suite_create("registration");
    TCase *t = tcase_create("registration");
    tcase_set_timeout(t, 60);
    tcase_add_test(t, a_household_is_registered_with_its_members);
    tcase_add_test(
        t, the_same_person_in_a_second_household_is_409_naming_the_first);
    tcase_add_test(t, identity_documents_are_checked);
    tcase_add_test(t, members_are_added_moved_and_removed_with_history);
    tcase_add_test(t, personal_data_is_masked_unless_the_caller_may_see_it);
    tcase_add_test(t, a_township_stays_inside_its_township);
    tcase_add_test(
        t, an_exemption_takes_effect_only_when_another_county_token_approves);
    tcase_add_test(
        t, a_quote_applies_the_highest_subsidy_per_tier_and_the_late_rule);
    tcase_add_test(t, a_newborn_certificate_becomes_an_id_number);
    tcase_add_test(t, every_write_is_audited_and_the_audit_log_is_append_only);
    tcase_add_test(t, unknown_people_and_households_are_404);
    suite_add_tcase(s, t);
    return s;
}
