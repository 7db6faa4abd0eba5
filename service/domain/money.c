/*
 * money.c: yuan text <-> fen integers, exact.
 */
#include "domain/money.h"

#include <stddef.h>

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* Appends digit c to *v unless that would exceed MONEY_MAX_FEN / scale. */
static bool push_digit(int64_t *v, char c, int64_t limit)
{
    int d = c - '0';
    if (*v > (limit - d) / 10)
        return false;
    *v = *v * 10 + d;
    return true;
}

bool money_parse_yuan(const char *s, int64_t *fen_out)
{
    if (!s || !is_digit(s[0]))
        return false;
    int64_t yuan = 0;
    size_t i = 0;
    for (; is_digit(s[i]); i++)
        if (!push_digit(&yuan, s[i], MONEY_MAX_FEN / 100))
            return false;
    int64_t fen = 0;
    int decimals = 0;
    if (s[i] == '.') {
        for (i++; is_digit(s[i]); i++, decimals++)
            if (decimals == 2 || !push_digit(&fen, s[i], 99))
                return false;
        if (decimals == 0)
            return false;
    }
    if (s[i] != '\0')
        return false;
    if (decimals == 1)
        fen *= 10;
    if (yuan * 100 > MONEY_MAX_FEN - fen)
        return false;
    *fen_out = yuan * 100 + fen;
    return true;
}

void money_format_yuan(int64_t fen, char out[32])
{
    uint64_t mag = fen < 0 ? 0 - (uint64_t)fen : (uint64_t)fen;
    char tmp[24];
    int n = 0;
    /* Digits in reverse: two decimals, the point, then at least one more. */
    do {
        if (n == 2)
            tmp[n++] = '.';
        tmp[n++] = (char)('0' + mag % 10);
        mag /= 10;
    } while (mag > 0 || n < 4);
    int w = 0;
    if (fen < 0)
        out[w++] = '-';
    while (n > 0)
        out[w++] = tmp[--n];
    out[w] = '\0';
}
