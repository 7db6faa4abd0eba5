/*
 * date.h: civil (calendar) dates without time zones or clocks.
 *
 * Proleptic Gregorian calendar, years 1..9999. Everything here is pure:
 * values in, values out, no allocation.
 */
#ifndef DOMAIN_DATE_H
#define DOMAIN_DATE_H

#include <stdbool.h>
#include <stdint.h>

typedef struct {
    int year, month, day;
} civil_date;

/* True when y-m-d is a real Gregorian date with 1 <= y <= 9999. */
bool date_is_valid(int y, int m, int d);

/* Parses exactly "YYYY-MM-DD" (10 characters, nothing before or after)
 * naming a valid date. On success writes *out and returns true; on failure
 * returns false and leaves *out untouched. s may be NULL (false). */
bool date_parse(const char *s, civil_date *out);

/* Writes "YYYY-MM-DD" and a NUL into the caller's 11-byte buffer. An
 * invalid date is written as "0000-00-00". */
void date_format(civil_date d, char out[11]);

/* Days since 1970-01-01 (negative before it). d should be valid; the
 * arithmetic is defined (and overflow-free) for any int fields anyway. */
int64_t date_to_days(civil_date d);

/* Inverse of date_to_days. Day numbers outside 0001-01-01..9999-12-31 are
 * clamped to those bounds, so the result is always a valid date. */
civil_date date_from_days(int64_t days);

/* <0, 0 or >0 as a is before, equal to or after b. */
int date_compare(civil_date a, civil_date b);

/* d moved by n days (n may be negative); clamped like date_from_days. */
civil_date date_add_days(civil_date d, int64_t n);

/* 28..31, or 0 when m is not 1..12. Leap years follow the Gregorian rule
 * for any y. */
int date_days_in_month(int y, int m);

#endif
