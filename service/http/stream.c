/*
 * stream.c: the bounded body buffer between libmicrohttpd and a worker.
 */
#include "http/stream.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

enum { STREAM_BUFFER = 1 << 20 };

struct body_stream {
    pthread_mutex_t mu;
    pthread_cond_t readable;
    struct MHD_Connection *conn;
    char *ring; /* STREAM_BUFFER bytes */
    size_t start, len;
    size_t total, limit;
    bool eof, too_large;
    bool reader_done, conn_gone;
    bool suspended; /* by us, waiting for room or for the reply */
};

body_stream *stream_new(struct MHD_Connection *conn, size_t limit)
{
    body_stream *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->ring = malloc(STREAM_BUFFER);
    if (!s->ring) {
        free(s);
        return NULL;
    }
    s->conn = conn;
    s->limit = limit;
    pthread_mutex_init(&s->mu, NULL);
    pthread_cond_init(&s->readable, NULL);
    return s;
}

void stream_free(body_stream *s)
{
    if (!s)
        return;
    pthread_mutex_destroy(&s->mu);
    pthread_cond_destroy(&s->readable);
    free(s->ring);
    free(s);
}

/* Copies len bytes in at the ring's end; the caller checked the room. */
static void ring_write(body_stream *s, const char *data, size_t len)
{
    size_t end = (s->start + s->len) % STREAM_BUFFER;
    size_t first = STREAM_BUFFER - end < len ? STREAM_BUFFER - end : len;
    memcpy(s->ring + end, data, first);
    memcpy(s->ring, data + first, len - first);
    s->len += len;
}

void stream_put(body_stream *s, const char *data, size_t *len)
{
    pthread_mutex_lock(&s->mu);
    if (s->reader_done || s->too_large) {
        *len = 0; /* nobody reads any more: discard */
    } else if (s->total + *len > s->limit) {
        s->too_large = true;
        *len = 0;
    } else {
        size_t room = STREAM_BUFFER - s->len;
        size_t n = *len < room ? *len : room;
        ring_write(s, data, n);
        s->total += n;
        *len -= n;
        if (*len && !s->suspended) {
            s->suspended = true;
            MHD_suspend_connection(s->conn);
        }
    }
    pthread_cond_signal(&s->readable);
    pthread_mutex_unlock(&s->mu);
}

bool stream_end_or_suspend(body_stream *s)
{
    pthread_mutex_lock(&s->mu);
    s->eof = true;
    pthread_cond_signal(&s->readable);
    bool done = s->reader_done;
    if (!done && !s->suspended) {
        s->suspended = true;
        MHD_suspend_connection(s->conn);
    }
    pthread_mutex_unlock(&s->mu);
    return done;
}

static void resume_locked(body_stream *s)
{
    if (s->suspended && !s->conn_gone) {
        s->suspended = false;
        MHD_resume_connection(s->conn);
    }
}

long stream_read(body_stream *s, char *dst, size_t max)
{
    pthread_mutex_lock(&s->mu);
    while (!s->len && !s->eof && !s->too_large && !s->conn_gone)
        pthread_cond_wait(&s->readable, &s->mu);
    long n = s->too_large ? -1 : -2;
    if (!s->too_large && (s->len || !s->conn_gone)) {
        size_t take = s->len < max ? s->len : max;
        size_t first =
            STREAM_BUFFER - s->start < take ? STREAM_BUFFER - s->start : take;
        memcpy(dst, s->ring + s->start, first);
        memcpy(dst + first, s->ring, take - first);
        s->start = (s->start + take) % STREAM_BUFFER;
        s->len -= take;
        n = (long)take;
        /* room again: let the upload go on */
        if (take && !s->eof)
            resume_locked(s);
    }
    pthread_mutex_unlock(&s->mu);
    return n;
}

bool stream_reader_done(body_stream *s)
{
    pthread_mutex_lock(&s->mu);
    s->reader_done = true;
    resume_locked(s);
    bool alive = !s->conn_gone;
    pthread_mutex_unlock(&s->mu);
    return alive;
}

bool stream_connection_gone(body_stream *s)
{
    pthread_mutex_lock(&s->mu);
    s->conn_gone = true;
    pthread_cond_signal(&s->readable);
    bool free_now = s->reader_done;
    pthread_mutex_unlock(&s->mu);
    return free_now;
}
