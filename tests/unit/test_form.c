/*
 * test_form.c: unit tests for domain/form (x-www-form-urlencoded bodies and
 * the content Alipay signs). Exports form_suite().
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/form.h"

Suite *form_suite(void);

#define NROWS(a) ((int)(sizeof(a) / sizeof((a)[0])))

static const struct {
    const char *rule, *body, *key, *value;
    size_t count;
} accepted[] = {
    {"pairs split on '&'", "a=1&b=2", "b", "2", 2},
    {"'+' decodes to a space", "a=hello+world", "a", "hello world", 1},
    {"%XX decodes, either case", "a=%E4%B8%AD%e6%96%87", "a", "中文", 1},
    {"escaped '+', '=' and '&' are data", "a=1%2B1%3D2%26", "a", "1+1=2&", 1},
    {"empty value", "a=&b=1", "a", "", 2},
    {"a pair without '=' has the empty value", "flag", "flag", "", 1},
    {"empty pairs are skipped", "&a=1&&b=2&", "b", "2", 2},
    {"keys are decoded too", "k%20e+y=v", "k e y", "v", 1},
    {"only the first '=' separates", "a=x=y", "a", "x=y", 1},
    {"raw UTF-8 is accepted", "subject=医保", "subject", "医保", 1},
    {"four-byte UTF-8", "a=%F0%9F%98%80", "a", "\xF0\x9F\x98\x80", 1},
};

START_TEST(form_decodes_as_browsers_encode)
{
    form f;
    const char *body = accepted[_i].body;
    ck_assert_int_eq(form_parse(body, strlen(body), &f), FORM_OK);
    ck_assert_msg(f.count == accepted[_i].count, "%s", accepted[_i].rule);
    const char *v = form_get(&f, accepted[_i].key);
    ck_assert_msg(v != NULL, "%s", accepted[_i].rule);
    ck_assert_str_eq(v, accepted[_i].value);
    form_free(&f);
}
END_TEST

static const struct {
    const char *rule, *body;
    form_status status;
} rejected[] = {
    {"lone '%' at the end", "a=%", FORM_BAD_ESCAPE},
    {"one hex digit at the end", "a=%4", FORM_BAD_ESCAPE},
    {"non-hex escape", "a=%G1", FORM_BAD_ESCAPE},
    {"second digit non-hex", "a=%4z&b=1", FORM_BAD_ESCAPE},
    {"bad escape in a key", "%zz=1", FORM_BAD_ESCAPE},
    {"%00 is refused", "a=x%00y", FORM_NUL_BYTE},
    {"%00 in a key", "a%00=1", FORM_NUL_BYTE},
    {"byte 0xFF is not UTF-8", "a=%FF", FORM_BAD_UTF8},
    {"overlong '/'", "a=%C0%AF", FORM_BAD_UTF8},
    {"UTF-16 surrogate", "a=%ED%A0%80", FORM_BAD_UTF8},
    {"above U+10FFFF", "a=%F4%90%80%80", FORM_BAD_UTF8},
    {"truncated sequence", "a=%E4%B8", FORM_BAD_UTF8},
    {"lone continuation byte", "a=%80", FORM_BAD_UTF8},
    {"raw Latin-1 byte", "a=\xE9t\xE9", FORM_BAD_UTF8},
    {"parameter without a name", "=1", FORM_EMPTY_KEY},
    {"escaped empty name", "a=1&=2", FORM_EMPTY_KEY},
    {"duplicate key", "a=1&b=2&a=3", FORM_DUPLICATE_KEY},
    {"duplicate after decoding", "a=1&%61=2", FORM_DUPLICATE_KEY},
    {"duplicate even with equal values", "sign=x&sign=x", FORM_DUPLICATE_KEY},
};

START_TEST(form_refuses_malformed_bodies)
{
    form f;
    const char *body = rejected[_i].body;
    form_status st = form_parse(body, strlen(body), &f);
    ck_assert_msg(st == rejected[_i].status, "%s: got %s", rejected[_i].rule,
                  form_status_message(st));
    ck_assert_uint_eq(f.count, 0);
    ck_assert_ptr_null(f.storage);
    form_free(&f); /* harmless after a failure */
}
END_TEST

START_TEST(raw_nul_byte_is_refused)
{
    form f;
    static const char body[] = "a=1\0&b=2";
    ck_assert_int_eq(form_parse(body, sizeof body - 1, &f), FORM_NUL_BYTE);
}
END_TEST

START_TEST(empty_body_is_an_empty_form)
{
    form f;
    ck_assert_int_eq(form_parse("", 0, &f), FORM_OK);
    ck_assert_uint_eq(f.count, 0);
    ck_assert_ptr_null(form_get(&f, "a"));
    form_free(&f);
    form_free(&f);
    form_free(NULL);
}
END_TEST

START_TEST(absent_key_is_null_and_lookup_is_exact)
{
    form f;
    ck_assert_int_eq(form_parse("ab=1&A=2", 8, &f), FORM_OK);
    ck_assert_ptr_null(form_get(&f, "a"));
    ck_assert_ptr_null(form_get(&f, "abc"));
    ck_assert_str_eq(form_get(&f, "A"), "2");
    form_free(&f);
}
END_TEST

/* Builds "k0=v&k1=v&..." with n parameters. */
static char *many_params(int n)
{
    char *body = malloc((size_t)n * 16 + 1);
    size_t o = 0;
    for (int i = 0; i < n; i++)
        o += (size_t)sprintf(body + o, "%sk%d=v", i ? "&" : "", i);
    body[o] = '\0';
    return body;
}

START_TEST(at_most_200_parameters)
{
    form f;
    char *body = many_params(FORM_MAX_PARAMS);
    ck_assert_int_eq(form_parse(body, strlen(body), &f), FORM_OK);
    ck_assert_uint_eq(f.count, FORM_MAX_PARAMS);
    ck_assert_str_eq(form_get(&f, "k199"), "v");
    form_free(&f);
    free(body);
    body = many_params(FORM_MAX_PARAMS + 1);
    ck_assert_int_eq(form_parse(body, strlen(body), &f), FORM_TOO_MANY);
    free(body);
}
END_TEST

/* "a=" followed by n copies of unit. */
static char *long_value(size_t n, const char *unit)
{
    size_t ul = strlen(unit);
    char *body = malloc(2 + n * ul + 1);
    memcpy(body, "a=", 2);
    for (size_t i = 0; i < n; i++)
        memcpy(body + 2 + i * ul, unit, ul);
    body[2 + n * ul] = '\0';
    return body;
}

START_TEST(values_up_to_8_kb_after_decoding)
{
    static const char *const units[] = {"x", "%41", "+"};
    for (int u = 0; u < NROWS(units); u++) {
        form f;
        char *body = long_value(FORM_MAX_VALUE, units[u]);
        ck_assert_int_eq(form_parse(body, strlen(body), &f), FORM_OK);
        ck_assert_uint_eq(strlen(form_get(&f, "a")), FORM_MAX_VALUE);
        form_free(&f);
        free(body);
        body = long_value(FORM_MAX_VALUE + 1, units[u]);
        ck_assert_int_eq(form_parse(body, strlen(body), &f),
                         FORM_VALUE_TOO_LONG);
        free(body);
    }
}
END_TEST

static const struct {
    const char *rule, *body, *content;
} sign_contents[] = {
    {"sorted by key", "b=2&c=3&a=1", "a=1&b=2&c=3"},
    {"'a' sorts before 'a1' (byte order, not '=' order)", "a1=x&a=y",
     "a=y&a1=x"},
    {"upper case before '_' before lower case", "a_b=1&a=2&aB=3&A=4",
     "A=4&a=2&aB=3&a_b=1"},
    {"sign and sign_type are dropped", "sign=abc&sign_type=RSA2&x=1", "x=1"},
    {"empty values are dropped", "a=&b=2&c", "b=2"},
    {"decoded values are joined, not the escapes",
     "subject=%E5%8C%BB%E4%BF%9D+2025&total_amount=350.00",
     "subject=医保 2025&total_amount=350.00"},
    {"escaped '&' and '=' stay as data", "q=x%26y%3Dz", "q=x&y=z"},
    {"a space-only value is not empty", "a=+", "a= "},
    {"nothing left is the empty string", "sign=abc", ""},
    {"empty form", "", ""},
};

START_TEST(alipay_content_sorts_decodes_and_drops)
{
    form f;
    const char *body = sign_contents[_i].body;
    ck_assert_int_eq(form_parse(body, strlen(body), &f), FORM_OK);
    char *content = alipay_sign_content(&f);
    ck_assert_ptr_nonnull(content);
    ck_assert_msg(strcmp(content, sign_contents[_i].content) == 0,
                  "%s: got \"%s\"", sign_contents[_i].rule, content);
    free(content);
    form_free(&f);
}
END_TEST

Suite *form_suite(void)
{
    Suite *s = suite_create("form");
    TCase *tc = tcase_create("urlencoded");
    tcase_add_loop_test(tc, form_decodes_as_browsers_encode, 0,
                        NROWS(accepted));
    tcase_add_loop_test(tc, form_refuses_malformed_bodies, 0, NROWS(rejected));
    tcase_add_test(tc, raw_nul_byte_is_refused);
    tcase_add_test(tc, empty_body_is_an_empty_form);
    tcase_add_test(tc, absent_key_is_null_and_lookup_is_exact);
    tcase_add_test(tc, at_most_200_parameters);
    tcase_add_test(tc, values_up_to_8_kb_after_decoding);
    suite_add_tcase(s, tc);

    tc = tcase_create("alipay_sign_content");
    tcase_add_loop_test(tc, alipay_content_sorts_decodes_and_drops, 0,
                        NROWS(sign_contents));
    suite_add_tcase(s, tc);
    return s;
}
