/*
 * test_document.c: unit tests for domain/document (document type names and
 * the shape of non-resident-ID numbers). Exports document_suite().
 */
#include <check.h>
#include <stddef.h>
#include <string.h>

#include "domain/document.h"

Suite *document_suite(void);

#define NROWS(a) ((int)(sizeof(a) / sizeof((a)[0])))

static const struct {
    doc_type type;
    const char *name;
} names[] = {
    {DOC_RESIDENT_ID, "resident_id"},
    {DOC_PASSPORT, "passport"},
    {DOC_HK_MACAO_PERMIT, "hk_macao_permit"},
    {DOC_TAIWAN_PERMIT, "taiwan_permit"},
    {DOC_FOREIGN_PERMANENT, "foreign_permanent_residence"},
    {DOC_BIRTH_CERTIFICATE, "birth_certificate"},
};

static const struct {
    doc_type type;
    const char *number;
    const char *why; /* what the case shows */
} good[] = {
    {DOC_RESIDENT_ID, "11010519491231002X", "final X"},
    {DOC_RESIDENT_ID, "130102199003071233", "all digits"},
    {DOC_PASSPORT, "E12345678", "chinese ordinary passport"},
    {DOC_PASSPORT, "EA1234567", "chinese passport, 2019 series"},
    {DOC_PASSPORT, "G12345678", "older chinese passport"},
    {DOC_PASSPORT, "C01X00T47", "german passport"},
    {DOC_PASSPORT, "123456789", "digits only"},
    {DOC_PASSPORT, "AB123", "5 characters"},
    {DOC_PASSPORT, "A1234567890123456", "17 characters"},
    {DOC_HK_MACAO_PERMIT, "H12345678", "hong kong, 8 digits"},
    {DOC_HK_MACAO_PERMIT, "H1234567801", "hong kong, 10 digits"},
    {DOC_HK_MACAO_PERMIT, "M12345678", "macao, 8 digits"},
    {DOC_HK_MACAO_PERMIT, "M1234567801", "macao, 10 digits"},
    {DOC_HK_MACAO_PERMIT, "810000199001011234", "hong kong residence permit"},
    {DOC_HK_MACAO_PERMIT, "82000019900101123X", "macao residence permit"},
    {DOC_TAIWAN_PERMIT, "12345678", "8 digits"},
    {DOC_TAIWAN_PERMIT, "1234567801", "10 digits"},
    {DOC_TAIWAN_PERMIT, "830000199001011234", "taiwan residence permit"},
    {DOC_TAIWAN_PERMIT, "83000019900101123X", "residence permit, final X"},
    {DOC_FOREIGN_PERMANENT, "USA110085060512", "old format"},
    {DOC_FOREIGN_PERMANENT, "CAN310012345678", "old format, canada"},
    {DOC_FOREIGN_PERMANENT, "911840199001011234", "2023 format"},
    {DOC_FOREIGN_PERMANENT, "93184019900101123X", "2023 format, final X"},
    {DOC_BIRTH_CERTIFICATE, "O440123456", "letter O"},
    {DOC_BIRTH_CERTIFICATE, "P123456789", "letter P"},
};

static const struct {
    doc_type type;
    const char *number;
    const char *why;
} bad[] = {
    {DOC_RESIDENT_ID, "11010519491231002x", "lower-case x"},
    {DOC_RESIDENT_ID, "1101051949123100", "16 characters"},
    {DOC_RESIDENT_ID, "110105194912310021X", "19 characters"},
    {DOC_RESIDENT_ID, "1101051949X231002X", "X inside"},
    {DOC_RESIDENT_ID, "110105491231002", "15-digit legacy"},
    {DOC_PASSPORT, "e12345678", "lower-case"},
    {DOC_PASSPORT, "E123", "4 characters"},
    {DOC_PASSPORT, "A12345678901234567", "18 characters"},
    {DOC_PASSPORT, "ABCDEFGHI", "no digit"},
    {DOC_PASSPORT, "E 1234567", "space"},
    {DOC_PASSPORT, "E1234-567", "hyphen"},
    {DOC_HK_MACAO_PERMIT, "h12345678", "lower-case h"},
    {DOC_HK_MACAO_PERMIT, "K12345678", "wrong letter"},
    {DOC_HK_MACAO_PERMIT, "H1234567", "7 digits"},
    {DOC_HK_MACAO_PERMIT, "H123456789", "9 digits"},
    {DOC_HK_MACAO_PERMIT, "H12345678901", "11 digits"},
    {DOC_HK_MACAO_PERMIT, "H1234567A", "letter among digits"},
    {DOC_HK_MACAO_PERMIT, "830000199001011234", "taiwan residence permit"},
    {DOC_HK_MACAO_PERMIT, "110105199001011234", "resident id"},
    {DOC_HK_MACAO_PERMIT, "81000019900101123x", "lower-case x"},
    {DOC_HK_MACAO_PERMIT, "12345678", "taiwan permit number"},
    {DOC_TAIWAN_PERMIT, "1234567", "7 digits"},
    {DOC_TAIWAN_PERMIT, "123456789", "9 digits"},
    {DOC_TAIWAN_PERMIT, "12345678901", "11 digits"},
    {DOC_TAIWAN_PERMIT, "T1234567", "letter"},
    {DOC_TAIWAN_PERMIT, "810000199001011234", "hong kong residence permit"},
    {DOC_TAIWAN_PERMIT, "8300001990010112X4", "X not last"},
    {DOC_FOREIGN_PERMANENT, "usa110085060512", "lower-case"},
    {DOC_FOREIGN_PERMANENT, "US1110085060512", "two letters"},
    {DOC_FOREIGN_PERMANENT, "USA11008506051", "14 characters"},
    {DOC_FOREIGN_PERMANENT, "USA11008506051A", "letter at the end"},
    {DOC_FOREIGN_PERMANENT, "811840199001011234", "18 not starting with 9"},
    {DOC_FOREIGN_PERMANENT, "9118401990010112", "16 characters"},
    {DOC_BIRTH_CERTIFICATE, "o440123456", "lower-case letter"},
    {DOC_BIRTH_CERTIFICATE, "O44012345", "8 digits"},
    {DOC_BIRTH_CERTIFICATE, "O4401234567", "10 digits"},
    {DOC_BIRTH_CERTIFICATE, "0440123456", "digit for the letter"},
    {DOC_BIRTH_CERTIFICATE, "OA40123456", "two letters"},
};

START_TEST(names_round_trip)
{
    for (int i = 0; i < NROWS(names); i++) {
        ck_assert_int_eq(doc_type_from_name(names[i].name), names[i].type);
        ck_assert_str_eq(doc_type_name(names[i].type), names[i].name);
    }
}
END_TEST

START_TEST(unknown_names_are_doc_unknown)
{
    ck_assert_int_eq(doc_type_from_name(NULL), DOC_UNKNOWN);
    ck_assert_int_eq(doc_type_from_name(""), DOC_UNKNOWN);
    ck_assert_int_eq(doc_type_from_name("Passport"), DOC_UNKNOWN);
    ck_assert_int_eq(doc_type_from_name("passport "), DOC_UNKNOWN);
    ck_assert_int_eq(doc_type_from_name("foreign_permanent"), DOC_UNKNOWN);
    ck_assert_str_eq(doc_type_name(DOC_UNKNOWN), "unknown");
    ck_assert_str_eq(doc_type_name((doc_type)99), "unknown");
}
END_TEST

START_TEST(good_numbers_fit_their_type)
{
    for (int i = 0; i < NROWS(good); i++) {
        const char *p = document_shape_problem(good[i].type, good[i].number);
        ck_assert_msg(p == NULL, "%s %s (%s): %s", doc_type_name(good[i].type),
                      good[i].number, good[i].why, p);
    }
}
END_TEST

/* Reasons are lower-case, without a final period. */
static void assert_reason_style(const char *p)
{
    size_t n = strlen(p);
    ck_assert_uint_gt(n, 0);
    ck_assert(p[0] >= 'a' && p[0] <= 'z');
    ck_assert(p[n - 1] != '.');
}

START_TEST(bad_numbers_are_refused_with_a_reason)
{
    for (int i = 0; i < NROWS(bad); i++) {
        const char *p = document_shape_problem(bad[i].type, bad[i].number);
        ck_assert_msg(p != NULL, "%s %s (%s) accepted",
                      doc_type_name(bad[i].type), bad[i].number, bad[i].why);
        assert_reason_style(p);
    }
}
END_TEST

START_TEST(missing_number_or_unknown_type_is_refused)
{
    for (int t = DOC_RESIDENT_ID; t < DOC_UNKNOWN; t++) {
        ck_assert_str_eq(document_shape_problem((doc_type)t, NULL),
                         "document number is required");
        ck_assert_str_eq(document_shape_problem((doc_type)t, ""),
                         "document number is required");
    }
    ck_assert_str_eq(document_shape_problem(DOC_UNKNOWN, "E12345678"),
                     "unknown document type");
    ck_assert_str_eq(document_shape_problem((doc_type)-1, "E12345678"),
                     "unknown document type");
}
END_TEST

START_TEST(reason_names_the_document)
{
    ck_assert_ptr_nonnull(
        strstr(document_shape_problem(DOC_PASSPORT, "E1"), "passport"));
    ck_assert_ptr_nonnull(
        strstr(document_shape_problem(DOC_HK_MACAO_PERMIT, "X1"), "hong kong"));
    ck_assert_ptr_nonnull(
        strstr(document_shape_problem(DOC_TAIWAN_PERMIT, "X1"), "taiwan"));
    ck_assert_ptr_nonnull(
        strstr(document_shape_problem(DOC_FOREIGN_PERMANENT, "X1"), "foreign"));
    ck_assert_ptr_nonnull(
        strstr(document_shape_problem(DOC_BIRTH_CERTIFICATE, "X1"), "birth"));
    ck_assert_ptr_nonnull(
        strstr(document_shape_problem(DOC_RESIDENT_ID, "X1"), "id number"));
}
END_TEST

START_TEST(household_numbers_are_kept_as_given_but_must_fit_a_path)
{
    ck_assert_ptr_null(household_no_problem("5117240010010001"));
    ck_assert_ptr_null(household_no_problem("HP-01 (张家)"));
    ck_assert_ptr_null(household_no_problem("'; DROP TABLE x; --"));
    ck_assert_ptr_nonnull(household_no_problem("A/B"));
    ck_assert_ptr_null(household_no_problem("A\\B"));
    ck_assert_ptr_nonnull(household_no_problem("A\tB"));
    ck_assert_ptr_nonnull(household_no_problem("A\x7f"));
}
END_TEST

Suite *document_suite(void)
{
    Suite *s = suite_create("document");
    TCase *t = tcase_create("types");
    tcase_add_test(t, names_round_trip);
    tcase_add_test(t, household_numbers_are_kept_as_given_but_must_fit_a_path);
    tcase_add_test(t, unknown_names_are_doc_unknown);
    suite_add_tcase(s, t);
    t = tcase_create("shapes");
    tcase_add_test(t, good_numbers_fit_their_type);
    tcase_add_test(t, bad_numbers_are_refused_with_a_reason);
    tcase_add_test(t, missing_number_or_unknown_type_is_refused);
    tcase_add_test(t, reason_names_the_document);
    suite_add_tcase(s, t);
    return s;
}
