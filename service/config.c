/*
 * config.c: environment variables to settings, validated once at start.
 */
#include "config.h"

#include "log.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char *env_str(const char *name, const char *dflt)
{
    const char *v = getenv(name);
    if (!v || !*v)
        v = dflt;
    return v ? strdup(v) : NULL;
}

/* Reads an unsigned integer in [lo, hi]; false with a message when bad. */
static bool env_uint(const char *name, unsigned long long dflt,
                     unsigned long long lo, unsigned long long hi,
                     unsigned long long *out)
{
    const char *v = getenv(name);
    if (!v || !*v) {
        *out = dflt;
        return true;
    }
    char *end = NULL;
    errno = 0;
    unsigned long long n = strtoull(v, &end, 10);
    if (errno || *end || v[0] == '-' || n < lo || n > hi) {
        fprintf(stderr,
                "config: %s must be an integer in [%llu, %llu], "
                "got \"%s\"\n",
                name, lo, hi, v);
        return false;
    }
    *out = n;
    return true;
}

static bool parse_level(const char *v, int *out)
{
    static const char *names[] = {"debug", "info", "warn", "error"};
    for (int i = 0; i < 4; i++)
        if (strcmp(v, names[i]) == 0) {
            *out = i;
            return true;
        }
    fprintf(stderr, "config: LOG_LEVEL must be debug, info, warn or error\n");
    return false;
}

static bool load_numbers(config *cfg)
{
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    unsigned long long v;
    if (cores < 1)
        cores = 1;
#define NUM(var, name, dflt, lo, hi)                                           \
    do {                                                                       \
        if (!env_uint(name, dflt, lo, hi, &v))                                 \
            return false;                                                      \
        cfg->var = v;                                                          \
    } while (0)
    NUM(port, "PORT", 8080, 1, 65535);
    NUM(http_threads, "HTTP_THREADS", (unsigned long long)cores, 1, 256);
    NUM(workers, "WORKERS", 16, 1, 1024);
    /* reports and health checks: their own workers and connections */
    NUM(read_workers, "READ_WORKERS", 4, 0, 256);
    NUM(db_pool_size, "DB_POOL_SIZE", cfg->workers + cfg->read_workers,
        cfg->read_workers + 1, 1024 + 256);
    /* half the workers at most read slow uploads: the rest serve others */
    NUM(max_uploads, "MAX_UPLOADS", cfg->workers > 1 ? cfg->workers / 2 : 1, 1,
        cfg->workers);
    NUM(db_acquire_ms, "DB_ACQUIRE_TIMEOUT_MS", 5000, 1, 600000);
    NUM(max_body_bytes, "MAX_BODY_BYTES", 1 << 20, 1024, 1ULL << 30);
    NUM(max_import_bytes, "MAX_IMPORT_BYTES", 256ULL << 20, 1024, 1ULL << 34);
    NUM(conn_timeout_s, "HTTP_CONN_TIMEOUT_S", 30, 1, 3600);
    NUM(max_connections, "HTTP_MAX_CONNECTIONS", 4000, 16, 100000);
    NUM(shutdown_grace_s, "SHUTDOWN_GRACE_S", 20, 0, 3600);
    NUM(token_cache_ttl_s, "TOKEN_CACHE_TTL_S", 30, 0, 3600);
    NUM(progress_warn_pct, "PROGRESS_WARN_PCT", 80, 0, 100);
    NUM(progress_alert_pct, "PROGRESS_ALERT_PCT", 70, 0, 100);
#undef NUM
    return true;
}

bool config_load(config *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    if (!load_numbers(cfg))
        return false;
    const char *demo = getenv("DEMO");
    cfg->demo = !demo || !*demo || strcmp(demo, "1") == 0;
    if (demo && *demo && strcmp(demo, "0") && strcmp(demo, "1")) {
        fprintf(stderr, "config: DEMO must be 0 or 1\n");
        return false;
    }
    const char *level = getenv("LOG_LEVEL");
    cfg->log_level = LOG_INFO;
    if (level && *level && !parse_level(level, &cfg->log_level))
        return false;
    const char *tok = getenv("ADMIN_TOKEN");
    cfg->admin_token_default = !tok || !*tok;
    cfg->admin_token = env_str("ADMIN_TOKEN", DEFAULT_ADMIN_TOKEN);
    if (strlen(cfg->admin_token) < 16) {
        fprintf(stderr, "config: ADMIN_TOKEN must be at least 16 characters\n");
        return false;
    }
    cfg->database_url = env_str("DATABASE_URL", NULL);
    if (!cfg->database_url) {
        fprintf(stderr, "config: DATABASE_URL is required "
                        "(make run sets it to the private cluster)\n");
        return false;
    }
    cfg->migrations_dir = env_str("MIGRATIONS_DIR", "migrations");
    cfg->demo_dir = env_str("DEMO_DIR", "deploy/demo");
    cfg->var_dir = env_str("VAR_DIR", "var");
    return true;
}

void config_free(config *cfg)
{
    free(cfg->database_url);
    free(cfg->admin_token);
    free(cfg->migrations_dir);
    free(cfg->demo_dir);
    free(cfg->var_dir);
    memset(cfg, 0, sizeof *cfg);
}
