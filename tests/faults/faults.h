/*
 * faults.h: the fault test's shared pieces: the county it builds, the
 * record of every payment request and its attempts, the load clients, the
 * platform notifications and the final checks.
 */
#ifndef TESTS_FAULTS_H
#define TESTS_FAULTS_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

/* The county: households FH-00000 … of two people each. The first
 * LOAD_HOUSEHOLDS are paid by the load clients; the rest are reserved for
 * the platform notifications. */
#define CTY "430121000000"
#define DUE_PER_PERSON 35000
enum {
    LOAD_HOUSEHOLDS = 8000,
    SPARE_HOUSEHOLDS = 4,
    HOUSEHOLDS = LOAD_HOUSEHOLDS + SPARE_HOUSEHOLDS,
    CLIENTS = 8,
    MAX_ATTEMPTS = 48,
};

/* The insurance year paid for (next year, collected this year) and the
 * paid_at of the payments (an hour ago, Beijing time); set by main. */
extern int faults_year;
extern char faults_paid_at[32];

/* One HTTP attempt of a request. */
typedef struct {
    long status;        /* HTTP status, 0 when there was none */
    int curl_code;      /* CURLcode, 0 when an answer came */
    int64_t payment_id; /* from a 2xx, else 0 */
    char error[24];     /* the error code of a 4xx/5xx, or "" */
    double t0, t1;      /* seconds since the test started */
} attempt;

/* One payment request, sent until it gets an answer that is not 503 nor
 * a transport error, for up to RETRY_FOR_S seconds (PostgreSQL's crash
 * recovery takes 5 to 20 s on a busy machine), same body each time. */
#define RETRY_FOR_S 40.0
typedef struct {
    char external_id[40];
    char channel[8];
    int household; /* index of FH-nnnnn */
    int member;    /* -1: the whole household; 0 or 1: that person */
    bool replay;   /* a second send of a request that got a 2xx */
    int nattempts;
    attempt a[MAX_ATTEMPTS];
} pay_request;

typedef struct {
    int index;
    pay_request *reqs; /* owned */
    int n, cap;
} client;

/* The load: CLIENTS threads until faults_load_stop(); each client keeps
 * its own record (no locks). */
void faults_load_start(const char *token);
void faults_load_stop(void);
client *faults_clients(void);
double faults_now(void);

/* The service's base URL and an HTTP POST of the load's kind: status 0 and
 * *curl_code on a transport failure; *body gets the reply (caller frees). */
void faults_set_base_url(const char *url);
long faults_post(const char *path, const char *const *headers,
                 const char *ctype, const char *body, int *curl_code,
                 char **reply);

/* Person p (0 or 1) of household h: its ID number. */
void faults_person_id(int h, int p, char out[19]);

/* Platform notifications for an order, signed with the harness's keys:
 * `copies` threads deliver the same bytes at the same moment; returns how
 * many got the answer the platform counts as received, and puts into
 * *retryable how many got an answer it would retry (5xx, transport). */
typedef struct {
    int received, retryable, refused;
} deliveries;
deliveries faults_wechat(const char *out_trade_no, long amount,
                         const char *transaction_id, int copies);
deliveries faults_alipay(const char *out_trade_no, long amount,
                         const char *trade_no, int copies);

/* The final checks over the database; prints the counts, returns the
 * number of violations. callback_ids: the platform transaction ids that
 * must have exactly one payment each (NULL-terminated). */
int faults_check(const char *database_url, const char *const *callback_ids);

#endif
