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

/* The coverage period of a payment made on `paid` (Beijing date) for
 * insurance year `year`: from 1 January when paid by full_year_until, from
 * the first of the next month when paid by next_month_until, otherwise
 * after waiting_days; always until coverage_end. False when the period
 * would start after coverage_end (too late to pay for that year). */
bool coverage_period(int year, const coverage_rules *r, civil_date paid,
                     civil_date *start, civil_date *end);

#endif
