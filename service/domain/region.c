/*
 * region.c: region levels and codes.
 */
#include "domain/region.h"

#include <string.h>

static const char *const level_names[] = {"county", "township", "village",
                                          "group"};

int region_level_from_name(const char *name)
{
    for (int i = 0; i < 4; i++)
        if (strcmp(name, level_names[i]) == 0)
            return i + 1;
    return 0;
}

const char *region_level_name(int level)
{
    return level >= 1 && level <= 4 ? level_names[level - 1] : "unknown";
}

bool region_code_valid(const char *code)
{
    size_t n = strlen(code);
    if (n == 0 || n > 20)
        return false;
    for (size_t i = 0; i < n; i++)
        if (code[i] < '0' || code[i] > '9')
            return false;
    return true;
}
