/*
 * timestamp.c: strict RFC 3339 parsing.
 */
#include "domain/timestamp.h"

#include <ctype.h>
#include <string.h>

/* n digits at s into *out; false when any is not a digit. */
static bool digits(const char *s, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (!isdigit((unsigned char)s[i]))
            return false;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return true;
}

/* The offset after the seconds: "Z" or "±HH:MM"; seconds east of UTC. */
static bool offset(const char *s, int *secs)
{
    if ((s[0] == 'Z' || s[0] == 'z') && !s[1]) {
        *secs = 0;
        return true;
    }
    int h, m;
    if ((s[0] != '+' && s[0] != '-') || !digits(s + 1, 2, &h) || s[3] != ':' ||
        !digits(s + 4, 2, &m) || s[6] || h > 23 || m > 59)
        return false;
    *secs = (s[0] == '-' ? -1 : 1) * (h * 3600 + m * 60);
    return true;
}

bool timestamp_parse(const char *s, int64_t *unix_out, civil_date *beijing_out)
{
    civil_date d;
    char day[11];
    int hh, mm, ss, off;
    if (!s || strlen(s) < 20)
        return false;
    memcpy(day, s, 10);
    day[10] = '\0';
    if (!date_parse(day, &d) ||
        (s[10] != 'T' && s[10] != 't' && s[10] != ' ') ||
        !digits(s + 11, 2, &hh) || s[13] != ':' || !digits(s + 14, 2, &mm) ||
        s[16] != ':' || !digits(s + 17, 2, &ss) || hh > 23 || mm > 59 ||
        ss > 60)
        return false;
    const char *p = s + 19;
    if (*p == '.') {
        p++;
        if (!isdigit((unsigned char)*p))
            return false;
        while (isdigit((unsigned char)*p))
            p++;
    }
    if (!offset(p, &off))
        return false;
    int64_t t = date_to_days(d) * 86400 + hh * 3600 + mm * 60 + ss - off;
    *unix_out = t;
    int64_t local = t + 8 * 3600; /* Beijing: UTC+8, no daylight saving */
    int64_t days = local >= 0 ? local / 86400 : -((-local + 86399) / 86400);
    *beijing_out = date_from_days(days);
    return true;
}
