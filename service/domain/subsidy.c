/*
 * subsidy.c: one resident's contribution, subsidy and self-pay for a tier
 * and date (就高原则: the single highest category subsidy), and household
 * sums. Pure: no allocation, no I/O, no clock.
 */
#include "domain/subsidy.h"

#include <string.h>

/* a + b, saturating at the int64_t range instead of overflowing. */
static int64_t add_fen(int64_t a, int64_t b)
{
    if (b > 0 && a > INT64_MAX - b)
        return INT64_MAX;
    if (b < 0 && a < INT64_MIN - b)
        return INT64_MIN;
    return a + b;
}

static const tier_rate *find_tier(const year_rates *y, int tier)
{
    for (size_t i = 0; i < y->ntiers; i++)
        if (y->tiers[i].tier == tier)
            return &y->tiers[i];
    return NULL;
}

/* True when h has a code and valid_from <= date <= valid_to. */
static bool held_on(const held_category *h, civil_date date)
{
    if (!h->category || date_compare(h->valid_from, date) > 0)
        return false;
    return !h->has_valid_to || date_compare(date, h->valid_to) <= 0;
}

/* The smallest code valid on date that sorts after prev (prev NULL: the
 * smallest of all), or NULL when there is none. Codes held twice are thus
 * visited once; the pointer is the first such entry in held. */
static const char *next_code(const held_category *held, size_t nheld,
                             civil_date date, const char *prev)
{
    const char *best = NULL;
    for (size_t i = 0; i < nheld; i++) {
        const char *c = held[i].category;
        if (!held_on(&held[i], date))
            continue;
        if (prev && strcmp(c, prev) <= 0)
            continue;
        if (!best || strcmp(c, best) < 0)
            best = c;
    }
    return best;
}

/* The category's amount in the tier: the largest configured one (should
 * the table repeat a pair), 0 when there is none or it is negative. */
static int64_t tier_amount(const year_rates *y, const char *code, int tier)
{
    int64_t amount = 0;
    for (size_t i = 0; i < y->nsubsidies; i++) {
        const category_subsidy *s = &y->subsidies[i];
        if (s->tier == tier && s->category && strcmp(s->category, code) == 0 &&
            s->subsidy > amount)
            amount = s->subsidy;
    }
    return amount;
}

/* Lists the candidates into out and returns the highest amount (first
 * code on ties), writing its code to *best_code (NULL when none > 0). */
static int64_t choose_category(const year_rates *y, int tier,
                               const held_category *held, size_t nheld,
                               civil_date date, quote *out,
                               const char **best_code)
{
    int64_t best = 0;
    size_t best_at = QUOTE_MAX_CANDIDATES;
    *best_code = NULL;
    for (const char *c = next_code(held, nheld, date, NULL); c;
         c = next_code(held, nheld, date, c)) {
        int64_t amount = tier_amount(y, c, tier);
        size_t at = out->ncandidates;
        if (at < QUOTE_MAX_CANDIDATES) {
            out->candidates[at] = (quote_candidate){c, amount, false};
            out->ncandidates++;
        }
        if (amount > best) {
            best = amount;
            *best_code = c;
            best_at = at;
        }
    }
    if (best_at < QUOTE_MAX_CANDIDATES)
        out->candidates[best_at].applied = true;
    return best;
}

quote_status subsidy_quote(const year_rates *y, int tier,
                           const held_category *held, size_t nheld,
                           civil_date date, quote *out)
{
    memset(out, 0, sizeof *out);
    out->tier = tier;
    const tier_rate *rate = find_tier(y, tier);
    if (!rate)
        return QUOTE_UNKNOWN_TIER;
    const civil_date cut = y->no_fiscal_subsidy_from;
    out->late = date_is_valid(cut.year, cut.month, cut.day) &&
                date_compare(date, cut) >= 0;
    out->contribution = rate->contribution;
    out->fiscal_subsidy = out->late ? 0 : rate->fiscal_subsidy;
    if (out->late && y->late_pays_fiscal_share)
        out->late_surcharge = rate->fiscal_subsidy;
    int64_t due = add_fen(out->contribution, out->late_surcharge);
    if (due < 0)
        due = 0;
    const char *code = NULL;
    int64_t best =
        choose_category(y, tier, held, held ? nheld : 0, date, out, &code);
    out->subsidy = best < due ? best : due;
    out->applied_category = code;
    out->self_pay = due - out->subsidy;
    return QUOTE_OK;
}

void subsidy_sum(const quote *quotes, size_t n, quote *out)
{
    memset(out, 0, sizeof *out);
    for (size_t i = 0; i < n; i++) {
        const quote *q = &quotes[i];
        out->contribution = add_fen(out->contribution, q->contribution);
        out->fiscal_subsidy = add_fen(out->fiscal_subsidy, q->fiscal_subsidy);
        out->late_surcharge = add_fen(out->late_surcharge, q->late_surcharge);
        out->subsidy = add_fen(out->subsidy, q->subsidy);
        out->self_pay = add_fen(out->self_pay, q->self_pay);
    }
}
