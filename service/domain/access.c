/*
 * access.c: role and region-scope decisions.
 */
#include "domain/access.h"

#include <string.h>

static const char *const role_names[] = {"admin",     "county", "township",
                                         "collector", "tax",    "dashboard"};

unsigned role_from_name(const char *name)
{
    for (unsigned i = 0; i < 6; i++)
        if (strcmp(name, role_names[i]) == 0)
            return 1u << i;
    return 0;
}

const char *role_name(unsigned role)
{
    for (unsigned i = 0; i < 6; i++)
        if (role == 1u << i)
            return role_names[i];
    return "unknown";
}

access_decision access_decide(const principal *who, unsigned roles,
                              const char (*path)[ACCESS_CODE_BYTES], int depth)
{
    if (!(who->role & ROLE_ADMIN) && !(who->role & roles))
        return ACCESS_DENY_ROLE;
    if (!who->region[0] || !path)
        return ACCESS_ALLOW;
    for (int i = 0; i < depth; i++)
        if (strcmp(path[i], who->region) == 0)
            return ACCESS_ALLOW;
    return ACCESS_DENY_SCOPE;
}
