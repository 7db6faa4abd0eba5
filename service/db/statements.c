/*
 * statements.c: the list of every statement array, prepared on each
 * connection when it opens. Each resource's SQL lives in its own db file.
 */
#include "db/db.h"
#include "db/sql.h"

static const db_stmt tx_statements[] = {
    {"tx_begin_read_committed", "BEGIN ISOLATION LEVEL READ COMMITTED"},
    {"tx_begin_repeatable_read", "BEGIN ISOLATION LEVEL REPEATABLE READ"},
    {"tx_begin_serializable", "BEGIN ISOLATION LEVEL SERIALIZABLE"},
    {"tx_commit", "COMMIT"},
    {"tx_rollback", "ROLLBACK"},
    {"tx_set_actor", "SELECT set_config('medins.token_id', $1, true), "
                     "set_config('medins.request_id', $2, true)"},
    {NULL, NULL},
};

const db_stmt *const db_all_statements[] = {
    db_import_statements, /* the bulk imports (db/imports.c) */
    db_tax_statements,    /* the tax bureau (db/tax.c) */
    tx_statements,
    db_health_statements,
    db_token_statements,
    db_region_statements,
    db_category_statements,
    db_year_statements,
    db_household_statements,
    db_exemption_statements,
    db_payment_statements,
    db_order_statements,
    db_deposit_statements,
    db_target_statements,    /* targets (db/targets.c) */
    db_progress_statements,  /* the progress report (db/progress.c) */
    db_report_statements,    /* unpaid lists, subsidy report (db/reports.c) */
    db_incentive_statements, /* incentives (db/incentives.c) */
    NULL,
};
