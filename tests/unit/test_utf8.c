/*
 * test_utf8.c: what counts as well-formed UTF-8 in a path or a query.
 */
#include "domain/utf8.h"

#include <check.h>
#include <string.h>

static const struct {
    const char *name;
    const char *bytes;
    size_t len; /* 0: strlen */
    bool valid;
} cases[] = {
    {"plain ASCII", "511724001001", 0, true},
    {"the empty string", "", 0, true},
    {"Chinese names as they are", "大竹县凉桥村", 0, true},
    {"a four-byte character", "\xF0\x9F\x98\x80", 0, true},
    {"the last code point U+10FFFF", "\xF4\x8F\xBF\xBF", 0, true},
    {"a lone 0xFF", "a\xFF", 0, false},
    {"a lone continuation byte", "\x80", 0, false},
    {"an overlong slash C0 AF", "\xC0\xAF", 0, false},
    {"an overlong three-byte form", "\xE0\x80\xAF", 0, false},
    {"an overlong four-byte form", "\xF0\x80\x80\xAF", 0, false},
    {"a lone high surrogate", "\xED\xA0\x80", 0, false},
    {"a lone low surrogate", "\xED\xBF\xBF", 0, false},
    {"above U+10FFFF", "\xF4\x90\x80\x80", 0, false},
    {"a sequence cut short", "\xE5\xA4", 0, false},
    {"a sequence cut by ASCII",
     "\xE5"
     "a"
     "\xA7",
     0, false},
    {"a NUL byte inside", "a\0b", 3, false},
};

START_TEST(each_case)
{
    size_t len = cases[_i].len ? cases[_i].len : strlen(cases[_i].bytes);
    ck_assert_msg(utf8_valid(cases[_i].bytes, len) == cases[_i].valid, "%s",
                  cases[_i].name);
}
END_TEST

Suite *utf8_suite(void)
{
    Suite *s = suite_create("utf8");
    TCase *t = tcase_create("utf8");
    tcase_add_loop_test(t, each_case, 0, sizeof cases / sizeof cases[0]);
    suite_add_tcase(s, t);
    return s;
}
