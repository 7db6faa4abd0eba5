/*
 * main.c: runs every unit suite (pure logic, no I/O).
 */
#include <check.h>
#include <stdlib.h>

Suite *date_suite(void);
Suite *idnumber_suite(void);
Suite *csv_suite(void);
Suite *money_rate_suite(void);
Suite *access_suite(void);
Suite *coverage_rules_suite(void);
Suite *router_suite(void);
Suite *subsidy_suite(void);
Suite *document_suite(void);
Suite *form_suite(void);
Suite *callback_crypto_suite(void);
Suite *payment_rules_suite(void);
Suite *fingerprint_suite(void);
Suite *progress_rules_suite(void);
Suite *progress_csv_suite(void);
Suite *progress_xlsx_suite(void);
Suite *incentive_suite(void);
Suite *csv_out_suite(void);
Suite *utf8_suite(void);

int main(void)
{
    SRunner *sr = srunner_create(date_suite());
    srunner_add_suite(sr, idnumber_suite());
    srunner_add_suite(sr, csv_suite());
    srunner_add_suite(sr, money_rate_suite());
    srunner_add_suite(sr, access_suite());
    srunner_add_suite(sr, coverage_rules_suite());
    srunner_add_suite(sr, router_suite());
    srunner_add_suite(sr, subsidy_suite());
    srunner_add_suite(sr, document_suite());
    srunner_add_suite(sr, form_suite());
    srunner_add_suite(sr, callback_crypto_suite());
    srunner_add_suite(sr, payment_rules_suite());
    srunner_add_suite(sr, fingerprint_suite());
    srunner_add_suite(sr, progress_rules_suite());
    srunner_add_suite(sr, progress_csv_suite());
    srunner_add_suite(sr, progress_xlsx_suite());
    srunner_add_suite(sr, incentive_suite());
    srunner_add_suite(sr, csv_out_suite());
    srunner_add_suite(sr, utf8_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
