/*
 * test_hostile.c: hostile input. Bodies over the limit, clients that stall,
 * JSON and CSV that are not text, SQL metacharacters in every string,
 * numbers out of range, path traversal, huge request heads and a thousand
 * idle connections: each gets a clear 4xx (in the error shape of api.md)
 * or is cut off, the service goes on serving others, and its memory stays
 * flat. Raw sockets where libcurl would not misbehave enough.
 *
 * The suite restarts the service with a short HTTP_CONN_TIMEOUT_S (and
 * restores it afterwards) so that the slow-client cases take seconds.
 */
#define _POSIX_C_SOURCE 200809L
#include "integration/harness.h"

#include <arpa/inet.h>
#include <check.h>
#include <curl/curl.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define TIMEOUT_S 2 /* HTTP_CONN_TIMEOUT_S for this suite */
#define UPLOADS 4   /* MAX_UPLOADS: WORKERS / 2, the harness runs 8 */

/* 罗湖区: a street office with one community */
#define CTY "440303000000"
#define TWN "440303001000"
#define VIL "440303001001"

#define EVIL "'; DROP TABLE payments; --\\\\%_$1\\\"`''"
/* the same string as the service should store it (JSON unescaped) */
#define EVIL_TEXT "'; DROP TABLE payments; --\\%_$1\"`''"
/* for fields of up to 20 characters (relation) */
#define EVIL_SHORT "'; --\\\\%_$1\\\"`"
#define EVIL_SHORT_TEXT "'; --\\%_$1\"`"

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void msleep(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

/* ---- raw HTTP ---------------------------------------------------------- */

static int raw_connect(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET,
                            .sin_port = htons((uint16_t)harness_port()),
                            .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    ck_assert_int_ge(fd, 0);
    ck_assert_msg(connect(fd, (struct sockaddr *)&a, sizeof a) == 0,
                  "connect: %s", strerror(errno));
    return fd;
}

/* Sends what the peer takes (it may close early: no SIGPIPE). */
static void raw_send(int fd, const char *data, size_t len)
{
    while (len > 0) {
        ssize_t n = send(fd, data, len, MSG_NOSIGNAL);
        if (n <= 0)
            return;
        data += n;
        len -= (size_t)n;
    }
}

typedef struct {
    long status;  /* 0: closed without a reply */
    char *head;   /* owned */
    json_t *json; /* owned; NULL unless the body is JSON */
    bool closed;  /* the server closed the connection */
} raw_reply;

/* Reads until the server closes or timeout_ms pass in silence. */
static raw_reply raw_read(int fd, int timeout_ms)
{
    raw_reply r = {0};
    size_t cap = 1 << 16, len = 0;
    char *data = malloc(cap);
    for (;;) {
        struct pollfd p = {.fd = fd, .events = POLLIN};
        if (poll(&p, 1, timeout_ms) <= 0)
            break;
        if (len + 4096 > cap)
            data = realloc(data, cap *= 2);
        ssize_t n = recv(fd, data + len, cap - len - 1, 0);
        if (n <= 0) {
            r.closed = true;
            break;
        }
        len += (size_t)n;
    }
    data[len] = '\0';
    sscanf(data, "HTTP/1.1 %ld", &r.status);
    char *body = strstr(data, "\r\n\r\n");
    if (body) {
        *body = '\0';
        r.json = json_loads(body + 4, JSON_DISABLE_EOF_CHECK, NULL);
    }
    r.head = data;
    return r;
}

static void raw_reply_free(raw_reply *r)
{
    free(r->head);
    json_decref(r->json);
}

/* One request on its own connection: method path, extra header lines
 * ("Name: v\r\n..."), a body of len bytes (it may hold NULs). */
static raw_reply raw_request(const char *method, const char *path,
                             const char *headers, const char *body, size_t len)
{
    int fd = raw_connect();
    char head[4096];
    int n = snprintf(head, sizeof head,
                     "%s %s HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                     "Authorization: Bearer " ADMIN "\r\n%s"
                     "Content-Length: %zu\r\n\r\n",
                     method, path, headers ? headers : "", len);
    raw_send(fd, head, (size_t)n);
    raw_send(fd, body, len);
    raw_reply r = raw_read(fd, 5000);
    close(fd);
    return r;
}

/* ---- the error shape --------------------------------------------------- */

/* {"error":{"code":code,"message":"…"[,"field":field]}} and nothing else. */
static void assert_error(json_t *j, const char *code, const char *field,
                         const char *context)
{
    ck_assert_msg(json_is_object(j) && json_object_size(j) == 1,
                  "%s: not an error object", context);
    json_t *e = json_object_get(j, "error");
    ck_assert_msg(json_is_object(e), "%s: no error member", context);
    const char *c = json_string_value(json_object_get(e, "code"));
    ck_assert_msg(c && !strcmp(c, code), "%s: code %s, expected %s", context,
                  c ? c : "(none)", code);
    ck_assert_msg(json_is_string(json_object_get(e, "message")),
                  "%s: no message", context);
    json_t *f = json_object_get(e, "field");
    ck_assert_msg(json_object_size(e) == (f ? 3u : 2u),
                  "%s: unexpected members", context);
    if (field)
        ck_assert_msg(f && !strcmp(json_string_value(f), field),
                      "%s: field %s, expected %s", context,
                      f ? json_string_value(f) : "(none)", field);
}

static void expect_error(http_reply *r, long status, const char *code,
                         const char *field, const char *context)
{
    ck_assert_msg(r->status == status, "%s: expected %ld, got %ld: %.300s",
                  context, status, r->status, r->body);
    assert_error(r->json, code, field, context);
}

static void expect_raw_error(raw_reply *r, long status, const char *code,
                             const char *context)
{
    ck_assert_msg(r->status == status, "%s: expected %ld, got %ld: %.300s",
                  context, status, r->status, r->head);
    assert_error(r->json, code, NULL, context);
}

/* The service answers a plain request and a database one, quickly. */
static void still_serving(const char *after)
{
    double t0 = now_s();
    http_reply h = http("GET", "/healthz", NULL, NULL, NULL);
    http_reply c = http("GET", "/v1/regions/" CTY, ADMIN, NULL, NULL);
    double took = now_s() - t0;
    ck_assert_msg(h.status == 200 && c.status == 200,
                  "after %s: healthz %ld, region %ld", after, h.status,
                  c.status);
    ck_assert_msg(took < 1.0, "after %s: answered in %.2f s", after, took);
    http_reply_free(&h);
    http_reply_free(&c);
}

static long rss_kb(void)
{
    char path[64], line[256];
    snprintf(path, sizeof path, "/proc/%d/status", (int)harness_service_pid());
    FILE *f = fopen(path, "r");
    ck_assert_ptr_nonnull(f);
    long kb = -1;
    while (fgets(line, sizeof line, f))
        if (sscanf(line, "VmRSS: %ld", &kb) == 1)
            break;
    fclose(f);
    return kb;
}

static long count(const char *sql)
{
    return harness_count(sql);
}

static void tables_still_exist(void)
{
    ck_assert_int_eq(count("SELECT count(*) FROM pg_tables WHERE tablename IN "
                           "('payments','households','residents','regions',"
                           "'categories','api_tokens')"),
                     6);
}

/* ---- fixture ----------------------------------------------------------- */

static char ids[4][19];

static void restart_with_timeout(const char *timeout)
{
    if (timeout)
        setenv("HTTP_CONN_TIMEOUT_S", timeout, 1);
    else
        unsetenv("HTTP_CONN_TIMEOUT_S");
    harness_stop_service();
    harness_restart_service();
}

static void suite_setup(void)
{
    char t[8];
    snprintf(t, sizeof t, "%d", TIMEOUT_S);
    restart_with_timeout(t);
    for (int i = 0; i < 4; i++) {
        char first17[18];
        snprintf(first17, sizeof first17, "44030319%02d0101%03d", 70 + i,
                 200 + i);
        make_id(first17, ids[i]);
    }
    http_reply r =
        http("POST", "/v1/regions/import", ADMIN, "text/csv",
             "code,name,level,parent_code\n" CTY ",罗湖区,county,\n" TWN
             ",桂园街道,township," CTY "\n" VIL ",松园社区,village," TWN "\n");
    ck_assert_msg(r.status == 200, "regions: %s", r.body);
    http_reply_free(&r);
    r = http_json("PUT", "/v1/categories/dibao", ADMIN,
                  "{\"name\":\"低保对象\"}");
    http_reply_free(&r);
    r = http_json("PUT", "/v1/years/2019", ADMIN,
                  "{\"collection_start\":\"2018-09-01\",\"collection_end\":"
                  "\"2018-12-31\",\"tiers\":[{\"tier\":1,\"contribution\":"
                  "40000,\"fiscal_subsidy\":64000}]}");
    ck_assert_msg(r.status == 200 || r.status == 201, "year: %s", r.body);
    http_reply_free(&r);
}

static void suite_teardown(void)
{
    restart_with_timeout(NULL);
}

/* ---- bodies over the limit --------------------------------------------- */

START_TEST(a_declared_body_over_the_limit_is_413_before_it_is_sent)
{
    int fd = raw_connect();
    const char *head = "PUT /v1/categories/big HTTP/1.1\r\nHost: x\r\n"
                       "Authorization: Bearer " ADMIN "\r\n"
                       "Content-Type: application/json\r\n"
                       "Content-Length: 10000000\r\n\r\n{\"name\":\"";
    double t0 = now_s();
    raw_send(fd, head, strlen(head));
    raw_reply r = raw_read(fd, 3000);
    close(fd);
    expect_raw_error(&r, 413, "payload_too_large", "declared 10 MB");
    ck_assert_msg(now_s() - t0 < 1.0, "the 413 waited for the body");
    raw_reply_free(&r);
    still_serving("a declared 10 MB body");
}
END_TEST

START_TEST(a_chunked_body_over_the_limit_is_413_or_cut_off)
{
    /* JSON, read whole: 200 KB against MAX_BODY_BYTES=64 KB */
    int fd = raw_connect();
    const char *head = "PUT /v1/categories/big HTTP/1.1\r\nHost: x\r\n"
                       "Authorization: Bearer " ADMIN "\r\n"
                       "Content-Type: application/json\r\n"
                       "Transfer-Encoding: chunked\r\n\r\n";
    raw_send(fd, head, strlen(head));
    char chunk[8192 + 16];
    int n = snprintf(chunk, sizeof chunk, "2000\r\n");
    memset(chunk + n, 'a', 8192);
    memcpy(chunk + n + 8192, "\r\n", 2);
    for (int i = 0; i < 25; i++)
        raw_send(fd, chunk, (size_t)n + 8192 + 2);
    raw_send(fd, "0\r\n\r\n", 5);
    raw_reply r = raw_read(fd, 3000);
    close(fd);
    ck_assert_msg(r.status == 413 || (r.status == 0 && r.closed),
                  "chunked JSON: %.200s", r.head);
    if (r.status)
        expect_raw_error(&r, 413, "payload_too_large", "chunked JSON");
    raw_reply_free(&r);

    /* CSV, streamed: 9 MB against MAX_IMPORT_BYTES=8 MB */
    size_t big = 9u << 20;
    char *csv = malloc(big + 1);
    memcpy(csv, "code,name,level,parent_code\n", 28);
    memset(csv + 28, '#', big - 28);
    for (size_t i = 100; i < big; i += 100)
        csv[i] = '\n';
    csv[big] = '\0';
    http_reply h =
        http_chunked("POST", "/v1/regions/import", ADMIN, "text/csv", csv);
    free(csv);
    ck_assert_msg(h.status == 413 || h.status == 0, "chunked CSV: %ld",
                  h.status);
    if (h.status)
        expect_error(&h, 413, "payload_too_large", NULL, "chunked CSV");
    http_reply_free(&h);
    still_serving("bodies over the limit");
}
END_TEST

/* ---- slow clients ------------------------------------------------------ */

START_TEST(a_stalled_body_is_cut_off_after_the_timeout)
{
    int fd = raw_connect();
    const char *head = "PUT /v1/categories/slow HTTP/1.1\r\nHost: x\r\n"
                       "Authorization: Bearer " ADMIN "\r\n"
                       "Content-Type: application/json\r\n"
                       "Content-Length: 40\r\n\r\n{\"name\":\"ha";
    double t0 = now_s();
    raw_send(fd, head, strlen(head));
    /* others are served meanwhile */
    still_serving("a stalled JSON body");
    raw_reply r = raw_read(fd, (TIMEOUT_S + 5) * 1000);
    double waited = now_s() - t0;
    close(fd);
    printf("hostile: a stalled body was cut off after %.1f s "
           "(HTTP_CONN_TIMEOUT_S=%d)\n",
           waited, TIMEOUT_S);
    ck_assert_msg(r.closed, "the connection was not closed");
    ck_assert_msg(r.status == 0 || r.status == 408, "got %ld", r.status);
    ck_assert_msg(waited > TIMEOUT_S - 0.5 && waited < TIMEOUT_S + 3.0,
                  "cut off after %.1f s", waited);
    raw_reply_free(&r);
    http_reply c = http("GET", "/v1/categories/slow", ADMIN, NULL, NULL);
    ck_assert_int_eq(c.status, 404);
    http_reply_free(&c);
}
END_TEST

START_TEST(stalled_imports_cannot_hold_every_worker)
{
    /* more stalled uploads than half the workers: the extra ones get 503,
     * and database requests are still answered at once */
    enum { N = UPLOADS + 2 };
    int fds[N];
    const char *head = "POST /v1/regions/import HTTP/1.1\r\nHost: x\r\n"
                       "Authorization: Bearer " ADMIN "\r\n"
                       "Content-Type: text/csv\r\n"
                       "Content-Length: 4000\r\n\r\n"
                       "code,name,level,parent_code\n";
    double t0 = now_s();
    for (int i = 0; i < N; i++) {
        fds[i] = raw_connect();
        raw_send(fds[i], head, strlen(head));
        msleep(20);
    }
    int refused = 0;
    for (int i = 0; i < N; i++) {
        raw_reply r = raw_read(fds[i], 100);
        if (r.status) {
            expect_raw_error(&r, 503, "service_unavailable", "upload cap");
            ck_assert_ptr_nonnull(strstr(r.head, "Retry-After: 5"));
            refused++;
        }
        raw_reply_free(&r);
    }
    ck_assert_int_eq(refused, N - UPLOADS);
    still_serving("stalled imports");
    http_reply y = http("GET", "/readyz", NULL, NULL, NULL);
    ck_assert_int_eq(y.status, 200);
    http_reply_free(&y);
    /* the stalled ones are cut off after the timeout */
    for (int i = 0; i < N; i++) {
        raw_reply r = raw_read(fds[i], (TIMEOUT_S + 5) * 1000);
        ck_assert(r.closed);
        raw_reply_free(&r);
        close(fds[i]);
    }
    printf("hostile: %d stalled imports, %d refused 503, all cut off after "
           "%.1f s\n",
           N, N - UPLOADS, now_s() - t0);
    /* and their slots are free again */
    http_reply r = http("POST", "/v1/regions/import", ADMIN, "text/csv",
                        "code,name,level,parent_code\n");
    ck_assert_int_eq(r.status, 200);
    http_reply_free(&r);
}
END_TEST

/* ---- JSON that is not what it seems ------------------------------------ */

static char *repeat(const char *unit, size_t times)
{
    size_t n = strlen(unit);
    char *s = malloc(n * times + 1);
    for (size_t i = 0; i < times; i++)
        memcpy(s + i * n, unit, n);
    s[n * times] = '\0';
    return s;
}

START_TEST(deeply_nested_json_is_400)
{
    char *deep = repeat("[", 60000); /* under the 64 KB limit */
    http_reply r = http_json("PUT", "/v1/categories/deep", ADMIN, deep);
    expect_error(&r, 400, "invalid_json", NULL, "60,000 [");
    ck_assert_ptr_nonnull(strstr(r.body, "depth"));
    http_reply_free(&r);
    free(deep);
    deep = repeat("{\"a\":", 12000);
    r = http_json("PUT", "/v1/categories/deep", ADMIN, deep);
    expect_error(&r, 400, "invalid_json", NULL, "12,000 {\"a\":");
    http_reply_free(&r);
    free(deep);
    deep = repeat("[", 100000); /* a bulk route takes 16 x 64 KB */
    r = http_json("POST", "/v1/tax/payments", ADMIN, deep);
    expect_error(&r, 400, "invalid_json", NULL, "100,000 [");
    http_reply_free(&r);
    free(deep);
    r = http_json("PUT", "/v1/categories/dup", ADMIN,
                  "{\"name\":\"甲\",\"name\":\"乙\"}");
    expect_error(&r, 400, "invalid_json", NULL, "duplicate keys");
    ck_assert_ptr_nonnull(strstr(r.body, "duplicate"));
    http_reply_free(&r);
    r = http("GET", "/v1/categories/dup", ADMIN, NULL, NULL);
    ck_assert_int_eq(r.status, 404);
    http_reply_free(&r);
    still_serving("deep JSON");
}
END_TEST

static const struct {
    const char *name;
    const char *json; /* the body, len bytes */
    size_t len;
} bad_text[] = {
#define CASE(n, s)                                                             \
    {                                                                          \
        n, s, sizeof s - 1                                                     \
    }
    CASE("invalid UTF-8 (0xFF)", "{\"name\":\"a\xFF"
                                 "b\"}"),
    CASE("a lone continuation byte", "{\"name\":\"a\x80"
                                     "b\"}"),
    CASE("an overlong slash", "{\"name\":\"a\xC0\xAF"
                              "b\"}"),
    CASE("an overlong NUL", "{\"name\":\"a\xC0\x80"
                            "b\"}"),
    CASE("a raw surrogate", "{\"name\":\"a\xED\xA0\x80"
                            "b\"}"),
    CASE("a cut sequence", "{\"name\":\"a\xE5\xA4\"}"),
    CASE("an escaped lone high surrogate", "{\"name\":\"a\\ud800b\"}"),
    CASE("an escaped lone low surrogate", "{\"name\":\"a\\udc00b\"}"),
    CASE("an escaped NUL", "{\"name\":\"a\\u0000b\"}"),
    CASE("a raw NUL in a string", "{\"name\":\"a\0b\"}"),
    CASE("a raw NUL after the object", "{\"name\":\"ab\"}\0"),
#undef CASE
};

START_TEST(json_that_is_not_text_is_400)
{
    for (size_t i = 0; i < sizeof bad_text / sizeof bad_text[0]; i++) {
        raw_reply r = raw_request("PUT", "/v1/categories/badtext",
                                  "Content-Type: application/json\r\n",
                                  bad_text[i].json, bad_text[i].len);
        expect_raw_error(&r, 400, "invalid_json", bad_text[i].name);
        raw_reply_free(&r);
    }
    http_reply r = http("GET", "/v1/categories/badtext", ADMIN, NULL, NULL);
    ck_assert_int_eq(r.status, 404);
    http_reply_free(&r);
    still_serving("JSON that is not text");
}
END_TEST

START_TEST(csv_lines_that_are_not_text_are_rejected_by_line)
{
    static const char csv[] =
        "code,name,level,parent_code\n"
        "440303001002,好社区,village,440303001000\n"
        "440303001003,坏\xFF社区,village,440303001000\n"
        "440303001004,空\0社区,village,440303001000\n"
        "440303001005,长\xC0\xAF,village,440303001000\n"
        "440303001006,代\xED\xA0\x80,village,440303001000\n"
        "440303001007,断\xE5\xA4,village,440303001000\n";
    raw_reply r =
        raw_request("POST", "/v1/regions/import", "Content-Type: text/csv\r\n",
                    csv, sizeof csv - 1);
    ck_assert_msg(r.status == 200, "%.300s", r.head);
    ck_assert_int_eq(json_integer_value(json_object_get(r.json, "inserted")),
                     1);
    json_t *rej = json_object_get(r.json, "rejected");
    ck_assert_int_eq(json_array_size(rej), 5);
    static const char *why[] = {"invalid utf-8", "nul byte", "invalid utf-8",
                                "invalid utf-8", "invalid utf-8"};
    for (size_t i = 0; i < 5; i++) {
        json_t *e = json_array_get(rej, i);
        ck_assert_int_eq(json_integer_value(json_object_get(e, "line")),
                         (json_int_t)i + 3);
        json_t *err = json_object_get(e, "error");
        ck_assert_str_eq(json_string_value(json_object_get(err, "code")),
                         "validation_failed");
        ck_assert_str_eq(json_string_value(json_object_get(err, "message")),
                         why[i]);
    }
    raw_reply_free(&r);
    ck_assert_int_eq(count("SELECT count(*) FROM regions WHERE code BETWEEN "
                           "'440303001003' AND '440303001007'"),
                     0);

    /* a household roster with a raw NUL and invalid UTF-8 */
    char roster[1024];
    int n = snprintf(roster, sizeof roster,
                     "household_no,region_code,attribute,relation,name,"
                     "id_number,phone,categories\n"
                     "HB-1," VIL ",,户主,坏\xFF,%s,,\n"
                     "HB-2," VIL ",,户主,空",
                     ids[3]);
    roster[n++] = '\0';
    n += snprintf(roster + n, sizeof roster - (size_t)n, "名,%s,,\n", ids[3]);
    r = raw_request("POST", "/v1/households/import",
                    "Content-Type: text/csv\r\n", roster, (size_t)n);
    ck_assert_msg(r.status == 200, "%.300s", r.head);
    ck_assert_int_eq(json_array_size(json_object_get(r.json, "rejected")), 2);
    raw_reply_free(&r);
    ck_assert_int_eq(
        count("SELECT count(*) FROM households WHERE household_no LIKE "
              "'HB-%'"),
        0);
    still_serving("CSV that is not text");
}
END_TEST

/* ---- text that is not UTF-8 in the path and the query ------------------ */

START_TEST(a_path_or_query_that_is_not_text_is_400)
{
    static const char *paths[] = {
        "/v1/households/%FF",
        "/v1/households/a%00b",
        "/v1/residents/%ED%A0%80",
        "/v1/regions/%C0%AF",
        "/v1/households?region=" VIL "&cursor=%FF",
        "/v1/households?region=%C0%80",
        "/v1/progress?year=2019&region=%FF",
        "/v1/tax/payables?year=2019&id_number=%FF",
        "/v1/tax/payables?year=2019&household_no=a%00",
        "/v1/residents?region=" VIL "&%FF=1",
    };
    for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++) {
        http_reply r = http("GET", paths[i], ADMIN, NULL, NULL);
        expect_error(&r, 400, "validation_failed", NULL, paths[i]);
        http_reply_free(&r);
    }
    http_reply r =
        http("GET", "/v1/progress?year=2019&region=%FF", ADMIN, NULL, NULL);
    ck_assert_str_eq(error_field(&r), "region");
    http_reply_free(&r);
    still_serving("paths that are not text");
}
END_TEST

/* ---- SQL metacharacters ------------------------------------------------ */

/* tmpl with "@ID@" replaced by id (no printf: the strings hold '%'). */
static void with_id(char *out, size_t outsz, const char *tmpl, const char *id)
{
    const char *at = strstr(tmpl, "@ID@");
    ck_assert_ptr_nonnull(at);
    ck_assert_uint_lt(strlen(tmpl) + strlen(id), outsz);
    size_t n = (size_t)(at - tmpl);
    memcpy(out, tmpl, n);
    strcpy(out + n, id);
    strcat(out, at + 4);
}

/* household_no for the URL: EVIL_TEXT percent-encoded */
static void url_encode(const char *s, char *out, size_t outsz)
{
    CURL *c = curl_easy_init();
    char *e = curl_easy_escape(c, s, 0);
    snprintf(out, outsz, "%s", e);
    curl_free(e);
    curl_easy_cleanup(c);
}

START_TEST(sql_metacharacters_are_stored_verbatim)
{
    char body[2048];
    with_id(body, sizeof body,
            "{\"household_no\":\"H" EVIL "\",\"region_code\":\"" VIL
            "\",\"attribute\":\"A" EVIL "\",\"members\":[{\"id_number\":"
            "\"@ID@\",\"name\":\"N" EVIL "\",\"relation\":\"R" EVIL_SHORT
            "\",\"phone\":\"13800001234\"}]}",
            ids[0]);
    http_reply r = http_json("POST", "/v1/households", ADMIN, body);
    ck_assert_msg(r.status == 201, "%s", r.body);
    http_reply_free(&r);
    char path[512], enc[256];
    url_encode("H" EVIL_TEXT, enc, sizeof enc);
    snprintf(path, sizeof path, "/v1/households/%s", enc);
    r = http("GET", path, ADMIN, NULL, NULL);
    ck_assert_msg(r.status == 200, "%s: %s", path, r.body);
    ck_assert_str_eq(jstr(r.json, "household_no"), "H" EVIL_TEXT);
    ck_assert_str_eq(jstr(r.json, "attribute"), "A" EVIL_TEXT);
    json_t *m = json_array_get(json_object_get(r.json, "members"), 0);
    ck_assert_str_eq(jstr(m, "name"), "N" EVIL_TEXT);
    ck_assert_str_eq(jstr(m, "relation"), "R" EVIL_SHORT_TEXT);
    http_reply_free(&r);

    /* a phone is digits: the metacharacters are a clean 422 */
    with_id(body, sizeof body,
            "{\"household_no\":\"HX-1\",\"region_code\":\"" VIL
            "\",\"members\":[{\"id_number\":\"@ID@\",\"name\":\"某\","
            "\"phone\":\"138" EVIL "\"}]}",
            ids[1]);
    r = http_json("POST", "/v1/households", ADMIN, body);
    expect_error(&r, 422, "validation_failed", "members[0].phone", "phone");
    http_reply_free(&r);
    /* so is a region code or an id number */
    r = http_json("POST", "/v1/households", ADMIN,
                  "{\"household_no\":\"HX-2\",\"region_code\":\"" EVIL "\"}");
    expect_error(&r, 422, "validation_failed", "region_code", "region_code");
    http_reply_free(&r);
    r = http_json("POST", "/v1/households", ADMIN,
                  "{\"household_no\":\"HX-3\",\"region_code\":\"" VIL
                  "\",\"members\":[{\"id_number\":\"" EVIL
                  "\",\"name\":\"某\"}]}");
    expect_error(&r, 422, "validation_failed", "members[0].id_number",
                 "id_number");
    http_reply_free(&r);

    /* a category: the code is a clean 422, the name is kept */
    r = http_json("PUT", "/v1/categories/evil%27%3B--", ADMIN,
                  "{\"name\":\"x\"}");
    expect_error(&r, 422, "validation_failed", "code", "category code");
    http_reply_free(&r);
    r = http_json("PUT", "/v1/categories/evil", ADMIN,
                  "{\"name\":\"C" EVIL "\"}");
    ck_assert_msg(r.status == 200 || r.status == 201, "%s", r.body);
    http_reply_free(&r);
    r = http("GET", "/v1/categories/evil", ADMIN, NULL, NULL);
    ck_assert_str_eq(jstr(r.json, "name"), "C" EVIL_TEXT);
    http_reply_free(&r);

    /* a payment: external_id and collector kept */
    with_id(body, sizeof body,
            "{\"id_numbers\":[\"@ID@\"],\"year\":2019,\"tier\":1,\"channel\":"
            "\"cash\",\"amount\":40000,\"external_id\":\"E" EVIL
            "\",\"paid_at\":\"2018-10-01T10:00:00+08:00\",\"collector\":"
            "\"K" EVIL "\"}",
            ids[0]);
    r = http_json("POST", "/v1/payments", ADMIN, body);
    ck_assert_msg(r.status == 201, "%s", r.body);
    ck_assert_str_eq(jstr(r.json, "external_id"), "E" EVIL_TEXT);
    long id = (long)json_integer_value(json_object_get(r.json, "payment_id"));
    http_reply_free(&r);
    snprintf(path, sizeof path, "/v1/payments/%ld", id);
    r = http("GET", path, ADMIN, NULL, NULL);
    ck_assert_str_eq(jstr(r.json, "external_id"), "E" EVIL_TEXT);
    http_reply_free(&r);

    /* a region name in the CSV import (RFC 4180 quoting) */
    r = http("POST", "/v1/regions/import", ADMIN, "text/csv",
             "code,name,level,parent_code\n"
             "440303001009,\"G'; DROP TABLE payments; --\\%_$1\"\"`''\","
             "village," TWN "\n");
    ck_assert_msg(r.status == 200, "%s", r.body);
    http_reply_free(&r);
    r = http("GET", "/v1/regions/440303001009", ADMIN, NULL, NULL);
    ck_assert_str_eq(jstr(r.json, "name"), "G" EVIL_TEXT);
    http_reply_free(&r);

    /* query parameters: a clean 4xx or an answer */
    static const char *queries[] = {
        "/v1/households?region=" VIL "&cursor=%27%3B%20DROP%20TABLE%20"
        "payments%3B--%25_%5C%241",
        "/v1/residents?region=" VIL "&cursor=%27%3B%20DROP%20TABLE%20"
        "payments%3B--%25_%5C%241",
        "/v1/households?region=%27%3B%20DROP%20TABLE%20payments%3B--",
        "/v1/progress?year=2019&region=%27%3B%20DROP%20TABLE%20payments%3B--",
        "/v1/progress?year=2019&region=" CTY "&groups=%27%3B%20DROP%20TABLE%20"
        "payments%3B--,%25,_",
        "/v1/progress?year=2019%27%3B--&region=" CTY,
        "/v1/residents?region=" VIL "&category=%25%27%3B--",
        "/v1/tax/payables?year=2019&household_no=%25%27%3B--",
    };
    for (size_t i = 0; i < sizeof queries / sizeof queries[0]; i++) {
        r = http("GET", queries[i], ADMIN, NULL, NULL);
        ck_assert_msg(r.status == 200 || (r.status >= 400 && r.status < 500),
                      "%s: %ld %s", queries[i], r.status, r.body);
        if (r.status != 200)
            assert_error(r.json, error_code(&r), NULL, queries[i]);
        http_reply_free(&r);
    }
    tables_still_exist();
    /* the collector is not in the reply: read it back from the table */
    ck_assert_int_eq(count("SELECT count(*) FROM payments WHERE external_id = "
                           "$q$E" EVIL_TEXT "$q$ AND collector = $q$K" EVIL_TEXT
                           "$q$"),
                     1);
}
END_TEST

/* ---- numbers ----------------------------------------------------------- */

START_TEST(huge_and_negative_numbers_are_refused_and_nothing_recorded)
{
    static const struct {
        const char *amount, *tier;
        long status;
        const char *code, *field;
    } cases[] = {
        {"9223372036854775808", "1", 400, "invalid_json", NULL}, /* 2^63 */
        {"-9223372036854775809", "1", 400, "invalid_json", NULL},
        {"99999999999999999999999", "1", 400, "invalid_json", NULL},
        {"1e400", "1", 400, "invalid_json", NULL},
        {"9223372036854775807", "1", 422, "validation_failed", "amount"},
        {"-40000", "1", 422, "validation_failed", "amount"},
        {"-1", "1", 422, "validation_failed", "amount"},
        {"400.5", "1", 400, "validation_failed", "amount"},
        {"4e4", "1", 400, "validation_failed", "amount"},
        {"\"40000\"", "1", 400, "validation_failed", "amount"},
        {"40000", "1.5", 400, "validation_failed", "tier"},
        {"40000", "-0", 422, "validation_failed", "tier"},
        {"40000", "4294967297", 422, "validation_failed", "tier"},
    };
    long before = count("SELECT count(*) FROM payments");
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char body[512], what[128];
        snprintf(body, sizeof body,
                 "{\"id_numbers\":[\"%s\"],\"year\":2019,\"tier\":%s,"
                 "\"channel\":\"cash\",\"amount\":%s,\"external_id\":"
                 "\"NUM-%zu\",\"paid_at\":\"2018-10-01T10:00:00+08:00\"}",
                 ids[2], cases[i].tier, cases[i].amount, i);
        snprintf(what, sizeof what, "amount %s tier %s", cases[i].amount,
                 cases[i].tier);
        http_reply r = http_json("POST", "/v1/payments", ADMIN, body);
        expect_error(&r, cases[i].status, cases[i].code, cases[i].field, what);
        http_reply_free(&r);
    }
    http_reply r = http_json("PUT", "/v1/years/2018", ADMIN,
                             "{\"collection_start\":\"2017-09-01\","
                             "\"collection_end\":\"2017-12-31\",\"tiers\":[{"
                             "\"tier\":1,\"contribution\":-35000,"
                             "\"fiscal_subsidy\":1e400}]}");
    expect_error(&r, 400, "invalid_json", NULL, "year with 1e400");
    http_reply_free(&r);
    r = http_json("PUT", "/v1/years/99999999999999999999", ADMIN,
                  "{\"collection_start\":\"2017-09-01\"}");
    ck_assert_msg(r.status == 400 || r.status == 422, "%s", r.body);
    assert_error(r.json, "validation_failed", NULL, "year in the path");
    http_reply_free(&r);
    ck_assert_int_eq(count("SELECT count(*) FROM payments"), before);
    ck_assert_int_eq(count("SELECT count(*) FROM years WHERE year = 2018"), 0);
}
END_TEST

/* ---- paths ------------------------------------------------------------- */

START_TEST(path_traversal_never_serves_a_file)
{
    static const char *paths[] = {
        "/v1/households/..%2F..%2Fetc%2Fpasswd",
        "/v1/regions/%2e%2e",
        "/v1/regions/..",
        "/dashboard/../../etc/passwd",
        "/dashboard/..%2F..%2Fetc%2Fpasswd",
        "/dashboard/%2e%2e%2f%2e%2e%2fetc%2fpasswd",
        "/dashboard/....//....//etc/passwd",
        "/dashboard/%252e%252e%252fetc%252fpasswd",
        "/v1/residents/110101%2F19900307447",
        "/v1/residents/..%5c..%5cetc%5cpasswd",
        "/../../../../etc/passwd",
        "//etc/passwd",
    };
    for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++) {
        char head[512];
        int n = snprintf(head, sizeof head,
                         "GET %s HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                         "Authorization: Bearer " ADMIN "\r\n\r\n",
                         paths[i]);
        int fd = raw_connect();
        raw_send(fd, head, (size_t)n);
        raw_reply r = raw_read(fd, 3000);
        close(fd);
        ck_assert_msg(r.status == 404 || r.status == 400 || r.status == 422,
                      "%s: %ld", paths[i], r.status);
        ck_assert_msg(!strstr(r.head, "root:"), "%s served a file", paths[i]);
        assert_error(r.json,
                     r.status == 404 ? "not_found" : "validation_failed", NULL,
                     paths[i]);
        raw_reply_free(&r);
    }
    still_serving("path traversal");
}
END_TEST

START_TEST(a_huge_request_head_is_4xx_not_a_crash)
{
    /* libmicrohttpd answers these itself, with its own HTML body */
    size_t n = 100 * 1024;
    char *req = malloc(n + 256);
    int k = sprintf(req, "GET /v1/regions/");
    memset(req + k, 'a', n);
    strcpy(req + k + n, " HTTP/1.1\r\nHost: x\r\n\r\n");
    int fd = raw_connect();
    raw_send(fd, req, strlen(req));
    raw_reply r = raw_read(fd, 3000);
    close(fd);
    ck_assert_msg(r.status == 414 || (r.status == 0 && r.closed),
                  "100 KB URL: %ld", r.status);
    raw_reply_free(&r);

    /* 5,000 headers */
    free(req);
    req = malloc(5000 * 24 + 256);
    char *p = req + sprintf(req, "GET /healthz HTTP/1.1\r\nHost: x\r\n");
    for (int i = 0; i < 5000; i++)
        p += sprintf(p, "X-Header-%d: v\r\n", i);
    strcpy(p, "\r\n");
    fd = raw_connect();
    raw_send(fd, req, strlen(req));
    r = raw_read(fd, 3000);
    close(fd);
    ck_assert_msg(r.status == 431 || r.status == 400 ||
                      (r.status == 0 && r.closed),
                  "5,000 headers: %ld", r.status);
    raw_reply_free(&r);

    /* one header of 100 KB */
    free(req);
    req = malloc(n + 256);
    k = sprintf(req, "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ");
    memset(req + k, 'b', n);
    strcpy(req + k + n, "\r\n\r\n");
    fd = raw_connect();
    raw_send(fd, req, strlen(req));
    r = raw_read(fd, 3000);
    close(fd);
    ck_assert_msg(r.status == 431 || r.status == 400 ||
                      (r.status == 0 && r.closed),
                  "100 KB header: %ld", r.status);
    raw_reply_free(&r);
    free(req);

    /* a Content-Length that is not a number, or too big for one */
    static const char *lengths[] = {"-1", "abc", "99999999999999999999999"};
    for (int i = 0; i < 3; i++) {
        char head[256];
        int m = snprintf(head, sizeof head,
                         "PUT /v1/categories/x HTTP/1.1\r\nHost: x\r\n"
                         "Content-Length: %s\r\n\r\n{}",
                         lengths[i]);
        fd = raw_connect();
        raw_send(fd, head, (size_t)m);
        r = raw_read(fd, 3000);
        close(fd);
        ck_assert_msg(r.status == 400 || r.status == 413 ||
                          (r.status == 0 && r.closed),
                      "Content-Length %s: %ld", lengths[i], r.status);
        raw_reply_free(&r);
    }
    still_serving("huge request heads");
}
END_TEST

/* ---- many connections, and memory -------------------------------------- */

START_TEST(a_thousand_idle_connections_do_not_stop_the_service)
{
    enum { N = 1000 };
    struct rlimit rl;
    getrlimit(RLIMIT_NOFILE, &rl);
    if (rl.rlim_cur < N + 200 && rl.rlim_max >= N + 200) {
        rl.rlim_cur = N + 200;
        setrlimit(RLIMIT_NOFILE, &rl);
    }
    ck_assert_msg(rl.rlim_cur >= N + 200, "RLIMIT_NOFILE %llu is too low",
                  (unsigned long long)rl.rlim_cur);
    long base = rss_kb();
    static int fds[N];
    for (int i = 0; i < N; i++) {
        fds[i] = raw_connect();
        if (i % 2) /* half send a partial request line */
            raw_send(fds[i], "GET /v1/regi", 12);
    }
    msleep(200);
    long during = rss_kb();
    still_serving("1,000 idle connections");
    for (int i = 0; i < N; i++)
        close(fds[i]);
    msleep(500);
    still_serving("closing 1,000 connections");
    long after = rss_kb();
    printf("hostile: RSS with 1,000 idle connections: before %ld kB, "
           "during %ld kB, after %ld kB\n",
           base, during, after);
    ck_assert_msg(during < base + 50 * 1024, "RSS grew %ld kB", during - base);
    ck_assert_msg(after < base + 20 * 1024, "RSS stayed %ld kB up",
                  after - base);
}
END_TEST

/* One kind of bad request, sent ROUNDS times on a reused libcurl handle by
 * its own thread (no ck_assert off the test's thread: it counts). */
typedef struct {
    const char *name;
    const char *method, *path, *ctype;
    const char *body; /* NULL: none */
    long status;
    bool may_cut; /* the server may close while the client still sends */
} bad_kind;

typedef struct {
    const bad_kind *k;
    int from, to;    /* rounds to send */
    int wrong;       /* replies with another status */
    long last_wrong; /* the last such status */
    double ms;       /* time spent */
} kind_run;

static size_t discard(char *p, size_t size, size_t n, void *cls)
{
    (void)p, (void)cls;
    return size * n;
}

static void *send_kind(void *arg)
{
    kind_run *run = arg;
    const bad_kind *k = run->k;
    char url[1024], ct[128];
    snprintf(url, sizeof url, "http://127.0.0.1:%u%s", harness_port(), k->path);
    struct curl_slist *h =
        curl_slist_append(NULL, "Authorization: Bearer " ADMIN);
    h = curl_slist_append(h, "Expect:");
    if (k->ctype) {
        snprintf(ct, sizeof ct, "Content-Type: %s", k->ctype);
        h = curl_slist_append(h, ct);
    }
    CURL *c = curl_easy_init();
    curl_easy_setopt(c, CURLOPT_PATH_AS_IS, 1L);
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, k->method);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, discard);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 10L);
    if (k->body) {
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, k->body);
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)strlen(k->body));
    }
    double t0 = now_s();
    for (int i = run->from; i < run->to; i++) {
        long st = 0;
        if (curl_easy_perform(c) == CURLE_OK)
            curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &st);
        if (st != k->status && !(k->may_cut && st == 0)) {
            run->wrong++;
            run->last_wrong = st;
        }
    }
    run->ms += (now_s() - t0) * 1000;
    curl_easy_cleanup(c);
    curl_slist_free_all(h);
    return NULL;
}

/* Every kind in parallel, rounds [from, to). */
static void send_all(kind_run *runs, int n, int from, int to)
{
    pthread_t t[16];
    for (int k = 0; k < n; k++) {
        runs[k].from = from;
        runs[k].to = to;
        pthread_create(&t[k], NULL, send_kind, &runs[k]);
    }
    for (int k = 0; k < n; k++)
        pthread_join(t[k], NULL);
}

START_TEST(two_thousand_bad_requests_of_each_kind_leave_memory_flat)
{
    char *deep = repeat("[", 3000);
    char *big = repeat("a", 70000);
    const bad_kind kinds[] = {
        {"body over the limit", "PUT", "/v1/categories/x", "application/json",
         big, 413, true},
        {"invalid JSON", "PUT", "/v1/categories/x", "application/json",
         "{\"name\":", 400, false},
        {"deep JSON", "PUT", "/v1/categories/x", "application/json", deep, 400,
         false},
        {"invalid UTF-8 in JSON", "PUT", "/v1/categories/x", "application/json",
         "{\"name\":\"\xC0\xAF\"}", 400, false},
        {"path not UTF-8", "GET", "/v1/households/%FF", NULL, NULL, 400, false},
        {"query not UTF-8", "GET", "/v1/progress?year=2019&region=%ED%A0%80",
         NULL, NULL, 400, false},
        {"no such endpoint", "GET", "/v1/../etc/passwd", NULL, NULL, 404,
         false},
        {"negative amount", "POST", "/v1/payments", "application/json",
         "{\"id_numbers\":[\"x\"],\"year\":2019,\"tier\":1,\"channel\":"
         "\"cash\",\"amount\":-1,\"external_id\":\"L\",\"paid_at\":"
         "\"2018-10-01T10:00:00+08:00\"}",
         422, false},
        {"CSV not text", "POST", "/v1/regions/import", "text/csv",
         "code,name,level,parent_code\n1,\xFF,village,2\n", 200, false},
        {"wrong content type", "PUT", "/v1/categories/x", "text/plain", "{}",
         415, false},
    };
    enum { NKINDS = sizeof kinds / sizeof kinds[0], ROUNDS = 2000, WARM = 200 };
    kind_run runs[NKINDS] = {0};
    for (int k = 0; k < NKINDS; k++)
        runs[k].k = &kinds[k];
    double t0 = now_s();
    send_all(runs, NKINDS, 0, WARM); /* the allocators warm up */
    long base = rss_kb();
    send_all(runs, NKINDS, WARM, ROUNDS);
    long after = rss_kb();
    printf("hostile: %d x %d bad requests (a thread per kind) in %.1f s: "
           "RSS %ld kB after %d rounds, %ld kB after %d (%+ld kB)\n",
           ROUNDS, NKINDS, now_s() - t0, base, WARM, after, ROUNDS,
           after - base);
    for (int k = 0; k < NKINDS; k++) {
        printf("  %-22s %.2f ms each\n", kinds[k].name, runs[k].ms / ROUNDS);
        ck_assert_msg(runs[k].wrong == 0, "%s: %d replies were %ld",
                      kinds[k].name, runs[k].wrong, runs[k].last_wrong);
    }
    free(deep);
    free(big);
    ck_assert_msg(after < base + 8 * 1024, "RSS grew %ld kB", after - base);
    still_serving("20,000 bad requests");
}
END_TEST

Suite *hostile_suite(void)
{
    Suite *s = suite_create("hostile");
    TCase *t = tcase_create("hostile");
    tcase_set_timeout(t, 120);
    tcase_add_unchecked_fixture(t, suite_setup, suite_teardown);
    tcase_add_test(t, a_declared_body_over_the_limit_is_413_before_it_is_sent);
    tcase_add_test(t, a_chunked_body_over_the_limit_is_413_or_cut_off);
    tcase_add_test(t, a_stalled_body_is_cut_off_after_the_timeout);
    tcase_add_test(t, stalled_imports_cannot_hold_every_worker);
    tcase_add_test(t, deeply_nested_json_is_400);
    tcase_add_test(t, json_that_is_not_text_is_400);
    tcase_add_test(t, csv_lines_that_are_not_text_are_rejected_by_line);
    tcase_add_test(t, a_path_or_query_that_is_not_text_is_400);
    tcase_add_test(t, sql_metacharacters_are_stored_verbatim);
    tcase_add_test(t,
                   huge_and_negative_numbers_are_refused_and_nothing_recorded);
    tcase_add_test(t, path_traversal_never_serves_a_file);
    tcase_add_test(t, a_huge_request_head_is_4xx_not_a_crash);
    tcase_add_test(t, a_thousand_idle_connections_do_not_stop_the_service);
    tcase_add_test(t, two_thousand_bad_requests_of_each_kind_leave_memory_flat);
    suite_add_tcase(s, t);
    return s;
}
