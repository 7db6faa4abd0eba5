/*
 * document.c: identity document types and the shape of their numbers.
 * Pure: static strings only, no allocation, no I/O.
 */
#include "domain/document.h"

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

static const char *const names[] = {
    [DOC_RESIDENT_ID] = "resident_id",
    [DOC_PASSPORT] = "passport",
    [DOC_HK_MACAO_PERMIT] = "hk_macao_permit",
    [DOC_TAIWAN_PERMIT] = "taiwan_permit",
    [DOC_FOREIGN_PERMANENT] = "foreign_permanent_residence",
    [DOC_BIRTH_CERTIFICATE] = "birth_certificate",
};

doc_type doc_type_from_name(const char *name)
{
    if (!name)
        return DOC_UNKNOWN;
    for (int t = DOC_RESIDENT_ID; t < DOC_UNKNOWN; t++)
        if (strcmp(name, names[t]) == 0)
            return (doc_type)t;
    return DOC_UNKNOWN;
}

const char *doc_type_name(doc_type t)
{
    if ((int)t < (int)DOC_RESIDENT_ID || (int)t >= (int)DOC_UNKNOWN)
        return "unknown";
    return names[t];
}

/* Locale-free character classes (ASCII only). */
static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static bool is_upper(char c)
{
    return c >= 'A' && c <= 'Z';
}

/* True when the n characters at s are all digits. */
static bool digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!is_digit(s[i]))
            return false;
    return true;
}

/* 18 characters: 17 digits and a digit or upper-case X. */
static bool id_shape(const char *s, size_t len)
{
    return len == 18 && digits(s, 17) && (is_digit(s[17]) || s[17] == 'X');
}

/* An 18-character residence permit number starting with prefix. */
static bool permit_shape(const char *s, size_t len, const char *prefix)
{
    return id_shape(s, len) && strncmp(s, prefix, strlen(prefix)) == 0;
}

static bool passport_ok(const char *s, size_t len)
{
    bool digit = false;
    if (len < 5 || len > 17)
        return false;
    for (size_t i = 0; i < len; i++) {
        if (!is_digit(s[i]) && !is_upper(s[i]))
            return false;
        digit = digit || is_digit(s[i]);
    }
    return digit;
}

static bool hk_macao_ok(const char *s, size_t len)
{
    if ((s[0] == 'H' || s[0] == 'M') && (len == 9 || len == 11))
        return digits(s + 1, len - 1);
    return permit_shape(s, len, "810000") || permit_shape(s, len, "820000");
}

static bool taiwan_ok(const char *s, size_t len)
{
    if (len == 8 || len == 10)
        return digits(s, len);
    return permit_shape(s, len, "830000");
}

static bool foreign_ok(const char *s, size_t len)
{
    if (len == 15)
        return is_upper(s[0]) && is_upper(s[1]) && is_upper(s[2]) &&
               digits(s + 3, 12);
    return permit_shape(s, len, "9");
}

static bool birth_certificate_ok(const char *s, size_t len)
{
    return len == 10 && is_upper(s[0]) && digits(s + 1, 9);
}

const char *document_shape_problem(doc_type t, const char *number)
{
    if ((int)t < (int)DOC_RESIDENT_ID || (int)t >= (int)DOC_UNKNOWN)
        return "unknown document type";
    if (!number || !number[0])
        return "document number is required";
    size_t len = strlen(number);
    switch (t) {
    case DOC_RESIDENT_ID:
        return id_shape(number, len)
                   ? NULL
                   : "id number must be 17 digits followed by a digit or X";
    case DOC_PASSPORT:
        return passport_ok(number, len)
                   ? NULL
                   : "passport number must be 5 to 17 upper-case letters "
                     "and digits with at least one digit";
    case DOC_HK_MACAO_PERMIT:
        return hk_macao_ok(number, len)
                   ? NULL
                   : "hong kong/macao permit number must be H or M and 8 or "
                     "10 digits, or 18 characters starting 810000 or 820000";
    case DOC_TAIWAN_PERMIT:
        return taiwan_ok(number, len)
                   ? NULL
                   : "taiwan permit number must be 8 or 10 digits, or 18 "
                     "characters starting 830000";
    case DOC_FOREIGN_PERMANENT:
        return foreign_ok(number, len)
                   ? NULL
                   : "foreign permanent residence number must be 3 "
                     "upper-case letters and 12 digits, or 18 characters "
                     "starting with 9";
    case DOC_BIRTH_CERTIFICATE:
        return birth_certificate_ok(number, len)
                   ? NULL
                   : "birth certificate number must be an upper-case letter "
                     "followed by 9 digits";
    case DOC_UNKNOWN:
        break;
    }
    return "unknown document type";
}

const char *household_no_problem(const char *no)
{
    for (const unsigned char *p = (const unsigned char *)no; *p; p++)
        if (*p == '/' || *p < 0x20 || *p == 0x7f)
            return "household_no may not hold '/' or control characters";
    return NULL;
}
