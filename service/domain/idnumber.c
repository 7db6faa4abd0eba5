/*
 * idnumber.c: GB 11643-1999 identity number validation, check character
 * (ISO 7064 MOD 11-2) and masking.
 */
#include "domain/idnumber.h"

#include <string.h>

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static bool all_digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!is_digit(s[i]))
            return false;
    return true;
}

static int digits_value(const char *s, size_t n)
{
    int v = 0;
    for (size_t i = 0; i < n; i++)
        v = v * 10 + (s[i] - '0');
    return v;
}

char idnumber_check_digit(const char first17[17])
{
    static const int weights[17] = {7, 9, 10, 5,  8, 4, 2, 1, 6,
                                    3, 7, 9,  10, 5, 8, 4, 2};
    static const char map[11] = {'1', '0', 'X', '9', '8', '7',
                                 '6', '5', '4', '3', '2'};
    int sum = 0;
    for (int i = 0; i < 17; i++) {
        if (!is_digit(first17[i]))
            return '\0';
        sum += (first17[i] - '0') * weights[i];
    }
    return map[sum % 11];
}

/* The birth-date rules: a real date, 1900-01-01 .. today. */
static id_status check_birth(const char *s, civil_date today, civil_date *b)
{
    static const civil_date earliest = {1900, 1, 1};
    b->year = digits_value(s + 6, 4);
    b->month = digits_value(s + 10, 2);
    b->day = digits_value(s + 12, 2);
    if (!date_is_valid(b->year, b->month, b->day) ||
        date_compare(*b, earliest) < 0)
        return ID_BAD_BIRTH_DATE;
    if (date_compare(*b, today) > 0)
        return ID_FUTURE_BIRTH_DATE;
    return ID_OK;
}

id_status idnumber_check(const char *s, civil_date today, civil_date *birth_out,
                         char *sex_out)
{
    if (!s)
        return ID_BAD_LENGTH;
    size_t n = strnlen(s, 19);
    if (n == 15 && all_digits(s, 15))
        return ID_LEGACY_15;
    if (n != 18)
        return ID_BAD_LENGTH;
    if (!all_digits(s, 17) || !(is_digit(s[17]) || s[17] == 'X'))
        return ID_BAD_CHARS;
    civil_date birth;
    id_status st = check_birth(s, today, &birth);
    if (st != ID_OK)
        return st;
    if (idnumber_check_digit(s) != s[17])
        return ID_BAD_CHECK_DIGIT;
    if (birth_out)
        *birth_out = birth;
    if (sex_out)
        *sex_out = (s[16] - '0') % 2 ? 'M' : 'F';
    return ID_OK;
}

const char *idnumber_status_message(id_status st)
{
    switch (st) {
    case ID_OK:
        return "ok";
    case ID_BAD_LENGTH:
        return "id number must be 18 characters";
    case ID_BAD_CHARS:
        return "id number must be 17 digits followed by a digit or X";
    case ID_BAD_BIRTH_DATE:
        return "birth date in id number is not a valid date";
    case ID_FUTURE_BIRTH_DATE:
        return "birth date in id number is in the future";
    case ID_BAD_CHECK_DIGIT:
        return "wrong check digit";
    case ID_LEGACY_15:
        return "15-digit id numbers are no longer accepted, the 18-digit "
               "number is required";
    }
    return "unknown id number error";
}

void idnumber_mask(const char *id, char *out, size_t outsz)
{
    if (outsz == 0)
        return;
    size_t n = id ? strlen(id) : 0;
    size_t w = 0;
    for (size_t i = 0; i < n && w + 1 < outsz; i++) {
        bool clear = n > 10 && (i < 6 || i >= n - 4);
        out[w++] = clear ? id[i] : '*';
    }
    out[w] = '\0';
}
