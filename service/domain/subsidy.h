/*
 * subsidy.h: what one resident (or a household) must pay for an insurance
 * year, tier and payment date (年度筹资标准 × 资助类别 × 档次).
 *
 * Rules (seed 004, 附件2 and 五): a resident holding several categories gets
 * the single highest category subsidy that has an amount in the chosen tier
 * (就高原则, never a sum); self-pay is never negative; paying on or after
 * the year's no_fiscal_subsidy_from date forfeits the fiscal subsidy and,
 * when the year says so, the resident pays the fiscal share on top.
 *
 * Everything is pure: values in, values out, no allocation, no clock. All
 * amounts are integer fen.
 */
#ifndef DOMAIN_SUBSIDY_H
#define DOMAIN_SUBSIDY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "domain/date.h"

typedef struct {
    int tier;
    int64_t contribution;   /* the individual contribution, fen */
    int64_t fiscal_subsidy; /* the per-capita fiscal subsidy, fen */
} tier_rate;

typedef struct {
    const char *category; /* category code */
    int tier;
    int64_t subsidy; /* fen */
} category_subsidy;

typedef struct {
    const char *category; /* category code */
    civil_date valid_from;
    bool has_valid_to;   /* false: open-ended */
    civil_date valid_to; /* inclusive */
} held_category;

typedef struct {
    const tier_rate *tiers;
    size_t ntiers;
    const category_subsidy *subsidies;
    size_t nsubsidies;
    /* from this date the fiscal subsidy is not granted */
    civil_date no_fiscal_subsidy_from;
    /* then the resident also pays the fiscal share */
    bool late_pays_fiscal_share;
} year_rates;

enum { QUOTE_MAX_CANDIDATES = 32 };

typedef struct {
    const char *category;
    int64_t subsidy; /* the category's amount in the tier (0 when none) */
    bool applied;
} quote_candidate;

typedef struct {
    int tier;
    /* the tier's individual contribution */
    int64_t contribution;
    /* the fiscal subsidy granted on that date (0 when late) */
    int64_t fiscal_subsidy;
    /* date >= no_fiscal_subsidy_from */
    bool late;
    /* paid on top because the fiscal share is not granted (0 unless
     * late && late_pays_fiscal_share) */
    int64_t late_surcharge;
    /* the category subsidy applied, capped so that self_pay >= 0 */
    int64_t subsidy;
    /* contribution + late_surcharge - subsidy, never negative */
    int64_t self_pay;
    /* the code of the applied category, NULL when none */
    const char *applied_category;
    /* every category valid on the date, in code order, with its amount in
     * this tier (0 when it has none there) */
    size_t ncandidates;
    quote_candidate candidates[QUOTE_MAX_CANDIDATES];
} quote;

typedef enum { QUOTE_OK = 0, QUOTE_UNKNOWN_TIER } quote_status;

/* Resolves one resident's quote for `tier` on `date` (an Asia/Shanghai
 * calendar date chosen by the caller).
 *
 * The caller owns y, held and out; y and out must not be NULL, held may be
 * NULL when nheld is 0. Nothing is allocated: the category pointers in *out
 * are copies of the held entries' category pointers, so they live as long
 * as the strings those point to.
 *
 * A held category counts when valid_from <= date <= valid_to (no valid_to:
 * open-ended); a code held several times counts once if any range is
 * valid; entries with a NULL code are ignored. Among the counting
 * categories, the one with the highest positive amount in this tier is
 * applied (ties: the code that sorts first by strcmp); a category without
 * an amount in this tier gives nothing in it. The applied subsidy is capped
 * at contribution + late_surcharge. Late means date >= the year's
 * no_fiscal_subsidy_from; an invalid (e.g. zeroed) no_fiscal_subsidy_from
 * turns the late rule off.
 *
 * candidates lists the counting categories in code order; beyond
 * QUOTE_MAX_CANDIDATES the codes sorting last are left out of the list (they
 * still take part in choosing the subsidy, so an applied category may then
 * be missing from the list).
 *
 * Returns QUOTE_UNKNOWN_TIER when y has no such tier (then *out is zeroed
 * apart from out->tier), else QUOTE_OK. */
quote_status subsidy_quote(const year_rates *y, int tier,
                           const held_category *held, size_t nheld,
                           civil_date date, quote *out);

/* Sums n quotes into *out (a household quote): contribution, fiscal_subsidy,
 * late_surcharge, subsidy and self_pay are added (saturating at the int64
 * range); every other field of *out is zeroed (tier 0, late false,
 * applied_category NULL, no candidates). The caller owns both; quotes may
 * be NULL when n is 0; out must not alias quotes. */
void subsidy_sum(const quote *quotes, size_t n, quote *out);

#endif
