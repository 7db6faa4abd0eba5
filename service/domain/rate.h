/*
 * rate.h: completion rates (num / den as a percentage), exact integer
 * arithmetic with half-up rounding to two decimals.
 */
#ifndef DOMAIN_RATE_H
#define DOMAIN_RATE_H

#include <stdbool.h>
#include <stdint.h>

/* Writes num/den * 100 with two decimals, rounded half-up, into the
 * caller's buffer: 14700/16504 -> "89.07", 0/5 -> "0.00", 5/5 -> "100.00",
 * 7/3 -> "233.33". Returns false (out untouched; the caller prints null)
 * when den <= 0, num < 0, or the result does not fit in int64_t basis
 * points. */
bool rate_format(int64_t num, int64_t den, char out[32]);

/* The same rate in basis points (hundredths of a percent), for ranking:
 * 14700/16504 -> 8907. Same false cases as rate_format; *bp_out is written
 * only on success. */
bool rate_basis_points(int64_t num, int64_t den, int64_t *bp_out);

/* A percentage as people write it ("80", "82.5", "95.00": at most two
 * decimals, 0 to 100) in basis points (8000, 8250, 9500). False for
 * anything else; *bp_out is written only on success. */
bool rate_parse_percent(const char *s, int64_t *bp_out);

#endif
