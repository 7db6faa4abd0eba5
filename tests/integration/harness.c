/*
 * harness.c: throwaway cluster + real service + libcurl client.
 */
#define _POSIX_C_SOURCE 200809L
#include "integration/harness.h"

#include <check.h>
#include <curl/curl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static char dir[256];
static char dburl[512];
static char base_url[64];
static unsigned port;
static pid_t service_pid;

const char *harness_database_url(void)
{
    return dburl;
}

const char *harness_dir(void)
{
    return dir;
}

const char *harness_base_url(void)
{
    return base_url;
}

pid_t harness_service_pid(void)
{
    return service_pid;
}

unsigned harness_port(void)
{
    return port;
}

static void die(const char *what)
{
    fprintf(stderr, "harness: %s\n", what);
    exit(2);
}

static unsigned free_port(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET,
                            .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof a;
    if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof a) != 0 ||
        getsockname(fd, (struct sockaddr *)&a, &len) != 0)
        die("no free port");
    close(fd);
    return ntohs(a.sin_port);
}

static int run_cmd(const char *fmt, const char *arg)
{
    char cmd[1024];
    snprintf(cmd, sizeof cmd, fmt, arg);
    return system(cmd);
}

static void msleep(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

void harness_start_postgres(void)
{
    if (run_cmd("scripts/pg.sh start %s", dir) != 0)
        die("cannot start PostgreSQL");
}

void harness_kill_postgres(void)
{
    run_cmd("scripts/pg.sh kill %s", dir);
}

static void spawn_service(void)
{
    const char *bin = getenv("MEDINS_BIN");
    char logpath[300], portstr[16];
    snprintf(logpath, sizeof logpath, "%s/service.log", dir);
    snprintf(portstr, sizeof portstr, "%u", port);
    service_pid = fork();
    if (service_pid == 0) {
        FILE *log = freopen(logpath, "a", stderr);
        (void)log;
        if (!freopen("/dev/null", "w", stdout))
            _exit(126);
        setenv("DATABASE_URL", dburl, 1);
        setenv("PORT", portstr, 1);
        setenv("ADMIN_TOKEN", ADMIN, 1);
        setenv("DEMO", "0", 1);
        setenv("VAR_DIR", dir, 1); /* development keys in VAR_DIR/keys */
        setenv("WORKERS", "8", 1);
        setenv("DB_ACQUIRE_TIMEOUT_MS", "2000", 1);
        setenv("MAX_BODY_BYTES", "65536", 1);
        setenv("MAX_IMPORT_BYTES", "8388608", 1);
        setenv("SHUTDOWN_GRACE_S", "10", 1);
        execl(bin ? bin : "build/medins", "medins", (char *)NULL);
        _exit(127);
    }
    for (int i = 0; i < 600; i++) {
        http_reply r = http("GET", "/readyz", NULL, NULL, NULL);
        long st = r.status;
        http_reply_free(&r);
        if (st == 200)
            return;
        msleep(100);
    }
    die("the service did not become ready (see service.log)");
}

void harness_start(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
    snprintf(dir, sizeof dir, "/tmp/medins-it.XXXXXX");
    if (!mkdtemp(dir))
        die("mkdtemp");
    chmod(dir, 0755);
    harness_start_postgres();
    char cmd[400];
    snprintf(cmd, sizeof cmd, "scripts/pg.sh url %s", dir);
    FILE *p = popen(cmd, "r");
    if (!p || !fgets(dburl, sizeof dburl, p))
        die("pg.sh url");
    pclose(p);
    dburl[strcspn(dburl, "\n")] = '\0';
    char keys[600];
    snprintf(keys, sizeof keys, "build/platform_sim keygen %s/keys >/dev/null",
             dir);
    if (system(keys) != 0)
        die("cannot generate the platforms' keys (build/platform_sim)");
    port = free_port();
    snprintf(base_url, sizeof base_url, "http://127.0.0.1:%u", port);
    spawn_service();
}

int harness_stop_service(void)
{
    if (service_pid <= 0)
        return 0;
    kill(service_pid, SIGTERM);
    for (int i = 0; i < 300; i++) {
        int status;
        if (waitpid(service_pid, &status, WNOHANG) == service_pid) {
            service_pid = 0;
            return WIFEXITED(status) ? WEXITSTATUS(status)
                                     : 128 + WTERMSIG(status);
        }
        msleep(100);
    }
    kill(service_pid, SIGKILL);
    waitpid(service_pid, NULL, 0);
    service_pid = 0;
    return -1;
}

void harness_restart_service(void)
{
    spawn_service();
}

void harness_stop(void)
{
    harness_stop_service();
    run_cmd("scripts/pg.sh stop %s", dir);
    if (!getenv("KEEP_TEST_DIR"))
        run_cmd("rm -rf %s", dir);
    curl_global_cleanup();
}

char *harness_sql(const char *sql)
{
    char path[300];
    snprintf(path, sizeof path, "%s/query.sql", dir);
    FILE *f = fopen(path, "w");
    if (!f)
        return NULL;
    fputs(sql, f);
    fclose(f);
    char cmd[2048];
    snprintf(cmd, sizeof cmd,
             "psql '%s' -qtAX -v ON_ERROR_STOP=1 -f %s 2>>%s/psql.log", dburl,
             path, dir);
    FILE *p = popen(cmd, "r");
    if (!p)
        return NULL;
    size_t cap = 4096, len = 0;
    char *out = malloc(cap);
    size_t n;
    while (out && (n = fread(out + len, 1, cap - len - 1, p)) > 0) {
        len += n;
        if (cap - len < 2) {
            char *bigger = realloc(out, cap *= 2);
            if (!bigger) {
                free(out);
                out = NULL;
            }
            out = bigger;
        }
    }
    int rc = pclose(p);
    if (out)
        out[len] = '\0';
    if (rc != 0) {
        free(out);
        return NULL;
    }
    return out;
}

size_t harness_sink_write(char *ptr, size_t size, size_t n, void *cls)
{
    harness_sink *s = cls;
    char *p = realloc(s->data, s->len + size * n + 1);
    if (!p)
        return 0;
    memcpy(p + s->len, ptr, size * n);
    s->data = p;
    s->len += size * n;
    s->data[s->len] = '\0';
    return size * n;
}

static void copy_header(char *dst, size_t dstsz, const char *line,
                        const char *name)
{
    size_t n = strlen(name);
    if (strncasecmp(line, name, n) != 0 || line[n] != ':')
        return;
    line += n + 1;
    while (*line == ' ')
        line++;
    snprintf(dst, dstsz, "%s", line);
    dst[strcspn(dst, "\r\n")] = '\0';
}

static size_t on_header(char *ptr, size_t size, size_t n, void *cls)
{
    http_reply *r = cls;
    char line[512];
    size_t len = size * n < sizeof line - 1 ? size * n : sizeof line - 1;
    memcpy(line, ptr, len);
    line[len] = '\0';
    copy_header(r->location, sizeof r->location, line, "Location");
    copy_header(r->allow, sizeof r->allow, line, "Allow");
    copy_header(r->content_type, sizeof r->content_type, line, "Content-Type");
    return size * n;
}

typedef struct {
    const char *data;
    size_t left;
} source;

static size_t on_read(char *dst, size_t size, size_t n, void *cls)
{
    source *src = cls;
    size_t take = size * n < src->left ? size * n : src->left;
    if (take > 7777)
        take = 7777; /* odd chunk sizes */
    memcpy(dst, src->data, take);
    src->data += take;
    src->left -= take;
    return take;
}

static http_reply perform(const char *method, const char *path,
                          const char *token, const char *ctype,
                          const char *body, bool chunked,
                          const char *const *extra);

http_reply http_headers(const char *method, const char *path,
                        const char *const *headers, const char *ctype,
                        const char *body)
{
    return perform(method, path, NULL, ctype, body, false, headers);
}

http_reply http(const char *method, const char *path, const char *token,
                const char *ctype, const char *body)
{
    return perform(method, path, token, ctype, body, false, NULL);
}

http_reply http_chunked(const char *method, const char *path, const char *token,
                        const char *ctype, const char *body)
{
    return perform(method, path, token, ctype, body, true, NULL);
}

static http_reply perform(const char *method, const char *path,
                          const char *token, const char *ctype,
                          const char *body, bool chunked,
                          const char *const *extra)
{
    http_reply r = {0};
    harness_sink s = {0};
    char url[1024], auth[600], ct[200];
    snprintf(url, sizeof url, "%s%s", base_url, path);
    CURL *c = curl_easy_init();
    struct curl_slist *h = NULL;
    if (token) {
        snprintf(auth, sizeof auth, "Authorization: Bearer %s", token);
        h = curl_slist_append(h, auth);
    }
    if (ctype) {
        snprintf(ct, sizeof ct, "Content-Type: %s", ctype);
        h = curl_slist_append(h, ct);
    }
    h = curl_slist_append(h, "Expect:");
    for (size_t i = 0; extra && extra[i]; i++)
        h = curl_slist_append(h, extra[i]);
    source src = {body, body ? strlen(body) : 0};
    if (chunked) {
        h = curl_slist_append(h, "Transfer-Encoding: chunked");
        curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
        curl_easy_setopt(c, CURLOPT_READFUNCTION, on_read);
        curl_easy_setopt(c, CURLOPT_READDATA, &src);
    }
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 30L);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, harness_sink_write);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &s);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, &r);
    if (body && !chunked) {
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
    }
    if (curl_easy_perform(c) == CURLE_OK)
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r.status);
    curl_slist_free_all(h);
    curl_easy_cleanup(c);
    r.body = s.data ? s.data : calloc(1, 1);
    r.body_len = s.len;
    r.json = json_loads(r.body, 0, NULL);
    return r;
}

http_reply http_json(const char *method, const char *path, const char *token,
                     const char *json_body)
{
    return http(method, path, token, json_body ? "application/json" : NULL,
                json_body);
}

void http_reply_free(http_reply *r)
{
    free(r->body);
    json_decref(r->json);
    memset(r, 0, sizeof *r);
}

const char *error_code(const http_reply *r)
{
    const char *s = json_string_value(
        json_object_get(json_object_get(r->json, "error"), "code"));
    return s ? s : "";
}

const char *error_field(const http_reply *r)
{
    const char *s = json_string_value(
        json_object_get(json_object_get(r->json, "error"), "field"));
    return s ? s : "";
}

void make_id(const char *first17, char out[19])
{
    static const int w[17] = {7, 9, 10, 5,  8, 4, 2, 1, 6,
                              3, 7, 9,  10, 5, 8, 4, 2};
    static const char map[] = "10X98765432";
    int sum = 0;
    for (int i = 0; i < 17; i++)
        sum += (first17[i] - '0') * w[i];
    memcpy(out, first17, 17);
    out[17] = map[sum % 11];
    out[18] = '\0';
}

char *make_token(const char *role, const char *region, long *id)
{
    char body[256];
    if (region)
        snprintf(
            body, sizeof body,
            "{\"name\":\"%s token\",\"role\":\"%s\",\"region_code\":\"%s\"}",
            role, role, region);
    else
        snprintf(body, sizeof body, "{\"name\":\"%s token\",\"role\":\"%s\"}",
                 role, role);
    http_reply r = http_json("POST", "/v1/tokens", ADMIN, body);
    const char *secret = json_string_value(json_object_get(r.json, "token"));
    char *out = secret ? strdup(secret) : NULL;
    if (id)
        *id = (long)json_integer_value(json_object_get(r.json, "id"));
    http_reply_free(&r);
    if (!out)
        die("cannot create a token");
    return out;
}

long harness_count(const char *sql)
{
    char *out = harness_sql(sql);
    ck_assert_msg(out != NULL, "query failed: %s", sql);
    long n = atol(out);
    free(out);
    return n;
}

void expect(const http_reply *r, long status)
{
    ck_assert_msg(r->status == status, "expected %ld, got %ld: %.300s", status,
                  r->status, r->body);
}

long jint(json_t *o, const char *key)
{
    return (long)json_integer_value(json_object_get(o, key));
}

const char *jstr(json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    return s ? s : "";
}
