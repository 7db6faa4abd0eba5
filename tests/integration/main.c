/*
 * main.c: runs the integration suites against one real service and one
 * throwaway cluster, in this process (no fork), so that the last suite can
 * stop the service and check how it exited.
 */
#include "integration/harness.h"

#include <check.h>
#include <stdlib.h>

Suite *ops_suite(void);
Suite *auth_suite(void);
Suite *reference_suite(void);
Suite *registration_suite(void);
Suite *payments_suite(void);
Suite *callbacks_suite(void);
Suite *imports_suite(void);
Suite *tax_suite(void);
Suite *progress_suite(void);
Suite *hostile_suite(void);
Suite *faults_suite(void);
Suite *reports_suite(void);
Suite *incentives_suite(void);

int main(void)
{
    harness_start();
    SRunner *sr = srunner_create(ops_suite());
    srunner_add_suite(sr, auth_suite());
    srunner_add_suite(sr, reference_suite());
    srunner_add_suite(sr, registration_suite());
    srunner_add_suite(sr, payments_suite());
    srunner_add_suite(sr, callbacks_suite());
    srunner_add_suite(sr, imports_suite());
    srunner_add_suite(sr, tax_suite());
    srunner_add_suite(sr, progress_suite());
    srunner_add_suite(sr, reports_suite());
    srunner_add_suite(sr, incentives_suite());
    srunner_add_suite(sr, hostile_suite());
    srunner_add_suite(sr, faults_suite()); /* last: restarts things */
    srunner_set_fork_status(sr, CK_NOFORK);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    harness_stop();
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
