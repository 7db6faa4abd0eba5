/*
 * reports_county.h: the county of the report suites (test_reports.c,
 * test_incentives.c) and the helpers they share.
 */
#ifndef TESTS_REPORTS_COUNTY_H
#define TESTS_REPORTS_COUNTY_H

#include "integration/harness.h"

#include <check.h>

/* 测试县: 东镇 (一村 with its own target; 二村 whose two groups have
 * targets) and 西镇 (三村, no target) */
#define CTY "431300000000"
#define T1 "431301000000"
#define V1 "431301001000"
#define V2 "431301002000"
#define G21 "431301002001"
#define G22 "431301002002"
#define T2 "431302000000"
#define V3 "431302001000"

/* the people, by household */
enum {
    P0,
    P1,
    P2, /* RPT-101 in 一村 */
    P3,
    P4, /* RPT-102 in 一村 */
    R0,
    R1, /* RPT-103 in 一村 */
    Q0,
    Q1,
    Q2, /* RPT-201 in 二村一组 */
    Q3,
    Q4,
    Q5, /* RPT-202 in 二村二组 */
    S0,
    S1, /* RPT-301 in 三村 */
    S2, /* RPT-302 in 三村 */
    S3,
    S4,
    S5, /* RPT-303 in 三村, no head */
    NPEOPLE
};
/* the people's ID numbers, made at setup */
extern char report_ids[NPEOPLE][19];

/* Builds the county on the first call; later calls do nothing. */
void reports_county_setup(void);

/* Element i of the array o[k]. */
static inline json_t *at(json_t *o, const char *k, size_t i)
{
    return json_array_get(json_object_get(o, k), i);
}

#endif
