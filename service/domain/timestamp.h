/*
 * timestamp.h: RFC 3339 instants as the API takes them
 * ("2024-11-02T10:34:56+08:00").
 */
#ifndef DOMAIN_TIMESTAMP_H
#define DOMAIN_TIMESTAMP_H

#include "domain/date.h"

#include <stdbool.h>
#include <stdint.h>

/* Parses "YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)" (a space may stand for
 * the T). Fills the instant as Unix seconds and the calendar date it falls
 * on in Asia/Shanghai (UTC+8). False for anything else, a missing offset
 * included: a payment time must say which clock it was read from. */
bool timestamp_parse(const char *s, int64_t *unix_out, civil_date *beijing_out);

#endif
