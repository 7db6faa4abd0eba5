/*
 * coverage.c: defaults and consistency of a year's coverage rules.
 */
#include "domain/coverage.h"

#include <stddef.h>

coverage_rules coverage_rules_default(int year)
{
    coverage_rules r = {
        .full_year_until = {year - 1, 12, 31},
        .next_month_until = {year, 2, date_days_in_month(year, 2)},
        .waiting_days = 90,
        .no_fiscal_subsidy_from = {year, 7, 1},
        .coverage_end = {year, 12, 31},
    };
    return r;
}

const char *coverage_rules_problem(int year, const coverage_rules *r)
{
    if (r->full_year_until.year < year - 1 || r->full_year_until.year > year)
        return "coverage.full_year_until";
    if (date_compare(r->next_month_until, r->full_year_until) <= 0)
        return "coverage.next_month_until";
    if (r->waiting_days < 0 || r->waiting_days > 365)
        return "coverage.waiting_days";
    if (date_compare(r->no_fiscal_subsidy_from, r->next_month_until) <= 0)
        return "coverage.no_fiscal_subsidy_from";
    if (r->coverage_end.year != year ||
        date_compare(r->coverage_end, r->no_fiscal_subsidy_from) < 0)
        return "coverage.coverage_end";
    return NULL;
}

bool coverage_period(int year, const coverage_rules *r, civil_date paid,
                     civil_date *start, civil_date *end)
{
    if (date_compare(paid, r->full_year_until) <= 0)
        *start = (civil_date){year, 1, 1};
    else if (date_compare(paid, r->next_month_until) <= 0)
        *start = paid.month == 12 ? (civil_date){paid.year + 1, 1, 1}
                                  : (civil_date){paid.year, paid.month + 1, 1};
    else
        *start = date_add_days(paid, r->waiting_days);
    *end = r->coverage_end;
    return date_compare(*start, *end) <= 0;
}
