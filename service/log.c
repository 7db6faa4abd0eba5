/*
 * log.c: JSON log lines, one write(2) each so lines never interleave.
 */
#define _POSIX_C_SOURCE 200809L
#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static int min_level = LOG_INFO;
static const char *level_names[] = {"debug", "info", "warn", "error"};

void log_set_level(int level)
{
    min_level = level;
}

static void now_iso(char out[40])
{
    struct timespec ts;
    struct tm tm;
    clock_gettime(CLOCK_REALTIME, &ts);
    gmtime_r(&ts.tv_sec, &tm);
    size_t n = strftime(out, 40, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(out + n, 40 - n, ".%03ldZ", ts.tv_nsec / 1000000);
}

void log_fields(int level, json_t *fields)
{
    if (level < min_level || !fields) {
        json_decref(fields);
        return;
    }
    char ts[40];
    now_iso(ts);
    json_t *line =
        json_pack("{s:s,s:s}", "ts", ts, "level", level_names[level]);
    json_object_update(line, fields);
    json_decref(fields);
    char *text = json_dumps(line, JSON_COMPACT | JSON_ENSURE_ASCII |
                                      JSON_REAL_PRECISION(6));
    json_decref(line);
    if (!text)
        return;
    size_t n = strlen(text);
    text[n] = '\n'; /* replaces the NUL; write exactly n + 1 bytes */
    ssize_t w = write(STDERR_FILENO, text, n + 1);
    (void)w;
    free(text);
}

void log_msg(int level, const char *fmt, ...)
{
    if (level < min_level)
        return;
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    log_fields(level, json_pack("{s:s}", "msg", msg));
}
