/*
 * routes.c: the whole API at a glance: method, path, handler, the roles
 * that may call it, the body it takes, whether it needs the database, and
 * its lane (the workers and connections that serve it).
 */
#include "api/api.h"
#include "http/router.h"

#define ADMIN ROLE_ADMIN
#define CONFIG (ROLE_ADMIN | ROLE_COUNTY)
#define ANYONE ROLES_ANY
#define PUBLIC 0
/* registration: county and township staff, inside their region */
#define REGISTER (ROLE_ADMIN | ROLE_COUNTY | ROLE_TOWNSHIP)
/* recording money: everyone but dashboards (collectors: cash only) */
#define COLLECT                                                                \
    (ROLE_ADMIN | ROLE_COUNTY | ROLE_TOWNSHIP | ROLE_COLLECTOR | ROLE_TAX)

/* the tax bureau's side: the county and the bureau */
#define TAX_SIDE (ROLE_ADMIN | ROLE_COUNTY | ROLE_TAX)
/* what someone owes: anyone who takes money */
#define PAYABLES                                                               \
    (ROLE_ADMIN | ROLE_COUNTY | ROLE_TOWNSHIP | ROLE_TAX | ROLE_COLLECTOR)

/* the door-to-door lists: staff and collectors, inside their region */
#define DOOR_TO_DOOR (ROLE_ADMIN | ROLE_COUNTY | ROLE_TOWNSHIP | ROLE_COLLECTOR)
/* the county's and townships' reports */
#define REPORTS (ROLE_ADMIN | ROLE_COUNTY | ROLE_TOWNSHIP)

/* the lane: READ for cheap reads that must answer fast while payments
 * pour in (the read workers, connections of their own); MAIN for the rest */
#define MAIN DB_LANE_MAIN
#define READ DB_LANE_READ

const route api_routes[] = {
    /* operations */
    {"GET", "/healthz", handle_healthz, PUBLIC, BODY_NONE, false, READ},
    {"GET", "/readyz", handle_readyz, PUBLIC, BODY_NONE, true, READ},
    {"GET", "/metrics", handle_metrics, PUBLIC, BODY_NONE, false, READ},
    /* the progress dashboard: a static page that calls the API itself */
    {"GET", "/dashboard", handle_dashboard, PUBLIC, BODY_NONE, false, READ},
    {"GET", "/dashboard/{asset}", handle_dashboard_asset, PUBLIC, BODY_NONE,
     false, READ},
    /* tokens */
    {"POST", "/v1/tokens", handle_token_create, ADMIN, BODY_JSON, true, MAIN},
    {"GET", "/v1/tokens", handle_token_list, ADMIN, BODY_NONE, true, MAIN},
    {"GET", "/v1/tokens/{id}", handle_token_get, ADMIN, BODY_NONE, true, MAIN},
    {"DELETE", "/v1/tokens/{id}", handle_token_delete, ADMIN, BODY_NONE, true,
     MAIN},
    {"GET", "/v1/whoami", handle_whoami, ANYONE, BODY_NONE, true, READ},
    /* reference data */
    {"POST", "/v1/regions/import", handle_regions_import, CONFIG, BODY_CSV,
     true, MAIN},
    /* read: the dashboard's region names */
    {"GET", "/v1/regions/{code}", handle_region_get, ANYONE, BODY_NONE, true,
     READ},
    {"GET", "/v1/categories", handle_category_list, ANYONE, BODY_NONE, true,
     MAIN},
    {"PUT", "/v1/categories/{code}", handle_category_put, CONFIG, BODY_JSON,
     true, MAIN},
    {"GET", "/v1/categories/{code}", handle_category_get, ANYONE, BODY_NONE,
     true, MAIN},
    {"POST", "/v1/categories/{code}/members/import",
     handle_category_members_import, CONFIG, BODY_CSV, true, MAIN},
    {"PUT", "/v1/years/{year}", handle_year_put, CONFIG, BODY_JSON, true, MAIN},
    {"GET", "/v1/years/{year}", handle_year_get, ANYONE, BODY_NONE, true, MAIN},
    /* registration */
    {"POST", "/v1/households", handle_household_create, REGISTER, BODY_JSON,
     true, MAIN},
    {"POST", "/v1/households/import", handle_households_import, REGISTER,
     BODY_CSV, true, MAIN},
    {"GET", "/v1/households", handle_household_list, ANYONE, BODY_NONE, true,
     MAIN},
    {"GET", "/v1/households/{no}", handle_household_get, ANYONE, BODY_NONE,
     true, MAIN},
    {"POST", "/v1/households/{no}/members", handle_household_add_member,
     REGISTER, BODY_JSON, true, MAIN},
    {"DELETE", "/v1/households/{no}/members/{id_number}",
     handle_household_remove_member, REGISTER, BODY_NONE, true, MAIN},
    {"GET", "/v1/households/{no}/quote", handle_household_quote, ANYONE,
     BODY_NONE, true, MAIN},
    {"GET", "/v1/residents", handle_resident_list, ANYONE, BODY_NONE, true,
     MAIN},
    {"GET", "/v1/residents/{id_number}", handle_resident_get, ANYONE, BODY_NONE,
     true, MAIN},
    {"PATCH", "/v1/residents/{id_number}", handle_resident_patch, REGISTER,
     BODY_JSON, true, MAIN},
    {"POST", "/v1/residents/{id_number}/move", handle_resident_move, REGISTER,
     BODY_JSON, true, MAIN},
    {"GET", "/v1/residents/{id_number}/quote", handle_resident_quote, ANYONE,
     BODY_NONE, true, MAIN},
    /* exemptions: proposed by registration staff, decided by the county */
    {"POST", "/v1/residents/{id_number}/exemptions", handle_exemption_propose,
     REGISTER, BODY_JSON, true, MAIN},
    {"GET", "/v1/exemptions", handle_exemption_list, ANYONE, BODY_NONE, true,
     MAIN},
    {"GET", "/v1/exemptions/{id}", handle_exemption_get, ANYONE, BODY_NONE,
     true, MAIN},
    {"POST", "/v1/exemptions/{id}/approve", handle_exemption_approve, CONFIG,
     BODY_JSON, true, MAIN},
    {"POST", "/v1/exemptions/{id}/reject", handle_exemption_reject, CONFIG,
     BODY_JSON, true, MAIN},
    /* payments */
    {"POST", "/v1/payments", handle_payment_create, COLLECT, BODY_JSON, true,
     MAIN},
    {"GET", "/v1/payments/{id}", handle_payment_get, COLLECT, BODY_NONE, true,
     MAIN},
    {"POST", "/v1/payments/{id}/reverse", handle_payment_reverse, CONFIG,
     BODY_JSON, true, MAIN},
    /* online payment: orders, and the platforms' signed notifications */
    {"POST", "/v1/payment-orders", handle_order_create, COLLECT, BODY_JSON,
     true, MAIN},
    {"GET", "/v1/payment-orders/{out_trade_no}", handle_order_get, COLLECT,
     BODY_NONE, true, MAIN},
    {"POST", "/v1/callbacks/wechatpay", handle_callback_wechatpay, PUBLIC,
     BODY_RAW, true, MAIN},
    {"POST", "/v1/callbacks/alipay", handle_callback_alipay, PUBLIC, BODY_RAW,
     true, MAIN},
    /* cash collectors: same-day deposits */
    {"POST", "/v1/deposits", handle_deposit_create,
     ROLE_ADMIN | ROLE_COUNTY | ROLE_COLLECTOR, BODY_JSON, true, MAIN},
    {"GET", "/v1/deposits/undeposited", handle_undeposited_report, COLLECT,
     BODY_NONE, true, MAIN},
    {"POST", "/v1/enrolments", handle_enrolment_register, REGISTER, BODY_JSON,
     true, MAIN},
    /* the tax bureau: its payment detail, payables, reconciliation */
    {"POST", "/v1/payments/import", handle_tax_import, TAX_SIDE, BODY_CSV, true,
     MAIN},
    {"POST", "/v1/tax/payments", handle_tax_batch, TAX_SIDE, BODY_JSON_BULK,
     true, MAIN},
    {"GET", "/v1/tax/payables", handle_tax_payables, PAYABLES, BODY_NONE, true,
     MAIN},
    {"GET", "/v1/tax/reconciliation", handle_tax_reconciliation, TAX_SIDE,
     BODY_NONE, true, MAIN},
    {"POST", "/v1/tax/reconciliation", handle_tax_reconcile, TAX_SIDE,
     BODY_JSON_BULK, true, MAIN},
    /* targets and progress (通报表): everyone reads inside their region */
    {"PUT", "/v1/targets/{year}", handle_targets_put, CONFIG, BODY_RAW, true,
     MAIN},
    {"GET", "/v1/targets/{year}", handle_targets_get, ANYONE, BODY_NONE, true,
     READ},
    {"POST", "/v1/targets/{year}/suggestion", handle_target_suggestion, CONFIG,
     BODY_JSON, true, MAIN},
    {"GET", "/v1/progress", handle_progress_get, ANYONE, BODY_NONE, true, READ},
    {"GET", "/v1/progress/daily", handle_progress_daily, ANYONE, BODY_NONE,
     true, READ},
    {"GET", "/v1/progress.csv", handle_progress_csv, ANYONE, BODY_NONE, true,
     READ},
    {"GET", "/v1/progress.xlsx", handle_progress_xlsx, ANYONE, BODY_NONE, true,
     READ},
    /* reports: door-to-door lists, subsidy funding, village incentives */
    {"GET", "/v1/unpaid", handle_unpaid_list, DOOR_TO_DOOR, BODY_NONE, true,
     MAIN},
    {"GET", "/v1/unpaid.csv", handle_unpaid_csv, DOOR_TO_DOOR, BODY_NONE, true,
     MAIN},
    {"GET", "/v1/reports/subsidies", handle_subsidy_report, REPORTS, BODY_NONE,
     true, MAIN},
    {"GET", "/v1/reports/subsidies.csv", handle_subsidy_report_csv, REPORTS,
     BODY_NONE, true, MAIN},
    {"PUT", "/v1/incentives/{year}", handle_incentives_put, CONFIG, BODY_JSON,
     true, MAIN},
    {"GET", "/v1/incentives/{year}", handle_incentives_get, REPORTS, BODY_NONE,
     true, MAIN},
    {"GET", "/v1/incentives/{year}/report", handle_incentive_report, REPORTS,
     BODY_NONE, true, MAIN},
    {NULL, NULL, NULL, 0, BODY_NONE, false, MAIN},
};

int api_route_count(void)
{
    int n = 0;
    while (api_routes[n].method)
        n++;
    return n;
}
