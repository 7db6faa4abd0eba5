/*
 * test_idnumber.c: unit tests for domain/idnumber (GB 11643-1999 checks,
 * check character, messages, masking). Exports idnumber_suite().
 */
#include <check.h>
#include <string.h>

#include "domain/idnumber.h"

Suite *idnumber_suite(void);

#define NROWS(a) ((int)(sizeof(a) / sizeof((a)[0])))

static const civil_date today = {2024, 6, 15};

static const struct {
    const char *id;
    id_status st;
    civil_date birth; /* checked on ID_OK only */
    char sex;
} check_cases[] = {
    /* well-formed numbers, check characters computed per ISO 7064 */
    {"11010519491231002X", ID_OK, {1949, 12, 31}, 'F'},
    {"130102199003071233", ID_OK, {1990, 3, 7}, 'M'},
    {"320583198506124561", ID_OK, {1985, 6, 12}, 'F'},
    {"510108197809200313", ID_OK, {1978, 9, 20}, 'M'},
    {"11010120240615007X", ID_OK, {2024, 6, 15}, 'M'}, /* born today */
    {"110101190001010081", ID_OK, {1900, 1, 1}, 'F'},  /* earliest day */
    {"110101200002290018", ID_OK, {2000, 2, 29}, 'M'}, /* 400-year leap */
    {"110101200402290025", ID_OK, {2004, 2, 29}, 'F'}, /* 4-year leap */
    /* birth dates that do not exist (check characters are right) */
    {"110101200102290031", ID_BAD_BIRTH_DATE, {0, 0, 0}, 0}, /* 2001 */
    {"110101190002290046", ID_BAD_BIRTH_DATE, {0, 0, 0}, 0}, /* 1900 */
    {"110101199002310052", ID_BAD_BIRTH_DATE, {0, 0, 0}, 0}, /* 31 Feb */
    {"110101202402300042", ID_BAD_BIRTH_DATE, {0, 0, 0}, 0}, /* 30 Feb */
    {"110101199013010012", ID_BAD_BIRTH_DATE, {0, 0, 0}, 0}, /* month 13 */
    {"11010119900001003X", ID_BAD_BIRTH_DATE, {0, 0, 0}, 0}, /* month 0 */
    {"110101199001000028", ID_BAD_BIRTH_DATE, {0, 0, 0}, 0}, /* day 0 */
    {"110101189912310095", ID_BAD_BIRTH_DATE, {0, 0, 0}, 0}, /* < 1900 */
    {"440524188001010014", ID_BAD_BIRTH_DATE, {0, 0, 0}, 0}, /* 1880 */
    {"110101202406160067", ID_FUTURE_BIRTH_DATE, {0, 0, 0}, 0},
    /* check character */
    {"110105194912310021", ID_BAD_CHECK_DIGIT, {0, 0, 0}, 0},
    {"130102199003071234", ID_BAD_CHECK_DIGIT, {0, 0, 0}, 0},
    {"13010219900307123X", ID_BAD_CHECK_DIGIT, {0, 0, 0}, 0},
    {"110101199001010020", ID_BAD_CHECK_DIGIT, {0, 0, 0}, 0},
    /* characters */
    {"11010519491231002x", ID_BAD_CHARS, {0, 0, 0}, 0}, /* lower-case x */
    {"1101051949123100AX", ID_BAD_CHARS, {0, 0, 0}, 0},
    {"A1010519491231002X", ID_BAD_CHARS, {0, 0, 0}, 0},
    {"11010519491X31002X", ID_BAD_CHARS, {0, 0, 0}, 0},
    {"110105194912310 2X", ID_BAD_CHARS, {0, 0, 0}, 0},
    {"11010519491231002Y", ID_BAD_CHARS, {0, 0, 0}, 0},
    {"１10105194912310023", ID_BAD_LENGTH, {0, 0, 0}, 0}, /* full-width */
    /* lengths */
    {"", ID_BAD_LENGTH, {0, 0, 0}, 0},
    {"11010519491231002", ID_BAD_LENGTH, {0, 0, 0}, 0},
    {"11010519491231002X1", ID_BAD_LENGTH, {0, 0, 0}, 0},
    {"11010519491231002X ", ID_BAD_LENGTH, {0, 0, 0}, 0},
    {" 11010519491231002X", ID_BAD_LENGTH, {0, 0, 0}, 0},
    {"1101051949123100", ID_BAD_LENGTH, {0, 0, 0}, 0},
    /* the old 15-digit format */
    {"110105491231002", ID_LEGACY_15, {0, 0, 0}, 0},
    {"11010549123100X", ID_BAD_LENGTH, {0, 0, 0}, 0},
};

START_TEST(id_status_follows_gb11643_rules)
{
    civil_date birth = {-1, -1, -1};
    char sex = '?';
    id_status st = idnumber_check(check_cases[_i].id, today, &birth, &sex);
    ck_assert_msg(st == check_cases[_i].st, "%s: got %d (%s), want %d",
                  check_cases[_i].id, (int)st, idnumber_status_message(st),
                  (int)check_cases[_i].st);
    if (st == ID_OK) {
        ck_assert_int_eq(date_compare(birth, check_cases[_i].birth), 0);
        ck_assert_int_eq(sex, check_cases[_i].sex);
    } else {
        ck_assert_int_eq(birth.year, -1); /* outputs untouched */
        ck_assert_int_eq(sex, '?');
    }
}
END_TEST

START_TEST(null_id_is_bad_length_and_outputs_are_optional)
{
    ck_assert_int_eq(idnumber_check(NULL, today, NULL, NULL), ID_BAD_LENGTH);
    ck_assert_int_eq(idnumber_check("11010519491231002X", today, NULL, NULL),
                     ID_OK);
}
END_TEST

START_TEST(future_is_judged_against_the_given_today)
{
    const char *id = "110101202406160067"; /* born 2024-06-16 */
    ck_assert_int_eq(idnumber_check(id, (civil_date){2024, 6, 15}, NULL, NULL),
                     ID_FUTURE_BIRTH_DATE);
    ck_assert_int_eq(idnumber_check(id, (civil_date){2024, 6, 16}, NULL, NULL),
                     ID_OK);
}
END_TEST

static const struct {
    const char *first17;
    char check;
} digit_cases[] = {
    {"11010519491231002", 'X'},  {"44052418800101001", '4'},
    {"13010219900307123", '3'},  {"11010119900101001", '5'},
    {"11010119900101004", 'X'},  {"11010119900101010", '3'},
    {"1101011990010100A", '\0'},
};

START_TEST(check_digit_is_iso7064_mod_11_2)
{
    ck_assert_int_eq(idnumber_check_digit(digit_cases[_i].first17),
                     digit_cases[_i].check);
}
END_TEST

START_TEST(check_digit_reads_only_17_chars)
{
    char first17[17];
    memcpy(first17, "11010519491231002", 17); /* no NUL */
    ck_assert_int_eq(idnumber_check_digit(first17), 'X');
}
END_TEST

START_TEST(messages_are_lower_case_without_final_period)
{
    for (int st = ID_OK; st <= ID_LEGACY_15; st++) {
        const char *m = idnumber_status_message((id_status)st);
        size_t n = strlen(m);
        ck_assert_uint_gt(n, 0);
        ck_assert_msg(m[0] < 'A' || m[0] > 'Z', "%s", m);
        ck_assert_msg(m[n - 1] != '.', "%s", m);
    }
    ck_assert_str_eq(idnumber_status_message(ID_BAD_CHECK_DIGIT),
                     "wrong check digit");
    ck_assert_ptr_nonnull(
        strstr(idnumber_status_message(ID_LEGACY_15), "18-digit"));
    ck_assert_ptr_nonnull(idnumber_status_message((id_status)99));
}
END_TEST

static const struct {
    const char *id;
    size_t outsz;
    const char *masked;
} mask_cases[] = {
    {"11010519491231002X", 32, "110105********002X"},
    {"110105491231002", 32, "110105*****1002"},
    {"12345678901", 32, "123456*8901"},
    {"1234567890", 32, "**********"}, /* nothing short shown in clear */
    {"123456789", 32, "*********"},
    {"1", 32, "*"},
    {"", 32, ""},
    {NULL, 32, ""},
    {"11010519491231002X", 8, "110105*"}, /* truncated to fit */
    {"11010519491231002X", 1, ""},
    {"11010519491231002X", 19, "110105********002X"},
    {"11010519491231002X", 18, "110105********002"},
};

START_TEST(mask_keeps_first_six_and_last_four_only)
{
    char out[32];
    memset(out, '#', sizeof out);
    idnumber_mask(mask_cases[_i].id, out, mask_cases[_i].outsz);
    ck_assert_str_eq(out, mask_cases[_i].masked);
}
END_TEST

START_TEST(mask_with_zero_size_writes_nothing)
{
    char out[4] = "abc";
    idnumber_mask("11010519491231002X", out, 0);
    ck_assert_str_eq(out, "abc");
}
END_TEST

Suite *idnumber_suite(void)
{
    Suite *s = suite_create("idnumber");
    TCase *tc = tcase_create("idnumber");
    tcase_add_loop_test(tc, id_status_follows_gb11643_rules, 0,
                        NROWS(check_cases));
    tcase_add_test(tc, null_id_is_bad_length_and_outputs_are_optional);
    tcase_add_test(tc, future_is_judged_against_the_given_today);
    tcase_add_loop_test(tc, check_digit_is_iso7064_mod_11_2, 0,
                        NROWS(digit_cases));
    tcase_add_test(tc, check_digit_reads_only_17_chars);
    tcase_add_test(tc, messages_are_lower_case_without_final_period);
    tcase_add_loop_test(tc, mask_keeps_first_six_and_last_four_only, 0,
                        NROWS(mask_cases));
    tcase_add_test(tc, mask_with_zero_size_writes_nothing);
    suite_add_tcase(s, tc);
    return s;
}
