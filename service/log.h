/*
 * log.h: one JSON object per line on stderr.
 */
#ifndef LOG_H
#define LOG_H

#include <jansson.h>

enum { LOG_DEBUG = 0, LOG_INFO = 1, LOG_WARN = 2, LOG_ERROR = 3 };

void log_set_level(int level);
/* printf-style message: {"ts":…,"level":…,"msg":…}. */
void log_msg(int level, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Logs fields as one line, adding "ts" and "level". Steals fields. */
void log_fields(int level, json_t *fields);

#endif
