/*
 * strmap.h: a hash map from strings to fixed-size values, for the large
 * per-request sets of bulk imports (a county roster: over a million keys).
 *
 * Keys and values live in the map's own arena, in blocks that never move,
 * so a value pointer stays valid until the map is freed. Entries are never
 * removed. The map owns everything it holds: strmap_free() releases it.
 */
#ifndef COMMON_STRMAP_H
#define COMMON_STRMAP_H

#include <stdbool.h>
#include <stddef.h>

typedef struct strmap strmap;

/* A new, empty map whose values are value_size bytes (0 for a set).
 * NULL when memory runs out. */
strmap *strmap_new(size_t value_size);
void strmap_free(strmap *m);

/* The value stored under key, or NULL. */
void *strmap_get(const strmap *m, const char *key);
/* The value under key; when absent it is added, zero-filled, and *added
 * (when not NULL) is set. NULL only when memory runs out (map unchanged). */
void *strmap_put(strmap *m, const char *key, bool *added);
/* The map's own copy of the key of a value strmap_get/put returned. */
const char *strmap_key(const strmap *m, const void *value);
size_t strmap_count(const strmap *m);

#endif
