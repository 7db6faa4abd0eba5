/*
 * main.c: `make faults`. Payments are sent without pause while
 *   (a) PostgreSQL is killed with SIGKILL and started again 2 s later,
 *   (b) the service gets SIGTERM, must finish what is in flight and exit 0,
 *       and is started again,
 *   (c) one WeChat Pay and one Alipay notification are delivered 16 times
 *       at once (and 16 WeChat copies while the database is down, then
 *       again after it is back);
 * then every answer is held against the database (checks.c). Prints the
 * counts; exits 1 on any violation, 2 when the test itself cannot run.
 */
#define _POSIX_C_SOURCE 200809L
#include "faults/faults.h"
#include "integration/harness.h"

#include <curl/curl.h>
#include <libpq-fe.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>

int faults_year;
char faults_paid_at[32];
static int violations;

/* Next year, collected through this year (Beijing time); payments made an
 * hour ago. */
static void choose_year(void)
{
    time_t t = time(NULL) + 7 * 3600; /* UTC+8, an hour ago */
    struct tm tm;
    gmtime_r(&t, &tm);
    faults_year = tm.tm_year + 1901;
    strftime(faults_paid_at, sizeof faults_paid_at, "%Y-%m-%dT%H:%M:%S+08:00",
             &tm);
}

static void fail(const char *fmt, const char *a, double b)
{
    violations++;
    fprintf(stderr, "VIOLATION: ");
    fprintf(stderr, fmt, a, b);
    fputc('\n', stderr);
}

static void die(const char *what, const http_reply *r)
{
    fprintf(stderr, "faults: %s: %ld %.300s\n", what, r ? r->status : 0,
            r && r->body ? r->body : "");
    harness_stop();
    exit(2);
}

static void sleep_s(double s)
{
    struct timespec ts = {(time_t)s, (long)((s - (double)(time_t)s) * 1e9)};
    nanosleep(&ts, NULL);
}

static void setup_or_die(http_reply r, const char *what)
{
    if (r.status != 200 && r.status != 201)
        die(what, &r);
    http_reply_free(&r);
}

/* Regions, the year and a roster of HOUSEHOLDS households of two. */
static void build_county(void)
{
    setup_or_die(http("POST", "/v1/regions/import", ADMIN, "text/csv",
                      "code,name,level,parent_code\n" CTY ",长沙县,county,\n"
                      "430121101000,星沙街道,township," CTY "\n"
                      "430121102000,黄花镇,township," CTY "\n"
                      "430121101001,松雅社区,village,430121101000\n"
                      "430121101002,凉塘社区,village,430121101000\n"
                      "430121102001,黄花村,village,430121102000\n"
                      "430121102002,牛角冲村,village,430121102000\n"),
                 "regions");
    char path[32], year[256];
    snprintf(path, sizeof path, "/v1/years/%d", faults_year);
    snprintf(year, sizeof year,
             "{\"collection_start\":\"%d-01-01\",\"collection_end\":"
             "\"%d-12-31\",\"tiers\":[{\"tier\":1,\"contribution\":%d,"
             "\"fiscal_subsidy\":61000}]}",
             faults_year - 1, faults_year - 1, DUE_PER_PERSON);
    setup_or_die(http_json("PUT", path, ADMIN, year), "year");
    static const char *villages[] = {"430121101001", "430121101002",
                                     "430121102001", "430121102002"};
    size_t cap = (size_t)HOUSEHOLDS * 2 * 96 + 128, len = 0;
    char *csv = malloc(cap);
    len += (size_t)snprintf(csv, cap,
                            "household_no,region_code,attribute,relation,name,"
                            "id_number,phone,categories\n");
    for (int h = 0; h < HOUSEHOLDS; h++)
        for (int p = 0; p < 2; p++) {
            char id[19];
            faults_person_id(h, p, id);
            len += (size_t)snprintf(
                csv + len, cap - len, "FH-%05d,%s,一般户,%s,缴费人%d,%s,,\n", h,
                villages[h % 4], p ? "配偶" : "户主", 2 * h + p, id);
        }
    http_reply r =
        http("POST", "/v1/households/import", ADMIN, "text/csv", csv);
    free(csv);
    if (r.status != 200 || json_integer_value(json_object_get(
                               r.json, "residents")) != 2 * HOUSEHOLDS)
        die("roster import", &r);
    http_reply_free(&r);
}

/* An order for spare household n; *amount gets its amount. */
static void order(int n, const char *channel, char out[40], long *amount)
{
    char body[160];
    snprintf(body, sizeof body,
             "{\"household_no\":\"FH-%05d\",\"year\":%d,\"tier\":1,"
             "\"channel\":\"%s\"}",
             LOAD_HOUSEHOLDS + n, faults_year, channel);
    http_reply r = http_json("POST", "/v1/payment-orders", ADMIN, body);
    const char *no = json_string_value(json_object_get(r.json, "out_trade_no"));
    if (r.status != 201 || !no)
        die("payment order", &r);
    snprintf(out, 40, "%s", no);
    *amount = (long)json_integer_value(json_object_get(r.json, "amount"));
    http_reply_free(&r);
}

static void expect_received(const char *what, deliveries d, int copies)
{
    printf("faults: %s: %d copies at once: received %d, retry later %d, "
           "refused %d\n",
           what, copies, d.received, d.retryable, d.refused);
    if (d.refused)
        fail("%s: %.0f copies refused", what, d.refused);
    if (d.received + d.retryable != copies)
        fail("%s: %.0f copies got no usable answer", what,
             copies - d.received - d.retryable);
}

static long readyz(void)
{
    http_reply r = http("GET", "/readyz", NULL, NULL, NULL);
    long st = r.status;
    http_reply_free(&r);
    return st;
}

/* Waits up to 30 s for /readyz 200; the seconds it took, or -1. */
static double wait_ready(void)
{
    double t0 = faults_now();
    while (faults_now() - t0 < 30.0) {
        if (readyz() == 200)
            return faults_now() - t0;
        sleep_s(0.1);
    }
    return -1;
}

/* (c) the same notification 16 times at once, WeChat and Alipay. */
static void fault_duplicate_notifications(void)
{
    char no[40];
    long amount;
    order(0, "wechat", no, &amount);
    expect_received("WeChat notification",
                    faults_wechat(no, amount, "4200000000FAULTS01", 16), 16);
    order(1, "alipay", no, &amount);
    expect_received("Alipay notification",
                    faults_alipay(no, amount, "2025100122000FAULTS02", 16), 16);
}

/* (a) PostgreSQL killed, a notification tried while it is away, restarted
 * after 2 s; the service must come back by itself. */
static void fault_postgres_killed(void)
{
    char no[40];
    long amount;
    order(2, "wechat", no, &amount);
    double t0 = faults_now();
    printf("faults: %.1f s: SIGKILL to PostgreSQL\n", t0);
    harness_kill_postgres();
    deliveries d = faults_wechat(no, amount, "4200000000FAULTS03", 16);
    printf("faults: WeChat notification while the database is down: retry "
           "later %d, received %d, refused %d\n",
           d.retryable, d.received, d.refused);
    if (d.retryable != 16)
        fail("%s: %.0f copies were not told to retry", "database down",
             16 - d.retryable);
    sleep_s(2.0 - (faults_now() - t0) > 0 ? 2.0 - (faults_now() - t0) : 0);
    harness_start_postgres();
    double up = faults_now();
    double took = wait_ready();
    printf("faults: %.1f s: PostgreSQL up again; the service ready %.1f s "
           "later\n",
           up, took);
    if (took < 0)
        fail("%s: not ready %.0f s after PostgreSQL came back", "recovery", 30);
    expect_received("WeChat notification delivered again",
                    faults_wechat(no, amount, "4200000000FAULTS03", 16), 16);
}

static void *commit_later(void *arg)
{
    sleep_s(1.0);
    PQclear(PQexec(arg, "COMMIT"));
    return NULL;
}

/* (b) SIGTERM: requests in flight finish, exit status 0, started again.
 * A lock on payments, taken 0.5 s before and released 1 s after the
 * signal, keeps the payments of that moment in flight. */
static void fault_service_terminated(double *t_term, double *t_exit)
{
    PGconn *pg = PQconnectdb(harness_database_url());
    PGresult *r = PQexec(pg, "BEGIN; LOCK TABLE payments IN SHARE MODE");
    if (PQresultStatus(r) != PGRES_COMMAND_OK)
        die("cannot lock the payments", NULL);
    PQclear(r);
    sleep_s(0.5);
    pthread_t committer;
    pthread_create(&committer, NULL, commit_later, pg);
    *t_term = faults_now();
    int status = harness_stop_service();
    *t_exit = faults_now();
    printf("faults: %.1f s: SIGTERM to the service; exited %d after %.1f s\n",
           *t_term, status, *t_exit - *t_term);
    if (status != 0)
        fail("%s: exit status %.0f", "SIGTERM", status);
    if (*t_exit - *t_term < 0.9)
        fail("%s: exited after %.1f s, before the requests held by the lock "
             "were answered",
             "SIGTERM", *t_exit - *t_term);
    pthread_join(committer, NULL);
    PQfinish(pg);
    harness_restart_service();
    printf("faults: %.1f s: the service is ready again\n", faults_now());
}

/* Attempts under way when SIGTERM came: each must have had its answer. */
static void check_inflight(double t_term, double t_exit)
{
    long answered = 0, dropped = 0, refused = 0;
    client *c = faults_clients();
    for (int k = 0; k < CLIENTS; k++)
        for (int i = 0; i < c[k].n; i++)
            for (int j = 0; j < c[k].reqs[i].nattempts; j++) {
                const attempt *a = &c[k].reqs[i].a[j];
                if (a->t0 > t_exit || a->t1 < t_term)
                    continue;
                if (a->status)
                    answered++;
                else if (a->curl_code == CURLE_COULDNT_CONNECT)
                    refused++;
                else if (a->t0 < t_term)
                    dropped++;
            }
    printf("faults: during the stop: %ld requests answered, %ld connections "
           "refused, %ld cut off\n",
           answered, refused, dropped);
    if (dropped)
        fail("%s: %.0f requests under way lost their answer", "SIGTERM",
             (double)dropped);
}

int main(void)
{
    double t_start = faults_now(), t_term, t_exit;
    setvbuf(stdout, NULL, _IOLBF, 0); /* nothing left to copy into a fork */
    choose_year();
    harness_start();
    printf("faults: cluster and service up in %.1f s\n", faults_now());
    faults_set_base_url(harness_base_url());
    build_county();
    printf("faults: county built at %.1f s\n", faults_now());
    char *token = make_token("county", CTY, NULL);
    printf("faults: county of %d people ready in %.1f s; %d clients paying\n",
           2 * HOUSEHOLDS, faults_now() - t_start, CLIENTS);
    faults_load_start(token);
    sleep_s(2);
    fault_duplicate_notifications();
    sleep_s(1);
    fault_postgres_killed();
    sleep_s(2);
    fault_service_terminated(&t_term, &t_exit);
    pid_t service = harness_service_pid();
    sleep_s(2);
    faults_load_stop();
    printf("faults: %.1f s: load stopped\n", faults_now());
    check_inflight(t_term, t_exit);
    if (readyz() != 200 || waitpid(service, NULL, WNOHANG) != 0)
        fail("%s: the service is not ready at the end (%.0f)", "end", 0);
    static const char *const callbacks[] = {"4200000000FAULTS01",
                                            "2025100122000FAULTS02",
                                            "4200000000FAULTS03", NULL};
    violations += faults_check(harness_database_url(), callbacks);
    int status = harness_stop_service(); /* ASan: leaks make it non-zero */
    if (status != 0)
        fail("%s: the final stop exited %.0f", "end", status);
    if (violations) {
        setenv("KEEP_TEST_DIR", "1", 1);
        printf("faults: the cluster and service.log are kept in %s\n",
               harness_dir());
    }
    harness_stop();
    free(token);
    printf("faults: %s: %d violations, %.1f s in all\n",
           violations ? "FAILED" : "passed", violations,
           faults_now() - t_start);
    return violations ? 1 : 0;
}
