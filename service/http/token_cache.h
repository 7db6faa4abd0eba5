/*
 * token_cache.h: recently seen bearer tokens, so that a request costs no
 * extra round trip to look its token up. Entries live TOKEN_CACHE_TTL_S
 * seconds; a revocation on this instance empties the cache at once (other
 * instances see it within the TTL).
 */
#ifndef HTTP_TOKEN_CACHE_H
#define HTTP_TOKEN_CACHE_H

#include "domain/access.h"

#include <stdbool.h>

/* ttl_s 0 turns the cache off. Call once before serving. */
void token_cache_init(unsigned ttl_s);
/* Copies the principal for this secret hash into *out when cached. */
bool token_cache_get(const char sha256_hex[65], principal *out);
void token_cache_put(const char sha256_hex[65], const principal *p);
/* Forgets every token (after a revocation). */
void token_cache_clear(void);

#endif
