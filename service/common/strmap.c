/*
 * strmap.c: open addressing (linear probing) over entries kept in an arena.
 *
 * An entry is [value, rounded up to 8 bytes][32-bit hash][key + NUL]. The
 * table holds entry pointers; it doubles when it is 70 % full.
 */
#include "common/strmap.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

enum { ARENA_BLOCK = 1 << 20, FIRST_SLOTS = 64 };

typedef struct block {
    struct block *next;
    size_t used, size;
    _Alignas(8) char data[];
} block;

struct strmap {
    size_t vsize; /* value size rounded up to 8 */
    char **slots; /* entry pointers, NULL when free */
    size_t nslots, count;
    block *blocks; /* newest first */
};

static uint32_t hash_of(const char *s, size_t n)
{
    /* FNV-1a, then a final mix so that the low bits spread */
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 16777619u;
    h ^= h >> 15;
    h *= 0x2c1b3c6du;
    h ^= h >> 12;
    return h;
}

static uint32_t entry_hash(const strmap *m, const char *e)
{
    uint32_t h;
    memcpy(&h, e + m->vsize, sizeof h);
    return h;
}

static const char *entry_key(const strmap *m, const char *e)
{
    return e + m->vsize + sizeof(uint32_t);
}

strmap *strmap_new(size_t value_size)
{
    strmap *m = calloc(1, sizeof *m);
    if (!m)
        return NULL;
    m->vsize = (value_size + 7) & ~(size_t)7;
    m->nslots = FIRST_SLOTS;
    m->slots = calloc(m->nslots, sizeof *m->slots);
    if (!m->slots) {
        free(m);
        return NULL;
    }
    return m;
}

void strmap_free(strmap *m)
{
    if (!m)
        return;
    while (m->blocks) {
        block *next = m->blocks->next;
        free(m->blocks);
        m->blocks = next;
    }
    free(m->slots);
    free(m);
}

/* The slot holding key, or the free slot where it would go. */
static size_t find_slot(const strmap *m, const char *key, uint32_t h)
{
    size_t mask = m->nslots - 1, i = h & mask;
    while (m->slots[i]) {
        const char *e = m->slots[i];
        if (entry_hash(m, e) == h && strcmp(entry_key(m, e), key) == 0)
            return i;
        i = (i + 1) & mask;
    }
    return i;
}

static bool grow(strmap *m)
{
    size_t n = m->nslots * 2;
    char **slots = calloc(n, sizeof *slots);
    if (!slots)
        return false;
    for (size_t i = 0; i < m->nslots; i++) {
        if (!m->slots[i])
            continue;
        size_t j = entry_hash(m, m->slots[i]) & (n - 1);
        while (slots[j])
            j = (j + 1) & (n - 1);
        slots[j] = m->slots[i];
    }
    free(m->slots);
    m->slots = slots;
    m->nslots = n;
    return true;
}

static char *arena_alloc(strmap *m, size_t size)
{
    size = (size + 7) & ~(size_t)7;
    block *b = m->blocks;
    if (!b || b->size - b->used < size) {
        size_t bsize = size > ARENA_BLOCK ? size : ARENA_BLOCK;
        b = malloc(sizeof *b + bsize);
        if (!b)
            return NULL;
        b->next = m->blocks;
        b->used = 0;
        b->size = bsize;
        m->blocks = b;
    }
    char *p = b->data + b->used;
    b->used += size;
    return p;
}

void *strmap_get(const strmap *m, const char *key)
{
    uint32_t h = hash_of(key, strlen(key));
    char *e = m->slots[find_slot(m, key, h)];
    return e;
}

void *strmap_put(strmap *m, const char *key, bool *added)
{
    size_t klen = strlen(key);
    uint32_t h = hash_of(key, klen);
    size_t i = find_slot(m, key, h);
    if (m->slots[i])
        return m->slots[i];
    if ((m->count + 1) * 10 > m->nslots * 7) {
        if (!grow(m))
            return NULL;
        i = find_slot(m, key, h);
    }
    char *e = arena_alloc(m, m->vsize + sizeof h + klen + 1);
    if (!e)
        return NULL;
    memset(e, 0, m->vsize);
    memcpy(e + m->vsize, &h, sizeof h);
    memcpy(e + m->vsize + sizeof h, key, klen + 1);
    m->slots[i] = e;
    m->count++;
    if (added)
        *added = true;
    return e;
}

const char *strmap_key(const strmap *m, const void *value)
{
    return entry_key(m, value);
}

size_t strmap_count(const strmap *m)
{
    return m->count;
}
