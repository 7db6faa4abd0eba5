/*
 * metrics.c: per-route request counts and latency histograms, pool gauges
 * and database error counters, rendered as Prometheus text.
 */
#include "http/metrics.h"

#include "common/buf.h"
#include "http/router.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

enum { MAX_STATUSES = 16, NBUCKETS = 12 };

static const double bucket_le[NBUCKETS] = {
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5};

typedef struct {
    unsigned status;
    unsigned long count;
    unsigned long buckets[NBUCKETS];
    double sum;
} series;

typedef struct {
    series s[MAX_STATUSES];
    int n;
} route_series;

static route_series *table; /* nroutes + 1 (the last: unmatched) */
static int table_len;
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;

bool metrics_init(int nroutes)
{
    table = calloc((size_t)nroutes + 1, sizeof *table);
    table_len = nroutes + 1;
    return table != NULL;
}

void metrics_free(void)
{
    free(table);
    table = NULL;
}

void metrics_observe(int route_index, unsigned status, double seconds)
{
    if (!table)
        return;
    route_series *rs = &table[route_index < 0 ? table_len - 1 : route_index];
    pthread_mutex_lock(&mu);
    series *s = NULL;
    for (int i = 0; i < rs->n && !s; i++)
        if (rs->s[i].status == status)
            s = &rs->s[i];
    if (!s && rs->n < MAX_STATUSES) {
        s = &rs->s[rs->n++];
        s->status = status;
    }
    if (s) {
        s->count++;
        s->sum += seconds;
        for (int b = 0; b < NBUCKETS; b++)
            if (seconds <= bucket_le[b])
                s->buckets[b]++;
    }
    pthread_mutex_unlock(&mu);
}

static void render_series(buf *b, const char *method, const char *route,
                          const series *s)
{
    buf_printf(b,
               "http_requests_total{method=\"%s\",route=\"%s\",status=\"%u\"}"
               " %lu\n",
               method, route, s->status, s->count);
    for (int i = 0; i < NBUCKETS; i++)
        buf_printf(b,
                   "http_request_duration_seconds_bucket{method=\"%s\","
                   "route=\"%s\",status=\"%u\",le=\"%g\"} %lu\n",
                   method, route, s->status, bucket_le[i], s->buckets[i]);
    buf_printf(
        b,
        "http_request_duration_seconds_bucket{method=\"%s\",route=\"%s\","
        "status=\"%u\",le=\"+Inf\"} %lu\n"
        "http_request_duration_seconds_sum{method=\"%s\",route=\"%s\","
        "status=\"%u\"} %.6f\n"
        "http_request_duration_seconds_count{method=\"%s\",route=\"%s\","
        "status=\"%u\"} %lu\n",
        method, route, s->status, s->count, method, route, s->status, s->sum,
        method, route, s->status, s->count);
}

static void render_requests(buf *b)
{
    buf_append_str(b, "# HELP http_requests_total Requests answered.\n"
                      "# TYPE http_requests_total counter\n"
                      "# HELP http_request_duration_seconds Time to answer.\n"
                      "# TYPE http_request_duration_seconds histogram\n");
    pthread_mutex_lock(&mu);
    for (int r = 0; r < table_len; r++) {
        bool unmatched = r == table_len - 1;
        const char *method = unmatched ? "" : api_routes[r].method;
        const char *route = unmatched ? "unmatched" : api_routes[r].pattern;
        for (int i = 0; i < table[r].n; i++)
            render_series(b, method, route, &table[r].s[i]);
    }
    pthread_mutex_unlock(&mu);
}

static void render_db(buf *b, db_pool *pool)
{
    static const char *lane_names[DB_LANES] = {"main", "read"};
    db_pool_gauges lanes[DB_LANES], all = {0};
    db_pool_stats(pool, lanes);
    for (int l = 0; l < DB_LANES; l++) {
        all.in_use += lanes[l].in_use;
        all.idle += lanes[l].idle;
        all.size += lanes[l].size;
    }
    buf_printf(b,
               "# HELP db_pool_connections Database connections by state.\n"
               "# TYPE db_pool_connections gauge\n"
               "db_pool_connections{state=\"in_use\"} %u\n"
               "db_pool_connections{state=\"idle\"} %u\n"
               "db_pool_connections{state=\"max\"} %u\n"
               "# HELP db_pool_lane_connections The same, by lane (read: "
               "reports and health checks).\n"
               "# TYPE db_pool_lane_connections gauge\n",
               all.in_use, all.idle, all.size);
    for (int l = 0; l < DB_LANES; l++)
        buf_printf(b,
                   "db_pool_lane_connections{lane=\"%s\",state=\"in_use\"} "
                   "%u\n"
                   "db_pool_lane_connections{lane=\"%s\",state=\"idle\"} "
                   "%u\n"
                   "db_pool_lane_connections{lane=\"%s\",state=\"max\"} "
                   "%u\n",
                   lane_names[l], lanes[l].in_use, lane_names[l], lanes[l].idle,
                   lane_names[l], lanes[l].size);
    buf_append_str(b, "# HELP db_errors_total Failed statements by kind.\n"
                      "# TYPE db_errors_total counter\n");
    for (db_status st = DB_RETRY; st <= DB_ERROR; st++)
        buf_printf(b, "db_errors_total{kind=\"%s\"} %lu\n", db_status_name(st),
                   db_error_count(st));
}

char *metrics_render(db_pool *pool)
{
    buf b = {0};
    render_requests(&b);
    render_db(&b, pool);
    return buf_steal(&b);
}
