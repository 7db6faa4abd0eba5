/*
 * incentive.c: the incentive rules: minimum rates as basis points, and the
 * best rule a village met. Integer arithmetic only.
 */
#include "domain/incentive.h"

#include "domain/money.h"
#include "domain/rate.h"

#include <stdio.h>
#include <string.h>

bool incentive_rate_parse(const char *s, int64_t *bp_out)
{
    /* a percentage with two decimals reads exactly like yuan with fen */
    int64_t bp;
    if (!s || strlen(s) > 6 || !money_parse_yuan(s, &bp) || bp > 10000)
        return false;
    *bp_out = bp;
    return true;
}

void incentive_rate_format(int64_t bp, char out[16])
{
    snprintf(out, 16, "%d.%02d", (int)(bp / 100), (int)(bp % 100));
}

/* Is rule a better choice than rule b (both met)? */
static bool better(const incentive_rule *a, int64_t enrolled_a,
                   const incentive_rule *b, int64_t enrolled_b)
{
    if (a->fen_per_person != b->fen_per_person)
        return a->fen_per_person > b->fen_per_person;
    if (enrolled_a != enrolled_b)
        return enrolled_a > enrolled_b;
    int c = strcmp(a->deadline, b->deadline);
    if (c != 0)
        return c < 0;
    return a->min_bp > b->min_bp;
}

int incentive_best_rule(const incentive_rule *rules, size_t n,
                        const int64_t *enrolled, bool has_target,
                        int64_t target)
{
    int best = -1;
    if (!has_target || target <= 0)
        return -1;
    for (size_t i = 0; i < n; i++) {
        int64_t bp;
        if (!rate_basis_points(enrolled[i], target, &bp) ||
            bp < rules[i].min_bp)
            continue;
        if (best < 0 ||
            better(&rules[i], enrolled[i], &rules[best], enrolled[best]))
            best = (int)i;
    }
    return best;
}
