/*
 * access.h: who may do what: roles and region scope. Pure rules.
 */
#ifndef DOMAIN_ACCESS_H
#define DOMAIN_ACCESS_H

#include <stdbool.h>
#include <stdint.h>

enum {
    ROLE_ADMIN = 1u << 0,
    ROLE_COUNTY = 1u << 1,
    ROLE_TOWNSHIP = 1u << 2,
    ROLE_COLLECTOR = 1u << 3,
    ROLE_TAX = 1u << 4,
    ROLE_DASHBOARD = 1u << 5,
    ROLES_ANY = (1u << 6) - 1,
};

enum { ACCESS_CODE_BYTES = 21 };

/* The caller behind a request. */
typedef struct {
    int64_t token_id;               /* 0 for the bootstrap ADMIN_TOKEN */
    unsigned role;                  /* exactly one ROLE_ bit */
    char region[ACCESS_CODE_BYTES]; /* "" = no restriction */
} principal;

typedef enum {
    ACCESS_ALLOW,
    ACCESS_DENY_ROLE,
    ACCESS_DENY_SCOPE
} access_decision;

/* The one decision: may `who` use a route open to `roles` on a resource in
 * the region whose path (county first, itself last) is given? path may be
 * NULL (depth 0) when the resource has no region. Admins pass every role
 * check; a token with a region passes the scope check only when that region
 * is on the path. */
access_decision access_decide(const principal *who, unsigned roles,
                              const char (*path)[ACCESS_CODE_BYTES], int depth);

/* "township" → ROLE_TOWNSHIP; 0 when unknown. */
unsigned role_from_name(const char *name);
const char *role_name(unsigned role);

#endif
