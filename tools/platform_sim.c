/*
 * platform_sim.c: plays WeChat Pay and Alipay against a running service:
 * makes platform keys, then posts signed payment notifications.
 *
 *   platform_sim keygen DIR
 *   platform_sim wechat DIR URL out_trade_no amount_fen transaction_id
 *                [--timestamp N] [--tamper]
 *   platform_sim wechat-batch DIR < "out_trade_no amount_fen txid" lines
 *   platform_sim alipay DIR URL out_trade_no amount_yuan trade_no [--tamper]
 *
 * Environment: WECHATPAY_MCHID, WECHATPAY_APPID, WECHATPAY_PUBLIC_KEY_ID,
 * ALIPAY_APP_ID, ALIPAY_SELLER_ID (defaults below). --tamper changes the
 * body after signing, so the service must refuse it. Exit status: 0 when
 * the platform would count the answer as received (WeChat: 200 or 204;
 * Alipay: exactly "success"), 1 when it would retry, 2 on a local error.
 */
#include <curl/curl.h>
#include <errno.h>
#include <jansson.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "crypto/aead.h"
#include "crypto/b64.h"
#include "crypto/rsa_verify.h"
#include "crypto/wechatpay.h"
#include "domain/form.h"
#include "domain/money.h"

#define DEFAULT_MCHID "1900000001"
#define DEFAULT_APPID "wxd678efh567hg6787"
#define DEFAULT_KEY_ID "PUB_KEY_ID_0119000000000000000000000001"
#define DEFAULT_ALIPAY_APP_ID "2021000000000001"
#define DEFAULT_SELLER_ID "2088101117955611"

static const char *env_or(const char *name, const char *fallback)
{
    const char *v = getenv(name);
    return v && *v ? v : fallback;
}

static void die(const char *what)
{
    fprintf(stderr, "platform_sim: %s\n", what);
    exit(2);
}

/* n random characters from [0-9A-Za-z] and a NUL. */
static void random_text(char *out, size_t n)
{
    static const char set[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
                              "abcdefghijklmnopqrstuvwxyz";
    unsigned char r[64];
    if (n > sizeof r || RAND_bytes(r, (int)n) != 1)
        die("no randomness");
    for (size_t i = 0; i < n; i++)
        out[i] = set[r[i] % (sizeof set - 1)];
    out[n] = '\0';
}

static char *path_in(const char *dir, const char *name)
{
    static char buf[4096];
    if (snprintf(buf, sizeof buf, "%s/%s", dir, name) >= (int)sizeof buf)
        die("path too long");
    return buf;
}

/* Reads DIR/wechatpay_apiv3.key: exactly 32 characters, maybe a newline. */
static void read_apiv3(const char *dir, char key[34])
{
    FILE *f = fopen(path_in(dir, "wechatpay_apiv3.key"), "r");
    size_t n = f ? fread(key, 1, 33, f) : 0;
    if (f)
        fclose(f);
    key[n] = '\0';
    if (strcspn(key, "\r\n") != 32)
        die("wechatpay_apiv3.key must hold 32 characters (run keygen)");
}

static EVP_PKEY *read_private(const char *dir, const char *name)
{
    FILE *f = fopen(path_in(dir, name), "r");
    EVP_PKEY *key = f ? PEM_read_PrivateKey(f, NULL, NULL, NULL) : NULL;
    if (f)
        fclose(f);
    if (!key)
        die("cannot read the private key (run keygen first)");
    return key;
}

static FILE *create(const char *dir, const char *name, mode_t mode)
{
    const char *path = path_in(dir, name);
    FILE *f = fopen(path, "w");
    if (!f || chmod(path, mode) != 0)
        die(strerror(errno));
    return f;
}

/* Writes a new RSA-2048 key to DIR/priv_name (PKCS#8 PEM, 0600) and its
 * public half to DIR/pub_name as PEM, or as bare base64 DER when bare. */
static void make_key(const char *dir, const char *priv_name,
                     const char *pub_name, int bare)
{
    EVP_PKEY *key = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048);
    FILE *priv = create(dir, priv_name, 0600),
         *pub = create(dir, pub_name, 0644);
    unsigned char *der = NULL;
    int n = key ? i2d_PUBKEY(key, &der) : 0;
    char b64[1024];
    if (n <= 0 || !PEM_write_PrivateKey(priv, key, NULL, NULL, 0, NULL, NULL) ||
        !(bare ? b64_encode(der, (size_t)n, b64, sizeof b64) &&
                     fprintf(pub, "%s\n", b64) > 0
               : PEM_write_PUBKEY(pub, key)) ||
        fclose(priv) != 0 || fclose(pub) != 0)
        die("cannot make a key");
    OPENSSL_free(der);
    EVP_PKEY_free(key);
}

static int cmd_keygen(const char *dir)
{
    char apiv3[33];
    struct stat st;
    mkdir(dir, 0700);
    if (stat(path_in(dir, "alipay_public.txt"), &st) == 0) {
        printf("keys already in %s (delete them to make new ones)\n", dir);
    } else {
        make_key(dir, "wechatpay_platform_key.pem",
                 "wechatpay_platform_pub.pem", 0);
        random_text(apiv3, 32);
        FILE *f = create(dir, "wechatpay_apiv3.key", 0600);
        if (fputs(apiv3, f) == EOF || fclose(f) != 0)
            die(strerror(errno));
        make_key(dir, "alipay_private.pem", "alipay_public.txt", 1);
        printf("wrote keys to %s\n", dir);
    }
    printf("WECHATPAY_PUBLIC_KEY_FILE=%s/wechatpay_platform_pub.pem\n"
           "WECHATPAY_PUBLIC_KEY_ID=%s\n"
           "WECHATPAY_APIV3_KEY=$(cat %s/wechatpay_apiv3.key)\n"
           "ALIPAY_PUBLIC_KEY_FILE=%s/alipay_public.txt\n",
           dir, env_or("WECHATPAY_PUBLIC_KEY_ID", DEFAULT_KEY_ID), dir, dir);
    return 0;
}

/* "2024-11-02T10:34:56+08:00" (rfc3339) or "2024-11-02 10:34:56", in
 * Beijing time. */
static void beijing_time(char out[32], int rfc3339)
{
    time_t t = time(NULL) + 8 * 3600;
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, 32, rfc3339 ? "%Y-%m-%dT%H:%M:%S+08:00" : "%F %T", &tm);
}

/* POSTs body with headers; prints the status and the answer, stores the
 * answer in *answer (caller frees). Returns the HTTP status. */
static long post(const char *url, struct curl_slist *headers, const char *body,
                 char **answer)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&buf, &len);
    CURL *c = curl_easy_init();
    long status = 0;
    if (!mem || !c)
        die("cannot start libcurl");
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, mem);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 10L);
    CURLcode rc = curl_easy_perform(c);
    fclose(mem);
    if (rc != CURLE_OK) {
        fprintf(stderr, "platform_sim: %s\n", curl_easy_strerror(rc));
        exit(1);
    }
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    curl_easy_cleanup(c);
    printf("HTTP %ld\n%s\n", status, buf);
    *answer = buf;
    return status;
}

static char *wechat_body(const char *summary, json_t *resource)
{
    char id[37];
    char now[32];
    random_text(id, 36);
    beijing_time(now, 1);
    json_t *b = json_pack(
        "{s:s, s:s, s:s, s:s, s:s, s:O}", "id", id, "create_time", now,
        "resource_type", "encrypt-resource", "event_type",
        "TRANSACTION.SUCCESS", "summary", summary, "resource", resource);
    char *text = json_dumps(b, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(b);
    return text;
}

/* A signed notification of a successful payment of order out_trade_no:
 * the body, and the header values that sign it at ts (caller frees the
 * three strings). tamper: the body is changed after signing. */
typedef struct {
    char *body, *sig;
    char nonce[33], ts[24];
} wechat_note;

static void wechat_note_make(const char *apiv3, EVP_PKEY *key,
                             const char *trade_no, long long fen,
                             const char *txid, long long ts, int tamper,
                             wechat_note *out)
{
    char paid_at[32], aead_nonce[13];
    beijing_time(paid_at, 1);
    json_t *tx =
        json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:{s:s}, "
                  "s:{s:I, s:I, s:s, s:s}}",
                  "appid", env_or("WECHATPAY_APPID", DEFAULT_APPID), "mchid",
                  env_or("WECHATPAY_MCHID", DEFAULT_MCHID), "out_trade_no",
                  trade_no, "transaction_id", txid, "trade_type", "NATIVE",
                  "trade_state", "SUCCESS", "trade_state_desc", "支付成功",
                  "bank_type", "OTHERS", "attach", "", "success_time", paid_at,
                  "payer", "openid", "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o", "amount",
                  "total", (json_int_t)fen, "payer_total", (json_int_t)fen,
                  "currency", "CNY", "payer_currency", "CNY");
    char *plain = json_dumps(tx, JSON_COMPACT | JSON_PRESERVE_ORDER);
    size_t plen = strlen(plain), clen = plen + AEAD_TAG_BYTES;
    uint8_t *ct = malloc(clen);
    char *ct_b64 = malloc(b64_encoded_size(clen));
    random_text(aead_nonce, 12);
    if (!aes256gcm_encrypt((const uint8_t *)apiv3, aead_nonce, 12,
                           "transaction", 11, (const uint8_t *)plain, plen, ct,
                           &clen) ||
        !b64_encode(ct, clen, ct_b64, b64_encoded_size(clen)))
        die("encryption failed");
    json_t *resource =
        json_pack("{s:s, s:s, s:s, s:s, s:s}", "original_type", "transaction",
                  "algorithm", "AEAD_AES_256_GCM", "ciphertext", ct_b64,
                  "associated_data", "transaction", "nonce", aead_nonce);

    out->body = wechat_body("支付成功", resource);
    random_text(out->nonce, 32);
    snprintf(out->ts, sizeof out->ts, "%lld", ts);
    size_t mlen = strlen(out->ts) + strlen(out->nonce) + strlen(out->body) + 3;
    char *msg = malloc(mlen + 1);
    snprintf(msg, mlen + 1, "%s\n%s\n%s\n", out->ts, out->nonce, out->body);
    out->sig = rsa_sha256_sign_b64(key, msg, mlen);
    if (!out->sig)
        die("signing failed");
    if (tamper) { /* same signature, another body */
        free(out->body);
        out->body = wechat_body("支付成功 ", resource);
    }
    free(msg);
    json_decref(resource);
    free(ct_b64);
    free(ct);
    free(plain);
    json_decref(tx);
}

static void wechat_note_free(wechat_note *n)
{
    free(n->body);
    free(n->sig);
}

static int cmd_wechat(char **argv, int argc)
{
    const char *dir = argv[0], *url = argv[1];
    char *end;
    long long fen = strtoll(argv[3], &end, 10);
    if (*argv[3] == '\0' || *end != '\0')
        die("amount_fen must be an integer");
    long long ts = (long long)time(NULL);
    int tamper = 0;
    for (int i = 5; i < argc; i++) {
        if (strcmp(argv[i], "--tamper") == 0)
            tamper = 1;
        else if (strcmp(argv[i], "--timestamp") == 0 && i + 1 < argc)
            ts = strtoll(argv[++i], NULL, 10);
        else
            die("unknown option");
    }
    char apiv3[34];
    read_apiv3(dir, apiv3);
    EVP_PKEY *key = read_private(dir, "wechatpay_platform_key.pem");
    wechat_note n;
    wechat_note_make(apiv3, key, argv[2], fen, argv[4], ts, tamper, &n);

    const char *headers[][2] = {
        {"Content-Type", "application/json"},
        {"Expect", ""}, /* no 100-continue round trip */
        {"Wechatpay-Timestamp", n.ts},
        {"Wechatpay-Nonce", n.nonce},
        {"Wechatpay-Signature", n.sig},
        {"Wechatpay-Serial", env_or("WECHATPAY_PUBLIC_KEY_ID", DEFAULT_KEY_ID)},
        {"Wechatpay-Signature-Type", WECHAT_SIG_TYPE},
    };
    struct curl_slist *h = NULL;
    for (size_t i = 0; i < sizeof headers / sizeof headers[0]; i++) {
        char line[1024];
        snprintf(line, sizeof line, "%s:%s%s", headers[i][0],
                 *headers[i][1] ? " " : "", headers[i][1]); /* "X:" drops X */
        h = curl_slist_append(h, line);
    }
    printf("POST %s\n%s\n", url, n.body);
    char *answer;
    long status = post(url, h, n.body, &answer);
    curl_slist_free_all(h);
    free(answer);
    wechat_note_free(&n);
    EVP_PKEY_free(key);
    return status == 200 || status == 204 ? 0 : 1;
}

/* For load tests (bench/all.sh): reads "out_trade_no amount_fen
 * transaction_id" lines on stdin and writes, for each, one line
 * "timestamp TAB nonce TAB signature TAB body" (the body is compact JSON:
 * no tab, no newline), signed now. The notifications stay fresh for
 * WECHAT_MAX_SKEW_SECONDS. */
static int cmd_wechat_batch(const char *dir)
{
    char apiv3[34], line[256], trade_no[64], txid[96];
    long long fen;
    read_apiv3(dir, apiv3);
    EVP_PKEY *key = read_private(dir, "wechatpay_platform_key.pem");
    while (fgets(line, sizeof line, stdin)) {
        if (sscanf(line, "%63s %lld %95s", trade_no, &fen, txid) != 3)
            die("wechat-batch: lines must be out_trade_no amount_fen "
                "transaction_id");
        wechat_note n;
        wechat_note_make(apiv3, key, trade_no, fen, txid, (long long)time(NULL),
                         0, &n);
        if (printf("%s\t%s\t%s\t%s\n", n.ts, n.nonce, n.sig, n.body) < 0)
            die(strerror(errno));
        wechat_note_free(&n);
    }
    EVP_PKEY_free(key);
    return fflush(stdout) == 0 ? 0 : 2;
}

/* Appends s to w percent-encoded as a form does (space as '+'). */
static char *form_encode(char *w, const char *s)
{
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if ((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') ||
            (c >= 'a' && c <= 'z') || strchr("-._*", c))
            *w++ = (char)c;
        else if (c == ' ')
            *w++ = '+';
        else
            w += sprintf(w, "%%%02X", c);
    }
    return w;
}

/* The form body of n key/value pairs; caller frees. */
static char *form_body(const char *const (*kv)[2], size_t n)
{
    size_t cap = 1;
    for (size_t i = 0; i < n; i++)
        cap += 3 * (strlen(kv[i][0]) + strlen(kv[i][1])) + 2;
    char *body = malloc(cap), *w = body;
    for (size_t i = 0; i < n; i++) {
        if (i)
            *w++ = '&';
        w = form_encode(w, kv[i][0]);
        *w++ = '=';
        w = form_encode(w, kv[i][1]);
    }
    *w = '\0';
    return body;
}

static int cmd_alipay(char **argv, int argc)
{
    const char *dir = argv[0], *url = argv[1];
    int64_t fen;
    int tamper = argc > 5 && strcmp(argv[5], "--tamper") == 0;
    if (argc > 5 + tamper)
        die("unknown option");
    if (!money_parse_yuan(argv[3], &fen))
        die("amount_yuan must look like 350.00");
    EVP_PKEY *key = read_private(dir, "alipay_private.pem");
    char amount[32], now[32], notify_id[33], funds[128];
    money_format_yuan(fen, amount);
    beijing_time(now, 0);
    random_text(notify_id, 32);
    snprintf(funds, sizeof funds,
             "[{\"amount\":\"%s\",\"fundChannel\":\"ALIPAYACCOUNT\"}]", amount);
    const char *kv[][2] = {
        {"gmt_create", now},
        {"charset", "utf-8"},
        {"seller_email", "medins@example.com"},
        {"subject", "城乡居民医保缴费"},
        {"buyer_id", "2088102177846880"},
        {"invoice_amount", amount},
        {"notify_id", notify_id},
        {"fund_bill_list", funds},
        {"notify_type", "trade_status_sync"},
        {"trade_status", "TRADE_SUCCESS"},
        {"receipt_amount", amount},
        {"buyer_pay_amount", amount},
        {"app_id", env_or("ALIPAY_APP_ID", DEFAULT_ALIPAY_APP_ID)},
        {"sign_type", "RSA2"},
        {"seller_id", env_or("ALIPAY_SELLER_ID", DEFAULT_SELLER_ID)},
        {"gmt_payment", now},
        {"notify_time", now},
        {"version", "1.0"},
        {"out_trade_no", argv[2]},
        {"total_amount", amount},
        {"trade_no", argv[4]},
        {"body", ""},
        {"point_amount", "0.00"},
    };
    size_t n = sizeof kv / sizeof kv[0];
    char *body = form_body(kv, n);
    form f;
    if (form_parse(body, strlen(body), &f) != FORM_OK)
        die("cannot parse our own form");
    char *content = alipay_sign_content(&f);
    char *sig =
        content ? rsa_sha256_sign_b64(key, content, strlen(content)) : NULL;
    if (!sig)
        die("signing failed");
    form_free(&f);
    if (tamper) { /* same signature, one fen more */
        money_format_yuan(fen + 1, amount);
        free(body);
        body = form_body(kv, n);
    }
    char *signed_body = malloc(strlen(body) + 3 * strlen(sig) + 8);
    char *w = signed_body + sprintf(signed_body, "%s&sign=", body);
    form_encode(w, sig)[0] = '\0';

    struct curl_slist *h = curl_slist_append(
        NULL, "Content-Type: application/x-www-form-urlencoded; charset=utf-8");
    h = curl_slist_append(h, "Expect:");
    printf("POST %s\n%s\n", url, signed_body);
    char *answer;
    post(url, h, signed_body, &answer);
    int received = strcmp(answer, "success") == 0;
    curl_slist_free_all(h);
    free(answer);
    free(signed_body);
    free(sig);
    free(content);
    free(body);
    EVP_PKEY_free(key);
    return received ? 0 : 1;
}

int main(int argc, char **argv)
{
    int rc = 2;
    curl_global_init(CURL_GLOBAL_DEFAULT);
    if (argc == 3 && strcmp(argv[1], "keygen") == 0)
        rc = cmd_keygen(argv[2]);
    else if (argc == 3 && strcmp(argv[1], "wechat-batch") == 0)
        rc = cmd_wechat_batch(argv[2]);
    else if (argc >= 7 && strcmp(argv[1], "wechat") == 0)
        rc = cmd_wechat(argv + 2, argc - 2);
    else if (argc >= 7 && strcmp(argv[1], "alipay") == 0)
        rc = cmd_alipay(argv + 2, argc - 2);
    else
        fprintf(stderr,
                "usage: platform_sim keygen DIR\n"
                "       platform_sim wechat DIR URL out_trade_no amount_fen "
                "transaction_id [--timestamp N] [--tamper]\n"
                "       platform_sim wechat-batch DIR < lines\n"
                "       platform_sim alipay DIR URL out_trade_no amount_yuan "
                "trade_no [--tamper]\n");
    curl_global_cleanup();
    return rc;
}
