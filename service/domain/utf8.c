/*
 * utf8.c: strict UTF-8 validation (the same rules as the CSV reader's).
 */
#include "domain/utf8.h"

bool utf8_valid(const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s, *end = p + len;
    while (p < end) {
        unsigned char c = *p++;
        if (c == 0)
            return false;
        if (c < 0x80)
            continue;
        int need;
        unsigned char lo = 0x80, hi = 0xBF;
        if (c >= 0xC2 && c <= 0xDF)
            need = 1;
        else if (c >= 0xE0 && c <= 0xEF) {
            need = 2;
            lo = c == 0xE0 ? 0xA0 : 0x80; /* overlong */
            hi = c == 0xED ? 0x9F : 0xBF; /* surrogates */
        } else if (c >= 0xF0 && c <= 0xF4) {
            need = 3;
            lo = c == 0xF0 ? 0x90 : 0x80; /* overlong */
            hi = c == 0xF4 ? 0x8F : 0xBF; /* above U+10FFFF */
        } else
            return false; /* continuation byte, C0, C1, F5..FF */
        if (end - p < need || *p < lo || *p > hi)
            return false;
        for (p++, need--; need > 0; need--, p++)
            if (*p < 0x80 || *p > 0xBF)
                return false;
    }
    return true;
}
