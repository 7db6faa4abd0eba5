/*
 * orders.c: POST /v1/payment-orders and GET /v1/payment-orders/{no}: an
 * order for WeChat Pay or Alipay of what some people owe today. A household
 * may hold several open orders (one per channel, say); the first one paid
 * pays the enrolments, money arriving later is kept as an anomaly.
 */
#include "api/api.h"

#include "api/people.h"
#include "http/jspec.h"
#include "http/reply.h"

#include <inttypes.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

enum { ORDER_LIFETIME_S = 2 * 3600 };

typedef struct {
    char household_no[HOUSEHOLD_NO_BYTES];
    int64_t year, tier;
    char channel[16];
} order_fields;

static const jspec order_spec[] = {
    {"household_no", JS_STRING, false, offsetof(order_fields, household_no),
     HOUSEHOLD_NO_BYTES, 1, 40, JSPEC_NO_FLAG},
    {"year", JS_INT, true, offsetof(order_fields, year), 0, 2000, 2100,
     JSPEC_NO_FLAG},
    {"tier", JS_INT, true, offsetof(order_fields, tier), 0, 1, 9,
     JSPEC_NO_FLAG},
    {"channel", JS_STRING, true, offsetof(order_fields, channel), 16, 1, 15,
     JSPEC_NO_FLAG},
    JSPEC_END,
};

/* "MI" + Beijing date + 16 random letters and digits: unique, 26 chars. */
static bool new_trade_no(char out[32], time_t now)
{
    static const char alnum[] =
        "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
    unsigned char raw[16];
    if (RAND_bytes(raw, sizeof raw) != 1)
        return false;
    time_t bj = now + 8 * 3600;
    struct tm tm;
    gmtime_r(&bj, &tm);
    size_t n = strftime(out, 32, "MI%Y%m%d", &tm);
    for (size_t i = 0; i < sizeof raw; i++)
        out[n++] = alnum[raw[i] % (sizeof alnum - 1)];
    out[n] = '\0';
    return true;
}

/* Two hours, but never past the Beijing day: a due amount can change at
 * a cut-off date, so an order never spans one. */
static void expiry(time_t now, char out[32])
{
    time_t day_end = ((now + 8 * 3600) / 86400 + 1) * 86400 - 8 * 3600 - 1;
    time_t at =
        now + ORDER_LIFETIME_S < day_end ? now + ORDER_LIFETIME_S : day_end;
    time_t bj = at + 8 * 3600; /* shown on the campaign's clock */
    struct tm tm;
    gmtime_r(&bj, &tm);
    strftime(out, 32, "%Y-%m-%dT%H:%M:%S+08:00", &tm);
}

static void reply_refused(request *rq, const db_order_result *o)
{
    if (!strcmp(o->outcome, "already_paid"))
        reply_error(rq, 409, "conflict", "id_numbers",
                    "%s is already paid for this year", o->detail);
    else if (!strcmp(o->outcome, "out_of_scope"))
        reply_error(rq, 403, "forbidden", NULL,
                    "%s is outside this token's region", o->detail);
    else if (!strcmp(o->outcome, "nothing_due"))
        reply_error(rq, 422, "validation_failed", NULL,
                    "nothing is due: record a subsidy payment instead");
    else if (!strcmp(o->outcome, "no_year") || !strcmp(o->outcome, "no_tier"))
        reply_error(rq, 422, "validation_failed", o->outcome + 3,
                    "the %s is not configured", o->outcome + 3);
    else if (!strcmp(o->outcome, "too_late"))
        reply_error(rq, 422, "validation_failed", "year",
                    "too late to pay for this year");
    else
        reply_error(rq, 422, "validation_failed", "id_numbers",
                    "%s cannot be paid for: %s",
                    o->detail[0] ? o->detail : "nobody", o->outcome);
}

void handle_order_create(request *rq)
{
    order_fields f = {0};
    id_list people;
    if (jspec_parse_or_reply(rq, rq->json, "", order_spec, &f) !=
            OUT_CONTINUE ||
        people_target_or_reply(rq, f.household_no, &people) != OUT_CONTINUE)
        return;
    if (strcmp(f.channel, "wechat") && strcmp(f.channel, "alipay")) {
        reply_error(rq, 422, "validation_failed", "channel",
                    "must be wechat or alipay");
        return;
    }
    time_t now = time(NULL);
    char no[32], expires[32];
    if (!new_trade_no(no, now)) {
        reply_error(rq, 500, "internal", NULL, "no randomness available");
        return;
    }
    expiry(now, expires);
    db_order_result o;
    db_status st =
        db_order_create(rq->db, f.channel, no, (int)f.year, (int)f.tier,
                        people.n ? NULL : f.household_no, people.ptrs, people.n,
                        rq->who.token_id,
                        rq->who.region[0] ? rq->who.region : NULL, expires, &o);
    if (st != DB_OK)
        reply_db_error(rq, st);
    else if (strcmp(o.outcome, "created") != 0)
        reply_refused(rq, &o);
    else {
        reply_json(rq, 201,
                   json_pack("{s:s,s:s,s:i,s:i,s:I,s:s,s:s}", "out_trade_no",
                             no, "channel", f.channel, "year", (int)f.year,
                             "tier", (int)f.tier, "amount",
                             (json_int_t)o.amount, "expires_at", expires,
                             "status", "open"));
        char loc[64];
        snprintf(loc, sizeof loc, "/v1/payment-orders/%s", no);
        reply_add_header(rq, MHD_HTTP_HEADER_LOCATION, loc);
    }
}

void handle_order_get(request *rq)
{
    db_order o;
    db_status st = db_order_get(rq->db, rq->params[0], &o);
    if (st == DB_NOT_FOUND)
        reply_not_found(rq, "order");
    else if (st != DB_OK)
        reply_db_error(rq, st);
    else {
        json_t *j =
            json_pack("{s:s,s:s,s:i,s:i,s:I,s:s,s:s}", "out_trade_no",
                      o.out_trade_no, "channel", o.channel, "year", o.year,
                      "tier", o.tier, "amount", (json_int_t)o.amount,
                      "expires_at", o.expires_at, "status", o.status);
        if (o.payment_id)
            json_object_set_new(j, "payment_id", json_integer(o.payment_id));
        reply_json(rq, 200, j);
    }
}
