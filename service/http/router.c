/*
 * router.c: segment-by-segment matching of "/v1/x/{id}" patterns.
 */
#define _POSIX_C_SOURCE 200809L
#include "http/router.h"

#include <stdlib.h>
#include <string.h>

/* Matches one pattern; on success fills params (copies). */
static bool match_pattern(const char *pat, const char *path, char **params,
                          int *nparams)
{
    int n = 0;
    while (*pat && *path) {
        if (*pat != '/' || *path != '/')
            return false;
        pat++, path++;
        size_t plen = strcspn(pat, "/"), slen = strcspn(path, "/");
        if (pat[0] == '{') {
            if (slen == 0 || n == MAX_PATH_PARAMS)
                goto fail;
            params[n] = strndup(path, slen);
            if (!params[n])
                goto fail;
            n++;
        } else if (plen != slen || strncmp(pat, path, plen) != 0)
            goto fail;
        pat += plen, path += slen;
    }
    if (*pat || *path)
        goto fail;
    *nparams = n;
    return true;
fail:
    while (n > 0)
        free(params[--n]);
    return false;
}

int router_match(const route *table, const char *method, const char *path,
                 char **params, int *nparams, buf *allow)
{
    *nparams = 0;
    for (int i = 0; table[i].method; i++) {
        int n = 0;
        char *tmp[MAX_PATH_PARAMS];
        if (!match_pattern(table[i].pattern, path, tmp, &n))
            continue;
        if (strcmp(table[i].method, method) == 0) {
            memcpy(params, tmp, sizeof(char *) * (size_t)n);
            *nparams = n;
            return i;
        }
        while (n > 0)
            free(tmp[--n]);
        if (allow->len)
            buf_append_str(allow, ", ");
        buf_append_str(allow, table[i].method);
    }
    return -1;
}
