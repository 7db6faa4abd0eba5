/*
 * harness.h: integration-test plumbing: a throwaway PostgreSQL cluster, the
 * real service binary started against it, and an HTTP client.
 */
#ifndef TESTS_HARNESS_H
#define TESTS_HARNESS_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#define ADMIN "integration-admin-token-0123456789"

typedef struct {
    long status;
    char *body;         /* owned, NUL-terminated */
    size_t body_len;    /* bytes in body (it may hold NULs) */
    json_t *json;       /* owned; NULL when the body is not JSON */
    char location[256]; /* Location header, or "" */
    char allow[128];    /* Allow header, or "" */
    char content_type[128];
} http_reply;

/* Creates the cluster and starts the service (MEDINS_BIN, default
 * build/medins) on a free port; aborts the run when it cannot. */
void harness_start(void);
/* Stops the service and the cluster; removes the directory. */
void harness_stop(void);
/* SIGTERMs the service and returns its exit status (-1 on time-out). */
int harness_stop_service(void);
/* Starts the service again against the same cluster. */
void harness_restart_service(void);

/* The cluster: kill -9 the postmaster and children, or start it again. */
void harness_kill_postgres(void);
void harness_start_postgres(void);
/* Runs SQL against the service's database with psql; returns its stdout
 * (caller frees) or NULL. */
char *harness_sql(const char *sql);
/* The first number a query prints (a count); fails the test on error. */
long harness_count(const char *sql);
const char *harness_database_url(void);
const char *harness_dir(void);
/* "http://127.0.0.1:PORT" of the service, its port, and its process id
 * (0 when stopped). */
const char *harness_base_url(void);
unsigned harness_port(void);
pid_t harness_service_pid(void);

/* A growing, NUL-terminated response body for libcurl's
 * CURLOPT_WRITEFUNCTION (harness_sink_write, with the sink as its data);
 * the caller frees data. */
typedef struct {
    char *data;
    size_t len;
} harness_sink;
size_t harness_sink_write(char *ptr, size_t size, size_t n, void *cls);

/* One request. token may be NULL; ctype and body may be NULL. */
http_reply http(const char *method, const char *path, const char *token,
                const char *ctype, const char *body);
/* The same request with a chunked body (no Content-Length), as a client
 * streaming a file would send it. */
http_reply http_chunked(const char *method, const char *path, const char *token,
                        const char *ctype, const char *body);
/* The same with extra headers: a NULL-terminated list of "Name: value". */
http_reply http_headers(const char *method, const char *path,
                        const char *const *headers, const char *ctype,
                        const char *body);
/* JSON shortcuts. */
http_reply http_json(const char *method, const char *path, const char *token,
                     const char *json_body);
void http_reply_free(http_reply *r);

/* A valid 18-character resident ID from its first 17 digits. */
void make_id(const char *first17, char out[19]);
/* Creates a token of role for region (NULL for none) and returns its secret
 * (caller frees); *id gets its id when id is not NULL. */
char *make_token(const char *role, const char *region, long *id);

/* Fails the test unless the reply has this status (showing the body). */
void expect(const http_reply *r, long status);
/* A member of a JSON object: 0 / "" when absent or of another type. */
long jint(json_t *o, const char *key);
const char *jstr(json_t *o, const char *key);

/* The error code of an error reply, or "". */
const char *error_code(const http_reply *r);
const char *error_field(const http_reply *r);

#endif
