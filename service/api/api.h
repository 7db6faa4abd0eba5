/*
 * api.h: the handlers, one file per resource. Each handler leaves exactly
 * one reply on the request; it never writes SQL (db/) and never reads the
 * socket (http/).
 */
#ifndef API_API_H
#define API_API_H

#include "http/request.h"

void handle_healthz(request *rq);
void handle_readyz(request *rq);
void handle_metrics(request *rq);

void handle_token_create(request *rq);
void handle_token_list(request *rq);
void handle_token_get(request *rq);
void handle_token_delete(request *rq);
void handle_whoami(request *rq);

void handle_dashboard(request *rq);
void handle_dashboard_asset(request *rq);

void handle_regions_import(request *rq);
void handle_region_get(request *rq);

void handle_category_put(request *rq);
void handle_category_get(request *rq);
void handle_category_list(request *rq);
void handle_category_members_import(request *rq);

void handle_household_create(request *rq);
void handle_households_import(request *rq);
void handle_household_get(request *rq);
void handle_household_list(request *rq);
void handle_household_add_member(request *rq);
void handle_household_remove_member(request *rq);
void handle_household_quote(request *rq);

void handle_resident_get(request *rq);
void handle_resident_list(request *rq);
void handle_resident_patch(request *rq);
void handle_resident_move(request *rq);
void handle_resident_quote(request *rq);

void handle_exemption_propose(request *rq);
void handle_exemption_list(request *rq);
void handle_exemption_get(request *rq);
void handle_exemption_approve(request *rq);
void handle_exemption_reject(request *rq);

void handle_payment_create(request *rq);
void handle_payment_get(request *rq);
void handle_payment_reverse(request *rq);
void handle_enrolment_register(request *rq);

void handle_order_create(request *rq);
void handle_order_get(request *rq);
void handle_callback_wechatpay(request *rq);
void handle_callback_alipay(request *rq);

void handle_deposit_create(request *rq);
void handle_undeposited_report(request *rq);

void handle_tax_import(request *rq);
void handle_tax_batch(request *rq);
void handle_tax_payables(request *rq);
void handle_tax_reconciliation(request *rq);
void handle_tax_reconcile(request *rq);

void handle_targets_put(request *rq);
void handle_targets_get(request *rq);
void handle_target_suggestion(request *rq);
void handle_progress_get(request *rq);
void handle_progress_daily(request *rq);
void handle_progress_csv(request *rq);
void handle_progress_xlsx(request *rq);

void handle_year_put(request *rq);
void handle_year_get(request *rq);

/* reports: door-to-door lists, subsidy funding, village incentives */
void handle_unpaid_list(request *rq);
void handle_unpaid_csv(request *rq);
void handle_subsidy_report(request *rq);
void handle_subsidy_report_csv(request *rq);
void handle_incentives_put(request *rq);
void handle_incentives_get(request *rq);
void handle_incentive_report(request *rq);

#endif
