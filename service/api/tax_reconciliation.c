/*
 * tax_reconciliation.c: 对账 with the tax bureau.
 *
 * GET /v1/tax/reconciliation?date= is our side of a day (Asia/Shanghai):
 * payments not reversed, per channel. POST /v1/tax/reconciliation takes
 * the bureau's side ("totals" per channel and/or "vouchers") and answers
 * the differences line by line. Both see only payments of people inside
 * the caller's region.
 */
#include "api/api.h"

#include "db/sql.h"
#include "domain/date.h"
#include "http/jspec.h"
#include "http/reply.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { MAX_CHANNELS = 16, MAX_VOUCHERS = 1000000, MAX_LISTED = 10000 };

typedef struct {
    char channel[16];
    int64_t count, amount;
} channel_sum;

typedef struct {
    size_t n;
    channel_sum rows[MAX_CHANNELS];
} channel_sums;

static void on_total(void *cls, const db_channel_total *t)
{
    channel_sums *s = cls;
    if (s->n == MAX_CHANNELS)
        return;
    channel_sum *r = &s->rows[s->n++];
    snprintf(r->channel, sizeof r->channel, "%s", t->channel);
    r->count = t->count, r->amount = t->amount;
}

static json_t *sum_json(int64_t count, int64_t amount)
{
    return json_pack("{s:I,s:I}", "count", (json_int_t)count, "amount",
                     (json_int_t)amount);
}

/* Our side of date into *ours. Replies on failure. */
static outcome ours_or_reply(request *rq, const char *date, channel_sums *ours)
{
    memset(ours, 0, sizeof *ours);
    db_status st = db_tax_day_totals(rq->db, date,
                                     rq->who.region[0] ? rq->who.region : NULL,
                                     on_total, ours);
    if (st != DB_OK) {
        reply_db_error(rq, st);
        return OUT_REPLIED;
    }
    return OUT_CONTINUE;
}

void handle_tax_reconciliation(request *rq)
{
    const char *date = request_query(rq, "date");
    civil_date d;
    if (!date || !date_parse(date, &d)) {
        reply_error(rq, 400, "validation_failed", "date",
                    "must be a real date YYYY-MM-DD");
        return;
    }
    channel_sums ours;
    if (ours_or_reply(rq, date, &ours) != OUT_CONTINUE)
        return;
    json_t *channels = json_array();
    int64_t count = 0, amount = 0;
    for (size_t i = 0; i < ours.n; i++) {
        json_t *row = sum_json(ours.rows[i].count, ours.rows[i].amount);
        json_object_set_new(row, "channel", json_string(ours.rows[i].channel));
        json_array_append_new(channels, row);
        count += ours.rows[i].count, amount += ours.rows[i].amount;
    }
    reply_json(rq, 200,
               json_pack("{s:s,s:o,s:o}", "date", date, "channels", channels,
                         "total", sum_json(count, amount)));
}

/* ---- the bureau's side ---- */

typedef struct {
    char date[11];
    bool has_totals, has_vouchers;
    channel_sums theirs;
    size_t nvouchers;
    const char **vouchers; /* owned array; strings belong to rq->json */
    int64_t *amounts;      /* owned */
} their_side;

static bool channel_known(const char *c)
{
    static const char *const ok[] = {"wechat",     "alipay",     "bank",
                                     "tax_online", "tax_hall",   "pos",
                                     "cash",       "assistance", "subsidy"};
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++)
        if (!strcmp(c, ok[i]))
            return true;
    return false;
}

typedef struct {
    char channel[16];
    int64_t count, amount;
} total_fields;

static const jspec total_spec[] = {
    {"channel", JS_STRING, true, offsetof(total_fields, channel), 16, 1, 15,
     JSPEC_NO_FLAG},
    {"count", JS_INT, true, offsetof(total_fields, count), 0, 0, 1000000000LL,
     JSPEC_NO_FLAG},
    {"amount", JS_INT, true, offsetof(total_fields, amount), 0, 0,
     1000000000000000LL, JSPEC_NO_FLAG},
    JSPEC_END,
};

static outcome totals_or_reply(request *rq, json_t *arr, their_side *s)
{
    if (jspec_array_or_reply(rq, arr, "totals", 0, MAX_CHANNELS) !=
        OUT_CONTINUE)
        return OUT_REPLIED;
    size_t i;
    json_t *v;
    json_array_foreach (arr, i, v) {
        char prefix[32];
        snprintf(prefix, sizeof prefix, "totals[%zu]", i);
        total_fields f;
        memset(&f, 0, sizeof f);
        if (jspec_parse_or_reply(rq, v, prefix, total_spec, &f) != OUT_CONTINUE)
            return OUT_REPLIED;
        bool twice = false;
        for (size_t k = 0; k < s->theirs.n; k++)
            twice = twice || !strcmp(s->theirs.rows[k].channel, f.channel);
        if (!channel_known(f.channel) || twice) {
            char field[48];
            snprintf(field, sizeof field, "%s.channel", prefix);
            reply_error(rq, 422, "validation_failed", field,
                        twice ? "the channel is listed twice"
                              : "unknown channel");
            return OUT_REPLIED;
        }
        channel_sum *r = &s->theirs.rows[s->theirs.n++];
        snprintf(r->channel, sizeof r->channel, "%s", f.channel);
        r->count = f.count, r->amount = f.amount;
    }
    return OUT_CONTINUE;
}

static int by_text(const void *a, const void *b)
{
    return strcmp(**(const char *const *const *)a,
                  **(const char *const *const *)b);
}

/* Names the first voucher listed twice, or returns false. */
static bool voucher_twice(const their_side *s, size_t *which)
{
    const char ***order = calloc(s->nvouchers + 1, sizeof *order);
    bool twice = false;
    for (size_t i = 0; order && i < s->nvouchers; i++)
        order[i] = &s->vouchers[i];
    if (order && s->nvouchers)
        qsort(order, s->nvouchers, sizeof *order, by_text);
    for (size_t i = 1; order && i < s->nvouchers && !twice; i++)
        if (!strcmp(*order[i], *order[i - 1])) {
            size_t a = (size_t)(order[i] - s->vouchers);
            size_t b = (size_t)(order[i - 1] - s->vouchers);
            twice = true;
            *which = a > b ? a : b; /* the second listing */
        }
    free(order);
    return twice;
}

static outcome vouchers_or_reply(request *rq, json_t *arr, their_side *s)
{
    if (jspec_array_or_reply(rq, arr, "vouchers", 0, MAX_VOUCHERS) !=
        OUT_CONTINUE)
        return OUT_REPLIED;
    size_t n = json_array_size(arr), i;
    s->vouchers = calloc(n + 1, sizeof *s->vouchers);
    s->amounts = calloc(n + 1, sizeof *s->amounts);
    if (!s->vouchers || !s->amounts) {
        reply_error(rq, 500, "internal", NULL, "out of memory");
        return OUT_REPLIED;
    }
    json_t *v;
    json_array_foreach (arr, i, v) {
        json_t *no = json_object_get(v, "voucher_no");
        json_t *amount = json_object_get(v, "amount");
        const char *text = json_string_value(no);
        char field[48];
        snprintf(field, sizeof field, "vouchers[%zu].%s", i,
                 text ? "amount" : "voucher_no");
        if (!text || !*text || strlen(text) > 64 ||
            strlen(text) != json_string_length(no) ||
            !json_is_integer(amount) || json_integer_value(amount) < 0) {
            reply_error(rq, 422, "validation_failed", field,
                        text ? "must be an integer, 0 or more"
                             : "must be a voucher number (1 to 64 "
                               "characters)");
            return OUT_REPLIED;
        }
        s->vouchers[i] = text;
        s->amounts[i] = json_integer_value(amount);
        s->nvouchers = i + 1;
    }
    size_t which;
    if (voucher_twice(s, &which)) {
        char field[48];
        snprintf(field, sizeof field, "vouchers[%zu].voucher_no", which);
        reply_error(rq, 422, "validation_failed", field,
                    "the voucher is listed twice");
        return OUT_REPLIED;
    }
    return OUT_CONTINUE;
}

static const jspec side_spec[] = {
    {"date", JS_DATE, true, offsetof(their_side, date), 11, 0, 0,
     JSPEC_NO_FLAG},
    JSPEC_END,
};

static outcome side_or_reply(request *rq, their_side *s)
{
    if (jspec_parse_or_reply(rq, rq->json, "", side_spec, s) != OUT_CONTINUE)
        return OUT_REPLIED;
    json_t *totals = json_object_get(rq->json, "totals");
    json_t *vouchers = json_object_get(rq->json, "vouchers");
    s->has_totals = totals && !json_is_null(totals);
    s->has_vouchers = vouchers && !json_is_null(vouchers);
    if (!s->has_totals && !s->has_vouchers) {
        reply_error(rq, 422, "validation_failed", "totals",
                    "give totals, vouchers or both");
        return OUT_REPLIED;
    }
    if (s->has_totals && totals_or_reply(rq, totals, s) != OUT_CONTINUE)
        return OUT_REPLIED;
    if (s->has_vouchers && vouchers_or_reply(rq, vouchers, s) != OUT_CONTINUE)
        return OUT_REPLIED;
    return OUT_CONTINUE;
}

static const channel_sum *find_sum(const channel_sums *s, const char *channel)
{
    for (size_t i = 0; i < s->n; i++)
        if (!strcmp(s->rows[i].channel, channel))
            return &s->rows[i];
    return NULL;
}

static json_t *comparison(const char *channel, int64_t oc, int64_t oa,
                          int64_t tc, int64_t ta)
{
    json_t *row =
        json_pack("{s:o,s:o,s:o}", "ours", sum_json(oc, oa), "theirs",
                  sum_json(tc, ta), "difference", sum_json(oc - tc, oa - ta));
    if (row && channel)
        json_object_set_new(row, "channel", json_string(channel));
    return row;
}

static int by_channel(const void *a, const void *b)
{
    return strcmp(((const channel_sum *)a)->channel,
                  ((const channel_sum *)b)->channel);
}

/* channels and total: every channel either side has, ours − theirs.
 * Sets *balanced to false on any difference. */
static void add_channels(json_t *body, const channel_sums *ours,
                         const channel_sums *theirs, bool *balanced)
{
    channel_sums all = *ours;
    for (size_t i = 0; i < theirs->n && all.n < MAX_CHANNELS; i++)
        if (!find_sum(&all, theirs->rows[i].channel))
            all.rows[all.n++] = theirs->rows[i];
    qsort(all.rows, all.n, sizeof all.rows[0], by_channel);
    json_t *rows = json_array();
    int64_t t[4] = {0, 0, 0, 0};
    for (size_t i = 0; i < all.n; i++) {
        const channel_sum *o = find_sum(ours, all.rows[i].channel);
        const channel_sum *h = find_sum(theirs, all.rows[i].channel);
        int64_t v[4] = {o ? o->count : 0, o ? o->amount : 0, h ? h->count : 0,
                        h ? h->amount : 0};
        json_array_append_new(
            rows, comparison(all.rows[i].channel, v[0], v[1], v[2], v[3]));
        for (int k = 0; k < 4; k++)
            t[k] += v[k];
        if (v[0] != v[2] || v[1] != v[3])
            *balanced = false;
    }
    json_object_set_new(body, "channels", rows);
    json_object_set_new(body, "total",
                        comparison(NULL, t[0], t[1], t[2], t[3]));
}

typedef struct {
    json_t *list;
    size_t n;
} differences;

static void on_difference(void *cls, const db_voucher_difference *d)
{
    differences *x = cls;
    if (x->n++ >= MAX_LISTED)
        return;
    json_t *row = json_pack("{s:s,s:s}", "voucher_no", d->voucher, "difference",
                            d->difference);
    json_object_set_new(row, "ours",
                        d->has_ours ? json_integer(d->ours) : json_null());
    json_object_set_new(row, "theirs",
                        d->has_theirs ? json_integer(d->theirs) : json_null());
    json_array_append_new(x->list, row);
}

void handle_tax_reconcile(request *rq)
{
    their_side s;
    memset(&s, 0, sizeof s);
    channel_sums ours;
    differences diff = {json_array(), 0};
    json_t *body = NULL;
    bool balanced = true;
    if (side_or_reply(rq, &s) != OUT_CONTINUE ||
        (s.has_totals && ours_or_reply(rq, s.date, &ours) != OUT_CONTINUE))
        goto out;
    if (s.has_vouchers) {
        db_status st = db_tax_voucher_differences(
            rq->db, s.date, rq->who.region[0] ? rq->who.region : NULL,
            s.vouchers, s.amounts, s.nvouchers, on_difference, &diff);
        if (st != DB_OK) {
            reply_db_error(rq, st);
            goto out;
        }
    }
    body = json_pack("{s:s}", "date", s.date);
    if (s.has_totals)
        add_channels(body, &ours, &s.theirs, &balanced);
    if (s.has_vouchers) {
        balanced = balanced && diff.n == 0;
        json_object_set_new(body, "vouchers", diff.list);
        json_object_set_new(body, "vouchers_compared",
                            json_integer((json_int_t)s.nvouchers));
        json_object_set_new(body, "voucher_differences",
                            json_integer((json_int_t)diff.n));
        diff.list = NULL;
    }
    json_object_set_new(body, "balanced", json_boolean(balanced));
    reply_json(rq, 200, body);
out:
    json_decref(diff.list);
    free(s.vouchers);
    free(s.amounts);
}
