/*
 * test_subsidy.c: unit tests for domain/subsidy, driven by the whole
 * seed-004 附件2 table (特殊困难人员参保资助标准, 2023): 19 categories, tier 1
 * contribution 350 yuan, tier 2 725 yuan, fiscal subsidy 610 yuan, and the
 * 就高原则 for people in several categories. Exports subsidy_suite().
 */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "domain/subsidy.h"

Suite *subsidy_suite(void);

#define NROWS(a) (sizeof(a) / sizeof((a)[0]))
#define NONE (-1) /* no amount in that tier (empty cell in the table) */

/* 附件2, in yuan, row for row. */
static const struct {
    const char *code, *name;
    int t1_subsidy, t1_self, t2_subsidy, t2_self;
} table[] = {
    {"tekun", "特困人员", 350, 0, 350, 375},
    {"guer", "城乡孤儿", 350, 0, 350, 375},
    {"wuren_fuyang", "事实无人抚养儿童", 350, 0, 350, 375},
    {"dibao", "低保对象", 315, 35, 350, 375},
    {"dibao_bianyuan", "低保边缘户", 245, 105, 350, 375},
    {"minzheng_qita", "民政部门建档其他人员", 245, 105, 350, 375},
    {"yinbing_zhipin", "因病致贫家庭重病患者", 245, 105, 350, 375},
    {"fanpin_zhipin", "返贫致贫人口", 245, 105, 350, 375},
    {"tuopin_buwending", "脱贫不稳定户", 245, 105, 350, 375},
    {"bianyuan_yizhipin", "边缘易致贫户", 245, 105, 350, 375},
    {"tufa_kunnan", "突发严重困难户", 245, 105, 350, 375},
    {"wending_tuopin", "稳定脱贫人口", 50, 300, 50, 675},
    {"fuyuan_junren", "在乡老复员军人", NONE, 350, 725, 0},
    {"tuiyi_shibing", "满60岁农村籍退役士兵享受补助", 350, 0, 350, 375},
    {"zhongdian_youfu", "重点优抚对象（不含1-6级残疾）", 350, 0, 350, 375},
    {"zhongdu_canji", "民政城乡重度（一、二级）残疾", 245, 105, 350, 375},
    {"jisheng_jiangfu", "计生优抚（奖抚）对象", 280, 70, 280, 445},
    {"jisheng_tefu", "计生残抚（特扶）对象", 350, 0, 350, 375},
    {"jisheng_bingfazheng", "计划生育手术并发症对象", 350, 0, 350, 375},
};

static const tier_rate tiers[] = {{1, 35000, 61000}, {2, 72500, 61000}};

/* The table as category subsidies in fen (the empty cell left out). */
static category_subsidy subsidies[2 * NROWS(table)];

static size_t load_subsidies(void)
{
    size_t n = 0;
    for (size_t i = 0; i < NROWS(table); i++) {
        if (table[i].t1_subsidy != NONE)
            subsidies[n++] = (category_subsidy){
                table[i].code, 1, (int64_t)table[i].t1_subsidy * 100};
        subsidies[n++] = (category_subsidy){table[i].code, 2,
                                            (int64_t)table[i].t2_subsidy * 100};
    }
    return n;
}

static const civil_date campaign_day = {2022, 11, 15};
static const civil_date cutoff = {2023, 7, 1};

static year_rates rates_2023(bool late_pays_fiscal_share)
{
    return (year_rates){tiers,     NROWS(tiers),
                        subsidies, load_subsidies(),
                        cutoff,    late_pays_fiscal_share};
}

/* Held from 2022-01-01, open-ended. */
static held_category held(const char *code)
{
    return (held_category){code, {2022, 1, 1}, false, {0, 0, 0}};
}

static quote quote_of(const year_rates *y, int tier, const held_category *h,
                      size_t n, civil_date date)
{
    quote q;
    ck_assert_int_eq(subsidy_quote(y, tier, h, n, date, &q), QUOTE_OK);
    return q;
}

START_TEST(table_has_all_nineteen_categories_of_seed_004)
{
    ck_assert_uint_eq(NROWS(table), 19);
    ck_assert_uint_eq(load_subsidies(), 37); /* 19 × 2, one empty cell */
    for (size_t i = 0; i < NROWS(table); i++)
        for (size_t j = i + 1; j < NROWS(table); j++)
            ck_assert_str_ne(table[i].code, table[j].code);
}
END_TEST

/* Loop test: row _i of the table, both tiers, holding only that category. */
START_TEST(single_category_pays_the_table_amounts_in_both_tiers)
{
    year_rates y = rates_2023(true);
    held_category h = held(table[_i].code);
    int want_sub[2] = {table[_i].t1_subsidy, table[_i].t2_subsidy};
    int want_self[2] = {table[_i].t1_self, table[_i].t2_self};
    for (int tier = 1; tier <= 2; tier++) {
        quote q = quote_of(&y, tier, &h, 1, campaign_day);
        int64_t sub = want_sub[tier - 1] == NONE ? 0 : want_sub[tier - 1];
        ck_assert_msg(q.subsidy == sub * 100, "%s tier %d: subsidy %lld",
                      table[_i].name, tier, (long long)q.subsidy);
        ck_assert_msg(q.self_pay == (int64_t)want_self[tier - 1] * 100,
                      "%s tier %d: self-pay %lld", table[_i].name, tier,
                      (long long)q.self_pay);
        ck_assert_int_eq(q.tier, tier);
        ck_assert_int_eq(q.contribution, tiers[tier - 1].contribution);
        ck_assert_int_eq(q.contribution, q.subsidy + q.self_pay);
        ck_assert_int_eq(q.fiscal_subsidy, 61000);
        ck_assert(!q.late);
        ck_assert_int_eq(q.late_surcharge, 0);
        ck_assert_uint_eq(q.ncandidates, 1);
        ck_assert_str_eq(q.candidates[0].category, table[_i].code);
        ck_assert_int_eq(q.candidates[0].subsidy, sub * 100);
    }
}
END_TEST

START_TEST(category_without_amount_in_tier_gives_nothing_in_that_tier)
{
    year_rates y = rates_2023(true);
    held_category h = held("fuyuan_junren");
    quote q = quote_of(&y, 1, &h, 1, campaign_day);
    ck_assert_int_eq(q.subsidy, 0);
    ck_assert_int_eq(q.self_pay, 35000);
    ck_assert_ptr_null(q.applied_category);
    ck_assert_uint_eq(q.ncandidates, 1);
    ck_assert_str_eq(q.candidates[0].category, "fuyuan_junren");
    ck_assert_int_eq(q.candidates[0].subsidy, 0);
    ck_assert(!q.candidates[0].applied);
    q = quote_of(&y, 2, &h, 1, campaign_day);
    ck_assert_int_eq(q.subsidy, 72500);
    ck_assert_int_eq(q.self_pay, 0);
    ck_assert_str_eq(q.applied_category, "fuyuan_junren");
    ck_assert(q.candidates[0].applied);
}
END_TEST

START_TEST(overlapping_categories_take_the_highest_never_the_sum)
{
    year_rates y = rates_2023(true);
    held_category h[] = {held("wending_tuopin"), held("dibao")};
    quote q = quote_of(&y, 1, h, 2, campaign_day);
    ck_assert_int_eq(q.subsidy, 31500); /* not 31500 + 5000 */
    ck_assert_int_eq(q.self_pay, 3500);
    ck_assert_str_eq(q.applied_category, "dibao");
    q = quote_of(&y, 2, h, 2, campaign_day);
    ck_assert_int_eq(q.subsidy, 35000);
    ck_assert_int_eq(q.self_pay, 37500);
    ck_assert_str_eq(q.applied_category, "dibao");
    ck_assert_uint_eq(q.ncandidates, 2);
    ck_assert_str_eq(q.candidates[0].category, "dibao");
    ck_assert(q.candidates[0].applied);
    ck_assert_str_eq(q.candidates[1].category, "wending_tuopin");
    ck_assert_int_eq(q.candidates[1].subsidy, 5000);
    ck_assert(!q.candidates[1].applied);
}
END_TEST

START_TEST(overlap_takes_the_highest_in_each_tier)
{
    year_rates y = rates_2023(true);
    held_category h[] = {held("jisheng_jiangfu"), held("dibao")};
    quote q = quote_of(&y, 1, h, 2, campaign_day);
    ck_assert_int_eq(q.subsidy, 31500);
    ck_assert_int_eq(q.self_pay, 3500);
    ck_assert_str_eq(q.applied_category, "dibao");
    q = quote_of(&y, 2, h, 2, campaign_day);
    ck_assert_int_eq(q.subsidy, 35000);
    ck_assert_int_eq(q.self_pay, 37500);
    ck_assert_str_eq(q.applied_category, "dibao");
}
END_TEST

START_TEST(different_categories_win_in_different_tiers)
{
    year_rates y = rates_2023(true);
    held_category h[] = {held("jisheng_jiangfu"), held("fuyuan_junren")};
    quote q = quote_of(&y, 1, h, 2, campaign_day);
    ck_assert_int_eq(q.subsidy, 28000);
    ck_assert_int_eq(q.self_pay, 7000);
    ck_assert_str_eq(q.applied_category, "jisheng_jiangfu");
    ck_assert_str_eq(q.candidates[0].category, "fuyuan_junren");
    ck_assert_int_eq(q.candidates[0].subsidy, 0);
    ck_assert(!q.candidates[0].applied);
    ck_assert(q.candidates[1].applied);
    q = quote_of(&y, 2, h, 2, campaign_day);
    ck_assert_int_eq(q.subsidy, 72500);
    ck_assert_int_eq(q.self_pay, 0);
    ck_assert_str_eq(q.applied_category, "fuyuan_junren");
    ck_assert(q.candidates[0].applied);
    ck_assert(!q.candidates[1].applied);
}
END_TEST

START_TEST(equal_amounts_go_to_the_code_that_sorts_first)
{
    year_rates y = rates_2023(true);
    held_category ab[] = {held("tekun"), held("guer")};
    held_category ba[] = {held("guer"), held("tekun")};
    quote q = quote_of(&y, 1, ab, 2, campaign_day);
    ck_assert_str_eq(q.applied_category, "guer");
    ck_assert_int_eq(q.subsidy, 35000);
    q = quote_of(&y, 1, ba, 2, campaign_day);
    ck_assert_str_eq(q.applied_category, "guer");
    ck_assert(q.candidates[0].applied);
    ck_assert(!q.candidates[1].applied);
}
END_TEST

START_TEST(category_expired_the_day_before_does_not_count)
{
    year_rates y = rates_2023(true);
    held_category h = {"dibao", {2022, 1, 1}, true, {2022, 11, 14}};
    quote q = quote_of(&y, 1, &h, 1, campaign_day);
    ck_assert_int_eq(q.subsidy, 0);
    ck_assert_int_eq(q.self_pay, 35000);
    ck_assert_uint_eq(q.ncandidates, 0);
    ck_assert_ptr_null(q.applied_category);
}
END_TEST

START_TEST(category_valid_until_the_date_counts)
{
    year_rates y = rates_2023(true);
    held_category h = {"dibao", {2022, 1, 1}, true, {2022, 11, 15}};
    quote q = quote_of(&y, 1, &h, 1, campaign_day);
    ck_assert_int_eq(q.subsidy, 31500);
}
END_TEST

START_TEST(category_starting_on_the_date_counts)
{
    year_rates y = rates_2023(true);
    held_category h = {"dibao", {2022, 11, 15}, false, {0, 0, 0}};
    quote q = quote_of(&y, 1, &h, 1, campaign_day);
    ck_assert_int_eq(q.subsidy, 31500);
    ck_assert_int_eq(q.self_pay, 3500);
}
END_TEST

START_TEST(category_starting_the_day_after_does_not_count)
{
    year_rates y = rates_2023(true);
    held_category h = {"dibao", {2022, 11, 16}, false, {0, 0, 0}};
    quote q = quote_of(&y, 1, &h, 1, campaign_day);
    ck_assert_int_eq(q.subsidy, 0);
    ck_assert_uint_eq(q.ncandidates, 0);
}
END_TEST

START_TEST(category_held_twice_counts_once_if_any_range_is_valid)
{
    year_rates y = rates_2023(true);
    held_category h[] = {
        {"dibao", {2021, 1, 1}, true, {2021, 12, 31}},
        {"dibao", {2022, 6, 1}, false, {0, 0, 0}},
        {"dibao", {2022, 1, 1}, true, {2022, 12, 31}},
    };
    quote q = quote_of(&y, 1, h, 3, campaign_day);
    ck_assert_uint_eq(q.ncandidates, 1);
    ck_assert_int_eq(q.subsidy, 31500);
    ck_assert_ptr_eq(q.applied_category, h[1].category);
    q = quote_of(&y, 1, h, 1, campaign_day); /* only the old range */
    ck_assert_uint_eq(q.ncandidates, 0);
    ck_assert_int_eq(q.subsidy, 0);
}
END_TEST

START_TEST(late_payment_pays_the_fiscal_share_when_the_year_says_so)
{
    year_rates y = rates_2023(true);
    held_category h = held("dibao");
    quote q = quote_of(&y, 1, &h, 1, cutoff);
    ck_assert(q.late);
    ck_assert_int_eq(q.fiscal_subsidy, 0);
    ck_assert_int_eq(q.late_surcharge, 61000);
    ck_assert_int_eq(q.subsidy, 31500);
    ck_assert_int_eq(q.self_pay, 64500); /* 35000 + 61000 - 31500 */
}
END_TEST

START_TEST(late_payment_only_loses_the_fiscal_subsidy_otherwise)
{
    year_rates y = rates_2023(false);
    held_category h = held("dibao");
    quote q = quote_of(&y, 1, &h, 1, cutoff);
    ck_assert(q.late);
    ck_assert_int_eq(q.fiscal_subsidy, 0);
    ck_assert_int_eq(q.late_surcharge, 0);
    ck_assert_int_eq(q.subsidy, 31500);
    ck_assert_int_eq(q.self_pay, 3500);
}
END_TEST

START_TEST(paying_the_day_before_the_cutoff_is_not_late)
{
    year_rates y = rates_2023(true);
    quote q = quote_of(&y, 2, NULL, 0, (civil_date){2023, 6, 30});
    ck_assert(!q.late);
    ck_assert_int_eq(q.fiscal_subsidy, 61000);
    ck_assert_int_eq(q.late_surcharge, 0);
    ck_assert_int_eq(q.self_pay, 72500);
}
END_TEST

START_TEST(unset_cutoff_turns_the_late_rule_off)
{
    year_rates y = rates_2023(true);
    y.no_fiscal_subsidy_from = (civil_date){0, 0, 0};
    quote q = quote_of(&y, 1, NULL, 0, (civil_date){2023, 12, 31});
    ck_assert(!q.late);
    ck_assert_int_eq(q.fiscal_subsidy, 61000);
    ck_assert_int_eq(q.self_pay, 35000);
}
END_TEST

START_TEST(unknown_tier_is_reported)
{
    year_rates y = rates_2023(true);
    held_category h = held("dibao");
    quote q;
    ck_assert_int_eq(subsidy_quote(&y, 3, &h, 1, campaign_day, &q),
                     QUOTE_UNKNOWN_TIER);
    ck_assert_int_eq(q.tier, 3);
    ck_assert_int_eq(q.self_pay, 0);
    ck_assert_uint_eq(q.ncandidates, 0);
    ck_assert_int_eq(subsidy_quote(&y, 0, &h, 1, campaign_day, &q),
                     QUOTE_UNKNOWN_TIER);
}
END_TEST

START_TEST(subsidy_larger_than_what_is_due_is_capped_at_zero_self_pay)
{
    static const category_subsidy generous[] = {{"dibao", 1, 50000}};
    year_rates y = {tiers, NROWS(tiers), generous, 1, cutoff, true};
    held_category h = held("dibao");
    quote q = quote_of(&y, 1, &h, 1, campaign_day);
    ck_assert_int_eq(q.subsidy, 35000);
    ck_assert_int_eq(q.self_pay, 0);
    ck_assert_int_eq(q.candidates[0].subsidy, 50000); /* uncapped amount */
    ck_assert(q.candidates[0].applied);
    q = quote_of(&y, 1, &h, 1, cutoff); /* late: 35000 + 61000 due */
    ck_assert_int_eq(q.subsidy, 50000);
    ck_assert_int_eq(q.self_pay, 46000);
}
END_TEST

START_TEST(no_category_pays_the_whole_contribution)
{
    year_rates y = rates_2023(true);
    quote q = quote_of(&y, 2, NULL, 0, campaign_day);
    ck_assert_int_eq(q.contribution, 72500);
    ck_assert_int_eq(q.subsidy, 0);
    ck_assert_int_eq(q.self_pay, 72500);
    ck_assert_ptr_null(q.applied_category);
    ck_assert_uint_eq(q.ncandidates, 0);
}
END_TEST

START_TEST(candidates_are_listed_in_code_order_up_to_the_maximum)
{
    enum { N = QUOTE_MAX_CANDIDATES + 8 };
    char codes[N][16];
    held_category h[N];
    category_subsidy s[N];
    for (int i = 0; i < N; i++) {
        snprintf(codes[i], sizeof codes[i], "c%02d", i);
        h[N - 1 - i] = held(codes[i]); /* held in reverse order */
        s[i] = (category_subsidy){codes[i], 1, 100 * (int64_t)i};
    }
    year_rates y = {tiers, NROWS(tiers), s, N, cutoff, true};
    quote q = quote_of(&y, 1, h, N, campaign_day);
    ck_assert_uint_eq(q.ncandidates, QUOTE_MAX_CANDIDATES);
    for (int i = 0; i < QUOTE_MAX_CANDIDATES; i++) {
        ck_assert_str_eq(q.candidates[i].category, codes[i]);
        ck_assert(!q.candidates[i].applied);
    }
    /* the highest amount still wins, though it sorts past the list */
    ck_assert_str_eq(q.applied_category, codes[N - 1]);
    ck_assert_int_eq(q.subsidy, 100 * (N - 1));
}
END_TEST

START_TEST(household_quote_is_the_sum_of_its_members)
{
    year_rates y = rates_2023(true);
    held_category dibao = held("dibao"), tekun = held("tekun");
    quote each[3], total;
    each[0] = quote_of(&y, 1, &dibao, 1, campaign_day); /* 3500 */
    each[1] = quote_of(&y, 1, &tekun, 1, campaign_day); /* 0 */
    each[2] = quote_of(&y, 1, NULL, 0, campaign_day);   /* 35000 */
    memset(&total, 0xff, sizeof total);
    subsidy_sum(each, 3, &total);
    ck_assert_int_eq(total.contribution, 105000);
    ck_assert_int_eq(total.subsidy, 66500);
    ck_assert_int_eq(total.self_pay, 38500);
    ck_assert_int_eq(total.fiscal_subsidy, 183000);
    ck_assert_int_eq(total.late_surcharge, 0);
    ck_assert_int_eq(total.tier, 0);
    ck_assert(!total.late);
    ck_assert_ptr_null(total.applied_category);
    ck_assert_uint_eq(total.ncandidates, 0);
}
END_TEST

START_TEST(late_household_sums_the_surcharges)
{
    year_rates y = rates_2023(true);
    held_category dibao = held("dibao");
    quote each[2], total;
    each[0] = quote_of(&y, 1, &dibao, 1, cutoff);
    each[1] = quote_of(&y, 2, NULL, 0, cutoff);
    subsidy_sum(each, 2, &total);
    ck_assert_int_eq(total.late_surcharge, 122000);
    ck_assert_int_eq(total.fiscal_subsidy, 0);
    ck_assert_int_eq(total.self_pay, 64500 + 133500);
    subsidy_sum(NULL, 0, &total);
    ck_assert_int_eq(total.self_pay, 0);
    ck_assert_int_eq(total.contribution, 0);
}
END_TEST

Suite *subsidy_suite(void)
{
    Suite *s = suite_create("subsidy");
    TCase *t = tcase_create("seed 004 table");
    tcase_add_test(t, table_has_all_nineteen_categories_of_seed_004);
    tcase_add_loop_test(t, single_category_pays_the_table_amounts_in_both_tiers,
                        0, (int)NROWS(table));
    tcase_add_test(t,
                   category_without_amount_in_tier_gives_nothing_in_that_tier);
    suite_add_tcase(s, t);
    t = tcase_create("overlaps");
    tcase_add_test(t, overlapping_categories_take_the_highest_never_the_sum);
    tcase_add_test(t, overlap_takes_the_highest_in_each_tier);
    tcase_add_test(t, different_categories_win_in_different_tiers);
    tcase_add_test(t, equal_amounts_go_to_the_code_that_sorts_first);
    tcase_add_test(t, category_held_twice_counts_once_if_any_range_is_valid);
    tcase_add_test(t, candidates_are_listed_in_code_order_up_to_the_maximum);
    suite_add_tcase(s, t);
    t = tcase_create("validity");
    tcase_add_test(t, category_expired_the_day_before_does_not_count);
    tcase_add_test(t, category_valid_until_the_date_counts);
    tcase_add_test(t, category_starting_on_the_date_counts);
    tcase_add_test(t, category_starting_the_day_after_does_not_count);
    suite_add_tcase(s, t);
    t = tcase_create("late payment");
    tcase_add_test(t, late_payment_pays_the_fiscal_share_when_the_year_says_so);
    tcase_add_test(t, late_payment_only_loses_the_fiscal_subsidy_otherwise);
    tcase_add_test(t, paying_the_day_before_the_cutoff_is_not_late);
    tcase_add_test(t, unset_cutoff_turns_the_late_rule_off);
    suite_add_tcase(s, t);
    t = tcase_create("amounts");
    tcase_add_test(t, unknown_tier_is_reported);
    tcase_add_test(t,
                   subsidy_larger_than_what_is_due_is_capped_at_zero_self_pay);
    tcase_add_test(t, no_category_pays_the_whole_contribution);
    tcase_add_test(t, household_quote_is_the_sum_of_its_members);
    tcase_add_test(t, late_household_sums_the_surcharges);
    suite_add_tcase(s, t);
    return s;
}
