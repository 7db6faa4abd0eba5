/*
 * fuzz_idnumber.c: identity numbers (domain/idnumber.c) and the shapes of
 * the other identity documents (domain/document.c).
 *
 * Input: the number as text (cut at the first NUL, as a C string would
 * be); today is fixed at 2027-11-03. Invariants: idnumber_check and
 * document_shape_problem agree with a second, plain reading of the rules
 * in their headers; outputs are written only on ID_OK; the check character
 * is '\0' exactly for non-digits; a mask keeps the lengths and shows at
 * most the first 6 and last 4 characters.
 */
#include "domain/document.h"
#include "domain/idnumber.h"
#include "fuzz.h"

#include <string.h>

static const civil_date today = {2027, 11, 3};

/* n characters at s, each in set. */
static bool all_in(const char *s, size_t n, const char *set)
{
    for (size_t i = 0; i < n; i++)
        if (!s[i] || !strchr(set, s[i]))
            return false;
    return true;
}

#define DIGITS "0123456789"
#define UPPER "ABCDEFGHIJKLMNOPQRSTUVWXYZ"

static int number(const char *s, size_t n)
{
    int v = 0;
    for (size_t i = 0; i < n; i++)
        v = v * 10 + (s[i] - '0');
    return v;
}

/* The GB 11643 rules, read again. */
static id_status expected_id(const char *s)
{
    size_t n = strlen(s);
    if (n == 15 && all_in(s, 15, DIGITS))
        return ID_LEGACY_15;
    if (n != 18)
        return ID_BAD_LENGTH;
    if (!all_in(s, 17, DIGITS) || !all_in(s + 17, 1, DIGITS "X"))
        return ID_BAD_CHARS;
    int y = number(s + 6, 4), m = number(s + 10, 2), d = number(s + 12, 2);
    static const int mdays[12] = {31, 28, 31, 30, 31, 30,
                                  31, 31, 30, 31, 30, 31};
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (y < 1900 || m < 1 || m > 12 || d < 1 ||
        d > mdays[m - 1] + (m == 2 && leap))
        return ID_BAD_BIRTH_DATE;
    if (y * 10000 + m * 100 + d > 20271103)
        return ID_FUTURE_BIRTH_DATE;
    int sum = 0;
    for (int i = 0; i < 17; i++) /* weight 2^(17-i) mod 11 */
        sum += (s[i] - '0') * ((1 << (17 - i)) % 11);
    return "10X98765432"[sum % 11] == s[17] ? ID_OK : ID_BAD_CHECK_DIGIT;
}

/* 18 characters: 17 digits and a digit or X, starting with prefix. */
static bool permit18(const char *s, const char *prefix)
{
    return strlen(s) == 18 && all_in(s, 17, DIGITS) &&
           all_in(s + 17, 1, DIGITS "X") &&
           strncmp(s, prefix, strlen(prefix)) == 0;
}

/* document.h's shape rules, read again. */
static bool expected_shape_ok(doc_type t, const char *s)
{
    size_t n = strlen(s);
    switch (t) {
    case DOC_RESIDENT_ID:
        return permit18(s, "");
    case DOC_PASSPORT:
        return n >= 5 && n <= 17 && all_in(s, n, DIGITS UPPER) &&
               strpbrk(s, DIGITS) != NULL;
    case DOC_HK_MACAO_PERMIT:
        return ((s[0] == 'H' || s[0] == 'M') && (n == 9 || n == 11) &&
                all_in(s + 1, n - 1, DIGITS)) ||
               permit18(s, "810000") || permit18(s, "820000");
    case DOC_TAIWAN_PERMIT:
        return ((n == 8 || n == 10) && all_in(s, n, DIGITS)) ||
               permit18(s, "830000");
    case DOC_FOREIGN_PERMANENT:
        return (n == 15 && all_in(s, 3, UPPER) && all_in(s + 3, 12, DIGITS)) ||
               permit18(s, "9");
    case DOC_BIRTH_CERTIFICATE:
        return n == 10 && all_in(s, 1, UPPER) && all_in(s + 1, 9, DIGITS);
    default:
        return false;
    }
}

static void check_id(const char *s)
{
    civil_date birth = {-1, -1, -1};
    char sex = '?';
    id_status st = idnumber_check(s, today, &birth, &sex);
    FUZZ_CHECK(st == expected_id(s));
    FUZZ_CHECK(idnumber_status_message(st) != NULL);
    if (st == ID_OK) {
        FUZZ_CHECK(birth.year == number(s + 6, 4));
        FUZZ_CHECK(sex == ((s[16] - '0') % 2 ? 'M' : 'F'));
        FUZZ_CHECK(idnumber_check(s, today, NULL, NULL) == ID_OK);
    } else {
        FUZZ_CHECK(birth.year == -1 && sex == '?');
    }
    if (strlen(s) >= 17) {
        char c = idnumber_check_digit(s);
        FUZZ_CHECK((c == '\0') == !all_in(s, 17, DIGITS));
        FUZZ_CHECK(c == '\0' || strchr(DIGITS "X", c));
    }
}

static void check_mask(const char *s, size_t outsz)
{
    char *out = malloc(outsz ? outsz : 1);
    FUZZ_CHECK(out != NULL);
    idnumber_mask(s, out, outsz);
    if (outsz) {
        size_t n = strlen(s), w = strlen(out);
        FUZZ_CHECK(w == (n < outsz ? n : outsz - 1));
        for (size_t i = 0; i < w; i++) {
            bool clear = n > 10 && (i < 6 || i >= n - 4);
            FUZZ_CHECK(out[i] == (clear ? s[i] : '*'));
        }
    }
    free(out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    FUZZ_CHECK(s != NULL);
    memcpy(s, data, size);
    s[size] = '\0';

    check_id(s);
    check_mask(s, 0);
    check_mask(s, 1 + size % 24);
    check_mask(s, size + 1);

    doc_type named = doc_type_from_name(s);
    FUZZ_CHECK(named == DOC_UNKNOWN || strcmp(doc_type_name(named), s) == 0);
    for (int t = DOC_RESIDENT_ID; t <= DOC_UNKNOWN; t++) {
        const char *problem = document_shape_problem((doc_type)t, s);
        if (t == DOC_UNKNOWN || !s[0])
            FUZZ_CHECK(problem != NULL);
        else
            FUZZ_CHECK((problem == NULL) == expected_shape_ok((doc_type)t, s));
    }
    free(s);
    return 0;
}
