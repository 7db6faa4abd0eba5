/*
 * callbacks_alipay.c: POST /v1/callbacks/alipay, Alipay's asynchronous
 * notification (form-encoded, RSA2). The answer is the plain text
 * "success" when received; anything else makes Alipay retry.
 */
#include "api/api.h"

#include "app.h"
#include "crypto/alipay.h"
#include "db/sql.h"
#include "domain/form.h"
#include "domain/money.h"
#include "domain/timestamp.h"
#include "http/reply.h"
#include "log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void answer(request *rq, unsigned status, const char *text,
                   const char *why)
{
    if (why)
        log_msg(LOG_INFO, "request %s: alipay notification: %s", rq->request_id,
                why);
    reply_text(rq, status, "text/plain; charset=utf-8", text, strlen(text));
}

static const char *get(const form *f, const char *k)
{
    const char *v = form_get(f, k);
    return v ? v : "";
}

/* The notification as JSON, kept with an anomaly for staff. */
static char *form_json(const form *f)
{
    json_t *o = json_object();
    for (size_t i = 0; i < f->count; i++)
        json_object_set_new(o, f->params[i].key,
                            json_string(f->params[i].value));
    char *text = json_dumps(o, JSON_COMPACT);
    json_decref(o);
    return text;
}

/* "2024-11-02 10:34:56" (Beijing) → RFC 3339, checked. */
static bool beijing_time(const char *s, char out[40])
{
    int64_t t;
    civil_date d;
    if (strlen(s) != 19 || s[10] != ' ')
        return false;
    snprintf(out, 40, "%.10sT%s+08:00", s, s + 11);
    return timestamp_parse(out, &t, &d);
}

static db_status record_refund(request *rq, const form *f, const char *trade_no,
                               const char *order, int64_t fen,
                               const char *notification)
{
    char key[128];
    snprintf(key, sizeof key, "%.64s/refund/%.40s", trade_no,
             get(f, "gmt_refund"));
    return db_record_anomaly(rq->db, "alipay", key, order, "refund", fen,
                             get(f, "refund_fee"), notification);
}

static void record(request *rq, const form *f, const char *notification)
{
    const platforms *p = &rq->app->platforms;
    const char *trade_no = get(f, "trade_no"), *order = get(f, "out_trade_no");
    const char *status = get(f, "trade_status");
    int64_t fen = 0;
    char paid_at[40];
    if (!*trade_no || !*order ||
        !money_parse_yuan(get(f, "total_amount"), &fen) ||
        !(beijing_time(get(f, "gmt_payment"), paid_at) ||
          beijing_time(get(f, "notify_time"), paid_at))) {
        answer(rq, 400, "fail", "a field is missing or malformed");
        return;
    }
    char outcome[24] = "anomaly", detail[24] = "";
    int64_t payment_id = 0;
    db_status st = DB_OK;
    bool ours = !strcmp(get(f, "app_id"), p->alipay_app_id) &&
                (!p->alipay_seller_id[0] ||
                 !strcmp(get(f, "seller_id"), p->alipay_seller_id));
    if (!ours)
        st = db_record_anomaly(rq->db, "alipay", trade_no, order,
                               "wrong_merchant", fen,
                               "app_id or seller_id is not ours", notification);
    else if (form_get(f, "refund_fee") && *get(f, "refund_fee"))
        /* a (partial) refund re-sends TRADE_SUCCESS: never pays again;
         * each refund of a trade is its own record */
        st = record_refund(rq, f, trade_no, order, fen, notification);
    else if (!strcmp(status, "TRADE_SUCCESS") ||
             !strcmp(status, "TRADE_FINISHED"))
        st = db_order_paid(rq->db, "alipay", order, trade_no, fen, paid_at,
                           notification, outcome, &payment_id, detail);
    else
        snprintf(outcome, sizeof outcome, "ignored");
    if (st != DB_OK) {
        answer(rq, 503, "fail", "the database is unavailable");
        return;
    }
    log_msg(LOG_INFO, "request %s: alipay %s for order %s (%s): %s %s",
            rq->request_id, trade_no, order, status, outcome, detail);
    answer(rq, 200, "success", NULL);
}

void handle_callback_alipay(request *rq)
{
    const platforms *p = &rq->app->platforms;
    if (!p->alipay_ready) {
        answer(rq, 503, "fail", "alipay is not configured");
        return;
    }
    form f;
    form_status fs =
        form_parse(rq->body.data ? rq->body.data : "", rq->body.len, &f);
    if (fs != FORM_OK) {
        answer(rq, fs == FORM_NO_MEMORY ? 503 : 400, "fail",
               form_status_message(fs));
        return;
    }
    const char *why = NULL;
    alipay_status as = alipay_verify(p->alipay_key, &f, &why);
    if (as != ALIPAY_OK)
        answer(rq, as == ALIPAY_NO_MEMORY ? 503 : 400, "fail",
               why ? why : alipay_status_name(as));
    else {
        char *json = form_json(&f);
        record(rq, &f, json ? json : "{}");
        free(json);
    }
    form_free(&f);
}
