/*
 * category_members_import.c: POST /v1/categories/{code}/members/import,
 * a department's list of the people in a special category
 * (CSV id_number,valid_from,valid_to[,source]).
 *
 * mode=extend (the default) inserts or updates the listed memberships;
 * mode=replace also ends, as of yesterday, every membership of the category
 * valid today that the file does not list. Lines go to the database in
 * batches like the roster (import_category_members(), migration 004); the
 * ending runs only once the whole file went through. A token with a region
 * only touches people of that region. One audit entry per import.
 */
#include "api/api.h"

#include "api/import_pipe.h"
#include "api/imports.h"
#include "common/clock.h"
#include "common/strmap.h"
#include "db/sql.h"
#include "http/csvbody.h"
#include "http/jspec.h"
#include "http/reply.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

static const char *const member_columns[] = {"id_number", "valid_from",
                                             "valid_to", "source"};

/* One batch: its lines, then what the database said about them. */
typedef struct {
    db_batch *batch, *keep;
    json_t *rejected; /* owned */
    db_members_counts counts;
} members_slot;

typedef struct {
    request *rq;
    db_category category;
    bool replace;
    char stamp[64]; /* the import's mark on what it wrote (replace) */
    const char *scope;
    civil_date today;
    char today_s[11];
    strmap *seen; /* "id_number valid_from" → first line */
    members_slot slots[2];
    import_pipe *pipe;
    db_status failed; /* stops the reading */
    json_t *rejected; /* owned: lines rejected while reading */
    /* filled by members_done(), under the pipe's lock */
    json_t *db_rejected; /* owned: lines the database rejected */
    db_members_counts total;
    long ended, batches;
} members_ctx;

static void reject(members_ctx *x, size_t line, const char *field,
                   const char *msg)
{
    json_array_append_new(x->rejected,
                          csvbody_rejection(line, field, "%s", msg));
}

/* The id number: upper-cased into id; NULL when good, else why. */
static const char *id_problem(members_ctx *x, const char *in, char id[48])
{
    if (!in[0] || !import_upper_id(in, id, 48))
        return "id_number must be 1 to 40 characters";
    return import_any_id_problem(id, x->today);
}

/* The dates and the source; NULL when good, else why. */
static const char *rest_problem(const char *const *v, const char **field)
{
    civil_date from, to;
    *field = "valid_from";
    if (!date_parse(v[1], &from))
        return "valid_from must be a date (YYYY-MM-DD)";
    *field = "valid_to";
    if (v[2][0] && !date_parse(v[2], &to))
        return "valid_to must be empty or a date (YYYY-MM-DD)";
    if (v[2][0] && date_compare(to, from) < 0)
        return "valid_to must not be before valid_from";
    *field = "source";
    if (utf8_chars(v[3]) > 50)
        return "source must be at most 50 characters";
    return NULL;
}

static void db_rejected(void *cls, long line, const char *field,
                        const char *message)
{
    json_array_append_new(
        cls, csvbody_rejection((size_t)line, field, "%s", message));
}

typedef struct {
    members_ctx *x;
    members_slot *slot;
} slot_run;

static db_status slot_tx(db_conn *c, void *cls)
{
    slot_run *r = cls;
    members_ctx *x = r->x;
    /* this may run again after a serialization failure: start afresh */
    json_array_clear(r->slot->rejected);
    return db_members_apply(c, x->category.code, r->slot->batch, r->slot->keep,
                            x->scope, x->replace ? x->stamp : NULL,
                            &r->slot->counts, db_rejected, r->slot->rejected);
}

/* Loads a batch in its own transaction (on either pipe thread). */
static db_status members_apply(db_conn *c, void *slot, void *cls)
{
    slot_run r = {cls, slot};
    return db_run_tx(c, "READ COMMITTED", slot_tx, &r);
}

static void members_done(void *slot, void *cls)
{
    members_slot *s = slot;
    members_ctx *x = cls;
    x->batches++;
    x->total.inserted += s->counts.inserted;
    x->total.updated += s->counts.updated;
    x->total.unchanged += s->counts.unchanged;
    json_array_extend(x->db_rejected, s->rejected);
    json_array_clear(s->rejected);
    db_batch_clear(s->batch);
    db_batch_clear(s->keep);
}

/* Checks a line; true when it is good and goes to the batch. */
static bool check_line(members_ctx *x, size_t line, const char *const *v,
                       char id[48])
{
    const char *field = "id_number", *why = id_problem(x, v[0], id);
    if (why) {
        reject(x, line, field, why);
        return false;
    }
    why = rest_problem(v, &field);
    char key[80], msg[96];
    snprintf(key, sizeof key, "%s %s", id, v[1]);
    size_t *first = why ? NULL : strmap_get(x->seen, key);
    if (first) {
        snprintf(msg, sizeof msg,
                 "duplicate id_number and valid_from (first on line %zu)",
                 *first);
        why = msg, field = "id_number";
    }
    if (why) {
        reject(x, line, field, why);
        /* a replacing import keeps what this person holds */
        const char *keep[] = {id};
        members_slot *slot = import_pipe_slot(x->pipe);
        if (x->replace && !first && !db_batch_add(slot->keep, keep))
            x->failed = DB_ERROR;
        return false;
    }
    first = strmap_put(x->seen, key, NULL);
    if (!first)
        x->failed = DB_ERROR;
    else
        *first = line;
    return x->failed == DB_OK;
}

static int on_row(void *cls, size_t line, const char *const *v,
                  const char *error)
{
    members_ctx *x = cls;
    char id[48], line_s[24];
    if (error) {
        reject(x, line, NULL, error);
        return 0;
    }
    members_slot *slot = import_pipe_slot(x->pipe);
    if (check_line(x, line, v, id)) {
        snprintf(line_s, sizeof line_s, "%zu", line);
        const char *source = v[3][0] ? v[3]
                             : x->category.department[0]
                                 ? x->category.department
                                 : NULL;
        const char *row[MEMBERS_NCOLUMNS] = {
            [MEMBERS_LINE] = line_s,   [MEMBERS_ID] = id,
            [MEMBERS_FROM] = v[1],     [MEMBERS_TO] = v[2][0] ? v[2] : NULL,
            [MEMBERS_SOURCE] = source,
        };
        if (!db_batch_add(slot->batch, row))
            x->failed = DB_ERROR; /* out of memory */
    }
    if (x->failed == DB_OK &&
        (db_batch_size(slot->batch) >= IMPORT_BATCH_LINES ||
         db_batch_size(slot->keep) >= IMPORT_BATCH_LINES))
        x->failed = import_pipe_submit(x->pipe);
    return x->failed != DB_OK;
}

/* The ending of a replacing import and the audit entry, together. */
static db_status finish_tx(db_conn *c, void *cls)
{
    members_ctx *x = cls;
    x->ended = 0;
    db_status st = DB_OK;
    if (x->replace)
        st = db_members_end(c, x->category.code, x->stamp, x->scope, x->today_s,
                            &x->ended);
    if (st != DB_OK)
        return st;
    char after[256];
    snprintf(after, sizeof after,
             "{\"mode\":\"%s\",\"inserted\":%ld,\"updated\":%ld,"
             "\"unchanged\":%ld,\"ended\":%ld,\"rejected\":%zu}",
             x->replace ? "replace" : "extend", x->total.inserted,
             x->total.updated, x->total.unchanged, x->ended,
             json_array_size(x->rejected));
    return db_import_audit(c, "category_members_import", "categories",
                           x->category.code, after);
}

/* Reads mode and the category; false when it replied. */
static bool setup_or_reply(members_ctx *x)
{
    request *rq = x->rq;
    const char *mode = request_query(rq, "mode");
    if (mode && strcmp(mode, "extend") && strcmp(mode, "replace")) {
        reply_error(rq, 400, "validation_failed", "mode",
                    "mode must be extend or replace");
        return false;
    }
    x->replace = mode && strcmp(mode, "replace") == 0;
    db_status st = db_category_get(rq->db, rq->params[0], &x->category);
    if (st == DB_NOT_FOUND) {
        reply_not_found(rq, "category");
        return false;
    }
    if (st != DB_OK) {
        reply_db_error(rq, st);
        return false;
    }
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    snprintf(x->stamp, sizeof x->stamp, "%s/%lld.%09ld", rq->request_id,
             (long long)now.tv_sec, (long)now.tv_nsec);
    x->scope = rq->who.region[0] ? rq->who.region : NULL;
    x->today = clock_today_shanghai();
    date_format(x->today, x->today_s);
    x->seen = strmap_new(sizeof(size_t));
    x->rejected = json_array();
    x->db_rejected = json_array();
    bool ok = x->seen && x->rejected && x->db_rejected;
    for (int i = 0; i < 2; i++) {
        x->slots[i].batch = db_batch_new(MEMBERS_NCOLUMNS);
        x->slots[i].keep = db_batch_new(1);
        x->slots[i].rejected = json_array();
        ok =
            ok && x->slots[i].batch && x->slots[i].keep && x->slots[i].rejected;
    }
    if (ok)
        x->pipe = import_pipe_new(rq, &x->slots[0], &x->slots[1], members_apply,
                                  members_done, x);
    if (!x->pipe) {
        reply_error(rq, 500, "internal", NULL, "out of memory");
        return false;
    }
    return true;
}

/* Loads the last batch and waits for all; false when any failed. */
static bool finish(members_ctx *x, outcome o)
{
    members_slot *slot = import_pipe_slot(x->pipe);
    if (o == OUT_CONTINUE && x->failed == DB_OK &&
        (db_batch_size(slot->batch) || db_batch_size(slot->keep)))
        x->failed = import_pipe_submit(x->pipe);
    db_status st = import_pipe_finish(x->pipe);
    x->pipe = NULL;
    if (x->failed == DB_OK)
        x->failed = st;
    return x->failed == DB_OK;
}

static void free_ctx(members_ctx *x)
{
    if (x->pipe)
        import_pipe_finish(x->pipe);
    json_decref(x->rejected);
    json_decref(x->db_rejected);
    for (int i = 0; i < 2; i++) {
        db_batch_free(x->slots[i].batch);
        db_batch_free(x->slots[i].keep);
        json_decref(x->slots[i].rejected);
    }
    strmap_free(x->seen);
}

void handle_category_members_import(request *rq)
{
    members_ctx x = {.rq = rq};
    if (!setup_or_reply(&x))
        goto out;
    outcome o = csvbody_rows_or_reply(rq, member_columns, 4, 3, on_row, &x);
    bool complete = finish(&x, o) && o == OUT_CONTINUE;
    json_array_extend(x.rejected, x.db_rejected);
    /* a replacing import ends nothing unless the whole file went through;
     * batches already committed are audited even when it stopped */
    if (complete)
        x.failed = db_run_tx(rq->db, "READ COMMITTED", finish_tx, &x);
    else if (x.batches) {
        x.replace = false;
        (void)db_run_tx(rq->db, "READ COMMITTED", finish_tx, &x);
    }
    if (o != OUT_CONTINUE)
        goto out;
    if (x.failed != DB_OK) {
        reply_db_error(rq, x.failed);
        goto out;
    }
    import_sort_rejections(x.rejected);
    reply_json(rq, 200,
               json_pack("{s:I,s:I,s:I,s:I,s:O}", "inserted",
                         (json_int_t)x.total.inserted, "updated",
                         (json_int_t)x.total.updated, "unchanged",
                         (json_int_t)x.total.unchanged, "ended",
                         (json_int_t)x.ended, "rejected", x.rejected));
out:
    free_ctx(&x);
}
