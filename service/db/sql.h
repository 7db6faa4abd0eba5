/*
 * sql.h: the per-resource database functions. Each fills plain C structs
 * (no JSON) and returns a db_status; callers own nothing they did not pass.
 */
#ifndef DB_SQL_H
#define DB_SQL_H

#include "db/db.h"

#include <stddef.h>
#include <stdint.h>

extern const db_stmt db_health_statements[];
extern const db_stmt db_token_statements[];
extern const db_stmt db_region_statements[];
extern const db_stmt db_category_statements[];
extern const db_stmt db_year_statements[];

enum { NAME_MAX_BYTES = 401, CODE_MAX_BYTES = 21, TS_BYTES = 32 };

/* ---- health ---- */
db_status db_schema_version(db_conn *c, int *version);

/* ---- tokens ---- */
typedef struct {
    int64_t id;
    char name[NAME_MAX_BYTES];
    char role[16];
    char region_code[CODE_MAX_BYTES]; /* "" for none */
    char last4[8];
    char created_at[TS_BYTES];
    char revoked_at[TS_BYTES]; /* "" while active */
} db_token;

/* Finds the active token whose secret hashes to sha256_hex (64 chars). */
db_status db_token_find_active(db_conn *c, const char *sha256_hex,
                               db_token *out);
/* Inserts; fills out->id and created_at. region_code NULL for none. */
db_status db_token_insert(db_conn *c, const char *name, const char *role,
                          const char *region_code, const char *sha256_hex,
                          const char *last4, db_token *out);
db_status db_token_get(db_conn *c, int64_t id, db_token *out);
/* Up to limit tokens with id > after_id, in id order. *n set to count;
 * out must hold limit entries. */
db_status db_token_list(db_conn *c, int64_t after_id, int limit, db_token *out,
                        int *n);
/* DB_NOT_FOUND when no active token has this id. */
db_status db_token_revoke(db_conn *c, int64_t id);

/* ---- regions ---- */
enum { REGION_MAX_DEPTH = 4 };

typedef struct {
    char code[CODE_MAX_BYTES];
    char name[NAME_MAX_BYTES];
    int level; /* 1 county .. 4 group */
    char parent_code[CODE_MAX_BYTES];
    int depth; /* entries in path */
    char path[REGION_MAX_DEPTH][CODE_MAX_BYTES];
} db_region;

db_status db_region_get(db_conn *c, const char *code, db_region *out);
/* Children of code: calls fn for each (code order). */
typedef void (*db_region_fn)(void *cls, const db_region *r);
db_status db_region_children(db_conn *c, const char *code, db_region_fn fn,
                             void *cls);
typedef enum {
    REGION_INSERTED,
    REGION_UPDATED,
    REGION_UNCHANGED
} region_change;
/* Inserts or renames a region whose parent and path the caller checked. */
db_status db_region_upsert(db_conn *c, const db_region *r, region_change *ch);
db_status db_region_count(db_conn *c, int64_t *n);
/* The top-level region when there is exactly one (*found false else). */
db_status db_region_only_top(db_conn *c, db_region *out, bool *found);
/* Reads the five REGION_COLS columns starting at col0. */
void db_region_from_row(const PGresult *r, int row, int col0, db_region *out);
/* The columns db_region_from_row() reads, for a table aliased rg. */
#define DB_REGION_COLS                                                         \
    "rg.code, rg.name, rg.level, rg.parent_code, array_to_string(rg.path, "    \
    "',')"

/* ---- categories ---- */
typedef struct {
    char code[40];
    char name[NAME_MAX_BYTES];
    char department[NAME_MAX_BYTES]; /* "" for none */
    char updated_at[TS_BYTES];
} db_category;

db_status db_category_upsert(db_conn *c, const db_category *in,
                             db_category *out, bool *created);
db_status db_category_get(db_conn *c, const char *code, db_category *out);
typedef void (*db_category_fn)(void *cls, const db_category *cat);
db_status db_category_list(db_conn *c, db_category_fn fn, void *cls);

/* ---- years ---- */
enum { YEAR_MAX_TIERS = 9, YEAR_MAX_SUBSIDIES = 512 };

typedef struct {
    int tier;
    int64_t contribution;
    int64_t fiscal_subsidy;
} db_tier;

typedef struct {
    char category[40];
    int tier;
    int64_t subsidy;
} db_subsidy;

typedef struct {
    int year;
    char collection_start[11], collection_end[11];
    char full_year_until[11], next_month_until[11];
    int waiting_days;
    char no_fiscal_subsidy_from[11], coverage_end[11];
    bool late_pays_fiscal_share;
    char updated_at[TS_BYTES];
    size_t ntiers;
    db_tier tiers[YEAR_MAX_TIERS];
    size_t nsubsidies;
    db_subsidy *subsidies; /* owned: db_year_free() */
} db_year;

/* Replaces the year's whole configuration in one transaction. When a
 * subsidy names an unknown category, returns DB_REFERENCE and sets
 * *bad_subsidy to its index. Fills updated_at and *created. */
db_status db_year_put(db_conn *c, db_year *y, size_t *bad_subsidy,
                      bool *created);
/* Reads a year; the caller frees out with db_year_free(). */
db_status db_year_get(db_conn *c, int year, db_year *out);
void db_year_free(db_year *y);

/* ---- households and residents ---- */
extern const db_stmt db_household_statements[];
extern const db_stmt db_exemption_statements[];

enum { HOUSEHOLD_NO_BYTES = 41, ID_BYTES = 41, SHORT_TEXT_BYTES = 201 };

typedef struct {
    char household_no[HOUSEHOLD_NO_BYTES];
    char attribute[SHORT_TEXT_BYTES];
    char created_at[TS_BYTES];
    long member_count;
    db_region region; /* code, name, level, path */
} db_household;

typedef struct {
    char id_number[ID_BYTES];
    char doc_type[32];
    char household_no[HOUSEHOLD_NO_BYTES];
    char name[NAME_MAX_BYTES];
    char relation[SHORT_TEXT_BYTES];
    char phone[32];
    char birth_date[11]; /* "" when unknown */
    char sex[2];         /* "M", "F" or "" */
    char removed_at[TS_BYTES];
    char removed_reason[16];
    char updated_at[TS_BYTES];
    db_region region; /* of the household */
} db_resident;

typedef struct {
    char category[40];
    char valid_from[11];
    char valid_to[11]; /* "" when open-ended */
    char source[SHORT_TEXT_BYTES];
} db_held_category;

typedef void (*db_resident_fn)(void *cls, const db_resident *r);
typedef void (*db_held_fn)(void *cls, const char *id_number,
                           const db_held_category *c);

db_status db_household_get(db_conn *c, const char *no, db_household *out);
/* DB_CONFLICT when the number is taken. */
db_status db_household_insert(db_conn *c, const char *no, const char *region,
                              const char *attribute);
db_status db_household_members(db_conn *c, const char *no, db_resident_fn fn,
                               void *cls);
/* Households under region (any depth) after `after`, at most limit. */
typedef void (*db_household_fn)(void *cls, const db_household *h);
db_status db_household_list(db_conn *c, const char *region, const char *after,
                            int limit, db_household_fn fn, void *cls);

db_status db_resident_get(db_conn *c, const char *id, db_resident *out);
/* DB_CONFLICT when the person is already registered (anywhere). */
db_status db_resident_insert(db_conn *c, const db_resident *r);
/* Sets name, relation, phone from r (empty strings keep the old value). */
db_status db_resident_update(db_conn *c, const db_resident *r);
db_status db_resident_change_id(db_conn *c, const char *old_id,
                                const db_resident *r);
db_status db_resident_move(db_conn *c, const char *id, const char *from,
                           const char *to, const char *relation,
                           const char *reason, const char *note,
                           const char *token_id);
/* DB_NOT_FOUND when the resident is not an active member of household. */
db_status db_resident_remove(db_conn *c, const char *id, const char *household,
                             const char *reason);
/* Residents under region after `after`; category may be NULL (any). */
db_status db_resident_list(db_conn *c, const char *region, const char *after,
                           int limit, const char *category,
                           bool include_removed, db_resident_fn fn, void *cls);

db_status db_categories_of(db_conn *c, const char *id, db_held_fn fn,
                           void *cls);
db_status db_categories_of_household(db_conn *c, const char *no, db_held_fn fn,
                                     void *cls);
/* Replaces a resident's categories; DB_REFERENCE names an unknown one. */
db_status db_categories_clear(db_conn *c, const char *id);
db_status db_category_hold(db_conn *c, const char *id,
                           const db_held_category *h);

/* ---- exemptions ---- */
typedef struct {
    int64_t id;
    char id_number[ID_BYTES];
    int year;
    char reason[24];
    char note[2048];
    char evidence_ref[1024];
    char status[16];
    int64_t proposed_by;
    char proposed_at[TS_BYTES];
    int64_t decided_by; /* -1 when undecided */
    char decided_at[TS_BYTES];
    char decision_note[2048];
    db_region region; /* of the resident's household */
} db_exemption;

typedef void (*db_exemption_fn)(void *cls, const db_exemption *e);
/* DB_CONFLICT when an exemption for that resident and year is open or
 * approved already. Fills out. */
db_status db_exemption_propose(db_conn *c, const db_exemption *in,
                               db_exemption *out);
db_status db_exemption_get(db_conn *c, int64_t id, db_exemption *out);
/* Approves or rejects a proposed exemption; DB_NOT_FOUND when it is not
 * proposed (any more). */
db_status db_exemption_decide(db_conn *c, int64_t id, const char *status,
                              int64_t decided_by, const char *note,
                              db_exemption *out);
db_status db_exemptions_of(db_conn *c, const char *id, db_exemption_fn fn,
                           void *cls);
/* status may be NULL (any); year 0 (any). */
db_status db_exemption_list(db_conn *c, const char *region, const char *status,
                            int year, int64_t after, int limit,
                            db_exemption_fn fn, void *cls);

/* ---- payments ---- */
extern const db_stmt db_payment_statements[];

typedef struct {
    const char *channel, *external_id, *request_hash;
    int year, tier;
    const char *paid_at; /* RFC 3339 */
    int64_t amount;
    const char *household_no; /* or NULL, then ids */
    const char *const *ids;
    size_t nids;
    int64_t token_id;
    const char *collector; /* may be NULL */
    const char *scope;     /* the caller's region, NULL for all */
} db_pay_in;

typedef struct {
    char id_number[ID_BYTES];
    int64_t personal, subsidy, assistance, late_surcharge;
    char category[40];
    char coverage_start[11], coverage_end[11];
} db_pay_item;

typedef struct {
    char outcome[24]; /* see pay() in migrations/005_payments.sql */
    int64_t payment_id;
    char id_number[ID_BYTES]; /* the person an outcome is about */
    char detail[32];
    size_t nitems;
    db_pay_item *items; /* owned: db_pay_out_free() */
} db_pay_out;

/* Records a payment in one round trip (pay()). A payment undone because a
 * concurrent one paid the same person comes back as outcome already_paid. */
db_status db_pay(db_conn *c, const db_pay_in *in, db_pay_out *out);
void db_pay_out_free(db_pay_out *out);

typedef struct {
    int64_t id;
    char channel[16], external_id[72], status[16];
    int year, tier;
    char household_no[HOUSEHOLD_NO_BYTES];
    int64_t amount;
    char paid_at[TS_BYTES], reversed_at[TS_BYTES], reverse_reason[24];
    char collector[NAME_MAX_BYTES];
    db_region region; /* of the first person's household */
    size_t nitems;
    db_pay_item *items; /* owned: db_payment_free() */
} db_payment;

db_status db_payment_get(db_conn *c, int64_t id, db_payment *out);
void db_payment_free(db_payment *p);
/* outcome: reversed, not_found, already_reversed, out_of_scope. */
db_status db_payment_reverse(db_conn *c, int64_t id, const char *reason,
                             const char *note, const char *scope,
                             char outcome[24]);

/* ---- payment orders and platform notifications ---- */
extern const db_stmt db_order_statements[];

typedef struct {
    char outcome[24]; /* see order_create() in migrations/007_orders.sql */
    int64_t amount;
    char detail[ID_BYTES];
} db_order_result;

db_status db_order_create(db_conn *c, const char *channel,
                          const char *out_trade_no, int year, int tier,
                          const char *household_no, const char *const *ids,
                          size_t nids, int64_t token_id, const char *scope,
                          const char *expires_at, db_order_result *out);

typedef struct {
    char out_trade_no[40], channel[16], status[16];
    int year, tier;
    int64_t amount, payment_id;
    char expires_at[TS_BYTES];
} db_order;

db_status db_order_get(db_conn *c, const char *out_trade_no, db_order *out);

/* A verified successful notification: outcome paid, duplicate or anomaly
 * (detail: its kind). notification is JSON text kept for staff. */
db_status db_order_paid(db_conn *c, const char *channel,
                        const char *out_trade_no, const char *external_id,
                        int64_t amount, const char *paid_at,
                        const char *notification, char outcome[24],
                        int64_t *payment_id, char detail[24]);
/* Records a verified notification that pays nothing (once per kind). */
db_status db_record_anomaly(db_conn *c, const char *channel,
                            const char *external_id, const char *out_trade_no,
                            const char *kind, int64_t amount,
                            const char *detail, const char *notification);

/* ---- enrolments ahead of payment ---- */
/* outcome as in register_enrolments() (migrations/009_enrolments.sql). */
db_status db_register_enrolments(db_conn *c, int year, int tier,
                                 const char *household_no,
                                 const char *const *ids, size_t nids,
                                 const char *scope, char outcome[24],
                                 int64_t *count, char detail[ID_BYTES]);

/* ---- cash deposits ---- */
extern const db_stmt db_deposit_statements[];

typedef struct {
    char outcome[24]; /* see deposit() in migrations/008_deposits.sql */
    int64_t deposit_id, amount;
    char detail[24];
} db_deposit_result;

/* owner: the collector's token id, or -1 to allow any payment. */
db_status db_deposit(db_conn *c, int64_t token_id, int64_t owner,
                     const char *deposited_at, const char *bank_ref,
                     const int64_t *payment_ids, size_t n,
                     db_deposit_result *out);

/* One row of the 当日存 report: cash a collector took in a village on a
 * day and had not deposited by that day's end. */
typedef struct {
    int64_t token_id;
    char collector[NAME_MAX_BYTES]; /* the token's name */
    char region_code[CODE_MAX_BYTES], region_name[NAME_MAX_BYTES];
    int64_t count, amount;
} db_undeposited;

typedef void (*db_undeposited_fn)(void *cls, const db_undeposited *row);
/* day: YYYY-MM-DD (Asia/Shanghai); region: only villages under it. */
db_status db_undeposited_report(db_conn *c, const char *day, const char *region,
                                db_undeposited_fn fn, void *cls);

/* ---- the tax bureau: its payment detail, payables, reconciliation ---- */
extern const db_stmt db_tax_statements[];

/* One payment of the tax bureau's detail: one person, external_id the
 * voucher number. */
typedef struct {
    int ref; /* the caller's number for the line (file line, array index) */
    char voucher[72];
    char id_number[ID_BYTES];
    int year, tier;
    int64_t amount;
    char paid_at[40]; /* RFC 3339 with its offset */
    char channel[16];
    char request_hash[65]; /* payment_fingerprint() of the line */
} db_tax_line;

/* A line not recorded: outcome as tax_record_batch() names it. */
typedef struct {
    int ref;
    char outcome[24];
    char detail[24];
} db_tax_refusal;

/* Records the good lines of a batch in one round trip, exactly as pay()
 * would one by one; *out (caller frees) gets the others. Run it inside a
 * transaction: DB_CONFLICT means a voucher was recorded concurrently, and
 * running the batch again makes it a duplicate. */
db_status db_tax_record_batch(db_conn *c, const db_tax_line *lines, size_t n,
                              int64_t token_id, const char *scope,
                              db_tax_refusal **out, size_t *nout);

/* A row of tax_payables(): the outcome first, then "tier" and "line". */
typedef struct {
    char outcome[24];
    int tier;
    char id_number[ID_BYTES];
    int64_t self_pay, subsidy;
    char category[40];
} db_tax_payable;
typedef void (*db_tax_payable_fn)(void *cls, const db_tax_payable *row);
/* One of household_no and id_number is NULL; date: YYYY-MM-DD. */
db_status db_tax_payables(db_conn *c, int year, const char *household_no,
                          const char *id_number, const char *date,
                          db_tax_payable_fn fn, void *cls);

typedef struct {
    char channel[16];
    int64_t count, amount;
} db_channel_total;
typedef void (*db_channel_total_fn)(void *cls, const db_channel_total *t);
/* Payments not reversed paid on date (Asia/Shanghai) per channel, of
 * people inside scope (NULL: all), in channel order. */
db_status db_tax_day_totals(db_conn *c, const char *date, const char *scope,
                            db_channel_total_fn fn, void *cls);

typedef struct {
    char voucher[72];
    char difference[16]; /* missing_here, missing_there, amount_differs */
    bool has_ours, has_theirs;
    int64_t ours, theirs;
} db_voucher_difference;
typedef void (*db_voucher_difference_fn)(void *cls,
                                         const db_voucher_difference *d);
/* The tax bureau's vouchers of date against ours, differences only, in
 * voucher order. */
db_status db_tax_voucher_differences(db_conn *c, const char *date,
                                     const char *scope,
                                     const char *const *vouchers,
                                     const int64_t *amounts, size_t n,
                                     db_voucher_difference_fn fn, void *cls);

/* A text[] literal of the strings (quoted); the caller frees it. */
char *db_text_array(const char *const *items, size_t n);

/* ---- bulk imports (db/imports.c) ---- */
extern const db_stmt db_import_statements[];

enum { DB_BATCH_MAX_COLUMNS = 16 };

/* A batch of import lines held column by column as PostgreSQL array
 * literals. The batch owns its memory: db_batch_free(). */
typedef struct db_batch db_batch;
db_batch *db_batch_new(int ncolumns);
void db_batch_free(db_batch *b);
/* Appends a line of ncolumns values (NULL for SQL NULL); false when memory
 * runs out (the batch is then unusable: clear it). */
bool db_batch_add(db_batch *b, const char *const *values);
size_t db_batch_size(const db_batch *b);
void db_batch_clear(db_batch *b);

/* A rejected line found in the database; the strings live for the call. */
typedef void (*db_rejected_fn)(void *cls, long line, const char *field,
                               const char *message);

/* The roster's columns, in batch order. */
enum {
    ROSTER_LINE,
    ROSTER_HOUSEHOLD,
    ROSTER_REGION,
    ROSTER_ATTRIBUTE, /* NULL: not given */
    ROSTER_RELATION,  /* NULL: not given */
    ROSTER_NAME,
    ROSTER_ID,
    ROSTER_DOC_TYPE,
    ROSTER_PHONE, /* NULL: not given */
    ROSTER_BIRTH, /* NULL: unknown */
    ROSTER_SEX,   /* NULL: unknown */
    ROSTER_CATEGORIES,
    ROSTER_NCOLUMNS
};

typedef struct {
    long households, residents, updated, unchanged;
} db_roster_counts;

/* Applies a roster batch inside the caller's transaction (audit per row
 * off for it); today is "YYYY-MM-DD" in Asia/Shanghai. Calls fn for each
 * line the database rejects, in line order. */
db_status db_roster_apply(db_conn *c, db_batch *b, const char *today,
                          db_roster_counts *out, db_rejected_fn fn, void *cls);

/* A category member list's columns, in batch order. */
enum {
    MEMBERS_LINE,
    MEMBERS_ID,
    MEMBERS_FROM,
    MEMBERS_TO,     /* NULL: open-ended */
    MEMBERS_SOURCE, /* NULL: none */
    MEMBERS_NCOLUMNS
};

typedef struct {
    long inserted, updated, unchanged;
} db_members_counts;

/* Applies a member-list batch inside the caller's transaction. keep: a
 * one-column batch of id numbers whose memberships a replacing import
 * (stamp not NULL) must keep. scope: the token's region, or NULL. */
db_status db_members_apply(db_conn *c, const char *category, db_batch *b,
                           db_batch *keep, const char *scope, const char *stamp,
                           db_members_counts *out, db_rejected_fn fn,
                           void *cls);
/* Ends the memberships valid today that the import stamped with stamp
 * did not write (see end_category_members in migration 004). */
db_status db_members_end(db_conn *c, const char *category, const char *stamp,
                         const char *scope, const char *today, long *ended);

/* Every region, in no order. */
db_status db_import_regions(db_conn *c, db_region_fn fn, void *cls);
/* The one audit entry of an import; after_json is a JSON object. */
db_status db_import_audit(db_conn *c, const char *action, const char *entity,
                          const char *key, const char *after_json);

/* ---- targets and progress (migrations 010, 011) ---- */
extern const db_stmt db_target_statements[];
extern const db_stmt db_progress_statements[];

typedef struct {
    char region_code[CODE_MAX_BYTES];
    char region_name[NAME_MAX_BYTES];
    char grp[40];
    int64_t target;
    char updated_at[TS_BYTES];
} db_target;

/* A line targets_put() refused: index from 1 (0: the year), the field and
 * the problem (see migration 011). */
typedef void (*db_target_problem_fn)(void *cls, int i, const char *field,
                                     const char *problem);
/* Stores the lines (parallel PostgreSQL array literals) all or nothing;
 * *nproblems counts the lines refused (then nothing is stored).
 * check_only: report the problems, store nothing. */
db_status db_targets_put(db_conn *c, int year, const char *regions,
                         const char *groups, const char *targets,
                         const char *scope, bool replace, bool check_only,
                         db_target_problem_fn fn, void *cls, int *nproblems);
typedef void (*db_target_fn)(void *cls, const db_target *t);
/* The year's targets under region; grp NULL for every group. */
db_status db_targets_list(db_conn *c, int year, const char *region,
                          const char *grp, db_target_fn fn, void *cls);

typedef struct {
    char region_code[CODE_MAX_BYTES];
    char name[NAME_MAX_BYTES];
    int64_t registered, exempted, employee_insured, base, target;
} db_target_suggestion;
typedef void (*db_suggestion_fn)(void *cls, const db_target_suggestion *s);
/* See targets_suggest() in migration 011; emp_regions / emp_counts are
 * parallel array literals ("{}" for none). */
db_status db_targets_suggest(db_conn *c, int year, const char *region,
                             const char *grp, int64_t goal_bp,
                             const char *rounding, const char *emp_regions,
                             const char *emp_counts, db_suggestion_fn fn,
                             void *cls);

/* Enrolled per direct child of region ("" for households placed on the
 * region itself) and group, now (as_of NULL) or as of an RFC 3339 time.
 * groups: an array literal such as "{all,tkry}". */
typedef void (*db_enrolled_fn)(void *cls, const char *child, const char *grp,
                               int64_t enrolled);
db_status db_progress_enrolled(db_conn *c, int year, const char *region,
                               const char *groups, const char *as_of,
                               db_enrolled_fn fn, void *cls);
/* Targets set on region and below: path is "county,township,...". */
typedef void (*db_target_path_fn)(void *cls, const char *path, const char *grp,
                                  int64_t target);
db_status db_progress_targets(db_conn *c, int year, const char *region,
                              const char *groups, db_target_path_fn fn,
                              void *cls);
/* Whether the year is configured. */
db_status db_year_exists(db_conn *c, int year, bool *known);
/* Net enrolments per Beijing day under region, in date order. */
typedef void (*db_day_fn)(void *cls, const char *day, int64_t added);
db_status db_progress_days(db_conn *c, int year, const char *region,
                           db_day_fn fn, void *cls);
/* ---- reports: unpaid households, subsidy funding (db/reports.c) ---- */
extern const db_stmt db_report_statements[];

/* One unpaid member of an unpaid household; the household's fields repeat
 * on each of its rows. phase 0: someone in the household paid last year
 * (listed first), 1: nobody did. */
typedef struct {
    int phase;
    char household_no[HOUSEHOLD_NO_BYTES];
    char region_code[CODE_MAX_BYTES], region_name[NAME_MAX_BYTES];
    char head_name[NAME_MAX_BYTES];
    char phone[32]; /* the head's, else a member's; "" for none */
    char id_number[ID_BYTES];
    char name[NAME_MAX_BYTES];
    char relation[SHORT_TEXT_BYTES];
    bool paid_last_year; /* this member */
} db_unpaid_row;

typedef void (*db_unpaid_fn)(void *cls, const db_unpaid_row *row);
/* Up to limit households under region with a member not removed, not
 * exempted and not paid for year, after the cursor (after_phase,
 * after_no; 0 and "" for the start), in (phase, household_no) order;
 * fn gets one row per unpaid member. *households gets the count. */
db_status db_unpaid_page(db_conn *c, const char *region, int year,
                         int after_phase, const char *after_no, int limit,
                         db_unpaid_fn fn, void *cls, int *households);

/* One (child region, category) cell of the subsidy funding report; a child
 * with nothing has one row with category "" and zero counts. */
typedef struct {
    char region_code[CODE_MAX_BYTES], region_name[NAME_MAX_BYTES];
    char category[40];                   /* "" for none */
    char category_name[NAME_MAX_BYTES];  /* "" for none */
    int64_t people, subsidy;             /* subsidy > 0 */
    int64_t assisted_people, assistance; /* 医疗救助 */
    bool empty; /* the child had no subsidised person at all */
} db_subsidy_row;

typedef void (*db_subsidy_row_fn)(void *cls, const db_subsidy_row *row);
/* Payments accepted (not reversed) for year, by the child of region their
 * person lives in and by category; rows in (child code, category) order. */
db_status db_subsidy_report(db_conn *c, int year, const char *region,
                            db_subsidy_row_fn fn, void *cls);

/* ---- incentives (db/incentives.c) ---- */
extern const db_stmt db_incentive_statements[];

enum { INCENTIVE_MAX_RULES = 32 };

typedef struct {
    int year;
    int64_t entry_fee;
    size_t nrules;
    char deadline[INCENTIVE_MAX_RULES][11];
    int64_t min_bp[INCENTIVE_MAX_RULES];
    int64_t fen[INCENTIVE_MAX_RULES];
    char updated_at[TS_BYTES];
} db_incentives;

/* Replaces a year's rules at once; DB_REFERENCE when the year is not
 * configured. Fills updated_at and *created. */
db_status db_incentives_put(db_conn *c, db_incentives *in, bool *created);
/* DB_NOT_FOUND when the year has no incentive rules. Rules in (deadline,
 * min rate descending) order. */
db_status db_incentives_get(db_conn *c, int year, db_incentives *out);

/* One village of the incentive report at one of the year's distinct
 * deadlines (deadline "" when the year has no rules). */
typedef struct {
    char code[CODE_MAX_BYTES], name[NAME_MAX_BYTES];
    bool has_target;
    int64_t target;
    int64_t enrolled_now;
    char deadline[11];
    int64_t enrolled; /* by the end of deadline, Asia/Shanghai */
} db_incentive_row;

typedef void (*db_incentive_row_fn)(void *cls, const db_incentive_row *row);
/* Rows in (village code, deadline) order for the villages under region. */
db_status db_incentive_report(db_conn *c, int year, const char *region,
                              db_incentive_row_fn fn, void *cls);

/* copies a result field into a fixed buffer, truncating safely */
void db_copy_field(char *dst, size_t dstsz, const PGresult *r, int row,
                   int col);

#endif
