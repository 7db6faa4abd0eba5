/*
 * progress_fixture.h: a hand-built progress report for the renderers'
 * tests (test_progress_csv.c, test_progress_xlsx.c).
 */
#ifndef TESTS_PROGRESS_FIXTURE_H
#define TESTS_PROGRESS_FIXTURE_H

#include "report/progress.h"

/* Fills r with 大竹县's 2027 report as of 2026-12-10 18:00: two groups
 * (建档立卡贫困人口, 边缘户), four townships (one named with a comma and
 * quotes, one below 80 %, one below 70 %, one without a target) and the
 * total. The caller releases it with progress_report_free(). */
void progress_fixture(progress_report *r);

#endif
