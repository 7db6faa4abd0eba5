/*
 * rate.c: num/den as basis points, half-up, without overflow for any
 * int64_t inputs (long division one decimal digit at a time).
 */
#include "domain/rate.h"

/* floor(rem * 10 / den) for 0 <= rem < den, leaving the new remainder in
 * *rem. Adds rem ten times modulo den, so nothing exceeds 2 * den. */
static int next_digit(uint64_t *rem, uint64_t den)
{
    uint64_t r = *rem, t = 0;
    int digit = 0;
    for (int k = 0; k < 10; k++) {
        t += r;
        if (t >= den) {
            t -= den;
            digit++;
        }
    }
    *rem = t;
    return digit;
}

bool rate_basis_points(int64_t num, int64_t den, int64_t *bp_out)
{
    if (den <= 0 || num < 0)
        return false;
    int64_t whole = num / den;
    uint64_t rem = (uint64_t)(num % den);
    int64_t frac = 0; /* 0..10000 once rounded */
    for (int i = 0; i < 4; i++)
        frac = frac * 10 + next_digit(&rem, (uint64_t)den);
    /* Half-up: round away the remainder when it is at least den / 2. */
    if (rem >= (uint64_t)den - rem)
        frac++;
    if (whole > (INT64_MAX - frac) / 10000)
        return false;
    *bp_out = whole * 10000 + frac;
    return true;
}

bool rate_format(int64_t num, int64_t den, char out[32])
{
    int64_t bp;
    if (!rate_basis_points(num, den, &bp))
        return false;
    char tmp[24];
    int n = 0;
    /* Digits in reverse: two decimals, the point, then at least one more. */
    do {
        if (n == 2)
            tmp[n++] = '.';
        tmp[n++] = (char)('0' + bp % 10);
        bp /= 10;
    } while (bp > 0 || n < 4);
    int w = 0;
    while (n > 0)
        out[w++] = tmp[--n];
    out[w] = '\0';
    return true;
}

bool rate_parse_percent(const char *s, int64_t *bp_out)
{
    int64_t whole = 0, frac = 0;
    int nwhole = 0, nfrac = 0;
    const char *p = s;
    for (; *p >= '0' && *p <= '9' && nwhole < 4; p++, nwhole++)
        whole = whole * 10 + (*p - '0');
    if (nwhole == 0)
        return false;
    if (*p == '.') {
        for (p++; *p >= '0' && *p <= '9' && nfrac < 2; p++, nfrac++)
            frac = frac * 10 + (*p - '0');
        if (nfrac == 0)
            return false;
        if (nfrac == 1)
            frac *= 10;
    }
    int64_t bp = whole * 100 + frac;
    if (*p != '\0' || bp > 10000)
        return false;
    *bp_out = bp;
    return true;
}
