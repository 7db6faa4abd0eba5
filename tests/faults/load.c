/*
 * load.c: the payment clients. Each of CLIENTS threads pays its own
 * households one after the other (a household at once, or its two people
 * one by one), now and then pays a neighbour's household under another
 * key (two collectors for one family: only one may win), and now and then
 * sends one of its accepted requests again (must replay the same payment).
 * Like a real integrator it sends a request again, with the same
 * external_id and body, after a 503 or a transport error, backing off.
 */
#define _POSIX_C_SOURCE 200809L
#include "faults/faults.h"
#include "integration/harness.h"

#include <curl/curl.h>
#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static char base_url[64];
static atomic_bool stopping;
static client clients[CLIENTS];
static pthread_t threads[CLIENTS];
static const char *load_token;
static struct timespec epoch;

double faults_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    if (!epoch.tv_sec)
        epoch = ts;
    return (double)(ts.tv_sec - epoch.tv_sec) +
           (double)(ts.tv_nsec - epoch.tv_nsec) / 1e9;
}

void faults_set_base_url(const char *url)
{
    snprintf(base_url, sizeof base_url, "%s", url);
}

void faults_person_id(int h, int p, char out[19])
{
    static const int w[17] = {7, 9, 10, 5,  8, 4, 2, 1, 6,
                              3, 7, 9,  10, 5, 8, 4, 2};
    static const char map[] = "10X98765432";
    int i = (2 * h + p) % 16800; /* unique below 16,800 */
    char first17[24];
    snprintf(first17, sizeof first17, "430121%04d%02d%02d%03d", 1950 + i % 50,
             1 + i / 50 % 12, 1 + i / 600 % 28, i / 16800);
    int sum = 0;
    for (int k = 0; k < 17; k++)
        sum += (first17[k] - '0') * w[k];
    memcpy(out, first17, 17);
    out[17] = map[sum % 11];
    out[18] = '\0';
}

long faults_post(const char *path, const char *const *headers,
                 const char *ctype, const char *body, int *curl_code,
                 char **reply)
{
    char url[256], ct[128];
    snprintf(url, sizeof url, "%s%s", base_url, path);
    snprintf(ct, sizeof ct, "Content-Type: %s", ctype);
    struct curl_slist *h = curl_slist_append(NULL, ct);
    h = curl_slist_append(h, "Expect:");
    for (size_t i = 0; headers && headers[i]; i++)
        h = curl_slist_append(h, headers[i]);
    harness_sink s = {0};
    long status = 0;
    CURL *c = curl_easy_init();
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 20L); /* a hang is a finding */
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, harness_sink_write);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &s);
    CURLcode rc = curl_easy_perform(c);
    if (rc == CURLE_OK)
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    *curl_code = (int)rc;
    curl_easy_cleanup(c);
    curl_slist_free_all(h);
    *reply = s.data ? s.data : calloc(1, 1);
    return status;
}

static void msleep(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

static void body_of(const pay_request *r, char *out, size_t n)
{
    char who[80];
    if (r->member < 0)
        snprintf(who, sizeof who, "\"household_no\":\"FH-%05d\"", r->household);
    else {
        char id[19];
        faults_person_id(r->household, r->member, id);
        snprintf(who, sizeof who, "\"id_numbers\":[\"%s\"]", id);
    }
    snprintf(out, n,
             "{%s,\"year\":%d,\"tier\":1,\"channel\":\"%s\",\"amount\":%d,"
             "\"external_id\":\"%s\",\"paid_at\":\"%s\"}",
             who, faults_year, r->channel,
             DUE_PER_PERSON * (r->member < 0 ? 2 : 1), r->external_id,
             faults_paid_at);
}

static void note_reply(attempt *a, const char *reply)
{
    json_t *j = json_loads(reply, 0, NULL);
    if (a->status >= 200 && a->status < 300)
        a->payment_id =
            (int64_t)json_integer_value(json_object_get(j, "payment_id"));
    else {
        const char *code = json_string_value(
            json_object_get(json_object_get(j, "error"), "code"));
        snprintf(a->error, sizeof a->error, "%s", code ? code : "");
    }
    json_decref(j);
}

/* Sends r until a definite answer (2xx, 4xx) or the retries run out. */
static void send_request(pay_request *r)
{
    char body[400], auth[200];
    body_of(r, body, sizeof body);
    snprintf(auth, sizeof auth, "Authorization: Bearer %s", load_token);
    const char *headers[] = {auth, NULL};
    long backoff = 100;
    double since = faults_now();
    for (r->nattempts = 0;
         r->nattempts < MAX_ATTEMPTS && faults_now() - since < RETRY_FOR_S;) {
        attempt *a = &r->a[r->nattempts++];
        char *reply;
        a->t0 = faults_now();
        a->status = faults_post("/v1/payments", headers, "application/json",
                                body, &a->curl_code, &reply);
        a->t1 = faults_now();
        note_reply(a, reply);
        free(reply);
        if (a->status && a->status < 500)
            return;
        msleep(backoff);
        backoff = backoff * 2 > 1000 ? 1000 : backoff * 2;
    }
}

static pay_request *next_slot(client *c)
{
    if (c->n == c->cap) {
        c->cap = c->cap ? c->cap * 2 : 1024;
        c->reqs = realloc(c->reqs, (size_t)c->cap * sizeof *c->reqs);
        if (!c->reqs) {
            fprintf(stderr, "faults: out of memory\n");
            exit(2);
        }
    }
    pay_request *r = &c->reqs[c->n++];
    memset(r, 0, sizeof *r);
    return r;
}

static void pay(client *c, int household, int member, const char *channel,
                int seq)
{
    pay_request *r = next_slot(c);
    snprintf(r->external_id, sizeof r->external_id, "%c%d-%06d",
             channel[0] == 'b' ? 'B' : 'R', c->index, seq);
    snprintf(r->channel, sizeof r->channel, "%s", channel);
    r->household = household;
    r->member = member;
    send_request(r);
}

/* Sends an earlier request of this client that was accepted, again. */
static void replay(client *c, unsigned *seed)
{
    for (int tries = 0; tries < 8 && c->n; tries++) {
        const pay_request *old = &c->reqs[rand_r(seed) % (unsigned)c->n];
        const attempt *last = &old->a[old->nattempts - 1];
        if (old->replay || last->status < 200 || last->status >= 300)
            continue;
        pay_request copy = *old;
        pay_request *r = next_slot(c);
        memcpy(r, &copy, sizeof *r);
        r->replay = true;
        memset(r->a, 0, sizeof r->a);
        send_request(r);
        return;
    }
}

static void *client_main(void *arg)
{
    client *c = arg;
    unsigned seed = (unsigned)c->index * 7919u + 1;
    int seq = 0;
    for (int i = 0, h = c->index;
         h < LOAD_HOUSEHOLDS && !atomic_load(&stopping); i++, h += CLIENTS) {
        if (h % 4 == 3) {
            pay(c, h, 0, "bank", seq++);
            pay(c, h, 1, "bank", seq++);
        } else
            pay(c, h, -1, "bank", seq++);
        if (i % 7 == 3) /* the next client's next household, another key */
            pay(c, (h + 1) % LOAD_HOUSEHOLDS, -1, "pos", seq++);
        if (i % 11 == 5)
            replay(c, &seed);
        msleep(15);
    }
    return NULL;
}

void faults_load_start(const char *token)
{
    load_token = token;
    atomic_store(&stopping, false);
    for (int i = 0; i < CLIENTS; i++) {
        clients[i].index = i;
        if (pthread_create(&threads[i], NULL, client_main, &clients[i]) != 0) {
            fprintf(stderr, "faults: cannot start client %d\n", i);
            exit(2);
        }
    }
}

void faults_load_stop(void)
{
    atomic_store(&stopping, true);
    for (int i = 0; i < CLIENTS; i++)
        pthread_join(threads[i], NULL);
}

client *faults_clients(void)
{
    return clients;
}
