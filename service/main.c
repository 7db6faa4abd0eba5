/*
 * main.c: start, signals, shutdown.
 *
 *   medins            migrate, load the demo county when asked, and serve
 *   medins migrate    apply migrations (and the demo) and exit
 */
#define _POSIX_C_SOURCE 200809L
#include "app.h"
#include "crypto/token.h"
#include "db/migrate.h"
#include "http/metrics.h"
#include "http/router.h"
#include "http/server.h"
#include "http/token_cache.h"
#include "log.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>

/* Blocks the stop signals in every thread; main waits for them. */
static void block_signals(sigset_t *set)
{
    sigemptyset(set);
    sigaddset(set, SIGINT);
    sigaddset(set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, set, NULL);
    signal(SIGPIPE, SIG_IGN);
}

/* Each connection is a descriptor: with the usual soft limit of 1,024 the
 * default HTTP_MAX_CONNECTIONS (4,000) would end in accept() failing with
 * EMFILE long before. Raises the soft limit to cover the connections, the
 * database pool and a margin, as far as the hard limit allows. */
static void raise_fd_limit(const config *c)
{
    struct rlimit rl;
    rlim_t want = (rlim_t)c->max_connections + c->db_pool_size + 64;
    if (getrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur >= want)
        return;
    rlim_t was = rl.rlim_cur;
    rl.rlim_cur =
        rl.rlim_max != RLIM_INFINITY && rl.rlim_max < want ? rl.rlim_max : want;
    if (setrlimit(RLIMIT_NOFILE, &rl) != 0)
        rl.rlim_cur = was;
    log_msg(rl.rlim_cur < want ? LOG_WARN : LOG_INFO,
            "open files limit raised from %llu to %llu (%llu wanted for "
            "HTTP_MAX_CONNECTIONS)",
            (unsigned long long)was, (unsigned long long)rl.rlim_cur,
            (unsigned long long)want);
}

static int serve(app *a, sigset_t *stop)
{
    raise_fd_limit(&a->cfg);
    a->pool = db_pool_new(a->cfg.database_url, a->cfg.db_pool_size,
                          a->cfg.read_workers, db_all_statements);
    if (!a->pool || !metrics_init(api_route_count()))
        return 1;
    token_cache_init(a->cfg.token_cache_ttl_s);
    server *s = server_start(a);
    if (!s)
        return 1;
    log_msg(LOG_INFO,
            "serving on port %u with %u HTTP threads, %u workers and %u "
            "read workers",
            a->cfg.port, a->cfg.http_threads, a->cfg.workers,
            a->cfg.read_workers);
    printf("medins: listening on http://localhost:%u/ (admin token: %s)\n",
           a->cfg.port,
           a->cfg.admin_token_default ? a->cfg.admin_token
                                      : "from ADMIN_TOKEN");
    fflush(stdout);
    int sig = 0;
    sigwait(stop, &sig);
    log_msg(LOG_INFO, "signal %d: finishing in-flight requests", sig);
    server_stop(s);
    log_msg(LOG_INFO, "stopped");
    return 0;
}

int main(int argc, char **argv)
{
    app a;
    memset(&a, 0, sizeof a);
    sigset_t stop;
    block_signals(&stop);
    if (!config_load(&a.cfg))
        return 2;
    log_set_level(a.cfg.log_level);
    token_sha256_hex(a.cfg.admin_token, strlen(a.cfg.admin_token),
                     a.admin_sha256);
    a.schema_expected = migrations_latest(a.cfg.migrations_dir);
    int rc = 1;
    if (a.schema_expected < 0 ||
        !db_migrate(a.cfg.database_url, a.cfg.migrations_dir,
                    a.cfg.demo ? a.cfg.demo_dir : NULL, 30))
        goto out;
    if (argc > 1 && strcmp(argv[1], "migrate") == 0)
        rc = 0;
    else {
        platforms_load(&a.platforms, a.cfg.var_dir);
        rc = serve(&a, &stop);
    }
out:
    platforms_free(&a.platforms);
    db_pool_free(a.pool);
    metrics_free();
    config_free(&a.cfg);
    return rc;
}
