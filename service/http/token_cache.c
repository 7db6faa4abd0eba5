/*
 * token_cache.c: a small open-addressed table of principals by token hash.
 */
#include "http/token_cache.h"

#include <pthread.h>
#include <string.h>
#include <time.h>

enum { SLOTS = 1024 };

typedef struct {
    char hash[65];
    principal who;
    time_t expires;
} slot;

static slot table[SLOTS];
static unsigned ttl;
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;

void token_cache_init(unsigned ttl_s)
{
    ttl = ttl_s;
    token_cache_clear();
}

static unsigned index_of(const char *hash)
{
    unsigned v = 0;
    for (int i = 0; i < 8; i++) /* the hash is already uniform */
        v = v * 16 +
            (unsigned)(hash[i] <= '9' ? hash[i] - '0' : hash[i] - 'a' + 10);
    return v % SLOTS;
}

bool token_cache_get(const char sha256_hex[65], principal *out)
{
    if (!ttl)
        return false;
    bool hit = false;
    slot *s = &table[index_of(sha256_hex)];
    pthread_mutex_lock(&mu);
    if (s->expires > time(NULL) && memcmp(s->hash, sha256_hex, 64) == 0) {
        *out = s->who;
        hit = true;
    }
    pthread_mutex_unlock(&mu);
    return hit;
}

void token_cache_put(const char sha256_hex[65], const principal *p)
{
    if (!ttl)
        return;
    slot *s = &table[index_of(sha256_hex)];
    pthread_mutex_lock(&mu);
    memcpy(s->hash, sha256_hex, 65);
    s->who = *p;
    s->expires = time(NULL) + (time_t)ttl;
    pthread_mutex_unlock(&mu);
}

void token_cache_clear(void)
{
    pthread_mutex_lock(&mu);
    memset(table, 0, sizeof table);
    pthread_mutex_unlock(&mu);
}
