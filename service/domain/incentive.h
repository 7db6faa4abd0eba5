/*
 * incentive.h: village incentives (seed 003 § 五: "by 10 Dec 100 % -> 1.2
 * yuan per person, 95 % -> 1.0 ..."). Pure rules: parsing a minimum rate,
 * and choosing the best rule a village met.
 */
#ifndef DOMAIN_INCENTIVE_H
#define DOMAIN_INCENTIVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* One rule: a completion rate of at least min_bp (hundredths of a
 * percent) by the end of deadline (YYYY-MM-DD) pays fen_per_person for
 * each person enrolled by then. */
typedef struct {
    char deadline[11];
    int64_t min_bp;
    int64_t fen_per_person;
} incentive_rule;

/* Parses a rate "0".."100" with at most two decimals ("95", "95.5",
 * "95.50") into basis points (9500, 9550, 9550). Rejects signs, spaces,
 * empty text, a leading or trailing '.', more decimals, values above 100.
 * s may be NULL (false); *bp_out is written only on success. */
bool incentive_rate_parse(const char *s, int64_t *bp_out);

/* Basis points as a rate string with two decimals: 9550 -> "95.50". */
void incentive_rate_format(int64_t bp, char out[16]);

/* The rule a village earns: among the rules whose deadline rate (enrolled[i]
 * people by rule i's deadline over target, rounded half-up to two decimals)
 * reaches min_bp, the one paying most per person; on a tie the one paying
 * the larger total, then the earlier deadline, then the higher minimum.
 * No target (or a zero target) meets no rule. Returns the rule's index, or
 * -1 when none is met. */
int incentive_best_rule(const incentive_rule *rules, size_t n,
                        const int64_t *enrolled, bool has_target,
                        int64_t target);

#endif
