/*
 * platforms.c: plays WeChat Pay and Alipay with the keys the harness made
 * (VAR_DIR/keys): one notification is signed once and the same bytes are
 * delivered by several threads released together, as a platform that
 * retries while the first copy is still being recorded would.
 */
#define _POSIX_C_SOURCE 200809L
#include "faults/faults.h"
#include "integration/harness.h"

#include "crypto/aead.h"
#include "crypto/b64.h"
#include "crypto/rsa_verify.h"

#include <openssl/pem.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define SERIAL "PUB_KEY_ID_0119000000000000000000000001"

enum { MAX_COPIES = 32 };

static EVP_PKEY *private_key(const char *name)
{
    char path[512];
    snprintf(path, sizeof path, "%s/keys/%s", harness_dir(), name);
    FILE *f = fopen(path, "r");
    EVP_PKEY *k = f ? PEM_read_PrivateKey(f, NULL, NULL, NULL) : NULL;
    if (f)
        fclose(f);
    if (!k) {
        fprintf(stderr, "faults: cannot read %s\n", path);
        exit(2);
    }
    return k;
}

typedef struct {
    const char *path, *ctype, *body;
    const char *const *headers;
    pthread_barrier_t *go;
    long status;
    char *reply;
} delivery;

static void *deliver(void *arg)
{
    delivery *d = arg;
    int curl_code;
    pthread_barrier_wait(d->go);
    d->status = faults_post(d->path, d->headers, d->ctype, d->body, &curl_code,
                            &d->reply);
    return NULL;
}

/* Delivers the same request from `copies` threads at once. alipay: the
 * platform counts only the body "success" as received. */
static deliveries deliver_copies(const char *path, const char *const *headers,
                                 const char *ctype, const char *body,
                                 int copies, bool alipay)
{
    delivery d[MAX_COPIES];
    pthread_t t[MAX_COPIES];
    pthread_barrier_t go;
    deliveries out = {0, 0, 0};
    if (copies > MAX_COPIES)
        copies = MAX_COPIES;
    pthread_barrier_init(&go, NULL, (unsigned)copies);
    for (int i = 0; i < copies; i++) {
        d[i] = (delivery){path, ctype, body, headers, &go, 0, NULL};
        pthread_create(&t[i], NULL, deliver, &d[i]);
    }
    for (int i = 0; i < copies; i++) {
        pthread_join(t[i], NULL);
        bool ok = alipay ? d[i].status == 200 && !strcmp(d[i].reply, "success")
                         : d[i].status == 200 || d[i].status == 204;
        if (ok)
            out.received++;
        else if (d[i].status == 0 || d[i].status >= 500)
            out.retryable++;
        else {
            out.refused++;
            fprintf(stderr, "faults: %s refused: %ld %s\n", path, d[i].status,
                    d[i].reply);
        }
        free(d[i].reply);
    }
    pthread_barrier_destroy(&go);
    return out;
}

deliveries faults_wechat(const char *out_trade_no, long amount,
                         const char *transaction_id, int copies)
{
    static uint8_t apiv3[33];
    char path[512];
    snprintf(path, sizeof path, "%s/keys/wechatpay_apiv3.key", harness_dir());
    FILE *f = fopen(path, "r");
    if (!f || fread(apiv3, 1, 32, f) != 32) {
        fprintf(stderr, "faults: cannot read %s\n", path);
        exit(2);
    }
    fclose(f);
    char tx[1024];
    snprintf(tx, sizeof tx,
             "{\"appid\":\"wxd678efh567hg6787\",\"mchid\":\"1900000001\","
             "\"out_trade_no\":\"%s\",\"transaction_id\":\"%s\","
             "\"trade_type\":\"JSAPI\",\"trade_state\":\"SUCCESS\","
             "\"trade_state_desc\":\"ok\",\"bank_type\":\"OTHERS\","
             "\"attach\":\"\",\"success_time\":\"%s\","
             "\"payer\":{\"openid\":\"o1\"},\"amount\":{\"total\":%ld,"
             "\"payer_total\":%ld,\"currency\":\"CNY\","
             "\"payer_currency\":\"CNY\"}}",
             out_trade_no, transaction_id, faults_paid_at, amount, amount);
    uint8_t sealed[1200];
    size_t sealed_len = sizeof sealed;
    char cipher[1800], body[2600], ts[24], msg[3000];
    if (!aes256gcm_encrypt(apiv3, "f1a2u3l4t5s6", 12, "transaction", 11,
                           (const uint8_t *)tx, strlen(tx), sealed,
                           &sealed_len) ||
        !b64_encode(sealed, sealed_len, cipher, sizeof cipher)) {
        fprintf(stderr, "faults: cannot seal the WeChat resource\n");
        exit(2);
    }
    snprintf(body, sizeof body,
             "{\"id\":\"EV-%s\",\"create_time\":\"%s\","
             "\"resource_type\":\"encrypt-resource\",\"event_type\":"
             "\"TRANSACTION.SUCCESS\",\"summary\":\"ok\",\"resource\":{"
             "\"original_type\":\"transaction\",\"algorithm\":"
             "\"AEAD_AES_256_GCM\",\"ciphertext\":\"%s\",\"associated_data\":"
             "\"transaction\",\"nonce\":\"f1a2u3l4t5s6\"}}",
             transaction_id, faults_paid_at, cipher);
    snprintf(ts, sizeof ts, "%ld", (long)time(NULL));
    snprintf(msg, sizeof msg, "%s\nnonce-%s\n%s\n", ts, transaction_id, body);
    EVP_PKEY *key = private_key("wechatpay_platform_key.pem");
    char *sig = rsa_sha256_sign_b64(key, msg, strlen(msg));
    EVP_PKEY_free(key);
    char h_ts[64], h_nonce[96], h_sig[600];
    snprintf(h_ts, sizeof h_ts, "Wechatpay-Timestamp: %s", ts);
    snprintf(h_nonce, sizeof h_nonce, "Wechatpay-Nonce: nonce-%s",
             transaction_id);
    snprintf(h_sig, sizeof h_sig, "Wechatpay-Signature: %s", sig);
    free(sig);
    const char *headers[] = {
        h_ts,
        h_nonce,
        h_sig,
        "Wechatpay-Serial: " SERIAL,
        "Wechatpay-Signature-Type: WECHATPAY2-SHA256-RSA2048",
        NULL};
    return deliver_copies("/v1/callbacks/wechatpay", headers,
                          "application/json", body, copies, false);
}

/* Appends s percent-encoded (all but unreserved characters) to out. */
static void form_encode(char *out, size_t n, const char *s)
{
    size_t len = strlen(out);
    for (; *s && len + 4 < n; s++) {
        unsigned char c = (unsigned char)*s;
        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
            (c >= '0' && c <= '9') || strchr("-._~", c))
            out[len++] = (char)c;
        else
            len += (size_t)snprintf(out + len, n - len, "%%%02X", c);
    }
    out[len] = '\0';
}

deliveries faults_alipay(const char *out_trade_no, long amount,
                         const char *trade_no, int copies)
{
    char yuan[32], at[20];
    snprintf(yuan, sizeof yuan, "%ld.%02ld", amount / 100, amount % 100);
    snprintf(at, sizeof at, "%.10s %.8s", faults_paid_at, faults_paid_at + 11);
    /* sorted by key: the signed content is the pairs in this order */
    const char *kv[][2] = {
        {"app_id", "2021000000000001"},
        {"buyer_id", "2088000000000001"},
        {"charset", "utf-8"},
        {"gmt_create", at},
        {"gmt_payment", at},
        {"notify_id", trade_no},
        {"notify_time", at},
        {"notify_type", "trade_status_sync"},
        {"out_trade_no", out_trade_no},
        {"receipt_amount", yuan},
        {"subject", "medins faults"},
        {"total_amount", yuan},
        {"trade_no", trade_no},
        {"trade_status", "TRADE_SUCCESS"},
        {"version", "1.0"},
    };
    char content[2048] = "", body[4096] = "";
    for (size_t i = 0; i < sizeof kv / sizeof kv[0]; i++) {
        size_t len = strlen(content), blen = strlen(body);
        snprintf(content + len, sizeof content - len, "%s%s=%s", i ? "&" : "",
                 kv[i][0], kv[i][1]);
        snprintf(body + blen, sizeof body - blen, "%s%s=", i ? "&" : "",
                 kv[i][0]);
        form_encode(body, sizeof body, kv[i][1]);
    }
    EVP_PKEY *key = private_key("alipay_private.pem");
    char *sig = rsa_sha256_sign_b64(key, content, strlen(content));
    EVP_PKEY_free(key);
    size_t blen = strlen(body);
    snprintf(body + blen, sizeof body - blen, "&sign_type=RSA2&sign=");
    form_encode(body, sizeof body, sig);
    free(sig);
    return deliver_copies("/v1/callbacks/alipay", NULL,
                          "application/x-www-form-urlencoded; charset=utf-8",
                          body, copies, true);
}
