/*
 * test_fingerprint.c: which payment requests count as the same request.
 */
#include "domain/fingerprint.h"

#include <check.h>
#include <string.h>

static const char *ab[] = {"500241198001011234", "50024119820202124X"};
static const char *ba[] = {"50024119820202124X", "500241198001011234"};
static const char *a_only[] = {"500241198001011234"};

static payment_request_fields base(void)
{
    payment_request_fields f = {
        "wechat", "4200000001", 2025, 1, 70000, "2024-10-01T10:00:00+08:00",
        "",       ab,           2,    ""};
    return f;
}

static void hash(payment_request_fields f, char out[65])
{
    payment_fingerprint(&f, out);
}

START_TEST(the_same_request_has_the_same_fingerprint_whatever_the_id_order)
{
    char a[65], b[65];
    hash(base(), a);
    payment_request_fields f = base();
    f.ids = ba;
    hash(f, b);
    ck_assert_str_eq(a, b);
    ck_assert_int_eq(strlen(a), 64);
}
END_TEST

START_TEST(any_change_of_meaning_is_a_conflict)
{
    char a[65], b[65];
    hash(base(), a);
    for (int i = 0; i < 7; i++) {
        payment_request_fields f = base();
        switch (i) {
        case 0:
            f.amount = 69999;
            break;
        case 1:
            f.tier = 2;
            break;
        case 2:
            f.year = 2026;
            break;
        case 3:
            f.ids = a_only, f.nids = 1;
            break;
        case 4:
            f.paid_at = "2024-10-02T10:00:00+08:00";
            break;
        case 5:
            f.collector = "村代收员";
            break;
        case 6:
            f.ids = NULL, f.nids = 0, f.household_no = "H-1";
            break;
        }
        hash(f, b);
        ck_assert_msg(strcmp(a, b) != 0, "change %d kept the fingerprint", i);
    }
}
END_TEST

START_TEST(fields_cannot_run_into_each_other)
{
    /* "ab" + "c" and "a" + "bc" must differ */
    char a[65], b[65];
    payment_request_fields f = base(), g = base();
    f.channel = "ab", f.external_id = "c";
    g.channel = "a", g.external_id = "bc";
    hash(f, a);
    hash(g, b);
    ck_assert_str_ne(a, b);
}
END_TEST

Suite *fingerprint_suite(void)
{
    Suite *s = suite_create("idempotency fingerprint");
    TCase *t = tcase_create("fingerprint");
    tcase_add_test(
        t, the_same_request_has_the_same_fingerprint_whatever_the_id_order);
    tcase_add_test(t, any_change_of_meaning_is_a_conflict);
    tcase_add_test(t, fields_cannot_run_into_each_other);
    suite_add_tcase(s, t);
    return s;
}
