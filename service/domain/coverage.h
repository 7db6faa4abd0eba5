/*
 * coverage.h: a year's coverage rules (待遇享受期): which payment dates give
 * a whole year, which start next month, which wait, and from when no fiscal
 * subsidy is granted. Pure rules over civil dates (Asia/Shanghai calendar).
 */
#ifndef DOMAIN_COVERAGE_H
#define DOMAIN_COVERAGE_H

#include "domain/date.h"

typedef struct {
    civil_date full_year_until;  /* paid by then: 1 Jan – coverage_end */
    civil_date next_month_until; /* paid by then: from the next month */
    int waiting_days;            /* later: from payment + waiting_days */
    civil_date no_fiscal_subsidy_from; /* from then: no fiscal subsidy */
    civil_date coverage_end;           /* the year's last covered day */
} coverage_rules;

/* The seed-004 defaults for insurance year `year`: 31 Dec of the year
 * before, the last day of February, 90 days, 1 July, 31 December. */
coverage_rules coverage_rules_default(int year);

/* Checks the rules belong to `year` and are in order; NULL when good,
 * otherwise the name of the first offending field. */
const char *coverage_rules_problem(int year, const coverage_rules *r);

#endif
