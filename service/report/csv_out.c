/*
 * csv_out.c: CSV records for Excel (see csv_out.h).
 */
#include "report/csv_out.h"

#include <string.h>

bool csv_out_bom(buf *out)
{
    return buf_append(out, "\xEF\xBB\xBF", 3);
}

/* Would Excel turn this into a number and lose digits or zeros? */
static bool looks_numeric_long(const char *s)
{
    size_t n = strlen(s);
    if (n < 2)
        return false;
    for (size_t i = 0; i < n; i++) {
        bool digit = s[i] >= '0' && s[i] <= '9';
        bool last_x = i == n - 1 && (s[i] == 'X' || s[i] == 'x');
        if (!digit && !last_x)
            return false;
    }
    return n >= 12 || s[0] == '0';
}

static bool field(buf *out, const char *s)
{
    bool ok = true;
    if (looks_numeric_long(s))
        ok = buf_append(out, "\t", 1);
    if (!strpbrk(s, ",\"\r\n"))
        return ok && buf_append_str(out, s);
    ok = ok && buf_append(out, "\"", 1);
    for (const char *p = s; ok && *p; p++)
        ok = *p == '"' ? buf_append(out, "\"\"", 2) : buf_append(out, p, 1);
    return ok && buf_append(out, "\"", 1);
}

bool csv_out_row(buf *out, const char *const *fields, size_t n)
{
    bool ok = true;
    for (size_t i = 0; ok && i < n; i++)
        ok = (i == 0 || buf_append(out, ",", 1)) && field(out, fields[i]);
    return ok && buf_append(out, "\r\n", 2);
}
