/*
 * test_faults.c: PostgreSQL killed under the service, migrations applied
 * twice, reports answered while every main-lane worker is stuck, and a
 * graceful stop with requests in flight and queued in both lanes.
 */
#define _POSIX_C_SOURCE 200809L
#include "integration/harness.h"

#include <check.h>
#include <libpq-fe.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

START_TEST(postgres_killed_gives_503_then_the_service_recovers_by_itself)
{
    http_reply r = http("GET", "/v1/categories", ADMIN, NULL, NULL);
    ck_assert_int_eq(r.status, 200);
    http_reply_free(&r);

    harness_kill_postgres();
    for (int i = 0; i < 20; i++) {
        double t0 = now_s();
        r = http("GET", "/v1/categories", ADMIN, NULL, NULL);
        ck_assert_msg(r.status == 503, "request %d got %ld", i, r.status);
        ck_assert_str_eq(error_code(&r), "service_unavailable");
        ck_assert_msg(now_s() - t0 < 5.0, "a 503 must come fast, not hang");
        http_reply_free(&r);
    }
    r = http("GET", "/readyz", NULL, NULL, NULL);
    ck_assert_int_eq(r.status, 503);
    http_reply_free(&r);
    r = http("GET", "/healthz", NULL, NULL, NULL);
    ck_assert_int_eq(r.status, 200); /* alive, only not ready */
    http_reply_free(&r);

    harness_start_postgres();
    long status = 0;
    for (int i = 0; i < 100 && status != 200; i++) {
        r = http("GET", "/v1/categories", ADMIN, NULL, NULL);
        status = r.status;
        http_reply_free(&r);
        if (status != 200) {
            struct timespec ts = {0, 200000000L};
            nanosleep(&ts, NULL);
        }
    }
    ck_assert_int_eq(status, 200);
    r = http("GET", "/metrics", NULL, NULL, NULL);
    ck_assert_ptr_null(
        strstr(r.body, "db_errors_total{kind=\"unavailable\"} 0\n"));
    http_reply_free(&r);
}
END_TEST

START_TEST(migrations_applied_twice_change_nothing)
{
    char cmd[1024];
    const char *bin = getenv("MEDINS_BIN");
    snprintf(cmd, sizeof cmd,
             "DATABASE_URL='%s' DEMO=0 %s migrate 2>/dev/null && "
             "DATABASE_URL='%s' DEMO=0 %s migrate 2>/dev/null",
             harness_database_url(), bin ? bin : "build/medins",
             harness_database_url(), bin ? bin : "build/medins");
    ck_assert_int_eq(system(cmd), 0);
    char *out = harness_sql(
        "SELECT count(*), count(DISTINCT version) FROM schema_migrations");
    ck_assert_ptr_nonnull(out);
    int rows = 0, distinct = 0;
    ck_assert_int_eq(sscanf(out, "%d|%d", &rows, &distinct), 2);
    ck_assert_int_eq(rows, distinct);
    ck_assert_int_ge(rows, 2);
    free(out);
}
END_TEST

enum {
    MAIN_WORKERS = 8, /* WORKERS in the harness */
    READ_WORKERS = 4, /* the default */
};

/* One request on its own thread; done counts the answered ones. */
typedef struct {
    pthread_t thread;
    const char *method;
    char path[64];
    const char *body; /* JSON, or NULL */
    long status;
    atomic_int *done;
} call;

static void *call_main(void *arg)
{
    call *c = arg;
    http_reply r = c->body ? http_json(c->method, c->path, ADMIN, c->body)
                           : http(c->method, c->path, ADMIN, NULL, NULL);
    c->status = r.status;
    http_reply_free(&r);
    atomic_fetch_add(c->done, 1);
    return NULL;
}

/* Starts n requests: PUT /v1/categories/queued (main lane) when put, else
 * GET /readyz (read lane). */
static void calls_start(call *calls, int n, bool put, atomic_int *done)
{
    for (int i = 0; i < n; i++) {
        call *c = &calls[i];
        *c = (call){.method = put ? "PUT" : "GET",
                    .body = put ? "{\"name\":\"排队\"}" : NULL,
                    .done = done};
        snprintf(c->path, sizeof c->path, "%s",
                 put ? "/v1/categories/queued" : "/readyz");
        pthread_create(&c->thread, NULL, call_main, c);
    }
}

static void calls_join(call *calls, int n)
{
    for (int i = 0; i < n; i++)
        pthread_join(calls[i].thread, NULL);
}

/* Fails unless every call was answered 2xx. */
static void calls_check(const call *calls, int n)
{
    for (int i = 0; i < n; i++) {
        ck_assert_msg(calls[i].status >= 200 && calls[i].status < 300,
                      "%s %s got %ld", calls[i].method, calls[i].path,
                      calls[i].status);
    }
}

/* A transaction of the test's own that holds the locks sql takes until
 * locks_release(): requests that need them wait, for as long as the test
 * wants and no longer. */
static PGconn *locks_hold(const char *sql)
{
    PGconn *c = PQconnectdb(harness_database_url());
    ck_assert_int_eq(PQstatus(c), CONNECTION_OK);
    PGresult *r = PQexec(c, sql);
    ck_assert_msg(PQresultStatus(r) == PGRES_COMMAND_OK ||
                      PQresultStatus(r) == PGRES_TUPLES_OK,
                  "%s", PQerrorMessage(c));
    PQclear(r);
    return c;
}

static void locks_release(PGconn *c)
{
    PQclear(PQexec(c, "COMMIT"));
    PQfinish(c);
}

/* Category "queued", its row locked (and whatever more locks) by a
 * transaction of the test's own: every PUT of it waits. A row lock, not a
 * table lock: that would also stop a reconnected read-lane connection
 * preparing its statements (an INSERT's PREPARE takes ROW EXCLUSIVE). */
static PGconn *queued_row_locked(const char *more)
{
    http_reply r =
        http_json("PUT", "/v1/categories/queued", ADMIN, "{\"name\":\"排队\"}");
    ck_assert_msg(r.status == 200 || r.status == 201, "got %ld", r.status);
    http_reply_free(&r);
    char sql[256];
    snprintf(sql, sizeof sql,
             "BEGIN; %s SELECT 1 FROM categories WHERE code = 'queued' "
             "FOR UPDATE",
             more);
    return locks_hold(sql);
}

/* Waits until n statements wait for a lock (up to 30 s). */
static void wait_for_lock_waiters(long n)
{
    long waiting = 0;
    for (int i = 0; i < 300 && waiting < n; i++) {
        waiting = harness_count("SELECT count(*) FROM pg_stat_activity "
                                "WHERE wait_event_type = 'Lock'");
        if (waiting < n) {
            struct timespec ts = {0, 100000000L};
            nanosleep(&ts, NULL);
        }
    }
    ck_assert_msg(waiting >= n, "%ld statements wait for a lock, not %ld",
                  waiting, n);
}

START_TEST(reports_answer_while_every_main_worker_is_stuck)
{
    /* every main-lane worker stuck in a PUT that waits for the lock, more
     * PUTs queued behind them */
    PGconn *lock = queued_row_locked("");
    atomic_int done = 0;
    call puts[MAIN_WORKERS + 4];
    int nputs = (int)(sizeof puts / sizeof puts[0]);
    calls_start(puts, nputs, true, &done);
    wait_for_lock_waiters(MAIN_WORKERS);

    http_reply ready = http("GET", "/readyz", NULL, NULL, NULL);
    http_reply progress = http(
        "GET", "/v1/progress?year=2031&region=511724000000", ADMIN, NULL, NULL);
    http_reply metrics = http("GET", "/metrics", NULL, NULL, NULL);
    int answered = atomic_load(&done);
    locks_release(lock); /* before any assertion: the lock must not stay */
    calls_join(puts, nputs);

    /* each needs a connection of its own */
    ck_assert_msg(ready.status == 200, "readyz got %ld", ready.status);
    ck_assert_msg(progress.status > 0 && progress.status < 500,
                  "progress got %ld: %s", progress.status, progress.body);
    char busy[80];
    snprintf(busy, sizeof busy,
             "db_pool_lane_connections{lane=\"main\",state=\"in_use\"} %d\n",
             MAIN_WORKERS);
    ck_assert_msg(metrics.body && strstr(metrics.body, busy), "%s",
                  metrics.body);
    /* and all of it before a single PUT could finish */
    ck_assert_int_eq(answered, 0);
    calls_check(puts, nputs);
    http_reply_free(&ready);
    http_reply_free(&progress);
    http_reply_free(&metrics);
}
END_TEST

static void *put_category(void *arg)
{
    long *status = arg;
    http_reply r = http_json("PUT", "/v1/categories/inflight", ADMIN,
                             "{\"name\":\"在途请求\"}");
    *status = r.status;
    http_reply_free(&r);
    return NULL;
}

START_TEST(sigterm_lets_the_request_in_flight_finish_and_exits_cleanly)
{
    /* hold a lock so that the PUT below stays in flight for a while */
    char cmd[1024];
    snprintf(cmd, sizeof cmd,
             "psql '%s' -qc 'BEGIN; LOCK TABLE categories; SELECT "
             "pg_sleep(1.5); COMMIT;' "
             ">/dev/null 2>&1 &",
             harness_database_url());
    ck_assert_int_eq(system(cmd), 0);
    struct timespec ts = {0, 400000000L};
    nanosleep(&ts, NULL);
    long status = 0;
    pthread_t t;
    pthread_create(&t, NULL, put_category, &status);
    nanosleep(&ts, NULL);
    int exit_status = harness_stop_service();
    pthread_join(t, NULL);
    ck_assert_msg(status == 201 || status == 200, "in-flight request got %ld",
                  status);
    /* 0 also means the sanitizers found no leak when MEDINS_BIN is the ASan
     * build */
    ck_assert_int_eq(exit_status, 0);
    http_reply r = http("GET", "/healthz", NULL, NULL, NULL);
    ck_assert_int_eq(r.status, 0); /* nobody listens any more */
    http_reply_free(&r);
    harness_restart_service();
}
END_TEST

START_TEST(sigterm_drains_both_lanes)
{
    /* both lanes' workers stuck on a lock, two more requests queued in each
     * lane: PUT categories (main), GET /readyz (read) */
    PGconn *lock = queued_row_locked("LOCK TABLE schema_migrations;");
    atomic_int done = 0;
    call puts[MAIN_WORKERS + 2], reads[READ_WORKERS + 2];
    int nputs = (int)(sizeof puts / sizeof puts[0]);
    int nreads = (int)(sizeof reads / sizeof reads[0]);
    calls_start(puts, nputs, true, &done);
    calls_start(reads, nreads, false, &done);
    wait_for_lock_waiters(MAIN_WORKERS + READ_WORKERS);
    struct timespec ts = {0, 500000000L};
    nanosleep(&ts, NULL); /* the queued ones have long been sent */

    kill(harness_service_pid(), SIGTERM);
    nanosleep(&ts, NULL);
    int answered = atomic_load(&done);
    locks_release(lock);
    int exit_status = harness_stop_service();
    calls_join(puts, nputs);
    calls_join(reads, nreads);
    ck_assert_int_eq(answered, 0); /* they were still waiting */
    calls_check(puts, nputs);
    calls_check(reads, nreads);
    ck_assert_int_eq(exit_status, 0);
}
END_TEST

Suite *faults_suite(void)
{
    Suite *s = suite_create("faults");
    TCase *t = tcase_create("faults");
    tcase_set_timeout(t, 120);
    tcase_add_test(
        t, postgres_killed_gives_503_then_the_service_recovers_by_itself);
    tcase_add_test(t, migrations_applied_twice_change_nothing);
    tcase_add_test(t, reports_answer_while_every_main_worker_is_stuck);
    tcase_add_test(t,
                   sigterm_lets_the_request_in_flight_finish_and_exits_cleanly);
    tcase_add_test(t, sigterm_drains_both_lanes);
    suite_add_tcase(s, t);
    return s;
}
