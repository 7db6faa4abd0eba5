/*
 * config.h: the service's settings, read once from the environment.
 */
#ifndef CONFIG_H
#define CONFIG_H

#include <stdbool.h>
#include <stddef.h>

typedef struct {
    unsigned port;              /* PORT */
    char *database_url;         /* DATABASE_URL (required by the binary) */
    char *admin_token;          /* ADMIN_TOKEN */
    bool admin_token_default;   /* true when ADMIN_TOKEN was not set */
    bool demo;                  /* DEMO */
    char *migrations_dir;       /* MIGRATIONS_DIR */
    char *demo_dir;             /* DEMO_DIR */
    char *var_dir;              /* VAR_DIR: development keys under keys/ */
    unsigned http_threads;      /* HTTP_THREADS: MHD's pool, default cores */
    unsigned workers;           /* WORKERS: request workers, default 16 */
    unsigned read_workers;      /* READ_WORKERS: the read lane's, 0 = none */
    unsigned db_pool_size;      /* DB_POOL_SIZE: default workers + read_workers;
                                   read_workers of them serve the read lane */
    unsigned max_uploads;       /* MAX_UPLOADS: streamed bodies at once */
    unsigned db_acquire_ms;     /* DB_ACQUIRE_TIMEOUT_MS */
    size_t max_body_bytes;      /* MAX_BODY_BYTES for JSON bodies */
    size_t max_import_bytes;    /* MAX_IMPORT_BYTES for CSV uploads */
    unsigned conn_timeout_s;    /* HTTP_CONN_TIMEOUT_S: idle/slow clients */
    unsigned max_connections;   /* HTTP_MAX_CONNECTIONS */
    unsigned shutdown_grace_s;  /* SHUTDOWN_GRACE_S */
    unsigned token_cache_ttl_s; /* TOKEN_CACHE_TTL_S: 0 turns it off */
    unsigned progress_warn_pct; /* PROGRESS_WARN_PCT: flag rows under it */
    unsigned progress_alert_pct; /* PROGRESS_ALERT_PCT */
    int log_level;               /* LOG_LEVEL: debug|info|warn|error */
} config;

/* Reads the environment into cfg. On a bad value writes a message to
 * stderr and returns false. Strings are owned by cfg: config_free(). */
bool config_load(config *cfg);
void config_free(config *cfg);

#define DEFAULT_ADMIN_TOKEN "dev-admin-token-change-me"

#endif
