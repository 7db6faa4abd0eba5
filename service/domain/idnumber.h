/*
 * idnumber.h: GB 11643-1999 citizen identity numbers (18 characters:
 * 6-digit region, 8-digit birth date, 3-digit sequence, check character).
 *
 * Pure checks: no clock reads; the caller says what "today" is.
 */
#ifndef DOMAIN_IDNUMBER_H
#define DOMAIN_IDNUMBER_H

#include <stdbool.h>
#include <stddef.h>

#include "domain/date.h"

typedef enum {
    ID_OK = 0,
    ID_BAD_LENGTH,
    ID_BAD_CHARS,
    ID_BAD_BIRTH_DATE,
    ID_FUTURE_BIRTH_DATE,
    ID_BAD_CHECK_DIGIT,
    ID_LEGACY_15
} id_status;

/* Checks s, in this order: a 15-digit number is ID_LEGACY_15; any other
 * length than 18 is ID_BAD_LENGTH (also for s == NULL); the first 17 must
 * be digits and the last a digit or upper-case 'X', else ID_BAD_CHARS
 * (lower-case 'x' included: upper-casing is the caller's choice); the birth
 * date (characters 7-14) must be a real date not before 1900-01-01, else
 * ID_BAD_BIRTH_DATE, and not after today, else ID_FUTURE_BIRTH_DATE; the
 * check character must match, else ID_BAD_CHECK_DIGIT.
 * Only on ID_OK are *birth_out and *sex_out ('M' odd / 'F' even 17th
 * digit) written; either pointer may be NULL. Nothing is allocated. */
id_status idnumber_check(const char *s, civil_date today, civil_date *birth_out,
                         char *sex_out);

/* The ISO 7064 MOD 11-2 check character ('0'..'9' or 'X') for 17 digits.
 * Reads exactly 17 chars (no NUL needed); returns '\0' if any of them is
 * not a digit. */
char idnumber_check_digit(const char first17[17]);

/* A lower-case, human-readable reason for st (static string, never NULL). */
const char *idnumber_status_message(id_status st);

/* Masks id for logs and screens into the caller's buffer: the first 6 and
 * last 4 characters are kept and every character between becomes '*';
 * an id of 10 characters or fewer becomes all '*' of the same length (so
 * nothing short is ever shown in clear). Output is truncated to fit outsz
 * and always NUL-terminated when outsz > 0. id == NULL gives "". */
void idnumber_mask(const char *id, char *out, size_t outsz);

#endif
