/*
 * test_access.c: the one access decision: roles and region scope.
 */
#include "domain/access.h"

#include <check.h>
#include <string.h>

static const char county_path[1][ACCESS_CODE_BYTES] = {"511724000000"};
static const char village_path[3][ACCESS_CODE_BYTES] = {
    "511724000000", "511724001000", "511724001001"};
static const char other_township_path[2][ACCESS_CODE_BYTES] = {"511724000000",
                                                               "511724002000"};

static principal who(unsigned role, const char *region)
{
    principal p = {.token_id = 1, .role = role};
    strcpy(p.region, region);
    return p;
}

START_TEST(roles_and_scope_decide_together)
{
    static const struct {
        const char *name;
        unsigned role;
        const char *region;
        unsigned route_roles;
        int which; /* 0 none, 1 county, 2 village, 3 other township */
        access_decision expected;
    } cases[] = {
        {"admin passes any role list", ROLE_ADMIN, "", ROLE_COUNTY, 2,
         ACCESS_ALLOW},
        {"county reads its village", ROLE_COUNTY, "511724000000", ROLES_ANY, 2,
         ACCESS_ALLOW},
        {"township reads its village", ROLE_TOWNSHIP, "511724001000", ROLES_ANY,
         2, ACCESS_ALLOW},
        {"township may not read its county", ROLE_TOWNSHIP, "511724001000",
         ROLES_ANY, 1, ACCESS_DENY_SCOPE},
        {"township may not read a sibling", ROLE_TOWNSHIP, "511724001000",
         ROLES_ANY, 3, ACCESS_DENY_SCOPE},
        {"township may not configure", ROLE_TOWNSHIP, "511724001000",
         ROLE_ADMIN | ROLE_COUNTY, 0, ACCESS_DENY_ROLE},
        {"role is checked before scope", ROLE_TAX, "511724000000", ROLE_COUNTY,
         3, ACCESS_DENY_ROLE},
        {"a scoped admin stays in scope", ROLE_ADMIN, "511724002000", ROLES_ANY,
         2, ACCESS_DENY_SCOPE},
        {"a resource without region: role only", ROLE_DASHBOARD, "511724001000",
         ROLES_ANY, 0, ACCESS_ALLOW},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        principal p = who(cases[i].role, cases[i].region);
        const char(*path)[ACCESS_CODE_BYTES] = NULL;
        int depth = 0;
        if (cases[i].which == 1)
            path = county_path, depth = 1;
        else if (cases[i].which == 2)
            path = village_path, depth = 3;
        else if (cases[i].which == 3)
            path = other_township_path, depth = 2;
        ck_assert_msg(access_decide(&p, cases[i].route_roles, path, depth) ==
                          cases[i].expected,
                      "%s", cases[i].name);
    }
}
END_TEST

START_TEST(role_names_round_trip)
{
    const char *names[] = {"admin",     "county", "township",
                           "collector", "tax",    "dashboard"};
    for (size_t i = 0; i < 6; i++)
        ck_assert_str_eq(role_name(role_from_name(names[i])), names[i]);
    ck_assert_uint_eq(role_from_name("mayor"), 0);
    ck_assert_uint_eq(role_from_name(""), 0);
}
END_TEST

Suite *access_suite(void)
{
    Suite *s = suite_create("access");
    TCase *t = tcase_create("decide");
    tcase_add_test(t, roles_and_scope_decide_together);
    tcase_add_test(t, role_names_round_trip);
    suite_add_tcase(s, t);
    return s;
}
