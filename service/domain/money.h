/*
 * money.h: exact conversion between yuan as text and integer fen
 * (1 yuan = 100 fen). No floating point anywhere.
 */
#ifndef DOMAIN_MONEY_H
#define DOMAIN_MONEY_H

#include <stdbool.h>
#include <stdint.h>

/* The largest amount money_parse_yuan accepts: 10^13 fen (10^11 yuan). */
#define MONEY_MAX_FEN INT64_C(10000000000000)

/* Parses non-negative yuan text: one or more digits, optionally '.' and one
 * or two digits ("350", "350.0", "350.00" -> 35000). Rejects signs, spaces,
 * empty text, a leading or trailing '.', more than two decimals, anything
 * else, and amounts above MONEY_MAX_FEN. On success writes *fen_out and
 * returns true; otherwise returns false and leaves *fen_out untouched.
 * s may be NULL (false). */
bool money_parse_yuan(const char *s, int64_t *fen_out);

/* Writes fen as yuan with exactly two decimals into the caller's buffer:
 * 35000 -> "350.00", 5 -> "0.05", -5 -> "-0.05". Any int64_t fits. */
void money_format_yuan(int64_t fen, char out[32]);

#endif
