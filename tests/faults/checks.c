/*
 * checks.c: after the faults, every answer the clients got is held against
 * the database: a 2xx has its payment (the same payment_id) exactly once,
 * an error left nothing, nobody is paid twice, amounts equal their items,
 * and the progress counts equal the raw enrolments.
 */
#define _POSIX_C_SOURCE 200809L
#include "faults/faults.h"

#include <curl/curl.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    char external_id[72];
    int64_t id;
    bool claimed; /* some request of ours accounts for it */
} db_row;

typedef struct {
    long requests, replays, attempts, created, replayed, refused, unavailable,
        server_errors, transport, timeouts;
    double answer_s, slowest_s; /* over the attempts that got an answer */
    long retried_ok, lost_then_replayed, committed_unanswered, gave_up;
    int violations;
} tally;

static db_row *rows;
static size_t nrows;

static void violation(tally *t, const char *fmt, const char *a, long b)
{
    if (t->violations++ < 20) {
        fprintf(stderr, "VIOLATION: ");
        fprintf(stderr, fmt, a, b);
        fputc('\n', stderr);
    }
}

static int by_key(const void *a, const void *b)
{
    return strcmp(((const db_row *)a)->external_id,
                  ((const db_row *)b)->external_id);
}

static bool load_rows(PGconn *pg)
{
    PGresult *r = PQexec(pg, "SELECT external_id, id FROM payments "
                             "ORDER BY external_id COLLATE \"C\"");
    if (PQresultStatus(r) != PGRES_TUPLES_OK) {
        fprintf(stderr, "faults: %s", PQerrorMessage(pg));
        PQclear(r);
        return false;
    }
    nrows = (size_t)PQntuples(r);
    rows = calloc(nrows + 1, sizeof *rows);
    for (size_t i = 0; i < nrows; i++) {
        snprintf(rows[i].external_id, sizeof rows[i].external_id, "%s",
                 PQgetvalue(r, (int)i, 0));
        rows[i].id = atoll(PQgetvalue(r, (int)i, 1));
    }
    PQclear(r);
    return true;
}

static db_row *find_row(const char *external_id)
{
    db_row key;
    snprintf(key.external_id, sizeof key.external_id, "%s", external_id);
    return bsearch(&key, rows, nrows, sizeof *rows, by_key);
}

/* One attempt: counted, and a violation when it is a 5xx other than 503,
 * a time-out, or slower than a client should ever wait. */
static void check_attempt(tally *t, const pay_request *r, const attempt *a)
{
    t->attempts++;
    if (a->status) {
        t->answer_s += a->t1 - a->t0;
        if (a->t1 - a->t0 > t->slowest_s)
            t->slowest_s = a->t1 - a->t0;
    }
    if (a->status >= 200 && a->status < 300)
        a->status == 201 ? t->created++ : t->replayed++;
    else if (a->status >= 400 && a->status < 500)
        t->refused++;
    else if (a->status == 503)
        t->unavailable++;
    else if (a->status >= 500) {
        t->server_errors++;
        violation(t, "%s got HTTP %ld (should be 503 or success)",
                  r->external_id, a->status);
    } else {
        t->transport++;
        if (a->curl_code == CURLE_OPERATION_TIMEDOUT) {
            t->timeouts++;
            violation(t, "%s hung for 20 s (curl %ld)", r->external_id,
                      (long)a->curl_code);
        }
    }
    if (a->t1 - a->t0 > 10.0)
        violation(t, "%s took %ld s", r->external_id, (long)(a->t1 - a->t0));
    if (a->status >= 400 && a->status < 500 && strcmp(a->error, "conflict"))
        violation(t, "%s refused for an unexpected reason (HTTP %ld)",
                  r->external_id, a->status);
}

/* One request against the payment its key holds in the database. */
static void check_request(tally *t, const pay_request *r)
{
    db_row *row = find_row(r->external_id);
    bool ok = false, refused = false;
    t->requests++;
    t->replays += r->replay;
    for (int i = 0; i < r->nattempts; i++) {
        const attempt *a = &r->a[i];
        check_attempt(t, r, a);
        if (a->status >= 200 && a->status < 300) {
            ok = true;
            if (!row)
                violation(t, "%s got HTTP %ld but has no payment",
                          r->external_id, a->status);
            else if (row->id != a->payment_id)
                violation(t, "%s answered payment %ld, another is recorded",
                          r->external_id, (long)a->payment_id);
            if (i > 0)
                t->retried_ok++;
            if (a->status == 200 && !r->replay)
                t->lost_then_replayed++;
            if (a->status == 201 && r->replay)
                violation(t, "%s sent again created a payment (%ld)",
                          r->external_id, (long)a->payment_id);
        } else if (a->status >= 400 && a->status < 500)
            refused = true;
    }
    if (row)
        row->claimed = true;
    if (refused && row)
        violation(t, "%s was refused, yet payment %ld exists", r->external_id,
                  (long)row->id);
    if (refused && r->replay)
        violation(t, "%s was accepted, then refused when sent again",
                  r->external_id, 0);
    if (!ok && !refused) {
        t->gave_up++;
        if (row)
            t->committed_unanswered++;
    }
}

static long count(PGconn *pg, tally *t, const char *what, const char *sql)
{
    PGresult *r = PQexec(pg, sql);
    long n = -1;
    if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1)
        n = atol(PQgetvalue(r, 0, 0));
    else
        violation(t, "query for %s failed", what, 0);
    PQclear(r);
    return n;
}

/* Checks that must each count zero. */
static void check_invariants(PGconn *pg, tally *t)
{
    static const struct {
        const char *what, *sql;
    } zero[] = {
        {"payments without items", "SELECT count(*) FROM payments p WHERE NOT "
                                   "EXISTS (SELECT 1 FROM payment_items i "
                                   "WHERE i.payment_id = p.id)"},
        {"payments whose amount differs from their items",
         "SELECT count(*) FROM payments p WHERE p.amount <> (SELECT "
         "sum(i.personal + i.assistance) FROM payment_items i WHERE "
         "i.payment_id = p.id)"},
        {"people paid twice for a year",
         "SELECT count(*) FROM (SELECT i.id_number, i.year FROM payment_items "
         "i JOIN payments p ON p.id = i.payment_id WHERE p.status = "
         "'accepted' GROUP BY 1, 2 HAVING count(*) > 1) x"},
        {"paid enrolments without their payment item",
         "SELECT count(*) FROM enrolments e WHERE e.status = 'paid' AND NOT "
         "EXISTS (SELECT 1 FROM payment_items i JOIN payments p ON p.id = "
         "i.payment_id WHERE i.payment_id = e.payment_id AND i.id_number = "
         "e.id_number AND p.status = 'accepted')"},
        {"payment items without a paid enrolment",
         "SELECT count(*) FROM payment_items i JOIN payments p ON p.id = "
         "i.payment_id WHERE p.status = 'accepted' AND NOT EXISTS (SELECT 1 "
         "FROM enrolments e WHERE e.id_number = i.id_number AND e.year = "
         "i.year AND e.status = 'paid' AND e.payment_id = i.payment_id)"},
        {"progress counts minus paid enrolments",
         "SELECT (SELECT coalesce(sum(enrolled), 0) FROM progress_counts WHERE "
         "grp = 'all') - (SELECT count(*) FROM enrolments e "
         "WHERE e.status = 'paid' AND NOT EXISTS (SELECT 1 "
         "FROM exemptions x WHERE x.id_number = e.id_number AND x.year = "
         "e.year AND x.status = 'approved'))"},
    };
    for (size_t i = 0; i < sizeof zero / sizeof zero[0]; i++) {
        long n = count(pg, t, zero[i].what, zero[i].sql);
        if (n != 0)
            violation(t, "%s: %ld", zero[i].what, n);
    }
}

static void check_callbacks(PGconn *pg, tally *t,
                            const char *const *callback_ids)
{
    for (size_t i = 0; callback_ids[i]; i++) {
        db_row *row = find_row(callback_ids[i]);
        char sql[256];
        snprintf(sql, sizeof sql,
                 "SELECT count(*) FROM payment_anomalies WHERE external_id = "
                 "'%s'",
                 callback_ids[i]); /* our own constant ids */
        if (!row)
            violation(t, "notification %s recorded no payment", callback_ids[i],
                      0);
        else
            row->claimed = true;
        long anomalies = count(pg, t, "anomalies", sql);
        if (anomalies != 0)
            violation(t, "notification %s left %ld anomalies", callback_ids[i],
                      anomalies);
    }
}

static void print_tally(PGconn *pg, const tally *t)
{
    tally scratch = {0};
    printf("faults: requests %ld (of which %ld sent again after a 2xx), "
           "attempts %ld\n",
           t->requests, t->replays, t->attempts);
    printf("faults: answers 201 %ld, 200 %ld, 4xx %ld, 503 %ld, other 5xx "
           "%ld, transport errors %ld (time-outs %ld)\n",
           t->created, t->replayed, t->refused, t->unavailable,
           t->server_errors, t->transport, t->timeouts);
    printf("faults: answer time mean %.0f ms, slowest %.0f ms\n",
           1000 * t->answer_s / (double)(t->attempts - t->transport),
           1000 * t->slowest_s);
    printf("faults: accepted after a retry %ld, of which the first attempt "
           "had committed %ld; gave up %ld (committed all the same %ld)\n",
           t->retried_ok, t->lost_then_replayed, t->gave_up,
           t->committed_unanswered);
    printf("faults: database: payments %zu, paid people %ld, progress "
           "'all' %ld\n",
           nrows,
           count(pg, &scratch, "paid",
                 "SELECT count(*) FROM enrolments WHERE status = 'paid'"),
           count(pg, &scratch, "progress",
                 "SELECT coalesce(sum(enrolled), 0) FROM progress_counts "
                 "WHERE grp = 'all'"));
}

int faults_check(const char *database_url, const char *const *callback_ids)
{
    tally t = {0};
    PGconn *pg = PQconnectdb(database_url);
    if (PQstatus(pg) != CONNECTION_OK || !load_rows(pg)) {
        fprintf(stderr, "faults: cannot read the database: %s",
                PQerrorMessage(pg));
        PQfinish(pg);
        return 1;
    }
    client *c = faults_clients();
    for (int k = 0; k < CLIENTS; k++)
        for (int i = 0; i < c[k].n; i++)
            check_request(&t, &c[k].reqs[i]);
    check_callbacks(pg, &t, callback_ids);
    for (size_t i = 0; i < nrows; i++)
        if (!rows[i].claimed)
            violation(&t, "payment %s was never asked for", rows[i].external_id,
                      0);
    check_invariants(pg, &t);
    print_tally(pg, &t);
    free(rows);
    PQfinish(pg);
    return t.violations;
}
