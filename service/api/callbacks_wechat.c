/*
 * callbacks_wechat.c: POST /v1/callbacks/wechatpay, the WeChat Pay v3
 * payment notification (see shared/payment-callbacks.md).
 *
 * Order of trust: the signature over the raw bytes and the timestamp first,
 * then the AEAD tag of the resource, and only then its content. Answers:
 * 204 when received (recorded, duplicate, or kept as an anomaly), 4xx for
 * what will never verify, 5xx (retry later) while the database is away.
 */
#include "api/api.h"

#include "app.h"
#include "db/sql.h"
#include "domain/timestamp.h"
#include "http/reply.h"
#include "log.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* WeChat's failure answer: {"code":"FAIL","message":…}. */
static void fail(request *rq, unsigned status, const char *why)
{
    log_msg(LOG_INFO, "request %s: wechat notification refused: %s",
            rq->request_id, why);
    reply_json(rq, status,
               json_pack("{s:s,s:s}", "code", "FAIL", "message", why));
}

static const char *str(json_t *o, const char *k)
{
    const char *s = json_string_value(json_object_get(o, k));
    return s ? s : "";
}

/* A decrypted transaction: ours, successful, well-formed, then recorded. */
static void record(request *rq, json_t *tx, const char *plaintext)
{
    const platforms *p = &rq->app->platforms;
    const char *trade_no = str(tx, "out_trade_no");
    const char *txid = str(tx, "transaction_id");
    json_t *amount = json_object_get(json_object_get(tx, "amount"), "total");
    int64_t t;
    civil_date day;
    if (!*txid || strlen(txid) > 64 || !*trade_no || strlen(trade_no) > 32 ||
        !json_is_integer(amount) ||
        !timestamp_parse(str(tx, "success_time"), &t, &day)) {
        fail(rq, 400, "the transaction lacks a field");
        return;
    }
    db_status st = DB_OK;
    char outcome[24] = "anomaly", detail[24] = "", *why = NULL;
    int64_t payment_id = 0;
    if (strcmp(str(tx, "mchid"), p->wechat_mchid) ||
        strcmp(str(tx, "appid"), p->wechat_appid))
        st = db_record_anomaly(rq->db, "wechat", txid, trade_no,
                               "wrong_merchant", json_integer_value(amount),
                               "mchid or appid is not ours", plaintext);
    else if (strcmp(str(tx, "trade_state"), "SUCCESS") != 0)
        why = "not a success"; /* NOTPAY, CLOSED …: nothing to record */
    else
        st = db_order_paid(rq->db, "wechat", trade_no, txid,
                           json_integer_value(amount), str(tx, "success_time"),
                           plaintext, outcome, &payment_id, detail);
    if (st != DB_OK) {
        fail(rq, 503, "the database is unavailable, retry later");
        return;
    }
    log_msg(LOG_INFO, "request %s: wechat %s for order %s: %s %s",
            rq->request_id, txid, trade_no, why ? why : outcome, detail);
    reply_empty(rq, 204);
}

void handle_callback_wechatpay(request *rq)
{
    const platforms *p = &rq->app->platforms;
    if (!p->wechat_ready) {
        fail(rq, 503, "wechat pay is not configured");
        return;
    }
    const char *why = NULL;
    const char *body = rq->body.data ? rq->body.data : "";
    wechat_status ws = wechat_verify(
        &p->wechat_keys, request_header(rq, "Wechatpay-Timestamp"),
        request_header(rq, "Wechatpay-Nonce"),
        request_header(rq, "Wechatpay-Signature"),
        request_header(rq, "Wechatpay-Serial"),
        request_header(rq, "Wechatpay-Signature-Type"), body, rq->body.len,
        (int64_t)time(NULL), &why);
    if (ws != WECHAT_OK) { /* out of memory is ours: retry later */
        fail(rq, ws == WECHAT_NO_MEMORY ? 503 : 401,
             why ? why : wechat_status_name(ws));
        return;
    }
    json_t *n = json_loadb(body, rq->body.len, 0, NULL);
    char *plain = NULL;
    json_t *tx = NULL;
    if (!n)
        fail(rq, 400, "the body is not JSON");
    else if (strcmp(str(n, "event_type"), "TRANSACTION.SUCCESS") != 0)
        reply_empty(rq, 204); /* not a payment: acknowledged */
    else if ((ws = wechat_decrypt_resource(p->wechat_apiv3_key,
                                           json_object_get(n, "resource"),
                                           &plain, &why)) != WECHAT_OK)
        fail(rq, ws == WECHAT_NO_MEMORY ? 503 : 400,
             why ? why : wechat_status_name(ws));
    else if (!(tx = json_loads(plain, 0, NULL)))
        fail(rq, 400, "the resource is not JSON");
    else
        record(rq, tx, plain);
    json_decref(tx);
    json_decref(n);
    free(plain);
}
