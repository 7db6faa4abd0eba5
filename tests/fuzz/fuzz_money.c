/*
 * fuzz_money.c: yuan text <-> fen (domain/money.c).
 *
 * Input: the text for money_parse_yuan (cut at the first NUL); its first 8
 * bytes are also an int64_t for money_format_yuan. Invariants: the parser
 * accepts exactly digits, optionally '.' and one or two digits, up to
 * MONEY_MAX_FEN, and leaves the output alone otherwise; formatting then
 * parsing gives the amount back; any int64_t formats as -?D+.DD with the
 * right digits.
 */
#include "domain/money.h"
#include "fuzz.h"

#include <string.h>

/* The grammar read again, with the value in unsigned 64 bits (no
 * overflow: at most 20 digits are ever accumulated below the cap). */
static bool expected_parse(const char *s, int64_t *fen)
{
    size_t i = 0;
    uint64_t v = 0;
    bool big = false;
    while (s[i] >= '0' && s[i] <= '9') {
        if (v > UINT64_MAX / 100)
            big = true;
        else
            v = v * 10 + (uint64_t)(s[i] - '0');
        i++;
    }
    if (i == 0)
        return false;
    uint64_t cents = 0;
    if (s[i] == '.') {
        size_t k = ++i;
        while (s[i] >= '0' && s[i] <= '9')
            cents = cents * 10 + (uint64_t)(s[i++] - '0');
        if (i == k || i - k > 2)
            return false;
        if (i - k == 1)
            cents *= 10;
    }
    if (s[i] != '\0' || big || v > (uint64_t)MONEY_MAX_FEN / 100)
        return false;
    uint64_t total = v * 100 + cents;
    if (total > (uint64_t)MONEY_MAX_FEN)
        return false;
    *fen = (int64_t)total;
    return true;
}

static void check_format(int64_t fen)
{
    char out[32];
    money_format_yuan(fen, out);
    size_t n = strlen(out), i = out[0] == '-';
    FUZZ_CHECK(n < 32 && n >= i + 4);
    FUZZ_CHECK((fen < 0) == (out[0] == '-'));
    FUZZ_CHECK(out[n - 3] == '.');
    uint64_t mag = 0;
    for (; i < n; i++) {
        if (i == n - 3)
            continue;
        FUZZ_CHECK(out[i] >= '0' && out[i] <= '9');
        mag = mag * 10 + (uint64_t)(out[i] - '0');
    }
    FUZZ_CHECK(mag == (fen < 0 ? 0 - (uint64_t)fen : (uint64_t)fen));
    if (fen >= 0 && fen <= MONEY_MAX_FEN) {
        int64_t back = -1;
        FUZZ_CHECK(money_parse_yuan(out, &back) && back == fen);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    FUZZ_CHECK(s != NULL);
    memcpy(s, data, size);
    s[size] = '\0';
    int64_t fen = -7, want = -7;
    bool ok = money_parse_yuan(s, &fen);
    FUZZ_CHECK(ok == expected_parse(s, &want));
    FUZZ_CHECK(fen == want); /* equal values, or both untouched */
    if (ok)
        check_format(fen);
    if (size >= 8) {
        int64_t any;
        memcpy(&any, data, sizeof any);
        check_format(any);
    }
    free(s);
    return 0;
}
