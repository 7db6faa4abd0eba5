/*
 * date.c: Gregorian calendar arithmetic (days-from-civil and back, after
 * Howard Hinnant's public-domain algorithms), parsing and formatting.
 */
#include "domain/date.h"

#include <stddef.h>

static bool is_leap(int64_t y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int date_days_in_month(int y, int m)
{
    static const int days[12] = {31, 28, 31, 30, 31, 30,
                                 31, 31, 30, 31, 30, 31};
    if (m < 1 || m > 12)
        return 0;
    if (m == 2 && is_leap(y))
        return 29;
    return days[m - 1];
}

bool date_is_valid(int y, int m, int d)
{
    if (y < 1 || y > 9999 || m < 1 || m > 12)
        return false;
    return d >= 1 && d <= date_days_in_month(y, m);
}

/* Reads n decimal digits from s; -1 when any of them is not a digit. */
static int read_digits(const char *s, int n)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

bool date_parse(const char *s, civil_date *out)
{
    if (!s)
        return false;
    /* Each check stops at a NUL, so a short string is never over-read. */
    int y = read_digits(s, 4);
    if (y < 0 || s[4] != '-')
        return false;
    int m = read_digits(s + 5, 2);
    if (m < 0 || s[7] != '-')
        return false;
    int d = read_digits(s + 8, 2);
    if (d < 0 || s[10] != '\0' || !date_is_valid(y, m, d))
        return false;
    out->year = y;
    out->month = m;
    out->day = d;
    return true;
}

/* Writes v (0 <= v < 10^n) as exactly n digits. */
static void write_digits(char *out, int v, int n)
{
    for (int i = n - 1; i >= 0; i--) {
        out[i] = (char)('0' + v % 10);
        v /= 10;
    }
}

void date_format(civil_date d, char out[11])
{
    if (!date_is_valid(d.year, d.month, d.day))
        d.year = d.month = d.day = 0;
    write_digits(out, d.year, 4);
    out[4] = '-';
    write_digits(out + 5, d.month, 2);
    out[7] = '-';
    write_digits(out + 8, d.day, 2);
    out[10] = '\0';
}

int64_t date_to_days(civil_date d)
{
    int64_t y = (int64_t)d.year - (d.month <= 2);
    int64_t m = d.month;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400; /* [0, 399] */
    int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d.day - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy; /* [0, 146096] */
    return era * 146097 + doe - 719468;
}

civil_date date_from_days(int64_t days)
{
    const int64_t lo = -719162; /* 0001-01-01 */
    const int64_t hi = 2932896; /* 9999-12-31 */
    int64_t z = (days < lo ? lo : days > hi ? hi : days) + 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    int64_t m = mp < 10 ? mp + 3 : mp - 9;
    civil_date out = {(int)(yoe + era * 400 + (m <= 2)), (int)m,
                      (int)(doy - (153 * mp + 2) / 5 + 1)};
    return out;
}

int date_compare(civil_date a, civil_date b)
{
    if (a.year != b.year)
        return a.year < b.year ? -1 : 1;
    if (a.month != b.month)
        return a.month < b.month ? -1 : 1;
    if (a.day != b.day)
        return a.day < b.day ? -1 : 1;
    return 0;
}

civil_date date_add_days(civil_date d, int64_t n)
{
    int64_t base = date_to_days(d);
    /* Saturate instead of overflowing; date_from_days clamps anyway. */
    if (n > 0 && base > INT64_MAX - n)
        return date_from_days(INT64_MAX);
    if (n < 0 && base < INT64_MIN - n)
        return date_from_days(INT64_MIN);
    return date_from_days(base + n);
}
