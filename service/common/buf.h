/*
 * buf.h: a growable byte buffer, always NUL-terminated.
 *
 * A buf owns its memory: buf_free() releases it; buf_steal() hands the
 * bytes to the caller, who then frees them with free().
 */
#ifndef COMMON_BUF_H
#define COMMON_BUF_H

#include <stdbool.h>
#include <stddef.h>

typedef struct {
    char *data; /* NUL-terminated when non-NULL */
    size_t len;
    size_t cap;
} buf;

/* Appends len bytes; false when memory runs out (buf unchanged). */
bool buf_append(buf *b, const void *data, size_t len);
bool buf_append_str(buf *b, const char *s);
/* printf-style append; false on allocation failure. */
bool buf_printf(buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Empties the buffer but keeps its memory. */
void buf_reset(buf *b);
/* Returns the bytes (caller frees) and leaves b empty; never NULL unless
 * allocation fails. */
char *buf_steal(buf *b);
void buf_free(buf *b);

#endif
