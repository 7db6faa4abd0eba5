/*
 * households_import.c: POST /v1/households/import, the household roster
 * (one CSV line per member).
 *
 * The body is read as it arrives. Each line is checked on its own here
 * (fields, region and scope, agreement within its household, an id number
 * only once per file); good lines go to the database in batches of
 * IMPORT_BATCH_LINES, each one statement in its own transaction, where the
 * set-based import_roster() (migration 004) checks them against what is
 * stored. Re-importing a file changes nothing. One audit entry per import.
 */
#include "api/api.h"

#include "api/import_pipe.h"
#include "api/imports.h"
#include "common/clock.h"
#include "common/strmap.h"
#include "db/sql.h"
#include "domain/document.h"
#include "domain/region.h"
#include "http/csvbody.h"
#include "http/jspec.h"
#include "http/reply.h"

#include <stdio.h>
#include <string.h>

enum {
    COL_HOUSEHOLD,
    COL_REGION,
    COL_ATTRIBUTE,
    COL_RELATION,
    COL_NAME,
    COL_ID,
    COL_PHONE,
    COL_CATEGORIES,
    COL_DOC_TYPE
};

static const char *const roster_columns[] = {
    "household_no", "region_code", "attribute",  "relation", "name",
    "id_number",    "phone",       "categories", "doc_type"};

typedef struct {
    bool usable; /* a village or group inside the caller's scope */
    int level;
} region_entry;

typedef struct {
    size_t first_line;
    const char *region;    /* key in the regions map */
    const char *attribute; /* key in the attributes map */
} household_entry;

/* One batch: its lines, then what the database said about them. */
typedef struct {
    db_batch *batch;
    json_t *rejected; /* owned */
    db_roster_counts counts;
} roster_slot;

typedef struct {
    request *rq;
    civil_date today;
    char today_s[11];
    strmap *regions, *categories, *attributes, *households, *ids;
    roster_slot slots[2];
    import_pipe *pipe;
    db_status failed; /* stops the reading */
    json_t *rejected; /* owned: lines rejected while reading */
    /* filled by roster_done(), under the pipe's lock */
    json_t *db_rejected; /* owned: lines the database rejected */
    db_roster_counts total;
    long batches; /* committed */
} roster_ctx;

static void reject(roster_ctx *x, size_t line, const char *field,
                   const char *msg)
{
    json_array_append_new(x->rejected,
                          csvbody_rejection(line, field, "%s", msg));
}

static void add_region(void *cls, const db_region *r)
{
    roster_ctx *x = cls;
    region_entry *e = strmap_put(x->regions, r->code, NULL);
    if (!e)
        return;
    e->level = r->level;
    e->usable = r->level >= LEVEL_VILLAGE &&
                access_decide(&x->rq->who, x->rq->route->roles,
                              (const char(*)[ACCESS_CODE_BYTES])r->path,
                              r->depth) == ACCESS_ALLOW;
}

static void add_category(void *cls, const db_category *c)
{
    strmap_put(cls, c->code, NULL);
}

static bool chars_between(const char *s, size_t lo, size_t hi)
{
    size_t n = utf8_chars(s);
    return n >= lo && n <= hi;
}

static bool phone_ok(const char *s)
{
    size_t n = strlen(s);
    if (n == 0)
        return true;
    if (n < 5 || n > 20)
        return false;
    return strspn(s, "0123456789+-") == n;
}

/* Checks the categories list, a;b;c (spaces and empty items ignored), and
 * writes it normalised to out. NULL when good, else why. */
static const char *categories_problem(roster_ctx *x, const char *in, char *out,
                                      size_t outsz, char *why, size_t whysz)
{
    size_t used = 0;
    out[0] = '\0';
    while (*in) {
        in += strspn(in, " ;");
        size_t n = strcspn(in, ";");
        while (n && in[n - 1] == ' ')
            n--;
        if (!n)
            break;
        char code[64];
        if (n >= sizeof code || used + n + 2 > outsz)
            return "too many or too long category codes";
        memcpy(code, in, n);
        code[n] = '\0';
        if (!strmap_get(x->categories, code)) {
            snprintf(why, whysz, "unknown category %s", code);
            return why;
        }
        used += (size_t)snprintf(out + used, outsz - used, "%s%s",
                                 used ? ";" : "", code);
        in += n;
        in += strcspn(in, ";");
    }
    return NULL;
}

/* One line, checked and normalised. */
typedef struct {
    const char *const *v;
    char id[48];
    const char *doc_type;
    char birth[11];
    char sex[2];
    char categories[512];
    const char *region;    /* key in the regions map */
    const char *attribute; /* key in the attributes map */
    char why[128];
} roster_line;

/* The checks of a line on its own; NULL when good, else why. */
static const char *field_problem(roster_ctx *x, roster_line *l,
                                 const char **field)
{
    const char *const *v = l->v;
    *field = "household_no";
    if (!chars_between(v[COL_HOUSEHOLD], 1, 40))
        return "household_no must be 1 to 40 characters";
    if (household_no_problem(v[COL_HOUSEHOLD]))
        return household_no_problem(v[COL_HOUSEHOLD]);
    *field = "attribute";
    if (!chars_between(v[COL_ATTRIBUTE], 0, 50))
        return "attribute must be at most 50 characters";
    *field = "relation";
    if (!chars_between(v[COL_RELATION], 0, 20))
        return "relation must be at most 20 characters";
    *field = "name";
    if (!chars_between(v[COL_NAME], 1, 100))
        return "name must be 1 to 100 characters";
    *field = "doc_type";
    l->doc_type = v[COL_DOC_TYPE][0] ? v[COL_DOC_TYPE] : "resident_id";
    if (doc_type_from_name(l->doc_type) == DOC_UNKNOWN)
        return "unknown document type";
    *field = "id_number";
    civil_date birth;
    if (!import_upper_id(v[COL_ID], l->id, sizeof l->id))
        return "id_number is too long";
    const char *bad =
        import_id_problem(l->doc_type, l->id, x->today, &birth, &l->sex[0]);
    if (bad)
        return bad;
    l->sex[1] = '\0';
    l->birth[0] = '\0';
    if (l->sex[0])
        date_format(birth, l->birth);
    *field = "phone";
    if (!phone_ok(v[COL_PHONE]))
        return "phone must be empty or 5 to 20 digits, + or -";
    *field = "categories";
    return categories_problem(x, v[COL_CATEGORIES], l->categories,
                              sizeof l->categories, l->why, sizeof l->why);
}

/* The region, the household's agreement with its first line, and the id
 * number's first use; NULL when good, else why. */
static const char *file_problem(roster_ctx *x, roster_line *l,
                                const char **field)
{
    const char *const *v = l->v;
    *field = "region_code";
    const region_entry *r = strmap_get(x->regions, v[COL_REGION]);
    if (!r)
        return region_code_valid(v[COL_REGION]) ? "unknown region_code"
                                                : "region_code must be 1 to "
                                                  "20 digits";
    if (r->level < LEVEL_VILLAGE)
        return "region_code must be a village or a group";
    if (!r->usable)
        return "outside this token's region";
    l->region = strmap_key(x->regions, r);
    const void *a = strmap_put(x->attributes, v[COL_ATTRIBUTE], NULL);
    if (!a)
        return "out of memory";
    l->attribute = strmap_key(x->attributes, a);
    const household_entry *h = strmap_get(x->households, v[COL_HOUSEHOLD]);
    if (h && (h->region != l->region || h->attribute != l->attribute)) {
        *field = h->region != l->region ? "region_code" : "attribute";
        snprintf(l->why, sizeof l->why,
                 "household %s has another %s on line %zu", v[COL_HOUSEHOLD],
                 *field, h->first_line);
        return l->why;
    }
    *field = "id_number";
    const size_t *first = strmap_get(x->ids, l->id);
    if (first) {
        snprintf(l->why, sizeof l->why,
                 "duplicate id_number (first on line %zu)", *first);
        return l->why;
    }
    return NULL;
}

/* Notes the line's household and id number as seen; false when memory
 * runs out. */
static bool remember(roster_ctx *x, const roster_line *l, size_t line)
{
    bool added = false;
    household_entry *h = strmap_put(x->households, l->v[COL_HOUSEHOLD], &added);
    size_t *first = strmap_put(x->ids, l->id, NULL);
    if (!h || !first)
        return false;
    if (added)
        *h = (household_entry){line, l->region, l->attribute};
    *first = line;
    return true;
}

static const char *nz(const char *s)
{
    return s[0] ? s : NULL;
}

static bool add_to_batch(roster_ctx *x, const roster_line *l, size_t line)
{
    char line_s[24];
    snprintf(line_s, sizeof line_s, "%zu", line);
    const char *const *v = l->v;
    const char *row[ROSTER_NCOLUMNS] = {
        [ROSTER_LINE] = line_s,
        [ROSTER_HOUSEHOLD] = v[COL_HOUSEHOLD],
        [ROSTER_REGION] = l->region,
        [ROSTER_ATTRIBUTE] = nz(v[COL_ATTRIBUTE]),
        [ROSTER_RELATION] = nz(v[COL_RELATION]),
        [ROSTER_NAME] = v[COL_NAME],
        [ROSTER_ID] = l->id,
        [ROSTER_DOC_TYPE] = l->doc_type,
        [ROSTER_PHONE] = nz(v[COL_PHONE]),
        [ROSTER_BIRTH] = nz(l->birth),
        [ROSTER_SEX] = nz(l->sex),
        [ROSTER_CATEGORIES] = l->categories,
    };
    roster_slot *slot = import_pipe_slot(x->pipe);
    return db_batch_add(slot->batch, row);
}

static void db_rejected(void *cls, long line, const char *field,
                        const char *message)
{
    json_array_append_new(
        cls, csvbody_rejection((size_t)line, field, "%s", message));
}

typedef struct {
    roster_ctx *x;
    roster_slot *slot;
} slot_run;

static db_status slot_tx(db_conn *c, void *cls)
{
    slot_run *r = cls;
    /* this may run again after a serialization failure: start afresh */
    json_array_clear(r->slot->rejected);
    db_status st =
        db_roster_apply(c, r->slot->batch, r->x->today_s, &r->slot->counts,
                        db_rejected, r->slot->rejected);
    /* a person registered by someone else since the batch looked */
    return st == DB_CONFLICT ? DB_RETRY : st;
}

/* Loads a batch in its own transaction (on either pipe thread). */
static db_status roster_apply(db_conn *c, void *slot, void *cls)
{
    slot_run r = {cls, slot};
    return db_run_tx(c, "READ COMMITTED", slot_tx, &r);
}

static void roster_done(void *slot, void *cls)
{
    roster_slot *s = slot;
    roster_ctx *x = cls;
    x->batches++;
    x->total.households += s->counts.households;
    x->total.residents += s->counts.residents;
    x->total.updated += s->counts.updated;
    x->total.unchanged += s->counts.unchanged;
    json_array_extend(x->db_rejected, s->rejected);
    json_array_clear(s->rejected);
    db_batch_clear(s->batch);
}

static int on_row(void *cls, size_t line, const char *const *v,
                  const char *error)
{
    roster_ctx *x = cls;
    if (error) {
        reject(x, line, NULL, error);
        return 0;
    }
    roster_line l = {.v = v};
    const char *field = NULL, *why = field_problem(x, &l, &field);
    if (!why)
        why = file_problem(x, &l, &field);
    if (why) {
        reject(x, line, field, why);
        return 0;
    }
    if (!remember(x, &l, line) || !add_to_batch(x, &l, line)) {
        x->failed = DB_ERROR; /* out of memory */
        return 1;
    }
    roster_slot *slot = import_pipe_slot(x->pipe);
    if (db_batch_size(slot->batch) >= IMPORT_BATCH_LINES)
        x->failed = import_pipe_submit(x->pipe);
    return x->failed != DB_OK;
}

static db_status audit_tx(db_conn *c, void *cls)
{
    roster_ctx *x = cls;
    char after[256];
    snprintf(after, sizeof after,
             "{\"households\":%ld,\"residents\":%ld,\"updated\":%ld,"
             "\"unchanged\":%ld,\"rejected\":%zu}",
             x->total.households, x->total.residents, x->total.updated,
             x->total.unchanged, json_array_size(x->rejected));
    return db_import_audit(c, "households_import", "households", NULL, after);
}

/* Loads what every line is checked against; false when it replied. */
static bool setup_or_reply(roster_ctx *x)
{
    x->regions = strmap_new(sizeof(region_entry));
    x->categories = strmap_new(0);
    x->attributes = strmap_new(0);
    x->households = strmap_new(sizeof(household_entry));
    x->ids = strmap_new(sizeof(size_t));
    x->rejected = json_array();
    x->db_rejected = json_array();
    bool ok = x->regions && x->categories && x->attributes && x->households &&
              x->ids && x->rejected && x->db_rejected;
    for (int i = 0; i < 2; i++) {
        x->slots[i].batch = db_batch_new(ROSTER_NCOLUMNS);
        x->slots[i].rejected = json_array();
        ok = ok && x->slots[i].batch && x->slots[i].rejected;
    }
    if (!ok) {
        reply_error(x->rq, 500, "internal", NULL, "out of memory");
        return false;
    }
    x->today = clock_today_shanghai();
    date_format(x->today, x->today_s);
    db_status st = db_import_regions(x->rq->db, add_region, x);
    if (st == DB_OK)
        st = db_category_list(x->rq->db, add_category, x->categories);
    if (st != DB_OK) {
        reply_db_error(x->rq, st);
        return false;
    }
    x->pipe = import_pipe_new(x->rq, &x->slots[0], &x->slots[1], roster_apply,
                              roster_done, x);
    if (!x->pipe) {
        reply_error(x->rq, 500, "internal", NULL, "out of memory");
        return false;
    }
    return true;
}

/* Loads the last batch and waits for all; false when any failed. */
static bool finish(roster_ctx *x, outcome o)
{
    roster_slot *slot = import_pipe_slot(x->pipe);
    if (o == OUT_CONTINUE && x->failed == DB_OK && db_batch_size(slot->batch))
        x->failed = import_pipe_submit(x->pipe);
    db_status st = import_pipe_finish(x->pipe);
    x->pipe = NULL;
    if (x->failed == DB_OK)
        x->failed = st;
    return x->failed == DB_OK;
}

static void free_ctx(roster_ctx *x)
{
    if (x->pipe)
        import_pipe_finish(x->pipe);
    json_decref(x->rejected);
    json_decref(x->db_rejected);
    for (int i = 0; i < 2; i++) {
        db_batch_free(x->slots[i].batch);
        json_decref(x->slots[i].rejected);
    }
    strmap_free(x->regions);
    strmap_free(x->categories);
    strmap_free(x->attributes);
    strmap_free(x->households);
    strmap_free(x->ids);
}

void handle_households_import(request *rq)
{
    roster_ctx x = {.rq = rq};
    if (!setup_or_reply(&x))
        goto out;
    outcome o = csvbody_rows_or_reply(rq, roster_columns, 9, 8, on_row, &x);
    bool complete = finish(&x, o) && o == OUT_CONTINUE;
    json_array_extend(x.rejected, x.db_rejected);
    /* batches already committed stay: the audit log says so even when the
     * import stops half-way */
    db_status audited = DB_OK;
    if (complete || x.batches)
        audited = db_run_tx(rq->db, "READ COMMITTED", audit_tx, &x);
    if (o != OUT_CONTINUE)
        goto out;
    if (x.failed != DB_OK || audited != DB_OK) {
        reply_db_error(rq, x.failed != DB_OK ? x.failed : audited);
        goto out;
    }
    import_sort_rejections(x.rejected);
    reply_json(rq, 200,
               json_pack("{s:I,s:I,s:I,s:I,s:O}", "households",
                         (json_int_t)x.total.households, "residents",
                         (json_int_t)x.total.residents, "updated",
                         (json_int_t)x.total.updated, "unchanged",
                         (json_int_t)x.total.unchanged, "rejected",
                         x.rejected));
out:
    free_ctx(&x);
}
