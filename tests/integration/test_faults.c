/*
 * test_faults.c: PostgreSQL killed under the service, migrations applied
 * twice, and a graceful stop with a request in flight.
 */
#define _POSIX_C_SOURCE 200809L
#include "integration/harness.h"

#include <check.h>
#include <pthread.h>
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
    tcase_add_test(t,
                   sigterm_lets_the_request_in_flight_finish_and_exits_cleanly);
    suite_add_tcase(s, t);
    return s;
}
