/*
 * test_callbacks.c: the tests play WeChat Pay and Alipay with the keys the
 * harness generated (VAR_DIR/keys), against payment orders.
 */
#define _POSIX_C_SOURCE 200809L
#include "integration/harness.h"

#include "crypto/aead.h"
#include "crypto/b64.h"
#include "crypto/rsa_verify.h"

#include <check.h>
#include <openssl/pem.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define CTY "330106000000"
#define TWN "330106001000"
#define VIL "330106001001"
#define SERIAL "PUB_KEY_ID_0119000000000000000000000001"

static char ids[8][19];
static EVP_PKEY *wechat_key, *alipay_key, *stranger_key;
static uint8_t apiv3[33];

static EVP_PKEY *private_key(const char *name)
{
    char path[512];
    snprintf(path, sizeof path, "%s/keys/%s", harness_dir(), name);
    FILE *f = fopen(path, "r");
    ck_assert_ptr_nonnull(f);
    EVP_PKEY *k = PEM_read_PrivateKey(f, NULL, NULL, NULL);
    fclose(f);
    ck_assert_ptr_nonnull(k);
    return k;
}

static void setup_once(void)
{
    static bool done;
    if (done)
        return;
    done = true;
    wechat_key = private_key("wechatpay_platform_key.pem");
    alipay_key = private_key("alipay_private.pem");
    stranger_key = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048);
    char path[512];
    snprintf(path, sizeof path, "%s/keys/wechatpay_apiv3.key", harness_dir());
    FILE *f = fopen(path, "r");
    ck_assert(f && fread(apiv3, 1, 32, f) == 32);
    fclose(f);
    for (int i = 0; i < 8; i++) {
        char first17[18];
        snprintf(first17, sizeof first17, "33010619%02d0505%03d", 60 + i,
                 200 + i);
        make_id(first17, ids[i]);
    }
    http_reply r =
        http("POST", "/v1/regions/import", ADMIN, "text/csv",
             "code,name,level,parent_code\n" CTY ",西湖区,county,\n" TWN
             ",北山街道,township," CTY "\n" VIL ",保俶社区,village," TWN "\n");
    expect(&r, 200);
    http_reply_free(&r);
    r = http_json("PUT", "/v1/years/2027", ADMIN,
                  "{\"collection_start\":\"2026-09-01\",\"collection_end\":"
                  "\"2026-12-31\","
                  "\"tiers\":[{\"tier\":1,\"contribution\":40000,\"fiscal_"
                  "subsidy\":70000}]}");
    ck_assert(r.status == 200 || r.status == 201);
    http_reply_free(&r);
    for (int h = 0; h < 4; h++) {
        char body[512];
        snprintf(body, sizeof body,
                 "{\"household_no\":\"CB-%d\",\"region_code\":\"" VIL
                 "\",\"members\":["
                 "{\"id_number\":\"%s\",\"name\":\"甲%d\"},{\"id_number\":\"%"
                 "s\",\"name\":\"乙%d\"}]}",
                 h, ids[2 * h], h, ids[2 * h + 1], h);
        r = http_json("POST", "/v1/households", ADMIN, body);
        expect(&r, 201);
        http_reply_free(&r);
    }
}

/* Creates an order for household CB-n; returns its trade number. */
static void order(int n, const char *channel, char out[40], long *amount)
{
    char body[160];
    snprintf(body, sizeof body,
             "{\"household_no\":\"CB-%d\",\"year\":2027,\"tier\":1,\"channel\":"
             "\"%s\"}",
             n, channel);
    http_reply r = http_json("POST", "/v1/payment-orders", ADMIN, body);
    expect(&r, 201);
    snprintf(out, 40, "%s",
             json_string_value(json_object_get(r.json, "out_trade_no")));
    *amount = (long)json_integer_value(json_object_get(r.json, "amount"));
    http_reply_free(&r);
}

typedef struct {
    long ts_shift;      /* seconds added to now */
    EVP_PKEY *signer;   /* default: the platform key */
    bool tamper;        /* change the body after signing */
    const char *serial; /* default: SERIAL */
    const char *mchid;  /* default: ours */
    bool signtest;
} wx_opts;

/* Posts a WeChat Pay notification for trade_no, signed as told. */
static http_reply wechat(const char *trade_no, const char *txid, long amount,
                         wx_opts o)
{
    char tx[1024];
    snprintf(
        tx, sizeof tx,
        "{\"appid\":\"wxd678efh567hg6787\",\"mchid\":\"%s\",\"out_trade_no\":"
        "\"%s\","
        "\"transaction_id\":\"%s\",\"trade_type\":\"JSAPI\",\"trade_state\":"
        "\"SUCCESS\","
        "\"trade_state_desc\":\"支付成功\",\"bank_type\":\"OTHERS\",\"attach\":"
        "\"\","
        "\"success_time\":\"2026-10-01T10:00:00+08:00\",\"payer\":{\"openid\":"
        "\"o1\"},"
        "\"amount\":{\"total\":%ld,\"payer_total\":%ld,\"currency\":\"CNY\","
        "\"payer_currency\":\"CNY\"}}",
        o.mchid ? o.mchid : "1900000001", trade_no, txid, amount, amount);
    uint8_t sealed[1200];
    size_t sealed_len = sizeof sealed;
    ck_assert(aes256gcm_encrypt(apiv3, "a1b2c3d4e5f6", 12, "transaction", 11,
                                (const uint8_t *)tx, strlen(tx), sealed,
                                &sealed_len));
    char cipher[1800], body[2600];
    ck_assert(b64_encode(sealed, sealed_len, cipher, sizeof cipher));
    snprintf(body, sizeof body,
             "{\"id\":\"EV-%s\",\"create_time\":\"2026-10-01T10:00:01+08:00\","
             "\"resource_type\":\"encrypt-resource\",\"event_type\":"
             "\"TRANSACTION.SUCCESS\","
             "\"summary\":\"支付成功\",\"resource\":{\"original_type\":"
             "\"transaction\","
             "\"algorithm\":\"AEAD_AES_256_GCM\",\"ciphertext\":\"%s\","
             "\"associated_data\":\"transaction\",\"nonce\":\"a1b2c3d4e5f6\"}}",
             txid, cipher);
    char ts[24], msg[3000];
    snprintf(ts, sizeof ts, "%ld", (long)time(NULL) + o.ts_shift);
    snprintf(msg, sizeof msg, "%s\nnonce-%s\n%s\n", ts, txid, body);
    char *sig =
        rsa_sha256_sign_b64(o.signer ? o.signer : wechat_key, msg, strlen(msg));
    if (o.tamper)
        body[strlen(body) - 3] = 'X'; /* inside the nonce string */
    char h_ts[64], h_nonce[96], h_sig[600], h_serial[128];
    snprintf(h_ts, sizeof h_ts, "Wechatpay-Timestamp: %s", ts);
    snprintf(h_nonce, sizeof h_nonce, "Wechatpay-Nonce: nonce-%s", txid);
    snprintf(h_sig, sizeof h_sig, "Wechatpay-Signature: %s%s",
             o.signtest ? "WECHATPAY/SIGNTEST/" : "", sig);
    snprintf(h_serial, sizeof h_serial, "Wechatpay-Serial: %s",
             o.serial ? o.serial : SERIAL);
    const char *headers[] = {
        h_ts,
        h_nonce,
        h_sig,
        h_serial,
        "Wechatpay-Signature-Type: WECHATPAY2-SHA256-RSA2048",
        NULL};
    free(sig);
    return http_headers("POST", "/v1/callbacks/wechatpay", headers,
                        "application/json", body);
}

static const char *order_status(const char *trade_no)
{
    static char status[16];
    char path[96];
    snprintf(path, sizeof path, "/v1/payment-orders/%s", trade_no);
    http_reply r = http("GET", path, ADMIN, NULL, NULL);
    snprintf(status, sizeof status, "%s",
             json_string_value(json_object_get(r.json, "status")));
    http_reply_free(&r);
    return status;
}

START_TEST(a_wechat_notification_pays_its_order_once)
{
    setup_once();
    char no[40];
    long amount;
    order(0, "wechat", no, &amount);
    ck_assert_int_eq(amount, 80000);
    http_reply r = wechat(no, "4200000001", amount, (wx_opts){0});
    expect(&r, 204);
    http_reply_free(&r);
    ck_assert_str_eq(order_status(no), "paid");
    r = wechat(no, "4200000001", amount, (wx_opts){0}); /* retried */
    expect(&r, 204);
    http_reply_free(&r);
    ck_assert_int_eq(
        harness_count(
            "SELECT count(*) FROM payments WHERE external_id = '4200000001'"),
        1);
    ck_assert_int_eq(
        harness_count(
            "SELECT count(*) FROM payment_items i JOIN payments p "
            "ON p.id = i.payment_id WHERE p.external_id = '4200000001'"),
        2);
}
END_TEST

typedef struct {
    const char *no;
    long amount, status;
} wx_call;

static void *send_copy(void *arg)
{
    wx_call *c = arg;
    http_reply r = wechat(c->no, "4200000002", c->amount, (wx_opts){0});
    c->status = r.status;
    http_reply_free(&r);
    return NULL;
}

START_TEST(sixteen_parallel_copies_record_one_payment)
{
    setup_once();
    char no[40];
    long amount;
    order(1, "wechat", no, &amount);
    wx_call calls[16];
    pthread_t t[16];
    for (int i = 0; i < 16; i++) {
        calls[i] = (wx_call){no, amount, 0};
        pthread_create(&t[i], NULL, send_copy, &calls[i]);
    }
    for (int i = 0; i < 16; i++) {
        pthread_join(t[i], NULL);
        ck_assert_int_eq(calls[i].status, 204);
    }
    ck_assert_int_eq(
        harness_count(
            "SELECT count(*) FROM payments WHERE external_id = '4200000002'"),
        1);
    ck_assert_int_eq(
        harness_count("SELECT count(*) FROM payment_anomalies WHERE "
                      "external_id = '4200000002'"),
        0);
}
END_TEST

START_TEST(forged_tampered_stale_or_probing_notifications_are_refused)
{
    setup_once();
    char no[40];
    long amount;
    order(2, "wechat", no, &amount);
    static const struct {
        const char *rule;
        wx_opts o;
    } cases[] = {
        {"signed with another key", {.signer = NULL}},
        {"body changed after signing", {.tamper = true}},
        {"timestamp six minutes old", {.ts_shift = -360}},
        {"timestamp six minutes ahead", {.ts_shift = 360}},
        {"SIGNTEST probe", {.signtest = true}},
        {"unknown serial", {.serial = "PUB_KEY_ID_9999"}},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        wx_opts o = cases[i].o;
        if (i == 0)
            o.signer = stranger_key;
        http_reply r = wechat(no, "4200000003", amount, o);
        ck_assert_msg(r.status == 401, "%s: %ld", cases[i].rule, r.status);
        ck_assert_str_eq(json_string_value(json_object_get(r.json, "code")),
                         "FAIL");
        http_reply_free(&r);
    }
    ck_assert_str_eq(order_status(no), "open");
    ck_assert_int_eq(
        harness_count(
            "SELECT count(*) FROM payments WHERE external_id = '4200000003'"),
        0);
}
END_TEST

START_TEST(signed_but_wrong_notifications_are_anomalies_that_pay_nothing)
{
    setup_once();
    char no[40];
    long amount;
    order(2, "wechat", no, &amount);
    http_reply r = wechat(no, "4200000004", amount - 1, (wx_opts){0});
    expect(&r, 204);
    http_reply_free(&r);
    r = wechat("MI20261001UNKNOWN00000000", "4200000005", amount, (wx_opts){0});
    expect(&r, 204);
    http_reply_free(&r);
    r = wechat(no, "4200000006", amount, (wx_opts){.mchid = "1900009999"});
    expect(&r, 204);
    http_reply_free(&r);
    ck_assert_str_eq(order_status(no), "open");
    ck_assert_int_eq(
        harness_count(
            "SELECT count(*) FROM payment_anomalies WHERE "
            "(external_id, kind) IN (('4200000004', 'amount_mismatch'), "
            "('4200000005', 'unknown_order'), ('4200000006', "
            "'wrong_merchant'))"),
        3);
    ck_assert_int_eq(
        harness_count(
            "SELECT count(*) FROM payments WHERE external_id LIKE '420000000_' "
            "AND external_id > '4200000003'"),
        0);
}
END_TEST

/* Posts an Alipay notification: params "k=v&…" (values plain), signed. */
static http_reply alipay(const char *params, EVP_PKEY *signer, bool tamper)
{
    /* the signed content: sorted by key, joined by &, values decoded */
    char *pairs[40];
    int n = 0;
    char *copy = strdup(params), *save = NULL;
    for (char *p = strtok_r(copy, "&", &save); p && n < 40;
         p = strtok_r(NULL, "&", &save))
        pairs[n++] = p;
    for (int i = 1; i < n; i++)
        for (int j = i; j > 0; j--) {
            size_t a = strcspn(pairs[j - 1], "="), b = strcspn(pairs[j], "=");
            char ka[64], kb[64];
            snprintf(ka, sizeof ka, "%.*s", (int)a, pairs[j - 1]);
            snprintf(kb, sizeof kb, "%.*s", (int)b, pairs[j]);
            if (strcmp(ka, kb) > 0) {
                char *t = pairs[j];
                pairs[j] = pairs[j - 1];
                pairs[j - 1] = t;
            }
        }
    char content[2048] = "";
    for (int i = 0; i < n; i++) {
        strcat(content, i ? "&" : "");
        strcat(content, pairs[i]);
    }
    free(copy);
    char *sig = rsa_sha256_sign_b64(signer, content, strlen(content));
    char body[4096];
    /* the form: values percent-encoded where needed (+, /, = in the sign) */
    char enc[2048] = "";
    for (const char *c = sig; *c; c++) {
        char e[4] = {*c, 0};
        if (*c == '+' || *c == '/' || *c == '=')
            snprintf(e, sizeof e, "%%%02X", (unsigned char)*c);
        strcat(enc, e);
    }
    snprintf(body, sizeof body, "%s&sign_type=RSA2&sign=%s", params, enc);
    free(sig);
    if (tamper) {
        char *amt = strstr(body, "total_amount=");
        if (amt)
            amt[13] = amt[13] == '9' ? '1' : '9';
    }
    return http("POST", "/v1/callbacks/alipay", NULL,
                "application/x-www-form-urlencoded; charset=utf-8", body);
}

static void alipay_params(char *out, size_t n, const char *app_id,
                          const char *trade_no, const char *order_no, long fen,
                          const char *extra)
{
    snprintf(out, n,
             "notify_time=2026-10-01 "
             "10:00:05&notify_type=trade_status_sync&notify_id=N%s"
             "&app_id=%s&charset=utf-8&version=1.0&trade_no=%s&out_trade_no=%s"
             "&trade_status=TRADE_SUCCESS&total_amount=%ld.%02ld&receipt_"
             "amount=%ld.%02ld"
             "&buyer_id=2088000000000001&gmt_create=2026-10-01 09:59:50"
             "&gmt_payment=2026-10-01 10:00:00&subject=医保缴费%s",
             trade_no, app_id, trade_no, order_no, fen / 100, fen % 100,
             fen / 100, fen % 100, extra);
}

START_TEST(an_alipay_notification_pays_its_order_once)
{
    setup_once();
    char no[40], params[1024];
    long amount;
    order(3, "alipay", no, &amount);
    alipay_params(params, sizeof params, "2021000000000001", "2026100122001",
                  no, amount, "");
    http_reply r = alipay(params, alipay_key, true);
    expect(&r, 400);
    ck_assert_str_ne(r.body, "success");
    http_reply_free(&r);
    r = alipay(params, stranger_key, false);
    expect(&r, 400);
    http_reply_free(&r);
    for (int i = 0; i < 2; i++) { /* Alipay retries: still one payment */
        r = alipay(params, alipay_key, false);
        expect(&r, 200);
        ck_assert_str_eq(r.body, "success");
        http_reply_free(&r);
    }
    ck_assert_str_eq(order_status(no), "paid");
    ck_assert_int_eq(harness_count("SELECT count(*) FROM payments WHERE "
                                   "external_id = '2026100122001'"),
                     1);
    /* a partial refund re-sends TRADE_SUCCESS: recorded, never paid twice */
    alipay_params(params, sizeof params, "2021000000000001", "2026100122001",
                  no, amount,
                  "&refund_fee=100.00&gmt_refund=2026-10-02 10:00:00");
    r = alipay(params, alipay_key, false);
    ck_assert_str_eq(r.body, "success");
    http_reply_free(&r);
    ck_assert_int_eq(
        harness_count(
            "SELECT count(*) FROM payment_anomalies WHERE "
            "external_id LIKE '2026100122001/refund/%' AND kind = 'refund'"),
        1);
    ck_assert_int_eq(harness_count("SELECT count(*) FROM payments WHERE "
                                   "external_id = '2026100122001'"),
                     1);
}
END_TEST

START_TEST(money_for_people_already_paid_is_kept_as_an_overpayment)
{
    setup_once();
    /* CB-0 was paid by WeChat; an Alipay order made before that arrives */
    char path[64], params[1024];
    snprintf(path, sizeof path, "/v1/payment-orders");
    long amount = 80000;
    char *sql_order =
        harness_sql("INSERT INTO payment_orders (out_trade_no, channel, year, "
                    "tier, household_no, "
                    "amount, expires_at) VALUES ('MIOVERPAID0001', 'alipay', "
                    "2027, 1, 'CB-0', 80000, "
                    "now() + interval '1 hour') RETURNING out_trade_no");
    ck_assert_ptr_nonnull(sql_order);
    free(sql_order);
    alipay_params(params, sizeof params, "2021000000000001", "2026100122009",
                  "MIOVERPAID0001", amount, "");
    http_reply r = alipay(params, alipay_key, false);
    ck_assert_str_eq(r.body, "success");
    http_reply_free(&r);
    ck_assert_int_eq(
        harness_count("SELECT count(*) FROM payment_anomalies WHERE "
                      "external_id = '2026100122009' AND kind = 'overpaid'"),
        1);
    ck_assert_int_eq(harness_count("SELECT count(*) FROM payments WHERE "
                                   "external_id = '2026100122009'"),
                     0);
}
END_TEST

START_TEST(while_the_database_is_down_the_platform_is_told_to_retry)
{
    setup_once();
    char no[40];
    long amount;
    order(2, "wechat", no, &amount);
    harness_kill_postgres();
    http_reply r = wechat(no, "4200000010", amount, (wx_opts){0});
    ck_assert_int_ge(r.status, 500);
    http_reply_free(&r);
    harness_start_postgres();
    long status = 0;
    for (int i = 0; i < 100 && status != 204; i++) {
        r = wechat(no, "4200000010", amount, (wx_opts){0});
        status = r.status;
        http_reply_free(&r);
        if (status != 204) {
            struct timespec ts = {0, 200000000L};
            nanosleep(&ts, NULL);
        }
    }
    ck_assert_int_eq(status, 204);
    ck_assert_str_eq(order_status(no), "paid");
}
END_TEST

Suite *callbacks_suite(void)
{
    Suite *s = suite_create("callbacks");
    TCase *t = tcase_create("wechat and alipay");
    tcase_set_timeout(t, 120);
    tcase_add_test(t, a_wechat_notification_pays_its_order_once);
    tcase_add_test(t, sixteen_parallel_copies_record_one_payment);
    tcase_add_test(t,
                   forged_tampered_stale_or_probing_notifications_are_refused);
    tcase_add_test(
        t, signed_but_wrong_notifications_are_anomalies_that_pay_nothing);
    tcase_add_test(t, an_alipay_notification_pays_its_order_once);
    tcase_add_test(t, money_for_people_already_paid_is_kept_as_an_overpayment);
    tcase_add_test(t, while_the_database_is_down_the_platform_is_told_to_retry);
    suite_add_tcase(s, t);
    return s;
}
