/*
 * tax_batch.c: checking the tax bureau's payment lines and recording them
 * in batches on up to two connections (see tax_batch.h).
 *
 * The handler's thread reads and checks lines and fills a batch; worker
 * threads, each with its own connection, record full batches. All shared
 * state (counts, rejections, buffers, jobs) is guarded by tax_run.mu.
 */
#include "api/tax_batch.h"

#include "app.h"
#include "db/sql.h"
#include "domain/fingerprint.h"
#include "domain/money.h"
#include "domain/timestamp.h"
#include "http/query.h"
#include "http/reply.h"
#include "log.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum {
    BATCH_LINES = 5000, /* lines per round trip and transaction */
    MAX_WORKERS = 2,    /* connections recording at once */
    MAX_LISTED = 10000, /* rejections listed in the answer (the first) */
    SECOND_CONN_WAIT_MS = 100,
};

const char *const tax_field_names[TAX_FIELDS] = {
    "voucher_no", "id_number", "year", "tier", "amount", "paid_at", "channel"};

typedef struct {
    int ref;
    const char *code, *field; /* static strings */
    char message[192];
} rejection;

typedef struct {
    db_tax_line lines[BATCH_LINES];
    size_t n;
    uint64_t keys[2 * BATCH_LINES]; /* its people and vouchers, sorted */
    size_t nkeys;
} batch;

typedef struct {
    tax_run *t;
    pthread_t thread;
    bool started;
    db_conn *conn;
    bool borrowed; /* taken from the pool by the run, given back at the end */
    batch *job;    /* being recorded; NULL when idle */
} worker;

struct tax_run {
    request *rq;
    const char *ref_name, *scope;
    int64_t now;
    batch *bufs[MAX_WORKERS + 1];
    bool buf_busy[MAX_WORKERS + 1]; /* filling or recording */
    batch *filling;
    worker workers[MAX_WORKERS];
    int nworkers;
    pthread_mutex_t mu;
    pthread_cond_t changed;
    bool stopping;
    db_status failed; /* the first database failure; DB_OK while none */
    long long accepted, duplicates, rejected;
    rejection *heap; /* max-heap on ref: the MAX_LISTED first rejections */
    size_t nheap;
};

/* ---- checking one line ---- */

/* src into dst[size] (the caller checked that it fits). */
static void copy_text(char *dst, size_t size, const char *src)
{
    size_t n = strlen(src);
    if (n >= size)
        n = size - 1;
    memcpy(dst, src, n);
    dst[n] = '\0';
}

static bool visible_ascii(const char *s, size_t min, size_t max)
{
    size_t n = strlen(s);
    for (const char *p = s; *p; p++)
        if (*p < 0x21 || *p > 0x7e)
            return false;
    return n >= min && n <= max;
}

static bool channel_known(const char *c)
{
    static const char *const ok[] = {"tax_online", "tax_hall", "bank", "pos",
                                     "wechat",     "alipay",   "cash"};
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++)
        if (!strcmp(c, ok[i]))
            return true;
    return false;
}

/* RFC 3339 with an offset as given, or "YYYY-MM-DD HH:MM:SS" meaning
 * Beijing time, written out with its offset. */
static bool paid_at_parse(const char *s, int64_t *at, char out[40])
{
    civil_date day;
    size_t n = strlen(s);
    if (n < 40 && timestamp_parse(s, at, &day)) {
        memcpy(out, s, n + 1);
        return true;
    }
    if (n != 19)
        return false;
    memcpy(out, s, 19);
    out[10] = 'T';
    memcpy(out + 19, "+08:00", 7);
    return timestamp_parse(out, at, &day);
}

/* NULL when the line is good (and l filled), else why; *field names it. */
static const char *line_problem(const char *const v[TAX_FIELDS], int64_t now,
                                db_tax_line *l, const char **field)
{
    int64_t year, tier, amount, at;
    *field = "voucher_no";
    if (!visible_ascii(v[0], 1, 64))
        return "must be 1 to 64 visible ASCII characters";
    *field = "id_number";
    if (!visible_ascii(v[1], 1, ID_BYTES - 1))
        return "must be 1 to 40 visible ASCII characters";
    *field = "year";
    if (!parse_int64(v[2], 2000, 2100, &year))
        return "must be a year from 2000 to 2100";
    *field = "tier";
    if (!parse_int64(v[3], 1, 9, &tier))
        return "must be a tier from 1 to 9";
    *field = "amount";
    if (!parse_int64(v[4], 0, MONEY_MAX_FEN, &amount))
        return "must be a whole number of fen, 0 or more";
    *field = "paid_at";
    if (!paid_at_parse(v[5], &at, l->paid_at))
        return "must be an RFC 3339 time with its offset, or "
               "YYYY-MM-DD HH:MM:SS in Beijing time";
    if (at > now + 300)
        return "is in the future";
    *field = "channel";
    if (!channel_known(v[6]))
        return "must be one of tax_online, tax_hall, bank, pos, wechat, "
               "alipay, cash";
    copy_text(l->voucher, sizeof l->voucher, v[0]);
    copy_text(l->id_number, sizeof l->id_number, v[1]);
    for (char *c = l->id_number; *c; c++)
        if (*c >= 'a' && *c <= 'z')
            *c = (char)(*c - 'a' + 'A');
    copy_text(l->channel, sizeof l->channel, v[6]);
    l->year = (int)year, l->tier = (int)tier, l->amount = amount;
    /* what POST /v1/payments would fingerprint for the same payment */
    const char *ids[] = {l->id_number};
    payment_request_fields f = {l->channel, l->voucher, year, tier, amount,
                                l->paid_at, "",         ids,  1,    ""};
    payment_fingerprint(&f, l->request_hash);
    return NULL;
}

/* ---- rejections: the first MAX_LISTED by number, all counted ---- */

static void heap_swap(rejection *a, rejection *b)
{
    rejection tmp = *a;
    *a = *b;
    *b = tmp;
}

static void heap_sift_down(rejection *h, size_t n, size_t i)
{
    for (;;) {
        size_t big = i, l = 2 * i + 1, r = l + 1;
        if (l < n && h[l].ref > h[big].ref)
            big = l;
        if (r < n && h[r].ref > h[big].ref)
            big = r;
        if (big == i)
            return;
        heap_swap(&h[i], &h[big]);
        i = big;
    }
}

/* Caller holds t->mu. */
static void add_rejection(tax_run *t, int ref, const char *code,
                          const char *field, const char *message)
{
    t->rejected++;
    rejection r = {ref, code, field, ""};
    snprintf(r.message, sizeof r.message, "%s", message);
    if (t->nheap < MAX_LISTED) {
        size_t i = t->nheap++;
        t->heap[i] = r;
        while (i && t->heap[(i - 1) / 2].ref < t->heap[i].ref) {
            heap_swap(&t->heap[(i - 1) / 2], &t->heap[i]);
            i = (i - 1) / 2;
        }
    } else if (ref < t->heap[0].ref) {
        t->heap[0] = r;
        heap_sift_down(t->heap, t->nheap, 0);
    }
}

void tax_run_reject(tax_run *t, int ref, const char *field, const char *msg)
{
    pthread_mutex_lock(&t->mu);
    add_rejection(t, ref, "validation_failed", field, msg);
    pthread_mutex_unlock(&t->mu);
}

/* How the answer words each refusal of tax_record_batch(); what follows
 * the text: nothing, the detail, or the clashing line. */
typedef enum { AFTER_NONE, AFTER_PAYMENT, AFTER_LINE, AFTER_FEN } after_kind;

static const struct {
    const char *outcome, *code, *field, *text;
    after_kind after;
} refusals[] = {
    {"key_conflict", "conflict", "voucher_no",
     "this voucher was recorded with other content", AFTER_PAYMENT},
    {"key_conflict_line", "conflict", "voucher_no",
     "this voucher comes earlier with other content", AFTER_LINE},
    {"already_paid", "conflict", "id_number", "already paid for this year",
     AFTER_NONE},
    {"already_paid_line", "conflict", "id_number", "already paid for this year",
     AFTER_LINE},
    {"amount_mismatch", "validation_failed", "amount",
     "must equal the self-pay due", AFTER_FEN},
    {"use_subsidy", "validation_failed", "amount",
     "nothing is owed: the subsidy pays for this person", AFTER_NONE},
    {"too_late", "validation_failed", "paid_at",
     "too late to pay for this year", AFTER_NONE},
    {"no_year", "validation_failed", "year", "the year is not configured",
     AFTER_NONE},
    {"no_tier", "validation_failed", "tier",
     "the tier is not among the year's tiers", AFTER_NONE},
    {"out_of_scope", "forbidden", "id_number",
     "the resident is outside this token's region", AFTER_NONE},
    {"unknown_resident", "validation_failed", "id_number", "no such resident",
     AFTER_NONE},
    {"removed", "validation_failed", "id_number",
     "the resident was removed from the roster", AFTER_NONE},
    {"exempted", "validation_failed", "id_number",
     "the resident is exempted for this year", AFTER_NONE},
};

/* Counts a line the database did not record. Caller holds t->mu. */
static void settle_refusal(tax_run *t, const db_tax_refusal *f)
{
    if (!strcmp(f->outcome, "duplicate") ||
        !strcmp(f->outcome, "duplicate_line")) {
        t->duplicates++;
        return;
    }
    char msg[192];
    for (size_t i = 0; i < sizeof refusals / sizeof refusals[0]; i++) {
        if (strcmp(f->outcome, refusals[i].outcome) != 0)
            continue;
        const char *text = refusals[i].text;
        if (refusals[i].after == AFTER_PAYMENT)
            snprintf(msg, sizeof msg, "%s (payment %s)", text, f->detail);
        else if (refusals[i].after == AFTER_LINE)
            snprintf(msg, sizeof msg, "%s (%s %s)", text, t->ref_name,
                     f->detail);
        else if (refusals[i].after == AFTER_FEN)
            snprintf(msg, sizeof msg, "%s: %s fen", text, f->detail);
        else
            snprintf(msg, sizeof msg, "%s", text);
        add_rejection(t, f->ref, refusals[i].code, refusals[i].field, msg);
        return;
    }
    snprintf(msg, sizeof msg, "cannot be paid for: %s", f->outcome);
    add_rejection(t, f->ref, "validation_failed", NULL, msg);
}

/* ---- batches and the workers that record them ---- */

/* FNV-1a over kind, a, a separator and b (or the number n). */
static uint64_t key_hash(char kind, const char *a, const char *b, int n)
{
    uint64_t h = 1469598103934665603ULL;
    h = (h ^ (unsigned char)kind) * 1099511628211ULL;
    for (const char *p = a; *p; p++)
        h = (h ^ (unsigned char)*p) * 1099511628211ULL;
    h = (h ^ 0x1f) * 1099511628211ULL;
    for (const char *p = b ? b : ""; *p; p++)
        h = (h ^ (unsigned char)*p) * 1099511628211ULL;
    return (h ^ (uint64_t)(unsigned)n) * 1099511628211ULL;
}

static int by_key(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* The people (id, year) and vouchers (channel, number) of b, sorted. */
static void batch_index(batch *b)
{
    b->nkeys = 0;
    for (size_t i = 0; i < b->n; i++) {
        const db_tax_line *l = &b->lines[i];
        b->keys[b->nkeys++] = key_hash('P', l->id_number, NULL, l->year);
        b->keys[b->nkeys++] = key_hash('K', l->channel, l->voucher, 0);
    }
    qsort(b->keys, b->nkeys, sizeof *b->keys, by_key);
}

/* Do a and b share a person or a voucher (or a hash of one)? */
static bool batches_touch(const batch *a, const batch *b)
{
    for (size_t i = 0; i < b->nkeys; i++)
        if (bsearch(&b->keys[i], a->keys, a->nkeys, sizeof *a->keys, by_key))
            return true;
    return false;
}

typedef struct {
    tax_run *t;
    const batch *b;
    db_tax_refusal *out;
    size_t nout;
} record_ctx;

/* The transaction of one batch (run again after a serialization failure,
 * deadlock, or a voucher recorded meanwhile). */
static db_status record_tx(db_conn *c, void *cls)
{
    record_ctx *x = cls;
    free(x->out);
    x->out = NULL;
    x->nout = 0;
    db_status st =
        db_tax_record_batch(c, x->b->lines, x->b->n, x->t->rq->who.token_id,
                            x->t->scope, &x->out, &x->nout);
    return st == DB_CONFLICT ? DB_RETRY : st;
}

/* Caller holds t->mu. */
static void buffer_release(tax_run *t, batch *b)
{
    for (int i = 0; i <= MAX_WORKERS; i++)
        if (t->bufs[i] == b)
            t->buf_busy[i] = false;
    b->n = b->nkeys = 0;
}

static void *worker_main(void *arg)
{
    worker *w = arg;
    tax_run *t = w->t;
    pthread_mutex_lock(&t->mu);
    for (;;) {
        while (!w->job && !t->stopping)
            pthread_cond_wait(&t->changed, &t->mu);
        if (!w->job)
            break;
        batch *b = w->job;
        pthread_mutex_unlock(&t->mu);
        record_ctx x = {t, b, NULL, 0};
        db_status st = db_run_tx(w->conn, "READ COMMITTED", record_tx, &x);
        pthread_mutex_lock(&t->mu);
        if (st == DB_OK) {
            t->accepted += (long long)(b->n - x.nout);
            for (size_t i = 0; i < x.nout; i++)
                settle_refusal(t, &x.out[i]);
        } else if (t->failed == DB_OK)
            t->failed = st;
        free(x.out);
        buffer_release(t, b);
        w->job = NULL;
        pthread_cond_broadcast(&t->changed);
    }
    pthread_mutex_unlock(&t->mu);
    return NULL;
}

/* Starts worker i on its connection (the request's for the first, one
 * more from the pool for the second when one is free). Caller holds
 * t->mu. False when it could not. */
static bool worker_start(tax_run *t, int i)
{
    worker *w = &t->workers[i];
    request *rq = t->rq;
    w->t = t;
    w->conn = rq->db;
    if (i > 0) {
        db_status why;
        w->conn = db_pool_acquire(rq->app->pool, DB_LANE_MAIN,
                                  SECOND_CONN_WAIT_MS, &why);
        if (!w->conn)
            return false;
        w->borrowed = true;
        db_set_actor(w->conn, rq->who.token_id, rq->request_id);
    }
    if (pthread_create(&w->thread, NULL, worker_main, w) != 0) {
        if (w->borrowed)
            db_pool_release(rq->app->pool, w->conn);
        w->borrowed = false;
        return false;
    }
    w->started = true;
    t->nworkers = i + 1;
    return true;
}

/* An idle worker that may take b now (no batch in flight shares a person
 * or a voucher with it), starting one if needed; NULL for none. Caller
 * holds t->mu. */
static worker *worker_for(tax_run *t, const batch *b)
{
    worker *idle = NULL;
    for (int i = 0; i < t->nworkers; i++) {
        worker *w = &t->workers[i];
        if (w->job && batches_touch(w->job, b))
            return NULL;
        if (!w->job && !idle)
            idle = w;
    }
    if (!idle && t->nworkers < MAX_WORKERS && worker_start(t, t->nworkers))
        idle = &t->workers[t->nworkers - 1];
    return idle;
}

/* Hands the filling batch to a worker and takes a free buffer to fill.
 * False once the database has failed. */
static bool dispatch(tax_run *t)
{
    batch *b = t->filling;
    batch_index(b);
    pthread_mutex_lock(&t->mu);
    worker *w = NULL;
    while (t->failed == DB_OK && !(w = worker_for(t, b)))
        pthread_cond_wait(&t->changed, &t->mu);
    t->filling = NULL;
    if (w) {
        w->job = b;
        pthread_cond_broadcast(&t->changed);
        for (int i = 0; i <= MAX_WORKERS && !t->filling; i++) {
            if (!t->buf_busy[i]) {
                t->buf_busy[i] = true;
                t->filling = t->bufs[i];
            }
        }
    } else
        buffer_release(t, b);
    bool ok = t->failed == DB_OK && t->filling;
    pthread_mutex_unlock(&t->mu);
    return ok;
}

bool tax_run_line(tax_run *t, int ref, const char *const v[TAX_FIELDS])
{
    if (!t->filling)
        return false;
    db_tax_line *l = &t->filling->lines[t->filling->n];
    const char *field, *why = line_problem(v, t->now, l, &field);
    if (why) {
        tax_run_reject(t, ref, field, why);
        return true;
    }
    l->ref = ref;
    if (++t->filling->n == BATCH_LINES)
        return dispatch(t);
    return true;
}

tax_run *tax_run_new(request *rq, const char *ref_name)
{
    tax_run *t = calloc(1, sizeof *t);
    if (!t)
        return NULL;
    t->rq = rq;
    t->ref_name = ref_name;
    t->scope = rq->who.region[0] ? rq->who.region : NULL;
    t->now = (int64_t)time(NULL);
    pthread_mutex_init(&t->mu, NULL);
    pthread_cond_init(&t->changed, NULL);
    t->heap = calloc(MAX_LISTED, sizeof *t->heap);
    bool ok = t->heap != NULL;
    for (int i = 0; ok && i <= MAX_WORKERS; i++)
        ok = (t->bufs[i] = calloc(1, sizeof(batch))) != NULL;
    if (!ok) {
        tax_run_free(t);
        return NULL;
    }
    t->filling = t->bufs[0];
    t->buf_busy[0] = true;
    return t;
}

/* Waits until no batch is in flight, then stops the workers. */
static void workers_stop(tax_run *t)
{
    pthread_mutex_lock(&t->mu);
    for (int i = 0; i < t->nworkers; i++)
        while (t->workers[i].job)
            pthread_cond_wait(&t->changed, &t->mu);
    t->stopping = true;
    pthread_cond_broadcast(&t->changed);
    pthread_mutex_unlock(&t->mu);
    for (int i = 0; i < t->nworkers; i++) {
        worker *w = &t->workers[i];
        if (w->started)
            pthread_join(w->thread, NULL);
        if (w->borrowed)
            db_pool_release(t->rq->app->pool, w->conn);
        w->started = w->borrowed = false;
    }
    t->nworkers = 0;
}

static int by_ref(const void *a, const void *b)
{
    const rejection *x = a, *y = b;
    return x->ref < y->ref ? -1 : x->ref > y->ref;
}

void tax_run_finish_reply(tax_run *t)
{
    if (t->filling && t->filling->n)
        (void)dispatch(t);
    workers_stop(t);
    request *rq = t->rq;
    if (t->failed != DB_OK) {
        if (t->failed == DB_UNAVAILABLE || t->failed == DB_RETRY)
            reply_error(rq, 503, "service_unavailable", NULL,
                        "the database became unavailable after %lld lines "
                        "were recorded; send the lines again (those recorded "
                        "come back as duplicates)",
                        t->accepted);
        else
            reply_db_error(rq, t->failed);
        return;
    }
    qsort(t->heap, t->nheap, sizeof *t->heap, by_ref);
    json_t *list = json_array();
    for (size_t i = 0; i < t->nheap; i++) {
        const rejection *r = &t->heap[i];
        json_t *err =
            json_pack("{s:s,s:s}", "code", r->code, "message", r->message);
        if (err && r->field)
            json_object_set_new(err, "field", json_string(r->field));
        json_array_append_new(
            list, json_pack("{s:i,s:o}", t->ref_name, r->ref, "error", err));
    }
    reply_json(rq, 200,
               json_pack("{s:I,s:I,s:o,s:I}", "accepted",
                         (json_int_t)t->accepted, "duplicates",
                         (json_int_t)t->duplicates, "rejected", list,
                         "rejected_count", (json_int_t)t->rejected));
}

void tax_run_free(tax_run *t)
{
    if (!t)
        return;
    workers_stop(t);
    for (int i = 0; i <= MAX_WORKERS; i++)
        free(t->bufs[i]);
    free(t->heap);
    pthread_cond_destroy(&t->changed);
    pthread_mutex_destroy(&t->mu);
    free(t);
}
